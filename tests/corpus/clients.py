"""The mail programs people at the university write with: each turns a
Draft (who writes to whom, the new text, what it answers or forwards,
attachments) into header fields and a MIME tree the way that program
does: its header order, Message-ID, boundaries, charsets, quoting and
forwarding styles, attachment name encodings."""

import datetime
import html as htmlmod
import re
import uuid

import mimewrite as mw
from mimewrite import Part


class Att:
    def __init__(self, filename, ctype, data, inline=False, cid=None):
        self.filename = filename
        self.ctype = ctype
        self.data = data
        self.inline = inline
        self.cid = cid


class Orig:
    """A message being answered or forwarded.  raw: its bytes, for a
    forward as a message/rfc822 attachment."""

    def __init__(self, frm, to, subject, date, text, html=None, cc=(),
                 msgid=None, raw=None, atts=()):
        self.frm = frm
        self.to = list(to)
        self.cc = list(cc)
        self.subject = subject
        self.date = date
        self.text = text
        self.html = html
        self.msgid = msgid
        self.raw = raw
        self.atts = list(atts)


class Draft:
    def __init__(self, frm, to, subject, date, text, cc=(), sig=None,
                 sig_html=None, quote=None, mode=None, atts=(),
                 table_text=None, table_html=None, in_reply_to=None,
                 references=None, extra=(), lang="tr", html=True,
                 charset=None, top=True):
        self.frm = frm
        self.to = list(to)
        self.cc = list(cc)
        self.subject = subject
        self.date = date
        self.text = text
        self.sig = sig
        self.sig_html = sig_html
        self.quote = quote
        self.mode = mode          # None | reply | forward | attach
        self.atts = list(atts)
        self.table_text = table_text
        self.table_html = table_html
        self.in_reply_to = in_reply_to
        self.references = references
        self.extra = list(extra)
        self.lang = lang
        self.html = html
        self.charset = charset
        self.top = top            # top-posting (False: answer below)


def esc(s):
    return htmlmod.escape(s, quote=False)


def who(p):
    name, addr = p
    return "%s <%s>" % (name, addr) if name else addr


def names(ps):
    return "; ".join(who(p) for p in ps)


def html_to_text(h):
    h = re.sub(r"(?is)<(style|head)[^>]*>.*?</\1>", "", h)
    h = re.sub(r"(?i)<br\s*/?>", "\n", h)
    h = re.sub(r"(?i)</(p|div|tr|h\d|li|table)>", "\n", h)
    h = re.sub(r"(?i)</t[dh]>", "\t", h)
    h = re.sub(r"<[^>]+>", "", h)
    h = htmlmod.unescape(h)
    lines = [ln.strip() for ln in h.split("\n")]
    out = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return "\n".join(out).strip()


def html_inner(h):
    """The body of an HTML document, to quote it inside another."""
    m = re.search(r"(?is)<body[^>]*>(.*)</body>", h)
    return m.group(1) if m else h


def orig_text(o):
    return o.text if o.text is not None else html_to_text(o.html)


def orig_html(o):
    if o.html:
        return html_inner(o.html)
    return "<br>\n".join(esc(ln) for ln in o.text.split("\n"))


def quoted(text, prefix="> "):
    return "\n".join((prefix + ln).rstrip() if ln else prefix.rstrip()
                     for ln in text.split("\n"))


def flowed(text, width=72):
    """format=flowed: long lines broken with a trailing space."""
    out = []
    for ln in text.split("\n"):
        if ln.startswith(">") or len(ln) <= width:
            out.append(ln)
            continue
        words = ln.split(" ")
        cur = ""
        for w in words:
            if cur and len(cur) + 1 + len(w) > width:
                out.append(cur + " ")
                cur = w
            else:
                cur = cur + " " + w if cur else w
        out.append(cur)
    return "\n".join(out)


def paras_html(text, style):
    lines = text.split("\n")
    if style == "mso":
        return "\n".join(
            "<p class=MsoNormal>%s<o:p></o:p></p>" % esc(ln) if ln.strip()
            else "<p class=MsoNormal><o:p>&nbsp;</o:p></p>" for ln in lines)
    if style == "gmail":
        out = []
        for i, ln in enumerate(lines):
            if i == 0:
                out.append(esc(ln) if ln else "<br>")
            else:
                out.append("<div>%s</div>" % (esc(ln) if ln else "<br>"))
        return "".join(out)
    if style == "div":
        return "".join("<div>%s</div>" % (esc(ln) if ln else "<br>")
                       for ln in lines)
    paras = re.split(r"\n\s*\n", text)
    return "\n".join("<p>%s</p>" % "<br>\n".join(esc(x) for x in p.split("\n"))
                     for p in paras)


def outlook_thread_index(rng, depth=0):
    return mw.b64(mw.rbytes(rng, 22 + 5 * depth)).decode().strip()


def filename_params(style, name, charset="utf-8", mode="B"):
    """(Content-Type name=..., Content-Disposition filename=...) as
    one program or another writes a file's name."""
    if name.isascii():
        return ['name="%s"' % name], ['filename="%s"' % name]
    if style == "2047":
        w = " ".join(mw.encoded_words(name, charset, mode, limit=200))
        return ['name="%s"' % w], ['filename="%s"' % w]
    if style == "2231":
        return (mw.param_2231("name", name), mw.param_2231("filename", name))
    if style == "2047+2231":
        w = " ".join(mw.encoded_words(name, charset, mode, limit=200))
        return ['name="%s"' % w], mw.param_2231("filename", name)
    raise ValueError(style)


def att_part(a, style, charset="utf-8", mode="B", fold_params=True,
             extra=(), indent="\t"):
    np, fp = filename_params(style, a.filename, charset, mode)
    sep = ";\r\n" + indent if fold_params else "; "
    hdrs = [("Content-Type", a.ctype + sep + sep.join(np))]
    hdrs.append(("Content-Transfer-Encoding", "base64"))
    disp = "inline" if a.inline else "attachment"
    hdrs.append(("Content-Disposition", disp + sep + sep.join(fp)))
    if a.cid:
        hdrs.append(("Content-ID", "<%s>" % a.cid))
    hdrs.extend(extra)
    return mw.leaf_bytes(hdrs, a.data)


def rfc822_part(o, name=None, disp=True):
    hdrs = [("Content-Type", "message/rfc822" +
             ('; name="%s"' % name if name else ""))]
    raw = o.raw
    hdrs.append(("Content-Transfer-Encoding",
                 "7bit" if all(b < 128 for b in raw) else "8bit"))
    if disp:
        hdrs.append(("Content-Disposition", "attachment" +
                     ('; filename="%s"' % name if name else "")))
    return Part(hdrs, raw if raw.endswith(b"\r\n") else raw + b"\r\n")


def subject_eml_name(subject):
    s = re.sub(r'[\\/:*?"<>|]', "_", subject)
    return mw.ascii_fold(s)[:60] + ".eml"


