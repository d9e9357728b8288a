#!/usr/bin/env python3
"""json_check.py: compares `robot status --json` with an expected subset.

	json_check.py EXPECTED ACTUAL			every item of every section
	json_check.py EXPECTED ACTUAL SECTION KEY	one item
	json_check.py EXPECTED ACTUAL --no-extra	no unexpected unplaced or
							quarantined message
	json_check.py --keys EXPECTED SECTION		the item keys, one a line

ACTUAL is a file, or - for standard input.  The expected file holds lists
"requests", "cases" and "unplaced"; each expected item is matched with the
actual item of the same key (requests by ticket, cases by name, unplaced by
message_id) and only the fields it names are compared.  Keys starting with
"_" are comments.  Names are compared in Unicode NFC, message-ids without
angle brackets, and a number equals its decimal string ("48213" == 48213).

An expected unplaced item whose outcome is "ignored" may be missing from
the actual list: the status command may leave automatic mail out.  Any
other difference is printed, one line each, and the exit code is 1 (2 for
bad input).
"""

import json
import sys
import unicodedata

SECTIONS = {"requests": "ticket", "cases": "name", "unplaced": "message_id"}


def norm(section, key, v):
	if v is None or isinstance(v, bool):
		return v
	if isinstance(v, (int, float)):
		v = str(v)
	if isinstance(v, str):
		v = unicodedata.normalize("NFC", v.strip())
		if key == "message_id":
			v = v.strip("<>")
	return v


def index(section, items, what):
	key = SECTIONS[section]
	out = {}
	if not isinstance(items, list):
		raise ValueError("%s: \"%s\" is not a list" % (what, section))
	for it in items:
		if not isinstance(it, dict):
			raise ValueError("%s: an item of \"%s\" is not an object" %
			    (what, section))
		k = norm(section, key, it.get(key))
		if k is not None:
			out.setdefault(k, it)
	return out


def show(v):
	return json.dumps(v, ensure_ascii=False)


def compare_item(section, k, exp, act, problems):
	label = "%s[%s]" % (section, show(k))
	if act is None:
		if section == "unplaced" and exp.get("outcome") == "ignored":
			return
		problems.append("%s: missing (expected %s)" % (label,
		    show({f: v for f, v in exp.items()
		    if not f.startswith("_")})))
		return
	for f, want in exp.items():
		if f.startswith("_"):
			continue
		if f not in act:
			problems.append("%s.%s: field missing (expected %s)" %
			    (label, f, show(want)))
			continue
		got = act[f]
		if norm(section, f, want) != norm(section, f, got):
			problems.append("%s.%s: expected %s, got %s" % (label, f,
			    show(want), show(got)))


def load(path):
	try:
		if path == "-":
			return json.load(sys.stdin)
		with open(path, encoding="utf-8") as f:
			return json.load(f)
	except (OSError, ValueError) as e:
		raise ValueError("%s: %s" % (path, e))


def main(argv):
	if len(argv) == 3 and argv[0] == "--keys":
		exp = load(argv[1])
		sec = argv[2]
		for k in index(sec, exp.get(sec, []), argv[1]):
			print(k)
		return 0
	if len(argv) not in (2, 3, 4):
		print(__doc__.strip(), file=sys.stderr)
		return 2
	exp = load(argv[0])
	act = load(argv[1])
	if not isinstance(act, dict):
		raise ValueError("%s: not a JSON object" % argv[1])
	problems = []
	if len(argv) == 3:
		if argv[2] != "--no-extra":
			print(__doc__.strip(), file=sys.stderr)
			return 2
		want = index("unplaced", exp.get("unplaced", []), argv[0])
		for it in act.get("unplaced", []):
			k = norm("unplaced", "message_id", it.get("message_id"))
			if k in want or it.get("outcome") not in ("unplaced",
			    "quarantined", None):
				continue
			problems.append("unplaced[%s]: not expected: %s" % (show(k),
			    show(it)))
	else:
		sections = [argv[2]] if len(argv) == 4 else list(SECTIONS)
		for sec in sections:
			if sec not in SECTIONS:
				raise ValueError("unknown section " + sec)
			if sec not in act:
				problems.append("%s: missing in the actual output" %
				    sec)
				continue
			e = index(sec, exp.get(sec, []), argv[0])
			a = index(sec, act[sec], argv[1])
			keys = list(e)
			if len(argv) == 4:
				k = norm(sec, SECTIONS[sec], argv[3])
				if k not in e:
					raise ValueError("%s: no %s item %s" %
					    (argv[0], sec, show(k)))
				keys = [k]
			for k in keys:
				compare_item(sec, k, e[k], a.get(k), problems)
	for p in problems:
		print(p)
	return 1 if problems else 0


if __name__ == "__main__":
	try:
		sys.exit(main(sys.argv[1:]))
	except ValueError as e:
		print("json_check: %s" % e, file=sys.stderr)
		sys.exit(2)
