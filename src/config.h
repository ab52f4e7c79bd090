/* The deployment dsrcheck is asked to verify, as the user described it.
 * Filled from an INI file (-c) or from command-line options; validated once,
 * read-only afterwards. */
#ifndef DSR_CONFIG_H
#define DSR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../platform/netcompat.h"

#define DSR_NAME_MAX 64
#define DSR_IFNAME_MAX 64
/* Servers per run and per service: the tables grow as they are given, so a
 * small deployment costs little and a /20 of servers fits. */
#define DSR_MAX_SERVERS 4096
#define DSR_MAX_SERVICES 256
#define DSR_MAX_PORTS 64
#define DSR_MAX_BALANCER_MACS 8
/* Members of one service's balancer set: an HA pair, or a few more. */
#define DSR_MAX_BALANCERS 8
#define DSR_MAX_SERVICE_SERVERS 4096
/* Longest line of a configuration file, end of line excluded. */
#define DSR_CONFIG_MAX_LINE 65536

struct dsr_server {
	char name[DSR_NAME_MAX];
	struct in_addr addr;
	bool has_addr6; /* dual-stack: its IPv6 address too */
	struct in6_addr addr6;
	bool has_mac;
	uint8_t mac[6];
	int line; /* where it was defined (or, given by its address, first listed); 0 for the command line */
};

/* One member of a service's balancer set, by its own (not the VIP's) address. */
struct dsr_balancer {
	char name[DSR_NAME_MAX]; /* configured, else "lb1", "lb2", ... by position */
	struct in_addr addr;
	bool has_mac; /* else its MAC is learned by ARP for addr */
	uint8_t mac[6];
};

struct dsr_service {
	char name[DSR_NAME_MAX];
	bool has_vip;
	struct in_addr vip;
	bool has_vip6; /* dual-stack: the IPv6 VIP too */
	struct in6_addr vip6;
	uint16_t ports[DSR_MAX_PORTS];
	size_t nports;
	/* Who may own the VIP: the balancer set (one host, or an HA pair), more MACs
	 * allowed to answer for it, and the VRRP group whose virtual MAC
	 * (00:00:5e:00:01:ID) may own it; 0 for none. */
	struct dsr_balancer balancers[DSR_MAX_BALANCERS];
	size_t nbalancers;
	uint8_t balancer_macs[DSR_MAX_BALANCER_MACS][6];
	size_t nbalancer_macs;
	unsigned vrrp_id;
	/* The 802.1Q VLAN it lives on and the source address of probes there, when
	 * its own section says so (else [global]'s: dsr_service_vlan and friends). */
	bool has_vlan, has_vlan_priority, has_probe_source;
	unsigned vlan, vlan_priority;
	struct in_addr probe_source;
	size_t *servers; /* indices into dsr_config.servers, allocated */
	size_t nservers;
	size_t servers_cap;
	int line;
};

struct dsr_config {
	char source[256]; /* file name used in messages, "command line" otherwise */
	char interface[DSR_IFNAME_MAX]; /* empty: the interface that routes to the first VIP */
	unsigned timeout_ms;
	unsigned retries;
	unsigned listen_ms;
	unsigned rate; /* packets per second */
	unsigned seed; /* --seed: fixed probe identifiers when dsr_setting_given(DSR_SET_SEED) */
	unsigned time_limit_ms; /* -t: the whole run; 0 for none */
	unsigned interval_ms;   /* watch --interval: between audits; 0 for none */
	unsigned given;         /* bit (1u << enum dsr_setting_id) for every setting given */
	/* [global] or the command line: every service's unless it says otherwise. */
	unsigned vlan;          /* 0: untagged */
	unsigned vlan_priority;
	bool has_probe_source;
	struct in_addr probe_source;
	/* --only-server: probe this one server the way the balancer reaches it, and
	 * nothing else (a health check for the balancer); "" for all. */
	char only_server[DSR_NAME_MAX];
	struct dsr_server *servers; /* allocated, grows up to DSR_MAX_SERVERS */
	size_t nservers;
	size_t servers_cap;
	struct dsr_service *services;
	size_t nservices;
};

/* What a service is probed on: its VLAN (0: untagged), the 802.1p priority
 * of its tagged probes, and the source address configured for it (false: none). */
