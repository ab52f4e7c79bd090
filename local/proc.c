/* Linux text from /proc and /sys, parsed: the sysctl tree, /proc/net/tcp and
 * /proc/net/route. Plain stdio and pure parsers, kept apart from the collector
 * so that recorded trees and tables are tested on every platform. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "local.h"

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
			continue; /* an IPv6 address: not the VIP */
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

