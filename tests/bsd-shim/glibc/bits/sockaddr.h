/* COMPILE-CHECK SHIM (tests/bsd-shim/README.md): replaces glibc's
 * bits/sockaddr.h so that every sockaddr has the 4.4BSD layout: a length
 * byte, then a one-byte family. */
#ifndef _BITS_SOCKADDR_H
#define _BITS_SOCKADDR_H 1

typedef unsigned char sa_family_t;

#define __SOCKADDR_COMMON(sa_prefix) \
	unsigned char sa_prefix##len; \
	sa_family_t sa_prefix##family

#define __SOCKADDR_COMMON_SIZE (2 * sizeof(unsigned char))

#define _SS_SIZE 128

#endif
