#include "engine.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/decode.h"
#include "parse.h"
#include "platform.h"

/* Wake up at least this often so pacing and deadlines stay accurate even if
 * the capture descriptor cannot be polled (some platforms). */
#define MAX_SLEEP_MS 20
#define FRAME_MAX 128

static long long us_of(const struct timeval *tv)
{
	return (long long)tv->tv_sec * 1000000 + tv->tv_usec;
}

static long long now_us(void)
{
	struct timeval tv;
	dsr_platform_now(&tv);
	return us_of(&tv);
}

static void add_observation(struct dsr_observations *obs, const struct dsr_observation *o)
{
	size_t per_task = 0;

	/* A flood of answers must not grow memory without bound: duplicates beyond
	 * the cap are counted, not kept. */
	for (size_t i = obs->n; i > 0 && per_task < DSR_MAX_OBSERVATIONS_PER_TASK; i--)
		per_task += obs->items[i - 1].task == o->task;
	if (per_task >= DSR_MAX_OBSERVATIONS_PER_TASK || obs->n >= DSR_MAX_OBSERVATIONS) {
		obs->dropped++;
		return;
	}
	if (obs->n == obs->cap) {
		size_t cap = obs->cap ? obs->cap * 2 : 64;
		struct dsr_observation *items = realloc(obs->items, cap * sizeof(*items));
		if (!items) {
			obs->dropped++;
			return;
		}
		obs->items = items;
		obs->cap = cap;
	}
	obs->items[obs->n++] = *o;
}

/* The MAC an IP probe is sent to, once its next hop has answered ARP: the
 * expected MAC when one of the answers has it, else the first answer. */
static void learn_next_hop(struct dsr_plan *plan, size_t arp_task, const struct dsr_observation *o)
{
	const struct dsr_task *a = &plan->tasks[arp_task];
	bool expected = a->nexpected == 0;

	for (size_t i = 0; i < a->nexpected; i++)
		expected = expected || memcmp(a->expected_macs[i], o->mac, 6) == 0;
	for (size_t i = 0; i < plan->ntasks; i++) {
		struct dsr_task *t = &plan->tasks[i];
		if (t->resolver != arp_task || (t->dst_mac_known && !expected))
			continue;
		if (t->dst_mac_known && t->attempts > 0)
			continue;
		memcpy(t->dst_mac, o->mac, 6);
		t->dst_mac_known = true;
	}
}

void dsr_engine_feed(struct dsr_plan *plan, const uint8_t *bytes, size_t caplen,
		     const struct timeval *ts, bool record_attempts, struct dsr_observations *obs)
{
	struct dsr_frame f;
	enum dsr_decode_status st = dsr_decode_ethernet(bytes, caplen, &f);

	obs->frames++;
	if (st == DSR_FRAME_TRUNCATED) {
		obs->truncated++;
		return;
	}
	if (st == DSR_FRAME_INVALID) {
		obs->invalid++;
		return;
	}
	if (st == DSR_FRAME_UNRELATED) {
		obs->unrelated++;
		return;
	}
	if (memcmp(f.eth_src, plan->me.mac, 6) == 0) {
		obs->own++;
		if (!record_attempts)
			return;
		for (size_t i = 0; i < plan->ntasks; i++) {
			struct dsr_task *t = &plan->tasks[i];
			if (t->probe && t->probe->is_attempt(t, &plan->me, &f)) {
				t->attempts++;
				t->last_sent = *ts;
				memcpy(t->dst_mac, f.eth_dst, 6);
				t->dst_mac_known = true;
			}
		}
		return;
	}
	bool matched = false;
	for (size_t i = 0; i < plan->ntasks; i++) {
		struct dsr_task *t = &plan->tasks[i];
		struct dsr_observation o;
		if (!t->probe)
			continue;
		memset(&o, 0, sizeof(o));
		if (!t->probe->match(t, &plan->me, &f, &o))
			continue;
		matched = true;
		o.task = i;
		o.ts = *ts;
		o.rtt_us = t->attempts ? us_of(ts) - us_of(&t->last_sent) : -1;
		if (o.rtt_us < 0)
			o.rtt_us = -1;
		t->answered = true;
		add_observation(obs, &o);
		if (o.kind == DSR_OBS_ARP_REPLY)
			learn_next_hop(plan, i, &o);
	}
	if (!matched)
		obs->unmatched++;
}

void dsr_engine_filter(const struct dsr_plan *plan, char *out, size_t outlen)
{
	char ip[16], mac[18];

	dsr_format_ipv4(plan->me.ip, ip);
	dsr_format_mac(plan->me.mac, mac);
	snprintf(out, outlen,
		 "not ether src %s and (arp or (dst host %s and (icmp or "
		 "(tcp and dst portrange %u-%u))))",
		 mac, ip, plan->sport_first, plan->sport_last);
}

enum task_state { WAITING, DUE, IN_FLIGHT, DONE };

