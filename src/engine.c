#include "engine.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/decode.h"
#include "../probes/frame.h"
#include "parse.h"
#include "../platform/platform.h"

/* Wake up at least this often so pacing and deadlines stay accurate even if
 * the capture descriptor cannot be polled (some platforms). */
#define MAX_SLEEP_MS 20
#define FRAME_MAX 128

static long long us_of(const struct timeval *tv)
{
	return (long long)tv->tv_sec * 1000000 + tv->tv_usec;
}

static long long now_us(void)
{
	struct timeval tv;
	dsr_platform_now(&tv);
	return us_of(&tv);
}

/* The tasks filed by key: a chained hash whose links are per task, since a
 * task has one key at a time. */
struct dsr_task_index {
	size_t mask;         /* buckets - 1 */
	size_t *head;        /* per bucket: its first task, or DSR_NO_TASK */
	size_t *next;        /* per task: the next task of its bucket */
	struct dsr_key *key; /* per task: what it is filed under */
	size_t *found;       /* scratch: one frame's tasks (each task at most once) */
	/* Per ARP task, the tasks it resolves (dep[dep_start[i] .. dep_start[i+1]]). */
	size_t *dep_start, *dep;
};

/* splitmix64's finaliser: every input bit moves the low bits that pick a bucket. */
static uint64_t mix(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static size_t key_hash(const struct dsr_key *k)
{
	uint64_t m = 0;

	memcpy(&m, k->mac, 6);
	return (size_t)mix(mix(mix(((uint64_t)k->kind << 32) ^ k->addr) ^
			       ((uint64_t)k->num << 16 ^ k->port)) ^ m);
}

static void unfile(struct dsr_task_index *x, size_t i)
{
	if (x->key[i].kind == DSR_KEY_NONE)
		return;
	size_t *link = &x->head[key_hash(&x->key[i]) & x->mask];
	while (*link != DSR_NO_TASK && *link != i)
		link = &x->next[*link];
	if (*link == i)
		*link = x->next[i];
	x->key[i].kind = DSR_KEY_NONE;
}

static void file(struct dsr_task_index *x, size_t i, const struct dsr_key *k)
{
	x->key[i] = *k;
	if (k->kind == DSR_KEY_NONE)
		return;
	size_t *head = &x->head[key_hash(k) & x->mask];
	x->next[i] = *head;
	*head = i;
}

/* Task i's state changed in a way its key may follow (identifiers, the MAC it
 * is sent to): files it under its key now. */
static void refile(const struct dsr_plan *plan, struct dsr_observations *obs, size_t i)
{
	const struct dsr_task *t = &plan->tasks[i];
	struct dsr_key k = {.kind = DSR_KEY_NONE};

	if (!obs->index)
		return;
	if (t->probe)
		k = t->probe->key(t, &obs->state[i]);
	if (dsr_key_equal(&k, &obs->index->key[i]))
		return;
	unfile(obs->index, i);
	file(obs->index, i, &k);
}

static void index_free(struct dsr_task_index *x)
{
	if (!x)
		return;
	free(x->head);
	free(x->next);
	free(x->key);
	free(x->found);
	free(x->dep_start);
	free(x->dep);
	free(x);
}

static struct dsr_task_index *index_new(const struct dsr_plan *plan)
{
	struct dsr_task_index *x = calloc(1, sizeof(*x));
	size_t n = plan->ntasks ? plan->ntasks : 1, buckets = 64;

	if (!x)
		return NULL;
	while (buckets < 2 * n)
		buckets *= 2;
	x->mask = buckets - 1;
	x->head = malloc(buckets * sizeof(*x->head));
	x->next = malloc(n * sizeof(*x->next));
	x->key = calloc(n, sizeof(*x->key));
	x->found = malloc(n * sizeof(*x->found));
	x->dep_start = calloc(n + 1, sizeof(*x->dep_start));
	x->dep = malloc(n * sizeof(*x->dep));
	if (!x->head || !x->next || !x->key || !x->found || !x->dep_start || !x->dep) {
		index_free(x);
		return NULL;
	}
	for (size_t b = 0; b < buckets; b++)
		x->head[b] = DSR_NO_TASK;
	/* Dependents grouped by resolver, in plan order (a counting sort). */
	for (size_t i = 0; i < plan->ntasks; i++)
		if (plan->tasks[i].resolver < plan->ntasks)
			x->dep_start[plan->tasks[i].resolver + 1]++;
	for (size_t i = 0; i < plan->ntasks; i++)
		x->dep_start[i + 1] += x->dep_start[i];
	size_t *fill = x->found; /* free until the first frame */
	memcpy(fill, x->dep_start, plan->ntasks * sizeof(*fill));
	for (size_t i = 0; i < plan->ntasks; i++)
		if (plan->tasks[i].resolver < plan->ntasks)
			x->dep[fill[plan->tasks[i].resolver]++] = i;
	return x;
}

int dsr_engine_prepare(const struct dsr_plan *plan, struct dsr_observations *obs)
{
	if (obs->state && obs->nstate == plan->ntasks)
		return 0;
	free(obs->state);
	index_free(obs->index);
	obs->index = NULL;
	obs->nstate = 0;
	obs->state = calloc(plan->ntasks ? plan->ntasks : 1, sizeof(*obs->state));
	if (!obs->state || !(obs->index = index_new(plan))) {
		free(obs->state);
		obs->state = NULL;
		return -1;
	}
	obs->nstate = plan->ntasks;
	for (size_t i = 0; i < plan->ntasks; i++) {
		dsr_task_state_init(&plan->tasks[i], &obs->state[i]);
		refile(plan, obs, i);
	}
	return 0;
}

/* The tasks filed under one of f's keys, in plan order, into x->found. */
static size_t lookup(const struct dsr_task_index *x, const struct dsr_frame *f)
{
	struct dsr_key keys[DSR_FRAME_KEYS_MAX];
	size_t nkeys = dsr_frame_keys(f, keys), n = 0;

	for (size_t k = 0; k < nkeys; k++)
		for (size_t i = x->head[key_hash(&keys[k]) & x->mask]; i != DSR_NO_TASK; i = x->next[i])
			if (dsr_key_equal(&x->key[i], &keys[k]))
				x->found[n++] = i;
	/* Plan order, as a scan of every task would meet them: few, nearly sorted. */
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0 && x->found[b - 1] > x->found[b]; b--) {
			size_t tmp = x->found[b];
			x->found[b] = x->found[b - 1];
			x->found[b - 1] = tmp;
		}
	return n;
}

