/* The subcommands of dsrcheck: one table (cmd/main.c dispatches through it),
 * one driver per file (cmd/audit.c, analyze.c, watch.c, local.c), one table of
 * options (cmd/options.c) from which getopt's long options, the usage text's
 * option list and the "does not apply" refusals all come.
 *
 * A driver never exits and never touches a global error: it returns an exit
 * status (enum dsr_exit) and, when the run went wrong, says why through the
 * struct dsr_cmd_error its caller gave it. */
#ifndef DSR_CMD_H
#define DSR_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/time.h>

#include "../capture/dump.h"
#include "../capture/source.h"
#include "../platform/platform.h"
#include "../reports/report.h"
#include "../src/config.h"
#include "../src/engine.h"
#include "../src/plan.h"

#ifndef DSR_VERSION
#define DSR_VERSION "dev"
#endif
/* The git commit built from, "" when unknown (Makefile, COMMIT). */
#ifndef DSR_COMMIT
#define DSR_COMMIT ""
#endif

/* The exit statuses, a contract (README, "Exit status"). */
enum dsr_exit {
	DSR_EXIT_PASS = 0,  /* every check passed (warnings allowed) */
	DSR_EXIT_FAIL = 1,  /* at least one check failed */
	DSR_EXIT_USAGE = 2, /* usage or configuration error */
	DSR_EXIT_RUN = 3,   /* the run could not be done */
};
/* What parsing and preparing return while there is more to do. */
#define DSR_CMD_GO_ON (-1)

/* The subcommands, as bits of an option's `cmds` mask. */
enum dsr_cmd_id {
	DSR_CMD_AUDIT,   /* no subcommand word: the active audit */
	DSR_CMD_ANALYZE, /* analyze FILE: the passive checks on a capture */
	DSR_CMD_WATCH,   /* watch: listen without end, audit every interval */
	DSR_CMD_LOCAL,   /* local: this host's own settings */
	DSR_CMD_COUNT,
};
#define DSR_CMD_BIT(id) (1u << (id))

/* The first error of a run, for the caller that must say it again (the
 * monitoring plugin's UNKNOWN line), and whether "Try --help" follows it. */
struct dsr_cmd_error {
	char msg[512];
	bool usage; /* a usage error: main adds "Try 'dsrcheck --help'." */
};

#define DSR_CMD_MAX_REPORTS 16

struct dsr_cmd_report_target {
	const struct dsr_report_writer *writer;
	const char *path;
};

/* The command line, parsed (cmd/options.c). Strings point into argv. */
struct dsr_cmd_options {
	const struct dsr_cmd *cmd;
	const char *config_path;
	const char *interface;
	const char *format;
	struct dsr_cmd_report_target reports[DSR_CMD_MAX_REPORTS];
	size_t nreports;
	const char *timeout, *retries, *listen, *rate;
	const char *vlan, *vlan_priority, *source; /* the services' VLAN unless they say otherwise */
	const char *seed;     /* as given; seed_value once dsr_cmd_load_config took it */
	bool has_seed;
	uint32_t seed_value;
	const char *pcap_path;  /* --pcap: evidence capture */
	const char *time_limit; /* -t: the whole run, as monitoring plugins promise */
	const char *only_server;
	const char *interval;     /* watch: between audits */
	bool syslog;              /* watch: alerts to syslog too */
	const char *capture_file; /* analyze FILE */
	bool cli_deployment;      /* --vip/--port/--server/... given */
	const char *snapshot_in, *snapshot_out; /* local --snapshot, --save-snapshot */
	bool list_checks; /* --list-checks: print the catalogue, nothing else */
	int verbose;
	bool quiet, no_color;
};

/* One subcommand. prepare completes the configuration (the -c file, the
 * overrides) and run does the work; both return DSR_CMD_GO_ON or an exit
 * status, with the reason in e. */
struct dsr_cmd {
	const char *name; /* the word after dsrcheck; "audit" has none */
	enum dsr_cmd_id id;
	const char *scope; /* why other options do not apply: "(%s)" after them */
	int (*prepare)(struct dsr_cmd_options *o, struct dsr_config *cfg, struct dsr_cmd_error *e);
	int (*run)(const struct dsr_cmd_options *o, struct dsr_config *cfg, struct dsr_cmd_error *e);
};

/* The table, in DSR_CMD_* order; dsr_cmd_find: by the word after dsrcheck. */
extern const struct dsr_cmd dsr_cmds[DSR_CMD_COUNT];
const struct dsr_cmd *dsr_cmd_find(const char *word);

