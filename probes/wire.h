/* What a probe puts on the wire, apart from the library that serialises it.
 *
 * Probes describe frames in these terms; a frame writer turns them into bytes.
 * Two writers exist: libnet's (probes/wire_libnet.c, where libnet is
 * installed) and dsrcheck's own (probes/wire_raw.c, for Windows builds without
 * libnet). Both must give the same bytes: tests/test_wire.c compares them. */
#ifndef DSR_PROBE_WIRE_H
#define DSR_PROBE_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../platform/netcompat.h"

#define DSR_WIRE_ETH_LEN 14
#define DSR_WIRE_VLAN_LEN 4 /* an 802.1Q tag after the MACs */
#define DSR_WIRE_TPID 0x8100
#define DSR_WIRE_ARP_LEN 28
#define DSR_WIRE_IPV4_LEN 20
#define DSR_WIRE_ICMP_ECHO_LEN 8
#define DSR_WIRE_TCP_LEN 20
#define DSR_WIRE_IP_DF 0x4000
#define DSR_WIRE_IPV6_LEN 40
#define DSR_WIRE_ND_SOLICIT_LEN 24 /* ICMPv6 header, reserved word, target; no option */
#define DSR_WIRE_ETHERTYPE_IPV6 0x86dd

#define DSR_TCP_FIN 0x01
#define DSR_TCP_SYN 0x02
#define DSR_TCP_RST 0x04
#define DSR_TCP_ACK 0x10

struct dsr_wire_eth {
	const uint8_t *dst; /* 6 bytes */
	const uint8_t *src; /* 6 bytes */
	/* An 802.1Q tag (TPID 0x8100) with this VLAN id and priority when tagged. */
	bool tagged;
	uint16_t vlan;
	uint8_t priority;
};

#define DSR_WIRE_ARP_REQUEST 1
#define DSR_WIRE_ARP_REPLY 2

/* An ARP request (who-has target, tell sender), or a reply (sender is-at), in Ethernet. */
struct dsr_wire_arp {
	uint16_t op; /* DSR_WIRE_ARP_REQUEST (also 0) or DSR_WIRE_ARP_REPLY */
	const uint8_t *sender_mac;
	struct in_addr sender_ip; /* 0.0.0.0 for an RFC 5227 probe */
	const uint8_t *target_mac; /* NULL: zeros, as a request has */
	struct in_addr target_ip;
};

/* The Ethernet header's length: 14, or 18 with a tag. */
size_t dsr_wire_eth_len(const struct dsr_wire_eth *eth);

struct dsr_wire_ipv4 {
	struct in_addr src, dst;
	uint16_t id;
	uint16_t frag; /* flags and offset: DSR_WIRE_IP_DF or 0 */
	uint8_t ttl;
};

struct dsr_wire_ipv6 {
	struct in6_addr src, dst;
	uint8_t hlim;
};

/* A Neighbor Solicitation for target, without options: the only form dsrcheck
 * sends is duplicate address detection's (source ::), which may carry none. */
struct dsr_wire_nd_solicit {
	struct in6_addr target;
};

struct dsr_wire_echo {
	uint16_t id, seq;
	const uint8_t *payload;
	size_t payload_len;
};

struct dsr_wire_tcp {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t window;
	const uint8_t *options; /* a multiple of 4 bytes, at most 40 */
	size_t options_len;
};

/* A frame writer: each function serialises one frame into buf (checksums
 * included) and returns its length, or -1 with a message in err. */
struct dsr_wire_writer {
	const char *name;
	int (*arp)(const struct dsr_wire_eth *eth, const struct dsr_wire_arp *arp, uint8_t *buf,
			   size_t cap, char *err, size_t errlen);
	int (*icmp_echo)(const struct dsr_wire_eth *eth, const struct dsr_wire_ipv4 *ip,
			 const struct dsr_wire_echo *echo, uint8_t *buf, size_t cap, char *err, size_t errlen);
	int (*tcp)(const struct dsr_wire_eth *eth, const struct dsr_wire_ipv4 *ip, const struct dsr_wire_tcp *tcp,
		   uint8_t *buf, size_t cap, char *err, size_t errlen);
	int (*nd_solicit)(const struct dsr_wire_eth *eth, const struct dsr_wire_ipv6 *ip,
			  const struct dsr_wire_nd_solicit *ns, uint8_t *buf, size_t cap, char *err,
			  size_t errlen);
};

extern const struct dsr_wire_writer dsr_wire_raw;
#ifdef DSR_HAVE_LIBNET
extern const struct dsr_wire_writer dsr_wire_libnet;
#endif

/* The writer probes use: libnet's where it was built in, else the raw one. */
const struct dsr_wire_writer *dsr_wire(void);

#endif
