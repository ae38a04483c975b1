/* common/cfg.c: ocserv.conf lines, sections, vhosts, defaults, checks. Runs in: all. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg-int.h"
#include "log.h"

int cfg_fail(struct cfg_parser *p, const char *fmt, ...)
{
	char *reason;
	va_list ap;

	if (p->err != NULL)
		return -EINVAL;         /* keep the first error */
	va_start(ap, fmt);
	reason = talloc_vasprintf(p->err_ctx, fmt, ap);
	va_end(ap);
	if (reason == NULL)
		return -ENOMEM;
	if (p->line > 0)
		p->err = talloc_asprintf(p->err_ctx, "%s:%u: %s", p->name, p->line, reason);
	else
		p->err = talloc_asprintf(p->err_ctx, "%s: %s", p->name, reason);
	talloc_free(reason);
	return p->err == NULL ? -ENOMEM : -EINVAL;
}

void cfg_warn(const struct cfg_parser *p, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	log_warn("%s:%u: %s", p->name, p->line, reason);
}

static int set_default_str(struct cfg *c, char **slot, const char *val)
{
	*slot = talloc_strdup(c, val);
	return *slot == NULL ? -ENOMEM : 0;
}

/* ocserv's code defaults where it has one; our own where it has none (see cfg.h). */
static int cfg_set_defaults(struct cfg *c)
{
	c->tcp_port = 443;
	c->keepalive = 32400;
	c->dpd = 60;
	c->mobile_dpd = 300;
	c->cookie_timeout = 300;
	c->auth_timeout = 240;
	c->max_same_clients = 2;
	c->max_ban_score = 80;
	c->ban_reset_time = 1200;
	c->ban_time = 300;
	c->ban_points_wrong_password = 10;
	c->ban_points_connection = 1;
	c->rekey_time = 172800;
	c->rekey_method = CFG_REKEY_SSL;
	c->no_compress_limit = 256;
	c->ipv6_subnet_prefix = 128;
	c->predictable_ips = true;
	c->dtls_psk = true;
	c->dtls_legacy = true;
	c->log_level = 2;
	c->nvm_port = 2055;
	if (set_default_str(c, &c->device, "vpns") < 0 ||
	    set_default_str(c, &c->socket_file, "/var/run/ocserv-socket") < 0 ||
	    set_default_str(c, &c->occtl_socket_file, "/var/run/occtl.socket") < 0 ||
	    set_default_str(c, &c->run_as_user, "nobody") < 0 ||
	    set_default_str(c, &c->run_as_group, "nogroup") < 0)
		return -ENOMEM;
	return 0;
}

static void pending_reset(struct cfg_pending *pd)
{
	memset(pd, 0, sizeof(*pd));
	pd->v4_prefix = -1;
	pd->v4_mask_prefix = -1;
	pd->v6_prefix = -1;
	pd->v6_legacy_prefix = -1;
}

/* A section (default or vhost) is complete: resolve what may come in any order. */
static int section_end(struct cfg_parser *p)
{
	int rc;

	if (p->skip_section)
		return 0;
	rc = cfg_pending_resolve(p, p->cur);
	if (rc < 0)
		return rc;
	/* cisco-client-compat implies legacy DTLS, as in ocserv */
	if (p->cur->cisco_client_compat)
		p->cur->dtls_legacy = true;
	return 0;
}

static int vhost_begin(struct cfg_parser *p, struct cfg *root, char *name)
{
	struct cfg *v, **tail;
	unsigned count = 0;
	char *s;
	int rc;

	for (s = name; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);  /* SNI names compare case-insensitively */
	if (name[0] == '\0')
		return cfg_fail(p, "[vhost:] needs a name");
	for (tail = &root->next_vhost; *tail != NULL; tail = &(*tail)->next_vhost, count++)
		if (strcmp((*tail)->vhost_name, name) == 0)
			return cfg_fail(p, "duplicate section [vhost:%.64s]", name);
	/* each vhost is a full copy of the default section: bound them */
	if (count >= CFG_MAX_VHOSTS)
		return cfg_fail(p, "too many [vhost:] sections (at most %d)", CFG_MAX_VHOSTS);
	v = talloc_zero(root, struct cfg);
	if (v == NULL)
		return -ENOMEM;
	rc = cfg_opts_copy(v, root);
	if (rc < 0)
		return rc;
	v->vhost_name = talloc_strdup(v, name);
	if (v->vhost_name == NULL)
		return -ENOMEM;
	*tail = v;
	p->cur = v;
	p->in_vhost = true;
	p->pend = p->root_pend;
	p->pend.v4_dirty = false;
	p->pend.v6_dirty = false;
	memset(p->seen, 0, sizeof(p->seen));
	return 0;
}

