#!/usr/bin/env bash
# test_crash.sh: `robot poll` killed with SIGKILL at random moments.
#
# A mailbox of at least 300 messages (tests/tools/genmail.py: the story's
# workflow mail, the rules and mail fixtures under fresh Message-IDs, and
# noise), read with ROBOT_NOW a week after the story so reminders are due.
# First an uninterrupted run into a database of its own (its SMTP server
# a closed port, so its mail stays queued) gives the reference.  Then,
# twice, into a fresh database: `poll` is started and killed with SIGKILL
# after a random delay, CRASH_KILLS times (default 25), and a last poll
# finishes.  The second time the SMTP server is stopped once the mailbox
# is all read (the mail it causes about to go out) and started again a
# third of the kills later; later polls (ROBOT_NOW past the back-off)
# deliver what waited.  After each:
#   - every message has one ledger row with an outcome (none 'recorded');
#   - no event is there twice;
#   - `status --json` equals the reference's;
#   - the same mail was queued as in the reference (kind, recipients,
#     subject, case), and every queued mail was sent;
#   - no recipient's mailbox holds a robot mail twice (distinct
#     Message-IDs); copies under the same Message-ID can only come from
#     the documented window (outbox.h) and are counted, not failed;
#   - PRAGMA integrity_check is ok.
#
# The delays come from CRASH_SEED (printed), fixed by default so that two
# runs of `make test` kill at the same moments; CRASH_SEED=random draws a
# new one.  A failure is replayed with CRASH_SEED=n CRASH_KILLS=k
# tests/run crash.
# CRASH_MAIL sets the mailbox size (default 300).  A longer run:
# CRASH_KILLS=200.
#
# Run from anywhere; BUILD names the build directory (default build).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
KILLS=${CRASH_KILLS:-25}
NMAIL=${CRASH_MAIL:-300}
SEED=${CRASH_SEED:-4242}
if [ "$SEED" = random ]; then
	SEED=$(( $(date +%s%N) % 32768 ))
fi
case $SEED in
''|*[!0-9]*) echo "not ok - CRASH_SEED is a number or 'random'"; exit 1 ;;
esac
NOW=2026-12-24T09:30:00+03:00
LATER1=2026-12-24T10:00:00+03:00	# past the first back-offs (5, 15 min)
LATER2=2026-12-24T11:30:00+03:00	# and past the 1 h one

. tests/lib/check.sh
. tests/lib/servers.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi
echo "# seed $SEED, $KILLS kills, $NMAIL messages" \
    "(replay: CRASH_SEED=$SEED CRASH_KILLS=$KILLS)"
RANDOM=$SEED

servers_story crash mehmet.ozturk@example.edu.tr ||
    { echo "not ok - servers start"; exit 1; }

# conf NAME DB [SMTP-PORT]: a copy of the config with its own database
# (and SMTP server).
conf() {
	sed -e "s|^path = .*|path = $SRV_DIR/$2|" \
	    ${3:+-e "s|^url = .*|url = smtp://127.0.0.1:$3|"} \
	    "$CONF" >"$SRV_DIR/$1"
	chmod 600 "$SRV_DIR/$1"
}
closed=$(_srv_free_ports 1)
conf ref.ini ref.db "$closed"
conf crash1.ini crash1.db
conf crash2.ini crash2.db

sql() {		# sql DB QUERY
	sqlite3 -batch -noheader "$SRV_DIR/$1" "$2"
}

n=$(python3 tests/tools/genmail.py "$T/mail" "$NMAIL" "$SEED") ||
    { echo "not ok - genmail.py"; exit 1; }
