/* platform/os.h on POSIX systems (Linux, the BSDs, macOS). */
#include "os.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

static volatile sig_atomic_t *stop_flag;

static void on_stop(int sig)
{
	if (stop_flag)
		*stop_flag = sig;
}

void dsr_os_catch_stop(volatile sig_atomic_t *flag)
{
	struct sigaction sa;

	stop_flag = flag;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static const char *deadline_out, *deadline_err;
static int deadline_status;

/* Only async-signal-safe calls here. */
static void on_alarm(int sig)
{
	(void)sig;
	if (deadline_out && write(STDOUT_FILENO, deadline_out, strlen(deadline_out)) < 0)
		_exit(deadline_status);
	if (write(STDERR_FILENO, deadline_err, strlen(deadline_err)) < 0)
		_exit(deadline_status);
	_exit(deadline_status);
}

void dsr_os_deadline(unsigned seconds, const char *out_msg, const char *err_msg, int status)
{
	deadline_out = out_msg;
	deadline_err = err_msg;
	deadline_status = status;
	signal(SIGALRM, on_alarm);
	alarm(seconds);
}

bool dsr_os_is_terminal(FILE *stream, bool ansi)
{
	(void)ansi; /* every terminal these systems have renders ANSI colour */
	return isatty(fileno(stream));
}

FILE *dsr_os_temp_file(const char *path, char **tmp, char *err, size_t errlen)
{
	size_t len = strlen(path) + 16;
	FILE *f = NULL;
	int fd;

	*tmp = malloc(len);
	if (!*tmp) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(*tmp, len, "%s.tmp.XXXXXX", path);
	fd = mkstemp(*tmp);
	if (fd < 0 || !(f = fdopen(fd, "wb"))) {
		snprintf(err, errlen, "%s", strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(*tmp);
		}
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	/* mkstemp makes it 0600; a report is for every reader of the directory */
	fchmod(fd, 0644);
	return f;
}

int dsr_os_sync(FILE *f, char *err, size_t errlen)
{
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	return 0;
}

int dsr_os_replace(const char *tmp, const char *path, char *err, size_t errlen)
{
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	return 0;
}

FILE *dsr_membuf_open(struct dsr_membuf *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	return m->f;
}

int dsr_membuf_close(struct dsr_membuf *m)
{
	int rc = fclose(m->f);

	m->f = NULL;
	if (rc != 0) {
		free(m->buf);
		m->buf = NULL;
		m->len = 0;
		return -1;
	}
	return 0;
}

void dsr_os_log_open(const char *ident)
{
	openlog(ident, LOG_PID, LOG_DAEMON);
}

void dsr_os_log_warning(const char *line)
{
	syslog(LOG_WARNING, "%s", line);
}

void dsr_os_log_close(void)
{
	closelog();
}

int dsr_os_capture_library(bool live, char *err, size_t errlen)
{
	(void)live;
	(void)err;
	(void)errlen;
	return 0;
}

struct dsr_os_conn {
	int fd;
	enum dsr_os_conn_state state;
};

int dsr_os_conn_open(const struct dsr_os_endpoint *local, const struct dsr_os_endpoint *remote,
		     struct dsr_os_conn **out, char *err, size_t errlen)
{
	struct sockaddr_storage me, peer;
	socklen_t me_len = dsr_os_sockaddr(local, &me), peer_len = dsr_os_sockaddr(remote, &peer);
	int one = 1, fd = socket(local->v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	struct dsr_os_conn *c;

	*out = NULL;
	if (fd < 0) {
		snprintf(err, errlen, "cannot open a TCP socket: %s", strerror(errno));
		return -1;
	}
	/* Our port's earlier connection may still be in TIME_WAIT (we close first):
	 * the kernel then lets us bind, and refuses the connect if it is the same one. */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
		snprintf(err, errlen, "cannot set up a TCP socket: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&me, me_len) < 0) {
		int e = errno;
		close(fd);
		if (e == EADDRINUSE || e == EACCES)
			return 1;
		snprintf(err, errlen, "cannot bind a TCP socket to port %u: %s", local->port, strerror(e));
		return -1;
	}
	if (!(c = malloc(sizeof(*c)))) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->fd = fd;
	c->state = DSR_OS_CONN_CONNECTING;
	if (connect(fd, (struct sockaddr *)&peer, peer_len) < 0 && errno != EINPROGRESS) {
		if (errno == EADDRNOTAVAIL || errno == EADDRINUSE) {
			dsr_os_conn_close(c);
			return 1;
		}
		c->state = errno == ECONNREFUSED ? DSR_OS_CONN_REFUSED : DSR_OS_CONN_FAILED;
	}
	*out = c;
	return 0;
}

enum dsr_os_conn_state dsr_os_conn_poll(struct dsr_os_conn *c)
{
	if (c->state == DSR_OS_CONN_CONNECTING) {
		struct pollfd p = {.fd = c->fd, .events = POLLOUT};
		int e = 0;
		socklen_t len = sizeof(e);
		if (poll(&p, 1, 0) <= 0)
			return c->state;
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
			e = errno;
		c->state = e == 0 ? DSR_OS_CONN_OPEN
			   : e == ECONNREFUSED ? DSR_OS_CONN_REFUSED : DSR_OS_CONN_FAILED;
	}
	/* What the server sends (a banner) is read and dropped: left unread, it
	 * would make our close a RST. */
	while (c->state == DSR_OS_CONN_OPEN) {
		char buf[512];
		ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
		if (n == 0)
			c->state = DSR_OS_CONN_EOF;
		else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			break;
		else if (n < 0)
			c->state = DSR_OS_CONN_FAILED;
	}
	return c->state;
}

void dsr_os_conn_shutdown(struct dsr_os_conn *c)
{
	shutdown(c->fd, SHUT_WR);
}

void dsr_os_conn_close(struct dsr_os_conn *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c);
}
