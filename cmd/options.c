/* The command line: one table of options, read by getopt (its long options
 * are built from it), by the usage text (its option list is printed from it)
 * and by the check that refuses an option the subcommand does not use. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/catalogue.h"
#include "../src/parse.h"
#include "../src/settings.h"
#include "cmd.h"

#define AUDIT DSR_CMD_BIT(DSR_CMD_AUDIT)
#define ANALYZE DSR_CMD_BIT(DSR_CMD_ANALYZE)
#define WATCH DSR_CMD_BIT(DSR_CMD_WATCH)
#define LOCAL DSR_CMD_BIT(DSR_CMD_LOCAL)
#define ALL (AUDIT | ANALYZE | WATCH | LOCAL)
/* The options that say where to look and how to probe. */
#define PROBING (AUDIT | WATCH)
/* The deployment: what the audit probes and what analyze judges. */
#define DEPLOYMENT (AUDIT | ANALYZE | WATCH)
/* Where a single run's report goes (watch prints lines of its own). */
#define REPORTING (AUDIT | ANALYZE | LOCAL)

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
	OPT_VRRP_ID,
	OPT_VLAN,
	OPT_VLAN_PRIORITY,
	OPT_SOURCE,
	OPT_SEED,
	OPT_PCAP,
	OPT_NAGIOS,
	OPT_ONLY_SERVER,
	OPT_INTERVAL,
	OPT_SYSLOG,
	OPT_NO_COLOR,
	OPT_SNAPSHOT,
	OPT_SAVE_SNAPSHOT,
	OPT_LIST_CHECKS,
};

struct option_spec {
	const char *name; /* long name */
	int val;          /* the short name, or OPT_* */
	const char *arg;  /* what the usage text calls its value; NULL: takes none */
	unsigned cmds;    /* DSR_CMD_BIT()s of the subcommands that use it */
	/* Usage text; '\n' continues on the next line, "{formats}" is the list
	 * of report formats. */
	const char *help;
};