# -- quote blocks --------------------------------------------------------

def block_outlook_tr(o):
    lines = ["Kimden: %s" % who(o.frm),
             "Gönderildi: %s" % mw.tr_long(o.date),
             "Kime: %s" % names(o.to)]
    if o.cc:
        lines.append("Bilgi: %s" % names(o.cc))
    lines.append("Konu: %s" % o.subject)
    return lines


def block_outlook_en(o):
    lines = ["From: %s" % who(o.frm), "Sent: %s" % mw.en_long(o.date),
             "To: %s" % names(o.to)]
    if o.cc:
        lines.append("Cc: %s" % names(o.cc))
    lines.append("Subject: %s" % o.subject)
    return lines


def quote_text(o, mode, style):
    t = orig_text(o)
    if style in ("outlook-tr", "outlook-en"):
        blk = block_outlook_tr(o) if style == "outlook-tr" else block_outlook_en(o)
        return "\n".join(blk) + "\n\n" + t
    if style in ("orig-tr", "orig-en"):
        name, addr = o.frm
        if style == "orig-tr":
            lines = ["-----Özgün İleti-----",
                     "Kimden: %s [mailto:%s]" % (name or addr, addr),
                     "Gönderildi: %s" % mw.tr_long(o.date),
                     "Kime: %s" % names(o.to)]
            if o.cc:
                lines.append("Bilgi: %s" % names(o.cc))
            lines.append("Konu: %s" % o.subject)
        else:
            lines = ["-----Original Message-----",
                     "From: %s [mailto:%s]" % (name or addr, addr),
                     "Sent: %s" % mw.en_long(o.date),
                     "To: %s" % names(o.to)]
            if o.cc:
                lines.append("Cc: %s" % names(o.cc))
            lines.append("Subject: %s" % o.subject)
        return "\n".join(lines) + "\n\n" + t
    if style == "owa-tr":
        return ("________________________________\n" +
                "\n".join(block_outlook_tr(o)) + "\n\n" + t)
    if style == "owa-en":
        lines = ["________________________________",
                 "From: %s" % who(o.frm), "Sent: %s" % mw.en_long(o.date),
                 "To: %s" % names(o.to), "Subject: %s" % o.subject]
        return "\n".join(lines) + "\n\n" + t
    if style == "gmail-tr":
        if mode == "reply":
            return ("%s, %s tarihinde şunu yazdı:\n\n" %
                    (who(o.frm), mw.gmail_tr(o.date)) + quoted(t))
        lines = ["---------- Yönlendirilen ileti ---------",
                 "Gönderen: %s" % who(o.frm), "Date: %s" % mw.gmail_tr(o.date),
                 "Subject: %s" % o.subject,
                 "To: %s" % ", ".join(who(p) for p in o.to)]
        if o.cc:
            lines.append("Cc: %s" % ", ".join(who(p) for p in o.cc))
        return "\n".join(lines) + "\n\n\n" + t
    if style == "gmail-en":
        if mode == "reply":
            return ("On %s %s wrote:\n\n" % (mw.gmail_en(o.date), who(o.frm))
                    + quoted(t))
        lines = ["---------- Forwarded message ---------",
                 "From: %s" % who(o.frm), "Date: %s" % mw.gmail_en(o.date),
                 "Subject: %s" % o.subject,
                 "To: %s" % ", ".join(who(p) for p in o.to)]
        if o.cc:
            lines.append("Cc: %s" % ", ".join(who(p) for p in o.cc))
        return "\n".join(lines) + "\n\n\n" + t
    if style == "tb-tr":
        if mode == "reply":
            return ("%s tarihinde %s yazdı:\n" % (mw.dotted(o.date),
                    o.frm[0] or o.frm[1]) + quoted(t))
        lines = ["-------- İletilen Mesaj --------",
                 "Konu: \t%s" % o.subject,
                 "Tarih: \t%s" % mw.rfc_date(o.date),
                 "Kimden: \t%s" % who(o.frm),
                 "Kime: \t%s" % ", ".join(who(p) for p in o.to)]
        if o.cc:
            lines.append("CC: \t%s" % ", ".join(who(p) for p in o.cc))
        return "\n".join(lines) + "\n\n\n\n" + t
    if style == "apple-en":
        if mode == "reply":
            return ("On %d %s %d, at %02d:%02d, %s wrote:\n\n" % (
                o.date.day, mw.MON[o.date.month - 1], o.date.year,
                o.date.hour, o.date.minute, who(o.frm)) + quoted(t))
        lines = ["From: %s" % who(o.frm), "Subject: %s" % o.subject,
                 "Date: %s" % mw.apple_en(o.date),
                 "To: %s" % ", ".join(who(p) for p in o.to)]
        if o.cc:
            lines.append("Cc: %s" % ", ".join(who(p) for p in o.cc))
        return ("Begin forwarded message:\n\n" +
                quoted("\n".join(lines) + "\n\n" + t))
    if style == "apple-tr":
        if mode == "reply":
            return ("%d %s %d tarihinde %02d:%02d saatinde, %s şunu yazdı:\n\n"
                    % (o.date.day, mw.AY3[o.date.month - 1], o.date.year,
                       o.date.hour, o.date.minute, who(o.frm)) + quoted(t))
        lines = ["Kimden: %s" % who(o.frm), "Konu: %s" % o.subject,
                 "Tarih: %s" % mw.apple_tr(o.date),
                 "Kime: %s" % ", ".join(who(p) for p in o.to)]
        return ("İletilen ileti başlangıcı:\n\n" +
                quoted("\n".join(lines) + "\n\n" + t))
    if style == "ios-tr":
        if mode == "reply":
            return ("%d %s %d tarihinde %02d:%02d saatinde %s şunu yazdı:\n\n"
                    % (o.date.day, mw.AY3[o.date.month - 1], o.date.year,
                       o.date.hour, o.date.minute, who(o.frm)) + quoted(t))
        lines = ["Kimden: %s" % who(o.frm),
                 "Tarih: %d %s %d %02d:%02d:%02d GMT+3" % (
                     o.date.day, mw.AY[o.date.month - 1], o.date.year,
                     o.date.hour, o.date.minute, o.date.second),
                 "Kime: %s" % ", ".join(who(p) for p in o.to),
                 "Konu: %s" % o.subject]
        return ("İletilen ileti başlangıcı:\n\n" +
                quoted("\n".join(lines) + "\n\n" + t))
    if style == "samsung-tr":
        lines = ["-------- Orijinal mesaj --------",
                 "Kimden: %s" % who(o.frm),
                 "Tarih: %s (GMT+03:00)" % mw.dotted(o.date),
                 "Alıcı: %s" % ", ".join(who(p) for p in o.to)]
        if o.cc:
            lines.append("Bilgi: %s" % ", ".join(who(p) for p in o.cc))
        lines.append("Konu: %s" % o.subject)
        return "\n".join(lines) + "\n\n" + t
    if style == "zimbra-tr":
        head = ("----- Orijinal Mesaj -----" if mode == "reply"
                else "----- İletilmiş Mesaj -----")
        lines = [head, 'Kimden: "%s" <%s>' % (o.frm[0] or o.frm[1], o.frm[1]),
                 "Kime: %s" % ", ".join('"%s" <%s>' % (n or a, a)
                                       for n, a in o.to)]
        if o.cc:
            lines.append("Kk: %s" % ", ".join('"%s" <%s>' % (n or a, a)
                                             for n, a in o.cc))
        lines += ["Gönderilenler: %s" % mw.zimbra_tr(o.date),
                  "Konu: %s" % o.subject]
        body = quoted(t) if mode == "reply" else t
        return "\n".join(lines) + "\n\n" + body
    if style == "roundcube-tr":
        if mode == "reply":
            return ("%s tarihinde, %s yazdı:\n" % (
                mw.dotted(o.date), o.frm[0] or o.frm[1]) + quoted(t))
        lines = ["-------- Orijinal Mesaj --------",
                 "Konu: %s" % o.subject,
                 "Tarih: %04d-%02d-%02d %02d:%02d" % (
                     o.date.year, o.date.month, o.date.day, o.date.hour,
                     o.date.minute),
                 "Kimden: %s" % who(o.frm),
                 "Alıcı: %s" % ", ".join(who(p) for p in o.to)]
        return "\n".join(lines) + "\n\n" + t
    raise ValueError(style)


