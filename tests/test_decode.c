/* The decoder against frames written by hand: every field, every truncation
 * point, and frames that lie about their own lengths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../capture/cursor.h"
#include "../capture/decode.h"
#include "frames.h"

static const uint8_t mac_a[6] = {2, 0, 0, 0, 0, 0x11};
static const uint8_t mac_b[6] = {2, 0, 0, 0, 0, 0x50};
static const uint8_t ip_a[4] = {198, 18, 0, 11};
static const uint8_t ip_b[4] = {198, 18, 0, 50};
/* IPv6: addresses in the benchmarking prefix 2001:2::/48. */
static const uint8_t ip6_a[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11};
static const uint8_t ip6_b[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x50};
static const uint8_t vip6[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00};
static const uint8_t unspec6[16];
static const uint8_t all_nodes[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
/* ff02::1:ff00:100, the solicited-node group of vip6 */
static const uint8_t snm_vip6[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0x01, 0x00};
static const uint8_t mac_snm[6] = {0x33, 0x33, 0xff, 0, 0x01, 0x00};
static const uint8_t mac_all[6] = {0x33, 0x33, 0, 0, 0, 1};

static void cursor_never_reads_past_end(void **state)
{
	(void)state;
	const uint8_t bytes[3] = {1, 2, 3};
	struct dsr_cursor c = dsr_cursor_make(bytes, sizeof(bytes));
	uint16_t u16;
	uint32_t u32;
	uint8_t u8;
	assert_true(dsr_cursor_u16(&c, &u16));
	assert_int_equal(u16, 0x0102);
	assert_false(dsr_cursor_u32(&c, &u32));
	assert_int_equal(c.off, 2); /* a failed read moves nothing */
	assert_false(dsr_cursor_u16(&c, &u16));
	assert_true(dsr_cursor_u8(&c, &u8));
	assert_int_equal(u8, 3);
	assert_false(dsr_cursor_u8(&c, &u8));
	assert_false(dsr_cursor_skip(&c, 1));
	struct dsr_cursor sub;
	c = dsr_cursor_make(bytes, sizeof(bytes));
	assert_false(dsr_cursor_sub(&c, 4, &sub));
	assert_true(dsr_cursor_sub(&c, 2, &sub));
	assert_int_equal(dsr_cursor_left(&sub), 2);
	assert_int_equal(dsr_cursor_left(&c), 1);
}

static void arp_reply_fields(void **state)
{
	(void)state;
	uint8_t f[64];
	struct dsr_frame d;
	size_t n = craft_arp(f, 2, mac_a, ip_a, mac_b, ip_b);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.l3, DSR_L3_ARP);
	assert_int_equal(d.arp.op, DSR_ARP_REPLY);
	assert_memory_equal(d.arp.sha, mac_a, 6);
	assert_memory_equal(&d.arp.spa.s_addr, ip_a, 4);
	assert_memory_equal(d.arp.tha, mac_b, 6);
	assert_memory_equal(&d.arp.tpa.s_addr, ip_b, 4);
	assert_memory_equal(d.eth_src, mac_a, 6);
}

/* Linux re-points a neighbour on a reply of hardware type 6 (IEEE 802) as on
 * type 1: such a reply is a claim like any other, other types are not ARP. */
static void arp_hardware_type_ieee802_is_a_claim(void **state)
{
	(void)state;
	uint8_t f[64];
	struct dsr_frame d;
	size_t n = craft_arp(f, 2, mac_a, ip_a, mac_b, ip_b);
	f[15] = 6;
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.l3, DSR_L3_ARP);
	assert_memory_equal(&d.arp.spa.s_addr, ip_a, 4);
	for (unsigned htype = 0; htype < 32; htype++) {
		if (htype == 1 || htype == 6)
			continue;
		f[15] = (uint8_t)htype;
		assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_UNRELATED);
	}
}

/* frame (n bytes) decodes; every shorter capture of it is truncated, never
 * OK (each on a copy of its own length, so that a read past it is caught). */
static void assert_every_cut_truncated(const uint8_t *frame, size_t n)
{
	struct dsr_frame d;
	assert_int_equal(dsr_decode_ethernet(frame, n, &d), DSR_FRAME_OK);
	for (size_t len = 0; len < n; len++) {
		uint8_t *f = malloc(len ? len : 1);
		assert_non_null(f);
		memcpy(f, frame, len);
		assert_int_equal(dsr_decode_ethernet(f, len, &d), DSR_FRAME_TRUNCATED);
		free(f);
	}
}

static void every_truncation_is_reported(void **state)
{
	(void)state;
	size_t sizes[8];
	uint8_t frames[8][128];
	sizes[0] = craft_arp(frames[0], 2, mac_a, ip_a, mac_b, ip_b);
	sizes[1] = craft_tcp(frames[1], mac_a, mac_b, ip_a, ip_b, 64, 80, 40000, 1, 2, 0x12);
	sizes[2] = craft_echo_reply(frames[2], mac_a, mac_b, ip_a, ip_b, 64, 7, 8);
	/* IPv6: Neighbor Discovery needs all of its message (the checksum covers it). */
	sizes[3] = craft_ns(frames[3], mac_a, mac_snm, ip6_a, snm_vip6, 255, vip6, mac_a);
	sizes[4] = craft_na(frames[4], mac_b, mac_a, vip6, ip6_a, 255, 0x60, vip6, mac_b);
	sizes[5] = craft_na(frames[5], mac_b, mac_a, vip6, ip6_a, 255, 0x60, vip6, NULL);
	sizes[6] = craft_echo6(frames[6], mac_b, mac_a, vip6, ip6_b, 64, DSR_ICMP6_ECHO_REPLY, 7, 8);
	sizes[7] = craft_tcp6(frames[7], mac_b, mac_a, vip6, ip6_b, 80, 40000, 1, 2, 0x12);
	for (int k = 0; k < 8; k++)
		assert_every_cut_truncated(frames[k], sizes[k]);
}

static void tcp_fields_and_padding(void **state)
{
	(void)state;
	uint8_t f[128];
	struct dsr_frame d;
	size_t n = craft_tcp(f, mac_a, mac_b, ip_a, ip_b, 128, 80, 40000, 0xdeadbeef, 0x11223345, 0x12);
	/* Ethernet pads to 60 bytes: trailing padding is not part of the packet. */
	memset(f + n, 0xee, 6);
	assert_int_equal(dsr_decode_ethernet(f, n + 6, &d), DSR_FRAME_OK);
	assert_int_equal(d.l4, DSR_L4_TCP);
	assert_int_equal(d.ip.ttl, 128);
	assert_int_equal(d.tcp.sport, 80);
	assert_int_equal(d.tcp.dport, 40000);
	assert_int_equal(d.tcp.seq, 0xdeadbeef);
	assert_int_equal(d.tcp.ack, 0x11223345);
	assert_int_equal(d.tcp.flags, 0x12);
}

