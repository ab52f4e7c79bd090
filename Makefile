# dsrcheck: verification probes for Direct Server Return deployments.
# `make` builds ./dsrcheck; `make check` runs unit and integration tests;
# `make demo` runs dsrcheck against the built-in lab; `make deps` installs libraries.

VERSION  := 0.1.0
CC       ?= cc
PKG      ?= pkg-config
PREFIX   ?= /usr/local

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
DEP_CFLAGS = $(shell $(PKG) --cflags libpcap inih 2>/dev/null) $(LIBNET_CFLAGS)
DEP_LIBS   = $(shell $(PKG) --libs libpcap inih 2>/dev/null || echo -lpcap -linih) $(LIBNET_LIBS)
TEST_CFLAGS = $(shell $(PKG) --cflags cmocka 2>/dev/null)
TEST_LIBS   = $(shell $(PKG) --libs cmocka 2>/dev/null || echo -lcmocka)

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

# One seam for what differs between operating systems.
PLATFORM_SRC := src/platform_linux.c

CORE_SRC := $(filter-out src/main.c src/platform_%.c,$(wildcard src/*.c)) $(PLATFORM_SRC) \
            $(wildcard capture/*.c probes/*.c reports/*.c)
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
TESTS    := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/test_*.c))

.PHONY: FORCE all check unit contrib integration demo deps clean install install-systemd lab-up lab-down lab-verify bench fuzz
all: dsrcheck

dsrcheck: $(BUILD)/src/main.o $(CORE_OBJ) FORCE
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS)

$(BUILD)/%.o: %.c $(wildcard src/*.h capture/*.h probes/*.h reports/*.h) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(CORE_OBJ) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $< $(CORE_OBJ) $(LDLIBS) $(TEST_LIBS)

# Unit tests need no privilege and no network; they run from the project root
# so that they find fixtures/. tests/cli.sh: bad configurations and command lines,
# each with its exact message and exit status.
unit: $(TESTS) dsrcheck
	@failed=0; for t in $(TESTS); do echo "== $$t"; $$t || failed=$$((failed + 1)); done; \
	echo "== tests/cli.sh"; bash tests/cli.sh ./dsrcheck || failed=$$((failed + 1)); \
	if [ $$failed -ne 0 ]; then echo "unit: $$failed test programs failed"; exit 1; fi

# The lab needs root (network namespaces); say so instead of failing obscurely.
integration: dsrcheck
	@rc=0; bash tests/integration/run.sh ./dsrcheck || rc=1; \
	bash tests/integration/ops.sh ./dsrcheck || rc=1; \
	bash tests/integration/hostile.sh ./dsrcheck || rc=1; exit $$rc

check: unit contrib integration

# Man page, alerting rules, systemd units, completion, wrappers: no privilege.
contrib: dsrcheck
	@bash tests/contrib.sh ./dsrcheck

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

deps:
	@bash tools/deps.sh

install: dsrcheck
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0755 dsrcheck $(DESTDIR)$(PREFIX)/sbin/dsrcheck
	sed 's|/usr/local/sbin/|$(PREFIX)/sbin/|g' contrib/ldirectord/dsrcheck-ldirectord \
		> $(DESTDIR)$(PREFIX)/sbin/dsrcheck-ldirectord
	chmod 0755 $(DESTDIR)$(PREFIX)/sbin/dsrcheck-ldirectord
	install -m 0644 doc/dsrcheck.8 $(DESTDIR)$(PREFIX)/share/man/man8/dsrcheck.8
	install -m 0644 contrib/bash-completion/dsrcheck \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/dsrcheck

# The units name $(PREFIX)/sbin/dsrcheck; enable them by hand (systemctl enable --now ...).
install-systemd:
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	for u in contrib/systemd/*.service contrib/systemd/*.timer; do \
		sed 's|/usr/local/sbin/|$(PREFIX)/sbin/|g' $$u > $(DESTDIR)$(PREFIX)/lib/systemd/system/$${u##*/} && \
		chmod 0644 $(DESTDIR)$(PREFIX)/lib/systemd/system/$${u##*/} || exit 1; \
	done

clean:
	rm -rf build dsrcheck
