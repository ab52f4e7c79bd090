/* Replays recorded captures through the live code path (decoder, matcher,
 * judges) and compares verdicts with fixtures/TESTLIST, in the manner of
 * tcpdump's TESTLIST. Each line:
 *
 *   PCAP CONFIG VANTAGE-ADDRS VANTAGE-MAC SEED CHECK SERVER PORT STATUS REASON
 *
 * VANTAGE-ADDRS is a comma-separated list of ADDR/PREFIX, the first being the
 * probes' source; SERVER, PORT and REASON are '-' for none. Paths are relative
 * to fixtures/. A pcap's checks not named in TESTLIST must pass or skip.
 *
 * fixtures/ANALYZELIST does the same for the passive path (dsrcheck analyze):
 *   PCAP CONFIG CHECK SERVER PORT STATUS REASON
 * where CONFIG "-" is no deployment.
 *
 * fixtures/FINDINGLIST names the findings (src/diagnose.h) of every capture of
 * both lists that has a failing or warning check, exactly:
 *   PCAP KIND SERVERS PORTS STATUS CHECKS
 * PCAP prefixed "analyze:" for ANALYZELIST's captures; SERVERS and PORTS comma-separated ('-' for none), CHECKS the number of
 * checks the finding explains. Whatever the lists, every failing or warning
 * check must be explained by exactly one finding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/netcompat.h"
#include "../src/catalogue.h"
#include "../src/config.h"
#include "../src/diagnose.h"
#include "explained.h"
#include "../src/engine.h"
#include "../src/parse.h"
#include "../cmd/cmd.h"
#include "../passive/passive.h"
#include "../src/plan.h"
#include "../src/verdict.h"


struct expectation {
	char pcap[128], config[128], addrs[128], mac[18], check[32], server[64], port[8], status[8],
		reason[32];
	unsigned seed;
	int line;
};

static int parse_vantage(const struct expectation *e, struct dsr_iface *ifc)
{
	char addrs[128];
	char *save = NULL;

	memset(ifc, 0, sizeof(*ifc));
	snprintf(ifc->name, sizeof(ifc->name), "replay");
	if (dsr_parse_mac(e->mac, ifc->mac) < 0)
		return -1;
	/* "-": a trunk with no address of its own (its VLANs have their sources). */
	if (strcmp(e->addrs, "-") == 0)
		return 0;
	snprintf(addrs, sizeof(addrs), "%s", e->addrs);
	for (char *a = strtok_r(addrs, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
		char *slash = strchr(a, '/');
		unsigned prefix;
		if (!slash || ifc->naddrs == DSR_IFACE_MAX_ADDRS)
			return -1;
		*slash = '\0';
		if (dsr_parse_ipv4(a, &ifc->addrs[ifc->naddrs]) < 0 ||
		    dsr_parse_uint(slash + 1, 0, 32, &prefix) < 0)
			return -1;
		ifc->masks[ifc->naddrs++].s_addr = prefix ? htonl(~0u << (32 - prefix)) : 0;
	}
	return ifc->naddrs ? 0 : -1;
}

/* Verdicts for one recorded run. */
static struct dsr_check *replay(const struct expectation *e, struct dsr_config *cfg,
				struct dsr_plan *plan, size_t *nchecks)
{
	char path[256], err[512];
	struct dsr_iface ifc;
	struct dsr_source *src;
	struct dsr_observations obs = {0};

	snprintf(path, sizeof(path), "fixtures/%s", e->config);
	assert_int_equal(dsr_config_init(cfg), 0);
	if (dsr_config_load(cfg, path, err, sizeof(err)) < 0)
		fail_msg("TESTLIST:%d: %s", e->line, err);
	if (parse_vantage(e, &ifc) < 0)
		fail_msg("TESTLIST:%d: bad vantage", e->line);
	if (dsr_plan_build(cfg, &ifc, e->seed, plan, err, sizeof(err)) < 0)
		fail_msg("TESTLIST:%d: %s", e->line, err);
	snprintf(path, sizeof(path), "fixtures/%s", e->pcap);
	if (dsr_source_open_file(path, &src, err, sizeof(err)) < 0)
		fail_msg("TESTLIST:%d: %s", e->line, err);
	assert_int_equal(dsr_engine_replay(plan, src, &obs, err, sizeof(err)), 0);
	dsr_source_close(src);
	struct dsr_check *checks = dsr_verdicts(cfg, plan, &obs, nchecks);
	dsr_observations_free(&obs);
	assert_non_null(checks);
	return checks;
}

static bool same_check(const struct dsr_check *c, const struct expectation *e)
{
	char port[8];
	snprintf(port, sizeof(port), "%d", c->port);
	return strcmp(c->id, e->check) == 0 &&
	       strcmp(c->server ? c->server : "-", e->server) == 0 &&
	       strcmp(c->port >= 0 ? port : "-", e->port) == 0;
}

