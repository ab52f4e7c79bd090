#include "source.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <poll.h>
#endif

#include "../platform/os.h"
#include "decode.h"

/* Enough for the headers of an ICMP error quoting a TCP SYN with options. */
#define SNAPLEN 256

struct dsr_source {
	pcap_t *pcap;
	bool live;
	enum dsr_linktype link;
};

/* "WHAT: libpcap's reason", then the handle is closed. */
static int fail(pcap_t *p, int code, char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s: %s", what, pcap_geterr(p));
	if (p)
		pcap_close(p);
	return code;
}

/* The handle becomes a dsr_source, or is closed. */
static int wrap(pcap_t *p, bool live, enum dsr_linktype link, struct dsr_source **out, char *err,
		size_t errlen)
{
	*out = calloc(1, sizeof(**out));
	if (!*out) {
		pcap_close(p);
		snprintf(err, errlen, "out of memory");
		return DSR_SOURCE_FAILED;
	}
	(*out)->pcap = p;
	(*out)->live = live;
	(*out)->link = link;
	return DSR_SOURCE_OK;
}

int dsr_source_open_live(const char *ifname, const char *filter, struct dsr_source **out, char *err,
			 size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	pcap_t *p;

	if (dsr_os_capture_library(true, err, errlen) < 0)
		return DSR_SOURCE_FAILED;
	p = pcap_create(ifname, perr);
	if (!p) {
		snprintf(err, errlen, "%s: %s", ifname, perr);
		return DSR_SOURCE_FAILED;
	}
	pcap_set_snaplen(p, SNAPLEN);
	/* The kernel's ring is resident once the frames have cycled through it:
	 * 512 KiB holds some 1,500 frames of SNAPLEN, seconds of answers at any
	 * rate we send, drained every few milliseconds (libpcap's 2 MiB default
	 * was a quarter of the memory of a 250-server audit). */
	pcap_set_buffer_size(p, 512 * 1024);
	/* Promiscuous: conflicting ARP answers to other hosts' requests are evidence too. */
	pcap_set_promisc(p, 1);
	pcap_set_immediate_mode(p, 1);
	pcap_set_timeout(p, 10);
	int rc = pcap_activate(p);
	if (rc == PCAP_ERROR_PERM_DENIED || rc == PCAP_ERROR_PROMISC_PERM_DENIED) {
		snprintf(err, errlen,
			 "no permission to capture on %s: run as root, or give the binary the capabilities "
			 "it needs with: setcap cap_net_raw,cap_net_admin+ep dsrcheck",
			 ifname);
		pcap_close(p);
		return DSR_SOURCE_PERMISSION;
	}
	if (rc == PCAP_ERROR_NO_SUCH_DEVICE) {
		snprintf(err, errlen, "interface '%s' not found", ifname);
		pcap_close(p);
		return DSR_SOURCE_NO_DEVICE;
	}
	if (rc < 0) {
		char what[128];
		snprintf(what, sizeof(what), "cannot capture on %s", ifname);
		return fail(p, DSR_SOURCE_FAILED, err, errlen, what);
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		snprintf(err, errlen, "%s is not an Ethernet interface (link type %s)", ifname,
			 pcap_datalink_val_to_name(pcap_datalink(p)));
		pcap_close(p);
		return DSR_SOURCE_FAILED;
	}
	/* Our own frames are not answers; not every platform can drop them here, so
	 * the engine ignores frames from our MAC as well. */
	(void)pcap_setdirection(p, PCAP_D_IN);
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
		return fail(p, DSR_SOURCE_FAILED, err, errlen, "capture filter");
	rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc < 0)
		return fail(p, DSR_SOURCE_FAILED, err, errlen, "capture filter");
	if (pcap_setnonblock(p, 1, perr) < 0) {
		snprintf(err, errlen, "%s: %s", ifname, perr);
		pcap_close(p);
		return DSR_SOURCE_FAILED;
	}
	return wrap(p, true, DSR_LINK_ETHERNET, out, err, errlen);
}

int dsr_source_open_any_file(const char *path, struct dsr_source **out, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p;
	enum dsr_linktype link;

	if (dsr_os_capture_library(false, err, errlen) < 0)
		return DSR_SOURCE_FAILED;
	p = pcap_open_offline(path, perr);
	if (!p) {
		/* libpcap names the file itself when it could not open it */
		size_t n = strlen(path);
		if (strncmp(perr, path, n) == 0 && strncmp(perr + n, ": ", 2) == 0)
			snprintf(err, errlen, "%s: cannot open: %s", path, perr + n + 2);
		else
			snprintf(err, errlen, "%s: %s", path, perr);
		return DSR_SOURCE_FAILED;
	}
	switch (pcap_datalink(p)) {
	case DLT_EN10MB:
		link = DSR_LINK_ETHERNET;
		break;
	case DLT_LINUX_SLL:
		link = DSR_LINK_SLL;
		break;
	case DLT_LINUX_SLL2:
		link = DSR_LINK_SLL2;
		break;
	default:
		snprintf(err, errlen, "%s: link type %s is not Ethernet or Linux cooked", path,
			 pcap_datalink_val_to_name(pcap_datalink(p)));
		pcap_close(p);
		return DSR_SOURCE_FAILED;
	}
	return wrap(p, false, link, out, err, errlen);
}

