/* Interface facts that need no operating system: kept out of the platform files
 * so that every platform shares them and tests can use them without a network. */
#include "platform.h"

#include <stdio.h>
#include <string.h>

bool dsr_iface_on_link(const struct dsr_iface *ifc, struct in_addr addr)
{
	for (size_t i = 0; i < ifc->naddrs; i++)
		if ((ifc->addrs[i].s_addr & ifc->masks[i].s_addr) ==
		    (addr.s_addr & ifc->masks[i].s_addr))
			return true;
	return false;
}

bool dsr_iface_has_addr(const struct dsr_iface *ifc, struct in_addr addr)
{
	for (size_t i = 0; i < ifc->naddrs; i++)
		if (ifc->addrs[i].s_addr == addr.s_addr)
			return true;
	return false;
}

const char *dsr_iface_holder(const struct dsr_iface *ifc, struct in_addr addr, const uint8_t **mac)
{
	if (dsr_iface_has_addr(ifc, addr)) {
		if (mac)
			*mac = ifc->mac;
		return ifc->name;
	}
	for (size_t i = 0; i < ifc->nstacked; i++)
		if (ifc->stacked[i].addr.s_addr == addr.s_addr) {
			if (mac)
				*mac = ifc->stacked[i].mac;
			return ifc->stacked[i].name;
		}
	return NULL;
}

const char *dsr_iface_holder6(const struct dsr_iface *ifc, const struct in6_addr *addr, const uint8_t **mac)
{
	for (size_t i = 0; i < ifc->nheld6; i++)
		if (memcmp(&ifc->held6[i].addr, addr, sizeof(*addr)) == 0) {
			if (mac)
				*mac = ifc->held6[i].mac;
			return ifc->held6[i].name;
		}
	return NULL;
}

void dsr_iface_add_held6(struct dsr_iface *ifc, const char *name, const struct in6_addr *addr,
			 const uint8_t mac[6])
{
	if (ifc->nheld6 >= DSR_IFACE_MAX_ADDRS)
		return;
	ifc->held6[ifc->nheld6].addr = *addr;
	memcpy(ifc->held6[ifc->nheld6].mac, mac, 6);
	snprintf(ifc->held6[ifc->nheld6].name, sizeof(ifc->held6[0].name), "%s", name);
	ifc->nheld6++;
}

const char *dsr_iface_device(const struct dsr_iface *ifc)
{
	return ifc->device[0] ? ifc->device : ifc->name;
}

void dsr_iface_add_addr(struct dsr_iface *ifc, struct in_addr addr, struct in_addr mask,
			const struct in_addr *route_src, struct in_addr route_to)
{
	if (ifc->naddrs >= DSR_IFACE_MAX_ADDRS)
		return;
	size_t i = ifc->naddrs++;
	ifc->addrs[i] = addr;
	ifc->masks[i] = mask;
	bool preferred = route_src ? addr.s_addr == route_src->s_addr
				   : (addr.s_addr & mask.s_addr) == (route_to.s_addr & mask.s_addr);
	if (preferred && i > 0) {
		ifc->addrs[i] = ifc->addrs[0];
		ifc->masks[i] = ifc->masks[0];
		ifc->addrs[0] = addr;
		ifc->masks[0] = mask;
	}
}

int dsr_iface_usable(const struct dsr_iface *ifc, bool found, bool has_mac, char *err, size_t errlen)
{
	if (!found)
		snprintf(err, errlen, "interface '%s' not found", ifc->name);
	else if (!has_mac)
		snprintf(err, errlen, "interface '%s' is not an Ethernet interface", ifc->name);
	else
		return 0; /* no address is fine on a trunk: its VLANs' sources are the plan's */
	return -1;
}
