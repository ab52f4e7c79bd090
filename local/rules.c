/* The rules of dsrcheck local: pure functions from a snapshot to checks. Each
 * rule exists for one way a real server breaks DSR (the network checks see the
 * symptom from the wire; these name the setting), and each failure carries the
 * command that fixes it on that platform. Windows wording follows the vendor's
 * preparation steps (firewall, KM-TEST Loopback Adapter, weak host model, IIS
 * bindings, event log). Unknown data gives a skip with the reason, never a pass
 * or a fail. Check ids and reasons are a contract: README, "dsrcheck local". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "local.h"
#include "../src/catalogue.h"
#include "../src/parse.h"

/* IPv4: 8 host checks and 3 a port; IPv6: 5 host checks and 3 a port */
#define MAX_LOCAL_CHECKS (13 + 6 * DSR_LOCAL_MAX_PORTS)

/* The rules run once a family: v6 set, vip is the VIP6's text and the checks
 * are the IPv6 ones, each its IPv4 twin's id with 6 appended (README,
 * "dsrcheck local"). */
struct builder {
	const struct dsr_local_snapshot *s;
	const struct dsr_local_target *t;
	bool v6;
	char vip[DSR_IPV6_TEXT];
	struct dsr_check *checks;
	size_t n;
};

static struct dsr_check *add(struct builder *b, const char *id, int port)
{
	struct dsr_check *c = &b->checks[b->n++];

	memset(c, 0, sizeof(*c));
	c->id = id;
	c->service = "local";
	c->server = b->s->hostname[0] ? b->s->hostname : "localhost";
	snprintf(c->target, sizeof(c->target), "%s", b->vip);
	c->port = port;
	c->status = DSR_PASS;
	return c;
}

__attribute__((format(printf, 4, 5))) static void verdict(struct dsr_check *c, enum dsr_status st,
							  const char *reason, const char *fmt, ...)
{
	va_list ap;

	c->status = st;
	c->reason = reason;
	char text[1024];

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	dsr_check_summary(c, "%s", text);
}

/* Skip for a source that was not read, with the collector's reason. */
static void skip_unread(struct dsr_check *c, enum dsr_local_state st, const char *what,
			const char *why)
{
	if (st == DSR_LOCAL_UNREADABLE)
		verdict(c, DSR_SKIP, DSR_REASON(UNREADABLE), "could not read %s%s%s", what, why && *why ? ": " : "",
			why ? why : "");
	else
		verdict(c, DSR_SKIP, DSR_REASON(UNKNOWN), "%s not in the snapshot", what);
}

static bool is_windows(const struct builder *b)
{
	return b->s->platform == DSR_LOCAL_WINDOWS;
}

/* Where the VIP may live without being answered in ARP. */
static bool is_vip_home(const struct builder *b, const struct dsr_local_iface *f)
{
	if (is_windows(b))
		return f->kind == DSR_LOCAL_KIND_LOOPBACK;
	return f->kind == DSR_LOCAL_KIND_LOOPBACK || f->kind == DSR_LOCAL_KIND_DUMMY || f->noarp;
}

/* The interfaces that face the segment, where the balancer's frames for the VIP
 * arrive and where ARP is asked and answered: up, with an IPv4 address, not a
 * loopback or dummy, taking part in ARP. */
static bool is_facing(const struct builder *b, const struct dsr_local_iface *f)
{
	if (b->v6) /* Neighbor Discovery: IFF_NOARP is no home for the VIP6, a link-local address counts */
		return f->up && (f->naddrs > 0 || f->naddrs6 > 0) && f->kind != DSR_LOCAL_KIND_LOOPBACK &&
		       f->kind != DSR_LOCAL_KIND_DUMMY;
	return f->up && f->naddrs > 0 && !is_vip_home(b, f) && f->kind != DSR_LOCAL_KIND_LOOPBACK;
}

/* "198.18.0.100:80", "[2001:2::100]:80", or the VIP alone for port -1. */
static const char *endpoint(const struct builder *b, int port, char out[64])
{
	if (port < 0)
		snprintf(out, 64, "%s", b->vip);
	else
		snprintf(out, 64, b->v6 ? "[%s]:%d" : "%s:%d", b->vip, port);
	return out;
}

static bool holds(const struct dsr_local_iface *f, struct in_addr a, unsigned *prefix)
{
	for (size_t i = 0; i < f->naddrs; i++)
		if (f->addrs[i].addr.s_addr == a.s_addr) {
			*prefix = f->addrs[i].prefix;
			return true;
		}
	return false;
}

static const struct dsr_local_iface *loopback_adapter(const struct builder *b)
{
	for (size_t i = 0; i < b->s->nifaces; i++)
		if (b->s->ifaces[i].kind == DSR_LOCAL_KIND_LOOPBACK)
			return &b->s->ifaces[i];
	return NULL;
}

/* "12" from the snapshot, or the vendor's placeholder. */
static const char *idx(const struct dsr_local_iface *f, char buf[40], const char *placeholder)
{
	if (f && f->index)
		snprintf(buf, 40, "%u", f->index);
	else
		snprintf(buf, 40, "%s", placeholder);
	return buf;
}

/* The platform the remedies are written for: the snapshot's. */
static enum dsr_platform platform(const struct builder *b)
{
	return is_windows(b) ? DSR_PLATFORM_WINDOWS : DSR_PLATFORM_LINUX;
}

/* ---- local.loopback.adapter (Windows) ---- */

static void rule_loopback_adapter(struct builder *b)
{
	struct dsr_check *c = add(b, DSR_ID(LOCAL_LOOPBACK_ADAPTER), -1);
	const struct dsr_local_iface *lo;

	if (b->s->ifaces_state != DSR_LOCAL_READ)
		{
			skip_unread(c, b->s->ifaces_state, "the adapter list", NULL);
			return;
		}
	lo = loopback_adapter(b);
	if (!lo) {
		verdict(c, DSR_FAIL, DSR_REASON(MISSING), "no Microsoft (KM-TEST) Loopback Adapter is installed");
		dsr_fix_append(c, DSR_FIX_INSTALL_LOOPBACK, DSR_PLATFORM_WINDOWS, NULL);
		return;
	}
	verdict(c, DSR_PASS, NULL, "loopback adapter '%s' (IDX %u)", lo->name, lo->index);
	dsr_evidence_str(c, "adapter", lo->name);
	dsr_evidence_str(c, "description", lo->description);
}

