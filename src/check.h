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
#define DSR_EVIDENCE_TEXT 256

struct dsr_evidence {
	char key[32];
	enum dsr_evidence_type type;
	long long num;
	char text[DSR_EVIDENCE_TEXT];
};

/* As many MACs as a list of DSR_EVIDENCE_TEXT characters holds. */
#define DSR_CHECK_MACS 14
#define DSR_CHECK_FRAMES 12

struct dsr_check {
	const char *id;      /* "tcp.rip", ...: a public contract */
	const char *service; /* NULL for none */
	const char *server;  /* NULL for none */
	char target[16];     /* dotted quad, "" for none */
	int port;            /* -1 for none */
	enum dsr_status status;
	const char *reason; /* NULL when passed */
	char summary[256];
	struct dsr_evidence evidence[DSR_EVIDENCE_MAX];
	size_t nevidence;
	char remedy[2048]; /* "" for none */
	/* What writers and the verdict read without parsing evidence text: */
	bool has_rtt;
	long long rtt_us; /* round trip of the reply the verdict rests on */
	/* The MACs in the evidence (dsr_evidence_mac*), as bytes, each with the
	 * index of its evidence entry, in the order they were added. */
	uint8_t macs[DSR_CHECK_MACS][6];
	uint8_t mac_entry[DSR_CHECK_MACS];
	size_t nmacs;
	/* Where to look in the evidence capture (--pcap): frame numbers. */
	unsigned frames[DSR_CHECK_FRAMES];
	size_t nframes;
};

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

/* Where dsrcheck stands: reported in every report. */
struct dsr_vantage {
	char ifname[64];
	char ip[16];
	char mac[18];
	bool on_segment;  /* at least one real server is on-link */
	bool is_balancer; /* a VIP is configured on this interface */
	bool inside_server; /* dsrcheck local: ifname names this host or the snapshot read */
};

struct dsr_counts {
	size_t pass, fail, warn, skip;
};

/* Everything a report writer needs besides the checks themselves. */
struct dsr_run {
	const char *version;
	struct timeval started;
	long long duration_ms;
	struct dsr_vantage vantage;
	struct dsr_counts counts;
	const struct dsr_check *checks; /* in report order: service, then server */
	size_t nchecks;
};

void dsr_run_count(struct dsr_run *run);
/* 0 when nothing failed (warnings allowed), 1 otherwise: the exit status contract. */
int dsr_run_failed(const struct dsr_run *run);

#endif
