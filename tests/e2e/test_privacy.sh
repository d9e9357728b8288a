#!/usr/bin/env bash
# test_privacy.sh: personal data and secrets stay in, against a real
# Dovecot.
#
# T.C. Kimlik Nos, written as people write them (next to letters, in
# groups, dotted, failing the checksum), come in through a form, an
# unrelated message and a Kamu SM notification; none of them leaves in
# full through the log (-v, the IMAP dialogue included), `status`,
# `status --json`, the digest (printed and sent) or the acknowledgement
# to the unit head, and `status --unmasked` shows them.  The Kamu SM
# notification's form access password is in nothing the robot stores or
# prints: the ledger (database and WAL files), `rules test`, the log.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
STORY=tests/fixtures/story
REMAIL="python3 tests/lib/remail.py"
NOW=2026-12-07T10:00:00+03:00	# a Monday: the digest is due

. tests/lib/check.sh
. tests/lib/servers.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi

servers_story privacy || { echo "not ok - servers start"; exit 1; }
DB=$SRV_DIR/robot.db

ledger() {
	sqlite3 -batch -noheader "$DB" "$1"
}
robot() {
	ROBOT_NOW=$NOW "$ROBOT" -c "$CONF" "$@"
}
# lacks FILE WORD...: FILE holds none of the WORDs.
lacks() {
	local f=$1 w
	shift
	for w in "$@"; do
		if grep -aqF -- "$w" "$f"; then
			echo "$f holds \"$w\":"
			grep -aF -- "$w" "$f" | head -n 3
			return 1
		fi
	done
}

# decoded FILE: FILE's headers and text parts as a reader sees them, in
# FILE.txt (quoted-printable may cut a number at a line's end).
decoded() {
	python3 - "$1" >"$1.txt" <<'EOF'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
    policy=email.policy.default)
for k, v in m.items():
	print("%s: %s" % (k, v))
for part in m.walk():
	if part.get_content_maintype() == "text":
		print(part.get_content())
EOF
}

# The numbers as the mail writes them, and the password.
FULL=(38461590242 "384 615 902 42" "384.615.902.42" 38461590241
    "384-615-902-42" 24178653950)
PW=X7K2P9

# A form from the unit head: Ömer's title carries a number (a slip of the
# keyboard), Işıl's row is fine.
$REMAIL "$STORY/stage1/04-form-48391-html.eml" "$T/form.eml" \
    --message-id form.privacy@example.edu.tr --body "$(printf '%s\n' \
    "Sayın İlgili," "" \
    "48391 numaralı talebimize istinaden e-imza sertifikası yenilenecek" \
    "personelimiz:" "" \
    "$(printf 'Sıra\tAdı Soyadı\tT.C. Kimlik No\tUnvan\tKurumsal E-posta')" \
    "$(printf '1\tÖmer Şahin\t24178653950\tProf. Dr. TC38461590242\tomer.sahin@example.edu.tr')" \
    "$(printf '2\tIşıl Doğan\t12300001502\tDoç. Dr.\tisil.dogan@example.edu.tr')" \
    "" "Bilgilerinize arz ederim.")"
# Mail no rule knows, with numbers in its subject and text.
$REMAIL "$STORY/stage4/11-unrelated.eml" "$T/unrelated.eml" \
    --message-id unrelated.privacy@example.edu.tr \
    --subject "Yazıcı arızası - TC 384 615 902 42" \
    --body "$(printf '%s\n' "Merhaba," "TCKN: 384.615.902.42, yanlış" \
    "yazılmış hali 38461590241." "Kolay gelsin.")"
# Kamu SM writes to someone the robot has no case of, with the form's
# access password.
$REMAIL "$STORY/stage2/03-kamusm-notified-ayse.eml" "$T/kamusm.eml" \
    --message-id kamusm.privacy@kamusm.gov.tr \
    --subject "Nitelikli Elektronik Sertifika Başvurunuz - T.C. 384.615.902.42" \
    --body "$(printf '%s\n' "Sayın AYŞE YILMAZ," "" \
    "Kurumunuz tarafından adınıza nitelikli elektronik sertifika" \
    "başvurusu yapılmıştır." "" \
    "Başvuru Formu Erişim Parolası: $PW" "" \
    "Kamu Sertifikasyon Merkezi")"

