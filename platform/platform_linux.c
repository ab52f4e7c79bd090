/* Linux: getifaddrs for addresses and the MAC (AF_PACKET), the kernel's own
 * route choice (a connected UDP socket sends nothing) for the interface, and
 * /proc/net/route for the gateway. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/capability.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <unistd.h>

#include "platform.h"
#include "../src/parse.h"

/* The source address the kernel would use towards dst. */
static int route_source(struct in_addr dst, struct in_addr *src, char *err, size_t errlen)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(9), .sin_addr = dst};
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
		char ip[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &dst, ip, sizeof(ip));
		snprintf(err, errlen, "no route to %s (%s): name the interface with -i", ip,
			 strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	*src = sin.sin_addr;
	return 0;
}

/* Longest-prefix gateway route on ifname towards dst, from /proc/net/route
 * (host byte order fields are in network order, printed as hex words). */
static void find_gateway(struct dsr_iface *ifc, struct in_addr dst)
{
	FILE *f = fopen("/proc/net/route", "r");
	char line[512], name[64];
	unsigned dest, gw, flags, mask, best_mask = 0;
	bool found = false;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %x %x %x %*d %*d %*d %x", name, &dest, &gw, &flags, &mask) != 5)
			continue;
		if (strcmp(name, ifc->name) != 0 || !(flags & 0x2 /* RTF_GATEWAY */) ||
		    (dst.s_addr & mask) != dest)
			continue;
		if (!found || ntohl(mask) >= ntohl(best_mask)) {
			ifc->gateway.s_addr = gw;
			best_mask = mask;
			found = true;
		}
	}
	fclose(f);
	ifc->has_gateway = found;
}

/* The interface a macvlan or VLAN sits on, by index (sysfs iflink); 0 when unknown. */
static unsigned lower_index(const char *name)
{
	char path[128];
	unsigned idx = 0;
	FILE *f;

	if (strchr(name, '/') || snprintf(path, sizeof(path), "/sys/class/net/%s/iflink", name) >=
					 (int)sizeof(path))
		return 0;
	if (!(f = fopen(path, "r")))
		return 0;
	if (fscanf(f, "%u", &idx) != 1)
		idx = 0;
	fclose(f);
	return idx;
}

/* The VLAN id of an 802.1Q device (eth0.20), 0 for any other interface: the
 * 8021q module describes each of its devices in /proc/net/vlan. */
static uint16_t vlan_of(const char *name)
{
	char path[128], text[512];
	size_t n;
	FILE *f;

	if (strchr(name, '/') || snprintf(path, sizeof(path), "/proc/net/vlan/%s", name) >= (int)sizeof(path))
		return 0;
	if (!(f = fopen(path, "r")))
		return 0;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return (uint16_t)dsr_parse_proc_vlan(text);
}

/* IPv4 addresses of the interfaces stacked on out (keepalived's vrrp.N macvlan
 * holds the VIP there, with the VRRP MAC). */
static void find_stacked(struct ifaddrs *list, struct dsr_iface *out)
{
	unsigned base = if_nametoindex(out->name);

	if (base == 0)
		return;
	for (struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_INET ||
		    strcmp(ifa->ifa_name, out->name) == 0 || out->nstacked >= DSR_IFACE_MAX_STACKED ||
		    if_nametoindex(ifa->ifa_name) == base || lower_index(ifa->ifa_name) != base)
			continue;
		size_t i = out->nstacked++;
		snprintf(out->stacked[i].name, sizeof(out->stacked[i].name), "%s", ifa->ifa_name);
		out->stacked[i].addr = ((struct sockaddr_in *)ifa->ifa_addr)->sin_addr;
		out->stacked[i].vlan = vlan_of(ifa->ifa_name);
		for (struct ifaddrs *p = list; p; p = p->ifa_next)
			if (p->ifa_addr && p->ifa_addr->sa_family == AF_PACKET &&
			    strcmp(p->ifa_name, ifa->ifa_name) == 0)
				memcpy(out->stacked[i].mac, ((const struct sockaddr_ll *)p->ifa_addr)->sll_addr, 6);
	}
}

/* IPv6 addresses of out and of the interfaces stacked on it (a VIP6 on
 * keepalived's vrrp.N), each with its holder's MAC: an IPv6 VIP held here is
 * ours (nd.vip from the balancer). After find_stacked, which knows their MACs. */
