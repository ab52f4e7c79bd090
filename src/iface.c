/* Interface facts that need no operating system: kept out of the platform files
 * so that every platform shares them and tests can use them without a network. */
#include "platform.h"

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

const char *dsr_iface_device(const struct dsr_iface *ifc)
{
	return ifc->device[0] ? ifc->device : ifc->name;
}
