/* Report writers and the check model. The whole reports are compared against
 * golden files in fixtures/reports/ (see its README); run from the project root.
 * DSR_UPDATE_GOLDEN=1 rewrites the golden files instead: review the diff. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../reports/report.h"
#include "../src/check.h"
#include "../platform/os.h"
#include "golden.h"

/* Every status, absent service/server/target/port/reason/remedy, evidence of each
 * type, hostile names, and a summary with everything a JSON or terminal writer
 * must escape. Check 8 is a service-level check placed after server checks, to
 * show the text report still groups it under its service. */
static const char nasty[] = "no SYN-ACK from \"web\" \\ after 3 tries\nthen \x1b[31mred\x01 "
			    "\xff\xfe caf\xc3\xa9 \xe2\x86\x92 ok";

static struct dsr_check sample_checks[11];

static void add(size_t i, const char *id, const char *service, const char *server,
		const char *target, int port, enum dsr_status status, const char *reason,
		const char *summary, const char *remedy)
{
	struct dsr_check *c = &sample_checks[i];

	dsr_check_release(c); /* the previous test's */
	memset(c, 0, sizeof *c);
	c->id = id;
	c->service = service;
	c->server = server;
	snprintf(c->target, sizeof c->target, "%s", target);
	c->port = port;
	c->status = status;
	c->reason = reason;
	dsr_check_summary(c, "%s", summary);
	dsr_check_remedy(c, "%s", remedy);
}

static struct dsr_run sample_run(void)
{
	struct dsr_run run = {
		.version = "0.1.0",
		.started = {.tv_sec = 1795561800, .tv_usec = 123456},
		.duration_ms = 4012,
		.vantage = {"eth0", "198.18.0.50", "02:00:00:00:00:50", true, false},
		.checks = sample_checks,
		.nchecks = 11,
	};

	add(0, "arp.vip", "web", NULL, "198.18.0.100", -1, DSR_PASS, NULL,
	    "the balancer alone answers ARP for 198.18.0.100", "");
	dsr_evidence_list_add(&sample_checks[0], "macs", "02:00:00:00:00:02");
	dsr_evidence_str(&sample_checks[0], "owner", "balancer");
	add(1, "icmp.vip", "web", NULL, "198.18.0.100", -1, DSR_WARN, "slow",
	    "echo reply after 812 ms", "look for packet loss between here and the balancer");
	dsr_evidence_int(&sample_checks[1], "rtt_ms", 812);
	add(2, "tcp.vip", "web", NULL, "198.18.0.100", 443, DSR_FAIL, "timeout", nasty,
	    "make the service on every real server listen on 198.18.0.100:443");
	dsr_evidence_int(&sample_checks[2], "tries", 3);
	dsr_evidence_str(&sample_checks[2], "banner", "a\tb\x7f");
	add(3, "arp.rip", NULL, "rs1", "198.18.0.11", -1, DSR_PASS, NULL,
	    "02:00:00:00:00:11 answers for 198.18.0.11", "");
	dsr_evidence_list_add(&sample_checks[3], "macs", "02:00:00:00:00:11");
	add(4, "tcp.rip", "web", "rs1", "198.18.0.11", 80, DSR_PASS, NULL, "SYN-ACK after 1 ms",
	    "");
	dsr_evidence_int(&sample_checks[4], "rtt_ms", 1);
	dsr_evidence_str(&sample_checks[4], "flags", "SA");
	add(5, "tcp.rip", "web", "rs2", "198.18.0.12", 80, DSR_FAIL, "refused",
	    "RST from 198.18.0.12", "start the service on rs2 and bind it to 198.18.0.12:80");
	dsr_evidence_str(&sample_checks[5], "flags", "RA");
	add(6, "arp.rip", NULL, "rs2", "198.18.0.12", -1, DSR_SKIP, "not-on-segment",
	    "dsrcheck is not on the segment of 198.18.0.12", "");
	add(7, "tcp.vip", "web", NULL, "198.18.0.100", 80, DSR_PASS, NULL, "SYN-ACK after 2 ms",
	    "");
	add(8, "icmp.vip", "mail\x07", NULL, "", -1, DSR_SKIP, "vip-is-local",
	    "the VIP is configured here", "");
	add(9, "tcp.rip", "mail\x07", "rs\"1", "198.18.0.11", 25, DSR_WARN, "slow",
	    "SYN-ACK after 900 ms", "");
	add(10, "arp.rip", NULL, NULL, "198.18.0.99", -1, DSR_FAIL, "conflict",
	    "two MACs answer ARP for 198.18.0.99", "find the host that also uses 198.18.0.99");
	dsr_evidence_list_add(&sample_checks[10], "macs", "02:00:00:00:00:99");
	dsr_evidence_list_add(&sample_checks[10], "macs", "02:00:00:00:00:98");
	dsr_run_count(&run);
	diagnose_run(&run);
	return run;
}

