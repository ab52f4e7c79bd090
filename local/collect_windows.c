/* dsrcheck local on Windows: what this server shows, into a snapshot, following
 * the vendor's preparation steps. Adapters and addresses from
 * GetAdaptersAddresses (the Microsoft (KM-TEST) Loopback Adapter is told by its
 * description), weak host send/receive from GetIpInterfaceEntry, listening
 * sockets from GetExtendedTcpTable, Windows Firewall profiles and rules from the
 * registry, IIS bindings from applicationHost.config, and IP address conflicts
 * (Tcpip event 4199) from the System event log. wevtapi.dll is loaded at run
 * time: where it is missing, the event log is "unreadable", not a failure.
 * Nothing here judges: see local/rules.c. */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <winevt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "local.h"
#include "../src/parse.h"

#define IIS_CONFIG_MAX_BYTES (16 * 1024 * 1024)
#define FIREWALL_POLICY                                                                            \
	L"SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy"

static void utf8(const wchar_t *w, char *out, size_t size)
{
	if (!w || WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)size, NULL, NULL) == 0)
		out[0] = '\0';
}

static void win_error(DWORD code, char *out, size_t size)
{
	wchar_t msg[256];

	if (FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code, 0,
			   msg, sizeof(msg) / sizeof(msg[0]), NULL) == 0) {
		snprintf(out, size, "error %lu", (unsigned long)code);
		return;
	}
	utf8(msg, out, size);
	out[strcspn(out, "\r\n")] = '\0';
}

/* "Microsoft KM-TEST Loopback Adapter", "Microsoft Loopback Adapter" (2003). */
static bool is_loopback_adapter(const char *description)
{
	return strstr(description, "Loopback Adapter") != NULL;
}

/* IPv4 and IPv6 are separate IP interfaces of one adapter, each with its own
 * weak host settings (netsh interface ipv4 / ipv6 set interface). */
static void read_weak_host(ADDRESS_FAMILY family, unsigned index, int *send, int *receive)
{
	MIB_IPINTERFACE_ROW row;

	/* Family and index are all GetIpInterfaceEntry needs; InitializeIpInterfaceEntry
	 * only sets defaults for SetIpInterfaceEntry (and is missing from Wine). */
	memset(&row, 0, sizeof(row));
	row.Family = family;
	row.InterfaceIndex = index;
	if (GetIpInterfaceEntry(&row) != NO_ERROR) {
		*send = *receive = DSR_LOCAL_UNKNOWN;
		return;
	}
	*send = row.WeakHostSend ? 1 : 0;
	*receive = row.WeakHostReceive ? 1 : 0;
}

static unsigned dad_flags(IP_DAD_STATE st)
{
	if (st == IpDadStateDuplicate)
		return DSR_LOCAL_IFA_DADFAILED;
	return st == IpDadStateTentative ? DSR_LOCAL_IFA_TENTATIVE : 0;
}

