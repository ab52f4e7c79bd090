/* ARP request for one address: who owns it, and is it exactly one MAC?
 * (Its judge, dsr_judge_owners, is Neighbor Discovery's too: probes/nd.c.)
 * Two MACs for a real address is an IP conflict; a real server answering for
 * the VIP is the loopback-ARP mistake that hijacks VIP traffic.
 *
 * Requests are RFC 5227 probes (sender address 0.0.0.0): they ask without
 * writing this host into the targets' ARP caches, so dsrcheck does not disturb
 * what it inspects. */
#include <stdio.h>
#include <string.h>

#include "../src/catalogue.h"
#include "../src/ha.h"
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

/* "lb1 (02:00:00:00:00:02)": a member of the balancer set as reports name it. */
static void member_text(const struct dsr_ha_member *m, char *out, size_t len)
{
	char mac[18];

	dsr_format_mac(m->mac, mac);
	snprintf(out, len, "%s (%s)", m->name, mac);
}

/* "lb1 (02:00:00:00:00:02), 02:00:00:00:00:11": members by name, others by MAC
 * (the report names configured servers beside them). */
static void name_macs(const struct dsr_ha_set *ha, const uint8_t (*macs)[6], size_t n, char *out,
		      size_t len)
{
	size_t used = 0;
	char one[DSR_NAME_MAX + 24];

	out[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		const struct dsr_ha_member *m = dsr_ha_find(ha, macs[i]);
		if (m)
			member_text(m, one, sizeof(one));
		else
			dsr_format_mac(macs[i], one);
		int w = snprintf(out + used, len - used, "%s%s", i ? ", " : "", one);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* When the attempt an answer replies to was sent, in microseconds: answers
 * with the same one came within one probe window. -1 when not known. */
static long long window_of(const struct dsr_observation *o)
{
	if (o->rtt_us < 0)
		return -1;
	return (long long)o->ts.tv_sec * 1000000 + o->ts.tv_usec - o->rtt_us;
}

/* A gratuitous ARP reply (sender = target) announces, it answers no request.
 * Neighbor Discovery cannot tell: an answer to duplicate address detection
 * goes to all nodes unsolicited, like an announcement. */
static bool gratuitous(const struct dsr_observation *o)
{
	return o->kind == DSR_OBS_ARP_REPLY && o->arp_tpa.s_addr == o->ip.s_addr;
}

/* This host's name in the balancer set, for a failover from or to it. */
static const char *self_name(const struct dsr_judge_ctx *ctx)
{
	for (size_t i = 0; ctx->ha && i < ctx->ha->n; i++)
		if (ctx->task->self_balancer >= 0 && ctx->ha->members[i].balancer == ctx->task->self_balancer)
			return ctx->ha->members[i].name;
	return "this host";
}

/* The VIP's answers against the balancer set. Exactly one owner may answer
 * within one probe window: two members answering the same request are two
 * masters (split-brain), whoever was first; members that take turns between
 * requests are a failover; a MAC outside the set is a conflict or the wrong
 * owner, named by the report (a configured server, say). Gratuitous replies
 * (sender = target) are announcements, not answers to a request. */
static bool judge_vip_owners(const struct dsr_judge_ctx *ctx, const struct dsr_observation *obs,
			     size_t nobs, const char *ip, struct dsr_check *out)
{
	const struct dsr_ha_set *ha = ctx->ha;
	const struct dsr_ha_member *first = NULL, *last = NULL, *split[2] = {NULL, NULL};
	size_t others = 0, changes = 0;
	char a[DSR_NAME_MAX + 24], b[DSR_NAME_MAX + 24], text[2 * DSR_NAME_MAX + 64];

	if (!ha || ha->n == 0)
		return false;
	for (size_t i = 0; i < nobs; i++) {
		const struct dsr_ha_member *m = dsr_ha_find(ha, obs[i].mac);
		if (!m) {
			others++;
			continue;
		}
		if (!first)
			first = m;
		if (last && last != m)
			changes++;
		last = m;
		long long w = window_of(&obs[i]);
		for (size_t k = 0; k < i && !split[0] && w >= 0 && !gratuitous(&obs[i]); k++) {
			const struct dsr_ha_member *n = dsr_ha_find(ha, obs[k].mac);
			if (n && n != m && window_of(&obs[k]) == w && !gratuitous(&obs[k])) {
				/* Named in the set's (the configuration's) order, not by
				 * which of them answered first. */
				split[0] = n < m ? n : m;
				split[1] = n < m ? m : n;
			}
		}
	}
	if (others || !last)
		return false; /* a MAC outside the set: the conflict and wrong-owner verdicts */
	if (split[0]) {
		member_text(split[0], a, sizeof(a));
		member_text(split[1], b, sizeof(b));
		snprintf(text, sizeof(text), "%s and %s", a, b);
		dsr_verdict_split_brain(out, ip, text);
		dsr_evidence_list_add(out, "owners", split[0]->name);
		dsr_evidence_list_add(out, "owners", split[1]->name);
		dsr_check_summary(out, "%s is answered by two balancers at once, %s: a split-brain", ip, text);
		return true;
	}
	out->status = DSR_PASS;
	member_text(last, b, sizeof(b));
	/* The VIP left this host during the run (its answers were never on the
	 * wire: it is the holder) or reached it (its own answers neither): the
	 * other member's answers are the other side of one failover. */
	if (ctx->state->vip_released || ctx->state->vip_acquired) {
		bool released = ctx->state->vip_released;
		snprintf(text, sizeof(text), "failover %s -> %s", released ? self_name(ctx) : first->name,
			 released ? last->name : self_name(ctx));
		dsr_evidence_list_add(out, "events", text);
		dsr_check_summary(out, "%s is answered by %s; this host %s the VIP during the run (%s)", ip, b,
				  released ? "released" : "took over", text);
		return true;
	}
	if (changes == 0) {
		dsr_check_summary(out, "%s is answered by %s only", ip, b);
		return true;
	}
	member_text(first, a, sizeof(a));
	snprintf(text, sizeof(text), "failover %s -> %s", first->name, last->name);
	dsr_evidence_list_add(out, "events", text);
	dsr_check_summary(out, "%s is answered by %s; it was %s earlier in the run (a failover, never two at once)",
			  ip, b, a);
	return true;
}

void dsr_judge_owners(const struct dsr_judge_ctx *ctx, const struct dsr_observation *obs, size_t nobs,
		      struct dsr_check *out)
{
	const struct dsr_task *t = ctx->task;
	uint8_t macs[64][6];
	size_t nmacs = 0, unexpected = 0;
	char text[18];

	for (size_t i = 0; i < nobs; i++) {
		bool seen = t->local_owner && memcmp(obs[i].mac, t->local_mac, 6) == 0;
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

	char ip[DSR_IPV6_TEXT];
	const char *asked = t->v6 ? "Neighbor Discovery" : "ARP";
	dsr_task_addr_text(t, ip);
	if (t->local_owner && ctx->state->vip_released && nobs == 0) {
		out->status = DSR_PASS;
		dsr_check_summary(out, "%s was %s's when the run began and was released during it; no other "
				  "host answered %s for it yet", ip, self_name(ctx), asked);
	} else if (t->local_owner && !ctx->state->vip_released) {
		/* On the balancer our own interface owns the VIP; any answer is another owner. */
		if (nmacs == 0) {
			out->status = DSR_PASS;
			dsr_check_summary(out, "%s is owned by this host's interface; no other host answers ARP for it", ip);
			return;
		}
		const struct dsr_ha_member *m = ctx->ha && nmacs == 1 ? dsr_ha_find(ctx->ha, macs[0]) : NULL;
		if (m) {
			char who[DSR_NAME_MAX + 24];
			member_text(m, who, sizeof(who));
			dsr_verdict_split_brain(out, ip, who);
			dsr_evidence_list_add(out, "owners", m->name);
			dsr_check_summary(out, "%s is held by this host and answered by %s too: a split-brain", ip, who);
			return;
		}
		dsr_verdict_conflict(out, DSR_R_CONFLICT, ip, t->is_vip);
		dsr_check_summary(out, "%s is owned by this host, but %zu other MAC%s %s for it", ip, nmacs,
			 nmacs == 1 ? " answers" : "s answer", asked);
	} else if (nobs == 0) {
		out->status = DSR_FAIL;
		out->reason = DSR_REASON(NO_ANSWER);
		dsr_check_summary(out, "no %s for %s after %u %s", t->v6 ? "Neighbor Advertisement" : "ARP reply",
			 ip, ctx->state->attempts, ctx->state->attempts == 1 ? "try" : "tries");
		dsr_fix(out, t->is_vip ? DSR_FIX_VIP_ARP_SILENT : DSR_FIX_RIP_ARP_SILENT, DSR_PLATFORM_UNKNOWN,
			&(struct dsr_fix_args){.vip = ip, .addr = ip});
	} else if (t->is_vip && judge_vip_owners(ctx, obs, nobs, ip, out)) {
		return;
	} else if (nmacs > 1 && (t->nexpected == 0 || unexpected || (t->is_vip && ctx->ha && ctx->ha->n))) {
		dsr_verdict_conflict(out, DSR_R_CONFLICT, ip, t->is_vip);
		if (t->is_vip && ctx->ha && ctx->ha->n) {
			char who[512];
			name_macs(ctx->ha, macs, nmacs, who, sizeof(who));
			dsr_check_summary(out, "%s is answered by %zu MACs, not all of the balancer set: %s", ip,
					  nmacs, who);
		} else {
			dsr_check_summary(out, "%s is answered by %zu MACs", ip, nmacs);
		}
	} else if (nmacs > 1) {
		/* Several listed MACs, none of them a member of a known set. */
		out->status = DSR_PASS;
		dsr_check_summary(out, "%s is answered by %zu listed MACs", ip,
			 nmacs);
	} else if (unexpected || (t->is_vip && ctx->ha && ctx->ha->n)) {
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
	.judge = dsr_judge_owners,
};
