#!/usr/bin/env bash
# run.sh BINARY [SCENARIO...]: dsrcheck against real kernels. For each lab scenario
# (fixtures/lab), dsrcheck runs from the client and from the balancer with
# `-f json -c fixtures/lab/dsrcheck-lab.ini` (loss adds --retries 5, arp-leak and
# arp-announce --timeout 1500ms); the exit status and exactly which checks fail,
# warn and are skipped (id, server, port, reason) are asserted with jq, against the
# table in expect.sh (which bench/loss.sh reads too), and the findings the report leads
# with, in every format: the same run writes its text, JUnit, Prometheus, Nagios and
# HTML reports (--report), and formats.py holds each to the JSON report's findings,
# in order. Before that,
# the lab's own probes (lab.sh verify, no dsrcheck) show that the scenario's fault
# is on the wire, so a failure here says whether the lab or dsrcheck is wrong.
#
# One line per assertion (`ok - ...` / `not ok - ...`), then `N passed, M failed`.
# Exit 0 when nothing failed, 1 otherwise (and when not root: the lab needs network
# namespaces), 2 on a usage error. DSR_SKIP_INTEGRATION=1 skips everything (exit 0).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/integration/lab-test.sh
. "$ROOT/tests/integration/lab-test.sh"
CONFIG=fixtures/lab/dsrcheck-lab.ini
CONFIG6=fixtures/lab/dsrcheck-lab6.ini # the same lab as a dual-stack deployment
# shellcheck source=tests/integration/expect.sh
. "$ROOT/tests/integration/expect.sh"
ALL_SCENARIOS=("${EXPECT_SCENARIOS[@]}" "${EXPECT_SCENARIOS6[@]}")
RUN_LIMIT=60 # seconds: no single dsrcheck run may hang the suite
FORMATS=$ROOT/tests/integration/formats.py

