/* macOS, FreeBSD, OpenBSD, NetBSD: a routing socket (PF_ROUTE, RTM_GET) for
 * the interface and gateway that carry traffic to a target, getifaddrs for the
 * IPv4 addresses and, through AF_LINK, the MAC; arc4random_buf; and a setuid
 * drop, since these systems have no capabilities to give up one by one.
 *
 * Written against each system's documented headers and compile-checked on
 * Linux (tests/bsd-compile-check.sh says exactly how); see doc/platforms-bsd.md
 * for what has and has not been run. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <net/if.h>
#include <net/if_dl.h>
#include <net/if_types.h>
#include <net/route.h>
#include <netinet/in.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform.h"

/* DragonFly pads routing-socket sockaddrs differently and is not covered. */
#if !defined(__APPLE__) && !defined(__FreeBSD__) && !defined(__OpenBSD__) && !defined(__NetBSD__)
#error "platform/platform_bsd.c is for macOS, FreeBSD, OpenBSD and NetBSD"
#endif

/* Sockaddrs in a routing message are padded to a boundary that differs:
 * 4 bytes on macOS (even 64-bit), 8 on NetBSD (every architecture, since 8.0),
 * a long on FreeBSD and OpenBSD. Getting this wrong misreads every sockaddr
 * after the first one whose length is not a multiple of it (sockaddr_dl). */
#if defined(__APPLE__)
#define RT_ALIGN sizeof(uint32_t)
#elif defined(__NetBSD__)
#define RT_ALIGN sizeof(uint64_t)
#else
#define RT_ALIGN sizeof(long)
#endif

/* Room a sockaddr of length len takes in a routing message. */
static size_t rt_space(size_t len)
{
	return len == 0 ? RT_ALIGN : (len + RT_ALIGN - 1) & ~(RT_ALIGN - 1);
}

/* Where the sockaddrs start: OpenBSD says so in the header (rtm_hdrlen), so
 * that the header can grow; elsewhere they follow the fixed header. */
static size_t rt_header_len(const struct rt_msghdr *rtm)
{
#if defined(__OpenBSD__)
	return rtm->rtm_hdrlen;
#else
	(void)rtm;
	return sizeof(struct rt_msghdr);
#endif
}

/* RTAX_MAX differs between systems; the lookup needs the first six. */
#define RT_NADDRS 6

struct route_answer {
	struct sockaddr_storage addrs[RT_NADDRS]; /* by RTAX_* index; ss_len 0: absent */
	unsigned short index;			  /* rtm_index */
	int flags;				  /* rtm_flags */
};

/* An IPv4 address from a sockaddr that the kernel may have shortened (a
 * netmask in a routing message or from getifaddrs can stop after its last
 * non-zero byte, or have sa_len 0 for /0): missing bytes are zero. */
static struct in_addr sockaddr_ipv4(const struct sockaddr *sa)
{
	struct sockaddr_in sin;
	size_t len = sa->sa_len < sizeof(sin) ? sa->sa_len : sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	memcpy(&sin, sa, len);
	return sin.sin_addr;
}

/* Splits one RTM_GET reply into its sockaddrs, copied out so that nothing is
 * read through a misaligned pointer and nothing past the message. */
static int parse_route_reply(const unsigned char *msg, size_t len, struct route_answer *out)
{
	struct rt_msghdr rtm;
	size_t off;

	if (len < sizeof(rtm))
		return -1;
	memcpy(&rtm, msg, sizeof(rtm));
	off = rt_header_len(&rtm);
	if (off < sizeof(rtm) || off > len || rtm.rtm_msglen > len)
		return -1;
	len = rtm.rtm_msglen;
	memset(out, 0, sizeof(*out));
	out->index = rtm.rtm_index;
	out->flags = rtm.rtm_flags;
	for (int i = 0; i < RT_NADDRS; i++) {
		size_t salen, copy;

		if (!(rtm.rtm_addrs & (1 << i)))
			continue;
		if (off >= len)
			return -1;
		salen = msg[off]; /* sa_len is the first byte on every BSD */
		if (off + salen > len) /* the last one's padding may be cut off */
			return -1;
		copy = salen < sizeof(out->addrs[i]) ? salen : sizeof(out->addrs[i]);
		memcpy(&out->addrs[i], msg + off, copy);
		out->addrs[i].ss_len = (unsigned char)copy;
		off += rt_space(salen);
		if (off > len)
			off = len;
	}
	return 0;
}

