/* tcp.vip.conn: a few real connections to the VIP, not only a SYN. A balancer
 * that schedules packets instead of connections (nftables' numgen, nftlb's
 * "rr" in DSR mode) hands the SYN to one server and the ACK that completes the
 * handshake to another, which resets it: tcp.vip passes on the SYN-ACK, and
 * every real client fails. Only what follows the handshake shows it.
 *
 * The connections are this host's own TCP (a socket, connect without
 * blocking, then shutdown for our FIN), not frames built here. Frames we built
 * would prove less: our kernel owns no such connection and answers the
 * SYN-ACK with a RST, which goes to the VIP like the ACK would, so the
 * balancer would see a reset connection whatever its scheduler. A socket
 * needs no privilege (it runs after the drop), and what the servers and the
 * balancer see is exactly a client's handshake and close, no payload: the
 * application protocol stays untouched. Each connection binds a port of the
 * task's block (DSR_CONN_PORTS, aligned) that the capture filter admits.
 *
 * The verdict is the wire's, never the socket's: every segment from the VIP
 * to one of our ports is an observation with its Ethernet source, and the
 * judge groups them by port. One connection is clean when a SYN-ACK opened it,
 * a segment from the same MAC acknowledged our FIN (its ack is the SYN-ACK's
 * plus one: we send no data) and no RST came. A segment counts only when its
 * numbers fit that SYN-ACK (belongs), so a host forging SYN-ACKs and RSTs at
 * our ports without seeing the connection adds nothing. The socket only says
 * when to move on.
 *
 * Determinism: a connection whose SYN is lost is replaced (the run's retries,
 * a new port each); a lost FIN or ACK is retransmitted by the kernel while we
 * wait for the close as long as a probe's every try; spread and reset are
 * evidence a lost frame cannot create. Off the servers' segment every frame
 * comes from the router's MAC, so only resets and stalls are judged there,
 * and the summary says so.
 *
 * tcp6.vip.conn is the same to the IPv6 VIP, from this host's IPv6 address:
 * a per-packet scheduler breaks IPv6 clients alike, whatever IPv4 does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/os.h"
#include "../platform/platform.h"
#include "../src/parse.h"
#include "frame.h"

/* Connections per port: one could land on the right server by chance (a
 * per-packet scheduler whose counter wraps), three of them will not. */
#define CONN_COUNT 3
/* SYN-ACKs told apart per connection: the server's, and forgeries. */
#define SYNACKS 4

enum phase { IDLE, CONNECTING, CLOSING };

struct dsr_probe_live {
	struct dsr_os_conn *os;
	enum phase phase;
	uint16_t port;
	unsigned next;        /* the block's next port to try, from a random start */
	unsigned tried_ports; /* ports taken from the block, busy ones too */
	unsigned established; /* answered to the end, or reset */
	bool refused;
	long long since; /* start of the phase, µs */
	/* The current connection's SYN-ACKs, its own and forged ones alike: later
	 * segments must fit one of them (belongs). */
	struct dsr_observation synack[SYNACKS];
	size_t nsynacks;
	bool over; /* the wire shows the connection answered (our FIN acknowledged) or reset */
};

/* Does segment o belong to the connection that SYN-ACK a opened? Our numbers
 * are the ISN the SYN-ACK acknowledges and the one after it (we send no data,
 * only a FIN); a RST answering our ACK or FIN carries the acknowledgement we
 * sent, the server's ISN + 1 (or + 2 after its FIN), and one from the server
 * itself lies within its window. Anyone who did not see the SYN-ACK cannot
 * forge either: a segment that fits no SYN-ACK is nobody's evidence. Sets
 * *fin_acked when o acknowledges our FIN. */
static bool belongs(const struct dsr_observation *a, const struct dsr_observation *o, bool *fin_acked)
{
	*fin_acked = false;
	if (o->kind == DSR_OBS_RST)
		return (uint32_t)(o->tcp_seq - (a->tcp_seq + 1)) < 65536u;
	if (o->kind != DSR_OBS_SEGMENT || !(o->tcp_flags & DSR_TCP_ACK))
		return false;
	*fin_acked = o->tcp_ack == a->tcp_ack + 1;
	return o->tcp_ack == a->tcp_ack || *fin_acked;
}

