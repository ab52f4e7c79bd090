#include "ownership.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "parse.h"

/* Slack on top of the master-down interval before a silence is "no master":
 * a backup's timer and the capture's clock are not exact. */
#define GAP_SLACK_DIVISOR 4
/* A return to an owner that left less than this long ago, with no VRRP on the
 * wire to explain either change, is a flip-flop; a later one a failback. */
#define FLIP_WINDOW_US (60LL * 1000000)

const char *dsr_own_kind_name(enum dsr_own_kind kind)
{
	static const char *const names[DSR_OWN_KINDS] = {
		[DSR_OWN_FAILOVER] = "failover",	 [DSR_OWN_SPLIT_BRAIN] = "split-brain",
		[DSR_OWN_FLIP_FLOP] = "flip-flop",	 [DSR_OWN_UNKNOWN_HOST] = "unknown-host",
		[DSR_OWN_NO_MASTER] = "no-master",	 [DSR_OWN_BASE_MAC] = "base-mac",
	};
	return (unsigned)kind < DSR_OWN_KINDS ? names[kind] : "?";
}

int64_t dsr_vrrp_master_down_us(unsigned interval_cs, uint8_t prio)
{
	int64_t interval = (int64_t)interval_cs * 10000;
	return 3 * interval + (256 - prio) * interval / 256;
}

/* How long a virtual router may stay silent before nobody is master: the
 * longest a backup of any priority waits, and some slack. */
static int64_t gap_limit_us(unsigned interval_cs)
{
	int64_t interval = (int64_t)interval_cs * 10000;
	return dsr_vrrp_master_down_us(interval_cs, 1) + interval / GAP_SLACK_DIVISOR;
}

void dsr_ownership_init(struct dsr_ownership *o, const struct dsr_service *svc,
			const struct dsr_ha_set *set)
{
	memset(o, 0, sizeof(*o));
	o->svc = svc;
	if (set)
		o->set = *set;
	o->cur = -1;
	o->last_failover = -1;
	o->first_us = -1;
}

void dsr_ownership_set_ha(struct dsr_ownership *o, const struct dsr_ha_set *set)
{
	o->set = *set;
}

void dsr_ownership_servers(struct dsr_ownership *o, dsr_own_server_fn fn, void *arg)
{
	o->is_server = fn;
	o->server_arg = arg;
}

void dsr_ownership_on_event(struct dsr_ownership *o, dsr_own_event_fn fn, void *arg)
{
	o->on_event = fn;
	o->event_arg = arg;
}

size_t dsr_ownership_kept(const struct dsr_ownership *o)
{
	return o->nevents < DSR_OWN_EVENTS ? o->nevents : DSR_OWN_EVENTS;
}

const struct dsr_own_event *dsr_ownership_event(const struct dsr_ownership *o, size_t i)
{
	unsigned long first = o->nevents - dsr_ownership_kept(o);
	return &o->events[(first + i) % DSR_OWN_EVENTS];
}

const struct dsr_vrrp_router *dsr_ownership_router(const struct dsr_ownership *o, unsigned vrid)
{
	for (size_t i = 0; i < o->nrouters; i++)
		if (o->routers[i].vrid == vrid)
			return &o->routers[i];
	return NULL;
}

/* The service's own virtual router, or NULL. */
static struct dsr_vrrp_router *service_router(struct dsr_ownership *o)
{
	if (!o->svc || !o->svc->vrrp_id)
		return NULL;
	return (struct dsr_vrrp_router *)dsr_ownership_router(o, o->svc->vrrp_id);
}

/* ---- names ---------------------------------------------------------------- */

