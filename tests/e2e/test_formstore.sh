#!/usr/bin/env bash
# test_formstore.sh: what is read as a form is what the ledger keeps.
#
# Two forms the robot reads by their bytes, not by their name or type: an
# .xlsx sent as application/octet-stream under the name "talep.zip", and
# a CSV sent as application/csv under a name without an extension.  No
# rule matches either mail, so both are left unplaced; the ledger must
# have kept both attachments all the same.  A rule that makes them
# form_received is added, and `reprocess` reads the forms back from the
# ledger: the people of both become cases.  An old binary .xls is kept
# too, and `reprocess` says it cannot read it.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
XLSX=tests/fixtures/story/forms/NES_Yenileme_Talep_Formu_Muhendislik.xlsx
export ROBOT_NOW=2026-12-04T10:00:00+03:00

. tests/lib/check.sh
. tests/lib/servers.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi

mapfile -t users <tests/fixtures/story/users.txt
servers_start "$(mktemp -d "${TMPDIR:-/tmp}/nr-formstore.XXXXXX")" \
    "${users[@]}" || { echo "not ok - servers start"; exit 1; }
CONF=$SRV_DIR/robot.ini
RULES=$SRV_DIR/rules
mkdir -p "$RULES"
cp rules/* "$RULES/"
servers_write_config "$CONF" robot@example.edu.tr "[robot]" \
    "rules_dir = $RULES" "holidays_file = $RULES/holidays.txt"
sed -i -e '/^\[smtp\]/a tls = none' "$CONF"

ledger() {
	sqlite3 -batch -noheader "$SRV_DIR/robot.db" "$1"
}

# mail N TYPE NAME FILE: a mail from a unit's secretary with FILE
# attached as TYPE under NAME, whose words no rule knows.
mail() {
	python3 - "$SRV_DIR/mail-$1.eml" "$1" "$2" "$3" "$4" <<'EOF'
import base64, sys
out, n, ctype, name, path = sys.argv[1:]
data = base64.encodebytes(open(path, "rb").read()).decode()
head = [
    "From: Mehmet Karaca <mehmet.karaca@example.edu.tr>",
    "To: bidb@example.edu.tr",
    "Cc: robot@example.edu.tr",
    "Subject: Ek dosya deneme %s" % n,
    "Date: Thu, 03 Dec 2026 10:00:00 +0300",
    "Message-ID: <formstore-%s@example.edu.tr>" % n,
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b"',
]
body = [
    "", "--b", "Content-Type: text/plain; charset=utf-8", "",
    "Merhaba, ektedir.", "",
    "--b", 'Content-Type: %s; name="%s"' % (ctype, name),
    "Content-Transfer-Encoding: base64",
    'Content-Disposition: attachment; filename="%s"' % name, "",
    data.rstrip("\n"), "--b--", "",
]
with open(out, "w", newline="") as f:
    f.write("\r\n".join(head + body))
EOF
	echo "$SRV_DIR/mail-$1.eml"
}

printf '%s\r\n' "Ad Soyad,T.C. Kimlik No,Birim,E-posta" \
    "Hasan Koç,48291635716,Mühendislik Fakültesi,hasan.koc@example.edu.tr" \
    "Zeynep Arslan,57302846140,Mühendislik Fakültesi,zeynep.arslan@example.edu.tr" \
    >"$SRV_DIR/liste"
# The first bytes of an OLE2 file: Excel 97-2003, which is not read.
printf '\320\317\021\340\241\261\032\341%0500d' 0 >"$SRV_DIR/eski.xls"

servers_append robot@example.edu.tr INBOX \
    "$(mail 1 application/octet-stream talep.zip "$XLSX")" \
    "$(mail 2 application/csv liste "$SRV_DIR/liste")" \
    "$(mail 3 application/vnd.ms-excel eski.xls "$SRV_DIR/eski.xls")" ||
    echo "not ok - mail appended"
check "poll exits 0" "$ROBOT" -c "$CONF" poll
check_eq "no rule matches the three mails" \
    "unplaced unplaced unplaced" \
    "$(ledger "SELECT group_concat(outcome, ' ') FROM (SELECT outcome
    FROM message WHERE message_id LIKE '%formstore-%' ORDER BY id)")"
check_eq "the octet-stream .zip (an .xlsx) is kept" \
    "talep.zip|application/octet-stream|$(stat -c %s "$XLSX")" \
    "$(ledger "SELECT a.name, a.type, length(a.data) FROM attachment a
    JOIN message m ON m.id = a.message
    WHERE m.message_id LIKE '%formstore-1@%'")"
check_eq "the application/csv form is kept" \
    "liste|application/csv|$(stat -c %s "$SRV_DIR/liste")" \
    "$(ledger "SELECT a.name, a.type, length(a.data) FROM attachment a
    JOIN message m ON m.id = a.message
    WHERE m.message_id LIKE '%formstore-2@%'")"
check_eq "the old .xls is kept, to be refused with a reason" \
    "eski.xls|application/vnd.ms-excel" \
    "$(ledger "SELECT a.name, a.type FROM attachment a
    JOIN message m ON m.id = a.message
    WHERE m.message_id LIKE '%formstore-3@%'")"
check_eq "no case yet" 0 "$(ledger "SELECT count(*) FROM cases")"

printf '%s\n' "[rule local_formstore]" "step = form_received" \
    "from = anyone" "subject = ek dosya deneme" >"$RULES/zz-formstore.rules"
"$ROBOT" -c "$CONF" reprocess >"$SRV_DIR/rep.out" 2>"$SRV_DIR/rep.err"
check_eq "reprocess exits 0" 0 $?
check_eq "reprocess read the .xlsx sent as talep.zip from the ledger" \
    "38461590242 52709314810 61924837516" \
    "$(ledger "SELECT group_concat(tckn, ' ') FROM (SELECT tckn FROM cases
    WHERE tckn IN ('38461590242', '52709314810', '61924837516')
    ORDER BY tckn)")"
check_eq "and the application/csv form" "48291635716 57302846140" \
    "$(ledger "SELECT group_concat(tckn, ' ') FROM (SELECT tckn FROM cases
    WHERE tckn IN ('48291635716', '57302846140') ORDER BY tckn)")"
check "the old .xls is refused with the reason" \
    grep -q "eski.xls: eski biçimde bir Excel ya da Word" "$SRV_DIR/rep.err"

servers_stop
check_done
