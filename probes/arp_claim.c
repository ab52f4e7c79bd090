/* arp.vip.claim and nd.vip.claim: the VIP must be claimed on the wire by the
 * balancer alone.
 * A real server whose loopback answers ARP for the VIP, announces it, or uses
 * it as the sender address of its own ARP requests (arp_announce=0, where Linux
 * picks any local address, the VIP on lo included) hijacks VIP traffic: clients and routers start sending it to
 * the server instead of the balancer.
 *
 * Per server, the task sends a unicast who-has VIP to the server's MAC (an RFC
 * 5227 probe: dsrcheck never puts the VIP in its own frames) and watches every
 * ARP frame from that MAC for the whole run. The service-level task sends
 * nothing and watches for claims from MACs that belong to nobody configured.
 *
 * nd.vip.claim is the same per server for the IPv6 VIP over Neighbor
 * Discovery: an advertisement of it (an answer, or unsolicited), duplicate
 * address detection for it (the server is putting it on a NIC), or a
 * solicitation with it as source (a server that holds it on a NIC picks it
 * for its own lookups; on lo Linux never does), from the server's MAC; and a
 * duplicate address detection solicitation for it sent to that MAC. The
 * service's IPv6 watch, likewise, sends nothing. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../src/catalogue.h"
#include "../src/ha.h"
#include "../src/parse.h"
#include "frame.h"

static int claim_build(const struct dsr_task *t, const struct dsr_task_state *s,
		       const struct dsr_local *me, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	if (t->v6)
		return dsr_build_nd_probe(me, s->dst_mac, &t->target6, buf, cap, err, errlen);
	return dsr_build_arp_probe(me, s->dst_mac, t->target, buf, cap, err, errlen);
}

/* As many claims as the engine keeps for one task. */
#define CLAIMS_KEPT 64

/* The server's MAC as far as it is known: learned from ARP, else configured. */
static const uint8_t *server_mac(const struct dsr_task *t, const struct dsr_task_state *s)
{
	if (s->dst_mac_known)
		return s->dst_mac;
	return t->has_fallback_mac ? t->fallback_mac : NULL;
}

/* A server's watch is found by the VIP and its MAC (a frame from or to it);
 * the service's by the VIP alone, as the ARP probe for the VIP is. */
static struct dsr_key claim_key(const struct dsr_task *t, const struct dsr_task_state *s)
{
	struct dsr_key k = {.kind = t->v6 ? DSR_KEY_ND : DSR_KEY_ARP,
			    .addr = t->v6 ? dsr_key_fold6(&t->target6) : t->target.s_addr};
	const uint8_t *mac;

	if (!t->server)
		return k;
	if (!(mac = server_mac(t, s)))
		return (struct dsr_key){.kind = DSR_KEY_NONE};
	k.kind = t->v6 ? DSR_KEY_ND_FROM : DSR_KEY_ARP_FROM;
	memcpy(k.mac, mac, 6);
	return k;
}

static bool from(const struct dsr_frame *f, const uint8_t mac[6])
{
	return memcmp(f->arp.sha, mac, 6) == 0 || memcmp(f->eth_src, mac, 6) == 0;
}

/* A Neighbor Discovery frame that claims the IPv6 VIP: from the server's MAC
 * (a server's watch), or from a MAC the balancer set does not hold (the
 * service's). */
static enum dsr_match nd_claim_match(const struct dsr_task *t, const struct dsr_task_state *s,
				     const struct dsr_frame *f, struct dsr_observation *obs)
{
	const uint8_t *mac = server_mac(t, s);
	bool about = memcmp(&f->nd.target, &t->target6, sizeof(t->target6)) == 0;
	bool from_vip = memcmp(&f->ip6.src, &t->target6, sizeof(t->target6)) == 0;

	if (f->l3 != DSR_L3_IPV6 || f->l4 != DSR_L4_ND)
		return DSR_MATCH_NO;
	if (t->server ? !mac || memcmp(f->eth_src, mac, 6) != 0
		      : dsr_mac_in((const uint8_t(*)[6])t->expected_macs, t->nexpected, f->eth_src))
		return DSR_MATCH_NO;
	if (f->nd.type == DSR_ND_ADVERT ? !about : !((about && f->nd.dad) || (from_vip && !f->nd.dad)))
		return DSR_MATCH_NO;
	obs->kind = f->nd.type == DSR_ND_ADVERT ? DSR_OBS_ND_ADVERT : DSR_OBS_ND_SOLICIT;
	memcpy(obs->mac, f->eth_src, 6);
	obs->nd_solicited = f->nd.solicited;
	obs->nd_override = f->nd.override;
	obs->nd_dad = f->nd.dad;
	return DSR_MATCH_WITNESS;
}

