#!/usr/bin/env bash
# test_parts.sh: fetching only what the robot reads, against a real Dovecot.
#
# Large messages (16 KB and more) are read by their BODYSTRUCTURE: their
# pictures, PDFs and signatures never cross the wire, only the first and
# last bytes of their base64, which tell their decoded size.  The mailbox:
# a PDF with an RFC 2231 name, text and HTML beside an inline picture and
# a form (.xlsx), a PDF whose base64 is damaged, one whose base64 lines
# are of two lengths (its size cannot be told from its ends: fetched
# whole), a message that is one PDF, a forwarded message/rfc822 with its
# own PDF, a form sent as octet-stream without a name, a signed message,
# and a small one (fetched whole).  Checked:
#   - the literals the robot received add up to a fraction of the mailbox;
#   - each message is recorded as the robot decodes its whole file (`rules
#     test`): the text, each attachment's name, type and decoded size, the
#     form bytes kept;
#   - a copy in a second folder, and every message after a UIDVALIDITY
#     change, is a duplicate of the first (same hash of what was fetched);
#   - a message recorded whole before (a hash of the whole message, as an
#     earlier version wrote it) is still recognised when it comes in parts
#     (same Message-ID, size, Date and From), and another message under
#     the same Message-ID is not;
#   - nothing became \Seen;
#   - in batches of two (the next batch's sizes and structures asked while
#     one is fetched) every message is recorded as in one batch, from the
#     same bytes, and the next batch's sizes are asked before this
#     batch's messages.
#
# Run from anywhere; BUILD names the build directory (default build).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
USER_=robot@example.edu.tr

. tests/lib/check.sh
. tests/lib/servers.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi

servers_start "$(mktemp -d "${TMPDIR:-/tmp}/nr-parts.XXXXXX")" "$USER_" ||
    { echo "not ok - servers start"; exit 1; }
CONF=$SRV_DIR/robot.ini
servers_write_config "$CONF" "$USER_" "" "[robot]" \
    "rules_dir = $(pwd)/rules" "templates_dir = $(pwd)/templates" \
    "holidays_file = $(pwd)/rules/holidays.txt"
sed -i -e '/^\[smtp\]/a tls = none' \
    -e 's/^folders = .*/folders = INBOX, Arşiv/' "$CONF"
T=$SRV_DIR/t
mkdir -p "$T/mail"

ledger() {
	sqlite3 -batch -noheader "$SRV_DIR/robot.db" "$1"
}

poll() {
	ROBOT_NOW=2026-04-06T10:00:00+03:00 "$ROBOT" "$@" -c "$CONF" poll \
	    >"$T/out" 2>"$T/err"
}

python3 - "$T/mail" tests/fixtures/forms/nes-form.xlsx <<'EOF'
import base64, sys

out, xlsx = sys.argv[1], open(sys.argv[2], "rb").read()

