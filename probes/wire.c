/* Which frame writer the probes use: libnet's where the build has it (the
 * reference the raw writer is tested against), dsrcheck's own elsewhere. */
#include "wire.h"

const struct dsr_wire_writer *dsr_wire(void)
{
#ifdef DSR_HAVE_LIBNET
	return &dsr_wire_libnet;
#else
	return &dsr_wire_raw;
#endif
}
