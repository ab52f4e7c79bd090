#include "owner_verdict.h"

#include <stdio.h>
#include <string.h>

#include "catalogue.h"
#include "parse.h"

/* Nothing heard for this many intervals (of 1 s when nothing was heard at
 * all) means no master: a master advertises every interval. */
#define NO_MASTER_INTERVALS 3
#define DEFAULT_INTERVAL_US 1000000

void dsr_ownership_evidence(struct dsr_check *c, const struct dsr_ownership *o)
{
	char text[160];
	size_t used = 0;

	if (!o->nevents)
		return;
	dsr_evidence_int(c, "events_total", (long long)o->nevents);
	for (size_t i = 0; i < dsr_ownership_kept(o); i++) {
		dsr_own_event_text(dsr_ownership_event(o, i), text, sizeof(text));
		/* A list's items are comma-separated: a comma inside one becomes ';'. */
		for (char *x = text; (x = strchr(x, ',')); x++)
			*x = ';';
		/* The list is one bounded text: the first events that fit. */
		used += strlen(text) + 2;
		if (used >= DSR_EVIDENCE_TEXT)
			break;
		dsr_evidence_list_add(c, "events", text);
	}
}

/* The first event of kind, or NULL. */
static const struct dsr_own_event *first_of(const struct dsr_ownership *o, enum dsr_own_kind kind)
{
	for (size_t i = 0; i < dsr_ownership_kept(o); i++)
		if (dsr_ownership_event(o, i)->kind == kind)
			return dsr_ownership_event(o, i);
	return NULL;
}

/* Two owners (split-brain), or one after the other and back (flip-flop): both
 * named, and the remedy of an HA pair that does not hear itself. */
static void two_owners(struct dsr_check *c, enum dsr_reason reason, const char *a, const char *b,
		       const char *vip)
{
	char both[2 * DSR_OWN_NAME + 8];

	snprintf(both, sizeof(both), "%s and %s", a, b);
	dsr_evidence_str(c, "owners", both);
	dsr_verdict_split_brain(c, vip, both);
	/* Back and forth is the same pair not hearing itself, told apart by name. */
	c->reason = dsr_reason_names[reason];
}

static void master_text(const struct dsr_ownership *o, const struct dsr_vrrp_master *m, char *out,
			size_t len)
{
	char name[DSR_NAME_MAX], ip[16];

	dsr_ownership_master_name(o, m, name, sizeof(name));
	dsr_format_ipv4(m->addr, ip);
	if (strcmp(name, ip) == 0)
		snprintf(out, len, "%s priority %u every %u.%02u s; %lu adverts", ip, m->priority,
			 m->interval_cs / 100, m->interval_cs % 100, m->adverts);
	else
		snprintf(out, len, "%s (%s) priority %u every %u.%02u s; %lu adverts", name, ip, m->priority,
			 m->interval_cs / 100, m->interval_cs % 100, m->adverts);
}

