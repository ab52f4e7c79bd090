#include "ha.h"

#include <stdio.h>
#include <string.h>

static struct dsr_ha_member *add(struct dsr_ha_set *set, const char *name, const uint8_t mac[6],
				 enum dsr_ha_how how, int balancer)
{
	if (set->n >= DSR_HA_MAX || dsr_ha_find(set, mac))
		return NULL;
	struct dsr_ha_member *m = &set->members[set->n++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	memcpy(m->mac, mac, 6);
	m->how = how;
	m->balancer = balancer;
	return m;
}

void dsr_ha_build(const struct dsr_service *svc, dsr_ha_resolved_fn resolved, void *arg,
		  struct dsr_ha_set *out)
{
	uint8_t macs[2][6];
	char name[DSR_NAME_MAX];

	memset(out, 0, sizeof(*out));
	for (size_t b = 0; b < svc->nbalancers; b++) {
		const struct dsr_balancer *lb = &svc->balancers[b];
		if (lb->has_mac) {
			add(out, lb->name, lb->mac, DSR_HA_CONFIGURED, (int)b);
			continue;
		}
		if (resolved && resolved(lb->addr, arg, macs, 2) == 1)
			add(out, lb->name, macs[0], DSR_HA_RESOLVED, (int)b);
		else
			out->unresolved++;
	}
	for (size_t i = 0; i < svc->nbalancer_macs; i++) {
		if (svc->nbalancer_macs == 1)
			snprintf(name, sizeof(name), "balancer");
		else
			snprintf(name, sizeof(name), "balancer-mac%zu", i + 1);
		add(out, name, svc->balancer_macs[i], DSR_HA_LISTED, -1);
	}
	if (svc->vrrp_id) {
		uint8_t vmac[6];
		dsr_vrrp_mac(svc->vrrp_id, vmac);
		snprintf(name, sizeof(name), "vrrp-%u", svc->vrrp_id);
		add(out, name, vmac, DSR_HA_VRRP, -1);
	}
}

bool dsr_ha_configured(const struct dsr_service *svc)
{
	return svc->nbalancers || svc->nbalancer_macs || svc->vrrp_id;
}

const struct dsr_ha_member *dsr_ha_find(const struct dsr_ha_set *set, const uint8_t mac[6])
{
	for (size_t i = 0; i < set->n; i++)
		if (memcmp(set->members[i].mac, mac, 6) == 0)
			return &set->members[i];
	return NULL;
}

const struct dsr_ha_member *dsr_ha_balancer_at(const struct dsr_ha_set *set,
					       const struct dsr_service *svc, struct in_addr addr)
{
	for (size_t i = 0; i < set->n; i++) {
		int b = set->members[i].balancer;
		if (b >= 0 && svc->balancers[b].addr.s_addr == addr.s_addr)
			return &set->members[i];
	}
	return NULL;
}