/* ---- local.vip ---- */

static void vip_remedy(struct builder *b, struct dsr_check *c, const struct dsr_local_iface *wrong,
		       unsigned prefix)
{
	const struct dsr_local_iface *lo = loopback_adapter(b);
	char bits[12];

	snprintf(bits, sizeof(bits), "%u", prefix);
	dsr_fix_append(c, DSR_FIX_LOCAL_VIP, platform(b),
		       &(struct dsr_fix_args){
			       .vip = b->vip,
			       .iface = wrong ? wrong->name : NULL,
			       .prefix = bits,
			       .add = !wrong || !is_vip_home(b, wrong) || prefix != 32 ? "add" : NULL,
			       .lo = lo ? lo->name : NULL,
		       });
}

static void rule_vip(struct builder *b)
{
	struct dsr_check *c = add(b, DSR_ID(LOCAL_VIP), -1);
	const struct dsr_local_iface *home = NULL, *away = NULL, *bad_mask = NULL;
	unsigned home_prefix = 32, away_prefix = 32, mask_prefix = 32;

	if (b->s->ifaces_state != DSR_LOCAL_READ)
		{
			skip_unread(c, b->s->ifaces_state, "the interface list", NULL);
			return;
		}
	for (size_t i = 0; i < b->s->nifaces; i++) {
		const struct dsr_local_iface *f = &b->s->ifaces[i];
		unsigned prefix;

		if (!holds(f, b->t->vip, &prefix))
			continue;
		dsr_evidence_list_add(c, "interfaces", f->name);
		if (!is_vip_home(b, f)) {
			if (!away)
				away = f, away_prefix = prefix;
		} else if (prefix != 32) {
			if (!bad_mask)
				bad_mask = f, mask_prefix = prefix;
		} else if (!home) {
			home = f, home_prefix = prefix;
		}
	}
	if (away) {
		verdict(c, DSR_FAIL, DSR_REASON(NOT_LOOPBACK),
			"%s/%u is on %s, which answers ARP for it: the VIP belongs on the %s only", b->vip,
			away_prefix, away->name, is_windows(b) ? "loopback adapter" : "loopback (lo)");
		vip_remedy(b, c, away, away_prefix);
	} else if (bad_mask) {
		verdict(c, DSR_FAIL, DSR_REASON(WRONG_MASK),
			"%s is on %s with /%u: every address of that prefix becomes local to this "
			"server; the VIP needs a host mask (/32, 255.255.255.255)",
			b->vip, bad_mask->name, mask_prefix);
		vip_remedy(b, c, bad_mask, mask_prefix);
	} else if (home) {
		verdict(c, DSR_PASS, NULL, "%s/%u is on %s", b->vip, home_prefix, home->name);
	} else {
		verdict(c, DSR_FAIL, DSR_REASON(MISSING),
			"%s is on no interface: frames the balancer forwards for it are dropped", b->vip);
		vip_remedy(b, c, NULL, 32);
	}
}

/* ---- Linux ARP and reverse-path settings ---- */

static int effective(int all, int iface)
{
	if (all == DSR_LOCAL_UNKNOWN || iface == DSR_LOCAL_UNKNOWN)
		return DSR_LOCAL_UNKNOWN;
	return all > iface ? all : iface;
}

static int rank(enum dsr_status st)
{
	switch (st) {
	case DSR_FAIL:
		return 3;
	case DSR_WARN:
		return 2;
	case DSR_SKIP:
		return 1;
	case DSR_PASS:
		break;
	}
	return 0;
}

/* One facing interface's verdict on a setting. */
struct judged {
	enum dsr_status status;
	const char *reason;
	char why[600];
};

typedef void (*judge_fn)(const struct builder *b, const struct dsr_local_iface *f, int value,
			 struct judged *out);

static void judge_arp_ignore(const struct builder *b, const struct dsr_local_iface *f, int v,
			     struct judged *out)
{
	(void)b;
	(void)f;
	if (v == 1 || v == 2) {
		out->status = DSR_PASS;
	} else if (v == 8) {
		out->status = DSR_WARN;
		out->reason = DSR_REASON(TOO_STRICT);
		snprintf(out->why, sizeof(out->why), "8 answers no ARP at all, not even for the real address");
	} else {
		out->status = DSR_FAIL;
		out->reason = DSR_REASON(TOO_PERMISSIVE);
		snprintf(out->why, sizeof(out->why), "%d answers ARP for addresses on lo, the VIP too", v);
	}
}

static bool in_subnet_of(const struct dsr_local_iface *f, struct in_addr a)
{
	for (size_t i = 0; i < f->naddrs; i++) {
		uint32_t mask = f->addrs[i].prefix ? ~0u << (32 - f->addrs[i].prefix) : 0;
		if ((ntohl(f->addrs[i].addr.s_addr) & mask) == (ntohl(a.s_addr) & mask))
			return true;
	}
	return false;
}

static void judge_arp_announce(const struct builder *b, const struct dsr_local_iface *f, int v,
			       struct judged *out)
{
	if (v == 2) {
		out->status = DSR_PASS;
	} else if (v == 1 && !in_subnet_of(f, b->t->vip)) {
		out->status = DSR_PASS; /* 1 keeps only sources of the target's subnet: not the VIP */
	} else {
		out->status = DSR_FAIL;
		out->reason = DSR_REASON(TOO_PERMISSIVE);
		if (v == 1)
			snprintf(out->why, sizeof(out->why),
				 "1 still uses the VIP as ARP sender, since it is in %s's subnet", f->name);
		else
			snprintf(out->why, sizeof(out->why),
				 "%d lets the VIP be the sender address of ARP requests%s", v,
				 v > 2 ? " (values above 2 act as 0)" : "");
	}
}

static const struct dsr_local_route *default_route(const struct builder *b)
{
	for (size_t i = 0; i < b->s->nroutes; i++)
		if (b->s->routes[i].dest.prefix == 0)
			return &b->s->routes[i];
	return NULL;
}

