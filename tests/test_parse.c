/* Unit tests for src/parse.c: the value parsers behind every configuration key
 * and command-line option. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/netcompat.h"
#include "../src/parse.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Linux's /proc/net/vlan/IFACE, as the 8021q module writes it. */
static void test_proc_vlan(void **state)
{
	(void)state;
	assert_int_equal(dsr_parse_proc_vlan("eth0.20  VID: 20\t REORDER_HDR: 1  dev->priv_flags: 1001\n"
					     "         total frames received            0\n"),
			 20);
	assert_int_equal(dsr_parse_proc_vlan("trunk.4094  VID: 4094\n"), 4094);
	assert_int_equal(dsr_parse_proc_vlan("eth0.0  VID: 0\n"), 0);
	assert_int_equal(dsr_parse_proc_vlan("x  VID: 4095\n"), 0);
	assert_int_equal(dsr_parse_proc_vlan("x  VID: 20x\n"), 0);
	assert_int_equal(dsr_parse_proc_vlan("x  VID:\n"), 0);
	assert_int_equal(dsr_parse_proc_vlan(""), 0);
}

static void test_duration_good(void **state)
{
	static const struct {
		const char *text;
		unsigned ms;
	} cases[] = {
		{ "1000ms", 1000 }, { "1s", 1000 },	  { "1.5s", 1500 },	  { "250", 250 },
		{ "2s", 2000 },	    { "0.5s", 500 },	  { "0.001s", 1 },	  { "1.250s", 1250 },
		{ "1.5000s", 1500 }, { "600s", 600000 },  { "600000", 600000 }, { "007ms", 7 },
		{ "1ms", 1 },	    { "0.1s", 100 },	  { "1m", 60000 },	  { "10m", 600000 },
		{ "2min", 120000 },
	};
	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		unsigned ms = 0;
		if (dsr_parse_duration_ms(cases[i].text, 600000, &ms) != 0)
			fail_msg("'%s' refused", cases[i].text);
		if (ms != cases[i].ms)
			fail_msg("'%s' gave %u, not %u", cases[i].text, ms, cases[i].ms);
	}
}

static void test_duration_bad(void **state)
{
	static const char *const cases[] = {
		"",	   "0",	      "0ms",	  "0s",	   "0.0s",    "0.0001s", "-1",	   "-1s",
		"+1s",	   "1x",      "5x",	  "1 s",   " 1s",     "1s ",	 "1.5ms",  "1.5",
		"1.",	   ".5s",     "1.s",	  "1..5s", "1.0005s", "1.5m",	 "1h",	   "1S",
		"1MS",	   "ms",      "s",	  "1sms",  "1mss",    "600001",	 "601s",   "4294967296",
		"4294968s", "99999999999999999999999", "1e3", "0x10", "1,5s", "11m", "1M", "1hm",
	};
	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		unsigned ms = 12345;
		if (dsr_parse_duration_ms(cases[i], 600000, &ms) != -1)
			fail_msg("'%s' accepted as %u", cases[i], ms);
		assert_int_equal(ms, 12345); /* no partial write */
	}
	unsigned ms = 1;
	assert_int_equal(dsr_parse_duration_ms(NULL, 600000, &ms), -1);
	/* the limit is the caller's */
	assert_int_equal(dsr_parse_duration_ms("2s", 1999, &ms), -1);
	assert_int_equal(dsr_parse_duration_ms("2s", 2000, &ms), 0);
	assert_int_equal(ms, 2000);
	/* watch intervals: hours, within a day */
	assert_int_equal(dsr_parse_duration_ms("1h", 86400000, &ms), 0);
	assert_int_equal(ms, 3600000);
	assert_int_equal(dsr_parse_duration_ms("25h", 86400000, &ms), -1);
	assert_int_equal(dsr_parse_duration_ms("4294967295", UINT_MAX, &ms), 0);
	assert_int_equal(ms, UINT_MAX);
}

static void test_ipv4(void **state)
{
	static const struct {
		const char *text;
		uint32_t host; /* 0: must be refused */
	} cases[] = {
		{ "198.18.0.1", 0xc6120001 },
		{ "0.0.0.0", 0x00000000 },
		{ "255.255.255.255", 0xffffffff },
		{ "10.0.0.1", 0x0a000001 },
		{ "198.18.0.300", 0 },
		{ "256.0.0.1", 0 },
		{ "10.1", 0 },
		{ "10.0.1", 0 },
		{ "10.0.0.1.2", 0 },
		{ "010.0.0.1", 0 },
		{ "10.0.0.01", 0 },
		{ "10.0.0.", 0 },
		{ ".10.0.0", 0 },
		{ "10..0.1", 0 },
		{ "10.0.0.1 ", 0 },
		{ " 10.0.0.1", 0 },
		{ "10.0.0.-1", 0 },
		{ "10.0.0.+1", 0 },
		{ "0x0a.0.0.1", 0 },
		{ "10.0.0.1000", 0 },
		{ "99999999999.0.0.1", 0 },
		{ "", 0 },
		{ "web", 0 },
		{ "::1", 0 },
	};
	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct in_addr a = { .s_addr = 0x5a5a5a5a };
		int rc = dsr_parse_ipv4(cases[i].text, &a);
		bool good = cases[i].host != 0 || strcmp(cases[i].text, "0.0.0.0") == 0;
		if (good && (rc != 0 || ntohl(a.s_addr) != cases[i].host))
			fail_msg("'%s': rc %d, %08x", cases[i].text, rc, (unsigned)ntohl(a.s_addr));
		if (!good && (rc != -1 || a.s_addr != 0x5a5a5a5a))
			fail_msg("'%s' accepted", cases[i].text);
	}
	struct in_addr a;
	assert_int_equal(dsr_parse_ipv4(NULL, &a), -1);
}

