/* dsrcheck local: the server-side audit. Run on a real server, it checks that
 * server's own DSR preparation (the VIP on a loopback, ARP quiet about it, weak
 * host model, firewall, bindings, listeners) instead of probing from the wire.
 *
 * Data flows one way, each arrow a plain structure a test can build by hand:
 *   collector (platform APIs, local/collect_<os>.c)
 *     → struct dsr_local_snapshot (also a text file: local/snapshot.c)
 *     → rules (pure functions, local/rules.c)
 *     → struct dsr_check, the same model as the network audit
 *     → the report writers, unchanged.
 * Whatever a collector could not read is recorded as unknown and gives a skip
 * with the reason, never a pass or a fail. */
#ifndef DSR_LOCAL_H
#define DSR_LOCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../src/check.h"
#include "../platform/netcompat.h"

#define DSR_LOCAL_MAX_IFACES 64
#define DSR_LOCAL_MAX_IFACE_ADDRS 16
#define DSR_LOCAL_MAX_ROUTES 256
#define DSR_LOCAL_MAX_LISTEN 1024
#define DSR_LOCAL_MAX_FW_LINES 2048
#define DSR_LOCAL_MAX_FW_RULES 2048
#define DSR_LOCAL_MAX_BINDINGS 512
#define DSR_LOCAL_MAX_EVENTS 64
#define DSR_LOCAL_MAX_PORTS 64
#define DSR_LOCAL_MAX_NDP_PROXIES 64
#define DSR_LOCAL_TEXT 512 /* one firewall line or rule string, one event message */
#define DSR_LOCAL_NAME 128 /* interface names, descriptions, site names, host name */

/* A sysctl or weak-host setting that could not be read. */
#define DSR_LOCAL_UNKNOWN (-1)

enum dsr_local_platform { DSR_LOCAL_LINUX, DSR_LOCAL_WINDOWS };

enum dsr_local_kind {
	DSR_LOCAL_KIND_LOOPBACK, /* Linux lo; Windows: the Microsoft (KM-TEST) Loopback Adapter */
	DSR_LOCAL_KIND_DUMMY,    /* Linux dummy: no ARP, a valid home for the VIP */
	DSR_LOCAL_KIND_ETHERNET,
	DSR_LOCAL_KIND_OTHER,
};

/* How much of one data source the collector could read. */
enum dsr_local_state {
	DSR_LOCAL_UNREAD,     /* not collected (the field was absent from a snapshot) */
	DSR_LOCAL_READ,       /* read completely */
	DSR_LOCAL_ABSENT,     /* the thing does not exist here (no IIS installed) */
	DSR_LOCAL_UNREADABLE, /* exists or may exist, but could not be read: see *_why */
};

struct dsr_local_addr {
	struct in_addr addr;
	unsigned prefix; /* 0..32 */
};

/* IPv6 address states that make a VIP6 useless (Linux IFA_F_* of
 * <linux/if_addr.h>, the flags column of /proc/net/if_inet6; Windows' DadState
 * is mapped onto them): a tentative address is not used until duplicate address
 * detection ends, a dadfailed one never (another node of the segment holds it). */
#define DSR_LOCAL_IFA_DADFAILED 0x08u
#define DSR_LOCAL_IFA_TENTATIVE 0x40u

struct dsr_local_addr6 {
	struct in6_addr addr;
	unsigned prefix; /* 0..128 */
	unsigned flags;  /* DSR_LOCAL_IFA_* */
};

struct dsr_local_iface {
	char name[DSR_LOCAL_NAME];        /* Linux name; Windows alias ("Ethernet 2") */
	char description[DSR_LOCAL_NAME]; /* Windows adapter description, "" on Linux */
	unsigned index;                   /* the IDX netsh shows; 0 when unknown */
	enum dsr_local_kind kind;
	bool up;
	bool noarp; /* Linux IFF_NOARP: never takes part in ARP */
	struct dsr_local_addr addrs[DSR_LOCAL_MAX_IFACE_ADDRS];
	size_t naddrs;
	/* Linux (DSR_LOCAL_UNKNOWN when unread) */
	int arp_ignore, arp_announce, rp_filter;
	/* Windows: 1 enabled, 0 disabled (DSR_LOCAL_UNKNOWN when unread) */
	int weak_host_send, weak_host_receive;
	/* IPv6 (snapshot source "ipv6"): addresses with their state; Linux
	 * net.ipv6.conf.IFACE.proxy_ndp; Windows weak host for the IPv6 interface */
	struct dsr_local_addr6 addrs6[DSR_LOCAL_MAX_IFACE_ADDRS];
	size_t naddrs6;
	int proxy_ndp;
	int weak_host_send6, weak_host_receive6;
};