/* rp_filter 1 (strict) drops a packet when the route back to its source does
 * not leave by the interface it came in on. VIP traffic comes from clients
 * anywhere and arrives on the segment-facing interface; the route back to an
 * arbitrary client is the default route. So strict is safe on the interface
 * holding the default route, drops client traffic on any other one, and cannot
 * be judged (only on-link or specifically routed clients pass) without one. */
static void judge_rp_filter(const struct builder *b, const struct dsr_local_iface *f, int v,
			    struct judged *out)
{
	const struct dsr_local_route *def = default_route(b);

	if (v != 1) {
		out->status = DSR_PASS; /* 0 off; 2 (and above) loose: any route back will do */
		return;
	}
	out->reason = DSR_REASON(STRICT);
	if (b->s->routes_state == DSR_LOCAL_READ && def && strcmp(def->dev, f->name) == 0) {
		out->status = DSR_PASS;
	} else if (b->s->routes_state == DSR_LOCAL_READ && def) {
		out->status = DSR_FAIL;
		snprintf(out->why, sizeof(out->why),
			 "strict on %s while the default route leaves by %s: VIP traffic from clients "
			 "beyond %s's own subnets is dropped",
			 f->name, def->dev, f->name);
	} else {
		out->status = DSR_WARN;
		snprintf(out->why, sizeof(out->why),
			 "strict on %s and no default route%s: only clients routed back through %s get in",
			 f->name, b->s->routes_state == DSR_LOCAL_READ ? "" : " known", f->name);
	}
}

struct setting {
	const char *id, *key;
	int all;
	int (*value)(const struct dsr_local_iface *f);
	judge_fn judge;
	int want; /* the value the remedy sets */
	const char *good;
};

static int arp_ignore_of(const struct dsr_local_iface *f)
{
	return f->arp_ignore;
}
static int arp_announce_of(const struct dsr_local_iface *f)
{
	return f->arp_announce;
}
static int rp_filter_of(const struct dsr_local_iface *f)
{
	return f->rp_filter;
}

static void rule_setting(struct builder *b, const struct setting *set)
{
	struct dsr_check *c = add(b, set->id, -1);
	enum dsr_status worst = DSR_PASS;
	const char *reason = NULL;
	char why[1200] = "", fixes[600] = "", persist[600] = "", want[12];
	size_t facing = 0, unknown = 0;

	if (b->s->ifaces_state != DSR_LOCAL_READ)
		{
			skip_unread(c, b->s->ifaces_state, "the interface list", NULL);
			return;
		}
	snprintf(want, sizeof(want), "%d", set->want);
	if (set->all == DSR_LOCAL_UNKNOWN)
		dsr_evidence_str(c, "all", "?");
	else
		dsr_evidence_int(c, "all", set->all);
	for (size_t i = 0; i < b->s->nifaces; i++) {
		const struct dsr_local_iface *f = &b->s->ifaces[i];
		int v = effective(set->all, set->value(f));
		struct judged j = {DSR_PASS, NULL, ""};
		char item[DSR_LOCAL_NAME + 32];

		if (!is_facing(b, f))
			continue;
		facing++;
		if (v == DSR_LOCAL_UNKNOWN) {
			unknown++;
			snprintf(item, sizeof(item), "%s=?", f->name);
			dsr_evidence_list_add(c, "effective", item);
			continue;
		}
		snprintf(item, sizeof(item), "%s=%d", f->name, v);
		dsr_evidence_list_add(c, "effective", item);
		set->judge(b, f, v, &j);
		if (j.status == DSR_PASS)
			continue;
		size_t w = strlen(why);
		snprintf(why + w, sizeof(why) - w, "%s%s", w ? "; " : "", j.why);
		struct dsr_fix_args part = {.iface = f->name, .key = set->key, .value = want};
		w = strlen(fixes);
		dsr_fix_render(fixes + w, sizeof(fixes) - w, DSR_FIX_SYSCTL_ITEM, DSR_PLATFORM_LINUX, &part);
		w = strlen(persist);
		dsr_fix_render(persist + w, sizeof(persist) - w, DSR_FIX_SYSCTL_PERSIST, DSR_PLATFORM_LINUX,
			       &part);
		if (rank(j.status) > rank(worst)) {
			worst = j.status;
			reason = j.reason;
		}
	}
	if (facing == 0) {
		verdict(c, DSR_SKIP, DSR_REASON(NO_INTERFACE),
			"no interface is up with an IPv4 address besides the loopback");
		return;
	}
	if (worst == DSR_PASS && unknown) {
		verdict(c, DSR_SKIP, DSR_REASON(UNKNOWN), "%s could not be read for %u interface%s", set->key,
			(unsigned)unknown, unknown == 1 ? "" : "s");
		return;
	}
	if (worst == DSR_PASS) {
		verdict(c, DSR_PASS, NULL, "%s is %s on every interface facing the segment (the kernel "
					   "uses the larger of all and the interface)",
			set->key, set->good);
		return;
	}
	verdict(c, worst, reason, "%s", why);
	dsr_fix_append(c, DSR_FIX_SYSCTL, DSR_PLATFORM_LINUX,
		       &(struct dsr_fix_args){.key = set->key, .value = want, .list = fixes, .more = persist});
}

static void rule_linux_settings(struct builder *b)
{
	const struct setting settings[] = {
		{DSR_ID(LOCAL_ARP_IGNORE), "arp_ignore", b->s->all_arp_ignore, arp_ignore_of, judge_arp_ignore, 1,
		 "1 or 2 (a request is answered only for addresses of the interface it came in on)"},
		{DSR_ID(LOCAL_ARP_ANNOUNCE), "arp_announce", b->s->all_arp_announce, arp_announce_of,
		 judge_arp_announce, 2, "2 (ARP requests never use the VIP as sender)"},
		{DSR_ID(LOCAL_RP_FILTER), "rp_filter", b->s->all_rp_filter, rp_filter_of, judge_rp_filter, 2,
		 "off, loose, or strict on the interface of the default route"},
	};

	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		rule_setting(b, &settings[i]);
}

/* ---- Windows weak host model ---- */