static enum dsr_match claim_match(const struct dsr_task *t, const struct dsr_task_state *s,
				  const struct dsr_local *me, const struct dsr_frame *f,
				  struct dsr_observation *obs)
{
	(void)me;
	if (t->v6)
		return nd_claim_match(t, s, f, obs);
	/* Any ARP frame with the VIP as sender protocol address claims it. */
	if (f->l3 != DSR_L3_ARP || f->arp.spa.s_addr != t->target.s_addr)
		return DSR_MATCH_NO;
	if (t->server) {
		const uint8_t *mac = server_mac(t, s);
		if (!mac || !from(f, mac))
			return DSR_MATCH_NO;
	} else {
		for (size_t i = 0; i < t->nexpected; i++)
			if (from(f, t->expected_macs[i]))
				return DSR_MATCH_NO;
	}
	obs->kind = DSR_OBS_ARP_REPLY;
	memcpy(obs->mac, f->arp.sha, 6);
	obs->ip = f->arp.spa;
	obs->arp_op = f->arp.op;
	obs->arp_tpa = f->arp.tpa;
	/* A claim is what the task looks for, but it never ends the watch. */
	return DSR_MATCH_WITNESS;
}

static bool claim_is_attempt(const struct dsr_task *t, const struct dsr_task_state *s,
			     const struct dsr_local *me, const struct dsr_frame *f)
{
	const uint8_t *mac = server_mac(t, s);
	if (!t->server || !mac || memcmp(f->eth_src, me->mac, 6) != 0 || memcmp(f->eth_dst, mac, 6) != 0)
		return false;
	if (t->v6)
		return f->l3 == DSR_L3_IPV6 && f->l4 == DSR_L4_ND && f->nd.type == DSR_ND_SOLICIT && f->nd.dad &&
		       memcmp(&f->nd.target, &t->target6, sizeof(t->target6)) == 0;
	return f->l3 == DSR_L3_ARP && f->arp.op == DSR_ARP_REQUEST && f->arp.tpa.s_addr == t->target.s_addr;
}

/* Answers ARP for the VIP, announces it, or uses it as ARP sender: which mistake it is. */
static enum dsr_claim_kind claim_kind(const struct dsr_observation *o)
{
	if (o->kind == DSR_OBS_ND_ADVERT)
		return DSR_CLAIM_REPLY;
	if (o->kind == DSR_OBS_ND_SOLICIT)
		return o->nd_dad ? DSR_CLAIM_ANNOUNCE : DSR_CLAIM_REQUEST;
	return dsr_claim_kind_of(o->arp_op, o->ip.s_addr, o->arp_tpa.s_addr);
}

/* As evidence ("kinds") names them. */
static const char *const kind_names[] = {
	[DSR_CLAIM_REPLY] = "reply",
	[DSR_CLAIM_ANNOUNCE] = "announce",
	[DSR_CLAIM_REQUEST] = "request-from-vip",
};

