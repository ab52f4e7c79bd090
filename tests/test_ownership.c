/* The VIP ownership timeline (src/ownership.c) on hand-built sequences of
 * VRRP advertisements and ARP claims: a failover in each of its forms, the
 * split-brains, a flip-flop, an unknown host, a silent virtual router, and
 * the bounds that keep a watch of days in fixed memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/config.h"
#include "../src/ownership.h"
#include "../src/parse.h"

#define S 1000000LL /* one second in microseconds */
/* 2026-12-02 12:00:00 UTC, so that event texts show a readable clock. */
#define T0 (1796212800LL * S)

static const uint8_t lb1[6] = {2, 0, 0, 0, 0, 0x02};
static const uint8_t lb2[6] = {2, 0, 0, 0, 0, 0x03};
static const uint8_t rs1[6] = {2, 0, 0, 0, 0, 0x11};
static const uint8_t odd[6] = {2, 0, 0, 0, 0, 0x99};
static const uint8_t vmac[6] = {0, 0, 0x5e, 0, 1, 51};

static const char *pair = "[service web]\nvip = 198.18.0.100\nports = 80\n"
			  "balancer = 198.18.0.2@02:00:00:00:00:02, 198.18.0.3@02:00:00:00:00:03\n"
			  "vrrp-id = 51\nservers = rs1\n"
			  "[server rs1]\naddress = 198.18.0.11\nmac = 02:00:00:00:00:11\n";
/* An appliance pair: no VRRP configured. */
static const char *plain = "[service web]\nvip = 198.18.0.100\nports = 80\n"
			   "balancer = 198.18.0.2@02:00:00:00:00:02, 198.18.0.3@02:00:00:00:00:03\n"
			   "servers = rs1\n"
			   "[server rs1]\naddress = 198.18.0.11\nmac = 02:00:00:00:00:11\n";

struct state {
	struct dsr_config cfg;
	struct dsr_ownership own;
	int nseen;
	char seen[32][256];
};

static bool is_rs1(const uint8_t mac[6], void *arg)
{
	(void)arg;
	return memcmp(mac, rs1, 6) == 0;
}

static void on_event(const struct dsr_own_event *e, void *arg)
{
	struct state *s = arg;
	if (s->nseen < 32)
		dsr_own_event_text(e, s->seen[s->nseen++], sizeof(s->seen[0]));
}

static struct state *start(const char *ini)
{
	struct state *s = calloc(1, sizeof(*s));
	struct dsr_ha_set set;
	char err[256];

	assert_non_null(s);
	assert_int_equal(dsr_config_init(&s->cfg), 0);
	assert_int_equal(dsr_config_load_string(&s->cfg, ini, "t.ini", err, sizeof(err)), 0);
	dsr_ha_build(&s->cfg.services[0], NULL, NULL, &set);
	dsr_ownership_init(&s->own, &s->cfg.services[0], &set);
	dsr_ownership_servers(&s->own, is_rs1, NULL);
	dsr_ownership_on_event(&s->own, on_event, s);
	return s;
}

static void stop(struct state *s)
{
	dsr_config_free(&s->cfg);
	free(s);
}

static void advert(struct state *s, int64_t us, const uint8_t mac[6], int host, uint8_t prio)
{
	struct dsr_vrrp_advert a = {.us = T0 + us, .vrid = 51, .priority = prio, .interval_cs = 100};
	uint8_t ip[4] = {198, 18, 0, (uint8_t)host};
	memcpy(a.mac, mac, 6);
	memcpy(&a.src.s_addr, ip, 4);
	dsr_ownership_advert(&s->own, &a);
}

/* Every second from `from` to `to` (microseconds, inclusive). */
static void adverts(struct state *s, int64_t from, int64_t to, const uint8_t mac[6], int host,
		    uint8_t prio)
{
	for (int64_t t = from; t <= to; t += S)
		advert(s, t, mac, host, prio);
}

static void claim(struct state *s, int64_t us, const uint8_t mac[6], bool gratuitous, int n)
{
	for (int i = 0; i < n; i++) {
		struct dsr_vip_claim c = {.us = T0 + us + i * 1000, .op = gratuitous ? 1 : 2,
					  .gratuitous = gratuitous};
		memcpy(c.mac, mac, 6);
		dsr_ownership_claim(&s->own, &c);
	}
}

