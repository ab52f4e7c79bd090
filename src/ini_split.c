/* libinih's line splitting for builds without libinih; the contract is in
 * src/ini_split.h. Written from libinih's documentation and its observed
 * behaviour, not from its source. */
#include "ini_split.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* libinih's buffers for the section and the name a continuation repeats. */
#define SECTION_MAX 50
#define NAME_MAX_ 50

/* isspace() in the C locale, without depending on the locale. */
static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* The first of stops in s, or an inline comment (';' right after a blank), or
 * the end of s. */
static char *find_stop(char *s, const char *stops)
{
	bool after_blank = false;

	for (; *s; s++) {
		if ((stops && strchr(stops, *s)) || (after_blank && *s == ';'))
			break;
		after_blank = blank(*s);
	}
	return s;
}

/* s without leading and trailing blanks, cut in place. */
static char *trim(char *s)
{
	char *end = s + strlen(s);

	while (blank(*s))
		s++;
	while (end > s && blank(end[-1]))
		*--end = '\0';
	return s;
}

static void copy_cut(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

int dsr_ini_parse_stream(dsr_ini_reader reader, void *stream, dsr_ini_handler handler, void *user)
{
	char section[SECTION_MAX] = "", name[NAME_MAX_] = "";
	char *line = malloc(DSR_INI_MAX_LINE);
	int lineno = 0, first_error = 0;

	if (!line)
		return -2;
	while (reader(line, DSR_INI_MAX_LINE, stream)) {
		char *start = line, *text;
		bool ok = true;

		lineno++;
		if (lineno == 1 && (unsigned char)line[0] == 0xef && (unsigned char)line[1] == 0xbb &&
		    (unsigned char)line[2] == 0xbf)
			start += 3; /* a UTF-8 byte order mark */
		text = trim(start);

		if (*text == '\0' || *text == ';' || *text == '#') {
			/* nothing, or a comment */
		} else if (name[0] && text > start) {
			/* Indented after a name: more of its value, inline comment
			 * and all (libinih r55 cuts none here). */
			ok = handler(user, section, name, text) != 0;
		} else if (*text == '[') {
			char *close = find_stop(text + 1, "]");
			if (*close == ']') {
				*close = '\0';
				copy_cut(section, sizeof(section), text + 1);
				name[0] = '\0';
			} else {
				ok = false;
			}
		} else {
			char *delim = find_stop(text, "=:");
			if (*delim == '=' || *delim == ':') {
				char *value = delim + 1;
				*delim = '\0';
				*find_stop(value, NULL) = '\0';
				copy_cut(name, sizeof(name), trim(text));
				ok = handler(user, section, trim(text), trim(value)) != 0;
			} else {
				ok = false;
			}
		}
		if (!ok && !first_error)
			first_error = lineno;
	}
	free(line);
	return first_error;
}
