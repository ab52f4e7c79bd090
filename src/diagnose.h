/* Findings: one diagnosis per broken thing. The judges answer one question
 * each (does rs1 accept a SYN for the VIP on port 80?); an operator wants to
 * know what is broken ("rs1: the application is not bound to the VIP on ports
 * 80 and 8080"). dsr_diagnose turns the failing and warning checks of a run
 * into findings by a table of rules (diagnose.c), pure: checks in, findings
 * out, no I/O. Every failing or warning check is explained by exactly one
 * finding; a check no rule fits becomes a finding of its own, so nothing is
 * hidden. The kinds, their names, titles and remedies are a catalogue of their
 * own (findings.c). */
#ifndef DSR_DIAGNOSE_H
#define DSR_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "catalogue.h"
#include "check.h"

/* In the order reports list them: what takes the whole service down first. */
enum dsr_finding_kind {
	DSR_FINDING_SPLIT_BRAIN,       /* two balancers own the VIP at once */
	DSR_FINDING_NO_MASTER,         /* nobody advertises the VRRP group */
	DSR_FINDING_BALANCER_NOT_OWNER,/* nobody, or not the balancer, answers for the VIP */
	DSR_FINDING_BASE_MAC,          /* a VRRP member claims the VIP with its own MAC */
	DSR_FINDING_UNKNOWN_CLAIMS_VIP,/* a host outside the deployment claims the VIP */
	DSR_FINDING_SERVER_CLAIMS_VIP, /* a real server answers or announces ARP for the VIP */
	DSR_FINDING_PER_PACKET,        /* the balancer spreads one connection over servers */
	DSR_FINDING_ADDRESS_CONFLICT,  /* a real address used by two MACs */
	DSR_FINDING_SERVER_DOWN,       /* the server does not answer on its real address */
	DSR_FINDING_VIP_DROPPED,       /* frames for the VIP at the server's MAC go unanswered */
	DSR_FINDING_VIP_NOT_ON_LOOPBACK, /* dsrcheck local: the VIP is not on the loopback */
	DSR_FINDING_WEAK_HOST,         /* dsrcheck local: weak host receive or send is off */
	DSR_FINDING_FIREWALL,          /* dsrcheck local: a firewall drops traffic to the VIP */
	DSR_FINDING_NOT_BOUND,         /* the application refuses connections to the VIP */
	DSR_FINDING_NOT_LISTENING,     /* nothing listens on the port, real address or VIP */
	DSR_FINDING_WRONG_SOURCE,      /* replies leave with another source than the VIP */
	DSR_FINDING_CONN_BROKEN,       /* connections reset or stalled after the handshake */
	DSR_FINDING_VIA_BALANCER,      /* replies come back through the balancer: not DSR */
	DSR_FINDING_UNVERIFIED_OWNER,  /* the VIP's owner could not be confirmed as the balancer */
	DSR_FINDING_CHECK,             /* a check no rule explains, as it is */
	DSR_FINDING_COUNT
};

/* A rule that infers (one symptom, several causes) says so. */
enum dsr_confidence { DSR_CONFIDENCE_CERTAIN, DSR_CONFIDENCE_LIKELY };

struct dsr_finding_def {
	const char *name;  /* "not-bound": a public contract, like check ids */
	const char *title; /* "the application is not bound to the VIP" */
	const char *detail; /* what the rule infers and how to tell, or NULL */
	enum dsr_fix fix;  /* the remedy; DSR_FIX_NONE: the explained checks' own */
	bool per_port;     /* the summary names the ports */
};

extern const struct dsr_finding_def dsr_finding_defs[DSR_FINDING_COUNT];

struct dsr_finding {
	enum dsr_finding_kind kind;
	const char *name;  /* dsr_finding_defs[kind].name; for DSR_FINDING_CHECK too */
	enum dsr_status status; /* DSR_FAIL or DSR_WARN: the worst of its checks */
	enum dsr_confidence confidence;
	const char *service; /* NULL for none */
	uint16_t vlan;       /* the VLAN of its checks (0: untagged, or none said) */
	/* The servers it concerns, in the order of the checks (pointers into
	 * them), and the ports, ascending; none for a VIP owner's finding. */
	const char **servers;
	size_t nservers;
	int *ports;
	size_t nports;
	/* The checks it explains: indices into the run's checks, ascending. */
	size_t *checks;
	size_t nchecks;
	const char *summary;  /* one line, naming the servers and ports */
	const char *remedy;   /* what to do, for the platform the checks saw */
	const char *evidence; /* what decided it: "tcp.vip.direct 80 refused, tcp.rip 80 passed" */
};

struct dsr_findings {
	struct dsr_finding *items;
	size_t n;
};

/* The findings of checks[0..n). Returns 0, or -1 when out of memory (out is
 * then empty). Free with dsr_findings_free. */
int dsr_diagnose(const struct dsr_check *checks, size_t n, struct dsr_findings *out);
void dsr_findings_free(struct dsr_findings *f);

/* Is every id and reason the rules name the catalogue's? 0, or -1 with the
 * first that is not in err (the rules are words; a test holds them to it). */
int dsr_diagnose_rules_check(char *err, size_t errlen);

/* The kinds and the checks each is made from, for README ("markdown") and
 * the man page ("man"). Returns 0, or -1 for another format or a write error. */
int dsr_findings_doc(FILE *out, const char *format);

/* "80 and 8080", "80, 443 and 8080": the ports of f as words, into out. */
void dsr_finding_ports_text(const struct dsr_finding *f, char *out, size_t cap);

#endif
