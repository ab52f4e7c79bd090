/* Probe kinds: builders by their bytes, matching by frames a peer would send,
 * judges by the verdict they draw from observations. No privilege needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../platform/netcompat.h"
#include "../probes/probe.h"
#include "../capture/dump.h"
#include "../platform/platform.h"
#include "../src/config.h"
#include "../src/engine.h"
#include "../src/ha.h"
#include "../src/verdict.h"
#include "frames.h"

static const uint8_t me_mac[6] = {2, 0, 0, 0, 0, 0x50};
static const uint8_t me_ip[4] = {198, 18, 0, 50};
static const uint8_t rs1_mac[6] = {2, 0, 0, 0, 0, 0x11};
static const uint8_t rs1_ip[4] = {198, 18, 0, 11};
static const uint8_t dup_mac[6] = {2, 0, 0, 0, 0, 0x99};
static const uint8_t lb_mac[6] = {2, 0, 0, 0, 0, 0x02};
static const uint8_t vip[4] = {198, 18, 0, 100};

static struct dsr_local me(void)
{
	struct dsr_local l = {0};
	memcpy(l.mac, me_mac, 6);
	memcpy(&l.ip.s_addr, me_ip, 4);
	return l;
}

static struct dsr_task task(const struct dsr_probe *probe, const uint8_t ip[4], int port)
{
	struct dsr_task t;
	memset(&t, 0, sizeof(t));
	t.probe = probe;
	t.check_id = "test";
	memcpy(&t.target.s_addr, ip, 4);
	t.port = port;
	t.resolver = DSR_NO_TASK;
	return t;
}

/* Golden frames: computed independently (header fields and checksums by hand
 * with a separate script) and checked with tcpdump -r. */
static const uint8_t golden_syn[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x11, 0x02, 0x00, 0x00, 0x00, 0x00, 0x50, 0x08, 0x00, 0x45,
	0x00, 0x00, 0x2c, 0x33, 0x44, 0x40, 0x00, 0x40, 0x06, 0x7b, 0x26, 0xc6, 0x12, 0x00, 0x32,
	0xc6, 0x12, 0x00, 0x0b, 0x9c, 0x40, 0x00, 0x50, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00,
	0x00, 0x60, 0x02, 0xfa, 0xf0, 0x2f, 0xdd, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4};
static const uint8_t golden_echo[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x11, 0x02, 0x00, 0x00, 0x00, 0x00, 0x50, 0x08, 0x00, 0x45,
	0x00, 0x00, 0x2c, 0x00, 0x07, 0x00, 0x00, 0x40, 0x01, 0xee, 0x68, 0xc6, 0x12, 0x00, 0x32,
	0xc6, 0x12, 0x00, 0x0b, 0x08, 0x00, 0x65, 0xee, 0xbe, 0xef, 0x00, 0x07, 0x64, 0x73, 0x72,
	0x63, 0x68, 0x65, 0x63, 0x6b, 0x2d, 0x70, 0x72, 0x6f, 0x62, 0x65, 0x2e, 0x2e};
/* RFC 5227 probe: sender address 0.0.0.0, so nobody's cache learns us. */
static const uint8_t golden_arp[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x50, 0x08, 0x06,
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x50,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc6, 0x12, 0x00, 0x0b};

static void build_golden(void **state)
{
	(void)state;
	struct dsr_local l = me();
	uint8_t buf[128];
	char err[128];

	struct dsr_task t = task(&dsr_probe_tcp_syn, rs1_ip, 80);
	struct dsr_task_state s;
	t.sport = 40000;
	t.seq = 0x11223344;
	dsr_task_state_init(&t, &s);
	memcpy(s.dst_mac, rs1_mac, 6);
	int n = t.probe->build(&t, &s, &l, buf, sizeof(buf), err, sizeof(err));
	assert_int_equal(n, sizeof(golden_syn));
	assert_memory_equal(buf, golden_syn, sizeof(golden_syn));

	t = task(&dsr_probe_icmp_echo, rs1_ip, -1);
	t.echo_id = 0xbeef;
	t.echo_seq = 7;
	dsr_task_state_init(&t, &s);
	memcpy(s.dst_mac, rs1_mac, 6);
	n = t.probe->build(&t, &s, &l, buf, sizeof(buf), err, sizeof(err));
	assert_int_equal(n, sizeof(golden_echo));
	assert_memory_equal(buf, golden_echo, sizeof(golden_echo));

	t = task(&dsr_probe_arp, rs1_ip, -1);
	dsr_task_state_init(&t, &s);
	n = t.probe->build(&t, &s, &l, buf, sizeof(buf), err, sizeof(err));
	assert_int_equal(n, sizeof(golden_arp));
	assert_memory_equal(buf, golden_arp, sizeof(golden_arp));

	/* Too small a buffer is an error, not an overflow. */
	assert_int_equal(t.probe->build(&t, &s, &l, buf, 20, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "exceeds"));
}

/* A built probe is recognised as our own attempt, so recorded captures replay. */
static void built_frames_are_own_attempts(void **state)
{
	(void)state;
	struct dsr_local l = me();
	const struct dsr_probe *kinds[] = {&dsr_probe_arp, &dsr_probe_icmp_echo, &dsr_probe_tcp_syn};
	for (size_t k = 0; k < 3; k++) {
		struct dsr_task t = task(kinds[k], rs1_ip, kinds[k] == &dsr_probe_tcp_syn ? 80 : -1);
		uint8_t buf[128];
		char err[128];
		struct dsr_frame f;
		struct dsr_task_state s;
		t.sport = 41000;
		t.seq = 99;
		t.echo_id = 5;
		t.echo_seq = 6;
		dsr_task_state_init(&t, &s);
		int n = t.probe->build(&t, &s, &l, buf, sizeof(buf), err, sizeof(err));
		assert_true(n > 0);
		assert_int_equal(dsr_decode_ethernet(buf, (size_t)n, &f), DSR_FRAME_OK);
		assert_true(t.probe->is_attempt(&t, &s, &l, &f));
		/* ... and filed under one of the frame's keys, where the engine looks. */
		struct dsr_key keys[DSR_FRAME_KEYS_MAX], mine = t.probe->key(&t, &s);
		size_t nkeys = dsr_frame_keys(&f, keys);
		bool found = false;
		for (size_t i = 0; i < nkeys; i++)
			found = found || dsr_key_equal(&keys[i], &mine);
		assert_true(found);
		s.seq = 100;
		s.echo_seq = 7;
		t.target.s_addr ^= htonl(1);
		assert_false(t.probe->is_attempt(&t, &s, &l, &f));
	}
}

/* A plan (tasks, written by the test until the engine starts) and what the
 * engine learns, started on first use with every task "sent" once. */
struct fixture {
	struct dsr_plan plan;
	struct dsr_task *tasks;
	struct dsr_observations obs;
	struct dsr_config cfg;
	bool started;
	struct dsr_judge_ctx ctx[5]; /* the facts each task's judge is given */
	/* Every check judged, whose drafts fixture_free releases. */
	struct dsr_check judged[64];
	size_t njudged;
};

static void start(struct fixture *fx)
{
	if (fx->started)
		return;
	fx->started = true;
	assert_int_equal(dsr_engine_prepare(&fx->plan, &fx->obs), 0);
	for (size_t i = 0; i < fx->plan.ntasks; i++)
		fx->obs.state[i].attempts = fx->tasks[i].passive ? 0 : 1;
}

/* Task i's engine state (starting the engine). */
static struct dsr_task_state *st(struct fixture *fx, size_t i)
{
	start(fx);
	return &fx->obs.state[i];
}

static struct fixture *fixture_alloc(size_t ntasks)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	fx->plan.me = me();
	fx->plan.ntasks = ntasks;
	fx->plan.tasks = fx->tasks = calloc(ntasks, sizeof(struct dsr_task));
	return fx;
}

/* A plan of one task of each kind against rs1 and the VIP, already "sent". */
static struct fixture *fixture_new(void)
{
	struct fixture *fx = fixture_alloc(5);
	fx->tasks[0] = task(&dsr_probe_arp, rs1_ip, -1);
	fx->tasks[0].check_id = "arp.rip";
	memcpy(fx->tasks[0].expected_macs[0], rs1_mac, 6);
	fx->tasks[0].nexpected = 1;
	fx->tasks[1] = task(&dsr_probe_icmp_echo, rs1_ip, -1);
	fx->tasks[1].echo_id = 0x1234;
	fx->tasks[1].echo_seq = 2;
	fx->tasks[2] = task(&dsr_probe_tcp_syn, rs1_ip, 80);
	fx->tasks[2].sport = 40001;
	fx->tasks[2].seq = 1000;
	fx->tasks[3] = task(&dsr_probe_tcp_syn, vip, 80);
	fx->tasks[3].sport = 40002;
	fx->tasks[3].seq = 2000;
	fx->tasks[3].is_vip = true;
	fx->tasks[4] = task(&dsr_probe_arp, vip, -1);
	fx->tasks[4].is_vip = true;
	memcpy(fx->tasks[4].expected_macs[0], lb_mac, 6);
	fx->tasks[4].nexpected = 1;
	return fx;
}

static void fixture_free(struct fixture *fx)
{
	dsr_observations_free(&fx->obs);
	for (size_t i = 0; i < fx->njudged; i++)
		dsr_check_release(&fx->judged[i]);
	free(fx->tasks);
	free(fx);
}

/* A frame captured at 1000 s + usec; ours (record_attempts) counts as a try. */
static void feed_at(struct fixture *fx, const uint8_t *f, size_t n, long usec, bool ours)
{
	struct timeval ts = {1000, usec};
	start(fx);
	dsr_engine_feed(&fx->plan, f, n, &ts, ours, &fx->obs);
}

/* A frame from another host, captured at 1000 s. */
static void feed(struct fixture *fx, const uint8_t *f, size_t n)
{
	feed_at(fx, f, n, 0, false);
}

/* Task i's next try as the probe builds it, captured at 1000 s + usec. */
static void feed_own_try(struct fixture *fx, size_t i, long usec)
{
	uint8_t f[128];
	char err[128];
	int n = fx->tasks[i].probe->build(&fx->tasks[i], st(fx, i), &fx->plan.me, f, sizeof(f), err,
					  sizeof(err));
	assert_true(n > 0);
	feed_at(fx, f, (size_t)n, usec, true);
}

/* Judge task i on what was fed. */
static struct dsr_check judge(struct fixture *fx, size_t i)
{
	struct dsr_check c;
	struct dsr_observation mine[64];
	size_t n = 0;
	struct dsr_judge_ctx j = fx->ctx[i];
	memset(&c, 0, sizeof(c));
	c.id = fx->tasks[i].check_id; /* as verdict.c sets it: remedies depend on it */
	j.task = &fx->tasks[i];
	j.state = st(fx, i);
	for (size_t k = 0; k < fx->obs.n && n < 64; k++)
		if (fx->obs.items[k].task == i)
			mine[n++] = fx->obs.items[k];
	fx->tasks[i].probe->judge(&j, mine, n, &c);
	assert_true(fx->njudged < sizeof(fx->judged) / sizeof(fx->judged[0]));
	fx->judged[fx->njudged++] = c;
	return c;
}

static const char *evidence(const struct dsr_check *c, const char *key)
{
	for (size_t i = 0; i < c->nevidence; i++)
		if (strcmp(c->evidence[i].key, key) == 0)
			return c->evidence[i].text;
	return NULL;
}

static void silence_fails_every_kind(void **state)
{
	(void)state;
	struct fixture *fx = fixture_new();
	struct dsr_check c = judge(fx, 0);
	assert_int_equal(c.status, DSR_FAIL);
	assert_string_equal(c.reason, "no-answer");
	assert_true(strlen(c.remedy) > 0);
	c = judge(fx, 1);
	assert_string_equal(c.reason, "timeout");
	c = judge(fx, 2);
	assert_string_equal(c.reason, "timeout");
	st(fx, 2)->unresolved = true;
	st(fx, 2)->attempts = 0;
	c = judge(fx, 2);
	assert_string_equal(c.reason, "timeout");
	assert_non_null(strstr(c.summary, "did not answer ARP"));
	fixture_free(fx);
}