static void lying_lengths_are_invalid(void **state)
{
	(void)state;
	uint8_t f[128];
	struct dsr_frame d;
	size_t n = craft_tcp(f, mac_a, mac_b, ip_a, ip_b, 64, 80, 40000, 1, 2, 0x12);
	f[14] = 0x44; /* IHL 4: shorter than the fixed header */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
	f[14] = 0x65; /* version 6 in an IPv4 ethertype */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
	f[14] = 0x45;
	f[16] = 0;
	f[17] = 10; /* total length below the header length */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
	f[17] = 255; /* total length beyond the capture: the TCP header is still whole here */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	f[16] = 0;
	f[17] = 30; /* claims only 10 bytes of TCP: the header does not fit */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_TRUNCATED);
	f[17] = 40;
	f[14 + 20 + 12] = 0x40; /* TCP data offset 4 */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);

	n = craft_arp(f, 2, mac_a, ip_a, mac_b, ip_b);
	f[18] = 8; /* hardware address length 8 */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
}

static void unrelated_frames(void **state)
{
	(void)state;
	uint8_t f[128];
	struct dsr_frame d;
	size_t n = craft_eth(f, mac_a, mac_b, 0x86dd);
	n += craft_ip6(f + n, 17, ip6_a, ip6_b, 64, 8); /* UDP over IPv6 */
	memset(f + n, 0, 8);
	assert_int_equal(dsr_decode_ethernet(f, n + 8, &d), DSR_FRAME_UNRELATED);
	n = craft_eth(f, mac_a, mac_b, 0x0800);
	n += craft_ip(f + n, 17, ip_a, ip_b, 64, 8); /* UDP */
	memset(f + n, 0, 8);
	assert_int_equal(dsr_decode_ethernet(f, n + 8, &d), DSR_FRAME_UNRELATED);
	/* A later fragment carries no TCP header even though the protocol says TCP. */
	n = craft_tcp(f, mac_a, mac_b, ip_a, ip_b, 64, 80, 40000, 1, 2, 0x12);
	f[14 + 7] = 0x10;
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_UNRELATED);
}

static void vlan_tagged(void **state)
{
	(void)state;
	uint8_t plain[128], f[132];
	struct dsr_frame d;
	size_t n = craft_arp(plain, 2, mac_a, ip_a, mac_b, ip_b);
	memcpy(f, plain, 12);
	put16(f + 12, 0x8100);
	put16(f + 14, 42);
	memcpy(f + 16, plain + 12, n - 12);
	assert_int_equal(dsr_decode_ethernet(f, n + 4, &d), DSR_FRAME_OK);
	assert_int_equal(d.vlan, 42);
	assert_int_equal(d.l3, DSR_L3_ARP);
	assert_int_equal(dsr_decode_ethernet(f, 15, &d), DSR_FRAME_TRUNCATED);
	assert_int_equal(d.ntags, 0);
	assert_int_equal(dsr_decode_ethernet(f, n + 4, &d), DSR_FRAME_OK);
	assert_true(dsr_frame_in_vlan(&d, 42));
	assert_false(dsr_frame_in_vlan(&d, 0));
	char text[24];
	dsr_frame_vlan_text(&d, text);
	assert_string_equal(text, " vlan 42");
}

/* tagged(out, plain, n, tags...): plain's frame with the given TPID/TCI pairs
 * pushed after its MACs, outermost first. Returns the new length. */
static size_t tagged(uint8_t *out, const uint8_t *plain, size_t n, const uint16_t *tags, size_t ntags)
{
	memcpy(out, plain, 12);
	for (size_t i = 0; i < ntags; i++) {
		put16(out + 12 + 4 * i, tags[2 * i]);
		put16(out + 14 + 4 * i, tags[2 * i + 1]);
	}
	memcpy(out + 12 + 4 * ntags, plain + 12, n - 12);
	return n + 4 * ntags;
}

static void priority_tag_is_untagged(void **state)
{
	(void)state;
	uint8_t plain[128], f[140];
	struct dsr_frame d;
	char text[24];
	size_t n = craft_arp(plain, 2, mac_a, ip_a, mac_b, ip_b);
	/* VLAN 0 with priority 5: 802.1p only */
	n = tagged(f, plain, n, (const uint16_t[]){0x8100, 0xa000}, 1);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.ntags, 1);
	assert_int_equal(d.vlan, 0);
	assert_int_equal(d.vlan_pcp, 5);
	assert_true(dsr_frame_in_vlan(&d, 0));
	assert_false(dsr_frame_in_vlan(&d, 5));
	dsr_frame_vlan_text(&d, text);
	assert_string_equal(text, "");
}

static void qinq_decoded_and_in_no_single_vlan(void **state)
{
	(void)state;
	uint8_t plain[128], f[140];
	struct dsr_frame d;
	char text[24];
	size_t n0 = craft_arp(plain, 2, mac_a, ip_a, mac_b, ip_b);
	size_t n = tagged(f, plain, n0, (const uint16_t[]){0x88a8, 100, 0x8100, 0x2014}, 2);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.ntags, 2);
	assert_int_equal(d.outer_tpid, 0x88a8);
	assert_int_equal(d.vlan, 100);
	assert_int_equal(d.inner_vlan, 20);
	assert_int_equal(d.l3, DSR_L3_ARP);
	assert_memory_equal(&d.arp.spa.s_addr, ip_a, 4);
	/* Neither the outer nor the inner VLAN alone: another L2 domain. */
	assert_false(dsr_frame_in_vlan(&d, 100));
	assert_false(dsr_frame_in_vlan(&d, 20));
	assert_false(dsr_frame_in_vlan(&d, 0));
	dsr_frame_vlan_text(&d, text);
	assert_string_equal(text, " vlan 100.20");
	/* The old QinQ TPID and two C-tags decode the same way. */
	n = tagged(f, plain, n0, (const uint16_t[]){0x9100, 7, 0x8100, 8}, 2);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.inner_vlan, 8);
	n = tagged(f, plain, n0, (const uint16_t[]){0x8100, 7, 0x8100, 8}, 2);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.ntags, 2);
	/* Every cut inside the tags is truncated, never misread. */
	for (size_t cut = 12; cut < 22; cut++)
		assert_int_equal(dsr_decode_ethernet(f, cut, &d), DSR_FRAME_TRUNCATED);
	/* Three tags: not decoded. */
	n = tagged(f, plain, n0, (const uint16_t[]){0x88a8, 1, 0x8100, 2, 0x8100, 3}, 3);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_UNRELATED);
	/* An S-tag alone: a provider frame, not a VLAN of ours. */
	n = tagged(f, plain, n0, (const uint16_t[]){0x88a8, 20}, 1);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_UNRELATED);
}

