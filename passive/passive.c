#include "passive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../probes/probe.h"
#include "../probes/remedy.h"
#include "../platform/netcompat.h"
#include "../src/parse.h"

/* Bounded tables keep memory flat on a capture of any size, or a watch of any
 * length: what does not fit is counted, never grown without limit. */
#define ADDR_MAX (1u << 18)
#define FLOW_SLOTS (1u << 16)
#define MACS_PER_ADDR 4

/* One address as ARP shows it: the MACs that used it as sender address. */
struct owner {
	uint8_t mac[6];
	unsigned long frames;
	unsigned long first_frame;
	uint16_t first_op;
	struct in_addr first_tpa;
	struct timeval first_ts;
};

struct addr {
	uint32_t ip; /* network order; 0: free slot */
	struct owner owners[MACS_PER_ADDR];
	unsigned nowners;
	unsigned last;  /* index of the owner seen last */
	unsigned flips; /* times the owner changed */
	bool alerted;
};

/* A connection or echo made to a VIP, awaiting its reply. */
struct flow {
	uint32_t client, vip; /* network order; client 0: free */
	uint16_t client_port, port; /* TCP ports, or ICMP id and sequence */
	bool icmp;
};

/* What replies to VIP flows showed for one (server, port): port -1 for ICMP. */
struct direct_tally {
	size_t server;
	int port;
	unsigned long ok, wrong, wrong_frame;
	uint32_t wrong_source;
};

struct dsr_passive {
	const struct dsr_config *cfg;
	struct addr *addrs;
	size_t addr_cap, naddrs;
	struct flow *flows;
	struct direct_tally *tallies;
	size_t ntallies, tally_cap;
	size_t dropped;
	dsr_alert_fn alert;
	void *alert_arg;
};

static uint32_t hash32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

struct dsr_passive *dsr_passive_new(const struct dsr_config *cfg)
{
	struct dsr_passive *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->cfg = cfg;
	p->addr_cap = 1024;
	p->addrs = calloc(p->addr_cap, sizeof(*p->addrs));
	p->flows = calloc(FLOW_SLOTS, sizeof(*p->flows));
	if (!p->addrs || !p->flows) {
		dsr_passive_free(p);
		return NULL;
	}
	return p;
}

void dsr_passive_free(struct dsr_passive *p)
{
	if (!p)
		return;
	free(p->addrs);
	free(p->flows);
	free(p->tallies);
	free(p);
}

void dsr_passive_on_alert(struct dsr_passive *p, dsr_alert_fn fn, void *arg)
{
	p->alert = fn;
	p->alert_arg = arg;
}

size_t dsr_passive_dropped(const struct dsr_passive *p)
{
	return p->dropped;
}

static struct addr *slot(struct addr *table, size_t cap, uint32_t ip)
{
	size_t i = hash32(ip) & (cap - 1);
	while (table[i].ip && table[i].ip != ip)
		i = (i + 1) & (cap - 1);
	return &table[i];
}

static struct addr *find_addr(const struct dsr_passive *p, uint32_t ip)
{
	struct addr *a = slot(p->addrs, p->addr_cap, ip);
	return a->ip ? a : NULL;
}

static struct addr *add_addr(struct dsr_passive *p, uint32_t ip)
{
	struct addr *a = slot(p->addrs, p->addr_cap, ip);
	if (a->ip)
		return a;
	if ((p->naddrs + 1) * 4 > p->addr_cap * 3) {
		if (p->addr_cap >= ADDR_MAX)
			return NULL;
		struct addr *bigger = calloc(p->addr_cap * 2, sizeof(*bigger));
		if (!bigger)
			return NULL;
		for (size_t i = 0; i < p->addr_cap; i++)
			if (p->addrs[i].ip)
				*slot(bigger, p->addr_cap * 2, p->addrs[i].ip) = p->addrs[i];
		free(p->addrs);
		p->addrs = bigger;
		p->addr_cap *= 2;
		a = slot(p->addrs, p->addr_cap, ip);
	}
	a->ip = ip;
	p->naddrs++;
	return a;
}

