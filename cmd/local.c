/* dsrcheck local: this host's own DSR preparation (local/local.h), or a
 * snapshot of another's, through the same reports and exit statuses as the
 * audit. It reads settings and sends nothing, so it keeps its identity: the
 * firewall tools it runs want root. */
#include <stdio.h>
#include <stdlib.h>

#include "../local/local.h"
#include "../src/parse.h"
#include "cmd.h"

/* local takes --vip and --port only (cmd/options.c refuses the rest). */
int dsr_cmd_local_prepare(struct dsr_cmd_options *o, struct dsr_config *cfg, struct dsr_cmd_error *e)
{
	if (cfg->nservices == 0 || (!cfg->services[0].has_vip && !cfg->services[0].has_vip6))
		return dsr_cmd_usage_error(e, "local: which VIP? give --vip ADDR");
	if (o->snapshot_in && o->snapshot_out)
		return dsr_cmd_usage_error(e, "local: give --snapshot or --save-snapshot, not both");
	return DSR_CMD_GO_ON;
}

static struct dsr_local_snapshot *take_snapshot(const struct dsr_cmd_options *o, int *status,
						struct dsr_cmd_error *e)
{
	char err[512];
	struct dsr_local_snapshot *snap;

	if (o->snapshot_in) {
		if (!(snap = dsr_local_snapshot_load(o->snapshot_in, err, sizeof(err))))
			*status = dsr_cmd_fail(e, DSR_EXIT_USAGE, "%s", err);
		return snap;
	}
	struct dsr_local_request req = {.root = "", .run_firewall_tools = true};
	if (!(snap = dsr_local_snapshot_new(DSR_LOCAL_LINUX))) {
		*status = dsr_cmd_fail(e, DSR_EXIT_RUN, "out of memory");
		return NULL;
	}
	if (dsr_local_collect(&req, snap, err, sizeof(err)) < 0) {
		*status = dsr_cmd_fail(e, DSR_EXIT_RUN, "%s", err);
		dsr_local_snapshot_free(snap);
		return NULL;
	}
	return snap;
}

int dsr_cmd_local(const struct dsr_cmd_options *o, struct dsr_config *cfg, struct dsr_cmd_error *e)
{
	char err[512];
	const struct dsr_service *svc = &cfg->services[0];
	/* one VIP of each family: the IPv6 checks run when a VIP6 is given */
	struct dsr_local_target target = {.has_vip = svc->has_vip, .vip = svc->vip,
					  .has_vip6 = svc->has_vip6, .vip6 = svc->vip6};
	struct dsr_local_snapshot *snap;
	struct dsr_run result = {.version = DSR_VERSION};
	struct dsr_check *checks;
	unsigned time_limit_ms;
	int status;

	if ((status = dsr_cmd_time_limit(o, cfg, &time_limit_ms, e)) != DSR_CMD_GO_ON)
		return status;
	dsr_platform_now(&result.started);
	if (!(snap = take_snapshot(o, &status, e)))
		return status;
	if (o->snapshot_out && dsr_local_snapshot_save(snap, o->snapshot_out, err, sizeof(err)) < 0) {
		dsr_local_snapshot_free(snap);
		return dsr_cmd_fail(e, DSR_EXIT_RUN, "%s", err);
	}
	for (size_t i = 0; i < svc->nports && i < DSR_LOCAL_MAX_PORTS; i++)
		target.ports[target.nports++] = svc->ports[i];
	checks = dsr_local_rules(snap, &target, &result.nchecks);
	if (!checks) {
		dsr_local_snapshot_free(snap);
		return dsr_cmd_fail(e, DSR_EXIT_RUN, "out of memory");
	}
	result.duration_ms = dsr_cmd_elapsed_ms(&result.started);
	snprintf(result.vantage.ifname, sizeof(result.vantage.ifname), "%s",
		 o->snapshot_in ? o->snapshot_in : "this host");
	if (svc->has_vip)
		dsr_format_ipv4(svc->vip, result.vantage.ip);
	else
		dsr_format_ipv6(&svc->vip6, result.vantage.ip);
	result.vantage.inside_server = true;
	result.checks = checks;
	status = dsr_cmd_emit_reports(o, &result, e);
	free(checks);
	dsr_local_snapshot_free(snap);
	return status;
}