static bool is_service_owner_vmac(struct state *s)
{
	return s->own.cur >= 0 && memcmp(s->own.owners[s->own.cur].mac, vmac, 6) == 0;
}

static const struct dsr_own_event *only_event(struct state *s, enum dsr_own_kind kind)
{
	assert_int_equal(dsr_ownership_kept(&s->own), 1);
	const struct dsr_own_event *e = dsr_ownership_event(&s->own, 0);
	assert_string_equal(dsr_own_kind_name(e->kind), dsr_own_kind_name(kind));
	assert_int_equal(s->nseen, 1);
	return e;
}

/* keepalived without use_vmac: the master dies, the backup waits its
 * master-down interval, advertises, and re-points the VIP at its own MAC. */
static void crash_failover(void **state)
{
	(void)state;
	struct state *s = start(pair);
	adverts(s, 0, 10 * S, lb1, 2, 100);
	claim(s, 0, lb1, true, 3);
	claim(s, 4 * S, lb1, false, 1); /* a client's who-has answered */
	advert(s, 13600000, lb2, 3, 90);
	claim(s, 13600100, lb2, true, 5);
	adverts(s, 14600000, 20 * S, lb2, 3, 90);
	dsr_ownership_finish(&s->own, T0 + 20 * S);

	const struct dsr_own_event *e = only_event(s, DSR_OWN_FAILOVER);
	assert_string_equal(e->from, "lb1");
	assert_string_equal(e->to, "lb2");
	assert_int_equal(e->duration_us, 3600100);
	assert_int_equal(e->garps, 5);
	assert_true(e->vrrp);
	assert_false(e->graceful);
	assert_string_equal(s->seen[0], "failover lb1 -> lb2 at 12:00:13.600100Z in 3600 ms, 5 gratuitous "
					"ARPs (the old master went silent)");
	const struct dsr_vrrp_router *r = dsr_ownership_router(&s->own, 51);
	assert_non_null(r);
	assert_int_equal(r->nmasters, 2);
	assert_int_equal(r->transitions, 1);
	assert_int_equal(r->split_brains, 0);
	assert_int_equal(r->gaps, 0);
	assert_int_equal(r->masters[0].adverts, 11);
	assert_int_equal(r->masters[0].interval_cs, 100);
	stop(s);
}

/* The master shuts down cleanly: priority 0, the backup takes over at once. */
static void graceful_failover(void **state)
{
	(void)state;
	struct state *s = start(pair);
	adverts(s, 0, 9 * S, lb1, 2, 100);
	claim(s, 100, lb1, true, 1);
	advert(s, 9500000, lb1, 2, 0);
	advert(s, 10100000, lb2, 3, 90);
	claim(s, 10100200, lb2, true, 2);
	adverts(s, 11100000, 15 * S, lb2, 3, 90);
	dsr_ownership_finish(&s->own, T0 + 15 * S);

	const struct dsr_own_event *e = only_event(s, DSR_OWN_FAILOVER);
	assert_true(e->graceful);
	assert_int_equal(e->duration_us, 600200);
	assert_int_equal(e->garps, 2);
	assert_non_null(strstr(s->seen[0], "in 600 ms, 2 gratuitous ARPs (graceful: priority 0)"));
	stop(s);
}

/* A higher priority backup preempts: its first advertisement crosses the old
 * master's last one. A handover, decided once the old master stayed silent. */
static void preemption_is_a_failover(void **state)
{
	(void)state;
	struct state *s = start(pair);
	adverts(s, 0, 5 * S, lb1, 2, 100);
	claim(s, 100, lb1, true, 1);
	advert(s, 5300000, lb2, 3, 200);
	claim(s, 5300100, lb2, true, 3);
	advert(s, 6 * S, lb1, 2, 100); /* in flight before it heard lb2 */
	adverts(s, 6300000, 12300000, lb2, 3, 200);
	assert_int_equal(s->nseen, 1); /* decided before the end */
	dsr_ownership_finish(&s->own, T0 + 13 * S);
	const struct dsr_own_event *e = only_event(s, DSR_OWN_FAILOVER);
	assert_string_equal(e->from, "lb1");
	assert_string_equal(e->to, "lb2");
	stop(s);
}