/* Asks the kernel which route it would use towards dst: the routing socket's
 * RTM_GET, with an empty AF_LINK sockaddr as RTA_IFP so that the answer names
 * the outgoing interface (RTA_IFP) and its address (RTA_IFA) as well as the
 * gateway. Returns 0, or -1 with a message in err. */
static int route_get(struct in_addr dst, struct route_answer *ans, char *err, size_t errlen)
{
	union {
		struct rt_msghdr hdr;
		unsigned char bytes[2048];
	} buf;
	struct sockaddr_in sin;
	struct sockaddr_dl sdl;
	struct timeval tmo = {.tv_sec = 2};
	size_t off = sizeof(struct rt_msghdr);
	pid_t pid = getpid();
	int seq = 1, fd;
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &dst, ip, sizeof(ip));
	memset(&buf, 0, sizeof(buf));
	buf.hdr.rtm_version = RTM_VERSION;
	buf.hdr.rtm_type = RTM_GET;
	buf.hdr.rtm_flags = RTF_UP | RTF_HOST;
	buf.hdr.rtm_addrs = RTA_DST | RTA_IFP;
	buf.hdr.rtm_pid = pid;
	buf.hdr.rtm_seq = seq;
#if defined(__OpenBSD__)
	buf.hdr.rtm_hdrlen = sizeof(struct rt_msghdr);
	buf.hdr.rtm_tableid = (unsigned short)getrtable();
#endif
	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = AF_INET;
	sin.sin_addr = dst;
	memcpy(buf.bytes + off, &sin, sizeof(sin));
	off += rt_space(sizeof(sin));
	memset(&sdl, 0, sizeof(sdl));
	sdl.sdl_len = sizeof(sdl);
	sdl.sdl_family = AF_LINK;
	memcpy(buf.bytes + off, &sdl, sizeof(sdl));
	off += rt_space(sizeof(sdl));
	buf.hdr.rtm_msglen = (unsigned short)off;

	fd = socket(PF_ROUTE, SOCK_RAW, AF_INET);
	if (fd < 0) {
		snprintf(err, errlen, "routing socket: %s", strerror(errno));
		return -1;
	}
	/* The socket also hears every other routing change on the system; never
	 * wait on it for long. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	if (write(fd, buf.bytes, off) < 0) {
		/* ESRCH: nothing in the table matches, not even a default route. */
		if (errno == ESRCH || errno == ENETUNREACH || errno == EHOSTUNREACH)
			snprintf(err, errlen, "no route to %s: name the interface with -i", ip);
		else
			snprintf(err, errlen, "no route to %s (%s): name the interface with -i", ip,
				 strerror(errno));
		close(fd);
		return -1;
	}
	for (int tries = 0; tries < 64; tries++) {
		ssize_t n = read(fd, buf.bytes, sizeof(buf.bytes));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "no answer from the routing socket for %s (%s): name "
					      "the interface with -i",
				 ip, strerror(errno));
			close(fd);
			return -1;
		}
		if ((size_t)n < sizeof(struct rt_msghdr) || buf.hdr.rtm_version != RTM_VERSION ||
		    buf.hdr.rtm_type != RTM_GET || buf.hdr.rtm_pid != pid || buf.hdr.rtm_seq != seq)
			continue;
		close(fd);
		if (buf.hdr.rtm_errno != 0 || (buf.hdr.rtm_flags & (RTF_REJECT | RTF_BLACKHOLE))) {
			snprintf(err, errlen, "no route to %s%s%s%s: name the interface with -i", ip,
				 buf.hdr.rtm_errno ? " (" : "",
				 buf.hdr.rtm_errno ? strerror(buf.hdr.rtm_errno) : "",
				 buf.hdr.rtm_errno ? ")" : "");
			return -1;
		}
		if (parse_route_reply(buf.bytes, (size_t)n, ans) < 0) {
			snprintf(err, errlen, "malformed routing socket answer for %s", ip);
			return -1;
		}
		return 0;
	}
	close(fd);
	snprintf(err, errlen, "no answer from the routing socket for %s: name the interface with -i",
		 ip);
	return -1;
}

