/* The one updating line of a long audit on a terminal (cmd.h, "progress"):
 * someone who started an audit of a hundred servers sees that it works and
 * when it will end, and a script that reads standard error sees nothing. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

/* "12 s left" or "3 min 05 s left"; "finishing" at the end. */
static void left_words(char *out, size_t cap, long long ms)
{
	long long s = (ms + 999) / 1000;

	if (ms <= 0)
		snprintf(out, cap, "finishing");
	else if (s < 60)
		snprintf(out, cap, "%lld s left", s);
	else
		snprintf(out, cap, "%lld min %02lld s left", s / 60, s % 60);
}

void dsr_cmd_progress_line(char *out, size_t cap, const struct dsr_engine_progress *p)
{
	char left[48], settled[64];

	if (!cap)
		return;
	left_words(left, sizeof(left), p->left_ms);
	if (p->servers)
		snprintf(settled, sizeof(settled), "%zu/%zu servers settled", p->servers_settled,
			 p->servers);
	else
		snprintf(settled, sizeof(settled), "%zu/%zu probes done", p->tasks_done, p->tasks);
	/* What matters most first: a line cut short loses the counts of frames. */
	snprintf(out, cap, "dsrcheck: %s, %s, %zu frames sent, %zu answered", left, settled,
		 p->frames_sent, p->answers);
	/* Wider than the terminal, the line would wrap and \r would no longer
	 * return to its start: cut it. */
	if (strlen(out) > DSR_PROGRESS_WIDTH)
		out[DSR_PROGRESS_WIDTH] = '\0';
}

void dsr_cmd_progress_draw(const struct dsr_engine_progress *p, void *arg)
{
	struct dsr_cmd_progress *pr = arg;
	char line[DSR_PROGRESS_WIDTH + 1];

	/* A short run ends before a line would help. */
	if (p->elapsed_ms < DSR_PROGRESS_AFTER_MS)
		return;
	dsr_cmd_progress_line(line, sizeof(line), p);
	if (pr->shown && strcmp(line, pr->last) == 0)
		return;
	memcpy(pr->last, line, sizeof(line));
	size_t len = strlen(line);
	/* Spaces over what is left of a longer line drawn before. */
	fprintf(pr->out, "\r%s%*s", line, pr->shown > len ? (int)(pr->shown - len) : 0, "");
	fflush(pr->out);
	if (len > pr->shown)
		pr->shown = len;
}

void dsr_cmd_progress_clear(struct dsr_cmd_progress *pr)
{
	if (!pr || !pr->shown)
		return;
	fprintf(pr->out, "\r%*s\r", (int)pr->shown, "");
	fflush(pr->out);
	pr->shown = 0;
}
