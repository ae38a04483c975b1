/* ocpasswd/ocpasswd.c: manage the plain passwd file (user:groups:crypt-hash). Runs in: admin CLI. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE             /* mkostemp */
#endif
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <talloc.h>
#include <termios.h>
#include <unistd.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define OCPASSWD_DEFAULT_FILE "/etc/ocserv/ocpasswd"
#define OCPASSWD_MAX_PASS 1024
#define OCPASSWD_NO_GROUP "*"   /* what ocserv writes when no group is given */

enum ocp_op { OCP_SET, OCP_DELETE, OCP_LOCK, OCP_UNLOCK };

struct ocp_opts {
	const char *file;
	const char *groups;     /* NULL: keep the user's groups (new users: "*") */
	enum ocp_op op;
	const char *user;
};

/* The file's lines as read, without newlines; edited in place, written back in order. */
struct ocp_file {
	char **lines;
	size_t n;
};

static void ocp_usage(FILE *out)
{
	fprintf(out,
		"Usage: ocpasswd [OPTION]... USERNAME\n"
		"Add a user to, or change a user in, an ocserv plain password file.\n\n"
		"  -c, --passwd=FILE   password file (default " OCPASSWD_DEFAULT_FILE ")\n"
		"  -g, --group=GROUPS  comma-separated groups of the user\n"
		"  -d, --delete        delete the user\n"
		"  -l, --lock          lock the user (no login until unlocked)\n"
		"  -u, --unlock        unlock the user\n"
		"  -h, --help          show this help and exit\n"
		"  -v, --version       show the version and exit\n\n"
		"The password is asked twice on a terminal, else read as one line from stdin.\n");
}

static bool ocp_field_ok(const char *s)
{
	return strpbrk(s, ":\n\r") == NULL;
}

