#include "passive.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "../probes/probe.h"
#include "../platform/netcompat.h"
#include "../src/catalogue.h"
#include "../src/ha.h"
#include "../src/owner_verdict.h"
#include "../src/ownership.h"
#include "../src/parse.h"

/* Bounded tables keep memory flat on a capture of any size, or a watch of any
 * length: what does not fit is counted, never grown without limit. */
#define ADDR_MAX (1u << 18)
#define FLOW_SLOTS (1u << 16)
#define MACS_PER_ADDR DSR_INVENTORY_MACS
/* How often the owner timelines hear that time passed (microseconds of capture time). */
#define TICK_US 10000

/* One address as ARP or Neighbor Discovery shows it: the MACs that claimed
 * it (ARP sender; advertised target; solicitation source). Times are
 * microseconds (us_of), half a timeval each: the table holds up to 4 owners
 * in each of ADDR_MAX slots. */
struct owner {
	uint8_t mac[6];
	enum dsr_claim_kind first_kind; /* how its first frame claimed the address */
	unsigned long frames;
	unsigned long first_frame, last_frame;
	int64_t first_us, last_us;
};

/* Both families in one table, keyed by an IPv6 address: an IPv4 address as
 * its IPv4-mapped form (::ffff:a.b.c.d), which Neighbor Discovery never
 * claims (nd_frame drops it), so the families never meet. */
struct addr {
	struct in6_addr ip; /* :: a free slot (nothing claims the unspecified address) */
	uint32_t seg; /* the segment it was seen on (seg_of_frame) */
	struct owner owners[MACS_PER_ADDR];
	unsigned nowners;
	unsigned last;  /* index of the owner seen last */
	unsigned flips; /* times the owner changed */
	unsigned returns; /* changes back to an owner seen before */
	bool at_once;     /* a change within DSR_AT_ONCE_US of the last owner's claim */
	bool alerted;
};

/* A connection or echo made to a VIP, awaiting its reply. */
struct flow {
	struct in6_addr client, vip; /* keys (key_of4); client :: free */
	uint32_t seg;         /* a reply counts only on the request's segment */
	uint16_t client_port, port; /* TCP ports, or ICMP id and sequence */
	bool icmp;
};

/* What replies to VIP flows showed for one (server, port): port -1 for ICMP. */
struct direct_tally {
	size_t server;
	int port;
	uint32_t seg; /* the service's: a server of two services in two VLANs has two */
	bool v6;      /* replies for the IPv6 VIP */
	unsigned long ok, wrong, wrong_frame;
	struct in6_addr wrong_source;
};

/* The MACs that ran duplicate address detection for a service's IPv6 VIP. */
#define DAD_MACS 8
struct dad_probers {
	struct {
		uint8_t mac[6];
		unsigned long frames, first_frame;
	} macs[DAD_MACS];
	unsigned n;
};

/* A service with a balancer set (balancer, balancer-mac or vrrp-id): who
 * owns its VIP over time. */
struct svc_owner {
	struct dsr_passive *p;
	const struct dsr_service *svc;
	struct dsr_ownership own;
};

struct dsr_passive {
	const struct dsr_config *cfg;
	struct svc_owner **owners; /* per service; NULL for a service without a balancer set */
	uint32_t *svc_seg;         /* per service: the segment of its VLAN */
	struct dad_probers *dad;   /* per service: who probed its IPv6 VIP */
	size_t *owned, nowned;     /* the services that have one: what each frame ticks */
	int64_t first_us, last_us; /* capture times of the first and last frame; first -1 before any */
	int64_t ticked_us;         /* when the owner timelines last heard the time */
	struct addr *addrs;
	size_t addr_cap, naddrs;
	struct flow *flows;
	struct direct_tally *tallies;
	size_t ntallies, tally_cap;
	unsigned long dropped_addrs, dropped_claims, dropped_flows;
	unsigned long qinq_frames; /* with a deployment: frames of no service's VLAN, by construction */
	uint16_t link_vlan;        /* the VLAN of untagged frames (a sub-interface's), 0 none */
	struct dsr_inventory inventory;
	struct dsr_address *rows;
	struct dsr_claim *claims;
	bool has_inventory;
	dsr_alert_fn alert;
	void *alert_arg;
	dsr_alert_fn info;
	void *info_arg;
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

static uint32_t hash_key(const struct in6_addr *k)
{
	uint32_t w[4];

	memcpy(w, k, sizeof(w));
	return hash32(w[0] ^ hash32(w[1] ^ hash32(w[2] ^ hash32(w[3]))));
}

static struct in6_addr key_of4(struct in_addr a)
{
	struct in6_addr k = {0};

