#!/usr/bin/env bash
# test_tags.sh: case tags past case 9,999, against a real Dovecot.
#
# Tags are written with at least four digits (NES-2026-0042) and grow a
# fifth at case 10,000.  The year's case counter is set in the database so
# that the first form of the story makes cases NES-2026-1000 to -1002 and
# the second NES-2026-10000 to -10002; then BİDB closes NES-2026-10000 by
# replying with its tag in the subject.  That case, and only that one, is
# closed: NES-2026-1000, whose tag is the first 13 characters of the other,
# stays where it was.  `case` and `status` show the five-digit tag whole.
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

servers_story tags || { echo "not ok - servers start"; exit 1; }

ledger() {
	sqlite3 -batch -noheader "$SRV_DIR/robot.db" "$1"
}

# poll NOW: one poll at that time; its exit code.
poll() {
	ROBOT_NOW=$1 "$ROBOT" -c "$CONF" poll >>"$SRV_DIR/poll.out" \
	    2>>"$SRV_DIR/poll.err"
}

# set_counter N: the next case of 2026 is N + 1.
set_counter() {
	ledger "INSERT INTO counter(name, value) VALUES ('case-2026', $1)
	    ON CONFLICT(name) DO UPDATE SET value = excluded.value"
}

check "a first poll makes the database" poll 2026-12-01T09:00:00+03:00
set_counter 999
servers_append robot@example.edu.tr INBOX \
    "$STORY/stage1/01-bys-ticket-48213.eml" \
    "$STORY/stage1/02-form-48213-xlsx.eml"
check "the first form is polled" poll 2026-12-01T10:00:00+03:00
check_eq "its cases are NES-2026-1000 to -1002" \
    "NES-2026-1000 NES-2026-1001 NES-2026-1002" \
    "$(ledger "SELECT group_concat(tag, ' ') FROM (SELECT tag FROM cases
    ORDER BY id)")"

set_counter 9999
servers_append robot@example.edu.tr INBOX \
    "$STORY/stage1/03-bys-ticket-48391.eml" \
    "$STORY/stage1/04-form-48391-html.eml"
check "the second form is polled" poll 2026-12-01T11:00:00+03:00
check_eq "its cases are NES-2026-10000 to -10002" \
    "NES-2026-10000 NES-2026-10001 NES-2026-10002" \
    "$(ledger "SELECT group_concat(tag, ' ') FROM (SELECT tag FROM cases
    WHERE id > 3 ORDER BY id)")"
step1000=$(ledger "SELECT step FROM cases WHERE tag = 'NES-2026-1000'")

# BİDB's reply with a new subject, answering nothing: only the tag can
# name the case.
python3 tests/lib/remail.py "$STORY/stage4/05-bidb-closes-ayse.eml" \
    "$SRV_DIR/close.eml" \
    --subject "YNT: [NES-2026-10000] sertifika kurye ile gönderildi" \
    --message-id bidb.close.10000@example.edu.tr
servers_append robot@example.edu.tr INBOX "$SRV_DIR/close.eml"
check "BİDB's reply is polled" poll 2026-12-16T10:00:00+03:00
check_eq "the reply is applied" "applied" \
    "$(ledger "SELECT outcome FROM message WHERE message_id LIKE
    '%bidb.close.10000@%'")"
check_eq "NES-2026-10000, named by the tag, is closed" "closed" \
    "$(ledger "SELECT step FROM cases WHERE tag = 'NES-2026-10000'")"
check_eq "NES-2026-1000 is not moved" "$step1000" \
    "$(ledger "SELECT step FROM cases WHERE tag = 'NES-2026-1000'")"
check_eq "no other case is closed" 1 \
    "$(ledger "SELECT count(*) FROM cases WHERE step = 'closed'")"

ROBOT_NOW=2026-12-16T10:00:00+03:00 "$ROBOT" -c "$CONF" case \
    NES-2026-10000 >"$SRV_DIR/case" 2>&1
check "case NES-2026-10000 shows that case" \
    grep -q "^NES-2026-10000 .*closed" <(tr '\n' ' ' <"$SRV_DIR/case")
ROBOT_NOW=2026-12-16T10:00:00+03:00 "$ROBOT" -c "$CONF" status \
    >"$SRV_DIR/table" 2>&1
check "status shows the five-digit tag whole" \
    grep -q "^NES-2026-10000 " "$SRV_DIR/table"

servers_done
