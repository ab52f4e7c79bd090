/* From observations to checks: calls each task's judge, then adds what only the
 * whole configuration knows (which configured server a MAC belongs to). Pure. */
#ifndef DSR_VERDICT_H
#define DSR_VERDICT_H

#include "config.h"
#include "engine.h"

/* Returns a malloc'd array of one check per non-internal task, in plan order,
 * with its length in *nchecks; NULL when out of memory. */
struct dsr_check *dsr_verdicts(const struct dsr_config *cfg, const struct dsr_plan *plan,
			       const struct dsr_observations *obs, size_t *nchecks);

#endif
