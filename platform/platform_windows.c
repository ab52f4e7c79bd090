/* Windows: IP Helper for interfaces (GetAdaptersAddresses: names, GUID, MAC,
 * IPv4 addresses and prefixes) and routes (GetBestRoute2: which interface and
 * source address reach a target, and the next hop when it is off-link);
 * BCryptGenRandom; and a clock in Unix time.
 *
 * An interface is named by its friendly name ("Ethernet 2", as `netsh` and
 * Get-NetAdapter show it), its GUID ("{...}") or Npcap's device name
 * (\Device\NPF_{GUID}); whichever is given, Npcap opens the device name. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <bcrypt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

#define NPF_PREFIX "\\Device\\NPF_"

/* GetAdaptersAddresses' list: grown until it fits (adapters come and go
 * between the calls). NULL with err on failure; the caller frees. */
static IP_ADAPTER_ADDRESSES *adapters(char *err, size_t errlen)
{
	ULONG size = 16 * 1024;
	ULONG flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;

	for (int tries = 0; tries < 4; tries++) {
		IP_ADAPTER_ADDRESSES *list = malloc(size);
		if (!list) {
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
		/* Both families: an adapter's IPv6 addresses are what dsrcheck
		 * probes IPv6 from, and tell an IPv6 VIP held here. */
		ULONG rc = GetAdaptersAddresses(AF_UNSPEC, flags, NULL, list, &size);
		if (rc == NO_ERROR)
			return list;
		free(list);
		if (rc == ERROR_NO_DATA) {
			snprintf(err, errlen, "no network interface has an IP address");
			return NULL;
		}
		if (rc != ERROR_BUFFER_OVERFLOW) {
			snprintf(err, errlen, "GetAdaptersAddresses: Windows error %lu", (unsigned long)rc);
			return NULL;
		}
	}
	snprintf(err, errlen, "GetAdaptersAddresses: the list keeps growing");
	return NULL;
}

static void friendly_name(const IP_ADAPTER_ADDRESSES *a, char *out, size_t size)
{
	if (!WideCharToMultiByte(CP_UTF8, 0, a->FriendlyName, -1, out, (int)size, NULL, NULL))
		snprintf(out, size, "%s", a->AdapterName);
}

/* Windows names are case-insensitive; so is this, for ASCII. */
static bool names_adapter(const IP_ADAPTER_ADDRESSES *a, const char *name)
{
	char friendly[256];
	size_t prefix = strlen(NPF_PREFIX);

	friendly_name(a, friendly, sizeof(friendly));
	return _stricmp(name, friendly) == 0 || _stricmp(name, a->AdapterName) == 0 ||
	       (_strnicmp(name, NPF_PREFIX, prefix) == 0 && _stricmp(name + prefix, a->AdapterName) == 0);
}

/* The best route to dst, through the interface `via` (or any when 0): its
 * interface, next hop and the source address Windows would pick. */
static int best_route(struct in_addr dst, NET_IFINDEX via, MIB_IPFORWARD_ROW2 *row,
		      struct in_addr *src, char *err, size_t errlen)
{
	SOCKADDR_INET to, from;
	char ip[INET_ADDRSTRLEN];

	memset(&to, 0, sizeof(to));
	memset(&from, 0, sizeof(from));
	to.Ipv4.sin_family = AF_INET;
	to.Ipv4.sin_addr = dst;
	DWORD rc = GetBestRoute2(NULL, via, NULL, &to, 0, row, &from);
	if (rc == ERROR_NOT_SUPPORTED) {
		/* Wine has no GetBestRoute2 (the tests run there): the IPv4-only call
		 * gives interface and next hop, but no source address. */
		MIB_IPFORWARDROW old;
		rc = GetBestRoute(dst.s_addr, 0, &old);
		if (rc == NO_ERROR && via && old.dwForwardIfIndex != via)
			rc = ERROR_NOT_FOUND;
		if (rc == NO_ERROR) {
			memset(row, 0, sizeof(*row));
			row->InterfaceIndex = old.dwForwardIfIndex;
			row->NextHop.si_family = AF_INET;
			/* a direct route names the interface's own address as next hop */
			if (old.dwForwardType == MIB_IPROUTE_TYPE_INDIRECT)
				row->NextHop.Ipv4.sin_addr.s_addr = old.dwForwardNextHop;
			from.Ipv4.sin_addr.s_addr = 0;
		}
	}
	if (rc != NO_ERROR) {
		inet_ntop(AF_INET, &dst, ip, sizeof(ip));
		snprintf(err, errlen, "no route to %s (Windows error %lu): name the interface with -i", ip,
			 (unsigned long)rc);
		return -1;
	}
	*src = from.Ipv4.sin_addr;
	return 0;
}

/* Lists the interfaces a user may name, for the "not found" message. */
static void list_names(const IP_ADAPTER_ADDRESSES *list, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (const IP_ADAPTER_ADDRESSES *a = list; a && used + 4 < size; a = a->Next) {
		char friendly[128];
		if (a->IfType == IF_TYPE_SOFTWARE_LOOPBACK)
			continue;
		friendly_name(a, friendly, sizeof(friendly));
		int n = snprintf(out + used, size - used, "%s'%s'", used ? ", " : "", friendly);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

static int fill(const IP_ADAPTER_ADDRESSES *a, bool by_route, struct in_addr src,
		struct in_addr route_to, struct dsr_iface *out, char *err, size_t errlen)
{
	friendly_name(a, out->name, sizeof(out->name));
	snprintf(out->device, sizeof(out->device), NPF_PREFIX "%s", a->AdapterName);
	/* Wi-Fi adapters too: Npcap gives their traffic as Ethernet frames. */
	if ((a->IfType != IF_TYPE_ETHERNET_CSMACD && a->IfType != IF_TYPE_IEEE80211) ||
	    a->PhysicalAddressLength != 6) {
		snprintf(err, errlen, "interface '%s' is not an Ethernet interface", out->name);
		return -1;
	}
	if (a->OperStatus != IfOperStatusUp) {
		snprintf(err, errlen, "interface '%s' is not up", out->name);
		return -1;
	}
	memcpy(out->mac, a->PhysicalAddress, 6);
	for (const IP_ADAPTER_UNICAST_ADDRESS *u = a->FirstUnicastAddress; u; u = u->Next) {
		/* An IPv6 address still in (or failed) duplicate address detection
		 * is not usable yet: neither a source nor a VIP held here. */
		if (u->Address.lpSockaddr->sa_family == AF_INET6 &&
		    (u->DadState == IpDadStatePreferred || u->DadState == IpDadStateDeprecated))
			dsr_iface_add_held6(out, out->name,
					    &((const struct sockaddr_in6 *)(const void *)u->Address.lpSockaddr)->sin6_addr,
					    out->mac);
		if (u->Address.lpSockaddr->sa_family != AF_INET || out->naddrs >= DSR_IFACE_MAX_ADDRS)
			continue;
		struct in_addr addr = ((const struct sockaddr_in *)(const void *)u->Address.lpSockaddr)->sin_addr;
		struct in_addr mask;
		ULONG bits = u->OnLinkPrefixLength > 32 ? 32 : u->OnLinkPrefixLength;
		mask.s_addr = htonl(bits ? 0xffffffffu << (32 - bits) : 0);
		dsr_iface_add_addr(out, addr, mask, by_route ? &src : NULL, route_to);
	}
	return dsr_iface_usable(out, true, true, err, errlen);
}

int dsr_platform_iface(const char *ifname, struct in_addr route_to, struct dsr_iface *out, char *err,
		       size_t errlen)
{
	bool by_route = ifname == NULL || ifname[0] == '\0';
	MIB_IPFORWARD_ROW2 row;
	struct in_addr src = {0};
	const IP_ADAPTER_ADDRESSES *found = NULL;
	IP_ADAPTER_ADDRESSES *list;

	memset(out, 0, sizeof(*out));
	if (by_route && best_route(route_to, 0, &row, &src, err, errlen) < 0)
		return -1;
	if (!(list = adapters(err, errlen)))
		return -1;
	for (const IP_ADAPTER_ADDRESSES *a = list; a && !found; a = a->Next)
		if (by_route ? a->IfIndex == row.InterfaceIndex : names_adapter(a, ifname))
			found = a;
	if (!found) {
		char names[256];
		list_names(list, names, sizeof(names));
		if (by_route)
			snprintf(err, errlen, "no interface holds the route's source address");
		else
			snprintf(err, errlen, "interface '%s' not found (interfaces: %s)", ifname,
				 names[0] ? names : "none");
		free(list);
		return -1;
	}
	int rc = fill(found, by_route, src, route_to, out, err, errlen);
	NET_IFINDEX index = found->IfIndex;
	free(list);
	if (rc < 0)
		return -1;
	/* Off-link targets go through the next hop of the route on this
	 * interface; an on-link route has none (0.0.0.0). */
	if (by_route || best_route(route_to, index, &row, &src, err, errlen) == 0) {
		if (row.NextHop.si_family == AF_INET && row.NextHop.Ipv4.sin_addr.s_addr != 0) {
			out->gateway = row.NextHop.Ipv4.sin_addr;
			out->has_gateway = true;
		}
	}
	err[0] = '\0';
	return 0;
}

/* Windows has no capabilities to give up one by one, and an elevated token
 * cannot drop its elevation. What guards capture is Npcap's own option to
 * restrict its driver to administrators; the handles are open by now. */
int dsr_platform_drop_privileges(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	return 0;
}

bool dsr_platform_leaves_root(void)
{
	return false;
}

int dsr_platform_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, p, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* 100 ns ticks from 1601-01-01 to 1970-01-01. */
#define UNIX_EPOCH_TICKS 116444736000000000ULL

void dsr_platform_now(struct timeval *tv)
{
	FILETIME ft;
	ULARGE_INTEGER t;

	GetSystemTimePreciseAsFileTime(&ft);
	t.LowPart = ft.dwLowDateTime;
	t.HighPart = ft.dwHighDateTime;
	unsigned long long us = (t.QuadPart - UNIX_EPOCH_TICKS) / 10;
	tv->tv_sec = (long)(us / 1000000);
	tv->tv_usec = (long)(us % 1000000);
}