static void rule_weakhost(struct builder *b, bool send)
{
	struct dsr_check *c =
		add(b, b->v6 ? (send ? DSR_ID(LOCAL_WEAKHOST6_SEND) : DSR_ID(LOCAL_WEAKHOST6_RECEIVE))
			     : (send ? DSR_ID(LOCAL_WEAKHOST_SEND) : DSR_ID(LOCAL_WEAKHOST_RECEIVE)),
		    -1);
	const char *family = b->v6 ? " for IPv6" : "";
	const char *key = send ? "weakhostsend" : "weakhostreceive";
	size_t considered = 0, unknown = 0, disabled = 0;
	char names[300] = "", commands[1200] = "";

	if (b->s->ifaces_state != DSR_LOCAL_READ)
		{
			skip_unread(c, b->s->ifaces_state, "the interface list", NULL);
			return;
		}
	if (b->v6 && b->s->ipv6_state != DSR_LOCAL_READ) {
		skip_unread(c, b->s->ipv6_state, "the IPv6 settings", NULL);
		return;
	}
	for (size_t i = 0; i < b->s->nifaces; i++) {
		const struct dsr_local_iface *f = &b->s->ifaces[i];
		bool loop = f->kind == DSR_LOCAL_KIND_LOOPBACK;
		int v = b->v6 ? (send ? f->weak_host_send6 : f->weak_host_receive6)
			      : (send ? f->weak_host_send : f->weak_host_receive);
		char item[DSR_LOCAL_NAME + 48], num[40];

		/* the vendor: receive on the NIC and the loopback, send on the loopback */
		if (!(loop || (!send && is_facing(b, f))))
			continue;
		considered++;
		snprintf(item, sizeof(item), "%s(%s)=%s", f->name, idx(f, num, "?"),
			 v == DSR_LOCAL_UNKNOWN ? "?" : v ? "enabled" : "disabled");
		dsr_evidence_list_add(c, send ? "weakhostsend" : "weakhostreceive", item);
		if (v == DSR_LOCAL_UNKNOWN) {
			unknown++;
		} else if (!v) {
			size_t w = strlen(names);
			disabled++;
			snprintf(names + w, sizeof(names) - w, "%s%s", w ? ", " : "", f->name);
			w = strlen(commands);
			dsr_fix_render(commands + w, sizeof(commands) - w,
				       b->v6 ? DSR_FIX_WEAKHOST6_ITEM : DSR_FIX_WEAKHOST_ITEM,
				       DSR_PLATFORM_WINDOWS,
				       &(struct dsr_fix_args){
					       .value = idx(f, num, loop ? "<IDX number for loopback>"
									 : "<IDX number for Server NIC>"),
					       .iface = f->name,
					       .key = key});
		}
	}
	if (disabled)
		dsr_fix_append(c, b->v6 ? DSR_FIX_WEAKHOST6 : DSR_FIX_WEAKHOST, DSR_PLATFORM_WINDOWS,
			       &(struct dsr_fix_args){.list = commands});
	if (disabled) {
		verdict(c, DSR_FAIL, DSR_REASON(DISABLED), "weak host %s%s is disabled on %s%s",
			send ? "send" : "receive", family, names,
			send ? ": replies leave with the real address instead of the VIP"
			     : ": frames for the VIP arriving on the NIC are dropped");
	} else if (considered == 0) {
		verdict(c, DSR_SKIP, DSR_REASON(NO_INTERFACE), "%s",
			send ? "no loopback adapter (see local.loopback.adapter)"
			     : b->v6 ? "no adapter is up" : "no adapter is up with an IPv4 address");
	} else if (unknown) {
		verdict(c, DSR_SKIP, DSR_REASON(UNKNOWN), "weak host %s%s could not be read for %u interface%s",
			send ? "send" : "receive", family, (unsigned)unknown, unknown == 1 ? "" : "s");
	} else {
		verdict(c, DSR_PASS, NULL, "weak host %s%s is enabled where the vendor requires it",
			send ? "send" : "receive", family);
	}
}

/* ---- local.listen ---- */

/* Does socket address a take connections to the VIP of this family? A socket
 * on :: takes IPv6, and IPv4 too on Linux unless it is IPV6_V6ONLY (which
 * /proc does not show; IPv4's check has always counted it). */
static bool serves(const struct builder *b, const char *a)
{
	struct in6_addr have;

	if (b->v6)
		return strcmp(a, "::") == 0 ||
		       (dsr_parse_ipv6(a, &have) == 0 && memcmp(&have, &b->t->vip6, sizeof(have)) == 0);
	return strcmp(a, b->vip) == 0 || strcmp(a, "0.0.0.0") == 0 || strcmp(a, "::") == 0;
}

/* Is socket address a of this family (an IPv4-mapped socket shows as IPv4)?
 * Windows makes every IPv6 socket V6ONLY by default: [::] is IPv6's alone there. */
static bool of_family(const struct builder *b, const char *a)
{
	if (b->v6)
		return strchr(a, ':') != NULL;
	return !strchr(a, ':') || (strcmp(a, "::") == 0 && !is_windows(b));
}

static void rule_listen(struct builder *b, uint16_t port)
{
	struct dsr_check *c = add(b, b->v6 ? DSR_ID(LOCAL_LISTEN6) : DSR_ID(LOCAL_LISTEN), port);
	const struct dsr_local_listener *hit = NULL;
	size_t others = 0;
	char ep[64], hit_ep[64];

	if (b->s->listen_state != DSR_LOCAL_READ)
		{
			skip_unread(c, b->s->listen_state, "the listening sockets", NULL);
			return;
		}
	for (size_t i = 0; i < b->s->nlisteners; i++) {
		const struct dsr_local_listener *l = &b->s->listeners[i];

		if (l->port != port || !of_family(b, l->addr))
			continue;
		dsr_evidence_list_add(c, "listening", l->addr);
		if (serves(b, l->addr)) {
			if (!hit || strcmp(hit->addr, b->vip) != 0)
				hit = l;
		} else {
			others++;
		}
	}
	if (hit) {
		if (b->v6)
			snprintf(hit_ep, sizeof(hit_ep), "[%s]:%u", hit->addr, port);
		else
			snprintf(hit_ep, sizeof(hit_ep), "%s:%u", hit->addr, port);
		verdict(c, DSR_PASS, NULL, "a socket listens on %s%s", hit_ep,
			strcmp(hit->addr, "::") == 0 ? (b->v6 ? " (wildcard)" : " (dual-stack wildcard)") : "");
		return;
	}
	endpoint(b, port, ep);
	if (others)
		verdict(c, DSR_FAIL, DSR_REASON(NOT_BOUND),
			"port %u listens only on other addresses: connections to %s are refused", port, ep);
	else
		verdict(c, DSR_FAIL, DSR_REASON(NOT_LISTENING), "nothing listens on port %u%s", port,
			b->v6 ? " over IPv6" : "");
	char num[8];
	snprintf(num, sizeof(num), "%u", port);
	dsr_fix_append(c, b->v6 ? DSR_FIX_LOCAL_LISTEN6 : DSR_FIX_LOCAL_LISTEN, platform(b),
		       &(struct dsr_fix_args){.vip = b->vip, .port = num});
}

