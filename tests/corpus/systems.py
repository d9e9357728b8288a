"""Mail written by machines: Kamu SM's notification system (several
generations of its templates), the BYS Destek Talep Sistemi, the robot
itself (as people quote it), mailer daemons and vacation responders;
and the header fields the institution's mail server stamps on every
message it delivers (Received, Authentication-Results)."""

import datetime
import html as htmlmod

import mimewrite as mw
from mimewrite import Part, tr_upper, ascii_fold

MX = "mx.ornekuni.edu.tr"
DOMAIN = "ornekuni.edu.tr"
ROBOT = ("BİDB NES Takip Robotu", "nesrobot@ornekuni.edu.tr")
BIDB = ("Bilgi İşlem Daire Başkanlığı", "bidb@ornekuni.edu.tr")
YAZI = ("Yazı İşleri ve Arşiv Şube Müdürlüğü", "yaziisleri@ornekuni.edu.tr")
BYS = ("BYS Destek Talep Sistemi", "bys-destek@ornekuni.edu.tr")

esc = lambda s: htmlmod.escape(s, quote=False)


def later(dt, rng, lo=1, hi=40):
    return dt + datetime.timedelta(seconds=rng.randrange(lo, hi))


# -- what the institution's mail server stamps ---------------------------

def qid(rng):
    return mw.alnum(rng, 12, "BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789")


def rcvd_mx(rng, helo, ip, date, rcpt, auth=None, tls=True):
    s = "from %s (%s [%s])" % (helo, helo if not helo.startswith("[") else
                               "unknown", ip)
    if tls:
        s += ("\r\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)"
              "\r\n\t key-exchange X25519 server-signature RSA-PSS (2048 bits)"
              " server-digest SHA256)\r\n\t(No client certificate requested)")
    if auth:
        s += "\r\n\t(Authenticated sender: %s)" % auth
    s += "\r\n\tby %s (Postfix) with ESMTP%s%s id 4%s\r\n\tfor <%s>; %s" % (
        MX, "S" if tls else "", "A" if auth else "", qid(rng), rcpt,
        mw.rfc_date(later(date, rng), "postfix"))
    return ("Received", s)


def ar(parts, authserv=MX):
    return ("Authentication-Results", authserv + ";" + "".join(
        "\r\n\t" + p + (";" if i < len(parts) - 1 else "")
        for i, p in enumerate(parts)))


def dkim_pass(rng, d, sel):
    return "dkim=pass (2048-bit key; unprotected) header.d=%s header.i=@%s " \
           "header.a=rsa-sha256 header.s=%s header.b=%s" % (
               d, d, sel, mw.alnum(rng, 8))


