#!/usr/bin/env bash
# test_purge.sh: retention (KVKK) end to end.
#
# The story of test_story.sh is polled into a real Dovecot; BİDB closes
# the two cases of the first request that were still open
# (tests/fixtures/purge/).  Then:
#  - one person asks to be forgotten: `purge --case` refuses an open case
#    and anonymises Ömer's closed one, taking him out of the form his
#    colleagues' open cases still need;
#  - the clock moves past [retention] cases: `purge --dry-run` changes
#    nothing, `purge` anonymises the other closed cases and empties every
#    message no open case needs;
#  - the purged people are looked for in every column of every table and
#    in the bytes of the database and its WAL: no T.C. Kimlik No, name (as
#    written, in capitals, without Turkish letters), address or phone;
#  - the open cases, their history and the mail they need are as before;
#  - a second purge finds nothing, and a later poll of a message the
#    purge emptied records it as a duplicate (the daily purge of that
#    poll then empties the copy too).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
STORY=tests/fixtures/story

. tests/lib/check.sh
. tests/lib/servers.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi

servers_story purge || { echo "not ok - servers start"; exit 1; }
DB=$SRV_DIR/robot.db

sql() {
	sqlite3 -batch -noheader "$DB" "$1"
}

# Every row of the tables that hold the open cases' own data.
open_state() {
	sql "SELECT * FROM cases WHERE step <> 'closed' ORDER BY id;
	    SELECT * FROM event WHERE case_id IN (SELECT id FROM cases
	    WHERE step <> 'closed') ORDER BY id;
	    SELECT * FROM request WHERE id IN (SELECT request FROM cases
	    WHERE step <> 'closed') ORDER BY id"
}

# Where VALUE is still found: "table.column" for every column of every
# table that holds it (case-insensitively for ASCII), and the files among
# the database, its WAL and its shared memory that hold its bytes.
found() {
	python3 - "$DB" "$1" <<'EOF'
import os, sqlite3, sys
path, value = sys.argv[1:3]
db = sqlite3.connect(path)
hits = []
for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
    cols = [r[1] for r in db.execute("SELECT * FROM pragma_table_info(?)",
        (t,))]
    for row in db.execute('SELECT * FROM "%s"' % t):
        for c, v in zip(cols, row):
            if isinstance(v, bytes):
                v = v.decode("utf-8", "replace")
            if isinstance(v, str) and value.lower() in v.lower():
                hits.append("%s.%s" % (t, c))
db.close()
for suffix in ("", "-wal", "-shm"):
    f = path + suffix
    if os.path.exists(f) and value.encode() in open(f, "rb").read():
        hits.append(os.path.basename(f))
print(" ".join(sorted(set(hits))))
EOF
}

# "" when nothing of the person (T.C. Kimlik No, its masked form, name as
# written, upper case, ASCII, address, phone) is left anywhere.
traces() {
	local tckn=$1 mask out=""
	shift
	mask=${tckn:0:3}******${tckn:9:2}
	for v in "$tckn" "$mask" "$@"; do
		f=$(found "$v")
		[ -n "$f" ] && out="$out$v: $f; "
	done
	printf '%s' "$out"
}