/* ---- local.firewall ---- */

static size_t facing_names(const struct builder *b, const char **names, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < b->s->nifaces && n < max; i++)
		if (is_facing(b, &b->s->ifaces[i]))
			names[n++] = b->s->ifaces[i].name;
	return n;
}

static void rule_linux_firewall(struct builder *b, int port)
{
	struct dsr_check *c = add(b, b->v6 ? DSR_ID(LOCAL_FIREWALL6) : DSR_ID(LOCAL_FIREWALL), port);
	const char *names[DSR_LOCAL_MAX_IFACES];
	size_t nnames = facing_names(b, names, DSR_LOCAL_MAX_IFACES);
	struct dsr_fw_finding f;
	char what[64];

	if (b->s->firewall_state != DSR_LOCAL_READ)
		{
			skip_unread(c, b->s->firewall_state, "the firewall rules", b->s->firewall_why);
			return;
		}
	endpoint(b, port, what);
	if (b->v6)
		dsr_linux_fw_eval6((const char(*)[DSR_LOCAL_TEXT])b->s->fw_lines, b->s->nfw_lines,
				   &b->t->vip6, port, names, nnames, &f);
	else
		dsr_linux_fw_eval((const char(*)[DSR_LOCAL_TEXT])b->s->fw_lines, b->s->nfw_lines,
				  b->t->vip, port, names, nnames, &f);
	dsr_evidence_int(c, "ruleset_lines", (long long)b->s->nfw_lines);
	if (f.verdict == DSR_FW_ACCEPTED) {
		verdict(c, DSR_PASS, NULL, "no firewall rule drops new connections to %s", what);
		return;
	}
	dsr_evidence_str(c, "chain", f.chain);
	dsr_evidence_str(c, "rule", f.rule);
	switch (f.verdict) {
	case DSR_FW_DROPPED:
		verdict(c, DSR_FAIL, DSR_REASON(DROPPED), "chain %s drops new connections to %s", f.chain,
			what);
		break;
	case DSR_FW_POLICY_DROP:
		verdict(c, DSR_FAIL, DSR_REASON(POLICY_DROP),
			"chain %s has policy drop and no rule accepts new connections to %s", f.chain, what);
		break;
	default:
		verdict(c, DSR_WARN, DSR_REASON(UNCLEAR),
			"a rule of chain %s that dsrcheck cannot fully evaluate may drop connections to %s",
			f.chain, what);
		break;
	}
	char table[32] = "", chain[sizeof(f.chain)], num[12];
	const char *space = strchr(f.chain, ' ');
	snprintf(chain, sizeof(chain), "%s", f.chain);
	if (f.iptables) {
		snprintf(table, sizeof(table), "%.*s", (int)(space ? space - f.chain : 6),
			 space ? f.chain : "filter");
		snprintf(chain, sizeof(chain), "%s", space ? space + 1 : "INPUT");
	}
	snprintf(num, sizeof(num), "%d", port);
	dsr_fix_append(c, b->v6 ? DSR_FIX_FIREWALL_DROP6 : DSR_FIX_FIREWALL_DROP, DSR_PLATFORM_LINUX,
		       &(struct dsr_fix_args){
			       .vip = b->vip, .port = port >= 0 ? num : NULL, .table = table, .chain = chain});
}

static const char *const profile_label[DSR_FW_NPROFILES] = {"Domain", "Private", "Public"};

static void rule_windows_firewall(struct builder *b, int port)
{
	struct dsr_check *c = add(b, b->v6 ? DSR_ID(LOCAL_FIREWALL6) : DSR_ID(LOCAL_FIREWALL), port);
	const struct dsr_local_snapshot *s = b->s;
	bool any_on = false, blocked = false, unclear = false;
	char open_profiles[64] = "", block_name[DSR_LOCAL_NAME] = "", ep[64];

	if (s->firewall_state != DSR_LOCAL_READ)
		{
			skip_unread(c, s->firewall_state, "the firewall settings", s->firewall_why);
			return;
		}
	for (int p = 0; p < DSR_FW_NPROFILES; p++) {
		int on = s->fw_profile_enabled[p];
		bool allowed = false, maybe = false;

		dsr_evidence_str(c, profile_label[p], on == DSR_LOCAL_UNKNOWN ? "?" : on ? "on" : "off");
		if (on == 0)
			continue;
		any_on = true;
		if (port < 0)
			continue;
		for (size_t i = 0; i < s->nfw_rules; i++) {
			struct dsr_winfw_rule r;

			dsr_winfw_rule_parse(s->fw_rules[i], &r);
			bool matches = b->v6 ? dsr_winfw_rule_matches6(&r, &b->t->vip6, port,
								       (enum dsr_local_fw_profile)p)
					     : dsr_winfw_rule_matches(&r, b->t->vip, port,
								      (enum dsr_local_fw_profile)p);
			if (!matches) {
				if (r.valid && r.active && r.inbound && r.allow && r.uncertain &&
				    r.profiles[p])
					maybe = true;
				continue;
			}
			if (!r.allow) {
				blocked = true;
				snprintf(block_name, sizeof(block_name), "%s", r.name);
			} else {
				allowed = true;
			}
		}
		if (!allowed) {
			size_t w = strlen(open_profiles);
			snprintf(open_profiles + w, sizeof(open_profiles) - w, "%s%s", w ? ", " : "",
				 profile_label[p]);
			unclear = unclear || maybe;
		}
	}
	if (!any_on) {
		verdict(c, DSR_PASS, NULL, "Windows Firewall is off in every profile");
		return;
	}
	if (port < 0) {
		verdict(c, DSR_SKIP, DSR_REASON(NO_PORT), "Windows Firewall is on: give --port to check its rules");
		return;
	}
	endpoint(b, port, ep);
	if (blocked) {
		verdict(c, DSR_FAIL, DSR_REASON(DROPPED),
			"block rule '%s' matches connections to %s (block rules win over allow rules)",
			block_name, ep);
		dsr_evidence_str(c, "rule", block_name);
	} else if (!open_profiles[0]) {
		verdict(c, DSR_PASS, NULL, "an allow rule lets connections to %s in, in every profile "
					   "that is on",
			ep);
		return;
	} else if (unclear) {
		verdict(c, DSR_WARN, DSR_REASON(UNCLEAR),
			"Windows Firewall is on (%s) and only rules dsrcheck cannot evaluate may allow %s",
			open_profiles, ep);
	} else {
		verdict(c, DSR_FAIL, DSR_REASON(BLOCKED),
			"Windows Firewall is on (%s) and no rule allows connections to %s: by default "
			"it blocks all connections to the loopback adapter",
			open_profiles, ep);
	}
	char num[12];
	snprintf(num, sizeof(num), "%d", port);
	dsr_fix_append(c,
		       blocked ? (b->v6 ? DSR_FIX_FIREWALL_DROP6 : DSR_FIX_FIREWALL_DROP)
			       : (b->v6 ? DSR_FIX_FIREWALL_ALLOW6 : DSR_FIX_FIREWALL_ALLOW),
		       DSR_PLATFORM_WINDOWS,
		       &(struct dsr_fix_args){.vip = b->vip, .port = num, .rule = block_name});
}

