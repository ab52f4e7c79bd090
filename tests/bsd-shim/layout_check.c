/* COMPILE-CHECK SHIM (README.md): compiled, never run. Holds the headers in
 * use, real (macOS through zig) or shim (the other three), to the structure
 * sizes of the real systems on x86_64 and arm64, as recorded by cgo from the
 * systems' own headers (Go's golang.org/x/sys/unix ztypes_*.go tables). A
 * shim that drifts from the real layout fails here. */
#include <sys/types.h>
#include <sys/socket.h>

#include <net/if.h>
#include <net/if_dl.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stddef.h>

#if defined(__APPLE__)
#define RT_MSGHDR 92
#define RT_METRICS 56
#define SOCKADDR_DL 20
#elif defined(__FreeBSD__)
#define RT_MSGHDR 152
#define RT_METRICS 112
#define SOCKADDR_DL 54
#elif defined(__OpenBSD__)
#define RT_MSGHDR 96
#define RT_METRICS 56
#define SOCKADDR_DL 32
#elif defined(__NetBSD__)
#define RT_MSGHDR 120
#define RT_METRICS 80
#define SOCKADDR_DL 20
#else
#error "not a BSD target"
#endif

_Static_assert(sizeof(struct rt_msghdr) == RT_MSGHDR, "struct rt_msghdr size");
_Static_assert(sizeof(struct rt_metrics) == RT_METRICS, "struct rt_metrics size");
_Static_assert(sizeof(struct sockaddr_dl) == SOCKADDR_DL, "struct sockaddr_dl size");
_Static_assert(offsetof(struct sockaddr_dl, sdl_data) == 8, "sdl_data offset");
_Static_assert(sizeof(struct sockaddr_in) == 16, "struct sockaddr_in size");
_Static_assert(offsetof(struct sockaddr, sa_family) == 1, "sa_len comes first");
_Static_assert(offsetof(struct sockaddr_in, sin_addr) == 4, "sin_addr offset");
_Static_assert(RTAX_IFA == 5 && RTA_IFP == 0x10 && RTM_GET == 4, "routing constants");

int dsr_layout_checked;
