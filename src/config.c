/* Configuration: the INI file (read with libinih, or src/ini_split.c where
 * libinih is missing) and its command-line equivalent, validated into one
 * struct dsr_config.
 *
 * libinih splits "key = value" lines and reports lines that are neither; the
 * rest is done here, in the reader callback that feeds it one line at a time:
 *  - line numbers (libinih r55 gives its handler none);
 *  - section headers, because libinih cuts section names at 49 bytes while a
 *    "[service NAME]" header may be longer, and because an empty [server]
 *    section must still exist;
 *  - comments, including inline "; ..." and "# ..." whatever libinih was built
 *    with, and leading blanks, so that an indented key is never taken for
 *    libinih's multi-line continuation;
 *  - indented continuation lines of 'ports' and 'servers', so that lists too
 *    long for libinih's line buffer (200 bytes in Debian's build) can be given.
 * Every line handed to libinih is one physical line, so its error line numbers
 * match ours. No libinih global is touched: upstream builds have none. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/netcompat.h"
#include "parse.h"

/* Builds without libinih (INIH=0, the Windows build) split lines with
 * src/ini_split.c, which keeps libinih's contract for what this file needs. */
#ifdef DSR_NO_INIH
#include "ini_split.h"
#define ini_parse_stream dsr_ini_parse_stream
#else
#include <ini.h>
#endif

#define CLI_SOURCE "command line"
#define MAX_FILE_BYTES (1024 * 1024)
#define QUOTE_MAX 80 /* longest value echoed in a message, escaped */
#define NAME_RULE "use letters, digits, '-', '_' and '.'"
#define DURATION_HINT "use e.g. 500ms or 2s"

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

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned min;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2, min = 0x80, cp = s[0] & 0x1fu;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3, min = 0x800, cp = s[0] & 0x0fu;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4, min = 0x10000, cp = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Copies n bytes of s into out for a message: printable text as is, control
 * characters and invalid UTF-8 as \xNN, and long values shortened with "...",
 * so that a stray byte in a file cannot garble the terminal or the message. */
static const char *quote_n(char out[QUOTE_MAX], const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		size_t len = u[i] >= 0x20 && u[i] != 0x7f ? utf8_len(u + i, n - i) : 0;
		size_t need = len ? len : 4;

		if (o + need + 4 > QUOTE_MAX) { /* room for "..." and NUL */
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (len) {
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
		} else {
			snprintf(out + o, 5, "\\x%02x", u[i]);
			o += 4;
			i++;
		}
	}
	out[o] = '\0';
	return out;
}

