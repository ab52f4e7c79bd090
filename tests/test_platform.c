/* platform/platform.h on the system the tests run on: no privilege and no traffic,
 * only what the operating system tells (Linux here; Windows's IP Helper under
 * Wine in make check-windows). The interface found depends on the machine, so
 * what is checked is what must hold on any. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../platform/platform.h"
#ifdef __linux__
#include <pwd.h>
#endif

static void random_bytes(void **state)
{
	uint8_t a[32], b[32];
	(void)state;

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	assert_int_equal(dsr_platform_random(a, sizeof(a)), 0);
	assert_int_equal(dsr_platform_random(b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
}

static void clock_is_unix_time(void **state)
{
	struct timeval tv;
	time_t before = time(NULL);
	(void)state;

	dsr_platform_now(&tv);
	assert_true(tv.tv_sec >= before - 1 && tv.tv_sec <= time(NULL) + 1);
	assert_true(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
}

static void unknown_interface(void **state)
{
	struct dsr_iface ifc;
	struct in_addr to;
	char err[256] = "";
	(void)state;

	inet_pton(AF_INET, "192.0.2.1", &to);
	assert_int_equal(dsr_platform_iface("dsr-no-such-if", to, &ifc, err, sizeof(err)), -1);
	print_message("%s\n", err);
	assert_non_null(strstr(err, "'dsr-no-such-if' not found"));
}

/* The interface that routes to a documentation address (RFC 5737), when this
 * machine has a route at all: named, with a MAC, the source address first. */
static void interface_by_route(void **state)
{
	struct dsr_iface ifc;
	struct in_addr to;
	char err[256] = "", ip[INET_ADDRSTRLEN];
	(void)state;

	inet_pton(AF_INET, "192.0.2.1", &to);
	if (dsr_platform_iface("", to, &ifc, err, sizeof(err)) < 0) {
		print_message("no usable route here: %s\n", err);
		assert_true(err[0] != '\0');
		skip();
	}
	inet_ntop(AF_INET, &ifc.addrs[0], ip, sizeof(ip));
	print_message("%s (capture device %s): %s, %zu addresses, gateway %s\n", ifc.name,
		      dsr_iface_device(&ifc), ip, ifc.naddrs, ifc.has_gateway ? "yes" : "no");
	assert_true(ifc.name[0] != '\0');
	assert_true(ifc.naddrs > 0);
	assert_true(dsr_iface_has_addr(&ifc, ifc.addrs[0]));
#ifdef _WIN32
	assert_memory_equal(ifc.device, "\\Device\\NPF_{", 13);
#endif
	/* named again, the same interface */
	struct dsr_iface again;
	assert_int_equal(dsr_platform_iface(ifc.name, to, &again, err, sizeof(err)), 0);
	assert_string_equal(again.name, ifc.name);
	assert_memory_equal(again.mac, ifc.mac, 6);
#ifdef _WIN32
	/* and by Npcap's device name */
	assert_int_equal(dsr_platform_iface(ifc.device, to, &again, err, sizeof(err)), 0);
	assert_string_equal(again.name, ifc.name);
#endif
}

#ifdef __linux__
#include <grp.h>

#include "drop_child.h"

/* Root gives up uid 0, not only its capabilities: to sudo's user, else nobody.
 * Needs real root (make unit as root); skipped otherwise. */
static void drop_leaves_root(void **state)
{
	FILE *f = fopen("/proc/self/uid_map", "r");
	unsigned long inside = 1, outside = 1;
	struct passwd *nobody = getpwnam("nobody");

	(void)state;
	if (f) {
		if (fscanf(f, "%lu %lu", &inside, &outside) != 2)
			inside = outside = 1;
		fclose(f);
	}
	if (geteuid() != 0 || inside != 0 || outside != 0 || !nobody) {
		print_message("skipped: needs real root and a user 'nobody'\n");
		skip();
	}
	assert_int_equal(drop_in_child("4321", "4322", NULL, 4321, 4322), 0);
	assert_int_equal(drop_in_child(NULL, NULL, NULL, nobody->pw_uid, nobody->pw_gid), 0);
	assert_int_equal(drop_in_child("0", NULL, NULL, nobody->pw_uid, nobody->pw_gid), 0);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_bytes),
		cmocka_unit_test(clock_is_unix_time),
		cmocka_unit_test(unknown_interface),
		cmocka_unit_test(interface_by_route),
#ifdef __linux__
		cmocka_unit_test(drop_leaves_root),
#endif
	};
	return cmocka_run_group_tests_name("platform", tests, NULL, NULL);
}
