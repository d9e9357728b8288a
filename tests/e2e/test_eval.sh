#!/usr/bin/env bash
# test_eval.sh: the shipped rules on the labelled corpus (tests/corpus/),
# mail written apart from the rules.  The corpus is generated (fixed seed)
# and checked, then `robot rules eval` must pass its thresholds: at least
# 97 % recall and no message moving a case it should not.  The report is
# kept in the log.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot

. tests/lib/check.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/nr-eval.XXXXXX")
trap 'rm -rf "$dir"' EXIT

check "the corpus is generated" python3 tests/corpus/gen.py "$dir"
check "the corpus is well formed (check.py)" python3 tests/corpus/check.py \
    "$dir"
check_eq "it holds at least 250 messages" 1 \
    "$(find "$dir" -name '*.eml' | wc -l | awk '{ print ($1 >= 250) }')"
"$ROBOT" -c "$dir/robot.ini" rules eval "$dir" >"$dir/report" 2>&1
rc=$?
sed 's/^/# /' "$dir/report"
check_eq "rules eval passes (recall >= 97 %, no wrong move)" 0 "$rc"
check "... and says so" grep -q "^rules eval: PASS" "$dir/report"
# The evaluator itself must be able to fail: the same corpus judged
# against rules that know nothing finds every message missed.
mkdir -p "$dir/norules"
printf '[rule nothing]\nstep = note\nfrom = anyone\nsubject = ^$never^\n' \
    >"$dir/norules/none.rules"
cp "$dir/robot.ini" "$dir/norules.ini"
if grep -q '^\[robot\]' "$dir/norules.ini"; then
	sed -i "s|^\[robot\]|[robot]\nrules_dir = $dir/norules|" \
	    "$dir/norules.ini"
else
	printf '[robot]\nrules_dir = %s/norules\n' "$dir" >>"$dir/norules.ini"
fi
"$ROBOT" -c "$dir/norules.ini" rules eval "$dir" >"$dir/report2" 2>&1
check_eq "with rules that know nothing it fails" 1 "$?"
check "... on recall" grep -q "^rules eval: FAIL: recall 0.0%" "$dir/report2"
check_done
