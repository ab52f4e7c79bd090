/* Report files once the process has left root.
 *
 * dsrcheck gives up uid 0 before it parses a captured byte (README,
 * "Privileges"), but --report files are written at the end (or once per watch
 * audit) by a temporary file and a rename, and both need write access to the
 * directory, which is often root's alone (a Prometheus textfile directory, a
 * test's mktemp -d). So, before the drop, one child keeps root for that work
 * and nothing else: it reads (report number, length, bytes) from a socket,
 * writes those bytes to the path given on the command line for that number,
 * and answers with the result. It never parses packets; the paths are fixed
 * before it starts; what it writes is no more than the unprivileged process
 * could already put on the terminal. It ends when the socket closes. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

#ifdef _WIN32

/* Windows keeps its identity (platform/platform_windows.c): nothing to hand over. */
int dsr_publish_start(const struct dsr_cmd_options *o, struct dsr_config *cfg, char *err,
		      size_t errlen)
{
	(void)o;
	(void)cfg;
	(void)err;
	(void)errlen;
	return 0;
}

bool dsr_publish_active(void)
{
	return false;
}

int dsr_publish_write(size_t i, const char *data, size_t len, char *err, size_t errlen)
{
	(void)i;
	(void)data;
	(void)len;
	snprintf(err, errlen, "no report helper");
	return -1;
}

int dsr_publish_evidence(const char *tmp, const char *path, long long bytes, char *reason,
			 size_t reasonlen)
{
	return dsr_dump_finish(tmp, path, bytes, reason, reasonlen);
}

void dsr_publish_stop(void)
{
}

#else

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* A report larger than this is not one dsrcheck writes (4,096 servers' JSON
 * is a few MiB): the helper refuses it rather than allocate on request. */
#define MAX_REPORT (256u << 20)

/* index: a --report number, or EVIDENCE: the --pcap file, whose temporary
 * file (len bytes of name follow) is checked for bytes and renamed. */
#define EVIDENCE UINT32_MAX
struct request {
	uint32_t index;
	uint32_t len;
	int64_t bytes;
};

struct reply {
	int32_t rc;
	char reason[256];
};

static int helper_fd = -1;
static pid_t helper_pid = -1;

