/* Leaving root on POSIX systems (Linux and the BSDs, through their
 * dsr_platform_drop_privileges): the process becomes the user who asked for
 * root, or nobody, the way tcpdump's -Z does, and proves that root is out of
 * reach. Root that merely lacks capabilities still owns every root-owned file. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform.h"

/* A user or group id from the environment sudo leaves behind: digits only,
 * never root, never the (uid_t)-1 that means "unchanged" to setuid. */
static bool parse_id(const char *s, unsigned long *id)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*id = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0' && *id != 0 && *id < (unsigned long)UINT_MAX;
}

/* Whom to become: the user who asked for root (sudo's SUDO_UID/SUDO_GID,
 * doas's DOAS_USER), else "nobody". The environment is only trusted when the
 * real user is root already (sudo, doas, a root shell): in a set-user-ID-root
 * binary the caller writes it, and there the real ids are the answer. */
static int choose_user(uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
	const struct passwd *pw;
	unsigned long id, gid_env;
	const char *doas;

	if (getuid() != 0) {
		*uid = getuid();
		*gid = getgid();
		return 0;
	}
	if (parse_id(getenv("SUDO_UID"), &id)) {
		*uid = (uid_t)id;
		if (parse_id(getenv("SUDO_GID"), &gid_env))
			*gid = (gid_t)gid_env;
		else if ((pw = getpwuid(*uid)) != NULL && pw->pw_gid != 0)
			*gid = pw->pw_gid;
		else {
			snprintf(err, errlen, "cannot drop privileges: no group for SUDO_UID %lu", id);
			return -1;
		}
		return 0;
	}
	doas = getenv("DOAS_USER");
	if (doas && doas[0] && (pw = getpwnam(doas)) != NULL && pw->pw_uid != 0 && pw->pw_gid != 0) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
		return 0;
	}
	if ((pw = getpwnam("nobody")) == NULL || pw->pw_uid == 0 || pw->pw_gid == 0) {
		snprintf(err, errlen,
			 "cannot drop privileges: no user 'nobody' to switch to (run dsrcheck with sudo)");
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

bool dsr_platform_leaves_root(void)
{
	return geteuid() == 0;
}

/* Supplementary groups go too (they may hold disk, adm or wheel); the invoking
 * user's own groups are not taken on. */
int dsr_platform_leave_root(char *err, size_t errlen)
{
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0) {
		/* The capture was opened through capabilities or a device's
		 * permissions: nothing that setuid can give up, unless the binary is
		 * set-ID. */
		if ((getegid() != getgid() && setgid(getgid()) < 0) ||
		    (geteuid() != getuid() && setuid(getuid()) < 0)) {
			snprintf(err, errlen, "cannot drop privileges: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	if (choose_user(&uid, &gid, err, errlen) < 0)
		return -1;
	if (setgroups(1, &gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
		snprintf(err, errlen, "cannot drop privileges: %s", strerror(errno));
		return -1;
	}
	if (setuid(0) == 0 || seteuid(0) == 0 || geteuid() == 0 || getuid() == 0 ||
	    setgid(0) == 0 || getegid() == 0) {
		snprintf(err, errlen, "cannot drop privileges: root could be regained");
		return -1;
	}
	return 0;
}
