#include "frame.h"

#include <stdio.h>
#include <string.h>

#include "../src/parse.h"

struct dsr_wire_eth dsr_eth_from(const struct dsr_local *me, const uint8_t dst[6])
{
	return (struct dsr_wire_eth){.dst = dst, .src = me->mac, .tagged = me->vlan != 0,
				     .vlan = me->vlan, .priority = me->vlan_pcp};
}

int dsr_build_arp_probe(const struct dsr_local *me, const uint8_t dst_mac[6], struct in_addr target,
			uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	struct dsr_wire_eth eth = dsr_eth_from(me, dst_mac);
	struct dsr_wire_arp arp = {.sender_mac = me->mac, .target_ip = target};

	arp.sender_ip.s_addr = 0;
	return dsr_wire()->arp(&eth, &arp, buf, cap, err, errlen);
}

int dsr_build_arp_reply(const struct dsr_local *me, const uint8_t mac[6], struct in_addr ip, uint8_t *buf,
			size_t cap, char *err, size_t errlen)
{
	struct dsr_wire_eth eth = dsr_eth_from(me, mac);
	struct dsr_wire_arp arp = {.op = DSR_WIRE_ARP_REPLY, .sender_mac = me->mac, .sender_ip = me->ip,
				   .target_mac = mac, .target_ip = ip};

	return dsr_wire()->arp(&eth, &arp, buf, cap, err, errlen);
}

/* RFC 4291 2.7.1: ff02::1:ff00:0/104 and the target's low 24 bits; RFC 2464 7:
 * 33:33 and the group's low 32 bits on Ethernet. */
static void solicited_node(const struct in6_addr *target, struct in6_addr *group, uint8_t mac[6])
{
	static const uint8_t prefix[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff};

	memcpy(group->s6_addr, prefix, sizeof(prefix));
	memcpy(group->s6_addr + 13, target->s6_addr + 13, 3);
	mac[0] = mac[1] = 0x33;
	memcpy(mac + 2, group->s6_addr + 12, 4);
}

int dsr_build_nd_probe(const struct dsr_local *me, const uint8_t dst_mac[6], const struct in6_addr *target,
		       uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	uint8_t group_mac[6];
	struct dsr_wire_ipv6 ip = {.hlim = 255}; /* source :: */
	struct dsr_wire_nd_solicit ns = {.target = *target};

	solicited_node(target, &ip.dst, group_mac);
	struct dsr_wire_eth eth = dsr_eth_from(me, dst_mac ? dst_mac : group_mac);
	return dsr_wire()->nd_solicit(&eth, &ip, &ns, buf, cap, err, errlen);
}

void dsr_task_addr_text(const struct dsr_task *t, char out[46])
{
	if (t->v6)
		dsr_format_ipv6(&t->target6, out);
	else
		dsr_format_ipv4(t->target, out);
}

unsigned long dsr_task_replies(const struct dsr_task_state *s, size_t nobs)
{
	return s->nmatched > nobs ? s->nmatched : nobs;
}

bool dsr_foreign_answer(const struct dsr_judge_ctx *j, const struct dsr_observation *o)
{
	if (o->via_other_hop)
		return true;
	if (!j->state->dst_mac_known || (j->task->is_vip && !j->task->direct))
		return false;
	return memcmp(o->mac, j->state->dst_mac, 6) != 0;
}

void dsr_note_foreign(struct dsr_check *out, const struct dsr_observation *o)
{
	char mac[18];

	/* Not a MAC the check names servers by (dsr_evidence_mac): a forger's. */
	dsr_format_mac(o->mac, mac);
	dsr_evidence_list_add(out, "foreign_macs", mac);
}

bool dsr_obs_from_target(const struct dsr_task *t, const struct dsr_observation *o)
{
	if (t->v6)
		return memcmp(&o->ip6, &t->target6, sizeof(t->target6)) == 0;
	return o->ip.s_addr == t->target.s_addr;
}

void dsr_obs_source_text(const struct dsr_task *t, const struct dsr_observation *o, char out[DSR_IPV6_TEXT])
{
	if (t->v6)
		dsr_format_ipv6(&o->ip6, out);
	else
		dsr_format_ipv4(o->ip, out);
}

struct dsr_wire_ipv6 dsr_ipv6_to(const struct dsr_local *me, const struct dsr_task *t)
{
	return (struct dsr_wire_ipv6){.src = me->ip6, .dst = t->target6, .hlim = 64};
}

void dsr_judge_answer(const struct dsr_judge_ctx *j, struct dsr_check *out,
		      const struct dsr_observation *shown, size_t nobs)
{
	char from[DSR_IPV6_TEXT];

	if (shown) {
		dsr_obs_source_text(j->task, shown, from);
		dsr_evidence_str(out, "from", from);
		dsr_evidence_mac(out, "mac", shown->mac);
		dsr_judge_rtt(out, shown);
	}
	if (dsr_task_replies(j->state, nobs) > 1)
		dsr_evidence_int(out, "replies", (long long)dsr_task_replies(j->state, nobs));
}

