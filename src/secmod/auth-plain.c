/* secmod/auth-plain.c: ocserv's plain passwd file (user:groups:crypt-hash). Runs in: sec-mod. */
#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "secmod/auth-plain.h"

/*
 * Setting for the stand-in crypt() run when the user is unknown or locked: the
 * same scheme and cost as ocpasswd's default, so both paths take the same time.
 */
#define AUTH_PLAIN_DUMMY_SETTING "$5$Wg7dummySalt4Tx0$"
#define AUTH_PLAIN_MAX_HASH 512

struct pw_entry {
	char *user;
	char *groups;
	char *hash;
};

enum pw_read { PW_EOF, PW_LINE, PW_BAD };

/*
 * Read one line of at most AUTH_PLAIN_MAX_LINE bytes into buf (without the
 * newline). Longer lines and lines with NUL bytes are consumed whole and
 * reported as PW_BAD so a broken line can never bleed into the next one.
 */
static enum pw_read pw_read_line(FILE *fp, char buf[static AUTH_PLAIN_MAX_LINE + 1])
{
	size_t len = 0;
	bool bad = false;
	int c;

	while ((c = getc(fp)) != EOF && c != '\n') {
		if (c == '\0' || len == AUTH_PLAIN_MAX_LINE)
			bad = true;
		else
			buf[len++] = (char)c;
	}
	buf[len] = '\0';
	if (c == EOF && len == 0 && !bad)
		return PW_EOF;
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return bad ? PW_BAD : PW_LINE;
}

/* Split "user:groups:hash[:ignored]" in place. */
static bool pw_split(char *line, struct pw_entry *e)
{
	char *c1 = strchr(line, ':'), *c2, *c3;

	if (c1 == NULL || c1 == line)
		return false;
	c2 = strchr(c1 + 1, ':');
	if (c2 == NULL)
		return false;
	*c1 = '\0';
	*c2 = '\0';
	c3 = strchr(c2 + 1, ':');
	if (c3 != NULL)
		*c3 = '\0';             /* ocserv ignores anything after the hash */
	e->user = line;
	e->groups = c1 + 1;
	e->hash = c2 + 1;
	return true;
}

/* Next well-formed entry, or false at end of file; bad lines are logged and skipped. */
static bool pw_next(FILE *fp, char buf[static AUTH_PLAIN_MAX_LINE + 1], unsigned *lineno,
		    struct pw_entry *e)
{
	enum pw_read r;

	while ((r = pw_read_line(fp, buf)) != PW_EOF) {
		(*lineno)++;
		if (r == PW_LINE && (buf[0] == '\0' || buf[0] == '#'))
			continue;
		if (r == PW_LINE && pw_split(buf, e))
			return true;
		log_debug("plain: skipping malformed or over-long line %u", *lineno);
	}
	return false;
}

