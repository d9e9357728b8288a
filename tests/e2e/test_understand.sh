#!/usr/bin/env bash
# test_understand.sh: mail the robot's own fixtures do not write, through
# a real Dovecot and SMTP server (tests/fixtures/understand/make-mail.py).
#
#   - the ticket system's and Kamu SM's mail is automatic (Auto-Submitted,
#     noreply@): its steps are taken, and nothing is ever sent back;
#   - a form naming neither ticket nor full unit name ("İİBF Dekanı") joins
#     the ticket of "İktisadi ve İdari Bilimler Fakültesi";
#   - a person forwarding Kamu SM's notification as an attachment
#     (message/rfc822) moves their own case;
#   - a unit head's "we approved" in reply to the acknowledgement moves
#     nobody and waits for BİDB, in status and in the digest; a reply naming
#     one person is kept on that person's case;
#   - an out-of-office reply moves nothing;
#   - a bottom-posted first-person reply in a thread about two people moves
#     only its sender.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
MAIL=tests/fixtures/understand

. tests/lib/check.sh
. tests/lib/servers.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi

users=(robot@example.edu.tr bidb@example.edu.tr dekan.iibf@example.edu.tr
    ayse.yilmaz@example.edu.tr mehmet.ozturk@example.edu.tr
    bys-destek@example.edu.tr yaziisleri@example.edu.tr)
servers_start "$(mktemp -d "${TMPDIR:-/tmp}/nr-und.XXXXXX")" "${users[@]}" ||
    { echo "not ok - servers start"; exit 1; }
CONF=$SRV_DIR/robot.ini
servers_write_config "$CONF" robot@example.edu.tr
sed -i -e '/^\[smtp\]/a tls = none' "$CONF"
DB=$SRV_DIR/robot.db

ledger() {
	sqlite3 -batch -noheader "$DB" "$1"
}
robot() {
	"$ROBOT" -c "$CONF" "$@"
}
# The step of the case of an address.
step_of() {
	ledger "SELECT step FROM cases WHERE email = '$1'"
}
# Messages in a user's INBOX.
inbox_count() {
	doveadm -c "$SRV_DOVECOT_CONF" search -u "$1" mailbox INBOX ALL |
	    wc -l
}

# --- stage 1: a ticket, then a form that does not name it
export ROBOT_NOW=2026-12-01T11:00:00+03:00
servers_append robot@example.edu.tr INBOX "$MAIL/01-bys-ticket.eml" \
    "$MAIL/02-form-iibf.eml"
check "stage 1: poll exits 0" robot poll
check_eq "the ticket system's automatic mail opened ticket 61000" \
    "applied" "$(ledger "SELECT outcome FROM message WHERE message_id LIKE
    'bys.61000.1%'")"
check_eq "the form joined ticket 61000 (İİBF = İktisadi ve İdari Bilimler)" \
    "61000 61000" "$(ledger "SELECT group_concat(r.ticket, ' ') FROM cases c
    JOIN request r ON r.id = c.request")"
check_eq "one request, not two" 1 "$(ledger "SELECT count(*) FROM request")"
check_eq "the unit head got the acknowledgement" 1 \
    "$(inbox_count dekan.iibf@example.edu.tr)"
check_eq "nothing was sent to the ticket system" 0 \
    "$(inbox_count bys-destek@example.edu.tr)"
