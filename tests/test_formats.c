/* The monitoring, CI and ticket report formats: junit, prometheus, nagios and
 * html. Each is
 * compared against a golden file in fixtures/reports/ (see its README) and then
 * handed to the program that really reads it: xmllint against
 * fixtures/reports/junit.xsd, promtool check metrics, plus a strict parser here
 * for what promtool lets through but node_exporter's textfile collector rejects
 * (repeated series, split families). The consumers are installed by
 * tools/deps.sh, so a missing one fails the test instead of skipping it.
 *
 * Run from the project root. DSR_UPDATE_GOLDEN=1 rewrites the golden files
 * instead: review the diff. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "../reports/report.h"
#include "../reports/writers.h" /* dsr_utf8_decode, to check the exposition's UTF-8 */
#include "../src/check.h"
#include "../src/diagnose.h"
#include "../platform/os.h"
#include "golden.h"

/* The Windows build (run under Wine by make check-windows) has no consumers to
 * hand reports to: they are Linux programs. The golden files and this file's
 * own parsers still check every report there. */
#ifdef _WIN32
#define CONSUMERS 0
#else
#define CONSUMERS 1
#endif

#define JUNIT_XSD GOLDEN_DIR "junit.xsd"

/* What a reply, a banner or a hostile name can carry: every character each
 * format must escape (quotes, apostrophe, backslash, '|', markup, "]]>"),
 * whitespace and control characters (CR, tab, newline, ESC, BEL, DEL, a C1
 * CSI), invalid UTF-8, and valid UTF-8 that must pass unchanged. */
static const char nasty[] = "no SYN-ACK from \"web\" & 'rs3' <b>\\</b> ]]> a|b\r\n"
			    "\t\x1b[31mred\x07\x7f \xc2\x9b \xff\xfe caf\xc3\xa9 \xe2\x86\x92 ok";
static const char nasty_service[] = "mail|<&>\"'\\\n\x1b\xff";
static const char nasty_server[] = "rs\"1|\\";

static struct dsr_check sample_checks[11];

static struct dsr_check *add(size_t i, const char *id, const char *service, const char *server,
			     const char *target, int port, enum dsr_status status,
			     const char *reason, const char *summary, const char *remedy)
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
	return c;
}

/* 11 checks: 4 pass, 3 fail, 2 warn, 2 skip; service-level, server-level and
 * service-less checks, a server named by its address (dots in a JUnit
 * classname), evidence of each type with round-trip times, and hostile strings
 * in summary, evidence, remedy, service and server names. */
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
	struct dsr_check *c;

	c = add(0, "arp.vip", "web", NULL, "198.18.0.100", -1, DSR_PASS, NULL,
		"the balancer alone answers ARP for 198.18.0.100", "");
	dsr_evidence_list_add(c, "macs", "02:00:00:00:00:02");
	dsr_evidence_str(c, "owner", "balancer");
	c = add(1, "tcp.vip", "web", NULL, "198.18.0.100", 80, DSR_PASS, NULL,
		"SYN-ACK from 198.18.0.100", "");
	dsr_check_rtt(c, 1234);
	c = add(2, "dsr.return", "web", NULL, "198.18.0.100", 80, DSR_WARN, "via-balancer",
		"the SYN-ACK came from the balancer's MAC 02:00:00:00:00:02",
		"configure the balancer for direct routing (LVS -g), not NAT or proxy");
	dsr_evidence_str(c, "mac", "02:00:00:00:00:02");
	dsr_evidence_list_add(c, "servers", "balancer");
	c = add(3, "tcp.vip.direct", "web", "rs1", "198.18.0.100", 80, DSR_FAIL, "refused",
		"RST from 198.18.0.100 <rs1> & \"web\"",
		"bind the service to 198.18.0.100:80 or 0.0.0.0:80 (check: ss -ltn | grep :80)");
	dsr_check_rtt(c, 123);
	dsr_evidence_int(c, "ttl", 64);
	dsr_evidence_str(c, "platform", "linux (guessed from reply TTL)");
	c = add(4, "tcp.vip.direct", "web", "rs2", "198.18.0.100", 80, DSR_PASS, NULL,
		"SYN-ACK from 198.18.0.100", "");
	dsr_check_rtt(c, 250);
	c = add(5, "icmp.vip.direct", "web", "198.18.0.13", "198.18.0.100", -1, DSR_FAIL,
		"timeout", nasty, "ip addr add 198.18.0.100/32 dev lo | or see \"netsh\" & <IDX>");
	dsr_evidence_int(c, "attempts", 3);
	dsr_evidence_str(c, "banner", "a\tb\x7f|<&>");
	dsr_evidence_list_add(c, "macs", "02:00:00:00:00:13");
	dsr_evidence_list_add(c, "macs", "\xff");
	c = add(6, "arp.rip", NULL, "rs1", "198.18.0.11", -1, DSR_PASS, NULL,
		"02:00:00:00:00:11 answers for 198.18.0.11", "");
	dsr_evidence_list_add(c, "macs", "02:00:00:00:00:11");
	dsr_check_rtt(c, 80);
	add(7, "arp.rip", NULL, "rs2", "198.18.0.12", -1, DSR_SKIP, "not-on-segment",
	    "dsrcheck is not on the segment of 198.18.0.12", "");
	c = add(8, "arp.rip", NULL, NULL, "198.18.0.99", -1, DSR_FAIL, "conflict",
		"two MACs answer ARP for 198.18.0.99", "find the host that also uses 198.18.0.99");
	dsr_evidence_list_add(c, "macs", "02:00:00:00:00:99");
	dsr_evidence_list_add(c, "macs", "02:00:00:00:00:98");
	add(9, "icmp.vip", nasty_service, NULL, "198.18.0.200", -1, DSR_SKIP, "vip-is-local",
	    "the VIP is configured here", "");
	c = add(10, "tcp.rip", nasty_service, nasty_server, "198.18.0.11", 25, DSR_WARN, "slow",
		"SYN-ACK after 900 ms", "");
	dsr_check_rtt(c, 900123);
	dsr_run_count(&run);
	diagnose_run(&run);
	return run;
}

static char *render(const char *format, const struct dsr_run *run)
{
	/* color and verbose are ignored by these writers */
	return render_report(format, run, true, 2);
}

/* Runs the shell command cmd with input on its standard input; its standard
 * output and error go to *output (caller frees, may be NULL). Returns its exit
 * status, or -1 when it did not exit normally. */
