#!/usr/bin/env bash
# wine.sh DSRCHECK_EXE TEST_EXE...: `make check-windows` under Wine, from the project root
# (Wine maps / to Z:, so fixtures/ paths work as they are).
#
# 1. Each cmocka test .exe (the unit tests that send nothing and read no capture file:
#    Wine's wpcap.dll leaves pcap_open_offline unimplemented, so test_fixtures and
#    test_dump cannot run here).
# 2. dsrcheck.exe itself: --version, --help, a configuration error, and the two ways a
#    capture library can be missing: no wpcap.dll at all (Wine's hidden with
#    WINEDLLOVERRIDES, as on a Windows without Npcap) and a wpcap.dll without what
#    dsrcheck needs (Wine's own, which lacks pcap_inject, like WinPcap): each must be
#    a message and exit status 3, never a crash.
#
# Wine state lives in build/windows/wine (WINEPREFIX); no display is needed. Its
# first start takes a few seconds. Exit 0 when everything passed.
set -uo pipefail

if (($# < 1)); then
	echo "usage: wine.sh DSRCHECK_EXE TEST_EXE..." >&2
	exit 2
fi
EXE=$1
shift
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2

WINE=${WINE:-$(command -v wine || echo /usr/lib/wine/wine64)}
if ! [[ -x $WINE ]]; then
	echo "wine.sh: wine not found (Debian: apt-get install wine wine64)" >&2
	exit 2
fi
WINESERVER=$(command -v wineserver || echo /usr/lib/wine/wineserver)
export WINEPREFIX=${WINEPREFIX:-$ROOT/build/windows/wine}
export WINEDEBUG=-all
# No Mono or Gecko installers (they would ask for a display), no windows at all.
export WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
# Whatever happens, no wineserver is left behind.
trap '"$WINESERVER" -k >/dev/null 2>&1 || true' EXIT

if [[ ! -f $WINEPREFIX/system.reg ]]; then
	echo "# first start of Wine in $WINEPREFIX"
	mkdir -p "$WINEPREFIX"
	timeout 300 "$WINE" wineboot --init >/dev/null 2>&1 || {
		echo "wine.sh: wineboot failed" >&2
		exit 1
	}
fi

passed=0 failed=0
ok() {
	passed=$((passed + 1))
	echo "ok - $*"
}
not_ok() {
	failed=$((failed + 1))
	echo "not ok - $*"
}

for t in "$@"; do
	if timeout 600 "$WINE" "$t" >"$WINEPREFIX/test.log" 2>&1; then
		ok "$t: $(grep -a 'PASSED' "$WINEPREFIX/test.log" | tr -d '\r' | head -1)"
	else
		not_ok "$t"
		tr -d '\r' <"$WINEPREFIX/test.log" | grep -a -E 'FAILED|ERROR|LINE' | head -20
	fi
done

# t NAME STATUS STREAM FIRST_LINE [VAR=VALUE] -- ARGS...: dsrcheck.exe with ARGS
# exits STATUS and the first line of STREAM (out or err) is FIRST_LINE. Windows
# writes \r\n to a console or pipe; the \r is dropped before comparing.
t() {
	local name=$1 want_rc=$2 stream=$3 want=$4 env=()
	shift 4
	while [[ $1 != -- ]]; do
		env+=("$1")
		shift
	done
	shift
	local rc=0
	env ${env[@]+"${env[@]}"} timeout 120 "$WINE" "$EXE" "$@" >"$WINEPREFIX/out" 2>"$WINEPREFIX/err" </dev/null ||
		rc=$?
	local got
	got=$(head -1 "$WINEPREFIX/$stream" | tr -d '\r')
	if [[ $rc == "$want_rc" && $got == "$want" ]]; then
		ok "dsrcheck.exe $name: exit $rc, $got"
	else
		not_ok "dsrcheck.exe $name: exit $rc (want $want_rc), $stream: '$got' (want '$want')"
		tr -d '\r' <"$WINEPREFIX/err" | head -5
	fi
}

VERSION=$(sed -n 's/^VERSION *:= *//p' Makefile)
LAB=fixtures/lab/dsrcheck-lab.ini
NPCAP="dsrcheck: Npcap is not installed (wpcap.dll not found): get it from https://npcap.com and install it (as administrator)"
NO_WPCAP="WINEDLLOVERRIDES=mscoree,mshtml,wpcap="

t "--version" 0 out "dsrcheck $VERSION" -- --version
t "--help" 0 out "Usage: dsrcheck [-c FILE] [-i IFACE] [-f FMT] [--report FMT:PATH]... [--timeout D]" -- --help
t "bad option" 2 err "dsrcheck: unknown option '--bogus'" -- --bogus
t "configuration error names file:line" 2 err \
	"dsrcheck: fixtures/config/bad-latin1.ini:5: bad server name 'rs\\xe91' in 'servers' (use letters, digits, '-', '_' and '.')" \
	-- -c fixtures/config/bad-latin1.ini
t "missing configuration" 2 err \
	"dsrcheck: fixtures/config/no-such-file.ini: cannot open: No such file or directory" \
	-- -c fixtures/config/no-such-file.ini
t "without Npcap: audit" 3 err "$NPCAP" "$NO_WPCAP" -- -c "$LAB"
t "without Npcap: watch" 3 err "$NPCAP" "$NO_WPCAP" -- watch -c "$LAB"
t "without Npcap: analyze" 3 err "$NPCAP" "$NO_WPCAP" -- analyze fixtures/pcap/does-not-matter.pcap
t "without Npcap: nagios" 3 out "DSRCHECK UNKNOWN - ${NPCAP#dsrcheck: }" "$NO_WPCAP" -- -c "$LAB" --nagios
t "Wine's wpcap.dll (no pcap_inject, like WinPcap)" 3 err \
	"dsrcheck: the wpcap.dll found lacks pcap_inject (WinPcap, an old Npcap, or Wine's?): install a current Npcap from https://npcap.com" \
	-- -c "$LAB"

echo "$passed passed, $failed failed"
((failed == 0))
