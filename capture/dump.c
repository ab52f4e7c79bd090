/* Evidence captures: a temporary file beside the target, renamed into place
 * when the run is over, so a reader never sees half a capture. */
#include "dump.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/os.h"

/* The pcap file header, and each frame's record header. */
#define FILE_HEADER 24
#define RECORD_HEADER 16

struct dsr_dump {
	pcap_t *dead;
	pcap_dumper_t *dumper;
	char *path, *tmp;
	unsigned frames;
	long long bytes; /* what the file must hold once closed */
	dsr_dump_finish_fn finish;
};

struct dsr_dump *dsr_dump_open(const char *path, char *err, size_t errlen)
{
	struct dsr_dump *d = calloc(1, sizeof(*d));
	char reason[256];
	FILE *f;

	if (dsr_os_capture_library(false, err, errlen) < 0) {
		free(d);
		return NULL;
	}
	if (!d || !(d->path = malloc(strlen(path) + 1)))
		goto nomem;
	memcpy(d->path, path, strlen(path) + 1);
	if (!(f = dsr_os_temp_file(path, &d->tmp, reason, sizeof(reason)))) {
		snprintf(err, errlen, "%s: %s", path, reason);
		goto fail;
	}
	/* The file is created here, with its name and mode, and reopened by libpcap:
	 * a FILE * must not cross into wpcap.dll, which has a C runtime of its own. */
	fclose(f);
	d->dead = pcap_open_dead(DLT_EN10MB, 65535);
	if (!d->dead || !(d->dumper = pcap_dump_open(d->dead, d->tmp))) {
		snprintf(err, errlen, "%s: %s", path, d->dead ? pcap_geterr(d->dead) : "out of memory");
		remove(d->tmp);
		goto fail;
	}
	d->bytes = FILE_HEADER;
	return d;
nomem:
	snprintf(err, errlen, "out of memory");
fail:
	if (d) {
		if (d->dead)
			pcap_close(d->dead);
		free(d->path);
		free(d->tmp);
		free(d);
	}
	return NULL;
}

unsigned dsr_dump_frame(struct dsr_dump *d, const struct timeval *ts, const uint8_t *data, size_t len)
{
	struct pcap_pkthdr hdr;

	memset(&hdr, 0, sizeof(hdr));
	hdr.ts.tv_sec = ts->tv_sec;
	hdr.ts.tv_usec = ts->tv_usec;
	hdr.caplen = hdr.len = (bpf_u_int32)len;
	pcap_dump((u_char *)d->dumper, &hdr, data);
	d->bytes += RECORD_HEADER + (long long)len;
	return ++d->frames;
}

/* Whether the file holds every byte written: libpcap's pcap_dump() reports
 * no error, and its FILE * may belong to another C runtime (Windows), so the
 * size on disk is what tells a full disk. */
static bool complete(const char *path, long long bytes)
{
	FILE *f = fopen(path, "rb");
	bool ok = f && fseek(f, 0, SEEK_END) == 0 && ftell(f) == bytes;

	if (f)
		fclose(f);
	return ok;
}

int dsr_dump_finish(const char *tmp, const char *path, long long bytes, char *reason,
		    size_t reasonlen)
{
	if (!complete(tmp, bytes)) {
		snprintf(reason, reasonlen, "short write (is the disk full?)");
		return -1;
	}
	return dsr_os_replace(tmp, path, reason, reasonlen) < 0 ? -1 : 0;
}

void dsr_dump_on_finish(struct dsr_dump *d, dsr_dump_finish_fn finish)
{
	d->finish = finish;
}

int dsr_dump_close(struct dsr_dump *d, char *err, size_t errlen)
{
	char reason[256] = "";
	int rc = 0;

	if (!d)
		return 0;
	if (pcap_dump_flush(d->dumper) < 0) {
		snprintf(reason, sizeof(reason), "%s", strerror(errno));
		rc = -1;
	}
	pcap_dump_close(d->dumper);
	pcap_close(d->dead);
	if (rc == 0 && (d->finish ? d->finish : dsr_dump_finish)(d->tmp, d->path, d->bytes, reason,
								 sizeof(reason)) < 0)
		rc = -1;
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", d->path, reason);
		remove(d->tmp);
	}
	free(d->path);
	free(d->tmp);
	free(d);
	return rc;
}
