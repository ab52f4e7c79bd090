/* libFuzzer harness: one captured frame, as hostile as the segment can make
 * it, through everything that reads it: the Ethernet and Linux cooked (SLL,
 * SLL2) decoders, the engine's reply matching against a plan of the lab
 * deployment, the judges and the report writers, and the passive analyser of
 * `dsrcheck analyze`/`watch`.
 *
 * Beyond the sanitizers it checks two promises a report rests on: a frame the
 * decoder calls truncated, invalid or unrelated changes no verdict (README:
 * "never make a check pass"), and a frame decoded OK has the layers it claims.
 *
 * Input: the frame's bytes, exactly as captured (caplen = input size). */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../capture/decode.h"
#include "../../src/engine.h"
#include "../../passive/passive.h"
#include "../../src/verdict.h"
#include "fuzz_common.h"

static struct dsr_config cfg;
static struct dsr_plan plan;
/* Verdicts with nothing captured: what an unusable frame must leave as is. */
static struct dsr_check *baseline;
static size_t nbaseline;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct dsr_observations none = {0};

	(void)argc;
	(void)argv;
	fuzz_lab_plan("fuzz_frame", &cfg, &plan);
	baseline = dsr_verdicts(&cfg, &plan, &none, &nbaseline);
	if (!baseline)
		abort();
	return 0;
}

/* The decoder's contract (capture/decode.h): OK means the layers are there. */
static void check_decoded(enum dsr_decode_status st, const struct dsr_frame *f)
{
	FUZZ_REQUIRE(st == DSR_FRAME_OK || st == DSR_FRAME_TRUNCATED || st == DSR_FRAME_INVALID ||
		     st == DSR_FRAME_UNRELATED);
	if (st != DSR_FRAME_OK)
		return;
	FUZZ_REQUIRE(f->l3 == DSR_L3_ARP || f->l3 == DSR_L3_IPV4 || f->l3 == DSR_L3_IPV6);
	if (f->l3 == DSR_L3_ARP)
		FUZZ_REQUIRE(f->l4 == DSR_L4_NONE);
	else if (f->l3 == DSR_L3_IPV4)
		FUZZ_REQUIRE(f->l4 == DSR_L4_ICMP || f->l4 == DSR_L4_TCP || f->l4 == DSR_L4_VRRP);
	else
		FUZZ_REQUIRE(f->l4 == DSR_L4_ICMP || f->l4 == DSR_L4_TCP || f->l4 == DSR_L4_ND);
	/* A Neighbor Discovery message decoded OK is one every host accepts
	 * (RFC 4861 7.1.1, 7.1.2). */
	if (f->l4 == DSR_L4_ND) {
		uint8_t target[16], dst[16];
		memcpy(target, &f->nd.target, 16);
		memcpy(dst, &f->ip6.dst, 16);
		FUZZ_REQUIRE(f->ip6.hlim == 255 && f->ip6.next == 58 && target[0] != 0xff);
		FUZZ_REQUIRE(f->nd.type == DSR_ND_SOLICIT || f->nd.type == DSR_ND_ADVERT);
		if (f->nd.type == DSR_ND_SOLICIT)
			FUZZ_REQUIRE(!f->nd.router && !f->nd.solicited && !f->nd.override &&
				     (!f->nd.dad || (!f->nd.has_lladdr && dst[0] == 0xff)));
		else
			FUZZ_REQUIRE(!f->nd.dad && (!f->nd.solicited || dst[0] != 0xff));
	}
	if (f->l3 == DSR_L3_IPV6 && f->l4 == DSR_L4_ICMP)
		FUZZ_REQUIRE(f->icmp.type == DSR_ICMP6_ECHO || f->icmp.type == DSR_ICMP6_ECHO_REPLY ||
			     f->icmp.has_quote);
	/* A VRRP advertisement decoded OK elects someone: RFC 5798's discard rules hold. */
	if (f->l4 == DSR_L4_VRRP)
		FUZZ_REQUIRE((f->vrrp.version == 2 || f->vrrp.version == 3) && f->vrrp.vrid != 0 &&
			     f->vrrp.naddrs != 0 && f->vrrp.interval_cs != 0 &&
			     f->vrrp.type == DSR_VRRP_ADVERTISEMENT);
	if (f->l4 == DSR_L4_ICMP &&
	    (f->icmp.type == DSR_ICMP_UNREACH || f->icmp.type == DSR_ICMP_TIME_EXCEEDED))
		FUZZ_REQUIRE(f->icmp.has_quote);
	FUZZ_REQUIRE(f->vlan <= 0x0fff && f->inner_vlan <= 0x0fff && f->vlan_pcp <= 7);
	FUZZ_REQUIRE(f->ntags <= 2 && (f->ntags == 2 || f->inner_vlan == 0));
}

