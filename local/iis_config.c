/* IIS site bindings from applicationHost.config, for local.iis.binding: in DSR
 * the frames for the VIP reach the server, and IIS answers them only when a
 * binding of the site holds the VIP (or "*", all unassigned addresses); the
 * vendor's step 4 adds exactly that binding.
 *
 * Only the subset of XML that file uses is read: elements, attributes quoted
 * with ' or ", comments, processing instructions, CDATA, and the five predefined
 * entities. The text is hostile: every read is bounded by len, nothing is
 * recursive, and text that is not well-formed enough to trust gives "unreadable"
 * (a skip) rather than a partial list that could make a check fail falsely. */
#include <stdio.h>
#include <string.h>

#include "local.h"

struct cursor {
	const char *p, *end;
};

static bool starts(const struct cursor *c, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(c->end - c->p) >= n && memcmp(c->p, s, n) == 0;
}

/* Moves past the next occurrence of s; false when there is none. */
static bool skip_past(struct cursor *c, const char *s)
{
	size_t n = strlen(s);

	for (; (size_t)(c->end - c->p) >= n; c->p++)
		if (memcmp(c->p, s, n) == 0) {
			c->p += n;
			return true;
		}
	c->p = c->end;
	return false;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static bool is_name_char(char ch)
{
	return !is_space(ch) && ch != '=' && ch != '>' && ch != '/' && ch != '<' && ch != '"' &&
	       ch != '\'';
}

/* Copies an attribute value, decoding the predefined entities, cut to size. */
static void decode_value(const char *v, size_t n, char *out, size_t size)
{
	static const struct {
		const char *entity;
		char ch;
	} entities[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < size;) {
		bool done = false;
		for (size_t e = 0; e < sizeof(entities) / sizeof(entities[0]) && !done; e++) {
			size_t len = strlen(entities[e].entity);
			if (n - i >= len && memcmp(v + i, entities[e].entity, len) == 0) {
				out[o++] = entities[e].ch;
				i += len;
				done = true;
			}
		}
		if (!done)
			out[o++] = v[i++];
	}
	out[o] = '\0';
}

struct tag {
	char name[64];
	bool closing, self_closing;
	/* the attributes that matter here */
	char site_name[DSR_LOCAL_NAME], protocol[16], binding_info[256];
};

/* Reads one tag starting at '<' (c->p points at it). False when malformed. */
static bool read_tag(struct cursor *c, struct tag *t)
{
	size_t n = 0;

	memset(t, 0, sizeof(*t));
	c->p++;
	if (c->p < c->end && *c->p == '/') {
		t->closing = true;
		c->p++;
	}
	while (c->p < c->end && is_name_char(*c->p)) {
		if (n + 1 < sizeof(t->name))
			t->name[n++] = *c->p;
		c->p++;
	}
	t->name[n] = '\0';
	if (n == 0)
		return false;
	for (;;) {
		char attr[64];
		size_t an = 0;
		const char *value;
		char quote;

		while (c->p < c->end && is_space(*c->p))
			c->p++;
		if (c->p >= c->end)
			return false;
		if (*c->p == '>') {
			c->p++;
			return true;
		}
		if (*c->p == '/' && c->p + 1 < c->end && c->p[1] == '>') {
			t->self_closing = true;
			c->p += 2;
			return true;
		}
		while (c->p < c->end && is_name_char(*c->p)) {
			if (an + 1 < sizeof(attr))
				attr[an++] = *c->p;
			c->p++;
		}
		attr[an] = '\0';
		while (c->p < c->end && is_space(*c->p))
			c->p++;
		if (an == 0 || c->p >= c->end || *c->p != '=')
			return false;
		c->p++;
		while (c->p < c->end && is_space(*c->p))
			c->p++;
		if (c->p >= c->end || (*c->p != '"' && *c->p != '\''))
			return false;
		quote = *c->p++;
		value = c->p;
		while (c->p < c->end && *c->p != quote)
			c->p++;
		if (c->p >= c->end)
			return false;
		if (strcmp(attr, "name") == 0)
			decode_value(value, (size_t)(c->p - value), t->site_name, sizeof(t->site_name));
		else if (strcmp(attr, "protocol") == 0)
			decode_value(value, (size_t)(c->p - value), t->protocol, sizeof(t->protocol));
		else if (strcmp(attr, "bindingInformation") == 0)
			decode_value(value, (size_t)(c->p - value), t->binding_info,
				     sizeof(t->binding_info));
		c->p++;
	}
}

/* "IP:PORT:HOST", IP a dotted quad, "*", "" or "[IPv6]". False when malformed. */
static bool split_binding(const char *info, struct dsr_local_binding *b)
{
	const char *colon, *port_end;
	size_t alen;
	unsigned port = 0;

	if (info[0] == '[') {
		const char *close = strchr(info, ']');
		if (!close || close[1] != ':')
			return false;
		colon = close + 1;
	} else {
		colon = strchr(info, ':');
		if (!colon)
			return false;
	}
	alen = (size_t)(colon - info);
	if (alen >= sizeof(b->address))
		return false;
	memcpy(b->address, info, alen);
	b->address[alen] = '\0';
	port_end = strchr(colon + 1, ':');
	if (!port_end || port_end == colon + 1 || port_end - colon > 6)
		return false;
	for (const char *p = colon + 1; p < port_end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		port = port * 10 + (unsigned)(*p - '0');
	}
	if (port == 0 || port > 65535)
		return false;
	b->port = (uint16_t)port;
	snprintf(b->host, sizeof(b->host), "%s", port_end + 1);
	return true;
}

static void unreadable(struct dsr_local_snapshot *s, size_t keep, const char *why, long at)
{
	s->nbindings = keep;
	s->iis_state = DSR_LOCAL_UNREADABLE;
	if (at >= 0)
		snprintf(s->iis_why, sizeof(s->iis_why), "%s (at byte %ld)", why, at);
	else
		snprintf(s->iis_why, sizeof(s->iis_why), "%s", why);
}

void dsr_iis_parse(const char *text, size_t len, struct dsr_local_snapshot *s)
{
	struct cursor c = {text, text + len};
	size_t keep = s->nbindings, skipped = 0;
	bool configuration = false, in_sites = false, in_site = false, in_bindings = false;
	char site[DSR_LOCAL_NAME] = "";

	while (c.p < c.end) {
		struct tag t;
		const char *at;

		if (*c.p != '<') {
			c.p++;
			continue;
		}
		at = c.p;
		if (starts(&c, "<!--")) {
			if (!skip_past(&c, "-->"))
				{
				unreadable(s, keep, "unterminated comment", at - text);
				return;
			}
			continue;
		}
		if (starts(&c, "<![CDATA[")) {
			if (!skip_past(&c, "]]>"))
				{
				unreadable(s, keep, "unterminated CDATA section", at - text);
				return;
			}
			continue;
		}
		if (starts(&c, "<?") || starts(&c, "<!")) {
			if (!skip_past(&c, ">"))
				{
				unreadable(s, keep, "unterminated declaration", at - text);
				return;
			}
			continue;
		}
		if (!read_tag(&c, &t))
			{
				unreadable(s, keep, "malformed tag", at - text);
				return;
			}
		if (strcmp(t.name, "configuration") == 0 && !t.closing)
			configuration = true;
		if (strcmp(t.name, "sites") == 0 && !t.self_closing) {
			in_sites = !t.closing;
			in_site = in_bindings = false;
		} else if (in_sites && strcmp(t.name, "site") == 0) {
			in_site = !t.closing && !t.self_closing;
			in_bindings = false;
			if (!t.closing)
				snprintf(site, sizeof(site), "%s", t.site_name);
		} else if (in_site && strcmp(t.name, "bindings") == 0 && !t.self_closing) {
			in_bindings = !t.closing;
		} else if (in_bindings && strcmp(t.name, "binding") == 0 && !t.closing) {
			struct dsr_local_binding b;

			memset(&b, 0, sizeof(b));
			if (strcmp(t.protocol, "http") != 0 && strcmp(t.protocol, "https") != 0)
				continue; /* net.tcp, ftp, ...: not what DSR balances here */
			if (!split_binding(t.binding_info, &b)) {
				skipped++;
				continue;
			}
			snprintf(b.site, sizeof(b.site), "%s", site);
			snprintf(b.protocol, sizeof(b.protocol), "%s", t.protocol);
			if (s->nbindings == DSR_LOCAL_MAX_BINDINGS)
				{
				unreadable(s, keep, "too many bindings", -1);
				return;
			}
			s->bindings[s->nbindings++] = b;
		}
	}
	if (!configuration)
		{
				unreadable(s, keep, "not an applicationHost.config (no <configuration> element)",
				  -1);
				return;
			}
	s->iis_state = DSR_LOCAL_READ;
	if (skipped)
		snprintf(s->iis_why, sizeof(s->iis_why), "%u malformed bindingInformation value%s ignored",
			 (unsigned)skipped, skipped == 1 ? "" : "s");
	else
		s->iis_why[0] = '\0';
}
