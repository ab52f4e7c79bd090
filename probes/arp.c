/* ARP request for one address: who owns it, and is it exactly one MAC?
 * Two MACs for a real address is an IP conflict; a real server answering for
 * the VIP is the loopback-ARP mistake that hijacks VIP traffic.
 *
 * Requests are RFC 5227 probes (sender address 0.0.0.0): they ask without
 * writing this host into the targets' ARP caches, so dsrcheck does not disturb
 * what it inspects. */
#include <stdio.h>
#include <string.h>

#include "../src/parse.h"
#include "frame.h"

static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static struct dsr_key arp_key(const struct dsr_task *t, const struct dsr_task_state *s)
{
	(void)s;
	return (struct dsr_key){.kind = DSR_KEY_ARP, .addr = t->target.s_addr};
}

static int arp_build(const struct dsr_task *t, const struct dsr_task_state *s,
		     const struct dsr_local *me, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	(void)s;
	return dsr_build_arp_probe(me, broadcast, t->target, buf, cap, err, errlen);
}

/* Every reply for the address counts, whoever asked: a second owner answering
 * someone else's request is as much a conflict as one answering ours. */
static enum dsr_match arp_match(const struct dsr_task *t, const struct dsr_task_state *s,
				const struct dsr_local *me, const struct dsr_frame *f,
				struct dsr_observation *obs)
{
	(void)s;
	(void)me;
	if (f->l3 != DSR_L3_ARP || f->arp.op != DSR_ARP_REPLY ||
	    f->arp.spa.s_addr != t->target.s_addr)
		return DSR_MATCH_NO;
	obs->kind = DSR_OBS_ARP_REPLY;
	memcpy(obs->mac, f->arp.sha, 6);
	obs->ip = f->arp.spa;
	obs->arp_op = f->arp.op;
	obs->arp_tpa = f->arp.tpa;
	return DSR_MATCH_ANSWER;
}

static bool arp_is_attempt(const struct dsr_task *t, const struct dsr_task_state *s,
			   const struct dsr_local *me, const struct dsr_frame *f)
{
	(void)s;
	return f->l3 == DSR_L3_ARP && f->arp.op == DSR_ARP_REQUEST &&
	       memcmp(f->eth_src, me->mac, 6) == 0 && f->arp.tpa.s_addr == t->target.s_addr;
}

static void arp_judge(const struct dsr_judge_ctx *ctx, const struct dsr_observation *obs, size_t nobs,
		      struct dsr_check *out)
{
	const struct dsr_task *t = ctx->task;
	uint8_t macs[64][6];
	size_t nmacs = 0, unexpected = 0;
	char text[18];

	for (size_t i = 0; i < nobs; i++) {
		bool seen = false;
		for (size_t j = 0; j < nmacs; j++)
			seen = seen || memcmp(macs[j], obs[i].mac, 6) == 0;
		if (seen)
			continue;
		dsr_evidence_mac_add(out, "macs", obs[i].mac);
		if (t->nexpected && !dsr_mac_in(t->expected_macs, t->nexpected, obs[i].mac))
			unexpected++;
		if (nmacs < sizeof(macs) / sizeof(macs[0]))
			memcpy(macs[nmacs++], obs[i].mac, 6);
	}
	dsr_evidence_int(out, "replies", (long long)dsr_task_replies(ctx->state, nobs));
	dsr_evidence_int(out, "attempts", ctx->state->attempts);
	if (nobs)
		dsr_judge_rtt(out, &obs[0]);
	for (size_t i = 0; i < t->nexpected; i++) {
		dsr_format_mac(t->expected_macs[i], text);
		dsr_evidence_list_add(out, "expected", text);
	}

	char ip[16];
	dsr_format_ipv4(t->target, ip);
	if (t->local_owner) {
		/* On the balancer our own interface owns the VIP; any answer is another owner. */
		if (nobs == 0) {
			out->status = DSR_PASS;
			dsr_check_summary(out, "%s is owned by this host's interface; no other host answers ARP for it", ip);
			return;
		}
		dsr_verdict_conflict(out, DSR_R_CONFLICT, ip, t->is_vip);
		dsr_check_summary(out, "%s is owned by this host, but %zu other MAC%s ARP for it", ip, nmacs,
			 nmacs == 1 ? " answers" : "s answer");
	} else if (nobs == 0) {
		out->status = DSR_FAIL;
		out->reason = DSR_REASON(NO_ANSWER);
		dsr_check_summary(out, "no ARP reply for %s after %u %s", ip,
			 ctx->state->attempts, ctx->state->attempts == 1 ? "try" : "tries");
		dsr_fix(out, t->is_vip ? DSR_FIX_VIP_ARP_SILENT : DSR_FIX_RIP_ARP_SILENT, DSR_PLATFORM_UNKNOWN,
			&(struct dsr_fix_args){.vip = ip, .addr = ip});
	} else if (nmacs > 1 && (t->nexpected == 0 || unexpected)) {
		dsr_verdict_conflict(out, DSR_R_CONFLICT, ip, t->is_vip);
		dsr_check_summary(out, "%s is answered by %zu MACs", ip, nmacs);
	} else if (nmacs > 1) {
		/* An HA pair or VRRP: every answering MAC is a listed owner. */
		out->status = DSR_PASS;
		dsr_check_summary(out, "%s is answered by %zu listed MACs", ip,
			 nmacs);
	} else if (unexpected) {
		dsr_format_mac(macs[0], text);
		dsr_verdict_wrong_owner(out, ip, text, t->is_vip);
		dsr_check_summary(out, "%s is answered by %s, not by the %s", ip,
			 text, t->is_vip ? "balancer" : "configured MAC");
	} else {
		out->status = DSR_PASS;
		dsr_format_mac(macs[0], text);
		dsr_check_summary(out, "%s is answered by %s only", ip, text);
	}
}

const struct dsr_probe dsr_probe_arp = {
	.name = "arp",
	.ask_all = true,
	.resolves = true,
	.key = arp_key,
	.build = arp_build,
	.match = arp_match,
	.is_attempt = arp_is_attempt,
	.judge = arp_judge,
};