def dkim_sig(rng, d, sel, date, h="From:To:Subject:Date:Message-ID:MIME-Version:Content-Type"):
    b = mw.alnum(rng, 344, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    bh = mw.alnum(rng, 43, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") + "="
    lines = [b[i:i + 70] for i in range(0, len(b), 70)]
    return ("DKIM-Signature", "v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s;\r\n\ts=%s; "
            "t=%d;\r\n\tbh=%s;\r\n\th=%s;\r\n\tb=%s" % (
                d, sel, int(date.timestamp()), bh, h, "\r\n\t ".join(lines)))


def internal(rng, user, date, rcpt, how="submission"):
    """An institutional user's mail as the mx received it: the top
    Received and the Authentication-Results, then the hops below."""
    ip = "10.%d.%d.%d" % (rng.randrange(20, 60), rng.randrange(256),
                          rng.randrange(2, 250))
    login = user.split("@")[0]
    if how == "submission":
        return [rcvd_mx(rng, "[%s]" % ip, ip, date, rcpt, auth=login),
                ar(["auth=pass smtp.auth=%s" % user])]
    if how == "webmail":
        host = "posta.ornekuni.edu.tr"
        return [rcvd_mx(rng, host, "193.140.52.14", date, rcpt),
                ar([dkim_pass(rng, DOMAIN, "posta2024"),
                    "auth=pass smtp.auth=%s" % user]),
                ("Received", "from localhost (localhost [127.0.0.1])\r\n\tby %s "
                 "(Postfix) with ESMTP id %s;\r\n\t%s" % (
                     host, mw.hexid(rng, 10).upper(), mw.rfc_date(date, "postfix"))),
                dkim_sig(rng, DOMAIN, "posta2024", date)]
    if how == "o365":
        box = "AM%dPR0%dMB%04d" % (rng.randrange(1, 9), rng.randrange(1, 9),
                                   rng.randrange(10000))
        return [rcvd_mx(rng, "EUR05-AM6-obe.outbound.protection.outlook.com",
                        "40.107.22.%d" % rng.randrange(2, 250), date, rcpt),
                ar([dkim_pass(rng, DOMAIN, "selector1"),
                    "spf=pass (%s: domain of %s designates 40.107.22.0/24 as "
                    "permitted sender) smtp.mailfrom=%s" % (MX, user, user),
                    "dmarc=pass (p=quarantine dis=none) header.from=%s" % DOMAIN]),
                ("Received", "from %s.eurprd05.prod.outlook.com\r\n ([fe80::%s]) "
                 "by %s.eurprd05.prod.outlook.com\r\n ([fe80::%s%%7]) with mapi id "
                 "15.20.8207.017; %s" % (box, mw.hexid(rng, 4), box,
                                         mw.hexid(rng, 4), mw.rfc_date(
                                             date.astimezone(datetime.timezone.utc)))),
                dkim_sig(rng, DOMAIN, "selector1", date)]
    if how == "gmail":
        host = "mail-wm1-f%d.google.com" % rng.randrange(40, 70)
        ip = "209.85.128.%d" % rng.randrange(40, 70)
        return [rcvd_mx(rng, host, ip, date, rcpt, auth=login),
                ar(["auth=pass smtp.auth=%s" % user]),
                ("X-Google-Smtp-Source", mw.alnum(rng, 60, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") + "=="),
                ("X-Received", "by 2002:a05:600c:%s:b0:43c:%s with SMTP id %s;\r\n"
                 "        %s" % (mw.hexid(rng, 4), mw.hexid(rng, 4),
                                 mw.hexid(rng, 12), mw.rfc_date(date, "nodow")))]
    if how == "system":
        # an application server of the university relaying its own mail
        host = {"bys-destek": "bys", "duyuru": "duyuru"}.get(login, "uygulama")
        return [rcvd_mx(rng, "%s.%s" % (host, DOMAIN), "10.10.5.%d" %
                        rng.randrange(2, 250), date, rcpt, auth=login, tls=False),
                ar(["auth=pass smtp.auth=%s" % user])]
    raise ValueError(how)


KAMUSM_HOSTS = {
    "kamusm.gov.tr": ("posta.kamusm.gov.tr", "193.140.100.26", "ksm2025"),
    "kamusm.bilgem.tubitak.gov.tr": ("mx2.tubitak.gov.tr", "193.140.80.208",
                                     "bilgem1"),
}


def external_kamusm(rng, sender, date, rcpt, dkim=True, spf=True):
    """Kamu SM's genuine mail as the mx received it."""
    dom = sender.split("@")[1]
    host, ip, sel = KAMUSM_HOSTS[dom]
    res = []
    if dkim:
        res.append(dkim_pass(rng, dom, sel))
    else:
        res.append("dkim=none")
    res.append("spf=%s (%s: domain of %s %s %s as permitted sender) "
               "smtp.mailfrom=%s" % ("pass" if spf else "softfail", MX, sender,
                                     "designates" if spf else "does not designate",
                                     ip, sender))
    res.append("dmarc=pass (p=reject dis=none) header.from=%s" % dom)
    app = "app%02d.%s" % (rng.randrange(1, 5), dom)
    out = [rcvd_mx(rng, host, ip, date, rcpt), ar(res),
           ("Received", "from %s (%s [10.5.1.%d])\r\n\tby %s (Postfix) with ESMTP "
            "id %s\r\n\tfor <%s>; %s" % (app, app, rng.randrange(2, 200), host,
                                         mw.hexid(rng, 10).upper(), rcpt,
                                         mw.rfc_date(date, "postfix")))]
    if dkim:
        out.append(dkim_sig(rng, dom, sel, date))
    return out


def external_other(rng, sender, date, rcpt, host, ip, results, below=()):
    """Mail from anywhere else; results: the mx's verdicts."""
    out = [rcvd_mx(rng, host, ip, date, rcpt)]
    if results:
        out.append(ar(results))
    out.extend(below)
    return out


# -- Kamu SM ----------------------------------------------------------------

KSM_SIG = ("Kamu Sertifikasyon Merkezi\nTÜBİTAK BİLGEM\n"
           "Çağrı Merkezi: 444 5 576\nwww.kamusm.gov.tr")
KSM_NOREPLY = "Bu e-posta otomatik olarak gönderilmiştir, lütfen yanıtlamayınız."

KSM_STYLE = ('<style>body{font-family:Tahoma,Arial,sans-serif;font-size:13px;'
             'color:#333}.baslik{background:#b30000;color:#fff;padding:10px;'
             'font-size:16px}.tbl td{border:1px solid #ccc;padding:5px 10px}'
             '.alt{color:#888;font-size:11px}</style>')


def ksm_html(title, paras, table=None, footer=KSM_NOREPLY):
    """Kamu SM's HTML template: a red title bar, paragraphs, a key/value
    table, the footer."""
    rows = ""
    if table:
        rows = ('<table class="tbl" cellspacing="0" cellpadding="0" style="'
                'border-collapse:collapse;margin:10px 0">%s</table>' % "".join(
                    '<tr><td style="background:#f3f3f3"><b>%s</b></td><td>%s</td>'
                    '</tr>' % (esc(k), esc(v)) for k, v in table))
    body = "".join("<p>%s</p>" % p for p in paras[:1]) + rows + "".join(
        "<p>%s</p>" % p for p in paras[1:])
    return ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv='
            '"Content-Type" content="text/html; charset=utf-8" /><title>%s'
            '</title>%s</head>\n<body><table width="640" align="center" '
            'cellpadding="0" cellspacing="0"><tr><td class="baslik">'
            '<img src="https://www.kamusm.gov.tr/images/logo-mail.png" '
            'alt="Kamu SM" width="120" height="36" /> %s</td></tr>\n<tr><td '
            'style="padding:15px">%s</td></tr>\n<tr><td class="alt">%s<br />'
            'Kamu Sertifikasyon Merkezi | TÜBİTAK BİLGEM | 444 5 576</td></tr>'
            '</table></body></html>\n' % (esc(title), KSM_STYLE, esc(title), body,
                                          esc(footer)))


def kv_text(table, width=32):
    return "\n".join("%s: %s" % (k.ljust(width - 2), v) for k, v in table)


def ksm_people_text(people):
    """people: (NAME, masked tckn, extra)"""
    w = max(len(p[0]) for p in people) + 2
    lines = ["Sıra  %s T.C. Kimlik No%s" % ("Ad Soyad".ljust(w),
             "   " + people[0][2][0] if people[0][2] else "")]
    for i, (n, t, ex) in enumerate(people):
        lines.append("%-5s %s %s%s" % ("%d" % (i + 1), n.ljust(w), t,
                     "   " + ex[1] if ex else ""))
    return "\n".join(lines)


def ksm_people_html(people):
    head = "<tr><th>Sıra</th><th>Ad Soyad</th><th>T.C. Kimlik No</th>%s</tr>" % (
        "<th>%s</th>" % esc(people[0][2][0]) if people[0][2] else "")
    rows = "".join("<tr><td>%d</td><td>%s</td><td>%s</td>%s</tr>" % (
        i + 1, esc(n), esc(t), "<td>%s</td>" % esc(ex[1]) if ex else "")
        for i, (n, t, ex) in enumerate(people))
    return ('<table border="1" cellspacing="0" cellpadding="4" style="border-'
            'collapse:collapse">%s%s</table>' % (head, rows))


class KSM:
    """One Kamu SM mail: sender, subject, bodies and how they are sent."""

    def __init__(self, frm, subject, text=None, html=None, charset="utf-8",
                 cte="quoted-printable", bulk=False, reply_to=None,
                 mailer=None):
        self.frm = frm
        self.subject = subject
        self.text = text
        self.html = html
        self.charset = charset
        self.cte = cte
        self.bulk = bulk
        self.reply_to = reply_to
        self.mailer = mailer


def ksm_notify(v, f):
    """Step 4: the information mail to the person (v 0-3), or the
    report to the institution naming the people (v 4-5)."""
    N, tc, par, kurum = f["NAME"], f.get("tckn"), f["parola"], f["kurum"]
    if v == 0:
        t = ("Sayın %s,\n\nKurumunuz %s tarafından adınıza nitelikli elektronik "
             "sertifika başvurusu yapılmıştır.\n\nBaşvurunuzu tamamlamak için "
             "https://www.kamusm.gov.tr adresinde yer alan Online İşlemler "
             "menüsünden sırasıyla NES > Bireysel İşlemler > Başvuru İşlemleri "
             "adımlarını izleyerek başvuru formunuzu doldurmanız gerekmektedir."
             "\n\nBaşvuru formuna erişim için aşağıdaki bilgileri kullanınız:\n\n"
             % (N, kurum))
        if tc:
            t += "T.C. Kimlik No                : %s\n" % tc
        t += ("Başvuru Formu Erişim Parolası : %s\n\nErişim parolanız kişiye "
              "özeldir; üçüncü kişilerle paylaşmayınız. Başvurunuzu 30 gün içinde "
              "tamamlamamanız halinde kurum başvurusu iptal edilecektir.\n\n%s\n\n"
              "Saygılarımızla,\n%s" % (par, KSM_NOREPLY, KSM_SIG))
        return KSM(("Kamu SM", "bilgi@kamusm.gov.tr"),
                   "Nitelikli Elektronik Sertifika Başvurunuz Hakkında", t,
                   charset="iso-8859-9")
    if v == 1:
        tab = [("Ad Soyad", N)]
        if tc:
            tab.append(("T.C. Kimlik No", tc))
        tab += [("Kurum", kurum), ("Başvuru Türü", "Kurumsal - Yenileme"),
                ("Başvuru Formu Erişim Parolası", par)]
        paras = ["Değerli Kullanıcımız %s," % f["Name"],
                 "%s tarafından adınıza kurumsal Nitelikli Elektronik Sertifika "
                 "(NES) başvurusu oluşturulmuştur. Başvuru bilgileriniz "
                 "aşağıdadır:" % kurum]
        steps = ['www.kamusm.gov.tr adresinde "Online İşlemler" bağlantısını tıklayınız.',
                 '"NES" başlığı altında "Bireysel İşlemler" menüsüne giriniz.',
                 '"Başvuru İşlemleri" sayfasında T.C. Kimlik Numaranız ve yukarıdaki '
                 'parola ile başvuru formunuzu doldurunuz.']
        tail = ("Formu doldurduktan sonra başvurunuzu e-Onay, e-İmza ya da ıslak "
                "imza ile onaylamanız gerekecektir.")
        t = (paras[0] + "\n\n" + paras[1] + "\n\n" + kv_text(tab, 34) +
             "\n\nBaşvurunuzu tamamlamak için:\n" + "\n".join(
                 "%d. %s" % (i + 1, s) for i, s in enumerate(steps)) + "\n\n" +
             tail + "\n\nKamu SM\n" + KSM_NOREPLY)
        h = ksm_html("Kurumsal NES Başvurusu Bilgilendirmesi",
                     [esc(paras[0]), esc(paras[1]),
                      "Başvurunuzu tamamlamak için:<ol>%s</ol>" % "".join(
                          "<li>%s</li>" % esc(s) for s in steps), esc(tail)], tab)
        return KSM(("Kamu SM Bilgilendirme", "noreply@kamusm.bilgem.tubitak.gov.tr"),
                   "Kamu SM | Kurumsal NES Başvurusu Bilgilendirmesi", t, h,
                   bulk=True)
    if v == 2:
        h = ksm_html("NES Başvuru İşlemleri", [
            "Sayın <b>%s</b>," % esc(f["Name"]),
            "%s kurumu tarafından hakkınızda nitelikli elektronik sertifika "
            "talebinde bulunulmuştur. Sertifikanızın üretilebilmesi için "
            "başvuru formunuzu doldurmanız gerekmektedir." % esc(kurum),
            "<b>Başvuru Formu Erişim Parolası:</b> <span style=\"font-family:"
            "Courier New;font-size:15px;background:#ffe\">%s</span>" % par,
            "Başvuru formuna <a href=\"https://onlineislemler.kamusm.gov.tr\">"
            "Online İşlemler</a> &rarr; NES &rarr; Bireysel İşlemler &rarr; "
            "Başvuru İşlemleri adımlarıyla ulaşabilirsiniz.",
            "Parolanızı kimseyle paylaşmayınız."])
        return KSM(("Kamu SM NES Başvuru", "nes-basvuru@kamusm.gov.tr"),
                   "NES Başvuru İşlemleriniz İçin Erişim Parolası", None, h,
                   cte="base64")
    if v == 3:
        A = ascii_fold(N)
        t = ("SAYIN %s,\n\nKURUMUNUZ (%s) TARAFINDAN ADINIZA NITELIKLI ELEKTRONIK "
             "SERTIFIKA BASVURUSU YAPILMISTIR.\nBASVURUNUZU TAMAMLAMAK ICIN "
             "WWW.KAMUSM.GOV.TR > ONLINE ISLEMLER > NES > BIREYSEL ISLEMLER > "
             "BASVURU ISLEMLERI\nADIMLARINI IZLEYINIZ.\n\n" % (
                 A, ascii_fold(tr_upper(kurum))))
        if tc:
            t += "TC KIMLIK NO                  : %s\n" % tc
        t += ("BASVURU FORMU ERISIM PAROLASI : %s\n\nBU E-POSTA OTOMATIK OLARAK "
              "GONDERILMISTIR.\nKAMU SM" % par)
        return KSM(("KAMU SM", "noreply@kamusm.gov.tr"), "NES BASVURU BILGILENDIRME",
                   t, charset="us-ascii", cte="7bit")
    people = f["people"]
    if v == 4:
        t = ("Sayın Kurum Yetkilisi,\n\n%s tarafından %s tarihinde yapılan kurumsal "
             "nitelikli elektronik sertifika başvurusu kapsamında aşağıdaki "
             "personelinize başvuru bilgilendirme e-postası (başvuru formu erişim "
             "parolası) gönderilmiştir:\n\n%s\n\nPersonelinizin başvurularını "
             "Online İşlemler > NES > Bireysel İşlemler > Başvuru İşlemleri "
             "üzerinden tamamlamaları gerekmektedir.\n\nSaygılarımızla,\n%s" % (
                 kurum, f["when"], ksm_people_text(people), KSM_SIG))
        return KSM(("Kamu SM Kurumsal İşlemler", "kurumsal@kamusm.gov.tr"),
                   "Kurum Başvurusu Hk. - Personel Bilgilendirme (%s)" % kurum, t,
                   charset="windows-1254")
    t = ("Sayın Yetkili,\n\nKurumunuz personeline ait nitelikli elektronik "
         "sertifika başvurularına ilişkin bilgilendirme e-postaları ilgili kişilere "
         "gönderilmiştir. Bilgilendirme yapılan personel:\n\n%s\n\nBilgilerinize "
         "sunarız.\nKamu SM" % "\n".join("- %s (%s)" % (n, t_) for n, t_, _ in people))
    h = ksm_html("Personel Bilgilendirme Bildirimi", [
        "Sayın Yetkili,", "Kurumunuz personeline ait nitelikli elektronik sertifika "
        "başvurularına ilişkin bilgilendirme e-postaları ilgili kişilere "
        "gönderilmiştir. Bilgilendirme yapılan personel:" + ksm_people_html(people),
        "Bilgilerinize sunarız."])
    return KSM(("Kamu SM", "bilgilendirme@kamusm.bilgem.tubitak.gov.tr"),
               "Kurumsal NES Başvurusu: Personel Bilgilendirildi", t, h, bulk=True)


def ksm_received(v, f):
    """Step 5: the application was filled in; a Başvuru No."""
    N, bno, tc = f["NAME"], f["bno"], f.get("tckn")
    if v == 0:
        t = ("Sayın %s,\n\n%s tarihinde Kamu SM Online İşlemler üzerinden yapmış "
             "olduğunuz nitelikli elektronik sertifika başvurunuz alınmıştır.\n\n"
             "Başvuru No: %s\n\nBaşvurunuzun işleme alınabilmesi için onaylanması "
             "gerekmektedir. Başvurunuzu aşağıdaki yöntemlerden biriyle "
             "onaylayabilirsiniz:\n- e-Onay (daha önce e-Onay izni verdiyseniz)\n"
             "- e-İmza (geçerli bir nitelikli elektronik sertifikanız varsa)\n"
             "- Islak imzalı başvuru formu (formu yazdırıp imzalayarak kurumunuz "
             "aracılığıyla merkezimize gönderiniz)\n\n%s\n\n%s" % (
                 N, f["when"], bno, KSM_NOREPLY, KSM_SIG))
        return KSM(("Kamu SM", "bilgi@kamusm.gov.tr"), "Başvurunuz Alınmıştır", t,
                   charset="iso-8859-9")
    if v == 1:
        tab = [("Başvuru No", bno), ("Başvuru Tarihi", f["when"]),
               ("Ad Soyad", N)]
        if tc:
            tab.append(("T.C. Kimlik No", tc))
        tab += [("Sertifika Türü", "Nitelikli Elektronik Sertifika (Kurumsal)"),
                ("Başvuru Durumu", "Onay Bekliyor")]
        p1 = "Sayın %s," % f["Name"]
        p2 = ("Nitelikli elektronik sertifika başvuru kaydınız oluşturulmuştur. "
              "Başvuru bilgileriniz aşağıdadır.")
        p3 = ("Başvurunuzun onaylanmasının ardından sertifikanız üretilecektir. "
              "Onay yöntemleri hakkında bilgi için www.kamusm.gov.tr adresini "
              "ziyaret ediniz.")
        t = p1 + "\n\n" + p2 + "\n\n" + kv_text(tab, 20) + "\n\n" + p3 + \
            "\n\nKamu SM\n" + KSM_NOREPLY
        return KSM(("Kamu SM Bilgilendirme", "noreply@kamusm.bilgem.tubitak.gov.tr"),
                   "NES Başvuru Kaydınız Oluşturuldu (Başvuru No: %s)" % bno, t,
                   ksm_html("Başvuru Kaydınız Oluşturuldu", [esc(p1), esc(p2),
                                                             esc(p3)], tab),
                   bulk=True)
    if v == 2:
        h = ksm_html("Başvuru Bilgilendirme", [
            "Sayın %s," % esc(f["Name"]),
            "Nitelikli elektronik sertifika başvuru formunuz sistemimize "
            "kaydedilmiştir. Başvuru numaranız: <b>%s</b>" % bno,
            "Başvurunuzun durumunu Online İşlemler &gt; NES &gt; Bireysel "
            "İşlemler &gt; Başvuru Sorgulama sayfasından izleyebilirsiniz."])
        return KSM(("Kamu SM NES Başvuru", "nes-basvuru@kamusm.gov.tr"),
                   "Kamu SM - Başvuru Bilgilendirme", None, h,
                   charset="windows-1254", cte="base64")
    if v == 3:
        t = ("SAYIN %s,\n\nNITELIKLI ELEKTRONIK SERTIFIKA BASVURUNUZ ALINMISTIR.\n"
             "BASVURU NO: %s\n\nBASVURUNUZU E-ONAY, E-IMZA VEYA ISLAK IMZALI FORM "
             "ILE ONAYLAMANIZ GEREKMEKTEDIR.\n\nKAMU SM" % (ascii_fold(N), bno))
        return KSM(("KAMU SM", "noreply@kamusm.gov.tr"),
                   "BASVURUNUZ ALINMISTIR - BASVURU NO: %s" % bno, t,
                   charset="us-ascii", cte="7bit")
    people = f["people"]
    t = ("Sayın Kurum Yetkilisi,\n\nAşağıdaki personeliniz nitelikli elektronik "
         "sertifika başvuru formlarını doldurmuştur (Başvuru Durumu: Onay "
         "Bekliyor):\n\n%s\n\nBaşvuruların onaylanması için ilgili personelin "
         "e-Onay, e-İmza veya ıslak imza yöntemlerinden birini kullanması "
         "gerekmektedir.\n\n%s" % (ksm_people_text(people), KSM_SIG))
    return KSM(("Kamu SM Kurumsal İşlemler", "kurumsal@kamusm.gov.tr"),
               "Personel Başvuru Durumu - %s" % f["kurum"], t,
               charset="windows-1254")


def ksm_approved(v, f):
    """Step 6: approved with e-Onay or e-İmza (or the wet-signed form
    arrived at Kamu SM)."""
    N, bno, how = f["NAME"], f["bno"], f["method"]
    if v == 0:
        t = ("Sayın %s,\n\n%s numaralı nitelikli elektronik sertifika başvurunuz "
             "%s ile onaylanmıştır.\n\nSertifikanız üretim sürecine alınmış olup "
             "akıllı kartınız hazırlandığında kurye ile kurum adresinize "
             "gönderilecektir. Gönderim yapıldığında ayrıca bilgilendirileceksiniz."
             "\n\n%s\n\n%s" % (N, bno, how, KSM_NOREPLY, KSM_SIG))
        return KSM(("Kamu SM", "bilgi@kamusm.gov.tr"), "Başvurunuz Onaylanmıştır",
                   t, charset="iso-8859-9")
    if v == 1:
        tab = [("Başvuru No", bno), ("Ad Soyad", N), ("Onay Yöntemi", how),
               ("Onay Tarihi", f["when"]), ("Başvuru Durumu", "Onaylandı - Üretimde")]
        p1 = "Sayın %s," % f["Name"]
        p2 = "Başvurunuz %s ile onaylanmıştır. Onay bilgileri aşağıdadır:" % how
        t = p1 + "\n\n" + p2 + "\n\n" + kv_text(tab, 20) + "\n\nKamu SM\n" + KSM_NOREPLY
        return KSM(("Kamu SM Bilgilendirme", "noreply@kamusm.bilgem.tubitak.gov.tr"),
                   "%s ile Başvuru Onayı Hk." % how, t,
                   ksm_html("Başvuru Onayı", [esc(p1), esc(p2)], tab), bulk=True)
    if v == 2:
        h = ksm_html("Başvuru Onay Bilgilendirmesi", [
            "Sayın %s," % esc(f["Name"]),
            "<b>%s</b> numaralı başvurunuz <b>%s</b> yöntemiyle onaylanmıştır." % (
                bno, esc(how)),
            "Sertifikanızın üretim ve gönderim durumunu Online İşlemler &gt; NES "
            "&gt; Bireysel İşlemler &gt; Başvuru Sorgulama sayfasından "
            "izleyebilirsiniz."])
        return KSM(("Kamu SM NES Başvuru", "nes-basvuru@kamusm.gov.tr"),
                   "Başvuru Onay Bilgilendirmesi - %s" % bno, None, h, cte="base64")
    if v == 3:
        t = ("SAYIN %s,\n\n%s NUMARALI BASVURUNUZ %s ILE ONAYLANMISTIR.\n"
             "SERTIFIKANIZ URETIM ASAMASINDADIR.\n\nKAMU SM" % (
                 ascii_fold(N), bno, ascii_fold(tr_upper(how))))
        return KSM(("KAMU SM", "noreply@kamusm.gov.tr"),
                   "BASVURU ONAY BILGILENDIRMESI", t, charset="us-ascii", cte="7bit")
    t = ("Sayın %s,\n\nKurumunuz aracılığıyla gönderilen ıslak imzalı başvuru "
         "formunuz merkezimize ulaşmış ve %s numaralı başvurunuz onaylanmıştır. "
         "Sertifikanız üretim sürecine alınmıştır.\n\n%s\n\n%s" % (
             N, bno, KSM_NOREPLY, KSM_SIG))
    return KSM(("Kamu SM", "bilgi@kamusm.gov.tr"),
               "Islak İmzalı Başvuru Formunuz Ulaşmıştır", t, charset="windows-1254")


def ksm_shipped(v, f):
    """Step 8: the card was given to the courier, with a tracking number."""
    N, bno, car, gno = f["NAME"], f["bno"], f["carrier"], f["gno"]
    if v == 0:
        t = ("Sayın %s,\n\n%s numaralı başvurunuza ait nitelikli elektronik "
             "sertifikanız (akıllı kart) kurye firmasına teslim edilmiştir.\n\n"
             "Kurye Firması : %s\nGönderi No    : %s\n\nGönderinizi kurye "
             "firmasının internet sitesinden takip edebilirsiniz. Kartınıza ait "
             "PIN/PUK bilgileri ayrıca SMS ile gönderilecektir.\n\n%s\n\n%s" % (
                 N, bno, car, gno, KSM_NOREPLY, KSM_SIG))
        return KSM(("Kamu SM", "bilgi@kamusm.gov.tr"),
                   "Sertifikanız Kurye ile Gönderilmiştir", t, charset="iso-8859-9")
    if v == 1:
        tab = [("Ad Soyad", N), ("Başvuru No", bno), ("Kargo Firması", car),
               ("Gönderi Takip No", gno),
               ("Teslimat Adresi", f.get("adres", "Kurum adresi"))]
        p1 = "Sayın %s," % f["Name"]
        p2 = "Nitelikli elektronik sertifikanız kargoya verilmiştir."
        t = p1 + "\n\n" + p2 + "\n\n" + kv_text(tab, 20) + "\n\nKamu SM\n" + KSM_NOREPLY
        return KSM(("Kamu SM Bilgilendirme", "noreply@kamusm.bilgem.tubitak.gov.tr"),
                   "NES Kartınız Kargoya Verildi", t,
                   ksm_html("Kartınız Kargoya Verildi", [esc(p1), esc(p2)], tab),
                   bulk=True)
    if v == 2:
        h = ksm_html("Teslimat Bilgilendirme", [
            "Sayın %s," % esc(f["Name"]),
            "%s numaralı başvurunuza ait sertifika kartınız <b>%s</b> ile "
            "gönderilmiştir. Gönderi numaranız: <b>%s</b>." % (bno, esc(car), gno),
            "Teslimat sırasında kimlik ibrazı gerekmektedir. Kartınızı teslim "
            "aldıktan sonra Online İşlemler üzerinden kart aktivasyonunu "
            "yapabilirsiniz."])
        return KSM(("Kamu SM Kurye Bilgi", "kurye-bilgi@kamusm.gov.tr"),
                   "Teslimat Bilgilendirme - Gönderi No %s" % gno, None, h,
                   cte="base64", charset="windows-1254")
    if v == 3:
        t = ("SAYIN %s,\n\nSERTIFIKANIZ %s ILE GONDERILMISTIR.\nGONDERI NO: %s\n\n"
             "KAMU SM" % (ascii_fold(N), ascii_fold(tr_upper(car)), gno))
        return KSM(("KAMU SM", "noreply@kamusm.gov.tr"), "SERTIFIKA GONDERIM BILGISI",
                   t, charset="us-ascii", cte="7bit")
    people = f["people"]
    t = ("Sayın Kurum Yetkilisi,\n\nKurumunuz personeline ait aşağıdaki "
         "nitelikli elektronik sertifikalar %s ile kurye gönderimine "
         "verilmiştir:\n\n%s\n\nSaygılarımızla,\n%s" % (
             car, ksm_people_text(people), KSM_SIG))
    return KSM(("Kamu SM Kurye Bilgi", "kurye-bilgi@kamusm.gov.tr"),
               "Kurumunuz Personeline Ait Sertifikaların Gönderimi", t,
               charset="utf-8", cte="8bit")


def ksm_expiry(v, f):
    """Not a step: the certificate will expire; renew through your
    institution."""
    N, tc, end = f["NAME"], f.get("tckn"), f["end"]
    if v == 0:
        t = ("Sayın %s,\n\n%sadınıza düzenlenmiş nitelikli elektronik sertifikanızın "
             "geçerlilik süresi %s tarihinde sona erecektir.\n\nSertifikanızı "
             "yenilemek için kurumunuzun yetkilisi aracılığıyla yenileme "
             "başvurusu yapılması gerekmektedir. Kurumsal başvurularda başvuru "
             "kurumunuz tarafından yapılır; ardından tarafınıza bilgilendirme "
             "e-postası gönderilir.\n\n%s\n\n%s" % (
                 N, ("%s T.C. Kimlik Numaralı " % tc) if tc else "", end,
                 KSM_NOREPLY, KSM_SIG))
        return KSM(("Kamu SM", "bilgi@kamusm.gov.tr"),
                   "Sertifikanızın Geçerlilik Süresi Dolmak Üzere", t,
                   charset="iso-8859-9", bulk=True)
    if v == 1:
        tab = [("Ad Soyad", N), ("Sertifika Türü", "Nitelikli Elektronik Sertifika"),
               ("Son Geçerlilik Tarihi", end)]
        p1 = "Sayın %s," % f["Name"]
        p2 = ("Sertifikanızın geçerlilik süresi yakında sona erecektir. Süresi "
              "dolan sertifika ile e-imza atılamaz.")
        p3 = ("Yenileme için kurumunuzun bilgi işlem birimine başvurunuz. "
              "Bireysel başvurular Online İşlemler üzerinden yapılabilir.")
        t = p1 + "\n\n" + p2 + "\n\n" + kv_text(tab, 24) + "\n\n" + p3 + "\n\nKamu SM"
        return KSM(("Kamu SM Bilgilendirme", "noreply@kamusm.bilgem.tubitak.gov.tr"),
                   "NES Süre Bitimi Hatırlatması", t,
                   ksm_html("Süre Bitimi Hatırlatması", [esc(p1), esc(p2), esc(p3)],
                            tab), bulk=True)
    if v == 2:
        t = ("SAYIN %s,\n\nNITELIKLI ELEKTRONIK SERTIFIKANIZIN GECERLILIK SURESI %s "
             "TARIHINDE SONA ERECEKTIR. YENILEME ICIN KURUMUNUZLA ILETISIME "
             "GECINIZ.\n\nKAMU SM" % (ascii_fold(N), end))
        return KSM(("KAMU SM", "noreply@kamusm.gov.tr"), "SERTIFIKA SURE BITIMI",
                   t, charset="us-ascii", cte="7bit", bulk=True)
    people = f["people"]
    t = ("Sayın Kurum Yetkilisi,\n\nKurumunuz personeline ait aşağıdaki nitelikli "
         "elektronik sertifikaların geçerlilik süresi önümüzdeki 90 gün içinde "
         "sona erecektir. Yenileme başvurularının zamanında yapılmasını rica "
         "ederiz.\n\n%s\n\n%s" % (ksm_people_text(people), KSM_SIG))
    return KSM(("Kamu SM Kurumsal İşlemler", "kurumsal@kamusm.gov.tr"),
               "Kurumunuzda Süresi Dolacak Sertifikalar", t,
               charset="windows-1254", bulk=True)


def ksm_announce(v):
    """Not a step: announcements and campaigns."""
    if v == 0:
        t = ("Değerli Kullanıcılarımız,\n\nKamu SM Online İşlemler sisteminde 19 "
             "Aralık 2026 Cumartesi 22:00 - 20 Aralık 2026 Pazar 06:00 saatleri "
             "arasında planlı bakım çalışması yapılacaktır. Bu süre içinde "
             "başvuru, onay ve sorgulama işlemleri yapılamayacaktır.\n\n"
             "Anlayışınız için teşekkür ederiz.\nKamu SM")
        return KSM(("Kamu SM Duyuru", "duyuru@kamusm.gov.tr"),
                   "Planlı Bakım Çalışması Duyurusu", t,
                   ksm_html("Planlı Bakım Çalışması", [esc(p) for p in t.split("\n\n")]),
                   bulk=True)
    if v == 1:
        h = ksm_html("Kart Okuyucu Sürücüleri", [
            "Değerli Kullanıcımız,",
            "Yeni nesil akıllı kart okuyucularımız için Windows 11 24H2 ve macOS 15 "
            "uyumlu sürücüler yayımlanmıştır. Sürücüleri <a href=\"https://www."
            "kamusm.gov.tr/islemler/surucu_yukleme_servisi/\">Sürücü Yükleme "
            "Servisi</a> sayfasından indirebilirsiniz.",
            "e-İmza uygulamalarınızda sorun yaşamamak için güncellemeyi öneririz."])
        return KSM(("Kamu SM", "bilgi@kamusm.gov.tr"),
                   "e-İmza Kart Okuyucu Sürücüleri Güncellendi", None, h, bulk=True)
    if v == 2:
        t = ("KAMU SM BÜLTENİ - ARALIK 2026\n\n* Kurumsal başvurularda yeni dönem: "
             "Kurum yetkilileri başvuru listelerini artık e-imzalı olarak Online "
             "İşlemler üzerinden iletebilecek.\n* e-Onay nedir, nasıl verilir? "
             "Tek seferlik e-Onay izni ile sonraki başvurularınızı e-imzanız "
             "olmadan onaylayabilirsiniz.\n* Mobil imza ile NES arasındaki farklar."
             "\n\nBültenden çıkmak için: https://www.kamusm.gov.tr/bulten/cik")
        return KSM(("Kamu SM Bülten", "bulten@kamusm.gov.tr"),
                   "Kamu SM Bülteni - Aralık 2026", t, bulk=True)
    t = ("Sayın Kullanıcımız,\n\nTek seferlik e-Onay izni vererek bundan sonraki "
         "nitelikli elektronik sertifika başvurularınızı e-imzanız olmadan, "
         "Online İşlemler üzerinden onaylayabilirsiniz. e-Onay izni vermek için "
         "geçerli bir e-imzanızın bulunması gerekmektedir.\n\nKamu SM")
    return KSM(("Kamu SM", "bilgi@kamusm.gov.tr"),
               "e-Onay İzni Hakkında Bilgilendirme", t, charset="iso-8859-9", bulk=True)


def ksm_build(rng, k, to, cc, date):
    """The header fields and MIME tree of a Kamu SM mail."""
    cs = k.charset
    parts = []
    if k.text is not None:
        parts.append(mw.leaf_text(k.text + "\n", "plain", cs, k.cte,
                                  "text/plain; charset=%s" % cs.upper().replace("US-ASCII", "us-ascii")))
    if k.html is not None:
        parts.append(mw.leaf_text(k.html, "html", cs if cs != "us-ascii" else "utf-8",
                                  k.cte if k.cte != "7bit" else "quoted-printable",
                                  "text/html; charset=%s" % (cs if cs != "us-ascii" else "utf-8").upper()))
    if len(parts) == 2:
        b = "----=_Part_%d_%d.%d" % (rng.randrange(10 ** 5, 10 ** 6),
                                     rng.randrange(10 ** 8, 10 ** 9),
                                     int(date.timestamp() * 1000))
        root = Part([("Content-Type", 'multipart/alternative; \r\n\tboundary="%s"' % b)],
                    parts=parts, boundary=b)
    else:
        root = parts[0]
    dom = k.frm[1].split("@")[1]
    hdrs = [("Date", mw.rfc_date(date, "java"))]
    hdrs.append(("From", mw.address(k.frm[0], k.frm[1], "UTF-8", "B")))
    if k.reply_to:
        hdrs.append(("Reply-To", k.reply_to))
    hdrs.append(("To", mw.address_field("To", [mw.address(n, a, "UTF-8", "B")
                                               for n, a in to])))
    if cc:
        hdrs.append(("Cc", mw.address_field("Cc", [mw.address(n, a, "UTF-8", "B")
                                                   for n, a in cc])))
    hdrs.append(("Message-ID", "<%d.%d.%d@app%02d.%s>" % (
        rng.randrange(10 ** 8, 2 * 10 ** 9), rng.randrange(1, 5000),
        int(date.timestamp() * 1000), rng.randrange(1, 5), dom)))
    hdrs.append(("Subject", mw.text_field("Subject", k.subject, "UTF-8", "B")))
    hdrs.append(("MIME-Version", "1.0"))
    hdrs.extend(root.headers)
    root.headers = []
    hdrs.append(("Auto-Submitted", "auto-generated"))
    if k.bulk:
        hdrs.append(("Precedence", "bulk"))
    hdrs.append(("X-Mailer", k.mailer or "KSM Bildirim Servisi 3.2"))
    return hdrs, root


# -- BYS Destek Talep Sistemi ------------------------------------------------

BYS_URL = "https://bys.ornekuni.edu.tr/destek/talep/%s"


def bys_subject(style, no, text):
    return {
        "hash": "[BYS Destek #%s] %s" % (no, text),
        "talep": "[Talep#%s] %s" % (no, text),
        "key": "BYS-%s: %s" % (no, text),
        "no": "%s (Talep No: %s)" % (text, no),
    }[style]


def bys_fields(f):
    return [("Talep No", f["no"]), ("Konu", f["konu"]),
            ("Talep Eden", "%s (%s)" % (f["requester"], f["req_addr"])),
            ("Birim", f["unit"]), ("Kategori", f["category"]),
            ("Öncelik", f.get("priority", "Normal")),
            ("Durum", f.get("status", "Yeni"))]


def bys_mail(v, f):
    """A BYS notification.  v: new (to BİDB), ack (to the requester),
    reply, status, closed.  Returns (subject, text, html)."""
    no, style = f["no"], f["style"]
    url = BYS_URL % no
    if v == "new":
        subj = bys_subject(style, no, "Yeni destek talebi: %s" % f["konu"])
        intro = "Yeni bir destek talebi oluşturuldu."
        tab = bys_fields(f)
        desc = f["desc"]
        t = "%s\n\n%s\n\nAçıklama:\n%s\n\nTalebi görüntülemek için: %s\n" % (
            intro, kv_text(tab, 14), desc, url)
    elif v == "ack":
        subj = bys_subject(style, no, "Talebiniz alındı")
        intro = ("Sayın %s,\n\n\"%s\" konulu talebiniz %s numarası ile "
                 "kaydedilmiş ve ilgili birime (%s) yönlendirilmiştir. Talebinizle "
                 "ilgili gelişmeler bu adrese bildirilecektir." % (
                     f["requester"], f["konu"], no, f.get("team", "Bilgi İşlem Daire "
                                                           "Başkanlığı")))
        tab = [("Talep No", no), ("Kategori", f["category"]), ("Birim", f["unit"])]
        desc = None
        t = "%s\n\n%s\n\nTalebinizi izlemek için: %s\n" % (intro, kv_text(tab, 14), url)
    elif v == "reply":
        subj = bys_subject(style, no, "Talebinize yanıt verildi")
        intro = "%s numaralı talebinize %s tarafından yanıt verildi:" % (
            no, f["agent"])
        tab = [("Talep No", no), ("Konu", f["konu"]), ("Durum", f["status"])]
        desc = f["answer"]
        t = "%s\n\n%s\n\n%s\n\nYanıtlamak için: %s\n" % (intro, desc,
                                                          kv_text(tab, 14), url)
    elif v == "status":
        subj = bys_subject(style, no, "Talep durumu güncellendi: %s" % f["status"])
        intro = "%s numaralı talebinizin durumu \"%s\" olarak güncellenmiştir." % (
            no, f["status"])
        tab = [("Talep No", no), ("Konu", f["konu"]), ("Atanan", f.get("agent", "-"))]
        desc = None
        t = "%s\n\n%s\n\n%s\n" % (intro, kv_text(tab, 14), url)
    else:
        subj = bys_subject(style, no, "Talebiniz kapatıldı")
        intro = ("%s numaralı \"%s\" konulu talebiniz çözüldü olarak "
                 "kapatılmıştır. Çözümden memnun kalmadıysanız talebi 7 gün içinde "
                 "yeniden açabilirsiniz." % (no, f["konu"]))
        tab = [("Talep No", no), ("Kapatan", f.get("agent", "-")),
               ("Çözüm", f.get("answer", "-"))]
        desc = None
        t = "%s\n\n%s\n\nAnket: %s/anket\n" % (intro, kv_text(tab, 14), url)
    t += "\n--\nBYS Destek Talep Sistemi\nÖrnek Üniversitesi Bilgi İşlem Daire Başkanlığı\n" \
         "Bu ileti otomatik olarak oluşturulmuştur."
    h = ('<html><head><meta charset="utf-8"></head><body style="font-family:'
         'Segoe UI,Arial;font-size:14px"><div style="background:#1f4e79;color:#fff;'
         'padding:8px 12px"><b>BYS Destek Talep Sistemi</b></div><p>%s</p>'
         '<table cellpadding="4" style="border-collapse:collapse">%s</table>%s'
         '<p><a href="%s">Talebi görüntüle</a></p><hr><small>Bu ileti otomatik '
         'olarak oluşturulmuştur.</small></body></html>' % (
             esc(intro).replace("\n", "<br>"), "".join(
                 '<tr><td style="border-bottom:1px solid #ddd"><b>%s</b></td>'
                 '<td style="border-bottom:1px solid #ddd">%s</td></tr>' % (
                     esc(k), esc(v_)) for k, v_ in tab),
             ("<p><b>Açıklama:</b><br>%s</p>" % esc(desc).replace("\n", "<br>")
              if desc else ""), url))
    return subj, t, h


def bys_build(rng, fmt, subj, text, html, to, cc, date, reply_to=None,
              refs=None):
    """fmt: phpmailer (multipart, UTF-8 QP), legacy (text/plain
    windows-1254 base64, ASCII subject), htmlonly (text/html 8bit)."""
    if fmt == "phpmailer":
        b = "b1_" + mw.alnum(rng, 43)
        root = Part([("Content-Type", 'multipart/alternative;\r\n boundary="%s"' % b)],
                    parts=[mw.leaf_text(text + "\n", "plain", "utf-8", "quoted-printable",
                                        "text/plain; charset=utf-8"),
                           mw.leaf_text(html, "html", "utf-8", "quoted-printable",
                                        "text/html; charset=utf-8")],
                    boundary=b, preamble="This is a multi-part message in MIME format.")
        mid = "<%s@bys.ornekuni.edu.tr>" % mw.alnum(rng, 43)
        mailer = "PHPMailer 6.9.1 (https://github.com/PHPMailer/PHPMailer)"
        subj_f = mw.text_field("Subject", subj, "utf-8", "Q", "whole")
    elif fmt == "legacy":
        root = mw.leaf_text(mw.ascii_fold(text) + "\n" if rng.random() < 0.3 else text + "\n",
                            "plain", "windows-1254", "base64",
                            "text/plain; charset=windows-1254")
        mid = "<BYS.%s.%s@bys.ornekuni.edu.tr>" % (mw.hexid(rng, 8).upper(),
                                                    mw.hexid(rng, 6).upper())
        mailer = "BYS Bildirim 2.4 (.NET)"
        subj_f = mw.text_field("Subject", mw.ascii_fold(subj), "windows-1254", "B")
    else:
        root = mw.leaf_text(html, "html", "utf-8", "8bit", "text/html; charset=UTF-8")
        mid = "<%s.%d@bys.ornekuni.edu.tr>" % (mw.hexid(rng, 16), int(date.timestamp()))
        mailer = None
        subj_f = mw.text_field("Subject", subj, "UTF-8", "B", "whole")
    hdrs = [("Date", mw.rfc_date(date, "pad"))]
    hdrs.append(("To", mw.address_field("To", [mw.address(n, a, "utf-8", "Q")
                                               for n, a in to])))
    if cc:
        hdrs.append(("Cc", mw.address_field("Cc", [mw.address(n, a, "utf-8", "Q")
                                                   for n, a in cc])))
    hdrs.append(("From", mw.address(BYS[0], BYS[1], "utf-8", "Q")))
    hdrs.append(("Reply-To", reply_to or BYS[1]))
    hdrs.append(("Subject", subj_f))
    hdrs.append(("Message-ID", mid))
    if refs:
        hdrs.append(("In-Reply-To", refs))
        hdrs.append(("References", refs))
    if mailer:
        hdrs.append(("X-Mailer", mailer))
    hdrs.append(("Auto-Submitted", "auto-generated"))
    hdrs.append(("X-Auto-Response-Suppress", "All"))
    hdrs.append(("MIME-Version", "1.0"))
    hdrs.extend(root.headers)
    root.headers = []
    return hdrs, root


# -- the robot's own mail, as people quote it ----------------------------------

WAIT = {"ack": 0, "form": 2, "sent": 5, "notified": 5, "filled": 3, "wet": 2,
        "shipping": 10, "escalate": 14}


def business_days_before(d, n):
    while n > 0:
        d -= datetime.timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


def robot_text(kind, w, tags, date, rem_no=1):
    """(subject, text) of a mail the robot sent on date; w: the world."""
    cs = [w.cases[t] for t in tags]
    c0 = cs[0]
    req = w.requests[c0.req]
    unit = req.unit
    tk = req.ticket if req.ticket != "-" else None
    mask = lambda c: c.tckn[:3] + "******" + c.tckn[-2:]
    s0 = business_days_before(date.date(), WAIT[kind])
    since = "%02d.%02d.%d" % (s0.day, s0.month, s0.year)
    sig = ("Saygılarımızla,\nBİDB NES Takip Robotu\nBilgi İşlem Daire Başkanlığı\n\n"
           "Bu e-posta otomatik olarak gönderilmiştir. Sorularınız için "
           "bidb@ornekuni.edu.tr adresine yazabilirsiniz.")
    sig_b = "Saygılarımızla,\nBİDB NES Takip Robotu\n\nBu e-posta otomatik olarak gönderilmiştir."
    if kind == "ack":
        s = "[%s] NES yenileme formunuz alındı: %s" % (c0.tag, unit)
        t = ("Sayın Birim Amiri,\n\n%s için gönderdiğiniz Nitelikli Elektronik "
             "Sertifika Yenileme Talep Formu%s alınmıştır. Formdan okunan personel "
             "aşağıdadır:\n\n%s\n\nListede hatalı ya da eksik bir bilgi varsa, "
             "lütfen düzeltilmiş bilgiyi bu iletiyi yanıtlayarak bildiriniz. "
             "Bilgiler doğruysa bir işlem yapmanıza gerek yoktur: form BİDB "
             "tarafından Kamu SM'ye iletilecek ve listedeki personele Kamu SM'den "
             "bilgilendirme e-postası gelecektir.\n\n%s" % (
                 unit, " (%s numaralı talep)" % tk if tk else "",
                 "\n".join("  - %s, T.C. Kimlik No: %s, %s, %s [%s]" % (
                     c.name, mask(c), c.title, c.email, c.tag) for c in cs), sig))
    elif kind == "form":
        s = "[%s] NES formu Kamu SM'ye gönderilmeyi bekliyor: %s" % (c0.tag, unit)
        t = ("Sayın BİDB NES Sorumlusu,\n\n%s biriminden%s gelen Nitelikli "
             "Elektronik Sertifika Yenileme Talep Formu, %s tarihinden bu yana "
             "(%d iş günü) Kamu SM'ye gönderilmeyi beklemektedir.\n\nFormdaki "
             "personel:\n%s\n\nFormun Kamu SM sisteminde e-imza ile imzalanarak "
             "Kamu SM'ye e-posta ile gönderilmesini rica ederiz. Gönderim "
             "e-postanızda nesrobot@ornekuni.edu.tr adresini bilgi (CC) olarak "
             "eklemeniz ya da konu satırında %s etiketini kullanmanız, kaydın "
             "kendiliğinden güncellenmesini sağlar.\n\nBu, bu konudaki %d. "
             "hatırlatmadır.\n\n%s" % (
                 unit, " (%s numaralı talep)" % tk if tk else "", since, 2,
                 "\n".join("  - %s (T.C. Kimlik No: %s) [%s]" % (c.name, mask(c), c.tag)
                           for c in cs), c0.tag, rem_no, sig_b))
    elif kind == "sent":
        s = "[%s] Kamu SM bildirimi görülmedi: %s NES başvurusu" % (c0.tag, unit)
        t = ("Sayın BİDB NES Sorumlusu,\n\n%s birimine ait%s NES yenileme formu %s "
             "tarihinde Kamu SM'ye gönderilmiştir. Aradan geçen 5 iş günü içinde "
             "Kamu SM'nin personele gönderdiği bilgilendirme e-postası "
             "görülmemiştir.\n\nBilgilendirme beklenen personel:\n%s\n\nKamu SM "
             "ile iletişime geçerek başvurunun durumunu takip etmenizi rica "
             "ederiz.\n\nBu, bu konudaki 1. hatırlatmadır.\n\n%s" % (
                 unit, " %s numaralı talebin" % tk if tk else "", since,
                 "\n".join("  - %s (T.C. Kimlik No: %s) [%s]" % (c.name, mask(c), c.tag)
                           for c in cs), sig_b))
    elif kind == "notified":
        s = "[%s] NES yenileme: Kamu SM başvurunuzu doldurmanız bekleniyor" % c0.tag
        t = ("Sayın %s,\n\nKurumumuz tarafından adınıza Nitelikli Elektronik "
             "Sertifika (NES) yenileme başvurusu yapılmış ve Kamu SM size bir "
             "bilgilendirme e-postası göndermiştir. %s tarihinden bu yana (5 iş "
             "günü) başvurunuzun Kamu SM'nin internet sitesinde doldurulmasını "
             "beklemekteyiz.\n\nBaşvurunuzu şu adımlarla doldurabilirsiniz:\n\n"
             "  1. Kamu SM'nin internet sitesinde \"Online İşlemler\" sayfasına "
             "giriniz.\n  2. \"NES\" altında \"Bireysel İşlemler\" bölümünü "
             "seçiniz.\n  3. \"Başvuru İşlemleri\" adımında başvuru formunuzu "
             "doldurunuz.\n\nBaşvurunuzu doldurduğunuzda Kamu SM size bir e-posta "
             "gönderecek ve başvurunuzu nasıl onaylayacağınız konusunda ayrıca "
             "bilgilendirileceksiniz.\n\nBaşvurunuzu doldurduysanız bu iletiyi "
             "dikkate almayınız. Bir sorun yaşıyorsanız bu iletiyi yanıtlayarak "
             "bize bildirebilirsiniz.\n\nBu, bu konudaki %d. hatırlatmadır.\n\n%s"
             % (c0.name, since, rem_no, sig))
    elif kind == "filled":
        s = "[%s] NES yenileme: başvurunuzu onaylamanız bekleniyor" % c0.tag
        t = ("Sayın %s,\n\nKamu SM'nin internet sitesinde doldurduğunuz Nitelikli "
             "Elektronik Sertifika (NES) başvurunuz, %s tarihinden bu yana (3 iş "
             "günü) onayınızı beklemektedir. Sertifikanızın üretilebilmesi için "
             "başvurunuzu aşağıdaki üç yoldan biriyle onaylamanız gerekmektedir:"
             "\n\n  1. e-Onay: Daha önce Kamu SM sistemlerinde e-imzanızla bir "
             "defaya mahsus e-Onay izni verdiyseniz, başvurunuzu Kamu SM'nin "
             "\"Online İşlemler\" sayfasında e-Onay ile onaylayabilirsiniz.\n\n"
             "  2. e-İmza: Süresi henüz dolmamış bir e-imzanız varsa, başvurunuzu "
             "\"Online İşlemler\" sayfasında e-imzanızla imzalayarak "
             "onaylayabilirsiniz.\n\n  3. Islak imza: İlk iki yol size uygun "
             "değilse, başvuru formunu \"Online İşlemler\" sayfasından yazdırıp "
             "elle imzalayınız ve Yazı İşleri ve Arşiv Şube Müdürlüğü'ne "
             "gönderiniz. Formlar oradan Kamu SM'ye kargo ile gönderilecektir.\n\n"
             "Onayladıktan sonra, hangi yolla onayladığınızı (örneğin \"e-Onay ile "
             "onayladım\", \"e-İmza ile onayladım\" ya da \"ıslak imzalı formu Yazı "
             "İşleri'ne gönderdim\") bu iletiyi yanıtlayarak bildirmenizi rica "
             "ederiz. Yanıtınızda konu satırındaki %s etiketini lütfen "
             "silmeyiniz.\n\nBaşvurunuzu onayladıysanız ve bunu bildirdiyseniz bu "
             "iletiyi dikkate almayınız.\n\nBu, bu konudaki %d. hatırlatmadır.\n\n%s"
             % (c0.name, since, c0.tag, rem_no, sig))
    elif kind == "wet":
        s = "NES yenileme: kargo ile gönderilmeyi bekleyen ıslak imzalı başvuru formları"
        t = ("Sayın Yazı İşleri ve Arşiv Şube Müdürlüğü Yetkilisi,\n\nAşağıdaki "
             "personel, Nitelikli Elektronik Sertifika (NES) başvurusunu ıslak imza "
             "ile onaylamayı seçmiştir. Islak imzalı başvuru formlarının Kamu SM'ye "
             "kargo ile gönderildiğine dair henüz bir bilgi almadık:\n\n%s\n\nSize "
             "ulaşan formların Kamu SM'ye kargo ile gönderilmesini; gönderimden "
             "sonra da kargo firmasını ve kargo takip numarasını, formları "
             "gönderilen kişilerin adlarıyla birlikte bu iletiyi yanıtlayarak "
             "bildirmenizi rica ederiz. Henüz size ulaşmamış bir form varsa bunu "
             "da yanıtınızda belirtebilirsiniz.\n\nBu, bu konudaki %d. "
             "hatırlatmadır.\n\n%s" % (
                 "\n".join("  - %s, %s: %s tarihinden beri (2 iş günü) [%s]"
                           % (c.name, w.requests[c.req].unit, since, c.tag) for c in cs),
                 rem_no, sig))
    elif kind == "shipping":
        s = "[%s] NES sertifika gönderimi görülmedi: %s" % (c0.tag, c0.name)
        t = ("Sayın BİDB NES Sorumlusu,\n\n%s biriminden %s (T.C. Kimlik No: %s) "
             "için yapılan NES yenileme başvurusu %s tarihinde \"%s\" aşamasına "
             "ulaşmıştır. Aradan geçen 10 iş günü içinde Kamu SM'nin sertifikayı "
             "kurye ile gönderdiğine dair bir bildirim görülmemiştir.\n\nKamu SM "
             "ile iletişime geçerek sertifikanın durumunu takip etmenizi rica "
             "ederiz.\n\nBu, bu konudaki 1. hatırlatmadır.\n\n%s" % (
                 unit, c0.name, mask(c0), since, "Onaylandı", sig_b))
    else:
        s = "[%s] NES yenileme ilerlemiyor: %s (3 hatırlatma yanıtsız)" % (c0.tag, c0.name)
        t = ("Sayın BİDB NES Sorumlusu,\n\nAşağıdaki NES yenileme kaydı, gönderilen "
             "3 hatırlatmaya rağmen ilerlememiştir. Bu adım için ilgili kişiye "
             "artık otomatik hatırlatma gönderilmeyecektir; takibini sizin "
             "yapmanızı rica ederiz.\n\n  Kayıt:           %s\n  Personel:        "
             "%s (T.C. Kimlik No: %s)\n  Birim:           %s\n%s  Bekleyen adım:   "
             "Başvuru onayı\n  Bekleyen taraf:  Personel <%s>\n  Bu adımda:       "
             "%s tarihinden beri (14 iş günü)\n\n%s" % (
                 c0.tag, c0.name, mask(c0), unit,
                 "  Talep No:        %s\n" % tk if tk else "", c0.email, since, sig_b))
    return s, t


# -- daemons and vacation messages ----------------------------------------------

def bounce(rng, date, orig_raw, orig_from, bad_rcpt, reason, host=MX):
    """A Postfix delivery status notification (RFC 3464)."""
    b = "%s.%d/%s" % (qid(rng)[:10], int(date.timestamp()), host)
    text = ("This is the mail system at host %s.\n\nI'm sorry to have to inform "
            "you that your message could not\nbe delivered to one or more "
            "recipients. It's attached below.\n\nFor further assistance, please "
            "send mail to postmaster.\n\nIf you do so, please include this problem "
            "report. You can\ndelete your own text from the attached returned "
            "message.\n\n                   The mail system\n\n<%s>: %s\n" % (
                host, bad_rcpt, reason))
    status = ("Reporting-MTA: dns; %s\nX-Postfix-Queue-ID: %s\nX-Postfix-Sender: "
              "rfc822; %s\nArrival-Date: %s\n\nFinal-Recipient: rfc822; %s\n"
              "Original-Recipient: rfc822;%s\nAction: failed\nStatus: 5.1.1\n"
              "Diagnostic-Code: smtp; %s\n" % (
                  host, qid(rng)[:10], orig_from, mw.rfc_date(date, "postfix"),
                  bad_rcpt, bad_rcpt, reason))
    parts = [
        Part([("Content-Description", "Notification"),
              ("Content-Type", "text/plain; charset=us-ascii")],
             mw.encode_body(text.encode(), "7bit")),
        Part([("Content-Description", "Delivery report"),
              ("Content-Type", "message/delivery-status")],
             mw.encode_body(status.encode(), "7bit")),
        Part([("Content-Description", "Undelivered Message"),
              ("Content-Type", "message/rfc822"),
              ("Content-Transfer-Encoding", "8bit")], orig_raw),
    ]
    root = Part([], parts=parts, boundary=b,
                preamble="This is a MIME-encapsulated message.")
    hdrs = [("Date", mw.rfc_date(date, "postfix")),
            ("From", "MAILER-DAEMON@%s (Mail Delivery System)" % host),
            ("Subject", "Undelivered Mail Returned to Sender"),
            ("To", orig_from), ("Auto-Submitted", "auto-replied"),
            ("MIME-Version", "1.0"),
            ("Content-Type", 'multipart/report; report-type=delivery-status;\r\n'
             '\tboundary="%s"' % b),
            ("Content-Transfer-Encoding", "8bit"),
            ("Message-Id", "<%s@%s>" % (qid(rng), host))]
    return hdrs, root


def stamp_on_top(raw):
    """The mx writes its Authentication-Results above its own Received
    (RFC 8601 section 5: at the top, where the sender cannot have put it);
    the robot counts only a stamp placed there.  Moves the mx's stamp that
    directly follows the mx's Received above it; other layouts (the
    forgeries' stamps further down) are left as written."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = raw.partition(b"\n\n")
    nl = b"\r\n" if sep == b"\r\n\r\n" else b"\n"
    fields = []
    for line in head.split(nl):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += nl + line
        else:
            fields.append(line)
    for i, f in enumerate(fields):
        low = f.lower()
        if low.startswith(b"x-corpus-"):
            continue
        if (low.startswith(b"received:") and b"by " + MX.encode() in low
                and i + 1 < len(fields) and fields[i + 1].lower().startswith(
                    b"authentication-results: " + MX.encode() + b";")):
            fields[i], fields[i + 1] = fields[i + 1], fields[i]
        break
    return nl.join(fields) + sep + body
