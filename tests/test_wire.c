/* The two frame writers must put the same bytes on the wire: libnet's is the
 * reference, dsrcheck's own is what Windows builds without libnet use. Fixed
 * frames are also checked against bytes worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../probes/wire.h"
#include "../capture/decode.h"

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0x02};

static struct in_addr addr(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void test_raw_syn_matches_hand_computed_bytes(void **state)
{
	(void)state;
	static const uint8_t mss[4] = {2, 4, 0x05, 0xb4};
	/* Ethernet, IPv4 (id 0x1234, DF, TTL 64), TCP SYN with MSS; checksums worked out
	 * separately (RFC 1071 sum in Python over the same header bytes). */
	static const uint8_t want[] = {
		0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
		0x45, 0x00, 0x00, 0x2c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x9c, 0x05,
		198, 18, 0, 10, 198, 18, 0, 100,
		0xc0, 0x00, 0x00, 0x50, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00,
		0x60, 0x02, 0xfa, 0xf0, 0x4c, 0x4c, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4,
	};
	struct dsr_wire_eth eth = {.dst = mac_b, .src = mac_a};
	struct dsr_wire_ipv4 ip = {
		.src = addr("198.18.0.10"), .dst = addr("198.18.0.100"), .id = 0x1234, .frag = DSR_WIRE_IP_DF, .ttl = 64};
	struct dsr_wire_tcp syn = {.sport = 0xc000, .dport = 80, .seq = 0x01020304, .flags = DSR_TCP_SYN,
				   .window = 64240, .options = mss, .options_len = sizeof(mss)};
	uint8_t buf[128];
	char err[128];

	int len = dsr_wire_raw.tcp(&eth, &ip, &syn, buf, sizeof(buf), err, sizeof(err));
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static struct in6_addr addr6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* Duplicate address detection's solicitation for 2001:2::100: from ::, to the
 * target's solicited-node group, hop limit 255; the checksum worked out
 * separately (RFC 1071 sum in Python over the pseudo-header and message). */
static void test_raw_nd_solicit_matches_hand_computed_bytes(void **state)
{
	(void)state;
	static const uint8_t group_mac[6] = {0x33, 0x33, 0xff, 0x00, 0x01, 0x00};
	static const uint8_t want[] = {
		0x33, 0x33, 0xff, 0x00, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0x01, 0x86, 0xdd,
		0x60, 0, 0, 0, 0x00, 0x18, 58, 255,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff, 0x00, 0x01, 0x00,
		135, 0, 0x58, 0xa5, 0, 0, 0, 0,
		0x20, 0x01, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00,
	};
	struct dsr_wire_eth eth = {.dst = group_mac, .src = mac_a};
	struct dsr_wire_ipv6 ip = {.src = addr6("::"), .dst = addr6("ff02::1:ff00:100"), .hlim = 255};
	struct dsr_wire_nd_solicit ns = {.target = addr6("2001:2::100")};
	uint8_t buf[128];
	char err[128];

	int len = dsr_wire_raw.nd_solicit(&eth, &ip, &ns, buf, sizeof(buf), err, sizeof(err));
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(dsr_wire_raw.nd_solicit(&eth, &ip, &ns, buf, sizeof(want) - 1, err, sizeof(err)), -1);
}

static void test_raw_refuses_small_buffers_and_bad_options(void **state)
{
	(void)state;
	static const uint8_t odd[3] = {1, 1, 1};
	struct dsr_wire_eth eth = {.dst = mac_b, .src = mac_a};
	struct dsr_wire_ipv4 ip = {.src = addr("198.18.0.10"), .dst = addr("198.18.0.100"), .ttl = 64};
	struct dsr_wire_tcp tcp = {.sport = 1, .dport = 2, .flags = DSR_TCP_SYN, .options = odd, .options_len = 3};
	struct dsr_wire_arp arp = {.sender_mac = mac_a, .target_ip = addr("198.18.0.100")};
	uint8_t buf[64];
	char err[128] = "";

	assert_int_equal(dsr_wire_raw.tcp(&eth, &ip, &tcp, buf, sizeof(buf), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "multiple of 4"));
	assert_int_equal(dsr_wire_raw.arp(&eth, &arp, buf, 41, err, sizeof(err)), -1);
	assert_string_equal(err, "frame of 42 bytes exceeds 41");
	assert_int_equal(dsr_wire_raw.arp(&eth, &arp, buf, 42, err, sizeof(err)), 42);
}

