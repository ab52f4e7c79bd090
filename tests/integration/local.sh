#!/usr/bin/env bash
# local.sh BINARY [--record DIR]: `dsrcheck local` for real, inside the lab's real-server
# namespaces (fixtures/lab). For every lab scenario it runs
#   ip netns exec dsrlab-rsN BINARY local --vip 198.18.0.100 --port 80 --port 8080 -f json
# on rs1, rs2 and rs3 and asserts the exit status and exactly which checks do not pass
# (id, port, status, reason) against the table below. Then faults the lab does not have
# but `local` checks are made inside one server's namespace of a healthy lab (strict
# rp_filter, with and without a default route elsewhere; the VIP with a /24, on eth0, on
# an interface with ARP off; an nft input policy drop; arp_ignore=8), each undone by bringing
# the lab up again, and the lab is torn down by a trap whatever happens. Nothing leaves
# the lab's namespaces; every address is in 198.18.0.0/15.
#
# --record DIR also keeps each run's snapshot (--save-snapshot) as
# DIR/lab-SCENARIO-NODE.snap: that is how fixtures/local/lab-*.snap were recorded.
#
# The lab serves one user at a time: this waits (up to LAB_WAIT seconds) until no lab
# namespace has been up for a few seconds before it starts, rather than tearing down
# someone else's lab.
#
# Then the IPv6 checks (local6.vip, local6.proxy_ndp, local6.listen, local6.firewall), in two
# namespaces of its own (dsrl6s-PID, the server, and dsrl6p-PID, a neighbour on a veth pair;
# 198.18.0.0/15 and 2001:2::/48 only), rebuilt for each case: healthy, the VIP6 on eth0, the
# VIP6 tentative (duplicate address detection held open by dad_transmits), the VIP6 dadfailed
# (the neighbour holds it), proxy NDP for the VIP6, a service on IPv4 and the real IPv6 address
# only, an ip6 input policy drop. LOCAL_IPV6_ONLY=1 runs only these, without the lab (and
# without touching it).
#
# One line per assertion (`ok - ...` / `not ok - ...`), then `N passed, M failed`.
# Exit 0 when nothing failed, 1 otherwise (and when not root), 2 on a usage error.
# DSR_SKIP_INTEGRATION=1 skips everything (exit 0).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/integration/lab-test.sh
. "$ROOT/tests/integration/lab-test.sh"
VIP=198.18.0.100
PORTS=(80 8080)
SERVERS=(rs1 rs2 rs3)
SCENARIOS=(healthy server-down arp-leak unbound rip-conflict no-vip firewall wrong-source garp
	arp-announce no-balancer-vip proxy vip-squatter loss)
VARIATIONS=(rp-strict-nodefault rp-strict-multihomed rp-loose-multihomed vip-mask24 vip-on-eth0
	vip-on-noarp nft-policy-drop arp-ignore-8)
RUN_LIMIT=30  # seconds: no dsrcheck local run may hang the suite
LAB_WAIT=${LAB_WAIT:-1800}

lab_test_begin local.sh "local integration tests" "sudo make check"
RECORD=
if (($# == 3)) && [[ $2 == --record ]]; then
	RECORD=$3
	mkdir -p "$RECORD"
	RECORD=$(cd "$RECORD" && pwd)
elif (($# != 1)); then
	lab_test_usage "local.sh BINARY [--record DIR]"
fi
lab_test_binary "$1"
lab_test_need jq ip nft timeout python3
IPV6_ONLY=${LOCAL_IPV6_ONLY:-0}
[[ $IPV6_ONLY == 1 ]] || lab_test_wait_for_lab "$LAB_WAIT"
lab_test_start dsrcheck-local
VIP6=2001:2::100
SRV6=dsrl6s-$$
PEER6=dsrl6p-$$
# The IPv6 cases' namespaces go whatever happens (lab_test_teardown calls this).
lab_test_stop_own() {
	if [[ -s $WORK/listen6.pid ]]; then
		kill "$(cat "$WORK/listen6.pid")" 2>/dev/null || true
		rm -f "$WORK/listen6.pid"
	fi
	ip netns del "$SRV6" 2>/dev/null || true
	ip netns del "$PEER6" 2>/dev/null || true
}
if [[ $IPV6_ONLY == 1 ]]; then
	# no lab was used: leave it alone, clean only what this run made
	trap 'rc=$?; trap - EXIT; lab_test_stop_own; rm -rf "$WORK"; exit $rc' EXIT
fi

# shellcheck source=tests/tap.sh
source "$ROOT/tests/tap.sh"

# ------------------------------------------------------------------- expectations

# expect SCENARIO NODE: the checks that do not pass, one a line, "id port status reason"
# ("-" for no port), sorted. Every other check passes.
expect() {
	local s=$1 node=$2
	case "$s/$node" in
	server-down/rs2)
		# eth0 is down: no interface faces the segment, so there is no ARP to judge.
		printf '%s\n' "local.arp.announce - skip no-interface" "local.arp.ignore - skip no-interface" \
			"local.rp_filter - skip no-interface"
		;;
	arp-leak/rs2)
		printf '%s\n' "local.arp.announce - fail too-permissive" "local.arp.ignore - fail too-permissive"
		;;
	arp-announce/rs1) echo "local.arp.announce - fail too-permissive" ;;
	unbound/rs1) printf '%s\n' "local.listen 80 fail not-bound" "local.listen 8080 fail not-bound" ;;
	no-vip/rs2) echo "local.vip - fail missing" ;;
	firewall/rs3) printf '%s\n' "local.firewall 80 fail dropped" "local.firewall 8080 fail dropped" ;;
	# Variations, each in one server of a healthy lab.
	rp-strict-nodefault/rs1) echo "local.rp_filter - warn strict" ;;
	rp-strict-multihomed/rs2) echo "local.rp_filter - fail strict" ;;
	vip-mask24/rs3) echo "local.vip - fail wrong-mask" ;;
	vip-on-eth0/rs1) echo "local.vip - fail not-loopback" ;;
	nft-policy-drop/rs1) echo "local.firewall 8080 fail policy-drop" ;;
	arp-ignore-8/rs3) echo "local.arp.ignore - warn too-strict" ;;
	*) ;; # wrong-source, garp, rip-conflict ...: nothing local shows (README)
	esac
}

