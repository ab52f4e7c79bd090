/* libFuzzer harness: the command line, through the real main() of
 * cmd/main.c and the drivers of cmd/ (option parsing, -c loading, the --vip/--port/--server
 * deployment, overrides, subcommands, planning and report writing), with
 * everything that would leave the process replaced at the platform seam.
 *
 * Input: arguments separated by NUL or newline bytes (at most MAX_ARGS), each
 * in its own allocation of exactly its length, so that a parser reading past
 * an argument's end is caught by AddressSanitizer.
 *
 * Why cmd/*.c are #included rather than compiled with -Dmain=dsrcheck_main
 * and linked: main() keeps state across calls that a one-shot program never
 * resets (getopt's position), and the drivers' calls out of the process must
 * be redirected without touching the files. Including them lets this harness
 * reset the former and rename the latter with macros below, before the files
 * are read; they are compiled unchanged (tests/fuzz/run.sh leaves cmd/ out of
 * the objects it links).
 *
 * What never happens, whatever the input:
 *  - no live capture, no injection, no routing lookup: dsr_platform_iface
 *    returns the lab vantage point, and dsr_source_open_live compiles the
 *    capture filter dsrcheck built (it must compile: a broken filter would
 *    fail every live run) and then refuses like an unprivileged user (exit 3);
 *  - no -t timer (dsr_os_deadline: alarm(2) and a SIGALRM handler): libFuzzer's
 *    -timeout uses SIGALRM;
 *  - no file outside fixtures/ is read (-c, analyze FILE): other paths are
 *    answered as missing files;
 *  - no file is written (--report, --pcap): reports are written to memory
 *    files and the final rename is skipped;
 *  - no privilege is given up and no report helper is forked. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../capture/dump.h"
#include "../../capture/source.h"
#include "../../reports/report.h"
#include "../../src/config.h"
#include "../../src/engine.h"
#include "../../src/parse.h"
#include "../../passive/passive.h"
#include "../../src/plan.h"
#include "../../platform/platform.h"
#include "../../src/verdict.h"
#include "../../passive/watch.h"
#include "fuzz_common.h"

#define MAX_ARGS 48

/* ---- the seam: what main.c calls instead of the outside world ---- */

static int fuzz_platform_iface(const char *ifname, struct in_addr route_to, struct dsr_iface *out,
			       char *err, size_t errlen)
{
	(void)route_to;
	fuzz_vantage(out);
	if (ifname && ifname[0]) {
		if (strlen(ifname) >= sizeof(out->name)) {
			snprintf(err, errlen, "interface '%s' not found", ifname);
			return -1;
		}
		snprintf(out->name, sizeof(out->name), "%s", ifname);
	}
	return 0;
}

static int fuzz_drop_privileges(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	return 0;
}

static bool fuzz_leaves_root(void)
{
	return false;
}

/* Fixed, so that a crash reproduces: --seed-less plans differ only in this. */
static int fuzz_random(void *buf, size_t len)
{
	memset(buf, 0x5a, len);
	return 0;
}

static int fuzz_open_live(const char *ifname, const char *filter, struct dsr_source **out,
			  char *err, size_t errlen)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 256);
	struct bpf_program prog;

	(void)out;
	FUZZ_REQUIRE(dead != NULL);
	if (pcap_compile(dead, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		fprintf(stderr, "capture filter does not compile: %s\n  %s\n", pcap_geterr(dead), filter);
		FUZZ_REQUIRE(!"the capture filter dsrcheck built compiles");
	}
	pcap_freecode(&prog);
	pcap_close(dead);
	snprintf(err, errlen, "no permission to capture on %s (fuzzing)", ifname);
	return DSR_SOURCE_PERMISSION;
}

static struct dsr_dump *fuzz_dump_open(const char *path, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: not written while fuzzing", path);
	return NULL;
}

/* Only fixtures/ is read; anything else is a file that does not exist. */
static const char *fuzz_path(const char *path, const char *dir)
{
	if (strncmp(path, dir, strlen(dir)) == 0 && !strstr(path, ".."))
		return path;
	return "/nonexistent/dsrcheck-fuzz";
}

