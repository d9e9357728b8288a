#!/usr/bin/env bash
# test_poison.sh: a message that cannot be decoded does not stop the
# robot, against a real Dovecot.
#
# 1. 50,000 nested message/rfc822 parts (2.2 MB; libetpan's parser ran
#    out of stack on it and every poll died), 5,000 nested multiparts and
#    100,000 parts, with ordinary mail after them: one poll records all,
#    the hostile ones with their headers and a note, and reads the rest.
# 2. A decoder crash (the test hook ROBOT_TEST_DECODER_CRASH makes the
#    decoding of one Message-ID abort): the poll dies as it did; the next
#    decodes from there one message at a time in a guarded child, records
#    that message as quarantined after two crashes, and reads the mail
#    after it; the poll after that has nothing left to do.
# 3. A decoder that never ends (ROBOT_TEST_DECODER_HANG) with
#    max_decode_seconds = 2: the watchdog stops the poll, the next one
#    quarantines the message after two children ran past the limit.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
NOW=2026-12-01T10:00:00+03:00

. tests/lib/check.sh
. tests/lib/servers.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi

servers_story poison || { echo "not ok - servers start"; exit 1; }
# The messages after a poison one are ordinary mail no rule recognises:
# keep their text, so that what the decoder read of them can be looked at.
sed -i '/^\[database\]/a keep_all_text = yes' "$CONF"

ledger() {
	sqlite3 -batch -noheader "$SRV_DIR/robot.db" "$1"
}
# field ID COLUMN: a column of the message <ID@example.org>.
field() {
	ledger "SELECT ifnull($2, '') FROM message WHERE message_id IN
	    ('$1@example.org', '<$1@example.org>')"
}
# poll NAME [VAR=VALUE...]: one poll, its output in $T/NAME.out and
# .err; its exit code.
poll() {
	local name=$1
	shift
	# (the shell's own word on a crash goes with the rest)
	{ env "$@" ROBOT_NOW=$NOW "$ROBOT" -c "$CONF" poll >"$T/$name.out" \
	    2>"$T/$name.err"; } 2>>"$T/$name.err"
}
# plain ID [TEXT]: an ordinary message.
plain() {
	printf '%s\r\n' "From: Ali Veli <ali@example.org>" \
	    "To: robot@example.edu.tr" "Subject: ileti $1" \
	    "Date: Tue, 01 Dec 2026 09:00:00 +0300" \
	    "Message-ID: <$1@example.org>" "MIME-Version: 1.0" \
	    "Content-Type: text/plain; charset=utf-8" "" \
	    "${2:-Merhaba, bu $1 iletisidir.}" >"$T/$1.eml"
	echo "$T/$1.eml"
}

# --- 1. measured before the parse --------------------------------------

python3 - "$T" <<'EOF'
import sys
d = sys.argv[1]
head = ("From: Ali Veli <ali@example.org>\r\nTo: robot@example.edu.tr\r\n"
    "Subject: %s\r\nMessage-ID: <%s@example.org>\r\nMIME-Version: 1.0\r\n")
with open(d + "/rfc822.eml", "w", newline="") as f:
    f.write(head % ("matruska", "rfc822"))
    f.write('Content-Type: multipart/mixed; boundary="top"\r\n\r\n'
        "--top\r\nContent-Type: text/plain\r\n\r\nbak\r\n--top\r\n")
    f.write("Content-Type: message/rfc822\r\n\r\nSubject: x\r\n" * 50000)
    f.write("\r\nen icteki\r\n--top--\r\n")
with open(d + "/multipart.eml", "w", newline="") as f:
    f.write(head % ("ic ice", "multipart"))
    for i in range(5000):
        f.write('Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n'
            "--b%d\r\n" % (i, i))
    f.write("Content-Type: text/plain\r\n\r\nen icteki\r\n")
    for i in range(4999, -1, -1):
        f.write("--b%d--\r\n" % i)
with open(d + "/parts.eml", "w", newline="") as f:
    f.write(head % ("parcalar", "parts"))
    f.write('Content-Type: multipart/mixed; boundary="p"\r\n\r\n')
    f.write("--p\r\nContent-Type: text/plain\r\n\r\nx\r\n" * 100000)
    f.write("--p--\r\n")
EOF
check "the nested message/rfc822 is 2.2 MB" \
    test "$(stat -c %s "$T/rfc822.eml")" -gt 2200000
servers_append robot@example.edu.tr INBOX "$T/rfc822.eml" \
    "$T/multipart.eml" "$T/parts.eml" "$(plain after1)"
