#include "checksum.h"

uint32_t dsr_sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	/* 64 KiB of words cannot carry out of 32 bits from a folded start, but a
	 * chain of calls could: fold as we go. */
	for (size_t i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1) {
		sum += (uint32_t)(p[len - 1] << 8);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return sum;
}

uint16_t dsr_sum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
