/* libFuzzer harness: a capture file handed to `dsrcheck analyze FILE`, which
 * may come from anywhere (a colleague's tcpdump, a ticket attachment): libpcap's
 * pcap and pcapng readers, link-type selection, decoding by link type, the
 * passive analyser over a whole sequence of frames, its verdicts and every
 * report writer.
 *
 * The same bytes then go through the replay path of the active checks
 * (dsr_source_open_file, dsr_engine_replay, the judges) with the lab plan, as
 * tests/test_fixtures.c replays recorded runs: sequences matter there (an
 * ARP answer teaches the next hop, duplicates hit the per-task cap), which a
 * single frame cannot show.
 *
 * Input: the file's bytes. They are put in a memory file opened by path,
 * because dsr_source_open_any_file takes a path and must be tested as is. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../capture/decode.h"
#include "../../capture/source.h"
#include "../../src/engine.h"
#include "../../passive/passive.h"
#include "../../src/verdict.h"
#include "fuzz_common.h"

static struct fuzz_memfile file;
static struct dsr_config cfg;
static struct dsr_plan plan;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_memfile_open(&file, "fuzz-pcap");
	fuzz_lab_plan("fuzz_pcap", &cfg, &plan);
	return 0;
}

/* analyze(): src/main.c's loop, without the report on standard output. */
static void analyze(size_t pick)
{
	char err[512];
	struct dsr_source *src;
	const uint8_t *data;
	size_t caplen, n;
	struct timeval ts;
	unsigned long frames = 0;
	int rc;

	if (dsr_source_open_any_file(file.path, &src, err, sizeof(err)) != DSR_SOURCE_OK) {
		FUZZ_REQUIRE(err[0] != '\0');
		return;
	}
	struct dsr_passive *p = dsr_passive_new(&cfg);
	FUZZ_REQUIRE(p != NULL);
	while ((rc = dsr_source_next(src, &data, &caplen, &ts, err, sizeof(err))) == 1) {
		struct dsr_frame f;
		enum dsr_decode_status st = dsr_source_decode(src, data, caplen, &f);
		if (st == DSR_FRAME_OK)
			dsr_passive_frame(p, &f, &ts, ++frames);
	}
	/* A file ends (-2) or fails (-1); "nothing waiting" (0) is for live captures. */
	FUZZ_REQUIRE(rc == -1 || rc == -2);
	dsr_source_close(src);
	struct dsr_check *checks = dsr_passive_verdicts(p, &n);
	FUZZ_REQUIRE(checks != NULL);
	fuzz_check_results(checks, n);
	fuzz_write_report(checks, n, pick);
	free(checks);
	dsr_passive_free(p);
}

/* test_fixtures.c's replay: the recorded probes and their answers, judged. */
static void replay(size_t pick)
{
	char err[512];
	struct dsr_source *src;
	struct dsr_observations obs = {0};
	size_t n;

	if (dsr_source_open_file(file.path, &src, err, sizeof(err)) != DSR_SOURCE_OK)
		return;
	dsr_engine_replay(&plan, src, &obs, err, sizeof(err));
	dsr_source_close(src);
	FUZZ_REQUIRE(obs.n <= DSR_MAX_OBSERVATIONS);
	for (size_t i = 0; i < obs.nstate; i++)
		FUZZ_REQUIRE(obs.state[i].nobs <= DSR_MAX_OBSERVATIONS_PER_TASK);
	struct dsr_check *checks = dsr_verdicts(&cfg, &plan, &obs, &n);
	FUZZ_REQUIRE(checks != NULL);
	fuzz_check_results(checks, n);
	fuzz_write_report(checks, n, pick);
	free(checks);
	dsr_observations_free(&obs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_memfile_set(&file, data, size);
	analyze(size);
	replay(size + 1);
	return 0;
}