/* Returns 0 to go on, 1 to exit successfully (help/version), -1 on a usage error. */
static int ocp_parse_args(int argc, char **argv, struct ocp_opts *o)
{
	static const struct option longopts[] = {
		{ "passwd", required_argument, NULL, 'c' },
		{ "group", required_argument, NULL, 'g' },
		{ "groupname", required_argument, NULL, 'g' },  /* ocserv's spelling */
		{ "delete", no_argument, NULL, 'd' },
		{ "lock", no_argument, NULL, 'l' },
		{ "unlock", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct ocp_opts){ .file = OCPASSWD_DEFAULT_FILE, .op = OCP_SET };
	while ((c = getopt_long(argc, argv, "c:g:dluhv", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o->file = optarg; break;
		case 'g': o->groups = optarg; break;
		case 'd': o->op = OCP_DELETE; break;
		case 'l': o->op = OCP_LOCK; break;
		case 'u': o->op = OCP_UNLOCK; break;
		case 'h': ocp_usage(stdout); return 1;
		case 'v': printf("ocpasswd (wolfguard) %s\n", PACKAGE_VERSION); return 1;
		default: ocp_usage(stderr); return -1;
		}
	}
	if (optind != argc - 1) {
		ocp_usage(stderr);
		return -1;
	}
	o->user = argv[optind];
	if (o->user[0] == '\0' || !ocp_field_ok(o->user) ||
	    (o->groups != NULL && !ocp_field_ok(o->groups))) {
		fprintf(stderr, "ocpasswd: user and group names cannot contain ':' or newlines\n");
		return -1;
	}
	return 0;
}

/* Read one line into buf (newline dropped); EOF before any byte gives "". */
static int ocp_read_line(FILE *fp, char *buf, size_t size)
{
	size_t len;

	if (fgets(buf, (int)size, fp) == NULL) {
		buf[0] = '\0';
		return ferror(fp) ? -EIO : 0;
	}
	len = strcspn(buf, "\r\n");
	if (buf[len] == '\0' && len == size - 1)
		return -E2BIG;          /* no room left for a newline: too long */
	buf[len] = '\0';
	return 0;
}

static int ocp_prompt(FILE *tty, const char *prompt, char *buf, size_t size)
{
	struct termios old, noecho;
	int rc, fd = fileno(tty);

	fputs(prompt, tty);
	fflush(tty);
	if (tcgetattr(fd, &old) != 0)
		return -errno;
	noecho = old;
	noecho.c_lflag &= ~(tcflag_t)ECHO;
	noecho.c_lflag |= ECHONL;
	if (tcsetattr(fd, TCSAFLUSH, &noecho) != 0)
		return -errno;
	rc = ocp_read_line(tty, buf, size);
	tcsetattr(fd, TCSAFLUSH, &old);
	return rc;
}

/* Twice on the terminal, or one line of stdin when it is not a terminal. */
static int ocp_get_password(char *pw, size_t size)
{
	char again[OCPASSWD_MAX_PASS];
	FILE *tty;
	int rc;

	if (!isatty(STDIN_FILENO))
		return ocp_read_line(stdin, pw, size);
	tty = fopen("/dev/tty", "r+e");
	if (tty == NULL)
		return -errno;
	rc = ocp_prompt(tty, "Enter password: ", pw, size);
	if (rc == 0)
		rc = ocp_prompt(tty, "Re-enter password: ", again, sizeof(again));
	if (rc == 0 && strcmp(pw, again) != 0) {
		fprintf(stderr, "ocpasswd: passwords do not match\n");
		rc = -ECANCELED;        /* already reported */
	}
	explicit_bzero(again, sizeof(again));
	fclose(tty);
	return rc;
}

/* SHA-256-crypt with a 16-character random salt, as ocserv's ocpasswd; MD5-crypt if refused. */
static int ocp_hash(TALLOC_CTX *ctx, const char *pw, char **ret_hash)
{
	static const char *const prefixes[] = { "$5$", "$1$" };
	char salt[CRYPT_GENSALT_OUTPUT_SIZE], rnd[16];
	struct crypt_data *cd = talloc_zero(ctx, struct crypt_data);
	const char *out = NULL;
	size_t i;

	if (cd == NULL)
		return -ENOMEM;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -EIO;
	for (i = 0; i < 2 && out == NULL; i++)
		if (crypt_gensalt_rn(prefixes[i], 0, rnd, sizeof(rnd), salt, sizeof(salt)) != NULL)
			out = crypt_rn(pw, salt, cd, (int)sizeof(*cd));
	*ret_hash = out ? talloc_strdup(ctx, out) : NULL;
	explicit_bzero(cd, sizeof(*cd));
	explicit_bzero(rnd, sizeof(rnd));
	if (out == NULL)
		return -EINVAL;
	return *ret_hash ? 0 : -ENOMEM;
}

/*
 * Open and flock the file. We replace it by rename, so after taking the lock
 * check that the path still names the inode we locked; if not, another
 * ocpasswd replaced it meanwhile and we retry on the new one.
 */
static int ocp_lock(const char *path, bool create, int *ret_fd)
{
	struct stat a, b;
	int fd;

	for (;;) {
		fd = open(path, O_RDONLY | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX) != 0 || fstat(fd, &a) != 0) {
			close(fd);
			return -errno;
		}
		if (stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			break;
		close(fd);
	}
	*ret_fd = fd;
	return 0;
}

static int ocp_load(TALLOC_CTX *ctx, int fd, struct ocp_file *f)
{
	FILE *fp = fdopen(dup(fd), "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	if (fp == NULL)
		return -errno;
	f->lines = talloc_array(ctx, char *, 0);
	f->n = 0;
	while (f->lines != NULL && (len = getline(&line, &cap, fp)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		f->lines = talloc_realloc(ctx, f->lines, char *, f->n + 1);
		if (f->lines != NULL && (f->lines[f->n] = talloc_strdup(f->lines, line)) != NULL)
			f->n++;
		else
			rc = -ENOMEM;
	}
	if (f->lines == NULL)
		rc = -ENOMEM;
	else if (rc == 0 && ferror(fp))
		rc = -EIO;
	free(line);
	fclose(fp);
	return rc;
}

static bool ocp_is_user(const char *line, const char *user)
{
	size_t n = strlen(user);

	return strncmp(line, user, n) == 0 && line[n] == ':';
}

/* The groups field of an existing line, or NULL if the line has no such field. */
static char *ocp_old_groups(TALLOC_CTX *ctx, const char *line)
{
	const char *g = strchr(line, ':'), *end;

	if (g == NULL || (end = strchr(g + 1, ':')) == NULL)
		return NULL;
	return talloc_strndup(ctx, g + 1, (size_t)(end - g - 1));
}

/* Lock ('!' before the hash) or unlock one line; lines without a hash field stay as they are. */
static char *ocp_relock(TALLOC_CTX *ctx, char *line, bool lock)
{
	char *c1 = strchr(line, ':'), *hash = c1 ? strchr(c1 + 1, ':') : NULL;

	if (hash == NULL)
		return line;
	hash++;
	if (lock && hash[0] != '!')
		return talloc_asprintf(ctx, "%.*s!%s", (int)(hash - line), line, hash);
	if (!lock && hash[0] == '!')
		return talloc_asprintf(ctx, "%.*s%s", (int)(hash - line), line, hash + 1);
	return line;
}

/* Apply the operation to every line of the user; returns how many lines matched, or -ENOMEM. */
static int ocp_apply(struct ocp_file *f, const struct ocp_opts *o, const char *hash)
{
	size_t i, out = 0;
	int found = 0;
	char *g, *line;

	for (i = 0; i < f->n; i++) {
		line = f->lines[i];
		if (ocp_is_user(line, o->user)) {
			found++;
			if (o->op == OCP_DELETE || (o->op == OCP_SET && found > 1))
				continue;       /* duplicates of a re-set user go away */
			if (o->op == OCP_SET) {
				g = o->groups ? NULL : ocp_old_groups(f->lines, line);
				line = talloc_asprintf(f->lines, "%s:%s:%s", o->user,
						       o->groups ? o->groups :
						       g ? g : OCPASSWD_NO_GROUP, hash);
			} else {
				line = ocp_relock(f->lines, line, o->op == OCP_LOCK);
			}
			if (line == NULL)
				return -ENOMEM;
		}
		f->lines[out++] = line;
	}
	f->n = out;
	return found;
}

static int ocp_append_user(struct ocp_file *f, const struct ocp_opts *o, const char *hash)
{
	f->lines = talloc_realloc(NULL, f->lines, char *, f->n + 1);
	if (f->lines == NULL)
		return -ENOMEM;
	f->lines[f->n] = talloc_asprintf(f->lines, "%s:%s:%s", o->user,
					 o->groups ? o->groups : OCPASSWD_NO_GROUP, hash);
	if (f->lines[f->n] == NULL)
		return -ENOMEM;
	f->n++;
	return 0;
}

static int ocp_write_lines(int fd, const struct ocp_file *f)
{
	FILE *fp = fdopen(dup(fd), "we");
	size_t i;
	int rc = 0;

	if (fp == NULL)
		return -errno;
	for (i = 0; i < f->n; i++)
		if (fprintf(fp, "%s\n", f->lines[i]) < 0)
			rc = -EIO;
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		rc = -errno;
	if (fclose(fp) != 0 && rc == 0)
		rc = -EIO;
	return rc;
}

/* Write a temp file beside the original with its mode and owner, then rename over it. */
static int ocp_replace(TALLOC_CTX *ctx, const char *path, int locked_fd, const struct ocp_file *f)
{
	char *tmp = talloc_asprintf(ctx, "%s.XXXXXX", path);
	struct stat st;
	int fd = -1, rc = -ENOMEM;

	if (tmp == NULL)
		goto out;
	if (fstat(locked_fd, &st) != 0 || (fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		rc = -errno;
		tmp = NULL;
		goto out;
	}
	if (fchmod(fd, st.st_mode & 07777) != 0 ||
	    (geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid) != 0)) {
		rc = -errno;
		goto out;
	}
	rc = ocp_write_lines(fd, f);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc == 0)
		tmp = NULL;             /* renamed: nothing to clean up */
out:
	if (fd >= 0)
		close(fd);
	if (tmp != NULL)
		unlink(tmp);
	return rc;
}

static int ocp_run(TALLOC_CTX *ctx, const struct ocp_opts *o)
{
	char pw[OCPASSWD_MAX_PASS], *hash = NULL;
	struct ocp_file f = { NULL, 0 };
	int fd = -1, rc = 0, found;

	if (o->op == OCP_SET) {
		rc = ocp_get_password(pw, sizeof(pw));
		if (rc == 0)
			rc = ocp_hash(ctx, pw, &hash);
		explicit_bzero(pw, sizeof(pw));
		if (rc < 0 && rc != -ECANCELED)
			fprintf(stderr, "ocpasswd: cannot get or hash the password: %s\n",
				strerror(-rc));
		if (rc < 0)
			return rc;
	}
	rc = ocp_lock(o->file, o->op == OCP_SET, &fd);
	if (rc < 0) {
		fprintf(stderr, "ocpasswd: cannot open '%s': %s\n", o->file, strerror(-rc));
		return rc;
	}
	rc = ocp_load(ctx, fd, &f);
	found = rc < 0 ? rc : ocp_apply(&f, o, hash);
	if (found == 0 && o->op == OCP_SET)
		found = ocp_append_user(&f, o, hash) < 0 ? -ENOMEM : 1;
	else if (found == 0)            /* like ocserv's: not an error, nothing to write */
		fprintf(stderr, "ocpasswd: user '%s' not found in '%s'\n", o->user, o->file);
	rc = found <= 0 ? found : ocp_replace(ctx, o->file, fd, &f);
	if (rc < 0)
		fprintf(stderr, "ocpasswd: cannot update '%s': %s\n", o->file, strerror(-rc));
	close(fd);                      /* releases the lock */
	return rc;
}

int main(int argc, char **argv)
{
	TALLOC_CTX *ctx;
	struct ocp_opts o;
	int rc;

	rc = ocp_parse_args(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	umask(077);
	ctx = talloc_new(NULL);
	if (ctx == NULL)
		return EXIT_FAILURE;
	rc = ocp_run(ctx, &o);
	talloc_free(ctx);
	return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