static void test_text_golden(void **state)
{
	struct dsr_run run = sample_run();
	char *got = render_report("text", &run, false, 0);

	(void)state;
	golden("sample.txt", got);
	free(got);
}

static void test_text_verbose_golden(void **state)
{
	struct dsr_run run = sample_run();
	char *got = render_report("text", &run, false, 1);

	(void)state;
	golden("sample-verbose.txt", got);
	free(got);
}

static void test_json_golden(void **state)
{
	struct dsr_run run = sample_run();
	char *got = render_report("json", &run, true, 2); /* options do not change JSON */

	(void)state;
	golden("sample.json", got);
	free(got);
}

static void test_text_color(void **state)
{
	struct dsr_run run = sample_run();
	/* -v: passing checks have lines of their own only there. */
	char *got = render_report("text", &run, true, 1);
	char *plain = render_report("text", &run, false, 0);
	char *brief = render_report("text", &run, true, 0);
	const char *last;

	(void)state;
	assert_non_null(strstr(brief, "\nfindings:\n  \033[31m[FAIL]\033[0m rs2: "));
	assert_non_null(strstr(brief, "  \033[33m[WARN]\033[0m icmp.vip slow: "));
	assert_non_null(strstr(brief, "  (service)    . \033[33m!\033[0m \033[31mX\033[0m .\n"));
	free(brief);
	assert_non_null(strstr(got, "  \033[32m[PASS]\033[0m arp.vip "));
	assert_non_null(strstr(got, "  \033[31m[FAIL]\033[0m tcp.vip "));
	assert_non_null(strstr(got, "  \033[33m[WARN]\033[0m icmp.vip "));
	assert_non_null(strstr(got, "  \033[2m[SKIP]\033[0m arp.rip "));
	/* Scripts read the last line: never coloured. */
	last = strstr(got, "dsrcheck: ");
	assert_non_null(last);
	assert_string_equal(last, "dsrcheck: FAIL (3 of 11 failed, 2 warnings, 2 skipped)\n");
	/* Colour only adds escape sequences around the tags, and no escape sequence
	 * from the data gets through in either mode. */
	assert_null(strstr(plain, "\033"));
	free(got);
	free(plain);
}

/* Findings, then the matrix, then the checks that did not pass, one line
 * each: the fixes are the findings' and evidence waits for -v. */
