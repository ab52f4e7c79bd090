/* Interface facts that need no operating system: kept out of the platform files
 * so that every platform shares them and tests can use them without a network. */
#include "platform.h"

#include <stdio.h>

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
