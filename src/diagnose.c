/* From verdicts to findings (diagnose.h). The rules are a table, one line
 * each, tried in order on every server and then on every service: the first
 * rule whose `when` matches one of the group's unexplained checks (and whose
 * `unless` matches none of the group's checks) makes a finding, which
 * explains every unexplained check of the group that `when` or `also` names;
 * for checks with a port, only on the ports `when` matched, unless the rule
 * takes the whole server. What is left after every rule becomes a finding
 * of its own (DSR_FINDING_CHECK).
 *
 * A service-level probe of the VIP whose evidence names the servers behind
 * the MACs that answered it ("servers", verdict.c) belongs to that server's
 * group when it names exactly one: "tcp.vip 80 refused by rs1" is rs1's fault.
 *
 * Patterns are "id:reason" words: reason "*" is any failing or warning
 * reason, "pass" a passing check. */
#include "diagnose.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum rule_scope {
	PER_SERVER, /* the checks of one server (per service) */
	PER_SERVICE /* the checks of one service that no server's group took */
};

struct rule {
	enum dsr_finding_kind kind;
	enum rule_scope scope;
	const char *when;   /* any of these makes the finding */
	const char *unless; /* ...unless the group has any of these */
	const char *also;   /* explained too, when present */
	bool whole_server;  /* explains the group's checks on every port */
	enum dsr_confidence confidence;
};

