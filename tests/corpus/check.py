#!/usr/bin/env python3
"""Checks the corpus and prints what it covers.

    tests/corpus/check.py [OUTDIR]

Without OUTDIR, runs gen.py into a temporary directory first (twice, to
check that the output does not change).  Every message of OUTDIR/gen and
OUTDIR/hand is parsed with the email package and must have exactly one
valid X-Corpus-Expect naming only what world.tsv holds; world.tsv's
T.C. Kimlik Nos must be valid.  Exits 1 on any problem."""

import collections
import email
import email.errors
import email.header
import email.policy
import email.utils
import filecmp
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from world import HEADS, NEW_UNITS, OUTCOMES, STEPS, World, tckn_ok  # noqa: E402

MX = "mx.ornekuni.edu.tr"
DOMAIN = "ornekuni.edu.tr"
KAMUSM = ("kamusm.gov.tr", "kamusm.bilgem.tubitak.gov.tr")

problems = []


def problem(name, text):
    problems.append("%s: %s" % (name, text))


def parse_expect(value):
    f = {}
    for part in value.split("; "):
        k, sep, v = part.partition("=")
        if not sep:
            raise ValueError("field without '=': %r" % part)
        if k in f:
            raise ValueError("field %s twice" % k)
        f[k.strip()] = v.strip()
    return f


def role(addr, world, unit_heads):
    addr = addr.lower()
    dom = addr.split("@")[-1]
    if dom in KAMUSM:
        return "kamusm"
    if addr == "bys-destek@" + DOMAIN:
        return "bys"
    if addr == "bidb@" + DOMAIN:
        return "bidb"
    if addr == "yaziisleri@" + DOMAIN:
        return "yazi_isleri"
    if addr in unit_heads:
        return "unit_head"
    if addr in {c.email for c in world.cases.values()}:
        return "personnel"
    if addr in ("ahmet.demir@" + DOMAIN, "elif.sahin@" + DOMAIN):
        return "bidb staff (personal)"
    if "mailer-daemon" in addr:
        return "mailer-daemon"
    if dom == DOMAIN:
        return "other internal"
    return "outsider"


