/* Does the Linux firewall drop the VIP's traffic? For local.firewall: in the
 * lab's firewall scenario (and on servers whose rules were written for the real
 * address only) frames for the VIP reach the server and are dropped before the
 * service sees them, which from the wire looks the same as no VIP on lo.
 *
 * Evaluates the text of `nft list ruleset` and `iptables-save` for one packet:
 * a new TCP connection (a SYN, conntrack state new) from an unknown client to
 * vip:port, arriving on a segment-facing interface. Chains are walked in order,
 * jumps followed (bounded), and every match is yes, no or maybe: what dsrcheck
 * cannot evaluate (named sets, marks, limits, an unknown client's address) is a
 * maybe, and a maybe never becomes a fail, only "unclear". Only filter chains on
 * the prerouting, input and (netdev) ingress hooks of ip/inet/netdev tables, and
 * iptables' raw/mangle PREROUTING and filter/mangle INPUT, see the packet.
 *
 * For an IPv6 packet (local6.firewall) the same walk runs over ip6/inet/netdev
 * tables and ip6tables-save's chains: a match of the other family ("ip daddr"
 * in an inet chain, "icmp") never matches it, as in the kernel. Pure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "local.h"
#include "../src/parse.h"

#define MAX_CHAINS 256
#define MAX_TOKENS 96
#define MAX_JUMP_DEPTH 8

enum match { NO, YES, MAYBE };

struct chain {
	char family[16], table[64], name[64];
	bool base, relevant, policy_drop;
};

struct ruleset {
	const char (*lines)[DSR_LOCAL_TEXT];
	size_t nlines;
	int *chain_of; /* per line: the chain a rule line belongs to, -1 for none */
	struct chain chains[MAX_CHAINS];
	size_t nchains;
};

struct packet {
	bool v6;
	uint32_t vip; /* host order */
	struct in6_addr vip6;
	int port;
	const char *const *ifaces;
	size_t nifaces;
};

/* ---- tokens: words, "quoted strings" and { sets } ---- */

struct tokens {
	char buf[DSR_LOCAL_TEXT];
	char *t[MAX_TOKENS];
	size_t n;
};

static void tokenize(const char *line, struct tokens *tk)
{
	char *p;

	snprintf(tk->buf, sizeof(tk->buf), "%s", line);
	tk->n = 0;
	p = tk->buf;
	while (*p && tk->n < MAX_TOKENS) {
		char *start;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		start = p;
		if (*p == '{') {
			while (*p && *p != '}')
				p++;
			if (*p)
				p++;
		} else if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				;
			if (*p)
				p++;
		} else {
			while (*p && *p != ' ' && *p != '\t')
				p++;
		}
		if (*p)
			*p++ = '\0';
		tk->t[tk->n++] = start;
	}
}

static const char *unquote(const char *v, char *out, size_t size)
{
	size_t n = strlen(v);

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
		snprintf(out, size, "%.*s", (int)(n - 2), v + 1);
	else
		snprintf(out, size, "%s", v);
	return out;
}

/* ---- values ---- */

/* Calls each(item) for each element of "x", "{ x, y }" or "x,y"; true if any did. */
static bool any_item(const char *value, bool (*each)(const char *item, const void *arg),
		     const void *arg)
{
	char buf[DSR_LOCAL_TEXT];
	char *save = NULL;

	snprintf(buf, sizeof(buf), "%s", value);
	for (char *it = strtok_r(buf, "{}, \t", &save); it; it = strtok_r(NULL, "{}, \t", &save))
		if (each(it, arg))
			return true;
	return false;
}

