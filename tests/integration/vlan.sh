#!/usr/bin/env bash
# vlan.sh BINARY [SCENARIO...]: the VLAN lab (fixtures/lab/vlan.sh: a DSR service on
# VLAN 20, a trunk host carrying VLANs 20 and 30 tagged, VLAN 30's host holding the
# same VIP and rs1's address). Each scenario is built in both tag modes (metadata,
# inframe), `vlan.sh verify` shows its fault, and only it, on the wire, then dsrcheck
# audits VLAN 20 from the trunk (tagged, fixtures/lab/dsrcheck-vlan.ini) and from sub
# (untagged, as from a sub-interface: dsrcheck-vlan-sub.ini), and the suite asserts:
#   - the exact failing, warning and skipped checks and the findings of each run;
#   - the trunk's verdicts equal the sub-interface's (tcp.vip.conn aside: skipped on
#     a trunk, where this host's own TCP has no address);
#   - VLAN 30's host never appears in a report, while it announces the VIP on the
#     trunk and answers ARP requests there for the VIP and rs1's address;
#   - the evidence file (--pcap) holds frames tagged 20 and none of VLAN 30;
#   - a control: the same trunk audited without `vlan =` blames nobody of VLAN 30;
#   - (vlan-healthy) a flood of ARP requests for the trunk's source from rs3: the
#     replies stay bounded, the verdicts and exit status unchanged;
#   - analyze of a capture taken on the trunk during an audit, with the trunk's
#     configuration, gives the verdicts of the same capture without VLAN 30's frames.
#
# One line per assertion (`ok - ...` / `not ok - ...`), then `N passed, M failed`.
# Exit 0 when nothing failed, 1 otherwise (and when not root), 2 on a usage error.
# DSR_SKIP_INTEGRATION=1 skips everything (exit 0). The lab's namespaces have fixed
# names: the suite holds VLAN_LOCK (default /run/lock/dsrvl.lock) throughout.
# VLAN_TRUNK_ADDRESS is passed on to the lab (fixtures/lab/vlan.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/integration/lab-test.sh
. "$ROOT/tests/integration/lab-test.sh"
# The shared teardown takes this lab down, not the classic one.
LAB=$ROOT/fixtures/lab/vlan.sh
ALL_SCENARIOS=(vlan-healthy vlan-claim vlan-direct)
TAG_MODES=(metadata inframe)
OTHER_MAC=02:00:00:00:30:11
VIP=198.18.20.100
RS1=198.18.20.11

