/* Parsers for the values users type. They are strict on purpose: a value that
 * could be read two ways ("010.0.0.1" as octal, "1.5ms") is refused rather than
 * guessed, so that what dsrcheck probes is exactly what the user meant. */
#include "parse.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

int dsr_parse_ipv6(const char *text, struct in6_addr *out)
{
	struct in6_addr a;

	/* inet_pton is strict (no zone, no brackets, no trailing text) on every
	 * platform dsrcheck runs on; a string without ':' is never IPv6. */
	if (!text || !strchr(text, ':') || inet_pton(AF_INET6, text, &a) != 1)
		return -1;
	*out = a;
	return 0;
}

unsigned dsr_parse_proc_vlan(const char *text)
{
	const char *vid = strstr(text, "VID:");
	unsigned long id;
	char *end;

	if (!vid)
		return 0;
	vid += 4;
	while (*vid == ' ' || *vid == '\t')
		vid++;
	if (*vid < '0' || *vid > '9')
		return 0;
	id = strtoul(vid, &end, 10);
	if (id < 1 || id > 4094 || (*end != '\0' && *end != ' ' && *end != '\t' && *end != '\n'))
		return 0;
	return (unsigned)id;
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

void dsr_format_ipv6(const struct in6_addr *addr, char out[DSR_IPV6_TEXT])
{
	if (!inet_ntop(AF_INET6, addr, out, DSR_IPV6_TEXT))
		snprintf(out, DSR_IPV6_TEXT, "?");
}

/* "A-B": the addresses from A to B, both included, in host order. */
int dsr_parse_ipv4_range(const char *text, uint32_t *first, uint32_t *last)
{
	const char *dash = text ? strchr(text, '-') : NULL;
	char left[16];
	struct in_addr a, b;

	if (!dash || (size_t)(dash - text) >= sizeof(left))
		return -1;
	memcpy(left, text, (size_t)(dash - text));
	left[dash - text] = '\0';
	if (dsr_parse_ipv4(left, &a) < 0 || dsr_parse_ipv4(dash + 1, &b) < 0 ||
	    ntohl(b.s_addr) < ntohl(a.s_addr))
		return -1;
	*first = ntohl(a.s_addr);
	*last = ntohl(b.s_addr);
	return 0;
}

/* "A/N" with no bits set after the first N: its host addresses, in host order.
 * The network and broadcast addresses are not hosts, except in a /31 or /32
 * where there are none (RFC 3021). */
int dsr_parse_ipv4_prefix(const char *text, uint32_t *first, uint32_t *last)
{
	const char *slash = text ? strchr(text, '/') : NULL;
	char left[16];
	struct in_addr a;
	unsigned bits;

	if (!slash || (size_t)(slash - text) >= sizeof(left))
		return -1;
	memcpy(left, text, (size_t)(slash - text));
	left[slash - text] = '\0';
	if (dsr_parse_ipv4(left, &a) < 0 || dsr_parse_uint(slash + 1, 0, 32, &bits) < 0 ||
	    (slash[1] == '0' && slash[2] != '\0'))
		return -1;
	uint32_t net = ntohl(a.s_addr);
	uint32_t host = bits == 0 ? 0xffffffffu : (uint32_t)((1ull << (32 - bits)) - 1);
	if (net & host)
		return -1;
	*first = net;
	*last = net | host;
	if (bits < 31) {
		(*first)++;
		(*last)--;
	}
	return 0;
}

void dsr_format_duration(unsigned ms, char out[16])
{
	if (ms % 3600000 == 0 && ms > 0)
		snprintf(out, 16, "%uh", ms / 3600000);
	else if (ms % 1000 == 0 && ms > 0)
		snprintf(out, 16, "%us", ms / 1000);
	else
		snprintf(out, 16, "%ums", ms);
}

/* Why an address cannot stand for a host dsrcheck probes, or NULL. */
const char *dsr_ipv4_unusable(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	if (h >> 24 == 0)
		return "is not a host address";
	if (h >> 24 == 127)
		return "is a loopback address";
	if (h >> 28 == 14)
		return "is a multicast address";
	if (h >> 28 == 15)
		return "is a reserved or broadcast address";
	return NULL;
}

const char *dsr_ipv6_unusable(const struct in6_addr *a)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	const uint8_t *b = a->s6_addr;
	bool zero_head = true;

	for (int i = 0; i < 15; i++)
		zero_head = zero_head && b[i] == 0;
	if (zero_head && b[15] == 0)
		return "is the unspecified address";
	if (zero_head && b[15] == 1)
		return "is the loopback address";
	if (b[0] == 0xff)
		return "is a multicast address";
	/* A link-local address means nothing without its interface, and a VIP
	 * or a server is reached by a routable one. */
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return "is link-local (fe80::/10): give the global or unique-local address";
	if (memcmp(b, mapped, sizeof(mapped)) == 0)
		return "is an IPv4-mapped address: write the IPv4 address itself";
	return NULL;
}

/* Why a MAC cannot belong to one network card, or NULL. */
const char *dsr_mac_unusable(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	if (memcmp(mac, zero, 6) == 0)
		return "is all zeros";
	if (mac[0] & 1)
		return "is a multicast address";
	return NULL;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned min;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2, min = 0x80, cp = s[0] & 0x1fu;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3, min = 0x800, cp = s[0] & 0x0fu;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4, min = 0x10000, cp = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Copies n bytes of s into out for a message: printable text as is, control
 * characters and invalid UTF-8 as \xNN, and long values shortened with "...",
 * so that a stray byte in a file cannot garble the terminal or the message. */
const char *dsr_quote(char out[DSR_QUOTE_MAX], const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		size_t len = u[i] >= 0x20 && u[i] != 0x7f ? utf8_len(u + i, n - i) : 0;
		size_t need = len ? len : 4;

		if (o + need + 4 > DSR_QUOTE_MAX) { /* room for "..." and NUL */
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (len) {
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
		} else {
			snprintf(out + o, 5, "\\x%02x", u[i]);
			o += 4;
			i++;
		}
	}
	out[o] = '\0';
	return out;
}
