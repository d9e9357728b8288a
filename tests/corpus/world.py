"""world.tsv read back, and what the messages need to know beyond it:
how each unit is written in different places, who writes for it,
people's genders (for "Ayşe Hanım"), and a pool of new people for forms
that create cases."""

import datetime
import os

from mimewrite import ascii_fold, tr_lower

TZ = datetime.timezone(datetime.timedelta(hours=3))
START = datetime.datetime(2026, 10, 15, 8, 0, tzinfo=TZ)
DOMAIN = "ornekuni.edu.tr"

STEPS = ["ticket_opened", "form_received", "sent_to_kamusm", "kamusm_notified",
         "application_filled", "approved", "cargo_shipped",
         "certificate_shipped", "closed"]
OUTCOMES = ["applied", "unplaced", "quarantined", "ignored", "awaiting"]


def tckn_ok(s):
    if len(s) != 11 or not s.isdigit() or s[0] == "0":
        return False
    d = [int(c) for c in s]
    if (7 * (d[0] + d[2] + d[4] + d[6] + d[8]) - (d[1] + d[3] + d[5] + d[7])) % 10 != d[9]:
        return False
    return sum(d[:10]) % 10 == d[10]


def make_tckn(rng):
    d = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
    d.append((7 * (d[0] + d[2] + d[4] + d[6] + d[8]) - (d[1] + d[3] + d[5] + d[7])) % 10)
    d.append(sum(d) % 10)
    return "".join(map(str, d))


class Request:
    def __init__(self, key, ticket, unit, head, opened):
        self.key = key
        self.ticket = ticket
        self.unit = unit
        self.head = head
        self.opened = opened
        self.cases = []


class Case:
    def __init__(self, tag, req, name, tckn, email, title, step, since):
        self.tag = tag
        self.req = req
        self.name = name
        self.tckn = tckn
        self.email = email
        self.title = title
        self.step = step
        self.since = since

    @property
    def first(self):
        return self.name.rsplit(" ", 1)[0]

    @property
    def last(self):
        return self.name.rsplit(" ", 1)[1]


class RobotMail:
    def __init__(self, mid, kind, to, tags):
        self.mid = mid
        self.kind = kind
        self.to = to
        self.tags = tags
        y, m, d = int(mid[1:5]), int(mid[5:7]), int(mid[7:9])
        self.date = datetime.datetime(y, m, d, 9, 0, 12, tzinfo=TZ)


def day(s):
    y, m, d = map(int, s.split("-"))
    return datetime.date(y, m, d)


class World:
    def __init__(self, path):
        self.requests = {}
        self.cases = {}
        self.robot_mail = {}
        self.now = None
        with open(path, encoding="utf-8") as f:
            for ln in f:
                ln = ln.rstrip("\n")
                if not ln or ln.startswith("#"):
                    continue
                r = ln.split("\t")
                if r[0] == "now":
                    self.now = datetime.datetime.fromisoformat(r[1])
                elif r[0] == "request":
                    self.requests[r[1]] = Request(r[1], r[2], r[3], r[4], day(r[5]))
                elif r[0] == "case":
                    c = Case(r[1], r[2], r[3], r[4], r[5], r[6], r[7], day(r[8]))
                    self.cases[c.tag] = c
                    self.requests[c.req].cases.append(c)
                elif r[0] == "robot_mail":
                    m = RobotMail(r[1], r[2], r[3], r[4].split(","))
                    self.robot_mail[m.mid] = m
                else:
                    raise ValueError("%s: unknown record %r" % (path, r[0]))

    def by_ticket(self, t):
        for r in self.requests.values():
            if r.ticket == t:
                return r
        return None


# Which template each robot mail of world.tsv was rendered from.
ROBOT_TMPL = {
    "ack": "ack", "rem.1": "form", "rem.2": "form", "rem.3": "sent",
    "rem.4": "notified", "rem.5": "notified", "rem.6": "notified",
    "rem.7": "notified", "rem.8": "notified",
    "rem.19": "wet", "rem.20": "wet", "rem.21": "wet",
    "rem.22": "shipping", "rem.23": "shipping", "rem.24": "shipping",
    "rem.25": "shipping", "rem.26": "shipping", "esc": "escalate",
}
for _i in range(9, 19):
    ROBOT_TMPL["rem.%d" % _i] = "filled"