static void arp_answers(void **state)
{
	(void)state;
	struct fixture *fx = fixture_new();
	uint8_t f[64];
	feed(fx, f, craft_arp(f, 2, rs1_mac, rs1_ip, me_mac, (uint8_t[4]){0}));
	struct dsr_check c = judge(fx, 0);
	assert_int_equal(c.status, DSR_PASS);
	assert_null(c.reason);
	/* A second owner, answering the same probe: conflict, both MACs in evidence. */
	feed(fx, f, craft_arp(f, 2, dup_mac, rs1_ip, me_mac, (uint8_t[4]){0}));
	c = judge(fx, 0);
	assert_int_equal(c.status, DSR_FAIL);
	assert_string_equal(c.reason, "conflict");
	assert_string_equal(evidence(&c, "macs"), "02:00:00:00:00:11,02:00:00:00:00:99");
	/* A request from the address is no answer. */
	fixture_free(fx);
	fx = fixture_new();
	feed(fx, f, craft_arp(f, 1, rs1_mac, rs1_ip, (uint8_t[6]){0}, me_ip));
	assert_string_equal(judge(fx, 0).reason, "no-answer");
	/* The only answer is from another MAC than configured. */
	feed(fx, f, craft_arp(f, 2, dup_mac, rs1_ip, me_mac, me_ip));
	assert_string_equal(judge(fx, 0).reason, "wrong-mac");
	/* For the VIP, an answer from a real server is a wrong owner; with the balancer too, a conflict. */
	feed(fx, f, craft_arp(f, 2, rs1_mac, vip, me_mac, me_ip));
	assert_string_equal(judge(fx, 4).reason, "wrong-owner");
	feed(fx, f, craft_arp(f, 2, lb_mac, vip, me_mac, me_ip));
	c = judge(fx, 4);
	assert_string_equal(c.reason, "conflict");
	assert_non_null(strstr(c.remedy, "arp_ignore=1"));
	fixture_free(fx);
}

static void arp_on_the_balancer(void **state)
{
	(void)state;
	struct fixture *fx = fixture_new();
	uint8_t f[64];
	fx->tasks[4].local_owner = true;
	struct dsr_check c = judge(fx, 4);
	assert_int_equal(c.status, DSR_PASS);
	feed(fx, f, craft_arp(f, 2, rs1_mac, vip, me_mac, me_ip));
	c = judge(fx, 4);
	assert_int_equal(c.status, DSR_FAIL);
	assert_string_equal(c.reason, "conflict");
	fixture_free(fx);
}

static void tcp_answers(void **state)
{
	(void)state;
	struct fixture *fx = fixture_new();
	uint8_t f[128];
	/* Wrong acknowledgement number: not ours, whatever the ports say. */
	feed(fx, f, craft_tcp(f, rs1_mac, me_mac, rs1_ip, me_ip, 64, 80, 40001, 5, 1000, 0x12));
	assert_string_equal(judge(fx, 2).reason, "timeout");
	assert_int_equal(fx->obs.unmatched, 1);
	feed(fx, f, craft_tcp(f, rs1_mac, me_mac, rs1_ip, me_ip, 64, 80, 40001, 5, 1001, 0x12));
	struct dsr_check c = judge(fx, 2);
	assert_int_equal(c.status, DSR_PASS);
	assert_string_equal(evidence(&c, "mac"), "02:00:00:00:00:11");

	/* RST from the VIP: the application is not bound to it. */
	feed(fx, f, craft_tcp(f, rs1_mac, me_mac, vip, me_ip, 128, 80, 40002, 0, 2001, 0x14));
	c = judge(fx, 3);
	assert_int_equal(c.status, DSR_FAIL);
	assert_string_equal(c.reason, "refused");
	assert_non_null(strstr(c.remedy, "Bindings"));
	fixture_free(fx);

	/* SYN-ACK for the VIP from the real address: the reply's source was rewritten (weak host
	 * send off would have dropped it). */
	fx = fixture_new();
	feed(fx, f, craft_tcp(f, rs1_mac, me_mac, rs1_ip, me_ip, 128, 80, 40002, 0, 2001, 0x12));
	c = judge(fx, 3);
	assert_string_equal(c.reason, "wrong-source");
	assert_non_null(strstr(c.remedy, "rewrites the source"));
	assert_null(strstr(c.remedy, "weakhostsend=enabled"));
	fixture_free(fx);

	/* ICMP port unreachable quoting our SYN. */
	fx = fixture_new();
	uint8_t quote[28];
	craft_ip(quote, 6, me_ip, rs1_ip, 64, 20);
	put16(quote + 20, 40001);
	put16(quote + 22, 80);
	put32(quote + 24, 1000);
	feed(fx, f, craft_unreach(f, rs1_mac, me_mac, rs1_ip, me_ip, 3, quote, sizeof(quote)));
	c = judge(fx, 2);
	assert_string_equal(c.reason, "unreachable");
	/* ... but not one quoting another sequence number. */
	put32(quote + 24, 1001);
	fixture_free(fx);
	fx = fixture_new();
	feed(fx, f, craft_unreach(f, rs1_mac, me_mac, rs1_ip, me_ip, 3, quote, sizeof(quote)));
	assert_string_equal(judge(fx, 2).reason, "timeout");
	fixture_free(fx);
}

static void echo_answers(void **state)
{
	(void)state;
	struct fixture *fx = fixture_new();
	uint8_t f[128];
	feed(fx, f, craft_echo_reply(f, rs1_mac, me_mac, rs1_ip, me_ip, 64, 0x1234, 3));
	assert_string_equal(judge(fx, 1).reason, "timeout");
	feed(fx, f, craft_echo_reply(f, rs1_mac, me_mac, rs1_ip, me_ip, 64, 0x1234, 2));
	struct dsr_check c = judge(fx, 1);
	assert_int_equal(c.status, DSR_PASS);
	assert_string_equal(evidence(&c, "from"), "198.18.0.11");
	fixture_free(fx);
}

/* Truncated and malformed frames are counted and never make a check pass. */
static void unusable_frames_never_pass(void **state)
{
	(void)state;
	struct fixture *fx = fixture_new();
	uint8_t f[128];
	size_t n = craft_tcp(f, rs1_mac, me_mac, rs1_ip, me_ip, 64, 80, 40001, 5, 1001, 0x12);
	feed(fx, f, n - 1);
	f[14] = 0x44;
	feed(fx, f, n);
	assert_int_equal(fx->obs.truncated, 1);
	assert_int_equal(fx->obs.invalid, 1);
	assert_int_equal(fx->obs.n, 0);
	assert_string_equal(judge(fx, 2).reason, "timeout");
	fixture_free(fx);
}

/* A flood of answers is counted but memory stays bounded. */
static void observation_flood_is_bounded(void **state)
{
	(void)state;
	struct fixture *fx = fixture_new();
	uint8_t f[64];
	size_t n = craft_arp(f, 2, rs1_mac, rs1_ip, me_mac, me_ip);
	for (int i = 0; i < 1000; i++)
		feed(fx, f, n);
	assert_int_equal(fx->obs.n, DSR_MAX_OBSERVATIONS_PER_TASK);
	assert_int_equal(fx->obs.dropped, 1000 - DSR_MAX_OBSERVATIONS_PER_TASK);
	fixture_free(fx);
}

/* The next hop's MAC is learned from ARP, preferring the expected one. */
static void next_hop_learning(void **state)
{
	(void)state;
	struct fixture *fx = fixture_new();
	uint8_t f[64];
	fx->tasks[2].resolver = 0;
	st(fx, 2)->attempts = 0;
	feed(fx, f, craft_arp(f, 2, dup_mac, rs1_ip, me_mac, me_ip));
	assert_true(st(fx, 2)->dst_mac_known);
	assert_memory_equal(st(fx, 2)->dst_mac, dup_mac, 6);
	feed(fx, f, craft_arp(f, 2, rs1_mac, rs1_ip, me_mac, me_ip));
	assert_memory_equal(st(fx, 2)->dst_mac, rs1_mac, 6);
	fixture_free(fx);
}

/* Under loss the configured server's ARP answer may come after a second
 * host's, once probes already went out to the wrong MAC: their next tries go to
 * the configured MAC (a lab run under 20 % loss showed rs1's direct probes
 * timing out at the duplicate). A task the other host answered is asked again
 * at the configured MAC, and that earlier answer becomes evidence only (the
 * vip-squatter runs under loss reported the squatter's RST as tcp.vip
 * refused). Only answers captured after a try at the configured MAC count;
 * a later ARP answer from the duplicate changes nothing. */
static void next_hop_corrected_after_sending(void **state)
{
	(void)state;
	struct fixture *fx = fixture_new();
	uint8_t f[64];
	fx->tasks[1].resolver = 0;
	fx->tasks[2].resolver = 0;
	st(fx, 1)->attempts = 0;
	st(fx, 2)->attempts = 0;
	feed(fx, f, craft_arp(f, 2, dup_mac, rs1_ip, me_mac, me_ip));
	assert_memory_equal(st(fx, 1)->dst_mac, dup_mac, 6);
	st(fx, 1)->attempts = 1;
	st(fx, 2)->attempts = 1;
	feed(fx, f, craft_echo_reply(f, dup_mac, me_mac, rs1_ip, me_ip, 64, 0x1234, 2));
	assert_true(st(fx, 1)->answered);
	assert_int_equal(judge(fx, 1).status, DSR_PASS);

	feed(fx, f, craft_arp(f, 2, rs1_mac, rs1_ip, me_mac, me_ip));
	assert_memory_equal(st(fx, 2)->dst_mac, rs1_mac, 6);
	assert_memory_equal(st(fx, 1)->dst_mac, rs1_mac, 6);
	assert_false(st(fx, 1)->answered);
	assert_true(st(fx, 1)->corrected_try_due);
	struct dsr_check c = judge(fx, 1);
	assert_int_equal(c.status, DSR_FAIL);
	assert_string_equal(c.reason, "timeout");
	assert_string_equal(evidence(&c, "foreign_macs"), "02:00:00:00:00:99");

	/* New identifiers: the duplicate's answers to earlier tries no longer match. */
	uint16_t seq = st(fx, 1)->echo_seq;
	assert_int_not_equal(seq, 2);
	feed(fx, f, craft_echo_reply(f, dup_mac, me_mac, rs1_ip, me_ip, 64, 0x1234, 2));
	assert_false(st(fx, 1)->answered);
	feed_own_try(fx, 1, 500000);
	assert_int_equal(st(fx, 1)->attempts, 2);
	assert_false(st(fx, 1)->corrected_try_due);
	feed_at(fx, f, craft_echo_reply(f, rs1_mac, me_mac, rs1_ip, me_ip, 64, 0x1234, seq), 500100, false);
	c = judge(fx, 1);
	assert_int_equal(c.status, DSR_PASS);
	assert_string_equal(evidence(&c, "mac"), "02:00:00:00:00:11");

	feed(fx, f, craft_arp(f, 2, dup_mac, rs1_ip, me_mac, me_ip));
	assert_memory_equal(st(fx, 2)->dst_mac, rs1_mac, 6);
	assert_memory_equal(st(fx, 1)->dst_mac, rs1_mac, 6);
	assert_true(st(fx, 1)->answered);
	fixture_free(fx);
}

/* vip-squatter under loss: the squatter's ARP answer for the VIP came first,
 * so tcp.vip's SYN went to it and it refused; the balancer's answer came on a
 * later try. The RST is the squatter's, not the deployment's: the SYN goes
 * again through the balancer and a real server's SYN-ACK decides. */
static void vip_probe_answered_by_squatter_asks_again(void **state)
{
	(void)state;
	struct fixture *fx = fixture_new();
	uint8_t f[64];
	fx->tasks[3].resolver = 4;
	struct dsr_task_state *syn = st(fx, 3);
	syn->attempts = 0;
	feed(fx, f, craft_arp(f, 2, dup_mac, vip, me_mac, me_ip));
	assert_memory_equal(syn->dst_mac, dup_mac, 6);
	syn->attempts = 1;
	size_t n = craft_tcp(f, dup_mac, me_mac, vip, me_ip, 64, 80, 40002, 0, 2001, 0x14);
	feed(fx, f, n);
	assert_string_equal(judge(fx, 3).reason, "refused");

	feed(fx, f, craft_arp(f, 2, lb_mac, vip, me_mac, me_ip));
	assert_memory_equal(syn->dst_mac, lb_mac, 6);
	assert_false(syn->answered);
	struct dsr_check c = judge(fx, 3);
	assert_string_equal(c.reason, "timeout");
	assert_string_equal(evidence(&c, "foreign_macs"), "02:00:00:00:00:99");

	/* The squatter's answer to an earlier try, arriving after the correction (a
	 * RST, or a SYN-ACK it sends again): the SYN's new sequence number keeps it
	 * from matching. */
	assert_int_not_equal(syn->seq, 2000);
	feed(fx, f, craft_tcp(f, dup_mac, me_mac, vip, me_ip, 64, 80, 40002, 0, 2001, 0x14));
	feed(fx, f, craft_tcp(f, dup_mac, me_mac, vip, me_ip, 64, 80, 40002, 9, 2001, 0x12));
	assert_false(syn->answered);
	assert_string_equal(judge(fx, 3).reason, "timeout");

	feed_own_try(fx, 3, 500000);
	assert_int_equal(syn->attempts, 2);
	feed_at(fx, f, craft_tcp(f, rs1_mac, me_mac, vip, me_ip, 64, 80, 40002, 7, syn->seq + 1, 0x12),
		500200, false);
	c = judge(fx, 3);
	assert_int_equal(c.status, DSR_PASS);
	assert_string_equal(evidence(&c, "mac"), "02:00:00:00:00:11");
	assert_string_equal(evidence(&c, "foreign_macs"), "02:00:00:00:00:99");
	fixture_free(fx);
}

