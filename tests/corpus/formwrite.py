"""The request form ("Nitelikli Elektronik Sertifika Yenileme Talep Formu")
as units fill it in: .xlsx, .docx, .csv, or a table in the mail body.

The OOXML files are written from minimal parts with zipfile and fixed
member dates, as tests/fixtures/forms/make-forms.py does, so the bytes
depend only on the rows."""

import html
import zipfile
import io

from mimewrite import ascii_fold, tr_upper

TITLE = "NİTELİKLİ ELEKTRONİK SERTİFİKA YENİLEME TALEP FORMU"

# Column headings as different units' copies of the form have them.
# Keys: n (row number), name, first, last, tckn, title, unit, email, phone.
HEADINGS = [
    [("n", "Sıra"), ("name", "Ad Soyad"), ("tckn", "T.C. Kimlik No"),
     ("title", "Unvan"), ("unit", "Birim"), ("email", "Kurumsal E-posta"),
     ("phone", "Cep Telefonu")],
    [("n", "S.No"), ("name", "Adı Soyadı"), ("tckn", "TC No"),
     ("title", "Unvanı"), ("unit", "Birimi"), ("email", "E-Posta Adresi"),
     ("phone", "Telefon")],
    [("n", "SIRA NO"), ("name", "ADI SOYADI"), ("tckn", "T.C. KİMLİK NO"),
     ("title", "KADRO UNVANI"), ("unit", "GÖREV YERİ"),
     ("email", "KURUMSAL E-POSTA ADRESİ"), ("phone", "CEP TEL")],
    [("n", "No"), ("first", "Adı"), ("last", "Soyadı"), ("tckn", "TCKN"),
     ("title", "Unvan"), ("unit", "Bölüm"), ("email", "e-posta"),
     ("phone", "GSM")],
    [("n", "Sıra"), ("name", "Personelin Adı Soyadı"),
     ("tckn", "Kimlik Numarası"), ("title", "Ünvanı"), ("unit", "Birim"),
     ("email", "Mail"), ("phone", "Cep No")],
    [("name", "Ad Soyad"), ("tckn", "T.C. Kimlik Numarası"),
     ("email", "Kurumsal E-posta Adresi"), ("title", "Unvan"),
     ("phone", "Cep Telefonu")],
]


def cell(person, key, n):
    if key == "n":
        return str(n)
    if key == "first":
        return person["name"].rsplit(" ", 1)[0]
    if key == "last":
        return person["name"].rsplit(" ", 1)[1]
    return person.get(key, "")


def grid(people, heading, upper=False):
    """The form as rows of strings: the heading row then one per person."""
    rows = [[h for _, h in heading]]
    for i, p in enumerate(people):
        row = [cell(p, k, i + 1) for k, _ in heading]
        if upper:
            row = [tr_upper(c) if k in ("name", "first", "last") else c
                   for (k, _), c in zip(heading, row)]
        rows.append(row)
    return rows


# -- xlsx ----------------------------------------------------------------

CT_XLSX = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    '</Types>')

RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="%s"/>'
    '</Relationships>')

WB = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="%s" sheetId="1" r:id="rId1"/></sheets></workbook>')

WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '</Relationships>')

STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="3"><xf/><xf fontId="1" applyFont="1"/>'
    '<xf numFmtId="1" applyNumberFormat="1"/></cellXfs></styleSheet>')

CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    '<dc:creator>%s</dc:creator><cp:lastModifiedBy>%s</cp:lastModifiedBy>'
    '<dcterms:created xsi:type="dcterms:W3CDTF">2021-03-02T07:11:40Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified>'
    '</cp:coreProperties>')

APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    '<Application>%s</Application></Properties>')


def _put(z, name, data, when):
    info = zipfile.ZipInfo(name, date_time=when)
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data)


