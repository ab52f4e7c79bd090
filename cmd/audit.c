/* dsrcheck (no subcommand): the active audit. Probes every server and VIP of
 * the deployment from one interface, judges, and reports. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "../platform/os.h"
#include "../src/catalogue.h"
#include "../src/engine.h"
#include "../src/verdict.h"
#include "cmd.h"

/* A balancer's VIP may change hands while the run lasts (a failover from or
 * to this host): the interface read again at the end says which of the VIP's
 * owner checks began on one side of it and ended on the other, for their
 * judges (probes/arp.c, probes/vrrp.c). */
static void vip_moves(const struct dsr_config *cfg, const struct dsr_iface *ifc,
		      const struct dsr_plan *plan, struct dsr_observations *obs)
{
	struct dsr_iface *now = malloc(sizeof(*now));
	char err[256];

	if (!plan->is_balancer || !now ||
	    dsr_platform_iface(ifc->name, cfg->services[0].vip, now, err, sizeof(err)) < 0) {
		free(now);
		return;
	}
	for (size_t i = 0; i < plan->ntasks && i < obs->nstate; i++) {
		const struct dsr_task *t = &plan->tasks[i];
		bool before;
		if (t->check_id == DSR_ID(VRRP_MASTER) && t->probe)
			before = t->vip_held;
		else if (t->check_id == DSR_ID(ARP_VIP) && t->probe)
			before = t->local_owner;
		else
			continue;
		bool after = dsr_iface_holder(now, t->target, NULL) != NULL;
		obs->state[i].vip_released = before && !after;
		obs->state[i].vip_acquired = !before && after;
	}
	free(now);
}

int dsr_cmd_audit_once(const struct dsr_cmd_options *o, const struct dsr_config *cfg,
		       const struct dsr_iface *ifc, struct dsr_plan *plan, struct dsr_source *src,
		       const struct dsr_engine_options *eo, struct dsr_cmd_progress *progress,
		       struct dsr_run *result, char *err, size_t errlen)
{
	struct dsr_observations obs = {0};
	struct dsr_engine_options run = *eo;

	*result = (struct dsr_run){.version = DSR_VERSION};
	dsr_platform_now(&result->started);
	if (progress) {
		run.progress = dsr_cmd_progress_draw;
		run.progress_arg = progress;
	}
	int rc = dsr_engine_run(plan, src, &run, &obs, err, errlen);
	/* Before any other line on standard error, the caller's error included. */
	dsr_cmd_progress_clear(progress);
	if (rc < 0) {
		dsr_observations_free(&obs);
		return -1;
	}
	result->duration_ms = dsr_cmd_elapsed_ms(&result->started);
	vip_moves(cfg, ifc, plan, &obs);
	if (!o->quiet && o->verbose)
		fprintf(stderr,
			"dsrcheck: sent %zu frames; captured %zu (%zu truncated, %zu invalid, %zu unrelated, "
			"%zu unmatched, %zu observations dropped)\n",
			obs.frames_sent, obs.frames, obs.truncated, obs.invalid, obs.unrelated,
			obs.unmatched, obs.dropped);
	size_t nchecks;
	struct dsr_check *checks = dsr_verdicts(cfg, plan, &obs, &nchecks);
	dsr_observations_free(&obs);
	if (!checks) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	dsr_cmd_vantage(ifc, plan, &result->vantage);
	result->checks = checks;
	result->nchecks = nchecks;
	return 0;
}

/* SIGINT/SIGTERM during an audit: the engine resets what it opened and stops. */
static volatile sig_atomic_t interrupted;

int dsr_cmd_audit(const struct dsr_cmd_options *o, struct dsr_config *cfg, struct dsr_cmd_error *e)
{
	char err[512], filter[DSR_FILTER_MAX];
	struct dsr_iface ifc;
	struct dsr_plan plan;
	struct dsr_source *src = NULL;
	struct dsr_dump *dump = NULL;
	struct dsr_run result;
	/* Standard error on a terminal is a person watching; otherwise a log. */
	struct dsr_cmd_progress progress = {.out = stderr};
	bool show_progress = !o->quiet && dsr_os_is_terminal(stderr, false);
	unsigned time_limit_ms;
	int status;

	if ((status = dsr_cmd_time_limit(o, cfg, &time_limit_ms, e)) != DSR_CMD_GO_ON)
		return status;
	if (dsr_publish_start(o, cfg, err, sizeof(err)) < 0)
		return dsr_cmd_fail(e, DSR_EXIT_RUN, "%s", err);
	if ((status = dsr_cmd_live_iface(cfg, &ifc, e)) != DSR_CMD_GO_ON ||
	    (status = dsr_cmd_plan(o, cfg, &ifc, &plan, e)) != DSR_CMD_GO_ON)
		goto out_publish;
	dsr_engine_filter(&plan, filter, sizeof(filter));
	if ((status = dsr_cmd_live_open(o, &ifc, filter, &src, &dump, e)) != DSR_CMD_GO_ON)
		goto out;
	if (!o->quiet && o->verbose)
		fprintf(stderr, "dsrcheck: %zu tasks from %s, capture filter: %s\n", plan.ntasks, ifc.name,
			filter);

	struct dsr_engine_options eo = {
		.timeout_ms = cfg->timeout_ms,
		.retries = cfg->retries,
		.listen_ms = cfg->listen_ms,
		.rate = cfg->rate,
		.dump = dump,
		.time_limit_ms = time_limit_ms,
		.stop = &interrupted,
	};
	dsr_os_catch_stop(&interrupted);
	if (dsr_cmd_audit_once(o, cfg, &ifc, &plan, src, &eo, show_progress ? &progress : NULL,
			       &result, err, sizeof(err)) < 0) {
		status = dsr_cmd_fail(e, DSR_EXIT_RUN, "%s", err);
		goto out;
	}
	int dump_rc = dsr_dump_close(dump, err, sizeof(err));
	dump = NULL;
	if (dump_rc < 0)
		status = dsr_cmd_fail(e, DSR_EXIT_RUN, "cannot write the evidence capture: %s", err);
	else
		status = dsr_cmd_emit_reports(o, &result, e);
	free((void *)result.checks);
out:
	if (dump)
		dsr_dump_close(dump, err, sizeof(err));
	dsr_source_close(src);
	dsr_plan_free(&plan);
out_publish:
	dsr_publish_stop();
	return status;
}