def quote_html_block(o, mode, style):
    """The HTML of the quoted message, in the style of the program."""
    inner = orig_html(o)
    if style in ("outlook-tr", "outlook-en", "orig-tr", "orig-en"):
        if style.endswith("tr"):
            lab = [("Kimden", who(o.frm)), ("Gönderildi", mw.tr_long(o.date)),
                   ("Kime", names(o.to))]
            if o.cc:
                lab.append(("Bilgi", names(o.cc)))
            lab.append(("Konu", o.subject))
        else:
            lab = [("From", who(o.frm)), ("Sent", mw.en_long(o.date)),
                   ("To", names(o.to))]
            if o.cc:
                lab.append(("Cc", names(o.cc)))
            lab.append(("Subject", o.subject))
        rows = "<br>\n".join("<b>%s:</b> %s" % (k, esc(v)) for k, v in lab)
        return ("<div><div style='border:none;border-top:solid #E1E1E1 1.0pt;"
                "padding:3.0pt 0cm 0cm 0cm'><p class=MsoNormal>%s<o:p></o:p>"
                "</p></div></div>\n<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n"
                "<div>%s</div>" % (rows, inner))
    if style in ("owa-tr", "owa-en"):
        if style == "owa-tr":
            lab = [("Kimden", who(o.frm)), ("Gönderildi", mw.tr_long(o.date)),
                   ("Kime", names(o.to)), ("Konu", o.subject)]
        else:
            lab = [("From", who(o.frm)), ("Sent", mw.en_long(o.date)),
                   ("To", names(o.to)), ("Subject", o.subject)]
        rows = "<br>\n".join("<b>%s:</b> %s" % (k, esc(v)) for k, v in lab)
        return ('<hr style="display:inline-block;width:98%%" tabindex="-1">'
                '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, '
                'sans-serif" style="font-size:11pt" color="#000000">%s</font>'
                '<div>&nbsp;</div></div>\n<div>%s</div>' % (rows, inner))
    if style in ("gmail-tr", "gmail-en"):
        if mode == "reply":
            if style == "gmail-tr":
                attr = "%s, %s tarihinde şunu yazdı:" % (esc(who(o.frm)),
                                                          mw.gmail_tr(o.date))
            else:
                attr = "On %s %s wrote:" % (mw.gmail_en(o.date), esc(who(o.frm)))
            return ('<br><div class="gmail_quote gmail_quote_container"><div '
                    'dir="ltr" class="gmail_attr">%s<br></div><blockquote '
                    'class="gmail_quote" style="margin:0px 0px 0px 0.8ex;'
                    'border-left:1px solid rgb(204,204,204);padding-left:1ex">'
                    '%s</blockquote></div>' % (attr, inner))
        if style == "gmail-tr":
            hd = ("---------- Yönlendirilen ileti ---------<br>Gönderen: "
                  "<strong class=\"gmail_sendername\" dir=\"auto\">%s</strong> "
                  "<span dir=\"auto\">&lt;%s&gt;</span><br>Date: %s<br>Subject: "
                  "%s<br>To: %s<br>" % (esc(o.frm[0] or ""), o.frm[1],
                                        mw.gmail_tr(o.date), esc(o.subject),
                                        esc(", ".join(who(p) for p in o.to))))
        else:
            hd = ("---------- Forwarded message ---------<br>From: "
                  "<strong class=\"gmail_sendername\" dir=\"auto\">%s</strong> "
                  "<span dir=\"auto\">&lt;%s&gt;</span><br>Date: %s<br>Subject: "
                  "%s<br>To: %s<br>" % (esc(o.frm[0] or ""), o.frm[1],
                                        mw.gmail_en(o.date), esc(o.subject),
                                        esc(", ".join(who(p) for p in o.to))))
        return ('<br><div class="gmail_quote gmail_quote_container"><div '
                'dir="ltr" class="gmail_attr">%s</div><br><br>%s</div>'
                % (hd, inner))
    if style == "zimbra-tr":
        lab = [("Kimden", '"%s" <%s>' % (o.frm[0] or o.frm[1], o.frm[1])),
               ("Kime", ", ".join('"%s" <%s>' % (n or a, a) for n, a in o.to)),
               ("Gönderilenler", mw.zimbra_tr(o.date)), ("Konu", o.subject)]
        rows = "".join("<b>%s: </b>%s<br>" % (k, esc(v)) for k, v in lab)
        return ('<hr id="zwchr" data-marker="__DIVIDER__"><div data-marker='
                '"__HEADERS__">%s</div><br><div data-marker="__QUOTED_TEXT__">'
                '%s</div>' % (rows, inner))
    if style == "tb-tr":
        if mode == "reply":
            return ('<div class="moz-cite-prefix">%s tarihinde %s yazdı:<br>'
                    '</div><blockquote type="cite" cite="mid:%s">%s'
                    '</blockquote>' % (mw.dotted(o.date), esc(o.frm[0] or
                                       o.frm[1]), (o.msgid or "").strip("<>"),
                                       inner))
        return ('<div class="moz-forward-container"><br><br>-------- İletilen '
                'Mesaj --------<table class="moz-email-headers-table" border='
                '"0" cellpadding="0" cellspacing="0"><tbody><tr><th valign='
                '"BASELINE" nowrap="nowrap" align="RIGHT">Konu: </th><td>%s'
                '</td></tr><tr><th valign="BASELINE" nowrap="nowrap" align='
                '"RIGHT">Tarih: </th><td>%s</td></tr><tr><th valign="BASELINE" '
                'nowrap="nowrap" align="RIGHT">Kimden: </th><td>%s</td></tr>'
                '<tr><th valign="BASELINE" nowrap="nowrap" align="RIGHT">Kime: '
                '</th><td>%s</td></tr></tbody></table><br>%s</div>' % (
                    esc(o.subject), mw.rfc_date(o.date), esc(who(o.frm)),
                    esc(", ".join(who(p) for p in o.to)), inner))
    # apple, ios, samsung: a blockquote with the plain block as text
    t = quote_text(o, mode, style)
    first, _, _ = t.partition("\n\n")
    return ('<div><br><blockquote type="cite"><div>%s</div><br>%s</blockquote>'
            '</div>' % ("<br>".join(esc(x) for x in first.split("\n")), inner))


