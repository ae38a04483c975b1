/* common/privs.h: give up root for good. Runs in: worker, ocserv-nvm. */
#ifndef COMMON_PRIVS_H
#define COMMON_PRIVS_H

/*
 * setgroups/setgid/setuid to user (NULL: "nobody") and group (NULL: the
 * user's), then make the change irreversible: no way back to uid 0, no new
 * privileges by exec, not dumpable, no child processes. A no-op for a process
 * that is not root. 0 or -errno, with one log line on failure.
 */
int privs_drop(const char *user, const char *group);

#endif /* COMMON_PRIVS_H */