/* The claim watch for rs1 follows rs1's ARP like any probe: claims made by
 * the duplicate that answered for rs1's address first are not rs1's. */
static void claims_before_a_correction_are_not_the_servers(void **state)
{
	(void)state;
	struct fixture *fx = fixture_new();
	uint8_t f[64];
	fx->tasks[2] = task(&dsr_probe_arp_claim, vip, -1);
	fx->tasks[2].server = "rs1";
	fx->tasks[2].claim_watch = true;
	fx->tasks[2].resolver = 0;
	struct dsr_task_state *claim = st(fx, 2);
	claim->attempts = 0; /* a new task: not sent yet */
	feed(fx, f, craft_arp(f, 2, dup_mac, rs1_ip, me_mac, me_ip));
	claim->attempts = 1;
	feed(fx, f, craft_arp(f, 2, dup_mac, vip, me_mac, me_ip));
	assert_string_equal(judge(fx, 2).reason, "claimed");

	feed(fx, f, craft_arp(f, 2, rs1_mac, rs1_ip, me_mac, me_ip));
	assert_memory_equal(claim->dst_mac, rs1_mac, 6);
	struct dsr_check c = judge(fx, 2);
	assert_int_equal(c.status, DSR_PASS);
	assert_string_equal(evidence(&c, "mac"), "02:00:00:00:00:11");

	feed(fx, f, craft_arp(f, 1, rs1_mac, vip, (uint8_t[6]){0}, me_ip));
	c = judge(fx, 2);
	assert_string_equal(c.reason, "claimed");
	assert_non_null(strstr(c.summary, "in 1 ARP frame"));
	fixture_free(fx);
}

/* A claim task for rs1 (MAC configured) and the service-level watch. */
static struct fixture *claim_fixture(void)
{
	struct fixture *fx = fixture_alloc(2);
	fx->tasks[0] = task(&dsr_probe_arp_claim, vip, -1);
	fx->tasks[0].server = "rs1";
	fx->tasks[0].claim_watch = true;
	fx->tasks[0].has_fallback_mac = true;
	memcpy(fx->tasks[0].fallback_mac, rs1_mac, 6);
	fx->tasks[1] = task(&dsr_probe_arp_claim, vip, -1);
	fx->tasks[1].claim_watch = true;
	fx->tasks[1].passive = true;
	memcpy(fx->tasks[1].expected_macs[0], lb_mac, 6);
	fx->tasks[1].nexpected = 1;
	return fx;
}

static void claims_by_a_server(void **state)
{
	(void)state;
	static const struct {
		uint16_t op;
		const uint8_t *tpa;
		const char *kind;
	} cases[] = {
		{2, me_ip, "reply"},           /* answers who-has VIP (arp_ignore=0) */
		{1, vip, "announce"},          /* gratuitous ARP request */
		{2, vip, "announce"},          /* gratuitous ARP reply */
		{1, me_ip, "request-from-vip"}, /* its own request with the VIP as sender (arp_announce=0) */
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct fixture *fx = claim_fixture();
		uint8_t f[64];
		struct dsr_check c = judge(fx, 0);
		assert_int_equal(c.status, DSR_PASS);
		feed(fx, f, craft_arp(f, cases[k].op, rs1_mac, vip, (uint8_t[6]){0}, cases[k].tpa));
		/* A claim is evidence, never an answer that ends the task. */
		assert_false(st(fx, 0)->answered);
		c = judge(fx, 0);
		assert_int_equal(c.status, DSR_FAIL);
		assert_string_equal(c.reason, "claimed");
		assert_string_equal(evidence(&c, "kinds"), cases[k].kind);
		assert_non_null(strstr(c.remedy, "arp_ignore=1"));
		assert_non_null(strstr(c.remedy, "KM-TEST Loopback"));
		/* A configured server's claim is not an unknown host's. */
		fx->ctx[1].known_macs = &rs1_mac;
		fx->ctx[1].nknown = 1;
		assert_int_equal(judge(fx, 1).status, DSR_PASS);
		fixture_free(fx);
	}
}

static void claims_by_others(void **state)
{
	(void)state;
	struct fixture *fx = claim_fixture();
	uint8_t f[64];
	/* The balancer answering for the VIP is what should happen. */
	feed(fx, f, craft_arp(f, 2, lb_mac, vip, me_mac, me_ip));
	assert_int_equal(judge(fx, 0).status, DSR_PASS);
	assert_int_equal(judge(fx, 1).status, DSR_PASS);
	/* Another server's claim is not rs1's; the address of rs1 is not the VIP. */
	feed(fx, f, craft_arp(f, 2, rs1_mac, rs1_ip, me_mac, me_ip));
	assert_int_equal(judge(fx, 0).status, DSR_PASS);
	feed(fx, f, craft_arp(f, 2, dup_mac, vip, me_mac, me_ip));
	assert_int_equal(judge(fx, 0).status, DSR_PASS);
	struct dsr_check c = judge(fx, 1);
	assert_int_equal(c.status, DSR_FAIL);
	assert_string_equal(c.reason, "unknown-host");
	assert_string_equal(evidence(&c, "macs"), "02:00:00:00:00:99");
	fixture_free(fx);

	/* Without a MAC, configured or learned, a server's claims cannot be seen. */
	fx = claim_fixture();
	fx->tasks[0].has_fallback_mac = false;
	c = judge(fx, 0);
	assert_string_equal(c.reason, "no-mac");
	fixture_free(fx);
}

static void direct_probes(void **state)
{
	(void)state;
	struct fixture *fx = fixture_new();
	uint8_t f[128];
	struct dsr_task *t = &fx->tasks[3]; /* SYN to the VIP */
	struct dsr_task_state *ts = st(fx, 3);
	t->direct = true;
	t->server = "rs1";
	fx->ctx[3].os_guess = DSR_OS_WINDOWS;
	struct dsr_check c = judge(fx, 3);
	assert_string_equal(c.reason, "timeout");
	/* A direct timeout is the server dropping VIP frames: the vendor's steps. */
	assert_non_null(strstr(c.remedy, "Windows (guessed"));
	assert_non_null(strstr(c.remedy, "weakhostreceive=enabled"));
	assert_non_null(strstr(c.remedy, "allow traffic to and from the loopback adapter"));
	/* Weak host send off on the loopback adapter drops the reply: a cause of this timeout. */
	assert_non_null(strstr(c.remedy, "cannot leave through the NIC without weak host send"));
	assert_null(strstr(c.remedy, "arp_ignore"));
	ts->unresolved = true;
	ts->attempts = 0;
	c = judge(fx, 3);
	assert_string_equal(c.reason, "no-mac");
	assert_non_null(strstr(c.remedy, "mac = ..."));
	/* The same remedies for ping to the VIP at the server's MAC. */
	struct dsr_task *echo = &fx->tasks[1];
	echo->target = t->target;
	echo->is_vip = echo->direct = true;
	fx->ctx[1].os_guess = DSR_OS_LINUX;
	c = judge(fx, 1);
	assert_string_equal(c.reason, "timeout");
	assert_non_null(strstr(c.remedy, "ip addr add 198.18.0.100/32 dev lo"));
	st(fx, 1)->unresolved = true;
	c = judge(fx, 1);
	assert_string_equal(c.reason, "no-mac");
	assert_non_null(strstr(c.remedy, "mac = ..."));
	ts->unresolved = false;
	ts->attempts = 1;
	fx->ctx[3].os_guess = DSR_OS_LINUX;
	feed(fx, f, craft_tcp(f, rs1_mac, me_mac, vip, me_ip, 64, 80, 40002, 0, 2001, 0x14));
	c = judge(fx, 3);
	assert_string_equal(c.reason, "refused");
	assert_non_null(strstr(c.remedy, "Linux/BSD (guessed"));
	assert_non_null(strstr(c.remedy, "0.0.0.0:80"));
	fixture_free(fx);
}

/* After a SYN-ACK, a RST to the answering MAC for the VIP connection. */
static void rst_follows_synack(void **state)
{
	(void)state;
	struct dsr_local l = me();
	struct dsr_task t = task(&dsr_probe_tcp_syn, vip, 80);
	struct dsr_task_state s;
	struct dsr_observation o;
	uint8_t buf[128];
	char err[128];
	struct dsr_frame f;
	t.sport = 40000;
	t.seq = 0x11223344;
	dsr_task_state_init(&t, &s);
	memset(&o, 0, sizeof(o));
	o.kind = DSR_OBS_SYNACK;
	memcpy(o.mac, rs1_mac, 6);
	/* Through the balancer, the local kernel's own RST reaches the server. */
	assert_int_equal(t.probe->follow_up(&t, &s, &l, &o, buf, sizeof(buf), err, sizeof(err)), 0);
	t.direct = true;
	o.kind = DSR_OBS_RST;
	assert_int_equal(t.probe->follow_up(&t, &s, &l, &o, buf, sizeof(buf), err, sizeof(err)), 0);
	o.kind = DSR_OBS_SYNACK;
	int n = t.probe->follow_up(&t, &s, &l, &o, buf, sizeof(buf), err, sizeof(err));
	assert_true(n > 0);
	assert_int_equal(dsr_decode_ethernet(buf, (size_t)n, &f), DSR_FRAME_OK);
	assert_memory_equal(f.eth_dst, rs1_mac, 6);
	assert_memory_equal(&f.ip.dst.s_addr, vip, 4);
	assert_int_equal(f.tcp.flags, DSR_TCP_RST);
	assert_int_equal(f.tcp.seq, 0x11223345);
	assert_int_equal(f.tcp.sport, 40000);
	assert_int_equal(f.tcp.dport, 80);
}

static void return_path(void **state)
{
	(void)state;
	struct fixture *fx = fixture_new();
	uint8_t f[128];
	struct dsr_task *t = &fx->tasks[3];
	t->probe = &dsr_probe_dsr_return;
	memcpy(t->expected_macs[0], lb_mac, 6);
	t->nexpected = 1;
	struct dsr_check c = judge(fx, 3);
	assert_int_equal(c.status, DSR_SKIP);
	assert_string_equal(c.reason, "no-answer");
	feed(fx, f, craft_tcp(f, rs1_mac, me_mac, vip, me_ip, 64, 80, 40002, 0, 2001, 0x12));
	assert_int_equal(judge(fx, 3).status, DSR_PASS);
	fixture_free(fx);

	fx = fixture_new();
	t = &fx->tasks[3];
	t->probe = &dsr_probe_dsr_return;
	memcpy(t->expected_macs[0], lb_mac, 6);
	t->nexpected = 1;
	feed(fx, f, craft_tcp(f, lb_mac, me_mac, vip, me_ip, 64, 80, 40002, 0, 2001, 0x12));
	c = judge(fx, 3);
	assert_int_equal(c.status, DSR_WARN);
	assert_string_equal(c.reason, "via-balancer");
	/* Without a configured balancer MAC: the MAC the SYN went to is the balancer's. */
	t->nexpected = 0;
	memcpy(st(fx, 3)->dst_mac, lb_mac, 6);
	st(fx, 3)->dst_mac_known = true;
	assert_string_equal(judge(fx, 3).reason, "via-balancer");
	fixture_free(fx);
}

static const uint8_t lb2_mac[6] = {2, 0, 0, 0, 0, 0x03};
static const uint8_t vrrp_mac[6] = {0x00, 0x00, 0x5e, 0x00, 0x01, 51};

