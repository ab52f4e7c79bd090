/* libFuzzer harness: a configuration file (-c FILE) as anyone who can edit
 * it might write it: the INI reader, its own line handling around libinih,
 * the value parsers and the cross-checks of dsr_config_validate.
 *
 * The input is read twice, through dsr_config_load_string (a NUL-terminated
 * copy) and through dsr_config_load on a memory file (the path -c takes,
 * which sees every byte, NULs included). For text without a NUL the two must
 * agree on the outcome and on the message, word for word: a user must get
 * the same answer however the file reached the parser.
 *
 * A configuration that loads is then used as main would: validated again (it
 * must still pass: validation judges, it does not repair), planned from the
 * lab vantage point, judged with nothing captured, and given to a passive
 * analyser, so that odd but valid configurations reach the code they feed.
 * Read once more for analyze (DSR_USE_PASSIVE: services without ports), which
 * only the passive analyser uses. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../src/engine.h"
#include "../../passive/passive.h"
#include "../../src/verdict.h"
#include "fuzz_common.h"

static struct fuzz_memfile file;
static struct dsr_iface ifc;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_memfile_open(&file, "fuzz-config");
	fuzz_vantage(&ifc);
	return 0;
}

/* The passive analyser with nothing captured: what analyze and watch start from. */
static void use_passive(const struct dsr_config *cfg)
{
	size_t n;
	struct dsr_passive *p = dsr_passive_new(cfg);

	FUZZ_REQUIRE(p != NULL);
	struct dsr_check *checks = dsr_passive_verdicts(p, &n);
	FUZZ_REQUIRE(checks != NULL);
	fuzz_check_results(checks, n);
	free(checks);
	dsr_passive_free(p);
}

/* What a loaded configuration feeds: the plan, the judges, the passive checks. */
static void use(struct dsr_config *cfg)
{
	char err[512];
	struct dsr_plan plan;
	struct dsr_observations none = {0};
	size_t n;

	FUZZ_REQUIRE(dsr_config_validate(cfg, err, sizeof(err)) == 0);
	FUZZ_REQUIRE(cfg->nservices > 0 && cfg->nservices <= DSR_MAX_SERVICES);
	FUZZ_REQUIRE(cfg->nservers <= DSR_MAX_SERVERS);
	for (size_t i = 0; i < cfg->nservices; i++) {
		const struct dsr_service *s = &cfg->services[i];
		FUZZ_REQUIRE(s->nports > 0 && s->nports <= DSR_MAX_PORTS);
		FUZZ_REQUIRE(s->nservers > 0 && s->nservers <= DSR_MAX_SERVICE_SERVERS);
		FUZZ_REQUIRE(s->nbalancer_macs <= DSR_MAX_BALANCER_MACS);
		for (size_t k = 0; k < s->nservers; k++)
			FUZZ_REQUIRE(s->servers[k] < cfg->nservers);
		FUZZ_REQUIRE(memchr(s->name, '\0', sizeof(s->name)) != NULL);
	}
	if (dsr_plan_build(cfg, &ifc, FUZZ_PLAN_KEY, &plan, err, sizeof(err)) == 0) {
		struct dsr_check *checks = dsr_verdicts(cfg, &plan, &none, &n);
		FUZZ_REQUIRE(checks != NULL);
		fuzz_check_results(checks, n);
		free(checks);
		dsr_plan_free(&plan);
	}
	use_passive(cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err_string[512], err_file[512];
	struct dsr_config a, b;
	char *text = malloc(size + 1);

	FUZZ_REQUIRE(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	bool has_nul = memchr(data, '\0', size) != NULL;

	err_string[0] = err_file[0] = '\0';
	FUZZ_REQUIRE(dsr_config_init(&a) == 0);
	/* Named like the memory file, so that messages can be compared. */
	int rc_string = dsr_config_load_string(&a, text, file.path, err_string, sizeof(err_string));
	FUZZ_REQUIRE(rc_string == 0 || rc_string == -1);
	FUZZ_REQUIRE(memchr(err_string, '\0', sizeof(err_string)) != NULL);
	if (rc_string == 0)
		use(&a);
	else
		FUZZ_REQUIRE(err_string[0] != '\0'); /* every refusal says why */

	fuzz_memfile_set(&file, data, size);
	FUZZ_REQUIRE(dsr_config_init(&b) == 0);
	int rc_file = dsr_config_load(&b, file.path, err_file, sizeof(err_file));
	FUZZ_REQUIRE(rc_file == 0 || rc_file == -1);
	if (rc_file == 0)
		use(&b);
	else
		FUZZ_REQUIRE(err_file[0] != '\0');
	if (!has_nul) {
		if (rc_string != rc_file || strcmp(err_string, err_file) != 0) {
			fprintf(stderr, "string: %d '%s'\nfile:   %d '%s'\n", rc_string, err_string, rc_file,
				err_file);
			FUZZ_REQUIRE(!"dsr_config_load and dsr_config_load_string disagree");
		}
	} else {
		/* A NUL is not the end of a file (fixtures/config/bad-nul.ini). */
		FUZZ_REQUIRE(rc_file == -1);
	}
	/* what the audit accepts, analyze accepts too */
	struct dsr_config c;
	char err_passive[512] = "";
	FUZZ_REQUIRE(dsr_config_init(&c) == 0);
	int rc_passive = dsr_config_load_string_for(&c, text, file.path, DSR_USE_PASSIVE, err_passive,
						    sizeof(err_passive));
	FUZZ_REQUIRE(rc_passive == 0 || rc_passive == -1);
	FUZZ_REQUIRE(rc_string != 0 || rc_passive == 0);
	if (rc_passive == 0) {
		FUZZ_REQUIRE(dsr_config_validate_for(&c, DSR_USE_PASSIVE, err_passive, sizeof(err_passive)) == 0);
		use_passive(&c);
	}
	dsr_config_free(&c);
	dsr_config_free(&a);
	dsr_config_free(&b);
	free(text);
	return 0;
}
