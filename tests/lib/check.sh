# check.sh: TAP-like assertions for the e2e scripts.  Each check prints
# "ok - DESC" or "not ok - DESC" (the runner counts those lines); on
# failure the command's output follows, indented.  check_done ends the
# script: "N passed, M failed", exit 1 when anything failed.

CHECK_PASSED=0
CHECK_FAILED=0

_check_pass() {
	CHECK_PASSED=$((CHECK_PASSED + 1))
	echo "ok - $1"
}

_check_fail() {
	CHECK_FAILED=$((CHECK_FAILED + 1))
	echo "not ok - $1"
}

# check DESC CMD [ARG...]: passes when CMD exits 0.
check() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		_check_pass "$desc"
	else
		_check_fail "$desc"
		printf '%s\n' "$out" | sed 's/^/    /'
		echo "    (exit $rc: $*)"
	fi
	return "$rc"
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		_check_pass "$1"
		return 0
	fi
	_check_fail "$1"
	printf '    expected: %s\n' "$2" | sed '2,$s/^/    /'
	printf '    actual:   %s\n' "$3" | sed '2,$s/^/    /'
	return 1
}

check_done() {
	echo "$CHECK_PASSED passed, $CHECK_FAILED failed"
	[ "$CHECK_FAILED" -eq 0 ]
	exit $?
}
