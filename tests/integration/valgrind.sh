#!/usr/bin/env bash
# valgrind.sh BINARY: dsrcheck under valgrind's memcheck, against the lab (fixtures/lab).
# Every run is `valgrind --leak-check=full --show-leak-kinds=all
# --errors-for-leak-kinds=all --error-exitcode=99`, so that any invalid read or write,
# use of uninitialised memory, bad free or leak of any kind (even still reachable)
# turns into exit status 99. What runs under it:
#   - an audit in healthy (from the client and the balancer), arp-leak, unbound,
#     wrong-source, server-down and per-packet, from the client like tests/integration/run.sh, with
#     the scenario's extra arguments and every report format written (-f json on
#     stdout; --report json, junit, prometheus, nagios, text, html) and --pcap;
#   - an audit interrupted by SIGINT (exit 3, its half-open connections reset);
#   - `analyze` on recorded captures (fixtures/pcap: pcap, pcapng, Linux cooked) and
#     on the capture the healthy run just wrote;
#   - `watch` with an audit every 2 s and --report files, alerting on a gratuitous ARP
#     for the VIP, stopped by SIGINT.
# For each: the exit status (dsrcheck's own, never valgrind's 99), the failing checks
# of the JSON report against expect.sh, and the valgrind log: "ERROR SUMMARY: 0
# errors" and "in use at exit: 0 bytes in 0 blocks".
#
# One line per assertion (`ok - ...` / `not ok - ...`), then `N passed, M failed`.
# Exit 0 when nothing failed, 1 otherwise (and when not root, or valgrind is missing),
# 2 on a usage error or a sanitizer build (valgrind cannot run AddressSanitizer
# binaries: build with plain `make`). DSR_SKIP_INTEGRATION=1 skips everything.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/integration/lab-test.sh
. "$ROOT/tests/integration/lab-test.sh"
CONFIG=fixtures/lab/dsrcheck-lab.ini
# shellcheck source=tests/integration/expect.sh
. "$ROOT/tests/integration/expect.sh"
RUN_LIMIT=120   # seconds: no single run under valgrind may hang the suite
WAIT_TRIES=300  # x 0.1 s: the longest wait for watch to reach a state
VALGRIND=(valgrind --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all
	--error-exitcode=99 --track-fds=no)
# The audits from the client: healthy, then faults of several kinds (ARP, TCP,
# addresses, timeouts).
AUDITS=(healthy arp-leak unbound wrong-source server-down per-packet)

