/* What a capture holds when nobody said what to look for: every address ARP
 * or Neighbor Discovery showed, with the MACs that claimed it, in the manner
 * of arpwatch's (and its ndpwatch twin's) table.
 * `dsrcheck analyze FILE` without a deployment reports it (every format renders
 * it after the checks); conflicts and flip-flops are also arp.conflict checks,
 * so that they fail the run.
 *
 * The inventory is a read-only view of the analyser's bounded address table:
 * it costs one row per address, never a check per address, so a capture with a
 * million addresses stays within the table's bound. */
#ifndef DSR_INVENTORY_H
#define DSR_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "../platform/netcompat.h"

/* Two claims by different MACs closer than this are "at once": two hosts
 * answering the same request, not one host taking over from another. */
#define DSR_AT_ONCE_US 1000000

/* MACs kept per address; a claim by one more is counted, not kept. */
#define DSR_INVENTORY_MACS 4

/* What the claims on one address add up to, from best to worst for reading. */
enum dsr_addr_state {
	DSR_ADDR_OK,        /* one MAC only */
	DSR_ADDR_CHANGED,   /* a new MAC took over and the old one never came back: a
			     * replaced NIC, a failover, or a takeover */
	DSR_ADDR_CONFLICT,  /* two MACs claimed it at once */
	DSR_ADDR_FLIP_FLOP, /* the owner changed back to a MAC it had before */
};

/* "ok", "changed", "conflict", "flip-flop": also the reason of arp.conflict. */
const char *dsr_addr_state_name(enum dsr_addr_state state);

/* One MAC's claims on one address: frames where it was the ARP sender. */
struct dsr_claim {
	uint8_t mac[6];
	unsigned long frames;
	unsigned long first_frame, last_frame; /* numbers in the capture, from 1 */
	struct timeval first_seen, last_seen;  /* capture time */
};

/* One address on one segment: the same address in two VLANs is two rows (two
 * broadcast domains, where it may legitimately live twice). */
struct dsr_address {
	uint8_t ntags;       /* 0 untagged (priority-tagged too), 1 one VLAN, 2 QinQ */
	uint16_t vlan;       /* the VLAN id (QinQ: the outer one); 0 untagged */
	uint16_t inner_vlan; /* QinQ: the inner VLAN id */
	bool v6;             /* claimed over Neighbor Discovery: ip6; else over ARP: ip */
	struct in_addr ip;
	struct in6_addr ip6;
	enum dsr_addr_state state;
	unsigned changes;               /* times the claiming MAC changed */
	const struct dsr_claim *claims; /* in order of first appearance */
	size_t nclaims;
};

struct dsr_inventory {
	const struct dsr_address *addresses; /* by segment (untagged, VLANs, QinQ), then address */
	size_t naddresses;
	size_t ntagged; /* rows on a tagged segment: writers show the VLAN only when any */
	size_t nstate[DSR_ADDR_FLIP_FLOP + 1]; /* addresses per state */
	/* ARP frames the bounded table could not hold: of addresses it had no
	 * room for, and of a MAC beyond DSR_INVENTORY_MACS for one address. */
	unsigned long untracked_addr_frames, untracked_mac_frames;
};

/* Orders the rows by segment, then IPv4 before IPv6, then address, and
 * counts them per state. */
void dsr_inventory_finish(struct dsr_inventory *inv, struct dsr_address *rows, size_t n);

/* A row's address as every writer shows it (dotted quad, or RFC 5952 text). */
void dsr_address_ip_text(const struct dsr_address *a, char out[46]);

/* A row's segment as every writer shows it: "" untagged, "20", "100.20" (QinQ). */
void dsr_address_vlan_text(const struct dsr_address *a, char out[16]);

/* A claim's words as every writer shows them: the MAC, and its first and last
 * capture time as RFC 3339 UTC with microseconds ("" for a time gmtime cannot
 * represent). */
struct dsr_claim_text {
	char mac[18], first[32], last[32];
};
void dsr_claim_text(const struct dsr_claim *c, struct dsr_claim_text *t);

#endif