lab_test_begin vlan.sh "VLAN integration tests" "sudo tests/integration/vlan.sh ./dsrcheck"
(($# >= 1)) || lab_test_usage "vlan.sh BINARY [SCENARIO...]"
lab_test_binary "$1"
shift
lab_test_need ip tc tcpdump clang python3 jq timeout flock
SCENARIOS=("$@")
((${#SCENARIOS[@]} > 0)) || SCENARIOS=("${ALL_SCENARIOS[@]}")
for s in "${SCENARIOS[@]}"; do
	if [[ " ${ALL_SCENARIOS[*]} " != *" $s "* ]]; then
		echo "vlan.sh: unknown scenario '$s' (one of: ${ALL_SCENARIOS[*]})" >&2
		exit 2
	fi
done

mkdir -p "$(dirname "${VLAN_LOCK:-/run/lock/dsrvl.lock}")"
exec 8>"${VLAN_LOCK:-/run/lock/dsrvl.lock}"
if ! flock -w 900 8; then
	echo "vlan.sh: the VLAN lab stayed in use for 15 minutes" >&2
	exit 1
fi

# Background helpers of a run (capture, VLAN-30 noise), stopped by the teardown too.
OWN_PIDS=()
lab_test_stop_own() {
	local pid
	for pid in "${OWN_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${OWN_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	OWN_PIDS=()
}
lab_test_start dsrcheck-vlan

# shellcheck source=tests/tap.sh
source "$ROOT/tests/tap.sh"

py=/usr/bin/python3
[[ -x $py ]] || py=$(command -v python3)

TRUNK_CONFIG=fixtures/lab/dsrcheck-vlan.ini
SUB_CONFIG=fixtures/lab/dsrcheck-vlan-sub.ini
# The control: the trunk's own configuration without its `vlan =` (and the `source` that
# goes with it: untagged probes leave from the interface's own address).
UNTAGGED_CONFIG=$WORK/dsrcheck-vlan-untagged.ini
sed '/^vlan = /d; /^source = /d' "$TRUNK_CONFIG" >"$UNTAGGED_CONFIG"
RUN_LIMIT=60 # seconds: no single dsrcheck run may hang the suite

# run_dsr VANTAGE TAG ARGS...: dsrcheck in dsrvl-VANTAGE (lab-test.sh's lab_test_dsr).
run_dsr() { lab_test_dsr "dsrvl-$1" "${@:2}"; }
jqr() { lab_test_jq "$@"; }
checks_with() { lab_test_checks_with "$@"; }
# verdicts TAG: every check but tcp.vip.conn, "id server port status reason", sorted.
verdicts() {
	jqr "$1" '.checks[] | select(.id != "tcp.vip.conn")
		| "\(.id) \(.server // "-") \(.port // "-") \(.status) \(.reason // "-")"' | LC_ALL=C sort
}
findings() {
	jqr "$1" '.findings[] | "\(.kind) \(.servers | join(",") | if . == "" then "-" else . end) \(.ports | map(tostring) | join(",") | if . == "" then "-" else . end) \(.status)"' |
		LC_ALL=C sort
}

# What dsrcheck must report on VLAN 20, from the trunk and from sub alike.
expect_fails() {
	case $1 in
	vlan-claim) printf '%s\n' "arp.vip - - conflict" "arp.vip.claim rs2 - claimed" ;;
	vlan-direct)
		printf '%s\n' "icmp.vip.direct rs2 - timeout" "tcp.vip.direct rs2 80 timeout" \
			"tcp.vip.direct rs2 8080 timeout"
		;;
	esac
}
expect_findings() {
	case $1 in
	vlan-claim) echo "server-claims-vip rs2 - fail" ;;
	vlan-direct) echo "vip-dropped rs2 80,8080 fail" ;;
	esac
	return 0
}
# On the trunk this host's own TCP has no address in VLAN 20.
TRUNK_SKIPS=$(printf '%s\n' "tcp.vip.conn - 80 tagged" "tcp.vip.conn - 8080 tagged")

# noise: VLAN 30 on the trunk while a run listens, besides its host's announcements:
# tagged ARP requests for the VIP and rs1's address that it answers, from another MAC
# than VLAN 20's owners. Bounded: 8 requests of 0.3 s.
noise() {
	local i
	for ((i = 0; i < 4; i++)); do
		for target in "$VIP" "$RS1"; do
			ip netns exec dsrvl-trunk "$py" fixtures/lab/vlanwire.py arp eth0 30 198.18.20.61 "$target" 0.3 \
				>/dev/null 2>&1 || true
		done
	done
}
start_noise() {
	noise </dev/null 8>&- &
	OWN_PIDS+=("$!")
}

# capture_start FILE: tcpdump -w on the trunk's eth0 (bounded), once it listens.
capture_start() {
	local file=$1
	timeout 30 ip netns exec dsrvl-trunk tcpdump -i eth0 -nn -U -c 5000 -w "$file" \
		</dev/null 2>"$file.err" 8>&- &
	OWN_PIDS+=("$!")
	lab_test_wait_line "$file.err" 'listening on' "$!" 10 || true
}

# pcap_count FILE FILTER: how many frames of FILE match FILTER (0 without FILE).
pcap_count() {
	{ tcpdump -r "$1" -nn "$2" 2>/dev/null || true; } | wc -l
}

# never_other TAG WHAT: VLAN 30's host is nowhere in the report.
never_other() {
	assert_eq "$2: VLAN 30's host ($OTHER_MAC) appears nowhere in the report" 0 \
		"$(grep -ci "$OTHER_MAC" "$WORK/$1.out" || true)"
}

# check_trunk SCENARIO MODE: the audit from the trunk, tagged, with its evidence file
# and a capture of the trunk's eth0 for analyze.
check_trunk() {
	local s=$1 m=$2 tag="$1-$2-trunk" at="$1 ($2 tags) from the trunk" want_rc=0
	[[ -z $(expect_fails "$s") ]] || want_rc=1
	capture_start "$WORK/$tag-wire.pcap"
	start_noise
	run_dsr trunk "$tag" -f json -c "$TRUNK_CONFIG" --pcap "$WORK/$tag.pcap"
	# The capture holds VLAN 30's announcement (one every 0.5 s) even after a short run.
	local tries
	for ((tries = 0; tries < 20; tries++)); do
		(($(pcap_count "$WORK/$tag-wire.pcap" "vlan 30 and ether src $OTHER_MAC") > 0)) && break
		sleep 0.1
	done
	lab_test_stop_own
	assert_eq "$at: exit status $want_rc" "$want_rc" "$RC"
	assert_eq "$at: stderr" "" "$(grep -v '^dsrcheck: evidence' "$WORK/$tag.err" || true)"
	assert_eq "$at: failing checks (id server port reason)" "$(expect_fails "$s" | LC_ALL=C sort)" \
		"$(checks_with "$tag" fail)"
	assert_eq "$at: warnings" "" "$(checks_with "$tag" warn)"
	assert_eq "$at: skipped checks" "$TRUNK_SKIPS" "$(checks_with "$tag" skip)"
	assert_eq "$at: findings (kind servers ports status)" "$(expect_findings "$s")" "$(findings "$tag")"
	assert_eq "$at: every check and finding is on VLAN 20" "20" \
		"$(jqr "$tag" '[.checks[].vlan, .findings[].vlan] | unique | map(tostring) | join(" ")')"
	assert_eq "$at: vantage: VLAN 20 tagged from 198.18.20.60" "20 198.18.20.60" \
		"$(jqr "$tag" '.vantage.tagged[] | "\(.vlan) \(.source)"')"
	never_other "$tag" "$at"
	local n20 n30
	n20=$(pcap_count "$WORK/$tag.pcap" 'vlan 20')
	n30=$(pcap_count "$WORK/$tag.pcap" 'vlan 30')
	assert "$at: the evidence file holds frames tagged VLAN 20 ($n20)" "" test "$n20" -gt 0
	assert_eq "$at: the evidence file holds no frame of VLAN 30" 0 "$n30"
	n30=$(pcap_count "$WORK/$tag-wire.pcap" "vlan 30 and ether src $OTHER_MAC")
	assert "$at: VLAN 30's host was on the trunk during the run ($n30 frames)" "" test "$n30" -gt 0
}

# check_flood SCENARIO MODE: rs3 floods ARP requests for the trunk's source (8000, about
# 4000 a second) while dsrcheck audits from the trunk: its replies to rs3 stay within one
# per 500 ms, and the run, its verdicts and exit status are the scenario's. Without the
# bound every request seen got a reply and the replies ended the run at its frame cap
# (exit 3).
RS3_MAC=02:00:00:00:20:13
check_flood() {
	local s=$1 m=$2 tag="$1-$2-flood" at="$1 ($2 tags) from the trunk, rs3 flooding ARP for the source"
	local want_rc=0 asked answered ms
	[[ -z $(expect_fails "$s") ]] || want_rc=1
	ip netns exec dsrvl-rs3 "$py" fixtures/lab/wire.py ask eth0 198.18.20.60 0.0002 8000 \
		</dev/null >/dev/null 2>&1 8>&- &
	OWN_PIDS+=("$!")
	sleep 0.2
	run_dsr trunk "$tag" -f json -c "$TRUNK_CONFIG" --pcap "$WORK/$tag.pcap"
	lab_test_stop_own
	assert_eq "$at: exit status $want_rc" "$want_rc" "$RC"
	assert_eq "$at: stderr" "" "$(grep -v '^dsrcheck: evidence' "$WORK/$tag.err" || true)"
	assert_eq "$at: failing checks (id server port reason)" "$(expect_fails "$s" | LC_ALL=C sort)" \
		"$(checks_with "$tag" fail)"
	assert_eq "$at: skipped checks" "$TRUNK_SKIPS" "$(checks_with "$tag" skip)"
	asked=$(pcap_count "$WORK/$tag.pcap" "vlan 20 and arp and ether src $RS3_MAC and arp[6:2] = 1 and arp[24:4] = 0xc612143c")
	answered=$(pcap_count "$WORK/$tag.pcap" "vlan 20 and arp and ether dst $RS3_MAC and arp[6:2] = 2 and arp[14:4] = 0xc612143c")
	ms=$(jqr "$tag" .duration_ms)
	assert "$at: the flood reached dsrcheck ($asked requests in the evidence)" "" test "$asked" -ge 100
	assert "$at: replies to rs3 ($answered in $ms ms) at most one per 500 ms" "" \
		test "$answered" -ge 1 -a "$answered" -le $((ms / 500 + 1))
}

# check_sub SCENARIO: the same service from sub, untagged; then (b): its verdicts are
# the trunk's.
check_sub() {
	local s=$1 tag="$1-sub" at="$1 from sub (untagged)" want_rc=0 m
	[[ -z $(expect_fails "$s") ]] || want_rc=1
	run_dsr sub "$tag" -f json -c "$SUB_CONFIG"
	assert_eq "$at: exit status $want_rc" "$want_rc" "$RC"
	assert_eq "$at: failing checks (id server port reason)" "$(expect_fails "$s" | LC_ALL=C sort)" \
		"$(checks_with "$tag" fail)"
	assert_eq "$at: warnings" "" "$(checks_with "$tag" warn)"
	assert_eq "$at: skipped checks" "" "$(checks_with "$tag" skip)"
	assert_eq "$at: findings (kind servers ports status)" "$(expect_findings "$s")" "$(findings "$tag")"
	never_other "$tag" "$at"
	for m in "${TAG_MODES[@]}"; do
		[[ -f $WORK/$s-$m-trunk.out ]] || continue
		assert_eq "$s: the trunk's verdicts ($m tags) are the sub-interface's (id server port status reason)" \
			"$(verdicts "$tag")" "$(verdicts "$s-$m-trunk")"
	done
}

# check_untagged SCENARIO MODE: the control. The trunk audited as today's untagged
# dsrcheck would, by an operator who gave its eth0 an address in the service's subnet
# (for the run only): the trunk has no native VLAN, so nothing of VLAN 20 answers the
# untagged probes, and VLAN 30's announcements and answers, tagged, must not be taken
# for owners or claims. (Without that address dsrcheck would judge no ARP at all:
# not on the segment.)
check_untagged() {
	local s=$1 m=$2 tag="$1-$2-untagged" at="$1 ($2 tags) from the trunk without vlan ="
	ip -n dsrvl-trunk addr add 198.18.20.60/24 dev eth0
	start_noise
	run_dsr trunk "$tag" -f json -c "$UNTAGGED_CONFIG"
	lab_test_stop_own
	ip -n dsrvl-trunk addr del 198.18.20.60/24 dev eth0
	assert_eq "$at: on the servers' segment" true "$(jqr "$tag" .vantage.on_segment)"
	assert_eq "$at: a report" "yes" "$(jqr "$tag" 'if .checks then "yes" else "no" end')"
	never_other "$tag" "$at"
	assert_eq "$at: no conflict, owner or claim blamed" "" \
		"$(jqr "$tag" '.checks[] | select(.reason == "conflict" or .reason == "wrong-owner" or .reason == "claimed"
			or .reason == "unknown-host" or .reason == "wrong-mac" or .reason == "split-brain") | "\(.id) \(.reason)"')"
}

