/* dsrcheck local: the rules over fixtures (fixtures/local/LOCALLIST, in the manner
 * of fixtures/TESTLIST), the snapshot file format and its errors, the parsers of
 * applicationHost.config, Windows Firewall rules, the Linux ruleset and /proc text,
 * and the kernel's sysctl semantics. Pure: no privilege, no network; runs from the
 * project root so that it finds fixtures/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../local/local.h"
#include "../src/catalogue.h"
#include "../src/diagnose.h"
#include "explained.h"
#include "../src/parse.h"

#define DIR "fixtures/local/"

static struct in_addr ip(const char *text)
{
	struct in_addr a;
	assert_int_equal(dsr_parse_ipv4(text, &a), 0);
	return a;
}

static struct dsr_local_snapshot *load(const char *name)
{
	char path[256], err[512];
	struct dsr_local_snapshot *s;

	snprintf(path, sizeof(path), DIR "%s", name);
	s = dsr_local_snapshot_load(path, err, sizeof(err));
	if (!s)
		fail_msg("%s", err);
	return s;
}

static struct dsr_local_snapshot *parse(const char *text, char *err, size_t errlen)
{
	return dsr_local_snapshot_parse(text, strlen(text), "t.snap", err, errlen);
}

static const struct dsr_check *find(const struct dsr_check *c, size_t n, const char *id, int port)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].id, id) == 0 && c[i].port == port)
			return &c[i];
	return NULL;
}

/* vip: "198.18.0.100", "2001:2::100" or both, comma-separated (one of each family) */
static struct dsr_check *rules(const struct dsr_local_snapshot *s, const char *vip, const char *ports,
			       size_t *n)
{
	struct dsr_local_target t = {0};
	char buf[128];
	char *save = NULL;

	snprintf(buf, sizeof(buf), "%s", vip);
	for (char *v = strtok_r(buf, ",", &save); v; v = strtok_r(NULL, ",", &save)) {
		if (strchr(v, ':')) {
			assert_int_equal(dsr_parse_ipv6(v, &t.vip6), 0);
			t.has_vip6 = true;
		} else {
			t.vip = ip(v);
			t.has_vip = true;
		}
	}
	save = NULL;

	snprintf(buf, sizeof(buf), "%s", ports);
	for (char *p = strtok_r(buf, ",", &save); p && strcmp(p, "-") != 0; p = strtok_r(NULL, ",", &save)) {
		unsigned port;
		assert_int_equal(dsr_parse_uint(p, 1, 65535, &port), 0);
		t.ports[t.nports++] = (uint16_t)port;
	}
	struct dsr_check *c = dsr_local_rules(s, &t, n);
	assert_non_null(c);
	return c;
}

/* ---- LOCALLIST ---- */

struct expectation {
	char snap[128], iis[128], vip[96], ports[64], check[32], port[24], status[8], reason[32];
	int line;
};

/* The finding kinds dsrcheck local's checks make (diagnose.c's rules on local.*
 * and local6.*): each must be some LOCALLIST run's. */
static const char *const local_kinds[] = {"server-claims-vip", "address-conflict", "vip-not-on-loopback",
					  "weak-host", "firewall", "not-listening", "not-bound"};
static bool kind_seen[sizeof(local_kinds) / sizeof(local_kinds[0])];

/* "80,8080", or "-" for none: a finding's ports as LOCALLIST writes them. */
static void finding_ports(const struct dsr_finding *x, char *out, size_t cap)
{
	size_t used = 0;

	snprintf(out, cap, "-");
	for (size_t k = 0; k < x->nports && used < cap; k++)
		used += (size_t)snprintf(out + used, cap - used, "%s%d", k ? "," : "", x->ports[k]);
}

/* The findings of one run against its "finding:KIND" lines (port: the finding's
 * ports, reason: how many checks it explains): all of them, in the report's
 * order, as FINDINGLIST does for captures; and every failing or warning check
 * explained by exactly one. */
static void check_findings(const struct expectation *e, size_t n, const struct dsr_check *c, size_t nchecks)
{
	struct dsr_findings f;
	size_t listed = 0, by, bad;

	assert_int_equal(dsr_diagnose(c, nchecks, &f), 0);
	if ((bad = misexplained(c, nchecks, &f, 0, &by)) < nchecks)
		fail_msg("LOCALLIST:%d: %s: %s port %d is explained by %zu findings", e[0].line, e[0].snap,
			 c[bad].id, c[bad].port, by);
	for (size_t i = 0; i < n; i++) {
		if (strncmp(e[i].check, "finding:", 8) != 0)
			continue;
		char ports[24] = "-";
		const struct dsr_finding *x = listed < f.n ? &f.items[listed] : NULL;
		if (x)
			finding_ports(x, ports, sizeof(ports));
		if (!x || strcmp(x->name, e[i].check + 8) != 0 || strcmp(ports, e[i].port) != 0 ||
		    strcmp(dsr_status_name(x->status), e[i].status) != 0 ||
		    x->nchecks != strtoul(e[i].reason, NULL, 10))
			fail_msg("LOCALLIST:%d: %s: finding %zu: want %s %s %s %s, got %s %s %s %zu", e[i].line,
				 e[i].snap, listed + 1, e[i].check + 8, e[i].port, e[i].status, e[i].reason,
				 x ? x->name : "none", ports, x ? dsr_status_name(x->status) : "-",
				 x ? x->nchecks : 0);
		for (size_t k = 0; k < sizeof(local_kinds) / sizeof(local_kinds[0]); k++)
			kind_seen[k] = kind_seen[k] || strcmp(local_kinds[k], x->name) == 0;
		listed++;
	}
	if (listed != f.n)
		fail_msg("LOCALLIST:%d: %s: %zu findings, LOCALLIST names %zu", e[0].line, e[0].snap, f.n,
			 listed);
	/* What to write into LOCALLIST for this run. */
	if (getenv("DSR_SHOW_FINDINGS"))
		for (size_t k = 0; k < f.n; k++) {
			char ports[24];
			finding_ports(&f.items[k], ports, sizeof(ports));
			print_message("LOCALLIST:%d: finding:%s %s %s %zu\n", e[n - 1].line, f.items[k].name, ports,
				      dsr_status_name(f.items[k].status), f.items[k].nchecks);
		}
	dsr_findings_free(&f);
}

