/* worker/seccomp.c: the worker's system-call allow-list (isolate-workers). Runs in: worker. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <seccomp.h>

#include "common/log.h"
#include "worker/seccomp.h"

/*
 * AddressSanitizer's runtime maps shadow memory, reads /proc/self/maps and may
 * start a symbolizer; a filter that allowed all that would test nothing. Such
 * builds run the worker unfiltered (and say so in the log).
 */
#if defined(__SANITIZE_ADDRESS__)
#define WK_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || \
	__has_feature(thread_sanitizer)
#define WK_SANITIZED 1
#endif
#endif

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * What a worker does once it is unprivileged, measured with strace -f over
 * real sessions (TLS with key operations through sec-mod, HTTP login,
 * CONNECT, tun I/O, DTLS on the UDP socket main hands over, occtl disconnect,
 * BYE). Names that do not exist on an architecture are skipped.
 */
static const char *const allow_any[] = {
	/* the channels: client TCP, UDP, tun, SEQPACKET to main and sec-mod */
	"read", "readv", "write", "writev", "recvfrom", "recvmsg", "sendto", "sendmsg",
	"poll", "ppoll", "close", "shutdown",
	/* glibc malloc; mmap and mprotect are below, without PROT_EXEC */
	"brk", "munmap", "mremap", "madvise",
	/* GnuTLS locks and randomness; time is vDSO unless the clocksource lacks it */
	"futex", "getrandom", "clock_gettime", "clock_getres", "gettimeofday", "time",
	"nanosleep", "clock_nanosleep",
	/* the pid in log lines; read-only credentials */
	"getpid", "gettid", "getuid", "geteuid", "getgid", "getegid",
	/* signals, abort() and the way out */
	"rt_sigreturn", "rt_sigprocmask", "rt_sigaction", "restart_syscall", "exit", "exit_group",
};

/*
 * Calls a library may try on a path we never take on purpose: failing them is
 * harmless and killing the worker for them would not be. syslog() reconnects
 * with socket(); stdio asks isatty() with ioctl(); a lazy library load opens files.
 */
static const char *const deny_eperm[] = {
	"open", "openat", "socket", "ioctl", "fstat", "newfstatat", "statx",
};

static int add_names(scmp_filter_ctx ctx, uint32_t action, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int nr = seccomp_syscall_resolve_name(names[i]);
		int rc;

		if (nr == __NR_SCMP_ERROR)
			continue;       /* not on this architecture */
		rc = seccomp_rule_add(ctx, action, nr, 0);
		if (rc < 0) {
			log_err("seccomp: cannot add rule for %s: %s", names[i], strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* calls allowed with some arguments only */
static int add_conditional(scmp_filter_ctx ctx)
{
	static const int fcntl_cmds[] = { F_GETFL, F_SETFL, F_GETFD, F_SETFD };
	int rc;

	/* no new executable memory, whatever a bug in a parser makes us do */
	rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
			      SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				      SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	/* O_NONBLOCK on the tun; no F_DUPFD, no locks, no owners */
	for (size_t i = 0; rc == 0 && i < N_ELEM(fcntl_cmds); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
				      SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)fcntl_cmds[i], 0));
	/* abort() signals itself; nobody else */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
				      SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0));
	if (rc < 0)
		log_err("seccomp: cannot add a conditional rule: %s", strerror(-rc));
	return rc;
}

/* async-signal-safe: a decimal number into buf, returns the length */
static size_t fmt_uint(char *buf, unsigned long v)
{
	char tmp[24];
	size_t n = 0, len = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0 && n < sizeof(tmp));
	while (n > 0)
		buf[len++] = tmp[--n];
	return len;
}

/* debug mode only: name the call that broke the policy, then go */
static void sigsys_handler(int sig, siginfo_t *si, void *uctx)
{
	static const char pre[] = "worker: seccomp: blocked system call ";
	char line[96];
	size_t len = sizeof(pre) - 1;

	(void)sig;
	(void)uctx;
	memcpy(line, pre, len);
	len += fmt_uint(line + len, (unsigned long)si->si_syscall);
	line[len++] = '\n';
	if (write(STDERR_FILENO, line, len) < 0) {
		/* nothing left to tell anyone */
	}
	_exit(1);
}

/*
 * Default: kill the whole process. At debug log level trap instead, so the
 * log says which call was missing (strace cannot attach to a live
 * deployment's worker as easily).
 */
static uint32_t default_action(void)
{
	struct sigaction sa = { .sa_sigaction = sigsys_handler, .sa_flags = SA_SIGINFO };

	if (log_enabled(LOG_LVL_DEBUG) && sigaction(SIGSYS, &sa, NULL) == 0)
		return SCMP_ACT_TRAP;
	/* KILL_PROCESS needs Linux 4.14; before that only the thread dies */
	return seccomp_api_get() >= 3 ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_KILL;
}

static int load_filter(void)
{
	uint32_t def = default_action();
	scmp_filter_ctx ctx = seccomp_init(def);
	int rc = -ENOMEM;

	if (ctx == NULL)
		goto out;
	/* a 32-bit or x32 call from a 64-bit worker is an attack, not a bug */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, def == SCMP_ACT_TRAP
			      ? SCMP_ACT_TRAP : SCMP_ACT_KILL_PROCESS);
	if (rc == 0)
		rc = add_names(ctx, SCMP_ACT_ALLOW, allow_any, N_ELEM(allow_any));
	if (rc == 0)
		rc = add_names(ctx, SCMP_ACT_ERRNO(EPERM), deny_eperm, N_ELEM(deny_eperm));
	if (rc == 0)
		rc = add_conditional(ctx);
	if (rc == 0 && (rc = seccomp_load(ctx)) < 0)
		log_err("seccomp: cannot load the filter: %s", strerror(-rc));
out:
	if (ctx != NULL)
		seccomp_release(ctx);
	return rc;
}

bool wk_seccomp_available(void)
{
#ifdef WK_SANITIZED
	return false;
#else
	return true;
#endif
}

int wk_seccomp_apply(void)
{
	/* the worker holds ~8 descriptors; a peer cannot make it hold more */
	struct rlimit nofile = { WK_SECCOMP_NOFILE, WK_SECCOMP_NOFILE };

	if (setrlimit(RLIMIT_NOFILE, &nofile) < 0) {
		int err = errno;

		log_err("cannot lower RLIMIT_NOFILE: %s", strerror(err));
		return -err;
	}
	if (!wk_seccomp_available()) {
		log_info("sanitizer build: worker runs without a seccomp filter");
		return 0;
	}
	return load_filter();
}