void dsr_ownership_master_name(const struct dsr_ownership *o, const struct dsr_vrrp_master *m,
			       char *out, size_t len)
{
	const struct dsr_ha_member *b = o->svc ? dsr_ha_balancer_at(&o->set, o->svc, m->addr) : NULL;
	char ip[16];

	if (!b) {
		b = dsr_ha_find(&o->set, m->mac);
		/* An advertisement from the virtual MAC says nothing about which member sent it. */
		if (b && b->how == DSR_HA_VRRP)
			b = NULL;
	}
	if (b) {
		snprintf(out, len, "%s", b->name);
		return;
	}
	/* A balancer whose MAC nobody told is still named by its address. */
	for (size_t i = 0; o->svc && i < o->svc->nbalancers; i++)
		if (o->svc->balancers[i].addr.s_addr == m->addr.s_addr) {
			snprintf(out, len, "%s", o->svc->balancers[i].name);
			return;
		}
	dsr_format_ipv4(m->addr, ip);
	snprintf(out, len, "%s", ip);
}

static bool is_service_vmac(const struct dsr_ownership *o, const uint8_t mac[6])
{
	unsigned vrid;
	return o->svc && o->svc->vrrp_id && dsr_is_vrrp_mac(mac, &vrid) && vrid == o->svc->vrrp_id;
}

/* "vrrp-51 (lb1)": the virtual MAC and the master behind it (master: an index
 * into the service router's masters, -1 for its current one). */
static void vmac_name(const struct dsr_ownership *o, int master, char *out, size_t len)
{
	const struct dsr_vrrp_router *r = o->svc ? dsr_ownership_router(o, o->svc->vrrp_id) : NULL;
	char who[DSR_NAME_MAX];

	if (r && master < 0)
		master = r->current;
	if (!r || master < 0) {
		snprintf(out, len, "vrrp-%u", o->svc ? o->svc->vrrp_id : 0);
		return;
	}
	dsr_ownership_master_name(o, &r->masters[master], who, sizeof(who));
	snprintf(out, len, "vrrp-%u (%s)", o->svc->vrrp_id, who);
}

static void owner_name(const struct dsr_ownership *o, int owner, int master, char *out, size_t len)
{
	char mac[18];

	if (owner < 0) {
		snprintf(out, len, "nobody");
		return;
	}
	const uint8_t *m = o->owners[owner].mac;
	if (is_service_vmac(o, m)) {
		vmac_name(o, master, out, len);
		return;
	}
	const struct dsr_ha_member *b = dsr_ha_find(&o->set, m);
	dsr_format_mac(m, mac);
	snprintf(out, len, "%s", b ? b->name : mac);
}

/* ---- events ---------------------------------------------------------------- */

static struct dsr_own_event *new_event(struct dsr_ownership *o, enum dsr_own_kind kind, int64_t us)
{
	struct dsr_own_event *e = &o->events[o->nevents % DSR_OWN_EVENTS];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->us = us;
	e->duration_us = -1;
	return e;
}

static void emit(struct dsr_ownership *o, struct dsr_own_event *e)
{
	o->counts[e->kind]++;
	o->nevents++;
	if (o->on_event)
		o->on_event(e, o->event_arg);
}

/* ---- VRRP ------------------------------------------------------------------- */

static struct dsr_vrrp_router *router_for(struct dsr_ownership *o, unsigned vrid)
{
	struct dsr_vrrp_router *r = (struct dsr_vrrp_router *)dsr_ownership_router(o, vrid);
	if (r)
		return r;
	if (o->nrouters == DSR_OWN_ROUTERS) {
		o->untracked_routers++;
		return NULL;
	}
	r = &o->routers[o->nrouters++];
	memset(r, 0, sizeof(*r));
	r->vrid = vrid;
	r->current = -1;
	r->split_a = r->split_b = -1;
	return r;
}

static bool alive(const struct dsr_vrrp_master *m, int64_t now)
{
	return !m->resigned && now - m->last_us < dsr_vrrp_master_down_us(m->interval_cs, m->priority);
}

