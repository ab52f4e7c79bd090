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
#include "golden.h"

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

#define WEB "[service web]\nvip = 198.18.0.100\nports = 80\n"
#define SERVERS                                                                                    \
	"servers = rs1, rs2\n"                                                                     \
	"[server rs1]\n"                                                                           \
	"address = 198.18.0.11\n"                                                                  \
	"mac = 02:00:00:00:00:11\n"                                                                \
	"[server rs2]\n"                                                                           \
	"address = 198.18.0.12\n"

static const char *lab = WEB "balancer-mac = 02:00:00:00:00:02\n" SERVERS;
/* The same without balancer-mac: nothing tells the balancer's MAC. */
static const char *unverified = WEB SERVERS;

struct state {
	struct dsr_config cfg;
	struct dsr_passive *p;
	unsigned long frame;
	int alerts, infos;
	char last_alert[256], last_info[256];
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
	/* rs2 answers with its real address: a source rewrite. */
	feed(s, f, craft_tcp(f, rs2_mac, client_mac, rs2_ip, client_ip, 128, 80, 40001, 9, 2, 0x12));
	/* A reply to a flow never seen is no evidence. */
	feed(s, f, craft_tcp(f, rs1_mac, client_mac, rs1_ip, client_ip, 64, 80, 40009, 9, 2, 0x12));
	size_t n;
	struct dsr_check *c = dsr_passive_verdicts(s->p, &n);
	const struct dsr_check *t = check(c, n, "tcp.vip.direct", "rs2", 80);
	assert_string_equal(t->reason, "wrong-source");
	assert_non_null(strstr(t->remedy, "rewrites the source"));
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

static struct dsr_passive *reload(struct state *s, const char *ini)
{
	char err[256];
	dsr_passive_free(s->p);
	s->p = NULL; /* a failed load leaves teardown nothing to free twice */
	dsr_config_free(&s->cfg);
	assert_int_equal(dsr_config_init(&s->cfg), 0);
	if (ini && dsr_config_load_string(&s->cfg, ini, "t.ini", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	s->p = dsr_passive_new(&s->cfg);
	assert_non_null(s->p);
	return s->p;
}

/* A balancer named by its address alone joins the balancer set when the
 * capture shows its MAC, from then on: watch alerts on the VIP claims of
 * a MAC outside the set as they happen, never on the balancer's. */
static void balancer_learned_from_capture(void **state)
{
	struct state *s = *state;
	const uint8_t lb_ip[4] = {198, 18, 0, 2};
	uint8_t f[128];

	reload(s, WEB "balancer = 198.18.0.2\n" SERVERS);
	dsr_passive_on_alert(s->p, on_alert, s);
	feed(s, f, craft_arp(f, 2, lb_mac, lb_ip, client_mac, client_ip));
	feed(s, f, craft_arp(f, 2, lb_mac, vip, client_mac, client_ip));
	assert_int_equal(s->alerts, 0);
	feed(s, f, craft_arp(f, 2, odd_mac, vip, client_mac, client_ip));
	assert_int_equal(s->alerts, 1);
	assert_non_null(strstr(s->last_alert, "vip-claim 198.18.0.100"));
}

/* The single owner of the VIP is named and said to be unverified, never
 * called the balancer; the fix says how to verify it. */
static void unverified_owner(void **state)
{
	struct state *s = *state;
	uint8_t f[128];
	size_t n;
	reload(s, unverified);
	feed(s, f, craft_arp(f, 2, lb_mac, vip, client_mac, client_ip));
	feed(s, f, craft_arp(f, 2, lb_mac, vip, client_mac, client_ip));
	feed(s, f, craft_arp(f, 2, rs1_mac, rs1_ip, client_mac, client_ip));
	struct dsr_check *c = dsr_passive_verdicts(s->p, &n);
	const struct dsr_check *v = check(c, n, "arp.vip", NULL, -1);
	assert_int_equal(v->status, DSR_WARN);
	assert_string_equal(v->reason, "unverified");
	assert_non_null(strstr(v->summary, "02:00:00:00:00:02 (2 ARP frames), not verified"));
	assert_non_null(strstr(v->remedy, "balancer-mac = 02:00:00:00:00:02"));
	assert_non_null(strstr(v->remedy, "balancer = ADDRESS"));
	const struct dsr_check *claim = check(c, n, "arp.vip.claim", NULL, -1);
	assert_int_equal(claim->status, DSR_PASS);
	assert_non_null(strstr(claim->summary, "02:00:00:00:00:02 (2 ARP frames; not verified"));
	for (size_t i = 0; i < n; i++)
		assert_null(strstr(c[i].summary, "the balancer only"));
	assert_null(dsr_passive_inventory(s->p)); /* a deployment: its checks speak */
	free(c);

	/* A second unconfigured claimer: one of the two is not the balancer, and
	 * neither is named as it. */
	feed(s, f, craft_arp(f, 1, odd_mac, vip, (uint8_t[6]){0}, vip));
	c = dsr_passive_verdicts(s->p, &n);
	assert_string_equal(check(c, n, "arp.vip", NULL, -1)->reason, "conflict");
	claim = check(c, n, "arp.vip.claim", NULL, -1);
	assert_string_equal(claim->reason, "unknown-host");
	assert_non_null(strstr(claim->summary, "at most one of them is the balancer"));
	free(c);

	/* A configured server's MAC as the only owner is known not to be the balancer. */
	reload(s, unverified);
	feed(s, f, craft_arp(f, 2, rs1_mac, vip, client_mac, client_ip));
	c = dsr_passive_verdicts(s->p, &n);
	assert_string_equal(check(c, n, "arp.vip", NULL, -1)->reason, "wrong-owner");
	assert_string_equal(check(c, n, "arp.vip.claim", "rs1", -1)->reason, "claimed");
	free(c);
}

/* balancer = ADDRESS: the MAC the capture shows for the balancer's own address
 * verifies the VIP's owner, as an audit's resolution does. */
static void balancer_address_verifies(void **state)
{
	struct state *s = *state;
	uint8_t f[128];
	size_t n;
	reload(s, WEB "balancer = 198.18.0.2\n" SERVERS);
	feed(s, f, craft_arp(f, 2, lb_mac, vip, client_mac, client_ip));
	feed(s, f, craft_arp(f, 1, lb_mac, (uint8_t[4]){198, 18, 0, 2}, (uint8_t[6]){0}, client_ip));
	struct dsr_check *c = dsr_passive_verdicts(s->p, &n);
	const struct dsr_check *v = check(c, n, "arp.vip", NULL, -1);
	assert_int_equal(v->status, DSR_PASS);
	assert_string_equal(v->summary, "198.18.0.100 was claimed by the balancer only");
	free(c);
}

/* analyze without a deployment, as the driver runs it: the capture's frames
 * through the analyser, its checks and its inventory into every writer. The
 * classic pcap file is read here, not through libpcap, because Wine's wpcap.dll
 * cannot open files and this test runs under Wine too (make check-windows);
 * fixtures/ANALYZELIST reads the same captures through libpcap. */
static struct dsr_check *analyze_file(struct state *s, const char *path, size_t *n)
{
	FILE *in = fopen(path, "rb");
	uint8_t head[24], rec[16], frame[256];

	assert_non_null(in);
	assert_int_equal(fread(head, 1, sizeof(head), in), sizeof(head));
	assert_int_equal(head[0] | head[1] << 8 | head[2] << 16 | (uint32_t)head[3] << 24, 0xa1b2c3d4);
	while (fread(rec, 1, sizeof(rec), in) == sizeof(rec)) {
		uint32_t f[4];
		for (int i = 0; i < 4; i++)
			f[i] = rec[4 * i] | rec[4 * i + 1] << 8 | rec[4 * i + 2] << 16 |
			       (uint32_t)rec[4 * i + 3] << 24;
		assert_true(f[2] <= sizeof(frame));
		assert_int_equal(fread(frame, 1, f[2], in), f[2]);
		struct dsr_frame d;
		struct timeval ts = {.tv_sec = (long)f[0], .tv_usec = (long)f[1]};
		s->frame++;
		if (dsr_decode_ethernet(frame, f[2], &d) == DSR_FRAME_OK)
			dsr_passive_frame(s->p, &d, &ts, s->frame);
	}
	fclose(in);
	struct dsr_check *c = dsr_passive_verdicts(s->p, n);
	assert_non_null(c);
	return c;
}

/* The run `dsrcheck analyze PCAP` reports, with fixed times and its findings. */
static struct dsr_run analyze_run(const char *pcap, const struct dsr_check *c, size_t n,
				  const struct dsr_inventory *inv)
{
	struct dsr_run run = {
		.version = "0.1.0",
		.started = {.tv_sec = 1795561800, .tv_usec = 123456},
		.duration_ms = 2,
		.checks = c,
		.nchecks = n,
		.inventory = inv,
	};
	snprintf(run.vantage.ifname, sizeof(run.vantage.ifname), "%s", pcap);
	run.vantage.on_segment = true;
	dsr_run_count(&run);
	diagnose_run(&run);
	return run;
}

/* The inventory in every format that has a golden file, NAME.txt and so on. */
static void inventory_goldens(const struct dsr_run *run, const char *name)
{
	static const struct {
		const char *format, *suffix;
	} goldens[] = {{"text", ".txt"},
		       {"json", ".json"},
		       {"junit", ".junit.xml"},
		       {"prometheus", ".prom"},
		       {"nagios", ".nagios.txt"}};
	for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		char file[64];
		char *got = render_report(goldens[i].format, run, false, 0);
		snprintf(file, sizeof(file), "%s%s", name, goldens[i].suffix);
		golden(file, got);
		free(got);
	}
}

static void no_deployment_inventory(void **state)
{
	struct state *s = *state;
	size_t n;
	reload(s, NULL);
	struct dsr_check *c = analyze_file(s, "fixtures/pcap/arp-table.pcap", &n);
	static const struct {
		const char *target, *reason;
		enum dsr_status status;
	} want[] = {{"198.18.0.21", "conflict", DSR_FAIL},
		    {"198.18.0.22", "flip-flop", DSR_FAIL},
		    {"198.18.0.23", "changed", DSR_WARN}};
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(c[i].id, "arp.conflict");
		assert_string_equal(c[i].target, want[i].target);
		assert_string_equal(c[i].reason, want[i].reason);
		assert_int_equal(c[i].status, want[i].status);
	}

