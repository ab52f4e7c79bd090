/* Parsers for the values users type: durations, addresses, MACs, ports, counts.
 * Each returns 0 on success and -1 on anything else, without partial writes. */
#ifndef DSR_PARSE_H
#define DSR_PARSE_H

#include <stdint.h>

#include "../platform/netcompat.h"

/* "1000ms", "1.5s", "250" (milliseconds), "2s", "5m", "1h"; 0 < result <= max_ms */
int dsr_parse_duration_ms(const char *text, unsigned max_ms, unsigned *out_ms);
/* dotted quad only: "198.18.0.1"; no shorthand forms like "10.1" */
int dsr_parse_ipv4(const char *text, struct in_addr *out);
/* "02:00:00:00:00:11" or "02-00-00-00-00-11", case-insensitive */
int dsr_parse_mac(const char *text, uint8_t out[6]);
/* the value of one hexadecimal digit, or -1 */
int dsr_hex_digit(char c);
/* decimal, min <= value <= max, no sign, no trailing garbage */
int dsr_parse_uint(const char *text, unsigned min, unsigned max, unsigned *out);
/* Formatting into caller buffers (at least 18 and 16 bytes). */
void dsr_format_mac(const uint8_t mac[6], char out[18]);
void dsr_format_ipv4(struct in_addr addr, char out[16]);

#endif
