/* dsrcheck: verify a Direct Server Return deployment from the wire.
 *
 * config → plan of probes → send/capture → observations → verdicts → reports.
 * Only this file exits; exit statuses are a contract (see usage()). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../reports/report.h"
#include "config.h"
#include "engine.h"
#include "../local/local.h"
#include "../platform/os.h"
#include "parse.h"
#include "../passive/passive.h"
#include "plan.h"
#include "../platform/platform.h"
#include "verdict.h"
#include "../passive/watch.h"

#ifndef DSR_VERSION
#define DSR_VERSION "dev"
#endif

enum {
	EXIT_PASS = 0,  /* every check passed (warnings allowed) */
	EXIT_FAIL = 1,  /* at least one check failed */
	EXIT_USAGE = 2, /* usage or configuration error */
	EXIT_RUN = 3,   /* the run could not be done */
};

#define MAX_REPORTS 16

struct report_target {
	const struct dsr_report_writer *writer;
	const char *path;
};

struct options {
	const char *config_path;
	const char *interface;
	const char *format;
	struct report_target reports[MAX_REPORTS];
	size_t nreports;
	const char *timeout, *retries, *listen, *rate, *seed;
	const char *pcap_path;  /* --pcap: evidence capture */
	const char *time_limit; /* -t: the whole run, as monitoring plugins promise */
	const char *only_server;
	const char *command;      /* NULL (the audit), "analyze", "watch", "local" */
	const char *interval;     /* watch: between audits */
	bool syslog;              /* watch: alerts to syslog too */
	const char *capture_file; /* analyze FILE */
	bool cli_deployment; /* --vip/--port/--server/... given */
	const char *snapshot_in, *snapshot_out; /* local --snapshot, --save-snapshot */
	const char *probe_option; /* the first option given that only probing uses */
	int verbose;
	bool quiet, no_color;
};

static const char *prog = "dsrcheck";

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [-c FILE] [-i IFACE] [-f FMT] [--report FMT:PATH]... [--timeout D]\n"
		"       [--retries N] [--listen D] [--rate PPS] [-t D] [--pcap PATH] [--nagios]\n"
		"       [-v] [-q] [--no-color] [-h] [-V]\n"
		"       %s --vip ADDR --port P[,P...] --server [NAME=]ADDR[@MAC]... [options]\n"
		"       %s analyze FILE.pcap [-c FILE | --vip ... --server ...] [-f FMT]\n"
		"       %s watch [-c FILE] [--interval D] [--syslog] [--report FMT:PATH]...\n"
		"       %s local --vip ADDR [--port P]... [--snapshot FILE | --save-snapshot FILE]\n"
		"\n"
		"Verify a Direct Server Return load-balancer deployment with ARP, ICMP and TCP probes.\n"
		"\n"
		"  -c, --config FILE      deployment description (INI; see README)\n"
		"  -i, --interface IFACE  interface to probe from (default: the one routing to the first VIP)\n"
		"  -f, --format FMT       report on standard output: %s (default text)\n"
		"      --report FMT:PATH  also write a report to PATH, atomically (repeatable)\n"
		"      --timeout D        wait for each reply (e.g. 1000ms, 1s; default 1000ms)\n"
		"      --retries N        extra tries for an unanswered probe (default 2)\n"
		"      --listen D         watch the wire at least this long (default 3s)\n"
		"      --rate PPS         send at most PPS frames per second (default 500)\n"
		"  -t, --time-limit D     end the whole run within D (exit 3, UNKNOWN for --nagios)\n"
		"      --only-server NAME probe only this server, at its MAC, the way the balancer\n"
		"                         forwards (a health check for keepalived or ldirectord)\n"
		"      --nagios           the same as -f nagios: a monitoring plugin's status line and\n"
		"                         exit status (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)\n"
		"      --vip ADDR         without -c: the VIP of the one service\n"
		"      --port P[,P...]    without -c: its TCP ports (repeatable)\n"
		"      --server [NAME=]ADDR[@MAC]  without -c: a real server (repeatable)\n"
		"      --balancer ADDR    without -c: the balancer's own address\n"
		"      --balancer-mac MAC without -c: a MAC allowed to answer ARP for the VIP (repeatable)\n"
		"      --pcap PATH        write every frame sent and captured to PATH (pcap); reports\n"
		"                         cite the frame numbers behind each failure (pcap_frames)\n"
		"      --seed N           fixed probe identifiers, for reproducible test captures\n"
		"      --interval D       watch: full audit every D (default 5m, up to 24h; 0 for none)\n"
		"      --syslog           watch: alerts to syslog as well\n"
		"      --snapshot FILE    local: judge a snapshot recorded elsewhere, not this host\n"
		"      --save-snapshot FILE  local: also write what this host shows to FILE\n"
		"  -v, --verbose          evidence of passing checks too; progress details\n"
		"  -q, --quiet            nothing on standard error but fatal errors\n"
		"      --no-color         no colour (also when NO_COLOR is set or output is not a terminal)\n"
		"  -h, --help             this help\n"
		"  -V, --version          version\n"
		"\n"
		"Checks: arp.rip arp.vip arp.vip.claim icmp.rip icmp.vip icmp.vip.direct\n"
		"        tcp.rip tcp.vip tcp.vip.direct dsr.return\n"
		"local:  local.vip local.arp.ignore local.arp.announce local.rp_filter local.listen\n"
		"        local.firewall local.loopback.adapter local.weakhost.receive\n"
		"        local.weakhost.send local.iis.binding local.ip.conflict\n"
		"Exit status: 0 all checks passed (warnings allowed), 1 a check failed,\n"
		"             2 usage or configuration error, 3 the run could not be done;\n"
		"             with -f nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n",
		prog, prog, prog, prog, prog, dsr_report_names());
}