	const struct dsr_inventory *inv = dsr_passive_inventory(s->p);
	assert_non_null(inv);
	/* .21 to .23, and the client 198.18.0.50 that asked; not the RFC 5227
	 * probe's 0.0.0.0. */
	assert_int_equal(inv->naddresses, 4);
	assert_int_equal(inv->nstate[DSR_ADDR_OK], 1);
	assert_int_equal(inv->nstate[DSR_ADDR_CONFLICT], 1);
	assert_int_equal(inv->nstate[DSR_ADDR_FLIP_FLOP], 1);
	assert_int_equal(inv->nstate[DSR_ADDR_CHANGED], 1);
	const struct dsr_address *ff = &inv->addresses[1];
	assert_int_equal(ntohl(ff->ip.s_addr), 0xc6120016);
	assert_int_equal(ff->state, DSR_ADDR_FLIP_FLOP);
	assert_int_equal(ff->changes, 2);
	assert_int_equal(ff->nclaims, 2);
	assert_int_equal(ff->claims[0].frames, 2);
	assert_int_equal(ff->claims[0].first_frame, 5);
	assert_int_equal(ff->claims[0].last_frame, 12);
	assert_int_equal(ff->claims[0].last_seen.tv_sec - ff->claims[0].first_seen.tv_sec, 8);
	assert_int_equal(ff->claims[1].frames, 1);

	/* Conflicts fail the run, as arp.conflict always did. */
	struct dsr_run run = analyze_run("fixtures/pcap/arp-table.pcap", c, n, inv);
	assert_int_equal(dsr_run_failed(&run), 1);
	inventory_goldens(&run, "inventory");
	free(c);
}

/* A capture of many addresses without a deployment: the inventory is the
 * bounded table's size, and what did not fit is counted. */
static void bounded_inventory(void **state)
{
	struct state *s = *state;
	uint8_t f[64], ip[4] = {198, 19, 0, 0};
	size_t n;
	reload(s, NULL);
	for (unsigned i = 0; i < 300000; i++) {
		ip[1] = (uint8_t)(19 + (i >> 16));
		ip[2] = (uint8_t)(i >> 8);
		ip[3] = (uint8_t)i;
		feed(s, f, craft_arp(f, 2, odd_mac, ip, client_mac, client_ip));
	}
	struct dsr_check *c = dsr_passive_verdicts(s->p, &n);
	const struct dsr_inventory *inv = dsr_passive_inventory(s->p);
	assert_non_null(inv);
	assert_true(inv->naddresses < 300000);
	assert_int_equal(inv->naddresses + inv->untracked_addr_frames, 300000);
	assert_int_equal(inv->nstate[DSR_ADDR_OK], inv->naddresses);
	for (size_t i = 1; i < inv->naddresses; i++)
		assert_true(ntohl(inv->addresses[i - 1].ip.s_addr) < ntohl(inv->addresses[i].ip.s_addr));
	free(c);
}

static void on_info(const char *line, void *arg)
{
	struct state *s = arg;
	s->infos++;
	snprintf(s->last_info, sizeof(s->last_info), "%s", line);
}

/* A crafted capture read with the configuration file ini, as analyze and
 * watch read it: the checks, and the lines watch would print as it went. */
static void read_ini(const char *path, char ini[2048])
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	ini[fread(ini, 1, 2047, f)] = '\0';
	fclose(f);
}