static void no_master(struct dsr_ownership *o, struct dsr_vrrp_router *r, int64_t from, int64_t to)
{
	if (!r->gaps++)
		r->gap_us = from;
	if (to - from > r->longest_gap_us)
		r->longest_gap_us = to - from;
	if (o->svc && r->vrid == o->svc->vrrp_id) {
		struct dsr_own_event *e = new_event(o, DSR_OWN_NO_MASTER, from);
		snprintf(e->from, sizeof(e->from), "vrrp-%u", r->vrid);
		e->duration_us = to - from;
		e->vrrp = true;
		emit(o, e);
	}
}

/* Has the silence of r, at now, lasted longer than a backup waits? Told once
 * per silence: at the first tick that finds it (a watch says so while it
 * lasts), or when it ends; its length is known when it ends. */
static void check_gap(struct dsr_ownership *o, struct dsr_vrrp_router *r, int64_t now, bool ends)
{
	if (r->current < 0)
		return;
	const struct dsr_vrrp_master *m = &r->masters[r->current];
	if (now - r->last_us <= gap_limit_us(m->interval_cs))
		return;
	if (!r->silent)
		no_master(o, r, r->last_us, now);
	else if (now - r->last_us > r->longest_gap_us)
		r->longest_gap_us = now - r->last_us;
	r->silent = !ends;
}

/* Two owners or two masters at once have no order of their own: they are
 * named in the configuration's order (lb1 before lb2), so that no report
 * depends on which of them spoke first. Where the configuration gives none,
 * the caller's order stands. */
#define UNRANKED SIZE_MAX

static size_t member_rank(const struct dsr_ownership *o, const uint8_t mac[6])
{
	const struct dsr_ha_member *b = dsr_ha_find(&o->set, mac);
	return b ? (size_t)(b - o->set.members) : UNRANKED;
}

static size_t master_rank(const struct dsr_ownership *o, const struct dsr_vrrp_master *m)
{
	for (size_t i = 0; o->svc && i < o->svc->nbalancers; i++)
		if (o->svc->balancers[i].addr.s_addr == m->addr.s_addr)
			return i;
	/* From the virtual MAC it says nothing about which member it is. */
	return is_service_vmac(o, m->mac) ? UNRANKED : member_rank(o, m->mac);
}

static void split_brain(struct dsr_ownership *o, struct dsr_vrrp_router *r, int a, int b, int64_t now)
{
	if (master_rank(o, &r->masters[b]) < master_rank(o, &r->masters[a])) {
		int t = a;
		a = b;
		b = t;
	}
	r->split = true;
	if (!r->split_brains++) {
		r->split_a = a;
		r->split_b = b;
		r->split_us = now;
	}
	if (!o->svc || r->vrid != o->svc->vrrp_id)
		return;
	struct dsr_own_event *e = new_event(o, DSR_OWN_SPLIT_BRAIN, now);
	dsr_ownership_master_name(o, &r->masters[a], e->from, sizeof(e->from));
	dsr_ownership_master_name(o, &r->masters[b], e->to, sizeof(e->to));
	e->vrrp = true;
	emit(o, e);
}

static void resolve(struct dsr_ownership *o, bool final);

static void vrrp_transition(struct dsr_ownership *o, const struct dsr_vrrp_transition *tr)
{
	struct dsr_own_pending *p = &o->pending;

	if (p->active && !p->has_tr) {
		p->has_tr = true;
		p->tr = *tr;
		return;
	}
	if (p->active)
		resolve(o, true);
	memset(p, 0, sizeof(*p));
	p->active = true;
	p->from = p->to = o->cur;
	p->claim_us = -1;
	p->has_tr = true;
	p->tr = *tr;
	p->garps_before = o->cur >= 0 ? o->owners[o->cur].gratuitous : 0;
	p->deadline_us = tr->to_first_us + DSR_OWN_GRACE_US;
}

void dsr_ownership_tick(struct dsr_ownership *o, int64_t now_us)
{
	if (o->finished)
		return;
	if (o->first_us < 0)
		o->first_us = now_us;
	if (now_us > o->last_us)
		o->last_us = now_us;
	if (o->pending.active && now_us >= o->pending.deadline_us)
		resolve(o, false);
	struct dsr_vrrp_router *r = service_router(o);
	if (r && !r->silent)
		check_gap(o, r, now_us, false);
}