	k.s6_addr[10] = k.s6_addr[11] = 0xff;
	memcpy(&k.s6_addr[12], &a, 4);
	return k;
}

static bool key_is4(const struct in6_addr *k)
{
	static const uint8_t mapped[12] = {[10] = 0xff, [11] = 0xff};
	return memcmp(k->s6_addr, mapped, sizeof(mapped)) == 0;
}

static bool key_unset(const struct in6_addr *k)
{
	static const struct in6_addr unspecified;
	return memcmp(k, &unspecified, sizeof(*k)) == 0;
}

static bool key_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static struct in_addr key_v4(const struct in6_addr *k)
{
	struct in_addr a;
	memcpy(&a, &k->s6_addr[12], 4);
	return a;
}

static void key_text(const struct in6_addr *k, char out[DSR_IPV6_TEXT])
{
	if (key_is4(k))
		dsr_format_ipv4(key_v4(k), out);
	else
		dsr_format_ipv6(k, out);
}

/* A service's VIP of one family as a key; false when it has none. */
static bool vip_key(const struct dsr_service *svc, bool v6, struct in6_addr *k)
{
	if (v6 && !svc->has_vip6)
		return false;
	*k = v6 ? svc->vip6 : key_of4(svc->vip);
	return true;
}

/* A server's real address of one family as a key; false when it has none. */
static bool addr_key(const struct dsr_server *srv, bool v6, struct in6_addr *k)
{
	if (v6 && !srv->has_addr6)
		return false;
	*k = v6 ? srv->addr6 : key_of4(srv->addr);
	return true;
}

/* The L2 segment a frame was seen on, as one number: untagged (a priority tag
 * is untagged too, as 802.1Q says), one VLAN, or a QinQ outer.inner pair. ARP
 * on two segments is two broadcast domains, so the same address on two
 * segments is two addresses, never a conflict. */
#define SEG_UNTAGGED 0u
static uint32_t seg_make(unsigned ntags, unsigned vlan, unsigned inner)
{
	if (ntags == 0 || (ntags == 1 && vlan == 0))
		return SEG_UNTAGGED;
	return (uint32_t)(ntags > 1 ? 2 : 1) << 24 | (vlan & 0xfffu) << 12 | (ntags > 1 ? inner & 0xfffu : 0);
}

static uint32_t seg_of_frame(const struct dsr_passive *p, const struct dsr_frame *f)
{
	uint32_t seg = seg_make(f->ntags, f->vlan, f->inner_vlan);
	/* On a sub-interface the kernel took the VLAN's tag off. */
	return seg == SEG_UNTAGGED && p->link_vlan ? seg_make(1, p->link_vlan, 0) : seg;
}

static unsigned seg_ntags(uint32_t seg)
{
	return seg >> 24;
}

static unsigned seg_vlan(uint32_t seg)
{
	return seg >> 12 & 0xfffu;
}

static unsigned seg_inner(uint32_t seg)
{
	return seg & 0xfffu;
}

/* " in VLAN 20", " in QinQ VLAN 100.20", or "" untagged: how summaries and
 * alerts name the segment. */
static void seg_words(uint32_t seg, char out[32])
{
	if (seg_ntags(seg) == 0)
		out[0] = '\0';
	else if (seg_ntags(seg) == 1)
		snprintf(out, 32, " in VLAN %u", seg_vlan(seg));
	else
		snprintf(out, 32, " in QinQ VLAN %u.%u", seg_vlan(seg), seg_inner(seg));
}

/* Evidence of the segment the frames of a check were seen on (none untagged). */
static void seg_evidence(struct dsr_check *c, uint32_t seg)
{
	if (seg_ntags(seg) == 0)
		return;
	dsr_evidence_int(c, "vlan", seg_vlan(seg));
	if (seg_ntags(seg) > 1)
		dsr_evidence_int(c, "inner_vlan", seg_inner(seg));
}

static uint32_t svc_seg(const struct dsr_passive *p, const struct dsr_service *svc)
{
	return p->svc_seg[svc - p->cfg->services];
}

static int start_owners(struct dsr_passive *p);
static const uint8_t *server_mac(const struct dsr_passive *p, uint32_t seg, const struct dsr_server *srv);
static void refresh_set(struct svc_owner *so);

struct dsr_passive *dsr_passive_new(const struct dsr_config *cfg)
{
	struct dsr_passive *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->cfg = cfg;
	p->first_us = -1;
	p->addr_cap = 1024;
	p->addrs = calloc(p->addr_cap, sizeof(*p->addrs));
	p->flows = calloc(FLOW_SLOTS, sizeof(*p->flows));
	p->owners = calloc(cfg->nservices ? cfg->nservices : 1, sizeof(*p->owners));
	p->owned = calloc(cfg->nservices ? cfg->nservices : 1, sizeof(*p->owned));
	p->svc_seg = calloc(cfg->nservices ? cfg->nservices : 1, sizeof(*p->svc_seg));
	p->dad = calloc(cfg->nservices ? cfg->nservices : 1, sizeof(*p->dad));
	if (!p->addrs || !p->flows || !p->owners || !p->owned || !p->svc_seg || !p->dad) {
		dsr_passive_free(p);
		return NULL;
	}
	for (size_t i = 0; i < cfg->nservices; i++)
		p->svc_seg[i] = seg_make(1, dsr_service_vlan(cfg, &cfg->services[i]), 0);
	if (start_owners(p) < 0) {
		dsr_passive_free(p);
		return NULL;
	}
	return p;
}

void dsr_passive_free(struct dsr_passive *p)
{
	if (!p)
		return;
	for (size_t i = 0; p->owners && i < p->cfg->nservices; i++)
		free(p->owners[i]);
	free(p->owners);
	free(p->owned);
	free(p->svc_seg);
	free(p->dad);
	free(p->addrs);
	free(p->flows);
	free(p->tallies);
	free(p->rows);
	free(p->claims);
	free(p);
}

void dsr_passive_on_alert(struct dsr_passive *p, dsr_alert_fn fn, void *arg)
{
	p->alert = fn;
	p->alert_arg = arg;
}

void dsr_passive_on_info(struct dsr_passive *p, dsr_alert_fn fn, void *arg)
{
	p->info = fn;
	p->info_arg = arg;
}

size_t dsr_passive_dropped(const struct dsr_passive *p)
{
	return p->dropped_addrs + p->dropped_claims + p->dropped_flows;
}

unsigned long dsr_passive_qinq_frames(const struct dsr_passive *p)
{
	return p->qinq_frames;
}

void dsr_passive_link_vlan(struct dsr_passive *p, uint16_t vlan)
{
	p->link_vlan = vlan & 0xfffu;
	/* A service without a VLAN audited from the sub-interface is on its VLAN,
	 * as it always was: the untagged frames it read are now that VLAN's. */
	for (size_t i = 0; i < p->cfg->nservices; i++)
		if (dsr_service_vlan(p->cfg, &p->cfg->services[i]) == 0)
			p->svc_seg[i] = seg_make(1, p->link_vlan, 0);
}

static struct addr *slot(struct addr *table, size_t cap, uint32_t seg, const struct in6_addr *ip)
{
	size_t i = hash_key(ip) ^ hash32(seg);
	for (i &= cap - 1; !key_unset(&table[i].ip) && (!key_eq(&table[i].ip, ip) || table[i].seg != seg);)
		i = (i + 1) & (cap - 1);
	return &table[i];
}

static struct addr *find_addr(const struct dsr_passive *p, uint32_t seg, const struct in6_addr *ip)
{
	struct addr *a = slot(p->addrs, p->addr_cap, seg, ip);
	return key_unset(&a->ip) ? NULL : a;
}

static struct addr *find_addr4(const struct dsr_passive *p, uint32_t seg, struct in_addr ip)
{
	struct in6_addr k = key_of4(ip);
	return find_addr(p, seg, &k);
}

static struct addr *add_addr(struct dsr_passive *p, uint32_t seg, const struct in6_addr *ip)
{
	struct addr *a = slot(p->addrs, p->addr_cap, seg, ip);
	if (!key_unset(&a->ip))
		return a;
	if ((p->naddrs + 1) * 4 > p->addr_cap * 3) {
		if (p->addr_cap >= ADDR_MAX)
			return NULL;
		struct addr *bigger = calloc(p->addr_cap * 2, sizeof(*bigger));
		if (!bigger)
			return NULL;
		for (size_t i = 0; i < p->addr_cap; i++)
			if (!key_unset(&p->addrs[i].ip))
				*slot(bigger, p->addr_cap * 2, p->addrs[i].seg, &p->addrs[i].ip) = p->addrs[i];
		free(p->addrs);
		p->addrs = bigger;
		p->addr_cap *= 2;
		a = slot(p->addrs, p->addr_cap, seg, ip);
	}
	a->ip = *ip;
	a->seg = seg;
	p->naddrs++;
	return a;
}

/* Service i's VIP of ip's family is ip. */
static bool svc_has_vip(const struct dsr_passive *p, size_t i, const struct in6_addr *ip)
{
	struct in6_addr k;
	return vip_key(&p->cfg->services[i], !key_is4(ip), &k) && key_eq(&k, ip);
}

/* A VIP of a service on segment seg: elsewhere the same address is another
 * broadcast domain's business. */
static bool is_vip(const struct dsr_passive *p, uint32_t seg, const struct in6_addr *ip)
{
	for (size_t i = 0; i < p->cfg->nservices; i++)
		if (svc_has_vip(p, i, ip) && p->svc_seg[i] == seg)
			return true;
	return false;
}

/* A claim on a VIP that must be reported at once: by a configured real server,
 * or (where the balancer's MACs are listed) by any MAC not listed. */
static bool foreign_claim(const struct dsr_passive *p, uint32_t seg, const struct in6_addr *vip,
			  const uint8_t mac[6])
{
	const struct dsr_config *cfg = p->cfg;

	for (size_t i = 0; i < cfg->nservices; i++) {
		const struct dsr_service *svc = &cfg->services[i];
		struct svc_owner *so = p->owners[i];
		if (!svc_has_vip(p, i, vip) || p->svc_seg[i] != seg)
			continue;
		if (so && so->own.set.n && !dsr_ha_find(&so->own.set, mac))
			return true;
		if (!so && svc->nbalancer_macs && !dsr_mac_in(svc->balancer_macs, svc->nbalancer_macs, mac))
			return true;
		for (size_t k = 0; k < svc->nservers; k++) {
			const struct dsr_server *srv = &cfg->servers[svc->servers[k]];
			if (srv->has_mac && memcmp(srv->mac, mac, 6) == 0)
				return true;
		}
	}
	return false;
}

/* "TIME WHAT ADDRESS[ in VLAN N] macs=MAC,...": how watch prints an alert. */
static void alert_line(struct dsr_passive *p, const struct timeval *ts, const char *what,
		       const struct in6_addr *ip, uint32_t seg, const char *macs)
{
	char line[320], text[DSR_IPV6_TEXT], where[32];

	key_text(ip, text);
	seg_words(seg, where);
	snprintf(line, sizeof(line), "%ld.%06ld %s %s%s macs=%s", (long)ts->tv_sec, (long)ts->tv_usec,
		 what, text, where, macs);
	p->alert(line, p->alert_arg);
}

static void raise_alert(struct dsr_passive *p, struct addr *a, const char *what,
			const struct timeval *ts)
{
	char macs[4 * 19] = "";

	if (!p->alert || a->alerted)
		return;
	a->alerted = true;
	for (unsigned i = 0; i < a->nowners; i++) {
		char mac[18];
		dsr_format_mac(a->owners[i].mac, mac);
		strcat(macs, i ? "," : "");
		strcat(macs, mac);
	}
	alert_line(p, ts, what, &a->ip, a->seg, macs);
}

#define US_SEC_MAX (INT64_MAX / 1000000 - 1)

/* A capture time in microseconds. A crafted pcapng can hold seconds whose
 * microseconds do not fit in 64 bits: those are clamped (no calendar shows
 * them anyway), so that differences never overflow. */
static int64_t us_of(const struct timeval *tv)
{
	int64_t sec = (int64_t)tv->tv_sec; /* a long on Windows: the clamp is for 64-bit time_t */

	sec = sec < 0 ? 0 : sec > US_SEC_MAX ? US_SEC_MAX : sec;
	long usec = tv->tv_usec < 0 || tv->tv_usec > 999999 ? 0 : (long)tv->tv_usec;
	return sec * 1000000 + usec;
}

static struct timeval tv_of(int64_t us)
{
	struct timeval tv = {.tv_sec = (time_t)(us / 1000000), .tv_usec = (long)(us % 1000000)};
	return tv;
}

/* The owner of a changes to owner i (a claim at ts): kept as counts, so that
 * what the claims add up to (dsr_addr_state) needs no history of frames. */
static void owner_changed(struct addr *a, unsigned i, const struct timeval *ts)
{
	a->flips++;
	if (a->owners[i].frames)
		a->returns++;
	/* A capture out of time order counts as at once. */
	if (us_of(ts) - a->owners[a->last].last_us < DSR_AT_ONCE_US)
		a->at_once = true;
}

static enum dsr_addr_state addr_state(const struct addr *a)
{
	if (a->nowners < 2)
		return DSR_ADDR_OK;
	if (a->returns)
		return DSR_ADDR_FLIP_FLOP;
	return a->at_once ? DSR_ADDR_CONFLICT : DSR_ADDR_CHANGED;
}

/* ---- who owns the VIPs (src/ownership.c) ------------------------------- */

static struct svc_owner *owner_of(const struct dsr_passive *p, const struct dsr_service *svc)
{
	return p->owners[svc - p->cfg->services];
}

static size_t add_mac(uint8_t (*out)[6], size_t n, size_t cap, const uint8_t mac[6])
{
	for (size_t i = 0; i < n && i < cap; i++)
		if (memcmp(out[i], mac, 6) == 0)
			return n;
	if (n < cap)
		memcpy(out[n], mac, 6);
	return n + 1;
}

/* A balancer's own address resolved by the capture, as an audit resolves it by
 * asking: the MACs that used it as ARP sender, and the MAC its VRRP
 * advertisements came from (a member advertises from its own address and,
 * without use_vmac, its own MAC). */
static size_t resolved_in_capture(struct in_addr addr, void *arg, uint8_t (*out)[6], size_t cap)
{
	const struct svc_owner *so = arg;
	const struct addr *a = find_addr4(so->p, svc_seg(so->p, so->svc), addr);
	const struct dsr_vrrp_router *r = dsr_ownership_router(&so->own, so->svc->vrrp_id);
	size_t n = 0;
	unsigned vrid;

	for (unsigned i = 0; a && i < a->nowners; i++)
		n = add_mac(out, n, cap, a->owners[i].mac);
	for (size_t i = 0; r && so->svc->vrrp_id && i < r->nmasters; i++)
		if (r->masters[i].addr.s_addr == addr.s_addr && !dsr_is_vrrp_mac(r->masters[i].mac, &vrid))
			n = add_mac(out, n, cap, r->masters[i].mac);
	return n;
}

/* The balancer set as the capture knows it now (a balancer's MAC may show up
 * after its first claim on the VIP). */
static void refresh_set(struct svc_owner *so)
{
	struct dsr_ha_set set;

	dsr_ha_build(so->svc, resolved_in_capture, so, &set);
	dsr_ownership_set_ha(&so->own, &set);
}

/* The balancer sets of the services of vip in seg, as far as the capture
 * verifies them by now (any member may own the VIP): once per claim on it,
 * before the timeline and the alert read them. */
static void refresh_sets(struct dsr_passive *p, uint32_t seg, const struct in6_addr *vip)
{
	for (size_t i = 0; i < p->cfg->nservices; i++)
		if (p->owners[i] && p->svc_seg[i] == seg && svc_has_vip(p, i, vip))
			refresh_set(p->owners[i]);
}

static bool a_server_mac(const struct dsr_passive *p, const struct dsr_service *svc,
			 const uint8_t mac[6]);

static bool server_of(const uint8_t mac[6], void *arg)
{
	const struct svc_owner *so = arg;
	return a_server_mac(so->p, so->svc, mac);
}

/* An owner change as it is decided: watch prints a failover as information,
 * the rest as alerts. A foreign claim is the vip-claim alert's already. */
static void owner_event(const struct dsr_own_event *e, void *arg)
{
	const struct svc_owner *so = arg;
	const struct dsr_passive *p = so->p;
	dsr_alert_fn fn = e->kind == DSR_OWN_FAILOVER ? p->info : p->alert;
	void *fn_arg = e->kind == DSR_OWN_FAILOVER ? p->info_arg : p->alert_arg;
	char line[352], text[256], ip[16], where[32];

	if (!fn || e->kind == DSR_OWN_UNKNOWN_HOST)
		return;
	dsr_own_event_text(e, text, sizeof(text));
	dsr_format_ipv4(so->svc->vip, ip);
	seg_words(svc_seg(p, so->svc), where);
	snprintf(line, sizeof(line), "%lld.%06lld %s%s: %s", (long long)(e->us / 1000000),
		 (long long)(e->us % 1000000), ip, where, text);
	fn(line, fn_arg);
}

static int start_owners(struct dsr_passive *p)
{
	for (size_t i = 0; i < p->cfg->nservices; i++) {
		const struct dsr_service *svc = &p->cfg->services[i];
		struct svc_owner *so;
		if (!dsr_ha_configured(svc))
			continue;
		if (!(so = calloc(1, sizeof(*so))))
			return -1;
		so->p = p;
		so->svc = svc;
		dsr_ownership_init(&so->own, svc, NULL);
		dsr_ownership_servers(&so->own, server_of, so);
		dsr_ownership_on_event(&so->own, owner_event, so);
		p->owners[i] = so;
		p->owned[p->nowned++] = i;
	}
	return 0;
}

/* Only frames of a service's own VLAN count for it (a QinQ frame for none):
 * dsr_frame_in_vlan, but with a sub-interface's untagged frames in its VLAN. */
static bool in_service(const struct dsr_passive *p, size_t svc, const struct dsr_frame *f)
{
	return seg_of_frame(p, f) == p->svc_seg[svc];
}

static void feed_claim(struct dsr_passive *p, const struct dsr_frame *f, const struct timeval *ts)
{
	struct dsr_vip_claim c = {.us = us_of(ts), .op = f->arp.op,
				  .gratuitous = f->arp.tpa.s_addr == f->arp.spa.s_addr};

	memcpy(c.mac, f->arp.sha, 6);
	for (size_t i = 0; i < p->cfg->nservices; i++) {
		struct svc_owner *so = p->owners[i];
		if (!so || so->svc->vip.s_addr != f->arp.spa.s_addr || !in_service(p, i, f))
			continue;
		dsr_ownership_claim(&so->own, &c);
	}
}

static void feed_advert(struct dsr_passive *p, const struct dsr_frame *f, const struct timeval *ts)
{
	struct dsr_vrrp_advert a = {.us = us_of(ts), .vrid = f->vrrp.vrid, .src = f->ip.src,
				    .priority = f->vrrp.priority, .interval_cs = f->vrrp.interval_cs};

	memcpy(a.mac, f->eth_src, 6);
	for (size_t k = 0; k < p->nowned; k++) {
		struct svc_owner *so = p->owners[p->owned[k]];
		if (!in_service(p, p->owned[k], f))
			continue;
		refresh_set(so);
		dsr_ownership_advert(&so->own, &a);
	}
}

/* Time passes for the owner changes that wait for it, frames about them or not. */
static void tick_owners(struct dsr_passive *p, int64_t us)
{
	if (p->first_us < 0)
		p->first_us = us;
	if (us > p->last_us)
		p->last_us = us;
	/* A few milliseconds late is soon enough, and keeps a flood cheap. */
	if (us - p->ticked_us < TICK_US && us >= p->ticked_us)
		return;
	p->ticked_us = us;
	for (size_t k = 0; k < p->nowned; k++)
		dsr_ownership_tick(&p->owners[p->owned[k]]->own, us);
}

/* The timeline of so, finished at the capture's last frame, without touching
 * the live one (watch goes on feeding it). NULL when out of memory. */
static struct dsr_ownership *finished_copy(struct dsr_passive *p, struct svc_owner *so)
{
	struct dsr_ownership *o = malloc(sizeof(*o));