/* The outgoing interface of a route: the one that holds the route's own
 * address (RTA_IFA), as on Linux; for a route to one of our own addresses the
 * kernel names lo0 as the interface, but the address lives on the real NIC.
 * Failing that, the interface the kernel named. */
static int route_interface(const struct route_answer *ans, const struct ifaddrs *list,
			   char *name, size_t namelen, struct in_addr *src, bool *has_src)
{
	const struct sockaddr *ifa_sa = (const struct sockaddr *)&ans->addrs[RTAX_IFA];
	const struct sockaddr *ifp_sa = (const struct sockaddr *)&ans->addrs[RTAX_IFP];
	char ifname[IF_NAMESIZE];
	unsigned ifindex = ans->index;

	*has_src = false;
	if (ifa_sa->sa_len > 0 && ifa_sa->sa_family == AF_INET) {
		*src = sockaddr_ipv4(ifa_sa);
		*has_src = true;
		for (const struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next)
			if (ifa->ifa_addr && ifa->ifa_addr->sa_family == AF_INET &&
			    sockaddr_ipv4(ifa->ifa_addr).s_addr == src->s_addr) {
				snprintf(name, namelen, "%s", ifa->ifa_name);
				return 0;
			}
	}
	if (ifp_sa->sa_len >= offsetof(struct sockaddr_dl, sdl_index) + sizeof(unsigned short) &&
	    ifp_sa->sa_family == AF_LINK) {
		struct sockaddr_dl sdl;
		memset(&sdl, 0, sizeof(sdl));
		memcpy(&sdl, ifp_sa,
		       ifp_sa->sa_len < sizeof(sdl) ? ifp_sa->sa_len : sizeof(sdl));
		if (sdl.sdl_index != 0)
			ifindex = sdl.sdl_index;
	}
	if (ifindex == 0 || !if_indextoname(ifindex, ifname))
		return -1;
	snprintf(name, namelen, "%s", ifname);
	return 0;
}

/* The gateway, when the route to dst leaves through ifc and is not on-link.
 * A directly connected route carries an AF_LINK "gateway": no gateway. */
static void route_gateway(struct dsr_iface *ifc, const struct route_answer *ans, const char *via)
{
	const struct sockaddr *gw = (const struct sockaddr *)&ans->addrs[RTAX_GATEWAY];

	if (strcmp(via, ifc->name) != 0 || !(ans->flags & RTF_GATEWAY) || gw->sa_len == 0 ||
	    gw->sa_family != AF_INET)
		return;
	ifc->gateway = sockaddr_ipv4(gw);
	ifc->has_gateway = true;
}

/* The MAC of an AF_LINK entry when the link is Ethernet-framed: Ethernet
 * proper (which macOS also reports for Wi-Fi), and VLAN, bridge and
 * link-aggregation interfaces, which carry Ethernet frames too (a DSR segment
 * is often a VLAN). libpcap's link type check (DLT_EN10MB) has the last word. */
static bool ethernet_mac(const struct sockaddr *sa, uint8_t mac[6])
{
	const struct sockaddr_dl *sdl = (const struct sockaddr_dl *)sa;
	size_t data_off = offsetof(struct sockaddr_dl, sdl_data);

	if (sa->sa_len < data_off)
		return false;
	switch (sdl->sdl_type) {
	case IFT_ETHER:
	case IFT_L2VLAN:
	case IFT_BRIDGE:
	case IFT_IEEE8023ADLAG:
		break;
	default:
		return false;
	}
	if (sdl->sdl_alen != 6 || data_off + sdl->sdl_nlen + sdl->sdl_alen > sa->sa_len)
		return false;
	memcpy(mac, LLADDR(sdl), 6);
	return true;
}

/* The interface's IPv6 addresses, with its MAC: what dsrcheck probes IPv6
 * from, and an IPv6 VIP held here. The KAME stack writes a link-local
 * address's scope (the interface index) into its second 16-bit word, which is
 * no part of the address on the wire. */