static void add_observation(struct dsr_observations *obs, const struct dsr_observation *o)
{
	struct dsr_task_state *s = &obs->state[o->task];

	/* A flood of answers must not grow memory without bound: duplicates beyond
	 * the cap are counted, not kept. */
	if (s->nobs >= DSR_MAX_OBSERVATIONS_PER_TASK || obs->n >= DSR_MAX_OBSERVATIONS) {
		obs->dropped++;
		return;
	}
	if (obs->n == obs->cap) {
		size_t cap = obs->cap ? obs->cap * 2 : 64;
		struct dsr_observation *items = realloc(obs->items, cap * sizeof(*items));
		if (!items) {
			obs->dropped++;
			return;
		}
		obs->items = items;
		obs->cap = cap;
	}
	if (s->nobs == 0)
		s->first_obs = obs->n;
	obs->items[obs->n++] = *o;
	s->nobs++;
}

static void set_dst_mac(const struct dsr_plan *plan, struct dsr_observations *obs, size_t i,
			const uint8_t mac[6])
{
	memcpy(obs->state[i].dst_mac, mac, 6);
	obs->state[i].dst_mac_known = true;
	refile(plan, obs, i);
}

/* The MAC an IP probe is sent to, once its next hop has answered ARP: the
 * expected MAC when one of the answers has it, else the first answer. */
/* A MAC the configuration names for task a's address, or one the balancers'
 * own addresses resolved to (for the VIP). */
static bool expected_mac(const struct dsr_plan *plan, const struct dsr_observations *obs,
			 const struct dsr_task *a, const uint8_t mac[6])
{
	if (dsr_mac_in(a->expected_macs, a->nexpected, mac))
		return true;
	for (size_t k = 0; k < a->nowner_tasks; k++) {
		const struct dsr_task_state *os = &obs->state[a->owner_tasks[k]];
		(void)plan;
		if (os->has_learned_mac && memcmp(os->learned_mac, mac, 6) == 0)
			return true;
	}
	return false;
}

static void learn_next_hop(const struct dsr_plan *plan, size_t arp_task,
			   const struct dsr_observation *o, struct dsr_observations *obs);

/* A balancer's own address has just been resolved: a VIP whose next hop was
 * taken from another answer (a real server that won the ARP race) moves to
 * the balancer, if the balancer answered for the VIP too. */
static void owner_resolved(const struct dsr_plan *plan, size_t owner, struct dsr_observations *obs)
{
	for (size_t v = 0; v < plan->ntasks; v++) {
		const struct dsr_task *t = &plan->tasks[v];
		bool mine = false;
		for (size_t k = 0; k < t->nowner_tasks; k++)
			mine = mine || t->owner_tasks[k] == owner;
		if (!mine || !obs->state[v].has_learned_mac ||
		    expected_mac(plan, obs, t, obs->state[v].learned_mac))
			continue;
		for (size_t k = 0; k < obs->n; k++)
			if (obs->items[k].task == v &&
			    memcmp(obs->items[k].mac, obs->state[owner].learned_mac, 6) == 0) {
				struct dsr_observation copy = obs->items[k];
				learn_next_hop(plan, v, &copy, obs);
				break;
			}
	}
}

static void learn_next_hop(const struct dsr_plan *plan, size_t arp_task,
			   const struct dsr_observation *o, struct dsr_observations *obs)
{
	const struct dsr_task *a = &plan->tasks[arp_task];
	struct dsr_task_state *as = &obs->state[arp_task];
	const struct dsr_task_index *x = obs->index;
	bool have_expected = as->has_learned_mac && expected_mac(plan, obs, a, as->learned_mac);
	bool first = !as->has_learned_mac;
	long long attempt = as->attempts ? us_of(&as->last_sent) : -1;
	bool same = as->has_learned_mac && memcmp(as->learned_mac, o->mac, 6) == 0;
	/* The VIP moved to another member of the balancer set (a failover): a
	 * later request answered by it and not by the one we send to. */
	bool moved = a->is_vip && have_expected && !same && attempt > as->learned_attempt_us &&
		     expected_mac(plan, obs, a, o->mac);

	bool late_expected = false;

	if (!as->has_learned_mac || (!have_expected && expected_mac(plan, obs, a, o->mac)) || moved) {
		late_expected = as->has_learned_mac;
		memcpy(as->learned_mac, o->mac, 6);
		as->has_learned_mac = true;
		as->learned_attempt_us = attempt;
	} else if (same && attempt > as->learned_attempt_us) {
		as->learned_attempt_us = attempt;
	}
	if (first && a->internal && !a->check_id)
		owner_resolved(plan, arp_task, obs);
	for (size_t d = x->dep_start[arp_task]; d < x->dep_start[arp_task + 1]; d++) {
		size_t i = x->dep[d];
		struct dsr_task_state *s = &obs->state[i];
		if (s->attempts == 0) {
			set_dst_mac(plan, obs, i, as->learned_mac);
			continue;
		}
		/* Tasks already sent keep their MAC, unless it was a MAC the configuration
		 * does not name and the configured one answered late (its first answer
		 * lost, or slower than a second host's). The check is about the host the
		 * operator named: the next tries go there, and what the other host said
		 * (a squatter's RST to a SYN for the VIP, a duplicate's echo reply) stays
		 * as evidence but no longer decides the verdict. */
		if (!late_expected || memcmp(s->dst_mac, as->learned_mac, 6) == 0)
			continue;
		/* After a failover what was answered stays answered: only the
		 * probes still waiting follow the VIP to its new owner. */
		if (moved && s->answered)
			continue;
		s->corrected_try_due = true;
		s->answered = false;
		s->followed_up = false;
		/* Answers to the earlier tries may still be on their way (a lab run saw
		 * the other host's RST arrive just after the correction): new
		 * identifiers keep them from matching. */
		dsr_plan_reidentify(plan, s);
		set_dst_mac(plan, obs, i, as->learned_mac);
		for (size_t k = 0; k < obs->n; k++)
			if (obs->items[k].task == i)
				obs->items[k].via_other_hop = true;
	}
}

