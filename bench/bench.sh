#!/usr/bin/env bash
# bench.sh: how long dsrcheck takes, and how much memory, against its floor and against
# the same addresses done by other means, on the scale lab (fixtures/lab/scale.sh):
# arp-scan over every address (the ARP part only), and the checks done the way a
# person would (arping, ping, nc: one target after another). See bench/README.md.
#
#   sudo bench/bench.sh [--dual] [SIZE...]
#                                     SIZE: N (servers), or N/K (N servers, K of them down)
#                                     default: 250 1000 4096 (each with ports 80 and 8080)
#
# --dual: the lab is dual-stack (scale.sh up N --dual), and after the IPv4-only audit
# a dual-stack one (vip = V4, V6; address = V4, V6) runs in the same lab; a second
# table compares them. Its targets: the dual-stack audit sends no more frames than
# the IPv4 audit and the IPv6 probes together (the IPv6 ones counted in its evidence
# capture, --pcap), and its wall time is within the same 1.05 x the floor those
# frames allow at the configured rate.
#
# For each size: ask the dsrcheck build which configurations it accepts (a build that
# cannot audit N servers in one run gets a row saying so; one with a smaller
# per-service limit gets the servers split into services of a VIP each), build the lab,
# check it on the wire (scale.sh verify), then from the client: dsrcheck with the
# generated configuration (timeout 1000ms, retries 2, listen 3s, rate 500: dsrcheck's
# defaults), arp-scan over the same addresses (same tries, per-try timeout and frame
# rate), and the sequential procedure (on an even sample of BENCH_SEQ_SAMPLE servers
# when there are more, extrapolated, and marked so); then tear the lab down. Neighbour
# caches are flushed before each side, so none profits from what another resolved.
#
# The floor of a run is timeout + max(listen, frames / rate): the last probe cannot
# leave before frames / rate, and its answer is waited for one timeout. The table gives
# wall / floor and flags a row above 1.05; peak RSS is checked against 8 MiB at 250
# servers and 16 MiB at 1000 (both with 2 ports, none down). Exit status 1 when a
# target is missed. The table goes to standard output and, with the date and the
# machine, to bench/results.txt (its own table replaced, bench/loss.sh's section kept).
# Needs root, arp-scan, arping (Habets' `arping` package), ping (iputils-ping),
# nc (netcat-openbsd), /usr/bin/time (time), jq.
#
# Needs python3 too with --dual (it counts the frames of the evidence captures).
# Environment: DSRCHECK (default ./dsrcheck), BENCH_RESULTS (default bench/results.txt),
# BENCH_SEQ_SAMPLE (default 250; 0: every server, however long it takes),
# BENCH_ARPING_WAIT=1 (arping without -C 1: it then waits out its 1 s deadline).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCALE=$ROOT/fixtures/lab/scale.sh
DSRCHECK=${DSRCHECK:-$ROOT/dsrcheck}
RESULTS=${BENCH_RESULTS:-$ROOT/bench/results.txt}
SEQ_SAMPLE=${BENCH_SEQ_SAMPLE:-250}
WORK=$(mktemp -d /tmp/dsrbench.XXXXXX)
CLIENT_NS=dsrscale-client
PORTS=(80 8080)
WALL_TARGET=1.05
# Peak RSS targets (issue 11), KiB, for N servers x 2 ports, none down.
declare -A RSS_TARGET=([250]=8192 [1000]=16384)
# What a person types, with the 1 s timeout dsrcheck uses. arping here is Habets'
# (Debian's `arping`): with -c 1 alone it waits out its whole 1 s deadline even when
# answered; -C 1 makes it stop at the first reply, as iputils' `arping -c 1 -w 1` does.
# BENCH_ARPING_WAIT=1 leaves -C 1 out: the literal `arping -c 1 -w 1`, ~1 s a target.
ARPING=(arping -q -i eth0 -c 1 -C 1 -w 1)
[[ ${BENCH_ARPING_WAIT:-0} == 1 ]] && ARPING=(arping -q -i eth0 -c 1 -w 1)
PING=(ping -q -n -c 1 -W 1)
NC=(nc -z -n -w 1)
ARPSCAN=(arp-scan) # the last size's command line, for the results' header
DUAL=0             # --dual

say() { printf 'bench: %s\n' "$*" >&2; }
die() {
	say "error: $*"
	exit 1
}

