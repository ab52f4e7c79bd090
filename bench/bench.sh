#!/usr/bin/env bash
# bench.sh: how long dsrcheck takes, and how much memory, against the same checks done
# the way a person would (arping, ping, nc: one target after another), on the scale
# lab (fixtures/lab/scale.sh) with 3, 50 and 250 real servers. See bench/README.md.
#
#   sudo bench/bench.sh [SIZE...]     SIZE: N (servers), or N/K (N servers, K of them down)
#                                     default: 3 50 250 50/5
#
# For each size: build the lab, check it on the wire (scale.sh verify), run dsrcheck
# from the client with the generated configuration (timeout 1000ms, retries 2, listen
# 3s, rate 500: dsrcheck's defaults), then the sequential procedure from the client,
# then tear the lab down. Neighbour caches are flushed before each side, so neither
# profits from what the other resolved. Prints a table and writes it, with the date
# and the machine, to bench/results.txt (its own table replaced, bench/loss.sh's
# section kept). Needs root, arping (Habets' `arping` package), ping (iputils-ping),
# nc (netcat-openbsd), /usr/bin/time (time).
#
# Environment: DSRCHECK (default ./dsrcheck), BENCH_RESULTS (default bench/results.txt),
# BENCH_ARPING_WAIT=1 (arping without -C 1: it then waits out its 1 s deadline).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCALE=$ROOT/fixtures/lab/scale.sh
DSRCHECK=${DSRCHECK:-$ROOT/dsrcheck}
RESULTS=${BENCH_RESULTS:-$ROOT/bench/results.txt}
WORK=$(mktemp -d /tmp/dsrbench.XXXXXX)
CLIENT_NS=dsrscale-client
VIP=198.18.0.100
PORTS=(80 8080)
# What a person types, with the 1 s timeout dsrcheck uses. arping here is Habets'
# (Debian's `arping`): with -c 1 alone it waits out its whole 1 s deadline even when
# answered; -C 1 makes it stop at the first reply, as iputils' `arping -c 1 -w 1` does.
# BENCH_ARPING_WAIT=1 leaves -C 1 out: the literal `arping -c 1 -w 1`, ~1 s a target.
ARPING=(arping -q -i eth0 -c 1 -C 1 -w 1)
[[ ${BENCH_ARPING_WAIT:-0} == 1 ]] && ARPING=(arping -q -i eth0 -c 1 -w 1)
PING=(ping -q -n -c 1 -W 1)
NC=(nc -z -n -w 1)

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
	for cmd in arping:arping ping:iputils-ping nc:netcat-openbsd /usr/bin/time:time jq:jq; do
		pkg=${cmd#*:}
		cmd=${cmd%:*}
		command -v "$cmd" >/dev/null || missing+=("$pkg")
	done
	((${#missing[@]} == 0)) || die "missing: apt-get install ${missing[*]}"
	arping --help 2>&1 | grep -q Habets ||
		say "warning: this arping is not Habets' (Debian package 'arping'): its options may differ"
}

flush_neighbours() {
	local ns
	for ns in $(ip netns list | awk '$1 ~ /^dsrscale-/ { print $1 }'); do
		ip -n "$ns" neigh flush all 2>/dev/null || true
	done
}

# sequential N: the checks one after another from the client; prints
# "SECONDS FAILED CALLS". Each call has its own 1 s timeout; the whole loop is bounded.
sequential() {
	local n=$1 bound
	bound=$(((n + 1) * 5 + 60))
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout -k 5 "$bound" ip netns exec "$CLIENT_NS" bash -c '
		n=$1 vip=$2; shift 2
		arping=() ping=() nc=() ports=()
		while [[ $1 != -- ]]; do arping+=("$1"); shift; done; shift
		while [[ $1 != -- ]]; do ping+=("$1"); shift; done; shift
		while [[ $1 != -- ]]; do nc+=("$1"); shift; done; shift
		ports=("$@")
		failed=0 calls=0
		run() { calls=$((calls + 1)); "$@" >/dev/null 2>&1 || failed=$((failed + 1)); }
		start=$EPOCHREALTIME
		for ((k = 1; k <= n; k++)); do
			a=198.18.1.$k
			run "${arping[@]}" "$a"
			run "${ping[@]}" "$a"
			for p in "${ports[@]}"; do run "${nc[@]}" "$a" "$p"; done
		done
		run "${arping[@]}" "$vip"
		run "${ping[@]}" "$vip"
		for p in "${ports[@]}"; do run "${nc[@]}" "$vip" "$p"; done
		end=$EPOCHREALTIME
		s=${start/./} e=${end/./}
		printf "%d.%03d %d %d\n" $(((e - s) / 1000000)) $(((e - s) / 1000 % 1000)) "$failed" "$calls"
	' bash "$n" "$VIP" "${ARPING[@]}" -- "${PING[@]}" -- "${NC[@]}" -- "${PORTS[@]}"
}

# bench_one SIZE: appends one table row (tab-separated) to $WORK/rows.
bench_one() {
	local size=$1 n down=0 ini tfile json err vrc=0 wall rss user sys status frames counts
	local seq_s seq_failed seq_calls ratio up_args
	n=${size%/*}
	[[ $size == */* ]] && down=${size#*/}
	up_args=("$n")
	((down > 0)) && up_args+=(--down "$down")
	if ! [[ $n =~ ^[0-9]+$ && $down =~ ^[0-9]+$ ]] || ((n < 1 || n > 250 || down >= n)); then
		die "bad size '$size': N or N/K with 1 <= N <= 250, K < N"
	fi

	say "N=$n$( ((down)) && echo " ($down down)"): building the lab"
	if ! step bash "$SCALE" up "${up_args[@]}" >"$WORK/up.out" 2>"$WORK/up.err"; then
		cat "$WORK/up.err" >&2
		die "scale.sh up failed"
	fi
	ini=$(tail -n 1 "$WORK/up.out")
	step bash "$SCALE" verify >"$WORK/verify-$n-$down.txt" 2>&1 || vrc=$?
	if ((vrc != 0)); then
		grep '^not ok' "$WORK/verify-$n-$down.txt" >&2 || true
		say "N=$n: the lab does not behave as built (above); measuring anyway"
	fi

	say "N=$n: dsrcheck"
	flush_neighbours
	tfile=$WORK/time json=$WORK/report.json err=$WORK/dsrcheck.err
	step ip netns exec "$CLIENT_NS" /usr/bin/time -o "$tfile" -f '%e %M %U %S %x' \
		"$DSRCHECK" -v -c "$ini" -f json >"$json" 2>"$err" || true
	# The last line: GNU time puts "Command exited with non-zero status N" before it.
	read -r wall rss user sys status < <(tail -n 1 "$tfile") ||
		die "no timing from /usr/bin/time: $(cat "$err")"
	frames=$(sed -n 's/.*sent \([0-9]*\) frames.*/\1/p' "$err" | tail -1)
	counts=$(jq -r '.counts | "\(.pass)/\(.fail)"' "$json" 2>/dev/null || echo "-/-")

	say "N=$n: the sequential procedure ($(((n + 1) * (2 + ${#PORTS[@]}))) tool calls)"
	flush_neighbours
	step sequential "$n" >"$WORK/sequential" ||
		die "the sequential procedure did not finish within its bound"
	read -r seq_s seq_failed seq_calls <"$WORK/sequential"
	ratio=$(awk -v a="$seq_s" -v b="$wall" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')

	step bash "$SCALE" down >/dev/null 2>&1 || die "scale.sh down failed"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$wall" "$seq_s" "$ratio" "$rss" \
		"$status" "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')" "${frames:--}" \
		"$counts" "$seq_failed/$seq_calls" "$([[ $vrc == 0 ]] && echo ok || echo NOT-OK)" >>"$WORK/rows"
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
	local sizes=("$@") size header
	((${#sizes[@]} > 0)) || sizes=(3 50 250 50/5)
	[[ ${sizes[0]} == -h || ${sizes[0]} == --help ]] && {
		sed -n '2,20s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
		exit 0
	}
	need
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	bash "$SCALE" down >/dev/null 2>&1 || true
	: >"$WORK/rows"
	for size in "${sizes[@]}"; do bench_one "$size"; done

	header=$'N\tdsrcheck s\tsequential s\tratio\tdsrcheck peak RSS KiB\tdsrcheck exit\tdsrcheck CPU s\tframes sent\tchecks pass/fail\tsequential failed/calls\tlab verify'
	{
		echo "dsrcheck benchmark: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
		echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r), $(
			# shellcheck disable=SC1091 # a system file
			. /etc/os-release && echo "$PRETTY_NAME"
		)"
		echo "dsrcheck: $("$DSRCHECK" -V 2>&1 | head -1), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with local changes)')"
		echo "dsrcheck side: timeout 1000ms, retries 2, listen 3s, rate 500 (the defaults); run from the client"
		echo "sequential side: per real address and the VIP: ${ARPING[*]}; ${PING[*]}; ${NC[*]} for each of ports ${PORTS[*]}"
		echo "N/K: N servers of which K have their link down"
		echo
		{
			printf '%s\n' "$header"
			cat "$WORK/rows"
		} | table
		# Sections other tools keep in the same file ("== bench/loss.sh: ..."),
		# from their heading on, stay as they were.
		if [[ -f $RESULTS ]]; then
			awk '/^== / { keep = 1; print "" } keep' "$RESULTS"
		fi
	} >"$RESULTS.tmp"
	mv "$RESULTS.tmp" "$RESULTS"
	cat "$RESULTS"
}

main "$@"
