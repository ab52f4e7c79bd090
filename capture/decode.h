/* One-pass decoder for the frames dsrcheck cares about: Ethernet (untagged, one
 * 802.1Q tag, or two: QinQ, 802.1ad) carrying ARP, IPv4 with ICMP, TCP or VRRP,
 * or IPv6 with ICMPv6 (Neighbor Discovery among it) or TCP. It yields values,
 * not pointers into the frame, and says why a frame could not be used. */
#ifndef DSR_DECODE_H
#define DSR_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../platform/netcompat.h"

enum dsr_decode_status {
	DSR_FRAME_OK,        /* decoded as far as dsrcheck needs */
	DSR_FRAME_TRUNCATED, /* shorter than its headers say: the capture cut it */
	DSR_FRAME_INVALID,   /* self-contradictory (bad IHL, bad ARP sizes, ...) */
	DSR_FRAME_UNRELATED, /* well-formed but nothing dsrcheck probes for (UDP, ESP, MLD, ...) */
};

enum dsr_l3 { DSR_L3_NONE, DSR_L3_ARP, DSR_L3_IPV4, DSR_L3_IPV6 };
/* ICMP: ICMPv4 (l3 IPv4) or ICMPv6 echo and errors (l3 IPv6), in f->icmp; ND:
 * an ICMPv6 Neighbor Discovery message a host would act on, in f->nd. */
enum dsr_l4 { DSR_L4_NONE, DSR_L4_ICMP, DSR_L4_TCP, DSR_L4_VRRP, DSR_L4_ND };

#define DSR_ARP_REQUEST 1
#define DSR_ARP_REPLY 2

#define DSR_TCP_FIN 0x01
#define DSR_TCP_SYN 0x02
#define DSR_TCP_RST 0x04
#define DSR_TCP_ACK 0x10

/* VRRP (RFC 3768 version 2, RFC 5798 version 3): IP protocol 112, the one
 * message type, and how many of an advertisement's virtual addresses are kept. */
#define DSR_IPPROTO_VRRP 112
#define DSR_VRRP_ADVERTISEMENT 1
#define DSR_VRRP_ADDRS 4

#define DSR_ICMP_ECHO_REPLY 0
#define DSR_ICMP_UNREACH 3
#define DSR_ICMP_ECHO 8
#define DSR_ICMP_TIME_EXCEEDED 11

#define DSR_IPPROTO_ICMPV6 58
#define DSR_ICMP6_UNREACH 1
#define DSR_ICMP6_TOO_BIG 2
#define DSR_ICMP6_TIME_EXCEEDED 3
#define DSR_ICMP6_ECHO 128
#define DSR_ICMP6_ECHO_REPLY 129
#define DSR_ND_SOLICIT 135
#define DSR_ND_ADVERT 136

/* The start of the packet an ICMP error quotes: enough to say which probe it
 * was. src and dst for ICMPv4, src6 and dst6 for ICMPv6 (proto is then the
 * quoted header's next header). */
struct dsr_quoted {
	struct in_addr src, dst;
	struct in6_addr src6, dst6;
	uint8_t proto;
	uint16_t sport, dport; /* TCP */
	uint32_t seq;          /* TCP */
	uint16_t echo_id, echo_seq;
	uint8_t icmp_type;
};

struct dsr_frame {
	uint8_t eth_dst[6], eth_src[6];
	uint16_t ethertype;
	/* The outermost tag's VLAN id (0: untagged, or a priority tag only) and
	 * priority; how many tags there were (2: QinQ, whose inner id is
	 * inner_vlan, a customer VLAN inside the provider's vlan). More than two
	 * tags are not decoded (DSR_FRAME_UNRELATED). */
	uint16_t vlan;
	uint8_t vlan_pcp;
	uint8_t ntags;
	uint16_t outer_tpid; /* 0x8100 or 0x88a8 (0x9100 too, pre-standard QinQ) */
	uint16_t inner_vlan;
	enum dsr_l3 l3;
	struct {
		uint16_t op;
		uint8_t sha[6], tha[6];
		struct in_addr spa, tpa;
	} arp;
	struct {
		struct in_addr src, dst;
		uint8_t ttl, proto;
		uint16_t id;
	} ip;
	struct {
		struct in6_addr src, dst;
		uint8_t hlim;
		uint8_t next; /* the upper-layer protocol, after any extension headers */
	} ip6;
	enum dsr_l4 l4;
	struct {
		uint8_t type, code;
		uint16_t id, seq;  /* echo and echo reply */
		bool has_quote;    /* errors: the quoted header below is valid */
		struct dsr_quoted quote;
	} icmp;
	struct {
		uint16_t sport, dport;
		uint32_t seq, ack;
		uint8_t flags;
	} tcp;
	/* Neighbor Discovery (RFC 4861 7.1): only messages a host accepts, so only
	 * ones that can teach a neighbour anything (hop limit 255, code 0, a good
	 * checksum, no option of length 0, a target that is not multicast, ...).
	 * A solicitation asks who has target; an advertisement says target is at
	 * lladdr (or, without the option, at the frame's Ethernet source). */
	struct {
		uint8_t type; /* DSR_ND_SOLICIT or DSR_ND_ADVERT */
		struct in6_addr target;
		bool router, solicited, override; /* advertisement flags */
		bool has_lladdr; /* source (solicitation) or target (advertisement) link-layer address */
		uint8_t lladdr[6];
		bool dad; /* a solicitation from :: (duplicate address detection, RFC 4862) */
	} nd;
	/* A VRRP advertisement: who is master of virtual router vrid (the IP and
	 * Ethernet source), at which priority (0: it resigns), every how long. */
	struct {
		uint8_t version; /* 2 or 3 */
		uint8_t type;    /* DSR_VRRP_ADVERTISEMENT */
		uint8_t vrid;    /* 1-255 */
		uint8_t priority;
		uint8_t naddrs;        /* virtual addresses the advertisement holds */
		uint16_t interval_cs;  /* advertisement interval, centiseconds (v2: seconds x 100) */
		struct in_addr addrs[DSR_VRRP_ADDRS]; /* the first min(naddrs, DSR_VRRP_ADDRS) */
	} vrrp;
};

/* Decodes an Ethernet frame of caplen bytes. On DSR_FRAME_OK the fields of the
 * layers it found are set; on anything else the frame must not be used. */
enum dsr_decode_status dsr_decode_ethernet(const uint8_t *bytes, size_t caplen, struct dsr_frame *out);

/* The same for Linux cooked captures (SLL, or SLL2 when v2): eth_src is the
 * sender's link address, eth_dst stays zero. */
enum dsr_decode_status dsr_decode_sll(const uint8_t *bytes, size_t caplen, bool v2,
				      struct dsr_frame *out);

/* Does f belong to VLAN vlan (0: the untagged segment)? A priority-tagged
 * frame (VLAN id 0) is untagged for this purpose, as 802.1Q says; a QinQ frame
 * belongs to no single VLAN. */
bool dsr_frame_in_vlan(const struct dsr_frame *f, uint16_t vlan);

/* "" for an untagged frame, else " vlan 20" or " vlan 100.20" (QinQ), for
 * evidence and inventories: what segment a frame was seen on. */
void dsr_frame_vlan_text(const struct dsr_frame *f, char out[24]);

const char *dsr_decode_status_name(enum dsr_decode_status status);

#endif
