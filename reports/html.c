/* The report to attach to a ticket or an e-mail: one self-contained HTML file
 * (inline CSS and SVG, no script, nothing fetched: a Content-Security-Policy
 * forbids it) that someone who never ran dsrcheck can read in a browser or on
 * paper. In order: the verdict and where dsrcheck stood; a drawing of the
 * segment (who probes whom, who answers for the VIP, which way the replies
 * return, who claimed the VIP); the findings with their remedies; the servers
 * x checks matrix; the evidence of every check with its capture frame numbers.
 *
 * Everything from the wire or the user is escaped for HTML, in text and in
 * attributes alike, and invalid UTF-8 becomes U+FFFD: a hostile banner or
 * server name must never become markup. The element with id="verdict" holds
 * the text report's last line (dsrcheck: PASS|FAIL (...)) for scripts that
 * read the page. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../passive/inventory.h"
#include "../src/diagnose.h"
#include "../src/parse.h"
#include "writers.h"

/* ---- Escaping ------------------------------------------------------------ */

/* Code points a page must not carry as they are: invalid UTF-8, controls (HTML
 * makes them parse errors; a CR would silently become a newline), noncharacters,
 * and the bidi overrides that could make "FAIL" read as something else. */
static bool unshowable(uint32_t cp)
{
	return cp == DSR_UTF8_INVALID || (cp < 0x20 && cp != '\t' && cp != '\n') ||
	       (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0xfdd0 && cp <= 0xfdef) ||
	       (cp & 0xfffe) == 0xfffe;
}

/* s[0..n) as HTML text, safe in element content and in quoted attributes, at
 * most max characters (SIZE_MAX: all); a cut ends with an ellipsis. */
static void put_html_cut(FILE *out, const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	for (size_t chars = 0; i < n; chars++) {
		uint32_t cp;
		size_t len = dsr_utf8_decode(p + i, n - i, &cp);

		if (chars == max) {
			fputs("\xe2\x80\xa6", out);
			return;
		}
		if (cp == '&')
			fputs("&amp;", out);
		else if (cp == '<')
			fputs("&lt;", out);
		else if (cp == '>')
			fputs("&gt;", out);
		else if (cp == '"')
			fputs("&quot;", out);
		else if (cp == '\'')
			fputs("&#39;", out);
		else if (unshowable(cp))
			fputs("&#xfffd;", out);
		else
			fwrite(p + i, 1, len, out);
		i += len;
	}
}

static void put_html_n(FILE *out, const char *s, size_t n)
{
	put_html_cut(out, s, n, SIZE_MAX);
}

/* NULL is written as nothing. */
static void put_html(FILE *out, const char *s)
{
	if (s)
		put_html_n(out, s, strlen(s));
}

/* Fixed-size fields of the model need not be terminated; texts of a check are
 * bounded by what they may hold. */
#define put_field(out, field) put_html_n((out), (field), strnlen((field), sizeof(field)))
#define put_text(out, text, max) put_html_n((out), (text), strnlen((text), (max)))

/* ---- What the model says, read for drawing ------------------------------- */

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* How bad a status is, for "the worst check of a server": a skip says least. */
static int severity(enum dsr_status s)
{
	return s == DSR_FAIL ? 3 : s == DSR_WARN ? 2 : s == DSR_PASS ? 1 : 0;
}

static const char *status_class(enum dsr_status s)
{
	return s == DSR_FAIL ? "fail" : s == DSR_WARN ? "warn" : s == DSR_PASS ? "pass" : "skip";
}

/* One symbol per status that survives black-and-white printing. */
static const char *status_symbol(enum dsr_status s)
{
	return s == DSR_FAIL ? "\xe2\x9c\x97" : s == DSR_WARN ? "!" : s == DSR_PASS ? "\xe2\x9c\x93"
									     : "\xe2\x80\x93";
}

static const struct dsr_evidence *evidence_of(const struct dsr_check *c, const char *key)
{
	size_t n = c->nevidence < DSR_EVIDENCE_MAX ? c->nevidence : DSR_EVIDENCE_MAX;

	for (size_t i = 0; i < n; i++)
		if (strncmp(c->evidence[i].key, key, DSR_EVIDENCE_KEY) == 0)
			return &c->evidence[i];
	return NULL;
}

static bool id_is(const struct dsr_check *c, const char *id)
{
	return c->id && strcmp(c->id, id) == 0;
}

static bool id_ends(const struct dsr_check *c, const char *suffix)
{
	size_t n = c->id ? strlen(c->id) : 0, k = strlen(suffix);

	return n >= k && strcmp(c->id + n - k, suffix) == 0;
}

/* ---- The segment: one drawing per service -------------------------------- */

#define SEG_SERVERS 24 /* drawn; the others are counted */

struct node {
	const char *name;
	char ip[16];  /* its real address, from the checks of it */
	char mac[18]; /* its own MAC, from arp.rip */
	bool seen;    /* any check of it ran (not only skipped) */
	enum dsr_status worst;
	enum dsr_status direct; /* the probes straight to its MAC */
	bool probed_direct;
	bool claims_vip;
	const struct dsr_finding *finding; /* the first naming it */
};

struct segment {
	const char *service;
	char vip[16];
	struct node nodes[SEG_SERVERS];
	size_t nnodes, hidden;
	const struct dsr_check *arp_vip; /* who answers ARP for the VIP */
	const struct dsr_check *claim;   /* hosts outside the deployment claiming it */
	const struct dsr_check *ret;     /* dsr.return: which way the replies came */
	enum dsr_status via;             /* the probes through the VIP */
	bool probed_via;
};

/* The node of a server, added when new; NULL when the drawing is full. */
static struct node *node_named(struct segment *seg, const char *name)
{
	for (size_t i = 0; i < seg->nnodes; i++)
		if (strcmp(seg->nodes[i].name, name) == 0)
			return &seg->nodes[i];
	if (seg->nnodes == SEG_SERVERS)
		return NULL;
	seg->nodes[seg->nnodes].name = name;
	return &seg->nodes[seg->nnodes++];
}

static void worsen(enum dsr_status *worst, bool *seen, enum dsr_status s)
{
	if (!*seen || severity(s) > severity(*worst))
		*worst = s;
	*seen = true;
}