	if (!o)
		return NULL;
	refresh_set(so);
	*o = so->own;
	dsr_ownership_on_event(o, NULL, NULL);
	dsr_ownership_finish(o, p->last_us);
	return o;
}

/* mac claimed ip (a key) in frame frame_no, the way kind says. */
static void claim(struct dsr_passive *p, const struct dsr_frame *f, const struct timeval *ts,
		  unsigned long frame_no, const struct in6_addr *ip, const uint8_t mac[6],
		  enum dsr_claim_kind kind)
{
	uint32_t seg = seg_of_frame(p, f);
	struct addr *a = add_addr(p, seg, ip);
	if (!a) {
		p->dropped_addrs++;
		return;
	}
	unsigned i = 0;
	while (i < a->nowners && memcmp(a->owners[i].mac, mac, 6) != 0)
		i++;
	if (i == a->nowners) {
		if (a->nowners == MACS_PER_ADDR) {
			p->dropped_claims++;
			return;
		}
		struct owner *o = &a->owners[a->nowners++];
		memcpy(o->mac, mac, 6);
		o->first_frame = frame_no;
		o->first_kind = kind;
		o->first_us = us_of(ts);
	}
	if (a->nowners > 1 && a->last != i)
		owner_changed(a, i, ts);
	a->owners[i].frames++;
	a->owners[i].last_frame = frame_no;
	a->owners[i].last_us = us_of(ts);
	a->last = i;
	if (is_vip(p, seg, ip)) {
		refresh_sets(p, seg, ip);
		if (f->l3 == DSR_L3_ARP)
			feed_claim(p, f, ts);
		if (foreign_claim(p, seg, ip, mac))
			raise_alert(p, a, "vip-claim", ts);
	} else if (a->nowners > 1) {
		raise_alert(p, a, "conflict", ts);
	}
}

static void arp_frame(struct dsr_passive *p, const struct dsr_frame *f, const struct timeval *ts,
		      unsigned long frame_no)
{
	/* 0.0.0.0 is an RFC 5227 probe: it asks, it claims nothing. */
	if (f->arp.spa.s_addr == 0)
		return;
	struct in6_addr ip = key_of4(f->arp.spa);
	claim(p, f, ts, frame_no, &ip,  f->arp.sha,
	      dsr_claim_kind_of(f->arp.op, f->arp.spa.s_addr, f->arp.tpa.s_addr));
}

/* A duplicate address detection probe for a service's IPv6 VIP, by mac. It
 * claims nothing yet, as an RFC 5227 probe does not, and an audit asks with
 * the very same frames; from a configured server's MAC it says the server is
 * putting the VIP on an interface that faces the segment, where it answers
 * for it as soon as nobody objects (nd.vip.claim, and an alert at once when
 * the server's MAC is known by then). */
static void dad_probe(struct dsr_passive *p, const struct dsr_frame *f, const struct timeval *ts,
		      unsigned long frame_no)
{
	uint32_t seg = seg_of_frame(p, f);

	for (size_t i = 0; i < p->cfg->nservices; i++) {
		const struct dsr_service *svc = &p->cfg->services[i];
		struct dad_probers *d = &p->dad[i];
		unsigned k = 0;
		if (!svc_has_vip(p, i, &f->nd.target) || p->svc_seg[i] != seg)
			continue;
		while (k < d->n && memcmp(d->macs[k].mac, f->eth_src, 6) != 0)
			k++;
		if (k == DAD_MACS) {
			p->dropped_claims++;
			continue;
		}
		if (k == d->n) {
			memcpy(d->macs[d->n++].mac, f->eth_src, 6);
			d->macs[k].first_frame = frame_no;
		}
		if (d->macs[k].frames++ || !p->alert)
			continue;
		for (size_t s = 0; s < svc->nservers; s++) {
			const uint8_t *m = server_mac(p, seg, &p->cfg->servers[svc->servers[s]]);
			char mac[18];
			if (!m || memcmp(m, f->eth_src, 6) != 0)
				continue;
			dsr_format_mac(f->eth_src, mac);
			alert_line(p, ts, "vip-claim", &f->nd.target, seg, mac);
			break;
		}
	}
}

/* Neighbor Discovery's claims (the decoder passed only messages a host
 * accepts): an advertisement claims its target for its target link-layer
 * address (without one, for the frame's source, as RFC 4861 7.2.5 has the
 * receiver take it), a solicitation its source for its source link-layer
 * address. */
static void nd_frame(struct dsr_passive *p, const struct dsr_frame *f, const struct timeval *ts,
		     unsigned long frame_no)
{
	const uint8_t *mac = f->nd.has_lladdr ? f->nd.lladdr : f->eth_src;
	struct in6_addr ip;
	enum dsr_claim_kind kind;

	if (f->nd.type == DSR_ND_ADVERT) {
		ip = f->nd.target;
		kind = DSR_CLAIM_REPLY;
	} else if (f->nd.dad) {
		dad_probe(p, f, ts, frame_no);
		return;
	} else {
		ip = f->ip6.src;
		kind = DSR_CLAIM_REQUEST;
	}
	/* The mapped form is IPv4's in this table; no host owns it over NDP. */
	if (key_is4(&ip) || key_unset(&ip) || ip.s6_addr[0] == 0xff)
		return;
	claim(p, f, ts, frame_no, &ip, mac, kind);
}

static struct flow *flow_slot(struct dsr_passive *p, uint32_t seg, const struct in6_addr *client,
			      uint16_t client_port, uint16_t port, bool icmp)
{
	uint32_t h = hash_key(client) ^ hash32(((uint32_t)client_port << 16) | port) ^ hash32(seg) ^
		     (icmp ? 1u : 0u);
	return &p->flows[h & (FLOW_SLOTS - 1)];
}

static const struct direct_tally *find_tally(const struct dsr_passive *p, uint32_t seg,
					    size_t server, int port, bool v6)
{
	for (size_t i = 0; i < p->ntallies; i++)
		if (p->tallies[i].server == server && p->tallies[i].port == port && p->tallies[i].seg == seg &&
		    p->tallies[i].v6 == v6)
			return &p->tallies[i];
	return NULL;
}

static struct direct_tally *tally(struct dsr_passive *p, uint32_t seg, size_t server, int port, bool v6)
{
	const struct direct_tally *found = find_tally(p, seg, server, port, v6);
	if (found)
		return &p->tallies[found - p->tallies];
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
	t->seg = seg;
	t->v6 = v6;
	return t;
}

/* The configured server that sent a reply: by its real address (of the
 * reply's family), else its MAC. */
static bool sender(const struct dsr_config *cfg, const struct dsr_frame *f, const struct in6_addr *src,
		   size_t *server)
{
	for (size_t i = 0; i < cfg->nservers; i++) {
		struct in6_addr k;
		if ((addr_key(&cfg->servers[i], !key_is4(src), &k) && key_eq(&k, src)) ||
		    (cfg->servers[i].has_mac && memcmp(cfg->servers[i].mac, f->eth_src, 6) == 0)) {
			*server = i;
			return true;
		}
	}
	return false;
}

/* Echoes and connections made to a VIP, of either family, and the replies
 * that answer them: which server sent each, and from which source. */
static void ip_frame(struct dsr_passive *p, const struct dsr_frame *f, unsigned long frame_no)
{
	bool v6 = f->l3 == DSR_L3_IPV6, icmp = f->l4 == DSR_L4_ICMP;
	uint8_t echo = v6 ? DSR_ICMP6_ECHO : DSR_ICMP_ECHO;
	uint8_t echo_reply = v6 ? DSR_ICMP6_ECHO_REPLY : DSR_ICMP_ECHO_REPLY;
	struct in6_addr src = v6 ? f->ip6.src : key_of4(f->ip.src);
	struct in6_addr dst = v6 ? f->ip6.dst : key_of4(f->ip.dst);
	uint16_t a, b;

	if (icmp && (f->icmp.type == echo || f->icmp.type == echo_reply)) {
		a = f->icmp.id;
		b = f->icmp.seq;
	} else if (f->l4 == DSR_L4_TCP) {
		a = f->tcp.sport;
		b = f->tcp.dport;
	} else {
		return;
	}
	/* The mapped form is IPv4's key: over IPv6 it is nobody's VIP or client. */
	if (v6 && (key_is4(&src) || key_is4(&dst)))
		return;
	bool request = icmp ? f->icmp.type == echo
			    : (f->tcp.flags & (DSR_TCP_SYN | DSR_TCP_ACK)) == DSR_TCP_SYN;
	uint32_t seg = seg_of_frame(p, f);
	if (request) {
		if (!is_vip(p, seg, &dst))
			return;
		struct flow *fl = flow_slot(p, seg, &src, a, b, icmp);
		fl->seg = seg;
		fl->client = src;
		fl->vip = dst;
		fl->client_port = a;
		fl->port = b;
		fl->icmp = icmp;
		return;
	}
	bool reply = icmp ? f->icmp.type == echo_reply
			  : (f->tcp.flags & (DSR_TCP_SYN | DSR_TCP_ACK)) == (DSR_TCP_SYN | DSR_TCP_ACK) ||
				    (f->tcp.flags & DSR_TCP_RST);
	if (!reply || key_unset(&dst))
		return;
	/* A reply swaps the ports; an echo reply keeps id and sequence. */
	uint16_t client_port = icmp ? a : b, port = icmp ? b : a;
	struct flow *fl = flow_slot(p, seg, &dst, client_port, port, icmp);
	if (!key_eq(&fl->client, &dst) || fl->client_port != client_port || fl->port != port ||
	    fl->icmp != icmp || fl->seg != seg)
		return;
	size_t server;
	if (!sender(p->cfg, f, &src, &server))
		return;
	struct direct_tally *t = tally(p, seg, server, icmp ? -1 : port, v6);
	if (!t) {
		p->dropped_flows++;
		return;
	}
	if (key_eq(&src, &fl->vip)) {
		t->ok++;
	} else if (t->wrong++ == 0) {
		t->wrong_frame = frame_no;
		t->wrong_source = src;
	}
	memset(&fl->client, 0, sizeof(fl->client));
}

void dsr_passive_frame(struct dsr_passive *p, const struct dsr_frame *f, const struct timeval *ts,
		       unsigned long frame_no)
{
	tick_owners(p, us_of(ts));
	/* A QinQ frame is in no service's VLAN: counted, so that the run can say
	 * what it did not read, and kept to its own segment below. */
	if (f->ntags > 1 && p->cfg->nservices)
		p->qinq_frames++;
	if (f->l3 == DSR_L3_ARP)
		arp_frame(p, f, ts, frame_no);
	else if (f->l3 == DSR_L3_IPV6 && f->l4 == DSR_L4_ND)
		nd_frame(p, f, ts, frame_no);
	else if (f->l3 == DSR_L3_IPV4 && f->l4 == DSR_L4_VRRP)
		feed_advert(p, f, ts);
	else if ((f->l3 == DSR_L3_IPV4 || f->l3 == DSR_L3_IPV6) && p->cfg->nservices)
		ip_frame(p, f, frame_no);
}

/* ---- verdicts ---------------------------------------------------------- */

struct out {
	struct dsr_check *checks;
	size_t n, cap;
};

/* The checks of one family, and how its claims travel: the IPv6 ones are the
 * IPv4 ones' twins, judged alike on the same table. */
struct family {
	bool v6;
	enum dsr_check_key vip, vip_claim_service, vip_claim, rip, icmp_direct, tcp_direct, conflict;
	const char *protocol;
};

static const struct family ipv4 = {
	false, DSR_CHECK_ARP_VIP, DSR_CHECK_ARP_VIP_CLAIM_SERVICE, DSR_CHECK_ARP_VIP_CLAIM, DSR_CHECK_ARP_RIP, DSR_CHECK_ICMP_VIP_DIRECT,
	DSR_CHECK_TCP_VIP_DIRECT, DSR_CHECK_ARP_CONFLICT, "ARP",
};
static const struct family ipv6 = {
	true, DSR_CHECK_ND_VIP, DSR_CHECK_ND_VIP_CLAIM_SERVICE, DSR_CHECK_ND_VIP_CLAIM, DSR_CHECK_ND_RIP, DSR_CHECK_ICMP6_VIP_DIRECT,
	DSR_CHECK_TCP6_VIP_DIRECT, DSR_CHECK_ND_CONFLICT, "Neighbor Discovery",
};

static const char *id_of(enum dsr_check_key key)
{
	return dsr_checks[key].id;
}

/* seg: the segment whose frames the check reads, named in its evidence. */
static struct dsr_check *add_check(struct out *o, const char *id, const char *service,
				   const char *server, const struct in6_addr *target, int port, uint32_t seg)
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
	key_text(target, c->target);
	c->port = port;
	/* A QinQ segment is no one VLAN: its summary and evidence name both ids. */
	c->vlan = seg_ntags(seg) == 1 ? (uint16_t)seg_vlan(seg) : 0;
	seg_evidence(c, seg);
	return c;
}

