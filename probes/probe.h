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
#include "../src/config.h"

#define DSR_NO_TASK ((size_t)-1)
#define DSR_MAX_OWNER_TASKS 8 /* DSR_MAX_BALANCERS */
#define DSR_MAX_EXPECTED_MACS 17 /* DSR_HA_MAX: a balancer set's MACs */

/* This host, as it appears in the frames it sends: on the untagged segment,
 * or in one VLAN of a trunk (its frames tagged vlan with priority vlan_pcp). */
struct dsr_local {
	uint8_t mac[6];
	struct in_addr ip;
	uint16_t vlan; /* 0: untagged */
	uint8_t vlan_pcp;
	/* ip is no address of this host's (source = on a trunk): nobody but
	 * dsrcheck answers ARP for it there, and the servers must reach it. */
	bool answers_arp;
	/* The source of IPv6 probes: an IPv6 address of this host on the segment
	 * (its own stack answers Neighbor Discovery for it). */
	bool has_ip6;
	struct in6_addr ip6;
};

enum dsr_obs_kind {
	DSR_OBS_ARP_REPLY,   /* an ARP reply for the task's target address */
	DSR_OBS_ECHO_REPLY,  /* ICMP echo reply to our id/seq */
	DSR_OBS_UNREACHABLE, /* ICMP destination unreachable quoting our probe */
	DSR_OBS_SYNACK,      /* SYN-ACK acknowledging our SYN */
	DSR_OBS_RST,         /* RST acknowledging our SYN */
	DSR_OBS_SEGMENT,     /* any other TCP segment of one of our connections (tcp_conn.c) */
	DSR_OBS_VRRP,        /* a VRRP advertisement of the task's virtual router */
	DSR_OBS_ND_ADVERT,   /* a Neighbor Advertisement for the task's IPv6 target */
	DSR_OBS_ND_SOLICIT,  /* a Neighbor Solicitation for it (nd_dad), or from it as source */
};

/* What the wire said about one task: kept apart from what it means. */
struct dsr_observation {
	size_t task;
	enum dsr_obs_kind kind;
	struct timeval ts; /* from the capture header */
	uint8_t mac[6];    /* Ethernet source (ARP: sender hardware address) */
	struct in_addr ip; /* IP source (ARP: sender protocol address) */
	struct in6_addr ip6; /* IPv6 source, for the tasks of IPv6 (t->v6) */
	uint8_t ttl;       /* 0 for ARP */
	uint8_t tcp_flags;
	uint8_t icmp_type, icmp_code;
	uint16_t arp_op;       /* ARP: request or reply */
	/* TCP: our port of the connection it belongs to, and its numbers. */
	uint16_t lport;
	uint32_t tcp_seq, tcp_ack;
	struct in_addr arp_tpa; /* ARP: target protocol address */
	/* Neighbor Discovery: the advertisement's flags; a solicitation from ::
	 * (duplicate address detection) */
	bool nd_solicited, nd_override, nd_dad;
	/* VRRP: the advertisement (mac and ip: who sent it) */
	uint8_t vrrp_vrid, vrrp_priority;
	uint16_t vrrp_interval_cs;
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
struct dsr_ha_set;
/* What a probe running connections of this host's own TCP keeps open
 * between the engine's turns: defined by that probe (probes/tcp_conn.c). */
struct dsr_probe_live;

/* One thing to ask the network in this run, as the plan asks it: read-only
 * once dsr_plan_build returns. What the engine learns while running is in
 * struct dsr_task_state, never here. */
struct dsr_task {
	const struct dsr_probe *probe; /* NULL: decided without sending (skip) */
	const char *check_id;          /* NULL for internal tasks */
	const char *service;
	const char *server;
	struct in_addr target;
	/* An IPv6 task (Neighbor Discovery): its address is target6, not target. */
	bool v6;
	struct in6_addr target6;
	int port; /* -1 for none */
	bool is_vip;
	/* An internal task only resolves a next hop's MAC; it yields no check. */
	bool internal;
	const char *skip_reason; /* with probe == NULL */
	/* Where its frames leave from: 0 the interface itself (plan->me), k the
	 * plan's tagged vantage k - 1 (a VLAN of a trunk): dsr_plan_me. */
	uint16_t vantage;
	const char *skip_summary;