static void run_group(const struct expectation *e, size_t n)
{
	struct dsr_local_snapshot *s = load(e[0].snap);
	struct dsr_check *c;
	size_t nchecks;
	bool *named;

	assert_non_null(s);
	if (strcmp(e[0].iis, "-") != 0) {
		char path[256];
		size_t len;
		snprintf(path, sizeof(path), DIR "%s", e[0].iis);
		char *text = dsr_local_read_text(path, 1 << 20, &len);
		assert_non_null(text);
		s->nbindings = 0;
		dsr_iis_parse(text, len, s);
		free(text);
	}
	c = rules(s, e[0].vip, e[0].ports, &nchecks);
	named = calloc(nchecks, sizeof(*named));
	assert_non_null(named);
	for (size_t i = 0; i < n; i++) {
		int port = strcmp(e[i].port, "-") == 0 ? -1 : atoi(e[i].port);
		if (strncmp(e[i].check, "finding:", 8) == 0)
			continue;
		const struct dsr_check *k = find(c, nchecks, e[i].check, port);
		const char *want_reason = strcmp(e[i].reason, "-") == 0 ? NULL : e[i].reason;

		if (!k)
			fail_msg("LOCALLIST:%d: %s has no check %s port %s", e[i].line, e[i].snap, e[i].check,
				 e[i].port);
		named[k - c] = true;
		if (strcmp(dsr_status_name(k->status), e[i].status) != 0 ||
		    (want_reason ? !k->reason || strcmp(k->reason, want_reason) != 0 : k->reason != NULL))
			fail_msg("LOCALLIST:%d: %s %s port %s: want %s %s, got %s %s (%s)", e[i].line, e[i].snap,
				 e[i].check, e[i].port, e[i].status, e[i].reason, dsr_status_name(k->status),
				 k->reason ? k->reason : "-", k->summary);
		if (k->status == DSR_FAIL && !k->remedy[0])
			fail_msg("LOCALLIST:%d: %s fails without a remedy", e[i].line, e[i].check);
	}
	for (size_t i = 0; i < nchecks; i++)
		if (!dsr_catalogue_has(&c[i]))
			fail_msg("LOCALLIST:%d: %s: %s %s %s is not in the catalogue", e[0].line, e[0].snap,
				 c[i].id, dsr_status_name(c[i].status), c[i].reason ? c[i].reason : "-");
	for (size_t i = 0; i < nchecks; i++)
		if (!named[i] && (c[i].status == DSR_FAIL || c[i].status == DSR_WARN))
			fail_msg("LOCALLIST:%d: %s: %s port %d is %s %s, not named in LOCALLIST", e[0].line,
				 e[0].snap, c[i].id, c[i].port, dsr_status_name(c[i].status), c[i].reason);
	check_findings(e, n, c, nchecks);
	free(named);
	free(c);
	dsr_local_snapshot_free(s);
}

static void test_locallist(void **state)
{
	FILE *in = fopen(DIR "LOCALLIST", "r");
	struct expectation *e = calloc(512, sizeof(*e));
	char line[512];
	size_t n = 0, groups = 0;
	int lineno = 0;

	(void)state;
	assert_non_null(in);
	assert_non_null(e);
	while (fgets(line, sizeof(line), in)) {
		lineno++;
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		assert_true(n < 512);
		struct expectation *x = &e[n];
		if (sscanf(line, "%127s %127s %95s %63s %31s %23s %7s %31s", x->snap, x->iis, x->vip, x->ports,
			   x->check, x->port, x->status, x->reason) != 8)
			fail_msg("LOCALLIST:%d: malformed line", lineno);
		x->line = lineno;
		n++;
	}
	fclose(in);
	/* Consecutive lines with the same run (snapshot, config, VIP, ports) are one run. */
	for (size_t start = 0; start < n;) {
		size_t end = start + 1;
		while (end < n && strcmp(e[end].snap, e[start].snap) == 0 &&
		       strcmp(e[end].iis, e[start].iis) == 0 && strcmp(e[end].vip, e[start].vip) == 0 &&
		       strcmp(e[end].ports, e[start].ports) == 0)
			end++;
		run_group(&e[start], end - start);
		groups++;
		start = end;
	}
	assert_true(groups >= 25 && n >= 60); /* a truncated LOCALLIST must not pass */
	for (size_t k = 0; k < sizeof(local_kinds) / sizeof(local_kinds[0]); k++)
		if (!kind_seen[k])
			fail_msg("LOCALLIST: no run names a %s finding", local_kinds[k]);
	free(e);
}

/* ---- the snapshot format ---- */

static const char header[] = "dsrcheck-local-snapshot 1\nplatform linux\n";

static void expect_error(const char *body, const char *want)
{
	char text[8192], err[512] = "";
	struct dsr_local_snapshot *s;

	snprintf(text, sizeof(text), "%s%s", header, body);
	s = parse(text, err, sizeof(err));
	if (s) {
		dsr_local_snapshot_free(s);
		fail_msg("accepted: %s", body);
	}
	if (strcmp(err, want) != 0)
		fail_msg("want '%s', got '%s'", want, err);
}