static bool is_vip(const struct dsr_config *cfg, uint32_t ip)
{
	for (size_t i = 0; i < cfg->nservices; i++)
		if (cfg->services[i].vip.s_addr == ip)
			return true;
	return false;
}

/* A claim on a VIP that must be reported at once: by a configured real server,
 * or (where the balancer's MACs are listed) by any MAC not listed. */
static bool foreign_claim(const struct dsr_config *cfg, uint32_t vip, const uint8_t mac[6])
{
	for (size_t i = 0; i < cfg->nservices; i++) {
		const struct dsr_service *svc = &cfg->services[i];
		if (svc->vip.s_addr != vip)
			continue;
		if (svc->nbalancer_macs && !dsr_mac_in(svc->balancer_macs, svc->nbalancer_macs, mac))
			return true;
		for (size_t k = 0; k < svc->nservers; k++) {
			const struct dsr_server *srv = &cfg->servers[svc->servers[k]];
			if (srv->has_mac && memcmp(srv->mac, mac, 6) == 0)
				return true;
		}
	}
	return false;
}

static void raise_alert(struct dsr_passive *p, struct addr *a, const char *what,
			const struct timeval *ts)
{
	char line[256], ip[16], macs[4 * 19] = "";
	struct in_addr in = {.s_addr = a->ip};

	if (!p->alert || a->alerted)
		return;
	a->alerted = true;
	dsr_format_ipv4(in, ip);
	for (unsigned i = 0; i < a->nowners; i++) {
		char mac[18];
		dsr_format_mac(a->owners[i].mac, mac);
		strcat(macs, i ? "," : "");
		strcat(macs, mac);
	}
	snprintf(line, sizeof(line), "%ld.%06ld %s %s macs=%s", (long)ts->tv_sec, (long)ts->tv_usec,
		 what, ip, macs);
	p->alert(line, p->alert_arg);
}

static void arp_frame(struct dsr_passive *p, const struct dsr_frame *f, const struct timeval *ts,
		      unsigned long frame_no)
{
	/* 0.0.0.0 is an RFC 5227 probe: it asks, it claims nothing. */
	if (f->arp.spa.s_addr == 0)
		return;
	struct addr *a = add_addr(p, f->arp.spa.s_addr);
	if (!a) {
		p->dropped++;
		return;
	}
	unsigned i = 0;
	while (i < a->nowners && memcmp(a->owners[i].mac, f->arp.sha, 6) != 0)
		i++;
	if (i == a->nowners) {
		if (a->nowners == MACS_PER_ADDR) {
			p->dropped++;
			return;
		}
		struct owner *o = &a->owners[a->nowners++];
		memcpy(o->mac, f->arp.sha, 6);
		o->first_frame = frame_no;
		o->first_op = f->arp.op;
		o->first_tpa = f->arp.tpa;
		o->first_ts = *ts;
	}
	a->owners[i].frames++;
	if (a->nowners > 1 && a->last != i)
		a->flips++;
	a->last = i;
	if (is_vip(p->cfg, a->ip)) {
		if (foreign_claim(p->cfg, a->ip, f->arp.sha))
			raise_alert(p, a, "vip-claim", ts);
	} else if (a->nowners > 1) {
		raise_alert(p, a, "conflict", ts);
	}
}

static struct flow *flow_slot(struct dsr_passive *p, uint32_t client, uint16_t client_port,
			      uint16_t port, bool icmp)
{
	uint32_t h = hash32(client ^ hash32(((uint32_t)client_port << 16) | port) ^ (icmp ? 1u : 0u));
	return &p->flows[h & (FLOW_SLOTS - 1)];
}

static struct direct_tally *tally(struct dsr_passive *p, size_t server, int port)
{
	for (size_t i = 0; i < p->ntallies; i++)
		if (p->tallies[i].server == server && p->tallies[i].port == port)
			return &p->tallies[i];
	if (p->ntallies == p->tally_cap) {
		size_t cap = p->tally_cap ? p->tally_cap * 2 : 32;
		struct direct_tally *t = realloc(p->tallies, cap * sizeof(*t));
		if (!t)
			return NULL;
		p->tallies = t;
		p->tally_cap = cap;
	}
	struct direct_tally *t = &p->tallies[p->ntallies++];
	memset(t, 0, sizeof(*t));
	t->server = server;
	t->port = port;
	return t;
}