static void describe(const struct dsr_observation *o, char *out, size_t len)
{
	char mac[18], tpa[16], when[16];
	struct tm tm;
	time_t sec = o->ts.tv_sec;

	gmtime_r(&sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	dsr_format_mac(o->mac, mac);
	if (o->kind == DSR_OBS_ND_ADVERT || o->kind == DSR_OBS_ND_SOLICIT) {
		snprintf(out, len, "%s.%06ldZ %s %s", when, (long)o->ts.tv_usec,
			 o->kind == DSR_OBS_ND_ADVERT ? (o->nd_solicited ? "advert solicited" : "advert")
			 : o->nd_dad ? "solicit dad" : "solicit",
			 mac);
		return;
	}
	dsr_format_ipv4(o->arp_tpa, tpa);
	snprintf(out, len, "%s.%06ldZ %s %s %s", when, (long)o->ts.tv_usec,
		 o->arp_op == DSR_ARP_REPLY ? "reply" : "request", mac, tpa);
}

static void list_frames(struct dsr_check *out, const struct dsr_observation *obs, size_t nobs)
{
	char text[96];

	dsr_evidence_int(out, "claims", (long long)nobs);
	for (size_t i = 0; i < nobs && i < 4; i++) {
		describe(&obs[i], text, sizeof(text));
		dsr_evidence_list_add(out, "frames", text);
		dsr_evidence_list_add(out, "kinds", kind_names[claim_kind(&obs[i])]);
	}
}

static void claim_judge_server(const struct dsr_judge_ctx *j, const struct dsr_observation *obs,
			       size_t nobs, struct dsr_check *out)
{
	const struct dsr_task *t = j->task;
	const uint8_t *mac = server_mac(t, j->state);
	struct dsr_observation claims[CLAIMS_KEPT];
	size_t n = 0;
	char vip[DSR_IPV6_TEXT], text[18];

	dsr_task_addr_text(t, vip);
	if (!mac) {
		out->status = DSR_FAIL;
		out->reason = DSR_REASON(NO_MAC);
		dsr_check_summary(out, "the MAC of %s is not configured and it did not answer ARP: its claims on %s "
			 "cannot be told apart",
			 t->server, vip);
		dsr_fix(out, DSR_FIX_NO_MAC, DSR_PLATFORM_UNKNOWN, NULL);
		return;
	}
	/* Claims watched while the server's ARP pointed at another host (before the
	 * configured MAC answered) are that host's, not this server's. */
	for (size_t i = 0; i < nobs && n < CLAIMS_KEPT; i++)
		if (!obs[i].via_other_hop || memcmp(obs[i].mac, mac, 6) == 0)
			claims[n++] = obs[i];
	dsr_format_mac(mac, text);
	dsr_evidence_mac(out, "mac", mac);
	dsr_evidence_int(out, "probes", j->state->attempts);
	if (n == 0) {
		out->status = DSR_PASS;
		dsr_check_summary(out, "%s never claimed %s (%u unicast %s sent, none answered)", text, vip,
			 j->state->attempts, t->v6 ? "solicitation" : "who-has");
		return;
	}
	list_frames(out, claims, n);
	dsr_verdict_claimed(out, text, claim_kind(&claims[0]), vip, n, dsr_judge_platform(j));
}

/* Whether the VRRP virtual MAC answered for the VIP in this run: then the
 * members' own MACs must stay silent about it (keepalived's use_vmac). */
static bool vmac_owns(const struct dsr_judge_ctx *j)
{
	for (size_t i = 0; j->ha && i < j->nvip_owners; i++) {
		const struct dsr_ha_member *m = dsr_ha_find(j->ha, j->vip_owners[i]);
		if (m && m->how == DSR_HA_VRRP)
			return true;
	}
	return false;
}

static void claim_judge_service(const struct dsr_judge_ctx *j, const struct dsr_observation *obs,
				size_t nobs, struct dsr_check *out)
{
	const struct dsr_task *t = j->task;
	struct dsr_observation unknown[CLAIMS_KEPT];
	const struct dsr_ha_member *base = NULL;
	const struct dsr_observation *base_claim = NULL;
	bool vmac = vmac_owns(j);
	size_t n = 0;
	char vip[DSR_IPV6_TEXT], text[18];

	dsr_task_addr_text(t, vip);
	for (size_t i = 0; i < nobs && n < CLAIMS_KEPT; i++) {
		const struct dsr_ha_member *m = j->ha ? dsr_ha_find(j->ha, obs[i].mac) : NULL;
		if (vmac && m && m->balancer >= 0 && !base) {
			base = m;
			base_claim = &obs[i];
		}
		if (!dsr_mac_in(j->known_macs, j->nknown, obs[i].mac))
			unknown[n++] = obs[i];
	}
	if (n) {
		for (size_t i = 0; i < n; i++)
			dsr_evidence_mac_add(out, "macs", unknown[i].mac);
		list_frames(out, unknown, n);
		dsr_format_mac(unknown[0].mac, text);
		dsr_verdict_unknown_host(out, text, vip);
		return;
	}
	if (base) {
		dsr_format_mac(base->mac, text);
		dsr_evidence_mac_add(out, "macs", base->mac);
		list_frames(out, base_claim, 1);
		dsr_verdict_base_mac(out, vip, base->name, text);
		dsr_check_summary(out, "balancer %s claimed %s with its own MAC %s (%s) while the VRRP virtual MAC owns it",
				  base->name, vip, text, kind_names[claim_kind(base_claim)]);
		return;
	}
	out->status = DSR_PASS;
	dsr_check_summary(out, "no host other than the balancer and the configured servers claimed %s", vip);
}

static void claim_judge(const struct dsr_judge_ctx *j, const struct dsr_observation *obs,
			size_t nobs, struct dsr_check *out)
{
	if (j->task->server)
		claim_judge_server(j, obs, nobs, out);
	else
		claim_judge_service(j, obs, nobs, out);
}

const struct dsr_probe dsr_probe_arp_claim = {
	.name = "arp-claim",
	.max_attempts = 1,
	.key = claim_key,
	.build = claim_build,
	.match = claim_match,
	.is_attempt = claim_is_attempt,
	.judge = claim_judge,
};
