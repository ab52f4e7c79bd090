/* Test-only frame crafting: replies as a real peer would send them, written
 * byte by byte so that tests do not depend on the code they test. */
#ifndef DSR_TEST_FRAMES_H
#define DSR_TEST_FRAMES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline size_t put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

static inline size_t put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
	return 4;
}

static inline size_t craft_eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, type);
	return 14;
}

/* IPv4 header (no options) with total length covering payload_len. */
static inline size_t craft_ip(uint8_t *p, uint8_t proto, const uint8_t src[4], const uint8_t dst[4],
			      uint8_t ttl, size_t payload_len)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	put16(p + 2, (uint16_t)(20 + payload_len));
	p[8] = ttl;
	p[9] = proto;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	return 20;
}

static inline size_t craft_arp(uint8_t *f, uint16_t op, const uint8_t sha[6], const uint8_t spa[4],
			       const uint8_t tha[6], const uint8_t tpa[4])
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	size_t n = craft_eth(f, op == 1 ? bcast : tha, sha, 0x0806);
	n += put16(f + n, 1);
	n += put16(f + n, 0x0800);
	f[n++] = 6;
	f[n++] = 4;
	n += put16(f + n, op);
	memcpy(f + n, sha, 6);
	memcpy(f + n + 6, spa, 4);
	memcpy(f + n + 10, tha, 6);
	memcpy(f + n + 16, tpa, 4);
	return n + 20;
}

/* A 20-byte TCP header, checksum left 0 (the decoder does not check it). */
static inline size_t put_tcp(uint8_t *p, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
			     uint8_t flags)
{
	memset(p, 0, 20);
	put16(p, sport);
	put16(p + 2, dport);
	put32(p + 4, seq);
	put32(p + 8, ack);
	p[12] = 5 << 4;
	p[13] = flags;
	return 20;
}

static inline size_t craft_tcp(uint8_t *f, const uint8_t smac[6], const uint8_t dmac[6],
			       const uint8_t sip[4], const uint8_t dip[4], uint8_t ttl, uint16_t sport,
			       uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags)
{
	size_t n = craft_eth(f, dmac, smac, 0x0800);
	n += craft_ip(f + n, 6, sip, dip, ttl, 20);
	return n + put_tcp(f + n, sport, dport, seq, ack, flags);
}

static inline size_t craft_echo_reply(uint8_t *f, const uint8_t smac[6], const uint8_t dmac[6],
				      const uint8_t sip[4], const uint8_t dip[4], uint8_t ttl,
				      uint16_t id, uint16_t seq)
{
	size_t n = craft_eth(f, dmac, smac, 0x0800);
	n += craft_ip(f + n, 1, sip, dip, ttl, 8);
	memset(f + n, 0, 8);
	put16(f + n + 4, id);
	put16(f + n + 6, seq);
	return n + 8;
}

/* A VRRP advertisement (version 2 or 3) for vrid from smac/sip to 224.0.0.18,
 * holding n virtual addresses (each addrs[0] with its last byte + i), and for
 * version 2 the 8 bytes of authentication data. interval: seconds for v2,
 * centiseconds for v3. */
static inline size_t craft_vrrp(uint8_t *f, uint8_t version, const uint8_t smac[6],
				const uint8_t sip[4], uint8_t vrid, uint8_t prio, uint16_t interval,
				const uint8_t addr[4], uint8_t n)
{
	static const uint8_t mcast_mac[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x12};
	static const uint8_t mcast[4] = {224, 0, 0, 18};
	size_t len = 8 + (size_t)n * 4 + (version == 2 ? 8 : 0);
	size_t k = craft_eth(f, mcast_mac, smac, 0x0800);
	k += craft_ip(f + k, 112, sip, mcast, 255, len);
	memset(f + k, 0, len);
	f[k] = (uint8_t)(version << 4 | 1);
	f[k + 1] = vrid;
	f[k + 2] = prio;
	f[k + 3] = n;
	if (version == 2) {
		f[k + 4] = 0; /* no authentication */
		f[k + 5] = (uint8_t)interval;
	} else {
		put16(f + k + 4, interval & 0x0fff);
	}
	for (uint8_t i = 0; i < n; i++) {
		memcpy(f + k + 8 + 4 * i, addr, 4);
		f[k + 8 + 4 * i + 3] = (uint8_t)(addr[3] + i);
	}
	return k + len;
}

/* ICMP destination unreachable from router sip quoting the IPv4 packet qip
 * (header plus at least 8 bytes) of qlen bytes. */
static inline size_t craft_unreach(uint8_t *f, const uint8_t smac[6], const uint8_t dmac[6],
				   const uint8_t sip[4], const uint8_t dip[4], uint8_t code,
				   const uint8_t *qip, size_t qlen)
{
	size_t n = craft_eth(f, dmac, smac, 0x0800);
	n += craft_ip(f + n, 1, sip, dip, 64, 8 + qlen);
	memset(f + n, 0, 8);
	f[n] = 3;
	f[n + 1] = code;
	memcpy(f + n + 8, qip, qlen);
	return n + 8 + qlen;
}

/* frame (n bytes) with an 802.1Q tag (TPID tpid, TCI tci) pushed after its
 * MACs, in place (f must have 4 bytes to spare). Returns the new length. */