static struct dsr_check *analyze_with(struct state *s, const char *ini_path, const char *pcap,
				      size_t *n)
{
	char ini[2048];
	read_ini(ini_path, ini);
	reload(s, ini);
	dsr_passive_on_alert(s->p, on_alert, s);
	dsr_passive_on_info(s->p, on_info, s);
	return analyze_file(s, pcap, n);
}

/* The VRRP pair of craft_vrrp.py (config/vrrp-pair.ini). */
static struct dsr_check *analyze_pair(struct state *s, const char *pcap, size_t *n)
{
	return analyze_with(s, "fixtures/config/vrrp-pair.ini", pcap, n);
}

/* A failover is an event: arp.vip passes and says who, when, how long and how
 * many gratuitous ARPs; watch prints it as an event line, raises no alert. */
static void failover_is_an_event(void **state)
{
	struct state *s = *state;
	size_t n;
	struct dsr_check *c = analyze_pair(s, "fixtures/pcap/vrrp-failover-crash.pcap", &n);
	const struct dsr_check *v = check(c, n, "arp.vip", NULL, -1);
	assert_int_equal(v->status, DSR_PASS);
	assert_string_equal(v->summary, "198.18.0.100 claimed by the balancer set only; failover lb1 -> lb2 at "
					"11:06:53.640100Z in 3640 ms, 5 gratuitous ARPs (the old master went silent)");
	assert_int_equal(s->alerts, 0);
	assert_int_equal(s->infos, 1);
	assert_string_equal(s->last_info, "1795000013.640100 198.18.0.100: failover lb1 -> lb2 at 11:06:53.640100Z "
					  "in 3640 ms, 5 gratuitous ARPs (the old master went silent)");
	const struct dsr_check *m = check(c, n, "vrrp.master", NULL, -1);
	assert_int_equal(m->status, DSR_PASS);
	assert_non_null(strstr(m->summary, "now lb2 (198.18.0.3) priority 90"));
	free(c);

	s->infos = 0;
	c = analyze_pair(s, "fixtures/pcap/vrrp-vmac-failover.pcap", &n);
	v = check(c, n, "arp.vip", NULL, -1);
	assert_int_equal(v->status, DSR_PASS);
	assert_non_null(strstr(v->summary, "failover vrrp-51 (lb1) -> vrrp-51 (lb2) at "));
	assert_int_equal(s->infos, 1);
	free(c);
}

/* Two masters at once: both checks fail split-brain naming both, watch alerts once. */
static void split_brain_names_both(void **state)
{
	struct state *s = *state;
	size_t n;
	struct dsr_check *c = analyze_pair(s, "fixtures/pcap/vrrp-split-brain.pcap", &n);
	const struct dsr_check *v = check(c, n, "arp.vip", NULL, -1);
	assert_int_equal(v->status, DSR_FAIL);
	assert_string_equal(v->reason, "split-brain");
	assert_non_null(strstr(v->summary, "split-brain lb1 and lb2 at "));
	assert_non_null(strstr(dsr_check_remedy_text(v), "(lb1 and lb2)"));
	const struct dsr_check *m = check(c, n, "vrrp.master", NULL, -1);
	assert_int_equal(m->status, DSR_FAIL);
	assert_string_equal(m->reason, "split-brain");
	assert_string_equal(m->summary, "lb1 and lb2 both advertised vrrp-id 51 as master at once, until the end");
	assert_int_equal(s->alerts, 1);
	assert_non_null(strstr(s->last_alert, "198.18.0.100: split-brain lb1 and lb2 at "));
	assert_int_equal(s->infos, 0);
	free(c);
}

/* An owner change with no VRRP transition, and a silent virtual router. */
static void flip_flop_and_no_master(void **state)
{
	struct state *s = *state;
	size_t n;
	struct dsr_check *c = analyze_pair(s, "fixtures/pcap/vrrp-flip-flop.pcap", &n);
	const struct dsr_check *v = check(c, n, "arp.vip", NULL, -1);
	assert_string_equal(v->reason, "flip-flop");
	/* A member taking the VIP back as it returns: the remedy says how to stop it. */
	assert_non_null(strstr(dsr_check_remedy_text(v), "nopreempt"));
	assert_int_equal(s->alerts, 1);
	assert_non_null(strstr(s->last_alert, "flip-flop lb1 -> lb2"));
	free(c);

	s->alerts = 0;
	c = analyze_pair(s, "fixtures/pcap/vrrp-no-master.pcap", &n);
	const struct dsr_check *m = check(c, n, "vrrp.master", NULL, -1);
	assert_int_equal(m->status, DSR_FAIL);
	assert_string_equal(m->reason, "no-master");
	assert_string_equal(m->summary, "nobody advertised vrrp-id 51 for 9000 ms");
	assert_non_null(strstr(dsr_check_remedy_text(m), "virtual router 51"));
	/* watch says so while the silence lasts, once. */
	assert_int_equal(s->alerts, 1);
	assert_non_null(strstr(s->last_alert, "no-master vrrp-51"));
	v = check(c, n, "arp.vip", NULL, -1);
	assert_int_equal(v->status, DSR_PASS);
	free(c);
}


/* ---- 802.1Q: every VLAN a broadcast domain of its own ------------------ */

/* f (n bytes) with an 802.1Q (or tpid) tag inserted after the MACs. */
static size_t tagged(uint8_t *f, size_t n, uint16_t tpid, uint16_t vlan, uint8_t pcp)
{
	memmove(f + 16, f + 12, n - 12);
	f[12] = (uint8_t)(tpid >> 8);
	f[13] = (uint8_t)tpid;
	f[14] = (uint8_t)(pcp << 5 | vlan >> 8);
	f[15] = (uint8_t)vlan;
	return n + 4;
}

static size_t in_vlan(uint8_t *f, size_t n, uint16_t vlan)
{
	return tagged(f, n, 0x8100, vlan, 0);
}

static const struct dsr_evidence *evidence(const struct dsr_check *c, const char *key)
{
	for (size_t i = 0; i < c->nevidence; i++)
		if (strcmp(c->evidence[i].key, key) == 0)
			return &c->evidence[i];
	return NULL;
}

static size_t count_id(const struct dsr_check *c, size_t n, const char *id)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += strcmp(c[i].id, id) == 0;
	return k;
}

/* No deployment, a trunk (craft_vlan.py's vlan-arp-table.pcap): .21 in VLANs
 * 20 and 30 by two MACs is two addresses; .22 by two MACs at once inside VLAN
 * 20 is the one conflict, and it says which VLAN. */