void dsr_ownership_advert(struct dsr_ownership *o, const struct dsr_vrrp_advert *a)
{
	if (o->finished || a->vrid == 0 || a->interval_cs == 0)
		return;
	dsr_ownership_tick(o, a->us);
	struct dsr_vrrp_router *r = router_for(o, a->vrid);
	if (!r)
		return;
	r->adverts++;
	check_gap(o, r, a->us, true);

	int i = 0;
	while (i < (int)r->nmasters && r->masters[i].addr.s_addr != a->src.s_addr)
		i++;
	bool fresh = i == (int)r->nmasters;
	if (fresh) {
		if (r->nmasters == DSR_OWN_MASTERS) {
			r->untracked++;
			return;
		}
		memset(&r->masters[i], 0, sizeof(r->masters[i]));
		r->masters[i].addr = a->src;
		r->masters[i].first_us = a->us;
		r->nmasters++;
	}
	struct dsr_vrrp_master *m = &r->masters[i];
	/* It takes over (rather than goes on) when it had not been master lately. */
	bool takes_over = a->priority && (fresh || !alive(m, a->us)) && r->current >= 0 && r->current != i;
	memcpy(m->mac, a->mac, 6);
	m->adverts++;

	m->interval_cs = a->interval_cs;
	if (a->priority == 0) {
		m->resigned = true;
		m->last_us = a->us;
		m->priority = 0;
		m->overlap = 0;
		r->last_us = a->us;
		/* The first word heard may be a goodbye: the silence counts from it. */
		if (r->current < 0)
			r->current = i;
		return;
	}
	/* Two masters at once: each advertises while the other is still alive,
	 * twice in a row (a new master's first advertisement may cross the old
	 * one's last: that is a handover, not a split). */
	int other = -1;
	for (int j = 0; j < (int)r->nmasters; j++)
		if (j != i && alive(&r->masters[j], a->us))
			other = j;
	if (other >= 0) {
		m->overlap++;
		if (m->overlap >= 2 && r->masters[other].overlap >= 2 && !r->split)
			split_brain(o, r, other < i ? other : i, other < i ? i : other, a->us);
	} else {
		m->overlap = 0;
		r->split = false;
	}
	if (takes_over) {
		struct dsr_vrrp_master *old = &r->masters[r->current];
		struct dsr_vrrp_transition tr = {
			.from = r->current,
			.to = i,
			.from_last_us = old->last_us,
			.to_first_us = a->us,
			.graceful = old->resigned,
		};
		r->transitions++;
		r->has_transition = true;
		r->last = tr;
		if (o->svc && r->vrid == o->svc->vrrp_id)
			vrrp_transition(o, &tr);
	}
	m->resigned = false;
	m->priority = a->priority;
	m->last_us = a->us;
	r->current = i;
	r->last_us = a->us;
}

/* ---- claims and owner changes ---------------------------------------------- */

/* The owner slot of mac, made when missing. Strangers may take half the
 * table at most: a segment full of them must not leave a balancer no room. */
static int owner_for(struct dsr_ownership *o, const uint8_t mac[6], bool member)
{
	size_t strangers = 0;

	for (size_t i = 0; i < o->nowners; i++) {
		if (memcmp(o->owners[i].mac, mac, 6) == 0)
			return (int)i;
		strangers += !o->owners[i].member;
	}
	if (o->nowners == DSR_OWN_OWNERS || (!member && strangers >= DSR_OWN_OWNERS / 2))
		return -1;
	struct dsr_vip_owner *w = &o->owners[o->nowners];
	memset(w, 0, sizeof(*w));
	memcpy(w->mac, mac, 6);
	w->member = member;
	return (int)o->nowners++;
}

/* The owner the VIP moves to: out with the old, in with the new. */
static void set_owner(struct dsr_ownership *o, int to, int64_t now)
{
	if (o->cur >= 0 && o->cur != to)
		o->owners[o->cur].left_us = now;
	o->cur = to;
	if (to >= 0)
		o->owners[to].was_owner = true;
}

