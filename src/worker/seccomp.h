/* worker/seccomp.h: the worker's system-call sandbox (isolate-workers). Runs in: worker. */
#ifndef WORKER_SECCOMP_H
#define WORKER_SECCOMP_H

#include <stdbool.h>

/* Highest descriptor number + 1 a sandboxed worker may hold (RLIMIT_NOFILE). */
#define WK_SECCOMP_NOFILE 16

/*
 * Lower RLIMIT_NOFILE and load the allow-list filter. Call once, after the
 * privileges are gone and before the first byte from the client is read; from
 * then on a system call outside the list kills the worker (a few harmless ones
 * fail with EPERM instead). 0, or -errno when the filter could not be loaded:
 * the caller must then exit, since the admin asked for isolation.
 */
int wk_seccomp_apply(void);

/* false in sanitizer builds, where wk_seccomp_apply() installs nothing. */
bool wk_seccomp_available(void);

#endif /* WORKER_SECCOMP_H */