def robot_tmpl(mid):
    k = mid.split("@")[0].split(".", 1)[1]
    if k.startswith("ack"):
        return "ack"
    if k.startswith("esc"):
        return "escalate"
    return ROBOT_TMPL[k]


# How each unit is written here and there.
UNIT_NAMES = {
    "R1": ["Mühendislik Fakültesi", "Müh. Fak.", "Mühendislik Fak.",
           "MÜHENDİSLİK FAKÜLTESİ", "Muhendislik Fakultesi",
           "Mühendislik Fakültesi Dekanlığı"],
    "R2": ["Fen Edebiyat Fakültesi", "FEF", "Fen-Edebiyat Fakültesi",
           "Fen ve Edebiyat Fak.", "FEN EDEBİYAT FAKÜLTESİ"],
    "R3": ["İktisadi ve İdari Bilimler Fakültesi", "İİBF", "IIBF",
           "İkt. ve İd. Bil. Fak.", "İKTİSADİ VE İDARİ BİLİMLER FAKÜLTESİ"],
    "R4": ["Teknik Bilimler Meslek Yüksekokulu", "Teknik Bilimler MYO", "TBMYO",
           "Teknik Bilimler M.Y.O."],
    "R5": ["Sağlık Hizmetleri Meslek Yüksekokulu", "SHMYO",
           "Sağlık Hizmetleri MYO", "Sağlık Hiz. MYO"],
    "R6": ["Personel Daire Başkanlığı", "Rektörlük Personel Daire Başkanlığı",
           "PDB", "Personel Dairesi Başkanlığı"],
    "R7": ["Tıp Fakültesi", "Tıp Fak.", "TIP FAKÜLTESİ", "Tıp Fakültesi Dekanlığı"],
    "R8": ["Strateji Geliştirme Daire Başkanlığı", "SGDB", "Strateji Daire Bşk.",
           "Strateji Geliştirme Dairesi Başkanlığı"],
    "R9": ["Eğitim Fakültesi", "Eğitim Fak.", "Eğitim Fakültesi Dekanlığı",
           "EĞİTİM FAKÜLTESİ"],
    "R10": ["Hukuk Fakültesi", "Hukuk Fak.", "Hukuk Fakültesi Dekanlığı"],
    "R11": ["Sosyal Bilimler Meslek Yüksekokulu", "Sosyal Bilimler MYO", "SBMYO"],
}

# Departments, for signatures and the form's Birim column.
DEPTS = {
    "R1": ["Bilgisayar Mühendisliği Bölümü", "İnşaat Mühendisliği Bölümü",
           "Elektrik-Elektronik Mühendisliği Bölümü", "Dekanlık"],
    "R2": ["Matematik Bölümü", "Fizik Bölümü", "Tarih Bölümü",
           "Türk Dili ve Edebiyatı Bölümü"],
    "R3": ["İktisat Bölümü", "İşletme Bölümü", "Kamu Yönetimi Bölümü"],
    "R4": ["Bilgisayar Teknolojileri Bölümü", "Elektronik ve Otomasyon Bölümü"],
    "R5": ["Tıbbi Hizmetler ve Teknikler Bölümü", "Sağlık Bakım Hizmetleri Bölümü"],
    "R6": ["Akademik Personel Şube Müdürlüğü", "İdari Personel Şube Müdürlüğü"],
    "R7": ["İç Hastalıkları Anabilim Dalı", "Genel Cerrahi Anabilim Dalı",
           "Biyokimya Anabilim Dalı"],
    "R8": ["Bütçe ve Performans Şube Müdürlüğü", "Muhasebe Şube Müdürlüğü"],
    "R9": ["Temel Eğitim Bölümü", "Eğitim Bilimleri Bölümü", "Matematik ve Fen Bilimleri Eğitimi Bölümü"],
    "R10": ["Kamu Hukuku Bölümü", "Özel Hukuk Bölümü"],
    "R11": ["Büro Hizmetleri ve Sekreterlik Bölümü", "Muhasebe ve Vergi Bölümü"],
}