static inline size_t push_tag(uint8_t *f, size_t n, uint16_t tpid, uint16_t tci)
{
	memmove(f + 16, f + 12, n - 12);
	put16(f + 12, tpid);
	put16(f + 14, tci);
	return n + 4;
}

/* IPv6 fixed header: payload_len bytes of next header nh follow. */
static inline size_t craft_ip6(uint8_t *p, uint8_t nh, const uint8_t src[16], const uint8_t dst[16],
			       uint8_t hlim, size_t payload_len)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	put16(p + 4, (uint16_t)payload_len);
	p[6] = nh;
	p[7] = hlim;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	return 40;
}

/* Fills in the checksum of the ICMPv6 message m (len bytes) carried by the
 * IPv6 header ip6: RFC 8200 8.1's pseudo-header, byte by byte. */
static inline void icmp6_set_checksum(const uint8_t *ip6, uint8_t *m, size_t len)
{
	uint32_t acc = 58 + (uint32_t)len;
	m[2] = m[3] = 0;
	for (size_t i = 0; i < 32; i++)
		acc += (i % 2) ? ip6[8 + i] : (uint32_t)ip6[8 + i] << 8;
	for (size_t i = 0; i < len; i++)
		acc += (i % 2) ? m[i] : (uint32_t)m[i] << 8;
	while (acc > 0xffff)
		acc = (acc >> 16) + (acc & 0xffff);
	put16(m + 2, (uint16_t)~acc);
}

/* Ethernet, IPv6 and an ICMPv6 message of type/code with body (len bytes
 * after the 4-byte type, code, checksum), its checksum right. */
static inline size_t craft_icmp6(uint8_t *f, const uint8_t smac[6], const uint8_t dmac[6],
				 const uint8_t src[16], const uint8_t dst[16], uint8_t hlim,
				 uint8_t type, uint8_t code, const uint8_t *body, size_t len)
{
	size_t n = craft_eth(f, dmac, smac, 0x86dd);
	n += craft_ip6(f + n, 58, src, dst, hlim, 4 + len);
	f[n] = type;
	f[n + 1] = code;
	memcpy(f + n + 4, body, len);
	icmp6_set_checksum(f + 14, f + n, 4 + len);
	return n + 4 + len;
}

/* A Neighbor Discovery message (type 135 or 136) for target with flags (R
 * 0x80, S 0x40, O 0x20), and the link-layer address option opt (1: source,
 * 2: target) holding lladdr when lladdr is not NULL. */
static inline size_t craft_nd(uint8_t *f, const uint8_t smac[6], const uint8_t dmac[6],
			      const uint8_t src[16], const uint8_t dst[16], uint8_t hlim, uint8_t type,
			      uint8_t flags, const uint8_t target[16], uint8_t opt, const uint8_t *lladdr)
{
	uint8_t body[28] = {0};
	body[0] = flags;
	memcpy(body + 4, target, 16);
	if (lladdr) {
		body[20] = opt;
		body[21] = 1;
		memcpy(body + 22, lladdr, 6);
	}
	return craft_icmp6(f, smac, dmac, src, dst, hlim, type, 0, body, lladdr ? 28 : 20);
}

/* A Neighbor Solicitation for target, with a source link-layer address
 * option when sll is not NULL. */
static inline size_t craft_ns(uint8_t *f, const uint8_t smac[6], const uint8_t dmac[6],
			      const uint8_t src[16], const uint8_t dst[16], uint8_t hlim,
			      const uint8_t target[16], const uint8_t *sll)
{
	return craft_nd(f, smac, dmac, src, dst, hlim, 135, 0, target, 1, sll);
}

/* A Neighbor Advertisement for target with flags and a target link-layer
 * address option when tll is not NULL. */
static inline size_t craft_na(uint8_t *f, const uint8_t smac[6], const uint8_t dmac[6],
			      const uint8_t src[16], const uint8_t dst[16], uint8_t hlim, uint8_t flags,
			      const uint8_t target[16], const uint8_t *tll)
{
	return craft_nd(f, smac, dmac, src, dst, hlim, 136, flags, target, 2, tll);
}

/* An ICMPv6 echo request (128) or reply (129). */
static inline size_t craft_echo6(uint8_t *f, const uint8_t smac[6], const uint8_t dmac[6],
				 const uint8_t src[16], const uint8_t dst[16], uint8_t hlim, uint8_t type,
				 uint16_t id, uint16_t seq)
{
	uint8_t body[4];
	put16(body, id);
	put16(body + 2, seq);
	return craft_icmp6(f, smac, dmac, src, dst, hlim, type, 0, body, 4);
}

/* A TCP segment (20-byte header) over IPv6. */
static inline size_t craft_tcp6(uint8_t *f, const uint8_t smac[6], const uint8_t dmac[6],
				const uint8_t src[16], const uint8_t dst[16], uint16_t sport, uint16_t dport,
				uint32_t seq, uint32_t ack, uint8_t flags)
{
	size_t n = craft_eth(f, dmac, smac, 0x86dd);
	n += craft_ip6(f + n, 6, src, dst, 64, 20);
	return n + put_tcp(f + n, sport, dport, seq, ack, flags);
}

#endif
