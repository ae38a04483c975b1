/* common/privs.c: give up root for good. Runs in: worker, ocserv-nvm. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/log.h"
#include "common/privs.h"

int privs_drop(const char *user, const char *group)
{
	struct passwd *pw;
	struct group *gr;
	gid_t gid;

	if (getuid() != 0)
		return 0;       /* started unprivileged: nothing to give up */
	pw = getpwnam(user ? user : "nobody");
	if (pw == NULL) {
		log_err("run-as-user '%s' does not exist", user ? user : "nobody");
		return -ENOENT;
	}
	gid = pw->pw_gid;
	if (group != NULL) {
		gr = getgrnam(group);
		if (gr == NULL) {
			log_err("run-as-group '%s' does not exist", group);
			return -ENOENT;
		}
		gid = gr->gr_gid;
	}
	if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(pw->pw_uid) < 0) {
		log_err("cannot drop privileges: %s", strerror(errno));
		return -errno;
	}
	/* no way back, and no forking: a worker serves exactly one client */
	if (setuid(0) == 0)
		return -EPERM;
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	setrlimit(RLIMIT_NPROC, &(struct rlimit){ 0, 0 });
	return 0;
}