static bool address_covers(const char *item, const void *arg)
{
	uint32_t vip = *(const uint32_t *)arg, lo, hi;
	char buf[40];
	char *slash, *dash;
	struct in_addr a, b;
	unsigned len = 32;

	snprintf(buf, sizeof(buf), "%s", item);
	slash = strchr(buf, '/');
	dash = strchr(buf, '-');
	if (dash) {
		*dash = '\0';
		if (dsr_parse_ipv4(buf, &a) < 0 || dsr_parse_ipv4(dash + 1, &b) < 0)
			return false;
		lo = ntohl(a.s_addr);
		hi = ntohl(b.s_addr);
		return vip >= lo && vip <= hi;
	}
	if (slash) {
		*slash = '\0';
		if (dsr_parse_uint(slash + 1, 0, 32, &len) < 0)
			return false;
	}
	if (dsr_parse_ipv4(buf, &a) < 0)
		return false;
	uint32_t mask = len ? ~0u << (32 - len) : 0;
	return (ntohl(a.s_addr) & mask) == (vip & mask);
}

/* IPv6: A, A-B or A/LEN, compared as 16-byte big-endian numbers. */
static bool address6_covers(const char *item, const void *arg)
{
	const struct in6_addr *vip = arg;
	char buf[100];
	char *slash, *dash;
	struct in6_addr a, b;
	unsigned len = 128;

	snprintf(buf, sizeof(buf), "%s", item);
	slash = strchr(buf, '/');
	dash = strchr(buf, '-');
	if (dash) {
		*dash = '\0';
		if (dsr_parse_ipv6(buf, &a) < 0 || dsr_parse_ipv6(dash + 1, &b) < 0)
			return false;
		return memcmp(vip, &a, 16) >= 0 && memcmp(vip, &b, 16) <= 0;
	}
	if (slash) {
		*slash = '\0';
		if (dsr_parse_uint(slash + 1, 0, 128, &len) < 0)
			return false;
	}
	if (dsr_parse_ipv6(buf, &a) < 0)
		return false;
	for (unsigned bit = 0; bit < len; bit++) {
		unsigned byte = bit / 8, m = 0x80u >> (bit % 8);
		if ((a.s6_addr[byte] & m) != (vip->s6_addr[byte] & m))
			return false;
	}
	return true;
}

/* The destination-address match of the packet's own family. */
static bool dest_covers(const char *item, const void *arg)
{
	const struct packet *pk = arg;

	return pk->v6 ? address6_covers(item, &pk->vip6) : address_covers(item, &pk->vip);
}

static bool port_covers(const char *item, const void *arg)
{
	int port = *(const int *)arg;
	char buf[24];
	char *sep;
	unsigned lo, hi;

	snprintf(buf, sizeof(buf), "%s", item);
	sep = strpbrk(buf, "-:");
	if (sep)
		*sep = '\0';
	if (dsr_parse_uint(buf, 0, 65535, &lo) < 0)
		return false;
	hi = lo;
	if (sep && dsr_parse_uint(sep + 1, 0, 65535, &hi) < 0)
		return false;
	return (unsigned)port >= lo && (unsigned)port <= hi;
}

/* A source match that every client passes: 0.0.0.0/0, ::/0. */
static bool all_sources(const char *v)
{
	return strcmp(v, "0.0.0.0/0") == 0 || strcmp(v, "::/0") == 0;
}

static bool is_tcp(const char *item, const void *arg)
{
	(void)arg;
	return strcmp(item, "tcp") == 0 || strcmp(item, "6") == 0;
}

static bool is_new(const char *item, const void *arg)
{
	(void)arg;
	return strcmp(item, "new") == 0 || strcmp(item, "NEW") == 0;
}

static bool is_facing(const char *item, const void *arg)
{
	const struct packet *pk = arg;
	char name[DSR_LOCAL_NAME];

	unquote(item, name, sizeof(name));
	for (size_t i = 0; i < pk->nifaces; i++)
		if (strcmp(pk->ifaces[i], name) == 0)
			return true;
	return false;
}

static enum match both(enum match a, enum match b)
{
	if (a == NO || b == NO)
		return NO;
	return a == MAYBE || b == MAYBE ? MAYBE : YES;
}

static enum match yes_no(bool b, bool negated)
{
	return b != negated ? YES : NO;
}

/* A value naming a set ("@allowed") or a variable cannot be evaluated here. */
static bool opaque(const char *v)
{
	return v[0] == '@' || v[0] == '$';
}

