/* COMPILE-CHECK SHIM (README.md): runs the parts of platform/platform_bsd.c that
 * need no BSD kernel on Linux, built against glibc plus the shim with
 * __FreeBSD__ defined (the shim's layouts are held to FreeBSD's real sizes by
 * layout_check.c): routing-message parsing, AF_LINK MAC extraction, shortened
 * netmasks, the choice of interface and gateway, the parsing of sudo's ids and
 * (as root, in child processes) whom the privilege drop switches to and that
 * root is out of reach afterwards. Linux's setuid semantics stand in for the
 * BSDs' here; the routing socket and getifaddrs themselves are not exercised.
 * Built and run by tests/bsd-compile-check.sh, never by make. */
#include "../../platform/platform_bsd.c"
#include "../../platform/privilege_posix.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "../drop_child.h"

/* FreeBSD on amd64 pads each sockaddr of a routing message to 8 bytes
 * (SA_SIZE in its <net/route.h>); written out here rather than taken from the
 * code under test, so that a wrong padding rule there shows. */
#define KERNEL_ALIGN 8
static size_t kernel_space(size_t len)
{
	return len == 0 ? KERNEL_ALIGN : (len + KERNEL_ALIGN - 1) / KERNEL_ALIGN * KERNEL_ALIGN;
}

/* A routing message under construction, laid out as the kernel lays it out. */
struct msg {
	union {
		struct rt_msghdr hdr;
		unsigned char bytes[1024];
	} u;
	size_t len;
};

static void msg_init(struct msg *m, int flags, unsigned short ifindex)
{
	memset(m, 0, sizeof(*m));
	m->u.hdr.rtm_version = RTM_VERSION;
	m->u.hdr.rtm_type = RTM_GET;
	m->u.hdr.rtm_flags = flags;
	m->u.hdr.rtm_index = ifindex;
	m->len = sizeof(struct rt_msghdr);
}

static void msg_add(struct msg *m, int rta, const void *sa, size_t salen)
{
	m->u.hdr.rtm_addrs |= rta;
	memcpy(m->u.bytes + m->len, sa, salen);
	m->len += kernel_space(salen);
	m->u.hdr.rtm_msglen = (unsigned short)m->len;
}

static struct sockaddr_in sin_of(const char *ip)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, ip, &sin.sin_addr);
	return sin;
}

/* An AF_LINK sockaddr as getifaddrs and the routing socket give it: the name,
 * then the address, in sdl_data. */
static struct sockaddr_dl sdl_of(unsigned short ifindex, unsigned char type, const char *name,
				 const uint8_t *mac)
{
	struct sockaddr_dl sdl;
	size_t nlen = strlen(name);

	memset(&sdl, 0, sizeof(sdl));
	sdl.sdl_len = sizeof(sdl);
	sdl.sdl_family = AF_LINK;
	sdl.sdl_index = ifindex;
	sdl.sdl_type = type;
	sdl.sdl_nlen = (unsigned char)nlen;
	memcpy(sdl.sdl_data, name, nlen);
	if (mac) {
		sdl.sdl_alen = 6;
		memcpy(sdl.sdl_data + nlen, mac, 6);
	}
	return sdl;
}

static uint32_t ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* A default route: gateway, a /0 netmask of length 0, the interface and its
 * address; every sockaddr lands where the padding rule says. */
static void parses_default_route(void **state)
{
	struct msg m;
	struct route_answer ans;
	struct sockaddr_in dst = sin_of("203.0.113.9"), gw = sin_of("198.18.0.1"),
			   ifa = sin_of("198.18.0.50");
	struct sockaddr mask0 = {0};
	struct sockaddr_dl ifp = sdl_of(7, IFT_ETHER, "em0", NULL);
	struct dsr_iface ifc = {.name = "em0"};

	(void)state;
	msg_init(&m, RTF_UP | RTF_GATEWAY | RTF_STATIC, 7);
	msg_add(&m, RTA_DST, &dst, sizeof(dst));
	msg_add(&m, RTA_GATEWAY, &gw, sizeof(gw));
	msg_add(&m, RTA_NETMASK, &mask0, 0);
	msg_add(&m, RTA_IFP, &ifp, sizeof(ifp));
	msg_add(&m, RTA_IFA, &ifa, sizeof(ifa));
	assert_int_equal(parse_route_reply(m.u.bytes, m.len, &ans), 0);
	assert_int_equal(ans.index, 7);
	assert_int_equal(sockaddr_ipv4((struct sockaddr *)&ans.addrs[RTAX_DST]).s_addr,
			 ip("203.0.113.9"));
	assert_int_equal(sockaddr_ipv4((struct sockaddr *)&ans.addrs[RTAX_IFA]).s_addr,
			 ip("198.18.0.50"));
	assert_int_equal(ans.addrs[RTAX_NETMASK].ss_len, 0);
	assert_int_equal(ans.addrs[RTAX_IFP].ss_family, AF_LINK);
	route_gateway(&ifc, &ans, "em0");
	assert_true(ifc.has_gateway);
	assert_int_equal(ifc.gateway.s_addr, ip("198.18.0.1"));

	/* The same route seen from another interface (-i em1): no gateway there. */
	struct dsr_iface other = {.name = "em1"};
	route_gateway(&other, &ans, "em0");
	assert_false(other.has_gateway);
}

