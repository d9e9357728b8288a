#!/bin/bash
# The outbox sent while a poll is still fetching (robot/sender.h), through
# the real binary, Dovecot and the SMTP server on loopback.
#
# The poll reads two folders: INBOX holds a ticket and the form that
# follows it, whose acknowledgement the robot queues; "Askida" holds one
# message whose decoding never ends (the test hook
# ROBOT_TEST_DECODER_HANG).  The fetch commits INBOX and then waits on
# that message for as long as the test likes, so the acknowledgement can
# only arrive before the poll ends if it is sent during the fetch.  Then
# the robot is killed there; the next poll sends nothing twice.  Last,
# mail held back by the daily limit is logged once or twice in a poll,
# not at every look of the thread.  Run from the repository root; BUILD names
# the build directory.
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
. tests/lib/check.sh
. tests/lib/request.sh
. tests/lib/servers.sh

ROBOT_BIN=$BUILD/robot
[ -x "$ROBOT_BIN" ] || make -s BUILD="$BUILD" "$ROBOT_BIN" >/dev/null || {
	echo "not ok - build $ROBOT_BIN"
	exit 1
}

D=example.edu.tr
ROBOT=robot@$D
BIDB=bidb@$D
DEKAN=dekan@$D
SEKRETER=sekreter@$D
ELIF=elif.kara@$D
servers_start "$(mktemp -d -t nr.XXXXXX)" "$ROBOT" "$BIDB" "$DEKAN" \
    "$SEKRETER" "$ELIF" || {
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
    "[institution]" "robot = $ROBOT" \
    "[limits]" "max_decode_seconds = 300"
sed -i 's/^folders = .*/folders = INBOX, Askida/' "$CONF"
DB=$SRV_DIR/robot.db
NOW=2026-06-01T10:00:00+03:00
HANG=askida.1@example.org

sql() {
	sqlite3 "$DB" "$1"
}
count() {	# count USER: messages in USER's INBOX
	servers_fetch_all "$1" INBOX "$T/$1.$RANDOM" | tail -n1
}

request_ticket "$T/ticket.eml" 48604 "İletişim Fakültesi" "Selim Dekan" "" \
    "$DEKAN"
request_form "$T/form.eml"
cat >"$T/hang.eml" <<EOF
Message-ID: <$HANG>
Date: Mon, 01 Jun 2026 09:30:00 +0300
From: Ali Veli <ali@example.org>
To: $ROBOT
Subject: toplanti
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Yarin gorusuruz.
EOF
servers_append "$ROBOT" INBOX "$T/ticket.eml" "$T/form.eml" &&
    servers_append "$ROBOT" Askida "$T/hang.eml" ||
	echo "not ok - store the test mail"

# --- the acknowledgement leaves during the fetch ------------------------

ROBOT_NOW=$NOW ROBOT_TEST_DECODER_HANG=$HANG "$ROBOT_BIN" -c "$CONF" poll \
    >"$T/poll1.out" 2>"$T/poll1.err" &
pid=$!
# Up to a minute for the mail to arrive: the poll cannot end meanwhile.
arrived=0
for _ in $(seq 120); do
	if [ "$(count "$SEKRETER")" = 1 ]; then
		arrived=1
		break
	fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.5
done
alive=0
kill -0 "$pid" 2>/dev/null && alive=1
check_eq "the secretary has the acknowledgement" 1 "$arrived"
check_eq "... while the poll still waits on the other folder" 1 "$alive"
check_eq "... and it is recorded sent" 1 \
    "$(sql "SELECT count(*) FROM outbox WHERE state = 'sent'
        AND rcpts LIKE '%$SEKRETER%'")"
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null

# --- killed there, the next poll sends nothing twice ---------------------

poll2() {
	ROBOT_NOW=$NOW "$ROBOT_BIN" -c "$CONF" poll >"$T/poll2.out" \
	    2>"$T/poll2.err"
}
check "the next poll ends well" poll2
check_eq "the message that hung is recorded" 1 \
    "$(sql "SELECT count(*) FROM message
        WHERE message_id IN ('$HANG', '<$HANG>')")"
check_eq "the secretary still has one acknowledgement" 1 \
    "$(count "$SEKRETER")"
check_eq "no mail is left queued or sending" 0 \
    "$(sql "SELECT count(*) FROM outbox
        WHERE state IN ('queued', 'sending')")"

# --- mail that cannot go is said once or twice a poll, not per look ----

# Two mails went today (the acknowledgement, Monday's digest): with a
# limit of one, the next waits for tomorrow, and every run that finds it
# due says so.
sed -i '/^from = /a max_per_day = 1' "$CONF"
sed -i 's/^folders = .*/folders = INBOX, Askida2/' "$CONF"
# A second form of the request, for a new person: a new acknowledgement.
sed -e "s/form\.48604@/form2.48604@/; s/09:00:00/09:40:00/" \
    -e "s/Elif Kara\t10000000146/Can Demir\t10000000214/" \
    -e "s/$ELIF/can.demir@$D/" "$T/form.eml" >"$T/form2.eml"
sed -i "s/<$HANG>/<askida.2@example.org>/" "$T/hang.eml"
servers_append "$ROBOT" INBOX "$T/form2.eml" &&
    servers_append "$ROBOT" Askida2 "$T/hang.eml" ||
	echo "not ok - store the second mail"
ROBOT_NOW=$NOW ROBOT_TEST_DECODER_HANG=askida.2@example.org "$ROBOT_BIN" \
    -c "$CONF" poll >"$T/poll3.out" 2>"$T/poll3.err" &
pid=$!
# Until the mail is queued, then two seconds: twenty looks of the thread.
for _ in $(seq 120); do
	[ "$(sql "SELECT count(*) FROM outbox WHERE state = 'queued'")" -gt 0 ] &&
	    break
	sleep 0.5
done
sleep 2
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
n=$(grep -c "max_per_day limit" "$T/poll3.err")
check "the held mail is logged (1 or 2 times, not $n)" \
    test "$n" -ge 1 -a "$n" -le 2
check_eq "BİDB is told of it once" 1 \
    "$(sql "SELECT count(*) FROM outbox WHERE kind = 'cap_reached_bidb.tmpl'
        AND state = 'sent'")"
check_eq "the mail waits, queued" 1 \
    "$(sql "SELECT count(*) FROM outbox WHERE state = 'queued'")"

# --- several connections share the mail and the day's limit -----------

# A relay that keeps each mail in a file of its own and answers 0.3 s
# later: while one connection waits for it, the next mail goes on
# another ([smtp] connections, 3 here).  The next day, with a limit of
# six: the mail held yesterday, eight more queued (copies of it with
# Message-IDs of their own) and what the poll queues itself.
RELAY=$T/relay
mkdir -p "$RELAY"
printf '#!/bin/sh\ncat >"$(mktemp %s/mail.XXXXXX)"\nexec sleep 0.3\n' \
    "$RELAY" >"$T/relay.sh"
chmod +x "$T/relay.sh"
RELAY_PORT=$(_srv_free_ports 1)
msmtpd --interface=127.0.0.1 --port="$RELAY_PORT" --log="$T/relay.log" \
    --command="$T/relay.sh" </dev/null >/dev/null 2>&1 &
relay_pid=$!
_srv_wait_port "$RELAY_PORT" || echo "not ok - start the relay"
sed -i -e "s|^url = .*|url = smtp://127.0.0.1:$RELAY_PORT|" \
    -e 's/^max_per_day = .*/max_per_day = 6\nconnections = 3/' \
    -e 's/^folders = .*/folders = INBOX/' "$CONF"
sql "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k
    WHERE n < 8) INSERT INTO outbox(kind, message_id, mail_from, rcpts,
    data, state, attempts, next_t, created_t) SELECT o.kind,
    'copy' || k.n || '.' || o.message_id, o.mail_from, o.rcpts,
    CAST(replace(CAST(o.data AS TEXT), 'Message-ID: <',
    'Message-ID: <copy' || k.n || '.') AS BLOB), 'queued', 0, 0,
    o.created_t FROM outbox o, k WHERE o.state = 'queued'"
