#!/bin/bash
# The acting story: reminders, the escalation, the weekly digest and the
# outbox, through the real binary, a real SMTP server and Dovecot on
# loopback.  Two requests are put into the database directly (one person
# waiting for Kamu SM's application since Monday 18 May 2026, one form
# waiting at BİDB since Friday 22 May); then `robot poll` runs day by day
# with ROBOT_NOW from 18 May to 26 June, three times a day (08:00, before
# the reminder hour; 09:30; 10:30 again), across weekends, 19 May and the
# Kurban Bayramı (27-30 May).  The mail each person got is read back from
# Dovecot and compared with the table of workflow.md: the right person on
# the right business day, never on a holiday or weekend, three reminders
# then one escalation to BİDB, the unit head in Cc from the 2nd, the digest
# on Mondays at 09:00 with the right counts, nothing twice, and a mail
# queued while the SMTP server is down delivered once when it is back.
# Run from the repository root; BUILD names the build directory.
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
. tests/lib/check.sh
. tests/lib/servers.sh

ROBOT_BIN=$BUILD/robot
[ -x "$ROBOT_BIN" ] || make -s BUILD="$BUILD" "$ROBOT_BIN" >/dev/null || {
	echo "not ok - build $ROBOT_BIN"
	exit 1
}

ROBOT=robot@example.edu.tr
AYSE=ayse@example.edu.tr
DEKAN=dekan@example.edu.tr
BIDB=bidb@example.edu.tr
YAZI=yaziisleri@example.edu.tr
servers_start "$(mktemp -d -t nr.XXXXXX)" "$ROBOT" "$AYSE" "$DEKAN" \
    "$BIDB" "$YAZI" || {
	echo "not ok - start mail servers"
	exit 1
}
T=$SRV_DIR/t
mkdir -p "$T"
CONF=$SRV_DIR/robot.ini
TOP=$(pwd)
servers_write_config "$CONF" "$ROBOT" \
    "[robot]" "rules_dir = $TOP/rules" "templates_dir = $TOP/templates" \
    "holidays_file = $TOP/rules/holidays.txt" \
    "[institution]" "robot = $ROBOT"
DB=$SRV_DIR/robot.db

# run ISO-TIME: one poll with the fake clock; output in $T/poll.log.
run() {
	echo "== $1" >>"$T/poll.log"
	ROBOT_NOW=$1 "$ROBOT_BIN" -c "$CONF" poll >>"$T/poll.log" 2>&1
}

check "first poll creates the database" run 2026-05-18T07:00:00+03:00

t() {	# local ISO date + hour -> epoch
	date -d "$1 $2:00 +0300" +%s
}
sqlite3 "$DB" <<EOF
INSERT INTO request(id, ticket, unit, requester, requester_email, opened_t,
    form_t, created_t, updated_t) VALUES
  (1, '48213', 'Mühendislik Fakültesi', 'Ali Veli', '$DEKAN',
   $(t 2026-05-04 10), $(t 2026-05-05 10), $(t 2026-05-04 10),
   $(t 2026-05-18 10)),
  (2, '48300', 'Fen Fakültesi', 'Veli Ali', '$DEKAN',
   $(t 2026-05-20 10), $(t 2026-05-22 15), $(t 2026-05-20 10),
   $(t 2026-05-22 15));
INSERT INTO cases(id, tag, request, name, tckn, email, unit, step, step_t,
    created_t, updated_t) VALUES
  (1, 'NES-2026-0001', 1, 'Ayşe Yılmaz', '10000000146', '$AYSE',
   'Mühendislik Fakültesi', 'kamusm_notified', $(t 2026-05-18 10),
   $(t 2026-05-05 10), $(t 2026-05-18 10)),
  (2, 'NES-2026-0002', 2, 'Can Demir', '10000000146', 'can@example.edu.tr',
   'Fen Fakültesi', 'form_received', $(t 2026-05-22 15),
   $(t 2026-05-22 15), $(t 2026-05-22 15)),
  (3, 'NES-2026-0003', 2, 'Ece Kaya', '10000000146', 'ece@example.edu.tr',
   'Fen Fakültesi', 'form_received', $(t 2026-05-22 15),
   $(t 2026-05-22 15), $(t 2026-05-22 15));
EOF

# Day by day; on 5 June the SMTP server is down for the 09:30 poll.
ok=1
for i in $(seq 0 39); do
	d=$(date -d "2026-05-18 +$i day" +%F)
	run "${d}T08:00:00+03:00" || ok=0
	if [ "$d" = 2026-06-05 ]; then
		servers_stop_smtp
		run "${d}T09:30:00+03:00"
		sqlite3 "$DB" "SELECT count(*) FROM outbox
		    WHERE state = 'queued'" >"$T/queued-while-down"
		servers_start_smtp || ok=0
	else
		run "${d}T09:30:00+03:00" || ok=0
	fi
	run "${d}T10:30:00+03:00" || ok=0
done
check "every poll succeeded" test "$ok" = 1

