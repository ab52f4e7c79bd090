/* The result model: one dsr_check per question dsrcheck answers about the
 * deployment. Verdicts are decided by the probes' judge callbacks; report
 * writers only format what they are given. */
#ifndef DSR_CHECK_H
#define DSR_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "../platform/netcompat.h"

enum dsr_status { DSR_PASS, DSR_FAIL, DSR_WARN, DSR_SKIP };

enum dsr_evidence_type {
	DSR_EV_STR,  /* a string */
	DSR_EV_INT,  /* an integer */
	DSR_EV_LIST, /* a list of strings, stored comma-separated (items hold no commas) */
};

#define DSR_EVIDENCE_MAX 12
#define DSR_EVIDENCE_KEY 32   /* a key's bytes, its NUL included */
#define DSR_EVIDENCE_TEXT 256 /* a value's bytes, its NUL included */
#define DSR_SUMMARY_MAX 256
#define DSR_REMEDY_MAX 2048

struct dsr_evidence {
	const char *key;
	enum dsr_evidence_type type;
	long long num;
	const char *text; /* "" for an integer */
};

/* As many MACs as a list of DSR_EVIDENCE_TEXT characters holds. */
#define DSR_CHECK_MACS 14
#define DSR_CHECK_FRAMES 12

struct dsr_check_draft;

/* A check costs what it says: its texts are written into a draft (check.c's,
 * one at a time for the judges) and packed, exactly as long as they are, into
 * one allocation with the array of checks (dsr_checks_pack, dsr_packer_*):
 * free() of that array frees everything. */
struct dsr_check {
	const char *id;      /* "tcp.rip", ...: a public contract */
	const char *service; /* NULL for none */
	const char *server;  /* NULL for none */
	char target[46];     /* dotted quad or IPv6 text (DSR_IPV6_TEXT), "" for none */
	int port;            /* -1 for none */
	uint16_t vlan;       /* the 802.1Q VLAN its frames were of, 0 for untagged */
	enum dsr_status status;
	const char *reason;  /* NULL when passed */
	const char *summary; /* "" for none, once written or packed */
	const char *remedy;  /* "" for none, once written or packed */
	const struct dsr_evidence *evidence;
	size_t nevidence;
	/* What writers and the verdict read without parsing evidence text: */
	bool has_rtt;
	long long rtt_us; /* round trip of the reply the verdict rests on */
	/* The MACs in the evidence (dsr_evidence_mac*), as bytes, each with the
	 * index of its evidence entry, in the order they were added. */
	uint8_t macs[DSR_CHECK_MACS][6];
	uint8_t mac_entry[DSR_CHECK_MACS];
	uint8_t nmacs;
	uint8_t nframes;
	/* Where to look in the evidence capture (--pcap): frame numbers. */
	unsigned frames[DSR_CHECK_FRAMES];
	/* check.c's: where the texts are while being written; NULL once packed. */
	struct dsr_check_draft *draft;
};

/* What readers print: "" for none, also for a check nothing was written to. */
static inline const char *dsr_check_summary_text(const struct dsr_check *c)
{
	return c->summary ? c->summary : "";
}

static inline const char *dsr_check_remedy_text(const struct dsr_check *c)
{
	return c->remedy ? c->remedy : "";
}

/* Where a check looked, as every report names it: "ADDR", "ADDR:PORT",
 * "[IPv6]:PORT" (an IPv6 address with a port in brackets, RFC 5952 section
 * 6), "port PORT" without an address, "" for neither. */
#define DSR_CHECK_WHERE_MAX (sizeof(((struct dsr_check *)0)->target) + sizeof "[]:65535")
void dsr_check_where(const struct dsr_check *c, char where[DSR_CHECK_WHERE_MAX]);

/* Packs checks[0..n) (written through the functions below) into one
 * allocation: the returned array, whose texts live in the same block, so that
 * free() of it frees all. Consumes checks and their drafts, also on failure
 * (NULL: out of memory). */
struct dsr_check *dsr_checks_pack(struct dsr_check *checks, size_t n);

/* The same one check at a time, for a producer that writes each check into
 * one reused scratch check: begin with room for at most max checks, add (which
 * empties the scratch for the next one, keeping its draft), end (returns the
 * array of n checks, NULL when out of memory), then release the scratch. */