/* One entry of `ip -6 neigh show proxy`: this host answers Neighbor
 * Solicitations for addr arriving on dev (when proxy_ndp is on there). */
struct dsr_local_ndp_proxy {
	struct in6_addr addr;
	char dev[DSR_LOCAL_NAME];
};

struct dsr_local_route {
	struct dsr_local_addr dest; /* 0.0.0.0/0 is the default route */
	char dev[DSR_LOCAL_NAME];
};

struct dsr_local_listener {
	/* dotted quad (an IPv4-mapped IPv6 socket too), "::" for an IPv6 wildcard
	 * socket, or an IPv6 address (RFC 5952 text) */
	char addr[48];
	uint16_t port;
};

struct dsr_local_binding {
	char site[DSR_LOCAL_NAME];
	char protocol[16];  /* http, https */
	char address[48];   /* the IP part: a dotted quad, "*" or "" (all unassigned) */
	uint16_t port;
	char host[DSR_LOCAL_NAME];
};

struct dsr_local_event {
	char time[40];
	char message[DSR_LOCAL_TEXT];
};

enum dsr_local_fw_profile { DSR_FW_DOMAIN, DSR_FW_PRIVATE, DSR_FW_PUBLIC, DSR_FW_NPROFILES };

struct dsr_local_snapshot {
	enum dsr_local_platform platform;
	char hostname[DSR_LOCAL_NAME];

	enum dsr_local_state ifaces_state;
	struct dsr_local_iface ifaces[DSR_LOCAL_MAX_IFACES];
	size_t nifaces;
	/* Linux conf/all values (the kernel uses max(all, interface)) */
	int all_arp_ignore, all_arp_announce, all_rp_filter;

	/* IPv6 addresses and settings of the interfaces above (addrs6, proxy_ndp,
	 * weak_host_*6): READ once a collector has read them; snapshots written
	 * before dsrcheck knew IPv6 leave it UNREAD, and the IPv6 checks skip. */
	enum dsr_local_state ipv6_state;
	int all_proxy_ndp; /* Linux conf/all/proxy_ndp: the kernel ORs it with the interface's */
	enum dsr_local_state ndp_proxies_state;
	char ndp_proxies_why[DSR_LOCAL_TEXT];
	struct dsr_local_ndp_proxy ndp_proxies[DSR_LOCAL_MAX_NDP_PROXIES];
	size_t nndp_proxies;

	enum dsr_local_state routes_state;
	struct dsr_local_route routes[DSR_LOCAL_MAX_ROUTES];
	size_t nroutes;

	enum dsr_local_state listen_state;
	struct dsr_local_listener listeners[DSR_LOCAL_MAX_LISTEN];
	size_t nlisteners;

	enum dsr_local_state firewall_state;
	char firewall_why[DSR_LOCAL_TEXT];
	/* Linux: `nft list ruleset`, `iptables-save` and `ip6tables-save` output,
	 * one line each (ip6tables-save's own "# Generated by ip6tables-save" line
	 * tells its chains from iptables-save's) */
	char (*fw_lines)[DSR_LOCAL_TEXT];
	size_t nfw_lines;
	/* Windows: EnableFirewall per profile (DSR_LOCAL_UNKNOWN when unread), and
	 * the FirewallRules registry values ("v2.30|Action=Allow|...") */
	int fw_profile_enabled[DSR_FW_NPROFILES];
	char (*fw_rules)[DSR_LOCAL_TEXT];
	size_t nfw_rules;

	enum dsr_local_state iis_state; /* ABSENT: no applicationHost.config, no IIS */
	char iis_why[DSR_LOCAL_TEXT];
	struct dsr_local_binding bindings[DSR_LOCAL_MAX_BINDINGS];
	size_t nbindings;

	enum dsr_local_state events_state;
	char events_why[DSR_LOCAL_TEXT];
	struct dsr_local_event conflicts[DSR_LOCAL_MAX_EVENTS]; /* Tcpip 4199 */
	size_t nconflicts;
};

