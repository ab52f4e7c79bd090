/* The one seam between dsrcheck and the operating system's network: which
 * interface, which addresses and MAC, which gateway, the clock and randomness.
 * Linux is platform/platform_linux.c, macOS/BSD platform/platform_bsd.c, Windows (IP
 * Helper, Winsock) platform/platform_windows.c; the Makefile compiles the one whose
 * suffix names the platform. Process services (signals, files, terminals) are
 * in platform/os.h. */
#ifndef DSR_PLATFORM_H
#define DSR_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "netcompat.h"

#define DSR_IFACE_MAX_ADDRS 32
#define DSR_IFACE_MAX_STACKED 16

struct dsr_iface {
	char name[64]; /* as the user names it: "eth0", "Ethernet 2" */
	/* What the capture library opens when that is not name: Npcap's
	 * \Device\NPF_{GUID} on Windows. Empty elsewhere. */
	char device[64];
	uint8_t mac[6];
	/* addrs[0] is the source address of our probes */
	struct in_addr addrs[DSR_IFACE_MAX_ADDRS];
	struct in_addr masks[DSR_IFACE_MAX_ADDRS];
	size_t naddrs;
	bool has_gateway;
	struct in_addr gateway;
	/* The interface is an 802.1Q sub-interface (eth0.20): its VLAN id, else 0. */
	uint16_t vlan;
	/* Addresses of interfaces stacked on this one (a macvlan such as
	 * keepalived's use_vmac vrrp.N, a VLAN): a VIP held there is this host's on
	 * this segment, answered with that interface's MAC. Linux only. */
	struct {
		char name[64];
		uint8_t mac[6];
		struct in_addr addr;
		uint16_t vlan; /* an 802.1Q device's VLAN id, else 0 */
	} stacked[DSR_IFACE_MAX_STACKED];
	size_t nstacked;
	/* IPv6 addresses held on this segment, by the interface or one stacked on
	 * it, with the MAC they are advertised with (Linux and BSD: every one;
	 * Windows: those duplicate address detection has passed): an IPv6 VIP
	 * among them is this host's. */
	struct {
		struct in6_addr addr;
		uint8_t mac[6];
		char name[64];
	} held6[DSR_IFACE_MAX_ADDRS];
	size_t nheld6;
};

/* Fills out for interface ifname, or (ifname empty) for the interface that
 * routes to route_to. Returns 0, or -1 with a message in err (no such
 * interface, not Ethernet, no IPv4 address, no route). */
int dsr_platform_iface(const char *ifname, struct in_addr route_to, struct dsr_iface *out, char *err,
		       size_t errlen);

/* Gives up every privilege the process holds once the capture and injection
 * handles are open, before the first captured byte is parsed: a parser bug
 * must not be a root exploit. On POSIX systems that includes uid 0 itself
 * (dsr_platform_leave_root). Returns 0, or -1 with a message in err. */
int dsr_platform_drop_privileges(char *err, size_t errlen);

/* True when dsr_platform_drop_privileges will leave uid 0: from then on the
 * process cannot create or rename files where only root may (cmd/publish.c). */
bool dsr_platform_leaves_root(void);

#ifndef _WIN32
/* POSIX (platform/privilege_posix.c): become the user who asked for root
 * (sudo's SUDO_UID/SUDO_GID, doas's DOAS_USER), else nobody, with that one
 * group; a set-ID binary goes back to its real ids. Fails when root could
 * still be regained afterwards. Returns 0, or -1 with a message in err. */
int dsr_platform_leave_root(char *err, size_t errlen);
#endif

/* Fills buf with unpredictable bytes (probe identifiers). Returns 0 or -1. */
int dsr_platform_random(void *buf, size_t len);

/* Wall-clock time, the clock capture timestamps use. */
void dsr_platform_now(struct timeval *tv);

/* Pure helpers over a filled dsr_iface. */
const char *dsr_iface_device(const struct dsr_iface *ifc);
bool dsr_iface_on_link(const struct dsr_iface *ifc, struct in_addr addr);
bool dsr_iface_has_addr(const struct dsr_iface *ifc, struct in_addr addr);
/* The interface (or stacked one) holding IPv6 address addr, NULL for none;
 * *mac, when mac is not NULL, the MAC it advertises it with. */
const char *dsr_iface_holder6(const struct dsr_iface *ifc, const struct in6_addr *addr, const uint8_t **mac);
/* Records an IPv6 address held on the segment by interface name with MAC mac. */
void dsr_iface_add_held6(struct dsr_iface *ifc, const char *name, const struct in6_addr *addr,
			 const uint8_t mac[6]);
/* The interface that holds addr: this one (its name), one stacked on it, or
 * NULL. *mac (when not NULL) receives the MAC it answers ARP with. */
const char *dsr_iface_holder(const struct dsr_iface *ifc, struct in_addr addr, const uint8_t **mac);
/* Used by the platform files as they read an interface. Adds one of its
 * addresses; the source address of our probes goes first: the one the route
 * chose (route_src, when the platform knows it), else the first on route_to's
 * subnet. Addresses beyond DSR_IFACE_MAX_ADDRS are left out. */
void dsr_iface_add_addr(struct dsr_iface *ifc, struct in_addr addr, struct in_addr mask,
			const struct in_addr *route_src, struct in_addr route_to);
/* The same refusals on every platform: not found, not Ethernet, no IPv4 address.
 * Returns 0, or -1 with a message in err. */
int dsr_iface_usable(const struct dsr_iface *ifc, bool found, bool has_mac, char *err, size_t errlen);

#endif
