/* JUnit XML, for CI jobs that run dsrcheck after a deployment: Jenkins' junit
 * step and GitLab's artifacts:reports:junit show each failing check next to the
 * change that broke the balancer or a real server.
 *
 * Layout: <testsuites name="dsrcheck"> with the run's totals and duration; one
 * <testsuite> per service in order of first appearance (checks without a service
 * in "(no service)"); one <testcase> per check, in report order, named
 * "ID TARGET[:PORT]" with classname "dsrcheck.SERVICE[.SERVER]".
 *
 * Statuses:
 *   fail  <failure message="REASON: SUMMARY" type="REASON"> holding the summary,
 *         the evidence as key=value lines and "fix: REMEDY".
 *   warn  a passing testcase whose <system-out> holds "warning REASON: SUMMARY",
 *         evidence and fix. Warnings do not fail a run (exit status 0), so a
 *         CI job must not turn red on them either; Jenkins and GitLab would
 *         count a <failure> or <error> against the build.
 *   skip  <skipped message="REASON: SUMMARY"/>.
 *   pass  an empty testcase.
 *
 * Findings (src/diagnose.h) lead: a first testsuite "findings" when there are
 * any, one testcase per finding named by its summary, classname
 * "dsrcheck.findings.KIND"; a failing finding's <failure message="SUMMARY"
 * type="KIND"> holds "fix: REMEDY" (and its confidence when likely), a warning
 * finding is a passing testcase whose <system-out> says so; each finding's
 * <system-out> lists the checks it explains, as "CLASSNAME: NAME" of their
 * testcases, which stay in their services' suites. The totals of
 * <testsuites> count finding testcases too, so that they are the sums of the
 * suites'.
 *
 * Probes of a run are all in flight together, so no check has a duration of its
 * own: only <testsuites> carries time (the run's), and testcases carry none.
 * fixtures/reports/junit.xsd describes exactly the subset written here.
 *
 * analyze without a deployment adds a last testsuite "(addresses)": a passing
 * testcase "arp.address ADDRESS" (classname "dsrcheck.addresses") per address
 * of the capture, whose <system-out> holds its state and a line per MAC
 * (frames, first and last seen); the testsuite's own <system-out> counts the
 * ARP frames the bounded table could not hold. Conflicts and flip-flops fail
 * as arp.conflict testcases, so an address is never counted twice.
 *
 * Any string may come from the wire and the file must always parse: markup is
 * escaped, and what XML 1.0 cannot carry at all becomes U+FFFD. */
#include <string.h>
#include <time.h>

#include "../passive/inventory.h"
#include "../src/diagnose.h"
#include "../src/parse.h"
#include "writers.h"

#define NO_SERVICE "(no service)"

enum xml_mode {
	XML_TEXT, /* element content */
	XML_ATTR, /* a double-quoted attribute value */
	XML_NAME, /* an attribute value that is one part of a dotted classname */
};

static void put_xml_n(FILE *out, const char *s, size_t n, enum xml_mode mode)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = dsr_utf8_decode(p + i, n - i, &cp);

		if (cp == '&')
			fputs("&amp;", out);
		else if (cp == '<')
			fputs("&lt;", out);
		else if (cp == '>')
			fputs("&gt;", out); /* also keeps "]]>" out of content */
		else if (cp == '"')
			fputs("&quot;", out);
		else if (cp == '\'')
			fputs("&apos;", out);
		else if (cp == '\r')
			fputs("&#13;", out); /* a raw CR would be read back as LF */
		else if ((cp == '\t' || cp == '\n') && mode != XML_TEXT)
			/* Attribute-value normalisation turns raw ones into spaces. */
			fprintf(out, "&#%u;", (unsigned)cp);
		else if (cp == '\t' || cp == '\n')
			fputc((int)cp, out);
		else if (cp == DSR_UTF8_INVALID || cp < 0x20 || cp == 0xfffe || cp == 0xffff)
			/* Not allowed in XML 1.0, not even as a character reference. */
			fputs("\xef\xbf\xbd", out);
		else if (cp >= 0x7f && cp <= 0x9f)
			/* Allowed but discouraged; a reference keeps the character and
			 * keeps a raw C1 CSI away from the terminal of whoever cats the file. */
			fprintf(out, "&#x%X;", (unsigned)cp);
		else if (cp == '.' && mode == XML_NAME)
			/* Jenkins splits a classname at its last dot into package and
			 * class: a server named by its address must stay one piece. */
			fputc('_', out);
		else
			fwrite(p + i, 1, len, out);
		i += len;
	}
}