static const char *quote(char out[QUOTE_MAX], const char *s)
{
	return quote_n(out, s, strlen(s));
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

/* Why an address cannot stand for a host dsrcheck probes, or NULL. */
static const char *unusable_addr(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	if (h >> 24 == 0)
		return "is not a host address";
	if (h >> 24 == 127)
		return "is a loopback address";
	if (h >> 28 == 14)
		return "is a multicast address";
	if (h >> 28 == 15)
		return "is a reserved or broadcast address";
	return NULL;
}

/* Why a MAC cannot belong to one network card, or NULL. */
static const char *unusable_mac(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	if (memcmp(mac, zero, 6) == 0)
		return "is all zeros";
	if (mac[0] & 1)
		return "is a multicast address";
	return NULL;
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

/* ---- init ---- */

int dsr_config_init(struct dsr_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->source, sizeof(cfg->source), "%s", CLI_SOURCE);
	cfg->timeout_ms = DSR_DEFAULT_TIMEOUT_MS;
	cfg->retries = DSR_DEFAULT_RETRIES;
	cfg->listen_ms = DSR_DEFAULT_LISTEN_MS;
	cfg->rate = DSR_DEFAULT_RATE;
	cfg->servers = calloc(DSR_MAX_SERVERS, sizeof(*cfg->servers));
	cfg->services = calloc(DSR_MAX_SERVICES, sizeof(*cfg->services));
	if (!cfg->servers || !cfg->services) {
		dsr_config_free(cfg);
		return -1;
	}
	return 0;
}

void dsr_config_free(struct dsr_config *cfg)
{
	free(cfg->servers);
	free(cfg->services);
	cfg->servers = NULL;
	cfg->services = NULL;
	cfg->nservers = 0;
	cfg->nservices = 0;
}

/* ---- the INI file ---- */

enum section_kind { SEC_NONE, SEC_GLOBAL, SEC_SERVICE, SEC_SERVER };

enum key_id {
	K_INTERFACE,
	K_TIMEOUT,
	K_RETRIES,
	K_LISTEN,
	K_RATE,
	K_VIP,
	K_PORTS,
	K_BALANCER,
	K_BALANCER_MAC,
	K_SERVERS,
	K_ADDRESS,
	K_MAC,
	K_COUNT
};

static const struct {
	const char *name;
	enum section_kind section;
} key_defs[K_COUNT] = {
	[K_INTERFACE] = { "interface", SEC_GLOBAL },
	[K_TIMEOUT] = { "timeout", SEC_GLOBAL },
	[K_RETRIES] = { "retries", SEC_GLOBAL },
	[K_LISTEN] = { "listen", SEC_GLOBAL },
	[K_RATE] = { "rate", SEC_GLOBAL },
	[K_VIP] = { "vip", SEC_SERVICE },
	[K_PORTS] = { "ports", SEC_SERVICE },
	[K_BALANCER] = { "balancer", SEC_SERVICE },
	[K_BALANCER_MAC] = { "balancer-mac", SEC_SERVICE },
	[K_SERVERS] = { "servers", SEC_SERVICE },
	[K_ADDRESS] = { "address", SEC_SERVER },
	[K_MAC] = { "mac", SEC_SERVER },
};

/* A name in a service's 'servers' list, resolved once the whole file is read
 * because [server] sections may come after the service. */
struct server_ref {
	size_t service;
	int line;
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
	int line; /* the line last handed to libinih */
	const char *text; /* that line without blanks and comments, inside buf */
	size_t textlen;

	enum section_kind section;
	size_t cur; /* index of the current service or server */
	int global_line;
	int key_line[K_COUNT]; /* where each key of the current section was given */

	bool in_list; /* the last key was 'ports' or 'servers': indented lines continue it */
	enum key_id list_key;
	int list_line;
	size_t list_items;

	struct server_ref *refs;
	size_t nrefs;
	size_t refs_cap;
	size_t refs_start; /* first ref of the current service */
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
		const struct dsr_server *old = find_server(cfg, copy);
		if (old)
			return fail(ld, ld->line, "server '%s' defined twice (first at line %d)", copy,
				    old->line);
		if (cfg->nservers >= DSR_MAX_SERVERS)
			return fail(ld, ld->line, "too many servers (at most %d)", DSR_MAX_SERVERS);
		struct dsr_server *srv = &cfg->servers[cfg->nservers];
		memset(srv, 0, sizeof(*srv));
		memcpy(srv->name, copy, namelen + 1);
		srv->line = ld->line;
		ld->cur = cfg->nservers++;
		ld->section = SEC_SERVER;
	}
	return 0;
}

static int add_server_ref(struct loader *ld, const char *name, size_t n, int line)
{
	const char *svc = ld->cfg->services[ld->cur].name;
	char q[QUOTE_MAX];

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
	for (size_t i = ld->refs_start; i < ld->nrefs; i++)
		if (strlen(ld->refs[i].name) == n && memcmp(ld->refs[i].name, name, n) == 0)
			return fail(ld, line, "service '%s' lists server '%s' twice", svc,
				    ld->refs[i].name);
	if (ld->nrefs - ld->refs_start >= DSR_MAX_SERVICE_SERVERS)
		return fail(ld, line, "service '%s' lists too many servers (at most %d)", svc,
			    DSR_MAX_SERVICE_SERVERS);
	if (ld->nrefs == ld->refs_cap) {
		size_t cap = ld->refs_cap ? ld->refs_cap * 2 : 16;
		struct server_ref *refs = realloc(ld->refs, cap * sizeof(*refs));
		if (!refs)
			return fail(ld, line, "out of memory");
		ld->refs = refs;
		ld->refs_cap = cap;
	}
	struct server_ref *ref = &ld->refs[ld->nrefs++];
	ref->service = ld->cur;
	ref->line = line;
	memcpy(ref->name, name, n);
	ref->name[n] = '\0';
	return 0;
}