/* ---- one rule ---- */

/* The value at tk->t[at], after an optional "!=" ("ip daddr != X"); moves *i to it. */
static const char *value_at(const struct tokens *tk, size_t *i, size_t at, bool *neg)
{
	*neg = at < tk->n && strcmp(tk->t[at], "!=") == 0;
	at += *neg;
	*i = at;
	return at < tk->n ? tk->t[at] : "";
}

enum verdict { NONE, ACCEPT, DROP, JUMP, RETURN };

struct rule {
	enum match match;
	enum verdict verdict;
	char target[64]; /* JUMP */
};

static void nft_rule(const struct tokens *tk, const struct packet *pk, struct rule *r)
{
	enum match m = YES;

	r->verdict = NONE;
	for (size_t i = 0; i < tk->n; i++) {
		const char *w = tk->t[i];
		const char *next = i + 1 < tk->n ? tk->t[i + 1] : "";
		bool neg;
		const char *v;

		/* the packet's own family: "ip" for IPv4, "ip6" for IPv6 */
		bool own = strcmp(w, pk->v6 ? "ip6" : "ip") == 0;

		if (own && strcmp(next, "daddr") == 0) {
			v = value_at(tk, &i, i + 2, &neg);
			m = both(m, opaque(v) ? MAYBE : yes_no(any_item(v, dest_covers, pk), neg));
		} else if (own && strcmp(next, "saddr") == 0) {
			v = value_at(tk, &i, i + 2, &neg);
			/* the client is unknown: only a match-all is certain */
			m = both(m, all_sources(v) && !neg ? YES : MAYBE);
		} else if (own && strcmp(next, pk->v6 ? "nexthdr" : "protocol") == 0) {
			v = value_at(tk, &i, i + 2, &neg);
			m = both(m, opaque(v) ? MAYBE : yes_no(any_item(v, is_tcp, NULL), neg));
		} else if (pk->v6 && (strcmp(w, "ip") == 0 || strcmp(w, "icmp") == 0)) {
			m = NO; /* an IPv4 match: an inet chain's IPv6 packet never passes it */
			break;
		} else if (pk->v6 && strcmp(w, "meta") == 0 && strcmp(next, "nfproto") == 0) {
			v = value_at(tk, &i, i + 2, &neg);
			m = both(m, opaque(v) ? MAYBE : yes_no(strcmp(v, "ipv6") == 0, neg));
		} else if ((strcmp(w, "tcp") == 0 || strcmp(w, "th") == 0) && strcmp(next, "dport") == 0) {
			v = value_at(tk, &i, i + 2, &neg);
			m = both(m, opaque(v) || pk->port < 0
					    ? MAYBE
					    : yes_no(any_item(v, port_covers, &pk->port), neg));
		} else if (strcmp(w, "tcp") == 0) {
			i++; /* sport, flags, ...: not evaluated */
			m = both(m, MAYBE);
		} else if (strcmp(w, "udp") == 0 || strcmp(w, "icmp") == 0 || strcmp(w, "sctp") == 0 ||
			   (strcmp(w, "ip6") == 0 && !pk->v6) || strcmp(w, "icmpv6") == 0 || strcmp(w, "arp") == 0) {
			m = NO; /* another protocol */
			break;
		} else if (strcmp(w, "meta") == 0 && strcmp(next, "l4proto") == 0) {
			v = value_at(tk, &i, i + 2, &neg);
			m = both(m, opaque(v) ? MAYBE : yes_no(any_item(v, is_tcp, NULL), neg));
		} else if (strcmp(w, "iifname") == 0 || strcmp(w, "iif") == 0 ||
			   (strcmp(w, "meta") == 0 &&
			    (strcmp(next, "iifname") == 0 || strcmp(next, "iif") == 0))) {
			v = value_at(tk, &i, strcmp(w, "meta") == 0 ? i + 2 : i + 1, &neg);
			m = both(m, opaque(v) ? MAYBE : yes_no(any_item(v, is_facing, pk), neg));
		} else if (strcmp(w, "ct") == 0 && strcmp(next, "state") == 0) {
			v = value_at(tk, &i, i + 2, &neg);
			m = both(m, opaque(v) ? MAYBE : yes_no(any_item(v, is_new, NULL), neg));
		} else if (strcmp(w, "counter") == 0) {
			if (i + 4 < tk->n && strcmp(tk->t[i + 1], "packets") == 0)
				i += 4;
		} else if (strcmp(w, "comment") == 0 || strcmp(w, "prefix") == 0 ||
			   strcmp(w, "level") == 0) {
			i++;
		} else if (strcmp(w, "log") == 0) {
			/* no verdict */
		} else if (strcmp(w, "accept") == 0) {
			r->verdict = ACCEPT;
			break;
		} else if (strcmp(w, "drop") == 0 || strcmp(w, "reject") == 0) {
			r->verdict = DROP;
			break;
		} else if (strcmp(w, "jump") == 0 || strcmp(w, "goto") == 0) {
			r->verdict = JUMP;
			snprintf(r->target, sizeof(r->target), "%s", next);
			break;
		} else if (strcmp(w, "return") == 0) {
			r->verdict = RETURN;
			break;
		} else {
			m = both(m, MAYBE);
		}
	}
	r->match = m;
}