/* Is o a SYN-ACK already in list (a retransmission)? */
static bool same_synack(const struct dsr_observation *list, size_t n, const struct dsr_observation *o)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].tcp_seq == o->tcp_seq && list[i].tcp_ack == o->tcp_ack &&
		    memcmp(list[i].mac, o->mac, 6) == 0)
			return true;
	return false;
}

static struct dsr_key conn_key(const struct dsr_task *t, const struct dsr_task_state *s)
{
	(void)s;
	return (struct dsr_key){.kind = DSR_KEY_CONN,
				.addr = t->v6 ? dsr_key_fold6(&t->target6) : t->target.s_addr,
				.num = (uint16_t)t->port, .port = t->sport};
}

/* Is f between us (from) and the task's VIP (to), in the task's family? */
static bool between(const struct dsr_task *t, const struct dsr_local *me, const struct dsr_frame *f,
		    bool from_us)
{
	if (t->v6) {
		const struct in6_addr *src = from_us ? &me->ip6 : &t->target6;
		const struct in6_addr *dst = from_us ? &t->target6 : &me->ip6;
		return f->l3 == DSR_L3_IPV6 && me->has_ip6 && memcmp(&f->ip6.src, src, sizeof(*src)) == 0 &&
		       memcmp(&f->ip6.dst, dst, sizeof(*dst)) == 0;
	}
	struct in_addr src = from_us ? me->ip : t->target, dst = from_us ? t->target : me->ip;
	return f->l3 == DSR_L3_IPV4 && f->ip.src.s_addr == src.s_addr && f->ip.dst.s_addr == dst.s_addr;
}

static bool ours(const struct dsr_task *t, uint16_t lport)
{
	return DSR_CONN_BLOCK(lport) == t->sport;
}

static enum dsr_match conn_match(const struct dsr_task *t, const struct dsr_task_state *s,
				 const struct dsr_local *me, const struct dsr_frame *f,
				 struct dsr_observation *obs)
{
	(void)s;
	if (f->l4 != DSR_L4_TCP || !between(t, me, f, false) || f->tcp.sport != (uint16_t)t->port ||
	    !ours(t, f->tcp.dport))
		return DSR_MATCH_NO;
	if ((f->tcp.flags & (DSR_TCP_SYN | DSR_TCP_ACK | DSR_TCP_RST)) == (DSR_TCP_SYN | DSR_TCP_ACK))
		obs->kind = DSR_OBS_SYNACK;
	else if (f->tcp.flags & DSR_TCP_RST)
		obs->kind = DSR_OBS_RST;
	else
		obs->kind = DSR_OBS_SEGMENT;
	obs->tcp_flags = f->tcp.flags;
	obs->lport = f->tcp.dport;
	obs->tcp_seq = f->tcp.seq;
	obs->tcp_ack = f->tcp.ack;
	memcpy(obs->mac, f->eth_src, 6);
	obs->ip = f->ip.src;
	obs->ip6 = f->ip6.src;
	obs->ttl = t->v6 ? f->ip6.hlim : f->ip.ttl;
	return DSR_MATCH_WITNESS;
}

/* A replay counts our SYNs (the kernel's retransmissions of one too). */
static bool conn_is_attempt(const struct dsr_task *t, const struct dsr_task_state *s,
			    const struct dsr_local *me, const struct dsr_frame *f)
{
	(void)s;
	return f->l4 == DSR_L4_TCP && between(t, me, f, true) && f->tcp.dport == (uint16_t)t->port &&
	       ours(t, f->tcp.sport) &&
	       (f->tcp.flags & (DSR_TCP_SYN | DSR_TCP_ACK)) == DSR_TCP_SYN;
}

static void conn_seen(const struct dsr_task *t, struct dsr_task_state *s,
		      const struct dsr_observation *o)
{
	struct dsr_probe_live *l = s->live;

	(void)t;
	if (!l || l->phase == IDLE || o->lport != l->port)
		return;
	if (o->kind == DSR_OBS_SYNACK) {
		if (l->nsynacks < SYNACKS && !same_synack(l->synack, l->nsynacks, o))
			l->synack[l->nsynacks++] = *o;
		return;
	}
	for (size_t i = 0; i < l->nsynacks; i++) {
		bool fin_acked;
		if (belongs(&l->synack[i], o, &fin_acked) && (fin_acked || o->kind == DSR_OBS_RST))
			l->over = true;
	}
}