# Who writes for a unit: (display name, title/role, address).  The first
# is the unit head address of world.tsv.
HEADS = {
    "R1": [("Prof. Dr. Hüseyin Öztürk", "Dekan", "dekan.muh@ornekuni.edu.tr"),
           ("Nuray Aksoy", "Fakülte Sekreteri", "nuray.aksoy@ornekuni.edu.tr")],
    "R2": [("FEF Dekanlık", "Dekanlık", "fef.dekanlik@ornekuni.edu.tr"),
           ("Gülşen Aydoğdu", "Fakülte Sekreteri", "gulsen.aydogdu@ornekuni.edu.tr")],
    "R3": [("Prof. Dr. Necati Bozkurt", "Dekan", "iibf.dekanlik@ornekuni.edu.tr"),
           ("Sinan Ertürk", "Fakülte Sekreteri", "sinan.erturk@ornekuni.edu.tr")],
    "R4": [("Dr. Öğr. Üyesi Recep Şahin", "Müdür", "tbmyo@ornekuni.edu.tr"),
           ("Songül Işık", "Yüksekokul Sekreteri", "songul.isik@ornekuni.edu.tr")],
    "R5": [("Doç. Dr. Sibel Karaca", "Müdür", "shmyo@ornekuni.edu.tr")],
    "R6": [("Erdal Yavuz", "Daire Başkanı", "pdb@ornekuni.edu.tr")],
    "R7": [("Prof. Dr. Kemal Altıntaş", "Dekan", "tip.dekanlik@ornekuni.edu.tr"),
           ("Hülya Güven", "Fakülte Sekreteri", "hulya.guven@ornekuni.edu.tr")],
    "R8": [("Strateji Geliştirme Daire Başkanlığı", "Daire Başkanlığı",
            "sgdb@ornekuni.edu.tr")],
    "R9": [("Prof. Dr. Filiz Öztürk", "Dekan V.", "egitim.dekanlik@ornekuni.edu.tr"),
           ("Ercan Bayram", "Fakülte Sekreteri", "ercan.bayram@ornekuni.edu.tr")],
    "R10": [("Hukuk Fakültesi Dekanlığı", "Dekanlık", "hukuk.dekanlik@ornekuni.edu.tr"),
            ("Murat Demirci", "Fakülte Sekreteri", "murat.demirci@ornekuni.edu.tr")],
    "R11": [("Öğr. Gör. Dr. Sinan Kaplan", "Müdür", "sbmyo@ornekuni.edu.tr")],
}