static void ipt_rule(const struct tokens *tk, const struct packet *pk, struct rule *r)
{
	enum match m = YES;
	bool neg = false;

	r->verdict = NONE;
	/* tk->t[0] is "-A", tk->t[1] the chain */
	for (size_t i = 2; i < tk->n; i++) {
		const char *w = tk->t[i];
		const char *v = i + 1 < tk->n ? tk->t[i + 1] : "";
		bool was_neg = neg;

		neg = false;
		if (strcmp(w, "!") == 0) {
			neg = true;
			continue;
		}
		if (strcmp(w, "-d") == 0 || strcmp(w, "--destination") == 0) {
			m = both(m, yes_no(any_item(v, dest_covers, pk), was_neg));
		} else if (strcmp(w, "-s") == 0 || strcmp(w, "--source") == 0) {
			m = both(m, all_sources(v) && !was_neg ? YES : MAYBE);
		} else if (strcmp(w, "-p") == 0 || strcmp(w, "--protocol") == 0) {
			m = both(m, yes_no(any_item(v, is_tcp, NULL), was_neg));
		} else if (strcmp(w, "--dport") == 0 || strcmp(w, "--destination-port") == 0 ||
			   strcmp(w, "--dports") == 0) {
			m = both(m, pk->port < 0 ? MAYBE : yes_no(any_item(v, port_covers, &pk->port), was_neg));
		} else if (strcmp(w, "-i") == 0 || strcmp(w, "--in-interface") == 0) {
			m = both(m, yes_no(any_item(v, is_facing, pk), was_neg));
		} else if (strcmp(w, "--ctstate") == 0 || strcmp(w, "--state") == 0) {
			m = both(m, yes_no(any_item(v, is_new, NULL), was_neg));
		} else if (strcmp(w, "-m") == 0 || strcmp(w, "--comment") == 0 ||
			   strcmp(w, "--reject-with") == 0 || strcmp(w, "--log-prefix") == 0) {
			/* no condition of its own */
		} else if (strcmp(w, "-j") == 0 || strcmp(w, "-g") == 0) {
			if (strcmp(v, "ACCEPT") == 0)
				r->verdict = ACCEPT;
			else if (strcmp(v, "DROP") == 0 || strcmp(v, "REJECT") == 0)
				r->verdict = DROP;
			else if (strcmp(v, "RETURN") == 0)
				r->verdict = RETURN;
			else if (strcmp(v, "LOG") == 0 || strcmp(v, "MARK") == 0 ||
				 strcmp(v, "CONNMARK") == 0 || strcmp(v, "NOTRACK") == 0 ||
				 strcmp(v, "CT") == 0)
				r->verdict = NONE;
			else {
				r->verdict = JUMP;
				snprintf(r->target, sizeof(r->target), "%s", v);
			}
			break;
		} else if (w[0] == '-') {
			m = both(m, MAYBE);
		} else {
			continue; /* the value of the option before */
		}
		if (w[0] == '-' && i + 1 < tk->n && tk->t[i + 1][0] != '-' && strcmp(w, "-j") != 0)
			i++; /* skip its value */
	}
	r->match = m;
}