	/* ARP: the MACs allowed to answer (empty: any one MAC). */
	uint8_t expected_macs[DSR_MAX_EXPECTED_MACS][6];
	size_t nexpected;
	/* ARP for a VIP configured on our own interface: we are its owner. */
	bool local_owner;
	/* ARP for a VIP: the internal tasks that resolve the balancers' own
	 * addresses. A MAC one of them learns is the balancer's, preferred as the
	 * VIP's next hop like a configured one, whoever answered first. */
	size_t owner_tasks[DSR_MAX_OWNER_TASKS];
	size_t nowner_tasks;
	/* The MAC our own interface answers for it with (a stacked macvlan's, such
	 * as keepalived's vrrp.N): its answers are ours, not another owner's. */
	uint8_t local_mac[6];

	/* Sent to the VIP at one server's MAC, the way the balancer forwards. */
	bool direct;
	/* arp.vip.claim: the VIP whose claims are watched (target is the VIP too). */
	bool claim_watch;
	/* The server's MAC from the configuration: used when ARP gets no answer. */
	bool has_fallback_mac;
	uint8_t fallback_mac[6];
	/* Sends nothing: only watches the wire (the service-level arp.vip.claim, vrrp.master). */
	bool passive;
	/* vrrp.master: the service whose virtual router (vrrp_id) is watched, and
	 * whose balancers name its masters. */
	const struct dsr_service *svc;
	/* vrrp.master: this host holds the VIP, so VRRP made it master (its own
	 * advertisements may leave by a macvlan the capture does not see). */
	bool vip_held;
	/* vrrp.master, arp.vip: the service's balancer this host is (by address), -1 none */
	int self_balancer;

	/* IP probes: the ARP task `resolver` that learns the Ethernet destination
	 * (the target itself on-link, or the gateway). */
	size_t resolver;
	struct in_addr nexthop;

	/* Identity first written into the probe (the engine's state carries the
	 * current one, which a next-hop correction renews). */
	uint16_t sport;
	uint32_t seq;
	uint16_t echo_id, echo_seq;
};

/* What the engine learns about one task while it runs: one per plan task, in
 * plan order, owned by the observations (engine.h) and freed with them. */
struct dsr_task_state {
	/* Identity written into the probe now: the plan's, until the next hop is
	 * corrected (engine.c, learn_next_hop) and new identifiers keep answers to
	 * the earlier tries from matching. */
	uint16_t sport;
	uint32_t seq;
	uint16_t echo_id, echo_seq;
	/* IP probes: the Ethernet destination, learned from the resolver's ARP or
	 * the configured fallback (claim watch: the server's MAC). */
	bool dst_mac_known;
	uint8_t dst_mac[6];
	/* ARP: the MAC taken from the answers for next hops (see engine.c), and
	 * the latest attempt (its send time, us) that MAC answered. */
	bool has_learned_mac;
	uint8_t learned_mac[6];
	long long learned_attempt_us;

