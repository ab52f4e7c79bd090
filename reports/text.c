/* The human report: what an operator reads on a terminal after a change to the
 * balancer or a real server. Grouped by service, then by server, because a DSR
 * fault is usually one server misconfigured (its loopback answering ARP for the
 * VIP, its service not bound to the VIP) and should stand out as such.
 *
 * It leads with the findings (src/diagnose.h: one per broken thing, with its
 * fix), then a matrix of servers x checks, one symbol each, so that the
 * operator sees what is broken and where before any detail; then one line per
 * check that did not pass. -v writes every check with its evidence and the
 * check's own fix instead.
 *
 * The last line is a contract for scripts and is exactly one of
 *   dsrcheck: PASS (N checks)
 *   dsrcheck: FAIL (K of N failed)
 * optionally followed, inside the parentheses, by ", W warning(s)" and then
 * ", S skipped" when there are any, e.g. "dsrcheck: PASS (12 checks, 1 warning,
 * 2 skipped)". "checks" stays plural even for one so that a pattern on
 * "(N checks" always matches. It is never coloured. */
#include <string.h>

#include <stdlib.h>

#include "../passive/inventory.h"
#include "../src/diagnose.h"
#include "../src/parse.h"
#include "writers.h"

#define COL_ID 16 /* "icmp.vip.direct" plus a space; wider when a run has longer ids */
#define COL_TARGET 21 /* "255.255.255.255:65535" */

