/* Monitoring Plugins output (Nagios, Icinga, Naemon, Shinken, Checkmk), for a
 * scheduled check of a DSR deployment or a balancer health check that goes the
 * way client traffic goes. The first line is what the monitoring system shows
 * and alerts on:
 *
 *   DSRCHECK OK - 11 checks passed | PERFDATA
 *   DSRCHECK OK - 9 of 11 checks passed, 2 skipped | PERFDATA
 *   DSRCHECK WARNING - 1 warning: dsr.return web 198.18.0.100:80 via-balancer | PERFDATA
 *   DSRCHECK CRITICAL - 2 of 31 failed: tcp.vip.direct rs1 198.18.0.100:80 refused, ...;
 *     1 warning | PERFDATA   (one line)
 *
 * With findings (src/diagnose.h, as every command sets them) the first line
 * names the first finding instead of the checks, the worst first, and counts
 * the others:
 *
 *   DSRCHECK CRITICAL - 4 of 31 failed: rs1: the application is not bound to
 *     the VIP on ports 80 and 8080 (...), and 1 more finding | PERFDATA
 *
 * The status word is CRITICAL when any check failed, else WARNING when any
 * warned, else OK (skips never raise it); main maps it to the exit status
 * 2/1/0 from the same counts. This writer never says UNKNOWN: that is for a run
 * that could not be done, which has no dsr_run to format. Each item names the
 * check id, its server (else its service), TARGET[:PORT] and the reason; at most
 * MAX_ITEMS are listed, then "and N more", so the line stays within what
 * Nagios keeps of plugin output.
 *
 * PERFDATA on the first line is
 *   checks=N;;;0 failed=N;;;0 warnings=N;;;0 skipped=N;;;0 duration=S.SSSs;;;0 findings=N;;;0
 * The long output that follows has a FINDING line per finding with its summary
 * and a "  fix:" line where it has a remedy, then a line for every failed, then warning, then
 * skipped check with its summary, and a "  fix:" line after it where there is a
 * remedy; then, after a '|', one perfdata
 * item per round-trip time in the evidence (rtt_us), one per line:
 *   rtt_ID[_SERVICE][_SERVER][_PORT]=S.SSSSSSs;;;0
 * Labels keep only [A-Za-z0-9_.-] so they need no quoting and stay stable for
 * the graphing add-ons that file a series under its label.
 *
 * analyze without a deployment adds the capture's addresses: the first line's
 * perfdata gains addresses=N;;;0 and one item per state that is not ok
 * (addresses_changed, addresses_conflict, addresses_flip-flop), and the long
 * output, after the checks, a line per address:
 *   ADDRESS 198.18.0.21 conflict: 02:00:00:00:00:21 1 frame 2026-...Z to 2026-...Z, ...
 * Conflicts and flip-flops fail the run (CRITICAL) as arp.conflict checks.
 *
 * '|' separates text from perfdata, so text from the wire never carries one:
 * it is written \x7c, like every control character, C1 control, bidi override
 * and invalid byte (the escapes of the text report, backslash doubled). */
#include <string.h>

#include "../passive/inventory.h"
#include "../src/diagnose.h"
#include "../src/parse.h"
#include "writers.h"

#define MAX_ITEMS 5

static void put_safe_n(FILE *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = dsr_utf8_decode(p + i, n - i, &cp);
		bool escape = cp == DSR_UTF8_INVALID || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
			      cp == '|' || (cp >= 0x202a && cp <= 0x202e) ||
			      (cp >= 0x2066 && cp <= 0x2069);

		if (cp == '\\')
			fputs("\\\\", out);
		else if (escape)
			for (size_t k = 0; k < len; k++)
				fprintf(out, "\\x%02x", p[i + k]);
		else
			fwrite(p + i, 1, len, out);
		i += len;
	}
}

static void put_safe(FILE *out, const char *s)
{
	if (s)
		put_safe_n(out, s, strlen(s));
}

/* Fixed-size fields of the model need not be terminated. */
#define put_field(out, field) put_safe_n((out), (field), strnlen((field), sizeof(field)))
/* Texts of a check: pointers, bounded by what they may hold. */
#define put_text(out, text, max) put_safe_n((out), (text), strnlen((text), (max)))