static int consume(const char *cmd, const char *input, char **output)
{
#ifdef _WIN32
	(void)cmd;
	(void)input;
	if (output)
		*output = strdup("");
	fail_msg("no report consumers on Windows (CONSUMERS)");
	return -1;
#else
	char tmp[] = "/tmp/dsrcheck-test-XXXXXX";
	char *full;
	int fd = mkstemp(tmp), status;
	size_t len;
	FILE *p;

	assert_true(fd >= 0);
	close(fd);
	len = strlen(cmd) + strlen(tmp) + 16;
	full = malloc(len);
	assert_non_null(full);
	snprintf(full, len, "(%s) >%s 2>&1", cmd, tmp);
	p = popen(full, "w");
	assert_non_null(p);
	fputs(input, p); /* a consumer that stops reading early must not kill us: see main */
	status = pclose(p);
	free(full);
	if (output)
		*output = slurp(tmp);
	unlink(tmp);
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
#endif
}

/* A consumer that tools/deps.sh installs: its absence is a failure. */
static void need(const char *tool, const char *package)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
	if (system(cmd) != 0)
		fail_msg("%s not found: install Debian package %s (make deps)", tool, package);
}

static void xml_valid(const char *xml)
{
	char *log = NULL;
	int rc;

	if (!CONSUMERS)
		return;
	need("xmllint", "libxml2-utils");
	rc = consume("xmllint --noout --nonet --schema " JUNIT_XSD " -", xml, &log);
	if (rc != 0) {
		fprintf(stderr, "%s\n--- xmllint said\n%s", xml, log ? log : "");
		free(log);
		fail_msg("xmllint rejected the JUnit report (exit %d)", rc);
	}
	free(log);
}

/* strndup, which MinGW lacks. */
static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	assert_non_null(d);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* The value of an XPath string or number expression over xml, as parsed. */
static char *xpath(const char *xml, const char *expr)
{
	char cmd[512];
	char *got = NULL;

	need("xmllint", "libxml2-utils");
	snprintf(cmd, sizeof cmd, "xmllint --nonet --xpath '%s' -", expr);
	assert_int_equal(consume(cmd, xml, &got), 0);
	assert_non_null(got);
	/* xmllint ends its answer with a newline of its own. */
	assert_true(got[0] && got[strlen(got) - 1] == '\n');
	got[strlen(got) - 1] = '\0';
	return got;
}

static void xpath_is(const char *xml, const char *expr, const char *want)
{
	if (!CONSUMERS)
		return;
	char *got = xpath(xml, expr);

	if (strcmp(got, want) != 0) {
		fprintf(stderr, "xpath %s\n want: [%s]\n  got: [%s]\n", expr, want, got);
		free(got);
		fail_msg("xpath %s", expr);
	}
	free(got);
}

static void promtool_valid(const char *text)
{
	char *log = NULL;
	int rc;

	if (!CONSUMERS)
		return;
	need("promtool", "prometheus");
	/* Exit 1 is a parse error, 3 a naming-convention (lint) problem: both fail. */
	rc = consume("promtool check metrics", text, &log);
	if (rc != 0 || (log && log[0])) {
		fprintf(stderr, "%s\n--- promtool said\n%s", text, log ? log : "");
		free(log);
		fail_msg("promtool check metrics: exit %d", rc);
	}
	free(log);
}

/* One label value from p (just past its opening quote) to its closing quote,
 * which it returns: valid UTF-8, no control characters, escapes \\ \" \n only. */