static void test_text_findings_first(void **state)
{
	struct dsr_run run = sample_run();
	char *got = render_report("text", &run, false, 0);
	char *verbose = render_report("text", &run, false, 1);
	const char *findings = strstr(got, "\nfindings:\n"), *matrix = strstr(got, "\nmatrix: ");
	const char *checks = strstr(got, "\nchecks that did not pass");

	(void)state;
	assert_non_null(findings);
	assert_non_null(matrix);
	assert_non_null(checks);
	assert_true(findings < matrix && matrix < checks);
	assert_non_null(strstr(findings, "\n  [FAIL] rs2: no application listens on port 80"));
	assert_non_null(strstr(matrix, "\n  rs2                  X\n"));
	assert_non_null(strstr(matrix, "\n    1 arp.vip  2 icmp.vip  3 tcp.vip:443  4 tcp.vip:80  5 tcp.rip:80\n"));
	/* The failing check's line is there; its fix and evidence are not. */
	assert_non_null(strstr(checks, "\n    [FAIL] tcp.rip         198.18.0.12:80        refused: "));
	assert_null(strstr(checks, "fix: start the service on rs2"));
	assert_null(strstr(checks, "flags=RA"));
	assert_null(strstr(checks, "[PASS]"));
	/* -v: every check, with its own fix and evidence. */
	assert_non_null(strstr(verbose, "\n  [PASS] arp.vip "));
	assert_non_null(strstr(verbose, "fix: start the service on rs2 and bind it to 198.18.0.12:80\n"));
	assert_non_null(strstr(verbose, "\n           flags=RA\n"));
	free(got);
	free(verbose);
}

/* The report in format fmt holds want. */
static void report_has(const struct dsr_run *run, const char *fmt, const char *want)
{
	char *got = render_report(fmt, run, false, 0);

	assert_non_null(strstr(got, want));
	free(got);
}

/* The vantage says which VLAN it audits and how: a sub-interface of it, or
 * tagged on a trunk from a source (that dsrcheck answers ARP for, or that is
 * this host's own on a VLAN device); text and JSON alike. */
static void test_vantage_vlans(void **state)
{
	struct dsr_run run = {.version = "t"};
	struct dsr_vantage *v = &run.vantage;

	(void)state;
	snprintf(v->ifname, sizeof(v->ifname), "eth0.20");
	v->sub_vlan = 20;
	report_has(&run, "text",
		   "vantage: eth0.20 - -, not on the servers' segment, not the balancer, VLAN 20 as a sub-interface\n");
	report_has(&run, "json", "\"vlan\": 20");

	v->sub_vlan = 0;
	snprintf(v->ifname, sizeof(v->ifname), "eth0");
	v->ntagged = 2;
	v->tagged[0].vlan = 20;
	snprintf(v->tagged[0].source, sizeof(v->tagged[0].source), "198.18.20.60");
	v->tagged[0].answers_arp = true;
	v->tagged[1].vlan = 30;
	snprintf(v->tagged[1].source, sizeof(v->tagged[1].source), "198.18.30.5");
	report_has(&run, "text",
		   "not the balancer, on the trunk: VLAN 20 tagged from 198.18.20.60 (dsrcheck answers ARP for it), "
		   "VLAN 30 tagged from 198.18.30.5\n");
	report_has(&run, "json", "{\"vlan\": 20, \"source\": \"198.18.20.60\", \"answers_arp\": true}, "
				 "{\"vlan\": 30, \"source\": \"198.18.30.5\", \"answers_arp\": false}");
}

/* A passing run says there is nothing to fix and lists no check. */
static void test_text_all_passed(void **state)
{
	struct dsr_check c[2];
	struct dsr_run run = {.version = "t", .checks = c, .nchecks = 2};
	char *got;

	(void)state;
	memset(c, 0, sizeof c);
	c[0].id = "arp.vip";
	c[0].service = "web";
	c[0].port = -1;
	c[1].id = "tcp.rip";
	c[1].service = "web";
	c[1].server = "rs1";
	c[1].port = 80;
	diagnose_run(&run);
	got = render_report("text", &run, false, 0);
	assert_string_equal(got, "vantage: - - -, not on the servers' segment, not the balancer\n"
				 "\nfindings: none\n"
				 "\nmatrix: . pass, X fail, ! warn, - skipped, blank not run\n"
				 "service web    1 2\n"
				 "  (service)    .\n"
				 "  rs1            .\n"
				 "    1 arp.vip  2 tcp.rip:80\n"
				 "\ndsrcheck: PASS (2 checks)\n");
	free(got);
}