# --- the story, then BİDB closes İsmail's and Gülşen's cases
for stage in 1 2 3 4; do
	exp=$STORY/stage$stage.expected.json
	now=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["now"])' "$exp")
	mapfile -t files < <(python3 -c 'import json, sys
print("\n".join(json.load(open(sys.argv[1]))["files"]))' "$exp")
	paths=()
	for f in "${files[@]}"; do
		paths+=("$STORY/stage$stage/$f")
	done
	servers_append robot@example.edu.tr INBOX "${paths[@]}"
	ROBOT_NOW=$now "$ROBOT" -c "$CONF" poll >/dev/null 2>"$T/poll$stage.err"
	check_eq "stage $stage polled" 0 "$?" || sed 's/^/    /' "$T/poll$stage.err"
done
# A reader keeps the database open from here to the person's purge, as
# `run` does: the WAL then outlives each command, with the pages they
# wrote (and the people in them) unless the purge empties it.
touch "$T/hold"
python3 -c 'import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("SELECT count(*) FROM cases").fetchall()
open(sys.argv[2] + ".up", "w").close()
while os.path.exists(sys.argv[2]):
    os.system("sleep 0.1")' "$DB" "$T/hold" &
holder=$!
for _ in $(seq 100); do
	[ -e "$T/hold.up" ] && break
	sleep 0.1
done
check "a reader holds the database open" test -e "$T/hold.up"
servers_append robot@example.edu.tr INBOX tests/fixtures/purge/*.eml
ROBOT_NOW=2026-12-21T10:00:00+03:00 "$ROBOT" -c "$CONF" poll >/dev/null \
    2>"$T/poll5.err"
check_eq "BİDB's closing mail polled" 0 "$?" || sed 's/^/    /' "$T/poll5.err"
check_eq "closed: Ayşe, İsmail, Gülşen (48213) and Ömer (48391)" \
    "NES-2026-0001 NES-2026-0002 NES-2026-0003 NES-2026-0004" \
    "$(sql "SELECT group_concat(tag, ' ') FROM (SELECT tag FROM cases
    WHERE step = 'closed' ORDER BY id)")"
check_eq "open: Işıl and Çağrı (48391)" "NES-2026-0005 NES-2026-0006" \
    "$(sql "SELECT group_concat(tag, ' ') FROM (SELECT tag FROM cases
    WHERE step <> 'closed' ORDER BY id)")"

check_eq "the database is readable by its owner alone" 600 \
    "$(stat -c %a "$DB")"
chmod 640 "$DB"
ROBOT_NOW=2026-12-21T10:00:00+03:00 "$ROBOT" -c "$CONF" status \
    >/dev/null 2>"$T/err"
check "a database others may read is made private, and said in the log" \
    grep -q "robot.db was readable by others: made private (0600)" "$T/err"
check_eq "... mode 600 again" 600 "$(stat -c %a "$DB")"
chmod 600 "$DB"

tckn_of() {
	sql "SELECT tckn FROM cases WHERE tag = '$1'"
}
AYSE=$(tckn_of NES-2026-0001)
ISMAIL=$(tckn_of NES-2026-0002)
GULSEN=$(tckn_of NES-2026-0003)
OMER=$(tckn_of NES-2026-0004)
ISIL=$(tckn_of NES-2026-0005)
CAGRI=$(tckn_of NES-2026-0006)
OMER_ALL=("Ömer Şahin" "ÖMER ŞAHİN" "Omer Sahin" omer.sahin@example.edu.tr
    "0533 905 64 21")
CLOSED_ALL=("$AYSE" "Ayşe Yılmaz" "AYŞE YILMAZ" "Ayse Yilmaz"
    ayse.yilmaz@example.edu.tr "0532 418 27 63"
    "$ISMAIL" "İsmail Çelik" "İSMAİL ÇELİK" "Ismail Celik"
    ismail.celik@example.edu.tr "0505 341 92 17"
    "$GULSEN" "Gülşen Öztürk" "GÜLŞEN ÖZTÜRK" "Gulsen Ozturk"
    gulsen.ozturk@example.edu.tr "0543 276 18 40")
# The checks below must be able to see a person: before any purge they do.
check "before: Ömer's T.C. Kimlik No is found in tables and in the file" \
    test -n "$(traces "$OMER")"
check "before: Ayşe's name is found" test -n "$(found "Ayşe Yılmaz")"
messages=$(sql "SELECT count(*) FROM message")
open_before=$(open_state)

# --- one person's request
ROBOT_NOW=2026-12-22T10:00:00+03:00 "$ROBOT" -c "$CONF" purge \
    --case "$ISIL" >"$T/out" 2>"$T/err"
check_eq "purge --case refuses an open case (exit 1)" 1 "$?"
check "... and says so" grep -q "NES-2026-0005 is open (cargo_shipped)" \
    "$T/err"
check_eq "... changing nothing" "$open_before" "$(open_state)"
ROBOT_NOW=2026-12-22T10:00:00+03:00 "$ROBOT" -c "$CONF" purge \
    --case nobody@example.edu.tr >/dev/null 2>"$T/err"
check_eq "purge --case with no such case exits 1" 1 "$?"

ROBOT_NOW=2026-12-22T10:00:00+03:00 "$ROBOT" -c "$CONF" purge --dry-run \
    --case omer.sahin@example.edu.tr >"$T/out" 2>"$T/err"
check_eq "purge --dry-run --case exits 0" 0 "$?"
check "... says what it would do" grep -q \
    "dry run.*1 case(s) anonymised (NES-2026-0004)" "$T/out"
check_eq "... and leaves Ömer in place" "$OMER" "$(tckn_of NES-2026-0004)"
ROBOT_NOW=2026-12-22T10:00:00+03:00 "$ROBOT" -c "$CONF" purge \
    --case omer.sahin@example.edu.tr >"$T/out" 2>"$T/err"
check_eq "purge --case omer.sahin@… exits 0" 0 "$?" || cat "$T/err"
echo "# $(cat "$T/out")"
check "... anonymises his case alone" grep -q \
    "^purge: 1 case(s) anonymised (NES-2026-0004), 0 request(s)" "$T/out"
check "... and logs it with its counts" grep -q \
    "purge on request: 1 case(s) anonymised (NES-2026-0004)" "$T/err"
check_eq "Ömer is nowhere: tables, database file, WAL" "" \
    "$(traces "$OMER" "${OMER_ALL[@]}")"
check_eq "the WAL the reader kept is emptied" 0 "$(stat -c %s "$DB-wal")"
rm -f "$T/hold"
wait "$holder"
check_eq "his case keeps its tag, unit, step and dates" \
    "NES-2026-0004|İktisadi ve İdari Bilimler Fakültesi|closed|1|1" \
    "$(sql "SELECT tag, unit, step, step_t > 0, purged_t > 0 FROM cases
    WHERE tag = 'NES-2026-0004'")"
check "robot case shows it anonymised" grep -q \
    "^2026-12-22 tarihinde anonimleştirildi" <(ROBOT_NOW=2026-12-22T10:00:00+03:00 \
    "$ROBOT" -c "$CONF" case NES-2026-0004)
check_eq "the open cases, their history and request are untouched" \
    "$open_before" "$(open_state)"
check_eq "the form they need keeps its text, Işıl and Çağrı in it" 1 \
    "$(sql "SELECT count(*) FROM message_text WHERE body LIKE '%$ISIL%'
    AND body LIKE '%$CAGRI%' AND body LIKE '%[silindi]%'")"

# --- the retention purge, past [retention] cases (730 days) after closing
LATER=2029-01-10T10:00:00+03:00
dump_before=$(sql .dump | md5sum)
ROBOT_NOW=$LATER "$ROBOT" -c "$CONF" purge --dry-run >"$T/out" 2>"$T/err"
check_eq "purge --dry-run exits 0" 0 "$?" || cat "$T/err"
echo "# $(cat "$T/out")"
check "... says it would anonymise the three closed cases left" grep -q \
    "would be: 3 case(s) anonymised (NES-2026-0001 NES-2026-0002 NES-2026-0003), 1 request(s) anonymised" \
    "$T/out"
check_eq "... and changes nothing" "$dump_before" "$(sql .dump | md5sum)"

ROBOT_NOW=$LATER "$ROBOT" -c "$CONF" purge >"$T/out" 2>"$T/err"
check_eq "purge exits 0" 0 "$?" || cat "$T/err"
echo "# $(cat "$T/out")"
check "... anonymises them and the request of 48213" grep -q \
    "^purge: 3 case(s) anonymised (NES-2026-0001 NES-2026-0002 NES-2026-0003), 1 request(s) anonymised" \
    "$T/out"
check "... and logs its counts" grep -q "purge: 3 case(s) anonymised" "$T/err"

check_eq "no trace of Ayşe, İsmail, Gülşen: tables, database file, WAL" "" \
    "$(for v in "${CLOSED_ALL[@]}"; do f=$(found "$v"); [ -n "$f" ] &&
    printf '%s: %s; ' "$v" "$f"; done)"
check_eq "nor of Ömer" "" "$(traces "$OMER" "${OMER_ALL[@]}")"
check_eq "the closed cases have no personal field left" 0 \
    "$(sql "SELECT count(*) FROM cases WHERE step = 'closed' AND
    coalesce(name, name_key, tckn, email, title, phone, bounced) IS NOT
    NULL")"
check_eq "request 48213 keeps its ticket and unit, not its requester" \
    "48213|Mühendislik Fakültesi||" \
    "$(sql "SELECT ticket, unit, requester, requester_email FROM request
    WHERE ticket = '48213'")"
check_eq "every message keeps its row" "$messages" \
    "$(sql "SELECT count(*) FROM message")"
check_eq "the emptied ones keep Message-ID, hash and outcome" 0 \
    "$(sql "SELECT count(*) FROM message WHERE purged_t IS NOT NULL AND
    (message_id IS NULL OR hash IS NULL OR outcome IN ('', 'recorded'))")"
check_eq "and lose text, attachments, addresses and subject" 0 \
    "$(sql "SELECT count(*) FROM message m WHERE purged_t IS NOT NULL AND
    (EXISTS (SELECT 1 FROM message_text t WHERE t.message = m.id)
    OR EXISTS (SELECT 1 FROM attachment a WHERE a.message = m.id)
    OR coalesce(from_hdr, from_addr, to_hdr, cc_hdr, to_addrs, subject)
    IS NOT NULL)")"
check_eq "what the open cases need keeps its text" 0 \
    "$(sql "SELECT count(*) FROM event e JOIN cases c ON c.id = e.case_id
    WHERE c.step <> 'closed' AND e.message IS NOT NULL AND NOT EXISTS
    (SELECT 1 FROM message_text t WHERE t.message = e.message)")"
# Their own data is untouched; the one history line that also named
# İsmail (Yazı İşleri's cargo mail covered both) names him no more.
check_eq "the open cases, their history and request are still untouched" \
    "$(sed 's/İsmail Çelik/[silindi]/g' <<<"$open_before")" "$(open_state)"
check_eq "sent mail older than 30 days is emptied" 0 \
    "$(sql "SELECT count(*) FROM outbox WHERE state = 'sent' AND
    (length(data) > 0 OR rcpts <> '')")"
check_eq "status lists no emptied message" "[]" \
    "$(ROBOT_NOW=$LATER "$ROBOT" -c "$CONF" status --json | python3 -c \
    'import json, sys; print(json.load(sys.stdin)["unplaced"])')"

dump_before=$(sql .dump | md5sum)
ROBOT_NOW=$LATER "$ROBOT" -c "$CONF" purge >"$T/out" 2>"$T/err"
check_eq "a second purge exits 0" 0 "$?"
check_eq "... finds nothing" "purge: nothing to purge" "$(cat "$T/out")"
check_eq "... and changes nothing" "$dump_before" "$(sql .dump | md5sum)"

# --- a message the purge emptied comes again
FORM=$STORY/stage1/02-form-48213-xlsx.eml
mid=$(sed -n 's/^Message-ID: *<\(.*\)>.*/\1/Ip' "$FORM" | head -n 1)
form=$(sql "SELECT id FROM message WHERE message_id IN ('$mid', '<$mid>')
    AND purged_t IS NOT NULL")
check "the first form's message was emptied" test -n "$form"
servers_append robot@example.edu.tr INBOX "$FORM"
out=$(ROBOT_NOW=2029-01-11T10:00:00+03:00 "$ROBOT" -c "$CONF" poll 2>"$T/err")
check_eq "a later poll exits 0" 0 "$?" || cat "$T/err"
check "... fetches the copy as a duplicate" grep -q \
    "1 message(s) fetched, 1 recorded (1 duplicate)" <<<"$out"
check_eq "... recorded as a duplicate of the emptied message" \
    "duplicate|$form" "$(sql "SELECT outcome, duplicate_of FROM message
    WHERE id = (SELECT max(id) FROM message)")"
check_eq "... making no case" 6 "$(sql "SELECT count(*) FROM cases")"
check "... and the poll's daily purge empties the copy" grep -q \
    "purge: 0 case(s) anonymised, 0 request(s) anonymised, 1 message(s) emptied" \
    "$T/err"
check_eq "so nothing of the copy's sender stays" "" \
    "$(sql "SELECT coalesce(from_hdr, '') || coalesce(subject, '') FROM
    message WHERE id = (SELECT max(id) FROM message)")"
check_eq "the daily purge ran once today" 20290111 \
    "$(sql "SELECT value FROM counter WHERE name = 'purge_day'")"

servers_done
