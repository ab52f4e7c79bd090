#!/usr/bin/env bash
# ha.sh BINARY [SCENARIO...]: the HA lab (fixtures/lab/ha.sh: keepalived VRRP pair,
# nftlb in DSR mode). Each scenario is built, then `ha.sh verify` shows that its
# fault, and only it, is on the wire; failovers (graceful and crash) are made and
# followed on the wire; the teardown leaves nothing behind.
#
# dsrcheck runs in every scenario from the client, the master (lb1) and the backup
# (lb2) with fixtures/lab/dsrcheck-ha.ini; its exact failing, warning and skipped
# checks are asserted (check_dsrcheck), and an audit runs across a failover.
#
# One line per assertion (`ok - ...` / `not ok - ...`), then `N passed, M failed`.
# Exit 0 when nothing failed, 1 otherwise (and when not root), 2 on a usage error.
# DSR_SKIP_INTEGRATION=1 skips everything (exit 0). The HA lab's namespaces have
# fixed names: the suite holds HA_LOCK (default /run/lock/dsrha.lock) throughout.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/integration/lab-test.sh
. "$ROOT/tests/integration/lab-test.sh"
# The shared teardown takes this lab down, not the classic one.
LAB=$ROOT/fixtures/lab/ha.sh
ALL_SCENARIOS=(ha-healthy ha-vmac ha-vmac-announce ha-vrrp3 split-brain server-wins-arp per-packet)
VIP=198.18.0.100

lab_test_begin ha.sh "HA integration tests" "sudo tests/integration/ha.sh ./dsrcheck"
(($# >= 1)) || lab_test_usage "ha.sh BINARY [SCENARIO...]"
lab_test_binary "$1"
shift
lab_test_need ip nft python3 timeout keepalived nftlb flock
SCENARIOS=("$@")
((${#SCENARIOS[@]} > 0)) || SCENARIOS=("${ALL_SCENARIOS[@]}")
for s in "${SCENARIOS[@]}"; do
	if [[ " ${ALL_SCENARIOS[*]} " != *" $s "* ]]; then
		echo "ha.sh: unknown scenario '$s' (one of: ${ALL_SCENARIOS[*]})" >&2
		exit 2
	fi
done

mkdir -p "$(dirname "${HA_LOCK:-/run/lock/dsrha.lock}")"
exec 8>"${HA_LOCK:-/run/lock/dsrha.lock}"
if ! flock -w 900 8; then
	echo "ha.sh: the HA lab stayed in use for 15 minutes" >&2
	exit 1
fi
lab_test_start dsrcheck-ha

# shellcheck source=tests/tap.sh
source "$ROOT/tests/tap.sh"

py=/usr/bin/python3
[[ -x $py ]] || py=$(command -v python3)
hawire() { ip netns exec dsrha-client "$py" "$ROOT/fixtures/lab/hawire.py" "$@"; }

CONFIG=fixtures/lab/dsrcheck-ha.ini
RUN_LIMIT=60 # seconds: no single dsrcheck run may hang the suite

# run_dsr VANTAGE TAG ARGS...: dsrcheck in dsrha-VANTAGE (lab-test.sh's lab_test_dsr).
run_dsr() { lab_test_dsr "dsrha-$1" "${@:2}"; }
jqr() { lab_test_jq "$@"; }
checks_with() { lab_test_checks_with "$@"; }

# The master holds the VIP: the checks that need a client are skipped there.
VIP_LOCAL_SKIPS=$(printf '%s\n' "icmp.vip - - vip-is-local" "tcp.vip - 80 vip-is-local" \
	"tcp.vip - 8080 vip-is-local" "dsr.return - 80 vip-is-local" "dsr.return - 8080 vip-is-local" \
	"tcp.vip.conn - 80 vip-is-local" "tcp.vip.conn - 8080 vip-is-local")

# holder SCENARIO VANTAGE: where the VANTAGE holds the VIP ("" for nowhere).
holder() {
	case "$1:$2" in
	*:client | *-failover-*:lb1) echo "" ;;
	split-brain:lb1 | split-brain:lb2) echo eth0 ;;
	*:lb2) echo "" ;;
	ha-vmac:lb1 | ha-vmac-announce:lb1) echo vrrp.51 ;;
	*:lb1) echo eth0 ;;
	esac
}

