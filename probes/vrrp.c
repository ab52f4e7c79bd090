/* vrrp.master: exactly one balancer must be master of the service's VRRP
 * virtual router (vrrp-id). Two masters (the pair does not hear itself: a
 * firewall dropping protocol 112, a broken HA link) both own the VIP: a
 * split-brain; no master leaves the VIP to nobody.
 *
 * The task sends nothing: it watches the advertisements of the virtual router
 * for at least three of their intervals (min_watch_ms), so that silence is
 * told from an advertisement not yet due. The verdict is src/owner_verdict.c's,
 * the one analyze and watch give on the same frames. */
#include <stdio.h>
#include <string.h>

#include "../src/catalogue.h"
#include "../src/owner_verdict.h"
#include "../src/ownership.h"
#include "../src/parse.h"
#include "probe.h"

/* Intervals watched, and the interval assumed before any advertisement (1 s,
 * keepalived's default). A quarter interval more lets the third one arrive. */
#define WATCH_INTERVALS 3
#define DEFAULT_INTERVAL_MS 1000

static struct dsr_key vrrp_key(const struct dsr_task *t, const struct dsr_task_state *s)
{
	(void)s;
	return (struct dsr_key){.kind = DSR_KEY_VRRP, .num = t->svc ? t->svc->vrrp_id : 0};
}

static int vrrp_build(const struct dsr_task *t, const struct dsr_task_state *s,
		      const struct dsr_local *me, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	(void)t, (void)s, (void)me, (void)buf, (void)cap;
	snprintf(err, errlen, "vrrp.master sends nothing");
	return -1;
}

static enum dsr_match vrrp_match(const struct dsr_task *t, const struct dsr_task_state *s,
				 const struct dsr_local *me, const struct dsr_frame *f,
				 struct dsr_observation *obs)
{
	(void)s, (void)me;
	if (!t->svc || f->l3 != DSR_L3_IPV4 || f->l4 != DSR_L4_VRRP || f->vrrp.vrid != t->svc->vrrp_id)
		return DSR_MATCH_NO;
	obs->kind = DSR_OBS_VRRP;
	memcpy(obs->mac, f->eth_src, 6);
	obs->ip = f->ip.src;
	obs->ttl = f->ip.ttl;
	obs->vrrp_vrid = f->vrrp.vrid;
	obs->vrrp_priority = f->vrrp.priority;
	obs->vrrp_interval_cs = f->vrrp.interval_cs;
	/* Every advertisement is evidence; none ends the watch. */
	return DSR_MATCH_WITNESS;
}

static bool vrrp_is_attempt(const struct dsr_task *t, const struct dsr_task_state *s,
			    const struct dsr_local *me, const struct dsr_frame *f)
{
	(void)t, (void)s, (void)me, (void)f;
	return false;
}

static unsigned vrrp_min_watch(const struct dsr_task *t, const struct dsr_observation *first)
{
	(void)t;
	unsigned interval = first ? first->vrrp_interval_cs * 10u : DEFAULT_INTERVAL_MS;
	return WATCH_INTERVALS * interval + interval / 4;
}

static int64_t us_of(const struct timeval *tv)
{
	return (int64_t)tv->tv_sec * 1000000 + tv->tv_usec;
}

/* Holding the VIP, this host is the master, yet its own advertisements never
 * reach its capture (it reads what comes in). Another master advertising is
 * then a split-brain; nobody else, one master. Returns false when too little
 * was watched to say. */
static bool held_verdict(const struct dsr_task *t, const struct dsr_ownership *own, int64_t watched,
			 struct dsr_check *out)
{
	const struct dsr_service *svc = t->svc;
	const struct dsr_vrrp_router *r = dsr_ownership_router(own, svc->vrrp_id);
	const struct dsr_balancer *self = t->self_balancer >= 0 ? &svc->balancers[t->self_balancer] : NULL;
	const struct dsr_vrrp_master *other = NULL;
	char vip[16], them[DSR_NAME_MAX], both[2 * DSR_NAME_MAX + 8];

	for (size_t i = 0; r && i < r->nmasters; i++)
		if ((!self || r->masters[i].addr.s_addr != self->addr.s_addr) && !r->masters[i].resigned)
			other = &r->masters[i];
	if (!other && watched < (int64_t)vrrp_min_watch(t, NULL) * 1000 * 9 / 10)
		return false;
	dsr_evidence_int(out, "vrrp_id", svc->vrrp_id);
	if (!other) {
		out->status = DSR_PASS;
		dsr_check_summary(out, "this host holds the VIP: master of vrrp-id %u, and no other master "
				  "advertised in %lld ms", svc->vrrp_id, (long long)(watched / 1000));
		return true;
	}
	dsr_format_ipv4(svc->vip, vip);
	dsr_ownership_master_name(own, other, them, sizeof(them));
	snprintf(both, sizeof(both), "%s and %s", self ? self->name : "this host", them);
	dsr_evidence_str(out, "owners", both);
	dsr_verdict_split_brain(out, vip, both);
	dsr_check_summary(out, "%s holds the VIP as master of vrrp-id %u, and %s advertises as master too",
			  self ? self->name : "this host", svc->vrrp_id, them);
	return true;
}

static void vrrp_judge(const struct dsr_judge_ctx *j, const struct dsr_observation *obs, size_t nobs,
		       struct dsr_check *out)
{
	const struct dsr_task_state *s = j->state;
	const struct dsr_service *svc = j->task->svc;
	struct dsr_ownership own;
	struct timeval end = s->watch_to;

	/* Taken over during the run: this host is the master since, and its own
	 * advertisements are not in its capture, so the silence after the old
	 * master's last one is its own mastership, not nobody's. */
	if (s->vip_acquired && nobs)
		end = obs[nobs - 1].ts;
	/* VRRP only: the gratuitous ARPs are arp.vip's to see. */
	dsr_ownership_of_run(&own, svc, NULL, &obs, &nobs, 1, false, &end);
	int64_t from = us_of(&s->watch_from), to = us_of(&end);
	if (s->nmatched > nobs)
		dsr_evidence_int(out, "adverts_not_kept", (long long)(s->nmatched - nobs));
	/* Released during the run: the master that follows is this host's successor. */
	if (j->task->vip_held && !s->vip_released && held_verdict(j->task, &own, to - from, out))
		return;
	dsr_vrrp_master_verdict(out, &own, svc, to > from ? to - from : 0);
}

const struct dsr_probe dsr_probe_vrrp = {
	.name = "vrrp",
	.max_attempts = 1,
	.key = vrrp_key,
	.build = vrrp_build,
	.match = vrrp_match,
	.is_attempt = vrrp_is_attempt,
	.judge = vrrp_judge,
	.min_watch_ms = vrrp_min_watch,
};