static void icmp_error_quote_has_own_bounds(void **state)
{
	(void)state;
	uint8_t syn[40], f[128];
	struct dsr_frame d;
	craft_ip(syn, 6, ip_b, ip_a, 64, 20);
	put16(syn + 20, 40000);
	put16(syn + 22, 80);
	put32(syn + 24, 0xcafef00d);
	size_t n = craft_unreach(f, mac_a, mac_b, ip_a, ip_b, 3, syn, 28);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_true(d.icmp.has_quote);
	assert_int_equal(d.icmp.quote.proto, 6);
	assert_int_equal(d.icmp.quote.sport, 40000);
	assert_int_equal(d.icmp.quote.dport, 80);
	assert_int_equal(d.icmp.quote.seq, 0xcafef00d);
	assert_memory_equal(&d.icmp.quote.dst.s_addr, ip_a, 4);
	/* Fewer than 8 bytes beyond the quoted header: unusable, said so. */
	n = craft_unreach(f, mac_a, mac_b, ip_a, ip_b, 3, syn, 27);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_TRUNCATED);
	/* A quote whose IHL points past the ICMP payload. */
	syn[0] = 0x4f;
	n = craft_unreach(f, mac_a, mac_b, ip_a, ip_b, 3, syn, 28);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_TRUNCATED);
}

/* Linux cooked captures (tcpdump -i any) carry the sender's MAC, not a header. */
static void linux_cooked(void **state)
{
	(void)state;
	uint8_t eth[64], sll[80], sll2[84];
	struct dsr_frame d;
	size_t n = craft_arp(eth, 2, mac_a, ip_a, mac_b, ip_b);
	memset(sll, 0, sizeof(sll));
	put16(sll + 2, 1);  /* ARPHRD_ETHER */
	put16(sll + 4, 6);  /* address length */
	memcpy(sll + 6, mac_a, 6);
	put16(sll + 14, 0x0806);
	memcpy(sll + 16, eth + 14, n - 14);
	assert_int_equal(dsr_decode_sll(sll, 16 + n - 14, false, &d), DSR_FRAME_OK);
	assert_int_equal(d.l3, DSR_L3_ARP);
	assert_memory_equal(d.eth_src, mac_a, 6);
	for (size_t len = 0; len < 16 + n - 14; len++)
		assert_int_equal(dsr_decode_sll(sll, len, false, &d), DSR_FRAME_TRUNCATED);
	memset(sll2, 0, sizeof(sll2));
	put16(sll2, 0x0806);
	put16(sll2 + 8, 1);
	sll2[11] = 6;
	memcpy(sll2 + 12, mac_a, 6);
	memcpy(sll2 + 20, eth + 14, n - 14);
	assert_int_equal(dsr_decode_sll(sll2, 20 + n - 14, true, &d), DSR_FRAME_OK);
	assert_memory_equal(&d.arp.spa.s_addr, ip_a, 4);
	sll2[11] = 8; /* not a MAC: nothing to attribute the frame to */
	assert_int_equal(dsr_decode_sll(sll2, 20 + n - 14, true, &d), DSR_FRAME_UNRELATED);
}

static const uint8_t vip[4] = {198, 18, 0, 100};

static void vrrp_v2_and_v3_fields(void **state)
{
	(void)state;
	uint8_t f[160];
	struct dsr_frame d;
	size_t n = craft_vrrp(f, 2, mac_a, ip_a, 51, 150, 1, vip, 2);
	assert_int_equal(n, 14 + 20 + 8 + 8 + 8);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.l3, DSR_L3_IPV4);
	assert_int_equal(d.l4, DSR_L4_VRRP);
	assert_int_equal(d.ip.proto, DSR_IPPROTO_VRRP);
	assert_int_equal(d.ip.ttl, 255);
	assert_int_equal(d.vrrp.version, 2);
	assert_int_equal(d.vrrp.type, DSR_VRRP_ADVERTISEMENT);
	assert_int_equal(d.vrrp.vrid, 51);
	assert_int_equal(d.vrrp.priority, 150);
	assert_int_equal(d.vrrp.naddrs, 2);
	assert_int_equal(d.vrrp.interval_cs, 100); /* v2 seconds, kept as centiseconds */
	assert_memory_equal(&d.vrrp.addrs[0].s_addr, vip, 4);
	assert_int_equal(((uint8_t *)&d.vrrp.addrs[1].s_addr)[3], 101);
	assert_memory_equal(&d.ip.src.s_addr, ip_a, 4);
	assert_memory_equal(d.eth_src, mac_a, 6);

	n = craft_vrrp(f, 3, mac_b, ip_b, 7, 0, 0xabc, vip, 1);
	assert_int_equal(n, 14 + 20 + 8 + 4);
	f[14 + 20 + 4] |= 0xf0; /* reserved bits: ignored */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.vrrp.version, 3);
	assert_int_equal(d.vrrp.vrid, 7);
	assert_int_equal(d.vrrp.priority, 0); /* a master resigning */
	assert_int_equal(d.vrrp.interval_cs, 0xabc);

	/* More addresses than are kept: the rest are checked for length, not stored. */
	n = craft_vrrp(f, 3, mac_b, ip_b, 7, 100, 100, vip, 9);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.vrrp.naddrs, 9);
	assert_int_equal(((uint8_t *)&d.vrrp.addrs[DSR_VRRP_ADDRS - 1].s_addr)[3], 100 + DSR_VRRP_ADDRS - 1);
}

