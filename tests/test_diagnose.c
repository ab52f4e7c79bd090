/* The diagnosis layer (src/diagnose.c) on checks made by hand: what the
 * recorded runs of FINDINGLIST do not show. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/diagnose.h"
#include "explained.h"

#define MAXCHECKS 8

static struct dsr_check checks[MAXCHECKS];
static size_t nchecks;

static struct dsr_check *add(const char *id, const char *server, int port, enum dsr_status status,
			     const char *reason)
{
	struct dsr_check *c = &checks[nchecks++];

	memset(c, 0, sizeof(*c));
	c->id = id;
	c->service = "web";
	c->server = server;
	snprintf(c->target, sizeof(c->target), "%s", strstr(id ? id : "", "vip") ? "198.18.0.100"
										  : "198.18.0.11");
	c->port = port;
	c->status = status;
	c->reason = reason;
	dsr_check_summary(c, "%s", "what the judge said");
	dsr_check_remedy(c, "%s", "what the judge advised");
	return c;
}

static int reset(void **state)
{
	(void)state;
	for (size_t i = 0; i < nchecks; i++)
		dsr_check_release(&checks[i]);
	nchecks = 0;
	return 0;
}

/* The finding of that kind; fails when there is none. */
static const struct dsr_finding *find(const struct dsr_findings *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->items[i].name, name) == 0)
			return &f->items[i];
	fail_msg("no %s finding", name);
	return NULL;
}

/* Every failing or warning check in exactly one finding, passing ones in none. */
static void assert_partition(const struct dsr_check *c, size_t n, const struct dsr_findings *f)
{
	size_t by, i = misexplained(c, n, f, 0, &by);
	if (i < n)
		fail_msg("check %zu (%s) is explained by %zu findings", i, c[i].id ? c[i].id : "?", by);
}

/* The example: rs1 refuses the VIP on two ports, seen through the
 * balancer and directly; its real address accepts. One finding. */
static void not_bound_is_one_finding(void **state)
{
	(void)state;
	struct dsr_findings f;
	dsr_evidence_list_add(add("tcp.vip", NULL, 80, DSR_FAIL, "refused"), "servers", "rs1");
	dsr_evidence_list_add(add("tcp.vip", NULL, 8080, DSR_FAIL, "refused"), "servers", "rs1");
	add("tcp.vip.direct", "rs1", 80, DSR_FAIL, "refused");
	add("tcp.vip.direct", "rs1", 8080, DSR_FAIL, "refused");
	add("tcp.rip", "rs1", 80, DSR_PASS, NULL);
	assert_int_equal(dsr_diagnose(checks, nchecks, &f), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.items[0].name, "not-bound");
	assert_int_equal(f.items[0].nservers, 1);
	assert_string_equal(f.items[0].servers[0], "rs1");
	assert_int_equal(f.items[0].nports, 2);
	assert_int_equal(f.items[0].ports[0], 80);
	assert_int_equal(f.items[0].ports[1], 8080);
	assert_non_null(strstr(f.items[0].summary, "rs1: "));
	assert_non_null(strstr(f.items[0].summary, "ports 80 and 8080"));
	assert_non_null(strstr(f.items[0].remedy, "198.18.0.100"));
	assert_partition(checks, nchecks, &f);
	dsr_findings_free(&f);
}

/* Refused on the real address too is another fault, port by port. */
static void ports_keep_faults_apart(void **state)
{
	(void)state;
	struct dsr_findings f;
	add("tcp.rip", "rs1", 80, DSR_FAIL, "refused");
	add("tcp.vip.direct", "rs1", 80, DSR_FAIL, "refused");
	add("tcp.rip", "rs1", 8080, DSR_PASS, NULL);
	add("tcp.vip.direct", "rs1", 8080, DSR_FAIL, "refused");
	assert_int_equal(dsr_diagnose(checks, nchecks, &f), 0);
	assert_int_equal(f.n, 2);
	const struct dsr_finding *x = find(&f, "not-listening");
	assert_int_equal(x->nchecks, 2);
	assert_int_equal(x->ports[0], 80);
	x = find(&f, "not-bound");
	assert_int_equal(x->nports, 1);
	assert_int_equal(x->ports[0], 8080);
	assert_partition(checks, nchecks, &f);
	dsr_findings_free(&f);
}

/* Timeouts on the real address mean down, unless TCP to it is answered:
 * then only the VIP's frames are lost. */
static void down_unless_the_real_address_answers(void **state)
{
	(void)state;
	struct dsr_findings f;
	add("icmp.rip", "rs2", -1, DSR_FAIL, "timeout");
	add("tcp.vip.direct", "rs2", 80, DSR_FAIL, "timeout");
	add("tcp.rip", "rs2", 80, DSR_FAIL, "timeout");
	assert_int_equal(dsr_diagnose(checks, nchecks, &f), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.items[0].name, "server-down");
	assert_int_equal(f.items[0].confidence, DSR_CONFIDENCE_LIKELY);
	dsr_findings_free(&f);
	checks[2].status = DSR_PASS;
	checks[2].reason = NULL;
	assert_int_equal(dsr_diagnose(checks, nchecks, &f), 0);
	assert_int_equal(f.n, 2);
	find(&f, "vip-dropped");
	find(&f, "check"); /* icmp.rip alone: no rule says why */
	assert_partition(checks, nchecks, &f);
	dsr_findings_free(&f);
}

