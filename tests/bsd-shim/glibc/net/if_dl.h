/* COMPILE-CHECK SHIM (tests/bsd-shim/README.md): not a system header.
 * struct sockaddr_dl as each system declares it; only sdl_data's size differs. */
#ifndef DSR_SHIM_NET_IF_DL_H
#define DSR_SHIM_NET_IF_DL_H

#include <sys/types.h>

#if defined(__FreeBSD__)
#define DSR_SHIM_SDL_DATA 46
#elif defined(__OpenBSD__)
#define DSR_SHIM_SDL_DATA 24
#else
#define DSR_SHIM_SDL_DATA 12
#endif

struct sockaddr_dl {
	unsigned char sdl_len;
	unsigned char sdl_family;
	unsigned short sdl_index;
	unsigned char sdl_type;
	unsigned char sdl_nlen;
	unsigned char sdl_alen;
	unsigned char sdl_slen;
	char sdl_data[DSR_SHIM_SDL_DATA];
};

#define LLADDR(s) ((char *)((s)->sdl_data + (s)->sdl_nlen))

#endif