/* Live runs send follow-up frames (a RST after a SYN-ACK) through this. */
typedef void (*follow_up_fn)(const struct dsr_plan *plan, struct dsr_observations *obs, size_t i,
			     const struct dsr_observation *o, void *arg);

/* Is f on the segment task t probes? Another VLAN is another segment: its
 * frames say nothing about ours. A sub-interface's own VLAN, should its tag
 * show up in the capture, is that interface's segment. */
static bool on_segment(const struct dsr_plan *plan, const struct dsr_task *t, const struct dsr_frame *f)
{
	if (t->vantage)
		return dsr_frame_in_vlan(f, dsr_plan_me(plan, t)->vlan);
	return dsr_frame_in_vlan(f, 0) || (plan->iface_vlan && dsr_frame_in_vlan(f, plan->iface_vlan));
}

/* Does f belong to a segment the plan probes (a VLAN of a task's, or the
 * interface's own)? A frame that could not be read as far as its tags is
 * given the benefit of the doubt. */
static bool plan_segment(const struct dsr_plan *plan, enum dsr_decode_status st, const struct dsr_frame *f)
{
	if (st == DSR_FRAME_TRUNCATED || f->ntags == 0)
		return true;
	if (dsr_frame_in_vlan(f, 0) || (plan->iface_vlan && dsr_frame_in_vlan(f, plan->iface_vlan)))
		return true;
	for (size_t i = 0; i < plan->ntagged; i++)
		if (dsr_frame_in_vlan(f, plan->tagged[i].vlan))
			return true;
	return false;
}

/* One frame, decoded (st, f) by the caller. */
static void feed(const struct dsr_plan *plan, enum dsr_decode_status st, const struct dsr_frame *frame,
		 const struct timeval *ts, bool record_attempts, struct dsr_observations *obs,
		 follow_up_fn follow_up, void *follow_up_arg, unsigned frame_no)
{
	const struct dsr_frame f = *frame;

	if (obs->frames++ == 0)
		obs->first_ts = *ts;
	obs->last_ts = *ts;
	if (st == DSR_FRAME_TRUNCATED) {
		obs->truncated++;
		return;
	}
	if (st == DSR_FRAME_INVALID) {
		obs->invalid++;
		return;
	}
	if (st == DSR_FRAME_UNRELATED) {
		obs->unrelated++;
		return;
	}
	if (dsr_engine_prepare(plan, obs) < 0) {
		obs->dropped++;
		return;
	}
	size_t nfound = lookup(obs->index, &f);
	/* Our own frames are attempts, never answers; but a VRRP master's own
	 * advertisements (in a capture taken there) are what vrrp.master watches. */
	if (memcmp(f.eth_src, plan->me.mac, 6) == 0 && f.l4 != DSR_L4_VRRP) {
		obs->own++;
		if (!record_attempts)
			return;
		for (size_t k = 0; k < nfound; k++) {
			size_t i = obs->index->found[k];
			const struct dsr_task *t = &plan->tasks[i];
			struct dsr_task_state *s = &obs->state[i];
			const struct dsr_local *me = dsr_plan_me(plan, t);
			if (t->probe && on_segment(plan, t, &f) && t->probe->is_attempt(t, s, me, &f)) {
				s->attempts++;
				s->last_sent = *ts;
				s->corrected_try_due = false;
				set_dst_mac(plan, obs, i, f.eth_dst);
			}
		}
		return;
	}
	bool matched = false;
	for (size_t k = 0; k < nfound; k++) {
		size_t i = obs->index->found[k];
		const struct dsr_task *t = &plan->tasks[i];
		struct dsr_task_state *s = &obs->state[i];
		struct dsr_observation o;
		const struct dsr_local *me = dsr_plan_me(plan, t);
		if (!t->probe || !on_segment(plan, t, &f))
			continue;
		memset(&o, 0, sizeof(o));
		enum dsr_match m = t->probe->match(t, s, me, &f, &o);
		if (m == DSR_MATCH_NO)
			continue;
		matched = true;
		o.task = i;
		o.ts = *ts;
		o.frame = frame_no;
		o.rtt_us = s->attempts ? us_of(ts) - us_of(&s->last_sent) : -1;
		if (o.rtt_us < 0)
			o.rtt_us = -1;
		s->nmatched++;
		add_observation(obs, &o);
		/* Live runs only (they alone send follow-ups): a replay has no connection to move on. */
		if (follow_up && t->probe->seen)
			t->probe->seen(t, s, &o);
		if (m != DSR_MATCH_ANSWER)
			continue;
		s->answered = true;
		if (t->probe->resolves)
			learn_next_hop(plan, i, &o, obs);
		if (follow_up && t->probe->follow_up && !s->followed_up) {
			s->followed_up = true;
			follow_up(plan, obs, i, &o, follow_up_arg);
		}
	}
	if (!matched)
		obs->unmatched++;
}