static int collect_adapters(struct dsr_local_snapshot *s, char *err, size_t errlen)
{
	ULONG size = 32 * 1024, rc;
	IP_ADAPTER_ADDRESSES *list = NULL;
	ULONG flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;

	for (int tries = 0; tries < 4; tries++) {
		free(list);
		list = malloc(size);
		if (!list) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		rc = GetAdaptersAddresses(AF_UNSPEC, flags, NULL, list, &size);
		if (rc != ERROR_BUFFER_OVERFLOW)
			break;
	}
	if (rc != NO_ERROR) {
		char why[200];
		win_error(rc, why, sizeof(why));
		snprintf(err, errlen, "cannot list the network adapters: %s", why);
		free(list);
		return -1;
	}
	for (IP_ADAPTER_ADDRESSES *a = list; a && s->nifaces < DSR_LOCAL_MAX_IFACES; a = a->Next) {
		struct dsr_local_iface *f;

		if (a->IfType == IF_TYPE_SOFTWARE_LOOPBACK)
			continue; /* Loopback Pseudo-Interface 1: 127.0.0.1, not an adapter */
		f = &s->ifaces[s->nifaces++];
		memset(f, 0, sizeof(*f));
		utf8(a->FriendlyName, f->name, sizeof(f->name));
		utf8(a->Description, f->description, sizeof(f->description));
		if (!f->name[0])
			snprintf(f->name, sizeof(f->name), "%s", a->AdapterName);
		f->index = a->IfIndex;
		f->up = a->OperStatus == IfOperStatusUp;
		f->kind = is_loopback_adapter(f->description) ? DSR_LOCAL_KIND_LOOPBACK
			  : a->IfType == IF_TYPE_ETHERNET_CSMACD ? DSR_LOCAL_KIND_ETHERNET
								  : DSR_LOCAL_KIND_OTHER;
		f->arp_ignore = f->arp_announce = f->rp_filter = f->proxy_ndp = DSR_LOCAL_UNKNOWN;
		for (IP_ADAPTER_UNICAST_ADDRESS *u = a->FirstUnicastAddress; u; u = u->Next) {
			struct sockaddr_in in;
			struct sockaddr_in6 in6;
			if (!u->Address.lpSockaddr)
				continue;
			if (u->Address.lpSockaddr->sa_family == AF_INET6 &&
			    f->naddrs6 < DSR_LOCAL_MAX_IFACE_ADDRS) {
				memcpy(&in6, u->Address.lpSockaddr, sizeof(in6));
				f->addrs6[f->naddrs6].addr = in6.sin6_addr;
				f->addrs6[f->naddrs6].prefix = u->OnLinkPrefixLength;
				f->addrs6[f->naddrs6++].flags = dad_flags(u->DadState);
			}
			if (u->Address.lpSockaddr->sa_family != AF_INET || f->naddrs == DSR_LOCAL_MAX_IFACE_ADDRS)
				continue;
			memcpy(&in, u->Address.lpSockaddr, sizeof(in));
			f->addrs[f->naddrs].addr = in.sin_addr;
			f->addrs[f->naddrs++].prefix = u->OnLinkPrefixLength;
		}
		read_weak_host(AF_INET, f->index, &f->weak_host_send, &f->weak_host_receive);
		read_weak_host(AF_INET6, f->index, &f->weak_host_send6, &f->weak_host_receive6);
	}
	free(list);
	s->ifaces_state = DSR_LOCAL_READ;
	s->ipv6_state = DSR_LOCAL_READ;
	return 0;
}

/* The listening TCP sockets of one family (AF_INET or AF_INET6): the table
 * GetExtendedTcpTable fills, grown as it asks; NULL when it cannot be read.
 * The caller frees it. */
static void *listener_table(ULONG family)
{
	DWORD size = 0, rc = ERROR_INSUFFICIENT_BUFFER;
	void *table = NULL;

	for (int tries = 0; tries < 4 && rc == ERROR_INSUFFICIENT_BUFFER; tries++) {
		rc = GetExtendedTcpTable(table, &size, FALSE, family, TCP_TABLE_OWNER_PID_LISTENER, 0);
		if (rc != ERROR_INSUFFICIENT_BUFFER)
			break;
		free(table);
		if (!(table = malloc(size)))
			return NULL;
	}
	if (rc != NO_ERROR) {
		free(table);
		return NULL;
	}
	return table;
}

/* Adds the socket on addr (text) and port, once. */
static void add_listener(struct dsr_local_snapshot *s, const char *addr, unsigned port)
{
	if (port == 0 || s->nlisteners >= DSR_LOCAL_MAX_LISTEN)
		return;
	for (size_t k = 0; k < s->nlisteners; k++)
		if (s->listeners[k].port == port && strcmp(s->listeners[k].addr, addr) == 0)
			return;
	struct dsr_local_listener *l = &s->listeners[s->nlisteners++];
	snprintf(l->addr, sizeof(l->addr), "%s", addr);
	l->port = (uint16_t)port;
}

/* IPv4 sockets for local.listen, then IPv6 ones for local6.listen: those are
 * IPV6_V6ONLY by default on Windows, so local.listen never counts them. */