# expect_fails SCENARIO VANTAGE: the failing checks, "id server port reason".
expect_fails() {
	case "$1:$2" in
	# The master cannot see its own frames: its leak shows from every other host.
	ha-vmac-announce:client | ha-vmac-announce:lb2) echo "arp.vip.claim - - base-mac" ;;
	# Both advertise: vrrp.master names the two masters, from every vantage (a
	# master sees its own advertisements and its peer's, which it drops on input).
	split-brain:*) printf '%s\n' "arp.vip - - split-brain" "vrrp.master - - split-brain" ;;
	server-wins-arp:*) printf '%s\n' "arp.vip - - conflict" "arp.vip.claim rs1 - claimed" ;;
	# nftlb's rr: every SYN is answered, each connection's ACK reaches another
	# server. Seen wherever the VIP is not this host's own: the client, the backup.
	per-packet:client | per-packet:lb2) printf '%s\n' "tcp.vip.conn - 80 spread" "tcp.vip.conn - 8080 spread" ;;
	esac
}

# expect_findings SCENARIO VANTAGE: what the report leads with, "kind servers ports status".
expect_findings() {
	case "$1:$2" in
	ha-vmac-announce:client | ha-vmac-announce:lb2) echo "base-mac - - fail" ;;
	split-brain:*) echo "split-brain - - fail" ;;
	server-wins-arp:*) echo "server-claims-vip rs1 - fail" ;;
	per-packet:client | per-packet:lb2) echo "per-packet - 80,8080 fail" ;;
	esac
}

# expect_events SCENARIO VANTAGE: the ownership events the checks report, "id event"
# up to its time. Nothing changes hands in a scenario left alone: no failover.
expect_events() {
	case "$1:$2" in
	# The masters hold the VIP and are judged by it; the client hears both advertise.
	split-brain:client) echo "vrrp.master split-brain lb1 and lb2" ;;
	esac
}

# check_dsrcheck SCENARIO VANTAGE: what dsrcheck must report in SCENARIO, run from
# VANTAGE (client, lb1: the master, lb2: the backup): the exact failing, warning
# and skipped checks, the exit status and where the vantage holds the VIP.
check_dsrcheck() {
	local s=$1 v=$2 tag="$1-$2" at="$1 from $2" want_fails want_skips where want_rc=0
	# ha-vmac-announce: the master asks ARP from the VIP only for a host it has
	# no neighbour entry for; the run must not depend on what came before it.
	if [[ $s == ha-vmac-announce ]]; then ip -n dsrha-lb1 neigh flush all; fi
	# ... and that request re-points this host's kernel at lb1's base MAC, where
	# nothing forwards: tcp.vip.conn (the kernel's own connections) would then
	# depend on whether it came before them. The entry is pinned for the run.
	local pinned=""
	if [[ $s == ha-vmac-announce && $v != lb1 ]]; then
		ip -n "dsrha-$v" neigh replace "$VIP" lladdr 00:00:5e:00:01:33 dev eth0 nud permanent
		pinned=1
	fi
	want_fails=$(expect_fails "$s" "$v" | LC_ALL=C sort)
	[[ -z $want_fails ]] || want_rc=1
	where=$(holder "$s" "$v")
	want_skips=""
	[[ -z $where ]] || want_skips=$(LC_ALL=C sort <<<"$VIP_LOCAL_SKIPS")
	run_dsr "$v" "$tag" -f json -c "$CONFIG"
	if [[ -n $pinned ]]; then ip -n "dsrha-$v" neigh del "$VIP" dev eth0 || true; fi
	assert_eq "$at: exit status $want_rc" "$want_rc" "$RC"
	assert_eq "$at: failing checks (id server port reason)" "$want_fails" "$(checks_with "$tag" fail)"
	assert_eq "$at: warnings" "" "$(checks_with "$tag" warn)"
	assert_eq "$at: findings (kind servers ports status)" "$(expect_findings "$s" "$v")" \
		"$(jqr "$tag" '.findings[] | "\(.kind) \(.servers | join(",") | if . == "" then "-" else . end) \(.ports | map(tostring) | join(",") | if . == "" then "-" else . end) \(.status)"' | LC_ALL=C sort)"
	assert_eq "$at: skipped checks" "$want_skips" "$(checks_with "$tag" skip)"
	# shellcheck disable=SC2016 # $id is jq's variable
	assert_eq "$at: events (id event)" "$(expect_events "$s" "$v")" \
		"$(jqr "$tag" '.checks[] | .id as $id | .evidence.events // [] | .[] | "\($id) \(sub(" at .*"; ""))"' | LC_ALL=C sort)"
	assert_eq "$at: vantage is_balancer" "$([[ $v == client ]] && echo false || echo true)" \
		"$(jqr "$tag" .vantage.is_balancer)"
	assert_eq "$at: vantage holds_vip, vip_on" "$([[ -n $where ]] && echo true || echo false) ${where:-null}" \
		"$(jqr "$tag" '"\(.vantage.holds_vip) \(.vantage.vip_on)"')"
	assert_eq "$at: every failed check has a summary and a remedy" "" \
		"$(jqr "$tag" '.checks[] | select(.status == "fail")
			| select((.summary // "") == "" or (.remedy // "") == "") | .id')"
	local summary
	case "$s:$v" in
	split-brain:client)
		assert_eq "$at: arp.vip names both owners" "lb1 lb2" \
			"$(jqr "$tag" '.checks[] | select(.id == "arp.vip") | .evidence.owners | sort | join(" ")')" ;;
	server-wins-arp:client)
		# The server that won the ARP race is not taken for the balancer.
		summary=$(jqr "$tag" '.checks[] | select(.id == "arp.vip") | .summary')
		assert "$at: arp.vip names the balancer lb1 by name" "$summary" \
			grep -qF "lb1 (02:00:00:00:00:02)" <<<"$summary" ;;
	ha-vmac-announce:client)
		summary=$(jqr "$tag" '.checks[] | select(.reason == "base-mac") | .summary')
		assert "$at: base-mac names lb1 and its own MAC" "$summary" \
			grep -qF "lb1 claimed 198.18.0.100 with its own MAC 02:00:00:00:00:02" <<<"$summary" ;;
	esac
}

