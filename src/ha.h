/* Who may own a service's VIP, by name: the balancer set of the configuration
 * (one balancer, an HA pair), each member's MAC configured or resolved from its
 * own address, the further MACs balancer-mac lists, and the VRRP group's
 * virtual MAC. Ownership is judged against this set, never against whoever
 * answered first: a real server that wins the ARP race for the VIP is still a
 * real server. */
#ifndef DSR_HA_H
#define DSR_HA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define DSR_HA_MAX (DSR_MAX_BALANCERS + DSR_MAX_BALANCER_MACS + 1)

enum dsr_ha_how {
	DSR_HA_CONFIGURED, /* balancer = NAME=ADDR@MAC */
	DSR_HA_RESOLVED,   /* the one MAC that answered for the balancer's own address */
	DSR_HA_LISTED,     /* balancer-mac */
	DSR_HA_VRRP,       /* 00:00:5e:00:01:<vrrp-id>: whichever member is master */
};

struct dsr_ha_member {
	char name[DSR_NAME_MAX]; /* "lb1", the configured name, "vrrp-51", "balancer" */
	uint8_t mac[6];
	enum dsr_ha_how how;
	int balancer; /* index into the service's balancers; -1 for listed and VRRP MACs */
};

/* Members in configuration order: balancers, listed MACs not already a
 * balancer's, the VRRP MAC. A member is one owner: two members answering for
 * the VIP at once is a split-brain, whatever else answers. */
struct dsr_ha_set {
	struct dsr_ha_member members[DSR_HA_MAX];
	size_t n;
	/* Balancers whose MAC is neither configured nor resolved (so their frames
	 * cannot be told from anyone's). */
	size_t unresolved;
};

/* The MACs that answered ARP for addr (a balancer's own address) in what is
 * judged: a run's resolver tasks, or a capture's address table. Writes at most
 * cap of them to out and returns how many there were. */
typedef size_t (*dsr_ha_resolved_fn)(struct in_addr addr, void *arg, uint8_t (*out)[6], size_t cap);

/* resolved may be NULL (nothing learned). A balancer for which two MACs
 * answered is left unresolved: which one is its own is not known. */
void dsr_ha_build(const struct dsr_service *svc, dsr_ha_resolved_fn resolved, void *arg,
		  struct dsr_ha_set *out);
/* Whether the configuration says anything about who owns the VIP. */
bool dsr_ha_configured(const struct dsr_service *svc);
/* The member owning mac, or NULL. */
const struct dsr_ha_member *dsr_ha_find(const struct dsr_ha_set *set, const uint8_t mac[6]);
/* The member named name (a balancer's, for a VRRP master found by its address), or NULL. */
const struct dsr_ha_member *dsr_ha_balancer_at(const struct dsr_ha_set *set,
					       const struct dsr_service *svc, struct in_addr addr);

#endif
