#!/usr/bin/env bash
# test_run.sh: `robot run`, the daemon, against a real Dovecot.
#
# The robot runs in the background with IDLE; a message delivered to the
# INBOX is recorded within seconds (the latency is printed, not asserted).
# Dovecot is stopped while the robot idles and started again: the robot
# logs the lost connection, reconnects, and records the next message.  A
# SIGHUP with a broken rule file keeps the old rules (the log says why);
# one with a good file reloads them.  A second `run`, and a `poll`, on the
# same database refuse.  SIGTERM stops it with exit 0.  Then the same with
# [imap] idle = no (plain polling).  The password never shows in the log.
#
# Run from anywhere; BUILD names the build directory (default build).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
USER_=robot@example.edu.tr
PASS=Daemon-Pw-7q2Kx
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

servers_start "$(mktemp -d "${TMPDIR:-/tmp}/nr-run.XXXXXX")" ||
    { echo "not ok - servers start"; exit 1; }
servers_add_user "$USER_" "$PASS"
servers_add_user bidb@example.edu.tr	# the digest goes there
CONF=$SRV_DIR/robot.ini
LOG=$SRV_DIR/run.log
RULES=$SRV_DIR/rules
mkdir -p "$RULES"
cp rules/* "$RULES/"
servers_write_config "$CONF" "$USER_" "[robot]" "poll_interval = 10" \
    "rules_dir = $RULES" "holidays_file = $RULES/holidays.txt"
sed -i -e "s/^password = .*/password = $PASS/" "$CONF"
grep -q '^tls *=' <(sed -n '/^\[smtp\]/,/^\[/p' "$CONF") ||
    sed -i -e '/^\[smtp\]/a tls = none' "$CONF"

ledger() {
	sqlite3 -batch -noheader "$SRV_DIR/robot.db" "$1"
}

# mail N: a plain message with Message-ID <run-N@example.org>.
mail() {
	local f=$SRV_DIR/mail-$1.eml
	printf '%s\r\n' "From: Ali Veli <ali@example.org>" \
	    "To: $USER_" "Subject: daemon test $1" \
	    "Date: Mon, 06 Apr 2026 10:00:00 +0300" \
	    "Message-ID: <run-$1@example.org>" "MIME-Version: 1.0" \
	    "Content-Type: text/plain; charset=utf-8" "" \
	    "Merhaba, bu bir deneme iletisidir ($1)." >"$f"
	# PAD lines of 76 characters make a message long to take in.
	if [ -n "${PAD:-}" ]; then
		yes "$(printf '%076d' 0)" | head -n "$PAD" >>"$f"
	fi
	echo "$f"
}

recorded() {
	ledger "SELECT count(*) FROM message WHERE message_id IN
	    ('run-$1@example.org', '<run-$1@example.org>')"
}

