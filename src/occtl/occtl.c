/* occtl/occtl.c: occtl: options, the command table, the shell, the socket. Runs in: occtl. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <readline/history.h>
#include <readline/readline.h>

#include "occtl/occtl.h"

#include "config.h"

struct occtl_cmd {
	const char *words;      /* the command, words separated by one space */
	const char *arg;        /* "[NAME]" etc., NULL when none is taken */
	int (*fn)(const struct occtl *o, const char *arg);
	const char *help;
	bool hidden;            /* an alias: left out of `help` */
};

static int occtl_help(const struct occtl *o, const char *arg);
static int occtl_reset(const struct occtl *o, const char *arg);
static int occtl_exit(const struct occtl *o, const char *arg);

static const struct occtl_cmd occtl_cmds[] = {
	{ "disconnect user", "[NAME]", occtl_disconnect_user, "Disconnect the specified user", false },
	{ "disconnect id", "[ID]", occtl_disconnect_id, "Disconnect the specified ID", false },
	{ "terminate user", "[NAME]", occtl_terminate_user,
	  "Disconnect the specified user and invalidate its sessions", false },
	{ "terminate id", "[ID]", occtl_terminate_id,
	  "Disconnect the specified ID and invalidate its session", false },
	{ "terminate session", "[SID]", occtl_terminate_session,
	  "Invalidate the specified session", false },
	{ "unban ip", "[IP]", occtl_unban_ip, "Unban the specified IP", false },
	{ "reload", NULL, occtl_reload, "Reloads the server configuration", false },
	{ "show status", NULL, occtl_show_status, "Prints the status and statistics of the server",
	  false },
	{ "show users", NULL, occtl_show_users, "Prints the connected users", false },
	{ "show ip bans", NULL, occtl_show_bans, "Prints the banned IP addresses", false },
	{ "show ip ban points", NULL, occtl_show_ban_points,
	  "Prints all the known IP addresses which have points", false },
	{ "show iroutes", NULL, occtl_show_iroutes,
	  "Prints the routes provided by users of the server", false },
	{ "show sessions all", NULL, occtl_show_sessions_all, "Prints all the session IDs", false },
	{ "show sessions valid", NULL, occtl_show_sessions_valid,
	  "Prints all the valid for reconnection sessions", false },
	{ "show session", "[SID]", occtl_show_session,
	  "Prints information on the specified session", false },
	{ "show user", "[NAME]", occtl_show_user, "Prints information on the specified user", false },
	{ "show id", "[ID]", occtl_show_id, "Prints information on the specified ID", false },
	{ "show events", NULL, occtl_show_events, "Provides information about connecting users",
	  false },
	{ "show cookies all", NULL, occtl_show_sessions_all, "Alias for show sessions all", true },
	{ "show cookies valid", NULL, occtl_show_sessions_valid, "Alias for show sessions valid",
	  true },
	{ "show nvm status", NULL, occtl_show_nvm_status,
	  "Prints the NVM collector's exporters, counters and drops", false },
	{ "show nvm flows", "[user NAME] [since T] [until T] [limit N]", occtl_show_nvm_flows,
	  "Prints stored NVM flows (T: unix time, -2h, YYYY-MM-DD[THH:MM])", false },
	{ "show nvm endpoints", "[user NAME] [limit N]", occtl_show_nvm_endpoints,
	  "Prints the NVM endpoints seen, newest first", false },
	{ "stop now", NULL, occtl_stop, "Terminates the server", false },
	{ "reset", NULL, occtl_reset, "Resets the screen and terminal", false },
	{ "help", "or ?", occtl_help, "Prints this help", false },
	{ "?", NULL, occtl_help, "Prints this help", true },
	{ "exit", NULL, occtl_exit, "Exits this application", false },
	{ "quit", NULL, occtl_exit, "Exits this application", true },
};
#define N_CMDS (sizeof(occtl_cmds) / sizeof(occtl_cmds[0]))

static bool occtl_exit_requested;

/* ------------------------------------------------------------ socket */

