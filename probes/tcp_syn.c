/* TCP SYN to one address and port, the half of "telnet VIP 80" that matters:
 * SYN-ACK means something accepts connections there; RST is the "connection
 * refused from the VIP" of an application not bound to the VIP. The SYN-ACK is
 * never completed; the local kernel, which owns no such connection, resets it.
 * Over IPv6 for the tasks of IPv6 (tcp6.*), judged alike. */
#include <stdio.h>
#include <string.h>

#include "../src/parse.h"
#include "frame.h"

static struct dsr_key tcp_key(const struct dsr_task *t, const struct dsr_task_state *s)
{
	(void)t;
	return (struct dsr_key){.kind = DSR_KEY_TCP, .num = s->seq, .port = s->sport};
}

static int tcp_build(const struct dsr_task *t, const struct dsr_task_state *s,
		     const struct dsr_local *me, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	/* An MSS option like every real stack sends; some middleboxes drop bare SYNs. */
	static const uint8_t mss[4] = {2, 4, 0x05, 0xb4};
	struct dsr_wire_eth eth = dsr_eth_from(me, s->dst_mac);
	struct dsr_wire_ipv4 ip = {
		.src = me->ip, .dst = t->target, .id = (uint16_t)s->seq, .frag = DSR_WIRE_IP_DF, .ttl = 64};
	struct dsr_wire_tcp syn = {.sport = s->sport, .dport = (uint16_t)t->port, .seq = s->seq,
				   .flags = DSR_TCP_SYN, .window = 64240, .options = mss, .options_len = sizeof(mss)};

	if (t->v6) {
		struct dsr_wire_ipv6 ip6 = dsr_ipv6_to(me, t);
		return dsr_wire()->tcp6(&eth, &ip6, &syn, buf, cap, err, errlen);
	}
	return dsr_wire()->tcp(&eth, &ip, &syn, buf, cap, err, errlen);
}

static enum dsr_match tcp_match(const struct dsr_task *t, const struct dsr_task_state *s,
				const struct dsr_local *me, const struct dsr_frame *f,
				struct dsr_observation *obs)
{
	if (t->v6 ? f->l3 != DSR_L3_IPV6 || !me->has_ip6 || memcmp(&f->ip6.dst, &me->ip6, sizeof(me->ip6)) != 0
		  : f->l3 != DSR_L3_IPV4 || f->ip.dst.s_addr != me->ip.s_addr)
		return DSR_MATCH_NO;
	if (f->l4 == DSR_L4_TCP) {
		/* The acknowledgement number proves the answer is to our SYN. */
		if (f->tcp.dport != s->sport || f->tcp.sport != (uint16_t)t->port ||
		    !(f->tcp.flags & DSR_TCP_ACK) || f->tcp.ack != s->seq + 1)
			return DSR_MATCH_NO;
		if ((f->tcp.flags & (DSR_TCP_SYN | DSR_TCP_RST)) == DSR_TCP_SYN)
			obs->kind = DSR_OBS_SYNACK;
		else if (f->tcp.flags & DSR_TCP_RST)
			obs->kind = DSR_OBS_RST;
		else
			return DSR_MATCH_NO;
		obs->tcp_flags = f->tcp.flags;
	} else if (f->l4 == DSR_L4_ICMP && f->icmp.type == (t->v6 ? DSR_ICMP6_UNREACH : DSR_ICMP_UNREACH) &&
		   f->icmp.has_quote) {
		const struct dsr_quoted *q = &f->icmp.quote;
		if (q->proto != IPPROTO_TCP || q->sport != s->sport || q->dport != (uint16_t)t->port ||
		    q->seq != s->seq ||
		    (t->v6 ? memcmp(&q->dst6, &t->target6, sizeof(t->target6)) != 0
			   : q->dst.s_addr != t->target.s_addr))
			return DSR_MATCH_NO;
		obs->kind = DSR_OBS_UNREACHABLE;
		obs->icmp_type = f->icmp.type;
		obs->icmp_code = f->icmp.code;
	} else {
		return DSR_MATCH_NO;
	}
	memcpy(obs->mac, f->eth_src, 6);
	obs->ip = f->ip.src;
	obs->ip6 = f->ip6.src;
	obs->ttl = t->v6 ? f->ip6.hlim : f->ip.ttl;
	return DSR_MATCH_ANSWER;
}

/* The handshake is never completed: a RST to the server that answered frees
 * its half-open connection at once. For probes to a real address the local
 * kernel, which owns no such connection, sends that RST itself. */
static int tcp_follow_up(const struct dsr_task *t, const struct dsr_task_state *s,
			 const struct dsr_local *me, const struct dsr_observation *o, uint8_t *buf,
			 size_t cap, char *err, size_t errlen)
{
	/* Only where the kernel cannot: its own RST to a SYN-ACK from the VIP would
	 * go to the VIP's owner, the balancer, not to the server that answered. */
	if (o->kind != DSR_OBS_SYNACK || !t->direct)
		return 0;
	struct dsr_wire_eth eth = dsr_eth_from(me, o->mac);
	struct dsr_wire_ipv4 ip = {
		.src = me->ip, .dst = t->target, .id = (uint16_t)(s->seq + 1), .frag = DSR_WIRE_IP_DF, .ttl = 64};
	struct dsr_wire_tcp rst = {.sport = s->sport, .dport = (uint16_t)t->port, .seq = s->seq + 1, .flags = DSR_TCP_RST};

	if (t->v6) {
		struct dsr_wire_ipv6 ip6 = dsr_ipv6_to(me, t);
		return dsr_wire()->tcp6(&eth, &ip6, &rst, buf, cap, err, errlen);
	}
	return dsr_wire()->tcp(&eth, &ip, &rst, buf, cap, err, errlen);
}