/* lb1 and lb2 by their configured MACs, and VRRP group 51. */
static void ha_pair(struct dsr_ha_set *set)
{
	static struct dsr_service svc;
	memset(&svc, 0, sizeof(svc));
	svc.nbalancers = 2;
	snprintf(svc.balancers[0].name, DSR_NAME_MAX, "lb1");
	svc.balancers[0].has_mac = true;
	memcpy(svc.balancers[0].mac, lb_mac, 6);
	snprintf(svc.balancers[1].name, DSR_NAME_MAX, "lb2");
	svc.balancers[1].has_mac = true;
	memcpy(svc.balancers[1].mac, lb2_mac, 6);
	svc.vrrp_id = 51;
	dsr_ha_build(&svc, NULL, NULL, set);
}

/* Two members of the balancer set answering one request are two masters,
 * whichever answered first; members taking turns between requests are a
 * failover; a real server that wins the race is a conflict, never the owner. */
static void vip_owners_of_a_pair(void **state)
{
	(void)state;
	static struct dsr_ha_set set;
	ha_pair(&set);
	for (int order = 0; order < 2; order++) {
		struct fixture *fx = fixture_new();
		uint8_t f[64];
		fx->ctx[4].ha = &set;
		feed_own_try(fx, 4, 0);
		feed_at(fx, f, craft_arp(f, 2, order ? lb2_mac : lb_mac, vip, me_mac, me_ip), 100, false);
		feed_at(fx, f, craft_arp(f, 2, order ? lb_mac : lb2_mac, vip, me_mac, me_ip), 900, false);
		struct dsr_check c = judge(fx, 4);
		assert_int_equal(c.status, DSR_FAIL);
		assert_string_equal(c.reason, "split-brain");
		assert_non_null(strstr(evidence(&c, "owners"), "lb1"));
		assert_non_null(strstr(evidence(&c, "owners"), "lb2"));
		/* In the configuration's order, whoever answered first. */
		const char *lb1_at = strstr(c.summary, "lb1"), *lb2_at = strstr(c.summary, "lb2");
		assert_true(lb1_at && lb2_at && lb1_at < lb2_at);
		assert_true(strstr(evidence(&c, "owners"), "lb1") < strstr(evidence(&c, "owners"), "lb2"));
		assert_non_null(strstr(c.remedy, "protocol"));
		assert_non_null(strstr(c.remedy, "unicast_peer"));
		assert_non_null(strstr(c.remedy, "nopreempt"));
		assert_non_null(strstr(c.remedy, "HA link"));
		fixture_free(fx);
	}

	struct fixture *fx = fixture_new();
	uint8_t f[64];
	fx->ctx[4].ha = &set;
	feed_own_try(fx, 4, 0);
	feed_at(fx, f, craft_arp(f, 2, lb_mac, vip, me_mac, me_ip), 100, false);
	struct dsr_check c = judge(fx, 4);
	assert_int_equal(c.status, DSR_PASS);
	assert_non_null(strstr(c.summary, "lb1"));
	/* The next try is answered by lb2 alone: a failover, reported, not failed. */
	feed_own_try(fx, 4, 500000);
	feed_at(fx, f, craft_arp(f, 2, lb2_mac, vip, me_mac, me_ip), 500100, false);
	/* A gratuitous reply from the new master in the same window is an announcement. */
	feed_at(fx, f, craft_arp(f, 2, lb2_mac, vip, (uint8_t[6]){0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, vip),
		100, false);
	c = judge(fx, 4);
	assert_int_equal(c.status, DSR_PASS);
	assert_null(c.reason);
	assert_string_equal(evidence(&c, "events"), "failover lb1 -> lb2");
	fixture_free(fx);

	/* The VRRP MAC is one owner, whichever member is behind it. */
	fx = fixture_new();
	fx->ctx[4].ha = &set;
	feed_own_try(fx, 4, 0);
	feed_at(fx, f, craft_arp(f, 2, vrrp_mac, vip, me_mac, me_ip), 100, false);
	c = judge(fx, 4);
	assert_int_equal(c.status, DSR_PASS);
	assert_non_null(strstr(c.summary, "vrrp-51"));
	/* A real server answering first does not become the balancer. */
	feed_at(fx, f, craft_arp(f, 2, rs1_mac, vip, me_mac, me_ip), 50, false);
	assert_string_equal(judge(fx, 4).reason, "conflict");
	fixture_free(fx);
	fx = fixture_new();
	fx->ctx[4].ha = &set;
	feed(fx, f, craft_arp(f, 2, rs1_mac, vip, me_mac, me_ip));
	assert_string_equal(judge(fx, 4).reason, "wrong-owner");
	fixture_free(fx);

	/* On a balancer holding the VIP, the other member answering is a split-brain. */
	fx = fixture_new();
	fx->ctx[4].ha = &set;
	fx->tasks[4].local_owner = true;
	memcpy(fx->tasks[4].local_mac, vrrp_mac, 6);
	feed(fx, f, craft_arp(f, 2, vrrp_mac, vip, me_mac, me_ip));
	assert_int_equal(judge(fx, 4).status, DSR_PASS); /* our own vrrp.51 */
	feed(fx, f, craft_arp(f, 2, lb2_mac, vip, me_mac, me_ip));
	assert_string_equal(judge(fx, 4).reason, "split-brain");
	fixture_free(fx);
	/* ... unless this host (lb1) let the VIP go during the run: lb2's answers
	 * are its successor's, one failover. */
	fx = fixture_new();
	fx->ctx[4].ha = &set;
	fx->tasks[4].local_owner = true;
	memcpy(fx->tasks[4].local_mac, lb_mac, 6);
	fx->tasks[4].self_balancer = 0;
	feed(fx, f, craft_arp(f, 2, lb2_mac, vip, me_mac, me_ip));
	assert_string_equal(judge(fx, 4).reason, "split-brain");
	st(fx, 4)->vip_released = true;
	c = judge(fx, 4);
	assert_int_equal(c.status, DSR_PASS);
	assert_string_equal(evidence(&c, "events"), "failover lb1 -> lb2");
	fixture_free(fx);
	/* Released, and nobody answered yet. */
	fx = fixture_new();
	fx->ctx[4].ha = &set;
	fx->tasks[4].local_owner = true;
	fx->tasks[4].self_balancer = 0;
	st(fx, 4)->vip_released = true;
	c = judge(fx, 4);
	assert_int_equal(c.status, DSR_PASS);
	assert_non_null(strstr(c.summary, "was lb1's when the run began and was released during it"));
	fixture_free(fx);
	/* The backup (lb2) took the VIP over during the run: its own answers are
	 * never on the wire, lb1's before are the other side of the failover. */
	fx = fixture_new();
	fx->ctx[4].ha = &set;
	fx->tasks[4].self_balancer = 1;
	feed(fx, f, craft_arp(f, 2, lb_mac, vip, me_mac, me_ip));
	c = judge(fx, 4);
	assert_null(evidence(&c, "events"));
	st(fx, 4)->vip_acquired = true;
	c = judge(fx, 4);
	assert_int_equal(c.status, DSR_PASS);
	assert_string_equal(evidence(&c, "events"), "failover lb1 -> lb2");
	assert_non_null(strstr(c.summary, "this host took over the VIP during the run"));
	fixture_free(fx);
}

/* fixture_new with task 3 a dsr.return probe judged against set. */
static struct fixture *return_fixture(const struct dsr_ha_set *set)
{
	struct fixture *fx = fixture_new();
	fx->tasks[3].probe = &dsr_probe_dsr_return;
	fx->ctx[3].ha = set;
	return fx;
}

/* The return path is judged against the balancer set, not against the MAC
 * the SYN went to (a real server that won the ARP race for the VIP). */
static void return_path_of_a_pair(void **state)
{
	(void)state;
	static struct dsr_ha_set set;
	ha_pair(&set);
	struct fixture *fx = return_fixture(&set);
	uint8_t f[128];
	memcpy(st(fx, 3)->dst_mac, rs1_mac, 6);
	st(fx, 3)->dst_mac_known = true;
	feed(fx, f, craft_tcp(f, rs1_mac, me_mac, vip, me_ip, 64, 80, 40002, 0, 2001, 0x12));
	assert_int_equal(judge(fx, 3).status, DSR_PASS);
	fixture_free(fx);
	fx = return_fixture(&set);
	feed(fx, f, craft_tcp(f, lb2_mac, me_mac, vip, me_ip, 64, 80, 40002, 0, 2001, 0x12));
	assert_string_equal(judge(fx, 3).reason, "via-balancer");
	fixture_free(fx);
}

/* With the VRRP MAC owning the VIP, a member's own MAC claiming it (use_vmac
 * with arp_announce=0) sends clients where nothing forwards: base-mac. */
static void base_mac_claim(void **state)
{
	(void)state;
	static struct dsr_ha_set set;
	ha_pair(&set);
	struct fixture *fx = claim_fixture();
	uint8_t f[64];
	/* As the plan watches: only the shared MACs (listed, VRRP) left out. */
	memcpy(fx->tasks[1].expected_macs[0], vrrp_mac, 6);
	fx->ctx[1].ha = &set;
	fx->ctx[1].known_macs = (const uint8_t(*)[6])lb_mac;
	fx->ctx[1].nknown = 1;
	feed(fx, f, craft_arp(f, 1, lb_mac, vip, (uint8_t[6]){0}, me_ip));
	/* lb1 claiming with its own MAC is fine while it owns the VIP that way. */
	assert_int_equal(judge(fx, 1).status, DSR_PASS);
	fx->ctx[1].vip_owners = &vrrp_mac;
	fx->ctx[1].nvip_owners = 1;
	struct dsr_check c = judge(fx, 1);
	assert_int_equal(c.status, DSR_FAIL);
	assert_string_equal(c.reason, "base-mac");
	assert_non_null(strstr(c.summary, "lb1"));
	assert_non_null(strstr(c.remedy, "arp_announce=2"));
	fixture_free(fx);
}

/* The VIP's next hop is the balancer, resolved from its own address, even
 * when a real server answered ARP for the VIP first (and whichever of the
 * two answers, the VIP's or the balancer address's, comes first). */
static void next_hop_is_the_resolved_balancer(void **state)
{
	(void)state;
	static const uint8_t lb_ip[4] = {198, 18, 0, 2};
	for (int vip_first = 0; vip_first < 2; vip_first++) {
		struct fixture *fx = fixture_alloc(3);
		uint8_t f[64];
		fx->tasks[0] = task(&dsr_probe_arp, vip, -1);
		fx->tasks[0].check_id = "arp.vip";
		fx->tasks[0].is_vip = true;
		fx->tasks[0].owner_tasks[0] = 2;
		fx->tasks[0].nowner_tasks = 1;
		fx->tasks[1] = task(&dsr_probe_tcp_syn, vip, 80);
		fx->tasks[1].sport = 40002;
		fx->tasks[1].seq = 2000;
		fx->tasks[1].resolver = 0;
		fx->tasks[2] = task(&dsr_probe_arp, lb_ip, -1);
		fx->tasks[2].internal = true;
		fx->tasks[2].check_id = NULL;
		st(fx, 1)->attempts = 0;
		feed(fx, f, craft_arp(f, 2, rs1_mac, vip, me_mac, me_ip));
		if (vip_first) {
			feed(fx, f, craft_arp(f, 2, lb_mac, vip, me_mac, me_ip));
			assert_memory_equal(st(fx, 0)->learned_mac, rs1_mac, 6);
			feed(fx, f, craft_arp(f, 2, lb_mac, lb_ip, me_mac, me_ip));
		} else {
			feed(fx, f, craft_arp(f, 2, lb_mac, lb_ip, me_mac, me_ip));
			feed(fx, f, craft_arp(f, 2, lb_mac, vip, me_mac, me_ip));
		}
		assert_memory_equal(st(fx, 0)->learned_mac, lb_mac, 6);
		assert_memory_equal(st(fx, 1)->dst_mac, lb_mac, 6);
		fixture_free(fx);
	}
}

/* After a failover, the probes still to be answered follow the VIP to the
 * new master: a later request answered by another member of the set, not by
 * the one the probes went to. Two members answering one request move nothing. */
static void next_hop_follows_a_failover(void **state)
{
	(void)state;
	struct fixture *fx = fixture_alloc(2);
	uint8_t f[64];
	fx->tasks[0] = task(&dsr_probe_arp, vip, -1);
	fx->tasks[0].check_id = "arp.vip";
	fx->tasks[0].is_vip = true;
	memcpy(fx->tasks[0].expected_macs[0], lb_mac, 6);
	memcpy(fx->tasks[0].expected_macs[1], lb2_mac, 6);
	fx->tasks[0].nexpected = 2;
	fx->tasks[1] = task(&dsr_probe_tcp_syn, vip, 80);
	fx->tasks[1].sport = 40002;
	fx->tasks[1].seq = 2000;
	fx->tasks[1].resolver = 0;
	st(fx, 0)->attempts = 0;
	st(fx, 1)->attempts = 0;
	feed_own_try(fx, 0, 0);
	feed_at(fx, f, craft_arp(f, 2, lb_mac, vip, me_mac, me_ip), 100, false);
	feed_at(fx, f, craft_arp(f, 2, lb2_mac, vip, me_mac, me_ip), 200, false);
	assert_memory_equal(st(fx, 1)->dst_mac, lb_mac, 6);
	feed_own_try(fx, 0, 500000);
	feed_at(fx, f, craft_arp(f, 2, lb_mac, vip, me_mac, me_ip), 500100, false);
	feed_at(fx, f, craft_arp(f, 2, lb2_mac, vip, me_mac, me_ip), 500200, false);
	assert_memory_equal(st(fx, 1)->dst_mac, lb_mac, 6);
	feed_own_try(fx, 0, 1000000);
	feed_at(fx, f, craft_arp(f, 2, lb2_mac, vip, me_mac, me_ip), 1000100, false);
	assert_memory_equal(st(fx, 0)->learned_mac, lb2_mac, 6);
	assert_memory_equal(st(fx, 1)->dst_mac, lb2_mac, 6);
	fixture_free(fx);
}

/* Listed balancer MACs without a set (nothing tells who they are) keep the
 * old reading: several listed MACs pass, a server's among them does not. */
static void listed_balancers(void **state)
{
	(void)state;
	struct fixture *fx = fixture_new();
	uint8_t f[64];
	memcpy(fx->tasks[4].expected_macs[1], dup_mac, 6);
	fx->tasks[4].nexpected = 2;
	feed(fx, f, craft_arp(f, 2, lb_mac, vip, me_mac, me_ip));
	feed(fx, f, craft_arp(f, 2, dup_mac, vip, me_mac, me_ip));
	assert_int_equal(judge(fx, 4).status, DSR_PASS);
	feed(fx, f, craft_arp(f, 2, rs1_mac, vip, me_mac, me_ip));
	assert_string_equal(judge(fx, 4).reason, "conflict");
	fixture_free(fx);
}

/* Replies are found by key: among thousands of probes, an answer reaches the
 * one whose identifiers it carries and no other. */
static void replies_found_by_key(void **state)
{
	(void)state;
	enum { N = 5000 };
	struct dsr_plan plan = {.me = me(), .ntasks = N};
	struct dsr_task *tasks = calloc(N, sizeof(*tasks));
	struct dsr_observations obs = {0};
	uint8_t f[128];
	struct timeval ts = {1000, 0};

	assert_non_null(tasks);
	for (size_t i = 0; i < N; i++) {
		tasks[i] = task(i % 2 ? &dsr_probe_tcp_syn : &dsr_probe_icmp_echo, rs1_ip, 80);
		tasks[i].sport = (uint16_t)(33000 + i);
		tasks[i].seq = (uint32_t)(7 * i);
		tasks[i].echo_id = (uint16_t)i;
		tasks[i].echo_seq = (uint16_t)(3 * i);
	}
	plan.tasks = tasks;
	size_t n = craft_tcp(f, rs1_mac, me_mac, rs1_ip, me_ip, 64, 80, 33000 + 4321, 5,
			     7 * 4321 + 1, 0x12);
	dsr_engine_feed(&plan, f, n, &ts, false, &obs);
	n = craft_echo_reply(f, rs1_mac, me_mac, rs1_ip, me_ip, 64, 1234, 3 * 1234);
	dsr_engine_feed(&plan, f, n, &ts, false, &obs);
	n = craft_echo_reply(f, rs1_mac, me_mac, rs1_ip, me_ip, 64, 1234, 3 * 1234 + 1);
	dsr_engine_feed(&plan, f, n, &ts, false, &obs);
	assert_int_equal(obs.n, 2);
	assert_int_equal(obs.items[0].task, 4321);
	assert_int_equal(obs.items[0].kind, DSR_OBS_SYNACK);
	assert_int_equal(obs.items[1].task, 1234);
	assert_int_equal(obs.unmatched, 1);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(obs.state[i].answered, i == 4321 || i == 1234);
	dsr_observations_free(&obs);
	free(tasks);
}

static long long evidence_num(const struct dsr_check *c, const char *key)
{
	for (size_t i = 0; i < c->nevidence; i++)
		if (strcmp(c->evidence[i].key, key) == 0)
			return c->evidence[i].num;
	return -1;
}

/* tcp.vip.conn: two connection tasks to the VIP (port 80 from the block at
 * 40000, port 8080 from 40032) and one to port 80 from beyond a router. */
static const uint8_t rs2_mac[6] = {2, 0, 0, 0, 0, 0x12};
static const uint8_t router_ip[4] = {198, 18, 0, 1};

static struct fixture *conn_fixture(void)
{
	struct fixture *fx = fixture_alloc(3);
	for (size_t i = 0; i < 3; i++) {
		fx->tasks[i] = task(&dsr_probe_tcp_conn, vip, i == 1 ? 8080 : 80);
		fx->tasks[i].is_vip = true;
		fx->tasks[i].sport = (uint16_t)(40000 + 32 * i);
		memcpy(&fx->tasks[i].nexthop.s_addr, i == 2 ? router_ip : vip, 4);
	}
	return fx;
}

/* A segment from the VIP's port to our port lport, from Ethernet source mac. */
static void conn_segment(struct fixture *fx, const uint8_t mac[6], uint16_t sport, uint16_t lport,
			 uint32_t seq, uint32_t ack, uint8_t flags)
{
	uint8_t f[128];
	feed(fx, f, craft_tcp(f, mac, me_mac, vip, me_ip, 64, sport, lport, seq, ack, flags));
}

/* One whole connection from our port lport (our ISN: isn) answered by mac:
 * the SYN-ACK, then the acknowledgement of our FIN with the server's FIN. */
static void clean_connection(struct fixture *fx, const uint8_t mac[6], uint16_t lport, uint32_t isn)
{
	conn_segment(fx, mac, 80, lport, 7000, isn + 1, DSR_TCP_SYN | DSR_TCP_ACK);
	conn_segment(fx, mac, 80, lport, 7001, isn + 2, DSR_TCP_ACK | DSR_TCP_FIN);
}

static void connections_clean(void **state)
{
	(void)state;
	struct fixture *fx = conn_fixture();
	for (uint16_t k = 0; k < 3; k++)
		clean_connection(fx, rs1_mac, (uint16_t)(40005 + k), 1000u * k);
	st(fx, 0)->attempts = 3;
	struct dsr_check c = judge(fx, 0);
	assert_int_equal(c.status, DSR_PASS);
	assert_int_equal(evidence_num(&c, "connections"), 3);
	assert_string_equal(evidence(&c, "macs"), "02:00:00:00:00:11");
	/* The 8080 task saw none of it: its ports are another block. */
	assert_string_equal(judge(fx, 1).reason, "no-answer");
	fixture_free(fx);
}

static void connection_spread_over_servers(void **state)
{
	(void)state;
	struct fixture *fx = conn_fixture();
	clean_connection(fx, rs1_mac, 40005, 1000);
	/* The next one: our ACK reached rs2, which knows no such connection. */
	conn_segment(fx, rs1_mac, 80, 40006, 7000, 2001, DSR_TCP_SYN | DSR_TCP_ACK);
	conn_segment(fx, rs2_mac, 80, 40006, 7001, 0, DSR_TCP_RST);
	st(fx, 0)->attempts = 2;
	struct dsr_check c = judge(fx, 0);
	assert_int_equal(c.status, DSR_FAIL);
	assert_string_equal(c.reason, "spread");
	assert_int_equal(c.nmacs, 2);
	assert_memory_equal(c.macs[0], rs1_mac, 6);
	assert_memory_equal(c.macs[1], rs2_mac, 6);
	assert_int_equal(evidence_num(&c, "port"), 40006);
	assert_non_null(strstr(c.remedy, "hash"));
	fixture_free(fx);
}

static void connection_reset_or_stalled(void **state)
{
	(void)state;
	struct fixture *fx = conn_fixture();
	/* Reset by the server that accepted it. */
	conn_segment(fx, rs1_mac, 80, 40005, 7000, 1001, DSR_TCP_SYN | DSR_TCP_ACK);
	conn_segment(fx, rs1_mac, 80, 40005, 7001, 0, DSR_TCP_RST);
	struct dsr_check c = judge(fx, 0);
	assert_int_equal(c.status, DSR_FAIL);
	assert_string_equal(c.reason, "reset");
	/* Outnumbered by clean closes, one reset is a single event (a forged
	 * segment our kernel answered), kept as evidence. */
	conn_segment(fx, rs1_mac, 80, 40006, 8000, 2001, DSR_TCP_SYN | DSR_TCP_ACK);
	conn_segment(fx, rs1_mac, 80, 40006, 8001, 2002, DSR_TCP_ACK | DSR_TCP_FIN);
	conn_segment(fx, rs1_mac, 80, 40007, 9000, 3001, DSR_TCP_SYN | DSR_TCP_ACK);
	conn_segment(fx, rs1_mac, 80, 40007, 9001, 3002, DSR_TCP_ACK | DSR_TCP_FIN);
	c = judge(fx, 0);
	assert_int_equal(c.status, DSR_PASS);
	assert_int_equal(evidence_num(&c, "resets"), 1);
	/* 8080: accepted, but our FIN never acknowledged (an ACK of the SYN-ACK's
	 * number only, a retransmitted SYN-ACK). */
	conn_segment(fx, rs1_mac, 8080, 40040, 7000, 1001, DSR_TCP_SYN | DSR_TCP_ACK);
	conn_segment(fx, rs1_mac, 8080, 40040, 7000, 1001, DSR_TCP_SYN | DSR_TCP_ACK);
	conn_segment(fx, rs1_mac, 8080, 40040, 7001, 1001, DSR_TCP_ACK);
	c = judge(fx, 1);
	assert_int_equal(c.status, DSR_FAIL);
	assert_string_equal(c.reason, "timeout");
	/* A stall next to a connection that closed cleanly is a lost frame, not a
	 * fault: the close of one connection went through to its server. */
	conn_segment(fx, rs1_mac, 8080, 40041, 9000, 5001, DSR_TCP_SYN | DSR_TCP_ACK);
	conn_segment(fx, rs1_mac, 8080, 40041, 9001, 5002, DSR_TCP_ACK | DSR_TCP_FIN);
	c = judge(fx, 1);
	assert_int_equal(c.status, DSR_PASS);
	assert_int_equal(evidence_num(&c, "stalled"), 1);
	fixture_free(fx);
}

static void connection_refused_or_never_made(void **state)
{
	(void)state;
	struct fixture *fx = conn_fixture();
	/* A RST to the SYN: tcp.vip's verdict, nothing to follow here. */
	conn_segment(fx, rs1_mac, 80, 40005, 0, 1001, DSR_TCP_RST | DSR_TCP_ACK);
	struct dsr_check c = judge(fx, 0);
	assert_int_equal(c.status, DSR_SKIP);
	assert_string_equal(c.reason, "no-answer");
	/* A recording without any connection (made before the check existed). */
	st(fx, 1)->attempts = 0;
	assert_string_equal(judge(fx, 1).reason, "not-seen");
	fixture_free(fx);
}

static void connection_beyond_a_router(void **state)
{
	(void)state;
	struct fixture *fx = conn_fixture();
	/* Off the servers' segment the MACs are the router's, and a second MAC
	 * proves nothing: only resets and stalls count, and the summary says so. */
	conn_segment(fx, rs1_mac, 80, 40069, 7000, 1001, DSR_TCP_SYN | DSR_TCP_ACK);
	conn_segment(fx, lb_mac, 80, 40069, 7001, 1002, DSR_TCP_ACK | DSR_TCP_FIN);
	struct dsr_check c = judge(fx, 2);
	assert_int_equal(c.status, DSR_PASS);
	assert_non_null(strstr(dsr_check_summary_text(&c), "only resets and stalls"));
	conn_segment(fx, lb_mac, 80, 40070, 7000, 2001, DSR_TCP_SYN | DSR_TCP_ACK);
	conn_segment(fx, lb_mac, 80, 40070, 7001, 0, DSR_TCP_RST);
	c = judge(fx, 2);
	assert_string_equal(c.reason, "reset");
	fixture_free(fx);
}

/* Forged segments (a host on the segment sweeping our ports with SYN-ACKs and
 * RSTs of numbers it made up) fit no connection: neither spread nor reset. */
static void connection_forgeries_ignored(void **state)
{
	(void)state;
	struct fixture *fx = conn_fixture();
	conn_segment(fx, dup_mac, 80, 40005, 123456, 999, DSR_TCP_SYN | DSR_TCP_ACK);
	clean_connection(fx, rs1_mac, 40005, 1000);
	conn_segment(fx, dup_mac, 80, 40005, 424242, 0, DSR_TCP_RST);
	conn_segment(fx, dup_mac, 80, 40005, 7001, 555, DSR_TCP_ACK);
	struct dsr_check c = judge(fx, 0);
	assert_int_equal(c.status, DSR_PASS);
	assert_int_equal(c.nmacs, 1);
	/* Two SYN-ACKs and nothing that fits either: no connection to judge. */
	conn_segment(fx, dup_mac, 8080, 40040, 1, 999, DSR_TCP_SYN | DSR_TCP_ACK);
	conn_segment(fx, rs1_mac, 8080, 40040, 7000, 1001, DSR_TCP_SYN | DSR_TCP_ACK);
	assert_string_equal(judge(fx, 1).reason, "no-answer");
	fixture_free(fx);
}

/* A RST after the close, from the server itself and with numbers that fit:
 * the server answering the ACK our kernel sent from TIME_WAIT to a forged or
 * late SYN-ACK. The connection was over: no reset, and no second MAC. */
static void connection_reset_after_close_ignored(void **state)
{
	(void)state;
	struct fixture *fx = conn_fixture();
	for (uint16_t k = 0; k < 3; k++) {
		clean_connection(fx, rs1_mac, (uint16_t)(40005 + k), 1000u * k);
		conn_segment(fx, k == 2 ? rs2_mac : rs1_mac, 80, (uint16_t)(40005 + k), 7002, 0,
			     DSR_TCP_RST);
	}
	st(fx, 0)->attempts = 3;
	struct dsr_check c = judge(fx, 0);
	assert_int_equal(c.status, DSR_PASS);
	assert_int_equal(evidence_num(&c, "resets"), -1);
	assert_string_equal(evidence(&c, "macs"), "02:00:00:00:00:11");
	/* The same RST before the server acknowledged our FIN resets it. */
	conn_segment(fx, rs1_mac, 8080, 40040, 7000, 1001, DSR_TCP_SYN | DSR_TCP_ACK);
	conn_segment(fx, rs1_mac, 8080, 40040, 7001, 0, DSR_TCP_RST);
	conn_segment(fx, rs1_mac, 8080, 40040, 7001, 1002, DSR_TCP_ACK | DSR_TCP_FIN);
	st(fx, 1)->attempts = 1;
	assert_string_equal(judge(fx, 1).reason, "reset");
	fixture_free(fx);
}

/* A replay counts our own SYNs from the block, and nothing else, as attempts. */
static void connection_attempts_in_a_replay(void **state)
{
	(void)state;
	struct fixture *fx = conn_fixture();
	uint8_t f[128];
	start(fx);
	fx->obs.state[0].attempts = 0;
	feed_at(fx, f, craft_tcp(f, me_mac, lb_mac, me_ip, vip, 64, 40005, 80, 1000, 0, DSR_TCP_SYN),
		0, true);
	feed_at(fx, f, craft_tcp(f, me_mac, lb_mac, me_ip, vip, 64, 40005, 80, 1001, 7001, DSR_TCP_ACK),
		10, true);
	feed_at(fx, f, craft_tcp(f, me_mac, lb_mac, me_ip, vip, 64, 40032, 80, 1000, 0, DSR_TCP_SYN),
		20, true);
	assert_int_equal(fx->obs.state[0].attempts, 1);
	fixture_free(fx);
}

/* vrrp.master's task: a VRRP pair's service, one passive task. */
struct vrrp_run {
	struct dsr_config cfg;
	struct dsr_task task;
	struct dsr_plan plan;
	struct dsr_observations obs;
};

static void vrrp_setup(struct vrrp_run *r)
{
	char err[256];
	memset(r, 0, sizeof(*r));
	assert_int_equal(dsr_config_init(&r->cfg), 0);
	assert_int_equal(dsr_config_load_string(&r->cfg,
						"[service web]\nvip = 198.18.0.100\nports = 80\n"
						"balancer = 198.18.0.2, 198.18.0.3\nvrrp-id = 51\n"
						"servers = rs1\n[server rs1]\naddress = 198.18.0.11\n",
						"t.ini", err, sizeof(err)),
			 0);
	r->task = task(&dsr_probe_vrrp, vip, -1);
	r->task.check_id = "vrrp.master";
	r->task.passive = true;
	r->task.svc = &r->cfg.services[0];
	r->plan = (struct dsr_plan){.me = me(), .tasks = &r->task, .ntasks = 1};
}

static void vrrp_feed(struct vrrp_run *r, long long us, const uint8_t mac[6], uint8_t host,
		      uint8_t vrid)
{
	uint8_t f[128], ip[4] = {198, 18, 0, host};
	struct timeval ts = {.tv_sec = 1000 + (time_t)(us / 1000000), .tv_usec = (long)(us % 1000000)};
	dsr_engine_feed(&r->plan, f, craft_vrrp(f, 2, mac, ip, vrid, 100, 1, vip, 1), &ts, true, &r->obs);
}

static struct dsr_check vrrp_verdict(struct vrrp_run *r, long long watched_us)
{
	size_t n;
	r->obs.state[0].watch_from = (struct timeval){.tv_sec = 1000};
	r->obs.state[0].watch_to = (struct timeval){.tv_sec = 1000 + (time_t)(watched_us / 1000000)};
	struct dsr_check *c = dsr_verdicts(&r->cfg, &r->plan, &r->obs, &n);
	assert_non_null(c);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].id, "vrrp.master");
	struct dsr_check out = c[0];
	static char summary[256];
	snprintf(summary, sizeof(summary), "%s", dsr_check_summary_text(&c[0]));
	out.summary = summary;
	free(c);
	return out;
}