/* ---- local.iis.binding (Windows) ---- */

/* A binding's IP part names the VIP of the builder's family: IIS writes an
 * IPv6 address in brackets. */
static bool binding_is_vip(const struct builder *b, const char *address)
{
	char inner[DSR_IPV6_TEXT];
	struct in6_addr a;
	size_t len = strlen(address);

	if (!b->v6)
		return strcmp(address, b->vip) == 0;
	if (len < 3 || address[0] != '[' || address[len - 1] != ']' || len - 2 >= sizeof(inner))
		return false;
	memcpy(inner, address + 1, len - 2);
	inner[len - 2] = '\0';
	return dsr_parse_ipv6(inner, &a) == 0 && memcmp(&a, &b->t->vip6, sizeof(a)) == 0;
}

static void rule_iis(struct builder *b, uint16_t port)
{
	struct dsr_check *c = add(b, b->v6 ? DSR_ID(LOCAL_IIS_BINDING6) : DSR_ID(LOCAL_IIS_BINDING), port);
	const struct dsr_local_snapshot *s = b->s;
	const struct dsr_local_binding *hit = NULL, *other = NULL;

	if (s->iis_state == DSR_LOCAL_ABSENT) {
		verdict(c, DSR_SKIP, DSR_REASON(NO_IIS), "IIS is not installed (no applicationHost.config)");
		return;
	}
	if (s->iis_state != DSR_LOCAL_READ)
		{
			skip_unread(c, s->iis_state, "applicationHost.config", s->iis_why);
			return;
		}
	for (size_t i = 0; i < s->nbindings; i++) {
		const struct dsr_local_binding *bd = &s->bindings[i];
		char item[DSR_LOCAL_NAME + 64];

		if (bd->port != port)
			continue;
		snprintf(item, sizeof(item), "%s %s %s", bd->site, bd->protocol,
			 bd->address[0] ? bd->address : "(all unassigned)");
		for (char *p = item; *p; p++)
			if (*p == ',')
				*p = ';';
		dsr_evidence_list_add(c, "bindings", item);
		if (binding_is_vip(b, bd->address) || strcmp(bd->address, "*") == 0 || bd->address[0] == '\0')
			hit = hit ? hit : bd;
		else
			other = other ? other : bd;
	}
	if (hit) {
		verdict(c, DSR_PASS, NULL, "site '%s' is bound to %s:%u (%s)", hit->site,
			hit->address[0] ? hit->address : "*", port, hit->protocol);
		return;
	}
	if (!other) {
		verdict(c, DSR_SKIP, DSR_REASON(NO_SITE), "no IIS site binds port %u: the service on it is not IIS",
			port);
		return;
	}
	verdict(c, DSR_FAIL, DSR_REASON(NOT_BOUND),
		b->v6 ? "site '%s' binds port %u to %s only: IIS refuses connections to [%s]:%u"
		      : "site '%s' binds port %u to %s only: IIS refuses connections to %s:%u",
		other->site, port, other->address, b->vip, port);
	char num[8];
	snprintf(num, sizeof(num), "%u", port);
	dsr_fix_append(c, DSR_FIX_IIS_BINDING, DSR_PLATFORM_WINDOWS,
		       &(struct dsr_fix_args){
			       .site = other->site,
			       .proto = strcmp(other->protocol, "https") == 0 ? "HTTPS" : "HTTP",
			       .vip = b->vip,
			       .port = num,
			       .value = other->protocol,
		       });
}

/* ---- local.ip.conflict (Windows) ---- */

static void rule_conflict(struct builder *b)
{
	struct dsr_check *c = add(b, DSR_ID(LOCAL_IP_CONFLICT), -1);
	const struct dsr_local_snapshot *s = b->s;
	const struct dsr_local_event *vip_event = NULL;

	if (s->events_state != DSR_LOCAL_READ)
		{
			skip_unread(c, s->events_state, "the System event log", s->events_why);
			return;
		}
	for (size_t i = 0; i < s->nconflicts; i++) {
		dsr_evidence_list_add(c, "times", s->conflicts[i].time);
		if (!vip_event && strstr(s->conflicts[i].message, b->vip))
			vip_event = &s->conflicts[i];
	}
	if (s->nconflicts == 0) {
		verdict(c, DSR_PASS, NULL, "no IP address conflict in the System event log");
		return;
	}
	dsr_evidence_str(c, "message", (vip_event ? vip_event : &s->conflicts[0])->message);
	if (vip_event)
		verdict(c, DSR_FAIL, DSR_REASON(CONFLICT),
			"the System event log records an address conflict for the VIP %s (%s)", b->vip,
			vip_event->time);
	else
		verdict(c, DSR_WARN, DSR_REASON(CONFLICT),
			"the System event log records %u IP address conflict%s, not naming the VIP",
			(unsigned)s->nconflicts, s->nconflicts == 1 ? "" : "s");
	dsr_fix_append(c, DSR_FIX_EVENT_LOG, DSR_PLATFORM_WINDOWS, NULL);
}