static void failover_event(struct dsr_ownership *o, const struct dsr_own_pending *p)
{
	struct dsr_vrrp_router *r = service_router(o);
	int64_t at = p->claim_us >= 0 ? p->claim_us : p->tr.to_first_us;
	struct dsr_own_event *e = new_event(o, DSR_OWN_FAILOVER, at);

	e->vrrp = p->has_tr;
	if (p->has_tr && r) {
		e->graceful = p->tr.graceful;
		e->duration_us = at - p->tr.from_last_us;
	}
	if (p->from != p->to) {
		if (p->from < 0 && r)
			dsr_ownership_master_name(o, &r->masters[p->tr.from], e->from, sizeof(e->from));
		else
			owner_name(o, p->from, p->has_tr ? p->tr.from : -1, e->from, sizeof(e->from));
		owner_name(o, p->to, p->has_tr ? p->tr.to : -1, e->to, sizeof(e->to));
	} else if (p->from >= 0 && is_service_vmac(o, o->owners[p->from].mac)) {
		vmac_name(o, p->tr.from, e->from, sizeof(e->from));
		vmac_name(o, p->tr.to, e->to, sizeof(e->to));
	} else if (r) {
		/* The master changed, but no claim followed: the VIP still points
		 * where it did (no gratuitous ARP re-pointed the clients). */
		dsr_ownership_master_name(o, &r->masters[p->tr.from], e->from, sizeof(e->from));
		dsr_ownership_master_name(o, &r->masters[p->tr.to], e->to, sizeof(e->to));
	}
	int who = p->to;
	if (who >= 0)
		e->garps = (unsigned)(o->owners[who].gratuitous - p->garps_before);
	e->garps_unseen = o->claims_unseen;
	o->last_failover = who >= 0 ? (long)o->nevents : -1;
	emit(o, e);
}

static void owner_event(struct dsr_ownership *o, enum dsr_own_kind kind, int from, int to, int64_t at)
{
	struct dsr_own_event *e = new_event(o, kind, at);
	/* Two owners at once: in the configuration's order, else in the order
	 * they first claimed. */
	size_t from_rank = from >= 0 ? member_rank(o, o->owners[from].mac) : UNRANKED;
	size_t to_rank = to >= 0 ? member_rank(o, o->owners[to].mac) : UNRANKED;
	if (kind == DSR_OWN_SPLIT_BRAIN && (to_rank < from_rank || (to_rank == from_rank && from > to))) {
		int t = from;
		from = to;
		to = t;
	}
	owner_name(o, from, -1, e->from, sizeof(e->from));
	owner_name(o, to, -1, e->to, sizeof(e->to));
	emit(o, e);
}

/* Decides the pending change. Not final: it may wait longer for an old
 * master that still advertises (a split-brain in the making). */
static void resolve(struct dsr_ownership *o, bool final)
{
	struct dsr_own_pending *p = &o->pending;
	struct dsr_vrrp_router *r = service_router(o);

	if (!p->active)
		return;
	if (p->has_tr && r) {
		const struct dsr_vrrp_master *old = &r->masters[p->tr.from];
		if (r->split || (r->split_brains && r->split_us >= p->tr.to_first_us)) {
			/* Told already by split_brain(): no failover. */
			p->active = false;
			return;
		}
		/* The old master may still be alive: a handover (it stops) and a
		 * split-brain (it goes on) look alike until its master-down interval
		 * has passed. */
		if (!final && alive(old, p->deadline_us)) {
			p->deadline_us = old->last_us + dsr_vrrp_master_down_us(old->interval_cs, old->priority);
			return;
		}
	}
	p->active = false;
	if (p->from == p->to) {
		if (p->has_tr)
			failover_event(o, p);
		return;
	}
	if (p->at_once && !p->has_tr) {
		owner_event(o, DSR_OWN_SPLIT_BRAIN, p->from, p->to, p->claim_us);
		return;
	}
	if (p->has_tr) {
		failover_event(o, p);
		return;
	}
	/* No VRRP transition: where VRRP is on the wire, the owner moved behind its
	 * back; without VRRP, one move is a failover, a quick move back is not. */
	const struct dsr_vip_owner *to = &o->owners[p->to];
	bool vrrp_seen = r && r->adverts;
	bool back = to->was_owner && to->left_us > 0 && p->claim_us - to->left_us < FLIP_WINDOW_US;
	if (vrrp_seen || back)
		owner_event(o, DSR_OWN_FLIP_FLOP, p->from, p->to, p->claim_us);
	else
		failover_event(o, p);
}