/* Allocates an empty snapshot (every source unread), or NULL. */
struct dsr_local_snapshot *dsr_local_snapshot_new(enum dsr_local_platform platform);
void dsr_local_snapshot_free(struct dsr_local_snapshot *s);
/* Adds one line to the Linux ruleset or the Windows rules; -1 when full. */
int dsr_local_add_fw_line(struct dsr_local_snapshot *s, const char *line);
int dsr_local_add_fw_rule(struct dsr_local_snapshot *s, const char *rule);
/* The interface called name, or NULL. */
struct dsr_local_iface *dsr_local_find_iface(struct dsr_local_snapshot *s, const char *name);

/* ---- collecting: local/collect_linux.c, local/collect_windows.c ---- */

struct dsr_local_request {
	/* Linux: prefix for /proc and /sys reads ("" for the running system), so
	 * that recorded sysctl trees can be collected from in tests. */
	const char *root;
	/* Linux: run `nft list ruleset` / `iptables-save` / `ip6tables-save` and
	 * `ip -6 neigh show proxy` (off in tests). */
	bool run_firewall_tools;
	/* Windows: applicationHost.config to read instead of the installed one. */
	const char *iis_config;
};

/* Fills *out (from dsr_local_snapshot_new) with what this host shows. What
 * could not be read is recorded as unknown or unreadable, with the reason.
 * Returns 0, or -1 with a message in err when nothing useful could be read at
 * all (no interface list). */
int dsr_local_collect(const struct dsr_local_request *req, struct dsr_local_snapshot *out,
		      char *err, size_t errlen);

/* ---- Linux /proc and /sys text: local/proc.c (portable, for tests) ---- */

/* A file's text (at most max bytes, NUL-terminated, malloc'd), or NULL. */
char *dsr_local_read_text(const char *path, size_t max, size_t *len);
/* An interface name that is safe in a path (no '/', not "." or ".."). */
bool dsr_local_ifname_ok(const char *name);
/* A file holding one non-negative number, or DSR_LOCAL_UNKNOWN. */
int dsr_local_read_int(const char *path);
/* Linux, pure over a directory tree: the conf/{all,IFACE}/{arp_ignore,
 * arp_announce,rp_filter} values under ROOT/proc/sys/net/ipv4/conf for the
 * interfaces already in s. Shared with the tests (recorded sysctl trees). */
void dsr_local_read_sysctls(const char *root, struct dsr_local_snapshot *s);
/* Linux /proc/net/tcp (and tcp6) text: LISTEN sockets (state 0A) into s. */
void dsr_local_parse_proc_tcp(const char *text, bool ipv6, struct dsr_local_snapshot *s);
/* Linux /proc/net/route text into s. */
void dsr_local_parse_proc_route(const char *text, struct dsr_local_snapshot *s);
/* Linux /proc/net/if_inet6 text ("ADDR32HEX IFINDEX PREFIX SCOPE FLAGS NAME" a
 * line, numbers in hex) into the addrs6 of the interfaces already in s. Every
 * line is hostile: a short or long line, a bad hex digit, a prefix above 128,
 * flags wider than the kernel's byte or an unknown interface are skipped and
 * counted. Returns the number of lines skipped. */
size_t dsr_local_parse_if_inet6(const char *text, struct dsr_local_snapshot *s);
/* Linux net.ipv6.conf.{all,IFACE}.proxy_ndp under ROOT/proc/sys for the
 * interfaces already in s. */
void dsr_local_read_sysctls6(const char *root, struct dsr_local_snapshot *s);
/* `ip -6 neigh show proxy` text ("2001:2::100 dev eth0 proxy" a line) into
 * s->ndp_proxies. Returns the number of lines it could not read. */
size_t dsr_local_parse_ndp_proxies(const char *text, struct dsr_local_snapshot *s);

/* ---- the snapshot as a text file: local/snapshot.c ---- */

/* Writes s to path atomically. Returns 0, or -1 with a message in err. */
int dsr_local_snapshot_save(const struct dsr_local_snapshot *s, const char *path, char *err,
			    size_t errlen);
/* Reads path (hostile input: bounded, every error as "path:line: what").
 * Returns a snapshot, or NULL with a message in err. */
struct dsr_local_snapshot *dsr_local_snapshot_load(const char *path, char *err, size_t errlen);
/* The same from text in memory; name is used in messages. */
struct dsr_local_snapshot *dsr_local_snapshot_parse(const char *text, size_t len, const char *name,
						    char *err, size_t errlen);

/* ---- the rules: local/rules.c (pure) ---- */