/* In the order of the usage text. */
static const struct option_spec specs[] = {
	{"config", 'c', "FILE", DEPLOYMENT, "deployment description (INI; see README)"},
	{"interface", 'i', "IFACE", PROBING,
	 "interface to probe from (default: the one routing to the first VIP)"},
	{"format", 'f', "FMT", REPORTING, "report on standard output: {formats} (default text)"},
	{"report", OPT_REPORT, "FMT:PATH", ALL, "also write a report to PATH, atomically (repeatable)"},
	{"timeout", OPT_TIMEOUT, "D", PROBING, "wait for each reply (e.g. 1000ms, 1s; default 1000ms)"},
	{"retries", OPT_RETRIES, "N", PROBING, "extra tries for an unanswered probe (default 2)"},
	{"listen", OPT_LISTEN, "D", PROBING, "watch the wire at least this long (default 3s)"},
	{"rate", OPT_RATE, "PPS", PROBING, "send at most PPS frames per second (default 500)"},
	{"time-limit", 't', "D", AUDIT | LOCAL,
	 "end the whole run within D (exit 3, UNKNOWN for --nagios)"},
	{"only-server", OPT_ONLY_SERVER, "NAME", PROBING,
	 "probe only this server, at its MAC, the way the balancer\n"
	 "forwards (a health check for keepalived or ldirectord)"},
	{"nagios", OPT_NAGIOS, NULL, REPORTING,
	 "the same as -f nagios: a monitoring plugin's status line and\n"
	 "exit status (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)"},
	{"vip", OPT_VIP, "ADDR", ALL, "without -c: the VIP of the one service"},
	{"port", OPT_PORT, "P[,P...]", ALL, "without -c: its TCP ports (repeatable)"},
	{"server", OPT_SERVER, "[NAME=]ADDR[@MAC]", DEPLOYMENT, "without -c: a real server (repeatable)"},
	{"balancer", OPT_BALANCER, "[NAME=]ADDR[@MAC]", DEPLOYMENT,
	 "without -c: a balancer's own address; an HA pair: two\n"
	 "(repeatable; named lb1, lb2... when unnamed)"},
	{"balancer-mac", OPT_BALANCER_MAC, "MAC", DEPLOYMENT,
	 "without -c: a MAC allowed to answer ARP for the VIP (repeatable)"},
	{"vrrp-id", OPT_VRRP_ID, "N", DEPLOYMENT,
	 "without -c: the balancers' VRRP group; its virtual MAC\n"
	 "00:00:5e:00:01:N may own the VIP (keepalived use_vmac)"},
	{"vlan", OPT_VLAN, "ID", DEPLOYMENT,
	 "the services' 802.1Q VLAN: probes leave tagged ID from a\n"
	 "trunk, only frames of VLAN ID count (a service's vlan wins)"},
	{"vlan-priority", OPT_VLAN_PRIORITY, "N", PROBING, "802.1p priority of tagged probes (0-7; default 0)"},
	{"source", OPT_SOURCE, "ADDR", PROBING,
	 "source address of the probes in a VLAN this host has no\n"
	 "address in (dsrcheck answers ARP for it there)"},
	{"pcap", OPT_PCAP, "PATH", AUDIT,
	 "write every frame sent and captured to PATH (pcap); reports\n"
	 "cite the frame numbers behind each failure (pcap_frames)"},
	{"seed", OPT_SEED, "N", PROBING, "fixed probe identifiers, for reproducible test captures"},
	{"interval", OPT_INTERVAL, "D", WATCH, "watch: full audit every D (default 5m, up to 24h; 0 for none)"},
	{"syslog", OPT_SYSLOG, NULL, WATCH, "watch: alerts to syslog as well"},
	{"snapshot", OPT_SNAPSHOT, "FILE", LOCAL, "local: judge a snapshot recorded elsewhere, not this host"},
	{"save-snapshot", OPT_SAVE_SNAPSHOT, "FILE", LOCAL, "local: also write what this host shows to FILE"},
	{"verbose", 'v', NULL, ALL, "text: every check, its evidence and fix; progress details"},
	{"quiet", 'q', NULL, ALL, "nothing on standard error but fatal errors"},
	{"no-color", OPT_NO_COLOR, NULL, ALL,
	 "no colour (also when NO_COLOR is set or output is not a terminal)"},
	{"list-checks", OPT_LIST_CHECKS, NULL, ALL,
	 "print the catalogue of checks (ids, reasons, remedies; -f json)"},
	{"help", 'h', NULL, ALL, "this help"},
	{"version", 'V', NULL, ALL, "version"},
};
#define NSPECS (sizeof(specs) / sizeof(specs[0]))

static const struct option_spec *spec_of(int val)
{
	for (size_t i = 0; i < NSPECS; i++)
		if (specs[i].val == val)
			return &specs[i];
	return NULL;
}

static bool is_short(int val)
{
	return val > 0 && val < 256;
}

/* getopt's tables, from specs: long options and the short-option string. */
static void getopt_tables(struct option *longs, char *shorts, size_t shorts_size)
{
	size_t n = 0;

	shorts[n++] = ':'; /* a missing value is ':', not '?' */
	for (size_t i = 0; i < NSPECS; i++) {
		longs[i] = (struct option){specs[i].name, specs[i].arg ? required_argument : no_argument,
					   NULL, specs[i].val};
		if (is_short(specs[i].val) && n + 3 < shorts_size) {
			shorts[n++] = (char)specs[i].val;
			if (specs[i].arg)
				shorts[n++] = ':';
		}
	}
	longs[NSPECS] = (struct option){NULL, 0, NULL, 0};
	shorts[n] = '\0';
}

/* Help lines start their text in this column. */
#define HELP_COLUMN 25

