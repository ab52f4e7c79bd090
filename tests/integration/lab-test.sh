# lab-test.sh: what every test that builds the lab (fixtures/lab/lab.sh) does around
# its assertions, sourced by run.sh, ops.sh, hostile.sh, local.sh, valgrind.sh and
# bench/loss.sh: the same prerequisites with the same messages, and the one teardown
# that leaves no namespace, link, process or file behind, however the test ends.
#
#   lab_test_begin NAME WHAT HINT   skip on DSR_SKIP_INTEGRATION=1, else demand root
#   lab_test_usage USAGE            say how to call the test, exit 2
#   lab_test_binary PATH            BIN = the absolute path of an executable PATH
#   lab_test_need CMD...            every command present, or say which is missing
#   lab_test_wait_for_lab LIMIT     wait until no dsrlab- namespace is left (another user)
#   lab_test_wait_line FILE RE PID LIMIT
#                                   wait until FILE has a line matching RE (ERE): what
#                                   a process PID writing it says when it is ready
#   lab_test_start PREFIX           cd to the project, WORK = a new temporary directory,
#                                   teardown on EXIT, INT (130) and TERM (143)
#   lab_test_dsr NAMESPACE TAG ARGS...
#                                   $BIN ARGS in NAMESPACE, RUN_LIMIT seconds at most
#                                   (default 60), without the suite's lock (fd 8): RC its
#                                   status, $WORK/TAG.out and $WORK/TAG.err its output
#   lab_test_jq TAG FILTER          jq -r FILTER on $WORK/TAG.out ("" when it fails)
#   lab_test_checks_with TAG STATUS the checks of that status, "id server port reason",
#                                   sorted
#
# A test that starts processes of its own defines lab_test_stop_own() before it
# starts them; the teardown calls it first.
# shellcheck shell=bash

LAB_TEST_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=$LAB_TEST_ROOT/fixtures/lab/lab.sh
LAB_TEST_NAME=lab-test

# lab_test_begin NAME WHAT HINT: NAME prefixes messages ("run.sh"), WHAT says what is
# skipped ("integration tests"), HINT how to run them as root ("sudo make check").
lab_test_begin() {
	LAB_TEST_NAME=$1
	if [[ ${DSR_SKIP_INTEGRATION:-0} == 1 ]]; then
		echo "$2 skipped (DSR_SKIP_INTEGRATION=1)"
		exit 0
	fi
	if [[ $EUID -ne 0 ]]; then
		echo "$2 need root (network namespaces): run $3" >&2
		exit 1
	fi
}

lab_test_usage() {
	echo "usage: $1" >&2
	exit 2
}

lab_test_binary() {
	BIN=$1
	[[ $BIN == */* ]] || BIN=./$BIN
	if [[ ! -x $BIN || -d $BIN ]]; then
		echo "$LAB_TEST_NAME: $BIN is not an executable: build it with 'make'" >&2
		exit 2
	fi
	BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
}

lab_test_need() {
	local cmd
	for cmd in "$@"; do
		if ! command -v "$cmd" >/dev/null; then
			echo "$LAB_TEST_NAME: '$cmd' is missing: run 'sudo make deps'" >&2
			exit 1
		fi
	done
}

# The lab serves one user at a time and its namespaces have fixed names: rather than
# tear down someone else's lab, wait until none has been seen for 6 s.
lab_test_wait_for_lab() {
	local limit=$1 waited=0 quiet=0
	while ((quiet < 3)); do
		if [[ -n $(ip netns list 2>/dev/null | awk '$1 ~ /^dsrlab-/') ]]; then
			quiet=0
			((waited % 60 == 0)) && echo "# the lab is in use: waiting for it (${waited} s)"
		else
			quiet=$((quiet + 1))
		fi
		if ((waited >= limit)); then
			echo "$LAB_TEST_NAME: the lab stayed in use for ${limit} s" >&2
			exit 1
		fi
		sleep 2
		waited=$((waited + 2))
	done
}

# lab_test_wait_line FILE REGEX PID LIMIT: 0 once FILE holds a line matching REGEX,
# 1 when PID ended without writing one or LIMIT seconds passed. Tests meet the
# processes they start on what those say (a capture open, a sender sending), never
# on a delay that a loaded machine may outlast; the polling only bounds how late
# the test notices.
lab_test_wait_line() {
	local file=$1 regex=$2 pid=$3 end=$((SECONDS + $4))
	until grep -qE -- "$regex" "$file" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			grep -qE -- "$regex" "$file" 2>/dev/null
			return
		fi
		((SECONDS < end)) || return 1
		sleep 0.01
	done
}

lab_test_teardown() {
	local rc=$?
	trap - EXIT INT TERM
	if declare -F lab_test_stop_own >/dev/null; then lab_test_stop_own || true; fi
	bash "$LAB" down >/dev/null 2>&1 ||
		echo "$LAB_TEST_NAME: warning: lab teardown failed: run 'sudo make lab-down'" >&2
	[[ -n ${WORK:-} ]] && rm -rf "$WORK"
	exit "$rc"
}

lab_test_start() {
	cd "$LAB_TEST_ROOT" || exit 1
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	trap lab_test_teardown EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# shellcheck disable=SC2034 # RC is read by the suites
lab_test_dsr() {
	local ns=$1 tag=$2
	shift 2
	RC=0
	timeout "${RUN_LIMIT:-60}" ip netns exec "$ns" "$BIN" "$@" \
		>"$WORK/$tag.out" 2>"$WORK/$tag.err" </dev/null 8>&- &
	wait "$!" || RC=$?
}

lab_test_jq() { jq -r "$2" "$WORK/$1.out" 2>/dev/null || true; }

lab_test_checks_with() {
	lab_test_jq "$1" '.checks[] | select(.status == "'"$2"'")
		| "\(.id) \(.server // "-") \(.port // "-") \(.reason // "-")"' | LC_ALL=C sort
}
