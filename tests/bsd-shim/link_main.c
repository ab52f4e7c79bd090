/* COMPILE-CHECK SHIM (README.md): a program that calls every function of
 * platform/platform.h, linked (never run) for macOS with zig, so that every
 * library function platform/platform_bsd.c calls is resolved against macOS's
 * libSystem symbol list. */
#include <stdio.h>

#include "../../platform/platform.h"

int main(void)
{
	struct dsr_iface ifc;
	struct timeval tv;
	char err[256];
	unsigned char key[16];
	struct in_addr dst = {0};

	if (dsr_platform_iface("", dst, &ifc, err, sizeof(err)) < 0)
		puts(err);
	if (dsr_platform_drop_privileges(err, sizeof(err)) < 0)
		puts(err);
	dsr_platform_random(key, sizeof(key));
	dsr_platform_now(&tv);
	return dsr_iface_on_link(&ifc, dst) ? 0 : 1;
}
