/* The fixes dsrcheck proposes, in one place so that every check words them the
 * same way, following the preparation steps operators already know (the
 * vendor's Windows procedure; arp_ignore/arp_announce and lo on Linux). */
#ifndef DSR_REMEDY_H
#define DSR_REMEDY_H

#include "probe.h"

enum dsr_fault {
	DSR_FAULT_VIP_ARP_LEAK,     /* a real server answers or announces ARP for the VIP */
	DSR_FAULT_VIP_NOT_ACCEPTED, /* frames for the VIP are dropped by the server */
	DSR_FAULT_VIP_NOT_BOUND,    /* the application refuses connections to the VIP */
	DSR_FAULT_WRONG_SOURCE,     /* replies leave with the real address, not the VIP */
};

/* Writes the remedy for fault on a server guessed to run os into out->remedy,
 * and records the guess as evidence. vip and port (-1 for none) fill the commands. */
void dsr_remedy(struct dsr_check *out, enum dsr_fault fault, enum dsr_os_guess os, const char *vip,
		int port);

#endif
