/* The catalogue of checks (src/catalogue.h): that it is whole and consistent,
 * that its remedies render, that --list-checks writes it, that every id and
 * reason the tests and fixtures expect is in it (fixtures/TESTLIST,
 * ANALYZELIST, fixtures/local/LOCALLIST, the golden reports,
 * tests/integration/expect.sh, tests/cli.sh; test_fixtures and test_local check
 * what the judges emit over the same fixtures), and that README.md and
 * doc/dsrcheck.8 list exactly the catalogue. Runs from the project root.
 *
 * DSR_UPDATE_DOCS=1 rewrites the tables of README.md and doc/dsrcheck.8 from
 * the catalogue (between the "checks:" markers); review the diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/catalogue.h"
#include "../src/diagnose.h"

/* The golden reports come from writer tests, which feed the writers checks of
 * their own making: this reason exists only there, to show that writers format
 * whatever they are given. No judge gives it. */
static const char *const writer_sample_reasons[] = {"slow"};

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t n = 0, cap = 0, got;

	if (!f)
		fail_msg("cannot open %s", path);
	do {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			text = realloc(text, cap);
			assert_non_null(text);
		}
		got = fread(text + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	fclose(f);
	text[n] = '\0';
	if (len)
		*len = n;
	return text;
}

/* ---- the catalogue itself ---------------------------------------------- */

static void every_entry_is_whole(void **state)
{
	(void)state;
	for (size_t r = 0; r < DSR_R_COUNT; r++) {
		assert_non_null(dsr_reason_names[r]);
		for (size_t k = 0; k < r; k++)
			assert_string_not_equal(dsr_reason_names[k], dsr_reason_names[r]);
	}
	for (size_t i = 0; i < DSR_CHECK_COUNT; i++) {
		const struct dsr_check_def *d = &dsr_checks[i];
		assert_non_null(d->id);
		assert_non_null(d->passes);
		assert_true(d->scope != 0 && d->origin != 0);
		assert_true((d->platform != NULL) == ((d->origin & DSR_BY_LOCAL) != 0));
		assert_ptr_equal(dsr_check_find(d->id)->id, d->id);
		for (size_t r = 0; r < d->nreasons; r++) {
			const struct dsr_reason_def *rd = &d->reasons[r];
			assert_true(rd->status != DSR_PASS);
			assert_non_null(rd->means);
			/* Failures say how to fix them; skips have nothing to fix. */
			if (rd->status == DSR_FAIL && rd->fix == DSR_FIX_NONE)
				fail_msg("%s %s fails without a remedy", d->id,
					 dsr_reason_names[rd->reason]);
			if (rd->status == DSR_SKIP && rd->fix != DSR_FIX_NONE)
				fail_msg("%s %s skips with a remedy", d->id, dsr_reason_names[rd->reason]);
			for (size_t k = 0; k < r; k++)
				if (d->reasons[k].reason == rd->reason && d->reasons[k].status == rd->status)
					fail_msg("%s lists %s twice", d->id, dsr_reason_names[rd->reason]);
		}
	}
	/* Two entries for one id only where the scope differs (arp.vip.claim). */
	for (size_t i = 0; i < DSR_CHECK_COUNT; i++)
		for (size_t k = 0; k < i; k++)
			if (strcmp(dsr_checks[i].id, dsr_checks[k].id) == 0)
				assert_int_not_equal(dsr_checks[i].scope, dsr_checks[k].scope);
}

/* Every template renders with every argument set, leaving no brace behind: an
 * unknown argument or remedy name stays visible as {name}. */
static void every_template_renders(void **state)
{
	const struct dsr_fix_args all = {
		.vip = "V", .addr = "A", .port = "P", .endpoint = "E", .mac = "M", .from = "F",
		.iface = "I", .prefix = "X", .add = "y", .lo = "L", .key = "K", .value = "N",
		.list = "; T", .more = ", U", .table = "B", .chain = "C", .rule = "R", .proto = "H",
		.site = "S"};
	const struct dsr_fix_args none = {0};
	char out[4096];
	(void)state;

	for (size_t f = 1; f < DSR_FIX_COUNT; f++) {
		const struct dsr_fix_def *d = &dsr_fixes[f];
		assert_non_null(d->name);
		assert_true(d->any || d->linux_text || d->windows_text);
		for (enum dsr_platform p = DSR_PLATFORM_UNKNOWN; p <= DSR_PLATFORM_WINDOWS; p++) {
			for (int a = 0; a < 2; a++) {
				dsr_fix_render(out, sizeof(out), (enum dsr_fix)f, p, a ? &all : &none);
				if (strchr(out, '{') || strchr(out, '}'))
					fail_msg("remedy %s leaves a brace: %s", d->name, out);
			}
		}
	}
}

