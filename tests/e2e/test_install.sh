#!/usr/bin/env bash
# test_install.sh: the robot finds its data from any directory, and `make
# install` gives a robot that runs from anywhere.
#
# 1. The robot built in the tree, started from / with a config that names
#    no rules_dir, templates_dir or holidays_file, finds them in the source
#    tree it was built from (it used to fail with "rules/holidays.txt:
#    cannot open"); relative paths in a config are taken from the config
#    file's directory.
# 2. `make install DESTDIR=D` (PREFIX /usr/local) puts every file in its
#    place under D, nothing under D/etc or D/var, and compiles in
#    /usr/local/share/nes-robot, not D; `make uninstall` takes it all away.
# 3. The installed robot runs against the private Dovecot and msmtpd from
#    /: poll, status, rules check, templates check.
#
# Why PREFIX and not DESTDIR for 3: DESTDIR is only put in front of the
# paths files are copied to; the robot compiles in PREFIX's data directory.
# A robot installed with DESTDIR=D would look in /usr/local/share/nes-robot
# itself, which on this machine is either missing (so the test could not
# run it) or holds some other install (so the test would prove nothing).
# The test installs with PREFIX=R/usr/local and DESTDIR empty instead, R
# standing for the root of a machine: the binary's compiled-in directory
# is then where its data really is, in a directory no other robot knows,
# and its config is R/etc/nes-robot/robot.ini.  Part 2 checks DESTDIR on
# its own.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$PWD
BUILD=${BUILD:-build}
ROBOT=$TOP/$BUILD/robot
STORY=tests/fixtures/story

. tests/lib/check.sh
. tests/lib/servers.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi

mapfile -t users <"$STORY/users.txt"
servers_start "$(mktemp -d "${TMPDIR:-/tmp}/nr-inst.XXXXXX")" "${users[@]}" ||
    { echo "not ok - servers start"; exit 1; }
export ROBOT_NOW=2026-12-04T10:00:00+03:00

# A config with no [robot] paths: the data comes from the data directory.
write_config() {	# FILE DATABASE
	servers_write_config "$1" robot@example.edu.tr
	sed -i -e '/^\[smtp\]/a tls = none' -e "s|^path = .*|path = $2|" "$1"
	chmod 600 "$1"
}

# --- 1. the robot built in the tree, from another directory
CONF=$SRV_DIR/robot.ini
write_config "$CONF" "$SRV_DIR/robot.db"
check_eq "--version names the source tree as the data directory" \
    "data directory: $TOP" "$("$ROBOT" --version | sed -n 2p)"
(cd / && "$ROBOT" -c "$CONF" status) >"$SRV_DIR/st1" 2>&1
check_eq "robot -c /path/robot.ini status from / exits 0" 0 $?
check "... without 'cannot open'" bash -c '! grep -q "cannot open" "$1"' _ \
    "$SRV_DIR/st1"
(cd / && "$ROBOT" -c "$CONF" rules check) >"$SRV_DIR/rc1" 2>&1
check "rules check from / uses the tree's rules and templates" grep -qF \
    "compiled from $TOP/rules; templates in $TOP/templates are good" \
    "$SRV_DIR/rc1"