static void end_connection(struct dsr_probe_live *l)
{
	dsr_os_conn_close(l->os);
	l->os = NULL;
	l->phase = IDLE;
}

/* The next connection from a free port of the block: 0 when opened, 1 when
 * the block has no port left, -1 with err. */
static int open_next(const struct dsr_task *t, struct dsr_task_state *s, const struct dsr_local *me,
		     long long now, char *err, size_t errlen)
{
	struct dsr_probe_live *l = s->live;

	while (l->tried_ports < DSR_CONN_PORTS) {
		uint16_t port = (uint16_t)(t->sport + (l->next++ % DSR_CONN_PORTS));
		l->tried_ports++;
		struct dsr_os_endpoint local = {.v6 = t->v6, .ip = me->ip, .ip6 = me->ip6, .port = port};
		struct dsr_os_endpoint vip = {.v6 = t->v6, .ip = t->target, .ip6 = t->target6,
					      .port = (uint16_t)t->port};
		int rc = dsr_os_conn_open(&local, &vip, &l->os, err, errlen);
		if (rc < 0)
			return -1;
		if (rc == 1)
			continue;
		l->port = port;
		l->phase = CONNECTING;
		l->since = now;
		l->nsynacks = 0;
		l->over = false;
		s->attempts++;
		s->last_sent.tv_sec = now / 1000000;
		s->last_sent.tv_usec = now % 1000000;
		return 0;
	}
	return 1;
}

static int conn_run(const struct dsr_task *t, struct dsr_task_state *s, const struct dsr_local *me,
		    unsigned timeout_ms, unsigned retries, long long now, long long *wake, char *err,
		    size_t errlen)
{
	long long timeout = (long long)timeout_ms * 1000;
	struct dsr_probe_live *l = s->live;

	if (!l) {
		uint32_t r = 0;
		if (!(l = s->live = calloc(1, sizeof(*l)))) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		/* Not the same ports each run: the last run's may still be in TIME_WAIT. */
		dsr_platform_random(&r, sizeof(r));
		l->next = r % DSR_CONN_PORTS;
	}
	if (l->phase == CONNECTING) {
		enum dsr_os_conn_state st = dsr_os_conn_poll(l->os);
		if (st == DSR_OS_CONN_REFUSED) {
			/* Refused to a SYN: tcp.vip's verdict, nothing to retry. */
			l->refused = true;
			end_connection(l);
		} else if (st == DSR_OS_CONN_CONNECTING && now >= l->since + timeout) {
			end_connection(l); /* the SYN or its answer lost: another connection */
		} else if (st != DSR_OS_CONN_CONNECTING) {
			dsr_os_conn_shutdown(l->os);
			l->phase = CLOSING;
			l->since = now;
		}
	}
	/* Two timeouts for the close: the kernel retransmits our FIN meanwhile. */
	long long closing = 2 * timeout;
	if (l->phase == CLOSING) {
		enum dsr_os_conn_state st = dsr_os_conn_poll(l->os);
		/* Answered or reset: done. A stall (nothing fits our FIN) is a lost
		 * frame as often as a fault: like an unanswered SYN, it is retried. */
		if (l->over || st == DSR_OS_CONN_FAILED)
			l->established++;
		if (l->over || st == DSR_OS_CONN_FAILED || now >= l->since + closing)
			end_connection(l);
	}
	/* Unanswered connections get the run's retries, like an unanswered SYN. */
	if (l->phase == IDLE && !l->refused && l->established < CONN_COUNT &&
	    s->attempts - l->established <= retries) {
		int rc = open_next(t, s, me, now, err, errlen);
		if (rc < 0)
			return -1;
	}
	if (l->phase == IDLE) {
		s->finished = true;
		return 0;
	}
	*wake = l->since + (l->phase == CLOSING ? closing : timeout);
	return 1;
}

static void conn_finish(const struct dsr_task *t, struct dsr_task_state *s)
{
	(void)t;
	if (!s->live)
		return;
	dsr_os_conn_close(s->live->os);
	free(s->live);
	s->live = NULL;
}

/* ---- judge ---- */