/* A perfdata label part: anything outside [A-Za-z0-9_.-] becomes '_'. */
static void put_label_part(FILE *out, const char *s, size_t max)
{
	for (size_t i = 0; s && i < max && s[i]; i++) {
		char ch = s[i];
		bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';

		fputc(keep ? ch : '_', out);
	}
}

static void put_seconds(FILE *out, long long value, long long unit, int digits)
{
	if (value < 0)
		value = 0;
	fprintf(out, "%lld.%0*llds", value / unit, digits, value % unit);
}

/* "tcp.vip.direct rs1 198.18.0.100:80" */
static void put_where(FILE *out, const struct dsr_check *c)
{
	const char *who = c->server ? c->server : c->service;

	put_safe(out, c->id ? c->id : "?");
	if (who) {
		fputc(' ', out);
		put_safe(out, who);
	}
	char where[DSR_CHECK_WHERE_MAX];
	dsr_check_where(c, where);
	if (where[0]) {
		fputc(' ', out);
		put_field(out, where);
	}
}

/* The checks of one status as ", "-separated items, at most MAX_ITEMS. */
static void put_items(FILE *out, const struct dsr_run *run, enum dsr_status status, size_t total)
{
	size_t listed = 0;

	for (size_t i = 0; i < run->nchecks && listed < MAX_ITEMS; i++) {
		const struct dsr_check *c = &run->checks[i];

		if (c->status != status)
			continue;
		fputs(listed++ ? ", " : "", out);
		put_where(out, c);
		if (c->reason) {
			fputc(' ', out);
			put_safe(out, c->reason);
		}
	}
	if (total > listed)
		fprintf(out, ", and %zu more", total - listed);
}

/* What is wrong: the first finding and how many more, or, for a run nobody
 * diagnosed, the checks of that status. */
static void put_what(FILE *out, const struct dsr_run *run, enum dsr_status status, size_t total)
{
	size_t more = run->nfindings ? run->nfindings - 1 : 0;

	if (!run->nfindings) {
		put_items(out, run, status, total);
		return;
	}
	put_safe(out, run->findings[0].summary ? run->findings[0].summary : "?");
	if (more)
		fprintf(out, ", and %zu more finding%s", more, more == 1 ? "" : "s");
}

static void put_status_line(FILE *out, const struct dsr_run *run, const struct dsr_counts *n)
{
	if (n->fail) {
		fprintf(out, "DSRCHECK CRITICAL - %zu of %zu failed: ", n->fail, run->nchecks);
		put_what(out, run, DSR_FAIL, n->fail);
		if (n->warn)
			fprintf(out, "; %zu warning%s", n->warn, n->warn == 1 ? "" : "s");
	} else if (n->warn) {
		fprintf(out, "DSRCHECK WARNING - %zu warning%s: ", n->warn,
			n->warn == 1 ? "" : "s");
		put_what(out, run, DSR_WARN, n->warn);
	} else if (n->skip) {
		fprintf(out, "DSRCHECK OK - %zu of %zu checks passed, %zu skipped", n->pass,
			run->nchecks, n->skip);
	} else {
		fprintf(out, "DSRCHECK OK - %zu checks passed", run->nchecks);
	}
	fprintf(out, " | checks=%zu;;;0 failed=%zu;;;0 warnings=%zu;;;0 skipped=%zu;;;0 duration=",
		run->nchecks, n->fail, n->warn, n->skip);
	put_seconds(out, run->duration_ms, 1000, 3);
	fprintf(out, ";;;0 findings=%zu;;;0", run->nfindings);
	if (run->inventory) {
		fprintf(out, " addresses=%zu;;;0", run->inventory->naddresses);
		for (int s = DSR_ADDR_CHANGED; s <= DSR_ADDR_FLIP_FLOP; s++) {
			fputs(" addresses_", out);
			put_label_part(out, dsr_addr_state_name(s), SIZE_MAX);
			fprintf(out, "=%zu;;;0", run->inventory->nstate[s]);
		}
	}
	fputc('\n', out);
}