# Kamu SM's courier, with a tracking number that is no such thing.
$REMAIL "$STORY/stage4/02-kamusm-courier-ayse.eml" "$T/courier.eml" \
    --message-id courier.privacy@kamusm.gov.tr --body "$(printf '%s\n' \
    "Sayın AYŞE YILMAZ," "" \
    "Sertifikanız kurye ile gönderilmiştir. Kurye takip no: 384-615-902-42" \
    "" "Kamu Sertifikasyon Merkezi")"
# A short message whose first lines carry a number and a password, read
# alone: the first bytes of the server's answer are its.
printf '%s\r\n' "Subject: Basvuru Formu Erisim Parolasi: $PW TC38461590242" \
    "From: someone@example.org" "To: robot@example.edu.tr" \
    "Message-ID: <early.privacy@example.org>" "" "384 615 902 42" \
    >"$T/early.eml"

servers_append robot@example.edu.tr INBOX "$T/early.eml"
robot -v poll >"$T/poll.out" 2>"$T/poll.log"
check_eq "poll -v of the short message exits 0" 0 $? ||
    tail -n 5 "$T/poll.log"
servers_append robot@example.edu.tr INBOX \
    "$STORY/stage1/03-bys-ticket-48391.eml" "$T/form.eml" \
    "$T/unrelated.eml" "$T/kamusm.eml" "$T/courier.eml"
robot -v poll >"$T/poll.out" 2>>"$T/poll.log"
check_eq "poll -v exits 0" 0 $? || tail -n 5 "$T/poll.log"
check "the IMAP dialogue is in the log" grep -q "imap: < " "$T/poll.log"
check "the log shows no T.C. Kimlik No in full" lacks "$T/poll.log" \
    "${FULL[@]}" "615 902" "615.902" "615-902"
check "the log gives the tracking number masked" \
    grep -qF "tracking=384-***-***-42" "$T/poll.log"
check "the log never holds the access password" lacks "$T/poll.log" "$PW"
check_eq "the form made two cases" 2 "$(ledger "SELECT count(*) FROM cases")"
check_eq "the notification is recorded, unplaced" unplaced \
    "$(ledger "SELECT outcome FROM message WHERE message_id LIKE
    '%kamusm.privacy@%'")"

# The password: in no table, and in no file of the database.
check_eq "the ledger shows where the password was" 1 \
    "$(ledger "SELECT count(*) FROM message_text WHERE body LIKE
    '%Erişim Parolası: ******%'")"
for f in "$DB" "$DB-wal" "$DB-shm"; do
	[ -f "$f" ] || continue
	check "$(basename "$f") never holds the access password" lacks "$f" "$PW"
done
robot rules test "$T/kamusm.eml" >"$T/rules-test" 2>&1
check "rules test never shows the access password" lacks "$T/rules-test" "$PW"
check "rules test shows where it was" grep -qF "Parolası: ******" \
    "$T/rules-test"

# status and status --json mask every number; --unmasked shows them.
robot status >"$T/table" 2>&1
check "status shows no T.C. Kimlik No in full" lacks "$T/table" \
    "${FULL[@]}" "615 902" "615.902" "615-902" 12300001502
check "status lists the subject, masked" \
    grep -qF "Yazıcı arızası - TC 384 *** *** 42" "$T/table"
robot status --json >"$T/status.json" 2>&1
check "status --json shows no T.C. Kimlik No in full" lacks \
    "$T/status.json" "${FULL[@]}" "615 902" "615.902" "615-902" \
    12300001502
check "status --json gives the case's number masked" \
    grep -qF '"tckn":"241******50"' "$T/status.json"
robot status --json --unmasked >"$T/unmasked.json" 2>&1
check_eq "status --json --unmasked exits 0" 0 $?
check "status --unmasked gives the case's number in full" \
    grep -qF '"tckn":"24178653950"' "$T/unmasked.json"
