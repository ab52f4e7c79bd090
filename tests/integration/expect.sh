# expect.sh: what dsrcheck must report in each scenario of the lab (fixtures/lab), run
# from the client or from the balancer with `-c fixtures/lab/dsrcheck-lab.ini` (IPv4),
# and with `-c fixtures/lab/dsrcheck-lab6.ini` (dual-stack: the same IPv4 lines, and
# the IPv6 ones of expect_fails6 and friends).
# Sourced (not run) by tests/integration/run.sh, which asserts it on every scenario, and
# by bench/loss.sh, which counts the runs that differ from it under random frame loss:
# one table for both, so that the benchmark measures against what the tests require.
#
# Checks are one a line, "id server port reason", "-" for none. Every check not listed
# passes. Nothing here runs a command or needs root.
# shellcheck shell=bash

# shellcheck disable=SC2034 # read by the scripts that source this file
EXPECT_SCENARIOS=(healthy server-down arp-leak unbound rip-conflict no-vip firewall wrong-source garp
	arp-announce no-balancer-vip proxy vip-squatter loss per-packet)
# The lab's IPv6 faults: the IPv4 side of each is healthy, so with dsrcheck-lab.ini
# (IPv4 only) every check passes, and the lab's NDP and MLD change no verdict; with
# dsrcheck-lab6.ini (dual-stack) the IPv6 checks show the fault (expect_fails6).
# Apart from EXPECT_SCENARIOS, so that bench/loss.sh does not run them for nothing.
EXPECT_SCENARIOS6=(vip6-on-nic proxy-ndp unsolicited-na no-vip6 unbound6 wrong-source6 lb-no-vip6)

# expect_fails SCENARIO VANTAGE: the checks that fail (VANTAGE: client or lb).
expect_fails() {
	local scenario=$1 vantage=$2
	case $scenario in
	server-down)
		# rs2's MAC is configured: its probes addressed to the VIP are still sent
		# there when its ARP goes unanswered, so they time out rather than not
		# being sent.
		printf '%s\n' "arp.rip rs2 - no-answer" "icmp.rip rs2 - timeout" \
			"tcp.rip rs2 80 timeout" "tcp.rip rs2 8080 timeout" "icmp.vip.direct rs2 - timeout" \
			"tcp.vip.direct rs2 80 timeout" "tcp.vip.direct rs2 8080 timeout"
		;;
	arp-leak) printf '%s\n' "arp.vip - - conflict" "arp.vip.claim rs2 - claimed" ;;
	unbound)
		# From the client, the flows through the balancer land on rs1 and are
		# refused too; dsr.return passes: the RST comes straight from rs1's MAC.
		# From the balancer the VIP is local: only the probes addressed to the VIP
		# at rs1's MAC show the fault.
		[[ $vantage == client ]] && printf '%s\n' "tcp.vip - 80 refused" "tcp.vip - 8080 refused"
		printf '%s\n' "tcp.vip.direct rs1 80 refused" "tcp.vip.direct rs1 8080 refused"
		;;
	rip-conflict) echo "arp.rip rs1 - conflict" ;;
	no-vip)
		printf '%s\n' "icmp.vip.direct rs2 - timeout" "tcp.vip.direct rs2 80 timeout" \
			"tcp.vip.direct rs2 8080 timeout"
		;;
	firewall)
		printf '%s\n' "icmp.vip.direct rs3 - timeout" "tcp.vip.direct rs3 80 timeout" \
			"tcp.vip.direct rs3 8080 timeout"
		;;
	wrong-source)
		printf '%s\n' "icmp.vip.direct rs2 - wrong-source" "tcp.vip.direct rs2 80 wrong-source" \
			"tcp.vip.direct rs2 8080 wrong-source"
		;;
	garp) echo "arp.vip.claim rs3 - claimed" ;;
	arp-announce) echo "arp.vip.claim rs1 - claimed" ;;
	no-balancer-vip)
		# On the balancer too: the VIP is no longer local, so it is probed like
		# anywhere else (and nothing answers).
		printf '%s\n' "arp.vip - - no-answer" "icmp.vip - - timeout" "tcp.vip - 80 timeout" \
			"tcp.vip - 8080 timeout"
		;;
	vip-squatter) printf '%s\n' "arp.vip - - conflict" "arp.vip.claim - - unknown-host" ;;
	per-packet)
		# Every SYN is answered: only a whole connection shows that its ACK and FIN
		# went to other servers. From the balancer the VIP is local: nothing fails.
		[[ $vantage == client ]] && printf '%s\n' "tcp.vip.conn - 80 spread" "tcp.vip.conn - 8080 spread"
		;;
	healthy | proxy | loss) ;;
	esac
}