void dsr_engine_feed(const struct dsr_plan *plan, const uint8_t *bytes, size_t caplen,
		     const struct timeval *ts, bool record_attempts, struct dsr_observations *obs)
{
	struct dsr_frame f;
	enum dsr_decode_status st = dsr_decode_ethernet(bytes, caplen, &f);

	feed(plan, st, &f, ts, record_attempts, obs, NULL, NULL, 0);
}

/* "dst host A" or "(dst host A or dst host B ...)": every address our probes
 * leave from, the interface's and each tagged VLAN's. */
static void filter_hosts(const struct dsr_plan *plan, char *out, size_t outlen)
{
	char ip[16];
	size_t len = 0;

	dsr_format_ipv4(plan->me.ip, ip);
	len += (size_t)snprintf(out, outlen, "%sdst host %s", plan->ntagged ? "(" : "", ip);
	for (size_t i = 0; i < plan->ntagged && len < outlen; i++) {
		dsr_format_ipv4(plan->tagged[i].ip, ip);
		len += (size_t)snprintf(out + len, outlen - len, " or dst host %s", ip);
	}
	if (plan->ntagged && len < outlen)
		snprintf(out + len, outlen - len, ")");
}

void dsr_engine_filter(const struct dsr_plan *plan, char *out, size_t outlen)
{
	char mac[18], hosts[DSR_FILTER_MAX / 4], ours[DSR_FILTER_MAX / 4 + 160];

	dsr_format_mac(plan->me.mac, mac);
	filter_hosts(plan, hosts, sizeof(hosts));
	/* VRRP advertisements go to a multicast group (or a unicast peer), never to
	 * us: vrrp.master watches them whoever sends them. */
	/* IPv6: Neighbor Discovery's answers go to all nodes (duplicate address
	 * detection's), claims are whatever a server sends, and the IPv6 probes'
	 * answers come to our IPv6 address: all of ICMPv6 and our ports' TCP over
	 * IPv6 but our own frames, which the engine sorts. */
	char v6[96] = "";
	if (plan->neighbor_discovery)
		snprintf(v6, sizeof(v6), "icmp6 or (ip6 and tcp and dst portrange %u-%u) or ", plan->sport_first,
			 plan->sport_last);
	snprintf(ours, sizeof(ours),
		 "ip proto 112 or (not ether src %s and (arp or %s(%s and (icmp or "
		 "(tcp and dst portrange %u-%u)))))",
		 mac, v6, hosts, plan->sport_first, plan->sport_last);
	/* Tagged frames: where the tag is still in the frame (BSD, macOS, a saved
	 * file) only `vlan` moves libpcap past it; on Linux the kernel has moved
	 * received tags into metadata, where the untagged half already matches
	 * them. One `vlan` keyword only: every further one moves the offsets again.
	 * Which VLAN a frame belongs to is the engine's to judge (dsr_frame_in_vlan). */
	if (plan->ntagged)
		snprintf(out, outlen, "%s or (vlan and (%s))", ours, ours);
	else
		snprintf(out, outlen, "%s", ours);
}

/* What the passive tasks watched, for their judges. */
static void set_watch_span(const struct dsr_plan *plan, struct dsr_observations *obs,
			   const struct timeval *from, const struct timeval *to)
{
	for (size_t i = 0; i < plan->ntasks; i++)
		if (plan->tasks[i].passive) {
			obs->state[i].watch_from = *from;
			obs->state[i].watch_to = *to;
		}
}

enum task_state { WAITING, DUE, IN_FLIGHT, DONE };

/* The live run started at start: how long task i must still watch (a probe's
 * minimum watch, within the run's time limit), 0 when it has watched enough. */
static long long watch_left_us(const struct dsr_plan *plan, const struct dsr_observations *obs,
			       size_t i, const struct dsr_engine_options *o, long long start,
			       long long now)
{
	const struct dsr_task *t = &plan->tasks[i];
	const struct dsr_task_state *s = &obs->state[i];

	if (!t->probe || !t->probe->min_watch_ms)
		return 0;
	long long need = (long long)t->probe->min_watch_ms(t, s->nobs ? &obs->items[s->first_obs] : NULL);
	/* Never the reason a run overruns its limit: the judge is told how long
	 * was watched and says when that was too short. */
	if (o->time_limit_ms && need > (long long)o->time_limit_ms * 9 / 10)
		need = (long long)o->time_limit_ms * 9 / 10;
	if (need > DSR_MAX_DURATION_MS)
		need = DSR_MAX_DURATION_MS;
	long long end = start + need * 1000;
	return end > now ? end - now : 0;
}

static unsigned tries_of(const struct dsr_task *t, const struct dsr_engine_options *o)
{
	return t->probe->max_attempts ? t->probe->max_attempts : o->retries + 1;
}