/* The first fatal message of the run: a monitoring plugin must say it on
 * standard output too, in its UNKNOWN line. */
static char fatal_message[512];

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

DSR_PRINTF(1, 2) static void fatal(const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	escape_controls(msg, sizeof(msg));
	fprintf(stderr, "%s: %s\n", prog, msg);
	if (!fatal_message[0])
		snprintf(fatal_message, sizeof(fatal_message), "%s", msg);
}

DSR_PRINTF(1, 2) static int usage_error(const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fatal("%s", msg);
	fprintf(stderr, "Try '%s --help'.\n", prog);
	return EXIT_USAGE;
}

enum {
	OPT_REPORT = 256,
	OPT_TIMEOUT,
	OPT_RETRIES,
	OPT_LISTEN,
	OPT_RATE,
	OPT_VIP,
	OPT_PORT,
	OPT_SERVER,
	OPT_BALANCER,
	OPT_BALANCER_MAC,
	OPT_SEED,
	OPT_PCAP,
	OPT_NAGIOS,
	OPT_ONLY_SERVER,
	OPT_INTERVAL,
	OPT_SYSLOG,
	OPT_NO_COLOR,
	OPT_SNAPSHOT,
	OPT_SAVE_SNAPSHOT,
};

static const struct option long_options[] = {
	{"config", required_argument, NULL, 'c'},
	{"interface", required_argument, NULL, 'i'},
	{"format", required_argument, NULL, 'f'},
	{"report", required_argument, NULL, OPT_REPORT},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"retries", required_argument, NULL, OPT_RETRIES},
	{"listen", required_argument, NULL, OPT_LISTEN},
	{"rate", required_argument, NULL, OPT_RATE},
	{"vip", required_argument, NULL, OPT_VIP},
	{"port", required_argument, NULL, OPT_PORT},
	{"server", required_argument, NULL, OPT_SERVER},
	{"balancer", required_argument, NULL, OPT_BALANCER},
	{"balancer-mac", required_argument, NULL, OPT_BALANCER_MAC},
	{"seed", required_argument, NULL, OPT_SEED},
	{"pcap", required_argument, NULL, OPT_PCAP},
	{"nagios", no_argument, NULL, OPT_NAGIOS},
	{"only-server", required_argument, NULL, OPT_ONLY_SERVER},
	{"interval", required_argument, NULL, OPT_INTERVAL},
	{"syslog", no_argument, NULL, OPT_SYSLOG},
	{"time-limit", required_argument, NULL, 't'},
	{"verbose", no_argument, NULL, 'v'},
	{"quiet", no_argument, NULL, 'q'},
	{"no-color", no_argument, NULL, OPT_NO_COLOR},
	{"snapshot", required_argument, NULL, OPT_SNAPSHOT},
	{"save-snapshot", required_argument, NULL, OPT_SAVE_SNAPSHOT},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

/* The options that only mean something when probing the network: `local`
 * reads this host's settings, sends nothing, and says so when given one. */
static const char *probe_option_name(int c)
{
	switch (c) {
	case 'c':
		return "-c";
	case 'i':
		return "-i";
	case OPT_TIMEOUT:
		return "--timeout";
	case OPT_RETRIES:
		return "--retries";
	case OPT_LISTEN:
		return "--listen";
	case OPT_RATE:
		return "--rate";
	case OPT_SEED:
		return "--seed";
	case OPT_PCAP:
		return "--pcap";
	case OPT_ONLY_SERVER:
		return "--only-server";
	case OPT_INTERVAL:
		return "--interval";
	case OPT_SYSLOG:
		return "--syslog";
	case OPT_SERVER:
		return "--server";
	case OPT_BALANCER:
		return "--balancer";
	case OPT_BALANCER_MAC:
		return "--balancer-mac";
	}
	return NULL;
}