static void vrrp_done(struct vrrp_run *r)
{
	dsr_observations_free(&r->obs);
	dsr_config_free(&r->cfg);
}

/* The audit's vrrp.master: advertisements of its virtual router only, from
 * whoever sends them (this host's own too: on the master they are the
 * evidence), judged as analyze judges them. */
static void vrrp_master_task(void **state)
{
	(void)state;
	struct vrrp_run r;
	vrrp_setup(&r);
	for (int i = 0; i < 4; i++) {
		vrrp_feed(&r, i * 1000000LL, lb_mac, 2, 51);
		vrrp_feed(&r, i * 1000000LL + 10, dup_mac, 9, 52); /* another router */
	}
	assert_int_equal(r.obs.n, 4);
	struct dsr_check c = vrrp_verdict(&r, 4000000);
	assert_int_equal(c.status, DSR_PASS);
	assert_string_equal(c.summary, "one master advertised vrrp-id 51: lb1 (198.18.0.2) priority 100 every "
				       "1.00 s; 4 adverts");
	vrrp_done(&r);

	/* Both advertise: split-brain, both named (lb2 by its configured address). */
	vrrp_setup(&r);
	for (int i = 0; i < 4; i++) {
		vrrp_feed(&r, i * 1000000LL, lb_mac, 2, 51);
		vrrp_feed(&r, i * 1000000LL + 500000, me_mac, 3, 51);
	}
	c = vrrp_verdict(&r, 4000000);
	assert_int_equal(c.status, DSR_FAIL);
	assert_string_equal(c.reason, "split-brain");
	assert_string_equal(c.summary, "lb1 and lb2 both advertised vrrp-id 51 as master at once, until the end");
	vrrp_done(&r);

	/* Nothing for three seconds and more: no master; for less: too short to tell. */
	vrrp_setup(&r);
	assert_int_equal(dsr_engine_prepare(&r.plan, &r.obs), 0);
	c = vrrp_verdict(&r, 3000000);
	assert_string_equal(c.reason, "no-master");
	c = vrrp_verdict(&r, 2000000);
	assert_int_equal(c.status, DSR_SKIP);
	assert_string_equal(c.reason, "not-seen");
	/* Holding the VIP (use_vmac: its own advertisements leave by vrrp.51),
	 * this host is the master; nobody else advertising is one master. */
	r.task.vip_held = true;
	r.task.self_balancer = 0;
	c = vrrp_verdict(&r, 4000000);
	assert_int_equal(c.status, DSR_PASS);
	assert_string_equal(c.summary, "this host holds the VIP: master of vrrp-id 51, and no other master "
				       "advertised in 4000 ms");
	/* ... and a peer advertising as master meanwhile: two masters. */
	vrrp_feed(&r, 1000000, dup_mac, 3, 51);
	c = vrrp_verdict(&r, 4000000);
	assert_string_equal(c.reason, "split-brain");
	assert_string_equal(c.summary, "lb1 holds the VIP as master of vrrp-id 51, and lb2 advertises as master too");
	/* ... unless this host let the VIP go during the run: lb2 is its successor. */
	r.obs.state[0].vip_released = true;
	c = vrrp_verdict(&r, 4000000);
	assert_int_equal(c.status, DSR_PASS);
	assert_string_equal(c.summary, "one master advertised vrrp-id 51: lb2 (198.18.0.3) priority 100 every "
				       "1.00 s; 1 adverts");
	vrrp_done(&r);

	/* The backup took the VIP over during the run: after lb1's last
	 * advertisement, the silence is this host's own mastership. */
	vrrp_setup(&r);
	vrrp_feed(&r, 0, lb_mac, 2, 51);
	vrrp_feed(&r, 1000000, lb_mac, 2, 51);
	assert_string_equal(vrrp_verdict(&r, 9000000).reason, "no-master");
	r.obs.state[0].vip_acquired = true;
	c = vrrp_verdict(&r, 9000000);
	assert_int_equal(c.status, DSR_PASS);
	vrrp_done(&r);
}

