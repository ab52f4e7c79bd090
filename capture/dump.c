#include "dump.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct dsr_dump {
	pcap_t *dead;
	pcap_dumper_t *dumper;
	char *path, *tmp;
	unsigned frames;
};

struct dsr_dump *dsr_dump_open(const char *path, char *err, size_t errlen)
{
	struct dsr_dump *d = calloc(1, sizeof(*d));
	size_t len = strlen(path) + 16;
	int fd = -1;
	FILE *f = NULL;

	if (!d || !(d->path = strdup(path)) || !(d->tmp = malloc(len)))
		goto nomem;
	snprintf(d->tmp, len, "%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(d->tmp)) < 0 || !(f = fdopen(fd, "wb"))) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(d->tmp);
		}
		goto fail;
	}
	fchmod(fd, 0644);
	d->dead = pcap_open_dead(DLT_EN10MB, 65535);
	if (!d->dead || !(d->dumper = pcap_dump_fopen(d->dead, f))) {
		snprintf(err, errlen, "%s: %s", path, d->dead ? pcap_geterr(d->dead) : "out of memory");
		fclose(f);
		unlink(d->tmp);
		goto fail;
	}
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
	return ++d->frames;
}

int dsr_dump_close(struct dsr_dump *d, char *err, size_t errlen)
{
	int rc = 0;

	if (!d)
		return 0;
	if (pcap_dump_flush(d->dumper) < 0 || ferror(pcap_dump_file(d->dumper)))
		rc = -1;
	pcap_dump_close(d->dumper);
	pcap_close(d->dead);
	if (rc == 0 && rename(d->tmp, d->path) < 0)
		rc = -1;
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", d->path, strerror(errno));
		unlink(d->tmp);
	}
	free(d->path);
	free(d->tmp);
	free(d);
	return rc;
}
