/* Send and capture: every task of the plan in flight together, paced by the
 * rate, retried, and every captured frame matched to the tasks it answers.
 * Produces observations only; what they mean is decided by the judges. */
#ifndef DSR_ENGINE_H
#define DSR_ENGINE_H

#include <signal.h>

#include "../capture/dump.h"
#include "../capture/source.h"
#include "plan.h"

/* What a live run has done so far: counts only, the caller words them. */
struct dsr_engine_progress {
	size_t frames_sent;         /* probes, retries and follow-ups sent */
	size_t answers;             /* captured frames that answered a probe of ours */
	size_t tasks_done, tasks;   /* tasks with nothing left to send or wait for */
	size_t servers_settled;     /* servers whose every task is done */
	size_t servers;             /* servers the plan probes (0: none, e.g. only VIPs) */
	long long elapsed_ms;       /* since the run started */
	long long left_ms;          /* an estimate of what is left, within the time limit */
};

#define DSR_PROGRESS_EVERY_MS 100

struct dsr_engine_options {
	unsigned timeout_ms; /* wait for an answer to each attempt */
	unsigned retries;    /* extra attempts for an unanswered task */
	unsigned listen_ms;  /* the whole run lasts at least this long */
	unsigned rate;       /* at most this many frames per second */
	/* Where a live run stands, for a progress line: called at most every
	 * DSR_PROGRESS_EVERY_MS while the run lasts (never at its end: the caller
	 * knows when dsr_engine_run returns); may be NULL. */
	void (*progress)(const struct dsr_engine_progress *p, void *arg);
	void *progress_arg;
	/* Evidence capture: every frame sent and captured goes there; may be NULL. */
	struct dsr_dump *dump;
	/* The whole run must end within this (0: no limit); reaching it is an error. */
	unsigned time_limit_ms;
	/* Set (by a signal handler) to stop: no more probes, a RST for every
	 * connection attempt that may be left half-open, then an error. May be NULL. */
	volatile sig_atomic_t *stop;
	/* Sees every captured frame first (watch's passive analyser); may be NULL. */
	void (*tap)(const uint8_t *data, size_t caplen, const struct timeval *ts, void *arg);
	void *tap_arg;
};

/* Frames seen and why some were of no use: unusable frames never pass a check,
 * but they are counted so a report can say the wire was noisy or hostile. */
struct dsr_task_index;

struct dsr_observations {
	struct dsr_observation *items;
	size_t n, cap;
	size_t frames, truncated, invalid, unrelated, unmatched, own, dropped;
	size_t frames_sent;
	/* What the engine learned about each task of the plan, in plan order
	 * (nstate == the plan's ntasks once the engine has started), and the index
	 * that finds a frame's tasks by key. The plan itself is never written. */
	struct dsr_task_state *state;
	size_t nstate;
	struct dsr_task_index *index;
	/* Capture times of the first and last frame fed (a replay's watch span). */
	struct timeval first_ts, last_ts;
	/* When the live run started (microseconds, the platform clock; 0 for a
	 * replay): minimum watches (dsr_probe.min_watch_ms) count from it. */
	long long started_us;
};

#define DSR_MAX_OBSERVATIONS 65536
#define DSR_MAX_OBSERVATIONS_PER_TASK 64

/* Live run on src (dsr_source_is_live). Returns 0, or -1 with err. */
int dsr_engine_run(const struct dsr_plan *plan, struct dsr_source *src, const struct dsr_engine_options *o,
		   struct dsr_observations *obs, char *err, size_t errlen);

/* Replays a recorded capture that holds our probes and the answers, as if live.
 * Returns 0, or -1 with err. */
int dsr_engine_replay(const struct dsr_plan *plan, struct dsr_source *src, struct dsr_observations *obs,
		      char *err, size_t errlen);

/* The engine's state for plan in obs, made when missing: what a test sets up
 * before feeding frames. Returns 0, or -1 when out of memory. */
int dsr_engine_prepare(const struct dsr_plan *plan, struct dsr_observations *obs);

/* One captured frame through decoding and matching: the path both share.
 * Prepares obs first if needed (a frame it cannot take is counted dropped). */
void dsr_engine_feed(const struct dsr_plan *plan, const uint8_t *bytes, size_t caplen,
		     const struct timeval *ts, bool record_attempts, struct dsr_observations *obs);

/* The ARP replies dsrcheck sends for a VLAN's source address (one no host
 * interface holds) are bounded on their own, whatever asks: a requester (VLAN,
 * address, MAC) gets at most one reply per DSR_REPLY_PEER_MS, enough for a
 * kernel's retransmitted request (Linux: 1 s) to be answered, and all of them
 * together at most half the rate, in bursts of a tenth of a second's worth
 * (DSR_REPLY_BURST_MIN at least), so that a flood of requests can neither
 * multiply into replies nor take the probes' half of the rate. */
#define DSR_REPLY_PEER_MS 500
#define DSR_REPLY_PEERS 64
#define DSR_REPLY_BURST_MIN 8
struct dsr_reply_limit {
	long long cost_us, burst_us; /* per reply; how far ahead the bucket may run */
	long long busy_until;        /* when every reply sent so far is paid for */
	struct {
		long long last_us;
		uint32_t ip;
		uint16_t vlan;
		uint8_t mac[6];
	} peers[DSR_REPLY_PEERS];   /* the latest requesters answered */
	size_t npeers;
	size_t sent, refused;
};

/* A limit for a run at rate frames per second. */
void dsr_reply_limit_init(struct dsr_reply_limit *l, unsigned rate);

/* Whether the request from ip (network order) and mac in vlan, seen at now_us,
 * gets a reply; counts it as sent or refused. */
bool dsr_reply_limit_allow(struct dsr_reply_limit *l, uint16_t vlan, uint32_t ip, const uint8_t mac[6],
			   long long now_us);

/* The capture filter for a plan: ARP, and ICMP/TCP addressed to us on our ports. */
#define DSR_FILTER_MAX 32768
void dsr_engine_filter(const struct dsr_plan *plan, char *out, size_t outlen);

void dsr_observations_free(struct dsr_observations *obs);

#endif
