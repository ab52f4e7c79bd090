/* Report tests' shared parts: a writer's output as a string, a file as a string,
 * and the comparison with a golden file under fixtures/reports/ (DSR_UPDATE_GOLDEN=1
 * rewrites the golden files instead). Include after <cmocka.h>. */
#ifndef DSR_TESTS_GOLDEN_H
#define DSR_TESTS_GOLDEN_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../reports/report.h"
#include "../src/check.h"
#include "../src/diagnose.h"
#include "../platform/os.h"

#define GOLDEN_DIR "fixtures/reports/"

/* Sets run's findings as the commands do before any writer runs; they stay
 * valid until the next call in the same test program. */
static inline void diagnose_run(struct dsr_run *run)
{
	static struct dsr_findings found;

	dsr_findings_free(&found);
	assert_int_equal(dsr_diagnose(run->checks, run->nchecks, &found), 0);
	run->findings = found.items;
	run->nfindings = found.n;
}

/* The report as a string (caller frees). */
static inline char *render_report(const char *format, const struct dsr_run *run, bool color,
				  int verbose)
{
	const struct dsr_report_writer *w = dsr_report_find(format);
	struct dsr_report_options opts = {.color = color, .verbose = verbose};
	struct dsr_membuf mb;
	FILE *out = dsr_membuf_open(&mb);

	assert_non_null(w);
	assert_non_null(out);
	assert_int_equal(w->write(out, run, &opts), 0);
	assert_int_equal(dsr_membuf_close(&mb), 0);
	return mb.buf;
}

/* The file's bytes as a string (caller frees), NULL when it cannot be opened. */
static inline char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct dsr_membuf mb;
	FILE *mem = dsr_membuf_open(&mb);
	char chunk[4096];
	size_t n;

	assert_non_null(mem);
	if (!f) {
		if (dsr_membuf_close(&mb) == 0)
			free(mb.buf);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, n, mem);
	fclose(f);
	assert_int_equal(dsr_membuf_close(&mb), 0);
	return mb.buf;
}

static inline void golden(const char *name, const char *got)
{
	char path[256];
	char *want;

	snprintf(path, sizeof path, GOLDEN_DIR "%s", name);
	if (getenv("DSR_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "wb");

		assert_non_null(f);
		fputs(got, f);
		assert_int_equal(fclose(f), 0);
		return;
	}
	want = slurp(path);
	if (!want)
		fail_msg("cannot read %s (run from the project root)", path);
	if (strcmp(want, got) != 0) {
		fprintf(stderr, "--- %s\n%s--- got\n%s", path, want, got);
		free(want);
		fail_msg("%s differs from the report written", path);
	}
	free(want);
}

#endif