# expect_warns SCENARIO VANTAGE: the checks that warn. In proxy every check passes
# (the balancer answers the VIP), but the return path shows it is not doing DSR.
expect_warns() {
	if [[ $1 == proxy && $2 == client ]]; then
		printf '%s\n' "dsr.return - 80 via-balancer" "dsr.return - 8080 via-balancer"
	fi
}

# expect_findings SCENARIO VANTAGE: what the report leads with (src/diagnose.h), one
# finding a line, "kind servers ports status" ("-" for none, lists comma-separated):
# one per broken thing, however many checks show it.
expect_findings() {
	local scenario=$1 vantage=$2
	case $scenario in
	server-down) echo "server-down rs2 80,8080 fail" ;;
	arp-leak) echo "server-claims-vip rs2 - fail" ;;
	unbound) echo "not-bound rs1 80,8080 fail" ;;
	rip-conflict) echo "address-conflict rs1 - fail" ;;
	no-vip) echo "vip-dropped rs2 80,8080 fail" ;;
	firewall) echo "vip-dropped rs3 80,8080 fail" ;;
	wrong-source) echo "wrong-source rs2 80,8080 fail" ;;
	garp) echo "server-claims-vip rs3 - fail" ;;
	arp-announce) echo "server-claims-vip rs1 - fail" ;;
	no-balancer-vip) echo "balancer-not-owner - 80,8080 fail" ;;
	vip-squatter) echo "unknown-claims-vip - - fail" ;;
	per-packet) [[ $vantage == client ]] && echo "per-packet - 80,8080 fail" ;;
	proxy) [[ $vantage == client ]] && echo "via-balancer - 80,8080 warn" ;;
	healthy | loss) ;;
	esac
	return 0
}

# expect_skips SCENARIO VANTAGE: what cannot be probed from a vantage is skipped,
# with the reason why: on the balancer the VIP is its own; where nothing answers
# the VIP, there is no return path to look at.
expect_skips() {
	local scenario=$1 vantage=$2
	if [[ $scenario == no-balancer-vip ]]; then
		printf '%s\n' "dsr.return - 80 no-answer" "dsr.return - 8080 no-answer" \
			"tcp.vip.conn - 80 no-answer" "tcp.vip.conn - 8080 no-answer"
	elif [[ $vantage == lb ]]; then
		printf '%s\n' "icmp.vip - - vip-is-local" "tcp.vip - 80 vip-is-local" "tcp.vip - 8080 vip-is-local" \
			"dsr.return - 80 vip-is-local" "dsr.return - 8080 vip-is-local" \
			"tcp.vip.conn - 80 vip-is-local" "tcp.vip.conn - 8080 vip-is-local"
	elif [[ $scenario == unbound ]]; then
		# The VIP refuses every connection: tcp.vip says so, there is nothing to follow.
		printf '%s\n' "tcp.vip.conn - 80 no-answer" "tcp.vip.conn - 8080 no-answer"
	fi
}