/* Where task t stands at time now; sets *when to the time it next needs attention. */
static enum task_state task_state(const struct dsr_plan *plan, struct dsr_observations *obs,
				  size_t i, const struct dsr_engine_options *o, long long now,
				  long long *when)
{
	const struct dsr_task *t = &plan->tasks[i];
	struct dsr_task_state *s = &obs->state[i];
	long long timeout = (long long)o->timeout_ms * 1000;

	*when = now + MAX_SLEEP_MS * 1000;
	if (t->passive && obs->started_us) {
		long long left = watch_left_us(plan, obs, i, o, obs->started_us, now);
		if (left > 0) {
			*when = now + left;
			return IN_FLIGHT;
		}
	}
	if (!t->probe || t->passive || s->unresolved)
		return DONE;
	/* Connections of this host's TCP: their probe says when it is done. */
	if (t->probe->run)
		return s->finished ? DONE : s->live ? IN_FLIGHT : DUE;
	if (s->answered && s->attempts > 0 && !(t->probe->ask_all && !t->internal))
		return DONE;
	if (!s->dst_mac_known && t->resolver != DSR_NO_TASK) {
		const struct dsr_task_state *r = &obs->state[t->resolver];
		long long rwhen;
		enum task_state rs = task_state(plan, obs, t->resolver, o, now, &rwhen);
		/* With a configured MAC to fall back on, one unanswered ARP try is
		 * enough: a down server must not cost the retry window twice. */
		bool first_try_lost = r->attempts > 1 || (rs == DUE && r->attempts == 1);
		if (rs != DONE && !(t->has_fallback_mac && first_try_lost))
			return WAITING;
	}
	if (!s->dst_mac_known && t->has_fallback_mac)
		/* ARP went unanswered, but the operator told us the MAC: still ask. */
		set_dst_mac(plan, obs, i, t->fallback_mac);
	if (!s->dst_mac_known && !t->probe->resolves) {
		s->unresolved = true;
		return DONE;
	}
	if (s->attempts == 0)
		return DUE;
	long long expires = us_of(&s->last_sent) + timeout;
	if (now < expires) {
		*when = expires;
		return IN_FLIGHT;
	}
	unsigned tries = tries_of(t, o);
	/* A corrected next hop gets at least one try of its own. */
	if (s->corrected_try_due)
		return DUE;
	return s->attempts < tries ? DUE : DONE;
}

/* One turn of a probe that runs connections of this host's TCP; *wake is
 * lowered to when it wants the next. Returns 0, or -1 with err. */
static int run_turn(const struct dsr_plan *plan, size_t i, const struct dsr_engine_options *o,
		    struct dsr_observations *obs, long long now, long long *wake, char *err,
		    size_t errlen)
{
	const struct dsr_task *t = &plan->tasks[i];
	long long when = now + MAX_SLEEP_MS * 1000;

	if (t->probe->run(t, &obs->state[i], dsr_plan_me(plan, t), o->timeout_ms, o->retries, now, &when, err,
			  errlen) < 0)
		return -1;
	if (when < *wake)
		*wake = when;
	return 0;
}

static int send_attempt(const struct dsr_plan *plan, size_t i, struct dsr_source *src,
			struct dsr_dump *dump, struct dsr_observations *obs, char *err, size_t errlen)
{
	const struct dsr_task *t = &plan->tasks[i];
	struct dsr_task_state *s = &obs->state[i];
	uint8_t frame[FRAME_MAX];
	int len = t->probe->build(t, s, dsr_plan_me(plan, t), frame, sizeof(frame), err, errlen);

	if (len < 0)
		return -1;
	/* Stamped before sending: on a fast link the answer's capture timestamp can
	 * precede the moment inject returns. */
	dsr_platform_now(&s->last_sent);
	if (dsr_source_inject(src, frame, (size_t)len, err, errlen) < 0)
		return -1;
	s->attempts++;
	s->corrected_try_due = false;
	obs->frames_sent++;
	if (dump) {
		unsigned n = dsr_dump_frame(dump, &s->last_sent, frame, (size_t)len);
		if (s->nsent_frames < sizeof(s->sent_frames) / sizeof(s->sent_frames[0]))
			s->sent_frames[s->nsent_frames++] = n;
	}
	return 0;
}

void dsr_reply_limit_init(struct dsr_reply_limit *l, unsigned rate)
{
	unsigned per_s = rate / 2 ? rate / 2 : 1, burst = per_s / 10;

	memset(l, 0, sizeof(*l));
	l->cost_us = 1000000 / per_s;
	l->burst_us = l->cost_us * (burst > DSR_REPLY_BURST_MIN ? burst : DSR_REPLY_BURST_MIN);
	l->busy_until = LLONG_MIN / 2;
}

bool dsr_reply_limit_allow(struct dsr_reply_limit *l, uint16_t vlan, uint32_t ip, const uint8_t mac[6],
			   long long now_us)
{
	size_t slot = 0;

	for (size_t i = 0; i < l->npeers; i++) {
		if (l->peers[i].vlan == vlan && l->peers[i].ip == ip && memcmp(l->peers[i].mac, mac, 6) == 0) {
			if (now_us - l->peers[i].last_us < DSR_REPLY_PEER_MS * 1000LL) {
				l->refused++;
				return false;
			}
			slot = i;
			goto bucket;
		}
		if (l->peers[i].last_us < l->peers[slot].last_us)
			slot = i;
	}
	if (l->npeers < DSR_REPLY_PEERS)
		slot = l->npeers;
bucket:
	if (l->busy_until < now_us)
		l->busy_until = now_us;
	if (l->busy_until + l->cost_us - now_us > l->burst_us) {
		/* Not remembered as answered: its retransmission gets its chance. */
		l->refused++;
		return false;
	}
	l->busy_until += l->cost_us;
	if (slot == l->npeers)
		l->npeers++;
	l->peers[slot].last_us = now_us;
	l->peers[slot].ip = ip;
	l->peers[slot].vlan = vlan;
	memcpy(l->peers[slot].mac, mac, 6);
	l->sent++;
	return true;
}

