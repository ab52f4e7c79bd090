/* The catalogue of checks: every check id dsrcheck can report, what it is per,
 * when it passes, and every reason it can give with that reason's status and
 * remedy per platform. Ids and reasons are a public contract: the plan, the
 * probes' judges, the passive analyser and the local rules name them through
 * this table (never as string literals), and `--list-checks`, the README and
 * the man page are written from it, so that what is documented is what runs. */
#ifndef DSR_CATALOGUE_H
#define DSR_CATALOGUE_H

#include <stdio.h>

#include "check.h"

/* Every check id, in the order --list-checks prints them. arp.vip.claim is
 * judged per server and per service, with different reasons: two entries. */
enum dsr_check_key {
	DSR_CHECK_ARP_RIP,
	DSR_CHECK_ARP_VIP,
	DSR_CHECK_ARP_VIP_CLAIM,
	DSR_CHECK_ARP_VIP_CLAIM_SERVICE,
	DSR_CHECK_ICMP_RIP,
	DSR_CHECK_ICMP_VIP,
	DSR_CHECK_ICMP_VIP_DIRECT,
	DSR_CHECK_TCP_RIP,
	DSR_CHECK_TCP_VIP,
	DSR_CHECK_TCP_VIP_DIRECT,
	DSR_CHECK_DSR_RETURN,
	DSR_CHECK_TCP_VIP_CONN,
	DSR_CHECK_VRRP_MASTER,
	DSR_CHECK_ARP_CONFLICT,
	DSR_CHECK_ND_CONFLICT,
	DSR_CHECK_ND_RIP,
	DSR_CHECK_ND_VIP,
	DSR_CHECK_ND_VIP_CLAIM,
	DSR_CHECK_ND_VIP_CLAIM_SERVICE,
	DSR_CHECK_ICMP6_RIP,
	DSR_CHECK_ICMP6_VIP,
	DSR_CHECK_ICMP6_VIP_DIRECT,
	DSR_CHECK_TCP6_RIP,
	DSR_CHECK_TCP6_VIP,
	DSR_CHECK_TCP6_VIP_DIRECT,
	DSR_CHECK_DSR6_RETURN,
	DSR_CHECK_TCP6_VIP_CONN,
	DSR_CHECK_LOCAL_VIP,
	DSR_CHECK_LOCAL_ARP_IGNORE,
	DSR_CHECK_LOCAL_ARP_ANNOUNCE,
	DSR_CHECK_LOCAL_RP_FILTER,
	DSR_CHECK_LOCAL_LOOPBACK_ADAPTER,
	DSR_CHECK_LOCAL_WEAKHOST_RECEIVE,
	DSR_CHECK_LOCAL_WEAKHOST_SEND,
	DSR_CHECK_LOCAL_IP_CONFLICT,
	DSR_CHECK_LOCAL_IIS_BINDING,
	DSR_CHECK_LOCAL_LISTEN,
	DSR_CHECK_LOCAL_FIREWALL,
	/* IPv6 counterparts: the id of the IPv4 check with 6 appended (README,
	 * "dsrcheck local"); local6.proxy_ndp has no IPv4 twin */
	DSR_CHECK_LOCAL_VIP6,
	DSR_CHECK_LOCAL_PROXY_NDP,
	DSR_CHECK_LOCAL_WEAKHOST6_RECEIVE,
	DSR_CHECK_LOCAL_WEAKHOST6_SEND,
	DSR_CHECK_LOCAL_LISTEN6,
	DSR_CHECK_LOCAL_FIREWALL6,
	DSR_CHECK_LOCAL_IIS_BINDING6,
	DSR_CHECK_COUNT
};

/* The vocabulary of reasons. Which check gives which, with which status, is
 * the catalogue's business (struct dsr_reason_def). */