/* Every field is formatted here from numbers: nothing needs escaping. */
static void put_inventory(FILE *out, const struct dsr_inventory *inv)
{
	for (size_t i = 0; i < inv->naddresses; i++) {
		const struct dsr_address *a = &inv->addresses[i];
		char ip[DSR_IPV6_TEXT], vlan[16];

		dsr_address_ip_text(a, ip);
		dsr_address_vlan_text(a, vlan);
		fprintf(out, "ADDRESS %s%s%s %s:", ip, vlan[0] ? " vlan " : "", vlan,
			dsr_addr_state_name(a->state));
		for (size_t k = 0; k < a->nclaims; k++) {
			struct dsr_claim_text t;

			dsr_claim_text(&a->claims[k], &t);
			fprintf(out, "%s %s %lu frame%s %s to %s", k ? "," : "", t.mac, a->claims[k].frames,
				a->claims[k].frames == 1 ? "" : "s", t.first, t.last);
		}
		fputc('\n', out);
	}
	if (inv->untracked_addr_frames || inv->untracked_mac_frames)
		fprintf(out, "untracked ARP frames (the table is bounded): %lu of new addresses, %lu of "
			"more than %d MACs for one address\n",
			inv->untracked_addr_frames, inv->untracked_mac_frames, DSR_INVENTORY_MACS);
}

static void put_long(FILE *out, const struct dsr_run *run)
{
	static const struct {
		enum dsr_status status;
		const char *tag;
	} order[] = {{DSR_FAIL, "FAIL"}, {DSR_WARN, "WARN"}, {DSR_SKIP, "SKIP"}};

	for (size_t i = 0; i < run->nfindings; i++) {
		const struct dsr_finding *f = &run->findings[i];

		fprintf(out, "FINDING %s ", f->status == DSR_FAIL ? "FAIL" : "WARN");
		put_safe(out, f->summary ? f->summary : "?");
		fputc('\n', out);
		if (f->remedy && f->remedy[0]) {
			fputs("  fix: ", out);
			put_safe(out, f->remedy);
			fputc('\n', out);
		}
	}
	for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
		for (size_t i = 0; i < run->nchecks; i++) {
			const struct dsr_check *c = &run->checks[i];

			if (c->status != order[k].status)
				continue;
			fprintf(out, "%s ", order[k].tag);
			put_where(out, c);
			if (c->reason || dsr_check_summary_text(c)[0])
				fputc(' ', out);
			put_safe(out, c->reason);
			if (c->reason && dsr_check_summary_text(c)[0])
				fputs(": ", out);
			put_text(out, dsr_check_summary_text(c), DSR_SUMMARY_MAX);
			fputc('\n', out);
			if (c->status != DSR_SKIP && dsr_check_remedy_text(c)[0]) {
				fputs("  fix: ", out);
				put_text(out, dsr_check_remedy_text(c), DSR_REMEDY_MAX);
				fputc('\n', out);
			}
		}
	}
}

/* Round-trip times as perfdata after the long output: Nagios and Icinga take
 * everything after the first '|' past the first line as more perfdata. */
static void put_rtts(FILE *out, const struct dsr_run *run)
{
	bool first = true;

	for (size_t i = 0; i < run->nchecks; i++) {
		const struct dsr_check *c = &run->checks[i];
		if (!c->has_rtt || c->rtt_us < 0)
			continue;
		fputs(first ? "| rtt_" : "rtt_", out);
		first = false;
		put_label_part(out, c->id, SIZE_MAX);
		if (c->service) {
			fputc('_', out);
			put_label_part(out, c->service, SIZE_MAX);
		}
		if (c->server) {
			fputc('_', out);
			put_label_part(out, c->server, SIZE_MAX);
		}
		if (c->port >= 0)
			fprintf(out, "_%d", c->port);
		fputc('=', out);
		put_seconds(out, c->rtt_us, 1000000, 6);
		fputs(";;;0\n", out);
	}
}

static int nagios_write(FILE *out, const struct dsr_run *run, const struct dsr_report_options *opts)
{
	/* Counted here from the checks: the status word and main's exit status
	 * must come from the same numbers. */
	struct dsr_run counted = *run;

	(void)opts;
	dsr_run_count(&counted);
	put_status_line(out, run, &counted.counts);
	put_long(out, run);
	if (run->inventory)
		put_inventory(out, run->inventory);
	put_rtts(out, run);
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}

const struct dsr_report_writer dsr_report_nagios = {
	.name = "nagios",
	.write = nagios_write,
};