static int add_list_item(struct loader *ld, enum key_id key, const char *item, size_t n, int line)
{
	struct dsr_service *svc = &ld->cfg->services[ld->cur];
	char text[32], q[QUOTE_MAX];
	uint8_t mac[6];
	unsigned port;
	bool fits = n < sizeof(text);

	if (key == K_SERVERS)
		return add_server_ref(ld, item, n, line);
	if (fits) {
		memcpy(text, item, n);
		text[n] = '\0';
	}
	if (key == K_PORTS) {
		if (!fits || dsr_parse_uint(text, 1, 65535, &port) < 0)
			return fail(ld, line, "bad port '%s' in 'ports' (use 1 to 65535)",
				    quote_n(q, item, n));
		if (has_port(svc, port))
			return fail(ld, line, "port %u listed twice in 'ports'", port);
		if (svc->nports >= DSR_MAX_PORTS)
			return fail(ld, line, "too many ports in 'ports' (at most %d)", DSR_MAX_PORTS);
		svc->ports[svc->nports++] = (uint16_t)port;
		return 0;
	}
	/* K_BALANCER_MAC */
	if (!fits || dsr_parse_mac(text, mac) < 0)
		return fail(ld, line, "bad MAC address '%s' for 'balancer-mac'", quote_n(q, item, n));
	const char *why = unusable_mac(mac);
	if (why)
		return fail(ld, line, "MAC address %s for 'balancer-mac' %s", text, why);
	if (has_balancer_mac(svc, mac))
		return fail(ld, line, "MAC address %s listed twice in 'balancer-mac'", text);
	if (svc->nbalancer_macs >= DSR_MAX_BALANCER_MACS)
		return fail(ld, line, "too many MAC addresses for 'balancer-mac' (at most %d)",
			    DSR_MAX_BALANCER_MACS);
	memcpy(svc->balancer_macs[svc->nbalancer_macs++], mac, 6);
	return 0;
}

/* One line's worth of a comma-separated list. A trailing comma is allowed (the
 * list may go on on the next line); an empty item elsewhere is not. */
static int add_list_segment(struct loader *ld, enum key_id key, const char *text, size_t n,
			    int line)
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
			return fail(ld, line, "empty item in '%s'", key_defs[key].name);
		}
		if (add_list_item(ld, key, item, len, line) < 0)
			return -1;
		count++;
		if (key != K_BALANCER_MAC)
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
		return fail(ld, ld->list_line, "empty value for '%s'", key_defs[ld->list_key].name);
	return 0;
}

static int set_duration(struct loader *ld, const char *key, const char *value, unsigned *out)
{
	char q[QUOTE_MAX];
	unsigned ms;

	if (dsr_parse_duration_ms(value, UINT_MAX, &ms) < 0) {
		/* Tell "0" (well-formed, but no time at all) apart from garbage. */
		size_t digits = strspn(value, "0.");
		const char *unit = value + digits;
		if (digits > 0 && value[0] == '0' &&
		    (*unit == '\0' || strcmp(unit, "ms") == 0 || strcmp(unit, "s") == 0))
			return fail(ld, ld->line, "'%s' must be more than 0, not '%s'", key,
				    quote(q, value));
		return fail(ld, ld->line, "bad duration '%s' for '%s' (%s)", quote(q, value), key,
			    DURATION_HINT);
	}
	if (ms > DSR_MAX_DURATION_MS)
		return fail(ld, ld->line, "'%s' must be at most %ds, not '%s'", key,
			    DSR_MAX_DURATION_MS / 1000, quote(q, value));
	*out = ms;
	return 0;
}

static int set_address(struct loader *ld, const char *key, const char *value, struct in_addr *out)
{
	char q[QUOTE_MAX];
	struct in_addr a;
	const char *why;

	if (dsr_parse_ipv4(value, &a) < 0)
		return fail(ld, ld->line, "bad IPv4 address '%s' for '%s'", quote(q, value), key);
	if ((why = unusable_addr(a)))
		return fail(ld, ld->line, "address %s for '%s' %s", value, key, why);
	*out = a;
	return 0;
}

