#!/usr/bin/env bash
# test_dist.sh: what dist/ ships beside the binary.
#
# The man page robot(8) names every command of `robot --help' and every
# key of robot/cfg.c's table (and of config.example.ini), and nothing
# else, so that it cannot fall behind them; it renders without a warning.
# The systemd unit has the hardening the README promises, and
# systemd-analyze (where it is installed) verifies it and rates its
# exposure.  tests/e2e/test_install.sh checks the installed copies.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
MAN=dist/robot.8
UNIT=dist/nes-robot.service

. tests/lib/check.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/nr-dist.XXXXXX")
trap 'rm -rf "$T"' EXIT

# --- the man page
"$ROBOT" --help >"$T/help"
check_eq "the man page names every command and key, and no other" "" \
    "$(python3 tests/lib/man_check.py "$MAN" robot/cfg.c config.example.ini \
    "$T/help" 2>&1)"
# preconv (-k) reads the page's UTF-8 as man(1) does.
groff -k -man -ww -z -Tutf8 "$MAN" >"$T/groff" 2>&1
check_eq "groff renders it without a warning" "0:" "$?:$(cat "$T/groff")"
if command -v mandoc >/dev/null; then
	check_eq "mandoc -T lint finds nothing" "" \
	    "$(mandoc -T lint -W warning "$MAN" 2>&1)"
fi

# The checker itself: a page that lost a key and a command, and a usage
# with a command the page lacks, are each caught.
sed -e '/^\.B max_form_rows$/,+1d' -e '/^\.B reprocess$/,+1d' "$MAN" \
    >"$T/stale.8"
python3 tests/lib/man_check.py "$T/stale.8" robot/cfg.c config.example.ini \
    "$T/help" >"$T/stale.out"
check "... a missing key is caught" grep -qx \
    "key missing from the man page: limits.max_form_rows" "$T/stale.out"
check "... a missing command is caught" grep -qx \
    "command missing from the man page: reprocess" "$T/stale.out"
{ cat "$T/help"; echo "  forget               forget old cases"; } >"$T/help2"
python3 tests/lib/man_check.py "$MAN" robot/cfg.c config.example.ini \
    "$T/help2" >"$T/new.out"
check "... a new command is caught" grep -qx \
    "command missing from the man page: forget" "$T/new.out"

# --- the unit's keys, read the way systemd reads them (last one wins,
# an empty value resets a list)
unit_key() {
	python3 - "$UNIT" "$1" <<'EOF'
import sys
path, want = sys.argv[1:3]
section, vals, seen = None, [], False
for line in open(path, encoding="utf-8"):
    line = line.strip()
    if not line or line[0] in "#;":
        continue
    if line.startswith("["):
        section = line
        continue
    k, _, v = line.partition("=")
    if section == "[Service]" and k == want:
        seen = True
        vals = [] if v == "" else vals + [v]
print("|".join(vals) if vals else "(empty)" if seen else "(unset)")
EOF
}
check_eq "User" "nes-robot" "$(unit_key User)"
check_eq "UMask" "0077" "$(unit_key UMask)"
check_eq "ProtectSystem" "strict" "$(unit_key ProtectSystem)"
check_eq "ReadWritePaths" "/var/lib/nes-robot" "$(unit_key ReadWritePaths)"
check_eq "StateDirectory" "nes-robot" "$(unit_key StateDirectory)"
check_eq "NoNewPrivileges" "yes" "$(unit_key NoNewPrivileges)"
check_eq "PrivateTmp" "yes" "$(unit_key PrivateTmp)"
check_eq "ProtectHome" "yes" "$(unit_key ProtectHome)"
check_eq "ProtectKernelTunables, Modules, Logs" "yes yes yes" \
    "$(unit_key ProtectKernelTunables) $(unit_key ProtectKernelModules) $(unit_key ProtectKernelLogs)"
check_eq "RestrictAddressFamilies" "AF_INET AF_INET6 AF_UNIX" \
    "$(unit_key RestrictAddressFamilies)"
check_eq "CapabilityBoundingSet is empty" "(empty)" \
    "$(unit_key CapabilityBoundingSet)"
check_eq "SystemCallFilter" "@system-service|~@privileged @resources" \
    "$(unit_key SystemCallFilter)"
check_eq "ExecStart" "/usr/local/sbin/robot -c /etc/nes-robot/robot.ini run" \
    "$(unit_key ExecStart)"
check_eq "ExecReload sends SIGHUP" '/bin/kill -HUP $MAINPID' \
    "$(unit_key ExecReload)"
check_eq "Restart" "on-failure" "$(unit_key Restart)"

if command -v systemd-analyze >/dev/null; then
	# ExecStart must name an executable for verify: the built robot.
	sed "s|/usr/local/sbin/robot|$PWD/$ROBOT|" "$UNIT" >"$T/nes-robot.service"
	check "systemd-analyze verify accepts the unit" \
	    systemd-analyze verify --man=no "$T/nes-robot.service"
	systemd-analyze security --offline=true "$T/nes-robot.service" \
	    >"$T/security" 2>&1
	score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' \
	    "$T/security")
	echo "# systemd-analyze security: ${score:-none}"
	check "... and rates its exposure under 2.0 (OK)" \
	    awk -v s="${score:-99}" 'BEGIN { exit !(s < 2.0) }'
else
	echo "# systemd-analyze is not installed: the keys above are the check"
fi

check_done