void dsr_judge_rtt(struct dsr_check *out, const struct dsr_observation *o)
{
	if (o->rtt_us >= 0)
		dsr_check_rtt(out, o->rtt_us);
	if (o->ttl)
		dsr_evidence_int(out, "ttl", o->ttl);
}

void dsr_task_endpoint(const struct dsr_task *t, char *out, size_t outlen)
{
	char ip[DSR_IPV6_TEXT];

	dsr_task_addr_text(t, ip);
	if (t->port >= 0)
		snprintf(out, outlen, t->v6 ? "[%s]:%d" : "%s:%d", ip, t->port);
	else
		snprintf(out, outlen, "%s", ip);
}

void dsr_judge_timeout(const struct dsr_judge_ctx *j, struct dsr_check *out, const char *what)
{
	const struct dsr_task *t = j->task;
	const struct dsr_task_state *s = j->state;
	char endpoint[64], hop[DSR_IPV6_TEXT];

	dsr_task_endpoint(t, endpoint, sizeof(endpoint));
	out->status = DSR_FAIL;
	out->reason = DSR_REASON(TIMEOUT);
	dsr_evidence_int(out, "attempts", s->attempts);
	if (s->unresolved && t->direct) {
		/* Direct probes go to the server's own MAC: without it there is nothing to test. */
		dsr_format_ipv4(t->nexthop, hop);
		out->reason = DSR_REASON(NO_MAC);
		dsr_check_summary(out, "%s to %s not sent: the MAC of %s is not configured and it did not answer ARP",
			 what, endpoint, hop);
		dsr_evidence_str(out, "unresolved_next_hop", hop);
	} else if (s->unresolved) {
		/* IPv6 probes are sent on-link, to the target's own advertised MAC. */
		if (t->v6)
			dsr_task_addr_text(t, hop);
		else
			dsr_format_ipv4(t->nexthop, hop);
		dsr_check_summary(out, "%s not sent to %s: next hop %s did not answer %s", what, endpoint, hop,
				  t->v6 ? "Neighbor Discovery" : "ARP");
		dsr_evidence_str(out, "unresolved_next_hop", hop);
	} else {
		dsr_check_summary(out, "no answer to %s from %s after %u %s",
			 what, endpoint, s->attempts, s->attempts == 1 ? "try" : "tries");
	}
}

bool dsr_direct_timeout_remedy(const struct dsr_judge_ctx *j, struct dsr_check *out,
			       const char *ip, int port)
{
	char port_text[12] = "";

	if (!j->task->direct)
		return false;
	if (port >= 0)
		snprintf(port_text, sizeof(port_text), "%d", port);
	dsr_fix(out, out->reason == DSR_REASON(TIMEOUT) ? DSR_FIX_VIP_NOT_ACCEPTED : DSR_FIX_NO_MAC,
		dsr_judge_platform(j), &(struct dsr_fix_args){.vip = ip, .port = port_text});
	return true;
}

enum dsr_platform dsr_judge_platform(const struct dsr_judge_ctx *j)
{
	switch (j->os_guess) {
	case DSR_OS_LINUX:
		return DSR_PLATFORM_LINUX_GUESSED;
	case DSR_OS_WINDOWS:
		return DSR_PLATFORM_WINDOWS_GUESSED;
	case DSR_OS_UNKNOWN:
		break;
	}
	return DSR_PLATFORM_UNKNOWN;
}

void dsr_task_state_init(const struct dsr_task *t, struct dsr_task_state *s)
{
	memset(s, 0, sizeof(*s));
	s->sport = t->sport;
	s->seq = t->seq;
	s->echo_id = t->echo_id;
	s->echo_seq = t->echo_seq;
}

bool dsr_key_equal(const struct dsr_key *a, const struct dsr_key *b)
{
	return a->kind == b->kind && a->addr == b->addr && a->num == b->num && a->port == b->port &&
	       memcmp(a->mac, b->mac, 6) == 0;
}

static size_t add_key(struct dsr_key *out, size_t n, struct dsr_key k)
{
	for (size_t i = 0; i < n; i++)
		if (dsr_key_equal(&out[i], &k))
			return n;
	out[n] = k;
	return n + 1;
}

uint32_t dsr_key_fold6(const struct in6_addr *a)
{
	uint32_t h = 0;

	for (size_t i = 0; i < 16; i += 4)
		h ^= (uint32_t)a->s6_addr[i] << 24 | (uint32_t)a->s6_addr[i + 1] << 16 |
		     (uint32_t)a->s6_addr[i + 2] << 8 | a->s6_addr[i + 3];
	return h;
}

static struct dsr_key nd_key(const struct in6_addr *addr, const uint8_t *mac)
{
	struct dsr_key k = {.kind = mac ? DSR_KEY_ND_FROM : DSR_KEY_ND, .addr = dsr_key_fold6(addr)};

