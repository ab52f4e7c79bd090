/* Frame decoder. Every byte is read through capture/cursor.h; a length field
 * is trusted only after it has been checked against what was captured. */
#include "decode.h"

#include <stdio.h>
#include <string.h>

#include "checksum.h"
#include "cursor.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8     /* 802.1ad service tag */
#define ETHERTYPE_QINQ_OLD 0x9100 /* before 802.1ad: some switches still send it */
#define ETHERTYPE_IPV6 0x86dd
#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_ICMPV6_ 58
#define VRRP_HEADER 8
#define VRRP_V2_AUTH 8

static void read_addr(struct dsr_cursor *c, struct in_addr *out)
{
	uint8_t b[4];
	/* callers have checked the length already */
	if (dsr_cursor_bytes(c, b, 4))
		memcpy(&out->s_addr, b, 4);
}

enum { ARP_HTYPE_ETHERNET = 1, ARP_HTYPE_IEEE802 = 6 };

static enum dsr_decode_status decode_arp(struct dsr_cursor *c, struct dsr_frame *f)
{
	uint16_t htype, ptype;
	uint8_t hlen, plen;

	if (!dsr_cursor_u16(c, &htype) || !dsr_cursor_u16(c, &ptype) || !dsr_cursor_u8(c, &hlen) ||
	    !dsr_cursor_u8(c, &plen) || !dsr_cursor_u16(c, &f->arp.op))
		return DSR_FRAME_TRUNCATED;
	/* Linux takes hardware type 6 (IEEE 802) on Ethernet as readily as 1
	 * (net/ipv4/arp.c, after RFC 2625): a reply of either type re-points a
	 * neighbour, so either is a claim. */
	if ((htype != ARP_HTYPE_ETHERNET && htype != ARP_HTYPE_IEEE802) || ptype != ETHERTYPE_IPV4)
		return DSR_FRAME_UNRELATED;
	if (hlen != 6 || plen != 4)
		return DSR_FRAME_INVALID;
	/* Hosts ignore other opcodes (RARP, InARP, junk): they claim nothing. */
	if (f->arp.op != DSR_ARP_REQUEST && f->arp.op != DSR_ARP_REPLY)
		return DSR_FRAME_UNRELATED;
	if (dsr_cursor_left(c) < 20)
		return DSR_FRAME_TRUNCATED;
	dsr_cursor_bytes(c, f->arp.sha, 6);
	read_addr(c, &f->arp.spa);
	dsr_cursor_bytes(c, f->arp.tha, 6);
	read_addr(c, &f->arp.tpa);
	f->l3 = DSR_L3_ARP;
	return DSR_FRAME_OK;
}

/* The first 8 bytes of the quoted transport header (TCP, or ICMP of protocol
 * icmp_proto), on their own cursor; false if fewer are there. */
static bool decode_quote_l4(struct dsr_cursor *c, uint8_t icmp_proto, struct dsr_quoted *q)
{
	struct dsr_cursor l4;

	if (!dsr_cursor_sub(c, 8, &l4))
		return false;
	if (q->proto == IPPROTO_TCP_) {
		dsr_cursor_u16(&l4, &q->sport);
		dsr_cursor_u16(&l4, &q->dport);
		dsr_cursor_u32(&l4, &q->seq);
	} else if (q->proto == icmp_proto) {
		dsr_cursor_u8(&l4, &q->icmp_type);
		dsr_cursor_skip(&l4, 3);
		dsr_cursor_u16(&l4, &q->echo_id);
		dsr_cursor_u16(&l4, &q->echo_seq);
	}
	return true;
}

/* The header of the packet an ICMP error quotes: its own cursor, so a lying
 * quote can never reach past the ICMP payload. */
