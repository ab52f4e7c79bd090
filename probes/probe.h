/* Probe kinds and the plan of probes.
 *
 * A probe kind (ARP request, ICMP echo, TCP SYN) is one file in probes/ exporting
 * one const struct dsr_probe, registered by one line in probes/registry.c.
 * A dsr_task is one thing to ask the network in this run: which probe kind, to
 * which address and port, on behalf of which check. Replies prove they answer a
 * task through values the task wrote (ICMP id/seq, TCP port and sequence number,
 * ARP target address). */
#ifndef DSR_PROBE_H
#define DSR_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "../platform/netcompat.h"
#include "../capture/decode.h"
#include "../src/check.h"

#define DSR_NO_TASK ((size_t)-1)
#define DSR_MAX_EXPECTED_MACS 8

/* This host, as it appears in the frames it sends. */
struct dsr_local {
	uint8_t mac[6];
	struct in_addr ip;
};

enum dsr_obs_kind {
	DSR_OBS_ARP_REPLY,   /* an ARP reply for the task's target address */
	DSR_OBS_ECHO_REPLY,  /* ICMP echo reply to our id/seq */
	DSR_OBS_UNREACHABLE, /* ICMP destination unreachable quoting our probe */
	DSR_OBS_SYNACK,      /* SYN-ACK acknowledging our SYN */
	DSR_OBS_RST,         /* RST acknowledging our SYN */
};

/* What the wire said about one task: kept apart from what it means. */
struct dsr_observation {
	size_t task;
	enum dsr_obs_kind kind;
	struct timeval ts; /* from the capture header */
	uint8_t mac[6];    /* Ethernet source (ARP: sender hardware address) */
	struct in_addr ip; /* IP source (ARP: sender protocol address) */
	uint8_t ttl;       /* 0 for ARP */
	uint8_t tcp_flags;
	uint8_t icmp_type, icmp_code;
	uint16_t arp_op;       /* ARP: request or reply */
	struct in_addr arp_tpa; /* ARP: target protocol address */
	long rtt_us;    /* since the latest attempt sent before it, -1 if unknown */
	unsigned frame; /* its number in the evidence capture (--pcap), 0 for none */
	/* Provoked by a probe sent to a next hop the configuration does not name,
	 * before the configured one answered ARP: evidence, never the verdict. */
	bool via_other_hop;
};

/* What a frame is to a task. */
enum dsr_match {
	DSR_MATCH_NO,      /* unrelated to the task */
	DSR_MATCH_ANSWER,  /* answers the task: no further attempts are needed */
	DSR_MATCH_WITNESS, /* evidence for the task's judge, but not an answer */
};

/* Which operating system a server most likely runs, from the IP TTL of its
 * replies (128: Windows, 64: Linux/BSD): remedies are written for it. */
enum dsr_os_guess { DSR_OS_UNKNOWN, DSR_OS_LINUX, DSR_OS_WINDOWS };

struct dsr_probe;

struct dsr_task {
	const struct dsr_probe *probe; /* NULL: decided without sending (skip) */
	const char *check_id;          /* NULL for internal tasks */
	const char *service;
	const char *server;
	struct in_addr target;
	int port; /* -1 for none */
	bool is_vip;
	/* An internal task only resolves a next hop's MAC; it yields no check. */
	bool internal;
	const char *skip_reason; /* with probe == NULL */
	const char *skip_summary;

	/* ARP: the MACs allowed to answer (empty: any one MAC). */
	uint8_t expected_macs[DSR_MAX_EXPECTED_MACS][6];
	size_t nexpected;
	/* ARP for a VIP configured on our own interface: we are its owner. */
	bool local_owner;
	/* ARP: the MAC taken from the answers for next hops (see engine.c). */
	bool has_learned_mac;
	uint8_t learned_mac[6];

