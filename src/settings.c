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

static const struct dsr_setting table[DSR_SET_COUNT] = {
	{ DSR_SET_INTERFACE, "interface", DSR_IN_GLOBAL, "--interface", 'i', "IFACE", DSR_TYPE_IFNAME,
	  DSR_STAGE_RUN, 0, DSR_IFNAME_MAX - 1, 0, false, NO_FIELD, NULL, NULL, NULL,
	  "interface to probe from (default: the one routing to the first VIP)" },
	{ DSR_SET_TIMEOUT, "timeout", DSR_IN_GLOBAL, "--timeout", 0, "D", DSR_TYPE_DURATION,
	  DSR_STAGE_RUN, 1, DSR_MAX_DURATION_MS, DSR_DEFAULT_TIMEOUT_MS, true, FIELD(timeout_ms), NULL,
	  "e.g. 500ms or 2s", NULL, "wait for each reply" },
	{ DSR_SET_RETRIES, "retries", DSR_IN_GLOBAL, "--retries", 0, "N", DSR_TYPE_UINT, DSR_STAGE_RUN,
	  0, DSR_MAX_RETRIES, DSR_DEFAULT_RETRIES, true, FIELD(retries), NULL, NULL, NULL,
	  "extra tries for an unanswered probe" },
	{ DSR_SET_LISTEN, "listen", DSR_IN_GLOBAL, "--listen", 0, "D", DSR_TYPE_DURATION, DSR_STAGE_RUN,
	  1, DSR_MAX_DURATION_MS, DSR_DEFAULT_LISTEN_MS, true, FIELD(listen_ms), NULL,
	  "e.g. 500ms or 2s", NULL, "watch the wire at least this long" },
	{ DSR_SET_RATE, "rate", DSR_IN_GLOBAL, "--rate", 0, "PPS", DSR_TYPE_UINT, DSR_STAGE_RUN, 1,
	  DSR_MAX_RATE, DSR_DEFAULT_RATE, true, FIELD(rate), "packets per second", NULL, NULL,
	  "send at most PPS frames per second" },
	{ DSR_SET_SEED, NULL, 0, "--seed", 0, "N", DSR_TYPE_UINT, DSR_STAGE_RUN, 0, 0xffffffffu, 0,
	  false, FIELD(seed), NULL, NULL, NULL, "fixed probe identifiers, for reproducible test captures" },
	{ DSR_SET_TIME_LIMIT, NULL, 0, "--time-limit", 't', "D", DSR_TYPE_DURATION, DSR_STAGE_RUN, 1,
	  DSR_MAX_DURATION_MS, 0, false, FIELD(time_limit_ms), NULL, "e.g. 10s", NULL,
	  "end the whole run within D (exit 3, UNKNOWN for --nagios)" },
	{ DSR_SET_INTERVAL, NULL, 0, "--interval", 0, "D", DSR_TYPE_DURATION, DSR_STAGE_RUN, 0,
	  DSR_MAX_INTERVAL_MS, DSR_DEFAULT_INTERVAL_MS, true, FIELD(interval_ms), NULL,
	  "e.g. 300s, 5m or 1h", "no audits", "watch: full audit every D" },
	{ DSR_SET_ONLY_SERVER, NULL, 0, "--only-server", 0, "NAME", DSR_TYPE_SERVER, DSR_STAGE_RUN, 0, 0,
	  0, false, NO_FIELD, NULL, NULL, NULL,
	  "probe only this server, at its MAC, the way the balancer forwards" },
	{ DSR_SET_VIP, "vip", DSR_IN_SERVICE, "--vip", 0, "ADDR", DSR_TYPE_ADDRESS,
	  DSR_STAGE_DEPLOYMENT, 0, 0, 0, false, NO_FIELD, NULL, NULL, NULL,
	  "without -c: the VIP of the one service" },
	{ DSR_SET_PORTS, "ports", DSR_IN_SERVICE, "--port", 0, "P[,P...]", DSR_TYPE_PORTS,
	  DSR_STAGE_DEPLOYMENT, 1, 65535, 0, false, NO_FIELD, NULL, NULL, NULL,
	  "without -c: its TCP ports (repeatable)" },
	{ DSR_SET_BALANCER, "balancer", DSR_IN_SERVICE, "--balancer", 0, "ADDR", DSR_TYPE_ADDRESS,
	  DSR_STAGE_DEPLOYMENT, 0, 0, 0, false, NO_FIELD, NULL, NULL, NULL,
	  "without -c: the balancer's own address" },
	{ DSR_SET_BALANCER_MAC, "balancer-mac", DSR_IN_SERVICE, "--balancer-mac", 0, "MAC",
	  DSR_TYPE_MACS, DSR_STAGE_DEPLOYMENT, 1, DSR_MAX_BALANCER_MACS, 0, false, NO_FIELD, NULL, NULL,
	  NULL, "without -c: a MAC allowed to answer ARP for the VIP (repeatable)" },
	{ DSR_SET_SERVERS, "servers", DSR_IN_SERVICE, "--server", 0, "[NAME=]ADDR[@MAC]",
	  DSR_TYPE_SERVERS, DSR_STAGE_DEPLOYMENT, 1, DSR_MAX_SERVICE_SERVERS, 0, false, NO_FIELD, NULL,
	  NULL, NULL, "without -c: a real server, or a range or prefix of them (repeatable)" },
	{ DSR_SET_ADDRESS, "address", DSR_IN_SERVER, NULL, 0, "ADDR", DSR_TYPE_ADDRESS,
	  DSR_STAGE_DEPLOYMENT, 0, 0, 0, false, NO_FIELD, NULL, NULL, NULL, "the server's address" },
	{ DSR_SET_MAC, "mac", DSR_IN_SERVER, NULL, 0, "MAC", DSR_TYPE_MAC, DSR_STAGE_DEPLOYMENT, 0, 0,
	  0, false, NO_FIELD, NULL, NULL, NULL, "the server's MAC, which its ARP replies must carry" },
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
	const char *name = flag;
	bool dashes = strncmp(flag, "--", 2) == 0;

	if (dashes)
		name += 2;
	else if (flag[0] == '-')
		name++;
	for (size_t i = 0; i < DSR_SET_COUNT; i++) {
		const struct dsr_setting *s = &table[i];
		if (!s->flag)
			continue;
		if (name[0] && !name[1] && !dashes && s->short_flag == name[0])
			return s;
		if ((dashes || flag[0] != '-') && strcmp(s->flag + 2, name) == 0)
			return s;
	}
	return NULL;
}