# Units with no request in world.tsv: (unit, head name, role, address,
# departments).  Tickets and forms of these create new requests.
NEW_UNITS = [
    ("Ziraat Fakültesi", "Prof. Dr. Cengiz Tekin", "Dekan", "ziraat.dekanlik@ornekuni.edu.tr",
     ["Bahçe Bitkileri Bölümü", "Tarla Bitkileri Bölümü"]),
    ("Güzel Sanatlar Fakültesi", "Doç. Dr. Melike Sönmez", "Dekan V.", "gsf.dekanlik@ornekuni.edu.tr",
     ["Resim Bölümü", "Grafik Tasarım Bölümü"]),
    ("Spor Bilimleri Fakültesi", "Prof. Dr. Tamer Kocabaş", "Dekan", "sbf.dekanlik@ornekuni.edu.tr",
     ["Antrenörlük Eğitimi Bölümü", "Rekreasyon Bölümü"]),
    ("Diş Hekimliği Fakültesi", "Prof. Dr. Nilgün Uysal", "Dekan", "dis.dekanlik@ornekuni.edu.tr",
     ["Ağız, Diş ve Çene Cerrahisi AD", "Ortodonti AD"]),
    ("İlahiyat Fakültesi", "Prof. Dr. Abdullah Çınar", "Dekan", "ilahiyat@ornekuni.edu.tr",
     ["Temel İslam Bilimleri Bölümü", "Felsefe ve Din Bilimleri Bölümü"]),
    ("Mimarlık Fakültesi", "Doç. Dr. Gizem Oral", "Dekan V.", "mimarlik@ornekuni.edu.tr",
     ["Mimarlık Bölümü", "Şehir ve Bölge Planlama Bölümü"]),
    ("Yabancı Diller Yüksekokulu", "Dr. Öğr. Üyesi Burcu Ateş", "Müdür", "ydyo@ornekuni.edu.tr",
     ["Temel İngilizce Bölümü", "Mütercim-Tercümanlık"]),
    ("Kütüphane ve Dokümantasyon Daire Başkanlığı", "Yılmaz Kahraman", "Daire Başkanı",
     "kddb@ornekuni.edu.tr", ["Teknik Hizmetler Şube Müdürlüğü"]),
    ("Sağlık Kültür ve Spor Daire Başkanlığı", "Nevzat Çolak", "Daire Başkanı",
     "sksdb@ornekuni.edu.tr", ["Kültür Hizmetleri Şube Müdürlüğü"]),
    ("Uzaktan Eğitim Uygulama ve Araştırma Merkezi", "Doç. Dr. Onur Gürbüz", "Müdür",
     "uzem@ornekuni.edu.tr", ["UZEM"]),
    ("Adalet Meslek Yüksekokulu", "Öğr. Gör. Dr. Ferhat Bilgin", "Müdür",
     "adalet.myo@ornekuni.edu.tr", ["Hukuk Bölümü"]),
    ("Turizm Fakültesi", "Prof. Dr. Aslı Kurt", "Dekan", "turizm@ornekuni.edu.tr",
     ["Turizm İşletmeciliği Bölümü", "Gastronomi ve Mutfak Sanatları Bölümü"]),
    ("İletişim Fakültesi", "Prof. Dr. Serdar Akgül", "Dekan", "iletisim@ornekuni.edu.tr",
     ["Gazetecilik Bölümü", "Halkla İlişkiler ve Tanıtım Bölümü"]),
    ("Hemşirelik Fakültesi", "Prof. Dr. Gönül Eren", "Dekan", "hemsirelik@ornekuni.edu.tr",
     ["Hemşirelik Esasları AD", "Halk Sağlığı Hemşireliği AD"]),
    ("Veteriner Fakültesi", "Prof. Dr. İbrahim Yalçın", "Dekan", "veteriner@ornekuni.edu.tr",
     ["Klinik Bilimler Bölümü", "Temel Bilimler Bölümü"]),
    ("Fen Bilimleri Enstitüsü", "Prof. Dr. Kenan Duman", "Müdür", "fbe@ornekuni.edu.tr",
     ["Enstitü Sekreterliği"]),
    ("Sosyal Bilimler Enstitüsü", "Prof. Dr. Zeynep Ekinci", "Müdür", "sbe@ornekuni.edu.tr",
     ["Enstitü Sekreterliği"]),
    ("Hukuk Müşavirliği", "Av. Taner Özer", "Hukuk Müşaviri", "hukukmusavirligi@ornekuni.edu.tr",
     ["Hukuk Müşavirliği"]),
    ("İdari ve Mali İşler Daire Başkanlığı", "Hasan Tuncer", "Daire Başkanı",
     "imid@ornekuni.edu.tr", ["Satın Alma Şube Müdürlüğü", "Tahakkuk Şube Müdürlüğü"]),
    ("Öğrenci İşleri Daire Başkanlığı", "Meral Özbek", "Daire Başkanı", "oidb@ornekuni.edu.tr",
     ["Kayıt Kabul Şube Müdürlüğü", "Mezuniyet Şube Müdürlüğü"]),
    ("Yapı İşleri ve Teknik Daire Başkanlığı", "Mustafa Ateşoğlu", "Daire Başkanı",
     "ytdb@ornekuni.edu.tr", ["Proje Şube Müdürlüğü"]),
    ("Döner Sermaye İşletme Müdürlüğü", "Sevim Altun", "İşletme Müdürü",
     "dosim@ornekuni.edu.tr", ["Döner Sermaye"]),
]

FEMALE = set("""Ayşe Çiğdem Şeyma Ümran Tuğçe Hatice Kübra Özge Pınar Ceren Nurşen Emine
Müge Ilgın Zehra Fatma Nur Aylin Sevgi Derya Ebru İpek Nuray Gülşen Songül Sibel
Hülya Filiz Melike Nilgün Gizem Burcu Aslı Gönül Zeynep Meral Sevim Elif Nermin
Esra Merve Büşra Dilek Gamze Şule Yasemin Berna Tülay Özlem Hande Sinem Gülay
Damla Ebru Neslihan Feride Saadet Leyla Kevser Şükran Nazlı Eda Tuba Selin Melek""".split())


def gender(first):
    return "K" if first.split()[0] in FEMALE else "E"


def hitap(c_or_name):
    """Ayşe Hanım / Mehmet Bey"""
    name = c_or_name if isinstance(c_or_name, str) else c_or_name.name
    first = name.split()[0]
    return "%s %s" % (first, "Hanım" if gender(first) == "K" else "Bey")


FIRST_K = ["Elif", "Esra", "Merve", "Büşra", "Dilek", "Gamze", "Şule", "Yasemin",
           "Berna", "Tülay", "Özlem", "Hande", "Sinem", "Gülay", "Damla", "Neslihan",
           "Feride", "Saadet", "Leyla", "Kevser", "Şükran", "Nazlı", "Eda", "Tuba",
           "Selin", "Melek", "Gül", "Işıl", "Çağla", "Öykü", "Ülkü", "Şebnem"]
