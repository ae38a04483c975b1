/* nvm/nvm-sandbox.c: give up root, then a seccomp allow-list, before any exporter byte. Runs in: ocserv-nvm. */
#include <errno.h>
#include <seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "common/log.h"
#include "common/privs.h"
#include "nvm/nvm-sandbox.h"

int nvm_drop_privileges(const struct cfg *cfg)
{
	return privs_drop(cfg->run_as_user, cfg->run_as_group);
}

/*
 * What the event loop, SQLite (WAL, locks, fsync, its -shm mapping), GnuTLS and syslog need
 * once everything is open. No socket(), bind(), connect() (syslog keeps its socket), execve,
 * fork or ptrace: a decoder bug cannot open new doors.
 */
static const int nvm_allowed[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(lseek), SCMP_SYS(close),
	SCMP_SYS(recvfrom), SCMP_SYS(recvmsg), SCMP_SYS(recvmmsg), SCMP_SYS(sendto),
	SCMP_SYS(sendmsg), SCMP_SYS(sendmmsg), SCMP_SYS(accept4), SCMP_SYS(accept),
	SCMP_SYS(shutdown), SCMP_SYS(getsockopt), SCMP_SYS(setsockopt),
	SCMP_SYS(getsockname), SCMP_SYS(getpeername),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_create1),
	SCMP_SYS(epoll_create), SCMP_SYS(timerfd_create), SCMP_SYS(timerfd_settime),
	SCMP_SYS(timerfd_gettime), SCMP_SYS(poll),
	SCMP_SYS(ppoll), SCMP_SYS(select), SCMP_SYS(pselect6),
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
	SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(statx),
	SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(faccessat2),
	SCMP_SYS(openat), SCMP_SYS(open), SCMP_SYS(unlink), SCMP_SYS(unlinkat),
	SCMP_SYS(fcntl), SCMP_SYS(ftruncate), SCMP_SYS(fsync), SCMP_SYS(fdatasync),
	SCMP_SYS(fchown), SCMP_SYS(fchmod), SCMP_SYS(getcwd), SCMP_SYS(readlink),
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
	SCMP_SYS(mprotect), SCMP_SYS(brk),
	SCMP_SYS(futex), SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getuid),
	SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid), SCMP_SYS(getrandom),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigaction),
	SCMP_SYS(signalfd4), SCMP_SYS(eventfd2), SCMP_SYS(pipe2),
	SCMP_SYS(uname), SCMP_SYS(sysinfo), SCMP_SYS(exit), SCMP_SYS(exit_group),
	SCMP_SYS(restart_syscall),
};

int nvm_seccomp(void)
{
	scmp_filter_ctx ctx;
	int rc = 0;

	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (ctx == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(nvm_allowed) / sizeof(nvm_allowed[0]) && rc == 0; i++)
		/* a name this kernel/arch lacks comes out negative: skip it */
		if (nvm_allowed[i] >= 0)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nvm_allowed[i], 0);
	/* abort() and raise() signal this process only */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
				      SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0)
		log_err("cannot install the seccomp filter: %s", strerror(-rc));
	return rc;
}
