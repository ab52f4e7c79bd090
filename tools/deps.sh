#!/usr/bin/env bash
# deps.sh [GROUP...]: install what dsrcheck needs (`make deps`, `make deps-test`,
# `make deps-windows`; .ci/run takes all). Debian/Ubuntu: apt-get update, then apt-get install
# of whatever is missing (as root, or through sudo). Elsewhere it prints what to install.
set -euo pipefail

# build (the default): what building, running and `make demo` need: compiler, pkg-config,
# the libraries; setcap (libcap2-bin) to run dsrcheck without root; the lab (nftables,
# iproute2, python3); the man page reader.
BUILD_PACKAGES=(build-essential pkg-config libpcap-dev libnet1-dev libinih-dev libcap2-bin
	nftables iproute2 python3 man-db)
# test: the unit tests (cmocka); the lab tests (tcpdump, jq); the report consumers (xmllint,
# promtool from prometheus; chromium renders the HTML report headless in tests/html.sh,
# ghostscript reads its printed copy); the HA lab (keepalived, nftlb). Benchmark: the tools it
# races (arp-scan, arping, ping, nc) and /usr/bin/time. Contrib checks: the man page (groff,
# mandoc), shell scripts (shellcheck). Fuzzing: clang with libFuzzer, llvm-symbolizer; valgrind.
# The Debian package (make deb, tests/package.sh): debhelper, lintian, fakeroot.
TEST_PACKAGES=(libcmocka-dev jq tcpdump libxml2-utils prometheus chromium ghostscript keepalived nftlb
	arp-scan arping iputils-ping netcat-openbsd time
	groff mandoc shellcheck
	clang libclang-rt-14-dev llvm valgrind
	debhelper lintian fakeroot dpkg-dev)
# windows (make windows, make check-windows): the MinGW-w64 cross compiler, its dlltool and
# headers, Wine to run the tests; debian-archive-keyring for tools/win-deps.sh, which fetches
# cmocka's source package.
WINDOWS_PACKAGES=(gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 mingw-w64-x86-64-dev wine wine64
	debian-archive-keyring)

WANT=("$@")
((${#WANT[@]})) || WANT=(build)
APT_PACKAGES=()
for group in "${WANT[@]}"; do
	case $group in
	build) APT_PACKAGES+=("${BUILD_PACKAGES[@]}") ;;
	test) APT_PACKAGES+=("${TEST_PACKAGES[@]}") ;;
	windows) APT_PACKAGES+=("${WINDOWS_PACKAGES[@]}") ;;
	all) APT_PACKAGES+=("${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}" "${WINDOWS_PACKAGES[@]}") ;;
	*)
		echo "usage: deps.sh [build|test|windows|all]..." >&2
		exit 2
		;;
	esac
done

say() { printf 'deps: %s\n' "$*" >&2; }

is_debian_like() {
	[[ -r /etc/os-release ]] || return 1
	local id="" id_like=""
	# shellcheck disable=SC1091 # a system file
	id=$(. /etc/os-release && echo "${ID:-}")
	# shellcheck disable=SC1091
	id_like=$(. /etc/os-release && echo "${ID_LIKE:-}")
	[[ " $id $id_like " == *" debian "* || " $id $id_like " == *" ubuntu "* ]] &&
		command -v apt-get >/dev/null
}

is_fedora_like() {
	[[ -r /etc/os-release ]] || return 1
	local ids
	# shellcheck disable=SC1091
	ids=$(. /etc/os-release && echo " ${ID:-} ${ID_LIKE:-} ")
	[[ $ids == *" fedora "* || $ids == *" rhel "* || $ids == *" centos "* ]]
}

missing_apt_packages() {
	local p
	for p in "${APT_PACKAGES[@]}"; do
		if [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true) != installed ]]; then
			echo "$p"
		fi
	done
}

install_debian() {
	if [[ $EUID -ne 0 ]]; then
		if command -v sudo >/dev/null; then
			say "not root: re-running through sudo"
			exec sudo -- env DEBIAN_FRONTEND=noninteractive bash "${BASH_SOURCE[0]}" "$@"
		fi
		say "run as root: apt-get update && apt-get install -y ${APT_PACKAGES[*]}"
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	local missing
	missing=$(missing_apt_packages | tr '\n' ' ')
	say "apt-get update"
	if ! apt-get update -q; then
		# Offline, with everything already there, is not an error.
		if [[ -z ${missing// /} ]]; then
			say "warning: apt-get update failed, but every package is already installed"
			exit 0
		fi
		say "warning: apt-get update failed; trying to install from the current lists"
	fi
	if [[ -z ${missing// /} ]]; then
		say "every package is already installed"
		exit 0
	fi
	say "installing: $missing"
	# --no-upgrade: what is installed already stays as the administrator left it.
	apt-get install -y -q --no-upgrade "${APT_PACKAGES[@]}"
	missing=$(missing_apt_packages | tr '\n' ' ')
	if [[ -n ${missing// /} ]]; then
		say "still missing after install: $missing"
		exit 1
	fi
	say "done: build with 'make', try it with 'sudo make demo', test with 'sudo make deps-test check'"
}

case $(uname -s) in
Linux)
	if is_debian_like; then
		install_debian "$@"
	elif is_fedora_like; then
		cat >&2 <<'EOF'
deps: Fedora/RHEL: install with
  sudo dnf install -y gcc make pkgconf-pkg-config libpcap-devel libnet-devel \
      libcmocka-devel inih-devel nftables iproute jq python3 tcpdump
(on RHEL/CentOS, libnet-devel, libcmocka-devel and inih-devel come from EPEL)
EOF
		exit 1
	else
		cat >&2 <<EOF
deps: unknown Linux distribution: install a C compiler, make, pkg-config, and the
development files of libpcap, libnet 1.1, cmocka and inih; for the lab and tests also
nftables, iproute2, jq, python3 and tcpdump. (Debian names: ${APT_PACKAGES[*]})
EOF
		exit 1
	fi
	;;
Darwin)
	cat >&2 <<'EOF'
deps: macOS/Homebrew: libpcap comes with the system (Xcode command-line tools); install
  xcode-select --install
  brew install pkg-config libnet cmocka inih jq
The lab and integration tests need Linux network namespaces: run them in a Linux VM.
EOF
	exit 1
	;;
MINGW* | MSYS* | CYGWIN*)
	cat >&2 <<'EOF'
deps: Windows: dsrcheck.exe is cross-built on Linux (`make windows` on Debian, see
README "Platforms"); to run it, install Npcap (https://npcap.com). Building in MSYS2
(untested): pacman -S --needed make mingw-w64-x86_64-gcc, unpack the Npcap SDK, then
  make windows WIN_CC=gcc DLLTOOL=dlltool PCAP_INCLUDE=/path/to/npcap-sdk/Include
libnet and libinih are not needed there. The lab and integration tests need Linux.
EOF
	exit 1
	;;
*)
	say "unknown system $(uname -s): install libpcap, libnet 1.1, cmocka, inih, pkg-config and a C compiler"
	exit 1
	;;
esac