/* The drivers. */
int dsr_cmd_audit(const struct dsr_cmd_options *o, struct dsr_config *cfg, struct dsr_cmd_error *e);
int dsr_cmd_analyze(const struct dsr_cmd_options *o, struct dsr_config *cfg, struct dsr_cmd_error *e);
int dsr_cmd_watch(const struct dsr_cmd_options *o, struct dsr_config *cfg, struct dsr_cmd_error *e);
/* watch's capture filter on ifc (what it listens to between audits), and
 * also what matches the expression also (NULL for nothing more). */
void dsr_cmd_watch_filter(const struct dsr_iface *ifc, const char *also, char *filter, size_t size);
int dsr_cmd_local(const struct dsr_cmd_options *o, struct dsr_config *cfg, struct dsr_cmd_error *e);
int dsr_cmd_local_prepare(struct dsr_cmd_options *o, struct dsr_config *cfg, struct dsr_cmd_error *e);

/* ---- cmd/options.c ---- */

/* Parses argv (the subcommand word already taken off) into o, and the
 * command-line deployment into cfg. Returns DSR_CMD_GO_ON, or an exit status:
 * DSR_EXIT_PASS after --help or --version, else a usage error in e. */
int dsr_cmd_parse(int argc, char **argv, const struct dsr_cmd *cmd, struct dsr_cmd_options *o,
		  struct dsr_config *cfg, struct dsr_cmd_error *e);
/* The usage text, its option list generated from the option table. */
void dsr_cmd_usage(FILE *out);
/* -c or the command-line deployment, then the overrides (-i, --timeout,
 * --retries, --listen, --rate, --seed, --only-server): the prepare step of the
 * audit, analyze and watch. */
int dsr_cmd_load_config(struct dsr_cmd_options *o, struct dsr_config *cfg, struct dsr_cmd_error *e);
/* One command-line setting (flag and value as given) through the table of
 * settings, src/settings.c: a bad value is a usage error in its words. */
int dsr_cmd_setting(struct dsr_config *cfg, const char *flag, const char *value,
		    struct dsr_cmd_error *e);

/* ---- cmd/run.c: what the drivers share ---- */

/* Records msg as e's error if it has none yet (the first is what a monitoring
 * plugin repeats) and prints it on stderr now, control characters escaped.
 * Returns status, so that `return dsr_cmd_fail(e, DSR_EXIT_RUN, ...)` reads. */
DSR_PRINTF(3, 4) int dsr_cmd_fail(struct dsr_cmd_error *e, int status, const char *fmt, ...);
/* The same for a usage error (exit 2, "Try --help" after it). */
DSR_PRINTF(2, 3) int dsr_cmd_usage_error(struct dsr_cmd_error *e, const char *fmt, ...);
/* Milliseconds since start, by the platform's clock. */
long long dsr_cmd_elapsed_ms(const struct timeval *start);
bool dsr_cmd_nagios(const struct dsr_cmd_options *o);
/* -t: arms the deadline behind the time limit. Returns DSR_CMD_GO_ON (and
 * the limit in *ms, 0 for none) or a usage error. */
int dsr_cmd_time_limit(const struct dsr_cmd_options *o, struct dsr_config *cfg, unsigned *ms,
		       struct dsr_cmd_error *e);
/* Counts run's checks and diagnoses them into findings (run->findings points
 * into it; dsr_findings_free when the reports are written). -1: out of memory. */
struct dsr_findings;
int dsr_cmd_diagnose(struct dsr_run *run, struct dsr_findings *findings);
/* Every format from the same results, findings first: stdout, then the
 * --report files. Returns the exit status the results call for. */
int dsr_cmd_emit_reports(const struct dsr_cmd_options *o, struct dsr_run *result,
			 struct dsr_cmd_error *e);
/* Replaces path atomically: fill writes the new contents into a temporary file
 * next to it (returning 0, or non-zero with errno set), which then takes
 * path's place. Returns 0, or -1 with the reason in reason. */
int dsr_cmd_replace_file(const char *path, int (*fill)(FILE *out, const void *arg), const void *arg,
			 char *reason, size_t reasonlen);
/* One --report file, replaced atomically (through cmd/publish.c once the
 * process has left root). Returns 0 or -1 (said through e). */
int dsr_cmd_write_report(const struct dsr_cmd_options *o, size_t i, const struct dsr_run *run,
			 const struct dsr_report_options *ropts, struct dsr_cmd_error *e);

/* ---- cmd/live.c: the live capture of the audit and of watch ---- */

/* The interface dsrcheck works from (-i, or the route to the first VIP), once
 * the capture library is known to be there. */
int dsr_cmd_live_iface(const struct dsr_config *cfg, struct dsr_iface *ifc, struct dsr_cmd_error *e);
/* Opens the capture with filter (and --pcap's evidence file when dump is not
 * NULL), starts the report publisher, then gives up privileges: everything
 * that needs root is open before the first captured byte is parsed. On
 * failure closes what it opened. */