void dsr_cmd_usage(FILE *out)
{
	fputs("Usage: dsrcheck [-c FILE] [-i IFACE] [-f FMT] [--report FMT:PATH]... [--timeout D]\n"
	      "       [--retries N] [--listen D] [--rate PPS] [-t D] [--pcap PATH] [--nagios]\n"
	      "       [-v] [-q] [--no-color] [-h] [-V]\n"
	      "       dsrcheck --vip ADDR --port P[,P...] --server [NAME=]ADDR[@MAC]... [options]\n"
	      "       dsrcheck analyze FILE.pcap [-c FILE | --vip ... --server ...] [-f FMT]\n"
	      "       dsrcheck watch [-c FILE] [--interval D] [--syslog] [--report FMT:PATH]...\n"
	      "       dsrcheck local --vip ADDR [--vip ADDR6] [--port P]... [--snapshot FILE | --save-snapshot FILE]\n"
	      "\n"
	      "Verify a Direct Server Return load-balancer deployment with ARP, ICMP and TCP probes.\n"
	      "\n",
	      out);
	for (size_t i = 0; i < NSPECS; i++) {
		const struct option_spec *s = &specs[i];
		int col;
		if (is_short(s->val))
			col = fprintf(out, "  -%c, --%s", s->val, s->name);
		else
			col = fprintf(out, "      --%s", s->name);
		if (s->arg)
			col += fprintf(out, " %s", s->arg);
		fprintf(out, "%*s", col < HELP_COLUMN ? HELP_COLUMN - col : 2, "");
		for (const char *h = s->help; *h; h++) {
			if (strncmp(h, "{formats}", 9) == 0) {
				fputs(dsr_report_names(), out);
				h += 8;
			} else if (*h == '\n') {
				fprintf(out, "\n%*s", HELP_COLUMN, "");
			} else {
				fputc(*h, out);
			}
		}
		fputc('\n', out);
	}
	/* The ids come from the catalogue, so the list cannot miss one. */
	fputs("\nChecks: ", out);
	dsr_catalogue_write_ids(out, DSR_BY_AUDIT | DSR_BY_ANALYZE, "        ", 80);
	fputs("local:  ", out);
	dsr_catalogue_write_ids(out, DSR_BY_LOCAL, "        ", 80);
	fputs("Exit status: 0 all checks passed (warnings allowed), 1 a check failed,\n"
	      "             2 usage or configuration error, 3 the run could not be done;\n"
	      "             with -f nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n",
	      out);
}

/* An option the subcommand does not use is refused, never ignored: "analyze
 * --rate 5" would otherwise look like it did something. An option that
 * belongs to one other subcommand says which. */
static int refuse(const struct option_spec *s, const struct dsr_cmd *cmd, struct dsr_cmd_error *e)
{
	char name[32];
	const struct dsr_cmd *only = NULL;
	int users = 0;

	if (is_short(s->val))
		snprintf(name, sizeof(name), "-%c", s->val);
	else
		snprintf(name, sizeof(name), "--%s", s->name);
	for (int id = 0; id < DSR_CMD_COUNT; id++)
		if (s->cmds & DSR_CMD_BIT(id)) {
			users++;
			only = &dsr_cmds[id];
		}
	if (users == 1 && only->id != DSR_CMD_AUDIT)
		return dsr_cmd_usage_error(e, "%s is for 'dsrcheck %s'", name, only->name);
	return dsr_cmd_usage_error(e, "%s: %s does not apply (%s)", cmd->name, name, cmd->scope);
}

static int take_report(const char *arg, struct dsr_cmd_options *o, struct dsr_cmd_error *e)
{
	const char *colon = strchr(arg, ':');
	char fmt[32];

	if (!colon || colon == arg || colon[1] == '\0' || (size_t)(colon - arg) >= sizeof(fmt))
		return dsr_cmd_usage_error(e, "--report wants FMT:PATH, not '%s'", arg);
	memcpy(fmt, arg, (size_t)(colon - arg));
	fmt[colon - arg] = '\0';
	if (!dsr_report_find(fmt))
		return dsr_cmd_usage_error(e, "--report: unknown format '%s'", fmt);
	if (o->nreports == DSR_CMD_MAX_REPORTS)
		return dsr_cmd_usage_error(e, "at most %d --report options", DSR_CMD_MAX_REPORTS);
	o->reports[o->nreports].writer = dsr_report_find(fmt);
	o->reports[o->nreports++].path = colon + 1;
	return DSR_CMD_GO_ON;
}

/* One option with its value. */
static int take(int c, const char *arg, struct dsr_cmd_options *o, struct dsr_config *cfg,
		struct dsr_cmd_error *e)
{
	char err[512];
	int rc = 0;