static int read_full(int fd, uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = read(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? -ECONNRESET : -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_full(int fd, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int occtl_connect(const struct occtl *o)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(o->socket) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, o->socket);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

/* Read one frame: header first, then exactly the payload it announces. */
static int occtl_recv(int fd, TALLOC_CTX *mem_ctx, struct ctl_frame *ret)
{
	uint8_t hdr[CTL_HDR_LEN], *buf;
	struct ctl_frame f;
	size_t used;
	uint32_t len;
	int rc;

	if ((rc = read_full(fd, hdr, sizeof(hdr))) < 0)
		return rc;
	memcpy(&len, hdr + 1, sizeof(len));
	if (len > CTL_MAX_REP)
		return -EMSGSIZE;
	buf = talloc_size(mem_ctx, CTL_HDR_LEN + (size_t)len);
	if (buf == NULL)
		return -ENOMEM;
	memcpy(buf, hdr, sizeof(hdr));
	if ((rc = read_full(fd, buf + CTL_HDR_LEN, len)) < 0 ||
	    (rc = ctl_frame_parse(buf, CTL_HDR_LEN + (size_t)len, CTL_MAX_REP, &f, &used)) < 0)
		return rc;
	*ret = f;
	return 0;
}

int occtl_call(const struct occtl *o, TALLOC_CTX *mem_ctx, uint8_t type,
	       const ProtobufCMessage *req, uint8_t want, struct ctl_frame *ret)
{
	int fd = occtl_connect(o), rc;
	uint8_t *buf;
	size_t len;

	if (fd < 0) {
		fprintf(stderr, "error connecting to ocserv socket '%s': %s\n", o->socket,
			strerror(-fd));
		return OCCTL_FAIL;
	}
	rc = ctl_frame_pack(mem_ctx, type, req, CTL_MAX_REQ, &buf, &len);
	if (rc == 0)
		rc = write_full(fd, buf, len);
	if (rc == 0)
		rc = occtl_recv(fd, mem_ctx, ret);
	close(fd);
	if (rc == 0 && ret->type != want) {
		fprintf(stderr, "Unexpected message '%u', expected '%u'\n", ret->type, want);
		rc = -EPROTO;
	}
	if (rc < 0) {
		fprintf(stderr, "could not send message; possibly insufficient permissions or "
			"server is offline.\n");
		return OCCTL_FAIL;
	}
	return OCCTL_OK;
}

/* ------------------------------------------------------------ commands */

static void print_entry(const struct occtl_cmd *c)
{
	if (c->arg != NULL)
		printf(" %12s %s\t%s\n", c->words, c->arg, c->help);
	else
		printf(" %16s\t%s\n", c->words, c->help);
}

static int occtl_help(const struct occtl *o, const char *arg)
{
	(void)o;
	(void)arg;
	printf("Available Commands\n");
	for (size_t i = 0; i < N_CMDS; i++)
		if (!occtl_cmds[i].hidden)
			print_entry(&occtl_cmds[i]);
	return OCCTL_OK;
}

static int occtl_reset(const struct occtl *o, const char *arg)
{
	(void)o;
	(void)arg;
	rl_reset_terminal(NULL);
	return OCCTL_OK;
}

static int occtl_exit(const struct occtl *o, const char *arg)
{
	(void)o;
	(void)arg;
	occtl_exit_requested = true;
	return OCCTL_OK;
}

/*
 * How many leading words of line match c->words (case-insensitively); the
 * whole command must match. *ret_rest is what follows, spaces skipped.
 */
static bool match_words(const char *words, const char *line, const char **ret_rest, bool *prefix)
{
	const char *w = words, *l = line;

	*prefix = false;
	while (*w) {
		size_t wn = strcspn(w, " "), ln;

		l += strspn(l, " \t");
		ln = strcspn(l, " \t");
		if (ln == 0) {
			*prefix = w != words;   /* the line stopped inside the command */
			return false;
		}
		if (ln != wn || strncasecmp(w, l, wn) != 0)
			return false;
		w += wn + strspn(w + wn, " ");
		l += ln;
	}
	l += strspn(l, " \t");
	*ret_rest = l;
	return true;
}

static int run_line(const struct occtl *o, const char *line)
{
	const struct occtl_cmd *best = NULL;
	const char *rest = NULL, *r;
	bool prefix, any_prefix = false;

	if (line[strspn(line, " \t")] == '\0')
		return OCCTL_OK;
	for (size_t i = 0; i < N_CMDS; i++) {
		if (match_words(occtl_cmds[i].words, line, &r, &prefix)) {
			if (best == NULL || strlen(occtl_cmds[i].words) > strlen(best->words)) {
				best = &occtl_cmds[i];
				rest = r;
			}
		}
		any_prefix |= prefix;
	}
	if (best != NULL && (best->arg == NULL || best->fn == occtl_help) && *rest != '\0')
		best = NULL;                    /* "show users extra" is not a command */
	if (best != NULL)
		return best->fn(o, best->arg != NULL && *rest != '\0' ? rest : NULL);
	if (any_prefix) {
		for (size_t i = 0; i < N_CMDS; i++)
			if (match_words(occtl_cmds[i].words, line, &r, &prefix) || prefix)
				print_entry(&occtl_cmds[i]);
		return OCCTL_FAIL;
	}
	fprintf(stderr, "unknown command: %s\n", line);
	fprintf(stderr, "use help or '?' to get a list of the available commands\n");
	return OCCTL_FAIL;
}

/* ------------------------------------------------------------ shell */

static char *complete_gen(const char *text, int state)
{
	static size_t i;
	size_t n = strlen(text);

	if (state == 0)
		i = 0;
	while (i < N_CMDS) {
		const char *w = occtl_cmds[i++].words;
		size_t start = (size_t)(rl_point - (int)n), wlen;

		/* complete the word under the cursor against the table's words there */
		if (start > strlen(w) || strncasecmp(w, rl_line_buffer, start) != 0)
			continue;
		w += start;
		wlen = strcspn(w, " ");
		if (strncasecmp(w, text, n) == 0)
			return strndup(w, wlen);
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)start;
	(void)end;
	rl_attempted_completion_over = 1;
	return rl_completion_matches(text, complete_gen);
}

static int shell(const struct occtl *o)
{
	char *line;
	int rc = OCCTL_OK;

	rl_readline_name = "occtl";
	rl_attempted_completion_function = complete;
	while (!occtl_exit_requested && (line = readline(isatty(0) ? "occtl> " : "")) != NULL) {
		if (line[strspn(line, " \t")] != '\0')
			add_history(line);
		rc = run_line(o, line);
		free(line);
		fflush(stdout);
	}
	return rc;
}

/* ------------------------------------------------------------ main */

static void usage(FILE *f)
{
	fprintf(f, "Usage: occtl [options] [COMMAND]\n"
		"  -s, --socket-file FILE  the server's control socket (default %s)\n"
		"  -j, --json              print JSON\n"
		"  -n, --no-pager          accepted for compatibility (no pager is used)\n"
		"  -d, --debug             more details\n"
		"  -v, --version           print the version and exit\n"
		"  -h, --help              this text\n"
		"With no COMMAND an interactive shell starts; `help` lists the commands.\n",
		OCCTL_DEFAULT_SOCKET);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "socket-file", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-pager", no_argument, NULL, 'n' },
		{ "debug", no_argument, NULL, 'd' },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct occtl o = { .socket = OCCTL_DEFAULT_SOCKET };
	char *line = NULL;
	size_t len = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "+s:jndvh", lo, NULL)) != -1) {
		switch (c) {
		case 's': o.socket = optarg; break;
		case 'j': o.json = true; break;
		case 'n': break;
		case 'd': o.debug = true; break;
		case 'v': printf("occtl (wolfguard) %s\n", PACKAGE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return OCCTL_FAIL;
		}
	}
	if (optind >= argc)
		return shell(&o);
	for (int i = optind; i < argc; i++) {
		size_t n = strlen(argv[i]);
		char *nl = realloc(line, len + n + 2);

		if (nl == NULL)
			return OCCTL_FAIL;
		line = nl;
		memcpy(line + len, argv[i], n);
		len += n;
		line[len++] = ' ';
		line[len] = '\0';
	}
	line[len - 1] = '\0';
	rc = run_line(&o, line);
	free(line);
	return rc;
}
