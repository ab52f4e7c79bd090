#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz/ with clang, seeds their corpora
# from fixtures/ and runs each for SECONDS (default 30), one after another.
# No privilege, no network: the harnesses never open a live capture.
#
#   bash tests/fuzz/run.sh [SECONDS] [HARNESS...]     (from anywhere)
#
# Per harness: executions, and whether it found a crash, leak, undefined
# behaviour, timeout or out-of-memory. The input that did is kept in
# build/fuzz/artifacts/ (reproduce: build/fuzz/bin/HARNESS ARTIFACT), the
# full log in build/fuzz/logs/. Corpora grow in build/fuzz/corpus/ from run
# to run. Exit status: 0 when no harness found anything, 1 when one did,
# 2 when the harnesses could not be built.
#
# Environment: CC (a clang with libFuzzer; default clang, then clang-14),
# FUZZ_JOBS (parallel compiles, default the number of CPUs).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2

SECONDS_EACH=${1:-30}
shift || true
HARNESSES=("$@")
[ ${#HARNESSES[@]} -gt 0 ] || HARNESSES=(fuzz_frame fuzz_config fuzz_cli fuzz_pcap fuzz_parse)
case $SECONDS_EACH in '' | *[!0-9]*) echo "usage: $0 [SECONDS] [HARNESS...]" >&2; exit 2 ;; esac

B=build/fuzz
mkdir -p "$B/obj" "$B/bin" "$B/artifacts" "$B/logs" "$B/corpus"

# ---- compiler ----
if [ -z "${CC:-}" ] || ! "$CC" --version 2>/dev/null | grep -q clang; then
	CC=
	for c in clang clang-14; do
		command -v "$c" >/dev/null && CC=$c && break
	done
fi
if [ -z "$CC" ]; then
	echo "fuzz: clang not found (Debian: apt-get install clang libclang-rt-14-dev)" >&2
	exit 2
fi
if ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' |
	"$CC" -x c -fsanitize=fuzzer,address,undefined -o "$B/bin/.probe" - 2>"$B/logs/probe.log"; then
	echo "fuzz: $CC cannot build libFuzzer targets (libclang-rt-dev missing?):" >&2
	cat "$B/logs/probe.log" >&2
	exit 2
fi
rm -f "$B/bin/.probe"

# The same sanitizers as the harness on every object, so that a bad access in
# project code is caught where it happens; coverage for libFuzzer everywhere.
# shellcheck disable=SC2207,SC2054 # pkg-config's words are split; -fsanitize= takes a list
CFLAGS=(-std=c11 -g -O1 -Wall -Wextra -D_DEFAULT_SOURCE '-DDSR_VERSION="fuzz"'
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
	$(pkg-config --cflags libpcap inih 2>/dev/null))
# shellcheck disable=SC2207
LIBS=($(pkg-config --libs libpcap inih 2>/dev/null || echo -lpcap -linih) -lnet)

# What the Makefile links into dsrcheck, but cmd/ (fuzz_cli includes it).
SOURCES=()
for f in src/*.c platform/*.c passive/*.c local/*.c capture/*.c probes/*.c reports/*.c; do
	# the Makefile's platform convention: Linux files, and the POSIX ones
	case $f in *_bsd.c | *_windows.c | *_linux.c) continue ;; esac
	SOURCES+=("$f")
done
SOURCES+=(platform/*_linux.c local/*_linux.c)

# ---- build: an object is rebuilt when its source or any header is newer ----
# shellcheck disable=SC2012 # our own file names
newest_header=$(ls -t src/*.h cmd/*.h platform/*.h passive/*.h local/*.h capture/*.h probes/*.h reports/*.h tests/fuzz/*.h | head -1)
stale=()
OBJECTS=()
for f in "${SOURCES[@]}"; do
	o="$B/obj/${f%.c}.o"
	OBJECTS+=("$o")
	if [ ! -f "$o" ] || [ "$f" -nt "$o" ] || [ "$newest_header" -nt "$o" ] || [ "$0" -nt "$o" ]; then
		stale+=("$f")
	fi
done
build_failed=0
compile() { # SOURCE FLAGS...
	local f=$1 o="$B/obj/${1%.c}.o"
	shift
	mkdir -p "$(dirname "$o")"
	"$CC" "${CFLAGS[@]}" "$@" -c -o "$o" "$f" 2>"$o.log" || { cat "$o.log" >&2; return 1; }
	[ -s "$o.log" ] && cat "$o.log" >&2
	return 0
}
jobs_max=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
running=0
for f in "${stale[@]}"; do
	compile "$f" -fsanitize=fuzzer-no-link &
	running=$((running + 1))
	if [ $running -ge "$jobs_max" ]; then
		wait -n || build_failed=1
		running=$((running - 1))
	fi
done
while [ $running -gt 0 ]; do
	wait -n || build_failed=1
	running=$((running - 1))
done
for h in "${HARNESSES[@]}"; do
	if [ ! -f "tests/fuzz/$h.c" ]; then
		echo "fuzz: no harness tests/fuzz/$h.c" >&2
		build_failed=1
		continue
	fi
	# fuzz_cli includes cmd/*.c: it is rebuilt whenever they change too.
	if ! "$CC" "${CFLAGS[@]}" -fsanitize=fuzzer -o "$B/bin/$h" "tests/fuzz/$h.c" "${OBJECTS[@]}" "${LIBS[@]}" \
		2>"$B/logs/$h.build.log"; then
		cat "$B/logs/$h.build.log" >&2
		build_failed=1
	fi
done
if [ $build_failed -ne 0 ]; then
	echo "fuzz: build failed" >&2
	exit 2
fi

bash tests/fuzz/seed.sh "$B/corpus" || exit 2

# ---- run ----
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
command -v llvm-symbolizer >/dev/null && export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer)}

declare -A EXECS RATE RESULT
passed=0
failed=0
for h in "${HARNESSES[@]}"; do
	extra=()
	[ -f "tests/fuzz/${h#fuzz_}.dict" ] && extra+=("-dict=tests/fuzz/${h#fuzz_}.dict")
	# main() prints reports and messages: to /dev/null (libFuzzer keeps its own
	# output and the sanitizers' reports on a duplicate of stderr).
	[ "$h" = fuzz_cli ] && extra+=(-close_fd_mask=3)
	log="$B/logs/$h.log"
	echo "fuzz: $h for ${SECONDS_EACH}s ..."
	# The outer timeout only guards against a harness libFuzzer cannot stop.
	timeout --kill-after=10 $((SECONDS_EACH + 120)) "$B/bin/$h" \
		-max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$B/artifacts/$h-" "${extra[@]}" "$B/corpus/$h" >"$log" 2>&1
	rc=$?
	EXECS[$h]=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
	EXECS[$h]=${EXECS[$h]:-?}
	RATE[$h]=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
	RATE[$h]=${RATE[$h]:-?}
	artifact=$(grep -o 'Test unit written to .*' "$log" | tail -1 | sed 's/Test unit written to //')
	kind=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer): [a-z-]+|runtime error|contract broken' "$log" |
		sed -E 's/ERROR: //; s/Sanitizer//')
	if [ $rc -eq 0 ] && [ -z "$artifact" ]; then
		RESULT[$h]=clean
		passed=$((passed + 1))
	else
		RESULT[$h]="FOUND ${kind:-exit $rc}${artifact:+ -> $artifact}"
		failed=$((failed + 1))
		echo "fuzz: $h found something (rc $rc), log: $log" >&2
		grep -m1 -A25 -E '^==[0-9]+==ERROR|runtime error|contract broken|deadly signal' "$log" >&2
	fi
	echo "fuzz: $h: ${EXECS[$h]} executions, ${RESULT[$h]}"
done

echo
printf '%-12s %12s %8s  %s\n' harness executions exec/s result
for h in "${HARNESSES[@]}"; do
	printf '%-12s %12s %8s  %s\n' "$h" "${EXECS[$h]}" "${RATE[$h]}" "${RESULT[$h]}"
done
echo "fuzz: ${#HARNESSES[@]} harnesses, $failed findings (${SECONDS_EACH}s each)"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