/* ---- local6.vip ---- */

/* Where the VIP6 may live without being answered in Neighbor Discovery: lo (or a
 * dummy) on Linux, the loopback adapter on Windows. */
static bool is_vip6_home(const struct builder *b, const struct dsr_local_iface *f)
{
	if (is_windows(b))
		return f->kind == DSR_LOCAL_KIND_LOOPBACK;
	return f->kind == DSR_LOCAL_KIND_LOOPBACK || f->kind == DSR_LOCAL_KIND_DUMMY;
}

static const char *dad_state(unsigned flags)
{
	if (flags & DSR_LOCAL_IFA_DADFAILED)
		return "dadfailed";
	return flags & DSR_LOCAL_IFA_TENTATIVE ? "tentative" : NULL;
}

struct vip6_place {
	const struct dsr_local_iface *f;
	const struct dsr_local_addr6 *a;
};

static void vip6_remedy(struct builder *b, struct dsr_check *c, const struct vip6_place *wrong)
{
	const struct dsr_local_iface *lo = loopback_adapter(b);
	char bits[12];

	snprintf(bits, sizeof(bits), "%u", wrong->a ? wrong->a->prefix : 128);
	dsr_fix_append(c, DSR_FIX_LOCAL_VIP6, platform(b),
		       &(struct dsr_fix_args){
			       .vip = b->vip,
			       .iface = wrong->f ? wrong->f->name : NULL,
			       .prefix = bits,
			       .key = wrong->a ? dad_state(wrong->a->flags) : NULL,
			       .lo = lo ? lo->name : NULL,
		       });
}

static void rule_vip6(struct builder *b)
{
	struct dsr_check *c = add(b, DSR_ID(LOCAL_VIP6), -1);
	struct vip6_place home = {0}, away = {0}, away_dad = {0}, bad_mask = {0}, home_dad = {0};
	const char *where = is_windows(b) ? "loopback adapter" : "loopback (lo)";

	if (b->s->ifaces_state != DSR_LOCAL_READ) {
		skip_unread(c, b->s->ifaces_state, "the interface list", NULL);
		return;
	}
	if (b->s->ipv6_state != DSR_LOCAL_READ) {
		skip_unread(c, b->s->ipv6_state, "the IPv6 addresses", NULL);
		return;
	}
	for (size_t i = 0; i < b->s->nifaces; i++) {
		const struct dsr_local_iface *f = &b->s->ifaces[i];

		for (size_t k = 0; k < f->naddrs6; k++) {
			const struct dsr_local_addr6 *a = &f->addrs6[k];
			const char *dad = dad_state(a->flags);
			struct vip6_place *slot;
			char item[DSR_LOCAL_NAME + 16];

			if (memcmp(&a->addr, &b->t->vip6, sizeof(a->addr)) != 0)
				continue;
			snprintf(item, sizeof(item), "%s%s%s%s", f->name, dad ? "(" : "", dad ? dad : "",
				 dad ? ")" : "");
			dsr_evidence_list_add(c, "interfaces", item);
			if (!is_vip6_home(b, f))
				slot = dad ? &away_dad : &away;
			else if (a->prefix != 128)
				slot = &bad_mask;
			else
				slot = dad ? &home_dad : &home;
			if (!slot->f)
				*slot = (struct vip6_place){f, a};
		}
	}
	if (away.f) {
		verdict(c, DSR_FAIL, DSR_REASON(NOT_LOOPBACK),
			"%s/%u is on %s, which answers Neighbor Discovery for it: the VIP6 belongs on the "
			"%s only",
			b->vip, away.a->prefix, away.f->name, where);
		vip6_remedy(b, c, &away);
		return;
	}
	const struct vip6_place *dad = away_dad.f ? &away_dad : home_dad.f ? &home_dad : NULL;
	if (dad && dad->a->flags & DSR_LOCAL_IFA_DADFAILED) {
		verdict(c, DSR_FAIL, DSR_REASON(DADFAILED),
			"%s is dadfailed on %s: another node of the segment answered for it during "
			"duplicate address detection, and this host never uses it%s",
			b->vip, dad->f->name,
			is_vip6_home(b, dad->f) ? "" : "; the VIP6 belongs on the loopback only");
		vip6_remedy(b, c, dad);
	} else if (dad) {
		verdict(c, DSR_FAIL, DSR_REASON(TENTATIVE),
			"%s is tentative on %s: duplicate address detection has not finished%s", b->vip,
			dad->f->name,
			is_vip6_home(b, dad->f)
				? ", and until it does the address is not used"
				: "; once it does, that interface answers Neighbor Discovery for the VIP6");
		vip6_remedy(b, c, dad);
	} else if (bad_mask.f) {
		verdict(c, DSR_FAIL, DSR_REASON(WRONG_MASK),
			"%s is on %s with /%u: every address of that prefix becomes local to this server; "
			"the VIP6 needs /128",
			b->vip, bad_mask.f->name, bad_mask.a->prefix);
		vip6_remedy(b, c, &bad_mask);
	} else if (home.f) {
		verdict(c, DSR_PASS, NULL, "%s/128 is on %s", b->vip, home.f->name);
	} else {
		verdict(c, DSR_FAIL, DSR_REASON(MISSING),
			"%s is on no interface: packets the balancer forwards for it are dropped", b->vip);
		vip6_remedy(b, c, &(struct vip6_place){0});
	}
}

/* ---- local6.proxy_ndp (Linux) ---- */

/* The kernel answers a solicitation for an address it does not hold when
 * proxy_ndp is on (all OR the interface) and a proxy entry names the address
 * on that interface: the VIP6's counterpart of an ARP leak. */
static int proxy_ndp_of(const struct builder *b, const struct dsr_local_iface *f)
{
	int all = b->s->all_proxy_ndp, own = f->proxy_ndp;

	if ((all != DSR_LOCAL_UNKNOWN && all > 0) || (own != DSR_LOCAL_UNKNOWN && own > 0))
		return 1;
	return all == DSR_LOCAL_UNKNOWN || own == DSR_LOCAL_UNKNOWN ? DSR_LOCAL_UNKNOWN : 0;
}

