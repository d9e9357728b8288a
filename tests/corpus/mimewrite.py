"""MIME writing for the corpus: encodings, header fields, dates, Turkish text.

Everything here is deterministic: nothing reads the clock, and every
random choice comes from the random.Random the caller passes in.
"""

import base64
import binascii

CRLF = b"\r\n"

# Python codec of each charset label the corpus writes.
CODEC = {
    "utf-8": "utf-8",
    "iso-8859-9": "iso8859_9",
    "windows-1254": "cp1254",
    "us-ascii": "ascii",
    "iso-8859-1": "latin-1",
}

# What a mail program writes for a character its charset lacks.
PUNCT = {
    "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
    "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u2022": "*",
    "\u2192": "->", "\u20ac": "EUR", "\u00a0": " ", "\u00bb": ">",
}

ASCII_FOLD = str.maketrans("çğıöşüÇĞİÖŞÜâîûÂÎÛ", "cgiosuCGIOSUaiuAIU")


def codec(charset):
    return CODEC[charset.lower()]


def ascii_fold(text):
    """Turkish letters without their marks, as typed on a phone or an
    English keyboard."""
    return text.translate(ASCII_FOLD)


def tr_upper(text):
    return text.replace("i", "İ").replace("ı", "I").upper()


def tr_lower(text):
    return text.replace("İ", "i").replace("I", "ı").lower()


def fit(text, charset):
    """text with every character the charset lacks replaced."""
    c = codec(charset)
    if c == "ascii":
        text = ascii_fold(text)
    out = []
    for ch in text:
        try:
            ch.encode(c)
            out.append(ch)
        except UnicodeEncodeError:
            out.append(PUNCT.get(ch, "?"))
    return "".join(out)


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


# -- transfer encodings ------------------------------------------------

def qp(data):
    """Quoted-printable of canonical text bytes, CRLF line ends."""
    enc = binascii.b2a_qp(data.replace(b"\r\n", b"\n"), istext=True)
    enc = enc.replace(b"\n", b"\r\n")
    if not enc.endswith(b"\r\n"):
        enc += b"\r\n"
    return enc


def b64(data, width=76):
    s = base64.b64encode(data)
    lines = [s[i:i + width] for i in range(0, len(s), width)]
    return b"\r\n".join(lines) + b"\r\n"