/* The last line of the text report for n checks of the given statuses. */
static void last_line(const enum dsr_status *statuses, size_t n, const char *want)
{
	struct dsr_check checks[8];
	struct dsr_run run = {.version = "t", .checks = checks, .nchecks = n};
	char *got, *nl;

	assert_true(n <= 8);
	for (size_t i = 0; i < n; i++) {
		memset(&checks[i], 0, sizeof checks[i]);
		checks[i].id = "tcp.rip";
		checks[i].service = "web";
		checks[i].port = -1;
		checks[i].status = statuses[i];
	}
	/* Writers count for themselves: stale counts must not change the verdict. */
	run.counts.pass = 99;
	got = render_report("text", &run, false, 0);
	nl = got + strlen(got) - 1;
	assert_int_equal(*nl, '\n');
	while (nl > got && nl[-1] != '\n')
		nl--;
	assert_string_equal(nl, want);
	free(got);
}

static void test_text_last_line(void **state)
{
	const enum dsr_status pass2[] = {DSR_PASS, DSR_PASS};
	const enum dsr_status mixed[] = {DSR_PASS, DSR_WARN, DSR_SKIP, DSR_SKIP};
	const enum dsr_status failed[] = {DSR_FAIL, DSR_PASS, DSR_WARN};

	(void)state;
	last_line(NULL, 0, "dsrcheck: PASS (0 checks)\n");
	last_line(pass2, 1, "dsrcheck: PASS (1 checks)\n");
	last_line(pass2, 2, "dsrcheck: PASS (2 checks)\n");
	last_line(mixed, 4, "dsrcheck: PASS (4 checks, 1 warning, 2 skipped)\n");
	last_line(failed, 1, "dsrcheck: FAIL (1 of 1 failed)\n");
	last_line(failed, 3, "dsrcheck: FAIL (1 of 3 failed, 1 warning)\n");
}

/* One check whose summary is raw; returns the report. */
static char *render_summary(const char *format, const char *raw)
{
	static struct dsr_check c;
	struct dsr_run run = {.version = "t", .checks = &c, .nchecks = 1};

	dsr_check_release(&c); /* the previous call's */
	memset(&c, 0, sizeof c);
	c.id = "tcp.vip";
	c.port = -1;
	c.status = DSR_FAIL;
	c.reason = "timeout";
	dsr_check_summary(&c, "%s", raw);
	return render_report(format, &run, false, 0);
}