void dsr_vrrp_master_verdict(struct dsr_check *c, const struct dsr_ownership *o,
			     const struct dsr_service *svc, int64_t watched_us)
{
	const struct dsr_vrrp_router *r = dsr_ownership_router(o, svc->vrrp_id);
	char vip[16], text[DSR_EVIDENCE_TEXT], vrid[8];

	dsr_format_ipv4(svc->vip, vip);
	snprintf(vrid, sizeof(vrid), "%u", svc->vrrp_id);
	dsr_evidence_int(c, "vrrp_id", svc->vrrp_id);
	if (!r) {
		if (watched_us < NO_MASTER_INTERVALS * DEFAULT_INTERVAL_US) {
			c->status = DSR_SKIP;
			c->reason = DSR_REASON(NOT_SEEN);
			dsr_check_summary(c, "no VRRP advertisement for vrrp-id %u in %lld ms: too short to tell",
					  svc->vrrp_id, (long long)(watched_us / 1000));
			return;
		}
		c->status = DSR_FAIL;
		c->reason = DSR_REASON(NO_MASTER);
		dsr_check_summary(c, "nobody advertised vrrp-id %u in %lld ms of watching", svc->vrrp_id,
				  (long long)(watched_us / 1000));
		dsr_fix(c, DSR_FIX_NO_MASTER, DSR_PLATFORM_UNKNOWN,
			&(struct dsr_fix_args){.value = vrid, .vip = vip});
		return;
	}
	for (size_t i = 0; i < r->nmasters; i++) {
		master_text(o, &r->masters[i], text, sizeof(text));
		dsr_evidence_list_add(c, "masters", text);
	}
	dsr_evidence_int(c, "adverts", (long long)r->adverts);
	if (r->transitions)
		dsr_evidence_int(c, "transitions", r->transitions);
	dsr_ownership_evidence(c, o);
	if (r->split_brains) {
		char a[DSR_NAME_MAX], b[DSR_NAME_MAX];
		dsr_ownership_master_name(o, &r->masters[r->split_a], a, sizeof(a));
		dsr_ownership_master_name(o, &r->masters[r->split_b], b, sizeof(b));
		two_owners(c, DSR_R_SPLIT_BRAIN, a, b, vip);
		dsr_check_summary(c, "%s and %s both advertised vrrp-id %u as master at once%s", a, b,
				  svc->vrrp_id, r->split ? ", until the end" : "");
		return;
	}
	if (r->gaps) {
		c->status = DSR_FAIL;
		c->reason = DSR_REASON(NO_MASTER);
		dsr_check_summary(c, "nobody advertised vrrp-id %u for %lld ms%s", svc->vrrp_id,
				  (long long)(r->longest_gap_us / 1000),
				  r->gaps > 1 ? " (the longest of several silences)" : "");
		dsr_fix(c, DSR_FIX_NO_MASTER, DSR_PLATFORM_UNKNOWN,
			&(struct dsr_fix_args){.value = vrid, .vip = vip});
		return;
	}
	c->status = DSR_PASS;
	master_text(o, &r->masters[r->current >= 0 ? r->current : 0], text, sizeof(text));
	if (r->transitions)
		dsr_check_summary(c, "one master at a time advertised vrrp-id %u, now %s; %u change%s of master",
				  svc->vrrp_id, text, r->transitions, r->transitions == 1 ? "" : "s");
	else
		dsr_check_summary(c, "one master advertised vrrp-id %u: %s", svc->vrrp_id, text);
}

bool dsr_vip_claim_ownership_verdict(struct dsr_check *c, const struct dsr_ownership *o, const char *vip)
{
	const struct dsr_own_event *e = first_of(o, DSR_OWN_BASE_MAC);
	char mac[18], text[160];

	if (!e)
		return false;
	dsr_format_mac(e->mac, mac);
	dsr_evidence_mac_add(c, "macs", e->mac);
	dsr_verdict_base_mac(c, vip, e->to, mac);
	dsr_own_event_text(e, text, sizeof(text));
	dsr_check_summary(c, "%s", text);
	return true;
}

bool dsr_vip_ownership_verdict(struct dsr_check *c, const struct dsr_ownership *o, const char *vip,
			       bool pass_summary)
{
	const struct dsr_own_event *e;
	char text[160];

	dsr_ownership_evidence(c, o);
	if ((e = first_of(o, DSR_OWN_SPLIT_BRAIN))) {
		two_owners(c, DSR_R_SPLIT_BRAIN, e->from, e->to, vip);
		dsr_own_event_text(e, text, sizeof(text));
		dsr_check_summary(c, "%s", text);
		return true;
	}
	if ((e = first_of(o, DSR_OWN_FLIP_FLOP))) {
		two_owners(c, DSR_R_FLIP_FLOP, e->from, e->to, vip);
		dsr_own_event_text(e, text, sizeof(text));
		dsr_check_summary(c, "%s", text);
		return true;
	}
	if (pass_summary && (e = first_of(o, DSR_OWN_FAILOVER))) {
		dsr_own_event_text(e, text, sizeof(text));
		if (o->counts[DSR_OWN_FAILOVER] > 1)
			dsr_check_summary(c, "%s claimed by the balancer set only; %lu failovers, the first: %s", vip,
					  o->counts[DSR_OWN_FAILOVER], text);
		else
			dsr_check_summary(c, "%s claimed by the balancer set only; %s", vip, text);
	}
	return false;
}
