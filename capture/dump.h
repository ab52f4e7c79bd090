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

#endif