	/* Sent to the VIP at one server's MAC, the way the balancer forwards. */
	bool direct;
	/* arp.vip.claim: the VIP whose claims are watched (target is the VIP too). */
	bool claim_watch;
	/* The server's MAC from the configuration: used when ARP gets no answer. */
	bool has_fallback_mac;
	uint8_t fallback_mac[6];
	/* Sends nothing: only watches the wire (the service-level arp.vip.claim). */
	bool passive;
	/* Filled in before judging, from all of the run's replies: the server's
	 * likely OS, and (claim watch) every MAC that may claim the VIP. */
	enum dsr_os_guess os_guess;
	const uint8_t (*known_macs)[6];
	size_t nknown;

	/* IP probes: Ethernet destination, known up front or learned from the
	 * ARP task `resolver` (the target itself on-link, or the gateway). */
	bool dst_mac_known;
	uint8_t dst_mac[6];
	size_t resolver;
	struct in_addr nexthop;

	/* Identity written into the probe. */
	uint16_t sport;
	uint32_t seq;
	uint16_t echo_id, echo_seq;

	/* Engine state, read by judge. */
	unsigned attempts;
	struct timeval last_sent;
	unsigned nobs;           /* observations kept for the task (bounded) */
	unsigned long nmatched; /* every matching frame, kept or not: duplicates are counted */
	/* Numbers of the attempts in the evidence capture (--pcap), the first few. */
	unsigned sent_frames[4];
	unsigned nsent_frames;
	bool answered;
	bool unresolved;  /* never sent: the next hop's MAC could not be learned */
	bool followed_up; /* the follow-up frame (a RST after a SYN-ACK) was sent */
	/* The next hop changed to the configured MAC after tries went elsewhere
	 * (engine.c, learn_next_hop): the task has new identifiers and is owed one
	 * try at the configured MAC, whatever its retry budget says. */
	bool corrected_try_due;
};

struct dsr_probe {
	const char *name;
	/* Attempts per task; 0: one plus the run's retries. A probe whose pass is
	 * silence gains nothing from retrying a silence. */
	unsigned max_attempts;
	/* Keep asking after an answer: a second answerer (an address conflict) may
	 * answer a later request when its first answer was lost. */
	bool ask_all;
	/* Builds one attempt of task t, sent by me, into buf (cap bytes). Returns the
	 * frame length, or -1 with a message in err. Needs no privilege. */
	int (*build)(const struct dsr_task *t, const struct dsr_local *me, uint8_t *buf, size_t cap,
		     char *err, size_t errlen);
	/* What is decoded frame f to t? Unless DSR_MATCH_NO, fills obs (all but
	 * task, ts and rtt_us). Reads only the decoded frame, never raw bytes. */
	enum dsr_match (*match)(const struct dsr_task *t, const struct dsr_local *me,
				const struct dsr_frame *f, struct dsr_observation *obs);
	/* Is f one of our own attempts for t? Lets a recorded capture, which holds the
	 * probes too, replay through the same code as a live run. */
	bool (*is_attempt)(const struct dsr_task *t, const struct dsr_local *me,
			   const struct dsr_frame *f);
	/* The only place a verdict is decided: all observations of t (in capture
	 * order) and t's engine state → status, reason, summary, evidence and remedy
	 * in out, whose id/service/server/target/port the caller has set. Pure. */
	void (*judge)(const struct dsr_task *t, const struct dsr_observation *obs, size_t nobs,
		      struct dsr_check *out);
	/* Optional: a frame to send once after the first answer o (live runs only),
	 * e.g. the RST that leaves no half-open connection behind a SYN-ACK. Returns
	 * its length, 0 for none, or -1 with a message in err. */
	int (*follow_up)(const struct dsr_task *t, const struct dsr_local *me,
			 const struct dsr_observation *o, uint8_t *buf, size_t cap, char *err,
			 size_t errlen);
};

extern const struct dsr_probe dsr_probe_arp;
extern const struct dsr_probe dsr_probe_icmp_echo;
extern const struct dsr_probe dsr_probe_tcp_syn;
extern const struct dsr_probe dsr_probe_arp_claim;
extern const struct dsr_probe dsr_probe_dsr_return;

/* Is mac one of the n in list? */
bool dsr_mac_in(const uint8_t (*list)[6], size_t n, const uint8_t mac[6]);

/* Looks a probe kind up by name (for tests and fixtures). */
const struct dsr_probe *dsr_probe_find(const char *name);

#endif
