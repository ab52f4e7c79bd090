/* What the libFuzzer harnesses share: the deployment and vantage point the
 * fixtures were recorded with, so that frames cut out of fixtures/pcap match
 * real tasks of the plan (the fuzzer starts from answers to our own probes,
 * not from noise), a memory file for the parsers that want a path, and a
 * check that the results the judges hand to report writers are well formed.
 * Header-only on purpose: each harness is one translation unit plus the
 * project's objects. */
#ifndef DSR_FUZZ_COMMON_H
#define DSR_FUZZ_COMMON_H

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../reports/report.h"
#include "../../src/check.h"
#include "../../src/config.h"
#include "../../src/diagnose.h"
#include "../explained.h"
#include "../../src/parse.h"
#include "../../src/plan.h"
#include "../../platform/platform.h"

/* fixtures/lab/dsrcheck-lab.ini, which every fixture capture was recorded
 * against (fixtures/TESTLIST), inlined so that a harness does not depend on
 * the working directory; with a vrrp-id, so that VRRP advertisements reach
 * vrrp.master's task and the ownership timeline. */
static const char fuzz_lab_ini[] = "[global]\n"
				   "timeout = 500ms\n"
				   "retries = 1\n"
				   "listen = 1s\n"
				   "rate = 500\n"
				   "[service web]\n"
				   "vip = 198.18.0.100, 2001:2::100\n"
				   "ports = 80, 8080\n"
				   "balancer = 198.18.0.2\n"
				   "balancer-mac = 02:00:00:00:00:02\n"
				   "vrrp-id = 51\n"
				   "servers = rs1, rs2, rs3\n"
				   "[server rs1]\n"
				   "address = 198.18.0.11, 2001:2::11\n"
				   "mac = 02:00:00:00:00:11\n"
				   "[server rs2]\n"
				   "address = 198.18.0.12, 2001:2::12\n"
				   "mac = 02:00:00:00:00:12\n"
				   "[server rs3]\n"
				   "address = 198.18.0.13, 2001:2::13\n"
				   "mac = 02:00:00:00:00:13\n";

/* The seed the fixtures were recorded with (fixtures/record.sh: --seed 1):
 * with it the probe identifiers in the captured answers are ours. */
#define FUZZ_PLAN_KEY 1u

/* The lab client: 198.18.0.50/24, 02:00:00:00:00:50 (as tests/test_plan.c). */
static inline void fuzz_vantage(struct dsr_iface *ifc)
{
	memset(ifc, 0, sizeof(*ifc));
	snprintf(ifc->name, sizeof(ifc->name), "fuzz0");
	dsr_parse_mac("02:00:00:00:00:50", ifc->mac);
	dsr_parse_ipv4("198.18.0.50", &ifc->addrs[0]);
	ifc->masks[0].s_addr = htonl(0xffffff00u);
	ifc->naddrs = 1;
	/* Dual-stack, as the lab: the IPv6 probes and the IPv6 side of the passive
	 * analyser are fuzzed too. */
	struct in6_addr ip6;
	dsr_parse_ipv6("2001:2::50", &ip6);
	dsr_iface_add_held6(ifc, ifc->name, &ip6, ifc->mac);
}

/* The lab configuration planned from the lab client with FUZZ_PLAN_KEY: never
 * written by the engine, whose state lives in each input's observations.
 * Aborts on failure: a harness cannot run without its plan. */
