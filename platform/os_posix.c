/* platform/os.h on POSIX systems (Linux, the BSDs, macOS). */
#include "os.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
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