static void not_seen(struct dsr_check *c, const char *what)
{
	c->status = DSR_SKIP;
	c->reason = DSR_REASON(NOT_SEEN);
	dsr_check_summary(c, "the capture holds no %s", what);
}

/* "the capture holds no ARP frame from ...", or the Neighbor Discovery one. */
static void no_claim_seen(struct dsr_check *c, const struct family *fam, const char *from)
{
	c->status = DSR_SKIP;
	c->reason = DSR_REASON(NOT_SEEN);
	dsr_check_summary(c, "the capture holds no %s frame from %s", fam->protocol, from);
}

static void owners_evidence(struct dsr_check *c, const struct addr *a)
{
	char n[24];
	for (unsigned i = 0; i < a->nowners; i++) {
		dsr_evidence_mac_add(c, "macs", a->owners[i].mac);
		snprintf(n, sizeof(n), "%lu", a->owners[i].first_frame);
		dsr_evidence_list_add(c, "pcap_frames", n);
	}
	if (a->flips)
		dsr_evidence_int(c, "mac_changes", a->flips);
}

/* The MAC of a configured server: configured, or the one its address (IPv4
 * first, else IPv6) showed on seg, its service's segment. */
static const uint8_t *server_mac(const struct dsr_passive *p, uint32_t seg,
				 const struct dsr_server *srv)
{
	if (srv->has_mac)
		return srv->mac;
	for (int v6 = 0; v6 < 2; v6++) {
		struct in6_addr k;
		const struct addr *a = addr_key(srv, v6, &k) ? find_addr(p, seg, &k) : NULL;
		if (a && a->nowners == 1)
			return a->owners[0].mac;
	}
	return NULL;
}