# watch_across_failover SCENARIO HOW: `dsrcheck watch` on the client while the master
# stops: one event line for the failover (lb1 -> lb2), no alert, and it keeps going.
watch_across_failover() {
	local s=$1 how=$2 at="$1: watch across a $2 failover" pid rc=0 out
	ha_up "$s" || return 0
	ip netns exec dsrha-client "$BIN" watch -c "$CONFIG" --interval 0 >"$WORK/watch-$s.out" \
		2>"$WORK/watch-$s.err" </dev/null 8>&- &
	pid=$!
	lab_test_wait_line "$WORK/watch-$s.err" '^dsrcheck: watching ' "$pid" 60 || true
	# The master's adverts first, so the watch knows who it is.
	sleep 2.5
	bash "$LAB" failover "$how" >/dev/null 2>&1 8>&- || true
	lab_test_wait_line "$WORK/watch-$s.out" '^event .*failover' "$pid" 30 || true
	sleep 1
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" || rc=$?
	out=$(cat "$WORK/watch-$s.out" "$WORK/watch-$s.err" 2>/dev/null)
	assert_eq "$at: exit status 0 on SIGTERM" 0 "$rc"
	assert "$at: an event line names the failover lb1 -> lb2, its duration and its gratuitous ARPs" "$out" \
		grep -qE '^event .*198\.18\.0\.100: failover .*lb1.* -> .*lb2.* at [0-9:.]+Z in [0-9]+ ms, [0-9]+ gratuitous ARPs? \(' \
		"$WORK/watch-$s.out"
	assert_eq "$at: no alert" "" "$(grep '^alert' "$WORK/watch-$s.out" || true)"
}

# audit_across_failover SCENARIO HOW VANTAGE: an audit from VANTAGE (client; lb1, the
# master that lets the VIP go; lb2, the backup that takes it over) during which the
# master stops: the failover is reported as an event and the run stays right.
audit_across_failover() {
	local s=$1 how=$2 v=$3 tag="$1-audit-failover-$2-$3" at="$1: an audit from $3 across a $2 failover"
	local pid want_skips=""
	ha_up "$s" || return 0
	timeout "$RUN_LIMIT" ip netns exec "dsrha-$v" "$BIN" -f json -c "$CONFIG" --timeout 1s \
		--retries 4 --listen 2s >"$WORK/$tag.out" 2>"$WORK/$tag.err" </dev/null 8>&- &
	pid=$!
	sleep 1.3
	bash "$LAB" failover "$how" >/dev/null 2>&1 8>&- || true
	RC=0
	wait "$pid" || RC=$?
	# The plan is made at the start: the master's client-side checks stay skipped.
	[[ $v != lb1 ]] || want_skips=$(LC_ALL=C sort <<<"$VIP_LOCAL_SKIPS")
	assert_eq "$at: exit status 0" 0 "$RC"
	assert_eq "$at: failing checks" "" "$(checks_with "$tag" fail)"
	assert_eq "$at: warnings" "" "$(checks_with "$tag" warn)"
	assert_eq "$at: skipped checks" "$want_skips" "$(checks_with "$tag" skip)"
	assert_eq "$at: arp.vip reports the failover" "failover lb1 -> lb2" \
		"$(jqr "$tag" '.checks[] | select(.id == "arp.vip") | .evidence.events // [] | join(" ")')"
	# vrrp.master watches VRRP alone: it must not say that no gratuitous ARP was sent.
	assert_eq "$at: vrrp.master counts no gratuitous ARPs it cannot see" "" \
		"$(jqr "$tag" '.checks[] | select(.id == "vrrp.master") | .evidence.events // [] | .[] | select(test("gratuitous"))')"
}

