/* The catalogue of checks (catalogue.h): the table, the remedies' templates and
 * their renderer, the verdicts live and passive judges share, and the writers
 * of --list-checks and of the documentation's tables.
 *
 * Windows remedies use the words and commands of the vendor's preparation
 * procedure (disable the firewall or allow traffic to and from the loopback
 * adapter; the Microsoft KM-TEST Loopback Adapter; netsh ... weakhostreceive /
 * weakhostsend with the IDX from `netsh interface ipv4 show interface`; the
 * IIS site bindings; the system event log for IP address conflicts), which is
 * what operators already follow. */
#include "catalogue.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../capture/decode.h"
#include "../reports/writers.h"

/* ---- reasons ------------------------------------------------------------- */

const char *const dsr_reason_names[DSR_R_COUNT] = {
	[DSR_R_NO_ANSWER] = "no-answer",
	[DSR_R_CONFLICT] = "conflict",
	[DSR_R_WRONG_MAC] = "wrong-mac",
	[DSR_R_WRONG_OWNER] = "wrong-owner",
	[DSR_R_CLAIMED] = "claimed",
	[DSR_R_NO_MAC] = "no-mac",
	[DSR_R_UNKNOWN_HOST] = "unknown-host",
	[DSR_R_TIMEOUT] = "timeout",
	[DSR_R_UNREACHABLE] = "unreachable",
	[DSR_R_WRONG_SOURCE] = "wrong-source",
	[DSR_R_REFUSED] = "refused",
	[DSR_R_VIA_BALANCER] = "via-balancer",
	[DSR_R_FLIP_FLOP] = "flip-flop",
	[DSR_R_NOT_ON_SEGMENT] = "not-on-segment",
	[DSR_R_VIP_IS_LOCAL] = "vip-is-local",
	[DSR_R_NOT_SEEN] = "not-seen",
	[DSR_R_MISSING] = "missing",
	[DSR_R_NOT_LOOPBACK] = "not-loopback",
	[DSR_R_WRONG_MASK] = "wrong-mask",
	[DSR_R_TOO_PERMISSIVE] = "too-permissive",
	[DSR_R_TOO_STRICT] = "too-strict",
	[DSR_R_STRICT] = "strict",
	[DSR_R_DISABLED] = "disabled",
	[DSR_R_NOT_BOUND] = "not-bound",
	[DSR_R_NOT_LISTENING] = "not-listening",
	[DSR_R_DROPPED] = "dropped",
	[DSR_R_POLICY_DROP] = "policy-drop",
	[DSR_R_BLOCKED] = "blocked",
	[DSR_R_UNCLEAR] = "unclear",
	[DSR_R_NO_PORT] = "no-port",
	[DSR_R_NO_SITE] = "no-site",
	[DSR_R_NO_IIS] = "no-iis",
	[DSR_R_NO_INTERFACE] = "no-interface",
	[DSR_R_UNREADABLE] = "unreadable",
	[DSR_R_UNKNOWN] = "unknown",
	[DSR_R_UNVERIFIED] = "unverified",
	[DSR_R_CHANGED] = "changed",
	[DSR_R_SPLIT_BRAIN] = "split-brain",
	[DSR_R_NO_MASTER] = "no-master",
	[DSR_R_BASE_MAC] = "base-mac",
	[DSR_R_SPREAD] = "spread",
	[DSR_R_RESET] = "reset",
	[DSR_R_TAGGED] = "tagged",
	[DSR_R_NO_IPV6] = "no-ipv6",
	[DSR_R_TENTATIVE] = "tentative",
	[DSR_R_DADFAILED] = "dadfailed",
	[DSR_R_PROXIED] = "proxied",
};

/* ---- remedies ------------------------------------------------------------ */

/* Windows texts the IPv4 and IPv6 forms of a remedy share. */
#define IIS_BINDING_TEXT \
	"add the loopback adapter to the site bindings: IIS Manager > Sites > {?site:{site}}{!site:the site} > " \
	"Bindings... > Add, type {?proto:{proto}}{!proto:HTTP or HTTPS}, IP address {vip}, port " \
	"{?port:{port}}{!port:of the service}; then Restart under Manage Web Site{!site:; a " \
	"service other than IIS must listen on {vip}{?port::{port}} or on all addresses}"

/* A stalled connection's remedy names the direct check of its family. */
#define CONN_STALLED_TEXT(direct) \
	"A connection to {endpoint} was accepted by {from}, but its close (FIN) was never " \
	"acknowledged: the rest of the connection went somewhere that drops it silently (a " \
	"per-packet scheduler with servers whose firewall drops packets of unknown connections, " \
	"ct state invalid drop; a stateful firewall on the way). Make the balancer schedule per " \
	"connection and see " direct " of each server."