static void vrrp_truncated_and_invalid(void **state)
{
	(void)state;
	uint8_t good[160], f[160];
	struct dsr_frame d;
	size_t sizes[2];
	uint8_t frames[2][160];
	sizes[0] = craft_vrrp(frames[0], 2, mac_a, ip_a, 51, 100, 1, vip, 1);
	sizes[1] = craft_vrrp(frames[1], 3, mac_a, ip_a, 51, 100, 100, vip, 3);
	for (int k = 0; k < 2; k++)
		for (size_t len = 0; len < sizes[k]; len++) {
			memcpy(f, frames[k], len);
			assert_int_equal(dsr_decode_ethernet(f, len, &d), DSR_FRAME_TRUNCATED);
		}

	size_t n = craft_vrrp(good, 3, mac_a, ip_a, 51, 100, 100, vip, 2);
	size_t v = 14 + 20;
	struct {
		size_t off;
		uint8_t value;
	} lies[] = {
		{v, 0x41},     /* version 4 */
		{v, 0x11},     /* version 1 */
		{v, 0x32},     /* type 2: none is defined */
		{v + 1, 0},    /* VRID 0 */
		{v + 3, 0},    /* no virtual address */
		{v + 3, 3},    /* three addresses in the room of two, all captured */
		{v + 3, 255},
		{v + 5, 0},    /* interval 0 */
	};
	for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
		memcpy(f, good, n);
		f[lies[i].off] = lies[i].value;
		assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
	}
	/* The IP total length bounds the advertisement: Ethernet padding is no address. */
	memcpy(f, good, n);
	memset(f + n, 0, 8);
	put16(f + 14 + 2, (uint16_t)(20 + 8 + 4)); /* room for one address of the two */
	assert_int_equal(dsr_decode_ethernet(f, n + 8, &d), DSR_FRAME_INVALID);
	/* Version 2 without its authentication data. */
	n = craft_vrrp(good, 2, mac_a, ip_a, 51, 100, 1, vip, 1);
	memcpy(f, good, n);
	put16(f + 14 + 2, (uint16_t)(20 + 8 + 4));
	assert_int_equal(dsr_decode_ethernet(f, n - 8, &d), DSR_FRAME_INVALID);
	assert_int_equal(dsr_decode_ethernet(good, n, &d), DSR_FRAME_OK);
	memcpy(f, good, n);
	f[v + 5] = 0; /* v2 interval 0 */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
	/* A later fragment of protocol 112 is no advertisement. */
	memcpy(f, good, n);
	f[14 + 7] = 0x10;
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_UNRELATED);
}


#define ETH 14
#define IP6 40
/* Where the ICMPv6 message of an untagged frame starts. */
#define ICMP6 (ETH + IP6)

/* Recomputes the ICMPv6 checksum after a test changed the message (len bytes). */
static void resum(uint8_t *f, size_t len)
{
	icmp6_set_checksum(f + ETH, f + ICMP6, len);
}

static void ns_fields(void **state)
{
	(void)state;
	uint8_t f[128];
	struct dsr_frame d;
	size_t n = craft_ns(f, mac_a, mac_snm, ip6_a, snm_vip6, 255, vip6, mac_a);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.ethertype, 0x86dd);
	assert_int_equal(d.l3, DSR_L3_IPV6);
	assert_int_equal(d.l4, DSR_L4_ND);
	assert_memory_equal(&d.ip6.src, ip6_a, 16);
	assert_memory_equal(&d.ip6.dst, snm_vip6, 16);
	assert_int_equal(d.ip6.hlim, 255);
	assert_int_equal(d.ip6.next, 58);
	assert_int_equal(d.nd.type, DSR_ND_SOLICIT);
	assert_memory_equal(&d.nd.target, vip6, 16);
	assert_true(d.nd.has_lladdr);
	assert_memory_equal(d.nd.lladdr, mac_a, 6);
	assert_false(d.nd.dad);
	assert_false(d.nd.router || d.nd.solicited || d.nd.override);
	/* Without the option: still a solicitation, with no address to learn. */
	n = craft_ns(f, mac_a, mac_snm, ip6_a, snm_vip6, 255, vip6, NULL);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_false(d.nd.has_lladdr);
	/* The advertisement's flag byte is reserved in a solicitation. */
	f[ICMP6 + 4] = 0xe0;
	resum(f, n - ICMP6);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_false(d.nd.router || d.nd.solicited || d.nd.override);
}

static void na_fields(void **state)
{
	(void)state;
	uint8_t f[128];
	struct dsr_frame d;
	size_t n = craft_na(f, mac_b, mac_a, vip6, ip6_a, 255, 0x60, vip6, mac_b);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.l4, DSR_L4_ND);
	assert_int_equal(d.nd.type, DSR_ND_ADVERT);
	assert_memory_equal(&d.nd.target, vip6, 16);
	assert_false(d.nd.router);
	assert_true(d.nd.solicited);
	assert_true(d.nd.override);
	assert_true(d.nd.has_lladdr);
	assert_memory_equal(d.nd.lladdr, mac_b, 6);
	assert_false(d.nd.dad);
	/* Without the target link-layer option the Ethernet source is the answer. */
	n = craft_na(f, mac_b, mac_a, vip6, ip6_a, 255, 0x80, vip6, NULL);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_true(d.nd.router);
	assert_false(d.nd.solicited || d.nd.override || d.nd.has_lladdr);
	/* A source link-layer option in an advertisement is not its answer. */
	n = craft_ns(f, mac_b, mac_a, vip6, ip6_a, 255, vip6, mac_b);
	f[ICMP6] = 136;
	resum(f, n - ICMP6);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.nd.type, DSR_ND_ADVERT);
	assert_false(d.nd.has_lladdr);
	/* Unsolicited, to all nodes, overriding: what a VIP6 squatter sends. */
	n = craft_na(f, mac_b, mac_all, vip6, all_nodes, 255, 0x20, vip6, mac_b);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_true(d.nd.override);
	/* RFC 4861 7.1.2: S set towards a multicast destination is discarded. */
	n = craft_na(f, mac_b, mac_all, vip6, all_nodes, 255, 0x60, vip6, mac_b);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
}

/* Duplicate address detection: a solicitation from :: to the target's
 * solicited-node group, with no source link-layer option. */
static void dad_solicitation(void **state)
{
	(void)state;
	uint8_t f[128];
	struct dsr_frame d;
	size_t n = craft_ns(f, mac_a, mac_snm, unspec6, snm_vip6, 255, vip6, NULL);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_true(d.nd.dad);
	assert_memory_equal(&d.nd.target, vip6, 16);
	n = craft_ns(f, mac_a, mac_snm, unspec6, snm_vip6, 255, vip6, mac_a);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
	n = craft_ns(f, mac_a, mac_b, unspec6, ip6_b, 255, vip6, NULL);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
	n = craft_ns(f, mac_a, mac_all, unspec6, all_nodes, 255, vip6, NULL);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
}

