/* The one table of settings: for each, its INI key and the sections that take
 * it, its command-line flag, the kind of value, the range, the default and the
 * words of its help line. The INI reader (src/config.c) and the command line
 * both check values through it, so a range is written once and every message
 * that states it reads it from here. */
#ifndef DSR_SETTINGS_H
#define DSR_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

struct dsr_config;

enum dsr_setting_id {
	DSR_SET_INTERFACE,
	DSR_SET_TIMEOUT,
	DSR_SET_RETRIES,
	DSR_SET_LISTEN,
	DSR_SET_RATE,
	DSR_SET_SEED,
	DSR_SET_TIME_LIMIT,
	DSR_SET_INTERVAL,
	DSR_SET_ONLY_SERVER,
	DSR_SET_VIP,
	DSR_SET_PORTS,
	DSR_SET_BALANCER,
	DSR_SET_BALANCER_MAC,
	DSR_SET_VRRP_ID,
	DSR_SET_VLAN,
	DSR_SET_VLAN_PRIORITY,
	DSR_SET_SOURCE,
	DSR_SET_SERVERS,
	DSR_SET_ADDRESS,
	DSR_SET_MAC,
	DSR_SET_COUNT
};

enum dsr_setting_type {
	DSR_TYPE_IFNAME,   /* an interface name: printable, no blanks */
	DSR_TYPE_DURATION, /* milliseconds in [min, max]: "500ms", "2s", "5m" */
	DSR_TYPE_UINT,     /* a decimal number in [min, max] */
	DSR_TYPE_ADDRESS,  /* one IPv4 address a host can have */
	DSR_TYPE_MAC,      /* one unicast MAC address */
	DSR_TYPE_PORTS,    /* TCP ports, comma-separated */
	DSR_TYPE_MACS,     /* unicast MACs, comma-separated */
	DSR_TYPE_SERVERS,  /* file: names, addresses, ranges, prefixes; flag: [NAME=]ADDR[@MAC] */
	DSR_TYPE_SERVER,   /* the name of a server of the deployment */
	DSR_TYPE_HOSTS,    /* [NAME=]ADDR[@MAC], comma-separated */
};

/* Where an INI key may appear (a bit set). 0: the command line only. */
enum {
	DSR_IN_GLOBAL = 1,
	DSR_IN_SERVICE = 2,
	DSR_IN_SERVER = 4,
};

/* When a flag is applied. A deployment flag builds the one service of a run
 * without -c, as the command line is read; a run flag overrides the file and
 * is applied after dsr_config_load (--only-server must find its server). */
enum dsr_setting_stage {
	DSR_STAGE_RUN,
	DSR_STAGE_DEPLOYMENT,
};

struct dsr_setting {
	enum dsr_setting_id id;
	const char *key;     /* INI key, NULL for the command line only */
	unsigned sections;   /* DSR_IN_* where the key is allowed */
	const char *flag;    /* "--timeout", NULL for the file only */
	const char *short_flag; /* "-i", NULL for none */
	const char *arg;     /* the value in usage text: "D", "N", "ADDR" */
	enum dsr_setting_type type;
	enum dsr_setting_stage stage;
	unsigned min, max;   /* DURATION (ms) and UINT; for DURATION min is 1, or 0 when zero says "off" */
	unsigned def;        /* default, in the same unit; what dsr_config_init sets */
	bool has_default;    /* false: unset unless given (--seed, -t) */
	size_t offset;       /* the unsigned field of struct dsr_config it sets, for DURATION and UINT */
	const char *unit;    /* after the range in the file's words: "packets per second" */
	const char *example; /* DURATION: "e.g. 500ms or 2s" */
	const char *zero;    /* DURATION with min 0: what "0" means ("no audits") */
	const char *help;    /* usage: what it does, without the default */
};

/* The table, in usage order; n receives its length. */
const struct dsr_setting *dsr_settings(size_t *n);
const struct dsr_setting *dsr_setting(enum dsr_setting_id id);
/* By INI key, in a section of kind in (DSR_IN_*); NULL when that section does not take it. */
const struct dsr_setting *dsr_setting_by_key(const char *key, unsigned in);
/* By flag: "--timeout", "timeout" (getopt's long name), "-i" or "i". */
const struct dsr_setting *dsr_setting_by_flag(const char *flag);
/* How messages name a flag: its short form when it has one ("-i"), else the long one. */
const char *dsr_setting_flag_name(const struct dsr_setting *s);

/* Applies one command-line flag to cfg. Returns 0, or -1 with the message in
 * err ("--rate: '0' is not a number from 1 to 100000"), the words tests/cli.sh
 * holds. The deployment flags go to dsr_config_cli_*. */
int dsr_settings_apply_flag(struct dsr_config *cfg, const char *flag, const char *value, char *err,
			    size_t errlen);

/* Whether a setting was given (in the file or on the command line). */
bool dsr_setting_given(const struct dsr_config *cfg, enum dsr_setting_id id);

/* Sets every default (dsr_config_init calls it). */
void dsr_settings_defaults(struct dsr_config *cfg);

/* Checks a scalar value (IFNAME, DURATION, UINT) against its setting and stores it
 * in cfg. from_file: the message is worded for a file line ("'rate' must be between
 * 1 and 100000 packets per second, not 0"), without the "FILE:LINE: " the caller
 * adds; otherwise for the command line, flag name included. */
int dsr_setting_set_scalar(struct dsr_config *cfg, const struct dsr_setting *s, const char *text,
			   bool from_file, char *msg, size_t msglen);

/* A number checked against s's range, in the words dsr_setting_set_scalar uses,
 * stored in *out (for the UINT settings a service holds). */
int dsr_setting_parse_uint(const struct dsr_setting *s, const char *text, bool from_file,
			   unsigned *out, char *msg, size_t msglen);

/* One usage line: "      --timeout D        wait for each reply (default 1s)". */
void dsr_setting_usage(const struct dsr_setting *s, char *out, size_t outlen);

#endif
