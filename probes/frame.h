/* Frame building and judging shared by the probe kinds. Frames are built in
 * memory through the frame writer (wire.h), with no device and no privilege,
 * so builders are testable byte for byte; capture/source.c injects them. */
#ifndef DSR_PROBE_FRAME_H
#define DSR_PROBE_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "../src/catalogue.h"
#include "../src/parse.h"
#include "probe.h"
#include "wire.h"

/* The Ethernet header of a frame from me to dst: tagged with me's VLAN, if any. */
struct dsr_wire_eth dsr_eth_from(const struct dsr_local *me, const uint8_t dst[6]);

/* An RFC 5227 ARP probe for target (sender address 0.0.0.0: it asks without
 * writing us into anybody's cache), to dst_mac (broadcast or one host).
 * Returns the frame length or -1 with err. */
int dsr_build_arp_probe(const struct dsr_local *me, const uint8_t dst_mac[6], struct in_addr target,
			uint8_t *buf, size_t cap, char *err, size_t errlen);

/* Duplicate address detection's Neighbor Solicitation for target (source ::,
 * RFC 4862 5.4.2: like the ARP probe, it asks without teaching anyone our
 * address, and the answer goes to all nodes), to dst_mac, or with NULL to the
 * target's solicited-node group. Returns the frame length or -1 with err. */
int dsr_build_nd_probe(const struct dsr_local *me, const uint8_t dst_mac[6], const struct in6_addr *target,
		       uint8_t *buf, size_t cap, char *err, size_t errlen);

/* me's answer to an ARP request from (mac, ip) for me->ip, in me's VLAN. */
int dsr_build_arp_reply(const struct dsr_local *me, const uint8_t mac[6], struct in_addr ip, uint8_t *buf,
			size_t cap, char *err, size_t errlen);

/* Who answers for an address (ARP or Neighbor Discovery): exactly one MAC, the
 * expected one, or the one member of the balancer set at a time for a VIP. */
void dsr_judge_owners(const struct dsr_judge_ctx *ctx, const struct dsr_observation *obs, size_t nobs,
		      struct dsr_check *out);

/* Judge helpers shared by the IP probes. */
/* Evidence of the answer a verdict rests on: who sent it, from where, how fast. */
void dsr_judge_answer(const struct dsr_judge_ctx *j, struct dsr_check *out,
		      const struct dsr_observation *shown, size_t nobs);
/* Every matching frame, also those beyond the observations kept. */
unsigned long dsr_task_replies(const struct dsr_task_state *s, size_t nobs);
/* Did o come from somewhere else than the MAC the probe went to? For probes to
 * a server's own MAC (its real address, or the VIP directly) only that MAC may
 * answer: anything else is a forgery or a second host, never a pass. Answers to
 * tries sent to a next hop the configuration does not name (via_other_hop) are
 * foreign for every probe. */
bool dsr_foreign_answer(const struct dsr_judge_ctx *j, const struct dsr_observation *o);
/* Records such an answer as evidence (foreign_macs), so a forgery is visible. */
void dsr_note_foreign(struct dsr_check *out, const struct dsr_observation *o);
void dsr_judge_rtt(struct dsr_check *out, const struct dsr_observation *o);
/* Sets the fail status, reason and summary for a task that got no answer. */
void dsr_judge_timeout(const struct dsr_judge_ctx *j, struct dsr_check *out, const char *what);
/* After dsr_judge_timeout, the remedy of a direct probe (the VIP at a server's
 * MAC) to ip, port (-1 for none): the server does not accept the VIP, or its MAC
 * is unknown. Returns false, writing nothing, for other probes. */
bool dsr_direct_timeout_remedy(const struct dsr_judge_ctx *j, struct dsr_check *out,
			       const char *ip, int port);
/* The platform a server's remedy is written for: guessed from its replies' TTL. */
enum dsr_platform dsr_judge_platform(const struct dsr_judge_ctx *j);
/* "198.18.0.100:80" or "198.18.0.100" */
void dsr_task_endpoint(const struct dsr_task *t, char *out, size_t outlen);

#endif
