/* The result model. Evidence is bounded so that a flood of answers (say, fifty
 * MACs claiming a VIP during an ARP storm) can never overflow a check: what does
 * not fit is dropped, and the summary already says what went wrong. */
#include "check.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

const char *dsr_status_name(enum dsr_status status)
{
	switch (status) {
	case DSR_PASS:
		return "pass";
	case DSR_FAIL:
		return "fail";
	case DSR_WARN:
		return "warn";
	case DSR_SKIP:
		return "skip";
	}
	return "unknown";
}

void dsr_check_where(const struct dsr_check *c, char where[DSR_CHECK_WHERE_MAX])
{
	int len = (int)strnlen(c->target, sizeof c->target);
	bool bracket = c->port >= 0 && memchr(c->target, ':', (size_t)len);

	if (c->port < 0)
		snprintf(where, DSR_CHECK_WHERE_MAX, "%.*s", len, c->target);
	else if (len == 0)
		snprintf(where, DSR_CHECK_WHERE_MAX, "port %d", c->port);
	else
		snprintf(where, DSR_CHECK_WHERE_MAX, bracket ? "[%.*s]:%d" : "%.*s:%d", len, c->target, c->port);
}

static bool continues(char ch)
{
	return ((unsigned char)ch & 0xc0) == 0x80;
}

/* Copies src into dst[size], cutting at a UTF-8 character boundary when it is
 * too long, so a truncated name never ends in half a character (which the JSON
 * writer would have to replace with U+FFFD). */
