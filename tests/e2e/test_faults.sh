#!/usr/bin/env bash
# test_faults.sh: what the robot does when the world around it breaks.
#
#   - Dovecot gone in the middle of a fetch (the connection cut after a
#     fixed number of bytes), then started again: `poll` exits 1 saying
#     the connection broke; the next poll goes on where the first
#     stopped (every message once, none lost).
#   - The SMTP server down for a simulated day (ROBOT_NOW moving): the
#     outbox keeps the mail, retries on the back-off schedule, and
#     delivers each mail once when the server is back.
#   - The database locked by another process for longer than the busy
#     timeout: a clear error, nothing half-written, the message is taken
#     next time.
#   - The database's disk full: a clear error, nothing half-written, all
#     well next time once there is room.
#   - Bad configuration: a syntax error, an unknown key, a missing file, a
#     password_file readable by others: one clear line each, exit 1; no
#     configuration or an unknown command: exit 2.
#
# Run from anywhere as root (the disk-full part mounts a small tmpfs);
# BUILD names the build directory (default build).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
NOW=2026-12-24T09:30:00+03:00

. tests/lib/check.sh
. tests/lib/servers.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi

servers_story faults mehmet.ozturk@example.edu.tr ||
    { echo "not ok - servers start"; exit 1; }

# conf NAME DB: a copy of the config with its own database.
conf() {
	sed -e "s|^path = .*|path = $2|" "$CONF" >"$SRV_DIR/$1"
	chmod 600 "$SRV_DIR/$1"
}
sql() {		# sql DB QUERY
	sqlite3 -batch -noheader "$1" "$2"
}
# robot CONF NOW ARGS...: stdout in $T/out, stderr in $T/err; $? kept.
robot() {
	local c=$1 now=$2
	shift 2
	ROBOT_NOW=$now "$ROBOT" -c "$SRV_DIR/$c" "$@" >"$T/out" 2>"$T/err"
}
show_err() {
	sed 's/^/    /' "$T/err"
}
# The ledger is whole: one row per UID, an outcome on each, the folder's
# mark on the last UID recorded, integrity_check ok.
ledger_whole() {	# ledger_whole DB
	local rows uids bad mark last ic
	rows=$(sql "$1" "SELECT count(*) FROM message")
	uids=$(sql "$1" "SELECT count(DISTINCT uid) FROM message")
	bad=$(sql "$1" "SELECT count(*) FROM message WHERE outcome IS NULL
	    OR outcome = 'recorded'")
	mark=$(sql "$1" "SELECT ifnull(max(last_uid), 0) FROM folder")
	last=$(sql "$1" "SELECT ifnull(max(uid), 0) FROM message")
	ic=$(sql "$1" "PRAGMA integrity_check")
	[ "$rows" = "$uids" ] && [ "$bad" = 0 ] && [ "$mark" = "$last" ] &&
	    [ "$ic" = ok ] && return 0
	echo "rows $rows, uids $uids, unexamined $bad, mark $mark," \
	    "last uid $last, integrity $ic"
	return 1
}

# The mailbox: genmail's 300 messages, then 120 of about 1 MB so a fetch
# lasts long enough to be cut in the middle.
n=$(python3 tests/tools/genmail.py "$T/mail" 300 1) ||
    { echo "not ok - genmail.py"; exit 1; }
python3 - "$T/big" 120 <<'EOF'
import base64, os, sys
os.makedirs(sys.argv[1], exist_ok=True)
for i in range(int(sys.argv[2])):
    data = bytes((j * 7919 + i) % 251 for j in range(768 * 1024))
    b = base64.b64encode(data).decode()
    with open(os.path.join(sys.argv[1], "big%02d.eml" % i), "w",
              newline="\r\n") as f:
        f.write("From: Arşiv <arsiv@example.edu.tr>\n"
                "To: robot@example.edu.tr\n"
                "Subject: Arşiv %d\n"
                "Date: Mon, 14 Dec 2026 09:00:00 +0300\n"
                "Message-ID: <big.%d@example.edu.tr>\n"
                "MIME-Version: 1.0\n"
                'Content-Type: multipart/mixed; boundary="b"\n\n'
                "--b\nContent-Type: text/plain; charset=utf-8\n\n"
                "Arşiv ektedir.\n\n--b\n"
                "Content-Type: application/octet-stream\n"
                'Content-Disposition: attachment; filename="a.bin"\n'
                "Content-Transfer-Encoding: base64\n\n" % (i, i))
        f.write("\n".join(b[k:k + 76] for k in range(0, len(b), 76)))
        f.write("\n--b--\n")
EOF
servers_append robot@example.edu.tr INBOX "$T"/mail/*.eml "$T"/big/*.eml ||
    { echo "not ok - mail appended"; exit 1; }
n=$((n + 120))

# 1. Dovecot gone in the middle of a fetch.  The robot reaches Dovecot
# through a relay that breaks the connection after 40 MB have come back
# (about a third of the big messages), wherever the reading is by then;
# Dovecot is then stopped, as after a crash.
conf dove.ini "$SRV_DIR/dove.db"
DB=$SRV_DIR/dove.db
python3 tests/tools/cut_after.py "$T/relay.port" "$SRV_IMAPS_PORT" \
    $((40 * 1024 * 1024)) &
relay=$!
for i in $(seq 500); do
	[ -s "$T/relay.port" ] && break
	sleep 0.01
done
sed -i "s/^port = $SRV_IMAPS_PORT\$/port = $(cat "$T/relay.port")/" \
    "$SRV_DIR/dove.ini"
robot dove.ini "$NOW" poll
rc=$?
wait "$relay"
servers_stop_dovecot
sed -i "s/^port = $(cat "$T/relay.port")\$/port = $SRV_IMAPS_PORT/" \
    "$SRV_DIR/dove.ini"
got=$(sql "$DB" "SELECT count(*) FROM message")
echo "# Dovecot stopped after $got of $n messages: $(cat "$T/err")"
check_eq "Dovecot gone mid-fetch: poll exits 1" 1 "$rc" || show_err
check "Dovecot gone mid-fetch: the error says the connection broke" \
    grep -qiE 'connection|closed|lost|stream' "$T/err"
check "Dovecot gone mid-fetch: some, not all, messages recorded" \
    test "$got" -gt 0 -a "$got" -lt "$n"
check "Dovecot gone mid-fetch: the ledger is whole" ledger_whole "$DB"
servers_start_dovecot
robot dove.ini "$NOW" poll
check_eq "Dovecot back: poll exits 0" 0 "$?" || show_err
check_eq "Dovecot back: every message once" "$n $n" \
    "$(sql "$DB" "SELECT count(*) || ' ' || count(DISTINCT uid)
    FROM message")"
check_eq "Dovecot back: the poll took only the rest" $((n - got)) \
    "$(sed -n 's/.* \([0-9]*\) recorded.*/\1/p' "$T/out")"
check "Dovecot back: the ledger is whole" ledger_whole "$DB"

# 2. The SMTP server down for a day.  The first poll queues the
# reminders due; while the server is down each retry waits longer.
conf smtp.ini "$SRV_DIR/smtp.db"
DB=$SRV_DIR/smtp.db
for u in "${users[@]}" mehmet.ozturk@example.edu.tr; do
	# What the first part sent is not this part's.
	[ "$u" = robot@example.edu.tr ] && continue
	_srv_doveadm expunge -u "$u" mailbox INBOX all 2>/dev/null
done
servers_stop_smtp
sched=""
for t in 09:30 09:40 10:00 11:00 14:00 18:00 23:00; do
	robot smtp.ini "2026-12-24T$t:00+03:00" poll ||
	    grep -v ': info: ' "$T/err" | sed 's/^/# /'
	sched="$sched $t:$(sql "$DB" "SELECT max(attempts) FROM outbox")"
done
for t in 06:00 09:00; do
	robot smtp.ini "2026-12-25T$t:00+03:00" poll
	sched="$sched 25th-$t:$(sql "$DB" "SELECT max(attempts) FROM outbox")"
done
echo "# attempts while the server was down (time:attempts):$sched"
nq=$(sql "$DB" "SELECT count(*) FROM outbox")
check "SMTP down: mail was queued" test "$nq" -gt 0
check_eq "SMTP down: all of it waits, none sent or failed" "$nq" \
    "$(sql "$DB" "SELECT count(*) FROM outbox WHERE state = 'queued'")"
# 5 min, 15 min, 1 h, then every 4 h: 09:30, 09:40 (>= 09:35), 10:00
# (>= 09:55), 11:00 (>= 11:00), 14:00 (< 15:00, no), 18:00 (>= 15:00),
# 23:00 (>= 22:00), 25th 06:00 (>= 03:00), 09:00 (< 10:00, no).
check_eq "SMTP down: retried on the back-off schedule" \
    " 09:30:1 09:40:2 10:00:3 11:00:4 14:00:4 18:00:5 23:00:6 25th-06:00:7 25th-09:00:7" \
    "$sched"
check "SMTP down: the error is kept on the row" test -n \
    "$(sql "$DB" "SELECT last_error FROM outbox LIMIT 1")"
servers_start_smtp
robot smtp.ini 2026-12-25T10:00:00+03:00 poll
check_eq "SMTP back: poll exits 0" 0 "$?" || show_err
check_eq "SMTP back: nothing left waiting" 0 \
    "$(sql "$DB" "SELECT count(*) FROM outbox WHERE state IN
    ('queued', 'sending')")"
for u in "${users[@]}" mehmet.ozturk@example.edu.tr; do
	[ "$u" = robot@example.edu.tr ] && continue
	servers_fetch_all "$u" INBOX "$T/box/$u" >/dev/null
done
python3 tests/tools/mailboxes.py "$DB" "$T/box" >"$T/boxes"
while IFS=$'\t' read -r u ns ng nboth nsame nunex nfrag; do
	check_eq "SMTP back: $u has each mail sent to them, once" \
	    "$ns $ns 0 0" "$ng $nboth $nsame $nfrag"
done <"$T/boxes"

# 3. The database locked by another process for longer than the busy
# timeout (10 s).
conf lock.ini "$SRV_DIR/lock.db"
DB=$SRV_DIR/lock.db
extra=tests/fixtures/rules/25-unrelated.eml
robot lock.ini "$NOW" poll
check_eq "before the lock: poll exits 0" 0 "$?" || show_err
before=$(sql "$DB" "SELECT count(*) FROM message")
servers_append robot@example.edu.tr INBOX "$extra"
python3 - "$DB" "$T/locked" <<'EOF' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(14)
db.execute("ROLLBACK")
EOF
lockpid=$!
while [ ! -f "$T/locked" ]; do sleep 0.05; done
robot lock.ini "$NOW" poll
rc=$?
echo "# locked: $(tr '\n' ' ' <"$T/err")"
check_eq "database locked: poll exits 1" 1 "$rc"
check "database locked: the error says so" grep -q 'locked' "$T/err"
check "database locked: the message will be taken again" \
    grep -q 'taken again next time' "$T/err"
wait "$lockpid"
check_eq "database locked: nothing written" "$before" \
    "$(sql "$DB" "SELECT count(*) FROM message")"
check "database locked: the ledger is whole" ledger_whole "$DB"
robot lock.ini "$NOW" poll
check_eq "lock gone: poll exits 0" 0 "$?" || show_err
check_eq "lock gone: the message is taken" $((before + 1)) \
    "$(sql "$DB" "SELECT count(*) FROM message")"
n=$((n + 1))

# 4. The disk of the database full: first with no room at all (the
# database cannot even be opened), then with room for part of the mail.
SMALL=$SRV_DIR/small
mkdir -p "$SMALL"
if mount -t tmpfs -o size=24M tmpfs "$SMALL" 2>"$T/mount.err"; then
	trap 'umount "$SMALL" 2>/dev/null; servers_stop' EXIT
	conf small.ini "$SMALL/robot.db"
	DB=$SMALL/robot.db
	robot small.ini "$NOW" poll
	check_eq "before the disk is full: poll exits 0" 0 "$?" || show_err
	before=$(sql "$DB" "SELECT count(*) FROM message")
	servers_append robot@example.edu.tr INBOX "$T"/mail/*.eml
	dd if=/dev/zero of="$SMALL/filler" bs=64k 2>/dev/null
	robot small.ini "$NOW" poll
	rc=$?
	echo "# disk full: $(tr '\n' ' ' <"$T/err")"
	check_eq "disk full: poll exits 1" 1 "$rc"
	check "disk full: the error says the disk is full" \
	    grep -q 'no space left' "$T/err"
	# Room for part of the new mail only.
	truncate -s -160K "$SMALL/filler"
	robot small.ini "$NOW" poll
	rc=$?
	echo "# disk nearly full: $(grep -v ': info: ' "$T/err" | tr '\n' ' ')"
	check_eq "disk full mid-poll: poll exits 1" 1 "$rc"
	check "disk full mid-poll: the error says the disk is full" \
	    grep -qE 'no space left|disk is full' "$T/err"
	check "disk full mid-poll: the message will be taken again" \
	    grep -q 'taken again next time' "$T/err"
	rm -f "$SMALL/filler"
	mid=$(sql "$DB" "SELECT count(*) FROM message")
	echo "# disk full mid-poll: $((mid - before)) of 300 new messages" \
	    "recorded before the disk was full"
	check "disk full mid-poll: not all of the new mail recorded" \
	    test "$mid" -lt $((before + 300))
	check "disk full: the ledger is whole" ledger_whole "$DB"
	robot small.ini "$NOW" poll
	check_eq "room again: poll exits 0" 0 "$?" || show_err
	check_eq "room again: the rest of the mail is taken" \
	    "$((before + 300)) $((before + 300))" \
	    "$(sql "$DB" "SELECT count(*) || ' ' || count(DISTINCT uid)
	    FROM message")"
	check "room again: the ledger is whole" ledger_whole "$DB"
	umount "$SMALL"
	trap servers_stop EXIT
	n=$((n + 300))
else
	echo "# no tmpfs for the disk-full part: $(cat "$T/mount.err")"
	check "a tmpfs can be mounted (run as root)" false
fi

# 5. Bad configuration: one clear line, exit 1 (2 for usage).
badconf() {	# badconf NAME EXPECTED-EXIT EXPECTED-LINE ARGS...
	local name=$1 want=$2 line=$3 rc
	shift 3
	ROBOT_NOW=$NOW "$ROBOT" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	check_eq "$name: exit $want" "$want" "$rc"
	check_eq "$name: the message" "$line" "$(head -n1 "$T/err")"
}
C=$SRV_DIR/bad
mkdir -p "$C"
sed 's/^\[smtp\]$/[smtp/' "$CONF" >"$C/syntax.ini"
line=$(grep -n '^\[smtp$' "$C/syntax.ini" | cut -d: -f1)
badconf "config syntax error" 1 "robot: $C/syntax.ini:$line: syntax error" \
    -c "$C/syntax.ini" poll
sed 's/^from = /frm = /' "$CONF" >"$C/unknown.ini"
line=$(grep -n '^frm = ' "$C/unknown.ini" | cut -d: -f1)
badconf "config unknown key" 1 \
    "robot: $C/unknown.ini:$line: smtp.frm: unknown key" \
    -c "$C/unknown.ini" poll
badconf "config missing" 1 \
    "robot: $C/none.ini: cannot open: No such file or directory" \
    -c "$C/none.ini" poll
echo "$SRV_PASSWORD" >"$C/pw"
chmod 644 "$C/pw"
sed "s|^password = .*|password_file = $C/pw|" "$CONF" >"$C/pwfile.ini"
line=$(grep -n '^password_file' "$C/pwfile.ini" | cut -d: -f1)
badconf "password_file readable by others" 1 \
    "robot: $C/pwfile.ini:$line: imap.password_file: $C/pw is readable by others; chmod 600 it" \
    -c "$C/pwfile.ini" poll
chmod 600 "$C/pw"
robot bad/pwfile.ini "$NOW" status
check_eq "password_file made private: the robot runs" 0 "$?" || show_err
badconf "no configuration given" 2 \
    "robot: no configuration given (-c CONFIG)" poll
badconf "unknown command" 2 "robot: unknown command: frobnicate" \
    -c "$CONF" frobnicate

servers_done