/* The configured server that sent a reply: by its real address, else its MAC. */
static bool sender(const struct dsr_config *cfg, const struct dsr_frame *f, size_t *server)
{
	for (size_t i = 0; i < cfg->nservers; i++)
		if (cfg->servers[i].addr.s_addr == f->ip.src.s_addr ||
		    (cfg->servers[i].has_mac && memcmp(cfg->servers[i].mac, f->eth_src, 6) == 0)) {
			*server = i;
			return true;
		}
	return false;
}

static void ip_frame(struct dsr_passive *p, const struct dsr_frame *f, unsigned long frame_no)
{
	bool icmp = f->l4 == DSR_L4_ICMP;
	uint16_t a, b;

	if (icmp && (f->icmp.type == DSR_ICMP_ECHO || f->icmp.type == DSR_ICMP_ECHO_REPLY)) {
		a = f->icmp.id;
		b = f->icmp.seq;
	} else if (f->l4 == DSR_L4_TCP) {
		a = f->tcp.sport;
		b = f->tcp.dport;
	} else {
		return;
	}
	bool request = icmp ? f->icmp.type == DSR_ICMP_ECHO
			    : (f->tcp.flags & (DSR_TCP_SYN | DSR_TCP_ACK)) == DSR_TCP_SYN;
	if (request) {
		if (!is_vip(p->cfg, f->ip.dst.s_addr))
			return;
		struct flow *fl = flow_slot(p, f->ip.src.s_addr, a, b, icmp);
		fl->client = f->ip.src.s_addr;
		fl->vip = f->ip.dst.s_addr;
		fl->client_port = a;
		fl->port = b;
		fl->icmp = icmp;
		return;
	}
	bool reply = icmp ? f->icmp.type == DSR_ICMP_ECHO_REPLY
			  : (f->tcp.flags & (DSR_TCP_SYN | DSR_TCP_ACK)) == (DSR_TCP_SYN | DSR_TCP_ACK) ||
				    (f->tcp.flags & DSR_TCP_RST);
	if (!reply)
		return;
	/* A reply swaps the ports; an echo reply keeps id and sequence. */
	uint16_t client_port = icmp ? a : b, port = icmp ? b : a;
	struct flow *fl = flow_slot(p, f->ip.dst.s_addr, client_port, port, icmp);
	if (fl->client != f->ip.dst.s_addr || fl->client_port != client_port || fl->port != port ||
	    fl->icmp != icmp)
		return;
	size_t server;
	if (!sender(p->cfg, f, &server))
		return;
	struct direct_tally *t = tally(p, server, icmp ? -1 : port);
	if (!t) {
		p->dropped++;
		return;
	}
	if (f->ip.src.s_addr == fl->vip) {
		t->ok++;
	} else if (t->wrong++ == 0) {
		t->wrong_frame = frame_no;
		t->wrong_source = f->ip.src.s_addr;
	}
	fl->client = 0;
}

void dsr_passive_frame(struct dsr_passive *p, const struct dsr_frame *f, const struct timeval *ts,
		       unsigned long frame_no)
{
	if (f->l3 == DSR_L3_ARP)
		arp_frame(p, f, ts, frame_no);
	else if (f->l3 == DSR_L3_IPV4 && p->cfg->nservices)
		ip_frame(p, f, frame_no);
}

/* ---- verdicts ---------------------------------------------------------- */

struct out {
	struct dsr_check *checks;
	size_t n, cap;
};

static struct dsr_check *add_check(struct out *o, const char *id, const char *service,
				   const char *server, struct in_addr target, int port)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 64;
		struct dsr_check *c = realloc(o->checks, cap * sizeof(*c));
		if (!c)
			return NULL;
		o->checks = c;
		o->cap = cap;
	}
	struct dsr_check *c = &o->checks[o->n++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->service = service;
	c->server = server;
	dsr_format_ipv4(target, c->target);
	c->port = port;
	return c;
}

static void not_seen(struct dsr_check *c, const char *what)
{
	c->status = DSR_SKIP;
	c->reason = "not-seen";
	dsr_check_summary(c, "the capture holds no %s", what);
}

