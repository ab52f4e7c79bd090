/* macOS and the BSDs have no collector yet: `dsrcheck local` there can still
 * judge a snapshot recorded elsewhere (--snapshot), and says so instead of
 * guessing from interfaces it cannot read the DSR settings of. */
#include <stdio.h>

#include "local.h"

int dsr_local_collect(const struct dsr_local_request *req, struct dsr_local_snapshot *out,
		      char *err, size_t errlen)
{
	(void)req;
	(void)out;
	snprintf(err, errlen,
		 "dsrcheck local cannot inspect this system yet (Linux and Windows only); "
		 "it can judge a snapshot saved on a server with --snapshot FILE");
	return -1;
}
