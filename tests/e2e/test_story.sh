#!/usr/bin/env bash
# test_story.sh: the whole NES renewal story against a real Dovecot.
#
# Two units, six people, every step of the procedure, in four stages
# (tests/fixtures/story/, written by make-story.py).  For each stage: the
# stage's mail is appended unread to the robot's INBOX, `robot poll` runs
# with the stage's ROBOT_NOW, and `robot status --json` is compared with
# stageN.expected.json, one check per case and per unplaced message.  Then
# a second poll must record nothing, and every ledger row must have been
# examined.  Finally `rules test` runs on every fixture.
#
# Run from anywhere; BUILD names the build directory (default build);
# ROBOT_WRAPPER, when set, is a command the robot is run under.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
# A command put before the robot, e.g. valgrind (tests/valgrind.sh).
WRAP=${ROBOT_WRAPPER:-}
STORY=tests/fixtures/story
JCHECK="python3 tests/lib/json_check.py"

. tests/lib/check.sh
. tests/lib/servers.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi

# Prints a field of a stage's expected file; lists one item a line.
expected() {
	python3 -c '
import json, sys
v = json.load(open(sys.argv[1], encoding="utf-8"))
for k in sys.argv[2:]:
    v = v[k]
if isinstance(v, list):
    print("\n".join(str(x) for x in v))
elif v is not None:
    print(v)' "$@"
}

# The ledger's answer to one SQL query.
ledger() {
	sqlite3 -batch -noheader "$SRV_DIR/robot.db" "$1"
}

# Message-IDs are compared with and without angle brackets: the ledger's
# choice is its own.
mid_in() {
	printf "message_id IN ('%s', '<%s>')" "$1" "$1"
}

mapfile -t users <"$STORY/users.txt"
servers_start "$(mktemp -d "${TMPDIR:-/tmp}/nr-story.XXXXXX")" "${users[@]}" ||
    { echo "not ok - servers start"; exit 1; }
CONF=$SRV_DIR/robot.ini
servers_write_config "$CONF" robot@example.edu.tr
# msmtpd has no STARTTLS, so mail to it goes in the clear (loopback
# only).
grep -q '^tls *=' <(sed -n '/^\[smtp\]/,/^\[/p' "$CONF") ||
    sed -i -e '/^\[smtp\]/a tls = none' "$CONF"

