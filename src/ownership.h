/* Who owns a VIP over time, and why it changed hands. Fed in time order with
 * the VRRP advertisements and the ARP claims on the VIP that a capture, a
 * watch or an audit saw, it keeps per virtual router the masters that
 * advertised, and turns every change of the VIP's owner into one event:
 *
 *   failover     the old master stopped advertising (for the master-down
 *                interval, or resigned with priority 0) and the new owner took
 *                over: a legitimate handover, reported with its duration;
 *   split-brain  two members of the balancer set own the VIP, or two masters
 *                advertise one virtual router, at once;
 *   flip-flop    the owner changed with no VRRP transition behind it;
 *   unknown-host a MAC that is neither a balancer nor a configured server
 *                claimed the VIP;
 *   no-master    nobody advertised the service's virtual router for longer
 *                than a backup waits before taking over;
 *   base-mac     a balancer claims the VIP with its own MAC while the VRRP
 *                virtual MAC owns it (keepalived's use_vmac, arp_announce=0):
 *                one owner using the wrong MAC, not two owners.
 *
 * Pure: no I/O, no clock, no allocation. The memory is fixed (a few
 * kilobytes) whatever the length of the capture or the watch: counters, the
 * last few masters per virtual router and the last DSR_OWN_EVENTS events, never
 * every frame. A VRRP virtual MAC (keepalived's use_vmac) is one owner,
 * named after the master behind it: "vrrp-51 (lb1)". */
#ifndef DSR_OWNERSHIP_H
#define DSR_OWNERSHIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../probes/probe.h"
#include "config.h"
#include "ha.h"

#define DSR_OWN_ROUTERS 8  /* virtual routers tracked; more are counted */
#define DSR_OWN_MASTERS 4  /* masters kept per virtual router */
#define DSR_OWN_OWNERS 12  /* MACs that claimed the VIP */
#define DSR_OWN_EVENTS 16  /* the last events kept */
#define DSR_OWN_NAME 96

/* An owner change this close to the old owner's last claim is two owners at
 * once (passive/inventory.h's DSR_AT_ONCE_US, the same second). */
#define DSR_OWN_AT_ONCE_US 1000000
/* An owner change waits this long for the VRRP advertisement that explains
 * it (a new master sends its advertisement and its gratuitous ARPs together),
 * and counts the gratuitous ARPs of its burst. */
#define DSR_OWN_GRACE_US 1000000

/* One VRRP advertisement, as decoded (capture/decode.h) or observed. */
struct dsr_vrrp_advert {
	int64_t us; /* capture time, microseconds */
	unsigned vrid;
	uint8_t mac[6];     /* Ethernet source */
	struct in_addr src; /* IP source: the member that advertises */
	uint8_t priority;   /* 0: the master resigns */
	unsigned interval_cs;
};

/* One ARP frame with the VIP as sender address. */
struct dsr_vip_claim {
	int64_t us;
	uint16_t op;     /* DSR_ARP_REQUEST or DSR_ARP_REPLY */
	uint8_t mac[6];  /* sender hardware address */
	bool gratuitous; /* target address == sender address */
};

struct dsr_vrrp_master {
	uint8_t mac[6];
	struct in_addr addr;
	uint8_t priority; /* of its last advertisement */
	unsigned interval_cs;
	int64_t first_us, last_us;
	unsigned long adverts;
	bool resigned;     /* its last advertisement had priority 0 */
	unsigned overlap;  /* consecutive advertisements made while another master was alive */
};

/* A change of master: from's last advertisement, to's first. */
struct dsr_vrrp_transition {
	int from, to; /* indices into the router's masters */
	int64_t from_last_us, to_first_us;
	bool graceful; /* from resigned with priority 0 */
};

