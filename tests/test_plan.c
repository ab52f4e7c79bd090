/* The plan for a deployment seen from the three places dsrcheck runs: a client
 * on the servers' segment, the balancer itself, and a host behind a router. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>
#ifndef _WIN32
#include <arpa/inet.h>
#endif

#include "../cmd/cmd.h"
#include "../platform/netcompat.h"
#include "../src/engine.h"
#include "frames.h"
#include "../src/config.h"
#include "../src/parse.h"
#include "../src/plan.h"
#include "../src/verdict.h"

static const char *deployment = "[service web]\n"
				"vip = 198.18.0.100\n"
				"ports = 80, 443\n"
				"balancer-mac = 02:00:00:00:00:02\n"
				"servers = rs1, rs2\n"
				"[service mail]\n"
				"vip = 198.18.0.101\n"
				"ports = 25, 80\n"
				"servers = rs2\n"
				"[server rs1]\n"
				"address = 198.18.0.11\n"
				"mac = 02:00:00:00:00:11\n"
				"[server rs2]\n"
				"address = 198.18.0.12\n";

static void vantage(struct dsr_iface *ifc, const char *ip, int prefix, const char *extra)
{
	memset(ifc, 0, sizeof(*ifc));
	snprintf(ifc->name, sizeof(ifc->name), "eth0");
	dsr_parse_mac("02:00:00:00:00:50", ifc->mac);
	dsr_parse_ipv4(ip, &ifc->addrs[0]);
	ifc->masks[0].s_addr = htonl(~0u << (32 - prefix));
	ifc->naddrs = 1;
	if (extra) {
		dsr_parse_ipv4(extra, &ifc->addrs[1]);
		ifc->masks[1].s_addr = 0xffffffff;
		ifc->naddrs = 2;
	}
}

static const struct dsr_task *find(const struct dsr_plan *p, const char *id, const char *server,
				   int port)
{
	for (size_t i = 0; i < p->ntasks; i++) {
		const struct dsr_task *t = &p->tasks[i];
		if (t->check_id && strcmp(t->check_id, id) == 0 && t->port == port &&
		    ((!server && !t->server) || (server && t->server && strcmp(server, t->server) == 0)))
			return t;
	}
	return NULL;
}

static size_t checks(const struct dsr_plan *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->ntasks; i++)
		n += !p->tasks[i].internal;
	return n;
}

static void build(struct dsr_config *cfg, const struct dsr_iface *ifc, struct dsr_plan *plan)
{
	char err[256];
	assert_int_equal(dsr_config_init(cfg), 0);
	assert_int_equal(dsr_config_load_string(cfg, deployment, "t.ini", err, sizeof(err)), 0);
	assert_int_equal(dsr_plan_build(cfg, ifc, 0x12345678, plan, err, sizeof(err)), 0);
}

#ifndef _WIN32
/* Does filter compile, and let frame (len bytes) through? */
static bool admits(const char *filter, const uint8_t *frame, size_t len)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	struct bpf_program prog;
	struct pcap_pkthdr h = {.caplen = (bpf_u_int32)len, .len = (bpf_u_int32)len};

	assert_non_null(dead);
	assert_int_equal(pcap_compile(dead, &prog, filter, 1, PCAP_NETMASK_UNKNOWN), 0);
	bool ok = pcap_offline_filter(&prog, &h, frame) != 0;
	pcap_freecode(&prog);
	pcap_close(dead);
	return ok;
}
#endif

/* vrrp.master and the ownership timeline see what the capture filters let
 * through: the audit's and watch's must both admit VRRP (IP protocol 112),
 * addressed to the multicast group, not to us. */
static void capture_filters_admit_vrrp(void **state)
{
	(void)state;
#ifdef _WIN32
	/* The delay-loaded wpcap.dll's import list has no pcap_offline_filter, and
	 * the filters are libpcap's either way: Linux runs this. */
	skip();
#else
	struct dsr_config cfg;
	struct dsr_iface ifc;
	struct dsr_plan plan;
	char filter[DSR_FILTER_MAX];
	uint8_t f[128];
	const uint8_t lb2[6] = {2, 0, 0, 0, 0, 3}, lb2_ip[4] = {198, 18, 0, 3}, vip[4] = {198, 18, 0, 100};
	const uint8_t udp_dst[4] = {198, 18, 0, 77};

	vantage(&ifc, "198.18.0.50", 24, NULL);
	build(&cfg, &ifc, &plan);
	size_t n = craft_vrrp(f, 3, lb2, lb2_ip, 51, 100, 100, vip, 1);
	dsr_engine_filter(&plan, filter, sizeof(filter));
	assert_true(admits(filter, f, n));
	dsr_cmd_watch_filter(&ifc, NULL, filter, sizeof(filter));
	assert_true(admits(filter, f, n));
	/* On the master, its own advertisements are what tells it is master. */
	n = craft_vrrp(f, 2, ifc.mac, lb2_ip, 51, 100, 1, vip, 1);
	assert_true(admits(filter, f, n));
	dsr_engine_filter(&plan, filter, sizeof(filter));
	assert_true(admits(filter, f, n));
	dsr_cmd_watch_filter(&ifc, NULL, filter, sizeof(filter));
	/* Still not everything: UDP to someone else stays out. */
	n = craft_eth(f, lb2, lb2, 0x0800);
	n += craft_ip(f + n, 17, lb2_ip, udp_dst, 64, 8);
	memset(f + n, 0, 8);
	assert_false(admits(filter, f, n));
	dsr_engine_filter(&plan, filter, sizeof(filter));
	assert_false(admits(filter, f, n));
	dsr_plan_free(&plan);
	dsr_config_free(&cfg);
#endif
}

/* watch reads IPv6 as it reads IPv4: Neighbor Discovery, echoes, and the TCP
 * segments that open or refuse connections (flags read behind the fixed IPv6
 * header, which libpcap's tcp[] cannot index), not the rest of the traffic. */
