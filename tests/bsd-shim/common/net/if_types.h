/* COMPILE-CHECK SHIM (tests/bsd-shim/README.md): not a system header.
 * The interface types platform/platform_bsd.c accepts, with their IANA ifType
 * values, which macOS, FreeBSD, OpenBSD and NetBSD all use. */
#ifndef DSR_SHIM_NET_IF_TYPES_H
#define DSR_SHIM_NET_IF_TYPES_H

#define IFT_ETHER 0x6
#define IFT_LOOP 0x18
#define IFT_L2VLAN 0x87
#define IFT_IEEE8023ADLAG 0x88
#define IFT_BRIDGE 0xd1

#endif
