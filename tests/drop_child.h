/* The privilege drop, tried in a child with sudo's or doas's variables set or
 * unset: shared by test_platform.c (Linux) and the BSD logic test
 * (tests/bsd-shim/logic_test.c). Include platform.h first. */
#ifndef DSR_TEST_DROP_CHILD_H
#define DSR_TEST_DROP_CHILD_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Drops in a child; exit 0 only when the process is want_uid with want_gid as
 * its one group and root is out of reach, 2 when the drop was refused (as some
 * cases must be). Returns that status, or -1 when the child did not exit. */
static int drop_in_child(const char *sudo_uid, const char *sudo_gid, const char *doas_user,
			 uid_t want_uid, gid_t want_gid)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		char err[256];
		gid_t groups[8];
		unsetenv("SUDO_UID");
		unsetenv("SUDO_GID");
		unsetenv("DOAS_USER");
		if (sudo_uid)
			setenv("SUDO_UID", sudo_uid, 1);
		if (sudo_gid)
			setenv("SUDO_GID", sudo_gid, 1);
		if (doas_user)
			setenv("DOAS_USER", doas_user, 1);
		if (dsr_platform_drop_privileges(err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			_exit(2);
		}
		int n = getgroups(8, groups);
		bool ok = getuid() == want_uid && geteuid() == want_uid && getgid() == want_gid &&
			  getegid() == want_gid && n == 1 && groups[0] == want_gid && setuid(0) < 0 &&
			  seteuid(0) < 0;
		if (!ok)
			fprintf(stderr, "uid %d/%d gid %d/%d groups %d\n", (int)getuid(), (int)geteuid(),
				(int)getgid(), (int)getegid(), n);
		_exit(ok ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

#endif