#define N(list) (sizeof(list) / sizeof(list[0]))

/* What is wrong with how rendered text joins its values, or NULL: a value
 * glued to a letter or digit on either side ("port80", "24weakhostreceive"),
 * or the hole an unset argument left ("port , and", "router  (the VIP )"). */
static const char *join_fault(const char *text, const char *const *values, size_t nvalues)
{
	for (size_t v = 0; v < nvalues; v++) {
		size_t n = strlen(values[v]);
		for (const char *p = strstr(text, values[v]); p; p = strstr(p + 1, values[v]))
			if ((p > text && isalnum((unsigned char)p[-1])) || isalnum((unsigned char)p[n]))
				return values[v];
	}
	if (strstr(text, "  "))
		return "a double space";
	for (const char *p = text; (p = strchr(p, ' ')) != NULL; p++)
		/* " . " between words is nft's concatenation, not a sentence's end. */
		if (p[1] && (strchr(",;)", p[1]) ||
			     (p[1] == '.' && (!p[2] || (p[2] == ' ' && isupper((unsigned char)p[3]))))))
			return "a space before punctuation";
	if (strstr(text, "( ") || strstr(text, "()"))
		return "an empty parenthesis";
	return NULL;
}

/* Every remedy as operators read it: with values a run really passes, once
 * with one port and once as a finding over several ports renders it (no port,
 * an endpoint without one), on every platform. No value may be glued to a
 * word, as the Windows IIS remedy once read "port80". */
static void remedies_join_their_values(void **state)
{
	const struct dsr_fix_args one = {
		.vip = "198.18.0.100", .addr = "198.18.0.11", .port = "8080",
		.endpoint = "198.18.0.100:8080", .mac = "02:00:00:00:00:11", .from = "198.18.0.254",
		.iface = "eth0", .prefix = "24", .add = "yes", .lo = "Ethernet 2", .key = "arp_ignore",
		.value = "17", .list = "", .more = "", .table = "filter", .chain = "INPUT",
		.rule = "Block web", .proto = "https", .site = "Shop"};
	struct dsr_fix_args several = one;
	const char *const values[] = {one.vip, one.addr, one.port, one.endpoint, one.mac,
				      one.from, one.iface, one.prefix, one.value, one.site};
	char out[4096];
	size_t faults = 0;
	(void)state;

	several.port = NULL;
	several.endpoint = one.vip;
	for (size_t f = 1; f < DSR_FIX_COUNT; f++)
		for (enum dsr_platform p = DSR_PLATFORM_UNKNOWN; p <= DSR_PLATFORM_WINDOWS; p++)
			for (int a = 0; a < 2; a++) {
				dsr_fix_render(out, sizeof(out), (enum dsr_fix)f, p, a ? &several : &one);
				const char *why = join_fault(out, values, N(values));
				if (why && ++faults)
					print_error("remedy %s (%s, platform %d): %s: %s\n", dsr_fixes[f].name,
						    a ? "several ports" : "one port", (int)p, why, out);
			}
	assert_int_equal(faults, 0);
	/* The test itself catches what it is for. */
	assert_non_null(join_fault("IP address 198.18.0.100, port8080; then", values, N(values)));
	assert_non_null(join_fault("set interface 17weakhostreceive=enabled", values, N(values)));
	assert_non_null(join_fault("forwards port , and", values, N(values)));
	assert_non_null(join_fault("drops port . Windows:", values, N(values)));
	assert_null(join_fault("IP address 198.18.0.100, port 8080; then ss -ltn 'sport = :8080' (jhash ip saddr . tcp sport).",
			       values, N(values)));
}

/* A check written again from scratch: its earlier draft freed first. */
static void renew(struct dsr_check *c)
{
	dsr_check_release(c);
	memset(c, 0, sizeof(*c));
}