static void collect_listeners(struct dsr_local_snapshot *s)
{
	MIB_TCPTABLE_OWNER_PID *table = listener_table(AF_INET);
	MIB_TCP6TABLE_OWNER_PID *table6;
	char text[INET6_ADDRSTRLEN];

	if (!table) {
		s->listen_state = DSR_LOCAL_UNREADABLE;
		return;
	}
	for (DWORD i = 0; i < table->dwNumEntries; i++) {
		struct in_addr a = {.s_addr = table->table[i].dwLocalAddr};
		inet_ntop(AF_INET, &a, text, sizeof(text));
		add_listener(s, text, ntohs((u_short)table->table[i].dwLocalPort));
	}
	free(table);
	if ((table6 = listener_table(AF_INET6))) {
		for (DWORD i = 0; i < table6->dwNumEntries; i++) {
			struct in6_addr a;
			memcpy(&a, table6->table[i].ucLocalAddr, sizeof(a));
			dsr_format_ipv6(&a, text);
			add_listener(s, text, ntohs((u_short)table6->table[i].dwLocalPort));
		}
		free(table6);
	}
	s->listen_state = DSR_LOCAL_READ;
}

/* EnableFirewall of each profile. Group Policy may override these
 * (HKLM\SOFTWARE\Policies\Microsoft\WindowsFirewall): read those first. */
static void collect_firewall(struct dsr_local_snapshot *s)
{
	static const wchar_t *const profiles[DSR_FW_NPROFILES] = {L"DomainProfile", L"StandardProfile",
								   L"PublicProfile"};
	static const wchar_t *const roots[] = {
		L"SOFTWARE\\Policies\\Microsoft\\WindowsFirewall",
		FIREWALL_POLICY,
	};
	HKEY key;
	LONG rc;
	DWORD index = 0;

	for (int p = 0; p < DSR_FW_NPROFILES; p++) {
		for (size_t r = 0; r < sizeof(roots) / sizeof(roots[0]); r++) {
			wchar_t path[256];
			DWORD value = 0, size = sizeof(value);

			_snwprintf(path, sizeof(path) / sizeof(path[0]), L"%ls\\%ls", roots[r], profiles[p]);
			path[sizeof(path) / sizeof(path[0]) - 1] = L'\0';
			if (RegGetValueW(HKEY_LOCAL_MACHINE, path, L"EnableFirewall", RRF_RT_REG_DWORD, NULL,
					 &value, &size) == ERROR_SUCCESS) {
				s->fw_profile_enabled[p] = value ? 1 : 0;
				break;
			}
		}
	}
	rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, FIREWALL_POLICY L"\\FirewallRules", 0, KEY_READ, &key);
	if (rc != ERROR_SUCCESS) {
		s->firewall_state = DSR_LOCAL_UNREADABLE;
		win_error((DWORD)rc, s->firewall_why, sizeof(s->firewall_why));
		return;
	}
	for (;;) {
		wchar_t name[512], data[DSR_LOCAL_TEXT];
		DWORD nlen = sizeof(name) / sizeof(name[0]), dlen = sizeof(data) - sizeof(wchar_t), type;
		char rule[DSR_LOCAL_TEXT];

		rc = RegEnumValueW(key, index++, name, &nlen, NULL, &type, (BYTE *)data, &dlen);
		if (rc == ERROR_NO_MORE_ITEMS)
			break;
		if (rc == ERROR_MORE_DATA)
			continue; /* a rule longer than a snapshot keeps: not ours to judge */
		if (rc != ERROR_SUCCESS || type != REG_SZ)
			continue;
		data[dlen / sizeof(wchar_t)] = L'\0';
		utf8(data, rule, sizeof(rule));
		if (dsr_local_add_fw_rule(s, rule) < 0) {
			s->firewall_state = DSR_LOCAL_UNREADABLE;
			snprintf(s->firewall_why, sizeof(s->firewall_why), "more than %d firewall rules",
				 DSR_LOCAL_MAX_FW_RULES);
			RegCloseKey(key);
			return;
		}
	}
	RegCloseKey(key);
	s->firewall_state = DSR_LOCAL_READ;
}