/* Most specific first: a server that is down also times out on the VIP. */
static const struct rule rules[] = {
	{DSR_FINDING_SPLIT_BRAIN, PER_SERVICE, "arp.vip:split-brain vrrp.master:split-brain "
	 "nd.vip:split-brain nd.vip:flip-flop", NULL, "arp.vip:* arp.vip.claim:* vrrp.master:* nd.vip:*", false,
	 DSR_CONFIDENCE_CERTAIN},
	{DSR_FINDING_NO_MASTER, PER_SERVICE, "vrrp.master:no-master", NULL, NULL, false,
	 DSR_CONFIDENCE_CERTAIN},
	{DSR_FINDING_BASE_MAC, PER_SERVICE, "arp.vip.claim:base-mac", NULL,
	 "arp.vip:conflict arp.vip:flip-flop arp.vip:wrong-owner arp.vip.claim:base-mac", false,
	 DSR_CONFIDENCE_CERTAIN},
	{DSR_FINDING_SERVER_CLAIMS_VIP, PER_SERVER, "arp.vip.claim:claimed local.arp.ignore:* "
	 "local.arp.announce:* local.vip:not-loopback nd.vip.claim:claimed local6.vip:not-loopback "
	 "local6.proxy_ndp:*", NULL, "arp.vip:* nd.vip:*",
	 true, DSR_CONFIDENCE_CERTAIN},
	{DSR_FINDING_UNKNOWN_CLAIMS_VIP, PER_SERVICE, "arp.vip.claim:unknown-host nd.vip.claim:unknown-host",
	 NULL, "arp.vip:conflict arp.vip:flip-flop arp.vip:wrong-owner nd.vip:conflict nd.vip:wrong-owner",
	 false,
	 DSR_CONFIDENCE_CERTAIN},
	{DSR_FINDING_BALANCER_NOT_OWNER, PER_SERVICE, "arp.vip:no-answer arp.vip:wrong-owner "
	 "nd.vip:no-answer nd.vip:wrong-owner", NULL,
	 "icmp.vip:timeout tcp.vip:timeout dsr.return:* icmp6.vip:timeout tcp6.vip:timeout dsr6.return:*",
	 false,
	 DSR_CONFIDENCE_CERTAIN},
	{DSR_FINDING_PER_PACKET, PER_SERVICE, "tcp.vip.conn:spread tcp6.vip.conn:spread", NULL, NULL, false,
	 DSR_CONFIDENCE_CERTAIN},
	{DSR_FINDING_ADDRESS_CONFLICT, PER_SERVER, "arp.rip:conflict "
	 "arp.rip:wrong-mac arp.conflict:* local.ip.conflict:* nd.rip:conflict nd.rip:wrong-mac "
	 "nd.conflict:*", NULL,
	 NULL, false,
	 DSR_CONFIDENCE_CERTAIN},
	{DSR_FINDING_SERVER_DOWN, PER_SERVER, "arp.rip:no-answer", NULL,
	 "icmp.rip:timeout tcp.rip:timeout icmp.vip.direct:timeout tcp.vip.direct:timeout "
	 "arp.vip.claim:no-mac icmp.vip.direct:no-mac tcp.vip.direct:no-mac nd.rip:no-answer "
	 "nd.vip.claim:no-mac icmp6.vip.direct:no-mac tcp6.vip.direct:no-mac icmp6.rip:timeout "
	 "tcp6.rip:timeout icmp6.vip.direct:timeout tcp6.vip.direct:timeout", true, DSR_CONFIDENCE_CERTAIN},
	{DSR_FINDING_SERVER_DOWN, PER_SERVER, "icmp.rip:timeout tcp.rip:timeout",
	 "tcp.rip:pass tcp.rip:refused icmp.rip:pass",
	 "icmp.rip:timeout tcp.rip:timeout icmp.vip.direct:timeout tcp.vip.direct:timeout", true,
	 DSR_CONFIDENCE_LIKELY},
	/* dsrcheck local's twins are one finding: the same host and port. */
	{DSR_FINDING_NOT_LISTENING, PER_SERVER, "tcp.rip:refused local.listen:not-listening "
	 "local6.listen:not-listening", NULL,
	 "tcp.vip.direct:refused tcp.vip:refused", false, DSR_CONFIDENCE_CERTAIN},
	{DSR_FINDING_NOT_LISTENING, PER_SERVER, "tcp6.rip:refused", NULL,
	 "tcp6.vip.direct:refused tcp6.vip:refused", false, DSR_CONFIDENCE_CERTAIN},
	{DSR_FINDING_NOT_BOUND, PER_SERVER, "tcp.vip.direct:refused tcp.vip:refused "
	 "local.listen:not-bound local.iis.binding:* tcp6.vip.direct:refused tcp6.vip:refused "
	 "local6.listen:not-bound local6.iis.binding:*", NULL, NULL,
	 false, DSR_CONFIDENCE_CERTAIN},
	{DSR_FINDING_WRONG_SOURCE, PER_SERVER, "icmp.vip.direct:wrong-source tcp.vip.direct:wrong-source "
	 "icmp.vip:wrong-source tcp.vip:wrong-source icmp6.vip.direct:wrong-source "
	 "tcp6.vip.direct:wrong-source icmp6.vip:wrong-source tcp6.vip:wrong-source", NULL, NULL, true,
	 DSR_CONFIDENCE_CERTAIN},
	{DSR_FINDING_VIP_DROPPED, PER_SERVER, "icmp.vip.direct:timeout tcp.vip.direct:timeout "
	 "icmp6.vip.direct:timeout tcp6.vip.direct:timeout", NULL,
	 NULL, true, DSR_CONFIDENCE_LIKELY},
	/* dsrcheck local knows which of vip-dropped's causes it is. */
	{DSR_FINDING_VIP_NOT_ON_LOOPBACK, PER_SERVER, "local.vip:* local.loopback.adapter:* local6.vip:*", NULL,
	 NULL, false, DSR_CONFIDENCE_CERTAIN},
	{DSR_FINDING_WEAK_HOST, PER_SERVER, "local.weakhost.receive:* local.weakhost.send:* "
	 "local6.weakhost.receive:* local6.weakhost.send:*", NULL,
	 NULL, false, DSR_CONFIDENCE_CERTAIN},
	{DSR_FINDING_FIREWALL, PER_SERVER, "local.firewall:* local6.firewall:*", NULL, NULL, false,
	 DSR_CONFIDENCE_CERTAIN},
	{DSR_FINDING_CONN_BROKEN, PER_SERVICE, "tcp.vip.conn:reset tcp.vip.conn:timeout "
	 "tcp6.vip.conn:reset tcp6.vip.conn:timeout", NULL, NULL,
	 false, DSR_CONFIDENCE_CERTAIN},
	{DSR_FINDING_VIA_BALANCER, PER_SERVICE, "dsr.return:via-balancer dsr6.return:via-balancer", NULL,
	 NULL, false,
	 DSR_CONFIDENCE_CERTAIN},
	{DSR_FINDING_UNVERIFIED_OWNER, PER_SERVICE, "arp.vip:unverified nd.vip:unverified", NULL, NULL,
	 false,
	 DSR_CONFIDENCE_CERTAIN},
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool broken(const struct dsr_check *c)
{
	return c->status == DSR_FAIL || c->status == DSR_WARN;
}

/* dsrcheck local's checks are about this host, a server: the server rules
 * are theirs, with no name. */
static bool is_local(const struct dsr_check *c)
{
	return c->id && (strncmp(c->id, "local.", 6) == 0 || strncmp(c->id, "local6.", 7) == 0);
}

/* Does c match one word of pattern ("id:reason id:* id:pass")? */
static bool matches(const char *pattern, const struct dsr_check *c)
{
	const char *p = pattern;

	if (!p || !c->id)
		return false;
	while (*p) {
		size_t len = strcspn(p, " ");
		const char *colon = memchr(p, ':', len);
		if (colon) {
			size_t idlen = (size_t)(colon - p), rlen = len - idlen - 1;
			const char *reason = colon + 1;
			bool id_ok = strlen(c->id) == idlen && memcmp(c->id, p, idlen) == 0;
			bool reason_ok;
			if (rlen == 4 && memcmp(reason, "pass", 4) == 0)
				reason_ok = c->status == DSR_PASS;
			else if (rlen == 1 && reason[0] == '*')
				reason_ok = broken(c);
			else
				reason_ok = broken(c) && c->reason && strlen(c->reason) == rlen &&
					    memcmp(c->reason, reason, rlen) == 0;
			if (id_ok && reason_ok)
				return true;
		}
		p += len;
		while (*p == ' ')
			p++;
	}
	return false;
}

/* The one server a service-level check names in its evidence, or NULL. */
static const char *named_server(const struct dsr_check *c)
{
	for (size_t i = 0; i < c->nevidence; i++) {
		const struct dsr_evidence *e = &c->evidence[i];
		if (e->type == DSR_EV_LIST && strcmp(e->key, "servers") == 0 && e->text[0] &&
		    !strchr(e->text, ','))
			return e->text;
	}
	return NULL;
}

/* Does c's "servers" evidence name server, alone or among others? */
static bool names(const struct dsr_check *c, const char *server)
{
	size_t len = strlen(server);

	for (size_t i = 0; i < c->nevidence; i++) {
		const struct dsr_evidence *e = &c->evidence[i];
		if (e->type != DSR_EV_LIST || strcmp(e->key, "servers") != 0)
			continue;
		for (const char *p = e->text; *p; p += strcspn(p, ",")) {
			p += *p == ',';
			if (strncmp(p, server, len) == 0 && (p[len] == ',' || p[len] == '\0'))
				return true;
		}
	}
	return false;
}

#define NONE ((size_t)-1)

/* The checks of one server of one service (or of this host, for dsrcheck
 * local), or of the service itself: members linked through work.next. */
struct group {
	const char *service, *server;
	bool local;
	size_t head, tail;
};

struct work {
	const struct dsr_check *checks;
	size_t n;
	const char **server; /* per check: its group's server, or NULL */
	size_t *next;        /* per check: the next member of its group */
	bool *explained;
	bool *marked;        /* per check: picked for the finding being made */
	size_t *picked;      /* the checks of the finding being made */
	struct group *groups;
	size_t ngroups;
	size_t *slots; /* open addressing: (service, server, local) to group */
	size_t nslots;
	struct dsr_findings *out;
	size_t cap;
	bool failed;
};

static size_t hash_text(size_t h, const char *s)
{
	for (const char *p = s; p && *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	return (h ^ (s ? 0xffu : 0u)) * 1099511628211u;
}

/* The index of group (service, server, local), made when make is set; or NONE. */
static size_t group_of(struct work *w, const char *service, const char *server, bool local,
		       bool make)
{
	size_t h = hash_text(hash_text((size_t)14695981039346656037u + local, service), server);

	for (size_t k = h & (w->nslots - 1);; k = (k + 1) & (w->nslots - 1)) {
		size_t g = w->slots[k];
		if (g == NONE) {
			if (!make)
				return NONE;
			w->slots[k] = w->ngroups;
			w->groups[w->ngroups] = (struct group){service, server, local, NONE, NONE};
			return w->ngroups++;
		}
		if (w->groups[g].local == local && same(w->groups[g].service, service) &&
		    same(w->groups[g].server, server))
			return g;
	}
}

static void join(struct work *w, size_t g, size_t i)
{
	struct group *grp = &w->groups[g];

	w->server[i] = grp->server;
	w->next[i] = NONE;
	if (grp->tail == NONE)
		grp->head = i;
	else
		w->next[grp->tail] = i;
	grp->tail = i;
}

/* The VIP's answers come from one server: a refusal or a wrong source
 * through the balancer is that server's. Who owns the VIP, how a balancer
 * schedules and who claimed the VIP are the service's, whoever they name. */
static bool answered_by_one_server(const struct dsr_check *c)
{
	static const char *const ids[] = {"tcp.vip", "icmp.vip", "dsr.return", "tcp6.vip", "icmp6.vip",
					  "dsr6.return"};
	for (size_t i = 0; c->id && i < sizeof(ids) / sizeof(ids[0]); i++)
		if (strcmp(c->id, ids[i]) == 0)
			return true;
	return false;
}

/* Every check into its group: its server's; for a service-level check, the
 * one server its evidence names when that server has checks of its own;
 * otherwise its service's. */
static void make_groups(struct work *w)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct dsr_check *c = &w->checks[i];
		if (c->server || is_local(c))
			join(w, group_of(w, c->service, c->server, is_local(c), true), i);
	}
	for (size_t i = 0; i < w->n; i++) {
		const struct dsr_check *c = &w->checks[i];
		if (c->server || is_local(c))
			continue;
		const char *name = answered_by_one_server(c) ? named_server(c) : NULL;
		size_t g = name ? group_of(w, c->service, name, false, false) : NONE;
		join(w, g != NONE ? g : group_of(w, c->service, NULL, false, true), i);
	}
}

