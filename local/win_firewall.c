/* Windows Firewall rules as the registry stores them (values of
 * HKLM\SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy\
 * FirewallRules), for local.firewall: the vendor's step 1 says Windows Firewall
 * blocks connections to the loopback adapter by default, so either the profiles
 * are off or a rule must let the service port in. Pure; the strings are hostile
 * (they come from a snapshot file) and every field is bounded.
 *
 *   v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Public|LPort=80|
 *   LPort=8000-8080|LA4=198.18.0.100|LA4=198.18.0.0/255.255.255.0|Name=Web|
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "local.h"
#include "../src/parse.h"

static bool parse_number(const char *s, size_t n, unsigned max, unsigned *out)
{
	unsigned v = 0;

	if (n == 0 || n > 5)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

static void add_port(struct dsr_winfw_rule *r, const char *v, size_t n)
{
	const char *dash = memchr(v, '-', n);
	unsigned lo, hi;

	if (n == 3 && memcmp(v, "Any", 3) == 0) {
		r->any_port = true;
		return;
	}
	if (dash ? parse_number(v, (size_t)(dash - v), 65535, &lo) &&
			   parse_number(dash + 1, n - (size_t)(dash - v) - 1, 65535, &hi)
		 : parse_number(v, n, 65535, &lo) && (hi = lo, true)) {
		if (lo <= hi && r->nports < sizeof(r->ports) / sizeof(r->ports[0])) {
			r->ports[r->nports][0] = (uint16_t)lo;
			r->ports[r->nports++][1] = (uint16_t)hi;
			return;
		}
	}
	r->uncertain = true; /* RPC, RPC-EPMap, IPHTTPS, a list too long ... */
}

static bool parse_ip(const char *v, size_t n, uint32_t *out)
{
	char buf[16];
	struct in_addr a;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (dsr_parse_ipv4(buf, &a) < 0)
		return false;
	*out = ntohl(a.s_addr);
	return true;
}

/* A, A-B, A/LEN or A/MASK. */
static void add_address(struct dsr_winfw_rule *r, const char *v, size_t n)
{
	const char *dash = memchr(v, '-', n), *slash = memchr(v, '/', n);
	uint32_t lo, hi, mask;
	unsigned len;

	if (n == 3 && memcmp(v, "Any", 3) == 0) {
		r->any_address = true;
		return;
	}
	if (r->naddrs == sizeof(r->addrs) / sizeof(r->addrs[0])) {
		r->uncertain = true;
		return;
	}
	if (dash && parse_ip(v, (size_t)(dash - v), &lo) &&
	    parse_ip(dash + 1, n - (size_t)(dash - v) - 1, &hi) && lo <= hi) {
		/* a range */
	} else if (slash && parse_ip(v, (size_t)(slash - v), &lo)) {
		size_t rest = n - (size_t)(slash - v) - 1;
		if (parse_number(slash + 1, rest, 32, &len))
			mask = len ? ~0u << (32 - len) : 0;
		else if (!parse_ip(slash + 1, rest, &mask)) {
			r->uncertain = true;
			return;
		}
		lo &= mask;
		hi = lo | ~mask;
	} else if (!dash && !slash && parse_ip(v, n, &lo)) {
		hi = lo;
	} else {
		r->uncertain = true; /* LocalSubnet, DNS, an IPv4 we cannot read ... */
		return;
	}
	r->addrs[r->naddrs][0] = lo;
	r->addrs[r->naddrs++][1] = hi;
}