# expect_fails6 SCENARIO VANTAGE: the IPv6 checks that fail with dsrcheck-lab6.ini, in
# every scenario (the IPv4 ones are expect_fails'). The IPv4 faults that are the
# host's or the segment's show in IPv6 too: server-down (rs2's link), rip-conflict
# (dup clones both addresses), firewall (rs3 drops both VIPs), wrong-source (rs2
# rewrites both); loss drops both families' frames (every verdict still right with
# --retries 5). Those of ARP (arp-leak, garp, arp-announce, vip-squatter) and of one
# family's configuration (unbound, no-vip, no-balancer-vip) leave IPv6 healthy.
# per-packet and proxy are the balancer's, in both families: tcp6.vip.conn spreads,
# dsr6.return comes back through the balancer (expect_warns6).
expect_fails6() {
	case $1 in
	server-down)
		printf '%s\n' "nd.rip rs2 - no-answer" "icmp6.rip rs2 - timeout" \
			"tcp6.rip rs2 80 timeout" "tcp6.rip rs2 8080 timeout" "icmp6.vip.direct rs2 - timeout" \
			"tcp6.vip.direct rs2 80 timeout" "tcp6.vip.direct rs2 8080 timeout"
		;;
	rip-conflict) echo "nd.rip rs1 - conflict" ;;
	firewall)
		printf '%s\n' "icmp6.vip.direct rs3 - timeout" "tcp6.vip.direct rs3 80 timeout" \
			"tcp6.vip.direct rs3 8080 timeout"
		;;
	vip6-on-nic | proxy-ndp | unsolicited-na)
		# rs2 answers (on its NIC, or by proxy NDP without the override flag) or
		# announces the IPv6 VIP: two owners, and rs2's claim, from either vantage.
		printf '%s\n' "nd.vip - - conflict" "nd.vip.claim rs2 - claimed"
		;;
	no-vip6)
		printf '%s\n' "icmp6.vip.direct rs2 - timeout" "tcp6.vip.direct rs2 80 timeout" \
			"tcp6.vip.direct rs2 8080 timeout"
		;;
	unbound6) printf '%s\n' "tcp6.vip.direct rs2 80 refused" "tcp6.vip.direct rs2 8080 refused" ;;
	wrong-source | wrong-source6)
		printf '%s\n' "icmp6.vip.direct rs2 - wrong-source" "tcp6.vip.direct rs2 80 wrong-source" \
			"tcp6.vip.direct rs2 8080 wrong-source"
		;;
	per-packet)
		# The balancer's counter spreads IPv6 connections too (measured from the
		# client with dsrcheck-lab6.ini: both ports spread over rs1 and rs2).
		[[ $2 == client ]] && printf '%s\n' "tcp6.vip.conn - 80 spread" "tcp6.vip.conn - 8080 spread"
		;;
	lb-no-vip6)
		# Nobody advertises the IPv6 VIP, so its probes have nowhere to go; on the
		# balancer too, which no longer holds it.
		printf '%s\n' "nd.vip - - no-answer" "icmp6.vip - - timeout" "tcp6.vip - 80 timeout" \
			"tcp6.vip - 8080 timeout"
		;;
	esac
	return 0
}

# expect_warns6 SCENARIO VANTAGE: the IPv6 checks that warn with dsrcheck-lab6.ini.
# In proxy the balancer answers for the IPv6 VIP too (measured from the client).
expect_warns6() {
	if [[ $1 == proxy && $2 == client ]]; then
		printf '%s\n' "dsr6.return - 80 via-balancer" "dsr6.return - 8080 via-balancer"
	fi
	return 0
}