struct dsr_vrrp_router {
	unsigned vrid;
	struct dsr_vrrp_master masters[DSR_OWN_MASTERS];
	size_t nmasters;
	unsigned long adverts, untracked; /* untracked: from masters beyond DSR_OWN_MASTERS */
	int current; /* the master that advertised last, -1 before any */
	int64_t last_us;
	unsigned transitions;
	bool has_transition;
	struct dsr_vrrp_transition last; /* the latest transition */
	bool split;                /* two masters advertise at once now */
	unsigned split_brains;     /* times that began */
	int split_a, split_b;      /* the first pair */
	int64_t split_us;
	bool silent;               /* nobody advertises now (told by a tick, not yet ended) */
	unsigned gaps;             /* times nobody advertised for longer than the master-down interval */
	int64_t gap_us, longest_gap_us; /* the first gap's start, and the longest */
};

enum dsr_own_kind {
	DSR_OWN_FAILOVER,
	DSR_OWN_SPLIT_BRAIN,
	DSR_OWN_FLIP_FLOP,
	DSR_OWN_UNKNOWN_HOST,
	DSR_OWN_NO_MASTER,
	DSR_OWN_BASE_MAC, /* a balancer claims the VIP with its own MAC while the VRRP MAC owns it */
	DSR_OWN_KINDS
};

struct dsr_own_event {
	enum dsr_own_kind kind;
	int64_t us; /* when it happened: the new owner's first claim, the second master's advert */
	char from[DSR_OWN_NAME], to[DSR_OWN_NAME]; /* split-brain: both owners; unknown-host: to */
	uint8_t mac[6];      /* unknown-host, base-mac: the MAC that claimed */
	int64_t duration_us; /* failover: old master's last (or priority-0) advertisement to the new
			      * owner's first claim; no-master: the gap; -1: unknown */
	unsigned garps;      /* failover: gratuitous ARPs of the new owner */
	bool garps_unseen;   /* failover: the ARP claims were not watched, so garps says nothing */
	bool graceful;       /* failover: the old master resigned (priority 0) */
	bool vrrp;           /* a VRRP transition was seen behind it */
};

/* "failover", "split-brain", "flip-flop", "unknown-host", "no-master",
 * "base-mac" (all but the first are also the catalogue's reasons). */
const char *dsr_own_kind_name(enum dsr_own_kind kind);

/* Is mac a configured (or learned) real server's? Such claims are the
 * arp.vip.claim checks' business: they never change the owner here. */
typedef bool (*dsr_own_server_fn)(const uint8_t mac[6], void *arg);
/* Called once for every event, when it is decided (at most DSR_OWN_GRACE_US,
 * or the old master's master-down interval, after it happened). */
typedef void (*dsr_own_event_fn)(const struct dsr_own_event *e, void *arg);

struct dsr_vip_owner {
	uint8_t mac[6];
	unsigned long claims, gratuitous;
	int64_t first_us, last_us;
	bool was_owner;
	bool member;     /* of the balancer set (or the VRRP MAC) when first heard */
	bool base_told;  /* a balancer's own MAC: its base-mac event was told */
	int64_t left_us; /* when it last stopped being the owner */
};

struct dsr_own_pending {
	bool active;
	int from, to;        /* owners; equal when only VRRP changed master */
	int64_t claim_us;    /* the new owner's first claim; -1 for none yet */
	bool at_once;        /* within DSR_OWN_AT_ONCE_US of the old owner's last claim */
	unsigned long garps_before;
	bool has_tr;
	struct dsr_vrrp_transition tr;
	int64_t deadline_us;
};

struct dsr_ownership {
	const struct dsr_service *svc; /* the VIP and its vrrp-id; NULL: VRRP only */
	struct dsr_ha_set set;
	dsr_own_server_fn is_server;
	void *server_arg;
	dsr_own_event_fn on_event;
	void *event_arg;
	struct dsr_vrrp_router routers[DSR_OWN_ROUTERS];
	size_t nrouters;
	unsigned long untracked_routers;
	struct dsr_vip_owner owners[DSR_OWN_OWNERS];
	size_t nowners;
	unsigned long untracked_claims;
	int cur; /* the owner now, -1 before any claim */
	struct dsr_own_pending pending;
	struct dsr_own_event events[DSR_OWN_EVENTS]; /* a ring: the last ones */
	unsigned long nevents;                       /* ever decided */
	unsigned long counts[DSR_OWN_KINDS];
	long last_failover; /* event number whose gratuitous ARPs are still counted, -1 none */
	int64_t first_us, last_us;
	bool finished;
	bool claims_unseen; /* fed advertisements only (dsr_ownership_of_run without claims) */
};

