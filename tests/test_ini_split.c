/* src/ini_split.c, the stand-in for libinih's ini_parse_stream() in builds
 * without libinih (Windows): a table of lines with the calls and result they
 * must give, and, where libinih is linked, the same table and 20,000 random
 * files through both, which must agree call for call. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/ini_split.h"
#ifndef DSR_NO_INIH
#include <ini.h>
#endif

#define MAX_LINES 16

struct lines {
	const char *line[MAX_LINES];
	size_t next;
};

/* fgets over a table: one line per call, as src/config.c hands them over. */
static char *read_line(char *str, int num, void *stream)
{
	struct lines *l = stream;

	if (l->next >= MAX_LINES || !l->line[l->next])
		return NULL;
	snprintf(str, (size_t)num, "%s", l->line[l->next++]);
	return str;
}

/* Every handler call as "[section] name=value;", into a log to compare. A
 * name "reject" is refused, to see how errors are counted. */
struct log {
	char text[70000];
	size_t len;
};

static int record(void *user, const char *section, const char *name, const char *value)
{
	struct log *log = user;
	int n = snprintf(log->text + log->len, sizeof(log->text) - log->len, "[%s] %s=%s;", section, name,
			 value);

	if (n > 0 && (size_t)n < sizeof(log->text) - log->len)
		log->len += (size_t)n;
	return strcmp(name, "reject") != 0;
}

typedef int (*parse_fn)(char *(*reader)(char *, int, void *), void *stream,
			int (*handler)(void *, const char *, const char *, const char *), void *user);

static int run(parse_fn parse, const char *const *lines, struct log *log)
{
	struct lines l = {.next = 0};

	for (size_t i = 0; i < MAX_LINES && lines[i]; i++)
		l.line[i] = lines[i];
	memset(log, 0, sizeof(*log));
	return parse(read_line, &l, record, log);
}

static int split(char *(*reader)(char *, int, void *), void *stream,
		 int (*handler)(void *, const char *, const char *, const char *), void *user)
{
	return dsr_ini_parse_stream(reader, stream, handler, user);
}

#ifndef DSR_NO_INIH
static int inih(char *(*reader)(char *, int, void *), void *stream,
		int (*handler)(void *, const char *, const char *, const char *), void *user)
{
	return ini_parse_stream(reader, stream, handler, user);
}
#endif

struct table_case {
	const char *lines[MAX_LINES];
	int rc;
	const char *calls;
};

static const struct table_case table[] = {
	/* what src/config.c hands over: trimmed lines, blanks as "\n" */
	{{"vip = 198.18.0.100\n", "\n", "ports = 80, 443\n", NULL}, 0,
	 "[] vip=198.18.0.100;[] ports=80, 443;"},
	{{"\n", "\n", "no delimiter here\n", "after = 1\n", NULL}, 3, "[] after=1;"},
	{{"a = 1\n", "reject = 2\n", "b = 3\n", "reject = 4\n", NULL}, 2,
	 "[] a=1;[] reject=2;[] b=3;[] reject=4;"},
	/* ':' too, the first delimiter wins, blanks inside stay */
	{{"mac: 02:00:00:00:00:11\n", "k=v=w\n", "name with blanks =  v  v \n", NULL}, 0,
	 "[] mac=02:00:00:00:00:11;[] k=v=w;[] name with blanks=v  v;"},
	{{"=empty name\n", "empty value =\n", NULL}, 0, "[] =empty name;[] empty value=;"},
	/* inline comments: ';' after a blank only */
	{{"a = x ; comment\n", "b=;x\n", "c= ;x\n", "d = a;b\n", "e#f = 1\n", NULL}, 0,
	 "[] a=x;[] b=;x;[] c=;[] d=a;b;[] e#f=1;"},
	{{"a ;b = 1\n", NULL}, 1, ""},
	/* comments, CR LF, a last line without a line end */
	{{"; c\n", "# c\n", "  ; c\n", "p = q\r\n", "w = 1", NULL}, 0, "[] p=q;[] w=1;"},
	/* sections and continuations */
	{{"[sec]\n", "a = 1\n", "  more\n", "\tand more ; not this\n", "[ s2 ] junk\n", "  orphan\n",
	  NULL},
	 6, "[sec] a=1;[sec] a=more;[sec] a=and more ; not this;"},
	{{"[unterminated\n", "a = 1\n", NULL}, 1, "[] a=1;"},
	{{"[0123456789012345678901234567890123456789012345678901234567890]\n", "a = 1\n", NULL}, 0,
	 "[0123456789012345678901234567890123456789012345678] a=1;"},
	/* a byte order mark, on the first line only */
	{{"\xef\xbb\xbf" "a = 1\n", "\xef\xbb\xbf" "b = 2\n", NULL}, 0,
	 "[] a=1;[] \xef\xbb\xbf" "b=2;"},
	{{NULL}, 0, ""},
};