/* Owner k is a balancer's own MAC while the service's virtual MAC owns the
 * VIP, or the virtual MAC after such a MAC: the same master using two MACs,
 * told once per balancer as base-mac, and the virtual MAC stays the owner.
 * Returns whether the claim is settled so. */
static bool base_mac(struct dsr_ownership *o, int k, int64_t now)
{
	int vmac = -1, base = -1;

	if (!o->svc || !o->svc->vrrp_id)
		return false;
	for (size_t i = 0; i < o->nowners; i++)
		if (o->owners[i].claims && is_service_vmac(o, o->owners[i].mac))
			vmac = (int)i;
	if (vmac < 0)
		return false;
	const struct dsr_ha_member *m = dsr_ha_find(&o->set, o->owners[k].mac);
	if (k != vmac && m && m->balancer >= 0)
		base = k;
	else if (k == vmac && o->cur >= 0 && o->cur != vmac &&
		 (m = dsr_ha_find(&o->set, o->owners[o->cur].mac)) && m->balancer >= 0)
		base = o->cur;
	if (base < 0)
		return false;
	struct dsr_vip_owner *w = &o->owners[base];
	if (!w->base_told) {
		struct dsr_own_event *e = new_event(o, DSR_OWN_BASE_MAC, now);
		w->base_told = true;
		vmac_name(o, -1, e->from, sizeof(e->from));
		snprintf(e->to, sizeof(e->to), "%s", m->name);
		memcpy(e->mac, w->mac, 6);
		emit(o, e);
	}
	if (o->pending.active && o->pending.to == base)
		o->pending.active = false;
	set_owner(o, vmac, now);
	return true;
}