total=0
for stage in 1 2 3 4; do
	exp=$STORY/stage$stage.expected.json
	now=$(expected "$exp" now)
	mapfile -t files < <(expected "$exp" files)
	paths=()
	for f in "${files[@]}"; do
		paths+=("$STORY/stage$stage/$f")
	done
	total=$((total + ${#files[@]}))
	servers_append robot@example.edu.tr INBOX "${paths[@]}" ||
	    { echo "not ok - stage $stage: mail appended"; continue; }

	out=$(ROBOT_NOW=$now $WRAP "$ROBOT" -c "$CONF" poll 2>"$SRV_DIR/poll$stage.err")
	rc=$?
	echo "# stage $stage ($now): $out"
	check_eq "stage $stage: poll exits 0" 0 "$rc" ||
	    sed 's/^/    /' "$SRV_DIR/poll$stage.err"
	check_eq "stage $stage: poll fetched the ${#files[@]} new messages" \
	    "${#files[@]}" \
	    "$(sed -n 's/.* \([0-9]*\) message(s) fetched.*/\1/p' <<<"$out")"

	status=$SRV_DIR/status$stage.json
	ROBOT_NOW=$now $WRAP "$ROBOT" -c "$CONF" status --json >"$status" \
	    2>"$SRV_DIR/status$stage.err"
	check "stage $stage: status --json exits 0 with a JSON object" \
	    python3 -c 'import json, sys; assert isinstance(json.load(
open(sys.argv[1])), dict)' "$status" ||
	    sed 's/^/    /' "$SRV_DIR/status$stage.err"

	while IFS= read -r key; do
		check "stage $stage: request $key" \
		    $JCHECK "$exp" "$status" requests "$key"
	done < <($JCHECK --keys "$exp" requests)
	while IFS= read -r key; do
		check "stage $stage: case $key" \
		    $JCHECK "$exp" "$status" cases "$key"
	done < <($JCHECK --keys "$exp" cases)
	while IFS= read -r mid; do
		want=$(python3 -c '
import json, sys
for u in json.load(open(sys.argv[1]))["unplaced"]:
    if u["message_id"] == sys.argv[2]:
        print(u["outcome"], u.get("_what", ""))' "$exp" "$mid")
		what=${want#* }
		want=${want%% *}
		check "stage $stage: $what <$mid> is $want in status" \
		    $JCHECK "$exp" "$status" unplaced "$mid"
		check_eq "stage $stage: $what <$mid> is $want in the ledger" \
		    "$want" "$(ledger "SELECT outcome FROM message WHERE
		    $(mid_in "$mid") ORDER BY id LIMIT 1")"
	done < <($JCHECK --keys "$exp" unplaced)
	check "stage $stage: nothing else is unplaced or quarantined" \
	    $JCHECK "$exp" "$status" --no-extra

	check_eq "stage $stage: the ledger holds one row per message" \
	    "$total" "$(ledger "SELECT count(*) FROM message")"
	check_eq "stage $stage: every message examined, with a reason" 0 \
	    "$(ledger "SELECT count(*) FROM message WHERE outcome='recorded'
	    OR reason IS NULL OR reason=''")"

	out=$(ROBOT_NOW=$now $WRAP "$ROBOT" -c "$CONF" poll 2>&1)
	check_eq "stage $stage: a second poll records nothing" 0 \
	    "$(sed -n 's/.* \([0-9]*\) recorded.*/\1/p' <<<"$out")"
	check_eq "stage $stage: the second poll adds no ledger row" \
	    "$total" "$(ledger "SELECT count(*) FROM message")"

	case $stage in
	2)
		# The same Kamu SM message twice (CC, then the person's copy
		# redirected): both are in the ledger, one step event.
		mid=20261203091417.51878.bilgi@kamusm.gov.tr
		check_eq "stage 2: both copies of Çağrı's notification in the ledger" \
		    2 "$(ledger "SELECT count(*) FROM message WHERE
		    $(mid_in "$mid")")"
		check_eq "stage 2: Çağrı's notification is one step event" 1 \
		    "$(ledger "SELECT count(*) FROM event WHERE kind='step'
		    AND $(mid_in "$mid")")"
		;;
	3)
		# Ömer's approval came before the mail saying his application
		# was filled: the late one is kept in the history.
		check_eq "stage 3: Ömer's late application_filled is in his history" \
		    1 "$(ledger "SELECT count(*) FROM event e JOIN cases c ON
		    c.id = e.case_id WHERE c.tag = 'NES-2026-0004' AND
		    e.kind = 'step' AND e.step = 'application_filled'")"
		;;
	4)
		# Automatic mail is never answered: no loop with a bounce.
		check_eq "stage 4: no mail queued to MAILER-DAEMON" 0 \
		    "$(ledger "SELECT count(*) FROM outbox WHERE
		    lower(rcpts) LIKE '%mailer-daemon%'")"
		;;
	esac
done

# What the rules make of every fixture on its own: a step, or none.  Each
# as the robot's mailbox holds it, with the MX's stamp (servers_stamp).
for exp in "$STORY"/stage?.expected.json; do
	stage=${exp##*/stage}
	stage=${stage%%.*}
	while IFS=$'\t' read -r f want; do
		servers_stamp "$STORY/stage$stage/$f" >"$SRV_DIR/stamped.eml"
		out=$($WRAP "$ROBOT" -c "$CONF" rules test "$SRV_DIR/stamped.eml" 2>&1)
		rc=$?
		check_eq "rules test stage$stage/$f exits 0" 0 "$rc" ||
		    printf '%s\n' "$out" | head -n 5 | sed 's/^/    /'
		case $want in
		None) ;;
		none)
			check "rules test stage$stage/$f: no rule matched" \
			    grep -qE '^matched: +no rule' <<<"$out" ;;
		automatic)
			check "rules test stage$stage/$f: automatic mail, ignored" \
			    grep -q '^automatic mail' <<<"$out" ;;
		*)
			check "rules test stage$stage/$f: a rule for $want" \
			    grep -qE "^matched: +rule [a-z0-9_]+ -> $want\$" \
			    <<<"$out" ;;
		esac
	done < <(python3 -c '
import json, sys
for f, r in json.load(open(sys.argv[1]))["rules"].items():
    print("%s\t%s" % (f, r))' "$exp")
done

servers_done
