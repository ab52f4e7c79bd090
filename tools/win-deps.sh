#!/usr/bin/env bash
# win-deps.sh DEST: cmocka for the MinGW-w64 cross build (`make check-windows`), as a
# static library DEST/lib/libcmocka.a with DEST/include/cmocka.h.
#
# Debian ships cmocka for Linux only, so it is built here from Debian's own source
# package (the same 1.1.5 the Linux tests use). The machine's apt sources need not
# list deb-src: a private sources file and lists directory under DEST/apt are used,
# and only the source package is downloaded (apt checks it against the archive's
# signed index). CMOCKA_TARBALL=PATH uses a cmocka_*.orig.tar.xz already at hand.
# Debian's one patch to cmocka 1.1.5 concerns the documentation build: not needed.
set -euo pipefail

if (($# != 1)); then
	echo "usage: win-deps.sh DEST" >&2
	exit 2
fi
DEST=$1
CC=${WIN_CC:-x86_64-w64-mingw32-gcc}
AR=${WIN_AR:-x86_64-w64-mingw32-ar}
say() { printf 'win-deps: %s\n' "$*" >&2; }

if [[ -f $DEST/lib/libcmocka.a && -f $DEST/include/cmocka.h ]]; then
	exit 0
fi
command -v "$CC" >/dev/null || {
	say "$CC missing (Debian: apt-get install gcc-mingw-w64-x86-64)"
	exit 1
}
mkdir -p "$DEST/src" "$DEST/lib" "$DEST/include"
DEST=$(cd "$DEST" && pwd)

tarball=${CMOCKA_TARBALL:-}
if [[ -z $tarball ]]; then
	tarball=$(find "$DEST/src" -maxdepth 1 -name 'cmocka_*.orig.tar.*' ! -name '*.asc' | head -1)
fi
if [[ -z $tarball ]]; then
	say "fetching Debian's cmocka source package"
	apt_dir=$DEST/apt
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	# deb822 needs the .sources suffix to be read as such.
	cat >"$apt_dir/deb-src.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	apt_opts=(-q -o "Dir::Etc::SourceList=$apt_dir/deb-src.sources" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache")
	# apt's download user cannot write into a build tree that root owns.
	[[ $EUID -eq 0 ]] && apt_opts+=(-o APT::Sandbox::User=root)
	apt-get "${apt_opts[@]}" update >&2
	(cd "$DEST/src" && apt-get "${apt_opts[@]}" source --download-only cmocka >&2)
	tarball=$(find "$DEST/src" -maxdepth 1 -name 'cmocka_*.orig.tar.*' ! -name '*.asc' | head -1)
	[[ -n $tarball ]] || {
		say "apt-get source cmocka gave no orig tarball"
		exit 1
	}
fi

work=$DEST/src/build
rm -rf "$work"
mkdir -p "$work/tree"
tar -xf "$tarball" -C "$work/tree" --strip-components=1

# What CMake's configure checks would find in MinGW-w64; cmocka.c reads nothing else.
cat >"$work/config.h" <<'EOF'
#define HAVE_INTTYPES_H 1
#define HAVE_IO_H 1
#define HAVE_MALLOC_H 1
#define HAVE_SETJMP_H 1
#define HAVE_SIGNAL_H 1
#define HAVE_STDARG_H 1
#define HAVE_STDDEF_H 1
#define HAVE_STDINT_H 1
#define HAVE_STDIO_H 1
#define HAVE_STDLIB_H 1
#define HAVE_STRING_H 1
#define HAVE_TIME_H 1
#define HAVE_STRUCT_TIMESPEC 1
#define HAVE_SNPRINTF 1
#define HAVE_VSNPRINTF 1
#define HAVE_SIGNAL 1
#define HAVE_GCC_THREAD_LOCAL_STORAGE 1
#define WORDS_SIZEOF_VOID_P 8
EOF
say "building cmocka with $CC"
"$CC" -O2 -std=gnu99 -DHAVE_CONFIG_H -D__USE_MINGW_ANSI_STDIO=1 -I"$work" -I"$work/tree/include" \
	-c "$work/tree/src/cmocka.c" -o "$work/cmocka.o"
rm -f "$DEST/lib/libcmocka.a"
"$AR" rcs "$DEST/lib/libcmocka.a" "$work/cmocka.o"
# Built with MinGW's C99 printf (above), so its messages take %zu: tell GCC to check
# them as such, not as Microsoft's printf, which is what plain __printf__ means here.
sed 's/__format__ (__printf__,/__format__ (__gnu_printf__,/' "$work/tree/include/cmocka.h" \
	>"$DEST/include/cmocka.h"
grep -q __gnu_printf__ "$DEST/include/cmocka.h" || {
	say "cmocka.h: its printf attribute was not found to adapt"
	exit 1
}
say "done: $DEST/lib/libcmocka.a"