static void test_snapshot_errors(void **state)
{
	char err[512];

	(void)state;
	assert_null(parse("", err, sizeof(err)));
	assert_string_equal(err, "t.snap: empty file: not a dsrcheck local snapshot");
	assert_null(parse("# only a comment\nplatform linux\n", err, sizeof(err)));
	assert_string_equal(err, "t.snap:2: not a dsrcheck local snapshot (the first line must be "
				 "'dsrcheck-local-snapshot 1')");
	assert_null(parse("dsrcheck-local-snapshot 2\n", err, sizeof(err)));
	assert_string_equal(err, "t.snap:1: not a dsrcheck local snapshot (the first line must be "
				 "'dsrcheck-local-snapshot 1')");
	assert_null(parse("dsrcheck-local-snapshot 1\nhostname x\n", err, sizeof(err)));
	assert_string_equal(err, "t.snap: no 'platform' line");

	expect_error("bogus 1\n", "t.snap:3: unknown record 'bogus'");
	expect_error("platform windows\n", "t.snap:3: 'platform' given twice");
	expect_error("hostname \"a b\n", "t.snap:3: unterminated quote");
	expect_error("hostname \"a\\qb\"\n", "t.snap:3: bad escape in quotes (use \\\", \\\\ or \\xNN)");
	expect_error("hostname \"a\\x00b\"\n", "t.snap:3: bad escape in quotes (use \\\", \\\\ or \\xNN)");
	expect_error("hostname a b\n", "t.snap:3: 'hostname' takes 1 field, not 2");
	expect_error("iface eth0\niface eth0\n", "t.snap:4: interface 'eth0' given twice");
	expect_error("iface eth0 kind=wifi\n",
		     "t.snap:3: bad kind 'wifi' (loopback, dummy, ethernet or other)");
	expect_error("iface eth0 arp_ignore=-1\n",
		     "t.snap:3: bad value '-1' for 'arp_ignore' (a number, or ? for unknown)");
	expect_error("iface eth0 up=yes\n", "t.snap:3: bad value 'yes' for 'up' (0 or 1)");
	expect_error("iface eth0 mtu=1500\n", "t.snap:3: unknown interface attribute 'mtu'");
	expect_error("iface eth0 up\n", "t.snap:3: expected KEY=VALUE, not 'up'");
	expect_error("addr eth9 10.0.0.1/24\n",
		     "t.snap:3: 'addr' names interface 'eth9', which no earlier 'iface' line defines");
	expect_error("iface eth0\naddr eth0 10.0.0.1/33\n",
		     "t.snap:4: bad address '10.0.0.1/33' (want A.B.C.D/LEN)");
	expect_error("iface eth0\naddr eth0 10.0.0.1\n", "t.snap:4: bad address '10.0.0.1' (want A.B.C.D/LEN)");
	expect_error("listen 10.0.0.1 0\n", "t.snap:3: bad port '0' (use 1 to 65535)");
	expect_error("listen fe80::g 80\n",
		     "t.snap:3: bad listening address 'fe80::g' (a dotted quad or an IPv6 address)");
	expect_error("state dns read\n", "t.snap:3: unknown source 'dns' (interfaces, routes, listen, "
					   "firewall, iis, events, ipv6 or ndp-proxy)");
	expect_error("state listen maybe\n",
		     "t.snap:3: bad state 'maybe' (read, absent, unreadable or unread)");
	expect_error("state listen read why\n", "t.snap:3: source 'listen' takes no reason");
	expect_error("fw.profile home 1\n", "t.snap:3: unknown profile 'home' (domain, private or public)");
	expect_error("sysctl.all 1 2\n", "t.snap:3: 'sysctl.all' takes 3 fields, not 2");
	expect_error("iis.binding a http * 80\n", "t.snap:3: 'iis.binding' takes 5 fields, not 4");
	expect_error("\x1b[31m\x01 1\n", "t.snap:3: unknown record '\\x1b[31m\\x01'");
}

static void test_snapshot_limits(void **state)
{
	char err[512];
	size_t size = 5 * 1024 * 1024;
	char *big = malloc(size + 1);
	struct dsr_local_snapshot *s;

	(void)state;
	assert_non_null(big);
	/* more than 4 MiB */
	memset(big, '#', size);
	big[size] = '\0';
	memcpy(big, header, strlen(header));
	assert_null(dsr_local_snapshot_parse(big, size, "big.snap", err, sizeof(err)));
	assert_string_equal(err, "big.snap: file too large (at most 4194304 bytes)");
	/* a line longer than 4096 bytes */
	snprintf(big, size, "%shostname ", header);
	memset(big + strlen(big), 'a', 5000);
	big[strlen(header) + 9 + 5000] = '\0';
	assert_null(parse(big, err, sizeof(err)));
	assert_string_equal(err, "t.snap:3: line too long (at most 4096 bytes)");
	/* a NUL byte */
	const char nul[] = "dsrcheck-local-snapshot 1\nplatform li\0nux\n";
	assert_null(dsr_local_snapshot_parse(nul, sizeof(nul) - 1, "t.snap", err, sizeof(err)));
	assert_string_equal(err, "t.snap:2: NUL byte in line (is this a snapshot file?)");
	/* too many interfaces */
	size_t o = (size_t)snprintf(big, size, "%s", header);
	for (int i = 0; i < DSR_LOCAL_MAX_IFACES + 1; i++)
		o += (size_t)snprintf(big + o, size - o, "iface e%d\n", i);
	assert_null(parse(big, err, sizeof(err)));
	assert_string_equal(err, "t.snap:67: too many interfaces (at most 64)");
	/* a value too long for its field */
	snprintf(big, size, "%siface eth0 description=", header);
	memset(big + strlen(big), 'd', 300);
	big[strlen(header) + 23 + 300] = '\0';
	assert_null(parse(big, err, sizeof(err)));
	assert_true(strncmp(err, "t.snap:3: description too long: 'ddd", 36) == 0);
	/* CRLF line ends are accepted */
	s = parse("dsrcheck-local-snapshot 1\r\nplatform windows\r\nhostname WEB01\r\n", err, sizeof(err));
	assert_non_null(s);
	assert_string_equal(s->hostname, "WEB01");
	dsr_local_snapshot_free(s);
	free(big);
}

/* What a snapshot says survives writing and reading it again: the same checks. */
static void roundtrip(const char *name)
{
	struct dsr_local_snapshot *a = load(name), *b;
	char path[] = "build/test_local_roundtrip.snap", err[512];
	struct dsr_check *ca, *cb;
	size_t na, nb;

	assert_non_null(a);
	assert_int_equal(dsr_local_snapshot_save(a, path, err, sizeof(err)), 0);
	b = dsr_local_snapshot_load(path, err, sizeof(err));
	if (!b)
		fail_msg("%s", err);
	remove(path);
	ca = rules(a, "198.18.0.100", "80,443,8080", &na);
	cb = rules(b, "198.18.0.100", "80,443,8080", &nb);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(ca[i].id, cb[i].id);
		assert_int_equal(ca[i].status, cb[i].status);
		assert_string_equal(ca[i].summary, cb[i].summary);
		assert_string_equal(ca[i].remedy, cb[i].remedy);
	}
	assert_string_equal(a->hostname, b->hostname);
	assert_int_equal(a->nfw_lines, b->nfw_lines);
	assert_int_equal(a->nfw_rules, b->nfw_rules);
	assert_int_equal(a->nbindings, b->nbindings);
	assert_int_equal(a->nconflicts, b->nconflicts);
	free(ca);
	free(cb);
	dsr_local_snapshot_free(a);
	dsr_local_snapshot_free(b);
}

static void test_snapshot_roundtrip(void **state)
{
	(void)state;
	roundtrip("win-healthy.snap");
	roundtrip("win-conflict.snap");
	roundtrip("win-firewall-rule.snap");
	roundtrip("win-unreadable.snap");
	roundtrip("linux-nft-jump.snap");
	roundtrip("linux-dummy-iptables.snap");
	roundtrip("v6-healthy.snap");
	roundtrip("v6-vip6-dadfailed.snap");
	roundtrip("v6-proxy-ndp.snap");
	roundtrip("v6-proxy-ndp-unread.snap");
	roundtrip("win6-healthy.snap");
}