lab_test_begin valgrind.sh "valgrind tests" "sudo make valgrind"
(($# == 1)) || lab_test_usage "valgrind.sh BINARY"
lab_test_binary "$1"
lab_test_need valgrind jq ip nft python3 timeout
if grep -qaF -e __asan_init -e __ubsan_handle "$BIN"; then
	echo "valgrind.sh: $BIN is a sanitizer build (SANITIZE=1); valgrind cannot run it: build with 'make'" >&2
	exit 2
fi

WATCH_PID=
lab_test_stop_own() { if [[ -n $WATCH_PID ]]; then kill -KILL "$WATCH_PID" 2>/dev/null || true; fi; }
lab_test_start dsrcheck-vg

# ------------------------------------------------------------------------ assertions

# shellcheck source=tests/tap.sh
source "$ROOT/tests/tap.sh"

# ------------------------------------------------------------------------- running

# The valgrind log of a run, and what it must say: no error of any kind (leaks
# count as errors here) and not one byte left allocated at exit.
vg_summary() {
	grep -E 'ERROR SUMMARY|in use at exit|definitely lost|indirectly lost|possibly lost|still reachable|All heap blocks' \
		"$1" | sed 's/^==[0-9]*== *//' || true
}
check_valgrind() {
	local at=$1 log=$2 rc=$3
	if [[ ! -s $log ]]; then
		fail "$at: valgrind wrote its log" "no $log (exit status $rc)"
		return
	fi
	assert "$at: valgrind exit status is not 99 (memcheck errors)" "exit status $rc" test "$rc" != 99
	assert "$at: valgrind: ERROR SUMMARY: 0 errors" "$(vg_summary "$log")
$(grep -A12 -m1 -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall param|Mismatched|[0-9,]+ bytes in)' "$log" || true)" \
		grep -qE '^==[0-9]+== ERROR SUMMARY: 0 errors from 0 contexts' "$log"
	assert "$at: valgrind: in use at exit: 0 bytes in 0 blocks (no leak of any kind)" "$(vg_summary "$log")" \
		grep -qE '^==[0-9]+== +in use at exit: 0 bytes in 0 blocks' "$log"
}

RC=0
ELAPSED_MS=0
TOTAL_MS=0
# vg VANTAGE TAG ARGS...: dsrcheck ARGS under valgrind in dsrlab-VANTAGE ("-" for the
# root namespace: analyze needs no network); sets RC and ELAPSED_MS; stdout, stderr
# and the valgrind log in $WORK/TAG.{out,err,vg}.
vg() {
	local vantage=$1 tag=$2 t0 t1 ns=()
	shift 2
	[[ $vantage == - ]] || ns=(ip netns exec "dsrlab-$vantage")
	t0=$(date +%s%N)
	RC=0
	# Waited for in the background, so that an interrupt runs the teardown at once.
	timeout "$RUN_LIMIT" ${ns[@]+"${ns[@]}"} "${VALGRIND[@]}" --log-file="$WORK/$tag.vg" "$BIN" "$@" \
		>"$WORK/$tag.out" 2>"$WORK/$tag.err" </dev/null &
	wait "$!" || RC=$?
	t1=$(date +%s%N)
	ELAPSED_MS=$(((t1 - t0) / 1000000))
	TOTAL_MS=$((TOTAL_MS + ELAPSED_MS))
}

stderr_tail() {
	echo "exit status $RC after ${ELAPSED_MS} ms; stderr:"
	tail -n 5 "$WORK/$1.err" 2>/dev/null || true
}

# checks_with FILE STATUS: the JSON report's checks with that status, sorted, one
# "id server port reason" a line.
checks_with() {
	jq -r '.checks[] | select(.status == "'"$2"'")
		| "\(.id) \(.server // "-") \(.port // "-") \(.reason // "-")"' "$1" 2>/dev/null | LC_ALL=C sort
}

lab_up() {
	local out
	if ! out=$(bash "$LAB" up "$1" 2>&1); then
		fail "lab $1: up" "$out"
		return 1
	fi
	pass "lab $1: up"
}

# audit SCENARIO VANTAGE: one audit under valgrind with every report format and the
# evidence capture; the verdict must be the one expect.sh gives.
audit() {
	local scenario=$1 vantage=$2 tag="audit-$1-$2" at="$1 from $2" want_rc fmt args=() node
	want_rc=$(expect_rc "$scenario" "$vantage")
	mapfile -t args < <(expect_args "$scenario")
	if expect_flush_neigh "$scenario"; then
		for node in rs1 rs2 rs3; do ip -n "dsrlab-$node" neigh flush all; done
	fi
	vg "$vantage" "$tag" -f json -c "$CONFIG" ${args[@]+"${args[@]}"} --pcap "$WORK/$tag.pcap" \
		--report "json:$WORK/$tag.json" --report "junit:$WORK/$tag.xml" \
		--report "prometheus:$WORK/$tag.prom" --report "nagios:$WORK/$tag.nagios" \
		--report "text:$WORK/$tag.txt" --report "html:$WORK/$tag.html"
	assert_eq "$at, under valgrind ($ELAPSED_MS ms): exit status $want_rc" "$want_rc" "$RC"
	check_valgrind "$at" "$WORK/$tag.vg" "$RC"
	assert_eq "$at: failing checks (id server port reason) as expect.sh says" \
		"$(expect_fails "$scenario" "$vantage" | LC_ALL=C sort)" "$(checks_with "$WORK/$tag.out" fail)"
	assert_eq "$at: --report json holds the same checks as stdout" \
		"$(jq -c .checks "$WORK/$tag.out" 2>/dev/null)" "$(jq -c .checks "$WORK/$tag.json" 2>/dev/null || echo missing)"
	for fmt in xml prom nagios txt html pcap; do
		assert "$at: --report/--pcap wrote $tag.$fmt" "$(stderr_tail "$tag")" test -s "$WORK/$tag.$fmt"
	done
}

# ------------------------------------------------------------------------- audits

for scenario in "${AUDITS[@]}"; do
	lab_up "$scenario" || continue
	audit "$scenario" client
	[[ $scenario == healthy ]] && audit healthy lb
	if [[ $scenario == server-down ]]; then
		# SIGINT in the middle of a run: the engine resets what it opened, exits 3,
		# and frees everything on the way out. rs2's probes stay unanswered for
		# 4 x 2 s, so the run is still going when the signal comes.
		tag=sigint
		t0=$(date +%s%N)
		ip netns exec dsrlab-client "${VALGRIND[@]}" --log-file="$WORK/$tag.vg" "$BIN" -q -c "$CONFIG" \
			--timeout 2s --retries 3 >"$WORK/$tag.out" 2>"$WORK/$tag.err" </dev/null &
		pid=$!
		sleep 3
		kill -INT "$pid" 2>/dev/null || true
		RC=0
		wait "$pid" || RC=$?
		ELAPSED_MS=$((($(date +%s%N) - t0) / 1000000))
		TOTAL_MS=$((TOTAL_MS + ELAPSED_MS))
		assert_eq "audit interrupted by SIGINT under valgrind ($ELAPSED_MS ms): exit status 3" 3 "$RC"
		check_valgrind "audit interrupted by SIGINT" "$WORK/$tag.vg" "$RC"
		halfopen=$(for rs in rs1 rs3; do ip netns exec "dsrlab-$rs" ss -Htn state syn-recv; done | wc -l)
		assert_eq "audit interrupted by SIGINT: no half-open connection left on rs1, rs3" 0 "$halfopen"
	fi
done

# ------------------------------------------------------------------------- analyze

# analyze TAG WANT_RC FILE [ARGS...]
analyze() {
	local tag=$1 want_rc=$2 file=$3
	shift 3
	vg - "$tag" analyze "$file" "$@"
	assert_eq "analyze $(basename "$file") $*, under valgrind ($ELAPSED_MS ms): exit status $want_rc" "$want_rc" "$RC"
	check_valgrind "analyze $(basename "$file")" "$WORK/$tag.vg" "$RC"
}
analyze an-healthy 0 fixtures/pcap/healthy-client.pcap -c "$CONFIG" -f json --report "junit:$WORK/an.xml"
analyze an-leak 1 fixtures/pcap/arp-leak-client.pcap -c "$CONFIG" -f text --report "prometheus:$WORK/an.prom"
analyze an-pcapng 1 fixtures/pcap/vip-squatter-client.pcapng -c "$CONFIG" -f junit
# --nagios: a failure is CRITICAL, exit status 2.
analyze an-sll 2 fixtures/pcap/garp-client-any.pcap -c "$CONFIG" --nagios
analyze an-noconf 1 fixtures/pcap/rip-conflict-client.pcap -f json
if [[ -s $WORK/audit-healthy-client.pcap ]]; then
	analyze an-own 0 "$WORK/audit-healthy-client.pcap" -c "$CONFIG" -f json
fi

# --------------------------------------------------------------------------- watch

# is_running PID: alive and not a zombie.
is_running() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]]
}
# wait_for DESCRIPTION REGEX: up to WAIT_TRIES x 0.1 s for a line of watch's output;
# gives up early when watch has stopped.
wait_for() {
	local tries
	for ((tries = 0; tries < WAIT_TRIES; tries++)); do
		if grep -qE "$2" "$WORK/watch.out" 2>/dev/null; then
			pass "$1"
			return 0
		fi
		is_running "$WATCH_PID" || break
		sleep 0.1
	done
	fail "$1" "$(cat "$WORK/watch.out" "$WORK/watch.err" 2>/dev/null)"
	return 1
}

