#!/usr/bin/env bash
# test_reload.sh: a SIGHUP applies the new config's [limits] to the
# decoder, against a real Dovecot.
#
# `robot run` starts with the default limits; the config then gets
# max_parts = 3, max_depth = 2 and max_attachment = 1K and the robot a
# SIGHUP.  Three messages delivered after the reload are each over one of
# the new limits and well under the old ones: each is recorded with the
# note of the new limit.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
USER_=robot@example.edu.tr
NOW=2026-04-06T10:00:00+03:00

. tests/lib/check.sh
. tests/lib/servers.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi

RPID=
stop_robot_on_exit() {
	if [ -n "$RPID" ] && kill -0 "$RPID" 2>/dev/null; then
		kill -9 "$RPID" 2>/dev/null
	fi
}
trap stop_robot_on_exit EXIT

servers_start "$(mktemp -d "${TMPDIR:-/tmp}/nr-reload.XXXXXX")" "$USER_" \
    bidb@example.edu.tr || { echo "not ok - servers start"; exit 1; }
CONF=$SRV_DIR/robot.ini
LOG=$SRV_DIR/run.log
servers_write_config "$CONF" "$USER_" "[robot]" "poll_interval = 10" \
    "rules_dir = $PWD/rules" "templates_dir = $PWD/templates" \
    "holidays_file = $PWD/rules/holidays.txt"
sed -i -e '/^\[smtp\]/a tls = none' "$CONF"

ledger() {
	sqlite3 -batch -noheader "$SRV_DIR/robot.db" "$1"
}

wait_for() {	# SECONDS CMD...
	local deadline=$(($(date +%s) + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

notes_of() {	# NAME: the ledger's notes of <NAME@example.org>
	ledger "SELECT ifnull(notes, '(none)') FROM message WHERE message_id
	    IN ('$1@example.org', '<$1@example.org>')"
}

recorded() {
	[ -n "$(notes_of "$1")" ]
}

head_of() {	# NAME
	printf '%s\r\n' "From: Ali Veli <ali@example.org>" "To: $USER_" \
	    "Subject: limits $1" "Date: Mon, 06 Apr 2026 10:00:00 +0300" \
	    "Message-ID: <$1@example.org>" "MIME-Version: 1.0"
}

# Five parts, one level deep.
{
	head_of parts
	printf 'Content-Type: multipart/mixed; boundary="p"\r\n\r\n'
	for i in 1 2 3 4 5; do
		printf -- '--p\r\nContent-Type: text/plain\r\n\r\npart %d\r\n' \
		    "$i"
	done
	printf -- '--p--\r\n'
} >"$SRV_DIR/parts.eml"
# Text four multiparts deep.
{
	head_of depth
	for d in 1 2 3 4; do
		printf 'Content-Type: multipart/mixed; boundary="d%d"\r\n' "$d"
		printf '\r\n--d%d\r\n' "$d"
	done
	printf 'Content-Type: text/plain\r\n\r\ninnermost text\r\n'
	printf -- '--d4--\r\n--d3--\r\n--d2--\r\n--d1--\r\n'
} >"$SRV_DIR/depth.eml"
# One attachment of 3000 bytes.
{
	head_of attachment
	printf 'Content-Type: multipart/mixed; boundary="a"\r\n\r\n'
	printf -- '--a\r\nContent-Type: text/plain\r\n\r\nek\r\n'
	printf -- '--a\r\nContent-Type: application/octet-stream\r\n'
	printf 'Content-Disposition: attachment; filename="f.bin"\r\n'
	printf 'Content-Transfer-Encoding: base64\r\n\r\n'
	head -c 3000 /dev/zero | tr '\0' 'x' | base64
	printf -- '--a--\r\n'
} >"$SRV_DIR/attachment.eml"

: >"$LOG"
ROBOT_NOW=$NOW "$ROBOT" -c "$CONF" run 2>"$LOG" &
RPID=$!
check "run connects" wait_for 20 grep -q "imap: connected" "$LOG"

printf '%s\n' "" "[limits]" "max_parts = 3" "max_depth = 2" \
    "max_attachment = 1K" >>"$CONF"
kill -HUP "$RPID"
check "the new config is loaded" wait_for 20 grep -q "reloaded:" "$LOG"
check "and the robot connects again" \
    wait_for 20 eval '[ "$(grep -c "imap: connected" "$LOG")" -ge 2 ]'

servers_append "$USER_" INBOX "$SRV_DIR/parts.eml" "$SRV_DIR/depth.eml" \
    "$SRV_DIR/attachment.eml"
for m in parts depth attachment; do
	check "message '$m' is recorded" wait_for 30 recorded "$m"
done
check "max_parts = 3 applies after the reload" \
    grep -q "more than 3 parts" <<<"$(notes_of parts)"
check "max_depth = 2 applies after the reload" \
    grep -q "nesting deeper than 2" <<<"$(notes_of depth)"
check "max_attachment = 1K applies after the reload" \
    grep -q "f.bin of 3000 bytes cut to the 1024-byte limit" \
    <<<"$(notes_of attachment)"

kill -TERM "$RPID"
check "run stops" wait_for 20 eval '! kill -0 "$RPID"'
wait "$RPID" 2>/dev/null
RPID=
servers_done