def encode_body(data, cte, text=True):
    """data (bytes) in transfer encoding cte; text bodies get CRLF."""
    if text:
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if cte == "quoted-printable":
        return qp(data)
    if cte == "base64":
        return b64(data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data


# -- the MIME tree -----------------------------------------------------

class Part:
    """One MIME entity.  headers: list of (name, value), value a str
    already encoded and folded (or bytes for deliberately raw fields);
    body: transfer-encoded bytes of a leaf; parts: the children of a
    multipart, with its boundary."""

    def __init__(self, headers, body=b"", parts=None, boundary=None,
        preamble=None, gap=False, epilogue=b""):
        self.headers = headers
        self.body = body
        self.parts = parts
        self.boundary = boundary
        self.preamble = preamble
        self.gap = gap
        self.epilogue = epilogue


def render(p):
    out = bytearray()
    for name, value in p.headers:
        if isinstance(value, str):
            value = value.encode("ascii")
        out += name.encode("ascii") + b": " + value + CRLF
    out += CRLF
    if p.parts is None:
        out += p.body
        return bytes(out)
    b = p.boundary.encode("ascii")
    if p.preamble is not None:
        out += p.preamble.encode("ascii") + CRLF
        out += CRLF
    for i, sub in enumerate(p.parts):
        out += b"--" + b + CRLF
        out += render(sub)
        if not out.endswith(CRLF):
            out += CRLF
        if p.gap:
            out += CRLF
    out += b"--" + b + b"--" + CRLF
    out += p.epilogue
    return bytes(out)


def leaf_text(text, subtype, charset, cte, ctype_fmt=None, extra=()):
    """A text/* leaf.  ctype_fmt: the Content-Type value with {cs}
    for the charset label (clients quote it differently)."""
    text = fit(text, charset)
    data = text.encode(codec(charset))
    if ctype_fmt is None:
        ctype_fmt = 'text/%s; charset="{cs}"' % subtype
    hdrs = [("Content-Type", ctype_fmt.format(cs=charset))]
    hdrs.append(("Content-Transfer-Encoding", cte))
    hdrs.extend(extra)
    return Part(hdrs, encode_body(data, cte))


def leaf_bytes(headers, data, cte="base64"):
    return Part(headers, encode_body(data, cte, text=False))


# -- header fields -----------------------------------------------------

def _q_char(ch, c):
    if ch == " ":
        return "_"
    if ch.isascii() and (ch.isalnum() or ch in "!*+-/"):
        return ch
    return "".join("=%02X" % x for x in ch.encode(c))


def encoded_words(text, charset="utf-8", mode="B", label=None,
    limit=75):
    """RFC 2047 encoded words for text, each at most limit characters,
    never splitting a character."""
    label = label or charset
    c = codec(charset)
    text = fit(text, charset)
    pre = "=?%s?%s?" % (label, mode)

    def enc(s):
        if mode.upper() == "B":
            return base64.b64encode(s.encode(c)).decode("ascii")
        return "".join(_q_char(ch, c) for ch in s)

    words = []
    cur = ""
    for ch in text:
        if cur and len(pre) + len(enc(cur + ch)) + 2 > limit:
            words.append(pre + enc(cur) + "?=")
            cur = ch
        else:
            cur += ch
    if cur:
        words.append(pre + enc(cur) + "?=")
    return words


def fold(name, atoms, width=76, indent=" "):
    """Joins atoms with spaces, breaking lines before an atom that
    would pass width."""
    out = ""
    col = len(name) + 2
    for i, a in enumerate(atoms):
        if i == 0:
            out = a
            col += len(a)
        elif col + 1 + len(a) > width:
            out += "\r\n" + indent + a
            col = len(indent) + len(a)
        else:
            out += " " + a
            col += 1 + len(a)
    return out


def text_field(name, text, charset="utf-8", mode="B", style="whole",
    label=None, indent=" "):
    """An unstructured field (Subject).  style: whole (every word
    encoded), words (only the non-ASCII words, as Thunderbird and
    Apple Mail do), raw (8-bit, as broken programs do)."""
    if style == "raw":
        return text.encode(codec(charset))
    if text.isascii():
        return fold(name, text.split(" "), indent=indent)
    if style == "whole":
        return fold(name, encoded_words(text, charset, mode, label),
            indent=indent)
    atoms = []
    run = []
    for tok in text.split(" "):
        if tok.isascii() and not run:
            atoms.append(tok)
        elif tok.isascii():
            atoms.extend(encoded_words(" ".join(run), charset, mode,
                label))
            run = []
            atoms.append(tok)
        else:
            run.append(tok)
    if run:
        atoms.extend(encoded_words(" ".join(run), charset, mode, label))
    return fold(name, atoms, indent=indent)


SPECIALS = set('()<>[]:;@\\,."')


def address(name, email, charset="utf-8", mode="Q", label=None,
    quote=False, angle=True):
    """One mailbox: a display name (encoded when not ASCII) and the
    address."""
    if not name:
        return "<%s>" % email if angle else email
    if name.isascii():
        if quote or any(ch in SPECIALS for ch in name):
            shown = '"%s"' % name.replace("\\", "\\\\").replace('"',
                '\\"')
        else:
            shown = name
    else:
        shown = " ".join(encoded_words(name, charset, mode, label))
    return "%s <%s>" % (shown, email)


def address_field(name, mailboxes, indent=" "):
    """mailboxes: already formatted; folded after the commas."""
    atoms = []
    for i, m in enumerate(mailboxes):
        atoms.append(m + ("," if i < len(mailboxes) - 1 else ""))
    return fold(name, atoms, indent=indent)


def param_2231(name, value, charset="UTF-8", width=60):
    """RFC 2231 parameter, split into continuations when long."""
    c = codec(charset)
    enc = "".join(ch if (ch.isascii() and (ch.isalnum() or ch in
        "!#$&+-.^_`|~")) else "".join("%%%02X" % b for b in
        ch.encode(c)) for ch in value)
    first = "%s''" % charset
    if len(enc) + len(first) <= width:
        return ["%s*=%s%s" % (name, first, enc)]
    pieces = []
    rest = enc
    n = 0
    while rest:
        take = width
        # never cut a %XX escape
        while take < len(rest) and "%" in rest[max(0, take - 2):take]:
            take -= 1
        chunk, rest = rest[:take], rest[take:]
        pieces.append("%s*%d*=%s%s" % (name, n, first if n == 0 else "",
            chunk))
        n += 1
    return pieces


# -- dates -------------------------------------------------------------

WD = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
    "Oct", "Nov", "Dec"]
MONTH_EN = ["January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December"]
DAY_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday", "Sunday"]
AY = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz",
    "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık"]
AY3 = ["Oca", "Şub", "Mar", "Nis", "May", "Haz", "Tem", "Ağu", "Eyl",
    "Eki", "Kas", "Ara"]
GUN = ["Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi",
    "Pazar"]
GUN3 = ["Pzt", "Sal", "Çar", "Per", "Cum", "Cmt", "Paz"]


