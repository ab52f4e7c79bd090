/* struct in_addr, htons() and inet_pton() come from different headers on
 * Windows (Winsock) and on POSIX systems; this is the one place that knows. */
#ifndef DSR_NETCOMPAT_H
#define DSR_NETCOMPAT_H

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#endif

#endif