/* A connected route names the link, not a router: no gateway. */
static void connected_route_has_no_gateway(void **state)
{
	struct msg m;
	struct route_answer ans;
	struct sockaddr_in dst = sin_of("198.18.0.11");
	struct sockaddr_dl gw = sdl_of(7, IFT_ETHER, "", NULL);
	struct dsr_iface ifc = {.name = "em0"};

	(void)state;
	msg_init(&m, RTF_UP, 7);
	msg_add(&m, RTA_DST, &dst, sizeof(dst));
	msg_add(&m, RTA_GATEWAY, &gw, sizeof(gw));
	assert_int_equal(parse_route_reply(m.u.bytes, m.len, &ans), 0);
	route_gateway(&ifc, &ans, "em0");
	assert_false(ifc.has_gateway);
}

/* Lengths that point past what was read are refused, never followed. */
static void refuses_truncated_replies(void **state)
{
	struct msg m;
	struct route_answer ans;
	struct sockaddr_in dst = sin_of("198.18.0.11"), gw = sin_of("198.18.0.1");

	(void)state;
	msg_init(&m, RTF_UP | RTF_GATEWAY, 1);
	msg_add(&m, RTA_DST, &dst, sizeof(dst));
	msg_add(&m, RTA_GATEWAY, &gw, sizeof(gw));
	assert_int_equal(parse_route_reply(m.u.bytes, m.len, &ans), 0);
	/* read() returned less than rtm_msglen says */
	assert_int_equal(parse_route_reply(m.u.bytes, m.len - 1, &ans), -1);
	/* fewer bytes than a header */
	assert_int_equal(parse_route_reply(m.u.bytes, sizeof(struct rt_msghdr) - 1, &ans), -1);
	/* a sockaddr claiming more than the message holds */
	m.u.bytes[sizeof(struct rt_msghdr) + kernel_space(sizeof(dst))] = 200;
	assert_int_equal(parse_route_reply(m.u.bytes, m.len, &ans), -1);
	/* addresses announced but absent */
	msg_init(&m, RTF_UP, 1);
	m.u.hdr.rtm_addrs = RTA_DST | RTA_GATEWAY;
	m.u.hdr.rtm_msglen = (unsigned short)m.len;
	assert_int_equal(parse_route_reply(m.u.bytes, m.len, &ans), -1);
}

/* Netmasks come shortened after their last non-zero byte, or empty for /0. */
static void reads_shortened_netmasks(void **state)
{
	struct sockaddr_in sin = sin_of("255.255.0.0");

	(void)state;
	sin.sin_len = 6; /* length, family, two port bytes, 255, 255 */
	assert_int_equal(sockaddr_ipv4((struct sockaddr *)&sin).s_addr, ip("255.255.0.0"));
	sin.sin_len = 0;
	assert_int_equal(sockaddr_ipv4((struct sockaddr *)&sin).s_addr, 0);
	sin = sin_of("255.255.255.0");
	assert_int_equal(sockaddr_ipv4((struct sockaddr *)&sin).s_addr, ip("255.255.255.0"));
}

static void takes_ethernet_macs_only(void **state)
{
	const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x42};
	uint8_t got[6] = {0};
	struct sockaddr_dl sdl;

	(void)state;
	sdl = sdl_of(2, IFT_ETHER, "em0", mac);
	assert_true(ethernet_mac((struct sockaddr *)&sdl, got));
	assert_memory_equal(got, mac, 6);
	sdl = sdl_of(3, IFT_L2VLAN, "vlan100", mac);
	assert_true(ethernet_mac((struct sockaddr *)&sdl, got));
	sdl = sdl_of(1, IFT_LOOP, "lo0", NULL);
	assert_false(ethernet_mac((struct sockaddr *)&sdl, got));
	sdl = sdl_of(4, IFT_ETHER, "em1", NULL); /* no address */
	assert_false(ethernet_mac((struct sockaddr *)&sdl, got));
	/* a name and address running past sdl_len */
	sdl = sdl_of(2, IFT_ETHER, "em0", mac);
	sdl.sdl_len = (unsigned char)(offsetof(struct sockaddr_dl, sdl_data) + 3 + 5);
	assert_false(ethernet_mac((struct sockaddr *)&sdl, got));
}

