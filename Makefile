# dsrcheck: verification probes for Direct Server Return deployments.
# `make` builds ./dsrcheck; `make check` runs unit and integration tests;
# `make demo` runs dsrcheck against the built-in lab; `make deps` installs what building and
# the demo need, `make deps-test` what the tests need too; `make deb` builds the Debian package,
# `make dist` the release tarball.

VERSION  := 0.1.0
# The commit `dsrcheck --version` names: git's when this directory is a checkout of its own
# (not a tarball unpacked inside some other repository), with "-dirty" when it differs from
# it; else the one `make dist` wrote into .commit (git archive's export-subst, .gitattributes).
COMMIT   := $(shell if [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$$(pwd -P)" ]; then \
              git rev-parse --short=12 HEAD 2>/dev/null | tr -d '\n'; \
              git diff --quiet HEAD -- 2>/dev/null || printf -- -dirty; \
            else sed -n 's/^\([0-9a-f]\{12\}\)[0-9a-f]*$$/\1/p' .commit 2>/dev/null; fi)
CC       ?= cc
PKG      ?= pkg-config
PREFIX   ?= /usr/local

# What differs between operating systems lives in files named for the platform:
# platform/*_linux.c, platform/*_bsd.c (macOS and the BSDs), platform/*_windows.c, and
# platform/*_posix.c for every platform but Windows (local/ follows the same convention). `make windows` cross-builds dsrcheck.exe with MinGW-w64.
UNAME    := $(shell uname -s)
PLATFORM ?= $(if $(filter Darwin FreeBSD OpenBSD NetBSD DragonFly,$(UNAME)),bsd,linux)
ifeq ($(PLATFORM),windows)
# Debian has neither libnet nor libinih for MinGW: dsrcheck's own frame writer and
# line splitter (tested against both on Linux) stand in. libpcap's headers are Debian's,
# copied into the build tree; the library is Npcap's wpcap.dll, delay-loaded.
WIN_CC   ?= x86_64-w64-mingw32-gcc
DLLTOOL  ?= x86_64-w64-mingw32-dlltool
PCAP_INCLUDE ?= /usr/include
override CC := $(WIN_CC)
LIBNET   := 0
INIH     := 0
EXE      := .exe
endif
BIN      ?= dsrcheck$(EXE)

# Expanded when used, not when make starts: `make deps demo` installs them first.
# libnet 1.1.6 (Debian 12) ships no .pc file: fall back to libnet-config, but take only
# its libraries; its --defines add -D_BSD_SOURCE, which glibc warns about (fatal with -Werror).
LIBNET_CFLAGS = $(shell $(PKG) --cflags libnet 2>/dev/null || libnet-config --cflags 2>/dev/null)
LIBNET_LIBS   = $(shell $(PKG) --libs libnet 2>/dev/null || libnet-config --libs 2>/dev/null || echo -lnet)

# libnet is the reference frame writer where it is installed (probes/wire_libnet.c);
# builds without it (LIBNET=0, Windows) use dsrcheck's own (probes/wire_raw.c), tested to give
# the same bytes.
ifeq ($(LIBNET),0)
LIBNET_CFLAGS :=
LIBNET_LIBS   :=
else
LIBNET_CFLAGS += -DDSR_HAVE_LIBNET
endif
# INIH=0: no libinih; src/ini_split.c splits the lines (what Windows builds use).
INIH_PKG := $(if $(filter 0,$(INIH)),,inih)
DEP_CFLAGS = $(shell $(PKG) --cflags libpcap $(INIH_PKG) 2>/dev/null) $(LIBNET_CFLAGS) \
             $(if $(INIH_PKG),,-DDSR_NO_INIH)
DEP_LIBS   = $(shell $(PKG) --libs libpcap $(INIH_PKG) 2>/dev/null || echo -lpcap $(if $(INIH_PKG),-linih)) \
             $(LIBNET_LIBS)
TEST_CFLAGS = $(shell $(PKG) --cflags cmocka 2>/dev/null)
TEST_LIBS   = $(shell $(PKG) --libs cmocka 2>/dev/null || echo -lcmocka)
ifeq ($(PLATFORM),windows)
# Windows 8 and later (GetSystemTimePreciseAsFileTime); MinGW's C99 printf (%zu, %lld);
# _POSIX_C_SOURCE for gmtime_r and strtok_r; WIN32_LEAN_AND_MEAN keeps the COM headers
# out, whose `interface` macro would eat a struct member. -static: only system DLLs and
# wpcap.dll.
DEP_CFLAGS  = -I$(BUILD)/include -D_WIN32_WINNT=0x0602 -D__USE_MINGW_ANSI_STDIO=1 \
              -D_POSIX_C_SOURCE=200809L -DWIN32_LEAN_AND_MEAN -DDSR_NO_INIH
DEP_LIBS    = $(BUILD)/libwpcap.a -liphlpapi -lws2_32 -lbcrypt
LDFLAGS    += -static
TEST_CFLAGS = -I$(BUILD)/deps/include
TEST_LIBS   = $(BUILD)/deps/lib/libcmocka.a
endif

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 $(WARN) -D_DEFAULT_SOURCE -DDSR_VERSION='"$(VERSION)"' $(DEP_CFLAGS)
LDLIBS   += $(DEP_LIBS)

ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
BUILD   := build/sanitize
else
BUILD   := build/default
endif
ifeq ($(PLATFORM),windows)
BUILD   := build/windows
endif

# The seam between dsrcheck and each operating system, by the file name convention above.
# local/ (the server-side audit) follows it too; a platform without its own collector
# (macOS/BSD) gets none, and `dsrcheck local` says so.
SRC_DIRS := src platform passive local cmd
PLATFORM_SRC := $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*_$(PLATFORM).c) \
                $(if $(filter windows,$(PLATFORM)),,$(wildcard $(d)/*_posix.c)))
ALL_PLATFORM_SRC := $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*_linux.c $(d)/*_bsd.c $(d)/*_windows.c $(d)/*_posix.c))

CORE_SRC := $(filter-out cmd/main.c $(ALL_PLATFORM_SRC), \
              $(wildcard $(addsuffix /*.c,$(SRC_DIRS)))) \
            $(PLATFORM_SRC) $(wildcard capture/*.c probes/*.c reports/*.c)
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
TESTS    := $(patsubst tests/%.c,$(BUILD)/tests/%$(EXE),$(wildcard tests/test_*.c))

.PHONY: FORCE all check unit contrib integration screenshots demo deps deps-test deps-windows clean install install-systemd lab-up lab-down lab-verify bench fuzz valgrind loss dist deb package
.PHONY: windows check-windows
all: $(BIN)

$(BIN): $(BUILD)/cmd/main.o $(CORE_OBJ) FORCE
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS)

# Only cmd/options.c (--version) reads the commit; $(BUILD)/commit changes when the commit
# does, so a new commit recompiles that one file.
$(BUILD)/commit: FORCE
	@mkdir -p $(dir $@)
	@echo '$(COMMIT)' | cmp -s - $@ || echo '$(COMMIT)' >$@
$(BUILD)/cmd/options.o: CPPFLAGS += -DDSR_COMMIT='"$(COMMIT)"'
$(BUILD)/cmd/options.o: $(BUILD)/commit

$(BUILD)/%.o: %.c $(wildcard src/*.h cmd/*.h platform/*.h passive/*.h local/*.h capture/*.h probes/*.h reports/*.h) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%$(EXE): tests/%.c $(CORE_OBJ) $(TEST_OBJ) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $< $(CORE_OBJ) $(TEST_OBJ) $(LDLIBS) $(TEST_LIBS)

# The configuration tests and tests/cli.sh once more without libinih, through
# src/ini_split.c as the Windows build reads configurations. One sub-make for both (&:, a
# grouped target): two would compile the same objects at once under -j, and each new commit
# recompiles cmd/options.o (--version), where they clobbered each other's output.
NOINIH := $(BUILD)-noinih
$(NOINIH)/dsrcheck $(NOINIH)/tests/test_config &: FORCE
	@$(MAKE) --no-print-directory INIH=0 BUILD=$(NOINIH) BIN=$(NOINIH)/dsrcheck \
		$(NOINIH)/dsrcheck $(NOINIH)/tests/test_config

# Unit tests need no privilege and no network; they run from the project root
# so that they find fixtures/. tests/cli.sh: bad configurations and command lines,
# each with its exact message and exit status.
unit: $(TESTS) dsrcheck $(NOINIH)/dsrcheck $(NOINIH)/tests/test_config
	@failed=0; for t in $(TESTS) $(NOINIH)/tests/test_config; do echo "== $$t"; $$t || failed=$$((failed + 1)); done; \
	echo "== tests/cli.sh"; bash tests/cli.sh ./dsrcheck || failed=$$((failed + 1)); \
	echo "== tests/cli.sh (INIH=0)"; bash tests/cli.sh $(NOINIH)/dsrcheck || failed=$$((failed + 1)); \
	if [ $$failed -ne 0 ]; then echo "unit: $$failed test programs failed"; exit 1; fi

# The lab needs root (network namespaces); say so instead of failing obscurely.
integration: dsrcheck
	@rc=0; bash tests/integration/run.sh ./dsrcheck || rc=1; \
	bash tests/integration/ops.sh ./dsrcheck || rc=1; \
	bash tests/integration/hostile.sh ./dsrcheck || rc=1; \
	bash tests/integration/local.sh ./dsrcheck || rc=1; \
	bash tests/integration/ha.sh ./dsrcheck || rc=1; \
	bash tests/integration/vlan.sh ./dsrcheck || rc=1; \
	bash tests/html.sh ./dsrcheck || rc=1; \
	if [ "$(SANITIZE)" != 1 ]; then bash tests/integration/valgrind.sh ./dsrcheck || rc=1; \
		bash tests/package.sh || rc=1; fi; exit $$rc

check: unit contrib integration

# dsrcheck under valgrind's memcheck in the lab: audits, analyze, watch; no error and no
# byte left allocated (root, valgrind; about 30 s). Part of `make integration`, except
# with SANITIZE=1: valgrind cannot run AddressSanitizer binaries.
valgrind: dsrcheck
	@if [ "$(SANITIZE)" = 1 ]; then echo "valgrind: build without SANITIZE=1" >&2; exit 2; fi; \
	bash tests/integration/valgrind.sh ./dsrcheck

# Man page, alerting rules, systemd units, completion, wrappers: no privilege. Also the
# macOS/BSD platform file, compile-checked against stand-in headers (tests/bsd-shim/README).
contrib: dsrcheck
	@bash tests/contrib.sh ./dsrcheck
	@bash tests/bsd-compile-check.sh

# The HTML report in headless Chromium (tests/html.sh, part of `make integration`), and
# the README's pictures of it re-taken from the lab's unbound and arp-leak scenarios (root).
screenshots: dsrcheck
	@bash tests/html.sh ./dsrcheck --screenshots

demo: dsrcheck
	@bash fixtures/lab/demo.sh ./dsrcheck

lab-up:
	@bash fixtures/lab/lab.sh up
lab-down:
	@bash fixtures/lab/lab.sh down
lab-verify:
	@bash fixtures/lab/lab.sh verify

# libFuzzer harnesses (clang) for every parser of outside bytes, FUZZ_SECONDS each.
FUZZ_SECONDS ?= 300
fuzz:
	@bash tests/fuzz/run.sh $(FUZZ_SECONDS)

# Speed against the way a person checks (ping, nc, arping one after another): root.
bench: dsrcheck
	@bash bench/bench.sh

# Verdicts under LOSS_PERCENT % random loss on the lab's segment: LOSS_RUNS runs of every
# scenario with --retries LOSS_RETRIES, counted against the integration tests'
# expectations (root). LOSS_RUNS=2 is the short variant; see bench/README.md.
LOSS_RUNS ?= 20
LOSS_PERCENT ?= 20
LOSS_RETRIES ?= 10
LOSS_VANTAGES ?= client
loss: dsrcheck
	@bash bench/loss.sh -n $(LOSS_RUNS) -p $(LOSS_PERCENT) -r $(LOSS_RETRIES) -V $(LOSS_VANTAGES)

# What building, running and `make demo` need; the tests' tools (lab, report consumers, fuzzing,
# packaging) and the Windows cross-build come in groups of their own (tools/deps.sh).
deps:
	@bash tools/deps.sh build
deps-test:
	@bash tools/deps.sh build test
deps-windows:
	@bash tools/deps.sh build windows

# The Debian package (debian/), without the tests (they need the lab: tests/package.sh),
# left in this directory as dsrcheck_$(VERSION)_ARCH.deb. dpkg-buildpackage writes into
# the parent directory: what it writes there is moved here.
deb:
	@command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null || \
		{ echo "make deb: dpkg-buildpackage or debhelper is missing: run 'sudo make deps-test'" >&2; exit 2; }
	@v=$$(dpkg-parsechangelog -S Version) && [ "$$v" = "$(VERSION)" ] || \
		{ echo "make deb: debian/changelog says $$v, the Makefile $(VERSION): add a changelog entry (dch -v $(VERSION))" >&2; exit 2; }
	DEB_BUILD_OPTIONS="nocheck $(DEB_BUILD_OPTIONS)" dpkg-buildpackage -us -uc -b
	for f in ../dsrcheck_$(VERSION)_*.deb ../dsrcheck-dbgsym_$(VERSION)_*.deb \
		../dsrcheck_$(VERSION)_*.buildinfo ../dsrcheck_$(VERSION)_*.changes; do \
		[ ! -e "$$f" ] || mv -f "$$f" . || exit 1; done

# Build the package, lint it, install it, audit the lab with it as its unprivileged user,
# purge it (root; part of `make integration`).
package:
	@bash tests/package.sh

# The release tarball dsrcheck-$(VERSION).tar.gz: the files of the commit checked out
# (git archive; uncommitted changes are not in it), each dated by the commit, with .commit
# filled in (export-subst) so that a build from it names the commit; gzip -n stores no
# name or time. The same commit gives the same bytes.
dist:
	@git rev-parse --verify -q HEAD >/dev/null || { echo "make dist: needs a git checkout" >&2; exit 2; }
	@git diff --quiet HEAD -- || echo "make dist: warning: uncommitted changes are left out" >&2
	git archive --format=tar --prefix=dsrcheck-$(VERSION)/ HEAD | gzip -n -9 >dsrcheck-$(VERSION).tar.gz.tmp
	mv dsrcheck-$(VERSION).tar.gz.tmp dsrcheck-$(VERSION).tar.gz

# Windows: dsrcheck.exe cross-built with MinGW-w64 (README, "Platforms"), and the unit
# tests that need no network run under Wine. Nothing here needs root.
WIN_TESTS := config parse decode probes wire plan reports formats passive ownership ini_split os platform local catalogue diagnose
windows:
	@$(MAKE) --no-print-directory PLATFORM=windows dsrcheck.exe
check-windows:
	@$(MAKE) --no-print-directory PLATFORM=windows dsrcheck.exe \
		$(WIN_TESTS:%=build/windows/tests/test_%.exe)
	@bash tests/wine.sh ./dsrcheck.exe $(WIN_TESTS:%=build/windows/tests/test_%.exe)

ifeq ($(PLATFORM),windows)
# Debian's libpcap headers, in a directory of their own: /usr/include as a whole
# must not shadow MinGW's headers.
$(BUILD)/include/pcap.h: Makefile
	@test -f $(PCAP_INCLUDE)/pcap/pcap.h || { echo "make windows: $(PCAP_INCLUDE)/pcap/pcap.h missing (apt-get install libpcap-dev)" >&2; exit 1; }
	@mkdir -p $(BUILD)/include
	cp -R $(PCAP_INCLUDE)/pcap $(PCAP_INCLUDE)/pcap.h $(PCAP_INCLUDE)/pcap-bpf.h $(PCAP_INCLUDE)/pcap-namedb.h $(BUILD)/include/

# capture/wpcap.def names what dsrcheck imports; a delay-load import library, so that
# dsrcheck.exe starts without Npcap and says what is missing (platform/os_windows.c).
$(BUILD)/libwpcap.a: capture/wpcap.def
	@mkdir -p $(dir $@)
	$(DLLTOOL) --input-def $< --dllname wpcap.dll --output-delaylib $@

$(BUILD)/include/dsr_wpcap_names.h: capture/wpcap.def
	@mkdir -p $(dir $@)
	awk '/^EXPORTS/ { on = 1 } /^; live/ { live = 1 } \
		on && /^[A-Za-z_]/ && !/^EXPORTS/ { names[live + 0] = names[live + 0] (names[live + 0] ? ", " : "") "\"" $$1 "\"" } \
		END { print "#define DSR_WPCAP_FILE_NAMES " names[0]; print "#define DSR_WPCAP_LIVE_NAMES " names[1] }' $< > $@

$(BUILD)/cmd/main.o $(CORE_OBJ): | $(BUILD)/include/pcap.h $(BUILD)/include/dsr_wpcap_names.h
$(BUILD)/platform/os_windows.o: $(BUILD)/include/dsr_wpcap_names.h
$(BIN) $(TESTS): $(BUILD)/libwpcap.a
$(TESTS): $(BUILD)/deps/lib/libcmocka.a

# cmocka for MinGW, from Debian's source package (tools/win-deps.sh).
$(BUILD)/deps/lib/libcmocka.a: tools/win-deps.sh
	@bash tools/win-deps.sh $(BUILD)/deps
endif

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/sbin/dsrcheck
	sed 's|/usr/local/sbin/|$(PREFIX)/sbin/|g' contrib/ldirectord/dsrcheck-ldirectord \
		> $(DESTDIR)$(PREFIX)/sbin/dsrcheck-ldirectord
	chmod 0755 $(DESTDIR)$(PREFIX)/sbin/dsrcheck-ldirectord
	install -m 0644 doc/dsrcheck.8 $(DESTDIR)$(PREFIX)/share/man/man8/dsrcheck.8
	install -m 0644 contrib/bash-completion/dsrcheck \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/dsrcheck

# The units name $(PREFIX)/sbin/dsrcheck; enable them by hand (systemctl enable --now ...).
UNITDIR ?= $(PREFIX)/lib/systemd/system
install-systemd:
	install -d $(DESTDIR)$(UNITDIR)
	for u in contrib/systemd/*.service contrib/systemd/*.timer; do \
		sed 's|/usr/local/sbin/|$(PREFIX)/sbin/|g' $$u > $(DESTDIR)$(UNITDIR)/$${u##*/} && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$${u##*/} || exit 1; \
	done

clean:
	rm -rf build dsrcheck dsrcheck.exe
