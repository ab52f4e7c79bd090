/* dsrcheck local on Linux: what this host (this network namespace) shows, into a
 * snapshot. Interfaces and addresses from getifaddrs; their kind from the flags
 * and the driver (a dummy interface is a valid home for the VIP); the ARP and
 * reverse-path sysctls, routes, listening sockets, IPv6 addresses with their
 * state (if_inet6) and proxy_ndp from /proc; the firewall from `nft list
 * ruleset`, `iptables-save` and `ip6tables-save`, and the proxy NDP entries
 * from `ip -6 neigh show proxy` (iproute2's text rather than netlink: the same
 * bounded run_tool as the firewall, and a line tests can feed), run with a time
 * limit when they are installed. Nothing here judges: see local/rules.c. */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "local.h"

#define TOOL_TIMEOUT_MS 5000
#define TOOL_MAX_OUTPUT (DSR_LOCAL_MAX_FW_LINES * 128)
#define PROC_MAX_BYTES (4 * 1024 * 1024)

static int read_int(const char *path)
{
	return dsr_local_read_int(path);
}

static enum dsr_local_kind kind_of(const char *root, const char *name, unsigned flags)
{
	char path[512];
	struct ethtool_drvinfo info;
	struct ifreq ifr;
	int fd;

	if (flags & IFF_LOOPBACK)
		return DSR_LOCAL_KIND_LOOPBACK;
	if (!root[0] && strlen(name) < sizeof(ifr.ifr_name) &&
	    (fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) >= 0) {
		memset(&ifr, 0, sizeof(ifr));
		memset(&info, 0, sizeof(info));
		memcpy(ifr.ifr_name, name, strlen(name));
		info.cmd = ETHTOOL_GDRVINFO;
		ifr.ifr_data = (void *)&info;
		int rc = ioctl(fd, SIOCETHTOOL, &ifr);
		close(fd);
		if (rc == 0 && strncmp(info.driver, "dummy", sizeof(info.driver)) == 0)
			return DSR_LOCAL_KIND_DUMMY;
	}
	snprintf(path, sizeof(path), "%s/sys/class/net/%s/type", root, name);
	return dsr_local_ifname_ok(name) && read_int(path) == 1 ? DSR_LOCAL_KIND_ETHERNET : DSR_LOCAL_KIND_OTHER;
}

static int collect_interfaces(const char *root, struct dsr_local_snapshot *s, char *err, size_t errlen)
{
	struct ifaddrs *list, *ifa;

	if (getifaddrs(&list) < 0) {
		snprintf(err, errlen, "cannot list the interfaces: %s", strerror(errno));
		return -1;
	}
	for (ifa = list; ifa; ifa = ifa->ifa_next) {
		struct dsr_local_iface *f = dsr_local_find_iface(s, ifa->ifa_name);

		if (!f) {
			if (s->nifaces == DSR_LOCAL_MAX_IFACES || strlen(ifa->ifa_name) >= sizeof(f->name))
				continue;
			f = &s->ifaces[s->nifaces++];
			memset(f, 0, sizeof(*f));
			snprintf(f->name, sizeof(f->name), "%s", ifa->ifa_name);
			f->index = if_nametoindex(ifa->ifa_name);
			f->up = (ifa->ifa_flags & IFF_UP) != 0;
			f->noarp = (ifa->ifa_flags & IFF_NOARP) != 0;
			f->kind = kind_of(root, f->name, ifa->ifa_flags);
			f->weak_host_send = f->weak_host_receive = DSR_LOCAL_UNKNOWN;
			f->weak_host_send6 = f->weak_host_receive6 = DSR_LOCAL_UNKNOWN;
			f->proxy_ndp = DSR_LOCAL_UNKNOWN;
		}
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_INET || !ifa->ifa_netmask ||
		    f->naddrs == DSR_LOCAL_MAX_IFACE_ADDRS)
			continue;
		struct sockaddr_in a, m;
		memcpy(&a, ifa->ifa_addr, sizeof(a));
		memcpy(&m, ifa->ifa_netmask, sizeof(m));
		f->addrs[f->naddrs].addr = a.sin_addr;
		f->addrs[f->naddrs++].prefix = (unsigned)__builtin_popcount(m.sin_addr.s_addr);
	}
	freeifaddrs(list);
	s->ifaces_state = DSR_LOCAL_READ;
	return 0;
}

