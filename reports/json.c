/* The machine report (schema "dsrcheck/1"), read by monitoring and by the lab's
 * integration tests. Fields may be added, never removed or renamed. Absent values
 * are null, never "" or -1, so consumers need no sentinels.
 *
 * Layout is fixed so that diffs between runs stay small: two-space indentation,
 * one field per line inside a check, and "vantage", "counts" and "evidence" as
 * one-line objects.
 *
 * "findings" comes before "checks": what is broken, one object per finding
 * (src/diagnose.h) with its kind, servers, ports, words, and the (id, server,
 * port) of the checks it explains, which "checks" then details.
 *
 * analyze without a deployment adds "inventory" (addresses per state, and the
 * ARP frames the bounded table could not hold) and "addresses" (each with its
 * state, mac_changes and "macs": mac, frames, first_frame, last_frame,
 * first_seen, last_seen in capture time, RFC 3339 UTC with microseconds). */
#include <string.h>
#include <time.h>

#include "../passive/inventory.h"
#include "../src/diagnose.h"
#include "../src/parse.h"
#include "writers.h"

/* A JSON string from s[0..n). Service and server names come from the user and
 * summaries and evidence carry bytes from the wire: any byte sequence must
 * still give valid JSON, so invalid UTF-8 becomes U+FFFD. */
static void put_string_n(FILE *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	fputc('"', out);
	while (i < n) {
		uint32_t cp;
		size_t len = dsr_utf8_decode(p + i, n - i, &cp);

		switch (cp) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\b':
			fputs("\\b", out);
			break;
		case '\f':
			fputs("\\f", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case DSR_UTF8_INVALID:
			fputs("\\ufffd", out);
			break;
		default:
			/* DEL is legal JSON but escaped anyway: people pipe this to a terminal. */
			if (cp < 0x20 || cp == 0x7f)
				fprintf(out, "\\u%04x", (unsigned)cp);
			else
				fwrite(p + i, 1, len, out);
		}
		i += len;
	}
	fputc('"', out);
}

void dsr_json_string(FILE *out, const char *s)
{
	if (s)
		put_string_n(out, s, strlen(s));
	else
		fputs("null", out);
}

/* Fields of the model, at most max bytes, need not be terminated; "" is absent. */
#define put_text(out, field, max)                                                                  \
	do {                                                                                       \
		size_t len_ = strnlen((field), (max));                                             \
		if (len_)                                                                          \
			put_string_n((out), (field), len_);                                        \
		else                                                                               \
			fputs("null", (out));                                                      \
	} while (0)
#define put_field(out, field) put_text((out), (field), sizeof(field))

static const char *boolean(bool b)
{
	return b ? "true" : "false";
}