static int io_all(int fd, void *buf, size_t len, bool writing)
{
	char *p = buf;

	while (len > 0) {
		/* MSG_NOSIGNAL: a helper that has gone is an error, not SIGPIPE. */
		ssize_t n = writing ? send(fd, p, len, MSG_NOSIGNAL) : read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

struct bytes {
	const char *data;
	size_t len;
};

static int fill_bytes(FILE *out, const void *arg)
{
	const struct bytes *b = arg;

	return b->len && fwrite(b->data, 1, b->len, out) != b->len ? -1 : 0;
}

/* What capture/dump.c names its temporary files: "PATH.tmp.XXXXXX". */
static bool is_evidence_tmp(const char *tmp, size_t len, const char *path)
{
	size_t n = strlen(path);

	return len == n + 11 && strlen(tmp) == len && strncmp(tmp, path, n) == 0 &&
	       strncmp(tmp + n, ".tmp.", 5) == 0 && !strchr(tmp + n, '/');
}

/* The helper's loop: one request, one file, one reply, until the socket closes. */
static void serve(int fd, const struct dsr_cmd_options *o)
{
	struct request rq;

	while (io_all(fd, &rq, sizeof(rq), false) == 0) {
		struct reply rp = {0};
		struct bytes b = {NULL, rq.len};
		char *buf = NULL;
		bool evidence = rq.index == EVIDENCE && o->pcap_path;
		if ((!evidence && rq.index >= o->nreports) || rq.len > MAX_REPORT ||
		    !(buf = malloc(rq.len + 1)))
			return;
		b.data = buf;
		if (rq.len && io_all(fd, buf, rq.len, false) < 0) {
			free(buf);
			return;
		}
		buf[rq.len] = '\0';
		if (!evidence)
			rp.rc = dsr_cmd_replace_file(o->reports[rq.index].path, fill_bytes, &b, rp.reason,
						     sizeof(rp.reason));
		else if (!is_evidence_tmp(buf, rq.len, o->pcap_path))
			rp.rc = -1; /* renames nothing but --pcap's own temporary file */
		else if ((rp.rc = dsr_dump_finish(buf, o->pcap_path, rq.bytes, rp.reason,
						  sizeof(rp.reason))) < 0)
			remove(buf);
		free(buf);
		if (io_all(fd, &rp, sizeof(rp), true) < 0)
			return;
	}
}

int dsr_publish_start(const struct dsr_cmd_options *o, struct dsr_config *cfg, char *err,
		      size_t errlen)
{
	int sv[2];

	if ((o->nreports == 0 && !o->pcap_path) || !dsr_platform_leaves_root())
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		snprintf(err, errlen, "cannot start the report writer: %s", strerror(errno));
		return -1;
	}
	fflush(NULL); /* nothing buffered is written twice */
	helper_pid = fork();
	if (helper_pid < 0) {
		snprintf(err, errlen, "cannot start the report writer: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (helper_pid == 0) {
		/* Interrupts are for the audit, which still has reports to hand
		 * over; the helper ends when the audit's end of the socket closes. */
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		close(sv[0]);
		close(STDIN_FILENO);
		close(STDOUT_FILENO); /* a reader of stdout waits for its last writer */
		serve(sv[1], o);
		close(sv[1]);
		dsr_config_free(cfg);
		_exit(0); /* not exit(): the parent's stdio buffers are its own */
	}
	close(sv[1]);
	helper_fd = sv[0];
	return 0;
}

bool dsr_publish_active(void)
{
	return helper_fd >= 0;
}

/* Sends one request; returns 0 with the helper's answer in *rp, or -1. */
static int ask(const struct request *rq, const char *data, struct reply *rp)
{
	if (io_all(helper_fd, (void *)rq, sizeof(*rq), true) < 0 ||
	    (rq->len && io_all(helper_fd, (void *)data, rq->len, true) < 0) ||
	    io_all(helper_fd, rp, sizeof(*rp), false) < 0)
		return -1;
	rp->reason[sizeof(rp->reason) - 1] = '\0';
	return 0;
}

int dsr_publish_write(size_t i, const char *data, size_t len, char *err, size_t errlen)
{
	struct request rq = {(uint32_t)i, (uint32_t)len, 0};
	struct reply rp;

	if (len > MAX_REPORT) {
		snprintf(err, errlen, "report too large (%zu bytes)", len);
		return -1;
	}
	if (ask(&rq, data, &rp) < 0) {
		snprintf(err, errlen, "the report writer has gone");
		return -1;
	}
	if (rp.rc != 0)
		snprintf(err, errlen, "%s", rp.reason);
	return rp.rc != 0 ? -1 : 0;
}

int dsr_publish_evidence(const char *tmp, const char *path, long long bytes, char *reason,
			 size_t reasonlen)
{
	struct request rq = {EVIDENCE, (uint32_t)strlen(tmp), bytes};
	struct reply rp;

	if (!dsr_publish_active())
		return dsr_dump_finish(tmp, path, bytes, reason, reasonlen);
	if (ask(&rq, tmp, &rp) < 0) {
		snprintf(reason, reasonlen, "the report writer has gone");
		return -1;
	}
	if (rp.rc != 0)
		snprintf(reason, reasonlen, "%s", rp.reason[0] ? rp.reason : "refused");
	return rp.rc != 0 ? -1 : 0;
}

void dsr_publish_stop(void)
{
	if (helper_fd < 0)
		return;
	close(helper_fd);
	helper_fd = -1;
	while (waitpid(helper_pid, NULL, 0) < 0 && errno == EINTR)
		;
	helper_pid = -1;
}

#endif