static void put_xml(FILE *out, const char *s, enum xml_mode mode)
{
	if (s)
		put_xml_n(out, s, strlen(s), mode);
}

/* Fixed-size fields of the model need not be terminated. */
#define put_field(out, field, mode)                                                                \
	put_xml_n((out), (field), strnlen((field), sizeof(field)), (mode))
/* Texts of a check: pointers, bounded by what they may hold. */
#define put_text(out, text, max, mode) put_xml_n((out), (text), strnlen((text), (max)), (mode))

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Seconds with milliseconds, never negative (the schema's time is). */
static void put_ms(FILE *out, long long ms)
{
	if (ms < 0)
		ms = 0;
	fprintf(out, "%lld.%03lld", ms / 1000, ms % 1000);
}

/* ISO 8601 in UTC without a zone, as the Ant schema that Jenkins follows has it. */
static void put_timestamp(FILE *out, struct timeval tv)
{
	struct tm tm;
	time_t secs = tv.tv_sec;
	char buf[64];

	if (!gmtime_r(&secs, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999 ||
	    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return;
	fprintf(out, " timestamp=\"%s\"", buf);
}

/* "REASON: SUMMARY", or whichever of the two there is. */
static void put_message(FILE *out, const struct dsr_check *c)
{
	put_xml(out, c->reason, XML_ATTR);
	if (c->reason && dsr_check_summary_text(c)[0])
		fputs(": ", out);
	put_text(out, dsr_check_summary_text(c), DSR_SUMMARY_MAX, XML_ATTR);
}

/* Summary, evidence and remedy as lines of element content. */
static void put_detail(FILE *out, const struct dsr_check *c)
{
	size_t n = c->nevidence < DSR_EVIDENCE_MAX ? c->nevidence : DSR_EVIDENCE_MAX;

	put_text(out, dsr_check_summary_text(c), DSR_SUMMARY_MAX, XML_TEXT);
	for (size_t i = 0; i < n; i++) {
		const struct dsr_evidence *e = &c->evidence[i];

		fputc('\n', out);
		put_text(out, e->key, DSR_EVIDENCE_KEY, XML_TEXT);
		fputc('=', out);
		if (e->type == DSR_EV_INT)
			fprintf(out, "%lld", e->num);
		else
			put_text(out, e->text, DSR_EVIDENCE_TEXT, XML_TEXT);
	}
	if (dsr_check_remedy_text(c)[0]) {
		fputs("\nfix: ", out);
		put_text(out, dsr_check_remedy_text(c), DSR_REMEDY_MAX, XML_TEXT);
	}
}

/* A check's testcase: its name "ID TARGET[:PORT]" and its classname, escaped
 * for mode (an attribute here, content where a finding names it). */
static void put_case_name(FILE *out, const struct dsr_check *c, enum xml_mode mode)
{
	char where[DSR_CHECK_WHERE_MAX];

	put_xml(out, c->id ? c->id : "?", mode);
	dsr_check_where(c, where);
	if (where[0]) {
		fputc(' ', out);
		put_field(out, where, mode);
	}
}

/* The same bytes in an attribute and in content, so that a finding names
 * a check's classname exactly as its testcase carries it. */
static void put_classname(FILE *out, const struct dsr_check *c)
{
	fputs("dsrcheck.", out);
	if (c->service)
		put_xml(out, c->service, XML_NAME);
	else
		fputs(NO_SERVICE, out);
	if (c->server) {
		fputc('.', out);
		put_xml(out, c->server, XML_NAME);
	}
}

static void put_case(FILE *out, const struct dsr_check *c)
{
	fputs("    <testcase name=\"", out);
	put_case_name(out, c, XML_ATTR);
	fputs("\" classname=\"", out);
	put_classname(out, c);
	fputc('"', out);
	switch (c->status) {
	case DSR_FAIL:
		fputs(">\n      <failure message=\"", out);
		put_message(out, c);
		fputs("\" type=\"", out);
		put_xml(out, c->reason ? c->reason : "fail", XML_ATTR);
		fputs("\">", out);
		put_detail(out, c);
		fputs("</failure>\n    </testcase>\n", out);
		break;
	case DSR_WARN:
		fputs(">\n      <system-out>warning ", out);
		if (c->reason) {
			put_xml(out, c->reason, XML_TEXT);
			fputs(": ", out);
		}
		put_detail(out, c);
		fputs("</system-out>\n    </testcase>\n", out);
		break;
	case DSR_SKIP:
		fputs(">\n      <skipped message=\"", out);
		put_message(out, c);
		fputs("\"/>\n    </testcase>\n", out);
		break;
	case DSR_PASS:
	default:
		fputs("/>\n", out);
	}
}

static void put_suite(FILE *out, const struct dsr_run *run, const char *service)
{
	struct dsr_counts n = {0};
	size_t tests = 0;

	for (size_t i = 0; i < run->nchecks; i++) {
		const struct dsr_check *c = &run->checks[i];

		if (!same(c->service, service))
			continue;
		tests++;
		n.fail += c->status == DSR_FAIL;
		n.skip += c->status == DSR_SKIP;
	}
	fputs("  <testsuite name=\"", out);
	put_xml(out, service ? service : NO_SERVICE, XML_ATTR);
	fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\"", tests,
		n.fail, n.skip);
	put_timestamp(out, run->started);
	fputs(">\n", out);
	for (size_t i = 0; i < run->nchecks; i++)
		if (same(run->checks[i].service, service))
			put_case(out, &run->checks[i]);
	fputs("  </testsuite>\n", out);
}

static size_t failing_findings(const struct dsr_run *run)
{
	size_t n = 0;

	for (size_t i = 0; i < run->nfindings; i++)
		n += run->findings[i].status == DSR_FAIL;
	return n;
}

static void put_finding(FILE *out, const struct dsr_run *run, const struct dsr_finding *f)
{
	fputs("    <testcase name=\"", out);
	put_xml(out, f->summary ? f->summary : "?", XML_ATTR);
	fputs("\" classname=\"dsrcheck.findings.", out);
	put_xml(out, f->name ? f->name : "?", XML_NAME);
	fputs("\">\n", out);
	if (f->status == DSR_FAIL) {
		fputs("      <failure message=\"", out);
		put_xml(out, f->summary ? f->summary : "", XML_ATTR);
		fputs("\" type=\"", out);
		put_xml(out, f->name ? f->name : "fail", XML_ATTR);
		fputs("\">", out);
		if (f->remedy && f->remedy[0]) {
			fputs("fix: ", out);
			put_xml(out, f->remedy, XML_TEXT);
		}
		if (f->confidence == DSR_CONFIDENCE_LIKELY)
			fputs(f->remedy && f->remedy[0] ? "\nconfidence: likely" : "confidence: likely",
			      out);
		fputs("</failure>\n", out);
	}
	/* The checks it explains, as their testcases are named. A warning says
	 * so here, with its fix: it must not fail the job. */
	fputs("      <system-out>", out);
	if (f->status != DSR_FAIL) {
		fputs("warning: ", out);
		put_xml(out, f->summary ? f->summary : "", XML_TEXT);
		if (f->remedy && f->remedy[0]) {
			fputs("\nfix: ", out);
			put_xml(out, f->remedy, XML_TEXT);
		}
		if (f->confidence == DSR_CONFIDENCE_LIKELY)
			fputs("\nconfidence: likely", out);
		fputc('\n', out);
	}
	fputs("explains:", out);
	for (size_t i = 0; i < f->nchecks; i++) {
		const struct dsr_check *c;

		if (f->checks[i] >= run->nchecks)
			continue;
		c = &run->checks[f->checks[i]];
		fputc('\n', out);
		put_classname(out, c);
		fputs(": ", out);
		put_case_name(out, c, XML_TEXT);
	}
	fputs("</system-out>\n    </testcase>\n", out);
}

static void put_findings(FILE *out, const struct dsr_run *run)
{
	if (!run->nfindings)
		return;
	fprintf(out, "  <testsuite name=\"findings\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
		"skipped=\"0\"", run->nfindings, failing_findings(run));
	put_timestamp(out, run->started);
	fputs(">\n", out);
	for (size_t i = 0; i < run->nfindings; i++)
		put_finding(out, run, &run->findings[i]);
	fputs("  </testsuite>\n", out);
}

/* Every field is formatted here from numbers: nothing needs escaping. */
static void put_inventory(FILE *out, const struct dsr_run *run, const struct dsr_inventory *inv)
{
	fprintf(out, "  <testsuite name=\"(addresses)\" tests=\"%zu\" failures=\"0\" errors=\"0\" "
		"skipped=\"0\"", inv->naddresses);
	put_timestamp(out, run->started);
	fputs(">\n", out);
	for (size_t i = 0; i < inv->naddresses; i++) {
		const struct dsr_address *a = &inv->addresses[i];
		char ip[DSR_IPV6_TEXT], vlan[16];

		dsr_address_ip_text(a, ip);
		/* The same address in two VLANs is two testcases: the name says which. */
		dsr_address_vlan_text(a, vlan);
		fprintf(out, "    <testcase name=\"arp.address %s%s%s\" classname=\"dsrcheck.addresses\">\n"
			"      <system-out>%s", ip, vlan[0] ? " vlan " : "", vlan, dsr_addr_state_name(a->state));
		for (size_t k = 0; k < a->nclaims; k++) {
			struct dsr_claim_text t;

			dsr_claim_text(&a->claims[k], &t);
			fprintf(out, "\n%s frames=%lu first=%s (frame %lu) last=%s (frame %lu)", t.mac,
				a->claims[k].frames, t.first, a->claims[k].first_frame, t.last,
				a->claims[k].last_frame);
		}
		fputs("</system-out>\n    </testcase>\n", out);
	}
	fprintf(out, "    <system-out>untracked ARP frames (the table is bounded): %lu of new "
		"addresses, %lu of more than %d MACs for one address</system-out>\n",
		inv->untracked_addr_frames, inv->untracked_mac_frames, DSR_INVENTORY_MACS);
	fputs("  </testsuite>\n", out);
}

static int junit_write(FILE *out, const struct dsr_run *run, const struct dsr_report_options *opts)
{
	/* Counted here from the checks so that totals and testcases always agree. */
	struct dsr_run counted = *run;

	(void)opts;
	dsr_run_count(&counted);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out,
		"<testsuites name=\"dsrcheck\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
		"skipped=\"%zu\" time=\"",
		run->nfindings + run->nchecks + (run->inventory ? run->inventory->naddresses : 0),
		failing_findings(run) + counted.counts.fail, counted.counts.skip);
	put_ms(out, run->duration_ms);
	fputs("\">\n", out);
	put_findings(out, run);
	for (size_t i = 0; i < run->nchecks; i++) {
		bool first = true;

		for (size_t j = 0; j < i && first; j++)
			first = !same(run->checks[j].service, run->checks[i].service);
		if (first)
			put_suite(out, run, run->checks[i].service);
	}
	if (run->inventory)
		put_inventory(out, run, run->inventory);
	fputs("</testsuites>\n", out);
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}

const struct dsr_report_writer dsr_report_junit = {
	.name = "junit",
	.write = junit_write,
};