/* A server's check: its address, its MAC, its state, whether it claims the VIP. */
static void add_server_check(struct segment *seg, const struct dsr_check *c)
{
	struct node *n = node_named(seg, c->server);
	bool skipped = c->status == DSR_SKIP;

	if (!n)
		return;
	if (!n->seen || !skipped)
		worsen(&n->worst, &n->seen, c->status);
	/* The drawing names a server by its IPv4 address (the first it has). */
	if (!n->ip[0] && c->target[0] && !strchr(c->target, ':') && strstr(c->id ? c->id : "", ".rip"))
		memcpy(n->ip, c->target, sizeof n->ip);
	if (!n->mac[0] && id_is(c, "arp.rip") && c->nmacs)
		dsr_format_mac(c->macs[0], n->mac);
	if ((id_is(c, "arp.vip.claim") || id_is(c, "nd.vip.claim")) &&
	    (c->status == DSR_FAIL || c->status == DSR_WARN))
		n->claims_vip = true;
	if (id_ends(c, ".vip.direct") && !skipped)
		worsen(&n->direct, &n->probed_direct, c->status);
}

static void add_service_check(struct segment *seg, const struct dsr_check *c)
{
	/* arp.rip of an unnamed host has a target too: only a VIP check names the VIP */
	if (!seg->vip[0] && c->target[0] && c->id && strstr(c->id, "vip"))
		memcpy(seg->vip, c->target, sizeof seg->vip);
	if (id_is(c, "arp.vip") && !seg->arp_vip)
		seg->arp_vip = c;
	else if (id_is(c, "arp.vip.claim") && !seg->claim)
		seg->claim = c;
	else if (id_is(c, "dsr.return") && !seg->ret)
		seg->ret = c;
	else if ((id_is(c, "tcp.vip") || id_is(c, "icmp.vip") || id_is(c, "tcp.vip.conn")) &&
		 c->status != DSR_SKIP)
		worsen(&seg->via, &seg->probed_via, c->status);
}

static bool finding_names(const struct dsr_finding *f, const char *server)
{
	for (size_t i = 0; i < f->nservers; i++)
		if (same(f->servers[i], server))
			return true;
	return false;
}

/* Whether check i is the first of its server in its service. */
static bool first_of_server(const struct dsr_run *run, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (same(run->checks[j].service, run->checks[i].service) &&
		    same(run->checks[j].server, run->checks[i].server))
			return false;
	return true;
}

static void build_segment(const struct dsr_run *run, const char *service, struct segment *seg)
{
	memset(seg, 0, sizeof *seg);
	seg->service = service;
	for (size_t i = 0; i < run->nchecks; i++) {
		const struct dsr_check *c = &run->checks[i];

		if (!same(c->service, service))
			continue;
		if (c->server)
			add_server_check(seg, c);
		else
			add_service_check(seg, c);
		if (c->server && seg->nnodes == SEG_SERVERS && !node_named(seg, c->server) &&
		    first_of_server(run, i))
			seg->hidden++;
	}
	for (size_t k = 0; k < seg->nnodes; k++)
		for (size_t i = 0; i < run->nfindings && !seg->nodes[k].finding; i++)
			if (same(run->findings[i].service, service) &&
			    finding_names(&run->findings[i], seg->nodes[k].name))
				seg->nodes[k].finding = &run->findings[i];
}

/* ---- The drawing ---------------------------------------------------------- */

/* Columns of the drawing (px of a 1200-wide viewBox): the vantage left, the
 * balancer in the middle above the lines that bypass it, the servers right. */
#define SVG_W 1200
#define VAN_X 20
#define VAN_W 280
#define VAN_H 96
#define LB_X 450
#define LB_W 300
#define LB_Y 16
#define LB_H 104
#define SRV_X 880
#define SRV_W 300
#define SRV_H 64
#define SRV_Y 150 /* below the balancer: lines between the other columns miss it */
#define SRV_STEP 84
#define NAME_CHARS 30

static const char *line_class(enum dsr_status s)
{
	return s == DSR_FAIL ? "l-fail" : s == DSR_WARN ? "l-warn" : "l-pass";
}

static void svg_line(FILE *out, const char *cls, int x1, int y1, int x2, int y2, const char *marker)
{
	fprintf(out, "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" marker-end=\"url(#%s)\"/>\n",
		cls, x1, y1, x2, y2, marker);
}

/* One line of a box, cut to fit; the whole text is in the box's tooltip. */
static void svg_text_n(FILE *out, int x, int y, const char *cls, const char *s, size_t n)
{
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"%s\">", x, y, cls);
	put_html_cut(out, s, n, NAME_CHARS + 8);
	fputs("</text>\n", out);
}

static void svg_text(FILE *out, int x, int y, const char *cls, const char *s)
{
	svg_text_n(out, x, y, cls, s, strlen(s));
}

static void svg_box(FILE *out, int x, int y, int w, int h, const char *cls)
{
	fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"8\" class=\"%s\"/>\n",
		x, y, w, h, cls);
}

static void draw_vantage(FILE *out, const struct dsr_vantage *v, int y)
{
	char line[200];

	fputs("<g class=\"vantage\"><title>where dsrcheck ran</title>\n", out);
	svg_box(out, VAN_X, y, VAN_W, VAN_H, "box-vantage");
	svg_text(out, VAN_X + 12, y + 24, "t-head",
		 v->inside_server ? "dsrcheck local (inside the server)"
		 : v->is_balancer ? "dsrcheck (on the balancer)"
				  : "dsrcheck (vantage)");
	svg_text_n(out, VAN_X + 12, y + 46, "t-body", v->ifname, strnlen(v->ifname, sizeof v->ifname));
	snprintf(line, sizeof line, "%.16s %.18s", v->ip[0] ? v->ip : "-", v->mac[0] ? v->mac : "");
	svg_text(out, VAN_X + 12, y + 66, "t-body", line);
	if (v->holds_vip) {
		snprintf(line, sizeof line, "holds the VIP on %.64s", v->vip_on);
		svg_text(out, VAN_X + 12, y + 86, "t-body", line);
	} else if (v->is_balancer) {
		svg_text(out, VAN_X + 12, y + 86, "t-body", "does not hold the VIP (a backup)");
	}
	fputs("</g>\n", out);
}

