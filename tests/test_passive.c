/* The passive analyser (analyze, watch) on frames a capture would hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/config.h"
#include "../passive/passive.h"
#include "../src/catalogue.h"
#include "frames.h"

static const uint8_t client_mac[6] = {2, 0, 0, 0, 0, 0x50};
static const uint8_t client_ip[4] = {198, 18, 0, 50};
static const uint8_t lb_mac[6] = {2, 0, 0, 0, 0, 0x02};
static const uint8_t rs1_mac[6] = {2, 0, 0, 0, 0, 0x11};
static const uint8_t rs1_ip[4] = {198, 18, 0, 11};
static const uint8_t rs2_mac[6] = {2, 0, 0, 0, 0, 0x12};
static const uint8_t rs2_ip[4] = {198, 18, 0, 12};
static const uint8_t odd_mac[6] = {2, 0, 0, 0, 0, 0x99};
static const uint8_t vip[4] = {198, 18, 0, 100};
static const uint8_t other_ip[4] = {198, 18, 0, 77};

static const char *lab = "[service web]\n"
			 "vip = 198.18.0.100\n"
			 "ports = 80\n"
			 "balancer-mac = 02:00:00:00:00:02\n"
			 "servers = rs1, rs2\n"
			 "[server rs1]\n"
			 "address = 198.18.0.11\n"
			 "mac = 02:00:00:00:00:11\n"
			 "[server rs2]\n"
			 "address = 198.18.0.12\n";

struct state {
	struct dsr_config cfg;
	struct dsr_passive *p;
	unsigned long frame;
	int alerts;
	char last_alert[256];
};

static void on_alert(const char *line, void *arg)
{
	struct state *s = arg;
	s->alerts++;
	snprintf(s->last_alert, sizeof(s->last_alert), "%s", line);
}

static int setup(void **state)
{
	struct state *s = calloc(1, sizeof(*s));
	char err[256];
	assert_int_equal(dsr_config_init(&s->cfg), 0);
	assert_int_equal(dsr_config_load_string(&s->cfg, lab, "t.ini", err, sizeof(err)), 0);
	s->p = dsr_passive_new(&s->cfg);
	dsr_passive_on_alert(s->p, on_alert, s);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct state *s = *state;
	dsr_passive_free(s->p);
	dsr_config_free(&s->cfg);
	free(s);
	return 0;
}

static void feed(struct state *s, const uint8_t *f, size_t n)
{
	struct dsr_frame d;
	struct timeval ts = {1000, 0};
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	dsr_passive_frame(s->p, &d, &ts, ++s->frame);
}

/* Check id of the n in c, all of which the catalogue must list. */
static const struct dsr_check *check(const struct dsr_check *c, size_t n, const char *id,
				     const char *server, int port)
{
	for (size_t i = 0; i < n; i++)
		if (!dsr_catalogue_has(&c[i]))
			fail_msg("%s %s %s is not in the catalogue", c[i].id, dsr_status_name(c[i].status),
				 c[i].reason ? c[i].reason : "-");
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].id, id) == 0 && c[i].port == port &&
		    ((!server && !c[i].server) || (server && c[i].server && !strcmp(server, c[i].server))))
			return &c[i];
	fail_msg("no check %s %s %d", id, server ? server : "-", port);
	return NULL;
}

static void healthy_traffic(void **state)
{
	struct state *s = *state;
	uint8_t f[128];
	feed(s, f, craft_arp(f, 2, lb_mac, vip, client_mac, client_ip));
	feed(s, f, craft_arp(f, 2, rs1_mac, rs1_ip, client_mac, client_ip));
	/* A client's SYN to the VIP, answered by rs1 from the VIP: DSR as it should be. */
	feed(s, f, craft_tcp(f, client_mac, lb_mac, client_ip, vip, 64, 40000, 80, 1, 0, 0x02));
	feed(s, f, craft_tcp(f, rs1_mac, client_mac, vip, client_ip, 64, 80, 40000, 9, 2, 0x12));
	size_t n;
	struct dsr_check *c = dsr_passive_verdicts(s->p, &n);
	assert_int_equal(check(c, n, "arp.vip", NULL, -1)->status, DSR_PASS);
	assert_int_equal(check(c, n, "arp.vip.claim", NULL, -1)->status, DSR_PASS);
	assert_int_equal(check(c, n, "arp.rip", "rs1", -1)->status, DSR_PASS);
	assert_int_equal(check(c, n, "tcp.vip.direct", "rs1", 80)->status, DSR_PASS);
	/* What the capture does not show is said, not passed. */
	assert_string_equal(check(c, n, "arp.rip", "rs2", -1)->reason, "not-seen");
	assert_string_equal(check(c, n, "tcp.vip.direct", "rs2", 80)->reason, "not-seen");
	assert_int_equal(s->alerts, 0);
	free(c);
}