lab_test_begin run.sh "integration tests" "sudo make check"
(($# >= 1)) || lab_test_usage "run.sh BINARY [SCENARIO...]"
lab_test_binary "$1"
shift
lab_test_need jq ip nft python3 timeout
SCENARIOS=("$@")
((${#SCENARIOS[@]} > 0)) || SCENARIOS=("${ALL_SCENARIOS[@]}")
for s in "${SCENARIOS[@]}"; do
	if [[ " ${ALL_SCENARIOS[*]} " != *" $s "* ]]; then
		echo "run.sh: unknown scenario '$s' (one of: ${ALL_SCENARIOS[*]})" >&2
		exit 2
	fi
done

lab_test_start dsrcheck-it

# ------------------------------------------------------------------------ assertions

# shellcheck source=tests/tap.sh
source "$ROOT/tests/tap.sh"

# --------------------------------------------------------------------------- running

# run_dsr VANTAGE TAG ARGS...: runs dsrcheck in dsrlab-VANTAGE; sets RC and
# ELAPSED_MS; stdout in $WORK/TAG.out, stderr in $WORK/TAG.err.
RC=0
ELAPSED_MS=0
run_dsr() {
	local vantage=$1 tag=$2 t0 t1
	shift 2
	t0=$(date +%s%N)
	RC=0
	# Waited for in the background, so that an interrupt runs the teardown at once.
	timeout "$RUN_LIMIT" ip netns exec "dsrlab-$vantage" "$BIN" "$@" \
		>"$WORK/$tag.out" 2>"$WORK/$tag.err" </dev/null &
	wait "$!" || RC=$?
	t1=$(date +%s%N)
	ELAPSED_MS=$(((t1 - t0) / 1000000))
}

# jqr TAG FILTER: jq -r on a run's stdout; empty output when it is not JSON.
jqr() {
	jq -r "$2" "$WORK/$1.out" 2>/dev/null || true
}

# The checks one run must contain (more may be added by later versions), as
# "id server port" with "-" for none.
SERVICE_CHECKS=$(printf '%s\n' "arp.vip - -" "arp.vip.claim - -" "icmp.vip - -" "tcp.vip - 80" \
	"tcp.vip - 8080" "dsr.return - 80" "dsr.return - 8080" "tcp.vip.conn - 80" "tcp.vip.conn - 8080")
# The checks of one server, in plan order: the probes addressed to the VIP at the
# server's MAC go out before those to its real address, so that a server leaking
# the VIP in its ARP requests (arp_announce) must resolve the prober while
# answering from the VIP, not from its real address.
server_checks() {
	printf '%s\n' "arp.rip $1 -" "arp.vip.claim $1 -" "icmp.vip.direct $1 -" "tcp.vip.direct $1 80" \
		"tcp.vip.direct $1 8080" "icmp.rip $1 -" "tcp.rip $1 80" "tcp.rip $1 8080"
}
expected_checks() {
	local s
	echo "$SERVICE_CHECKS"
	for s in rs1 rs2 rs3; do server_checks "$s"; done
}

# checks_with TAG STATUS: the run's checks with that status, sorted, one
# "id server port reason" a line.
checks_with() {
	jqr "$1" '.checks[] | select(.status == "'"$2"'")
		| "\(.id) \(.server // "-") \(.port // "-") \(.reason // "-")"' | LC_ALL=C sort
}

# evidence_strings TAG ID SERVER: every string in the evidence of that check
# (SERVER "-" for a service-level check), on one line: evidence layout is free.
evidence_strings() {
	jqr "$1" '[.checks[] | select(.id == "'"$2"'" and (.server // "-") == "'"$3"'")
		| .evidence | .. | strings] | join(" ")' | tr 'A-F' 'a-f'
}

stderr_tail() {
	echo "exit status $RC after ${ELAPSED_MS} ms; stderr:"
	tail -n 5 "$WORK/$1.err" 2>/dev/null || true
}

# run_scenario SCENARIO VANTAGE TAG CONFIG: run_dsr, one JSON run with CONFIG, the way
# the scenario wants it (expect.sh): its extra arguments, neighbour caches flushed
# before, the VIP (and, dual-stack, VIP6) pinned to the balancer's MAC during the run.
run_scenario() {
	local scenario=$1 vantage=$2 tag=$3 config=$4 args=() node
	mapfile -t args < <(expect_args "$scenario")
	if expect_flush_neigh "$scenario"; then
		for node in rs1 rs2 rs3; do ip -n "dsrlab-$node" neigh flush all; done
	fi
	if [[ $vantage == client ]] && expect_pin_vip "$scenario"; then
		ip -n "dsrlab-$vantage" neigh replace 198.18.0.100 lladdr 02:00:00:00:00:02 dev eth0 nud permanent
	fi
	if [[ $vantage == client && $config == "$CONFIG6" ]] && expect_pin_vip6 "$scenario"; then
		ip -n "dsrlab-$vantage" -6 neigh replace 2001:2::100 lladdr 02:00:00:00:00:02 dev eth0 nud permanent
	fi
	# Every other format of the same run beside the JSON one (formats_agree).
	mapfile -t -O "${#args[@]}" args < <(python3 "$FORMATS" --args "$WORK/$tag")
	run_dsr "$vantage" "$tag" -f json -c "$config" "${args[@]}"
	cp "$WORK/$tag.out" "$WORK/$tag.json"
	if [[ $vantage == client ]] && expect_pin_vip "$scenario"; then
		ip -n "dsrlab-$vantage" neigh del 198.18.0.100 dev eth0 2>/dev/null || true
	fi
	if [[ $vantage == client && $config == "$CONFIG6" ]] && expect_pin_vip6 "$scenario"; then
		ip -n "dsrlab-$vantage" -6 neigh del 2001:2::100 dev eth0 2>/dev/null || true
	fi
}

# explained_once TAG AT: the checks the findings explain are the failing and warning
# checks, each once (a count alone would let one check be explained twice and
# another not at all).
explained_once() {
	local key='"\(.id) \(.server // "-") \(.port // "-")"'
	assert_eq "$2: every failing or warning check is explained by exactly one finding" \
		"$(jqr "$1" '.checks[] | select(.status == "fail" or .status == "warn") | '"$key" | LC_ALL=C sort)" \
		"$(jqr "$1" '.findings[].checks[] | '"$key" | LC_ALL=C sort)"
}

# formats_agree TAG AT: the run's text, JUnit, Prometheus, Nagios and HTML reports
# (run_scenario writes them beside the JSON one) lead with the JSON report's findings,
# in its order: what the scenario breaks comes first whatever the format.
formats_agree() {
	local f
	for f in text junit prometheus nagios html; do
		assert_eq "$2: the $f report leads with the same findings" "" \
			"$(python3 "$FORMATS" "$WORK/$1" "$f" 2>&1)"
	done
}

# findings TAG: the run's findings, sorted, one "kind servers ports status" a line.
findings() {
	jqr "$1" '.findings[] | "\(.kind) \(.servers | join(",") | if . == "" then "-" else . end) \(.ports | map(tostring) | join(",") | if . == "" then "-" else . end) \(.status)"' | LC_ALL=C sort
}

# check_run SCENARIO VANTAGE: one JSON run, with the scenario's extra arguments, and
# what it must show (expect.sh).
check_run() {
	local scenario=$1 vantage=$2 want_rc want_fails want_warns
	local tag="$scenario-$vantage" at="$scenario from $vantage" got verdict key n
	want_rc=$(expect_rc "$scenario" "$vantage")
	want_fails=$(expect_fails "$scenario" "$vantage")
	want_warns=$(expect_warns "$scenario" "$vantage")
	run_scenario "$scenario" "$vantage" "$tag" "$CONFIG"

	assert_eq "$at: exit status $want_rc" "$want_rc" "$RC"
	if ! jq -se 'length == 1 and (.[0] | type == "object")' "$WORK/$tag.out" >/dev/null 2>&1; then
		fail "$at: stdout is one JSON document" "$(stderr_tail "$tag")
stdout: $(head -c 300 "$WORK/$tag.out")"
		return
	fi
	pass "$at: stdout is one JSON document"
	assert_eq "$at: schema" "dsrcheck/1" "$(jqr "$tag" .schema)"
	verdict=pass
	[[ $want_rc == 1 ]] && verdict=fail
	assert_eq "$at: verdict" "$verdict" "$(jqr "$tag" .verdict)"
	local is_lb=false
	[[ $vantage == lb ]] && is_lb=true
	assert_eq "$at: vantage.is_balancer" "$is_lb" "$(jqr "$tag" .vantage.is_balancer)"
	assert_eq "$at: vantage.on_segment" true "$(jqr "$tag" .vantage.on_segment)"

	assert_eq "$at: failing checks (id server port reason)" \
		"$(printf '%s' "$want_fails" | LC_ALL=C sort)" "$(checks_with "$tag" fail)"
	assert_eq "$at: warnings (id server port reason)" \
		"$(printf '%s' "$want_warns" | LC_ALL=C sort)" "$(checks_with "$tag" warn)"

	# The report leads with one finding per broken thing, naming servers and ports.
	assert_eq "$at: findings (kind servers ports status)" \
		"$(expect_findings "$scenario" "$vantage" | LC_ALL=C sort)" "$(findings "$tag")"
	explained_once "$tag" "$at"
	formats_agree "$tag" "$at"

	# Every check of the contract is there, once.
	got=$(jqr "$tag" '.checks[] | "\(.id) \(.server // "-") \(.port // "-")"' | LC_ALL=C sort)
	local missing=""
	while read -r key; do
		n=$(grep -cxF "$key" <<<"$got" || true)
		[[ $n == 1 ]] || missing+="$key (x$n); "
	done < <(expected_checks)
	assert_eq "$at: each expected check reported exactly once" "" "$missing"
	local order="" s
	for s in rs1 rs2 rs3; do
		# Only the checks named above: later versions may add others in between.
		got=$(jqr "$tag" '.checks[] | select(.server == "'"$s"'") | "\(.id) \(.server) \(.port // "-")"' |
			grep -xF "$(server_checks "$s")" || true)
		[[ $got == "$(server_checks "$s")" ]] || order+="$s: $(tr '\n' ',' <<<"$got"); "
	done
	assert_eq "$at: each server's checks reported in plan order" "" "$order"

	assert_eq "$at: counts agree with checks" \
		"$(jqr "$tag" '[.checks[].status] | "\(map(select(. == "pass")) | length) \(map(select(. == "fail")) | length) \(map(select(. == "warn")) | length) \(map(select(. == "skip")) | length)"')" \
		"$(jqr "$tag" '.counts | "\(.pass) \(.fail) \(.warn) \(.skip)"')"
	assert_eq "$at: every failed check has a summary and a remedy" "" \
		"$(jqr "$tag" '.checks[] | select(.status == "fail")
			| select((.summary // "") == "" or (.remedy // "") == "") | "\(.id) \(.server)"')"
	assert_eq "$at: checks that pass carry no reason" "" \
		"$(jqr "$tag" '.checks[] | select(.status == "pass" and .reason != null) | "\(.id) \(.server) \(.reason)"')"

	assert_eq "$at: skipped checks (id server port reason)" \
		"$(expect_skips "$scenario" "$vantage" | LC_ALL=C sort)" "$(checks_with "$tag" skip)"
}

# IPv6 checks: the first word of the IPv4 twin's id carries the family (icmp6.vip,
# tcp6.rip), nd.* beside arp.*.
IPV6_IDS='^(nd|[a-z]+6)\\.'

# The IPv6 checks of dsrcheck-lab6.ini, "id server port", in plan order.
expected_checks6() {
	local s p
	echo "nd.vip - -"
	echo "nd.vip.claim - -"
	echo "icmp6.vip - -"
	for p in 80 8080; do echo "tcp6.vip - $p"; done
	for p in 80 8080; do echo "dsr6.return - $p"; done
	for p in 80 8080; do echo "tcp6.vip.conn - $p"; done
	for s in rs1 rs2 rs3; do
		echo "nd.vip.claim $s -"
		echo "icmp6.vip.direct $s -"
		for p in 80 8080; do echo "tcp6.vip.direct $s $p"; done
		echo "nd.rip $s -"
		echo "icmp6.rip $s -"
		for p in 80 8080; do echo "tcp6.rip $s $p"; done
	done
}

# check_dual SCENARIO VANTAGE: the lab audited as the dual-stack deployment it is
# (dsrcheck-lab6.ini), in every scenario: the checks of both families that fail, warn
# and are skipped (the IPv4 ones as with dsrcheck-lab.ini, the IPv6 ones as
# expect_fails6 and friends say), and one finding per broken thing, whichever
# families show it; a finding of one family's checks speaks that family's commands.
check_dual() {
	local scenario=$1 vantage=$2 tag="$1-$2-dual" at="$1 from $2, dual-stack" want
	want=$({
		expect_fails "$scenario" "$vantage"
		expect_fails6 "$scenario" "$vantage"
	} | LC_ALL=C sort)
	run_scenario "$scenario" "$vantage" "$tag" "$CONFIG6"
	assert_eq "$at: exit status" "$([[ -n $want ]] && echo 1 || echo 0)" "$RC"
	assert_eq "$at: failing checks (id server port reason)" "$want" "$(checks_with "$tag" fail)"
	assert_eq "$at: warnings (id server port reason)" \
		"$({
			expect_warns "$scenario" "$vantage"
			expect_warns6 "$scenario" "$vantage"
		} | LC_ALL=C sort)" "$(checks_with "$tag" warn)"
	assert_eq "$at: skipped checks (id server port reason)" \
		"$({
			expect_skips "$scenario" "$vantage"
			expect_skips6 "$scenario" "$vantage"
		} | LC_ALL=C sort)" "$(checks_with "$tag" skip)"
	# A fault both families show is one finding (the same line in both tables).
	assert_eq "$at: findings (kind servers ports status)" \
		"$({
			expect_findings "$scenario" "$vantage"
			expect_findings6 "$scenario" "$vantage"
		} | LC_ALL=C sort -u)" "$(findings "$tag")"
	explained_once "$tag" "$at"
	formats_agree "$tag" "$at"
	assert_eq "$at: the IPv6 findings' remedies name no IPv4 command" "" \
		"$(jqr "$tag" '.findings[] | select(all(.checks[]; .id | test("'"$IPV6_IDS"'"))) | .remedy' |
			grep -E 'arp_ignore=1|/32 dev lo|ipv4 set|iptables -S' || true)"
	assert_eq "$at: the IPv4 findings' remedies name no IPv6 command" "" \
		"$(jqr "$tag" '.findings[] | select(all(.checks[]; .id | test("'"$IPV6_IDS"'") | not)) | .remedy' |
			grep -E 'ip -6 |/128|ipv6 set|ip6tables' || true)"
	assert_eq "$at: each IPv6 check reported once, in plan order" "$(expected_checks6)" \
		"$(jqr "$tag" '.checks[] | select(.id | test("'"$IPV6_IDS"'")) | "\(.id) \(.server // "-") \(.port // "-")"')"
}