const struct dsr_fix_def dsr_fixes[DSR_FIX_COUNT] = {
	[DSR_FIX_NONE] = {"none", NULL, NULL, NULL},
	[DSR_FIX_VERIFY_OWNER] = {"verify-owner",
		"If {mac} is the balancer's, configure balancer-mac = {mac}; or configure balancer = "
		"ADDRESS (the balancer's own address on this segment) and capture its ARP too, or run an "
		"audit from this segment, which resolves it.", NULL, NULL},
	[DSR_FIX_UNKNOWN_HOSTS] = {"unknown-hosts",
		"Configure balancer-mac = the balancer's MAC to tell which; find the other hosts by MAC "
		"(the switch's MAC address table, arp -a) and remove {vip} from their network "
		"interfaces.", NULL, NULL},
	[DSR_FIX_ADDRESS_CHANGED] = {"address-changed",
		"{addr} moved to another MAC: unless that was a failover or a replaced network card, find "
		"the host with the newer MAC (the switch's MAC address table) and give it another "
		"address.", NULL, NULL},
	[DSR_FIX_VIP_ARP_LEAK] = {"vip-arp-leak", NULL,
		"keep {vip} on lo only and stop the server answering and announcing ARP for it: "
		"sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2, the same "
		"for the interface (net.ipv4.conf.<iface>.arp_ignore=1, arp_announce=2), and persist "
		"them in /etc/sysctl.d/",
		"keep {vip} on the Microsoft KM-TEST Loopback Adapter only, never on the NIC (arp -a on "
		"another host of the segment shows which MAC answers for it), and check the system event "
		"log for IP address conflicts"},
	[DSR_FIX_VIP_NOT_ACCEPTED] = {"vip-not-accepted", NULL,
		"put the VIP on the loopback (ip addr add {vip}/32 dev lo, and persist it) and make sure "
		"no firewall rule drops traffic to {vip} (nft list ruleset, iptables -S); dsrcheck local "
		"--vip {vip}{?port: --port {port}} on the server tells which",
		"each step of the preparation left out drops it: 1) allow traffic to and from the "
		"loopback adapter in Windows Firewall (by default it blocks all connections to the "
		"loopback adapter), or disable the firewall; 2) install the Microsoft KM-TEST Loopback "
		"Adapter with the VIP {vip}; 3) use the weak host model (Windows Server 2008 and later "
		"default to the strong one, where the NIC drops requests for the VIP without weak host "
		"receive, and a reply from the VIP cannot leave through the NIC without weak host send "
		"on the loopback adapter): netsh interface ipv4 show interface (note the IDX of the NIC "
		"and of the loopback adapter), then "
		"netsh interface ipv4 set interface <IDX of NIC> weakhostreceive=enabled, "
		"netsh interface ipv4 set interface <IDX of loopback> weakhostreceive=enabled and "
		"netsh interface ipv4 set interface <IDX of loopback> weakhostsend=enabled; dsrcheck "
		"local --vip {vip}{?port: --port {port}} on the server tells which step is missing"},
	[DSR_FIX_VIP_NOT_BOUND] = {"vip-not-bound", NULL,
		"make the service listen on {vip}{?port::{port}} or on 0.0.0.0{?port::{port}}, not only "
		"on the real address, then restart it",
		IIS_BINDING_TEXT},
	[DSR_FIX_WRONG_SOURCE] = {"wrong-source", NULL,
		"replies for {vip} must leave with {vip} as their source. Linux answers a SYN or a ping "
		"from the address it was sent to, so something rewrites the source: remove the SNAT, "
		"masquerade or stateless rewrite (ip saddr set) of that traffic on the server (nft list "
		"ruleset, iptables -t nat -S, tc filter show dev <iface> egress), or the NAT or proxy "
		"between it and the segment",
		"replies for {vip} must leave with {vip} as their source. Windows answers a SYN or a ping "
		"from the address it was sent to, and without weak host send on the loopback adapter it "
		"drops such a reply rather than sending it from the NIC's address (dsrcheck sees a "
		"timeout then, not this), so something rewrites the source: remove the NAT on the server (Get-NetNat, Routing and Remote Access) "
		"or the NAT or proxy between it and the segment"},
	[DSR_FIX_NO_MAC] = {"no-mac",
		"Give the server's MAC in the configuration (mac = ...), or find out why its real "
		"address does not answer ARP (see arp.rip).", NULL, NULL},
	[DSR_FIX_VIP_ARP_SILENT] = {"vip-arp-silent",
		"Nobody answers ARP for the VIP {vip}: check that the balancer is up, owns the VIP on its "
		"interface on this segment, and that the virtual service is enabled.", NULL, NULL},
	[DSR_FIX_VIP_WRONG_OWNER] = {"vip-wrong-owner",
		"The VIP {vip} is answered by a MAC that is not the balancer's: find that host (arp -a, the "
		"switch's MAC table) and remove the VIP from its network interface, or correct "
		"balancer-mac in the configuration.", NULL, NULL},
	[DSR_FIX_ADDRESS_CONFLICT] = {"address-conflict",
		"Two hosts use the address {addr}: find the host with the unexpected MAC (arp -a, the "
		"switch's MAC table), give it another address unless the two are a failover pair, and "
		"check the system event log for IP address conflicts.", NULL, NULL},
	[DSR_FIX_RIP_ARP_SILENT] = {"rip-arp-silent",
		"{addr} does not answer ARP: check that the server is up, that {addr} is configured on its "
		"network interface on this segment, and that it is cabled/attached to this segment.",
		NULL, NULL},
	[DSR_FIX_WRONG_MAC] = {"wrong-mac",
		"{addr} is answered by another MAC than the configured one: correct 'mac' in the "
		"configuration or find the host that took the address.", NULL, NULL},
	[DSR_FIX_UNKNOWN_HOST] = {"unknown-host",
		"Find the host with MAC {mac} (the switch's MAC address table, arp -a) and remove {vip} from "
		"its network interfaces; if it is a real server, add it to the configuration and keep the "
		"VIP on its loopback only; if it is a second balancer, list its MAC in balancer-mac.",
		NULL, NULL},
	[DSR_FIX_SPLIT_BRAIN] = {"split-brain",
		"Two balancers of one HA set ({from}) own the VIP {vip} at once: each must hear the "
		"other's VRRP advertisements. Let IP protocol 112 through both firewalls (nftables: ip "
		"protocol vrrp accept; iptables: -p vrrp -j ACCEPT), check the link between them, give both "
		"the same virtual_router_id and authentication, or use unicast_src_ip/unicast_peer where "
		"multicast does not pass; on an appliance pair, check its HA link. An owner that goes back "
		"and forth is a member taking the VIP back as soon as it returns: give the members distinct "
		"priorities, and state BACKUP with nopreempt on both (or preempt_delay), so a member that "
		"comes back stays backup.", NULL, NULL},
	[DSR_FIX_BASE_MAC] = {"base-mac",
		"Balancer {from} claims the VIP {vip} with its own MAC {mac}, not the VRRP virtual MAC, so "
		"clients are sent where nothing forwards the VIP: on that balancer set sysctl -w "
		"net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.all.arp_ignore=1 (and the same in "
		"/etc/sysctl.d/), which keepalived's use_vmac leaves at 0 for the base interface.",
		NULL, NULL},
	[DSR_FIX_PER_PACKET] = {"per-packet",
		"The balancer sends the packets of one connection to {endpoint} to different servers "
		"({from}), so every real connection breaks after its handshake: it must schedule per "
		"connection. LVS/IPVS (ipvsadm, keepalived's virtual_server with lb_kind DR, any lb_algo) "
		"does; keepalived's persistence_timeout also keeps a client's connections on one server. "
		"nftlb: use a hash scheduler (\"sched\": \"hash\" or \"symhash\") instead of \"rr\" or "
		"\"weight\", which pick a server per packet in DSR mode. A hand-written nftables forwarder "
		"must hash the connection (jhash ip saddr . tcp sport), never numgen. An appliance: "
		"enable per-connection persistence for the virtual service.", NULL, NULL},
	[DSR_FIX_CONN_RESET] = {"conn-reset",
		"{from} reset an established connection to {endpoint}: the service (or a firewall rule "
		"rejecting with tcp-reset, a connection-tracking table that lost the entry) closes "
		"connections abortively; check the service's log and the server's firewall for rules "
		"matching ct state invalid.", NULL, NULL},
	[DSR_FIX_CONN_STALLED] = {"conn-stalled", CONN_STALLED_TEXT("tcp.vip.direct"), NULL, NULL},
	[DSR_FIX_CONN6_STALLED] = {"conn6-stalled", CONN_STALLED_TEXT("tcp6.vip.direct"), NULL, NULL},
	[DSR_FIX_VIP6_NOT_ACCEPTED] = {"vip6-not-accepted", NULL,
		"put the IPv6 VIP on the loopback (ip -6 addr add {vip}/128 dev lo, and persist it; it "
		"needs no sysctl) and make sure no firewall rule drops traffic to {vip} (nft list ruleset, "
		"ip6tables -S); dsrcheck local --vip {vip}{?port: --port {port}} on the server tells which",
		"each step of the preparation, for IPv6: 1) allow traffic to and from the loopback adapter "
		"in Windows Firewall, or disable the firewall; 2) give the Microsoft KM-TEST Loopback "
		"Adapter the IPv6 VIP (netsh interface ipv6 add address \"<loopback adapter>\" {vip}); 3) "
		"the weak host model for IPv6, set apart from IPv4's: netsh interface ipv6 show interface "
		"(note the IDX of the NIC and of the loopback adapter), then netsh interface ipv6 set "
		"interface <IDX of NIC> weakhostreceive=enabled, netsh interface ipv6 set interface <IDX "
		"of loopback> weakhostreceive=enabled and netsh interface ipv6 set interface <IDX of "
		"loopback> weakhostsend=enabled; dsrcheck local --vip {vip}{?port: --port {port}} on the "
		"server tells which step is missing"},
	[DSR_FIX_VIP6_NOT_BOUND] = {"vip6-not-bound", NULL,
		"make the service listen on [{vip}]{?port::{port}} or on [::]{?port::{port}}, not only on "
		"the real addresses (a socket on :: takes IPv4 too unless IPV6_V6ONLY is set), then "
		"restart it",
		IIS_BINDING_TEXT},
	[DSR_FIX_LOCAL_VIP6] = {"local-vip6", NULL,
		"{?key:{vip} is {key} on {iface} (duplicate address detection, which runs on a NIC and "
		"never on lo: tentative until it ends, dadfailed when another node of the segment holds "
		"the address); }"
		"{?iface:ip -6 addr del {vip}/{prefix} dev {iface}; }ip -6 addr add {vip}/128 dev lo "
		"(if it is not there yet); make it permanent in the network configuration (ifupdown: "
		"'up ip -6 addr add {vip}/128 dev lo' under 'iface lo'; systemd-networkd: "
		"Address={vip}/128 in a .network file for lo); no sysctl is needed: Linux never answers "
		"Neighbor Discovery for an address on lo, and arp_ignore / arp_announce have no IPv6 "
		"meaning",
		"{!lo:{=install-loopback}; }{?key:{vip} is {key} on {iface} (duplicate address "
		"detection: tentative until it ends, duplicate when another node of the segment holds the "
		"address); }"
		"{?iface:netsh interface ipv6 delete address \"{iface}\" {vip}; }give the loopback "
		"adapter the VIP6 with prefix length 128: netsh interface ipv6 add address \"{?lo:{lo}}"
		"{!lo:<name of the loopback adapter>}\" {vip}/128 (or New-NetIPAddress -InterfaceAlias "
		"\"{?lo:{lo}}{!lo:<name of the loopback adapter>}\" -IPAddress {vip} -PrefixLength 128)"},
	[DSR_FIX_PROXY_NDP] = {"proxy-ndp", NULL,
		"stop answering Neighbor Solicitations for {vip} on the segment:{list} persist "
		"net.ipv6.conf.IFACE.proxy_ndp = 0 in /etc/sysctl.d/90-dsr.conf (unless another address "
		"needs proxying there) and remove the entry from whatever adds it (ndppd, "
		"systemd-networkd's IPv6ProxyNDPAddress=); arp_ignore / arp_announce have no IPv6 "
		"meaning: a VIP6 on lo needs no sysctl", NULL},
	[DSR_FIX_PROXY_NDP_ITEM] = {"proxy-ndp-item", NULL,
		" ip -6 neigh del proxy {vip} dev {iface}; sysctl -w net.ipv6.conf.{iface}.proxy_ndp=0;",
		NULL},
	[DSR_FIX_WEAKHOST6] = {"weakhost6", NULL, NULL,
		"the IPv6 interface has its own weak host settings (the IPv4 ones do not cover it); "
		"netsh interface ipv6 show interface lists the adapters{list} (or Set-NetIPInterface "
		"-AddressFamily IPv6 -InterfaceAlias \"<name>\" -WeakHostSend Enabled / "
		"-WeakHostReceive Enabled)"},
	[DSR_FIX_WEAKHOST6_ITEM] = {"weakhost6-item", NULL, NULL,
		"; netsh interface ipv6 set interface \"{iface}\" {key}=enabled"},
	[DSR_FIX_LOCAL_LISTEN6] = {"local-listen6", NULL,
		"make the service listen on [{vip}]:{port} or on [::]:{port}, not only on IPv4 or the "
		"real address, then restart it (a socket on [::] also takes IPv4 unless IPV6_V6ONLY or "
		"net.ipv6.bindv6only is set); check with ss -ltn 'sport = :{port}'",
		"make the service listen on [{vip}]:{port} or on [::]:{port} (IIS: a binding of "
		"[{vip}] or *), then restart it; Windows sockets on [::] take IPv6 only; check with "
		"netstat -ano -p tcpv6 | findstr :{port}"},
	[DSR_FIX_FIREWALL_DROP6] = {"firewall-drop6", NULL,
		"{?table:accept it before the drop: ip6tables -t {table} -I {chain} -d {vip}/128{?port: -p "
		"tcp --dport {port}} -j ACCEPT; or delete the rule (ip6tables -t TABLE -D {chain} followed "
		"by the rule's own options), and persist the change (ip6tables-save > "
		"/etc/iptables/rules.v6)}"
		"{!table:accept it before the drop: nft insert rule {chain} ip6 daddr {vip}{?port: tcp "
		"dport {port}} accept; or delete the rule: nft -a list chain {chain} shows its handle, then "
		"nft delete rule {chain} handle N; persist the change in /etc/nftables.conf}",
		"{=firewall-drop}"},
	[DSR_FIX_FIREWALL_ALLOW6] = {"firewall-allow6", NULL, "{=firewall-drop6}", "{=firewall-allow}"},
	[DSR_FIX_ND_VIP_LEAK] = {"nd-vip-leak", NULL,
		"keep the IPv6 VIP {vip} on lo only (ip -6 addr add {vip}/128 dev lo, persisted) and never "
		"on the NIC (ip -6 addr show; ip -6 addr del {vip}/<prefix> dev <iface>); turn proxy NDP "
		"off for it (sysctl -w net.ipv6.conf.<iface>.proxy_ndp=0; ip -6 neigh del proxy {vip} dev "
		"<iface>), and stop whatever sends Neighbor Advertisements for it (a VRRP daemon, ndsend). "
		"arp_ignore and arp_announce do not apply to IPv6: a VIP on lo is never answered by "
		"Neighbor Discovery",
		"keep the IPv6 VIP {vip} on the Microsoft KM-TEST Loopback Adapter only, never on the NIC: "
		"netsh interface ipv6 show addresses, then netsh interface ipv6 delete address "
		"\"<NIC>\" {vip}, and netsh interface ipv6 add address \"<loopback adapter>\" {vip}; "
		"check the system event log for duplicate address detection failures"},
	[DSR_FIX_ND_VIP_SILENT] = {"nd-vip-silent",
		"Nobody answers Neighbor Discovery for the IPv6 VIP {vip}: check that the balancer is up "
		"and holds {vip} on its interface on this segment (keepalived: the IPv6 address in "
		"virtual_ipaddress; ip -6 addr show: not tentative or dadfailed), and that the virtual "
		"service is enabled for IPv6.", NULL, NULL},
	[DSR_FIX_ND_VIP_WRONG_OWNER] = {"nd-vip-wrong-owner",
		"The IPv6 VIP {vip} is answered by a MAC that is not the balancer's: find that host (ip -6 "
		"neigh, the switch's MAC table) and remove {vip} from its network interface or its proxy "
		"NDP entries, or correct balancer-mac in the configuration.", NULL, NULL},
	[DSR_FIX_ND_ADDRESS_CONFLICT] = {"nd-address-conflict",
		"Two hosts answer Neighbor Discovery for {addr}: find the host with the unexpected MAC (ip "
		"-6 neigh, the switch's MAC table) and give it another address, or remove its proxy NDP "
		"entry (ip -6 neigh show proxy), unless the two are a failover pair.", NULL, NULL},
	[DSR_FIX_ND_RIP_SILENT] = {"nd-rip-silent",
		"{addr} does not answer Neighbor Discovery: check that the server is up, that {addr} is on "
		"its network interface on this segment and usable (ip -6 addr show: not tentative or "
		"dadfailed; Windows: netsh interface ipv6 show addresses, not Duplicate), and that "
		"ICMPv6 is not filtered.", NULL, NULL},
	[DSR_FIX_NO_MASTER] = {"no-master",
		"Nobody advertised VRRP virtual router {value} (the VIP {vip}) for three advertisement "
		"intervals: is keepalived (or the appliance's HA service) running on the balancers, and "
		"are they not both in FAULT state (a tracked interface or script down: journalctl -u "
		"keepalived)? A firewall on the master's output may drop IP protocol 112 (nftables: ip "
		"protocol vrrp accept; iptables -A OUTPUT -p vrrp -j ACCEPT). Check that virtual_router_id "
		"is {value} on both, and the HA link between them.", NULL, NULL},
	[DSR_FIX_ICMP_UNREACHABLE] = {"icmp-unreachable",
		"A router or host ({from}) says {addr} cannot be reached: check routing to it and any ACL or "
		"firewall on the way.", NULL, NULL},
	[DSR_FIX_VIP_NO_PING] = {"vip-no-ping",
		"The VIP {vip} does not answer ping: check that the balancer owns the VIP and its "
		"virtual service forwards ICMP, and see the direct checks (icmp.vip.direct) of each "
		"real server.", NULL, NULL},
	[DSR_FIX_RIP_NO_PING] = {"rip-no-ping",
		"{addr} does not answer ping: check that the server is up and that its firewall allows "
		"ICMP echo (Windows Firewall: File and Printer Sharing (Echo Request - ICMPv4-In)).",
		NULL, NULL},
	[DSR_FIX_NOT_LISTENING] = {"not-listening",
		"Nothing listens on {endpoint}: start the service, or bind it to this address and port.",
		NULL, NULL},
	[DSR_FIX_TCP_REJECTED] = {"tcp-rejected",
		"{from} rejects connections to {endpoint}: check its firewall (a REJECT rule) and routing.",
		NULL, NULL},
	[DSR_FIX_VIP_NO_SYNACK] = {"vip-no-synack",
		"No answer from {endpoint}: check that the balancer owns the VIP and its virtual service "
		"forwards {?port:port {port}}{!port:each port of the service}, and see the direct checks "
		"(tcp.vip.direct) of each real server.",
		NULL, NULL},
	[DSR_FIX_RIP_NO_SYNACK] = {"rip-no-synack",
		"No answer from {endpoint}: check that the server is up, the service runs, and no firewall "
		"drops {?port:port {port}}{!port:the service's ports}.", NULL, NULL},
	[DSR_FIX_VIA_BALANCER] = {"via-balancer",
		"The balancer answers for the real servers (proxy or NAT mode): configure the virtual "
		"service for Direct Server Return (direct routing, forwarding by MAC rewrite) if that is "
		"what the servers were prepared for.", NULL, NULL},
	[DSR_FIX_INSTALL_LOOPBACK] = {"install-loopback", NULL, NULL,
		"install the Microsoft KM-TEST Loopback Adapter: Device Manager (devmgmt.msc), right-click "
		"the server name > Add legacy hardware > Install the hardware that I manually select from a "
		"list (Advanced) > Network adapters > Microsoft > Microsoft KM-TEST Loopback Adapter "
		"(Microsoft Loopback Adapter on Windows Server 2003, 2008 and 2008 R2)"},
	[DSR_FIX_LOCAL_VIP] = {"local-vip", NULL,
		"{?iface:ip addr del {vip}/{prefix} dev {iface}; }{?add:ip addr add {vip}/32 dev lo; }"
		"make it permanent in the network configuration (ifupdown: 'up ip addr add {vip}/32 dev "
		"lo' under 'iface lo'; systemd-networkd: Address={vip}/32 in a .network file for lo)",
		"{!lo:{=install-loopback}; }{?iface:netsh interface ipv4 delete address \"{iface}\" {vip}; }"
		"give the loopback adapter the VIP with subnet mask 255.255.255.255: netsh interface ipv4 "
		"add address \"{?lo:{lo}}{!lo:<name of the loopback adapter>}\" {vip} 255.255.255.255 (or "
		"Network Connections > the adapter > Internet Protocol Version 4 (TCP/IPv4) > Properties)"},
	[DSR_FIX_SYSCTL] = {"sysctl", NULL,
		"sysctl -w net.ipv4.conf.all.{key}={value}{list}; persist it with these lines in "
		"/etc/sysctl.d/90-dsr.conf: net.ipv4.conf.all.{key} = {value}{more}", NULL},
	[DSR_FIX_SYSCTL_ITEM] = {"sysctl-item", NULL, " net.ipv4.conf.{iface}.{key}={value}", NULL},
	[DSR_FIX_SYSCTL_PERSIST] = {"sysctl-persist", NULL, ", net.ipv4.conf.{iface}.{key} = {value}",
		NULL},
	[DSR_FIX_WEAKHOST] = {"weakhost", NULL, NULL,
		"netsh interface ipv4 show interface lists the IDX of each adapter{list}"},
	[DSR_FIX_WEAKHOST_ITEM] = {"weakhost-item", NULL, NULL,
		"; netsh interface ipv4 set interface {value} {key}=enabled"},
	[DSR_FIX_LOCAL_LISTEN] = {"local-listen", NULL,
		"make the service listen on {vip}:{port} or on 0.0.0.0:{port}, not only on the real "
		"address, then restart it; check with ss -ltn 'sport = :{port}'",
		"make the service listen on {vip}:{port} or on all addresses (IIS: the site binding, "
		"local.iis.binding), then restart it; check with netstat -ano -p tcp | findstr :{port}"},
	[DSR_FIX_FIREWALL_DROP] = {"firewall-drop", NULL,
		"{?table:accept it before the drop: iptables -t {table} -I {chain} -d {vip}/32{?port: -p tcp "
		"--dport {port}} -j ACCEPT; or delete the rule (iptables -t TABLE -D {chain} followed by "
		"the rule's own options), and persist the change (iptables-save > /etc/iptables/rules.v4)}"
		"{!table:accept it before the drop: nft insert rule {chain} ip daddr {vip}{?port: tcp dport "
		"{port}} accept; or delete the rule: nft -a list chain {chain} shows its handle, then nft "
		"delete rule {chain} handle N; persist the change in /etc/nftables.conf}",
		"delete or narrow it: netsh advfirewall firewall delete rule name=\"{rule}\"; "
		"{=firewall-allow}"},
	[DSR_FIX_FIREWALL_ALLOW] = {"firewall-allow", NULL, "{=firewall-drop}",
		"disable the Windows Firewall or change the rules to allow traffic to and from the "
		"loopback adapter: netsh advfirewall firewall add rule name=\"DSR {vip}:{port}\" dir=in "
		"action=allow protocol=TCP localip={vip} localport={port}"},
	[DSR_FIX_IIS_BINDING] = {"iis-binding", NULL, NULL,
		"{=vip-not-bound}; or, in an elevated prompt in the inetsrv folder of system32: appcmd set "
		"site /site.name:\"{site}\" /+bindings.[protocol='{value}',bindingInformation='{vip}:{port}:']"},
	[DSR_FIX_EVENT_LOG] = {"event-log", NULL, NULL,
		"check the system event log for IP address conflicts: Event Viewer (eventvwr.msc) > "
		"Windows Logs > System, source Tcpip, event ID 4199; the VIP must be on the loopback "
		"adapter only, never on a NIC or on another host of the segment (arp -a shows who answers)"},
};