static bool decode_quote(struct dsr_cursor *c, struct dsr_quoted *q)
{
	uint8_t vihl, b;
	uint16_t u16;

	if (!dsr_cursor_u8(c, &vihl) || (vihl >> 4) != 4 || (vihl & 0x0f) < 5)
		return false;
	size_t ihl = (size_t)(vihl & 0x0f) * 4;
	if (dsr_cursor_left(c) < ihl - 1)
		return false;
	dsr_cursor_skip(c, 7); /* tos, total length, id, fragment */
	dsr_cursor_u8(c, &b);  /* ttl */
	dsr_cursor_u8(c, &q->proto);
	dsr_cursor_u16(c, &u16); /* checksum */
	read_addr(c, &q->src);
	read_addr(c, &q->dst);
	dsr_cursor_skip(c, ihl - 20);
	/* RFC 792 guarantees 8 bytes of the original datagram beyond its header. */
	return decode_quote_l4(c, IPPROTO_ICMP_, q);
}

static enum dsr_decode_status decode_icmp(struct dsr_cursor *c, struct dsr_frame *f)
{
	uint16_t sum;

	if (!dsr_cursor_u8(c, &f->icmp.type) || !dsr_cursor_u8(c, &f->icmp.code) ||
	    !dsr_cursor_u16(c, &sum))
		return DSR_FRAME_TRUNCATED;
	f->l4 = DSR_L4_ICMP;
	switch (f->icmp.type) {
	case DSR_ICMP_ECHO:
	case DSR_ICMP_ECHO_REPLY:
		if (!dsr_cursor_u16(c, &f->icmp.id) || !dsr_cursor_u16(c, &f->icmp.seq))
			return DSR_FRAME_TRUNCATED;
		return DSR_FRAME_OK;
	case DSR_ICMP_UNREACH:
	case DSR_ICMP_TIME_EXCEEDED:
		if (!dsr_cursor_skip(c, 4))
			return DSR_FRAME_TRUNCATED;
		f->icmp.has_quote = decode_quote(c, &f->icmp.quote);
		/* An error without a usable quote cannot be tied to a probe. */
		return f->icmp.has_quote ? DSR_FRAME_OK : DSR_FRAME_TRUNCATED;
	default:
		return DSR_FRAME_UNRELATED;
	}
}

static enum dsr_decode_status decode_tcp(struct dsr_cursor *c, struct dsr_frame *f)
{
	uint8_t offset;

	if (!dsr_cursor_u16(c, &f->tcp.sport) || !dsr_cursor_u16(c, &f->tcp.dport) ||
	    !dsr_cursor_u32(c, &f->tcp.seq) || !dsr_cursor_u32(c, &f->tcp.ack) ||
	    !dsr_cursor_u8(c, &offset) || !dsr_cursor_u8(c, &f->tcp.flags))
		return DSR_FRAME_TRUNCATED;
	if ((offset >> 4) < 5)
		return DSR_FRAME_INVALID;
	/* The rest of the header, options included, must be there: a header cut
	 * short is a truncated capture even if the fields we use survived. */
	if (!dsr_cursor_skip(c, (size_t)(offset >> 4) * 4 - 14))
		return DSR_FRAME_TRUNCATED;
	f->l4 = DSR_L4_TCP;
	return DSR_FRAME_OK;
}

/* A VRRP advertisement. complete: the whole IP payload was captured, so a
 * payload too short for what the header announces is a lie (invalid), not a
 * cut capture (truncated). */
static enum dsr_decode_status decode_vrrp(struct dsr_cursor *c, bool complete, struct dsr_frame *f)
{
	uint8_t vt, b4, b5;
	uint16_t sum;
	enum dsr_decode_status shortfall = complete ? DSR_FRAME_INVALID : DSR_FRAME_TRUNCATED;

