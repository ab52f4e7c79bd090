/* COMPILE-CHECK SHIM (tests/bsd-shim/README.md): glibc's sys/socket.h plus
 * what BSD's adds and the platform file uses. */
#ifndef DSR_SHIM_SYS_SOCKET_H
#define DSR_SHIM_SYS_SOCKET_H

#include_next <sys/socket.h>

#ifndef AF_LINK
#define AF_LINK 18 /* FreeBSD, OpenBSD, NetBSD, macOS */
#endif
#undef PF_ROUTE
#undef AF_ROUTE
#define AF_ROUTE 17
#define PF_ROUTE AF_ROUTE

#if defined(__OpenBSD__)
int getrtable(void);
#endif

#endif