# summary USER: "DATE HH:MM KIND TAG cc=..." per mail received.
summary() {
	servers_fetch_all "$1" INBOX "$T/$1" >/dev/null
	python3 - "$T/$1" <<'EOF'
import email, email.policy, email.utils, os, sys
d = sys.argv[1]
for n in sorted((int(f[:-4]) for f in os.listdir(d) if f.endswith(".eml"))):
    with open(os.path.join(d, "%d.eml" % n), "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    t = email.utils.parsedate_to_datetime(m["Date"])
    s = str(m["Subject"])
    kind = ("digest" if "haftalık özeti" in s else
            "escalation" if "ilerlemiyor" in s else "reminder")
    cc = " cc=" + str(m["Cc"]) if m["Cc"] else ""
    print(t.strftime("%Y-%m-%d %H:%M"), kind, m["X-NES-Case"] or "-",
          m["Auto-Submitted"] + cc)
EOF
}

summary "$AYSE" >"$T/ayse.got"
cat >"$T/ayse.want" <<EOF
2026-05-26 09:30 reminder NES-2026-0001 auto-generated
2026-06-05 09:30 reminder NES-2026-0001 auto-generated cc=$DEKAN
2026-06-12 09:30 reminder NES-2026-0001 auto-generated cc=$DEKAN
EOF
check "person reminded 5 business days after 18 May, then every 5, 3 times" \
    diff -u "$T/ayse.want" "$T/ayse.got"

summary "$DEKAN" >"$T/dekan.got"
check "the unit head is in Cc from the 2nd reminder, not the 1st" \
    test "$(grep -c "cc=$DEKAN" "$T/ayse.got")" = 2
check "the unit head got the Cc copies and nothing else" \
    test "$(grep -c reminder "$T/dekan.got")" = 2 -a \
    "$(wc -l <"$T/dekan.got")" = 2

summary "$BIDB" >"$T/bidb.got"
cat >"$T/bidb.want" <<EOF
2026-05-18 09:30 digest - auto-generated
2026-05-25 09:30 digest - auto-generated
2026-05-26 09:30 reminder NES-2026-0002 auto-generated
2026-06-01 09:30 digest - auto-generated
2026-06-01 09:30 reminder NES-2026-0002 auto-generated
2026-06-02 09:30 reminder NES-2026-0002 auto-generated
2026-06-03 09:30 escalation NES-2026-0002 auto-generated
2026-06-08 09:30 digest - auto-generated
2026-06-15 09:30 digest - auto-generated
2026-06-19 09:30 escalation NES-2026-0001 auto-generated
2026-06-22 09:30 digest - auto-generated
EOF
# Sort within a minute: the digest and a reminder leave in one poll.
sort "$T/bidb.got" >"$T/bidb.sorted"
check "BİDB: form reminders, escalations, Monday digests, nothing twice" \
    diff -u "$T/bidb.want" "$T/bidb.sorted"

off='^2026-(05-(19|23|24|27|28|29|30|31)|06-(06|07|13|14|20|21)) '
check "nothing on a weekend or holiday" \
    bash -c "! grep -E '$off' $T/*.got"

check "the mail queued while SMTP was down waited in the outbox" \
    test "$(cat "$T/queued-while-down")" = 1
check "... and was delivered once when the server came back" \
    test "$(grep -c '^2026-06-05' "$T/ayse.got")" = 1
n=$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE state <> 'sent'")
check "the outbox holds no mail unsent and none failed" test "$n" = 0

# The digest of Monday 1 June: 3 open cases, all 3 overdue; the one of
# 25 May: none overdue yet.
digest_of() {
	python3 - "$T/$BIDB" "$1" <<'EOF'
import email, email.policy, email.utils, os, sys
d = sys.argv[1]
for f in sorted(os.listdir(d)):
    with open(os.path.join(d, f), "rb") as fh:
        m = email.message_from_binary_file(fh, policy=email.policy.default)
    t = email.utils.parsedate_to_datetime(m["Date"]).strftime("%Y-%m-%d")
    if "haftalık özeti" in str(m["Subject"]) and t == sys.argv[2]:
        print(m.get_body(("plain",)).get_content())
EOF
}
digest_of 2026-05-25 >"$T/digest-0525"
digest_of 2026-06-01 >"$T/digest-0601"
check "digest of 25 May: 3 open, none overdue" \
    grep -q "Açık kayıt: 3 .*Geciken: 0" "$T/digest-0525"
check "digest of 1 June: 3 open, 3 overdue, who holds them" \
    grep -q "Açık kayıt: 3 .*Geciken: 3" "$T/digest-0601"
check "digest lists the overdue person with her holder" \
    grep -q "NES-2026-0001.*Ayşe Yılmaz.*Personel" "$T/digest-0601"
check "digest counts per unit" \
    grep -q "Fen Fakültesi: 2" "$T/digest-0601"

n=$(sqlite3 "$DB" "SELECT count(*) FROM event WHERE case_id = 1 AND
    kind = 'reminder'")
check "the reminders are on the case's history" test "$n" = 3
before=$(sqlite3 "$DB" "SELECT count(*) FROM outbox")
run 2026-06-26T11:00:00+03:00
after=$(sqlite3 "$DB" "SELECT count(*) FROM outbox")
check "a repeated poll on the last day queues nothing" \
    test "$before" = "$after"

check_done
