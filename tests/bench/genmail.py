#!/usr/bin/env python3
"""genmail.py: writes a realistic institutional mailbox for `make bench`.

	genmail.py N MAILDIR [SEED]

Writes N messages straight into MAILDIR/cur (unread), in the order they
should get their UIDs, and prints one summary line.  Same N and seed, same
bytes.

The mailbox mixes:
- workflow mail: the story of tests/fixtures/story (every stage, every
  shape: BYS tickets, xlsx and HTML forms, Kamu SM notifications in UTF-8,
  ISO-8859-9 upper case and windows-1254 HTML, replies, bounces, forgeries,
  out-of-office) and the rule fixtures of tests/fixtures/rules, each copy
  with new Message-IDs, ticket numbers, people (names in every case and
  spelling, addresses, valid T.C. Kimlik Nos, masked ones too);
- ordinary institutional mail: announcements, replies with quoted history,
  HTML newsletters, mail with PDF or image attachments of 30-500 KB.

Every message carries the stamp of the institution's MX (stamp()), as in
a real mailbox.
"""

import base64
import email
import email.header
import email.utils
import io
import os
import quopri
import random
import re
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "fixtures")
DOMAIN = "example.edu.tr"


def tckn_complete(first9):
	d = [int(c) for c in first9]
	d10 = (7 * (d[0] + d[2] + d[4] + d[6] + d[8]) -
	    (d[1] + d[3] + d[5] + d[7])) % 10
	d11 = (sum(d) + d10) % 10
	return first9 + str(d10) + str(d11)


def tckn_with(prefix, suffix):
	n = 9 - len(prefix)
	for i in range(10 ** n):
		t = tckn_complete(prefix + str(i).zfill(n))
		if t.endswith(suffix):
			return t
	raise ValueError(prefix)


def masked(t):
	return t[:3] + "******" + t[-2:]


TR_ASCII = str.maketrans("çğıöşüÇĞİÖŞÜâÂ", "cgiosuCGIOSUaA")


def fold(s):
	return s.translate(TR_ASCII)


def tr_upper(s):
	return s.replace("i", "İ").replace("ı", "I").upper()


# The story's people, as make-story.py writes them.
OLD_PEOPLE = [
	("Ayşe", "Yılmaz", "ayse.yilmaz", tckn_complete("384615902")),
	("İsmail", "Çelik", "ismail.celik", tckn_complete("527093148")),
	("Gülşen", "Öztürk", "gulsen.ozturk", tckn_complete("619248375")),
	("Ömer", "Şahin", "omer.sahin", tckn_complete("241786539")),
	("Işıl", "Doğan", "isil.dogan", tckn_with("123", "02")),
	("Çağrı", "Güneş", "cagri.gunes", tckn_complete("458302617")),
	("Mehmet", "Karaca", "mehmet.karaca", None),
	("Zeynep", "Arslan", "zeynep.arslan", None),
	("Hasan", "Koç", "hasan.koc", None),
]
OLD_TICKETS = ["48213", "48391"]

FIRST = ["Ahmet", "Elif", "Mustafa", "Zehra", "Hüseyin", "Büşra",
    "Ebru", "Şükrü", "İlker", "Gökhan", "Özlem", "Nurşen", "Tuğba",
    "Çiğdem", "Ülkü", "Serdar", "Işın", "Gülay", "Oğuz", "Sevgi", "Kemal",
    "Derya", "Barış", "Aslı", "Tarık", "Şebnem", "Cengiz", "Dilek",
    "Erdoğan", "Fatma", "Ilgın", "Kübra", "Levent", "Meltem", "Nazlı",
    "Onur", "Pınar", "Rıza", "Selçuk", "Tülin", "Umut", "Volkan",
    "Yasemin", "Zafer", "İpek", "Övgü", "Çağlar", "Şule"]
LAST = ["Aydın", "Kılıç", "Yıldız", "Öztürk", "Kaplan", "Doğru",
    "Çınar", "Güler", "Şimşek", "Erdem", "Koçak", "Akgül", "Işık",
    "Polat", "Karagöz", "Uçar", "Bozkurt", "Türkmen", "Ünal", "Sönmez",
    "Gündoğdu", "Ilıcak", "Özkan", "Tekin", "Acar", "Aksoy", "Bulut",
    "Çetin", "Demirci", "Ekinci", "Gök", "Kurt", "Mutlu", "Oral", "Sarı",
    "Taş", "Uysal", "Yalçın", "Zorlu", "Eren"]
