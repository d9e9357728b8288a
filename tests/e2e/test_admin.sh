#!/usr/bin/env bash
# test_admin.sh: an administrator's corrections, through the real binary
# and a real Dovecot and SMTP server, on the story's six cases.
#
#   - `case FIND` finds a case by a name written without Turkish letters
#     and by its ticket (several: listed, exit 1);
#   - `status` narrows by unit (through units.txt: "Müh. Fak."), step and
#     lateness, and writes CSV (BOM, CRLF, masked T.C. Kimlik Nos);
#   - pause stops a case's reminders and resume brings them back; step,
#     close, cancel, left, set (checked values, the old one in the
#     history), merge and attach each change the case, are refused when
#     they make no sense, and are in the history with who and why;
#   - BİDB cancels a case by mail ("iptal"): in a reply to the robot's
#     reminder, and in a mail naming the case's tag; "iptal edilmedi"
#     cancels nothing;
#   - a correction while `robot run` is up works; one while another
#     process holds the database's write lock past the busy timeout is
#     refused with a clear message and changes nothing.
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

RPID=
LPID=
stop_on_exit() {
	for p in "$RPID" "$LPID"; do
		if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
			kill -9 "$p" 2>/dev/null
		fi
	done
}
trap stop_on_exit EXIT

servers_story adm || { echo "not ok - servers start"; exit 1; }
DB=$SRV_DIR/robot.db
unset SUDO_USER

