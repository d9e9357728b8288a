#!/usr/bin/env bash
# test_commands.sh: the command line as an administrator uses it.
#
# Mail that comes before its form is placed once the form arrives; `case`
# shows a case's history by tag, T.C. Kimlik No or address; `rules check`
# and a poll refuse a broken rule file with FILE:LINE; `reprocess` applies
# unplaced mail after a rule change; usage errors exit 2, failures 1.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
STORY=tests/fixtures/story

. tests/lib/check.sh
. tests/lib/servers.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi

mapfile -t users <"$STORY/users.txt"
servers_start "$(mktemp -d "${TMPDIR:-/tmp}/nr-cmd.XXXXXX")" "${users[@]}" ||
    { echo "not ok - servers start"; exit 1; }
CONF=$SRV_DIR/robot.ini
servers_write_config "$CONF" robot@example.edu.tr
grep -q '^tls *=' <(sed -n '/^\[smtp\]/,/^\[/p' "$CONF") ||
    sed -i -e '/^\[smtp\]/a tls = none' "$CONF"
DB=$SRV_DIR/robot.db
export ROBOT_NOW=2026-12-04T10:00:00+03:00

ledger() {
	sqlite3 -batch -noheader "$DB" "$1"
}
robot() {
	"$ROBOT" -c "$CONF" "$@"
}

# --- usage
"$ROBOT" --help >"$SRV_DIR/help" 2>&1
check_eq "--help exits 0" 0 $?
check "--help lists the commands" grep -q "rules test" "$SRV_DIR/help"
"$ROBOT" --version >/dev/null 2>&1
check_eq "--version exits 0" 0 $?
"$ROBOT" -c "$CONF" frobnicate >/dev/null 2>&1
check_eq "an unknown command exits 2" 2 $?
"$ROBOT" poll >/dev/null 2>"$SRV_DIR/noconf"
check_eq "no -c exits 2" 2 $?
check "... saying so" grep -q "no configuration given" "$SRV_DIR/noconf"
ROBOT_NOW=yesterday "$ROBOT" -c "$CONF" status >/dev/null 2>"$SRV_DIR/badnow"
check_eq "a malformed ROBOT_NOW exits 1" 1 $?
check "... naming ROBOT_NOW" grep -q "ROBOT_NOW" "$SRV_DIR/badnow"

# --- mail before its form: Kamu SM writes to Ayşe before the form is seen
servers_append robot@example.edu.tr INBOX \
    "$STORY/stage2/03-kamusm-notified-ayse.eml"
check "poll before the form exits 0" robot poll
check_eq "the early notification waits, unplaced, for its case" \
    "unplaced" "$(ledger "SELECT outcome FROM message")"
check "... with the reason" grep -q "no case found" \
    <(ledger "SELECT reason FROM message")

servers_append robot@example.edu.tr INBOX \
    "$STORY/stage1/01-bys-ticket-48213.eml" \
    "$STORY/stage1/02-form-48213-xlsx.eml"
check "poll with the form exits 0" robot poll
check_eq "the form makes three cases" 3 \
    "$(ledger "SELECT count(*) FROM cases")"
check_eq "the early notification now moves Ayşe's case" \
    "kamusm_notified" \
    "$(ledger "SELECT step FROM cases WHERE email = 'ayse.yilmaz@example.edu.tr'")"
check_eq "... and is applied" 0 \
    "$(ledger "SELECT count(*) FROM message WHERE outcome <> 'applied'")"

# --- case ID | TCKN | EMAIL
tag=$(ledger "SELECT tag FROM cases WHERE email = 'ayse.yilmaz@example.edu.tr'")
tckn=$(ledger "SELECT tckn FROM cases WHERE tag = '$tag'")
robot case "$tag" >"$SRV_DIR/case1"
check_eq "case TAG exits 0" 0 $?
check "... shows the form and the notification" \
    bash -c 'grep -q form_received "$1" && grep -q kamusm_notified "$1"' _ \
    "$SRV_DIR/case1"
check "... never the full T.C. Kimlik No" bash -c '! grep -q "$1" "$2"' _ \
    "$tckn" "$SRV_DIR/case1"