static bool tcp_is_attempt(const struct dsr_task *t, const struct dsr_task_state *s,
			   const struct dsr_local *me, const struct dsr_frame *f)
{
	bool addressed = t->v6 ? f->l3 == DSR_L3_IPV6 && memcmp(&f->ip6.src, &me->ip6, sizeof(me->ip6)) == 0 &&
					 memcmp(&f->ip6.dst, &t->target6, sizeof(t->target6)) == 0
			       : f->l3 == DSR_L3_IPV4 && f->ip.src.s_addr == me->ip.s_addr &&
					 f->ip.dst.s_addr == t->target.s_addr;
	return f->l4 == DSR_L4_TCP && addressed && f->tcp.sport == s->sport &&
	       f->tcp.dport == (uint16_t)t->port && f->tcp.seq == s->seq &&
	       (f->tcp.flags & (DSR_TCP_SYN | DSR_TCP_ACK)) == DSR_TCP_SYN;
}

static void tcp_judge(const struct dsr_judge_ctx *j, const struct dsr_observation *obs, size_t nobs,
		      struct dsr_check *out)
{
	const struct dsr_task *t = j->task;
	const struct dsr_observation *synack = NULL, *rst = NULL, *unreach = NULL, *wrong = NULL;
	char endpoint[64], from[DSR_IPV6_TEXT], mac[18], target[DSR_IPV6_TEXT], port[12];

	for (size_t i = 0; i < nobs; i++) {
		const struct dsr_observation *o = &obs[i];
		bool from_target = dsr_obs_from_target(t, o);
		if (dsr_foreign_answer(j, o)) {
			dsr_note_foreign(out, o);
			continue;
		}
		if (o->kind == DSR_OBS_SYNACK && from_target)
			synack = synack ? synack : o;
		else if (o->kind == DSR_OBS_RST && from_target)
			rst = rst ? rst : o;
		else if (o->kind == DSR_OBS_UNREACHABLE)
			unreach = unreach ? unreach : o;
		else
			wrong = wrong ? wrong : o;
	}
	dsr_task_endpoint(t, endpoint, sizeof(endpoint));
	dsr_task_addr_text(t, target);
	snprintf(port, sizeof(port), "%d", t->port);
	const struct dsr_observation *shown =
		synack ? synack : rst ? rst : unreach ? unreach : wrong;
	dsr_judge_answer(j, out, shown, nobs);
	if (shown) {
		dsr_obs_source_text(t, shown, from);
		dsr_format_mac(shown->mac, mac);
	}
	if (synack) {
		out->status = DSR_PASS;
		dsr_check_summary(out, "SYN-ACK from %s", endpoint);
	} else if (rst) {
		out->status = DSR_FAIL;
		out->reason = DSR_REASON(REFUSED);
		dsr_check_summary(out, "connection refused (RST) from %s, sent by %s",
			 endpoint, mac);
		dsr_fix(out, t->is_vip ? DSR_FIX_VIP_NOT_BOUND : DSR_FIX_NOT_LISTENING, dsr_judge_platform(j),
			&(struct dsr_fix_args){.vip = target, .port = port, .endpoint = endpoint});
	} else if (unreach) {
		out->status = DSR_FAIL;
		out->reason = DSR_REASON(UNREACHABLE);
		dsr_evidence_int(out, "icmp_code", unreach->icmp_code);
		dsr_check_summary(out, "%s reports %s unreachable (%s type %u code %u)", from, endpoint,
				  t->v6 ? "ICMPv6" : "ICMP", t->v6 ? DSR_ICMP6_UNREACH : DSR_ICMP_UNREACH,
				  unreach->icmp_code);
		dsr_fix(out, DSR_FIX_TCP_REJECTED, DSR_PLATFORM_UNKNOWN,
			&(struct dsr_fix_args){.from = from, .endpoint = endpoint});
	} else if (wrong) {
		dsr_verdict_wrong_source(out, target, port, dsr_judge_platform(j));
		dsr_check_summary(out, "the answer for %s came from %s", endpoint,
			 from);
	} else {
		dsr_judge_timeout(j, out, "TCP SYN");
		if (dsr_direct_timeout_remedy(j, out, target, t->port))
			return;
		dsr_fix(out, t->is_vip ? DSR_FIX_VIP_NO_SYNACK : DSR_FIX_RIP_NO_SYNACK, DSR_PLATFORM_UNKNOWN,
			&(struct dsr_fix_args){.endpoint = endpoint, .port = port});
	}
}

const struct dsr_probe dsr_probe_tcp_syn = {
	.name = "tcp-syn",
	.key = tcp_key,
	.build = tcp_build,
	.match = tcp_match,
	.is_attempt = tcp_is_attempt,
	.judge = tcp_judge,
	.follow_up = tcp_follow_up,
};