enum dsr_reason {
	DSR_R_NO_ANSWER,
	DSR_R_CONFLICT,
	DSR_R_WRONG_MAC,
	DSR_R_WRONG_OWNER,
	DSR_R_CLAIMED,
	DSR_R_NO_MAC,
	DSR_R_UNKNOWN_HOST,
	DSR_R_TIMEOUT,
	DSR_R_UNREACHABLE,
	DSR_R_WRONG_SOURCE,
	DSR_R_REFUSED,
	DSR_R_VIA_BALANCER,
	DSR_R_FLIP_FLOP,
	DSR_R_NOT_ON_SEGMENT,
	DSR_R_VIP_IS_LOCAL,
	DSR_R_NOT_SEEN,
	DSR_R_MISSING,
	DSR_R_NOT_LOOPBACK,
	DSR_R_WRONG_MASK,
	DSR_R_TOO_PERMISSIVE,
	DSR_R_TOO_STRICT,
	DSR_R_STRICT,
	DSR_R_DISABLED,
	DSR_R_NOT_BOUND,
	DSR_R_NOT_LISTENING,
	DSR_R_DROPPED,
	DSR_R_POLICY_DROP,
	DSR_R_BLOCKED,
	DSR_R_UNCLEAR,
	DSR_R_NO_PORT,
	DSR_R_NO_SITE,
	DSR_R_NO_IIS,
	DSR_R_NO_INTERFACE,
	DSR_R_UNREADABLE,
	DSR_R_UNKNOWN,
	DSR_R_UNVERIFIED,
	DSR_R_CHANGED,
	DSR_R_SPLIT_BRAIN,
	DSR_R_NO_MASTER,
	DSR_R_BASE_MAC,
	DSR_R_SPREAD,
	DSR_R_RESET,
	DSR_R_TAGGED,
	DSR_R_NO_IPV6,
	DSR_R_TENTATIVE,
	DSR_R_DADFAILED,
	DSR_R_PROXIED,
	DSR_R_COUNT
};

/* The remedies, each written once. */
enum dsr_fix {
	DSR_FIX_NONE,
	DSR_FIX_VIP_ARP_LEAK,     /* a real server answers or announces ARP for the VIP */
	DSR_FIX_VIP_NOT_ACCEPTED, /* frames for the VIP are dropped by the server */
	DSR_FIX_VIP_NOT_BOUND,    /* the application refuses connections to the VIP */
	DSR_FIX_WRONG_SOURCE,     /* replies leave with another source than the VIP */
	DSR_FIX_NO_MAC,
	DSR_FIX_VIP_ARP_SILENT,
	DSR_FIX_VIP_WRONG_OWNER,
	DSR_FIX_ADDRESS_CONFLICT,
	DSR_FIX_RIP_ARP_SILENT,
	DSR_FIX_WRONG_MAC,
	DSR_FIX_UNKNOWN_HOST,
	DSR_FIX_ICMP_UNREACHABLE,
	DSR_FIX_VIP_NO_PING,
	DSR_FIX_RIP_NO_PING,
	DSR_FIX_NOT_LISTENING,
	DSR_FIX_TCP_REJECTED,
	DSR_FIX_VIP_NO_SYNACK,
	DSR_FIX_RIP_NO_SYNACK,
	DSR_FIX_VIA_BALANCER,
	DSR_FIX_INSTALL_LOOPBACK,
	DSR_FIX_LOCAL_VIP,
	DSR_FIX_SYSCTL,
	DSR_FIX_SYSCTL_ITEM,    /* parts of DSR_FIX_SYSCTL's list, one per interface */
	DSR_FIX_SYSCTL_PERSIST, /* and of its more */
	DSR_FIX_WEAKHOST,
	DSR_FIX_WEAKHOST_ITEM, /* parts of DSR_FIX_WEAKHOST's list */
	DSR_FIX_LOCAL_LISTEN,
	DSR_FIX_FIREWALL_DROP,
	DSR_FIX_FIREWALL_ALLOW,
	DSR_FIX_IIS_BINDING,
	DSR_FIX_EVENT_LOG,
	DSR_FIX_VERIFY_OWNER,
	DSR_FIX_UNKNOWN_HOSTS,
	DSR_FIX_ADDRESS_CHANGED,
	DSR_FIX_SPLIT_BRAIN, /* two members of a balancer set own the VIP at once */
	DSR_FIX_BASE_MAC,    /* a VRRP member claims the VIP with its own MAC, not the virtual one */
	DSR_FIX_PER_PACKET,  /* the balancer schedules packets, not connections */
	DSR_FIX_CONN_RESET,  /* a server reset an established connection */
	DSR_FIX_CONN_STALLED, /* a connection's close was never answered */
	DSR_FIX_NO_MASTER,   /* nobody advertises the service's VRRP virtual router */
	DSR_FIX_LOCAL_VIP6,
	DSR_FIX_PROXY_NDP,
	DSR_FIX_PROXY_NDP_ITEM, /* parts of DSR_FIX_PROXY_NDP's list */
	DSR_FIX_WEAKHOST6,
	DSR_FIX_WEAKHOST6_ITEM, /* parts of DSR_FIX_WEAKHOST6's list */
	DSR_FIX_LOCAL_LISTEN6,
	DSR_FIX_FIREWALL_DROP6,
	DSR_FIX_FIREWALL_ALLOW6,
	/* IPv6's counterparts of remedies, for the checks of IPv6 (nd.*,
	 * icmp6.*, tcp6.*: dsr_fix picks them by the check's id). */
	DSR_FIX_VIP6_NOT_ACCEPTED,
	DSR_FIX_VIP6_NOT_BOUND,
	DSR_FIX_ND_VIP_LEAK,
	DSR_FIX_ND_VIP_SILENT,
	DSR_FIX_ND_VIP_WRONG_OWNER,
	DSR_FIX_ND_ADDRESS_CONFLICT,
	DSR_FIX_ND_RIP_SILENT,
	DSR_FIX_CONN6_STALLED,
	DSR_FIX_COUNT
};

