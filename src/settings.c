/* The settings table (src/settings.h) and the checks of the values it
 * describes. A range lives in one row; the file's and the command line's
 * messages are both made from it, each in the words its users already know
 * (tests/test_config.c and tests/cli.sh hold them). */
#include "settings.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "parse.h"

#define FIELD(f) offsetof(struct dsr_config, f)
#define NO_FIELD ((size_t)-1)

/* Rows without a field of their own (.offset) say NO_FIELD: offset 0 is a field. */
static const struct dsr_setting table[DSR_SET_COUNT] = {
	{ .id = DSR_SET_INTERFACE, .key = "interface", .sections = DSR_IN_GLOBAL,
	  .flag = "--interface", .short_flag = "-i", .arg = "IFACE", .type = DSR_TYPE_IFNAME,
	  .max = DSR_IFNAME_MAX - 1, .offset = NO_FIELD,
	  .help = "interface to probe from (default: the one routing to the first VIP)" },
	{ .id = DSR_SET_TIMEOUT, .key = "timeout", .sections = DSR_IN_GLOBAL, .flag = "--timeout",
	  .arg = "D", .type = DSR_TYPE_DURATION, .min = 1, .max = DSR_MAX_DURATION_MS,
	  .def = DSR_DEFAULT_TIMEOUT_MS, .has_default = true, .offset = FIELD(timeout_ms),
	  .example = "e.g. 500ms or 2s", .help = "wait for each reply" },
	{ .id = DSR_SET_RETRIES, .key = "retries", .sections = DSR_IN_GLOBAL, .flag = "--retries",
	  .arg = "N", .type = DSR_TYPE_UINT, .min = 0, .max = DSR_MAX_RETRIES,
	  .def = DSR_DEFAULT_RETRIES, .has_default = true, .offset = FIELD(retries),
	  .help = "extra tries for an unanswered probe" },
	{ .id = DSR_SET_LISTEN, .key = "listen", .sections = DSR_IN_GLOBAL, .flag = "--listen",
	  .arg = "D", .type = DSR_TYPE_DURATION, .min = 1, .max = DSR_MAX_DURATION_MS,
	  .def = DSR_DEFAULT_LISTEN_MS, .has_default = true, .offset = FIELD(listen_ms),
	  .example = "e.g. 500ms or 2s", .help = "watch the wire at least this long" },
	{ .id = DSR_SET_RATE, .key = "rate", .sections = DSR_IN_GLOBAL, .flag = "--rate", .arg = "PPS",
	  .type = DSR_TYPE_UINT, .min = 1, .max = DSR_MAX_RATE, .def = DSR_DEFAULT_RATE,
	  .has_default = true, .offset = FIELD(rate), .unit = "packets per second",
	  .help = "send at most PPS frames per second" },
	{ .id = DSR_SET_SEED, .flag = "--seed", .arg = "N", .type = DSR_TYPE_UINT, .min = 0,
	  .max = 0xffffffffu, .offset = FIELD(seed),
	  .help = "fixed probe identifiers, for reproducible test captures" },
	{ .id = DSR_SET_TIME_LIMIT, .flag = "--time-limit", .short_flag = "-t", .arg = "D",
	  .type = DSR_TYPE_DURATION, .min = 1, .max = DSR_MAX_DURATION_MS,
	  .offset = FIELD(time_limit_ms), .example = "e.g. 10s",
	  .help = "end the whole run within D (exit 3, UNKNOWN for --nagios)" },
	{ .id = DSR_SET_INTERVAL, .flag = "--interval", .arg = "D", .type = DSR_TYPE_DURATION,
	  .min = 0, .max = DSR_MAX_INTERVAL_MS, .def = DSR_DEFAULT_INTERVAL_MS, .has_default = true,
	  .offset = FIELD(interval_ms), .example = "e.g. 300s, 5m or 1h", .zero = "no audits",
	  .help = "watch: full audit every D" },
	{ .id = DSR_SET_ONLY_SERVER, .flag = "--only-server", .arg = "NAME", .type = DSR_TYPE_SERVER,
	  .offset = NO_FIELD, .help = "probe only this server, at its MAC, the way the balancer forwards" },
	{ .id = DSR_SET_VIP, .key = "vip", .sections = DSR_IN_SERVICE, .flag = "--vip", .arg = "ADDR",
	  .type = DSR_TYPE_ADDRESS, .stage = DSR_STAGE_DEPLOYMENT, .offset = NO_FIELD,
	  .help = "without -c: the VIP of the one service" },
	{ .id = DSR_SET_PORTS, .key = "ports", .sections = DSR_IN_SERVICE, .flag = "--port",
	  .arg = "P[,P...]", .type = DSR_TYPE_PORTS, .stage = DSR_STAGE_DEPLOYMENT, .min = 1,
	  .max = 65535, .offset = NO_FIELD, .help = "without -c: its TCP ports (repeatable)" },
	{ .id = DSR_SET_BALANCER, .key = "balancer", .sections = DSR_IN_SERVICE, .flag = "--balancer",
	  .arg = "[NAME=]ADDR[@MAC]", .type = DSR_TYPE_HOSTS, .stage = DSR_STAGE_DEPLOYMENT,
	  .min = 1, .max = DSR_MAX_BALANCERS, .offset = NO_FIELD,
	  .help = "without -c: a balancer's own address; an HA pair: two (repeatable)" },
	{ .id = DSR_SET_BALANCER_MAC, .key = "balancer-mac", .sections = DSR_IN_SERVICE,
	  .flag = "--balancer-mac", .arg = "MAC", .type = DSR_TYPE_MACS, .stage = DSR_STAGE_DEPLOYMENT,
	  .min = 1, .max = DSR_MAX_BALANCER_MACS, .offset = NO_FIELD,
	  .help = "without -c: a MAC allowed to answer ARP for the VIP (repeatable)" },
	{ .id = DSR_SET_VRRP_ID, .key = "vrrp-id", .sections = DSR_IN_SERVICE, .flag = "--vrrp-id",
	  .arg = "N", .type = DSR_TYPE_UINT, .stage = DSR_STAGE_DEPLOYMENT, .min = 1, .max = 255,
	  .offset = NO_FIELD,
	  .help = "without -c: the balancers' VRRP group (virtual MAC 00:00:5e:00:01:N owns the VIP)" },
	/* A service's own line wins over [global]'s and the command line's. */
	{ .id = DSR_SET_VLAN, .key = "vlan", .sections = DSR_IN_GLOBAL | DSR_IN_SERVICE,
	  .flag = "--vlan", .arg = "ID", .type = DSR_TYPE_UINT, .min = 1, .max = 4094,
	  .offset = FIELD(vlan),
	  .help = "probe the 802.1Q VLAN ID, tagged, from a trunk (services' own vlan wins)" },
	{ .id = DSR_SET_VLAN_PRIORITY, .key = "vlan-priority", .sections = DSR_IN_GLOBAL | DSR_IN_SERVICE,
	  .flag = "--vlan-priority", .arg = "N", .type = DSR_TYPE_UINT, .min = 0, .max = 7,
	  .def = 0, .has_default = true, .offset = FIELD(vlan_priority),
	  .help = "the 802.1p priority of tagged probes" },
	{ .id = DSR_SET_SOURCE, .key = "source", .sections = DSR_IN_GLOBAL | DSR_IN_SERVICE,
	  .flag = "--source", .arg = "ADDR", .type = DSR_TYPE_ADDRESS, .offset = NO_FIELD,
	  .help = "source address of probes in a VLAN this host has no address in" },
	{ .id = DSR_SET_SERVERS, .key = "servers", .sections = DSR_IN_SERVICE, .flag = "--server",
	  .arg = "[NAME=]ADDR[@MAC]", .type = DSR_TYPE_SERVERS, .stage = DSR_STAGE_DEPLOYMENT,
	  .min = 1, .max = DSR_MAX_SERVICE_SERVERS, .offset = NO_FIELD,
	  .help = "without -c: a real server, or a range or prefix of them (repeatable)" },
	{ .id = DSR_SET_ADDRESS, .key = "address", .sections = DSR_IN_SERVER, .arg = "ADDR",
	  .type = DSR_TYPE_ADDRESS, .stage = DSR_STAGE_DEPLOYMENT, .offset = NO_FIELD,
	  .help = "the server's address" },
	{ .id = DSR_SET_MAC, .key = "mac", .sections = DSR_IN_SERVER, .arg = "MAC",
	  .type = DSR_TYPE_MAC, .stage = DSR_STAGE_DEPLOYMENT, .offset = NO_FIELD,
	  .help = "the server's MAC, which its ARP replies must carry" },
};