/* One connection as the wire showed it. */
struct seen_conn {
	uint16_t port;
	struct dsr_observation synack[SYNACKS]; /* distinct ones, in capture order */
	size_t nsynacks;
	const struct dsr_observation *opened; /* the SYN-ACK the rest fits; NULL: none or unclear */
	const struct dsr_observation *rst;
	bool fin_acked;
	uint8_t macs[4][6];
	size_t nmacs;
};

static void add_mac(struct seen_conn *c, const uint8_t mac[6])
{
	if (!dsr_mac_in((const uint8_t(*)[6])c->macs, c->nmacs, mac) &&
	    c->nmacs < sizeof(c->macs) / sizeof(c->macs[0]))
		memcpy(c->macs[c->nmacs++], mac, 6);
}

/* The SYN-ACK that opened c: the first a later segment fits; without one,
 * the only SYN-ACK there is (a stall); with several and none confirmed (a
 * forgery among them), none. */
static const struct dsr_observation *opened_by(const struct seen_conn *c,
					       const struct dsr_observation *obs, size_t nobs)
{
	for (size_t k = 0; k < c->nsynacks; k++)
		for (size_t i = 0; i < nobs; i++) {
			bool fin_acked;
			if (obs[i].lport == c->port && belongs(&c->synack[k], &obs[i], &fin_acked))
				return &c->synack[k];
		}
	return c->nsynacks == 1 ? &c->synack[0] : NULL;
}

static size_t group_connections(const struct dsr_observation *obs, size_t nobs,
				struct seen_conn *conns, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < nobs; i++) {
		const struct dsr_observation *o = &obs[i];
		size_t k = 0;
		while (k < n && conns[k].port != o->lport)
			k++;
		if (k == n) {
			if (n == cap)
				continue;
			memset(&conns[n], 0, sizeof(conns[n]));
			conns[n++].port = o->lport;
		}
		struct seen_conn *c = &conns[k];
		if (o->kind == DSR_OBS_SYNACK && c->nsynacks < SYNACKS &&
		    !same_synack(c->synack, c->nsynacks, o))
			c->synack[c->nsynacks++] = *o;
	}
	for (size_t k = 0; k < n; k++) {
		struct seen_conn *c = &conns[k];
		if (!(c->opened = opened_by(c, obs, nobs)))
			continue;
		add_mac(c, c->opened->mac);
		for (size_t i = 0; i < nobs; i++) {
			bool fin_acked;
			if (obs[i].lport != c->port || !belongs(c->opened, &obs[i], &fin_acked))
				continue;
			/* After our FIN was acknowledged the connection is over: a RST
			 * then answers a stray segment of ours from TIME_WAIT (the ACK
			 * our kernel sends to a forged or late SYN-ACK) and resets
			 * nothing a client would see. */
			if (obs[i].kind == DSR_OBS_RST && c->fin_acked)
				continue;
			add_mac(c, obs[i].mac);
			c->fin_acked = c->fin_acked || fin_acked;
			if (obs[i].kind == DSR_OBS_RST && !c->rst)
				c->rst = &obs[i];
		}
	}
	return n;
}