# assert_evidence TAG ID SERVER WORD: the evidence of that check names WORD (TAG:
# SCENARIO-VANTAGE, or SCENARIO-VANTAGE-dual for check_dual's run).
assert_evidence() {
	local tag=$1 id=$2 server=$3 word=$4 ev at=${1%-dual} dual=""
	[[ $tag == *-dual ]] && dual=", dual-stack"
	ev=$(evidence_strings "$tag" "$id" "$server")
	assert "${at%-*} from ${at##*-}$dual: $id $server evidence names $word" "evidence: $ev" \
		grep -qiF "$word" <<<"$ev"
}

# lab_up SCENARIO: build the lab, then show that its fault is on the wire.
LAB_PIDS=()
lab_up() {
	local out
	if ! out=$(bash "$LAB" up "$1" 2>&1); then
		fail "lab $1: up" "$out"
		return 1
	fi
	pass "lab $1: up"
	if [[ -f $ROOT/fixtures/lab/.state/pids ]]; then
		mapfile -t -O "${#LAB_PIDS[@]}" LAB_PIDS < <(awk '{ print $1 }' "$ROOT/fixtures/lab/.state/pids")
	fi
	if out=$(bash "$LAB" verify 2>&1); then
		pass "lab $1: the scenario's fault, and only it, is on the wire (lab.sh verify)"
	else
		fail "lab $1: the scenario's fault, and only it, is on the wire (lab.sh verify)" \
			"$(grep -v '^ok' <<<"$out")"
	fi
}

