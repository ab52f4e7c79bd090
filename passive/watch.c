#include "watch.h"

#include <signal.h>
#include <string.h>

#include "../capture/decode.h"
#include "../platform/os.h"
#include "passive.h"
#include "../platform/platform.h"

static volatile sig_atomic_t stop_signal;

struct watch {
	const struct dsr_watch_options *o;
	struct dsr_passive *passive;
	unsigned long frames, alerts;
};

static void alert(const char *line, void *arg)
{
	struct watch *w = arg;
	w->alerts++;
	fprintf(w->o->out, "alert %s\n", line);
	fflush(w->o->out);
	if (w->o->syslog) {
		char msg[600];
		snprintf(msg, sizeof(msg), "alert %s", line);
		dsr_os_log_warning(msg);
	}
}

/* Not a fault, but worth a line: a failover as it happens. */
static void info(const char *line, void *arg)
{
	struct watch *w = arg;
	fprintf(w->o->out, "event %s\n", line);
	fflush(w->o->out);
}

static void tap(const uint8_t *data, size_t caplen, const struct timeval *ts, void *arg)
{
	struct watch *w = arg;
	struct dsr_frame f;

	w->frames++;
	if (dsr_decode_ethernet(data, caplen, &f) == DSR_FRAME_OK)
		dsr_passive_frame(w->passive, &f, ts, w->frames);
}

static long long now_ms(void)
{
	struct timeval tv;
	dsr_platform_now(&tv);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

int dsr_watch(const struct dsr_config *cfg, struct dsr_source *src,
	      const struct dsr_watch_options *o, char *err, size_t errlen)
{
	struct watch w = {.o = o, .passive = dsr_passive_new(cfg)};
	unsigned long audits = 0, failed = 0, broken = 0;
	long long next_audit = now_ms();
	int rc = 0;

	if (!w.passive) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	dsr_passive_link_vlan(w.passive, o->link_vlan);
	dsr_passive_on_alert(w.passive, alert, &w);
	dsr_passive_on_info(w.passive, info, &w);
	dsr_os_catch_stop(&stop_signal);
	if (o->syslog)
		dsr_os_log_open("dsrcheck");
	fprintf(o->out, "watching %s\n", o->interval_ms ? "(with audits)" : "(no audits)");
	fflush(o->out);

	while (!stop_signal) {
		if (o->interval_ms && now_ms() >= next_audit) {
			int st = o->audit(src, tap, &w, o->audit_arg);
			audits++;
			failed += st == 1;
			broken += st != 0 && st != 1;
			next_audit = now_ms() + o->interval_ms;
			continue;
		}
		long long wait = o->interval_ms ? next_audit - now_ms() : 1000;
		if (wait > 1000)
			wait = 1000;
		if (wait < 0)
			wait = 0;
		if (dsr_source_wait(src, (unsigned)wait, err, errlen) < 0) {
			rc = -1;
			break;
		}
		const uint8_t *data;
		size_t caplen;
		struct timeval ts;
		int n;
		/* Bounded, so that a flood cannot hold off signals and audits. */
		for (int i = 0; i < 10000 && (n = dsr_source_next(src, &data, &caplen, &ts, err, errlen)) == 1;
		     i++)
			tap(data, caplen, &ts, &w);
		if (n == -1) {
			rc = -1;
			break;
		}
	}
	unsigned long qinq = dsr_passive_qinq_frames(w.passive);
	char qinq_note[80] = "";
	if (qinq)
		snprintf(qinq_note, sizeof(qinq_note), ", %lu QinQ frame%s in no service's VLAN", qinq,
			 qinq == 1 ? "" : "s");
	fprintf(o->out, "summary: %lu frames, %lu alerts, %lu audits (%lu failed, %lu not run)%s%s%s\n",
		w.frames, w.alerts, audits, failed, broken, qinq_note, stop_signal ? ", stopped by " : "",
		stop_signal == SIGINT ? "SIGINT" : stop_signal == SIGTERM ? "SIGTERM" : "");
	fflush(o->out);
	if (o->syslog)
		dsr_os_log_close();
	dsr_passive_free(w.passive);
	return rc;
}