static bool a_server_mac(const struct dsr_passive *p, const struct dsr_service *svc,
			 const uint8_t mac[6])
{
	for (size_t i = 0; i < svc->nservers; i++) {
		const uint8_t *m = server_mac(p, svc_seg(p, svc), &p->cfg->servers[svc->servers[i]]);
		if (m && memcmp(m, mac, 6) == 0)
			return true;
	}
	return false;
}

/* The balancer's MAC as the capture can verify it: the configured
 * balancer-mac list, else the one MAC that used the balancer's own address
 * (balancer =), as an audit resolves it. NULL (n 0) when nothing verifies it:
 * then no claimer of the VIP is ever called the balancer. */
static const uint8_t (*balancer_macs(const struct dsr_passive *p, const struct dsr_service *svc,
				     size_t *n))[6]
{
	const struct addr *b =
		svc->nbalancers ? find_addr4(p, svc_seg(p, svc), svc->balancers[0].addr) : NULL;

	*n = svc->nbalancer_macs;
	if (*n)
		return svc->balancer_macs;
	*n = b && b->nowners == 1;
	return *n ? &b->owners[0].mac : NULL;
}

/* How many MACs the capture verifies as the balancer set's (a service with
 * one: its refreshed set, which is_balancer reads). */
static size_t verified_balancers(const struct dsr_passive *p, const struct dsr_service *svc)
{
	struct svc_owner *so = owner_of(p, svc);
	size_t n;

	if (so) {
		refresh_set(so);
		return so->own.set.n;
	}
	balancer_macs(p, svc, &n);
	return n;
}