# expect_findings6 SCENARIO VANTAGE: the findings the IPv6 checks make (as
# expect_findings'), from either vantage. A fault both families show is one finding:
# the same line as expect_findings' (run.sh takes the two tables' union).
expect_findings6() {
	case $1 in
	server-down) echo "server-down rs2 80,8080 fail" ;;
	rip-conflict) echo "address-conflict rs1 - fail" ;;
	firewall) echo "vip-dropped rs3 80,8080 fail" ;;
	per-packet) [[ $2 == client ]] && echo "per-packet - 80,8080 fail" ;;
	proxy) [[ $2 == client ]] && echo "via-balancer - 80,8080 warn" ;;
	vip6-on-nic | proxy-ndp | unsolicited-na) echo "server-claims-vip rs2 - fail" ;;
	no-vip6) echo "vip-dropped rs2 80,8080 fail" ;;
	unbound6) echo "not-bound rs2 80,8080 fail" ;;
	wrong-source | wrong-source6) echo "wrong-source rs2 80,8080 fail" ;;
	lb-no-vip6) echo "balancer-not-owner - 80,8080 fail" ;;
	esac
	return 0
}

# expect_skips6 SCENARIO VANTAGE: on the balancer holding the IPv6 VIP, its own
# probes through the balancer are skipped; where nothing answers the IPv6 VIP,
# there is no return path or connection to follow (tcp6.vip says why).
expect_skips6() {
	if [[ $1 == lb-no-vip6 ]]; then
		printf '%s\n' "dsr6.return - 80 no-answer" "dsr6.return - 8080 no-answer" \
			"tcp6.vip.conn - 80 no-answer" "tcp6.vip.conn - 8080 no-answer"
	elif [[ $2 == lb ]]; then
		printf '%s\n' "icmp6.vip - - vip-is-local" "tcp6.vip - 80 vip-is-local" "tcp6.vip - 8080 vip-is-local" \
			"dsr6.return - 80 vip-is-local" "dsr6.return - 8080 vip-is-local" \
			"tcp6.vip.conn - 80 vip-is-local" "tcp6.vip.conn - 8080 vip-is-local"
	fi
}

# expect_pin_vip6 SCENARIO: as expect_pin_vip, for the IPv6 VIP in the dual-stack
# runs. Where rs2 advertises VIP6 too, the client's neighbour entry follows the
# last advertisement with the override flag (rs2's, or the balancer's answer to
# dsrcheck's own solicitations), so one connection (tcp6.vip.conn) could start at
# rs2 and go on through the balancer to rs1, which resets it: a real client there
# is just as unlucky, and nd.vip says why.
expect_pin_vip6() { [[ $1 == vip6-on-nic || $1 == proxy-ndp || $1 == unsolicited-na ]]; }

# expect_rc SCENARIO VANTAGE: dsrcheck's exit status, 1 when anything fails.
expect_rc() {
	if [[ -n $(expect_fails "$1" "$2") ]]; then echo 1; else echo 0; fi
}

# expect_args SCENARIO: the extra dsrcheck arguments of the scenario's runs, one a line.
expect_args() {
	case $1 in
	arp-leak | arp-announce)
		# arp-leak: rs2 has arp_announce=0 too. Both: from the balancer, the
		# server's answers come a second late when it has to resolve the
		# balancer's address first (the balancer does not answer a request from its
		# own VIP; the kernel asks again a second later from the real address).
		printf '%s\n' --timeout 1500ms
		;;
	loss)
		# 10 % of the frames are lost in each direction: with 5 retries every
		# verdict must still be right.
		printf '%s\n' --retries 5
		;;
	esac
}

# expect_flush_neigh SCENARIO: true when the real servers' neighbour caches must be
# flushed right before each run. rs1 in arp-announce uses the VIP as sender address
# only when it has to resolve the prober while answering from the VIP; the previous
# run, or lab.sh verify, taught it the prober's MAC.
expect_flush_neigh() { [[ $1 == arp-announce ]]; }

# expect_pin_vip SCENARIO: true when the client's kernel must send its own
# connections (tcp.vip.conn) to the balancer's MAC during the run. In vip-squatter
# its neighbour entry for the VIP follows whichever ARP answer came last, the
# balancer's or the squatter's (which refuses every connection), so the check
# would pass or skip by chance; a real client there is just as unlucky, and
# arp.vip says why.
expect_pin_vip() { [[ $1 == vip-squatter ]]; }
