/* Unit tests for src/config.c: good files read field by field, and a table of
 * bad configurations with the exact message each must give, because users
 * and monitoring scripts read those messages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/netcompat.h"
#include "../src/config.h"
#include "../src/parse.h"
#include "../src/settings.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define ERRLEN 512

static void assert_addr(struct in_addr a, const char *want)
{
	struct in_addr w;
	assert_int_equal(inet_pton(AF_INET, want, &w), 1);
	assert_int_equal(a.s_addr, w.s_addr);
}

static void assert_mac(const uint8_t *mac, uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t e,
		       uint8_t f)
{
	const uint8_t want[6] = { a, b, c, d, e, f };
	assert_memory_equal(mac, want, 6);
}

static const struct dsr_server *server_of(const struct dsr_config *cfg, const struct dsr_service *svc,
					  size_t i)
{
	assert_true(i < svc->nservers);
	assert_true(svc->servers[i] < cfg->nservers);
	return &cfg->servers[svc->servers[i]];
}

/* Loads text as "lab.ini"; returns the result and leaves the message in err. */
static int load(const char *text, char err[ERRLEN])
{
	struct dsr_config cfg;
	int rc;

	assert_int_equal(dsr_config_init(&cfg), 0);
	err[0] = '\0';
	rc = dsr_config_load_string(&cfg, text, "lab.ini", err, ERRLEN);
	dsr_config_free(&cfg);
	return rc;
}