static void vlan_inventory(void **state)
{
	struct state *s = *state;
	size_t n;
	reload(s, NULL);
	struct dsr_check *c = analyze_file(s, "fixtures/pcap/vlan-arp-table.pcap", &n);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].id, "arp.conflict");
	assert_string_equal(c[0].target, "198.18.0.22");
	assert_string_equal(c[0].reason, "conflict");
	assert_string_equal(c[0].summary, "2 MACs used 198.18.0.22 in VLAN 20 at once");
	assert_int_equal(c[0].vlan, 20);
	assert_non_null(strstr(c[0].remedy, "198.18.0.22 in VLAN 20:"));
	const struct dsr_evidence *v = evidence(&c[0], "vlan");
	assert_non_null(v);
	assert_int_equal(v->num, 20);
	assert_null(evidence(&c[0], "inner_vlan"));

	const struct dsr_inventory *inv = dsr_passive_inventory(s->p);
	assert_non_null(inv);
	static const struct {
		uint8_t ntags;
		uint16_t vlan;
		uint32_t ip;
		enum dsr_addr_state state;
		uint8_t mac;
	} want[] = {{0, 0, 0xc6120017, DSR_ADDR_OK, 0x23},  {0, 0, 0xc6120032, DSR_ADDR_OK, 0x50},
		    {1, 20, 0xc6120015, DSR_ADDR_OK, 0x21}, {1, 20, 0xc6120016, DSR_ADDR_CONFLICT, 0x22},
		    {1, 20, 0xc6120032, DSR_ADDR_OK, 0x50}, {1, 30, 0xc6120015, DSR_ADDR_OK, 0x31},
		    {1, 30, 0xc6120032, DSR_ADDR_OK, 0x50}};
	assert_int_equal(inv->naddresses, 7);
	assert_int_equal(inv->ntagged, 5);
	assert_int_equal(inv->nstate[DSR_ADDR_CONFLICT], 1);
	for (size_t i = 0; i < inv->naddresses; i++) {
		const struct dsr_address *a = &inv->addresses[i];
		assert_int_equal(a->ntags, want[i].ntags);
		assert_int_equal(a->vlan, want[i].vlan);
		assert_int_equal(ntohl(a->ip.s_addr), want[i].ip);
		assert_int_equal(a->state, want[i].state);
		assert_int_equal(a->claims[0].mac[5], want[i].mac);
	}

	struct dsr_run run = analyze_run("fixtures/pcap/vlan-arp-table.pcap", c, n, inv);
	inventory_goldens(&run, "vlan-inventory");
	char *html = render_report("html", &run, false, 0);
	assert_non_null(strstr(html, "<th>VLAN</th><th>address</th>"));
	assert_non_null(strstr(html, "<tr><td>untagged</td><td>198.18.0.23</td>"));
	assert_non_null(strstr(html, "<tr><td>30</td><td>198.18.0.21</td>"));
	free(html);
	free(c);
}

/* A priority tag (VLAN id 0) is untagged, as 802.1Q says: with an untagged
 * frame it makes one conflict, not two addresses, and no VLAN is shown. */
static void priority_tag_is_untagged(void **state)
{
	struct state *s = *state;
	uint8_t f[128];
	size_t n;
	reload(s, NULL);
	struct dsr_check *c = analyze_file(s, "fixtures/pcap/vlan-priority.pcap", &n);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].reason, "conflict");
	assert_string_equal(c[0].summary, "2 MACs used 198.18.0.21 at once");
	assert_null(evidence(&c[0], "vlan"));
	const struct dsr_inventory *inv = dsr_passive_inventory(s->p);
	assert_int_equal(inv->naddresses, 2);
	assert_int_equal(inv->ntagged, 0);
	struct dsr_run run = analyze_run("fixtures/pcap/vlan-priority.pcap", c, n, inv);
	char *text = render_report("text", &run, false, 0);
	assert_null(strstr(text, "VLAN"));
	assert_null(strstr(text, "untagged"));
	free(text);
	free(c);

	/* An untagged service counts its priority-tagged frames. */
	reload(s, lab);
	feed(s, f, tagged(f, craft_arp(f, 2, lb_mac, vip, client_mac, client_ip), 0x8100, 0, 5));
	feed(s, f, tagged(f, craft_arp(f, 2, rs1_mac, rs1_ip, client_mac, client_ip), 0x8100, 0, 3));
	c = dsr_passive_verdicts(s->p, &n);
	assert_int_equal(check(c, n, "arp.vip", NULL, -1)->status, DSR_PASS);
	assert_int_equal(check(c, n, "arp.rip", "rs1", -1)->status, DSR_PASS);
	assert_null(evidence(check(c, n, "arp.vip", NULL, -1), "vlan"));
	assert_int_equal(dsr_passive_qinq_frames(s->p), 0);
	free(c);
}

/* QinQ (provider VLAN 100, customer VLAN 20) is a segment of its own: rs2's
 * MAC claiming the VIP there is no claim on the untagged service's VIP, and
 * .21 there is no conflict with .21 untagged; the frames are counted. */
static void qinq_is_no_service(void **state)
{
	struct state *s = *state;
	size_t n;
	struct dsr_check *c = analyze_with(s, "fixtures/lab/dsrcheck-lab.ini",
					   "fixtures/pcap/vlan-qinq.pcap", &n);
	assert_int_equal(check(c, n, "arp.vip", NULL, -1)->status, DSR_PASS);
	assert_int_equal(check(c, n, "arp.vip.claim", NULL, -1)->status, DSR_PASS);
	assert_int_equal(check(c, n, "arp.vip.claim", "rs2", -1)->status, DSR_PASS);
	assert_int_equal(count_id(c, n, "arp.conflict"), 0);
	assert_int_equal(s->alerts, 0);
	assert_int_equal(dsr_passive_qinq_frames(s->p), 4);
	free(c);

	/* Without a deployment the inventory lists the QinQ segment's rows apart. */
	reload(s, NULL);
	c = analyze_file(s, "fixtures/pcap/vlan-qinq.pcap", &n);
	assert_int_equal(n, 0);
	const struct dsr_inventory *inv = dsr_passive_inventory(s->p);
	assert_int_equal(inv->naddresses, 7);
	assert_int_equal(inv->ntagged, 3);
	const struct dsr_address *q = &inv->addresses[4];
	assert_int_equal(q->ntags, 2);
	assert_int_equal(q->vlan, 100);
	assert_int_equal(q->inner_vlan, 20);
	assert_int_equal(ntohl(q->ip.s_addr), 0xc6120015);
	char text[16];
	dsr_address_vlan_text(q, text);
	assert_string_equal(text, "100.20");
	assert_int_equal(dsr_passive_qinq_frames(s->p), 0);
	free(c);

	/* Two MACs inside one QinQ segment are a conflict there, named so. */
	uint8_t f[128];
	feed(s, f, tagged(f, in_vlan(f, craft_arp(f, 2, rs2_mac, other_ip, client_mac, client_ip), 20),
			  0x88a8, 100, 0));
	feed(s, f, tagged(f, in_vlan(f, craft_arp(f, 2, odd_mac, other_ip, client_mac, client_ip), 20),
			  0x88a8, 100, 0));
	c = dsr_passive_verdicts(s->p, &n);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].summary, "2 MACs used 198.18.0.77 in QinQ VLAN 100.20 at once");
	assert_int_equal(c[0].vlan, 0); /* no one VLAN: the summary and evidence say both */
	assert_int_equal(evidence(&c[0], "vlan")->num, 100);
	assert_int_equal(evidence(&c[0], "inner_vlan")->num, 20);
	free(c);
}