static void owners_evidence(struct dsr_check *c, const struct addr *a)
{
	char mac[18], n[24];
	for (unsigned i = 0; i < a->nowners; i++) {
		dsr_format_mac(a->owners[i].mac, mac);
		dsr_evidence_list_add(c, "macs", mac);
		snprintf(n, sizeof(n), "%lu", a->owners[i].first_frame);
		dsr_evidence_list_add(c, "pcap_frames", n);
	}
	if (a->flips)
		dsr_evidence_int(c, "mac_changes", a->flips);
}

/* The MAC of a configured server: configured, or the one its address showed. */
static const uint8_t *server_mac(const struct dsr_passive *p, const struct dsr_server *srv)
{
	if (srv->has_mac)
		return srv->mac;
	const struct addr *a = find_addr(p, srv->addr.s_addr);
	return a && a->nowners == 1 ? a->owners[0].mac : NULL;
}

static bool a_server_mac(const struct dsr_passive *p, const struct dsr_service *svc,
			 const uint8_t mac[6])
{
	for (size_t i = 0; i < svc->nservers; i++) {
		const uint8_t *m = server_mac(p, &p->cfg->servers[svc->servers[i]]);
		if (m && memcmp(m, mac, 6) == 0)
			return true;
	}
	return false;
}

static int judge_vip(struct dsr_passive *p, const struct dsr_service *svc, struct out *o)
{
	const struct addr *a = find_addr(p, svc->vip.s_addr);
	struct dsr_check *c = add_check(o, "arp.vip", svc->name, NULL, svc->vip, -1);
	char ip[16], mac[18];

	if (!c)
		return -1;
	dsr_format_ipv4(svc->vip, ip);
	if (!a) {
		not_seen(c, "ARP frame from the VIP's owner");
	} else {
		owners_evidence(c, a);
		unsigned unexpected = 0;
		for (unsigned i = 0; i < a->nowners; i++)
			unexpected += svc->nbalancer_macs &&
				      !dsr_mac_in(svc->balancer_macs, svc->nbalancer_macs, a->owners[i].mac);
		if (a->nowners > 1 && (unexpected || !svc->nbalancer_macs)) {
			c->status = DSR_FAIL;
			c->reason = "conflict";
			dsr_check_summary(c, "%u MACs claimed %s in the capture%s",
				 a->nowners, ip, a->flips > 1 ? ", changing back and forth" : "");
			dsr_remedy(c, DSR_FAULT_VIP_ARP_LEAK, DSR_OS_UNKNOWN, ip, -1);
		} else if (unexpected) {
			c->status = DSR_FAIL;
			c->reason = "wrong-owner";
			dsr_format_mac(a->owners[0].mac, mac);
			dsr_check_summary(c, "%s was claimed by %s, not the balancer",
				 ip, mac);
		} else {
			c->status = DSR_PASS;
			dsr_check_summary(c, "%s was claimed by the balancer only", ip);
		}
	}

	/* Claims from MACs that are neither the balancer nor a server. Without a
	 * configured balancer MAC, the busiest claimer is taken for the balancer. */
	if (!(c = add_check(o, "arp.vip.claim", svc->name, NULL, svc->vip, -1)))
		return -1;
	c->status = DSR_PASS;
	dsr_check_summary(c, "no host other than the balancer and the configured servers claimed %s", ip);
	if (!a)
		return 0;
	unsigned busiest = 0;
	for (unsigned i = 1; i < a->nowners; i++)
		if (a->owners[i].frames > a->owners[busiest].frames &&
		    !a_server_mac(p, svc, a->owners[i].mac))
			busiest = i;
	for (unsigned i = 0; i < a->nowners; i++) {
		const uint8_t *m = a->owners[i].mac;
		bool balancer = svc->nbalancer_macs
					? dsr_mac_in(svc->balancer_macs, svc->nbalancer_macs, m)
					: i == busiest && !a_server_mac(p, svc, m);
		if (balancer || a_server_mac(p, svc, m))
			continue;
		dsr_format_mac(m, mac);
		dsr_evidence_list_add(c, "macs", mac);
		if (c->status == DSR_PASS) {
			c->status = DSR_FAIL;
			c->reason = "unknown-host";
			dsr_check_summary(c, "%s, neither the balancer nor a configured server, claimed %s", mac, ip);
			dsr_check_remedy(c, "Find the host with MAC %s (the switch's MAC address table, arp -a) and remove "
				 "%s from its network interfaces.",
				 mac, ip);
		}
	}
	return 0;
}