static bool is_balancer(const struct dsr_passive *p, const struct dsr_service *svc,
			const uint8_t mac[6])
{
	const struct svc_owner *so = owner_of(p, svc);
	if (so)
		return dsr_ha_find(&so->own.set, mac) != NULL;
	size_t n;
	const uint8_t(*macs)[6] = balancer_macs(p, svc, &n);
	return n && dsr_mac_in(macs, n, mac);
}

/* How the operator makes the capture verify the balancer. */
static void how_to_verify(struct dsr_check *c, const char *mac)
{
	dsr_fix(c, DSR_FIX_VERIFY_OWNER, DSR_PLATFORM_UNKNOWN, &(struct dsr_fix_args){.mac = mac});
}

/* The IPv6 VIP between members of the balancer set. No VRRP timeline follows
 * it (an IPv6 instance advertises VRRPv3 over IPv6, which this does not
 * read), so how its owner changed decides, as for any address: one member
 * after the other is a failover; both at once, or back and forth, is two
 * masters. */
static void members_verdict(struct dsr_check *c, const struct svc_owner *so, const struct addr *a,
			    const char *vip)
{
	enum dsr_addr_state state = addr_state(a);
	char names[2][DSR_NAME_MAX + 24], both[2 * (DSR_NAME_MAX + 24) + 8];
	const struct dsr_ha_member *m[2];

	if (state == DSR_ADDR_OK)
		return;
	for (unsigned i = 0; i < 2; i++)
		m[i] = so ? dsr_ha_find(&so->own.set, a->owners[i].mac) : NULL;
	/* A move has an order; two owners at once are named in the set's (the
	 * configuration's) order, not by which of them claimed first. */
	unsigned first = state != DSR_ADDR_CHANGED && m[0] && m[1] && m[1] < m[0];
	for (unsigned i = 0; i < 2; i++) {
		unsigned k = i ^ first;
		char mac[18];
		dsr_format_mac(a->owners[k].mac, mac);
		snprintf(names[i], sizeof(names[i]), "%s (%s)", m[k] ? m[k]->name : "balancer", mac);
	}
	if (state == DSR_ADDR_CHANGED) {
		dsr_check_summary(c, "%s moved from %s to %s: a failover", vip, names[0], names[1]);
		return;
	}
	snprintf(both, sizeof(both), "%s and %s", names[0], names[1]);
	dsr_evidence_str(c, "owners", both);
	dsr_verdict_split_brain(c, vip, both);
	if (state == DSR_ADDR_FLIP_FLOP)
		c->reason = DSR_REASON(FLIP_FLOP);
	dsr_check_summary(c, "%s and %s both claimed %s%s", names[0], names[1], vip,
			  state == DSR_ADDR_FLIP_FLOP ? ", changing back and forth" : " at once");
}

static int judge_vip(struct dsr_passive *p, const struct dsr_service *svc, const struct family *fam,
		     struct out *o)
{
	struct in6_addr vip;
	if (!vip_key(svc, fam->v6, &vip))
		return 0;
	const struct addr *a = find_addr(p, svc_seg(p, svc), &vip);
	struct dsr_check *c = add_check(o, id_of(fam->vip), svc->name, NULL, &vip, -1, svc_seg(p, svc));
	char ip[DSR_IPV6_TEXT], mac[18];
	size_t nverified;

	if (!c)
		return -1;
	nverified = verified_balancers(p, svc);
	/* When only the VRRP virtual MAC is known, a claimer that is neither it
	 * nor a server may be a balancer whose MAC the capture never told (no ARP
	 * or VRRP from its own address): then nothing is verified, as without a
	 * balancer set. */
	const struct svc_owner *hs = owner_of(p, svc);
	size_t known = 0;
	for (size_t i = 0; hs && i < hs->own.set.n; i++)
		known += hs->own.set.members[i].how != DSR_HA_VRRP;
	for (unsigned i = 0; hs && !known && hs->own.set.unresolved && a && i < a->nowners; i++)
		if (!is_balancer(p, svc, a->owners[i].mac) && !a_server_mac(p, svc, a->owners[i].mac))
			nverified = 0;
	key_text(&vip, ip);
	if (!a) {
		no_claim_seen(c, fam, "the VIP's owner");
	} else {
		owners_evidence(c, a);
		unsigned unexpected = 0;
		for (unsigned i = 0; i < a->nowners; i++)
			unexpected += nverified && !is_balancer(p, svc, a->owners[i].mac);
		dsr_format_mac(a->owners[0].mac, mac);
		if (a->nowners > 1 && (unexpected || !nverified)) {
			dsr_verdict_conflict(c, DSR_R_CONFLICT, ip, true);
			dsr_check_summary(c, "%u MACs claimed %s in the capture%s",
				 a->nowners, ip, a->flips > 1 ? ", changing back and forth" : "");
		} else if (unexpected || (!nverified && a_server_mac(p, svc, a->owners[0].mac))) {
			dsr_verdict_wrong_owner(c, ip, mac, true);
			dsr_check_summary(c, "%s was claimed by %s, not the balancer",
				 ip, mac);
		} else if (nverified) {
			c->status = DSR_PASS;
			dsr_check_summary(c, "%s was claimed by the balancer only", ip);
		} else {
			/* One owner, but nothing says it is the balancer: a host that
			 * took the VIP over looks exactly like this. */
			c->status = DSR_WARN;
			c->reason = DSR_REASON(UNVERIFIED);
			dsr_evidence_int(c, "claims", (long long)a->owners[0].frames);
			dsr_check_summary(c, "%s was claimed by one MAC only, %s (%lu %s frame%s), not verified "
					  "as the balancer's", ip, mac, a->owners[0].frames, fam->protocol,
					  a->owners[0].frames == 1 ? "" : "s");
			how_to_verify(c, mac);
		}
	}