/* watch: the same address by another MAC in another VLAN raises nothing; a
 * conflict inside a VLAN raises an alert that names it. */
static void vlan_alerts(void **state)
{
	struct state *s = *state;
	uint8_t f[128];
	feed(s, f, in_vlan(f, craft_arp(f, 2, rs2_mac, other_ip, client_mac, client_ip), 20));
	feed(s, f, in_vlan(f, craft_arp(f, 2, odd_mac, other_ip, client_mac, client_ip), 30));
	feed(s, f, craft_arp(f, 2, lb_mac, other_ip, client_mac, client_ip));
	assert_int_equal(s->alerts, 0);
	/* Someone in VLAN 30 holds the (untagged) service's VIP: its business. */
	feed(s, f, in_vlan(f, craft_arp(f, 1, odd_mac, vip, (uint8_t[6]){0}, vip), 30));
	assert_int_equal(s->alerts, 0);
	feed(s, f, in_vlan(f, craft_arp(f, 2, lb_mac, other_ip, client_mac, client_ip), 20));
	assert_int_equal(s->alerts, 1);
	assert_non_null(strstr(s->last_alert, " conflict 198.18.0.77 in VLAN 20 macs="));
	size_t n;
	struct dsr_check *c = dsr_passive_verdicts(s->p, &n);
	assert_int_equal(count_id(c, n, "arp.conflict"), 1);
	assert_string_equal(check(c, n, "arp.conflict", NULL, -1)->summary,
			    "2 MACs used 198.18.0.77 in VLAN 20 at once");
	assert_int_equal(check(c, n, "arp.vip.claim", NULL, -1)->status, DSR_PASS);
	free(c);
}

/* A reply counts only on its request's VLAN: a VLAN 30 host answering a VLAN
 * 30 client of the same VIP from its own address is no wrong-source, and an
 * untagged reply to a tagged request is no reply. */
static void vlan_flows(void **state)
{
	struct state *s = *state;
	uint8_t f[128];
	size_t n;
	feed(s, f, in_vlan(f, craft_tcp(f, client_mac, odd_mac, client_ip, vip, 64, 40001, 80, 1, 0, 0x02), 30));
	feed(s, f, in_vlan(f, craft_tcp(f, rs2_mac, client_mac, rs2_ip, client_ip, 64, 80, 40001, 9, 2, 0x12), 30));
	feed(s, f, in_vlan(f, craft_tcp(f, client_mac, lb_mac, client_ip, vip, 64, 40002, 80, 1, 0, 0x02), 20));
	feed(s, f, craft_tcp(f, rs2_mac, client_mac, rs2_ip, client_ip, 64, 80, 40002, 9, 2, 0x12));
	struct dsr_check *c = dsr_passive_verdicts(s->p, &n);
	assert_string_equal(check(c, n, "tcp.vip.direct", "rs2", 80)->reason, "not-seen");
	free(c);

	/* The untagged request and its untagged wrong-source reply still count. */
	feed(s, f, craft_tcp(f, client_mac, lb_mac, client_ip, vip, 64, 40003, 80, 1, 0, 0x02));
	feed(s, f, craft_tcp(f, rs2_mac, client_mac, rs2_ip, client_ip, 64, 80, 40003, 9, 2, 0x12));
	c = dsr_passive_verdicts(s->p, &n);
	assert_string_equal(check(c, n, "tcp.vip.direct", "rs2", 80)->reason, "wrong-source");
	free(c);
}

/* A deployment on VLAN 20 read from a trunk (craft_vlan.py's vlan-trunk-vip.pcap):
 * VLAN 30 holds the same VIP by rs2's MAC and rs1's address by another host,
 * and answers a client of the VIP from .11: none of it is blamed on the
 * service, and its checks name VLAN 20 in their evidence. */
static void deployment_on_a_vlan(void **state)
{
	struct state *s = *state;
	size_t n;
	struct dsr_check *c = analyze_with(s, "fixtures/config/vlan20.ini",
					   "fixtures/pcap/vlan-trunk-vip.pcap", &n);
	const struct dsr_check *v = check(c, n, "arp.vip", NULL, -1);
	assert_int_equal(v->status, DSR_PASS);
	assert_int_equal(evidence(v, "vlan")->num, 20);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(c[i].vlan, 20);
	assert_int_equal(check(c, n, "arp.vip.claim", NULL, -1)->status, DSR_PASS);
	assert_int_equal(check(c, n, "arp.vip.claim", "rs2", -1)->status, DSR_PASS);
	assert_int_equal(check(c, n, "arp.rip", "rs1", -1)->status, DSR_PASS);
	assert_int_equal(check(c, n, "tcp.vip.direct", "rs1", 80)->status, DSR_PASS);
	assert_int_equal(count_id(c, n, "arp.conflict"), 0);
	assert_int_equal(s->alerts, 0);
	free(c);

	/* The same capture for the untagged deployment: it holds none of its frames. */
	c = analyze_with(s, "fixtures/lab/dsrcheck-lab.ini", "fixtures/pcap/vlan-trunk-vip.pcap", &n);
	assert_string_equal(check(c, n, "arp.vip", NULL, -1)->reason, "not-seen");
	assert_string_equal(check(c, n, "tcp.vip.direct", "rs1", 80)->reason, "not-seen");
	assert_null(evidence(check(c, n, "arp.vip", NULL, -1), "vlan"));
	free(c);

	/* Inside VLAN 20 a server's claim counts, and watch's alert names the VLAN. */
	uint8_t f[128];
	reload(s, WEB "vlan = 20\nbalancer-mac = 02:00:00:00:00:02\n" SERVERS);
	dsr_passive_on_alert(s->p, on_alert, s);
	feed(s, f, in_vlan(f, craft_arp(f, 2, lb_mac, vip, client_mac, client_ip), 20));
	feed(s, f, in_vlan(f, craft_arp(f, 1, odd_mac, vip, (uint8_t[6]){0}, vip), 30));
	feed(s, f, craft_arp(f, 1, odd_mac, vip, (uint8_t[6]){0}, vip));
	assert_int_equal(s->alerts, 0);
	feed(s, f, in_vlan(f, craft_arp(f, 1, rs1_mac, vip, (uint8_t[6]){0}, client_ip), 20));
	assert_int_equal(s->alerts, 1);
	assert_non_null(strstr(s->last_alert, " vip-claim 198.18.0.100 in VLAN 20 macs="));
	c = dsr_passive_verdicts(s->p, &n);
	assert_string_equal(check(c, n, "arp.vip", NULL, -1)->reason, "conflict");
	assert_string_equal(check(c, n, "arp.vip.claim", "rs1", -1)->reason, "claimed");
	free(c);
}