# nx NODE CMD...: CMD in the lab node's namespace.
nx() {
	local node=$1
	shift
	ip netns exec "dsrlab-$node" "$@"
}
# nsysctl NODE KEY VALUE: /proc/sys/net is per namespace, no sysctl(8) needed.
# shellcheck disable=SC2016 # expanded by the inner sh
nsysctl() { nx "$1" sh -c 'printf "%s\n" "$2" >"/proc/sys/$1"' sh "${2//.//}" "$3"; }

# second_interface NODE: dsrx0 and its peer dsrx1, both in NODE's namespace, up.
second_interface() {
	nx "$1" ip link add dsrx0 type veth peer name dsrx1
	nx "$1" ip link set dsrx1 up
	nx "$1" ip link set dsrx0 up
}

# vary NAME: apply a local-only fault to a healthy lab; prints the node it changed.
vary() {
	case $1 in
	rp-strict-nodefault)
		nsysctl rs1 net.ipv4.conf.all.rp_filter 1
		echo rs1
		;;
	rp-strict-multihomed | rp-loose-multihomed)
		# A second interface holds the default route: clients beyond eth0's subnet
		# are routed back through it. A veth pair with both ends in the namespace, so
		# nothing leaves it (and lab kernels may lack the dummy driver).
		second_interface rs2
		nx rs2 ip addr add 198.19.0.2/24 dev dsrx0
		nx rs2 ip route add default via 198.19.0.1 dev dsrx0
		nsysctl rs2 net.ipv4.conf.eth0.rp_filter "$([[ $1 == rp-strict-multihomed ]] && echo 1 || echo 2)"
		echo rs2
		;;
	vip-mask24)
		nx rs3 ip addr del "$VIP/32" dev lo
		nx rs3 ip addr add "$VIP/24" dev lo
		echo rs3
		;;
	vip-on-eth0)
		nx rs1 ip addr del "$VIP/32" dev lo
		nx rs1 ip addr add "$VIP/32" dev eth0
		echo rs1
		;;
	vip-on-noarp)
		# The VIP on an interface that takes no part in ARP (as on a dummy).
		second_interface rs2
		nx rs2 ip link set dsrx0 arp off
		nx rs2 ip addr del "$VIP/32" dev lo
		nx rs2 ip addr add "$VIP/32" dev dsrx0
		echo rs2
		;;
	nft-policy-drop)
		nx rs1 nft -f - <<EOF
table inet dsrlocal {
	chain input {
		type filter hook input priority 0; policy drop;
		ct state established,related accept
		iifname "lo" accept
		tcp dport 80 accept
	}
}
EOF
		echo rs1
		;;
	arp-ignore-8)
		nsysctl rs3 net.ipv4.conf.all.arp_ignore 8
		echo rs3
		;;
	esac
}

