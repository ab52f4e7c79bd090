/* The probe kinds dsrcheck knows: adding one is one new file and one line here. */
#include <string.h>

#include "probe.h"

static const struct dsr_probe *const probes[] = {
	&dsr_probe_arp,
	&dsr_probe_icmp_echo,
	&dsr_probe_tcp_syn,
	&dsr_probe_arp_claim,
	&dsr_probe_dsr_return,
	&dsr_probe_tcp_conn,
	&dsr_probe_vrrp,
	&dsr_probe_nd,
};

const struct dsr_probe *dsr_probe_find(const char *name)
{
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (strcmp(probes[i]->name, name) == 0)
			return probes[i];
	return NULL;
}

bool dsr_mac_in(const uint8_t (*list)[6], size_t n, const uint8_t mac[6])
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(list[i], mac, 6) == 0)
			return true;
	return false;
}
