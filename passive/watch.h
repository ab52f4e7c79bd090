/* dsrcheck watch: listen to the segment without end, say at once when a frame
 * claims a VIP from a MAC that is not the balancer's, an address is claimed by
 * two MACs, or a VIP changes owner (a failover as an "event" line; a
 * split-brain, a flip-flop or a silent VRRP group as an alert), and run the
 * full active audit every interval. */
#ifndef DSR_WATCH_H
#define DSR_WATCH_H

#include <stdbool.h>
#include <stdio.h>

#include "../capture/source.h"
#include "../src/config.h"

typedef void (*dsr_tap_fn)(const uint8_t *data, size_t caplen, const struct timeval *ts, void *arg);

struct dsr_watch_options {
	unsigned interval_ms; /* between audits; 0: no audits */
	bool syslog;          /* alerts to syslog (daemon.warning) as well */
	FILE *out;            /* alert and audit lines */
	/* One audit on src, every frame it captures going through tap as well.
	 * Returns 0 passed, 1 failed, anything else: the audit could not run. */
	int (*audit)(struct dsr_source *src, dsr_tap_fn tap, void *tap_arg, void *arg);
	void *audit_arg;
	uint16_t link_vlan; /* the interface is a sub-interface of this VLAN (0: not) */
};

/* Runs until SIGINT or SIGTERM, then prints a summary. Returns 0, or -1 with
 * a message in err when the capture fails. */
int dsr_watch(const struct dsr_config *cfg, struct dsr_source *src,
	      const struct dsr_watch_options *o, char *err, size_t errlen);

#endif