#ifdef DSR_HAVE_LIBNET
static uint32_t next_random(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void random_frame(uint32_t *rng, uint8_t dst[6], uint8_t src[6], struct dsr_wire_ipv4 *ip)
{
	for (int i = 0; i < 6; i++) {
		dst[i] = (uint8_t)next_random(rng);
		src[i] = (uint8_t)next_random(rng);
	}
	ip->src.s_addr = next_random(rng);
	ip->dst.s_addr = next_random(rng);
	ip->id = (uint16_t)next_random(rng);
	ip->frag = next_random(rng) & 1 ? DSR_WIRE_IP_DF : 0;
	ip->ttl = (uint8_t)next_random(rng);
}

static void same_bytes(const char *what, int n, const uint8_t *a, int alen, const uint8_t *b, int blen)
{
	if (alen != blen || alen < 0 || memcmp(a, b, (size_t)alen) != 0)
		fail_msg("%s #%d: raw writer gave %d bytes, libnet %d, or different bytes", what, n, alen, blen);
}

/* 10,000 random frames of each kind, odd payload lengths included (checksum padding). */
static void test_raw_writer_matches_libnet(void **state)
{
	(void)state;
	uint32_t rng = 0x9e3779b9u;
	uint8_t dst[6], src[6], payload[301], opts[40], a[512], b[512];
	char err[128];

	for (int n = 0; n < 10000; n++) {
		struct dsr_wire_ipv4 ip;
		random_frame(&rng, dst, src, &ip);
		/* Every other frame tagged, with any VLAN id and priority. */
		uint32_t tag = next_random(&rng);
		struct dsr_wire_eth eth = {.dst = dst, .src = src, .tagged = n % 2 == 1,
					   .vlan = (uint16_t)(tag & 0x0fff), .priority = (uint8_t)(tag >> 12 & 7)};
		for (size_t i = 0; i < sizeof(payload); i++)
			payload[i] = (uint8_t)next_random(&rng);
		for (size_t i = 0; i < sizeof(opts); i++)
			opts[i] = (uint8_t)next_random(&rng);

		/* Requests and replies (a reply names its target's MAC). */
		struct dsr_wire_arp arp = {.op = n % 3 == 0 ? DSR_WIRE_ARP_REPLY : DSR_WIRE_ARP_REQUEST,
					   .sender_mac = src, .sender_ip = ip.src,
					   .target_mac = n % 3 == 0 ? dst : NULL, .target_ip = ip.dst};
		same_bytes("arp", n, a, dsr_wire_raw.arp(&eth, &arp, a, sizeof(a), err, sizeof(err)), b,
			   dsr_wire_libnet.arp(&eth, &arp, b, sizeof(b), err, sizeof(err)));

		struct dsr_wire_echo echo = {.id = (uint16_t)next_random(&rng), .seq = (uint16_t)next_random(&rng),
					     .payload = payload, .payload_len = next_random(&rng) % sizeof(payload)};
		same_bytes("icmp", n, a, dsr_wire_raw.icmp_echo(&eth, &ip, &echo, a, sizeof(a), err, sizeof(err)), b,
			   dsr_wire_libnet.icmp_echo(&eth, &ip, &echo, b, sizeof(b), err, sizeof(err)));

		struct dsr_wire_tcp tcp = {.sport = (uint16_t)next_random(&rng), .dport = (uint16_t)next_random(&rng),
					   .seq = next_random(&rng), .ack = next_random(&rng),
					   .flags = (uint8_t)next_random(&rng), .window = (uint16_t)next_random(&rng),
					   .options = opts, .options_len = (next_random(&rng) % 11) * 4};
		same_bytes("tcp", n, a, dsr_wire_raw.tcp(&eth, &ip, &tcp, a, sizeof(a), err, sizeof(err)), b,
			   dsr_wire_libnet.tcp(&eth, &ip, &tcp, b, sizeof(b), err, sizeof(err)));

		struct dsr_wire_ipv6 ip6 = {.hlim = (uint8_t)next_random(&rng)};
		struct dsr_wire_nd_solicit ns;
		for (size_t i = 0; i < 16; i++) {
			ip6.src.s6_addr[i] = (uint8_t)next_random(&rng);
			ip6.dst.s6_addr[i] = (uint8_t)next_random(&rng);
			ns.target.s6_addr[i] = (uint8_t)next_random(&rng);
		}
		same_bytes("nd", n, a, dsr_wire_raw.nd_solicit(&eth, &ip6, &ns, a, sizeof(a), err, sizeof(err)), b,
			   dsr_wire_libnet.nd_solicit(&eth, &ip6, &ns, b, sizeof(b), err, sizeof(err)));
	}
}
#endif

/* A tagged frame of the raw writer reads back, through the decoder, with its
 * VLAN, priority and every field it was given. */
static void test_raw_tagged_arp_reply_decodes(void **state)
{
	(void)state;
	static const uint8_t me[6] = {2, 0, 0, 0, 0, 0x60}, peer[6] = {2, 0, 0, 0, 0, 0x11};
	struct dsr_wire_eth eth = {.dst = peer, .src = me, .tagged = true, .vlan = 20, .priority = 5};
	struct dsr_wire_arp arp = {.op = DSR_WIRE_ARP_REPLY, .sender_mac = me, .target_mac = peer};
	uint8_t buf[64];
	char err[128];
	struct dsr_frame f;

	arp.sender_ip.s_addr = htonl(0xc6121460u); /* 198.18.20.96 */
	arp.target_ip.s_addr = htonl(0xc612140bu);
	assert_int_equal(dsr_wire_raw.arp(&eth, &arp, buf, 45, err, sizeof(err)), -1);
	assert_int_equal(dsr_wire_raw.arp(&eth, &arp, buf, sizeof(buf), err, sizeof(err)), 46);
	assert_int_equal(dsr_decode_ethernet(buf, 46, &f), DSR_FRAME_OK);
	assert_int_equal(f.ntags, 1);
	assert_int_equal(f.vlan, 20);
	assert_int_equal(f.vlan_pcp, 5);
	assert_int_equal(f.arp.op, DSR_ARP_REPLY);
	assert_memory_equal(f.arp.sha, me, 6);
	assert_memory_equal(f.arp.tha, peer, 6);
	assert_int_equal(f.arp.spa.s_addr, arp.sender_ip.s_addr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw_syn_matches_hand_computed_bytes),
		cmocka_unit_test(test_raw_nd_solicit_matches_hand_computed_bytes),
		cmocka_unit_test(test_raw_refuses_small_buffers_and_bad_options),
		cmocka_unit_test(test_raw_tagged_arp_reply_decodes),
#ifdef DSR_HAVE_LIBNET
		cmocka_unit_test(test_raw_writer_matches_libnet),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