# check_node CASE NODE: runs dsrcheck local in NODE and asserts what it reports.
check_node() {
	local case=$1 node=$2 rc=0 want got want_rc=0 args=()
	[[ -n $RECORD ]] && args=(--save-snapshot "$WORK/$case-$node.snap")
	timeout "$RUN_LIMIT" ip netns exec "dsrlab-$node" "$BIN" local --vip "$VIP" --port "${PORTS[0]}" \
		--port "${PORTS[1]}" -f json "${args[@]}" >"$WORK/$case-$node.json" 2>"$WORK/$case-$node.err" \
		</dev/null || rc=$?
	want=$(expect "$case" "$node" | LC_ALL=C sort)
	grep -q ' fail ' <<<"$want" && want_rc=1
	assert_eq "$case: $node: exit status" "$want_rc" "$rc"
	got=$(jq -r '.checks[] | select(.status != "pass") | "\(.id) \(.port // "-") \(.status) \(.reason)"' \
		"$WORK/$case-$node.json" 2>/dev/null | LC_ALL=C sort) || got="(no JSON report: $(head -c 300 "$WORK/$case-$node.err"))"
	assert_eq "$case: $node: checks that do not pass" "$want" "$got"
	# Every check that fails names the command that fixes it.
	got=$(jq -r '[.checks[] | select(.status == "fail" and (.remedy // "") == "")] | length' \
		"$WORK/$case-$node.json" 2>/dev/null || echo "?")
	assert_eq "$case: $node: every failure has a remedy" 0 "$got"
	if [[ -n $RECORD && -n $want ]]; then cp "$WORK/$case-$node.snap" "$RECORD/lab-$case-$node.snap"; fi
	if [[ -n $RECORD && $case == healthy && $node == rs1 ]]; then cp "$WORK/$case-$node.snap" "$RECORD/lab-healthy-rs1.snap"; fi
}

if [[ $IPV6_ONLY == 1 ]]; then
	SCENARIOS=()
	VARIATIONS=()
fi
for s in "${SCENARIOS[@]}"; do
	if ! bash "$LAB" up "$s" >"$WORK/lab-$s.log" 2>&1; then
		fail "lab up $s" "$(tail -n 5 "$WORK/lab-$s.log")"
		continue
	fi
	for node in "${SERVERS[@]}"; do check_node "$s" "$node"; done
done

for v in "${VARIATIONS[@]}"; do
	if ! bash "$LAB" up healthy >"$WORK/lab-$v.log" 2>&1; then
		fail "lab up healthy for $v" "$(tail -n 5 "$WORK/lab-$v.log")"
		continue
	fi
	# A command of vary that fails must fail the case, not test a half-made fault.
	node=$(bash -ec "$(declare -f nx nsysctl second_interface vary); VIP=$VIP; vary $v" \
		2>>"$WORK/lab-$v.log") || {
		fail "$v: could not be applied" "$(tail -n 5 "$WORK/lab-$v.log")"
		continue
	}
	check_node "$v" "$node"
done

# ------------------------------------------------------------------- IPv6

# s6 CMD...: CMD in the IPv6 server's namespace; p6 in its neighbour's.
s6() { ip netns exec "$SRV6" "$@"; }
p6() { ip netns exec "$PEER6" "$@"; }

# listen6 ADDR...: a process in the server listening on port 80 of each address (a socket
# on :: is made V6ONLY, so IPv4 stays with 0.0.0.0), for at most RUN_LIMIT*4 seconds.
listen6() {
	ip netns exec "$SRV6" timeout $((RUN_LIMIT * 4)) python3 -c '
import socket, sys, time
socks = []
for a in sys.argv[1:]:
    fam = socket.AF_INET6 if ":" in a else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((a, 80)); s.listen(4); socks.append(s)
print("up", flush=True)
time.sleep(3600)' "$@" >"$WORK/listen6.out" 2>&1 &
	local pid=$! end=$((SECONDS + 10))
	echo "$pid" >"$WORK/listen6.pid"
	until grep -q up "$WORK/listen6.out" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null && ((SECONDS < end)) || return 1
		sleep 0.1
	done
}

# setup6: a dual-stack server prepared for DSR (VIP and VIP6 on lo, the ARP sysctls set) and
# a neighbour, on a veth pair; every address nodad so that nothing is tentative by accident.
setup6() {
	lab_test_stop_own
	ip netns add "$SRV6"
	ip netns add "$PEER6"
	ip link add eth0 netns "$SRV6" type veth peer name eth0 netns "$PEER6"
	s6 ip link set lo up
	s6 sh -c 'echo 1 >/proc/sys/net/ipv4/conf/all/arp_ignore; echo 2 >/proc/sys/net/ipv4/conf/all/arp_announce'
	s6 ip addr add 198.18.0.100/32 dev lo
	s6 ip -6 addr add "$VIP6/128" dev lo
	s6 ip addr add 198.18.0.11/24 dev eth0
	s6 ip -6 addr add 2001:2::11/64 dev eth0 nodad
	p6 ip addr add 198.18.0.1/24 dev eth0
	p6 ip -6 addr add 2001:2::1/64 dev eth0 nodad
	s6 ip link set eth0 up
	p6 ip link set eth0 up
}