static long long elapsed_ms(const struct timeval *since)
{
	struct timeval now;
	dsr_platform_now(&now);
	return (now.tv_sec - since->tv_sec) * 1000LL + (now.tv_usec - since->tv_usec) / 1000;
}

/* The engine keeps a live run going until vrrp.master has watched three
 * advertisement intervals (learned from the first advertisement), and never
 * beyond the run's time limit. A capture file stands in for the wire. */
static void vrrp_minimum_watch(void **state)
{
	(void)state;
#ifdef _WIN32
	/* Wine's wpcap.dll cannot open capture files (tests/wine.sh). */
	skip();
#endif
	struct vrrp_run r;
	char path[64], err[256];
	uint8_t f[128];
	struct timeval t0;
	struct dsr_source *src;
	struct dsr_engine_options o = {.timeout_ms = 100, .rate = 100};

	snprintf(path, sizeof(path), "build/dsrcheck-minwatch-%ld.pcap", (long)getpid());
	struct dsr_dump *d = dsr_dump_open(path, err, sizeof(err));
	assert_non_null(d);
	uint8_t ip[4] = {198, 18, 0, 2};
	size_t n = craft_vrrp(f, 3, lb_mac, ip, 51, 100, 20, vip, 1); /* every 200 ms */
	dsr_dump_frame(d, &(struct timeval){1000, 0}, f, n);
	assert_int_equal(dsr_dump_close(d, err, sizeof(err)), 0);

	vrrp_setup(&r);
	assert_int_equal(dsr_source_open_file(path, &src, err, sizeof(err)), DSR_SOURCE_OK);
	dsr_platform_now(&t0);
	assert_int_equal(dsr_engine_run(&r.plan, src, &o, &r.obs, err, sizeof(err)), 0);
	long long took = elapsed_ms(&t0);
	dsr_source_close(src);
	/* 3 x 200 ms and a quarter interval: 650 ms. */
	assert_true(took >= 640);
	assert_true(took < 3000);
	assert_true(r.obs.state[0].watch_to.tv_sec >= r.obs.state[0].watch_from.tv_sec);
	vrrp_done(&r);

	/* Nothing heard: 3.25 s wanted, but the run's limit is 500 ms. */
	d = dsr_dump_open(path, err, sizeof(err));
	assert_non_null(d);
	assert_int_equal(dsr_dump_close(d, err, sizeof(err)), 0);
	vrrp_setup(&r);
	o.time_limit_ms = 500;
	assert_int_equal(dsr_source_open_file(path, &src, err, sizeof(err)), DSR_SOURCE_OK);
	dsr_platform_now(&t0);
	assert_int_equal(dsr_engine_run(&r.plan, src, &o, &r.obs, err, sizeof(err)), 0);
	took = elapsed_ms(&t0);
	dsr_source_close(src);
	assert_true(took >= 440);
	assert_true(took < 500);
	vrrp_done(&r);
	remove(path);
}