/* RFC 3339 in UTC with milliseconds, e.g. "2026-11-24T23:10:00.123Z". */
static void put_time(FILE *out, struct timeval tv)
{
	struct tm tm;
	time_t secs = tv.tv_sec;
	long ms = tv.tv_usec / 1000;
	char buf[64];

	if (ms < 0 || ms > 999)
		ms = 0; /* not a normalised timeval: keep the seconds */
	if (!gmtime_r(&secs, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999 ||
	    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		fputs("null", out);
		return;
	}
	fprintf(out, "\"%s.%03ldZ\"", buf, ms);
}

static void put_evidence(FILE *out, const struct dsr_check *c)
{
	size_t n = c->nevidence < DSR_EVIDENCE_MAX ? c->nevidence : DSR_EVIDENCE_MAX;

	fputc('{', out);
	for (size_t i = 0; i < n; i++) {
		const struct dsr_evidence *e = &c->evidence[i];

		fputs(i ? ", " : "", out);
		put_string_n(out, e->key, strnlen(e->key, DSR_EVIDENCE_KEY)); /* keys are never null */
		fputs(": ", out);
		if (e->type == DSR_EV_INT) {
			fprintf(out, "%lld", e->num);
		} else if (e->type == DSR_EV_LIST) {
			size_t len = strnlen(e->text, DSR_EVIDENCE_TEXT);

			fputc('[', out);
			for (size_t at = 0; at < len;) {
				const char *comma = memchr(e->text + at, ',', len - at);
				size_t item = comma ? (size_t)(comma - (e->text + at)) : len - at;

				fputs(at ? ", " : "", out);
				put_string_n(out, e->text + at, item);
				at += item + 1;
			}
			fputc(']', out);
		} else {
			put_string_n(out, e->text, strnlen(e->text, DSR_EVIDENCE_TEXT));
		}
	}
	fputc('}', out);
}

static void put_check(FILE *out, const struct dsr_check *c)
{
	fputs("    {\n      \"id\": ", out);
	dsr_json_string(out, c->id);
	fputs(",\n      \"service\": ", out);
	dsr_json_string(out, c->service);
	fputs(",\n      \"server\": ", out);
	dsr_json_string(out, c->server);
	fputs(",\n      \"target\": ", out);
	put_field(out, c->target);
	fputs(",\n      \"port\": ", out);
	if (c->port >= 0)
		fprintf(out, "%d", c->port);
	else
		fputs("null", out);
	/* Only tagged: a report of an untagged segment reads as it always did. */
	if (c->vlan)
		fprintf(out, ",\n      \"vlan\": %u", (unsigned)c->vlan);
	fprintf(out, ",\n      \"status\": \"%s\"", dsr_status_name(c->status));
	fputs(",\n      \"reason\": ", out);
	dsr_json_string(out, c->reason);
	fputs(",\n      \"summary\": ", out);
	put_string_n(out, dsr_check_summary_text(c),
		     strnlen(dsr_check_summary_text(c), DSR_SUMMARY_MAX));
	fputs(",\n      \"evidence\": ", out);
	put_evidence(out, c);
	fputs(",\n      \"remedy\": ", out);
	put_text(out, dsr_check_remedy_text(c), DSR_REMEDY_MAX);
	fputs("\n    }", out);
}

/* Text of a finding: absent ("" or NULL) is null, as everywhere else. */
static void put_words(FILE *out, const char *s)
{
	dsr_json_string(out, s && *s ? s : NULL);
}

static void put_finding(FILE *out, const struct dsr_run *run, const struct dsr_finding *f)
{
	size_t n = 0;

	fputs("    {\n      \"kind\": ", out);
	dsr_json_string(out, f->name);
	fprintf(out, ",\n      \"status\": \"%s\"", dsr_status_name(f->status));
	fprintf(out, ",\n      \"confidence\": \"%s\"",
		f->confidence == DSR_CONFIDENCE_LIKELY ? "likely" : "certain");
	fputs(",\n      \"service\": ", out);
	dsr_json_string(out, f->service);
	if (f->vlan)
		fprintf(out, ",\n      \"vlan\": %u", (unsigned)f->vlan);
	fputs(",\n      \"servers\": [", out);
	for (size_t i = 0; i < f->nservers; i++) {
		fputs(i ? ", " : "", out);
		dsr_json_string(out, f->servers[i]);
	}
	fputs("],\n      \"ports\": [", out);
	for (size_t i = 0; i < f->nports; i++)
		fprintf(out, "%s%d", i ? ", " : "", f->ports[i]);
	fputs("],\n      \"summary\": ", out);
	put_words(out, f->summary);
	fputs(",\n      \"remedy\": ", out);
	put_words(out, f->remedy);
	fputs(",\n      \"evidence\": ", out);
	put_words(out, f->evidence);
	fputs(",\n      \"checks\": [", out);
	for (size_t i = 0; i < f->nchecks; i++) {
		const struct dsr_check *c;

		if (f->checks[i] >= run->nchecks)
			continue; /* not this run's: nothing to name */
		c = &run->checks[f->checks[i]];
		fputs(n++ ? ",\n" : "\n", out);
		fputs("        {\"id\": ", out);
		dsr_json_string(out, c->id);
		fputs(", \"server\": ", out);
		dsr_json_string(out, c->server);
		if (c->port >= 0)
			fprintf(out, ", \"port\": %d}", c->port);
		else
			fputs(", \"port\": null}", out);
	}
	fputs(n ? "\n      ]\n    }" : "]\n    }", out);
}

/* "inventory" (counts) and "addresses" (one line per address and segment, its
 * MACs in order of first appearance; "vlan", and "inner_vlan" for QinQ, only
 * on a tagged segment), present only when the run has an inventory. */
static void put_inventory(FILE *out, const struct dsr_inventory *inv)
{
	fprintf(out, ",\n  \"inventory\": {\"addresses\": %zu", inv->naddresses);
	for (int s = DSR_ADDR_OK; s <= DSR_ADDR_FLIP_FLOP; s++)
		fprintf(out, ", \"%s\": %zu", dsr_addr_state_name(s), inv->nstate[s]);
	fprintf(out, ", \"untracked_address_frames\": %lu, \"untracked_mac_frames\": %lu}",
		inv->untracked_addr_frames, inv->untracked_mac_frames);
	fputs(",\n  \"addresses\": [", out);
	for (size_t i = 0; i < inv->naddresses; i++) {
		const struct dsr_address *a = &inv->addresses[i];
		char ip[DSR_IPV6_TEXT];

		dsr_address_ip_text(a, ip);
		fprintf(out, "%s    {\"address\": \"%s\", ", i ? ",\n" : "\n", ip);
		/* Only a tagged row has a VLAN: an untagged capture's rows are as before. */
		if (a->ntags)
			fprintf(out, "\"vlan\": %u, ", (unsigned)a->vlan);
		if (a->ntags > 1)
			fprintf(out, "\"inner_vlan\": %u, ", (unsigned)a->inner_vlan);
		fprintf(out, "\"state\": \"%s\", \"mac_changes\": %u, \"macs\": [",
			dsr_addr_state_name(a->state), a->changes);
		for (size_t k = 0; k < a->nclaims; k++) {
			const struct dsr_claim *c = &a->claims[k];
			struct dsr_claim_text t;

			dsr_claim_text(c, &t);
			fprintf(out, "%s{\"mac\": \"%s\", \"frames\": %lu, \"first_frame\": %lu, "
				"\"last_frame\": %lu, \"first_seen\": ",
				k ? ", " : "", t.mac, c->frames, c->first_frame, c->last_frame);
			dsr_json_string(out, t.first[0] ? t.first : NULL);
			fputs(", \"last_seen\": ", out);
			dsr_json_string(out, t.last[0] ? t.last : NULL);
			fputc('}', out);
		}
		fputs("]}", out);
	}
	fputs(inv->naddresses ? "\n  ]" : "]", out);
}

static int json_write(FILE *out, const struct dsr_run *run, const struct dsr_report_options *opts)
{
	/* Counted here from the checks so that counts and verdict always agree. */
	struct dsr_run counted = *run;
	const struct dsr_vantage *v = &run->vantage;

	(void)opts;
	dsr_run_count(&counted);
	fputs("{\n  \"schema\": \"dsrcheck/1\",\n  \"version\": ", out);
	dsr_json_string(out, run->version);
	fputs(",\n  \"started\": ", out);
	put_time(out, run->started);
	fprintf(out, ",\n  \"duration_ms\": %lld", run->duration_ms);
	fputs(",\n  \"vantage\": {\"interface\": ", out);
	put_field(out, v->ifname);
	fputs(", \"ip\": ", out);
	put_field(out, v->ip);
	fputs(", \"mac\": ", out);
	put_field(out, v->mac);
	fprintf(out, ", \"on_segment\": %s, \"is_balancer\": %s, \"holds_vip\": %s, \"vip_on\": ",
		boolean(v->on_segment), boolean(v->is_balancer), boolean(v->holds_vip));
	if (v->holds_vip)
		put_field(out, v->vip_on);
	else
		fputs("null", out);
	if (v->sub_vlan)
		fprintf(out, ", \"vlan\": %u", (unsigned)v->sub_vlan);
	if (v->ntagged) {
		fputs(", \"tagged\": [", out);
		for (size_t i = 0; i < v->ntagged && i < DSR_VANTAGE_VLANS; i++) {
			fprintf(out, "%s{\"vlan\": %u, \"source\": ", i ? ", " : "", (unsigned)v->tagged[i].vlan);
			put_field(out, v->tagged[i].source);
			fprintf(out, ", \"answers_arp\": %s}", boolean(v->tagged[i].answers_arp));
		}
		fputc(']', out);
	}
	fputc('}', out);
	fprintf(out, ",\n  \"verdict\": \"%s\"", dsr_run_failed(run) ? "fail" : "pass");
	fprintf(out,
		",\n  \"counts\": {\"pass\": %zu, \"fail\": %zu, \"warn\": %zu, \"skip\": %zu}",
		counted.counts.pass, counted.counts.fail, counted.counts.warn, counted.counts.skip);
	fputs(",\n  \"findings\": [", out);
	for (size_t i = 0; i < run->nfindings; i++) {
		fputs(i ? ",\n" : "\n", out);
		put_finding(out, run, &run->findings[i]);
	}
	fputs(run->nfindings ? "\n  ]" : "]", out);
	fputs(",\n  \"checks\": [", out);
	for (size_t i = 0; i < run->nchecks; i++) {
		fputs(i ? ",\n" : "\n", out);
		put_check(out, &run->checks[i]);
	}
	fputs(run->nchecks ? "\n  ]" : "]", out);
	if (run->inventory)
		put_inventory(out, run->inventory);
	fputs("\n}\n", out);
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}

const struct dsr_report_writer dsr_report_json = {
	.name = "json",
	.write = json_write,
};
