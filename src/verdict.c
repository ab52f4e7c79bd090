#include "verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

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

struct dsr_check *dsr_verdicts(const struct dsr_config *cfg, const struct dsr_plan *plan,
			       const struct dsr_observations *obs, size_t *nchecks)
{
	struct dsr_check *checks = calloc(plan->ntasks ? plan->ntasks : 1, sizeof(*checks));
	struct dsr_observation *mine = malloc((obs->n ? obs->n : 1) * sizeof(*mine));
	size_t n = 0;

	if (!checks || !mine) {
		free(checks);
		free(mine);
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
			snprintf(c->summary, sizeof(c->summary), "%s", t->skip_summary);
			continue;
		}
		size_t nmine = 0;
		for (size_t k = 0; k < obs->n; k++)
			if (obs->items[k].task == i)
				mine[nmine++] = obs->items[k];
		t->probe->judge(t, mine, nmine, c);
		name_servers(cfg, c);
	}
	free(mine);
	*nchecks = n;
	return checks;
}
