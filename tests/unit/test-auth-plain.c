/* tests/unit/test-auth-plain.c: plain passwd file checks, with files written by hand, by our
 * ocpasswd and by Debian's. Runs in: make check. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "secmod/auth-plain.h"

#ifndef OCPASSWD_BIN
#define OCPASSWD_BIN "src/ocpasswd/ocpasswd"
#endif
#define DEBIAN_OCPASSWD "/usr/bin/ocpasswd"

static char dir[] = "/tmp/test-auth-plain.XXXXXX";

/* Hashes made by openssl passwd (-5/-6/-1) and by libxcrypt (yescrypt). */
#define H5 "$5$abcdefgh$AmU/tP9wryQ9vcl0arBfodwcOCSomRpm3B.xYhVZmD2"            /* s5pass */
#define H6 "$6$abcdefgh$THT3/FxBoD9sUTOqCiKSn22gjr1YS8xyWJqBNTAFgWVi4QW4cAQjXQTuDtw0R.GTztJV9Qvd5DSi03USp5Yqt/" /* s6pass */
#define H1 "$1$abcdefgh$vc.h.b7/b1zYYwJ7DKEQG1"                                  /* md5pass */
#define HY "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$5tJkvhoswpDSG1PbhoBeqnYQXy1soUV3r3pkI1NnTKD" /* ypass */