void dsr_ownership_claim(struct dsr_ownership *o, const struct dsr_vip_claim *c)
{
	if (o->finished)
		return;
	dsr_ownership_tick(o, c->us);
	bool member = is_service_vmac(o, c->mac) || dsr_ha_find(&o->set, c->mac);
	/* A configured server's claim is the arp.vip.claim checks' business. */
	if (!member && o->is_server && o->is_server(c->mac, o->server_arg))
		return;
	int k = owner_for(o, c->mac, member);
	if (k < 0) {
		o->untracked_claims++;
		return;
	}
	struct dsr_vip_owner *w = &o->owners[k];
	bool first = w->claims == 0;
	w->claims++;
	w->gratuitous += c->gratuitous;
	if (first)
		w->first_us = c->us;
	w->last_us = c->us;

	/* A failover's burst of gratuitous ARPs goes on being counted. */
	if (c->gratuitous && o->last_failover >= 0 && k == o->cur &&
	    (unsigned long)o->last_failover + DSR_OWN_EVENTS > o->nevents) {
		struct dsr_own_event *e = &o->events[o->last_failover % DSR_OWN_EVENTS];
		if (c->us - e->us < 10 * DSR_OWN_GRACE_US)
			e->garps++;
	}

	if (!member) {
		if (first) {
			struct dsr_own_event *e = new_event(o, DSR_OWN_UNKNOWN_HOST, c->us);
			owner_name(o, o->cur, -1, e->from, sizeof(e->from));
			dsr_format_mac(c->mac, e->to);
			memcpy(e->mac, c->mac, 6);
			emit(o, e);
		}
		return;
	}
	if (base_mac(o, k, c->us))
		return;
	struct dsr_own_pending *p = &o->pending;
	if (o->cur < 0) {
		/* The first owner heard is the new master's, when its transition waits
		 * (the old one never claimed in the capture): that failover's claims. */
		if (p->active && p->has_tr && p->to < 0) {
			p->to = k;
			p->claim_us = c->us;
			p->garps_before = w->gratuitous - c->gratuitous;
		}
		set_owner(o, k, c->us);
		return;
	}
	struct dsr_vrrp_router *r = service_router(o);
	/* While two masters advertise, every change of owner is that split-brain
	 * (told once, by split_brain()): nothing to decide. */
	if (r && r->split) {
		if (p->active && p->from != p->to)
			p->active = false;
		set_owner(o, k, c->us);
		return;
	}
	if (k == o->cur) {
		/* The virtual MAC's first claim after its master changed. */
		if (p->active && p->from == p->to && p->claim_us < 0)
			p->claim_us = c->us;
		return;
	}
	int64_t old_last = o->owners[o->cur].last_us;
	if (p->active && p->from != p->to && k == p->from) {
		/* Back to the old owner before the change was even decided. */
		p->active = false;
		owner_event(o, c->us - old_last < DSR_OWN_AT_ONCE_US ? DSR_OWN_SPLIT_BRAIN : DSR_OWN_FLIP_FLOP,
			    o->cur, k, c->us);
		set_owner(o, k, c->us);
		return;
	}
	if (p->active && p->from != p->to)
		resolve(o, true);
	if (!p->active) {
		memset(p, 0, sizeof(*p));
		p->active = true;
	}
	/* Else a VRRP transition waits for this claim: one change. */
	p->from = o->cur;
	p->to = k;
	p->claim_us = c->us;
	p->at_once = c->us - old_last < DSR_OWN_AT_ONCE_US;
	p->garps_before = w->gratuitous - c->gratuitous;
	p->deadline_us = c->us + DSR_OWN_GRACE_US;
	/* A transition just before the claim explains it (its advertisement came first). */
	if (!p->has_tr && r && r->has_transition && c->us - r->last.to_first_us <= DSR_OWN_GRACE_US &&
	    r->last.to_first_us >= old_last - DSR_OWN_GRACE_US) {
		p->has_tr = true;
		p->tr = r->last;
	}
	set_owner(o, k, c->us);
}

void dsr_ownership_finish(struct dsr_ownership *o, int64_t end_us)
{
	if (o->finished)
		return;
	dsr_ownership_tick(o, end_us);
	resolve(o, true);
	struct dsr_vrrp_router *r = service_router(o);
	if (r)
		check_gap(o, r, end_us > o->last_us ? end_us : o->last_us, true);
	o->finished = true;
}

/* ---- text ---------------------------------------------------------------- */

static void clock_text(int64_t us, char *out, size_t len)
{
	time_t sec = (time_t)(us / 1000000);
	struct tm tm;
	char hms[16] = "??:??:??";

	if (gmtime_r(&sec, &tm))
		strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	snprintf(out, len, "%s.%06ldZ", hms, (long)(us % 1000000));
}