	unsigned attempts;
	struct timeval last_sent;
	unsigned nobs;           /* observations kept for the task (bounded) */
	unsigned long nmatched; /* every matching frame, kept or not: duplicates are counted */
	/* Numbers of the attempts in the evidence capture (--pcap), the first few. */
	unsigned sent_frames[4];
	unsigned nsent_frames;
	bool answered;
	/* Passive tasks: the span of capture time the run watched the wire, set
	 * when the run ends (live: from its start; replay: the capture's frames). */
	struct timeval watch_from, watch_to;
	/* The index in the run's observations of the task's first (with nobs > 0). */
	size_t first_obs;
	bool unresolved;  /* never sent: the next hop's MAC could not be learned */
	bool followed_up; /* the follow-up frame (a RST after a SYN-ACK) was sent */
	/* Probes with run (struct dsr_probe): what they hold open, and whether
	 * they are done. */
	struct dsr_probe_live *live;
	bool finished;
	/* The next hop changed to the configured MAC after tries went elsewhere:
	 * the task has new identifiers and is owed one try at the configured MAC,
	 * whatever its retry budget says. */
	bool corrected_try_due;
	/* The VIP's owner checks (arp.vip, vrrp.master) on a balancer: the VIP was
	 * this host's when the plan was made and no longer is when the run ended
	 * (released), or the other way round (acquired). A failover from or to
	 * this host during the run: the other member's answers and advertisements
	 * are then its turn, not a second owner. */
	bool vip_released, vip_acquired;
};

/* Everything a judge may read, none of which it may change: the task as
 * planned, what the engine learned about it, and facts drawn from the whole run. */
struct dsr_judge_ctx {
	const struct dsr_task *task;
	const struct dsr_task_state *state;
	/* The server's likely OS, from the TTL of all its replies in the run. */
	enum dsr_os_guess os_guess;
	/* Claim watch of a service: every MAC that may claim the VIP (the balancer,
	 * the configured servers' MACs, configured or learned). */
	const uint8_t (*known_macs)[6];
	size_t nknown;
	/* Checks of a service: who may own its VIP (src/ha.h), by name, and the
	 * MACs that answered ARP for the VIP in this run. */
	const struct dsr_ha_set *ha;
	const uint8_t (*vip_owners)[6];
	size_t nvip_owners;
};

/* What names a task on the wire. Every task that sends or matches has one key,
 * computed from its plan and state; every frame yields the keys of the tasks
 * it may concern (dsr_frame_keys). The engine finds a frame's tasks by lookup,
 * so the cost of a frame does not grow with the number of probes. */
enum dsr_key_kind {
	DSR_KEY_NONE,     /* matches nothing (yet): not looked up */
	DSR_KEY_ARP,      /* ARP about addr (sender or target address) */
	DSR_KEY_ARP_FROM, /* ARP about addr, to or from the MAC in mac */
	DSR_KEY_TCP,      /* our SYN's source port (port) and sequence number (num) */
	DSR_KEY_ECHO,     /* our echo's id (port) and sequence number (num) */
	/* A connection of this host's TCP with the peer's address (addr) and port
	 * (num), from one of the DSR_CONN_PORTS local ports starting at port. */
	DSR_KEY_CONN,
	DSR_KEY_VRRP,     /* a VRRP advertisement of virtual router num */
	DSR_KEY_ND,       /* Neighbor Discovery about an IPv6 address (addr: dsr_key_fold6) */
	DSR_KEY_ND_FROM,  /* the same, from the MAC in mac */
};

/* Local ports per task of this host's own connections: a block aligned on
 * its size, so that a frame's key names the block without the plan. */
#define DSR_CONN_PORTS 32u
#define DSR_CONN_BLOCK(port) ((uint16_t)((port) & ~(DSR_CONN_PORTS - 1)))

struct dsr_key {
	enum dsr_key_kind kind;
	uint32_t addr; /* network order */
	uint32_t num;
	uint16_t port;
	uint8_t mac[6];
};

#define DSR_FRAME_KEYS_MAX 6

/* The keys of the tasks frame f may concern: answers, ICMP errors quoting a
 * probe, and (for a replay) our own attempts. Returns how many, each once. */
size_t dsr_frame_keys(const struct dsr_frame *f, struct dsr_key out[DSR_FRAME_KEYS_MAX]);
/* An IPv6 address folded into a key's 32 bits: two addresses may share it,
 * a probe's match tells them apart. */
uint32_t dsr_key_fold6(const struct in6_addr *a);
bool dsr_key_equal(const struct dsr_key *a, const struct dsr_key *b);

struct dsr_probe {
	const char *name;
	/* Attempts per task; 0: one plus the run's retries. A probe whose pass is
	 * silence gains nothing from retrying a silence. */
	unsigned max_attempts;
	/* Keep asking after an answer: a second answerer (an address conflict) may
	 * answer a later request when its first answer was lost. */
	bool ask_all;
	/* Its ARP answers teach the next hop's MAC to the tasks it resolves. */
	bool resolves;
	/* The key of task t in state s. match and is_attempt must say DSR_MATCH_NO
	 * and false for a frame none of whose keys (dsr_frame_keys) is this one: the
	 * engine only asks them about frames found under it. */
	struct dsr_key (*key)(const struct dsr_task *t, const struct dsr_task_state *s);
	/* Builds one attempt of task t (identity and destination from s), sent by
	 * me, into buf (cap bytes). Returns the frame length, or -1 with a message
	 * in err. Needs no privilege. */
	int (*build)(const struct dsr_task *t, const struct dsr_task_state *s,
		     const struct dsr_local *me, uint8_t *buf, size_t cap, char *err, size_t errlen);
	/* What is decoded frame f to t in state s? Unless DSR_MATCH_NO, fills obs
	 * (all but task, ts and rtt_us). Reads only the decoded frame, never raw bytes. */
	enum dsr_match (*match)(const struct dsr_task *t, const struct dsr_task_state *s,
				const struct dsr_local *me, const struct dsr_frame *f,
				struct dsr_observation *obs);
	/* Is f one of our own attempts for t in state s? Lets a recorded capture,
	 * which holds the probes too, replay through the same code as a live run. */
	bool (*is_attempt)(const struct dsr_task *t, const struct dsr_task_state *s,
			   const struct dsr_local *me, const struct dsr_frame *f);
	/* The only place a verdict is decided: all observations of j->task (in
	 * capture order) and the read-only context j → status, reason, summary,
	 * evidence and remedy in out, whose id/service/server/target/port the
	 * caller has set. Pure: writes nothing but out. */
	void (*judge)(const struct dsr_judge_ctx *j, const struct dsr_observation *obs, size_t nobs,
		      struct dsr_check *out);
	/* Optional: a frame to send once after the first answer o (live runs only),
	 * e.g. the RST that leaves no half-open connection behind a SYN-ACK. Returns
	 * its length, 0 for none, or -1 with a message in err. */
	int (*follow_up)(const struct dsr_task *t, const struct dsr_task_state *s,
			 const struct dsr_local *me, const struct dsr_observation *o, uint8_t *buf,
			 size_t cap, char *err, size_t errlen);