static inline void fuzz_lab_plan(const char *harness, struct dsr_config *cfg, struct dsr_plan *plan)
{
	char err[512];
	struct dsr_iface ifc;

	fuzz_vantage(&ifc);
	if (dsr_config_init(cfg) < 0 ||
	    dsr_config_load_string(cfg, fuzz_lab_ini, "lab.ini", err, sizeof(err)) < 0 ||
	    dsr_plan_build(cfg, &ifc, FUZZ_PLAN_KEY, plan, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: setup: %s\n", harness, err);
		abort();
	}
}

/* A crash libFuzzer records with its input: for broken contracts that no
 * sanitizer sees (a wrong verdict is not a memory error). */
#define FUZZ_REQUIRE(cond)                                                                      \
	do {                                                                                    \
		if (!(cond)) {                                                                  \
			fprintf(stderr, "%s:%d: contract broken: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                \
		}                                                                               \
	} while (0)

/* A file that lives in memory, reachable by path (/proc/self/fd/N), so that
 * the parsers that open paths (libpcap, dsr_config_load) read the fuzzer's
 * bytes through their real code path; rewritten for every input, never on disk. */
struct fuzz_memfile {
	int fd;
	char path[64];
};

static inline void fuzz_memfile_open(struct fuzz_memfile *m, const char *name)
{
	m->fd = memfd_create(name, 0);
	if (m->fd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(m->path, sizeof(m->path), "/proc/self/fd/%d", m->fd);
}

static inline void fuzz_memfile_set(struct fuzz_memfile *m, const uint8_t *data, size_t size)
{
	if (ftruncate(m->fd, 0) < 0 || (size && pwrite(m->fd, data, size, 0) != (ssize_t)size)) {
		perror("memfile");
		abort();
	}
}

/* What report writers may assume of every check (src/check.h): an id, a
 * status in range, a reason unless passed, bounded evidence. A judge that
 * breaks this under hostile observations would print garbage or crash a writer. */
static inline void fuzz_check_results(const struct dsr_check *checks, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct dsr_check *c = &checks[i];
		FUZZ_REQUIRE(c->id != NULL);
		FUZZ_REQUIRE(c->status == DSR_PASS || c->status == DSR_FAIL || c->status == DSR_WARN ||
			     c->status == DSR_SKIP);
		FUZZ_REQUIRE(c->status == DSR_PASS || c->reason != NULL);
		FUZZ_REQUIRE(c->nevidence <= DSR_EVIDENCE_MAX);
		FUZZ_REQUIRE(c->summary && strnlen(c->summary, DSR_SUMMARY_MAX) < DSR_SUMMARY_MAX);
		FUZZ_REQUIRE(c->remedy && strnlen(c->remedy, DSR_REMEDY_MAX) < DSR_REMEDY_MAX);
		for (size_t k = 0; k < c->nevidence; k++)
			FUZZ_REQUIRE(strnlen(c->evidence[k].key, DSR_EVIDENCE_KEY) < DSR_EVIDENCE_KEY &&
				     strnlen(c->evidence[k].text, DSR_EVIDENCE_TEXT) < DSR_EVIDENCE_TEXT);
		FUZZ_REQUIRE(memchr(c->target, '\0', sizeof(c->target)) != NULL);
	}
}

/* A report of the checks, in the format pick selects (pick % 6, from the
 * input, so that a finding reproduces): writers format text that came from
 * the wire, so they see what the judges made of hostile frames too. One
 * format per input, because all six cost more than the rest of a run. */
static inline void fuzz_write_report(const struct dsr_check *checks, size_t n, size_t pick)
{
	static FILE *sink;
	static const char *const formats[] = {"text", "json", "junit", "prometheus", "nagios", "html"};
	struct dsr_run run = {.version = "fuzz", .checks = checks, .nchecks = n};
	struct dsr_report_options ro = {.color = pick & 1, .verbose = 1};
	const struct dsr_report_writer *w =
		dsr_report_find(formats[pick % (sizeof(formats) / sizeof(formats[0]))]);

	if (!sink && !(sink = fopen("/dev/null", "w"))) {
		perror("/dev/null");
		abort();
	}
	struct dsr_findings findings;

	FUZZ_REQUIRE(w != NULL);
	snprintf(run.vantage.ifname, sizeof(run.vantage.ifname), "fuzz0");
	dsr_run_count(&run);
	/* The findings of hostile verdicts: every broken check explained once,
	 * no other (a count alone would let one be explained twice and another
	 * not at all). */
	FUZZ_REQUIRE(dsr_diagnose(checks, n, &findings) == 0);
	size_t by;
	for (size_t i = 0; i < findings.n; i++)
		for (size_t k = 0; k < findings.items[i].nchecks; k++)
			FUZZ_REQUIRE(findings.items[i].checks[k] < n);
	FUZZ_REQUIRE(misexplained(checks, n, &findings, 0, &by) == n);
	run.findings = findings.items;
	run.nfindings = findings.n;
	w->write(sink, &run, &ro);
	dsr_findings_free(&findings);
}

#endif