static void watch_filter_admits_ipv6(void **state)
{
	(void)state;
#ifdef _WIN32
	skip(); /* libpcap's filters, as capture_filters_admit_vrrp says */
#else
	struct dsr_iface ifc;
	char filter[DSR_FILTER_MAX];
	uint8_t f[160];
	const uint8_t rs2[6] = {2, 0, 0, 0, 0, 0x12}, client[6] = {2, 0, 0, 0, 0, 0x60};
	const uint8_t vip6[16] = {0x20, 0x01, 0, 2, [14] = 1}, rs2_ip6[16] = {0x20, 0x01, 0, 2, [15] = 0x12};
	const uint8_t client6[16] = {0x20, 0x01, 0, 2, [15] = 0x50};

	vantage(&ifc, "198.18.0.50", 24, NULL);
	dsr_cmd_watch_filter(&ifc, NULL, filter, sizeof(filter));
	assert_true(admits(filter, f, craft_na(f, rs2, client, vip6, client6, 255, 0x60, vip6, rs2)));
	assert_true(admits(filter, f, craft_echo6(f, rs2, client, vip6, client6, 64, 129, 1, 1)));
	assert_true(admits(filter, f, craft_tcp6(f, client, rs2, client6, vip6, 40000, 80, 1, 0, 0x02)));
	assert_true(admits(filter, f, craft_tcp6(f, rs2, client, rs2_ip6, client6, 80, 40000, 9, 2, 0x12)));
	assert_true(admits(filter, f, craft_tcp6(f, rs2, client, vip6, client6, 80, 40000, 9, 2, 0x14)));
	/* The bulk of a connection stays out. */
	assert_false(admits(filter, f, craft_tcp6(f, rs2, client, vip6, client6, 80, 40000, 9, 2, 0x10)));
	assert_false(admits(filter, f, craft_tcp6(f, rs2, client, vip6, client6, 80, 40000, 9, 2, 0x18)));
#endif
}

/* A dual-stack service: the IPv6 side over Neighbor Discovery (nd.vip once,
 * nd.rip once per server with an IPv6 address, nd.vip.claim per service and
 * per server at the MAC its IPv4 address resolves to), after every IPv4 task, whose identifiers
 * stay those of the IPv4-only plan; the capture then admits ICMPv6. */
static void dual_stack_plans_neighbor_discovery(void **state)
{
	(void)state;
	static const char *dual = "[service web]\n"
				  "vip = 198.18.0.100, 2001:2::100\n"
				  "ports = 80\n"
				  "balancer-mac = 02:00:00:00:00:02\n"
				  "servers = rs1, rs2\n"
				  "[service mail]\n"
				  "vip = 198.18.0.101, 2001:2::101\n"
				  "ports = 25\n"
				  "servers = rs1\n"
				  "[server rs1]\n"
				  "address = 198.18.0.11, 2001:2::11\n"
				  "mac = 02:00:00:00:00:11\n"
				  "[server rs2]\n"
				  "address = 198.18.0.12\n";
	static const char *v4 = "[service web]\nvip = 198.18.0.100\nports = 80\nbalancer-mac = 02:00:00:00:00:02\n"
				"servers = rs1, rs2\n[service mail]\nvip = 198.18.0.101\nports = 25\nservers = rs1\n"
				"[server rs1]\naddress = 198.18.0.11\nmac = 02:00:00:00:00:11\n"
				"[server rs2]\naddress = 198.18.0.12\n";
	struct dsr_config cfg, cfg4;
	struct dsr_iface ifc;
	struct dsr_plan plan, plan4;
	char err[256], a6[DSR_IPV6_TEXT], filter[DSR_FILTER_MAX];

	vantage(&ifc, "198.18.0.50", 24, NULL);
	assert_int_equal(dsr_config_init(&cfg), 0);
	assert_int_equal(dsr_config_load_string(&cfg, dual, "d.ini", err, sizeof(err)), 0);
	assert_int_equal(dsr_plan_build(&cfg, &ifc, 0x12345678, &plan, err, sizeof(err)), 0);
	assert_int_equal(dsr_config_init(&cfg4), 0);
	assert_int_equal(dsr_config_load_string(&cfg4, v4, "4.ini", err, sizeof(err)), 0);
	assert_int_equal(dsr_plan_build(&cfg4, &ifc, 0x12345678, &plan4, err, sizeof(err)), 0);

	assert_true(plan.neighbor_discovery);
	assert_false(plan4.neighbor_discovery);
	const struct dsr_task *t = find(&plan, "nd.vip", NULL, -1);
	assert_non_null(t);
	assert_true(t->v6 && t->is_vip && t->probe == &dsr_probe_nd);
	dsr_task_addr_text(t, a6);
	assert_string_equal(a6, "2001:2::100");
	assert_int_equal(t->nexpected, 1); /* balancer-mac */
	t = find(&plan, "nd.rip", "rs1", -1);
	assert_non_null(t);
	dsr_task_addr_text(t, a6);
	assert_string_equal(a6, "2001:2::11");
	assert_int_equal(t->nexpected, 1);
	assert_null(find(&plan, "nd.rip", "rs2", -1)); /* no IPv6 address */
	size_t nd_rips = 0, claims = 0;
	for (size_t i = 0; i < plan.ntasks; i++) {
		nd_rips += plan.tasks[i].check_id && strcmp(plan.tasks[i].check_id, "nd.rip") == 0;
		claims += plan.tasks[i].check_id && strcmp(plan.tasks[i].check_id, "nd.vip.claim") == 0;
	}
	assert_int_equal(nd_rips, 1); /* rs1 is in two services: asked once */
	assert_int_equal(claims, 5);  /* web: the service, rs1, rs2; mail: the service, rs1 */
	/* The service's watch: sends nothing, trusts the balancer set. */
	t = find(&plan, "nd.vip.claim", NULL, -1);
	assert_true(t->v6 && t->passive && t->claim_watch && t->probe == &dsr_probe_arp_claim);
	assert_int_equal(t->nexpected, 1);
	t = find(&plan, "nd.vip.claim", "rs2", -1);
	assert_true(t->v6 && t->claim_watch && t->probe == &dsr_probe_arp_claim);
	assert_int_equal(plan.tasks[t->resolver].target.s_addr, find(&plan, "arp.rip", "rs2", -1)->target.s_addr);
	/* The IPv4 tasks: the same, with the same identifiers. */
	for (size_t i = 0; i < plan4.ntasks; i++) {
		assert_string_equal(plan.tasks[i].check_id ? plan.tasks[i].check_id : "-",
				    plan4.tasks[i].check_id ? plan4.tasks[i].check_id : "-");
		assert_int_equal(plan.tasks[i].sport, plan4.tasks[i].sport);
		assert_int_equal(plan.tasks[i].seq, plan4.tasks[i].seq);
		assert_int_equal(plan.tasks[i].echo_id, plan4.tasks[i].echo_id);
	}
	for (size_t i = plan4.ntasks; i < plan.ntasks; i++)
		assert_true(plan.tasks[i].v6 || plan.tasks[i].internal);
	dsr_engine_filter(&plan, filter, sizeof(filter));
	assert_non_null(strstr(filter, "icmp6"));
	dsr_engine_filter(&plan4, filter, sizeof(filter));
	assert_null(strstr(filter, "icmp6"));
	/* Off the segment: skips with their reason. */
	dsr_plan_free(&plan);
	vantage(&ifc, "198.18.9.50", 24, NULL);
	assert_int_equal(dsr_plan_build(&cfg, &ifc, 0x12345678, &plan, err, sizeof(err)), 0);
	t = find(&plan, "nd.vip", NULL, -1);
	assert_null(t->probe);
	assert_string_equal(t->skip_reason, "not-on-segment");
	dsr_plan_free(&plan);
	dsr_plan_free(&plan4);
	dsr_config_free(&cfg);
	dsr_config_free(&cfg4);
}

