/* struct in_addr, htons() and inet_pton() come from different headers on
 * Windows (Winsock) and on POSIX systems; this is the one place that knows.
 * It also knows what GCC calls printf's format checking: on MinGW-w64 plain
 * "printf" means Microsoft's (no %zu), while dsrcheck uses MinGW's C99 printf. */
#ifndef DSR_NETCOMPAT_H
#define DSR_NETCOMPAT_H

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#endif

#if defined(__MINGW32__)
#define DSR_PRINTF(fmt, args) __attribute__((format(gnu_printf, fmt, args)))
#else
#define DSR_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#endif

#endif