FIRST_E = ["Ahmet", "Mustafa", "Emre", "Burak", "Serdar", "Volkan", "Ufuk", "Erkan",
           "Cihan", "Tuncay", "Uğur", "Özgür", "Çağatay", "Doğan", "Ertuğrul", "İlhan",
           "Gürkan", "Şahin", "Ömer", "Ümit", "Fırat", "Halil", "İbrahim", "Koray",
           "Onur", "Alper", "Erdem", "Tarık", "Bülent", "Sinan", "Ilker", "Çetin"]
LAST = ["Yıldız", "Aydın", "Öztürk", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin",
        "Kara", "Koç", "Kurt", "Özkan", "Şimşek", "Polat", "Özdemir", "Erdoğan",
        "Yavuz", "Çakır", "Güler", "Aktaş", "Bozkurt", "Keskin", "Ünal", "Uçar",
        "Karaca", "Tekin", "Şen", "Gündüz", "Işık", "Özer", "Çiftçi", "Bulut",
        "Güneş", "Akın", "Ateş", "Çınar", "Sarı", "Türk", "Yüksel", "Kaplan",
        "Erol", "Ağca", "Tuncer", "Gök", "Sezer", "Ekici", "Uysal", "Öz", "Başaran",
        "Çolak", "Karakaya", "Soylu", "Dağdeviren", "Eğilmez", "Gümüş", "İnan"]
TITLES = ["Prof. Dr.", "Doç. Dr.", "Dr. Öğr. Üyesi", "Dr. Öğr. Üyesi", "Öğr. Gör.",
          "Öğr. Gör.", "Öğr. Gör. Dr.", "Arş. Gör.", "Arş. Gör.", "Arş. Gör. Dr.",
          "Uzman", "Memur", "Şef", "Bilgisayar İşletmeni", "Tekniker"]


def email_local(name, style=0):
    parts = ascii_fold(tr_lower(name)).replace("'", "").split()
    if style == 1 and len(parts) > 1:
        return parts[0][0] + parts[-1]
    if style == 2 and len(parts) > 2:
        return parts[0] + parts[1] + "." + parts[-1]
    return parts[0] + "." + parts[-1]


class Pool:
    """New people for forms: unique names, addresses and T.C. Kimlik Nos,
    none of them in world.tsv."""

    def __init__(self, rng, world):
        self.rng = rng
        self.names = {c.name for c in world.cases.values()}
        self.emails = {c.email for c in world.cases.values()}
        self.tckns = {c.tckn for c in world.cases.values()}

    def person(self, unit, depts):
        rng = self.rng
        while True:
            if rng.random() < 0.5:
                first = rng.choice(FIRST_K)
                if rng.random() < 0.12:
                    first += " " + rng.choice(["Nur", "Gül", "Sena"])
            else:
                first = rng.choice(FIRST_E)
                if rng.random() < 0.12:
                    first = rng.choice(["Mehmet", "Ali", "Hasan"]) + " " + first
            name = "%s %s" % (first, rng.choice(LAST))
            if name in self.names:
                continue
            style = rng.choice([0, 0, 0, 1, 2])
            email = email_local(name, style) + "@" + DOMAIN
            if email in self.emails:
                continue
            t = make_tckn(rng)
            if t in self.tckns:
                continue
            self.names.add(name)
            self.emails.add(email)
            self.tckns.add(t)
            return {"name": name, "tckn": t, "email": email,
                    "title": rng.choice(TITLES),
                    "unit": "%s / %s" % (unit, rng.choice(depts)) if rng.random() < 0.5
                    else unit,
                    "phone": phone(rng)}


def phone(rng):
    n = "5%d%d%07d" % (rng.choice([0, 3, 4, 5]), rng.randrange(10), rng.randrange(10 ** 7))
    style = rng.randrange(4)
    if style == 0:
        return "0%s %s %s %s" % (n[:3], n[3:6], n[6:8], n[8:])
    if style == 1:
        return n
    if style == 2:
        return "+90 %s %s %s" % (n[:3], n[3:6], n[6:])
    return "0 (%s) %s %s %s" % (n[:3], n[3:6], n[6:8], n[8:])


def find_corpus_file(name):
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
