/* nd.vip, nd.rip: who answers Neighbor Discovery for an IPv6 address, and is
 * it exactly one MAC? The IPv6 side of arp.c, judged by the same rules
 * (dsr_judge_owners): two MACs for a real address is a conflict, a real server
 * advertising the IPv6 VIP hijacks its traffic.
 *
 * Solicitations are duplicate address detection's (RFC 4862 5.4.2: source ::,
 * to the target's solicited-node group): like the RFC 5227 ARP probe, they
 * teach nobody our address, and every owner answers all nodes, so a second
 * answerer is seen as well as the first. On Linux the last advertisement with
 * the override flag wins a neighbour cache (ARP keeps the first), so who
 * answered first proves nothing here either. */
#include <string.h>

#include "frame.h"

static struct dsr_key nd_key(const struct dsr_task *t, const struct dsr_task_state *s)
{
	(void)s;
	return (struct dsr_key){.kind = DSR_KEY_ND, .addr = dsr_key_fold6(&t->target6)};
}

static int nd_build(const struct dsr_task *t, const struct dsr_task_state *s, const struct dsr_local *me,
		    uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	(void)s;
	return dsr_build_nd_probe(me, NULL, &t->target6, buf, cap, err, errlen);
}

/* Every advertisement for the address counts, solicited or not: a second
 * owner announcing itself re-points neighbours as much as one answering. The
 * MAC is the one it advertises (the target link-layer option), which is what
 * neighbours store. */
static enum dsr_match nd_match(const struct dsr_task *t, const struct dsr_task_state *s,
			       const struct dsr_local *me, const struct dsr_frame *f,
			       struct dsr_observation *obs)
{
	(void)s;
	(void)me;
	if (f->l3 != DSR_L3_IPV6 || f->l4 != DSR_L4_ND || f->nd.type != DSR_ND_ADVERT ||
	    memcmp(&f->nd.target, &t->target6, sizeof(t->target6)) != 0)
		return DSR_MATCH_NO;
	obs->kind = DSR_OBS_ND_ADVERT;
	memcpy(obs->mac, f->nd.has_lladdr ? f->nd.lladdr : f->eth_src, 6);
	obs->nd_solicited = f->nd.solicited;
	obs->nd_override = f->nd.override;
	return DSR_MATCH_ANSWER;
}

static bool nd_is_attempt(const struct dsr_task *t, const struct dsr_task_state *s, const struct dsr_local *me,
			  const struct dsr_frame *f)
{
	(void)s;
	return f->l3 == DSR_L3_IPV6 && f->l4 == DSR_L4_ND && f->nd.type == DSR_ND_SOLICIT && f->nd.dad &&
	       memcmp(f->eth_src, me->mac, 6) == 0 &&
	       memcmp(&f->nd.target, &t->target6, sizeof(t->target6)) == 0;
}

const struct dsr_probe dsr_probe_nd = {
	.name = "nd",
	.ask_all = true,
	.key = nd_key,
	.build = nd_build,
	.match = nd_match,
	.is_attempt = nd_is_attempt,
	.judge = dsr_judge_owners,
};