/* Parses argv into opts and the command-line deployment into cfg.
 * Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, struct options *opts, struct dsr_config *cfg)
{
	char err[512];
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:i:f:t:vqhV", long_options, NULL)) != -1) {
		int rc = 0;
		switch (c) {
		case 'c':
			if (opts->config_path)
				return usage_error("-c given twice");
			if (!*optarg)
				return usage_error("-c: the file name is empty");
			opts->config_path = optarg;
			break;
		case 'i':
			if (!*optarg)
				return usage_error("-i: the interface name is empty");
			opts->interface = optarg;
			break;
		case 'f':
			if (!dsr_report_find(optarg))
				return usage_error("unknown format '%s'", optarg);
			opts->format = optarg;
			break;
		case OPT_REPORT: {
			const char *colon = strchr(optarg, ':');
			char fmt[32];
			if (!colon || colon == optarg || colon[1] == '\0' ||
			    (size_t)(colon - optarg) >= sizeof(fmt))
				return usage_error("--report wants FMT:PATH, not '%s'", optarg);
			memcpy(fmt, optarg, (size_t)(colon - optarg));
			fmt[colon - optarg] = '\0';
			if (!dsr_report_find(fmt))
				return usage_error("--report: unknown format '%s'", fmt);
			if (opts->nreports == MAX_REPORTS)
				return usage_error("at most %d --report options", MAX_REPORTS);
			opts->reports[opts->nreports].writer = dsr_report_find(fmt);
			opts->reports[opts->nreports++].path = colon + 1;
			break;
		}
		case OPT_TIMEOUT:
			opts->timeout = optarg;
			break;
		case OPT_RETRIES:
			opts->retries = optarg;
			break;
		case OPT_LISTEN:
			opts->listen = optarg;
			break;
		case OPT_RATE:
			opts->rate = optarg;
			break;
		case OPT_SEED:
			opts->seed = optarg;
			break;
		case OPT_PCAP:
			opts->pcap_path = optarg;
			break;
		case OPT_NAGIOS:
			opts->format = "nagios";
			break;
		case OPT_ONLY_SERVER:
			opts->only_server = optarg;
			break;
		case OPT_INTERVAL:
			opts->interval = optarg;
			break;
		case OPT_SYSLOG:
			opts->syslog = true;
			break;
		case 't':
			opts->time_limit = optarg;
			break;
		case OPT_VIP:
			rc = dsr_config_cli_vip(cfg, optarg, err, sizeof(err));
			break;
		case OPT_PORT:
			rc = dsr_config_cli_port(cfg, optarg, err, sizeof(err));
			break;
		case OPT_SERVER:
			rc = dsr_config_cli_server(cfg, optarg, err, sizeof(err));
			break;
		case OPT_BALANCER:
			rc = dsr_config_cli_balancer(cfg, optarg, err, sizeof(err));
			break;
		case OPT_BALANCER_MAC:
			rc = dsr_config_cli_balancer_mac(cfg, optarg, err, sizeof(err));
			break;
		case 'v':
			opts->verbose++;
			break;
		case 'q':
			opts->quiet = true;
			break;
		case OPT_NO_COLOR:
			opts->no_color = true;
			break;
		case OPT_SNAPSHOT:
		case OPT_SAVE_SNAPSHOT:
			if (!*optarg)
				return usage_error("%s: the file name is empty",
						   c == OPT_SNAPSHOT ? "--snapshot" : "--save-snapshot");
			*(c == OPT_SNAPSHOT ? &opts->snapshot_in : &opts->snapshot_out) = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_PASS;
		case 'V':
			printf("dsrcheck %s\n", DSR_VERSION);
			return EXIT_PASS;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
		if (rc < 0)
			return usage_error("%s", err);
		if (c >= OPT_VIP && c <= OPT_BALANCER_MAC)
			opts->cli_deployment = true;
		if (!opts->probe_option)
			opts->probe_option = probe_option_name(c);
	}
	if (opts->command && strcmp(opts->command, "analyze") == 0) {
		if (optind == argc)
			return usage_error("analyze: which capture file?");
		opts->capture_file = argv[optind++];
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	return -1;
}

/* Command-line settings override the file's. */
static int apply_globals(const struct options *opts, struct dsr_config *cfg)
{
	if (opts->interface) {
		if (strlen(opts->interface) >= sizeof(cfg->interface))
			return usage_error("interface name too long: '%s'", opts->interface);
		snprintf(cfg->interface, sizeof(cfg->interface), "%s", opts->interface);
	}
	if (opts->timeout && dsr_parse_duration_ms(opts->timeout, DSR_MAX_DURATION_MS, &cfg->timeout_ms) < 0)
		return usage_error("--timeout: bad duration '%s' (more than 0 and at most 600s, e.g. "
				   "500ms or 2s)",
				   opts->timeout);
	if (opts->listen && dsr_parse_duration_ms(opts->listen, DSR_MAX_DURATION_MS, &cfg->listen_ms) < 0)
		return usage_error("--listen: bad duration '%s' (more than 0 and at most 600s, e.g. "
				   "500ms or 2s)",
				   opts->listen);
	unsigned seed;
	if (opts->seed && dsr_parse_uint(opts->seed, 0, 0xffffffffu, &seed) < 0)
		return usage_error("--seed: '%s' is not a number from 0 to 4294967295", opts->seed);
	if (opts->retries && dsr_parse_uint(opts->retries, 0, DSR_MAX_RETRIES, &cfg->retries) < 0)
		return usage_error("--retries: '%s' is not a number from 0 to 10", opts->retries);
	if (opts->rate && dsr_parse_uint(opts->rate, 1, DSR_MAX_RATE, &cfg->rate) < 0)
		return usage_error("--rate: '%s' is not a number from 1 to 100000", opts->rate);
	return -1;
}