	switch (c) {
	case 'c':
		if (o->config_path)
			return dsr_cmd_usage_error(e, "-c given twice");
		if (!*arg)
			return dsr_cmd_usage_error(e, "-c: the file name is empty");
		o->config_path = arg;
		break;
	case 'i':
		if (!*arg)
			return dsr_cmd_usage_error(e, "-i: the interface name is empty");
		o->interface = arg;
		break;
	case 'f':
		if (!dsr_report_find(arg))
			return dsr_cmd_usage_error(e, "unknown format '%s'", arg);
		o->format = arg;
		break;
	case OPT_REPORT:
		return take_report(arg, o, e);
	case OPT_TIMEOUT:
		o->timeout = arg;
		break;
	case OPT_RETRIES:
		o->retries = arg;
		break;
	case OPT_LISTEN:
		o->listen = arg;
		break;
	case OPT_RATE:
		o->rate = arg;
		break;
	case OPT_SEED:
		o->seed = arg;
		break;
	case OPT_VLAN:
		o->vlan = arg;
		break;
	case OPT_VLAN_PRIORITY:
		o->vlan_priority = arg;
		break;
	case OPT_SOURCE:
		o->source = arg;
		break;
	case OPT_PCAP:
		o->pcap_path = arg;
		break;
	case OPT_NAGIOS:
		o->format = "nagios";
		break;
	case OPT_ONLY_SERVER:
		o->only_server = arg;
		break;
	case OPT_INTERVAL:
		o->interval = arg;
		break;
	case OPT_SYSLOG:
		o->syslog = true;
		break;
	case 't':
		o->time_limit = arg;
		break;
	case OPT_VIP:
		rc = dsr_config_cli_vip(cfg, arg, err, sizeof(err));
		break;
	case OPT_PORT:
		rc = dsr_config_cli_port(cfg, arg, err, sizeof(err));
		break;
	case OPT_SERVER:
		rc = dsr_config_cli_server(cfg, arg, err, sizeof(err));
		break;
	case OPT_BALANCER:
		rc = dsr_config_cli_balancer(cfg, arg, err, sizeof(err));
		break;
	case OPT_BALANCER_MAC:
		rc = dsr_config_cli_balancer_mac(cfg, arg, err, sizeof(err));
		break;
	case OPT_VRRP_ID:
		rc = dsr_config_cli_vrrp_id(cfg, arg, err, sizeof(err));
		break;
	case 'v':
		o->verbose++;
		break;
	case 'q':
		o->quiet = true;
		break;
	case OPT_NO_COLOR:
		o->no_color = true;
		break;
	case OPT_SNAPSHOT:
	case OPT_SAVE_SNAPSHOT:
		if (!*arg)
			return dsr_cmd_usage_error(e, "%s: the file name is empty",
						   c == OPT_SNAPSHOT ? "--snapshot" : "--save-snapshot");
		*(c == OPT_SNAPSHOT ? &o->snapshot_in : &o->snapshot_out) = arg;
		break;
	case OPT_LIST_CHECKS:
		o->list_checks = true;
		break;
	case 'h':
		dsr_cmd_usage(stdout);
		return DSR_EXIT_PASS;
	case 'V':
		printf("dsrcheck %s\n", DSR_VERSION);
		if (DSR_COMMIT[0] != '\0')
			printf("commit %s\n", DSR_COMMIT);
		return DSR_EXIT_PASS;
	}
	if (rc < 0)
		return dsr_cmd_usage_error(e, "%s", err);
	if (c >= OPT_VIP && c <= OPT_VRRP_ID)
		o->cli_deployment = true;
	return DSR_CMD_GO_ON;
}

int dsr_cmd_parse(int argc, char **argv, const struct dsr_cmd *cmd, struct dsr_cmd_options *o,
		  struct dsr_config *cfg, struct dsr_cmd_error *e)
{
	struct option longs[NSPECS + 1];
	char shorts[2 * NSPECS + 2];
	int c, status;