/* What every host discards (RFC 4861 7.1.1, 7.1.2) claims nothing: invalid. */
static void nd_validity(void **state)
{
	(void)state;
	uint8_t f[160];
	struct dsr_frame d;
	size_t n;
	for (int adv = 0; adv < 2; adv++) {
		n = adv ? craft_na(f, mac_b, mac_a, vip6, ip6_a, 254, 0x60, vip6, mac_b)
			: craft_ns(f, mac_a, mac_snm, ip6_a, snm_vip6, 254, vip6, mac_a);
		assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID); /* routed */
		f[ETH + 7] = 255;
		resum(f, n - ICMP6);
		assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
		f[ICMP6 + 1] = 1; /* code */
		resum(f, n - ICMP6);
		assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
		f[ICMP6 + 1] = 0;
		f[ICMP6 + 2] ^= 0x01; /* checksum */
		assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
		resum(f, n - ICMP6);
		f[ETH + 8 + 15] ^= 0x01; /* the source is in the pseudo-header */
		assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
		f[ETH + 8 + 15] ^= 0x01;
		f[ICMP6 + 8] = 0xff; /* a multicast target */
		resum(f, n - ICMP6);
		assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
		f[ICMP6 + 8] = 0x20;
		f[ICMP6 + 25] = 0; /* option length 0 */
		resum(f, n - ICMP6);
		assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
		f[ICMP6 + 25] = 2; /* 16 bytes where 8 are left */
		resum(f, n - ICMP6);
		assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
		/* An address option too long for Ethernet: Linux drops the message. */
		memset(f + n, 0, 8);
		put16(f + ETH + 4, (uint16_t)(n - ICMP6 + 8));
		resum(f, n - ICMP6 + 8);
		assert_int_equal(dsr_decode_ethernet(f, n + 8, &d), DSR_FRAME_INVALID);
		/* Other options are skipped, but their lengths checked too. */
		f[ICMP6 + 25] = 1;
		f[n] = 14; /* nonce */
		f[n + 1] = 1;
		resum(f, n - ICMP6 + 8);
		assert_int_equal(dsr_decode_ethernet(f, n + 8, &d), DSR_FRAME_OK);
		assert_true(d.nd.has_lladdr);
		f[n + 1] = 0;
		resum(f, n - ICMP6 + 8);
		assert_int_equal(dsr_decode_ethernet(f, n + 8, &d), DSR_FRAME_INVALID);
		/* A trailing byte that cannot hold an option header. */
		f[n + 1] = 1;
		f[n + 8] = 0;
		put16(f + ETH + 4, (uint16_t)(n - ICMP6 + 9));
		resum(f, n - ICMP6 + 9);
		assert_int_equal(dsr_decode_ethernet(f, n + 9, &d), DSR_FRAME_INVALID);
	}
	/* Shorter than 24 bytes (checksum right): invalid however long the frame. */
	n = craft_ns(f, mac_a, mac_snm, ip6_a, snm_vip6, 255, vip6, NULL);
	put16(f + ETH + 4, 20);
	resum(f, 20);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
	/* 16 bytes whose half target would read as a well-formed option. */
	f[ICMP6 + 8] = 14;
	f[ICMP6 + 9] = 1;
	put16(f + ETH + 4, 16);
	resum(f, 16);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
}

static void echo6_fields_and_padding(void **state)
{
	(void)state;
	uint8_t f[128];
	struct dsr_frame d;
	size_t n = craft_echo6(f, mac_b, mac_a, vip6, ip6_b, 64, DSR_ICMP6_ECHO_REPLY, 0x1234, 0x5678);
	memset(f + n, 0xee, 8); /* Ethernet padding is not part of the packet */
	assert_int_equal(dsr_decode_ethernet(f, n + 8, &d), DSR_FRAME_OK);
	assert_int_equal(d.l3, DSR_L3_IPV6);
	assert_int_equal(d.l4, DSR_L4_ICMP);
	assert_int_equal(d.icmp.type, DSR_ICMP6_ECHO_REPLY);
	assert_int_equal(d.icmp.code, 0);
	assert_int_equal(d.icmp.id, 0x1234);
	assert_int_equal(d.icmp.seq, 0x5678);
	assert_false(d.icmp.has_quote);
	assert_int_equal(d.ip6.hlim, 64);
	assert_memory_equal(&d.ip6.src, vip6, 16);
	assert_memory_equal(&d.ip6.dst, ip6_b, 16);
	n = craft_echo6(f, mac_a, mac_b, ip6_b, vip6, 254, DSR_ICMP6_ECHO, 1, 2);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK); /* any hop limit */
	assert_int_equal(d.icmp.type, DSR_ICMP6_ECHO);
	assert_int_equal(d.ip6.hlim, 254);
}

static void tcp6_fields(void **state)
{
	(void)state;
	uint8_t f[128];
	struct dsr_frame d;
	size_t n = craft_tcp6(f, mac_b, mac_a, vip6, ip6_b, 80, 40000, 0xdeadbeef, 0x11223345, 0x12);
	memset(f + n, 0xee, 6);
	assert_int_equal(dsr_decode_ethernet(f, n + 6, &d), DSR_FRAME_OK);
	assert_int_equal(d.l3, DSR_L3_IPV6);
	assert_int_equal(d.l4, DSR_L4_TCP);
	assert_int_equal(d.ip6.next, 6);
	assert_int_equal(d.tcp.sport, 80);
	assert_int_equal(d.tcp.dport, 40000);
	assert_int_equal(d.tcp.seq, 0xdeadbeef);
	assert_int_equal(d.tcp.ack, 0x11223345);
	assert_int_equal(d.tcp.flags, 0x12);
	assert_int_equal(d.ip.src.s_addr, 0); /* the IPv4 fields stay empty */
	f[ICMP6 + 12] = 0x40; /* TCP data offset 4 */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
}

/* The payload length against the capture: beyond it, only a cut of what we
 * need is truncated; short of the message, a lie. */