static void progress(size_t done, size_t total, void *arg)
{
	size_t *last = arg;
	if (done == *last)
		return;
	*last = done;
	fprintf(stderr, "\r%s: %zu/%zu probes done", prog, done, total);
	if (done == total)
		fputs("\n", stderr);
}

/* Temp file in the same directory, then rename: readers never see half a report. */
static int write_report_file(const struct report_target *r, const struct dsr_run *run,
			     const struct dsr_report_options *ropts)
{
	char *tmp, reason[256];
	FILE *out = dsr_os_temp_file(r->path, &tmp, reason, sizeof(reason));

	if (!out) {
		fatal("cannot write %s: %s", r->path, reason);
		return -1;
	}
	int rc = r->writer->write(out, run, ropts);
	if (rc != 0)
		snprintf(reason, sizeof(reason), "%s", strerror(errno));
	if (rc == 0 && dsr_os_sync(out, reason, sizeof(reason)) != 0)
		rc = -1;
	if (fclose(out) != 0 && rc == 0) {
		snprintf(reason, sizeof(reason), "%s", strerror(errno));
		rc = -1;
	}
	if (rc == 0 && dsr_os_replace(tmp, r->path, reason, sizeof(reason)) != 0)
		rc = -1;
	if (rc != 0) {
		fatal("cannot write %s: %s", r->path, reason);
		remove(tmp);
	}
	free(tmp);
	return rc;
}

static int load_config(const struct options *opts, struct dsr_config *cfg)
{
	char err[512];

	if (opts->config_path && opts->cli_deployment)
		return usage_error("give the deployment either with -c or with --vip/--port/--server, "
				   "not both");
	if (opts->config_path) {
		if (dsr_config_load(cfg, opts->config_path, err, sizeof(err)) < 0) {
			fatal("%s", err);
			return EXIT_USAGE;
		}
	} else if (!opts->cli_deployment && opts->command && strcmp(opts->command, "analyze") == 0) {
		/* A capture can be read for address conflicts without any deployment. */
	} else if (!opts->cli_deployment) {
		return usage_error("nothing to check: give -c FILE, or --vip, --port and --server");
	} else if (dsr_config_validate(cfg, err, sizeof(err)) < 0) {
		return usage_error("%s", err);
	}
	if (opts->only_server) {
		bool known = false;
		for (size_t i = 0; i < cfg->nservers; i++)
			known = known || strcmp(cfg->servers[i].name, opts->only_server) == 0;
		if (!known)
			return usage_error("--only-server: no server named '%s'", opts->only_server);
		snprintf(cfg->only_server, sizeof(cfg->only_server), "%s", opts->only_server);
	}
	return apply_globals(opts, cfg);
}

static void describe_vantage(const struct dsr_iface *ifc, const struct dsr_plan *plan,
			     struct dsr_vantage *v)
{
	snprintf(v->ifname, sizeof(v->ifname), "%s", ifc->name);
	dsr_format_ipv4(plan->me.ip, v->ip);
	dsr_format_mac(ifc->mac, v->mac);
	v->on_segment = plan->on_segment;
	v->is_balancer = plan->is_balancer;
}

static bool nagios_mode(const struct options *opts)
{
	return opts->format && strcmp(opts->format, "nagios") == 0;
}

/* Every format from the same results: stdout, then the --report files.
 * Returns the exit status the results call for. */
static int emit_reports(const struct options *opts, struct dsr_run *result)
{
	int status;
	struct dsr_report_options ropts = {
		.color = !opts->no_color && !getenv("NO_COLOR") && dsr_os_is_terminal(stdout, true),
		.verbose = opts->verbose,
	};
	const struct dsr_report_writer *w = dsr_report_find(opts->format ? opts->format : "text");

	dsr_run_count(result);
	status = dsr_run_failed(result) ? EXIT_FAIL : EXIT_PASS;
	if (nagios_mode(opts))
		status = result->counts.fail ? 2 : result->counts.warn ? 1 : 0;
	if (w->write(stdout, result, &ropts) < 0 || fflush(stdout) != 0) {
		fatal("cannot write the report: %s", strerror(errno));
		status = EXIT_RUN;
	}
	ropts.color = false;
	for (size_t i = 0; i < opts->nreports; i++)
		if (write_report_file(&opts->reports[i], result, &ropts) < 0)
			status = EXIT_RUN;
	return status;
}