robot case "$tckn" >"$SRV_DIR/case2"
check "case TCKN finds the same case" grep -q "$tag" "$SRV_DIR/case2"
robot case AYSE.YILMAZ@example.edu.tr >"$SRV_DIR/case3"
check "case EMAIL finds the same case" grep -q "$tag" "$SRV_DIR/case3"
robot case NES-1999-0001 >/dev/null 2>"$SRV_DIR/case4"
check_eq "case with no match exits 1" 1 $?
check "... saying so" grep -q "no case matches" "$SRV_DIR/case4"
robot status >"$SRV_DIR/table"
check "status masks T.C. Kimlik Nos" bash -c '! grep -q "$1" "$2"' _ \
    "$tckn" "$SRV_DIR/table"

# --- rules check, and a poll with a broken rule file
check "rules check passes on the shipped rules" robot rules check
mkdir -p "$SRV_DIR/rules"
cp rules/nes.rules rules/holidays.txt "$SRV_DIR/rules/"
printf '\n[rule broken]\nstep = note\nfrom = anyone\nsubject = (unclosed\n' \
    >>"$SRV_DIR/rules/nes.rules"
line=$(grep -n '^subject = (unclosed' "$SRV_DIR/rules/nes.rules" | cut -d: -f1)
cp "$CONF" "$SRV_DIR/broken.ini"
printf '[robot]\nrules_dir = %s\n' "$SRV_DIR/rules" >>"$SRV_DIR/broken.ini"
"$ROBOT" -c "$SRV_DIR/broken.ini" rules check >/dev/null 2>"$SRV_DIR/rc.err"
check_eq "rules check on a broken rule exits 1" 1 $?
check "... naming the file and line" grep -q "nes.rules:$line:" "$SRV_DIR/rc.err"
servers_append robot@example.edu.tr INBOX tests/fixtures/rules/*unrelated*.eml
before=$(ledger "SELECT count(*) FROM message")
"$ROBOT" -c "$SRV_DIR/broken.ini" poll >/dev/null 2>"$SRV_DIR/poll.err"
check_eq "poll with a broken rule file exits 1" 1 $?
check "... with the same line" grep -q "nes.rules:$line:" "$SRV_DIR/poll.err"
check_eq "... and records nothing" "$before" \
    "$(ledger "SELECT count(*) FROM message")"
check_eq "... saying that alone (the login it began meanwhile is dropped)" \
    1 "$(grep -c . "$SRV_DIR/poll.err")"
# The server away too: the rule file is still what the poll names.
sed 's/^port = .*/port = 9/' "$SRV_DIR/broken.ini" >"$SRV_DIR/broken9.ini"
chmod 600 "$SRV_DIR/broken9.ini"
"$ROBOT" -c "$SRV_DIR/broken9.ini" poll >/dev/null 2>"$SRV_DIR/poll9.err"
check_eq "a broken rule file and no server: exit 1" 1 $?
check "... naming the rule file, not the server" bash -c \
    'grep -q "nes.rules:$1:" "$2" && ! grep -q "cannot connect" "$2"' _ \
    "$line" "$SRV_DIR/poll9.err"

# --- reprocess after a rule change
check "poll records the unrelated mail" robot poll
mid=$(ledger "SELECT id FROM message ORDER BY id DESC LIMIT 1")
check_eq "no rule matches it" "unplaced:no rule matched" \
    "$(ledger "SELECT outcome || ':' || reason FROM message WHERE id = $mid")"
check_eq "its text is not kept: the server has it" 0 \
    "$(ledger "SELECT count(*) FROM message_text WHERE message = $mid")"
subj=$(ledger "SELECT subject FROM message WHERE id = $mid" | cut -c1-12)
cp rules/nes.rules "$SRV_DIR/rules/nes.rules"
printf '\n[rule local_note]\nstep = note\nfrom = anyone\nsubject = %s\n' \
    "$(printf '%s' "$subj" | sed 's/[][\.*^$()+?{}|]/\\&/g')" \
    >>"$SRV_DIR/rules/nes.rules"
check "rules check accepts the new rule" \
    "$ROBOT" -c "$SRV_DIR/broken.ini" rules check
"$ROBOT" -c "$SRV_DIR/broken.ini" reprocess >"$SRV_DIR/rep.out" 2>&1
check_eq "reprocess exits 0" 0 $?
check_eq "the message now has the new rule's outcome" "ignored:rule local_note: note" \
    "$(ledger "SELECT outcome || ':' || reason FROM message WHERE id = $mid")"
check_eq "reprocess recorded nothing twice" 0 \
    "$(ledger "SELECT count(*) FROM message WHERE id > $mid")"