# Long steps run in the background and are waited for: a trapped signal interrupts
# `wait` at once (it would wait for a foreground command to finish), and cleanup
# stops the step before tearing the lab down.
CHILD=
step() {
	local rc=0
	"$@" &
	CHILD=$!
	wait "$CHILD" || rc=$?
	CHILD=
	return "$rc"
}

cleanup() {
	local rc=$? tries
	trap - EXIT INT TERM
	if [[ -n $CHILD ]]; then
		kill -TERM "$CHILD" 2>/dev/null || true
		for ((tries = 0; tries < 50; tries++)); do
			kill -0 "$CHILD" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$CHILD" 2>/dev/null || true
	fi
	bash "$SCALE" down >/dev/null 2>&1 || say "warning: 'scale.sh down' failed; run it by hand"
	rm -rf "$WORK"
	exit "$rc"
}

need() {
	[[ $EUID -eq 0 ]] || die "needs root (network namespaces): sudo bench/bench.sh"
	[[ -x $DSRCHECK ]] || die "no dsrcheck binary at $DSRCHECK: run 'make' first"
	local cmd pkg missing=()
	for cmd in arp-scan:arp-scan arping:arping ping:iputils-ping nc:netcat-openbsd /usr/bin/time:time jq:jq; do
		pkg=${cmd#*:}
		cmd=${cmd%:*}
		command -v "$cmd" >/dev/null || missing+=("$pkg")
	done
	((${#missing[@]} == 0)) || die "missing: apt-get install ${missing[*]}"
	arping --help 2>&1 | grep -q Habets ||
		say "warning: this arping is not Habets' (Debian package 'arping'): its options may differ"
	[[ $SEQ_SAMPLE =~ ^[0-9]+$ ]] || die "BENCH_SEQ_SAMPLE must be a number (0: no sampling)"
	((!DUAL)) || command -v python3 >/dev/null || die "--dual needs python3"
}

flush_neighbours() {
	local ns
	for ns in $(ip netns list | awk '$1 ~ /^dsrscale-/ { print $1 }'); do
		ip -n "$ns" neigh flush all 2>/dev/null || true
	done
}

# build_limit N: what this dsrcheck build makes of N servers, read from the errors it
# gives for a configuration of that size (no lab needed: `analyze` of an empty capture
# reads the whole configuration). Prints "ok N" (one service), "split S" (a service holds
# at most S servers) or "unsupported MESSAGE".
build_limit() {
	local n=$1 ini=$WORK/limit.ini pcap=$WORK/empty.pcap msg rc=0 k
	# A pcap file header and nothing else (little-endian, Ethernet).
	printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\0\0\0\0\0\0\0\0\xff\xff\0\0\x01\0\0\0' >"$pcap"
	# The servers first: a limit on servers per run is met before one per service.
	{
		for ((k = 1; k <= n; k++)); do
			printf '[server rs%d]\naddress = 198.18.%d.%d\n' "$k" $((16 + k / 256)) $((k % 256))
		done
		printf '[service web]\nvip = 198.18.0.100\nports = 80, 8080\n'
		awk -v n="$n" 'BEGIN {
			for (k = 1; k <= n; k++) line = line (k == 1 ? "servers =" : (k % 10 == 1 ? ",\n   " : ",")) " rs" k
			print line }'
	} >"$ini"
	msg=$("$DSRCHECK" analyze "$pcap" -c "$ini" -q 2>&1 >/dev/null) || rc=$?
	if ((rc != 2)); then
		echo "ok $n"
	elif [[ $msg =~ service.*at\ most\ ([0-9]+) ]]; then
		echo "split ${BASH_REMATCH[1]}"
	else
		echo "unsupported ${msg##*: }"
	fi
}

# duration_s TEXT: a configuration duration (1000ms, 3s, 2m) in seconds.
duration_s() {
	awk -v d="$1" 'BEGIN {
		v = d + 0; u = d; sub(/^[0-9.]+/, "", u)
		printf "%g", (u == "ms" ? v / 1000 : u == "m" ? v * 60 : v) }'
}

# global_key INI KEY: the value of KEY in [global].
global_key() {
	awk -v k="$2" '
		/^\[/ { g = ($0 == "[global]"); next }
		g && $1 == k && $2 == "=" { print $3; exit }' "$1"
}

# sequential SAMPLE: the checks one after another from the client, for the servers
# listed in SAMPLE ("address" lines) and then every VIP; prints "SERVERS_S VIPS_S
# FAILED CALLS". Each call has its own 1 s timeout; the whole loop is bounded.
sequential() {
	local sample=$1 vips=$2 bound
	bound=$((($(wc -l <"$sample") + $(wc -l <"$vips")) * 5 + 60))
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout -k 5 "$bound" ip netns exec "$CLIENT_NS" bash -c '
		sample=$1 vips=$2; shift 2
		arping=() ping=() nc=() ports=()
		while [[ $1 != -- ]]; do arping+=("$1"); shift; done; shift
		while [[ $1 != -- ]]; do ping+=("$1"); shift; done; shift
		while [[ $1 != -- ]]; do nc+=("$1"); shift; done; shift
		ports=("$@")
		failed=0 calls=0
		run() { calls=$((calls + 1)); "$@" >/dev/null 2>&1 || failed=$((failed + 1)); }
		one() {
			run "${arping[@]}" "$1"
			run "${ping[@]}" "$1"
			for p in "${ports[@]}"; do run "${nc[@]}" "$1" "$p"; done
		}
		us() { local t=${EPOCHREALTIME/./}; echo "$((10#$t))"; }
		t0=$(us)
		while read -r a; do one "$a"; done <"$sample"
		t1=$(us)
		while read -r a; do one "$a"; done <"$vips"
		t2=$(us)
		printf "%d.%06d %d.%06d %d %d\n" $(((t1 - t0) / 1000000)) $(((t1 - t0) % 1000000)) \
			$(((t2 - t1) / 1000000)) $(((t2 - t1) % 1000000)) "$failed" "$calls"
	' bash "$sample" "$vips" "${ARPING[@]}" -- "${PING[@]}" -- "${NC[@]}" -- "${PORTS[@]}"
}

# backlog_drops: frames the kernel dropped, all CPUs together, for want of room in a
# CPU's input backlog (where veths and macvlan broadcasts deliver): the lab losing
# frames under load, not dsrcheck.
backlog_drops() {
	local sum=0 f
	while read -r _ f _; do sum=$((sum + 16#$f)); done </proc/net/softnet_stat
	echo "$sum"
}

# timed OUT CMD...: CMD from the client under /usr/bin/time; stdout to OUT, stderr to
# OUT.err; sets wall rss user sys status.
timed() {
	local out=$1 tfile=$1.time
	shift
	step ip netns exec "$CLIENT_NS" /usr/bin/time -o "$tfile" -f '%e %M %U %S %x' "$@" \
		>"$out" 2>"$out.err" || true
	# The last line: GNU time puts "Command exited with non-zero status N" before it.
	read -r wall rss user sys status < <(tail -n 1 "$tfile") ||
		die "no timing from /usr/bin/time for $1: $(tail -n 3 "$out.err")"
}

# row CELL...: one table row.
row() {
	local IFS=$'\t'
	printf '%s\n' "$*" >>"$WORK/rows"
}

# bench_one SIZE: appends one table row to $WORK/rows, and notes to $WORK/notes.
bench_one() {
	local size=$1 n down=0 ini vrc=0 wall rss user sys status frames counts limit per nsvc
	local timeout listen rate tries floor cpu rss_cell ratio_cell seq_cell seq_s vip_s failed calls
	local as_wall as_answered as_targets up_args d_wall d_status drops load ini6
	n=${size%/*}
	[[ $size == */* ]] && down=${size#*/}
	if ! [[ $n =~ ^[0-9]+$ && $down =~ ^[0-9]+$ ]] || ((n < 1 || n > 4096 || down >= n)); then
		die "bad size '$size': N or N/K with 1 <= N <= 4096, K < N"
	fi

	# A size this build cannot audit still gets its arp-scan and sequential figures.
	local unsupported=""
	limit=$(build_limit "$n")
	case $limit in
	unsupported*) unsupported=${limit#unsupported } per=$n ;;
	split*) per=${limit#split } ;;
	*) per=$n ;;
	esac
	nsvc=$(((n + per - 1) / per))
	if ((nsvc > 16)); then
		unsupported="at most $per servers a service: $nsvc services needed, the lab has 16 VIPs"
		per=$n nsvc=1
	fi
	up_args=("$n")
	((down > 0)) && up_args+=(--down "$down")
	((per < n)) && up_args+=(--per-service "$per")
	((DUAL)) && up_args+=(--dual)
	[[ -n $unsupported ]] && say "N=$n: dsrcheck: not supported by this build: $unsupported"

	say "N=$n$( ((down)) && echo " ($down down)")$( ((nsvc > 1)) && echo ", $nsvc services of at most $per (this build's limit)"): building the lab"
	if ! step bash "$SCALE" up "${up_args[@]}" >"$WORK/up.out" 2>"$WORK/up.err"; then
		cat "$WORK/up.err" >&2
		die "scale.sh up failed"
	fi
	ini=$(bash "$SCALE" config 4)
	ini6=$(tail -n 1 "$WORK/up.out")
	bash "$SCALE" servers >"$WORK/servers"
	awk '{ print $2 }' "$WORK/servers" >"$WORK/targets"
	awk '{ print $6 }' "$WORK/servers" | sort -u >"$WORK/vips"
	step bash "$SCALE" verify >"$WORK/verify-$n-$down.txt" 2>&1 || vrc=$?
	if ((vrc != 0)); then
		grep '^not ok' "$WORK/verify-$n-$down.txt" >&2 || true
		say "N=$n: the lab does not behave as built (above); measuring anyway"
	fi
	timeout=$(duration_s "$(global_key "$ini" timeout)")
	listen=$(duration_s "$(global_key "$ini" listen)")
	rate=$(global_key "$ini" rate)
	tries=$(($(global_key "$ini" retries) + 1))

	local d_cells=()
	if [[ -n $unsupported ]]; then
		d_cells=("not supported" - - - - - - - - -)
		printf '%s: dsrcheck not run, not supported by this build: %s\n' "$size" "$unsupported" >>"$WORK/notes"
	else
		dsrcheck_side
		d_cells=("$d_wall" "$floor" "$ratio_cell" "$rss_cell" "$cpu" "$frames" "$counts" "$d_status" "$drops" "$load")
		if ((DUAL)); then dual_side; fi
	fi
	arp_and_sequential

	step bash "$SCALE" down >/dev/null 2>&1 || die "scale.sh down failed"
	row "$size" "$nsvc" "${d_cells[@]}" "$as_wall" "$as_answered/$as_targets" "$seq_cell" "$failed/$calls" \
		"$([[ $vrc == 0 ]] && echo ok || echo NOT-OK)"
}

# audit OUT INI [ARG...]: dsrcheck -v -f json -c INI ARG... from the client, timed, its
# report in OUT; sets (bash's dynamic scope) wall rss user sys status, and frames (its
# -v summary), counts (pass/fail), cpu, drops, load.
audit() {
	local out=$1 ini=$2
	shift 2
	flush_neighbours
	load=$(cut -d ' ' -f 1 /proc/loadavg)
	drops=$(backlog_drops)
	timed "$out" "$DSRCHECK" -v -c "$ini" -f json "$@"
	drops=$(($(backlog_drops) - drops))
	frames=$(sed -n 's/.*sent \([0-9]*\) frames.*/\1/p' "$out.err" | tail -1)
	counts=$(jq -r '.counts | "\(.pass)/\(.fail)"' "$out" 2>/dev/null || echo "-/-")
	if [[ -z $frames ]]; then
		say "N=$n: dsrcheck said (exit $status):"
		tail -n 5 "$out.err" >&2
		frames=0
	fi
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
}

# floor_s FRAMES: the floor of a run that sends FRAMES (bench_one's timeout, listen, rate).
floor_s() {
	awk -v t="$timeout" -v l="$listen" -v f="$1" -v r="$rate" \
		'BEGIN { s = f / r; printf "%.2f", t + (l > s ? l : s) }'
}

# above_target RATIO: whether RATIO misses the wall-time target.
above_target() {
	awk -v r="$1" -v t="$WALL_TARGET" 'BEGIN { exit !(r > t) }'
}

# sent_by_family PCAP: "IPV4 IPV6", the frames of an evidence capture that the client
# sent (its source MAC: dsrcheck captures incoming frames only), ARP and IPv4 apart
# from IPv6.
sent_by_family() {
	python3 - "$1" "$(ip netns exec "$CLIENT_NS" cat /sys/class/net/eth0/address)" <<'EOF'
import struct
import sys

path, mac = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", ""))
with open(path, "rb") as f:
    data = f.read()
order = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
v4 = v6 = 0
at = 24
while at + 16 <= len(data):
    caplen = struct.unpack(order + "I", data[at + 8:at + 12])[0]
    frame = data[at + 16:at + 16 + caplen]
    at += 16 + caplen
    if frame[6:12] == mac:
        if frame[12:14] in (b"\x08\x00", b"\x08\x06"):
            v4 += 1
        elif frame[12:14] == b"\x86\xdd":
            v6 += 1
print(v4, v6)
EOF
}

# dsrcheck_side: the audit, in bench_one's variables (bash's dynamic scope): sets d_wall
# floor ratio_cell rss_cell cpu frames counts d_status drops load from ini timeout
# listen rate. With --dual, from the IPv4 configuration, with an evidence capture.
dsrcheck_side() {
	local ratio pcap=()
	say "N=$n: dsrcheck$( ((DUAL)) && echo ", IPv4 only")"
	((DUAL)) && pcap=(--pcap "$WORK/report4.pcap")
	audit "$WORK/report.json" "$ini" "${pcap[@]}"
	floor=$(floor_s "$frames")
	ratio=$(awk -v w="$wall" -v f="$floor" 'BEGIN { printf "%.3f", w / f }')
	ratio_cell=$ratio
	if above_target "$ratio"; then
		ratio_cell="$ratio MISS"
		printf '%s: wall %s s is %s x the floor %s s: above %s\n' "$size" "$wall" "$ratio" "$floor" "$WALL_TARGET" >>"$WORK/missed"
	fi
	rss_cell=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
	if ((down == 0 && ${#PORTS[@]} == 2)) && [[ -n ${RSS_TARGET[$n]:-} ]]; then
		if ((rss > RSS_TARGET[$n])); then
			rss_cell="$rss_cell MISS (<= $((RSS_TARGET[$n] / 1024)))"
			printf '%s: peak RSS %s KiB, above the target %s MiB\n' "$size" "$rss" $((RSS_TARGET[$n] / 1024)) >>"$WORK/missed"
		else
			rss_cell="$rss_cell ok (<= $((RSS_TARGET[$n] / 1024)))"
		fi
	fi
	d_wall=$wall d_status=$status
}

# dual_side: with --dual, after dsrcheck_side (dynamic scope, as it): the dual-stack
# audit, and one row of the second table to $WORK/dual-rows. IPv6's probes are what the
# dual-stack audit sent over IPv6 (its evidence capture): dsrcheck has no dry run and
# audits no IPv6-only service, so they cannot be sent alone. The targets: its frames
# <= the IPv4 audit's + IPv6's, and its wall time within WALL_TARGET x the floor of
# that many frames at the configured rate.
dual_side() {
	local f4 w4 rss4 cpu4 p4 p6 sum budget bfloor ratio ratio_cell frames_cell
	f4=$frames w4=$d_wall rss4=$rss cpu4=$cpu
	read -r p4 p6 < <(sent_by_family "$WORK/report4.pcap")
	((p4 == f4 && p6 == 0)) ||
		printf '%s: the IPv4 audit said %s frames, its capture holds %s IPv4 and %s IPv6 frames from the client\n' \
			"$size" "$f4" "$p4" "$p6" >>"$WORK/notes"
	say "N=$n: dsrcheck, dual-stack"
	audit "$WORK/dual.json" "$ini6" --pcap "$WORK/dual.pcap"
	read -r p4 p6 < <(sent_by_family "$WORK/dual.pcap")
	((p4 + p6 == frames)) ||
		printf '%s: the dual-stack audit said %s frames, its capture holds %s from the client\n' \
			"$size" "$frames" $((p4 + p6)) >>"$WORK/notes"
	sum=$((f4 + p6))
	frames_cell="$frames ok (<= $f4 + $p6)"
	if ((frames > sum)); then
		frames_cell="$frames MISS (<= $f4 + $p6)"
		printf '%s: the dual-stack audit sent %s frames, more than the IPv4 audit and the IPv6 probes (%s + %s)\n' \
			"$size" "$frames" "$f4" "$p6" >>"$WORK/missed"
	fi
	budget=$(floor_s "$sum")
	bfloor=$(awk -v f="$budget" -v t="$WALL_TARGET" 'BEGIN { printf "%.2f", f * t }')
	ratio=$(awk -v w="$wall" -v f="$budget" 'BEGIN { printf "%.3f", w / f }')
	ratio_cell="$ratio ok"
	if above_target "$ratio"; then
		ratio_cell="$ratio MISS"
		printf '%s: dual-stack wall %s s is %s x the floor %s s of %s frames: above %s\n' \
			"$size" "$wall" "$ratio" "$budget" "$sum" "$WALL_TARGET" >>"$WORK/missed"
	fi
	local IFS=$'\t'
	local cells=("$size" "$w4" "$f4" "$wall" "$frames_cell" "$p4 + $p6" "$budget" "$bfloor" "$ratio_cell"
		"$(awk -v a="$rss4" -v b="$rss" 'BEGIN { printf "%.1f / %.1f", a / 1024, b / 1024 }')"
		"$cpu4 / $cpu" "$counts" "$status" "$drops" "$load")
	printf '%s\n' "${cells[*]}" >>"$WORK/dual-rows"
}

# arp_and_sequential: bench_one's other two sides (dynamic scope, as dsrcheck_side).
arp_and_sequential() {
	# arp-scan: the ARP part of the audit (every real address and every VIP), with
	# dsrcheck's tries, per-try timeout (no backoff) and frame rate.
	say "N=$n: arp-scan"
	cat "$WORK/targets" "$WORK/vips" >"$WORK/arp-targets"
	flush_neighbours
	ARPSCAN=(arp-scan -I eth0 -f TARGETS -N -q --retry="$tries"
		--timeout="$(awk -v t="$timeout" 'BEGIN { printf "%d", t * 1000 }')" --backoff=1
		--interval="$(awk -v r="$rate" 'BEGIN { printf "%d", 1000000 / r }')u")
	timed "$WORK/arp-scan" "${ARPSCAN[@]/#TARGETS/$WORK/arp-targets}"
	as_wall=$wall
	as_targets=$(wc -l <"$WORK/arp-targets")
	as_answered=$(awk -F '\t' '$1 ~ /^[0-9.]+$/ { print $1 }' "$WORK/arp-scan" | sort -u | wc -l)
	((status == 0)) || as_answered="exit $status"

	# The sequential procedure: every server, or an even sample of them (every
	# (N/SAMPLE)th) and extrapolated; every VIP in full.
	local every=1 sampled
	((SEQ_SAMPLE > 0 && n > SEQ_SAMPLE)) && every=$(((n + SEQ_SAMPLE - 1) / SEQ_SAMPLE))
	awk -v e="$every" '(NR - 1) % e == 0' "$WORK/targets" >"$WORK/sample"
	sampled=$(wc -l <"$WORK/sample")
	say "N=$n: the sequential procedure ($(((sampled + nsvc) * (2 + ${#PORTS[@]}))) tool calls$( ((sampled < n)) && echo ", $sampled of $n servers"))"
	flush_neighbours
	step sequential "$WORK/sample" "$WORK/vips" >"$WORK/sequential" ||
		die "the sequential procedure did not finish within its bound"
	read -r seq_s vip_s failed calls <"$WORK/sequential"
	if ((sampled < n)); then
		seq_cell=$(awk -v s="$seq_s" -v v="$vip_s" -v n="$n" -v m="$sampled" \
			'BEGIN { printf "~%.1f (%d of %d servers run, x%.2f)", s * n / m + v, m, n, n / m }')
		printf '%s: the sequential procedure ran on %d of %d servers (one in %d) and on every VIP: %.1f s; the servers'"'"' part (%.1f s) is scaled by %d/%d\n' \
			"$size" "$sampled" "$n" "$every" "$(awk -v s="$seq_s" -v v="$vip_s" 'BEGIN { print s + v }')" "$seq_s" "$n" "$sampled" >>"$WORK/notes"
	else
		seq_cell=$(awk -v s="$seq_s" -v v="$vip_s" 'BEGIN { printf "%.2f", s + v }')
	fi
}

# table: tab-separated lines as aligned columns, numbers right-aligned.
table() {
	awk -F '\t' '
		{ for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) }
		  if (NF > nf) nf = NF }
		END {
			for (r = 1; r <= NR; r++) {
				line = ""
				for (i = 1; i <= nf; i++) {
					fmt = (r > 1 && cell[r, i] ~ /^[0-9.]+$/) ? "%" w[i] "s" : "%-" w[i] "s"
					line = line (i > 1 ? "  " : "") sprintf(fmt, cell[r, i])
				}
				sub(/ +$/, "", line)
				print line
			}
		}'
}

main() {
	local sizes=("$@") size header dual_header
	if [[ ${sizes[0]:-} == --dual ]]; then
		DUAL=1
		sizes=("${sizes[@]:1}")
	fi
	((${#sizes[@]} > 0)) || sizes=(250 1000 4096)
	[[ ${sizes[0]} == -h || ${sizes[0]} == --help ]] && {
		sed -n '2,/^set -e/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
		exit 0
	}
	need
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	bash "$SCALE" down >/dev/null 2>&1 || true
	: >"$WORK/rows"
	: >"$WORK/notes"
	: >"$WORK/missed"
	: >"$WORK/dual-rows"
	for size in "${sizes[@]}"; do bench_one "$size"; done

	dual_header=$'N\tIPv4 s\tIPv4 frames\tdual-stack s\tdual-stack frames (<= IPv4 + IPv6)\tof them IPv4 + IPv6\tfloor s of IPv4 + IPv6\tlimit s\twall/floor\tpeak RSS MiB IPv4 / dual\tCPU s IPv4 / dual\tchecks pass/fail\texit\tlab drops\tload'
	header=$'N\tservices\tdsrcheck s\tfloor s\twall/floor\tpeak RSS MiB\tCPU s\tframes sent\tchecks pass/fail\texit\tlab drops\tload\tarp-scan s\tarp-scan answered\tsequential s\tsequential failed/calls\tlab verify'
	{
		echo "dsrcheck benchmark: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
		echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r), $(
			# shellcheck disable=SC1091 # a system file
			. /etc/os-release && echo "$PRETTY_NAME"
		)"
		echo "dsrcheck: $("$DSRCHECK" -V 2>&1 | head -1), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with local changes)')"
		echo "command: bench/bench.sh$( ((DUAL)) && echo " --dual") ${sizes[*]}"
		echo "dsrcheck side: timeout 1000ms, retries 2, listen 3s, rate 500 (the defaults), ports ${PORTS[*]}; run from the client"
		echo "floor: timeout + max(listen, frames sent / rate); wall/floor above $WALL_TARGET is flagged MISS; peak RSS targets: 8 MiB at 250, 16 MiB at 1000 servers"
		echo "arp-scan side: ${ARPSCAN[*]} (TARGETS: every real address and VIP)"
		echo "sequential side: per real address and VIP: ${ARPING[*]}; ${PING[*]}; ${NC[*]} for each of ports ${PORTS[*]}"
		echo "N/K: N servers of which K have their link down; services: how many the configuration had to be split into for this build"
		echo "lab drops: frames the kernel dropped (input backlog full, /proc/net/softnet_stat) during dsrcheck's run; load: 1-minute load average when it started"
		((DUAL)) && echo "--dual: the lab is dual-stack (scale.sh up N --dual); both audits below write an evidence capture (--pcap), which counts their frames by family"
		echo
		{
			printf '%s\n' "$header"
			cat "$WORK/rows"
		} | table
		if ((DUAL)); then
			echo
			echo "dual-stack audit (vip = V4, V6; address = V4, V6) after the IPv4 audit above, in the same lab: IPv6 frames are those it sent over IPv6 (its capture);"
			echo "targets: its frames <= the IPv4 audit's + the IPv6 ones; its wall time <= $WALL_TARGET x the floor of that many frames (timeout + max(listen, frames / rate)): the limit"
			echo
			{
				printf '%s\n' "$dual_header"
				cat "$WORK/dual-rows"
			} | table
		fi
		if [[ -s $WORK/notes || -s $WORK/missed ]]; then
			echo
			sed 's/^/note: /' "$WORK/notes"
			sed 's/^/target missed: /' "$WORK/missed"
		fi
		# Sections other tools keep in the same file ("== bench/loss.sh: ..."),
		# from their heading on, stay as they were.
		if [[ -f $RESULTS ]]; then
			awk '/^== / { keep = 1; print "" } keep' "$RESULTS"
		fi
	} >"$RESULTS.tmp"
	mv "$RESULTS.tmp" "$RESULTS"
	cat "$RESULTS"
	[[ ! -s $WORK/missed ]]
}

main "$@"