/* dsrcheck analyze FILE: the passive checks on a capture taken anywhere. */
static int analyze(const struct options *opts, const struct dsr_config *cfg)
{
	char err[512];
	struct dsr_source *src;
	struct dsr_run result = {.version = DSR_VERSION};
	struct dsr_passive *p = dsr_passive_new(cfg);
	const uint8_t *data;
	size_t caplen, frames = 0, unusable = 0;
	struct timeval ts;
	int rc, status = EXIT_RUN;

	if (!p) {
		fatal("out of memory");
		return EXIT_RUN;
	}
	if (dsr_source_open_any_file(opts->capture_file, &src, err, sizeof(err)) != DSR_SOURCE_OK) {
		fatal("%s", err);
		dsr_passive_free(p);
		return EXIT_RUN;
	}
	dsr_platform_now(&result.started);
	while ((rc = dsr_source_next(src, &data, &caplen, &ts, err, sizeof(err))) == 1) {
		struct dsr_frame f;
		enum dsr_decode_status st = dsr_source_decode(src, data, caplen, &f);
		frames++;
		if (st == DSR_FRAME_OK)
			dsr_passive_frame(p, &f, &ts, frames);
		else
			unusable += st != DSR_FRAME_UNRELATED;
	}
	dsr_source_close(src);
	if (rc == -1) {
		fatal("%s", err);
		dsr_passive_free(p);
		return EXIT_RUN;
	}
	if (!opts->quiet && opts->verbose)
		fprintf(stderr, "%s: %zu frames read, %zu truncated or malformed, %zu not tracked\n",
			prog, frames, unusable, dsr_passive_dropped(p));
	size_t nchecks;
	struct dsr_check *checks = dsr_passive_verdicts(p, &nchecks);
	if (checks) {
		struct timeval end;
		dsr_platform_now(&end);
		result.duration_ms = (long long)(end.tv_sec - result.started.tv_sec) * 1000 +
				     (end.tv_usec - result.started.tv_usec) / 1000;
		snprintf(result.vantage.ifname, sizeof(result.vantage.ifname), "%s",
			 opts->capture_file);
		result.vantage.on_segment = true;
		result.checks = checks;
		result.nchecks = nchecks;
		status = emit_reports(opts, &result);
		free(checks);
	} else {
		fatal("out of memory");
	}
	dsr_passive_free(p);
	return status;
}

static bool nagios_requested(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--nagios") == 0 || strcmp(argv[i], "-fnagios") == 0 ||
		    strcmp(argv[i], "--format=nagios") == 0 ||
		    ((strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--format") == 0) && i + 1 < argc &&
		     strcmp(argv[i + 1], "nagios") == 0))
			return true;
	return false;
}

/* Probe identifiers unpredictable to others, or fixed by --seed for fixtures. */
static int make_plan(const struct options *opts, const struct dsr_config *cfg,
		     const struct dsr_iface *ifc, struct dsr_plan *plan)
{
	char err[512];
	uint32_t key;

	if (opts->seed) {
		unsigned seed;
		if (dsr_parse_uint(opts->seed, 0, 0xffffffffu, &seed) < 0)
			return usage_error("--seed: '%s' is not a 32-bit number", opts->seed);
		key = seed;
	} else if (dsr_platform_random(&key, sizeof(key)) < 0) {
		fatal("no random numbers: %s", strerror(errno));
		return EXIT_RUN;
	}
	if (dsr_plan_build(cfg, ifc, key, plan, err, sizeof(err)) < 0) {
		fatal("%s", err);
		return EXIT_USAGE;
	}
	return -1;
}

/* One active audit on an open capture: send, capture, judge. The checks are
 * malloc'd into result; returns -1 on success or the exit status of a failure. */
