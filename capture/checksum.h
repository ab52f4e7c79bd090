/* The Internet checksum (RFC 1071), shared by what writes frames (probes/) and
 * what checks them (capture/decode.c: a Neighbor Discovery message with a bad
 * checksum is dropped by every host, so it claims nothing). */
#ifndef DSR_CHECKSUM_H
#define DSR_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#include "../platform/netcompat.h"

/* Adds len bytes at p, as big-endian 16-bit words, to a running sum; chain the
 * calls (pseudo-header, then the message), each part but the last of even length. */
uint32_t dsr_sum16(const uint8_t *p, size_t len, uint32_t sum);

/* The sum of IPv6's pseudo-header (RFC 8200 8.1: source, destination,
 * upper-layer length, next header), where an ICMPv6 or TCP checksum starts. */
uint32_t dsr_sum_pseudo6(const struct in6_addr *src, const struct in6_addr *dst, uint32_t len,
			 uint8_t next);

/* The one's complement of the folded sum: the value a checksum field holds, and
 * 0 when the sum ran over a message whose checksum is right. */
uint16_t dsr_sum_fold(uint32_t sum);

#endif