poll measured
check_eq "the poll finishes" 0 $? || tail -n 5 "$T/measured.err"
check_eq "every message is recorded" 4 \
    "$(ledger "SELECT count(*) FROM message")"
check_eq "50,000 nested message/rfc822: headers only, noted" \
    "matruska|MIME nesting deeper than 20: headers only" \
    "$(field rfc822 "subject || '|' || notes")"
check_eq "5,000 nested multiparts: headers only, noted" \
    "ic ice|MIME nesting deeper than 20: headers only" \
    "$(field multipart "subject || '|' || notes")"
check_eq "100,000 parts: headers only, noted" \
    "parcalar|more than 200 parts: headers only" \
    "$(field parts "subject || '|' || notes")"
check_eq "the mail after them is read" "Merhaba, bu after1 iletisidir." \
    "$(ledger "SELECT body FROM message_text WHERE message =
    (SELECT id FROM message WHERE message_id LIKE '%after1@%')")"

# --- 2. a decoder that crashes -----------------------------------------

servers_append robot@example.edu.tr INBOX "$(plain crash)" \
    "$(plain after2)" "$(plain after3)"
poll crash1 ROBOT_TEST_DECODER_CRASH=crash@example.org
rc=$?
check "the crash ends the poll, as a decoder bug would" test "$rc" -ne 0
check_eq "the crashed poll left its decoding mark" 1 \
    "$(ledger "SELECT count(*) FROM decoding")"
poll crash2 ROBOT_TEST_DECODER_CRASH=crash@example.org
check_eq "the next poll finishes" 0 $? || tail -n 5 "$T/crash2.err"
check "it says it decodes guarded" \
    grep -q "decoded one at a time, guarded" "$T/crash2.err"
check "it tells each crash" grep -q \
    "decoding crashed (signal 6, Aborted) (attempt 2 of 2)" "$T/crash2.err"
check_eq "the message is quarantined, with the reason" \
    "quarantined|decoding crashed (signal 6, Aborted) in each of 2 tries: not decoded, headers only" \
    "$(field crash "outcome || '|' || reason")"
check_eq "its headers are kept" "ileti crash" "$(field crash subject)"
check_eq "the mail after it is read" "2" \
    "$(ledger "SELECT count(*) FROM message_text WHERE body LIKE
    'Merhaba, bu after_ iletisidir.' AND message IN (SELECT id FROM message
    WHERE message_id LIKE '%after2@%' OR message_id LIKE '%after3@%')")"
check_eq "and no mark is left" 0 "$(ledger "SELECT count(*) FROM decoding")"
poll crash3 ROBOT_TEST_DECODER_CRASH=crash@example.org
check_eq "a third poll has nothing to do" 0 $?
check "... and fetches nothing" grep -q "0 message(s) fetched" "$T/crash3.out"
ROBOT_NOW=$NOW "$ROBOT" -c "$CONF" status --json >"$T/status.json"
check "status lists the quarantined message" python3 -c '
import json, sys
u = [m for m in json.load(open(sys.argv[1]))["unplaced"]
    if m["message_id"].strip("<>") == "crash@example.org"]
sys.exit(not (u and u[0]["outcome"] == "quarantined"))' "$T/status.json"

# --- 3. a decoder that never ends --------------------------------------

printf '%s\n' "" "[limits]" "max_decode_seconds = 2" >>"$CONF"
servers_append robot@example.edu.tr INBOX "$(plain hang)" "$(plain after4)"
poll hang1 ROBOT_TEST_DECODER_HANG=hang@example.org
check_eq "the watchdog stops the poll" 1 $?
check "saying why" grep -q "UID [0-9]*: decoding ran past 2 s: stopping" \
    "$T/hang1.err"
poll hang2 ROBOT_TEST_DECODER_HANG=hang@example.org
check_eq "the next poll finishes" 0 $? || tail -n 5 "$T/hang2.err"
check_eq "the message is quarantined, with the reason" \
    "quarantined|decoding ran past 2 s in each of 2 tries: not decoded, headers only" \
    "$(field hang "outcome || '|' || reason")"
check_eq "the mail after it is read" "Merhaba, bu after4 iletisidir." \
    "$(ledger "SELECT body FROM message_text WHERE message =
    (SELECT id FROM message WHERE message_id LIKE '%after4@%')")"
check_eq "every message is recorded once" "9 9" \
    "$(ledger "SELECT count(*) || ' ' || count(DISTINCT message_id)
    FROM message")"

servers_done
