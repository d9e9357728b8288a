#!/usr/bin/env bash
# test_poll.sh: reading a mailbox, end to end, against a real Dovecot.
#
# Every mail fixture of tests/fixtures/mail/ (Turkish text in UTF-8,
# ISO-8859-9, windows-1254 and latin1, HTML-only, forwarded, attachments,
# RFC 2231 names, broken mail), a generated 5 MB one and a 300 KB one over
# the configured size limit are appended unread; one `robot poll` must
# record each exactly once, decoded, and leave them unread.  Then what
# must fail does fail, recording nothing: a CA that did not sign the
# server's certificate, a closed port, a wrong password.  Last, a
# UIDVALIDITY change makes the robot read the folder again without
# recording anything twice as new.
#
# Run from anywhere; BUILD names the build directory (default build).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
MAIL=tests/fixtures/mail
USER_=robot@example.edu.tr

. tests/lib/check.sh
. tests/lib/servers.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi

ledger() {
	sqlite3 -batch -noheader "$SRV_DIR/robot.db" "$1"
}

# SQL for "the row of this Message-ID", with or without angle brackets.
row() {
	printf "(SELECT id FROM message WHERE message_id IN ('%s', '<%s>') ORDER BY id LIMIT 1)" \
	    "$1" "$1"
}

# Poll with config $1; stdout and stderr in $SRV_DIR/out and err; $? kept.
poll() {
	ROBOT_NOW=2026-04-06T10:00:00+03:00 "$ROBOT" -c "$1" poll \
	    >"$SRV_DIR/out" 2>"$SRV_DIR/err"
}

recorded() {
	sed -n 's/.* \([0-9]*\) recorded.*/\1/p' "$SRV_DIR/out"
}

servers_start "$(mktemp -d "${TMPDIR:-/tmp}/nr-poll.XXXXXX")" "$USER_" ||
    { echo "not ok - servers start"; exit 1; }
CONF=$SRV_DIR/robot.ini
servers_write_config "$CONF" "$USER_" "" "[limits]" "max_message = 100K"
grep -q '^tls *=' <(sed -n '/^\[smtp\]/,/^\[/p' "$CONF") ||
    sed -i -e '/^\[smtp\]/a tls = none' "$CONF"

# The generated ones: the fixtures' 5 MB message, and a 300 KB form mail
# whose headers (windows-1254 subject) must still be read.
gen=$SRV_DIR/gen
mkdir -p "$gen"
sh "$MAIL/make-big.sh" "$gen/big-attachment.eml"
python3 - "$gen/over-limit-300k.eml" <<'EOF'
import base64, sys
subj = "ŞUBAT AYI NES BAŞVURU ARŞİVİ - ÖĞRETİM ÜYELERİ (ÇOK BÜYÜK EK)"
data = bytes((i * 7919) % 251 for i in range(225 * 1024))
b = base64.b64encode(data).decode()
with open(sys.argv[1], "w", newline="\r\n") as f:
    f.write("From: =?windows-1254?B?%s?= <bidb@example.edu.tr>\n" %
        base64.b64encode("Bilgi İşlem".encode("cp1254")).decode())
    f.write("To: robot@example.edu.tr\n")
    f.write("Subject: =?windows-1254?B?%s?=\n" %
        base64.b64encode(subj.encode("cp1254")).decode())
    f.write("Date: Thu, 02 Apr 2026 09:30:00 +0300\n")
    f.write("Message-ID: <over-limit.0402@example.edu.tr>\n")
    f.write("MIME-Version: 1.0\n")
    f.write('Content-Type: multipart/mixed; boundary="ol"\n\n')
    f.write("--ol\nContent-Type: text/plain; charset=utf-8\n\n")
    f.write("Şubat ayı arşivi ektedir.\n\n")
    f.write('--ol\nContent-Type: application/zip; name="arsiv.zip"\n')
    f.write('Content-Disposition: attachment; filename="arsiv.zip"\n')
    f.write("Content-Transfer-Encoding: base64\n\n")
    f.write("\n".join(b[i:i + 76] for i in range(0, len(b), 76)))
    f.write("\n--ol--\n")