struct live {
	struct dsr_source *src;
	struct dsr_dump *dump;
	const struct dsr_engine_options *o;
	unsigned unpaced; /* follow-ups sent since the pacer last looked: they use the rate too */
	struct dsr_observations *obs;
	struct dsr_reply_limit replies; /* ARP replies for a VLAN's source */
	int failed; /* a follow-up could not be sent: reported after the frame */
	char *err;
	size_t errlen;
};

/* A frame sent as an answer comes in (a follow-up, an ARP reply): it counts
 * against the rate afterwards, and goes into the evidence capture. Returns 0,
 * or -1 with live->err. */
static int send_unpaced(struct live *live, const uint8_t *frame, size_t len)
{
	if (dsr_source_inject(live->src, frame, len, live->err, live->errlen) < 0)
		return -1;
	live->obs->frames_sent++;
	live->unpaced++;
	if (live->dump) {
		struct timeval now;
		dsr_platform_now(&now);
		dsr_dump_frame(live->dump, &now, frame, len);
	}
	return 0;
}

static void send_follow_up(const struct dsr_plan *plan, struct dsr_observations *obs, size_t i,
			   const struct dsr_observation *o, void *arg)
{
	struct live *live = arg;
	const struct dsr_task *t = &plan->tasks[i];
	uint8_t frame[FRAME_MAX];
	int len = t->probe->follow_up(t, &obs->state[i], dsr_plan_me(plan, t), o, frame, sizeof(frame),
				      live->err, live->errlen);

	if (len < 0 || (len > 0 && send_unpaced(live, frame, (size_t)len) < 0))
		live->failed = 1;
}

/* A VLAN probed from a source address no host interface has: the servers
 * must learn where to send their answers, and only dsrcheck can tell them.
 * Answers ARP requests for that address in that VLAN only, one reply per
 * request within live->replies' bounds. Returns 0, or -1 with live->err. */
static int answer_arp(const struct dsr_plan *plan, struct live *live, const struct dsr_frame *f)
{
	if (f->l3 != DSR_L3_ARP || f->arp.op != DSR_ARP_REQUEST || memcmp(f->eth_src, plan->me.mac, 6) == 0)
		return 0;
	for (size_t i = 0; i < plan->ntagged; i++) {
		const struct dsr_local *v = &plan->tagged[i];
		if (!v->answers_arp || f->arp.tpa.s_addr != v->ip.s_addr || !dsr_frame_in_vlan(f, v->vlan))
			continue;
		if (!dsr_reply_limit_allow(&live->replies, v->vlan, f->arp.spa.s_addr, f->arp.sha, now_us()))
			return 0;
		uint8_t frame[FRAME_MAX];
		int len = dsr_build_arp_reply(v, f->arp.sha, f->arp.spa, frame, sizeof(frame), live->err,
					      live->errlen);
		return len < 0 ? -1 : send_unpaced(live, frame, (size_t)len);
	}
	return 0;
}

static int drain(const struct dsr_plan *plan, struct live *live)
{
	const uint8_t *data;
	size_t caplen;
	struct timeval ts;
	int rc;

	/* Bounded per call so that a flood cannot starve sending and deadlines. */
	for (int i = 0; i < 10000; i++) {
		rc = dsr_source_next(live->src, &data, &caplen, &ts, live->err, live->errlen);
		if (rc <= 0)
			return rc == -1 ? -1 : 0;
		struct dsr_frame f;
		enum dsr_decode_status st = dsr_decode_ethernet(data, caplen, &f);
		/* The evidence is of the segments probed: another VLAN's frames on
		 * a trunk are neither evidence nor ours to keep. */
		unsigned frame_no = live->dump && plan_segment(plan, st, &f)
					    ? dsr_dump_frame(live->dump, &ts, data, caplen)
					    : 0;
		if (live->o->tap)
			live->o->tap(data, caplen, &ts, live->o->tap_arg);
		feed(plan, st, &f, &ts, false, live->obs, send_follow_up, live, frame_no);
		if (live->failed || (st == DSR_FRAME_OK && plan->ntagged && answer_arp(plan, live, &f) < 0))
			return -1;
	}
	return 0;
}

/* On the way out early: every SYN already sent to a server's MAC gets its RST,
 * so no half-open connection is left behind (the kernel's own RST to a reply
 * from the VIP would go to the balancer, not to that server). */
static void reset_pending(const struct dsr_plan *plan, struct live *live)
{
	for (size_t i = 0; i < plan->ntasks; i++) {
		const struct dsr_task *t = &plan->tasks[i];
		struct dsr_task_state *s = &live->obs->state[i];
		struct dsr_observation o;
		if (!t->probe || !t->probe->follow_up || !t->direct || !s->attempts || s->followed_up)
			continue;
		memset(&o, 0, sizeof(o));
		o.kind = DSR_OBS_SYNACK;
		memcpy(o.mac, s->dst_mac, 6);
		s->followed_up = true;
		send_follow_up(plan, live->obs, i, &o, live);
	}
}

/* The counts of a progress line, gathered while the loop looks at every task
 * anyway, at most every DSR_PROGRESS_EVERY_MS. */
