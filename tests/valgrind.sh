#!/usr/bin/env bash
# Runs the end-to-end story (tests/e2e/test_story.sh) with every robot
# command under valgrind's memcheck, then reads one valgrind log per robot
# process: any memory error or any block definitely lost fails.
# Prints the story's own lines, then
#	ok - valgrind: 42 robot runs, no errors, nothing definitely lost
# Run from anywhere; BUILD names the build directory (default build).
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
export BUILD

if ! command -v valgrind >/dev/null; then
	echo "not ok - valgrind is installed (make deps)"
	exit 1
fi
logs=$(mktemp -d "${TMPDIR:-/tmp}/robot-valgrind.XXXXXX")
export ROBOT_WRAPPER="valgrind --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite --show-leak-kinds=definite
    --track-origins=yes --num-callers=30 --log-file=$logs/vg.%p.log"

bash tests/e2e/test_story.sh
story=$?

runs=0
bad=0
for f in "$logs"/vg.*.log; do
	[ -f "$f" ] || continue
	runs=$((runs + 1))
	if ! grep -q 'ERROR SUMMARY: 0 errors' "$f" ||
	    grep -qE 'definitely lost: [1-9]' "$f"; then
		bad=$((bad + 1))
		echo "# $f:"
		grep -vE '^==[0-9]+== *$' "$f" | sed -n '/Command:/,$p' |
		    head -n 60 | sed 's/^/#   /'
	fi
done
if [ "$runs" -eq 0 ]; then
	echo "not ok - valgrind: the robot ran under valgrind"
elif [ "$bad" -eq 0 ]; then
	echo "ok - valgrind: $runs robot runs, no errors," \
	    "nothing definitely lost"
	rm -rf "$logs"
else
	echo "not ok - valgrind: $bad of $runs robot runs with errors" \
	    "or definite leaks (logs in $logs)"
fi
[ "$story" -eq 0 ] && [ "$runs" -gt 0 ] && [ "$bad" -eq 0 ]
