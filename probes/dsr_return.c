/* dsr.return: in DSR the answer to a client comes straight from a real server.
 * The same SYN a client sends to the VIP, judged by who sent the answer: if it
 * comes back from the balancer's MAC, the balancer is proxying or NATing, and
 * the deployment is not doing Direct Server Return at all. dsr6.return is the
 * same over IPv6, to the IPv6 VIP. */
#include <stdio.h>
#include <string.h>

#include "../src/ha.h"
#include "../src/parse.h"
#include "frame.h"

static void return_judge(const struct dsr_judge_ctx *j, const struct dsr_observation *obs,
			 size_t nobs, struct dsr_check *out)
{
	const struct dsr_task *t = j->task;
	const struct dsr_observation *answer = NULL;
	char endpoint[64], mac[18];

	for (size_t i = 0; i < nobs && !answer; i++)
		if (!obs[i].via_other_hop &&
		    (obs[i].kind == DSR_OBS_SYNACK || obs[i].kind == DSR_OBS_RST) &&
		    dsr_obs_from_target(t, &obs[i]))
			answer = &obs[i];
	dsr_task_endpoint(t, endpoint, sizeof(endpoint));
	if (!answer) {
		out->status = DSR_SKIP;
		out->reason = DSR_REASON(NO_ANSWER);
		dsr_check_summary(out, "%s did not answer, so the return path cannot be seen (see %s)", endpoint,
				  t->v6 ? "tcp6.vip" : "tcp.vip");
		return;
	}
	dsr_format_mac(answer->mac, mac);
	dsr_evidence_mac(out, "mac", answer->mac);
	dsr_judge_rtt(out, answer);
	/* The balancer set decides (configured, or resolved from the balancers' own
	 * addresses), never whoever answered ARP for the VIP first: a real server
	 * that won that race is not the balancer. Without any, the MAC the SYN went
	 * to stands for the balancer. */
	bool via_balancer;
	if (j->ha && j->ha->n)
		via_balancer = dsr_ha_find(j->ha, answer->mac) != NULL;
	else if (t->nexpected)
		via_balancer = dsr_mac_in(t->expected_macs, t->nexpected, answer->mac);
	else
		via_balancer = j->state->dst_mac_known && memcmp(j->state->dst_mac, answer->mac, 6) == 0;
	if (!via_balancer) {
		out->status = DSR_PASS;
		dsr_check_summary(out, "the answer from %s came straight from %s",
			 endpoint, mac);
		return;
	}
	out->status = DSR_WARN;
	out->reason = DSR_REASON(VIA_BALANCER);
	dsr_check_summary(out, "the answer from %s came back from the balancer's MAC %s, not from a real server",
		 endpoint, mac);
	dsr_fix(out, DSR_FIX_VIA_BALANCER, DSR_PLATFORM_UNKNOWN, NULL);
}

/* The frames are a TCP SYN's: only the judgement differs. */
static struct dsr_key return_key(const struct dsr_task *t, const struct dsr_task_state *s)
{
	return dsr_probe_tcp_syn.key(t, s);
}

static int return_build(const struct dsr_task *t, const struct dsr_task_state *s,
			const struct dsr_local *me, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	return dsr_probe_tcp_syn.build(t, s, me, buf, cap, err, errlen);
}

static enum dsr_match return_match(const struct dsr_task *t, const struct dsr_task_state *s,
				   const struct dsr_local *me, const struct dsr_frame *f,
				   struct dsr_observation *obs)
{
	return dsr_probe_tcp_syn.match(t, s, me, f, obs);
}

static bool return_is_attempt(const struct dsr_task *t, const struct dsr_task_state *s,
			      const struct dsr_local *me, const struct dsr_frame *f)
{
	return dsr_probe_tcp_syn.is_attempt(t, s, me, f);
}

static int return_follow_up(const struct dsr_task *t, const struct dsr_task_state *s,
			    const struct dsr_local *me, const struct dsr_observation *o, uint8_t *buf,
			    size_t cap, char *err, size_t errlen)
{
	return dsr_probe_tcp_syn.follow_up(t, s, me, o, buf, cap, err, errlen);
}

const struct dsr_probe dsr_probe_dsr_return = {
	.name = "dsr-return",
	.key = return_key,
	.build = return_build,
	.match = return_match,
	.is_attempt = return_is_attempt,
	.judge = return_judge,
	.follow_up = return_follow_up,
};