static void remedies_render_per_platform(void **state)
{
	struct dsr_check c = {0};
	(void)state;

	renew(&c);
	dsr_fix(&c, DSR_FIX_VIP_NOT_BOUND, DSR_PLATFORM_WINDOWS_GUESSED,
		&(struct dsr_fix_args){.vip = "198.18.0.100", .port = "80"});
	assert_string_equal(c.remedy,
			    "Windows (guessed from the TTL of its replies): add the loopback adapter to the "
			    "site bindings: IIS Manager > Sites > the site > Bindings... > Add, type HTTP or "
			    "HTTPS, IP address 198.18.0.100, port 80; then Restart under Manage Web Site; a "
			    "service other than IIS must listen on 198.18.0.100:80 or on all addresses.");
	assert_string_equal(c.evidence[0].key, "platform");
	assert_string_equal(c.evidence[0].text, "windows (guessed from reply TTL)");

	renew(&c);
	dsr_fix(&c, DSR_FIX_VIP_NOT_BOUND, DSR_PLATFORM_UNKNOWN,
		&(struct dsr_fix_args){.vip = "198.18.0.100"});
	assert_string_equal(c.remedy,
			    "Linux: make the service listen on 198.18.0.100 or on 0.0.0.0, not only on the "
			    "real address, then restart it. Windows: add the loopback adapter to the site "
			    "bindings: IIS Manager > Sites > the site > Bindings... > Add, type HTTP or "
			    "HTTPS, IP address 198.18.0.100, port of the service; then Restart under Manage "
			    "Web Site; a service other than IIS must listen on 198.18.0.100 or on all "
			    "addresses.");
	assert_int_equal(c.nevidence, 0);

	/* A known platform (dsrcheck local): its text alone; parts joined by "; ". */
	renew(&c);
	dsr_fix_append(&c, DSR_FIX_INSTALL_LOOPBACK, DSR_PLATFORM_WINDOWS, NULL);
	dsr_fix_append(&c, DSR_FIX_IIS_BINDING, DSR_PLATFORM_WINDOWS,
		       &(struct dsr_fix_args){.vip = "198.18.0.100", .port = "8080", .site = "Shop",
					      .proto = "HTTP", .value = "http"});
	assert_non_null(strstr(c.remedy, "Microsoft KM-TEST Loopback Adapter (Microsoft Loopback "
					 "Adapter on Windows Server 2003, 2008 and 2008 R2); add the loopback adapter"));
	assert_non_null(strstr(c.remedy, "Sites > Shop > Bindings... > Add, type HTTP, IP address "
					 "198.18.0.100, port 8080; then Restart under Manage Web Site; "
					 "or, in an elevated prompt"));
	assert_non_null(strstr(c.remedy, "/+bindings.[protocol='http',bindingInformation='198.18.0.100:8080:']"));
	assert_int_equal(c.nevidence, 0);

	/* The Linux firewall remedy: iptables when a table is named, nft otherwise. */
	renew(&c);
	dsr_fix(&c, DSR_FIX_FIREWALL_DROP, DSR_PLATFORM_LINUX,
		&(struct dsr_fix_args){.vip = "198.18.0.100", .port = "80", .chain = "inet f input"});
	assert_string_equal(c.remedy,
			    "accept it before the drop: nft insert rule inet f input ip daddr 198.18.0.100 "
			    "tcp dport 80 accept; or delete the rule: nft -a list chain inet f input shows "
			    "its handle, then nft delete rule inet f input handle N; persist the change in "
			    "/etc/nftables.conf");
	dsr_check_release(&c);
}