static bool has_port(const int *ports, size_t n, int port)
{
	for (size_t i = 0; i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int cmp_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

static char *dup_text(const char *s)
{
	size_t len = strlen(s) + 1;
	char *d = malloc(len);
	if (d)
		memcpy(d, s, len);
	return d;
}

/* The platform the checks' remedies were written for (their "platform"
 * evidence, from the TTL of the server's replies). */
static enum dsr_platform platform_of(const struct work *w, const size_t *picked, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		const struct dsr_check *c = &w->checks[picked[k]];
		for (size_t e = 0; e < c->nevidence; e++) {
			if (strcmp(c->evidence[e].key, "platform") != 0)
				continue;
			if (strncmp(c->evidence[e].text, "linux", 5) == 0)
				return DSR_PLATFORM_LINUX_GUESSED;
			if (strncmp(c->evidence[e].text, "windows", 7) == 0)
				return DSR_PLATFORM_WINDOWS_GUESSED;
		}
	}
	return DSR_PLATFORM_UNKNOWN;
}

void dsr_finding_ports_text(const struct dsr_finding *f, char *out, size_t cap)
{
	size_t used = 0;

	if (cap)
		out[0] = '\0';
	for (size_t i = 0; i < f->nports && used < cap; i++) {
		const char *sep = i == 0 ? "" : i + 1 == f->nports ? " and " : ", ";
		int len = snprintf(out + used, cap - used, "%s%d", sep, f->ports[i]);
		if (len < 0)
			break;
		used += (size_t)len;
	}
}

/* Appends to buf[cap] at *used, cut at the end. */
DSR_PRINTF(4, 5) static void add(char *buf, size_t cap, size_t *used, const char *fmt, ...)
{
	va_list ap;

	if (*used >= cap)
		return;
	va_start(ap, fmt);
	int len = vsnprintf(buf + *used, cap - *used, fmt, ap);
	va_end(ap);
	if (len > 0)
		*used += (size_t)len;
	if (*used >= cap)
		*used = cap;
}

/* The words of finding f about the checks picked (w->picked, the first
 * ntriggers of them those that made it): summary, evidence, remedy. */
static int write_words(struct work *w, struct dsr_finding *f, size_t ntriggers)
{
	const struct dsr_finding_def *def = &dsr_finding_defs[f->kind];
	const struct dsr_check *first = &w->checks[f->checks[0]];
	char ports[128], summary[DSR_SUMMARY_MAX + 256], evidence[512], remedy[DSR_REMEDY_MAX];
	size_t used = 0;

	dsr_finding_ports_text(f, ports, sizeof(ports));
	summary[0] = '\0';
	if (f->kind == DSR_FINDING_CHECK) {
		char port[16] = "";
		if (first->port >= 0)
			snprintf(port, sizeof(port), " %d", first->port);
		add(summary, sizeof(summary), &used, "%s%s", f->nservers ? f->servers[0] : "",
		    f->nservers ? ": " : "");
		add(summary, sizeof(summary), &used, "%s%s", first->id ? first->id : "?", port);
		add(summary, sizeof(summary), &used, " %s: %s", first->reason ? first->reason : "",
		    dsr_check_summary_text(first));
	} else {
		for (size_t s = 0; s < f->nservers; s++)
			add(summary, sizeof(summary), &used, "%s%s", s ? ", " : "", f->servers[s]);
		if (!f->nservers && f->service)
			add(summary, sizeof(summary), &used, "service %s%s", f->service, "");
		add(summary, sizeof(summary), &used, "%s%s", f->nservers || f->service ? ": " : "",
		    def->title);
		if (f->nports && def->per_port)
			add(summary, sizeof(summary), &used, " on port%s %s", f->nports > 1 ? "s" : "",
			    ports);
		if (def->detail)
			add(summary, sizeof(summary), &used, " (%s%s)",
			    f->confidence == DSR_CONFIDENCE_LIKELY ? "likely: " : "", def->detail);
	}

	used = 0;
	evidence[0] = '\0';
	for (size_t k = 0; k < f->nchecks; k++) {
		const struct dsr_check *c = &w->checks[f->checks[k]];
		char port[16] = "";
		if (c->port >= 0)
			snprintf(port, sizeof(port), " %d", c->port);
		add(evidence, sizeof(evidence), &used, "%s%s", k ? ", " : "", c->id ? c->id : "?");
		add(evidence, sizeof(evidence), &used, "%s%s", c->server ? " " : "",
		    c->server ? c->server : "");
		add(evidence, sizeof(evidence), &used, "%s %s", port, c->reason ? c->reason : "");
	}

	remedy[0] = '\0';
	/* dsrcheck local's checks carry remedies made for this very host, and
	 * checks that agree on one remedy say it best. */
	bool one_remedy = true;
	for (size_t k = 1; k < ntriggers && one_remedy; k++)
		one_remedy = strcmp(dsr_check_remedy_text(&w->checks[w->picked[k]]),
				    dsr_check_remedy_text(&w->checks[w->picked[0]])) == 0;
	/* The finding's own remedy speaks one family's commands: for triggers of
	 * both (IPv4 and IPv6 broken alike), their own remedies say both. */
	bool v6 = dsr_check_is_ipv6(&w->checks[w->picked[0]]), one_family = true;
	for (size_t k = 1; k < ntriggers; k++)
		one_family = one_family && dsr_check_is_ipv6(&w->checks[w->picked[k]]) == v6;
	if (def->fix != DSR_FIX_NONE && !is_local(&w->checks[w->picked[0]]) && one_family &&
	    !(one_remedy && f->nports <= 1 && dsr_check_remedy_text(&w->checks[w->picked[0]])[0])) {
		const char *vip = NULL, *addr = NULL, *from = NULL, *mac = NULL;
		for (size_t k = 0; k < f->nchecks; k++) {
			const struct dsr_check *c = &w->checks[f->checks[k]];
			if (dsr_check_is_ipv6(c) != v6)
				continue;
			bool about_vip = c->id && (strstr(c->id, ".vip") || strstr(c->id, ".return"));
			if (c->target[0] && about_vip && !vip)
				vip = c->target;
			if (c->target[0] && !about_vip && !addr)
				addr = c->target;
			for (size_t e = 0; e < c->nevidence; e++) {
				const struct dsr_evidence *ev = &c->evidence[e];
				if (!from && strcmp(ev->key, "owners") == 0)
					from = ev->text;
				if (!mac && (strcmp(ev->key, "mac") == 0 || strcmp(ev->key, "macs") == 0))
					mac = ev->text;
			}
		}
		char one_port[16] = "", endpoint[64] = "";
		if (f->nports == 1)
			snprintf(one_port, sizeof(one_port), "%d", f->ports[0]);
		const char *where = vip ? vip : addr;
		bool bracket = where && one_port[0] && strchr(where, ':'); /* [2001:2::100]:80 */
		if (where)
			snprintf(endpoint, sizeof(endpoint), "%s%s%s%s", bracket ? "[" : "", where,
				 bracket ? "]:" : one_port[0] ? ":" : "", one_port);
		struct dsr_fix_args args = {
			.vip = vip, .addr = addr ? addr : vip, .port = one_port, .endpoint = endpoint,
			.mac = mac, .from = from ? from : mac,
		};
		dsr_fix_render(remedy, sizeof(remedy), v6 ? dsr_fix_ipv6(def->fix) : def->fix,
			       platform_of(w, f->checks, f->nchecks), &args);
		if (f->nports > 1 && def->per_port) {
			/* Inside the last sentence: "... restart it (ports 80 and 8080)." */
			size_t len = strlen(remedy);
			bool stop = len && remedy[len - 1] == '.';
			snprintf(remedy + len - stop, sizeof(remedy) - len + stop, " (ports %s)%s", ports,
				 stop ? "." : "");
		}
	} else {
		/* The own remedies of the checks that made it (not of those it
		 * absorbed: a server that is down needs no advice about its VIP),
		 * each once. */
		used = 0;
		for (size_t k = 0; k < ntriggers; k++) {
			const char *r = dsr_check_remedy_text(&w->checks[w->picked[k]]);
			bool seen = !r[0];
			for (size_t j = 0; j < k && !seen; j++)
				seen = strcmp(dsr_check_remedy_text(&w->checks[w->picked[j]]), r) == 0;
			/* Sentences follow each other; commands get a separator. */
			const char *sep = !used ? "" : remedy[used - 1] == '.' ? " " : "; ";
			if (!seen)
				add(remedy, sizeof(remedy), &used, "%s%s", sep, r);
		}
	}
	f->summary = dup_text(summary);
	f->evidence = dup_text(evidence);
	f->remedy = dup_text(remedy);
	return f->summary && f->evidence && f->remedy ? 0 : -1;
}

/* Makes one finding of kind from w->picked[0..npicked) (the first ntriggers
 * made it) and marks them explained. */
static void emit(struct work *w, enum dsr_finding_kind kind, enum dsr_confidence confidence,
		 size_t ntriggers, size_t npicked)
{
	struct dsr_finding *f;

	if (w->failed)
		return;
	if (w->out->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 8;
		struct dsr_finding *items = realloc(w->out->items, cap * sizeof(*items));
		if (!items) {
			w->failed = true;
			return;
		}
		w->out->items = items;
		w->cap = cap;
	}
	f = &w->out->items[w->out->n++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->name = dsr_finding_defs[kind].name;
	f->confidence = confidence;
	f->status = DSR_WARN;
	f->checks = malloc(npicked * sizeof(*f->checks));
	f->ports = malloc(npicked * sizeof(*f->ports));
	f->servers = malloc(npicked * sizeof(*f->servers));
	if (!f->checks || !f->ports || !f->servers) {
		w->failed = true;
		return;
	}
	for (size_t k = 0; k < npicked; k++) {
		size_t i = w->picked[k];
		const struct dsr_check *c = &w->checks[i];
		w->explained[i] = true;
		w->marked[i] = false;
		f->checks[f->nchecks++] = i;
		if (c->status == DSR_FAIL)
			f->status = DSR_FAIL;
		if (!f->service)
			f->service = c->service;
		if (!f->vlan)
			f->vlan = c->vlan;
		if (c->port >= 0 && !has_port(f->ports, f->nports, c->port))
			f->ports[f->nports++] = c->port;
		bool known = !w->server[i];
		for (size_t s = 0; s < f->nservers && !known; s++)
			known = same(f->servers[s], w->server[i]);
		if (!known)
			f->servers[f->nservers++] = w->server[i];
	}
	qsort(f->ports, f->nports, sizeof(*f->ports), cmp_int);
	qsort(f->checks, f->nchecks, sizeof(*f->checks), cmp_index);
	if (write_words(w, f, ntriggers) < 0)
		w->failed = true;
}

/* Does c name a MAC one of the picked checks names? A capture's arp.vip
 * knows the MACs, not the servers behind them. */
static bool shares_mac(const struct work *w, const struct dsr_check *c, size_t npicked)
{
	for (size_t k = 0; k < npicked; k++) {
		const struct dsr_check *p = &w->checks[w->picked[k]];
		for (size_t a = 0; a < c->nmacs; a++)
			for (size_t b = 0; b < p->nmacs; b++)
				if (memcmp(c->macs[a], p->macs[b], 6) == 0)
					return true;
	}
	return false;
}

/* Picks check i for the finding being made. */
static void pick(struct work *w, size_t *npicked, size_t i)
{
	w->marked[i] = true;
	w->picked[(*npicked)++] = i;
}

/* Tries rule r on group g; makes its finding if it fits. */
static void try_rule(struct work *w, const struct rule *r, size_t g)
{
	const struct group *grp = &w->groups[g];
	size_t npicked = 0, nports = 0;
	int ports[64];
	bool any_port = false;

	for (size_t i = grp->head; i != NONE; i = w->next[i])
		if (matches(r->unless, &w->checks[i]))
			return;
	for (size_t i = grp->head; i != NONE; i = w->next[i]) {
		const struct dsr_check *c = &w->checks[i];
		if (w->explained[i] || !matches(r->when, c))
			continue;
		pick(w, &npicked, i);
		if (c->port < 0)
			any_port = true;
		else if (nports < sizeof(ports) / sizeof(ports[0]) && !has_port(ports, nports, c->port))
			ports[nports++] = c->port;
	}
	if (npicked == 0)
		return;
	size_t ntriggers = npicked;
	/* The group's own checks, then those of its service that name this server
	 * (or one of its MACs) among others. */
	size_t service = grp->server ? group_of(w, grp->service, NULL, false, false) : NONE;
	for (int pass = 0; pass < 2; pass++) {
		size_t first = pass == 0 ? grp->head : service == NONE ? NONE : w->groups[service].head;
		for (size_t i = first; i != NONE; i = w->next[i]) {
			const struct dsr_check *c = &w->checks[i];
			if (w->marked[i] || w->explained[i] || !matches(r->also, c))
				continue;
			if (pass == 1 && !names(c, grp->server) && !shares_mac(w, c, ntriggers))
				continue;
			if (!r->whole_server && c->port >= 0 && !any_port &&
			    !has_port(ports, nports, c->port))
				continue;
			pick(w, &npicked, i);
		}
	}
	emit(w, r->kind, r->confidence, ntriggers, npicked);
}

static int cmp_finding(const void *a, const void *b)
{
	const struct dsr_finding *x = a, *y = b;

	if (x->status != y->status)
		return x->status == DSR_FAIL ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return (x->checks[0] > y->checks[0]) - (x->checks[0] < y->checks[0]);
}

int dsr_diagnose(const struct dsr_check *checks, size_t n, struct dsr_findings *out)
{
	struct work w = {.checks = checks, .n = n, .out = out};

	out->items = NULL;
	out->n = 0;
	if (n == 0)
		return 0;
	for (w.nslots = 16; w.nslots < 2 * n; w.nslots *= 2)
		;
	w.server = calloc(n, sizeof(*w.server));
	w.next = calloc(n, sizeof(*w.next));
	w.explained = calloc(n, sizeof(*w.explained));
	w.marked = calloc(n, sizeof(*w.marked));
	w.picked = calloc(n, sizeof(*w.picked));
	w.groups = calloc(n, sizeof(*w.groups));
	w.slots = malloc(w.nslots * sizeof(*w.slots));
	if (!w.server || !w.next || !w.explained || !w.marked || !w.picked || !w.groups || !w.slots) {
		w.failed = true;
		goto done;
	}
	for (size_t k = 0; k < w.nslots; k++)
		w.slots[k] = NONE;
	make_groups(&w);
	for (size_t i = 0; i < n; i++)
		w.explained[i] = !broken(&checks[i]);
	for (size_t r = 0; r < NRULES && !w.failed; r++)
		for (size_t g = 0; g < w.ngroups && !w.failed; g++) {
			bool server_group = w.groups[g].server || w.groups[g].local;
			if (server_group == (rules[r].scope == PER_SERVER))
				try_rule(&w, &rules[r], g);
		}
	/* What no rule took stands on its own. */
	for (size_t i = 0; i < n && !w.failed; i++)
		if (!w.explained[i]) {
			size_t one = 0;
			pick(&w, &one, i);
			emit(&w, DSR_FINDING_CHECK, DSR_CONFIDENCE_CERTAIN, one, one);
		}
	if (!w.failed && out->n > 1)
		qsort(out->items, out->n, sizeof(*out->items), cmp_finding);
done:
	free(w.server);
	free(w.next);
	free(w.explained);
	free(w.marked);
	free(w.picked);
	free(w.groups);
	free(w.slots);
	if (w.failed) {
		dsr_findings_free(out);
		return -1;
	}
	return 0;
}

void dsr_findings_free(struct dsr_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		struct dsr_finding *x = &f->items[i];
		free(x->checks);
		free(x->ports);
		free(x->servers);
		free((char *)x->summary);
		free((char *)x->remedy);
		free((char *)x->evidence);
	}
	free(f->items);
	f->items = NULL;
	f->n = 0;
}

/* Does the catalogue give check id[0..idlen) the reason r[0..rlen) ("*": any)? */
static bool catalogued(const char *id, size_t idlen, const char *r, size_t rlen)
{
	bool any = rlen == 1 && r[0] == '*', pass = rlen == 4 && memcmp(r, "pass", 4) == 0;

	for (size_t k = 0; k < DSR_CHECK_COUNT; k++) {
		const struct dsr_check_def *d = &dsr_checks[k];
		if (strlen(d->id) != idlen || memcmp(d->id, id, idlen) != 0)
			continue;
		if (any || pass)
			return true;
		for (size_t i = 0; i < d->nreasons; i++) {
			const char *name = dsr_reason_names[d->reasons[i].reason];
			if (strlen(name) == rlen && memcmp(name, r, rlen) == 0)
				return true;
		}
	}
	return false;
}

int dsr_diagnose_rules_check(char *err, size_t errlen)
{
	for (size_t r = 0; r < NRULES; r++) {
		const char *patterns[] = {rules[r].when, rules[r].unless, rules[r].also};
		for (size_t k = 0; k < 3; k++)
			for (const char *p = patterns[k]; p && *p;) {
				size_t len = strcspn(p, " "), idlen = strcspn(p, ":");
				if (idlen >= len || !catalogued(p, idlen, p + idlen + 1, len - idlen - 1)) {
					snprintf(err, errlen, "rule %zu (%s): '%.*s' is not in the catalogue", r,
						 dsr_finding_defs[rules[r].kind].name, (int)len, p);
					return -1;
				}
				p += len;
				p += strspn(p, " ");
			}
	}
	return 0;
}

/* A paragraph of the man page, wrapped at spaces before 80 bytes when written. */
struct man_text {
	char text[2048];
	size_t len;
};

/* s[0..n) into t; for_man: '-' as \- (a hyphen, not a minus), '\' doubled. */
static void put_doc(struct man_text *t, const char *s, size_t n, bool for_man)
{
	for (size_t i = 0; i < n && s[i] && t->len + 3 < sizeof(t->text); i++) {
		if (for_man && (s[i] == '-' || s[i] == '\\'))
			t->text[t->len++] = '\\';
		t->text[t->len++] = for_man && s[i] == '\\' ? '\\' : s[i];
	}
	t->text[t->len] = '\0';
}

static void put_raw(struct man_text *t, const char *s)
{
	put_doc(t, s, strlen(s), false);
}

static void flush_man(FILE *out, struct man_text *t)
{
	const char *p = t->text;

	while (strlen(p) > 79) {
		const char *cut = p + 79;
		while (cut > p && *cut != ' ')
			cut--;
		if (cut == p)
			cut = strchr(p + 79, ' ');
		if (!cut)
			break;
		fprintf(out, "%.*s\n", (int)(cut - p), p);
		p = cut + 1;
	}
	fprintf(out, "%s\n", p);
	t->len = 0;
	t->text[0] = '\0';
}

/* The words of rule patterns for the documentation: "`tcp.vip.direct` refused". */
static void doc_patterns(struct man_text *t, enum dsr_finding_kind kind, bool man)
{
	bool first = true;

	for (size_t r = 0; r < NRULES; r++) {
		if (rules[r].kind != kind)
			continue;
		for (const char *p = rules[r].when; *p;) {
			size_t len = strcspn(p, " "), idlen = strcspn(p, ":");
			const char *reason = p + idlen + 1;
			size_t rlen = len - idlen - 1;
			bool any = rlen == 1 && reason[0] == '*';
			put_raw(t, first ? "" : ", ");
			put_raw(t, man ? "\\fB" : "`");
			put_doc(t, p, idlen, man);
			put_raw(t, man ? "\\fR " : "` ");
			put_doc(t, any ? "(any reason)" : reason, any ? 12 : rlen, man);
			first = false;
			p += len;
			p += strspn(p, " ");
		}
	}
	if (first)
		put_raw(t, "any failing or warning check no rule explains, in its own words");
}

int dsr_findings_doc(FILE *out, const char *format)
{
	bool man = strcmp(format, "man") == 0;
	struct man_text t = {.len = 0};

	if (!man && strcmp(format, "markdown") != 0)
		return -1;
	if (!man)
		fputs("| finding | what is wrong | made from |\n|---|---|---|\n", out);
	for (int k = 0; k < DSR_FINDING_COUNT; k++) {
		const struct dsr_finding_def *d = &dsr_finding_defs[k];
		const char *detail = d->detail ? d->detail : "";
		if (man) {
			fputs(".TP\n.B ", out);
			put_doc(&t, d->name, strlen(d->name), true);
			flush_man(out, &t);
		} else {
			put_raw(&t, "| `");
			put_raw(&t, d->name);
			put_raw(&t, "` | ");
		}
		put_doc(&t, d->title, strlen(d->title), man);
		put_raw(&t, *detail ? "; " : "");
		put_doc(&t, detail, strlen(detail), man);
		put_raw(&t, man ? ". Made from: " : " | ");
		doc_patterns(&t, (enum dsr_finding_kind)k, man);
		put_raw(&t, man ? "." : " |");
		if (man) {
			flush_man(out, &t);
		} else {
			fprintf(out, "%s\n", t.text);
			t.len = 0;
		}
	}
	return ferror(out) ? -1 : 0;
}
