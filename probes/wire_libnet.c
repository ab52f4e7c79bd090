/* libnet's frame writer: libnet in LIBNET_NONE mode builds whole Ethernet
 * frames into memory, with no device and no privilege. Compiled only where
 * libnet is installed (DSR_HAVE_LIBNET). */
#ifdef DSR_HAVE_LIBNET
#include <libnet.h>
#include <stdio.h>
#include <string.h>

#include "wire.h"

static libnet_t *begin(char *err, size_t errlen)
{
	char lerr[LIBNET_ERRBUF_SIZE] = "";
	libnet_t *l = libnet_init(LIBNET_NONE, NULL, lerr);

	if (!l)
		snprintf(err, errlen, "libnet: %s", lerr);
	return l;
}

/* Serialises what was built (checksums included) into buf and frees l; built
 * is false when a libnet_build_* call failed, whose error is then reported. */
static int finish(libnet_t *l, bool built, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	uint8_t *packet = NULL;
	uint32_t size = 0;
	int len = -1;

	/* LIBNET_NONE refuses libnet_adv_cull_packet(); coalescing is what it does inside. */
	if (!built)
		snprintf(err, errlen, "libnet: %s", libnet_geterror(l));
	else if (libnet_pblock_coalesce(l, &packet, &size) < 0)
		snprintf(err, errlen, "libnet: %s", libnet_geterror(l));
	else if (size > cap)
		snprintf(err, errlen, "frame of %u bytes exceeds %zu", size, cap);
	else {
		memcpy(buf, packet, size);
		len = (int)size;
	}
	free(packet);
	libnet_destroy(l);
	return len;
}

static bool build_ipv4(const struct dsr_wire_ipv4 *ip, uint8_t proto, size_t payload_len, libnet_t *l)
{
	return libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + payload_len), 0, ip->id, ip->frag, ip->ttl, proto, 0,
				 ip->src.s_addr, ip->dst.s_addr, NULL, 0, l, 0) != -1;
}

/* The link header, tagged or not, on top of what l holds. */
static bool build_link(const struct dsr_wire_eth *eth, uint16_t type, libnet_t *l)
{
	if (eth->tagged)
		return libnet_build_802_1q(eth->dst, eth->src, DSR_WIRE_TPID, eth->priority & 7, 0,
					   eth->vlan & 0x0fff, type, NULL, 0, l, 0) != -1;
	return libnet_build_ethernet(eth->dst, eth->src, type, NULL, 0, l, 0) != -1;
}

static int libnet_arp(const struct dsr_wire_eth *eth, const struct dsr_wire_arp *arp, uint8_t *buf,
			      size_t cap, char *err, size_t errlen)
{
	static const uint8_t unknown_mac[6];
	libnet_t *l = begin(err, errlen);

	if (!l)
		return -1;
	bool built = libnet_build_arp(ARPHRD_ETHER, ETHERTYPE_IP, 6, 4,
				      arp->op == DSR_WIRE_ARP_REPLY ? ARPOP_REPLY : ARPOP_REQUEST,
				      arp->sender_mac, (const uint8_t *)&arp->sender_ip.s_addr,
				      arp->target_mac ? arp->target_mac : unknown_mac,
				      (const uint8_t *)&arp->target_ip.s_addr, NULL, 0, l, 0) != -1 &&
		     build_link(eth, ETHERTYPE_ARP, l);
	return finish(l, built, buf, cap, err, errlen);
}

static int libnet_icmp_echo(const struct dsr_wire_eth *eth, const struct dsr_wire_ipv4 *ip,
			    const struct dsr_wire_echo *echo, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	size_t icmp_len = LIBNET_ICMPV4_ECHO_H + echo->payload_len;
	libnet_t *l;

	if (icmp_len > 65535 - LIBNET_IPV4_H) {
		snprintf(err, errlen, "ICMP payload of %zu bytes is too long", echo->payload_len);
		return -1;
	}
	if (!(l = begin(err, errlen)))
		return -1;
	bool built = libnet_build_icmpv4_echo(ICMP_ECHO, 0, 0, echo->id, echo->seq, echo->payload,
					      (uint32_t)echo->payload_len, l, 0) != -1 &&
		     build_ipv4(ip, IPPROTO_ICMP, icmp_len, l) &&
		     build_link(eth, ETHERTYPE_IP, l);
	return finish(l, built, buf, cap, err, errlen);
}

static int libnet_tcp(const struct dsr_wire_eth *eth, const struct dsr_wire_ipv4 *ip, const struct dsr_wire_tcp *tcp,
		      uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	size_t tcp_len = LIBNET_TCP_H + tcp->options_len;
	libnet_t *l;

	if (tcp->options_len > 40 || tcp->options_len % 4) {
		snprintf(err, errlen, "TCP options of %zu bytes: not a multiple of 4 up to 40", tcp->options_len);
		return -1;
	}
	if (!(l = begin(err, errlen)))
		return -1;
	bool built = (!tcp->options_len ||
		      libnet_build_tcp_options(tcp->options, (uint32_t)tcp->options_len, l, 0) != -1) &&
		     libnet_build_tcp(tcp->sport, tcp->dport, tcp->seq, tcp->ack, tcp->flags, tcp->window, 0, 0,
				      (uint16_t)tcp_len, NULL, 0, l, 0) != -1 &&
		     build_ipv4(ip, IPPROTO_TCP, tcp_len, l) &&
		     build_link(eth, ETHERTYPE_IP, l);
	return finish(l, built, buf, cap, err, errlen);
}

static struct libnet_in6_addr in6(const struct in6_addr *a)
{
	struct libnet_in6_addr out;

	memcpy(&out, a->s6_addr, 16);
	return out;
}

static int libnet_nd_solicit(const struct dsr_wire_eth *eth, const struct dsr_wire_ipv6 *ip,
			     const struct dsr_wire_nd_solicit *ns, uint8_t *buf, size_t cap, char *err,
			     size_t errlen)
{
	libnet_t *l = begin(err, errlen);

	if (!l)
		return -1;
	bool built = libnet_build_icmpv6_ndp_nsol(ND_NEIGHBOR_SOLICIT, 0, 0, in6(&ns->target), NULL, 0, l,
						  0) != -1 &&
		     libnet_build_ipv6(0, 0, DSR_WIRE_ND_SOLICIT_LEN, IPPROTO_ICMPV6, ip->hlim, in6(&ip->src),
				       in6(&ip->dst), NULL, 0, l, 0) != -1 &&
		     build_link(eth, DSR_WIRE_ETHERTYPE_IPV6, l);
	return finish(l, built, buf, cap, err, errlen);
}

const struct dsr_wire_writer dsr_wire_libnet = {
	.name = "libnet",
	.arp = libnet_arp,
	.icmp_echo = libnet_icmp_echo,
	.tcp = libnet_tcp,
	.nd_solicit = libnet_nd_solicit,
};
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int dsr_wire_libnet_not_built;
#endif