/* The IPv6 records: what a collector of today writes reads back the same, and
 * a snapshot without them leaves the IPv6 checks unread, never passed. */
static void test_snapshot_ipv6(void **state)
{
	char err[512];
	struct dsr_local_snapshot *s;

	(void)state;
	char text[1024];
	snprintf(text, sizeof(text), "%s%s", header,
		 "iface eth0\naddr eth0 2001:2::100/128 tentative dadfailed\naddr eth0 fe80::1/64\n"
		  "state ipv6 read\nndp.proxy 2001:2::100 eth0\nsysctl6.all 1\niface lo proxy_ndp=0\n");
	s = parse(text, err, sizeof(err));
	if (!s)
		fail_msg("%s", err);
	assert_int_equal(s->ipv6_state, DSR_LOCAL_READ);
	assert_int_equal(s->ifaces[0].naddrs6, 2);
	assert_int_equal(s->ifaces[0].naddrs, 0);
	assert_int_equal(s->ifaces[0].addrs6[0].prefix, 128);
	assert_int_equal(s->ifaces[0].addrs6[0].flags, DSR_LOCAL_IFA_TENTATIVE | DSR_LOCAL_IFA_DADFAILED);
	assert_int_equal(s->ifaces[0].addrs6[1].flags, 0);
	assert_int_equal(s->ifaces[0].proxy_ndp, DSR_LOCAL_UNKNOWN);
	assert_int_equal(s->ifaces[1].proxy_ndp, 0);
	assert_int_equal(s->all_proxy_ndp, 1);
	assert_int_equal(s->nndp_proxies, 1);
	assert_string_equal(s->ndp_proxies[0].dev, "eth0");
	assert_int_equal(s->ndp_proxies_state, DSR_LOCAL_UNREAD);
	dsr_local_snapshot_free(s);

	expect_error("iface eth0\naddr eth0 2001:2::100/129\n",
		     "t.snap:4: bad address '2001:2::100/129' (want IPV6/LEN)");
	expect_error("iface eth0\naddr eth0 2001:2::100\n", "t.snap:4: bad address '2001:2::100' (want IPV6/LEN)");
	expect_error("iface eth0\naddr eth0 2001:2::g/64\n", "t.snap:4: bad address '2001:2::g/64' (want IPV6/LEN)");
	expect_error("iface eth0\naddr eth0 2001:2::1/64 optimistic\n",
		     "t.snap:4: unknown address state 'optimistic' (tentative or dadfailed)");
	expect_error("iface eth0\naddr eth0 10.0.0.1/24 tentative\n", "t.snap:4: 'addr' takes 2 fields, not 3");
	expect_error("iface eth0\naddr eth0 2001:2::1/64 tentative dadfailed x\n",
		     "t.snap:4: 'addr' takes 2 to 4 fields, not 5");
	expect_error("ndp.proxy 198.18.0.1 eth0\n", "t.snap:3: bad IPv6 address '198.18.0.1'");
	expect_error("ndp.proxy 2001:2::1\n", "t.snap:3: 'ndp.proxy' takes 2 fields, not 1");
	expect_error("sysctl6.all x\n", "t.snap:3: bad value 'x' for 'proxy_ndp' (a number, or ? for unknown)");
	expect_error("iface eth0 weakhost6_send=2x\n",
		     "t.snap:3: bad value '2x' for 'weakhost6_send' (a number, or ? for unknown)");
	expect_error("state ipv6 read why\n", "t.snap:3: source 'ipv6' takes no reason");
}

/* ---- applicationHost.config ---- */

static struct dsr_local_snapshot *iis(const char *text)
{
	struct dsr_local_snapshot *s = dsr_local_snapshot_new(DSR_LOCAL_WINDOWS);

	assert_non_null(s);
	dsr_iis_parse(text, strlen(text), s);
	return s;
}

static void test_iis(void **state)
{
	struct dsr_local_snapshot *s;

	(void)state;
	s = iis("<configuration><system.applicationHost><sites>"
		"<site name='A &amp; B' id=\"1\"><bindings>"
		"<binding protocol=\"http\" bindingInformation=\"198.18.0.100:80:www.example.com\"/>"
		"<binding protocol = 'https' bindingInformation = '*:443:' />"
		"<binding protocol=\"net.tcp\" bindingInformation=\"808:*\"/>"
		"<binding protocol=\"http\" bindingInformation=\"[::1]:8080:\"/>"
		"<binding protocol=\"http\" bindingInformation=\":81:\"/>"
		"<binding protocol=\"http\" bindingInformation=\"1.2.3.4:99999:\"/>"
		"</bindings></site>"
		"<site name=\"Empty\" id=\"2\" />"
		"<!-- <site name=\"Commented\"><bindings><binding protocol=\"http\" "
		"bindingInformation=\"198.18.0.100:81:\"/></bindings></site> -->"
		"<siteDefaults><bindings><binding protocol=\"http\" bindingInformation=\"*:82:\"/>"
		"</bindings></siteDefaults>"
		"</sites></system.applicationHost>"
		"<location path=\"x\"><binding protocol=\"http\" bindingInformation=\"*:83:\"/></location>"
		"</configuration>");
	assert_int_equal(s->iis_state, DSR_LOCAL_READ);
	assert_int_equal(s->nbindings, 4);
	assert_string_equal(s->bindings[0].site, "A & B");
	assert_string_equal(s->bindings[0].address, "198.18.0.100");
	assert_int_equal(s->bindings[0].port, 80);
	assert_string_equal(s->bindings[0].host, "www.example.com");
	assert_string_equal(s->bindings[1].protocol, "https");
	assert_string_equal(s->bindings[1].address, "*");
	assert_string_equal(s->bindings[2].address, "[::1]");
	assert_int_equal(s->bindings[2].port, 8080);
	assert_string_equal(s->bindings[3].address, "");
	assert_int_equal(s->bindings[3].port, 81);
	assert_string_equal(s->iis_why, "1 malformed bindingInformation value ignored");
	dsr_local_snapshot_free(s);

	/* Not the file, or not well-formed enough to trust: unreadable, nothing kept. */
	static const char *const bad[] = {
		"",
		"just text",
		"<configuration><sites><site name=\"x\"><bindings><binding protocol=\"http\" "
		"bindingInformation=\"*:80:\"/></bindings></site></sites><!-- open",
		"<configuration><sites><site name=\"x><bindings>",
		"<configuration><sites><site name=x>",
		"<configuration><![CDATA[ never closed",
		"<configuration><sites><site name=\"a\"",
		"<",
		"<>",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = iis(bad[i]);
		if (s->iis_state != DSR_LOCAL_UNREADABLE || s->nbindings != 0)
			fail_msg("bad[%zu] accepted", i);
		dsr_local_snapshot_free(s);
	}
}