/* Where task t stands at time now; sets *when to the time it next needs attention. */
static enum task_state task_state(const struct dsr_plan *plan, struct dsr_task *t,
				  const struct dsr_engine_options *o, long long now, long long *when)
{
	long long timeout = (long long)o->timeout_ms * 1000;

	*when = now + MAX_SLEEP_MS * 1000;
	if (!t->probe)
		return DONE;
	if (t->answered && t->attempts > 0)
		return DONE;
	if (!t->dst_mac_known && t->probe != &dsr_probe_arp) {
		if (t->resolver == DSR_NO_TASK) {
			t->unresolved = true;
			return DONE;
		}
		struct dsr_task *r = &plan->tasks[t->resolver];
		long long rwhen;
		if (task_state(plan, r, o, now, &rwhen) == DONE) {
			t->unresolved = true;
			return DONE;
		}
		return WAITING;
	}
	if (t->attempts == 0)
		return DUE;
	long long expires = us_of(&t->last_sent) + timeout;
	if (now < expires) {
		*when = expires;
		return IN_FLIGHT;
	}
	return t->attempts <= o->retries ? DUE : DONE;
}

static int send_attempt(struct dsr_plan *plan, struct dsr_task *t, struct dsr_source *src,
			struct dsr_observations *obs, char *err, size_t errlen)
{
	uint8_t frame[FRAME_MAX];
	int len = t->probe->build(t, &plan->me, frame, sizeof(frame), err, errlen);

	if (len < 0)
		return -1;
	/* Stamped before sending: on a fast link the answer's capture timestamp can
	 * precede the moment inject returns. */
	dsr_platform_now(&t->last_sent);
	if (dsr_source_inject(src, frame, (size_t)len, err, errlen) < 0)
		return -1;
	t->attempts++;
	obs->frames_sent++;
	return 0;
}

static int drain(struct dsr_plan *plan, struct dsr_source *src, struct dsr_observations *obs,
		 char *err, size_t errlen)
{
	const uint8_t *data;
	size_t caplen;
	struct timeval ts;
	int rc;

	/* Bounded per call so that a flood cannot starve sending and deadlines. */
	for (int i = 0; i < 10000; i++) {
		rc = dsr_source_next(src, &data, &caplen, &ts, err, errlen);
		if (rc <= 0)
			return rc == -1 ? -1 : 0;
		dsr_engine_feed(plan, data, caplen, &ts, false, obs);
	}
	return 0;
}

int dsr_engine_run(struct dsr_plan *plan, struct dsr_source *src, const struct dsr_engine_options *o,
		   struct dsr_observations *obs, char *err, size_t errlen)
{
	long long start = now_us();
	long long listen_end = start + (long long)o->listen_ms * 1000;
	long long interval = 1000000 / (o->rate ? o->rate : 1);
	long long next_send = start;
	size_t cursor = 0; /* round-robin start, so retries do not starve first attempts */
	int fd = dsr_source_fd(src);

	for (;;) {
		long long now = now_us(), wake = now + MAX_SLEEP_MS * 1000;
		size_t done = 0;
		bool sent_one = true;

		/* Send what is due, as fast as the rate allows. */
		while (sent_one && now >= next_send) {
			sent_one = false;
			for (size_t k = 0; k < plan->ntasks; k++) {
				size_t i = (cursor + k) % plan->ntasks;
				long long when;
				if (task_state(plan, &plan->tasks[i], o, now, &when) != DUE)
					continue;
				if (send_attempt(plan, &plan->tasks[i], src, obs, err, errlen) < 0)
					return -1;
				cursor = i + 1;
				/* A late loop must not turn into a burst. */
				next_send = (next_send + interval < now ? now : next_send) + interval;
				sent_one = true;
				break;
			}
			now = now_us();
		}
		bool any_due = false;
		for (size_t i = 0; i < plan->ntasks; i++) {
			long long when;
			enum task_state st = task_state(plan, &plan->tasks[i], o, now, &when);
			done += st == DONE;
			any_due = any_due || st == DUE;
			if (st == IN_FLIGHT && when < wake)
				wake = when;
		}
		if (o->progress)
			o->progress(done, plan->ntasks, o->progress_arg);
		if (done == plan->ntasks && now >= listen_end)
			break;
		if (any_due && next_send < wake)
			wake = next_send;
		if (done == plan->ntasks && listen_end < wake)
			wake = listen_end;
		long long sleep_ms = (wake - now + 999) / 1000;
		if (sleep_ms < 0)
			sleep_ms = 0;
		if (fd >= 0) {
			struct pollfd pfd = {.fd = fd, .events = POLLIN};
			if (poll(&pfd, 1, (int)sleep_ms) < 0 && errno != EINTR) {
				snprintf(err, errlen, "poll: %s", strerror(errno));
				return -1;
			}
		} else if (sleep_ms > 0) {
			poll(NULL, 0, (int)(sleep_ms < 5 ? sleep_ms : 5));
		}
		if (drain(plan, src, obs, err, errlen) < 0)
			return -1;
	}
	/* Answers already queued in the kernel still count. */
	return drain(plan, src, obs, err, errlen);
}

int dsr_engine_replay(struct dsr_plan *plan, struct dsr_source *src, struct dsr_observations *obs,
		      char *err, size_t errlen)
{
	const uint8_t *data;
	size_t caplen;
	struct timeval ts;
	int rc;

	while ((rc = dsr_source_next(src, &data, &caplen, &ts, err, errlen)) == 1)
		dsr_engine_feed(plan, data, caplen, &ts, true, obs);
	if (rc == -1)
		return -1;
	for (size_t i = 0; i < plan->ntasks; i++) {
		struct dsr_task *t = &plan->tasks[i];
		if (t->probe && t->attempts == 0 && t->probe != &dsr_probe_arp)
			t->unresolved = true;
	}
	return 0;
}

void dsr_observations_free(struct dsr_observations *obs)
{
	free(obs->items);
	memset(obs, 0, sizeof(*obs));
}
