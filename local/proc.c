/* Linux text from /proc and /sys, parsed: the sysctl tree, /proc/net/tcp,
 * /proc/net/route, /proc/net/if_inet6 and `ip -6 neigh show proxy`. Plain stdio and pure parsers, kept apart from the collector
 * so that recorded trees and tables are tested on every platform. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "local.h"
#include "../src/parse.h"

/* Reads path (at most max bytes) into a malloc'd NUL-terminated buffer. */
char *dsr_local_read_text(const char *path, size_t max, size_t *len)
{
	FILE *in = fopen(path, "rb");
	char *buf;
	size_t n = 0;

	if (!in)
		return NULL;
	buf = malloc(max + 1);
	if (buf) {
		/* /proc files report size 0: read until the end */
		size_t got;
		while (n < max && (got = fread(buf + n, 1, max - n, in)) > 0)
			n += got;
		buf[n] = '\0';
	}
	fclose(in);
	if (len)
		*len = n;
	return buf;
}

int dsr_local_read_int(const char *path)
{
	char *text = dsr_local_read_text(path, 64, NULL);
	char *end;
	long v;

	if (!text)
		return DSR_LOCAL_UNKNOWN;
	errno = 0;
	v = strtol(text, &end, 10);
	if (end == text || errno || v < 0 || v > 0x7fffffff || (*end && *end != '\n'))
		v = DSR_LOCAL_UNKNOWN;
	free(text);
	return (int)v;
}

bool dsr_local_ifname_ok(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

void dsr_local_read_sysctls(const char *root, struct dsr_local_snapshot *s)
{
	char path[512];
	static const char *const keys[] = {"arp_ignore", "arp_announce", "rp_filter"};
	int *all[] = {&s->all_arp_ignore, &s->all_arp_announce, &s->all_rp_filter};

	for (size_t k = 0; k < 3; k++) {
		snprintf(path, sizeof(path), "%s/proc/sys/net/ipv4/conf/all/%s", root, keys[k]);
		*all[k] = dsr_local_read_int(path);
	}
	for (size_t i = 0; i < s->nifaces; i++) {
		struct dsr_local_iface *f = &s->ifaces[i];
		int *vals[] = {&f->arp_ignore, &f->arp_announce, &f->rp_filter};

		for (size_t k = 0; k < 3; k++) {
			*vals[k] = DSR_LOCAL_UNKNOWN;
			if (!dsr_local_ifname_ok(f->name))
				continue;
			snprintf(path, sizeof(path), "%s/proc/sys/net/ipv4/conf/%s/%s", root, f->name,
				 keys[k]);
			*vals[k] = dsr_local_read_int(path);
		}
	}
}

/* /proc prints each 32-bit word of an address with %08X in host byte order. */
static bool hex_word(const char *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
						   : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return false;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return true;
}

static void add_listener(struct dsr_local_snapshot *s, const char *addr, unsigned port)
{
	struct dsr_local_listener *l;

	if (s->nlisteners == DSR_LOCAL_MAX_LISTEN || port == 0 || port > 65535)
		return;
	for (size_t i = 0; i < s->nlisteners; i++)
		if (s->listeners[i].port == port && strcmp(s->listeners[i].addr, addr) == 0)
			return;
	l = &s->listeners[s->nlisteners++];
	snprintf(l->addr, sizeof(l->addr), "%s", addr);
	l->port = (uint16_t)port;
}

void dsr_local_parse_proc_tcp(const char *text, bool ipv6, struct dsr_local_snapshot *s)
{
	const size_t hexlen = ipv6 ? 32 : 8;

	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		const char *colon = strchr(line, ':'), *nl = strchr(line, '\n');
		const char *a, *port_hex, *state;
		uint32_t words[4] = {0, 0, 0, 0}, port;
		char addr[48];

		/* "  0: 0100007F:0035 00000000:0000 0A ..." */
		if (!colon || (nl && colon > nl))
			continue;
		a = colon + 1;
		while (*a == ' ')
			a++;
		if (strlen(a) < hexlen + 1 + 4 || a[hexlen] != ':')
			continue;
		port_hex = a + hexlen + 1;
		state = strchr(port_hex, ' ');
		if (!state || (nl && state > nl))
			continue;
		state = strchr(state + 1, ' '); /* past the remote address */
		if (!state || (nl && state > nl) || strncmp(state + 1, "0A", 2) != 0)
			continue;
		char four[9] = "0000";
		memcpy(four + 4, port_hex, 4);
		if (!hex_word(four, &port))
			continue;
		bool ok = true;
		for (size_t w = 0; w < hexlen / 8 && ok; w++)
			ok = hex_word(a + 8 * w, &words[w]);
		if (!ok)
			continue;
		if (!ipv6) {
			struct in_addr in = {.s_addr = words[0]};
			inet_ntop(AF_INET, &in, addr, sizeof(addr));
		} else if (!words[0] && !words[1] && !words[2] && !words[3]) {
			snprintf(addr, sizeof(addr), "::");
		} else if (!words[0] && !words[1] && words[2] == htonl(0xffff)) {
			struct in_addr in = {.s_addr = words[3]};
			inet_ntop(AF_INET, &in, addr, sizeof(addr));
		} else {
			/* each word is the kernel's __be32 printed as a host-order number */
			struct in6_addr in6;
			for (int w = 0; w < 4; w++)
				memcpy(&in6.s6_addr[4 * w], &words[w], 4);
			dsr_format_ipv6(&in6, addr);
		}
		add_listener(s, addr, port);
	}
}