/* Every prefix of every fixture config parses without reading past its end
 * (run under ASan: make SANITIZE=1 unit). */
static void test_iis_prefixes(void **state)
{
	static const char *const files[] = {"default", "bound-vip", "other-ip", "star",
					    "https",   "comments",  "garbage",  "truncated"};

	(void)state;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char path[128];
		size_t len;
		snprintf(path, sizeof(path), DIR "iis/%s.config", files[f]);
		char *text = dsr_local_read_text(path, 1 << 20, &len);
		assert_non_null(text);
		for (size_t n = 0; n <= len; n++) {
			char *copy = malloc(n ? n : 1);
			struct dsr_local_snapshot *s = dsr_local_snapshot_new(DSR_LOCAL_WINDOWS);
			assert_non_null(copy);
			assert_non_null(s);
			memcpy(copy, text, n);
			dsr_iis_parse(copy, n, s);
			assert_true(s->iis_state == DSR_LOCAL_READ || s->iis_state == DSR_LOCAL_UNREADABLE);
			dsr_local_snapshot_free(s);
			free(copy);
		}
		free(text);
	}
}

/* ---- Windows Firewall rule strings ---- */

static void test_winfw(void **state)
{
	struct dsr_winfw_rule r;
	struct in_addr vip = ip("198.18.0.100");

	(void)state;
	dsr_winfw_rule_parse("v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Public|"
			     "LPort=80|LPort=8000-8080|LA4=198.18.0.0/255.255.255.0|Name=Web|",
			     &r);
	assert_true(r.valid && r.allow && r.active && r.inbound);
	assert_string_equal(r.name, "Web");
	assert_true(dsr_winfw_rule_matches(&r, vip, 80, DSR_FW_PUBLIC));
	assert_true(dsr_winfw_rule_matches(&r, vip, 8080, DSR_FW_PUBLIC));
	assert_false(dsr_winfw_rule_matches(&r, vip, 8081, DSR_FW_PUBLIC));
	assert_false(dsr_winfw_rule_matches(&r, vip, 80, DSR_FW_DOMAIN));
	assert_false(dsr_winfw_rule_matches(&r, ip("198.18.1.100"), 80, DSR_FW_PUBLIC));
	assert_false(dsr_winfw_rule_matches(&r, vip, -1, DSR_FW_PUBLIC));

	dsr_winfw_rule_parse("v2.10|Action=Allow|Active=TRUE|Dir=In|LA4=198.18.0.90-198.18.0.110|", &r);
	assert_true(dsr_winfw_rule_matches(&r, vip, 443, DSR_FW_DOMAIN));
	assert_true(dsr_winfw_rule_matches(&r, vip, -1, DSR_FW_PRIVATE));

	dsr_winfw_rule_parse("v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=17|LPort=80|", &r);
	assert_false(dsr_winfw_rule_matches(&r, vip, 80, DSR_FW_PUBLIC)); /* UDP */
	dsr_winfw_rule_parse("v2.30|Action=Allow|Active=TRUE|Dir=Out|Protocol=6|LPort=80|", &r);
	assert_false(dsr_winfw_rule_matches(&r, vip, 80, DSR_FW_PUBLIC));
	dsr_winfw_rule_parse("v2.30|Action=Allow|Active=FALSE|Dir=In|Protocol=6|LPort=80|", &r);
	assert_false(dsr_winfw_rule_matches(&r, vip, 80, DSR_FW_PUBLIC));
	dsr_winfw_rule_parse("v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=RPC|", &r);
	assert_true(r.uncertain);
	assert_false(dsr_winfw_rule_matches(&r, vip, 80, DSR_FW_PUBLIC));
	dsr_winfw_rule_parse("v2.30|Action=Allow|Active=TRUE|Dir=In|LA4=LocalSubnet|", &r);
	assert_true(r.uncertain);
	dsr_winfw_rule_parse("v2.30|Action=Block|Active=TRUE|Dir=In|LA4=198.18.0.100/32|", &r);
	assert_false(r.allow);
	assert_true(dsr_winfw_rule_matches(&r, vip, 80, DSR_FW_PUBLIC));
	/* garbage never matches */
	dsr_winfw_rule_parse("", &r);
	assert_false(r.valid);
	dsr_winfw_rule_parse("v2.30|||||LPort=99999|LPort=-|LA4=/|LA4=1.2.3.4/99|Name=", &r);
	assert_false(dsr_winfw_rule_matches(&r, vip, 80, DSR_FW_PUBLIC));
}

/* ---- the Linux ruleset ---- */

static enum dsr_fw_verdict fw(const char *const *text, size_t n, int port)
{
	static char lines[64][DSR_LOCAL_TEXT];
	static const char *const ifaces[] = {"eth0"};
	struct dsr_fw_finding f;

	assert_true(n <= 64);
	for (size_t i = 0; i < n; i++)
		snprintf(lines[i], DSR_LOCAL_TEXT, "%s", text[i]);
	dsr_linux_fw_eval((const char(*)[DSR_LOCAL_TEXT])lines, n, ip("198.18.0.100"), port, ifaces, 1,
			  &f);
	return f.verdict;
}

#define FW(port, ...)                                                                              \
	fw((const char *const[]){__VA_ARGS__},                                                     \
	   sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *), (port))

