/* What the drivers share: errors, the clock, -t, and the reports. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/os.h"
#include "../src/diagnose.h"
#include "../src/parse.h"
#include "cmd.h"

/* Names and paths in messages come from the user or a file: a terminal must
 * not receive their control characters raw. */
static void escape_controls(char *msg, size_t size)
{
	char out[512];
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)msg; *p && o + 5 < sizeof(out); p++) {
		if (*p < 0x20 || *p == 0x7f)
			o += (size_t)snprintf(out + o, sizeof(out) - o, "\\x%02x", *p);
		else
			out[o++] = (char)*p;
	}
	out[o] = '\0';
	snprintf(msg, size, "%s", out);
}

static void record(struct dsr_cmd_error *e, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	escape_controls(msg, sizeof(msg));
	fprintf(stderr, "dsrcheck: %s\n", msg);
	if (!e->msg[0])
		snprintf(e->msg, sizeof(e->msg), "%s", msg);
}

int dsr_cmd_fail(struct dsr_cmd_error *e, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(e, fmt, ap);
	va_end(ap);
	return status;
}

int dsr_cmd_usage_error(struct dsr_cmd_error *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(e, fmt, ap);
	va_end(ap);
	e->usage = true;
	return DSR_EXIT_USAGE;
}

long long dsr_cmd_elapsed_ms(const struct timeval *start)
{
	struct timeval end;

	dsr_platform_now(&end);
	return (long long)(end.tv_sec - start->tv_sec) * 1000 + (end.tv_usec - start->tv_usec) / 1000;
}

bool dsr_cmd_nagios(const struct dsr_cmd_options *o)
{
	return o->format && strcmp(o->format, "nagios") == 0;
}

int dsr_cmd_time_limit(const struct dsr_cmd_options *o, struct dsr_config *cfg, unsigned *ms,
		       struct dsr_cmd_error *e)
{
	int status;

	*ms = 0;
	if (!o->time_limit)
		return DSR_CMD_GO_ON;
	if ((status = dsr_cmd_setting(cfg, "-t", o->time_limit, e)) != DSR_CMD_GO_ON)
		return status;
	*ms = cfg->time_limit_ms;
	/* The safety net behind -t: whatever hangs (a driver, a name lookup), the
	 * promise holds. */
	dsr_os_deadline(*ms / 1000 + 2, dsr_cmd_nagios(o) ? "DSRCHECK UNKNOWN - time limit exceeded\n" : NULL,
			"dsrcheck: time limit exceeded\n", DSR_EXIT_RUN);
	return DSR_CMD_GO_ON;
}

int dsr_cmd_replace_file(const char *path, int (*fill)(FILE *out, const void *arg), const void *arg,
			 char *reason, size_t reasonlen)
{
	char *tmp;
	FILE *out = dsr_os_temp_file(path, &tmp, reason, reasonlen);

	if (!out)
		return -1;
	int rc = fill(out, arg);
	if (rc != 0)
		snprintf(reason, reasonlen, "%s", strerror(errno));
	if (rc == 0 && dsr_os_sync(out, reason, reasonlen) != 0)
		rc = -1;
	if (fclose(out) != 0 && rc == 0) {
		snprintf(reason, reasonlen, "%s", strerror(errno));
		rc = -1;
	}
	if (rc == 0 && dsr_os_replace(tmp, path, reason, reasonlen) != 0)
		rc = -1;
	if (rc != 0)
		remove(tmp);
	free(tmp);
	return rc;
}

struct report_job {
	const struct dsr_report_writer *writer;
	const struct dsr_run *run;
	const struct dsr_report_options *ropts;
};

static int fill_report(FILE *out, const void *arg)
{
	const struct report_job *j = arg;

	return j->writer->write(out, j->run, j->ropts);
}

/* Once root is gone: the report is formatted here, in memory, and the helper
 * that kept root writes it where it belongs (cmd/publish.c). */
static int write_published(size_t i, const struct dsr_cmd_report_target *r, const struct dsr_run *run,
			   const struct dsr_report_options *ropts, char *reason, size_t reasonlen)
{
	struct dsr_membuf m;
	int rc;

	if (!dsr_membuf_open(&m)) {
		snprintf(reason, reasonlen, "out of memory");
		return -1;
	}
	rc = r->writer->write(m.f, run, ropts);
	if (dsr_membuf_close(&m) != 0) {
		snprintf(reason, reasonlen, "out of memory");
		return -1;
	}
	if (rc != 0)
		snprintf(reason, reasonlen, "the report could not be formatted");
	else
		rc = dsr_publish_write(i, m.buf, m.len, reason, reasonlen);
	free(m.buf);
	return rc;
}

int dsr_cmd_write_report(const struct dsr_cmd_options *o, size_t i, const struct dsr_run *run,
			 const struct dsr_report_options *ropts, struct dsr_cmd_error *e)
{
	const struct dsr_cmd_report_target *r = &o->reports[i];
	char reason[256];
	struct report_job job = {r->writer, run, ropts};
	int rc = dsr_publish_active()
			 ? write_published(i, r, run, ropts, reason, sizeof(reason))
			 : dsr_cmd_replace_file(r->path, fill_report, &job, reason, sizeof(reason));

	if (rc != 0)
		dsr_cmd_fail(e, DSR_EXIT_RUN, "cannot write %s: %s", r->path, reason);
	return rc;
}

int dsr_cmd_emit_reports(const struct dsr_cmd_options *o, struct dsr_run *result,
			 struct dsr_cmd_error *e)
{
	int status;
	struct dsr_report_options ropts = {
		.color = !o->no_color && !getenv("NO_COLOR") && dsr_os_is_terminal(stdout, true),
		.verbose = o->verbose,
	};
	const struct dsr_report_writer *w = dsr_report_find(o->format ? o->format : "text");
	struct dsr_findings findings;

	if (dsr_cmd_diagnose(result, &findings) < 0)
		return dsr_cmd_fail(e, DSR_EXIT_RUN, "out of memory");
	status = dsr_run_failed(result) ? DSR_EXIT_FAIL : DSR_EXIT_PASS;
	if (dsr_cmd_nagios(o))
		status = result->counts.fail ? 2 : result->counts.warn ? 1 : 0;
	if (w->write(stdout, result, &ropts) < 0 || fflush(stdout) != 0)
		status = dsr_cmd_fail(e, DSR_EXIT_RUN, "cannot write the report: %s", strerror(errno));
	ropts.color = false;
	for (size_t i = 0; i < o->nreports; i++)
		if (dsr_cmd_write_report(o, i, result, &ropts, e) < 0)
			status = DSR_EXIT_RUN;
	dsr_findings_free(&findings);
	result->findings = NULL;
	result->nfindings = 0;
	return status;
}

int dsr_cmd_diagnose(struct dsr_run *run, struct dsr_findings *findings)
{
	dsr_run_count(run);
	if (dsr_diagnose(run->checks, run->nchecks, findings) < 0)
		return -1;
	run->findings = findings->items;
	run->nfindings = findings->n;
	return 0;
}