/* VRRP per VLAN: the pair's untagged advertisements and ARP (a split-brain)
 * say nothing of the virtual router the service has on VLAN 20, where nobody
 * advertised. */
static void vrrp_per_vlan(void **state)
{
	struct state *s = *state;
	size_t n;
	char ini[2048], tagged_ini[2100];
	read_ini("fixtures/config/vrrp-pair.ini", ini);
	char *vip_line = strstr(ini, "\nvip = ");
	assert_non_null(vip_line);
	snprintf(tagged_ini, sizeof(tagged_ini), "%.*s\nvlan = 20%s", (int)(vip_line - ini), ini, vip_line);
	reload(s, tagged_ini);
	dsr_passive_on_alert(s->p, on_alert, s);
	struct dsr_check *c = analyze_file(s, "fixtures/pcap/vrrp-split-brain.pcap", &n);
	const struct dsr_check *m = check(c, n, "vrrp.master", NULL, -1);
	assert_string_equal(m->reason, "no-master");
	assert_int_equal(evidence(m, "vlan")->num, 20);
	assert_string_equal(check(c, n, "arp.vip", NULL, -1)->reason, "not-seen");
	/* Untagged, the two balancers answering for .100 by turns are an address
	 * nobody configured there, used by two MACs: a fault of that segment. */
	assert_int_equal(s->alerts, 1);
	assert_non_null(strstr(s->last_alert, " conflict 198.18.0.100 macs="));
	const struct dsr_check *other = check(c, n, "arp.conflict", NULL, -1);
	assert_string_equal(other->reason, "flip-flop");
	assert_null(evidence(other, "vlan"));
	free(c);
}

/* watch on a sub-interface (eth0.20): the kernel took VLAN 20's tag off, so
 * the untagged frames are VLAN 20's and the service on VLAN 20 reads them. */
static void sub_interface_frames(void **state)
{
	struct state *s = *state;
	uint8_t f[128];
	size_t n;
	reload(s, WEB "vlan = 20\nbalancer-mac = 02:00:00:00:00:02\n" SERVERS);
	dsr_passive_link_vlan(s->p, 20);
	dsr_passive_on_alert(s->p, on_alert, s);
	feed(s, f, craft_arp(f, 2, lb_mac, vip, client_mac, client_ip));
	feed(s, f, craft_arp(f, 2, rs1_mac, rs1_ip, client_mac, client_ip));
	/* A tag still in the frame is another VLAN's (a trunk behind the bridge). */
	feed(s, f, in_vlan(f, craft_arp(f, 2, odd_mac, vip, client_mac, client_ip), 30));
	assert_int_equal(s->alerts, 0);
	struct dsr_check *c = dsr_passive_verdicts(s->p, &n);
	const struct dsr_check *v = check(c, n, "arp.vip", NULL, -1);
	assert_int_equal(v->status, DSR_PASS);
	assert_int_equal(v->vlan, 20);
	assert_int_equal(check(c, n, "arp.rip", "rs1", -1)->status, DSR_PASS);
	free(c);

	/* A service without a VLAN keeps reading the sub-interface, as it always did. */
	reload(s, lab);
	dsr_passive_link_vlan(s->p, 20);
	feed(s, f, craft_arp(f, 2, lb_mac, vip, client_mac, client_ip));
	c = dsr_passive_verdicts(s->p, &n);
	assert_int_equal(check(c, n, "arp.vip", NULL, -1)->status, DSR_PASS);
	free(c);

	/* Without it the same frames are the untagged segment's: none of VLAN 20's. */
	reload(s, WEB "vlan = 20\nbalancer-mac = 02:00:00:00:00:02\n" SERVERS);
	feed(s, f, craft_arp(f, 2, lb_mac, vip, client_mac, client_ip));
	c = dsr_passive_verdicts(s->p, &n);
	assert_string_equal(check(c, n, "arp.vip", NULL, -1)->reason, "not-seen");
	free(c);
}

/* ---- IPv6: Neighbor Discovery's claims and VIP6's flows ------------------- */

static const uint8_t vip6[16] = {0x20, 0x01, 0, 2, [15] = 0x00, [14] = 0x01};
static const uint8_t rs1_ip6[16] = {0x20, 0x01, 0, 2, [15] = 0x11};
static const uint8_t rs2_ip6[16] = {0x20, 0x01, 0, 2, [15] = 0x12};
static const uint8_t client_ip6[16] = {0x20, 0x01, 0, 2, [15] = 0x50};
static const uint8_t other_ip6[16] = {0x20, 0x01, 0, 2, [15] = 0x77};
static const uint8_t unspecified6[16];
static const uint8_t all_nodes6[16] = {0xff, 0x02, [15] = 1};
static const uint8_t nd_override_solicited = 0x60;

#define WEB6 "[service web]\nvip = 198.18.0.100, 2001:2::100\nports = 80\n"
#define SERVERS6                                                                                   \
	"servers = rs1, rs2\n"                                                                     \
	"[server rs1]\n"                                                                           \
	"address = 198.18.0.11, 2001:2::11\n"                                                      \
	"mac = 02:00:00:00:00:11\n"                                                                \
	"[server rs2]\n"                                                                           \
	"address = 198.18.0.12, 2001:2::12\n"
static const char *dual = WEB6 "balancer-mac = 02:00:00:00:00:02\n" SERVERS6;

static void feed_at(struct state *s, const uint8_t *f, size_t n, long sec)
{
	struct dsr_frame d;
	struct timeval ts = {sec, 0};
	assert_int_equal(dsr_decode_ethernet(f, n, &d), DSR_FRAME_OK);
	dsr_passive_frame(s->p, &d, &ts, ++s->frame);
}

/* The IPv6 checks are the IPv4 ones' twins: an owner per address from
 * advertisements and solicitations, echoes and connections to VIP6 and the
 * source their replies leave with; the IPv4 side is judged as before. */