/* ---- the checks ---------------------------------------------------------- */

#define R(reason, status, means, fix) {DSR_R_##reason, DSR_##status, means, DSR_FIX_##fix}
#define N(list) (sizeof(list) / sizeof(list[0]))

#define OFF_SEGMENT R(NOT_ON_SEGMENT, SKIP, "run from another segment than the servers'", NONE)
#define NOT_SEEN R(NOT_SEEN, SKIP, "analyze: the capture holds nothing to judge it on", NONE)
#define VIP_LOCAL R(VIP_IS_LOCAL, SKIP, "run on the balancer, which owns the VIP", NONE)
#define NO_IPV6 R(NO_IPV6, SKIP, "this host has no IPv6 address on the segment to probe from", NONE)
#define UNREADABLE R(UNREADABLE, SKIP, "the source could not be read: privilege, a missing tool", NONE)
#define UNKNOWN R(UNKNOWN, SKIP, "the value is not in the snapshot", NONE)
#define NO_IFACE(means) R(NO_INTERFACE, SKIP, means, NONE)

static const struct dsr_reason_def arp_rip[] = {
	R(NO_ANSWER, FAIL, "nothing answers ARP for the address", RIP_ARP_SILENT),
	R(CONFLICT, FAIL, "two or more MACs", ADDRESS_CONFLICT),
	R(WRONG_MAC, FAIL, "one MAC, not the configured one", WRONG_MAC),
	OFF_SEGMENT,
	NOT_SEEN,
};
static const struct dsr_reason_def arp_vip[] = {
	R(NO_ANSWER, FAIL, "nothing answers ARP for the VIP", VIP_ARP_SILENT),
	R(CONFLICT, FAIL, "two or more MACs, not all members of the balancer set", VIP_ARP_LEAK),
	R(WRONG_OWNER, FAIL, "one MAC, not the balancer's", VIP_WRONG_OWNER),
	R(SPLIT_BRAIN, FAIL, "two members of the balancer set answer at once (two masters)", SPLIT_BRAIN),
	R(UNVERIFIED, WARN, "analyze: one MAC, which nothing configured confirms is the balancer's",
	  VERIFY_OWNER),
	R(FLIP_FLOP, FAIL, "analyze: the owner changed between balancers with no VRRP transition",
	  SPLIT_BRAIN),
	OFF_SEGMENT,
	NOT_SEEN,
};
static const struct dsr_reason_def arp_vip_claim[] = {
	R(CLAIMED, FAIL, "the server answered, announced or used the VIP in ARP", VIP_ARP_LEAK),
	R(NO_MAC, FAIL, "the server's MAC is neither configured nor learned", NO_MAC),
	OFF_SEGMENT,
	NOT_SEEN,
};
static const struct dsr_reason_def arp_vip_claim_service[] = {
	R(UNKNOWN_HOST, FAIL,
	  "a MAC nobody configured claimed the VIP (analyze without balancer-mac: two or more did)",
	  UNKNOWN_HOST),
	R(BASE_MAC, FAIL, "a balancer claimed the VIP with its own MAC while the VRRP virtual MAC owns it",
	  BASE_MAC),
	OFF_SEGMENT,
};
static const struct dsr_reason_def nd_rip[] = {
	R(NO_ANSWER, FAIL, "nothing answers Neighbor Discovery for the address", ND_RIP_SILENT),
	R(CONFLICT, FAIL, "two or more MACs", ND_ADDRESS_CONFLICT),
	R(WRONG_MAC, FAIL, "one MAC, not the configured one", WRONG_MAC),
	OFF_SEGMENT,
	NOT_SEEN,
};
static const struct dsr_reason_def nd_vip[] = {
	R(NO_ANSWER, FAIL, "nothing answers Neighbor Discovery for the IPv6 VIP", ND_VIP_SILENT),
	R(CONFLICT, FAIL, "two or more MACs, not all members of the balancer set", ND_VIP_LEAK),
	R(WRONG_OWNER, FAIL, "one MAC, not the balancer's", ND_VIP_WRONG_OWNER),
	R(SPLIT_BRAIN, FAIL, "two members of the balancer set answer at once (two masters)", SPLIT_BRAIN),
	R(UNVERIFIED, WARN, "analyze: one MAC, which nothing configured confirms is the balancer's",
	  VERIFY_OWNER),
	R(FLIP_FLOP, FAIL, "analyze: the owner changed back and forth between balancers", SPLIT_BRAIN),
	OFF_SEGMENT,
	NOT_SEEN,
};
static const struct dsr_reason_def nd_vip_claim_service[] = {
	R(UNKNOWN_HOST, FAIL,
	  "a MAC nobody configured advertised the IPv6 VIP, solicited from it or ran duplicate "
	  "address detection for it", UNKNOWN_HOSTS),
	OFF_SEGMENT,
};
static const struct dsr_reason_def nd_vip_claim[] = {
	R(CLAIMED, FAIL, "the server advertised the IPv6 VIP, solicited from it, or ran duplicate "
	  "address detection for it", ND_VIP_LEAK),
	R(NO_MAC, FAIL, "the server's MAC is neither configured nor learned", NO_MAC),
	OFF_SEGMENT,
	NOT_SEEN,
};
#define ICMP_RIP_ROWS \
	R(TIMEOUT, FAIL, "no echo reply, or the next hop did not answer ARP", RIP_NO_PING), \
	R(UNREACHABLE, FAIL, "ICMP destination unreachable", ICMP_UNREACHABLE), \
	R(WRONG_SOURCE, FAIL, "the reply came from another address", WRONG_SOURCE)