int dsr_source_open_file(const char *path, struct dsr_source **out, char *err, size_t errlen)
{
	int rc = dsr_source_open_any_file(path, out, err, errlen);

	if (rc == DSR_SOURCE_OK && (*out)->link != DSR_LINK_ETHERNET) {
		snprintf(err, errlen, "%s: not an Ethernet capture", path);
		dsr_source_close(*out);
		return DSR_SOURCE_FAILED;
	}
	return rc;
}

enum dsr_linktype dsr_source_linktype(const struct dsr_source *src)
{
	return src->link;
}

int dsr_source_decode(const struct dsr_source *src, const uint8_t *data, size_t caplen,
		      struct dsr_frame *out)
{
	if (src->link == DSR_LINK_ETHERNET)
		return dsr_decode_ethernet(data, caplen, out);
	return dsr_decode_sll(data, caplen, src->link == DSR_LINK_SLL2, out);
}

bool dsr_source_is_live(const struct dsr_source *src)
{
	return src->live;
}

int dsr_source_fd(const struct dsr_source *src)
{
#ifdef _WIN32
	(void)src; /* Npcap gives an event handle instead: see dsr_source_wait */
	return -1;
#else
	return src->live ? pcap_get_selectable_fd(src->pcap) : -1;
#endif
}

/* A capture that cannot be waited on is read at least this often. */
#define POLL_MS 5

int dsr_source_wait(struct dsr_source *src, unsigned ms, char *err, size_t errlen)
{
#ifdef _WIN32
	/* Npcap signals this event when frames are waiting (at once in immediate
	 * mode); it has no descriptor to poll. */
	HANDLE ev = src->live ? pcap_getevent(src->pcap) : NULL;
	if (ev) {
		if (WaitForSingleObject(ev, ms) == WAIT_FAILED) {
			snprintf(err, errlen, "waiting for frames: Windows error %lu",
				 (unsigned long)GetLastError());
			return -1;
		}
		return 0;
	}
	if (ms > 0)
		Sleep(ms < POLL_MS ? ms : POLL_MS);
	return 0;
#else
	int fd = dsr_source_fd(src);
	if (fd >= 0) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (poll(&pfd, 1, (int)ms) < 0 && errno != EINTR) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	if (ms > 0)
		poll(NULL, 0, (int)(ms < POLL_MS ? ms : POLL_MS));
	return 0;
#endif
}

int dsr_source_next(struct dsr_source *src, const uint8_t **data, size_t *caplen,
		    struct timeval *ts, char *err, size_t errlen)
{
	struct pcap_pkthdr *hdr;
	const u_char *bytes;
	int rc = pcap_next_ex(src->pcap, &hdr, &bytes);

	if (rc == 1) {
		*data = bytes;
		*caplen = hdr->caplen;
		ts->tv_sec = hdr->ts.tv_sec;
		ts->tv_usec = hdr->ts.tv_usec;
		return 1;
	}
	if (rc == 0)
		return 0;
	if (rc == PCAP_ERROR_BREAK)
		return -2;
	snprintf(err, errlen, "capture: %s", pcap_geterr(src->pcap));
	return -1;
}

int dsr_source_inject(struct dsr_source *src, const uint8_t *frame, size_t len, char *err,
		      size_t errlen)
{
	if (pcap_inject(src->pcap, frame, len) < 0) {
		snprintf(err, errlen, "send: %s", pcap_geterr(src->pcap));
		return -1;
	}
	return 0;
}

int dsr_source_set_filter(struct dsr_source *src, const char *filter, char *err, size_t errlen)
{
	struct bpf_program prog;
	int rc;

	if (pcap_compile(src->pcap, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "capture filter: %s", pcap_geterr(src->pcap));
		return -1;
	}
	rc = pcap_setfilter(src->pcap, &prog);
	pcap_freecode(&prog);
	if (rc < 0) {
		snprintf(err, errlen, "capture filter: %s", pcap_geterr(src->pcap));
		return -1;
	}
	return 0;
}

void dsr_source_close(struct dsr_source *src)
{
	if (!src)
		return;
	pcap_close(src->pcap);
	free(src);
}
