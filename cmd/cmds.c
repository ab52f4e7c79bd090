/* The table of subcommands: each one's name, what it is for (said when an
 * option does not apply to it), and its two steps. Which options each accepts
 * is in cmd/options.c, beside the options. */
#include <string.h>

#include "cmd.h"

const struct dsr_cmd dsr_cmds[DSR_CMD_COUNT] = {
	[DSR_CMD_AUDIT] = {"audit", DSR_CMD_AUDIT, "the audit probes the network",
			   dsr_cmd_load_config, dsr_cmd_audit},
	[DSR_CMD_ANALYZE] = {"analyze", DSR_CMD_ANALYZE, "analyze reads a capture file and sends nothing",
			     dsr_cmd_load_config, dsr_cmd_analyze},
	[DSR_CMD_WATCH] = {"watch", DSR_CMD_WATCH,
			   "watch runs until stopped and says each event in a line of its own",
			   dsr_cmd_load_config, dsr_cmd_watch},
	[DSR_CMD_LOCAL] = {"local", DSR_CMD_LOCAL,
			   "local reads this host's settings and sends nothing",
			   dsr_cmd_local_prepare, dsr_cmd_local},
};

const struct dsr_cmd *dsr_cmd_find(const char *word)
{
	/* The audit has no word of its own. */
	for (int id = DSR_CMD_AUDIT + 1; id < DSR_CMD_COUNT; id++)
		if (strcmp(dsr_cmds[id].name, word) == 0)
			return &dsr_cmds[id];
	return NULL;
}
