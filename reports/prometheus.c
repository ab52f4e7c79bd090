/* Prometheus text exposition format (0.0.4), for node_exporter's textfile
 * collector: a scheduled dsrcheck per segment writes it with --report
 * prometheus:PATH (atomically, so the collector never reads half a file), and a
 * fleet's DSR faults alert like anything else the monitoring system watches.
 *
 * All metrics are gauges (nothing here only goes up), in base units:
 *   dsrcheck_run_ok                      1 when no check failed, else 0: the exit status 0/1
 *   dsrcheck_last_run_timestamp_seconds  when the run started (Unix time, microseconds)
 *   dsrcheck_run_duration_seconds        how long the run took
 *   dsrcheck_checks{status}              checks per status, all four always present
 *   dsrcheck_info{version,interface,ip,mac,on_segment,is_balancer}  1, the vantage point
 *   dsrcheck_findings{kind,server}       findings of the run (src/diagnose.h) per kind
 *                                        and server: a finding about two servers
 *                                        counts for each, one about none under
 *                                        server=""; only kinds and servers with
 *                                        findings have a series (the HELP and TYPE
 *                                        lines are always there); with a vlan
 *                                        label ("20", "" untagged) on every series
 *                                        once a finding is tagged, as below
 *   dsrcheck_check_ok{check,service,server,target,port}  0 when the check failed, else 1
 *                                        (warnings and skips are ok, as in the exit status);
 *                                        it and the two below get a vlan label, as
 *                                        dsrcheck_findings, once a check is tagged
 *   dsrcheck_check_status{check,service,server,target,port,status}  one-hot: a series
 *                                        per status, 1 for the check's own, 0 for the
 *                                        others, so every series exists in every run and
 *                                        `== 1` and changes() work without gaps
 *   dsrcheck_probe_rtt_seconds{check,service,server,target,port}  round trip of the
 *                                        reply behind the check, where evidence has rtt_us
 * analyze without a deployment adds the capture's addresses (passive/inventory.h):
 *   dsrcheck_arp_addresses{state}        addresses per state (ok, changed, conflict,
 *                                        flip-flop), all four always present
 *   dsrcheck_arp_untracked_frames{table} ARP frames the bounded table could not hold
 *                                        (table="address": new addresses, "mac": a MAC
 *                                        beyond the per-address limit)
 *   dsrcheck_arp_claim_frames{address,mac}  ARP frames in which that MAC claimed it
 *   dsrcheck_arp_claim_last_seen_timestamp_seconds{address,mac}  its last claim, in
 *                                        capture time
 *   (both with a vlan label, "20", "100.20" for QinQ, "" untagged, on every series
 *   once the capture holds a tagged address: the same address in two VLANs is two)
 * An address's state is no label, for the reason the reason is none (below);
 * conflicts fail the run as arp.conflict checks.
 * Absent service, server, target or port are "" (a label Prometheus treats as unset).
 * The reason is deliberately no label: a label that changes with the outcome
 * would cut a check's history into pieces; the text and JSON reports say why.
 *
 * One repeated label set makes the collector reject the whole file, so should
 * the model ever hold two checks with the same labels, only the first gets
 * per-check series (dsrcheck_checks and dsrcheck_run_ok still count all).
 *
 * Numbers are written with integer arithmetic: no locale can turn the decimal
 * point into a comma. */
#include <stdlib.h>
#include <string.h>

#include "../platform/os.h"
#include "../passive/inventory.h"
#include "../src/diagnose.h"
#include "../src/parse.h"
#include "writers.h"

/* A label value: the format escapes only backslash, double quote and newline;
 * invalid UTF-8 (which the parser rejects) and other control characters
 * (which have no escape and would garble the file in a terminal) become U+FFFD. */
static void put_label_n(FILE *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = dsr_utf8_decode(p + i, n - i, &cp);

		if (cp == '\\')
			fputs("\\\\", out);
		else if (cp == '"')
			fputs("\\\"", out);
		else if (cp == '\n')
			fputs("\\n", out);
		else if (cp == DSR_UTF8_INVALID || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			fputs("\xef\xbf\xbd", out);
		else
			fwrite(p + i, 1, len, out);
		i += len;
	}
}