static void test_linux_firewall(void **state)
{
	(void)state;
	/* the lab's firewall scenario */
	assert_int_equal(FW(80, "table inet dsrlab {", "\tchain input {",
			    "\t\ttype filter hook input priority 0; policy accept;",
			    "\t\tip daddr 198.18.0.100 counter packets 0 bytes 0 drop", "\t}", "}"),
			 DSR_FW_DROPPED);
	/* the same in an output chain, or for another address, or negated: no say */
	assert_int_equal(FW(80, "table ip t {", "chain o {", "type filter hook output priority 0; policy accept;",
			    "ip daddr 198.18.0.100 drop", "}", "}"),
			 DSR_FW_ACCEPTED);
	assert_int_equal(FW(80, "table ip t {", "chain i {", "type filter hook input priority 0; policy accept;",
			    "ip daddr 198.18.1.0/24 drop", "ip daddr != 198.18.0.100 drop", "}", "}"),
			 DSR_FW_ACCEPTED);
	/* accepted before the drop */
	assert_int_equal(FW(80, "table ip t {", "chain i {", "type filter hook input priority 0; policy drop;",
			    "ct state established,related accept", "tcp dport { 22, 80 } accept", "drop", "}",
			    "}"),
			 DSR_FW_ACCEPTED);
	assert_int_equal(FW(8080, "table ip t {", "chain i {",
			    "type filter hook input priority 0; policy drop;",
			    "ct state established,related accept", "tcp dport { 22, 80 } accept", "}", "}"),
			 DSR_FW_POLICY_DROP);
	/* a rule for another interface, another protocol */
	assert_int_equal(FW(80, "table inet t {", "chain i {",
			    "type filter hook input priority 0; policy accept;", "iifname \"eth1\" drop",
			    "udp dport 80 drop", "meta l4proto udp drop", "}", "}"),
			 DSR_FW_ACCEPTED);
	/* what cannot be evaluated is unclear, never a fail */
	assert_int_equal(FW(80, "table inet t {", "chain i {",
			    "type filter hook input priority 0; policy accept;",
			    "ip saddr 203.0.113.0/24 drop", "}", "}"),
			 DSR_FW_UNCLEAR);
	assert_int_equal(FW(80, "table inet t {", "chain i {",
			    "type filter hook input priority 0; policy drop;", "ip saddr @friends accept",
			    "}", "}"),
			 DSR_FW_UNCLEAR);
	/* a netdev ingress chain sees the frame too */
	assert_int_equal(FW(80, "table netdev n {", "chain c {",
			    "type filter hook ingress device \"eth0\" priority 0; policy accept;",
			    "ip daddr 198.18.0.0/16 tcp dport 80-90 drop", "}", "}"),
			 DSR_FW_DROPPED);
	/* iptables-save */
	assert_int_equal(FW(80, "*filter", ":INPUT ACCEPT [0:0]", ":DSR - [0:0]", "-A INPUT -j DSR",
			    "-A DSR -d 198.18.0.100/32 -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset",
			    "COMMIT"),
			 DSR_FW_DROPPED);
	assert_int_equal(FW(80, "*filter", ":INPUT ACCEPT [0:0]", "-A INPUT ! -d 198.18.0.100/32 -j DROP",
			    "-A INPUT -i lo -j DROP", "COMMIT"),
			 DSR_FW_ACCEPTED);
	assert_int_equal(FW(80, "*nat", ":PREROUTING ACCEPT [0:0]", "-A PREROUTING -d 198.18.0.100/32 -j DROP",
			    "COMMIT"),
			 DSR_FW_ACCEPTED);
	/* a jump loop is bounded */
	assert_int_equal(FW(80, "table ip t {", "chain i {", "type filter hook input priority 0; policy accept;",
			    "jump a", "}", "chain a {", "jump a", "}", "}"),
			 DSR_FW_UNCLEAR);
	/* garbage is no rule */
	assert_int_equal(FW(80, "}}}}", "{ { {", "table", "chain", "-A", "*", ":"), DSR_FW_ACCEPTED);
}

/* ---- the kernel's rules for the sysctls ---- */

static struct dsr_local_snapshot *linux_host(int all_ignore, int eth_ignore, int all_announce,
					     int eth_announce)
{
	char text[1024], err[256];
	struct dsr_local_snapshot *s;

	snprintf(text, sizeof(text),
		 "dsrcheck-local-snapshot 1\nplatform linux\nhostname h\nstate interfaces read\n"
		 "sysctl.all %d %d 0\niface lo kind=loopback up=1 arp_ignore=0 arp_announce=0 rp_filter=0\n"
		 "addr lo 198.18.0.100/32\niface eth0 kind=ethernet up=1 arp_ignore=%d "
		 "arp_announce=%d rp_filter=0\naddr eth0 198.18.0.11/24\n"
		 "iface eth1 kind=ethernet up=0 arp_ignore=0 arp_announce=0 rp_filter=0\n"
		 "addr eth1 192.0.2.1/24\n",
		 all_ignore, all_announce, eth_ignore, eth_announce);
	s = parse(text, err, sizeof(err));
	if (!s)
		fail_msg("%s", err);
	return s;
}

static const char *verdict_of(const struct dsr_local_snapshot *s, const char *id)
{
	static char out[64];
	size_t n;
	struct dsr_check *c = rules(s, "198.18.0.100", "", &n);
	const struct dsr_check *k = find(c, n, id, -1);

	assert_non_null(k);
	snprintf(out, sizeof(out), "%s %s", dsr_status_name(k->status), k->reason ? k->reason : "-");
	free(c);
	return out;
}

static enum dsr_fw_verdict fw6(const char *const *text, size_t n, int port)
{
	static char lines[64][DSR_LOCAL_TEXT];
	static const char *const ifaces[] = {"eth0"};
	struct dsr_fw_finding f;
	struct in6_addr vip6;

	assert_true(n <= 64);
	assert_int_equal(dsr_parse_ipv6("2001:2::100", &vip6), 0);
	for (size_t i = 0; i < n; i++)
		snprintf(lines[i], DSR_LOCAL_TEXT, "%s", text[i]);
	dsr_linux_fw_eval6((const char(*)[DSR_LOCAL_TEXT])lines, n, &vip6, port, ifaces, 1, &f);
	return f.verdict;
}

#define FW6(port, ...)                                                                             \
	fw6((const char *const[]){__VA_ARGS__},                                                    \
	    sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *), (port))

/* local6.firewall: the IPv6 packet meets ip6 and inet chains and ip6tables-save's,
 * never ip tables nor iptables-save's; IPv4 matches in an inet chain miss it. */