	if (mac)
		memcpy(k.mac, mac, 6);
	return k;
}

/* Advertisements name the address as target, for the MAC they carry (or
 * their sender's); solicitations as target (ours in a replay, a host's
 * duplicate address detection) or as their source. */
static size_t nd_keys(const struct dsr_frame *f, struct dsr_key *out)
{
	size_t n = add_key(out, 0, nd_key(&f->nd.target, NULL));

	n = add_key(out, n, nd_key(&f->nd.target, f->eth_src));
	if (f->nd.type == DSR_ND_ADVERT && f->nd.has_lladdr)
		n = add_key(out, n, nd_key(&f->nd.target, f->nd.lladdr));
	if (f->nd.type == DSR_ND_SOLICIT && !f->nd.dad)
		n = add_key(out, n, nd_key(&f->ip6.src, f->eth_src));
	return n;
}

static struct dsr_key arp_from(struct in_addr addr, const uint8_t mac[6])
{
	struct dsr_key k = {.kind = DSR_KEY_ARP_FROM, .addr = addr.s_addr};

	memcpy(k.mac, mac, 6);
	return k;
}

/* A segment of one of our own connections, from the peer or (a replay) from us. */
static size_t add_conn_keys(const struct dsr_frame *f, struct dsr_key *out, size_t n)
{
	bool v6 = f->l3 == DSR_L3_IPV6;
	uint32_t src = v6 ? dsr_key_fold6(&f->ip6.src) : f->ip.src.s_addr;
	uint32_t dst = v6 ? dsr_key_fold6(&f->ip6.dst) : f->ip.dst.s_addr;

	n = add_key(out, n, (struct dsr_key){.kind = DSR_KEY_CONN, .addr = src,
					     .num = f->tcp.sport, .port = DSR_CONN_BLOCK(f->tcp.dport)});
	return add_key(out, n, (struct dsr_key){.kind = DSR_KEY_CONN, .addr = dst,
						.num = f->tcp.dport, .port = DSR_CONN_BLOCK(f->tcp.sport)});
}

size_t dsr_frame_keys(const struct dsr_frame *f, struct dsr_key out[DSR_FRAME_KEYS_MAX])
{
	size_t n = 0;

	if (f->l3 == DSR_L3_ARP) {
		/* Answers and claims name the address as sender; requests (our own
		 * attempts in a replay) as target. */
		n = add_key(out, n, (struct dsr_key){.kind = DSR_KEY_ARP, .addr = f->arp.spa.s_addr});
		n = add_key(out, n, (struct dsr_key){.kind = DSR_KEY_ARP, .addr = f->arp.tpa.s_addr});
		n = add_key(out, n, arp_from(f->arp.spa, f->arp.sha));
		n = add_key(out, n, arp_from(f->arp.spa, f->eth_src));
		n = add_key(out, n, arp_from(f->arp.tpa, f->eth_dst));
		return n;
	}
	if (f->l3 == DSR_L3_IPV6 && f->l4 == DSR_L4_ND)
		return nd_keys(f, out);
	if (f->l3 != DSR_L3_IPV4 && f->l3 != DSR_L3_IPV6)
		return 0;
	if (f->l4 == DSR_L4_VRRP)
		return add_key(out, n, (struct dsr_key){.kind = DSR_KEY_VRRP, .num = f->vrrp.vrid});
	if (f->l4 == DSR_L4_TCP) {
		/* An answer acknowledges our sequence number; our SYN carries it. */
		n = add_key(out, n, (struct dsr_key){.kind = DSR_KEY_TCP, .num = f->tcp.ack - 1,
						     .port = f->tcp.dport});
		n = add_key(out, n, (struct dsr_key){.kind = DSR_KEY_TCP, .num = f->tcp.seq,
						     .port = f->tcp.sport});
		/* A segment of one of our own connections, from the peer or (a
		 * replay) from us. */
		n = add_conn_keys(f, out, n);
	} else if (f->l4 == DSR_L4_ICMP) {
		const struct dsr_quoted *q = &f->icmp.quote;
		uint8_t echo_proto = f->l3 == DSR_L3_IPV6 ? DSR_IPPROTO_ICMPV6 : IPPROTO_ICMP;
		n = add_key(out, n, (struct dsr_key){.kind = DSR_KEY_ECHO, .num = f->icmp.seq,
						     .port = f->icmp.id});
		if (f->icmp.has_quote && q->proto == IPPROTO_TCP)
			n = add_key(out, n, (struct dsr_key){.kind = DSR_KEY_TCP, .num = q->seq,
							     .port = q->sport});
		else if (f->icmp.has_quote && q->proto == echo_proto)
			n = add_key(out, n, (struct dsr_key){.kind = DSR_KEY_ECHO, .num = q->echo_seq,
							     .port = q->echo_id});
	}
	return n;
}
