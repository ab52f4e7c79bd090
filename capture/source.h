/* Where frames come from and go to: a live libpcap handle on one interface, or
 * a capture file. Both are the same pcap_t underneath, so a recorded fixture
 * replays through exactly the code a live run uses. */
#ifndef DSR_SOURCE_H
#define DSR_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

struct dsr_source;

enum dsr_source_error {
	DSR_SOURCE_OK = 0,
	DSR_SOURCE_FAILED = -1,     /* see err */
	DSR_SOURCE_PERMISSION = -2, /* capture needs privileges we lack */
	DSR_SOURCE_NO_DEVICE = -3,  /* no such interface */
};

/* Opens ifname for capture and injection with BPF program filter.
 * Returns DSR_SOURCE_OK or a negative dsr_source_error with a message in err. */
int dsr_source_open_live(const char *ifname, const char *filter, struct dsr_source **out, char *err,
			 size_t errlen);
/* Opens a pcap or pcapng file of Ethernet frames. */
int dsr_source_open_file(const char *path, struct dsr_source **out, char *err, size_t errlen);

bool dsr_source_is_live(const struct dsr_source *src);

enum dsr_linktype { DSR_LINK_ETHERNET, DSR_LINK_SLL, DSR_LINK_SLL2 };
enum dsr_linktype dsr_source_linktype(const struct dsr_source *src);

struct dsr_frame;
/* Decodes a frame read from src according to its link type. */
int dsr_source_decode(const struct dsr_source *src, const uint8_t *data, size_t caplen,
		      struct dsr_frame *out);

/* Opens a capture file of any link type dsrcheck decodes (Ethernet, Linux
 * cooked v1 and v2) for offline analysis; pcap or pcapng. */
int dsr_source_open_any_file(const char *path, struct dsr_source **out, char *err, size_t errlen);
/* A descriptor to poll() for readability, or -1 (always on Windows). */
int dsr_source_fd(const struct dsr_source *src);
/* Waits until frames may be waiting in src or ms milliseconds have passed;
 * a signal may end it early. A source that cannot be waited on sleeps a few
 * milliseconds at most, to be read again. Returns 0, or -1 with err. */
int dsr_source_wait(struct dsr_source *src, unsigned ms, char *err, size_t errlen);

/* Next frame: 1 with data/caplen/ts set (valid until the next call), 0 when
 * none is waiting (live), -2 at the end of a file, -1 on error (see err). */
int dsr_source_next(struct dsr_source *src, const uint8_t **data, size_t *caplen,
		    struct timeval *ts, char *err, size_t errlen);

/* Sends one whole Ethernet frame. Returns 0, or -1 with a message in err. */
int dsr_source_inject(struct dsr_source *src, const uint8_t *frame, size_t len, char *err,
		      size_t errlen);

/* Replaces a live source's capture filter (no privilege needed): watch widens
 * its own for the ports of each audit's connections. Returns 0, or -1 with err. */
int dsr_source_set_filter(struct dsr_source *src, const char *filter, char *err, size_t errlen);

void dsr_source_close(struct dsr_source *src);

#endif