static void test_linux_firewall6(void **state)
{
	(void)state;
	assert_int_equal(FW6(80, "table inet t {", "chain i {", "type filter hook input priority 0; policy accept;",
			     "ip6 daddr 2001:2::100 tcp dport 80 drop", "}", "}"),
			 DSR_FW_DROPPED);
	assert_int_equal(FW6(80, "table ip6 t {", "chain i {", "type filter hook input priority 0; policy accept;",
			     "ip6 daddr 2001:2::/64 drop", "}", "}"),
			 DSR_FW_DROPPED);
	assert_int_equal(FW6(80, "table ip6 t {", "chain i {", "type filter hook input priority 0; policy accept;",
			     "ip6 daddr 2001:2::1-2001:2::1ff drop", "}", "}"),
			 DSR_FW_DROPPED);
	/* another prefix, a negation, an IPv4 match, ICMP: no say */
	assert_int_equal(FW6(80, "table inet t {", "chain i {", "type filter hook input priority 0; policy accept;",
			     "ip6 daddr 2001:2:0:1::/64 drop", "ip6 daddr != 2001:2::100 drop",
			     "ip daddr 198.18.0.100 drop", "ip protocol tcp drop", "icmp type echo-request drop",
			     "meta nfproto ipv4 drop", "}", "}"),
			 DSR_FW_ACCEPTED);
	/* an ip table's policy drop is IPv4's; an ip6 table's is ours */
	assert_int_equal(FW6(80, "table ip t {", "chain i {", "type filter hook input priority 0; policy drop;",
			     "}", "}"),
			 DSR_FW_ACCEPTED);
	assert_int_equal(FW6(80, "table ip6 t {", "chain i {", "type filter hook input priority 0; policy drop;",
			     "ip6 nexthdr icmpv6 accept", "ip6 saddr 2001:db8::/32 accept", "}", "}"),
			 DSR_FW_UNCLEAR);
	assert_int_equal(FW6(80, "table ip6 t {", "chain i {", "type filter hook input priority 0; policy drop;",
			     "ip6 nexthdr tcp tcp dport 80 accept", "}", "}"),
			 DSR_FW_ACCEPTED);
	assert_int_equal(FW6(80, "table ip6 t {", "chain i {", "type filter hook input priority 0; policy drop;",
			     "ip6 saddr ::/0 tcp dport 80 accept", "}", "}"),
			 DSR_FW_ACCEPTED);
	/* iptables-save's chains are IPv4's, ip6tables-save's IPv6's */
	assert_int_equal(FW6(80, "# Generated by iptables-save v1.8.9", "*filter", ":INPUT DROP [0:0]", "COMMIT",
			     "# Generated by ip6tables-save v1.8.9", "*filter", ":INPUT ACCEPT [0:0]",
			     "-A INPUT -d 2001:2::100/128 -p tcp -m tcp --dport 80 -j REJECT", "COMMIT"),
			 DSR_FW_DROPPED);
	assert_int_equal(FW(80, "# Generated by iptables-save v1.8.9", "*filter", ":INPUT ACCEPT [0:0]", "COMMIT",
			    "# Generated by ip6tables-save v1.8.9", "*filter", ":INPUT DROP [0:0]",
			    "-A INPUT -d 2001:2::100/128 -j REJECT", "COMMIT"),
			 DSR_FW_ACCEPTED);
	/* IPv4 keeps its reading: an ip6 rule in an inet chain is not its business */
	assert_int_equal(FW(80, "table inet t {", "chain i {", "type filter hook input priority 0; policy accept;",
			    "ip6 daddr 2001:2::100 drop", "}", "}"),
			 DSR_FW_ACCEPTED);
}

/* /proc/net/if_inet6: every line hostile. */
static void test_if_inet6(void **state)
{
	struct dsr_local_snapshot *s = dsr_local_snapshot_new(DSR_LOCAL_LINUX);
	char text[4096], ip6[DSR_IPV6_TEXT];

	(void)state;
	assert_non_null(s);
	s->nifaces = 2;
	snprintf(s->ifaces[0].name, sizeof(s->ifaces[0].name), "lo");
	snprintf(s->ifaces[1].name, sizeof(s->ifaces[1].name), "eth0");
	snprintf(text, sizeof(text), "%s",
		 /* good: lo's VIP6, eth0's tentative+dadfailed VIP6, a link-local, a wide index */
		 "20010002000000000000000000000100 01 80 00 80       lo\n"
		 "20010002000000000000000000000100 02 80 00 48     eth0\n"
		 "fe800000000000000200fffffe000011 1a4 40 20 80     eth0\n"
		 /* hostile: short address, long address, bad hex, prefix > 128, flags wider
		  * than a byte, bad flags, unknown interface, missing and extra fields */
		 "2001000200000000000000000000010 01 80 00 80 lo\n"
		 "200100020000000000000000000001000 01 80 00 80 lo\n"
		 "2001000200000000000000000000010g 01 80 00 80 lo\n"
		 "20010002000000000000000000000100 01 81 00 80 lo\n"
		 "20010002000000000000000000000100 01 80 00 180 lo\n"
		 "20010002000000000000000000000100 01 80 00 -1 lo\n"
		 "20010002000000000000000000000100 01 80 00 zz lo\n"
		 "20010002000000000000000000000100 09 80 00 80 eth9\n"
		 "20010002000000000000000000000100 01 80 00 80\n"
		 "20010002000000000000000000000100 01 80 00 80 lo extra\n"
		 "\x01\x02\n"
		 "20010002000000000000000000000100 123456789 80 00 80 lo\n"
		 "20010002000000000000000000000100 01 80 00 80 lo"); /* no newline at the end */
	assert_int_equal(dsr_local_parse_if_inet6(text, s), 12);
	assert_int_equal(s->ifaces[0].naddrs6, 2);
	assert_int_equal(s->ifaces[1].naddrs6, 2);
	dsr_format_ipv6(&s->ifaces[0].addrs6[0].addr, ip6);
	assert_string_equal(ip6, "2001:2::100");
	assert_int_equal(s->ifaces[0].addrs6[0].prefix, 128);
	assert_int_equal(s->ifaces[0].addrs6[0].flags, 0x80);
	assert_int_equal(s->ifaces[1].addrs6[0].flags, DSR_LOCAL_IFA_TENTATIVE | DSR_LOCAL_IFA_DADFAILED);
	dsr_format_ipv6(&s->ifaces[1].addrs6[1].addr, ip6);
	assert_string_equal(ip6, "fe80::200:ffff:fe00:11");
	assert_int_equal(s->ifaces[1].addrs6[1].prefix, 64);
	/* an interface's table is bounded */
	for (int i = 0; i < DSR_LOCAL_MAX_IFACE_ADDRS + 4; i++)
		dsr_local_parse_if_inet6("20010002000000000000000000000101 02 80 00 80 eth0\n", s);
	assert_int_equal(s->ifaces[1].naddrs6, DSR_LOCAL_MAX_IFACE_ADDRS);
	assert_int_equal(dsr_local_parse_if_inet6("", s), 0);

	/* ip -6 neigh show proxy */
	assert_int_equal(dsr_local_parse_ndp_proxies("2001:2::100 dev eth0 proxy\n\n2001:2::101 dev eth0 \n"
						     "2001:2::102 eth0 proxy\nnot-an-address dev eth0 proxy\n"
						     "198.18.0.1 dev eth0 proxy\n2001:2::103 dev\n",
						     s),
			 4);
	assert_int_equal(s->nndp_proxies, 2);
	assert_string_equal(s->ndp_proxies[1].dev, "eth0");
	dsr_local_snapshot_free(s);
}

