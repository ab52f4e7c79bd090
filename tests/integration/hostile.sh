#!/usr/bin/env bash
# hostile.sh BINARY: dsrcheck on a segment where another host sends hostile frames.
# In the lab's `no-vip` scenario (rs2 has no VIP on its loopback, so rs2's direct
# checks must time out: icmp.vip.direct rs2, tcp.vip.direct rs2 80 and 8080),
# dsrcheck runs from the client (and from the balancer) with
# `-f json -c fixtures/lab/dsrcheck-lab.ini --pcap ...` while rs3 sends, with
# `wire.py hostile` at a fixed rate: dsrcheck starts once the sender says it is
# sending (and, for spoof, watching for dsrcheck's probes), and the sender is
# stopped once dsrcheck has finished, so that every frame dsrcheck captures is
# captured in hostile traffic however slowly either of them starts (bounded: by
# RUN_LIMIT, and by the sender's own limit):
#   truncated    Ethernet, ARP (VIP claims), IPv4/TCP, ICMP frames cut at every length
#   oversized    frames of the MTU, one byte over, VLAN-tagged, jumbo (refused locally)
#   lying        IPv4 total length / IHL, TCP data offset, ARP htype/ptype/hlen/plen,
#                ICMP quotes and fragment fields that lie
#   arpops       ARP frames with the VIP as sender whose opcode is neither request
#                nor reply (0, 3, 4, 65535): no host acts on them, so no claim
#   unsolicited  SYN-ACKs, RSTs, echo replies and ICMP errors for probes never sent
#   spoof        SYN-ACKs from the VIP with a wrong MAC and random acknowledgement
#                numbers, aimed at dsrcheck's source ports (learnt from the probes
#                rs3 receives itself; swept over 33000-45200 until then)
#   arpflood     20000 ARP replies and requests for random 198.19.x.x addresses from
#                random MACs
#   mix          all of these but arpops, interleaved (the run from the balancer)
# and `wire.py forge`: rs3 answers, from the VIP and its own MAC, every probe of the
# run whose identifiers it can derive from the probes it receives itself (dsrcheck
# starts once it listens).
#
# Each run must give: no crash (exit status below 128, not killed by the time
# limit, no sanitizer report on stderr), exit status 1 and exactly the scenario's
# failing checks (no false pass, no false failure), one JSON document, peak RSS
# (/usr/bin/time %M) below RSS_LIMIT_KB, and, so that the run proves something, the
# hostile frames in dsrcheck's own evidence capture. A last run floods claims for
# the VIP from random MACs: those are real claims on the wire, and dsrcheck must
# report them (arp.vip conflict, service-level arp.vip.claim unknown-host).
#
# One line per assertion (`ok - ...` / `not ok - ...`), then `N passed, M failed`.
# Exit 0 when nothing failed, 1 otherwise (and when not root), 2 on a usage error.
# DSR_SKIP_INTEGRATION=1 skips. Only the lab's namespaces and 198.18.0.0/15 are
# used; the lab is torn down on exit, whatever happens.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/integration/lab-test.sh
. "$ROOT/tests/integration/lab-test.sh"
WIRE=$ROOT/fixtures/lab/wire.py
CONFIG=fixtures/lab/dsrcheck-lab.ini
SCENARIO=no-vip
VIP=198.18.0.100
SENDER=rs3         # the hostile host: a lab namespace that is not dsrcheck's
RUN_LIMIT=60       # seconds: no dsrcheck run may hang the suite, nor a sender start up for longer
RSS_LIMIT_KB=65536 # 64 MiB
declare -A MAC_OF=([client]=02:00:00:00:00:50 [lb]=02:00:00:00:00:02)
declare -A IP_OF=([client]=198.18.0.50 [lb]=198.18.0.2)
# What no-vip must fail, from both vantages ("id server port reason").
WANT_FAILS=$(printf '%s\n' "icmp.vip.direct rs2 - timeout" "tcp.vip.direct rs2 80 timeout" \
	"tcp.vip.direct rs2 8080 timeout")