/* What a check is per: any of these. */
enum dsr_scope {
	DSR_SCOPE_SERVICE = 1,
	DSR_SCOPE_SERVER = 2,
	DSR_SCOPE_PORT = 4,
	DSR_SCOPE_HOST = 8,    /* dsrcheck local: this host */
	DSR_SCOPE_ADDRESS = 16 /* any address a capture shows */
};

/* Where a check runs: the audit (probes), analyze and watch (a capture), local. */
enum dsr_origin { DSR_BY_AUDIT = 1, DSR_BY_ANALYZE = 2, DSR_BY_LOCAL = 4 };

/* The platform a remedy is written for. _GUESSED: from the TTL of a server's
 * replies, and said so; known: dsrcheck local on that host. */
enum dsr_platform {
	DSR_PLATFORM_UNKNOWN,
	DSR_PLATFORM_LINUX_GUESSED,
	DSR_PLATFORM_WINDOWS_GUESSED,
	DSR_PLATFORM_LINUX,
	DSR_PLATFORM_WINDOWS
};

/* A remedy as templates: {name} is an argument (struct dsr_fix_args),
 * {?name:text} is text only when the argument is set, {!name:text} only when
 * it is not. `any` serves every platform; otherwise linux and windows, both
 * given when the platform is unknown. */
struct dsr_fix_def {
	const char *name;
	const char *any;
	const char *linux_text;
	const char *windows_text;
};

struct dsr_reason_def {
	enum dsr_reason reason;
	enum dsr_status status;
	const char *means; /* one line: when it is given */
	enum dsr_fix fix;
};

struct dsr_check_def {
	const char *id;
	unsigned scope;    /* enum dsr_scope bits */
	unsigned origin;   /* enum dsr_origin bits */
	const char *platform; /* local checks: "Linux", "Windows", "both"; NULL otherwise */
	const char *passes;   /* one sentence */
	const struct dsr_reason_def *reasons;
	size_t nreasons;
};

extern const struct dsr_check_def dsr_checks[DSR_CHECK_COUNT];
extern const char *const dsr_reason_names[DSR_R_COUNT];
extern const struct dsr_fix_def dsr_fixes[DSR_FIX_COUNT];

/* The id and reason strings judges store in struct dsr_check: pointers into the
 * catalogue, so report writers read them as before. */
#define DSR_ID(key) (dsr_checks[DSR_CHECK_##key].id)
#define DSR_REASON(r) (dsr_reason_names[DSR_R_##r])

/* The entry of id (the first of two for arp.vip.claim), or NULL. */
const struct dsr_check_def *dsr_check_find(const char *id);
/* Does the catalogue list (id, status, reason) for a check per server (or per
 * host: per_server) or not? A pass has no reason. */
bool dsr_catalogue_lists(const char *id, bool per_server, enum dsr_status status,
			 const char *reason);
/* The same for a finished check. */
bool dsr_catalogue_has(const struct dsr_check *c);

