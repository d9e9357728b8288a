#!/usr/bin/env bash
# test_trust.sh: no forged message may move a case or make the robot mail
# outsiders (issue 11), against a real Dovecot and SMTP server.
#
# The story's first stage makes six cases (NES-2026-0001 ... 0006).  Then
# tests/fixtures/trust/ (make-trust.py) brings, each of which would move
# one of them if it were believed:
#   - bidb@ from outside, the MX's stamp saying spf=fail dmarc=fail,
#     closing a case;
#   - a unit head's form nobody logged in to send (no auth, dmarc=fail),
#     that would make cases and an acknowledgement;
#   - Kamu SM's notification whose stamp holds an RFC 2047 encoded word
#     that decodes to "dkim=pass header.d=kamusm.gov.tr";
#   - Kamu SM's notification with a passing stamp the sender wrote below
#     the MX's Received;
#   - two From headers; a From nobody can parse with bidb@ in its display
#     text.
# Each must be quarantined with its reason, nothing moved, nothing sent.
# Then a real form with a row whose address is outside the institution
# (the row refused, reported in the acknowledgement and the history), and
# three real forms past [smtp] max_per_day (one acknowledgement sent, BİDB
# told once, the rest sent the next day).  Nothing ever reaches the two
# outside mailboxes Dovecot holds for the purpose.  Last, a config without
# authserv_id is refused, and authserv_id = none is said aloud.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
FIX=tests/fixtures/trust
STORY=tests/fixtures/story

. tests/lib/check.sh
. tests/lib/servers.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi

outsiders=(attacker@evil.example kerem.tan@evil.example)
servers_story trust "${outsiders[@]}" dekan.fen@example.edu.tr \
    dekan.tip@example.edu.tr dekan.hukuk@example.edu.tr \
    deniz.aksoy@example.edu.tr ||
    { echo "not ok - servers start"; exit 1; }

ledger() {
	sqlite3 -batch -noheader "$SRV_DIR/robot.db" "$1"
}
poll() {	# NOW [CONF]
	ROBOT_NOW=$1 "$ROBOT" -c "${2:-$CONF}" poll >>"$T/poll.out" \
	    2>>"$T/poll.err"
}
inbox() {
	_srv_doveadm search -u "$1" mailbox INBOX ALL | wc -l
}
outcome() {	# Message-ID -> "outcome|reason"
	ledger "SELECT outcome || '|' || reason FROM message WHERE
	    message_id IN ('$1', '<$1>')"
}
steps() {
	ledger "SELECT group_concat(tag || '=' || step, ' ') FROM
	    (SELECT tag, step FROM cases ORDER BY tag)"
}
# Every mail a user got, decoded, one file.
mail_text() {
	local d=$T/mail.$1
	rm -rf "$d"
	servers_fetch_all "$1" INBOX "$d" >/dev/null
	python3 - "$d" <<'EOF'
import email, email.policy, glob, sys
for f in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_binary_file(open(f, "rb"),
        policy=email.policy.default)
    print(m["Subject"])
    for p in m.walk():
        if p.get_content_type() == "text/plain":
            print(p.get_content())
EOF
}