/* A list's items in words: "rs2,lb1" reads "rs2, lb1" (in place, cut to fit). */
static void spaced_list(char *s, size_t cap)
{
	for (char *comma = strchr(s, ','); comma; comma = strchr(comma + 2, ',')) {
		size_t len = strlen(s);

		if (len + 2 > cap)
			return;
		memmove(comma + 2, comma + 1, len - (size_t)(comma - s));
		comma[1] = ' ';
	}
}

/* Who answers ARP for the VIP, in the words of arp.vip, named where the MAC
 * is a server's or a balancer's. */
static void owner_words(const struct segment *seg, char *out, size_t cap)
{
	const struct dsr_check *a = seg->arp_vip;
	const struct dsr_evidence *owners = a ? evidence_of(a, "owners") : NULL;
	const struct dsr_evidence *servers = a ? evidence_of(a, "servers") : NULL;

	if (!a)
		snprintf(out, cap, "VIP owner not checked");
	else if (a->status == DSR_SKIP)
		snprintf(out, cap, "VIP owner: %s", a->reason ? a->reason : "skipped");
	else if (a->status == DSR_PASS)
		snprintf(out, cap, "owns the VIP%s%.200s", owners ? ": " : "", owners ? owners->text : "");
	else if (servers)
		snprintf(out, cap, "%s: also %.200s", a->reason ? a->reason : "fail", servers->text);
	else
		snprintf(out, cap, "%s", a->reason ? a->reason : "fail");
}

static void draw_balancer(FILE *out, const struct segment *seg)
{
	const struct dsr_check *a = seg->arp_vip;
	enum dsr_status s = a ? a->status : DSR_SKIP;
	char line[256];

	fputs("<g class=\"balancer\"><title>", out);
	if (a)
		put_text(out, dsr_check_summary_text(a), DSR_SUMMARY_MAX);
	fputs("</title>\n", out);
	svg_box(out, LB_X, LB_Y, LB_W, LB_H, status_class(s));
	svg_text(out, LB_X + 12, LB_Y + 24, "t-head", "balancer");
	snprintf(line, sizeof line, "VIP %.16s", seg->vip[0] ? seg->vip : "-");
	svg_text(out, LB_X + 12, LB_Y + 46, "t-body", line);
	if (a && a->nmacs) {
		/* the MACs that answered ARP for the VIP: the owner, or the rivals */
		int len = snprintf(line, sizeof line, "ARP:");

		for (size_t i = 0; i < a->nmacs && i < 3 && len > 0 && (size_t)len + 20 < sizeof line; i++) {
			char mac[18];

			dsr_format_mac(a->macs[i], mac);
			len += snprintf(line + len, sizeof line - (size_t)len, " %s", mac);
		}
		svg_text(out, LB_X + 12, LB_Y + 66, "t-body", line);
	}
	owner_words(seg, line, sizeof line);
	spaced_list(line, sizeof line);
	svg_text(out, LB_X + 12, LB_Y + 88, "t-state", line);
	fputs("</g>\n", out);
}

/* What a server box says under its name: its finding, or its state. */
static void node_state(const struct node *n, char *out, size_t cap)
{
	char ports[64] = "";

	if (n->finding) {
		dsr_finding_ports_text(n->finding, ports, sizeof ports);
		snprintf(out, cap, "%s%s%s", n->finding->name, ports[0] ? " " : "", ports);
	} else {
		snprintf(out, cap, "%s", !n->seen ? "not checked" : n->worst == DSR_SKIP ? "skipped" : "ok");
	}
}

static void draw_node(FILE *out, const struct node *n, int y)
{
	char line[160];

	fputs("<g class=\"server\"><title>", out);
	put_html(out, n->name);
	if (n->finding) {
		fputs(": ", out);
		put_html(out, n->finding->summary);
	}
	fputs("</title>\n", out);
	svg_box(out, SRV_X, y, SRV_W, SRV_H, n->seen ? status_class(n->worst) : "skip");
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"t-sym\">%s</text>\n", SRV_X + SRV_W - 26, y + 24,
		status_symbol(n->seen ? n->worst : DSR_SKIP));
	svg_text(out, SRV_X + 12, y + 20, "t-head", n->name);
	snprintf(line, sizeof line, "%.16s  %.18s", n->ip[0] ? n->ip : "-", n->mac);
	svg_text(out, SRV_X + 12, y + 38, "t-body", line);
	node_state(n, line, sizeof line);
	svg_text(out, SRV_X + 12, y + 56, "t-state", line);
	if (n->claims_vip) {
		/* where the VIP leaks: the badge the reader's eye should land on */
		fprintf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"11\" class=\"claim\"/>"
			"<text x=\"%d\" y=\"%d\" class=\"t-claim\">!</text>"
			"<text x=\"%d\" y=\"%d\" class=\"t-claimword\">claims the VIP</text>\n",
			SRV_X, y, SRV_X, y + 5, SRV_X + 16, y - 4);
	}
	fputs("</g>\n", out);
}

/* A host that is neither balancer nor server answered for the VIP. */
static void draw_unknown(FILE *out, const struct dsr_check *claim, int y)
{
	char mac[18];

	fputs("<g class=\"unknown\"><title>", out);
	put_text(out, dsr_check_summary_text(claim), DSR_SUMMARY_MAX);
	fputs("</title>\n", out);
	svg_box(out, VAN_X, y, VAN_W, 34 + 18 * (claim->nmacs ? claim->nmacs : 1), "fail");
	fprintf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"11\" class=\"claim\"/>"
		"<text x=\"%d\" y=\"%d\" class=\"t-claim\">!</text>\n", VAN_X, y, VAN_X, y + 5);
	svg_text(out, VAN_X + 16, y + 22, "t-head", "unknown host claims the VIP");
	for (size_t i = 0; i < claim->nmacs; i++) {
		dsr_format_mac(claim->macs[i], mac);
		svg_text(out, VAN_X + 16, y + 42 + 18 * (int)i, "t-body", mac);
	}
	fputs("</g>\n", out);
}

