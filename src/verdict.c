#include "verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* Two per server (configured and learned) at the most, and the balancer. */
#define DSR_MAX_KNOWN_MACS (2 * DSR_MAX_SERVICE_SERVERS + 1)

/* Name the configured servers behind the MACs a check saw: "refused by rs2"
 * tells an operator where to go, a MAC alone does not. */
static void name_servers(const struct dsr_config *cfg, struct dsr_check *c)
{
	for (size_t e = 0; e < c->nevidence; e++) {
		const struct dsr_evidence *ev = &c->evidence[e];
		if (strcmp(ev->key, "mac") != 0 && strcmp(ev->key, "macs") != 0)
			continue;
		char text[DSR_EVIDENCE_TEXT];
		memcpy(text, ev->text, sizeof(text));
		char *save = NULL;
		for (char *item = strtok_r(text, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
			uint8_t mac[6];
			if (dsr_parse_mac(item, mac) < 0)
				continue;
			for (size_t s = 0; s < cfg->nservers; s++)
				if (cfg->servers[s].has_mac && memcmp(cfg->servers[s].mac, mac, 6) == 0)
					dsr_evidence_list_add(c, "servers", cfg->servers[s].name);
			for (size_t v = 0; v < cfg->nservices; v++)
				for (size_t m = 0; m < cfg->services[v].nbalancer_macs; m++)
					if (memcmp(cfg->services[v].balancer_macs[m], mac, 6) == 0)
						dsr_evidence_list_add(c, "servers", "balancer");
		}
	}
}

/* Where in the evidence capture (--pcap) to look: the probes sent, then what
 * answered them, by frame number as Wireshark and tcpdump -# show them. */
static void cite_frames(const struct dsr_task *t, const struct dsr_observation *obs, size_t nobs,
			struct dsr_check *c)
{
	char n[16];

	for (size_t i = 0; i < t->nsent_frames; i++) {
		snprintf(n, sizeof(n), "%u", t->sent_frames[i]);
		dsr_evidence_list_add(c, "pcap_frames", n);
	}
	for (size_t i = 0; i < nobs && i < 8; i++)
		if (obs[i].frame) {
			snprintf(n, sizeof(n), "%u", obs[i].frame);
			dsr_evidence_list_add(c, "pcap_frames", n);
		}
}

/* TTL of a server's replies → its likely OS: 64 is Linux/BSD, 128 Windows,
 * less a hop or two; 255 and the rest (network gear) say nothing. */
static enum dsr_os_guess guess_os(const struct dsr_plan *plan, const struct dsr_observations *obs,
				  const char *server)
{
	unsigned ttl = 0;

	for (size_t k = 0; k < obs->n; k++) {
		const struct dsr_task *t = &plan->tasks[obs->items[k].task];
		if (t->server == server && obs->items[k].ttl > ttl)
			ttl = obs->items[k].ttl;
	}
	if (ttl == 0 || ttl > 128)
		return DSR_OS_UNKNOWN;
	return ttl > 64 ? DSR_OS_WINDOWS : DSR_OS_LINUX;
}

/* Who may claim a service's VIP: its balancer (configured, or else whoever owns
 * the VIP's ARP) and its real servers (configured or learned MACs). */
static size_t known_macs(const struct dsr_config *cfg, const struct dsr_plan *plan,
			 const struct dsr_task *watch, uint8_t (*out)[6], size_t cap)
{
	const struct dsr_service *svc = NULL;
	size_t n = 0;

	for (size_t i = 0; i < cfg->nservices && !svc; i++)
		if (cfg->services[i].name == watch->service)
			svc = &cfg->services[i];
	if (!svc)
		return 0;
	for (size_t i = 0; i < svc->nservers && n < cap; i++) {
		const struct dsr_server *srv = &cfg->servers[svc->servers[i]];
		if (srv->has_mac)
			memcpy(out[n++], srv->mac, 6);
		for (size_t k = 0; k < plan->ntasks && n < cap; k++) {
			const struct dsr_task *a = &plan->tasks[k];
			if (a->probe == &dsr_probe_arp && a->has_learned_mac &&
			    a->target.s_addr == srv->addr.s_addr)
				memcpy(out[n++], a->learned_mac, 6);
		}
	}
	for (size_t k = 0; k < plan->ntasks && n < cap && svc->nbalancer_macs == 0; k++) {
		const struct dsr_task *a = &plan->tasks[k];
		if (a->probe == &dsr_probe_arp && a->has_learned_mac && a->target.s_addr == svc->vip.s_addr)
			memcpy(out[n++], a->learned_mac, 6);
	}
	return n;
}

struct dsr_check *dsr_verdicts(const struct dsr_config *cfg, const struct dsr_plan *plan,
			       const struct dsr_observations *obs, size_t *nchecks)
{
	struct dsr_check *checks = calloc(plan->ntasks ? plan->ntasks : 1, sizeof(*checks));
	struct dsr_observation *mine = malloc((obs->n ? obs->n : 1) * sizeof(*mine));
	uint8_t(*known)[6] = malloc(DSR_MAX_KNOWN_MACS * sizeof(*known));
	size_t n = 0;

	if (!checks || !mine || !known) {
		free(checks);
		free(mine);
		free(known);
		return NULL;
	}
	for (size_t i = 0; i < plan->ntasks; i++) {
		const struct dsr_task *t = &plan->tasks[i];
		if (t->internal)
			continue;
		struct dsr_check *c = &checks[n++];
		c->id = t->check_id;
		c->service = t->service;
		c->server = t->server;
		dsr_format_ipv4(t->target, c->target);
		c->port = t->port;
		if (!t->probe) {
			c->status = DSR_SKIP;
			c->reason = t->skip_reason;
			dsr_check_summary(c, "%s", t->skip_summary);
			continue;
		}
		size_t nmine = 0;
		for (size_t k = 0; k < obs->n; k++)
			if (obs->items[k].task == i)
				mine[nmine++] = obs->items[k];
		struct dsr_task judged = *t;
		if (t->server)
			judged.os_guess = guess_os(plan, obs, t->server);
		if (t->claim_watch && !t->server) {
			judged.nknown = known_macs(cfg, plan, t, known, DSR_MAX_KNOWN_MACS);
			judged.known_macs = (const uint8_t(*)[6])known;
		}
		t->probe->judge(&judged, mine, nmine, c);
		name_servers(cfg, c);
		if (c->status != DSR_PASS)
			cite_frames(t, mine, nmine, c);
	}
	free(mine);
	free(known);
	*nchecks = n;
	return checks;
}
