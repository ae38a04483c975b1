/* tests/unit/test-seccomp.c: the worker's seccomp policy, applied in forked children. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/log.h"
#include "worker/seccomp.h"

/* what a child does once the filter is in place; its return is the exit status */
typedef int (*child_fn)(int fd);

/* fork, apply, run fn; the raw wait status */
static int run_child(child_fn fn, int fd, int level)
{
	int status = -1;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		log_init("test", false);
		log_set_level(level);
		if (wk_seccomp_apply() < 0)
			_exit(99);
		_exit(fn(fd));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void skip_if_sanitized(void)
{
	if (!wk_seccomp_available())
		skip();
}

static int do_allowed(int fd)
{
	struct timespec ts;
	size_t big = 1 << 20;
	char *p;

	/* the calls a session makes: time, heap, big blocks, pipe I/O, O_NONBLOCK */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0 || getpid() <= 0)
		return 1;
	p = malloc(big);
	if (p == NULL)
		return 2;
	memset(p, 1, big);
	free(p);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || mprotect(p, 4096, PROT_READ) < 0 || munmap(p, 4096) < 0)
		return 3;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return 4;
	if (write(fd, "ok", 2) != 2 || close(fd) < 0)
		return 5;
	return 0;
}

static void test_allowed_calls(void **state)
{
	int p[2], status;
	char buf[4] = { 0 };

	(void)state;
	skip_if_sanitized();
	assert_int_equal(pipe(p), 0);
	status = run_child(do_allowed, p[1], LOG_LVL_INFO);
	close(p[1]);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(read(p[0], buf, sizeof(buf)), 2);
	assert_string_equal(buf, "ok");
	close(p[0]);
}

static int do_eperm(int fd)
{
	(void)fd;
	if (open("/etc/hostname", O_RDONLY) != -1 || errno != EPERM)
		return 1;
	if (socket(AF_UNIX, SOCK_DGRAM, 0) != -1 || errno != EPERM)
		return 2;
	return 0;
}

static void test_harmless_calls_fail_with_eperm(void **state)
{
	int status;

	(void)state;
	skip_if_sanitized();
	status = run_child(do_eperm, -1, LOG_LVL_INFO);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static int do_mkdir(int fd)
{
	(void)fd;
	mkdir("/tmp/wg-seccomp-must-not-exist", 0700);
	return 0;
}

static int do_exec_mapping(int fd)
{
	(void)fd;
	mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return 0;
}

static int do_dupfd(int fd)
{
	fcntl(fd, F_DUPFD, 100);
	return 0;
}

static int do_kill_parent(int fd)
{
	(void)fd;
	kill(getppid(), 0);
	return 0;
}

static int do_fork(int fd)
{
	(void)fd;
	(void)fork();
	return 0;
}

static void test_forbidden_calls_kill(void **state)
{
	static const child_fn bad[] = { do_mkdir, do_exec_mapping, do_dupfd, do_kill_parent, do_fork };

	(void)state;
	skip_if_sanitized();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int status = run_child(bad[i], 0, LOG_LVL_INFO);

		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGSYS);
	}
}

/* at debug level the worker names the call and exits 1 instead of dying silently */
static void test_debug_level_traps(void **state)
{
	int status;

	(void)state;
	skip_if_sanitized();
	status = run_child(do_mkdir, 0, LOG_LVL_DEBUG);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
}

static int do_wait(int fd)
{
	char c;

	return read(fd, &c, 1) == 1 ? 0 : 1;
}

/* the kernel's view from outside: filter mode 2 and the descriptor limit */
static void test_proc_status_and_limit(void **state)
{
	int p[2], status;
	char path[64], line[256];
	bool seen_mode = false, seen_limit = false;
	pid_t pid;
	FILE *f;

	(void)state;
	skip_if_sanitized();
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[1]);
		if (wk_seccomp_apply() < 0)
			_exit(99);
		_exit(do_wait(p[0]));
	}
	close(p[0]);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	for (int tries = 0; tries < 200 && !seen_mode; tries++) {
		f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f) != NULL)
			seen_mode |= strcmp(line, "Seccomp:\t2\n") == 0;
		fclose(f);
		if (!seen_mode)
			usleep(10000);
	}
	snprintf(path, sizeof(path), "/proc/%d/limits", (int)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "Max open files", 14) == 0) {
			unsigned long soft = 0, hard = 0;

			sscanf(line + 14, "%lu %lu", &soft, &hard);
			seen_limit = soft == WK_SECCOMP_NOFILE && hard == WK_SECCOMP_NOFILE;
		}
	fclose(f);
	assert_int_equal(write(p[1], "x", 1), 1);
	close(p[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(seen_mode);
	assert_true(seen_limit);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed_calls),
		cmocka_unit_test(test_harmless_calls_fail_with_eperm),
		cmocka_unit_test(test_forbidden_calls_kill),
		cmocka_unit_test(test_debug_level_traps),
		cmocka_unit_test(test_proc_status_and_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