check_eq "... read it again from the server: its text is kept now" 1 \
    "$(ledger "SELECT count(*) FROM message_text WHERE message = $mid AND
    body LIKE '%bölüm toplantısını unutma%'")"

# --- mail no rule recognised, read again from the server: gone, attached,
# the server down
kermes() {	# kermes N: an ordinary announcement, Message-ID kermes-N@
	cat >"$SRV_DIR/kermes$1.eml" <<EOF
From: =?utf-8?q?Kemal_=C3=96z?= <kemal.oz@example.edu.tr>
To: duyuru@example.edu.tr
Subject: =?utf-8?q?Bahar_kermesi_duyurusu_$1?=
Date: Fri, 04 Dec 2026 09:0$1:00 +0300
Message-ID: <kermes-$1@example.edu.tr>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Değerli çalışma arkadaşlarımız, bahar kermesi cuma günü bahçede.
EOF
	echo "$SRV_DIR/kermes$1.eml"
}
servers_append robot@example.edu.tr INBOX "$(kermes 1)" "$(kermes 2)"
check "poll records two announcements" robot poll
k1=$(ledger "SELECT id FROM message WHERE message_id = 'kermes-1@example.edu.tr'")
k2=$(ledger "SELECT id FROM message WHERE message_id = 'kermes-2@example.edu.tr'")
check_eq "no rule recognises them, their text is not kept" "0 0" \
    "$(ledger "SELECT count(*) FROM message_text WHERE message = $k1") $(
    ledger "SELECT count(*) FROM message_text WHERE message = $k2")"
_srv_doveadm expunge -u robot@example.edu.tr mailbox INBOX header \
    Message-ID kermes-1@example.edu.tr
printf '\n[rule local_kermes]\nstep = note\nfrom = anyone\ntext = bahar kermesi\n' \
    >>"$SRV_DIR/rules/nes.rules"
"$ROBOT" -c "$SRV_DIR/broken.ini" reprocess >"$SRV_DIR/rep2.out" \
    2>"$SRV_DIR/rep2.err"
check_eq "reprocess with one message gone from the server exits 0" 0 $?
check "... saying which one is gone" grep -q \
    "message #$k1 (its text is not kept): INBOX UID [0-9]* is gone from the server: left unplaced" \
    "$SRV_DIR/rep2.err"
check_eq "... which stays unplaced" "unplaced:no_rule" \
    "$(ledger "SELECT outcome || ':' || reason_code FROM message WHERE id = $k1")"
check_eq "... while the other one is read again and recognised" \
    "ignored:rule local_kermes: note" \
    "$(ledger "SELECT outcome || ':' || reason FROM message WHERE id = $k2")"
# case attach reads a message whose text is not kept from the server too.
servers_append robot@example.edu.tr INBOX "$(kermes 3)"
check "poll records a third one" robot poll
k3=$(ledger "SELECT id FROM message WHERE message_id = 'kermes-3@example.edu.tr'")
robot case attach "$k3" "$tag" --why "kermes izni" >"$SRV_DIR/att.out" \
    2>"$SRV_DIR/att.err"
check_eq "case attach of a message whose text is not kept exits 0" 0 $?
check_eq "... it is in the case's history, its text kept now" "1 1" \
    "$(ledger "SELECT count(*) FROM event WHERE message = $k3 AND kind =
    'attached'") $(ledger "SELECT count(*) FROM message_text WHERE
    message = $k3 AND body LIKE '%bahar kermesi%'")"
# The server down: what is kept is reprocessed, the rest waits.
servers_append robot@example.edu.tr INBOX "$(kermes 4)"
check "poll records a fourth one" robot poll
k4=$(ledger "SELECT id FROM message WHERE message_id = 'kermes-4@example.edu.tr'")
sed '/^\[imap\]/,/^\[/s/^port = .*/port = 9/' "$CONF" >"$SRV_DIR/down.ini"
chmod 600 "$SRV_DIR/down.ini"
"$ROBOT" -c "$SRV_DIR/down.ini" reprocess >"$SRV_DIR/rep3.out" \
    2>"$SRV_DIR/rep3.err"
check_eq "reprocess with the IMAP server down exits 1" 1 $?
check "... saying the rest waits for the next reprocess" grep -q \
    "whose text is not kept are left for the next reprocess" \
    "$SRV_DIR/rep3.err"
check_eq "... and the message waits, unplaced" "unplaced:no_rule" \
    "$(ledger "SELECT outcome || ':' || reason_code FROM message WHERE id = $k4")"

servers_stop
check_done