EOF

files=("$MAIL"/*.eml "$gen/big-attachment.eml" "$gen/over-limit-300k.eml")
n=${#files[@]}
servers_append "$USER_" INBOX "${files[@]}" ||
    { echo "not ok - fixtures appended"; exit 1; }

t0=$(date +%s.%N)
poll "$CONF"
rc=$?
t1=$(date +%s.%N)
echo "# first poll of $n messages took" \
    "$(python3 -c "print(round($t1 - $t0, 2))") s: $(cat "$SRV_DIR/out")"
check_eq "first poll exits 0" 0 "$rc" || sed 's/^/    /' "$SRV_DIR/err"
check_eq "first poll records all $n messages" "$n" "$(recorded)"
check_eq "the ledger holds one row per message" "$n" \
    "$(ledger "SELECT count(*) FROM message")"
check_eq "one row per UID" "$n" \
    "$(ledger "SELECT count(DISTINCT uid) FROM message")"

# Subjects as a reader sees them (checked against Python's decoder when
# the fixtures were written); the unknown charset is read as windows-1254
# and the raw 8-bit header as UTF-8.
while IFS=$'\t' read -r mid subject; do
	check_eq "subject of <$mid>" "$subject" \
	    "$(ledger "SELECT subject FROM message WHERE id = $(row "$mid")")"
done <<'EOF'
20260324101500.4F2A1@mail.example.edu.tr	NES Yenileme Talep Formu - Talep No 48213 (Mühendislik Fakültesi)
kamusm.20260325140211.77310@kamusm.gov.tr	Nitelikli Elektronik Sertifika Başvurunuz Hakkında
bidb.nes.0326@example.edu.tr	Kurumsal NES Yenileme Başvurusu - Mühendislik Fakültesi
trk-55120@courier.example.com	Ürün teslim bilgisi
CAF=html.only.0330@mail.example.edu.tr	NES Yenileme Talep Formu - Mühendislik Fakültesi
fwd.0326.caglar@example.edu.tr	İLT: Nitelikli Elektronik Sertifika Başvurunuz Hakkında
reply.0331.ayse@example.edu.tr	YNT: [NES-2026-0042] Başvurunuzu onaylayınız
xlsx.0324.demir@example.edu.tr	e-imza sertifika yenileme #48213
csv.0324.demir@example.edu.tr	NES Yenileme Talep Formu (CSV)
badb64.0325@kamusm.gov.tr	Başvurunuz alınmıştır
cargo.0402@example.edu.tr	Islak imzalı formlar kargoya verildi
unknowncs.0327@kamusm.gov.tr	Sertifikanız kurye ile gönderilmiştir
8bit.0330@example.edu.tr	NES yenileme: İsmail Çağlar başvurusu
cut.0324@example.edu.tr	NES listesi (kesik ileti)
big.0401.ayse@example.edu.tr	NES başvuru arşivi (büyük ek)
over-limit.0402@example.edu.tr	ŞUBAT AYI NES BAŞVURU ARŞİVİ - ÖĞRETİM ÜYELERİ (ÇOK BÜYÜK EK)
EOF

check_eq "the HTML-only mail's table rows are lines joined by ' | '" 1 \
    "$(ledger "SELECT count(*) FROM message_text WHERE message =
    $(row CAF=html.only.0330@mail.example.edu.tr) AND
    body LIKE '%Ayşe Yılmaz | 10000000146 | Dr. Öğr. Üyesi%' AND
    body LIKE '%İsmail Çağlar | 23456789060 | Arş. Gör.%'")"
check_eq "the forwarded Kamu SM mail's text is read" 1 \
    "$(ledger "SELECT count(*) FROM message_text WHERE message =
    $(row fwd.0326.caglar@example.edu.tr) AND body LIKE '%Sayın%'")"

# Attachments: decoded names (RFC 2231, continuations, RFC 2047 in a
# quoted name), types, decoded sizes.
while IFS=$'\t' read -r mid name type size; do
	check_eq "attachment \"$name\" of <$mid>" "$type $size" \
	    "$(ledger "SELECT lower(type) || ' ' || size FROM attachment
	    WHERE message = $(row "$mid") AND name = '$name'")"
done <<'EOF'
csv.0324.demir@example.edu.tr	NES Başvuru Formu.csv	text/csv	282
xlsx.0324.demir@example.edu.tr	NES Yenileme Başvuru Listesi İnşaat.xlsx	application/vnd.openxmlformats-officedocument.spreadsheetml.sheet	494
bidb.nes.0326@example.edu.tr	Başvuru Formu İmzalı.pdf	application/pdf	77
cut.0324@example.edu.tr	liste.csv	text/csv	48
EOF

for mid in cut.0324@example.edu.tr badb64.0325@kamusm.gov.tr \
    unknowncs.0327@kamusm.gov.tr; do
	check "broken <$mid> is recorded with a note" test -n \
	    "$(ledger "SELECT notes FROM message WHERE id = $(row "$mid")")"
done
check_eq "the mail without headers is recorded" 1 \
    "$(ledger "SELECT count(*) FROM message WHERE
    (message_id IS NULL OR message_id = '') AND size > 0")"

for mid in over-limit.0402@example.edu.tr big.0401.ayse@example.edu.tr; do
	check "<$mid> over max_message: recorded with a note" test -n \
	    "$(ledger "SELECT notes FROM message WHERE id = $(row "$mid")")"
	check_eq "<$mid> over max_message: headers only, no attachment" 0 \
	    "$(ledger "SELECT count(*) FROM attachment WHERE
	    message = $(row "$mid")")"
	check "<$mid> over max_message: its real size is kept" test \
	    "$(ledger "SELECT size FROM message WHERE id = $(row "$mid")")" \
	    -gt 102400
done

check_eq "every message is still unread on the server" 0 \
    "$(servers_flags "$USER_" INBOX | grep -c 'Seen')"

poll "$CONF"
check_eq "second poll exits 0" 0 "$?"
check_eq "second poll records nothing" 0 "$(recorded)"

# What must fail, with one more message waiting that none may record.
servers_append "$USER_" INBOX "$MAIL/utf8-plain.eml"
total=$n

sed "s|^ca_file = .*|ca_file = $SRV_WRONG_CA|" "$CONF" >"$SRV_DIR/wrong-ca.ini"
chmod 600 "$SRV_DIR/wrong-ca.ini"	# it holds a password
poll "$SRV_DIR/wrong-ca.ini"
check_eq "wrong CA: poll exits 1" 1 "$?"
check "wrong CA: says the certificate is not trusted" \
    grep -q 'not trusted' "$SRV_DIR/err"
check_eq "wrong CA: nothing recorded" "$total" \
    "$(ledger "SELECT count(*) FROM message")"

closed=$(_srv_free_ports 1)
sed "s|^port = $SRV_IMAPS_PORT\$|port = $closed|" "$CONF" \
    >"$SRV_DIR/closed.ini"
chmod 600 "$SRV_DIR/closed.ini"
poll "$SRV_DIR/closed.ini"
check_eq "closed port: poll exits 1" 1 "$?"
check "closed port: says it cannot connect" \
    grep -q 'cannot connect' "$SRV_DIR/err"

sed "s|^password = .*|password = not-the-password|" "$CONF" \
    >"$SRV_DIR/badpw.ini"
chmod 600 "$SRV_DIR"/*.ini
poll "$SRV_DIR/badpw.ini"
check_eq "wrong password: poll exits 1" 1 "$?"
check "wrong password: says the login was refused" \
    grep -q 'login refused' "$SRV_DIR/err"
check_eq "failed polls recorded nothing" "$total" \
    "$(ledger "SELECT count(*) FROM message")"

# The waiting message is a copy of one already read: recorded as a
# duplicate of it.
poll "$CONF"
check_eq "poll after the failures exits 0" 0 "$?"
check_eq "the waiting message is recorded" $((total + 1)) \
    "$(ledger "SELECT count(*) FROM message")"
check_eq "the copy is a duplicate" duplicate \
    "$(ledger "SELECT outcome FROM message ORDER BY id DESC LIMIT 1")"
total=$((total + 1))
fresh=$(ledger "SELECT count(*) FROM message WHERE outcome <> 'duplicate'")

# UIDVALIDITY changes (the folder was rebuilt): every message comes again
# under new UIDs; none may count as new.
v=$(_srv_doveadm -f flow mailbox status -u "$USER_" uidvalidity INBOX |
    sed 's/.*uidvalidity=//')
_srv_doveadm mailbox update -u "$USER_" --uid-validity $((v + 1000)) INBOX
check_eq "UIDVALIDITY changed on the server" $((v + 1000)) \
    "$(_srv_doveadm -f flow mailbox status -u "$USER_" uidvalidity INBOX |
    sed 's/.*uidvalidity=//')"
poll "$CONF"
check_eq "poll after the UIDVALIDITY change exits 0" 0 "$?" ||
    sed 's/^/    /' "$SRV_DIR/err"
echo "# $(cat "$SRV_DIR/out")"
check_eq "after the change, every message is read again" \
    $((total + n + 1)) "$(ledger "SELECT count(*) FROM message")"
check_eq "after the change, nothing is recorded as new" "$fresh" \
    "$(ledger "SELECT count(*) FROM message WHERE outcome <> 'duplicate'")"
check_eq "the folder's mark follows the new UIDVALIDITY" $((v + 1000)) \
    "$(ledger "SELECT uidvalidity FROM folder WHERE name = 'INBOX'")"
check_eq "still every message unread on the server" 0 \
    "$(servers_flags "$USER_" INBOX | grep -c 'Seen')"

# A poll with nothing new starts without libcurl, libxml2 and libzip
# (robot/lazy.h).  One with new mail loads libxml2 and libzip first: where
# that fails it fetches nothing and says why, and the next poll takes the
# mail.
loaded=$(LD_DEBUG=files ROBOT_NOW=2026-04-06T10:00:00+03:00 "$ROBOT" \
    -c "$CONF" poll 2>&1 >/dev/null |
    sed -n 's/.*file=\(lib[a-z0-9-]*\)\.so.*/\1/p' |
    grep -E '^lib(curl-gnutls|xml2|zip)$' | sort -u | tr '\n' ' ')
