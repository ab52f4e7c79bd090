/* The result model. Evidence is bounded so that a flood of answers (say, fifty
 * MACs claiming a VIP during an ARP storm) can never overflow a check: what does
 * not fit is dropped, and the summary already says what went wrong. */
#include "check.h"

#include <stdarg.h>
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

static size_t nevidence(const struct dsr_check *c)
{
	return c->nevidence < DSR_EVIDENCE_MAX ? c->nevidence : DSR_EVIDENCE_MAX;
}

/* The entry for key, a new one when there is room, or NULL (key dropped). */
static struct dsr_evidence *slot(struct dsr_check *c, const char *key, bool *created)
{
	size_t n = nevidence(c);

	*created = false;
	if (!key || strlen(key) >= sizeof c->evidence[0].key)
		return NULL; /* a truncated key could collide with another one */
	for (size_t i = 0; i < n; i++)
		if (strcmp(c->evidence[i].key, key) == 0)
			return &c->evidence[i];
	if (n >= DSR_EVIDENCE_MAX)
		return NULL;
	c->nevidence = n + 1;
	memset(&c->evidence[n], 0, sizeof c->evidence[n]);
	memcpy(c->evidence[n].key, key, strlen(key) + 1);
	*created = true;
	return &c->evidence[n];
}

void dsr_evidence_str(struct dsr_check *c, const char *key, const char *value)
{
	bool created;
	struct dsr_evidence *e = c ? slot(c, key, &created) : NULL;

	if (!e)
		return;
	e->type = DSR_EV_STR;
	e->num = 0;
	copy_bounded(e->text, sizeof e->text, value ? value : "");
}

void dsr_evidence_int(struct dsr_check *c, const char *key, long long value)
{
	bool created;
	struct dsr_evidence *e = c ? slot(c, key, &created) : NULL;

	if (!e)
		return;
	e->type = DSR_EV_INT;
	e->num = value;
	e->text[0] = '\0';
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

/* Adds item to the list under key; returns the entry when it was added. */
static struct dsr_evidence *list_add(struct dsr_check *c, const char *key, const char *item)
{
	bool created;
	struct dsr_evidence *e;
	size_t have, len;

	/* Items are stored comma-separated, so an empty item or one holding a comma
	 * would change the list when split again: refuse it. */
	if (!c || !item || !*item || strchr(item, ','))
		return NULL;
	e = slot(c, key, &created);
	if (!e)
		return NULL;
	if (created) {
		e->type = DSR_EV_LIST;
		e->text[0] = '\0';
	} else if (e->type != DSR_EV_LIST) {
		return NULL; /* the key already holds a scalar: keep it */
	}
	len = strlen(item);
	if (list_has(e->text, item, len))
		return NULL;
	have = strnlen(e->text, sizeof e->text);
	/* A whole item or nothing: half a MAC address would be false evidence. */
	if (have + (have ? 1 : 0) + len >= sizeof e->text) {
		if (created)
			c->nevidence--; /* do not leave an empty list behind */
		return NULL;
	}
	if (have)
		e->text[have++] = ',';
	memcpy(e->text + have, item, len + 1);
	return e;
}

void dsr_evidence_list_add(struct dsr_check *c, const char *key, const char *item)
{
	list_add(c, key, item);
}

static void note_mac(struct dsr_check *c, const struct dsr_evidence *e, const uint8_t mac[6])
{
	if (!e || c->nmacs >= DSR_CHECK_MACS)
		return;
	memcpy(c->macs[c->nmacs], mac, 6);
	c->mac_entry[c->nmacs++] = (uint8_t)(e - c->evidence);
}

void dsr_evidence_mac(struct dsr_check *c, const char *key, const uint8_t mac[6])
{
	char text[18];
	bool created;
	struct dsr_evidence *e = c ? slot(c, key, &created) : NULL;
	size_t kept = 0;

	if (!e)
		return;
	dsr_format_mac(mac, text);
	e->type = DSR_EV_STR;
	e->num = 0;
	copy_bounded(e->text, sizeof e->text, text);
	/* A value replaced: the MAC it held is no longer evidence. */
	for (size_t i = 0; i < c->nmacs; i++)
		if (c->mac_entry[i] != (uint8_t)(e - c->evidence)) {
			memmove(c->macs[kept], c->macs[i], 6);
			c->mac_entry[kept++] = c->mac_entry[i];
		}
	c->nmacs = kept;
	note_mac(c, e, mac);
}

void dsr_check_rtt(struct dsr_check *c, long long us)
{
	dsr_evidence_int(c, "rtt_us", us);
	c->has_rtt = true;
	c->rtt_us = us;
}

void dsr_evidence_mac_add(struct dsr_check *c, const char *key, const uint8_t mac[6])
{
	char text[18];

	dsr_format_mac(mac, text);
	note_mac(c, list_add(c, key, text), mac);
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
	va_list ap;

	va_start(ap, fmt);
	format_bounded(c->summary, sizeof(c->summary), fmt, ap);
	va_end(ap);
}

void dsr_check_remedy(struct dsr_check *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format_bounded(c->remedy, sizeof(c->remedy), fmt, ap);
	va_end(ap);
}

void dsr_check_remedy_append(struct dsr_check *c, const char *fmt, ...)
{
	size_t have = strnlen(c->remedy, sizeof(c->remedy));
	va_list ap;

	if (have && have + 2 < sizeof(c->remedy)) {
		memcpy(c->remedy + have, "; ", 3);
		have += 2;
	}
	if (have + 1 >= sizeof(c->remedy))
		return;
	va_start(ap, fmt);
	format_bounded(c->remedy + have, sizeof(c->remedy) - have, fmt, ap);
	va_end(ap);
}