static void dual_stack_traffic(void **state)
{
	struct state *s = *state;
	uint8_t f[160];
	reload(s, dual);
	dsr_passive_on_alert(s->p, on_alert, s);
	feed(s, f, craft_arp(f, 2, lb_mac, vip, client_mac, client_ip));
	feed(s, f, craft_na(f, lb_mac, client_mac, vip6, client_ip6, 255, nd_override_solicited, vip6, lb_mac));
	feed(s, f, craft_na(f, rs1_mac, client_mac, rs1_ip6, client_ip6, 255, nd_override_solicited, rs1_ip6,
			    rs1_mac));
	/* rs2 solicits from its real address: that claims it, for the MAC its option names. */
	feed(s, f, craft_ns(f, rs2_mac, all_nodes6, rs2_ip6, all_nodes6, 255, client_ip6, rs2_mac));
	/* An echo to VIP6 answered from VIP6 by rs1; a SYN answered from rs2's real address. */
	feed(s, f, craft_echo6(f, client_mac, lb_mac, client_ip6, vip6, 64, DSR_ICMP6_ECHO, 7, 1));
	feed(s, f, craft_echo6(f, rs1_mac, client_mac, vip6, client_ip6, 64, DSR_ICMP6_ECHO_REPLY, 7, 1));
	feed(s, f, craft_tcp6(f, client_mac, lb_mac, client_ip6, vip6, 40000, 80, 1, 0, 0x02));
	feed(s, f, craft_tcp6(f, rs2_mac, client_mac, rs2_ip6, client_ip6, 80, 40000, 9, 2, 0x12));
	/* An advertisement of VIP6's IPv4-mapped form is nobody's claim on the IPv4 VIP. */
	uint8_t mapped[16] = {[10] = 0xff, [11] = 0xff, [12] = 198, [13] = 18, [14] = 0, [15] = 100};
	feed(s, f, craft_na(f, odd_mac, client_mac, mapped, client_ip6, 255, nd_override_solicited, mapped,
			    odd_mac));
	assert_int_equal(s->alerts, 0);

	size_t n;
	struct dsr_check *c = dsr_passive_verdicts(s->p, &n);
	assert_int_equal(check(c, n, "arp.vip", NULL, -1)->status, DSR_PASS);
	assert_int_equal(check(c, n, "nd.vip", NULL, -1)->status, DSR_PASS);
	assert_string_equal(check(c, n, "nd.vip", NULL, -1)->target, "2001:2::100");
	assert_int_equal(check(c, n, "nd.rip", "rs1", -1)->status, DSR_PASS);
	assert_int_equal(check(c, n, "nd.rip", "rs2", -1)->status, DSR_PASS);
	assert_int_equal(check(c, n, "nd.vip.claim", "rs1", -1)->status, DSR_PASS);
	assert_int_equal(check(c, n, "icmp6.vip.direct", "rs1", -1)->status, DSR_PASS);
	const struct dsr_check *t = check(c, n, "tcp6.vip.direct", "rs2", 80);
	assert_string_equal(t->reason, "wrong-source");
	assert_non_null(strstr(t->summary, "left with 2001:2::12 as source"));
	/* The IPv4 side saw none of it. */
	assert_string_equal(check(c, n, "tcp.vip.direct", "rs2", 80)->reason, "not-seen");
	assert_string_equal(check(c, n, "icmp.vip.direct", "rs1", -1)->reason, "not-seen");
	/* Reported after every IPv4 check of the service. */
	size_t last4 = 0, first6 = n;
	for (size_t i = 0; i < n; i++) {
		if (dsr_check_is_ipv6(&c[i]))
			first6 = i < first6 ? i : first6;
		else
			last4 = i;
	}
	assert_true(last4 < first6);
	free(c);
}

/* A server that runs duplicate address detection for VIP6 (putting it on its
 * NIC), or advertises it, claims it; an address nobody configured that two
 * MACs advertise is an nd.conflict. */
static void nd_claims_and_conflicts(void **state)
{
	struct state *s = *state;
	uint8_t f[160];
	reload(s, dual);
	dsr_passive_on_alert(s->p, on_alert, s);
	feed(s, f, craft_na(f, lb_mac, client_mac, vip6, client_ip6, 255, nd_override_solicited, vip6, lb_mac));
	/* rs2's MAC, from its own address (none is configured). */
	feed(s, f, craft_na(f, rs2_mac, client_mac, rs2_ip6, client_ip6, 255, nd_override_solicited, rs2_ip6,
			    rs2_mac));
	/* rs2's DAD probe for VIP6: from ::, to the solicited-node group. */
	uint8_t snm[16] = {0xff, 0x02, [11] = 1, [12] = 0xff, [13] = 0, [14] = 0x01, [15] = 0x00};
	feed(s, f, craft_ns(f, rs2_mac, all_nodes6, unspecified6, snm, 255, vip6, NULL));
	assert_int_equal(s->alerts, 1);
	assert_non_null(strstr(s->last_alert, "vip-claim 2001:2::100 macs=02:00:00:00:00:12"));
	/* The same probe from a host that is no server is what an audit sends: no
	 * claim, no owner; nor is one for an address that is no VIP. */
	feed(s, f, craft_ns(f, odd_mac, all_nodes6, unspecified6, snm, 255, vip6, NULL));
	feed(s, f, craft_ns(f, odd_mac, all_nodes6, unspecified6, snm, 255, other_ip6, NULL));
	assert_int_equal(s->alerts, 1);
	/* 2001:2::77 advertised by two MACs at once. */
	feed(s, f, craft_na(f, rs2_mac, all_nodes6, other_ip6, all_nodes6, 255, 0x20, other_ip6, rs2_mac));
	feed(s, f, craft_na(f, odd_mac, all_nodes6, other_ip6, all_nodes6, 255, 0x20, other_ip6, odd_mac));
	assert_int_equal(s->alerts, 2);
	assert_non_null(strstr(s->last_alert, "conflict 2001:2::77 "));

	size_t n;
	struct dsr_check *c = dsr_passive_verdicts(s->p, &n);
	assert_int_equal(check(c, n, "nd.vip", NULL, -1)->status, DSR_PASS);
	const struct dsr_check *claim = check(c, n, "nd.vip.claim", "rs2", -1);
	assert_string_equal(claim->reason, "claimed");
	assert_non_null(strstr(claim->summary, "ran duplicate address detection for 2001:2::100"));
	/* The remedy speaks IPv6. */
	assert_non_null(strstr(dsr_check_remedy_text(claim), "ip -6 addr add 2001:2::100/128 dev lo"));
	/* rs2 is a configured server: its claim is nd.vip.claim rs2's, no unknown host's. */
	assert_int_equal(check(c, n, "nd.vip.claim", NULL, -1)->status, DSR_PASS);
	const struct dsr_check *other = check(c, n, "nd.conflict", NULL, -1);
	assert_string_equal(other->target, "2001:2::77");
	assert_string_equal(other->reason, "conflict");
	assert_non_null(strstr(dsr_check_remedy_text(other), "Neighbor Discovery for 2001:2::77"));
	free(c);

	/* A MAC nobody configured advertises VIP6: an unknown host, and two owners. */
	feed(s, f, craft_na(f, odd_mac, all_nodes6, vip6, all_nodes6, 255, 0x20, vip6, odd_mac));
	c = dsr_passive_verdicts(s->p, &n);
	const struct dsr_check *unknown = check(c, n, "nd.vip.claim", NULL, -1);
	assert_string_equal(unknown->reason, "unknown-host");
	assert_non_null(strstr(unknown->summary, "02:00:00:00:00:99"));
	const struct dsr_check *v = check(c, n, "nd.vip", NULL, -1);
	assert_string_equal(v->reason, "conflict");
	assert_non_null(strstr(dsr_check_remedy_text(v), "2001:2::100"));
	free(c);
}