struct dsr_packer {
	unsigned char *block;
	size_t used, cap, n, max;
	bool failed;
};
int dsr_packer_begin(struct dsr_packer *p, size_t max);
void dsr_packer_add(struct dsr_packer *p, struct dsr_check *scratch);
struct dsr_check *dsr_packer_end(struct dsr_packer *p, size_t *n);

/* Frees c's draft (a check that is not packed, such as a test's). */
void dsr_check_release(struct dsr_check *c);
/* Frees checks[0..n) that were not packed, drafts and array (an error path). */
void dsr_checks_discard(struct dsr_check *checks, size_t n);

const char *dsr_status_name(enum dsr_status status);

/* The words of a check: every judge writes them through these, so that how they
 * are stored is check.c's business alone. Text that does not fit is cut at a
 * character boundary. dsr_check_remedy replaces the remedy; _append adds a part,
 * "; " between parts. */
DSR_PRINTF(2, 3) void dsr_check_summary(struct dsr_check *c, const char *fmt, ...);
DSR_PRINTF(2, 3) void dsr_check_remedy(struct dsr_check *c, const char *fmt, ...);
DSR_PRINTF(2, 3) void dsr_check_remedy_append(struct dsr_check *c, const char *fmt, ...);

/* Evidence helpers: silently drop what does not fit (the list is bounded). */
void dsr_evidence_str(struct dsr_check *c, const char *key, const char *value);
void dsr_evidence_int(struct dsr_check *c, const char *key, long long value);
/* Appends item to the list under key, creating it; duplicates are not added twice. */
void dsr_evidence_list_add(struct dsr_check *c, const char *key, const char *item);
/* A MAC as evidence (text "02:00:00:00:00:11") and as bytes (c->macs), so that
 * the verdict names the servers behind it without parsing text: _mac sets
 * key's value, _mac_add appends to the list under key. */
void dsr_evidence_mac(struct dsr_check *c, const char *key, const uint8_t mac[6]);
void dsr_evidence_mac_add(struct dsr_check *c, const char *key, const uint8_t mac[6]);
/* The round trip of the reply the verdict rests on: evidence rtt_us, and
 * c->rtt_us for the writers that chart it. */
void dsr_check_rtt(struct dsr_check *c, long long us);

#define DSR_VANTAGE_VLANS 8

/* Where dsrcheck stands: reported in every report. */
struct dsr_vantage {
	char ifname[64];
	char ip[46];
	char mac[18];
	bool on_segment;  /* at least one real server is on-link */
	bool is_balancer; /* a VIP or a balancer's own address is this host's */
	bool holds_vip;   /* a VIP is on this interface or one stacked on it (vrrp.51) */
	char vip_on[64];  /* which, when holds_vip */
	bool inside_server; /* dsrcheck local: ifname names this host or the snapshot read */
	/* 802.1Q: the interface is a sub-interface of VLAN sub_vlan (0: not), and
	 * the VLANs probed tagged from it as a trunk (the first few). */
	uint16_t sub_vlan;
	struct {
		uint16_t vlan;
		char source[16];
		bool answers_arp; /* the source is no address of this host's */
	} tagged[DSR_VANTAGE_VLANS];
	size_t ntagged; /* all of them, also those beyond DSR_VANTAGE_VLANS */
};

struct dsr_counts {
	size_t pass, fail, warn, skip;
};

struct dsr_inventory;
struct dsr_finding;

/* Everything a report writer needs besides the checks themselves. */
struct dsr_run {
	const char *version;
	struct timeval started;
	long long duration_ms;
	struct dsr_vantage vantage;
	struct dsr_counts counts;
	const struct dsr_check *checks; /* in report order: service, then server */
	size_t nchecks;
	/* analyze without a deployment: every address of the capture and who
	 * claimed it (passive/inventory.h); NULL otherwise, and writers then
	 * write exactly what they wrote before it existed. */
	const struct dsr_inventory *inventory;
	/* What is broken, one finding per broken thing (src/diagnose.h), in the
	 * order reports lead with them; every failing or warning check is
	 * explained by exactly one. Set by dsr_cmd_emit_reports. */
	const struct dsr_finding *findings;
	size_t nfindings;
};

void dsr_run_count(struct dsr_run *run);
/* 0 when nothing failed (warnings allowed), 1 otherwise: the exit status contract. */
int dsr_run_failed(const struct dsr_run *run);

#endif