static void test_sysctl_semantics(void **state)
{
	static const struct {
		int all_ignore, eth_ignore, all_announce, eth_announce;
		const char *ignore, *announce;
	} cases[] = {
		/* the kernel takes the larger of all and the interface */
		{1, 0, 2, 0, "pass -", "pass -"},
		{0, 1, 0, 2, "pass -", "pass -"},
		{0, 2, 1, 2, "pass -", "pass -"},
		{0, 0, 0, 0, "fail too-permissive", "fail too-permissive"},
		{3, 0, 1, 0, "fail too-permissive", "fail too-permissive"}, /* 3: scope; 1: VIP in subnet */
		{0, 5, 3, 0, "fail too-permissive", "fail too-permissive"}, /* reserved; >2 acts as 0 */
		{8, 1, 2, 2, "warn too-strict", "pass -"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dsr_local_snapshot *s = linux_host(cases[i].all_ignore, cases[i].eth_ignore,
							  cases[i].all_announce, cases[i].eth_announce);
		const char *got = verdict_of(s, "local.arp.ignore");
		if (strcmp(got, cases[i].ignore) != 0)
			fail_msg("case %zu: arp_ignore: want %s, got %s", i, cases[i].ignore, got);
		got = verdict_of(s, "local.arp.announce");
		if (strcmp(got, cases[i].announce) != 0)
			fail_msg("case %zu: arp_announce: want %s, got %s", i, cases[i].announce, got);
		/* eth1 is down: it faces nothing and is never judged */
		dsr_local_snapshot_free(s);
	}
}

/* A sysctl tree recorded in the lab (arp-leak, rs2), collected as if it were /. */
static void test_sysctl_tree(void **state)
{
	struct dsr_local_snapshot *s = linux_host(1, 1, 2, 2);

	(void)state;
	dsr_local_read_sysctls(DIR "sysctl/arp-leak-rs2", s);
	assert_int_equal(s->all_arp_ignore, 0);
	assert_int_equal(s->all_arp_announce, 0);
	assert_int_equal(s->ifaces[1].arp_ignore, 0);
	assert_int_equal(s->ifaces[1].arp_announce, 0);
	assert_int_equal(s->ifaces[0].arp_ignore, 0); /* lo */
	assert_int_equal(s->ifaces[2].arp_ignore, DSR_LOCAL_UNKNOWN); /* eth1: not in the tree */
	assert_string_equal(verdict_of(s, "local.arp.ignore"), "fail too-permissive");
	dsr_local_snapshot_free(s);
}

static void test_proc_parsers(void **state)
{
	struct dsr_local_snapshot *s = dsr_local_snapshot_new(DSR_LOCAL_LINUX);
	size_t len;
	char *tcp = dsr_local_read_text(DIR "sysctl/arp-leak-rs2/proc/net/tcp", 1 << 20, &len);
	char *tcp6 = dsr_local_read_text(DIR "sysctl/arp-leak-rs2/proc/net/tcp6", 1 << 20, &len);
	char *route = dsr_local_read_text(DIR "sysctl/arp-leak-rs2/proc/net/route", 1 << 20, &len);

	(void)state;
	assert_non_null(s);
	assert_non_null(tcp);
	assert_non_null(tcp6);
	assert_non_null(route);
	dsr_local_parse_proc_tcp(tcp, false, s);
	dsr_local_parse_proc_tcp(tcp6, true, s);
	dsr_local_parse_proc_route(route, s);
	/* LISTEN sockets only (state 0A), each once; an IPv6 address in RFC 5952 text
	 * (for local6.listen: each word of /proc is a host-order __be32) */
	assert_int_equal(s->nlisteners, 5);
	assert_string_equal(s->listeners[0].addr, "0.0.0.0");
	assert_int_equal(s->listeners[0].port, 80);
	assert_string_equal(s->listeners[1].addr, "0.0.0.0");
	assert_int_equal(s->listeners[1].port, 8080);
	assert_string_equal(s->listeners[2].addr, "::");
	assert_int_equal(s->listeners[2].port, 22);
	assert_string_equal(s->listeners[3].addr, "198.18.0.100");
	assert_int_equal(s->listeners[3].port, 443);
	assert_string_equal(s->listeners[4].addr, "fe80::200:ff:0:1");
	assert_int_equal(s->listeners[4].port, 80);
	assert_int_equal(s->nroutes, 2);
	assert_int_equal(s->routes[0].dest.prefix, 0);
	assert_string_equal(s->routes[0].dev, "eth0");
	assert_int_equal(s->routes[1].dest.prefix, 24);
	/* garbage is ignored, never read past its end */
	dsr_local_parse_proc_tcp("0:", false, s);
	dsr_local_parse_proc_tcp("  0: 0100007F:0050 00000000:0000 0", false, s);
	dsr_local_parse_proc_tcp("  0: ZZ00007F:0050 00000000:0000 0A\n", false, s);
	dsr_local_parse_proc_route("eth0\t00000000\n", s);
	dsr_local_parse_proc_tcp("  0: 0000000000000000000000000000000G:0050 00000000000000000000000000000000:0000 0A\n",
				 true, s);
	dsr_local_parse_proc_tcp("  0: 00000000000000000000000000000000:005", true, s);
	assert_int_equal(s->nlisteners, 5);
	assert_int_equal(s->nroutes, 2);
	free(tcp);
	free(tcp6);
	free(route);
	dsr_local_snapshot_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_locallist),
		cmocka_unit_test(test_snapshot_errors),
		cmocka_unit_test(test_snapshot_limits),
		cmocka_unit_test(test_snapshot_roundtrip),
		cmocka_unit_test(test_iis),
		cmocka_unit_test(test_iis_prefixes),
		cmocka_unit_test(test_winfw),
		cmocka_unit_test(test_linux_firewall),
		cmocka_unit_test(test_linux_firewall6),
		cmocka_unit_test(test_if_inet6),
		cmocka_unit_test(test_snapshot_ipv6),
		cmocka_unit_test(test_sysctl_semantics),
		cmocka_unit_test(test_sysctl_tree),
		cmocka_unit_test(test_proc_parsers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