UNITS = ["Fen Fakültesi", "Tıp Fakültesi", "Hukuk Fakültesi",
    "Eğitim Fakültesi", "Mimarlık Fakültesi", "Öğrenci İşleri Daire "
    "Başkanlığı", "Sağlık Kültür ve Spor Daire Başkanlığı",
    "Kütüphane ve Dokümantasyon Daire Başkanlığı", "Personel Daire "
    "Başkanlığı", "Strateji Geliştirme Daire Başkanlığı"]
WORDS = ("üniversitemiz fakülte bölüm toplantı duyuru kapsamında ilgili "
    "personel öğrenci ders sınav program takvim başvuru rektörlük "
    "senato kurul karar gereğini bilgilerinize rica ederim saygılarımla "
    "tarihinde saat salonunda yapılacak olan katılımınızı önemle arz "
    "ederim ayrıca eğitim öğretim yılı güz bahar dönemi kayıt yenileme "
    "işlemleri akademik idari birim müdürlüğü başkanlığı ekte sunulan "
    "form doldurularak teslim edilmesi gerekmektedir proje bütçe satın "
    "alma ihale komisyon rapor değerlendirme sonuç ilan mezuniyet töreni "
    "laboratuvar güvenlik bakım onarım elektrik kesintisi ağ erişim "
    "kablosuz şifre değişikliği bilgi işlem destek hizmet kütüphane "
    "veritabanı abonelik seminer konferans panel çalıştay sempozyum "
    "yayın dergi makale kitap bölüm başkanı dekan yardımcısı sekreter "
    "şube müdürü memur teknisyen uzman araştırma görevlisi öğretim üyesi "
    "görevlendirme izin rapor maaş bordro ödeme fatura sözleşme").split()


def sentence(rng, n):
	w = [rng.choice(WORDS) for _ in range(n)]
	return w[0].capitalize() + " " + " ".join(w[1:]) + "."


def paragraph(rng):
	return " ".join(sentence(rng, rng.randint(6, 16)) for _ in
	    range(rng.randint(2, 6)))


def wrap(text, width=72):
	out = []
	for para in text.split("\n"):
		line = ""
		for w in para.split(" "):
			if line and len(line) + 1 + len(w) > width:
				out.append(line)
				line = w
			else:
				line = line + " " + w if line else w
		out.append(line)
	return "\n".join(out)


def body_text(rng, size):
	parts = []
	n = 0
	while n < size:
		p = wrap(paragraph(rng))
		parts.append(p)
		n += len(p.encode()) + 2
	return "\n\n".join(parts)


class Person:
	def __init__(self, first, last, local, tckn):
		self.first, self.last, self.local, self.tckn = (first, last,
		    local, tckn)


def new_people(rng, used):
	out = []
	for first, last, local, tckn in OLD_PEOPLE:
		while True:
			f, l = rng.choice(FIRST), rng.choice(LAST)
			loc = (fold(f) + "." + fold(l)).lower()
			n = 2
			while loc in used:
				loc = (fold(f) + "." + fold(l)).lower() + str(n)
				n += 1
			break
		used.add(loc)
		t = None
		if tckn:
			t = tckn_complete(str(rng.randint(1, 9)) +
			    "".join(str(rng.randint(0, 9)) for _ in range(8)))
		out.append(Person(f, l, loc, t))
	return out


def substitution(people, tickets):
	"""(regex, dict) replacing every spelling of the story's people and
	tickets with this copy's."""
	m = {}
	for (of, ol, oloc, otk), p in zip(OLD_PEOPLE, people):
		for conv in (lambda s: s, tr_upper, fold,
		    lambda s: fold(tr_upper(s))):
			m[conv(of + " " + ol)] = conv(p.first + " " + p.last)
			m[conv(of)] = conv(p.first)
			m[conv(ol)] = conv(p.last)
		m[oloc] = p.local
		if otk:
			m[otk] = p.tckn
			m[masked(otk)] = masked(p.tckn)
	for o, n in zip(OLD_TICKETS, tickets):
		m[o] = n
	keys = sorted(m, key=len, reverse=True)
	return re.compile("|".join(re.escape(k) for k in keys)), m


MID_RE = re.compile(r"<([^<>\s]+)>")


def sub_text(s, sub):
	rx, m = sub
	return rx.sub(lambda mo: m[mo.group(0)], s)