static int set_key(struct loader *ld, enum key_id key, const char *value)
{
	struct dsr_config *cfg = ld->cfg;
	struct dsr_service *svc = ld->section == SEC_SERVICE ? &cfg->services[ld->cur] : NULL;
	struct dsr_server *srv = ld->section == SEC_SERVER ? &cfg->servers[ld->cur] : NULL;
	const char *name = key_defs[key].name;
	char q[QUOTE_MAX];
	unsigned n;

	switch (key) {
	case K_INTERFACE: {
		size_t len = strlen(value);
		if (len >= sizeof(cfg->interface))
			return fail(ld, ld->line, "value for 'interface' is too long (at most %zu characters)",
				    sizeof(cfg->interface) - 1);
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)value[i] < 0x21 || value[i] == 0x7f)
				return fail(ld, ld->line, "bad interface name '%s'", quote(q, value));
		memcpy(cfg->interface, value, len + 1);
		return 0;
	}
	case K_TIMEOUT:
		return set_duration(ld, name, value, &cfg->timeout_ms);
	case K_LISTEN:
		return set_duration(ld, name, value, &cfg->listen_ms);
	case K_RETRIES:
		if (dsr_parse_uint(value, 0, UINT_MAX, &n) < 0)
			return fail(ld, ld->line, "bad number '%s' for 'retries'", quote(q, value));
		if (n > DSR_MAX_RETRIES)
			return fail(ld, ld->line, "'retries' must be at most %d, not %u", DSR_MAX_RETRIES, n);
		cfg->retries = n;
		return 0;
	case K_RATE:
		if (dsr_parse_uint(value, 0, UINT_MAX, &n) < 0)
			return fail(ld, ld->line, "bad number '%s' for 'rate'", quote(q, value));
		if (n == 0 || n > DSR_MAX_RATE)
			return fail(ld, ld->line, "'rate' must be between 1 and %d packets per second, not %u",
				    DSR_MAX_RATE, n);
		cfg->rate = n;
		return 0;
	case K_VIP:
		if (set_address(ld, name, value, &svc->vip) < 0)
			return -1;
		svc->has_vip = true;
		return 0;
	case K_BALANCER:
		if (set_address(ld, name, value, &svc->balancer) < 0)
			return -1;
		svc->has_balancer = true;
		return 0;
	case K_ADDRESS:
		return set_address(ld, name, value, &srv->addr);
	case K_MAC: {
		const char *why;
		if (dsr_parse_mac(value, srv->mac) < 0)
			return fail(ld, ld->line, "bad MAC address '%s' for 'mac'", quote(q, value));
		if ((why = unusable_mac(srv->mac)))
			return fail(ld, ld->line, "MAC address %s for 'mac' %s", value, why);
		srv->has_mac = true;
		return 0;
	}
	case K_BALANCER_MAC:
		return add_list_segment(ld, key, value, strlen(value), ld->line);
	case K_PORTS:
	case K_SERVERS:
		if (key == K_SERVERS)
			ld->refs_start = ld->nrefs;
		ld->in_list = true;
		ld->list_key = key;
		ld->list_line = ld->line;
		ld->list_items = 0;
		return add_list_segment(ld, key, value, strlen(value), ld->line);
	case K_COUNT:
		break;
	}
	return -1;
}

static int handle_key(struct loader *ld, const char *name, const char *value)
{
	char q[QUOTE_MAX], label[DSR_NAME_MAX + 16];
	int key = -1;

	if (!name || !value) /* only from builds with INI_ALLOW_NO_VALUE */
		return syntax_error(ld, ld->line, ld->text, ld->textlen);
	if (name[0] == '\0')
		return fail(ld, ld->line, "missing key name before '='");
	if (strpbrk(name, " \t"))
		return syntax_error(ld, ld->line, ld->text, ld->textlen);
	if (ld->section == SEC_NONE)
		return fail(ld, ld->line, "key '%s' is outside any section", quote(q, name));
	for (int k = 0; k < K_COUNT; k++)
		if (key_defs[k].section == ld->section && strcmp(key_defs[k].name, name) == 0)
			key = k;
	if (key < 0)
		return fail(ld, ld->line, "unknown key '%s' in %s", quote(q, name),
			    section_label(ld, label));
	if (ld->key_line[key])
		return fail(ld, ld->line, "key '%s' given twice in %s (first at line %d)", name,
			    section_label(ld, label), ld->key_line[key]);
	ld->key_line[key] = ld->line;
	if (value[0] == '\0' && key != K_PORTS && key != K_SERVERS)
		return fail(ld, ld->line, "empty value for '%s'", name);
	return set_key(ld, (enum key_id)key, value);
}

/* libinih's handler: one "key = value" line, which is ld->line. Returns
 * nonzero to go on. */