const char *dsr_setting_flag_name(const struct dsr_setting *s)
{
	static char shorts[DSR_SET_COUNT][3];

	if (!s->short_flag)
		return s->flag;
	/* A fixed string per row: callers keep it as long as they like. */
	char *out = shorts[s->id];
	out[0] = '-';
	out[1] = s->short_flag;
	out[2] = '\0';
	return out;
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

static int set_uint(unsigned *out, const struct dsr_setting *s, const char *text, bool from_file,
		    char *msg, size_t len)
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
		rc = set_uint(field(cfg, s), s, text, from_file, msg, msglen);
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

int dsr_settings_apply_flag(struct dsr_config *cfg, const char *flag, const char *value, char *err,
			    size_t errlen)
{
	const struct dsr_setting *s = dsr_setting_by_flag(flag);
	int rc;

	if (!s)
		return say(err, errlen, "unknown option '%s'", flag);
	switch (s->type) {
	case DSR_TYPE_IFNAME:
	case DSR_TYPE_DURATION:
	case DSR_TYPE_UINT:
		return dsr_setting_set_scalar(cfg, s, value, false, err, errlen);
	case DSR_TYPE_SERVER:
		return only_server(cfg, s, value, err, errlen);
	default:
		break;
	}
	switch (s->id) {
	case DSR_SET_VIP:
		rc = dsr_config_cli_vip(cfg, value, err, errlen);
		break;
	case DSR_SET_PORTS:
		rc = dsr_config_cli_port(cfg, value, err, errlen);
		break;
	case DSR_SET_BALANCER:
		rc = dsr_config_cli_balancer(cfg, value, err, errlen);
		break;
	case DSR_SET_BALANCER_MAC:
		rc = dsr_config_cli_balancer_mac(cfg, value, err, errlen);
		break;
	case DSR_SET_SERVERS:
		rc = dsr_config_cli_server(cfg, value, err, errlen);
		break;
	default:
		return say(err, errlen, "unknown option '%s'", flag);
	}
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
	snprintf(out, outlen, "  %c%c%c %-*s%s%s%s", s->short_flag ? '-' : ' ',
		 s->short_flag ? s->short_flag : ' ', s->short_flag ? ',' : ' ',
		 strlen(opt) <= 18 ? 18 : 0, opt, strlen(opt) <= 18 ? " " : "  ", s->help, def);
}