static int audit(const struct options *opts, const struct dsr_config *cfg,
		 const struct dsr_iface *ifc, struct dsr_plan *plan, struct dsr_source *src,
		 const struct dsr_engine_options *eo, struct dsr_run *result)
{
	char err[512];
	struct dsr_observations obs = {0};
	struct timeval end;
	int status = -1;

	*result = (struct dsr_run){.version = DSR_VERSION};
	dsr_platform_now(&result->started);
	if (dsr_engine_run(plan, src, eo, &obs, err, sizeof(err)) < 0) {
		fatal("%s", err);
		dsr_observations_free(&obs);
		return EXIT_RUN;
	}
	dsr_platform_now(&end);
	result->duration_ms = (long long)(end.tv_sec - result->started.tv_sec) * 1000 +
			      (end.tv_usec - result->started.tv_usec) / 1000;
	if (!opts->quiet && opts->verbose)
		fprintf(stderr,
			"%s: sent %zu frames; captured %zu (%zu truncated, %zu invalid, %zu unrelated, "
			"%zu unmatched, %zu observations dropped)\n",
			prog, obs.frames_sent, obs.frames, obs.truncated, obs.invalid, obs.unrelated,
			obs.unmatched, obs.dropped);
	size_t nchecks;
	struct dsr_check *checks = dsr_verdicts(cfg, plan, &obs, &nchecks);
	if (!checks) {
		fatal("out of memory");
		status = EXIT_RUN;
	} else {
		describe_vantage(ifc, plan, &result->vantage);
		result->checks = checks;
		result->nchecks = nchecks;
	}
	dsr_observations_free(&obs);
	return status;
}

/* SIGINT/SIGTERM during an audit: the engine resets what it opened and stops. */
static volatile sig_atomic_t interrupted;

static void catch_interrupts(void)
{
	dsr_os_catch_stop(&interrupted);
}

static unsigned arm_time_limit(const struct options *opts, int *status)
{
	unsigned ms = 0;

	*status = -1;
	if (!opts->time_limit)
		return 0;
	if (dsr_parse_duration_ms(opts->time_limit, DSR_MAX_DURATION_MS, &ms) < 0) {
		*status = usage_error("-t: bad duration '%s' (more than 0 and at most 600s, e.g. 10s)",
				      opts->time_limit);
		return 0;
	}
	/* The safety net behind -t: whatever hangs (a driver, a name lookup), the
	 * promise holds. */
	dsr_os_deadline(ms / 1000 + 2,
			nagios_mode(opts) ? "DSRCHECK UNKNOWN - time limit exceeded\n" : NULL,
			"dsrcheck: time limit exceeded\n", EXIT_RUN);
	return ms;
}

static int run(const struct options *opts, const struct dsr_config *cfg)
{
	char err[512], filter[256];
	struct dsr_iface ifc;
	struct dsr_plan plan;
	struct dsr_source *src = NULL;
	struct dsr_dump *dump = NULL;
	struct dsr_run result;
	size_t last_progress = (size_t)-1;
	int status;
	unsigned time_limit_ms = arm_time_limit(opts, &status);

	if (status >= 0)
		return status;
	/* Without a capture library (Npcap on Windows) nothing else is worth asking. */
	if (dsr_os_capture_library(true, err, sizeof(err)) < 0 ||
	    dsr_platform_iface(cfg->interface, cfg->services[0].vip, &ifc, err, sizeof(err)) < 0) {
		fatal("%s", err);
		return EXIT_RUN;
	}
	if ((status = make_plan(opts, cfg, &ifc, &plan)) >= 0)
		return status;
	status = EXIT_RUN;
	dsr_engine_filter(&plan, filter, sizeof(filter));
	if (dsr_source_open_live(dsr_iface_device(&ifc), filter, &src, err, sizeof(err)) != DSR_SOURCE_OK) {
		fatal("%s", err);
		goto out;
	}
	/* Opened while we still may write where root writes. */
	if (opts->pcap_path && !(dump = dsr_dump_open(opts->pcap_path, err, sizeof(err)))) {
		fatal("cannot write the evidence capture: %s", err);
		goto out;
	}
	if (dsr_platform_drop_privileges(err, sizeof(err)) < 0) {
		fatal("%s", err);
		goto out;
	}
	if (!opts->quiet && opts->verbose)
		fprintf(stderr, "%s: %zu tasks from %s, capture filter: %s\n", prog, plan.ntasks,
			ifc.name, filter);

	struct dsr_engine_options eo = {
		.timeout_ms = cfg->timeout_ms,
		.retries = cfg->retries,
		.listen_ms = cfg->listen_ms,
		.rate = cfg->rate,
		.progress = !opts->quiet && dsr_os_is_terminal(stderr, false) ? progress : NULL,
		.progress_arg = &last_progress,
		.dump = dump,
		.time_limit_ms = time_limit_ms,
		.stop = &interrupted,
	};
	catch_interrupts();
	if ((status = audit(opts, cfg, &ifc, &plan, src, &eo, &result)) >= 0)
		goto out;
	status = EXIT_RUN;
	int dump_rc = dsr_dump_close(dump, err, sizeof(err));
	dump = NULL;
	if (dump_rc < 0)
		fatal("cannot write the evidence capture: %s", err);
	else
		status = emit_reports(opts, &result);
	free((void *)result.checks);
out:
	if (dump)
		dsr_dump_close(dump, err, sizeof(err));
	dsr_source_close(src);
	dsr_plan_free(&plan);
	return status;
}

