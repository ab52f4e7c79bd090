/* Which checks run from here, and how each probe reaches its target. A check
 * that cannot run from this vantage point is planned as a skip with its reason,
 * never silently left out. */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "parse.h"

#define SPORT_BASE 33000u
#define SPORT_SPAN 20000u
#define SPORT_SPREAD 12000u

struct builder {
	struct dsr_plan *plan;
	struct dsr_task *tasks; /* plan->tasks while it is written: const once built */
	size_t cap;
	const struct dsr_iface *ifc; /* the interface, or the VLAN's view of it (service_view) */
	uint16_t vantage;            /* of the tasks added now: struct dsr_task's */
	size_t gateway_task; /* DSR_NO_TASK until an off-link target needs it */
	uint32_t key;
	unsigned tcp_count;
	/* Tasks that write no identifiers of their own (connections of this host's
	 * TCP): they do not move the others', so recorded captures keep replaying
	 * as new checks of that kind are added. */
	size_t unnumbered;
	size_t nconn;
	char *err;
	size_t errlen;
};

/* splitmix64's finaliser: every input bit moves every output bit. */
static uint64_t mix64(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* The source ports stay one contiguous range (the capture filter admits it),
 * but which task has which port is a keyed shuffle. */
static int shuffle_ports(struct builder *b, uint32_t key)
{
	size_t n = 0;
	uint16_t **ports = malloc((b->plan->ntasks ? b->plan->ntasks : 1) * sizeof(*ports));
	uint64_t state = key;

	if (!ports)
		return -1;
	for (size_t i = 0; i < b->plan->ntasks; i++)
		if (b->tasks[i].sport)
			ports[n++] = &b->tasks[i].sport;
	for (size_t k = n; k > 1; k--) {
		state = mix64(state + 0x9e3779b97f4a7c15ull);
		size_t r = (size_t)(state % k);
		uint16_t tmp = *ports[k - 1];
		*ports[k - 1] = *ports[r];
		*ports[r] = tmp;
	}
	free(ports);
	return 0;
}

static struct dsr_task *add_task(struct builder *b)
{
	if (b->plan->ntasks == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct dsr_task *tasks = realloc(b->tasks, cap * sizeof(*tasks));
		if (!tasks) {
			snprintf(b->err, b->errlen, "out of memory");
			return NULL;
		}
		b->plan->tasks = b->tasks = tasks;
		b->cap = cap;
	}
	struct dsr_task *t = &b->tasks[b->plan->ntasks++];
	memset(t, 0, sizeof(*t));
	t->port = -1;
	t->resolver = DSR_NO_TASK;
	t->vantage = b->vantage;
	return t;
}

static size_t index_of(const struct builder *b, const struct dsr_task *t)
{
	return (size_t)(t - b->tasks);
}

static void skip(struct dsr_task *t, const char *reason, const char *summary)
{
	t->probe = NULL;
	t->skip_reason = reason;
	t->skip_summary = summary;
}

/* The ARP task that tells an IP probe where to send its frame: the target's own
 * when it is on-link, otherwise the gateway's (an internal task). */
static size_t next_hop(struct builder *b, struct in_addr target, size_t own_arp_task,
		       struct in_addr *hop)
{
	if (dsr_iface_on_link(b->ifc, target)) {
		*hop = target;
		return own_arp_task;
	}
	if (!b->ifc->has_gateway) {
		*hop = target;
		return DSR_NO_TASK;
	}
	*hop = b->ifc->gateway;
	if (b->gateway_task == DSR_NO_TASK) {
		struct dsr_task *g = add_task(b);
		if (!g)
			return DSR_NO_TASK;
		g->probe = &dsr_probe_arp;
		g->internal = true;
		g->target = b->ifc->gateway;
		b->gateway_task = index_of(b, g);
	}
	return b->gateway_task;
}

/* The ARP task that resolves an on-link target, added when the check itself is
 * not planned (a server's address probed only for its TCP ports, say). */
static size_t arp_for(struct builder *b, struct in_addr target, size_t existing)
{
	if (existing != DSR_NO_TASK || !dsr_iface_on_link(b->ifc, target))
		return existing;
	struct dsr_task *a = add_task(b);
	if (!a)
		return DSR_NO_TASK;
	a->probe = &dsr_probe_arp;
	a->internal = true;
	a->target = target;
	return index_of(b, a);
}

/* The identifiers written into IP probe t: from a keyed mix, not a counter,
 * so that one probe seen by another host on the segment does not tell it what
 * the others carry (a forged answer to a probe it did not see cannot be
 * matched). 0, or -1 with err set. */
static int identify(struct builder *b, struct dsr_task *t, int port)
{
	uint32_t i = (uint32_t)(index_of(b, t) - b->unnumbered);
	uint64_t h = mix64(((uint64_t)b->key << 32) ^ (0x9e3779b97f4a7c15ull * (i + 1)));

	t->echo_id = (uint16_t)h;
	t->echo_seq = (uint16_t)(h >> 16);
	if (port < 0)
		return 0;
	if (b->tcp_count >= SPORT_SPAN) {
		snprintf(b->err, b->errlen, "too many TCP probes in one run (more than %u)", SPORT_SPAN);
		return -1;
	}
	/* Shuffled over the range once the plan is complete (see dsr_plan_build). */
	t->sport = (uint16_t)(b->plan->sport_first + b->tcp_count++);
	t->seq = (uint32_t)(h >> 32);
	return 0;
}

/* An IP probe to target, whose frame goes to the MAC of via (the target itself,
 * or for direct probes the server that should accept the VIP). Returns the
 * task, valid until the next add_task, or NULL with err set. */
static struct dsr_task *add_ip_probe(struct builder *b, const struct dsr_probe *probe,
				     const char *check_id, const struct dsr_service *svc,
				     const struct dsr_server *srv, struct in_addr target, int port,
				     struct in_addr via, size_t via_arp)
{
	struct in_addr hop;
	size_t resolver = next_hop(b, via, via_arp, &hop);
	if (b->err[0])
		return NULL;
	struct dsr_task *t = add_task(b);
	if (!t)
		return NULL;
	t->probe = probe;
	t->check_id = check_id;
	t->service = svc->name;
	t->server = srv ? srv->name : NULL;
	t->target = target;
	t->port = port;
	t->is_vip = target.s_addr == svc->vip.s_addr;
	t->resolver = resolver;
	t->nexthop = hop;
	/* The operator's word on a server's MAC is used when ARP gets no answer. */
	if (srv && srv->has_mac && hop.s_addr == srv->addr.s_addr) {
		memcpy(t->fallback_mac, srv->mac, 6);
		t->has_fallback_mac = true;
	}
	return identify(b, t, port) < 0 ? NULL : t;
}

static int add_skip(struct builder *b, const char *check_id, const struct dsr_service *svc,
		    const struct dsr_server *srv, struct in_addr target, int port, const char *reason,
		    const char *summary)
{
	struct dsr_task *t = add_task(b);
	if (!t)
		return -1;
	t->check_id = check_id;
	t->service = svc->name;
	t->server = srv ? srv->name : NULL;
	t->target = target;
	t->port = port;
	t->is_vip = target.s_addr == svc->vip.s_addr;
	skip(t, reason, summary);
	return 0;
}

static const char *const off_segment =
	"ARP and frames addressed by MAC only reach hosts on the same segment; run dsrcheck there";
static const char *const vip_local = "the VIP is this host's own address; check it from a client";

static void expect(struct dsr_task *t, const uint8_t mac[6])
{
	if (t->nexpected < DSR_MAX_EXPECTED_MACS && !dsr_mac_in(t->expected_macs, t->nexpected, mac))
		memcpy(t->expected_macs[t->nexpected++], mac, 6);
}

/* The MACs the configuration gives the balancer set: listed, the VRRP group's,
 * and (unless only_shared) each balancer's own. The claim watch leaves the
 * balancers' own MACs to its judge: a VRRP member claiming the VIP with its
 * own MAC is a fault (base-mac). */
static void expect_balancer(struct dsr_task *t, const struct dsr_service *svc, bool only_shared)
{
	uint8_t vmac[6];

	for (size_t i = 0; i < svc->nbalancer_macs; i++)
		expect(t, svc->balancer_macs[i]);
	if (svc->vrrp_id) {
		dsr_vrrp_mac(svc->vrrp_id, vmac);
		expect(t, vmac);
	}
	for (size_t i = 0; i < svc->nbalancers && !only_shared; i++)
		if (svc->balancers[i].has_mac)
			expect(t, svc->balancers[i].mac);
}

static struct dsr_task *add_arp_check(struct builder *b, const char *check_id,
				      const struct dsr_service *svc, const struct dsr_server *srv,
				      struct in_addr target)
{
	struct dsr_task *t = add_task(b);
	if (!t)
		return NULL;
	t->check_id = check_id;
	t->service = svc->name;
	t->server = srv ? srv->name : NULL;
	t->target = target;
	t->is_vip = srv == NULL;
	if (!dsr_iface_on_link(b->ifc, target)) {
		skip(t, DSR_REASON(NOT_ON_SEGMENT), off_segment);
		return t;
	}
	t->probe = &dsr_probe_arp;
	if (srv && srv->has_mac) {
		memcpy(t->expected_macs[0], srv->mac, 6);
		t->nexpected = 1;
	} else if (!srv) {
		const uint8_t *mac;
		expect_balancer(t, svc, false);
		t->local_owner = dsr_iface_holder(b->ifc, target, &mac) != NULL;
		if (t->local_owner)
			memcpy(t->local_mac, mac, 6);
	}
	return t;
}

/* Was (server, port) planned already by an earlier service that shares the server? */
static bool port_planned(const struct dsr_config *cfg, const struct dsr_service *svc, size_t server,
			 uint16_t port)
{
	for (const struct dsr_service *prev = cfg->services; prev < svc; prev++)
		for (size_t s = 0; s < prev->nservers; s++)
			if (prev->servers[s] == server)
				for (size_t p = 0; p < prev->nports; p++)
					if (prev->ports[p] == port)
						return true;
	return false;
}

/* A few real connections of this host's TCP to the VIP (probes/tcp_conn.c).
 * Its local ports are a block given once the plan is complete (conn_ports). */
static const char *const vlan_tagged =
	"the VLAN is probed tagged from a trunk, where this host's own TCP has no address; run from a "
	"sub-interface in the VLAN for this check";

static const char *const no_ipv6 =
	"this host has no IPv6 address on the segment to probe from: give its interface one";

/* Whatever IPv6 address the trunk has is not the VLAN's, and dsrcheck has no
 * IPv6 source of its own there (nobody would answer Neighbor Discovery for it). */
static const char *const no_ipv6_tagged =
	"the VLAN is probed tagged from a trunk, where dsrcheck has no IPv6 source (the nd checks run, "
	"the IPv6 IP checks cannot); run from a sub-interface in the VLAN for these checks";

static bool link_local(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

/* v6: to the IPv6 VIP (tcp6.vip.conn), from this host's IPv6 address. */
static int add_conn(struct builder *b, const struct dsr_service *svc, int port, bool local, bool v6)
{
	const char *id = v6 ? DSR_ID(TCP6_VIP_CONN) : DSR_ID(TCP_VIP_CONN);
	const char *reason = NULL, *summary = NULL;

	b->unnumbered++;
	if (local) {
		reason = DSR_REASON(VIP_IS_LOCAL);
		summary = vip_local;
	} else if (b->vantage) {
		reason = DSR_REASON(TAGGED);
		summary = vlan_tagged;
	} else if (v6 && !b->plan->me.has_ip6) {
		reason = DSR_REASON(NO_IPV6);
		summary = no_ipv6;
	} else if (v6 && link_local(&b->plan->me.ip6)) {
		/* A socket bound to a link-local address needs the interface's scope,
		 * and no client reaches a global VIP from one. */
		reason = DSR_REASON(NO_IPV6);
		summary = "this host has only a link-local IPv6 address on the segment: give its interface "
			  "a global one for real connections to the IPv6 VIP";
	}
	struct dsr_task *t = add_task(b);
	if (!t)
		return -1;
	t->check_id = id;
	t->service = svc->name;
	t->target = svc->vip;
	t->v6 = v6;
	if (v6)
		t->target6 = svc->vip6;
	t->port = port;
	t->is_vip = true;
	if (reason) {
		skip(t, reason, summary);
		return 0;
	}
	t->probe = &dsr_probe_tcp_conn;
	/* The kernel resolves its own next hop; the judge reads from this one
	 * whether the servers' MACs can be seen (on-link: the VIP itself; for
	 * IPv6 the IPv4 side says whether the service is on this segment). */
	if (dsr_iface_on_link(b->ifc, svc->vip))
		t->nexthop = svc->vip;
	else if (b->ifc->has_gateway)
		t->nexthop = b->ifc->gateway;
	b->nconn++;
	return 0;
}

/* The connections' port blocks, below the SYN probes' range so that neither
 * moves the other: the capture filter admits both as one range. IPv4's are
 * where a plan without IPv6 has them, IPv6's below: a dual-stack
 * configuration moves no IPv4 connection. */
static int conn_ports(struct builder *b)
{
	unsigned first = b->plan->sport_first;
	size_t span = b->nconn * DSR_CONN_PORTS, n6 = 0;

	if (!b->nconn)
		return 0;
	if (first < span + 1024) {
		snprintf(b->err, b->errlen, "too many connection checks in one run (%zu)", b->nconn);
		return -1;
	}
	for (size_t i = 0; i < b->plan->ntasks; i++)
		n6 += b->tasks[i].probe == &dsr_probe_tcp_conn && b->tasks[i].v6;
	uint16_t port = DSR_CONN_BLOCK(first - (b->nconn - n6) * DSR_CONN_PORTS);
	uint16_t port6 = (uint16_t)(port - n6 * DSR_CONN_PORTS);
	b->plan->sport_first = b->plan->conn_first = port6;
	b->plan->conn_last = (uint16_t)(port6 + span - 1);
	for (size_t i = 0; i < b->plan->ntasks; i++) {
		uint16_t *next = b->tasks[i].v6 ? &port6 : &port;
		if (b->tasks[i].probe != &dsr_probe_tcp_conn)
			continue;
		b->tasks[i].sport = *next;
		*next = (uint16_t)(*next + DSR_CONN_PORTS);
	}
	return 0;
}

/* Which of the service's balancers this host is, by address; -1 for none. */
static int self_balancer(const struct builder *b, const struct dsr_service *svc)
{
	int self = -1;
	for (size_t i = 0; i < svc->nbalancers; i++)
		if (dsr_iface_has_addr(b->ifc, svc->balancers[i].addr))
			self = (int)i;
	return self;
}

/* vrrp.master: watches the service's VRRP virtual router, sends nothing. */
static int add_vrrp_watch(struct builder *b, const struct dsr_service *svc, bool on_link, bool held)
{
	if (!on_link)
		return add_skip(b, DSR_ID(VRRP_MASTER), svc, NULL, svc->vip, -1, DSR_REASON(NOT_ON_SEGMENT),
				off_segment);
	struct dsr_task *t = add_task(b);
	if (!t)
		return -1;
	t->probe = &dsr_probe_vrrp;
	t->check_id = DSR_ID(VRRP_MASTER);
	t->service = svc->name;
	t->target = svc->vip;
	t->is_vip = true;
	t->passive = true;
	t->svc = svc;
	t->vip_held = held;
	t->self_balancer = self_balancer(b, svc);
	return 0;
}

/* Each balancer's own address, asked by ARP (an internal task): the MAC that
 * answers is that balancer's, and the VIP's owners are judged by it (src/ha.c).
 * Our own address needs no asking: the task stands for this interface. */
static int plan_balancers(struct builder *b, const struct dsr_service *svc)
{
	for (size_t i = 0; i < svc->nbalancers; i++) {
		const struct dsr_balancer *lb = &svc->balancers[i];
		bool planned = false;
		if (lb->has_mac || !dsr_iface_on_link(b->ifc, lb->addr))
			continue;
		for (size_t k = 0; k < b->plan->ntasks && !planned; k++)
			planned = b->tasks[k].internal && b->tasks[k].probe == &dsr_probe_arp &&
				  b->tasks[k].target.s_addr == lb->addr.s_addr;
		if (planned)
			continue;
		struct dsr_task *t = add_task(b);
		if (!t)
			return -1;
		t->internal = true;
		t->target = lb->addr;
		t->local_owner = dsr_iface_has_addr(b->ifc, lb->addr);
		if (!t->local_owner)
			t->probe = &dsr_probe_arp;
		size_t owner = index_of(b, t);
		for (size_t k = 0; k < b->plan->ntasks; k++) {
			struct dsr_task *v = &b->tasks[k];
			if ((v->check_id == DSR_ID(ARP_VIP) || v->check_id == DSR_ID(ND_VIP)) &&
			    v->service == svc->name && v->probe &&
			    v->nowner_tasks < DSR_MAX_OWNER_TASKS && !t->local_owner)
				v->owner_tasks[v->nowner_tasks++] = owner;
		}
	}
	return 0;
}

/* The service as a client sees it: the VIP's owner, and the VIP answering. */
static int plan_vip(struct builder *b, const struct dsr_service *svc)
{
	const char *holder = dsr_iface_holder(b->ifc, svc->vip, NULL);
	bool local = holder != NULL;
	bool on_link = dsr_iface_on_link(b->ifc, svc->vip);
	struct dsr_task *t = add_arp_check(b, DSR_ID(ARP_VIP), svc, NULL, svc->vip);
	if (!t)
		return -1;
	t->self_balancer = self_balancer(b, svc);
	size_t vip_arp = t->probe && !local ? index_of(b, t) : DSR_NO_TASK;

	if (!on_link) {
		if (add_skip(b, DSR_ID(ARP_VIP_CLAIM), svc, NULL, svc->vip, -1, DSR_REASON(NOT_ON_SEGMENT), off_segment))
			return -1;
	} else {
		/* Watches, sends nothing: claims from MACs nobody configured. */
		if (!(t = add_task(b)))
			return -1;
		t->probe = &dsr_probe_arp_claim;
		t->check_id = DSR_ID(ARP_VIP_CLAIM);
		t->service = svc->name;
		t->target = svc->vip;
		t->is_vip = true;
		t->passive = true;
		t->claim_watch = true;
		expect_balancer(t, svc, true);
	}
	if (svc->vrrp_id && add_vrrp_watch(b, svc, on_link, local) < 0)
		return -1;
	if (local) {
		b->plan->holds_vip = true;
		snprintf(b->plan->vip_on, sizeof(b->plan->vip_on), "%s", holder);
		/* The balancer cannot send itself its own VIP traffic: that path needs a client. */
		if (add_skip(b, DSR_ID(ICMP_VIP), svc, NULL, svc->vip, -1, DSR_REASON(VIP_IS_LOCAL), vip_local))
			return -1;
		for (size_t p = 0; p < svc->nports; p++)
			if (add_skip(b, DSR_ID(TCP_VIP), svc, NULL, svc->vip, svc->ports[p], DSR_REASON(VIP_IS_LOCAL),
				     vip_local) ||
			    add_skip(b, DSR_ID(DSR_RETURN), svc, NULL, svc->vip, svc->ports[p], DSR_REASON(VIP_IS_LOCAL),
				     vip_local))
				return -1;
		for (size_t p = 0; p < svc->nports; p++)
			if (add_conn(b, svc, svc->ports[p], true, false))
				return -1;
		return 0;
	}
	vip_arp = arp_for(b, svc->vip, vip_arp);
	if (!add_ip_probe(b, &dsr_probe_icmp_echo, DSR_ID(ICMP_VIP), svc, NULL, svc->vip, -1, svc->vip,
			  vip_arp))
		return -1;
	for (size_t p = 0; p < svc->nports; p++)
		if (!add_ip_probe(b, &dsr_probe_tcp_syn, DSR_ID(TCP_VIP), svc, NULL, svc->vip, svc->ports[p],
				  svc->vip, vip_arp))
			return -1;
	for (size_t p = 0; p < svc->nports; p++) {
		if (!on_link) {
			if (add_skip(b, DSR_ID(DSR_RETURN), svc, NULL, svc->vip, svc->ports[p], DSR_REASON(NOT_ON_SEGMENT),
				     off_segment))
				return -1;
			continue;
		}
		if (!(t = add_ip_probe(b, &dsr_probe_dsr_return, DSR_ID(DSR_RETURN), svc, NULL, svc->vip,
				       svc->ports[p], svc->vip, vip_arp)))
			return -1;
		expect_balancer(t, svc, false);
	}
	for (size_t p = 0; p < svc->nports; p++)
		if (add_conn(b, svc, svc->ports[p], false, false))
			return -1;
	return 0;
}

/* One real server the way the balancer reaches it: frames for the VIP at the
 * server's own MAC. These go before the real-address probes on purpose: the
 * first reply the server must send us is then VIP-sourced, and a server that
 * leaks the VIP into its ARP requests (arp_announce=0) shows it on the wire. */
static int plan_direct(struct builder *b, const struct dsr_service *svc,
		       const struct dsr_server *srv, size_t server_arp)
{
	struct dsr_task *t;

	if (!dsr_iface_on_link(b->ifc, srv->addr)) {
		if (add_skip(b, DSR_ID(ARP_VIP_CLAIM), svc, srv, svc->vip, -1, DSR_REASON(NOT_ON_SEGMENT), off_segment) ||
		    add_skip(b, DSR_ID(ICMP_VIP_DIRECT), svc, srv, svc->vip, -1, DSR_REASON(NOT_ON_SEGMENT),
			     off_segment))
			return -1;
		for (size_t p = 0; p < svc->nports; p++)
			if (add_skip(b, DSR_ID(TCP_VIP_DIRECT), svc, srv, svc->vip, svc->ports[p],
				     DSR_REASON(NOT_ON_SEGMENT), off_segment))
				return -1;
		return 0;
	}
	if (!(t = add_ip_probe(b, &dsr_probe_arp_claim, DSR_ID(ARP_VIP_CLAIM), svc, srv, svc->vip, -1,
			       srv->addr, server_arp)))
		return -1;
	t->claim_watch = true;
	if (!(t = add_ip_probe(b, &dsr_probe_icmp_echo, DSR_ID(ICMP_VIP_DIRECT), svc, srv, svc->vip, -1,
			       srv->addr, server_arp)))
		return -1;
	t->direct = true;
	for (size_t p = 0; p < svc->nports; p++) {
		if (!(t = add_ip_probe(b, &dsr_probe_tcp_syn, DSR_ID(TCP_VIP_DIRECT), svc, srv, svc->vip,
				       svc->ports[p], srv->addr, server_arp)))
			return -1;
		t->direct = true;
	}
	return 0;
}

/* Server idx, unless --only-server names another (a health check of one
 * server must not fail for the rest of the deployment): then NULL. */
static const struct dsr_server *planned_server(const struct dsr_config *cfg, size_t idx)
{
	const struct dsr_server *srv = &cfg->servers[idx];

	return cfg->only_server[0] && strcmp(srv->name, cfg->only_server) != 0 ? NULL : srv;
}

static int plan_service(struct builder *b, const struct dsr_config *cfg, const struct dsr_service *svc,
			size_t *server_arp, bool *server_done)
{
	/* A health check of one server must not fail for the rest of the deployment. */
	bool one = cfg->only_server[0] != '\0';
	if (!one && plan_vip(b, svc) < 0)
		return -1;
	for (size_t s = 0; s < svc->nservers; s++) {
		size_t idx = svc->servers[s];
		const struct dsr_server *srv = planned_server(cfg, idx);
		if (!srv)
			continue;
		/* A server shared by several services is ARPed and pinged once. */
		bool first = !server_done[idx];
		if (first) {
			server_done[idx] = true;
			struct dsr_task *t = add_arp_check(b, DSR_ID(ARP_RIP), svc, srv, srv->addr);
			if (!t)
				return -1;
			server_arp[idx] = arp_for(b, srv->addr, t->probe ? index_of(b, t) : DSR_NO_TASK);
		}
		if (plan_direct(b, svc, srv, server_arp[idx]) < 0)
			return -1;
		if (first && !add_ip_probe(b, &dsr_probe_icmp_echo, DSR_ID(ICMP_RIP), svc, srv, srv->addr, -1,
					   srv->addr, server_arp[idx]))
			return -1;
		for (size_t p = 0; p < svc->nports; p++) {
			if (port_planned(cfg, svc, idx, svc->ports[p]))
				continue;
			if (!add_ip_probe(b, &dsr_probe_tcp_syn, DSR_ID(TCP_RIP), svc, srv, srv->addr,
					  svc->ports[p], srv->addr, server_arp[idx]))
				return -1;
		}
	}
	return 0;
}

/* A Neighbor Discovery check of target, planned as a skip when link (the
 * IPv4 address of the same host or VIP) is off the segment: a dual-stack
 * service lives on one link, and the IPv4 side says which. */
static struct dsr_task *add_nd_check(struct builder *b, const char *check_id, const struct dsr_service *svc,
				     const struct dsr_server *srv, const struct in6_addr *target,
				     struct in_addr link, const struct dsr_probe *probe)
{
	struct dsr_task *t = add_task(b);

	if (!t)
		return NULL;
	t->check_id = check_id;
	t->service = svc->name;
	t->server = srv ? srv->name : NULL;
	t->v6 = true;
	t->target6 = *target;
	b->plan->neighbor_discovery = true;
	t->is_vip = memcmp(target, &svc->vip6, sizeof(*target)) == 0;
	if (dsr_iface_on_link(b->ifc, link))
		t->probe = probe;
	else
		skip(t, DSR_REASON(NOT_ON_SEGMENT), off_segment);
	return t;
}

/* An IPv6 IP probe (ICMPv6 echo, TCP SYN) of target, its frame to the MAC that
 * task resolver learns (or srv's configured one): planned like add_nd_check,
 * and a skip without an IPv6 source of ours. */
static struct dsr_task *add_ip6_probe(struct builder *b, const struct dsr_probe *probe, const char *check_id,
				      const struct dsr_service *svc, const struct dsr_server *srv,
				      const struct in6_addr *target, int port, struct in_addr link,
				      size_t resolver)
{
	struct dsr_task *t = add_nd_check(b, check_id, svc, srv, target, link, probe);

	if (!t)
		return NULL;
	t->port = port;
	if (!t->probe)
		return t;
	if (!b->plan->me.has_ip6 || b->vantage) {
		skip(t, DSR_REASON(NO_IPV6), b->vantage ? no_ipv6_tagged : no_ipv6);
		return t;
	}
	t->resolver = resolver;
	t->direct = srv && t->is_vip;
	if (srv && srv->has_mac) {
		memcpy(t->fallback_mac, srv->mac, 6);
		t->has_fallback_mac = true;
	}
	return identify(b, t, port) < 0 ? NULL : t;
}

/* A check through the balancer to the IPv6 VIP, which this host holds: the
 * path needs a client. */
static struct dsr_task *skip_local6(struct builder *b, const char *check_id, const struct dsr_service *svc,
				    int port)
{
	struct dsr_task *t = add_nd_check(b, check_id, svc, NULL, &svc->vip6, svc->vip, NULL);

	if (t) {
		t->port = port;
		skip(t, DSR_REASON(VIP_IS_LOCAL), vip_local);
	}
	return t;
}

/* The IPv6 side of a dual-stack service: who owns the IPv6 VIP (nd.vip) and
 * whether it answers (icmp6.vip, tcp6.vip), straight from a server (dsr6.return)
 * and to real connections (tcp6.vip.conn); per server, its IPv6 address
 * (nd.rip, icmp6.rip, tcp6.rip, once per server), whether it claims the IPv6
 * VIP (nd.vip.claim) and accepts it at its MAC (icmp6.vip.direct,
 * tcp6.vip.direct: the MAC its IPv4 address resolves to, the one the balancer
 * forwards to). Planned after every IPv4 task, so that the IPv4 probes keep
 * their identifiers whatever IPv6 adds. */
static int plan_ipv6(struct builder *b, const struct dsr_config *cfg, const struct dsr_service *svc,
		     const size_t *server_arp, bool *rip_done)
{
	bool one = cfg->only_server[0] != '\0';
	struct dsr_task *t;

	if (!svc->has_vip6)
		return 0;
	if (!one) {
		if (!(t = add_nd_check(b, DSR_ID(ND_VIP), svc, NULL, &svc->vip6, svc->vip, &dsr_probe_nd)))
			return -1;
		const uint8_t *mac;
		expect_balancer(t, svc, false);
		bool local = (t->local_owner = dsr_iface_holder6(b->ifc, &svc->vip6, &mac) != NULL);
		if (local)
			memcpy(t->local_mac, mac, 6);
		size_t vip_nd = t->probe && !local ? index_of(b, t) : DSR_NO_TASK;
		/* Watches, sends nothing: claims of the IPv6 VIP from MACs nobody configured. */
		if (!(t = add_nd_check(b, DSR_ID(ND_VIP_CLAIM_SERVICE), svc, NULL, &svc->vip6, svc->vip,
				       &dsr_probe_arp_claim)))
			return -1;
		t->passive = true;
		t->claim_watch = true;
		expect_balancer(t, svc, true);
		for (int p = -1; p < (int)svc->nports; p++) {
			const char *id = p < 0 ? DSR_ID(ICMP6_VIP) : DSR_ID(TCP6_VIP);
			int port = p < 0 ? -1 : svc->ports[p];
			if (local) {
				if (!skip_local6(b, id, svc, port))
					return -1;
			} else if (!add_ip6_probe(b, p < 0 ? &dsr_probe_icmp_echo : &dsr_probe_tcp_syn, id, svc, NULL,
						  &svc->vip6, port, svc->vip, vip_nd)) {
				return -1;
			}
		}
		for (size_t p = 0; p < svc->nports; p++) {
			if (local) {
				if (!skip_local6(b, DSR_ID(DSR6_RETURN), svc, svc->ports[p]))
					return -1;
				continue;
			}
			if (!(t = add_ip6_probe(b, &dsr_probe_dsr_return, DSR_ID(DSR6_RETURN), svc, NULL, &svc->vip6,
						svc->ports[p], svc->vip, vip_nd)))
				return -1;
			if (t->probe)
				expect_balancer(t, svc, false);
		}
		for (size_t p = 0; p < svc->nports; p++)
			if (add_conn(b, svc, svc->ports[p], local, true))
				return -1;
	}
	for (size_t s = 0; s < svc->nservers; s++) {
		size_t idx = svc->servers[s];
		const struct dsr_server *srv = planned_server(cfg, idx);
		if (!srv)
			continue;
		if (!(t = add_nd_check(b, DSR_ID(ND_VIP_CLAIM), svc, srv, &svc->vip6, srv->addr,
				       &dsr_probe_arp_claim)))
			return -1;
		t->claim_watch = true;
		t->resolver = server_arp[idx];
		t->nexthop = srv->addr;
		if (srv->has_mac) {
			memcpy(t->fallback_mac, srv->mac, 6);
			t->has_fallback_mac = true;
		}
		for (int p = -1; p < (int)svc->nports; p++)
			if (!add_ip6_probe(b, p < 0 ? &dsr_probe_icmp_echo : &dsr_probe_tcp_syn,
					   p < 0 ? DSR_ID(ICMP6_VIP_DIRECT) : DSR_ID(TCP6_VIP_DIRECT), svc, srv,
					   &svc->vip6, p < 0 ? -1 : svc->ports[p], srv->addr, server_arp[idx]))
				return -1;
		if (!srv->has_addr6 || rip_done[idx])
			continue;
		rip_done[idx] = true;
		if (!(t = add_nd_check(b, DSR_ID(ND_RIP), svc, srv, &srv->addr6, srv->addr, &dsr_probe_nd)))
			return -1;
		if (srv->has_mac)
			expect(t, srv->mac);
		size_t rip_nd = t->probe ? index_of(b, t) : DSR_NO_TASK;
		for (int p = -1; p < (int)svc->nports; p++)
			if (!add_ip6_probe(b, p < 0 ? &dsr_probe_icmp_echo : &dsr_probe_tcp_syn,
					   p < 0 ? DSR_ID(ICMP6_RIP) : DSR_ID(TCP6_RIP), svc, srv, &srv->addr6,
					   p < 0 ? -1 : svc->ports[p], srv->addr, rip_nd))
				return -1;
	}
	return 0;
}

/* The tagged vantage of VLAN vlan from address src, made once per VLAN.
 * Returns its number (index + 1), or 0 with err set. */
static uint16_t tagged_vantage(struct builder *b, const struct dsr_service *svc, unsigned vlan,
			       unsigned pcp, struct in_addr src, bool answers_arp)
{
	struct dsr_plan *plan = b->plan;
	char a[16], c[16];

	for (size_t i = 0; i < plan->ntagged; i++) {
		struct dsr_local *v = &plan->tagged[i];
		if (v->vlan != vlan)
			continue;
		if (v->ip.s_addr != src.s_addr || v->vlan_pcp != pcp) {
			dsr_format_ipv4(v->ip, a);
			dsr_format_ipv4(src, c);
			snprintf(b->err, b->errlen,
				 "service '%s' probes VLAN %u from %s priority %u, another service there from "
				 "%s priority %u: give the VLAN's services one source and priority",
				 svc->name, vlan, c, pcp, a, (unsigned)v->vlan_pcp);
			return 0;
		}
		return (uint16_t)(i + 1);
	}
	struct dsr_local *more = realloc(plan->tagged, (plan->ntagged + 1) * sizeof(*more));
	if (!more) {
		snprintf(b->err, b->errlen, "out of memory");
		return 0;
	}
	plan->tagged = more;
	struct dsr_local *v = &more[plan->ntagged++];
	*v = plan->me;
	v->ip = src;
	v->vlan = (uint16_t)vlan;
	v->vlan_pcp = (uint8_t)pcp;
	v->answers_arp = answers_arp;
	v->has_ip6 = false; /* the trunk's IPv6 address is not the VLAN's */
	return (uint16_t)plan->ntagged;
}

/* Where the probes of svc leave from: the interface as it is (untagged, or a
 * sub-interface of the service's own VLAN), or one VLAN of a trunk, seen as
 * a segment of its own: every address on-link, no gateway, and none of the
 * trunk's own addresses (they live on another segment). Sets b->ifc and
 * b->vantage; view holds the VLAN's picture. Returns 0, or -1 with err set. */
static int service_view(struct builder *b, const struct dsr_config *cfg, const struct dsr_iface *ifc,
			const struct dsr_service *svc, struct dsr_iface *view)
{
	unsigned vlan = dsr_service_vlan(cfg, svc);
	struct in_addr src;
	bool has_src = dsr_service_source(cfg, svc, &src);
	bool own = false;

	b->ifc = ifc;
	b->vantage = 0;
	if (vlan == 0 || vlan == ifc->vlan) {
		if (!has_src || dsr_iface_has_addr(ifc, src))
			return 0;
		snprintf(b->err, b->errlen, "service '%s': source is for probes tagged on a trunk (vlan = ID); "
			 "untagged probes leave from %s's own address", svc->name, ifc->name);
		return -1;
	}
	if (ifc->vlan) {
		snprintf(b->err, b->errlen, "service '%s' is on VLAN %u, but %s is a sub-interface of VLAN %u: "
			 "probe from the trunk it sits on", svc->name, vlan, ifc->name, (unsigned)ifc->vlan);
		return -1;
	}
	/* Only a device of that VLAN answers ARP inside its tag: an address of
	 * the trunk itself, or of another VLAN's device, is answered by dsrcheck. */
	if (has_src) {
		for (size_t i = 0; i < ifc->nstacked; i++)
			own = own || (ifc->stacked[i].vlan == vlan && ifc->stacked[i].addr.s_addr == src.s_addr);
	} else {
		for (size_t i = 0; i < ifc->nstacked && !has_src; i++)
			if (ifc->stacked[i].vlan == vlan) {
				src = ifc->stacked[i].addr;
				has_src = own = true;
			}
		/* The interface's own address in the VLAN's subnet: a host whose
		 * capture shows its own VLAN tagged (Npcap 1.81 and later re-insert
		 * a VLAN adapter's tag). Its stack may not answer ARP for it inside
		 * the tag, so dsrcheck does, with the same MAC: never a conflict. */
		for (size_t a = 0; a < ifc->naddrs && !has_src && svc->has_vip; a++)
			if ((ifc->addrs[a].s_addr & ifc->masks[a].s_addr) ==
			    (svc->vip.s_addr & ifc->masks[a].s_addr)) {
				src = ifc->addrs[a];
				has_src = true;
			}
		if (!has_src) {
			snprintf(b->err, b->errlen, "service '%s' is on VLAN %u, where %s has no address: give "
				 "source = ADDRESS (an unused address of that VLAN's subnet), or probe from a "
				 "sub-interface of VLAN %u", svc->name, vlan, ifc->name, vlan);
			return -1;
		}
	}
	if (!(b->vantage = tagged_vantage(b, svc, vlan, dsr_service_vlan_priority(cfg, svc), src, !own)))
		return -1;
	memset(view, 0, sizeof(*view));
	snprintf(view->name, sizeof(view->name), "%s", ifc->name);
	memcpy(view->mac, ifc->mac, 6);
	view->addrs[0] = src;
	view->naddrs = 1; /* mask 0: the whole VLAN is one segment */
	b->ifc = view;
	return 0;
}

const struct dsr_local *dsr_plan_me(const struct dsr_plan *plan, const struct dsr_task *t)
{
	return t->vantage && t->vantage <= plan->ntagged ? &plan->tagged[t->vantage - 1] : &plan->me;
}

int dsr_plan_build(const struct dsr_config *cfg, const struct dsr_iface *ifc, uint32_t key,
		   struct dsr_plan *plan, char *err, size_t errlen)
{
	struct builder b = {.plan = plan, .ifc = ifc, .gateway_task = DSR_NO_TASK, .key = key,
			    .err = err, .errlen = errlen};

	err[0] = '\0';
	size_t *server_arp = malloc((cfg->nservers + 1) * sizeof(*server_arp));
	bool *server_done = calloc(cfg->nservers + 1, sizeof(*server_done));
	bool *rip6_done = calloc(cfg->nservers + 1, sizeof(*rip6_done));
	int rc = 0;

	memset(plan, 0, sizeof(*plan));
	if (!server_arp || !server_done || !rip6_done) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
		goto out;
	}
	memcpy(plan->me.mac, ifc->mac, 6);
	/* Never a VIP as our source: on the balancer the route to the VIP picks the
	 * VIP itself, and servers would send their answers to their own loopback. */
	plan->me.ip = ifc->addrs[0];
	for (size_t a = ifc->naddrs; a-- > 0;) {
		bool vip = false;
		for (size_t i = 0; i < cfg->nservices; i++)
			vip = vip || cfg->services[i].vip.s_addr == ifc->addrs[a].s_addr;
		if (!vip)
			plan->me.ip = ifc->addrs[a];
	}
	/* IPv6: a global address before a link-local one, never an IPv6 VIP. */
	for (size_t a = 0; a < ifc->nheld6; a++) {
		const struct in6_addr *ip6 = &ifc->held6[a].addr;
		bool vip = false, on_link_only = link_local(ip6);
		for (size_t i = 0; i < cfg->nservices; i++)
			vip = vip || (cfg->services[i].has_vip6 &&
				      memcmp(&cfg->services[i].vip6, ip6, sizeof(*ip6)) == 0);
		if (vip || strcmp(ifc->held6[a].name, ifc->name) != 0 || (on_link_only && plan->me.has_ip6))
			continue;
		plan->me.ip6 = *ip6;
		plan->me.has_ip6 = true;
		if (!on_link_only)
			break;
	}
	plan->key = key;
	plan->iface_vlan = ifc->vlan;
	plan->sport_first = (uint16_t)(SPORT_BASE + (key >> 16) % SPORT_SPREAD);
	for (size_t i = 0; i < cfg->nservers; i++)
		server_arp[i] = DSR_NO_TASK;
	for (size_t i = 0; i < cfg->nservices && rc == 0; i++) {
		const struct dsr_service *svc = &cfg->services[i];
		struct dsr_iface view;
		if ((rc = service_view(&b, cfg, ifc, svc, &view)) < 0)
			break;
		plan->is_balancer = plan->is_balancer || dsr_iface_holder(b.ifc, svc->vip, NULL);
		for (size_t m = 0; m < svc->nbalancers; m++)
			plan->is_balancer = plan->is_balancer || dsr_iface_has_addr(b.ifc, svc->balancers[m].addr);
		for (size_t s = 0; s < svc->nservers; s++)
			plan->on_segment = plan->on_segment ||
					   dsr_iface_on_link(b.ifc, cfg->servers[svc->servers[s]].addr);
		rc = plan_service(&b, cfg, svc, server_arp, server_done);
	}
	for (size_t i = 0; i < cfg->nservices && rc == 0; i++) {
		struct dsr_iface view;
		if ((rc = service_view(&b, cfg, ifc, &cfg->services[i], &view)) == 0)
			rc = plan_ipv6(&b, cfg, &cfg->services[i], server_arp, rip6_done);
	}
	/* Last: a task's identifiers come from its place in the plan, and the
	 * recorded runs of tests/test_fixtures.c keep theirs. */
	for (size_t i = 0; i < cfg->nservices && rc == 0 && !cfg->only_server[0]; i++) {
		struct dsr_iface view;
		if ((rc = service_view(&b, cfg, ifc, &cfg->services[i], &view)) == 0)
			rc = plan_balancers(&b, &cfg->services[i]);
	}
	b.ifc = NULL; /* a view does not outlive its loop */
	plan->sport_last = (uint16_t)(plan->sport_first + (b.tcp_count ? b.tcp_count - 1 : 0));
	if (rc == 0 && shuffle_ports(&b, key) < 0) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	if (rc == 0)
		rc = conn_ports(&b);
out:
	free(server_arp);
	free(server_done);
	free(rip6_done);
	if (rc < 0)
		dsr_plan_free(plan);
	return rc;
}

void dsr_plan_free(struct dsr_plan *plan)
{
	free((void *)plan->tasks);
	plan->tasks = NULL;
	plan->ntasks = 0;
	free(plan->tagged);
	plan->tagged = NULL;
	plan->ntagged = 0;
}

void dsr_plan_reidentify(const struct dsr_plan *plan, struct dsr_task_state *s)
{
	uint64_t h = mix64(((uint64_t)plan->key << 32) ^ ((uint64_t)s->seq << 16) ^ s->echo_seq ^
			   0xd1b54a32d192ed03ull);
	s->seq = (uint32_t)(h >> 32);
	s->echo_seq = (uint16_t)(h >> 16);
}