def hstr(value):
    """A header value as text; raw 8-bit fields come back as Header."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def decoded(value):
    value = hstr(value)
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except (UnicodeDecodeError, LookupError, email.errors.HeaderParseError):
        return value


def shapes(msg, raw):
    out = set()
    ct = msg.get_content_type()
    out.add("top " + ct)
    subj = decoded(msg.get("Subject", ""))
    raw_subj = re.search(rb"(?mi)^Subject:(.*(?:\r?\n[ \t].*)*)", raw)
    if raw_subj:
        rs = raw_subj.group(1)
        if re.search(rb"=\?[^?]+\?[Bb]\?", rs):
            out.add("subject RFC 2047 B")
        if re.search(rb"=\?[^?]+\?[Qq]\?", rs):
            out.add("subject RFC 2047 Q")
        if re.search(rb"\r?\n[ \t]", rs):
            out.add("subject folded")
        if any(b > 127 for b in rs):
            out.add("subject raw 8-bit")
    if re.search(rb"(?mi)^\s*(file)?name\*(0\*?|)=", raw) or re.search(rb"(?i)filename\*0?\*?=", raw):
        out.add("RFC 2231 file name")
    if msg.get("In-Reply-To"):
        out.add("reply (In-Reply-To)")
    m = re.match(r"\s*(YNT|Ynt|RE|Re|İLT|İlt|FW|Fw|Fwd|FWD)\s*:", subj)
    if m:
        out.add("subject prefix %s:" % m.group(1))
    if msg.get("Auto-Submitted"):
        out.add("Auto-Submitted")
    if msg.get("Precedence"):
        out.add("Precedence")
    if msg.get("DKIM-Signature"):
        out.add("DKIM-Signature")
    for part in msg.walk():
        pct = part.get_content_type()
        if pct == "message/rfc822":
            out.add("message/rfc822 attachment")
            continue
        if part.is_multipart():
            out.add(pct)
            continue
        fn = part.get_filename()
        fn = decoded(fn) if fn else fn
        if fn:
            ext = fn.rsplit(".", 1)[-1].lower() if "." in fn else "?"
            out.add("attachment ." + ext)
        if pct.startswith("image/"):
            out.add("image")
    return out


def text_parts(msg, name):
    """charsets and transfer encodings of the text parts; decoding
    errors are problems."""
    cs, ctes = set(), set()
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        if part.get_filename():
            continue
        declared = part.get_content_charset()
        c = (declared or "us-ascii").lower()
        cs.add(c if declared else "(none declared)")
        ctes.add((part.get("Content-Transfer-Encoding") or "7bit").lower())
        data = part.get_payload(decode=True)
        try:
            data.decode({"windows-1254": "cp1254", "iso-8859-9": "iso8859_9"}.get(c, c))
        except (UnicodeDecodeError, LookupError) as e:
            # a missing charset on 8-bit text is one of the broken shapes
            if declared:
                problem(name, "text part does not decode as %s: %s" % (c, e))
    return cs, ctes


def main(argv):
    if len(argv) > 2:
        sys.stderr.write("usage: check.py [OUTDIR]\n")
        return 2
    tmp = None
    if len(argv) == 2:
        out = argv[1]
    else:
        tmp = tempfile.TemporaryDirectory()
        out = os.path.join(tmp.name, "a")
        again = os.path.join(tmp.name, "b")
        gen = os.path.join(HERE, "gen.py")
        subprocess.run([sys.executable, gen, out], check=True)
        subprocess.run([sys.executable, gen, again], check=True)
        for sub in ("gen", "hand"):
            names = sorted(os.listdir(os.path.join(out, sub)))
            if names != sorted(os.listdir(os.path.join(again, sub))):
                problem("gen.py", "two runs wrote different files in %s/" % sub)
            _, mismatch, errors = filecmp.cmpfiles(os.path.join(out, sub),
                                                    os.path.join(again, sub), names,
                                                    shallow=False)
            for n in mismatch + errors:
                problem("gen.py", "two runs wrote different bytes: %s/%s" % (sub, n))

    world = World(os.path.join(out, "world.tsv"))
    for c in world.cases.values():
        if not tckn_ok(c.tckn):
            problem("world.tsv", "%s: invalid T.C. Kimlik No %s" % (c.tag, c.tckn))
    tickets = {r.ticket for r in world.requests.values() if r.ticket != "-"}
    emails = {c.email for c in world.cases.values()}
    unit_heads = {r.head for r in world.requests.values()}
    unit_heads |= {h[2] for hs in HEADS.values() for h in hs}
    unit_heads |= {u[3] for u in NEW_UNITS}
    # units whose tickets and forms only the hand-written messages carry
    unit_heads |= {"konservatuvar@" + DOMAIN, "sbmyo.sekreterlik@" + DOMAIN,
                   "fbe.sekreter@" + DOMAIN, "bap@" + DOMAIN}
    lo = world.now.timestamp() - 61 * 86400

    count = collections.Counter()
    by = {k: collections.Counter() for k in ("step", "outcome", "role", "client",
                                             "charset", "cte", "shape")}
    by_step_role = collections.Counter()
    by_step_client = collections.defaultdict(collections.Counter)
    case_steps = collections.defaultdict(set)
    case_msgs = collections.Counter()
    mids = {}
    new_seen = {}
    for sub in ("gen", "hand"):
        d = os.path.join(out, sub)
        for fn in sorted(os.listdir(d)):
            if not fn.endswith(".eml"):
                continue
            name = "%s/%s" % (sub, fn)
            raw = open(os.path.join(d, fn), "rb").read()
            msg = email.message_from_bytes(raw, policy=email.policy.compat32)
            count[sub] += 1
            ex = msg.get_all("X-Corpus-Expect") or []
            if len(ex) != 1:
                problem(name, "%d X-Corpus-Expect lines" % len(ex))
                continue
            try:
                f = parse_expect(ex[0])
            except ValueError as e:
                problem(name, str(e))
                continue
            for k in f:
                if k not in ("step", "cases", "ticket", "outcome", "why"):
                    problem(name, "unknown field %s" % k)
            step, outcome = f.get("step"), f.get("outcome")
            if step not in STEPS + ["none"]:
                problem(name, "bad step %r" % step)
            if outcome not in OUTCOMES:
                problem(name, "bad outcome %r" % outcome)
            if not f.get("why"):
                problem(name, "no why=")
            if step != "none" and outcome != "applied":
                problem(name, "a step with outcome %s" % outcome)
            if step == "none" and outcome == "applied":
                problem(name, "step=none with outcome=applied")
            cases = [x for x in f.get("cases", "").split(",") if x]
            for x in cases:
                if x.startswith("new:"):
                    if x in new_seen:
                        problem(name, "%s also created by %s" % (x, new_seen[x]))
                    new_seen[x] = name
                    if step != "form_received":
                        problem(name, "new: outside form_received")
                    if x[4:] in emails:
                        problem(name, "%s is a known person" % x)
                    if x[4:] != x[4:].lower() or "@" not in x:
                        problem(name, "new: address %r not lower case" % x)
                elif x not in world.cases:
                    problem(name, "unknown case %s" % x)
                else:
                    case_msgs[x] += 1
                    if step != "none":
                        case_steps[x].add(step)
            if len(set(cases)) != len(cases):
                problem(name, "a case named twice")
            if step == "ticket_opened":
                if not f.get("ticket") or cases:
                    problem(name, "ticket_opened needs ticket= and no cases")
            elif f.get("ticket"):
                if step != "form_received":
                    problem(name, "ticket= outside ticket_opened/form_received")
                elif f["ticket"] not in tickets:
                    problem(name, "ticket %s not in world.tsv" % f["ticket"])
            if step not in ("ticket_opened", "none") and not cases:
                problem(name, "a step with no cases")
            if outcome == "awaiting":
                irt = (msg.get("In-Reply-To") or "").strip()
                rm = world.robot_mail.get(irt)
                if rm is None:
                    problem(name, "awaiting, but not a reply to a robot mail of world.tsv")
                elif not cases or not set(cases) <= set(rm.tags):
                    problem(name, "awaiting cases are not the robot mail's")
            elif step == "none" and cases:
                problem(name, "cases named for outcome %s" % outcome)
            if len(msg.get_all("X-Corpus-Client") or []) != 1:
                problem(name, "needs one X-Corpus-Client")
            mid = (msg.get("Message-ID") or "").strip()
            if not re.match(r"^<[^<>@\s]+@[^<>@\s]+>$", mid):
                problem(name, "bad Message-ID %r" % mid)
            elif mid in mids:
                problem(name, "Message-ID also in %s" % mids[mid])
            elif mid in world.robot_mail and "nesrobot@" not in hstr(msg.get("From")):
                problem(name, "Message-ID of a robot mail")
            mids[mid] = name
            dt = email.utils.parsedate_to_datetime(msg.get("Date", "")) if msg.get("Date") else None
            if dt is None:
                problem(name, "no Date")
            elif dt.tzinfo is None or not lo <= dt.timestamp() <= world.now.timestamp():
                problem(name, "Date %s outside the two months before now" % msg["Date"])
            names = [k for k, _ in msg.items() if not k.lower().startswith("x-corpus-")]
            top = [v for k, v in msg.items() if not k.lower().startswith("x-corpus-")]
            # The mx's stamp may sit above its Received (RFC 8601: at
            # the top), which is where the robot counts it.
            k = 1 if names and names[0].lower() == "authentication-results" \
                and str(top[0]).strip().startswith(MX + ";") else 0
            if len(names) <= k or names[k].lower() != "received" or "by " + MX not in top[k]:
                problem(name, "first header is not the mx's Received (or its stamp, then it)")
            frm = email.utils.parseaddr(hstr(msg.get("From")))[1]
            r = role(frm, world, unit_heads)
            cs, ctes = text_parts(msg, name)
            by["step"][step] += 1
            by["outcome"][outcome] += 1
            by["role"][r] += 1
            by_step_role[(step, r)] += 1
            by["client"][msg["X-Corpus-Client"]] += 1
            by_step_client[step][msg["X-Corpus-Client"]] += 1
            for c in cs:
                by["charset"][c] += 1
            for c in ctes:
                by["cte"][c] += 1
            for s in shapes(msg, raw):
                by["shape"][s] += 1
            if msg.get("In-Reply-To", "").strip() in world.robot_mail:
                by["shape"]["reply to a robot mail"] += 1

    total = count["gen"] + count["hand"]
    print("messages: %d (generated %d, hand-written %d)" % (total, count["gen"], count["hand"]))
    print()
    print("| step | messages | by sender role |")
    print("| --- | ---: | --- |")
    for s in STEPS + ["none"]:
        roles = ", ".join("%s %d" % (r, n) for (st, r), n in sorted(
            by_step_role.items(), key=lambda x: -x[1]) if st == s)
        print("| %s | %d | %s |" % (s, by["step"][s], roles))
    print()
    print("| step | programs that wrote its messages |")
    print("| --- | --- |")
    for s in STEPS + ["none"]:
        print("| %s | %s |" % (s, ", ".join("%s %d" % (k, n) for k, n in sorted(
            by_step_client[s].items(), key=lambda x: (-x[1], x[0])))))
    for title, key in (("outcome", "outcome"), ("sender role", "role"),
                       ("client or system", "client"), ("text charset", "charset"),
                       ("text transfer encoding", "cte"), ("shape", "shape")):
        print()
        print("| %s | messages |" % title)
        print("| --- | ---: |")
        for k, n in sorted(by[key].items(), key=lambda x: (-x[1], x[0])):
            print("| %s | %d |" % (k, n))
    print()
    low = [t for t in world.cases if len(case_steps[t]) < 2]
    print("cases of world.tsv: each named by %d-%d messages, at %d-%d different steps" % (
        min(case_msgs[t] for t in world.cases), max(case_msgs[t] for t in world.cases),
        min(len(case_steps[t]) for t in world.cases),
        max(len(case_steps[t]) for t in world.cases)))
    if low:
        problem("coverage", "cases named at fewer than two steps: %s" % ", ".join(low))
    for s in STEPS:
        if by["step"][s] < 30:
            problem("coverage", "%s has %d messages, fewer than 30" % (s, by["step"][s]))
    if by["step"]["none"] < 60:
        problem("coverage", "only %d messages move nothing" % by["step"]["none"])
    if count["hand"] < 40:
        problem("coverage", "only %d hand-written messages" % count["hand"])
    if total < 330:
        problem("coverage", "only %d messages" % total)
    if problems:
        print()
        for p in problems:
            print("PROBLEM " + p)
        print("%d problems" % len(problems))
        return 1
    print("no problems")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
