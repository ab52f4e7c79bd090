#!/usr/bin/env bash
# loss.sh: are dsrcheck's verdicts still right when the segment loses frames at random?
# For each scenario of the lab (fixtures/lab), the lab is built, checked on the wire
# without loss (lab.sh verify), then its switch drops PERCENT % of the frames it
# forwards, at random, in both directions (lab.sh loss), and dsrcheck runs RUNS times
# from each vantage with `-f json -c fixtures/lab/dsrcheck-lab.ini`, the scenario's own
# arguments and `--retries RETRIES`. A run is wrong when its exit status, or its set of
# (check, server, port, status, reason) that did not pass, differs from what
# tests/integration/expect.sh says (the table the integration tests assert). See
# bench/README.md, "Random loss".
#
#   sudo bench/loss.sh [-n RUNS] [-p PERCENT] [-r RETRIES] [-V VANTAGES] [-b BINARY]
#                      [--record] [SCENARIO...]
#
#   -n RUNS       runs per scenario and vantage (default 20)
#   -p PERCENT    frames dropped by the switch, each way (default 20)
#   -r RETRIES    dsrcheck --retries (default 10)
#   -V VANTAGES   client, lb or client,lb (default client)
#   -b BINARY     dsrcheck binary (default ./dsrcheck)
#   --record      also write the table, with date, machine and commit, to the loss
#                 section of bench/results.txt (what is above it is kept)
#   SCENARIO...   default: every scenario but `loss` (which is healthy with 10 % loss:
#                 with -p it is the same as healthy)
#
# Prints one line per scenario and vantage, then every wrong run's differences
# ("+" reported but not expected, "-" expected but not reported). Exit 0 when no run
# was wrong, 1 when one was (or the lab was not right without loss), 2 on a usage
# error. Needs root. Tears the lab down on exit, interrupted or not. The lab serves one
# user at a time: before it starts, this waits (up to LOSS_LAB_WAIT seconds, default
# 1800) until no dsrlab- namespace has been seen for 6 s, rather than tearing down
# someone else's lab.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tests/integration/lab-test.sh
. "$ROOT/tests/integration/lab-test.sh"
LAB_TEST_NAME=loss.sh
STATE=$ROOT/fixtures/lab/.state
CONFIG=fixtures/lab/dsrcheck-lab.ini
RESULTS=$ROOT/bench/results.txt
MARK="== bench/loss.sh: verdicts under random loss =="
RUN_LIMIT=120 # seconds: no single run may hang the benchmark
# shellcheck source=tests/integration/expect.sh
. "$ROOT/tests/integration/expect.sh"

RUNS=20
PERCENT=20
RETRIES=10
VANTAGES=client
BIN=$ROOT/dsrcheck
RECORD=0