static const struct dsr_reason_def icmp_rip[] = {
	ICMP_RIP_ROWS,
};
static const struct dsr_reason_def icmp_rip6[] = {
	ICMP_RIP_ROWS,
	NO_IPV6,
};
#define ICMP_VIP_ROWS \
	R(TIMEOUT, FAIL, "no echo reply, or the next hop did not answer ARP", VIP_NO_PING), \
	R(UNREACHABLE, FAIL, "ICMP destination unreachable", ICMP_UNREACHABLE), \
	R(WRONG_SOURCE, FAIL, "the reply came from another address", WRONG_SOURCE), \
	VIP_LOCAL
static const struct dsr_reason_def icmp_vip[] = {
	ICMP_VIP_ROWS,
};
static const struct dsr_reason_def icmp_vip6[] = {
	ICMP_VIP_ROWS,
	NO_IPV6,
};
#define ICMP_VIP_DIRECT_ROWS \
	R(TIMEOUT, FAIL, "no reply: no VIP on the loopback, a firewall, (Windows) weak host receive " \
	  "or send off", VIP_NOT_ACCEPTED), \
	R(UNREACHABLE, FAIL, "ICMP destination unreachable", ICMP_UNREACHABLE), \
	R(WRONG_SOURCE, FAIL, "the reply left with another source than the VIP: a source rewrite " \
	  "(SNAT, masquerade, a proxy)", WRONG_SOURCE), \
	R(NO_MAC, FAIL, "not sent: the server's MAC is neither configured nor learned", NO_MAC), \
	OFF_SEGMENT, \
	NOT_SEEN
static const struct dsr_reason_def icmp_vip_direct[] = {
	ICMP_VIP_DIRECT_ROWS,
};
static const struct dsr_reason_def icmp_vip_direct6[] = {
	ICMP_VIP_DIRECT_ROWS,
	NO_IPV6,
};
#define TCP_RIP_ROWS \
	R(REFUSED, FAIL, "RST: nothing listens", NOT_LISTENING), \
	R(TIMEOUT, FAIL, "no answer, or the next hop did not answer ARP", RIP_NO_SYNACK), \
	R(UNREACHABLE, FAIL, "ICMP destination unreachable", TCP_REJECTED), \
	R(WRONG_SOURCE, FAIL, "the answer came from another address", WRONG_SOURCE)
static const struct dsr_reason_def tcp_rip[] = {
	TCP_RIP_ROWS,
};
static const struct dsr_reason_def tcp_rip6[] = {
	TCP_RIP_ROWS,
	NO_IPV6,
};
#define TCP_VIP_ROWS \
	R(REFUSED, FAIL, "RST: the application is not bound to the VIP", VIP_NOT_BOUND), \
	R(TIMEOUT, FAIL, "no answer, or the next hop did not answer ARP", VIP_NO_SYNACK), \
	R(UNREACHABLE, FAIL, "ICMP destination unreachable", TCP_REJECTED), \
	R(WRONG_SOURCE, FAIL, "the answer came from another address", WRONG_SOURCE), \
	VIP_LOCAL
static const struct dsr_reason_def tcp_vip[] = {
	TCP_VIP_ROWS,
};
static const struct dsr_reason_def tcp_vip6[] = {
	TCP_VIP_ROWS,
	NO_IPV6,
};
#define TCP_VIP_DIRECT_ROWS \
	R(REFUSED, FAIL, "RST: the application is not bound to the VIP", VIP_NOT_BOUND), \
	R(TIMEOUT, FAIL, "no answer: no VIP on the loopback, a firewall, (Windows) weak host receive " \
	  "or send off", VIP_NOT_ACCEPTED), \
	R(WRONG_SOURCE, FAIL, "the answer left with another source than the VIP: a source rewrite " \
	  "(SNAT, masquerade, a proxy)", WRONG_SOURCE), \
	R(UNREACHABLE, FAIL, "ICMP destination unreachable", TCP_REJECTED), \
	R(NO_MAC, FAIL, "not sent: the server's MAC is neither configured nor learned", NO_MAC), \
	OFF_SEGMENT, \
	NOT_SEEN
static const struct dsr_reason_def tcp_vip_direct[] = {
	TCP_VIP_DIRECT_ROWS,
};
static const struct dsr_reason_def tcp_vip_direct6[] = {
	TCP_VIP_DIRECT_ROWS,
	NO_IPV6,
};
#define DSR_RETURN_ROWS(tcp_vip) \
	R(VIA_BALANCER, WARN, "the answer came from the balancer's MAC: proxy or NAT, not DSR", \
	  VIA_BALANCER), \
	R(NO_ANSWER, SKIP, "the VIP did not answer at all; " tcp_vip " says why", NONE), \
	VIP_LOCAL, \
	OFF_SEGMENT
static const struct dsr_reason_def dsr_return[] = {
	DSR_RETURN_ROWS("tcp.vip"),
};
static const struct dsr_reason_def dsr_return6[] = {
	DSR_RETURN_ROWS("tcp6.vip"),
	NO_IPV6,
};
#define TCP_VIP_CONN_ROWS(tcp_vip) \
	R(SPREAD, FAIL, "the packets of one connection came from different servers: a per-packet " \
	  "scheduler", PER_PACKET), \
	R(RESET, FAIL, "RSTs inside established connections, at least as many as clean closes", CONN_RESET), \
	R(TIMEOUT, FAIL, "connections were accepted, but not one close (FIN) was acknowledged", \
	  CONN_STALLED), \
	R(NO_ANSWER, SKIP, "the VIP accepted no connection; " tcp_vip " says why", NONE), \
	VIP_LOCAL, \
	R(NOT_SEEN, SKIP, "a recorded run that made no connection", NONE), \
	R(TAGGED, SKIP, "the service's VLAN is probed tagged from a trunk, where this host's own TCP " \
	  "has no address: run from a sub-interface in that VLAN for this check", NONE)