/* The ARP replies for a VLAN's source under a flood of requests: one requester
 * gets one reply per DSR_REPLY_PEER_MS however often it asks, many requesters
 * together at most half the rate (plus the burst), while requesters that ask
 * as kernels do (a retransmission a second later) are all answered. */
static void arp_replies_bounded(void **state)
{
	(void)state;
	struct dsr_reply_limit l;
	uint8_t mac[6] = {2, 0, 0, 0, 0x20, 0x11};
	uint32_t ip = htonl(0xc6121411);

	/* 10,000 requests in one second from one requester: 2 replies. */
	dsr_reply_limit_init(&l, 500);
	for (long long t = 0; t < 1000000; t += 100)
		dsr_reply_limit_allow(&l, 20, ip, mac, t);
	assert_int_equal(l.sent, 2);
	assert_int_equal(l.refused, 9998);
	/* The same address and MAC in another VLAN is another requester. */
	assert_true(dsr_reply_limit_allow(&l, 30, ip, mac, 1000000));

	/* 10,000 requesters in one second at rate 500: 250 a second and a burst
	 * of 25 at most, and not starved either. */
	dsr_reply_limit_init(&l, 500);
	for (uint32_t i = 0; i < 10000; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		dsr_reply_limit_allow(&l, 20, htonl(0xc6130000 + i), mac, (long long)i * 100);
	}
	assert_true(l.sent <= 250 + 25 + 1);
	assert_true(l.sent >= 250);
	assert_int_equal(l.sent + l.refused, 10000);

	/* 100 servers, each asking, then again 1 s later and 2 s later: every
	 * request answered. */
	dsr_reply_limit_init(&l, 500);
	for (int round = 0; round < 3; round++)
		for (uint32_t i = 0; i < 100; i++) {
			mac[5] = (uint8_t)i;
			assert_true(dsr_reply_limit_allow(&l, 20, htonl(0xc6121400 + i), mac,
							   round * 1000000LL + i * 5000LL));
		}
	assert_int_equal(l.sent, 300);

	/* The lowest rates still answer, one a second after the burst. */
	dsr_reply_limit_init(&l, 1);
	for (uint32_t i = 0; i < 100; i++) {
		mac[5] = (uint8_t)i;
		dsr_reply_limit_allow(&l, 20, htonl(0xc6121400 + i), mac, (long long)i * 10000);
	}
	assert_int_equal(l.sent, DSR_REPLY_BURST_MIN);
	mac[5] = 200;
	assert_true(dsr_reply_limit_allow(&l, 20, htonl(0xc61214c8), mac, 9000000));
}

struct progress_calls {
	struct dsr_engine_progress p[64];
	size_t n;
};

static void note_progress(const struct dsr_engine_progress *p, void *arg)
{
	struct progress_calls *calls = arg;
	if (calls->n < sizeof(calls->p) / sizeof(calls->p[0]))
		calls->p[calls->n++] = *p;
}

/* What the engine tells a progress line while a task watches: at most every
 * DSR_PROGRESS_EVERY_MS, the task and its server not settled, and a time left
 * that counts down within the run's limit. */
static void progress_while_watching(void **state)
{
	(void)state;
#ifdef _WIN32
	skip();
#endif
	struct vrrp_run r;
	struct progress_calls calls = {0};
	char path[64], err[256];
	struct dsr_source *src;
	struct dsr_engine_options o = {.timeout_ms = 100, .rate = 100, .time_limit_ms = 500,
				       .progress = note_progress, .progress_arg = &calls};

	snprintf(path, sizeof(path), "build/dsrcheck-progress-%ld.pcap", (long)getpid());
	struct dsr_dump *d = dsr_dump_open(path, err, sizeof(err));
	assert_non_null(d);
	assert_int_equal(dsr_dump_close(d, err, sizeof(err)), 0);
	vrrp_setup(&r);
	r.task.server = "rs1";
	assert_int_equal(dsr_source_open_file(path, &src, err, sizeof(err)), DSR_SOURCE_OK);
	assert_int_equal(dsr_engine_run(&r.plan, src, &o, &r.obs, err, sizeof(err)), 0);
	dsr_source_close(src);
	vrrp_done(&r);
	remove(path);

	/* 450 ms of watching (nine tenths of the limit): a count every 100 ms. */
	assert_true(calls.n >= 3);
	assert_true(calls.n <= 6);
	for (size_t i = 0; i < calls.n; i++) {
		const struct dsr_engine_progress *p = &calls.p[i];
		assert_int_equal(p->tasks, 1);
		assert_int_equal(p->servers, 1);
		assert_int_equal(p->frames_sent, 0);
		assert_true(p->elapsed_ms + p->left_ms <= 501);
		if (p->tasks_done == 0)
			assert_int_equal(p->servers_settled, 0);
		if (i == 0)
			continue;
		assert_true(p->elapsed_ms - calls.p[i - 1].elapsed_ms >= DSR_PROGRESS_EVERY_MS - 1);
		assert_true(p->left_ms <= calls.p[i - 1].left_ms);
	}
	/* The watch's end, not the limit's, is what is left at first. */
	assert_true(calls.p[0].left_ms >= 400 && calls.p[0].left_ms <= 460);
}

/* ---- IPv6: Neighbor Discovery and the IP probes over IPv6 ---- */

