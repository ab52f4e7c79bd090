#include "inventory.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../src/parse.h"

const char *dsr_addr_state_name(enum dsr_addr_state state)
{
	switch (state) {
	case DSR_ADDR_OK:
		return "ok";
	case DSR_ADDR_CHANGED:
		return "changed";
	case DSR_ADDR_CONFLICT:
		return "conflict";
	case DSR_ADDR_FLIP_FLOP:
		return "flip-flop";
	}
	return "unknown";
}

static int by_address(const void *a, const void *b)
{
	uint32_t x = ntohl(((const struct dsr_address *)a)->ip.s_addr);
	uint32_t y = ntohl(((const struct dsr_address *)b)->ip.s_addr);
	return x < y ? -1 : x > y;
}

void dsr_inventory_finish(struct dsr_inventory *inv, struct dsr_address *rows, size_t n)
{
	qsort(rows, n, sizeof(*rows), by_address);
	inv->addresses = rows;
	inv->naddresses = n;
	for (size_t s = 0; s <= DSR_ADDR_FLIP_FLOP; s++)
		inv->nstate[s] = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i].state <= DSR_ADDR_FLIP_FLOP)
			inv->nstate[rows[i].state]++;
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
