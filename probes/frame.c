#include "frame.h"

#include <stdio.h>
#include <string.h>

#include "../src/parse.h"

int dsr_build_arp_probe(const struct dsr_local *me, const uint8_t dst_mac[6], struct in_addr target,
			uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	struct dsr_wire_eth eth = {.dst = dst_mac, .src = me->mac};
	struct dsr_wire_arp arp = {.sender_mac = me->mac, .target_ip = target};

	arp.sender_ip.s_addr = 0;
	return dsr_wire()->arp_request(&eth, &arp, buf, cap, err, errlen);
}

unsigned long dsr_task_replies(const struct dsr_task *t, size_t nobs)
{
	return t->nmatched > nobs ? t->nmatched : nobs;
}

bool dsr_foreign_answer(const struct dsr_task *t, const struct dsr_observation *o)
{
	if (o->via_other_hop)
		return true;
	if (!t->dst_mac_known || (t->is_vip && !t->direct))
		return false;
	return memcmp(o->mac, t->dst_mac, 6) != 0;
}

void dsr_note_foreign(struct dsr_check *out, const struct dsr_observation *o)
{
	char mac[18];

	dsr_format_mac(o->mac, mac);
	dsr_evidence_list_add(out, "foreign_macs", mac);
}

void dsr_judge_answer(const struct dsr_task *t, struct dsr_check *out,
		      const struct dsr_observation *shown, size_t nobs)
{
	char from[16], mac[18];

	if (shown) {
		dsr_format_ipv4(shown->ip, from);
		dsr_format_mac(shown->mac, mac);
		dsr_evidence_str(out, "from", from);
		dsr_evidence_str(out, "mac", mac);
		dsr_judge_rtt(out, shown);
	}
	if (dsr_task_replies(t, nobs) > 1)
		dsr_evidence_int(out, "replies", (long long)dsr_task_replies(t, nobs));
}

void dsr_judge_rtt(struct dsr_check *out, const struct dsr_observation *o)
{
	if (o->rtt_us >= 0)
		dsr_evidence_int(out, "rtt_us", o->rtt_us);
	if (o->ttl)
		dsr_evidence_int(out, "ttl", o->ttl);
}

void dsr_task_endpoint(const struct dsr_task *t, char *out, size_t outlen)
{
	char ip[16];

	dsr_format_ipv4(t->target, ip);
	if (t->port >= 0)
		snprintf(out, outlen, "%s:%d", ip, t->port);
	else
		snprintf(out, outlen, "%s", ip);
}

void dsr_judge_timeout(const struct dsr_task *t, struct dsr_check *out, const char *what)
{
	char endpoint[32], hop[16];

	dsr_task_endpoint(t, endpoint, sizeof(endpoint));
	out->status = DSR_FAIL;
	out->reason = DSR_REASON(TIMEOUT);
	dsr_evidence_int(out, "attempts", t->attempts);
	if (t->unresolved && t->direct) {
		/* Direct probes go to the server's own MAC: without it there is nothing to test. */
		dsr_format_ipv4(t->nexthop, hop);
		out->reason = DSR_REASON(NO_MAC);
		dsr_check_summary(out, "%s to %s not sent: the MAC of %s is not configured and it did not answer ARP",
			 what, endpoint, hop);
		dsr_evidence_str(out, "unresolved_next_hop", hop);
	} else if (t->unresolved) {
		dsr_format_ipv4(t->nexthop, hop);
		dsr_check_summary(out, "%s not sent to %s: next hop %s did not answer ARP", what, endpoint, hop);
		dsr_evidence_str(out, "unresolved_next_hop", hop);
	} else {
		dsr_check_summary(out, "no answer to %s from %s after %u %s",
			 what, endpoint, t->attempts, t->attempts == 1 ? "try" : "tries");
	}
}

bool dsr_direct_timeout_remedy(const struct dsr_task *t, struct dsr_check *out, const char *ip,
			       int port)
{
	char port_text[12] = "";

	if (!t->direct)
		return false;
	if (port >= 0)
		snprintf(port_text, sizeof(port_text), "%d", port);
	dsr_fix(out, out->reason == DSR_REASON(TIMEOUT) ? DSR_FIX_VIP_NOT_ACCEPTED : DSR_FIX_NO_MAC,
		dsr_task_platform(t), &(struct dsr_fix_args){.vip = ip, .port = port_text});
	return true;
}

enum dsr_platform dsr_task_platform(const struct dsr_task *t)
{
	switch (t->os_guess) {
	case DSR_OS_LINUX:
		return DSR_PLATFORM_LINUX_GUESSED;
	case DSR_OS_WINDOWS:
		return DSR_PLATFORM_WINDOWS_GUESSED;
	case DSR_OS_UNKNOWN:
		break;
	}
	return DSR_PLATFORM_UNKNOWN;
}
