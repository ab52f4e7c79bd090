/* From configuration and vantage point to the list of tasks of one run. Pure:
 * no I/O, so the plan for any deployment can be built and printed in a test. */
#ifndef DSR_PLAN_H
#define DSR_PLAN_H

#include "../probes/probe.h"
#include "config.h"
#include "../platform/platform.h"

struct dsr_plan {
	const struct dsr_task *tasks; /* report order; internal tasks anywhere */
	size_t ntasks;
	struct dsr_local me;
	/* The VLANs probed tagged from this trunk, one per VLAN (tasks name theirs
	 * by index + 1 in vantage). */
	struct dsr_local *tagged;
	size_t ntagged;
	/* The interface is itself a VLAN's (a sub-interface): its id, else 0. */
	uint16_t iface_vlan;
	bool on_segment;
	bool is_balancer; /* a VIP or a balancer's own address is this host's */
	/* A VIP this host holds now (a balancer that is master), and the
	 * interface it is on: the probing one, or one stacked on it (vrrp.51). */
	bool holds_vip;
	bool neighbor_discovery; /* IPv6 tasks are planned: the capture admits ICMPv6 */
	char vip_on[64];
	uint16_t sport_first, sport_last; /* TCP source ports in use: the capture filter admits these */
	/* Among them, the ports of this host's own connections (tcp.vip.conn),
	 * whose every segment counts, not only SYN and RST: 0 and 0 for none. */
	uint16_t conn_first, conn_last;
	uint32_t key;                     /* what the probe identifiers are mixed with */
};

/* key makes this run's probe identifiers unpredictable (and reproducible for
 * recorded fixtures). Returns 0, or -1 with a message in err. */
int dsr_plan_build(const struct dsr_config *cfg, const struct dsr_iface *ifc, uint32_t key,
		   struct dsr_plan *plan, char *err, size_t errlen);
void dsr_plan_free(struct dsr_plan *plan);

/* This host as task t's frames show it: plan->me, or the VLAN it probes tagged. */
const struct dsr_local *dsr_plan_me(const struct dsr_plan *plan, const struct dsr_task *t);

/* New identifiers (TCP sequence number, ICMP echo sequence) in s, the state of
 * one of plan's tasks, so that answers to its earlier tries no longer match it;
 * as unpredictable as the first ones, and the same in a replay of the run. */
void dsr_plan_reidentify(const struct dsr_plan *plan, struct dsr_task_state *s);

#endif