/* Probes (blue) through the VIP to the balancer and on to every server, and
 * straight to each server's MAC; replies (coloured by how they went) from each
 * server back to the vantage, or through the balancer when dsr.return saw that. */
static void draw_flows(FILE *out, const struct segment *seg, int vy, bool on_balancer)
{
	int vx = VAN_X + VAN_W, lbx = LB_X + LB_W;
	bool via_lb = seg->ret && seg->ret->status == DSR_WARN;

	if (!on_balancer && (seg->probed_via || seg->arp_vip))
		svg_line(out, "l-probe", VAN_X + VAN_W / 2, vy, LB_X - 4, LB_Y + LB_H / 2, "a-probe");
	for (size_t i = 0; i < seg->nnodes; i++) {
		const struct node *n = &seg->nodes[i];
		int sy = SRV_Y + (int)i * SRV_STEP;

		if (seg->probed_via)
			svg_line(out, "l-forward", lbx, LB_Y + LB_H - 10, SRV_X - 4, sy + 12, "a-probe");
		if (!n->probed_direct)
			continue;
		svg_line(out, "l-probe l-direct", vx, vy + VAN_H / 2 - 6, SRV_X - 4, sy + SRV_H / 2 - 6,
			 "a-probe");
		if (via_lb)
			svg_line(out, "l-warn", SRV_X, sy + SRV_H - 8, lbx + 4, LB_Y + LB_H - 4, "a-warn");
		else
			svg_line(out, line_class(n->direct), SRV_X, sy + SRV_H / 2 + 8, vx + 4,
				 vy + VAN_H / 2 + 8, n->direct == DSR_FAIL ? "a-fail" : n->direct == DSR_WARN ? "a-warn" : "a-pass");
	}
	if (via_lb && !on_balancer)
		svg_line(out, "l-warn", LB_X, LB_Y + LB_H - 10, vx + 4, vy + 12, "a-warn");
}

static void draw_legend(FILE *out, int y)
{
	fprintf(out, "<g class=\"legend\" transform=\"translate(20 %d)\">"
		"<line class=\"l-probe\" x1=\"0\" y1=\"0\" x2=\"40\" y2=\"0\" marker-end=\"url(#a-probe)\"/>"
		"<text x=\"50\" y=\"4\">probe to the VIP</text>"
		"<line class=\"l-forward\" x1=\"190\" y1=\"0\" x2=\"230\" y2=\"0\" marker-end=\"url(#a-probe)\"/>"
		"<text x=\"240\" y=\"4\">forwarded by the balancer</text>"
		"<line class=\"l-probe l-direct\" x1=\"440\" y1=\"0\" x2=\"480\" y2=\"0\" marker-end=\"url(#a-probe)\"/>"
		"<text x=\"490\" y=\"4\">straight to the server's MAC</text>"
		"<line class=\"l-pass\" x1=\"700\" y1=\"0\" x2=\"740\" y2=\"0\" marker-end=\"url(#a-pass)\"/>"
		"<text x=\"750\" y=\"4\">reply (DSR: straight back)</text>"
		"<line class=\"l-fail\" x1=\"950\" y1=\"0\" x2=\"990\" y2=\"0\" marker-end=\"url(#a-fail)\"/>"
		"<text x=\"1000\" y=\"4\">no or wrong reply</text></g>\n", y);
}

static void svg_defs(FILE *out)
{
	static const char *const arrows[][2] = {
		{"a-probe", "m-probe"}, {"a-pass", "m-pass"}, {"a-fail", "m-fail"}, {"a-warn", "m-warn"}};

	fputs("<defs>", out);
	for (size_t i = 0; i < sizeof arrows / sizeof arrows[0]; i++)
		fprintf(out, "<marker id=\"%s\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
			"markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
			"<path d=\"M0,0 L10,5 L0,10 z\" class=\"%s\"/></marker>",
			arrows[i][0], arrows[i][1]);
	fputs("</defs>\n", out);
}

static void put_segment(FILE *out, const struct dsr_run *run, const struct segment *seg)
{
	const struct dsr_vantage *v = &run->vantage;
	bool unknown = seg->claim && seg->claim->status == DSR_FAIL && seg->claim->nmacs;
	int rows = seg->nnodes ? (int)seg->nnodes : 1;
	int vy = SRV_Y + (rows * SRV_STEP - SRV_STEP) / 2 + (SRV_H - VAN_H) / 2;
	int height = SRV_Y + rows * SRV_STEP;

	if (vy < SRV_Y + 20)
		vy = SRV_Y + 20;
	if (v->is_balancer)
		vy = LB_Y; /* the vantage is the balancer: one box, where the balancer stands */
	if (vy + VAN_H + 20 > height)
		height = vy + VAN_H + 20;
	if (unknown && vy + VAN_H + 140 > height)
		height = vy + VAN_H + 140;
	fputs("<figure class=\"segment\">\n<figcaption>", out);
	if (seg->service) {
		fputs("service ", out);
		put_html(out, seg->service);
	} else {
		fputs("(no service)", out);
	}
	if (seg->vip[0]) {
		fputs(", VIP ", out);
		put_field(out, seg->vip);
	}
	fputs("</figcaption>\n", out);
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
		SVG_W, height + 40);
	svg_defs(out);
	draw_flows(out, seg, vy, v->is_balancer);
	if (!v->is_balancer && !v->inside_server)
		draw_balancer(out, seg);
	draw_vantage(out, v, vy);
	for (size_t i = 0; i < seg->nnodes; i++)
		draw_node(out, &seg->nodes[i], SRV_Y + (int)i * SRV_STEP);
	if (unknown)
		draw_unknown(out, seg->claim, vy + VAN_H + 40);
	draw_legend(out, height + 20);
	fputs("</svg>\n", out);
	if (seg->hidden)
		fprintf(out, "<p class=\"note\">and %zu more servers, in the matrix below</p>\n",
			seg->hidden);
	fputs("</figure>\n", out);
}