/* VRRP between the pair is blocked: both advertise, both answer. Named in the
 * configuration's order, whichever of them was master first. */
static void split_brain_started_by(const uint8_t *first, int first_host, const uint8_t *second,
				   int second_host)
{
	struct state *s = start(pair);
	adverts(s, 0, 3 * S, first, first_host, 100);
	claim(s, 100, first, true, 1);
	for (int64_t t = 3 * S; t < 10 * S; t += S) {
		advert(s, t, first, first_host, 100);
		advert(s, t + S / 2, second, second_host, 90);
		claim(s, t + S / 2 + 100, second, false, 1);
		claim(s, t + S / 2 + 300, first, false, 1);
	}
	dsr_ownership_finish(&s->own, T0 + 10 * S);
	assert_true(s->own.counts[DSR_OWN_SPLIT_BRAIN] >= 1);
	assert_int_equal(s->own.counts[DSR_OWN_FAILOVER], 0);
	const struct dsr_vrrp_router *r = dsr_ownership_router(&s->own, 51);
	assert_int_equal(r->split_brains, 1);
	assert_true(r->split);
	for (size_t i = 0; i < s->own.nevents; i++) {
		const struct dsr_own_event *e = dsr_ownership_event(&s->own, i);
		assert_int_equal(e->kind, DSR_OWN_SPLIT_BRAIN);
		assert_string_equal(e->from, "lb1");
		assert_string_equal(e->to, "lb2");
	}
	char a[DSR_NAME_MAX];
	dsr_ownership_master_name(&s->own, &r->masters[r->split_a], a, sizeof(a));
	assert_string_equal(a, "lb1");
	stop(s);
}

static void two_masters_are_a_split_brain(void **state)
{
	(void)state;
	split_brain_started_by(lb1, 2, lb2, 3);
	split_brain_started_by(lb2, 3, lb1, 2);
}

/* An appliance pair (no VRRP): two members answering in the same second. */
static void two_owners_at_once(void **state)
{
	(void)state;
	struct state *s = start(plain);
	claim(s, 0, lb1, false, 1);
	claim(s, 200000, lb2, false, 1);
	dsr_ownership_finish(&s->own, T0 + 5 * S);
	const struct dsr_own_event *e = only_event(s, DSR_OWN_SPLIT_BRAIN);
	assert_string_equal(e->from, "lb1");
	assert_string_equal(e->to, "lb2");
	assert_string_equal(s->seen[0], "split-brain lb1 and lb2 at 12:00:00.200000Z: both own the VIP at once");
	stop(s);
	/* The same names when lb2 answered first: the configuration's order. */
	s = start(plain);
	claim(s, 0, lb2, false, 1);
	claim(s, 200000, lb1, false, 1);
	dsr_ownership_finish(&s->own, T0 + 5 * S);
	e = only_event(s, DSR_OWN_SPLIT_BRAIN);
	assert_string_equal(e->from, "lb1");
	assert_string_equal(e->to, "lb2");
	stop(s);
}

/* Without VRRP one move is a failover (unverified), a quick move back a flip-flop. */
static void no_vrrp_failover_then_flip_flop(void **state)
{
	(void)state;
	struct state *s = start(plain);
	claim(s, 0, lb1, true, 1);
	claim(s, 10 * S, lb2, true, 3);
	claim(s, 15 * S, lb1, true, 1);
	dsr_ownership_finish(&s->own, T0 + 20 * S);
	assert_int_equal(dsr_ownership_kept(&s->own), 2);
	const struct dsr_own_event *e = dsr_ownership_event(&s->own, 0);
	assert_int_equal(e->kind, DSR_OWN_FAILOVER);
	assert_false(e->vrrp);
	assert_int_equal(e->duration_us, -1);
	assert_int_equal(e->garps, 3);
	assert_non_null(strstr(s->seen[0], "(no VRRP seen)"));
	assert_int_equal(dsr_ownership_event(&s->own, 1)->kind, DSR_OWN_FLIP_FLOP);
	stop(s);
}