static void collect_iis(const struct dsr_local_request *req, struct dsr_local_snapshot *s)
{
	wchar_t wpath[MAX_PATH];
	char path[MAX_PATH * 3];
	FILE *in;
	char *text;
	size_t len;

	if (req->iis_config) {
		snprintf(path, sizeof(path), "%s", req->iis_config);
		in = fopen(path, "rb");
	} else {
		if (ExpandEnvironmentStringsW(L"%windir%\\system32\\inetsrv\\config\\applicationHost.config",
					      wpath, MAX_PATH) == 0) {
			s->iis_state = DSR_LOCAL_UNREADABLE;
			snprintf(s->iis_why, sizeof(s->iis_why), "%%windir%% is not set");
			return;
		}
		utf8(wpath, path, sizeof(path));
		in = _wfopen(wpath, L"rb");
	}
	if (!in) {
		DWORD code = GetLastError();
		if (code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND) {
			s->iis_state = DSR_LOCAL_ABSENT;
		} else {
			char why[200];
			win_error(code, why, sizeof(why));
			s->iis_state = DSR_LOCAL_UNREADABLE;
			snprintf(s->iis_why, sizeof(s->iis_why), "%s: %s (run dsrcheck as Administrator)",
				 path, why);
		}
		return;
	}
	text = malloc(IIS_CONFIG_MAX_BYTES + 1);
	len = text ? fread(text, 1, IIS_CONFIG_MAX_BYTES + 1, in) : 0;
	fclose(in);
	if (!text || len > IIS_CONFIG_MAX_BYTES) {
		s->iis_state = DSR_LOCAL_UNREADABLE;
		snprintf(s->iis_why, sizeof(s->iis_why), "%s: %s", path,
			 text ? "larger than 16 MiB" : "out of memory");
		free(text);
		return;
	}
	dsr_iis_parse(text, len, s);
	free(text);
}

/* ---- the System event log, through wevtapi.dll loaded at run time ---- */

typedef EVT_HANDLE(WINAPI *evt_query_fn)(EVT_HANDLE, LPCWSTR, LPCWSTR, DWORD);
typedef BOOL(WINAPI *evt_next_fn)(EVT_HANDLE, DWORD, EVT_HANDLE *, DWORD, DWORD, PDWORD);
typedef EVT_HANDLE(WINAPI *evt_context_fn)(DWORD, LPCWSTR *, DWORD);
typedef BOOL(WINAPI *evt_render_fn)(EVT_HANDLE, EVT_HANDLE, DWORD, DWORD, PVOID, PDWORD, PDWORD);
typedef EVT_HANDLE(WINAPI *evt_publisher_fn)(EVT_HANDLE, LPCWSTR, LPCWSTR, LCID, DWORD);
typedef BOOL(WINAPI *evt_format_fn)(EVT_HANDLE, EVT_HANDLE, DWORD, DWORD, PEVT_VARIANT, DWORD,
				    DWORD, LPWSTR, PDWORD);
typedef BOOL(WINAPI *evt_close_fn)(EVT_HANDLE);

struct wevtapi {
	evt_query_fn query;
	evt_next_fn next;
	evt_context_fn context;
	evt_render_fn render;
	evt_publisher_fn publisher;
	evt_format_fn format;
	evt_close_fn close;
};

/* GetProcAddress returns a generic function pointer: through void (*)(void),
 * the documented way to convert it without a cast warning. */
#define LOAD(lib, api, field, type, name)                                                         \
	((api)->field = (type)(void (*)(void))GetProcAddress((lib), (name))) != NULL

static bool load_wevtapi(HMODULE lib, struct wevtapi *api)
{
	return LOAD(lib, api, query, evt_query_fn, "EvtQuery") &&
	       LOAD(lib, api, next, evt_next_fn, "EvtNext") &&
	       LOAD(lib, api, context, evt_context_fn, "EvtCreateRenderContext") &&
	       LOAD(lib, api, render, evt_render_fn, "EvtRender") &&
	       LOAD(lib, api, publisher, evt_publisher_fn, "EvtOpenPublisherMetadata") &&
	       LOAD(lib, api, format, evt_format_fn, "EvtFormatMessage") &&
	       LOAD(lib, api, close, evt_close_fn, "EvtClose");
}