# check_analyze SCENARIO MODE: analyze the trunk's capture with the trunk's
# configuration, and the same capture with VLAN 30's frames taken out.
check_analyze() {
	local s=$1 m=$2 cap="$WORK/$1-$2-trunk-wire.pcap" at="$1 ($2 tags): analyze of the trunk's capture"
	tcpdump -r "$cap" -w "$WORK/$s-$m-vlan20.pcap" 'vlan 20' 2>/dev/null || true
	run_dsr trunk "$s-$m-analyze" analyze "$cap" -f json -c "$TRUNK_CONFIG"
	run_dsr trunk "$s-$m-analyze20" analyze "$WORK/$s-$m-vlan20.pcap" -f json -c "$TRUNK_CONFIG"
	assert_eq "$at: a report" "yes" "$(jqr "$s-$m-analyze" 'if .checks then "yes" else "no" end')"
	assert_eq "$at: the verdicts of the capture without VLAN 30 (id server port status reason)" \
		"$(verdicts "$s-$m-analyze20")" "$(verdicts "$s-$m-analyze")"
	never_other "$s-$m-analyze" "$at"
}

# vl_up SCENARIO MODE: build it (8>&-: the lab's processes must not hold our lock),
# then its fault, and only it, on the wire.
vl_up() {
	local out
	if ! out=$(bash "$LAB" up "$1:$2" 2>&1 8>&-); then
		fail "vlan $1 ($2 tags): up" "$out"
		return 1
	fi
	pass "vlan $1 ($2 tags): up ($(bash "$LAB" status 2>/dev/null | sed -n 's/^scenario: .*switch //p') switch)"
	if out=$(bash "$LAB" verify 2>&1 8>&-); then
		pass "vlan $1 ($2 tags): tags, VLAN separation and the scenario's fault on the wire (vlan.sh verify)"
	else
		fail "vlan $1 ($2 tags): tags, VLAN separation and the scenario's fault on the wire (vlan.sh verify)" \
			"$(grep -v '^ok' <<<"$out")"
	fi
}

for s in "${SCENARIOS[@]}"; do
	for m in "${TAG_MODES[@]}"; do
		vl_up "$s" "$m" || continue
		check_trunk "$s" "$m"
		if [[ $m == metadata ]]; then
			[[ $s != vlan-healthy ]] || check_flood "$s" "$m"
			check_untagged "$s" "$m"
			check_analyze "$s" "$m"
		fi
	done
	# sub's path never crosses the trunk: once, on the last lab built.
	check_sub "$s"
done

# ---------------------------------------------------------------------- teardown

if out=$(bash "$LAB" down 2>&1); then pass "vlan: down"; else fail "vlan: down" "$out"; fi
assert_eq "vlan: no dsrvl- namespace after down" "" "$(ip netns list | awk '$1 ~ /^dsrvl-/ { print $1 }')"
assert_eq "vlan: no process of the lab left after down" "" \
	"$(pgrep -a -f "$ROOT/fixtures/lab/.state-vlan/" || true)"
if out=$(bash "$LAB" down 2>&1); then pass "vlan: down with nothing up succeeds"; else fail "vlan: down with nothing up succeeds" "$out"; fi

tap_summary