static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;

	(void)section; /* ours is in ld: libinih cuts long section names short */
	if (ld->failed)
		return 0;
	return handle_key(ld, name, value) == 0;
}

/* libinih's reader: hands over one physical line per call, with blanks and
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
	if (num < 2 || n > (size_t)num - 2) {
		fail(ld, ld->line,
		     "line is too long (at most %d characters; a long 'ports' or 'servers' list "
		     "can go on on indented lines)",
		     num - 2);
		return NULL;
	}
	memcpy(str, start, n);
	str[n] = '\n';
	str[n + 1] = '\0';
	return str;

handled:
	if (num < 2) {
		fail(ld, ld->line, "libinih line buffer too small");
		return NULL;
	}
	str[0] = '\n';
	str[1] = '\0';
	return str;
}

/* Finds line `line` of the buffer, without blanks and comments, for messages
 * about lines libinih refused. */
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

static int resolve_servers(struct loader *ld)
{
	struct dsr_config *cfg = ld->cfg;

	for (size_t i = 0; i < ld->nrefs; i++) {
		const struct server_ref *ref = &ld->refs[i];
		struct dsr_service *svc = &cfg->services[ref->service];
		const struct dsr_server *srv = find_server(cfg, ref->name);

		if (!srv)
			return fail(ld, ref->line, "service '%s' lists server '%s', which has no [server %s] section",
				    svc->name, ref->name, ref->name);
		svc->servers[svc->nservers++] = (size_t)(srv - cfg->servers);
	}
	return 0;
}

static int load_buffer(struct dsr_config *cfg, const char *buf, size_t len, const char *src, char *err,
		       size_t errlen)
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

	rc = ini_parse_stream(next_line, &ld, on_key, &ld);
	if (rc > 0 && (!ld.failed || rc < ld.err_line)) {
		/* libinih refused a line before any problem we found ourselves */
		const char *text;
		size_t n;
		find_line(&ld, rc, &text, &n);
		ld.failed = false;
		syntax_error(&ld, rc, text, n);
	} else if (rc < 0 && !ld.failed) {
		fail(&ld, 0, "out of memory");
	}
	if (!ld.failed)
		end_list(&ld); /* in case libinih stopped before asking for the end */
	if (!ld.failed)
		resolve_servers(&ld);
	free(ld.refs);
	if (ld.failed)
		return -1;
	return dsr_config_validate(cfg, err, errlen);
}

int dsr_config_load_string(struct dsr_config *cfg, const char *text, const char *name, char *err,
			   size_t errlen)
{
	return load_buffer(cfg, text, strlen(text), name ? name : "string", err, errlen);
}

int dsr_config_load(struct dsr_config *cfg, const char *path, char *err, size_t errlen)
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
		rc = load_buffer(cfg, buf, len, path, err, errlen);
	}
	free(buf);
	fclose(f);
	return rc;
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