static const char *claim_words(const struct owner *o, uint32_t vip)
{
	if (o->first_tpa.s_addr == vip)
		return "announced";
	return o->first_op == DSR_ARP_REPLY ? "answered ARP for" : "used as ARP sender address";
}

static int judge_server(struct dsr_passive *p, const struct dsr_service *svc, size_t idx,
			bool first, struct out *o)
{
	const struct dsr_server *srv = &p->cfg->servers[idx];
	const struct addr *a = find_addr(p, srv->addr.s_addr);
	const uint8_t *mac = server_mac(p, srv);
	struct dsr_check *c;
	char ip[16], vip[16], text[18], n[24];

	dsr_format_ipv4(srv->addr, ip);
	dsr_format_ipv4(svc->vip, vip);
	if (first) {
		if (!(c = add_check(o, "arp.rip", svc->name, srv->name, srv->addr, -1)))
			return -1;
		if (!a) {
			not_seen(c, "ARP frame from this address");
		} else {
			owners_evidence(c, a);
			if (a->nowners > 1) {
				c->status = DSR_FAIL;
				c->reason = "conflict";
				dsr_check_summary(c, "%u MACs used %s in the capture%s",
					 a->nowners, ip, a->flips > 1 ? ", changing back and forth" : "");
				dsr_check_remedy(c, "Two hosts use the address %s: find the host with the unexpected MAC and "
					 "give it another address; check the system event log for IP address "
					 "conflicts.",
					 ip);
			} else if (srv->has_mac && memcmp(srv->mac, a->owners[0].mac, 6) != 0) {
				c->status = DSR_FAIL;
				c->reason = "wrong-mac";
				dsr_format_mac(a->owners[0].mac, text);
				dsr_check_summary(c, "%s was used by %s, not the configured MAC",
					 ip, text);
			} else {
				c->status = DSR_PASS;
				dsr_check_summary(c, "%s was used by one MAC only", ip);
			}
		}
	}

	if (!(c = add_check(o, "arp.vip.claim", svc->name, srv->name, svc->vip, -1)))
		return -1;
	const struct addr *v = find_addr(p, svc->vip.s_addr);
	const struct owner *claim = NULL;
	for (unsigned i = 0; mac && v && i < v->nowners; i++)
		if (memcmp(v->owners[i].mac, mac, 6) == 0)
			claim = &v->owners[i];
	if (!mac) {
		not_seen(c, "frame that tells this server's MAC (configure mac =)");
	} else if (!claim) {
		c->status = DSR_PASS;
		dsr_format_mac(mac, text);
		dsr_check_summary(c, "%s never claimed %s in the capture", text, vip);
	} else {
		dsr_format_mac(mac, text);
		c->status = DSR_FAIL;
		c->reason = "claimed";
		dsr_evidence_str(c, "mac", text);
		dsr_evidence_int(c, "claims", (long long)claim->frames);
		snprintf(n, sizeof(n), "%lu", claim->first_frame);
		dsr_evidence_list_add(c, "pcap_frames", n);
		dsr_check_summary(c, "%s %s %s in %lu ARP frame%s", text,
			 claim_words(claim, svc->vip.s_addr), vip, claim->frames,
			 claim->frames == 1 ? "" : "s");
		dsr_remedy(c, DSR_FAULT_VIP_ARP_LEAK, DSR_OS_UNKNOWN, vip, -1);
	}

	for (int k = -1; k < (int)svc->nports; k++) {
		int port = k < 0 ? -1 : svc->ports[k];
		if (!(c = add_check(o, k < 0 ? "icmp.vip.direct" : "tcp.vip.direct", svc->name, srv->name,
				    svc->vip, port)))
			return -1;
		const struct direct_tally *t = NULL;
		for (size_t i = 0; i < p->ntallies; i++)
			if (p->tallies[i].server == idx && p->tallies[i].port == port)
				t = &p->tallies[i];
		if (!t) {
			not_seen(c, "reply from this server to a client of the VIP");
			continue;
		}
		dsr_evidence_int(c, "replies_from_vip", (long long)t->ok);
		if (!t->wrong) {
			c->status = DSR_PASS;
			dsr_check_summary(c, "%lu replies left with the VIP as source",
				 t->ok);
			continue;
		}
		struct in_addr wrong = {.s_addr = t->wrong_source};
		dsr_format_ipv4(wrong, text);
		dsr_evidence_int(c, "replies_from_other", (long long)t->wrong);
		snprintf(n, sizeof(n), "%lu", t->wrong_frame);
		dsr_evidence_list_add(c, "pcap_frames", n);
		c->status = DSR_FAIL;
		c->reason = "wrong-source";
		dsr_check_summary(c, "%lu replies to clients of %s left with %s as source", t->wrong, vip, text);
		dsr_remedy(c, DSR_FAULT_WRONG_SOURCE, DSR_OS_UNKNOWN, vip, port);
	}
	return 0;
}