static void copy_bounded(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (size == 0)
		return;
	if (len >= size) {
		size_t back = 0;

		len = size - 1;
		/* src[len] is the first byte dropped: when it continues a character,
		 * walk back to that character's first byte (at most 3 in UTF-8) and
		 * drop it whole. Text that is not UTF-8 is cut where it is. */
		while (back < 3 && back < len && continues(src[len - back]))
			back++;
		if (!continues(src[len - back]))
			len -= back;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Where one check's texts are written: bounded as they always were, and one
 * at a time in a run's verdicts (the packer reuses it), so its size costs once. */
struct dsr_check_draft {
	char summary[DSR_SUMMARY_MAX];
	char remedy[DSR_REMEDY_MAX];
	struct dsr_evidence ev[DSR_EVIDENCE_MAX];
	char keys[DSR_EVIDENCE_MAX][DSR_EVIDENCE_KEY];
	char texts[DSR_EVIDENCE_MAX][DSR_EVIDENCE_TEXT];
};

static void draft_link(struct dsr_check *c, struct dsr_check_draft *d)
{
	d->summary[0] = d->remedy[0] = '\0';
	c->draft = d;
	c->summary = d->summary;
	c->remedy = d->remedy;
	c->evidence = d->ev;
	c->nevidence = 0;
}

/* c's draft, made on first write; NULL when out of memory (the write is lost,
 * as evidence that does not fit is). */
static struct dsr_check_draft *draft(struct dsr_check *c)
{
	struct dsr_check_draft *d;

	if (c->draft)
		return c->draft;
	if (!(d = malloc(sizeof(*d))))
		return NULL;
	draft_link(c, d);
	return d;
}

void dsr_check_release(struct dsr_check *c)
{
	free(c->draft);
	c->draft = NULL;
	c->summary = c->remedy = "";
	c->evidence = NULL;
	c->nevidence = 0;
}

static size_t nevidence(const struct dsr_check *c)
{
	return c->nevidence < DSR_EVIDENCE_MAX ? c->nevidence : DSR_EVIDENCE_MAX;
}

/* The entry for key, a new one when there is room, or -1 (key dropped). */
static int slot(struct dsr_check *c, const char *key, bool *created)
{
	struct dsr_check_draft *d = c ? draft(c) : NULL;
	size_t n;

	*created = false;
	if (!d || !key || strlen(key) >= DSR_EVIDENCE_KEY)
		return -1; /* a truncated key could collide with another one */
	n = nevidence(c);
	for (size_t i = 0; i < n; i++)
		if (strcmp(d->keys[i], key) == 0)
			return (int)i;
	if (n >= DSR_EVIDENCE_MAX)
		return -1;
	c->nevidence = n + 1;
	memcpy(d->keys[n], key, strlen(key) + 1);
	d->texts[n][0] = '\0';
	d->ev[n] = (struct dsr_evidence){.key = d->keys[n], .text = d->texts[n]};
	*created = true;
	return (int)n;
}

void dsr_evidence_str(struct dsr_check *c, const char *key, const char *value)
{
	bool created;
	int k = slot(c, key, &created);

	if (k < 0)
		return;
	c->draft->ev[k].type = DSR_EV_STR;
	c->draft->ev[k].num = 0;
	copy_bounded(c->draft->texts[k], DSR_EVIDENCE_TEXT, value ? value : "");
}

void dsr_evidence_int(struct dsr_check *c, const char *key, long long value)
{
	bool created;
	int k = slot(c, key, &created);

	if (k < 0)
		return;
	c->draft->ev[k].type = DSR_EV_INT;
	c->draft->ev[k].num = value;
	c->draft->texts[k][0] = '\0';
}

static bool list_has(const char *list, const char *item, size_t len)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");

		if (n == len && memcmp(p, item, len) == 0)
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

/* Adds item to the list under key; returns its entry when it was added, else -1. */
static int list_add(struct dsr_check *c, const char *key, const char *item)
{
	bool created;
	int k;
	char *text;
	size_t have, len;

	/* Items are stored comma-separated, so an empty item or one holding a comma
	 * would change the list when split again: refuse it. */
	if (!c || !item || !*item || strchr(item, ','))
		return -1;
	if ((k = slot(c, key, &created)) < 0)
		return -1;
	text = c->draft->texts[k];
	if (created) {
		c->draft->ev[k].type = DSR_EV_LIST;
		text[0] = '\0';
	} else if (c->draft->ev[k].type != DSR_EV_LIST) {
		return -1; /* the key already holds a scalar: keep it */
	}
	len = strlen(item);
	if (list_has(text, item, len))
		return -1;
	have = strnlen(text, DSR_EVIDENCE_TEXT);
	/* A whole item or nothing: half a MAC address would be false evidence. */
	if (have + (have ? 1 : 0) + len >= DSR_EVIDENCE_TEXT) {
		if (created)
			c->nevidence--; /* do not leave an empty list behind */
		return -1;
	}
	if (have)
		text[have++] = ',';
	memcpy(text + have, item, len + 1);
	return k;
}

void dsr_evidence_list_add(struct dsr_check *c, const char *key, const char *item)
{
	list_add(c, key, item);
}

static void note_mac(struct dsr_check *c, int entry, const uint8_t mac[6])
{
	if (entry < 0 || c->nmacs >= DSR_CHECK_MACS)
		return;
	memcpy(c->macs[c->nmacs], mac, 6);
	c->mac_entry[c->nmacs++] = (uint8_t)entry;
}

void dsr_evidence_mac(struct dsr_check *c, const char *key, const uint8_t mac[6])
{
	char text[18];
	bool created;
	int k = slot(c, key, &created);
	uint8_t kept = 0;

	if (k < 0)
		return;
	dsr_format_mac(mac, text);
	dsr_evidence_str(c, key, text);
	/* A value replaced: the MAC it held is no longer evidence. */
	for (uint8_t i = 0; i < c->nmacs; i++)
		if (c->mac_entry[i] != k) {
			memmove(c->macs[kept], c->macs[i], 6);
			c->mac_entry[kept++] = c->mac_entry[i];
		}
	c->nmacs = kept;
	note_mac(c, k, mac);
}

void dsr_evidence_mac_add(struct dsr_check *c, const char *key, const uint8_t mac[6])
{
	char text[18];

	dsr_format_mac(mac, text);
	note_mac(c, list_add(c, key, text), mac);
}

void dsr_check_rtt(struct dsr_check *c, long long us)
{
	dsr_evidence_int(c, "rtt_us", us);
	c->has_rtt = true;
	c->rtt_us = us;
}

/* Packing. The block is the array of checks, then each check's evidence
 * entries and texts; while it grows (and moves) they are kept as offsets from
 * its start, turned into pointers once it is complete. */
#define ALIGN(n) (((n) + 7) & ~(size_t)7)

static size_t reserve(struct dsr_packer *p, size_t len, size_t align)
{
	size_t at = align ? ALIGN(p->used) : p->used;

	if (p->failed)
		return 0;
	if (at + len > p->cap) {
		size_t cap = p->cap * 2 > at + len ? p->cap * 2 : at + len;
		unsigned char *block = realloc(p->block, cap);
		if (!block) {
			p->failed = true;
			return 0;
		}
		p->block = block;
		p->cap = cap;
	}
	p->used = at + len;
	return at;
}

/* The offset of a copy of text in the block; 0 (the empty string) for "". */
static size_t put_text(struct dsr_packer *p, const char *text)
{
	size_t len = text ? strlen(text) : 0, at;

	if (len == 0 || !(at = reserve(p, len + 1, false)))
		return 0;
	memcpy(p->block + at, text, len + 1);
	return at;
}

static const char *text_at(const unsigned char *block, uintptr_t off)
{
	return off ? (const char *)block + off : "";
}

int dsr_packer_begin(struct dsr_packer *p, size_t max)
{
	memset(p, 0, sizeof(*p));
	p->max = max;
	p->cap = (max ? max : 1) * (sizeof(struct dsr_check) + 256);
	p->block = malloc(p->cap);
	p->used = (max ? max : 1) * sizeof(struct dsr_check);
	p->failed = !p->block;
	return p->failed ? -1 : 0;
}

void dsr_packer_add(struct dsr_packer *p, struct dsr_check *c)
{
	struct dsr_check_draft *d = c->draft;
	size_t n = nevidence(c), ev = 0;
	uintptr_t summary, remedy;

	if (p->n >= p->max)
		p->failed = true;
	summary = put_text(p, c->summary);
	remedy = put_text(p, c->remedy);
	if (n && (ev = reserve(p, n * sizeof(struct dsr_evidence), true))) {
		for (size_t i = 0; i < n; i++) {
			struct dsr_evidence e = c->evidence[i];
			e.key = (const char *)(uintptr_t)put_text(p, e.key);
			e.text = (const char *)(uintptr_t)put_text(p, e.text);
			memcpy(p->block + ev + i * sizeof(e), &e, sizeof(e));
		}
	}
	if (!p->failed) {
		struct dsr_check *out = (struct dsr_check *)p->block + p->n++;
		*out = *c;
		out->summary = (const char *)summary;
		out->remedy = (const char *)remedy;
		out->evidence = (const struct dsr_evidence *)(uintptr_t)ev;
		out->nevidence = ev ? n : 0;
		out->draft = NULL;
	}
	/* Empty for the next check, its draft kept. */
	*c = (struct dsr_check){0};
	if (d)
		draft_link(c, d);
}

struct dsr_check *dsr_packer_end(struct dsr_packer *p, size_t *n)
{
	struct dsr_check *checks;

	if (p->failed) {
		free(p->block);
		memset(p, 0, sizeof(*p));
		return NULL;
	}
	/* What the block holds and no more: it grew by doubling. Done while the
	 * texts are still offsets, since shrinking may move it. */
	unsigned char *fit = realloc(p->block, p->used);
	if (fit)
		p->block = fit;
	checks = (struct dsr_check *)p->block;
	for (size_t i = 0; i < p->n; i++) {
		struct dsr_check *c = &checks[i];
		uintptr_t ev = (uintptr_t)c->evidence;
		c->summary = text_at(p->block, (uintptr_t)c->summary);
		c->remedy = text_at(p->block, (uintptr_t)c->remedy);
		c->evidence = ev ? (const struct dsr_evidence *)(p->block + ev) : NULL;
		for (size_t k = 0; k < c->nevidence; k++) {
			struct dsr_evidence *e = (struct dsr_evidence *)(p->block + ev) + k;
			e->key = text_at(p->block, (uintptr_t)e->key);
			e->text = text_at(p->block, (uintptr_t)e->text);
		}
	}
	*n = p->n;
	memset(p, 0, sizeof(*p));
	return checks;
}

void dsr_checks_discard(struct dsr_check *checks, size_t n)
{
	for (size_t i = 0; checks && i < n; i++)
		dsr_check_release(&checks[i]);
	free(checks);
}

struct dsr_check *dsr_checks_pack(struct dsr_check *checks, size_t n)
{
	struct dsr_packer p;
	size_t got = 0;
	struct dsr_check *out = NULL;

	if (dsr_packer_begin(&p, n) == 0) {
		for (size_t i = 0; i < n; i++)
			dsr_packer_add(&p, &checks[i]);
		out = dsr_packer_end(&p, &got);
	} else {
		free(p.block);
	}
	dsr_checks_discard(checks, n);
	return out;
}

void dsr_run_count(struct dsr_run *run)
{
	struct dsr_counts n = {0, 0, 0, 0};

	for (size_t i = 0; i < run->nchecks; i++) {
		switch (run->checks[i].status) {
		case DSR_PASS:
			n.pass++;
			break;
		case DSR_FAIL:
			n.fail++;
			break;
		case DSR_WARN:
			n.warn++;
			break;
		case DSR_SKIP:
			n.skip++;
			break;
		}
	}
	run->counts = n;
}

int dsr_run_failed(const struct dsr_run *run)
{
	/* From the checks themselves, not run->counts: the exit status must not
	 * depend on the caller having counted first. */
	for (size_t i = 0; i < run->nchecks; i++)
		if (run->checks[i].status == DSR_FAIL)
			return 1;
	return 0;
}

/* Formats into dst[size] and cuts at a character boundary, as copy_bounded does. */
static void format_bounded(char *dst, size_t size, const char *fmt, va_list ap)
{
	char buf[4096];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	copy_bounded(dst, size, buf);
}

void dsr_check_summary(struct dsr_check *c, const char *fmt, ...)
{
	struct dsr_check_draft *d = draft(c);
	va_list ap;

	if (!d)
		return;
	va_start(ap, fmt);
	format_bounded(d->summary, sizeof(d->summary), fmt, ap);
	va_end(ap);
}

void dsr_check_remedy(struct dsr_check *c, const char *fmt, ...)
{
	struct dsr_check_draft *d = draft(c);
	va_list ap;

	if (!d)
		return;
	va_start(ap, fmt);
	format_bounded(d->remedy, sizeof(d->remedy), fmt, ap);
	va_end(ap);
}

void dsr_check_remedy_append(struct dsr_check *c, const char *fmt, ...)
{
	struct dsr_check_draft *d = draft(c);
	size_t have;
	va_list ap;

	if (!d)
		return;
	have = strnlen(d->remedy, sizeof(d->remedy));
	if (have && have + 2 < sizeof(d->remedy)) {
		memcpy(d->remedy + have, "; ", 3);
		have += 2;
	}
	if (have + 1 >= sizeof(d->remedy))
		return;
	va_start(ap, fmt);
	format_bounded(d->remedy + have, sizeof(d->remedy) - have, fmt, ap);
	va_end(ap);
}