static const struct dsr_reason_def tcp_vip_conn[] = {
	TCP_VIP_CONN_ROWS("tcp.vip"),
};
static const struct dsr_reason_def tcp_vip_conn6[] = {
	TCP_VIP_CONN_ROWS("tcp6.vip"),
	NO_IPV6,
};
static const struct dsr_reason_def vrrp_master[] = {
	R(SPLIT_BRAIN, FAIL, "two masters advertised the virtual router at once (both named)",
	  SPLIT_BRAIN),
	R(NO_MASTER, FAIL, "nobody advertised it for longer than a backup waits (three intervals)",
	  NO_MASTER),
	OFF_SEGMENT,
	NOT_SEEN,
};
static const struct dsr_reason_def arp_conflict[] = {
	R(CONFLICT, FAIL, "two MACs claimed the address at once (another MAC's claim within 1 s)",
	  ADDRESS_CONFLICT),
	R(FLIP_FLOP, FAIL, "the owner changed back to a MAC it had before", ADDRESS_CONFLICT),
	R(CHANGED, WARN, "a new MAC took the address over and the old one never came back",
	  ADDRESS_CHANGED),
};
static const struct dsr_reason_def local_vip[] = {
	R(MISSING, FAIL, "on no interface", LOCAL_VIP),
	R(NOT_LOOPBACK, FAIL, "on a NIC, which answers ARP for it", LOCAL_VIP),
	R(WRONG_MASK, FAIL, "not a host mask: a /24 on lo makes the whole prefix local", LOCAL_VIP),
	UNREADABLE,
	UNKNOWN,
};
static const struct dsr_reason_def local_arp_ignore[] = {
	R(TOO_PERMISSIVE, FAIL, "0, 3-7, above 8: the VIP on lo is answered", SYSCTL),
	R(TOO_STRICT, WARN, "8: the real address is not answered either", SYSCTL),
	NO_IFACE("no interface is up with an IPv4 address besides the loopback"),
	UNREADABLE,
	UNKNOWN,
};
static const struct dsr_reason_def local_arp_announce[] = {
	R(TOO_PERMISSIVE, FAIL, "the VIP becomes the sender of ARP requests; above 2 acts as 0",
	  SYSCTL),
	NO_IFACE("no interface is up with an IPv4 address besides the loopback"),
	UNREADABLE,
	UNKNOWN,
};
static const struct dsr_reason_def local_rp_filter[] = {
	R(STRICT, FAIL, "strict on an interface while the default route leaves by another: VIP "
	  "traffic from clients beyond its subnets is dropped", SYSCTL),
	R(STRICT, WARN, "strict and no default route: only clients routed back through it get in",
	  SYSCTL),
	NO_IFACE("no interface is up with an IPv4 address besides the loopback"),
	UNREADABLE,
	UNKNOWN,
};
static const struct dsr_reason_def local_loopback_adapter[] = {
	R(MISSING, FAIL, "no loopback adapter is installed", INSTALL_LOOPBACK),
	UNREADABLE,
	UNKNOWN,
};
static const struct dsr_reason_def local_weakhost_receive[] = {
	R(DISABLED, FAIL, "disabled on the NIC or the loopback adapter", WEAKHOST),
	NO_IFACE("no adapter is up with an IPv4 address"),
	UNREADABLE,
	UNKNOWN,
};
static const struct dsr_reason_def local_weakhost_send[] = {
	R(DISABLED, FAIL, "disabled on the loopback adapter", WEAKHOST),
	NO_IFACE("no loopback adapter"),
	UNREADABLE,
	UNKNOWN,
};
static const struct dsr_reason_def local_ip_conflict[] = {
	R(CONFLICT, FAIL, "a conflict for the VIP", EVENT_LOG),
	R(CONFLICT, WARN, "a conflict for another address", EVENT_LOG),
	UNREADABLE,
	UNKNOWN,
};
static const struct dsr_reason_def local_iis_binding[] = {
	R(NOT_BOUND, FAIL, "bound to other addresses only", IIS_BINDING),
	R(NO_SITE, SKIP, "no site on that port: not IIS", NONE),
	R(NO_IIS, SKIP, "IIS is not installed", NONE),
	UNREADABLE,
	UNKNOWN,
};
static const struct dsr_reason_def local_listen[] = {
	R(NOT_BOUND, FAIL, "listens on other addresses only", LOCAL_LISTEN),
	R(NOT_LISTENING, FAIL, "nothing listens on the port", LOCAL_LISTEN),
	UNREADABLE,
	UNKNOWN,
};
static const struct dsr_reason_def local_firewall[] = {
	R(DROPPED, FAIL, "a rule drops it (Windows: a block rule matches)", FIREWALL_DROP),
	R(POLICY_DROP, FAIL, "Linux: an input chain's policy drops it and no rule accepts it",
	  FIREWALL_DROP),
	R(BLOCKED, FAIL, "Windows: the firewall is on and no rule allows it", FIREWALL_ALLOW),
	R(UNCLEAR, WARN, "a rule dsrcheck cannot evaluate: a named set, a source address, a limit",
	  FIREWALL_ALLOW),
	R(NO_PORT, SKIP, "Windows: the firewall is on and no --port was given", NONE),
	UNREADABLE,
	UNKNOWN,
};

static const struct dsr_reason_def local_vip6[] = {
	R(MISSING, FAIL, "on no interface", LOCAL_VIP6),
	R(NOT_LOOPBACK, FAIL, "on a NIC, which answers Neighbor Discovery for it", LOCAL_VIP6),
	R(WRONG_MASK, FAIL, "not /128: a /64 on lo makes the whole prefix local", LOCAL_VIP6),
	R(TENTATIVE, FAIL, "tentative: duplicate address detection has not finished, it is not used",
	  LOCAL_VIP6),
	R(DADFAILED, FAIL, "dadfailed: another node of the segment holds it, it is never used",
	  LOCAL_VIP6),
	UNREADABLE,
	UNKNOWN,
};
static const struct dsr_reason_def local_proxy_ndp[] = {
	R(PROXIED, FAIL, "proxy_ndp is on and a proxy entry answers Neighbor Solicitations for VIP6",
	  PROXY_NDP),
	NO_IFACE("no interface is up besides the loopback"),
	UNREADABLE,
	UNKNOWN,
};
static const struct dsr_reason_def local_weakhost6_receive[] = {
	R(DISABLED, FAIL, "disabled for IPv6 on the NIC or the loopback adapter", WEAKHOST6),
	NO_IFACE("no adapter is up"),
	UNREADABLE,
	UNKNOWN,
};
static const struct dsr_reason_def local_weakhost6_send[] = {
	R(DISABLED, FAIL, "disabled for IPv6 on the loopback adapter", WEAKHOST6),
	NO_IFACE("no loopback adapter"),
	UNREADABLE,
	UNKNOWN,
};
static const struct dsr_reason_def local_listen6[] = {
	R(NOT_BOUND, FAIL, "listens on other addresses only (IPv4 or another IPv6 address)",
	  LOCAL_LISTEN6),
	R(NOT_LISTENING, FAIL, "nothing listens on the port over IPv6", LOCAL_LISTEN6),
	UNREADABLE,
	UNKNOWN,
};
static const struct dsr_reason_def local_firewall6[] = {
	R(DROPPED, FAIL, "a rule drops it (Windows: a block rule matches)", FIREWALL_DROP6),
	R(POLICY_DROP, FAIL, "Linux: an input chain's policy drops it and no rule accepts it",
	  FIREWALL_DROP6),
	R(BLOCKED, FAIL, "Windows: the firewall is on and no rule allows it", FIREWALL_ALLOW6),
	R(UNCLEAR, WARN, "a rule dsrcheck cannot evaluate: a named set, a source address, a limit",
	  FIREWALL_ALLOW6),
	R(NO_PORT, SKIP, "Windows: the firewall is on and no --port was given", NONE),
	UNREADABLE,
	UNKNOWN,
};