static size_t load_list(const char *path, bool passive, struct expectation **out)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	size_t n = 0, cap = 0;
	int lineno = 0;

	assert_non_null(f);
	*out = NULL;
	while (fgets(line, sizeof(line), f)) {
		struct expectation e;
		lineno++;
		if (line[0] == '#' || strspn(line, " \t\r\n") == strlen(line))
			continue;
		memset(&e, 0, sizeof(e));
		e.line = lineno;
		if (passive ? sscanf(line, "%127s %127s %31s %63s %7s %7s %31s", e.pcap, e.config,
				     e.check, e.server, e.port, e.status, e.reason) != 7
			    : sscanf(line, "%127s %127s %127s %17s %u %31s %63s %7s %7s %31s", e.pcap,
				     e.config, e.addrs, e.mac, &e.seed, e.check, e.server, e.port,
				     e.status, e.reason) != 10)
			fail_msg("%s:%d: malformed line", path, lineno);
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			*out = realloc(*out, cap * sizeof(**out));
			assert_non_null(*out);
		}
		(*out)[n++] = e;
	}
	fclose(f);
	return n;
}

/* Verdicts of `dsrcheck analyze` on a capture: the shipped reader
 * (cmd/analyze.c), without the privilege drop. */
static struct dsr_check *analyze(const struct expectation *e, struct dsr_config *cfg, size_t *nchecks)
{
	char path[256], err[512];

	snprintf(path, sizeof(path), "fixtures/%s", e->config);
	assert_int_equal(dsr_config_init(cfg), 0);
	/* "-": no deployment, as `dsrcheck analyze FILE` without -c. */
	if (strcmp(e->config, "-") != 0 && dsr_config_load(cfg, path, err, sizeof(err)) < 0)
		fail_msg("ANALYZELIST:%d: %s", e->line, err);
	snprintf(path, sizeof(path), "fixtures/%s", e->pcap);
	struct dsr_check *checks = dsr_analyze_file(path, cfg, false, nchecks, NULL, NULL, err, sizeof(err));
	if (!checks)
		fail_msg("ANALYZELIST:%d: %s", e->line, err);
	return checks;
}

struct finding_line {
	char pcap[128], kind[32], servers[128], ports[64], status[8];
	size_t checks;
	int line;
	bool seen;
};

static struct finding_line *finding_list;
static size_t nfinding_list;

static void load_findings(void)
{
	FILE *f = fopen("fixtures/FINDINGLIST", "r");
	char line[512];
	size_t cap = 0;
	int lineno = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		struct finding_line e;
		lineno++;
		if (line[0] == '#' || strspn(line, " \t\r\n") == strlen(line))
			continue;
		memset(&e, 0, sizeof(e));
		e.line = lineno;
		if (sscanf(line, "%127s %31s %127s %63s %7s %zu", e.pcap, e.kind, e.servers, e.ports,
			   e.status, &e.checks) != 6)
			fail_msg("FINDINGLIST:%d: malformed line", lineno);
		if (nfinding_list == cap) {
			cap = cap ? cap * 2 : 32;
			finding_list = realloc(finding_list, cap * sizeof(*finding_list));
			assert_non_null(finding_list);
		}
		finding_list[nfinding_list++] = e;
	}
	fclose(f);
}

/* One finding as FINDINGLIST writes it: "kind servers ports status checks". */
static void finding_words(const struct dsr_finding *f, char *out, size_t cap)
{
	char servers[128] = "", ports[64] = "";
	size_t su = 0, pu = 0;

	for (size_t s = 0; s < f->nservers && su < sizeof(servers); s++)
		su += (size_t)snprintf(servers + su, sizeof(servers) - su, "%s%s", s ? "," : "",
				       f->servers[s]);
	for (size_t p = 0; p < f->nports && pu < sizeof(ports); p++)
		pu += (size_t)snprintf(ports + pu, sizeof(ports) - pu, "%s%d", p ? "," : "", f->ports[p]);
	snprintf(out, cap, "%s %s %s %s %zu", f->name, su ? servers : "-", pu ? ports : "-",
		 dsr_status_name(f->status), f->nchecks);
}

/* The findings of one capture's checks against FINDINGLIST; mismatches are
 * counted and printed, with the whole list of what was found. */