static void put_label(FILE *out, const char *name, const char *s, size_t max, bool first)
{
	fprintf(out, "%s%s=\"", first ? "" : ",", name);
	if (s)
		put_label_n(out, s, strnlen(s, max));
	fputc('"', out);
}

static void family(FILE *out, const char *name, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* A decimal fraction of unit (10^digits), e.g. 123 us as 0.000123. */
static void put_fixed(FILE *out, long long value, long long unit, int digits)
{
	unsigned long long v = (unsigned long long)value;

	if (value < 0)
		v = 0ULL - v; /* LLONG_MIN too */

	fprintf(out, "%s%llu.%0*llu", value < 0 ? "-" : "", v / (unsigned long long)unit, digits,
		v % (unsigned long long)unit);
}

/* A vlan label, ",vlan=\"20\"" or ",vlan=\"\"" untagged, when the run has one
 * (vlan >= 0); nothing otherwise. */
static void put_vlan(FILE *out, int vlan)
{
	if (vlan > 0)
		fprintf(out, ",vlan=\"%d\"", vlan);
	else if (vlan == 0)
		fputs(",vlan=\"\"", out);
}

/* The labels that name one check, rendered once: both what is written and
 * what repeated label sets are recognised by (two raw strings may escape to
 * the same text). vlan as for put_vlan. NULL when out of memory. */
static char *check_labels(const struct dsr_check *c, int vlan)
{
	struct dsr_membuf mb;
	FILE *m = dsr_membuf_open(&mb);
	char port[16] = "";

	if (!m)
		return NULL;
	if (c->port >= 0)
		snprintf(port, sizeof port, "%d", c->port);
	put_label(m, "check", c->id, SIZE_MAX, true);
	put_label(m, "service", c->service, SIZE_MAX, false);
	put_label(m, "server", c->server, SIZE_MAX, false);
	put_label(m, "target", c->target, sizeof c->target, false);
	put_label(m, "port", port, sizeof port, false);
	put_vlan(m, vlan);
	if (dsr_membuf_close(&mb) != 0)
		return NULL;
	return mb.buf;
}

static void put_run(FILE *out, const struct dsr_run *run)
{
	static const enum dsr_status statuses[] = {DSR_PASS, DSR_FAIL, DSR_WARN, DSR_SKIP};
	struct dsr_run counted = *run;
	const size_t *count[] = {&counted.counts.pass, &counted.counts.fail, &counted.counts.warn,
				 &counted.counts.skip};
	const struct dsr_vantage *v = &run->vantage;
	long usec = run->started.tv_usec;

	/* Counted here from the checks so that counts and verdict always agree. */
	dsr_run_count(&counted);
	family(out, "dsrcheck_run_ok",
	       "1 when no check of the last run failed (exit status 0), 0 otherwise.");
	fprintf(out, "dsrcheck_run_ok %d\n", dsr_run_failed(run) ? 0 : 1);
	family(out, "dsrcheck_last_run_timestamp_seconds",
	       "When the last run started, in seconds since the Unix epoch.");
	if (usec < 0 || usec > 999999)
		usec = 0; /* not a normalised timeval: keep the seconds */
	fprintf(out, "dsrcheck_last_run_timestamp_seconds %lld.%06ld\n",
		(long long)run->started.tv_sec, usec);
	family(out, "dsrcheck_run_duration_seconds", "How long the last run took.");
	fputs("dsrcheck_run_duration_seconds ", out);
	put_fixed(out, run->duration_ms, 1000, 3);
	fputc('\n', out);
	family(out, "dsrcheck_checks",
	       "Checks of the last run by status (pass, fail, warn, skip).");
	for (size_t s = 0; s < 4; s++)
		fprintf(out, "dsrcheck_checks{status=\"%s\"} %zu\n", dsr_status_name(statuses[s]),
			*count[s]);
	family(out, "dsrcheck_info",
	       "Always 1: the dsrcheck version and the vantage point of the last run.");
	fputs("dsrcheck_info{", out);
	put_label(out, "version", run->version, SIZE_MAX, true);
	put_label(out, "interface", v->ifname, sizeof v->ifname, false);
	put_label(out, "ip", v->ip, sizeof v->ip, false);
	put_label(out, "mac", v->mac, sizeof v->mac, false);
	put_label(out, "on_segment", v->on_segment ? "true" : "false", SIZE_MAX, false);
	put_label(out, "is_balancer", v->is_balancer ? "true" : "false", SIZE_MAX, false);
	fputs("} 1\n", out);
}

static void put_checks(FILE *out, const struct dsr_run *run, char *const *labels,
		       const bool *repeat)
{
	static const enum dsr_status statuses[] = {DSR_PASS, DSR_FAIL, DSR_WARN, DSR_SKIP};

	family(out, "dsrcheck_check_ok",
	       "0 when the check failed in the last run, 1 when it passed, warned or was skipped.");
	for (size_t i = 0; i < run->nchecks; i++)
		if (!repeat[i])
			fprintf(out, "dsrcheck_check_ok{%s} %d\n", labels[i],
				run->checks[i].status != DSR_FAIL);
	family(out, "dsrcheck_check_status",
	       "The check's status in the last run: 1 for its own status, 0 for the other three.");
	for (size_t i = 0; i < run->nchecks; i++)
		for (size_t s = 0; s < 4 && !repeat[i]; s++)
			fprintf(out, "dsrcheck_check_status{%s,status=\"%s\"} %d\n", labels[i],
				dsr_status_name(statuses[s]), run->checks[i].status == statuses[s]);
	family(out, "dsrcheck_probe_rtt_seconds",
	       "Round-trip time of the reply a check was judged on, where it had one.");
	for (size_t i = 0; i < run->nchecks; i++) {
		const struct dsr_check *c = &run->checks[i];

		if (repeat[i] || !c->has_rtt || c->rtt_us < 0)
			continue;
		fprintf(out, "dsrcheck_probe_rtt_seconds{%s} ", labels[i]);
		put_fixed(out, c->rtt_us, 1000000, 6);
		fputc('\n', out);
	}
}

/* One series of dsrcheck_findings: its labels, rendered, and its count. */
struct finding_series {
	char *labels;
	size_t n;
};

/* Counts the finding under kind, server and, when tagged (vlan >= 0), VLAN
 * into series (at most cap), by rendered labels: two names that escape alike
 * are one series, as the collector would see them. Returns -1 when out of
 * memory. */
static int count_finding(struct finding_series *series, size_t *nseries, const char *kind,
			 const char *server, int vlan)
{
	struct dsr_membuf mb;
	FILE *m = dsr_membuf_open(&mb);

	if (!m)
		return -1;
	put_label(m, "kind", kind, SIZE_MAX, true);
	put_label(m, "server", server, SIZE_MAX, false);
	put_vlan(m, vlan);
	if (dsr_membuf_close(&mb) != 0)
		return -1;
	for (size_t i = 0; i < *nseries; i++)
		if (strcmp(series[i].labels, mb.buf) == 0) {
			series[i].n++;
			free(mb.buf);
			return 0;
		}
	series[(*nseries)++] = (struct finding_series){mb.buf, 1};
	return 0;
}

static int put_findings(FILE *out, const struct dsr_run *run)
{
	size_t cap = 0, nseries = 0;
	struct finding_series *series;
	bool tagged = false;
	int rc = 0;

	/* The same kind of finding about nobody in two VLANs (two services, or
	 * one address in two segments) is two things broken: one series would add
	 * them up. Untagged runs keep the labels they always had. */
	for (size_t i = 0; i < run->nfindings; i++) {
		cap += run->findings[i].nservers ? run->findings[i].nservers : 1;
		tagged = tagged || run->findings[i].vlan;
	}
	series = calloc(cap ? cap : 1, sizeof *series);
	if (!series)
		return -1;
	for (size_t i = 0; i < run->nfindings && rc == 0; i++) {
		const struct dsr_finding *f = &run->findings[i];
		int vlan = tagged ? (int)f->vlan : -1;

		if (!f->nservers)
			rc = count_finding(series, &nseries, f->name, "", vlan);
		for (size_t k = 0; k < f->nservers && rc == 0; k++)
			rc = count_finding(series, &nseries, f->name, f->servers[k], vlan);
	}
	if (rc == 0) {
		family(out, "dsrcheck_findings",
		       "Findings of the last run (one per broken thing) by kind and server.");
		for (size_t i = 0; i < nseries; i++)
			fprintf(out, "dsrcheck_findings{%s} %zu\n", series[i].labels, series[i].n);
	}
	for (size_t i = 0; i < nseries; i++)
		free(series[i].labels);
	free(series);
	return rc;
}

/* Every label here is formatted from numbers: nothing needs escaping. */
static void put_inventory(FILE *out, const struct dsr_inventory *inv)
{
	family(out, "dsrcheck_arp_addresses",
	       "Addresses ARP showed in the capture, by what their claims add up to.");
	for (int s = DSR_ADDR_OK; s <= DSR_ADDR_FLIP_FLOP; s++)
		fprintf(out, "dsrcheck_arp_addresses{state=\"%s\"} %zu\n", dsr_addr_state_name(s),
			inv->nstate[s]);
	family(out, "dsrcheck_arp_untracked_frames",
	       "ARP frames the bounded address table could not hold.");
	fprintf(out, "dsrcheck_arp_untracked_frames{table=\"address\"} %lu\n", inv->untracked_addr_frames);
	fprintf(out, "dsrcheck_arp_untracked_frames{table=\"mac\"} %lu\n", inv->untracked_mac_frames);
	family(out, "dsrcheck_arp_claim_frames", "ARP frames in which the MAC claimed the address.");
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			family(out, "dsrcheck_arp_claim_last_seen_timestamp_seconds",
			       "When the MAC last claimed the address, in capture time.");
		for (size_t i = 0; i < inv->naddresses; i++) {
			const struct dsr_address *a = &inv->addresses[i];
			char ip[DSR_IPV6_TEXT], mac[18], vlan[16];

			dsr_address_ip_text(a, ip);
			dsr_address_vlan_text(a, vlan);
			for (size_t k = 0; k < a->nclaims; k++) {
				const struct dsr_claim *c = &a->claims[k];
				long usec = c->last_seen.tv_usec;

				dsr_format_mac(c->mac, mac);
				fprintf(out, "%s{address=\"%s\",mac=\"%s\"",
					pass ? "dsrcheck_arp_claim_last_seen_timestamp_seconds"
					     : "dsrcheck_arp_claim_frames",
					ip, mac);
				/* Every series of the family has the label once any row is
				 * tagged ("" untagged), none when none is. */
				if (inv->ntagged)
					fprintf(out, ",vlan=\"%s\"", vlan);
				fputs("} ", out);
				if (!pass) {
					fprintf(out, "%lu\n", c->frames);
					continue;
				}
				if (usec < 0 || usec > 999999)
					usec = 0;
				fprintf(out, "%lld.%06ld\n", (long long)c->last_seen.tv_sec, usec);
			}
		}
	}
}

