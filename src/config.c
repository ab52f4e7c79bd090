/* Configuration: the INI file and its command-line equivalent, validated into
 * one struct dsr_config. What each key and flag takes, its range and its
 * messages are in the settings table (src/settings.c); this file reads the
 * file's structure and builds the deployment.
 *
 * src/ini_split.c splits "key = value" lines and reports lines that are
 * neither, as libinih does (tests/test_ini_split.c holds it to libinih), in
 * every build: libinih's own line buffer (200 bytes in Debian's build) cannot
 * be raised, and a generated "servers = ..." line of 250 names is longer. The
 * rest is done here, in the reader callback that feeds it one line at a time:
 *  - line numbers;
 *  - section headers, because an INI splitter cuts section names at 49 bytes
 *    while a "[service NAME]" header may be longer, and because an empty
 *    [server] section must still exist;
 *  - comments, inline "; ..." and "# ..." included, and leading blanks, so
 *    that an indented key is never taken for a multi-line continuation;
 *  - indented continuation lines of 'ports' and 'servers'.
 * Every line handed over is one physical line, so error line numbers match. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/netcompat.h"
#include "ini_split.h"
#include "parse.h"
#include "settings.h"

_Static_assert(DSR_INI_MAX_LINE >= DSR_CONFIG_MAX_LINE + 2,
	       "the splitter's buffer holds the longest line, its newline and NUL");

#define CLI_SOURCE "command line"
#define MAX_FILE_BYTES (1024 * 1024)
#define QUOTE_MAX DSR_QUOTE_MAX
#define NAME_RULE "use letters, digits, '-', '_' and '.'"
#define RANGE_EXAMPLE "198.18.2.1-198.18.2.250"
#define PREFIX_EXAMPLE "198.18.2.0/24"

/* ---- messages ---- */

DSR_PRINTF(5, 0) static void vput_err(char *err, size_t errlen, const char *src,
				      int line, const char *fmt, va_list ap)
{
	int n = 0;

	if (!err || errlen == 0)
		return;
	err[0] = '\0';
	if (src && line > 0)
		n = snprintf(err, errlen, "%s:%d: ", src, line);
	else if (src)
		n = snprintf(err, errlen, "%s: ", src);
	if (n < 0 || (size_t)n >= errlen)
		return;
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
}

DSR_PRINTF(5, 6) static int put_err(char *err, size_t errlen, const char *src,
				    int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vput_err(err, errlen, src, line, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *quote_n(char out[QUOTE_MAX], const char *s, size_t n)
{
	return dsr_quote(out, s, n);
}

static const char *quote(char out[QUOTE_MAX], const char *s)
{
	return dsr_quote(out, s, strlen(s));
}

/* ---- value checks shared by the file and the command line ---- */

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

enum name_problem { NAME_OK, NAME_EMPTY, NAME_TOO_LONG, NAME_BAD };

static enum name_problem check_name(const char *s, size_t n)
{
	if (n == 0)
		return NAME_EMPTY;
	if (n >= DSR_NAME_MAX)
		return NAME_TOO_LONG;
	for (size_t i = 0; i < n; i++)
		if (!name_char(s[i]))
			return NAME_BAD;
	return NAME_OK;
}

static struct dsr_service *find_service(struct dsr_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nservices; i++)
		if (strcmp(cfg->services[i].name, name) == 0)
			return &cfg->services[i];
	return NULL;
}

static struct dsr_server *find_server(struct dsr_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nservers; i++)
		if (strcmp(cfg->servers[i].name, name) == 0)
			return &cfg->servers[i];
	return NULL;
}

/* Doubles *cap until it holds need elements of size bytes. */
static int grow(void **array, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*array, n * size);
	if (!p)
		return -1;
	*array = p;
	*cap = n;
	return 0;
}

/* A new server, zeroed, at the end of cfg->servers; NULL when out of memory. */
static struct dsr_server *new_server(struct dsr_config *cfg)
{
	void *servers = cfg->servers;

	if (grow(&servers, &cfg->servers_cap, cfg->nservers + 1, sizeof(*cfg->servers)) < 0)
		return NULL;
	cfg->servers = servers;
	memset(&cfg->servers[cfg->nservers], 0, sizeof(*cfg->servers));
	return &cfg->servers[cfg->nservers++];
}

static int service_add(struct dsr_service *svc, size_t server)
{
	void *list = svc->servers;

	if (grow(&list, &svc->servers_cap, svc->nservers + 1, sizeof(*svc->servers)) < 0)
		return -1;
	svc->servers = list;
	svc->servers[svc->nservers++] = server;
	return 0;
}

static bool has_port(const struct dsr_service *svc, unsigned port)
{
	for (size_t i = 0; i < svc->nports; i++)
		if (svc->ports[i] == port)
			return true;
	return false;
}

static bool has_balancer_mac(const struct dsr_service *svc, const uint8_t mac[6])
{
	for (size_t i = 0; i < svc->nbalancer_macs; i++)
		if (memcmp(svc->balancer_macs[i], mac, 6) == 0)
			return true;
	return false;
}

/* "[NAME=]ADDR[@MAC]" (n bytes at item): one member of a balancer set, as the
 * file and --balancer both write it. Returns 0, or -1 with what is wrong in why. */
static int parse_balancer(const char *item, size_t n, struct dsr_balancer *out, char *why,
			  size_t whylen)
{
	char buf[DSR_NAME_MAX + 48], q[QUOTE_MAX];
	const char *addr = buf, *problem;
	char *at, *eq;

	memset(out, 0, sizeof(*out));
	if (n >= sizeof(buf)) {
		snprintf(why, whylen, "bad balancer '%s'", quote_n(q, item, n));
		return -1;
	}
	memcpy(buf, item, n);
	buf[n] = '\0';
	if ((at = strchr(buf, '@'))) {
		*at = '\0';
		if (dsr_parse_mac(at + 1, out->mac) < 0) {
			snprintf(why, whylen, "bad MAC address '%s'", quote(q, at + 1));
			return -1;
		}
		if ((problem = dsr_mac_unusable(out->mac))) {
			snprintf(why, whylen, "MAC address %s %s", at + 1, problem);
			return -1;
		}
		out->has_mac = true;
	}
	if ((eq = strchr(buf, '='))) {
		*eq = '\0';
		addr = eq + 1;
		switch (check_name(buf, strlen(buf))) {
		case NAME_EMPTY:
			snprintf(why, whylen, "empty name before '=' in '%s'", quote_n(q, item, n));
			return -1;
		case NAME_TOO_LONG:
			snprintf(why, whylen, "name '%s' is too long (at most %d characters)", quote(q, buf),
				 DSR_NAME_MAX - 1);
			return -1;
		case NAME_BAD:
			snprintf(why, whylen, "bad name '%s' (%s)", quote(q, buf), NAME_RULE);
			return -1;
		case NAME_OK:
			memcpy(out->name, buf, strlen(buf) + 1);
			break;
		}
	}
	if (dsr_parse_ipv4(addr, &out->addr) < 0) {
		snprintf(why, whylen, "bad IPv4 address '%s'", quote(q, addr));
		return -1;
	}
	if ((problem = dsr_ipv4_unusable(out->addr))) {
		snprintf(why, whylen, "address %s %s", addr, problem);
		return -1;
	}
	return 0;
}

/* Adds b to svc's balancer set, named "lbN" by position when it has no name. */
static int add_balancer(struct dsr_service *svc, struct dsr_balancer *b, char *why, size_t whylen)
{
	char a[16];

	if (!b->name[0])
		snprintf(b->name, sizeof(b->name), "lb%zu", svc->nbalancers + 1);
	for (size_t i = 0; i < svc->nbalancers; i++) {
		if (svc->balancers[i].addr.s_addr == b->addr.s_addr) {
			dsr_format_ipv4(b->addr, a);
			snprintf(why, whylen, "balancer %s listed twice", a);
			return -1;
		}
		if (strcmp(svc->balancers[i].name, b->name) == 0) {
			snprintf(why, whylen, "balancer name '%s' used twice", b->name);
			return -1;
		}
	}
	if (svc->nbalancers >= DSR_MAX_BALANCERS) {
		snprintf(why, whylen, "too many balancers (at most %d)", DSR_MAX_BALANCERS);
		return -1;
	}
	svc->balancers[svc->nbalancers++] = *b;
	return 0;
}

void dsr_vrrp_mac(unsigned vrid, uint8_t out[6])
{
	static const uint8_t prefix[5] = {0x00, 0x00, 0x5e, 0x00, 0x01};

	memcpy(out, prefix, 5);
	out[5] = (uint8_t)vrid;
}