/* VRRP is on the wire and lb1 stays master, yet lb2 takes the VIP. */
static void owner_change_without_transition(void **state)
{
	(void)state;
	struct state *s = start(pair);
	adverts(s, 0, 10 * S, lb1, 2, 100);
	claim(s, 100, lb1, true, 1);
	claim(s, 5 * S + 100, lb2, true, 1);
	dsr_ownership_finish(&s->own, T0 + 10 * S);
	const struct dsr_own_event *e = only_event(s, DSR_OWN_FLIP_FLOP);
	assert_string_equal(e->from, "lb1");
	assert_string_equal(e->to, "lb2");
	assert_non_null(strstr(s->seen[0], "no VRRP transition"));
	stop(s);
}

/* A stranger's claim is an event of its own; a configured server's is not the
 * timeline's business (arp.vip.claim judges it) and changes no owner. */
static void unknown_host_and_server(void **state)
{
	(void)state;
	struct state *s = start(pair);
	adverts(s, 0, 5 * S, lb1, 2, 100);
	claim(s, 100, lb1, true, 1);
	claim(s, S, rs1, false, 2);
	claim(s, 2 * S, odd, false, 3);
	claim(s, 3 * S, lb1, false, 1);
	dsr_ownership_finish(&s->own, T0 + 5 * S);
	const struct dsr_own_event *e = only_event(s, DSR_OWN_UNKNOWN_HOST);
	assert_string_equal(e->to, "02:00:00:00:00:99");
	assert_string_equal(e->from, "lb1");
	assert_int_equal(s->own.cur, 0);
	stop(s);
}

/* keepalived with use_vmac: the VIP stays on the virtual MAC; the failover is
 * the master behind it changing. */
static void vmac_failover(void **state)
{
	(void)state;
	struct state *s = start(pair);
	adverts(s, 0, 4 * S, vmac, 2, 100);
	claim(s, 100, vmac, true, 2);
	advert(s, 7700000, vmac, 3, 90);
	claim(s, 7700100, vmac, true, 4);
	adverts(s, 8700000, 12 * S, vmac, 3, 90);
	dsr_ownership_finish(&s->own, T0 + 12 * S);
	const struct dsr_own_event *e = only_event(s, DSR_OWN_FAILOVER);
	assert_string_equal(e->from, "vrrp-51 (lb1)");
	assert_string_equal(e->to, "vrrp-51 (lb2)");
	assert_int_equal(e->garps, 4);
	assert_int_equal(e->duration_us, 3700100);
	stop(s);
}

/* use_vmac with arp_announce=0: the master asks ARP with the VIP as sender
 * from its own MAC. One owner using the wrong MAC: base-mac, once, and the
 * virtual MAC stays the owner (no split-brain, no flip-flop). */
static void base_mac_is_not_a_second_owner(void **state)
{
	(void)state;
	struct state *s = start(pair);
	adverts(s, 0, 6 * S, vmac, 2, 100);
	claim(s, 100, vmac, false, 1);
	claim(s, 200000, lb1, false, 1);
	claim(s, 2 * S, vmac, false, 1);
	claim(s, 3 * S, lb1, false, 2);
	dsr_ownership_finish(&s->own, T0 + 6 * S);
	const struct dsr_own_event *e = only_event(s, DSR_OWN_BASE_MAC);
	assert_string_equal(e->to, "lb1");
	assert_string_equal(e->from, "vrrp-51 (lb1)");
	assert_memory_equal(e->mac, lb1, 6);
	assert_string_equal(s->seen[0], "base-mac lb1 claimed the VIP with its own MAC 02:00:00:00:00:02 at "
					"12:00:00.200000Z while vrrp-51 (lb1) owns it");
	assert_true(is_service_owner_vmac(s));
	stop(s);
}