/* Writes s[0..n) so that it cannot drive the terminal: C0 controls, DEL, C1
 * controls (as UTF-8 or as raw bytes, which some terminals take for CSI), bidi
 * overrides that could make a FAIL read as something else, and invalid UTF-8 are
 * written as \xNN; a backslash is doubled so the escapes stay unambiguous.
 * Returns the bytes written, for alignment; out NULL only measures them. */
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
			if (out)
				fputs("\\\\", out);
			written += 2;
		} else if (escape) {
			for (size_t k = 0; out && k < len; k++)
				fprintf(out, "\\x%02x", p[i + k]);
			written += 4 * len;
		} else {
			if (out)
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

/* Without -v a check is one line, and only when it did not pass: the findings
 * above carry the fixes and the matrix the passes. */
static bool shown(const struct dsr_check *c, const struct dsr_report_options *opts)
{
	return opts->verbose > 0 || c->status != DSR_PASS;
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
		char where_text[DSR_CHECK_WHERE_MAX];
		dsr_check_where(c, where_text);
		w = put_field(out, where_text);
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
	if (opts->verbose <= 0)
		return;
	if ((c->status == DSR_FAIL || c->status == DSR_WARN) && dsr_check_remedy_text(c)[0]) {
		fprintf(out, "%*sfix: ", indent + 7, "");
		put_text(out, dsr_check_remedy_text(c), DSR_REMEDY_MAX);
		fputc('\n', out);
	}
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

static bool group_shown(const struct dsr_run *run, const char *service, const char *server,
			bool any_server, const struct dsr_report_options *opts)
{
	for (size_t i = 0; i < run->nchecks; i++) {
		const struct dsr_check *c = &run->checks[i];

		if (same(c->service, service) && (any_server || same(c->server, server)) &&
		    shown(c, opts))
			return true;
	}
	return false;
}

static void put_service(FILE *out, const struct dsr_run *run, const char *service, size_t id_col,
			const struct dsr_report_options *opts)
{
	const struct dsr_check *checks = run->checks;

	if (!group_shown(run, service, NULL, true, opts))
		return;
	fputc('\n', out);
	if (service) {
		fputs("service ", out);
		put_safe(out, service);
		/* Its checks share one segment: said once, above them. */
		for (size_t i = 0; i < run->nchecks; i++)
			if (same(checks[i].service, service) && checks[i].vlan) {
				fprintf(out, " (VLAN %u)", (unsigned)checks[i].vlan);
				break;
			}
		fputc('\n', out);
	} else {
		fputs("(no service)\n", out);
	}
	for (size_t i = 0; i < run->nchecks; i++)
		if (in_group(&checks[i], service, NULL) && shown(&checks[i], opts))
			put_check(out, &checks[i], 2, id_col, opts);
	for (size_t i = 0; i < run->nchecks; i++) {
		const char *server = checks[i].server;
		bool first = true;

		if (!server || !same(checks[i].service, service))
			continue;
		for (size_t j = 0; j < i && first; j++)
			first = !in_group(&checks[j], service, server);
		if (!first || !group_shown(run, service, server, false, opts))
			continue;
		fputs("  server ", out);
		put_safe(out, server);
		fputc('\n', out);
		for (size_t j = i; j < run->nchecks; j++)
			if (in_group(&checks[j], service, server) && shown(&checks[j], opts))
				put_check(out, &checks[j], 4, id_col, opts);
	}
}

/* label and s on a line of their own; nothing when s is absent or empty. */
static void put_line(FILE *out, const char *label, const char *s)
{
	if (!s || !s[0])
		return;
	fputs(label, out);
	put_safe(out, s);
	fputc('\n', out);
}

/* The findings, worst first, each with its fix: what the operator came for. */
static void put_findings(FILE *out, const struct dsr_run *run, const struct dsr_counts *n,
			 const struct dsr_report_options *opts)
{
	if (!run->nfindings) {
		/* Failures no diagnosis saw (a caller that did not diagnose) are
		 * not "none": the checks below still show them. */
		if (!n->fail && !n->warn && run->nchecks)
			fputs("\nfindings: none\n", out);
		return;
	}
	fputs("\nfindings:\n", out);
	for (size_t i = 0; i < run->nfindings; i++) {
		const struct dsr_finding *f = &run->findings[i];
		const char *on;
		const char *t = tag(f->status, opts->color, &on);

		fprintf(out, "  %s%s%s ", on, t, *on ? "\033[0m" : "");
		char vlan[24];
		fputs(dsr_finding_vlan_prefix(f, vlan, sizeof(vlan)), out);
		put_line(out, "", f->summary && f->summary[0] ? f->summary : "?");
		put_line(out, "         fix: ", f->remedy);
		if (f->confidence == DSR_CONFIDENCE_LIKELY)
			put_line(out, "         confidence: ",
				 "likely (the rule infers it from what the checks saw)");
		if (opts->verbose > 0)
			put_line(out, "         seen: ", f->evidence);
	}
}

/* The servers x checks matrix of one service: a row per server (the
 * service's own checks first, on a row of their own), a column per check id
 * and port, one symbol per cell, the worst when several checks share it. */
struct matrix {
	const struct dsr_check **cols; /* the first check of each column */
	const char **rows;            /* servers; NULL is the service's own row */
	unsigned char *cells;          /* rows x cols: 0 not run, else severity */
	size_t ncols, nrows, cap;      /* cap: rows and columns at most (the checks) */
};

static const char symbols[] = " .-!X"; /* not run, pass, skip, warn, fail */

static unsigned char severity(enum dsr_status status)
{
	switch (status) {
	case DSR_PASS:
		return 1;
	case DSR_SKIP:
		return 2;
	case DSR_WARN:
		return 3;
	case DSR_FAIL:
		return 4;
	}
	return 4;
}

static size_t matrix_col(struct matrix *m, const struct dsr_check *c)
{
	for (size_t k = 0; k < m->ncols; k++)
		if (same(m->cols[k]->id, c->id) && m->cols[k]->port == c->port)
			return k;
	m->cols[m->ncols] = c;
	return m->ncols++;
}

static size_t matrix_row(struct matrix *m, const char *server)
{
	/* Checks come grouped by server: the last row first. */
	for (size_t k = m->nrows; k-- > 0;)
		if (same(m->rows[k], server))
			return k;
	m->rows[m->nrows] = server;
	return m->nrows++;
}

static int matrix_fill(struct matrix *m, const struct dsr_run *run, const char *service)
{
	size_t n = 0;

	for (size_t i = 0; i < run->nchecks; i++)
		n += same(run->checks[i].service, service);
	m->cap = n;
	m->cols = calloc(n, sizeof(*m->cols));
	m->rows = calloc(n, sizeof(*m->rows));
	m->cells = n ? calloc(n, n) : NULL;
	if (!m->cols || !m->rows || (n && !m->cells))
		return -1;
	/* Two passes: the service's own checks lead, rows and columns alike. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < run->nchecks; i++) {
			const struct dsr_check *c = &run->checks[i];
			size_t col, row;
			unsigned char *cell;

			if (!same(c->service, service) || (c->server != NULL) != (pass == 1))
				continue;
			col = matrix_col(m, c);
			row = matrix_row(m, c->server);
			cell = &m->cells[row * m->cap + col];
			if (severity(c->status) > *cell)
				*cell = severity(c->status);
		}
	return 0;
}

static void matrix_free(struct matrix *m)
{
	free(m->cols);
	free(m->rows);
	free(m->cells);
}

static size_t digits(size_t n)
{
	size_t d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

static const char *row_label(const struct matrix *m, size_t row, const char *service)
{
	if (m->rows[row])
		return m->rows[row];
	return service ? "(service)" : "(no server)";
}

static void put_matrix_service(FILE *out, const struct dsr_run *run, const char *service,
			       const struct dsr_report_options *opts)
{
	struct matrix m = {0};
	size_t label = 0, w, at;

	if (matrix_fill(&m, run, service) < 0) {
		fputs("  (no matrix: out of memory)\n", out);
		matrix_free(&m);
		return;
	}
	w = digits(m.ncols);
	/* Wide enough for every label, and at least a tab stop and a half. */
	label = service ? 8 + put_safe(NULL, service) : 12;
	if (label < 14)
		label = 14;
	for (size_t r = 0; r < m.nrows; r++) {
		size_t l = 2 + put_safe(NULL, row_label(&m, r, service));

		if (l > label)
			label = l;
	}
	/* The header: the service, then the column numbers. */
	if (service) {
		fputs("service ", out);
		put_safe(out, service);
	} else {
		fputs("(no service)", out);
	}
	pad(out, service ? 8 + put_safe(NULL, service) : 12, label);
	for (size_t k = 0; k < m.ncols; k++)
		fprintf(out, " %*zu", (int)w, k + 1);
	fputc('\n', out);
	for (size_t r = 0; r < m.nrows; r++) {
		size_t used = 0;

		fputs("  ", out);
		pad(out, put_safe(out, row_label(&m, r, service)) + 2, label);
		/* No trailing blanks: stop after the last check the row ran. */
		for (size_t k = 0; k < m.ncols; k++)
			if (m.cells[r * m.cap + k])
				used = k + 1;
		for (size_t k = 0; k < used; k++) {
			unsigned char v = m.cells[r * m.cap + k];
			const char *on = "";

			if (opts->color && v == 4)
				on = "\033[31m";
			else if (opts->color && v == 3)
				on = "\033[33m";
			fprintf(out, " %*s%s%c%s", (int)w - 1, "", on, symbols[v], *on ? "\033[0m" : "");
		}
		fputc('\n', out);
	}
	/* The key: what each column is, wrapped short of 100 columns. */
	at = 0;
	for (size_t k = 0; k < m.ncols; k++) {
		const struct dsr_check *c = m.cols[k];
		size_t len = digits(k + 1) + 1 + put_safe(NULL, c->id ? c->id : "?") +
			     (c->port >= 0 ? 1 + digits((size_t)c->port) : 0);

		if (at && at + 2 + len > 100) {
			fputc('\n', out);
			at = 0;
		}
		fputs(at ? "  " : "    ", out);
		at += at ? 2 : 4;
		fprintf(out, "%zu ", k + 1);
		put_safe(out, c->id ? c->id : "?");
		if (c->port >= 0)
			fprintf(out, ":%d", c->port);
		at += len;
	}
	if (at)
		fputc('\n', out);
	matrix_free(&m);
}

static void put_matrix(FILE *out, const struct dsr_run *run, const struct dsr_report_options *opts)
{
	if (!run->nchecks)
		return;
	fputs("\nmatrix: . pass, X fail, ! warn, - skipped, blank not run\n", out);
	for (size_t i = 0; i < run->nchecks; i++) {
		bool first = true;

		for (size_t j = 0; j < i && first; j++)
			first = !same(run->checks[j].service, run->checks[i].service);
		if (first)
			put_matrix_service(out, run, run->checks[i].service, opts);
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
	char vlans[DSR_VANTAGE_VLANS_TEXT];
	dsr_vantage_vlans_text(v, vlans, sizeof(vlans));
	fputs(vlans, out);
	fputc('\n', out);
}

/* analyze without a deployment: arpwatch's table, one line per MAC (IPv4's
 * rows, then IPv6's), the address and its state on the first line of each address; a VLAN column first
 * when any row is tagged (a capture of one untagged segment reads as before).
 * Every field is formatted here from numbers, so nothing needs escaping. */
static void put_inventory(FILE *out, const struct dsr_inventory *inv)
{
	/* The address column is as wide as a dotted quad, or the longest IPv6 address. */
	int width = 15;
	for (size_t i = 0; i < inv->naddresses; i++) {
		char ip[DSR_IPV6_TEXT];
		dsr_address_ip_text(&inv->addresses[i], ip);
		width = (int)strlen(ip) > width ? (int)strlen(ip) : width;
	}
	fprintf(out, "\naddresses: %zu in the capture", inv->naddresses);
	for (int s = DSR_ADDR_FLIP_FLOP; s > DSR_ADDR_OK; s--)
		if (inv->nstate[s])
			fprintf(out, ", %zu %s", inv->nstate[s], dsr_addr_state_name(s));
	fputc('\n', out);
	if (inv->naddresses) {
		if (inv->ntagged)
			fprintf(out, "  %-9s", "vlan");
		fprintf(out, "  %-*s  %-9s  %-17s  %6s  %-27s %-9s  %-27s %s\n", width, "address", "state",
			"mac", "frames", "first seen", "(frame)", "last seen", "(frame)");
	}
	for (size_t i = 0; i < inv->naddresses; i++) {
		const struct dsr_address *a = &inv->addresses[i];
		char ip[DSR_IPV6_TEXT], vlan[16];

		dsr_address_ip_text(a, ip);
		dsr_address_vlan_text(a, vlan);
		for (size_t k = 0; k < a->nclaims; k++) {
			const struct dsr_claim *c = &a->claims[k];
			struct dsr_claim_text t;

			dsr_claim_text(c, &t);
			if (inv->ntagged)
				fprintf(out, "  %-9s", k ? "" : vlan[0] ? vlan : "untagged");
			fprintf(out, "  %-*s  %-9s  %s  %6lu  %-27s (%lu)", width, k ? "" : ip,
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
	put_findings(out, run, n, opts);
	put_matrix(out, run, opts);
	if (opts->verbose > 0 && run->nchecks)
		fputs("\nchecks:\n", out);
	else if (n->fail || n->warn || n->skip)
		fputs("\nchecks that did not pass (-v: every check, its evidence and fix):\n", out);
	for (size_t i = 0; i < run->nchecks; i++) {
		bool first = true;

		for (size_t j = 0; j < i && first; j++)
			if (same(run->checks[j].service, run->checks[i].service))
				first = false;
		if (first)
			put_service(out, run, run->checks[i].service, id_column(run), opts);
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