void dsr_local_parse_proc_route(const char *text, struct dsr_local_snapshot *s)
{
	char line[512];

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char dev[64], dest[16], gw[16], mask[16];
		unsigned flags;
		uint32_t d, m;

		snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1), p);
		p = nl ? nl + 1 : NULL;
		/* Iface Destination Gateway Flags RefCnt Use Metric Mask ... */
		if (sscanf(line, "%63s %15s %15s %x %*s %*s %*s %15s", dev, dest, gw, &flags, mask) != 5 ||
		    strlen(dest) != 8 || strlen(mask) != 8 || !hex_word(dest, &d) || !hex_word(mask, &m) ||
		    !(flags & 1) || s->nroutes == DSR_LOCAL_MAX_ROUTES)
			continue;
		struct dsr_local_route *r = &s->routes[s->nroutes++];
		r->dest.addr.s_addr = d;
		r->dest.prefix = (unsigned)__builtin_popcount(m);
		snprintf(r->dev, sizeof(r->dev), "%s", dev);
	}
}


void dsr_local_read_sysctls6(const char *root, struct dsr_local_snapshot *s)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/proc/sys/net/ipv6/conf/all/proxy_ndp", root);
	s->all_proxy_ndp = dsr_local_read_int(path);
	for (size_t i = 0; i < s->nifaces; i++) {
		struct dsr_local_iface *f = &s->ifaces[i];

		f->proxy_ndp = DSR_LOCAL_UNKNOWN;
		if (!dsr_local_ifname_ok(f->name))
			continue;
		snprintf(path, sizeof(path), "%s/proc/sys/net/ipv6/conf/%s/proxy_ndp", root, f->name);
		f->proxy_ndp = dsr_local_read_int(path);
	}
}

/* n hex digits at p (no more, no less) into *out; false on any other byte. */
static bool hex_field(const char *p, size_t n, unsigned *out)
{
	unsigned v = 0;

	if (n == 0 || n > 8)
		return false;
	for (size_t i = 0; i < n; i++) {
		int d = dsr_hex_digit(p[i]);
		if (d < 0)
			return false;
		v = v << 4 | (unsigned)d;
	}
	*out = v;
	return true;
}

/* The next blank-separated field of [*p, end): its start and length. */
static bool next_field(const char **p, const char *end, const char **start, size_t *len)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
	*start = *p;
	while (*p < end && **p != ' ' && **p != '\t')
		(*p)++;
	*len = (size_t)(*p - *start);
	return *len > 0;
}

/* One line of if_inet6, [line, end): "20010002000000000000000000000100 01 80 00 80 lo".
 * The kernel prints the address as 32 hex digits, the index, prefix, scope and
 * flags (IFA_F_* cut to a byte) with %02x, the name with %8s. */
static bool if_inet6_line(const char *line, const char *end, struct dsr_local_snapshot *s)
{
	const char *p = line, *f[7];
	size_t n[7];
	unsigned index, prefix, scope, flags;
	struct dsr_local_addr6 a;
	char name[DSR_LOCAL_NAME];
	struct dsr_local_iface *ifc;

	for (int k = 0; k < 6; k++)
		if (!next_field(&p, end, &f[k], &n[k]))
			return false;
	if (next_field(&p, end, &f[6], &n[6])) /* a seventh field */
		return false;
	if (n[0] != 32 || n[4] > 2 || n[5] >= sizeof(name))
		return false;
	for (int w = 0; w < 16; w++) {
		unsigned byte;
		if (!hex_field(f[0] + 2 * w, 2, &byte))
			return false;
		a.addr.s6_addr[w] = (uint8_t)byte;
	}
	if (!hex_field(f[1], n[1], &index) || !hex_field(f[2], n[2], &prefix) || prefix > 128 ||
	    !hex_field(f[3], n[3], &scope) || !hex_field(f[4], n[4], &flags))
		return false;
	memcpy(name, f[5], n[5]);
	name[n[5]] = '\0';
	if (!(ifc = dsr_local_find_iface(s, name)) || ifc->naddrs6 == DSR_LOCAL_MAX_IFACE_ADDRS)
		return false;
	a.prefix = prefix;
	a.flags = flags;
	ifc->addrs6[ifc->naddrs6++] = a;
	return true;
}

size_t dsr_local_parse_if_inet6(const char *text, struct dsr_local_snapshot *s)
{
	size_t skipped = 0;

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);

		if (end > p && !if_inet6_line(p, end, s))
			skipped++;
		p = nl ? nl + 1 : NULL;
	}
	return skipped;
}

size_t dsr_local_parse_ndp_proxies(const char *text, struct dsr_local_snapshot *s)
{
	size_t skipped = 0;

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p), *f[3];
		size_t n[3];
		const char *q = p;
		char addr[64];
		struct dsr_local_ndp_proxy *e = &s->ndp_proxies[s->nndp_proxies];

		p = nl ? nl + 1 : NULL;
		if (!next_field(&q, end, &f[0], &n[0]))
			continue; /* blank */
		/* "ADDR dev NAME [proxy|router|...]" */
		if (!next_field(&q, end, &f[1], &n[1]) || !next_field(&q, end, &f[2], &n[2]) ||
		    n[1] != 3 || memcmp(f[1], "dev", 3) != 0 || n[0] >= sizeof(addr) ||
		    n[2] >= sizeof(e->dev) || s->nndp_proxies == DSR_LOCAL_MAX_NDP_PROXIES) {
			skipped++;
			continue;
		}
		memcpy(addr, f[0], n[0]);
		addr[n[0]] = '\0';
		if (dsr_parse_ipv6(addr, &e->addr) < 0) {
			skipped++;
			continue;
		}
		memcpy(e->dev, f[2], n[2]);
		e->dev[n[2]] = '\0';
		s->nndp_proxies++;
	}
	return skipped;
}