/* The first check of each service, in report order: one drawing each. */
static void put_segments(FILE *out, const struct dsr_run *run)
{
	struct segment *seg = malloc(sizeof *seg);
	bool any = false;

	if (!seg)
		return; /* the drawing is a help; the checks below say everything */
	fputs("<section id=\"segment\">\n<h2>The segment</h2>\n", out);
	for (size_t i = 0; i < run->nchecks; i++) {
		bool first = true;

		for (size_t j = 0; j < i && first; j++)
			first = !same(run->checks[j].service, run->checks[i].service);
		if (!first)
			continue;
		/* servers of no service share no VIP or balancer: the matrix shows them */
		if (!run->checks[i].service)
			continue;
		build_segment(run, run->checks[i].service, seg);
		put_segment(out, run, seg);
		any = true;
	}
	if (!any)
		fputs("<p class=\"note\">No deployment to draw: no service or server was checked.</p>\n",
		      out);
	fputs("</section>\n", out);
	free(seg);
}

/* ---- Header and verdict -------------------------------------------------- */

/* The text report's last line, so that a script reads both the same way. */
static void verdict_line(const struct dsr_run *run, const struct dsr_counts *n, char *out, size_t cap)
{
	int len;

	if (n->fail)
		len = snprintf(out, cap, "dsrcheck: FAIL (%zu of %zu failed", n->fail, run->nchecks);
	else
		len = snprintf(out, cap, "dsrcheck: PASS (%zu checks", run->nchecks);
	if (n->warn && len > 0 && (size_t)len < cap)
		len += snprintf(out + len, cap - (size_t)len, ", %zu warning%s", n->warn,
				n->warn == 1 ? "" : "s");
	if (n->skip && len > 0 && (size_t)len < cap)
		len += snprintf(out + len, cap - (size_t)len, ", %zu skipped", n->skip);
	if (len > 0 && (size_t)len < cap)
		snprintf(out + len, cap - (size_t)len, ")");
}

static void put_started(FILE *out, struct timeval tv)
{
	struct tm tm;
	time_t secs = tv.tv_sec;
	char buf[64];

	if (gmtime_r(&secs, &tm) && strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm))
		fputs(buf, out);
	else
		fputc('-', out);
}

static void put_vantage(FILE *out, const struct dsr_vantage *v)
{
	fputs("<dt>vantage</dt><dd>", out);
	if (v->inside_server) {
		fputs("inside the server (", out);
		put_field(out, v->ifname);
		fputs("), VIP ", out);
		put_field(out, v->ip);
		fputs("</dd>\n", out);
		return;
	}
	put_field(out, v->ifname);
	fputc(' ', out);
	put_field(out, v->ip);
	fputc(' ', out);
	put_field(out, v->mac);
	fprintf(out, ", %s the servers' segment, %s the balancer", v->on_segment ? "on" : "not on",
		v->is_balancer ? "on" : "not");
	if (v->holds_vip) {
		fputs(", holding the VIP on ", out);
		put_field(out, v->vip_on);
	} else if (v->is_balancer) {
		fputs(", not holding the VIP (a backup)", out);
	}
	char vlans[DSR_VANTAGE_VLANS_TEXT];
	dsr_vantage_vlans_text(v, vlans, sizeof(vlans));
	put_html(out, vlans);
	fputs("</dd>\n", out);
}

static void put_header(FILE *out, const struct dsr_run *run, const struct dsr_counts *n)
{
	char verdict[160];
	const char *cls = n->fail ? "fail" : n->warn ? "warn" : "pass";

	verdict_line(run, n, verdict, sizeof verdict);
	fputs("<header>\n<h1>dsrcheck report</h1>\n", out);
	fprintf(out, "<p id=\"verdict\" class=\"verdict %s\">%s</p>\n", cls, verdict);
	fputs("<dl class=\"meta\">\n", out);
	put_vantage(out, &run->vantage);
	fputs("<dt>started</dt><dd>", out);
	put_started(out, run->started);
	fprintf(out, ", %lld ms</dd>\n<dt>dsrcheck</dt><dd>", run->duration_ms);
	put_html(out, run->version);
	fprintf(out, "</dd>\n<dt>findings</dt><dd>%zu</dd>\n</dl>\n</header>\n", run->nfindings);
}

/* ---- Findings -------------------------------------------------------------- */

/* " tcp.vip.direct rs1 198.18.0.100:80": a check as findings and evidence cite it. */
static void put_check_name(FILE *out, const struct dsr_check *c)
{
	fputs("<code>", out);
	put_html(out, c->id ? c->id : "?");
	fputs("</code>", out);
	if (c->server) {
		fputc(' ', out);
		put_html(out, c->server);
	}
	char where[DSR_CHECK_WHERE_MAX];
	dsr_check_where(c, where);
	if (where[0]) {
		fputc(' ', out);
		put_field(out, where);
	}
}

static void put_finding(FILE *out, const struct dsr_run *run, const struct dsr_finding *f, size_t k)
{
	char ports[128] = "";

	dsr_finding_ports_text(f, ports, sizeof ports);
	fprintf(out, "<li id=\"finding-%zu\" class=\"finding %s\">\n<p class=\"head\">"
		"<span class=\"badge %s\">%s</span> ", k + 1, status_class(f->status),
		status_class(f->status), f->status == DSR_FAIL ? "FAIL" : "WARN");
	char vlan[24];
	fputs(dsr_finding_vlan_prefix(f, vlan, sizeof(vlan)), out);
	put_html(out, f->summary);
	fputs("</p>\n<p class=\"facts\"><code>", out);
	put_html(out, f->name);
	fputs("</code>", out);
	if (f->nservers) {
		fputs(" &middot; servers ", out);
		for (size_t i = 0; i < f->nservers; i++) {
			fputs(i ? ", " : "", out);
			put_html(out, f->servers[i]);
		}
	}
	if (ports[0]) {
		fputs(" &middot; ports ", out);
		put_html(out, ports);
	}
	fprintf(out, " &middot; %s</p>\n",
		f->confidence == DSR_CONFIDENCE_LIKELY ? "likely (inferred)" : "certain");
	if (f->remedy && f->remedy[0]) {
		fputs("<p class=\"remedy\"><b>Fix:</b> ", out);
		put_html(out, f->remedy);
		fputs("</p>\n", out);
	}
	fputs("<p class=\"why\"><b>Evidence:</b> ", out);
	put_html(out, f->evidence);
	fputs(" &middot; checks:", out);
	for (size_t i = 0; i < f->nchecks; i++)
		if (f->checks[i] < run->nchecks) {
			fprintf(out, "%s <a href=\"#check-%zu\">", i ? "," : "", f->checks[i] + 1);
			put_check_name(out, &run->checks[f->checks[i]]);
			fputs("</a>", out);
		}
	fputs("</p>\n</li>\n", out);
}