static void claims_and_conflicts(void **state)
{
	struct state *s = *state;
	uint8_t f[128];
	feed(s, f, craft_arp(f, 2, lb_mac, vip, client_mac, client_ip));
	/* rs1 leaks the VIP into its own ARP request (arp_announce=0). */
	feed(s, f, craft_arp(f, 1, rs1_mac, vip, (uint8_t[6]){0}, client_ip));
	/* Someone nobody configured announces the VIP. */
	feed(s, f, craft_arp(f, 1, odd_mac, vip, (uint8_t[6]){0}, vip));
	assert_int_equal(s->alerts, 1);
	assert_non_null(strstr(s->last_alert, "vip-claim 198.18.0.100"));
	/* An unconfigured address flipping between two MACs. */
	feed(s, f, craft_arp(f, 2, rs2_mac, other_ip, client_mac, client_ip));
	feed(s, f, craft_arp(f, 2, odd_mac, other_ip, client_mac, client_ip));
	feed(s, f, craft_arp(f, 2, rs2_mac, other_ip, client_mac, client_ip));
	assert_int_equal(s->alerts, 2);
	size_t n;
	struct dsr_check *c = dsr_passive_verdicts(s->p, &n);
	assert_string_equal(check(c, n, "arp.vip", NULL, -1)->reason, "conflict");
	assert_string_equal(check(c, n, "arp.vip.claim", "rs1", -1)->reason, "claimed");
	assert_string_equal(check(c, n, "arp.vip.claim", NULL, -1)->reason, "unknown-host");
	const struct dsr_check *other = check(c, n, "arp.conflict", NULL, -1);
	assert_string_equal(other->target, "198.18.0.77");
	assert_string_equal(other->reason, "flip-flop");
	free(c);
}

static void wrong_source(void **state)
{
	struct state *s = *state;
	uint8_t f[128];
	feed(s, f, craft_tcp(f, client_mac, lb_mac, client_ip, vip, 64, 40001, 80, 1, 0, 0x02));
	/* rs2 answers with its real address: weak host send off. */
	feed(s, f, craft_tcp(f, rs2_mac, client_mac, rs2_ip, client_ip, 128, 80, 40001, 9, 2, 0x12));
	/* A reply to a flow never seen is no evidence. */
	feed(s, f, craft_tcp(f, rs1_mac, client_mac, rs1_ip, client_ip, 64, 80, 40009, 9, 2, 0x12));
	size_t n;
	struct dsr_check *c = dsr_passive_verdicts(s->p, &n);
	const struct dsr_check *t = check(c, n, "tcp.vip.direct", "rs2", 80);
	assert_string_equal(t->reason, "wrong-source");
	assert_non_null(strstr(t->remedy, "weakhostsend=enabled"));
	assert_string_equal(check(c, n, "tcp.vip.direct", "rs1", 80)->reason, "not-seen");
	free(c);
}

/* Flat memory: a flood of addresses is bounded and counted. */
static void bounded_tables(void **state)
{
	struct state *s = *state;
	uint8_t f[64], ip[4] = {198, 19, 0, 0};
	for (unsigned i = 0; i < 300000; i++) {
		ip[2] = (uint8_t)(i >> 8);
		ip[3] = (uint8_t)i;
		ip[1] = (uint8_t)(19 + (i >> 16));
		feed(s, f, craft_arp(f, 2, odd_mac, ip, client_mac, client_ip));
	}
	assert_true(dsr_passive_dropped(s->p) > 0);
	assert_true(dsr_passive_dropped(s->p) < 300000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(healthy_traffic, setup, teardown),
		cmocka_unit_test_setup_teardown(claims_and_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_source, setup, teardown),
		cmocka_unit_test_setup_teardown(bounded_tables, setup, teardown),
	};
	return cmocka_run_group_tests_name("passive", tests, NULL, NULL);
}
