#!/bin/bash
# The outbox and loop safety through the real binary, a real SMTP server
# and Dovecot on loopback: the robot never mails its own address; the
# daily cap per recipient holds and is noted on the case; a refused
# recipient fails permanently and shows in the digest; `digest --send`
# sends at once; a mail deferred while the server is down goes after the
# back-off, once; a row left 'sending' by a crash is sent again (the one
# documented duplicate window, same Message-ID).  Run from the repository
# root; BUILD names the build directory.
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
BIDB=bidb@example.edu.tr
servers_start "$(mktemp -d -t nr.XXXXXX)" "$ROBOT" "$AYSE" "$BIDB" || {
	echo "not ok - start mail servers"
	exit 1
}
T=$SRV_DIR/t
mkdir -p "$T"
CONF=$SRV_DIR/robot.ini
TOP=$(pwd)
servers_write_config "$CONF" "$ROBOT" \
    "max_per_recipient_day = 1" \
    "[robot]" "rules_dir = $TOP/rules" "templates_dir = $TOP/templates" \
    "holidays_file = $TOP/rules/holidays.txt" \
    "[institution]" "robot = $ROBOT"
# servers_write_config appends after [kamusm]: move the cap into [smtp].
sed -i '/^max_per_recipient_day/d; /^from = /a max_per_recipient_day = 1' \
    "$CONF"
DB=$SRV_DIR/robot.db

robot() {	# robot ISO-TIME ARGS...
	local now=$1
	shift
	echo "== $now $*" >>"$T/robot.log"
	ROBOT_NOW=$now "$ROBOT_BIN" -c "$CONF" "$@" 2>>"$T/robot.log"
}
count() {	# count USER: messages in USER's INBOX
	servers_fetch_all "$1" INBOX "$T/$1.$RANDOM" | tail -n1
}
sql() {
	sqlite3 "$DB" "$1"
}

check "first poll creates the database" \
    robot 2026-06-01T07:00:00+03:00 poll

since=$(date -d "2026-06-01 10:00 +0300" +%s)
sqlite3 "$DB" <<EOF
INSERT INTO request(id, unit, created_t, updated_t)
  VALUES (1, 'Fen Fakültesi', $since, $since);
INSERT INTO cases(id, tag, request, name, email, step, step_t, created_t,
    updated_t) VALUES
  (1, 'NES-2026-0001', 1, 'Robot Kendisi', '$ROBOT', 'application_filled',
   $since, $since, $since),
  (2, 'NES-2026-0002', 1, 'Ayşe Yılmaz', '$AYSE', 'application_filled',
   $since, $since, $since),
  (3, 'NES-2026-0003', 1, 'Ayşe Yılmaz', '$AYSE', 'application_filled',
   $since, $since, $since),
  (4, 'NES-2026-0004', 1, 'Kimse', 'nobody@example.edu.tr',
   'application_filled', $since, $since, $since);
EOF

# Thursday 4 June: 3 business days after Monday 1 June, all four due.
conns=$(grep -c "connection from" "$SRV_DIR/msmtpd.log")
check "poll on the day the reminders are due" \
    robot 2026-06-04T09:30:00+03:00 poll
check_eq "its mails go over one connection to the server" $((conns + 1)) \
    "$(grep -c "connection from" "$SRV_DIR/msmtpd.log")"
check "the robot never mails its own address" test "$(count "$ROBOT")" = 0
check "the cap: one mail to the person today, not two" \
    test "$(count "$AYSE")" = 1
n=$(sql "SELECT count(*) FROM event WHERE kind = 'note'
    AND detail LIKE '%daily limit%'")
check "the capped mail is noted on its case" test "$n" = 1
n=$(sql "SELECT count(*) FROM outbox WHERE rcpts = 'nobody@example.edu.tr'
    AND state = 'failed' AND last_error LIKE '%5__%'")
check "a refused recipient fails permanently, with the server's reply" \
    test "$n" = 1

robot 2026-06-04T10:00:00+03:00 digest >"$T/digest.txt"
check "digest lists the undelivered mail" \
    grep -q "nobody@example.edu.tr" "$T/digest.txt"
check "digest --send delivers at once" \
    robot 2026-06-04T10:00:00+03:00 digest --send
check "BİDB has the digest" test "$(count "$BIDB")" = 1
robot 2026-06-04T11:00:00+03:00 poll >/dev/null
n=$(sql "SELECT count(*) FROM outbox WHERE kind = 'digest.tmpl'")
check "the scheduled digest does not follow in the same week" test "$n" = 1

# The SMTP server is down: the digest is queued and deferred.
servers_stop_smtp
robot 2026-06-08T09:30:00+03:00 poll >/dev/null
n=$(sql "SELECT state || attempts FROM outbox WHERE kind = 'digest.tmpl'
    ORDER BY id DESC LIMIT 1")
check "while the server is down the digest waits, 1 attempt" \
    test "$n" = queued1
servers_start_smtp
robot 2026-06-08T09:32:00+03:00 poll >/dev/null
check "not retried before the 5-minute back-off" \
    test "$(count "$BIDB")" = 1
robot 2026-06-08T09:36:00+03:00 poll >/dev/null
robot 2026-06-08T09:50:00+03:00 poll >/dev/null
check "delivered once after it" test "$(count "$BIDB")" = 2

# A crash between the claim and the 250: the row stays 'sending'.
old=$(date -d "2026-06-08 09:00 +0300" +%s)
sql "UPDATE outbox SET state = 'sending', next_t = $old
    WHERE id = (SELECT min(id) FROM outbox WHERE rcpts = '$AYSE')"
robot 2026-06-08T10:00:00+03:00 poll >/dev/null
check "a row left 'sending' is sent again after the stale time" \
    test "$(count "$AYSE")" = 2
servers_fetch_all "$AYSE" INBOX "$T/ayse-final" >/dev/null
f=$T/ayse-final
check "... the duplicate carries the same Message-ID" \
    test "$(grep -h -i '^Message-ID:' "$f"/*.eml | sort -u | wc -l)" = 1
n=$(sql "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')")
check "no mail is left unsent" test "$n" = 0

check_done
