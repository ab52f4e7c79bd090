/* The snapshot of dsrcheck local as a text file: what a collector saw on one
 * server, written by `dsrcheck local --save-snapshot FILE` and evaluated later,
 * anywhere, by `dsrcheck local --snapshot FILE` (support staff, fixtures).
 *
 * Line-oriented, one record a line, fields separated by blanks; a field holding
 * blanks, quotes, backslashes or control bytes is written in double quotes with
 * \" \\ and \xNN escapes, and a quote may also start after '=' (key="a b").
 * Blank lines and lines starting with '#' are comments. The first record must be
 *   dsrcheck-local-snapshot 1
 * then, in any order (README, "Snapshot files", lists each with an example):
 *   platform linux|windows          hostname NAME
 *   state SOURCE STATE [WHY]        SOURCE interfaces|routes|listen|firewall|iis|events|
 *                                   ipv6|ndp-proxy, STATE read|absent|unreadable|unread
 *   sysctl.all IGNORE ANNOUNCE RPF  conf/all values ('?' unknown)
 *   iface NAME [kind=K] [index=N] [up=0|1] [noarp=0|1] [arp_ignore=V] [arp_announce=V]
 *         [rp_filter=V] [weakhost_send=V] [weakhost_receive=V] [description=TEXT]
 *         [proxy_ndp=V] [weakhost6_send=V] [weakhost6_receive=V]
 *   addr IFACE A.B.C.D/LEN          route A.B.C.D/LEN DEV
 *   addr IFACE IPV6/LEN [tentative] [dadfailed]
 *   sysctl6.all PROXY_NDP           ndp.proxy IPV6 DEV
 * The IPv6 records and attributes are written only when the source ipv6 (or
 * ndp-proxy) was collected, so a snapshot of a host read without them, and
 * every snapshot written before dsrcheck knew IPv6, reads as before.
 *   listen ADDR PORT                fw.line TEXT        fw.rule TEXT
 *   fw.profile domain|private|public 0|1|?
 *   iis.binding SITE PROTOCOL ADDRESS PORT HOST
 *   event.conflict TIME MESSAGE
 * The file is hostile input: at most DSR_SNAPSHOT_MAX_BYTES, lines of at most
 * DSR_SNAPSHOT_MAX_LINE bytes, tables bounded, and every error is "FILE:LINE: what". */
#include "local.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/os.h"
#include "../src/parse.h"

#define DSR_SNAPSHOT_MAX_BYTES (4 * 1024 * 1024)
#define DSR_SNAPSHOT_MAX_LINE 4096
#define MAGIC "dsrcheck-local-snapshot"
#define MAX_FIELDS 16

/* ---- the structure ---- */

struct dsr_local_snapshot *dsr_local_snapshot_new(enum dsr_local_platform platform)
{
	struct dsr_local_snapshot *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->fw_lines = calloc(DSR_LOCAL_MAX_FW_LINES, sizeof(*s->fw_lines));
	s->fw_rules = calloc(DSR_LOCAL_MAX_FW_RULES, sizeof(*s->fw_rules));
	if (!s->fw_lines || !s->fw_rules) {
		dsr_local_snapshot_free(s);
		return NULL;
	}
	s->platform = platform;
	s->all_arp_ignore = s->all_arp_announce = s->all_rp_filter = DSR_LOCAL_UNKNOWN;
	s->all_proxy_ndp = DSR_LOCAL_UNKNOWN;
	for (int p = 0; p < DSR_FW_NPROFILES; p++)
		s->fw_profile_enabled[p] = DSR_LOCAL_UNKNOWN;
	return s;
}

void dsr_local_snapshot_free(struct dsr_local_snapshot *s)
{
	if (!s)
		return;
	free(s->fw_lines);
	free(s->fw_rules);
	free(s);
}

static int add_text(char (*table)[DSR_LOCAL_TEXT], size_t *n, size_t max, const char *text)
{
	if (*n >= max)
		return -1;
	snprintf(table[*n], DSR_LOCAL_TEXT, "%s", text);
	(*n)++;
	return 0;
}

int dsr_local_add_fw_line(struct dsr_local_snapshot *s, const char *line)
{
	return add_text(s->fw_lines, &s->nfw_lines, DSR_LOCAL_MAX_FW_LINES, line);
}

int dsr_local_add_fw_rule(struct dsr_local_snapshot *s, const char *rule)
{
	return add_text(s->fw_rules, &s->nfw_rules, DSR_LOCAL_MAX_FW_RULES, rule);
}

struct dsr_local_iface *dsr_local_find_iface(struct dsr_local_snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->nifaces; i++)
		if (strcmp(s->ifaces[i].name, name) == 0)
			return &s->ifaces[i];
	return NULL;
}