/* What live and passive judges share: the same words for the same finding. */
static void shared_verdicts(void **state)
{
	struct dsr_check a = {0}, b = {0};
	(void)state;

	renew(&a);
	renew(&b);
	dsr_verdict_conflict(&a, DSR_R_CONFLICT, "198.18.0.11", false);
	dsr_verdict_conflict(&b, DSR_R_FLIP_FLOP, "198.18.0.11", false);
	assert_int_equal(a.status, DSR_FAIL);
	assert_string_equal(a.reason, "conflict");
	assert_string_equal(b.reason, "flip-flop");
	assert_string_equal(a.remedy, b.remedy);
	assert_non_null(strstr(a.remedy, "Two hosts use the address 198.18.0.11"));

	renew(&a);
	dsr_verdict_conflict(&a, DSR_R_CONFLICT, "198.18.0.100", true);
	assert_non_null(strstr(a.remedy, "Linux: keep 198.18.0.100 on lo only"));
	assert_non_null(strstr(a.remedy, "Windows: keep 198.18.0.100 on the Microsoft KM-TEST"));

	renew(&a);
	dsr_verdict_claimed(&a, "02:00:00:00:00:12", DSR_CLAIM_ANNOUNCE, "198.18.0.100", 1,
			    DSR_PLATFORM_LINUX_GUESSED);
	assert_string_equal(a.reason, "claimed");
	assert_string_equal(a.summary, "02:00:00:00:00:12 announced 198.18.0.100 in 1 ARP frame");
	assert_non_null(strstr(a.remedy, "Linux/BSD (guessed"));
	assert_int_equal(dsr_claim_kind_of(2, 7, 7), DSR_CLAIM_ANNOUNCE);
	assert_int_equal(dsr_claim_kind_of(2, 7, 8), DSR_CLAIM_REPLY);
	assert_int_equal(dsr_claim_kind_of(1, 7, 8), DSR_CLAIM_REQUEST);

	renew(&a);
	dsr_verdict_unknown_host(&a, "02:00:00:00:00:99", "198.18.0.100");
	assert_string_equal(a.summary,
			    "02:00:00:00:00:99, neither the balancer nor a configured server, claimed 198.18.0.100");
	assert_non_null(strstr(a.remedy, "list its MAC in balancer-mac"));

	renew(&a);
	/* Weak host send off drops a reply from the VIP (a timeout); a reply from another address
	 * was rewritten, and enabling weak host send does not fix that. */
	dsr_verdict_wrong_source(&a, "198.18.0.100", "80", DSR_PLATFORM_WINDOWS_GUESSED);
	assert_string_equal(a.reason, "wrong-source");
	assert_null(strstr(a.remedy, "weakhostsend=enabled"));
	assert_non_null(strstr(a.remedy, "rewrites the source"));
	renew(&a);
	dsr_verdict_wrong_source(&a, "198.18.0.100", "80", DSR_PLATFORM_LINUX);
	assert_non_null(strstr(a.remedy, "iptables -t nat -S"));
	dsr_check_release(&a);
	dsr_check_release(&b);
}

/* ---- writers ------------------------------------------------------------- */

