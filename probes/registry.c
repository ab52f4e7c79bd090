/* The probe kinds dsrcheck knows: adding one is one new file and one line here. */
#include <string.h>

#include "probe.h"

static const struct dsr_probe *const probes[] = {
	&dsr_probe_arp,
	&dsr_probe_icmp_echo,
	&dsr_probe_tcp_syn,
};

const struct dsr_probe *dsr_probe_find(const char *name)
{
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (strcmp(probes[i]->name, name) == 0)
			return probes[i];
	return NULL;
}