/* ---- names of enumerations, shared by reader and writer ---- */

static const char *const kind_names[] = {"loopback", "dummy", "ethernet", "other"};
static const char *const state_names[] = {"unread", "read", "absent", "unreadable"};
static const char *const profile_names[] = {"domain", "private", "public"};

static int lookup(const char *const *names, size_t n, const char *word)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], word) == 0)
			return (int)i;
	return -1;
}

#define LOOKUP(names, word) lookup((names), sizeof(names) / sizeof((names)[0]), (word))

/* ---- writing ---- */

static bool needs_quotes(const char *v)
{
	if (!*v)
		return true;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == '"' || *p == '\\' || *p == 0x7f || *p == '#')
			return true;
	return false;
}

static void put_value(FILE *out, const char *v)
{
	if (!needs_quotes(v)) {
		fputs(v, out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < ' ' || *p == 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void put_number(FILE *out, const char *key, int v)
{
	if (v == DSR_LOCAL_UNKNOWN)
		fprintf(out, " %s=?", key);
	else
		fprintf(out, " %s=%d", key, v);
}

static void put_unknown_or(FILE *out, int v)
{
	if (v == DSR_LOCAL_UNKNOWN)
		fputs(" ?", out);
	else
		fprintf(out, " %d", v);
}

static void put_addr(FILE *out, const struct dsr_local_addr *a)
{
	char ip[16];

	dsr_format_ipv4(a->addr, ip);
	fprintf(out, "%s/%u", ip, a->prefix);
}

static void put_state(FILE *out, const char *source, enum dsr_local_state st, const char *why)
{
	fprintf(out, "state %s %s", source, state_names[st]);
	if (why && *why) {
		fputc(' ', out);
		put_value(out, why);
	}
	fputc('\n', out);
}

static void put_addr6(FILE *out, const struct dsr_local_addr6 *a)
{
	char ip[DSR_IPV6_TEXT];

	dsr_format_ipv6(&a->addr, ip);
	fprintf(out, "%s/%u", ip, a->prefix);
	if (a->flags & DSR_LOCAL_IFA_TENTATIVE)
		fputs(" tentative", out);
	if (a->flags & DSR_LOCAL_IFA_DADFAILED)
		fputs(" dadfailed", out);
}

static void write_snapshot(FILE *out, const struct dsr_local_snapshot *s)
{
	bool v6 = s->ipv6_state != DSR_LOCAL_UNREAD;

	fprintf(out, "%s 1\n# dsrcheck local --snapshot FILE evaluates this file; see README\n", MAGIC);
	fprintf(out, "platform %s\nhostname ", s->platform == DSR_LOCAL_WINDOWS ? "windows" : "linux");
	put_value(out, s->hostname);
	fputc('\n', out);
	put_state(out, "interfaces", s->ifaces_state, NULL);
	put_state(out, "routes", s->routes_state, NULL);
	put_state(out, "listen", s->listen_state, NULL);
	put_state(out, "firewall", s->firewall_state, s->firewall_why);
	put_state(out, "iis", s->iis_state, s->iis_why);
	put_state(out, "events", s->events_state, s->events_why);
	if (v6)
		put_state(out, "ipv6", s->ipv6_state, NULL);
	if (s->ndp_proxies_state != DSR_LOCAL_UNREAD)
		put_state(out, "ndp-proxy", s->ndp_proxies_state, s->ndp_proxies_why);
	if (s->platform == DSR_LOCAL_LINUX) {
		fputs("sysctl.all", out);
		put_unknown_or(out, s->all_arp_ignore);
		put_unknown_or(out, s->all_arp_announce);
		put_unknown_or(out, s->all_rp_filter);
		fputc('\n', out);
		if (v6) {
			fputs("sysctl6.all", out);
			put_unknown_or(out, s->all_proxy_ndp);
			fputc('\n', out);
		}
	}
	for (size_t i = 0; i < s->nifaces; i++) {
		const struct dsr_local_iface *f = &s->ifaces[i];

		fputs("iface ", out);
		put_value(out, f->name);
		fprintf(out, " kind=%s index=%u up=%d noarp=%d", kind_names[f->kind], f->index, f->up,
			f->noarp);
		if (s->platform == DSR_LOCAL_LINUX) {
			put_number(out, "arp_ignore", f->arp_ignore);
			put_number(out, "arp_announce", f->arp_announce);
			put_number(out, "rp_filter", f->rp_filter);
		} else {
			put_number(out, "weakhost_send", f->weak_host_send);
			put_number(out, "weakhost_receive", f->weak_host_receive);
		}
		if (v6 && s->platform == DSR_LOCAL_LINUX) {
			put_number(out, "proxy_ndp", f->proxy_ndp);
		} else if (v6) {
			put_number(out, "weakhost6_send", f->weak_host_send6);
			put_number(out, "weakhost6_receive", f->weak_host_receive6);
		}
		if (f->description[0]) {
			fputs(" description=", out);
			put_value(out, f->description);
		}
		fputc('\n', out);
		for (size_t a = 0; a < f->naddrs; a++) {
			fputs("addr ", out);
			put_value(out, f->name);
			fputc(' ', out);
			put_addr(out, &f->addrs[a]);
			fputc('\n', out);
		}
		for (size_t a = 0; a < f->naddrs6; a++) {
			fputs("addr ", out);
			put_value(out, f->name);
			fputc(' ', out);
			put_addr6(out, &f->addrs6[a]);
			fputc('\n', out);
		}
	}
	for (size_t i = 0; i < s->nroutes; i++) {
		fputs("route ", out);
		put_addr(out, &s->routes[i].dest);
		fputc(' ', out);
		put_value(out, s->routes[i].dev);
		fputc('\n', out);
	}
	for (size_t i = 0; i < s->nlisteners; i++)
		fprintf(out, "listen %s %u\n", s->listeners[i].addr, s->listeners[i].port);
	for (size_t i = 0; i < s->nndp_proxies; i++) {
		char ip[DSR_IPV6_TEXT];
		dsr_format_ipv6(&s->ndp_proxies[i].addr, ip);
		fprintf(out, "ndp.proxy %s ", ip);
		put_value(out, s->ndp_proxies[i].dev);
		fputc('\n', out);
	}
	for (size_t i = 0; i < s->nfw_lines; i++) {
		fputs("fw.line ", out);
		put_value(out, s->fw_lines[i]);
		fputc('\n', out);
	}
	if (s->platform == DSR_LOCAL_WINDOWS)
		for (int p = 0; p < DSR_FW_NPROFILES; p++) {
			fprintf(out, "fw.profile %s", profile_names[p]);
			put_unknown_or(out, s->fw_profile_enabled[p]);
			fputc('\n', out);
		}
	for (size_t i = 0; i < s->nfw_rules; i++) {
		fputs("fw.rule ", out);
		put_value(out, s->fw_rules[i]);
		fputc('\n', out);
	}
	for (size_t i = 0; i < s->nbindings; i++) {
		const struct dsr_local_binding *b = &s->bindings[i];

		fputs("iis.binding ", out);
		put_value(out, b->site);
		fputc(' ', out);
		put_value(out, b->protocol);
		fputc(' ', out);
		put_value(out, b->address);
		fprintf(out, " %u ", b->port);
		put_value(out, b->host);
		fputc('\n', out);
	}
	for (size_t i = 0; i < s->nconflicts; i++) {
		fputs("event.conflict ", out);
		put_value(out, s->conflicts[i].time);
		fputc(' ', out);
		put_value(out, s->conflicts[i].message);
		fputc('\n', out);
	}
}

/* Atomically (platform/os.h): a reader never sees half a snapshot. */
int dsr_local_snapshot_save(const struct dsr_local_snapshot *s, const char *path, char *err,
			    size_t errlen)
{
	char *tmp, reason[256];
	FILE *out = dsr_os_temp_file(path, &tmp, reason, sizeof(reason));
	int rc = 0;

	if (!out) {
		snprintf(err, errlen, "cannot write %s: %s", path, reason);
		return -1;
	}
	write_snapshot(out, s);
	if (ferror(out)) {
		snprintf(reason, sizeof(reason), "%s", strerror(errno));
		rc = -1;
	}
	if (rc == 0 && dsr_os_sync(out, reason, sizeof(reason)) != 0)
		rc = -1;
	if (fclose(out) != 0 && rc == 0) {
		snprintf(reason, sizeof(reason), "%s", strerror(errno));
		rc = -1;
	}
	if (rc == 0 && dsr_os_replace(tmp, path, reason, sizeof(reason)) != 0)
		rc = -1;
	if (rc != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, reason);
		remove(tmp);
	}
	free(tmp);
	return rc;
}

/* ---- reading ---- */

struct reader {
	const char *name;
	int line;
	char *err;
	size_t errlen;
	struct dsr_local_snapshot *s;
	bool have_platform;
};

__attribute__((format(printf, 2, 3))) static int fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = r->line > 0 ? snprintf(r->err, r->errlen, "%s:%d: ", r->name, r->line)
			: snprintf(r->err, r->errlen, "%s: ", r->name);
	if (n < 0 || (size_t)n >= r->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* A field for messages: control bytes as \xNN, at most 60 bytes shown. */
static const char *shown(const char *v, char out[256])
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)v; *p && o < 240; p++) {
		if (p - (const unsigned char *)v >= 60) {
			o += (size_t)snprintf(out + o, 256 - o, "...");
			break;
		}
		if (*p < ' ' || *p == 0x7f)
			o += (size_t)snprintf(out + o, 256 - o, "\\x%02x", *p);
		else
			out[o++] = (char)*p;
	}
	out[o] = '\0';
	return out;
}

