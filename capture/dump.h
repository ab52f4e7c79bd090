/* Evidence captures (--pcap): every frame dsrcheck sent and every frame it
 * captured, in one pcap file that Wireshark and tcpdump open, numbered so that
 * reports can point at the frames behind each failure. */
#ifndef DSR_DUMP_H
#define DSR_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

struct dsr_dump;

/* Opens a temporary file beside path; dsr_dump_close renames it into place.
 * Returns NULL with a message in err. Open it before privileges are dropped. */
struct dsr_dump *dsr_dump_open(const char *path, char *err, size_t errlen);
/* Appends a frame; returns its 1-based number in the file (what Wireshark shows). */
unsigned dsr_dump_frame(struct dsr_dump *d, const struct timeval *ts, const uint8_t *data,
			size_t len);
/* Flushes, closes and renames into place. Returns 0, or -1 with err (the
 * temporary file is removed). NULL is allowed and does nothing. */
int dsr_dump_close(struct dsr_dump *d, char *err, size_t errlen);

/* The last step of dsr_dump_close: checks that tmp holds bytes, then renames it
 * to path. Returns 0, or -1 with the reason in reason. */
int dsr_dump_finish(const char *tmp, const char *path, long long bytes, char *reason,
		    size_t reasonlen);
/* Has dsr_dump_close take that step through finish instead (a process that has
 * left root hands it to one that may still rename in root's directories:
 * cmd/publish.c). */
typedef int (*dsr_dump_finish_fn)(const char *tmp, const char *path, long long bytes, char *reason,
				  size_t reasonlen);
void dsr_dump_on_finish(struct dsr_dump *d, dsr_dump_finish_fn finish);

#endif
