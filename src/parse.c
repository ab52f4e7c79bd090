/* Parsers for the values users type. They are strict on purpose: a value that
 * could be read two ways ("010.0.0.1" as octal, "1.5ms") is refused rather than
 * guessed, so that what dsrcheck probes is exactly what the user meant. */
#include "parse.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../platform/netcompat.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int dsr_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads the digits at *p into *value; fails when there are none or the number
 * exceeds limit. Advances *p past the digits. */
static int read_digits(const char **p, unsigned long long limit, unsigned long long *value)
{
	const char *s = *p;
	unsigned long long v = 0;

	if (!is_digit(*s))
		return -1;
	for (; is_digit(*s); s++) {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > limit)
			return -1;
	}
	*p = s;
	*value = v;
	return 0;
}

int dsr_parse_uint(const char *text, unsigned min, unsigned max, unsigned *out)
{
	unsigned long long v;
	const char *p = text;

	if (!text || read_digits(&p, UINT_MAX, &v) < 0 || *p != '\0')
		return -1;
	if (v < min || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int dsr_parse_duration_ms(const char *text, unsigned max_ms, unsigned *out_ms)
{
	unsigned long long whole, ms, frac = 0;
	bool has_frac = false;
	const char *p = text;

	if (!text || read_digits(&p, UINT_MAX, &whole) < 0)
		return -1;
	if (*p == '.') {
		/* Fractions only make sense for seconds and only down to whole ms:
		 * "1.5s" is 1500ms, "1.0005s" is refused instead of rounded. */
		unsigned scale = 100;
		p++;
		if (!is_digit(*p))
			return -1;
		for (; is_digit(*p); p++) {
			if (scale > 0) {
				frac += (unsigned)(*p - '0') * scale;
				scale /= 10;
			} else if (*p != '0') {
				return -1;
			}
		}
		has_frac = true;
	}
	if (strcmp(p, "s") == 0) {
		ms = whole * 1000 + frac;
	} else if (strcmp(p, "m") == 0 || strcmp(p, "min") == 0) {
		/* watch intervals and timers are minutes; fractions of them are not needed */
		if (has_frac)
			return -1;
		ms = whole * 60000;
	} else if (strcmp(p, "h") == 0) {
		if (has_frac)
			return -1;
		ms = whole * 3600000;
	} else if (strcmp(p, "ms") == 0 || *p == '\0') {
		if (has_frac)
			return -1;
		ms = whole;
	} else {
		return -1;
	}
	if (ms == 0 || ms > UINT_MAX || ms > max_ms)
		return -1;
	*out_ms = (unsigned)ms;
	return 0;
}

int dsr_parse_ipv4(const char *text, struct in_addr *out)
{
	uint32_t addr = 0;
	const char *p = text;

	if (!text)
		return -1;
	for (int i = 0; i < 4; i++) {
		const char *start;
		unsigned long long octet;

		if (i > 0 && *p++ != '.')
			return -1;
		start = p;
		if (read_digits(&p, 255, &octet) < 0)
			return -1;
		/* A leading zero reads as octal to inet_aton and friends: refuse it. */
		if (p - start > 1 && *start == '0')
			return -1;
		addr = addr << 8 | (uint32_t)octet;
	}
	if (*p != '\0')
		return -1;
	out->s_addr = htonl(addr);
	return 0;
}

int dsr_parse_mac(const char *text, uint8_t out[6])
{
	uint8_t mac[6];
	char sep = 0;

	if (!text)
		return -1;
	for (int i = 0; i < 6; i++) {
		const char *p = text + i * 3;
		int hi, lo;

		if ((hi = dsr_hex_digit(p[0])) < 0 || (lo = dsr_hex_digit(p[1])) < 0)
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
		if (i == 5)
			break;
		if (i == 0 && (p[2] == ':' || p[2] == '-'))
			sep = p[2];
		/* Found by fuzz_parse: without a separator, "00" followed by the end
		 * of the string matched sep == 0 and the next read went past it. */
		if (sep == 0 || p[2] != sep)
			return -1;
	}
	if (text[17] != '\0')
		return -1;
	memcpy(out, mac, sizeof(mac));
	return 0;
}

void dsr_format_mac(const uint8_t mac[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
}

void dsr_format_ipv4(struct in_addr addr, char out[16])
{
	uint32_t a = ntohl(addr.s_addr);

	snprintf(out, 16, "%u.%u.%u.%u", (unsigned)(a >> 24) & 255u, (unsigned)(a >> 16) & 255u,
		 (unsigned)(a >> 8) & 255u, (unsigned)a & 255u);
}