def blob(n, k):
	return bytes((i * k + i // 7) % 256 for i in range(n))

def b64(data, damaged=False, uneven=False):
	s = base64.encodebytes(data).decode()
	if damaged:
		s = "".join(l[:30] + "!" + l[30:] + "\n" for l in s.splitlines())
	if uneven:
		s = s.replace("\n", "")
		s = "".join(s[i:i + 60] + "\n" + s[i + 60:i + 136] + "\n"
		    for i in range(0, len(s), 136)).replace("\n\n", "\n")
	return s

def head(mid, subject, ctype, date="Mon, 30 Mar 2026 10:00:00 +0300"):
	return ("From: =?utf-8?Q?Ay=C5=9Fe_Y=C4=B1lmaz?= "
	    "<ayse.yilmaz@example.edu.tr>\n"
	    "To: bidb@example.edu.tr\n"
	    "Subject: %s\nDate: %s\nMessage-ID: <%s@example.edu.tr>\n"
	    "MIME-Version: 1.0\nContent-Type: %s\n\n" %
	    (subject, date, mid, ctype))

def text(t):
	return ("Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\n\n%s\n" % t)

def part(ctype, data, extra="", damaged=False, uneven=False):
	return ("Content-Type: %s\n%sContent-Transfer-Encoding: base64\n\n%s" %
	    (ctype, extra, b64(data, damaged, uneven)))

def mixed(b, *parts):
	return "".join("--%s\n%s\n" % (b, p) for p in parts) + "--%s--\n" % b

msgs = {}
msgs["pdf"] = head("parts.pdf", "Başvuru formu", 'multipart/mixed; '
    'boundary="a1"') + mixed("a1", text("Formum ektedir, iyi çalışmalar."),
    part("application/pdf", blob(200000, 3), "Content-Disposition: "
    "attachment; filename*=utf-8''Ba%C5%9Fvuru%20Formu.pdf\n"))
msgs["alt"] = head("parts.alt", "NES Yenileme Talep Formu",
    'multipart/mixed; boundary="b1"') + mixed("b1",
    'Content-Type: multipart/alternative; boundary="b2"\n\n' + mixed("b2",
    text("Talep formu ekte."), "Content-Type: text/html; charset=utf-8\n\n"
    "<p>Talep <b>formu</b> ekte.</p>\n"),
    part("image/jpeg", blob(100000, 5), "Content-ID: <logo@x>\n"
    "Content-Disposition: inline\n"),
    part("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    xlsx, 'Content-Disposition: attachment; filename="NES Form.xlsx"\n'))
msgs["damaged"] = head("parts.damaged", "Bozuk ek", 'multipart/mixed; '
    'boundary="c1"') + mixed("c1", text("Ek bozuk gelebilir."),
    part('application/pdf; name="bozuk.pdf"', blob(60000, 7), damaged=True))
msgs["uneven"] = head("parts.uneven", "Satırları eşit olmayan ek",
    'multipart/mixed; boundary="c2"') + mixed("c2", text("Ek."),
    part('application/pdf; name="uzun.pdf"', blob(60000, 37), uneven=True))
msgs["single"] = head("parts.single", "Tek parça", 'application/pdf; '
    'name="tek.pdf"\nContent-Transfer-Encoding: base64').rstrip("\n") + \
    "\n\n" + b64(blob(60000, 11))
inner = head("parts.inner", "İç ileti", 'multipart/mixed; boundary="d2"') + \
    mixed("d2", text("Kamu SM bildirimi."), part('application/pdf; '
    'name="ic.pdf"', blob(30000, 13)))
msgs["fwd"] = head("parts.fwd", "İLT: İç ileti", 'multipart/mixed; '
    'boundary="d1"') + mixed("d1", text("Bilginize."),
    "Content-Type: message/rfc822\n\n" + inner,
    part('image/png; name="ekran.png"', blob(50000, 17)))
msgs["octet"] = head("parts.octet", "Form", 'multipart/mixed; '
    'boundary="e1"') + mixed("e1", text("Form ektedir."),
    part("application/octet-stream", xlsx),
    part('image/png; name="imza.png"', blob(40000, 19)))
msgs["signed"] = head("parts.signed", "İmzalı", 'multipart/signed; '
    'protocol="application/pkcs7-signature"; micalg=sha-256; '
    'boundary="f1"') + mixed("f1", 'Content-Type: multipart/mixed; '
    'boundary="f2"\n\n' + mixed("f2", text("İmzalı ileti."),
    part('application/pdf; name="belge.pdf"', blob(40000, 23))),
    part('application/pkcs7-signature; name="smime.p7s"', blob(3000, 29),
    'Content-Disposition: attachment; filename="smime.p7s"\n'))
msgs["small"] = head("parts.small", "Küçük", 'multipart/mixed; '
    'boundary="g1"') + mixed("g1", text("Küçük ek."),
    part('application/pdf; name="kucuk.pdf"', blob(3000, 31)))
for name, m in msgs.items():
	with open("%s/%s.eml" % (out, name), "w", newline="\r\n") as f:
		f.write(m)
EOF
files=("$T"/mail/*.eml)
n=${#files[@]}
total=$(cat "${files[@]}" | wc -c)
servers_append_raw "$USER_" INBOX "${files[@]}" &&
    servers_append_raw "$USER_" Arşiv "$T/mail/pdf.eml" ||
    { echo "not ok - mail appended"; exit 1; }

poll -v
check_eq "poll exits 0" 0 "$?" || tail -n 20 "$T/err" | sed 's/^/    /'
got=$(sed -n 's/.*imap: < (\([0-9]*\) bytes of mail, not logged).*/\1/p' \
    "$T/err" | awk '{ s += $1 } END { print s + 0 }')
echo "# the mailbox: $total bytes in INBOX (and a copy); received: $got"
check "less than a fifth of the mailbox's bytes came over the wire" \
    test "$got" -lt $((total / 5))
check "the PDF was asked for by its two ends alone" \
    grep -q "BODY.PEEK\[2\]<0.128>" "$T/err"
check_eq "every message is recorded" $((n + 1)) \
    "$(ledger "SELECT count(*) FROM message")"

# Each as the robot decodes the whole file: text, attachments, form bytes.
for f in "${files[@]}"; do
	name=$(basename "$f" .eml)
	mid=parts.$name@example.edu.tr
	id=$(ledger "SELECT id FROM message WHERE message_id = '$mid' AND
	    outcome <> 'duplicate'")
	"$ROBOT" -c "$CONF" rules test "$f" >"$T/$name.test" 2>&1
	sed -n '/^--- text the rules see ---$/,/^--- end of text ---$/p' \
	    "$T/$name.test" | sed '1d;$d' >"$T/$name.want"
	ledger "SELECT body FROM message_text WHERE message = $id" \
	    >"$T/$name.got"
	check "$name: the text is the whole file's" \
	    diff "$T/$name.want" "$T/$name.got"
	sed -n 's/^Attachment: \(.*\) (\([^,]*\), \([0-9]*\) bytes.*/\1|\2|\3/p' \
	    "$T/$name.test" >"$T/$name.awant"
	ledger "SELECT ifnull(name, '(no name)') || '|' || type || '|' ||
	    size FROM attachment WHERE message = $id ORDER BY id" \
	    >"$T/$name.agot"
	check "$name: the attachments are the whole file's (name, type, size)" \
	    diff "$T/$name.awant" "$T/$name.agot"
done
check_eq "a picture's decoded size is known without its bytes" \
    "100000|0" "$(ledger "SELECT a.size || '|' || length(ifnull(a.data,
    '')) FROM attachment a JOIN message m ON m.id = a.message WHERE
    m.message_id = 'parts.alt@example.edu.tr' AND a.type = 'image/jpeg'")"
xsize=$(wc -c <tests/fixtures/forms/nes-form.xlsx)
check_eq "the forms' bytes are kept (named .xlsx, and octet-stream)" \
    "$xsize $xsize" "$(ledger "SELECT group_concat(length(a.data), ' ') FROM
    attachment a JOIN message m ON m.id = a.message WHERE m.message_id IN
    ('parts.alt@example.edu.tr', 'parts.octet@example.edu.tr') AND
    a.data IS NOT NULL AND length(a.data) > 0")"
check_eq "large messages with holes are hashed as fetched in parts" 7 \
    "$(ledger "SELECT count(*) FROM message WHERE folder = 'INBOX' AND
    hash LIKE 'p%'")"
check_eq "the small one, and the one whose PDF has lines of two lengths," \
    "parts.small@example.edu.tr parts.uneven@example.edu.tr" \
    "$(ledger "SELECT group_concat(message_id, ' ') FROM (SELECT message_id
    FROM message WHERE folder = 'INBOX' AND length(hash) = 32 ORDER BY 1)")"
check_eq "the copy in the second folder is a duplicate of the first" \
    "duplicate" "$(ledger "SELECT outcome FROM message WHERE folder =
    'Arşiv'")"

# An earlier version recorded whole what now comes in parts.
ledger "UPDATE message SET hash = '00112233445566778899aabbccddeeff'
    WHERE folder = 'INBOX' AND message_id = 'parts.pdf@example.edu.tr'"
sed 's/^Date: Mon, 30 Mar 2026 10:00:00/Date: Mon, 30 Mar 2026 10:00:01/' \
    "$T/mail/pdf.eml" >"$T/other.eml"
servers_append_raw "$USER_" Arşiv "$T/mail/pdf.eml" "$T/other.eml"
poll
check_eq "second poll exits 0" 0 "$?" || tail -n 20 "$T/err" | sed 's/^/    /'
check_eq "a copy of a message recorded whole is a duplicate" \
    "duplicate|same message as #$(ledger "SELECT id FROM message WHERE
    folder = 'INBOX' AND message_id = 'parts.pdf@example.edu.tr'")" \
    "$(ledger "SELECT outcome || '|' || reason FROM message WHERE folder =
    'Arşiv' AND uid = 2")"
check "another message under the same Message-ID is not" test \
    "$(ledger "SELECT outcome FROM message WHERE folder = 'Arşiv' AND
    uid = 3")" != duplicate

# A new UIDVALIDITY: everything comes again, nothing is new.
fresh=$(ledger "SELECT count(*) FROM message WHERE outcome <> 'duplicate'")
v=$(_srv_doveadm -f flow mailbox status -u "$USER_" uidvalidity INBOX |
    sed 's/.*uidvalidity=//')
_srv_doveadm mailbox update -u "$USER_" --uid-validity $((v + 1000)) INBOX
poll
check_eq "poll after a UIDVALIDITY change exits 0" 0 "$?"
check_eq "after it every message is read again, as a duplicate" \
    "$fresh $((n + 3 + n))" "$(ledger "SELECT count(*) FROM message WHERE
    outcome <> 'duplicate'") $(ledger "SELECT count(*) FROM message")"
check_eq "nothing became \\Seen" 0 \
    "$(servers_flags "$USER_" INBOX | grep -c Seen)"

# In batches of two, the next batch's sizes and structures asked while
# this one is fetched: the same messages, recorded the same, as one batch
# gives them into a database of its own.
for b in 2 500; do
	sed -e "s|^path = .*|path = $SRV_DIR/batch$b.db|" \
	    -e "/^\[imap\]/a batch = $b" "$CONF" >"$SRV_DIR/batch$b.ini"
	chmod 600 "$SRV_DIR/batch$b.ini"
	ROBOT_NOW=2026-04-06T10:00:00+03:00 "$ROBOT" -v \
	    -c "$SRV_DIR/batch$b.ini" poll >"$T/out$b" 2>"$T/err$b"
	check_eq "poll in batches of $b exits 0" 0 "$?" ||
	    tail -n 20 "$T/err$b" | sed 's/^/    /'
	sqlite3 -batch -noheader "$SRV_DIR/batch$b.db" "SELECT m.folder,
	    m.uid, m.message_id, m.hash, m.outcome, ifnull(m.reason_code, ''),
	    length(ifnull(t.body, '')), (SELECT group_concat(ifnull(a.name,
	    '') || '/' || a.type || '/' || a.size, ' ') FROM attachment a
	    WHERE a.message = m.id) FROM message m LEFT JOIN message_text t
	    ON t.message = m.id ORDER BY m.folder, m.uid" >"$T/rows$b"
done
check "batches of two record what one batch records" \
    diff "$T/rows500" "$T/rows2"
check_eq "every message of both folders is recorded in batches of two" \
    $((n + 3)) "$(wc -l <"$T/rows2")"
wire() {
	sed -n 's/.*imap: < (\([0-9]*\) bytes of mail, not logged).*/\1/p' \
	    "$1" | awk '{ s += $1 } END { print s + 0 }'
}
check_eq "the same bytes come over the wire in batches of two" \
    "$(wire "$T/err500")" "$(wire "$T/err2")"
# INBOX holds UIDs 1 to n: step one for 3:4 goes before any message of
# 1:2 is asked for (BODY.PEEK[], [TEXT] or a part, not the header).
ahead=$(grep -n 'imap: > F[0-9]* UID FETCH 3:4 (UID RFC822.SIZE' \
    "$T/err2" | head -n 1 | cut -d: -f1)
first=$(grep -nE 'imap: > F[0-9]* UID FETCH [12][0-9:,]* \(UID BODY\.PEEK\[[]T0-9]' \
    "$T/err2" | head -n 1 | cut -d: -f1)
check "the next batch's sizes are asked before this batch's messages" \
    test "${ahead:-0}" -gt 0 -a "${first:-0}" -gt "${ahead:-0}"

servers_done