static void put_findings(FILE *out, const struct dsr_run *run)
{
	fputs("<section id=\"findings\">\n<h2>Findings</h2>\n", out);
	if (!run->nfindings)
		fputs("<p class=\"none\">Nothing is broken: no check failed or warned.</p>\n", out);
	else
		fputs("<ol class=\"findings\">\n", out);
	for (size_t k = 0; k < run->nfindings; k++)
		put_finding(out, run, &run->findings[k], k);
	if (run->nfindings)
		fputs("</ol>\n", out);
	fputs("</section>\n", out);
}

/* ---- The servers x checks matrix ----------------------------------------- */

/* Rows: each (service, server) in report order, service-level checks as the
 * service's own row. Columns: each (check id, port). A cell holds the worst
 * check of its row and column (index + 1; 0: none). */
struct matrix {
	size_t *row_of, *col_of; /* per check: the first check of its row / column */
	size_t *rows, *cols;     /* the first check of each */
	size_t nrows, ncols;
	size_t *cell;            /* nrows x ncols */
};

static bool same_row(const struct dsr_check *a, const struct dsr_check *b)
{
	return same(a->service, b->service) && same(a->server, b->server);
}

static bool same_col(const struct dsr_check *a, const struct dsr_check *b)
{
	return same(a->id, b->id) && a->port == b->port;
}

/* Index of check i's group among groups[0..*n), added when new. */
static size_t group_of(const struct dsr_run *run, size_t i, size_t *groups, size_t *n,
		       bool (*same_group)(const struct dsr_check *, const struct dsr_check *))
{
	for (size_t g = 0; g < *n; g++)
		if (same_group(&run->checks[groups[g]], &run->checks[i]))
			return g;
	groups[*n] = i;
	return (*n)++;
}

static int matrix_build(const struct dsr_run *run, struct matrix *m)
{
	size_t n = run->nchecks;

	memset(m, 0, sizeof *m);
	m->row_of = calloc(n, sizeof *m->row_of);
	m->col_of = calloc(n, sizeof *m->col_of);
	m->rows = calloc(n, sizeof *m->rows);
	m->cols = calloc(n, sizeof *m->cols);
	if (!m->row_of || !m->col_of || !m->rows || !m->cols)
		return -1;
	for (size_t i = 0; i < n; i++) {
		m->row_of[i] = group_of(run, i, m->rows, &m->nrows, same_row);
		m->col_of[i] = group_of(run, i, m->cols, &m->ncols, same_col);
	}
	m->cell = calloc(m->nrows * m->ncols, sizeof *m->cell);
	if (!m->cell)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t *cell = &m->cell[m->row_of[i] * m->ncols + m->col_of[i]];

		if (!*cell || severity(run->checks[i].status) > severity(run->checks[*cell - 1].status))
			*cell = i + 1;
	}
	return 0;
}

static void matrix_free(struct matrix *m)
{
	free(m->row_of);
	free(m->col_of);
	free(m->rows);
	free(m->cols);
	free(m->cell);
}

static void put_row_name(FILE *out, const struct dsr_check *c)
{
	if (c->server) {
		put_html(out, c->server);
	} else if (c->service) {
		fputs("service ", out);
		put_html(out, c->service);
	} else {
		fputs("(no service)", out);
	}
}

static void put_cell(FILE *out, const struct dsr_check *c, size_t index)
{
	fprintf(out, "<td class=\"%s\"><a href=\"#check-%zu\" title=\"%s", status_class(c->status),
		index + 1, c->status == DSR_FAIL ? "FAIL" : c->status == DSR_WARN ? "WARN"
						: c->status == DSR_PASS ? "PASS" : "SKIP");
	if (c->reason) {
		fputc(' ', out);
		put_html(out, c->reason);
	}
	fputs(": ", out);
	put_text(out, dsr_check_summary_text(c), DSR_SUMMARY_MAX);
	fprintf(out, "\">%s</a></td>", status_symbol(c->status));
}

/* A check id that may wrap after its dots, so that a dozen columns fit 1280 px. */
static void put_breakable(FILE *out, const char *id)
{
	for (const char *dot; (dot = strchr(id, '.')); id = dot + 1) {
		put_html_n(out, id, (size_t)(dot - id) + 1);
		fputs("<wbr>", out);
	}
	put_html(out, id);
}

