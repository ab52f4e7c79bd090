/* Process services whose calls differ between POSIX systems and Windows:
 * stopping on Ctrl-C, the -t safety net, terminals, atomic report files,
 * memory streams, syslog, and loading the capture library.
 *
 * platform/os_posix.c serves Linux and the BSDs (the Makefile compiles every *_posix.c
 * for every platform but Windows); platform/os_windows.c serves Windows. Network
 * facts (interfaces, routes, privileges) are platform/platform.h's. */
#ifndef DSR_OS_H
#define DSR_OS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "netcompat.h"
#ifndef _WIN32
#include <sys/socket.h>
#endif

/* From now on an interrupt (SIGINT, Ctrl-C) or a stop request (SIGTERM, a
 * console closed) stores SIGINT or SIGTERM in *flag and nothing else: the code
 * that polls the flag decides what stopping means. */
void dsr_os_catch_stop(volatile sig_atomic_t *flag);

/* The -t promise, whatever hangs (a driver, a name lookup): after `seconds`,
 * out_msg (unless NULL) goes to standard output, err_msg to standard error,
 * and the process exits with `status`. Both strings must live until exit. */
void dsr_os_deadline(unsigned seconds, const char *out_msg, const char *err_msg, int status);

/* True when stream is a terminal. With ansi, only when it also renders ANSI
 * colour sequences (Windows: a console that accepts virtual terminal mode). */
bool dsr_os_is_terminal(FILE *stream, bool ansi);

/* Atomic report files: a new file next to path ("PATH.tmp.XXXXXX", its name
 * malloc'd into *tmp), open for binary writing, readable by everyone; then
 * dsr_os_sync once written, fclose, and dsr_os_replace. Each returns NULL or
 * -1 with a message in err on failure; a failed temp file is removed. */
FILE *dsr_os_temp_file(const char *path, char **tmp, char *err, size_t errlen);
/* Puts what was written to f on the disk (f stays open). */
int dsr_os_sync(FILE *f, char *err, size_t errlen);
/* Replaces path by tmp in one step: readers see the old file or the new one. */
int dsr_os_replace(const char *tmp, const char *path, char *err, size_t errlen);

/* A stream whose contents end up in memory (open_memstream where it exists).
 * After dsr_membuf_close returns 0, buf holds len bytes and a NUL; the caller
 * frees buf. On -1 nothing is left to free. */
struct dsr_membuf {
	FILE *f;
	char *buf;
	size_t len;
};
FILE *dsr_membuf_open(struct dsr_membuf *m);
int dsr_membuf_close(struct dsr_membuf *m);

/* watch --syslog: alerts to the system log (syslog's daemon facility; the
 * Application event log on Windows). */
void dsr_os_log_open(const char *ident);
void dsr_os_log_warning(const char *line);
void dsr_os_log_close(void);

/* Makes sure the capture library can be called: for reading and writing
 * capture files, and with live, for capturing and injecting too. Windows loads
 * Npcap's wpcap.dll on first use (a delay-load import), so that a missing Npcap
 * gives this message instead of a loader error before main; elsewhere libpcap
 * is linked normally and this returns 0. Returns 0, or -1 with a message in
 * err that says what to install. */
int dsr_os_capture_library(bool live, char *err, size_t errlen);

/* A TCP connection of this host's own stack (probes/tcp_conn.c): what a real
 * client does, so that the balancer and the servers see nothing else. Never
 * blocks and needs no privilege (the source port is above 1023). */
struct dsr_os_conn;
enum dsr_os_conn_state {
	DSR_OS_CONN_CONNECTING,
	DSR_OS_CONN_OPEN,    /* established; data that arrived is read and dropped */
	DSR_OS_CONN_EOF,     /* the peer closed its side (FIN) */
	DSR_OS_CONN_REFUSED, /* a RST answered the SYN */
	DSR_OS_CONN_FAILED,  /* reset once established, or any other error */
};
/* One end of such a connection: an IPv4 address (ip), or an IPv6 one (v6:
 * ip6, global: a link-local one would need its interface's scope). */
struct dsr_os_endpoint {
	bool v6;
	struct in_addr ip;
	struct in6_addr ip6;
	uint16_t port;
};
/* Binds local and starts connecting to remote, of the same family. Returns 0
 * with *out set, 1 when that local port cannot be used now (in use, or the
 * same connection still in TIME_WAIT from an earlier run): take another; -1
 * with a message in err. */
int dsr_os_conn_open(const struct dsr_os_endpoint *local, const struct dsr_os_endpoint *remote,
		     struct dsr_os_conn **out, char *err, size_t errlen);

/* e as a socket address in ss; returns its length. For both platforms' open. */
static inline socklen_t dsr_os_sockaddr(const struct dsr_os_endpoint *e, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (e->v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = e->ip6;
		a->sin6_port = htons(e->port);
		return (socklen_t)sizeof(*a);
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_addr = e->ip;
	a->sin_port = htons(e->port);
	return (socklen_t)sizeof(*a);
}
/* Where the connection stands now. */
enum dsr_os_conn_state dsr_os_conn_poll(struct dsr_os_conn *c);
/* Sends our FIN: no payload, the application protocol stays untouched. */
void dsr_os_conn_shutdown(struct dsr_os_conn *c);
/* Closes the socket (NULL: nothing). */
void dsr_os_conn_close(struct dsr_os_conn *c);

#endif