struct watch_context {
	const struct options *opts;
	const struct dsr_config *cfg;
	const struct dsr_iface *ifc;
	unsigned long audits;
};

/* One audit of watch: a line on stdout, and the --report files rewritten (a
 * Prometheus textfile stays current). */
static int watch_audit(struct dsr_source *src, dsr_tap_fn tap, void *tap_arg, void *arg)
{
	struct watch_context *w = arg;
	struct dsr_plan plan;
	struct dsr_run result;
	struct dsr_report_options ropts = {.verbose = w->opts->verbose};
	int status = make_plan(w->opts, w->cfg, w->ifc, &plan);

	if (status >= 0)
		return EXIT_RUN;
	struct dsr_engine_options eo = {
		.timeout_ms = w->cfg->timeout_ms,
		.retries = w->cfg->retries,
		.listen_ms = w->cfg->listen_ms,
		.rate = w->cfg->rate,
		.tap = tap,
		.tap_arg = tap_arg,
	};
	status = audit(w->opts, w->cfg, w->ifc, &plan, src, &eo, &result);
	dsr_plan_free(&plan);
	if (status >= 0) {
		printf("audit %lu could not run: %s\n", ++w->audits, fatal_message);
		fflush(stdout);
		return EXIT_RUN;
	}
	dsr_run_count(&result);
	printf("audit %lu %s (%zu of %zu failed, %zu warnings)", ++w->audits,
	       result.counts.fail ? "FAIL" : "PASS", result.counts.fail, result.nchecks,
	       result.counts.warn);
	for (size_t i = 0; i < result.nchecks; i++) {
		const struct dsr_check *c = &result.checks[i];
		if (c->status == DSR_FAIL)
			printf("; %s %s %s%s%.0d %s", c->id, c->server ? c->server : "-", c->target,
			       c->port >= 0 ? ":" : "", c->port >= 0 ? c->port : 0, c->reason);
	}
	printf("\n");
	fflush(stdout);
	for (size_t i = 0; i < w->opts->nreports; i++)
		write_report_file(&w->opts->reports[i], &result, &ropts);
	status = result.counts.fail ? EXIT_FAIL : EXIT_PASS;
	free((void *)result.checks);
	return status;
}

/* dsrcheck watch: see passive/watch.c. */
static int watch(const struct options *opts, const struct dsr_config *cfg)
{
	char err[512], filter[256], mac[18];
	struct dsr_iface ifc;
	struct dsr_source *src;
	unsigned interval_ms = 300000;

	if (opts->interval && strcmp(opts->interval, "0") != 0 &&
	    dsr_parse_duration_ms(opts->interval, 86400000u, &interval_ms) < 0)
		return usage_error("--interval: bad duration '%s' (at most 24h, e.g. 300s, 5m or 1h; "
				   "0 for no audits)",
				   opts->interval);
	if (opts->interval && strcmp(opts->interval, "0") == 0)
		interval_ms = 0;
	if (dsr_os_capture_library(true, err, sizeof(err)) < 0 ||
	    dsr_platform_iface(cfg->interface, cfg->services[0].vip, &ifc, err, sizeof(err)) < 0) {
		fatal("%s", err);
		return EXIT_RUN;
	}
	/* ARP, ICMP, and the TCP segments that open or refuse connections: what the
	 * passive checks and the audits need, and not the bulk of the traffic. */
	dsr_format_mac(ifc.mac, mac);
	snprintf(filter, sizeof(filter),
		 "not ether src %s and (arp or icmp or (tcp and tcp[tcpflags] & (tcp-syn|tcp-rst) != 0))",
		 mac);
	if (dsr_source_open_live(dsr_iface_device(&ifc), filter, &src, err, sizeof(err)) != DSR_SOURCE_OK) {
		fatal("%s", err);
		return EXIT_RUN;
	}
	if (dsr_platform_drop_privileges(err, sizeof(err)) < 0) {
		fatal("%s", err);
		dsr_source_close(src);
		return EXIT_RUN;
	}
	if (!opts->quiet && opts->verbose)
		fprintf(stderr, "%s: watching %s, capture filter: %s\n", prog, ifc.name, filter);
	struct watch_context ctx = {.opts = opts, .cfg = cfg, .ifc = &ifc};
	struct dsr_watch_options wo = {
		.interval_ms = interval_ms,
		.syslog = opts->syslog,
		.out = stdout,
		.audit = watch_audit,
		.audit_arg = &ctx,
	};
	int rc = dsr_watch(cfg, src, &wo, err, sizeof(err));
	dsr_source_close(src);
	if (rc < 0) {
		fatal("%s", err);
		return EXIT_RUN;
	}
	return EXIT_PASS;
}

static bool is_local(const struct options *opts)
{
	return opts->command && strcmp(opts->command, "local") == 0;
}

