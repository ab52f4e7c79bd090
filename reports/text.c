/* The human report: what an operator reads on a terminal after a change to the
 * balancer or a real server. Grouped by service, then by server, because a DSR
 * fault is usually one server misconfigured (its loopback answering ARP for the
 * VIP, its service not bound to the VIP) and should stand out as such.
 *
 * The last line is a contract for scripts and is exactly one of
 *   dsrcheck: PASS (N checks)
 *   dsrcheck: FAIL (K of N failed)
 * optionally followed, inside the parentheses, by ", W warning(s)" and then
 * ", S skipped" when there are any, e.g. "dsrcheck: PASS (12 checks, 1 warning,
 * 2 skipped)". "checks" stays plural even for one so that a pattern on
 * "(N checks" always matches. It is never coloured. */
#include <string.h>

#include "../passive/inventory.h"
#include "../src/parse.h"
#include "writers.h"

#define COL_ID 16 /* "icmp.vip.direct" plus a space; wider when a run has longer ids */
#define COL_TARGET 21 /* "255.255.255.255:65535" */

/* Writes s[0..n) so that it cannot drive the terminal: C0 controls, DEL, C1
 * controls (as UTF-8 or as raw bytes, which some terminals take for CSI), bidi
 * overrides that could make a FAIL read as something else, and invalid UTF-8 are
 * written as \xNN; a backslash is doubled so the escapes stay unambiguous.
 * Returns the bytes written, for alignment. */
static size_t put_safe_n(FILE *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, written = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = dsr_utf8_decode(p + i, n - i, &cp);
		bool escape = cp == DSR_UTF8_INVALID || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
			      (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);

		if (cp == '\\') {
			fputs("\\\\", out);
			written += 2;
		} else if (escape) {
			for (size_t k = 0; k < len; k++)
				fprintf(out, "\\x%02x", p[i + k]);
			written += 4 * len;
		} else {
			fwrite(p + i, 1, len, out);
			written += len;
		}
		i += len;
	}
	return written;
}

static size_t put_safe(FILE *out, const char *s)
{
	return put_safe_n(out, s, strlen(s));
}

/* Fixed-size fields of the model need not be terminated. */
#define put_field(out, field) put_safe_n((out), (field), strnlen((field), sizeof(field)))
/* Texts of a check: pointers, bounded by what they may hold. */
#define put_text(out, text, max) put_safe_n((out), (text), strnlen((text), (max)))