def sub_header(name, value, sub, tag):
	if name.lower() in ("message-id", "in-reply-to", "references"):
		return MID_RE.sub(lambda mo: "<%s.%s>" % (tag, mo.group(1)),
		    value)
	try:
		parts = email.header.decode_header(value)
	except Exception:
		return value
	if all(isinstance(p, str) for p, _ in parts):
		return sub_text(value, sub)
	cs = next((c for _, c in parts if c), "utf-8")
	text = "".join(p.decode(c or "ascii", "replace") if isinstance(p,
	    bytes) else p for p, c in parts)
	new = sub_text(text, sub)
	if new == text:
		return value
	out = []
	# Keep the "Name <addr>" shape: encode only the display name.
	mo = re.match(r"^(.*?)\s*(<[^>]*>)\s*$", new)
	if mo and name.lower() in ("from", "to", "cc", "reply-to"):
		dn = email.header.Header(mo.group(1), cs).encode()
		return dn + " " + mo.group(2)
	out.append(email.header.Header(new, cs).encode())
	return "".join(out)


def sub_zip(data, sub):
	src = zipfile.ZipFile(io.BytesIO(data))
	dst = io.BytesIO()
	with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
		for zi in src.infolist():
			b = src.read(zi)
			try:
				b = sub_text(b.decode("utf-8"), sub).encode()
			except UnicodeDecodeError:
				pass
			z.writestr(zi, b)
	return dst.getvalue()


def encode_payload(data, cte):
	if cte == "base64":
		return base64.encodebytes(data).decode("ascii")
	if cte == "quoted-printable":
		return quopri.encodestring(data).decode("ascii")
	return data.decode("latin-1")


def transform(raw, sub, tag):
	"""One fixture message as this copy of the story would have it."""
	msg = email.message_from_bytes(raw.replace(b"\r\n", b"\n"))
	for part in msg.walk():
		for k, v in list(part.items()):
			nv = sub_header(k, v, sub, tag)
			if nv != v:
				part.replace_header(k, nv)
		if part.is_multipart():
			continue
		cte = (part.get("Content-Transfer-Encoding") or "7bit").lower()
		data = part.get_payload(decode=True)
		if data is None:
			continue
		if part.get_content_maintype() == "text":
			cs = part.get_content_charset() or "us-ascii"
			try:
				text = data.decode(cs, "replace")
			except LookupError:
				continue
			new = sub_text(text, sub)
			if new == text:
				continue
			nd = new.encode(cs, "replace")
		elif data[:2] == b"PK":
			try:
				nd = sub_zip(data, sub)
			except zipfile.BadZipFile:
				continue
			if cte not in ("base64",):
				continue
		else:
			continue
		part.set_payload(encode_payload(nd, cte))
	return msg.as_bytes()


AR_RE = re.compile(rb"^authentication-results:[ \t]*mx\.example\.edu\.tr[ \t;]",
    re.I | re.M)
FROM_RE = re.compile(rb"^from:(.*(?:\r?\n[ \t].*)*)", re.I | re.M)


def stamp(data):
	"""data as the institution's MX hands it on (tests/lib/servers.sh,
	servers_stamp): its Authentication-Results and Received on top, auth
	for the institution's senders and DKIM/SPF/DMARC passes for the
	others, unless it already carries a stamp of mx.example.edu.tr.  In
	a real mailbox every message came through that MX, and the robot
	believes no role without its stamp."""
	end = data.find(b"\n\n")
	head = data if end < 0 else data[:end + 1]
	if AR_RE.search(head):
		return data
	m = FROM_RE.search(head)
	a = b""
	if m:
		v = m.group(1)
		if b"<" in v:
			a = v.rsplit(b"<", 1)[1].split(b">", 1)[0]
		else:
			a = next((w for w in v.split() if b"@" in w), b"")
	a = a.strip().decode("ascii", "replace")
	d = a.rsplit("@", 1)[-1].lower()
	if "@" not in a:
		ar = "mx.example.edu.tr; none"
	elif d == DOMAIN or d.endswith("." + DOMAIN):
		ar = "mx.example.edu.tr; auth=pass smtp.auth=%s" % a
	else:
		ar = ("mx.example.edu.tr; dkim=pass header.d=%s; spf=pass "
		    "smtp.mailfrom=%s; dmarc=pass header.from=%s" % (d, a, d))
	return ("Authentication-Results: %s\nReceived: from mail.example.edu.tr "
	    "(mail.example.edu.tr [192.0.2.25])\n\tby mx.example.edu.tr "
	    "(Postfix) with ESMTPS id 4T2B9x0A1Bz1;\n\tTue, 01 Dec 2026 "
	    "09:00:00 +0300\n" % ar).encode() + data


