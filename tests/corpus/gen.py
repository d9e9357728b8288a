#!/usr/bin/env python3
"""Writes the evaluation corpus: OUTDIR/world.tsv, OUTDIR/robot.ini (mode
600), OUTDIR/hand/*.eml (copies
of the hand-written messages) and OUTDIR/gen/NNN-description.eml.

    tests/corpus/gen.py OUTDIR

Python 3 standard library only.  One random.Random(2026) drives every
choice, nothing reads the clock, so two runs write the same bytes."""

import os
import random
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import scenes
import systems  # noqa: E402
from world import World  # noqa: E402


def slug(s):
    s = re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")
    return s[:60]


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: gen.py OUTDIR\n")
        return 2
    out = argv[1]
    world = World(os.path.join(HERE, "world.tsv"))
    rng = random.Random(2026)
    msgs = scenes.Gen(rng, world).run()
    os.makedirs(os.path.join(out, "gen"), exist_ok=True)
    os.makedirs(os.path.join(out, "hand"), exist_ok=True)
    for name in os.listdir(os.path.join(out, "gen")):
        if name.endswith(".eml"):
            os.unlink(os.path.join(out, "gen", name))
    for i, (desc, raw) in enumerate(msgs):
        name = "%03d-%s.eml" % (i + 1, slug(desc))
        with open(os.path.join(out, "gen", name), "wb") as f:
            f.write(systems.stamp_on_top(raw))
    shutil.copyfile(os.path.join(HERE, "world.tsv"), os.path.join(out, "world.tsv"))
    # The config to judge with, private as the robot wants a config that
    # holds a password (a placeholder here): robot -c OUTDIR/robot.ini.
    ini = os.path.join(out, "robot.ini")
    shutil.copyfile(os.path.join(HERE, "robot.ini"), ini)
    os.chmod(ini, 0o600)
    hand = os.path.join(HERE, "hand")
    for name in sorted(os.listdir(hand)):
        if name.endswith(".eml"):
            shutil.copyfile(os.path.join(hand, name), os.path.join(out, "hand", name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