lab_test_begin hostile.sh "integration tests" "sudo make check"
(($# == 1)) || lab_test_usage "hostile.sh BINARY"
lab_test_binary "$1"
lab_test_need jq ip python3 timeout /usr/bin/time

SENDER_PID=
lab_test_stop_own() { if [[ -n $SENDER_PID ]]; then kill "$SENDER_PID" 2>/dev/null || true; fi; }
lab_test_start dsrcheck-hostile

# ------------------------------------------------------------------ assertions

# shellcheck source=tests/tap.sh
source "$ROOT/tests/tap.sh"

# --------------------------------------------------------------------- running

# pcap_foreign FILE: frames in a pcap file whose Ethernet source is none of the
# lab's hosts (the hostile sender's random MACs), and all frames: "FOREIGN TOTAL".
pcap_foreign() {
	python3 - "$1" <<'EOF'
import struct, sys
lab = {bytes.fromhex(m) for m in ("020000000050", "020000000002", "020000000011",
                                  "020000000012", "020000000013")}
foreign = total = 0
try:
    with open(sys.argv[1], "rb") as f:
        head = f.read(24)
        endian = "<" if head[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                break
            incl = struct.unpack(endian + "IIII", rec)[2]
            data = f.read(incl)
            total += 1
            if len(data) >= 12 and data[6:12] not in lab:
                foreign += 1
except OSError:
    pass
print(foreign, total)
EOF
}

# run_dsr VANTAGE TAG: dsrcheck from dsrlab-VANTAGE under GNU time; sets RC and RSS_KB.
RC=0
RSS_KB=
run_dsr() {
	local vantage=$1 tag=$2
	RC=0
	timeout "$RUN_LIMIT" ip netns exec "dsrlab-$vantage" /usr/bin/time -f '%M' -o "$WORK/$tag.time" \
		"$BIN" -f json -c "$CONFIG" --pcap "$WORK/$tag.pcap" >"$WORK/$tag.out" 2>"$WORK/$tag.err" </dev/null &
	wait "$!" || RC=$?
	RSS_KB=$(tail -n 1 "$WORK/$tag.time" 2>/dev/null | grep -xE '[0-9]+' || true)
}

# start_sender TAG READY ARGS...: `wire.py ARGS...` in the sender's namespace, bounded
# by RUN_LIMIT (its own limit) and the timeout around it; returns once the sender
# has printed a line matching READY (it sends, or listens), or has ended.
start_sender() {
	local tag=$1 ready=$2
	shift 2
	timeout $((RUN_LIMIT + 10)) ip netns exec "dsrlab-$SENDER" python3 "$WIRE" "$@" "$RUN_LIMIT" \
		>"$WORK/$tag.sender" 2>&1 </dev/null &
	SENDER_PID=$!
	lab_test_wait_line "$WORK/$tag.sender" "$ready" "$SENDER_PID" "$RUN_LIMIT" || true
}
# stop_sender: dsrcheck has finished; the sender stops (SIGTERM) and says what it sent.
stop_sender() {
	kill -TERM "$SENDER_PID" 2>/dev/null || true
	wait "$SENDER_PID" || true
	SENDER_PID=
}

failing_set() { # TAG
	jq -r '.checks[] | select(.status == "fail") | "\(.id) \(.server // "-") \(.port // "-") \(.reason // "-")"' \
		"$WORK/$1.out" 2>/dev/null | LC_ALL=C sort || true
}

# check_run TAG WHAT WANT_FAILS [MIN_FOREIGN]: what every run must show.
check_run() {
	local tag=$1 what=$2 want=$3 min_foreign=${4:-0} crash="" foreign total
	if ((RC >= 124)) || grep -q 'terminated by signal' "$WORK/$tag.time" 2>/dev/null; then
		crash="exit status $RC $(grep -h 'signal' "$WORK/$tag.time" 2>/dev/null || true)"
	fi
	if grep -qE 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' "$WORK/$tag.err"; then
		crash+=" sanitizer: $(grep -m 3 -E 'Sanitizer|runtime error:' "$WORK/$tag.err")"
	fi
	if [[ -z $crash ]]; then
		pass "$what: no crash (exit status $RC, no sanitizer report)"
	else
		fail "$what: no crash" "$crash
$(tail -n 5 "$WORK/$tag.err")"
	fi
	assert_eq "$what: exit status 1" 1 "$RC"
	if jq -se 'length == 1 and (.[0].checks | type == "array")' "$WORK/$tag.out" >/dev/null 2>&1; then
		pass "$what: stdout is one JSON report"
	else
		fail "$what: stdout is one JSON report" "$(tail -n 3 "$WORK/$tag.err")"
	fi
	assert_eq "$what: failing checks are exactly the scenario's (id server port reason)" \
		"$(printf '%s' "$want" | LC_ALL=C sort)" "$(failing_set "$tag")"
	if [[ -n $RSS_KB ]] && ((RSS_KB < RSS_LIMIT_KB)); then
		pass "$what: peak RSS $RSS_KB KiB (< $RSS_LIMIT_KB)"
	else
		fail "$what: peak RSS ${RSS_KB:-unknown} KiB (want < $RSS_LIMIT_KB)" "$(cat "$WORK/$tag.time" 2>/dev/null)"
	fi
	read -r foreign total < <(pcap_foreign "$WORK/$tag.pcap")
	if ((min_foreign > 0)); then
		if ((foreign >= min_foreign)); then
			pass "$what: the hostile frames reached dsrcheck ($foreign of $total frames in its capture)"
		else
			fail "$what: the hostile frames reached dsrcheck ($foreign of $total frames in its capture, want >= $min_foreign)" \
				"sender: $(cat "$WORK/$tag.sender" 2>/dev/null)"
		fi
	fi
	echo "# $what: exit $RC, peak RSS ${RSS_KB:-?} KiB, $total frames captured ($foreign foreign)"
}

# hostile_run VANTAGE KIND RATE MIN_FOREIGN [WANT_FAILS]: KIND frames from the
# sender, RATE a second, for as long as dsrcheck runs from VANTAGE. The rates are
# the pace of the fixed windows this suite had (COUNT frames in 3 s), doubled for
# the kinds of which few frames pass dsrcheck's capture filter (truncated,
# oversized, unsolicited, mix), so that one run (about 1 s of capture with the
# lab's configuration) holds at least twice MIN_FOREIGN; the floods keep their
# pace, which already gives them several times their minimum.
hostile_run() {
	local vantage=$1 kind=$2 rate=$3 min_foreign=$4 want=${5:-$WANT_FAILS}
	local tag="$kind-$vantage" what="$kind from $SENDER, dsrcheck from $vantage" line
	start_sender "$tag" "^sending $kind " hostile eth0 "$kind" "${MAC_OF[$vantage]}" "${IP_OF[$vantage]}" "$VIP" "$rate"
	run_dsr "$vantage" "$tag"
	stop_sender
	line=$(tail -n 1 "$WORK/$tag.sender" 2>/dev/null || true)
	if [[ $line =~ ^sent\ ([0-9]+)\ $kind ]] && ((BASH_REMATCH[1] > 0)); then
		pass "$what: sender ran ($line)"
	else
		fail "$what: sender ran" "$(tail -n 5 "$WORK/$tag.sender" 2>/dev/null)"
	fi
	check_run "$tag" "$what" "$want" "$min_foreign"
}

# forge_run VANTAGE: the sender derives the run's probe identifiers from the probes
# it receives itself, and answers rs2's probes from the VIP with its own MAC.
forge_run() {
	local vantage=$1 tag="forge-$1" what="forged answers from $SENDER, dsrcheck from $1" line
	start_sender "$tag" "^listening " forge eth0 "$VIP"
	run_dsr "$vantage" "$tag"
	stop_sender
	line=$(tail -n 1 "$WORK/$tag.sender" 2>/dev/null || true)
	if [[ $line == forged* ]]; then
		pass "$what: sender forged answers ($line)"
	else
		fail "$what: sender forged answers" "$(tail -n 5 "$WORK/$tag.sender" 2>/dev/null)"
	fi
	check_run "$tag" "$what" "$WANT_FAILS"
	local macs
	macs=$(jq -r '[.checks[] | select(.server == "rs2" and (.id | endswith(".direct")) and .status == "pass")
		| "\(.id) \(.port // "-") answered by \(.evidence.mac // "?")"] | join("; ")' "$WORK/$tag.out" 2>/dev/null || true)
	if [[ -n $macs ]]; then echo "# $what: false passes: $macs"; fi
}

# ---------------------------------------------------------------------- the lab

out=$(bash "$LAB" up "$SCENARIO" 2>&1) || {
	fail "lab $SCENARIO: up" "$out"
	echo "$PASSED passed, $FAILED failed"
	exit 1
}
pass "lab $SCENARIO: up"
if out=$(bash "$LAB" verify 2>&1); then
	pass "lab $SCENARIO: the scenario's fault, and only it, is on the wire (lab.sh verify)"
else
	fail "lab $SCENARIO: the scenario's fault, and only it, is on the wire (lab.sh verify)" "$(grep -v '^ok' <<<"$out")"
fi

# Without hostile traffic first: what the hostile runs are compared with.
run_dsr client quiet-client
check_run quiet-client "no hostile traffic, dsrcheck from client" "$WANT_FAILS"

hostile_run client truncated 4000 100
hostile_run client oversized 2000 100
hostile_run client lying 2000 100
hostile_run client arpops 667 100
hostile_run client unsolicited 4000 100
hostile_run client spoof 6667 10
hostile_run client arpflood 6667 1000
hostile_run lb mix 13333 1000
forge_run client
forge_run lb

# Claims for the VIP from random MACs are real claims: they must be reported.
hostile_run client vipclaims 6667 1000 "$(printf '%s\n' "$WANT_FAILS" "arp.vip - - conflict" \
	"arp.vip.claim - - unknown-host")"

# The lab itself is unharmed: without the sender, the same verdict as at first.
run_dsr client after-client
check_run after-client "after the hostile runs, no hostile traffic, dsrcheck from client" "$WANT_FAILS"

if out=$(bash "$LAB" down 2>&1); then pass "lab: down"; else fail "lab: down" "$out"; fi
assert_eq "lab: no dsrlab- namespace left" "" "$(ip netns list | awk '{ print $1 }' | grep '^dsrlab-' || true)"

tap_summary
