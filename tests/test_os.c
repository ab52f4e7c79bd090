/* platform/os.h, the process services that differ between POSIX and Windows: what
 * --report relies on (a temporary file beside the target, replaced in one
 * step, over an existing file too, with the same bytes on every system) and
 * the memory streams the writers and tests use. Runs on Linux and, in
 * make check-windows, under Wine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/os.h"

#define TARGET "build/test_os-report.txt"

/* The whole file, or NULL. */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(4096);
	assert_non_null(buf);
	*len = fread(buf, 1, 4095, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void write_report(const char *text)
{
	char *tmp, err[256];
	FILE *f = dsr_os_temp_file(TARGET, &tmp, err, sizeof(err));

	assert_non_null(f);
	assert_non_null(strstr(tmp, TARGET ".tmp."));
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(dsr_os_sync(f, err, sizeof(err)), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(dsr_os_replace(tmp, TARGET, err, sizeof(err)), 0);
	/* the temporary name is gone: it became the target */
	assert_null(fopen(tmp, "rb"));
	free(tmp);
}

static void atomic_replace(void **state)
{
	size_t len;
	char *got;
	(void)state;

	remove(TARGET);
	write_report("first\n");
	got = read_all(TARGET, &len);
	assert_non_null(got);
	assert_string_equal(got, "first\n");
	free(got);
	/* over an existing file, which rename() alone refuses on Windows; \n stays
	 * \n (binary), so golden reports match byte for byte everywhere */
	write_report("second\nline\n");
	got = read_all(TARGET, &len);
	assert_int_equal(len, 12);
	assert_memory_equal(got, "second\nline\n", 12);
	free(got);
	remove(TARGET);
}

static void temp_file_in_missing_directory(void **state)
{
	char *tmp = (char *)"unchanged", err[256] = "";
	(void)state;

	assert_null(dsr_os_temp_file("build/no-such-dir/x.txt", &tmp, err, sizeof(err)));
	assert_null(tmp);
	assert_true(err[0] != '\0');
}

static void replace_failure_says_why(void **state)
{
	char err[256] = "";
	(void)state;

	assert_int_equal(dsr_os_replace("build/no-such-file.tmp", TARGET, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');
}

static void membuf(void **state)
{
	struct dsr_membuf m;
	FILE *f = dsr_membuf_open(&m);
	(void)state;

	assert_non_null(f);
	fprintf(f, "a%cb\n%zu", '\0', (size_t)42);
	assert_int_equal(dsr_membuf_close(&m), 0);
	assert_int_equal(m.len, 6);
	assert_memory_equal(m.buf, "a\0b\n42", 7); /* and NUL-terminated */
	free(m.buf);

	f = dsr_membuf_open(&m);
	assert_non_null(f);
	assert_int_equal(dsr_membuf_close(&m), 0);
	assert_int_equal(m.len, 0);
	assert_string_equal(m.buf, "");
	free(m.buf);
}

static void file_is_no_terminal(void **state)
{
	FILE *f = fopen(TARGET, "wb");
	(void)state;

	assert_non_null(f);
	assert_false(dsr_os_is_terminal(f, false));
	assert_false(dsr_os_is_terminal(f, true));
	fclose(f);
	remove(TARGET);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(atomic_replace),
		cmocka_unit_test(temp_file_in_missing_directory),
		cmocka_unit_test(replace_failure_says_why),
		cmocka_unit_test(membuf),
		cmocka_unit_test(file_is_no_terminal),
	};
	return cmocka_run_group_tests_name("os", tests, NULL, NULL);
}