static void collect_proc(const char *root, struct dsr_local_snapshot *s)
{
	char path[512];
	char *text;

	snprintf(path, sizeof(path), "%s/proc/net/route", root);
	if ((text = dsr_local_read_text(path, PROC_MAX_BYTES, NULL))) {
		dsr_local_parse_proc_route(text, s);
		s->routes_state = DSR_LOCAL_READ;
		free(text);
	} else {
		s->routes_state = DSR_LOCAL_UNREADABLE;
	}
	snprintf(path, sizeof(path), "%s/proc/net/tcp", root);
	if ((text = dsr_local_read_text(path, PROC_MAX_BYTES, NULL))) {
		dsr_local_parse_proc_tcp(text, false, s);
		s->listen_state = DSR_LOCAL_READ;
		free(text);
	} else {
		s->listen_state = DSR_LOCAL_UNREADABLE;
	}
	snprintf(path, sizeof(path), "%s/proc/net/tcp6", root);
	if ((text = dsr_local_read_text(path, PROC_MAX_BYTES, NULL))) {
		dsr_local_parse_proc_tcp(text, true, s);
		free(text);
	}
	/* getifaddrs has no IPv6 address state: if_inet6 has tentative and dadfailed */
	snprintf(path, sizeof(path), "%s/proc/net/if_inet6", root);
	if ((text = dsr_local_read_text(path, PROC_MAX_BYTES, NULL))) {
		dsr_local_parse_if_inet6(text, s);
		dsr_local_read_sysctls6(root, s);
		s->ipv6_state = DSR_LOCAL_READ;
		free(text);
	} else {
		s->ipv6_state = DSR_LOCAL_UNREADABLE; /* no IPv6 in this kernel, or no /proc */
	}
}

static const char *find_tool(const char *name, char *path, size_t size)
{
	static const char *const dirs[] = {"/usr/sbin", "/sbin", "/usr/bin", "/bin"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, size, "%s/%s", dirs[i], name);
		if (access(path, X_OK) == 0)
			return path;
	}
	return NULL;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs argv (argv[0] a full path) with no environment but PATH and LC_ALL,
 * its stdout (bounded) into *out, the first line of its stderr into why.
 * Returns 0 when it exited 0 within TOOL_TIMEOUT_MS. */
static int run_tool(char *const argv[], char **out, size_t *outlen, char *why, size_t whylen)
{
	const char *path = argv[0], *arg = argv[1] ? argv[1] : "";
	int pout[2], perr[2], status = 0;
	pid_t pid;
	size_t n = 0, en = 0;
	char errbuf[256];
	long long deadline = now_ms() + TOOL_TIMEOUT_MS;
	bool timed_out = false, too_long = false;

	*out = malloc(TOOL_MAX_OUTPUT + 1);
	if (!*out || pipe2(pout, O_CLOEXEC) < 0) {
		snprintf(why, whylen, "cannot run %s: %s", path, strerror(errno));
		return -1;
	}
	if (pipe2(perr, O_CLOEXEC) < 0) {
		close(pout[0]);
		close(pout[1]);
		snprintf(why, whylen, "cannot run %s: %s", path, strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		execve(path, argv, envp);
		_exit(127);
	}
	close(pout[1]);
	close(perr[1]);
	if (pid < 0) {
		close(pout[0]);
		close(perr[0]);
		snprintf(why, whylen, "cannot run %s: %s", path, strerror(errno));
		return -1;
	}
	struct pollfd fds[2] = {{pout[0], POLLIN, 0}, {perr[0], POLLIN, 0}};
	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		long long left = deadline - now_ms();
		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(fds, 2, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int k = 0; k < 2; k++) {
			ssize_t got;
			if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (k == 0) {
				char sink[4096];
				bool full = n >= TOOL_MAX_OUTPUT;
				got = read(fds[0].fd, full ? sink : *out + n,
					   full ? sizeof(sink) : TOOL_MAX_OUTPUT - n);
				if (got > 0 && full)
					too_long = true;
				else if (got > 0)
					n += (size_t)got;
			} else {
				char sink[512];
				bool full = en + 1 >= sizeof(errbuf);
				got = read(fds[1].fd, full ? sink : errbuf + en,
					   full ? sizeof(sink) : sizeof(errbuf) - 1 - en);
				if (got > 0 && !full)
					en += (size_t)got;
			}
			if (got <= 0) {
				close(fds[k].fd);
				fds[k].fd = -1;
			}
		}
	}
	for (int k = 0; k < 2; k++)
		if (fds[k].fd >= 0)
			close(fds[k].fd);
	if (timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	(*out)[n] = '\0';
	*outlen = n;
	errbuf[en] = '\0';
	errbuf[strcspn(errbuf, "\n")] = '\0';
	if (timed_out) {
		snprintf(why, whylen, "%s %s did not finish within %d s", path, arg, TOOL_TIMEOUT_MS / 1000);
		return -1;
	}
	if (too_long) {
		snprintf(why, whylen, "%s %s printed more than %d bytes", path, arg, TOOL_MAX_OUTPUT);
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(why, whylen, "%s %s failed: %s", path, arg, errbuf[0] ? errbuf : "no message");
		return -1;
	}
	return 0;
}

static int add_lines(struct dsr_local_snapshot *s, const char *text, char *why, size_t whylen)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char line[DSR_LOCAL_TEXT];

		snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1), p);
		p += n + (nl ? 1 : 0);
		if (!line[strspn(line, " \t")])
			continue;
		if (dsr_local_add_fw_line(s, line) < 0) {
			snprintf(why, whylen, "the ruleset has more than %d lines", DSR_LOCAL_MAX_FW_LINES);
			return -1;
		}
	}
	return 0;
}

