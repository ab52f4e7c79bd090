/* The evidence capture: what is written reads back, frame for frame, through
 * the same packet source that replays fixtures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../capture/dump.h"
#include "../capture/source.h"

static void round_trip(void **state)
{
	(void)state;
	char path[] = "/tmp/dsrcheck-dump-XXXXXX", err[256];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct dsr_dump *d = dsr_dump_open(path, err, sizeof(err));
	assert_non_null(d);
	uint8_t a[60], b[42];
	memset(a, 0xaa, sizeof(a));
	memset(b, 0xbb, sizeof(b));
	struct timeval t1 = {100, 5}, t2 = {101, 6};
	assert_int_equal(dsr_dump_frame(d, &t1, a, sizeof(a)), 1);
	assert_int_equal(dsr_dump_frame(d, &t2, b, sizeof(b)), 2);
	assert_int_equal(dsr_dump_close(d, err, sizeof(err)), 0);

	struct dsr_source *src;
	const uint8_t *data;
	size_t len;
	struct timeval ts;
	assert_int_equal(dsr_source_open_file(path, &src, err, sizeof(err)), DSR_SOURCE_OK);
	assert_int_equal(dsr_source_next(src, &data, &len, &ts, err, sizeof(err)), 1);
	assert_int_equal(len, sizeof(a));
	assert_memory_equal(data, a, sizeof(a));
	assert_int_equal(ts.tv_sec, 100);
	assert_int_equal(ts.tv_usec, 5);
	assert_int_equal(dsr_source_next(src, &data, &len, &ts, err, sizeof(err)), 1);
	assert_int_equal(len, sizeof(b));
	assert_int_equal(dsr_source_next(src, &data, &len, &ts, err, sizeof(err)), -2);
	dsr_source_close(src);
	unlink(path);
}

static void unwritable_path(void **state)
{
	(void)state;
	char err[256];
	assert_null(dsr_dump_open("/nonexistent-dir/x.pcap", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent-dir/x.pcap"));
	assert_int_equal(dsr_dump_close(NULL, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(unwritable_path),
	};
	return cmocka_run_group_tests_name("dump", tests, NULL, NULL);
}