def colname(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def xlsx(rows, *, title_rows=(), footer_rows=(), sheet="Sayfa1",
         shared=True, tckn_numbers=True, blank_numbered=0, author="BİDB",
         app="Microsoft Excel", when=(2026, 12, 1, 9, 0, 0), tckn_col=None):
    """rows: heading then people (strings).  title_rows: lines above the
    table; footer_rows: lines under it; blank_numbered: empty numbered
    rows left from the template."""
    strings = []
    index = {}

    def sst(s):
        if s not in index:
            index[s] = len(strings)
            strings.append(s)
        return index[s]

    out_rows = []
    r = 1
    for t in title_rows:
        out_rows.append((r, [(0, "s", t, 1)]))
        r += 1
    if title_rows:
        r += 1
    heading = rows[0]
    out_rows.append((r, [(i, "s", h, 1) for i, h in enumerate(heading)]))
    r += 1
    for row in rows[1:]:
        cells = []
        for i, v in enumerate(row):
            if v == "":
                continue
            if tckn_numbers and i == tckn_col and v.isdigit():
                cells.append((i, "n", v, 2))
            elif heading[i] in ("Sıra", "S.No", "SIRA NO", "No") and v.isdigit():
                cells.append((i, "n", v, 0))
            else:
                cells.append((i, "s", v, 0))
        out_rows.append((r, cells))
        r += 1
    n = len(rows)
    for k in range(blank_numbered):
        out_rows.append((r, [(0, "n", str(n + k), 0)]))
        r += 1
    if footer_rows:
        r += 1
    for t in footer_rows:
        out_rows.append((r, [(0, "s", t, 0)]))
        r += 1

    xml = []
    for rnum, cells in out_rows:
        cs = []
        for ci, kind, v, style in cells:
            ref = "%s%d" % (colname(ci), rnum)
            st = ' s="%d"' % style if style else ""
            if kind == "n":
                cs.append('<c r="%s"%s><v>%s</v></c>' % (ref, st, v))
            elif shared:
                cs.append('<c r="%s"%s t="s"><v>%d</v></c>' % (ref, st, sst(v)))
            else:
                cs.append('<c r="%s"%s t="inlineStr"><is><t>%s</t></is></c>'
                          % (ref, st, html.escape(v, quote=False)))
        xml.append('<row r="%d">%s</row>' % (rnum, "".join(cs)))
    ws = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
          '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          '<sheetData>%s</sheetData></worksheet>' % "".join(xml))
    ss = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
          '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'count="%d" uniqueCount="%d">%s</sst>'
          % (len(strings), len(strings), "".join(
              "<si><t>%s</t></si>" % html.escape(s, quote=False)
              for s in strings)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        _put(z, "[Content_Types].xml", CT_XLSX, when)
        _put(z, "_rels/.rels", RELS % "xl/workbook.xml", when)
        _put(z, "docProps/app.xml", APP % app, when)
        _put(z, "docProps/core.xml", CORE % (author, author,
             "%04d-%02d-%02dT%02d:%02d:00Z" % when[:5]), when)
        _put(z, "xl/workbook.xml", WB % sheet, when)
        _put(z, "xl/_rels/workbook.xml.rels", WB_RELS, when)
        _put(z, "xl/styles.xml", STYLES, when)
        _put(z, "xl/sharedStrings.xml", ss, when)
        _put(z, "xl/worksheets/sheet1.xml", ws, when)
    return buf.getvalue()


# -- docx ----------------------------------------------------------------

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _p(text, bold=False, center=False):
    ppr = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return ('<w:p>%s<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r></w:p>'
            % (ppr, rpr, html.escape(text, quote=False)))


def docx(rows, *, title_lines=(), footer_lines=(), split_runs=False,
         when=(2026, 12, 1, 9, 0, 0)):
    def tc(text):
        if split_runs and len(text) > 4 and len(text) % 3 == 0:
            # Word splits a cell's text into runs where the spell
            # checker or an edit touched it (here: some of the cells).
            k = len(text) // 2
            runs = "".join('<w:r><w:t xml:space="preserve">%s</w:t></w:r>'
                           % html.escape(t, quote=False)
                           for t in (text[:k], text[k:]))
            return "<w:tc><w:p>%s</w:p></w:tc>" % runs
        return "<w:tc>%s</w:tc>" % _p(text)

    tbl = ['<w:tbl><w:tblPr><w:tblStyle w:val="TabloKlavuzu"/>'
           '<w:tblW w:w="0" w:type="auto"/></w:tblPr>']
    for row in rows:
        tbl.append("<w:tr>%s</w:tr>" % "".join(tc(c) for c in row))
    tbl.append("</w:tbl>")
    body = "".join(_p(t, bold=True, center=(i == 0))
                   for i, t in enumerate(title_lines))
    body += "".join(tbl) + _p("")
    body += "".join(_p(t) for t in footer_lines)
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
           '<w:document %s><w:body>%s<w:sectPr/></w:body></w:document>'
           % (W, body))
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          '</Types>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        _put(z, "[Content_Types].xml", ct, when)
        _put(z, "_rels/.rels",
             '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
             '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
             '</Relationships>', when)
        _put(z, "word/document.xml", doc, when)
    return buf.getvalue()


# -- csv -----------------------------------------------------------------

def csv(rows, *, dialect="excel-tr", title=None):
    """excel-tr: ';', windows-1254, CRLF (Excel in a Turkish locale);
    utf8-bom: ',', UTF-8 with BOM, quoted where needed (Excel's "CSV
    UTF-8"); libreoffice: ',', UTF-8, LF, every text quoted."""
    def q(v, sep, always):
        if always or sep in v or '"' in v:
            return '"%s"' % v.replace('"', '""')
        return v
    if dialect == "excel-tr":
        lines = []
        if title:
            lines.append(title + ";" * (len(rows[0]) - 1))
        lines += [";".join(q(c, ";", False) for c in r) for r in rows]
        return ("\r\n".join(lines) + "\r\n").encode("cp1254")
    if dialect == "utf8-bom":
        lines = [",".join(q(c, ",", False) for c in r) for r in rows]
        return b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode("utf-8")
    lines = [",".join(q(c, ",", not c.isdigit()) for c in r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


# -- tables in the body --------------------------------------------------

def text_table(rows, style="pipe"):
    if style == "tabs":
        return "\n".join("\t".join(r) for r in rows)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    if style == "pipe":
        return "\n".join(" | ".join(c.ljust(widths[i])
                                    for i, c in enumerate(r)).rstrip()
                         for r in rows)
    if style == "aligned":
        out = []
        for k, r in enumerate(rows):
            out.append("  ".join(c.ljust(widths[i])
                                 for i, c in enumerate(r)).rstrip())
            if k == 0:
                out.append("  ".join("-" * w for w in widths))
        return "\n".join(out)
    if style == "list":
        head = rows[0]
        out = []
        for r in rows[1:]:
            out.append(" - ".join(c for c in r if c))
        return "\n".join(out)
    raise ValueError(style)


def html_table(rows, style="outlook"):
    e = lambda s: html.escape(s, quote=False)
    if style == "outlook":
        out = ['<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 '
               'style=\'border-collapse:collapse;border:none\'>']
        for k, r in enumerate(rows):
            out.append("<tr>")
            for c in r:
                b = ("<b>", "</b>") if k == 0 else ("", "")
                out.append("<td valign=top style='border:solid windowtext 1.0pt;"
                           "padding:0cm 5.4pt 0cm 5.4pt'><p class=MsoNormal>"
                           "%s<span style='font-size:10.0pt'>%s</span>%s"
                           "<o:p></o:p></p></td>" % (b[0], e(c), b[1]))
            out.append("</tr>")
        out.append("</table>")
        return "\n".join(out)
    if style == "sheets":
        out = ['<table cellspacing="0" cellpadding="0" dir="ltr" border="1" '
               'style="table-layout:fixed;font-size:10pt;font-family:Arial;'
               'width:0px;border-collapse:collapse;border:none" '
               'data-sheets-root="1"><colgroup>%s</colgroup><tbody>'
               % "".join('<col width="120">' for _ in rows[0])]
        for r in rows:
            out.append("<tr style=\"height:21px\">" + "".join(
                '<td style="overflow:hidden;padding:2px 3px;vertical-align:'
                'bottom;border:1px solid rgb(0,0,0)">%s</td>' % e(c)
                for c in r) + "</tr>")
        out.append("</tbody></table>")
        return "".join(out)
    out = ['<table border="1" cellpadding="4" style="border-collapse:collapse">']
    for k, r in enumerate(rows):
        tag = "th" if k == 0 else "td"
        out.append("<tr>" + "".join("<%s>%s</%s>" % (tag, e(c), tag)
                                    for c in r) + "</tr>")
    out.append("</table>")
    return "\n".join(out)