bool dsr_is_vrrp_mac(const uint8_t mac[6], unsigned *vrid)
{
	uint8_t v[6];

	dsr_vrrp_mac(mac[5], v);
	if (memcmp(v, mac, 6) != 0 || mac[5] == 0)
		return false;
	*vrid = mac[5];
	return true;
}

/* ---- init ---- */

int dsr_config_init(struct dsr_config *cfg)
{
	void *servers = NULL;

	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->source, sizeof(cfg->source), "%s", CLI_SOURCE);
	dsr_settings_defaults(cfg);
	/* Never NULL, so that code reading an empty table needs no special case. */
	if (grow(&servers, &cfg->servers_cap, 1, sizeof(*cfg->servers)) == 0)
		cfg->servers = servers;
	cfg->services = calloc(DSR_MAX_SERVICES, sizeof(*cfg->services));
	if (!cfg->servers || !cfg->services) {
		dsr_config_free(cfg);
		return -1;
	}
	return 0;
}

void dsr_config_free(struct dsr_config *cfg)
{
	for (size_t i = 0; cfg->services && i < cfg->nservices; i++)
		free(cfg->services[i].servers);
	free(cfg->servers);
	free(cfg->services);
	cfg->servers = NULL;
	cfg->services = NULL;
	cfg->nservers = 0;
	cfg->servers_cap = 0;
	cfg->nservices = 0;
}

/* ---- the INI file ---- */

/* Open addressing: a slot holds 1 + an index (of a server or a ref), 0 when free.
 * Four times the most entries, so probes stay short. */
#define INDEX_SLOTS (4 * DSR_MAX_SERVERS)

struct index {
	uint32_t slot[INDEX_SLOTS];
};

static size_t hash_name(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h & (INDEX_SLOTS - 1);
}

static size_t hash_addr(uint32_t a)
{
	return (a * 2654435761u) >> 18 & (INDEX_SLOTS - 1);
}

/* The slot of the server named name, or the free slot where it would go. */
static uint32_t *server_by_name(struct index *ix, const struct dsr_config *cfg, const char *name)
{
	for (size_t i = hash_name(name);; i = (i + 1) & (INDEX_SLOTS - 1))
		if (!ix->slot[i] || strcmp(cfg->servers[ix->slot[i] - 1].name, name) == 0)
			return &ix->slot[i];
}

/* The slot of the first server with address a (host order), or a free one. */
static uint32_t *server_by_addr(struct index *ix, const struct dsr_config *cfg, uint32_t a)
{
	for (size_t i = hash_addr(a);; i = (i + 1) & (INDEX_SLOTS - 1))
		if (!ix->slot[i] || cfg->servers[ix->slot[i] - 1].addr.s_addr == htonl(a))
			return &ix->slot[i];
}

enum section_kind { SEC_NONE = 0, SEC_GLOBAL = DSR_IN_GLOBAL, SEC_SERVICE = DSR_IN_SERVICE, SEC_SERVER = DSR_IN_SERVER };

/* An item of a service's 'servers' list, resolved once the whole file is read
 * because [server] sections may come after the service: a name, or addresses
 * (one, a range or a prefix) from first to last. */
struct server_ref {
	size_t service;
	int line;
	bool by_address;
	uint32_t first, last; /* host byte order */
	char name[DSR_NAME_MAX];
};

struct loader {
	struct dsr_config *cfg;
	const char *src;
	char *err;
	size_t errlen;
	bool failed;
	int err_line;

	const char *buf; /* the whole file */
	size_t len;
	size_t pos;
	int line; /* the line last handed to the splitter */
	const char *text; /* that line without blanks and comments, inside buf */
	size_t textlen;

	enum section_kind section;
	size_t cur; /* index of the current service or server */
	int global_line;
	int key_line[DSR_SET_COUNT]; /* where each key of the current section was given */

	bool in_list; /* the last key was 'ports' or 'servers': indented lines continue it */
	const struct dsr_setting *list_key;
	int list_line;
	size_t list_items;
	size_t list_servers; /* servers the current service's list names, ranges counted whole */

	struct server_ref *refs;
	size_t nrefs;
	size_t refs_cap;

	/* Servers by name and by address, and the current list's names: a file of
	 * 4,096 servers is read in milliseconds, not in a quadratic second. */
	struct index *by_name, *by_addr, *listed;
};