struct progress {
	size_t *server_of; /* per task: its server's ordinal, or SIZE_MAX for none */
	size_t *pending;   /* per server: its tasks not done yet */
	size_t nservers;
	long long next_us; /* when the next count is due */
	long long left_us; /* the longest a task still needs */
	size_t frames_left;
};

/* Servers by name: a server in two services is one server. Returns 0, or -1
 * when out of memory (the run goes on without progress). */
static int progress_init(struct progress *pg, const struct dsr_plan *plan)
{
	size_t *first = malloc((plan->ntasks + 1) * sizeof(*first));

	pg->server_of = malloc((plan->ntasks + 1) * sizeof(*pg->server_of));
	pg->pending = calloc(plan->ntasks + 1, sizeof(*pg->pending));
	if (!first || !pg->server_of || !pg->pending) {
		free(first);
		return -1;
	}
	for (size_t i = 0; i < plan->ntasks; i++) {
		const char *name = plan->tasks[i].server;
		size_t k = 0;
		while (name && k < pg->nservers && strcmp(plan->tasks[first[k]].server, name) != 0)
			k++;
		if (name && k == pg->nservers)
			first[pg->nservers++] = i;
		pg->server_of[i] = name ? k : SIZE_MAX;
	}
	free(first);
	return 0;
}

static void progress_free(struct progress *pg)
{
	free(pg->server_of);
	free(pg->pending);
}

/* Task i, in state st until when: what it still needs, counted into pg. */
static void progress_count(struct progress *pg, const struct dsr_plan *plan,
			   const struct dsr_observations *obs, size_t i, enum task_state st,
			   long long when, const struct dsr_engine_options *o, long long now)
{
	const struct dsr_task *t = &plan->tasks[i];
	long long timeout = (long long)o->timeout_ms * 1000, left = 0;

	if (st == DONE)
		return;
	if (pg->server_of[i] != SIZE_MAX)
		pg->pending[pg->server_of[i]]++;
	if (t->passive || t->probe->run) {
		left = st == IN_FLIGHT ? when - now : timeout * tries_of(t, o);
	} else {
		unsigned tries = tries_of(t, o), sent = obs->state[i].attempts;
		unsigned more = sent < tries ? tries - sent : 0;
		/* Waiting for its next hop: that ARP's tries come first. */
		if (st == WAITING)
			more = tries + o->retries + 1;
		left = (st == IN_FLIGHT ? when - now : 0) + timeout * more;
		pg->frames_left += more;
	}
	if (left > pg->left_us)
		pg->left_us = left;
}

static void progress_report(struct progress *pg, const struct dsr_plan *plan,
			    const struct dsr_observations *obs, const struct dsr_engine_options *o,
			    size_t done, long long start, long long listen_end, long long now,
			    long long interval)
{
	struct dsr_engine_progress p = {
		.frames_sent = obs->frames_sent, .answers = obs->n, .tasks_done = done,
		.tasks = plan->ntasks, .servers = pg->nservers, .elapsed_ms = (now - start) / 1000,
	};
	long long left = pg->left_us;

	for (size_t k = 0; k < pg->nservers; k++)
		p.servers_settled += pg->pending[k] == 0;
	if ((long long)pg->frames_left * interval > left)
		left = (long long)pg->frames_left * interval;
	if (listen_end - now > left)
		left = listen_end - now;
	if (o->time_limit_ms && start + (long long)o->time_limit_ms * 1000 - now < left)
		left = start + (long long)o->time_limit_ms * 1000 - now;
	p.left_ms = left > 0 ? (left + 999) / 1000 : 0;
	o->progress(&p, o->progress_arg);
	memset(pg->pending, 0, pg->nservers * sizeof(*pg->pending));
	pg->left_us = 0;
	pg->frames_left = 0;
	pg->next_us = now + DSR_PROGRESS_EVERY_MS * 1000;
}

static int run_loop(const struct dsr_plan *plan, struct dsr_source *src,
		    const struct dsr_engine_options *o, struct progress *pg,
		    struct dsr_observations *obs, char *err, size_t errlen)
{
	long long start = now_us();
	long long listen_end = start + (long long)o->listen_ms * 1000;
	long long interval = 1000000 / (o->rate ? o->rate : 1);
	/* A few milliseconds of credit: the loop cannot wake for every frame at high
	 * rates, and a late wake-up may catch up this much, never more. */
	long long burst = interval * (o->rate / 200);
	long long next_send = start;
	struct live live = {.src = src, .dump = o->dump, .o = o, .obs = obs, .err = err, .errlen = errlen};
	dsr_reply_limit_init(&live.replies, o->rate);

	/* Whatever happens, never more than every task's every attempt, the one more
	 * of a corrected next hop, and its follow-up: more would be a bug, and a bug
	 * must not flood the segment. ARP replies are bounded by live.replies
	 * instead: others' requests, not the plan, decide how many there are, and a
	 * flood of them must not end the run. */
	size_t frame_cap = plan->ntasks * ((size_t)o->retries + 3) + 16;

