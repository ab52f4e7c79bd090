#include "remedy.h"

#include <stdio.h>
#include <string.h>

static const char *const weak_host =
	"netsh interface ipv4 show interface (note the IDX of the NIC and of the loopback adapter), then "
	"netsh interface ipv4 set interface <IDX of NIC> weakhostreceive=enabled, "
	"netsh interface ipv4 set interface <IDX of loopback> weakhostreceive=enabled and "
	"netsh interface ipv4 set interface <IDX of loopback> weakhostsend=enabled";

static void linux_fix(char *out, size_t len, enum dsr_fault fault, const char *vip, const char *port)
{
	switch (fault) {
	case DSR_FAULT_VIP_ARP_LEAK:
		snprintf(out, len,
			 "keep %s on lo only and stop the server answering and announcing ARP for it: "
			 "sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2, the same "
			 "for the interface (net.ipv4.conf.<iface>.arp_ignore=1, arp_announce=2), and persist "
			 "them in /etc/sysctl.d/",
			 vip);
		break;
	case DSR_FAULT_VIP_NOT_ACCEPTED:
		snprintf(out, len,
			 "put the VIP on the loopback (ip addr add %s/32 dev lo, and persist it) and make sure "
			 "no firewall rule drops traffic to %s (nft list ruleset, iptables -S)",
			 vip, vip);
		break;
	case DSR_FAULT_VIP_NOT_BOUND:
		snprintf(out, len,
			 "make the service listen on %s%s or on 0.0.0.0%s, not only on the real address, then "
			 "restart it",
			 vip, port, port);
		break;
	case DSR_FAULT_WRONG_SOURCE:
		snprintf(out, len,
			 "replies for %s must leave with %s as source: keep the VIP on lo and remove any SNAT, "
			 "masquerade or source rewrite of that traffic (nft list ruleset, iptables -t nat -S)",
			 vip, vip);
		break;
	}
}

static void windows_fix(char *out, size_t len, enum dsr_fault fault, const char *vip, const char *port)
{
	switch (fault) {
	case DSR_FAULT_VIP_ARP_LEAK:
		snprintf(out, len,
			 "keep %s on the Microsoft KM-TEST Loopback Adapter only, never on the NIC, and check "
			 "the system event log for IP address conflicts",
			 vip);
		break;
	case DSR_FAULT_VIP_NOT_ACCEPTED:
		snprintf(out, len,
			 "1) allow traffic to and from the loopback adapter in Windows Firewall (by default it "
			 "blocks all connections to the loopback adapter); 2) install the Microsoft KM-TEST "
			 "Loopback Adapter with the VIP %s; 3) use the weak host model: %s",
			 vip, weak_host);
		break;
	case DSR_FAULT_VIP_NOT_BOUND:
		snprintf(out, len,
			 "add the loopback adapter to the site bindings: IIS Manager > Sites > the site > "
			 "Bindings... > Add, type HTTP or HTTPS, IP address %s, port%s; then Restart the site "
			 "(Manage Web Site > Restart)",
			 vip, *port ? port + 1 : " of the service");
		break;
	case DSR_FAULT_WRONG_SOURCE:
		snprintf(out, len,
			 "enable weak host send on the loopback adapter: netsh interface ipv4 show interface, "
			 "then netsh interface ipv4 set interface <IDX of loopback> weakhostsend=enabled");
		break;
	}
}

void dsr_remedy(struct dsr_check *out, enum dsr_fault fault, enum dsr_os_guess os, const char *vip,
		int port)
{
	char linux_text[900], windows_text[900], port_text[16] = "";

	if (port >= 0)
		snprintf(port_text, sizeof(port_text), ":%d", port);
	linux_fix(linux_text, sizeof(linux_text), fault, vip, port_text);
	windows_fix(windows_text, sizeof(windows_text), fault, vip, port_text);
	switch (os) {
	case DSR_OS_LINUX:
		dsr_evidence_str(out, "platform", "linux (guessed from reply TTL)");
		dsr_check_remedy(out, "Linux/BSD (guessed from the TTL of its replies): %s.",
			 linux_text);
		break;
	case DSR_OS_WINDOWS:
		dsr_evidence_str(out, "platform", "windows (guessed from reply TTL)");
		dsr_check_remedy(out, "Windows (guessed from the TTL of its replies): %s.",
			 windows_text);
		break;
	case DSR_OS_UNKNOWN:
		dsr_check_remedy(out, "Linux: %s. Windows: %s.", linux_text,
			 windows_text);
		break;
	}
}
