/* dsrcheck: verify a Direct Server Return deployment from the wire.
 *
 * config → plan of probes → send/capture → observations → verdicts → reports.
 * This file parses, dispatches through the table of subcommands and maps exit
 * statuses; the drivers are cmd/audit.c, analyze.c, watch.c and local.c. Only
 * this file exits. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

/* Whether the command line asked for the monitoring plugin's output, however
 * far parsing got. */
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

int main(int argc, char **argv)
{
	struct dsr_cmd_options opts = {0};
	struct dsr_cmd_error e = {0};
	const struct dsr_cmd *cmd = &dsr_cmds[DSR_CMD_AUDIT];
	struct dsr_config cfg;
	int status;

	if (dsr_config_init(&cfg) < 0) {
		fputs("dsrcheck: out of memory\n", stderr);
		return DSR_EXIT_RUN;
	}
	/* Subcommands come first. */
	if (argc > 1 && dsr_cmd_find(argv[1])) {
		cmd = dsr_cmd_find(argv[1]);
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	status = dsr_cmd_parse(argc, argv, cmd, &opts, &cfg, &e);
	if (status == DSR_CMD_GO_ON)
		status = cmd->prepare(&opts, &cfg, &e);
	if (status == DSR_CMD_GO_ON)
		status = cmd->run(&opts, &cfg, &e);
	dsr_config_free(&cfg);
	if (e.usage)
		fputs("Try 'dsrcheck --help'.\n", stderr);
	/* A monitoring plugin has no usage errors, only UNKNOWN, said on stdout. */
	if ((status == DSR_EXIT_USAGE || status == DSR_EXIT_RUN) && e.msg[0] &&
	    (dsr_cmd_nagios(&opts) || nagios_requested(argc, argv))) {
		printf("DSRCHECK UNKNOWN - %s\n", e.msg);
		status = 3;
	}
	return status;
}