static void put_matrix(FILE *out, const struct dsr_run *run)
{
	struct matrix m;

	fputs("<section id=\"matrix\">\n<h2>Servers &times; checks</h2>\n", out);
	if (!run->nchecks || matrix_build(run, &m) < 0) {
		fputs("<p class=\"none\">No checks.</p>\n</section>\n", out);
		if (run->nchecks)
			matrix_free(&m);
		return;
	}
	fputs("<div class=\"scroll\"><table class=\"matrix\">\n<thead><tr><th></th>", out);
	for (size_t k = 0; k < m.ncols; k++) {
		const struct dsr_check *c = &run->checks[m.cols[k]];

		fputs("<th scope=\"col\"><code>", out);
		put_breakable(out, c->id ? c->id : "?");
		fputs("</code>", out);
		if (c->port >= 0)
			fprintf(out, "<br>%d", c->port);
		fputs("</th>", out);
	}
	fputs("</tr></thead>\n<tbody>\n", out);
	for (size_t r = 0; r < m.nrows; r++) {
		fputs("<tr><th scope=\"row\">", out);
		put_row_name(out, &run->checks[m.rows[r]]);
		fputs("</th>", out);
		for (size_t k = 0; k < m.ncols; k++) {
			size_t at = m.cell[r * m.ncols + k];

			if (at)
				put_cell(out, &run->checks[at - 1], at - 1);
			else
				fputs("<td class=\"none\"></td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></div>\n<p class=\"note\">\xe2\x9c\x93 pass &middot; \xe2\x9c\x97 fail "
	      "&middot; ! warning &middot; \xe2\x80\x93 skipped; hover a cell for its reason, "
	      "follow it to its evidence.</p>\n</section>\n", out);
	matrix_free(&m);
}

/* ---- Evidence ------------------------------------------------------------- */

static void put_evidence_value(FILE *out, const struct dsr_evidence *e)
{
	if (e->type == DSR_EV_INT) {
		fprintf(out, "%lld", e->num);
		return;
	}
	if (e->type == DSR_EV_STR) {
		put_text(out, e->text, DSR_EVIDENCE_TEXT);
		return;
	}
	/* a list: its items apart, so that a long one wraps between them */
	size_t len = strnlen(e->text, DSR_EVIDENCE_TEXT);

	for (size_t at = 0; at < len;) {
		const char *comma = memchr(e->text + at, ',', len - at);
		size_t item = comma ? (size_t)(comma - (e->text + at)) : len - at;

		fputs(at ? ", " : "", out);
		put_html_n(out, e->text + at, item);
		at += item + 1;
	}
}

static void put_check_details(FILE *out, const struct dsr_check *c, size_t index)
{
	size_t n = c->nevidence < DSR_EVIDENCE_MAX ? c->nevidence : DSR_EVIDENCE_MAX;
	bool bad = c->status == DSR_FAIL || c->status == DSR_WARN;

	/* What failed is open already: it is what the reader came for. */
	fprintf(out, "<details id=\"check-%zu\" class=\"%s\"%s><summary><span class=\"sym %s\">%s"
		"</span> ", index + 1, status_class(c->status), bad ? " open" : "",
		status_class(c->status), status_symbol(c->status));
	put_check_name(out, c);
	if (c->reason) {
		fputs(" &mdash; <b>", out);
		put_html(out, c->reason);
		fputs("</b>", out);
	}
	fputs("</summary>\n<dl>\n<dt>summary</dt><dd>", out);
	put_text(out, dsr_check_summary_text(c), DSR_SUMMARY_MAX);
	fputs("</dd>\n", out);
	if (bad && dsr_check_remedy_text(c)[0]) {
		fputs("<dt>fix</dt><dd>", out);
		put_text(out, dsr_check_remedy_text(c), DSR_REMEDY_MAX);
		fputs("</dd>\n", out);
	}
	if (c->nframes) {
		fputs("<dt>pcap frames</dt><dd>", out);
		for (size_t i = 0; i < c->nframes && i < DSR_CHECK_FRAMES; i++)
			fprintf(out, "%s%u", i ? ", " : "", c->frames[i]);
		fputs(" <span class=\"note\">(frame numbers of the --pcap capture)</span></dd>\n", out);
	}
	for (size_t i = 0; i < n; i++) {
		fputs("<dt>", out);
		put_text(out, c->evidence[i].key, DSR_EVIDENCE_KEY);
		fputs("</dt><dd>", out);
		put_evidence_value(out, &c->evidence[i]);
		fputs("</dd>\n", out);
	}
	fputs("</dl>\n</details>\n", out);
}

static void put_evidence(FILE *out, const struct dsr_run *run)
{
	fputs("<section id=\"evidence\">\n<h2>Evidence</h2>\n", out);
	for (size_t i = 0; i < run->nchecks; i++)
		put_check_details(out, &run->checks[i], i);
	fputs("</section>\n", out);
}

/* analyze without a deployment: every address of the capture and who claimed
 * it. Formatted from numbers here, so nothing needs escaping. */
static void put_inventory(FILE *out, const struct dsr_inventory *inv)
{
	fprintf(out, "<section id=\"addresses\">\n<h2>Addresses in the capture (%zu)</h2>\n"
		"<div class=\"scroll\"><table class=\"inventory\">\n<thead><tr>%s<th>address</th>"
		"<th>state</th><th>MAC</th><th>frames</th><th>first seen (frame)</th>"
		"<th>last seen (frame)</th></tr></thead>\n<tbody>\n", inv->naddresses,
		inv->ntagged ? "<th>VLAN</th>" : "");
	for (size_t i = 0; i < inv->naddresses; i++) {
		const struct dsr_address *a = &inv->addresses[i];
		char ip[DSR_IPV6_TEXT], vlan[16];

		dsr_address_ip_text(a, ip);
		dsr_address_vlan_text(a, vlan);
		for (size_t k = 0; k < a->nclaims; k++) {
			const struct dsr_claim *c = &a->claims[k];
			struct dsr_claim_text t;

			dsr_claim_text(c, &t);
			/* The VLAN column only when some row is tagged. */
			if (inv->ntagged)
				fprintf(out, "<tr><td>%s</td>", k ? "" : vlan[0] ? vlan : "untagged");
			else
				fputs("<tr>", out);
			fprintf(out, "<td>%s</td><td>%s</td><td>%s</td><td>%lu</td><td>%s (%lu)</td>"
				"<td>%s (%lu)</td></tr>\n", k ? "" : ip,
				k ? "" : dsr_addr_state_name(a->state), t.mac, c->frames, t.first,
				c->first_frame, t.last, c->last_frame);
		}
	}
	fputs("</tbody></table></div>\n</section>\n", out);
}

/* ---- The page ------------------------------------------------------------- */

/* Print keeps colours (print-color-adjust) and also symbols and words, so that
 * a black-and-white copy still tells pass from fail; every <details> prints
 * open. */
static const char style[] =
	":root{--pass:#1a7f37;--pass-bg:#dafbe1;--fail:#cf222e;--fail-bg:#ffebe9;"
	"--warn:#9a6700;--warn-bg:#fff8c5;--skip:#57606a;--skip-bg:#f6f8fa;--probe:#0969da}\n"
	"*{box-sizing:border-box}\n"
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;"
	"margin:0 auto;padding:16px 24px;max-width:1240px;background:#fff}\n"
	"h1{font-size:24px;margin:0 0 6px}h2{font-size:19px;margin:28px 0 10px;"
	"border-bottom:1px solid #d0d7de;padding-bottom:4px}\n"
	"code{font:13px ui-monospace,'DejaVu Sans Mono',monospace}\n"
	".verdict{font:bold 18px ui-monospace,'DejaVu Sans Mono',monospace;padding:8px 12px;"
	"border-radius:6px;border:2px solid;display:inline-block;margin:4px 0}\n"
	".verdict.pass{color:var(--pass);background:var(--pass-bg)}"
	".verdict.fail{color:var(--fail);background:var(--fail-bg)}"
	".verdict.warn{color:var(--warn);background:var(--warn-bg)}\n"
	"dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}"
	"dl.meta dt{color:#57606a}dl.meta dd{margin:0;overflow-wrap:anywhere}\n"
	"figure.segment{margin:0 0 16px}figcaption{font-weight:600;margin-bottom:4px}\n"
	"svg{width:100%;max-width:1200px;height:auto;border:1px solid #d0d7de;border-radius:6px}\n"
	"svg rect{stroke-width:2}svg rect.pass{fill:var(--pass-bg);stroke:var(--pass)}"
	"svg rect.fail{fill:var(--fail-bg);stroke:var(--fail)}"
	"svg rect.warn{fill:var(--warn-bg);stroke:var(--warn)}"
	"svg rect.skip{fill:var(--skip-bg);stroke:var(--skip)}"
	"svg rect.box-vantage{fill:#ddf4ff;stroke:var(--probe)}\n"
	"svg text{font:13px system-ui,sans-serif;fill:#1f2328}svg .t-head{font-weight:700;font-size:14px}"
	"svg .t-state{font-style:italic}svg .t-sym{font-size:20px;font-weight:700}"
	"svg .t-claim{font-weight:700;fill:#fff;text-anchor:middle}"
	"svg .t-claimword{font-weight:700;fill:var(--fail)}svg circle.claim{fill:var(--fail)}\n"
	"svg line{stroke-width:2;fill:none}svg .l-probe,svg .l-forward{stroke:var(--probe)}"
	"svg .l-forward{stroke-dasharray:2 4}svg .l-direct{stroke-dasharray:8 4}"
	"svg .l-pass{stroke:var(--pass)}svg .l-fail{stroke:var(--fail);stroke-dasharray:4 3}"
	"svg .l-warn{stroke:var(--warn)}\n"
	"svg .m-probe{fill:var(--probe)}svg .m-pass{fill:var(--pass)}svg .m-fail{fill:var(--fail)}"
	"svg .m-warn{fill:var(--warn)}\n"
	"ol.findings{padding-left:24px}li.finding{margin:0 0 14px;padding:8px 12px;"
	"border-left:5px solid;border-radius:4px}\n"
	"li.finding.fail{border-color:var(--fail);background:var(--fail-bg)}"
	"li.finding.warn{border-color:var(--warn);background:var(--warn-bg)}\n"
	"li.finding p{margin:3px 0;overflow-wrap:anywhere;white-space:pre-wrap}"
	".head{font-weight:600}.badge{font:bold 12px ui-monospace,monospace;padding:1px 6px;"
	"border-radius:4px;color:#fff}.badge.fail{background:var(--fail)}.badge.warn{background:var(--warn)}\n"
	".scroll{overflow-x:auto}table{border-collapse:collapse}"
	"th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:center}"
	"thead th{font-weight:600;vertical-align:bottom}tbody th{text-align:left;font-weight:600}\n"
	"table.matrix td{font-size:17px;font-weight:700;min-width:34px}table.matrix thead th{font-size:12px;max-width:84px}"
	"table.matrix td a{text-decoration:none;color:inherit;display:block}\n"
	"td.pass{color:var(--pass);background:var(--pass-bg)}td.fail{color:var(--fail);"
	"background:var(--fail-bg)}td.warn{color:var(--warn);background:var(--warn-bg)}"
	"td.skip{color:var(--skip);background:var(--skip-bg)}\n"
	"details{border:1px solid #d0d7de;border-left:5px solid var(--skip);border-radius:4px;"
	"margin:4px 0;padding:2px 10px}details.pass{border-left-color:var(--pass)}"
	"details.fail{border-left-color:var(--fail)}details.warn{border-left-color:var(--warn)}\n"
	"summary{cursor:pointer;overflow-wrap:anywhere}.sym{font-weight:700;display:inline-block;width:1.2em}"
	".sym.pass{color:var(--pass)}.sym.fail{color:var(--fail)}.sym.warn{color:var(--warn)}"
	".sym.skip{color:var(--skip)}\n"
	"details dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:6px 0}"
	"details dt{color:#57606a;font-family:ui-monospace,monospace;font-size:13px}"
	"details dd{margin:0;overflow-wrap:anywhere;white-space:pre-wrap}\n"
	".note,.none{color:#57606a}footer{margin-top:28px;color:#57606a;font-size:13px}\n"
	"@media print{body{max-width:none;padding:0;font-size:12px}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	"details::details-content{content-visibility:visible;display:block}"
	"details{break-inside:avoid}li.finding,figure.segment{break-inside:avoid}"
	"a{color:inherit;text-decoration:none}.scroll{overflow:visible}}\n";

static int html_write(FILE *out, const struct dsr_run *run, const struct dsr_report_options *opts)
{
	/* Counted here from the checks so that the verdict always agrees with them. */
	struct dsr_run counted = *run;

	(void)opts;
	dsr_run_count(&counted);
	/* No script, no fetch: even a page whose escaping failed could run or load nothing. */
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	      out);
	fprintf(out, "dsrcheck: %s", counted.counts.fail ? "FAIL" : "PASS");
	if (run->nchecks && run->checks[0].service) {
		fputs(" \xe2\x80\x94 ", out);
		put_html(out, run->checks[0].service);
	}
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
	put_header(out, run, &counted.counts);
	put_segments(out, run);
	put_findings(out, run);
	put_matrix(out, run);
	put_evidence(out, run);
	if (run->inventory)
		put_inventory(out, run->inventory);
	fputs("<footer>Written by dsrcheck ", out);
	put_html(out, run->version);
	fputs(". Check ids, reasons and finding names are documented in dsrcheck(8).</footer>\n"
	      "</body>\n</html>\n", out);
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}

const struct dsr_report_writer dsr_report_html = {
	.name = "html",
	.write = html_write,
};