# wait_for SECONDS CMD...: runs CMD every 0.1 s until it succeeds.
wait_for() {
	local deadline=$(($(date +%s) + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

log_has() {
	grep -qF -- "$1" "$LOG"
}

is_recorded() {
	[ "$(recorded "$1")" = 1 ]
}

# deliver N DESC: appends message N and checks it is recorded within 20 s;
# prints the time it took.
deliver() {
	local t0 t1
	t0=$(date +%s.%N)
	servers_append "$USER_" INBOX "$(mail "$1")" ||
	    { _check_fail "message $1 appended"; return 1; }
	if wait_for 20 is_recorded "$1"; then
		t1=$(date +%s.%N)
		echo "# message $1 recorded $(python3 -c \
		    "print(round($t1 - $t0, 2))") s after delivery ($2)"
		_check_pass "message $1 is recorded by run ($2)"
	else
		_check_fail "message $1 is recorded by run ($2)"
		sed 's/^/    /' "$LOG"
	fi
}

start_robot() {
	: >"$LOG"
	ROBOT_NOW=$NOW "$ROBOT" -c "$CONF" run 2>"$LOG" &
	RPID=$!
}

alive() {
	kill -0 "$RPID" 2>/dev/null
}

# stop_robot: SIGTERM, and its exit code in $RC (timeout: 124).
stop_robot() {
	kill -TERM "$RPID"
	if wait_for 20 eval '! alive'; then
		wait "$RPID"
		RC=$?
	else
		RC=124
		kill -9 "$RPID"
	fi
}

# --- IDLE ---------------------------------------------------------------

start_robot
check "run connects and waits in IDLE" \
    wait_for 20 log_has "imap: connected; waiting in IDLE on INBOX"
deliver 1 "IDLE"

ROBOT_NOW=$NOW "$ROBOT" -c "$CONF" run >"$SRV_DIR/second.out" \
    2>"$SRV_DIR/second.err"
check_eq "a second run on the same database exits 1" 1 "$?"
check_eq "and says who holds it" \
    "robot: another robot is running on $SRV_DIR/robot.db (pid $RPID)" \
    "$(cat "$SRV_DIR/second.err")"
ROBOT_NOW=$NOW "$ROBOT" -c "$CONF" poll >"$SRV_DIR/second.out" \
    2>"$SRV_DIR/second.err"
check_eq "a poll while run holds the database exits 1" 1 "$?"
check "and says why" grep -qF "another robot is running on" \
    "$SRV_DIR/second.err"

# Dovecot goes away while the robot idles, and comes back.
servers_stop_dovecot
check "the lost connection is logged" \
    wait_for 20 log_has "imap: connection lost: "
sleep 3		# a few failed reconnects: the backoff grows
servers_start_dovecot || echo "not ok - dovecot restarts"
check "the robot reconnects after Dovecot's restart" \
    wait_for 30 log_has "imap: reconnected"
check "it waited 1 s, then 2 s before reconnecting" \
    grep -q "reconnecting in 2 s" "$LOG"
deliver 2 "after Dovecot restarted"
check "run survived the restart" alive

# SIGHUP with a broken rule file: old rules kept, and why.
nrules=$("$ROBOT" -c "$CONF" rules check | sed -n 's/^rules: \([0-9]*\) .*/\1/p')
cp "$RULES/nes.rules" "$SRV_DIR/nes.rules.good"
printf '\n[rule broken_one]\nstep = no_such_step\nsubject = x\n' \
    >>"$RULES/nes.rules"
kill -HUP "$RPID"
check "a bad reload is logged with the reason" \
    wait_for 20 log_has "reload failed, keeping the old configuration and rules: $RULES/nes.rules:"
check "run is still up after a bad reload" alive
deliver 3 "after a bad reload"

# SIGHUP with a good rule set, one rule more: reloaded.
cp "$SRV_DIR/nes.rules.good" "$RULES/nes.rules"
printf '%s\n' "[rule daemon_reload_note]" "step = note" "from = anyone" \
    "subject = daemon reload test" >"$RULES/zz-extra.rules"
kill -HUP "$RPID"
check "a good reload is logged with the new rule count" \
    wait_for 20 log_has "reloaded: $((nrules + 1)) rule(s) from $RULES"
check "run connects again after the reload" \
    wait_for 20 eval '[ "$(grep -c "imap: connected" "$LOG")" -ge 2 ]'
deliver 4 "after a good reload"

stop_robot
check_eq "SIGTERM stops run with exit 0" 0 "$RC"
check "the log says it stopped" log_has "robot: info: stopped"
check "the poll's line says what it fetched and how long it took" grep -qE \
    'robot: info: poll: 1 folder\(s\), [0-9]+ message\(s\) fetched, [0-9]+ recorded \(0 duplicate\) in [0-9]+\.[0-9] ms$' \
    "$LOG"
check "the password never appears in the log" eval "! grep -qF '$PASS' '$LOG'"
echo "# log of the IDLE run:"
sed 's/^/#   /' "$LOG"

# SIGTERM in the middle of a long first poll: the message being recorded
# is finished, the rest waits for the next poll, nothing is taken twice.
# The signal goes out when the debug log shows the poll's first recorded
# message (tests/tools/signal_on.py); the robot's log runs through a
# one-page pipe, so it can have recorded only what two pages of its log
# cover before the signal, far fewer than the $many messages (each logs
# its IMAP lines and its outcome): the signal arrived mid-poll when some
# but not all of them are recorded.
many=100
for i in $(seq 1000 $((999 + many))); do
	servers_append "$USER_" INBOX "$(PAD=4000 mail "$i")" || break
done
: >"$LOG"
ROBOT_NOW=$NOW timeout 60 python3 tests/tools/signal_on.py "message #" \
    "$LOG" "$ROBOT" -v -c "$CONF" run
RC=$?
check_eq "SIGTERM during a poll stops run with exit 0" 0 "$RC"
check "the poll had recorded a message when the signal went out" \
    eval "grep -B1000000 -F 'signal_on: SIGTERM sent' '$LOG' |
    grep -q 'robot: debug: message #'"
got=$(ledger "SELECT count(*) FROM message WHERE message_id LIKE '%run-1___@%'")
echo "# stopped after $got of $many new messages"
check "the signal stopped the poll midway: 1 to $((many - 1)) recorded" \
    test "$got" -ge 1 -a "$got" -le $((many - 1))
check "the log says it stopped" log_has "robot: info: stopped"
check "a poll afterwards takes the rest" \
    env ROBOT_NOW=$NOW "$ROBOT" -c "$CONF" poll
check_eq "each of the $many messages is recorded exactly once" "$many" \
    "$(ledger "SELECT count(DISTINCT message_id) || ' ' || count(*) FROM message
    WHERE message_id LIKE '%run-1___@%'" | awk '$1 == $2 { print $1 }')"
check "the lock is free again: poll runs" \
    env ROBOT_NOW=$NOW "$ROBOT" -c "$CONF" poll

# --- plain polling ------------------------------------------------------

sed -i -e '/^\[imap\]/a idle = no' "$CONF"
start_robot
check "with idle = no, run polls" \
    wait_for 20 log_has "imap: connected; polling every 10 s (no IDLE)"
deliver 5 "polling every 10 s"
stop_robot
check_eq "SIGTERM stops the polling run with exit 0" 0 "$RC"
check_eq "every message recorded once" $((5 + many)) \
    "$(ledger "SELECT count(*) FROM message WHERE message_id LIKE '%run-%'")"
check "the password never appears in the log" eval "! grep -qF '$PASS' '$LOG'"

echo "# log of the last run:"
sed 's/^/#   /' "$LOG"
check_done
