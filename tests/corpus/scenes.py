"""The generated messages: for every step, the people and systems that
show it, in many shapes; and the mail that must move nothing.

Every message is judged on its own against world.tsv (as if it were
the only message after the state world.tsv describes)."""

import datetime

import clients as cl
import formwrite as fw
import mimewrite as mw
import systems as sy
from clients import Att, Draft, Orig
from mimewrite import ascii_fold, tr_upper
from world import (DEPTS, DOMAIN, HEADS, NEW_UNITS, START, TZ, UNIT_NAMES,
                   Pool, hitap, robot_tmpl)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

KURUM = ["ÖRNEK ÜNİVERSİTESİ", "Örnek Üniversitesi Rektörlüğü", "ÖRNEK ÜNİVERSİTESİ REKTÖRLÜĞÜ",
         "Örnek Üniversitesi"]
CARRIERS = ["Yurtiçi Kargo", "PTT Kargo", "Aras Kargo", "MNG Kargo", "Sürat Kargo"]
KSM_TO = [("Kamu SM NES Başvuru", "nes-basvuru@kamusm.gov.tr"),
          ("Kamu SM Kurumsal İşlemler", "kurumsal@kamusm.gov.tr"),
          (None, "bilgi@kamusm.gov.tr"),
          ("Kamu SM Destek", "destek@kamusm.bilgem.tubitak.gov.tr")]

DISCLAIMER = (
    "Bu e-posta ve ekleri gizli bilgiler içerebilir ve yalnızca adreslenen kişi "
    "ya da kuruluşun kullanımı içindir. Bu e-postanın alıcısı değilseniz lütfen "
    "göndericiyi bilgilendiriniz ve e-postayı siliniz. Örnek Üniversitesi bu "
    "e-postanın içeriğinden sorumlu tutulamaz.\n"
    "This e-mail and its attachments may contain confidential information and "
    "are intended solely for the addressee. If you are not the intended "
    "recipient, please notify the sender and delete this e-mail.")

KVKK = ("KVKK Aydınlatma Metni: Kişisel verileriniz 6698 sayılı Kanun kapsamında "
        "işlenmektedir. Ayrıntılı bilgi: https://www.ornekuni.edu.tr/kvkk")


def expect(step, cases=(), outcome=None, ticket=None, why=""):
    if outcome is None:
        outcome = "applied"
    f = ["step=%s" % step, "cases=%s" % ",".join(cases)]
    if ticket:
        f.append("ticket=%s" % ticket)
    f.append("outcome=%s" % outcome)
    # the label stays ASCII: it is a header line
    f.append("why=%s" % ascii_fold(why).replace(";", ",").replace("â", "a"))
    return "; ".join(f)