static void ip6_lying_lengths(void **state)
{
	(void)state;
	uint8_t f[128];
	struct dsr_frame d;
	size_t n = craft_echo6(f, mac_b, mac_a, vip6, ip6_b, 64, DSR_ICMP6_ECHO_REPLY, 7, 8);
	put16(f + ETH + 4, 100); /* more than was captured: id and seq are still here */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.icmp.seq, 8);
	put16(f + ETH + 4, 6); /* the padding would hold the sequence number: not the packet's */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
	put16(f + ETH + 4, 0); /* a jumbogram */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_UNRELATED);
	put16(f + ETH + 4, 8);
	f[ETH] = 0x40; /* version 4 in the IPv6 ethertype */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
	f[ETH] = 0x00;
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
	/* A solicitation whose payload length runs past the capture: the checksum
	 * cannot be verified. */
	n = craft_ns(f, mac_a, mac_snm, ip6_a, snm_vip6, 255, vip6, mac_a);
	put16(f + ETH + 4, 40);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_TRUNCATED);
	n = craft_tcp6(f, mac_b, mac_a, vip6, ip6_b, 80, 40000, 1, 2, 0x12);
	put16(f + ETH + 4, 1000);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	put16(f + ETH + 4, 10);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_TRUNCATED);
}

/* Inserts an extension header of type-specific length len (bytes, a
 * multiple of 8) of kind nh right after the IPv6 header of f (n bytes),
 * chaining the next headers. Returns the new length. */
static size_t push_ext(uint8_t *f, size_t n, uint8_t nh, size_t len)
{
	memmove(f + ICMP6 + len, f + ICMP6, n - ICMP6);
	memset(f + ICMP6, 0, len);
	f[ICMP6] = f[ETH + 6];
	if (nh == 44)
		f[ICMP6 + 1] = 0;
	else if (nh == 51)
		f[ICMP6 + 1] = (uint8_t)(len / 4 - 2);
	else
		f[ICMP6 + 1] = (uint8_t)(len / 8 - 1);
	f[ETH + 6] = nh;
	put16(f + ETH + 4, (uint16_t)(n - ICMP6 + len));
	return n + len;
}

static void ip6_extension_headers(void **state)
{
	(void)state;
	uint8_t f[256];
	struct dsr_frame d;
	size_t n = craft_echo6(f, mac_b, mac_a, vip6, ip6_b, 64, DSR_ICMP6_ECHO_REPLY, 7, 8);
	n = push_ext(f, n, 60, 16); /* destination options */
	n = push_ext(f, n, 51, 24); /* authentication header */
	n = push_ext(f, n, 43, 24); /* routing */
	n = push_ext(f, n, 0, 8);   /* hop-by-hop, first */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.ip6.next, 58);
	assert_int_equal(d.icmp.seq, 8);
	for (size_t len = 0; len < n; len++)
		assert_int_equal(dsr_decode_ethernet(f, len, &d), DSR_FRAME_TRUNCATED);
	/* Hop-by-hop anywhere else is an error (RFC 8200 4.1). */
	n = push_ext(f, n, 60, 8);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
	/* Eight extension headers walk; a ninth is a hostile chain. */
	n = craft_echo6(f, mac_b, mac_a, vip6, ip6_b, 64, DSR_ICMP6_ECHO_REPLY, 7, 8);
	for (int i = 0; i < 8; i++)
		n = push_ext(f, n, 60, 8);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	n = push_ext(f, n, 60, 8);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_UNRELATED);
	/* An extension header running past the payload length is a lie, past
	 * only the capture a cut. */
	n = craft_echo6(f, mac_b, mac_a, vip6, ip6_b, 64, DSR_ICMP6_ECHO_REPLY, 7, 8);
	n = push_ext(f, n, 60, 8);
	f[ICMP6 + 1] = 2; /* 24 bytes, where the payload has 16 */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
	put16(f + ETH + 4, 200);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_TRUNCATED);
	/* ESP hides the rest, 59 says nothing follows, UDP is not ours. */
	static const uint8_t nothing[] = {50, 59, 17, 135, 255};
	for (size_t i = 0; i < sizeof(nothing); i++) {
		n = craft_echo6(f, mac_b, mac_a, vip6, ip6_b, 64, DSR_ICMP6_ECHO_REPLY, 7, 8);
		f[ETH + 6] = nothing[i];
		assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_UNRELATED);
	}
	/* Neighbor Discovery behind extension headers is still ND. */
	n = craft_na(f, mac_b, mac_a, vip6, ip6_a, 255, 0x60, vip6, mac_b);
	n = push_ext(f, n, 60, 8);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.l4, DSR_L4_ND);
}

static void ip6_fragments(void **state)
{
	(void)state;
	uint8_t f[256];
	struct dsr_frame d;
	size_t n = craft_echo6(f, mac_b, mac_a, vip6, ip6_b, 64, DSR_ICMP6_ECHO_REPLY, 7, 8);
	n = push_ext(f, n, 44, 8);
	f[ICMP6 + 3] = 0x01; /* offset 0, more fragments */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.icmp.seq, 8);
	put16(f + ICMP6 + 2, 1 << 3); /* offset 8: no ICMPv6 header here */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_UNRELATED);
	n = craft_tcp6(f, mac_b, mac_a, vip6, ip6_b, 80, 40000, 1, 2, 0x12);
	n = push_ext(f, n, 44, 8);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.l4, DSR_L4_TCP);
	put16(f + ICMP6 + 2, 0xfff8);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_UNRELATED);
	/* RFC 6980: hosts drop Neighbor Discovery in fragments, even whole ones. */
	n = craft_na(f, mac_b, mac_a, vip6, ip6_a, 255, 0x60, vip6, mac_b);
	n = push_ext(f, n, 44, 8);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
}

static void icmp6_other_types_unrelated(void **state)
{
	(void)state;
	uint8_t f[128], body[20] = {0};
	struct dsr_frame d;
	/* router solicitation/advertisement, redirect, MLD query/report, MLDv2 report */
	static const uint8_t types[] = {133, 134, 137, 130, 131, 143, 4, 200};
	for (size_t i = 0; i < sizeof(types); i++) {
		size_t n = craft_icmp6(f, mac_b, mac_all, ip6_a, all_nodes, 255, types[i], 0, body, 20);
		assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_UNRELATED);
	}
}

/* An ICMPv6 error from router ip6_a to us, quoting q (qlen bytes). */
static size_t craft_error6(uint8_t *f, uint8_t type, const uint8_t *q, size_t qlen)
{
	uint8_t body[200] = {0};
	memcpy(body + 4, q, qlen);
	return craft_icmp6(f, mac_a, mac_b, ip6_a, ip6_b, 64, type, 4, body, 4 + qlen);
}