	/* Between members of the balancer set, how the owner changed decides:
	 * failovers are events of a pass, two owners at once or back and forth
	 * without VRRP fail. */
	struct svc_owner *so = owner_of(p, svc);
	bool base_mac = false;
	if (fam->v6 && a && c->status == DSR_PASS)
		members_verdict(c, so, a, ip);
	if (!fam->v6 && so && a && c->status == DSR_PASS) {
		struct dsr_ownership *own = finished_copy(p, so);
		if (!own)
			return -1;
		dsr_vip_ownership_verdict(c, own, ip, true);
		base_mac = own->counts[DSR_OWN_BASE_MAC] > 0;
		free(own);
	}

	/* Claims from MACs that are neither the balancer nor a server. Without a
	 * verified balancer MAC, one such claimer may be the balancer: it is
	 * named, not trusted, and two or more are one too many. */
	if (!(c = add_check(o, id_of(fam->vip_claim_service), svc->name, NULL, &vip, -1, svc_seg(p, svc))))
		return -1;
	c->status = DSR_PASS;
	dsr_check_summary(c, "no host other than the balancer and the configured servers claimed %s", ip);
	if (!a)
		return 0;
	if (base_mac) {
		struct dsr_ownership *own = finished_copy(p, so);
		if (!own)
			return -1;
		dsr_vip_claim_ownership_verdict(c, own, ip);
		free(own);
	}
	const struct owner *first = NULL;
	unsigned others = 0;
	for (unsigned i = 0; i < a->nowners; i++) {
		const uint8_t *m = a->owners[i].mac;
		if (is_balancer(p, svc, m) || a_server_mac(p, svc, m))
			continue;
		dsr_format_mac(m, mac);
		dsr_evidence_list_add(c, "macs", mac);
		if (!others++)
			first = &a->owners[i];
	}
	if (!others)
		return 0;
	dsr_format_mac(first->mac, mac);
	if (!nverified && others == 1) {
		dsr_check_summary(c, "no host other than the configured servers and %s (%lu ARP frame%s; not "
				  "verified as the balancer's) claimed %s", mac, first->frames,
				  first->frames == 1 ? "" : "s", ip);
		return 0;
	}
	if (nverified) {
		dsr_verdict_unknown_host(c, mac, ip);
		return 0;
	}
	c->status = DSR_FAIL;
	c->reason = DSR_REASON(UNKNOWN_HOST);
	dsr_check_summary(c, "%u MACs that are no configured server's claimed %s, %s first: at most one "
			  "of them is the balancer", others, ip, mac);
	dsr_fix(c, DSR_FIX_UNKNOWN_HOSTS, DSR_PLATFORM_UNKNOWN, &(struct dsr_fix_args){.vip = ip});
	return 0;
}

/* vrrp.master: from the advertisements the capture holds. */
static int judge_vrrp(struct dsr_passive *p, const struct dsr_service *svc, struct out *o)
{
	struct svc_owner *so = owner_of(p, svc);
	struct dsr_check *c;

	if (!svc->vrrp_id || !so)
		return 0;
	struct in6_addr vip = key_of4(svc->vip);
	if (!(c = add_check(o, DSR_ID(VRRP_MASTER), svc->name, NULL, &vip, -1, svc_seg(p, svc))))
		return -1;
	struct dsr_ownership *own = finished_copy(p, so);
	if (!own)
		return -1;
	dsr_vrrp_master_verdict(c, own, svc, p->first_us < 0 ? 0 : p->last_us - p->first_us);
	free(own);
	return 0;
}

static int judge_server(struct dsr_passive *p, const struct dsr_service *svc, size_t idx,
			bool first, const struct family *fam, struct out *o)
{
	const struct dsr_server *srv = &p->cfg->servers[idx];
	uint32_t seg = svc_seg(p, svc);
	struct in6_addr rip, vip;
	bool has_rip = addr_key(srv, fam->v6, &rip);
	const struct addr *a = has_rip ? find_addr(p, seg, &rip) : NULL;
	const uint8_t *mac = server_mac(p, seg, srv);
	struct dsr_check *c;
	char ip[DSR_IPV6_TEXT], vip_text[DSR_IPV6_TEXT], text[DSR_IPV6_TEXT], n[24];

	if (first && has_rip) {
		key_text(&rip, ip);
		if (!(c = add_check(o, id_of(fam->rip), svc->name, srv->name, &rip, -1, seg)))
			return -1;
		if (!a) {
			no_claim_seen(c, fam, "this address");
		} else {
			owners_evidence(c, a);
			if (a->nowners > 1) {
				dsr_verdict_conflict(c, DSR_R_CONFLICT, ip, false);
				dsr_check_summary(c, "%u MACs used %s in the capture%s",
					 a->nowners, ip, a->flips > 1 ? ", changing back and forth" : "");
			} else if (srv->has_mac && memcmp(srv->mac, a->owners[0].mac, 6) != 0) {
				dsr_format_mac(a->owners[0].mac, text);
				dsr_verdict_wrong_owner(c, ip, text, false);
				dsr_check_summary(c, "%s was used by %s, not the configured MAC",
					 ip, text);
			} else {
				c->status = DSR_PASS;
				dsr_check_summary(c, "%s was used by one MAC only", ip);
			}
		}
	}

	if (!vip_key(svc, fam->v6, &vip))
		return 0;
	key_text(&vip, vip_text);
	if (!(c = add_check(o, id_of(fam->vip_claim), svc->name, srv->name, &vip, -1, seg)))
		return -1;
	const struct addr *v = find_addr(p, seg, &vip);
	const struct owner *claimed = NULL;
	for (unsigned i = 0; mac && v && i < v->nowners; i++)
		if (memcmp(v->owners[i].mac, mac, 6) == 0)
			claimed = &v->owners[i];
	/* Only duplicate address detection for it: the server is putting it on a NIC. */
	const struct dad_probers *d = fam->v6 ? &p->dad[svc - p->cfg->services] : NULL;
	for (unsigned i = 0; mac && !claimed && d && i < d->n; i++)
		if (memcmp(d->macs[i].mac, mac, 6) == 0) {
			dsr_format_mac(mac, text);
			dsr_evidence_mac(c, "mac", mac);
			dsr_evidence_int(c, "claims", (long long)d->macs[i].frames);
			snprintf(n, sizeof(n), "%lu", d->macs[i].first_frame);
			dsr_evidence_list_add(c, "pcap_frames", n);
			dsr_verdict_claimed(c, text, DSR_CLAIM_ANNOUNCE, vip_text, d->macs[i].frames,
					    DSR_PLATFORM_UNKNOWN);
			break;
		}
	if (c->status == DSR_FAIL) {
		/* judged by its duplicate address detection */
	} else if (!mac) {
		not_seen(c, "frame that tells this server's MAC (configure mac =)");
	} else if (!claimed) {
		c->status = DSR_PASS;
		dsr_format_mac(mac, text);
		dsr_check_summary(c, "%s never claimed %s in the capture", text, vip_text);
	} else {
		dsr_format_mac(mac, text);
		dsr_evidence_mac(c, "mac", mac);
		dsr_evidence_int(c, "claims", (long long)claimed->frames);
		snprintf(n, sizeof(n), "%lu", claimed->first_frame);
		dsr_evidence_list_add(c, "pcap_frames", n);
		dsr_verdict_claimed(c, text, claimed->first_kind, vip_text, claimed->frames,
				    DSR_PLATFORM_UNKNOWN);
	}

	for (int k = -1; k < (int)svc->nports; k++) {
		int port = k < 0 ? -1 : svc->ports[k];
		if (!(c = add_check(o, id_of(k < 0 ? fam->icmp_direct : fam->tcp_direct), svc->name, srv->name,
				    &vip, port, seg)))
			return -1;
		const struct direct_tally *t = find_tally(p, seg, idx, port, fam->v6);
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
		key_text(&t->wrong_source, text);
		dsr_evidence_int(c, "replies_from_other", (long long)t->wrong);
		snprintf(n, sizeof(n), "%lu", t->wrong_frame);
		dsr_evidence_list_add(c, "pcap_frames", n);
		snprintf(n, sizeof(n), "%d", port);
		dsr_verdict_wrong_source(c, vip_text, port >= 0 ? n : NULL, DSR_PLATFORM_UNKNOWN);
		dsr_check_summary(c, "%lu replies to clients of %s left with %s as source", t->wrong, vip_text,
				  text);
	}
	return 0;
}