/* Two balancers of a set advertise VIP6: one after the other is a failover,
 * both at once two masters. */
static void vip6_between_balancers(void **state)
{
	static const char *pair = WEB6 "balancer-mac = 02:00:00:00:00:02, 02:00:00:00:00:03\n" SERVERS6;
	static const uint8_t lb2_mac[6] = {2, 0, 0, 0, 0, 3};
	struct state *s = *state;
	uint8_t f[160];
	size_t n;

	reload(s, pair);
	feed_at(s, f, craft_na(f, lb_mac, all_nodes6, vip6, all_nodes6, 255, 0x20, vip6, lb_mac), 1000);
	feed_at(s, f, craft_na(f, lb2_mac, all_nodes6, vip6, all_nodes6, 255, 0x20, vip6, lb2_mac), 1010);
	struct dsr_check *c = dsr_passive_verdicts(s->p, &n);
	const struct dsr_check *v = check(c, n, "nd.vip", NULL, -1);
	assert_int_equal(v->status, DSR_PASS);
	assert_non_null(strstr(v->summary, "moved from"));
	assert_non_null(strstr(v->summary, "a failover"));
	free(c);

	/* Both at once, named in the set's order whichever claimed first. */
	for (int lb2_first = 0; lb2_first < 2; lb2_first++) {
		const uint8_t *macs[2] = {lb2_first ? lb2_mac : lb_mac, lb2_first ? lb_mac : lb2_mac};
		reload(s, pair);
		for (int i = 0; i < 2; i++)
			feed_at(s, f, craft_na(f, macs[i], all_nodes6, vip6, all_nodes6, 255, 0x20, vip6, macs[i]),
				1000);
		c = dsr_passive_verdicts(s->p, &n);
		v = check(c, n, "nd.vip", NULL, -1);
		assert_string_equal(v->reason, "split-brain");
		assert_non_null(strstr(v->summary, "02:00:00:00:00:02) and "));
		free(c);
	}
}

/* Without a deployment both families are listed: IPv4's rows, then IPv6's. */
static void dual_stack_inventory(void **state)
{
	struct state *s = *state;
	uint8_t f[160];
	size_t n;

	reload(s, NULL);
	feed(s, f, craft_na(f, rs1_mac, all_nodes6, rs1_ip6, all_nodes6, 255, 0x20, rs1_ip6, rs1_mac));
	feed(s, f, craft_arp(f, 2, rs1_mac, rs1_ip, client_mac, client_ip));
	feed(s, f, craft_na(f, rs2_mac, all_nodes6, other_ip6, all_nodes6, 255, 0x20, other_ip6, rs2_mac));
	feed(s, f, craft_na(f, odd_mac, all_nodes6, other_ip6, all_nodes6, 255, 0x20, other_ip6, NULL));
	struct dsr_check *c = dsr_passive_verdicts(s->p, &n);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].id, "nd.conflict");
	const struct dsr_inventory *inv = dsr_passive_inventory(s->p);
	assert_non_null(inv);
	assert_int_equal(inv->naddresses, 3);
	char ip[46];
	assert_false(inv->addresses[0].v6);
	dsr_address_ip_text(&inv->addresses[0], ip);
	assert_string_equal(ip, "198.18.0.11");
	dsr_address_ip_text(&inv->addresses[1], ip);
	assert_string_equal(ip, "2001:2::11");
	dsr_address_ip_text(&inv->addresses[2], ip);
	assert_string_equal(ip, "2001:2::77");
	/* Without a target link-layer address option, the frame's source is the claimer. */
	assert_int_equal(inv->addresses[2].nclaims, 2);
	assert_memory_equal(inv->addresses[2].claims[1].mac, odd_mac, 6);
	struct dsr_run run = analyze_run("dual.pcap", c, n, inv);
	assert_int_equal(dsr_run_failed(&run), 1);
	inventory_goldens(&run, "inventory-dual");
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(healthy_traffic, setup, teardown),
		cmocka_unit_test_setup_teardown(claims_and_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(balancer_learned_from_capture, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_source, setup, teardown),
		cmocka_unit_test_setup_teardown(bounded_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(unverified_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(balancer_address_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(no_deployment_inventory, setup, teardown),
		cmocka_unit_test_setup_teardown(bounded_inventory, setup, teardown),
		cmocka_unit_test_setup_teardown(failover_is_an_event, setup, teardown),
		cmocka_unit_test_setup_teardown(split_brain_names_both, setup, teardown),
		cmocka_unit_test_setup_teardown(flip_flop_and_no_master, setup, teardown),
		cmocka_unit_test_setup_teardown(vlan_inventory, setup, teardown),
		cmocka_unit_test_setup_teardown(priority_tag_is_untagged, setup, teardown),
		cmocka_unit_test_setup_teardown(qinq_is_no_service, setup, teardown),
		cmocka_unit_test_setup_teardown(vlan_alerts, setup, teardown),
		cmocka_unit_test_setup_teardown(vlan_flows, setup, teardown),
		cmocka_unit_test_setup_teardown(deployment_on_a_vlan, setup, teardown),
		cmocka_unit_test_setup_teardown(vrrp_per_vlan, setup, teardown),
		cmocka_unit_test_setup_teardown(sub_interface_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(dual_stack_traffic, setup, teardown),
		cmocka_unit_test_setup_teardown(nd_claims_and_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(vip6_between_balancers, setup, teardown),
		cmocka_unit_test_setup_teardown(dual_stack_inventory, setup, teardown),
	};
	return cmocka_run_group_tests_name("passive", tests, NULL, NULL);
}