static void test_json_escape(void **state)
{
	static const struct {
		const char *raw, *json;
	} cases[] = {
		{"plain", "\"plain\""},
		{"\"q\"", "\"\\\"q\\\"\""},
		{"a\\b", "\"a\\\\b\""},
		{"\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\""},
		{"\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\""},
		{"/", "\"/\""},
		{"caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80",
		 "\"caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80\""},
		{"\xc2\x9b", "\"\xc2\x9b\""}, /* valid UTF-8: JSON may carry it */
		{"\xff", "\"\\ufffd\""},
		{"a\xe2\x86", "\"a\\ufffd\""},         /* truncated: one replacement */
		{"\xe2\x86x", "\"\\ufffdx\""},         /* cut short by ASCII */
		{"\xc0\xaf", "\"\\ufffd\\ufffd\""},    /* overlong '/' */
		{"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""}, /* a surrogate */
		{"\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""}, /* beyond U+10FFFF */
		{"\x80z", "\"\\ufffdz\""},             /* stray continuation */
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = render_summary("json", cases[i].raw);
		char want[128];

		snprintf(want, sizeof want, "\"summary\": %s,\n", cases[i].json);
		if (!strstr(got, want))
			fail_msg("case %zu: want %s in\n%s", i, want, got);
		free(got);
	}
}

static void test_text_escape(void **state)
{
	static const struct {
		const char *raw, *text;
	} cases[] = {
		{"plain", "plain"},
		{"a\\b", "a\\\\b"},
		{"\x1b[2J\x07\n\x7f", "\\x1b[2J\\x07\\x0a\\x7f"},
		{"caf\xc3\xa9", "caf\xc3\xa9"},
		{"\xc2\x9b" "1m", "\\xc2\\x9b1m"}, /* C1 CSI */
		{"\x9b" "1m", "\\x9b1m"},
		{"\xe2\x80\xae" "LIAF", "\\xe2\\x80\\xaeLIAF"}, /* right-to-left override */
		{"a\xe2\x86", "a\\xe2\\x86"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = render_summary("text", cases[i].raw);
		char want[128];

		snprintf(want, sizeof want, " timeout: %s\n", cases[i].text);
		if (!strstr(got, want))
			fail_msg("case %zu: want %s in\n%s", i, want, got);
		free(got);
	}
}

static void test_json_absent(void **state)
{
	struct dsr_check c;
	struct dsr_run run = {.checks = &c, .nchecks = 1};
	char *got;

	(void)state;
	memset(&c, 0, sizeof c);
	c.id = "arp.vip";
	c.port = -1;
	c.status = DSR_PASS;
	got = render_report("json", &run, false, 0);
	assert_string_equal(got, "{\n"
				 "  \"schema\": \"dsrcheck/1\",\n"
				 "  \"version\": null,\n"
				 "  \"started\": \"1970-01-01T00:00:00.000Z\",\n"
				 "  \"duration_ms\": 0,\n"
				 "  \"vantage\": {\"interface\": null, \"ip\": null, "
				 "\"mac\": null, \"on_segment\": false, "
				 "\"is_balancer\": false, \"holds_vip\": false, \"vip_on\": null},\n"
				 "  \"verdict\": \"pass\",\n"
				 "  \"counts\": {\"pass\": 1, \"fail\": 0, \"warn\": 0, "
				 "\"skip\": 0},\n"
				 "  \"findings\": [],\n"
				 "  \"checks\": [\n"
				 "    {\n"
				 "      \"id\": \"arp.vip\",\n"
				 "      \"service\": null,\n"
				 "      \"server\": null,\n"
				 "      \"target\": null,\n"
				 "      \"port\": null,\n"
				 "      \"status\": \"pass\",\n"
				 "      \"reason\": null,\n"
				 "      \"summary\": \"\",\n"
				 "      \"evidence\": {},\n"
				 "      \"remedy\": null\n"
				 "    }\n"
				 "  ]\n"
				 "}\n");
	free(got);
	run.nchecks = 0;
	got = render_report("json", &run, false, 0);
	assert_non_null(strstr(got, "\"checks\": []\n}\n"));
	free(got);
}

/* Every writer names where a check looked the same way, an IPv6 address
 * with a port in brackets (RFC 5952, section 6), whatever its escaping. */
static void test_where(void **state)
{
	static const struct {
		const char *target;
		int port;
		const char *where;
	} cases[] = {
		{"2001:2::100", 80, "[2001:2::100]:80"},
		{"2001:2::100", -1, "2001:2::100"},
		{"198.18.0.100", 8080, "198.18.0.100:8080"},
		{"198.18.0.100", -1, "198.18.0.100"},
		{"", 443, "port 443"},
		{"", -1, ""},
	};
	static const char *const writers[] = {"text", "junit", "nagios", "html"};
	struct dsr_check c;
	char where[DSR_CHECK_WHERE_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&c, 0, sizeof c);
		snprintf(c.target, sizeof c.target, "%s", cases[i].target);
		c.port = cases[i].port;
		dsr_check_where(&c, where);
		assert_string_equal(where, cases[i].where);
	}
	memset(&c, 0, sizeof c);
	memset(c.target, '1', sizeof c.target); /* a full field, not terminated */
	c.port = 65535;
	dsr_check_where(&c, where);
	assert_int_equal(strlen(where), sizeof c.target + strlen(":65535"));

	memset(&c, 0, sizeof c);
	c.id = "tcp6.vip.direct";
	c.server = "rs2";
	snprintf(c.target, sizeof c.target, "2001:2::100");
	c.port = 80;
	c.status = DSR_FAIL;
	c.reason = "refused";
	struct dsr_run run = {.checks = &c, .nchecks = 1};
	dsr_run_count(&run);
	for (size_t i = 0; i < sizeof writers / sizeof writers[0]; i++) {
		char *got = render_report(writers[i], &run, false, 0);
		if (!strstr(got, "[2001:2::100]:80"))
			fail_msg("%s does not write [2001:2::100]:80:\n%s", writers[i], got);
		free(got);
	}
}

static void test_write_error(void **state)
{
	struct dsr_run run = sample_run();
	struct dsr_report_options opts = {0};
	FILE *full = fopen("/dev/full", "w");

	(void)state;
	if (!full)
		skip();
	assert_int_equal(dsr_report_find("text")->write(full, &run, &opts), -1);
	clearerr(full);
	assert_int_equal(dsr_report_find("json")->write(full, &run, &opts), -1);
	fclose(full);
}

static void test_registry(void **state)
{
	(void)state;
	assert_string_equal(dsr_report_find("text")->name, "text");
	assert_string_equal(dsr_report_find("json")->name, "json");
	assert_null(dsr_report_find("xml"));
	assert_null(dsr_report_find("JSON"));
	assert_null(dsr_report_find(""));
	assert_null(dsr_report_find(NULL));
	assert_string_equal(dsr_report_names(), "text, json, junit, prometheus, nagios, html");
	assert_string_equal(dsr_report_names(), "text, json, junit, prometheus, nagios, html");
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(dsr_status_name(DSR_PASS), "pass");
	assert_string_equal(dsr_status_name(DSR_FAIL), "fail");
	assert_string_equal(dsr_status_name(DSR_WARN), "warn");
	assert_string_equal(dsr_status_name(DSR_SKIP), "skip");
}

static void test_counts(void **state)
{
	struct dsr_run run = sample_run();
	struct dsr_check c[3] = {{.status = DSR_WARN}, {.status = DSR_SKIP}, {.status = DSR_PASS}};
	struct dsr_run ok = {.checks = c, .nchecks = 3};

	(void)state;
	assert_int_equal(run.counts.pass, 4);
	assert_int_equal(run.counts.fail, 3);
	assert_int_equal(run.counts.warn, 2);
	assert_int_equal(run.counts.skip, 2);
	assert_int_equal(dsr_run_failed(&run), 1);
	/* Warnings and skips do not fail a run: exit status 0. */
	assert_int_equal(dsr_run_failed(&ok), 0);
	ok.counts.fail = 5; /* stale counts do not matter */
	assert_int_equal(dsr_run_failed(&ok), 0);
	dsr_run_count(&ok);
	assert_int_equal(ok.counts.fail, 0);
	assert_int_equal(ok.counts.warn + ok.counts.skip + ok.counts.pass, 3);
	ok.nchecks = 0;
	assert_int_equal(dsr_run_failed(&ok), 0);
	c[1].status = DSR_FAIL;
	ok.nchecks = 3;
	assert_int_equal(dsr_run_failed(&ok), 1);
}

static void test_evidence_bounds(void **state)
{
	struct dsr_check c;
	char key[64], big[1024];

	(void)state;
	memset(&c, 0, sizeof c);
	/* A key that does not fit is dropped, not truncated into another key. */
	memset(key, 'k', sizeof key - 1);
	key[sizeof key - 1] = '\0';
	dsr_evidence_int(&c, key, 1);
	key[DSR_EVIDENCE_KEY - 1] = '\0'; /* 31 characters: fits */
	dsr_evidence_int(&c, key, 2);
	assert_int_equal(c.nevidence, 1);
	assert_string_equal(c.evidence[0].key, key);
	dsr_evidence_str(&c, NULL, "x");
	assert_int_equal(c.nevidence, 1);

	/* The same key is updated in place. */
	dsr_evidence_str(&c, "owner", "a");
	dsr_evidence_str(&c, "owner", "b");
	dsr_evidence_str(&c, "none", NULL);
	assert_int_equal(c.nevidence, 3);
	assert_string_equal(c.evidence[1].text, "b");
	assert_string_equal(c.evidence[2].text, "");

	/* Long strings are cut to fit, at a character boundary. */
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	dsr_evidence_str(&c, "long", big);
	assert_int_equal(strlen(c.evidence[3].text), DSR_EVIDENCE_TEXT - 1);
	big[DSR_EVIDENCE_TEXT - 2] = '\xc3'; /* "é" straddles the limit */
	big[DSR_EVIDENCE_TEXT - 1] = '\xa9';
	dsr_evidence_str(&c, "long", big);
	assert_int_equal(strlen(c.evidence[3].text), DSR_EVIDENCE_TEXT - 2);
	big[DSR_EVIDENCE_TEXT - 3] = '\xe2'; /* "→" straddles it by one byte */
	big[DSR_EVIDENCE_TEXT - 2] = '\x86';
	big[DSR_EVIDENCE_TEXT - 1] = '\x92';
	dsr_evidence_str(&c, "long", big);
	assert_int_equal(strlen(c.evidence[3].text), DSR_EVIDENCE_TEXT - 3);
	memset(big, '\x80', DSR_EVIDENCE_TEXT); /* not UTF-8 at all: a plain cut */
	dsr_evidence_str(&c, "long", big);
	assert_int_equal(strlen(c.evidence[3].text), DSR_EVIDENCE_TEXT - 1);

	/* Lists: no duplicates, no commas or empty items, whole items only. */
	dsr_evidence_list_add(&c, "macs", "02:00:00:00:00:01");
	dsr_evidence_list_add(&c, "macs", "02:00:00:00:00:02");
	dsr_evidence_list_add(&c, "macs", "02:00:00:00:00:01");
	dsr_evidence_list_add(&c, "macs", "02:00:00:00:00:0");
	dsr_evidence_list_add(&c, "macs", "a,b");
	dsr_evidence_list_add(&c, "macs", "");
	dsr_evidence_list_add(&c, "macs", NULL);
	assert_int_equal(c.nevidence, 5);
	assert_int_equal(c.evidence[4].type, DSR_EV_LIST);
	assert_string_equal(c.evidence[4].text,
			    "02:00:00:00:00:01,02:00:00:00:00:02,02:00:00:00:00:0");
	for (int i = 0; i < 40; i++) {
		char mac[18];

		snprintf(mac, sizeof mac, "02:00:00:00:01:%02x", i);
		dsr_evidence_list_add(&c, "macs", mac);
	}
	/* 52 bytes, then 11 whole ",MAC" of 18 bytes: 250; a 12th would not fit. */
	assert_int_equal(strlen(c.evidence[4].text), 250);
	assert_non_null(strstr(c.evidence[4].text, ",02:00:00:00:01:0a"));
	assert_null(strstr(c.evidence[4].text, "02:00:00:00:01:0b"));
	/* A list item never lands on a scalar key, nor an item too long to fit. */
	dsr_evidence_list_add(&c, "owner", "x");
	assert_string_equal(c.evidence[1].text, "b");
	memset(big, 'y', DSR_EVIDENCE_TEXT);
	big[DSR_EVIDENCE_TEXT] = '\0';
	dsr_evidence_list_add(&c, "huge", big);
	assert_int_equal(c.nevidence, 5);

	/* The table is bounded: the rest is dropped. */
	for (int i = 0; i < 20; i++) {
		snprintf(key, sizeof key, "k%d", i);
		dsr_evidence_int(&c, key, i);
		dsr_evidence_list_add(&c, key, "z");
	}
	assert_int_equal(c.nevidence, DSR_EVIDENCE_MAX);
	assert_string_equal(c.evidence[DSR_EVIDENCE_MAX - 1].key, "k6");
	assert_int_equal(c.evidence[DSR_EVIDENCE_MAX - 1].num, 6);
	dsr_check_release(&c);
}

/* Packed checks read as written, cost their texts' length, and free() of the
 * array frees all (the sanitizer build sees a leak or a dangling text). */
static void test_pack(void **state)
{
	struct dsr_check *c = calloc(3, sizeof(*c));
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 0x11};
	struct dsr_packer p;
	struct dsr_check scratch = {0};
	size_t n;

	(void)state;
	assert_non_null(c);
	c[0].id = "arp.rip";
	c[0].status = DSR_FAIL;
	dsr_check_summary(&c[0], "%s answers", "02:00:00:00:00:11");
	dsr_check_remedy(&c[0], "fix %d", 1);
	dsr_check_remedy_append(&c[0], "then %d", 2);
	dsr_evidence_int(&c[0], "attempts", 3);
	dsr_evidence_mac_add(&c[0], "macs", mac);
	dsr_check_rtt(&c[0], 1234);
	c[1].id = "tcp.rip"; /* nothing written: reads as empty */
	dsr_evidence_str(&c[2], "from", "198.18.0.11");
	c = dsr_checks_pack(c, 3);
	assert_non_null(c);
	assert_string_equal(c[0].summary, "02:00:00:00:00:11 answers");
	assert_string_equal(c[0].remedy, "fix 1; then 2");
	assert_int_equal(c[0].nevidence, 3);
	assert_string_equal(c[0].evidence[0].key, "attempts");
	assert_int_equal(c[0].evidence[0].num, 3);
	assert_string_equal(c[0].evidence[1].text, "02:00:00:00:00:11");
	assert_int_equal(c[0].nmacs, 1);
	assert_memory_equal(c[0].macs[0], mac, 6);
	assert_int_equal(c[0].mac_entry[0], 1);
	assert_true(c[0].has_rtt);
	assert_int_equal(c[0].rtt_us, 1234);
	assert_string_equal(c[1].summary, "");
	assert_string_equal(c[1].remedy, "");
	assert_int_equal(c[1].nevidence, 0);
	assert_string_equal(c[2].evidence[0].text, "198.18.0.11");
	assert_null(c[0].draft);
	free(c);

	/* One scratch check at a time, reused. */
	assert_int_equal(dsr_packer_begin(&p, 100), 0);
	for (int i = 0; i < 100; i++) {
		scratch.id = "icmp.rip";
		dsr_check_summary(&scratch, "echo reply from 198.18.0.%d", i);
		dsr_evidence_int(&scratch, "rtt_us", i);
		dsr_packer_add(&p, &scratch);
		assert_null(scratch.id); /* emptied for the next one */
	}
	dsr_check_release(&scratch);
	c = dsr_packer_end(&p, &n);
	assert_non_null(c);
	assert_int_equal(n, 100);
	assert_string_equal(c[42].summary, "echo reply from 198.18.0.42");
	assert_int_equal(c[99].evidence[0].num, 99);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_golden),
		cmocka_unit_test(test_text_verbose_golden),
		cmocka_unit_test(test_text_findings_first),
		cmocka_unit_test(test_text_all_passed),
		cmocka_unit_test(test_vantage_vlans),
		cmocka_unit_test(test_json_golden),
		cmocka_unit_test(test_text_color),
		cmocka_unit_test(test_text_last_line),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_text_escape),
		cmocka_unit_test(test_json_absent),
		cmocka_unit_test(test_where),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_evidence_bounds),
		cmocka_unit_test(test_pack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
