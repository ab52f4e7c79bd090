/* Shared by the report writers and their registry only; callers use report.h. */
#ifndef DSR_REPORT_WRITERS_H
#define DSR_REPORT_WRITERS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"

extern const struct dsr_report_writer dsr_report_text;
extern const struct dsr_report_writer dsr_report_json;
extern const struct dsr_report_writer dsr_report_junit;
extern const struct dsr_report_writer dsr_report_prometheus;
extern const struct dsr_report_writer dsr_report_nagios;
extern const struct dsr_report_writer dsr_report_html;

/* How the vantage reaches its VLANs, for a sentence about it: "" when it is
 * on no VLAN, else ", VLAN 20 as a sub-interface" or ", on the trunk: VLAN 20
 * tagged from 198.18.20.60 (dsrcheck answers ARP for it), VLAN 30 ...". */
#define DSR_VANTAGE_VLANS_TEXT 768
void dsr_vantage_vlans_text(const struct dsr_vantage *v, char *out, size_t outlen);

/* "VLAN 20: " before a finding on a VLAN, unless its summary names the VLAN
 * already; "" otherwise. Written into buf. */
struct dsr_finding;
const char *dsr_finding_vlan_prefix(const struct dsr_finding *f, char *buf, size_t len);

/* s as a JSON string, escaped as the json report escapes it; NULL is null. */
void dsr_json_string(FILE *out, const char *s);

#define DSR_UTF8_INVALID UINT32_MAX

/* Decodes the UTF-8 character at s[0..n), n >= 1. Returns the bytes it takes and
 * sets *cp. Invalid input (stray or missing continuation bytes, overlong forms,
 * surrogates, beyond U+10FFFF) sets *cp to DSR_UTF8_INVALID and returns the length
 * of its longest valid-looking prefix, at least 1: Unicode's "maximal subpart", so
 * each broken character becomes exactly one replacement. Names and summaries
 * carry bytes from the wire, and writers must not pass broken text on. */
static inline size_t dsr_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char b = s[0], lo = 0x80, hi = 0xbf;
	size_t need;
	uint32_t c;

	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b >= 0xc2 && b <= 0xdf) {
		need = 1;
		c = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		need = 2;
		c = b & 0x0f;
		if (b == 0xe0)
			lo = 0xa0; /* overlong */
		else if (b == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (b >= 0xf0 && b <= 0xf4) {
		need = 3;
		c = b & 0x07;
		if (b == 0xf0)
			lo = 0x90; /* overlong */
		else if (b == 0xf4)
			hi = 0x8f; /* beyond U+10FFFF */
	} else {
		*cp = DSR_UTF8_INVALID;
		return 1;
	}
	for (size_t i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*cp = DSR_UTF8_INVALID;
			return i;
		}
		c = (c << 6) | (s[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = c;
	return need + 1;
}

#endif