	if (dsr_engine_prepare(plan, obs) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	obs->started_us = start;

	for (;;) {
		long long now = now_us(), wake = now + MAX_SLEEP_MS * 1000;
		size_t done = 0;
		bool sent_one = true;

		if (o->stop && *o->stop) {
			reset_pending(plan, &live);
			snprintf(err, errlen, "interrupted: %zu probes sent, connections reset",
				 obs->frames_sent);
			return -1;
		}
		if (obs->frames_sent - live.replies.sent >= frame_cap) {
			snprintf(err, errlen, "stopped at the cap of %zu frames for this run", frame_cap);
			return -1;
		}

		/* Follow-ups went out as answers came in; they count against the rate. */
		next_send += interval * live.unpaced;
		live.unpaced = 0;
		if (next_send < now - burst)
			next_send = now - burst;
		/* Send what is due, as fast as the rate allows. */
		while (sent_one && now >= next_send && obs->frames_sent - live.replies.sent < frame_cap) {
			sent_one = false;
			/* ARP first: every probe waits for its next hop's MAC, and an ARP
			 * task asks all its tries a timeout apart, so an ARP request left
			 * behind the IP probes of earlier servers would end the run seconds
			 * after the last frame. Then in plan order: a server is probed at
			 * the VIP before at its real address, so that the first reply it
			 * must send us is the VIP-sourced one (see arp.vip.claim). */
			for (int pass = 0; pass < 2 && !sent_one; pass++)
				for (size_t i = 0; i < plan->ntasks; i++) {
					long long when;
					const struct dsr_task *t = &plan->tasks[i];
					if (pass == 0 && !(t->probe && t->probe->resolves))
						continue;
					if (task_state(plan, obs, i, o, now, &when) != DUE)
						continue;
					if (t->probe->run ? run_turn(plan, i, o, obs, now, &wake, err, errlen) < 0
							  : send_attempt(plan, i, src, o->dump, obs, err, errlen) < 0)
						return -1;
					/* A late loop must not turn into a burst. */
					next_send += interval;
					sent_one = true;
					break;
				}
			now = now_us();
		}
		bool any_due = false, counting = pg && now >= pg->next_us;
		for (size_t i = 0; i < plan->ntasks; i++) {
			long long when;
			enum task_state st = task_state(plan, obs, i, o, now, &when);
			if (st == IN_FLIGHT && plan->tasks[i].probe->run) {
				if (run_turn(plan, i, o, obs, now, &wake, err, errlen) < 0)
					return -1;
				st = task_state(plan, obs, i, o, now, &when);
			}
			done += st == DONE;
			any_due = any_due || st == DUE;
			if (st == IN_FLIGHT && when < wake)
				wake = when;
			if (counting)
				progress_count(pg, plan, obs, i, st, when, o, now);
		}
		if (counting)
			progress_report(pg, plan, obs, o, done, start, listen_end, now, interval);
		if (done == plan->ntasks && now >= listen_end)
			break;
		if (o->time_limit_ms && now >= start + (long long)o->time_limit_ms * 1000) {
			snprintf(err, errlen, "time limit of %u ms reached with %zu of %zu probes pending",
				 o->time_limit_ms, plan->ntasks - done, plan->ntasks);
			return -1;
		}
		if (any_due && next_send < wake)
			wake = next_send;
		if (done == plan->ntasks && listen_end < wake)
			wake = listen_end;
		if (o->time_limit_ms && start + (long long)o->time_limit_ms * 1000 < wake)
			wake = start + (long long)o->time_limit_ms * 1000;
		long long sleep_ms = (wake - now + 999) / 1000;
		if (sleep_ms < 0)
			sleep_ms = 0;
		if (dsr_source_wait(src, (unsigned)sleep_ms, err, errlen) < 0)
			return -1;
		if (drain(plan, &live) < 0)
			return -1;
	}
	/* Answers already queued in the kernel still count. */
	int rc = drain(plan, &live);
	struct timeval from = {.tv_sec = (time_t)(start / 1000000), .tv_usec = (long)(start % 1000000)}, to;
	dsr_platform_now(&to);
	set_watch_span(plan, obs, &from, &to);
	return rc;
}

int dsr_engine_run(const struct dsr_plan *plan, struct dsr_source *src,
		   const struct dsr_engine_options *o, struct dsr_observations *obs, char *err,
		   size_t errlen)
{
	struct progress pg = {0};
	bool counting = o->progress && progress_init(&pg, plan) == 0;
	int rc = run_loop(plan, src, o, counting ? &pg : NULL, obs, err, errlen);

	progress_free(&pg);

	/* Whatever ended the run, no socket of ours is left open. */
	for (size_t i = 0; obs->state && i < plan->ntasks; i++)
		if (plan->tasks[i].probe && plan->tasks[i].probe->finish)
			plan->tasks[i].probe->finish(&plan->tasks[i], &obs->state[i]);
	return rc;
}

int dsr_engine_replay(const struct dsr_plan *plan, struct dsr_source *src,
		      struct dsr_observations *obs, char *err, size_t errlen)
{
	const uint8_t *data;
	size_t caplen;
	struct timeval ts;
	int rc;

	if (dsr_engine_prepare(plan, obs) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	while ((rc = dsr_source_next(src, &data, &caplen, &ts, err, errlen)) == 1)
		dsr_engine_feed(plan, data, caplen, &ts, true, obs);
	if (rc == -1)
		return -1;
	set_watch_span(plan, obs, &obs->first_ts, &obs->last_ts);
	for (size_t i = 0; i < plan->ntasks; i++) {
		const struct dsr_task *t = &plan->tasks[i];
		struct dsr_task_state *s = &obs->state[i];
		if (t->probe && !t->passive && s->attempts == 0 && !t->probe->resolves)
			s->unresolved = true;
		/* A recorded run leaves no trace of the fallback: it is what the probe went to. */
		if (!s->dst_mac_known && t->has_fallback_mac)
			set_dst_mac(plan, obs, i, t->fallback_mac);
	}
	return 0;
}

void dsr_observations_free(struct dsr_observations *obs)
{
	free(obs->items);
	free(obs->state);
	index_free(obs->index);
	memset(obs, 0, sizeof(*obs));
}