#define CHECK(key, id, scope, origin, platform, passes, reasons)                                   \
	[DSR_CHECK_##key] = {id, scope, origin, platform, passes, reasons, N(reasons)}
#define SVC DSR_SCOPE_SERVICE
#define SRV DSR_SCOPE_SERVER
#define PORT DSR_SCOPE_PORT
#define HOST DSR_SCOPE_HOST
#define AUDIT DSR_BY_AUDIT
#define BOTH (DSR_BY_AUDIT | DSR_BY_ANALYZE)
#define LOCAL DSR_BY_LOCAL

const struct dsr_check_def dsr_checks[DSR_CHECK_COUNT] = {
	CHECK(ARP_RIP, "arp.rip", SRV, BOTH, NULL,
	      "its real address is answered by exactly one MAC, the configured one if given", arp_rip),
	CHECK(ARP_VIP, "arp.vip", SVC, BOTH, NULL,
	      "exactly one owner answers ARP for the VIP within one probe window: a member of the "
	      "balancer set when one is configured (balancer, balancer-mac, vrrp-id; the VRRP virtual "
	      "MAC is one owner), named; members taking turns between requests are a failover, "
	      "reported as an event; on a balancer holding the VIP (also on a vrrp.N macvlan), nobody "
	      "else answers", arp_vip),
	CHECK(ARP_VIP_CLAIM, "arp.vip.claim", SRV, BOTH, NULL,
	      "the server's MAC never answers ARP for the VIP, never announces it (gratuitous ARP), "
	      "never uses it as the sender of its own ARP requests, and stays silent to a unicast "
	      "who-has VIP sent to it", arp_vip_claim),
	CHECK(ARP_VIP_CLAIM_SERVICE, "arp.vip.claim", SVC, BOTH, NULL,
	      "no MAC that is neither the balancer nor a configured (or learned) server claims the VIP",
	      arp_vip_claim_service),
	CHECK(ICMP_RIP, "icmp.rip", SRV, AUDIT, NULL, "echo reply from the real address", icmp_rip),
	CHECK(ICMP_VIP, "icmp.vip", SVC, AUDIT, NULL, "echo reply from the VIP", icmp_vip),
	CHECK(ICMP_VIP_DIRECT, "icmp.vip.direct", SRV, BOTH, NULL,
	      "an echo to the VIP sent to the server's MAC (as the balancer forwards it) is answered "
	      "from the VIP", icmp_vip_direct),
	CHECK(TCP_RIP, "tcp.rip", SRV | PORT, AUDIT, NULL, "a SYN is answered by SYN-ACK", tcp_rip),
	CHECK(TCP_VIP, "tcp.vip", SVC | PORT, AUDIT, NULL,
	      "a SYN to the VIP is answered by SYN-ACK from the VIP", tcp_vip),
	CHECK(TCP_VIP_DIRECT, "tcp.vip.direct", SRV | PORT, BOTH, NULL,
	      "a SYN to the VIP sent to the server's MAC is answered by SYN-ACK from the VIP",
	      tcp_vip_direct),
	CHECK(DSR_RETURN, "dsr.return", SVC | PORT, AUDIT, NULL,
	      "the answer to a client's SYN to the VIP comes from a real server's MAC", dsr_return),
	CHECK(TCP_VIP_CONN, "tcp.vip.conn", SVC | PORT, AUDIT, NULL,
	      "a few real connections of this host's own TCP to the VIP (handshake, then close, no "
	      "payload) complete, every packet of each from one server's MAC and none a RST; off the "
	      "servers' segment, where their MACs cannot be seen, only resets and stalls are judged",
	      tcp_vip_conn),
	CHECK(VRRP_MASTER, "vrrp.master", SVC, BOTH, NULL,
	      "exactly one master advertises the service's vrrp-id at a time (a failover, one master "
	      "after the other, is an event, not a fault)", vrrp_master),
	CHECK(ARP_CONFLICT, "arp.conflict", DSR_SCOPE_ADDRESS, DSR_BY_ANALYZE, NULL,
	      "never: analyze reports only the addresses outside the deployment that two or more MACs "
	      "used", arp_conflict),
	/* The same reasons: dsr_fix gives an nd.* check the Neighbor Discovery remedy. */
	CHECK(ND_CONFLICT, "nd.conflict", DSR_SCOPE_ADDRESS, DSR_BY_ANALYZE, NULL,
	      "never: analyze reports only the IPv6 addresses outside the deployment that two or more "
	      "MACs claimed in Neighbor Discovery", arp_conflict),
	CHECK(ND_RIP, "nd.rip", SRV, BOTH, NULL,
	      "IPv6 (Neighbor Discovery): its real IPv6 address is advertised by exactly one MAC, the "
	      "configured one if given, in answer to a duplicate address detection solicitation", nd_rip),
	CHECK(ND_VIP, "nd.vip", SVC, BOTH, NULL,
	      "IPv6 (Neighbor Discovery): exactly one owner advertises the IPv6 VIP within one probe "
	      "window, a member of the balancer set when one is configured (as arp.vip)", nd_vip),
	CHECK(ND_VIP_CLAIM, "nd.vip.claim", SRV, BOTH, NULL,
	      "IPv6 (Neighbor Discovery): the server's MAC never advertises the IPv6 VIP, never solicits "
	      "from it or runs duplicate address detection for it, and stays silent to a solicitation "
	      "for it sent to its MAC", nd_vip_claim),
	CHECK(ND_VIP_CLAIM_SERVICE, "nd.vip.claim", SVC, BOTH, NULL,
	      "IPv6 (Neighbor Discovery): no MAC that is neither the balancer nor a configured (or "
	      "learned) server claims the IPv6 VIP", nd_vip_claim_service),
	CHECK(ICMP6_RIP, "icmp6.rip", SRV, AUDIT, NULL,
	      "IPv6: echo reply from its real IPv6 address", icmp_rip6),
	CHECK(ICMP6_VIP, "icmp6.vip", SVC, AUDIT, NULL, "IPv6: echo reply from the IPv6 VIP", icmp_vip6),
	CHECK(ICMP6_VIP_DIRECT, "icmp6.vip.direct", SRV, BOTH, NULL,
	      "IPv6: an echo to the IPv6 VIP sent to the server's MAC is answered from the IPv6 VIP",
	      icmp_vip_direct6),
	CHECK(TCP6_RIP, "tcp6.rip", SRV | PORT, AUDIT, NULL,
	      "IPv6: a SYN to its real IPv6 address is answered by SYN-ACK", tcp_rip6),
	CHECK(TCP6_VIP, "tcp6.vip", SVC | PORT, AUDIT, NULL,
	      "IPv6: a SYN to the IPv6 VIP is answered by SYN-ACK from the IPv6 VIP", tcp_vip6),
	CHECK(TCP6_VIP_DIRECT, "tcp6.vip.direct", SRV | PORT, BOTH, NULL,
	      "IPv6: a SYN to the IPv6 VIP sent to the server's MAC is answered by SYN-ACK from the IPv6 "
	      "VIP", tcp_vip_direct6),
	CHECK(DSR6_RETURN, "dsr6.return", SVC | PORT, AUDIT, NULL,
	      "IPv6: the answer to a client's SYN to the IPv6 VIP comes from a real server's MAC",
	      dsr_return6),
	CHECK(TCP6_VIP_CONN, "tcp6.vip.conn", SVC | PORT, AUDIT, NULL,
	      "IPv6: a few real connections of this host's own TCP to the IPv6 VIP, judged as "
	      "tcp.vip.conn's", tcp_vip_conn6),
	CHECK(LOCAL_VIP, "local.vip", HOST, LOCAL, "both",
	      "the VIP is on a loopback (Linux lo or a dummy interface; Windows the loopback adapter) "
	      "with a host mask (/32, 255.255.255.255)", local_vip),
	CHECK(LOCAL_ARP_IGNORE, "local.arp.ignore", HOST, LOCAL, "Linux",
	      "max(all, IFACE) is 1 or 2 on every interface facing the segment (up, IPv4, not loopback "
	      "or dummy)", local_arp_ignore),
	CHECK(LOCAL_ARP_ANNOUNCE, "local.arp.announce", HOST, LOCAL, "Linux",
	      "max(all, IFACE) is 2 (1 passes when the VIP is outside that interface's subnets)",
	      local_arp_announce),
	CHECK(LOCAL_RP_FILTER, "local.rp_filter", HOST, LOCAL, "Linux",
	      "max(all, IFACE) is 0 (off) or 2 (loose), or 1 (strict) on the interface of the default "
	      "route", local_rp_filter),
	CHECK(LOCAL_LOOPBACK_ADAPTER, "local.loopback.adapter", HOST, LOCAL, "Windows",
	      "a Microsoft (KM-TEST) Loopback Adapter is installed", local_loopback_adapter),
	CHECK(LOCAL_WEAKHOST_RECEIVE, "local.weakhost.receive", HOST, LOCAL, "Windows",
	      "weak host receive is enabled on every NIC facing the segment and on the loopback adapter",
	      local_weakhost_receive),
	CHECK(LOCAL_WEAKHOST_SEND, "local.weakhost.send", HOST, LOCAL, "Windows",
	      "weak host send is enabled on the loopback adapter", local_weakhost_send),
	CHECK(LOCAL_IP_CONFLICT, "local.ip.conflict", HOST, LOCAL, "Windows",
	      "the System event log has no IP address conflict (Tcpip event 4199)", local_ip_conflict),
	CHECK(LOCAL_IIS_BINDING, "local.iis.binding", HOST | PORT, LOCAL, "Windows",
	      "a site of applicationHost.config binds the port to the VIP, * or all unassigned",
	      local_iis_binding),
	CHECK(LOCAL_LISTEN, "local.listen", HOST | PORT, LOCAL, "both",
	      "a socket listens on VIP:P, 0.0.0.0:P or (Linux) the dual-stack ::", local_listen),
	CHECK(LOCAL_FIREWALL, "local.firewall", HOST | PORT, LOCAL, "both",
	      "Linux: no rule of nft list ruleset / iptables-save drops a new connection to VIP:P "
	      "arriving on a facing interface; Windows: the firewall is off in every profile, or an "
	      "allow rule covers VIP:P in every profile that is on", local_firewall),
	/* IPv6: run when a VIP6 is given; each id's first word is its IPv4 twin's with 6 appended */
	CHECK(LOCAL_VIP6, "local6.vip", HOST, LOCAL, "both",
	      "IPv6 (each IPv6 check's id is its IPv4 twin's with 6 on the first word): the VIP6 is on a loopback "
	      "(Linux lo or a dummy interface; Windows the loopback adapter) as a /128, neither "
	      "tentative nor dadfailed, and on no interface facing the segment", local_vip6),
	CHECK(LOCAL_PROXY_NDP, "local6.proxy_ndp", HOST, LOCAL, "Linux",
	      "IPv6 only: proxy_ndp (all or IFACE) is off on every interface facing the segment, or "
	      "no proxy entry (ip -6 neigh show proxy) names the VIP6 there; the ARP sysctls have no "
	      "IPv6 counterpart: a VIP6 on lo is never answered", local_proxy_ndp),
	CHECK(LOCAL_WEAKHOST6_RECEIVE, "local6.weakhost.receive", HOST, LOCAL, "Windows",
	      "weak host receive is enabled for IPv6 on every NIC facing the segment and on the "
	      "loopback adapter", local_weakhost6_receive),
	CHECK(LOCAL_WEAKHOST6_SEND, "local6.weakhost.send", HOST, LOCAL, "Windows",
	      "weak host send is enabled for IPv6 on the loopback adapter", local_weakhost6_send),
	CHECK(LOCAL_LISTEN6, "local6.listen", HOST | PORT, LOCAL, "both",
	      "a socket listens on [VIP6]:P or [::]:P", local_listen6),
	CHECK(LOCAL_FIREWALL6, "local6.firewall", HOST | PORT, LOCAL, "both",
	      "Linux: no rule of an ip6 or inet table (nft) or of ip6tables-save drops a new "
	      "connection to [VIP6]:P arriving on a facing interface; Windows: the firewall is off in "
	      "every profile, or an allow rule covers [VIP6]:P (LA6, or no local address) in every "
	      "profile that is on", local_firewall6),
	CHECK(LOCAL_IIS_BINDING6, "local6.iis.binding", HOST | PORT, LOCAL, "Windows",
	      "a site of applicationHost.config binds the port to the VIP6 ([VIP6]:P), * or all "
	      "unassigned", local_iis_binding),
};

const struct dsr_check_def *dsr_check_find(const char *id)
{
	for (size_t i = 0; id && i < DSR_CHECK_COUNT; i++)
		if (strcmp(dsr_checks[i].id, id) == 0)
			return &dsr_checks[i];
	return NULL;
}

bool dsr_catalogue_lists(const char *id, bool per_server, enum dsr_status status,
			 const char *reason)
{
	for (size_t i = 0; id && i < DSR_CHECK_COUNT; i++) {
		const struct dsr_check_def *d = &dsr_checks[i];
		if (strcmp(d->id, id) != 0 ||
		    ((d->scope & (DSR_SCOPE_SERVER | DSR_SCOPE_HOST)) != 0) != per_server)
			continue;
		if (status == DSR_PASS && !reason)
			return true;
		for (size_t r = 0; reason && r < d->nreasons; r++)
			if (d->reasons[r].status == status &&
			    strcmp(dsr_reason_names[d->reasons[r].reason], reason) == 0)
				return true;
	}
	return false;
}

bool dsr_catalogue_has(const struct dsr_check *c)
{
	return dsr_catalogue_lists(c->id, c->server != NULL, c->status, c->reason);
}

/* ---- rendering remedies -------------------------------------------------- */

struct sink {
	char *buf;
	size_t cap, len;
};

static void put(struct sink *s, const char *text, size_t n)
{
	for (size_t i = 0; i < n && s->len + 1 < s->cap; i++)
		s->buf[s->len++] = text[i];
	if (s->cap)
		s->buf[s->len] = '\0';
}

#define ARG(name) {#name, offsetof(struct dsr_fix_args, name)}
static const struct {
	const char *name;
	size_t offset;
} arg_fields[] = {
	ARG(vip), ARG(addr), ARG(port), ARG(endpoint), ARG(mac), ARG(from), ARG(iface),
	ARG(prefix), ARG(add), ARG(lo), ARG(key), ARG(value), ARG(list), ARG(more),
	ARG(table), ARG(chain), ARG(rule), ARG(proto), ARG(site),
};

static const char *arg(const struct dsr_fix_args *a, const char *name, size_t len)
{
	for (size_t i = 0; a && i < N(arg_fields); i++)
		if (strlen(arg_fields[i].name) == len && memcmp(arg_fields[i].name, name, len) == 0) {
			const char *v = *(const char *const *)((const char *)a + arg_fields[i].offset);
			return v && *v ? v : NULL;
		}
	return NULL;
}

static const struct dsr_fix_def *fix_named(const char *name, size_t len)
{
	for (size_t i = 0; i < DSR_FIX_COUNT; i++)
		if (strlen(dsr_fixes[i].name) == len && memcmp(dsr_fixes[i].name, name, len) == 0)
			return &dsr_fixes[i];
	return NULL;
}

static const char *text_for(const struct dsr_fix_def *f, bool windows)
{
	if (f->any)
		return f->any;
	return windows ? f->windows_text : f->linux_text;
}

/* The end of the template part that starts at p (just past a '{'). */
static const char *closing(const char *p)
{
	int depth = 1;

	for (; *p; p++) {
		if (*p == '{')
			depth++;
		else if (*p == '}' && --depth == 0)
			return p;
	}
	return p;
}

static void render(struct sink *s, const char *t, size_t n, bool windows,
		   const struct dsr_fix_args *a, int depth)
{
	const char *end = t + n;

	while (t < end) {
		const char *open = memchr(t, '{', (size_t)(end - t));
		if (!open) {
			put(s, t, (size_t)(end - t));
			return;
		}
		put(s, t, (size_t)(open - t));
		const char *close = closing(open + 1);
		const char *body = open + 1;
		if (*body == '?' || *body == '!') {
			const char *colon = memchr(body, ':', (size_t)(close - body));
			if (colon) {
				bool set = arg(a, body + 1, (size_t)(colon - body - 1)) != NULL;
				if (set == (*body == '?'))
					render(s, colon + 1, (size_t)(close - colon - 1), windows, a, depth);
			}
		} else if (*body == '=') {
			const struct dsr_fix_def *f = fix_named(body + 1, (size_t)(close - body - 1));
			const char *text = f ? text_for(f, windows) : NULL;
			if (text && depth < 4)
				render(s, text, strlen(text), windows, a, depth + 1);
		} else {
			const char *v = arg(a, body, (size_t)(close - body));
			if (v)
				put(s, v, strlen(v));
		}
		t = *close ? close + 1 : close;
	}
}

static void render_text(char *out, size_t cap, const char *t, bool windows,
			const struct dsr_fix_args *a)
{
	struct sink s = {out, cap, 0};

	if (cap)
		out[0] = '\0';
	if (t)
		render(&s, t, strlen(t), windows, a, 0);
}

/* The remedy of fix for platform, in out[cap]. */
static void fix_text(char *out, size_t cap, enum dsr_fix fix, enum dsr_platform platform,
		     const struct dsr_fix_args *a)
{
	const struct dsr_fix_def *f = &dsr_fixes[fix];
	char linux_text[1200], windows_text[1200];

	out[0] = '\0';
	if (f->any || !f->linux_text || !f->windows_text) {
		bool windows = !f->linux_text || platform == DSR_PLATFORM_WINDOWS ||
			       platform == DSR_PLATFORM_WINDOWS_GUESSED;
		render_text(out, cap, text_for(f, windows), windows, a);
		return;
	}
	render_text(linux_text, sizeof(linux_text), f->linux_text, false, a);
	render_text(windows_text, sizeof(windows_text), f->windows_text, true, a);
	switch (platform) {
	case DSR_PLATFORM_LINUX:
		snprintf(out, cap, "%s", linux_text);
		break;
	case DSR_PLATFORM_WINDOWS:
		snprintf(out, cap, "%s", windows_text);
		break;
	case DSR_PLATFORM_LINUX_GUESSED:
		snprintf(out, cap, "Linux/BSD (guessed from the TTL of its replies): %s.", linux_text);
		break;
	case DSR_PLATFORM_WINDOWS_GUESSED:
		snprintf(out, cap, "Windows (guessed from the TTL of its replies): %s.", windows_text);
		break;
	case DSR_PLATFORM_UNKNOWN:
		snprintf(out, cap, "Linux: %s. Windows: %s.", linux_text, windows_text);
		break;
	}
}

static void note_platform(struct dsr_check *c, enum dsr_fix fix, enum dsr_platform platform)
{
	const struct dsr_fix_def *f = &dsr_fixes[fix];

	if (!f->linux_text || !f->windows_text)
		return;
	if (platform == DSR_PLATFORM_LINUX_GUESSED)
		dsr_evidence_str(c, "platform", "linux (guessed from reply TTL)");
	else if (platform == DSR_PLATFORM_WINDOWS_GUESSED)
		dsr_evidence_str(c, "platform", "windows (guessed from reply TTL)");
}

void dsr_fix_render(char *out, size_t cap, enum dsr_fix fix, enum dsr_platform platform,
		    const struct dsr_fix_args *a)
{
	if (cap)
		fix_text(out, cap, fix, platform, a);
}

/* Is c one of the Neighbor Discovery checks (nd.*), the IPv6 side of ARP's? */
static bool is_nd(const struct dsr_check *c)
{
	return c->id && strncmp(c->id, "nd.", 3) == 0;
}

bool dsr_check_is_ipv6(const struct dsr_check *c)
{
	size_t word = c->id ? strcspn(c->id, ".") : 0;
	return is_nd(c) || (word > 0 && c->id[word - 1] == '6');
}

enum dsr_fix dsr_fix_ipv6(enum dsr_fix fix)
{
	static const enum dsr_fix v6[DSR_FIX_COUNT] = {
		[DSR_FIX_VIP_ARP_LEAK] = DSR_FIX_ND_VIP_LEAK,
		[DSR_FIX_VIP_ARP_SILENT] = DSR_FIX_ND_VIP_SILENT,
		[DSR_FIX_VIP_WRONG_OWNER] = DSR_FIX_ND_VIP_WRONG_OWNER,
		[DSR_FIX_ADDRESS_CONFLICT] = DSR_FIX_ND_ADDRESS_CONFLICT,
		[DSR_FIX_RIP_ARP_SILENT] = DSR_FIX_ND_RIP_SILENT,
		[DSR_FIX_VIP_NOT_ACCEPTED] = DSR_FIX_VIP6_NOT_ACCEPTED,
		[DSR_FIX_VIP_NOT_BOUND] = DSR_FIX_VIP6_NOT_BOUND,
		[DSR_FIX_CONN_STALLED] = DSR_FIX_CONN6_STALLED,
	};
	return v6[fix] ? v6[fix] : fix;
}

/* The remedy for c: IPv6's checks share IPv4's judges, and get the IPv6
 * counterpart of a remedy that names IPv4's (or ARP's) commands. */
static enum dsr_fix for_family(const struct dsr_check *c, enum dsr_fix fix)
{
	return dsr_check_is_ipv6(c) ? dsr_fix_ipv6(fix) : fix;
}

void dsr_fix(struct dsr_check *c, enum dsr_fix fix, enum dsr_platform platform,
	     const struct dsr_fix_args *a)
{
	char text[2048];

	fix = for_family(c, fix);
	note_platform(c, fix, platform);
	fix_text(text, sizeof(text), fix, platform, a);
	dsr_check_remedy(c, "%s", text);
}

void dsr_fix_append(struct dsr_check *c, enum dsr_fix fix, enum dsr_platform platform,
		    const struct dsr_fix_args *a)
{
	char text[2048];

	fix = for_family(c, fix);
	note_platform(c, fix, platform);
	fix_text(text, sizeof(text), fix, platform, a);
	dsr_check_remedy_append(c, "%s", text);
}

/* ---- shared verdicts ----------------------------------------------------- */

void dsr_verdict_conflict(struct dsr_check *c, enum dsr_reason reason, const char *addr, bool vip)
{
	c->status = DSR_FAIL;
	c->reason = dsr_reason_names[reason];
	if (vip)
		/* Which server is at fault is for arp.vip.claim to say; here, both fixes. */
		dsr_fix(c, DSR_FIX_VIP_ARP_LEAK, DSR_PLATFORM_UNKNOWN,
			&(struct dsr_fix_args){.vip = addr});
	else
		dsr_fix(c, DSR_FIX_ADDRESS_CONFLICT, DSR_PLATFORM_UNKNOWN,
			&(struct dsr_fix_args){.addr = addr});
}

void dsr_verdict_split_brain(struct dsr_check *c, const char *vip, const char *owners)
{
	c->status = DSR_FAIL;
	c->reason = DSR_REASON(SPLIT_BRAIN);
	dsr_fix(c, DSR_FIX_SPLIT_BRAIN, DSR_PLATFORM_UNKNOWN,
		&(struct dsr_fix_args){.vip = vip, .from = owners});
}

void dsr_verdict_base_mac(struct dsr_check *c, const char *vip, const char *balancer, const char *mac)
{
	c->status = DSR_FAIL;
	c->reason = DSR_REASON(BASE_MAC);
	dsr_fix(c, DSR_FIX_BASE_MAC, DSR_PLATFORM_UNKNOWN,
		&(struct dsr_fix_args){.vip = vip, .from = balancer, .mac = mac});
}

void dsr_verdict_wrong_owner(struct dsr_check *c, const char *addr, const char *mac, bool vip)
{
	c->status = DSR_FAIL;
	c->reason = vip ? DSR_REASON(WRONG_OWNER) : DSR_REASON(WRONG_MAC);
	dsr_fix(c, vip ? DSR_FIX_VIP_WRONG_OWNER : DSR_FIX_WRONG_MAC, DSR_PLATFORM_UNKNOWN,
		&(struct dsr_fix_args){.vip = addr, .addr = addr, .mac = mac});
}

void dsr_verdict_unknown_host(struct dsr_check *c, const char *mac, const char *vip)
{
	c->status = DSR_FAIL;
	c->reason = DSR_REASON(UNKNOWN_HOST);
	dsr_check_summary(c, "%s, neither the balancer nor a configured server, claimed %s", mac, vip);
	dsr_fix(c, DSR_FIX_UNKNOWN_HOST, DSR_PLATFORM_UNKNOWN,
		&(struct dsr_fix_args){.mac = mac, .vip = vip});
}

enum dsr_claim_kind dsr_claim_kind_of(uint16_t arp_op, uint32_t spa, uint32_t tpa)
{
	if (tpa == spa)
		return DSR_CLAIM_ANNOUNCE;
	return arp_op == DSR_ARP_REPLY ? DSR_CLAIM_REPLY : DSR_CLAIM_REQUEST;
}

void dsr_verdict_claimed(struct dsr_check *c, const char *mac, enum dsr_claim_kind kind,
			 const char *vip, unsigned long n, enum dsr_platform platform)
{
	static const char *const words[] = {
		[DSR_CLAIM_REPLY] = "answered ARP for",
		[DSR_CLAIM_ANNOUNCE] = "announced",
		[DSR_CLAIM_REQUEST] = "used as ARP sender address",
	};
	static const char *const nd_words[] = {
		[DSR_CLAIM_REPLY] = "advertised",
		[DSR_CLAIM_ANNOUNCE] = "ran duplicate address detection for",
		[DSR_CLAIM_REQUEST] = "solicited neighbours from",
	};

	c->status = DSR_FAIL;
	c->reason = DSR_REASON(CLAIMED);
	dsr_check_summary(c, "%s %s %s in %lu %s frame%s", mac, (is_nd(c) ? nd_words : words)[kind], vip, n,
			  is_nd(c) ? "Neighbor Discovery" : "ARP", n == 1 ? "" : "s");
	dsr_fix(c, DSR_FIX_VIP_ARP_LEAK, platform, &(struct dsr_fix_args){.vip = vip});
}

void dsr_verdict_wrong_source(struct dsr_check *c, const char *addr, const char *port,
			      enum dsr_platform platform)
{
	c->status = DSR_FAIL;
	c->reason = DSR_REASON(WRONG_SOURCE);
	dsr_fix(c, DSR_FIX_WRONG_SOURCE, platform, &(struct dsr_fix_args){.vip = addr, .port = port});
}

/* ---- writers ------------------------------------------------------------- */

static const char *const scope_names[] = {"service", "server", "port", "host", "address"};
static const char *const origin_names[] = {"audit", "analyze", "local"};

static void put_bits(FILE *out, unsigned bits, const char *const *names, size_t n, const char *sep,
		     const char *quote)
{
	bool first = true;

	for (size_t i = 0; i < n; i++)
		if (bits & (1u << i)) {
			fprintf(out, "%s%s%s%s", first ? "" : sep, quote, names[i], quote);
			first = false;
		}
}

/* Is entry i the first of its id (arp.vip.claim has two)? */
static bool first_of_id(size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (strcmp(dsr_checks[k].id, dsr_checks[i].id) == 0)
			return false;
	return true;
}

static void write_json(FILE *out)
{
	fputs("{\n  \"schema\": \"dsrcheck-checks/1\",\n  \"checks\": [", out);
	for (size_t i = 0; i < DSR_CHECK_COUNT; i++) {
		const struct dsr_check_def *d = &dsr_checks[i];
		fprintf(out, "%s\n    {\"id\": ", i ? "," : "");
		dsr_json_string(out, d->id);
		fputs(", \"per\": [", out);
		put_bits(out, d->scope, scope_names, N(scope_names), ", ", "\"");
		fputs("], \"by\": [", out);
		put_bits(out, d->origin, origin_names, N(origin_names), ", ", "\"");
		fputs("], \"platform\": ", out);
		dsr_json_string(out, d->platform);
		fputs(", \"passes\": ", out);
		dsr_json_string(out, d->passes);
		fputs(", \"reasons\": [", out);
		for (size_t r = 0; r < d->nreasons; r++) {
			const struct dsr_reason_def *rd = &d->reasons[r];
			const struct dsr_fix_def *f = &dsr_fixes[rd->fix];
			fprintf(out, "%s\n      {\"reason\": ", r ? "," : "");
			dsr_json_string(out, dsr_reason_names[rd->reason]);
			fprintf(out, ", \"status\": \"%s\", \"means\": ", dsr_status_name(rd->status));
			dsr_json_string(out, rd->means);
			fputs(", \"remedy\": ", out);
			if (rd->fix == DSR_FIX_NONE) {
				fputs("null}", out);
				continue;
			}
			fputs("{\"any\": ", out);
			dsr_json_string(out, f->any);
			fputs(", \"linux\": ", out);
			dsr_json_string(out, f->linux_text);
			fputs(", \"windows\": ", out);
			dsr_json_string(out, f->windows_text);
			fputs("}}", out);
		}
		fputs(d->nreasons ? "\n    ]}" : "]}", out);
	}
	fputs("\n  ]\n}\n", out);
}

static void write_text(FILE *out)
{
	for (size_t i = 0; i < DSR_CHECK_COUNT; i++) {
		const struct dsr_check_def *d = &dsr_checks[i];
		fprintf(out, "%s%s (per ", i ? "\n" : "", d->id);
		put_bits(out, d->scope, scope_names, N(scope_names), ", ", "");
		fputs("; ", out);
		put_bits(out, d->origin, origin_names, N(origin_names), ", ", "");
		if (d->platform)
			fprintf(out, "; %s", d->platform);
		fprintf(out, ")\n  passes: %s\n", d->passes);
		for (size_t r = 0; r < d->nreasons; r++) {
			const struct dsr_reason_def *rd = &d->reasons[r];
			const struct dsr_fix_def *f = &dsr_fixes[rd->fix];
			fprintf(out, "  %s %s: %s\n", dsr_status_name(rd->status),
				dsr_reason_names[rd->reason], rd->means);
			if (f->any)
				fprintf(out, "    fix: %s\n", f->any);
			if (f->linux_text)
				fprintf(out, "    fix (Linux): %s\n", f->linux_text);
			if (f->windows_text)
				fprintf(out, "    fix (Windows): %s\n", f->windows_text);
		}
	}
}

static void put_str(struct sink *s, const char *text)
{
	put(s, text, strlen(text));
}

/* roff: a hyphen is \-, a backslash \e. */
static void roff_text(struct sink *s, const char *text)
{
	for (; *text; text++)
		put_str(s, *text == '-' ? "\\-" : *text == '\\' ? "\\e" : (char[2]){*text, 0});
}

/* The reasons of d as the documentation lists them: grouped by status,
 * "fail `a` (means), `b` (means), warn `c` (means)"; roff writes \fBa\fR. */
static void doc_reasons(struct sink *s, const struct dsr_check_def *d, bool roff)
{
	static const enum dsr_status order[] = {DSR_FAIL, DSR_WARN, DSR_SKIP};
	bool any = false;

	for (size_t o = 0; o < N(order); o++) {
		bool first = true;
		for (size_t r = 0; r < d->nreasons; r++) {
			const struct dsr_reason_def *rd = &d->reasons[r];
			if (rd->status != order[o])
				continue;
			put_str(s, any ? ", " : "");
			if (first) {
				put_str(s, dsr_status_name(order[o]));
				put_str(s, " ");
			}
			put_str(s, roff ? "\\fB" : "`");
			(roff ? roff_text : put_str)(s, dsr_reason_names[rd->reason]);
			put_str(s, roff ? "\\fR (" : "` (");
			(roff ? roff_text : put_str)(s, rd->means);
			put_str(s, ")");
			first = false;
			any = true;
		}
	}
}

static void doc_per(FILE *out, const struct dsr_check_def *d)
{
	put_bits(out, d->scope, scope_names, N(scope_names), ", ", "");
}

static void write_markdown(FILE *out, bool local)
{
	fputs(local ? "| id | platform | per | passes when | not passing |\n|---|---|---|---|---|\n"
		    : "| id | per | passes when | not passing |\n|---|---|---|---|\n",
	      out);
	for (size_t i = 0; i < DSR_CHECK_COUNT; i++) {
		const struct dsr_check_def *d = &dsr_checks[i];
		char text[4096];
		struct sink reasons = {text, sizeof(text), 0};
		if (((d->origin & DSR_BY_LOCAL) != 0) != local)
			continue;
		fprintf(out, "| `%s` | ", d->id);
		if (local)
			fprintf(out, "%s | ", d->platform);
		doc_per(out, d);
		doc_reasons(&reasons, d, false);
		fprintf(out, " | %s | %s |\n", d->passes, text);
	}
}

/* Filled text at most 80 bytes a line, as man page linters want it. */
static void put_filled(FILE *out, const char *text)
{
	while (*text) {
		size_t n = strlen(text), cut = n;
		if (n > 80) {
			cut = 80;
			while (cut > 0 && text[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = strcspn(text, " ");
		}
		fprintf(out, "%.*s\n", (int)cut, text);
		text += cut;
		text += strspn(text, " ");
	}
}

static void write_man(FILE *out, bool local)
{
	for (size_t i = 0; i < DSR_CHECK_COUNT; i++) {
		const struct dsr_check_def *d = &dsr_checks[i];
		char text[4096];
		struct sink para = {text, sizeof(text), 0};
		if (((d->origin & DSR_BY_LOCAL) != 0) != local)
			continue;
		fprintf(out, ".TP\n.BR %s \" (", d->id);
		if (local && strcmp(d->platform, "both") != 0)
			fprintf(out, "%s, ", d->platform);
		fputs("per ", out);
		doc_per(out, d);
		fputs(")\"\n", out);
		put_str(&para, "Passes when ");
		roff_text(&para, d->passes);
		put_str(&para, ".");
		if (d->nreasons) {
			put_str(&para, " Otherwise ");
			doc_reasons(&para, d, true);
			put_str(&para, ".");
		}
		put_filled(out, text);
	}
}

int dsr_catalogue_write(FILE *out, const char *format)
{
	if (!format || strcmp(format, "text") == 0)
		write_text(out);
	else if (strcmp(format, "json") == 0)
		write_json(out);
	else if (strcmp(format, "markdown-audit") == 0 || strcmp(format, "markdown-local") == 0)
		write_markdown(out, strcmp(format, "markdown-local") == 0);
	else if (strcmp(format, "man-audit") == 0 || strcmp(format, "man-local") == 0)
		write_man(out, strcmp(format, "man-local") == 0);
	else
		return -1;
	return ferror(out) ? -1 : 0;
}

int dsr_catalogue_write_ids(FILE *out, unsigned origin, const char *indent, int width)
{
	int col = 0;

	for (size_t i = 0; i < DSR_CHECK_COUNT; i++) {
		const struct dsr_check_def *d = &dsr_checks[i];
		int len = (int)strlen(d->id);
		if (!(d->origin & origin) || !first_of_id(i))
			continue;
		if (col && col + 1 + len > width) {
			fprintf(out, "\n%s", indent);
			col = (int)strlen(indent);
		} else if (col) {
			fputc(' ', out);
			col++;
		}
		fputs(d->id, out);
		col += len;
	}
	fputc('\n', out);
	return ferror(out) ? -1 : 0;
}
