#!/usr/bin/env bash
# test_fuzz.sh: a short fuzzing run in `make test`.  Builds the libFuzzer
# targets of tests/fuzz/ (clang, ASan+UBSan) into $BUILD-fuzz, runs each
# FUZZ_TEST_RUNS times (default 30000, seed 1) from the fixtures, and
# replays every input under tests/fuzz/regressions/.  One "ok - fuzz_X: N runs" line per
# target; the longer run is `make fuzz FUZZ_SECONDS=600`.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}

if ! command -v clang >/dev/null; then
	echo "not ok - clang is installed (make deps)"
	exit 1
fi
if ! make -s BUILD="$BUILD" fuzz-build >"${TMPDIR:-/tmp}/fuzz-build.$$" 2>&1
then
	echo "not ok - fuzz targets build"
	tail -n 20 "${TMPDIR:-/tmp}/fuzz-build.$$" | sed 's/^/#   /'
	rm -f "${TMPDIR:-/tmp}/fuzz-build.$$"
	exit 1
fi
rm -f "${TMPDIR:-/tmp}/fuzz-build.$$"
echo "ok - fuzz targets build"
# A fixed number of runs with a fixed seed: the same inputs on every
# machine, so the suite's verdict does not depend on its speed.
FUZZ_RUNS=${FUZZ_TEST_RUNS:-30000} tests/fuzz/run "$BUILD-fuzz"