static void icmp6_error_quote_has_own_bounds(void **state)
{
	(void)state;
	uint8_t q[80], f[256];
	struct dsr_frame d;
	craft_ip6(q, 6, ip6_b, vip6, 64, 20);
	put16(q + 40, 40000);
	put16(q + 42, 80);
	put32(q + 44, 0xcafef00d);
	static const uint8_t types[] = {DSR_ICMP6_UNREACH, DSR_ICMP6_TOO_BIG, DSR_ICMP6_TIME_EXCEEDED};
	for (size_t i = 0; i < sizeof(types); i++) {
		size_t n = craft_error6(f, types[i], q, 60);
		assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
		assert_int_equal(d.l3, DSR_L3_IPV6);
		assert_int_equal(d.l4, DSR_L4_ICMP);
		assert_int_equal(d.icmp.type, types[i]);
		assert_int_equal(d.icmp.code, 4);
		assert_true(d.icmp.has_quote);
		assert_int_equal(d.icmp.quote.proto, 6);
		assert_memory_equal(&d.icmp.quote.src6, ip6_b, 16);
		assert_memory_equal(&d.icmp.quote.dst6, vip6, 16);
		assert_int_equal(d.icmp.quote.sport, 40000);
		assert_int_equal(d.icmp.quote.dport, 80);
		assert_int_equal(d.icmp.quote.seq, 0xcafef00d);
	}
	/* A quoted echo request. */
	craft_ip6(q, 58, ip6_b, vip6, 64, 8);
	memset(q + 40, 0, 8);
	q[40] = DSR_ICMP6_ECHO;
	put16(q + 44, 0x4242);
	put16(q + 46, 9);
	size_t n = craft_error6(f, DSR_ICMP6_UNREACH, q, 48);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.icmp.quote.proto, 58);
	assert_int_equal(d.icmp.quote.icmp_type, DSR_ICMP6_ECHO);
	assert_int_equal(d.icmp.quote.echo_id, 0x4242);
	assert_int_equal(d.icmp.quote.echo_seq, 9);
	/* Only the quoted header: usable, with no ports. */
	n = craft_error6(f, DSR_ICMP6_UNREACH, q, 40);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_true(d.icmp.has_quote);
	assert_int_equal(d.icmp.quote.echo_id, 0);
	/* The message ends before the quote's transport bytes, though the frame
	 * holds them: they are not read. */
	n = craft_error6(f, DSR_ICMP6_UNREACH, q, 48);
	put16(f + ETH + 4, 8 + 44);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.icmp.quote.echo_id, 0);
	put16(f + ETH + 4, 8 + 39); /* not even the quoted header */
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
	/* Cut by the capture within the quoted header. */
	n = craft_error6(f, DSR_ICMP6_UNREACH, q, 48);
	assert_int_equal(dsr_decode_ethernet(f, ICMP6 + 8 + 39, &d), DSR_FRAME_TRUNCATED);
	/* A quote that is not IPv6. */
	q[0] = 0x45;
	n = craft_error6(f, DSR_ICMP6_UNREACH, q, 48);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_INVALID);
}

/* tcpdump -i any: IPv6 in Linux cooked captures, v1 and v2. */
static void linux_cooked_ipv6(void **state)
{
	(void)state;
	uint8_t eth[128], sll[160], sll2[160];
	struct dsr_frame d;
	size_t n = craft_na(eth, mac_b, mac_a, vip6, ip6_a, 255, 0x60, vip6, mac_b);
	size_t ip_len = n - ETH;
	memset(sll, 0, sizeof(sll));
	put16(sll + 2, 1);
	put16(sll + 4, 6);
	memcpy(sll + 6, mac_b, 6);
	put16(sll + 14, 0x86dd);
	memcpy(sll + 16, eth + ETH, ip_len);
	assert_int_equal(dsr_decode_sll(sll, 16 + ip_len, false, &d), DSR_FRAME_OK);
	assert_int_equal(d.l3, DSR_L3_IPV6);
	assert_int_equal(d.l4, DSR_L4_ND);
	assert_memory_equal(d.eth_src, mac_b, 6);
	assert_memory_equal(&d.nd.target, vip6, 16);
	for (size_t len = 0; len < 16 + ip_len; len++)
		assert_int_equal(dsr_decode_sll(sll, len, false, &d), DSR_FRAME_TRUNCATED);
	memset(sll2, 0, sizeof(sll2));
	put16(sll2, 0x86dd);
	put16(sll2 + 8, 1);
	sll2[11] = 6;
	memcpy(sll2 + 12, mac_b, 6);
	n = craft_echo6(eth, mac_b, mac_a, vip6, ip6_b, 64, DSR_ICMP6_ECHO_REPLY, 7, 8);
	memcpy(sll2 + 20, eth + ETH, n - ETH);
	assert_int_equal(dsr_decode_sll(sll2, 20 + n - ETH, true, &d), DSR_FRAME_OK);
	assert_int_equal(d.l4, DSR_L4_ICMP);
	assert_int_equal(d.icmp.id, 7);
	assert_memory_equal(d.eth_src, mac_b, 6);
}

static void vlan_tagged_advertisement(void **state)
{
	(void)state;
	uint8_t f[128];
	struct dsr_frame d;
	size_t n = craft_na(f, mac_b, mac_all, vip6, all_nodes, 255, 0x20, vip6, mac_b);
	n = push_tag(f, n, 0x8100, 20);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.vlan, 20);
	assert_true(dsr_frame_in_vlan(&d, 20));
	assert_int_equal(d.l4, DSR_L4_ND);
	assert_true(d.nd.override);
	assert_memory_equal(d.nd.lladdr, mac_b, 6);
	n = push_tag(f, n, 0x88a8, 100);
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	assert_int_equal(d.ntags, 2);
	assert_int_equal(d.inner_vlan, 20);
	assert_int_equal(d.l4, DSR_L4_ND);
}

/* The records of a classic little-endian pcap file (what fixtures/craft_*.py
 * write), read here rather than through libpcap: the Windows build runs this
 * test under Wine, whose wpcap.dll cannot open files. Returns the link type,
 * with each record's bytes and length in frames/lens (at most max). */
static uint32_t read_pcap(const char *path, uint8_t *buf, size_t cap, const uint8_t **frames,
			  size_t *lens, size_t max, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	size_t len = fread(buf, 1, cap, fp);
	fclose(fp);
	assert_true(len >= 24 && len < cap);
	assert_int_equal(buf[0] | buf[1] << 8 | buf[2] << 16 | (uint32_t)buf[3] << 24, 0xa1b2c3d4);
	*n = 0;
	for (size_t off = 24; off + 16 <= len && *n < max; (*n)++) {
		size_t incl = buf[off + 8] | buf[off + 9] << 8 | (size_t)buf[off + 10] << 16;
		assert_true(off + 16 + incl <= len);
		frames[*n] = buf + off + 16;
		lens[*n] = incl;
		off += 16 + incl;
	}
	return buf[20] | buf[21] << 8;
}