# -- the programs ---------------------------------------------------------

class Client:
    name = "?"
    reply_prefix = "Re: "
    fwd_prefix = "Fwd: "
    quote_style = "gmail-tr"

    def __init__(self, rng, domain="ornekuni.edu.tr"):
        self.rng = rng
        self.domain = domain

    def body_text(self, d, style=None):
        style = style or self.quote_style
        t = d.text
        if d.table_text:
            t += "\n\n" + d.table_text + "\n"
        if d.sig:
            t += "\n\n" + d.sig
        if d.quote is not None and d.mode in ("reply", "forward"):
            q = quote_text(d.quote, d.mode, style)
            if d.top:
                t += "\n\n" + q
            else:
                t = q + "\n\n" + t
        return t + "\n"

    def subj(self, d, charset, mode="B", style="whole", label=None):
        return mw.text_field("Subject", d.subject, charset, mode, style,
                             label)

    def addrs(self, ps, charset="utf-8", mode="Q", label=None, quote=False):
        return [mw.address(n, a, charset, mode, label, quote) for n, a in ps]

    def refs(self, d):
        out = []
        if d.references:
            out.append(("References", mw.fold("References",
                                              d.references.split(" "))))
        if d.in_reply_to:
            out.append(("In-Reply-To", d.in_reply_to))
        return out


class Outlook(Client):
    """Outlook 2016/2019/365 for Windows on an IMAP/SMTP account,
    Turkish (YNT:/İLT:) or English (RE:/FW:)."""

    def __init__(self, rng, lang="tr", charset=None, old=False, images=False):
        Client.__init__(self, rng)
        self.lang = lang
        self.old = old
        self.images = images
        self.charset = charset or rng.choice(["windows-1254", "windows-1254",
                                              "iso-8859-9", "utf-8"])
        self.name = "outlook-%s%s" % (lang, "-2010" if old else "")
        self.reply_prefix = "YNT: " if lang == "tr" else "RE: "
        self.fwd_prefix = "İLT: " if lang == "tr" else "FW: "
        if old:
            self.quote_style = "orig-tr" if lang == "tr" else "orig-en"
        else:
            self.quote_style = "outlook-tr" if lang == "tr" else "outlook-en"

    def html_doc(self, d, cs):
        body = paras_html(d.text, "mso")
        if d.table_html:
            body += "\n" + d.table_html + "\n<p class=MsoNormal><o:p>&nbsp;</o:p></p>"
        if d.sig_html:
            body += "\n<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n" + d.sig_html
        elif d.sig:
            body += "\n<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n" + paras_html(d.sig, "mso")
        if d.quote is not None and d.mode in ("reply", "forward"):
            body += "\n<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n" + \
                quote_html_block(d.quote, d.mode, self.quote_style)
        return OUTLOOK_HTML % (cs, "TR" if self.lang == "tr" else "EN-US",
                               body)

    def build(self, d):
        rng = self.rng
        cs = d.charset or self.charset
        stamp = "01DB%04X.%08X" % (rng.randrange(0x10000), rng.randrange(1 << 32))
        n = rng.randrange(1, 0x40)
        text = mw.leaf_text(self.body_text(d), "plain", cs,
                                   "quoted-printable",
                                   'text/plain;\r\n\tcharset="{cs}"')
        htm = mw.leaf_text(self.html_doc(d, cs), "html", cs,
                           "quoted-printable", 'text/html;\r\n\tcharset="{cs}"')
        alt = Part([("Content-Type", 'multipart/alternative;\r\n\tboundary='
                     '"----=_NextPart_%03d_%04X_%s"' % (2 if self.images else 1, n + 1,
                                                         stamp))],
                   parts=[text, htm],
                   boundary="----=_NextPart_%03d_%04X_%s" % (2 if self.images else 1,
                                                              n + 1, stamp),
                   gap=True)
        root = alt
        if self.images and d.sig:
            # the logo in the signature, as Outlook embeds it
            cid = "image001.png@%s" % stamp
            d = Draft(d.frm, d.to, d.subject, d.date, d.text, cc=d.cc, sig=d.sig,
                      sig_html=paras_html(d.sig, "mso") + '\n<p class=MsoNormal><img '
                      'width=120 height=40 style=\'width:1.25in;height:.4166in\' id="Resim_x0020_1" '
                      'src="cid:%s" alt="Örnek Üniversitesi"><o:p></o:p></p>' % cid,
                      quote=d.quote, mode=d.mode,
                      atts=list(d.atts) + [Att("image001.png", "image/png", mw.png(rng),
                                               inline=True, cid=cid)],
                      table_text=d.table_text, table_html=d.table_html,
                      in_reply_to=d.in_reply_to, references=d.references,
                      extra=d.extra, lang=d.lang, charset=d.charset, top=d.top)
            htm = mw.leaf_text(self.html_doc(d, cs), "html", cs, "quoted-printable",
                               'text/html;\r\n\tcharset="{cs}"')
            alt.parts[1] = htm
        inner_images = [a for a in d.atts if a.inline]
        files = [a for a in d.atts if not a.inline]
        if inner_images:
            rel = Part([("Content-Type", 'multipart/related;\r\n\tboundary='
                         '"----=_NextPart_001_%04X_%s";\r\n\ttype="multipart/alternative"'
                         % (n + 2, stamp))],
                       parts=[alt] + [att_part(a, "2047", cs, "Q", extra=[])
                                      for a in inner_images],
                       boundary="----=_NextPart_001_%04X_%s" % (n + 2, stamp),
                       gap=True)
            root = rel
        if files or d.mode == "attach":
            kids = [root]
            kids += [att_part(a, "2047", cs, "Q") for a in files]
            if d.mode == "attach":
                kids.append(rfc822_part(d.quote))
            root = Part([("Content-Type", 'multipart/mixed;\r\n\tboundary='
                          '"----=_NextPart_000_%04X_%s"' % (n, stamp))],
                        parts=kids,
                        boundary="----=_NextPart_000_%04X_%s" % (n, stamp),
                        gap=True)
        root.preamble = "This is a multipart message in MIME format."
        hdrs = [("From", mw.address(*d.frm, charset=cs, mode="Q"))]
        hdrs.append(("To", mw.address_field("To", self.addrs(d.to, cs, "Q"))))
        if d.cc:
            hdrs.append(("Cc", mw.address_field("Cc", self.addrs(d.cc, cs, "Q"))))
        hdrs += [(k, v) for k, v in self.refs(d)]
        hdrs.append(("Subject", self.subj(d, cs, "Q")))
        hdrs.append(("Date", mw.rfc_date(d.date)))
        hdrs.append(("Message-ID", "<%04x01db%04x$%08x$%08x$@%s>" % (
            rng.randrange(16), rng.randrange(1 << 16), rng.randrange(1 << 32),
            rng.randrange(1 << 32), self.domain)))
        hdrs.append(("MIME-Version", "1.0"))
        hdrs.append(("Content-Type", root.headers[0][1]))
        root.headers = root.headers[1:]
        hdrs.append(("X-Mailer", "Microsoft Office Outlook 12.0" if self.old
                     else "Microsoft Outlook 16.0"))
        hdrs.append(("Thread-Index", outlook_thread_index(rng, 1 if d.mode else 0)))
        hdrs.append(("Content-Language", "tr" if self.lang == "tr" else "en-us"))
        hdrs += d.extra
        return hdrs, root


