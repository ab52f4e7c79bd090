/* Which frame writer the probes use: libnet's where the build has it (the
 * reference the raw writer is tested against), dsrcheck's own elsewhere. */
#include "wire.h"

#include <stdio.h>

const struct dsr_wire_writer *dsr_wire(void)
{
#ifdef DSR_HAVE_LIBNET
	return &dsr_wire_libnet;
#else
	return &dsr_wire_raw;
#endif
}

size_t dsr_wire_eth_len(const struct dsr_wire_eth *eth)
{
	return DSR_WIRE_ETH_LEN + (eth->tagged ? DSR_WIRE_VLAN_LEN : 0);
}

bool dsr_wire_tcp_options_ok(const struct dsr_wire_tcp *tcp, char *err, size_t errlen)
{
	if (tcp->options_len <= 40 && tcp->options_len % 4 == 0)
		return true;
	snprintf(err, errlen, "TCP options of %zu bytes: not a multiple of 4 up to 40", tcp->options_len);
	return false;
}