unsigned dsr_service_vlan(const struct dsr_config *cfg, const struct dsr_service *svc);
unsigned dsr_service_vlan_priority(const struct dsr_config *cfg, const struct dsr_service *svc);
bool dsr_service_source(const struct dsr_config *cfg, const struct dsr_service *svc, struct in_addr *out);

/* The defaults and ranges src/settings.c's table holds. */
#define DSR_DEFAULT_TIMEOUT_MS 1000
#define DSR_DEFAULT_RETRIES 2
#define DSR_DEFAULT_LISTEN_MS 3000
#define DSR_DEFAULT_RATE 500
#define DSR_DEFAULT_INTERVAL_MS 300000
#define DSR_MAX_RATE 100000
#define DSR_MAX_RETRIES 10
#define DSR_MAX_DURATION_MS 600000
#define DSR_MAX_INTERVAL_MS 86400000u

/* What a configuration is used for, which decides what it must hold. */
enum dsr_config_use {
	DSR_USE_AUDIT,   /* probing (the audit, watch): VIP, ports and servers of every service */
	DSR_USE_PASSIVE, /* analyze: no ports (a capture is read, nothing is probed); from the
			  * command line, no deployment at all is fine too */
	DSR_USE_LOCAL,   /* local: a VIP; ports optional; servers unused */
};

/* Allocates the tables and sets the defaults. Returns 0, or -1 when out of memory. */
int dsr_config_init(struct dsr_config *cfg);
void dsr_config_free(struct dsr_config *cfg);

/* Reads an INI file into cfg (which dsr_config_init prepared) and validates it
 * for use. Returns 0, or -1 with "FILE:LINE: what is wrong" in err. */
int dsr_config_load_for(struct dsr_config *cfg, const char *path, enum dsr_config_use use, char *err,
			size_t errlen);
/* dsr_config_load_for(..., DSR_USE_AUDIT, ...) */
int dsr_config_load(struct dsr_config *cfg, const char *path, char *err, size_t errlen);

/* The same from a string (for tests); name is what messages call the source. */
int dsr_config_load_string_for(struct dsr_config *cfg, const char *text, const char *name,
			       enum dsr_config_use use, char *err, size_t errlen);
int dsr_config_load_string(struct dsr_config *cfg, const char *text, const char *name, char *err,
			   size_t errlen);

/* Command-line equivalents (no -c): one anonymous service "default" is created
 * by the first of them. Each returns 0, or -1 with a message in err. */
int dsr_config_cli_vip(struct dsr_config *cfg, const char *text, char *err, size_t errlen);
int dsr_config_cli_port(struct dsr_config *cfg, const char *text, char *err, size_t errlen);
/* "NAME=ADDR", "ADDR", optionally followed by "@MAC"; or a range
 * "198.18.2.1-198.18.2.250" or prefix "198.18.2.0/24" of servers named by their addresses */
int dsr_config_cli_server(struct dsr_config *cfg, const char *text, char *err, size_t errlen);
/* "[NAME=]ADDR[@MAC]", several separated by commas; repeatable */
int dsr_config_cli_balancer(struct dsr_config *cfg, const char *text, char *err, size_t errlen);
int dsr_config_cli_vrrp_id(struct dsr_config *cfg, const char *text, char *err, size_t errlen);
/* --source: the probes' source address in a VLAN ([global]'s source). */
int dsr_config_cli_source(struct dsr_config *cfg, const char *text, char *err, size_t errlen);
int dsr_config_cli_balancer_mac(struct dsr_config *cfg, const char *text, char *err, size_t errlen);

/* The VRRP virtual MAC of group vrid (RFC 5798: 00:00:5e:00:01:VRID). */
void dsr_vrrp_mac(unsigned vrid, uint8_t out[6]);
/* Whether mac is a VRRP IPv4 virtual MAC; *vrid receives its group. */
bool dsr_is_vrrp_mac(const uint8_t mac[6], unsigned *vrid);

/* Cross-checks that need the whole configuration (a service without servers or VIP,
 * a VIP equal to a server address, ...), for what the configuration is used for.
 * Called by dsr_config_load_for; the driver calls it after command-line options. */
int dsr_config_validate_for(struct dsr_config *cfg, enum dsr_config_use use, char *err,
			    size_t errlen);
/* dsr_config_validate_for(cfg, DSR_USE_AUDIT, ...) */
int dsr_config_validate(struct dsr_config *cfg, char *err, size_t errlen);

#endif