	/* Optional, for a probe whose attempts are connections of this host's own
	 * TCP stack instead of frames built here (its build is NULL, and the engine
	 * injects nothing for it). Live runs only: a replay counts the attempts it
	 * recorded through is_attempt, like any probe's. */
	/* Called once the task is due, then at every turn of the engine's loop
	 * until it returns 0: opens, moves on and closes connections without ever
	 * blocking, keeps them in s->live, counts them in s->attempts and stamps
	 * s->last_sent. timeout_ms and retries are the run's. Sets *wake to the
	 * latest time (now_us's clock) it wants to be called again. Returns 1 while
	 * running, 0 when done (s->finished), -1 with a message in err. */
	int (*run)(const struct dsr_task *t, struct dsr_task_state *s, const struct dsr_local *me,
		   unsigned timeout_ms, unsigned retries, long long now_us, long long *wake, char *err,
		   size_t errlen);
	/* Told each observation matched to the task in a live run, as it comes:
	 * the wire, not the socket, says when a connection has been answered. */
	void (*seen)(const struct dsr_task *t, struct dsr_task_state *s,
		     const struct dsr_observation *o);
	/* Closes whatever run left open and frees s->live: at the end of every
	 * live run, interrupted or failed ones too. */
	void (*finish)(const struct dsr_task *t, struct dsr_task_state *s);
	/* Optional, for tasks that only watch: how long from the run's start the
	 * task must watch the wire before its judge can decide (first: its first
	 * observation, NULL before any). The engine keeps a live run going that
	 * long, within the run's time limit. */
	unsigned (*min_watch_ms)(const struct dsr_task *t, const struct dsr_observation *first);
};

/* The task's address as text, IPv4 or IPv6 (out: 46 bytes, DSR_IPV6_TEXT). */
void dsr_task_addr_text(const struct dsr_task *t, char out[46]);

/* A task's state before the engine has done anything: the plan's identity. */
void dsr_task_state_init(const struct dsr_task *t, struct dsr_task_state *s);

extern const struct dsr_probe dsr_probe_arp;
extern const struct dsr_probe dsr_probe_icmp_echo;
extern const struct dsr_probe dsr_probe_tcp_syn;
extern const struct dsr_probe dsr_probe_arp_claim;
extern const struct dsr_probe dsr_probe_dsr_return;
extern const struct dsr_probe dsr_probe_tcp_conn;
extern const struct dsr_probe dsr_probe_vrrp;
extern const struct dsr_probe dsr_probe_nd;

/* Is mac one of the n in list? */
bool dsr_mac_in(const uint8_t (*list)[6], size_t n, const uint8_t mac[6]);

/* Looks a probe kind up by name (for tests and fixtures). */
const struct dsr_probe *dsr_probe_find(const char *name);

#endif