if lab_up healthy; then
	tag=watch
	t0=$(date +%s%N)
	# Started directly (ip netns exec and valgrind exec in turn), so that $! is the
	# process in which dsrcheck runs: valgrind delivers the SIGINT sent to it to
	# dsrcheck's own handler, which is what prints "stopped by SIGINT".
	ip netns exec dsrlab-client "${VALGRIND[@]}" --log-file="$WORK/$tag.vg" "$BIN" watch -c "$CONFIG" \
		--interval 2s --report "json:$WORK/watch.json" --report "prometheus:$WORK/watch.prom" \
		>"$WORK/$tag.out" 2>"$WORK/$tag.err" </dev/null &
	WATCH_PID=$!
	wait_for "watch: started" '^watching' || true
	assert "watch: the process signalled is the one valgrind runs dsrcheck in" \
		"comm: $(cat "/proc/$WATCH_PID/comm" 2>/dev/null)" grep -q '^memcheck' "/proc/$WATCH_PID/comm"
	wait_for "watch: a first audit passes" '^audit 1 PASS' || true
	ip netns exec dsrlab-rs2 timeout 5 python3 fixtures/lab/wire.py garp eth0 198.18.0.100 0.2 3 >/dev/null 2>&1 || true
	# The balancer's MAC may be listed first: the audit saw it answer for the VIP.
	wait_for "watch: alert for rs2's gratuitous ARP for the VIP" \
		'^alert .*vip-claim 198\.18\.0\.100 macs=([0-9a-f:]+,)*02:00:00:00:00:12' || true
	wait_for "watch: a second audit" '^audit 2 ' || true
	kill -INT "$WATCH_PID" 2>/dev/null || true
	for ((tries = 0; tries < WAIT_TRIES; tries++)); do
		is_running "$WATCH_PID" || break
		sleep 0.1
	done
	if is_running "$WATCH_PID"; then
		fail "watch: SIGINT stops it" "still running $((WAIT_TRIES / 10)) s after SIGINT: killed"
		kill -KILL "$WATCH_PID" 2>/dev/null || true
	fi
	RC=0
	wait "$WATCH_PID" || RC=$?
	WATCH_PID=
	ELAPSED_MS=$((($(date +%s%N) - t0) / 1000000))
	TOTAL_MS=$((TOTAL_MS + ELAPSED_MS))
	assert_eq "watch under valgrind ($ELAPSED_MS ms), stopped by SIGINT: exit status 0" 0 "$RC"
	assert "watch: summary says stopped by SIGINT" "$(tail -n 3 "$WORK/$tag.out")" \
		grep -qE '^summary: .* [1-9][0-9]* audits .*stopped by SIGINT' "$WORK/$tag.out"
	grep '^summary:' "$WORK/$tag.out" | sed 's/^/# watch: /' || true
	assert "watch: --report json rewritten by the audits" "" test -s "$WORK/watch.json"
	check_valgrind "watch" "$WORK/$tag.vg" "$RC"
fi

if out=$(bash "$LAB" down 2>&1); then pass "lab: down"; else fail "lab: down" "$out"; fi
echo "# time under valgrind: $((TOTAL_MS / 1000)).$(printf '%03d' $((TOTAL_MS % 1000))) s in all runs"
tap_summary
