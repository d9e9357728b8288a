#!/usr/bin/env bash
# test_libs.sh: libcurl, libxml2 and libzip are loaded when first needed
# (robot/lazy.h), not at every start.  A command that reads no mail
# starts without them; one that reads mail loads libxml2 and libzip and
# reads HTML as before; where a library cannot be loaded, a
# command that needs it says which and why and exits 1, and the others
# still work, and mail waits in the outbox.  Needs no server.  BUILD names the build directory (default
# build).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
. tests/lib/check.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/nr-libs.XXXXXX")
trap 'rm -rf "$dir"' EXIT

sed -e "s|^path = robot.db|path = $dir/robot.db|" \
    tests/fixtures/config/minimal.ini >"$dir/robot.ini"
printf '\n[robot]\nrules_dir = %s/rules\n' "$PWD" >>"$dir/robot.ini"
printf 'templates_dir = %s/templates\n' "$PWD" >>"$dir/robot.ini"
# Nothing listens on port 1: mail stays queued in any case.
printf '[smtp]\nurl = smtp://127.0.0.1:1\ntls = none\n' >>"$dir/robot.ini"
printf 'from = robot@example.edu.tr\n' >>"$dir/robot.ini"
printf '[institution]\nbidb = bidb@example.edu.tr\n' >>"$dir/robot.ini"
chmod 600 "$dir/robot.ini"	# it holds a password

# A unit head's form as an HTML table.
cat >"$dir/form.eml" <<'EOF'
From: Prof. Dr. Ayşe Kaya <dekan.muh@example.edu.tr>
To: bidb@example.edu.tr
Subject: NES yenileme talebi - Mühendislik Fakültesi
Message-ID: <libs-1@example.edu.tr>
Date: Mon, 07 Dec 2026 10:00:00 +0300
MIME-Version: 1.0
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: 8bit

<html><body><p>Sayın BİDB,</p>
<table><tr><td>Adı Soyadı</td><td>T.C. Kimlik No</td><td>E-posta</td></tr>
<tr><td>Şükrü Öztürk</td><td>10000000146</td>
<td>sukru.ozturk@example.edu.tr</td></tr></table></body></html>
EOF

# The libraries a run of the robot loaded (the dynamic loader's own
# account of each object it maps).
loaded() {
	LD_DEBUG=files "$ROBOT" "$@" 2>&1 >/dev/null |
	    sed -n 's/.*file=\(lib[a-z0-9-]*\)\.so.*/\1/p' | sort -u
}
lazy_ones() {
	grep -E '^lib(curl-gnutls|xml2|zip)$' | tr '\n' ' ' | sed 's/ $//'
}

check_eq "--version loads none of the three" "" \
    "$(loaded --version | lazy_ones)"
"$ROBOT" -c "$dir/robot.ini" status >/dev/null 2>&1
check_eq "status works" 0 $?
check_eq "status loads none of the three" "" \
    "$(loaded -c "$dir/robot.ini" status | lazy_ones)"
check_eq "rules test loads libxml2 and libzip, not libcurl" \
    "libxml2 libzip" \
    "$(loaded -c "$dir/robot.ini" rules test "$dir/form.eml" | lazy_ones)"
out=$("$ROBOT" -c "$dir/robot.ini" rules test "$dir/form.eml" 2>&1)
check_eq "rules test exits 0" 0 $?
check "the HTML is read as text" grep -q '^Sayın BİDB,$' <<<"$out"
check "... its table as rows" \
    grep -q '^Şükrü Öztürk | 10000000146 | sukru.ozturk@' <<<"$out"
check "... which the form rule recognises" \
    grep -q '^matched: *rule form_in_body' <<<"$out"

# A library that is there but cannot be loaded: a file of its name
# first on the loader's path.
mkdir "$dir/broken"
echo "not a library" >"$dir/broken/libxml2.so.2"
out=$(LD_LIBRARY_PATH=$dir/broken "$ROBOT" -c "$dir/robot.ini" rules test \
    "$dir/form.eml" 2>&1)
check_eq "without libxml2, rules test exits 1" 1 $?
check "... saying which library and why" grep -q \
    '^robot: cannot load libxml2.so.2: .* (needed to read HTML and forms)$' \
    <<<"$out"
check_eq "... and reading nothing" "" "$(grep -i 'şükrü' <<<"$out")"
LD_LIBRARY_PATH=$dir/broken "$ROBOT" -c "$dir/robot.ini" status \
    >/dev/null 2>&1
check_eq "status still works without it" 0 $?

# Without libcurl, mail is kept, saying why.
echo "not a library" >"$dir/broken/libcurl-gnutls.so.4"
out=$(LD_LIBRARY_PATH=$dir/broken "$ROBOT" -c "$dir/robot.ini" digest \
    --send 2>&1)
check "without libcurl, the digest is deferred, saying why" grep -q \
    'outbox: row 1 deferred: cannot load libcurl-gnutls.so.4: ' <<<"$out"
check_eq "... and stays queued" "queued" \
    "$(sqlite3 "$dir/robot.db" "SELECT state FROM outbox WHERE id = 1")"
"$ROBOT" -c "$dir/robot.ini" digest --send >/dev/null 2>&1
check_eq "with it, the next mail's try reaches the network" \
    "Failed to connect to 127.0.0.1 port 1" \
    "$(sqlite3 "$dir/robot.db" "SELECT substr(last_error, 1, 37) FROM outbox
    WHERE id = 2")"
check_done