def fixture_files():
	story = []
	for st in (1, 2, 3, 4):
		d = os.path.join(FIX, "story", "stage%d" % st)
		story += [os.path.join(d, f) for f in sorted(os.listdir(d))]
	d = os.path.join(FIX, "rules")
	rules = [os.path.join(d, f) for f in sorted(os.listdir(d)) if
	    f.endswith(".eml")]
	return ([open(f, "rb").read() for f in story],
	    [open(f, "rb").read() for f in rules])


# --- ordinary institutional mail -----------------------------------------

def staff(rng):
	f, l = rng.choice(FIRST), rng.choice(LAST)
	return f + " " + l, (fold(f) + "." + fold(l)).lower() + "@" + DOMAIN


def hdr(s):
	try:
		s.encode("ascii")
		return s
	except UnicodeEncodeError:
		return email.header.Header(s, "utf-8").encode()


def addr(name, a):
	return "%s <%s>" % (hdr(name), a)


def head(rng, n, when, frm, to, subject, extra=""):
	return ("Received: from mail.%s (mail.%s)\n\tby mx.%s (Postfix) "
	    "with ESMTPS;\n\t%s\n"
	    "Message-ID: <b%d.%x@%s>\nDate: %s\nFrom: %s\nTo: %s\n"
	    "Subject: %s\nMIME-Version: 1.0\n%s" % (DOMAIN, DOMAIN, DOMAIN,
	    email.utils.formatdate(when, localtime=False), n,
	    rng.getrandbits(48), DOMAIN, email.utils.formatdate(when),
	    addr(*frm), to, hdr(subject), extra))


def qp_part(text, subtype="plain"):
	return ("Content-Type: text/%s; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n%s" % (subtype,
	    quopri.encodestring(text.encode()).decode("ascii")))


def announcement(rng, n, when):
	frm = (rng.choice(UNITS), "duyuru@" + DOMAIN)
	subj = "Duyuru: " + sentence(rng, rng.randint(3, 7))[:-1]
	text = "Sayın Personelimiz,\n\n" + body_text(rng,
	    rng.randint(1500, 9000)) + "\n\nSaygılarımızla,\n" + frm[0] + "\n"
	return head(rng, n, when, frm, "tum-personel@" + DOMAIN, subj) + \
	    qp_part(text)


def reply(rng, n, when):
	a, b = staff(rng), staff(rng)
	subj = sentence(rng, rng.randint(3, 6))[:-1]
	quoted = body_text(rng, rng.randint(800, 4000))
	for depth in range(rng.randint(1, 4)):
		who = a if depth % 2 else b
		quoted = (body_text(rng, rng.randint(300, 2500)) + "\n\n" +
		    "%s tarihinde %s <%s> şunu yazdı:\n" % (
		    email.utils.formatdate(when - 86400 * (depth + 1)), who[0],
		    who[1]) + "\n".join("> " + l for l in quoted.split("\n")))
	text = "Merhaba,\n\n" + quoted + "\n"
	extra = "In-Reply-To: <b%d.prev@%s>\n" % (n, DOMAIN)
	return head(rng, n, when, a, addr(*b), "Ynt: " + subj, extra) + \
	    qp_part(text)


def newsletter(rng, n, when):
	frm = ("Kurumsal İletişim Koordinatörlüğü", "bulten@" + DOMAIN)
	subj = "Haftalık Bülten - " + sentence(rng, 4)[:-1]
	rows = []
	for _ in range(rng.randint(10, 50)):
		rows.append('<tr><td style="padding:8px;font-family:Arial,'
		    'sans-serif;color:#333333;font-size:14px"><h3 style="color:'
		    '#003366">%s</h3><p>%s</p><a href="https://www.%s/haber/%d"'
		    ' style="color:#0066cc">Devamı</a></td></tr>' % (
		    sentence(rng, 5), paragraph(rng), DOMAIN,
		    rng.randint(1000, 99999)))
	html = ('<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
	    'body{margin:0;padding:0}table{border-collapse:collapse}</style>'
	    '</head><body><table width="600" align="center">%s</table>'
	    '</body></html>' % "\n".join(rows))
	text = re.sub(r"<[^>]+>", " ", html)
	bnd = "=_bulten_%x" % rng.getrandbits(64)
	body = ('Content-Type: multipart/alternative; boundary="%s"\n\n'
	    "--%s\n%s\n--%s\n%s\n--%s--\n" % (bnd, bnd, qp_part(text), bnd,
	    qp_part(html, "html"), bnd))
	return head(rng, n, when, frm, "tum-personel@" + DOMAIN, subj) + body


