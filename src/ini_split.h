/* What dsrcheck needs of libinih's ini_parse_stream(), in every build: libinih's
 * line buffer is a compile-time constant (200 bytes in Debian's build) and a
 * generated "servers = ..." line is longer, so src/config.c splits lines with
 * this, libinih or not (INIH=0 only drops libinih from the tests). config.c hands
 * over one physical line per reader call and handles sections, comments and
 * continuations itself, so this contract is small, but it is libinih's as
 * Debian builds it (r55, default options), but for the line length:
 *  - reader is fgets-like: called with a buffer of DSR_INI_MAX_LINE bytes
 *    until it returns NULL; every call is one line, counted from 1;
 *  - blanks around the line are dropped (isspace in the C locale); a line that
 *    starts with ';' or '#' is a comment; an empty line is nothing;
 *  - "[name]" starts section name (cut to 49 bytes; the ']' may be followed by
 *    anything); a '[' line without ']' is an error;
 *  - "name = value" or "name: value", split at the first '=' or ':', both
 *    sides trimmed; " ;" starts an inline comment (a ';' after a blank);
 *  - a line that starts with a blank after a name=value line continues that
 *    name: the handler gets the name again with the line's trimmed text
 *    (inline comment included);
 *  - any other non-empty line is an error; so is a handler returning 0;
 *  - parsing goes on after an error; the result is the first error's line
 *    number, or 0.
 * tests/test_ini_split.c checks all of it against libinih itself where it is
 * installed. */
#ifndef DSR_INI_SPLIT_H
#define DSR_INI_SPLIT_H

/* 64 KiB of text, its newline and the NUL */
#define DSR_INI_MAX_LINE (65536 + 2)

typedef char *(*dsr_ini_reader)(char *str, int num, void *stream);
typedef int (*dsr_ini_handler)(void *user, const char *section, const char *name, const char *value);

/* Returns 0, the number of the first line in error, or -2 when out of memory. */
int dsr_ini_parse_stream(dsr_ini_reader reader, void *stream, dsr_ini_handler handler, void *user);

#endif