/* The interface is the one that holds the route's address (a route to one of
 * our own addresses names lo0, the address lives on the NIC); failing that,
 * the index the kernel gave. */
static void picks_the_interface_that_holds_the_address(void **state)
{
	struct msg m;
	struct route_answer ans;
	struct sockaddr_in dst = sin_of("198.18.0.100"), ifa = sin_of("198.18.0.100");
	struct sockaddr_dl ifp = sdl_of(1, IFT_LOOP, "lo0", NULL);
	struct sockaddr_in held = sin_of("198.18.0.100"), other = sin_of("10.9.9.9");
	struct ifaddrs lo = {.ifa_name = (char *)"lo0", .ifa_addr = (struct sockaddr *)&other};
	struct ifaddrs em = {.ifa_next = &lo, .ifa_name = (char *)"em0",
			     .ifa_addr = (struct sockaddr *)&held};
	struct in_addr src;
	bool has_src;
	char name[IF_NAMESIZE];

	(void)state;
	msg_init(&m, RTF_UP | RTF_HOST, 1);
	msg_add(&m, RTA_DST, &dst, sizeof(dst));
	msg_add(&m, RTA_IFP, &ifp, sizeof(ifp));
	msg_add(&m, RTA_IFA, &ifa, sizeof(ifa));
	assert_int_equal(parse_route_reply(m.u.bytes, m.len, &ans), 0);
	assert_int_equal(route_interface(&ans, &em, name, sizeof(name), &src, &has_src), 0);
	assert_string_equal(name, "em0");
	assert_true(has_src);
	assert_int_equal(src.s_addr, ip("198.18.0.100"));

	/* Nobody holds the address: the kernel's index (1 is the host's loopback). */
	held = sin_of("198.18.0.7");
	char expect[IF_NAMESIZE];
	assert_non_null(if_indextoname(1, expect));
	assert_int_equal(route_interface(&ans, &em, name, sizeof(name), &src, &has_src), 0);
	assert_string_equal(name, expect);
}

static void parses_sudo_ids(void **state)
{
	unsigned long id;

	(void)state;
	assert_true(parse_id("1000", &id));
	assert_int_equal(id, 1000);
	assert_false(parse_id(NULL, &id));
	assert_false(parse_id("", &id));
	assert_false(parse_id("0", &id));
	assert_false(parse_id("-1", &id));
	assert_false(parse_id(" 1000", &id));
	assert_false(parse_id("1000x", &id));
	assert_false(parse_id("4294967295", &id));
	assert_false(parse_id("99999999999999999999999", &id));
}

static void random_bytes_differ(void **state)
{
	uint8_t a[32] = {0}, b[32] = {0};

	(void)state;
	assert_int_equal(dsr_platform_random(a, sizeof(a)), 0);
	assert_int_equal(dsr_platform_random(b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
}

static void drops_to_the_invoking_user_or_nobody(void **state)
{
	const struct passwd *nobody = getpwnam("nobody");

	(void)state;
	if (geteuid() != 0 || !nobody)
		skip();
	uid_t nuid = nobody->pw_uid;
	gid_t ngid = nobody->pw_gid;
	assert_int_equal(drop_in_child("4321", "4322", NULL, 4321, 4322), 0);
	assert_int_equal(drop_in_child("4321", NULL, NULL, 4321,
				       getpwuid(4321) ? getpwuid(4321)->pw_gid : 0),
			 getpwuid(4321) ? 0 : 2); /* no group to be had: refuse */
	assert_int_equal(drop_in_child(NULL, NULL, "nobody", nuid, ngid), 0);
	assert_int_equal(drop_in_child(NULL, NULL, NULL, nuid, ngid), 0);
	assert_int_equal(drop_in_child("0", "0", NULL, nuid, ngid), 0); /* never to root */
	assert_int_equal(drop_in_child("junk", NULL, NULL, nuid, ngid), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_default_route),
		cmocka_unit_test(connected_route_has_no_gateway),
		cmocka_unit_test(refuses_truncated_replies),
		cmocka_unit_test(reads_shortened_netmasks),
		cmocka_unit_test(takes_ethernet_macs_only),
		cmocka_unit_test(picks_the_interface_that_holds_the_address),
		cmocka_unit_test(parses_sudo_ids),
		cmocka_unit_test(random_bytes_differ),
		cmocka_unit_test(drops_to_the_invoking_user_or_nobody),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