static const char *prom_value(const char *p, size_t lineno)
{
	while (*p != '"') {
		uint32_t cp;
		size_t n = strlen(p);

		if (n == 0)
			fail_msg("line %zu: unterminated label value", lineno);
		if (*p == '\\') {
			if (p[1] != '\\' && p[1] != '"' && p[1] != 'n')
				fail_msg("line %zu: bad escape %.2s", lineno, p);
			p += 2;
			continue;
		}
		p += dsr_utf8_decode((const unsigned char *)p, n, &cp);
		if (cp == DSR_UTF8_INVALID || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			fail_msg("line %zu: raw control or invalid byte in a label", lineno);
	}
	return p;
}

/* The labels from p (just past '{') to the closing '}', which it returns. */
static const char *prom_labels(const char *p, size_t lineno)
{
	while (*p != '}') {
		size_t lab = strspn(p, "abcdefghijklmnopqrstuvwxyz_");

		if (lab == 0 || p[lab] != '=' || p[lab + 1] != '"')
			fail_msg("line %zu: bad label at %s", lineno, p);
		p = prom_value(p + lab + 2, lineno) + 1;
		if (*p == ',')
			p++;
		else if (*p != '}')
			fail_msg("line %zu: want , or } at %s", lineno, p);
	}
	return p;
}

struct prom_state {
	char family[128]; /* the family of the latest HELP */
	bool typed;       /* and its TYPE line came */
	char **families, **series;
	size_t nfamilies, nseries, lineno;
};

static void prom_add(char ***list, size_t *n, char *item)
{
	assert_non_null(item);
	*list = realloc(*list, (*n + 1) * sizeof **list);
	assert_non_null(*list);
	(*list)[(*n)++] = item;
}

static void prom_help(struct prom_state *st, const char *l)
{
	size_t len = strcspn(l, " ");

	if (len == 0 || len >= sizeof st->family || l[len] != ' ' || !l[len + 1])
		fail_msg("line %zu: bad HELP", st->lineno);
	for (size_t i = 0; i < st->nfamilies; i++)
		if (strlen(st->families[i]) == len && strncmp(st->families[i], l, len) == 0)
			fail_msg("line %zu: family %s given twice", st->lineno, st->families[i]);
	memcpy(st->family, l, len);
	st->family[len] = '\0';
	prom_add(&st->families, &st->nfamilies, strdup(st->family));
	st->typed = false;
}

static void prom_sample(struct prom_state *st, const char *l)
{
	size_t len = strcspn(l, "{ ");
	const char *p = l + len;
	char *series, *end;

	if (!st->typed || strlen(st->family) != len || strncmp(l, st->family, len) != 0)
		fail_msg("line %zu: sample outside its family %s: %s", st->lineno, st->family, l);
	if (*p == '{')
		p = prom_labels(p + 1, st->lineno) + 1;
	if (*p != ' ' || !p[1])
		fail_msg("line %zu: no value: %s", st->lineno, l);
	(void)strtod(p + 1, &end);
	if (*end)
		fail_msg("line %zu: value is not one number: %s", st->lineno, p + 1);
	series = dup_n(l, (size_t)(p - l));
	for (size_t i = 0; i < st->nseries; i++)
		if (strcmp(st->series[i], series) == 0)
			fail_msg("line %zu: series repeated: %s", st->lineno, series);
	prom_add(&st->series, &st->nseries, series);
}

/* The strict reading of the text exposition format that node_exporter's
 * textfile collector applies on top of the grammar: every family has HELP then
 * TYPE gauge before its samples, families are not split, no series repeats,
 * label values are valid UTF-8 with only \\ \" \n escapes, values are numbers,
 * the file ends with a newline. Fails with the line at fault; returns the
 * number of samples. */
static size_t prom_strict(const char *text)
{
	struct prom_state st = {.family = ""};
	size_t samples;

	assert_true(text[0] == '\0' || text[strlen(text) - 1] == '\n');
	for (const char *line = text; *line; line = strchr(line, '\n') + 1) {
		char *l = dup_n(line, strcspn(line, "\n"));
		char want[160];

		assert_non_null(l);
		st.lineno++;
		snprintf(want, sizeof want, "# TYPE %s gauge", st.family);
		if (strncmp(l, "# HELP ", 7) == 0) {
			prom_help(&st, l + 7);
		} else if (strncmp(l, "# TYPE ", 7) == 0) {
			if (st.typed || strcmp(l, want) != 0)
				fail_msg("line %zu: want \"%s\": %s", st.lineno, want, l);
			st.typed = true;
		} else {
			prom_sample(&st, l);
		}
		free(l);
	}
	samples = st.nseries;
	for (size_t i = 0; i < st.nseries; i++)
		free(st.series[i]);
	for (size_t i = 0; i < st.nfamilies; i++)
		free(st.families[i]);
	free(st.series);
	free(st.families);
	return samples;
}

/* The first line of a Nagios report, without its newline (caller frees). */
static char *first_line(const char *report)
{
	const char *nl = strchr(report, '\n');

	assert_non_null(nl);
	return dup_n(report, (size_t)(nl - report));
}

/* What every Nagios report must be: a status line with exactly one '|' (the
 * perfdata separator), long output lines without '|', and perfdata lines after
 * the first later '|'. */
static void nagios_valid(const char *report)
{
	char *first = first_line(report);
	const char *rest = strchr(report, '\n') + 1;
	const char *bar = strchr(first, '|');

	assert_non_null(bar);
	assert_null(strchr(bar + 1, '|'));
	assert_true(strncmp(first, "DSRCHECK OK - ", 14) == 0 ||
		    strncmp(first, "DSRCHECK WARNING - ", 19) == 0 ||
		    strncmp(first, "DSRCHECK CRITICAL - ", 20) == 0);
	assert_true(bar > first && bar[-1] == ' ' && bar[1] == ' ');
	free(first);
	assert_int_equal(report[strlen(report) - 1], '\n');
	bar = strchr(rest, '|');
	if (bar) {
		/* After it, nothing but perfdata lines: label=value;;;0 */
		assert_true(bar == rest || bar[-1] == '\n');
		assert_null(strchr(bar + 1, '|'));
		for (const char *l = bar + 2; *l; l = strchr(l, '\n') + 1) {
			size_t n = strcspn(l, "\n");

			assert_true(strspn(l, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					      "0123456789_.-") < n);
			assert_true(strcspn(l, "=") < n);
			assert_memory_equal(l + n - 5, "s;;;0", 5);
		}
	}
	for (const unsigned char *p = (const unsigned char *)report; *p; p++)
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			fail_msg("raw control character 0x%02x in the Nagios report", *p);
}

static void test_junit_golden(void **state)
{
	struct dsr_run run = sample_run();
	char *got = render("junit", &run);

	(void)state;
	golden("sample.junit.xml", got);
	xml_valid(got);
	free(got);
}

static void test_prometheus_golden(void **state)
{
	struct dsr_run run = sample_run();
	char *got = render("prometheus", &run);

	(void)state;
	golden("sample.prom", got);
	promtool_valid(got);
	/* 8 run-level samples, 5 findings (5 kind and server pairs), then per check ok
	 * and four statuses (55), and 5 rtts. */
	assert_int_equal(prom_strict(got), 8 + 5 + 55 + 5);
	free(got);
}

static void test_nagios_golden(void **state)
{
	struct dsr_run run = sample_run();
	char *got = render("nagios", &run);

	(void)state;
	golden("sample.nagios.txt", got);
	nagios_valid(got);
	free(got);
}

/* ---- html ---------------------------------------------------------------- */

/* The elements html.c writes: anything else after a '<' is markup that came
 * from the data (an injected <script>, <img onerror=...>). */
static const char *const html_tags[] = {
	"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p", "dl", "dt",
	"dd", "section", "figure", "figcaption", "svg", "defs", "marker", "path", "g", "rect",
	"text", "line", "circle", "ol", "li", "span", "code", "b", "a", "div", "table", "thead",
	"tbody", "tr", "th", "td", "br", "wbr", "details", "summary", "footer"};

static bool html_known_tag(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof html_tags / sizeof html_tags[0]; i++)
		if (strlen(html_tags[i]) == n && strncmp(html_tags[i], name, n) == 0)
			return true;
	return false;
}

/* One tag from p (just past '<') to its '>', which it returns: a known
 * element, then attributes name="value" whose values hold no quote or angle
 * bracket, so that no data can close a value and open an attribute or a tag. */
static const char *html_tag(const char *p)
{
	size_t n;

	if (*p == '/')
		p++;
	n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
	if (!html_known_tag(p, n))
		fail_msg("unknown element <%.20s", p);
	p += n;
	while (*p != '>') {
		if (*p == '/' && p[1] == '>')
			return p + 1;
		if (*p != ' ')
			fail_msg("bad character in a tag at %.40s", p);
		p++;
		n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
		if (n == 0)
			fail_msg("bad attribute at %.40s", p);
		p += n;
		if (*p != '=')
			continue; /* a boolean attribute (open) */
		if (p[1] != '"')
			fail_msg("unquoted attribute value at %.40s", p);
		p += 2 + strcspn(p + 2, "\"<>");
		if (*p != '"')
			fail_msg("'<' or '>' in an attribute value at %.40s", p);
		p++;
	}
	return p;
}

/* What every html report must be: the doctype, known elements only, quoted
 * attribute values with no markup in them, valid UTF-8 without the controls
 * HTML forbids, style free of markup, and the verdict element. */
