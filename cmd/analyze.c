/* dsrcheck analyze FILE: the passive checks on a capture taken anywhere. */
#include <stdio.h>
#include <stdlib.h>

#include "../passive/passive.h"
#include "cmd.h"

struct dsr_check *dsr_analyze_file(const char *path, const struct dsr_config *cfg, bool drop,
				   size_t *nchecks, struct dsr_analyze_counts *counts,
				   struct dsr_passive **analyser, char *err, size_t errlen)
{
	struct dsr_analyze_counts n = {0};
	struct dsr_source *src;
	struct dsr_passive *p;
	struct dsr_check *checks = NULL;
	const uint8_t *data;
	size_t caplen;
	struct timeval ts;
	int rc;

	if (dsr_source_open_any_file(path, &src, err, errlen) != DSR_SOURCE_OK)
		return NULL;
	/* The file is open: what it holds is read without privilege, as a
	 * stranger's capture may have been crafted against the parser. */
	if (drop && dsr_platform_drop_privileges(err, errlen) < 0) {
		dsr_source_close(src);
		return NULL;
	}
	if (!(p = dsr_passive_new(cfg))) {
		snprintf(err, errlen, "out of memory");
		dsr_source_close(src);
		return NULL;
	}
	while ((rc = dsr_source_next(src, &data, &caplen, &ts, err, errlen)) == 1) {
		struct dsr_frame f;
		enum dsr_decode_status st = dsr_source_decode(src, data, caplen, &f);
		n.frames++;
		if (st == DSR_FRAME_OK)
			dsr_passive_frame(p, &f, &ts, n.frames);
		else
			n.unusable += st != DSR_FRAME_UNRELATED;
	}
	dsr_source_close(src);
	if (rc != -1) {
		n.dropped = dsr_passive_dropped(p);
		if (!(checks = dsr_passive_verdicts(p, nchecks)))
			snprintf(err, errlen, "out of memory");
	}
	if (analyser && checks)
		*analyser = p;
	else
		dsr_passive_free(p);
	if (counts)
		*counts = n;
	return checks;
}

int dsr_cmd_analyze(const struct dsr_cmd_options *o, struct dsr_config *cfg, struct dsr_cmd_error *e)
{
	char err[512];
	struct dsr_run result = {.version = DSR_VERSION};
	struct dsr_analyze_counts n;
	struct dsr_passive *analyser = NULL;
	int status;

	if (dsr_publish_start(o, cfg, err, sizeof(err)) < 0)
		return dsr_cmd_fail(e, DSR_EXIT_RUN, "%s", err);
	dsr_platform_now(&result.started);
	result.checks = dsr_analyze_file(o->capture_file, cfg, true, &result.nchecks, &n, &analyser,
					 err, sizeof(err));
	if (!result.checks) {
		status = dsr_cmd_fail(e, DSR_EXIT_RUN, "%s", err);
		goto out;
	}
	if (!o->quiet && o->verbose)
		fprintf(stderr, "dsrcheck: %zu frames read, %zu truncated or malformed, %zu not tracked\n",
			n.frames, n.unusable, n.dropped);
	/* Said even without -v: frames the run read but never counted for a service. */
	unsigned long qinq = dsr_passive_qinq_frames(analyser);
	if (!o->quiet && qinq)
		fprintf(stderr, "dsrcheck: note: %lu QinQ (two-tag) frame%s in no service's VLAN, not "
			"counted for any service\n", qinq, qinq == 1 ? "" : "s");
	result.duration_ms = dsr_cmd_elapsed_ms(&result.started);
	snprintf(result.vantage.ifname, sizeof(result.vantage.ifname), "%s", o->capture_file);
	result.vantage.on_segment = true;
	/* Without a deployment, the address table is what the capture tells. */
	result.inventory = dsr_passive_inventory(analyser);
	status = dsr_cmd_emit_reports(o, &result, e);
	free((void *)result.checks);
out:
	dsr_passive_free(analyser);
	dsr_publish_stop();
	return status;
}