# wait6 FLAG: until the server's eth0 shows the VIP6 with FLAG (ip -6 addr), at most 10 s.
wait6() {
	local end=$((SECONDS + 10))
	until s6 ip -6 addr show dev eth0 | grep -q "$VIP6/128.*$1"; do
		((SECONDS < end)) || return 1
		sleep 0.2
	done
}

# vary6 CASE: the IPv6 fault of CASE on a fresh server.
vary6() {
	case $1 in
	healthy6 | vip6-only) listen6 0.0.0.0 :: ;;
	vip6-on-eth0)
		listen6 0.0.0.0 ::
		s6 ip -6 addr del "$VIP6/128" dev lo
		s6 ip -6 addr add "$VIP6/128" dev eth0 nodad
		;;
	vip6-tentative)
		# DAD held open for 100 s: 100 solicitations 1 s apart, nobody answering
		listen6 0.0.0.0 ::
		s6 sh -c 'echo 100 >/proc/sys/net/ipv6/conf/eth0/dad_transmits;
			echo 1000 >/proc/sys/net/ipv6/neigh/eth0/retrans_time_ms'
		s6 ip -6 addr add "$VIP6/128" dev eth0
		wait6 tentative
		;;
	vip6-dadfailed)
		# the neighbour holds the VIP6: the server's DAD for it on eth0 fails
		listen6 0.0.0.0 ::
		s6 ip -6 addr del "$VIP6/128" dev lo
		p6 ip -6 addr add "$VIP6/128" dev eth0 nodad
		s6 ip -6 addr add "$VIP6/128" dev eth0
		wait6 dadfailed
		;;
	proxy-ndp)
		listen6 0.0.0.0 ::
		s6 sh -c 'echo 1 >/proc/sys/net/ipv6/conf/eth0/proxy_ndp'
		s6 ip -6 neigh add proxy "$VIP6" dev eth0
		;;
	listen6-real-only) listen6 0.0.0.0 2001:2::11 ;;
	ip6-policy-drop)
		listen6 0.0.0.0 ::
		s6 nft 'add table ip6 dsrlocal6; add chain ip6 dsrlocal6 input { type filter hook input priority 0; policy drop; }; add rule ip6 dsrlocal6 input ip6 nexthdr icmpv6 accept'
		;;
	esac
}

expect6() {
	case $1 in
	vip6-on-eth0) echo "local6.vip - fail not-loopback" ;;
	vip6-tentative) echo "local6.vip - fail tentative" ;;
	vip6-dadfailed) echo "local6.vip - fail dadfailed" ;;
	proxy-ndp) echo "local6.proxy_ndp - fail proxied" ;;
	listen6-real-only) echo "local6.listen 80 fail not-bound" ;;
	ip6-policy-drop) echo "local6.firewall 80 fail policy-drop" ;;
	*) ;;
	esac
}

for c in healthy6 vip6-only vip6-on-eth0 vip6-tentative vip6-dadfailed proxy-ndp listen6-real-only \
	ip6-policy-drop; do
	if ! (set -e; setup6; vary6 "$c") >"$WORK/$c.log" 2>&1; then
		fail "$c: could not be applied" "$(tail -n 5 "$WORK/$c.log")"
		continue
	fi
	vips=(--vip "$VIP" --vip "$VIP6")
	[[ $c == vip6-only ]] && vips=(--vip "$VIP6")
	rc=0
	timeout "$RUN_LIMIT" ip netns exec "$SRV6" "$BIN" local "${vips[@]}" --port 80 -f json \
		>"$WORK/$c.json" 2>"$WORK/$c.err" </dev/null || rc=$?
	want=$(expect6 "$c" | LC_ALL=C sort)
	want_rc=0
	[[ -n $want ]] && want_rc=1
	assert_eq "$c: exit status" "$want_rc" "$rc"
	got=$(jq -r '.checks[] | select(.status != "pass") | "\(.id) \(.port // "-") \(.status) \(.reason)"' \
		"$WORK/$c.json" 2>/dev/null | LC_ALL=C sort) || got="(no JSON report: $(head -c 300 "$WORK/$c.err"))"
	assert_eq "$c: checks that do not pass" "$want" "$got"
	got=$(jq -r '[.checks[].id | select(startswith("local6."))] | length' \
		"$WORK/$c.json" 2>/dev/null || echo "?")
	assert_eq "$c: the four IPv6 checks ran" 4 "$got"
	got=$(jq -r '[.checks[] | select(.status == "fail" and (.remedy // "") == "")] | length' \
		"$WORK/$c.json" 2>/dev/null || echo "?")
	assert_eq "$c: every failure has a remedy" 0 "$got"
	lab_test_stop_own
done

tap_summary