static void find_held6(struct ifaddrs *list, struct dsr_iface *out)
{
	for (struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
		const uint8_t *mac = NULL;
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_INET6)
			continue;
		if (strcmp(ifa->ifa_name, out->name) == 0)
			mac = out->mac;
		for (size_t i = 0; i < out->nstacked && !mac; i++)
			if (strcmp(ifa->ifa_name, out->stacked[i].name) == 0)
				mac = out->stacked[i].mac;
		if (mac)
			dsr_iface_add_held6(out, ifa->ifa_name,
					    &((const struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr, mac);
	}
}

int dsr_platform_iface(const char *ifname, struct in_addr route_to, struct dsr_iface *out, char *err,
		       size_t errlen)
{
	struct ifaddrs *list, *ifa;
	struct in_addr src = {0};
	bool by_route = ifname == NULL || ifname[0] == '\0';
	bool found = false, has_mac = false;

	memset(out, 0, sizeof(*out));
	if (by_route && route_source(route_to, &src, err, errlen) < 0)
		return -1;
	if (getifaddrs(&list) < 0) {
		snprintf(err, errlen, "getifaddrs: %s", strerror(errno));
		return -1;
	}
	if (by_route) {
		for (ifa = list; ifa && !found; ifa = ifa->ifa_next)
			if (ifa->ifa_addr && ifa->ifa_addr->sa_family == AF_INET &&
			    ((struct sockaddr_in *)ifa->ifa_addr)->sin_addr.s_addr == src.s_addr) {
				snprintf(out->name, sizeof(out->name), "%s", ifa->ifa_name);
				found = true;
			}
		if (!found) {
			snprintf(err, errlen, "no interface holds the route's source address");
			freeifaddrs(list);
			return -1;
		}
		/* The VIP is ours and sits on a macvlan (keepalived's use_vmac vrrp.N):
		 * probe from the interface under it, which holds our own address. */
		unsigned lower = lower_index(out->name);
		char lower_name[IF_NAMESIZE];
		if (src.s_addr == route_to.s_addr && lower && lower != if_nametoindex(out->name) &&
		    if_indextoname(lower, lower_name))
			snprintf(out->name, sizeof(out->name), "%s", lower_name);
	} else {
		if (strlen(ifname) >= sizeof(out->name)) {
			snprintf(err, errlen, "interface name too long");
			freeifaddrs(list);
			return -1;
		}
		snprintf(out->name, sizeof(out->name), "%s", ifname);
	}

	found = false;
	for (ifa = list; ifa; ifa = ifa->ifa_next) {
		if (strcmp(ifa->ifa_name, out->name) != 0 || !ifa->ifa_addr)
			continue;
		found = true;
		if (ifa->ifa_addr->sa_family == AF_PACKET) {
			const struct sockaddr_ll *ll = (const struct sockaddr_ll *)ifa->ifa_addr;
			if (ll->sll_hatype == ARPHRD_ETHER && ll->sll_halen == 6) {
				memcpy(out->mac, ll->sll_addr, 6);
				has_mac = true;
			}
		} else if (ifa->ifa_addr->sa_family == AF_INET && ifa->ifa_netmask &&
			   out->naddrs < DSR_IFACE_MAX_ADDRS) {
			dsr_iface_add_addr(out, ((struct sockaddr_in *)ifa->ifa_addr)->sin_addr,
					   ((struct sockaddr_in *)ifa->ifa_netmask)->sin_addr, by_route ? &src : NULL,
					   route_to);
		}
	}
	if (found) {
		find_stacked(list, out);
		find_held6(list, out);
	}
	freeifaddrs(list);
	out->vlan = vlan_of(out->name);
	if (dsr_iface_usable(out, found, has_mac, err, errlen) < 0)
		return -1;
	find_gateway(out, route_to);
	return 0;
}

/* Whether uid 0 here can leave for another user: in the initial user
 * namespace (uid_map "0 0 4294967295") it can. Inside a user namespace (unshare
 * -r, a rootless container) uid 0 is usually an ordinary user outside, and even
 * when root made the namespace no other uid is mapped to switch to: what is
 * left to drop are the capabilities. */
static bool uid0_is_root(void)
{
	FILE *f = fopen("/proc/self/uid_map", "r");
	unsigned long inside, outside, count;
	bool root = true;

	if (!f)
		return true;
	if (fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3)
		root = inside == 0 && outside == 0 && count == 4294967295ul;
	fclose(f);
	return root;
}

/* Root leaves uid 0 first (platform/privilege_posix.c: which also clears the
 * capabilities, and proves setuid(0) fails), then capset(2) directly for a
 * binary given capabilities (libcap would be a dependency for one call). Open
 * sockets keep working; no new raw socket, no file owned by another user, and
 * no regained privilege through exec. */
int dsr_platform_drop_privileges(char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];

	if (uid0_is_root() && dsr_platform_leave_root(err, errlen) < 0)
		return -1;
	memset(data, 0, sizeof(data));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || syscall(SYS_capset, &hdr, data) < 0) {
		snprintf(err, errlen, "cannot drop privileges: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int dsr_platform_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void dsr_platform_now(struct timeval *tv)
{
	gettimeofday(tv, NULL);
}