void dsr_own_event_text(const struct dsr_own_event *e, char *out, size_t len)
{
	char at[32], took[48] = "", garps[32] = "";

	clock_text(e->us, at, sizeof(at));
	if (e->duration_us >= 0)
		snprintf(took, sizeof(took), " in %lld ms", (long long)(e->duration_us / 1000));
	switch (e->kind) {
	case DSR_OWN_FAILOVER:
		if (!e->garps_unseen)
			snprintf(garps, sizeof(garps), ", %u gratuitous ARP%s", e->garps, e->garps == 1 ? "" : "s");
		snprintf(out, len, "failover %s -> %s at %s%s%s%s", e->from, e->to, at, took, garps,
			 !e->vrrp ? " (no VRRP seen)" : e->graceful ? " (graceful: priority 0)"
								     : " (the old master went silent)");
		break;
	case DSR_OWN_SPLIT_BRAIN:
		snprintf(out, len, "split-brain %s and %s at %s: both %s at once", e->from, e->to, at,
			 e->vrrp ? "advertise as VRRP master" : "own the VIP");
		break;
	case DSR_OWN_FLIP_FLOP:
		snprintf(out, len, "flip-flop %s -> %s at %s: the owner changed with no VRRP transition",
			 e->from, e->to, at);
		break;
	case DSR_OWN_UNKNOWN_HOST:
		snprintf(out, len, "unknown-host %s claimed the VIP at %s (owner: %s)", e->to, at, e->from);
		break;
	case DSR_OWN_BASE_MAC: {
		char mac[18];
		dsr_format_mac(e->mac, mac);
		snprintf(out, len, "base-mac %s claimed the VIP with its own MAC %s at %s while %s owns it",
			 e->to, mac, at, e->from);
		break;
	}
	default:
		snprintf(out, len, "no-master %s: no advertisement for %lld ms from %s", e->from,
			 (long long)(e->duration_us / 1000), at);
		break;
	}
}

/* ---- a run's observations ---------------------------------------------------- */

static int64_t obs_us(const struct dsr_observation *x)
{
	return (int64_t)x->ts.tv_sec * 1000000 + x->ts.tv_usec;
}

static void observe_one(struct dsr_ownership *o, const struct dsr_observation *x)
{
	if (x->kind == DSR_OBS_VRRP) {
		struct dsr_vrrp_advert a = {.us = obs_us(x), .vrid = x->vrrp_vrid, .src = x->ip,
					    .priority = x->vrrp_priority, .interval_cs = x->vrrp_interval_cs};
		memcpy(a.mac, x->mac, 6);
		dsr_ownership_advert(o, &a);
	} else if (x->kind == DSR_OBS_ARP_REPLY && o->svc && x->ip.s_addr == o->svc->vip.s_addr) {
		struct dsr_vip_claim c = {.us = obs_us(x), .op = x->arp_op,
					  .gratuitous = x->arp_tpa.s_addr == x->ip.s_addr};
		memcpy(c.mac, x->mac, 6);
		dsr_ownership_claim(o, &c);
	}
}

void dsr_ownership_observe(struct dsr_ownership *o, const struct dsr_observation *const *lists,
			   const size_t *counts, size_t nlists)
{
	size_t at[8] = {0};
	const struct dsr_observation *prev = NULL;

	if (nlists > sizeof(at) / sizeof(at[0]))
		nlists = sizeof(at) / sizeof(at[0]);
	for (;;) {
		size_t best = nlists;
		for (size_t k = 0; k < nlists; k++)
			if (at[k] < counts[k] &&
			    (best == nlists || obs_us(&lists[k][at[k]]) < obs_us(&lists[best][at[best]])))
				best = k;
		if (best == nlists)
			return;
		const struct dsr_observation *x = &lists[best][at[best]++];
		/* Two tasks that watch the VIP observe the same frame: it is one claim. */
		if (prev && prev->kind == x->kind && obs_us(prev) == obs_us(x) &&
		    memcmp(prev->mac, x->mac, 6) == 0 && prev->arp_op == x->arp_op)
			continue;
		observe_one(o, x);
		prev = x;
	}
}

void dsr_ownership_of_run(struct dsr_ownership *o, const struct dsr_service *svc,
			  const struct dsr_ha_set *set, const struct dsr_observation *const *lists,
			  const size_t *counts, size_t nlists, bool claims, const struct timeval *end)
{
	struct dsr_ha_set configured;

	if (!set) {
		dsr_ha_build(svc, NULL, NULL, &configured);
		set = &configured;
	}
	dsr_ownership_init(o, svc, set);
	o->claims_unseen = !claims;
	dsr_ownership_observe(o, lists, counts, nlists);
	dsr_ownership_finish(o, (int64_t)end->tv_sec * 1000000 + end->tv_usec);
}