int dsr_cmd_live_open(const struct dsr_cmd_options *o, const struct dsr_iface *ifc,
		      const char *filter, struct dsr_source **src, struct dsr_dump **dump,
		      struct dsr_cmd_error *e);
/* A plan with probe identifiers unpredictable to others, or fixed by --seed. */
int dsr_cmd_plan(const struct dsr_cmd_options *o, const struct dsr_config *cfg,
		 const struct dsr_iface *ifc, struct dsr_plan *plan, struct dsr_cmd_error *e);
/* Where the audit was taken from, as the reports say it. */
void dsr_cmd_vantage(const struct dsr_iface *ifc, const struct dsr_plan *plan, struct dsr_vantage *v);

/* ---- cmd/progress.c: the progress line of a long audit ---- */

/* Drawn on a terminal only (the audit's standard error, not with -q), once a
 * run has lasted DSR_PROGRESS_AFTER_MS, redrawn as often as the engine reports
 * (DSR_PROGRESS_EVERY_MS), and cleared before anything else is written. */
#define DSR_PROGRESS_AFTER_MS 1000
#define DSR_PROGRESS_WIDTH 79 /* columns: narrower than a terminal, or \r cannot return */
struct dsr_cmd_progress {
	FILE *out;
	size_t shown; /* columns the widest line drawn took, 0 when none is shown */
	char last[DSR_PROGRESS_WIDTH + 1]; /* the line shown: an unchanged one is not drawn again */
};
/* The line's words for p, at most DSR_PROGRESS_WIDTH characters. Pure. */
void dsr_cmd_progress_line(char *out, size_t cap, const struct dsr_engine_progress *p);
/* The engine's progress callback; arg is a struct dsr_cmd_progress. */
void dsr_cmd_progress_draw(const struct dsr_engine_progress *p, void *arg);
/* Blanks the line, if one is shown, and leaves the cursor at its start. */
void dsr_cmd_progress_clear(struct dsr_cmd_progress *pr);

/* ---- cmd/audit.c ---- */

/* One active audit on an open capture: send, capture, judge; shared by the
 * audit and every audit of watch. The checks are malloc'd into result. With
 * progress non-NULL, the run draws its progress line there and clears it
 * before returning. Returns 0, or -1 with the reason in err (the caller's own
 * buffer, so that each failed audit of watch says its own). */
int dsr_cmd_audit_once(const struct dsr_cmd_options *o, const struct dsr_config *cfg,
		       const struct dsr_iface *ifc, struct dsr_plan *plan, struct dsr_source *src,
		       const struct dsr_engine_options *eo, struct dsr_cmd_progress *progress,
		       struct dsr_run *result, char *err, size_t errlen);

/* ---- cmd/publish.c: report files once root is gone ---- */

/* When the process is about to leave root and has --report or --pcap files:
 * forks the one helper that keeps root, whose only work is to write the report
 * bytes it is handed to those paths (a temporary file, then rename), and to
 * rename --pcap's temporary file into place, where only root may create
 * files. Started before anything but cfg is allocated: the
 * helper frees its copy of cfg and so leaves nothing behind. Returns 0, or -1
 * with a message in err. */
int dsr_publish_start(const struct dsr_cmd_options *o, struct dsr_config *cfg, char *err,
		      size_t errlen);
/* Whether a helper runs (reports go through dsr_publish_write). */
bool dsr_publish_active(void);
/* Hands the report for --report number i to the helper and waits for its
 * answer. Returns 0, or -1 with the reason in err. */
int dsr_publish_write(size_t i, const char *data, size_t len, char *err, size_t errlen);
/* The --pcap file's last step (a dsr_dump_finish_fn): through the helper when
 * one runs, else directly. */
int dsr_publish_evidence(const char *tmp, const char *path, long long bytes, char *reason,
			 size_t reasonlen);
/* Ends the helper (no-op when none runs). */
void dsr_publish_stop(void);

/* ---- cmd/analyze.c ---- */

/* The passive analyser over a capture file: every frame of path through
 * passive/, then its verdicts (malloc'd, *nchecks of them). Counts what was read
 * into the optional frames/unusable/dropped. When drop is true the process
 * gives up privileges after opening the file and before reading a frame.
 * With analyser non-NULL the caller gets the analyser too (dsr_passive_free),
 * whose address inventory the reports read.
 * Returns the checks, or NULL with the reason in err. */
struct dsr_analyze_counts {
	size_t frames, unusable, dropped;
};
struct dsr_passive;
struct dsr_check *dsr_analyze_file(const char *path, const struct dsr_config *cfg, bool drop,
				   size_t *nchecks, struct dsr_analyze_counts *counts,
				   struct dsr_passive **analyser, char *err, size_t errlen);

#endif