say() { printf 'loss: %s\n' "$*" >&2; }
usage() {
	sed -n '12,23s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}
is_int() { [[ $1 =~ ^[0-9]+$ ]]; }
# in_range VALUE MIN MAX: VALUE is an integer from MIN to MAX.
in_range() { is_int "$1" && ((${#1} <= 4 && 10#$1 >= $2 && 10#$1 <= $3)); }

SCENARIOS=()
while (($# > 0)); do
	case $1 in
	-n | -p | -r | -V | -b)
		(($# > 1)) || usage
		case $1 in
		-n) if in_range "$2" 1 1000; then RUNS=$((10#$2)); else usage; fi ;;
		-p) if in_range "$2" 0 99; then PERCENT=$((10#$2)); else usage; fi ;;
		-r) if in_range "$2" 0 10; then RETRIES=$((10#$2)); else usage; fi ;;
		-V) if [[ $2 =~ ^(client|lb)(,(client|lb))?$ ]]; then VANTAGES=$2; else usage; fi ;;
		-b) BIN=$2 ;;
		esac
		shift 2
		;;
	--record) RECORD=1; shift ;;
	-h | --help) usage ;;
	-*) usage ;;
	*)
		[[ " ${EXPECT_SCENARIOS[*]} " == *" $1 "* ]] || {
			say "unknown scenario '$1' (one of: ${EXPECT_SCENARIOS[*]})"
			exit 2
		}
		SCENARIOS+=("$1")
		shift
		;;
	esac
done
if ((${#SCENARIOS[@]} == 0)); then
	for s in "${EXPECT_SCENARIOS[@]}"; do [[ $s == loss ]] || SCENARIOS+=("$s"); done
fi
IFS=, read -r -a VANTAGE_LIST <<<"$VANTAGES"

if [[ $EUID -ne 0 ]]; then
	say "needs root (network namespaces): run sudo bench/loss.sh"
	exit 1
fi
lab_test_binary "$BIN"
lab_test_need jq ip nft python3 timeout
# The lab's turn: nobody else's lab is torn down.
lab_test_wait_for_lab "${LOSS_LAB_WAIT:-1800}"

cd "$ROOT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dsrcheck-loss.XXXXXX")
# The binary measured stays the same for the whole benchmark, whatever `make` does.
cp "$BIN" "$WORK/dsrcheck"
VERSION="$("$BIN" -V 2>&1 | head -1)"
if [[ $BIN == "$ROOT/dsrcheck" ]]; then
	VERSION+=", commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(
		git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with local changes)')"
else
	VERSION+=" ($BIN)"
fi
BIN=$WORK/dsrcheck
OWN_LAB=1 # 0 once somebody else has rebuilt the lab: theirs is not torn down
teardown() {
	local rc=$?
	trap - EXIT INT TERM
	if ((OWN_LAB)); then
		bash "$LAB" down >/dev/null 2>&1 || say "warning: lab teardown failed: run 'sudo make lab-down'"
	fi
	rm -rf "$WORK"
	exit "$rc"
}
trap teardown EXIT
trap 'say "interrupted (SIGINT)"; exit 130' INT
trap 'say "terminated (SIGTERM)"; exit 143' TERM

# nonpass FILE: the JSON report's checks that did not pass, one
# "id server port status reason" a line, sorted; nothing when it is not JSON.
nonpass() {
	jq -r '.checks[] | select(.status != "pass")
		| "\(.id) \(.server // "-") \(.port // "-") \(.status) \(.reason // "-")"' "$1" 2>/dev/null |
		LC_ALL=C sort || true
}

# expected SCENARIO VANTAGE: the same lines, from expect.sh.
expected() {
	{
		expect_fails "$1" "$2" | awk 'NF { print $1, $2, $3, "fail", $4 }'
		expect_warns "$1" "$2" | awk 'NF { print $1, $2, $3, "warn", $4 }'
		expect_skips "$1" "$2" | awk 'NF { print $1, $2, $3, "skip", $4 }'
	} | LC_ALL=C sort
}

# lines TEXT: TEXT with a final newline, nothing when it is empty.
lines() { if [[ -n $1 ]]; then printf '%s\n' "$1"; fi; }

# switch_counters: "FRAMES DROPPED" from the loss rule's two counters.
switch_counters() {
	ip netns exec dsrlab-sw nft list table bridge dsrlab 2>/dev/null |
		awk '/counter packets/ { for (i = 1; i < NF; i++) if ($i == "packets") n[++k] = $(i + 1) }
			END { print n[1] + 0, n[2] + 0 }'
}

TABLE=$WORK/table
DETAILS=$WORK/details
: >"$DETAILS"
printf '%-16s %-7s %5s %6s %7s %8s %8s %8s %7s %s\n' scenario vantage runs wrong retries timeout \
	"s/run" "max s" "drop %" "verify (no loss)" >"$TABLE"
cat "$TABLE"
TOTAL_RUNS=0
TOTAL_WRONG=0
LAB_BAD=0
START=$(date +%s)

for scenario in "${SCENARIOS[@]}"; do
	for vantage in "${VANTAGE_LIST[@]}"; do
		# Built again for every vantage: a fresh lab, fresh neighbour caches, and
		# garp's announcements (10 minutes at most) far from their end.
		if ! out=$(bash "$LAB" up "$scenario" 2>&1); then
			say "lab up $scenario failed: $out"
			exit 1
		fi
		verify=ok
		if ! out=$(bash "$LAB" verify 2>&1); then
			verify="NOT OK"
			LAB_BAD=1
			printf '%s from %s: lab.sh verify without loss:\n%s\n' "$scenario" "$vantage" \
				"$(grep -v '^ok' <<<"$out")" >>"$DETAILS"
		fi
		bash "$LAB" loss "$PERCENT" 2>/dev/null
		mapfile -t args < <(expect_args "$scenario")
		want_rc=$(expect_rc "$scenario" "$vantage")
		want=$(expected "$scenario" "$vantage")
		timeout_arg=$(awk -F= '/^timeout/ { gsub(/[[:space:]]|;.*/, "", $2); print $2 }' "$CONFIG")
		for ((i = 0; i + 1 < ${#args[@]}; i++)); do
			[[ ${args[i]} == --timeout ]] && timeout_arg=${args[i + 1]}
		done
		wrong=0 total_ms=0 max_ms=0
		for ((run = 1; run <= RUNS; run++)); do
			# Nothing else may rebuild the lab under the benchmark.
			if [[ $(cat "$STATE/scenario" 2>/dev/null) != "$scenario" ||
				$(cat "$STATE/loss" 2>/dev/null) != "$PERCENT" ]]; then
				say "the lab changed under the benchmark (another lab.sh?): stopping, leaving it up"
				OWN_LAB=0
				exit 1
			fi
			if expect_flush_neigh "$scenario"; then
				for node in rs1 rs2 rs3; do ip -n "dsrlab-$node" neigh flush all; done
			fi
			t0=$(date +%s%N)
			rc=0
			timeout "$RUN_LIMIT" ip netns exec "dsrlab-$vantage" "$BIN" -q -f json -c "$CONFIG" \
				${args[@]+"${args[@]}"} --retries "$RETRIES" >"$WORK/run.json" 2>"$WORK/run.err" </dev/null &
			wait "$!" || rc=$?
			ms=$((($(date +%s%N) - t0) / 1000000))
			total_ms=$((total_ms + ms))
			((ms > max_ms)) && max_ms=$ms
			got=$(nonpass "$WORK/run.json")
			if [[ $rc != "$want_rc" || $got != "$want" ]]; then
				wrong=$((wrong + 1))
				{
					echo "$scenario from $vantage, run $run: exit status $rc (want $want_rc)"
					LC_ALL=C comm -13 <(lines "$want") <(lines "$got") | sed 's/^/  + /'
					LC_ALL=C comm -23 <(lines "$want") <(lines "$got") | sed 's/^/  - /'
					sed 's/^/  stderr: /' "$WORK/run.err"
				} >>"$DETAILS"
			fi
		done
		read -r frames dropped < <(switch_counters)
		drop=$(awk -v f="$frames" -v d="$dropped" 'BEGIN { if (f) printf "%.1f", 100 * d / f; else print "-" }')
		TOTAL_RUNS=$((TOTAL_RUNS + RUNS))
		TOTAL_WRONG=$((TOTAL_WRONG + wrong))
		printf '%-16s %-7s %5d %6d %7d %8s %8.2f %8.2f %7s %s\n' "$scenario" "$vantage" "$RUNS" "$wrong" \
			"$RETRIES" "$timeout_arg" "$(awk -v t="$total_ms" -v n="$RUNS" 'BEGIN { print t / n / 1000 }')" \
			"$(awk -v t="$max_ms" 'BEGIN { print t / 1000 }')" "$drop" "$verify" | tee -a "$TABLE"
	done
done
bash "$LAB" down >/dev/null 2>&1
ELAPSED=$(($(date +%s) - START))
summary="$TOTAL_WRONG wrong of $TOTAL_RUNS runs at $PERCENT % loss, --retries $RETRIES ($ELAPSED s in all)"
echo "$summary"
if [[ -s $DETAILS ]]; then
	echo
	echo "wrong runs (+ reported but not expected, - expected but not reported):"
	cat "$DETAILS"
fi

if ((RECORD)); then
	{
		# What is above the loss section (bench.sh's table), without trailing blank lines.
		if [[ -f $RESULTS ]]; then
			awk -v mark="$MARK" '$0 == mark { exit } { lines[++n] = $0 }
				END { while (n > 0 && lines[n] == "") n--; for (i = 1; i <= n; i++) print lines[i]; if (n) print "" }' \
				"$RESULTS"
		fi
		echo "$MARK"
		echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
		echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)"
		echo "dsrcheck: $VERSION"
		echo "command: bench/loss.sh -n $RUNS -p $PERCENT -r $RETRIES -V $VANTAGES ${SCENARIOS[*]}"
		echo
		cat "$TABLE"
		echo "$summary"
		if [[ -s $DETAILS ]]; then
			echo
			echo "wrong runs (+ reported but not expected, - expected but not reported):"
			cat "$DETAILS"
		fi
	} >"$WORK/results"
	cp "$WORK/results" "$RESULTS"
	say "table written to $RESULTS"
fi
((TOTAL_WRONG == 0 && LAB_BAD == 0))
