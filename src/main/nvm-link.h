/* main/nvm-link.h: start and restart ocserv-nvm, tell it about sessions. Runs in: main. */
#ifndef MAIN_NVM_LINK_H
#define MAIN_NVM_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct main_ctx;
struct proc;

/* Start ocserv-nvm when `nvm = true` (no-op otherwise). Failures to exec are retried later. */
int nvm_link_start(struct main_ctx *m);
/* A child exited: true if it was ocserv-nvm (then a restart is scheduled with back-off). */
bool nvm_link_child(struct main_ctx *m, pid_t pid, int status);
/* A tunnel came up (up) or its worker went away: ocserv-nvm links flows to the user. */
void nvm_link_session(const struct proc *p, bool up);
/*
 * Hand an occtl connection whose next request is an NVM command to ocserv-nvm, with the bytes
 * already read from it (at most CTL_MAX_REQ + header). Never blocks; -ENOTCONN when the
 * collector is not running. The caller closes its own copy of fd either way.
 */
int nvm_link_ctl(struct main_ctx *m, int fd, const uint8_t *buf, size_t len);
/* Stop ocserv-nvm (SIGTERM) and forget it. NULL-safe. */
void nvm_link_stop(struct main_ctx *m);

#endif /* MAIN_NVM_LINK_H */
