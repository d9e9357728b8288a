#!/usr/bin/env bash
# test_files.sh: the robot's own files and process keep what they hold to
# themselves, against a real Dovecot.
#
# The database, its WAL and shared-memory files and the lock file are
# 0600 (also while `run` holds them), an older database readable by others
# is made private, the lock file is never opened through a symbolic link
# (the file it points to stays as it was), a config holding a password and
# readable by group or others is refused with what to do, core dumps are
# off, and `run` started with password_env logs in, and after a SIGHUP
# logs in again although the variable is gone from its environment.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
STORY=tests/fixtures/story
NOW=2026-12-01T10:00:00+03:00

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

servers_story files || { echo "not ok - servers start"; exit 1; }
DB=$SRV_DIR/robot.db

robot() {
	ROBOT_NOW=$NOW "$ROBOT" -c "$CONF" "$@"
}
wait_for() {	# SECONDS CMD...
	local deadline=$(($(date +%s) + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}
mode() {
	stat -c %a "$1"
}

servers_append robot@example.edu.tr INBOX "$STORY"/stage1/*.eml
check "a poll of the first stage" robot poll
check_eq "the database is 0600" 600 "$(mode "$DB")"
check_eq "the lock file is 0600" 600 "$(mode "$DB.lock")"
LOG=$T/run.log
ROBOT_NOW=$NOW "$ROBOT" -c "$CONF" run 2>"$LOG" &
RPID=$!
check "run connects" wait_for 20 grep -q "imap: connected" "$LOG"
for f in "$DB" "$DB-wal" "$DB-shm" "$DB.lock"; do
	check_eq "$(basename "$f") is 0600 while the robot runs" 600 \
	    "$(mode "$f")"
done
check "core dumps are off" \
    grep -Eq '^Max core file size +0 +0 ' "/proc/$RPID/limits"
kill -TERM "$RPID"
wait_for 20 eval '! kill -0 "$RPID"'
wait "$RPID" 2>/dev/null
RPID=

chmod 644 "$DB"
robot status >/dev/null 2>"$T/status.err"
check_eq "a database readable by others is made private" 600 "$(mode "$DB")"

rm -f "$DB.lock"
echo "not the robot's" >"$T/victim"
ln -s "$T/victim" "$DB.lock"
robot poll >/dev/null 2>"$T/symlink.err"
check_eq "a lock file that is a symbolic link: poll exits 1" 1 $?
check_eq "... saying so" \
    "robot: $DB.lock: cannot open: it is a symbolic link" \
    "$(cat "$T/symlink.err")"
check_eq "... and the file it points to is untouched" "not the robot's" \
    "$(cat "$T/victim")"
rm -f "$DB.lock"

# A config that holds a password is private or refused.
line=$(grep -n '^password = ' "$CONF" | head -n 1 | cut -d: -f1)
chmod 644 "$CONF"
robot status >/dev/null 2>"$T/conf.err"
check_eq "a config with a password readable by others: exits 1" 1 $?
check_eq "... saying what to do" \
    "robot: $CONF:$line: imap.password: $CONF holds a password and is readable by others; chmod 600 it" \
    "$(cat "$T/conf.err")"
chmod 640 "$CONF"
robot status >/dev/null 2>"$T/conf.err"
check_eq "readable by the group: exits 1 too" 1 $?
chmod 600 "$CONF"
check "made private: the robot runs" robot status

# password_env: read, removed, and still known to a reload.
sed -e "s|^password = .*|password_env = NES_TEST_IMAP_PW|" "$CONF" \
    >"$SRV_DIR/env.ini"
chmod 644 "$SRV_DIR/env.ini"	# no password in it: may be read
: >"$LOG"
NES_TEST_IMAP_PW=$SRV_PASSWORD ROBOT_NOW=$NOW "$ROBOT" -c "$SRV_DIR/env.ini" \
    run 2>"$LOG" &
RPID=$!
check "run logs in with the password from the environment" \
    wait_for 20 grep -q "imap: connected" "$LOG"
kill -HUP "$RPID"
check "a reload keeps it, though the variable is gone" \
    wait_for 20 grep -q "reloaded:" "$LOG"
check "and logs in again with it" \
    wait_for 20 eval '[ "$(grep -c "imap: connected" "$LOG")" -ge 2 ]'
kill -TERM "$RPID"
wait_for 20 eval '! kill -0 "$RPID"'
wait "$RPID" 2>/dev/null
RPID=
check "the reload failed nowhere" eval '! grep -q "reload failed" "$LOG"'

servers_done