check "status --unmasked gives the subject as written" \
    grep -qF "Yazıcı arızası - TC 384 615 902 42" "$T/unmasked.json"
robot status --unmasked >"$T/unmasked.table" 2>&1
check "the table --unmasked gives the case's number in full" \
    grep -q "24178653950" "$T/unmasked.table"
# A status far longer than the stretch it is masked by (64 KB): 3,000
# more cases, copies of one under new tags and numbers, in a copy of the
# database.
cp "$DB" "$T/many.db"
sed "s|^path = .*|path = $T/many.db|" "$CONF" >"$T/many.ini"
chmod 600 "$T/many.ini"
sqlite3 -batch "$T/many.db" "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL
    SELECT i + 1 FROM k WHERE i < 3000) INSERT INTO cases(tag, request,
    name, name_key, tckn, email, unit, step, step_t, created_t, updated_t)
    SELECT 'NES-MANY-' || i, request, name, name_key,
    '3' || printf('%010d', i * 7919), email, unit, step, step_t,
    created_t, updated_t FROM k, (SELECT * FROM cases LIMIT 1)"
ROBOT_NOW=$NOW "$ROBOT" -c "$T/many.ini" status --json >"$T/many.json" 2>&1
ROBOT_NOW=$NOW "$ROBOT" -c "$T/many.ini" status >"$T/many.table" 2>&1
check "a long status --json is longer than 64 KB" \
    test "$(wc -c <"$T/many.json")" -gt 200000
check_eq "every number of a long status --json is masked" 3000 \
    "$(grep -o '"tckn":"3[0-9]\{2\}\*\*\*\*\*\*[0-9]\{2\}"' \
    "$T/many.json" | wc -l)"
check "a long status --json holds no number in full" \
    test "$(grep -cE '[0-9]{11}' "$T/many.json")" -eq 0
check "a long status table holds no number in full" \
    test "$(grep -cE '[0-9]{11}' "$T/many.table")" -eq 0
check "a long status table lists the last copy" \
    grep -qF "NES-MANY-3000" "$T/many.table"

robot status --json --json >/dev/null 2>&1
check_eq "status --json --json is a usage error" 2 $?
robot --help >"$T/help" 2>&1
check "usage names status --unmasked" grep -qF -- "--unmasked" "$T/help"

# The digest, printed and sent, and the acknowledgement of the form.
robot digest >"$T/digest" 2>&1
check "the digest lists the Kamu SM mail no case took" \
    grep -qF "T.C. 384.***.***.42" "$T/digest"
check "the digest shows no T.C. Kimlik No in full" lacks "$T/digest" \
    "${FULL[@]}" "615 902" "615.902" "615-902"
robot digest --send >/dev/null 2>"$T/digest-send.log"
check_eq "digest --send exits 0" 0 $? || cat "$T/digest-send.log"
servers_fetch_all bidb@example.edu.tr INBOX "$T/bidb" >/dev/null
for f in "$T"/bidb/*.eml; do
	decoded "$f"
done
check "BİDB got the digest" grep -q "^Subject: NES yenileme haftalık özeti" \
    "$T"/bidb/*.eml.txt
check "the digest mail lists the Kamu SM mail, masked" \
    grep -qF "T.C. 384.***.***.42" "$T"/bidb/*.eml.txt
for f in "$T"/bidb/*.eml; do
	check "BİDB's mail $(basename "$f") shows no number in full" lacks \
	    "$f.txt" "${FULL[@]}" "615 902" "615.902" "615-902"
done
n=$(servers_fetch_all zeynep.arslan@example.edu.tr INBOX "$T/head")
check_eq "the unit head got the acknowledgement" 1 "$n"
decoded "$T/head/1.eml"
check "the acknowledgement gives the title with the number masked" \
    grep -qF "Prof. Dr. TC384******42" "$T/head/1.eml.txt"
check "the acknowledgement shows no number in full" lacks \
    "$T/head/1.eml.txt" "${FULL[@]}" 12300001502

servers_done