	if (!dsr_cursor_u8(c, &vt) || !dsr_cursor_u8(c, &f->vrrp.vrid) ||
	    !dsr_cursor_u8(c, &f->vrrp.priority) || !dsr_cursor_u8(c, &f->vrrp.naddrs) ||
	    !dsr_cursor_u8(c, &b4) || !dsr_cursor_u8(c, &b5) || !dsr_cursor_u16(c, &sum))
		return shortfall;
	f->vrrp.version = vt >> 4;
	f->vrrp.type = vt & 0x0f;
	/* RFC 5798 5.2: anything else is discarded by every router, so it elects nobody. */
	if ((f->vrrp.version != 2 && f->vrrp.version != 3) || f->vrrp.type != DSR_VRRP_ADVERTISEMENT ||
	    f->vrrp.vrid == 0 || f->vrrp.naddrs == 0)
		return DSR_FRAME_INVALID;
	if (f->vrrp.version == 2)
		f->vrrp.interval_cs = (uint16_t)(b5 * 100); /* b4: authentication type */
	else
		f->vrrp.interval_cs = (uint16_t)(((b4 & 0x0f) << 8) | b5); /* 4 reserved bits */
	/* An interval of 0 would make every master "down" at once. */
	if (f->vrrp.interval_cs == 0)
		return DSR_FRAME_INVALID;
	size_t need = (size_t)f->vrrp.naddrs * 4 + (f->vrrp.version == 2 ? VRRP_V2_AUTH : 0);
	if (dsr_cursor_left(c) < need)
		return shortfall;
	for (unsigned i = 0; i < f->vrrp.naddrs; i++) {
		struct in_addr a;
		read_addr(c, &a);
		if (i < DSR_VRRP_ADDRS)
			f->vrrp.addrs[i] = a;
	}
	f->l4 = DSR_L4_VRRP;
	return DSR_FRAME_OK;
}

static enum dsr_decode_status decode_ipv4(struct dsr_cursor *c, struct dsr_frame *f)
{
	uint8_t vihl, tos;
	uint16_t total, frag, sum;
	struct dsr_cursor payload;

	size_t start = c->off;
	if (!dsr_cursor_u8(c, &vihl))
		return DSR_FRAME_TRUNCATED;
	if ((vihl >> 4) != 4 || (vihl & 0x0f) < 5)
		return DSR_FRAME_INVALID;
	size_t ihl = (size_t)(vihl & 0x0f) * 4;
	if (!dsr_cursor_u8(c, &tos) || !dsr_cursor_u16(c, &total) || !dsr_cursor_u16(c, &f->ip.id) ||
	    !dsr_cursor_u16(c, &frag) || !dsr_cursor_u8(c, &f->ip.ttl) ||
	    !dsr_cursor_u8(c, &f->ip.proto) || !dsr_cursor_u16(c, &sum))
		return DSR_FRAME_TRUNCATED;
	if (dsr_cursor_left(c) < 8)
		return DSR_FRAME_TRUNCATED;
	read_addr(c, &f->ip.src);
	read_addr(c, &f->ip.dst);
	if (total < ihl)
		return DSR_FRAME_INVALID;
	f->l3 = DSR_L3_IPV4;
	/* Ethernet pads short frames: the IP total length, not the capture, bounds the payload. */
	c->off = start;
	if (dsr_cursor_left(c) < ihl)
		return DSR_FRAME_TRUNCATED;
	dsr_cursor_skip(c, ihl);
	size_t payload_len = (size_t)total - ihl;
	bool complete = dsr_cursor_sub(c, payload_len, &payload);
	if (!complete) {
		/* A short capture keeps what it has; the layer decoder says if that is enough. */
		payload = dsr_cursor_make(c->data + c->off, dsr_cursor_left(c));
	}
	/* Later fragments carry no transport header. */
	if ((frag & 0x1fff) != 0)
		return DSR_FRAME_UNRELATED;
	switch (f->ip.proto) {
	case IPPROTO_ICMP_:
		return decode_icmp(&payload, f);
	case IPPROTO_TCP_:
		return decode_tcp(&payload, f);
	case DSR_IPPROTO_VRRP:
		return decode_vrrp(&payload, complete, f);
	default:
		return DSR_FRAME_UNRELATED;
	}
}

/* IPv6 (RFC 8200): the extension headers a host walks to its upper layer. */
enum {
	IP6_HOPOPTS = 0,
	IP6_ROUTING = 43,
	IP6_FRAGMENT = 44,
	IP6_AH = 51,
	IP6_DSTOPTS = 60,
};
#define IP6_HEADER 40
/* A chain longer than this is no packet of a DSR service: a hostile one must
 * not keep the decoder walking. */
