/* The balancer set: who may own a VIP, by name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../src/ha.h"
#include "../src/parse.h"

static const uint8_t lb1_mac[6] = {2, 0, 0, 0, 0, 0x02};
static const uint8_t lb2_mac[6] = {2, 0, 0, 0, 0, 0x03};
static const uint8_t other_mac[6] = {2, 0, 0, 0, 0, 0x99};

/* As ARP answered in a run: lb1 by one MAC, lb2 by two (its address is in conflict). */
static size_t resolved(struct in_addr addr, void *arg, uint8_t (*out)[6], size_t cap)
{
	struct in_addr lb1, lb2;
	(void)arg;
	assert_int_equal(dsr_parse_ipv4("198.18.0.2", &lb1), 0);
	assert_int_equal(dsr_parse_ipv4("198.18.0.3", &lb2), 0);
	if (addr.s_addr == lb1.s_addr && cap >= 1) {
		memcpy(out[0], lb1_mac, 6);
		return 1;
	}
	if (addr.s_addr == lb2.s_addr && cap >= 2) {
		memcpy(out[0], lb2_mac, 6);
		memcpy(out[1], other_mac, 6);
		return 2;
	}
	return 0;
}

static void service(struct dsr_service *svc)
{
	memset(svc, 0, sizeof(*svc));
	svc->nbalancers = 2;
	snprintf(svc->balancers[0].name, DSR_NAME_MAX, "lb1");
	assert_int_equal(dsr_parse_ipv4("198.18.0.2", &svc->balancers[0].addr), 0);
	snprintf(svc->balancers[1].name, DSR_NAME_MAX, "edge-b");
	assert_int_equal(dsr_parse_ipv4("198.18.0.3", &svc->balancers[1].addr), 0);
}

static void members_by_name(void **state)
{
	static struct dsr_service svc;
	static struct dsr_ha_set set;
	(void)state;

	service(&svc);
	assert_true(dsr_ha_configured(&svc));
	dsr_ha_build(&svc, resolved, NULL, &set);
	/* lb1 resolved; edge-b answered by two MACs: which is its own is not known. */
	assert_int_equal(set.n, 1);
	assert_int_equal(set.unresolved, 1);
	assert_string_equal(dsr_ha_find(&set, lb1_mac)->name, "lb1");
	assert_int_equal(dsr_ha_find(&set, lb1_mac)->how, DSR_HA_RESOLVED);
	assert_null(dsr_ha_find(&set, other_mac));
	assert_ptr_equal(dsr_ha_balancer_at(&set, &svc, svc.balancers[0].addr), dsr_ha_find(&set, lb1_mac));
	assert_null(dsr_ha_balancer_at(&set, &svc, svc.balancers[1].addr));

	/* Configured MACs need no ARP; a listed MAC that is a member's stays that member. */
	svc.balancers[1].has_mac = true;
	memcpy(svc.balancers[1].mac, lb2_mac, 6);
	svc.nbalancer_macs = 2;
	memcpy(svc.balancer_macs[0], lb2_mac, 6);
	memcpy(svc.balancer_macs[1], other_mac, 6);
	svc.vrrp_id = 51;
	dsr_ha_build(&svc, NULL, NULL, &set);
	assert_int_equal(set.unresolved, 1); /* lb1, with nothing resolved */
	assert_string_equal(dsr_ha_find(&set, lb2_mac)->name, "edge-b");
	assert_int_equal(dsr_ha_find(&set, lb2_mac)->how, DSR_HA_CONFIGURED);
	assert_string_equal(dsr_ha_find(&set, other_mac)->name, "balancer-mac2");
	uint8_t vmac[6];
	dsr_vrrp_mac(51, vmac);
	assert_string_equal(dsr_ha_find(&set, vmac)->name, "vrrp-51");
	assert_int_equal(dsr_ha_find(&set, vmac)->balancer, -1);
	assert_int_equal(set.n, 3);
}

static void nothing_configured(void **state)
{
	static struct dsr_service svc;
	static struct dsr_ha_set set;
	(void)state;

	memset(&svc, 0, sizeof(svc));
	assert_false(dsr_ha_configured(&svc));
	dsr_ha_build(&svc, resolved, NULL, &set);
	assert_int_equal(set.n, 0);
	assert_null(dsr_ha_find(&set, lb1_mac));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(members_by_name),
		cmocka_unit_test(nothing_configured),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