/* What no rule knows stays visible, with its own words; a check without an
 * id (a hostile or broken producer) does not crash the layer. */
static void unknown_checks_stand_alone(void **state)
{
	(void)state;
	struct dsr_findings f;
	add("arp.vip", NULL, -1, DSR_WARN, "something-new");
	add(NULL, "rs3", -1, DSR_FAIL, NULL);
	dsr_evidence_list_add(add("tcp.vip", NULL, 80, DSR_FAIL, "refused"), "servers", "rs1,rs2");
	assert_int_equal(dsr_diagnose(checks, nchecks, &f), 0);
	assert_int_equal(f.n, 3);
	for (size_t i = 0; i < f.n; i++)
		assert_string_equal(f.items[i].name, "check");
	/* Failures first, the warning last; its summary keeps the judge's words. */
	assert_int_equal(f.items[2].status, DSR_WARN);
	assert_non_null(strstr(f.items[2].summary, "what the judge said"));
	assert_string_equal(f.items[2].remedy, "what the judge advised");
	assert_partition(checks, nchecks, &f);
	dsr_findings_free(&f);
}

/* How the balancer schedules is the service's, even when the MACs behind a
 * spread connection name one configured server (the other was unknown). */
static void service_faults_stay_the_services(void **state)
{
	(void)state;
	struct dsr_findings f;
	dsr_evidence_list_add(add("tcp.vip.conn", NULL, 80, DSR_FAIL, "spread"), "servers", "rs1");
	add("tcp.vip.direct", "rs1", 80, DSR_PASS, NULL);
	assert_int_equal(dsr_diagnose(checks, nchecks, &f), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.items[0].name, "per-packet");
	assert_int_equal(f.items[0].nservers, 0);
	dsr_findings_free(&f);
}

static void nothing_broken_nothing_found(void **state)
{
	(void)state;
	struct dsr_findings f;
	add("arp.vip", NULL, -1, DSR_PASS, NULL);
	add("icmp.vip.direct", "rs1", -1, DSR_SKIP, "not-on-segment");
	assert_int_equal(dsr_diagnose(checks, nchecks, &f), 0);
	assert_int_equal(f.n, 0);
	assert_int_equal(dsr_diagnose(checks, 0, &f), 0);
	assert_int_equal(f.n, 0);
}

/* Thousands of servers: one finding per broken server, every check once. */
static void many_servers(void **state)
{
	(void)state;
	enum { SERVERS = 4000, PER = 3 };
	struct dsr_check *many = calloc(SERVERS * PER, sizeof(*many));
	char (*names)[16] = calloc(SERVERS, sizeof(*names));
	struct dsr_findings f;
	assert_non_null(many);
	assert_non_null(names);
	for (size_t s = 0; s < SERVERS; s++) {
		snprintf(names[s], sizeof(names[s]), "rs%zu", s);
		for (size_t k = 0; k < PER; k++) {
			struct dsr_check *c = &many[s * PER + k];
			c->id = k == 0 ? "arp.rip" : "tcp.vip.direct";
			c->service = "web";
			c->server = names[s];
			c->port = k == 0 ? -1 : (int)(80 * k);
			c->status = s % 2 && k ? DSR_FAIL : DSR_PASS;
			c->reason = c->status == DSR_FAIL ? "timeout" : NULL;
		}
	}
	assert_int_equal(dsr_diagnose(many, SERVERS * PER, &f), 0);
	assert_int_equal(f.n, SERVERS / 2);
	assert_string_equal(f.items[0].name, "vip-dropped");
	assert_partition(many, SERVERS * PER, &f);
	dsr_findings_free(&f);
	free(many);
	free(names);
}

/* Through the balancer to the IPv6 VIP, the same faults as to the IPv4 one:
 * each IPv6 twin alone makes its IPv4 twin's finding, and both together one. */