#define IP6_MAX_EXT 8
/* Neighbor Discovery (RFC 4861 4.3, 4.4, 4.6.1). */
#define ND_HOP_LIMIT 255
#define ND_MIN_LEN 24
#define ND_OPT_SOURCE_LLADDR 1
#define ND_OPT_TARGET_LLADDR 2
#define ND_FLAG_ROUTER 0x80
#define ND_FLAG_SOLICITED 0x40
#define ND_FLAG_OVERRIDE 0x20

/* The next len bytes of an IPv6 payload of plen bytes, captured in p: past
 * plen they are a lie, past the capture a cut. */
static enum dsr_decode_status ip6_room(const struct dsr_cursor *p, size_t plen, size_t len)
{
	if (p->off + len > plen)
		return DSR_FRAME_INVALID;
	if (dsr_cursor_left(p) < len)
		return DSR_FRAME_TRUNCATED;
	return DSR_FRAME_OK;
}

static bool is_multicast6(const struct in6_addr *a)
{
	uint8_t b[16];
	memcpy(b, a, 16);
	return b[0] == 0xff;
}

static bool is_unspecified6(const struct in6_addr *a)
{
	static const uint8_t zero[16];
	return memcmp(a, zero, 16) == 0;
}

/* ff02::1:ffXX:XXXX (RFC 4291 2.7.1), where duplicate address detection
 * must send its solicitation. */