DSR_PRINTF(3, 4) static int fail(struct loader *ld, int line, const char *fmt,
				 ...)
{
	va_list ap;

	if (ld->failed)
		return -1;
	ld->failed = true;
	ld->err_line = line;
	va_start(ap, fmt);
	vput_err(ld->err, ld->errlen, ld->src, line, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *section_label(const struct loader *ld, char out[DSR_NAME_MAX + 16])
{
	switch (ld->section) {
	case SEC_GLOBAL:
		return "[global]";
	case SEC_SERVICE:
		snprintf(out, DSR_NAME_MAX + 16, "[service %s]", ld->cfg->services[ld->cur].name);
		return out;
	case SEC_SERVER:
		snprintf(out, DSR_NAME_MAX + 16, "[server %s]", ld->cfg->servers[ld->cur].name);
		return out;
	case SEC_NONE:
		break;
	}
	return "";
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && is_blank(**s))
		(*s)++, (*n)--;
	while (*n > 0 && is_blank((*s)[*n - 1]))
		(*n)--;
}

static int syntax_error(struct loader *ld, int line, const char *text, size_t n)
{
	char q[QUOTE_MAX];

	return fail(ld, line, "expected '[section]' or 'key = value', not '%s'", quote_n(q, text, n));
}

/* [global], [service NAME] or [server NAME]; text is the header without comments. */
static int begin_section(struct loader *ld, const char *text, size_t n)
{
	struct dsr_config *cfg = ld->cfg;
	const char *close = memchr(text, ']', n);
	const char *inner = text + 1, *name;
	size_t innerlen, typelen, namelen;
	char q[QUOTE_MAX];

	if (!close)
		return fail(ld, ld->line, "missing ']' in section header '%s'", quote_n(q, text, n));
	if (close != text + n - 1) {
		const char *after = close + 1;
		size_t afterlen = (size_t)(text + n - after);
		trim(&after, &afterlen);
		return fail(ld, ld->line, "unexpected text '%s' after ']'", quote_n(q, after, afterlen));
	}
	innerlen = (size_t)(close - inner);
	trim(&inner, &innerlen);
	if (innerlen == 0)
		return fail(ld, ld->line, "empty section name []");
	for (typelen = 0; typelen < innerlen && !is_blank(inner[typelen]); typelen++)
		;
	name = inner + typelen;
	namelen = innerlen - typelen;
	trim(&name, &namelen);
	memset(ld->key_line, 0, sizeof(ld->key_line));

	if (typelen == 6 && memcmp(inner, "global", 6) == 0) {
		if (namelen > 0)
			return fail(ld, ld->line, "section [global] takes no name, not '%s'",
				    quote_n(q, name, namelen));
		if (ld->global_line)
			return fail(ld, ld->line, "section [global] given twice (first at line %d)",
				    ld->global_line);
		ld->global_line = ld->line;
		ld->section = SEC_GLOBAL;
		return 0;
	}
	bool service = typelen == 7 && memcmp(inner, "service", 7) == 0;
	bool server = typelen == 6 && memcmp(inner, "server", 6) == 0;
	if (!service && !server)
		return fail(ld, ld->line, "unknown section [%s]", quote_n(q, inner, innerlen));

	const char *kind = service ? "service" : "server";
	switch (check_name(name, namelen)) {
	case NAME_EMPTY:
		return fail(ld, ld->line, "section [%s] needs a name, e.g. [%s %s]", kind, kind,
			    service ? "web" : "rs1");
	case NAME_TOO_LONG:
		return fail(ld, ld->line, "%s name '%s' is too long (at most %d characters)", kind,
			    quote_n(q, name, namelen), DSR_NAME_MAX - 1);
	case NAME_BAD:
		return fail(ld, ld->line, "bad %s name '%s' (%s)", kind, quote_n(q, name, namelen),
			    NAME_RULE);
	case NAME_OK:
		break;
	}
	char copy[DSR_NAME_MAX];
	memcpy(copy, name, namelen);
	copy[namelen] = '\0';

	if (service) {
		const struct dsr_service *old = find_service(cfg, copy);
		if (old)
			return fail(ld, ld->line, "service '%s' defined twice (first at line %d)", copy,
				    old->line);
		if (cfg->nservices >= DSR_MAX_SERVICES)
			return fail(ld, ld->line, "too many services (at most %d)", DSR_MAX_SERVICES);
		struct dsr_service *svc = &cfg->services[cfg->nservices];
		memset(svc, 0, sizeof(*svc));
		memcpy(svc->name, copy, namelen + 1);
		svc->line = ld->line;
		ld->cur = cfg->nservices++;
		ld->section = SEC_SERVICE;
	} else {
		uint32_t *slot = server_by_name(ld->by_name, cfg, copy);
		if (*slot)
			return fail(ld, ld->line, "server '%s' defined twice (first at line %d)", copy,
				    cfg->servers[*slot - 1].line);
		if (cfg->nservers >= DSR_MAX_SERVERS)
			return fail(ld, ld->line, "too many servers (at most %d)", DSR_MAX_SERVERS);
		struct dsr_server *srv = new_server(cfg);
		if (!srv)
			return fail(ld, ld->line, "out of memory");
		memcpy(srv->name, copy, namelen + 1);
		srv->line = ld->line;
		ld->cur = cfg->nservers - 1;
		*slot = (uint32_t)cfg->nservers;
		ld->section = SEC_SERVER;
	}
	return 0;
}

static struct server_ref *new_ref(struct loader *ld, int line)
{
	void *refs = ld->refs;

	if (grow(&refs, &ld->refs_cap, ld->nrefs + 1, sizeof(*ld->refs)) < 0) {
		fail(ld, line, "out of memory");
		return NULL;
	}
	ld->refs = refs;
	struct server_ref *ref = &ld->refs[ld->nrefs++];
	memset(ref, 0, sizeof(*ref));
	ref->service = ld->cur;
	ref->line = line;
	return ref;
}

/* How many servers a list may still name: each service has its own limit. */
static int count_servers(struct loader *ld, int line, size_t n)
{
	const struct dsr_setting *s = dsr_setting(DSR_SET_SERVERS);

	if (ld->list_servers + n > s->max)
		return fail(ld, line, "service '%s' lists too many servers (at most %u)",
			    ld->cfg->services[ld->cur].name, s->max);
	ld->list_servers += n;
	return 0;
}

/* An address, a range or a prefix in 'servers': the servers at those
 * addresses, which need no [server] section. */
static int add_server_addresses(struct loader *ld, const char *item, size_t n, int line)
{
	const struct dsr_setting *s = dsr_setting(DSR_SET_SERVERS);
	bool prefix = memchr(item, '/', n) != NULL, range = memchr(item, '-', n) != NULL;
	char text[40], q[QUOTE_MAX], a[16];
	uint32_t first, last;
	struct in_addr one;
	int rc;

	if (n >= sizeof(text))
		return fail(ld, line, "bad server '%s' in 'servers'", quote_n(q, item, n));
	memcpy(text, item, n);
	text[n] = '\0';
	if (prefix) {
		if (dsr_parse_ipv4_prefix(text, &first, &last) < 0)
			return fail(ld, line, "bad prefix '%s' in 'servers' (use e.g. %s)", text,
				    PREFIX_EXAMPLE);
	} else if (range) {
		if (dsr_parse_ipv4_range(text, &first, &last) < 0)
			return fail(ld, line, "bad range '%s' in 'servers' (use e.g. %s)", text,
				    RANGE_EXAMPLE);
	} else {
		if (dsr_parse_ipv4(text, &one) < 0)
			return fail(ld, line, "bad IPv4 address '%s' in 'servers'", text);
		first = last = ntohl(one.s_addr);
	}
	if ((prefix || range) && last - first >= s->max)
		return fail(ld, line, "%s %s in 'servers' holds %llu addresses (at most %u servers)",
			    prefix ? "prefix" : "range", text, (unsigned long long)(last - first) + 1,
			    s->max);
	for (uint32_t h = first;; h++) {
		const char *why;
		one.s_addr = htonl(h);
		if ((why = dsr_ipv4_unusable(one))) {
			dsr_format_ipv4(one, a);
			return fail(ld, line, "address %s in 'servers' %s", a, why);
		}
		if (h == last)
			break;
	}
	if ((rc = count_servers(ld, line, (size_t)(last - first) + 1)) < 0)
		return rc;
	struct server_ref *ref = new_ref(ld, line);
	if (!ref)
		return -1;
	ref->by_address = true;
	ref->first = first;
	ref->last = last;
	return 0;
}

/* Whether an item of 'servers' stands for addresses rather than a name: a
 * dotted quad, or one before '-' or '/'. Names may hold digits, dots and '-'
 * too, so "10-web" stays a name. */
static bool is_address_item(const char *item, size_t n)
{
	char head[16];
	size_t h = 0;
	bool digits_and_dots = true;
	struct in_addr a;

	for (size_t i = 0; i < n; i++)
		digits_and_dots = digits_and_dots && ((item[i] >= '0' && item[i] <= '9') || item[i] == '.');
	if (digits_and_dots)
		return true; /* a bad address, not a name */
	while (h < n && item[h] != '-' && item[h] != '/')
		h++;
	if (h == n || h >= sizeof(head))
		return false;
	memcpy(head, item, h);
	head[h] = '\0';
	return dsr_parse_ipv4(head, &a) == 0;
}

static int add_server_ref(struct loader *ld, const char *name, size_t n, int line)
{
	const char *svc = ld->cfg->services[ld->cur].name;
	char q[QUOTE_MAX];

	if (is_address_item(name, n))
		return add_server_addresses(ld, name, n, line);
	switch (check_name(name, n)) {
	case NAME_EMPTY: /* the list splitter never passes one */
	case NAME_BAD:
		return fail(ld, line, "bad server name '%s' in 'servers' (%s)", quote_n(q, name, n),
			    NAME_RULE);
	case NAME_TOO_LONG:
		return fail(ld, line, "server name '%s' in 'servers' is too long (at most %d characters)",
			    quote_n(q, name, n), DSR_NAME_MAX - 1);
	case NAME_OK:
		break;
	}
	char copy[DSR_NAME_MAX];
	memcpy(copy, name, n);
	copy[n] = '\0';
	size_t i = hash_name(copy);
	for (; ld->listed->slot[i]; i = (i + 1) & (INDEX_SLOTS - 1))
		if (strcmp(ld->refs[ld->listed->slot[i] - 1].name, copy) == 0)
			return fail(ld, line, "service '%s' lists server '%s' twice", svc, copy);
	if (count_servers(ld, line, 1) < 0)
		return -1;
	struct server_ref *ref = new_ref(ld, line);
	if (!ref)
		return -1;
	memcpy(ref->name, copy, n + 1);
	ld->listed->slot[i] = (uint32_t)ld->nrefs;
	return 0;
}

static int add_list_item(struct loader *ld, const struct dsr_setting *key, const char *item, size_t n,
			 int line)
{
	struct dsr_service *svc = &ld->cfg->services[ld->cur];
	char text[32], q[QUOTE_MAX];
	uint8_t mac[6];
	unsigned port;
	bool fits = n < sizeof(text);

	if (key->type == DSR_TYPE_SERVERS)
		return add_server_ref(ld, item, n, line);
	if (key->type == DSR_TYPE_HOSTS) {
		struct dsr_balancer b;
		char why[160];
		if (parse_balancer(item, n, &b, why, sizeof(why)) < 0 ||
		    add_balancer(svc, &b, why, sizeof(why)) < 0)
			return fail(ld, line, "%s in '%s'", why, key->key);
		return 0;
	}
	if (fits) {
		memcpy(text, item, n);
		text[n] = '\0';
	}
	if (key->type == DSR_TYPE_PORTS) {
		if (!fits || dsr_parse_uint(text, key->min, key->max, &port) < 0)
			return fail(ld, line, "bad port '%s' in '%s' (use %u to %u)", quote_n(q, item, n),
				    key->key, key->min, key->max);
		if (has_port(svc, port))
			return fail(ld, line, "port %u listed twice in '%s'", port, key->key);
		if (svc->nports >= DSR_MAX_PORTS)
			return fail(ld, line, "too many ports in '%s' (at most %d)", key->key,
				    DSR_MAX_PORTS);
		svc->ports[svc->nports++] = (uint16_t)port;
		return 0;
	}
	/* DSR_TYPE_MACS */
	if (!fits || dsr_parse_mac(text, mac) < 0)
		return fail(ld, line, "bad MAC address '%s' for '%s'", quote_n(q, item, n), key->key);
	const char *why = dsr_mac_unusable(mac);
	if (why)
		return fail(ld, line, "MAC address %s for '%s' %s", text, key->key, why);
	if (has_balancer_mac(svc, mac))
		return fail(ld, line, "MAC address %s listed twice in '%s'", text, key->key);
	if (svc->nbalancer_macs >= key->max)
		return fail(ld, line, "too many MAC addresses for '%s' (at most %u)", key->key,
			    key->max);
	memcpy(svc->balancer_macs[svc->nbalancer_macs++], mac, 6);
	return 0;
}

/* One line's worth of a comma-separated list. A trailing comma is allowed (the
 * list may go on on the next line); an empty item elsewhere is not. */
static int add_list_segment(struct loader *ld, const struct dsr_setting *key, const char *text,
			    size_t n, int line)
{
	const char *p = text, *end = text + n;
	size_t count = 0;

	if (n == 0)
		return 0;
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *item = p;
		size_t len;

		if (!comma)
			comma = end;
		len = (size_t)(comma - p);
		trim(&item, &len);
		if (len == 0) {
			if (comma == end && count > 0)
				return 0;
			return fail(ld, line, "empty item in '%s'", key->key);
		}
		if (add_list_item(ld, key, item, len, line) < 0)
			return -1;
		count++;
		if (key->type != DSR_TYPE_MACS)
			ld->list_items++;
		if (comma == end)
			return 0;
		p = comma + 1;
	}
}