static char *pw_trim(char *s, char *end)
{
	while (s < end && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

/*
 * Comma list to a talloc array. Names of one character ("*", "x") mean "no
 * group" in ocserv's format and are dropped, as are empty ones.
 */
static int pw_groups(TALLOC_CTX *mem_ctx, char *list, char ***ret, size_t *ret_n)
{
	char **out = talloc_array(mem_ctx, char *, 0);
	size_t n = 0;
	char *p = list, *comma, *name;

	if (out == NULL)
		return -ENOMEM;
	while (p != NULL && n < AUTH_PLAIN_MAX_GROUPS) {
		comma = strchr(p, ',');
		name = pw_trim(p, comma ? comma : p + strlen(p));
		p = comma ? comma + 1 : NULL;
		if (strlen(name) <= 1)
			continue;
		out = talloc_realloc(mem_ctx, out, char *, n + 1);
		if (out == NULL || (out[n] = talloc_strdup(out, name)) == NULL) {
			talloc_free(out);
			return -ENOMEM;
		}
		n++;
	}
	*ret = out;
	*ret_n = n;
	return 0;
}

/* Find `user`; fills *e (pointing into buf). Returns 0, -ENOENT or -EIO. */
static int pw_find(const char *passwd_file, const char *user,
		   char buf[static AUTH_PLAIN_MAX_LINE + 1], struct pw_entry *e)
{
	unsigned lineno = 0;
	int rc = -ENOENT;
	FILE *fp;

	fp = fopen(passwd_file, "re");
	if (fp == NULL) {
		log_err("plain: cannot open %s: %s", passwd_file, strerror(errno));
		return -EIO;
	}
	while (pw_next(fp, buf, &lineno, e))
		if (strcmp(e->user, user) == 0) {
			rc = 0;
			break;
		}
	if (rc == -ENOENT && ferror(fp)) {
		log_err("plain: error reading %s", passwd_file);
		rc = -EIO;
	}
	fclose(fp);
	return rc;
}

static bool pw_equal_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char diff = la != lb;

	for (i = 0; i < la && i < lb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

/* One crypt() run in every case; returns whether it matched a real, unlocked hash. */
static bool pw_verify(TALLOC_CTX *tmp, const char *hash, bool usable, const char *password)
{
	struct crypt_data *cd = talloc_zero(tmp, struct crypt_data);
	const char *setting = usable ? hash : AUTH_PLAIN_DUMMY_SETTING;
	const char *out;
	bool ok;

	if (cd == NULL)
		return false;
	out = crypt_rn(password, setting, cd, (int)sizeof(*cd));
	ok = usable && out != NULL && out[0] != '*' && pw_equal_ct(out, hash);
	explicit_bzero(cd, sizeof(*cd));
	return ok;
}

int auth_plain_check(TALLOC_CTX *mem_ctx, const char *passwd_file, const char *user,
		     const char *password, char ***ret_groups, size_t *ret_n_groups)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	char *buf = tmp ? talloc_size(tmp, AUTH_PLAIN_MAX_LINE + 1) : NULL;
	struct pw_entry e = { NULL, NULL, NULL };
	bool usable, ok;
	char **groups;
	size_t n;
	int rc = -ENOMEM;

	if (buf == NULL)
		goto out;
	rc = pw_find(passwd_file, user, buf, &e);
	if (rc == -EIO)
		goto out;
	usable = rc == 0 && e.hash[0] != '!' && e.hash[0] != '\0' &&
		 strlen(e.hash) < AUTH_PLAIN_MAX_HASH;
	ok = pw_verify(tmp, usable ? e.hash : NULL, usable, password);
	if (rc == 0 && e.hash[0] == '\0')
		ok = password[0] == '\0';       /* a user with no password set */
	rc = -EACCES;
	if (!ok)
		goto out;
	rc = pw_groups(tmp, e.groups, &groups, &n);
	if (rc < 0)
		goto out;
	/* the group list outlives this call */
	*ret_groups = talloc_steal(mem_ctx, groups);
	*ret_n_groups = n;
out:
	if (buf != NULL)
		explicit_bzero(buf, AUTH_PLAIN_MAX_LINE + 1);
	talloc_free(tmp);
	return rc;
}

int auth_plain_lookup(const char *passwd_file, const char *user, bool *ret_no_password)
{
	char buf[AUTH_PLAIN_MAX_LINE + 1];
	struct pw_entry e;
	int rc;

	rc = pw_find(passwd_file, user, buf, &e);
	if (rc == 0)
		*ret_no_password = e.hash[0] == '\0';
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

static bool pw_has(char **list, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

/* Append the entry's groups not yet in *all. */
static int pw_merge_groups(TALLOC_CTX *tmp, char *list, char ***all, size_t *n_all)
{
	char **g;
	size_t n, i;
	int rc;

	rc = pw_groups(tmp, list, &g, &n);
	for (i = 0; rc == 0 && i < n && *n_all < AUTH_PLAIN_MAX_GROUPS; i++) {
		if (pw_has(*all, *n_all, g[i]))
			continue;
		*all = talloc_realloc(tmp, *all, char *, *n_all + 1);
		if (*all == NULL)
			return -ENOMEM;
		(*all)[(*n_all)++] = talloc_steal(*all, g[i]);
	}
	talloc_free(g);
	return rc;
}

int auth_plain_group_list(TALLOC_CTX *mem_ctx, const char *passwd_file, char ***ret_groups,
			  size_t *ret_n_groups)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	char *buf = tmp ? talloc_size(tmp, AUTH_PLAIN_MAX_LINE + 1) : NULL;
	char **all = tmp ? talloc_array(tmp, char *, 0) : NULL;
	struct pw_entry e;
	unsigned lineno = 0;
	size_t n = 0;
	FILE *fp = NULL;
	int rc = -ENOMEM;

	if (buf == NULL || all == NULL)
		goto out;
	fp = fopen(passwd_file, "re");
	rc = -EIO;
	if (fp == NULL)
		goto out;
	rc = 0;
	while (rc == 0 && pw_next(fp, buf, &lineno, &e))
		rc = pw_merge_groups(tmp, e.groups, &all, &n);
	if (rc == 0 && ferror(fp))
		rc = -EIO;
	if (rc < 0)
		goto out;
	/* the list outlives this call */
	*ret_groups = talloc_steal(mem_ctx, all);
	*ret_n_groups = n;
out:
	if (fp != NULL)
		fclose(fp);
	talloc_free(tmp);
	return rc;
}