/* An address the deployment names on segment seg: a VIP, or a server of a
 * service there (a server of no service is on the untagged segment). */
static bool configured_address(const struct dsr_passive *p, uint32_t seg, const struct in6_addr *ip)
{
	const struct dsr_config *cfg = p->cfg;

	if (is_vip(p, seg, ip))
		return true;
	for (size_t i = 0; i < cfg->nservers; i++) {
		struct in6_addr a;
		if (!addr_key(&cfg->servers[i], !key_is4(ip), &a) || !key_eq(&a, ip))
			continue;
		bool listed = false;
		for (size_t s = 0; s < cfg->nservices; s++)
			for (size_t k = 0; k < cfg->services[s].nservers; k++)
				if (cfg->services[s].servers[k] == i) {
					listed = true;
					if (p->svc_seg[s] == seg)
						return true;
				}
		if (!listed && seg == SEG_UNTAGGED)
			return true;
	}
	return false;
}

/* Segment, then IPv4 before IPv6, then address: the order of the checks
 * (and, by dsr_inventory_finish, of the inventory). */
static int cmp_seg_ip(const void *a, const void *b)
{
	const struct addr *x = a, *y = b;
	if (x->seg != y->seg)
		return x->seg < y->seg ? -1 : 1;
	if (key_is4(&x->ip) != key_is4(&y->ip))
		return key_is4(&x->ip) ? -1 : 1;
	return memcmp(&x->ip, &y->ip, sizeof(x->ip));
}

/* Any other address that two MACs used: an IP conflict nobody configured. */
static int judge_others(struct dsr_passive *p, struct out *o)
{
	size_t n = 0;
	struct addr *list = malloc((p->naddrs ? p->naddrs : 1) * sizeof(*list));
	char ip[DSR_IPV6_TEXT], where[32], addr[DSR_IPV6_TEXT + 32];

	if (!list)
		return -1;
	for (size_t i = 0; i < p->addr_cap; i++)
		if (!key_unset(&p->addrs[i].ip) && p->addrs[i].nowners > 1 &&
		    !configured_address(p, p->addrs[i].seg, &p->addrs[i].ip))
			list[n++] = p->addrs[i];
	qsort(list, n, sizeof(*list), cmp_seg_ip);
	for (size_t i = 0; i < n; i++) {
		const struct family *fam = key_is4(&list[i].ip) ? &ipv4 : &ipv6;
		struct dsr_check *c = add_check(o, id_of(fam->conflict), NULL, NULL, &list[i].ip, -1, list[i].seg);
		if (!c) {
			free(list);
			return -1;
		}
		key_text(&list[i].ip, ip);
		seg_words(list[i].seg, where);
		snprintf(addr, sizeof(addr), "%s%s", ip, where);
		owners_evidence(c, &list[i]);
		/* An address that moved once is worth a look, not a failed run: a
		 * failover or a replaced card does that. Two owners at once, or back
		 * and forth, is what breaks clients. */
		enum dsr_addr_state state = addr_state(&list[i]);
		if (state == DSR_ADDR_CHANGED) {
			c->status = DSR_WARN;
			c->reason = DSR_REASON(CHANGED);
			dsr_fix(c, DSR_FIX_ADDRESS_CHANGED, DSR_PLATFORM_UNKNOWN,
				&(struct dsr_fix_args){.addr = addr});
		} else {
			dsr_verdict_conflict(c, state == DSR_ADDR_FLIP_FLOP ? DSR_R_FLIP_FLOP : DSR_R_CONFLICT,
					     addr, false);
		}
		dsr_check_summary(c, "%u MACs used %s%s", list[i].nowners, addr,
				  state == DSR_ADDR_FLIP_FLOP ? ", changing back and forth"
				  : state == DSR_ADDR_CONFLICT ? " at once"
							       : ", one after the other");
	}
	free(list);
	return 0;
}

/* Rows that point at copies of the claims, so that the table may keep
 * changing (watch) while a report is written. */
static int build_inventory(struct dsr_passive *p)
{
	size_t nclaims = 0, n = 0, k = 0;

	for (size_t i = 0; i < p->addr_cap; i++)
		nclaims += key_unset(&p->addrs[i].ip) ? 0 : p->addrs[i].nowners;
	free(p->rows);
	free(p->claims);
	p->rows = malloc((p->naddrs ? p->naddrs : 1) * sizeof(*p->rows));
	p->claims = malloc((nclaims ? nclaims : 1) * sizeof(*p->claims));
	if (!p->rows || !p->claims)
		return -1;
	for (size_t i = 0; i < p->addr_cap; i++) {
		const struct addr *a = &p->addrs[i];
		if (key_unset(&a->ip))
			continue;
		struct dsr_address *row = &p->rows[n++];
		memset(row, 0, sizeof(*row));
		row->v6 = !key_is4(&a->ip);
		if (row->v6)
			row->ip6 = a->ip;
		else
			row->ip = key_v4(&a->ip);
		row->ntags = (uint8_t)seg_ntags(a->seg);
		row->vlan = (uint16_t)seg_vlan(a->seg);
		row->inner_vlan = (uint16_t)seg_inner(a->seg);
		row->state = addr_state(a);
		row->changes = a->flips;
		row->claims = &p->claims[k];
		row->nclaims = a->nowners;
		for (unsigned m = 0; m < a->nowners; m++) {
			struct dsr_claim *c = &p->claims[k++];
			const struct owner *o = &a->owners[m];
			memcpy(c->mac, o->mac, 6);
			c->frames = o->frames;
			c->first_frame = o->first_frame;
			c->last_frame = o->last_frame;
			c->first_seen = tv_of(o->first_us);
			c->last_seen = tv_of(o->last_us);
		}
	}
	dsr_inventory_finish(&p->inventory, p->rows, n);
	p->inventory.untracked_addr_frames = p->dropped_addrs;
	p->inventory.untracked_mac_frames = p->dropped_claims;
	p->has_inventory = true;
	return 0;
}

const struct dsr_inventory *dsr_passive_inventory(const struct dsr_passive *p)
{
	return p->has_inventory ? &p->inventory : NULL;
}

struct dsr_check *dsr_passive_verdicts(struct dsr_passive *p, size_t *n)
{
	struct out o = {0};
	const struct dsr_config *cfg = p->cfg;
	/* done[family][server]: its real address judged once per family */
	bool *done = calloc(2 * (cfg->nservers + 1), sizeof(*done));
	int rc = done ? 0 : -1;

	/* Per service, IPv4's checks and then IPv6's: a deployment without IPv6
	 * is reported as before it existed. */
	for (size_t s = 0; s < cfg->nservices && rc == 0; s++) {
		const struct dsr_service *svc = &cfg->services[s];
		for (int v6 = 0; v6 < 2 && rc == 0; v6++) {
			const struct family *fam = v6 ? &ipv6 : &ipv4;
			bool *judged = done + v6 * (cfg->nservers + 1);
			rc = judge_vip(p, svc, fam, &o);
			if (rc == 0 && !v6)
				rc = judge_vrrp(p, svc, &o);
			for (size_t i = 0; i < svc->nservers && rc == 0; i++) {
				size_t idx = svc->servers[i];
				rc = judge_server(p, svc, idx, !judged[idx], fam, &o);
				judged[idx] = true;
			}
		}
	}
	if (rc == 0)
		rc = judge_others(p, &o);
	p->has_inventory = false;
	if (rc == 0 && !cfg->nservices)
		rc = build_inventory(p);
	free(done);
	if (rc < 0) {
		dsr_checks_discard(o.checks, o.n);
		return NULL;
	}
	*n = o.n;
	return dsr_checks_pack(o.checks, o.n);
}