/* Called when a line that does not continue the current list comes. */
static int end_list(struct loader *ld)
{
	if (!ld->in_list)
		return 0;
	ld->in_list = false;
	if (ld->list_items == 0)
		return fail(ld, ld->list_line, "empty value for '%s'", ld->list_key->key);
	return 0;
}

static int set_address(struct loader *ld, const char *key, const char *value, struct in_addr *out)
{
	char q[QUOTE_MAX];
	struct in_addr a;
	const char *why;

	if (dsr_parse_ipv4(value, &a) < 0)
		return fail(ld, ld->line, "bad IPv4 address '%s' for '%s'", quote(q, value), key);
	if ((why = dsr_ipv4_unusable(a)))
		return fail(ld, ld->line, "address %s for '%s' %s", value, key, why);
	*out = a;
	return 0;
}

/* "A" or "A, B": an address of each family at most (dual-stack), each into
 * its own slot. 0, or -1 with why, which names key when there is one (a
 * file's line; the command line names the option itself). */
static int parse_dual(const char *value, const char *key, struct in_addr *v4, bool *has4,
		      struct in6_addr *v6, bool *has6, char *why, size_t whylen)
{
	char q[QUOTE_MAX], item[DSR_IPV6_TEXT + 8], of[DSR_NAME_MAX + 16] = "";
	bool got4 = false, got6 = false;
	struct in_addr a4;
	struct in6_addr a6;
	const char *p = value, *problem;

	if (key)
		snprintf(of, sizeof(of), " for '%s'", key);
	for (;;) {
		const char *comma = strchr(p, ',');
		const char *start = p;
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		trim(&start, &n);
		size_t kept = n < sizeof(item) ? n : sizeof(item) - 1; /* longer: no address */
		memcpy(item, start, kept);
		item[kept] = '\0';
		bool is4 = kept == n && dsr_parse_ipv4(item, &a4) == 0;
		if (!is4 && (kept < n || dsr_parse_ipv6(item, &a6) < 0)) {
			snprintf(why, whylen, "bad IPv4 or IPv6 address '%s'%s", quote_n(q, start, n), of);
			return -1;
		}
		if (is4 ? got4 : got6) {
			snprintf(why, whylen, "two %s addresses in '%s'%s (one of each family at most)",
				 is4 ? "IPv4" : "IPv6", quote(q, value), of);
			return -1;
		}
		if ((problem = is4 ? dsr_ipv4_unusable(a4) : dsr_ipv6_unusable(&a6))) {
			snprintf(why, whylen, "address %s%s %s", item, of, problem);
			return -1;
		}
		*(is4 ? &got4 : &got6) = true;
		if (is4)
			*v4 = a4;
		else
			*v6 = a6;
		if (!comma)
			break;
		p = comma + 1;
	}
	*has4 = *has4 || got4;
	*has6 = *has6 || got6;
	return 0;
}

static int set_key(struct loader *ld, const struct dsr_setting *key, const char *value)
{
	struct dsr_config *cfg = ld->cfg;
	struct dsr_service *svc = ld->section == SEC_SERVICE ? &cfg->services[ld->cur] : NULL;
	struct dsr_server *srv = ld->section == SEC_SERVER ? &cfg->servers[ld->cur] : NULL;
	char q[QUOTE_MAX], msg[256];

	switch (key->id) {
	case DSR_SET_VIP:
		if (parse_dual(value, key->key, &svc->vip, &svc->has_vip, &svc->vip6, &svc->has_vip6, msg,
			       sizeof(msg)) < 0)
			return fail(ld, ld->line, "%s", msg);
		return 0;
	case DSR_SET_BALANCER:
		return add_list_segment(ld, key, value, strlen(value), ld->line);
	case DSR_SET_VRRP_ID:
		if (dsr_setting_parse_uint(key, value, true, &svc->vrrp_id, msg, sizeof(msg)) < 0)
			return fail(ld, ld->line, "%s", msg);
		return 0;
	case DSR_SET_VLAN:
	case DSR_SET_VLAN_PRIORITY:
		if (!svc)
			break; /* [global]'s: the scalar below */
		if (dsr_setting_parse_uint(key, value, true,
					   key->id == DSR_SET_VLAN ? &svc->vlan : &svc->vlan_priority,
					   msg, sizeof(msg)) < 0)
			return fail(ld, ld->line, "%s", msg);
		*(key->id == DSR_SET_VLAN ? &svc->has_vlan : &svc->has_vlan_priority) = true;
		return 0;
	case DSR_SET_SOURCE:
		if (set_address(ld, key->key, value, svc ? &svc->probe_source : &cfg->probe_source) < 0)
			return -1;
		*(svc ? &svc->has_probe_source : &cfg->has_probe_source) = true;
		return 0;
	case DSR_SET_ADDRESS: {
		bool has4 = false;
		if (parse_dual(value, key->key, &srv->addr, &has4, &srv->addr6, &srv->has_addr6, msg,
			       sizeof(msg)) < 0)
			return fail(ld, ld->line, "%s", msg);
		if (!has4)
			return fail(ld, ld->line,
				    "server '%s' has only an IPv6 address: give its IPv4 address as well "
				    "(address = IPV4, IPV6); IPv6-only servers are not audited yet",
				    srv->name);
		uint32_t *slot = server_by_addr(ld->by_addr, cfg, ntohl(srv->addr.s_addr));
		if (!*slot)
			*slot = (uint32_t)ld->cur + 1;
		return 0;
	}
	case DSR_SET_MAC: {
		const char *why;
		if (dsr_parse_mac(value, srv->mac) < 0)
			return fail(ld, ld->line, "bad MAC address '%s' for '%s'", quote(q, value),
				    key->key);
		if ((why = dsr_mac_unusable(srv->mac)))
			return fail(ld, ld->line, "MAC address %s for '%s' %s", value, key->key, why);
		srv->has_mac = true;
		return 0;
	}
	case DSR_SET_BALANCER_MAC:
		return add_list_segment(ld, key, value, strlen(value), ld->line);
	case DSR_SET_PORTS:
	case DSR_SET_SERVERS:
		if (key->id == DSR_SET_SERVERS) {
			memset(ld->listed, 0, sizeof(*ld->listed));
			ld->list_servers = 0;
		}
		ld->in_list = true;
		ld->list_key = key;
		ld->list_line = ld->line;
		ld->list_items = 0;
		return add_list_segment(ld, key, value, strlen(value), ld->line);
	default:
		break;
	}
	/* [global]: what the command line can set as well */
	if (dsr_setting_set_scalar(cfg, key, value, true, msg, sizeof(msg)) < 0)
		return fail(ld, ld->line, "%s", msg);
	return 0;
}