static void mac_list(struct dsr_check *out, const struct seen_conn *c, char *text, size_t len)
{
	size_t used = 0;

	text[0] = '\0';
	for (size_t m = 0; m < c->nmacs; m++) {
		char mac[18];
		dsr_format_mac(c->macs[m], mac);
		dsr_evidence_mac_add(out, "macs", c->macs[m]);
		int w = snprintf(text + used, len - used, "%s%s", m ? ", " : "", mac);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
}

static void conn_judge(const struct dsr_judge_ctx *j, const struct dsr_observation *obs, size_t nobs,
		       struct dsr_check *out)
{
	const struct dsr_task *t = j->task;
	struct seen_conn conns[DSR_CONN_PORTS];
	size_t n = group_connections(obs, nobs, conns, DSR_CONN_PORTS);
	/* The plan's next hop: the VIP itself on-link (for IPv6, the IPv4 VIP,
	 * whose side says whether the service is on this segment). */
	bool on_segment = t->nexthop.s_addr == t->target.s_addr;
	const struct seen_conn *spread = NULL, *reset = NULL, *stalled = NULL;
	size_t opened = 0, clean = 0, nstalled = 0, nreset = 0;
	char endpoint[64], macs[80];
	const char *tcp_vip = t->v6 ? "tcp6.vip" : "tcp.vip";
	const char *note = on_segment ? ""
				      : " (off the servers' segment their MACs cannot be seen: only "
					"resets and stalls are judged)";

	dsr_task_endpoint(t, endpoint, sizeof(endpoint));
	if (j->state->attempts == 0) {
		out->status = DSR_SKIP;
		out->reason = DSR_REASON(NOT_SEEN);
		dsr_check_summary(out, "no connection to %s in this run", endpoint);
		return;
	}
	for (size_t k = 0; k < n; k++) {
		const struct seen_conn *c = &conns[k];
		if (!c->opened)
			continue; /* refused, never answered, or forged: tcp.vip's to judge */
		opened++;
		if (on_segment && c->nmacs > 1)
			spread = spread ? spread : c;
		else if (c->rst && nreset++ == 0)
			reset = c;
		else if (c->rst)
			continue;
		else if (!c->fin_acked && nstalled++ == 0)
			stalled = c;
		else if (c->fin_acked)
			clean++;
	}
	dsr_evidence_int(out, "attempts", j->state->attempts);
	dsr_evidence_int(out, "connections", (long long)opened);
	if (nstalled)
		dsr_evidence_int(out, "stalled", (long long)nstalled);
	if (opened == 0) {
		out->status = DSR_SKIP;
		out->reason = DSR_REASON(NO_ANSWER);
		dsr_check_summary(out, "%s accepted none of %u connections, so none could be followed "
				  "(see %s)", endpoint, j->state->attempts, tcp_vip);
		return;
	}
	/* A stall is the absence of a frame: it fails only when no connection
	 * closed cleanly, spread and reset are evidence whatever else happened. */
	if (stalled && clean)
		stalled = NULL;
	/* One reset among connections that closed cleanly is a single event (a
	 * forged segment our kernel answered, a server restarting), not the
	 * balancer's way: resets fail when they are at least as many as clean
	 * closes, and are evidence either way. */
	if (nreset)
		dsr_evidence_int(out, "resets", (long long)nreset);
	if (reset && clean > nreset)
		reset = NULL;
	const struct seen_conn *shown = spread ? spread : reset ? reset : stalled;
	if (!shown) {
		/* Who served them: the servers, named by verdict.c. */
		struct seen_conn all = {0};
		for (size_t k = 0; k < n; k++)
			for (size_t m = 0; conns[k].opened && m < conns[k].nmacs; m++)
				add_mac(&all, conns[k].macs[m]);
		mac_list(out, &all, macs, sizeof(macs));
		out->status = DSR_PASS;
		dsr_check_summary(out, "%zu connection%s to %s completed, each with one server and no "
				  "reset%s", clean, clean == 1 ? "" : "s", endpoint, note);
		return;
	}
	mac_list(out, shown, macs, sizeof(macs));
	dsr_evidence_int(out, "port", shown->port);
	out->status = DSR_FAIL;
	struct dsr_fix_args args = {.endpoint = endpoint, .from = macs};
	if (spread) {
		out->reason = DSR_REASON(SPREAD);
		dsr_check_summary(out, "the packets of one connection to %s came from %zu servers' MACs "
				  "(%s)%s: the balancer schedules packets, not connections",
				  endpoint, shown->nmacs, macs, shown->rst ? ", and one reset it" : "");
		dsr_fix(out, DSR_FIX_PER_PACKET, DSR_PLATFORM_UNKNOWN, &args);
	} else if (reset) {
		out->reason = DSR_REASON(RESET);
		dsr_check_summary(out, "an established connection to %s was reset by %s%s", endpoint,
				  macs, note);
		dsr_fix(out, DSR_FIX_CONN_RESET, DSR_PLATFORM_UNKNOWN, &args);
	} else {
		out->reason = DSR_REASON(TIMEOUT);
		dsr_check_summary(out, "a connection to %s was accepted by %s, but its close (FIN) was "
				  "never acknowledged%s", endpoint, macs, note);
		dsr_fix(out, DSR_FIX_CONN_STALLED, DSR_PLATFORM_UNKNOWN, &args);
	}
}

const struct dsr_probe dsr_probe_tcp_conn = {
	.name = "tcp-conn",
	.key = conn_key,
	.match = conn_match,
	.is_attempt = conn_is_attempt,
	.judge = conn_judge,
	.run = conn_run,
	.seen = conn_seen,
	.finish = conn_finish,
};
