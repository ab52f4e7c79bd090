/* dsrcheck watch: listen to the segment without end (passive/watch.c) and run
 * the full audit every interval, one line per audit on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../passive/watch.h"
#include "../src/parse.h"
#include "../src/diagnose.h"
#include "cmd.h"

struct watch_context {
	const struct dsr_cmd_options *o;
	const struct dsr_config *cfg;
	const struct dsr_iface *ifc;
	unsigned long audits;
};

/* During one audit also every segment to its connections' ports: the
 * acknowledgement of a FIN carries neither SYN nor RST (tcp.vip.conn). */
static int audit_filter(struct watch_context *w, struct dsr_source *src, const struct dsr_plan *plan,
			struct dsr_cmd_error *e)
{
	char conns[128] = "", filter[1024], ip[16], err[512];

	dsr_format_ipv4(plan->me.ip, ip);
	if (plan->conn_first)
		snprintf(conns, sizeof(conns), "tcp and dst host %s and dst portrange %u-%u", ip,
			 plan->conn_first, plan->conn_last);
	dsr_cmd_watch_filter(w->ifc, plan->conn_first ? conns : NULL, filter, sizeof(filter));
	if (dsr_source_set_filter(src, filter, err, sizeof(err)) < 0)
		return dsr_cmd_fail(e, DSR_EXIT_RUN, "%s", err);
	return DSR_CMD_GO_ON;
}

/* One audit of watch: a line on stdout, and the --report files rewritten (a
 * Prometheus textfile stays current). Each audit has an error of its own: a
 * failed audit says its own reason, not the first one of the run. */
static int watch_audit(struct dsr_source *src, dsr_tap_fn tap, void *tap_arg, void *arg)
{
	struct watch_context *w = arg;
	struct dsr_cmd_error e = {0};
	struct dsr_plan plan;
	struct dsr_run result;
	struct dsr_report_options ropts = {.verbose = w->o->verbose};
	char err[512];
	int status;

	if (dsr_cmd_plan(w->o, w->cfg, w->ifc, &plan, &e) == DSR_CMD_GO_ON) {
		struct dsr_engine_options eo = {
			.timeout_ms = w->cfg->timeout_ms,
			.retries = w->cfg->retries,
			.listen_ms = w->cfg->listen_ms,
			.rate = w->cfg->rate,
			.tap = tap,
			.tap_arg = tap_arg,
		};
		if (audit_filter(w, src, &plan, &e) == DSR_CMD_GO_ON &&
		    dsr_cmd_audit_once(w->o, w->cfg, w->ifc, &plan, src, &eo, NULL, &result, err,
				       sizeof(err)) < 0)
			dsr_cmd_fail(&e, DSR_EXIT_RUN, "%s", err);
		dsr_plan_free(&plan);
	}
	if (e.msg[0]) {
		printf("audit %lu could not run: %s\n", ++w->audits, e.msg);
		fflush(stdout);
		return DSR_EXIT_RUN;
	}
	struct dsr_findings findings = {0};
	if (dsr_cmd_diagnose(&result, &findings) < 0) {
		free((void *)result.checks);
		printf("audit %lu could not run: out of memory\n", ++w->audits);
		fflush(stdout);
		return DSR_EXIT_RUN;
	}
	printf("audit %lu %s (%zu of %zu failed, %zu warnings)", ++w->audits,
	       result.counts.fail ? "FAIL" : "PASS", result.counts.fail, result.nchecks,
	       result.counts.warn);
	for (size_t i = 0; i < result.nchecks; i++) {
		const struct dsr_check *c = &result.checks[i];
		if (c->status == DSR_FAIL)
			printf("; %s %s %s%s%.0d %s", c->id, c->server ? c->server : "-", c->target,
			       c->port >= 0 ? ":" : "", c->port >= 0 ? c->port : 0, c->reason);
	}
	printf("\n");
	fflush(stdout);
	for (size_t i = 0; i < w->o->nreports; i++)
		dsr_cmd_write_report(w->o, i, &result, &ropts, &e);
	status = result.counts.fail ? DSR_EXIT_FAIL : DSR_EXIT_PASS;
	dsr_findings_free(&findings);
	free((void *)result.checks);
	return status;
}

/* ARP, VRRP (this host's own advertisements too: on a master they are the
 * evidence), ICMP and ICMPv6 (Neighbor Discovery too), and the TCP segments
 * that open or refuse connections: what the passive checks and the audits
 * need, and not the bulk of the traffic. libpcap cannot index TCP over IPv6
 * (tcp[] is IPv4's), so IPv6's flags are read at their place behind a fixed
 * header (40 + 13): a segment behind extension headers is not seen, which
 * no SYN or RST of an ordinary stack has. */
void dsr_cmd_watch_filter(const struct dsr_iface *ifc, const char *also, char *filter, size_t size)
{
	char mac[18], untagged[448];

	dsr_format_mac(ifc->mac, mac);
	snprintf(untagged, sizeof(untagged),
		 "ip proto 112 or (not ether src %s and (arp or icmp or icmp6 or "
		 "(tcp and tcp[tcpflags] & (tcp-syn|tcp-rst) != 0) or "
		 "(ip6 and ip6[6] == 6 and ip6[53] & 6 != 0)))%s%s%s",
		 mac, also ? " or (" : "", also ? also : "", also ? ")" : "");
	/* The same inside a tag still in the frame (see dsr_engine_filter): the
	 * analyser keeps VLANs apart. Last: libpcap reads everything after the
	 * `vlan` keyword 4 bytes further on, whatever the parentheses say. */
	snprintf(filter, size, "%s or (vlan and (%s))", untagged, untagged);
}

int dsr_cmd_watch(const struct dsr_cmd_options *o, struct dsr_config *cfg, struct dsr_cmd_error *e)
{
	char err[512], filter[DSR_FILTER_MAX];
	struct dsr_iface ifc;
	struct dsr_source *src;
	int status;

	if (o->interval && (status = dsr_cmd_setting(cfg, "--interval", o->interval, e)) != DSR_CMD_GO_ON)
		return status;
	unsigned interval_ms = cfg->interval_ms;
	if (dsr_publish_start(o, cfg, err, sizeof(err)) < 0)
		return dsr_cmd_fail(e, DSR_EXIT_RUN, "%s", err);
	if ((status = dsr_cmd_live_iface(cfg, &ifc, e)) != DSR_CMD_GO_ON)
		goto out;
	dsr_cmd_watch_filter(&ifc, NULL, filter, sizeof(filter));
	if ((status = dsr_cmd_live_open(o, &ifc, filter, &src, NULL, e)) != DSR_CMD_GO_ON)
		goto out;
	/* Said once the capture is open and privileges are gone: what a test
	 * waits for before it sends (README, "Running it"). */
	if (!o->quiet && o->verbose)
		fprintf(stderr, "dsrcheck: watching %s, capture filter: %s\n", ifc.name, filter);
	struct watch_context ctx = {.o = o, .cfg = cfg, .ifc = &ifc};
	struct dsr_watch_options wo = {
		.interval_ms = interval_ms,
		.syslog = o->syslog,
		.out = stdout,
		.audit = watch_audit,
		.audit_arg = &ctx,
		.link_vlan = ifc.vlan,
	};
	int rc = dsr_watch(cfg, src, &wo, err, sizeof(err));
	dsr_source_close(src);
	status = rc < 0 ? dsr_cmd_fail(e, DSR_EXIT_RUN, "%s", err) : DSR_EXIT_PASS;
out:
	dsr_publish_stop();
	return status;
}