	o->cmd = cmd;
	getopt_tables(longs, shorts, sizeof(shorts));
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct option_spec *s = spec_of(c);
		if (c == ':')
			return dsr_cmd_usage_error(e, "option '%s' needs a value", argv[optind - 1]);
		if (!s)
			return dsr_cmd_usage_error(e, "unknown option '%s'", argv[optind - 1]);
		if (!(s->cmds & DSR_CMD_BIT(cmd->id)))
			return refuse(s, cmd, e);
		if ((status = take(c, optarg, o, cfg, e)) != DSR_CMD_GO_ON)
			return status;
	}
	if (o->list_checks) {
		const char *format = o->format ? o->format : "text";
		if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
			return dsr_cmd_usage_error(e, "--list-checks writes text or json, not %s", format);
		if (dsr_catalogue_write(stdout, format) < 0 || fflush(stdout) != 0)
			return dsr_cmd_fail(e, DSR_EXIT_RUN, "cannot write the catalogue");
		return DSR_EXIT_PASS;
	}
	if (cmd->id == DSR_CMD_ANALYZE) {
		if (optind == argc)
			return dsr_cmd_usage_error(e, "analyze: which capture file?");
		o->capture_file = argv[optind++];
	}
	if (optind < argc)
		return dsr_cmd_usage_error(e, "unexpected argument '%s'", argv[optind]);
	return DSR_CMD_GO_ON;
}

int dsr_cmd_setting(struct dsr_config *cfg, const char *flag, const char *value,
		    struct dsr_cmd_error *e)
{
	char err[512];

	if (dsr_settings_apply_flag(cfg, flag, value, err, sizeof(err)) < 0)
		return dsr_cmd_usage_error(e, "%s", err);
	return DSR_CMD_GO_ON;
}

/* Command-line settings override the file's, in this order (the first bad
 * one is the one reported); ranges and messages are the table of settings'. */
static int apply_globals(struct dsr_cmd_options *o, struct dsr_config *cfg, struct dsr_cmd_error *e)
{
	const struct {
		const char *flag, *value;
	} given[] = {
		{"-i", o->interface},	    {"--timeout", o->timeout}, {"--listen", o->listen},
		{"--seed", o->seed},	    {"--retries", o->retries}, {"--rate", o->rate},
		{"--vlan", o->vlan},	    {"--vlan-priority", o->vlan_priority},
		{"--source", o->source},
	};
	int status;

	for (size_t i = 0; i < sizeof(given) / sizeof(given[0]); i++)
		if (given[i].value &&
		    (status = dsr_cmd_setting(cfg, given[i].flag, given[i].value, e)) != DSR_CMD_GO_ON)
			return status;
	o->has_seed = dsr_setting_given(cfg, DSR_SET_SEED);
	o->seed_value = cfg->seed;
	return DSR_CMD_GO_ON;
}

int dsr_cmd_load_config(struct dsr_cmd_options *o, struct dsr_config *cfg, struct dsr_cmd_error *e)
{
	char err[512];
	/* analyze reads a capture: it never needs ports. */
	enum dsr_config_use use = o->cmd->id == DSR_CMD_ANALYZE ? DSR_USE_PASSIVE : DSR_USE_AUDIT;

	if (o->config_path && o->cli_deployment)
		return dsr_cmd_usage_error(e, "give the deployment either with -c or with "
					      "--vip/--port/--server, not both");
	if (o->config_path) {
		if (dsr_config_load_for(cfg, o->config_path, use, err, sizeof(err)) < 0)
			return dsr_cmd_fail(e, DSR_EXIT_USAGE, "%s", err);
	} else if (!o->cli_deployment && o->cmd->id == DSR_CMD_ANALYZE) {
		/* A capture can be read for address conflicts without any deployment. */
	} else if (!o->cli_deployment) {
		return dsr_cmd_usage_error(e, "nothing to check: give -c FILE, or --vip, --port and "
					      "--server");
	} else if (dsr_config_validate_for(cfg, use, err, sizeof(err)) < 0) {
		return dsr_cmd_usage_error(e, "%s", err);
	}
	if (o->only_server) {
		bool known = false;
		for (size_t i = 0; i < cfg->nservers; i++)
			known = known || strcmp(cfg->servers[i].name, o->only_server) == 0;
		if (!known)
			return dsr_cmd_usage_error(e, "--only-server: no server named '%s'", o->only_server);
		snprintf(cfg->only_server, sizeof(cfg->only_server), "%s", o->only_server);
	}
	return apply_globals(o, cfg, e);
}