static void table_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct log log;
		int rc = run(split, table[i].lines, &log);
		assert_int_equal(rc, table[i].rc);
		assert_string_equal(log.text, table[i].calls);
	}
}

/* Unlike Debian's libinih (200 bytes), a line is whole up to 64 KiB: a
 * generated "servers = ..." line must reach config.c in one piece. A longer
 * line arrives cut (fgets would hand its rest over as the next line) and is
 * judged as it is: here no delimiter is left in it, an error. */
static void long_line(void **state)
{
	static char wide[70000], cut[DSR_INI_MAX_LINE + 100];
	struct log log;
	(void)state;

	memset(wide, 'x', 250);
	snprintf(wide + 250, sizeof(wide) - 250, " = 1\n");
	const char *lines[] = {"a = 1\n", wide, "b = 2\n", NULL};
	assert_int_equal(run(split, lines, &log), 0);
	assert_non_null(strstr(log.text, "xxx=1;[] b=2;"));

	/* 64 KiB of text and its newline: the whole value arrives */
	memset(wide, 'v', DSR_INI_MAX_LINE - 2);
	memcpy(wide, "k = ", 4);
	memcpy(wide + DSR_INI_MAX_LINE - 2, "\n", 2);
	const char *full[] = {wide, NULL};
	assert_int_equal(run(split, full, &log), 0);
	assert_int_equal(strlen(log.text), strlen("[] k=;") + DSR_INI_MAX_LINE - 2 - 4);

	memset(cut, 'x', sizeof(cut) - 1);
	const char *over[] = {"a = 1\n", cut, "b = 2\n", NULL};
	assert_int_equal(run(split, over, &log), 2);
	assert_string_equal(log.text, "[] a=1;[] b=2;");
}

#ifndef DSR_NO_INIH
static void same_as_libinih_on_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct log a, b;
		int ra = run(split, table[i].lines, &a), rb = run(inih, table[i].lines, &b);
		assert_int_equal(ra, rb);
		assert_string_equal(a.text, b.text);
	}
}

/* Random files over the characters that matter to the splitter. */
static void same_as_libinih_on_random(void **state)
{
	static const char alphabet[] = " \t=:;#[]ab\r\xef\xbb\xbf";
	char store[MAX_LINES][40];
	unsigned seed = 12345;
	(void)state;

	for (int round = 0; round < 20000; round++) {
		const char *lines[MAX_LINES + 1] = {NULL};
		size_t n = 1 + (size_t)(round % (MAX_LINES - 1));
		for (size_t i = 0; i < n; i++) {
			size_t len = 0, want;
			seed = seed * 1103515245u + 12345u;
			want = (seed >> 16) % 30;
			while (len < want) {
				seed = seed * 1103515245u + 12345u;
				store[i][len++] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
			}
			store[i][len++] = '\n';
			store[i][len] = '\0';
			/* a name "reject" now and then, for handler errors */
			if ((seed >> 8) % 17 == 0)
				snprintf(store[i], sizeof(store[i]), "reject = %u\n", seed % 10);
			lines[i] = store[i];
		}
		struct log a, b;
		int ra = run(split, lines, &a), rb = run(inih, lines, &b);
		if (ra != rb || strcmp(a.text, b.text) != 0) {
			for (size_t i = 0; i < n; i++) {
				print_error("line %zu:", i + 1);
				for (const char *c = lines[i]; *c; c++)
					print_error(" %02x", (unsigned char)*c);
				print_error("\n");
			}
			print_error("ini_split %d '%s'\nlibinih   %d '%s'\n", ra, a.text, rb, b.text);
			fail();
		}
	}
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_cases),
		cmocka_unit_test(long_line),
#ifndef DSR_NO_INIH
		cmocka_unit_test(same_as_libinih_on_table),
		cmocka_unit_test(same_as_libinih_on_random),
#endif
	};
	return cmocka_run_group_tests_name("ini_split", tests, NULL, NULL);
}
