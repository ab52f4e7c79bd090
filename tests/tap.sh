# shellcheck shell=bash
# The assertions every test script shares, sourced: one line per assertion
# (`ok - ...` / `not ok - ...`), then `N passed, M failed` from tap_summary, whose
# status is the script's. Details of a failure follow as `#` comment lines, so a
# log reader sees what was there instead.

PASSED=0
FAILED=0

pass() {
	echo "ok - $1"
	PASSED=$((PASSED + 1))
}

# fail DESCRIPTION [DETAILS]
fail() {
	echo "not ok - $1"
	FAILED=$((FAILED + 1))
	if (($# > 1)) && [[ -n $2 ]]; then
		printf '%s\n' "$2" | sed 's/^/#   /'
	fi
}

# assert_eq DESCRIPTION WANT GOT
assert_eq() {
	if [[ $3 == "$2" ]]; then
		pass "$1"
	else
		fail "$1" "want: $(printf '%s' "$2" | tr '\n' ';')
got:  $(printf '%s' "$3" | tr '\n' ';')"
	fi
}

# assert DESCRIPTION DETAILS CMD...: passes when CMD succeeds.
assert() {
	local desc=$1 details=$2
	shift 2
	if "$@"; then pass "$desc"; else fail "$desc" "$details"; fi
}

tap_summary() {
	echo "$PASSED passed, $FAILED failed"
	((FAILED == 0))
}