ledger() {
	sqlite3 -batch -noheader "$DB" "$1"
}
robot() {
	"$ROBOT" -c "$CONF" "$@"
}
# The column of the case with tag $1.
field() {
	ledger "SELECT $2 FROM cases WHERE tag = '$1'"
}
# A file of the story, or several.
stage() {
	local n=$1
	shift
	for f in "$@"; do
		printf '%s\n' "$STORY/stage$n/$f"
	done
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

# --- the story's first two stages: six cases, each notified by Kamu SM
export ROBOT_NOW=2026-12-04T10:00:00+03:00
mapfile -t files < <(ls "$STORY"/stage1/*.eml "$STORY"/stage2/*.eml)
servers_append robot@example.edu.tr INBOX "${files[@]}"
check "poll of the first two stages exits 0" robot poll
check_eq "six cases at kamusm_notified" 6 \
    "$(ledger "SELECT count(*) FROM cases WHERE step = 'kamusm_notified'")"
A=NES-2026-0001		# Ayşe Yılmaz, Mühendislik Fakültesi, ticket 48213
I=NES-2026-0002		# İsmail Çelik
G=NES-2026-0003		# Gülşen Öztürk
O=NES-2026-0004		# Ömer Şahin, İktisadi ve İdari Bilimler, 48391
S=NES-2026-0005		# Işıl Doğan
C=NES-2026-0006		# Çağrı Güneş
check_eq "the story's tags" "Ayşe Yılmaz|Çağrı Güneş" \
    "$(field $A name)|$(field $C name)"

# --- case FIND: a name without Turkish letters, a ticket
robot case "ayse yilmaz" >"$T/find1" 2>&1
check_eq "case 'ayse yilmaz' exits 0" 0 $?
check "... and shows Ayşe Yılmaz's case" grep -q "^$A  Ayşe Yılmaz" "$T/find1"
robot case "AYŞE YILMAZ" >"$T/find2" 2>&1
check "case 'AYŞE YILMAZ' finds the same" grep -q "^$A " "$T/find2"
robot case "isil" >"$T/find3" 2>&1
check "case 'isil' (one word of the name) finds Işıl Doğan" \
    grep -q "^$S " "$T/find3"
robot case 48213 >"$T/find4" 2>"$T/find4.err"
check_eq "case TICKET with three cases exits 1" 1 $?
check "... saying so" grep -q "48213 matches 3 cases" "$T/find4.err"
check_eq "... and lists the three" "$A $I $G" \
    "$(awk '{ print $1 }' "$T/find4" | paste -sd' ')"
check "... with T.C. Kimlik Nos masked" grep -q '\*\*\*\*\*\*' "$T/find4"
robot case "#48213" >/dev/null 2>&1
check_eq "case '#48213' is the same ticket" 1 $?
robot case "Hiç Kimse" >/dev/null 2>"$T/find5"
check_eq "case with a name nobody has exits 1" 1 $?
check "... saying so" grep -q "no case matches Hiç Kimse" "$T/find5"

# --- status filters and CSV
robot status --unit "Müh. Fak." >"$T/unit1"
check_eq "status --unit 'Müh. Fak.' exits 0" 0 $?
check_eq "... lists Mühendislik Fakültesi's three cases" "$A $I $G" \
    "$(grep -o 'NES-2026-000[0-9]' "$T/unit1" | paste -sd' ')"
check "... and its ticket only" \
    bash -c 'grep -q "^48213 " "$1" && ! grep -q "^48391 " "$1"' _ \
    "$T/unit1"
check "... and no unplaced mail (it belongs to no unit)" \
    bash -c '! grep -q YERLEŞMEYEN "$1"' _ "$T/unit1"
robot status --json --unit İİBF >"$T/unit2.json"
check_eq "status --json --unit İİBF: the three İİBF cases" "$O $S $C" \
    "$(python3 -c 'import json,sys; print(" ".join(c["case"] for c in
    json.load(open(sys.argv[1]))["cases"]))' "$T/unit2.json")"
robot status --unit "Tıp Fakültesi" >"$T/unit3"
check "a unit without cases lists none" grep -q "^(yok)" "$T/unit3"
robot status --step bogus >/dev/null 2>"$T/step.err"
check_eq "status --step bogus exits 2" 2 $?
check "... naming the step" grep -q "bogus: not a step" "$T/step.err"
robot status --json --csv >/dev/null 2>&1
check_eq "status --json --csv exits 2" 2 $?
robot status --overdue >"$T/over1"
check "nothing is overdue two days after the notifications" \
    bash -c '! grep -q "NES-" "$1"' _ "$T/over1"

robot status --csv >"$T/all.csv"
check_eq "status --csv exits 0" 0 $?
check_eq "... starts with a UTF-8 byte order mark" "efbbbf" \
    "$(head -c 3 "$T/all.csv" | od -An -tx1 | tr -d ' \n')"
check_eq "... has a header and six rows, each ending in CRLF" "7 7" \
    "$(wc -l <"$T/all.csv") $(grep -c $'\r$' "$T/all.csv")"
check "... with the Turkish letters as they are" grep -q "Işıl Doğan" \
    "$T/all.csv"
tckn=$(field $A tckn)
check "... and the T.C. Kimlik Nos masked" \
    bash -c '! grep -q "$1" "$2" && grep -q "${1:0:3}\*\*\*\*\*\*${1:9:2}" "$2"' \
    _ "$tckn" "$T/all.csv"
check "... read back by a CSV reader: case, name, state" python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig",
    newline="")))
assert len(rows) == 6, rows
assert rows[0]["case"] == "NES-2026-0001" and rows[0]["name"] == "Ayşe Yılmaz"
assert all(r["state"] == "open" for r in rows), rows' "$T/all.csv"

# --- who and why
robot case pause "$I" >/dev/null 2>"$T/nowhy"
check_eq "a correction without --why exits 2" 2 $?
check "... asking for it" grep -q -- "--why TEXT is required" "$T/nowhy"
check_eq "... and changes nothing" "" "$(field $I paused_t)"

# --- pause and resume
SUDO_USER=ali robot case pause "ismail celik" --why "Uzun süreli izinde" \
    >"$T/pause.out" 2>&1
check_eq "case pause (by name) exits 0" 0 $?
check "... and says the case is paused" \
    grep -q "$I .*(hatırlatmalar duraklatıldı)" "$T/pause.out"
check "the pause is in the history, by \$SUDO_USER, with why" \
    bash -c '"$@" | grep -A1 "admin .*pause" | grep -q "by ali: Uzun süreli izinde"' \
    _ "$ROBOT" -c "$CONF" case "$I"
robot case pause "$I" --why again >/dev/null 2>"$T/pause2"
check_eq "pausing it again exits 1" 1 $?
check "... saying it is already paused" grep -q "already paused" "$T/pause2"
robot status >"$T/paused"
check "status shows it paused" grep -q "^$I .*duraklatıldı$" "$T/paused"
check "status names steps in Turkish and who each case waits for" \
    grep -q "^$A .*Kamu SM kişiyi bilgilendirdi *Personel " "$T/paused"
check "... under Turkish headings" grep -q "^VAKA .* ADIM .* BEKLENEN " \
    "$T/paused"
robot status --json >"$T/paused.json"
check_eq "status --json: paused true for it alone" "$I" \
    "$(python3 -c 'import json,sys; print(" ".join(c["case"] for c in
    json.load(open(sys.argv[1]))["cases"] if c["paused"]))' "$T/paused.json")"

# Two weeks on: every notified person is reminded, but the paused one.
export ROBOT_NOW=2026-12-15T10:00:00+03:00
check "poll two weeks on exits 0" robot poll
reminded() {
	ledger "SELECT count(*) FROM reminder r JOIN cases c ON c.id =
	    r.case_id WHERE c.tag = '$1'"
}
check_eq "the others are reminded" "1 1" "$(reminded $A) $(reminded $G)"
check_eq "the paused case is not" 0 "$(reminded $I)"
robot status --overdue >"$T/over2"
check "status --overdue lists the late ones" grep -q "^$A " "$T/over2"
check "... but not the paused one" bash -c '! grep -q "^$2 " "$1"' _ \
    "$T/over2" "$I"
# The full listings say the same of each case, from its own row.
robot status --json >"$T/over2.json"
check_eq "status --json: the late one overdue, the paused one not" \
    "True False" "$(python3 -c 'import json, sys
c = {x["case"]: x for x in json.load(open(sys.argv[1]))["cases"]}
print(c[sys.argv[2]]["overdue"], c[sys.argv[3]]["overdue"])' \
    "$T/over2.json" "$A" "$I")"
robot status >"$T/over2.all"
check "status: the late one's line ends in gecikti" \
    grep -q "^$A .* gecikti$" "$T/over2.all"
check "... the paused one's in duraklatıldı" \
    grep -q "^$I .* duraklatıldı$" "$T/over2.all"
robot status --csv >"$T/over2.csv"
check_eq "status --csv: overdue yes for the late one, empty for the paused" \
    "yes " "$(python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
col = rows[0].index("overdue")
c = {r[0]: r for r in rows[1:]}
print(c[sys.argv[2]][col], c[sys.argv[3]][col])' \
    "$T/over2.csv" "$A" "$I")"
robot case resume "$I" >"$T/resume.out" 2>&1
check_eq "case resume (no --why needed) exits 0" 0 $?
check_eq "... and it is not paused" "" "$(field $I paused_t)"
export ROBOT_NOW=2026-12-15T11:00:00+03:00
check "poll after the resume exits 0" robot poll
check_eq "the resumed case is reminded" 1 "$(reminded $I)"
robot case resume "$I" >/dev/null 2>&1
check_eq "resuming a case that is not paused exits 1" 1 $?

# --- set: checked values, the old one in the history
robot case set "$I" tckn 12345678901 --why "Formda yanlış" >/dev/null \
    2>"$T/set1"
check_eq "set tckn with a bad check digit exits 1" 1 $?
check "... saying why" grep -q "not a valid T.C. Kimlik No" "$T/set1"
robot case set "$I" tckn "$(field $A tckn)" --why x >/dev/null 2>"$T/set2"
check_eq "set tckn to another open case's number exits 1" 1 $?
check "... naming that case" grep -q "$A has that tckn already" "$T/set2"
old=$(field $I tckn)
new=10000000146
robot case set "$I" tckn $new --why "Formda yanlış yazılmış" >/dev/null 2>&1
check_eq "set tckn to a valid number exits 0" "0:$new" "$?:$(field $I tckn)"
robot case "$I" >"$T/set.hist"
check "... the history has the old and new number, masked" grep -q \
    "set tckn: ${old:0:3}\*\*\*\*\*\*${old:9:2} -> 100\*\*\*\*\*\*46" \
    "$T/set.hist"
check "... never in full" bash -c '! grep -q -e "$1" -e "$2" "$3"' _ \
    "$old" "$new" "$T/set.hist"
robot case set "$I" email ismail@gmail.com --why x >/dev/null 2>"$T/set3"
check_eq "set email outside the institution exits 1" 1 $?
check "... saying so" grep -q "not an address of example.edu.tr" "$T/set3"
robot case set "$I" email Ismail.Celik2@example.edu.tr --why "Yeni adres" \
    >/dev/null 2>&1
check_eq "set email exits 0, lower case" "0:ismail.celik2@example.edu.tr" \
    "$?:$(field $I email)"
robot case set "$I" name "İsmail Hakkı Çelik" --why "Tam adı" >/dev/null 2>&1
check_eq "set name exits 0" 0 $?
robot case "ismail hakki celik" >"$T/set4" 2>&1
check "... and the new name finds the case" grep -q "^$I " "$T/set4"
check "... the history keeps the old name" \
    grep -q "set name: İsmail Çelik -> İsmail Hakkı Çelik" "$T/set4"
robot case set "$I" phone 5551234567 --why x >/dev/null 2>&1
check_eq "set of another field exits 1" 1 $?

# --- step: forward and back
robot case step "$A" application_filled --why "Kamu SM telefonda söyledi" \
    >/dev/null 2>&1
check_eq "case step forward exits 0" "0:application_filled" \
    "$?:$(field $A step)"
robot case step "$A" kamusm_notified --why "Yanlış girildi" >/dev/null 2>&1
check_eq "case step back exits 0" "0:kamusm_notified" "$?:$(field $A step)"
robot case step "$A" kamusm_notified --why x >/dev/null 2>"$T/step1"
check_eq "the same step again exits 1" 1 $?
check "... saying so" grep -q "already at kamusm_notified" "$T/step1"
robot case step "$A" ticket_opened --why x >/dev/null 2>&1
check_eq "a step no case has exits 2" 2 $?

# --- attach: Kamu SM writes about "Ayşe Yılmaz Kaya", whom no case knows
cat >"$T/kaya.eml" <<'EOF'
Authentication-Results: mx.example.edu.tr; dkim=pass header.d=kamusm.gov.tr; spf=pass smtp.mailfrom=bilgi@kamusm.gov.tr
Received: from mta2.kamusm.gov.tr (mta2.kamusm.gov.tr)
	by mx.example.edu.tr (Postfix) with ESMTPS;
	Tue, 15 Dec 2026 10:30:00 +0300
Message-ID: <20261215103000.1.bilgi@kamusm.gov.tr>
Date: Tue, 15 Dec 2026 10:30:00 +0300
From: Kamu Sertifikasyon Merkezi <bilgi@kamusm.gov.tr>
To: =?utf-8?q?Ay=C5=9Fe_Kaya?= <ayse.kaya@example.edu.tr>
Subject: =?utf-8?q?Nitelikli_Elektronik_Sertifika_Ba=C5=9Fvurunuz_Al=C4=B1nm=C4=B1=C5=9Ft=C4=B1r?=
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Sayın Ayşe Yılmaz Kaya,

Nitelikli Elektronik Sertifika başvurunuz alınmıştır.

Başvuru No: 2026121500999

Kamu Sertifikasyon Merkezi
EOF
servers_append robot@example.edu.tr INBOX "$T/kaya.eml" \
    tests/fixtures/rules/25-unrelated.eml
export ROBOT_NOW=2026-12-15T12:00:00+03:00
check "poll with Kamu SM's mail about an unknown name exits 0" robot poll
kaya=$(ledger "SELECT id FROM message WHERE message_id LIKE
    '20261215103000.1.bilgi@%'")
check_eq "... it is unplaced" unplaced \
    "$(ledger "SELECT outcome FROM message WHERE id = $kaya")"
robot status >"$T/unplaced"
check "status shows its number for attach" grep -q "^#$kaya *yerleşmedi" \
    "$T/unplaced"
check "... and why, in Turkish" bash -c 'grep -A1 "^#$1 " "$2" | tail -1 |
    grep -q "^ *adım tanındı, ama ilerletebileceği bir vaka bulunamadı$"' \
    _ "$kaya" "$T/unplaced"
SUDO_USER=ali robot case attach 999999 "$A" --why x >/dev/null 2>"$T/att0"
check_eq "attach of a message that does not exist exits 1" 1 $?
check "... saying so" grep -q "no message matches 999999" "$T/att0"
robot case attach "<20261215103000.1.bilgi@kamusm.gov.tr>" "ayse yilmaz" \
    --why "Evlilik soyadı: aynı kişi" --by "Hüseyin Kaya" >"$T/att1" 2>&1
check_eq "attach by Message-ID exits 0" 0 $?
check "... saying what the rule made of it" \
    grep -q "rule kamusm_application_filled: application_filled; the case moved" \
    "$T/att1"
check_eq "the case moved to the step the message shows" application_filled \
    "$(field $A step)"
check_eq "the message is applied, attached by whom and why" \
    "applied|attached to $A by Hüseyin Kaya: Evlilik soyadı: aynı kişi" \
    "$(ledger "SELECT outcome || '|' || reason FROM message WHERE id = $kaya")"
robot case "$A" >"$T/att.hist"
check "the history shows the step, the message and who attached it" \
    bash -c 'grep -q "step .*application_filled .*attached by Hüseyin Kaya" "$1" &&
    grep -q "by Hüseyin Kaya: Evlilik soyadı" "$1"' _ "$T/att.hist"
robot case attach "$kaya" "$A" --why again >/dev/null 2>"$T/att2"
check_eq "attaching it again exits 1" 1 $?
check "... saying it is in the history already" \
    grep -q "in $A's history already" "$T/att2"
robot case attach "<fixture-24@example.edu.tr>" "$G" --why "İlgili yazışma" \
    >"$T/att3" 2>&1
check_eq "attach of mail no rule recognised exits 0" 0 $?
check "... as history only" grep -q "no step (no rule matched): history only" \
    "$T/att3"
check_eq "... the case did not move" kamusm_notified "$(field $G step)"
check "... the message is in its history" grep -q "attached .*attached by" \
    <(robot case "$G")

# --- merge: Çağrı's case into Ömer's (history, thread, reminders move)
events_c=$(ledger "SELECT count(*) FROM event e JOIN cases c ON
    c.id = e.case_id WHERE c.tag = '$C'")
robot case merge "$C" "$C" --why x >/dev/null 2>&1
check_eq "merging a case into itself exits 1" 1 $?
robot case merge "$C" "$O" --why "Aynı başvuru iki kez" >"$T/merge" 2>&1
check_eq "case merge exits 0" 0 $?
check_eq "the merged case is closed as merged into the other" \
    "closed|merged|$O" "$(ledger "SELECT c.step || '|' || c.closed_as ||
    '|' || o.tag FROM cases c JOIN cases o ON o.id = c.merged_into WHERE
    c.tag = '$C'")"
check_eq "its reminders and thread moved" "0 0" \
    "$(ledger "SELECT count(*) FROM reminder r JOIN cases c ON c.id =
    r.case_id WHERE c.tag = '$C'") $(ledger "SELECT count(*) FROM thread t
    JOIN cases c ON c.id = t.case_id WHERE c.tag = '$C'")"
check "its history moved, but for the merge itself" test \
    "$(ledger "SELECT count(*) FROM event e JOIN cases c ON c.id =
    e.case_id WHERE c.tag = '$C'")" -lt "$events_c"
robot case "$C" >"$T/merged.hist"
check "case shows it merged" grep -q "adım: Birleştirildi ($O ile)" \
    "$T/merged.hist"
robot case cancel "$C" --why x >/dev/null 2>"$T/merge2"
check_eq "a correction of a merged case exits 1" 1 $?
check "... pointing at the case it went into" \
    grep -q "was merged into $O: correct that case" "$T/merge2"

# --- close, cancel, left
robot case cancel "$O" --why "Birim talebi geri çekti" >/dev/null 2>&1
check_eq "case cancel exits 0" "0:closed|cancelled" \
    "$?:$(field $O step)|$(field $O closed_as)"
robot case cancel "$O" --why x >/dev/null 2>"$T/cancel2"
check_eq "cancelling it again exits 1" 1 $?
check "... saying so" grep -q "already cancelled" "$T/cancel2"
robot case pause "$O" --why x >/dev/null 2>&1
check_eq "pausing a cancelled case exits 1" 1 $?
robot case left "$A" --why "Emekli oldu" >/dev/null 2>&1
check_eq "case left exits 0" "0:closed|left" \
    "$?:$(field $A step)|$(field $A closed_as)"
robot case close "$G" --why "Kişi kartını aldığını telefonla bildirdi" \
    >/dev/null 2>&1
check_eq "case close exits 0" "0:closed|" \
    "$?:$(field $G step)|$(field $G closed_as)"
robot status >"$T/closed"
check "status shows cancelled, left and merged" \
    bash -c 'grep -q "^$2 .*İptal edildi" "$1" &&
    grep -q "^$3 .*Kurumdan ayrıldı" "$1" &&
    grep -q "^$4 .*Birleştirildi" "$1"' _ "$T/closed" "$O" "$A" "$C"
robot status --csv --step closed >"$T/closed.csv"
check_eq "status --csv --step closed: the four closed, with their state" \
    "$A:left $G:closed $O:cancelled $C:merged" \
    "$(python3 -c '
import csv, sys
print(" ".join(r["case"] + ":" + r["state"] for r in csv.DictReader(
    open(sys.argv[1], encoding="utf-8-sig", newline=""))))' "$T/closed.csv")"
robot case step "$G" certificate_shipped --why "Yanlışlıkla kapatıldı" \
    >/dev/null 2>&1
check_eq "case step reopens a closed case" "0:certificate_shipped|" \
    "$?:$(field $G step)|$(field $G closed_as)"
check_eq "every correction is an admin event with who and why" 0 \
    "$(ledger "SELECT count(*) FROM event WHERE kind = 'admin' AND
    (actor IS NULL OR (why IS NULL AND detail NOT LIKE 'resume%'))")"
check_eq "without --by or \$SUDO_USER, who is the user running it" \
    "$(id -un)" "$(ledger "SELECT actor FROM event e JOIN cases c ON
    c.id = e.case_id WHERE c.tag = '$O' AND e.kind = 'admin' AND
    e.detail LIKE 'cancelled%'")"

# --- BİDB cancels by mail
robot case step "$A" kamusm_notified --why "Yeniden açıldı" >/dev/null 2>&1
robot case step "$O" kamusm_notified --why "Yeniden açıldı" >/dev/null 2>&1
rem=$(ledger "SELECT o.message_id FROM outbox o JOIN cases c ON c.id =
    o.case_id WHERE c.tag = '$S' ORDER BY o.id LIMIT 1")
rem=${rem#<}
rem=${rem%>}
check "Işıl was reminded (a mail to reply to)" test -n "$rem"
bidb_mail() {	# FILE MESSAGE-ID SUBJECT IN-REPLY-TO BODY
	{
		printf '%s\n' "From: =?utf-8?b?QsSwREI=?= <bidb@example.edu.tr>" \
		    "To: robot@example.edu.tr" "Subject: $3" \
		    "Date: Tue, 15 Dec 2026 14:00:00 +0300" \
		    "Message-ID: <$2@example.edu.tr>"
		[ -n "$4" ] && printf 'In-Reply-To: <%s>\n' "$4"
		printf '%s\n' "MIME-Version: 1.0" \
		    "Content-Type: text/plain; charset=utf-8" \
		    "Content-Transfer-Encoding: 8bit" "" "$5" "" "BİDB"
	} >"$1"
}
bidb_mail "$T/c1.eml" bidb-c1 "YNT: [$S] NES yenileme" "$rem" \
    "Kişinin isteği üzerine başvuru iptal edilmiştir."
bidb_mail "$T/c2.eml" bidb-c2 "NES başvurusu hakkında" "" \
    "$O numaralı kayıt iptal ediyoruz, birim vazgeçti."
bidb_mail "$T/c3.eml" bidb-c3 "YNT: [$A] NES yenileme" "" \
    "Başvuru iptal edilmedi, kişi izinde."
bidb_mail "$T/c4.eml" bidb-c4 "Toplantı" "" "Yarınki toplantı iptal."
servers_append robot@example.edu.tr INBOX "$T"/c[1-4].eml
export ROBOT_NOW=2026-12-15T15:00:00+03:00
check "poll with BİDB's mail exits 0" robot poll
check_eq "a reply to the robot's reminder saying iptal cancels the case" \
    "closed|cancelled" "$(field $S step)|$(field $S closed_as)"
check_eq "... and the message is applied by rule bidb_cancelled" \
    "applied" "$(ledger "SELECT outcome FROM message WHERE message_id LIKE
    'bidb-c1@%' AND reason LIKE 'rule bidb_cancelled: closed (cancelled)%'")"
check_eq "a mail naming the tag in its text cancels that case" \
    "closed|cancelled" "$(field $O step)|$(field $O closed_as)"
check_eq "'iptal edilmedi' cancels nothing" "kamusm_notified|" \
    "$(field $A step)|$(field $A closed_as)"
check_eq "'iptal' without a case tag cancels nothing" 2 \
    "$(ledger "SELECT count(*) FROM cases WHERE closed_as = 'cancelled'")"
robot status --json >"$T/cancel.json"
check_eq "status --json says closed_as cancelled" "$O $S" \
    "$(python3 -c 'import json,sys; print(" ".join(c["case"] for c in
    json.load(open(sys.argv[1]))["cases"] if c["closed_as"] ==
    "cancelled"))' "$T/cancel.json")"
export ROBOT_NOW=2026-12-22T10:00:00+03:00
before=$(reminded $S)
check "poll a week later exits 0" robot poll
check_eq "a case cancelled by mail is not reminded any more" "$before" \
    "$(reminded $S)"

# --- a correction while `robot run` is up
LOG=$SRV_DIR/run.log
"$ROBOT" -c "$CONF" run 2>"$LOG" &
RPID=$!
check "run starts and waits in IDLE" wait_for 30 grep -q \
    "waiting in IDLE" "$LOG"
robot case pause "$A" --why "run çalışırken" >/dev/null 2>"$T/live.err"
check_eq "a correction while run is up exits 0" "0" "$?"
check "... and is written" test -n "$(field $A paused_t)"
check "run is still up" kill -0 "$RPID"
kill -TERM "$RPID"
wait "$RPID"
check_eq "run stops with exit 0" 0 $?
RPID=

# --- a correction while another process holds the write lock too long
rm -f "$T/locked"
(
	printf 'BEGIN IMMEDIATE;\nSELECT 1;\n.shell touch %s\n' "$T/locked"
	sleep 20
	printf 'ROLLBACK;\n'
) | sqlite3 -batch "$DB" >/dev/null &
LPID=$!
check "another process holds the write lock" wait_for 10 test -e "$T/locked"
robot case resume "$A" >/dev/null 2>"$T/busy.err"
check_eq "a correction that cannot get the lock exits 1" 1 $?
check "... saying the database is busy and nothing changed" \
    grep -q "database is busy.*nothing was changed" "$T/busy.err"
wait "$LPID"
LPID=
check "... and the case is still paused" test -n "$(field $A paused_t)"

servers_stop
check_done