static size_t check_findings(const char *pcap, const struct dsr_check *checks, size_t n)
{
	struct dsr_findings found;
	size_t mismatches = 0;
	bool shown = false;

	assert_int_equal(dsr_diagnose(checks, n, &found), 0);
	size_t by;
	for (size_t c = misexplained(checks, n, &found, 0, &by); c < n;
	     c = misexplained(checks, n, &found, c + 1, &by)) {
		print_error("%s: %s %s port %d is explained by %zu findings\n", pcap, checks[c].id,
			    checks[c].server ? checks[c].server : "-", checks[c].port, by);
		mismatches++;
	}
	for (size_t i = 0; i < found.n; i++) {
		char words[256];
		bool listed = false;
		finding_words(&found.items[i], words, sizeof(words));
		for (size_t k = 0; k < nfinding_list && !listed; k++) {
			struct finding_line *e = &finding_list[k];
			char want[256];
			snprintf(want, sizeof(want), "%s %s %s %s %zu", e->kind, e->servers, e->ports,
				 e->status, e->checks);
			if (strcmp(e->pcap, pcap) == 0 && !e->seen && strcmp(want, words) == 0)
				listed = e->seen = true;
		}
		if (!listed) {
			print_error("%s: unexpected finding %s\n", pcap, words);
			mismatches++;
			shown = true;
		}
	}
	for (size_t k = 0; k < nfinding_list; k++)
		if (strcmp(finding_list[k].pcap, pcap) == 0 && !finding_list[k].seen) {
			print_error("FINDINGLIST:%d: %s: no such finding\n", finding_list[k].line, pcap);
			finding_list[k].seen = true; /* said once */
			mismatches++;
			shown = true;
		}
	if (shown || getenv("DSR_SHOW_FINDINGS"))
		for (size_t i = 0; i < found.n; i++) {
			char words[256];
			finding_words(&found.items[i], words, sizeof(words));
			print_message("  %s %s\n      %s\n      %s\n      fix: %s\n", pcap, words,
				      found.items[i].summary, found.items[i].evidence,
				      found.items[i].remedy);
		}
	dsr_findings_free(&found);
	return mismatches;
}

static void run_list(const char *path, bool passive)
{
	struct expectation *list;
	size_t n = load_list(path, passive, &list), runs = 0, mismatches = 0;
	assert_true(n > 0);

	for (size_t i = 0; i < n; i++) {
		/* Each pcap once, with all its expectations. */
		bool first = true;
		for (size_t k = 0; k < i; k++)
			first = first && strcmp(list[k].pcap, list[i].pcap) != 0;
		if (!first)
			continue;
		struct dsr_config cfg;
		struct dsr_plan plan;
		size_t nchecks;
		struct dsr_check *checks = passive ? analyze(&list[i], &cfg, &nchecks)
						   : replay(&list[i], &cfg, &plan, &nchecks);
		runs++;
		for (size_t c = 0; c < nchecks; c++) {
			const struct expectation *want = NULL;
			for (size_t k = i; k < n; k++)
				if (strcmp(list[k].pcap, list[i].pcap) == 0 && same_check(&checks[c], &list[k]))
					want = &list[k];
			const char *status = dsr_status_name(checks[c].status);
			const char *reason = checks[c].reason ? checks[c].reason : "-";
			if (!dsr_catalogue_has(&checks[c])) {
				print_error("%s: %s %s %s is not in the catalogue\n", list[i].pcap,
					    checks[c].id, status, reason);
				mismatches++;
			}
			/* Every mismatch is listed before the test fails: one run tells all. */
			if (want && (strcmp(status, want->status) != 0 || strcmp(reason, want->reason) != 0)) {
				print_error("%s:%d: %s %s port %d: got %s/%s, want %s/%s (%s)\n",
					    path, want->line, checks[c].id,
					    checks[c].server ? checks[c].server : "-", checks[c].port, status,
					    reason, want->status, want->reason, checks[c].summary);
				mismatches++;
			}
			if (!want && (checks[c].status == DSR_FAIL || checks[c].status == DSR_WARN)) {
				print_error("%s: unexpected %s %s %s port %d: %s\n", list[i].pcap, status,
					    checks[c].id, checks[c].server ? checks[c].server : "-",
					    checks[c].port, checks[c].summary);
				mismatches++;
			}
		}
		char key[160];
		snprintf(key, sizeof(key), "%s%s", passive ? "analyze:" : "", list[i].pcap);
		mismatches += check_findings(key, checks, nchecks);
		/* Every expectation names a check that exists. */
		for (size_t k = i; k < n; k++) {
			if (strcmp(list[k].pcap, list[i].pcap) != 0)
				continue;
			bool found = false;
			for (size_t c = 0; c < nchecks; c++)
				found = found || same_check(&checks[c], &list[k]);
			if (!found)
				fail_msg("TESTLIST:%d: no such check in the run", list[k].line);
		}
		free(checks);
		if (!passive)
			dsr_plan_free(&plan);
		dsr_config_free(&cfg);
	}
	print_message("%s: %zu captures, %zu expectations\n", path, runs, n);
	free(list);
	assert_int_equal(mismatches, 0);
}

static void testlist(void **state)
{
	(void)state;
	run_list("fixtures/TESTLIST", false);
}

/* Every line of FINDINGLIST was some capture's: none stale. */
static void findinglist(void **state)
{
	(void)state;
	for (size_t k = 0; k < nfinding_list; k++)
		if (!finding_list[k].seen)
			fail_msg("FINDINGLIST:%d: %s is in neither TESTLIST nor ANALYZELIST",
				 finding_list[k].line, finding_list[k].pcap);
	free(finding_list);
}

static void analyzelist(void **state)
{
	(void)state;
	run_list("fixtures/ANALYZELIST", true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(testlist),
		cmocka_unit_test(analyzelist),
		cmocka_unit_test(findinglist),
	};
	load_findings();
	return cmocka_run_group_tests_name("fixtures", tests, NULL, NULL);
}