static void pad(FILE *out, size_t have, size_t want)
{
	while (have++ < want)
		fputc(' ', out);
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool in_group(const struct dsr_check *c, const char *service, const char *server)
{
	return same(c->service, service) && same(c->server, server);
}

static const char *tag(enum dsr_status status, bool color, const char **on)
{
	switch (status) {
	case DSR_PASS:
		*on = color ? "\033[32m" : "";
		return "[PASS]";
	case DSR_FAIL:
		*on = color ? "\033[31m" : "";
		return "[FAIL]";
	case DSR_WARN:
		*on = color ? "\033[33m" : "";
		return "[WARN]";
	case DSR_SKIP:
		*on = color ? "\033[2m" : "";
		return "[SKIP]";
	}
	*on = "";
	return "[????]";
}

static void put_evidence(FILE *out, const struct dsr_check *c, int indent)
{
	size_t n = c->nevidence < DSR_EVIDENCE_MAX ? c->nevidence : DSR_EVIDENCE_MAX;

	for (size_t i = 0; i < n; i++) {
		const struct dsr_evidence *e = &c->evidence[i];

		fprintf(out, "%*s", indent, "");
		put_text(out, e->key, DSR_EVIDENCE_KEY);
		fputc('=', out);
		if (e->type == DSR_EV_INT)
			fprintf(out, "%lld", e->num);
		else
			put_text(out, e->text, DSR_EVIDENCE_TEXT);
		fputc('\n', out);
	}
}

static void put_check(FILE *out, const struct dsr_check *c, int indent, size_t id_col,
		      const struct dsr_report_options *opts)
{
	const char *on;
	const char *t = tag(c->status, opts->color, &on);
	bool detail = c->status != DSR_PASS;
	bool where = c->target[0] || c->port >= 0;
	size_t w;

	fprintf(out, "%*s%s%s%s ", indent, "", on, t, *on ? "\033[0m" : "");
	w = put_safe(out, c->id ? c->id : "?");
	/* Columns only when something follows: no trailing blanks. */
	if (where || detail) {
		pad(out, w, id_col - 1);
		fputc(' ', out);
	}
	w = 0;
	if (where) {
		w = put_field(out, c->target);
		if (c->port >= 0)
			w += (size_t)fprintf(out, c->target[0] ? ":%d" : "port %d", c->port);
	}
	if (detail) {
		pad(out, w, COL_TARGET);
		fputc(' ', out);
		if (c->reason)
			put_safe(out, c->reason);
		if (c->reason && dsr_check_summary_text(c)[0])
			fputs(": ", out);
		put_text(out, dsr_check_summary_text(c), DSR_SUMMARY_MAX);
	}
	fputc('\n', out);
	/* The remedy is what the operator came for when something is wrong. */
	if ((c->status == DSR_FAIL || c->status == DSR_WARN) && dsr_check_remedy_text(c)[0]) {
		fprintf(out, "%*sfix: ", indent + 7, "");
		put_text(out, dsr_check_remedy_text(c), DSR_REMEDY_MAX);
		fputc('\n', out);
	}
	if (detail || opts->verbose > 0)
		put_evidence(out, c, indent + 7);
}

/* Service-level checks first, then each server's, each in the order given.
 * The model promises that order already; regrouping here (O(n^2), n is small)
 * keeps the report readable even if a caller appends a check late. */
/* One column for every id of the run, so that targets line up. */
static size_t id_column(const struct dsr_run *run)
{
	size_t col = COL_ID;

	for (size_t i = 0; i < run->nchecks; i++)
		if (run->checks[i].id && strlen(run->checks[i].id) + 1 > col)
			col = strlen(run->checks[i].id) + 1;
	return col;
}

static void put_service(FILE *out, const struct dsr_run *run, const char *service, size_t id_col,
			const struct dsr_report_options *opts)
{
	const struct dsr_check *checks = run->checks;

	if (service) {
		fputs("service ", out);
		put_safe(out, service);
		fputc('\n', out);
	} else {
		fputs("(no service)\n", out);
	}
	for (size_t i = 0; i < run->nchecks; i++)
		if (in_group(&checks[i], service, NULL))
			put_check(out, &checks[i], 2, id_col, opts);
	for (size_t i = 0; i < run->nchecks; i++) {
		const char *server = checks[i].server;
		bool first = true;

		if (!server || !same(checks[i].service, service))
			continue;
		for (size_t j = 0; j < i && first; j++)
			first = !in_group(&checks[j], service, server);
		if (!first)
			continue;
		fputs("  server ", out);
		put_safe(out, server);
		fputc('\n', out);
		for (size_t j = i; j < run->nchecks; j++)
			if (in_group(&checks[j], service, server))
				put_check(out, &checks[j], 4, id_col, opts);
	}
}

static void put_vantage(FILE *out, const struct dsr_vantage *v)
{
	if (v->inside_server) {
		/* dsrcheck local: no interface or MAC speaks for the run, only what was read */
		fputs("vantage: inside the server (", out);
		if (!put_field(out, v->ifname))
			fputc('-', out);
		fputs("), VIP ", out);
		if (!put_field(out, v->ip))
			fputc('-', out);
		fputc('\n', out);
		return;
	}
	fputs("vantage: ", out);
	if (!put_field(out, v->ifname))
		fputc('-', out);
	fputc(' ', out);
	if (!put_field(out, v->ip))
		fputc('-', out);
	fputc(' ', out);
	if (!put_field(out, v->mac))
		fputc('-', out);
	fprintf(out, ", %s the servers' segment, %s the balancer",
		v->on_segment ? "on" : "not on", v->is_balancer ? "on" : "not");
	if (v->holds_vip) {
		fputs(", holding the VIP on ", out);
		put_field(out, v->vip_on);
	} else if (v->is_balancer) {
		fputs(", not holding the VIP (a backup)", out);
	}
	fputc('\n', out);
}

/* analyze without a deployment: arpwatch's table, one line per MAC, the
 * address and its state on the first line of each address. Every field is
 * formatted here from numbers, so nothing needs escaping. */
static void put_inventory(FILE *out, const struct dsr_inventory *inv)
{
	fprintf(out, "\naddresses: %zu in the capture", inv->naddresses);
	for (int s = DSR_ADDR_FLIP_FLOP; s > DSR_ADDR_OK; s--)
		if (inv->nstate[s])
			fprintf(out, ", %zu %s", inv->nstate[s], dsr_addr_state_name(s));
	fputc('\n', out);
	if (inv->naddresses)
		fprintf(out, "  %-15s  %-9s  %-17s  %6s  %-27s %-9s  %-27s %s\n", "address", "state",
			"mac", "frames", "first seen", "(frame)", "last seen", "(frame)");
	for (size_t i = 0; i < inv->naddresses; i++) {
		const struct dsr_address *a = &inv->addresses[i];
		char ip[16];

		dsr_format_ipv4(a->ip, ip);
		for (size_t k = 0; k < a->nclaims; k++) {
			const struct dsr_claim *c = &a->claims[k];
			struct dsr_claim_text t;

			dsr_claim_text(c, &t);
			fprintf(out, "  %-15s  %-9s  %s  %6lu  %-27s (%lu)", k ? "" : ip,
				k ? "" : dsr_addr_state_name(a->state), t.mac, c->frames, t.first,
				c->first_frame);
			pad(out, (size_t)snprintf(NULL, 0, "(%lu)", c->first_frame), 9);
			fprintf(out, "  %-27s (%lu)\n", t.last, c->last_frame);
		}
	}
	if (inv->untracked_addr_frames || inv->untracked_mac_frames)
		fprintf(out, "  not tracked (the tables are bounded): %lu ARP frame%s of new addresses, "
			"%lu of more than %d MACs for one address\n",
			inv->untracked_addr_frames, inv->untracked_addr_frames == 1 ? "" : "s",
			inv->untracked_mac_frames, DSR_INVENTORY_MACS);
}

static int text_write(FILE *out, const struct dsr_run *run, const struct dsr_report_options *opts)
{
	/* Counted here from the checks so the last line always agrees with them. */
	struct dsr_run counted = *run;
	const struct dsr_counts *n = &counted.counts;

	dsr_run_count(&counted);
	put_vantage(out, &run->vantage);
	for (size_t i = 0; i < run->nchecks; i++) {
		bool first = true;

		for (size_t j = 0; j < i && first; j++)
			if (same(run->checks[j].service, run->checks[i].service))
				first = false;
		if (first) {
			fputc('\n', out);
			put_service(out, run, run->checks[i].service, id_column(run), opts);
		}
	}
	if (run->inventory)
		put_inventory(out, run->inventory);
	fputc('\n', out);
	if (n->fail)
		fprintf(out, "dsrcheck: FAIL (%zu of %zu failed", n->fail, run->nchecks);
	else
		fprintf(out, "dsrcheck: PASS (%zu checks", run->nchecks);
	if (n->warn)
		fprintf(out, ", %zu warning%s", n->warn, n->warn == 1 ? "" : "s");
	if (n->skip)
		fprintf(out, ", %zu skipped", n->skip);
	fputs(")\n", out);
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}

const struct dsr_report_writer dsr_report_text = {
	.name = "text",
	.write = text_write,
};