const struct dsr_setting *dsr_settings(size_t *n)
{
	*n = DSR_SET_COUNT;
	return table;
}

const struct dsr_setting *dsr_setting(enum dsr_setting_id id)
{
	return (unsigned)id < DSR_SET_COUNT ? &table[id] : NULL;
}

const struct dsr_setting *dsr_setting_by_key(const char *key, unsigned in)
{
	for (size_t i = 0; i < DSR_SET_COUNT; i++)
		if (table[i].key && (table[i].sections & in) && strcmp(table[i].key, key) == 0)
			return &table[i];
	return NULL;
}

const struct dsr_setting *dsr_setting_by_flag(const char *flag)
{
	bool dashes = strncmp(flag, "--", 2) == 0;
	const char *name = dashes ? flag + 2 : flag[0] == '-' ? flag + 1 : flag;

	for (size_t i = 0; i < DSR_SET_COUNT; i++) {
		const struct dsr_setting *s = &table[i];
		if (!s->flag)
			continue;
		if (!dashes && s->short_flag && strcmp(s->short_flag + 1, name) == 0)
			return s;
		if ((dashes || flag[0] != '-') && strcmp(s->flag + 2, name) == 0)
			return s;
	}
	return NULL;
}

const char *dsr_setting_flag_name(const struct dsr_setting *s)
{
	return s->short_flag ? s->short_flag : s->flag;
}