static void test_mac(void **state)
{
	static const char *const good[] = { "02:00:00:00:00:11", "02-00-00-00-00-11",
					    "02:aa:BB:cC:Dd:ee", "FF:FF:FF:FF:FF:FF" };
	static const char *const bad[] = {
		"",
		"02:00:00:00:00",
		"02:00:00:00:00:11:22",
		"02:00:00:00:00:1",
		"02:00:00:00:00:111",
		"2:0:0:0:0:11",
		"02:00-00:00:00:11",
		"02-00:00:00:00:11",
		"02.00.00.00.00.11",
		"0200.0000.0011",
		"020000000011",
		"02:00:00:00:00:1g",
		"02:00:00:00:00:11 ",
		" 02:00:00:00:00:11",
		"02::00:00:00:00:11",
		"02:00:00:00:00:",
		"0",
	};
	uint8_t mac[6];
	(void)state;

	/* Regression (fuzz_parse, heap-buffer-overflow): two hex digits and the end
	 * of a heap string were read past. strdup, so that ASan sees the bound. */
	for (size_t n = 0; n <= 17; n++) {
		char *text = malloc(n + 1); /* strndup, which MinGW lacks */
		assert_non_null(text);
		memcpy(text, "02:00:00:00:00:11", n);
		text[n] = '\0';
		assert_int_equal(dsr_parse_mac(text, mac), n == 17 ? 0 : -1);
		free(text);
	}
	char *two = strdup("02");
	assert_int_equal(dsr_parse_mac(two, mac), -1);
	free(two);

	for (size_t i = 0; i < COUNT(good); i++)
		if (dsr_parse_mac(good[i], mac) != 0)
			fail_msg("'%s' refused", good[i]);
	assert_int_equal(dsr_parse_mac("02:aa:BB:cC:Dd:ee", mac), 0);
	static const uint8_t want[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	assert_memory_equal(mac, want, 6);
	for (size_t i = 0; i < COUNT(bad); i++) {
		memset(mac, 0x5a, sizeof(mac));
		if (dsr_parse_mac(bad[i], mac) != -1)
			fail_msg("'%s' accepted", bad[i]);
		for (int j = 0; j < 6; j++)
			assert_int_equal(mac[j], 0x5a);
	}
	assert_int_equal(dsr_parse_mac(NULL, mac), -1);
}

static void test_uint(void **state)
{
	unsigned v = 7;
	(void)state;

	assert_int_equal(dsr_parse_uint("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(dsr_parse_uint("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(dsr_parse_uint("080", 1, 65535, &v), 0);
	assert_int_equal(v, 80);
	assert_int_equal(dsr_parse_uint("4294967295", 0, UINT_MAX, &v), 0);
	assert_int_equal(v, UINT_MAX);

	static const char *const bad[] = { "",	 "11",	"-1",  "+1", " 1",	   "1 ", "1x",
					   "0x1", "1.0", "1e2", "a",  "4294967296", "99999999999999999999" };
	for (size_t i = 0; i < COUNT(bad); i++) {
		v = 7;
		if (dsr_parse_uint(bad[i], 0, 10, &v) != -1)
			fail_msg("'%s' accepted", bad[i]);
		assert_int_equal(v, 7);
	}
	assert_int_equal(dsr_parse_uint("4294967296", 0, UINT_MAX, &v), -1);
	assert_int_equal(dsr_parse_uint("0", 1, 10, &v), -1);
	assert_int_equal(dsr_parse_uint(NULL, 0, 10, &v), -1);
	assert_int_equal(v, 7);
}

static void test_format(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0xaa, 0x0b, 0x00, 0xff, 0x11 };
	char m[18], a[16];
	struct in_addr addr = { .s_addr = htonl(0xc6120064) };
	(void)state;

	dsr_format_mac(mac, m);
	assert_string_equal(m, "02:aa:0b:00:ff:11");
	dsr_format_ipv4(addr, a);
	assert_string_equal(a, "198.18.0.100");
	addr.s_addr = htonl(0xffffffff);
	dsr_format_ipv4(addr, a);
	assert_string_equal(a, "255.255.255.255");
	addr.s_addr = 0;
	dsr_format_ipv4(addr, a);
	assert_string_equal(a, "0.0.0.0");

	/* what is formatted parses back to the same value */
	uint8_t back[6];
	struct in_addr again;
	assert_int_equal(dsr_parse_mac(m, back), 0);
	assert_memory_equal(back, mac, 6);
	addr.s_addr = htonl(0x0a000001);
	dsr_format_ipv4(addr, a);
	assert_int_equal(dsr_parse_ipv4(a, &again), 0);
	assert_int_equal(again.s_addr, addr.s_addr);
}

static void test_ranges(void **state)
{
	static const struct {
		const char *text;
		int rc;
		uint32_t first, last;
	} ranges[] = {
		{ "198.18.2.1-198.18.2.250", 0, 0xc6120201, 0xc61202fa },
		{ "198.18.2.7-198.18.2.7", 0, 0xc6120207, 0xc6120207 },
		{ "198.18.2.255-198.18.3.0", 0, 0xc61202ff, 0xc6120300 },
		{ "198.18.2.9-198.18.2.1", -1, 0, 0 },
		{ "198.18.2.1 - 198.18.2.9", -1, 0, 0 },
		{ "198.18.2.1-", -1, 0, 0 },
		{ "-198.18.2.1", -1, 0, 0 },
		{ "198.18.2.1-9", -1, 0, 0 },
		{ "198.18.2.1", -1, 0, 0 },
		{ "1111111111111111-198.18.2.1", -1, 0, 0 },
	}, prefixes[] = {
		{ "198.18.2.0/24", 0, 0xc6120201, 0xc61202fe },
		{ "198.18.2.0/30", 0, 0xc6120201, 0xc6120202 },
		{ "198.18.2.4/31", 0, 0xc6120204, 0xc6120205 },
		{ "198.18.2.9/32", 0, 0xc6120209, 0xc6120209 },
		{ "198.18.0.0/15", 0, 0xc6120001, 0xc613fffe },
		{ "198.18.2.1/24", -1, 0, 0 },
		{ "198.18.2.0/33", -1, 0, 0 },
		{ "198.18.2.0/024", -1, 0, 0 },
		{ "198.18.2.0/", -1, 0, 0 },
		{ "198.18.2.0/-1", -1, 0, 0 },
		{ "198.18.2.0", -1, 0, 0 },
	};
	uint32_t first, last;
	(void)state;

	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		first = last = 0;
		assert_int_equal(dsr_parse_ipv4_range(ranges[i].text, &first, &last), ranges[i].rc);
		assert_int_equal(first, ranges[i].first);
		assert_int_equal(last, ranges[i].last);
	}
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		first = last = 0;
		if (dsr_parse_ipv4_prefix(prefixes[i].text, &first, &last) != prefixes[i].rc)
			fail_msg("%s", prefixes[i].text);
		assert_int_equal(first, prefixes[i].first);
		assert_int_equal(last, prefixes[i].last);
	}
	assert_int_equal(dsr_parse_ipv4_prefix("0.0.0.0/0", &first, &last), 0);
	assert_int_equal(first, 1);
	assert_int_equal(last, 0xfffffffe);
}