static bool same_verdicts(const struct dsr_check *a, size_t na, const struct dsr_check *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].status != b[i].status || !a[i].reason != !b[i].reason ||
		    (a[i].reason && strcmp(a[i].reason, b[i].reason) != 0))
			return false;
	return true;
}

/* The active path: replay (frames from our MAC count as attempts, as in a
 * recorded fixture), then the same frame again as a live run sees it, so that
 * a duplicate answer meets the state the first one left. */
static enum dsr_decode_status engine(const uint8_t *data, size_t size)
{
	struct dsr_observations obs = {0};
	struct timeval ts = {.tv_sec = 1700000000, .tv_usec = 0};
	struct dsr_frame f;
	enum dsr_decode_status st = dsr_decode_ethernet(data, size, &f);
	size_t n;

	dsr_engine_feed(&plan, data, size, &ts, true, &obs);
	ts.tv_usec = 1000;
	dsr_engine_feed(&plan, data, size, &ts, false, &obs);
	FUZZ_REQUIRE(obs.frames == 2);
	FUZZ_REQUIRE(obs.n <= 2 * plan.ntasks);
	for (size_t i = 0; i < obs.n; i++)
		FUZZ_REQUIRE(obs.items[i].task < plan.ntasks);

	struct dsr_check *checks = dsr_verdicts(&cfg, &plan, &obs, &n);
	FUZZ_REQUIRE(checks != NULL);
	fuzz_check_results(checks, n);
	if (st != DSR_FRAME_OK) {
		/* Nothing was used, so nothing may have changed. */
		FUZZ_REQUIRE(obs.n == 0);
		FUZZ_REQUIRE(same_verdicts(checks, n, baseline, nbaseline));
	} else {
		fuzz_write_report(checks, n, size);
	}
	free(checks);
	dsr_observations_free(&obs);
	return st;
}

/* The passive path, on whichever decodings of the bytes were usable. */
static void passive(const struct dsr_frame *frames, const enum dsr_decode_status *st, size_t nframes,
		    size_t pick)
{
	struct dsr_passive *p = dsr_passive_new(&cfg);
	struct timeval ts = {.tv_sec = 1700000000, .tv_usec = 0};
	size_t n;

	FUZZ_REQUIRE(p != NULL);
	for (size_t i = 0; i < nframes; i++)
		if (st[i] == DSR_FRAME_OK)
			dsr_passive_frame(p, &frames[i], &ts, (unsigned long)i + 1);
	struct dsr_check *checks = dsr_passive_verdicts(p, &n);
	FUZZ_REQUIRE(checks != NULL);
	fuzz_check_results(checks, n);
	fuzz_write_report(checks, n, pick);
	free(checks);
	dsr_passive_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dsr_frame frames[3];
	enum dsr_decode_status st[3];

	st[0] = dsr_decode_ethernet(data, size, &frames[0]);
	st[1] = dsr_decode_sll(data, size, false, &frames[1]);
	st[2] = dsr_decode_sll(data, size, true, &frames[2]);
	for (size_t i = 0; i < 3; i++) {
		check_decoded(st[i], &frames[i]);
		(void)dsr_decode_status_name(st[i]);
	}
	/* One pass decoding: the same bytes decode the same way twice. */
	FUZZ_REQUIRE(engine(data, size) == st[0]);
	/* With nothing usable the analyser would judge an empty capture, the same
	 * every time (fuzz_config covers it): not worth a run each. */
	if (st[0] == DSR_FRAME_OK || st[1] == DSR_FRAME_OK || st[2] == DSR_FRAME_OK)
		passive(frames, st, 3, size);
	return 0;
}
