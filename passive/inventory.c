#include "inventory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/catalogue.h"
#include "../src/parse.h"

const char *dsr_addr_state_name(enum dsr_addr_state state)
{
	switch (state) {
	case DSR_ADDR_OK:
		return "ok";
	/* The states that are arp.conflict's reasons are named by the catalogue. */
	case DSR_ADDR_CHANGED:
		return DSR_REASON(CHANGED);
	case DSR_ADDR_CONFLICT:
		return DSR_REASON(CONFLICT);
	case DSR_ADDR_FLIP_FLOP:
		return DSR_REASON(FLIP_FLOP);
	}
	return "unknown";
}

/* Untagged first, then each VLAN, then each QinQ pair: a segment's rows together. */
static uint32_t segment_key(const struct dsr_address *a)
{
	return (uint32_t)a->ntags << 24 | (uint32_t)(a->vlan & 0xfff) << 12 |
	       (a->ntags > 1 ? a->inner_vlan & 0xfff : 0);
}

static int by_segment_address(const void *a, const void *b)
{
	const struct dsr_address *p = a, *q = b;
	uint32_t x = segment_key(p), y = segment_key(q);
	if (x != y)
		return x < y ? -1 : 1;
	if (p->v6 != q->v6)
		return p->v6 ? 1 : -1;
	if (p->v6)
		return memcmp(&p->ip6, &q->ip6, sizeof(p->ip6));
	x = ntohl(p->ip.s_addr);
	y = ntohl(q->ip.s_addr);
	return x < y ? -1 : x > y;
}

void dsr_address_ip_text(const struct dsr_address *a, char out[DSR_IPV6_TEXT])
{
	if (a->v6)
		dsr_format_ipv6(&a->ip6, out);
	else
		dsr_format_ipv4(a->ip, out);
}

void dsr_address_vlan_text(const struct dsr_address *a, char out[16])
{
	if (a->ntags == 0)
		out[0] = '\0';
	else if (a->ntags == 1)
		snprintf(out, 16, "%u", (unsigned)a->vlan);
	else
		snprintf(out, 16, "%u.%u", (unsigned)a->vlan, (unsigned)a->inner_vlan);
}

void dsr_inventory_finish(struct dsr_inventory *inv, struct dsr_address *rows, size_t n)
{
	qsort(rows, n, sizeof(*rows), by_segment_address);
	inv->addresses = rows;
	inv->naddresses = n;
	inv->ntagged = 0;
	for (size_t s = 0; s <= DSR_ADDR_FLIP_FLOP; s++)
		inv->nstate[s] = 0;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].state <= DSR_ADDR_FLIP_FLOP)
			inv->nstate[rows[i].state]++;
		inv->ntagged += rows[i].ntags > 0;
	}
}

static void put_time(struct timeval tv, char buf[32])
{
	struct tm tm;
	time_t secs = tv.tv_sec;
	long us = tv.tv_usec;
	char day[24];

	buf[0] = '\0';
	if (us < 0 || us > 999999)
		us = 0; /* not a normalised timeval: keep the seconds */
	if (!gmtime_r(&secs, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999 ||
	    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return;
	snprintf(buf, 32, "%s.%06ldZ", day, us);
}

void dsr_claim_text(const struct dsr_claim *c, struct dsr_claim_text *t)
{
	dsr_format_mac(c->mac, t->mac);
	put_time(c->first_seen, t->first);
	put_time(c->last_seen, t->last);
}
