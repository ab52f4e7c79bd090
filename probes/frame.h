/* Frame building shared by the probe kinds: libnet in LIBNET_NONE mode builds
 * whole Ethernet frames into memory, with no device and no privilege, so
 * builders are testable byte for byte; capture/source.c injects them. */
#ifndef DSR_PROBE_FRAME_H
#define DSR_PROBE_FRAME_H

#include <libnet.h>
#include <stddef.h>
#include <stdint.h>

#include "probe.h"

/* A fresh build context, or NULL with a message in err. */
libnet_t *dsr_frame_begin(char *err, size_t errlen);
/* Serialises what was built (checksums included) into buf and frees l.
 * Returns the length, or -1 with a message in err. */
int dsr_frame_finish(libnet_t *l, uint8_t *buf, size_t cap, char *err, size_t errlen);

/* Judge helpers shared by the IP probes. */
void dsr_judge_rtt(struct dsr_check *out, const struct dsr_observation *o);
/* Sets the fail status, reason and summary for a task that got no answer. */
void dsr_judge_timeout(const struct dsr_task *t, struct dsr_check *out, const char *what);
/* "198.18.0.100:80" or "198.18.0.100" */
void dsr_task_endpoint(const struct dsr_task *t, char *out, size_t outlen);

#endif