no_escapes() { ! grep -q $'\x1b' "$1"; }

# ms VALUE: "500ms", "1s", "2" (seconds) -> milliseconds.
ms() {
	case $1 in
	*ms) echo "${1%ms}" ;;
	*s) echo $((${1%s} * 1000)) ;;
	*) echo $(($1 * 1000)) ;;
	esac
}
ini_global() {
	awk -F= -v key="$1" '
		/^[[:space:]]*\[/ { in_global = ($0 ~ /^[[:space:]]*\[global\]/) }
		in_global && $1 ~ "^[[:space:]]*" key "[[:space:]]*$" { v = $2; sub(/;.*/, "", v); gsub(/[[:space:]]/, "", v); print v; exit }
	' "$CONFIG"
}

# ------------------------------------------------------------------------- scenarios

# Each scenario: its fault on the wire, then what it must show from the client and
# from the balancer, audited as IPv4 (dsrcheck-lab.ini) and as dual-stack
# (dsrcheck-lab6.ini).
both_vantages() {
	local scenario=$1 v
	lab_up "$scenario" || return 1
	for v in client lb; do check_run "$scenario" "$v"; done
	for v in client lb; do check_dual "$scenario" "$v"; done
}

scenario_healthy() {
	both_vantages healthy || return 0

	# A run takes about one timeout plus the listen window, not the sum of all probes.
	local timeout_ms retries listen_ms limit
	timeout_ms=$(ms "$(ini_global timeout)")
	retries=$(ini_global retries)
	listen_ms=$(ms "$(ini_global listen)")
	limit=$((timeout_ms * (retries + 1) + listen_ms + 1500))
	run_dsr client healthy-timing -f json -c "$CONFIG"
	if ((RC == 0 && ELAPSED_MS < limit)); then
		pass "healthy from client: run with 3 servers took ${ELAPSED_MS} ms (< $limit ms)"
	else
		fail "healthy from client: run with 3 servers took ${ELAPSED_MS} ms (want < $limit ms, exit 0)" \
			"$(stderr_tail healthy-timing)"
	fi

	# The text report (what `make demo` prints): last line is the verdict, no colour
	# when stdout is not a terminal.
	run_dsr client healthy-text -c "$CONFIG"
	assert_eq "healthy from client, text report: exit status 0" 0 "$RC"
	local last
	last=$(tail -n 1 "$WORK/healthy-text.out")
	assert "healthy from client, text report: last line 'dsrcheck: PASS (n checks)'" \
		"got: $last" grep -qxE 'dsrcheck: PASS \([0-9]+ checks\)' <<<"$last"
	assert "healthy from client, text report: no escape sequences off a terminal" "" \
		no_escapes "$WORK/healthy-text.out"

	# Configuration errors name file and line, and exit 2.
	local bad=$WORK/bad.ini line
	awk '{ print } /^rate[[:space:]]*=/ { print "colour = blue" }' "$CONFIG" >"$bad"
	line=$(grep -n '^colour = blue$' "$bad" | cut -d: -f1)
	run_dsr client bad-config -c "$bad"
	assert_eq "unknown key in configuration: exit status 2" 2 "$RC"
	assert "unknown key in configuration: message names bad.ini:$line" "$(stderr_tail bad-config)" \
		grep -qF "bad.ini:$line" "$WORK/bad-config.err"

	# An interface that does not exist: the run cannot be done.
	run_dsr client no-iface -f json -c "$CONFIG" -i nonexistent0
	assert_eq "-i nonexistent0: exit status 3" 3 "$RC"
	assert "-i nonexistent0: message names the interface" "$(stderr_tail no-iface)" \
		grep -qF nonexistent0 "$WORK/no-iface.err"

	# --report writes the same verdict to a file, and -q leaves stderr empty.
	run_dsr client report-file -q -c "$CONFIG" --report "json:$WORK/report.json"
	assert_eq "--report json: exit status 0" 0 "$RC"
	assert_eq "--report json: file holds the verdict" pass \
		"$(jq -r .verdict "$WORK/report.json" 2>/dev/null)"
	assert "--report json: no temporary file left" "$(ls "$WORK")" \
		bash -c "! ls '$WORK'/report.json.tmp.* >/dev/null 2>&1"
	assert "-q: nothing on stderr" "$(stderr_tail report-file)" test ! -s "$WORK/report-file.err"

	# Privileges are dropped once the capture is open, before any frame is parsed.
	ip netns exec dsrlab-client "$BIN" -q -c "$CONFIG" --listen 2s >/dev/null 2>&1 &
	local pid=$! caps=""
	sleep 1
	caps=$(awk '/^CapEff:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
	wait "$pid" || true
	assert_eq "capabilities dropped during the run (CapEff)" 0000000000000000 "$caps"
}

scenario_server_down() {
	both_vantages server-down || return 0

	run_dsr client server-down-text -c "$CONFIG"
	local last
	last=$(tail -n 1 "$WORK/server-down-text.out")
	assert "server-down from client, text report: last line 'dsrcheck: FAIL (7 of n failed)'" \
		"got: $last" grep -qxE 'dsrcheck: FAIL \(7 of [0-9]+ failed\)' <<<"$last"
}

both_macs() { [[ " $1 " == *" 02:00:00:00:00:02 "* && " $1 " == *" 02:00:00:00:00:12 "* ]]; }

scenario_arp_leak() {
	local v macs
	both_vantages arp-leak || return 0
	for v in client lb; do
		# Evidence layout is free; the MACs that answered must be in it.
		macs=$(jqr "arp-leak-$v" '[.checks[] | select(.id == "arp.vip") | .evidence | .. | strings] | join(" ")' |
			tr 'A-F' 'a-f' | grep -oE '([0-9a-f]{2}:){5}[0-9a-f]{2}' | LC_ALL=C sort -u | paste -sd' ' || true)
		assert "arp-leak from $v: arp.vip evidence names both 02:00:00:00:00:02 and 02:00:00:00:00:12" \
			"MACs in evidence: $macs" both_macs "$macs"
		assert_evidence "arp-leak-$v" arp.vip.claim rs2 02:00:00:00:00:12
	done
}

scenario_unbound() {
	both_vantages unbound || return 0
}

scenario_rip_conflict() {
	both_vantages rip-conflict || return 0
}

scenario_no_vip() {
	both_vantages no-vip || return 0
}

scenario_firewall() {
	both_vantages firewall || return 0
}

scenario_wrong_source() {
	local v
	both_vantages wrong-source || return 0
	# The address the answers came from, in each family.
	for v in client lb; do
		assert_evidence "wrong-source-$v" tcp.vip.direct rs2 198.18.0.12
		assert_evidence "wrong-source-$v-dual" tcp6.vip.direct rs2 2001:2::12
	done
}

scenario_garp() {
	local v
	both_vantages garp || return 0
	for v in client lb; do assert_evidence "garp-$v" arp.vip.claim rs3 02:00:00:00:00:13; done
}

scenario_arp_announce() {
	local v
	# Neighbour caches flushed before each run, --timeout 1500ms: see expect.sh.
	if both_vantages arp-announce; then
		for v in client lb; do assert_evidence "arp-announce-$v" arp.vip.claim rs1 02:00:00:00:00:11; done
	fi
}

scenario_no_balancer_vip() {
	both_vantages no-balancer-vip || return 0
}

scenario_proxy() {
	both_vantages proxy || return 0
}

scenario_vip_squatter() {
	local v
	both_vantages vip-squatter || return 0
	for v in client lb; do assert_evidence "vip-squatter-$v" arp.vip.claim - 02:00:00:00:00:99; done
}

scenario_per_packet() {
	local id tag port names
	both_vantages per-packet || return 0
	# The servers that answered parts of one connection are named: which two
	# depends on the balancer's counter, that there are two does not.
	for id in tcp.vip.conn tcp6.vip.conn; do
		tag=per-packet-client
		[[ $id == tcp6.* ]] && tag=per-packet-client-dual
		for port in 80 8080; do
			names=$(jqr "$tag" '.checks[] | select(.id == "'"$id"'" and .port == '"$port"')
				| .evidence.servers // [] | unique | join(" ")')
			assert "per-packet from client: $id $port names two servers or more" \
				"servers: $names" test "$(wc -w <<<"$names")" -ge 2
		done
	done
}

scenario_loss() {
	# 10 % of the frames are lost in each direction: --retries 5 (expect.sh).
	both_vantages loss || true
}

for s in "${SCENARIOS[@]}"; do
	if declare -F "scenario_${s//-/_}" >/dev/null; then
		"scenario_${s//-/_}"
	else
		# The IPv6 faults (EXPECT_SCENARIOS6): the tables, with either configuration.
		both_vantages "$s" || true
	fi
done

# ---------------------------------------------------------------------------- the lab

# `up` rebuilds from scratch: after rip-conflict, a healthy lab has no dsrlab-dup.
if out=$(bash "$LAB" up healthy 2>&1); then
	pass "lab: up over a running lab succeeds"
	if out=$(bash "$LAB" up healthy 2>&1); then pass "lab: up twice succeeds"; else fail "lab: up twice succeeds" "$out"; fi
	assert_eq "lab: up rebuilds (no namespace of the previous scenario left)" "" \
		"$(ip netns list | awk '{ print $1 }' | grep -x dsrlab-dup || true)"
	mapfile -t -O "${#LAB_PIDS[@]}" LAB_PIDS < <(awk '{ print $1 }' "$ROOT/fixtures/lab/.state/pids")
else
	fail "lab: up over a running lab succeeds" "$out"
fi

if out=$(bash "$LAB" down 2>&1); then pass "lab: down"; else fail "lab: down" "$out"; fi
assert_eq "lab: no dsrlab- namespace after down" "" \
	"$(ip netns list | awk '{ print $1 }' | grep '^dsrlab-' || true)"
left=""
for pid in "${LAB_PIDS[@]}"; do
	# A zombie holds nothing (and some init systems reap late): it counts as gone.
	if stat=$(cat "/proc/$pid/stat" 2>/dev/null) && [[ ${stat##*) } != Z* ]]; then
		left+="$pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true); "
	fi
done
assert_eq "lab: no lab process left after down (${#LAB_PIDS[@]} started)" "" "$left"
if out=$(bash "$LAB" down 2>&1); then pass "lab: down with nothing up succeeds"; else fail "lab: down with nothing up succeeds" "$out"; fi

tap_summary
