/* dsrcheck's own frame writer: plain byte layout of RFC 826, 791, 792, 793,
 * 8200 and 4861 headers with their checksums, for builds without libnet (Windows/Npcap).
 * Written big-endian byte by byte, never through a struct cast. */
#include <stdio.h>
#include <string.h>

#include "wire.h"

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p = put16(p, (uint16_t)(v >> 16));
	return put16(p, (uint16_t)v);
}

/* Addresses are kept in network order: copy their bytes as they are. */
static uint8_t *put_addr(uint8_t *p, struct in_addr a)
{
	memcpy(p, &a.s_addr, 4);
	return p + 4;
}

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static bool fits(size_t need, size_t cap, char *err, size_t errlen)
{
	if (need <= cap)
		return true;
	snprintf(err, errlen, "frame of %zu bytes exceeds %zu", need, cap);
	return false;
}

static uint8_t *put_eth(uint8_t *p, const struct dsr_wire_eth *eth, uint16_t type)
{
	memcpy(p, eth->dst, 6);
	memcpy(p + 6, eth->src, 6);
	p += 12;
	if (eth->tagged) {
		p = put16(p, DSR_WIRE_TPID);
		p = put16(p, (uint16_t)((eth->priority & 7) << 13 | (eth->vlan & 0x0fff)));
	}
	return put16(p, type);
}

static uint8_t *put_ipv4(uint8_t *p, const struct dsr_wire_ipv4 *ip, uint8_t proto, size_t payload_len)
{
	uint8_t *h = p;

	*p++ = 0x45;
	*p++ = 0;
	p = put16(p, (uint16_t)(DSR_WIRE_IPV4_LEN + payload_len));
	p = put16(p, ip->id);
	p = put16(p, ip->frag);
	*p++ = ip->ttl;
	*p++ = proto;
	p = put16(p, 0);
	p = put_addr(p, ip->src);
	p = put_addr(p, ip->dst);
	put16(h + 10, fold(sum16(h, DSR_WIRE_IPV4_LEN, 0)));
	return p;
}

static int raw_arp(const struct dsr_wire_eth *eth, const struct dsr_wire_arp *arp, uint8_t *buf,
			   size_t cap, char *err, size_t errlen)
{
	static const uint8_t unknown_mac[6];
	size_t len = dsr_wire_eth_len(eth) + DSR_WIRE_ARP_LEN;

	if (!fits(len, cap, err, errlen))
		return -1;
	uint8_t *p = put_eth(buf, eth, 0x0806);
	p = put16(p, 1);      /* Ethernet */
	p = put16(p, 0x0800); /* IPv4 */
	*p++ = 6;
	*p++ = 4;
	p = put16(p, arp->op ? arp->op : DSR_WIRE_ARP_REQUEST);
	memcpy(p, arp->sender_mac, 6);
	p = put_addr(p + 6, arp->sender_ip);
	memcpy(p, arp->target_mac ? arp->target_mac : unknown_mac, 6);
	put_addr(p + 6, arp->target_ip);
	return (int)len;
}

static int raw_icmp_echo(const struct dsr_wire_eth *eth, const struct dsr_wire_ipv4 *ip,
			 const struct dsr_wire_echo *echo, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	size_t icmp_len = DSR_WIRE_ICMP_ECHO_LEN + echo->payload_len;
	size_t len = dsr_wire_eth_len(eth) + DSR_WIRE_IPV4_LEN + icmp_len;

	if (icmp_len > 65535 - DSR_WIRE_IPV4_LEN) {
		snprintf(err, errlen, "ICMP payload of %zu bytes is too long", echo->payload_len);
		return -1;
	}
	if (!fits(len, cap, err, errlen))
		return -1;
	uint8_t *icmp = put_ipv4(put_eth(buf, eth, 0x0800), ip, 1, icmp_len);
	uint8_t *p = icmp;
	*p++ = 8; /* echo request */
	*p++ = 0;
	p = put16(p, 0);
	p = put16(p, echo->id);
	p = put16(p, echo->seq);
	if (echo->payload_len)
		memcpy(p, echo->payload, echo->payload_len);
	put16(icmp + 2, fold(sum16(icmp, icmp_len, 0)));
	return (int)len;
}

