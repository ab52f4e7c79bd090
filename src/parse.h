/* Parsers for the values users type: durations, addresses, MACs, ports, counts.
 * Each returns 0 on success and -1 on anything else, without partial writes. */
#ifndef DSR_PARSE_H
#define DSR_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "../platform/netcompat.h"

/* "1000ms", "1.5s", "250" (milliseconds), "2s", "5m", "1h"; 0 < result <= max_ms */
int dsr_parse_duration_ms(const char *text, unsigned max_ms, unsigned *out_ms);
/* dotted quad only: "198.18.0.1"; no shorthand forms like "10.1" */
int dsr_parse_ipv4(const char *text, struct in_addr *out);
/* RFC 4291 text ("2001:2::100", "::ffff:..." too), no zone ("%eth0"), no brackets */
int dsr_parse_ipv6(const char *text, struct in6_addr *out);
/* "02:00:00:00:00:11" or "02-00-00-00-00-11", case-insensitive */
int dsr_parse_mac(const char *text, uint8_t out[6]);
/* the value of one hexadecimal digit, or -1 */
int dsr_hex_digit(char c);
/* decimal, min <= value <= max, no sign, no trailing garbage */
int dsr_parse_uint(const char *text, unsigned min, unsigned max, unsigned *out);

/* The VLAN id in Linux's /proc/net/vlan/IFACE ("eth0.20  VID: 20  REORDER_HDR: 1 ...").
 * Returns it (1-4094), or 0 when text names none. */
unsigned dsr_parse_proc_vlan(const char *text);
/* "198.18.2.1-198.18.2.250": first <= last, in host byte order */
int dsr_parse_ipv4_range(const char *text, uint32_t *first, uint32_t *last);
/* "198.18.2.0/24" (no host bits set): its host addresses, in host byte order;
 * without the network and broadcast addresses unless the prefix is /31 or /32 */
int dsr_parse_ipv4_prefix(const char *text, uint32_t *first, uint32_t *last);

/* Why an address cannot be a host that dsrcheck probes (loopback, multicast...),
 * or NULL when it can. */
const char *dsr_ipv4_unusable(struct in_addr a);
const char *dsr_ipv6_unusable(const struct in6_addr *a);
/* Why a MAC cannot belong to one network card (all zeros, multicast), or NULL. */
const char *dsr_mac_unusable(const uint8_t mac[6]);

/* n bytes of s for a message, into out: printable UTF-8 as is, control bytes and
 * invalid UTF-8 as \xNN, cut with "..." when long. Returns out. */
#define DSR_QUOTE_MAX 80
const char *dsr_quote(char out[DSR_QUOTE_MAX], const char *s, size_t n);

/* Formatting into caller buffers (at least 18 and 16 bytes). */
void dsr_format_mac(const uint8_t mac[6], char out[18]);
void dsr_format_ipv4(struct in_addr addr, char out[16]);
/* RFC 5952's canonical text (lower case, the longest run of zeros as "::") */
#define DSR_IPV6_TEXT 46
void dsr_format_ipv6(const struct in6_addr *addr, char out[DSR_IPV6_TEXT]);
/* "600s", "24h", "1500ms": the largest whole unit */
void dsr_format_duration(unsigned ms, char out[16]);

#endif
