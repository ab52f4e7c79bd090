/* Report writers. Each format is one file exporting one const dsr_report_writer,
 * registered by one line in reports/registry.c. Writers format finished results:
 * they never judge and never see packets. Any string may come from the wire or
 * from the user and must be escaped by the writer for its format. */
#ifndef DSR_REPORT_H
#define DSR_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "../src/check.h"

struct dsr_report_options {
	bool color;   /* ANSI colours (text only; main decides: a terminal and no NO_COLOR) */
	int verbose;  /* text: also print evidence of passing checks */
};

struct dsr_report_writer {
	const char *name; /* the FMT in -f FMT and --report FMT:PATH */
	/* Writes the whole report for run to out. Returns 0, or -1 when out failed
	 * (the caller checks ferror/fclose as well). */
	int (*write)(FILE *out, const struct dsr_run *run, const struct dsr_report_options *opts);
};

/* NULL when no writer has that name. */
const struct dsr_report_writer *dsr_report_find(const char *name);
/* "text, json, ...": for usage messages, from the registration table. */
const char *dsr_report_names(void);

#endif