static void ipv6_twins_find_alike(void **state)
{
	(void)state;
	static const struct {
		const char *v4, *v6, *reason, *finding;
		enum dsr_status status;
	} twins[] = {
		{"dsr.return", "dsr6.return", "via-balancer", "via-balancer", DSR_WARN},
		{"tcp.vip.conn", "tcp6.vip.conn", "spread", "per-packet", DSR_FAIL},
		{"tcp.vip.conn", "tcp6.vip.conn", "reset", "conn-broken", DSR_FAIL},
		{"tcp.vip.conn", "tcp6.vip.conn", "timeout", "conn-broken", DSR_FAIL},
	};
	struct dsr_findings f;
	for (size_t i = 0; i < sizeof(twins) / sizeof(twins[0]); i++) {
		for (int both = 0; both < 2; both++) {
			reset(NULL);
			add(twins[i].v6, NULL, 80, twins[i].status, twins[i].reason);
			if (both)
				add(twins[i].v4, NULL, 80, twins[i].status, twins[i].reason);
			assert_int_equal(dsr_diagnose(checks, nchecks, &f), 0);
			assert_int_equal(f.n, 1);
			assert_string_equal(f.items[0].name, twins[i].finding);
			assert_int_equal(f.items[0].nchecks, nchecks);
			assert_partition(checks, nchecks, &f);
			dsr_findings_free(&f);
		}
	}
}

/* dsrcheck local's IPv6 checks make their IPv4 twins' findings: alone, and
 * both families broken alike as one finding. */
static void local6_twins_find_alike(void **state)
{
	(void)state;
	static const struct {
		const char *v4, *v6, *reason, *finding;
		int port;
	} twins[] = {
		{"local.vip", "local6.vip", "missing", "vip-not-on-loopback", -1},
		{"local.vip", "local6.vip", "not-loopback", "server-claims-vip", -1},
		{"local.weakhost.send", "local6.weakhost.send", "disabled", "weak-host", -1},
		{"local.weakhost.receive", "local6.weakhost.receive", "disabled", "weak-host", -1},
		{"local.firewall", "local6.firewall", "dropped", "firewall", 80},
		{"local.listen", "local6.listen", "not-bound", "not-bound", 80},
		{"local.listen", "local6.listen", "not-listening", "not-listening", 80},
		{"local.iis.binding", "local6.iis.binding", "not-bound", "not-bound", 80},
	};
	struct dsr_findings f;
	for (size_t i = 0; i < sizeof(twins) / sizeof(twins[0]); i++) {
		for (int both = 0; both < 2; both++) {
			reset(NULL);
			add(twins[i].v6, NULL, twins[i].port, DSR_FAIL, twins[i].reason);
			if (both)
				add(twins[i].v4, NULL, twins[i].port, DSR_FAIL, twins[i].reason);
			assert_int_equal(dsr_diagnose(checks, nchecks, &f), 0);
			if (f.n != 1)
				fail_msg("%s %s (both: %d): %zu findings, the first %s", twins[i].v6, twins[i].reason,
					 both, f.n, f.items[0].name);
			assert_string_equal(f.items[0].name, twins[i].finding);
			assert_int_equal(f.items[0].nchecks, nchecks);
			dsr_findings_free(&f);
		}
	}
	reset(NULL);
	add("local6.proxy_ndp", NULL, -1, DSR_FAIL, "proxied");
	assert_int_equal(dsr_diagnose(checks, nchecks, &f), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.items[0].name, "server-claims-vip");
	dsr_findings_free(&f);
}

/* The IPv6 VIP refused through the balancer by the server it landed on: the
 * same one finding with that server's own IPv6 checks, as IPv4's. */
static void not_bound6_is_one_finding(void **state)
{
	(void)state;
	struct dsr_findings f;
	dsr_evidence_list_add(add("tcp6.vip", NULL, 80, DSR_FAIL, "refused"), "servers", "rs2");
	add("tcp6.vip.direct", "rs2", 80, DSR_FAIL, "refused");
	add("tcp6.rip", "rs2", 80, DSR_PASS, NULL);
	assert_int_equal(dsr_diagnose(checks, nchecks, &f), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.items[0].name, "not-bound");
	assert_int_equal(f.items[0].nservers, 1);
	assert_string_equal(f.items[0].servers[0], "rs2");
	assert_partition(checks, nchecks, &f);
	dsr_findings_free(&f);
}

/* The rules name checks and reasons as words: each must be the catalogue's. */
static void rules_name_catalogued_checks(void **state)
{
	(void)state;
	char err[256] = "";
	if (dsr_diagnose_rules_check(err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(not_bound_is_one_finding, reset),
		cmocka_unit_test_teardown(ports_keep_faults_apart, reset),
		cmocka_unit_test_teardown(down_unless_the_real_address_answers, reset),
		cmocka_unit_test_teardown(unknown_checks_stand_alone, reset),
		cmocka_unit_test_teardown(service_faults_stay_the_services, reset),
		cmocka_unit_test_teardown(nothing_broken_nothing_found, reset),
		cmocka_unit_test_teardown(many_servers, reset),
		cmocka_unit_test_teardown(ipv6_twins_find_alike, reset),
		cmocka_unit_test_teardown(not_bound6_is_one_finding, reset),
		cmocka_unit_test_teardown(local6_twins_find_alike, reset),
		cmocka_unit_test(rules_name_catalogued_checks),
	};
	return cmocka_run_group_tests_name("diagnose", tests, NULL, NULL);
}
