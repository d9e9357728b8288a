#!/usr/bin/env python3
"""Checks that the modules of robot/ include one another by layers.

    tests/layers.py [TREE]

The layers are the table of the README's "Module map" section: a row
"| N | mod, mod, ... | ... |" puts those modules in layer N.  A file
robot/X.c or robot/X.h belongs to the module of the longest name M in the
table with X = M or X starting with "M_" (cases_find.c and cases_int.h
are module cases).  Every `#include "h"` of robot/*.c and robot/*.h must
name a header of robot/ whose module is the file's own or of a strictly
lower layer: two modules of one layer never include each other, so the
includes have no circle.  The violations known today are KNOWN below;
each is allowed only for the one file and header it names, and one that
no longer occurs fails too, so that it is taken out.  Prints every
problem, and "layers: ok" or "layers: N problems"; exits 1 on any."""

import os
import re
import sys

# KNOWN EXCEPTIONS: (file, header included) -> why it is there today.
# Remove a line when its include goes; add none without a plan to.
KNOWN = {
}

ROW = re.compile(r"^\|\s*(\d+)\s*\|([^|]*)\|")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def read_layers(readme):
    """{module: layer} from the README's "## Module map" section."""
    layers = {}
    inside = False
    with open(readme, encoding="utf-8") as f:
        for line in f:
            if line.startswith("## "):
                inside = line.strip() == "## Module map"
                continue
            m = ROW.match(line) if inside else None
            if not m:
                continue
            for mod in re.findall(r"[a-z0-9_]+", m.group(2)):
                if mod in layers:
                    raise SystemExit("README: module %s is in two layers"
                                     % mod)
                layers[mod] = int(m.group(1))
    if not layers:
        raise SystemExit("README: no \"## Module map\" table")
    return layers


def module_of(stem, layers):
    best = None
    for mod in layers:
        if (stem == mod or stem.startswith(mod + "_")) and \
                (best is None or len(mod) > len(best)):
            best = mod
    return best


def main():
    tree = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    layers = read_layers(os.path.join(tree, "README.md"))
    src = os.path.join(tree, "robot")
    files = sorted(f for f in os.listdir(src)
                   if f.endswith(".c") or f.endswith(".h"))
    problems = []
    seen = set()
    for name in files:
        mod = module_of(name[:-2], layers)
        if mod is None:
            problems.append("robot/%s: its module is in no layer of the "
                            "README's module map" % name)
            continue
        with open(os.path.join(src, name), encoding="utf-8") as f:
            text = f.read()
        for hdr in INCLUDE.findall(text):
            if not os.path.exists(os.path.join(src, hdr)):
                problems.append("robot/%s: includes \"%s\", not a header "
                                "of robot/" % (name, hdr))
                continue
            dep = module_of(hdr[:-2], layers)
            if dep is None or dep == mod:
                continue	# reported as the header's own problem
            if layers[dep] < layers[mod]:
                continue
            if (name, hdr) in KNOWN:
                seen.add((name, hdr))
                continue
            problems.append("robot/%s: %s (layer %d) includes %s of %s "
                            "(layer %d)" % (name, mod, layers[mod], hdr,
                                            dep, layers[dep]))
    for (name, hdr) in sorted(set(KNOWN) - seen):
        problems.append("known exception %s -> %s no longer occurs: "
                        "remove it from tests/layers.py" % (name, hdr))
    for p in problems:
        print(p)
    for (name, hdr) in sorted(seen):
        print("known exception: robot/%s includes %s (%s)"
              % (name, hdr, KNOWN[(name, hdr)]))
    if problems:
        print("layers: %d problems" % len(problems))
        return 1
    print("layers: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