# --- the story's six cases
servers_append robot@example.edu.tr INBOX "$STORY"/stage1/*.eml
check "stage 1 polls" poll 2026-12-01T10:00:00+03:00
before=$(steps)
check_eq "six cases at form_received" 6 \
    "$(ledger "SELECT count(*) FROM cases WHERE step = 'form_received'")"
outbox0=$(ledger "SELECT count(*) FROM outbox")
zeynep0=$(inbox zeynep.arslan@example.edu.tr)

# --- the forgeries
servers_append robot@example.edu.tr INBOX "$FIX"/0[1-6]-*.eml
check "the forgeries poll" poll 2026-12-01T11:00:00+03:00

check_eq "bidb@ from outside (spf=fail, dmarc=fail) is quarantined" \
    "quarantined|From bidb@example.edu.tr, but mx.example.edu.tr stamped spf=fail, dkim=none, dmarc=fail for example.edu.tr" \
    "$(outcome forged-close-0001@evil.example)"
check_eq "a unit head's form without auth is quarantined" \
    "quarantined|From zeynep.arslan@example.edu.tr, but mx.example.edu.tr stamped spf=softfail, dkim=none, dmarc=fail for example.edu.tr" \
    "$(outcome forged-form-0002@evil.example)"
check_eq "an encoded word in the stamp is no dkim=pass" \
    "quarantined|From bilgi@kamusm.gov.tr, but mx.example.edu.tr stamped spf=fail, dkim=none for kamusm.gov.tr" \
    "$(outcome forged-notify-0004@evil.example)"
check_eq "a passing stamp below the MX's Received is ignored" \
    "quarantined|From bilgi@kamusm.gov.tr, but no Authentication-Results of mx.example.edu.tr above its Received header vouches for it (an Authentication-Results below the institution's Received header was ignored: the sender may have written it)" \
    "$(outcome forged-notify-0005@evil.example)"
check_eq "two From headers are quarantined" "quarantined|two From headers" \
    "$(outcome forged-close-0002@evil.example)"
check_eq "a From nobody can parse is quarantined" \
    "quarantined|a From header without exactly one address that can be read" \
    "$(outcome forged-close-0003@evil.example)"
check_eq "no case moved" "$before" "$(steps)"
# BİDB reads why in its digest, in Turkish: the codes, not the detail.
ROBOT_NOW=2026-12-01T11:05:00+03:00 "$ROBOT" -c "$CONF" digest \
    >"$T/digest" 2>/dev/null
check "the digest lists the forged sender as such, in Turkish" grep -q \
    "karantina: gönderen adresi kurumun sunucusunca doğrulanmadı" "$T/digest"
check "... and the doubled headers" grep -q \
    "karantina: başlıkları çift ya da gönderen adresi okunamıyor" "$T/digest"
check "... with no English line of detail" \
    bash -c '! grep -q "stamped\|From header\|no rule matched" "$1"' _ "$T/digest"
check_eq "no step event after the first stage" 0 \
    "$(ledger "SELECT count(*) FROM event WHERE kind = 'step' AND
    message_id LIKE '%evil.example%'")"
check_eq "the forged form made no case" 0 \
    "$(ledger "SELECT count(*) FROM cases WHERE email LIKE 'sahte%' OR
    email LIKE 'uydurma%'")"
check_eq "... and no mail was queued" "$outbox0" \
    "$(ledger "SELECT count(*) FROM outbox")"
check_eq "... nor sent to the unit head it claims" "$zeynep0" \
    "$(inbox zeynep.arslan@example.edu.tr)"
check "status --json lists the six as quarantined" python3 -c '
import json, sys
u = json.load(sys.stdin)["unplaced"]
ids = {x["message_id"].strip("<>") for x in u if x["outcome"] == "quarantined"}
want = {"forged-close-0001@evil.example", "forged-form-0002@evil.example",
    "forged-notify-0004@evil.example", "forged-notify-0005@evil.example",
    "forged-close-0002@evil.example", "forged-close-0003@evil.example"}
sys.exit(0 if want <= ids else 1)' < <(ROBOT_NOW=2026-12-01T11:00:00+03:00 \
    "$ROBOT" -c "$CONF" status --json 2>/dev/null)

# reprocess reads them back from the ledger: still refused.
ROBOT_NOW=2026-12-01T11:30:00+03:00 "$ROBOT" -c "$CONF" reprocess \
    >"$T/reprocess.out" 2>&1
check_eq "reprocess applies none of them" \
    "reprocess: 0 message(s) applied now" "$(cat "$T/reprocess.out")"
check_eq "... and moves nothing" "$before" "$(steps)"

# --- a form row with an address outside the institution
servers_append robot@example.edu.tr INBOX "$FIX"/07-*.eml
check "the form with an outside row polls" poll 2026-12-01T11:45:00+03:00
check_eq "the good row makes a case, the outside one none" \
    "deniz.aksoy@example.edu.tr" \
    "$(ledger "SELECT group_concat(email) FROM cases WHERE tag >
    'NES-2026-0006'")"
check "the outside row is in the request's history" grep -q \
    "Kerem Tan: e-posta adresi kerem.tan@evil.example kurum dışında" \
    <<<"$(ledger "SELECT detail FROM event WHERE kind = 'form_problem'")"
check "... and in the acknowledgement to the unit head" grep -q \
    "kerem.tan@evil.example kurum dışında" \
    <<<"$(mail_text hasan.koc@example.edu.tr)"

# --- the daily cap
sent=$(ledger "SELECT count(*) FROM outbox WHERE state = 'sent'")
CAP=$SRV_DIR/cap.ini
sed -e "/^\[smtp\]/a max_per_day = $((sent + 1))" "$CONF" >"$CAP"
chmod 600 "$CAP"
bidb0=$(inbox bidb@example.edu.tr)
servers_append robot@example.edu.tr INBOX "$FIX"/0[89]-*.eml "$FIX"/10-*.eml
check "three forms past the cap poll" poll 2026-12-01T12:00:00+03:00 "$CAP"
check_eq "three acknowledgements queued" 3 \
    "$(ledger "SELECT count(*) FROM outbox WHERE rcpts LIKE 'dekan.%'")"
check_eq "one sent, the cap reached" 1 \
    "$(ledger "SELECT count(*) FROM outbox WHERE rcpts LIKE 'dekan.%' AND
    state = 'sent'")"
check_eq "two wait, queued" 2 \
    "$(ledger "SELECT count(*) FROM outbox WHERE rcpts LIKE 'dekan.%' AND
    state = 'queued'")"
check_eq "BİDB was told, past the cap" "sent" \
    "$(ledger "SELECT group_concat(state) FROM outbox WHERE kind =
    'cap_reached_bidb.tmpl'")"
check_eq "... one mail in BİDB's mailbox" $((bidb0 + 1)) \
    "$(inbox bidb@example.edu.tr)"
check "... saying two wait" grep -q "Kuyrukta bekleyen 2 e-posta" \
    <<<"$(mail_text bidb@example.edu.tr)"
check "a second poll the same day" poll 2026-12-01T13:00:00+03:00 "$CAP"
check_eq "... sends nothing more" 2 \
    "$(ledger "SELECT count(*) FROM outbox WHERE rcpts LIKE 'dekan.%' AND
    state = 'queued'")"
check_eq "... and does not tell BİDB again" $((bidb0 + 1)) \
    "$(inbox bidb@example.edu.tr)"
check "the next day's poll" poll 2026-12-02T10:00:00+03:00 "$CAP"
check_eq "... sends the two that waited" "1 1 1" \
    "$(echo "$(inbox dekan.fen@example.edu.tr)" \
    "$(inbox dekan.tip@example.edu.tr)" \
    "$(inbox dekan.hukuk@example.edu.tr)")"
check_eq "... and nothing is left queued" 0 \
    "$(ledger "SELECT count(*) FROM outbox WHERE state = 'queued'")"

# --- never outside
for u in "${outsiders[@]}"; do
	check_eq "nothing reached $u" 0 "$(inbox "$u")"
done
check_eq "no outbox row names an outside address" 0 \
    "$(ledger "SELECT count(*) FROM outbox WHERE rcpts LIKE '%evil%'")"
check_eq "the forgeries' cases never moved" "$before" \
    "$(steps | cut -d' ' -f1-6)"

# --- the config: authserv_id is required; "none" is loud
sed -e '/^authserv_id/d' "$CONF" >"$T/noid.ini"
chmod 600 "$T/noid.ini"
"$ROBOT" -c "$T/noid.ini" status >/dev/null 2>"$T/noid.err"
check_eq "without authserv_id the robot does not start" 1 $?
check_eq "... and says what to write" "robot: $T/noid.ini:0: institution.authserv_id: required: the name your mail server writes in Authentication-Results (or 'none' when it writes none, which lets anyone forge any sender)" \
    "$(cat "$T/noid.err")"
sed -e 's/^authserv_id = .*/authserv_id = none/' "$CONF" >"$T/none.ini"
chmod 600 "$T/none.ini"
check "authserv_id = none: rules check says anyone can forge any sender" \
    grep -q "^warning: .*anyone can forge any sender" \
    <<<"$("$ROBOT" -c "$T/none.ini" rules check 2>/dev/null)"
check "... and every start logs it" grep -q \
    "^robot: warning: .*anyone can forge any sender" \
    <<<"$(ROBOT_NOW=2026-12-02T10:00:00+03:00 "$ROBOT" -c "$T/none.ini" \
    status 2>&1 >/dev/null)"

servers_done