static char *written(const char *format, int *rc)
{
	char *text;
	FILE *f = tmpfile();

	assert_non_null(f);
	/* "findings-FMT": the findings' table (src/diagnose.c), else the checks'. */
	*rc = strncmp(format, "findings-", 9) == 0 ? dsr_findings_doc(f, format + 9)
						   : dsr_catalogue_write(f, format);
	rewind(f);
	text = calloc(1, 1 << 20);
	assert_non_null(text);
	size_t n = fread(text, 1, (1 << 20) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static void list_checks_text_and_json(void **state)
{
	int rc;
	(void)state;

	char *text = written("text", &rc);
	assert_int_equal(rc, 0);
	char *json = written("json", &rc);
	assert_int_equal(rc, 0);
	for (size_t i = 0; i < DSR_CHECK_COUNT; i++) {
		char want[96];
		snprintf(want, sizeof(want), "\n%s (per ", dsr_checks[i].id);
		assert_true(strncmp(text, want + 1, strlen(want + 1)) == 0 || strstr(text, want));
		snprintf(want, sizeof(want), "{\"id\": \"%s\"", dsr_checks[i].id);
		assert_non_null(strstr(json, want));
		for (size_t r = 0; r < dsr_checks[i].nreasons; r++) {
			snprintf(want, sizeof(want), "  %s %s: ",
				 dsr_status_name(dsr_checks[i].reasons[r].status),
				 dsr_reason_names[dsr_checks[i].reasons[r].reason]);
			assert_non_null(strstr(text, want));
		}
	}
	assert_non_null(strstr(text, "arp.rip (per server; audit, analyze)\n  passes: its real address"));
	assert_non_null(strstr(text, "    fix (Windows): keep {vip} on the Microsoft KM-TEST"));
	/* JSON: strings escaped, brackets balanced outside strings. */
	assert_non_null(strstr(json, "netsh interface ipv4 add address \\\"{?lo:{lo}}"));
	int depth = 0;
	bool in_string = false;
	for (const char *p = json; *p; p++) {
		if (in_string) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				in_string = false;
			continue;
		}
		in_string = *p == '"';
		depth += (*p == '{' || *p == '[') - (*p == '}' || *p == ']');
		assert_true(depth >= 0);
		assert_true((unsigned char)*p >= 0x20 || *p == '\n');
	}
	assert_int_equal(depth, 0);
	assert_false(in_string);
	free(text);
	free(json);
	free(written("yaml", &rc));
	assert_int_equal(rc, -1);
}

static void ids_for_the_usage(void **state)
{
	FILE *f = tmpfile();
	char text[1024];
	(void)state;

	assert_non_null(f);
	assert_int_equal(dsr_catalogue_write_ids(f, DSR_BY_AUDIT | DSR_BY_ANALYZE, "        ", 60), 0);
	rewind(f);
	text[fread(text, 1, sizeof(text) - 1, f)] = '\0';
	fclose(f);
	assert_string_equal(text, "arp.rip arp.vip arp.vip.claim icmp.rip icmp.vip\n"
				  "        icmp.vip.direct tcp.rip tcp.vip tcp.vip.direct\n"
				  "        dsr.return tcp.vip.conn vrrp.master arp.conflict\n"
				  "        nd.conflict nd.rip nd.vip nd.vip.claim icmp6.rip\n"
				  "        icmp6.vip icmp6.vip.direct tcp6.rip tcp6.vip\n"
				  "        tcp6.vip.direct dsr6.return tcp6.vip.conn\n");
}

/* ---- every id and reason the tests expect -------------------------------- */

static bool writer_sample(const char *reason)
{
	for (size_t i = 0; i < sizeof(writer_sample_reasons) / sizeof(writer_sample_reasons[0]); i++)
		if (strcmp(reason, writer_sample_reasons[i]) == 0)
			return true;
	return false;
}

static enum dsr_status status_named(const char *name)
{
	for (enum dsr_status s = DSR_PASS; s <= DSR_SKIP; s++)
		if (strcmp(dsr_status_name(s), name) == 0)
			return s;
	fail_msg("unknown status '%s'", name);
	return DSR_PASS;
}

/* A TESTLIST-style file: each non-comment line's check, server, status and
 * reason in the given (1-based) columns. per_server: "-" in the server column
 * is a service-level check; 0 for a per-host list. */
static size_t scan_list(const char *path, int check_col, int server_col, int status_col,
			int reason_col)
{
	char *text = slurp(path, NULL), *save = NULL;
	size_t n = 0;
	int lineno = 0;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *fields[16], *fsave = NULL;
		int nf = 0;
		lineno++;
		if (line[0] == '#')
			continue;
		for (char *f = strtok_r(line, " \t", &fsave); f && nf < 16; f = strtok_r(NULL, " \t", &fsave))
			fields[nf++] = f;
		if (nf < reason_col)
			continue;
		const char *id = fields[check_col - 1];
		if (strncmp(id, "finding:", 8) == 0) {
			/* LOCALLIST names a run's findings too: a kind of finding, not a check. */
			bool known = false;
			for (int k = 0; k < DSR_FINDING_COUNT && !known; k++)
				known = strcmp(dsr_finding_defs[k].name, id + 8) == 0;
			if (!known)
				fail_msg("%s:%d: no finding is called '%s'", path, lineno, id + 8);
			n++;
			continue;
		}
		bool per_server = server_col ? strcmp(fields[server_col - 1], "-") != 0 : true;
		const char *reason = strcmp(fields[reason_col - 1], "-") == 0 ? NULL : fields[reason_col - 1];
		enum dsr_status status = status_named(fields[status_col - 1]);
		if (!dsr_catalogue_lists(id, per_server, status, reason))
			fail_msg("%s: %s %s %s (per %s) is not in the catalogue", path, id,
				 fields[status_col - 1], reason ? reason : "-",
				 per_server ? "server" : "service");
		n++;
	}
	free(text);
	return n;
}

static void fixture_lists(void **state)
{
	(void)state;
	assert_true(scan_list("fixtures/TESTLIST", 6, 7, 9, 10) > 50);
	assert_true(scan_list("fixtures/ANALYZELIST", 3, 4, 6, 7) > 10);
	assert_true(scan_list("fixtures/local/LOCALLIST", 5, 0, 7, 8) > 20);
}

