/* What a capture shows without sending anything: who claims which address
 * with which MAC, whether that changes back and forth, and whether replies to
 * connections made to a VIP leave with the VIP as their source. Used by
 * `dsrcheck analyze` on captures taken anywhere, and by `dsrcheck watch`. */
#ifndef DSR_PASSIVE_H
#define DSR_PASSIVE_H

#include <stddef.h>
#include <sys/time.h>

#include "../capture/decode.h"
#include "../src/check.h"
#include "../src/config.h"
#include "inventory.h"

struct dsr_passive;

/* cfg may describe no service at all: then only address conflicts are
 * reported. NULL when out of memory. cfg must outlive the analyser.
 *
 * VLANs are kept apart: an address is a (segment, address) pair, where the
 * segment is untagged (priority-tagged frames too), one 802.1Q VLAN, or a
 * QinQ outer.inner pair; a service reads only the frames of its own VLAN
 * (dsr_service_vlan), and a QinQ frame is in none. */
struct dsr_passive *dsr_passive_new(const struct dsr_config *cfg);
void dsr_passive_free(struct dsr_passive *p);

/* The capture is a sub-interface's of VLAN vlan (eth0.20), whose tag the
 * kernel took off: its untagged (and priority-tagged) frames are that VLAN's,
 * read by the services with vlan = 20 and those with none (as before VLANs
 * existed), as the audit reads them there. 0, the default: untagged frames
 * are the untagged segment's. Call before the first frame. */
void dsr_passive_link_vlan(struct dsr_passive *p, uint16_t vlan);

/* Called once for each new finding as it happens (watch prints them). */
typedef void (*dsr_alert_fn)(const char *line, void *arg);
void dsr_passive_on_alert(struct dsr_passive *p, dsr_alert_fn fn, void *arg);
/* Called once for each event that is no fault as it is decided: a failover
 * of a VIP between members of its balancer set (watch prints them too). */
void dsr_passive_on_info(struct dsr_passive *p, dsr_alert_fn fn, void *arg);

/* One decoded frame, with its capture time and its number in the capture. */
void dsr_passive_frame(struct dsr_passive *p, const struct dsr_frame *f, const struct timeval *ts,
		       unsigned long frame_no);

/* The checks the capture answers, in report order (malloc'd; *n set).
 * NULL when out of memory. */
struct dsr_check *dsr_passive_verdicts(struct dsr_passive *p, size_t *n);

/* What the capture holds, address by address: built by dsr_passive_verdicts
 * when cfg describes no service (with a deployment, its checks speak for the
 * capture), NULL otherwise. Owned by p; valid until the next
 * dsr_passive_verdicts or dsr_passive_free. The analyze driver hands it to the
 * report writers as dsr_run.inventory. */
const struct dsr_inventory *dsr_passive_inventory(const struct dsr_passive *p);

/* Addresses, claims and flows that did not fit the bounded tables. */
size_t dsr_passive_dropped(const struct dsr_passive *p);

/* With a deployment: QinQ (two-tag) frames seen, which are in no service's
 * VLAN and so never count for one (analyze and watch say how many). 0 without
 * a deployment, whose inventory lists their segments as any other. */
unsigned long dsr_passive_qinq_frames(const struct dsr_passive *p);

#endif
