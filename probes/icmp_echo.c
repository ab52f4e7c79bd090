/* ICMP echo to one address: the ping operators already try, with the reply
 * tied to our id and sequence number and its source checked (a DSR reply that
 * leaves with the server's real address instead of the VIP is a fault). */
#include <stdio.h>
#include <string.h>

#include "../src/parse.h"
#include "frame.h"

static const uint8_t payload[] = "dsrcheck-probe..";

static struct dsr_key icmp_key(const struct dsr_task *t, const struct dsr_task_state *s)
{
	(void)t;
	return (struct dsr_key){.kind = DSR_KEY_ECHO, .num = s->echo_seq, .port = s->echo_id};
}

static int icmp_build(const struct dsr_task *t, const struct dsr_task_state *s,
		      const struct dsr_local *me, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	struct dsr_wire_eth eth = dsr_eth_from(me, s->dst_mac);
	struct dsr_wire_ipv4 ip = {.src = me->ip, .dst = t->target, .id = s->echo_seq, .ttl = 64};
	struct dsr_wire_echo echo = {
		.id = s->echo_id, .seq = s->echo_seq, .payload = payload, .payload_len = sizeof(payload) - 1};

	return dsr_wire()->icmp_echo(&eth, &ip, &echo, buf, cap, err, errlen);
}

static enum dsr_match icmp_match(const struct dsr_task *t, const struct dsr_task_state *s,
				 const struct dsr_local *me, const struct dsr_frame *f,
				 struct dsr_observation *obs)
{
	if (f->l4 != DSR_L4_ICMP || f->ip.dst.s_addr != me->ip.s_addr)
		return DSR_MATCH_NO;
	if (f->icmp.type == DSR_ICMP_ECHO_REPLY) {
		/* Matched on what we wrote, not on the source: a reply from the wrong
		 * address is evidence, not noise. */
		if (f->icmp.id != s->echo_id || f->icmp.seq != s->echo_seq)
			return DSR_MATCH_NO;
		obs->kind = DSR_OBS_ECHO_REPLY;
	} else if (f->icmp.type == DSR_ICMP_UNREACH && f->icmp.has_quote) {
		const struct dsr_quoted *q = &f->icmp.quote;
		if (q->proto != IPPROTO_ICMP || q->icmp_type != DSR_ICMP_ECHO ||
		    q->echo_id != s->echo_id || q->echo_seq != s->echo_seq ||
		    q->dst.s_addr != t->target.s_addr)
			return DSR_MATCH_NO;
		obs->kind = DSR_OBS_UNREACHABLE;
	} else {
		return DSR_MATCH_NO;
	}
	memcpy(obs->mac, f->eth_src, 6);
	obs->ip = f->ip.src;
	obs->ttl = f->ip.ttl;
	obs->icmp_type = f->icmp.type;
	obs->icmp_code = f->icmp.code;
	return DSR_MATCH_ANSWER;
}

static bool icmp_is_attempt(const struct dsr_task *t, const struct dsr_task_state *s,
			    const struct dsr_local *me, const struct dsr_frame *f)
{
	return f->l4 == DSR_L4_ICMP && f->icmp.type == DSR_ICMP_ECHO &&
	       f->ip.src.s_addr == me->ip.s_addr && f->ip.dst.s_addr == t->target.s_addr &&
	       f->icmp.id == s->echo_id && f->icmp.seq == s->echo_seq;
}

static void icmp_judge(const struct dsr_judge_ctx *j, const struct dsr_observation *obs, size_t nobs,
		       struct dsr_check *out)
{
	const struct dsr_task *t = j->task;
	const struct dsr_observation *reply = NULL, *wrong = NULL, *unreach = NULL;
	char ip[16], from[16], mac[18];

	for (size_t i = 0; i < nobs; i++) {
		const struct dsr_observation *o = &obs[i];
		if (dsr_foreign_answer(j, o)) {
			dsr_note_foreign(out, o);
			continue;
		}
		if (o->kind == DSR_OBS_ECHO_REPLY && o->ip.s_addr == t->target.s_addr)
			reply = reply ? reply : o;
		else if (o->kind == DSR_OBS_ECHO_REPLY)
			wrong = wrong ? wrong : o;
		else if (o->kind == DSR_OBS_UNREACHABLE)
			unreach = unreach ? unreach : o;
	}
	dsr_format_ipv4(t->target, ip);
	const struct dsr_observation *shown = reply ? reply : unreach ? unreach : wrong;
	dsr_judge_answer(j, out, shown, nobs);
	if (shown) {
		dsr_format_ipv4(shown->ip, from);
		dsr_format_mac(shown->mac, mac);
	}
	if (reply) {
		out->status = DSR_PASS;
		dsr_check_summary(out, "echo reply from %s", ip);
		return;
	}
	if (unreach) {
		out->status = DSR_FAIL;
		out->reason = DSR_REASON(UNREACHABLE);
		dsr_evidence_int(out, "icmp_code", unreach->icmp_code);
		dsr_check_summary(out, "%s reports %s unreachable (ICMP type 3 code %u)", from, ip, unreach->icmp_code);
		dsr_fix(out, DSR_FIX_ICMP_UNREACHABLE, DSR_PLATFORM_UNKNOWN,
			&(struct dsr_fix_args){.from = from, .addr = ip});
	} else if (wrong) {
		dsr_verdict_wrong_source(out, ip, NULL, dsr_judge_platform(j));
		dsr_check_summary(out, "echo reply for %s came from %s", ip, from);
	} else {
		dsr_judge_timeout(j, out, "ICMP echo");
		if (dsr_direct_timeout_remedy(j, out, ip, -1))
			return;
		dsr_fix(out, t->is_vip ? DSR_FIX_VIP_NO_PING : DSR_FIX_RIP_NO_PING, DSR_PLATFORM_UNKNOWN,
			&(struct dsr_fix_args){.vip = ip, .addr = ip});
	}
}

const struct dsr_probe dsr_probe_icmp_echo = {
	.name = "icmp-echo",
	.key = icmp_key,
	.build = icmp_build,
	.match = icmp_match,
	.is_attempt = icmp_is_attempt,
	.judge = icmp_judge,
};