/* Runs one tool and adds its output to the ruleset. */
static int read_tool(char *const argv[], struct dsr_local_snapshot *s, char *why, size_t whylen)
{
	char *out = NULL;
	size_t len = 0;
	int rc = run_tool(argv, &out, &len, why, whylen);

	if (rc == 0)
		rc = add_lines(s, out, why, whylen);
	free(out);
	return rc;
}

/* Both tools when both are installed: iptables-legacy rules appear only in
 * iptables-save. Either one unreadable makes the whole unreadable: half a
 * ruleset could hide the rule that drops the VIP. */
static void collect_firewall(struct dsr_local_snapshot *s)
{
	char nft[64], ipt[64], why[DSR_LOCAL_TEXT] = "";
	bool have_nft = find_tool("nft", nft, sizeof(nft)) != NULL;
	char ip6t[64];
	bool have_ipt = find_tool("iptables-save", ipt, sizeof(ipt)) != NULL;
	bool have_ip6t = find_tool("ip6tables-save", ip6t, sizeof(ip6t)) != NULL;
	char *const nft_argv[] = {nft, "list", "ruleset", NULL};
	char *const ipt_argv[] = {ipt, NULL};
	char *const ip6t_argv[] = {ip6t, NULL};

	s->firewall_state = DSR_LOCAL_UNREADABLE;
	if (!have_nft && !have_ipt) {
		snprintf(s->firewall_why, sizeof(s->firewall_why),
			 "neither nft nor iptables-save is installed");
		return;
	}
	if ((have_nft && read_tool(nft_argv, s, why, sizeof(why)) < 0) ||
	    (have_ipt && read_tool(ipt_argv, s, why, sizeof(why)) < 0) ||
	    (have_ip6t && read_tool(ip6t_argv, s, why, sizeof(why)) < 0)) {
		s->nfw_lines = 0;
		snprintf(s->firewall_why, sizeof(s->firewall_why), "%s", why);
		return;
	}
	s->firewall_state = DSR_LOCAL_READ;
}

/* Proxy NDP entries answer solicitations for an address that is not on the
 * interface: with proxy_ndp on, a VIP6 entry leaks the VIP6 to the segment. */
static void collect_ndp_proxies(struct dsr_local_snapshot *s)
{
	char ip[64], *out = NULL;
	size_t len = 0;
	char *const argv[] = {ip, "-6", "neigh", "show", "proxy", NULL};

	s->ndp_proxies_state = DSR_LOCAL_UNREADABLE;
	if (!find_tool("ip", ip, sizeof(ip))) {
		snprintf(s->ndp_proxies_why, sizeof(s->ndp_proxies_why), "ip (iproute2) is not installed");
		return;
	}
	if (run_tool(argv, &out, &len, s->ndp_proxies_why, sizeof(s->ndp_proxies_why)) == 0) {
		dsr_local_parse_ndp_proxies(out, s);
		s->ndp_proxies_state = DSR_LOCAL_READ;
	}
	free(out);
}

int dsr_local_collect(const struct dsr_local_request *req, struct dsr_local_snapshot *out,
		      char *err, size_t errlen)
{
	const char *root = req->root ? req->root : "";

	out->platform = DSR_LOCAL_LINUX;
	if (gethostname(out->hostname, sizeof(out->hostname) - 1) < 0)
		snprintf(out->hostname, sizeof(out->hostname), "localhost");
	if (collect_interfaces(root, out, err, errlen) < 0)
		return -1;
	dsr_local_read_sysctls(root, out);
	collect_proc(root, out);
	if (req->run_firewall_tools) {
		collect_firewall(out);
		collect_ndp_proxies(out);
	} else {
		out->firewall_state = DSR_LOCAL_UNREAD;
		out->ndp_proxies_state = DSR_LOCAL_UNREAD;
	}
	out->iis_state = DSR_LOCAL_ABSENT;
	out->events_state = DSR_LOCAL_ABSENT;
	return 0;
}
