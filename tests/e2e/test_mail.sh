#!/bin/bash
# The mail people receive, read back from Dovecot as it arrived through
# the real SMTP server: four tickets come in on Monday 1 June 2026 (one
# names its unit head in "Talep Eden E-posta", one has the unit head in
# Cc, one names nobody's address, one is followed by a form a secretary
# sends), Kamu SM writes to the form's person on Tuesday, and `robot
# poll` runs every day at 09:30 until 1 July.  Checked: each unit head is
# reminded by name at the address the ticket gave, and BİDB, not the
# requester, is told plainly when no address is known; the last reminder
# says it is the last; the person's reminders carry the [links] pages
# (an empty one left out) and a Reply-To that reaches BİDB; the form's
# acknowledgement greets the secretary who sent it, not the requester;
# the Monday digest shows what moved, the requests without a form per
# unit, and the escalated ticket; each unit head gets the part about
# their own requests; the holiday warning in the digest and in `rules
# check` when the holiday file runs out.  Run from the repository root;
# BUILD names the build directory.
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
FATMA=fatma.aydin@$D
HASAN=hasan.koc@$D
DEKAN=dekan@$D
SEKRETER=sekreter@$D
ELIF=elif.kara@$D
servers_start "$(mktemp -d -t nr.XXXXXX)" "$ROBOT" "$BIDB" "yaziisleri@$D" \
    "$FATMA" "$HASAN" "$DEKAN" "$SEKRETER" "$ELIF" || {
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
    "[digest]" "unit_heads = yes" \
    "[links]" "videos = https://bidb.$D/nes/video" "islak_imza ="

request_ticket "$T/a.eml" 48601 "Mimarlık Fakültesi" "Fatma Aydın" "" \
    "$FATMA"
request_ticket "$T/b.eml" 48602 "Fen Fakültesi" "Hasan Koç" \
    "Hasan Koç <$HASAN>"
request_ticket "$T/c.eml" 48603 "Hukuk Fakültesi" "Ali Veli"
request_ticket "$T/d.eml" 48604 "İletişim Fakültesi" "Selim Dekan" "" \
    "$DEKAN"
request_form "$T/form.eml"
cat >"$T/kamusm.eml" <<EOF
Message-ID: <kamusm.elif@kamusm.gov.tr>
Date: Tue, 02 Jun 2026 09:10:00 +0300
From: Kamu Sertifikasyon Merkezi <bilgi@kamusm.gov.tr>
To: Elif Kara <$ELIF>
Cc: $BIDB
Subject: Nitelikli Elektronik Sertifika Başvurunuz Hakkında
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Sayın ELİF KARA,

Kurumunuz tarafından adınıza nitelikli elektronik sertifika başvurusu
yapılmıştır.

T.C. Kimlik No: 10000000146

Başvurunuzu tamamlamak için Online İşlemler sayfasında Nitelikli
Elektronik Sertifika > Bireysel İşlemler > Başvuru İşlemleri adımlarını
izleyerek başvuru formunu doldurunuz.
EOF

run() {	# run ISO-TIME [ARGS...]: a command with the fake clock
	local now=$1
	shift
	echo "== $now ${*:-poll}" >>"$T/robot.log"
	ROBOT_NOW=$now "$ROBOT_BIN" -c "$CONF" "${@:-poll}" \
	    >>"$T/robot.log" 2>&1
}

check "the tickets and the form arrive" \
    servers_append "$ROBOT" INBOX "$T/a.eml" "$T/b.eml" "$T/c.eml" \
    "$T/d.eml" "$T/form.eml"
ok=1
for i in $(seq 0 30); do
	d=$(date -d "2026-06-01 +$i day" +%F)
	[ "$d" = 2026-06-02 ] && servers_append "$ROBOT" INBOX "$T/kamusm.eml"
	run "${d}T09:30:00+03:00" || ok=0
done
check "every poll succeeded" test "$ok" = 1

# mails USER: one line per mail received, "DATE | To | Cc | Reply-To |
# Subject", and each mail's decoded text in $T/USER/N.txt.
mails() {
	servers_fetch_all "$1" INBOX "$T/$1" >/dev/null
	python3 - "$T/$1" <<'EOF'
import email, email.policy, email.utils, os, sys
d = sys.argv[1]
for n in sorted(int(f[:-4]) for f in os.listdir(d) if f.endswith(".eml")):
    with open(os.path.join(d, "%d.eml" % n), "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    t = email.utils.parsedate_to_datetime(m["Date"]).strftime("%m-%d")
    with open(os.path.join(d, "%d.txt" % n), "w", encoding="utf-8") as out:
        out.write(m.get_body(("plain",)).get_content())
    print("%s | %s | %s | %s | %s" % (t, m["To"], m["Cc"] or "-",
          m["Reply-To"] or "-", m["Subject"]))
EOF
}
# text USER N: the N-th mail's text (1 = the first).
text() {
	cat "$T/$1/$2.txt"
}

mails "$FATMA" >"$T/fatma"
grep 'talebiniz' "$T/fatma" | cut -d' ' -f1 >"$T/fatma.days"
check_eq "the unit head named in Talep Eden E-posta is reminded on 4, 9, 12 June" \
    "06-04 06-09 06-12" "$(tr '\n' ' ' <"$T/fatma.days" | sed 's/ $//')"
n=$(grep -n 'talebiniz' "$T/fatma" | head -1 | cut -d: -f1)
check "... greeted by the name on the ticket" \
    grep -qx 'Sayın Fatma Aydın,' "$T/$FATMA/$n.txt"
check "... with a Reply-To that reaches BİDB and the robot" \
    grep -q "talebiniz.*" <(grep "<$BIDB>, NES Yenileme Robotu <$ROBOT> |" \
    "$T/fatma")
last=$(grep -n 'talebiniz' "$T/fatma" | tail -1 | cut -d: -f1)
check "the third says it is the last, in the subject" \
    grep -q "(son hatırlatma)$" <(sed -n "${last}p" "$T/fatma")
check "... and in the text" \
    grep -q "Bu, bu konudaki 3. ve son hatırlatmadır." "$T/$FATMA/$last.txt"
check "the first does not" \
    grep -q "Bu, bu konudaki 1. hatırlatmadır." "$T/$FATMA/$n.txt"

mails "$HASAN" >"$T/hasan"
check_eq "the unit head in the ticket's Cc is reminded 3 times" 3 \
    "$(grep -c 'talebiniz' "$T/hasan")"
n=$(grep -n 'talebiniz' "$T/hasan" | head -1 | cut -d: -f1)
check "... by name" grep -qx 'Sayın Hasan Koç,' "$T/$HASAN/$n.txt"

mails "$BIDB" >"$T/bidb"
grep -n 'Birim amirinin adresi bilinmiyor' "$T/bidb" | cut -d: -f1 \
    >"$T/bidb.unknown"
check_eq "a ticket with no unit head's address: BİDB is reminded, 3 times" \
    3 "$(wc -l <"$T/bidb.unknown")"
n=$(head -1 "$T/bidb.unknown")
check "... greeted as BİDB" grep -qx 'Sayın BİDB NES Sorumlusu,' \
    "$T/$BIDB/$n.txt"
check "... told plainly the address is unknown" \
    grep -q '^Birim amirinin adresi bilinmiyor\. Hukuk Fakültesi' \
    "$T/$BIDB/$n.txt"
check "... and who opened the ticket" \
    grep -q 'Talep eden:  Ali Veli' "$T/$BIDB/$n.txt"
check "never \"Sayın Ali Veli\" in BİDB's mail" \
    bash -c "! grep -l 'Sayın Ali Veli' $T/$BIDB/*.txt"
check "BİDB's own reminders carry no Reply-To" \
    grep -q "| - | \[BYS #48603\] Birim amirinin" "$T/bidb"
check "the escalation of the unknown head's ticket has a Reply-To to BİDB" \
    grep -q "<$BIDB>, NES Yenileme Robotu <$ROBOT> | \[BYS #48603\] NES yenileme ilerlemiyor" \
    "$T/bidb"

mails "$SEKRETER" >"$T/sekreter"
check_eq "the secretary who sent the form gets its acknowledgement" 1 \
    "$(grep -c 'formunuz alındı' "$T/sekreter")"
check "... greeted as the unit's office, not as the requester" \
    grep -qx 'Sayın Birim Amiri,' "$T/$SEKRETER/1.txt"
check "... with a Reply-To that reaches BİDB" \
    grep -q "<$BIDB>, NES Yenileme Robotu <$ROBOT> |" "$T/sekreter"

mails "$ELIF" >"$T/elif"
grep 'doldurmanız bekleniyor' "$T/elif" >"$T/elif.rem"
check_eq "the person is reminded 5 business days after Kamu SM, then every 5" \
    "06-09 06-16 06-23" "$(cut -d' ' -f1 "$T/elif.rem" | tr '\n' ' ' |
    sed 's/ $//')"
check "... the unit head of the ticket in Cc from the 2nd" \
    test "$(grep -c "| $DEKAN |" "$T/elif.rem")" = 2
check "... replies go to BİDB and the robot" \
    test "$(grep -c "<$BIDB>, NES Yenileme Robotu <$ROBOT> |" \
    "$T/elif.rem")" = 3
check "... the Online İşlemler link (Kamu SM's page by default)" \
    grep -q "Online İşlemler: https://onlineislemler.kamusm.gov.tr/landing" \
    "$T/$ELIF/1.txt"
check "... the videos link the config gives" \
    grep -q "videolar: https://bidb.$D/nes/video" "$T/$ELIF/1.txt"
check "... the e-Onay permit link" \
    grep -q "e-Onay iznini şimdiden verebilirsiniz: https://onlineislemler" \
    "$T/$ELIF/1.txt"
check "the third says it is the last" \
    grep -q "3. ve son hatırlatmadır" "$T/$ELIF/3.txt"

# BİDB's digests, by Monday.
digest_of() {	# digest_of MM-DD: the text of BİDB's digest of that day
	local n
	n=$(grep -n "^$1 .*haftalık özeti" "$T/bidb" | cut -d: -f1)
	[ -n "$n" ] && cat "$T/$BIDB/$n.txt"
}
digest_of 06-01 >"$T/digest-0601"
digest_of 06-08 >"$T/digest-0608"
digest_of 06-22 >"$T/digest-0622"
check "the digest of 1 June counts the form's new case as moved" \
    grep -qx "  Yeni kayıt -> Talep formu alındı: 1 kişi" "$T/digest-0601"
check "the digest of 8 June says what moved this week" \
    grep -qx "  Talep formu alındı -> Kamu SM kişiyi bilgilendirdi: 1 kişi" \
    "$T/digest-0608"
check "... and who" grep -qx "      Elif Kara \[NES-2026-0001\]" \
    "$T/digest-0608"
check "... the units with requests still without a form" \
    grep -qx "  Mimarlık Fakültesi: 0 kayıt, 1 talep formu bekleniyor" \
    "$T/digest-0608"
check "... no holiday warning in 2026" bash -c "! grep -q UYARI $T/digest-0608"
check "the digest of 22 June marks the escalated ticket with its day" \
    grep -A1 "^  \[BYS #48603\] Hukuk Fakültesi" "$T/digest-0622"
check "... \"BİDB'ye devredildi\"" grep -qx \
    "      ! Hatırlatmalar sonuçsuz kaldı: 17.06.2026 tarihinde BİDB'ye devredildi." \
    "$T/digest-0622"

# The unit heads' own digests.
check_eq "each unit head gets their part every Monday (1 to 29 June): Fatma" 5 \
    "$(grep -c 'biriminizin haftalık durumu' "$T/fatma")"
n=$(grep -n '^06-08 .*biriminizin haftalık durumu' "$T/fatma" | cut -d: -f1)
check "... her ticket still waiting for its form" grep -q \
    "^  Mimarlık Fakültesi, Talep No 48601: 01.06.2026 tarihinden beri" \
    "$T/$FATMA/$n.txt"
check "... nothing of the other units" \
    bash -c "! grep -qE 'Elif|Hukuk|Fen Fakültesi' $T/$FATMA/$n.txt"
mails "$DEKAN" >"$T/dekan"
n=$(grep -n '^06-15 .*biriminizin haftalık durumu' "$T/dekan" | cut -d: -f1)
check "the dean of the form's request sees the person and who holds her up" \
    grep -q "^  \[NES-2026-0001\] Elif Kara: Kamu SM kişiyi bilgilendirdi; bekleyen: Personel" \
    "$T/$DEKAN/$n.txt"
check "nobody but unit heads gets a unit head's digest" \
    bash -c "! grep -l 'biriminizin haftalık' $T/bidb $T/sekreter $T/elif"

# The holiday file lists 2025-2030: four years on, it runs out.
run 2030-10-14T10:00:00+03:00 digest
check "in October 2030 the digest warns that 2031 is missing" grep -q \
    "^UYARI: Tatil dosyası ($TOP/rules/holidays.txt) 2031 yılının Ramazan" \
    "$T/robot.log"
ROBOT_NOW=2030-10-14T10:00:00+03:00 "$ROBOT_BIN" -c "$CONF" rules check \
    >"$T/check.out" 2>"$T/check.err"
check_eq "... and rules check too, exit 0" "0" "$?"
check "... on stderr, naming the file and the year" grep -q \
    "^robot: uyarı: $TOP/rules/holidays.txt: 2031 yılının Ramazan ve Kurban Bayramı günleri yok" \
    "$T/check.err"
ROBOT_NOW=2026-06-01T10:00:00+03:00 "$ROBOT_BIN" -c "$CONF" rules check \
    >/dev/null 2>"$T/check2.err"
check_eq "in 2026 rules check says nothing on stderr" "" "$(cat "$T/check2.err")"

check_done