static void test_good_file(void **state)
{
	struct dsr_config cfg;
	char err[ERRLEN] = "";
	(void)state;

	assert_int_equal(dsr_config_init(&cfg), 0);
	if (dsr_config_load(&cfg, "fixtures/config/good.ini", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(cfg.source, "fixtures/config/good.ini");
	assert_string_equal(cfg.interface, "eth0");
	assert_int_equal(cfg.timeout_ms, 1500);
	assert_int_equal(cfg.retries, 3);
	assert_int_equal(cfg.listen_ms, 2500);
	assert_int_equal(cfg.rate, 800);

	assert_int_equal(cfg.nservers, 3);
	assert_string_equal(cfg.servers[0].name, "rs1");
	assert_addr(cfg.servers[0].addr, "198.18.0.11");
	assert_true(cfg.servers[0].has_mac);
	assert_mac(cfg.servers[0].mac, 0x02, 0, 0, 0, 0, 0x11);
	assert_int_equal(cfg.servers[0].line, 20);
	assert_string_equal(cfg.servers[1].name, "rs2");
	assert_addr(cfg.servers[1].addr, "198.18.0.12");
	assert_true(cfg.servers[1].has_mac);
	assert_mac(cfg.servers[1].mac, 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee);
	assert_int_equal(cfg.servers[1].line, 24);
	assert_string_equal(cfg.servers[2].name, "rs3");
	assert_addr(cfg.servers[2].addr, "198.18.0.13");
	assert_false(cfg.servers[2].has_mac);
	assert_int_equal(cfg.servers[2].line, 34);

	assert_int_equal(cfg.nservices, 2);
	const struct dsr_service *web = &cfg.services[0];
	assert_string_equal(web->name, "web");
	assert_int_equal(web->line, 12);
	assert_true(web->has_vip);
	assert_addr(web->vip, "198.18.0.100");
	assert_int_equal(web->nports, 2);
	assert_int_equal(web->ports[0], 80);
	assert_int_equal(web->ports[1], 443);
	assert_int_equal(web->nbalancers, 1);
	assert_addr(web->balancers[0].addr, "198.18.0.2");
	assert_string_equal(web->balancers[0].name, "lb1");
	assert_int_equal(web->nbalancer_macs, 2);
	assert_mac(web->balancer_macs[0], 0x02, 0, 0, 0, 0, 0x02);
	assert_mac(web->balancer_macs[1], 0x02, 0, 0, 0, 0, 0x03);
	assert_int_equal(web->nservers, 3);
	assert_string_equal(server_of(&cfg, web, 0)->name, "rs1");
	assert_string_equal(server_of(&cfg, web, 1)->name, "rs2");
	assert_string_equal(server_of(&cfg, web, 2)->name, "rs3");

	const struct dsr_service *dns = &cfg.services[1];
	assert_string_equal(dns->name, "dns");
	assert_int_equal(dns->line, 29);
	assert_addr(dns->vip, "198.18.0.53");
	assert_int_equal(dns->nports, 1);
	assert_int_equal(dns->ports[0], 53);
	assert_int_equal(dns->nbalancers, 0);
	assert_int_equal(dns->nbalancer_macs, 0);
	assert_int_equal(dns->nservers, 2);
	assert_ptr_equal(server_of(&cfg, dns, 0), &cfg.servers[2]);
	assert_ptr_equal(server_of(&cfg, dns, 1), &cfg.servers[0]);

	/* validation is repeatable: main calls it again after command-line options */
	assert_int_equal(dsr_config_validate(&cfg, err, sizeof(err)), 0);
	dsr_config_free(&cfg);
}

static void test_minimal_string_keeps_defaults(void **state)
{
	struct dsr_config cfg;
	char err[ERRLEN] = "";
	(void)state;

	assert_int_equal(dsr_config_init(&cfg), 0);
	assert_string_equal(cfg.source, "command line");
	if (dsr_config_load_string(&cfg,
				   "[server a]\naddress=198.18.0.11\n"
				   "[service s]\nvip=198.18.0.100\nports=443\nservers=a\n",
				   "mini.ini", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(cfg.source, "mini.ini");
	assert_string_equal(cfg.interface, "");
	assert_int_equal(cfg.timeout_ms, DSR_DEFAULT_TIMEOUT_MS);
	assert_int_equal(cfg.retries, DSR_DEFAULT_RETRIES);
	assert_int_equal(cfg.listen_ms, DSR_DEFAULT_LISTEN_MS);
	assert_int_equal(cfg.rate, DSR_DEFAULT_RATE);
	assert_int_equal(cfg.nservices, 1);
	assert_int_equal(cfg.services[0].nbalancers, 0);
	assert_int_equal(cfg.services[0].servers[0], 0);
	assert_false(cfg.servers[0].has_mac);
	dsr_config_free(&cfg);
}

/* An HA pair: names and MACs where given, "lbN" by position otherwise; the
 * VRRP group's virtual MAC is recognised whatever the group. */
static void test_balancer_set(void **state)
{
	struct dsr_config cfg;
	char err[ERRLEN] = "";
	uint8_t vmac[6];
	unsigned vrid = 0;
	(void)state;

	assert_int_equal(dsr_config_init(&cfg), 0);
	if (dsr_config_load_string(&cfg,
				   "[server a]\naddress=198.18.0.11\n"
				   "[service s]\nvip=198.18.0.100\nports=443\nservers=a\n"
				   "balancer = edge-a=198.18.0.2@02:00:00:00:00:02, 198.18.0.3\nvrrp-id = 51\n",
				   "ha.ini", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	const struct dsr_service *svc = &cfg.services[0];
	assert_int_equal(svc->nbalancers, 2);
	assert_string_equal(svc->balancers[0].name, "edge-a");
	assert_addr(svc->balancers[0].addr, "198.18.0.2");
	assert_true(svc->balancers[0].has_mac);
	assert_mac(svc->balancers[0].mac, 0x02, 0, 0, 0, 0, 0x02);
	assert_string_equal(svc->balancers[1].name, "lb2");
	assert_false(svc->balancers[1].has_mac);
	assert_int_equal(svc->vrrp_id, 51);
	dsr_vrrp_mac(51, vmac);
	assert_mac(vmac, 0x00, 0x00, 0x5e, 0x00, 0x01, 0x33);
	assert_true(dsr_is_vrrp_mac(vmac, &vrid));
	assert_int_equal(vrid, 51);
	assert_false(dsr_is_vrrp_mac(svc->balancers[0].mac, &vrid));
	dsr_config_free(&cfg);

	assert_int_equal(dsr_config_init(&cfg), 0);
	assert_int_equal(dsr_config_cli_balancer(&cfg, "lb1=198.18.0.2@02:00:00:00:00:02,198.18.0.3", err,
						 sizeof(err)), 0);
	assert_int_equal(dsr_config_cli_balancer(&cfg, "198.18.0.4", err, sizeof(err)), 0);
	assert_int_equal(dsr_config_cli_vrrp_id(&cfg, "7", err, sizeof(err)), 0);
	assert_int_equal(cfg.services[0].nbalancers, 3);
	assert_string_equal(cfg.services[0].balancers[2].name, "lb3");
	assert_int_equal(cfg.services[0].vrrp_id, 7);
	assert_int_equal(dsr_config_cli_vrrp_id(&cfg, "8", err, sizeof(err)), -1);
	assert_string_equal(err, "--vrrp-id: given twice");
	dsr_config_free(&cfg);
}

static void test_odd_but_valid(void **state)
{
	char err[ERRLEN];
	static const char *const good[] = {
		/* no newline at the end; whitespace around '=' and ','; tabs */
		"[service web]\nvip=198.18.0.100\nports =80 ,\t443\t\nservers=\trs1 , rs2\n"
		"[server rs1]\naddress = 198.18.0.11\n[server rs2]\naddress = 198.18.0.12",
		/* blanks inside the section header; a trailing comma */
		"[  service   web ]\nvip = 198.18.0.100\nports = 80,\nservers = rs1,\n"
		"[server rs1]\naddress = 198.18.0.11\n",
		/* a list continued over several lines, with comments and blank lines between */
		"[service web]\nvip = 198.18.0.100\nports =\n  80,\n\n  ; https too\n  443 ; ok\n"
		"servers = rs1\n    rs2\n[server rs1]\naddress = 198.18.0.11\n"
		"[server rs2]\naddress = 198.18.0.12\n",
		/* 'name: value' as libinih allows, and '#' directly after a value is kept */
		"[global]\ninterface: eth0#2\n[service web]\nvip: 198.18.0.100\nports: 80\n"
		"servers: rs1\n[server rs1]\naddress: 198.18.0.11\n",
		/* a 63-character name and a service without [global] */
		"[service aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n"
		"vip = 198.18.0.100\nports = 1, 65535\nservers = x.y_z-1\n[server x.y_z-1]\n"
		"address = 198.18.0.11\n",
		/* two services on one VIP with different ports; limits reached exactly */
		"[global]\nretries = 0\nrate = 100000\ntimeout = 600s\nlisten = 1\n"
		"[service a]\nvip = 198.18.0.100\nports = 80\nservers = rs1\n"
		"[service b]\nvip = 198.18.0.100\nports = 53\nservers = rs1\n"
		"balancer-mac = 02:00:00:00:00:01, 02:00:00:00:00:02, 02:00:00:00:00:03, "
		"02:00:00:00:00:04, 02:00:00:00:00:05, 02:00:00:00:00:06, 02:00:00:00:00:07, "
		"02:00:00:00:00:08\n[server rs1]\naddress = 198.18.0.11\n",
	};
	(void)state;
	for (size_t i = 0; i < COUNT(good); i++)
		if (load(good[i], err) != 0)
			fail_msg("case %zu: %s", i, err);
}

/* 'servers' by name, address, range and prefix, shared between services. */
static void test_server_forms(void **state)
{
	static const char text[] = "[service web]\n"			/* 1 */
				   "vip = 198.18.0.100\n"			/* 2 */
				   "ports = 80\n"				/* 3 */
				   "servers = rs1, 198.18.2.1-198.18.2.3, 198.18.3.0/30,\n" /* 4 */
				   "  198.18.0.12, 198.18.3.4/31, 198.18.3.9/32\n"	/* 5 */
				   "[server rs1]\naddress = 198.18.0.11\n"		/* 6-7 */
				   "[server 198.18.2.2]\nmac = 02:00:00:00:00:22\n" /* 8-9 */
				   "[server rs2]\naddress = 198.18.0.12\n"		/* 10-11 */
				   "[service dns]\nvip = 198.18.0.53\nports = 53\n" /* 12-14 */
				   "servers = 198.18.2.1\n";			/* 15 */
	static const char *const want[] = { "rs1",	   "198.18.2.1", "198.18.2.2", "198.18.2.3",
					    "198.18.3.1", "198.18.3.2", "rs2",	  "198.18.3.4",
					    "198.18.3.5", "198.18.3.9" };
	struct dsr_config cfg;
	char err[ERRLEN] = "";
	(void)state;

	assert_int_equal(dsr_config_init(&cfg), 0);
	if (dsr_config_load_string(&cfg, text, "lab.ini", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	const struct dsr_service *web = &cfg.services[0], *dns = &cfg.services[1];
	assert_int_equal(web->nservers, COUNT(want));
	for (size_t i = 0; i < COUNT(want); i++) {
		const struct dsr_server *srv = server_of(&cfg, web, i);
		assert_string_equal(srv->name, want[i]);
		if (strchr(want[i], '.'))
			assert_addr(srv->addr, want[i]);
	}
	/* the [server 198.18.2.2] section gives its MAC; its address is its name */
	assert_true(server_of(&cfg, web, 2)->has_mac);
	assert_mac(server_of(&cfg, web, 2)->mac, 2, 0, 0, 0, 0, 0x22);
	assert_int_equal(server_of(&cfg, web, 2)->line, 8);
	/* a server given by its address is where it was first listed */
	assert_int_equal(server_of(&cfg, web, 1)->line, 4);
	assert_int_equal(server_of(&cfg, web, 7)->line, 5);
	/* 198.18.0.12 is rs2's address: rs2, not a second server */
	assert_int_equal(server_of(&cfg, web, 6)->line, 10);
	/* one server, two services */
	assert_int_equal(dns->nservers, 1);
	assert_ptr_equal(server_of(&cfg, dns, 0), server_of(&cfg, web, 1));
	assert_int_equal(cfg.nservers, COUNT(want));
	dsr_config_free(&cfg);

	/* a /24 without [server] sections: .1 to .254 */
	assert_int_equal(dsr_config_init(&cfg), 0);
	if (dsr_config_load_string(&cfg, "[service web]\nvip = 198.18.0.100\nports = 80\n"
					 "servers = 198.18.2.0/24\n",
				   "lab.ini", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.services[0].nservers, 254);
	assert_string_equal(server_of(&cfg, &cfg.services[0], 0)->name, "198.18.2.1");
	assert_string_equal(server_of(&cfg, &cfg.services[0], 253)->name, "198.18.2.254");
	dsr_config_free(&cfg);
}

static void test_fixture_forms(void **state)
{
	struct dsr_config cfg;
	char err[ERRLEN] = "";
	(void)state;

	assert_int_equal(dsr_config_init(&cfg), 0);
	if (dsr_config_load(&cfg, "fixtures/config/ranges.ini", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	const struct dsr_service *web = &cfg.services[0], *dns = &cfg.services[1];
	assert_int_equal(web->nservers, 1 + 20 + 14 + 1);
	assert_string_equal(server_of(&cfg, web, 0)->name, "rs1");
	assert_string_equal(server_of(&cfg, web, 1)->name, "198.18.2.1");
	assert_string_equal(server_of(&cfg, web, 2)->name, "198.18.2.2");
	assert_true(server_of(&cfg, web, 2)->has_mac);
	assert_string_equal(server_of(&cfg, web, 21)->name, "198.18.3.1");
	assert_string_equal(server_of(&cfg, web, 34)->name, "198.18.3.14");
	assert_string_equal(server_of(&cfg, web, 35)->name, "198.18.4.9");
	assert_int_equal(server_of(&cfg, web, 35)->line, 9);
	assert_int_equal(dns->nservers, 2);
	assert_ptr_equal(server_of(&cfg, dns, 0), server_of(&cfg, web, 5));
	assert_ptr_equal(server_of(&cfg, dns, 1), server_of(&cfg, web, 0));
	assert_int_equal(cfg.nservers, 36);
	dsr_config_free(&cfg);

	assert_int_equal(dsr_config_init(&cfg), 0);
	if (dsr_config_load(&cfg, "fixtures/config/one-line-250.ini", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.services[0].nservers, 250);
	assert_string_equal(server_of(&cfg, &cfg.services[0], 249)->name, "198.18.2.250");
	assert_int_equal(server_of(&cfg, &cfg.services[0], 249)->line, 6);
	dsr_config_free(&cfg);
}

static void test_windows_file(void **state)
{
	struct dsr_config cfg;
	char err[ERRLEN] = "";
	(void)state;

	assert_int_equal(dsr_config_init(&cfg), 0);
	if (dsr_config_load(&cfg, "fixtures/config/windows.ini", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.nservices, 1);
	assert_string_equal(cfg.services[0].name, "web");
	assert_int_equal(cfg.services[0].line, 2);
	assert_int_equal(cfg.services[0].nports, 1);
	assert_int_equal(cfg.services[0].ports[0], 80);
	assert_int_equal(cfg.servers[0].line, 7);
	assert_mac(cfg.servers[0].mac, 0x02, 0, 0, 0, 0, 0x11);
	dsr_config_free(&cfg);
}

/* Each bad configuration, read as "lab.ini", with the exact message it gives. */
#define WEB "[service web]\nvip = 198.18.0.100\nports = 80\nservers = rs1\n" /* lines 1-4 */
#define RS1 "[server rs1]\naddress = 198.18.0.11\n"				 /* 2 lines */
#define A16 "aaaaaaaaaaaaaaaa"
#define A64 A16 A16 A16 A16

static const struct bad_case {
	const char *text;
	const char *message;
} bad_cases[] = {
	/* sections */
	{ "; lab\n\n[global]\ntimeout = 1s ; one second\n\n[service web]\nvipp = 198.18.0.100\n",
	  "lab.ini:7: unknown key 'vipp' in [service web]" },
	{ WEB RS1 "\n# extra\n[foo]\n", "lab.ini:9: unknown section [foo]" },
	{ "[]\n", "lab.ini:1: empty section name []" },
	{ "[ \t ]\n", "lab.ini:1: empty section name []" },
	{ WEB RS1 "[service]\n", "lab.ini:7: section [service] needs a name, e.g. [service web]" },
	{ WEB "[server ]\n", "lab.ini:5: section [server] needs a name, e.g. [server rs1]" },
	{ "[service web site]\n",
	  "lab.ini:1: bad service name 'web site' (use letters, digits, '-', '_' and '.')" },
	{ "[server rs/1]\n", "lab.ini:1: bad server name 'rs/1' (use letters, digits, '-', '_' and '.')" },
	{ "[server " A64 "]\n",
	  "lab.ini:1: server name '" A64 "' is too long (at most 63 characters)" },
	{ "[service web\n", "lab.ini:1: missing ']' in section header '[service web'" },
	{ "[global] rate = 5\n", "lab.ini:1: unexpected text 'rate = 5' after ']'" },
	{ "[global x]\n", "lab.ini:1: section [global] takes no name, not 'x'" },
	{ "[global]\n\n[global]\n", "lab.ini:3: section [global] given twice (first at line 1)" },
	{ WEB RS1 "[service web]\n", "lab.ini:7: service 'web' defined twice (first at line 1)" },
	{ WEB RS1 "[server rs1]\naddress = 198.18.0.12\n",
	  "lab.ini:7: server 'rs1' defined twice (first at line 5)" },
	/* keys */
	{ "vip = 198.18.0.100\n[service web]\n", "lab.ini:1: key 'vip' is outside any section" },
	{ "[global]\nvip = 198.18.0.100\n", "lab.ini:2: unknown key 'vip' in [global]" },
	{ WEB "[server rs1]\naddress = 198.18.0.11\nports = 80\n",
	  "lab.ini:7: unknown key 'ports' in [server rs1]" },
	{ "[service web]\nVIP = 198.18.0.100\n", "lab.ini:2: unknown key 'VIP' in [service web]" },
	{ "[service web]\nv\xffp = 1\n", "lab.ini:2: unknown key 'v\\xffp' in [service web]" },
	{ "[service web]\nvip = 198.18.0.100\n; again\nvip = 198.18.0.101\n",
	  "lab.ini:4: key 'vip' given twice in [service web] (first at line 2)" },
	{ "[service web]\nvip 198.18.0.100\n",
	  "lab.ini:2: expected '[section]' or 'key = value', not 'vip 198.18.0.100'" },
	{ "; a\n\n[service web]\n# b\nvip = 198.18.0.100 ; c\n\njunk here ; d\n",
	  "lab.ini:7: expected '[section]' or 'key = value', not 'junk here'" },
	/* libinih's complaint on line 2 comes before ours on line 3 */
	{ "[service web]\njunk\nvipp = 198.18.0.100\n",
	  "lab.ini:2: expected '[section]' or 'key = value', not 'junk'" },
	{ "[service web]\nvip = 198.18.0.100\n  198.18.0.101\n",
	  "lab.ini:3: expected '[section]' or 'key = value', not '198.18.0.101'" },
	{ "[service web]\nbalancer mac = 02:00:00:00:00:02\n",
	  "lab.ini:2: expected '[section]' or 'key = value', not 'balancer mac = 02:00:00:00:00:02'" },
	{ "[service web]\n= 198.18.0.100\n", "lab.ini:2: missing key name before '='" },
	{ "[service web]\nvip =\n", "lab.ini:2: empty value for 'vip'" },
	{ "[service web]\nvip = ; later\n", "lab.ini:2: empty value for 'vip'" },
	{ "[service web]\nvip = 198.18.0.100\nports =\nservers = rs1\n",
	  "lab.ini:3: empty value for 'ports'" },
	{ "[service web]\nservers =\n", "lab.ini:2: empty value for 'servers'" },
	/* addresses */
	{ "[service web]\nvip = 198.18.0.300\n",
	  "lab.ini:2: bad IPv4 or IPv6 address '198.18.0.300' for 'vip'" },
	{ "[service web]\nvip = 198.18.0.100;old\n",
	  "lab.ini:2: bad IPv4 or IPv6 address '198.18.0.100;old' for 'vip'" },
	{ "[service web]\nvip = 10.1\n", "lab.ini:2: bad IPv4 or IPv6 address '10.1' for 'vip'" },
	{ "[service web]\nvip = 127.0.0.1\n",
	  "lab.ini:2: address 127.0.0.1 for 'vip' is a loopback address" },
	{ "[service web]\nvip = 0.0.0.0\n", "lab.ini:2: address 0.0.0.0 for 'vip' is not a host address" },
	/* dual-stack: one address of each family */
	{ "[service web]\nvip = 198.18.0.100, 198.18.0.101\n",
	  "lab.ini:2: two IPv4 addresses in '198.18.0.100, 198.18.0.101' for 'vip' (one of each family at most)" },
	{ "[service web]\nvip = 2001:2::100, 198.18.0.100, 2001:2::101\n",
	  "lab.ini:2: two IPv6 addresses in '2001:2::100, 198.18.0.100, 2001:2::101' for 'vip' (one of each "
	  "family at most)" },
	{ "[service web]\nvip = 198.18.0.100,\n", "lab.ini:2: bad IPv4 or IPv6 address '' for 'vip'" },
	{ "[service web]\nvip = 2001:2::100%eth0\n",
	  "lab.ini:2: bad IPv4 or IPv6 address '2001:2::100%eth0' for 'vip'" },
	{ "[service web]\nvip = [2001:2::100]\n",
	  "lab.ini:2: bad IPv4 or IPv6 address '[2001:2::100]' for 'vip'" },
	{ "[service web]\nvip = 2001:2:::100\n", "lab.ini:2: bad IPv4 or IPv6 address '2001:2:::100' for 'vip'" },
	{ "[service web]\nvip = ::\n", "lab.ini:2: address :: for 'vip' is the unspecified address" },
	{ "[service web]\nvip = ::1\n", "lab.ini:2: address ::1 for 'vip' is the loopback address" },
	{ "[service web]\nvip = ff02::1\n", "lab.ini:2: address ff02::1 for 'vip' is a multicast address" },
	{ "[service web]\nvip = fe80::1\n",
	  "lab.ini:2: address fe80::1 for 'vip' is link-local (fe80::/10): give the global or unique-local "
	  "address" },
	{ "[service web]\nvip = ::ffff:198.18.0.100\n",
	  "lab.ini:2: address ::ffff:198.18.0.100 for 'vip' is an IPv4-mapped address: write the IPv4 "
	  "address itself" },
	{ "[service web]\nvip = 2001:2::100\nports = 80\nservers = rs1\n" RS1,
	  "lab.ini:1: service 'web' has only an IPv6 vip: give its IPv4 VIP as well (vip = IPV4, IPV6); "
	  "IPv6-only services are not audited yet" },
	{ WEB "[server rs1]\naddress = 2001:2::11\n",
	  "lab.ini:6: server 'rs1' has only an IPv6 address: give its IPv4 address as well (address = IPV4, "
	  "IPV6); IPv6-only servers are not audited yet" },
	{ "[service web]\nvip = 198.18.0.100, 2001:2::11\nports = 80\nservers = rs1\n"
	  "[server rs1]\naddress = 198.18.0.11, 2001:2::11\n",
	  "lab.ini:1: VIP 2001:2::11 of service 'web' is also the address of server 'rs1'" },
	{ "[service a]\nvip = 198.18.0.100, 2001:2::100\nports = 80\nservers = rs1\n"
	  "[service b]\nvip = 198.18.0.101, 2001:2::100\nports = 80\nservers = rs1\n" RS1,
	  "lab.ini:5: service 'b' checks 2001:2::100 port 80 again (already in service 'a')" },
	{ "[service web]\nbalancer = 224.0.0.1\n",
	  "lab.ini:2: address 224.0.0.1 is a multicast address in 'balancer'" },
	{ "[service web]\nbalancer = lb1=198.18.0.2, lb1=198.18.0.3\n",
	  "lab.ini:2: balancer name 'lb1' used twice in 'balancer'" },
	{ "[service web]\nbalancer = 198.18.0.2, 198.18.0.2\n",
	  "lab.ini:2: balancer 198.18.0.2 listed twice in 'balancer'" },
	{ "[service web]\nbalancer = 198.18.0.2\nbalancer = 198.18.0.3\n",
	  "lab.ini:3: key 'balancer' given twice in [service web] (first at line 2)" },
	{ "[service web]\nbalancer = lb 1=198.18.0.2\n",
	  "lab.ini:2: bad name 'lb 1' (use letters, digits, '-', '_' and '.') in 'balancer'" },
	{ "[service web]\nbalancer = a/b=198.18.0.2\n",
	  "lab.ini:2: bad name 'a/b' (use letters, digits, '-', '_' and '.') in 'balancer'" },
	{ "[service web]\nbalancer = lb1=198.18.0.2@02:00:00:00:00:zz\n",
	  "lab.ini:2: bad MAC address '02:00:00:00:00:zz' in 'balancer'" },
	{ "[service web]\nvrrp-id = 0\n", "lab.ini:2: 'vrrp-id' must be between 1 and 255, not 0" },
	{ "[service web]\nvrrp-id = 256\n", "lab.ini:2: 'vrrp-id' must be between 1 and 255, not 256" },
	{ "[server rs1]\naddress = 255.255.255.255\n",
	  "lab.ini:2: address 255.255.255.255 for 'address' is a reserved or broadcast address" },
	{ "[server rs1]\naddress = rs1.example.com\n",
	  "lab.ini:2: bad IPv4 or IPv6 address 'rs1.example.com' for 'address'" },
	/* MACs */
	{ "[server rs1]\naddress = 198.18.0.11\nmac = 02:00:00:00:00\n",
	  "lab.ini:3: bad MAC address '02:00:00:00:00' for 'mac'" },
	{ "[server rs1]\nmac = 01:00:5e:00:00:01\n",
	  "lab.ini:2: MAC address 01:00:5e:00:00:01 for 'mac' is a multicast address" },
	{ "[server rs1]\nmac = 00:00:00:00:00:00\n",
	  "lab.ini:2: MAC address 00:00:00:00:00:00 for 'mac' is all zeros" },
	{ "[service web]\nbalancer-mac = 02:00:00:00:00:02, 02:00:00:00:00:0x\n",
	  "lab.ini:2: bad MAC address '02:00:00:00:00:0x' for 'balancer-mac'" },
	{ "[service web]\nbalancer-mac = 02:00:00:00:00:02, 02-00-00-00-00-02\n",
	  "lab.ini:2: MAC address 02-00-00-00-00-02 listed twice in 'balancer-mac'" },
	{ "[service web]\nbalancer-mac = ff:ff:ff:ff:ff:ff\n",
	  "lab.ini:2: MAC address ff:ff:ff:ff:ff:ff for 'balancer-mac' is a multicast address" },
	{ "[service web]\nbalancer-mac = 02:00:00:00:00:01, 02:00:00:00:00:02, 02:00:00:00:00:03, "
	  "02:00:00:00:00:04, 02:00:00:00:00:05, 02:00:00:00:00:06, 02:00:00:00:00:07, "
	  "02:00:00:00:00:08, 02:00:00:00:00:09\n",
	  "lab.ini:2: too many MAC addresses for 'balancer-mac' (at most 8)" },
	/* ports */
	{ "[service web]\nports = 80, 0\n", "lab.ini:2: bad port '0' in 'ports' (use 1 to 65535)" },
	{ "[service web]\nports = 65536\n", "lab.ini:2: bad port '65536' in 'ports' (use 1 to 65535)" },
	{ "[service web]\nports = http\n", "lab.ini:2: bad port 'http' in 'ports' (use 1 to 65535)" },
	{ "[service web]\nports = 80 443\n", "lab.ini:2: bad port '80 443' in 'ports' (use 1 to 65535)" },
	{ "[service web]\nports = 80, 443, 80\n", "lab.ini:2: port 80 listed twice in 'ports'" },
	{ "[service web]\nports = 80,\n  443,\n  80\n", "lab.ini:4: port 80 listed twice in 'ports'" },
	{ "[service web]\nports = 80,,443\n", "lab.ini:2: empty item in 'ports'" },
	{ "[service web]\nports = ,80\n", "lab.ini:2: empty item in 'ports'" },
	/* durations and numbers */
	{ "[global]\ntimeout = 5x\n",
	  "lab.ini:2: bad duration '5x' for 'timeout' (use e.g. 500ms or 2s)" },
	{ "[global]\nlisten = -1s\n", "lab.ini:2: bad duration '-1s' for 'listen' (use e.g. 500ms or 2s)" },
	{ "[global]\ntimeout = 1.5ms\n",
	  "lab.ini:2: bad duration '1.5ms' for 'timeout' (use e.g. 500ms or 2s)" },
	{ "[global]\ntimeout = 0\n", "lab.ini:2: 'timeout' must be more than 0, not '0'" },
	{ "[global]\nlisten = 0.0s\n", "lab.ini:2: 'listen' must be more than 0, not '0.0s'" },
	{ "[global]\nlisten = 601s\n", "lab.ini:2: 'listen' must be at most 600s, not '601s'" },
	{ "[global]\ntimeout = 600001\n", "lab.ini:2: 'timeout' must be at most 600s, not '600001'" },
	{ "[global]\nretries = 11\n", "lab.ini:2: 'retries' must be at most 10, not 11" },
	{ "[global]\nretries = -1\n", "lab.ini:2: bad number '-1' for 'retries'" },
	{ "[global]\nrate = 0\n",
	  "lab.ini:2: 'rate' must be between 1 and 100000 packets per second, not 0" },
	{ "[global]\nrate = 100001\n",
	  "lab.ini:2: 'rate' must be between 1 and 100000 packets per second, not 100001" },
	{ "[global]\nrate = 1k\n", "lab.ini:2: bad number '1k' for 'rate'" },
	{ "[global]\ninterface = " A64 "\n",
	  "lab.ini:2: value for 'interface' is too long (at most 63 characters)" },
	{ "[global]\ninterface = eth 0\n", "lab.ini:2: bad interface name 'eth 0'" },
	/* servers lists */
	{ "[service web]\nservers = rs1, rs1\n", "lab.ini:2: service 'web' lists server 'rs1' twice" },
	{ "[service web]\nservers = rs1,\n    rs2,\n    rs1\n",
	  "lab.ini:4: service 'web' lists server 'rs1' twice" },
	{ "[service web]\nservers = rs1, r$2\n",
	  "lab.ini:2: bad server name 'r$2' in 'servers' (use letters, digits, '-', '_' and '.')" },
	{ "[service web]\nservers = " A64 "\n",
	  "lab.ini:2: server name '" A64 "' in 'servers' is too long (at most 63 characters)" },
	{ "[service web]\nvip = 198.18.0.100\nports = 80\nservers = rs1, rs9\n" RS1,
	  "lab.ini:4: service 'web' lists server 'rs9', which has no [server rs9] section" },
	/* the whole configuration */
	{ "", "lab.ini: no [service] section" },
	{ "; nothing\n[global]\nrate = 10\n" RS1, "lab.ini: no [service] section" },
	{ "[service web]\nvip = 198.18.0.100\nports = 80\n", "lab.ini:1: service 'web' has no servers" },
	{ "[service web]\nports = 80\nservers = rs1\n" RS1, "lab.ini:1: service 'web' has no vip" },
	{ "[service web]\nvip = 198.18.0.100\nservers = rs1\n" RS1, "lab.ini:1: service 'web' has no ports" },
	{ WEB "[server rs1]\nmac = 02:00:00:00:00:11\n", "lab.ini:5: server 'rs1' has no address" },
	{ "[service web]\nvip = 198.18.0.11\nports = 80\nservers = rs1\n" RS1,
	  "lab.ini:1: VIP 198.18.0.11 of service 'web' is also the address of server 'rs1'" },
	{ WEB "balancer = 198.18.0.11\n" RS1,
	  "lab.ini:1: balancer 198.18.0.11 of service 'web' is also the address of server 'rs1'" },
	{ WEB "balancer = rs1=198.18.0.2\n" RS1,
	  "lab.ini:1: balancer name 'rs1' of service 'web' is also a server's name" },
	{ "[service web]\nvip = 198.18.0.100\nports = 80\nservers = rs1, rs2\n" RS1
	  "[server rs2]\naddress = 198.18.0.11\n",
	  "lab.ini:7: server 'rs2' has the same address 198.18.0.11 as server 'rs1' (line 5)" },
	{ WEB RS1 "[service web2]\nvip = 198.18.0.100\nports = 443, 80\nservers = rs1\n",
	  "lab.ini:7: service 'web2' checks 198.18.0.100 port 80 again (already in service 'web')" },
	/* the earliest problem is the one reported */
	{ "[server rs2]\n" WEB RS1, "lab.ini:1: server 'rs2' has no address" },
	/* line numbers survive CR LF, comments and blank lines */
	{ "; a\r\n\r\n# b\r\n[service web]\r\n  ; c\r\n  vip = 198.18.0.1000\r\n",
	  "lab.ini:6: bad IPv4 or IPv6 address '198.18.0.1000' for 'vip'" },
	/* odd bytes are shown escaped, never raw */
	{ "[service web]\nvip = 198.18.0.\x01\n", "lab.ini:2: bad IPv4 or IPv6 address '198.18.0.\\x01' for 'vip'" },
	{ "[s\xc3\xa9rvice web]\n", "lab.ini:1: unknown section [s\xc3\xa9rvice web]" },
	{ "[service w\xe9\x62]\n",
	  "lab.ini:1: bad service name 'w\\xe9b' (use letters, digits, '-', '_' and '.')" },
	{ "[service web]\nvip = " A64 A64 "\n",
	  "lab.ini:2: bad IPv4 or IPv6 address '" A64 "aaaaaaaaaaaa...' for 'vip'" },
	/* servers by address, range and prefix */
	{ "[service web]\nservers = 198.18.2.9-198.18.2.1\n",
	  "lab.ini:2: bad range '198.18.2.9-198.18.2.1' in 'servers' (use e.g. 198.18.2.1-198.18.2.250)" },
	{ "[service web]\nservers = 198.18.2.1-rs2\n",
	  "lab.ini:2: bad range '198.18.2.1-rs2' in 'servers' (use e.g. 198.18.2.1-198.18.2.250)" },
	{ "[service web]\nservers = 198.18.2.5/24\n",
	  "lab.ini:2: bad prefix '198.18.2.5/24' in 'servers' (use e.g. 198.18.2.0/24)" },
	{ "[service web]\nservers = 198.18.2.0/33\n",
	  "lab.ini:2: bad prefix '198.18.2.0/33' in 'servers' (use e.g. 198.18.2.0/24)" },
	{ "[service web]\nservers = 198.18.2.0/024\n",
	  "lab.ini:2: bad prefix '198.18.2.0/024' in 'servers' (use e.g. 198.18.2.0/24)" },
	{ "[service web]\nservers = 198.18.0.300\n", "lab.ini:2: bad IPv4 address '198.18.0.300' in 'servers'" },
	{ "[service web]\nservers = 10.1.2\n", "lab.ini:2: bad IPv4 address '10.1.2' in 'servers'" },
	{ "[service web]\nservers = rs1,\n  198.18.0.0/16\n",
	  "lab.ini:3: prefix 198.18.0.0/16 in 'servers' holds 65534 addresses (at most 4096 servers)" },
	{ "[service web]\nservers = 198.18.0.1-198.18.16.1\n",
	  "lab.ini:2: range 198.18.0.1-198.18.16.1 in 'servers' holds 4097 addresses (at most 4096 servers)" },
	{ "[service web]\nservers = 198.18.0.0/20, 198.18.16.1, 198.18.16.2,\n  198.18.16.3\n",
	  "lab.ini:3: service 'web' lists too many servers (at most 4096)" },
	{ "[service web]\nservers = 223.255.255.254-224.0.0.1\n",
	  "lab.ini:2: address 224.0.0.0 in 'servers' is a multicast address" },
	{ "[service web]\nservers = 127.0.0.1\n", "lab.ini:2: address 127.0.0.1 in 'servers' is a loopback address" },
	{ "[service web]\nvip = 198.18.0.100\nports = 80\nservers = 198.18.2.1-198.18.2.5,\n  198.18.2.3\n",
	  "lab.ini:5: service 'web' lists 198.18.2.3 twice" },
	{ "[service web]\nvip = 198.18.0.100\nports = 80\nservers = rs1, 198.18.0.8/29\n" RS1,
	  "lab.ini:4: service 'web' lists server 'rs1' twice (198.18.0.11 is its address)" },
	{ "[service web]\nvip = 198.18.0.100\nports = 80\nservers = 198.18.0.11,\n  rs1\n" RS1,
	  "lab.ini:5: service 'web' lists server 'rs1' twice" },
	{ "[service web]\nvip = 198.18.2.3\nports = 80\nservers = 198.18.2.0/29\n",
	  "lab.ini:1: VIP 198.18.2.3 of service 'web' is also the address of server '198.18.2.3'" },
	{ "[service a]\nvip = 198.19.0.1\nports = 80\nservers = 198.18.0.0/20\n"
	  "[service b]\nvip = 198.19.0.2\nports = 80\nservers = 198.18.16.0/29\n",
	  "lab.ini:8: too many servers (at most 4096)" },
	/* 802.1Q */
	{ "[service web]\nvip = 198.18.0.100\nports = 80\nvlan = 4095\nservers = rs1\n" RS1,
	  "lab.ini:4: 'vlan' must be between 1 and 4094, not 4095" },
	{ "[global]\nvlan = 0\n", "lab.ini:2: 'vlan' must be between 1 and 4094, not 0" },
	{ "[service web]\nvip = 198.18.0.100\nports = 80\nvlan-priority = 8\nservers = rs1\n" RS1,
	  "lab.ini:4: 'vlan-priority' must be at most 7, not 8" },
	{ "[service web]\nvip = 198.18.0.100\nports = 80\nvlan-priority = 3\nservers = rs1\n" RS1,
	  "lab.ini:1: service 'web' has a vlan-priority but no vlan: only a tagged frame carries a priority" },
	{ "[service web]\nvip = 198.18.0.100\nports = 80\nsource = 198.18.0.300\nservers = rs1\n" RS1,
	  "lab.ini:4: bad IPv4 address '198.18.0.300' for 'source'" },
	{ "[service web]\nvip = 198.18.0.100\nports = 80\nvlan = 20\nsource = 198.18.0.100\nservers = rs1\n" RS1,
	  "lab.ini:1: the source address of service 'web' is its VIP: the servers would answer themselves" },
	{ "[global]\nvlan = 20\n[service a]\nvip = 198.18.0.100\nports = 80\nservers = rs1\n"
	  "[service b]\nvip = 198.18.0.101\nports = 80\nvlan = 30\nservers = rs1\n" RS1,
	  "lab.ini:7: server 'rs1' is in service 'b' on VLAN 30 and in service 'a' on VLAN 20: one address "
	  "lives in one VLAN (give each VLAN's server its own section)" },
};

static void test_bad_table(void **state)
{
	char err[ERRLEN];
	int failures = 0;
	(void)state;

	for (size_t i = 0; i < COUNT(bad_cases); i++) {
		int rc = load(bad_cases[i].text, err);
		if (rc != -1 || strcmp(err, bad_cases[i].message) != 0) {
			print_error("case %zu: rc %d\n  got:  %s\n  want: %s\n", i, rc, err,
				    bad_cases[i].message);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
	assert_true(COUNT(bad_cases) >= 25);
}

/* A service's own vlan wins over [global]'s; the rest inherit it. */
static void test_vlan_inheritance(void **state)
{
	struct dsr_config cfg;
	char err[ERRLEN];
	struct in_addr src;
	(void)state;

	assert_int_equal(dsr_config_init(&cfg), 0);
	assert_int_equal(dsr_config_load_string(&cfg,
						"[global]\nvlan = 20\nsource = 198.18.20.60\n"
						"[service a]\nvip = 198.18.20.100\nports = 80\nservers = 198.18.20.11\n"
						"[service b]\nvip = 198.18.30.100\nports = 80\nvlan = 30\n"
						"vlan-priority = 6\nsource = 198.18.30.60\nservers = 198.18.30.11\n",
						"v.ini", err, sizeof(err)),
			 0);
	assert_int_equal(dsr_service_vlan(&cfg, &cfg.services[0]), 20);
	assert_int_equal(dsr_service_vlan_priority(&cfg, &cfg.services[0]), 0);
	assert_true(dsr_service_source(&cfg, &cfg.services[0], &src));
	assert_addr(src, "198.18.20.60");
	assert_int_equal(dsr_service_vlan(&cfg, &cfg.services[1]), 30);
	assert_int_equal(dsr_service_vlan_priority(&cfg, &cfg.services[1]), 6);
	assert_true(dsr_service_source(&cfg, &cfg.services[1], &src));
	assert_addr(src, "198.18.30.60");
	/* The command line's --vlan is [global]'s. */
	assert_int_equal(dsr_settings_apply_flag(&cfg, "--vlan", "40", err, sizeof(err)), 0);
	assert_int_equal(dsr_service_vlan(&cfg, &cfg.services[0]), 40);
	assert_int_equal(dsr_service_vlan(&cfg, &cfg.services[1]), 30);
	assert_int_equal(dsr_settings_apply_flag(&cfg, "--vlan", "4095", err, sizeof(err)), -1);
	assert_string_equal(err, "--vlan: '4095' is not a number from 1 to 4094");
	assert_int_equal(dsr_settings_apply_flag(&cfg, "--source", "x", err, sizeof(err)), -1);
	assert_string_equal(err, "--source: bad IPv4 address 'x'");
	dsr_config_free(&cfg);
}

/* A dual-stack service and server: an address of each family, in either order. */
static void test_dual_stack(void **state)
{
	struct dsr_config cfg;
	char err[ERRLEN], a6[DSR_IPV6_TEXT];
	(void)state;

	assert_int_equal(dsr_config_init(&cfg), 0);
	if (dsr_config_load_string(&cfg,
				   "[service web]\nvip = 2001:2:0:0::100 , 198.18.0.100\nports = 80\n"
				   "servers = rs1, rs2\n[server rs1]\naddress = 198.18.0.11, 2001:2::11\n"
				   "[server rs2]\naddress = 198.18.0.12\n",
				   "d.ini", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(cfg.services[0].has_vip && cfg.services[0].has_vip6);
	assert_addr(cfg.services[0].vip, "198.18.0.100");
	dsr_format_ipv6(&cfg.services[0].vip6, a6);
	assert_string_equal(a6, "2001:2::100");
	assert_true(cfg.servers[0].has_addr6);
	dsr_format_ipv6(&cfg.servers[0].addr6, a6);
	assert_string_equal(a6, "2001:2::11");
	assert_false(cfg.servers[1].has_addr6);
	dsr_config_free(&cfg);

	/* The command line: --vip once per family. */
	assert_int_equal(dsr_config_init(&cfg), 0);
	assert_int_equal(dsr_config_cli_vip(&cfg, "2001:2::100", err, sizeof(err)), 0);
	assert_int_equal(dsr_config_cli_vip(&cfg, "198.18.0.100", err, sizeof(err)), 0);
	assert_int_equal(dsr_config_cli_vip(&cfg, "2001:2::101", err, sizeof(err)), -1);
	assert_string_equal(err, "--vip: given twice (use -c FILE for several services)");
	assert_true(cfg.services[0].has_vip && cfg.services[0].has_vip6);
	dsr_config_free(&cfg);
}

static void test_bad_files(void **state)
{
	static const struct {
		const char *path;
		const char *message;
	} cases[] = {
		{ "fixtures/config/bad-nul.ini",
		  "fixtures/config/bad-nul.ini:3: NUL byte in line (is this a text file?)" },
		{ "fixtures/config/bad-latin1.ini",
		  "fixtures/config/bad-latin1.ini:5: bad server name 'rs\\xe91' in 'servers' (use letters, "
		  "digits, '-', '_' and '.')" },
		{ "fixtures/config/no-such-file.ini",
		  "fixtures/config/no-such-file.ini: cannot open: No such file or directory" },
#ifdef _WIN32
		/* Windows refuses to open a directory as a file at all. */
		{ "fixtures/config", "fixtures/config: cannot open: Permission denied" },
#else
		{ "fixtures/config", "fixtures/config: cannot read: Is a directory" },
#endif
	};
	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct dsr_config cfg;
		char err[ERRLEN] = "";
		assert_int_equal(dsr_config_init(&cfg), 0);
		assert_int_equal(dsr_config_load(&cfg, cases[i].path, err, sizeof(err)), -1);
		assert_string_equal(err, cases[i].message);
		dsr_config_free(&cfg);
	}
}

/* Appends printf output to a growing buffer. */
DSR_PRINTF(3, 4) static void append(char **buf, size_t *len, const char *fmt,
				    ...)
{
	va_list ap;
	char piece[256];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(piece, sizeof(piece), fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(piece));
	*buf = realloc(*buf, *len + (size_t)n + 1);
	assert_non_null(*buf);
	memcpy(*buf + *len, piece, (size_t)n + 1);
	*len += (size_t)n;
}

/* A service with nservers servers and nports ports, its lists on continuation lines. */
static char *big_config(int nservers, int nports)
{
	char *buf = NULL;
	size_t len = 0;

	append(&buf, &len, "[service big]\nvip = 198.19.255.1\nports = 1");
	for (int p = 2; p <= nports; p++)
		append(&buf, &len, p % 10 == 0 ? ",\n  %d" : ", %d", p);
	append(&buf, &len, "\nservers =");
	for (int s = 0; s < nservers; s++)
		append(&buf, &len, s % 8 == 0 ? "\n    server-%04d," : " server-%04d,", s);
	append(&buf, &len, "\n");
	for (int s = 0; s < nservers; s++)
		append(&buf, &len, "[server server-%04d]\naddress = 198.18.%d.%d\n", s, s / 250, s % 250 + 1);
	return buf;
}

static void test_limits(void **state)
{
	struct dsr_config cfg;
	char err[ERRLEN] = "";
	char *text;
	(void)state;

	text = big_config(DSR_MAX_SERVICE_SERVERS, DSR_MAX_PORTS);
	assert_int_equal(dsr_config_init(&cfg), 0);
	if (dsr_config_load_string(&cfg, text, "big.ini", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.services[0].nservers, DSR_MAX_SERVICE_SERVERS);
	assert_int_equal(cfg.services[0].nports, DSR_MAX_PORTS);
	assert_int_equal(cfg.services[0].ports[63], 64);
	assert_string_equal(server_of(&cfg, &cfg.services[0], 4095)->name, "server-4095");
	dsr_config_free(&cfg);
	free(text);

	/* "ports = 1" is line 3; a line break after every tenth port: 65 is on line 9 */
	text = big_config(1, DSR_MAX_PORTS + 1);
	assert_int_equal(load(text, err), -1);
	assert_string_equal(err, "lab.ini:9: too many ports in 'ports' (at most 64)");
	free(text);

	/* "servers =" is line 4, then 8 names a line: the 4097th is on line 517 */
	text = big_config(DSR_MAX_SERVICE_SERVERS + 1, 1);
	assert_int_equal(load(text, err), -1);
	assert_string_equal(err, "lab.ini:517: service 'big' lists too many servers (at most 4096)");
	free(text);

	/* too many [server] and [service] sections */
	char *buf = NULL;
	size_t len = 0;
	for (int s = 0; s <= DSR_MAX_SERVERS; s++)
		append(&buf, &len, "[server s%d]\n", s);
	assert_int_equal(load(buf, err), -1);
	assert_string_equal(err, "lab.ini:4097: too many servers (at most 4096)");
	free(buf);
	buf = NULL;
	len = 0;
	for (int s = 0; s <= DSR_MAX_SERVICES; s++)
		append(&buf, &len, "[service s%d]\n", s);
	assert_int_equal(load(buf, err), -1);
	assert_string_equal(err, "lab.ini:257: too many services (at most 256)");
	free(buf);
}

/* A configuration whose line `line` is "interface = " padded to len characters. */
static char *line_of(size_t len)
{
	static const char head[] = "[global]\ninterface = ";
	size_t key = sizeof(head) - 1 - 9; /* "interface = " */
	char *buf = malloc(sizeof(head) + len + 1);

	assert_non_null(buf);
	memcpy(buf, head, sizeof(head) - 1);
	memset(buf + sizeof(head) - 1, 'a', len - key);
	buf[sizeof(head) - 1 + len - key] = '\n';
	buf[sizeof(head) + len - key] = '\0';
	return buf;
}

static void test_long_line(void **state)
{
	struct dsr_config cfg;
	char *buf = NULL;
	size_t len = 0;
	char err[ERRLEN];
	(void)state;

	/* what a script writes: every server on one line, far beyond libinih's 200 bytes */
	append(&buf, &len, "[service web]\n; comment\nvip = 198.19.255.1\nports = 80\nservers = rs1");
	for (int i = 2; i <= 250; i++)
		append(&buf, &len, ", rs%d", i);
	append(&buf, &len, "\n");
	for (int i = 1; i <= 250; i++)
		append(&buf, &len, "[server rs%d]\naddress = 198.18.2.%d\n", i, i);
	assert_int_equal(dsr_config_init(&cfg), 0);
	if (dsr_config_load_string(&cfg, buf, "lab.ini", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.services[0].nservers, 250);
	assert_string_equal(server_of(&cfg, &cfg.services[0], 249)->name, "rs250");
	dsr_config_free(&cfg);
	free(buf);

	/* 4,096 addresses on one line (about 57 KB) */
	buf = NULL;
	len = 0;
	append(&buf, &len, "[service web]\nvip = 198.19.255.1\nports = 80\nservers = ");
	for (int i = 0; i < DSR_MAX_SERVICE_SERVERS; i++)
		append(&buf, &len, "%s198.18.%d.%d", i ? ", " : "", i / 250, i % 250 + 1);
	append(&buf, &len, "\n");
	assert_true(len > 50000 && len < DSR_CONFIG_MAX_LINE);
	assert_int_equal(dsr_config_init(&cfg), 0);
	if (dsr_config_load_string(&cfg, buf, "lab.ini", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.nservers, DSR_MAX_SERVICE_SERVERS);
	assert_string_equal(server_of(&cfg, &cfg.services[0], 4095)->name, "198.18.16.96");
	dsr_config_free(&cfg);
	free(buf);

	/* the boundary: 65,536 characters reach the key, one more does not */
	buf = line_of(DSR_CONFIG_MAX_LINE);
	assert_int_equal(load(buf, err), -1);
	assert_string_equal(err, "lab.ini:2: value for 'interface' is too long (at most 63 characters)");
	free(buf);
	buf = line_of(DSR_CONFIG_MAX_LINE + 1);
	assert_int_equal(load(buf, err), -1);
	assert_string_equal(err, "lab.ini:2: line is too long (at most 65536 characters; a long 'ports' "
				 "or 'servers' list can go on on indented lines)");
	free(buf);

	/* a long comment after a short value is fine */
	buf = NULL;
	len = 0;
	append(&buf, &len, "[service web]\nvip = 198.18.0.100 ;");
	for (int i = 0; i < 40; i++)
		append(&buf, &len, " long comment");
	append(&buf, &len, "\nports = 80\nservers = rs1\n" RS1);
	if (load(buf, err) != 0)
		fail_msg("%s", err);
	free(buf);
}

static void test_error_buffer(void **state)
{
	struct dsr_config cfg;
	char small[12];
	(void)state;

	assert_int_equal(dsr_config_init(&cfg), 0);
	memset(small, 'x', sizeof(small));
	assert_int_equal(dsr_config_load_string(&cfg, "[foo]\n", "lab.ini", small, sizeof(small)), -1);
	assert_string_equal(small, "lab.ini:1: ");
	assert_int_equal(dsr_config_load_string(&cfg, "[foo]\n", "lab.ini", NULL, 0), -1);
	assert_int_equal(dsr_config_load(&cfg, "/nonexistent/x.ini", NULL, 0), -1);
	assert_int_equal(dsr_config_cli_vip(&cfg, "x", NULL, 0), -1);
	dsr_config_free(&cfg);

	/* a file name that does not fit cfg->source is refused, not cut */
	char name[300];
	char err[ERRLEN];
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(dsr_config_init(&cfg), 0);
	assert_int_equal(dsr_config_load_string(&cfg, WEB RS1, name, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ": file name too long (at most 255 characters)"));
	dsr_config_free(&cfg);
}

/* Mutated copies of a good file must give a clean result or a message naming
 * the file; ASan and UBSan watch for the rest. */
static void test_mutations(void **state)
{
	static const char base[] = "; c\n[global]\ninterface = eth0 ; x\ntimeout = 1.5s\nrate = 9\n"
				   "[service web]\nvip = 198.18.0.100\nports = 80,\n  443\n"
				   "balancer-mac = 02:00:00:00:00:02\nservers = rs1, rs2\n"
				   "[server rs1]\naddress = 198.18.0.11\nmac = 02:00:00:00:00:11\n"
				   "[server rs2]\naddress = 198.18.0.12\n";
	static const char bytes[] = "[]=:,;#\n\r\t .0123456789abcdef@-_\xff\x80\xc3\x01";
	unsigned seed = 12345;
	char text[sizeof(base) + 16];
	int ok = 0;
	(void)state;

	for (int round = 0; round < 3000; round++) {
		size_t len = sizeof(base) - 1;
		memcpy(text, base, sizeof(base));
		int edits = 1 + round % 4;
		for (int e = 0; e < edits; e++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % len;
			char c = bytes[(seed >> 20) % (sizeof(bytes) - 1)];
			if ((seed >> 4) % 3 == 0 && len + 1 < sizeof(text)) { /* insert */
				memmove(text + at + 1, text + at, len - at + 1);
				text[at] = c;
				len++;
			} else if ((seed >> 4) % 3 == 1 && len > 1) { /* delete */
				memmove(text + at, text + at + 1, len - at);
				len--;
			} else {
				text[at] = c;
			}
		}
		struct dsr_config cfg;
		char err[ERRLEN] = "";
		assert_int_equal(dsr_config_init(&cfg), 0);
		int rc = dsr_config_load_string(&cfg, text, "fuzz.ini", err, sizeof(err));
		if (rc == 0)
			ok++;
		else if (rc != -1 || strncmp(err, "fuzz.ini:", 9) != 0)
			fail_msg("rc %d, message '%s' for:\n%s", rc, err, text);
		dsr_config_free(&cfg);
	}
	assert_true(ok > 0);
}

static void test_cli_good(void **state)
{
	struct dsr_config cfg;
	char err[ERRLEN] = "";
	(void)state;

	assert_int_equal(dsr_config_init(&cfg), 0);
	assert_int_equal(dsr_config_cli_vip(&cfg, "198.18.0.100", err, sizeof(err)), 0);
	assert_int_equal(dsr_config_cli_port(&cfg, "80", err, sizeof(err)), 0);
	assert_int_equal(dsr_config_cli_port(&cfg, "443, 8080", err, sizeof(err)), 0);
	assert_int_equal(dsr_config_cli_server(&cfg, "rs1=198.18.0.11", err, sizeof(err)), 0);
	assert_int_equal(dsr_config_cli_server(&cfg, "198.18.0.12", err, sizeof(err)), 0);
	assert_int_equal(dsr_config_cli_server(&cfg, "rs3=198.18.0.13@02:00:00:00:00:13", err, sizeof(err)),
			 0);
	assert_int_equal(dsr_config_cli_server(&cfg, "198.18.0.14@02-00-00-00-00-14", err, sizeof(err)), 0);
	assert_int_equal(dsr_config_cli_balancer(&cfg, "198.18.0.2", err, sizeof(err)), 0);
	assert_int_equal(dsr_config_cli_balancer_mac(&cfg, "02:00:00:00:00:02", err, sizeof(err)), 0);
	assert_int_equal(dsr_config_cli_balancer_mac(&cfg, "02:00:00:00:00:03,02:00:00:00:00:04", err,
						     sizeof(err)),
			 0);
	if (dsr_config_validate(&cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);

	assert_string_equal(cfg.source, "command line");
	assert_int_equal(cfg.nservices, 1);
	const struct dsr_service *svc = &cfg.services[0];
	assert_string_equal(svc->name, "default");
	assert_int_equal(svc->line, 0);
	assert_addr(svc->vip, "198.18.0.100");
	assert_int_equal(svc->nports, 3);
	assert_int_equal(svc->ports[0], 80);
	assert_int_equal(svc->ports[1], 443);
	assert_int_equal(svc->ports[2], 8080);
	assert_int_equal(svc->nbalancers, 1);
	assert_addr(svc->balancers[0].addr, "198.18.0.2");
	assert_int_equal(svc->nbalancer_macs, 3);
	assert_mac(svc->balancer_macs[2], 0x02, 0, 0, 0, 0, 0x04);
	assert_int_equal(svc->nservers, 4);
	assert_string_equal(server_of(&cfg, svc, 0)->name, "rs1");
	assert_addr(server_of(&cfg, svc, 0)->addr, "198.18.0.11");
	assert_false(server_of(&cfg, svc, 0)->has_mac);
	assert_string_equal(server_of(&cfg, svc, 1)->name, "198.18.0.12");
	assert_string_equal(server_of(&cfg, svc, 2)->name, "rs3");
	assert_true(server_of(&cfg, svc, 2)->has_mac);
	assert_mac(server_of(&cfg, svc, 2)->mac, 0x02, 0, 0, 0, 0, 0x13);
	assert_string_equal(server_of(&cfg, svc, 3)->name, "198.18.0.14");
	assert_mac(server_of(&cfg, svc, 3)->mac, 0x02, 0, 0, 0, 0, 0x14);
	assert_int_equal(server_of(&cfg, svc, 3)->line, 0);
	dsr_config_free(&cfg);

	/* ranges and prefixes: servers named by their addresses */
	assert_int_equal(dsr_config_init(&cfg), 0);
	assert_int_equal(dsr_config_cli_server(&cfg, "198.18.2.0/30", err, sizeof(err)), 0);
	assert_int_equal(dsr_config_cli_server(&cfg, "198.18.3.1-198.18.3.3", err, sizeof(err)), 0);
	assert_int_equal(dsr_config_cli_server(&cfg, "rs-1=198.18.4.1", err, sizeof(err)), 0);
	assert_int_equal(cfg.services[0].nservers, 6);
	assert_string_equal(server_of(&cfg, &cfg.services[0], 1)->name, "198.18.2.2");
	assert_addr(server_of(&cfg, &cfg.services[0], 4)->addr, "198.18.3.3");
	assert_string_equal(server_of(&cfg, &cfg.services[0], 5)->name, "rs-1");
	dsr_config_free(&cfg);
}

/* What each use needs: analyze reads no ports, local probes no servers. */
static void test_validate_for(void **state)
{
	static const struct {
		const char *vip, *port, *server;
		enum dsr_config_use use;
		const char *message; /* NULL: valid */
	} cases[] = {
		{ "198.18.0.100", NULL, "198.18.0.11", DSR_USE_AUDIT,
		  "command line: service 'default' has no ports (use --port)" },
		{ "198.18.0.100", NULL, "198.18.0.11", DSR_USE_PASSIVE, NULL },
		{ "198.18.0.100", NULL, "198.18.0.11", DSR_USE_LOCAL, NULL },
		{ "198.18.0.100", NULL, NULL, DSR_USE_PASSIVE,
		  "command line: service 'default' has no servers (use --server)" },
		{ "198.18.0.100", "80", NULL, DSR_USE_LOCAL, NULL },
		{ NULL, "80", NULL, DSR_USE_LOCAL, "command line: service 'default' has no vip (use --vip)" },
		{ NULL, NULL, NULL, DSR_USE_PASSIVE, NULL },
		{ NULL, NULL, NULL, DSR_USE_LOCAL, "command line: nothing to check (use --vip)" },
		{ NULL, NULL, NULL, DSR_USE_AUDIT,
		  "command line: nothing to check (use -c FILE, or --vip, --port and --server)" },
	};
	(void)state;

	for (size_t i = 0; i < COUNT(cases); i++) {
		struct dsr_config cfg;
		char err[ERRLEN] = "";
		assert_int_equal(dsr_config_init(&cfg), 0);
		if (cases[i].vip)
			assert_int_equal(dsr_config_cli_vip(&cfg, cases[i].vip, err, ERRLEN), 0);
		if (cases[i].port)
			assert_int_equal(dsr_config_cli_port(&cfg, cases[i].port, err, ERRLEN), 0);
		if (cases[i].server)
			assert_int_equal(dsr_config_cli_server(&cfg, cases[i].server, err, ERRLEN), 0);
		int rc = dsr_config_validate_for(&cfg, cases[i].use, err, ERRLEN);
		if (cases[i].message ? rc != -1 || strcmp(err, cases[i].message) != 0 : rc != 0)
			fail_msg("case %zu: rc %d '%s'", i, rc, err);
		if (cases[i].use == DSR_USE_AUDIT)
			assert_int_equal(dsr_config_validate(&cfg, err, ERRLEN), rc);
		dsr_config_free(&cfg);
	}

	/* a file for analyze needs no ports; for the audit it does */
	static const char noports[] = "[service web]\nvip = 198.18.0.100\nservers = rs1\n" RS1;
	struct dsr_config cfg;
	char err[ERRLEN] = "";
	assert_int_equal(dsr_config_init(&cfg), 0);
	if (dsr_config_load_string_for(&cfg, noports, "lab.ini", DSR_USE_PASSIVE, err, ERRLEN) != 0)
		fail_msg("%s", err);
	assert_int_equal(dsr_config_validate_for(&cfg, DSR_USE_AUDIT, err, ERRLEN), -1);
	assert_string_equal(err, "lab.ini:1: service 'web' has no ports");
	dsr_config_free(&cfg);
	assert_int_equal(load(noports, err), -1);
	assert_string_equal(err, "lab.ini:1: service 'web' has no ports");
}

/* The settings table: lookups, defaults, and the command line's messages, which
 * tests/cli.sh holds word for word, made from each row's range. */
static void test_settings(void **state)
{
	static const struct {
		const char *flag, *value, *message;
	} bad[] = {
		{ "--timeout", "5x", "--timeout: bad duration '5x' (more than 0 and at most 600s, e.g. 500ms or 2s)" },
		{ "--timeout", "", "--timeout: bad duration '' (more than 0 and at most 600s, e.g. 500ms or 2s)" },
		{ "--listen", "601s", "--listen: bad duration '601s' (more than 0 and at most 600s, e.g. 500ms or 2s)" },
		{ "--retries", "11", "--retries: '11' is not a number from 0 to 10" },
		{ "--rate", "0", "--rate: '0' is not a number from 1 to 100000" },
		{ "--rate", "5k", "--rate: '5k' is not a number from 1 to 100000" },
		{ "--seed", "-1", "--seed: '-1' is not a number from 0 to 4294967295" },
		{ "--seed", "4294967296", "--seed: '4294967296' is not a number from 0 to 4294967295" },
		{ "-t", "0", "-t: bad duration '0' (more than 0 and at most 600s, e.g. 10s)" },
		{ "--time-limit", "601s", "-t: bad duration '601s' (more than 0 and at most 600s, e.g. 10s)" },
		{ "--interval", "x", "--interval: bad duration 'x' (at most 24h, e.g. 300s, 5m or 1h; 0 for no audits)" },
		{ "--interval", "0s", "--interval: bad duration '0s' (at most 24h, e.g. 300s, 5m or 1h; 0 for no audits)" },
		{ "--interval", "25h", "--interval: bad duration '25h' (at most 24h, e.g. 300s, 5m or 1h; 0 for no audits)" },
		{ "-i", "", "-i: the interface name is empty" },
		{ "--interface", A64, "interface name too long: '" A64 "'" },
		{ "interface", "eth 0", "-i: bad interface name 'eth 0'" },
		{ "--only-server", "rs9", "--only-server: no server named 'rs9'" },
		{ "--port", "0", "--port: bad port '0' (use 1 to 65535)" },
		{ "--bogus", "1", "unknown option '--bogus'" },
		{ "-x", "1", "unknown option '-x'" },
	};
	struct dsr_config cfg;
	char err[ERRLEN], line[160], want[ERRLEN];
	size_t n;
	const struct dsr_setting *table = dsr_settings(&n);
	(void)state;

	assert_int_equal(n, DSR_SET_COUNT);
	for (size_t i = 0; i < n; i++) {
		const struct dsr_setting *s = &table[i];
		assert_int_equal(s->id, i);
		assert_ptr_equal(dsr_setting(s->id), s);
		assert_true(s->key || s->flag);
		if (s->key) {
			assert_ptr_equal(dsr_setting_by_key(s->key, s->sections), s);
			assert_null(dsr_setting_by_key(s->key, ~s->sections & 7u));
		}
		if (s->flag) {
			assert_ptr_equal(dsr_setting_by_flag(s->flag), s);
			assert_ptr_equal(dsr_setting_by_flag(s->flag + 2), s);
			assert_non_null(s->help);
		}
		if (s->short_flag) {
			assert_ptr_equal(dsr_setting_by_flag(s->short_flag), s);
			assert_ptr_equal(dsr_setting_by_flag(s->short_flag + 1), s);
			assert_string_equal(dsr_setting_flag_name(s), s->short_flag);
		} else if (s->flag) {
			assert_string_equal(dsr_setting_flag_name(s), s->flag);
		}
		/* every number in a range message is the row's */
		if (s->flag && s->type == DSR_TYPE_UINT) {
			assert_int_equal(dsr_config_init(&cfg), 0);
			snprintf(want, sizeof(want), "%s: 'x' is not a number from %u to %u", s->flag, s->min,
				 s->max);
			assert_int_equal(dsr_settings_apply_flag(&cfg, s->flag, "x", err, ERRLEN), -1);
			assert_string_equal(err, want);
			dsr_config_free(&cfg);
		}
	}
	assert_null(dsr_setting_by_flag("--ports"));
	assert_null(dsr_setting_by_key("port", DSR_IN_SERVICE));
	assert_ptr_equal(dsr_setting_by_key("ports", DSR_IN_SERVICE), dsr_setting(DSR_SET_PORTS));

	/* defaults */
	assert_int_equal(dsr_config_init(&cfg), 0);
	assert_int_equal(cfg.timeout_ms, DSR_DEFAULT_TIMEOUT_MS);
	assert_int_equal(cfg.retries, DSR_DEFAULT_RETRIES);
	assert_int_equal(cfg.listen_ms, DSR_DEFAULT_LISTEN_MS);
	assert_int_equal(cfg.rate, DSR_DEFAULT_RATE);
	assert_int_equal(cfg.interval_ms, DSR_DEFAULT_INTERVAL_MS);
	assert_int_equal(cfg.time_limit_ms, 0);
	assert_int_equal(cfg.given, 0);

	/* bad values */
	for (size_t i = 0; i < COUNT(bad); i++) {
		err[0] = '\0';
		if (dsr_settings_apply_flag(&cfg, bad[i].flag, bad[i].value, err, ERRLEN) != -1 ||
		    strcmp(err, bad[i].message) != 0)
			fail_msg("case %zu:\n  got:  %s\n  want: %s", i, err, bad[i].message);
	}
	assert_int_equal(cfg.given, 0);
	assert_int_equal(cfg.timeout_ms, DSR_DEFAULT_TIMEOUT_MS);

	/* good values, and what was given */
	assert_int_equal(dsr_settings_apply_flag(&cfg, "--timeout", "1.5s", err, ERRLEN), 0);
	assert_int_equal(cfg.timeout_ms, 1500);
	assert_int_equal(dsr_settings_apply_flag(&cfg, "--interval", "0", err, ERRLEN), 0);
	assert_int_equal(cfg.interval_ms, 0);
	assert_int_equal(dsr_settings_apply_flag(&cfg, "-t", "10s", err, ERRLEN), 0);
	assert_int_equal(cfg.time_limit_ms, 10000);
	assert_false(dsr_setting_given(&cfg, DSR_SET_SEED));
	assert_int_equal(dsr_settings_apply_flag(&cfg, "--seed", "4294967295", err, ERRLEN), 0);
	assert_true(dsr_setting_given(&cfg, DSR_SET_SEED));
	assert_int_equal(cfg.seed, 4294967295u);
	assert_int_equal(dsr_settings_apply_flag(&cfg, "-i", "eth0.100", err, ERRLEN), 0);
	assert_string_equal(cfg.interface, "eth0.100");
	assert_int_equal(dsr_settings_apply_flag(&cfg, "--vip", "198.18.0.100", err, ERRLEN), 0);
	assert_int_equal(dsr_settings_apply_flag(&cfg, "--port", "80,443", err, ERRLEN), 0);
	assert_int_equal(dsr_settings_apply_flag(&cfg, "--server", "rs1=198.18.0.11", err, ERRLEN), 0);
	assert_int_equal(dsr_settings_apply_flag(&cfg, "--only-server", "rs1", err, ERRLEN), 0);
	assert_string_equal(cfg.only_server, "rs1");
	assert_true(dsr_setting_given(&cfg, DSR_SET_PORTS));
	assert_false(dsr_setting_given(&cfg, DSR_SET_BALANCER));
	assert_int_equal(cfg.services[0].nports, 2);
	assert_int_equal(dsr_config_validate(&cfg, err, ERRLEN), 0);
	dsr_config_free(&cfg);

	/* the file's words for the same rows, and what the file gave */
	assert_int_equal(dsr_config_init(&cfg), 0);
	assert_int_equal(dsr_config_load_string(&cfg, "[global]\nrate = 7\n" WEB RS1, "lab.ini", err, ERRLEN),
			 0);
	assert_true(dsr_setting_given(&cfg, DSR_SET_RATE));
	assert_false(dsr_setting_given(&cfg, DSR_SET_TIMEOUT));
	assert_int_equal(dsr_setting_set_scalar(&cfg, dsr_setting(DSR_SET_RATE), "0", true, err, ERRLEN), -1);
	assert_string_equal(err, "'rate' must be between 1 and 100000 packets per second, not 0");
	assert_int_equal(cfg.rate, 7);
	dsr_config_free(&cfg);

	/* usage lines line up with dsrcheck --help */
	dsr_setting_usage(dsr_setting(DSR_SET_TIMEOUT), line, sizeof(line));
	assert_string_equal(line, "      --timeout D        wait for each reply (default 1s)");
	dsr_setting_usage(dsr_setting(DSR_SET_INTERFACE), line, sizeof(line));
	assert_string_equal(line, "  -i, --interface IFACE  interface to probe from (default: the one routing to "
				  "the first VIP)");
	dsr_setting_usage(dsr_setting(DSR_SET_SERVERS), line, sizeof(line));
	assert_string_equal(line, "      --server [NAME=]ADDR[@MAC]  without -c: a real server, or a range or "
				  "prefix of them (repeatable)");
	dsr_setting_usage(dsr_setting(DSR_SET_INTERVAL), line, sizeof(line));
	assert_string_equal(line, "      --interval D       watch: full audit every D (default 300s; 0 for no audits)");
	dsr_setting_usage(dsr_setting(DSR_SET_ADDRESS), line, sizeof(line));
	assert_string_equal(line, "");
}

enum cli_opt { VIP, PORT, SERVER, BALANCER, BALANCER_MAC, VALIDATE };

static int cli(struct dsr_config *cfg, enum cli_opt opt, const char *text, char *err)
{
	switch (opt) {
	case VIP:
		return dsr_config_cli_vip(cfg, text, err, ERRLEN);
	case PORT:
		return dsr_config_cli_port(cfg, text, err, ERRLEN);
	case SERVER:
		return dsr_config_cli_server(cfg, text, err, ERRLEN);
	case BALANCER:
		return dsr_config_cli_balancer(cfg, text, err, ERRLEN);
	case BALANCER_MAC:
		return dsr_config_cli_balancer_mac(cfg, text, err, ERRLEN);
	case VALIDATE:
		return dsr_config_validate(cfg, err, ERRLEN);
	}
	return -2;
}

static void test_cli_bad(void **state)
{
	/* Each case: options given in order; the last one fails with the message. */
	static const struct {
		struct {
			enum cli_opt opt;
			const char *text;
		} steps[4];
		const char *message;
	} cases[] = {
		{ { { SERVER, "x" } }, "--server: bad IPv4 address 'x'" },
		{ { { SERVER, "rs1=198.18.0.300" } }, "--server: bad IPv4 address '198.18.0.300'" },
		{ { { SERVER, "rs1=" } }, "--server: bad IPv4 address ''" },
		{ { { SERVER, "=198.18.0.11" } }, "--server: empty name before '=' in '=198.18.0.11'" },
		{ { { SERVER, "r s=198.18.0.11" } },
		  "--server: bad name 'r s' (use letters, digits, '-', '_' and '.')" },
		{ { { SERVER, A64 "=198.18.0.11" } },
		  "--server: name '" A64 "' is too long (at most 63 characters)" },
		{ { { SERVER, "rs1=198.18.0.11@02:00" } }, "--server: bad MAC address '02:00'" },
		{ { { SERVER, "rs1=198.18.0.11@" } }, "--server: bad MAC address ''" },
		{ { { SERVER, "rs1=198.18.0.11@01:00:00:00:00:01" } },
		  "--server: MAC address 01:00:00:00:00:01 is a multicast address" },
		{ { { SERVER, "rs1=127.0.0.2" } }, "--server: address 127.0.0.2 is a loopback address" },
		{ { { SERVER, "rs1=198.18.0.11" }, { SERVER, "rs1=198.18.0.12" } },
		  "--server: server 'rs1' given twice" },
		{ { { VIP, "1.2.3" } }, "--vip: bad IPv4 or IPv6 address '1.2.3'" },
		{ { { VIP, "198.18.0.100" }, { VIP, "198.18.0.101" } },
		  "--vip: given twice (use -c FILE for several services)" },
		{ { { PORT, "0" } }, "--port: bad port '0' (use 1 to 65535)" },
		{ { { PORT, "80,,443" } }, "--port: empty value in '80,,443'" },
		{ { { PORT, "80" }, { PORT, "443,80" } }, "--port: port 80 given twice" },
		{ { { BALANCER, "198.18.0.2" }, { BALANCER, "198.18.0.2" } },
		  "--balancer: balancer 198.18.0.2 listed twice" },
		{ { { BALANCER, "lb1=198.18.0.2,lb1=198.18.0.3" } }, "--balancer: balancer name 'lb1' used twice" },
		{ { { BALANCER, "=198.18.0.2" } }, "--balancer: empty name before '=' in '=198.18.0.2'" },
		{ { { BALANCER, "x" } }, "--balancer: bad IPv4 address 'x'" },
		{ { { BALANCER_MAC, "02:00:00:00:00:02,02:00:00:00:00:02" } },
		  "--balancer-mac: MAC address 02:00:00:00:00:02 given twice" },
		{ { { BALANCER_MAC, "nope" } }, "--balancer-mac: bad MAC address 'nope'" },
		{ { { SERVER, "198.18.2.5-198.18.2.1" } },
		  "--server: bad range '198.18.2.5-198.18.2.1' (use e.g. 198.18.2.1-198.18.2.250)" },
		{ { { SERVER, "198.18.2.1/24" } }, "--server: bad prefix '198.18.2.1/24' (use e.g. 198.18.2.0/24)" },
		{ { { SERVER, "198.18.0.0/16" } },
		  "--server: prefix 198.18.0.0/16 holds 65534 addresses (at most 4096 servers)" },
		{ { { SERVER, "198.18.2.0/30" }, { SERVER, "198.18.2.1-198.18.2.3" } },
		  "--server: server '198.18.2.1' given twice" },
		{ { { SERVER, "223.255.255.255-224.0.0.0" } },
		  "--server: address 224.0.0.0 is a multicast address" },
		/* validation after the options */
		{ { { VALIDATE, NULL } },
		  "command line: nothing to check (use -c FILE, or --vip, --port and --server)" },
		{ { { PORT, "80" }, { SERVER, "198.18.0.11" }, { VALIDATE, NULL } },
		  "command line: service 'default' has no vip (use --vip)" },
		{ { { VIP, "198.18.0.100" }, { SERVER, "198.18.0.11" }, { VALIDATE, NULL } },
		  "command line: service 'default' has no ports (use --port)" },
		{ { { VIP, "198.18.0.100" }, { PORT, "80" }, { VALIDATE, NULL } },
		  "command line: service 'default' has no servers (use --server)" },
		{ { { VIP, "198.18.0.100" }, { PORT, "80" }, { SERVER, "198.18.0.100" }, { VALIDATE, NULL } },
		  "command line: VIP 198.18.0.100 of service 'default' is also the address of server "
		  "'198.18.0.100'" },
		{ { { VIP, "198.18.0.100" },
		    { PORT, "80" },
		    { SERVER, "a=198.18.0.11,b=198.18.0.11" } },
		  "--server: bad IPv4 address '198.18.0.11,b=198.18.0.11'" },
	};
	(void)state;

	for (size_t i = 0; i < COUNT(cases); i++) {
		struct dsr_config cfg;
		char err[ERRLEN] = "";
		int rc = 0;
		size_t s;
		assert_int_equal(dsr_config_init(&cfg), 0);
		for (s = 0; s < 4 && (cases[i].steps[s].text || cases[i].steps[s].opt == VALIDATE); s++) {
			rc = cli(&cfg, cases[i].steps[s].opt, cases[i].steps[s].text, err);
			if (rc != 0)
				break;
		}
		if (rc != -1 || strcmp(err, cases[i].message) != 0)
			fail_msg("case %zu: rc %d\n  got:  %s\n  want: %s", i, rc, err, cases[i].message);
		if (s + 1 < 4 && (cases[i].steps[s + 1].text || cases[i].steps[s + 1].opt == VALIDATE))
			fail_msg("case %zu failed at step %zu, before its last", i, s);
		dsr_config_free(&cfg);
	}

	/* two servers on one address */
	struct dsr_config cfg;
	char err[ERRLEN];
	assert_int_equal(dsr_config_init(&cfg), 0);
	assert_int_equal(dsr_config_cli_vip(&cfg, "198.18.0.100", err, ERRLEN), 0);
	assert_int_equal(dsr_config_cli_port(&cfg, "80", err, ERRLEN), 0);
	assert_int_equal(dsr_config_cli_server(&cfg, "a=198.18.0.11", err, ERRLEN), 0);
	assert_int_equal(dsr_config_cli_server(&cfg, "b=198.18.0.11", err, ERRLEN), 0);
	assert_int_equal(dsr_config_validate(&cfg, err, ERRLEN), -1);
	assert_string_equal(err, "command line: server 'b' has the same address 198.18.0.11 as server 'a'");
	dsr_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_minimal_string_keeps_defaults),
		cmocka_unit_test(test_balancer_set),
		cmocka_unit_test(test_odd_but_valid),
		cmocka_unit_test(test_server_forms),
		cmocka_unit_test(test_fixture_forms),
		cmocka_unit_test(test_windows_file),
		cmocka_unit_test(test_bad_table),
		cmocka_unit_test(test_vlan_inheritance),
		cmocka_unit_test(test_dual_stack),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_error_buffer),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_cli_good),
		cmocka_unit_test(test_cli_bad),
		cmocka_unit_test(test_validate_for),
		cmocka_unit_test(test_settings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
