/* main/script.h: connect-script and disconnect-script, as ocserv runs them. Runs in: main. */
#ifndef MAIN_SCRIPT_H
#define MAIN_SCRIPT_H

#include <sys/types.h>

struct proc;

/*
 * Starts `path` with ocserv's environment for this session (REASON, USERNAME,
 * GROUPNAME, DEVICE, IP_REAL, IP_REAL_LOCAL, IP_LOCAL, IP_REMOTE, IPV6_*, ID,
 * HOSTNAME, VHOST, and STATS_* on disconnect). Returns the child's pid (reaped
 * by main's SIGCHLD watcher) or -errno. Never waits.
 */
pid_t script_spawn(const char *path, const struct proc *p, const char *reason);

#endif /* MAIN_SCRIPT_H */