static char *trim(char *s)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
	return s;
}

/* '#' starts a comment at the start of a value or after whitespace, as in ocserv. */
static void cut_comment(char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t')) {
			s[i] = '\0';
			return;
		}
	}
}

static int section_line(struct cfg_parser *p, struct cfg *root, char *s)
{
	size_t len;
	char *name;
	int rc;

	cut_comment(s);
	s = trim(s);
	len = strlen(s);
	if (len < 2 || s[len - 1] != ']')
		return cfg_fail(p, "malformed section header (missing ']')");
	s[len - 1] = '\0';
	name = trim(s + 1);
	rc = section_end(p);
	if (rc < 0)
		return rc;
	if (!p->in_vhost && !p->skip_section)
		p->root_pend = p->pend;         /* the default section is complete */
	p->skip_section = false;
	if (strncasecmp(name, "vhost:", 6) == 0)
		return vhost_begin(p, root, trim(name + 6));
	cfg_warn(p, "skipping unknown section [%.64s]", name);
	p->skip_section = true;
	return 0;
}

static int parse_line(struct cfg_parser *p, struct cfg *root, char *line)
{
	char *s = trim(line), *eq, *key, *val;
	size_t len;

	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	if (*s == '[')
		return section_line(p, root, s);
	if (p->skip_section)
		return 0;
	eq = strchr(s, '=');
	if (eq == NULL)
		return cfg_fail(p, "expected 'option = value'");
	*eq = '\0';
	key = trim(s);
	if (*key == '\0')
		return cfg_fail(p, "missing option name before '='");
	val = eq + 1;
	cut_comment(val);
	val = trim(val);
	/* ocserv strips one leading and one trailing double quote */
	if (*val == '"')
		val++;
	len = strlen(val);
	if (len > 0 && val[len - 1] == '"')
		val[--len] = '\0';
	return cfg_opt_apply(p, key, val);
}

static int parse_lines(struct cfg_parser *p, struct cfg *root, const char *buf, size_t len)
{
	char line[CFG_MAX_LINE + 1];
	size_t pos = 0;
	int rc;

	while (pos < len) {
		const char *start = buf + pos, *nl = memchr(start, '\n', len - pos);
		size_t llen = nl != NULL ? (size_t)(nl - start) : len - pos;

		pos += llen + (nl != NULL ? 1 : 0);
		p->line++;
		if (llen > 0 && start[llen - 1] == '\r')
			llen--;
		if (llen > CFG_MAX_LINE)
			return cfg_fail(p, "line longer than %d bytes", CFG_MAX_LINE);
		if (memchr(start, '\0', llen) != NULL)
			return cfg_fail(p, "NUL byte in line");
		memcpy(line, start, llen);
		line[llen] = '\0';
		rc = parse_line(p, root, line);
		if (rc < 0)
			return rc;
	}
	return section_end(p);
}

int cfg_parse_buf(TALLOC_CTX *mem_ctx, const char *name, const char *buf, size_t len,
		  struct cfg **ret_cfg, char **ret_err)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct cfg_parser p = { .name = name != NULL ? name : "(config)" };
	struct cfg *root;
	int rc = -ENOMEM;

	if (tmp == NULL)
		return -ENOMEM;
	p.err_ctx = tmp;
	pending_reset(&p.pend);
	root = talloc_zero(tmp, struct cfg);
	if (root == NULL || (root->file = talloc_strdup(root, p.name)) == NULL ||
	    cfg_set_defaults(root) < 0)
		goto out;
	p.cur = root;
	if (len > CFG_MAX_FILE)
		rc = cfg_fail(&p, "larger than %d bytes", CFG_MAX_FILE);
	else
		rc = parse_lines(&p, root, buf, len);
	if (rc < 0)
		goto out;
	/* the parsed tree outlives this call */
	*ret_cfg = talloc_steal(mem_ctx, root);