OUTLOOK_HTML = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40"><head><meta http-equiv=Content-Type content="text/html; charset=%s"><meta name=Generator content="Microsoft Word 15 (filtered medium)"><style><!--
/* Font Definitions */
@font-face
	{font-family:"Cambria Math";
	panose-1:2 4 5 3 5 4 6 3 2 4;}
@font-face
	{font-family:Calibri;
	panose-1:2 15 5 2 2 2 4 3 2 4;}
/* Style Definitions */
p.MsoNormal, li.MsoNormal, div.MsoNormal
	{margin:0cm;
	font-size:11.0pt;
	font-family:"Calibri",sans-serif;
	mso-fareast-language:EN-US;}
a:link, span.MsoHyperlink
	{mso-style-priority:99;
	color:#0563C1;
	text-decoration:underline;}
span.EpostaStili18
	{mso-style-type:personal-reply;
	font-family:"Calibri",sans-serif;
	color:windowtext;}
.MsoChpDefault
	{mso-style-type:export-only;
	font-size:10.0pt;
	mso-fareast-language:EN-US;}
@page WordSection1
	{size:612.0pt 792.0pt;
	margin:70.85pt 70.85pt 70.85pt 70.85pt;}
div.WordSection1
	{page:WordSection1;}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]--><!--[if gte mso 9]><xml>