BLOBS = []


def blob(rng):
	if not BLOBS:
		r = random.Random(7)
		for _ in range(16):
			BLOBS.append(r.randbytes(500 * 1024))
	size = int(30 * 1024 * (500 / 30) ** rng.random())
	return rng.choice(BLOBS)[:size]


def with_attachment(rng, n, when):
	a, b = staff(rng), staff(rng)
	subj = sentence(rng, rng.randint(3, 6))[:-1]
	data = blob(rng)
	kind = rng.choice([("application/pdf", "rapor_%d.pdf"),
	    ("image/jpeg", "IMG_%d.jpg"), ("application/pdf",
	    "toplanti_tutanagi_%d.pdf")])
	fname = kind[1] % rng.randint(1, 9999)
	b64 = base64.encodebytes(data).decode("ascii")
	bnd = "=_ek_%x" % rng.getrandbits(64)
	body = ('Content-Type: multipart/mixed; boundary="%s"\n\n'
	    "--%s\n%s\n--%s\nContent-Type: %s; name=\"%s\"\n"
	    "Content-Transfer-Encoding: base64\n"
	    "Content-Disposition: attachment; filename=\"%s\"\n\n%s--%s--\n" %
	    (bnd, bnd, qp_part("Merhaba,\n\n" + body_text(rng,
	    rng.randint(300, 2000)) + "\n\n" + a[0] + "\n"), bnd, kind[0],
	    fname, fname, b64, bnd))
	return head(rng, n, when, a, addr(*b), subj, "") + body


def ordinary(rng, n, when):
	x = rng.random()
	if x < 0.30:
		return announcement(rng, n, when)
	if x < 0.70:
		return reply(rng, n, when)
	if x < 0.88:
		return newsletter(rng, n, when)
	return with_attachment(rng, n, when)


def main():
	n = int(sys.argv[1])
	out = sys.argv[2]
	seed = int(sys.argv[3]) if len(sys.argv) > 3 else 2026
	rng = random.Random(seed)
	story, rules = fixture_files()
	# About a fifth of the mail is workflow: whole stories of two
	# requests and six people each, plus the rule fixtures now and then.
	ngroups = max(1, n // 5 // (len(story) + len(rules) // 4))
	used = set()
	keyed = []
	for g in range(ngroups):
		people = new_people(rng, used)
		tickets = [str(50000 + 2 * g), str(50001 + 2 * g)]
		sub = substitution(people, tickets)
		msgs = list(story)
		if g % 4 == 0:
			msgs += rules
		start = rng.random()
		span = rng.uniform(0.02, 0.2)
		for k, raw in enumerate(msgs):
			keyed.append((start + span * k / len(msgs), "w", g, k,
			    raw, sub))
	nord = max(0, n - len(keyed))
	for i in range(nord):
		keyed.append((rng.random(), "o", i, 0, None, None))
	keyed.sort(key=lambda t: t[:4])
	keyed = keyed[:n]
	cur = os.path.join(out, "cur")
	for d in ("cur", "new", "tmp"):
		os.makedirs(os.path.join(out, d), exist_ok=True)
	t0 = 1700000000
	total = 0
	nwork = 0
	for i, (key, kind, g, k, raw, sub) in enumerate(keyed):
		when = t0 + int(key * 3 * 365 * 86400)
		if kind == "w":
			data = transform(raw, sub, "g%d" % g)
			nwork += 1
		else:
			data = ordinary(rng, i, when).encode("utf-8")
		data = stamp(data.replace(b"\r\n", b"\n"))
		# Dovecot gives new files their UIDs in file name order.
		name = "%d.M%dP1.bench,S=%d:2," % (t0 + i, i, len(data))
		with open(os.path.join(cur, name), "wb") as f:
			f.write(data)
		total += len(data)
	print("genmail: %d messages (%d workflow, %d requests), %.1f MB" % (
	    len(keyed), nwork, 2 * ngroups, total / 1e6))


if __name__ == "__main__":
	main()