out:
	if (rc < 0 && ret_err != NULL && p.err != NULL)
		*ret_err = talloc_steal(mem_ctx, p.err);
	talloc_free(tmp);
	return rc == -ENOMEM ? rc : rc < 0 ? -EINVAL : 0;
}

static int read_all(TALLOC_CTX *mem_ctx, int fd, char **ret_buf, size_t *ret_len)
{
	char *buf = talloc_size(mem_ctx, CFG_MAX_FILE + 1);
	size_t len = 0;

	if (buf == NULL)
		return -ENOMEM;
	while (len <= CFG_MAX_FILE) {
		ssize_t n = read(fd, buf + len, CFG_MAX_FILE + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

int cfg_parse_file(TALLOC_CTX *mem_ctx, const char *path, struct cfg **ret_cfg, char **ret_err)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *buf = NULL;
	size_t len = 0;
	int fd, rc = -ENOMEM;

	if (tmp == NULL)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	rc = fd < 0 ? -errno : read_all(tmp, fd, &buf, &len);
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		if (ret_err != NULL)
			*ret_err = talloc_asprintf(mem_ctx, "%s: %s", path, strerror(-rc));
		goto out;
	}
	/* one byte over the cap tells cfg_parse_buf the file was too large */
	rc = cfg_parse_buf(mem_ctx, path, buf, len, ret_cfg, ret_err);
out:
	talloc_free(tmp);
	return rc;
}

/* NULL if fine, else a reason allocated on ctx */
/* what would otherwise make ocserv-nvm exit at start, again and again under main's restarts */
static char *check_nvm(TALLOC_CTX *ctx, const struct cfg *c)
{
	if (!c->nvm)
		return NULL;
	if (c->nvm_port == 0 || c->nvm_port > 65535)
		return talloc_asprintf(ctx, "nvm-port %u is not a port", c->nvm_port);
	if (c->nvm_dtls && (c->nvm_cert == NULL || c->nvm_key == NULL))
		return talloc_strdup(ctx, "nvm-dtls needs nvm-cert and nvm-key");
	if (c->nvm_client_ca != NULL && !c->nvm_dtls)
		return talloc_strdup(ctx, "nvm-client-ca is only used with nvm-dtls = true");
	return NULL;
}

static char *check_one(TALLOC_CTX *ctx, const struct cfg *c)
{
	if (c->n_auth == 0)
		return talloc_strdup(ctx, "no 'auth' method is set");
	if (c->n_server_cert == 0 || c->n_server_key == 0)
		return talloc_strdup(ctx, "'server-cert' and 'server-key' are required");
	if (c->n_server_cert != c->n_server_key)
		return talloc_asprintf(ctx, "%zu server-cert lines but %zu server-key lines",
				       c->n_server_cert, c->n_server_key);
	if (c->have_ipv4_network && c->ipv4_network.prefix > 30)
		return talloc_asprintf(ctx, "ipv4-network /%u leaves no addresses for clients",
				       c->ipv4_network.prefix);
	if (c->have_ipv6_network && (c->ipv6_subnet_prefix < c->ipv6_network.prefix ||
				     c->ipv6_subnet_prefix > 128))
		return talloc_asprintf(ctx, "ipv6-subnet-prefix %u must be within %u..128",
				       c->ipv6_subnet_prefix, c->ipv6_network.prefix);
	if (c->match_tls_dtls_ciphers && c->cisco_client_compat)
		return talloc_strdup(ctx, "match-tls-dtls-ciphers cannot be used with cisco-client-compat");
	if (c->device == NULL || c->socket_file == NULL)
		return talloc_strdup(ctx, "'device' and 'socket-file' must not be empty");
	return check_nvm(ctx, c);
}

int cfg_check(const struct cfg *cfg, char **ret_err)
{
	const struct cfg *c;

	for (c = cfg; c != NULL; c = c->next_vhost) {
		char *why = check_one(NULL, c);

		if (why == NULL)
			continue;
		if (ret_err != NULL && c->vhost_name != NULL)
			*ret_err = talloc_asprintf(cfg, "%s: [vhost:%s]: %s", cfg->file, c->vhost_name, why);
		else if (ret_err != NULL)
			*ret_err = talloc_asprintf(cfg, "%s: %s", cfg->file, why);
		talloc_free(why);
		return -EINVAL;
	}
	return 0;
}