/* Splits line (modified in place) into fields; quoted parts unescaped. */
static int split(struct reader *r, char *line, char **fields, size_t *nfields)
{
	char *in = line;

	*nfields = 0;
	for (;;) {
		char *out, *start;

		while (*in == ' ' || *in == '\t')
			in++;
		if (!*in)
			return 0;
		if (*nfields == MAX_FIELDS)
			return fail(r, "too many fields (at most %d)", MAX_FIELDS);
		start = out = in;
		while (*in && *in != ' ' && *in != '\t') {
			if (*in != '"') {
				*out++ = *in++;
				continue;
			}
			for (in++; *in != '"'; in++) {
				if (!*in)
					return fail(r, "unterminated quote");
				if (*in != '\\') {
					*out++ = *in;
					continue;
				}
				in++;
				if (*in == '"' || *in == '\\') {
					*out++ = *in;
				} else if (*in == 'x' && dsr_hex_digit(in[1]) >= 0 && dsr_hex_digit(in[2]) >= 0 &&
					   (dsr_hex_digit(in[1]) || dsr_hex_digit(in[2]))) {
					*out++ = (char)(dsr_hex_digit(in[1]) * 16 + dsr_hex_digit(in[2]));
					in += 2;
				} else {
					return fail(r, "bad escape in quotes (use \\\", \\\\ or \\xNN)");
				}
			}
			in++; /* the closing quote */
		}
		if (*in)
			in++;
		*out = '\0';
		fields[(*nfields)++] = start;
	}
}

