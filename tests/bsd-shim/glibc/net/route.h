/* COMPILE-CHECK SHIM (tests/bsd-shim/README.md): not a system header.
 * The routing-socket message header and constants, with the field order and
 * types of FreeBSD's, OpenBSD's and NetBSD's <net/route.h>. Metrics are
 * reduced to what keeps the layouts honest; nothing here is for running. */
#ifndef DSR_SHIM_NET_ROUTE_H
#define DSR_SHIM_NET_ROUTE_H

#include <stdint.h>
#include <sys/types.h>

#if defined(__OpenBSD__)
struct rt_metrics {
	uint64_t rmx_pksent;
	int64_t rmx_expire;
	unsigned int rmx_locks;
	unsigned int rmx_mtu;
	unsigned int rmx_refcnt;
	unsigned int rmx_hopcount;
	unsigned int rmx_recvpipe;
	unsigned int rmx_sendpipe;
	unsigned int rmx_ssthresh;
	unsigned int rmx_rtt;
	unsigned int rmx_rttvar;
	unsigned int rmx_pad;
};
struct rt_msghdr {
	unsigned short rtm_msglen;
	unsigned char rtm_version;
	unsigned char rtm_type;
	unsigned short rtm_hdrlen;
	unsigned short rtm_index;
	unsigned short rtm_tableid;
	unsigned char rtm_priority;
	unsigned char rtm_mpls;
	int rtm_addrs;
	int rtm_flags;
	int rtm_fmask;
	pid_t rtm_pid;
	int rtm_seq;
	int rtm_errno;
	unsigned int rtm_inits;
	struct rt_metrics rtm_rmx;
};
#define RTM_VERSION 5
#elif defined(__NetBSD__)
struct rt_metrics {
	uint64_t rmx_locks;
	uint64_t rmx_mtu;
	uint64_t rmx_hopcount;
	uint64_t rmx_recvpipe;
	uint64_t rmx_sendpipe;
	uint64_t rmx_ssthresh;
	uint64_t rmx_rtt;
	uint64_t rmx_rttvar;
	int64_t rmx_expire;
	int64_t rmx_pksent;
};
struct rt_msghdr {
	unsigned short rtm_msglen __attribute__((aligned(8)));
	unsigned char rtm_version;
	unsigned char rtm_type;
	unsigned short rtm_index;
	int rtm_flags;
	int rtm_addrs;
	pid_t rtm_pid;
	int rtm_seq;
	int rtm_errno;
	int rtm_use;
	int rtm_inits;
	struct rt_metrics rtm_rmx __attribute__((aligned(8)));
};
#define RTM_VERSION 4
#else /* FreeBSD */
struct rt_metrics {
	unsigned long rmx_locks;
	unsigned long rmx_mtu;
	unsigned long rmx_hopcount;
	unsigned long rmx_expire;
	unsigned long rmx_recvpipe;
	unsigned long rmx_sendpipe;
	unsigned long rmx_ssthresh;
	unsigned long rmx_rtt;
	unsigned long rmx_rttvar;
	unsigned long rmx_pksent;
	unsigned long rmx_weight;
	unsigned long rmx_nhidx;
	unsigned long rmx_filler[2];
};
struct rt_msghdr {
	unsigned short rtm_msglen;
	unsigned char rtm_version;
	unsigned char rtm_type;
	unsigned short rtm_index;
	unsigned short _rtm_spare1;
	int rtm_flags;
	int rtm_addrs;
	pid_t rtm_pid;
	int rtm_seq;
	int rtm_errno;
	int rtm_fmask;
	unsigned long rtm_inits;
	struct rt_metrics rtm_rmx;
};
#define RTM_VERSION 5
#endif

#define RTF_UP 0x1
#define RTF_GATEWAY 0x2
#define RTF_HOST 0x4
#define RTF_REJECT 0x8
#define RTF_STATIC 0x800
#define RTF_BLACKHOLE 0x1000

#define RTM_GET 0x4

#define RTA_DST 0x1
#define RTA_GATEWAY 0x2
#define RTA_NETMASK 0x4
#define RTA_GENMASK 0x8
#define RTA_IFP 0x10
#define RTA_IFA 0x20

#define RTAX_DST 0
#define RTAX_GATEWAY 1
#define RTAX_NETMASK 2
#define RTAX_GENMASK 3
#define RTAX_IFP 4
#define RTAX_IFA 5

#endif