struct dsr_local_target {
	bool has_vip, has_vip6; /* which families to audit: the IPv6 checks only with a VIP6 */
	struct in_addr vip;
	struct in6_addr vip6;
	uint16_t ports[DSR_LOCAL_MAX_PORTS];
	size_t nports;
};

/* Every check of the platform's rule set, in report order (see README, "dsrcheck
 * local"). Returns a malloc'd array with its length in *nchecks, or NULL when out
 * of memory. Service "local", server the host name. */
struct dsr_check *dsr_local_rules(const struct dsr_local_snapshot *s,
				  const struct dsr_local_target *t, size_t *nchecks);

/* ---- Windows configuration text, pure: local/iis_config.c, local/win_firewall.c ---- */

/* Adds the http/https bindings of every site in an applicationHost.config text
 * to s->bindings and sets s->iis_state (READ, or UNREADABLE with the reason when
 * the text is no such file). Never reads past len; comments are skipped. */
void dsr_iis_parse(const char *text, size_t len, struct dsr_local_snapshot *s);

struct dsr_winfw_rule {
	bool valid;     /* the string parsed as a v2 rule */
	bool allow;     /* Action=Allow (else Block) */
	bool active;    /* Active=TRUE */
	bool inbound;   /* Dir=In */
	int protocol;   /* 6 TCP, -1 any */
	bool uncertain; /* a LPort or LA4 value dsrcheck cannot evaluate (RPC, LocalSubnet, ...) */
	bool any_port;
	uint16_t ports[32][2]; /* LPort ranges, [low, high] */
	size_t nports;
	bool any_address;
	uint32_t addrs[16][2]; /* LA4 ranges, host byte order, [low, high] */
	size_t naddrs;
	/* LA6: a rule naming LA4 only does not apply to IPv6, one naming neither applies to all */
	bool has_la4, has_la6, any_address6;
	struct in6_addr addrs6[16][2]; /* LA6 ranges, [low, high] */
	size_t naddrs6;
	bool profiles[DSR_FW_NPROFILES]; /* all true when the rule names none */
	char name[DSR_LOCAL_NAME];
};

/* Parses one FirewallRules registry value. */
void dsr_winfw_rule_parse(const char *text, struct dsr_winfw_rule *out);
/* Does active inbound rule r apply to TCP traffic to vip:port in profile p? With
 * port -1, a rule limited to some ports does not apply. */
bool dsr_winfw_rule_matches(const struct dsr_winfw_rule *r, struct in_addr vip, int port,
			    enum dsr_local_fw_profile p);
/* The same for TCP traffic to [vip6]:port. */
bool dsr_winfw_rule_matches6(const struct dsr_winfw_rule *r, const struct in6_addr *vip6, int port,
			     enum dsr_local_fw_profile p);

/* What the Linux ruleset (nft or iptables-save text) does to a new TCP
 * connection to vip:port (port -1: to the VIP at all) arriving on one of the
 * interfaces named in ifaces (the ones facing the segment): local/linux_firewall.c. */
enum dsr_fw_verdict {
	DSR_FW_ACCEPTED,    /* every input chain accepts it (or has no say) */
	DSR_FW_DROPPED,     /* a rule that surely matches drops or rejects it */
	DSR_FW_POLICY_DROP, /* no rule accepts it and a chain's policy is drop */
	DSR_FW_UNCLEAR,     /* a rule dsrcheck cannot fully evaluate may drop it */
};

struct dsr_fw_finding {
	enum dsr_fw_verdict verdict;
	bool iptables;              /* found in iptables-save or ip6tables-save text (else nft) */
	char chain[160];            /* "inet dsrlab input", "filter INPUT" */
	char rule[DSR_LOCAL_TEXT];  /* the rule (or policy) that decided, as written */
};

void dsr_linux_fw_eval(const char (*lines)[DSR_LOCAL_TEXT], size_t nlines, struct in_addr vip,
		       int port, const char *const *ifaces, size_t nifaces,
		       struct dsr_fw_finding *out);
/* The same for IPv6 traffic to [vip6]:port: the chains of ip6 and inet tables
 * (ip daddr and other IPv4-only matches never match it) and of ip6tables-save. */
void dsr_linux_fw_eval6(const char (*lines)[DSR_LOCAL_TEXT], size_t nlines,
			const struct in6_addr *vip6, int port, const char *const *ifaces,
			size_t nifaces, struct dsr_fw_finding *out);

#endif