static char *path_in_dir(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static int check(const char *file, const char *user, const char *pw, char ***groups, size_t *n)
{
	return auth_plain_check(NULL, file, user, pw, groups, n);
}

static const char fixture[] =
	"# comment line\n"
	"\n"
	"u5:*:" H5 "\n"
	"u6:admins:" H6 "\n"
	"u1:g1, g2 ,x,*,  g3:" H1 "\n"
	"uy::" HY "\n"
	"locked:g1:!" H5 "\n"
	"nopass:g1:\n"
	"crlf:g9:" H5 "\r\n"
	"twofields:" H5 "\n"
	":nouser:" H5 "\n"
	"weird:g1:*\n"
	"u5:other:" H6 "\n"            /* duplicate: the first line wins */
	"last:g1:" H5;                  /* no final newline */

static int group_setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	write_file(path_in_dir("fixture"), fixture, sizeof(fixture) - 1);
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_schemes(void **state)
{
	const char *f = path_in_dir("fixture");
	char **g = NULL;
	size_t n = 99;

	(void)state;
	assert_int_equal(check(f, "u5", "s5pass", &g, &n), 0);
	assert_int_equal(n, 0);
	talloc_free(g);
	assert_int_equal(check(f, "u6", "s6pass", &g, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(g[0], "admins");
	talloc_free(g);
	assert_int_equal(check(f, "u1", "md5pass", &g, &n), 0);
	talloc_free(g);
	assert_int_equal(check(f, "uy", "ypass", &g, &n), 0);
	assert_int_equal(n, 0);
	talloc_free(g);
	assert_int_equal(check(f, "crlf", "s5pass", &g, &n), 0);
	assert_string_equal(g[0], "g9");
	talloc_free(g);
	assert_int_equal(check(f, "last", "s5pass", &g, &n), 0);
	talloc_free(g);
}

static void test_groups(void **state)
{
	char **g = NULL;
	size_t n = 0;

	(void)state;
	/* spaces trimmed; one-character names ("x", "*") mean no group */
	assert_int_equal(check(path_in_dir("fixture"), "u1", "md5pass", &g, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(g[0], "g1");
	assert_string_equal(g[1], "g2");
	assert_string_equal(g[2], "g3");
	talloc_free(g);
}

static void test_rejections(void **state)
{
	const char *f = path_in_dir("fixture");
	char **g = (char **)0x1;
	size_t n = 77;

	(void)state;
	assert_int_equal(check(f, "u5", "wrong", &g, &n), -EACCES);
	assert_int_equal(check(f, "u5", "", &g, &n), -EACCES);
	assert_int_equal(check(f, "u5", "s6pass", &g, &n), -EACCES);   /* the duplicate's */
	assert_int_equal(check(f, "locked", "s5pass", &g, &n), -EACCES);
	assert_int_equal(check(f, "nobody", "s5pass", &g, &n), -EACCES);
	assert_int_equal(check(f, "", "s5pass", &g, &n), -EACCES);
	assert_int_equal(check(f, "twofields", "s5pass", &g, &n), -EACCES);
	assert_int_equal(check(f, "weird", "*", &g, &n), -EACCES);
	assert_int_equal(check(f, "nopass", "x", &g, &n), -EACCES);
	assert_int_equal(check(path_in_dir("missing"), "u5", "s5pass", &g, &n), -EIO);
	assert_ptr_equal(g, (char **)0x1);      /* outputs untouched on failure */
	assert_int_equal(n, 77);
}

static void test_empty_password_user(void **state)
{
	const char *f = path_in_dir("fixture");
	bool nopw = false;
	char **g = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(auth_plain_lookup(f, "nopass", &nopw), 0);
	assert_true(nopw);
	assert_int_equal(auth_plain_lookup(f, "u6", &nopw), 0);
	assert_false(nopw);
	assert_int_equal(auth_plain_lookup(f, "nobody", &nopw), -ENOENT);
	assert_int_equal(check(f, "nopass", "", &g, &n), 0);
	assert_int_equal(n, 1);
	talloc_free(g);
}

/* Over-long lines, NUL bytes and garbage are skipped, never parsed as the next line. */
static void test_malformed(void **state)
{
	const char *f = path_in_dir("malformed");
	size_t pad = AUTH_PLAIN_MAX_LINE + 100, len = 0;
	char *text = malloc(pad + 1024);
	char **g = NULL;
	size_t n = 0;

	(void)state;
	assert_non_null(text);
	len += (size_t)sprintf(text + len, "longuser:g:%s", H5);
	memset(text + len, 'A', pad);
	len += pad;
	len += (size_t)sprintf(text + len, "\nafter:g1:%s\n", H5);
	memcpy(text + len, "nul:g1:\0junk\n", 13);
	len += 13;
	len += (size_t)sprintf(text + len, ":::\n::\n\n\n:\nok:g2:%s\n", H5);
	write_file(f, text, len);
	free(text);
	assert_int_equal(check(f, "longuser", "s5pass", &g, &n), -EACCES);
	assert_int_equal(check(f, "nul", "", &g, &n), -EACCES);
	assert_int_equal(check(f, "after", "s5pass", &g, &n), 0);
	talloc_free(g);
	assert_int_equal(check(f, "ok", "s5pass", &g, &n), 0);
	assert_string_equal(g[0], "g2");
	talloc_free(g);
}

static void test_group_list(void **state)
{
	char **g = NULL;
	size_t n = 0, i;
	bool seen_admins = false;

	(void)state;
	assert_int_equal(auth_plain_group_list(NULL, path_in_dir("fixture"), &g, &n), 0);
	for (i = 0; i < n; i++) {
		assert_true(strlen(g[i]) > 1);
		seen_admins |= strcmp(g[i], "admins") == 0;
	}
	assert_true(seen_admins);
	assert_int_equal(n, 6);         /* admins g1 g2 g3 g9 other, g1 once */
	talloc_free(g);
}

/* ---- files written by the ocpasswd tools ---- */

static const char *our_bin(void)
{
	const char *env = getenv("OCPASSWD");

	return env ? env : OCPASSWD_BIN;
}

/* Run "<bin> [args] user" with `pw` (may be NULL) as one line on stdin. */
static int run_tool(const char *bin, const char *file, const char *args, const char *user,
		    const char *pw)
{
	char cmd[1024];
	int rc;

	snprintf(cmd, sizeof(cmd), "printf '%%s\\n' '%s' | '%s' -c '%s' %s '%s' >/dev/null 2>&1",
		 pw ? pw : "", bin, file, args, user);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void tool_roundtrip(const char *writer, const char *other, const char *file)
{
	char **g = NULL;
	size_t n = 0;
	struct stat st;

	assert_int_equal(run_tool(writer, file, "", "alice", "al1ce-pw"), 0);
	assert_int_equal(run_tool(writer, file, "-g admins,ops", "bob", "b0b:pw"), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(check(file, "alice", "al1ce-pw", &g, &n), 0);
	assert_int_equal(n, 0);                 /* written as "*" */
	talloc_free(g);
	assert_int_equal(check(file, "bob", "b0b:pw", &g, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(g[1], "ops");
	talloc_free(g);
	assert_int_equal(check(file, "bob", "wrong", &g, &n), -EACCES);
	/* the other tool locks, the writer unlocks: each reads the other's file */
	assert_int_equal(run_tool(other, file, "-l", "bob", NULL), 0);
	assert_int_equal(check(file, "bob", "b0b:pw", &g, &n), -EACCES);
	assert_int_equal(run_tool(writer, file, "-u", "bob", NULL), 0);
	assert_int_equal(check(file, "bob", "b0b:pw", &g, &n), 0);
	talloc_free(g);
	assert_int_equal(run_tool(other, file, "-d", "alice", NULL), 0);
	assert_int_equal(check(file, "alice", "al1ce-pw", &g, &n), -EACCES);
	assert_int_equal(check(file, "bob", "b0b:pw", &g, &n), 0);
	talloc_free(g);
}

static bool have(const char *bin)
{
	return access(bin, X_OK) == 0;
}

static void test_our_ocpasswd(void **state)
{
	const char *f = path_in_dir("ours");
	char line[512];
	FILE *fp;

	(void)state;
	if (!have(our_bin()))
		skip();
	tool_roundtrip(our_bin(), our_bin(), f);
	/* default scheme: SHA-256-crypt with a 16-character salt, as Debian's ocpasswd */
	fp = fopen(f, "r");
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof(line), fp));
	fclose(fp);
	assert_memory_equal(line, "bob:admins,ops:$5$", 18);
	assert_int_equal(strchr(line + 18, '$') - (line + 18), 16);
}

static void test_debian_ocpasswd(void **state)
{
	(void)state;
	if (!have(DEBIAN_OCPASSWD))
		skip();
	tool_roundtrip(DEBIAN_OCPASSWD, DEBIAN_OCPASSWD, path_in_dir("debian"));
}

static void test_cross_tools(void **state)
{
	(void)state;
	if (!have(DEBIAN_OCPASSWD) || !have(our_bin()))
		skip();
	tool_roundtrip(our_bin(), DEBIAN_OCPASSWD, path_in_dir("ours-then-debian"));
	tool_roundtrip(DEBIAN_OCPASSWD, our_bin(), path_in_dir("debian-then-ours"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schemes),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_empty_password_user),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_group_list),
		cmocka_unit_test(test_our_ocpasswd),
		cmocka_unit_test(test_debian_ocpasswd),
		cmocka_unit_test(test_cross_tools),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