static int want_fields(struct reader *r, const char *key, size_t have, size_t min, size_t max)
{
	if (have < min || have > max) {
		if (min == max)
			return fail(r, "'%s' takes %u field%s, not %u", key, (unsigned)(min - 1),
				    min == 2 ? "" : "s", (unsigned)(have - 1));
		return fail(r, "'%s' takes %u to %u fields, not %u", key, (unsigned)(min - 1),
			    (unsigned)(max - 1), (unsigned)(have - 1));
	}
	return 0;
}

static int copy_field(struct reader *r, char *dst, size_t size, const char *v, const char *what)
{
	char q[256];

	if (strlen(v) >= size)
		return fail(r, "%s too long: '%s' (at most %u bytes)", what, shown(v, q),
			    (unsigned)(size - 1));
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

/* A sysctl or weak-host value: a number 0..2147483647 or '?'. */
static int parse_setting(struct reader *r, const char *key, const char *v, int *out)
{
	unsigned n;
	char q[256];

	if (strcmp(v, "?") == 0) {
		*out = DSR_LOCAL_UNKNOWN;
		return 0;
	}
	if (dsr_parse_uint(v, 0, 0x7fffffff, &n) < 0)
		return fail(r, "bad value '%s' for '%s' (a number, or ? for unknown)", shown(v, q), key);
	*out = (int)n;
	return 0;
}

static int parse_bool(struct reader *r, const char *key, const char *v, bool *out)
{
	char q[256];

	if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
		return fail(r, "bad value '%s' for '%s' (0 or 1)", shown(v, q), key);
	*out = v[0] == '1';
	return 0;
}

static int parse_prefix(struct reader *r, const char *v, struct dsr_local_addr *out)
{
	char buf[32], q[256];
	char *slash;
	unsigned len;

	if (strlen(v) >= sizeof(buf) || !(slash = strchr(memcpy(buf, v, strlen(v) + 1), '/')))
		return fail(r, "bad address '%s' (want A.B.C.D/LEN)", shown(v, q));
	*slash = '\0';
	if (dsr_parse_ipv4(buf, &out->addr) < 0 || dsr_parse_uint(slash + 1, 0, 32, &len) < 0)
		return fail(r, "bad address '%s' (want A.B.C.D/LEN)", shown(v, q));
	out->prefix = len;
	return 0;
}

static int parse_port(struct reader *r, const char *v, uint16_t *out)
{
	unsigned port;
	char q[256];

	if (dsr_parse_uint(v, 1, 65535, &port) < 0)
		return fail(r, "bad port '%s' (use 1 to 65535)", shown(v, q));
	*out = (uint16_t)port;
	return 0;
}

static int parse_iface(struct reader *r, char **f, size_t n)
{
	struct dsr_local_snapshot *s = r->s;
	struct dsr_local_iface *ifc;
	char q[256];

	if (n < 2)
		return fail(r, "'iface' needs a name");
	if (!f[1][0])
		return fail(r, "empty interface name");
	if (dsr_local_find_iface(s, f[1]))
		return fail(r, "interface '%s' given twice", shown(f[1], q));
	if (s->nifaces == DSR_LOCAL_MAX_IFACES)
		return fail(r, "too many interfaces (at most %d)", DSR_LOCAL_MAX_IFACES);
	ifc = &s->ifaces[s->nifaces];
	memset(ifc, 0, sizeof(*ifc));
	ifc->kind = DSR_LOCAL_KIND_OTHER;
	ifc->arp_ignore = ifc->arp_announce = ifc->rp_filter = DSR_LOCAL_UNKNOWN;
	ifc->weak_host_send = ifc->weak_host_receive = DSR_LOCAL_UNKNOWN;
	ifc->weak_host_send6 = ifc->weak_host_receive6 = ifc->proxy_ndp = DSR_LOCAL_UNKNOWN;
	if (copy_field(r, ifc->name, sizeof(ifc->name), f[1], "interface name") < 0)
		return -1;
	for (size_t i = 2; i < n; i++) {
		char *eq = strchr(f[i], '=');
		const char *v;
		int rc = 0;

		if (!eq)
			return fail(r, "expected KEY=VALUE, not '%s'", shown(f[i], q));
		*eq = '\0';
		v = eq + 1;
		if (strcmp(f[i], "kind") == 0) {
			int k = LOOKUP(kind_names, v);
			if (k < 0)
				return fail(r, "bad kind '%s' (loopback, dummy, ethernet or other)",
					    shown(v, q));
			ifc->kind = (enum dsr_local_kind)k;
		} else if (strcmp(f[i], "index") == 0) {
			if (dsr_parse_uint(v, 0, 0x7fffffff, &ifc->index) < 0)
				return fail(r, "bad index '%s'", shown(v, q));
		} else if (strcmp(f[i], "up") == 0) {
			rc = parse_bool(r, "up", v, &ifc->up);
		} else if (strcmp(f[i], "noarp") == 0) {
			rc = parse_bool(r, "noarp", v, &ifc->noarp);
		} else if (strcmp(f[i], "arp_ignore") == 0) {
			rc = parse_setting(r, f[i], v, &ifc->arp_ignore);
		} else if (strcmp(f[i], "arp_announce") == 0) {
			rc = parse_setting(r, f[i], v, &ifc->arp_announce);
		} else if (strcmp(f[i], "rp_filter") == 0) {
			rc = parse_setting(r, f[i], v, &ifc->rp_filter);
		} else if (strcmp(f[i], "weakhost_send") == 0) {
			rc = parse_setting(r, f[i], v, &ifc->weak_host_send);
		} else if (strcmp(f[i], "weakhost_receive") == 0) {
			rc = parse_setting(r, f[i], v, &ifc->weak_host_receive);
		} else if (strcmp(f[i], "proxy_ndp") == 0) {
			rc = parse_setting(r, f[i], v, &ifc->proxy_ndp);
		} else if (strcmp(f[i], "weakhost6_send") == 0) {
			rc = parse_setting(r, f[i], v, &ifc->weak_host_send6);
		} else if (strcmp(f[i], "weakhost6_receive") == 0) {
			rc = parse_setting(r, f[i], v, &ifc->weak_host_receive6);
		} else if (strcmp(f[i], "description") == 0) {
			rc = copy_field(r, ifc->description, sizeof(ifc->description), v, "description");
		} else {
			return fail(r, "unknown interface attribute '%s'", shown(f[i], q));
		}
		if (rc < 0)
			return -1;
	}
	s->nifaces++;
	return 0;
}

/* "2001:2::100/128" and the state words after it. */
static int parse_addr6(struct reader *r, struct dsr_local_iface *ifc, char **f, size_t n)
{
	struct dsr_local_addr6 *a = &ifc->addrs6[ifc->naddrs6];
	char buf[64], q[256];
	char *slash;

	if (ifc->naddrs6 == DSR_LOCAL_MAX_IFACE_ADDRS)
		return fail(r, "too many IPv6 addresses on '%s' (at most %d)", shown(f[1], q),
			    DSR_LOCAL_MAX_IFACE_ADDRS);
	if (strlen(f[2]) >= sizeof(buf) || !(slash = strchr(memcpy(buf, f[2], strlen(f[2]) + 1), '/')))
		return fail(r, "bad address '%s' (want IPV6/LEN)", shown(f[2], q));
	*slash = '\0';
	if (dsr_parse_ipv6(buf, &a->addr) < 0 || dsr_parse_uint(slash + 1, 0, 128, &a->prefix) < 0)
		return fail(r, "bad address '%s' (want IPV6/LEN)", shown(f[2], q));
	a->flags = 0;
	for (size_t i = 3; i < n; i++) {
		if (strcmp(f[i], "tentative") == 0)
			a->flags |= DSR_LOCAL_IFA_TENTATIVE;
		else if (strcmp(f[i], "dadfailed") == 0)
			a->flags |= DSR_LOCAL_IFA_DADFAILED;
		else
			return fail(r, "unknown address state '%s' (tentative or dadfailed)", shown(f[i], q));
	}
	ifc->naddrs6++;
	return 0;
}

static int parse_addr(struct reader *r, char **f, size_t n)
{
	struct dsr_local_iface *ifc;
	char q[256];

	if (want_fields(r, "addr", n, 3, strchr(n >= 3 ? f[2] : "", ':') ? 5 : 3) < 0)
		return -1;
	ifc = dsr_local_find_iface(r->s, f[1]);
	if (!ifc)
		return fail(r, "'addr' names interface '%s', which no earlier 'iface' line defines",
			    shown(f[1], q));
	if (strchr(f[2], ':'))
		return parse_addr6(r, ifc, f, n);
	if (ifc->naddrs == DSR_LOCAL_MAX_IFACE_ADDRS)
		return fail(r, "too many addresses on '%s' (at most %d)", shown(f[1], q),
			    DSR_LOCAL_MAX_IFACE_ADDRS);
	if (parse_prefix(r, f[2], &ifc->addrs[ifc->naddrs]) < 0)
		return -1;
	ifc->naddrs++;
	return 0;
}

static int parse_state(struct reader *r, char **f, size_t n)
{
	static const char *const sources[] = {"interfaces", "routes", "listen", "firewall",
					      "iis",        "events", "ipv6",   "ndp-proxy"};
	struct dsr_local_snapshot *s = r->s;
	enum dsr_local_state *states[] = {&s->ifaces_state,   &s->routes_state, &s->listen_state,
					  &s->firewall_state, &s->iis_state,    &s->events_state,
					  &s->ipv6_state,     &s->ndp_proxies_state};
	char *whys[] = {NULL,      NULL,          NULL, s->firewall_why,
			s->iis_why, s->events_why, NULL, s->ndp_proxies_why};
	char q[256];
	int src, st;

	if (want_fields(r, "state", n, 3, 4) < 0)
		return -1;
	src = LOOKUP(sources, f[1]);
	if (src < 0)
		return fail(r, "unknown source '%s' (interfaces, routes, listen, firewall, iis, events, "
			       "ipv6 or ndp-proxy)",
			    shown(f[1], q));
	st = LOOKUP(state_names, f[2]);
	if (st < 0)
		return fail(r, "bad state '%s' (read, absent, unreadable or unread)", shown(f[2], q));
	*states[src] = (enum dsr_local_state)st;
	if (n == 4) {
		if (!whys[src])
			return fail(r, "source '%s' takes no reason", f[1]);
		return copy_field(r, whys[src], DSR_LOCAL_TEXT, f[3], "reason");
	}
	return 0;
}

static int parse_record(struct reader *r, char **f, size_t n)
{
	struct dsr_local_snapshot *s = r->s;
	const char *key = f[0];
	char q[256];

	if (strcmp(key, "platform") == 0) {
		if (want_fields(r, key, n, 2, 2) < 0)
			return -1;
		if (r->have_platform)
			return fail(r, "'platform' given twice");
		if (strcmp(f[1], "linux") == 0)
			s->platform = DSR_LOCAL_LINUX;
		else if (strcmp(f[1], "windows") == 0)
			s->platform = DSR_LOCAL_WINDOWS;
		else
			return fail(r, "unknown platform '%s' (linux or windows)", shown(f[1], q));
		r->have_platform = true;
		return 0;
	}
	if (strcmp(key, "hostname") == 0)
		return want_fields(r, key, n, 2, 2) < 0
			       ? -1
			       : copy_field(r, s->hostname, sizeof(s->hostname), f[1], "host name");
	if (strcmp(key, "state") == 0)
		return parse_state(r, f, n);
	if (strcmp(key, "sysctl.all") == 0) {
		if (want_fields(r, key, n, 4, 4) < 0 ||
		    parse_setting(r, "arp_ignore", f[1], &s->all_arp_ignore) < 0 ||
		    parse_setting(r, "arp_announce", f[2], &s->all_arp_announce) < 0)
			return -1;
		return parse_setting(r, "rp_filter", f[3], &s->all_rp_filter);
	}
	if (strcmp(key, "sysctl6.all") == 0)
		return want_fields(r, key, n, 2, 2) < 0 ? -1
							: parse_setting(r, "proxy_ndp", f[1], &s->all_proxy_ndp);
	if (strcmp(key, "ndp.proxy") == 0) {
		struct dsr_local_ndp_proxy *e = &s->ndp_proxies[s->nndp_proxies];
		if (want_fields(r, key, n, 3, 3) < 0)
			return -1;
		if (s->nndp_proxies == DSR_LOCAL_MAX_NDP_PROXIES)
			return fail(r, "too many proxy entries (at most %d)", DSR_LOCAL_MAX_NDP_PROXIES);
		if (dsr_parse_ipv6(f[1], &e->addr) < 0)
			return fail(r, "bad IPv6 address '%s'", shown(f[1], q));
		if (copy_field(r, e->dev, sizeof(e->dev), f[2], "device name") < 0)
			return -1;
		s->nndp_proxies++;
		return 0;
	}
	if (strcmp(key, "iface") == 0)
		return parse_iface(r, f, n);
	if (strcmp(key, "addr") == 0)
		return parse_addr(r, f, n);
	if (strcmp(key, "route") == 0) {
		struct dsr_local_route *rt = &s->routes[s->nroutes];
		if (want_fields(r, key, n, 3, 3) < 0)
			return -1;
		if (s->nroutes == DSR_LOCAL_MAX_ROUTES)
			return fail(r, "too many routes (at most %d)", DSR_LOCAL_MAX_ROUTES);
		if (parse_prefix(r, f[1], &rt->dest) < 0 ||
		    copy_field(r, rt->dev, sizeof(rt->dev), f[2], "device name") < 0)
			return -1;
		s->nroutes++;
		return 0;
	}
	if (strcmp(key, "listen") == 0) {
		struct dsr_local_listener *l = &s->listeners[s->nlisteners];
		struct in_addr ignored;
		struct in6_addr ignored6;
		if (want_fields(r, key, n, 3, 3) < 0)
			return -1;
		if (s->nlisteners == DSR_LOCAL_MAX_LISTEN)
			return fail(r, "too many listening sockets (at most %d)", DSR_LOCAL_MAX_LISTEN);
		if (dsr_parse_ipv4(f[1], &ignored) < 0 && dsr_parse_ipv6(f[1], &ignored6) < 0)
			return fail(r, "bad listening address '%s' (a dotted quad or an IPv6 address)",
				    shown(f[1], q));
		if (copy_field(r, l->addr, sizeof(l->addr), f[1], "address") < 0 ||
		    parse_port(r, f[2], &l->port) < 0)
			return -1;
		s->nlisteners++;
		return 0;
	}
	if (strcmp(key, "fw.line") == 0 || strcmp(key, "fw.rule") == 0) {
		bool line = key[3] == 'l';
		if (want_fields(r, key, n, 2, 2) < 0)
			return -1;
		if (strlen(f[1]) >= DSR_LOCAL_TEXT)
			return fail(r, "'%s' too long (at most %d bytes)", key, DSR_LOCAL_TEXT - 1);
		if ((line ? dsr_local_add_fw_line(s, f[1]) : dsr_local_add_fw_rule(s, f[1])) < 0)
			return fail(r, "too many '%s' records (at most %d)", key,
				    line ? DSR_LOCAL_MAX_FW_LINES : DSR_LOCAL_MAX_FW_RULES);
		return 0;
	}
	if (strcmp(key, "fw.profile") == 0) {
		int p;
		if (want_fields(r, key, n, 3, 3) < 0)
			return -1;
		if ((p = LOOKUP(profile_names, f[1])) < 0)
			return fail(r, "unknown profile '%s' (domain, private or public)", shown(f[1], q));
		if (strcmp(f[2], "0") != 0 && strcmp(f[2], "1") != 0 && strcmp(f[2], "?") != 0)
			return fail(r, "bad value '%s' for '%s' (0, 1 or ?)", shown(f[2], q), key);
		s->fw_profile_enabled[p] = f[2][0] == '?' ? DSR_LOCAL_UNKNOWN : f[2][0] - '0';
		return 0;
	}
	if (strcmp(key, "iis.binding") == 0) {
		struct dsr_local_binding *b = &s->bindings[s->nbindings];
		if (want_fields(r, key, n, 6, 6) < 0)
			return -1;
		if (s->nbindings == DSR_LOCAL_MAX_BINDINGS)
			return fail(r, "too many bindings (at most %d)", DSR_LOCAL_MAX_BINDINGS);
		if (copy_field(r, b->site, sizeof(b->site), f[1], "site name") < 0 ||
		    copy_field(r, b->protocol, sizeof(b->protocol), f[2], "protocol") < 0 ||
		    copy_field(r, b->address, sizeof(b->address), f[3], "address") < 0 ||
		    parse_port(r, f[4], &b->port) < 0 ||
		    copy_field(r, b->host, sizeof(b->host), f[5], "host name") < 0)
			return -1;
		s->nbindings++;
		return 0;
	}
	if (strcmp(key, "event.conflict") == 0) {
		struct dsr_local_event *e = &s->conflicts[s->nconflicts];
		if (want_fields(r, key, n, 3, 3) < 0)
			return -1;
		if (s->nconflicts == DSR_LOCAL_MAX_EVENTS)
			return fail(r, "too many events (at most %d)", DSR_LOCAL_MAX_EVENTS);
		if (copy_field(r, e->time, sizeof(e->time), f[1], "time") < 0 ||
		    copy_field(r, e->message, sizeof(e->message), f[2], "message") < 0)
			return -1;
		s->nconflicts++;
		return 0;
	}
	return fail(r, "unknown record '%s'", shown(key, q));
}

struct dsr_local_snapshot *dsr_local_snapshot_parse(const char *text, size_t len, const char *name,
						    char *err, size_t errlen)
{
	struct reader r = {.name = name, .err = err, .errlen = errlen};
	char line[DSR_SNAPSHOT_MAX_LINE + 1];
	bool magic = false;
	size_t at = 0;

	r.s = dsr_local_snapshot_new(DSR_LOCAL_LINUX);
	if (!r.s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (len > DSR_SNAPSHOT_MAX_BYTES) {
		fail(&r, "file too large (at most %d bytes)", DSR_SNAPSHOT_MAX_BYTES);
		goto bad;
	}
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		char *fields[MAX_FIELDS];
		size_t nfields;

		r.line++;
		if (n > 0 && text[at + n - 1] == '\r')
			n--; /* a snapshot carried over from Windows */
		if (n > DSR_SNAPSHOT_MAX_LINE) {
			fail(&r, "line too long (at most %d bytes)", DSR_SNAPSHOT_MAX_LINE);
			goto bad;
		}
		if (memchr(text + at, '\0', n)) {
			fail(&r, "NUL byte in line (is this a snapshot file?)");
			goto bad;
		}
		memcpy(line, text + at, n);
		line[n] = '\0';
		at += nl ? (size_t)(nl - (text + at)) + 1 : n;
		if (line[strspn(line, " \t")] == '#')
			continue; /* a comment, however many words */
		if (split(&r, line, fields, &nfields) < 0)
			goto bad;
		if (nfields == 0 || fields[0][0] == '#')
			continue;
		if (!magic) {
			if (strcmp(fields[0], MAGIC) != 0 || nfields != 2 || strcmp(fields[1], "1") != 0) {
				fail(&r, "not a dsrcheck local snapshot (the first line must be '%s 1')",
				     MAGIC);
				goto bad;
			}
			magic = true;
			continue;
		}
		if (parse_record(&r, fields, nfields) < 0)
			goto bad;
	}
	r.line = 0;
	if (!magic) {
		fail(&r, "empty file: not a dsrcheck local snapshot");
		goto bad;
	}
	if (!r.have_platform) {
		fail(&r, "no 'platform' line");
		goto bad;
	}
	return r.s;
bad:
	dsr_local_snapshot_free(r.s);
	return NULL;
}

struct dsr_local_snapshot *dsr_local_snapshot_load(const char *path, char *err, size_t errlen)
{
	FILE *in = fopen(path, "rb");
	char *buf;
	size_t len;
	struct dsr_local_snapshot *s;

	if (!in) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	/* One byte more than allowed: a larger file is refused, not cut. */
	buf = malloc(DSR_SNAPSHOT_MAX_BYTES + 1);
	if (!buf) {
		fclose(in);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	len = fread(buf, 1, DSR_SNAPSHOT_MAX_BYTES + 1, in);
	if (ferror(in)) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		fclose(in);
		free(buf);
		return NULL;
	}
	fclose(in);
	s = dsr_local_snapshot_parse(buf, len, path, err, errlen);
	free(buf);
	return s;
}