# A new message, so that the poll starts sending while it fetches.
sed -e "s/<$HANG>/<yarin.3@example.org>/" \
    -e "s/<askida.2@example.org>/<yarin.3@example.org>/" "$T/hang.eml" \
    >"$T/yarin.eml"
servers_append "$ROBOT" INBOX "$T/yarin.eml" ||
	echo "not ok - store the third mail"
NOW2=2026-06-02T10:00:00+03:00
since=$(date -d "$NOW2" +%s)
check "the poll of the next day ends well" env ROBOT_NOW=$NOW2 \
    "$ROBOT_BIN" -c "$CONF" poll
kill "$relay_pid" 2>/dev/null
wait "$relay_pid" 2>/dev/null
check_eq "six mails leave, the day's limit, over all the connections" 6 \
    "$(sql "SELECT count(*) FROM outbox WHERE state = 'sent'
        AND sent_t >= $since AND kind <> 'cap_reached_bidb.tmpl'")"
check_eq "BİDB is told of the rest once" 1 \
    "$(sql "SELECT count(*) FROM outbox WHERE state = 'sent'
        AND sent_t >= $since AND kind = 'cap_reached_bidb.tmpl'")"
check_eq "nothing is left sending" 0 \
    "$(sql "SELECT count(*) FROM outbox WHERE state = 'sending'")"
check_eq "the relay has each mail sent, once" 7 \
    "$(grep -h -i '^Message-ID:' "$RELAY"/mail.* | sort -u | wc -l)"
check_eq "... and no other" 7 "$(find "$RELAY" -name 'mail.*' | wc -l)"
n=$(grep 'mail was piped successfully' "$T/relay.log" |
    sed 's/.*msmtpd\[\([0-9]*\)\].*/\1/' | sort -u | wc -l)
check "the mail went over more than one connection ($n)" test "$n" -ge 2

check_done
