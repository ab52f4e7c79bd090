#include "verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "ha.h"
#include "parse.h"

/* Two per server (configured and learned) at the most, and the balancer set. */
#define DSR_MAX_KNOWN_MACS (2 * DSR_MAX_SERVICE_SERVERS + DSR_HA_MAX + 1)

/* Who a MAC belongs to in the configuration: a server (in configuration order)
 * or a balancer, sorted by MAC so that each check's MACs are found by search. */
struct owner {
	uint8_t mac[6];
	bool balancer;
	size_t order;
	const char *name;
};

struct owners {
	struct owner *items;
	size_t n;
};

static int owner_cmp(const void *a, const void *b)
{
	const struct owner *x = a, *y = b;
	int c = memcmp(x->mac, y->mac, 6);

	if (c)
		return c;
	if (x->balancer != y->balancer)
		return x->balancer ? 1 : -1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Per service: its balancer set, and the MACs that answered ARP for its VIP. */
struct service_facts {
	struct dsr_ha_set ha;
	uint8_t vip_owners[DSR_MAX_EXPECTED_MACS][6];
	size_t nvip_owners;
	/* This host holds the VIP, answering for it with local_mac. */
	bool vip_local;
	uint8_t local_mac[6];
};

static int owners_build(const struct dsr_config *cfg, const struct service_facts *facts,
			struct owners *o)
{
	size_t cap = cfg->nservers;

	for (size_t v = 0; v < cfg->nservices; v++)
		cap += facts[v].ha.n;
	o->n = 0;
	o->items = malloc((cap ? cap : 1) * sizeof(*o->items));
	if (!o->items)
		return -1;
	for (size_t s = 0; s < cfg->nservers; s++)
		if (cfg->servers[s].has_mac) {
			struct owner *w = &o->items[o->n++];
			memcpy(w->mac, cfg->servers[s].mac, 6);
			w->balancer = false;
			w->order = s;
			w->name = cfg->servers[s].name;
		}
	for (size_t v = 0; v < cfg->nservices; v++)
		for (size_t m = 0; m < facts[v].ha.n; m++) {
			const struct dsr_ha_member *member = &facts[v].ha.members[m];
			struct owner *w = &o->items[o->n++];
			memcpy(w->mac, member->mac, 6);
			w->balancer = true;
			w->order = v * DSR_HA_MAX + m;
			w->name = member->name;
		}
	qsort(o->items, o->n, sizeof(*o->items), owner_cmp);
	/* One name per MAC and kind: services sharing a balancer name it once. */
	size_t kept = 0;
	for (size_t i = 0; i < o->n; i++)
		if (kept == 0 || memcmp(o->items[kept - 1].mac, o->items[i].mac, 6) != 0 ||
		    o->items[kept - 1].balancer != o->items[i].balancer ||
		    strcmp(o->items[kept - 1].name, o->items[i].name) != 0)
			o->items[kept++] = o->items[i];
	o->n = kept;
	return 0;
}

/* Name the configured servers behind the MACs a check saw: "refused by rs2"
 * tells an operator where to go, a MAC alone does not. In evidence order, each
 * MAC's servers in configuration order, then the balancer. */
static void name_servers(const struct owners *owners, struct dsr_check *c)
{
	size_t nentries = c->nevidence;

	for (size_t e = 0; e < nentries; e++)
		for (size_t m = 0; m < c->nmacs; m++) {
			if (c->mac_entry[m] != e)
				continue;
			size_t lo = 0, hi = owners->n;
			while (lo < hi) { /* the first owner of this MAC */
				size_t mid = lo + (hi - lo) / 2;
				if (memcmp(owners->items[mid].mac, c->macs[m], 6) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; lo < owners->n && memcmp(owners->items[lo].mac, c->macs[m], 6) == 0; lo++)
				dsr_evidence_list_add(c, "servers", owners->items[lo].name);
		}
}

/* Where in the evidence capture (--pcap) to look: the probes sent, then what
 * answered them, by frame number as Wireshark and tcpdump -# show them. */
static void cite(struct dsr_check *c, unsigned frame)
{
	char n[16];
	bool seen = false;

	snprintf(n, sizeof(n), "%u", frame);
	dsr_evidence_list_add(c, "pcap_frames", n);
	for (size_t k = 0; k < c->nframes; k++)
		seen = seen || c->frames[k] == frame;
	if (!seen && c->nframes < DSR_CHECK_FRAMES)
		c->frames[c->nframes++] = frame;
}

static void cite_frames(const struct dsr_task_state *s, const struct dsr_observation *obs,
			size_t nobs, struct dsr_check *c)
{
	for (size_t i = 0; i < s->nsent_frames; i++)
		cite(c, s->sent_frames[i]);
	for (size_t i = 0; i < nobs && i < 8; i++)
		if (obs[i].frame)
			cite(c, obs[i].frame);
}

/* TTL of a server's replies → its likely OS: 64 is Linux/BSD, 128 Windows,
 * less a hop or two; 255 and the rest (network gear) say nothing. */
static enum dsr_os_guess os_of_ttl(unsigned ttl)
{
	if (ttl == 0 || ttl > 128)
		return DSR_OS_UNKNOWN;
	return ttl > 64 ? DSR_OS_WINDOWS : DSR_OS_LINUX;
}

/* The highest TTL seen from each task's server, per task: one pass over the
 * observations for the tasks, one over the tasks for the servers (by name
 * pointer: tasks of one server share it). */
static int server_ttls(const struct dsr_plan *plan, const struct dsr_observations *obs,
		       uint8_t *ttl)
{
	size_t buckets = 64;
	while (buckets < 2 * plan->ntasks)
		buckets *= 2;
	const char **name = calloc(buckets, sizeof(*name));
	uint8_t *max = calloc(buckets, 1);
	size_t *slot_of = malloc((plan->ntasks ? plan->ntasks : 1) * sizeof(*slot_of));

	if (!name || !max || !slot_of) {
		free(name);
		free(max);
		free(slot_of);
		return -1;
	}
	memset(ttl, 0, plan->ntasks);
	for (size_t k = 0; k < obs->n; k++)
		if (obs->items[k].ttl > ttl[obs->items[k].task])
			ttl[obs->items[k].task] = obs->items[k].ttl;
	for (size_t i = 0; i < plan->ntasks; i++) {
		const char *server = plan->tasks[i].server;
		slot_of[i] = DSR_NO_TASK;
		if (!server)
			continue;
		size_t b = ((size_t)(uintptr_t)server * 0x9e3779b97f4a7c15ull >> 7) & (buckets - 1);
		while (name[b] && name[b] != server)
			b = (b + 1) & (buckets - 1);
		name[b] = server;
		slot_of[i] = b;
		if (ttl[i] > max[b])
			max[b] = ttl[i];
	}
	for (size_t i = 0; i < plan->ntasks; i++)
		ttl[i] = slot_of[i] == DSR_NO_TASK ? 0 : max[slot_of[i]];
	free(name);
	free(max);
	free(slot_of);
	return 0;
}

struct learned {
	uint32_t addr;
	const uint8_t *mac;
	size_t task;
};

static int learned_cmp(const void *a, const void *b)
{
	const struct learned *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->task < y->task ? -1 : x->task > y->task;
}

/* Every MAC ARP taught the engine, by address (in plan order per address). */
static struct learned *learned_macs(const struct dsr_plan *plan, const struct dsr_observations *obs,
				    size_t *n)
{
	struct learned *l = malloc((plan->ntasks ? plan->ntasks : 1) * sizeof(*l));

	*n = 0;
	if (!l)
		return NULL;
	for (size_t k = 0; k < plan->ntasks; k++)
		if (plan->tasks[k].probe && plan->tasks[k].probe->resolves &&
		    obs->state[k].has_learned_mac)
			l[(*n)++] = (struct learned){plan->tasks[k].target.s_addr,
						     obs->state[k].learned_mac, k};
	qsort(l, *n, sizeof(*l), learned_cmp);
	return l;
}

static size_t add_learned(const struct learned *l, size_t nl, struct in_addr addr, uint8_t (*out)[6],
			  size_t n, size_t cap)
{
	size_t lo = 0, hi = nl;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l[mid].addr < addr.s_addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nl && l[lo].addr == addr.s_addr && n < cap; lo++)
		memcpy(out[n++], l[lo].mac, 6);
	return n;
}

/* Who may claim a service's VIP: its balancer set and its real servers
 * (configured or learned MACs). With no balancer configured at all, the one
 * MAC that answered ARP for the VIP stands for the balancer; two that did are
 * not vouched for (arp.vip fails them, and so does the claim watch). */
static size_t known_macs(const struct dsr_config *cfg, const struct dsr_service *svc,
			 const struct service_facts *facts, const struct learned *l, size_t nl,
			 uint8_t (*out)[6], size_t cap)
{
	const struct dsr_ha_set *ha = &facts->ha;
	size_t n = 0;

	for (size_t i = 0; i < svc->nservers && n < cap; i++) {
		const struct dsr_server *srv = &cfg->servers[svc->servers[i]];
		if (srv->has_mac)
			memcpy(out[n++], srv->mac, 6);
		n = add_learned(l, nl, srv->addr, out, n, cap);
	}
	for (size_t i = 0; i < ha->n && n < cap; i++)
		memcpy(out[n++], ha->members[i].mac, 6);
	/* Here, this host is the owner: whoever else answered is not. */
	if (facts->vip_local && n < cap)
		memcpy(out[n++], facts->local_mac, 6);
	else if (!dsr_ha_configured(svc) && facts->nvip_owners == 1 && n < cap)
		memcpy(out[n++], facts->vip_owners[0], 6);
	return n;
}

/* Where the observations of task i are: sorted[start[i] .. start[i + 1]]. */
struct grouped {
	const struct dsr_plan *plan;
	const struct dsr_observation *sorted;
	const size_t *start;
};

/* The distinct MACs of task i's observations, at most cap; returns how many. */
static size_t task_macs(const struct grouped *g, size_t i, uint8_t (*out)[6], size_t cap)
{
	size_t n = 0, total = 0;

	for (size_t k = g->start[i]; k < g->start[i + 1]; k++) {
		bool seen = false;
		for (size_t j = 0; j < n; j++)
			seen = seen || memcmp(out[j], g->sorted[k].mac, 6) == 0;
		if (seen)
			continue;
		total++;
		if (n < cap)
			memcpy(out[n++], g->sorted[k].mac, 6);
	}
	return total;
}

/* dsr_ha_resolved_fn for a run: what answered the internal ARP task that asks
 * a balancer's own address; this interface's MAC when the address is ours. */
static size_t resolved_in_run(struct in_addr addr, void *arg, uint8_t (*out)[6], size_t cap)
{
	const struct grouped *g = arg;

	for (size_t i = 0; i < g->plan->ntasks; i++) {
		const struct dsr_task *t = &g->plan->tasks[i];
		if (!t->internal || t->target.s_addr != addr.s_addr || t->check_id)
			continue;
		if (t->local_owner) {
			if (cap)
				memcpy(out[0], g->plan->me.mac, 6);
			return 1;
		}
		if (t->probe == &dsr_probe_arp)
			return task_macs(g, i, out, cap);
	}
	return 0;
}

static void service_facts(const struct dsr_config *cfg, const struct grouped *g,
			  struct service_facts *facts)
{
	for (size_t v = 0; v < cfg->nservices; v++) {
		const struct dsr_service *svc = &cfg->services[v];
		dsr_ha_build(svc, resolved_in_run, (void *)g, &facts[v].ha);
		for (size_t i = 0; i < g->plan->ntasks; i++) {
			const struct dsr_task *t = &g->plan->tasks[i];
			if (t->service == svc->name && t->probe == &dsr_probe_arp &&
			    t->check_id == DSR_ID(ARP_VIP)) {
				size_t n = task_macs(g, i, facts[v].vip_owners, DSR_MAX_EXPECTED_MACS);
				facts[v].vip_local = t->local_owner;
				memcpy(facts[v].local_mac, t->local_mac, 6);
				facts[v].nvip_owners = n < DSR_MAX_EXPECTED_MACS ? n : DSR_MAX_EXPECTED_MACS;
				break;
			}
		}
	}
}

static size_t service_of(const struct dsr_config *cfg, const struct dsr_task *t)
{
	for (size_t v = 0; v < cfg->nservices; v++)
		if (cfg->services[v].name == t->service)
			return v;
	return DSR_NO_TASK;
}

/* The observations grouped by task, in capture order within each (a counting
 * sort): task i's are sorted[start[i] .. start[i + 1]]. */
static struct dsr_observation *group(const struct dsr_plan *plan,
				     const struct dsr_observations *obs, size_t *start)
{
	struct dsr_observation *sorted = malloc((obs->n ? obs->n : 1) * sizeof(*sorted));

	if (!sorted)
		return NULL;
	memset(start, 0, (plan->ntasks + 1) * sizeof(*start));
	for (size_t k = 0; k < obs->n; k++)
		start[obs->items[k].task + 1]++;
	for (size_t i = 0; i < plan->ntasks; i++)
		start[i + 1] += start[i];
	for (size_t k = 0; k < obs->n; k++)
		sorted[start[obs->items[k].task]++] = obs->items[k];
	/* The fill moved each start to the next task's: shift back. */
	memmove(start + 1, start, plan->ntasks * sizeof(*start));
	start[0] = 0;
	return sorted;
}

struct dsr_check *dsr_verdicts(const struct dsr_config *cfg, const struct dsr_plan *plan,
			       const struct dsr_observations *obs, size_t *nchecks)
{
	struct dsr_observations mine = {0};
	const struct dsr_observations *seen = obs;

	/* The engine never ran (nothing to send): every task as it started. */
	if (!obs->state || obs->nstate != plan->ntasks) {
		mine = *obs;
		mine.state = NULL;
		mine.index = NULL;
		if (dsr_engine_prepare(plan, &mine) < 0)
			return NULL;
		seen = &mine;
	}
	struct dsr_packer packer;
	struct dsr_check scratch = {0};
	int packing = dsr_packer_begin(&packer, plan->ntasks);
	size_t *start = malloc((plan->ntasks + 1) * sizeof(*start));
	uint8_t *ttl = malloc(plan->ntasks ? plan->ntasks : 1);
	uint8_t(*known)[6] = malloc(DSR_MAX_KNOWN_MACS * sizeof(*known));
	struct dsr_observation *sorted = start ? group(plan, seen, start) : NULL;
	struct owners owners = {0};
	size_t nlearned = 0, n = 0;
	struct learned *learned = learned_macs(plan, seen, &nlearned);
	struct service_facts *facts = calloc(cfg->nservices ? cfg->nservices : 1, sizeof(*facts));
	struct grouped g = {plan, sorted, start};
	bool ok = packing == 0 && start && ttl && known && sorted && learned && facts;

	if (ok)
		service_facts(cfg, &g, facts);
	ok = ok && owners_build(cfg, facts, &owners) == 0 && server_ttls(plan, seen, ttl) == 0;

	for (size_t i = 0; ok && i < plan->ntasks; i++) {
		const struct dsr_task *t = &plan->tasks[i];
		if (t->internal)
			continue;
		struct dsr_check *c = &scratch;
		c->id = t->check_id;
		c->service = t->service;
		c->server = t->server;
		dsr_task_addr_text(t, c->target);
		c->port = t->port;
		/* On a sub-interface, its VLAN; tagged from a trunk, the task's. */
		c->vlan = t->vantage ? dsr_plan_me(plan, t)->vlan : plan->iface_vlan;
		if (!t->probe) {
			c->status = DSR_SKIP;
			c->reason = t->skip_reason;
			dsr_check_summary(c, "%s", t->skip_summary);
			dsr_packer_add(&packer, c);
			continue;
		}
		const struct dsr_observation *its = sorted + start[i];
		size_t nits = start[i + 1] - start[i];
		struct dsr_judge_ctx j = {.task = t, .state = &seen->state[i]};
		size_t v = service_of(cfg, t);
		if (t->server)
			j.os_guess = os_of_ttl(ttl[i]);
		if (v != DSR_NO_TASK) {
			j.ha = &facts[v].ha;
			j.vip_owners = (const uint8_t(*)[6])facts[v].vip_owners;
			j.nvip_owners = facts[v].nvip_owners;
		}
		if (t->claim_watch && !t->server && v != DSR_NO_TASK) {
			j.nknown = known_macs(cfg, &cfg->services[v], &facts[v], learned, nlearned, known,
					      DSR_MAX_KNOWN_MACS);
			j.known_macs = (const uint8_t(*)[6])known;
		}
		t->probe->judge(&j, its, nits, c);
		name_servers(&owners, c);
		if (c->status != DSR_PASS)
			cite_frames(j.state, its, nits, c);
		dsr_packer_add(&packer, c);
	}
	free(sorted);
	free(start);
	free(ttl);
	free(known);
	free(learned);
	free(facts);
	free(owners.items);
	if (seen == &mine) {
		mine.items = NULL;
		dsr_observations_free(&mine);
	}
	dsr_check_release(&scratch);
	packer.failed = packer.failed || !ok;
	struct dsr_check *checks = dsr_packer_end(&packer, &n);
	if (checks)
		*nchecks = n;
	return checks;
}