/* ---- structure: tables, chains, policies ---- */

static int find_chain(const struct ruleset *rs, const char *family, const char *table,
		      const char *name)
{
	for (size_t i = 0; i < rs->nchains; i++)
		if (strcmp(rs->chains[i].family, family) == 0 &&
		    strcmp(rs->chains[i].table, table) == 0 && strcmp(rs->chains[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int add_chain(struct ruleset *rs, const char *family, const char *table, const char *name)
{
	int at = find_chain(rs, family, table, name);
	struct chain *c;

	if (at >= 0)
		return at;
	if (rs->nchains == MAX_CHAINS)
		return -1;
	c = &rs->chains[rs->nchains];
	memset(c, 0, sizeof(*c));
	snprintf(c->family, sizeof(c->family), "%s", family);
	snprintf(c->table, sizeof(c->table), "%s", table);
	snprintf(c->name, sizeof(c->name), "%s", name);
	return (int)rs->nchains++;
}

static int count(const char *s, char ch)
{
	int n = 0;
	for (; *s; s++)
		n += *s == ch;
	return n;
}

static bool is_ipt(const char *family)
{
	return strcmp(family, "iptables") == 0 || strcmp(family, "ip6tables") == 0;
}

static void structure(struct ruleset *rs, bool v6)
{
	char family[16] = "", table[64] = "", ipt_table[64] = "";
	const char *ipt_family = "iptables";
	int depth = 0, chain = -1;
	bool in_block = false; /* a set, map, ... inside a table */
	int block_depth = 0;

	for (size_t i = 0; i < rs->nlines; i++) {
		struct tokens tk;
		const char *line = rs->lines[i];

		rs->chain_of[i] = -1;
		tokenize(line, &tk);
		if (tk.n == 0)
			continue;
		/* iptables-save and ip6tables-save, told apart by the line each starts with */
		if (tk.t[0][0] == '#' && depth == 0) {
			if (strstr(line, "Generated by ip6tables-save"))
				ipt_family = "ip6tables";
			else if (strstr(line, "Generated by iptables-save"))
				ipt_family = "iptables";
			continue;
		}
		if (tk.t[0][0] == '*' && depth == 0) {
			snprintf(ipt_table, sizeof(ipt_table), "%s", tk.t[0] + 1);
			continue;
		}
		if (tk.t[0][0] == ':' && depth == 0 && ipt_table[0]) {
			int c = add_chain(rs, ipt_family, ipt_table, tk.t[0] + 1);
			if (c >= 0 && tk.n > 1 && strcmp(tk.t[1], "-") != 0) {
				struct chain *ch = &rs->chains[c];
				ch->base = true;
				ch->policy_drop = strcmp(tk.t[1], "DROP") == 0;
				ch->relevant = (strcmp(ipt_family, v6 ? "ip6tables" : "iptables") == 0) &&
					       ((strcmp(ipt_table, "filter") == 0 && strcmp(ch->name, "INPUT") == 0) ||
					       (strcmp(ipt_table, "mangle") == 0 &&
						(strcmp(ch->name, "INPUT") == 0 || strcmp(ch->name, "PREROUTING") == 0)) ||
					       (strcmp(ipt_table, "raw") == 0 && strcmp(ch->name, "PREROUTING") == 0));
			}
			continue;
		}
		if (strcmp(tk.t[0], "-A") == 0 && depth == 0 && ipt_table[0] && tk.n > 1) {
			rs->chain_of[i] = add_chain(rs, ipt_family, ipt_table, tk.t[1]);
			continue;
		}
		if (strcmp(tk.t[0], "COMMIT") == 0 && depth == 0) {
			ipt_table[0] = '\0';
			continue;
		}
		/* nft */
		if (in_block) {
			depth += count(line, '{') - count(line, '}');
			if (depth <= block_depth)
				in_block = false;
			continue;
		}
		if (depth == 0 && strcmp(tk.t[0], "table") == 0 && tk.n >= 3) {
			bool has_family = tk.n >= 4 && strcmp(tk.t[2], "{") != 0;
			snprintf(family, sizeof(family), "%s", has_family ? tk.t[1] : "ip");
			snprintf(table, sizeof(table), "%s", has_family ? tk.t[2] : tk.t[1]);
		} else if (depth == 1 && strcmp(tk.t[0], "chain") == 0 && tk.n >= 2) {
			chain = add_chain(rs, family, table, tk.t[1]);
		} else if (depth == 1 && strchr(line, '{')) {
			in_block = true; /* set, map, flowtable, counter, quota, ... */
			block_depth = depth;
		} else if (depth == 2 && chain >= 0 && strcmp(tk.t[0], "type") == 0) {
			struct chain *ch = &rs->chains[chain];
			bool filter = tk.n > 1 && strcmp(tk.t[1], "filter") == 0;
			ch->base = true;
			for (size_t k = 0; k + 1 < tk.n; k++) {
				if (strcmp(tk.t[k], "hook") == 0) {
					const char *h = tk.t[k + 1];
					bool ipish = strcmp(family, v6 ? "ip6" : "ip") == 0 ||
						     strcmp(family, "inet") == 0;
					ch->relevant = filter && ((ipish && (strcmp(h, "prerouting") == 0 ||
									     strcmp(h, "input") == 0)) ||
								  (strcmp(family, "netdev") == 0 &&
								   strcmp(h, "ingress") == 0));
				}
				if (strcmp(tk.t[k], "policy") == 0)
					ch->policy_drop = strncmp(tk.t[k + 1], "drop", 4) == 0;
			}
		} else if (depth == 2 && chain >= 0 && strcmp(tk.t[0], "}") != 0) {
			rs->chain_of[i] = chain;
		}
		depth += count(line, '{') - count(line, '}');
		if (depth < 0)
			depth = 0;
		if (depth < 2)
			chain = -1;
		if (depth == 0)
			family[0] = table[0] = '\0';
	}
}

/* ---- evaluation ---- */

enum outcome { FELL_THROUGH, ACCEPTED, DROPPED };

struct walk {
	const struct ruleset *rs;
	const struct packet *pk;
	bool maybe_accepted, maybe_dropped;
	size_t maybe_line, drop_line;
};

static enum outcome walk_chain(struct walk *w, int chain, int depth, bool certain)
{
	const struct ruleset *rs = w->rs;

	for (size_t i = 0; i < rs->nlines; i++) {
		struct tokens tk;
		struct rule r;

		if (rs->chain_of[i] != chain)
			continue;
		tokenize(rs->lines[i], &tk);
		if (is_ipt(rs->chains[chain].family))
			ipt_rule(&tk, w->pk, &r);
		else
			nft_rule(&tk, w->pk, &r);
		if (r.match == NO)
			continue;
		bool sure = certain && r.match == YES;
		switch (r.verdict) {
		case NONE:
			break;
		case ACCEPT:
			if (sure)
				return ACCEPTED;
			w->maybe_accepted = true;
			break;
		case DROP:
			if (sure) {
				w->drop_line = i;
				return DROPPED;
			}
			if (!w->maybe_dropped)
				w->maybe_line = i;
			w->maybe_dropped = true;
			break;
		case JUMP: {
			const struct chain *c = &rs->chains[chain];
			int target = find_chain(rs, c->family, c->table, r.target);
			enum outcome o;
			if (target < 0 || depth >= MAX_JUMP_DEPTH) {
				w->maybe_dropped = true;
				w->maybe_line = i;
				break;
			}
			o = walk_chain(w, target, depth + 1, sure);
			if (o != FELL_THROUGH && sure)
				return o;
			break;
		}
		case RETURN:
			if (sure)
				return FELL_THROUGH;
			break;
		}
	}
	return FELL_THROUGH;
}

static void trim_copy(char *dst, size_t size, const char *src)
{
	while (*src == ' ' || *src == '\t')
		src++;
	snprintf(dst, size, "%s", src);
}

static int severity(enum dsr_fw_verdict v)
{
	switch (v) {
	case DSR_FW_DROPPED:
		return 3;
	case DSR_FW_POLICY_DROP:
		return 2;
	case DSR_FW_UNCLEAR:
		return 1;
	case DSR_FW_ACCEPTED:
		break;
	}
	return 0;
}

static void eval(const char (*lines)[DSR_LOCAL_TEXT], size_t nlines, const struct packet *pkt,
		 struct dsr_fw_finding *out)
{
	struct ruleset *rs = calloc(1, sizeof(*rs));
	const struct packet pk = *pkt;

	memset(out, 0, sizeof(*out));
	out->verdict = DSR_FW_ACCEPTED;
	if (!rs || !(rs->chain_of = calloc(nlines ? nlines : 1, sizeof(int)))) {
		free(rs);
		out->verdict = DSR_FW_UNCLEAR;
		snprintf(out->rule, sizeof(out->rule), "out of memory");
		return;
	}
	rs->lines = lines;
	rs->nlines = nlines;
	structure(rs, pk.v6);
	for (size_t c = 0; c < rs->nchains; c++) {
		const struct chain *ch = &rs->chains[c];
		struct walk w = {.rs = rs, .pk = &pk};
		enum dsr_fw_verdict v;
		enum outcome o;
		size_t line = 0;
		bool policy = false;

		if (!ch->base || !ch->relevant)
			continue;
		o = walk_chain(&w, (int)c, 0, true);
		if (o == DROPPED) {
			/* an earlier rule that may have accepted it makes the drop uncertain */
			v = w.maybe_accepted ? DSR_FW_UNCLEAR : DSR_FW_DROPPED;
			line = w.drop_line;
		} else if (o == FELL_THROUGH && ch->policy_drop) {
			v = w.maybe_accepted ? DSR_FW_UNCLEAR : DSR_FW_POLICY_DROP;
			policy = true;
		} else if (w.maybe_dropped) {
			v = DSR_FW_UNCLEAR;
			line = w.maybe_line;
		} else {
			continue;
		}
		/* the worst finding wins: dropped, policy drop, unclear */
		if (severity(v) <= severity(out->verdict))
			continue;
		out->verdict = v;
		out->iptables = is_ipt(ch->family);
		if (out->iptables)
			snprintf(out->chain, sizeof(out->chain), "%s %s", ch->table, ch->name);
		else
			snprintf(out->chain, sizeof(out->chain), "%s %s %s", ch->family, ch->table, ch->name);
		if (policy)
			snprintf(out->rule, sizeof(out->rule), "policy drop");
		else
			trim_copy(out->rule, sizeof(out->rule), lines[line]);
	}
	free(rs->chain_of);
	free(rs);
}

void dsr_linux_fw_eval(const char (*lines)[DSR_LOCAL_TEXT], size_t nlines, struct in_addr vip,
		       int port, const char *const *ifaces, size_t nifaces,
		       struct dsr_fw_finding *out)
{
	struct packet pk = {.vip = ntohl(vip.s_addr), .port = port, .ifaces = ifaces, .nifaces = nifaces};

	eval(lines, nlines, &pk, out);
}

void dsr_linux_fw_eval6(const char (*lines)[DSR_LOCAL_TEXT], size_t nlines,
			const struct in6_addr *vip6, int port, const char *const *ifaces,
			size_t nifaces, struct dsr_fw_finding *out)
{
	struct packet pk = {.v6 = true, .vip6 = *vip6, .port = port, .ifaces = ifaces, .nifaces = nifaces};

	eval(lines, nlines, &pk, out);
}