static int handle_key(struct loader *ld, const char *name, const char *value)
{
	char q[QUOTE_MAX], label[DSR_NAME_MAX + 16];
	const struct dsr_setting *key;

	if (!name || !value) /* only from splitters with INI_ALLOW_NO_VALUE */
		return syntax_error(ld, ld->line, ld->text, ld->textlen);
	if (name[0] == '\0')
		return fail(ld, ld->line, "missing key name before '='");
	if (strpbrk(name, " \t"))
		return syntax_error(ld, ld->line, ld->text, ld->textlen);
	if (ld->section == SEC_NONE)
		return fail(ld, ld->line, "key '%s' is outside any section", quote(q, name));
	key = dsr_setting_by_key(name, (unsigned)ld->section);
	if (!key)
		return fail(ld, ld->line, "unknown key '%s' in %s", quote(q, name),
			    section_label(ld, label));
	if (ld->key_line[key->id])
		return fail(ld, ld->line, "key '%s' given twice in %s (first at line %d)", name,
			    section_label(ld, label), ld->key_line[key->id]);
	ld->key_line[key->id] = ld->line;
	if (value[0] == '\0' && key->type != DSR_TYPE_PORTS && key->type != DSR_TYPE_SERVERS)
		return fail(ld, ld->line, "empty value for '%s'", name);
	ld->cfg->given |= 1u << key->id;
	return set_key(ld, key, value);
}

/* The splitter's handler: one "key = value" line, which is ld->line. Returns
 * nonzero to go on. */
static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;

	(void)section; /* ours is in ld: the splitter cuts long section names short */
	if (ld->failed)
		return 0;
	return handle_key(ld, name, value) == 0;
}

/* The splitter's reader: hands over one physical line per call, with blanks and
 * comments removed, or "\n" for lines handled here. NULL ends the parse. */
static char *next_line(char *str, int num, void *stream)
{
	struct loader *ld = stream;

	if (ld->failed)
		return NULL;
	if (ld->pos >= ld->len) {
		end_list(ld);
		return NULL;
	}

	const char *start = ld->buf + ld->pos;
	const char *nl = memchr(start, '\n', ld->len - ld->pos);
	size_t n = nl ? (size_t)(nl - start) : ld->len - ld->pos;
	ld->pos += n + (nl ? 1 : 0);
	ld->line++;

	if (memchr(start, '\0', n)) {
		fail(ld, ld->line, "NUL byte in line (is this a text file?)");
		return NULL;
	}
	if (ld->line == 1 && n >= 3 && memcmp(start, "\xef\xbb\xbf", 3) == 0)
		start += 3, n -= 3; /* UTF-8 byte order mark */

	bool indented = n > 0 && is_blank(start[0]);
	trim(&start, &n);
	if (n > 0 && (start[0] == ';' || start[0] == '#'))
		n = 0;
	for (size_t i = 1; i < n; i++) {
		if ((start[i] == ';' || start[i] == '#') && is_blank(start[i - 1])) {
			n = i;
			break;
		}
	}
	trim(&start, &n);
	ld->text = start;
	ld->textlen = n;

	if (n == 0) /* blank and comment lines do not end a list */
		goto handled;
	if (ld->in_list && indented && !memchr(start, '=', n) && !memchr(start, ':', n)) {
		if (add_list_segment(ld, ld->list_key, start, n, ld->line) < 0)
			return NULL;
		goto handled;
	}
	if (end_list(ld) < 0)
		return NULL;
	if (start[0] == '[') {
		if (begin_section(ld, start, n) < 0)
			return NULL;
		goto handled;
	}
	if (n > DSR_CONFIG_MAX_LINE || num < 2 || n > (size_t)num - 2) {
		fail(ld, ld->line,
		     "line is too long (at most %d characters; a long 'ports' or 'servers' list "
		     "can go on on indented lines)",
		     DSR_CONFIG_MAX_LINE);
		return NULL;
	}
	memcpy(str, start, n);
	str[n] = '\n';
	str[n + 1] = '\0';
	return str;

handled:
	if (num < 2) {
		fail(ld, ld->line, "line buffer too small");
		return NULL;
	}
	str[0] = '\n';
	str[1] = '\0';
	return str;
}

/* Finds line `line` of the buffer, without blanks and comments, for messages
 * about lines the splitter refused. */