static void find_held6(struct ifaddrs *list, struct dsr_iface *out)
{
	for (struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_INET6 || strcmp(ifa->ifa_name, out->name) != 0)
			continue;
		struct in6_addr addr = ((const struct sockaddr_in6 *)(const void *)ifa->ifa_addr)->sin6_addr;
		if (addr.s6_addr[0] == 0xfe && (addr.s6_addr[1] & 0xc0) == 0x80)
			addr.s6_addr[2] = addr.s6_addr[3] = 0;
		dsr_iface_add_held6(out, ifa->ifa_name, &addr, out->mac);
	}
}

int dsr_platform_iface(const char *ifname, struct in_addr route_to, struct dsr_iface *out, char *err,
		       size_t errlen)
{
	struct ifaddrs *list, *ifa;
	struct route_answer ans;
	struct in_addr src = {0};
	char via[IF_NAMESIZE] = "", route_err[256];
	bool by_route = ifname == NULL || ifname[0] == '\0';
	bool found = false, has_mac = false, has_src = false, routed;

	memset(out, 0, sizeof(out[0]));
	if (!by_route && strlen(ifname) >= sizeof(out->name)) {
		snprintf(err, errlen, "interface name too long");
		return -1;
	}
	/* With -i the route only tells the gateway; without a route there is none. */
	routed = by_route ? route_get(route_to, &ans, err, errlen) == 0
			  : route_get(route_to, &ans, route_err, sizeof(route_err)) == 0;
	if (by_route && !routed)
		return -1;
	if (getifaddrs(&list) < 0) {
		snprintf(err, errlen, "getifaddrs: %s", strerror(errno));
		return -1;
	}
	if (routed && route_interface(&ans, list, via, sizeof(via), &src, &has_src) < 0) {
		if (by_route) {
			snprintf(err, errlen, "no interface holds the route's source address");
			freeifaddrs(list);
			return -1;
		}
		routed = false;
	}
	snprintf(out->name, sizeof(out->name), "%s", by_route ? via : ifname);
	if (!by_route && strcmp(via, out->name) != 0)
		has_src = false;

	for (ifa = list; ifa; ifa = ifa->ifa_next) {
		if (strcmp(ifa->ifa_name, out->name) != 0 || !ifa->ifa_addr)
			continue;
		found = true;
		if (ifa->ifa_addr->sa_family == AF_LINK) {
			has_mac = has_mac || ethernet_mac(ifa->ifa_addr, out->mac);
		} else if (ifa->ifa_addr->sa_family == AF_INET && ifa->ifa_netmask &&
			   out->naddrs < DSR_IFACE_MAX_ADDRS) {
			dsr_iface_add_addr(out, sockaddr_ipv4(ifa->ifa_addr), sockaddr_ipv4(ifa->ifa_netmask),
					   has_src ? &src : NULL, route_to);
		}
	}
	if (has_mac)
		find_held6(list, out);
	freeifaddrs(list);
	if (dsr_iface_usable(out, found, has_mac, err, errlen) < 0)
		return -1;
	if (routed)
		route_gateway(out, &ans, via);
	return 0;
}

/* No capabilities here: root is all or nothing, so the process stops being
 * root (platform/privilege_posix.c). The BPF descriptor was checked for read
 * and write when it was opened and stays usable under any user.
 * Not done: Capsicum's cap_enter (FreeBSD) and pledge (OpenBSD). Both would
 * forbid what dsrcheck still does after this call: connect to syslog, and
 * for cap_enter, hand report files to the process that publishes them
 * (cmd/publish.c). See doc/platforms-bsd.md. */
int dsr_platform_drop_privileges(char *err, size_t errlen)
{
	return dsr_platform_leave_root(err, errlen);
}

/* The kernel's generator; arc4random_buf cannot fail or block. */
int dsr_platform_random(void *buf, size_t len)
{
	arc4random_buf(buf, len);
	return 0;
}

void dsr_platform_now(struct timeval *tv)
{
	gettimeofday(tv, NULL);
}
