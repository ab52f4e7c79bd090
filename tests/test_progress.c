/* The progress line of a long audit (cmd/progress.c): its words, its width,
 * that nothing is drawn in a run's first second, and that clearing leaves
 * nothing behind. Whether it is drawn at all (a terminal, not -q) is
 * tests/cli.sh's; what the engine reports, test_probes'. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cmd/cmd.h"
#include "../platform/os.h"

static void words(void **state)
{
	char out[128];
	(void)state;

	struct dsr_engine_progress p = {.frames_sent = 412, .answers = 380, .tasks_done = 300,
					.tasks = 420, .servers_settled = 12, .servers = 40,
					.elapsed_ms = 2500, .left_ms = 3200};
	dsr_cmd_progress_line(out, sizeof(out), &p);
	assert_string_equal(out, "dsrcheck: 4 s left, 12/40 servers settled, 412 frames sent, "
				 "380 answered");

	/* A plan without servers (only VIPs): its probes. */
	p.servers = p.servers_settled = 0;
	p.left_ms = 125000;
	dsr_cmd_progress_line(out, sizeof(out), &p);
	assert_string_equal(out, "dsrcheck: 2 min 05 s left, 300/420 probes done, 412 frames sent, "
				 "380 answered");

	p.left_ms = 0;
	dsr_cmd_progress_line(out, sizeof(out), &p);
	assert_non_null(strstr(out, "dsrcheck: finishing, "));
	p.left_ms = 1;
	dsr_cmd_progress_line(out, sizeof(out), &p);
	assert_non_null(strstr(out, "dsrcheck: 1 s left, "));
}

/* Never wider than DSR_PROGRESS_WIDTH, whatever the numbers, and never
 * beyond the buffer it is given. */
static void width(void **state)
{
	char out[256], small[8];
	(void)state;

	struct dsr_engine_progress p = {.frames_sent = (size_t)-1, .answers = (size_t)-1,
					.servers_settled = (size_t)-1, .servers = (size_t)-1,
					.left_ms = 1000LL * 3600 * 24 * 365};
	dsr_cmd_progress_line(out, sizeof(out), &p);
	assert_int_equal(strlen(out), DSR_PROGRESS_WIDTH);
	dsr_cmd_progress_line(small, sizeof(small), &p);
	assert_string_equal(small, "dsrchec");
}

/* What the engine's callback writes: nothing in the first second; then "\r"
 * and the line, a shorter line padded over a longer one; cleared with spaces
 * over the widest, the cursor back at the start; a second clear writes
 * nothing. */
static void draw_and_clear(void **state)
{
	struct dsr_membuf m;
	struct dsr_engine_progress p = {.frames_sent = 10, .answers = 1000, .servers = 3,
					.elapsed_ms = 999, .left_ms = 5000};
	char line[128], want[512];
	(void)state;

	assert_non_null(dsr_membuf_open(&m));
	struct dsr_cmd_progress pr = {.out = m.f};
	dsr_cmd_progress_draw(&p, &pr);
	assert_int_equal(pr.shown, 0);

	p.elapsed_ms = 1000;
	dsr_cmd_progress_draw(&p, &pr);
	dsr_cmd_progress_line(line, sizeof(line), &p);
	size_t wide = strlen(line);
	assert_int_equal(pr.shown, wide);

	/* The same line again is not drawn again. */
	p.elapsed_ms = 1100;
	dsr_cmd_progress_draw(&p, &pr);
	p.answers = 9; /* three characters fewer */
	dsr_cmd_progress_draw(&p, &pr);
	dsr_cmd_progress_clear(&pr);
	assert_int_equal(pr.shown, 0);
	dsr_cmd_progress_clear(&pr);
	assert_int_equal(dsr_membuf_close(&m), 0);

	char shorter[128];
	dsr_cmd_progress_line(shorter, sizeof(shorter), &p);
	assert_int_equal(strlen(shorter), wide - 3);
	snprintf(want, sizeof(want), "\r%s\r%s   \r%*s\r", line, shorter, (int)wide, "");
	assert_string_equal(m.buf, want);
	free(m.buf);

	/* Nothing shown, nothing to clear; no stream needed. */
	dsr_cmd_progress_clear(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words),
		cmocka_unit_test(width),
		cmocka_unit_test(draw_and_clear),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
