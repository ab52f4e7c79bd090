/* The catalogue of findings (diagnose.h): each kind's name, its words, and
 * its remedy (a template of the checks' catalogue). The rules that produce
 * them are diagnose.c's. Names are a public contract, like check ids. */
#include "diagnose.h"

#define F(kind, name, title, detail, fix) [DSR_FINDING_##kind] = {name, title, detail, DSR_FIX_##fix, false}
/* The same, for a kind whose summary names its ports. */
#define P(kind, name, title, detail, fix) [DSR_FINDING_##kind] = {name, title, detail, DSR_FIX_##fix, true}

const struct dsr_finding_def dsr_finding_defs[DSR_FINDING_COUNT] = {
	F(SPLIT_BRAIN, "split-brain", "two balancers own the VIP at once", NULL, SPLIT_BRAIN),
	F(NO_MASTER, "no-master", "no balancer advertises the VRRP group", NULL, NO_MASTER),
	F(BALANCER_NOT_OWNER, "balancer-not-owner", "the balancer does not own the VIP", NULL,
	  VIP_ARP_SILENT),
	F(BASE_MAC, "base-mac", "a balancer claims the VIP with its own MAC, not the VRRP virtual MAC",
	  NULL, BASE_MAC),
	F(UNKNOWN_CLAIMS_VIP, "unknown-claims-vip",
	  "a host that is neither a balancer nor a real server claims the VIP", NULL, UNKNOWN_HOST),
	F(SERVER_CLAIMS_VIP, "server-claims-vip", "answers or announces ARP for the VIP",
	  "clients and the balancer's neighbours may send VIP traffic straight to it", VIP_ARP_LEAK),
	P(PER_PACKET, "per-packet", "the balancer spreads one connection over several servers", NULL,
	  PER_PACKET),
	F(ADDRESS_CONFLICT, "address-conflict", "its real address is used by another MAC too", NULL,
	  NONE),
	F(SERVER_DOWN, "server-down", "down or unreachable: its real address does not answer",
	  NULL, NONE),
	F(VIP_DROPPED, "vip-dropped",
	  "frames for the VIP at its MAC go unanswered while its real address answers",
	  "the VIP is missing on its loopback, a firewall drops them, or (Windows) weak host "
	  "receive or send is off; dsrcheck local on it tells which", VIP_NOT_ACCEPTED),
	F(VIP_NOT_ON_LOOPBACK, "vip-not-on-loopback",
	  "the VIP is not on the loopback, so frames for it are not accepted", NULL, NONE),
	F(WEAK_HOST, "weak-host", "the weak host model is off where the VIP's traffic passes",
	  "a frame for the VIP is dropped on the way in (weakhostreceive) or its reply on the way "
	  "out (weakhostsend)", NONE),
	F(FIREWALL, "firewall", "a firewall drops traffic to the VIP", NULL, NONE),
	P(NOT_BOUND, "not-bound", "the application is not bound to the VIP",
	  "it refuses connections to the VIP", VIP_NOT_BOUND),
	P(NOT_LISTENING, "not-listening", "no application listens",
	  "neither on the real address nor on the VIP", NOT_LISTENING),
	F(WRONG_SOURCE, "wrong-source", "replies to the VIP leave with another source address",
	  NULL, WRONG_SOURCE),
	P(CONN_BROKEN, "conn-broken", "connections through the VIP break after the handshake", NULL,
	  NONE),
	P(VIA_BALANCER, "via-balancer", "replies come back through the balancer",
	  "not straight from the servers: NAT or a proxy, not DSR", VIA_BALANCER),
	F(UNVERIFIED_OWNER, "unverified-owner", "the VIP's owner could not be confirmed as the balancer",
	  NULL, NONE),
	F(CHECK, "check", "a failing check", NULL, NONE),
};
