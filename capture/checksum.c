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

uint32_t dsr_sum_pseudo6(const struct in6_addr *src, const struct in6_addr *dst, uint32_t len,
			 uint8_t next)
{
	uint8_t tail[8] = {(uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len,
			   0, 0, 0, next};
	uint32_t sum = dsr_sum16(src->s6_addr, 16, 0);
	sum = dsr_sum16(dst->s6_addr, 16, sum);
	return dsr_sum16(tail, sizeof(tail), sum);
}