check_eq "a poll with nothing new loads none of the three" "" "$loaded"
before=$(ledger "SELECT count(*) FROM message")
sed 's/^Message-ID: .*/Message-ID: <lazy.0406@example.edu.tr>/' \
    "$MAIL/html-only.eml" >"$gen/lazy.eml"
servers_append "$USER_" INBOX "$gen/lazy.eml" ||
    { echo "not ok - lazy.eml appended"; exit 1; }
mkdir -p "$SRV_DIR/broken"
echo "not a library" >"$SRV_DIR/broken/libxml2.so.2"
LD_LIBRARY_PATH=$SRV_DIR/broken poll "$CONF"
check_eq "with libxml2 not loadable, the poll exits 1" 1 "$?"
check "... saying which library and why" grep -q \
    'cannot load libxml2.so.2: .* (needed to read HTML and forms)' \
    "$SRV_DIR/err"
check_eq "... and records nothing" "$before" \
    "$(ledger "SELECT count(*) FROM message")"
poll "$CONF"
check_eq "the next poll takes the message" 1 "$(recorded)"
check "... its HTML read as text" test -n "$(ledger "SELECT body FROM
    message_text WHERE message = $(row lazy.0406@example.edu.tr)")"

# A database from before migration 4 (text in the message row, an index
# A database from before migration 4 (text in the message row, an index
# on the hash, no retention columns) is upgraded without losing any text:
# put it back the old way (the later migrations undone too), open it.
texts=$(ledger "SELECT count(*) FROM message_text WHERE body IS NOT NULL")
sum=$(ledger "SELECT sum(length(body)) || ' ' || sum(length(html)) FROM
    message_text")
codes=$(ledger "SELECT group_concat(id || ':' || coalesce(reason_code, ''),
    ' ') FROM message")
ledger "ALTER TABLE message ADD COLUMN headers TEXT;
    ALTER TABLE message ADD COLUMN body TEXT;
    ALTER TABLE message ADD COLUMN html TEXT;
    UPDATE message SET (headers, body, html) = (SELECT headers, body, html
    FROM message_text WHERE message = message.id);
    DROP TABLE message_text; CREATE INDEX message_hash ON message(hash);
    ALTER TABLE cases DROP COLUMN closed_as;
    ALTER TABLE cases DROP COLUMN merged_into;
    ALTER TABLE cases DROP COLUMN paused_t;
    ALTER TABLE event DROP COLUMN actor; ALTER TABLE event DROP COLUMN why;
    DROP INDEX event_message; ALTER TABLE message DROP COLUMN purged_t;
    ALTER TABLE cases DROP COLUMN purged_t;
    DELETE FROM counter WHERE name = 'purge_vacuum';
    ALTER TABLE message DROP COLUMN reason_code;
    DROP INDEX outbox_sent; DROP INDEX outbox_kind;
    DELETE FROM schema_version WHERE version >= 4;"
ROBOT_NOW=2026-04-06T10:00:00+03:00 "$ROBOT" -c "$CONF" status \
    >"$SRV_DIR/out" 2>"$SRV_DIR/err"
check_eq "an older database opens" 0 "$?"
check_eq "its texts move to their own table" "$texts" \
    "$(ledger "SELECT count(*) FROM message_text WHERE body IS NOT NULL")"
check_eq "every text and HTML byte moves" "$sum" \
    "$(ledger "SELECT sum(length(body)) || ' ' || sum(length(html)) FROM
    message_text")"
check_eq "the message rows hold no text any more" 0 \
    "$(ledger "SELECT count(*) FROM pragma_table_info('message') WHERE
    name IN ('headers', 'body', 'html')")"
check_eq "the hash index is gone" 0 \
    "$(ledger "SELECT count(*) FROM sqlite_master WHERE name =
    'message_hash'")"
check_eq "the columns of the corrections are there" 5 \
    "$(ledger "SELECT (SELECT count(*) FROM pragma_table_info('cases') WHERE
    name IN ('closed_as', 'merged_into', 'paused_t')) + (SELECT count(*)
    FROM pragma_table_info('event') WHERE name IN ('actor', 'why'))")"
check "the messages had reason codes" grep -q ':no_rule\|:moved\|:form' \
    <<<"$codes"
check_eq "each message gets back its reason code from its words" \
    "$codes" "$(ledger "SELECT group_concat(id || ':' ||
    coalesce(reason_code, ''), ' ') FROM message")"
check_eq "the outbox's counts have their indexes" 3 \
    "$(ledger "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND
    name IN ('outbox_sent', 'outbox_kind', 'outbox_due')")"
check_eq "the reminders' change counter has its triggers" 8 \
    "$(ledger "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'
    AND name LIKE 'remind_%'")"
# Its free space may hold what was deleted before secure_delete.
check_eq "the first purge that removes anything will vacuum it" 1 \
    "$(ledger "SELECT value FROM counter WHERE name = 'purge_vacuum'")"

servers_done