check "the mailbox has at least 300 messages" test "$n" -ge 300
servers_append robot@example.edu.tr INBOX "$T"/mail/*.eml ||
    { echo "not ok - mail appended"; exit 1; }

# robot CONF NOW ARGS...: stdout and stderr appended to $T/CONF.log.
robot() {
	local c=$1 now=$2
	shift 2
	echo "== $now $*" >>"$T/$c.log"
	ROBOT_NOW=$now "$ROBOT" -c "$SRV_DIR/$c" "$@" >>"$T/$c.log" 2>&1
}

# The reference: one poll, uninterrupted, then the later ones.
t0=$(date +%s%N)
robot ref.ini "$NOW" poll
rc=$?
t1=$(date +%s%N)
full_ms=$(( (t1 - t0) / 1000000 ))
echo "# uninterrupted poll of $n messages: $full_ms ms"
check_eq "reference: poll exits 0 (SMTP unreachable)" 0 "$rc" ||
    tail -n 20 "$T/ref.ini.log" | sed 's/^/    /'
robot ref.ini "$LATER1" poll
robot ref.ini "$LATER2" poll
ROBOT_NOW=$LATER2 "$ROBOT" -c "$SRV_DIR/ref.ini" status --json \
    >"$T/ref.json" 2>>"$T/ref.ini.log"
check_eq "reference: every message in the ledger" "$n" \
    "$(sql ref.db "SELECT count(*) FROM message")"
nout=$(sql ref.db "SELECT count(*) FROM outbox")
echo "# reference: $nout mail(s) queued"
check "reference: reminders were due, mail was queued" test "$nout" -gt 0

# An idle poll (nothing new, nothing due) is the startup: config, TLS,
# login, the empty checks.
t0=$(date +%s%N)
robot ref.ini "$LATER2" poll
t1=$(date +%s%N)
idle_ms=$(( (t1 - t0) / 1000000 ))
echo "# idle poll: $idle_ms ms"

# Delays: each drawn from [lo, lo + span), lo a little under the startup
# and span about twice the work over the kills, so the kills walk through
# the mailbox, then the reminders and the outbox, and some land after the
# end.
lo=$(( idle_ms * 3 / 4 ))
span=$(( 2 * (full_ms - idle_ms) / (KILLS > 0 ? KILLS : 1) ))
[ "$span" -lt 40 ] && span=40

# crash_run CONF [SMTP-DOWN-AT SMTP-UP-AT]: the kills.  Outbox rows a kill
# left 'sending' are listed in $T/NAME.stuck.
crash_run() {
	local c=$1 down=${2:--1} up=${3:--1} i d pid rc before after
	local db=${1%.ini}.db stuck=$T/${1%.ini}.stuck
	local early=0 fetching=0 acting=0 done_=0 ob oa lo=$lo
	: >"$stuck"
	for ((i = 0; i < KILLS; i++)); do
		# down = -2: the server goes when the mailbox is all read,
		# when the mail it causes is about to go out.
		if [ "$down" -eq -2 ] && [ "$(sql "$db" "SELECT count(*)
		    FROM message" 2>/dev/null)" = "$n" ]; then
			down=$i
			up=$((i + KILLS / 3))
		fi
		if [ "$i" -eq "$down" ]; then
			servers_stop_smtp
			echo "# kill $i: SMTP server stopped"
		fi
		if [ "$i" -eq "$up" ]; then
			echo "# kill $i: SMTP server started again; outbox" \
			    "$(sql "$db" "SELECT group_concat(state || '=' ||
			    n, ' ') FROM (SELECT state, count(*) n FROM outbox
			    GROUP BY state)")"
			check_eq "${c%.ini}: no mail failed while SMTP was down" 0 "$(sql "$db" "SELECT
			    count(*) FROM outbox WHERE state = 'failed' AND
			    last_error NOT LIKE '%554%'")"
			servers_start_smtp
		fi
		d=$(( lo + RANDOM % span ))
		before=$(sql "$db" "SELECT count(*) FROM message" 2>/dev/null)
		ob=$(sql "$db" "SELECT group_concat(id || state) FROM outbox" \
		    2>/dev/null)
		echo "== $NOW poll, SIGKILL after $d ms" >>"$T/$c.log"
		ROBOT_NOW=$NOW "$ROBOT" -c "$SRV_DIR/$c" poll \
		    >>"$T/$c.log" 2>&1 &
		pid=$!
		sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"
		kill -KILL "$pid" 2>/dev/null
		# (no "Killed" notice from the shell)
		{ wait "$pid"; } 2>/dev/null
		rc=$?
		after=$(sql "$db" "SELECT count(*) FROM message" 2>/dev/null)
		oa=$(sql "$db" "SELECT group_concat(id || state) FROM outbox" \
		    2>/dev/null)
		sql "$db" "SELECT id FROM outbox WHERE state = 'sending'" \
		    >>"$stuck" 2>/dev/null
		if [ "$rc" -ne 137 ]; then
			done_=$((done_ + 1))
		elif [ "${before:-0}" != "${after:-0}" ]; then
			fetching=$((fetching + 1))
		elif [ "$ob" != "$oa" ]; then
			acting=$((acting + 1))
		else
			# Killed before it changed anything: a loaded machine
			# starts slower than measured; aim later next time.
			early=$((early + 1))
			lo=$((lo + 10))
		fi
		echo "# kill $i: after $d ms, exit $rc, ledger ${before:-0}" \
		    "-> ${after:-0} rows, outbox" \
		    "$(sql "$db" "SELECT group_concat(state || '=' || n, ' ')
		    FROM (SELECT state, count(*) n FROM outbox
		    GROUP BY state)" 2>/dev/null)"
	done
	if [ "$down" -ge 0 ] && [ "$up" -ge "$KILLS" ]; then
		servers_start_smtp
		echo "# SMTP server started again after the kills"
	fi
	echo "# ${c%.ini}: of $KILLS polls, $fetching killed while fetching," \
	    "$acting while acting (reminders, outbox), $early before any" \
	    "change, $done_ finished first"
	check "${c%.ini}: kills landed in the middle of the work" \
	    test $((fetching + acting)) -gt 0
}

# after_run NAME CONF: the checks after the kills and the last polls.
after_run() {
	local name=$1 c=$2 db=${2%.ini}.db u ns ng nboth nsame nunex nfrag
	local total=0 same=0 frag=0

	check_eq "$name: every message has exactly one ledger row" "$n" \
	    "$(sql "$db" "SELECT count(*) FROM message")"
	check_eq "$name: one row per UID" "$n" \
	    "$(sql "$db" "SELECT count(DISTINCT uid) FROM message")"
	check_eq "$name: no message left 'recorded' or without outcome" 0 \
	    "$(sql "$db" "SELECT count(*) FROM message WHERE outcome IS NULL
	    OR outcome = 'recorded'")"
	check_eq "$name: outcomes as in the reference" \
	    "$(sql ref.db "SELECT outcome, count(*) FROM message
	    GROUP BY outcome")" \
	    "$(sql "$db" "SELECT outcome, count(*) FROM message
	    GROUP BY outcome")"
	check_eq "$name: no case event twice" \
	    "$(sql "$db" "SELECT count(*) FROM event")" \
	    "$(sql "$db" "SELECT count(*) FROM (SELECT DISTINCT case_id,
	    request, message_id, kind, step FROM event)")"
	check_eq "$name: as many events of each kind as the reference" \
	    "$(sql ref.db "SELECT kind, count(*) FROM event GROUP BY kind")" \
	    "$(sql "$db" "SELECT kind, count(*) FROM event GROUP BY kind")"

	ROBOT_NOW=$LATER2 "$ROBOT" -c "$SRV_DIR/$c" status --json \
	    >"$T/$name.json" 2>>"$T/$c.log"
	check "$name: status --json equals the uninterrupted run's" \
	    python3 - "$T/ref.json" "$T/$name.json" <<'EOF'
import json, sys
a = json.load(open(sys.argv[1], encoding="utf-8"))
b = json.load(open(sys.argv[2], encoding="utf-8"))
if a != b:
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            print("differs: %s\n  reference: %s\n  this run:  %s" % (k,
                json.dumps(a.get(k), ensure_ascii=False)[:1500],
                json.dumps(b.get(k), ensure_ascii=False)[:1500]))
    sys.exit(1)
EOF
	# What was queued, by content: the Message-IDs are random.
	local q="SELECT kind, ifnull(c.tag, '-'), rcpts, subject FROM outbox o
	    LEFT JOIN cases c ON c.id = o.case_id ORDER BY 1, 2, 3, 4"
	check_eq "$name: the same mail queued as in the reference" \
	    "$(sql ref.db "$q")" "$(sql "$db" "$q")"
	check_eq "$name: every queued mail was handed over (sent or failed)" 0 \
	    "$(sql "$db" "SELECT count(*) FROM outbox
	    WHERE state IN ('queued', 'sending')")"
	echo "# $name: outbox $(sql "$db" "SELECT group_concat(state || '=' ||
	    n, ' ') FROM (SELECT state, count(*) n FROM outbox
	    GROUP BY state)"), attempts $(sql "$db" "SELECT sum(attempts)
	    FROM outbox")"

	# Each recipient's mailbox against the rows sent to them.
	for u in "${users[@]}" mehmet.ozturk@example.edu.tr; do
		[ "$u" = robot@example.edu.tr ] && continue
		servers_fetch_all "$u" INBOX "$T/$name.box/$u" >/dev/null
	done
	python3 tests/tools/mailboxes.py "$SRV_DIR/$db" "$T/$name.box" \
	    "$T/$name.stuck" >"$T/$name.boxes"
	while IFS=$'\t' read -r u ns ng nboth nsame nunex nfrag; do
		check_eq "$name: $u has every mail sent to them" "$ns $ns" \
		    "$ng $nboth"
		check_eq "$name: $u has no robot mail twice, but from the window" \
		    0 "$nunex"
		total=$((total + ng))
		same=$((same + nsame))
		frag=$((frag + nfrag))
	done <"$T/$name.boxes"
	echo "# $name: $total robot mail(s) delivered; $same more copy(ies)" \
	    "under a Message-ID already delivered, each of a row a kill left" \
	    "'sending' (the documented window); $frag fragment(s) of mail cut" \
	    "by a kill during DATA, delivered by the test server"
	check_eq "$name: PRAGMA integrity_check" ok \
	    "$(sql "$db" "PRAGMA integrity_check")"
}

# Clears the recipients' mailboxes between the runs.
clear_mailboxes() {
	local u
	for u in "${users[@]}" mehmet.ozturk@example.edu.tr; do
		[ "$u" = robot@example.edu.tr ] && continue
		_srv_doveadm expunge -u "$u" mailbox INBOX all 2>/dev/null
	done
}

# 1. Kills only.
clear_mailboxes
crash_run crash1.ini
check "crash 1: the last poll finishes" robot crash1.ini "$NOW" poll ||
    tail -n 20 "$T/crash1.ini.log" | sed 's/^/    /'
# The reference went on at later times; so does this run (a row left
# 'sending' by a kill is sent again after OUTBOX_STALE).
robot crash1.ini "$LATER1" poll
robot crash1.ini "$LATER2" poll
after_run crash1 crash1.ini

# 2. Kills, with the SMTP server down in the middle.
clear_mailboxes
crash_run crash2.ini -2
check "crash 2: the last poll finishes" robot crash2.ini "$NOW" poll ||
    tail -n 20 "$T/crash2.ini.log" | sed 's/^/    /'
robot crash2.ini "$LATER1" poll
robot crash2.ini "$LATER2" poll
after_run crash2 crash2.ini
check_eq "crash 2: the outage changed nothing in what was delivered" \
    "$(sql crash1.db "SELECT state, count(*) FROM outbox GROUP BY state")" \
    "$(sql crash2.db "SELECT state, count(*) FROM outbox GROUP BY state")"

servers_done