/* dsrcheck local takes --vip and --port, and nothing that only probing uses. */
static int check_local_args(const struct options *opts, const struct dsr_config *cfg)
{
	if (opts->probe_option)
		return usage_error("local: %s does not apply (local reads this host's settings and "
				   "sends nothing)",
				   opts->probe_option);
	if (cfg->nservices == 0 || !cfg->services[0].has_vip)
		return usage_error("local: which VIP? give --vip ADDR");
	if (opts->snapshot_in && opts->snapshot_out)
		return usage_error("local: give --snapshot or --save-snapshot, not both");
	return -1;
}

/* dsrcheck local: this host's own DSR preparation (local/local.h), or a snapshot
 * of another's, through the same reports and exit statuses as the audit. */
static int run_local(const struct options *opts, const struct dsr_config *cfg)
{
	char err[512];
	const struct dsr_service *svc = &cfg->services[0];
	struct dsr_local_target target = {.vip = svc->vip};
	struct dsr_local_snapshot *snap;
	struct dsr_run result = {.version = DSR_VERSION};
	struct dsr_check *checks;
	struct timeval end;
	int status;

	arm_time_limit(opts, &status);
	if (status >= 0)
		return status;
	dsr_platform_now(&result.started);
	if (opts->snapshot_in) {
		snap = dsr_local_snapshot_load(opts->snapshot_in, err, sizeof(err));
		if (!snap) {
			fatal("%s", err);
			return EXIT_USAGE;
		}
	} else {
		struct dsr_local_request req = {.root = "", .run_firewall_tools = true};
		snap = dsr_local_snapshot_new(DSR_LOCAL_LINUX);
		if (!snap) {
			fatal("out of memory");
			return EXIT_RUN;
		}
		if (dsr_local_collect(&req, snap, err, sizeof(err)) < 0) {
			fatal("%s", err);
			dsr_local_snapshot_free(snap);
			return EXIT_RUN;
		}
	}
	if (opts->snapshot_out && dsr_local_snapshot_save(snap, opts->snapshot_out, err, sizeof(err)) < 0) {
		fatal("%s", err);
		dsr_local_snapshot_free(snap);
		return EXIT_RUN;
	}
	for (size_t i = 0; i < svc->nports && i < DSR_LOCAL_MAX_PORTS; i++)
		target.ports[target.nports++] = svc->ports[i];
	checks = dsr_local_rules(snap, &target, &result.nchecks);
	if (!checks) {
		fatal("out of memory");
		dsr_local_snapshot_free(snap);
		return EXIT_RUN;
	}
	dsr_platform_now(&end);
	result.duration_ms = (long long)(end.tv_sec - result.started.tv_sec) * 1000 +
			     (end.tv_usec - result.started.tv_usec) / 1000;
	snprintf(result.vantage.ifname, sizeof(result.vantage.ifname), "%s",
		 opts->snapshot_in ? opts->snapshot_in : "this host");
	dsr_format_ipv4(svc->vip, result.vantage.ip);
	result.vantage.inside_server = true;
	result.checks = checks;
	status = emit_reports(opts, &result);
	free(checks);
	dsr_local_snapshot_free(snap);
	return status;
}

int main(int argc, char **argv)
{
	struct options opts = {0};
	struct dsr_config cfg;
	int status;

	if (dsr_config_init(&cfg) < 0) {
		fatal("out of memory");
		return EXIT_RUN;
	}
	/* Subcommands come first and take the same options. */
	if (argc > 1 && (strcmp(argv[1], "analyze") == 0 || strcmp(argv[1], "watch") == 0 ||
			 strcmp(argv[1], "local") == 0)) {
		opts.command = argv[1];
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	status = parse_args(argc, argv, &opts, &cfg);
	if (status < 0 && !is_local(&opts) && (opts.snapshot_in || opts.snapshot_out))
		status = usage_error("%s is for 'dsrcheck local'",
				     opts.snapshot_in ? "--snapshot" : "--save-snapshot");
	if (status < 0)
		status = is_local(&opts) ? check_local_args(&opts, &cfg) : load_config(&opts, &cfg);
	if (status < 0)
		status = !opts.command			     ? run(&opts, &cfg)
			 : strcmp(opts.command, "watch") == 0 ? watch(&opts, &cfg)
			 : strcmp(opts.command, "local") == 0 ? run_local(&opts, &cfg)
							      : analyze(&opts, &cfg);
	dsr_config_free(&cfg);
	/* A monitoring plugin has no usage errors, only UNKNOWN, said on stdout. */
	if ((status == EXIT_USAGE || status == EXIT_RUN) && fatal_message[0] &&
	    (nagios_mode(&opts) || nagios_requested(argc, argv))) {
		printf("DSRCHECK UNKNOWN - %s\n", fatal_message);
		status = 3;
	}
	return status;
}
