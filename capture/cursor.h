/* A bounds-checked reader over captured bytes. Nothing outside capture/ reads
 * raw frame bytes: every read either succeeds in full or fails and leaves the
 * cursor where it was, so a short frame can never be read past its end. */
#ifndef DSR_CURSOR_H
#define DSR_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dsr_cursor {
	const uint8_t *data;
	size_t len;
	size_t off;
};

static inline struct dsr_cursor dsr_cursor_make(const uint8_t *data, size_t len)
{
	struct dsr_cursor c = {data, len, 0};
	return c;
}

static inline size_t dsr_cursor_left(const struct dsr_cursor *c)
{
	return c->len - c->off;
}

static inline bool dsr_cursor_skip(struct dsr_cursor *c, size_t n)
{
	if (dsr_cursor_left(c) < n)
		return false;
	c->off += n;
	return true;
}

static inline bool dsr_cursor_u8(struct dsr_cursor *c, uint8_t *out)
{
	if (dsr_cursor_left(c) < 1)
		return false;
	*out = c->data[c->off++];
	return true;
}

/* Network byte order. */
static inline bool dsr_cursor_u16(struct dsr_cursor *c, uint16_t *out)
{
	if (dsr_cursor_left(c) < 2)
		return false;
	*out = (uint16_t)((c->data[c->off] << 8) | c->data[c->off + 1]);
	c->off += 2;
	return true;
}

static inline bool dsr_cursor_u32(struct dsr_cursor *c, uint32_t *out)
{
	if (dsr_cursor_left(c) < 4)
		return false;
	*out = ((uint32_t)c->data[c->off] << 24) | ((uint32_t)c->data[c->off + 1] << 16) |
	       ((uint32_t)c->data[c->off + 2] << 8) | (uint32_t)c->data[c->off + 3];
	c->off += 4;
	return true;
}

static inline bool dsr_cursor_bytes(struct dsr_cursor *c, void *out, size_t n)
{
	if (dsr_cursor_left(c) < n)
		return false;
	for (size_t i = 0; i < n; i++)
		((uint8_t *)out)[i] = c->data[c->off + i];
	c->off += n;
	return true;
}

/* A sub-cursor over the next n bytes (an IP payload, an ICMP error's quote);
 * the parent moves past them. */
static inline bool dsr_cursor_sub(struct dsr_cursor *c, size_t n, struct dsr_cursor *sub)
{
	if (dsr_cursor_left(c) < n)
		return false;
	*sub = dsr_cursor_make(c->data + c->off, n);
	c->off += n;
	return true;
}

#endif
