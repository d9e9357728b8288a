#!/usr/bin/env python3
"""man_check.py MANPAGE CFG_C EXAMPLE_INI HELP: does the man page keep up?

Compares the man page's COMMANDS with the command lines of `robot --help`
(HELP, a file holding that output), and the keys of its CONFIGURATION
section (per `.SS "[section]"`, one `.TP` tag each, several keys of a tag
separated by ", ") with the keys of robot/cfg.c's table and of
config.example.ini.  Each must be exactly the other: a key or command
missing from the page, or one the page names that no longer exists.
Prints one problem a line; exits 1 when there is any.
"""
import re
import sys


def roff_args(text):
    """The arguments of a macro line, with roff's double quotes."""
    args, cur, quoted, i, had = [], "", False, 0, False
    while i < len(text):
        c = text[i]
        if quoted:
            if c == '"':
                if text[i + 1:i + 2] == '"':
                    cur += '"'
                    i += 1
                else:
                    quoted = False
            else:
                cur += c
        elif c == '"':
            quoted, had = True, True
        elif c in " \t":
            if cur or had:
                args.append(cur)
            cur, had = "", False
        else:
            cur += c
        i += 1
    if cur or had:
        args.append(cur)
    return args


def plain(text):
    """Roff escapes of a man page's text reduced to what a reader sees."""
    text = re.sub(r"\\f(\[[^]]*\]|.)", "", text)
    text = text.replace("\\-", "-").replace("\\%", "").replace("\\&", "")
    text = text.replace("\\(en", "-")
    return text


def tag_text(line):
    """What a .TP tag line shows."""
    if not line.startswith("."):
        return plain(line).strip()
    macro, _, rest = line[1:].partition(" ")
    args = roff_args(rest)
    if macro in ("B", "I", "SM"):
        return plain(" ".join(args)).strip()
    if re.fullmatch(r"[BIR]{2}", macro):
        return plain("".join(args)).strip()
    return plain(rest).strip()


def man_sections(path):
    """{section: [(subsection, tag text)]} for every .TP of the page."""
    out, sh, ss = {}, None, None
    lines = open(path, encoding="utf-8").read().split("\n")
    for i, line in enumerate(lines):
        if line.startswith(".SH "):
            sh = " ".join(roff_args(line[4:]))
            ss = None
            out.setdefault(sh, [])
        elif line.startswith(".SS "):
            ss = " ".join(roff_args(line[4:]))
        elif line.startswith(".TP") and i + 1 < len(lines) and sh:
            out[sh].append((ss, tag_text(lines[i + 1])))
    return out


def cfg_keys(path):
    """(section, key) of every row of cfg.c's table of keys."""
    src = open(path, encoding="utf-8").read()
    body = src[src.index("keys[] = {"):]
    body = body[:body.index("\n};")]
    keys = set(re.findall(r'\{\s*"([a-z0-9_]+)",\s*"([a-z0-9_]+)"', body))
    # The reminders' day pairs are rows made by a macro.
    keys |= {("reminders", k) for k in re.findall(r"DAYS\(([a-z_]+),", body)}
    return keys


def example_keys(path):
    keys, section = set(), None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"\[([a-z0-9_]+)\]", line)
        if m:
            section = m.group(1)
            continue
        m = re.match(r";?([a-z][a-z0-9_]*)\s*=", line)
        if m and section:
            keys.add((section, m.group(1)))
    return keys


def help_commands(path):
    cmds = set()
    for line in open(path, encoding="utf-8"):
        if re.match(r"  [a-z]", line):
            cmds.add(re.split(r"\s{2,}", line.strip())[0])
    return cmds


def main():
    man, cfg_c, example, help_file = sys.argv[1:5]
    problems = []
    secs = man_sections(man)
    for want in ("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS",
                 "CONFIGURATION", "FILES", "ENVIRONMENT", "EXIT STATUS"):
        if want not in secs:
            problems.append("no section " + want)

    page_cmds = {t for _, t in secs.get("COMMANDS", [])}
    usage = help_commands(help_file)
    if not usage:
        problems.append("no command found in the usage")
    for c in sorted(usage - page_cmds):
        problems.append("command missing from the man page: " + c)
    for c in sorted(page_cmds - usage):
        problems.append("command not in the usage: " + c)

    page_keys = set()
    for ss, tag in secs.get("CONFIGURATION", []):
        m = re.fullmatch(r"\[([a-z0-9_]+)\]", ss or "")
        if not m:
            problems.append("key outside a [section]: " + tag)
            continue
        for k in tag.split(", "):
            if not re.fullmatch(r"[a-z][a-z0-9_]*", k):
                problems.append("not a key name: [%s] %s" % (m.group(1), k))
            page_keys.add((m.group(1), k))
    table = cfg_keys(cfg_c)
    if len(table) < 10:
        problems.append("cfg.c's table not found")
    for s, k in sorted((table | example_keys(example)) - page_keys):
        problems.append("key missing from the man page: %s.%s" % (s, k))
    for s, k in sorted(page_keys - table):
        problems.append("key not in cfg.c: %s.%s" % (s, k))

    env = {t for _, t in secs.get("ENVIRONMENT", [])}
    if "ROBOT_NOW" not in env:
        problems.append("ROBOT_NOW missing from ENVIRONMENT")
    status = {t for _, t in secs.get("EXIT STATUS", [])}
    for code in ("0", "1", "2"):
        if code not in status:
            problems.append("exit status %s missing" % code)

    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