static void event_time(const struct wevtapi *api, EVT_HANDLE ctx, EVT_HANDLE ev, char *out,
		       size_t size)
{
	BYTE buf[2048];
	DWORD used = 0, count = 0;
	EVT_VARIANT *values = (EVT_VARIANT *)buf;
	SYSTEMTIME st;
	FILETIME ft;

	out[0] = '\0';
	if (!api->render(ctx, ev, EvtRenderEventValues, sizeof(buf), buf, &used, &count) ||
	    count <= EvtSystemTimeCreated || values[EvtSystemTimeCreated].Type != EvtVarTypeFileTime)
		return;
	ft.dwLowDateTime = (DWORD)values[EvtSystemTimeCreated].FileTimeVal;
	ft.dwHighDateTime = (DWORD)(values[EvtSystemTimeCreated].FileTimeVal >> 32);
	if (FileTimeToSystemTime(&ft, &st))
		snprintf(out, size, "%04u-%02u-%02uT%02u:%02u:%02uZ", st.wYear, st.wMonth, st.wDay,
			 st.wHour, st.wMinute, st.wSecond);
}

static void collect_events(struct dsr_local_snapshot *s)
{
	HMODULE lib = LoadLibraryW(L"wevtapi.dll");
	struct wevtapi api;
	EVT_HANDLE query, ctx, meta;

	s->events_state = DSR_LOCAL_UNREADABLE;
	if (!lib || !load_wevtapi(lib, &api)) {
		snprintf(s->events_why, sizeof(s->events_why), "wevtapi.dll is not available");
		if (lib)
			FreeLibrary(lib);
		return;
	}
	query = api.query(NULL, L"System", L"*[System[Provider[@Name='Tcpip'] and (EventID=4199)]]",
			  EvtQueryChannelPath | EvtQueryReverseDirection);
	if (!query) {
		win_error(GetLastError(), s->events_why, sizeof(s->events_why));
		FreeLibrary(lib);
		return;
	}
	ctx = api.context(0, NULL, EvtRenderContextSystem);
	meta = api.publisher(NULL, L"Tcpip", NULL, 0, 0);
	while (s->nconflicts < DSR_LOCAL_MAX_EVENTS) {
		EVT_HANDLE events[16];
		DWORD got = 0;

		if (!api.next(query, 16, events, 2000, 0, &got))
			break; /* ERROR_NO_MORE_ITEMS, or a time-out: what was read stands */
		for (DWORD i = 0; i < got; i++) {
			if (s->nconflicts < DSR_LOCAL_MAX_EVENTS) {
				struct dsr_local_event *e = &s->conflicts[s->nconflicts++];
				wchar_t msg[DSR_LOCAL_TEXT];
				DWORD used = 0;

				if (ctx)
					event_time(&api, ctx, events[i], e->time, sizeof(e->time));
				if (!e->time[0])
					snprintf(e->time, sizeof(e->time), "unknown");
				if (meta && api.format(meta, events[i], 0, 0, NULL, EvtFormatMessageEvent,
						       DSR_LOCAL_TEXT, msg, &used))
					utf8(msg, e->message, sizeof(e->message));
				else
					snprintf(e->message, sizeof(e->message),
						 "Tcpip event 4199 (IP address conflict)");
			}
			api.close(events[i]);
		}
	}
	if (meta)
		api.close(meta);
	if (ctx)
		api.close(ctx);
	api.close(query);
	FreeLibrary(lib);
	s->events_state = DSR_LOCAL_READ;
	s->events_why[0] = '\0';
}

int dsr_local_collect(const struct dsr_local_request *req, struct dsr_local_snapshot *out,
		      char *err, size_t errlen)
{
	DWORD size = sizeof(out->hostname);

	out->platform = DSR_LOCAL_WINDOWS;
	if (!GetComputerNameA(out->hostname, &size))
		snprintf(out->hostname, sizeof(out->hostname), "localhost");
	if (collect_adapters(out, err, errlen) < 0)
		return -1;
	out->routes_state = DSR_LOCAL_UNREAD; /* no Windows rule needs them */
	collect_listeners(out);
	collect_firewall(out);
	collect_iis(req, out);
	collect_events(out);
	return 0;
}