/* IPv6: A, A-B or A/LEN (LA6 values). */
static void add_address6(struct dsr_winfw_rule *r, const char *v, size_t n)
{
	const char *dash = memchr(v, '-', n), *slash = memchr(v, '/', n);
	char lo_text[64], hi_text[64];
	struct in6_addr lo, hi;
	unsigned len;

	if (n == 3 && memcmp(v, "Any", 3) == 0) {
		r->any_address6 = true;
		return;
	}
	if (r->naddrs6 == sizeof(r->addrs6) / sizeof(r->addrs6[0])) {
		r->uncertain = true;
		return;
	}
	size_t first = dash ? (size_t)(dash - v) : slash ? (size_t)(slash - v) : n;
	size_t rest = n - first - (first < n);
	if (first >= sizeof(lo_text) || rest >= sizeof(hi_text)) {
		r->uncertain = true;
		return;
	}
	memcpy(lo_text, v, first);
	lo_text[first] = '\0';
	memcpy(hi_text, v + n - rest, rest);
	hi_text[rest] = '\0';
	if (dsr_parse_ipv6(lo_text, &lo) < 0) {
		r->uncertain = true; /* LocalSubnet, DNS, ... */
		return;
	}
	hi = lo;
	if (dash && (dsr_parse_ipv6(hi_text, &hi) < 0 || memcmp(&lo, &hi, 16) > 0)) {
		r->uncertain = true;
		return;
	}
	if (!dash && slash) {
		if (dsr_parse_uint(hi_text, 0, 128, &len) < 0) {
			r->uncertain = true;
			return;
		}
		for (unsigned bit = len; bit < 128; bit++) {
			lo.s6_addr[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
			hi.s6_addr[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
		}
	}
	r->addrs6[r->naddrs6][0] = lo;
	r->addrs6[r->naddrs6++][1] = hi;
}

static bool field_is(const char *f, size_t n, const char *key, const char **value, size_t *vlen)
{
	size_t k = strlen(key);

	if (n <= k || memcmp(f, key, k) != 0 || f[k] != '=')
		return false;
	*value = f + k + 1;
	*vlen = n - k - 1;
	return true;
}

static bool value_is(const char *v, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(v, want, n) == 0;
}

void dsr_winfw_rule_parse(const char *text, struct dsr_winfw_rule *out)
{
	bool named_profile = false;
	const char *p = text;

	memset(out, 0, sizeof(*out));
	out->protocol = -1;
	if (strncmp(text, "v2.", 3) != 0)
		return;
	out->valid = true;
	while (*p) {
		size_t n = strcspn(p, "|"), vlen;
		const char *v;

		if (field_is(p, n, "Action", &v, &vlen)) {
			out->allow = value_is(v, vlen, "Allow");
		} else if (field_is(p, n, "Active", &v, &vlen)) {
			out->active = value_is(v, vlen, "TRUE");
		} else if (field_is(p, n, "Dir", &v, &vlen)) {
			out->inbound = value_is(v, vlen, "In");
		} else if (field_is(p, n, "Protocol", &v, &vlen)) {
			unsigned proto;
			out->protocol = parse_number(v, vlen, 255, &proto) ? (int)proto : -2;
		} else if (field_is(p, n, "Profile", &v, &vlen)) {
			named_profile = true;
			if (value_is(v, vlen, "Domain"))
				out->profiles[DSR_FW_DOMAIN] = true;
			else if (value_is(v, vlen, "Private"))
				out->profiles[DSR_FW_PRIVATE] = true;
			else if (value_is(v, vlen, "Public"))
				out->profiles[DSR_FW_PUBLIC] = true;
		} else if (field_is(p, n, "LPort", &v, &vlen)) {
			add_port(out, v, vlen);
		} else if (field_is(p, n, "LA4", &v, &vlen)) {
			out->has_la4 = true;
			add_address(out, v, vlen);
		} else if (field_is(p, n, "LA6", &v, &vlen)) {
			out->has_la6 = true;
			add_address6(out, v, vlen);
		} else if (field_is(p, n, "Name", &v, &vlen)) {
			snprintf(out->name, sizeof(out->name), "%.*s",
				 (int)(vlen < sizeof(out->name) ? vlen : sizeof(out->name) - 1), v);
		}
		p += n;
		if (*p == '|')
			p++;
	}
	if (!named_profile)
		for (int i = 0; i < DSR_FW_NPROFILES; i++)
			out->profiles[i] = true;
	/* A rule without ports or addresses applies to all of them. */
	if (out->nports == 0 && !out->uncertain)
		out->any_port = true;
	if (out->naddrs == 0 && (out->has_la4 || !out->has_la6))
		out->any_address = true; /* LA6 alone limits the rule to IPv6 */
	/* LA4 alone limits the rule to IPv4; neither LA4 nor LA6: every address */
	if (!out->has_la4 && !out->has_la6)
		out->any_address6 = true;
}

bool dsr_winfw_rule_matches(const struct dsr_winfw_rule *r, struct in_addr vip, int port,
			    enum dsr_local_fw_profile profile)
{
	uint32_t a = ntohl(vip.s_addr);
	bool port_ok = r->any_port, addr_ok = r->any_address;

	if (!r->valid || !r->active || !r->inbound || !r->profiles[profile])
		return false;
	if (r->protocol != -1 && r->protocol != 6)
		return false;
	for (size_t i = 0; i < r->nports && !port_ok && port >= 0; i++)
		port_ok = port >= r->ports[i][0] && port <= r->ports[i][1];
	for (size_t i = 0; i < r->naddrs && !addr_ok; i++)
		addr_ok = a >= r->addrs[i][0] && a <= r->addrs[i][1];
	return port_ok && addr_ok;
}

bool dsr_winfw_rule_matches6(const struct dsr_winfw_rule *r, const struct in6_addr *vip6, int port,
			     enum dsr_local_fw_profile profile)
{
	bool port_ok = r->any_port, addr_ok = r->any_address6;

	if (!r->valid || !r->active || !r->inbound || !r->profiles[profile])
		return false;
	if (r->protocol != -1 && r->protocol != 6)
		return false;
	for (size_t i = 0; i < r->nports && !port_ok && port >= 0; i++)
		port_ok = port >= r->ports[i][0] && port <= r->ports[i][1];
	for (size_t i = 0; i < r->naddrs6 && !addr_ok; i++)
		addr_ok = memcmp(vip6, &r->addrs6[i][0], 16) >= 0 && memcmp(vip6, &r->addrs6[i][1], 16) <= 0;
	return port_ok && addr_ok;
}
