/* libFuzzer harness: the value parsers of src/parse.c (durations, IPv4
 * addresses, MACs, numbers), which every option and configuration key goes
 * through. fuzz_cli and fuzz_config reach them too, but always on copies in
 * roomy stack buffers, where reading past a value's end goes unseen; here the
 * value is a heap string of exactly its length, so AddressSanitizer sees it.
 *
 * The parsers promise to be strict (src/parse.h): what they accept must read
 * back as the same value, and an address must be written the one way
 * dsr_format_ipv4 writes it (no leading zeros, no shorthand).
 *
 * Input: the text of one value (up to the first NUL). */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/parse.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t len = nul ? (size_t)(nul - data) : size;
	char *text = malloc(len + 1);
	struct in_addr addr;
	uint8_t mac[6];
	unsigned u, ms;
	char out[18];

	FUZZ_REQUIRE(text != NULL);
	memcpy(text, data, len);
	text[len] = '\0';

	if (dsr_parse_ipv4(text, &addr) == 0) {
		dsr_format_ipv4(addr, out);
		FUZZ_REQUIRE(strcmp(out, text) == 0);
	}
	if (dsr_parse_mac(text, mac) == 0) {
		/* Only "xx:xx:..." or "xx-xx-...", either case. */
		FUZZ_REQUIRE(len == 17);
		dsr_format_mac(mac, out);
		for (size_t i = 0; i < 17; i++)
			FUZZ_REQUIRE(tolower((unsigned char)text[i]) == out[i] ||
				     (i % 3 == 2 && text[i] == '-' && text[2] == '-'));
	}
	if (dsr_parse_uint(text, 0, 0xffffffffu, &u) == 0) {
		FUZZ_REQUIRE(len > 0 && strspn(text, "0123456789") == len);
		FUZZ_REQUIRE(strtoull(text, NULL, 10) == u);
	}
	if (dsr_parse_uint(text, 1, 65535, &u) == 0)
		FUZZ_REQUIRE(u >= 1 && u <= 65535);
	if (dsr_parse_duration_ms(text, 600000, &ms) == 0)
		FUZZ_REQUIRE(ms > 0 && ms <= 600000);
	if (dsr_parse_duration_ms(text, 0xffffffffu, &ms) == 0)
		FUZZ_REQUIRE(ms > 0);
	free(text);
	return 0;
}