static const uint8_t vip6[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00};
static const uint8_t rs1_ip6[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11};
static const uint8_t me_ip6[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x50};
static const uint8_t all_nodes[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
static const uint8_t all_nodes_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
static const uint8_t unspecified[16];

static struct dsr_task task6(const struct dsr_probe *probe, const char *id, const uint8_t ip[16], int port)
{
	struct dsr_task t = task(probe, (const uint8_t[4]){0}, port);
	t.check_id = id;
	t.v6 = true;
	memcpy(t.target6.s6_addr, ip, 16);
	return t;
}

/* nd.vip, nd.rip, nd.vip.claim (rs1), icmp6.vip.direct and tcp6.vip.direct
 * (rs1), "sent" from 2001:2::50. */
static struct fixture *fixture6(void)
{
	struct fixture *fx = fixture_alloc(5);
	fx->plan.me.has_ip6 = true;
	memcpy(fx->plan.me.ip6.s6_addr, me_ip6, 16);
	fx->tasks[0] = task6(&dsr_probe_nd, "nd.vip", vip6, -1);
	fx->tasks[0].is_vip = true;
	memcpy(fx->tasks[0].expected_macs[0], lb_mac, 6);
	fx->tasks[0].nexpected = 1;
	fx->tasks[1] = task6(&dsr_probe_nd, "nd.rip", rs1_ip6, -1);
	memcpy(fx->tasks[1].expected_macs[0], rs1_mac, 6);
	fx->tasks[1].nexpected = 1;
	fx->tasks[2] = task6(&dsr_probe_arp_claim, "nd.vip.claim", vip6, -1);
	fx->tasks[2].server = "rs1";
	fx->tasks[2].claim_watch = true;
	fx->tasks[2].has_fallback_mac = true;
	memcpy(fx->tasks[2].fallback_mac, rs1_mac, 6);
	fx->tasks[3] = task6(&dsr_probe_icmp_echo, "icmp6.vip.direct", vip6, -1);
	fx->tasks[3].is_vip = fx->tasks[3].direct = true;
	fx->tasks[3].echo_id = 0x4321;
	fx->tasks[3].echo_seq = 7;
	fx->tasks[4] = task6(&dsr_probe_tcp_syn, "tcp6.vip.direct", vip6, 80);
	fx->tasks[4].is_vip = fx->tasks[4].direct = true;
	fx->tasks[4].sport = 40010;
	fx->tasks[4].seq = 5000;
	return fx;
}

/* An advertisement (to all nodes, as duplicate address detection's answer is) */
static size_t advert(uint8_t *f, const uint8_t mac[6], const uint8_t target[16], uint8_t flags)
{
	return craft_na(f, mac, all_nodes_mac, target, all_nodes, 255, flags, target, mac);
}

static void nd_owners(void **state)
{
	(void)state;
	struct fixture *fx = fixture6();
	uint8_t f[128];
	struct dsr_check c = judge(fx, 0);
	assert_string_equal(c.reason, "no-answer");
	assert_non_null(strstr(c.summary, "Neighbor Advertisement"));
	assert_non_null(strstr(c.remedy, "Neighbor Discovery for the IPv6 VIP"));
	/* The balancer's advertisement: one owner. */
	feed(fx, f, advert(f, lb_mac, vip6, 0x20));
	c = judge(fx, 0);
	assert_int_equal(c.status, DSR_PASS);
	assert_non_null(strstr(c.summary, "2001:2::100"));
	/* A real server advertising the IPv6 VIP (on its NIC, or proxy NDP without
	 * the override flag): a conflict, whose remedy is IPv6's, not ARP's. */
	feed(fx, f, advert(f, rs1_mac, vip6, 0));
	c = judge(fx, 0);
	assert_string_equal(c.reason, "conflict");
	assert_non_null(strstr(c.remedy, "proxy_ndp"));
	assert_null(strstr(c.remedy, "arp_ignore=1"));
	/* ... and the claim of rs1. */
	c = judge(fx, 2);
	assert_string_equal(c.reason, "claimed");
	assert_string_equal(evidence(&c, "kinds"), "reply");
	assert_non_null(strstr(c.summary, "Neighbor Discovery"));
	/* nd.rip: its own MAC, then a second one. */
	feed(fx, f, advert(f, rs1_mac, rs1_ip6, 0x20));
	assert_int_equal(judge(fx, 1).status, DSR_PASS);
	feed(fx, f, advert(f, dup_mac, rs1_ip6, 0x20));
	assert_string_equal(judge(fx, 1).reason, "conflict");
	fixture_free(fx);
}

static void nd_claims(void **state)
{
	(void)state;
	static const uint8_t group[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff, 0, 0x01, 0};
	static const uint8_t group_mac[6] = {0x33, 0x33, 0xff, 0, 0x01, 0};
	uint8_t f[128];
	/* Duplicate address detection for the IPv6 VIP: the server puts it on a NIC. */
	struct fixture *fx = fixture6();
	assert_int_equal(judge(fx, 2).status, DSR_PASS);
	feed(fx, f, craft_ns(f, rs1_mac, group_mac, unspecified, group, 255, vip6, NULL));
	struct dsr_check c = judge(fx, 2);
	assert_string_equal(c.reason, "claimed");
	assert_string_equal(evidence(&c, "kinds"), "announce");
	fixture_free(fx);
	/* A solicitation from the IPv6 VIP (for someone else): it uses the VIP as its own. */
	fx = fixture6();
	feed(fx, f, craft_ns(f, rs1_mac, group_mac, vip6, group, 255, me_ip6, rs1_mac));
	c = judge(fx, 2);
	assert_string_equal(c.reason, "claimed");
	assert_string_equal(evidence(&c, "kinds"), "request-from-vip");
	/* Another MAC's, or an advertisement of another address, is not rs1's claim. */
	fixture_free(fx);
	fx = fixture6();
	feed(fx, f, advert(f, dup_mac, vip6, 0x20));
	feed(fx, f, advert(f, rs1_mac, rs1_ip6, 0x20));
	assert_int_equal(judge(fx, 2).status, DSR_PASS);
	/* An advertisement with a hop limit below 255 is dropped by every host: no claim. */
	feed(fx, f, craft_na(f, rs1_mac, all_nodes_mac, vip6, all_nodes, 254, 0x20, vip6, rs1_mac));
	assert_int_equal(judge(fx, 2).status, DSR_PASS);
	fixture_free(fx);
}

/* The service's IPv6 watch: a claim on the IPv6 VIP from a MAC that is
 * neither the balancer nor a configured server is an unknown host's. */
static void nd_claims_by_others(void **state)
{
	(void)state;
	static const uint8_t group[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff, 0, 0x01, 0};
	static const uint8_t group_mac[6] = {0x33, 0x33, 0xff, 0, 0x01, 0};
	struct fixture *fx = fixture_alloc(1);
	uint8_t f[128];

	fx->tasks[0] = task6(&dsr_probe_arp_claim, "nd.vip.claim", vip6, -1);
	fx->tasks[0].claim_watch = fx->tasks[0].passive = true;
	memcpy(fx->tasks[0].expected_macs[0], lb_mac, 6);
	fx->tasks[0].nexpected = 1;
	fx->ctx[0].known_macs = &rs1_mac;
	fx->ctx[0].nknown = 1;
	/* The balancer's advertisement, and a configured server's: no unknown host. */
	feed(fx, f, advert(f, lb_mac, vip6, 0x20));
	feed(fx, f, advert(f, rs1_mac, vip6, 0x20));
	assert_int_equal(judge(fx, 0).status, DSR_PASS);
	/* Another MAC's duplicate address detection for it. */
	feed(fx, f, craft_ns(f, dup_mac, group_mac, unspecified, group, 255, vip6, NULL));
	struct dsr_check c = judge(fx, 0);
	assert_string_equal(c.reason, "unknown-host");
	assert_string_equal(evidence(&c, "macs"), "02:00:00:00:00:99");
	assert_string_equal(evidence(&c, "kinds"), "announce");
	assert_non_null(strstr(c.summary, "2001:2::100"));
	fixture_free(fx);
}

static void ip6_direct_probes(void **state)
{
	(void)state;
	uint8_t f[128];
	struct fixture *fx = fixture6();
	st(fx, 3)->dst_mac_known = st(fx, 4)->dst_mac_known = true;
	memcpy(st(fx, 3)->dst_mac, rs1_mac, 6);
	memcpy(st(fx, 4)->dst_mac, rs1_mac, 6);
	struct dsr_check c = judge(fx, 3);
	assert_string_equal(c.reason, "timeout");
	assert_non_null(strstr(c.remedy, "ip -6 addr add 2001:2::100/128 dev lo"));
	c = judge(fx, 4);
	assert_non_null(strstr(c.summary, "[2001:2::100]:80"));
	/* Answers from the IPv6 VIP pass; an IPv4 answer with the same numbers is no answer. */
	feed(fx, f, craft_echo6(f, rs1_mac, me_mac, vip6, me_ip6, 64, 129, 0x4321, 7));
	assert_int_equal(judge(fx, 3).status, DSR_PASS);
	feed(fx, f, craft_tcp(f, rs1_mac, me_mac, vip, me_ip, 64, 80, 40010, 99, 5001, 0x12));
	assert_string_equal(judge(fx, 4).reason, "timeout");
	feed(fx, f, craft_tcp6(f, rs1_mac, me_mac, vip6, me_ip6, 80, 40010, 99, 5001, 0x14));
	c = judge(fx, 4);
	assert_string_equal(c.reason, "refused");
	assert_non_null(strstr(c.remedy, "[::]:80"));
	fixture_free(fx);
	/* From the server's real IPv6 address: a source rewrite. */
	fx = fixture6();
	st(fx, 4)->dst_mac_known = true;
	memcpy(st(fx, 4)->dst_mac, rs1_mac, 6);
	feed(fx, f, craft_tcp6(f, rs1_mac, me_mac, rs1_ip6, me_ip6, 80, 40010, 99, 5001, 0x12));
	c = judge(fx, 4);
	assert_string_equal(c.reason, "wrong-source");
	assert_string_equal(evidence(&c, "from"), "2001:2::11");
	fixture_free(fx);
}

/* Our own tries read back, through the decoder, as our attempts. */
static void ip6_frames_are_own_attempts(void **state)
{
	(void)state;
	struct fixture *fx = fixture6();
	memcpy(st(fx, 2)->dst_mac, rs1_mac, 6);
	st(fx, 2)->dst_mac_known = true;
	for (size_t i = 0; i < 5; i++) {
		uint8_t f[128];
		char err[128];
		struct dsr_frame d;
		int n = fx->tasks[i].probe->build(&fx->tasks[i], st(fx, i), &fx->plan.me, f, sizeof(f), err,
						  sizeof(err));
		assert_true(n > 0);
		assert_int_equal(dsr_decode_ethernet(f, (size_t)n, &d), DSR_FRAME_OK);
		assert_int_equal(d.l3, DSR_L3_IPV6);
		assert_true(fx->tasks[i].probe->is_attempt(&fx->tasks[i], st(fx, i), &fx->plan.me, &d));
		/* Not another task's (nd.vip and nd.vip.claim ask for the same address). */
		assert_false(fx->tasks[i == 1 ? 0 : 1].probe->is_attempt(&fx->tasks[i == 1 ? 0 : 1],
									 st(fx, i == 1 ? 0 : 1), &fx->plan.me, &d));
	}
	fixture_free(fx);
}

/* dsr6.return (task 0) and tcp6.vip.conn (tasks 1, 2: ports 80 and 8080 from
 * the blocks at 40000 and 40032), "sent" from 2001:2::50 to the IPv6 VIP. */
static struct fixture *through6_fixture(void)
{
	struct fixture *fx = fixture_alloc(3);
	fx->plan.me.has_ip6 = true;
	memcpy(fx->plan.me.ip6.s6_addr, me_ip6, 16);
	fx->tasks[0] = task6(&dsr_probe_dsr_return, "dsr6.return", vip6, 80);
	fx->tasks[0].is_vip = true;
	fx->tasks[0].sport = 40010;
	fx->tasks[0].seq = 5000;
	memcpy(fx->tasks[0].expected_macs[0], lb_mac, 6);
	fx->tasks[0].nexpected = 1;
	for (size_t i = 1; i < 3; i++) {
		fx->tasks[i] = task6(&dsr_probe_tcp_conn, "tcp6.vip.conn", vip6, i == 2 ? 8080 : 80);
		fx->tasks[i].is_vip = true;
		fx->tasks[i].sport = (uint16_t)(40000 + 32 * (i - 1));
		/* On the segment: the plan's next hop is the IPv4 VIP itself. */
		memcpy(&fx->tasks[i].target.s_addr, vip, 4);
		fx->tasks[i].nexthop = fx->tasks[i].target;
	}
	return fx;
}

static void return_path6(void **state)
{
	(void)state;
	uint8_t f[128];
	struct fixture *fx = through6_fixture();
	/* Nothing answered: tcp6.vip says why. An IPv4 answer with the same
	 * numbers, or an IPv6 one from the server's own address, is not the VIP's. */
	feed(fx, f, craft_tcp(f, rs1_mac, me_mac, vip, me_ip, 64, 80, 40010, 0, 5001, 0x12));
	feed(fx, f, craft_tcp6(f, rs1_mac, me_mac, rs1_ip6, me_ip6, 80, 40010, 0, 5001, 0x12));
	struct dsr_check c = judge(fx, 0);
	assert_int_equal(c.status, DSR_SKIP);
	assert_string_equal(c.reason, "no-answer");
	assert_non_null(strstr(c.summary, "[2001:2::100]:80"));
	assert_non_null(strstr(c.summary, "tcp6.vip"));
	fixture_free(fx);
	/* Straight from a real server's MAC, the IPv6 VIP as source: DSR. */
	fx = through6_fixture();
	feed(fx, f, craft_tcp6(f, rs1_mac, me_mac, vip6, me_ip6, 80, 40010, 0, 5001, 0x12));
	c = judge(fx, 0);
	assert_int_equal(c.status, DSR_PASS);
	assert_string_equal(evidence(&c, "mac"), "02:00:00:00:00:11");
	fixture_free(fx);
	/* From the balancer's MAC: proxy or NAT. */
	fx = through6_fixture();
	feed(fx, f, craft_tcp6(f, lb_mac, me_mac, vip6, me_ip6, 80, 40010, 0, 5001, 0x12));
	c = judge(fx, 0);
	assert_int_equal(c.status, DSR_WARN);
	assert_string_equal(c.reason, "via-balancer");
	assert_non_null(strstr(c.remedy, "Direct Server Return"));
	fixture_free(fx);
}

/* A segment over IPv6 from the IPv6 VIP's port to our port lport. */
static void conn_segment6(struct fixture *fx, const uint8_t mac[6], uint16_t sport, uint16_t lport,
			  uint32_t seq, uint32_t ack, uint8_t flags)
{
	uint8_t f[128];
	feed(fx, f, craft_tcp6(f, mac, me_mac, vip6, me_ip6, sport, lport, seq, ack, flags));
}

static void connections6(void **state)
{
	(void)state;
	uint8_t f[128];
	struct fixture *fx = through6_fixture();
	for (uint16_t k = 0; k < 3; k++) {
		conn_segment6(fx, rs1_mac, 80, (uint16_t)(40005 + k), 7000, 1000u * k + 1, DSR_TCP_SYN | DSR_TCP_ACK);
		conn_segment6(fx, rs1_mac, 80, (uint16_t)(40005 + k), 7001, 1000u * k + 2, DSR_TCP_ACK | DSR_TCP_FIN);
	}
	/* The same over IPv4 to the IPv4 VIP is tcp.vip.conn's, not these tasks'. */
	feed(fx, f, craft_tcp(f, rs2_mac, me_mac, vip, me_ip, 64, 80, 40005, 9000, 1, DSR_TCP_SYN | DSR_TCP_ACK));
	st(fx, 1)->attempts = 3;
	struct dsr_check c = judge(fx, 1);
	assert_int_equal(c.status, DSR_PASS);
	assert_int_equal(evidence_num(&c, "connections"), 3);
	assert_string_equal(evidence(&c, "macs"), "02:00:00:00:00:11");
	assert_non_null(strstr(c.summary, "[2001:2::100]:80"));
	/* 8080: its ports are another block; none accepted, tcp6.vip says why. */
	c = judge(fx, 2);
	assert_string_equal(c.reason, "no-answer");
	assert_non_null(strstr(c.summary, "tcp6.vip)"));
	/* A per-packet scheduler: our ACK reached rs2, which resets. */
	conn_segment6(fx, rs1_mac, 80, 40008, 7000, 4001, DSR_TCP_SYN | DSR_TCP_ACK);
	conn_segment6(fx, rs2_mac, 80, 40008, 7001, 0, DSR_TCP_RST);
	c = judge(fx, 1);
	assert_int_equal(c.status, DSR_FAIL);
	assert_string_equal(c.reason, "spread");
	assert_int_equal(c.nmacs, 2);
	fixture_free(fx);
	/* A stall: the remedy names the IPv6 direct check. */
	fx = through6_fixture();
	conn_segment6(fx, rs1_mac, 8080, 40040, 7000, 1001, DSR_TCP_SYN | DSR_TCP_ACK);
	c = judge(fx, 2);
	assert_string_equal(c.reason, "timeout");
	assert_non_null(strstr(c.remedy, "tcp6.vip.direct"));
	fixture_free(fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(build_golden),
		cmocka_unit_test(built_frames_are_own_attempts),
		cmocka_unit_test(silence_fails_every_kind),
		cmocka_unit_test(arp_answers),
		cmocka_unit_test(arp_on_the_balancer),
		cmocka_unit_test(vip_owners_of_a_pair),
		cmocka_unit_test(return_path_of_a_pair),
		cmocka_unit_test(base_mac_claim),
		cmocka_unit_test(next_hop_is_the_resolved_balancer),
		cmocka_unit_test(next_hop_follows_a_failover),
		cmocka_unit_test(tcp_answers),
		cmocka_unit_test(echo_answers),
		cmocka_unit_test(unusable_frames_never_pass),
		cmocka_unit_test(observation_flood_is_bounded),
		cmocka_unit_test(next_hop_learning),
		cmocka_unit_test(next_hop_corrected_after_sending),
		cmocka_unit_test(vip_probe_answered_by_squatter_asks_again),
		cmocka_unit_test(claims_before_a_correction_are_not_the_servers),
		cmocka_unit_test(claims_by_a_server),
		cmocka_unit_test(claims_by_others),
		cmocka_unit_test(nd_claims_by_others),
		cmocka_unit_test(direct_probes),
		cmocka_unit_test(rst_follows_synack),
		cmocka_unit_test(return_path),
		cmocka_unit_test(listed_balancers),
		cmocka_unit_test(replies_found_by_key),
		cmocka_unit_test(connections_clean),
		cmocka_unit_test(connection_spread_over_servers),
		cmocka_unit_test(connection_reset_or_stalled),
		cmocka_unit_test(connection_refused_or_never_made),
		cmocka_unit_test(connection_reset_after_close_ignored),
		cmocka_unit_test(connection_beyond_a_router),
		cmocka_unit_test(connection_forgeries_ignored),
		cmocka_unit_test(connection_attempts_in_a_replay),
		cmocka_unit_test(vrrp_master_task),
		cmocka_unit_test(vrrp_minimum_watch),
		cmocka_unit_test(arp_replies_bounded),
		cmocka_unit_test(progress_while_watching),
		cmocka_unit_test(nd_owners),
		cmocka_unit_test(nd_claims),
		cmocka_unit_test(ip6_direct_probes),
		cmocka_unit_test(return_path6),
		cmocka_unit_test(connections6),
		cmocka_unit_test(ip6_frames_are_own_attempts),
	};
	return cmocka_run_group_tests_name("probes", tests, NULL, NULL);
}
