/* ICMP echo to one address: the ping operators already try, with the reply
 * tied to our id and sequence number and its source checked (a DSR reply that
 * leaves with the server's real address instead of the VIP is a fault).
 * ICMPv6's echo for the tasks of IPv6 (icmp6.*), judged alike. */
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

	if (t->v6) {
		struct dsr_wire_ipv6 ip6 = dsr_ipv6_to(me, t);
		return dsr_wire()->icmp6_echo(&eth, &ip6, &echo, buf, cap, err, errlen);
	}
	return dsr_wire()->icmp_echo(&eth, &ip, &echo, buf, cap, err, errlen);
}

/* Is f an ICMP message of t's family to me? */
static bool icmp_to_me(const struct dsr_task *t, const struct dsr_local *me, const struct dsr_frame *f)
{
	if (f->l4 != DSR_L4_ICMP)
		return false;
	if (t->v6)
		return f->l3 == DSR_L3_IPV6 && me->has_ip6 && memcmp(&f->ip6.dst, &me->ip6, sizeof(me->ip6)) == 0;
	return f->l3 == DSR_L3_IPV4 && f->ip.dst.s_addr == me->ip.s_addr;
}

/* Does an error's quote name our echo to t's address? */
static bool quotes_our_echo(const struct dsr_task *t, const struct dsr_task_state *s, const struct dsr_frame *f)
{
	const struct dsr_quoted *q = &f->icmp.quote;

	if (q->echo_id != s->echo_id || q->echo_seq != s->echo_seq)
		return false;
	if (t->v6)
		return q->proto == DSR_IPPROTO_ICMPV6 && q->icmp_type == DSR_ICMP6_ECHO &&
		       memcmp(&q->dst6, &t->target6, sizeof(t->target6)) == 0;
	return q->proto == IPPROTO_ICMP && q->icmp_type == DSR_ICMP_ECHO && q->dst.s_addr == t->target.s_addr;
}

static enum dsr_match icmp_match(const struct dsr_task *t, const struct dsr_task_state *s,
				 const struct dsr_local *me, const struct dsr_frame *f,
				 struct dsr_observation *obs)
{
	uint8_t reply = t->v6 ? DSR_ICMP6_ECHO_REPLY : DSR_ICMP_ECHO_REPLY;
	uint8_t unreach = t->v6 ? DSR_ICMP6_UNREACH : DSR_ICMP_UNREACH;

	if (!icmp_to_me(t, me, f))
		return DSR_MATCH_NO;
	if (f->icmp.type == reply) {
		/* Matched on what we wrote, not on the source: a reply from the wrong
		 * address is evidence, not noise. */
		if (f->icmp.id != s->echo_id || f->icmp.seq != s->echo_seq)
			return DSR_MATCH_NO;
		obs->kind = DSR_OBS_ECHO_REPLY;
	} else if (f->icmp.type == unreach && f->icmp.has_quote) {
		if (!quotes_our_echo(t, s, f))
			return DSR_MATCH_NO;
		obs->kind = DSR_OBS_UNREACHABLE;
	} else {
		return DSR_MATCH_NO;
	}
	memcpy(obs->mac, f->eth_src, 6);
	obs->ip = f->ip.src;
	obs->ip6 = f->ip6.src;
	obs->ttl = t->v6 ? f->ip6.hlim : f->ip.ttl;
	obs->icmp_type = f->icmp.type;
	obs->icmp_code = f->icmp.code;
	return DSR_MATCH_ANSWER;
}

static bool icmp_is_attempt(const struct dsr_task *t, const struct dsr_task_state *s,
			    const struct dsr_local *me, const struct dsr_frame *f)
{
	if (f->l4 != DSR_L4_ICMP || f->icmp.id != s->echo_id || f->icmp.seq != s->echo_seq)
		return false;
	if (t->v6)
		return f->l3 == DSR_L3_IPV6 && f->icmp.type == DSR_ICMP6_ECHO &&
		       memcmp(&f->ip6.src, &me->ip6, sizeof(me->ip6)) == 0 &&
		       memcmp(&f->ip6.dst, &t->target6, sizeof(t->target6)) == 0;
	return f->l3 == DSR_L3_IPV4 && f->icmp.type == DSR_ICMP_ECHO && f->ip.src.s_addr == me->ip.s_addr &&
	       f->ip.dst.s_addr == t->target.s_addr;
}

static void icmp_judge(const struct dsr_judge_ctx *j, const struct dsr_observation *obs, size_t nobs,
		       struct dsr_check *out)
{
	const struct dsr_task *t = j->task;
	const struct dsr_observation *reply = NULL, *wrong = NULL, *unreach = NULL;
	char ip[DSR_IPV6_TEXT], from[DSR_IPV6_TEXT], mac[18];

	for (size_t i = 0; i < nobs; i++) {
		const struct dsr_observation *o = &obs[i];
		if (dsr_foreign_answer(j, o)) {
			dsr_note_foreign(out, o);
			continue;
		}
		if (o->kind == DSR_OBS_ECHO_REPLY && dsr_obs_from_target(t, o))
			reply = reply ? reply : o;
		else if (o->kind == DSR_OBS_ECHO_REPLY)
			wrong = wrong ? wrong : o;
		else if (o->kind == DSR_OBS_UNREACHABLE)
			unreach = unreach ? unreach : o;
	}
	dsr_task_addr_text(t, ip);
	const struct dsr_observation *shown = reply ? reply : unreach ? unreach : wrong;
	dsr_judge_answer(j, out, shown, nobs);
	if (shown) {
		dsr_obs_source_text(t, shown, from);
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
		dsr_check_summary(out, "%s reports %s unreachable (%s type %u code %u)", from, ip,
				  t->v6 ? "ICMPv6" : "ICMP", t->v6 ? DSR_ICMP6_UNREACH : DSR_ICMP_UNREACH,
				  unreach->icmp_code);
		dsr_fix(out, DSR_FIX_ICMP_UNREACHABLE, DSR_PLATFORM_UNKNOWN,
			&(struct dsr_fix_args){.from = from, .addr = ip});
	} else if (wrong) {
		dsr_verdict_wrong_source(out, ip, NULL, dsr_judge_platform(j));
		dsr_check_summary(out, "echo reply for %s came from %s", ip, from);
	} else {
		dsr_judge_timeout(j, out, t->v6 ? "ICMPv6 echo" : "ICMP echo");
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