bool dsr_setting_given(const struct dsr_config *cfg, enum dsr_setting_id id)
{
	return (cfg->given >> id) & 1u;
}

static unsigned *field(struct dsr_config *cfg, const struct dsr_setting *s)
{
	return (unsigned *)(void *)((char *)cfg + s->offset);
}

void dsr_settings_defaults(struct dsr_config *cfg)
{
	for (size_t i = 0; i < DSR_SET_COUNT; i++)
		if (table[i].offset != NO_FIELD)
			*field(cfg, &table[i]) = table[i].has_default ? table[i].def : 0;
}

DSR_PRINTF(3, 4) static int say(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (msg && len) {
		va_start(ap, fmt);
		vsnprintf(msg, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int set_ifname(struct dsr_config *cfg, const struct dsr_setting *s, const char *text,
		      bool from_file, char *msg, size_t len)
{
	const char *opt = dsr_setting_flag_name(s);
	size_t n = strlen(text);
	char q[DSR_QUOTE_MAX];

	if (n == 0)
		return from_file ? say(msg, len, "empty value for '%s'", s->key)
				 : say(msg, len, "%s: the interface name is empty", opt);
	if (n > s->max)
		return from_file ? say(msg, len, "value for '%s' is too long (at most %u characters)",
				       s->key, s->max)
				 : say(msg, len, "interface name too long: '%s'", text);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)text[i] < 0x21 || text[i] == 0x7f)
			return from_file ? say(msg, len, "bad interface name '%s'", dsr_quote(q, text, n))
					 : say(msg, len, "%s: bad interface name '%s'", opt,
					       dsr_quote(q, text, n));
	memcpy(cfg->interface, text, n + 1);
	return 0;
}

/* "0", "0ms", "0.0s": well-formed, but no time at all. */
static bool is_zero_duration(const char *text)
{
	size_t digits = strspn(text, "0.");
	const char *unit = text + digits;

	return digits > 0 && text[0] == '0' &&
	       (*unit == '\0' || strcmp(unit, "ms") == 0 || strcmp(unit, "s") == 0);
}

static int set_duration(unsigned *out, const struct dsr_setting *s, const char *text, bool from_file,
			char *msg, size_t len)
{
	const char *opt = dsr_setting_flag_name(s);
	char q[DSR_QUOTE_MAX], max[16];
	unsigned ms;

	dsr_format_duration(s->max, max);
	if (s->min == 0 && strcmp(text, "0") == 0) {
		*out = 0;
		return 0;
	}
	if (!from_file) {
		if (dsr_parse_duration_ms(text, s->max, &ms) == 0) {
			*out = ms;
			return 0;
		}
		if (s->min == 0)
			return say(msg, len, "%s: bad duration '%s' (at most %s, %s; 0 for %s)", opt,
				   text, max, s->example, s->zero);
		return say(msg, len, "%s: bad duration '%s' (more than 0 and at most %s, %s)", opt, text,
			   max, s->example);
	}
	dsr_quote(q, text, strlen(text));
	if (dsr_parse_duration_ms(text, UINT_MAX, &ms) < 0) {
		if (is_zero_duration(text))
			return say(msg, len, "'%s' must be more than 0, not '%s'", s->key, q);
		return say(msg, len, "bad duration '%s' for '%s' (use %s)", q, s->key, s->example);
	}
	if (ms > s->max)
		return say(msg, len, "'%s' must be at most %s, not '%s'", s->key, max, q);
	*out = ms;
	return 0;
}

int dsr_setting_parse_uint(const struct dsr_setting *s, const char *text, bool from_file,
			   unsigned *out, char *msg, size_t len)
{
	char q[DSR_QUOTE_MAX];
	const char *sep = s->unit ? " " : "", *unit = s->unit ? s->unit : "";
	unsigned n;

	if (!from_file) {
		if (dsr_parse_uint(text, s->min, s->max, out) == 0)
			return 0;
		return say(msg, len, "%s: '%s' is not a number from %u to %u", dsr_setting_flag_name(s),
			   text, s->min, s->max);
	}
	if (dsr_parse_uint(text, 0, UINT_MAX, &n) < 0)
		return say(msg, len, "bad number '%s' for '%s'", dsr_quote(q, text, strlen(text)), s->key);
	if (n < s->min || n > s->max) {
		if (s->min == 0)
			return say(msg, len, "'%s' must be at most %u%s%s, not %u", s->key, s->max, sep,
				   unit, n);
		return say(msg, len, "'%s' must be between %u and %u%s%s, not %u", s->key, s->min,
			   s->max, sep, unit, n);
	}
	*out = n;
	return 0;
}

int dsr_setting_set_scalar(struct dsr_config *cfg, const struct dsr_setting *s, const char *text,
			   bool from_file, char *msg, size_t msglen)
{
	int rc = -1;

	switch (s->type) {
	case DSR_TYPE_IFNAME:
		rc = set_ifname(cfg, s, text, from_file, msg, msglen);
		break;
	case DSR_TYPE_DURATION:
		rc = set_duration(field(cfg, s), s, text, from_file, msg, msglen);
		break;
	case DSR_TYPE_UINT:
		rc = dsr_setting_parse_uint(s, text, from_file, field(cfg, s), msg, msglen);
		break;
	default:
		return say(msg, msglen, "'%s' is not a single value", s->key ? s->key : s->flag);
	}
	if (rc == 0)
		cfg->given |= 1u << s->id;
	return rc;
}

static int only_server(struct dsr_config *cfg, const struct dsr_setting *s, const char *text,
		       char *err, size_t errlen)
{
	for (size_t i = 0; i < cfg->nservers; i++) {
		if (strcmp(cfg->servers[i].name, text) == 0) {
			memcpy(cfg->only_server, text, strlen(text) + 1); /* names fit */
			cfg->given |= 1u << s->id;
			return 0;
		}
	}
	return say(err, errlen, "%s: no server named '%s'", s->flag, text);
}

/* The flags that build the command line's one service. */
static int (*const deployment[DSR_SET_COUNT])(struct dsr_config *, const char *, char *, size_t) = {
	[DSR_SET_VIP] = dsr_config_cli_vip,
	[DSR_SET_PORTS] = dsr_config_cli_port,
	[DSR_SET_BALANCER] = dsr_config_cli_balancer,
	[DSR_SET_BALANCER_MAC] = dsr_config_cli_balancer_mac,
	[DSR_SET_VRRP_ID] = dsr_config_cli_vrrp_id,
	[DSR_SET_SERVERS] = dsr_config_cli_server,
};

int dsr_settings_apply_flag(struct dsr_config *cfg, const char *flag, const char *value, char *err,
			    size_t errlen)
{
	const struct dsr_setting *s = dsr_setting_by_flag(flag);
	int rc;

	if (!s)
		return say(err, errlen, "unknown option '%s'", flag);
	switch (s->type) {
	case DSR_TYPE_UINT:
		if (s->offset == NO_FIELD) /* a service's: the deployment's setter */
			break;
		return dsr_setting_set_scalar(cfg, s, value, false, err, errlen);
	case DSR_TYPE_IFNAME:
	case DSR_TYPE_DURATION:
		return dsr_setting_set_scalar(cfg, s, value, false, err, errlen);
	case DSR_TYPE_SERVER:
		return only_server(cfg, s, value, err, errlen);
	case DSR_TYPE_ADDRESS:
		if (s->id != DSR_SET_SOURCE)
			break;
		if (dsr_config_cli_source(cfg, value, err, errlen) < 0)
			return -1;
		cfg->given |= 1u << s->id;
		return 0;
	default:
		break;
	}
	if (!deployment[s->id])
		return say(err, errlen, "unknown option '%s'", flag);
	rc = deployment[s->id](cfg, value, err, errlen);
	if (rc == 0)
		cfg->given |= 1u << s->id;
	return rc;
}

void dsr_setting_usage(const struct dsr_setting *s, char *out, size_t outlen)
{
	char opt[64], def[64] = "", value[16];

	if (!s->flag) {
		snprintf(out, outlen, "%s", "");
		return;
	}
	snprintf(opt, sizeof(opt), "%s %s", s->flag, s->arg);
	if (s->has_default && s->type == DSR_TYPE_DURATION) {
		dsr_format_duration(s->def, value);
		snprintf(def, sizeof(def), " (default %s%s%s)", value, s->zero ? "; 0 for " : "",
			 s->zero ? s->zero : "");
	} else if (s->has_default) {
		snprintf(def, sizeof(def), " (default %u)", s->def);
	}
	/* The help column of dsrcheck --help starts at 25. */
	snprintf(out, outlen, "  %-2s%c %-*s%s%s%s", s->short_flag ? s->short_flag : "",
		 s->short_flag ? ',' : ' ', strlen(opt) <= 18 ? 18 : 0, opt,
		 strlen(opt) <= 18 ? " " : "  ", s->help, def);
}