static bool proxies_vip6(const struct builder *b, const char *dev)
{
	for (size_t i = 0; i < b->s->nndp_proxies; i++)
		if (strcmp(b->s->ndp_proxies[i].dev, dev) == 0 &&
		    memcmp(&b->s->ndp_proxies[i].addr, &b->t->vip6, sizeof(struct in6_addr)) == 0)
			return true;
	return false;
}

static void rule_proxy_ndp(struct builder *b)
{
	struct dsr_check *c = add(b, DSR_ID(LOCAL_PROXY_NDP), -1);
	size_t facing = 0, unknown = 0, on = 0, proxied = 0;
	char on_names[300] = "", names[300] = "", commands[1200] = "";

	if (b->s->ifaces_state != DSR_LOCAL_READ) {
		skip_unread(c, b->s->ifaces_state, "the interface list", NULL);
		return;
	}
	if (b->s->ipv6_state != DSR_LOCAL_READ) {
		skip_unread(c, b->s->ipv6_state, "the IPv6 settings", NULL);
		return;
	}
	for (size_t i = 0; i < b->s->nifaces; i++) {
		const struct dsr_local_iface *f = &b->s->ifaces[i];
		int v = proxy_ndp_of(b, f);
		char item[DSR_LOCAL_NAME + 8];
		size_t w;

		if (!is_facing(b, f))
			continue;
		facing++;
		snprintf(item, sizeof(item), v == DSR_LOCAL_UNKNOWN ? "%s=?" : "%s=%d", f->name, v);
		dsr_evidence_list_add(c, "proxy_ndp", item);
		if (v == DSR_LOCAL_UNKNOWN) {
			unknown++;
			continue;
		}
		if (!v)
			continue;
		on++;
		w = strlen(on_names);
		snprintf(on_names + w, sizeof(on_names) - w, "%s%s", w ? ", " : "", f->name);
		if (b->s->ndp_proxies_state != DSR_LOCAL_READ || !proxies_vip6(b, f->name))
			continue;
		proxied++;
		w = strlen(names);
		snprintf(names + w, sizeof(names) - w, "%s%s", w ? ", " : "", f->name);
		w = strlen(commands);
		dsr_fix_render(commands + w, sizeof(commands) - w, DSR_FIX_PROXY_NDP_ITEM, DSR_PLATFORM_LINUX,
			       &(struct dsr_fix_args){.vip = b->vip, .iface = f->name});
	}
	if (facing == 0) {
		verdict(c, DSR_SKIP, DSR_REASON(NO_INTERFACE), "no interface is up besides the loopback");
	} else if (proxied) {
		verdict(c, DSR_FAIL, DSR_REASON(PROXIED),
			"proxy_ndp is on and a proxy entry names %s on %s: this server answers Neighbor "
			"Solicitations for the VIP6 there",
			b->vip, names);
		dsr_fix_append(c, DSR_FIX_PROXY_NDP, DSR_PLATFORM_LINUX,
			       &(struct dsr_fix_args){.vip = b->vip, .list = commands});
	} else if (on && b->s->ndp_proxies_state != DSR_LOCAL_READ) {
		skip_unread(c, b->s->ndp_proxies_state, "the proxy NDP entries", b->s->ndp_proxies_why);
	} else if (unknown) {
		verdict(c, DSR_SKIP, DSR_REASON(UNKNOWN), "proxy_ndp could not be read for %u interface%s",
			(unsigned)unknown, unknown == 1 ? "" : "s");
	} else if (on) {
		verdict(c, DSR_PASS, NULL, "proxy_ndp is on on %s, but no proxy entry names %s", on_names,
			b->vip);
	} else {
		verdict(c, DSR_PASS, NULL, "proxy_ndp is off on every interface facing the segment");
	}
}

struct dsr_check *dsr_local_rules(const struct dsr_local_snapshot *s,
				  const struct dsr_local_target *t, size_t *nchecks)
{
	struct builder b = {.s = s, .t = t};
	size_t nports = t->nports < DSR_LOCAL_MAX_PORTS ? t->nports : DSR_LOCAL_MAX_PORTS;

	b.checks = calloc(MAX_LOCAL_CHECKS, sizeof(*b.checks));
	if (!b.checks)
		return NULL;
	dsr_format_ipv4(t->vip, b.vip);
	if (!t->has_vip) {
		if (s->platform == DSR_LOCAL_WINDOWS)
			rule_loopback_adapter(&b);
	} else if (s->platform == DSR_LOCAL_WINDOWS) {
		rule_loopback_adapter(&b);
		rule_vip(&b);
		rule_weakhost(&b, false);
		rule_weakhost(&b, true);
		rule_conflict(&b);
		for (size_t i = 0; i < nports; i++) {
			rule_iis(&b, t->ports[i]);
			rule_listen(&b, t->ports[i]);
			rule_windows_firewall(&b, t->ports[i]);
		}
		if (nports == 0)
			rule_windows_firewall(&b, -1);
	} else {
		rule_vip(&b);
		rule_linux_settings(&b);
		for (size_t i = 0; i < nports; i++) {
			rule_listen(&b, t->ports[i]);
			rule_linux_firewall(&b, t->ports[i]);
		}
		if (nports == 0)
			rule_linux_firewall(&b, -1);
	}
	if (t->has_vip6) {
		void (*firewall)(struct builder *, int) =
			s->platform == DSR_LOCAL_WINDOWS ? rule_windows_firewall : rule_linux_firewall;

		b.v6 = true;
		dsr_format_ipv6(&t->vip6, b.vip);
		rule_vip6(&b);
		if (s->platform == DSR_LOCAL_WINDOWS) {
			rule_weakhost(&b, false);
			rule_weakhost(&b, true);
		} else {
			rule_proxy_ndp(&b);
		}
		for (size_t i = 0; i < nports; i++) {
			if (s->platform == DSR_LOCAL_WINDOWS)
				rule_iis(&b, t->ports[i]);
			rule_listen(&b, t->ports[i]);
			firewall(&b, t->ports[i]);
		}
		if (nports == 0)
			firewall(&b, -1);
	}
	*nchecks = b.n;
	return dsr_checks_pack(b.checks, b.n);
}
