/* The report formats dsrcheck knows. Adding one: a new file in reports/, its
 * extern in writers.h, and one line below. */
#include <string.h>

#include "writers.h"

#include "../src/diagnose.h"

static const struct dsr_report_writer *const writers[] = {
	&dsr_report_text,
	&dsr_report_json,
	&dsr_report_junit,
	&dsr_report_prometheus,
	&dsr_report_nagios,
	&dsr_report_html,
};

#define NWRITERS (sizeof writers / sizeof writers[0])

const struct dsr_report_writer *dsr_report_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < NWRITERS; i++)
		if (strcmp(writers[i]->name, name) == 0)
			return writers[i];
	return NULL;
}

const char *dsr_report_names(void)
{
	/* Built from the table so that usage messages cannot forget a format. */
	static char names[256];
	size_t len = 0;

	names[0] = '\0';
	for (size_t i = 0; i < NWRITERS; i++) {
		const char *sep = i ? ", " : "";
		size_t need = strlen(sep) + strlen(writers[i]->name);

		if (len + need >= sizeof names)
			break;
		memcpy(names + len, sep, strlen(sep));
		memcpy(names + len + strlen(sep), writers[i]->name, strlen(writers[i]->name) + 1);
		len += need;
	}
	return names;
}

void dsr_vantage_vlans_text(const struct dsr_vantage *v, char *out, size_t outlen)
{
	size_t len = 0;

	out[0] = '\0';
	if (v->sub_vlan)
		len += (size_t)snprintf(out, outlen, ", VLAN %u as a sub-interface", (unsigned)v->sub_vlan);
	for (size_t i = 0; i < v->ntagged && i < DSR_VANTAGE_VLANS && len < outlen; i++)
		len += (size_t)snprintf(out + len, outlen - len, "%s VLAN %u tagged from %.15s%s",
					i ? "," : ", on the trunk:", (unsigned)v->tagged[i].vlan,
					v->tagged[i].source,
					v->tagged[i].answers_arp ? " (dsrcheck answers ARP for it)" : "");
	if (v->ntagged > DSR_VANTAGE_VLANS && len < outlen)
		snprintf(out + len, outlen - len, " and %zu VLANs more", v->ntagged - DSR_VANTAGE_VLANS);
}

const char *dsr_finding_vlan_prefix(const struct dsr_finding *f, char *buf, size_t len)
{
	char named[24];

	buf[0] = '\0';
	if (!f->vlan)
		return buf;
	snprintf(named, sizeof(named), "VLAN %u", (unsigned)f->vlan);
	if (!f->summary || !strstr(f->summary, named))
		snprintf(buf, len, "%s: ", named);
	return buf;
}