int dsr_config_validate(struct dsr_config *cfg, char *err, size_t errlen)
{
	bool cli = strcmp(cfg->source, CLI_SOURCE) == 0;
	struct finding f = { false, 0 };
	char a[16], first[32];

	if (cfg->nservices == 0) {
		if (cli)
			return put_err(err, errlen, cfg->source, 0,
				       "nothing to check (use -c FILE, or --vip, --port and --server)");
		return put_err(err, errlen, cfg->source, 0, "no [service] section");
	}
	for (size_t i = 0; i < cfg->nservers; i++) {
		const struct dsr_server *s = &cfg->servers[i];
		if (s->addr.s_addr == 0) {
			note(&f, cfg, err, errlen, s->line, "server '%s' has no address", s->name);
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			const struct dsr_server *t = &cfg->servers[j];
			if (t->addr.s_addr != s->addr.s_addr)
				continue;
			dsr_format_ipv4(s->addr, a);
			first[0] = '\0';
			if (t->line > 0)
				snprintf(first, sizeof(first), " (line %d)", t->line);
			note(&f, cfg, err, errlen, s->line,
			     "server '%s' has the same address %s as server '%s'%s", s->name, a, t->name,
			     first);
			break;
		}
	}
	for (size_t i = 0; i < cfg->nservices; i++) {
		const struct dsr_service *v = &cfg->services[i];
		if (!v->has_vip)
			note(&f, cfg, err, errlen, v->line, "service '%s' has no vip%s", v->name,
			     cli ? " (use --vip)" : "");
		if (v->nports == 0)
			note(&f, cfg, err, errlen, v->line, "service '%s' has no ports%s", v->name,
			     cli ? " (use --port)" : "");
		if (v->nservers == 0)
			note(&f, cfg, err, errlen, v->line, "service '%s' has no servers%s", v->name,
			     cli ? " (use --server)" : "");
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
			if (v->has_balancer && s->addr.s_addr == v->balancer.s_addr) {
				dsr_format_ipv4(v->balancer, a);
				note(&f, cfg, err, errlen, v->line,
				     "balancer %s of service '%s' is also the address of server '%s'", a,
				     v->name, s->name);
			}
		}
		for (size_t j = 0; j < i && v->has_vip; j++) {
			const struct dsr_service *w = &cfg->services[j];
			if (!w->has_vip || w->vip.s_addr != v->vip.s_addr)
				continue;
			for (size_t p = 0; p < v->nports; p++) {
				if (!has_port(w, v->ports[p]))
					continue;
				dsr_format_ipv4(v->vip, a);
				note(&f, cfg, err, errlen, v->line,
				     "service '%s' checks %s port %u again (already in service '%s')", v->name,
				     a, (unsigned)v->ports[p], w->name);
				break;
			}
		}
	}
	return f.found ? -1 : 0;
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
	if ((why = unusable_addr(*out)))
		return cli_err(err, errlen, opt, "address %s %s", text, why);
	return 0;
}

static int cli_mac(const char *opt, const char *text, uint8_t out[6], char *err, size_t errlen)
{
	char q[QUOTE_MAX];
	const char *why;

	if (dsr_parse_mac(text, out) < 0)
		return cli_err(err, errlen, opt, "bad MAC address '%s'", quote(q, text));
	if ((why = unusable_mac(out)))
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
		char copy[32], q[QUOTE_MAX];

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
	struct in_addr a;

	if (!svc)
		return -1;
	if (cli_address("--vip", text, &a, err, errlen) < 0)
		return -1;
	if (svc->has_vip)
		return cli_err(err, errlen, "--vip", "given twice (use -c FILE for several services)");
	svc->vip = a;
	svc->has_vip = true;
	return 0;
}

static int add_cli_port(struct dsr_config *cfg, struct dsr_service *svc, const char *text, char *err,
			size_t errlen)
{
	char q[QUOTE_MAX];
	unsigned port;

	(void)cfg;
	if (dsr_parse_uint(text, 1, 65535, &port) < 0)
		return cli_err(err, errlen, "--port", "bad port '%s' (use 1 to 65535)", quote(q, text));
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
	if (find_server(cfg, name))
		return cli_err(err, errlen, opt, "server '%s' given twice", name);
	if (svc->nservers >= DSR_MAX_SERVICE_SERVERS || cfg->nservers >= DSR_MAX_SERVERS)
		return cli_err(err, errlen, opt, "too many servers (at most %d)",
			       DSR_MAX_SERVICE_SERVERS);
	memcpy(srv.name, name, strlen(name) + 1); /* checked above: it fits */
	cfg->servers[cfg->nservers] = srv;
	svc->servers[svc->nservers++] = cfg->nservers++;
	return 0;
}

int dsr_config_cli_balancer(struct dsr_config *cfg, const char *text, char *err, size_t errlen)
{
	struct dsr_service *svc = cli_service(cfg, "--balancer", err, errlen);
	struct in_addr a;

	if (!svc)
		return -1;
	if (cli_address("--balancer", text, &a, err, errlen) < 0)
		return -1;
	if (svc->has_balancer)
		return cli_err(err, errlen, "--balancer", "given twice");
	svc->balancer = a;
	svc->has_balancer = true;
	return 0;
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
	if (svc->nbalancer_macs >= DSR_MAX_BALANCER_MACS)
		return cli_err(err, errlen, opt, "too many MAC addresses (at most %d)",
			       DSR_MAX_BALANCER_MACS);
	memcpy(svc->balancer_macs[svc->nbalancer_macs++], mac, 6);
	return 0;
}

int dsr_config_cli_balancer_mac(struct dsr_config *cfg, const char *text, char *err, size_t errlen)
{
	return cli_each(cfg, "--balancer-mac", text, err, errlen, add_cli_balancer_mac);
}