ack=$(ledger "SELECT message_id FROM outbox WHERE kind =
    'ack_unit_head.tmpl'")
ack=${ack#<}
ack=${ack%>}
check "the acknowledgement has a Message-ID" test -n "$ack"

# --- stage 2: Kamu SM, a forward, replies to the acknowledgement
export ROBOT_NOW=2026-12-03T12:00:00+03:00
for f in 03-kamusm-notified-1254 04-mehmet-forwards-rfc822 \
    05-dekan-reply-all 06-dekan-reply-mehmet 07-ayse-out-of-office; do
	sed "s/@ACK@/$ack/g" "$MAIL/$f.eml" >"$SRV_DIR/$f.eml"
	servers_append robot@example.edu.tr INBOX "$SRV_DIR/$f.eml"
done
check "stage 2: poll exits 0" robot poll
check_eq "Kamu SM's automatic notification (HTML, windows-1254) moved Ayşe" \
    kamusm_notified "$(step_of ayse.yilmaz@example.edu.tr)"
check_eq "Mehmet's forward of his own notification moved Mehmet" \
    kamusm_notified "$(step_of mehmet.ozturk@example.edu.tr)"
check "... saying it was forwarded" grep -q "forwarded by" \
    <(ledger "SELECT reason FROM message WHERE message_id LIKE 'd41c-fwd%'")
check_eq "Kamu SM's automatic mail is never answered" 0 \
    "$(ledger "SELECT count(*) FROM outbox WHERE rcpts LIKE '%kamusm%'")"
check_eq "the unit head's 'onayladık' moved nobody to approved" 0 \
    "$(ledger "SELECT count(*) FROM event WHERE step = 'approved'")"
check_eq "... and waits for BİDB" awaiting \
    "$(ledger "SELECT outcome FROM message WHERE message_id LIKE
    'dekan.reply.1%'")"
check_eq "... kept in the request's history" 1 \
    "$(ledger "SELECT count(*) FROM event WHERE kind = 'reply' AND
    case_id IS NULL AND request IS NOT NULL")"
check_eq "the reply naming Mehmet is kept on Mehmet's case" \
    NES-2026-0002 "$(ledger "SELECT c.tag FROM event e JOIN cases c ON
    c.id = e.case_id JOIN message m ON m.id = e.message WHERE e.kind =
    'reply' AND m.message_id LIKE 'dekan.reply.2%'")"
check_eq "the out-of-office reply is ignored" ignored \
    "$(ledger "SELECT outcome FROM message WHERE message_id LIKE 'ooo.%'")"
robot status --json >"$SRV_DIR/status.json"
check "status lists both replies as awaiting" python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
w = [u for u in s["unplaced"] if u["outcome"] == "awaiting"]
assert len(w) == 2, w' "$SRV_DIR/status.json"
robot digest >"$SRV_DIR/digest.txt"
check "the digest has a section of replies awaiting BİDB" \
    grep -q "BİDB'NİN YANITINI BEKLEYEN YANITLAR" "$SRV_DIR/digest.txt"
check "... with the reply about Mehmet and its words" \
    grep -q "NES-2026-0002.*unvanı Dr. Öğr. Üyesi" "$SRV_DIR/digest.txt"
check "... and the one for everyone" grep -q "onayladılar, onayladık" \
    "$SRV_DIR/digest.txt"
check "the form access password is not in the digest" \
    test -z "$(grep -F X7K2P9 "$SRV_DIR/digest.txt")"

# --- stage 3: a first-person reply in a thread about two people
export ROBOT_NOW=2026-12-04T09:00:00+03:00
sed "s/@ACK@/$ack/g" "$MAIL/08-ayse-bottom-posted.eml" \
    >"$SRV_DIR/08.eml"
servers_append robot@example.edu.tr INBOX "$SRV_DIR/08.eml"
check "stage 3: poll exits 0" robot poll
check_eq "Ayşe's bottom-posted 'E-ONAY ILE ONAYLADIM' moved Ayşe" approved \
    "$(step_of ayse.yilmaz@example.edu.tr)"
check_eq "... with the way she approved" e-onay \
    "$(ledger "SELECT approval FROM cases WHERE email =
    'ayse.yilmaz@example.edu.tr'")"
check_eq "... and not Mehmet, whom the thread also names" kamusm_notified \
    "$(step_of mehmet.ozturk@example.edu.tr)"
check_eq "every message has an outcome and a reason" 0 \
    "$(ledger "SELECT count(*) FROM message WHERE outcome = 'recorded'
    OR reason IS NULL OR reason = ''")"
check_eq "... and a reason code" 0 \
    "$(ledger "SELECT count(*) FROM message WHERE outcome <> 'duplicate'
    AND reason_code IS NULL")"
check "the replies awaiting BİDB have their code" test \
    "$(ledger "SELECT count(*) FROM message WHERE reason_code = 'reply'")" \
    -ge 2

# A database of the version before reason codes: each message gets its
# code back from the words that version wrote.
codes=$(ledger "SELECT group_concat(id || ':' || reason_code, ' ') FROM
    message")
ledger "ALTER TABLE message DROP COLUMN reason_code;
    DROP INDEX outbox_sent; DROP INDEX outbox_kind;
    DELETE FROM schema_version WHERE version >= 9;"
check "it opens" robot status
check_eq "every message's code comes back from its words" "$codes" \
    "$(ledger "SELECT group_concat(id || ':' || reason_code, ' ') FROM
    message")"
# Put back by hand to the version before the outbox's indexes, which it
# keeps: it still opens.
ledger "DELETE FROM schema_version WHERE version >= 10;"
check "a database put back before the outbox's indexes opens" robot status

servers_done