/* Nobody advertises for longer than any backup would wait: no master. */
static void silence_is_no_master(void **state)
{
	(void)state;
	struct state *s = start(pair);
	adverts(s, 0, 3 * S, lb1, 2, 100);
	adverts(s, 10 * S, 12 * S, lb1, 2, 100); /* back after 7 s */
	dsr_ownership_finish(&s->own, T0 + 20 * S); /* and silent again for 8 s */
	const struct dsr_vrrp_router *r = dsr_ownership_router(&s->own, 51);
	assert_int_equal(r->gaps, 2);
	assert_int_equal(r->gap_us, T0 + 3 * S);
	assert_int_equal(r->longest_gap_us, 8 * S);
	assert_int_equal(s->own.counts[DSR_OWN_NO_MASTER], 2);
	assert_string_equal(s->seen[0], "no-master vrrp-51: no advertisement for 7000 ms from 12:00:03.000000Z");
	/* A silence a backup's master-down interval long is not one. */
	struct state *t = start(pair);
	adverts(t, 0, 3 * S, lb1, 2, 100);
	adverts(t, 3 * S + 3900000, 9 * S, lb2, 3, 1);
	dsr_ownership_finish(&t->own, T0 + 9 * S);
	assert_int_equal(dsr_ownership_router(&t->own, 51)->gaps, 0);
	stop(t);
	stop(s);
}

/* The first advertisement heard resigns (priority 0): a master that leaves,
 * and the silence after it counts (found by fuzz_frame). */
static void goodbye_first(void **state)
{
	(void)state;
	struct state *s = start(pair);
	advert(s, 0, lb1, 2, 0);
	dsr_ownership_finish(&s->own, T0 + 10 * S);
	const struct dsr_vrrp_router *r = dsr_ownership_router(&s->own, 51);
	assert_int_equal(r->current, 0);
	assert_true(r->masters[0].resigned);
	assert_int_equal(r->gaps, 1);
	stop(s);
}

static void master_down_interval(void **state)
{
	(void)state;
	/* RFC 5798 6.1: 3 x interval + (256 - priority) x interval / 256 */
	assert_int_equal(dsr_vrrp_master_down_us(100, 100), 3 * S + 156 * S / 256);
	assert_int_equal(dsr_vrrp_master_down_us(100, 255), 3 * S + S / 256);
	assert_int_equal(dsr_vrrp_master_down_us(25, 1), 750000 + 255 * 250000 / 256);
}

/* Days of watch in fixed memory: many routers, masters, owners and events. */
static void memory_is_bounded(void **state)
{
	(void)state;
	struct state *s = start(pair);
	int64_t t = 0;
	for (int round = 0; round < 2000; round++) {
		for (unsigned v = 1; v <= 40; v++) {
			struct dsr_vrrp_advert a = {.us = T0 + t, .vrid = v, .priority = 100, .interval_cs = 100};
			uint8_t ip[4] = {198, 18, 1, (uint8_t)(round % 9)};
			memcpy(&a.src.s_addr, ip, 4);
			dsr_ownership_advert(&s->own, &a);
			t += 1000;
		}
		uint8_t mac[6] = {2, 0, 0, 1, (uint8_t)(round >> 8), (uint8_t)round};
		claim(s, t, mac, false, 1);
		claim(s, t + 2 * S, round % 2 ? lb1 : lb2, true, 1);
		t += 3 * S;
	}
	dsr_ownership_finish(&s->own, T0 + t);
	assert_int_equal(s->own.nrouters, DSR_OWN_ROUTERS);
	assert_true(s->own.untracked_routers > 0);
	assert_int_equal(dsr_ownership_router(&s->own, 1)->nmasters, DSR_OWN_MASTERS);
	assert_true(dsr_ownership_router(&s->own, 1)->untracked > 0);
	/* Strangers took half the table; the balancers still have theirs. */
	assert_int_equal(s->own.nowners, DSR_OWN_OWNERS / 2 + 2);
	assert_true(s->own.untracked_claims > 0);
	assert_true(s->own.nevents > DSR_OWN_EVENTS);
	assert_int_equal(dsr_ownership_kept(&s->own), DSR_OWN_EVENTS);
	/* The ring keeps the newest, oldest first. */
	for (size_t i = 1; i < DSR_OWN_EVENTS; i++)
		assert_true(dsr_ownership_event(&s->own, i - 1)->us <= dsr_ownership_event(&s->own, i)->us);
	stop(s);
}