static int prometheus_write(FILE *out, const struct dsr_run *run,
			    const struct dsr_report_options *opts)
{
	char **labels = calloc(run->nchecks ? run->nchecks : 1, sizeof *labels);
	bool *repeat = calloc(run->nchecks ? run->nchecks : 1, sizeof *repeat);
	bool tagged = false;
	int rc = -1;

	(void)opts;
	if (!labels || !repeat)
		goto done;
	/* As for findings: the same check of the same address in two VLANs (an
	 * analyze of a trunk) is two series, not one repeated label set. */
	for (size_t i = 0; i < run->nchecks; i++)
		tagged = tagged || run->checks[i].vlan;
	for (size_t i = 0; i < run->nchecks; i++) {
		labels[i] = check_labels(&run->checks[i], tagged ? (int)run->checks[i].vlan : -1);
		if (!labels[i])
			goto done;
		/* O(n^2) over at most a few thousand checks, once per run. */
		for (size_t j = 0; j < i && !repeat[i]; j++)
			repeat[i] = strcmp(labels[i], labels[j]) == 0;
	}
	put_run(out, run);
	if (put_findings(out, run) < 0)
		goto done;
	put_checks(out, run, labels, repeat);
	if (run->inventory)
		put_inventory(out, run->inventory);
	if (fflush(out) == 0 && !ferror(out))
		rc = 0;
done:
	if (labels)
		for (size_t i = 0; i < run->nchecks; i++)
			free(labels[i]);
	free(labels);
	free(repeat);
	return rc;
}

const struct dsr_report_writer dsr_report_prometheus = {
	.name = "prometheus",
	.write = prometheus_write,
};