static int fuzz_config_load(struct dsr_config *cfg, const char *path, char *err, size_t errlen)
{
	return dsr_config_load(cfg, fuzz_path(path, "fixtures/"), err, errlen);
}

static int fuzz_open_any_file(const char *path, struct dsr_source **out, char *err, size_t errlen)
{
	return dsr_source_open_any_file(fuzz_path(path, "fixtures/pcap/"), out, err, errlen);
}

/* write_report_file: dsr_os_temp_file, write, dsr_os_sync, dsr_os_replace.
 * The writer runs on a memory file; the replace that would publish it is
 * skipped. */
static FILE *fuzz_temp_file(const char *path, char **tmp, char *err, size_t errlen)
{
	int fd = memfd_create("fuzz-report", 0);
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;

	(void)path;
	*tmp = strdup("/nonexistent/dsrcheck-fuzz-report");
	if (!f || !*tmp) {
		snprintf(err, errlen, "out of memory");
		if (f)
			fclose(f);
		else if (fd >= 0)
			close(fd);
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	return f;
}

static int fuzz_replace(const char *tmp, const char *path, char *err, size_t errlen)
{
	(void)tmp;
	(void)path;
	(void)err;
	(void)errlen;
	return 0;
}

static int fuzz_remove(const char *path)
{
	(void)path;
	return 0;
}

static void fuzz_deadline(unsigned seconds, const char *out_msg, const char *err_msg, int status)
{
	(void)seconds;
	(void)out_msg;
	(void)err_msg;
	(void)status;
}

#define dsr_platform_iface fuzz_platform_iface
#define dsr_platform_drop_privileges fuzz_drop_privileges
#define dsr_platform_leaves_root fuzz_leaves_root
#define dsr_platform_random fuzz_random
#define dsr_source_open_live fuzz_open_live
#define dsr_dump_open fuzz_dump_open
#define dsr_config_load fuzz_config_load
#define dsr_source_open_any_file fuzz_open_any_file
#define dsr_os_temp_file fuzz_temp_file
#define dsr_os_replace fuzz_replace
#define remove fuzz_remove
#define dsr_os_deadline fuzz_deadline
#define main dsrcheck_main

#include "../../cmd/analyze.c"
#include "../../cmd/audit.c"
#include "../../cmd/cmds.c"
#include "../../cmd/live.c"
#include "../../cmd/local.c"
#include "../../cmd/main.c"
#include "../../cmd/options.c"
#include "../../cmd/progress.c"
#include "../../cmd/publish.c"
#include "../../cmd/run.c"
#include "../../cmd/watch.c"

#undef main

/* ---- the harness ---- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2] = {0};
	int argc = 0;
	size_t start = 0;

	argv[argc++] = strdup("dsrcheck");
	for (size_t i = 0; i <= size && argc <= MAX_ARGS; i++) {
		if (i < size && data[i] != '\0' && data[i] != '\n')
			continue;
		if (i == size && start == size)
			break; /* a trailing separator does not make an empty argument */
		size_t len = i - start;
		argv[argc] = malloc(len + 1);
		FUZZ_REQUIRE(argv[argc] != NULL);
		memcpy(argv[argc], data + start, len);
		argv[argc][len] = '\0';
		argc++;
		start = i + 1;
	}
	argv[argc] = NULL;
	/* main() shifts argv for subcommands: free what we allocated, not what it holds. */
	char *owned[MAX_ARGS + 2];
	memcpy(owned, argv, sizeof(owned));

	/* One process, many runs: reset what a real run starts with. */
	optind = 0; /* 0, not 1: glibc then also forgets a half-read "-vq" cluster */

	int status = dsrcheck_main(argc, argv);
	/* The exit status contract (README): 0, 1, 2 or 3, and nothing else. */
	FUZZ_REQUIRE(status >= 0 && status <= 3);
	fflush(stdout);

	for (int i = 0; i < argc; i++)
		free(owned[i]);
	return 0;
}