/* From a run's observations: two tasks' lists merged by time, the frame both
 * watched counted once. */
static void from_observations(void **state)
{
	(void)state;
	struct state *s = start(pair);
	struct dsr_observation arp[3], vrrp[12];
	size_t narp = 0, nvrrp = 0;
	struct in_addr vipa, a2, a3;
	dsr_parse_ipv4("198.18.0.100", &vipa);
	dsr_parse_ipv4("198.18.0.2", &a2);
	dsr_parse_ipv4("198.18.0.3", &a3);
	memset(arp, 0, sizeof(arp));
	memset(vrrp, 0, sizeof(vrrp));
	for (int i = 0; i < 12; i++) {
		struct dsr_observation *o = &vrrp[nvrrp++];
		bool first = i < 5;
		o->kind = DSR_OBS_VRRP;
		o->ts.tv_sec = 1796212800 + (first ? i : i + 3);
		memcpy(o->mac, first ? lb1 : lb2, 6);
		o->ip = first ? a2 : a3;
		o->vrrp_vrid = 51;
		o->vrrp_priority = 100;
		o->vrrp_interval_cs = 100;
	}
	for (int i = 0; i < 3; i++) {
		struct dsr_observation *o = &arp[narp++];
		o->kind = DSR_OBS_ARP_REPLY;
		o->ts.tv_sec = 1796212800 + (i ? 8 : 0);
		o->ts.tv_usec = i ? 1000 * i : 5;
		memcpy(o->mac, i ? lb2 : lb1, 6);
		o->ip = vipa;
		o->arp_tpa = vipa;
		o->arp_op = 1;
	}
	/* The same claim again, as arp.vip.claim's task saw it too. */
	struct dsr_observation claim_again[1] = {arp[1]};
	const struct dsr_observation *lists[] = {vrrp, arp, claim_again};
	size_t counts[] = {nvrrp, narp, 1};
	struct timeval end = {.tv_sec = 1796212815};
	dsr_ownership_of_run(&s->own, &s->cfg.services[0], NULL, lists, counts, 3, true, &end);
	assert_int_equal(dsr_ownership_kept(&s->own), 1);
	const struct dsr_own_event *e = dsr_ownership_event(&s->own, 0);
	assert_int_equal(e->kind, DSR_OWN_FAILOVER);
	assert_string_equal(e->from, "lb1");
	assert_string_equal(e->to, "lb2");
	assert_int_equal(e->garps, 2);
	assert_int_equal(e->duration_us, 4001000);
	char text[160];
	dsr_own_event_text(e, text, sizeof(text));
	assert_non_null(strstr(text, " in 4001 ms, 2 gratuitous ARPs"));
	/* The advertisements alone (the audit's vrrp.master, which watches no
	 * ARP): the failover says nothing of gratuitous ARPs, never "0". */
	dsr_ownership_of_run(&s->own, &s->cfg.services[0], NULL, lists, counts, 1, false, &end);
	assert_int_equal(dsr_ownership_kept(&s->own), 1);
	e = dsr_ownership_event(&s->own, 0);
	assert_int_equal(e->kind, DSR_OWN_FAILOVER);
	dsr_own_event_text(e, text, sizeof(text));
	assert_string_equal(text, "failover lb1 -> lb2 at 12:00:08.000000Z in 4000 ms (the old master went silent)");
	assert_null(strstr(text, "gratuitous"));
	stop(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crash_failover),
		cmocka_unit_test(graceful_failover),
		cmocka_unit_test(preemption_is_a_failover),
		cmocka_unit_test(two_masters_are_a_split_brain),
		cmocka_unit_test(two_owners_at_once),
		cmocka_unit_test(no_vrrp_failover_then_flip_flop),
		cmocka_unit_test(owner_change_without_transition),
		cmocka_unit_test(unknown_host_and_server),
		cmocka_unit_test(vmac_failover),
		cmocka_unit_test(base_mac_is_not_a_second_owner),
		cmocka_unit_test(silence_is_no_master),
		cmocka_unit_test(goodbye_first),
		cmocka_unit_test(master_down_interval),
		cmocka_unit_test(memory_is_bounded),
		cmocka_unit_test(from_observations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