/* Arguments of a remedy's template; NULL or "" is unset. */
struct dsr_fix_args {
	const char *vip;      /* the VIP */
	const char *addr;     /* the address the check is about */
	const char *port;     /* "80" */
	const char *endpoint; /* "198.18.0.100:80" or the address */
	const char *mac;      /* a MAC address */
	const char *from;     /* who answered */
	const char *iface;    /* an interface (the wrong one) */
	const char *prefix;   /* its prefix length */
	const char *add;      /* set: add the VIP on the loopback */
	const char *lo;       /* the loopback adapter's name */
	const char *key;      /* a setting: arp_ignore, weakhostsend, ... */
	const char *value;    /* the value the remedy sets */
	const char *list;     /* per-interface commands built by the rule */
	const char *more;     /* their persistent form */
	const char *table;    /* firewall: table, chain, rule */
	const char *chain;
	const char *rule;
	const char *proto;    /* "HTTP", "https", " tcp dport 80"... as the template says */
	const char *site;
};

/* Writes the remedy fix for platform into c's remedy (dsr_fix replaces it,
 * dsr_fix_append adds a part). A guessed platform is also recorded as
 * evidence ("platform"). */
void dsr_fix(struct dsr_check *c, enum dsr_fix fix, enum dsr_platform platform,
	     const struct dsr_fix_args *a);
void dsr_fix_append(struct dsr_check *c, enum dsr_fix fix, enum dsr_platform platform,
		    const struct dsr_fix_args *a);
/* Is c a check of IPv6 (nd.*, icmp6.*, tcp6.*)? Its remedies are fix's IPv6
 * counterpart, where fix names IPv4's (or ARP's) commands: dsr_fix_ipv6. */
bool dsr_check_is_ipv6(const struct dsr_check *c);
enum dsr_fix dsr_fix_ipv6(enum dsr_fix fix);
/* The same text into out[cap], for a rule that builds a list argument of parts. */
void dsr_fix_render(char *out, size_t cap, enum dsr_fix fix, enum dsr_platform platform,
		    const struct dsr_fix_args *a);

/* ---- verdicts the live judges and the passive analyser share ---- */

/* Two or more MACs for one address: fail conflict (or flip-flop), and the
 * remedy: the ARP leak for a VIP, the duplicate address otherwise. */
void dsr_verdict_conflict(struct dsr_check *c, enum dsr_reason reason, const char *addr, bool vip);
/* The only owner of an address is not the one configured (the balancer's MAC
 * for a VIP, the server's for a real address). */
void dsr_verdict_wrong_owner(struct dsr_check *c, const char *addr, const char *mac, bool vip);
/* Two members of a balancer set own the VIP at once; owners names them
 * ("lb1 (02:00:00:00:00:02) and lb2 (02:00:00:00:00:03)"). */
void dsr_verdict_split_brain(struct dsr_check *c, const char *vip, const char *owners);
/* A VRRP member claims the VIP with its own MAC while the virtual MAC owns it. */
void dsr_verdict_base_mac(struct dsr_check *c, const char *vip, const char *balancer, const char *mac);
/* A MAC that is neither the balancer nor a configured server claimed the VIP. */
void dsr_verdict_unknown_host(struct dsr_check *c, const char *mac, const char *vip);
/* How a server claimed the VIP. */
enum dsr_claim_kind { DSR_CLAIM_REPLY, DSR_CLAIM_ANNOUNCE, DSR_CLAIM_REQUEST };
/* From an ARP frame's opcode, sender and target address: a frame whose target
 * is its sender announces; otherwise a reply answers, a request uses the VIP as
 * its sender address (arp_announce=0). */
enum dsr_claim_kind dsr_claim_kind_of(uint16_t arp_op, uint32_t spa, uint32_t tpa);
/* A real server's MAC claimed the VIP in n ARP frames. */
void dsr_verdict_claimed(struct dsr_check *c, const char *mac, enum dsr_claim_kind kind,
			 const char *vip, unsigned long n, enum dsr_platform platform);
/* A reply to a probe or client of addr (port NULL for none) left with another
 * source: fail wrong-source and the source-rewrite remedy. */
void dsr_verdict_wrong_source(struct dsr_check *c, const char *addr, const char *port,
			      enum dsr_platform platform);

/* --list-checks: the catalogue as "text" or "json"; for the documentation also
 * "markdown-audit", "markdown-local", "man-audit", "man-local" (the tables of
 * README.md and doc/dsrcheck.8). Returns 0, or -1 for an unknown format or a
 * write error. */
int dsr_catalogue_write(FILE *out, const char *format);
/* The ids, space-separated, wrapped before width columns, each line after the
 * first starting with indent; only the checks of origin (enum dsr_origin bits).
 * For the usage text. */
int dsr_catalogue_write_ids(FILE *out, unsigned origin, const char *indent, int width);

#endif