static bool is_solicited_node(const struct in6_addr *a)
{
	static const uint8_t prefix[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff};
	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

/* The header of the packet an ICMPv6 error quotes, on the rest of the message
 * only (c): a lying quote can never reach past it. RFC 4443 quotes as much as
 * fits, so the transport's first 8 bytes are taken when they are there. */
static bool decode_quote6(struct dsr_cursor *c, struct dsr_quoted *q)
{
	uint8_t v, hlim;

	if (!dsr_cursor_u8(c, &v) || (v >> 4) != 6 || dsr_cursor_left(c) < IP6_HEADER - 1)
		return false;
	dsr_cursor_skip(c, 5); /* traffic class, flow label, payload length */
	dsr_cursor_u8(c, &q->proto);
	dsr_cursor_u8(c, &hlim);
	dsr_cursor_bytes(c, &q->src6, 16);
	dsr_cursor_bytes(c, &q->dst6, 16);
	decode_quote_l4(c, IPPROTO_ICMPV6_, q);
	return true;
}

/* A Neighbor Solicitation or Advertisement (c: the whole ICMPv6 message, read
 * past its checksum). Only what every host accepts (RFC 4861 7.1.1, 7.1.2;
 * RFC 6980: never in a fragment) is OK: anything else teaches no neighbour
 * anything, so it can neither claim an address nor clear one. */
static enum dsr_decode_status decode_nd(struct dsr_cursor *c, bool complete, bool fragment,
					struct dsr_frame *f)
{
	uint8_t flags;
	bool solicit = f->icmp.type == DSR_ND_SOLICIT;
	uint8_t want = solicit ? ND_OPT_SOURCE_LLADDR : ND_OPT_TARGET_LLADDR;

	/* The checksum covers the whole message: a cut one cannot be verified. */
	if (!complete)
		return DSR_FRAME_TRUNCATED;
	if (fragment || f->ip6.hlim != ND_HOP_LIMIT || f->icmp.code != 0 || c->len < ND_MIN_LEN)
		return DSR_FRAME_INVALID;
	uint32_t sum = dsr_sum_pseudo6(&f->ip6.src, &f->ip6.dst, (uint32_t)c->len, IPPROTO_ICMPV6_);
	if (dsr_sum_fold(dsr_sum16(c->data, c->len, sum)) != 0)
		return DSR_FRAME_INVALID;
	dsr_cursor_u8(c, &flags);
	dsr_cursor_skip(c, 3);
	dsr_cursor_bytes(c, &f->nd.target, 16);
	if (is_multicast6(&f->nd.target))
		return DSR_FRAME_INVALID;
	while (dsr_cursor_left(c) > 0) {
		uint8_t type, len;
		if (!dsr_cursor_u8(c, &type) || !dsr_cursor_u8(c, &len) || len == 0 ||
		    dsr_cursor_left(c) < (size_t)len * 8 - 2)
			return DSR_FRAME_INVALID;
		size_t body = (size_t)len * 8 - 2;
		if (type == want) {
			/* Linux drops a message whose address option does not fit the
			 * link (ndisc_opt_addr_data); a repeated one is ignored. */
			if (len != 1)
				return DSR_FRAME_INVALID;
			if (!f->nd.has_lladdr) {
				dsr_cursor_bytes(c, f->nd.lladdr, 6);
				body -= 6;
				f->nd.has_lladdr = true;
			}
		}
		dsr_cursor_skip(c, body);
	}
	f->nd.type = f->icmp.type;
	if (solicit) {
		f->nd.dad = is_unspecified6(&f->ip6.src);
		if (f->nd.dad && (!is_solicited_node(&f->ip6.dst) || f->nd.has_lladdr))
			return DSR_FRAME_INVALID;
	} else {
		f->nd.router = (flags & ND_FLAG_ROUTER) != 0;
		f->nd.solicited = (flags & ND_FLAG_SOLICITED) != 0;
		f->nd.override = (flags & ND_FLAG_OVERRIDE) != 0;
		if (f->nd.solicited && is_multicast6(&f->ip6.dst))
			return DSR_FRAME_INVALID;
	}
	f->l4 = DSR_L4_ND;
	return DSR_FRAME_OK;
}

/* c: the ICMPv6 message as captured; complete: all of it was. */
static enum dsr_decode_status decode_icmp6(struct dsr_cursor *c, bool complete, bool fragment,
					   struct dsr_frame *f)
{
	enum dsr_decode_status shortfall = complete ? DSR_FRAME_INVALID : DSR_FRAME_TRUNCATED;
	uint16_t sum;

	if (!dsr_cursor_u8(c, &f->icmp.type) || !dsr_cursor_u8(c, &f->icmp.code) ||
	    !dsr_cursor_u16(c, &sum))
		return shortfall;
	switch (f->icmp.type) {
	case DSR_ICMP6_ECHO:
	case DSR_ICMP6_ECHO_REPLY:
		if (!dsr_cursor_u16(c, &f->icmp.id) || !dsr_cursor_u16(c, &f->icmp.seq))
			return shortfall;
		break;
	case DSR_ICMP6_UNREACH:
	case DSR_ICMP6_TOO_BIG:
	case DSR_ICMP6_TIME_EXCEEDED:
		if (!dsr_cursor_skip(c, 4)) /* unused, or the MTU */
			return shortfall;
		f->icmp.has_quote = decode_quote6(c, &f->icmp.quote);
		/* An error without a usable quote cannot be tied to a probe. */
		if (!f->icmp.has_quote)
			return shortfall;
		break;
	case DSR_ND_SOLICIT:
	case DSR_ND_ADVERT:
		return decode_nd(c, complete, fragment, f);
	default:
		return DSR_FRAME_UNRELATED; /* router discovery, redirects, MLD, ... */
	}
	f->l4 = DSR_L4_ICMP;
	return DSR_FRAME_OK;
}

static enum dsr_decode_status decode_ipv6(struct dsr_cursor *c, struct dsr_frame *f)
{
	uint8_t vtc;
	uint16_t plen = 0;
	enum dsr_decode_status st;

	if (!dsr_cursor_u8(c, &vtc))
		return DSR_FRAME_TRUNCATED;
	if ((vtc >> 4) != 6)
		return DSR_FRAME_INVALID;
	if (dsr_cursor_left(c) < IP6_HEADER - 1)
		return DSR_FRAME_TRUNCATED;
	dsr_cursor_skip(c, 3); /* traffic class, flow label */
	dsr_cursor_u16(c, &plen);
	dsr_cursor_u8(c, &f->ip6.next);
	dsr_cursor_u8(c, &f->ip6.hlim);
	dsr_cursor_bytes(c, &f->ip6.src, 16);
	dsr_cursor_bytes(c, &f->ip6.dst, 16);
	f->l3 = DSR_L3_IPV6;
	/* 0: a jumbogram (RFC 2675), longer than any link dsrcheck listens on. */
	if (plen == 0)
		return DSR_FRAME_UNRELATED;
	/* Ethernet pads short frames: the payload length, not the capture, bounds the payload. */
	struct dsr_cursor p = dsr_cursor_make(c->data + c->off, dsr_cursor_left(c) < plen ? dsr_cursor_left(c) : plen);
	bool fragment = false;
	uint8_t nh = f->ip6.next;
	for (unsigned i = 0; nh != IPPROTO_TCP_ && nh != IPPROTO_ICMPV6_; i++) {
		uint8_t next = 0, hlen = 0;
		uint16_t offset = 0;
		size_t len;
		if (i == IP6_MAX_EXT)
			return DSR_FRAME_UNRELATED;
		/* ESP hides what follows, 59 says nothing does, the rest is not ours. */
		if (nh != IP6_HOPOPTS && nh != IP6_ROUTING && nh != IP6_DSTOPTS && nh != IP6_FRAGMENT &&
		    nh != IP6_AH)
			return DSR_FRAME_UNRELATED;
		/* RFC 8200 4.1: hop-by-hop options only right after the fixed header. */
		if (nh == IP6_HOPOPTS && i != 0)
			return DSR_FRAME_INVALID;
		size_t start = p.off;
		if ((st = ip6_room(&p, plen, 2)) != DSR_FRAME_OK)
			return st;
		dsr_cursor_u8(&p, &next);
		dsr_cursor_u8(&p, &hlen);
		if (nh == IP6_FRAGMENT)
			len = 8;
		else if (nh == IP6_AH)
			len = ((size_t)hlen + 2) * 4; /* RFC 4302 2.2 */
		else
			len = ((size_t)hlen + 1) * 8;
		p.off = start;
		if ((st = ip6_room(&p, plen, len)) != DSR_FRAME_OK)
			return st;
		if (nh == IP6_FRAGMENT) {
			dsr_cursor_skip(&p, 2);
			dsr_cursor_u16(&p, &offset);
			dsr_cursor_skip(&p, 4);
			/* Only the first fragment carries the upper-layer header. */
			if ((offset >> 3) != 0)
				return DSR_FRAME_UNRELATED;
			fragment = true;
		} else {
			dsr_cursor_skip(&p, len);
		}
		nh = next;
	}
	f->ip6.next = nh;
	bool complete = p.len == plen;
	struct dsr_cursor upper = dsr_cursor_make(p.data + p.off, dsr_cursor_left(&p));
	if (nh == IPPROTO_TCP_)
		return decode_tcp(&upper, f);
	return decode_icmp6(&upper, complete, fragment, f);
}

static bool is_tag(uint16_t ethertype)
{
	return ethertype == ETHERTYPE_VLAN || ethertype == ETHERTYPE_QINQ || ethertype == ETHERTYPE_QINQ_OLD;
}

static enum dsr_decode_status decode_l3(struct dsr_cursor *c, struct dsr_frame *out)
{
	switch (out->ethertype) {
	case ETHERTYPE_ARP:
		return decode_arp(c, out);
	case ETHERTYPE_IPV4:
		return decode_ipv4(c, out);
	case ETHERTYPE_IPV6:
		return decode_ipv6(c, out);
	default:
		return DSR_FRAME_UNRELATED;
	}
}

enum dsr_decode_status dsr_decode_ethernet(const uint8_t *bytes, size_t caplen, struct dsr_frame *out)
{
	struct dsr_cursor c = dsr_cursor_make(bytes, caplen);

	memset(out, 0, sizeof(*out));
	if (!dsr_cursor_bytes(&c, out->eth_dst, 6) || !dsr_cursor_bytes(&c, out->eth_src, 6) ||
	    !dsr_cursor_u16(&c, &out->ethertype))
		return DSR_FRAME_TRUNCATED;
	while (is_tag(out->ethertype)) {
		uint16_t tci, tpid = out->ethertype;
		if (out->ntags == 2)
			return DSR_FRAME_UNRELATED; /* deeper stacks: nothing dsrcheck probes */
		if (!dsr_cursor_u16(&c, &tci) || !dsr_cursor_u16(&c, &out->ethertype))
			return DSR_FRAME_TRUNCATED;
		if (out->ntags++ == 0) {
			out->outer_tpid = tpid;
			out->vlan = tci & 0x0fff; /* 0: a priority tag only */
			out->vlan_pcp = (uint8_t)(tci >> 13);
		} else {
			out->inner_vlan = tci & 0x0fff;
		}
	}
	/* An S-tag announces a C-tag behind it: one alone is not QinQ but a
	 * provider frame with no customer VLAN, which no service of ours is on. */
	if (out->ntags == 1 && out->outer_tpid != ETHERTYPE_VLAN)
		return DSR_FRAME_UNRELATED;
	return decode_l3(&c, out);
}

bool dsr_frame_in_vlan(const struct dsr_frame *f, uint16_t vlan)
{
	if (f->ntags > 1)
		return false;
	return f->vlan == vlan;
}

void dsr_frame_vlan_text(const struct dsr_frame *f, char out[24])
{
	if (f->ntags == 0 || (f->ntags == 1 && f->vlan == 0))
		out[0] = '\0';
	else if (f->ntags == 1)
		snprintf(out, 24, " vlan %u", (unsigned)f->vlan);
	else
		snprintf(out, 24, " vlan %u.%u", (unsigned)f->vlan, (unsigned)f->inner_vlan);
}

/* Linux cooked captures (tcpdump -i any): no Ethernet header, but the sender's
 * link address and the protocol are there. The destination MAC is unknown. */
enum dsr_decode_status dsr_decode_sll(const uint8_t *bytes, size_t caplen, bool v2,
				      struct dsr_frame *out)
{
	struct dsr_cursor c = dsr_cursor_make(bytes, caplen);
	uint16_t hatype, addrlen16 = 0;
	uint8_t addr[8], addrlen8 = 0;

	memset(out, 0, sizeof(*out));
	if (v2) {
		/* protocol, reserved, ifindex, hatype, packet type, address length, address */
		if (!dsr_cursor_u16(&c, &out->ethertype) || !dsr_cursor_skip(&c, 6) ||
		    !dsr_cursor_u16(&c, &hatype) || !dsr_cursor_skip(&c, 1) ||
		    !dsr_cursor_u8(&c, &addrlen8) || !dsr_cursor_bytes(&c, addr, 8))
			return DSR_FRAME_TRUNCATED;
		addrlen16 = addrlen8;
	} else {
		/* packet type, hatype, address length, address, protocol */
		if (!dsr_cursor_skip(&c, 2) || !dsr_cursor_u16(&c, &hatype) ||
		    !dsr_cursor_u16(&c, &addrlen16) || !dsr_cursor_bytes(&c, addr, 8) ||
		    !dsr_cursor_u16(&c, &out->ethertype))
			return DSR_FRAME_TRUNCATED;
	}
	if (hatype != 1 || addrlen16 != 6)
		return DSR_FRAME_UNRELATED;
	memcpy(out->eth_src, addr, 6);
	return decode_l3(&c, out);
}

const char *dsr_decode_status_name(enum dsr_decode_status status)
{
	switch (status) {
	case DSR_FRAME_OK:
		return "ok";
	case DSR_FRAME_TRUNCATED:
		return "truncated";
	case DSR_FRAME_INVALID:
		return "invalid";
	case DSR_FRAME_UNRELATED:
		return "unrelated";
	}
	return "?";
}
