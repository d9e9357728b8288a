#!/usr/bin/env python3
"""genmail.py: a large mailbox for the crash and fault tests.

    genmail.py OUTDIR [COUNT [SEED]]

Writes OUTDIR/0001.eml, 0002.eml, ... (at least COUNT messages, default
300) in the order they are to be appended.  The workflow mail comes from
the fixtures: the four stages of tests/fixtures/story/ in order (their own
Message-IDs), every mail of tests/fixtures/rules/ twice and of
tests/fixtures/mail/ once, each copy under a Message-ID of its own
("crashN." in front of the original).  Generated noise (newsletters,
announcements, auto-replies, mail that mentions NES but belongs to no
case) fills the rest, mixed in between at places drawn from SEED (default
1), so the same SEED gives the same mailbox byte for byte.  Prints the
number of messages written.
"""

import os
import random
import re
import sys

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
FIX = os.path.join(TOP, "tests", "fixtures")

MID_RE = re.compile(rb"^(message-id:[ \t]*<?)", re.I | re.M)


def story():
    """The story's mail in stage order, with its own Message-IDs."""
    import json
    out = []
    for stage in (1, 2, 3, 4):
        exp = os.path.join(FIX, "story", "stage%d.expected.json" % stage)
        with open(exp, encoding="utf-8") as f:
            files = json.load(f)["files"]
        for name in files:
            with open(os.path.join(FIX, "story", "stage%d" % stage, name),
                      "rb") as f:
                out.append(f.read())
    return out


def copies(folder, times, first):
    """Every .eml of folder, times over, each with a new Message-ID."""
    out = []
    names = sorted(n for n in os.listdir(folder) if n.endswith(".eml"))
    for k in range(times):
        for name in names:
            with open(os.path.join(folder, name), "rb") as f:
                raw = f.read()
            tag = b"crash%d." % (first + k)
            raw, n = MID_RE.subn(lambda m: m.group(1) + tag, raw, count=1)
            out.append(raw)
    return out


NOISE_FROM = [
    ("Kütüphane Daire Başkanlığı", "kutuphane@example.edu.tr"),
    ("Sağlık Kültür ve Spor", "sks@example.edu.tr"),
    ("Bülten", "bulten@lists.example.org"),
    ("Kargo Takip", "bildirim@kargo.example.com"),
    ("Öğrenci İşleri", "ogrenci@example.edu.tr"),
    ("Dr. Elif Kaya", "elif.kaya@example.edu.tr"),
]

NOISE_SUBJECTS = [
    "Haftalık duyurular",
    "Kütüphane çalışma saatleri değişikliği",
    "Toplantı daveti: Bölüm kurulu",
    "Gönderiniz yola çıktı",
    "Sınav takvimi güncellendi",
    "Bahar şenliği programı",
    "Re: Ders programı",
    "NES hakkında genel bilgilendirme",
    "e-imza semineri duyurusu",
]


def noise(i, seed, rng):
    name, addr = rng.choice(NOISE_FROM)
    subj = rng.choice(NOISE_SUBJECTS)
    day = 1 + rng.randrange(20)
    hour = 8 + rng.randrange(9)
    minute = rng.randrange(60)
    kind = rng.randrange(10)
    extra = ""
    if kind == 0:
        # An out-of-office answer: automatic mail, never acted on.
        extra = "Auto-Submitted: auto-replied\n"
        subj = "Otomatik yanıt: " + subj
    elif kind == 1:
        extra = "List-Id: <duyuru.lists.example.org>\nPrecedence: bulk\n"
    body = ("Sayın ilgili,\n\n%s konusunda bilginize sunulur.\n"
            "Bu ileti %d numaralı duyurudur; işlem gerekmez.\n\n"
            "İyi çalışmalar.\n%s\n" % (subj, i, name))
    msg = ("From: %s <%s>\n"
           "To: robot@example.edu.tr\n"
           "Subject: %s\n"
           "Date: %s, %02d Dec 2026 %02d:%02d:00 +0300\n"
           "Message-ID: <noise.%d.%d@lists.example.org>\n"
           "%s"
           "MIME-Version: 1.0\n"
           "Content-Type: text/plain; charset=utf-8\n"
           "Content-Transfer-Encoding: 8bit\n"
           "\n%s") % (name, addr, subj,
                      ["Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Mon"]
                      [(day - 1) % 7], day, hour, minute, i, seed, extra,
                      body)
    return msg.replace("\n", "\r\n").encode("utf-8")


def main():
    if len(sys.argv) < 2:
        sys.stderr.write("usage: genmail.py OUTDIR [COUNT [SEED]]\n")
        return 2
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    rng = random.Random(seed)
    work = story()
    work += copies(os.path.join(FIX, "rules"), 2, 1)
    work += copies(os.path.join(FIX, "mail"), 1, 3)
    nnoise = max(0, count - len(work))
    # Noise goes in between the workflow mail; the workflow's own order
    # stays as it is.
    slots = sorted(rng.randrange(len(work) + 1) for _ in range(nnoise))
    msgs = []
    j = 0
    for i, w in enumerate(work):
        while j < nnoise and slots[j] <= i:
            msgs.append(noise(j, seed, rng))
            j += 1
        msgs.append(w)
    while j < nnoise:
        msgs.append(noise(j, seed, rng))
        j += 1
    os.makedirs(out, exist_ok=True)
    for i, m in enumerate(msgs, 1):
        with open(os.path.join(out, "%04d.eml" % i), "wb") as f:
            f.write(m)
    print(len(msgs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