# ha_up SCENARIO: build it (8>&-: the lab's processes must not hold our lock),
# then its fault, and only it, on the wire.
ha_up() {
	local out
	if ! out=$(bash "$LAB" up "$1" 2>&1 8>&-); then
		fail "ha $1: up" "$out"
		return 1
	fi
	pass "ha $1: up"
	if out=$(bash "$LAB" verify 2>&1); then
		pass "ha $1: the scenario's fault, and only it, is on the wire (ha.sh verify)"
	else
		fail "ha $1: the scenario's fault, and only it, is on the wire (ha.sh verify)" \
			"$(grep -v '^ok' <<<"$out")"
	fi
}

# failover SCENARIO HOW OWNER_AFTER: the master stops; the backup takes the VIP,
# advertises, announces it and forwards.
failover() {
	local s=$1 how=$2 owner=$3 out adverts
	ha_up "$s" || return 0
	hawire vrrp eth0 6 >"$WORK/adverts" &
	local sniffer=$!
	sleep 0.5
	if out=$(bash "$LAB" failover "$how" 2>&1 8>&-); then
		pass "ha $s: failover $how: $out"
	else
		fail "ha $s: failover $how" "$out"
	fi
	wait "$sniffer" || true
	adverts=$(sed 's/ x[0-9]*$//' "$WORK/adverts")
	assert_eq "ha $s: failover $how: master after" lb2 "$(bash "$LAB" master)"
	assert "ha $s: failover $how: lb2 advertises (priority 100)" "$adverts" \
		grep -q "prio 100 from 198.18.0.3 $owner" <<<"$adverts"
	if [[ $how == graceful ]]; then
		assert "ha $s: failover graceful: lb1 said goodbye (priority 0)" "$adverts" \
			grep -q "prio 0 from 198.18.0.2" <<<"$adverts"
	else
		assert_eq "ha $s: failover crash: no priority 0" "" "$(grep 'prio 0 ' <<<"$adverts" || true)"
	fi
	assert_eq "ha $s: failover $how: ARP for the VIP answered by" "$owner" \
		"$(hawire arp eth0 "$VIP" 0.3 | awk '{ print $1 }' | paste -sd' ')"
	ip netns exec dsrha-client ip neigh flush dev eth0
	out=$(hawire conn eth0 "$VIP" 80 2)
	assert "ha $s: failover $how: a connection to the VIP is served through lb2" "$out" \
		grep -qE '^result ok rs[123]$' <<<"$out"
	check_dsrcheck "$s-failover-$how" client
}

for s in "${SCENARIOS[@]}"; do
	ha_up "$s" || continue
	for v in client lb1 lb2; do check_dsrcheck "$s" "$v"; done
done
if [[ " ${SCENARIOS[*]} " == *" ha-healthy "* ]]; then failover ha-healthy graceful 02:00:00:00:00:03; fi
if [[ " ${SCENARIOS[*]} " == *" ha-vmac "* ]]; then failover ha-vmac crash 00:00:5e:00:01:33; fi
if [[ " ${SCENARIOS[*]} " == *" ha-healthy "* ]]; then
	for v in client lb1 lb2; do audit_across_failover ha-healthy graceful "$v"; done
fi
if [[ " ${SCENARIOS[*]} " == *" ha-healthy "* ]]; then watch_across_failover ha-healthy graceful; fi
if [[ " ${SCENARIOS[*]} " == *" ha-vmac "* ]]; then watch_across_failover ha-vmac crash; fi

# ---------------------------------------------------------------------- teardown

if out=$(bash "$LAB" down 2>&1); then pass "ha: down"; else fail "ha: down" "$out"; fi
assert_eq "ha: no dsrha- namespace after down" "" \
	"$(ip netns list | awk '$1 ~ /^dsrha-/ { print $1 }')"
assert_eq "ha: no keepalived or nftlb of the lab left after down" "" \
	"$(pgrep -a -f "$ROOT/fixtures/lab/.state-ha/" || true)"
if out=$(bash "$LAB" down 2>&1); then pass "ha: down with nothing up succeeds"; else fail "ha: down with nothing up succeeds" "$out"; fi

tap_summary