<o:shapelayout v:ext="edit">
<o:idmap v:ext="edit" data="1" />
</o:shapelayout></xml><![endif]--></head><body lang=%s link="#0563C1" vlink="#954F72" style='word-wrap:break-word'><div class=WordSection1>
%s
</div></body></html>"""


class OWA(Client):
    """Outlook on the web (Microsoft 365): iso-8859-9 quoted-printable,
    the ________________________________ separator, Thread-Topic."""

    def __init__(self, rng, lang="tr"):
        Client.__init__(self, rng)
        self.lang = lang
        self.name = "owa-%s" % lang
        self.reply_prefix = "YNT: " if lang == "tr" else "RE: "
        self.fwd_prefix = "İLT: " if lang == "tr" else "FW: "
        self.quote_style = "owa-tr" if lang == "tr" else "owa-en"

    def build(self, d):
        rng = self.rng
        cs = d.charset or ("iso-8859-9" if self.lang == "tr" else "us-ascii")
        if cs == "us-ascii" and not (d.text + (d.sig or "")).isascii():
            cs = "iso-8859-9"
        box = "%s%dPR%02dMB%04d" % (rng.choice(["AM", "VI", "DB", "PA", "FR"]),
                                    rng.randrange(1, 10), rng.randrange(1, 10),
                                    rng.randrange(10000))
        core = box + mw.alnum(rng, 24, "0123456789ABCDEF")
        mid = "<%s@%s.eurprd0%d.prod.outlook.com>" % (core, box,
                                                     rng.randrange(1, 9))
        tag = core
        body = ('<div class="elementToProof" style="font-family: Aptos, Aptos_EmbeddedFont, '
                'Aptos_MSFontService, Calibri, Helvetica, sans-serif; font-size: '
                '12pt; color: rgb(0, 0, 0);">%s</div>' % paras_html(d.text, "div"))
        if d.table_html:
            body += d.table_html
        if d.sig:
            body += '<div id="Signature"><div>%s</div></div>' % paras_html(d.sig, "div")
        if d.quote is not None and d.mode in ("reply", "forward"):
            body += quote_html_block(d.quote, d.mode, self.quote_style)
        doc = ('<html><head>\r\n<meta http-equiv="Content-Type" content="text/html; '
               'charset=%s">\r\n<style type="text/css" style="display:none;"> P '
               '{margin-top:0;margin-bottom:0;} </style>\r\n</head>\r\n<body dir="ltr">'
               '\r\n%s\r\n</body>\r\n</html>' % (cs, body))
        text = mw.leaf_text(self.body_text(d), "plain", cs, "quoted-printable",
                            'text/plain; charset="{cs}"')
        htm = mw.leaf_text(doc, "html", cs, "quoted-printable",
                           'text/html; charset="{cs}"')
        alt = Part([("Content-Type", 'multipart/alternative;\r\n\tboundary='
                     '"_000_%s_"' % tag)], parts=[text, htm],
                   boundary="_000_%s_" % tag, gap=True)
        root = alt
        files = [a for a in d.atts]
        if files or d.mode == "attach":
            kids = [alt] + [att_part(a, "2047", cs, "B", fold_params=False,
                                     extra=[]) for a in files]
            if d.mode == "attach":
                kids.append(rfc822_part(d.quote))
            root = Part([("Content-Type", 'multipart/mixed;\r\n\tboundary='
                          '"_004_%s_"' % tag)], parts=kids,
                        boundary="_004_%s_" % tag, gap=True)
        hdrs = [("From", mw.address(*d.frm, charset=cs, mode="Q"))]
        hdrs.append(("To", mw.address_field("To", self.addrs(d.to, cs, "Q"))))
        if d.cc:
            hdrs.append(("CC", mw.address_field("CC", self.addrs(d.cc, cs, "Q"))))
        hdrs.append(("Subject", self.subj(d, cs, "Q")))
        topic = re.sub(r"^((YNT|RE|İLT|FW|Fwd|Re): ?)+", "", d.subject)
        hdrs.append(("Thread-Topic", self.subj(Draft(None, [], topic, None, ""),
                                               cs, "Q")))
        hdrs.append(("Thread-Index", outlook_thread_index(rng, 1 if d.mode else 0)))
        hdrs.append(("Date", mw.rfc_date(d.date.astimezone(datetime.timezone.utc))))
        hdrs.append(("Message-ID", mid))
        hdrs += self.refs(d)
        hdrs.append(("Accept-Language", "tr-TR, en-US"))
        hdrs.append(("Content-Language", "tr-TR" if self.lang == "tr" else "en-US"))
        hdrs.append(("X-MS-Has-Attach", "yes" if files else ""))
        hdrs.append(("X-MS-TNEF-Correlator", ""))
        hdrs.append(("msip_labels", ""))
        hdrs.append(("Content-Type", root.headers[0][1]))
        root.headers = root.headers[1:]
        hdrs.append(("MIME-Version", "1.0"))
        hdrs += d.extra
        return hdrs, root




class Gmail(Client):
    """Gmail on the web, or the Android app (mobile=True), writing as
    the institutional address."""

    def __init__(self, rng, lang="tr", mobile=False):
        Client.__init__(self, rng)
        self.lang = lang
        self.mobile = mobile
        self.name = "gmail-%s%s" % ("android" if mobile else "web",
                                    "" if lang == "tr" else "-en")
        self.quote_style = "gmail-tr" if lang == "tr" else "gmail-en"

    def boundary(self):
        return "000000000000" + mw.hexid(self.rng, 16)

    def build(self, d):
        rng = self.rng
        t = self.body_text(d)
        cte = "quoted-printable"
        if not t.isascii() and len(t) > 1500 and rng.random() < 0.5:
            cte = "base64"
        elif t.isascii():
            cte = "7bit"
        text = mw.leaf_text(t, "plain", "UTF-8", cte, 'text/plain; charset="{cs}"')
        div = "auto" if self.mobile else "ltr"
        body = '<div dir="%s">%s' % (div, paras_html(d.text, "gmail"))
        if d.table_html:
            body += "<br>" + d.table_html
        if d.sig:
            body += ('<br clear="all"><div><br></div><span class="gmail_signature_'
                     'prefix">-- </span><br><div dir="ltr" class="gmail_signature">'
                     '%s</div>' % paras_html(d.sig, "gmail"))
        body += "</div>"
        if d.quote is not None and d.mode in ("reply", "forward"):
            body += quote_html_block(d.quote, d.mode, self.quote_style)
        hcte = "quoted-printable" if not body.isascii() else "7bit"
        htm = mw.leaf_text(body + "\n", "html", "UTF-8", hcte,
                           'text/html; charset="{cs}"')
        b = self.boundary()
        root = Part([("Content-Type", 'multipart/alternative; boundary="%s"' % b)],
                    parts=[text, htm], boundary=b, gap=True)
        if d.atts or d.mode == "attach":
            kids = [root]
            for a in d.atts:
                fid = "f_m%s%d" % (mw.alnum(rng, 7, "abcdefghijklmnopqrstuvwxyz0123456789"),
                                   len(kids) - 1)
                kids.append(att_part(a, "2047", "UTF-8", "B", fold_params=False,
                                     extra=[("Content-ID", "<%s>" % fid),
                                            ("X-Attachment-Id", fid)]))
            if d.mode == "attach":
                kids.append(rfc822_part(d.quote, subject_eml_name(d.quote.subject)))
            b2 = self.boundary()
            root = Part([("Content-Type", 'multipart/mixed; boundary="%s"' % b2)],
                        parts=kids, boundary=b2, gap=True)
        hdrs = [("MIME-Version", "1.0")]
        hdrs += self.refs(d)
        hdrs.append(("From", mw.address(*d.frm, charset="UTF-8", mode="B")))
        hdrs.append(("Date", mw.rfc_date(d.date)))
        hdrs.append(("Message-ID", "<CA%s@mail.gmail.com>" % mw.alnum(
            rng, rng.randrange(50, 66),
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+_=-")))
        hdrs.append(("Subject", self.subj(d, "UTF-8", "B")))
        hdrs.append(("To", mw.address_field("To", self.addrs(d.to, "UTF-8", "B"))))
        if d.cc:
            hdrs.append(("Cc", mw.address_field("Cc", self.addrs(d.cc, "UTF-8", "B"))))
        hdrs += d.extra
        hdrs.append(("Content-Type", root.headers[0][1]))
        root.headers = root.headers[1:]
        return hdrs, root


class Thunderbird(Client):
    """Thunderbird 115/128: plain text format=flowed 8bit, or HTML;
    attachments named with RFC 2231."""

    def __init__(self, rng, html=False):
        Client.__init__(self, rng)
        self.html = html
        self.name = "thunderbird"
        self.quote_style = "tb-tr"

    def build(self, d):
        rng = self.rng
        t = flowed(self.body_text(d))
        if self.html:
            body = paras_html(d.text, "p")
            if d.table_html:
                body += d.table_html
            if d.sig:
                body += '<pre class="moz-signature" cols="72">-- \n%s</pre>' % esc(d.sig)
            if d.quote is not None and d.mode in ("reply", "forward"):
                body += quote_html_block(d.quote, d.mode, "tb-tr")
            doc = ('<!DOCTYPE html>\n<html>\n  <head>\n    <meta http-equiv='
                   '"Content-Type" content="text/html; charset=UTF-8">\n  '
                   '</head>\n  <body>\n%s\n  </body>\n</html>\n' % body)
            leaf = mw.leaf_text(doc, "html", "UTF-8", "8bit",
                                "text/html; charset={cs}")
        else:
            leaf = mw.leaf_text(t, "plain", "UTF-8", "8bit",
                                "text/plain; charset={cs}; format=flowed")
        root = leaf
        if d.atts or d.mode == "attach":
            b = "------------" + mw.alnum(rng, 24)
            kids = [leaf]
            for a in d.atts:
                kids.append(att_part(a, "2047+2231", "UTF-8", "Q",
                                     fold_params=True, indent=" "))
            if d.mode == "attach":
                kids.append(rfc822_part(d.quote, subject_eml_name(d.quote.subject)))
            root = Part([("Content-Type", 'multipart/mixed; boundary="%s"' % b)],
                        parts=kids, boundary=b,
                        preamble="This is a multi-part message in MIME format.")
        hdrs = [("Message-ID", "<%s@%s>" % (uuid.UUID(int=rng.getrandbits(128),
                                                      version=4), self.domain))]
        hdrs.append(("Date", mw.rfc_date(d.date)))
        hdrs.append(("MIME-Version", "1.0"))
        hdrs.append(("User-Agent", "Mozilla Thunderbird"))
        hdrs.append(("Subject", self.subj(d, "UTF-8", "Q", "words")))
        hdrs.append(("Content-Language", "tr"))
        hdrs.append(("To", mw.address_field("To", self.addrs(d.to))))
        if d.cc:
            hdrs.append(("Cc", mw.address_field("Cc", self.addrs(d.cc))))
        if d.references:
            hdrs.append(("References", mw.fold("References", d.references.split(" "))))
        hdrs.append(("From", mw.address(*d.frm)))
        if d.in_reply_to:
            hdrs.append(("In-Reply-To", d.in_reply_to))
        hdrs += d.extra
        hdrs += root.headers[:1]
        if root is leaf:
            hdrs += root.headers[1:]
            root.headers = []
        else:
            root.headers = root.headers[1:]
        return hdrs, root


class AppleMail(Client):
    """Mail on macOS (Begin forwarded message:) or on an iPhone
    (iPhone'umdan gönderildi)."""

    def __init__(self, rng, iphone=False, lang="tr"):
        Client.__init__(self, rng)
        self.iphone = iphone
        self.lang = lang
        self.name = "iphone-mail" if iphone else "apple-mail-%s" % lang
        if iphone:
            self.quote_style = "ios-tr"
        else:
            self.quote_style = "apple-tr" if lang == "tr" else "apple-en"

    def build(self, d):
        rng = self.rng
        u = str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()
        t = self.body_text(d)
        leaf = mw.leaf_text(t, "plain", "utf-8", "quoted-printable",
                            "text/plain;\r\n\tcharset=utf-8")
        root = leaf
        if d.atts or d.mode == "attach":
            b = "Apple-Mail=_%s" % str(uuid.UUID(int=rng.getrandbits(128),
                                                 version=4)).upper()
            kids = [leaf]
            for a in d.atts:
                np, fp = filename_params("2231", a.filename)
                if a.filename.isascii():
                    np, fp = ['name="%s"' % a.filename], ['filename="%s"' % a.filename]
                kids.append(mw.leaf_bytes(
                    [("Content-Disposition", "attachment;\r\n\t" + ";\r\n\t".join(fp)),
                     ("Content-Type", a.ctype + ";\r\n\tx-unix-mode=0644;\r\n\t" +
                      ";\r\n\t".join(np)),
                     ("Content-Transfer-Encoding", "base64")], a.data))
            if d.mode == "attach":
                kids.append(rfc822_part(d.quote, subject_eml_name(d.quote.subject)))
            root = Part([("Content-Type", 'multipart/mixed;\r\n\tboundary="%s"' % b)],
                        parts=kids, boundary=b, gap=True)
        hdrs = [("From", mw.address(*d.frm, charset="utf-8", mode="Q"))]
        hdrs.append(("Content-Type", root.headers[0][1]))
        if root is leaf:
            hdrs.append(root.headers[1])
            root.headers = []
        else:
            root.headers = root.headers[1:]
        hdrs.append(("Mime-Version", "1.0 (1.0)" if self.iphone else
                     "1.0 (Mac OS X Mail 16.0 \\(3826.300.87.4.3\\))"))
        hdrs.append(("Subject", self.subj(d, "utf-8", "Q", "whole")))
        hdrs.append(("Message-Id", "<%s@%s>" % (u, self.domain)))
        if d.references:
            hdrs.append(("References", mw.fold("References", d.references.split(" "))))
        hdrs.append(("Date", mw.rfc_date(d.date)))
        if d.cc:
            hdrs.append(("Cc", mw.address_field("Cc", self.addrs(d.cc, "utf-8", "Q"))))
        if d.in_reply_to:
            hdrs.append(("In-Reply-To", d.in_reply_to))
        hdrs.append(("To", mw.address_field("To", self.addrs(d.to, "utf-8", "Q"))))
        hdrs.append(("X-Mailer", "iPhone Mail (22B91)" if self.iphone
                     else "Apple Mail (2.3826.300.87.4.3)"))
        hdrs += d.extra
        return hdrs, root


class Samsung(Client):
    """Samsung Email on Android: base64 UTF-8, -------- Orijinal mesaj --------."""
    name = "samsung-email"
    quote_style = "samsung-tr"

    def build(self, d):
        rng = self.rng
        t = self.body_text(d)
        text = mw.leaf_text(t, "plain", "utf-8", "base64", "text/plain; charset={cs}")
        body = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; " \
               "charset=UTF-8\"></head><body><div dir=\"auto\">%s</div>" % \
               paras_html(d.text, "div")
        if d.sig:
            body += '<div dir="auto"><br></div><div id="composer_signature" ' \
                    'dir="auto"><div style="font-size:85%%;color:#575757" ' \
                    'dir="auto">%s</div></div>' % esc(d.sig)
        if d.quote is not None and d.mode in ("reply", "forward"):
            body += quote_html_block(d.quote, d.mode, "samsung-tr")
        body += "</body></html>"
        htm = mw.leaf_text(body, "html", "utf-8", "base64", "text/html; charset={cs}")
        b = "--_com.samsung.android.email_%d" % rng.randrange(10 ** 14, 10 ** 15)
        root = Part([("Content-Type", 'multipart/alternative; boundary="%s"' % b)],
                    parts=[text, htm], boundary=b)
        if d.atts:
            b2 = "--_com.samsung.android.email_%d" % rng.randrange(10 ** 14, 10 ** 15)
            kids = [root] + [att_part(a, "2047", "UTF-8", "B", fold_params=False)
                             for a in d.atts]
            root = Part([("Content-Type", 'multipart/mixed; boundary="%s"' % b2)],
                        parts=kids, boundary=b2)
        hdrs = [("Message-ID", "<%s.%s@email.android.com>" % (
            mw.alnum(rng, 24, "abcdefghijklmnopqrstuvwxyz0123456789"),
            mw.hexid(rng, 8)))]
        hdrs.append(("Date", mw.rfc_date(d.date)))
        hdrs.append(("Subject", self.subj(d, "UTF-8", "B")))
        hdrs.append(("From", mw.address(*d.frm, charset="UTF-8", mode="B")))
        hdrs.append(("To", mw.address_field("To", self.addrs(d.to, "UTF-8", "B"))))
        if d.cc:
            hdrs.append(("Cc", mw.address_field("Cc", self.addrs(d.cc, "UTF-8", "B"))))
        hdrs += self.refs(d)
        hdrs.append(("MIME-Version", "1.0"))
        hdrs.append(("Content-Type", root.headers[0][1]))
        root.headers = root.headers[1:]
        hdrs += d.extra
        return hdrs, root


class Zimbra(Client):
    """Zimbra web client, the university's webmail: ----- Orijinal
    Mesaj -----, Gönderilenler:, JavaMail Message-IDs."""
    name = "zimbra"
    quote_style = "zimbra-tr"

    def __init__(self, rng, html=True):
        Client.__init__(self, rng)
        self.html = html

    def build(self, d):
        rng = self.rng
        t = self.body_text(d)
        cte = "7bit" if t.isascii() else "quoted-printable"
        text = mw.leaf_text(t, "plain", "utf-8", cte, "text/plain; charset={cs}")
        root = text
        if self.html:
            body = ('<html><body><div style="font-family: arial, helvetica, sans-'
                    'serif; font-size: 12pt; color: #000000">%s' %
                    paras_html(d.text, "div"))
            if d.table_html:
                body += d.table_html
            if d.sig:
                body += "<div><br></div><div>-- <br></div>%s" % paras_html(d.sig, "div")
            if d.quote is not None and d.mode in ("reply", "forward"):
                body += "<div><br></div>" + quote_html_block(d.quote, d.mode,
                                                            "zimbra-tr")
            body += "</div></body></html>"
            htm = mw.leaf_text(body, "html", "utf-8",
                               "7bit" if body.isascii() else "quoted-printable",
                               "text/html; charset={cs}")
            b = "=_%s" % uuid.UUID(int=rng.getrandbits(128), version=4)
            root = Part([("Content-Type", 'multipart/alternative; \r\n\tboundary="%s"' % b)],
                        parts=[text, htm], boundary=b)
        if d.atts or d.mode == "attach":
            b = "=_%s" % uuid.UUID(int=rng.getrandbits(128), version=4)
            kids = [root]
            for a in d.atts:
                np, fp = filename_params("2231", a.filename)
                if a.filename.isascii():
                    np, fp = ["name=%s" % a.filename], ["filename=%s" % a.filename]
                kids.append(mw.leaf_bytes(
                    [("Content-Type", a.ctype + "; " + "; ".join(np)),
                     ("Content-Disposition", "attachment; " + "; ".join(fp)),
                     ("Content-Transfer-Encoding", "base64")], a.data))
            if d.mode == "attach":
                kids.append(rfc822_part(d.quote))
            root = Part([("Content-Type", 'multipart/mixed; \r\n\tboundary="%s"' % b)],
                        parts=kids, boundary=b)
        ms = int(d.date.timestamp() * 1000) + rng.randrange(1000)
        hdrs = [("Date", mw.rfc_date(d.date, "java"))]
        hdrs.append(("From", mw.address(*d.frm, charset="utf-8", mode="Q")))
        hdrs.append(("To", mw.address_field("To", self.addrs(d.to, "utf-8", "Q"))))
        if d.cc:
            hdrs.append(("Cc", mw.address_field("Cc", self.addrs(d.cc, "utf-8", "Q"))))
        hdrs.append(("Message-ID", "<%d.%d.%d.JavaMail.zimbra@%s>" % (
            rng.randrange(10 ** 8, 2 * 10 ** 9), rng.randrange(10 ** 5, 10 ** 7),
            ms, self.domain)))
        if d.in_reply_to:
            hdrs.append(("In-Reply-To", d.in_reply_to))
        if d.references:
            hdrs.append(("References", mw.fold("References", d.references.split(" "))))
        hdrs.append(("Subject", self.subj(d, "utf-8", "Q", "whole")))
        hdrs.append(("MIME-Version", "1.0"))
        hdrs.append(("Content-Type", root.headers[0][1]))
        if root is text:
            hdrs.append(root.headers[1])
            root.headers = []
        else:
            root.headers = root.headers[1:]
        hdrs.append(("X-Originating-IP", "[10.%d.%d.%d]" % (
            rng.randrange(1, 60), rng.randrange(256), rng.randrange(1, 255))))
        hdrs.append(("X-Mailer", "Zimbra 9.0.0_ZEXTRAS_20240927 (ZimbraWebClient - "
                     "%s (Win)/9.0.0_ZEXTRAS_20240927)" % rng.choice(
                         ["GC131", "FF133", "GC130", "ED131"])))
        topic = re.sub(r"^((YNT|RE|İLT|FW|Fwd|Re): ?)+", "", d.subject)
        hdrs.append(("Thread-Topic", self.subj(Draft(None, [], topic, None, ""),
                                               "utf-8", "Q")))
        hdrs.append(("Thread-Index", mw.b64(mw.rbytes(rng, 21)).decode().strip()))
        hdrs += d.extra
        return hdrs, root


class Roundcube(Client):
    """Roundcube webmail: format=flowed, "... tarihinde, ... yazdı:"."""
    name = "roundcube"
    quote_style = "roundcube-tr"

    def build(self, d):
        rng = self.rng
        t = flowed(self.body_text(d), 76)
        cs = "US-ASCII" if t.isascii() else "UTF-8"
        leaf = mw.leaf_text(t, "plain", cs,
                            "7bit" if t.isascii() else "quoted-printable",
                            "text/plain; charset={cs};\r\n format=flowed")
        root = leaf
        if d.atts or d.mode == "attach":
            b = "=_" + mw.hexid(rng, 32)
            kids = [leaf]
            for a in d.atts:
                np, fp = filename_params("2231", a.filename)
                if a.filename.isascii():
                    np, fp = ["name=%s" % a.filename], ["filename=%s" % a.filename]
                kids.append(mw.leaf_bytes(
                    [("Content-Transfer-Encoding", "base64"),
                     ("Content-Type", a.ctype + ";\r\n " + ";\r\n ".join(np)),
                     ("Content-Disposition", "attachment;\r\n " + ";\r\n ".join(fp) +
                      ";\r\n size=%d" % len(a.data))], a.data))
            if d.mode == "attach":
                kids.append(rfc822_part(d.quote, subject_eml_name(d.quote.subject)))
            root = Part([("Content-Type", 'multipart/mixed;\r\n boundary="%s"' % b)],
                        parts=kids, boundary=b)
        hdrs = [("MIME-Version", "1.0")]
        hdrs.append(("Date", mw.rfc_date(d.date, "pad")))
        hdrs.append(("From", mw.address(*d.frm, charset="UTF-8", mode="Q")))
        hdrs.append(("To", mw.address_field("To", self.addrs(d.to, "UTF-8", "Q"))))
        if d.cc:
            hdrs.append(("Cc", mw.address_field("Cc", self.addrs(d.cc, "UTF-8", "Q"))))
        hdrs.append(("Subject", self.subj(d, "UTF-8", "Q", "words")))
        if d.in_reply_to:
            hdrs.append(("In-Reply-To", d.in_reply_to))
        if d.references:
            hdrs.append(("References", mw.fold("References", d.references.split(" "))))
        hdrs.append(("User-Agent", "Roundcube Webmail/1.6.9"))
        hdrs.append(("Message-ID", "<%s@%s>" % (mw.hexid(rng, 32), self.domain)))
        hdrs.append(("X-Sender", d.frm[1]))
        hdrs.append(("Content-Type", root.headers[0][1]))
        if root is leaf:
            hdrs.append(root.headers[1])
            root.headers = []
        else:
            root.headers = root.headers[1:]
        hdrs += d.extra
        return hdrs, root