/* Starts an empty timeline for svc (may be NULL: VRRP only) whose owners are
 * named by set (may be NULL: no balancer known). */
void dsr_ownership_init(struct dsr_ownership *o, const struct dsr_service *svc,
			const struct dsr_ha_set *set);
/* A newer balancer set (a balancer's MAC learned since): names from now on. */
void dsr_ownership_set_ha(struct dsr_ownership *o, const struct dsr_ha_set *set);
void dsr_ownership_servers(struct dsr_ownership *o, dsr_own_server_fn fn, void *arg);
void dsr_ownership_on_event(struct dsr_ownership *o, dsr_own_event_fn fn, void *arg);

/* Feed in time order (a capture out of order is taken as it comes). */
void dsr_ownership_advert(struct dsr_ownership *o, const struct dsr_vrrp_advert *a);
void dsr_ownership_claim(struct dsr_ownership *o, const struct dsr_vip_claim *c);
/* Time has reached now (no frame): decides what waited for it. */
void dsr_ownership_tick(struct dsr_ownership *o, int64_t now_us);
/* The end of what was watched: decides every pending change, and a trailing
 * silence of the service's virtual router. Further feeding is ignored. */
void dsr_ownership_finish(struct dsr_ownership *o, int64_t end_us);

/* The events kept, oldest first: i < dsr_ownership_kept(o). */
size_t dsr_ownership_kept(const struct dsr_ownership *o);
const struct dsr_own_event *dsr_ownership_event(const struct dsr_ownership *o, size_t i);
/* The virtual router vrid, or NULL when it never advertised. */
const struct dsr_vrrp_router *dsr_ownership_router(const struct dsr_ownership *o, unsigned vrid);
/* A master's name: the balancer at its address, the member with its MAC, else its address. */
void dsr_ownership_master_name(const struct dsr_ownership *o, const struct dsr_vrrp_master *m,
			       char *out, size_t len);
/* The master-down interval of a backup of priority prio (RFC 5798 6.1):
 * 3 x interval + skew, microseconds. */
int64_t dsr_vrrp_master_down_us(unsigned interval_cs, uint8_t prio);

/* One line: "failover lb1 -> lb2 at 12:00:03.123456Z in 3612 ms, 5 gratuitous ARPs". */
void dsr_own_event_text(const struct dsr_own_event *e, char *out, size_t len);

/* A run's observations as the timeline's input: ARP observations whose
 * sender address is the service's VIP (arp.vip, arp.vip.claim) become claims,
 * DSR_OBS_VRRP ones advertisements; others are ignored. lists[k] holds
 * counts[k] observations in capture order; they are merged by time. Then
 * dsr_ownership_finish(o, end_us) with the run's end. For a judge (src/verdict.c)
 * that must tell a split-brain from a failover across tasks. */
void dsr_ownership_observe(struct dsr_ownership *o, const struct dsr_observation *const *lists,
			   const size_t *counts, size_t nlists);

/* All of it for one run: the timeline of svc, named by set (NULL: the
 * configured MACs only), from its observations (lists as above: the VIP's ARP
 * tasks and the vrrp.master task), finished at end (the run's end, capture
 * clock). claims: the lists hold the VIP's ARP claims; without them (the
 * vrrp.master task alone) a failover's gratuitous ARPs are not counted, and
 * its event does not say that none were sent. Then dsr_vip_ownership_verdict
 * (owner_verdict.h) says split-brain, flip-flop or failover. */
void dsr_ownership_of_run(struct dsr_ownership *o, const struct dsr_service *svc,
			  const struct dsr_ha_set *set, const struct dsr_observation *const *lists,
			  const size_t *counts, size_t nlists, bool claims, const struct timeval *end);

#endif