/* The string value of "key" between p and limit (NULL: the end), or NULL. */
static const char *json_value(const char *p, const char *limit, const char *key, char *out,
			      size_t cap)
{
	char want[32];
	snprintf(want, sizeof(want), "\"%s\": \"", key);
	const char *at = strstr(p, want);
	if (!at || (limit && at > limit))
		return NULL;
	at += strlen(want);
	snprintf(out, cap, "%.*s", (int)strcspn(at, "\""), at);
	return out;
}

/* Every word shaped like a check id in text ("arp.", "icmp.", "tcp.", "dsr.",
 * "local." and more lowercase) is one, file names aside. */
static void ids_in(const char *path)
{
	static const char *const families[] = {"arp.", "icmp.", "tcp.", "dsr.", "local."};
	static const char *const files[] = {".sh", ".c", ".h", ".md", ".ini", ".snap", ".conf"};
	char *text = slurp(path, NULL);

	for (const char *p = text; *p; p++) {
		if (p > text && (isalnum((unsigned char)p[-1]) || strchr("._-/", p[-1])))
			continue;
		for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
			size_t len = strlen(families[f]), n;
			char id[64];
			bool file = false;
			if (strncmp(p, families[f], len) != 0 || !islower((unsigned char)p[len]))
				continue;
			n = len + strspn(p + len, "abcdefghijklmnopqrstuvwxyz_.0123456789");
			while (p[n - 1] == '.')
				n--;
			snprintf(id, sizeof(id), "%.*s", (int)n, p);
			for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
				const char *dot = strrchr(id, '.');
				file = file || strcmp(dot, files[k]) == 0;
			}
			if (!file && p[n] != '/' && !dsr_check_find(id))
				fail_msg("%s: '%s' looks like a check id but is not in the catalogue", path, id);
		}
	}
	free(text);
}

static void golden_reports(void **state)
{
	static const char *const goldens[] = {
		"fixtures/reports/sample.txt",       "fixtures/reports/sample-verbose.txt",
		"fixtures/reports/sample.json",      "fixtures/reports/sample.junit.xml",
		"fixtures/reports/sample.prom",      "fixtures/reports/sample.nagios.txt",
	};
	char id[64], status[16], reason[64];
	size_t n = 0, samples = 0;
	(void)state;

	for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++)
		ids_in(goldens[i]);
	/* The JSON golden names status and reason: both must be the catalogue's
	 * (scope aside: the writer tests mix scopes on purpose), but for the
	 * writer-only sample reason. */
	char *json = slurp("fixtures/reports/sample.json", NULL);
	/* The checks, not the (id, server, port) of each finding's before them. */
	const char *checks = strstr(json, "\n  \"checks\": [");
	assert_non_null(checks);
	for (const char *p = strstr(checks, "\"id\": "); p; p = strstr(p + 1, "\"id\": ")) {
		const char *next = strstr(p + 1, "\"id\": ");
		assert_non_null(json_value(p, next, "id", id, sizeof(id)));
		assert_non_null(json_value(p, next, "status", status, sizeof(status)));
		bool has_reason = json_value(p, next, "reason", reason, sizeof(reason)) != NULL;
		n++;
		if (has_reason && writer_sample(reason)) {
			samples++;
			continue;
		}
		if (!dsr_catalogue_lists(id, true, status_named(status), has_reason ? reason : NULL) &&
		    !dsr_catalogue_lists(id, false, status_named(status), has_reason ? reason : NULL))
			fail_msg("sample.json: %s %s %s is not in the catalogue", id, status,
				 has_reason ? reason : "-");
	}
	free(json);
	assert_int_equal(n, 11);
	assert_int_equal(samples, 2);
	for (size_t i = 0; i < sizeof(writer_sample_reasons) / sizeof(writer_sample_reasons[0]); i++)
		for (size_t r = 0; r < DSR_R_COUNT; r++)
			assert_string_not_equal(dsr_reason_names[r], writer_sample_reasons[i]);
}

/* tests/integration/expect.sh: "id server port reason" strings in
 * expect_fails, expect_warns and expect_skips. */