class Gen:
    def __init__(self, rng, world):
        self.rng = rng
        self.w = world
        self.pool = Pool(rng, world)
        self.out = []
        self.now = world.now
        self.tickets_new = {}

    # -- plumbing ------------------------------------------------------------

    def emit(self, desc, exp, client, stamps, hdrs, root):
        root.headers = ([("X-Corpus-Expect", exp), ("X-Corpus-Client", client)]
                        + stamps + hdrs + root.headers)
        self.out.append((desc, mw.render(root)))

    def pick(self, seq):
        return self.rng.choice(seq)

    def chance(self, p):
        return self.rng.random() < p

    def at(self, d, lo=8, hi=18, weekend=False):
        """A time on day d (a date), moved off the weekend unless
        weekend; never after now."""
        rng = self.rng
        if not weekend:
            while d.weekday() >= 5:
                d += datetime.timedelta(days=1)
        t = datetime.datetime(d.year, d.month, d.day, rng.randrange(lo, hi),
                              rng.randrange(60), rng.randrange(60), tzinfo=TZ)
        if t > self.now:
            t = self.now - datetime.timedelta(minutes=rng.randrange(20, 600))
            if not weekend and t.weekday() >= 5:
                t -= datetime.timedelta(days=t.weekday() - 4)
        if t < START:
            t = START + datetime.timedelta(hours=rng.randrange(1, 8))
        return t

    def day_between(self, a, b):
        if b <= a:
            return a
        return a + datetime.timedelta(days=self.rng.randrange((b - a).days + 1))

    def date_for(self, c, step, weekend=False):
        """When a message of this step about case c plausibly came."""
        from world import STEPS
        si, ci = STEPS.index(step), STEPS.index(c.step)
        today = self.now.date()
        if si == ci:
            d = self.day_between(c.since, min(c.since + datetime.timedelta(days=1), today))
        elif si < ci:
            lo = max(self.w.requests[c.req].opened + datetime.timedelta(days=si),
                     START.date())
            d = self.day_between(lo, max(lo, c.since - datetime.timedelta(days=1)))
        else:
            d = self.day_between(min(c.since + datetime.timedelta(days=1), today), today)
        return self.at(d, weekend=weekend)

    # -- who writes ----------------------------------------------------------

    def person_client(self, mobile=None):
        rng = self.rng
        kinds = ["outlook-tr", "outlook-tr", "outlook-tr", "outlook-en", "outlook-old",
                 "owa", "gmail", "gmail-android", "thunderbird", "thunderbird-html",
                 "apple", "iphone", "iphone", "samsung", "zimbra", "zimbra", "zimbra",
                 "roundcube"]
        if mobile is True:
            kinds = ["iphone", "samsung", "gmail-android"]
        elif mobile is False:
            kinds = [k for k in kinds if k not in ("iphone", "samsung", "gmail-android")]
        return self.make_client(rng.choice(kinds))

    def make_client(self, k):
        rng = self.rng
        if k == "outlook-tr":
            return cl.Outlook(rng, "tr", images=self.chance(0.35))
        if k == "outlook-en":
            return cl.Outlook(rng, "en")
        if k == "outlook-old":
            return cl.Outlook(rng, self.pick(["tr", "en"]), old=True)
        if k == "owa":
            return cl.OWA(rng, self.pick(["tr", "tr", "en"]))
        if k == "gmail":
            return cl.Gmail(rng, self.pick(["tr", "tr", "en"]))
        if k == "gmail-android":
            return cl.Gmail(rng, "tr", mobile=True)
        if k == "thunderbird":
            return cl.Thunderbird(rng)
        if k == "thunderbird-html":
            return cl.Thunderbird(rng, html=True)
        if k == "apple":
            return cl.AppleMail(rng, lang=self.pick(["tr", "en"]))
        if k == "iphone":
            return cl.AppleMail(rng, iphone=True)
        if k == "samsung":
            return cl.Samsung(rng)
        if k == "zimbra":
            return cl.Zimbra(rng, html=self.chance(0.7))
        if k == "zimbra-text":
            return cl.Zimbra(rng, html=False)
        if k == "roundcube":
            return cl.Roundcube(rng)
        raise ValueError(k)

    def how(self, client):
        n = client.name
        if n.startswith("owa"):
            return "o365"
        if n.startswith("gmail"):
            return "gmail"
        if n in ("zimbra", "roundcube"):
            return "webmail"
        return "submission"

    def stamps(self, client, sender, date, rcpt):
        return sy.internal(self.rng, sender, date, rcpt, self.how(client))

    def display(self, c):
        """How a person's name shows in their own From."""
        v = self.rng.randrange(6)
        if v == 0:
            return "%s %s" % (c.first, tr_upper(c.last))
        if v == 1:
            return "%s %s" % (c.title, c.name)
        if v == 2:
            return "%s %s" % (tr_upper(c.last), c.first)
        return c.name

    def sig(self, c, client, formal=True):
        """A person's signature block (mobile clients add their own line)."""
        n = client.name
        unit = self.w.requests[c.req].unit
        dept = self.pick(DEPTS[c.req])
        if n == "iphone-mail":
            return "iPhone'umdan gönderildi"
        if n == "samsung-email":
            return self.pick(["Samsung Mobile'dan gönderildi",
                              "Samsung Galaxy akıllı telefonumdan gönderildi"])
        if n == "gmail-android":
            return None if self.chance(0.6) else "Android için Gmail ile gönderildi"
        v = self.rng.randrange(5)
        if v == 0:
            s = "%s %s\nÖrnek Üniversitesi %s\n%s\nTel: +90 (312) 555 %02d %02d" % (
                c.title, c.name, unit, dept, self.rng.randrange(10, 99),
                self.rng.randrange(10, 99))
        elif v == 1:
            s = "Saygılarımla,\n%s" % c.name
        elif v == 2:
            s = "--\n%s %s %s\n%s | %s\nDahili: %d" % (
                c.title, c.first, tr_upper(c.last), unit, dept,
                self.rng.randrange(1000, 9999))
        elif v == 3:
            s = "İyi çalışmalar,\n%s" % c.first
        else:
            s = "%s\n%s" % (c.name, unit)
        if self.chance(0.25):
            s += "\n\n" + DISCLAIMER
        elif self.chance(0.1):
            s += "\n\n" + KVKK
        return s

    def bidb_sig(self, staff=None):
        staff = staff or self.pick([("Ahmet Demir", "Sistem Yöneticisi"),
                                    ("Elif Şahin", "Kullanıcı Destek Sorumlusu"),
                                    ("Kerem Aydın", "Bilgisayar Mühendisi")])
        s = ("%s\n%s\nÖrnek Üniversitesi Bilgi İşlem Daire Başkanlığı\n"
             "E-İmza İşlemleri\nTel: 0312 555 10 %02d" % (
                 staff[0], staff[1], self.rng.randrange(10, 99)))
        if self.chance(0.3):
            s += "\n\n" + DISCLAIMER
        return s

    def ksm_fields(self, c, tck=None):
        rng = self.rng
        if tck is None:
            tck = self.pick(["none", "full", "m2", "m3", "m2"])
        t = {"none": None, "full": c.tckn, "m2": c.tckn[:3] + "******" + c.tckn[-2:],
             "m3": c.tckn[:3] + "*****" + c.tckn[-3:]}[tck]
        upper = self.chance(0.75)
        return {"NAME": tr_upper(c.name) if upper else c.name, "Name": c.name,
                "tckn": t, "kurum": self.pick(KURUM),
                "parola": mw.alnum(rng, 8, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"),
                "bno": self.bno(c), "when": "%02d.%02d.%d" % (
                    c.since.day, c.since.month, c.since.year),
                "method": self.pick(["e-Onay", "e-İmza"]),
                "carrier": self.pick(CARRIERS), "gno": self.gno(),
                "adres": "Örnek Üniversitesi %s, Merkez Yerleşke, Ankara" %
                         self.w.requests[c.req].unit}

    def bno(self, c):
        return "2026%s%s" % (c.tckn[4:7], c.tckn[7:10])

    def gno(self):
        return "%d" % self.rng.randrange(10 ** 11, 10 ** 12)

    def ksm_message(self, k, to, cc, date, rcpt, dkim=True, spf=True):
        hdrs, root = sy.ksm_build(self.rng, k, to, cc, date)
        st = sy.external_kamusm(self.rng, k.frm[1], date, rcpt, dkim, spf)
        return st, hdrs, root

    def ksm_orig(self, k, to, cc, date, rcpt):
        """A Kamu SM mail as it sits in someone's mailbox, to forward."""
        st, hdrs, root = self.ksm_message(k, to, cc, date, rcpt)
        root.headers = [("Return-Path", "<%s>" % k.frm[1])] + st + hdrs + root.headers
        raw = mw.render(root)
        text = k.text if k.text is not None else cl.html_to_text(k.html)
        return Orig(k.frm, to, k.subject, date, text, k.html, cc=cc,
                    msgid=dict(hdrs)["Message-ID"], raw=raw)

    def robot_orig(self, rm):
        subj, text = sy.robot_text(robot_tmpl(rm.mid), self.w, rm.tags, rm.date)
        to = [(None, rm.to)]
        return Orig(sy.ROBOT, to, subj, rm.date, text, msgid=rm.mid)

    def rm(self, mid):
        return self.w.robot_mail[mid]

    def rms(self, tmpl):
        return [m for m in self.w.robot_mail.values() if robot_tmpl(m.mid) == tmpl]

    # -- a person writing ----------------------------------------------------

    def person_mail(self, c, to, text, date, subject=None, quote=None, mode=None,
                    cc=(), client=None, exp=None, desc="", atts=(), irt=None,
                    refs=None, sig=True, top=True, frm=None):
        client = client or self.person_client()
        frm = frm or (self.display(c), c.email)
        if subject is None:
            subject = quote.subject
            subject = (client.reply_prefix if mode == "reply" else client.fwd_prefix) + subject
        d = Draft(frm, to, subject, date, text, cc=cc,
                  sig=self.sig(c, client) if sig else None, quote=quote, mode=mode,
                  atts=atts, in_reply_to=irt, references=refs, top=top)
        hdrs, root = client.build(d)
        rcpt = to[0][1] if to else "nesrobot@" + DOMAIN
        self.emit(desc, exp, client.name, self.stamps(client, frm[1], date, rcpt),
                  hdrs, root)

    def reply_robot(self, rm, c, text, date, exp, desc, client=None, sender=None,
                    to=None, cc=(), top=True):
        o = self.robot_orig(rm)
        client = client or self.person_client()
        frm = sender or (self.display(c), c.email)
        d = Draft(frm, to or [sy.ROBOT], client.reply_prefix + o.subject, date, text,
                  cc=cc, sig=self.sig(c, client) if c else None, quote=o,
                  mode="reply", in_reply_to=rm.mid, references=rm.mid, top=top)
        hdrs, root = client.build(d)
        self.emit(desc, exp, client.name,
                  self.stamps(client, frm[1], date, (to or [sy.ROBOT])[0][1]), hdrs, root)

    # =====================================================================
    # Step 1: ticket_opened
    # =====================================================================

    TICKET_KONU = ["Nitelikli Elektronik Sertifika Yenileme", "E-imza sertifika yenileme talebi",
                   "NES Yenileme", "Personelimizin e-imza sertifikalarının yenilenmesi",
                   "Elektronik imza yenileme", "E-İMZA YENİLEME",
                   "Süresi dolan nitelikli e-imza sertifikaları",
                   "Kurumsal NES yenileme başvurusu"]
    TICKET_CAT = ["Nitelikli Elektronik Sertifika (NES)", "E-İmza İşlemleri > NES Yenileme",
                  "Elektronik İmza", "Kurumsal E-İmza / NES", "E-İmza / Nitelikli Sertifika"]
    TICKET_DESC = [
        "Fakültemiz öğretim elemanlarından %d kişinin e-imza sertifikasının süresi "
        "önümüzdeki ay dolmaktadır. Yenileme işlemlerinin başlatılmasını arz ederim.",
        "Birimimiz personelinin nitelikli elektronik sertifikalarının yenilenmesi "
        "gerekmektedir. Yenileme formunu ayrıca göndereceğiz. (%d kişi)",
        "EBYS'de evrak imzalayan %d personelimizin e-imzalarının süresi bitiyor, "
        "yenileme için ne yapmamız gerekiyor?",
        "NES yenileme talebi. Liste hazırlanıyor, yaklaşık %d kişi.",
        "Merhaba, e-imza kartlarımızın süresi dolacak. %d arkadaşımız için yenileme "
        "başvurusu yapılmasını rica ederiz.",
    ]
    BYS_FMT = [("phpmailer", "hash"), ("phpmailer", "talep"), ("legacy", "key"),
               ("htmlonly", "no"), ("phpmailer", "no"), ("legacy", "hash"),
               ("htmlonly", "talep"), ("phpmailer", "key")]

    def bys_ticket(self, no, unit, head, date, kind, fmt_i, exp, desc, who=None):
        rng = self.rng
        fmt, style = self.BYS_FMT[fmt_i % len(self.BYS_FMT)]
        hname, hrole, haddr = head
        f = {"no": no, "style": style, "konu": self.pick(self.TICKET_KONU),
             "requester": hname, "req_addr": haddr, "unit": unit,
             "category": self.pick(self.TICKET_CAT),
             "desc": self.pick(self.TICKET_DESC) % rng.randrange(2, 9)}
        subj, text, html = sy.bys_mail(kind, f)
        if kind == "new":
            if self.chance(0.7):
                to, cc = [sy.BIDB], [(hname, haddr)]
            else:
                to, cc = [sy.BIDB, (None, "nesrobot@" + DOMAIN)], [(hname, haddr)]
        else:
            if self.chance(0.5):
                to, cc = [(hname, haddr)], [sy.BIDB]
            else:
                to, cc = [(hname, haddr)], []
        hdrs, root = sy.bys_build(rng, fmt, subj, text, html, to, cc, date)
        st = sy.internal(rng, sy.BYS[1], date, to[0][1], "system")
        self.emit(desc, exp, "bys-" + fmt, st, hdrs, root)

    def step_ticket(self):
        w = self.w
        i = 0
        for r in w.requests.values():
            if r.ticket == "-":
                continue
            head = HEADS[r.key][0]
            unit = self.pick(UNIT_NAMES[r.key][:3])
            d = self.at(r.opened, 8, 17)
            kind = "new" if i % 3 != 2 else "ack"
            self.bys_ticket(r.ticket, unit, head, d, kind, i,
                            expect("ticket_opened", (), ticket=r.ticket,
                                   why="BYS %s mail of an NES ticket of world.tsv (%s)" % (
                                       kind, r.unit)),
                            "bys-%s-%s" % (kind, r.ticket))
            i += 1
        no = 48790
        for j, (unit, hname, hrole, haddr, depts) in enumerate(NEW_UNITS):
            no += self.rng.randrange(3, 19)
            self.tickets_new[unit] = str(no)
            d = self.at(self.day_between(datetime.date(2026, 10, 20),
                                         datetime.date(2026, 12, 14)), 8, 18)
            kind = "new" if j % 4 != 3 else "ack"
            head = (hname, hrole, haddr)
            self.bys_ticket(str(no), unit, head, d, kind, i,
                            expect("ticket_opened", (), ticket=str(no),
                                   why="BYS %s mail opens a new NES request for %s" % (
                                       kind, unit)),
                            "bys-%s-new-%d" % (kind, no))
            i += 1
            if j in (2, 9):
                # the acknowledgement of the same new ticket, minutes later
                self.bys_ticket(str(no), unit, head, d + datetime.timedelta(minutes=2),
                                "ack", i + 1,
                                expect("ticket_opened", (), ticket=str(no),
                                       why="BYS 'talebiniz alındı' acknowledgement of a new NES ticket"),
                                "bys-ack-new-%d" % no)
                i += 1

    # =====================================================================
    # Step 2: form_received
    # =====================================================================

    FORM_SUBJ = ["NES Yenileme Talep Formu", "e-imza sertifika yenileme",
                 "Nitelikli Elektronik Sertifika Yenileme Talep Formu{t}",
                 "{u} e-imza yenileme listesi{t}", "E-İMZA YENİLEME FORMU{t}",
                 "Birimimiz personelinin e-imza yenileme işlemleri hk.",
                 "NES yenileme formu - {u}{t}", "Talep No {n} NES formu",
                 "#{n} e-imza yenileme listesi", "e imza yenileme formu"]
    FORM_TEXT = [
        "Sayın BİDB,\n\n{u} personelinden nitelikli elektronik sertifikası yenilenecek "
        "olanların listesi ekte sunulmuştur.\n\nGereğini arz ederim.",
        "Merhaba,\n\nNES yenileme talep formumuz ektedir{t}. Bilgilerinize.\n\nİyi çalışmalar.",
        "Bilgi İşlem Daire Başkanlığına,\n\nBirimimizde görev yapan ve e-imza sertifikasının "
        "süresi dolan personele ait Nitelikli Elektronik Sertifika Yenileme Talep Formu "
        "ekte gönderilmiştir{t}.\n\nSaygılarımla.",
        "Merhabalar, e-imza yenilemesi yapılacak personel listesi ektedir. Eksik bir "
        "şey olursa dönüş yaparsanız sevinirim.",
        "Hello,\n\nPlease find attached the NES renewal request form for {u}{t}.\n\nBest regards,",
        "Sayın Yetkili,\n\nFakültemiz personelinin e-imza yenileme bilgileri aşağıda/ekte "
        "yer almaktadır{t}.\n\nBilgilerinize arz ederim.",
    ]
    FORM_TEXT_BODY = [
        "Sayın BİDB,\n\nE-imza sertifikası yenilenecek personelimizin bilgileri aşağıdaki "
        "tablodadır{t}.",
        "Merhaba,\n\nNES yenileme listemiz aşağıdadır{t}:",
        "Bilgi İşlem Daire Başkanlığına,\n\nBirimimiz personelinden Nitelikli Elektronik "
        "Sertifika yenilemesi yapılacak olanlar aşağıda listelenmiştir{t}.",
    ]

    def form_rows(self, people, heading_i=None, upper=False):
        hi = self.rng.randrange(len(fw.HEADINGS)) if heading_i is None else heading_i
        heading = fw.HEADINGS[hi]
        rows = fw.grid(people, heading, upper)
        tcol = [k for k, _ in heading].index("tckn")
        return rows, tcol

    def form_attachment(self, kind, people, unit, head):
        rng = self.rng
        rows, tcol = self.form_rows(people, upper=self.chance(0.2))
        title_rows = [fw.TITLE, "Birim: %s" % unit] if self.chance(0.7) else [fw.TITLE]
        footer = ["Birim Amiri: %s" % head[0], "İmza:"] if self.chance(0.5) else []
        base = self.pick(["NES Yenileme Talep Formu", "Nitelikli Elektronik Sertifika Yenileme "
                          "Talep Formu - %s" % unit, "e-imza listesi",
                          "NES_yenileme_%s" % ascii_fold(unit).replace(" ", "_"),
                          "FORM", "%s NES Formu" % unit])
        if kind == "xlsx":
            data = fw.xlsx(rows, title_rows=title_rows, footer_rows=footer,
                           shared=self.chance(0.7), tckn_numbers=self.chance(0.6),
                           blank_numbered=rng.choice([0, 0, 3, 5]), tckn_col=tcol,
                           sheet=self.pick(["Sayfa1", "Form", "Talep Formu", "Sheet1"]),
                           author=head[0])
            return Att(base + ".xlsx", XLSX, data)
        if kind == "docx":
            data = fw.docx(rows, title_lines=title_rows, footer_lines=footer,
                           split_runs=self.chance(0.5))
            return Att(base + ".docx", DOCX, data)
        dialect = {"csv-tr": "excel-tr", "csv-bom": "utf8-bom", "csv-lo": "libreoffice"}[kind]
        data = fw.csv(rows, dialect=dialect,
                      title=fw.TITLE if dialect == "excel-tr" and self.chance(0.5) else None)
        ctype = self.pick(["text/csv", "application/vnd.ms-excel", "text/comma-separated-values"])
        return Att(base + ".csv", ctype, data)

    def form_mail(self, sender, unit, people, carrier, date, mention, exp, desc,
                  client=None, reply_rm=None, to=None, cc=(), text=None, subj=None):
        rng = self.rng
        n = mention or ""
        t_phrase = " (Talep No: %s)" % n if n and self.chance(0.7) else ""
        if n and not t_phrase:
            t_phrase = " (#%s)" % n
        if carrier.startswith("text") or carrier.startswith("html"):
            body = text or self.pick(self.FORM_TEXT_BODY).format(u=unit, t=t_phrase)
        else:
            body = text or self.pick(self.FORM_TEXT).format(u=unit, t=t_phrase)
        if subj is None:
            choices = [s for s in self.FORM_SUBJ if "{n}" not in s or n]
            subj = self.pick(choices).format(u=unit, t=" (%s)" % n if n else "", n=n)
        atts, ttext, thtml = [], None, None
        if client is None and not (carrier.startswith("text") or carrier.startswith("html")):
            client = self.person_client(mobile=False)
        if client is not None and text is None and "en" not in client.name.split("-"):
            body = self.pick(self.FORM_TEXT[:4] + self.FORM_TEXT[5:]).format(u=unit, t=t_phrase)
        elif client is not None and text is None and "Please" not in body:
            body = self.FORM_TEXT[4].format(u=unit, t=t_phrase)
        if carrier.startswith("text"):
            rows, _ = self.form_rows(people, upper=self.chance(0.2))
            ttext = fw.text_table(rows, carrier.split("-")[1])
            client = client or self.make_client(self.pick(
                ["thunderbird", "roundcube", "apple", "zimbra-text"]))
        elif carrier.startswith("html"):
            rows, _ = self.form_rows(people)
            thtml = fw.html_table(rows, carrier.split("-")[1])
            ttext = fw.text_table(rows, "tabs")
            client = client or self.make_client(
                {"outlook": self.pick(["outlook-tr", "outlook-en", "outlook-old"]),
                 "sheets": "gmail", "simple": self.pick(["owa", "zimbra",
                                                         "thunderbird-html"])}[
                    carrier.split("-")[1]])
            if client.name == "zimbra" and not client.html:
                client.html = True
        else:
            atts = [self.form_attachment(carrier, people, unit, sender)]
            client = client or self.person_client(mobile=False)
        hdrs_to = to or [sy.BIDB]
        quote = None
        irt = refs = None
        mode = None
        if reply_rm is not None:
            quote = self.robot_orig(reply_rm)
            subj = client.reply_prefix + quote.subject
            mode = "reply"
            irt = refs = reply_rm.mid
        sig = "%s\n%s\n%s" % (sender[0], sender[1], unit)
        if self.chance(0.2):
            sig += "\n\n" + DISCLAIMER
        d = Draft((sender[0], sender[2]), hdrs_to, subj, date, body, cc=cc, sig=sig,
                  quote=quote, mode=mode, atts=atts, table_text=ttext, table_html=thtml,
                  in_reply_to=irt, references=refs)
        hdrs, root = client.build(d)
        self.emit(desc, exp, client.name,
                  self.stamps(client, sender[2], date, hdrs_to[0][1]), hdrs, root)

    FORM_CARRIERS = ["xlsx", "xlsx", "xlsx", "docx", "docx", "csv-tr", "csv-bom", "csv-lo",
                     "text-pipe", "text-aligned", "text-tabs", "html-outlook",
                     "html-sheets", "html-simple"]

    def step_form(self):
        w, rng = self.w, self.rng
        k = 0
        # the requests of world.tsv that have a ticket and no form yet
        for key in ("R9", "R10", "R11"):
            r = w.requests[key]
            for j in range(3):
                people = [self.pool.person(UNIT_NAMES[key][0], DEPTS[key])
                          for _ in range(rng.randrange(1, 6))]
                sender = HEADS[key][j % len(HEADS[key])]
                unit = self.pick(UNIT_NAMES[key])
                mention = r.ticket if j != 1 else None
                carrier = self.FORM_CARRIERS[k % len(self.FORM_CARRIERS)]
                k += 1
                d = self.at(self.day_between(r.opened, self.now.date()))
                self.form_mail(sender, unit, people, carrier, d, mention,
                               expect("form_received", ["new:" + p["email"] for p in people],
                                      ticket=r.ticket,
                                      why="form (%s) from %s for a ticket with no form yet%s" % (
                                          carrier, unit, "" if mention else
                                          ", ticket not named: tie to the unit's open request")),
                               "form-%s-%s" % (carrier, key))
        # units with no request at all
        for j, (unit, hname, hrole, haddr, depts) in enumerate(NEW_UNITS[:16]):
            people = [self.pool.person(unit, depts) for _ in range(rng.randrange(1, 7))]
            carrier = self.FORM_CARRIERS[k % len(self.FORM_CARRIERS)]
            k += 1
            mention = self.tickets_new.get(unit) if self.chance(0.4) else None
            d = self.at(self.day_between(datetime.date(2026, 10, 20), self.now.date()))
            self.form_mail((hname, hrole, haddr), unit, people, carrier, d, mention,
                           expect("form_received", ["new:" + p["email"] for p in people],
                                  why="form (%s) of a unit with no request in world.tsv" % carrier),
                           "form-%s-new-unit" % carrier)
        # a form sent twice: R7 and R8 resend theirs
        for key, extra in (("R7", 0), ("R7", 1), ("R8", 0), ("R8", 1)):
            r = w.requests[key]
            known = [c for c in r.cases]
            people = [{"name": c.name, "tckn": c.tckn, "email": c.email, "title": c.title,
                       "unit": UNIT_NAMES[key][0], "phone": "0532 000 00 00"} for c in known]
            new = [self.pool.person(UNIT_NAMES[key][0], DEPTS[key]) for _ in range(extra)]
            carrier = self.pick(["xlsx", "docx", "csv-tr", "html-outlook"])
            d = self.at(self.day_between(known[0].since, self.now.date()))
            text = self.pick([
                "Merhaba,\n\nDaha önce gönderdiğimiz formu bir kez daha ekte iletiyoruz{t}. "
                "Ulaşmadığı söylendi.\n\nİyi çalışmalar.",
                "Sayın BİDB,\n\nNES yenileme formumuz güncellenmiştir, son hali ektedir{t}.",
            ]).format(t=" (Talep No: %s)" % r.ticket)
            if carrier.startswith("html"):
                text = "Sayın BİDB,\n\nGüncel NES yenileme listemiz aşağıdadır (Talep No: %s)." % r.ticket
            self.form_mail(HEADS[key][extra % len(HEADS[key])], self.pick(UNIT_NAMES[key]),
                           people + new, carrier, d, r.ticket,
                           expect("form_received", [c.tag for c in known] +
                                  ["new:" + p["email"] for p in new], ticket=r.ticket,
                                  why="the form sent again%s: known people by tag" % (
                                      " with one person added" if new else "")),
                           "form-resend-%s" % key, text=text)
        # a corrected form in reply to the robot's acknowledgement
        for mid, fix in (("<20261125.ack.8@ornekuni.edu.tr>", "ipek"),
                         ("<20261209.ack.7@ornekuni.edu.tr>", "tolga")):
            rm = self.rm(mid)
            cases = [w.cases[t] for t in rm.tags]
            key = cases[0].req
            people = [{"name": c.name, "tckn": c.tckn,
                       "email": c.email, "title": c.title, "unit": UNIT_NAMES[key][0],
                       "phone": "0505 111 22 33"} for c in cases]
            fixc = [c for c in cases if c.email.startswith(fix)][0]
            text = ("Merhaba,\n\n%s'ın unvanı listede eksik yazılmış; düzeltilmiş formu "
                    "ekte gönderiyorum.\n\nİyi çalışmalar." % hitap(fixc))
            self.form_mail(HEADS[key][0], UNIT_NAMES[key][0], people, "xlsx",
                           self.at(self.day_between(rm.date.date(), self.now.date())),
                           w.requests[key].ticket,
                           expect("form_received", [c.tag for c in cases],
                                  ticket=w.requests[key].ticket,
                                  why="corrected form in reply to the robot's acknowledgement"),
                           "form-reply-to-ack-%s" % key, reply_rm=rm, text=text)

    # =====================================================================
    # Step 3: sent_to_kamusm
    # =====================================================================

    SENT_SUBJ = ["Kurumsal NES Yenileme Başvurusu - {u}", "Nitelikli Elektronik Sertifika Talebi Hk.",
                 "NES başvuru listesi (Talep #{n})", "Toplu sertifika yenileme",
                 "{u} NES Yenileme Formu (e-imzalı)", "Örnek Üniversitesi - {u} NES yenileme",
                 "KURUMSAL NES BAŞVURUSU - {U}", "Kurumsal NES basvurusu - {a}"]

    def sent_mail(self, cases, body_kind, date, exp, desc, client=None, to=None, cc=None,
                  subj=None, fwd_robot=False, reply_rm=None, sender=None, text=None):
        rng, w = self.rng, self.w
        r = w.requests[cases[0].req]
        unit = self.pick(UNIT_NAMES[r.key])
        n = r.ticket if r.ticket != "-" else ""
        if subj is None:
            choices = [s for s in self.SENT_SUBJ if "{n}" not in s or n]
            subj = self.pick(choices).format(u=unit, U=tr_upper(unit), a=ascii_fold(unit), n=n)
        lines = []
        for i, c in enumerate(cases):
            if body_kind == "names+tckn":
                lines.append("%d. %s %s - %s" % (i + 1, c.title, tr_upper(c.name), c.tckn))
            elif body_kind == "tckn":
                lines.append("%s" % c.tckn)
            elif body_kind == "names":
                lines.append("- %s (%s)" % (c.name, c.title))
        intro = self.pick([
            "Sayın Yetkili,\n\nÜniversitemiz {u} personeline ait Nitelikli Elektronik Sertifika "
            "Yenileme Talep Formu e-imzalı olarak ekte sunulmuştur{t}.",
            "Merhaba,\n\n{u} birimimizin NES yenileme başvuru formu (e-imzalı) ektedir{t}.",
            "Sayın Kamu SM Yetkilisi,\n\nKurumumuz {u} personelinin nitelikli elektronik "
            "sertifika yenileme başvurusuna ait imzalı form ekte bilgilerinize sunulmuştur{t}.",
        ]).format(u=unit, t=(" (BYS Talep No: %s)" % n) if n and body_kind == "ticket" else
                  (" (Talep No: %s)" % n if n and self.chance(0.5) else ""))
        if body_kind == "ticket":
            body = intro + "\n\nGereğini arz ederiz."
        else:
            body = intro + "\n\nBaşvuru listesindeki personel:\n" + "\n".join(lines) + \
                "\n\nGereğini arz ederiz."
        pdf_lines = ["%s %s %s" % (c.name, c.tckn, c.title) for c in cases]
        fname = self.pick(["NES_Yenileme_Talep_Formu_%s.pdf" % ascii_fold(unit).replace(" ", "_"),
                           "%s NES Formu (imzalı).pdf" % unit, "nes_basvuru_%s.pdf" % (n or "pdb"),
                           "Kurumsal Başvuru Formu.pdf"])
        atts = [Att(fname, "application/pdf", mw.pdf(rng, "NES Yenileme Talep Formu", pdf_lines))]
        if self.chance(0.7):
            atts.append(Att(fname + ".p7s", self.pick(["application/pkcs7-signature",
                                                       "application/x-pkcs7-signature",
                                                       "application/octet-stream"]),
                            mw.p7s(rng)))
        client = client or self.make_client(self.pick(["outlook-tr", "outlook-tr", "thunderbird",
                                                       "zimbra", "owa", "outlook-old"]))
        frm = sender or self.pick([sy.BIDB, ("BİDB E-İmza", "bidb@ornekuni.edu.tr"),
                                   ("Bilgi İşlem", "bidb@ornekuni.edu.tr")])
        to = to or [self.pick(KSM_TO)]
        if cc is None:
            cc = []
            if self.chance(0.4):
                cc.append((None, "nesrobot@" + DOMAIN))
            if self.chance(0.3):
                cc.append((None, r.head))
        sig = self.bidb_sig()
        if fwd_robot:
            # BİDB forwards its own mail to Kamu SM to the robot
            d0 = date - datetime.timedelta(hours=self.rng.randrange(1, 30))
            inner = Draft(frm, to, subj, d0, body, cc=cc, sig=sig, atts=atts)
            h0, r0 = client.build(inner)
            r0.headers = h0 + r0.headers
            o = Orig(frm, to, subj, d0, body + "\n\n" + sig, cc=cc,
                     msgid=dict(h0).get("Message-ID") or dict(h0).get("Message-Id"),
                     raw=mw.render(r0))
            mode = self.pick(["forward", "attach"])
            d = Draft(frm, [(None, "nesrobot@" + DOMAIN)], client.fwd_prefix + subj, date,
                      self.pick(["Bilginize.", "Robot kaydı için iletiyorum.",
                                 "Kamu SM'ye gönderdiğimiz form, kayıt için."]),
                      quote=o, mode=mode, atts=atts if mode == "forward" else [])
        elif reply_rm is not None:
            o = self.robot_orig(reply_rm)
            d = Draft(frm, [sy.ROBOT], client.reply_prefix + o.subject, date, text, sig=sig,
                      quote=o, mode="reply", in_reply_to=reply_rm.mid,
                      references=reply_rm.mid, atts=atts if "ekte" in text else [])
        else:
            d = Draft(frm, to, subj, date, body, cc=cc, sig=sig, atts=atts)
        hdrs, root = client.build(d)
        self.emit(desc, exp, client.name,
                  self.stamps(client, frm[1], date, "nesrobot@" + DOMAIN), hdrs, root)

    def step_sent(self):
        w = self.w
        C = lambda *t: [w.cases["NES-2026-%04d" % i] for i in t]
        plan = [
            (C(32, 33, 34, 35, 36), "ticket", "ticket only: every case of the request"),
            (C(32, 33, 34, 35, 36), "ticket", "ticket only, another client"),
            (C(32, 33, 34, 35, 36), "names+tckn", "names and T.C. Kimlik Nos"),
            (C(32, 33, 34), "names+tckn", "part of a request: only the three named"),
            (C(35, 36), "tckn", "T.C. Kimlik Nos only"),
            (C(39), "names+tckn", "one person sent ahead of the rest"),
            (C(37, 38, 40), "names+tckn", "the rest of the request"),
            (C(37, 38, 40), "names", "names only"),
            (C(37, 38, 39, 40), "ticket", "ticket only, four cases"),
            (C(24, 25, 26, 27), "names+tckn", "the SHMYO form"),
            (C(24, 25), "names+tckn", "sent again: two of the unit"),
            (C(24, 25), "tckn", "sent again, T.C. Kimlik Nos only"),
            (C(28, 29, 30, 31), "names", "a request with no ticket: names only"),
            (C(28, 29, 30, 31), "names+tckn", "a request with no ticket"),
            (C(28, 29, 31), "tckn", "no ticket, T.C. Kimlik Nos"),
            (C(1, 2, 3, 4, 5, 6, 7), "names+tckn", "an old sending, cases now further on"),
            (C(8, 9, 10, 11, 12, 13), "ticket", "an old sending by ticket, cases further on"),
            (C(14, 15, 16, 17, 18), "names+tckn", "an old sending, cases further on"),
            (C(19, 20, 21, 22, 23), "names", "names only; a Mehmet Yılmaz also in another unit"),
            (C(19, 22), "tckn", "sent again for two, T.C. Kimlik Nos"),
            (C(12,), "names+tckn", "one person re-sent"),
            (C(33,), "names+tckn", "one person"),
            (C(26, 27), "names+tckn", "two people"),
        ]
        for i, (cases, kind, why) in enumerate(plan):
            d = self.date_for(cases[0], "sent_to_kamusm")
            self.sent_mail(cases, kind, d,
                           expect("sent_to_kamusm", [c.tag for c in cases],
                                  why="BİDB e-mails the signed form to Kamu SM: " + why),
                           "sent-%s-%s" % (kind, cases[0].tag[-4:]))
        for cases in (C(32, 33, 34, 35, 36), C(28, 29, 30, 31), C(37, 38, 40)):
            d = self.date_for(cases[0], "sent_to_kamusm")
            self.sent_mail(cases, "names+tckn", d,
                           expect("sent_to_kamusm", [c.tag for c in cases],
                                  why="BİDB forwards its own mail to Kamu SM to the robot"),
                           "sent-fwd-to-robot-%s" % cases[0].tag[-4:], fwd_robot=True)
        # replies to the robot's reminders saying it was sent
        for mid, text in (("<20261211.rem.2@ornekuni.edu.tr>",
                           "Form bugün e-imzalanarak Kamu SM'ye gönderilmiştir."),
                          ("<20261127.rem.1@ornekuni.edu.tr>",
                           "Kamu SM'ye iletildi, imzalı form ektedir."),
                          ("<20261208.rem.3@ornekuni.edu.tr>",
                           "Form Kamu SM'ye yeniden gönderilmiştir; ilk gönderim "
                           "ulaşmamış.")):
            rm = self.rm(mid)
            cases = [w.cases[t] for t in rm.tags]
            d = self.at(self.day_between(rm.date.date(), self.now.date()))
            self.sent_mail(cases, "ticket", d,
                           expect("sent_to_kamusm", rm.tags,
                                  why="BİDB answers the robot's reminder: sent to Kamu SM"),
                           "sent-reply-to-reminder", reply_rm=rm, sender=sy.BIDB, text=text)
        # BİDB writes in English to Kamu SM's support
        cases = C(34, 35)
        d = self.date_for(cases[0], "sent_to_kamusm")
        self.sent_mail(cases, "names+tckn", d,
                       expect("sent_to_kamusm", [c.tag for c in cases],
                              why="English Outlook subject, names and numbers"),
                       "sent-english", client=cl.Outlook(self.rng, "en"),
                       subj="NES renewal application - Faculty of Medicine (signed form)")

    # =====================================================================
    # Kamu SM's steps (4, 5, 6, 8): the direct mail, the list to BİDB, the
    # person's forward
    # =====================================================================

    FAM = {"kamusm_notified": sy.ksm_notify, "application_filled": sy.ksm_received,
           "approved": sy.ksm_approved, "certificate_shipped": sy.ksm_shipped}
    SINGLE = {"kamusm_notified": 4, "application_filled": 4, "approved": 5,
              "certificate_shipped": 4}

    def ksm_direct(self, step, v, c, exp_why, cc_bidb=None, tck=None, date=None):
        f = self.ksm_fields(c, tck)
        if step == "approved" and v == 4:
            f["method"] = "ıslak imza"
        k = self.FAM[step](v, f)
        date = date or self.date_for(c, step, weekend=True)
        to = [(tr_upper(c.name) if self.chance(0.5) else c.name, c.email)]
        if cc_bidb is None:
            cc_bidb = self.chance(0.6)
        cc = [sy.BIDB] if cc_bidb else []
        st, hdrs, root = self.ksm_message(k, to, cc, date,
                                          "bidb@" + DOMAIN if cc else c.email)
        self.emit("ksm-%s-v%d-%s" % (step, v, c.tag[-4:]),
                  expect(step, [c.tag], why=exp_why + " (template %d%s)" % (
                      v, ", BİDB in Cc" if cc else "")),
                  "kamusm-system", st, hdrs, root)

    def ksm_list(self, step, v, cases, why):
        rng = self.rng
        people = []
        for c in cases:
            m = self.pick([c.tckn[:3] + "******" + c.tckn[-2:],
                           c.tckn[:3] + "*****" + c.tckn[-3:], c.tckn])
            ex = ("Gönderi No", self.gno()) if step == "certificate_shipped" else (
                ("Başvuru No", self.bno(c)) if step == "application_filled" else None)
            people.append((tr_upper(c.name), m, ex))
        f = {"people": people, "kurum": self.pick(KURUM), "when": "%02d.%02d.%d" % (
            cases[0].since.day, cases[0].since.month, cases[0].since.year),
             "carrier": self.pick(CARRIERS), "NAME": "", "Name": "", "parola": "",
             "bno": "", "gno": "", "method": ""}
        k = self.FAM[step](v, f)
        date = self.date_for(cases[0], step, weekend=True)
        st, hdrs, root = self.ksm_message(k, [sy.BIDB], [], date, "bidb@" + DOMAIN)
        self.emit("ksm-%s-list-%s" % (step, cases[0].tag[-4:]),
                  expect(step, [c.tag for c in cases], why=why), "kamusm-system",
                  st, hdrs, root)

    FWD_TEXT = ["Bilginize.", "Merhaba, Kamu SM'den gelen e-posta aşağıdadır, bilginize.",
                "Bilgilerinize sunarım.", "FYI", "Kamu SM'den bu mail geldi, iletiyorum.",
                "Merhaba,\n\nBana gelen e-postayı bilginize iletiyorum.\n\nİyi çalışmalar.",
                "bilginize", "Selamlar, kamu sm maili asagida.",
                "Please see below the message I received from Kamu SM."]

    def person_forward(self, step, v, c, why, mode=None, client=None):
        f = self.ksm_fields(c)
        if step == "approved" and v == 4:
            f["method"] = "ıslak imza"
        k = self.FAM[step](v, f)
        d0 = self.date_for(c, step, weekend=True)
        o = self.ksm_orig(k, [(c.name, c.email)], [], d0, c.email)
        client = client or self.person_client()
        mode = mode or ("attach" if client.name.startswith(("outlook", "thunderbird",
                                                            "gmail-web", "owa"))
                        and self.chance(0.35) else "forward")
        d = d0 + datetime.timedelta(minutes=self.rng.randrange(5, 60 * 30))
        if d > self.now:
            d = self.now - datetime.timedelta(minutes=5)
        to = [self.pick([sy.BIDB, (None, "bidb@" + DOMAIN), sy.ROBOT])]
        text = self.pick(self.FWD_TEXT)
        if text.isascii() and self.chance(0.3):
            text = ascii_fold(text)
        self.person_mail(c, to, text, d, quote=o, mode=mode, client=client,
                         subject=client.fwd_prefix + k.subject,
                         exp=expect(step, [c.tag], why=why + " (%s, %s)" % (
                             "rfc822 attachment" if mode == "attach" else "inline", client.name)),
                         desc="fwd-%s-%s" % (step, c.tag[-4:]),
                         atts=[])

    def kamusm_step(self, step, direct, lists, forwards):
        w = self.w
        for i, (tag, extra) in enumerate(direct):
            c = w.cases[tag]
            v = i % self.SINGLE[step] if step != "approved" else i % 5
            self.ksm_direct(step, v, c, "genuine Kamu SM mail to the person" + extra)
        for v, tags, why in lists:
            self.ksm_list(step, v, [w.cases[t] for t in tags], why)
        for i, tag in enumerate(forwards):
            c = w.cases[tag]
            v = (i * 3 + 1) % self.SINGLE[step] if step != "approved" else i % 4
            self.person_forward(step, v, c, "the person forwards Kamu SM's mail about "
                                "their own application")

    def step_notified(self):
        T = lambda i: "NES-2026-%04d" % i
        direct = [(T(i), "") for i in (24, 25, 28, 29, 31, 39, 12, 17, 19, 22, 26, 30,
                                       24, 29, 31, 2, 19)]
        direct[8] = (T(19), ": a Mehmet Yılmaz, another is in Mühendislik")
        direct[15] = (T(2), ": the other Mehmet Yılmaz, out of order (case is further on)")
        lists = [(4, [T(24), T(25)], "Kamu SM's report to BİDB naming two people"),
                 (4, [T(28), T(29), T(31)], "Kamu SM's report to BİDB, masked numbers"),
                 (5, [T(39)], "Kamu SM's notice to BİDB naming one person"),
                 (5, [T(26), T(27)], "Kamu SM's notice to BİDB, two people")]
        forwards = [T(i) for i in (24, 25, 28, 29, 31, 39, 12, 17, 22, 30, 26)]
        self.kamusm_step("kamusm_notified", direct, lists, forwards)

    def step_filled(self):
        T = lambda i: "NES-2026-%04d" % i
        direct = [(T(i), "") for i in (12, 17, 19, 22, 26, 30, 5, 11, 16, 20, 27,
                                       17, 12, 24, 10, 19)]
        lists = [(4, [T(12), T(17)], "Kamu SM's report to BİDB: two applications filled"),
                 (4, [T(26), T(27), T(30)], "Kamu SM's report to BİDB: three people, masked")]
        forwards = [T(i) for i in (12, 17, 19, 22, 26, 5, 11, 16)]
        self.kamusm_step("application_filled", direct, lists, forwards)
        # the person tells the robot they filled it in
        for mid, text in (("<20261208.rem.4@ornekuni.edu.tr>",
                           "Merhaba,\n\nBaşvurumu bugün Kamu SM sitesinden doldurdum. "
                           "Başvuru numaram 2026%s."),
                          ("<20261209.rem.5@ornekuni.edu.tr>",
                           "Formu doldurdum, teşekkürler."),
                          ("<20261210.rem.6@ornekuni.edu.tr>",
                           "Başvuru formunu doldurdum, onay kısmı kaldı sanırım."),
                          ("<20261211.rem.7@ornekuni.edu.tr>",
                           "basvuru formunu doldurdum hocam, kamu sm den mail de geldi"),
                          ("<20261211.rem.8@ornekuni.edu.tr>",
                           "Hatırlatma için teşekkürler, başvuruyu tamamladım (formu doldurdum).")):
            rm = self.rm(mid)
            c = self.w.cases[rm.tags[0]]
            if "%s" in text:
                text = text % self.bno(c)[4:]
            d = self.at(self.day_between(rm.date.date(), self.now.date()))
            self.reply_robot(rm, c, text, d,
                             expect("application_filled", [c.tag],
                                    why="the person answers the robot's reminder: filled in"),
                             "reply-filled-%s" % c.tag[-4:])

    APPROVE_TEXT = [
        ("e-onay ile onayladım.", "e-Onay"),
        ("Merhaba, başvurumu e-Onay ile onayladım. İyi çalışmalar.", "e-Onay"),
        ("E-İMZA İLE ONAYLADIM", "e-İmza"),
        ("e-imzamla onayladım, süresi dolmamıştı.", "e-İmza"),
        ("islak imzali formu yazi islerine teslim ettim", "ıslak"),
        ("Başvurumu bugün e-imza ile imzalayarak onayladım.", "e-İmza"),
        ("Islak imzalı formu bugün Yazı İşleri'ne gönderdim.", "ıslak"),
        ("eonay ile onayladim tesekkurler", "e-Onay"),
        ("I approved my application with e-Onay this morning.", "e-Onay"),
        ("Merhabalar, başvurumu e-Onay yöntemiyle onayladım; bilgilerinize.", "e-Onay"),
    ]

    def step_approved(self):
        w = self.w
        T = lambda i: "NES-2026-%04d" % i
        direct = [(T(i), "") for i in (5, 11, 16, 20, 3, 27, 4, 7, 10, 13, 14, 21, 5, 11)]
        self.kamusm_step("approved", direct, [], [T(i) for i in (5, 11, 16, 20)])
        # the person answers the robot's "please approve" reminder
        mids = ["<20261203.rem.14@ornekuni.edu.tr>", "<20261208.rem.15@ornekuni.edu.tr>",
                "<20261209.rem.16@ornekuni.edu.tr>", "<20261210.rem.17@ornekuni.edu.tr>",
                "<20261211.rem.18@ornekuni.edu.tr>", "<20261103.rem.9@ornekuni.edu.tr>",
                "<20261110.rem.10@ornekuni.edu.tr>", "<20261112.rem.11@ornekuni.edu.tr>",
                "<20261116.rem.12@ornekuni.edu.tr>", "<20261124.rem.13@ornekuni.edu.tr>"]
        for i, mid in enumerate(mids):
            rm = self.rm(mid)
            c = w.cases[rm.tags[0]]
            text, how = self.APPROVE_TEXT[i % len(self.APPROVE_TEXT)]
            d = self.at(self.day_between(rm.date.date(), min(
                rm.date.date() + datetime.timedelta(days=4), self.now.date())))
            client = self.person_client(mobile=True if i % 3 == 0 else None)
            if how == "e-Onay" and i == 8:
                client = cl.Outlook(self.rng, "en")
            self.reply_robot(rm, c, text, d,
                             expect("approved", [c.tag],
                                    why="the person answers the robot's reminder: approved "
                                        "with %s" % how),
                             "reply-approved-%s" % c.tag[-4:], client=client,
                             top=i != 4)
        # ıslak imza: the person tells Yazı İşleri (BİDB in Cc)
        for tag, text in ((T(4), "Merhaba,\n\nNES başvurumun ıslak imzalı formunu bugün "
                                  "biriminize elden teslim ettim. Kamu SM'ye gönderilmesini "
                                  "rica ederim."),
                          (T(7), "Islak imzalı başvuru formumu iç posta ile gönderdim, "
                                 "bilginize."),
                          (T(21), "Yazı İşleri'ne ıslak imzalı NES formumu teslim ettim.")):
            c = w.cases[tag]
            d = self.date_for(c, "approved")
            self.person_mail(c, [sy.YAZI], text, d, cc=[sy.BIDB],
                             subject=self.pick(["Islak imzalı NES başvuru formu",
                                                "NES başvuru formu teslimi",
                                                "e-imza başvuru formu"]),
                             exp=expect("approved", [c.tag],
                                        why="the person writes to Yazı İşleri: wet-signed form handed in"),
                             desc="wet-handed-in-%s" % c.tag[-4:])
        # Yazı İşleri confirms it has the forms
        for tags in ((T(4), T(7), T(14)), (T(10),), (T(21), T(14))):
            cases = [w.cases[t] for t in tags]
            d = self.date_for(cases[0], "approved")
            self.yazi_mail(cases, "received", d,
                           expect("approved", list(tags),
                                  why="Yazı İşleri confirms the wet-signed forms of the people named"),
                           "yazi-received-%s" % tags[0][-4:])

    # =====================================================================
    # Yazı İşleri: receipt of forms, cargo
    # =====================================================================

    def yazi_mail(self, cases, kind, date, exp, desc, reply_rm=None, client=None,
                  partial=None, fwd=False):
        rng, w = self.rng, self.w
        carrier = self.pick(["PTT Kargo", "Yurtiçi Kargo", "Aras Kargo", "MNG Kargo",
                             "PTT KARGO", "Yurtici Kargo"])
        tno = self.pick(["%d" % rng.randrange(10 ** 9, 10 ** 10),
                         "%d" % rng.randrange(10 ** 12, 10 ** 13),
                         "KP%09dTR" % rng.randrange(10 ** 9)])
        style = rng.randrange(4)
        if style == 0:
            names = "\n".join("%d. %s - %s" % (i + 1, tr_upper(c.name), c.tckn)
                              for i, c in enumerate(cases))
        elif style == 1:
            names = "\n".join("- %s %s" % (c.title, c.name) for c in cases)
        elif style == 2:
            names = "\n".join("%s (%s)" % (c.name, w.requests[c.req].unit) for c in cases)
        else:
            names = "\n".join("%s\t%s******%s" % (tr_upper(c.name), c.tckn[:3], c.tckn[-2:])
                              for c in cases)
        if kind == "received":
            text = self.pick([
                "Sayın İlgili,\n\nAşağıda adı geçen personelin ıslak imzalı Nitelikli "
                "Elektronik Sertifika başvuru formları birimimize teslim alınmıştır:\n\n"
                "{n}\n\nFormlar toplu olarak Kamu SM'ye kargo ile gönderilecektir.",
                "Merhaba,\n\n{n}\n\nisimli personelin ıslak imzalı NES başvuru formları "
                "tarafımıza ulaşmıştır. Bilgilerinize.",
            ]).format(n=names)
            subj = self.pick(["Islak imzalı NES başvuru formları teslim alındı",
                              "NES başvuru formları hk.", "Islak İmzalı Formlar"])
            to = [sy.BIDB]
            cc = []
        elif reply_rm is not None or (not fwd and self.chance(0.3)):
            # to BİDB or the robot: "the forms went", not "we send you"
            text = self.pick([
                "Merhaba,\n\nAşağıdaki personelin ıslak imzalı başvuru formları {d} "
                "tarihinde {c} ile Kamu SM'ye gönderilmiştir. Kargo takip no: {t}\n\n{n}",
                "Bilginize; {c} ile Kamu SM'ye kargolandı, takip numarası {t}:\n{n}",
                "Islak imzalı formlar bugün kargoya verildi ({c}, gönderi no {t}).\n\n{n}",
            ]).format(d="%02d.%02d.%d" % (date.day, date.month, date.year), c=carrier,
                      t=tno, n=names)
            subj = self.pick(["Islak imzalı formlar kargoya verildi",
                              "NES formları kargo bilgisi", "Kargo takip no"])
            to, cc = [sy.BIDB], []
        else:
            text = self.pick([
                "Sayın Yetkili,\n\nÜniversitemiz personeline ait aşağıda isimleri yazılı "
                "{k} adet ıslak imzalı nitelikli elektronik sertifika başvuru formu, "
                "{d} tarihinde {c} ile {t} takip numaralı gönderi ile Merkezinize "
                "gönderilmiştir.\n\n{n}\n\nBilgilerinize arz ederiz.",
                "Merhaba,\n\nIslak imzalı başvuru formları Kamu SM'ye kargo ile "
                "gönderilmiştir.\nKargo firması: {c}\nKargo Takip No: {t}\n\nFormlar:\n{n}",
                "Islak imzalı başvuru formları {c} ile gönderildi. Gönderi no: {t}\n\n{n}",
                "Sayın Kamu SM,\n\nÖrnek Üniversitesi adına ıslak imzalı NES başvuru "
                "formları ekte listelenen personel için {d} tarihinde kargoya verilmiştir "
                "({c}, takip no {t}).\n\n{n}",
            ]).format(k=len(cases), d="%02d.%02d.%d" % (date.day, date.month, date.year),
                      c=carrier, t=tno, n=names)
            subj = self.pick(["Islak İmzalı NES Başvuru Formları Hk.",
                              "Kargo Bilgisi - Islak İmzalı Başvuru Formları",
                              "NES başvuru evrakı gönderimi", "ISLAK IMZALI FORMLAR KARGO",
                              "Örnek Üniversitesi - Islak İmzalı Başvuru Formları Kargo Bildirimi"])
            to = [self.pick(KSM_TO[:3])]
            cc = [sy.BIDB]
        if partial:
            text += "\n\n" + partial
        sig = self.pick(["Nermin Taş\nYazı İşleri ve Arşiv Şube Müdürlüğü\nDahili: 1150",
                         "Yazı İşleri ve Arşiv Şube Müdürlüğü\nÖrnek Üniversitesi Rektörlüğü",
                         "Recai Okur\nMemur\nYazı İşleri ve Arşiv Şube Müdürlüğü"])
        client = client or self.make_client(self.pick(["zimbra", "zimbra", "outlook-tr",
                                                      "outlook-old", "roundcube"]))
        frm = self.pick([sy.YAZI, ("Yazı İşleri", sy.YAZI[1]), (None, sy.YAZI[1])])
        quote = None
        mode = None
        irt = None
        atts = []
        if kind == "cargo" and self.chance(0.25):
            atts = [Att(self.pick(["kargo_fisi.pdf", "Gönderi Belgesi.pdf", "ust_yazi.pdf"]),
                        "application/pdf", mw.pdf(rng, "Kargo Gonderi Belgesi",
                                                  ["Takip No: " + tno, carrier]))]
        if reply_rm is not None:
            quote = self.robot_orig(reply_rm)
            subj = client.reply_prefix + quote.subject
            mode = "reply"
            irt = reply_rm.mid
            to, cc = [sy.ROBOT], [sy.BIDB] if self.chance(0.5) else []
        elif fwd:
            d0 = date - datetime.timedelta(hours=rng.randrange(1, 20))
            quote = Orig(frm, to, subj, d0, text + "\n\n" + sig, cc=cc)
            subj = client.fwd_prefix + subj
            mode = "forward"
            text = self.pick(["Bilginize.", "BİDB'nin bilgisine.",
                              "Kamu SM'ye bildirdiğimiz kargo bilgisi aşağıdadır."])
            to, cc = [sy.BIDB], []
        d = Draft(frm, to, subj, date, text, cc=cc, sig=sig, quote=quote, mode=mode,
                  in_reply_to=irt, references=irt, atts=atts)
        hdrs, root = client.build(d)
        self.emit(desc, exp, client.name,
                  self.stamps(client, sy.YAZI[1], date, to[0][1]), hdrs, root)

    def step_cargo(self):
        w = self.w
        T = lambda i: "NES-2026-%04d" % i
        sets = [(4,), (4, 7), (4, 7, 14), (7, 14), (10,), (10, 21), (21,), (14,),
                (3,), (13,), (15,), (3, 13), (13, 15), (3, 13, 15), (4, 10, 21), (7,),
                (14, 15), (21, 10, 7, 4), (10, 14), (3, 15)]
        for i, s in enumerate(sets):
            cases = [w.cases[T(x)] for x in s]
            d = self.date_for(cases[0], "cargo_shipped")
            self.yazi_mail(cases, "cargo", d,
                           expect("cargo_shipped", [c.tag for c in cases],
                                  why="Yazı İşleri announces the cargo for exactly the people named"),
                           "yazi-cargo-%s" % "-".join(str(x) for x in s))
        # answers to the robot's reminder
        for mid, s, partial in (
                ("<20261201.rem.19@ornekuni.edu.tr>", (4,), None),
                ("<20261207.rem.20@ornekuni.edu.tr>", (4, 7),
                 "Şükrü Doğan'ın formu henüz birimimize ulaşmamıştır."),
                ("<20261207.rem.20@ornekuni.edu.tr>", (4, 7, 14), None),
                ("<20261207.rem.20@ornekuni.edu.tr>", (14,),
                 "Diğer iki formu geçen hafta göndermiştik."),
                ("<20261203.rem.21@ornekuni.edu.tr>", (10,), None),
                ("<20261207.rem.20@ornekuni.edu.tr>", (7,),
                 "Gökhan Bey'in formu bize gelmedi, Şükrü Bey'inki de eksik.")):
            rm = self.rm(mid)
            cases = [w.cases[T(x)] for x in s]
            d = self.at(self.day_between(rm.date.date(), self.now.date()))
            self.yazi_mail(cases, "cargo", d,
                           expect("cargo_shipped", [c.tag for c in cases],
                                  why="Yazı İşleri answers the robot's reminder: only the "
                                      "people it names were shipped"),
                           "yazi-cargo-reply-%s" % "-".join(str(x) for x in s),
                           reply_rm=rm, partial=partial)
        for s in ((4, 7), (10,), (13, 15), (21,)):
            cases = [w.cases[T(x)] for x in s]
            d = self.date_for(cases[0], "cargo_shipped")
            self.yazi_mail(cases, "cargo", d,
                           expect("cargo_shipped", [c.tag for c in cases],
                                  why="Yazı İşleri forwards its cargo notice to BİDB"),
                           "yazi-cargo-fwd-%s" % "-".join(str(x) for x in s), fwd=True)

    def step_shipped(self):
        T = lambda i: "NES-2026-%04d" % i
        direct = [(T(i), "") for i in (2, 6, 9, 23, 3, 13, 15, 4, 7, 10, 14, 21, 2, 6,
                                       9, 23, 1, 3)]
        lists = [(4, [T(2), T(6)], "Kamu SM's courier list to BİDB"),
                 (4, [T(9), T(23)], "Kamu SM's courier list, two units"),
                 (4, [T(3), T(13), T(15)], "Kamu SM's courier list: three wet-signed"),
                 (4, [T(4)], "Kamu SM's courier list, one person")]
        forwards = [T(i) for i in (2, 6, 9, 23, 3, 13, 15, 10, 14, 21)]
        self.kamusm_step("certificate_shipped", direct, lists, forwards)

    CLOSE_TEXT = [
        "Merhaba, yeni e-imza kartım bugün elime ulaştı. Teşekkürler.",
        "Kartım elime ulaştı, teşekkür ederim.",
        "Teslim aldım, teşekkürler.",
        "KARGO GELDİ. TEŞEKKÜRLER.",
        "kartim elime ulasti tesekkurler",
        "I have received my new e-signature card today. Thank you.",
        "Merhaba,\n\nNES kartım kuryeyle geldi, PIN bilgisi de SMS ile ulaştı. "
        "Kaydı kapatabilirsiniz.\n\nİyi çalışmalar.",
        "Kart geldi, sorunsuz çalışıyor. Teşekkürler.",
        "Yeni sertifikamı teslim aldım.",
        "e-imza kartimi bugun teslim aldim",
    ]

    def step_closed(self):
        w = self.w
        T = lambda i: "NES-2026-%04d" % i
        # the person, fresh mail to BİDB
        for i, n in enumerate((2, 6, 9, 23, 1, 8, 18, 3, 13, 15, 2, 23)):
            c = w.cases[T(n)]
            text = self.CLOSE_TEXT[i % len(self.CLOSE_TEXT)]
            d = self.date_for(c, "closed", weekend=True)
            self.person_mail(c, [self.pick([sy.BIDB, (None, "bidb@" + DOMAIN)])], text, d,
                             subject=self.pick(["e-imza kartı", "NES kartım ulaştı",
                                                "Kart teslimi", "e-imza", "Re: e-imza",
                                                "E-İMZA KARTI", "kart geldi"]),
                             exp=expect("closed", [c.tag],
                                        why="the person says the card arrived"),
                             desc="closed-person-%s" % c.tag[-4:],
                             client=self.person_client(mobile=True if i % 3 == 0 else None))
        # the person answers an old robot reminder
        for mid in ("<20261110.rem.10@ornekuni.edu.tr>", "<20261112.rem.11@ornekuni.edu.tr>",
                    "<20261116.rem.12@ornekuni.edu.tr>", "<20261124.rem.13@ornekuni.edu.tr>",
                    "<20261103.rem.9@ornekuni.edu.tr>"):
            rm = self.rm(mid)
            c = w.cases[rm.tags[0]]
            d = self.date_for(c, "closed")
            text = self.pick(["Kartım geldi, teşekkürler.", "Sertifikamı teslim aldım.",
                              "Merhaba, kart elime ulaştı. Bu kaydı kapatabilirsiniz."])
            self.reply_robot(rm, c, text, d,
                             expect("closed", [c.tag],
                                    why="the person answers an old reminder: card arrived"),
                             "closed-reply-%s" % c.tag[-4:])
        # the person answers Kamu SM's courier mail, sending it to BİDB
        for n in (6, 9, 23):
            c = w.cases[T(n)]
            f = self.ksm_fields(c)
            k = sy.ksm_shipped(n % 4, f)
            d0 = self.date_for(c, "certificate_shipped")
            o = self.ksm_orig(k, [(c.name, c.email)], [], d0, c.email)
            d = self.date_for(c, "closed")
            if d <= d0:
                d = d0 + datetime.timedelta(days=1)
                if d > self.now:
                    d = self.now - datetime.timedelta(minutes=30)
            client = self.person_client(mobile=False)
            self.person_mail(c, [sy.BIDB], self.pick([
                "Bu kargo bugün elime ulaştı, bilginize.",
                "Kart teslim alındı. Teşekkürler.",
                "Merhaba, aşağıdaki gönderi bana ulaştı; kartı teslim aldım."]), d,
                quote=o, mode="forward", client=client,
                subject=client.fwd_prefix + k.subject,
                exp=expect("closed", [c.tag],
                           why="the person forwards the courier mail and says the card arrived"),
                desc="closed-fwd-courier-%s" % c.tag[-4:])
        # BİDB closes in reply to the robot's mail
        for mid, text in (("<20261201.rem.22@ornekuni.edu.tr>",
                           "Personel kartını teslim aldığını bildirmiştir, kayıt kapatılmıştır."),
                          ("<20261207.rem.23@ornekuni.edu.tr>",
                           "İşlem tamamlandı, kapatıyoruz."),
                          ("<20261208.rem.24@ornekuni.edu.tr>",
                           "Kamu SM ile görüşüldü, kart teslim edilmiş. Kapatıldı."),
                          ("<20261211.rem.25@ornekuni.edu.tr>",
                           "Kapatılmıştır."),
                          ("<20261124.rem.26@ornekuni.edu.tr>",
                           "Kart teslim edildi, kayıt kapatıldı."),
                          ("<20261125.esc.1@ornekuni.edu.tr>",
                           "Kişiyle telefonda görüştük; kartını teslim almış. Kayıt "
                           "kapatılmıştır."),
                          ("<20261127.esc.2@ornekuni.edu.tr>", "KAPATILDI"),
                          ("<20261211.esc.3@ornekuni.edu.tr>",
                           "Tuğçe Hanım kartını teslim almış, işlem tamamlanmıştır. Kaydı "
                           "kapatıyoruz.")):
            rm = self.rm(mid)
            d = self.at(self.day_between(rm.date.date(), self.now.date()))
            client = self.make_client(self.pick(["outlook-tr", "thunderbird", "zimbra"]))
            o = self.robot_orig(rm)
            dr = Draft(sy.BIDB, [sy.ROBOT], client.reply_prefix + o.subject, d, text,
                       sig=self.bidb_sig(), quote=o, mode="reply", in_reply_to=rm.mid,
                       references=rm.mid)
            hdrs, root = client.build(dr)
            self.emit("closed-bidb-%s" % rm.tags[0][-4:],
                      expect("closed", rm.tags, why="BİDB closes the case in reply to the "
                             "robot's mail"), client.name,
                      self.stamps(client, sy.BIDB[1], d, sy.ROBOT[1]), hdrs, root)
        # a person's answer in a thread about several people
        for n, others in ((2, (4, 7)), (9, (10, 11))):
            c = w.cases[T(n)]
            head = HEADS[c.req][0]
            ocs = [w.cases[T(x)] for x in others]
            d0 = self.at(c.since - datetime.timedelta(days=3))
            o = Orig((head[0], head[2]), [(x.name, x.email) for x in [c] + ocs],
                     "E-imza kartları hk.", d0,
                     "Değerli arkadaşlar,\n\nYeni e-imza kartlarınız size ulaştığında "
                     "BİDB'ye bildirmenizi rica ederim.\n\n%s" % head[0])
            d = self.date_for(c, "closed")
            client = self.person_client(mobile=False)
            self.person_mail(c, [(head[0], head[2]), sy.BIDB], "Benim kartım dün geldi.", d,
                             quote=o, mode="reply", client=client,
                             cc=[(x.name, x.email) for x in ocs],
                             exp=expect("closed", [c.tag],
                                        why="reply-all in a thread about several people: only "
                                            "the writer's own case"),
                             desc="closed-reply-all-%s" % c.tag[-4:])

    # =====================================================================
    # Mail that moves nothing
    # =====================================================================

    def none_awaiting(self):
        w = self.w
        acks = {m.to: m for m in self.rms("ack")}
        items = [
            ("<20261020.ack.1@ornekuni.edu.tr>", None, "Teşekkürler.",
             "unit head thanks the robot"),
            ("<20261023.ack.2@ornekuni.edu.tr>", None,
             "Ayşe Hanım ayrıldı, listeden çıkarılabilir mi?",
             "unit head asks a question about the list"),
            ("<20261029.ack.3@ornekuni.edu.tr>", None, "onayladım",
             "unit head writes 'onayladım': staff cases must not move"),
            ("<20261104.ack.4@ornekuni.edu.tr>", None,
             "Listede Kadir Bey'in unvanı yanlış, Tekniker değil Öğr. Gör. olacak.",
             "unit head corrects a title, no form attached"),
            ("<20261106.ack.5@ornekuni.edu.tr>", None,
             "Bilgilendirme için teşekkür ederiz. Personelimize duyuru yaptık, "
             "e-onay ile onaylamaları gerektiğini hatırlattık.",
             "unit head mentions e-onay about others"),
            ("<20261111.ack.6@ornekuni.edu.tr>", None,
             "Tamamdır, listede sorun yok. Kargo ne zaman gelir?",
             "unit head asks about cargo"),
            ("<20261209.rem.5@ornekuni.edu.tr>", "NES-2026-0012",
             "Kamu SM'den bana e-posta gelmedi, parolayı nereden bulabilirim?",
             "person asks where the password is"),
            ("<20261208.rem.4@ornekuni.edu.tr>", "NES-2026-0017",
             "Başvuru sayfasında \"T.C. Kimlik No hatalı\" uyarısı alıyorum, yardımcı "
             "olabilir misiniz?", "person reports an error"),
            ("<20261208.rem.15@ornekuni.edu.tr>", "NES-2026-0011",
             "e-onay nasıl yapılıyor? Daha önce hiç yapmadım. e-İmzamın süresi de doldu.",
             "person asks how e-onay works (no claim)"),
            ("<20261209.rem.16@ornekuni.edu.tr>", "NES-2026-0016",
             "Yurt dışındayım, 5 Ocak'ta dönünce onaylayacağım.",
             "person will approve later"),
            ("<20261210.rem.17@ornekuni.edu.tr>", "NES-2026-0020",
             "Islak imzalı formu nereye teslim etmem gerekiyor? Yazı İşleri hangi binada?",
             "person asks where to hand in the wet-signed form"),
            ("<20261208.rem.3@ornekuni.edu.tr>", "bidb",
             "Kamu SM ile görüşüldü, bilgilendirme e-postaları bu hafta gönderilecekmiş.",
             "BİDB notes Kamu SM will send the notifications later"),
            ("<20261127.rem.1@ornekuni.edu.tr>", "bidb",
             "Formda eksik bilgi var, birimden düzeltilmiş form istendi.",
             "BİDB says the form is incomplete"),
            ("<20261201.rem.19@ornekuni.edu.tr>", "yazi",
             "Söz konusu form henüz birimimize ulaşmamıştır.",
             "Yazı İşleri has not received the form"),
            ("<20261211.rem.2@ornekuni.edu.tr>", "bidb",
             "Yarın göndereceğiz.", "BİDB will send tomorrow"),
        ]
        for mid, who, text, why in items:
            rm = self.rm(mid)
            d = self.at(self.day_between(rm.date.date(), self.now.date()))
            if who is None:
                key = w.cases[rm.tags[0]].req
                h = HEADS[key][0]
                sender = (h[0], h[2])
                client = self.person_client()
                self.reply_robot(rm, None, text, d,
                                 expect("none", rm.tags, "awaiting", why=why),
                                 "awaiting-unit-head-%s" % key, sender=sender, client=client)
            elif who in ("bidb", "yazi"):
                sender = sy.BIDB if who == "bidb" else sy.YAZI
                self.reply_robot(rm, None, text, d,
                                 expect("none", rm.tags, "awaiting", why=why),
                                 "awaiting-%s" % who, sender=sender,
                                 client=self.make_client(self.pick(["outlook-tr", "zimbra"])))
            else:
                c = w.cases[who]
                self.reply_robot(rm, c, text, d,
                                 expect("none", rm.tags, "awaiting", why=why),
                                 "awaiting-person-%s" % c.tag[-4:])

    def none_ignored(self):
        w, rng = self.w, self.rng
        # out-of-office answers to the robot's reminders
        ooo = [("<20261209.rem.5@ornekuni.edu.tr>", "exchange"),
               ("<20261210.rem.6@ornekuni.edu.tr>", "zimbra"),
               ("<20261211.rem.7@ornekuni.edu.tr>", "gmail"),
               ("<20261211.rem.18@ornekuni.edu.tr>", "exchange-en"),
               ("<20261210.rem.17@ornekuni.edu.tr>", "zimbra"),
               ("<20261208.rem.15@ornekuni.edu.tr>", "roundcube")]
        for mid, kind in ooo:
            rm = self.rm(mid)
            c = w.cases[rm.tags[0]]
            o = self.robot_orig(rm)
            d = rm.date + datetime.timedelta(seconds=rng.randrange(20, 200))
            hdrs, root = self.ooo(kind, c, o, d)
            self.emit("ooo-%s-%s" % (kind, c.tag[-4:]),
                      expect("none", [], "ignored",
                             why="out-of-office answer (%s) to a robot reminder" % kind),
                      "autoreply-" + kind, sy.internal(rng, c.email, d, sy.ROBOT[1],
                                                       "submission" if kind != "gmail"
                                                       else "gmail"), hdrs, root)
        # bounces
        for mid, bad in (("<20261211.rem.8@ornekuni.edu.tr>", "muge.ercetin@ornekuni.edu.tr"),
                         ("<20261208.rem.4@ornekuni.edu.tr>", "pinar.gundogdu@ornekuni.edu.tr")):
            rm = self.rm(mid)
            o = self.robot_orig(rm)
            raw = self.robot_raw(rm)
            d = rm.date + datetime.timedelta(seconds=rng.randrange(2, 30))
            hdrs, root = sy.bounce(rng, d, raw, sy.ROBOT[1], bad,
                                   "host mail.ornekuni.edu.tr[10.10.1.5] said: 552 5.2.2 "
                                   "<%s>: Mailbox full (in reply to RCPT TO command)" % bad)
            self.emit("bounce-robot-reminder",
                      expect("none", [], "ignored", why="bounce of a robot reminder (mailbox full)"),
                      "mailer-daemon", [sy.rcvd_mx(rng, "localhost", "127.0.0.1", d, sy.ROBOT[1],
                                                   tls=False)], hdrs, root)
        # a bounce of BİDB's mail to Kamu SM, with the whole original inside
        c = [w.cases["NES-2026-%04d" % i] for i in (32, 33)]
        cl_ = cl.Outlook(rng, "tr")
        d0 = self.at(datetime.date(2026, 12, 10))
        dr = Draft(sy.BIDB, [(None, "nes-basvru@kamusm.gov.tr")],
                   "Kurumsal NES Yenileme Başvurusu - Tıp Fakültesi", d0,
                   "Sayın Yetkili,\n\nTıp Fakültesi personeline ait NES yenileme formu "
                   "e-imzalı olarak ektedir.\n\n1. %s - %s\n2. %s - %s" % (
                       c[0].name, c[0].tckn, c[1].name, c[1].tckn), sig=self.bidb_sig())
        h0, r0 = cl_.build(dr)
        r0.headers = h0 + r0.headers
        raw = mw.render(r0)
        d = d0 + datetime.timedelta(seconds=40)
        hdrs, root = sy.bounce(rng, d, raw, "bidb@" + DOMAIN, "nes-basvru@kamusm.gov.tr",
                               "host posta.kamusm.gov.tr[193.140.100.26] said: 550 5.1.1 "
                               "<nes-basvru@kamusm.gov.tr>: Recipient address rejected: User "
                               "unknown in virtual mailbox table (in reply to RCPT TO command)")
        self.emit("bounce-bidb-to-kamusm",
                  expect("none", [], "ignored",
                         why="bounce whose returned message is BİDB's mail to Kamu SM"),
                  "mailer-daemon", [sy.rcvd_mx(rng, "localhost", "127.0.0.1", d,
                                               "bidb@" + DOMAIN, tls=False)], hdrs, root)
        # a read receipt
        rm = self.rm("<20261210.rem.6@ornekuni.edu.tr>")
        c = w.cases[rm.tags[0]]
        d = rm.date + datetime.timedelta(hours=3)
        b = "----=_NextPart_000_%04X_01DB%08X" % (rng.randrange(65536), rng.randrange(1 << 32))
        o = self.robot_orig(rm)
        parts = [mw.leaf_text("Kime: %s\nKonu: %s\nGönderildi: %s\n\nokundu: %s\n" % (
            rm.to, o.subject, mw.tr_long(rm.date), mw.tr_long(d)), "plain", "windows-1254",
            "quoted-printable"),
            mw.Part([("Content-Type", "message/disposition-notification")],
                    mw.encode_body(("Reporting-UA: %s; Microsoft Outlook 16.0\nFinal-Recipient: "
                                    "rfc822;%s\nOriginal-Message-ID: %s\nDisposition: "
                                    "manual-action/MDN-sent-manually; displayed\n" % (
                                        DOMAIN, c.email, rm.mid)).encode(), "7bit"))]
        root = mw.Part([], parts=parts, boundary=b,
                       preamble="This is a multipart message in MIME format.")
        hdrs = [("From", mw.address(c.name, c.email, "windows-1254", "Q")),
                ("To", sy.ROBOT[1]),
                ("Subject", mw.text_field("Subject", "Okundu: " + o.subject, "windows-1254", "Q")),
                ("Date", mw.rfc_date(d)),
                ("Message-ID", "<000001db%04x$%08x$%08x$@%s>" % (rng.randrange(65536),
                                                                rng.randrange(1 << 32),
                                                                rng.randrange(1 << 32), DOMAIN)),
                ("MIME-Version", "1.0"),
                ("Content-Type", 'multipart/report;\r\n\treport-type=disposition-notification;'
                                 '\r\n\tboundary="%s"' % b),
                ("X-Mailer", "Microsoft Outlook 16.0"), ("Content-Language", "tr")]
        self.emit("read-receipt", expect("none", [], "ignored",
                                         why="Outlook read receipt of a robot reminder"),
                  "outlook-tr", sy.internal(rng, c.email, d, sy.ROBOT[1]), hdrs, root)

    def robot_raw(self, rm):
        o = self.robot_orig(rm)
        root = mw.leaf_text(o.text + "\n", "plain", "utf-8", "quoted-printable",
                            "text/plain; charset=utf-8")
        hdrs = [("From", mw.address(*sy.ROBOT)), ("To", rm.to),
                ("Subject", mw.text_field("Subject", o.subject)),
                ("Date", mw.rfc_date(rm.date)), ("Message-ID", rm.mid),
                ("Auto-Submitted", "auto-generated"), ("MIME-Version", "1.0")]
        root.headers = hdrs + root.headers
        return mw.render(root)

    def ooo(self, kind, c, o, d):
        rng = self.rng
        if kind.startswith("exchange"):
            en = kind.endswith("en")
            text = ("I am out of the office until 4 January 2027 with limited access to "
                    "e-mail. For urgent matters please contact bidb@ornekuni.edu.tr."
                    if en else "14-25 Aralık tarihleri arasında yıllık izindeyim. Acil "
                    "durumlarda bölüm sekreterliğine ulaşabilirsiniz.\n\n%s" % c.name)
            subj = ("Automatic reply: " if en else "Otomatik yanıt: ") + o.subject
            cs = "us-ascii" if en else "iso-8859-9"
            root = mw.leaf_text(text + "\n", "plain", cs, "quoted-printable",
                                'text/plain; charset="%s"' % cs)
            hdrs = [("From", mw.address(c.name, c.email, "iso-8859-9", "Q")),
                    ("To", mw.address(*sy.ROBOT, charset="iso-8859-9", mode="Q")),
                    ("Subject", mw.text_field("Subject", subj, "iso-8859-9", "Q")),
                    ("Thread-Topic", mw.text_field("Thread-Topic", o.subject, "iso-8859-9", "Q")),
                    ("Date", mw.rfc_date(d.astimezone(datetime.timezone.utc))),
                    ("Message-ID", "<%s@AM%dPR09MB%04d.eurprd09.prod.outlook.com>" % (
                        mw.alnum(rng, 32, "0123456789ABCDEF"), rng.randrange(9),
                        rng.randrange(10000))),
                    ("In-Reply-To", o.msgid), ("Auto-Submitted", "auto-replied"),
                    ("X-MS-Exchange-Inbox-Rules-Loop", c.email),
                    ("X-Auto-Response-Suppress", "All"),
                    ("Content-Language", "en-US" if en else "tr-TR"), ("MIME-Version", "1.0")]
        elif kind == "zimbra":
            text = ("Merhaba,\n\n15.12.2026 - 02.01.2027 tarihleri arasında izinli olduğumdan "
                    "e-postalarınıza dönüş yapamayacağım.\n\nİyi çalışmalar.")
            root = mw.leaf_text(text + "\n", "plain", "utf-8", "quoted-printable",
                                "text/plain; charset=utf-8")
            hdrs = [("Date", mw.rfc_date(d, "java")),
                    ("From", mw.address(c.name, c.email, "utf-8", "Q")),
                    ("To", sy.ROBOT[1]),
                    ("Message-ID", "<%d.%d.%d.JavaMail.zimbra@%s>" % (
                        rng.randrange(10 ** 8, 10 ** 9), rng.randrange(10 ** 5),
                        int(d.timestamp() * 1000), DOMAIN)),
                    ("In-Reply-To", o.msgid),
                    ("Subject", mw.text_field("Subject", "Ofis Dışında: " + o.subject, "utf-8", "Q")),
                    ("MIME-Version", "1.0"), ("Auto-Submitted", "auto-replied (zimbra; vacation)"),
                    ("Precedence", "bulk")]
        elif kind == "gmail":
            text = "Merhaba, 21 Aralık'a kadar konferans nedeniyle yurt dışındayım. Dönüşümde yanıtlayacağım."
            root = mw.leaf_text(text + "\n", "plain", "UTF-8", "quoted-printable",
                                'text/plain; charset="UTF-8"')
            hdrs = [("MIME-Version", "1.0"),
                    ("From", mw.address(c.name, c.email, "UTF-8", "B")),
                    ("Date", mw.rfc_date(d)),
                    ("Message-ID", "<CA%s@mail.gmail.com>" % mw.alnum(rng, 56)),
                    ("Subject", mw.text_field("Subject", "Re: " + o.subject, "UTF-8", "B")),
                    ("To", sy.ROBOT[1]), ("In-Reply-To", o.msgid), ("References", o.msgid),
                    ("Auto-Submitted", "auto-replied"), ("Precedence", "bulk"),
                    ("X-Autoreply", "yes")]
        else:
            text = "Sayın ilgili,\n\nŞu an izindeyim. 28 Aralık'ta ofiste olacağım.\n"
            root = mw.leaf_text(text, "plain", "UTF-8", "8bit", "text/plain; charset=UTF-8")
            hdrs = [("MIME-Version", "1.0"), ("Date", mw.rfc_date(d, "pad")),
                    ("From", mw.address(c.name, c.email, "UTF-8", "Q")),
                    ("To", sy.ROBOT[1]),
                    ("Subject", mw.text_field("Subject", "Otomatik yanıt: " + o.subject,
                                              "UTF-8", "Q")),
                    ("In-Reply-To", o.msgid), ("Auto-Submitted", "auto-replied"),
                    ("Message-ID", "<%s@%s>" % (mw.hexid(rng, 32), DOMAIN)),
                    ("X-Mailer", "Roundcube Vacation Plugin")]
        hdrs.extend(root.headers)
        root.headers = []
        return hdrs, root

    def none_quarantined(self):
        w, rng = self.w, self.rng
        T = lambda i: w.cases["NES-2026-%04d" % i]
        # look-alike Kamu SM domains: the genuine texts, a wrong sender
        for n, (dom, host, ip, fam, v, tag) in enumerate((
                ("kamusm-gov.tr", "mail.kamusm-gov.tr", "185.125.10.7", "approved", 0, 17),
                ("kamusm.gov.tr.example.com", "smtp.example.com", "203.0.113.20",
                 "certificate_shipped", 1, 14),
                ("kamu-sm.com", "mx.kamu-sm.com", "198.51.100.33", "kamusm_notified", 2, 32),
                ("kamusm.gov.tr.co", "mail.kamusm.gov.tr.co", "185.10.40.2", "application_filled", 0, 24))):
            c = T(tag)
            f = self.ksm_fields(c)
            k = self.FAM[fam](v, f)
            sender = k.frm[1].split("@")[0] + "@" + dom
            k.frm = (k.frm[0], sender)
            d = self.at(self.day_between(c.since, self.now.date()))
            hdrs, root = sy.ksm_build(rng, k, [(c.name, c.email)], [], d)
            st = sy.external_other(rng, sender, d, c.email, host, ip,
                                   [sy.dkim_pass(rng, dom, "default"),
                                    "spf=pass (%s: domain of %s designates %s as permitted "
                                    "sender) smtp.mailfrom=%s" % (sy.MX, sender, ip, sender),
                                    "dmarc=pass (p=none dis=none) header.from=%s" % dom])
            self.emit("forged-lookalike-%s" % dom.replace(".", "-"),
                      expect("none", [], "quarantined",
                             why="Kamu SM text (%s) from the look-alike domain %s" % (fam, dom)),
                      "kamusm-lookalike", st, hdrs, root)
        # genuine-looking Kamu SM mail that fails the institution's checks
        for fam, v, tag, res, why in (
                ("approved", 1, 11, ["dkim=fail (signature verification failed) header.d=kamusm.gov.tr",
                                     "spf=fail smtp.mailfrom=noreply@kamusm.gov.tr",
                                     "dmarc=fail (p=reject dis=quarantine) header.from=kamusm.gov.tr"],
                 "dkim=fail spf=fail dmarc=fail"),
                ("certificate_shipped", 0, 3, ["dkim=none (message not signed)",
                                               "spf=softfail smtp.mailfrom=bilgi@kamusm.gov.tr",
                                               "dmarc=fail (p=reject dis=none) header.from=kamusm.gov.tr"],
                 "no DKIM, SPF softfail, DMARC fail"),
                ("kamusm_notified", 0, 25, ["dkim=fail header.d=kamusm.gov.tr",
                                            "spf=none smtp.mailfrom=kamusm.gov.tr",
                                            "dmarc=fail header.from=kamusm.gov.tr"],
                 "dkim=fail, spf=none")):
            c = T(tag)
            k = self.FAM[fam](v, self.ksm_fields(c))
            d = self.at(self.day_between(c.since, self.now.date()))
            hdrs, root = sy.ksm_build(rng, k, [(c.name, c.email)], [sy.BIDB], d)
            st = sy.external_other(rng, k.frm[1], d, "bidb@" + DOMAIN, "vps-31337.example.net",
                                   "45.95.11.%d" % rng.randrange(2, 250), res)
            self.emit("forged-kamusm-authfail-%s" % fam,
                      expect("none", [], "quarantined",
                             why="Kamu SM %s text with %s" % (fam, why)),
                      "kamusm-forged", st, hdrs, root)
        # a pass from another authserv-id; the mx's own says none
        c = T(16)
        k = sy.ksm_approved(0, dict(self.ksm_fields(c), method="e-Onay"))
        d = self.date_for(c, "approved")
        hdrs, root = sy.ksm_build(rng, k, [(c.name, c.email)], [], d)
        st = sy.external_other(rng, k.frm[1], d, c.email, "relay.example.org", "192.0.2.77",
                               ["dkim=none", "spf=none smtp.mailfrom=example.org",
                                "dmarc=fail header.from=kamusm.gov.tr"],
                               below=[sy.ar([sy.dkim_pass(rng, "kamusm.gov.tr", "ksm2025"),
                                             "spf=pass smtp.mailfrom=bilgi@kamusm.gov.tr"],
                                            authserv="mx.google.com")])
        self.emit("forged-other-authserv-id",
                  expect("none", [], "quarantined",
                         why="the only pass comes from another authserv-id (mx.google.com)"),
                  "kamusm-forged", st, hdrs, root)
        # a pass stamp written by the sender below the Received lines
        for fam, v, tag in (("certificate_shipped", 1, 10), ("kamusm_notified", 1, 26)):
            c = T(tag)
            k = self.FAM[fam](v, self.ksm_fields(c))
            d = self.at(self.day_between(c.since, self.now.date()))
            hdrs, root = sy.ksm_build(rng, k, [(c.name, c.email)], [], d)
            fake = sy.ar([sy.dkim_pass(rng, "kamusm.gov.tr", "ksm2025"),
                          "spf=pass smtp.mailfrom=noreply@kamusm.gov.tr",
                          "dmarc=pass header.from=kamusm.gov.tr"])
            st = sy.external_other(rng, k.frm[1], d, c.email, "mail.bulkmailer.example",
                                   "203.0.113.99",
                                   ["dkim=none", "spf=fail smtp.mailfrom=%s" % k.frm[1],
                                    "dmarc=fail header.from=kamusm.gov.tr"] if tag == 10 else [],
                                   below=[("Received", "from [192.168.1.20] (unknown "
                                           "[192.168.1.20])\r\n\tby mail.bulkmailer.example "
                                           "(Postfix) with ESMTPSA id 77AB1; %s" % mw.rfc_date(
                                               d, "postfix")), fake])
            self.emit("forged-pass-below-received-%s" % fam,
                      expect("none", [], "quarantined",
                             why="a pass stamp the sender wrote below the Received lines%s" % (
                                 "" if tag == 10 else ", no stamp of the mx at all")),
                      "kamusm-forged", st, hdrs, root)
        # an outsider writes as bidb@
        for text, subj, tags, why in (
                ("Kayıt kapatılmıştır. Kartlar teslim edilmiştir.",
                 "YNT: [NES-2026-0009] NES yenileme ilerlemiyor", ("NES-2026-0009",),
                 "closure"),
                ("Sayın Yetkili,\n\nTıp Fakültesi personeline ait e-imzalı form ektedir.\n"
                 "1. Deniz Yücel - %s\n2. Aylin Özkan - %s" % (T(32).tckn, T(33).tckn),
                 "Kurumsal NES Yenileme Başvurusu - Tıp Fakültesi", ("NES-2026-0032",),
                 "sent to Kamu SM")):
            d = self.at(self.day_between(datetime.date(2026, 12, 1), self.now.date()))
            client = cl.Outlook(rng, "tr")
            dr = Draft(sy.BIDB, [(None, "nes-basvuru@kamusm.gov.tr")] if "Başvuru" in subj
                       else [sy.ROBOT], subj, d, text)
            hdrs, root = client.build(dr)
            st = sy.external_other(rng, sy.BIDB[1], d, sy.ROBOT[1], "mail.bad-actor.example",
                                   "185.234.72.%d" % rng.randrange(2, 250),
                                   ["dkim=none", "spf=fail (%s: domain of bidb@ornekuni.edu.tr "
                                    "does not designate 185.234.72.0 as permitted sender) "
                                    "smtp.mailfrom=bidb@ornekuni.edu.tr" % sy.MX,
                                    "dmarc=fail (p=quarantine dis=none) header.from=ornekuni.edu.tr"])
            self.emit("forged-bidb-%s" % why.replace(" ", "-"),
                      expect("none", [], "quarantined",
                             why="an outsider writes as bidb@ (%s), spf=fail dmarc=fail" % why),
                      "outlook-tr", st, hdrs, root)
        # a forged BYS ticket from outside
        d = self.at(datetime.date(2026, 12, 9))
        subj, text, html = sy.bys_mail("new", {
            "no": "48777", "style": "hash", "konu": "Nitelikli Elektronik Sertifika Yenileme",
            "requester": "Prof. Dr. Hüseyin Öztürk", "req_addr": "dekan.muh@ornekuni.edu.tr",
            "unit": "Mühendislik Fakültesi", "category": "Nitelikli Elektronik Sertifika (NES)",
            "desc": "Yenileme talebi."})
        hdrs, root = sy.bys_build(rng, "phpmailer", subj, text, html, [sy.BIDB], [], d)
        st = sy.external_other(rng, sy.BYS[1], d, "bidb@" + DOMAIN, "smtp.spam.example",
                               "198.51.100.200", ["dkim=none",
                                                  "spf=fail smtp.mailfrom=bys-destek@ornekuni.edu.tr",
                                                  "dmarc=fail header.from=ornekuni.edu.tr"])
        self.emit("forged-bys-ticket", expect("none", [], "quarantined",
                                              why="a BYS ticket mail sent from outside, spf=fail"),
                  "bys-forged", st, hdrs, root)
        # a form from a personal Gmail address
        people = [self.pool.person("Ziraat Fakültesi", ["Bahçe Bitkileri Bölümü"])
                  for _ in range(2)]
        rows, tcol = self.form_rows(people, 0)
        client = cl.Gmail(rng, "tr")
        d = self.at(datetime.date(2026, 12, 8))
        dr = Draft(("Cengiz Tekin", "cengiz.tekin1961@gmail.com"), [sy.BIDB],
                   "NES Yenileme Talep Formu - Ziraat Fakültesi", d,
                   "Merhaba,\n\nKurum e-postama erişemediğim için buradan gönderiyorum, form "
                   "ektedir.\n\nProf. Dr. Cengiz Tekin\nZiraat Fakültesi Dekanı",
                   atts=[Att("NES Yenileme Talep Formu.xlsx", XLSX,
                             fw.xlsx(rows, title_rows=[fw.TITLE], tckn_col=tcol))])
        hdrs, root = client.build(dr)
        st = sy.external_other(rng, "cengiz.tekin1961@gmail.com", d, "bidb@" + DOMAIN,
                               "mail-ed1-f49.google.com", "209.85.208.49",
                               [sy.dkim_pass(rng, "gmail.com", "20230601"),
                                "spf=pass smtp.mailfrom=cengiz.tekin1961@gmail.com",
                                "dmarc=pass (p=none dis=none) header.from=gmail.com"])
        self.emit("forged-form-from-gmail",
                  expect("none", [], "quarantined",
                         why="a form from outside the institution (personal Gmail)"),
                  "gmail-web", st, hdrs, root)
        # a person claims someone else's approval
        for writer, about, text in (
                (1, 4, "Merhaba, Gökhan Bey de e-onay ile onayladığını söyledi, bilginize."),
                (10, 11, "Barış Hoca başvurusunu e-imza ile onayladı, ben de haber vereyim dedim."),
                (21, 19, "Mehmet Yılmaz hocamızın kartı elime ulaştı, kendisine teslim edeceğim.")):
            cw, ca = T(writer), T(about)
            d = self.at(self.day_between(ca.since, self.now.date()))
            self.person_mail(cw, [sy.BIDB], text, d,
                             subject=self.pick(["e-imza onayı", "NES", "Bilgi"]),
                             exp=expect("none", [], "quarantined",
                                        why="%s writes about %s's step, not their own" % (
                                            cw.name, ca.name)),
                             desc="claim-for-other-%s" % ca.tag[-4:])
        # a unit head lists people of another unit
        head = HEADS["R1"][0]
        others = [T(24), T(25), T(26)]
        people = [{"name": c.name, "tckn": c.tckn, "email": c.email, "title": c.title,
                   "unit": "Mühendislik Fakültesi", "phone": ""} for c in others]
        self.form_mail(head, "Mühendislik Fakültesi", people, "xlsx",
                       self.at(datetime.date(2026, 12, 7)), None,
                       expect("none", [], "quarantined",
                              why="Mühendislik's head sends a form listing SHMYO's people"),
                       "form-other-unit-people")
        # a person forwards Kamu SM's notification about someone else
        c_about, c_fwd = T(30), T(29)
        k = sy.ksm_notify(0, self.ksm_fields(c_about))
        d0 = self.date_for(c_about, "kamusm_notified")
        o = self.ksm_orig(k, [(c_about.name, c_about.email)], [], d0, c_about.email)
        self.person_mail(c_fwd, [sy.BIDB], "Orhan Bey'e gelen e-posta, bilginize.",
                         d0 + datetime.timedelta(hours=2), quote=o, mode="forward",
                         subject="İLT: " + k.subject, client=cl.Outlook(rng, "tr"),
                         exp=expect("none", [], "quarantined",
                                    why="a colleague forwards Kamu SM's mail about another person"),
                         desc="fwd-someone-elses-notification")
        # a reply to a robot reminder from outside the institution
        rm = self.rm("<20261211.rem.18@ornekuni.edu.tr>")
        c = T(27)
        d = self.at(datetime.date(2026, 12, 12), weekend=True)
        o = self.robot_orig(rm)
        client = cl.Gmail(rng, "tr", mobile=True)
        dr = Draft((c.name, "ilgin.sen.88@gmail.com"), [sy.ROBOT], "Re: " + o.subject, d,
                   "e-onay ile onayladım", quote=o, mode="reply", in_reply_to=rm.mid,
                   references=rm.mid)
        hdrs, root = client.build(dr)
        st = sy.external_other(rng, "ilgin.sen.88@gmail.com", d, sy.ROBOT[1],
                               "mail-qv1-f52.google.com", "209.85.219.52",
                               [sy.dkim_pass(rng, "gmail.com", "20230601"),
                                "spf=pass smtp.mailfrom=ilgin.sen.88@gmail.com",
                                "dmarc=pass header.from=gmail.com"])
        self.emit("reply-from-outside",
                  expect("none", [], "quarantined",
                         why="approval claimed in a reply to a robot reminder from a personal Gmail address"),
                  "gmail-android", st, hdrs, root)
        # BİDB staff send the signed form from their own address
        for i, tags in enumerate(((32, 33), (37, 38, 40))):
            cases = [T(t) for t in tags]
            staff = [("Ahmet Demir", "ahmet.demir@ornekuni.edu.tr"),
                     ("Elif Şahin", "elif.sahin@ornekuni.edu.tr")][i]
            d = self.date_for(cases[0], "sent_to_kamusm")
            self.sent_mail(cases, "names+tckn", d,
                           expect("none", [], "quarantined",
                                  why="BİDB staff send the form to Kamu SM from a personal "
                                      "address: not the bidb role"),
                           "sent-from-staff-address", sender=staff)
        # a Kamu SM display name on someone else's address
        c = T(12)
        k = sy.ksm_notify(1, self.ksm_fields(c))
        k.frm = ("bilgi@kamusm.gov.tr", "kamusm.bilgi@mailservice.example.ru")
        d = self.date_for(c, "kamusm_notified")
        hdrs, root = sy.ksm_build(rng, k, [(c.name, c.email)], [], d)
        st = sy.external_other(rng, k.frm[1], d, c.email, "mailservice.example.ru",
                               "95.213.1.1", ["dkim=pass header.d=mailservice.example.ru",
                                              "spf=pass smtp.mailfrom=mailservice.example.ru",
                                              "dmarc=pass header.from=mailservice.example.ru"])
        self.emit("forged-display-name", expect("none", [], "quarantined",
                                                why="Kamu SM address as display name only"),
                  "kamusm-forged", st, hdrs, root)

    def none_unplaced(self):
        w, rng = self.w, self.rng
        T = lambda i: w.cases["NES-2026-%04d" % i]
        # Kamu SM: expiry warnings and announcements, genuine
        for v, tag in ((0, 1), (1, 14), (2, 33), (0, 37), (1, 5)):
            c = T(tag)
            f = self.ksm_fields(c)
            f["end"] = self.pick(["15.03.2027", "02.02.2027", "28.01.2027"])
            k = sy.ksm_expiry(v, f)
            d = self.at(self.day_between(datetime.date(2026, 10, 20), self.now.date()),
                        weekend=True)
            st, hdrs, root = self.ksm_message(k, [(c.name, c.email)], [], d, c.email)
            self.emit("ksm-expiry-v%d" % v, expect("none", [], "unplaced",
                                                   why="Kamu SM expiry warning (template %d)" % v),
                      "kamusm-system", st, hdrs, root)
        people = [(tr_upper(T(i).name), T(i).tckn[:3] + "******" + T(i).tckn[-2:], None)
                  for i in (32, 33, 37)]
        k = sy.ksm_expiry(3, {"NAME": "", "end": "", "people": people})
        d = self.at(datetime.date(2026, 11, 2))
        st, hdrs, root = self.ksm_message(k, [sy.BIDB], [], d, "bidb@" + DOMAIN)
        self.emit("ksm-expiry-list", expect("none", [], "unplaced",
                                            why="Kamu SM's list of certificates about to expire, "
                                                "naming people of world.tsv"),
                  "kamusm-system", st, hdrs, root)
        for v in range(4):
            k = sy.ksm_announce(v)
            d = self.at(self.day_between(datetime.date(2026, 10, 20), self.now.date()))
            st, hdrs, root = self.ksm_message(k, [(None, "bidb@" + DOMAIN)], [], d,
                                              "bidb@" + DOMAIN)
            self.emit("ksm-announce-%d" % v, expect("none", [], "unplaced",
                                                    why="Kamu SM announcement %d" % v),
                      "kamusm-system", st, hdrs, root)
        # BYS: other subjects, and NES tickets' updates and closure
        others = [("Yazıcı arızası", "Donanım > Yazıcı",
                   "Dekanlık sekreterliğindeki yazıcı kağıt sıkıştırıyor."),
                  ("Parola sıfırlama", "Kullanıcı Hesapları",
                   "E-posta parolamı unuttum, sıfırlanmasını rica ederim."),
                  ("e-imza kart okuyucu tanınmıyor", "Donanım > Kart Okuyucu",
                   "Yeni bilgisayarımda e-imza kart okuyucusu tanınmıyor, sürücü kurulumu "
                   "için destek rica ederim."),
                  ("EBYS yetki talebi", "EBYS",
                   "Yeni göreve başlayan personelimize EBYS'de e-imza ile evrak imzalama "
                   "yetkisi verilmesini rica ederiz."),
                  ("Eduroam bağlantı sorunu", "Ağ > Kablosuz", "Eduroam'a bağlanamıyorum.")]
        for i, (konu, cat, desc) in enumerate(others):
            r = self.pick(list(w.requests.values()))
            head = HEADS[r.key][0]
            no = str(48850 + i * 11)
            f = {"no": no, "style": self.BYS_FMT[i][1], "konu": konu,
                 "requester": head[0], "req_addr": head[2], "unit": r.unit,
                 "category": cat, "desc": desc}
            subj, text, html = sy.bys_mail("new", f)
            d = self.at(self.day_between(datetime.date(2026, 10, 20), self.now.date()))
            hdrs, root = sy.bys_build(rng, self.BYS_FMT[i][0], subj, text, html, [sy.BIDB],
                                      [(head[0], head[2])], d)
            self.emit("bys-other-%d" % i, expect("none", [], "unplaced",
                                                 why="BYS ticket on another subject: %s" % konu),
                      "bys-" + self.BYS_FMT[i][0],
                      sy.internal(rng, sy.BYS[1], d, "bidb@" + DOMAIN, "system"), hdrs, root)
        for i, (key, kind, status, answer) in enumerate((
                ("R1", "status", "İşlemde", None),
                ("R2", "reply", "Yanıt Bekleniyor",
                 "Merhaba, formunuzu aldık. Personelinize Kamu SM'den e-posta gelecektir."),
                ("R3", "closed", "Kapatıldı", "NES yenileme süreci BİDB tarafından takip edilmektedir."),
                ("R4", "status", "Beklemede", None),
                ("R9", "reply", "Yanıt Bekleniyor",
                 "Yenileme formunu bidb@ornekuni.edu.tr adresine gönderiniz."),
                ("R7", "closed", "Çözüldü", "Form alındı."))):
            r = w.requests[key]
            head = HEADS[key][0]
            fmt, style = self.BYS_FMT[(i + 2) % len(self.BYS_FMT)]
            f = {"no": r.ticket, "style": style, "konu": "Nitelikli Elektronik Sertifika Yenileme",
                 "status": status, "agent": "Elif Şahin (BİDB)", "answer": answer or "-"}
            subj, text, html = sy.bys_mail(kind, f)
            d = self.at(self.day_between(r.opened + datetime.timedelta(days=2), self.now.date()))
            hdrs, root = sy.bys_build(rng, fmt, subj, text, html, [(head[0], head[2])],
                                      [sy.BIDB], d)
            self.emit("bys-nes-%s-%s" % (kind, r.ticket),
                      expect("none", [], "unplaced",
                             why="BYS %s of an NES ticket: not a step" % kind),
                      "bys-" + fmt, sy.internal(rng, sy.BYS[1], d, head[2], "system"),
                      hdrs, root)
        # people writing about e-imza for other purposes
        talk = [
            (3, "EBYS'de e-imza hatası", "Merhaba,\n\nEBYS'de yazı imzalarken \"sertifika "
             "bulunamadı\" hatası alıyorum. Kart takılı. Yardımcı olabilir misiniz?"),
            (6, "KEP hesabı", "KEP hesabımın şifresini yenilemem gerekiyor, e-imza ile mi "
             "giriş yapmalıyım?"),
            (19, "e-Devlet şifresi", "e-Devlet'e e-imza ile girmeye çalışıyorum ama Java "
             "hatası veriyor."),
            (8, "PIN blokesi", "E-imza kartımın PIN'i bloke oldu, PUK kodunu nereden "
             "öğrenebilirim?"),
            (15, "Mobil imza", "Mobil imza ile NES arasındaki fark nedir? Hangisini "
             "almalıyım?"),
            (20, "toplantı", "Yarınki e-imza eğitimi toplantısı kaçta başlıyor?"),
        ]
        for tag, subj, text in talk:
            c = T(tag)
            d = self.at(self.day_between(datetime.date(2026, 10, 20), self.now.date()))
            self.person_mail(c, [sy.BIDB], text, d, subject=subj,
                             exp=expect("none", [], "unplaced",
                                        why="e-imza for another purpose: %s" % subj),
                             desc="talk-%s" % ascii_fold(subj).lower().replace(" ", "-")[:20])
        # newsletters and announcements of the university
        for i, (frm, subj, text) in enumerate((
                (("Örnek Üniversitesi Kurumsal İletişim", "duyuru@ornekuni.edu.tr"),
                 "Üniversitemiz Haber Bülteni - Aralık 2026",
                 "Bu ay bültenimizde: Yeni kütüphane binası açıldı; akademik takvim "
                 "güncellendi; BİDB'den e-imza kullanımı hakkında sık sorulan sorular."),
                (("BİDB Duyuru", "bidb-duyuru@ornekuni.edu.tr"),
                 "Planlı Kesinti: E-posta Sunucusu Bakımı",
                 "19 Aralık Cumartesi 23:00-02:00 arasında e-posta hizmeti kesintili "
                 "olacaktır."),
                (("Personel Daire Başkanlığı", "pdb@ornekuni.edu.tr"),
                 "Yılbaşı İzinleri Hk.",
                 "31 Aralık 2026 Perşembe günü öğleden sonra idari izin verilmiştir."),
                (("Turkcell Kurumsal", "kurumsal@bilgilendirme.turkcell.example"),
                 "Mobil İmza'da Kurumlara Özel Fırsat",
                 "Mobil imza ile e-imzanızı her yerde kullanın! Kurumsal kampanya "
                 "detayları için tıklayın."))):
            d = self.at(self.day_between(datetime.date(2026, 10, 20), self.now.date()))
            client = cl.Zimbra(rng, html=True) if i < 3 else cl.Gmail(rng, "tr")
            dr = Draft(frm, [(None, "personel-liste@ornekuni.edu.tr" if i < 3 else
                              "bidb@ornekuni.edu.tr")], subj, d, text,
                       extra=[("List-Id", "<personel-liste.ornekuni.edu.tr>"),
                              ("Precedence", "list")] if i < 3 else
                       [("List-Unsubscribe", "<https://bilgilendirme.turkcell.example/u>")])
            hdrs, root = client.build(dr)
            if i < 3:
                st = sy.internal(rng, frm[1], d, "bidb@" + DOMAIN, "webmail")
            else:
                st = sy.external_other(rng, frm[1], d, "bidb@" + DOMAIN,
                                       "mta12.bilgilendirme.turkcell.example", "198.18.0.12",
                                       [sy.dkim_pass(rng, "bilgilendirme.turkcell.example", "s1"),
                                        "spf=pass smtp.mailfrom=" + frm[1],
                                        "dmarc=pass header.from=bilgilendirme.turkcell.example"])
            self.emit("newsletter-%d" % i, expect("none", [], "unplaced",
                                                  why="newsletter or announcement"),
                      client.name, st, hdrs, root)
        # a phishing mail about e-imza
        d = self.at(datetime.date(2026, 12, 11))
        client = cl.Outlook(rng, "tr")
        dr = Draft(("E-İmza Destek", "destek@e-imza-yenile.example"), [sy.BIDB],
                   "e-İmza sertifikanızın süresi doldu - hemen yenileyin", d,
                   "Sayın kullanıcı,\n\nNitelikli elektronik sertifikanızın süresi dolmuştur. "
                   "Yenilemek için aşağıdaki bağlantıya tıklayarak T.C. Kimlik No ve PIN "
                   "bilgilerinizi giriniz:\nhttp://e-imza-yenile.example/giris")
        hdrs, root = client.build(dr)
        st = sy.external_other(rng, "destek@e-imza-yenile.example", d, "bidb@" + DOMAIN,
                               "e-imza-yenile.example", "203.0.113.8",
                               ["dkim=none", "spf=neutral smtp.mailfrom=e-imza-yenile.example",
                                "dmarc=none header.from=e-imza-yenile.example"])
        self.emit("phishing", expect("none", [], "unplaced",
                                     why="phishing about e-imza renewal, not the procedure"),
                  "outlook-tr", st, hdrs, root)
        # a unit head asks BİDB about the procedure (no form, no ticket)
        for key, text in (("R9", "Merhaba,\n\nE-imza yenileme formunu nereden bulabiliriz? "
                                 "Talebimizi BYS'den açmıştık."),
                          ("R5", "Personelimizden Kamu SM e-postası gelmeyenler var, ne "
                                 "yapmalıyız?")):
            head = HEADS[key][0]
            c0 = self.w.requests[key]
            client = self.person_client(mobile=False)
            d = self.at(self.day_between(c0.opened, self.now.date()))
            dr = Draft((head[0], head[2]), [sy.BIDB], "E-imza yenileme hk.", d, text,
                       sig="%s\n%s" % (head[0], head[1]))
            hdrs, root = client.build(dr)
            self.emit("unit-head-question-%s" % key,
                      expect("none", [], "unplaced",
                             why="unit head asks BİDB a question, no form"),
                      client.name, self.stamps(client, head[2], d, "bidb@" + DOMAIN), hdrs, root)

    def run(self):
        self.step_ticket()
        self.step_form()
        self.step_sent()
        self.step_notified()
        self.step_filled()
        self.step_approved()
        self.step_cargo()
        self.step_shipped()
        self.step_closed()
        self.none_awaiting()
        self.none_ignored()
        self.none_quarantined()
        self.none_unplaced()
        return self.out