/* Through the balancer to the IPv6 VIP: dsr6.return and tcp6.vip.conn per
 * port, after tcp6.vip and before the servers' IPv6 checks, from this host's
 * global IPv6 address; skips without one (no-ipv6; a link-local one is no
 * source for real connections) and on the balancer holding the IPv6 VIP. */
static void dual_stack_plans_return_and_connections(void **state)
{
	(void)state;
	static const char *dual = "[service web]\n"
				  "vip = 198.18.0.100, 2001:2::100\n"
				  "ports = 80, 443\n"
				  "balancer-mac = 02:00:00:00:00:02\n"
				  "servers = rs1\n"
				  "[server rs1]\n"
				  "address = 198.18.0.11, 2001:2::11\n";
	struct dsr_config cfg;
	struct dsr_iface ifc;
	struct dsr_plan plan;
	struct in6_addr me6, ll6, vip6;
	char err[256];

	assert_int_equal(dsr_config_init(&cfg), 0);
	assert_int_equal(dsr_config_load_string(&cfg, dual, "d.ini", err, sizeof(err)), 0);
	assert_int_equal(inet_pton(AF_INET6, "2001:2::50", &me6), 1);
	assert_int_equal(inet_pton(AF_INET6, "fe80::50", &ll6), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:2::100", &vip6), 1);
	vantage(&ifc, "198.18.0.50", 24, NULL);
	dsr_iface_add_held6(&ifc, "eth0", &ll6, ifc.mac);
	dsr_iface_add_held6(&ifc, "eth0", &me6, ifc.mac);
	assert_int_equal(dsr_plan_build(&cfg, &ifc, 0x12345678, &plan, err, sizeof(err)), 0);
	const struct dsr_task *nd = find(&plan, "nd.vip", NULL, -1);
	for (int p = 80; p <= 443; p += 363) {
		const struct dsr_task *ret = find(&plan, "dsr6.return", NULL, p);
		const struct dsr_task *conn = find(&plan, "tcp6.vip.conn", NULL, p);
		assert_non_null(ret);
		assert_non_null(conn);
		assert_true(ret->probe == &dsr_probe_dsr_return && ret->v6 && ret->is_vip && !ret->direct);
		assert_int_equal(ret->resolver, (size_t)(nd - plan.tasks));
		assert_int_equal(ret->nexpected, 1); /* balancer-mac */
		assert_memory_equal(&ret->target6, &vip6, 16);
		assert_true(ret->sport >= plan.sport_first && ret->sport <= plan.sport_last);
		assert_true(conn->probe == &dsr_probe_tcp_conn && conn->v6 && conn->is_vip);
		assert_memory_equal(&conn->target6, &vip6, 16);
		assert_int_equal(conn->nexthop.s_addr, cfg.services[0].vip.s_addr); /* on the segment */
		assert_true(conn->sport >= plan.conn_first && conn->sport + DSR_CONN_PORTS - 1 <= plan.conn_last);
		/* Plan order: tcp6.vip, dsr6.return, tcp6.vip.conn, then the servers. */
		assert_true(find(&plan, "tcp6.vip", NULL, 443) < ret && ret < conn);
		assert_true(conn < find(&plan, "nd.vip.claim", "rs1", -1));
	}
	/* The four connection tasks have blocks of their own; IPv4's are those of
	 * the same service without its IPv6 VIP. */
	assert_int_equal(plan.conn_last - plan.conn_first + 1, 4 * DSR_CONN_PORTS);
	assert_memory_equal(&plan.me.ip6, &me6, 16);
	struct dsr_config cfg4;
	struct dsr_plan plan4;
	assert_int_equal(dsr_config_init(&cfg4), 0);
	assert_int_equal(dsr_config_load_string(&cfg4, "[service web]\nvip = 198.18.0.100\nports = 80, 443\n"
						 "balancer-mac = 02:00:00:00:00:02\nservers = rs1\n"
						 "[server rs1]\naddress = 198.18.0.11\n", "4.ini", err, sizeof(err)), 0);
	assert_int_equal(dsr_plan_build(&cfg4, &ifc, 0x12345678, &plan4, err, sizeof(err)), 0);
	for (int p = 80; p <= 443; p += 363)
		assert_int_equal(find(&plan, "tcp.vip.conn", NULL, p)->sport, find(&plan4, "tcp.vip.conn", NULL, p)->sport);
	assert_int_equal(plan.conn_last, plan4.conn_last);
	dsr_plan_free(&plan4);
	dsr_config_free(&cfg4);
	dsr_plan_free(&plan);

	/* No IPv6 address: nothing to probe from. A link-local one: the SYN goes,
	 * the connections do not. */
	for (int ll = 0; ll < 2; ll++) {
		vantage(&ifc, "198.18.0.50", 24, NULL);
		if (ll)
			dsr_iface_add_held6(&ifc, "eth0", &ll6, ifc.mac);
		assert_int_equal(dsr_plan_build(&cfg, &ifc, 0x12345678, &plan, err, sizeof(err)), 0);
		const struct dsr_task *ret = find(&plan, "dsr6.return", NULL, 80);
		const struct dsr_task *conn = find(&plan, "tcp6.vip.conn", NULL, 80);
		assert_true(ll ? ret->probe == &dsr_probe_dsr_return : ret->probe == NULL);
		if (!ll)
			assert_string_equal(ret->skip_reason, "no-ipv6");
		assert_null(conn->probe);
		assert_string_equal(conn->skip_reason, "no-ipv6");
		assert_non_null(strstr(conn->skip_summary, ll ? "link-local" : "no IPv6 address"));
		assert_non_null(find(&plan, "tcp.vip.conn", NULL, 80)->probe);
		dsr_plan_free(&plan);
	}

	/* The balancer, holding the IPv6 VIP (the IPv4 one elsewhere). */
	vantage(&ifc, "198.18.0.2", 24, NULL);
	dsr_iface_add_held6(&ifc, "eth0", &me6, ifc.mac);
	dsr_iface_add_held6(&ifc, "eth0", &vip6, ifc.mac);
	assert_int_equal(dsr_plan_build(&cfg, &ifc, 0x12345678, &plan, err, sizeof(err)), 0);
	for (int p = 80; p <= 443; p += 363) {
		assert_string_equal(find(&plan, "dsr6.return", NULL, p)->skip_reason, "vip-is-local");
		assert_string_equal(find(&plan, "tcp6.vip.conn", NULL, p)->skip_reason, "vip-is-local");
		assert_non_null(find(&plan, "tcp.vip.conn", NULL, p)->probe);
	}
	dsr_plan_free(&plan);
	dsr_config_free(&cfg);
}

/* vrrp.master: one watching task per service with a vrrp-id, wherever the
 * VIP's segment is reachable (on the balancer too: its peer's advertisements,
 * or its own); a skip from another segment; none without a vrrp-id. */
static void vrrp_master_planned(void **state)
{
	(void)state;
	static const char *pair = "[service web]\nvip = 198.18.0.100\nports = 80\n"
				  "balancer = 198.18.0.2, 198.18.0.3\nvrrp-id = 51\nservers = rs1\n"
				  "[service mail]\nvip = 198.18.0.101\nports = 25\nservers = rs1\n"
				  "[server rs1]\naddress = 198.18.0.11\n";
	const char *where[] = {"198.18.0.50", "198.18.0.2", "203.0.113.5"};
	for (int k = 0; k < 3; k++) {
		struct dsr_config cfg;
		struct dsr_iface ifc;
		struct dsr_plan plan;
		char err[256];
		vantage(&ifc, where[k], 24, k == 1 ? "198.18.0.100" : NULL);
		if (k == 2) {
			ifc.has_gateway = true;
			dsr_parse_ipv4("203.0.113.1", &ifc.gateway);
		}
		assert_int_equal(dsr_config_init(&cfg), 0);
		assert_int_equal(dsr_config_load_string(&cfg, pair, "t.ini", err, sizeof(err)), 0);
		assert_int_equal(dsr_plan_build(&cfg, &ifc, 1, &plan, err, sizeof(err)), 0);
		size_t n = 0;
		for (size_t i = 0; i < plan.ntasks; i++)
			n += plan.tasks[i].check_id && strcmp(plan.tasks[i].check_id, "vrrp.master") == 0;
		assert_int_equal(n, 1);
		const struct dsr_task *t = find(&plan, "vrrp.master", NULL, -1);
		assert_non_null(t);
		assert_string_equal(t->service, "web");
		if (k < 2) {
			assert_ptr_equal(t->probe, &dsr_probe_vrrp);
			assert_true(t->passive);
			assert_ptr_equal(t->svc, &cfg.services[0]);
		} else {
			assert_null(t->probe);
			assert_string_equal(t->skip_reason, "not-on-segment");
		}
		dsr_plan_free(&plan);
		dsr_config_free(&cfg);
	}
}

static void client_on_segment(void **state)
{
	(void)state;
	struct dsr_config cfg;
	struct dsr_iface ifc;
	struct dsr_plan plan;
	vantage(&ifc, "198.18.0.50", 24, NULL);
	build(&cfg, &ifc, &plan);
	assert_true(plan.on_segment);
	assert_false(plan.is_balancer);
	/* web: arp.vip, arp.vip.claim, icmp.vip, tcp.vip*2, dsr.return*2, tcp.vip.conn*2;
	 * per server (rs1, rs2): arp.rip, arp.vip.claim, icmp.vip.direct, tcp.vip.direct*2,
	 * icmp.rip, tcp.rip*2;
	 * mail: the same 9 for its VIP, and for rs2 only what is new: arp.vip.claim,
	 * icmp.vip.direct, tcp.vip.direct*2 (its own VIP), tcp.rip 25 (80 is planned). */
	assert_int_equal(checks(&plan), 9 + 8 + 8 + 9 + 5);
	/* Per server, the direct probes come before the real-address ones. */
	assert_true(find(&plan, "tcp.vip.direct", "rs1", 443) < find(&plan, "icmp.rip", "rs1", -1));
	const struct dsr_task *direct = find(&plan, "tcp.vip.direct", "rs1", 80);
	assert_true(direct->direct);
	assert_int_equal(direct->target.s_addr, find(&plan, "arp.vip", NULL, -1)->target.s_addr);
	assert_ptr_equal(&plan.tasks[direct->resolver], find(&plan, "arp.rip", "rs1", -1));
	/* rs1's MAC is configured: used when ARP stays silent. rs2's is not. */
	assert_true(direct->has_fallback_mac);
	assert_false(find(&plan, "tcp.vip.direct", "rs2", 80)->has_fallback_mac);
	assert_true(find(&plan, "arp.vip.claim", NULL, -1)->passive);
	assert_false(find(&plan, "arp.vip.claim", "rs1", -1)->passive);
	assert_int_equal(find(&plan, "dsr.return", NULL, 443)->nexpected, 1);
	const struct dsr_task *arp = find(&plan, "arp.vip", NULL, -1);
	assert_ptr_equal(arp->probe, &dsr_probe_arp);
	assert_int_equal(arp->nexpected, 1);
	assert_false(arp->local_owner);
	/* IP probes to the VIP go to whoever answers ARP for it. */
	const struct dsr_task *tcp = find(&plan, "tcp.vip", NULL, 443);
	assert_ptr_equal(&plan.tasks[tcp->resolver], arp);
	const struct dsr_task *rip = find(&plan, "tcp.rip", "rs1", 80);
	assert_ptr_equal(&plan.tasks[rip->resolver], find(&plan, "arp.rip", "rs1", -1));
	assert_int_equal(find(&plan, "arp.rip", "rs1", -1)->nexpected, 1);
	assert_int_equal(find(&plan, "arp.rip", "rs2", -1)->nexpected, 0);
	/* Every TCP task has its own source port inside the filter's range. */
	for (size_t i = 0; i < plan.ntasks; i++)
		for (size_t k = i + 1; k < plan.ntasks; k++)
			if (plan.tasks[i].port >= 0 && plan.tasks[k].port >= 0 && plan.tasks[i].probe &&
			    plan.tasks[k].probe)
				assert_int_not_equal(plan.tasks[i].sport, plan.tasks[k].sport);
	for (size_t i = 0; i < plan.ntasks; i++)
		if (plan.tasks[i].probe == &dsr_probe_tcp_syn) {
			assert_true(plan.tasks[i].sport >= plan.sport_first);
			assert_true(plan.tasks[i].sport <= plan.sport_last);
		}
	/* Connections: a block of ports each, aligned, inside the range and apart
	 * from every SYN's port; the kernel finds its own next hop. */
	const struct dsr_task *conn = find(&plan, "tcp.vip.conn", NULL, 443);
	assert_ptr_equal(conn->probe, &dsr_probe_tcp_conn);
	assert_int_equal(conn->resolver, DSR_NO_TASK);
	assert_int_equal(conn->nexthop.s_addr, conn->target.s_addr);
	for (size_t i = 0; i < plan.ntasks; i++) {
		const struct dsr_task *t = &plan.tasks[i];
		if (t->probe != &dsr_probe_tcp_conn)
			continue;
		assert_int_equal(t->sport % DSR_CONN_PORTS, 0);
		assert_true(t->sport >= plan.conn_first);
		assert_true(t->sport + DSR_CONN_PORTS - 1 <= plan.conn_last);
		assert_true(t->sport >= plan.sport_first);
		assert_true(t->sport + DSR_CONN_PORTS - 1 <= plan.sport_last);
		for (size_t k = 0; k < plan.ntasks; k++)
			if (k != i && plan.tasks[k].port >= 0 && plan.tasks[k].probe)
				assert_int_not_equal(DSR_CONN_BLOCK(plan.tasks[k].sport), t->sport);
	}
	dsr_plan_free(&plan);
	dsr_config_free(&cfg);
}

static void on_the_balancer(void **state)
{
	(void)state;
	struct dsr_config cfg;
	struct dsr_iface ifc;
	struct dsr_plan plan;
	vantage(&ifc, "198.18.0.2", 24, "198.18.0.100");
	/* The kernel's route to a local VIP names the VIP as source: never probe from it. */
	struct in_addr a = ifc.addrs[0], m = ifc.masks[0];
	ifc.addrs[0] = ifc.addrs[1];
	ifc.masks[0] = ifc.masks[1];
	ifc.addrs[1] = a;
	ifc.masks[1] = m;
	build(&cfg, &ifc, &plan);
	assert_true(plan.is_balancer);
	assert_int_equal(plan.me.ip.s_addr, a.s_addr);
	const struct dsr_task *t = find(&plan, "tcp.vip", NULL, 80);
	assert_null(t->probe);
	assert_string_equal(t->skip_reason, "vip-is-local");
	assert_string_equal(find(&plan, "icmp.vip", NULL, -1)->skip_reason, "vip-is-local");
	assert_string_equal(find(&plan, "dsr.return", NULL, 443)->skip_reason, "vip-is-local");
	assert_string_equal(find(&plan, "tcp.vip.conn", NULL, 443)->skip_reason, "vip-is-local");
	/* Only mail's VIP is connected to from here: one block per port. */
	assert_int_equal(plan.conn_last - plan.conn_first + 1, 2 * DSR_CONN_PORTS);
	assert_true(find(&plan, "arp.vip", NULL, -1)->local_owner);
	/* The balancer tests every server the way it forwards to them. */
	assert_non_null(find(&plan, "tcp.vip.direct", "rs2", 443)->probe);
	/* The other VIP is not ours: probed as from a client. */
	const struct dsr_task *mail = NULL;
	for (size_t i = 0; i < plan.ntasks; i++)
		if (plan.tasks[i].check_id && strcmp(plan.tasks[i].check_id, "tcp.vip") == 0 &&
		    strcmp(plan.tasks[i].service, "mail") == 0)
			mail = &plan.tasks[i];
	assert_non_null(mail->probe);
	dsr_plan_free(&plan);
	dsr_config_free(&cfg);
}

static void behind_a_router(void **state)
{
	(void)state;
	struct dsr_config cfg;
	struct dsr_iface ifc;
	struct dsr_plan plan;
	vantage(&ifc, "198.19.5.7", 24, NULL);
	ifc.has_gateway = true;
	dsr_parse_ipv4("198.19.5.1", &ifc.gateway);
	build(&cfg, &ifc, &plan);
	assert_false(plan.on_segment);
	assert_string_equal(find(&plan, "arp.vip", NULL, -1)->skip_reason, "not-on-segment");
	assert_string_equal(find(&plan, "arp.rip", "rs1", -1)->skip_reason, "not-on-segment");
	assert_string_equal(find(&plan, "tcp.vip.direct", "rs1", 80)->skip_reason, "not-on-segment");
	assert_string_equal(find(&plan, "arp.vip.claim", "rs2", -1)->skip_reason, "not-on-segment");
	assert_string_equal(find(&plan, "dsr.return", NULL, 80)->skip_reason, "not-on-segment");
	/* Connections run from here too, judged knowing their next hop is the router. */
	const struct dsr_task *conn = find(&plan, "tcp.vip.conn", NULL, 80);
	assert_non_null(conn->probe);
	assert_int_equal(conn->nexthop.s_addr, ifc.gateway.s_addr);
	/* Everything IP goes through the gateway, resolved by one internal ARP task. */
	const struct dsr_task *t = find(&plan, "tcp.rip", "rs2", 25);
	const struct dsr_task *gw = &plan.tasks[t->resolver];
	assert_true(gw->internal);
	assert_int_equal(gw->target.s_addr, ifc.gateway.s_addr);
	assert_ptr_equal(&plan.tasks[find(&plan, "icmp.vip", NULL, -1)->resolver], gw);
	size_t internal = 0;
	for (size_t i = 0; i < plan.ntasks; i++)
		internal += plan.tasks[i].internal;
	assert_int_equal(internal, 1);
	dsr_plan_free(&plan);
	dsr_config_free(&cfg);
}

/* --only-server: one server's checks, nothing of the service or the others. */
static void only_one_server(void **state)
{
	(void)state;
	struct dsr_config cfg;
	struct dsr_iface ifc;
	struct dsr_plan plan;
	char err[256];
	vantage(&ifc, "198.18.0.2", 24, "198.18.0.100");
	assert_int_equal(dsr_config_init(&cfg), 0);
	assert_int_equal(dsr_config_load_string(&cfg, deployment, "t.ini", err, sizeof(err)), 0);
	snprintf(cfg.only_server, sizeof(cfg.only_server), "rs1");
	assert_int_equal(dsr_plan_build(&cfg, &ifc, 1, &plan, err, sizeof(err)), 0);
	for (size_t i = 0; i < plan.ntasks; i++)
		if (!plan.tasks[i].internal) {
			assert_non_null(plan.tasks[i].server);
			assert_string_equal(plan.tasks[i].server, "rs1");
		}
	assert_non_null(find(&plan, "tcp.vip.direct", "rs1", 443));
	assert_null(find(&plan, "arp.vip", NULL, -1));
	dsr_plan_free(&plan);
	dsr_config_free(&cfg);
}

/* A deployment on VLAN 20, audited from a trunk that has no address there. */
static const char *vlan_deployment = "[service web]\n"
				     "vip = 198.18.20.100\n"
				     "ports = 80\n"
				     "balancer-mac = 02:00:00:00:20:02\n"
				     "vlan = 20\n"
				     "vlan-priority = 5\n"
				     "source = 198.18.20.60\n"
				     "servers = rs1\n"
				     "[server rs1]\n"
				     "address = 198.18.20.11\n"
				     "mac = 02:00:00:00:20:11\n";

static int build_text(struct dsr_config *cfg, const char *text, const struct dsr_iface *ifc,
		      struct dsr_plan *plan, char *err, size_t errlen)
{
	assert_int_equal(dsr_config_init(cfg), 0);
	assert_int_equal(dsr_config_load_string(cfg, text, "t.ini", err, errlen), 0);
	return dsr_plan_build(cfg, ifc, 0x12345678, plan, err, errlen);
}

/* Every probe of a VLAN service leaves tagged from its source; the VLAN is a
 * segment of its own (on-link, no gateway); this host's TCP cannot go there. */
static void vlan_service_probed_tagged(void **state)
{
	(void)state;
	struct dsr_config cfg;
	struct dsr_iface ifc;
	struct dsr_plan plan;
	struct dsr_observations obs = {0};
	char err[256];
	uint8_t f[128];

	vantage(&ifc, "198.18.0.50", 24, NULL);
	assert_int_equal(build_text(&cfg, vlan_deployment, &ifc, &plan, err, sizeof(err)), 0);
	assert_int_equal(plan.ntagged, 1);
	assert_int_equal(plan.tagged[0].vlan, 20);
	assert_int_equal(plan.tagged[0].vlan_pcp, 5);
	assert_true(plan.tagged[0].answers_arp);
	assert_int_equal(plan.on_segment, true);
	const struct dsr_task *conn = find(&plan, "tcp.vip.conn", NULL, 80);
	assert_non_null(conn);
	assert_null(conn->probe);
	assert_string_equal(conn->skip_reason, "tagged");
	assert_non_null(find(&plan, "tcp.vip.direct", "rs1", 80)->probe);
	assert_int_equal(dsr_engine_prepare(&plan, &obs), 0);
	for (size_t i = 0; i < plan.ntasks; i++) {
		const struct dsr_task *t = &plan.tasks[i];
		assert_int_equal(t->vantage, 1);
		if (!t->probe || !t->probe->build || t->passive)
			continue;
		/* Every frame it builds is tagged 20, priority 5, from the source. */
		struct dsr_task_state *s = &obs.state[i];
		s->dst_mac_known = true;
		memset(s->dst_mac, 0xff, 6);
		int n = t->probe->build(t, s, dsr_plan_me(&plan, t), f, sizeof(f), err, sizeof(err));
		struct dsr_frame d;
		assert_true(n > 0);
		assert_int_equal(dsr_decode_ethernet(f, (size_t)n, &d), DSR_FRAME_OK);
		assert_int_equal(d.ntags, 1);
		assert_int_equal(d.vlan, 20);
		assert_int_equal(d.vlan_pcp, 5);
		if (d.l3 == DSR_L3_IPV4)
			assert_int_equal(d.ip.src.s_addr, plan.tagged[0].ip.s_addr);
	}
	dsr_observations_free(&obs);
	dsr_plan_free(&plan);
	dsr_config_free(&cfg);
}

/* A dual-stack service on a trunk: Neighbor Discovery is probed tagged (from
 * ::, it needs no source), the IPv6 IP checks are skipped no-ipv6 saying why
 * (the trunk's own IPv6 address is not the VLAN's, so not "give it one"). */
static void vlan_dual_stack_from_trunk(void **state)
{
	(void)state;
	struct dsr_config cfg;
	struct dsr_iface ifc;
	struct dsr_plan plan;
	struct in6_addr trunk6;
	char err[256], text[512];

	vantage(&ifc, "198.18.0.50", 24, NULL);
	assert_int_equal(dsr_parse_ipv6("2001:2:1::60", &trunk6), 0);
	dsr_iface_add_held6(&ifc, "eth0", &trunk6, ifc.mac);
	snprintf(text, sizeof(text),
		 "[service web]\nvip = 198.18.20.100, 2001:2::100\nports = 80\nbalancer-mac = 02:00:00:00:20:02\n"
		 "vlan = 20\nsource = 198.18.20.60\nservers = rs1\n[server rs1]\n"
		 "address = 198.18.20.11, 2001:2::11\nmac = 02:00:00:00:20:11\n");
	assert_int_equal(build_text(&cfg, text, &ifc, &plan, err, sizeof(err)), 0);
	assert_non_null(find(&plan, "nd.vip", NULL, -1)->probe);
	assert_non_null(find(&plan, "nd.rip", "rs1", -1)->probe);
	static const struct {
		const char *id, *server;
		int port;
	} skipped[] = {{"icmp6.vip", NULL, -1}, {"tcp6.vip", NULL, 80}, {"dsr6.return", NULL, 80},
		       {"icmp6.vip.direct", "rs1", -1}, {"tcp6.rip", "rs1", 80}};
	for (size_t i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++) {
		const struct dsr_task *t = find(&plan, skipped[i].id, skipped[i].server, skipped[i].port);
		assert_non_null(t);
		assert_null(t->probe);
		assert_string_equal(t->skip_reason, "no-ipv6");
		assert_non_null(strstr(t->skip_summary, "tagged from a trunk"));
	}
	assert_string_equal(find(&plan, "tcp6.vip.conn", NULL, 80)->skip_reason, "tagged");
	dsr_plan_free(&plan);
	dsr_config_free(&cfg);
}

/* Only the service's own VLAN counts: rs1's address answered from VLAN 30 (or
 * untagged) is another host's, never a conflict, never an answer. */
static void vlan_other_vlans_never_count(void **state)
{
	(void)state;
	static const uint8_t rs1[6] = {2, 0, 0, 0, 0x20, 0x11}, other[6] = {2, 0, 0, 0, 0x30, 0x99};
	static const uint8_t rs1_ip[4] = {198, 18, 20, 11}, me_ip[4] = {198, 18, 20, 60};
	struct dsr_config cfg;
	struct dsr_iface ifc;
	struct dsr_plan plan;
	struct dsr_observations obs = {0};
	struct timeval ts = {1000, 0};
	char err[256];
	uint8_t f[128];
	size_t n, nchecks;

	vantage(&ifc, "198.18.0.50", 24, NULL);
	assert_int_equal(build_text(&cfg, vlan_deployment, &ifc, &plan, err, sizeof(err)), 0);
	const struct dsr_task *arp = find(&plan, "arp.rip", "rs1", -1);
	size_t arp_i = (size_t)(arp - plan.tasks);
	assert_int_equal(dsr_engine_prepare(&plan, &obs), 0);
	obs.state[arp_i].attempts = 1;
	/* VLAN 30's host with rs1's address, tagged 30; and one untagged. */
	n = push_tag(f, craft_arp(f, 2, other, rs1_ip, plan.me.mac, me_ip), 0x8100, 30);
	dsr_engine_feed(&plan, f, n, &ts, false, &obs);
	n = craft_arp(f, 2, other, rs1_ip, plan.me.mac, me_ip);
	dsr_engine_feed(&plan, f, n, &ts, false, &obs);
	/* QinQ with 20 inside: another provider's customer VLAN 20, not ours. */
	n = push_tag(f, push_tag(f, craft_arp(f, 2, other, rs1_ip, plan.me.mac, me_ip), 0x8100, 20),
		     0x88a8, 7);
	dsr_engine_feed(&plan, f, n, &ts, false, &obs);
	assert_int_equal(obs.state[arp_i].nmatched, 0);
	/* rs1 itself, in VLAN 20 (priority bits set): the one answer. */
	n = push_tag(f, craft_arp(f, 2, rs1, rs1_ip, plan.me.mac, me_ip), 0x8100, 0x6000 | 20);
	dsr_engine_feed(&plan, f, n, &ts, false, &obs);
	assert_int_equal(obs.state[arp_i].nmatched, 1);
	struct dsr_check *c = dsr_verdicts(&cfg, &plan, &obs, &nchecks);
	assert_non_null(c);
	for (size_t i = 0; i < nchecks; i++) {
		assert_int_equal(c[i].vlan, 20);
		if (strcmp(c[i].id, "arp.rip") == 0)
			assert_int_equal(c[i].status, DSR_PASS);
	}
	free(c);
	dsr_observations_free(&obs);
	dsr_plan_free(&plan);
	dsr_config_free(&cfg);
}

/* An untagged service on a trunk: a tagged answer is another VLAN's (the
 * false conflict of arping on a trunk, iputils#415). */
static void untagged_service_ignores_tagged_frames(void **state)
{
	(void)state;
	static const uint8_t dup[6] = {2, 0, 0, 0, 0, 0x99}, rs1[6] = {2, 0, 0, 0, 0, 0x11};
	static const uint8_t rs1_ip[4] = {198, 18, 0, 11}, me_ip[4] = {198, 18, 0, 50};
	struct dsr_config cfg;
	struct dsr_iface ifc;
	struct dsr_plan plan;
	struct dsr_observations obs = {0};
	struct timeval ts = {1000, 0};
	uint8_t f[128];
	size_t n;

	vantage(&ifc, "198.18.0.50", 24, NULL);
	build(&cfg, &ifc, &plan);
	size_t arp_i = (size_t)(find(&plan, "arp.rip", "rs1", -1) - plan.tasks);
	assert_int_equal(dsr_engine_prepare(&plan, &obs), 0);
	n = push_tag(f, craft_arp(f, 2, dup, rs1_ip, plan.me.mac, me_ip), 0x8100, 30);
	dsr_engine_feed(&plan, f, n, &ts, false, &obs);
	assert_int_equal(obs.state[arp_i].nmatched, 0);
	/* A priority-tagged frame (VLAN 0) is untagged: it counts. */
	n = push_tag(f, craft_arp(f, 2, rs1, rs1_ip, plan.me.mac, me_ip), 0x8100, 0xa000);
	dsr_engine_feed(&plan, f, n, &ts, false, &obs);
	assert_int_equal(obs.state[arp_i].nmatched, 1);
	dsr_observations_free(&obs);
	dsr_plan_free(&plan);
	dsr_config_free(&cfg);
}

/* Where a VLAN cannot be reached, the plan says why instead of guessing. */
static void vlan_vantage_errors(void **state)
{
	(void)state;
	struct dsr_config cfg;
	struct dsr_iface ifc;
	struct dsr_plan plan;
	char err[256], text[1024];

	/* No source and no address of this host on VLAN 20. */
	vantage(&ifc, "198.18.0.50", 24, NULL);
	snprintf(text, sizeof(text), "%s", vlan_deployment);
	*strstr(text, "source") = ';';
	assert_int_equal(build_text(&cfg, text, &ifc, &plan, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "service 'web' is on VLAN 20, where eth0 has no address: give source = ADDRESS"));
	dsr_config_free(&cfg);
	/* ... unless a VLAN 20 device stacked on the trunk has one: no ARP answering then. */
	snprintf(ifc.stacked[0].name, sizeof(ifc.stacked[0].name), "eth0.20");
	dsr_parse_ipv4("198.18.20.7", &ifc.stacked[0].addr);
	ifc.stacked[0].vlan = 20;
	ifc.nstacked = 1;
	assert_int_equal(build_text(&cfg, text, &ifc, &plan, err, sizeof(err)), 0);
	assert_int_equal(plan.ntagged, 1);
	assert_string_equal(inet_ntoa(plan.tagged[0].ip), "198.18.20.7");
	assert_false(plan.tagged[0].answers_arp);
	dsr_plan_free(&plan);
	dsr_config_free(&cfg);
	/* An interface whose own address is in the VLAN's subnet (a Windows VLAN
	 * adapter, whose tag Npcap shows): that address, answered by dsrcheck too. */
	ifc.nstacked = 0;
	vantage(&ifc, "198.18.20.50", 24, NULL);
	assert_int_equal(build_text(&cfg, text, &ifc, &plan, err, sizeof(err)), 0);
	assert_string_equal(inet_ntoa(plan.tagged[0].ip), "198.18.20.50");
	assert_true(plan.tagged[0].answers_arp);
	dsr_plan_free(&plan);
	dsr_config_free(&cfg);
	/* From the sub-interface of VLAN 20 itself: untagged, as today. */
	vantage(&ifc, "198.18.20.50", 24, NULL);
	ifc.vlan = 20;
	*strstr(text, ";") = 's';
	*strstr(text, "source = ") = ';';
	assert_int_equal(build_text(&cfg, text, &ifc, &plan, err, sizeof(err)), 0);
	assert_int_equal(plan.ntagged, 0);
	assert_int_equal(plan.iface_vlan, 20);
	assert_non_null(find(&plan, "tcp.vip.conn", NULL, 80)->probe);
	dsr_plan_free(&plan);
	dsr_config_free(&cfg);
	/* From a sub-interface of another VLAN: no way there. */
	ifc.vlan = 30;
	assert_int_equal(build_text(&cfg, text, &ifc, &plan, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is on VLAN 20, but eth0 is a sub-interface of VLAN 30"));
	dsr_config_free(&cfg);
}

#ifndef _WIN32
/* A tag still in the frame (BSD, a saved file) passes the audit's filter when
 * the plan probes a VLAN, and the watch's always. */
static void capture_filters_admit_tagged_frames(void **state)
{
	(void)state;
	static const uint8_t rs1[6] = {2, 0, 0, 0, 0x20, 0x11};
	static const uint8_t rs1_ip[4] = {198, 18, 20, 11}, me_ip[4] = {198, 18, 20, 60};
	static const uint8_t vip[4] = {198, 18, 20, 100};
	struct dsr_config cfg;
	struct dsr_iface ifc;
	struct dsr_plan plan;
	char err[256], filter[DSR_FILTER_MAX];
	uint8_t f[128];
	size_t n;

	vantage(&ifc, "198.18.0.50", 24, NULL);
	assert_int_equal(build_text(&cfg, vlan_deployment, &ifc, &plan, err, sizeof(err)), 0);
	dsr_engine_filter(&plan, filter, sizeof(filter));
	n = push_tag(f, craft_arp(f, 2, rs1, rs1_ip, plan.me.mac, me_ip), 0x8100, 20);
	assert_true(admits(filter, f, n));
	n = push_tag(f, craft_tcp(f, rs1, plan.me.mac, vip, me_ip, 64, 80,
				  find(&plan, "tcp.vip", NULL, 80)->sport, 1, 2, 0x12), 0x8100, 20);
	assert_true(admits(filter, f, n));
	/* A SYN-ACK to someone else's address, tagged: not ours. */
	n = push_tag(f, craft_tcp(f, rs1, plan.me.mac, vip, rs1_ip, 64, 80,
				  find(&plan, "tcp.vip", NULL, 80)->sport, 1, 2, 0x12), 0x8100, 20);
	assert_false(admits(filter, f, n));
	dsr_cmd_watch_filter(&ifc, NULL, filter, sizeof(filter));
	n = push_tag(f, craft_arp(f, 2, rs1, rs1_ip, plan.me.mac, me_ip), 0x8100, 30);
	assert_true(admits(filter, f, n));
	/* During watch's audits: also the ACK of a FIN to one of our connections'
	 * ports, untagged (the `vlan` half must come last, or it moves this one). */
	dsr_cmd_watch_filter(&ifc, "tcp and dst host 198.18.20.60 and dst portrange 1024-1055", filter,
			     sizeof(filter));
	n = craft_tcp(f, rs1, plan.me.mac, vip, me_ip, 64, 80, 1030, 5, 6, 0x10);
	assert_true(admits(filter, f, n));
	n = craft_tcp(f, rs1, plan.me.mac, vip, me_ip, 64, 80, 2000, 5, 6, 0x10);
	assert_false(admits(filter, f, n));
	dsr_plan_free(&plan);
	dsr_config_free(&cfg);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(capture_filters_admit_vrrp),
		cmocka_unit_test(watch_filter_admits_ipv6),
		cmocka_unit_test(vrrp_master_planned),
		cmocka_unit_test(client_on_segment),
		cmocka_unit_test(on_the_balancer),
		cmocka_unit_test(behind_a_router),
		cmocka_unit_test(only_one_server),
		cmocka_unit_test(vlan_service_probed_tagged),
		cmocka_unit_test(vlan_dual_stack_from_trunk),
		cmocka_unit_test(vlan_other_vlans_never_count),
		cmocka_unit_test(untagged_service_ignores_tagged_frames),
		cmocka_unit_test(vlan_vantage_errors),
		cmocka_unit_test(dual_stack_plans_neighbor_discovery),
		cmocka_unit_test(dual_stack_plans_return_and_connections),
#ifndef _WIN32
		cmocka_unit_test(capture_filters_admit_tagged_frames),
#endif
	};
	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