static void integration_expectations(void **state)
{
	char *text = slurp("tests/integration/expect.sh", NULL), *save = NULL;
	enum dsr_status status = DSR_PASS;
	size_t n = 0;
	(void)state;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		/* Each family's table: expect_fails() and expect_fails6() alike. */
		if (strstr(line, "expect_fails()") || strstr(line, "expect_fails6()"))
			status = DSR_FAIL;
		else if (strstr(line, "expect_warns()") || strstr(line, "expect_warns6()"))
			status = DSR_WARN;
		else if (strstr(line, "expect_skips()") || strstr(line, "expect_skips6()"))
			status = DSR_SKIP;
		if (line[strspn(line, " \t")] == '#' || status == DSR_PASS)
			continue;
		for (char *q = strchr(line, '"'); q; q = strchr(q + 1, '"')) {
			char id[64], server[64], port[16], reason[64];
			char *end = strchr(q + 1, '"');
			if (!end)
				break;
			*end = '\0';
			if (sscanf(q + 1, "%63s %63s %15s %63s", id, server, port, reason) == 4 &&
			    dsr_check_find(id)) {
				if (!dsr_catalogue_lists(id, strcmp(server, "-") != 0, status, reason))
					fail_msg("expect.sh: %s %s %s %s is not in the catalogue", id,
						 server, dsr_status_name(status), reason);
				n++;
			}
			q = end;
		}
	}
	free(text);
	assert_true(n > 30);
	ids_in("tests/integration/expect.sh");
	ids_in("tests/cli.sh");
}

/* ---- the documentation ----------------------------------------------------- */

/* The text between "<marker> begin" and "<marker> end" lines of path, the
 * generated part; with DSR_UPDATE_DOCS set, rewritten from want first. */
static void compare_block(const char *path, const char *begin, const char *end, const char *want)
{
	size_t len;
	char *text = slurp(path, &len);
	char *b = strstr(text, begin), *e = b ? strstr(b, end) : NULL;

	if (!b || !e)
		fail_msg("%s: no '%s' ... '%s' block", path, begin, end);
	b = strchr(b, '\n') + 1;
	if (getenv("DSR_UPDATE_DOCS")) {
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		fwrite(text, 1, (size_t)(b - text), f);
		fputs(want, f);
		fputs(e, f);
		fclose(f);
	} else if (strlen(want) != (size_t)(e - b) || memcmp(want, b, (size_t)(e - b)) != 0) {
		fail_msg("%s: the table between '%s' and '%s' is not the catalogue's: run "
			 "DSR_UPDATE_DOCS=1 build/default/tests/test_catalogue and review the diff",
			 path, begin, end);
	}
	free(text);
}

static void documentation_tables(void **state)
{
	static const struct {
		const char *path, *format, *begin, *end;
	} blocks[] = {
		{"README.md", "markdown-audit", "<!-- checks: audit begin", "<!-- checks: audit end"},
		{"README.md", "markdown-local", "<!-- checks: local begin", "<!-- checks: local end"},
		{"doc/dsrcheck.8", "man-audit", ".\\\" checks: audit begin", ".\\\" checks: audit end"},
		{"doc/dsrcheck.8", "man-local", ".\\\" checks: local begin", ".\\\" checks: local end"},
		{"README.md", "findings-markdown", "<!-- findings begin", "<!-- findings end"},
		{"doc/dsrcheck.8", "findings-man", ".\\\" findings begin", ".\\\" findings end"},
	};
	int rc;
	(void)state;

	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		char *want = written(blocks[i].format, &rc);
		assert_int_equal(rc, 0);
		compare_block(blocks[i].path, blocks[i].begin, blocks[i].end, want);
		free(want);
	}
	/* Every id the man page and README mention is the catalogue's. */
	ids_in("README.md");
	ids_in("doc/dsrcheck.8");
	ids_in("doc/health-checks.md");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_entry_is_whole),
		cmocka_unit_test(every_template_renders),
		cmocka_unit_test(remedies_render_per_platform),
		cmocka_unit_test(remedies_join_their_values),
		cmocka_unit_test(shared_verdicts),
		cmocka_unit_test(list_checks_text_and_json),
		cmocka_unit_test(ids_for_the_usage),
		cmocka_unit_test(fixture_lists),
		cmocka_unit_test(golden_reports),
		cmocka_unit_test(integration_expectations),
		cmocka_unit_test(documentation_tables),
	};
	return cmocka_run_group_tests_name("catalogue", tests, NULL, NULL);
}
