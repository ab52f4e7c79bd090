/* What diagnose.h promises of every run, for the tests that hold runs to it
 * (hand-made checks, recorded captures, local snapshots, fuzzed verdicts):
 * a failing or warning check is explained by exactly one finding, any other
 * check by none. */
#ifndef DSR_TESTS_EXPLAINED_H
#define DSR_TESTS_EXPLAINED_H

#include <stddef.h>

#include "../src/diagnose.h"

/* The first check of c[from..n) that f does not explain so, or n when there
 * is none; *by: how many findings explain it. */
static inline size_t misexplained(const struct dsr_check *c, size_t n, const struct dsr_findings *f,
				  size_t from, size_t *by)
{
	for (size_t i = from; i < n; i++) {
		*by = 0;
		for (size_t k = 0; k < f->n; k++)
			for (size_t j = 0; j < f->items[k].nchecks; j++)
				*by += f->items[k].checks[j] == i;
		if (*by != (c[i].status == DSR_FAIL || c[i].status == DSR_WARN))
			return i;
	}
	return n;
}

#endif
