/* The live capture of the audit and of watch: the interface, the capture and
 * the evidence file opened with privilege, then privilege given up. */
#include <errno.h>
#include <string.h>

#include "../platform/os.h"
#include "../src/parse.h"
#include "cmd.h"

int dsr_cmd_live_iface(const struct dsr_config *cfg, struct dsr_iface *ifc, struct dsr_cmd_error *e)
{
	char err[512];

	/* Without a capture library (Npcap on Windows) nothing else is worth asking. */
	if (dsr_os_capture_library(true, err, sizeof(err)) < 0 ||
	    dsr_platform_iface(cfg->interface, cfg->services[0].vip, ifc, err, sizeof(err)) < 0)
		return dsr_cmd_fail(e, DSR_EXIT_RUN, "%s", err);
	/* A trunk needs no address of its own for the VLANs it probes tagged
	 * (each has its source); the segment it is on untagged does. */
	for (size_t i = 0; i < cfg->nservices && ifc->naddrs == 0; i++) {
		unsigned vlan = dsr_service_vlan(cfg, &cfg->services[i]);
		if (vlan == 0 || vlan == ifc->vlan)
			return dsr_cmd_fail(e, DSR_EXIT_RUN, "interface '%s' has no IPv4 address", ifc->name);
	}
	return DSR_CMD_GO_ON;
}

int dsr_cmd_live_open(const struct dsr_cmd_options *o, const struct dsr_iface *ifc,
		      const char *filter, struct dsr_source **src, struct dsr_dump **dump,
		      struct dsr_cmd_error *e)
{
	char err[512];

	*src = NULL;
	if (dump)
		*dump = NULL;
	if (dsr_source_open_live(dsr_iface_device(ifc), filter, src, err, sizeof(err)) != DSR_SOURCE_OK)
		return dsr_cmd_fail(e, DSR_EXIT_RUN, "%s", err);
	/* Opened while we still may write where root writes. */
	if (dump && o->pcap_path && !(*dump = dsr_dump_open(o->pcap_path, err, sizeof(err)))) {
		dsr_cmd_fail(e, DSR_EXIT_RUN, "cannot write the evidence capture: %s", err);
		goto fail;
	}
	if (dump && *dump)
		dsr_dump_on_finish(*dump, dsr_publish_evidence);
	if (dsr_platform_drop_privileges(err, sizeof(err)) < 0) {
		dsr_cmd_fail(e, DSR_EXIT_RUN, "%s", err);
		goto fail;
	}
	return DSR_CMD_GO_ON;
fail:
	if (dump && *dump)
		dsr_dump_close(*dump, err, sizeof(err));
	dsr_source_close(*src);
	*src = NULL;
	return DSR_EXIT_RUN;
}

int dsr_cmd_plan(const struct dsr_cmd_options *o, const struct dsr_config *cfg,
		 const struct dsr_iface *ifc, struct dsr_plan *plan, struct dsr_cmd_error *e)
{
	char err[512];
	uint32_t key = o->seed_value;

	if (!o->has_seed && dsr_platform_random(&key, sizeof(key)) < 0)
		return dsr_cmd_fail(e, DSR_EXIT_RUN, "no random numbers: %s", strerror(errno));
	if (dsr_plan_build(cfg, ifc, key, plan, err, sizeof(err)) < 0)
		return dsr_cmd_fail(e, DSR_EXIT_USAGE, "%s", err);
	return DSR_CMD_GO_ON;
}

void dsr_cmd_vantage(const struct dsr_iface *ifc, const struct dsr_plan *plan, struct dsr_vantage *v)
{
	snprintf(v->ifname, sizeof(v->ifname), "%s", ifc->name);
	if (plan->me.ip.s_addr) /* a trunk without an address of its own has none to show */
		dsr_format_ipv4(plan->me.ip, v->ip);
	dsr_format_mac(ifc->mac, v->mac);
	v->on_segment = plan->on_segment;
	v->is_balancer = plan->is_balancer;
	v->holds_vip = plan->holds_vip;
	snprintf(v->vip_on, sizeof(v->vip_on), "%s", plan->vip_on);
	v->sub_vlan = plan->iface_vlan;
	v->ntagged = plan->ntagged;
	for (size_t i = 0; i < plan->ntagged && i < DSR_VANTAGE_VLANS; i++) {
		v->tagged[i].vlan = plan->tagged[i].vlan;
		dsr_format_ipv4(plan->tagged[i].ip, v->tagged[i].source);
		v->tagged[i].answers_arp = plan->tagged[i].answers_arp;
	}
}