# Relative paths in the config are the config directory's, not the
# current one's.
mkdir -p "$SRV_DIR/etc/rules" "$SRV_DIR/etc/tmpl"
cp rules/* "$SRV_DIR/etc/rules/"
cp templates/*.tmpl "$SRV_DIR/etc/tmpl/"
write_config "$SRV_DIR/etc/robot.ini" robot.db
printf '[robot]\nrules_dir = rules\ntemplates_dir = tmpl\n' \
    >>"$SRV_DIR/etc/robot.ini"
(cd / && "$ROBOT" -c "$SRV_DIR/etc/robot.ini" rules check) \
    >"$SRV_DIR/rc2" 2>&1
check "relative rules_dir and templates_dir are the config's directory's" \
    grep -qF "compiled from $SRV_DIR/etc/rules; templates in $SRV_DIR/etc/tmpl" \
    "$SRV_DIR/rc2"
check "... and so is the database" test -f "$SRV_DIR/etc/robot.db"
check "... and the default holidays file stays the data directory's" \
    bash -c '! grep -q "cannot open" "$1"' _ "$SRV_DIR/rc2"

# --- 2. make install DESTDIR=D, and make uninstall
D=$SRV_DIR/dest
make -s install DESTDIR="$D" BUILD="$BUILD" >"$SRV_DIR/make1" 2>&1
check_eq "make install DESTDIR=D exits 0" 0 $?
for f in sbin/robot share/nes-robot/rules/nes.rules \
    share/nes-robot/rules/holidays.txt share/nes-robot/templates/digest.tmpl \
    share/man/man8/robot.8 lib/systemd/system/nes-robot.service \
    share/doc/nes-robot/config.example.ini; do
	check "... installs /usr/local/$f" test -f "$D/usr/local/$f"
done
check_eq "... every template" "$(ls templates | sort)" \
    "$(ls "$D/usr/local/share/nes-robot/templates" | sort)"
check_eq "... the binary executable by all, the data readable by all" \
    "755 644 644" "$(stat -c %a "$D/usr/local/sbin/robot" \
    "$D/usr/local/share/nes-robot/rules/nes.rules" \
    "$D/usr/local/share/man/man8/robot.8" | tr '\n' ' ' | sed 's/ $//')"
check_eq "... nothing outside PREFIX (no /etc, no /var)" "usr" "$(ls "$D")"
check_eq "... a binary that looks in PREFIX, not in DESTDIR" \
    "data directory: /usr/local/share/nes-robot" \
    "$("$D/usr/local/sbin/robot" --version | sed -n 2p)"
make -s uninstall DESTDIR="$D" BUILD="$BUILD" >"$SRV_DIR/make2" 2>&1
check_eq "make uninstall DESTDIR=D exits 0" 0 $?
check_eq "... and leaves no file behind" "" "$(find "$D" -type f)"
check "... nor the robot's own directories" bash -c \
    '! test -e "$1/usr/local/share/nes-robot" &&
     ! test -e "$1/usr/local/share/doc/nes-robot"' _ "$D"

# --- 3. the installed robot, from /
R=$SRV_DIR/root
P=$R/usr/local
make -s install PREFIX="$P" BUILD="$BUILD" >"$SRV_DIR/make3" 2>&1
check_eq "make install PREFIX=R/usr/local exits 0" 0 $?
check_eq "... a robot whose data directory is PREFIX/share/nes-robot" \
    "data directory: $P/share/nes-robot" \
    "$("$P/sbin/robot" --version | sed -n 2p)"
mkdir -p "$R/etc/nes-robot" "$R/var/lib/nes-robot"
ICONF=$R/etc/nes-robot/robot.ini
write_config "$ICONF" "$R/var/lib/nes-robot/robot.db"
check_eq "the config is mode 600 and names no data path" "600 0" \
    "$(stat -c %a "$ICONF") $(grep -c '_dir\|holidays' "$ICONF")"

irobot() {
	(cd / && "$P/sbin/robot" -c "$ICONF" "$@")
}
servers_append robot@example.edu.tr INBOX \
    "$STORY/stage1/01-bys-ticket-48213.eml" \
    "$STORY/stage1/02-form-48213-xlsx.eml"
irobot poll >"$SRV_DIR/poll" 2>&1
check_eq "the installed robot polls from / (exit 0)" 0 $?
DB=$R/var/lib/nes-robot/robot.db
ledger() {
	sqlite3 -batch -noheader "$DB" "$1"
}
check_eq "... its rules place the ticket and the form" "applied applied" \
    "$(ledger "SELECT outcome FROM message ORDER BY id" | tr '\n' ' ' |
    sed 's/ $//')"
check_eq "... the form makes three cases" 3 \
    "$(ledger "SELECT count(*) FROM cases")"
check_eq "... its templates make the acknowledgement, which is sent" \
    "sent" \
    "$(ledger "SELECT state FROM outbox WHERE kind = 'ack_unit_head.tmpl'")"
irobot status >"$SRV_DIR/status" 2>&1
check_eq "status from / exits 0" 0 $?
check "... and lists the cases" grep -q "Talep formu alındı" "$SRV_DIR/status"
irobot rules check >"$SRV_DIR/rc3" 2>&1
check_eq "rules check from / exits 0" 0 $?
check "... with the installed rules and templates" grep -qF \
    "compiled from $P/share/nes-robot/rules; templates in $P/share/nes-robot/templates are good" \
    "$SRV_DIR/rc3"
irobot templates check >"$SRV_DIR/tc" 2>&1
check_eq "templates check from / exits 0" 0 $?
check "... with the installed templates" grep -qxF \
    "templates in $P/share/nes-robot/templates are good" "$SRV_DIR/tc"

# The data directory is the installed one alone: without it the robot
# fails, naming it.
mv "$P/share/nes-robot" "$P/share/nes-robot.away"
irobot status >/dev/null 2>"$SRV_DIR/gone"
check_eq "without its data directory, status exits 1" 1 $?
check "... naming the installed holidays file" grep -qF \
    "$P/share/nes-robot/rules/holidays.txt: cannot open" "$SRV_DIR/gone"
mv "$P/share/nes-robot.away" "$P/share/nes-robot"

# The unit and the man page name the installed binary and data.
check_eq "the installed unit starts the installed robot" \
    "ExecStart=$P/sbin/robot -c /etc/nes-robot/robot.ini run" \
    "$(grep '^ExecStart=' "$P/lib/systemd/system/nes-robot.service")"
check_eq "the installed man page names the installed data directory" \
    "$(grep -c "/usr/local/share/nes-robot" dist/robot.8)" \
    "$(grep -c "$P/share/nes-robot" "$P/share/man/man8/robot.8")"
if command -v systemd-analyze >/dev/null; then
	check "systemd-analyze verify accepts the installed unit" \
	    systemd-analyze verify --man=no \
	    "$P/lib/systemd/system/nes-robot.service"
fi

make -s uninstall PREFIX="$P" BUILD="$BUILD" >"$SRV_DIR/make4" 2>&1
check_eq "make uninstall leaves nothing under PREFIX" "" "$(find "$P" -type f)"
check "... and keeps the config and the database" test -f "$ICONF" -a -f "$DB"

servers_done