def tz(dt):
    off = int(dt.utcoffset().total_seconds() // 60)
    sign = "+" if off >= 0 else "-"
    off = abs(off)
    return "%s%02d%02d" % (sign, off // 60, off % 60)


def rfc_date(dt, style="plain"):
    """The Date field as different programs write it."""
    day = "%d" % dt.day
    if style == "pad":
        day = "%02d" % dt.day
    elif style == "postfix":
        day = "%2d" % dt.day
    s = "%s, %s %s %d %02d:%02d:%02d %s" % (WD[dt.weekday()], day,
        MON[dt.month - 1], dt.year, dt.hour, dt.minute, dt.second, tz(dt))
    if style == "postfix":
        s += " (+03)"
    elif style == "java":
        s += " (TRT)"
    elif style == "nodow":
        s = s.split(", ", 1)[1]
    return s


def tr_long(dt):
    """Outlook TR: 8 Aralık 2026 Salı 09:00"""
    return "%d %s %d %s %02d:%02d" % (dt.day, AY[dt.month - 1], dt.year,
        GUN[dt.weekday()], dt.hour, dt.minute)


def tr_long2(dt):
    """Outlook 365 TR: 8 Aralık 2026 Salı 09:00 / Salı, 8 Aralık 2026 09:00"""
    return "%s, %d %s %d %02d:%02d" % (GUN[dt.weekday()], dt.day,
        AY[dt.month - 1], dt.year, dt.hour, dt.minute)


def en_long(dt):
    """Outlook EN: Tuesday, December 8, 2026 9:00 AM"""
    h = dt.hour % 12 or 12
    return "%s, %s %d, %d %d:%02d %s" % (DAY_EN[dt.weekday()],
        MONTH_EN[dt.month - 1], dt.day, dt.year, h, dt.minute,
        "AM" if dt.hour < 12 else "PM")


def gmail_tr(dt):
    """8 Ara 2026 Sal, 09:00"""
    return "%d %s %d %s, %02d:%02d" % (dt.day, AY3[dt.month - 1], dt.year,
        GUN3[dt.weekday()], dt.hour, dt.minute)


def gmail_en(dt):
    """Tue, Dec 8, 2026 at 9:00 AM"""
    h = dt.hour % 12 or 12
    return "%s, %s %d, %d at %d:%02d %s" % (WD[dt.weekday()],
        MON[dt.month - 1], dt.day, dt.year, h, dt.minute,
        "AM" if dt.hour < 12 else "PM")


def dotted(dt, seconds=False):
    s = "%02d.%02d.%d %02d:%02d" % (dt.day, dt.month, dt.year, dt.hour,
        dt.minute)
    if seconds:
        s += ":%02d" % dt.second
    return s


def zimbra_tr(dt):
    """Zimbra TR: Salı, 8 Aralık 2026 09:00:00"""
    return "%s, %d %s %d %02d:%02d:%02d" % (GUN[dt.weekday()], dt.day,
        AY[dt.month - 1], dt.year, dt.hour, dt.minute, dt.second)


def apple_en(dt):
    return "%d %s %d at %02d:%02d:%02d GMT+3" % (dt.day,
        MONTH_EN[dt.month - 1], dt.year, dt.hour, dt.minute, dt.second)


def apple_tr(dt):
    return "%d %s %d %02d:%02d:%02d GMT+3" % (dt.day, AY[dt.month - 1],
        dt.year, dt.hour, dt.minute, dt.second)


# -- small binary things ------------------------------------------------

def hexid(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def alnum(rng, n, chars="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"):
    return "".join(rng.choice(chars) for _ in range(n))


def rbytes(rng, n):
    return bytes(rng.randrange(256) for _ in range(n))


def png(rng, w=120, h=40):
    """A small valid PNG of one flat colour (a signature logo)."""
    import struct
    import zlib

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)

    col = bytes([rng.randrange(40, 200) for _ in range(3)])
    raw = b"".join(b"\x00" + col * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" +
        chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
        chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def pdf(rng, title, lines):
    """A small but well-formed PDF whose page shows the lines."""
    esc = lambda s: ascii_fold(s).replace("\\", "\\\\").replace("(",
        "\\(").replace(")", "\\)")
    stream = "BT /F1 11 Tf 50 780 Td 14 TL (%s) Tj" % esc(title)
    for ln in lines:
        stream += " T* (%s) Tj" % esc(ln)
    stream += " ET"
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        "<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "<< /Producer (e-imzaTR) /Title (%s) >>" % esc(title),
    ]
    out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offs = []
    body = out.encode("latin-1")
    for i, o in enumerate(objs):
        offs.append(len(body))
        body += ("%d 0 obj\n%s\nendobj\n" % (i + 1, o)).encode("latin-1")
    xref = len(body)
    body += ("xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)).encode()
    for o in offs:
        body += ("%010d 00000 n \n" % o).encode()
    body += ("trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R /ID [<%s><%s>] >>\n"
        "startxref\n%d\n%%%%EOF\n" % (len(objs) + 1, hexid(rng, 32),
        hexid(rng, 32), xref)).encode()
    return body


def p7s(rng, n=1800):
    """A detached CMS signature's look: DER SEQUENCE header, then noise."""
    body = rbytes(rng, n)
    return b"\x30\x82" + (n + 15).to_bytes(2, "big") + \
        b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02\xa0\x82" + \
        n.to_bytes(2, "big") + body