static void html_valid(const char *page)
{
	const char *doctype = "<!DOCTYPE html>\n";
	const char *style_end;
	size_t n = strlen(page);

	assert_true(strncmp(page, doctype, strlen(doctype)) == 0);
	assert_non_null(strstr(page, "<p id=\"verdict\" class=\"verdict "));
	style_end = strstr(page, "</style>");
	assert_non_null(style_end);
	for (const char *p = page + strlen(doctype); *p; p++) {
		if (*p == '>')
			fail_msg("a bare '>' at %.40s", p);
		if (*p != '<')
			continue;
		p = html_tag(p + 1);
		if (strncmp(p - 6, "<style", 6) == 0 || strncmp(p - 6, "style ", 6) == 0) {
			assert_null(memchr(p, '<', (size_t)(style_end - p)));
			p = style_end - 1;
		}
	}
	for (size_t i = 0; i < n;) {
		uint32_t cp;

		i += dsr_utf8_decode((const unsigned char *)page + i, n - i, &cp);
		if (cp == DSR_UTF8_INVALID || (cp < 0x20 && cp != '\n' && cp != '\t') ||
		    (cp >= 0x7f && cp <= 0x9f))
			fail_msg("invalid UTF-8 or a control character at byte %zu", i);
	}
}

/* A run with its findings, as dsrcheck's commands hand it to writers. */
static char *render_html(struct dsr_run *run)
{
	diagnose_run(run);
	return render("html", run);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void test_html_golden(void **state)
{
	struct dsr_run run = sample_run();
	char *got = render_html(&run);

	(void)state;
	golden("sample.html", got);
	html_valid(got);
	assert_non_null(strstr(got, "<p id=\"verdict\" class=\"verdict fail\">dsrcheck: FAIL (3 of 11 "
				    "failed, 2 warnings, 2 skipped)</p>"));
	/* one details per check, the failing and warning ones open */
	assert_int_equal(count(got, "<details id=\"check-"), 11);
	assert_int_equal(count(got, "\"><summary>") + count(got, " open><summary>"), 11);
	assert_int_equal(count(got, " open><summary>"), 5);
	/* no script and no fetch, by construction and by policy */
	assert_null(strstr(got, "<script"));
	assert_non_null(strstr(got, "content=\"default-src 'none'; style-src 'unsafe-inline'\""));
	free(got);
}

/* Data that tries to be markup stays text, in content and in attributes (the
 * matrix's title, the drawing's title), and invalid UTF-8 is U+FFFD. */
static void test_html_hostile(void **state)
{
	static const char server[] = "rs<script>alert(1)</script>\"'\xff";
	static const char summary[] = "\"><img src=x onerror=alert(2)> & '\xc3\x28' \xe2\x80\xae"
				      "LIAF \x1b[31m";
	struct dsr_check c[3];
	struct dsr_run run = {.version = "t<b>", .checks = c, .nchecks = 3};
	char *got;

	(void)state;
	memset(c, 0, sizeof c);
	for (size_t i = 0; i < 3; i++) {
		c[i].id = i == 2 ? "arp.vip.claim" : "tcp.vip.direct";
		c[i].service = "web\"><svg onload=alert(3)>";
		c[i].server = server;
		snprintf(c[i].target, sizeof c[i].target, "198.18.0.100");
		c[i].port = i == 2 ? -1 : 80 + (int)i;
		c[i].status = i == 1 ? DSR_PASS : DSR_FAIL;
		c[i].reason = i == 1 ? NULL : i == 2 ? "claimed" : "refused";
		dsr_check_summary(&c[i], "%s", summary);
		dsr_check_remedy(&c[i], "%s", "run <ss -ltn> & \"see\"");
		dsr_evidence_str(&c[i], "banner<i>", summary);
		dsr_evidence_list_add(&c[i], "macs", "\xff<x>");
	}
	memcpy(run.vantage.ifname, "eth0<x>\xff", 9);
	got = render_html(&run);
	html_valid(got);
	for (size_t i = 0; i < 3; i++)
		dsr_check_release(&c[i]);
	assert_null(strstr(got, "<script"));
	assert_null(strstr(got, "<img"));
	assert_null(strstr(got, "<svg onload"));
	assert_null(strstr(got, "\xe2\x80\xae")); /* the bidi override that would reverse FAIL */
	assert_non_null(strstr(got, "rs&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&#xfffd;"));
	assert_non_null(strstr(got, "&quot;&gt;&lt;img src=x onerror=alert(2)&gt; &amp; &#39;&#xfffd;(&#39; "
				    "&#xfffd;LIAF &#xfffd;[31m"));
	assert_non_null(strstr(got, "title=\"FAIL refused: &quot;&gt;&lt;img"));
	assert_non_null(strstr(got, "<dt>banner&lt;i&gt;</dt>"));
	assert_non_null(strstr(got, "&#xfffd;&lt;x&gt;"));
	assert_non_null(strstr(got, "eth0&lt;x&gt;&#xfffd;"));
	free(got);
}

/* The validators are real: they reject what the consumers would. */
static void test_validators_reject(void **state)
{
	char *log = NULL;

	(void)state;
	if (!CONSUMERS)
		skip();
	need("xmllint", "libxml2-utils");
	need("promtool", "prometheus");
	assert_int_not_equal(consume("xmllint --noout -", "<a>&</a>\n", NULL), 0);
	assert_int_not_equal(consume("xmllint --noout -", "<a>\x01</a>\n", NULL), 0);
	assert_int_not_equal(consume("xmllint --noout -", "<a>\xff</a>\n", NULL), 0);
	/* The schema is strict: what Jenkins and GitLab would ignore is refused. */
	assert_int_not_equal(consume("xmllint --noout --schema " JUNIT_XSD " -",
				     "<testsuites tests=\"1\" failures=\"0\"><testsuite name=\"a\" "
				     "tests=\"1\" failures=\"0\" errors=\"0\"><testcase name=\"x\" "
				     "classname=\"y\" status=\"ok\"/></testsuite></testsuites>\n",
				     NULL),
			     0);
	assert_int_not_equal(consume("xmllint --noout --schema " JUNIT_XSD " -",
				     "<testsuites tests=\"-1\" failures=\"0\"/>\n", NULL),
			     0);
	assert_int_not_equal(consume("promtool check metrics", "a{x=\"\xff\"} 1\n", NULL), 0);
	assert_int_not_equal(
		consume("promtool check metrics",
			"# HELP a_total x\n# TYPE a_total gauge\na_total 1\n", &log),
		0);
	assert_non_null(strstr(log, "_total"));
	free(log);
}

/* Labels and text come out as the consumer reads them back: escaping is exact
 * and lossless wherever the format allows. */
static void test_junit_parsed(void **state)
{
	struct dsr_run run = sample_run();
	char *xml = render("junit", &run);
	char *got;

	(void)state;
	/* The totals are the suites' sums: 11 checks (3 failing) and 5 findings
	 * (3 failing) of them. */
	xpath_is(xml, "string(/testsuites/@tests)", "16");
	xpath_is(xml, "string(/testsuites/@failures)", "6");
	xpath_is(xml, "string(/testsuites/@skipped)", "2");
	xpath_is(xml, "string(/testsuites/@time)", "4.012");
	xpath_is(xml, "count(/testsuites/testsuite)", "4");
	/* Findings lead; the checks' suites follow, as before. */
	xpath_is(xml, "string(/testsuites/testsuite[1]/@name)", "findings");
	xpath_is(xml, "string(/testsuites/testsuite[1]/@tests)", "5");
	xpath_is(xml, "string(/testsuites/testsuite[1]/@failures)", "3");
	xpath_is(xml, "string(/testsuites/testsuite[3]/@name)", "(no service)");
	xpath_is(xml, "string(/testsuites/testsuite[2]/@failures)", "2");
	xpath_is(xml, "string(/testsuites/testsuite[2]/@timestamp)", "2026-11-24T23:10:00");
	xpath_is(xml, "string(//testcase[@classname=\"dsrcheck.findings.not-bound\"]/failure/@type)",
		 "not-bound");
	xpath_is(xml, "string(//testcase[@classname=\"dsrcheck.findings.not-bound\"]/system-out)",
		 "explains:\ndsrcheck.web.rs1: tcp.vip.direct 198.18.0.100:80");
	/* A finding names a check as its testcase: classname with dots as _. */
	xpath_is(xml, "string(//testcase[@classname=\"dsrcheck.findings.vip-dropped\"]/system-out)",
		 "explains:\ndsrcheck.web.198_18_0_13: icmp.vip.direct 198.18.0.100");
	xpath_is(xml, "count(//testcase[@classname=\"dsrcheck.web.198_18_0_13\" and "
		      "@name=\"icmp.vip.direct 198.18.0.100\"])", "1");
	xpath_is(xml, "substring-before(string(//testcase[@classname=\"dsrcheck.findings.via-balancer\"]"
		      "/system-out), \"\nfix: \")",
		 "warning: service web: replies come back through the balancer, not directly");
	/* A warning is a passing testcase that says so (a failing finding's
	 * system-out lists its checks). */
	xpath_is(xml, "count(//testcase[system-out][skipped])", "0");
	xpath_is(xml, "count(//testcase[not(starts-with(@classname, \"dsrcheck.findings.\"))]"
		      "[system-out][failure])", "0");
	xpath_is(xml, "string(//testcase[@name=\"dsr.return 198.18.0.100:80\"]/system-out)",
		 "warning via-balancer: the SYN-ACK came from the balancer's MAC "
		 "02:00:00:00:00:02\nmac=02:00:00:00:00:02\nservers=balancer\n"
		 "fix: configure the balancer for direct routing (LVS -g), not NAT or proxy");
	xpath_is(xml, "string(//testcase[@classname=\"dsrcheck.web.rs1\"]/failure/@message)",
		 "refused: RST from 198.18.0.100 <rs1> & \"web\"");
	xpath_is(xml, "string(//testcase[@classname=\"dsrcheck.web.rs1\"]/failure/@type)",
		 "refused");
	xpath_is(xml, "string(//testcase[@classname=\"dsrcheck.web.rs1\"]/failure)",
		 "RST from 198.18.0.100 <rs1> & \"web\"\nrtt_us=123\nttl=64\n"
		 "platform=linux (guessed from reply TTL)\nfix: bind the service to "
		 "198.18.0.100:80 or 0.0.0.0:80 (check: ss -ltn | grep :80)");
	/* Dots in names would split the classname in Jenkins. */
	xpath_is(xml, "string(//failure[@type=\"timeout\"]/../@classname)",
		 "dsrcheck.web.198_18_0_13");
	xpath_is(xml, "string(//testcase[@name=\"arp.rip 198.18.0.99\"]/@classname)",
		 "dsrcheck.(no service)");
	xpath_is(xml, "string(//testcase[@name=\"arp.rip 198.18.0.12\"]/skipped/@message)",
		 "not-on-segment: dsrcheck is not on the segment of 198.18.0.12");
	if (!CONSUMERS)
		return; /* the rest is read through xmllint */
	/* The hostile summary in an attribute and in content: CR, tab and newline
	 * survive, DEL and C1 arrive as themselves, what XML 1.0 cannot hold (ESC,
	 * BEL, invalid UTF-8) is U+FFFD. */
	got = xpath(xml, "string(//failure[@type=\"timeout\"]/@message)");
	assert_string_equal(got, "timeout: no SYN-ACK from \"web\" & 'rs3' <b>\\</b> ]]> a|b\r\n"
				 "\t\xef\xbf\xbd[31mred\xef\xbf\xbd\x7f \xc2\x9b "
				 "\xef\xbf\xbd\xef\xbf\xbd caf\xc3\xa9 \xe2\x86\x92 ok");
	free(got);
	got = xpath(xml, "substring-after(string(//failure[@type=\"timeout\"]), "
			 "\"ok\n\")");
	assert_string_equal(got, "attempts=3\nbanner=a\tb\x7f|<&>\n"
				 "macs=02:00:00:00:00:13,\xef\xbf\xbd\n"
				 "fix: ip addr add 198.18.0.100/32 dev lo | or see "
				 "\"netsh\" & <IDX>");
	free(got);
	xpath_is(xml, "string(/testsuites/testsuite[4]/@name)",
		 "mail|<&>\"'\\\n\xef\xbf\xbd\xef\xbf\xbd");
	xpath_is(xml, "string(/testsuites/testsuite[4]/testcase[2]/@classname)",
		 "dsrcheck.mail|<&>\"'\\\n\xef\xbf\xbd\xef\xbf\xbd.rs\"1|\\");
	free(xml);
}

/* dsrcheck_findings counts a finding once for each of its servers, one about
 * none under server="", and names that escape alike as one series. */
static void test_prometheus_findings(void **state)
{
	const char *both[] = {"rs1", "rs2"}, *one[] = {"rs1"};
	const char *alike[] = {"a\x01", "a\x02"};
	struct dsr_finding f[4] = {
		{.name = "server-down", .status = DSR_FAIL, .servers = both, .nservers = 2},
		{.name = "server-down", .status = DSR_FAIL, .servers = one, .nservers = 1},
		{.name = "split-brain", .status = DSR_FAIL},
		{.name = "check", .status = DSR_WARN, .servers = alike, .nservers = 2},
	};
	struct dsr_run run = {.version = "t", .findings = f, .nfindings = 4};
	char *got;

	(void)state;
	got = render("prometheus", &run);
	promtool_valid(got);
	assert_non_null(strstr(got, "# TYPE dsrcheck_findings gauge\n"
				    "dsrcheck_findings{kind=\"server-down\",server=\"rs1\"} 2\n"
				    "dsrcheck_findings{kind=\"server-down\",server=\"rs2\"} 1\n"
				    "dsrcheck_findings{kind=\"split-brain\",server=\"\"} 1\n"
				    "dsrcheck_findings{kind=\"check\",server=\"a\xef\xbf\xbd\"} 2\n"));
	assert_int_equal(prom_strict(got), 8 + 4);
	free(got);
	/* No findings: the family is still declared, with no series. */
	run.nfindings = 0;
	got = render("prometheus", &run);
	assert_non_null(strstr(got, "# TYPE dsrcheck_findings gauge\n# HELP dsrcheck_check_ok "));
	free(got);
}

/* Once a finding is tagged, every dsrcheck_findings series has a vlan label
 * ("" untagged), as the inventory's series do: the same kind about nobody in
 * VLANs 20 and 30 is two series, not one counting 2. */
static void test_prometheus_findings_vlan(void **state)
{
	const char *one[] = {"rs1"};
	struct dsr_finding f[3] = {
		{.name = "split-brain", .status = DSR_FAIL, .vlan = 20},
		{.name = "split-brain", .status = DSR_FAIL, .vlan = 30},
		{.name = "server-down", .status = DSR_FAIL, .servers = one, .nservers = 1},
	};
	struct dsr_run run = {.version = "t", .findings = f, .nfindings = 3};
	char *got = render("prometheus", &run);

	(void)state;
	promtool_valid(got);
	assert_non_null(strstr(got, "# TYPE dsrcheck_findings gauge\n"
				    "dsrcheck_findings{kind=\"split-brain\",server=\"\",vlan=\"20\"} 1\n"
				    "dsrcheck_findings{kind=\"split-brain\",server=\"\",vlan=\"30\"} 1\n"
				    "dsrcheck_findings{kind=\"server-down\",server=\"rs1\",vlan=\"\"} 1\n"
				    "# HELP dsrcheck_check_ok "));
	free(got);
}

static void test_prometheus_content(void **state)
{
	struct dsr_run run = sample_run();
	char *got = render("prometheus", &run);

	(void)state;
	assert_non_null(strstr(got, "\ndsrcheck_run_ok 0\n"));
	assert_non_null(strstr(got, "\ndsrcheck_last_run_timestamp_seconds 1795561800.123456\n"));
	assert_non_null(strstr(got, "\ndsrcheck_run_duration_seconds 4.012\n"));
	assert_non_null(strstr(got, "\ndsrcheck_checks{status=\"pass\"} 4\n"
				    "dsrcheck_checks{status=\"fail\"} 3\n"
				    "dsrcheck_checks{status=\"warn\"} 2\n"
				    "dsrcheck_checks{status=\"skip\"} 2\n"));
	assert_non_null(strstr(got, "\ndsrcheck_check_ok{check=\"tcp.vip.direct\",service=\"web\","
				    "server=\"rs1\",target=\"198.18.0.100\",port=\"80\"} 0\n"));
	assert_non_null(strstr(got, "\ndsrcheck_check_ok{check=\"dsr.return\",service=\"web\","
				    "server=\"\",target=\"198.18.0.100\",port=\"80\"} 1\n"));
	assert_non_null(strstr(got, "\ndsrcheck_check_status{check=\"dsr.return\",service=\"web\","
				    "server=\"\",target=\"198.18.0.100\",port=\"80\","
				    "status=\"warn\"} 1\n"));
	assert_non_null(strstr(got, "\ndsrcheck_probe_rtt_seconds{check=\"tcp.vip.direct\","
				    "service=\"web\",server=\"rs1\",target=\"198.18.0.100\","
				    "port=\"80\"} 0.000123\n"));
	assert_non_null(strstr(got, "service=\"mail|<&>\\\"'\\\\\\n\xef\xbf\xbd\xef\xbf\xbd\","
				    "server=\"rs\\\"1|\\\\\",target=\"198.18.0.11\",port=\"25\"} "
				    "0.900123\n"));
	free(got);
}

/* Three checks alike (the labels tests make them differ by one thing). */
static void three_checks(struct dsr_check c[3], const char *id, const char *service, const char *target,
			 int port)
{
	memset(c, 0, 3 * sizeof(*c));
	for (size_t i = 0; i < 3; i++) {
		c[i].id = id;
		c[i].service = service;
		c[i].port = port;
		snprintf(c[i].target, sizeof(c[i].target), "%s", target);
	}
}

/* The same check of the same address in VLANs 20 and 30 (analyze of a trunk):
 * two series with a vlan label, where without it the second was a repeat and
 * had none; an untagged check in the same run gets vlan="". */
static void test_prometheus_checks_vlan(void **state)
{
	struct dsr_check c[3];
	struct dsr_run run = {.version = "t", .checks = c, .nchecks = 3};
	char *got;

	(void)state;
	three_checks(c, "arp.conflict", NULL, "198.18.0.22", -1);
	c[0].status = c[1].status = c[2].status = DSR_FAIL;
	c[0].vlan = 20;
	c[1].vlan = 30;
	got = render("prometheus", &run);
	promtool_valid(got);
	assert_non_null(strstr(got, "\ndsrcheck_check_ok{check=\"arp.conflict\",service=\"\",server=\"\","
				    "target=\"198.18.0.22\",port=\"\",vlan=\"20\"} 0\n"
				    "dsrcheck_check_ok{check=\"arp.conflict\",service=\"\",server=\"\","
				    "target=\"198.18.0.22\",port=\"\",vlan=\"30\"} 0\n"
				    "dsrcheck_check_ok{check=\"arp.conflict\",service=\"\",server=\"\","
				    "target=\"198.18.0.22\",port=\"\",vlan=\"\"} 0\n"));
	assert_non_null(strstr(got, "target=\"198.18.0.22\",port=\"\",vlan=\"30\",status=\"fail\"} 1\n"));
	free(got);
}

/* One repeated label set would make the collector drop the whole file. */
static void test_prometheus_repeat(void **state)
{
	struct dsr_check c[3];
	struct dsr_run run = {.version = "t", .checks = c, .nchecks = 3};
	char *got;

	(void)state;
	three_checks(c, "tcp.rip", "web", "", 80);
	c[1].status = DSR_FAIL;
	c[2].service = "w\xfe"; /* escapes to the same label as "w\xff" below */
	c[0].service = "w\xff";
	got = render("prometheus", &run);
	promtool_valid(got);
	assert_int_equal(prom_strict(got), 8 + 2 * 5);
	assert_non_null(strstr(got, "dsrcheck_checks{status=\"fail\"} 1\n"));
	assert_non_null(strstr(got, "dsrcheck_run_ok 0\n"));
	free(got);
}

/* The first line for n checks of the given statuses: head, then the perfdata
 * of those counts. */
static void nagios_first(const enum dsr_status *statuses, size_t n, const char *head, size_t fail,
			 size_t warn, size_t skip)
{
	struct dsr_check checks[8];
	struct dsr_run run = {.version = "t", .duration_ms = 1234, .checks = checks, .nchecks = n};
	char *got, *first, want[1024];

	assert_true(n <= 8);
	for (size_t i = 0; i < n; i++) {
		memset(&checks[i], 0, sizeof checks[i]);
		checks[i].id = "tcp.vip.direct";
		checks[i].service = "web";
		checks[i].server = "rs1";
		snprintf(checks[i].target, sizeof checks[i].target, "198.18.0.%zu", 100 + i);
		checks[i].port = 80;
		checks[i].status = statuses[i];
		checks[i].reason = statuses[i] == DSR_PASS ? NULL : "refused";
	}
	/* Writers count for themselves: stale counts must not change the status. */
	run.counts.fail = 99;
	got = render("nagios", &run);
	nagios_valid(got);
	first = first_line(got);
	snprintf(want, sizeof want,
		 "%s | checks=%zu;;;0 failed=%zu;;;0 warnings=%zu;;;0 skipped=%zu;;;0 "
		 "duration=1.234s;;;0 findings=0;;;0",
		 head, n, fail, warn, skip);
	assert_string_equal(first, want);
	free(first);
	free(got);
}

/* With findings the first line names the first (the worst) and counts the
 * others; the long output leads with them. */
static void test_nagios_findings(void **state)
{
	const char *rs1[] = {"rs1"};
	struct dsr_finding f[3] = {
		{.name = "not-bound", .status = DSR_FAIL, .servers = rs1, .nservers = 1,
		 .summary = "rs1: the application is not bound to the VIP on ports 80 and 8080 | x",
		 .remedy = "bind it"},
		{.name = "check", .status = DSR_WARN, .summary = "icmp.vip slow"},
		{.name = "via-balancer", .status = DSR_WARN, .summary = "via the balancer"},
	};
	struct dsr_check c[2];
	struct dsr_run run = {.version = "t", .checks = c, .nchecks = 2, .findings = f,
			      .nfindings = 3};
	char *got, *first;

	(void)state;
	memset(c, 0, sizeof c);
	c[0].id = "tcp.vip.direct";
	c[0].server = "rs1";
	c[0].port = 80;
	c[0].status = DSR_FAIL;
	c[1].id = "icmp.vip";
	c[1].port = -1;
	c[1].status = DSR_WARN;
	got = render("nagios", &run);
	nagios_valid(got);
	first = first_line(got);
	assert_string_equal(first, "DSRCHECK CRITICAL - 1 of 2 failed: rs1: the application is not "
				   "bound to the VIP on ports 80 and 8080 \\x7c x, and 2 more "
				   "findings; 1 warning | checks=2;;;0 failed=1;;;0 warnings=1;;;0 "
				   "skipped=0;;;0 duration=0.000s;;;0 findings=3;;;0");
	assert_non_null(strstr(got, "\nFINDING FAIL rs1: the application is not bound to the VIP on "
				    "ports 80 and 8080 \\x7c x\n  fix: bind it\nFINDING WARN "
				    "icmp.vip slow\nFINDING WARN via the balancer\nFAIL tcp.vip.direct rs1"));
	free(first);
	free(got);
	/* One finding: nothing more to count. */
	run.findings = f + 2;
	run.nfindings = 1;
	c[0].status = DSR_PASS;
	got = render("nagios", &run);
	first = first_line(got);
	assert_string_equal(first, "DSRCHECK WARNING - 1 warning: via the balancer | checks=2;;;0 "
				   "failed=0;;;0 warnings=1;;;0 skipped=0;;;0 duration=0.000s;;;0 "
				   "findings=1;;;0");
	free(first);
	free(got);
}

/* The status word: CRITICAL when any check failed, else WARNING when any
 * warned, else OK; skips never raise it. */
static void test_nagios_status(void **state)
{
	const enum dsr_status pass[] = {DSR_PASS, DSR_PASS, DSR_PASS};
	const enum dsr_status skipped[] = {DSR_PASS, DSR_SKIP, DSR_SKIP};
	const enum dsr_status warned[] = {DSR_SKIP, DSR_WARN, DSR_PASS, DSR_WARN};
	const enum dsr_status failed[] = {DSR_PASS, DSR_WARN, DSR_FAIL, DSR_SKIP};
	const enum dsr_status many[] = {DSR_FAIL, DSR_FAIL, DSR_FAIL, DSR_FAIL,
					DSR_FAIL, DSR_FAIL, DSR_FAIL, DSR_WARN};

	(void)state;
	nagios_first(NULL, 0, "DSRCHECK OK - 0 checks passed", 0, 0, 0);
	nagios_first(pass, 3, "DSRCHECK OK - 3 checks passed", 0, 0, 0);
	nagios_first(skipped, 1, "DSRCHECK OK - 1 checks passed", 0, 0, 0);
	nagios_first(skipped, 3, "DSRCHECK OK - 1 of 3 checks passed, 2 skipped", 0, 0, 2);
	nagios_first(skipped + 1, 1, "DSRCHECK OK - 0 of 1 checks passed, 1 skipped", 0, 0, 1);
	nagios_first(warned, 2,
		     "DSRCHECK WARNING - 1 warning: tcp.vip.direct rs1 198.18.0.101:80 refused", 0,
		     1, 1);
	nagios_first(warned, 4,
		     "DSRCHECK WARNING - 2 warnings: tcp.vip.direct rs1 198.18.0.101:80 refused, "
		     "tcp.vip.direct rs1 198.18.0.103:80 refused",
		     0, 2, 1);
	nagios_first(failed, 4,
		     "DSRCHECK CRITICAL - 1 of 4 failed: tcp.vip.direct rs1 198.18.0.102:80 "
		     "refused; 1 warning",
		     1, 1, 1);
	nagios_first(many, 7,
		     "DSRCHECK CRITICAL - 7 of 7 failed: "
		     "tcp.vip.direct rs1 198.18.0.100:80 refused, "
		     "tcp.vip.direct rs1 198.18.0.101:80 refused, tcp.vip.direct rs1 "
		     "198.18.0.102:80 refused, tcp.vip.direct rs1 198.18.0.103:80 refused, "
		     "tcp.vip.direct rs1 198.18.0.104:80 refused, and 2 more",
		     7, 0, 0);
	nagios_first(many, 8,
		     "DSRCHECK CRITICAL - 7 of 8 failed: "
		     "tcp.vip.direct rs1 198.18.0.100:80 refused, "
		     "tcp.vip.direct rs1 198.18.0.101:80 refused, tcp.vip.direct rs1 "
		     "198.18.0.102:80 refused, tcp.vip.direct rs1 198.18.0.103:80 refused, "
		     "tcp.vip.direct rs1 198.18.0.104:80 refused, and 2 more; 1 warning",
		     7, 1, 0);
}

/* Every byte value in every string a writer sees, in every status: each format
 * still parses. */
static void test_all_bytes(void **state)
{
	static struct dsr_check c[4];
	static char all[256], name[256];
	struct dsr_run run = {.version = all, .checks = c, .nchecks = 4};
	char *got;

	(void)state;
	for (int i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	snprintf(name, sizeof name, "%s", all + 127); /* starts with a continuation byte */
	for (size_t i = 0; i < 4; i++) {
		dsr_check_release(&c[i]);
		memset(&c[i], 0, sizeof c[i]);
		c[i].id = all;
		c[i].service = i % 2 ? all : name;
		c[i].server = i % 2 ? name : all;
		memcpy(c[i].target, all + 12 * i, sizeof c[i].target); /* unterminated */
		c[i].port = (int)i * 1000;
		c[i].status = (enum dsr_status)i;
		c[i].reason = name;
		dsr_check_summary(&c[i], "%s", all);
		dsr_check_remedy(&c[i], "%s", i ? all : "");
		dsr_evidence_str(&c[i], "s", all + 100);
		dsr_evidence_list_add(&c[i], "l", "\x01\xff|");
		dsr_check_rtt(&c[i], (long long)i * 1000001);
	}
	memcpy(run.vantage.ifname, all + 1, sizeof run.vantage.ifname);
	memcpy(run.vantage.mac, all + 190, sizeof run.vantage.mac);

	got = render("junit", &run);
	xml_valid(got);
	free(got);
	got = render("prometheus", &run);
	promtool_valid(got);
	assert_int_equal(prom_strict(got), 8 + 4 * 5 + 4);
	free(got);
	got = render("nagios", &run);
	nagios_valid(got);
	free(got);
	got = render_html(&run);
	html_valid(got);
	free(got);
}

static void test_empty_run(void **state)
{
	struct dsr_run run = {.version = NULL, .nchecks = 0};
	char *got;

	(void)state;
	got = render("junit", &run);
	xml_valid(got);
	assert_string_equal(got, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				 "<testsuites name=\"dsrcheck\" tests=\"0\" failures=\"0\" "
				 "errors=\"0\" skipped=\"0\" time=\"0.000\">\n"
				 "</testsuites>\n");
	free(got);
	got = render("prometheus", &run);
	promtool_valid(got);
	assert_int_equal(prom_strict(got), 8);
	assert_non_null(strstr(got, "dsrcheck_run_ok 1\n"));
	assert_non_null(strstr(got, "dsrcheck_info{version=\"\",interface=\"\",ip=\"\",mac=\"\","
				    "on_segment=\"false\",is_balancer=\"false\"} 1\n"));
	free(got);
	got = render("nagios", &run);
	nagios_valid(got);
	assert_string_equal(got, "DSRCHECK OK - 0 checks passed | checks=0;;;0 failed=0;;;0 "
				 "warnings=0;;;0 skipped=0;;;0 duration=0.000s;;;0 findings=0;;;0\n");
	free(got);
	got = render("html", &run);
	html_valid(got);
	assert_non_null(strstr(got, "<p id=\"verdict\" class=\"verdict pass\">dsrcheck: PASS (0 checks)</p>"));
	assert_non_null(strstr(got, "Nothing is broken"));
	free(got);
}

static void test_write_error(void **state)
{
	static const char *const formats[] = {"junit", "prometheus", "nagios", "html"};
	struct dsr_run run = sample_run();
	struct dsr_report_options opts = {0};
	FILE *full = fopen("/dev/full", "w");

	(void)state;
	if (!full)
		skip();
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		clearerr(full);
		assert_int_equal(dsr_report_find(formats[i])->write(full, &run, &opts), -1);
	}
	fclose(full);
}

static void test_registry(void **state)
{
	(void)state;
	assert_string_equal(dsr_report_find("junit")->name, "junit");
	assert_string_equal(dsr_report_find("prometheus")->name, "prometheus");
	assert_string_equal(dsr_report_find("nagios")->name, "nagios");
	assert_string_equal(dsr_report_find("html")->name, "html");
	assert_null(dsr_report_find("JUNIT"));
	assert_string_equal(dsr_report_names(), "text, json, junit, prometheus, nagios, html");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_junit_golden),
		cmocka_unit_test(test_prometheus_golden),
		cmocka_unit_test(test_nagios_golden),
		cmocka_unit_test(test_html_golden),
		cmocka_unit_test(test_html_hostile),
		cmocka_unit_test(test_validators_reject),
		cmocka_unit_test(test_junit_parsed),
		cmocka_unit_test(test_prometheus_content),
		cmocka_unit_test(test_prometheus_findings),
		cmocka_unit_test(test_prometheus_findings_vlan),
		cmocka_unit_test(test_prometheus_repeat),
		cmocka_unit_test(test_prometheus_checks_vlan),
		cmocka_unit_test(test_nagios_status),
		cmocka_unit_test(test_nagios_findings),
		cmocka_unit_test(test_all_bytes),
		cmocka_unit_test(test_empty_run),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_registry),
	};

	/* A consumer that exits before reading all its input must give us an
	 * error on write, not kill the test binary. */
#ifdef SIGPIPE
	signal(SIGPIPE, SIG_IGN);
#endif
	return cmocka_run_group_tests(tests, NULL, NULL);
}