static int raw_tcp(const struct dsr_wire_eth *eth, const struct dsr_wire_ipv4 *ip, const struct dsr_wire_tcp *tcp,
		   uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	size_t tcp_len = DSR_WIRE_TCP_LEN + tcp->options_len;
	size_t len = dsr_wire_eth_len(eth) + DSR_WIRE_IPV4_LEN + tcp_len;

	if (tcp->options_len > 40 || tcp->options_len % 4) {
		snprintf(err, errlen, "TCP options of %zu bytes: not a multiple of 4 up to 40", tcp->options_len);
		return -1;
	}
	if (!fits(len, cap, err, errlen))
		return -1;
	uint8_t *seg = put_ipv4(put_eth(buf, eth, 0x0800), ip, 6, tcp_len);
	uint8_t *p = seg;
	p = put16(p, tcp->sport);
	p = put16(p, tcp->dport);
	p = put32(p, tcp->seq);
	p = put32(p, tcp->ack);
	*p++ = (uint8_t)((tcp_len / 4) << 4);
	*p++ = tcp->flags;
	p = put16(p, tcp->window);
	p = put16(p, 0); /* checksum */
	p = put16(p, 0); /* urgent pointer */
	if (tcp->options_len)
		memcpy(p, tcp->options, tcp->options_len);

	uint8_t pseudo[12];
	uint8_t *q = put_addr(put_addr(pseudo, ip->src), ip->dst);
	*q++ = 0;
	*q++ = 6;
	put16(q, (uint16_t)tcp_len);
	put16(seg + 16, fold(sum16(seg, tcp_len, sum16(pseudo, sizeof(pseudo), 0))));
	return (int)len;
}

static int raw_nd_solicit(const struct dsr_wire_eth *eth, const struct dsr_wire_ipv6 *ip,
			  const struct dsr_wire_nd_solicit *ns, uint8_t *buf, size_t cap, char *err,
			  size_t errlen)
{
	size_t len = dsr_wire_eth_len(eth) + DSR_WIRE_IPV6_LEN + DSR_WIRE_ND_SOLICIT_LEN;

	if (!fits(len, cap, err, errlen))
		return -1;
	uint8_t *p = put_eth(buf, eth, DSR_WIRE_ETHERTYPE_IPV6);
	p = put32(p, 6u << 28); /* version, no traffic class, no flow label */
	p = put16(p, DSR_WIRE_ND_SOLICIT_LEN);
	*p++ = 58; /* ICMPv6 */
	*p++ = ip->hlim;
	memcpy(p, ip->src.s6_addr, 16);
	memcpy(p + 16, ip->dst.s6_addr, 16);
	uint8_t *icmp = p + 32;
	p = icmp;
	*p++ = 135; /* Neighbor Solicitation */
	*p++ = 0;
	p = put16(p, 0);
	p = put32(p, 0); /* reserved */
	memcpy(p, ns->target.s6_addr, 16);

	/* RFC 8200 8.1: source, destination, upper-layer length, next header. */
	uint8_t pseudo[40];
	memcpy(pseudo, ip->src.s6_addr, 16);
	memcpy(pseudo + 16, ip->dst.s6_addr, 16);
	put32(put32(pseudo + 32, DSR_WIRE_ND_SOLICIT_LEN), 58);
	put16(icmp + 2, fold(sum16(icmp, DSR_WIRE_ND_SOLICIT_LEN, sum16(pseudo, sizeof(pseudo), 0))));
	return (int)len;
}

const struct dsr_wire_writer dsr_wire_raw = {
	.name = "raw",
	.arp = raw_arp,
	.icmp_echo = raw_icmp_echo,
	.tcp = raw_tcp,
	.nd_solicit = raw_nd_solicit,
};
