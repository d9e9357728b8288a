#!/usr/bin/env bash
# test_limits.sh: the [limits] of the config reach the decoder.  The robot
# reads a deeply nested message with several parts and a large attachment
# through `rules test` (which decodes as `poll` does), once with the
# defaults and once with small limits, and must show each bound hit.
# Needs no server.  BUILD names the build directory (default build).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
. tests/lib/check.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/nr-limits.XXXXXX")
trap 'rm -rf "$dir"' EXIT

# Five attachments of 3000 bytes, the text four multiparts deep.
{
	printf 'From: a@example.edu.tr\r\nTo: robot@example.edu.tr\r\n'
	printf 'Subject: limits\r\nMIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/mixed; boundary="top"\r\n\r\n'
	for i in 1 2 3 4 5; do
		printf -- '--top\r\nContent-Type: application/octet-stream\r\n'
		printf 'Content-Disposition: attachment; '
		printf 'filename="f%d.bin"\r\n' "$i"
		printf 'Content-Transfer-Encoding: base64\r\n\r\n'
		head -c 3000 /dev/zero | tr '\0' 'x' | base64
	done
	printf -- '--top\r\n'
	for d in 1 2 3; do
		printf 'Content-Type: multipart/mixed; boundary="d%d"\r\n' "$d"
		printf '\r\n--d%d\r\n' "$d"
	done
	printf 'Content-Type: text/plain\r\n\r\ninnermost text\r\n'
	printf -- '--d3--\r\n--d2--\r\n--d1--\r\n--top--\r\n'
} >"$dir/m.eml"

conf() {	# $1 file, then [limits] lines
	local f=$1
	shift
	sed -e "s|^path = robot.db|path = $dir/robot.db|" \
	    tests/fixtures/config/minimal.ini >"$f"
	printf '\n[robot]\nrules_dir = %s/rules\n' "$PWD" >>"$f"
	printf 'templates_dir = %s/templates\n' "$PWD" >>"$f"
	printf '\n[limits]\n' >>"$f"
	printf '%s\n' "$@" >>"$f"
	chmod 600 "$f"	# it holds a password
}

conf "$dir/default.ini"
out=$("$ROBOT" -c "$dir/default.ini" rules test "$dir/m.eml" 2>&1)
check_eq "defaults: rules test exits 0" 0 $?
check_eq "defaults: five attachments of 3000 bytes" 5 \
    "$(grep -c '^Attachment: f[0-9].bin (.*, 3000 bytes)' <<<"$out")"
check "defaults: the innermost text is read" grep -q 'innermost text' <<<"$out"
check_eq "defaults: nothing noted" "" "$(grep '^Decoding:' <<<"$out")"

conf "$dir/small.ini" "max_depth = 2" "max_parts = 3" "max_attachment = 1K"
out=$("$ROBOT" -c "$dir/small.ini" rules test "$dir/m.eml" 2>&1)
check_eq "small limits: rules test exits 0" 0 $?
# Over max_parts (counted before the message is parsed): headers only.
check_eq "max_parts = 3: no attachment read" 0 \
    "$(grep -c '^Attachment:' <<<"$out")"
check "max_parts = 3: headers only, noted" \
    grep -q 'more than 3 parts: headers only' <<<"$out"
check "max_parts = 3: the headers are read" \
    grep -q '^Subject: *limits$' <<<"$out"

conf "$dir/cut.ini" "max_attachment = 1K"
out=$("$ROBOT" -c "$dir/cut.ini" rules test "$dir/m.eml" 2>&1)
check_eq "max_attachment = 1K: each cut to 1024 bytes" 5 \
    "$(grep -c '^Attachment: .*, 3000 bytes, 1024 kept)' <<<"$out")"
check "max_attachment = 1K: the cut is noted" \
    grep -q 'f1.bin of 3000 bytes cut to the 1024-byte limit' <<<"$out"

conf "$dir/shallow.ini" "max_depth = 2"
out=$("$ROBOT" -c "$dir/shallow.ini" rules test "$dir/m.eml" 2>&1)
check "max_depth = 2: the nesting is noted" \
    grep -q 'nesting deeper than 2' <<<"$out"
check "max_depth = 2: the innermost text is not read" \
    bash -c '! grep -q "innermost text" <<<"$1"' _ "$out"

conf "$dir/tiny.ini" "max_message = 4K"
out=$("$ROBOT" -c "$dir/tiny.ini" rules test "$dir/m.eml" 2>&1)
check "max_message = 4K: headers only, noted" \
    grep -q 'over the 4096-byte limit: headers only' <<<"$out"
check_eq "max_message = 4K: no attachment read" 0 \
    "$(grep -c '^Attachment:' <<<"$out")"
check_done