static void test_words(void **state)
{
	char d[16], q[DSR_QUOTE_MAX];
	struct in_addr a;
	static const uint8_t multicast[6] = { 1, 0, 0x5e, 0, 0, 1 }, zero[6], ok[6] = { 2, 0, 0, 0, 0, 1 };
	(void)state;

	dsr_format_duration(600000, d);
	assert_string_equal(d, "600s");
	dsr_format_duration(86400000, d);
	assert_string_equal(d, "24h");
	dsr_format_duration(1500, d);
	assert_string_equal(d, "1500ms");
	dsr_format_duration(0, d);
	assert_string_equal(d, "0ms");

	assert_string_equal(dsr_quote(q, "a\x01\xff\xc3\xa9", 5), "a\\x01\\xff\xc3\xa9");
	assert_string_equal(dsr_quote(q, "abc", 2), "ab");

	assert_int_equal(dsr_parse_ipv4("127.0.0.1", &a), 0);
	assert_string_equal(dsr_ipv4_unusable(a), "is a loopback address");
	assert_int_equal(dsr_parse_ipv4("198.18.0.1", &a), 0);
	assert_null(dsr_ipv4_unusable(a));
	assert_string_equal(dsr_mac_unusable(multicast), "is a multicast address");
	assert_string_equal(dsr_mac_unusable(zero), "is all zeros");
	assert_null(dsr_mac_unusable(ok));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc_vlan),
		cmocka_unit_test(test_duration_good),
		cmocka_unit_test(test_duration_bad),
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_uint),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