/* fixtures/pcap/ipv6-dual-stack*.pcap (fixtures/craft_ipv6.py): Ethernet and
 * Linux cooked give the same decoding, frame by frame. */
static void dual_stack_captures(void **state)
{
	(void)state;
	static const struct {
		enum dsr_decode_status status;
		enum dsr_l3 l3;
		enum dsr_l4 l4;
		uint8_t type; /* ARP op, ICMP type or ND type */
		uint8_t sender; /* last byte of the Ethernet source */
	} want[] = {
		{DSR_FRAME_OK, DSR_L3_ARP, DSR_L4_NONE, DSR_ARP_REQUEST, 0x50},
		{DSR_FRAME_OK, DSR_L3_ARP, DSR_L4_NONE, DSR_ARP_REPLY, 0x02},
		{DSR_FRAME_OK, DSR_L3_IPV6, DSR_L4_ND, DSR_ND_SOLICIT, 0x50},
		{DSR_FRAME_OK, DSR_L3_IPV6, DSR_L4_ND, DSR_ND_ADVERT, 0x02},
		{DSR_FRAME_OK, DSR_L3_IPV6, DSR_L4_ND, DSR_ND_SOLICIT, 0x11},
		{DSR_FRAME_OK, DSR_L3_IPV6, DSR_L4_ND, DSR_ND_ADVERT, 0x11},
		{DSR_FRAME_INVALID, DSR_L3_IPV6, DSR_L4_NONE, 0, 0x11},
		{DSR_FRAME_OK, DSR_L3_IPV6, DSR_L4_ICMP, DSR_ICMP6_ECHO, 0x50},
		{DSR_FRAME_OK, DSR_L3_IPV6, DSR_L4_ICMP, DSR_ICMP6_ECHO_REPLY, 0x11},
		{DSR_FRAME_OK, DSR_L3_IPV6, DSR_L4_TCP, DSR_TCP_SYN, 0x50},
		{DSR_FRAME_OK, DSR_L3_IPV6, DSR_L4_TCP, DSR_TCP_SYN | DSR_TCP_ACK, 0x11},
		{DSR_FRAME_OK, DSR_L3_IPV6, DSR_L4_ICMP, DSR_ICMP6_UNREACH, 0x11},
	};
	static const char *const files[] = {"fixtures/pcap/ipv6-dual-stack.pcap",
					    "fixtures/pcap/ipv6-dual-stack-any.pcap"};
	static uint8_t buf[4096];
	for (size_t k = 0; k < 2; k++) {
		const uint8_t *frames[16];
		size_t lens[16], n;
		uint32_t link = read_pcap(files[k], buf, sizeof(buf), frames, lens, 16, &n);
		assert_int_equal(link, k == 0 ? 1 : 113); /* Ethernet, Linux cooked */
		assert_int_equal(n, sizeof(want) / sizeof(want[0]));
		for (size_t i = 0; i < n; i++) {
			struct dsr_frame d;
			enum dsr_decode_status st = k == 0 ? dsr_decode_ethernet(frames[i], lens[i], &d)
							   : dsr_decode_sll(frames[i], lens[i], false, &d);
			assert_int_equal(st, want[i].status);
			assert_int_equal(d.l3, want[i].l3);
			assert_int_equal(d.eth_src[5], want[i].sender);
			if (st != DSR_FRAME_OK)
				continue;
			assert_int_equal(d.l4, want[i].l4);
			if (d.l3 == DSR_L3_ARP)
				assert_int_equal(d.arp.op, want[i].type);
			else if (d.l4 == DSR_L4_ND)
				assert_int_equal(d.nd.type, want[i].type);
			else if (d.l4 == DSR_L4_TCP)
				assert_int_equal(d.tcp.flags, want[i].type);
			else
				assert_int_equal(d.icmp.type, want[i].type);
			if (d.l3 == DSR_L3_IPV6 && d.l4 != DSR_L4_TCP)
				assert_int_equal(d.ip6.next, 58);
		}
	}
}

static void status_names(void **state)
{
	(void)state;
	assert_string_equal(dsr_decode_status_name(DSR_FRAME_OK), "ok");
	assert_string_equal(dsr_decode_status_name(DSR_FRAME_TRUNCATED), "truncated");
	assert_string_equal(dsr_decode_status_name(DSR_FRAME_INVALID), "invalid");
	assert_string_equal(dsr_decode_status_name(DSR_FRAME_UNRELATED), "unrelated");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cursor_never_reads_past_end),
		cmocka_unit_test(arp_reply_fields),
		cmocka_unit_test(arp_hardware_type_ieee802_is_a_claim),
		cmocka_unit_test(every_truncation_is_reported),
		cmocka_unit_test(tcp_fields_and_padding),
		cmocka_unit_test(lying_lengths_are_invalid),
		cmocka_unit_test(unrelated_frames),
		cmocka_unit_test(vlan_tagged),
		cmocka_unit_test(priority_tag_is_untagged),
		cmocka_unit_test(qinq_decoded_and_in_no_single_vlan),
		cmocka_unit_test(icmp_error_quote_has_own_bounds),
		cmocka_unit_test(linux_cooked),
		cmocka_unit_test(vrrp_v2_and_v3_fields),
		cmocka_unit_test(vrrp_truncated_and_invalid),
		cmocka_unit_test(ns_fields),
		cmocka_unit_test(na_fields),
		cmocka_unit_test(dad_solicitation),
		cmocka_unit_test(nd_validity),
		cmocka_unit_test(echo6_fields_and_padding),
		cmocka_unit_test(tcp6_fields),
		cmocka_unit_test(ip6_lying_lengths),
		cmocka_unit_test(ip6_extension_headers),
		cmocka_unit_test(ip6_fragments),
		cmocka_unit_test(icmp6_other_types_unrelated),
		cmocka_unit_test(icmp6_error_quote_has_own_bounds),
		cmocka_unit_test(linux_cooked_ipv6),
		cmocka_unit_test(vlan_tagged_advertisement),
		cmocka_unit_test(dual_stack_captures),
		cmocka_unit_test(status_names),
	};
	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