static bool configured_address(const struct dsr_config *cfg, uint32_t ip)
{
	if (is_vip(cfg, ip))
		return true;
	for (size_t i = 0; i < cfg->nservers; i++)
		if (cfg->servers[i].addr.s_addr == ip)
			return true;
	return false;
}

static int cmp_ip(const void *a, const void *b)
{
	uint32_t x = ntohl(((const struct addr *)a)->ip), y = ntohl(((const struct addr *)b)->ip);
	return x < y ? -1 : x > y;
}

/* Any other address that two MACs used: an IP conflict nobody configured. */
static int judge_others(struct dsr_passive *p, struct out *o)
{
	size_t n = 0;
	struct addr *list = malloc((p->naddrs ? p->naddrs : 1) * sizeof(*list));
	char ip[16];

	if (!list)
		return -1;
	for (size_t i = 0; i < p->addr_cap; i++)
		if (p->addrs[i].ip && p->addrs[i].nowners > 1 &&
		    !configured_address(p->cfg, p->addrs[i].ip))
			list[n++] = p->addrs[i];
	qsort(list, n, sizeof(*list), cmp_ip);
	for (size_t i = 0; i < n; i++) {
		struct in_addr in = {.s_addr = list[i].ip};
		struct dsr_check *c = add_check(o, "arp.conflict", NULL, NULL, in, -1);
		if (!c) {
			free(list);
			return -1;
		}
		dsr_format_ipv4(in, ip);
		owners_evidence(c, &list[i]);
		c->status = DSR_FAIL;
		c->reason = list[i].flips > 1 ? "flip-flop" : "conflict";
		dsr_check_summary(c, "%u MACs used %s%s", list[i].nowners, ip,
			 list[i].flips > 1 ? ", changing back and forth" : "");
		dsr_check_remedy(c, "Two hosts use the address %s: find them by MAC (the switch's MAC address table) "
			 "and give one another address, unless they are a failover pair.",
			 ip);
	}
	free(list);
	return 0;
}

struct dsr_check *dsr_passive_verdicts(struct dsr_passive *p, size_t *n)
{
	struct out o = {0};
	const struct dsr_config *cfg = p->cfg;
	bool *done = calloc(cfg->nservers + 1, sizeof(*done));
	int rc = done ? 0 : -1;

	for (size_t s = 0; s < cfg->nservices && rc == 0; s++) {
		const struct dsr_service *svc = &cfg->services[s];
		rc = judge_vip(p, svc, &o);
		for (size_t i = 0; i < svc->nservers && rc == 0; i++) {
			size_t idx = svc->servers[i];
			rc = judge_server(p, svc, idx, !done[idx], &o);
			done[idx] = true;
		}
	}
	if (rc == 0)
		rc = judge_others(p, &o);
	free(done);
	if (rc < 0) {
		dsr_checks_discard(o.checks, o.n);
		return NULL;
	}
	*n = o.n;
	return dsr_checks_pack(o.checks, o.n);
}
