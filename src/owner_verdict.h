/* What the VIP ownership timeline (ownership.h) means for the checks: the
 * verdict of vrrp.master, and arp.vip's word on the owner's changes. One
 * place, read by the audit's judge (probes/vrrp.c) and by the passive
 * analyser of analyze and watch, so that both say the same of the same frames. */
#ifndef DSR_OWNER_VERDICT_H
#define DSR_OWNER_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "ownership.h"

/* vrrp.master of svc (svc->vrrp_id set) from a finished timeline o, after
 * watching for watched_us: pass (one master at a time; failovers named),
 * split-brain, no-master (nobody advertised within three intervals, or a
 * silence longer than the master-down interval), or not-seen when too little
 * was watched to tell. */
void dsr_vrrp_master_verdict(struct dsr_check *c, const struct dsr_ownership *o,
			     const struct dsr_service *svc, int64_t watched_us);

/* arp.vip on the owner's changes in the finished timeline o: a split-brain
 * (two owners or two masters at once) or a flip-flop fails c and returns true;
 * failovers are events, listed in the evidence ("events") and, when
 * pass_summary, in the summary of a pass. Returns false when c is left to
 * judge otherwise. vip: the VIP as text. */
bool dsr_vip_ownership_verdict(struct dsr_check *c, const struct dsr_ownership *o, const char *vip,
			       bool pass_summary);

/* The service-level arp.vip.claim on the same timeline: a balancer that
 * claimed the VIP with its own MAC while the VRRP virtual MAC owns it fails c
 * base-mac and returns true; false leaves c as it is. */
bool dsr_vip_claim_ownership_verdict(struct dsr_check *c, const struct dsr_ownership *o, const char *vip);

/* Evidence "events": the kept events' texts (as many as fit), and "events_total". */
void dsr_ownership_evidence(struct dsr_check *c, const struct dsr_ownership *o);

#endif