static void find_line(const struct loader *ld, int line, const char **text, size_t *n)
{
	const char *p = ld->buf, *end = ld->buf + ld->len;

	for (int i = 1; i < line && p < end; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	*text = p;
	*n = nl ? (size_t)(nl - p) : (size_t)(end - p);
	trim(text, n);
	for (size_t i = 1; i < *n; i++)
		if (((*text)[i] == ';' || (*text)[i] == '#') && is_blank((*text)[i - 1]))
			*n = i;
	trim(text, n);
}

/* The server at address h for a 'servers' item: the [server] section named by
 * the address (how such a server gets a MAC), else the server that has the
 * address, else a new one named by its address. -1 when out of room. */
static long server_at(struct loader *ld, const struct server_ref *ref, uint32_t h)
{
	struct dsr_config *cfg = ld->cfg;
	struct in_addr a;
	char name[16];
	struct dsr_server *srv;

	a.s_addr = htonl(h);
	dsr_format_ipv4(a, name);
	uint32_t *named = server_by_name(ld->by_name, cfg, name);
	uint32_t *at = server_by_addr(ld->by_addr, cfg, h);
	if (*named) {
		srv = &cfg->servers[*named - 1];
		if (srv->addr.s_addr == 0) {
			srv->addr = a;
			if (!*at)
				*at = *named;
		}
		return (long)*named - 1;
	}
	if (*at)
		return (long)*at - 1;
	if (cfg->nservers >= DSR_MAX_SERVERS)
		return fail(ld, ref->line, "too many servers (at most %d)", DSR_MAX_SERVERS);
	srv = new_server(cfg);
	if (!srv)
		return fail(ld, ref->line, "out of memory");
	memcpy(srv->name, name, strlen(name) + 1);
	srv->addr = a;
	srv->line = ref->line;
	*named = *at = (uint32_t)cfg->nservers;
	return (long)(cfg->nservers - 1);
}

/* Adds a resolved server to its service, once: an address may name a server
 * the list already holds by name or by another range. */
static int list_server(struct loader *ld, const struct server_ref *ref, size_t idx, size_t *listed_by,
		       uint32_t h)
{
	struct dsr_config *cfg = ld->cfg;
	struct dsr_service *svc = &cfg->services[ref->service];
	const struct dsr_server *srv = &cfg->servers[idx];
	struct in_addr addr;
	char a[16];

	if (listed_by[idx] == ref->service + 1) {
		if (!ref->by_address)
			return fail(ld, ref->line, "service '%s' lists server '%s' twice", svc->name,
				    srv->name);
		addr.s_addr = htonl(h);
		dsr_format_ipv4(addr, a);
		if (strcmp(a, srv->name) == 0)
			return fail(ld, ref->line, "service '%s' lists %s twice", svc->name, a);
		return fail(ld, ref->line, "service '%s' lists server '%s' twice (%s is its address)",
			    svc->name, srv->name, a);
	}
	listed_by[idx] = ref->service + 1;
	if (service_add(svc, idx) < 0)
		return fail(ld, ref->line, "out of memory");
	return 0;
}

static int resolve_servers(struct loader *ld)
{
	struct dsr_config *cfg = ld->cfg;
	/* listed_by[server] = 1 + the service that last listed it: refs come service by service */
	size_t *listed_by = calloc(DSR_MAX_SERVERS, sizeof(*listed_by));
	int rc = 0;

	if (!listed_by)
		return ld->nrefs ? fail(ld, ld->refs[0].line, "out of memory") : 0;
	for (size_t i = 0; i < ld->nrefs && rc == 0; i++) {
		const struct server_ref *ref = &ld->refs[i];
		const struct dsr_service *svc = &cfg->services[ref->service];

		if (!ref->by_address) {
			uint32_t srv = *server_by_name(ld->by_name, cfg, ref->name);
			if (srv)
				rc = list_server(ld, ref, srv - 1, listed_by, 0);
			else
				rc = fail(ld, ref->line,
					  "service '%s' lists server '%s', which has no [server %s] section",
					  svc->name, ref->name, ref->name);
			continue;
		}
		for (uint32_t h = ref->first; rc == 0; h++) {
			long idx = server_at(ld, ref, h);
			rc = idx < 0 ? -1 : list_server(ld, ref, (size_t)idx, listed_by, h);
			if (h == ref->last)
				break;
		}
	}
	free(listed_by);
	return rc;
}

static int load_buffer(struct dsr_config *cfg, const char *buf, size_t len, const char *src,
		       enum dsr_config_use use, char *err, size_t errlen)
{
	struct loader ld = {
		.cfg = cfg,
		.src = src,
		.err = err,
		.errlen = errlen,
		.buf = buf,
		.len = len,
	};
	int rc;

	if (strlen(src) >= sizeof(cfg->source))
		return put_err(err, errlen, src, 0, "file name too long (at most %zu characters)",
			       sizeof(cfg->source) - 1);
	memcpy(cfg->source, src, strlen(src) + 1);

	ld.by_name = calloc(1, sizeof(*ld.by_name));
	ld.by_addr = calloc(1, sizeof(*ld.by_addr));
	ld.listed = calloc(1, sizeof(*ld.listed));
	if (!ld.by_name || !ld.by_addr || !ld.listed)
		rc = -2;
	else
		rc = dsr_ini_parse_stream(next_line, &ld, on_key, &ld);
	if (rc > 0 && (!ld.failed || rc < ld.err_line)) {
		/* the splitter refused a line before any problem we found ourselves */
		const char *text;
		size_t n;
		find_line(&ld, rc, &text, &n);
		ld.failed = false;
		syntax_error(&ld, rc, text, n);
	} else if (rc < 0 && !ld.failed) {
		fail(&ld, 0, "out of memory");
	}
	if (!ld.failed)
		end_list(&ld); /* in case the splitter stopped before asking for the end */
	if (!ld.failed)
		resolve_servers(&ld);
	free(ld.refs);
	free(ld.by_name);
	free(ld.by_addr);
	free(ld.listed);
	if (ld.failed)
		return -1;
	return dsr_config_validate_for(cfg, use, err, errlen);
}

int dsr_config_load_string_for(struct dsr_config *cfg, const char *text, const char *name,
			       enum dsr_config_use use, char *err, size_t errlen)
{
	return load_buffer(cfg, text, strlen(text), name ? name : "string", use, err, errlen);
}

int dsr_config_load_string(struct dsr_config *cfg, const char *text, const char *name, char *err,
			   size_t errlen)
{
	return dsr_config_load_string_for(cfg, text, name, DSR_USE_AUDIT, err, errlen);
}

int dsr_config_load_for(struct dsr_config *cfg, const char *path, enum dsr_config_use use, char *err,
			size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t len;
	int rc;

	if (!f)
		return put_err(err, errlen, path, 0, "cannot open: %s", strerror(errno));
	buf = malloc(MAX_FILE_BYTES + 1);
	if (!buf) {
		fclose(f);
		return put_err(err, errlen, path, 0, "out of memory");
	}
	len = fread(buf, 1, MAX_FILE_BYTES + 1, f);
	if (ferror(f)) {
		rc = put_err(err, errlen, path, 0, "cannot read: %s", strerror(errno));
	} else if (len > MAX_FILE_BYTES) {
		rc = put_err(err, errlen, path, 0, "file too large (at most %d bytes)", MAX_FILE_BYTES);
	} else {
		rc = load_buffer(cfg, buf, len, path, use, err, errlen);
	}
	free(buf);
	fclose(f);
	return rc;
}

int dsr_config_load(struct dsr_config *cfg, const char *path, char *err, size_t errlen)
{
	return dsr_config_load_for(cfg, path, DSR_USE_AUDIT, err, errlen);
}

/* ---- validation ---- */

struct finding {
	bool found;
	int line;
};

/* Keeps the problem on the earliest line, so the user fixes the file top down. */
DSR_PRINTF(6, 7) static void note(struct finding *f, const struct dsr_config *cfg,
				  char *err, size_t errlen, int line,
				  const char *fmt, ...)
{
	va_list ap;

	if (f->found && line >= f->line)
		return;
	f->found = true;
	f->line = line;
	va_start(ap, fmt);
	vput_err(err, errlen, cfg->source, line, fmt, ap);
	va_end(ap);
}

struct by_address {
	uint32_t addr;
	size_t index;
};

static int by_address_cmp(const void *a, const void *b)
{
	const struct by_address *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* For each server, the first server with its address (itself when none comes
 * before): sorted, not compared pair by pair, for 4,096 servers. NULL when out
 * of memory. */
static size_t *same_address(const struct dsr_config *cfg)
{
	size_t n = cfg->nservers;
	struct by_address *sorted = malloc((n ? n : 1) * sizeof(*sorted));
	size_t *first_at = malloc((n ? n : 1) * sizeof(*first_at));

	if (!sorted || !first_at) {
		free(sorted);
		free(first_at);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		sorted[i] = (struct by_address){ cfg->servers[i].addr.s_addr, i };
	qsort(sorted, n, sizeof(*sorted), by_address_cmp);
	for (size_t i = 0; i < n; i++)
		first_at[sorted[i].index] =
			i > 0 && sorted[i - 1].addr == sorted[i].addr ? first_at[sorted[i - 1].index]
								      : sorted[i].index;
	free(sorted);
	return first_at;
}

/* " (use --vip)" after a missing setting, from the command line only. */
static const char *hint(bool cli, enum dsr_setting_id id, char out[32])
{
	out[0] = '\0';
	if (cli)
		snprintf(out, 32, " (use %s)", dsr_setting(id)->flag);
	return out;
}

/* "VLAN 20", or "the untagged segment" */
static const char *vlan_words(unsigned vlan)
{
	static char buf[2][24];
	static int turn;

	turn ^= 1;
	if (vlan)
		snprintf(buf[turn], sizeof(buf[turn]), "VLAN %u", vlan);
	else
		snprintf(buf[turn], sizeof(buf[turn]), "the untagged segment");
	return buf[turn];
}

/* A server lives in one L2 domain: listed by services on two VLANs, its one
 * address would be two hosts. Notes the first such server. */
static void check_server_vlans(const struct dsr_config *cfg, struct finding *f, char *err, size_t errlen)
{
	for (size_t i = 1; i < cfg->nservices; i++) {
		const struct dsr_service *v = &cfg->services[i];
		for (size_t j = 0; j < i; j++) {
			const struct dsr_service *w = &cfg->services[j];
			if (dsr_service_vlan(cfg, v) == dsr_service_vlan(cfg, w))
				continue;
			for (size_t a = 0; a < v->nservers; a++)
				for (size_t b = 0; b < w->nservers; b++)
					if (v->servers[a] == w->servers[b] && v->servers[a] < cfg->nservers) {
						note(f, cfg, err, errlen, v->line,
						     "server '%s' is in service '%s' on %s and in service '%s' on %s: "
						     "one address lives in one VLAN (give each VLAN's server its own section)",
						     cfg->servers[v->servers[a]].name, v->name,
						     vlan_words(dsr_service_vlan(cfg, v)), w->name,
						     vlan_words(dsr_service_vlan(cfg, w)));
						return;
					}
		}
	}
}

int dsr_config_validate_for(struct dsr_config *cfg, enum dsr_config_use use, char *err,
			    size_t errlen)
{
	bool cli = strcmp(cfg->source, CLI_SOURCE) == 0;
	/* analyze reads ports nowhere; local audits this host, not the servers */
	bool need_ports = use == DSR_USE_AUDIT, need_servers = use != DSR_USE_LOCAL;
	struct finding f = { false, 0 };
	char a[16], first[32], use_flag[32];

	if (cfg->nservices == 0) {
		if (cli && use == DSR_USE_PASSIVE)
			return 0; /* a capture can be read for address conflicts alone */
		if (cli && use == DSR_USE_LOCAL)
			return put_err(err, errlen, cfg->source, 0, "nothing to check (use --vip)");
		if (cli)
			return put_err(err, errlen, cfg->source, 0,
				       "nothing to check (use -c FILE, or --vip, --port and --server)");
		return put_err(err, errlen, cfg->source, 0, "no [service] section");
	}
	size_t *first_at = same_address(cfg);
	if (!first_at)
		return put_err(err, errlen, cfg->source, 0, "out of memory");
	for (size_t i = 0; i < cfg->nservers; i++) {
		const struct dsr_server *s = &cfg->servers[i];
		if (s->addr.s_addr == 0) {
			note(&f, cfg, err, errlen, s->line, "server '%s' has no address", s->name);
			continue;
		}
		if (first_at[i] == i)
			continue;
		const struct dsr_server *t = &cfg->servers[first_at[i]];
		dsr_format_ipv4(s->addr, a);
		first[0] = '\0';
		if (t->line > 0)
			snprintf(first, sizeof(first), " (line %d)", t->line);
		note(&f, cfg, err, errlen, s->line, "server '%s' has the same address %s as server '%s'%s",
		     s->name, a, t->name, first);
	}
	free(first_at);
	for (size_t i = 0; i < cfg->nservices; i++) {
		const struct dsr_service *v = &cfg->services[i];
		if (!v->has_vip && v->has_vip6 && use != DSR_USE_LOCAL)
			note(&f, cfg, err, errlen, v->line,
			     "service '%s' has only an IPv6 vip: give its IPv4 VIP as well (vip = IPV4, IPV6); "
			     "IPv6-only services are not audited yet", v->name);
		else if (!v->has_vip && !v->has_vip6)
			note(&f, cfg, err, errlen, v->line, "service '%s' has no vip%s", v->name,
			     hint(cli, DSR_SET_VIP, use_flag));
		if (v->nports == 0 && need_ports)
			note(&f, cfg, err, errlen, v->line, "service '%s' has no ports%s", v->name,
			     hint(cli, DSR_SET_PORTS, use_flag));
		if (v->nservers == 0 && need_servers)
			note(&f, cfg, err, errlen, v->line, "service '%s' has no servers%s", v->name,
			     hint(cli, DSR_SET_SERVERS, use_flag));
		for (size_t j = 0; j < v->nservers; j++)
			if (v->servers[j] >= cfg->nservers)
				note(&f, cfg, err, errlen, v->line, "service '%s' lists a server that does not exist",
				     v->name);
		for (size_t j = 0; j < cfg->nservers; j++) {
			const struct dsr_server *s = &cfg->servers[j];
			/* A VIP on a real server's own address hides the server behind
			 * the balancer: its direct checks would test the VIP instead. */
			if (v->has_vip && s->addr.s_addr == v->vip.s_addr) {
				dsr_format_ipv4(v->vip, a);
				note(&f, cfg, err, errlen, v->line,
				     "VIP %s of service '%s' is also the address of server '%s'", a, v->name,
				     s->name);
			}
			if (v->has_vip6 && s->has_addr6 && memcmp(&s->addr6, &v->vip6, sizeof(v->vip6)) == 0) {
				char a6[DSR_IPV6_TEXT];
				dsr_format_ipv6(&v->vip6, a6);
				note(&f, cfg, err, errlen, v->line,
				     "VIP %s of service '%s' is also the address of server '%s'", a6, v->name,
				     s->name);
			}
			for (size_t b = 0; b < v->nbalancers; b++) {
				if (s->addr.s_addr == v->balancers[b].addr.s_addr) {
					dsr_format_ipv4(v->balancers[b].addr, a);
					note(&f, cfg, err, errlen, v->line,
					     "balancer %s of service '%s' is also the address of server '%s'", a,
					     v->name, s->name);
				} else if (strcmp(s->name, v->balancers[b].name) == 0) {
					note(&f, cfg, err, errlen, v->line,
					     "balancer name '%s' of service '%s' is also a server's name",
					     s->name, v->name);
				}
			}
		}
		struct in_addr src;
		if (dsr_service_vlan_priority(cfg, v) && !dsr_service_vlan(cfg, v))
			note(&f, cfg, err, errlen, v->line,
			     "service '%s' has a vlan-priority but no vlan: only a tagged frame carries a priority",
			     v->name);
		if (dsr_service_source(cfg, v, &src) && v->has_vip && src.s_addr == v->vip.s_addr)
			note(&f, cfg, err, errlen, v->line,
			     "the source address of service '%s' is its VIP: the servers would answer themselves",
			     v->name);
		for (size_t b = 0; b < v->nbalancers && v->has_vip; b++)
			if (v->balancers[b].addr.s_addr == v->vip.s_addr) {
				dsr_format_ipv4(v->vip, a);
				note(&f, cfg, err, errlen, v->line,
				     "balancer %s of service '%s' is its VIP: give the balancer's own address",
				     a, v->name);
			}
		for (size_t j = 0; j < i && v->has_vip; j++) {
			const struct dsr_service *w = &cfg->services[j];
			bool same4 = w->has_vip && w->vip.s_addr == v->vip.s_addr;
			bool same6 = w->has_vip6 && v->has_vip6 && memcmp(&w->vip6, &v->vip6, sizeof(v->vip6)) == 0;
			if (!same4 && !same6)
				continue;
			for (size_t p = 0; p < v->nports; p++) {
				char a6[DSR_IPV6_TEXT];
				if (!has_port(w, v->ports[p]))
					continue;
				if (same4)
					dsr_format_ipv4(v->vip, a);
				else
					dsr_format_ipv6(&v->vip6, a6);
				note(&f, cfg, err, errlen, v->line,
				     "service '%s' checks %s port %u again (already in service '%s')", v->name,
				     same4 ? a : a6, (unsigned)v->ports[p], w->name);
				break;
			}
		}
	}
	check_server_vlans(cfg, &f, err, errlen);
	return f.found ? -1 : 0;
}

unsigned dsr_service_vlan(const struct dsr_config *cfg, const struct dsr_service *svc)
{
	return svc->has_vlan ? svc->vlan : cfg->vlan;
}

unsigned dsr_service_vlan_priority(const struct dsr_config *cfg, const struct dsr_service *svc)
{
	return svc->has_vlan_priority ? svc->vlan_priority : cfg->vlan_priority;
}

bool dsr_service_source(const struct dsr_config *cfg, const struct dsr_service *svc, struct in_addr *out)
{
	if (svc->has_probe_source)
		*out = svc->probe_source;
	else if (cfg->has_probe_source)
		*out = cfg->probe_source;
	return svc->has_probe_source || cfg->has_probe_source;
}

int dsr_config_validate(struct dsr_config *cfg, char *err, size_t errlen)
{
	return dsr_config_validate_for(cfg, DSR_USE_AUDIT, err, errlen);
}

/* ---- the command line ---- */

DSR_PRINTF(4, 5) static int cli_err(char *err, size_t errlen, const char *opt,
				    const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || errlen == 0)
		return -1;
	n = snprintf(err, errlen, "%s: ", opt);
	if (n < 0 || (size_t)n >= errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static struct dsr_service *cli_service(struct dsr_config *cfg, const char *opt, char *err,
				       size_t errlen)
{
	struct dsr_service *svc = find_service(cfg, "default");

	if (svc)
		return svc;
	if (cfg->nservices >= DSR_MAX_SERVICES) {
		cli_err(err, errlen, opt, "too many services (at most %d)", DSR_MAX_SERVICES);
		return NULL;
	}
	svc = &cfg->services[cfg->nservices++];
	memset(svc, 0, sizeof(*svc));
	snprintf(svc->name, sizeof(svc->name), "default");
	return svc;
}

static int cli_address(const char *opt, const char *text, struct in_addr *out, char *err,
		       size_t errlen)
{
	char q[QUOTE_MAX];
	const char *why;

	if (dsr_parse_ipv4(text, out) < 0)
		return cli_err(err, errlen, opt, "bad IPv4 address '%s'", quote(q, text));
	if ((why = dsr_ipv4_unusable(*out)))
		return cli_err(err, errlen, opt, "address %s %s", text, why);
	return 0;
}

static int cli_mac(const char *opt, const char *text, uint8_t out[6], char *err, size_t errlen)
{
	char q[QUOTE_MAX];
	const char *why;

	if (dsr_parse_mac(text, out) < 0)
		return cli_err(err, errlen, opt, "bad MAC address '%s'", quote(q, text));
	if ((why = dsr_mac_unusable(out)))
		return cli_err(err, errlen, opt, "MAC address %s %s", text, why);
	return 0;
}

/* Calls add for each item of a comma-separated option value. */
static int cli_each(struct dsr_config *cfg, const char *opt, const char *text, char *err,
		    size_t errlen,
		    int (*add)(struct dsr_config *, struct dsr_service *, const char *, char *, size_t))
{
	struct dsr_service *svc = cli_service(cfg, opt, err, errlen);
	const char *p = text;

	if (!svc)
		return -1;
	for (;;) {
		const char *comma = strchr(p, ',');
		const char *item = p;
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char copy[DSR_NAME_MAX + 48], q[QUOTE_MAX];

		trim(&item, &n);
		if (n == 0)
			return cli_err(err, errlen, opt, "empty value in '%s'", quote(q, text));
		if (n >= sizeof(copy))
			return cli_err(err, errlen, opt, "bad value '%s'", quote_n(q, item, n));
		memcpy(copy, item, n);
		copy[n] = '\0';
		if (add(cfg, svc, copy, err, errlen) < 0)
			return -1;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

int dsr_config_cli_vip(struct dsr_config *cfg, const char *text, char *err, size_t errlen)
{
	struct dsr_service *svc = cli_service(cfg, "--vip", err, errlen);
	struct in_addr a4;
	struct in6_addr a6;
	bool has4 = false, has6 = false;
	char why[160];

	if (!svc)
		return -1;
	if (parse_dual(text, NULL, &a4, &has4, &a6, &has6, why, sizeof(why)) < 0)
		return cli_err(err, errlen, "--vip", "%s", why);
	/* Once per family: --vip 198.18.0.100 --vip 2001:2::100 is one dual-stack service. */
	if ((has4 && svc->has_vip) || (has6 && svc->has_vip6))
		return cli_err(err, errlen, "--vip", "given twice (use -c FILE for several services)");
	if (has4) {
		svc->vip = a4;
		svc->has_vip = true;
	}
	if (has6) {
		svc->vip6 = a6;
		svc->has_vip6 = true;
	}
	return 0;
}

static int add_cli_port(struct dsr_config *cfg, struct dsr_service *svc, const char *text, char *err,
			size_t errlen)
{
	const struct dsr_setting *s = dsr_setting(DSR_SET_PORTS);
	char q[QUOTE_MAX];
	unsigned port;

	(void)cfg;
	if (dsr_parse_uint(text, s->min, s->max, &port) < 0)
		return cli_err(err, errlen, "--port", "bad port '%s' (use %u to %u)", quote(q, text),
			       s->min, s->max);
	if (has_port(svc, port))
		return cli_err(err, errlen, "--port", "port %u given twice", port);
	if (svc->nports >= DSR_MAX_PORTS)
		return cli_err(err, errlen, "--port", "too many ports (at most %d)", DSR_MAX_PORTS);
	svc->ports[svc->nports++] = (uint16_t)port;
	return 0;
}

int dsr_config_cli_port(struct dsr_config *cfg, const char *text, char *err, size_t errlen)
{
	return cli_each(cfg, "--port", text, err, errlen, add_cli_port);
}

/* One --server of the command line: a new server, listed in the service. */
static int cli_add_server(struct dsr_config *cfg, struct dsr_service *svc, const struct dsr_server *srv,
			  char *err, size_t errlen)
{
	static const char *opt = "--server";
	struct dsr_server *added;

	if (find_server(cfg, srv->name))
		return cli_err(err, errlen, opt, "server '%s' given twice", srv->name);
	if (svc->nservers >= DSR_MAX_SERVICE_SERVERS || cfg->nservers >= DSR_MAX_SERVERS)
		return cli_err(err, errlen, opt, "too many servers (at most %d)",
			       DSR_MAX_SERVICE_SERVERS);
	if (!(added = new_server(cfg)))
		return cli_err(err, errlen, opt, "out of memory");
	*added = *srv;
	if (service_add(svc, cfg->nservers - 1) < 0) {
		cfg->nservers--;
		return cli_err(err, errlen, opt, "out of memory");
	}
	return 0;
}

/* --server 198.18.2.1-198.18.2.250 or 198.18.2.0/24: servers named by their addresses. */
static int cli_server_span(struct dsr_config *cfg, struct dsr_service *svc, const char *text,
			   char *err, size_t errlen)
{
	static const char *opt = "--server";
	bool prefix = strchr(text, '/') != NULL;
	uint32_t first, last;
	struct dsr_server srv;
	char q[QUOTE_MAX];

	if ((prefix ? dsr_parse_ipv4_prefix(text, &first, &last)
		    : dsr_parse_ipv4_range(text, &first, &last)) < 0)
		return cli_err(err, errlen, opt, "bad %s '%s' (use e.g. %s)", prefix ? "prefix" : "range",
			       quote(q, text), prefix ? PREFIX_EXAMPLE : RANGE_EXAMPLE);
	if (last - first >= DSR_MAX_SERVICE_SERVERS)
		return cli_err(err, errlen, opt, "%s %s holds %llu addresses (at most %d servers)",
			       prefix ? "prefix" : "range", text,
			       (unsigned long long)(last - first) + 1, DSR_MAX_SERVICE_SERVERS);
	for (uint32_t h = first;; h++) {
		memset(&srv, 0, sizeof(srv));
		srv.addr.s_addr = htonl(h);
		dsr_format_ipv4(srv.addr, srv.name);
		if (cli_address(opt, srv.name, &srv.addr, err, errlen) < 0 ||
		    cli_add_server(cfg, svc, &srv, err, errlen) < 0)
			return -1;
		if (h == last)
			return 0;
	}
}

int dsr_config_cli_server(struct dsr_config *cfg, const char *text, char *err, size_t errlen)
{
	static const char *opt = "--server";
	struct dsr_service *svc = cli_service(cfg, opt, err, errlen);
	char buf[DSR_NAME_MAX + 48], q[QUOTE_MAX];
	const char *name, *addr;
	char *at, *eq;
	struct dsr_server srv;

	if (!svc)
		return -1;
	if (strlen(text) >= sizeof(buf))
		return cli_err(err, errlen, opt, "value too long: '%s'", quote(q, text));
	if (!strpbrk(text, "=@") && is_address_item(text, strlen(text)) && strpbrk(text, "-/"))
		return cli_server_span(cfg, svc, text, err, errlen);
	memcpy(buf, text, strlen(text) + 1);
	memset(&srv, 0, sizeof(srv));

	at = strchr(buf, '@');
	if (at) {
		*at = '\0';
		if (cli_mac(opt, at + 1, srv.mac, err, errlen) < 0)
			return -1;
		srv.has_mac = true;
	}
	eq = strchr(buf, '=');
	if (eq) {
		*eq = '\0';
		name = buf;
		addr = eq + 1;
	} else {
		name = addr = buf;
	}
	if (cli_address(opt, addr, &srv.addr, err, errlen) < 0)
		return -1;
	switch (check_name(name, strlen(name))) {
	case NAME_EMPTY:
		return cli_err(err, errlen, opt, "empty name before '=' in '%s'", quote(q, text));
	case NAME_TOO_LONG:
		return cli_err(err, errlen, opt, "name '%s' is too long (at most %d characters)",
			       quote(q, name), DSR_NAME_MAX - 1);
	case NAME_BAD:
		return cli_err(err, errlen, opt, "bad name '%s' (%s)", quote(q, name), NAME_RULE);
	case NAME_OK:
		break;
	}
	memcpy(srv.name, name, strlen(name) + 1); /* checked above: it fits */
	return cli_add_server(cfg, svc, &srv, err, errlen);
}

static int add_cli_balancer(struct dsr_config *cfg, struct dsr_service *svc, const char *text,
			    char *err, size_t errlen)
{
	struct dsr_balancer b;
	char why[160];

	(void)cfg;
	if (parse_balancer(text, strlen(text), &b, why, sizeof(why)) < 0 ||
	    add_balancer(svc, &b, why, sizeof(why)) < 0)
		return cli_err(err, errlen, "--balancer", "%s", why);
	return 0;
}

int dsr_config_cli_balancer(struct dsr_config *cfg, const char *text, char *err, size_t errlen)
{
	return cli_each(cfg, "--balancer", text, err, errlen, add_cli_balancer);
}

int dsr_config_cli_source(struct dsr_config *cfg, const char *text, char *err, size_t errlen)
{
	if (cli_address("--source", text, &cfg->probe_source, err, errlen) < 0)
		return -1;
	cfg->has_probe_source = true;
	return 0;
}

int dsr_config_cli_vrrp_id(struct dsr_config *cfg, const char *text, char *err, size_t errlen)
{
	struct dsr_service *svc = cli_service(cfg, "--vrrp-id", err, errlen);

	if (!svc)
		return -1;
	if (svc->vrrp_id)
		return cli_err(err, errlen, "--vrrp-id", "given twice");
	return dsr_setting_parse_uint(dsr_setting(DSR_SET_VRRP_ID), text, false, &svc->vrrp_id, err,
				      errlen);
}

static int add_cli_balancer_mac(struct dsr_config *cfg, struct dsr_service *svc, const char *text,
				char *err, size_t errlen)
{
	static const char *opt = "--balancer-mac";
	uint8_t mac[6];

	(void)cfg;
	if (cli_mac(opt, text, mac, err, errlen) < 0)
		return -1;
	if (has_balancer_mac(svc, mac))
		return cli_err(err, errlen, opt, "MAC address %s given twice", text);
	if (svc->nbalancer_macs >= dsr_setting(DSR_SET_BALANCER_MAC)->max)
		return cli_err(err, errlen, opt, "too many MAC addresses (at most %u)",
			       dsr_setting(DSR_SET_BALANCER_MAC)->max);
	memcpy(svc->balancer_macs[svc->nbalancer_macs++], mac, 6);
	return 0;
}

int dsr_config_cli_balancer_mac(struct dsr_config *cfg, const char *text, char *err, size_t errlen)
{
	return cli_each(cfg, "--balancer-mac", text, err, errlen, add_cli_balancer_mac);
}
