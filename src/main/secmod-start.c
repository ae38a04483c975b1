/* main/secmod-start.c: create sec-mod's socket and fork it. Runs in: main. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <gnutls/crypto.h>

#include "common/log.h"
#include "common/proctitle.h"
#include "main/main-int.h"
#include "secmod/secmod.h"

int main_start_secmod(struct main_ctx *m);

static int secmod_listen(struct main_ctx *m)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct passwd *pw;
	struct group *gr;
	uint8_t rnd[4];
	mode_t old;
	int fd;

	if (gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof(rnd)) < 0)
		return -EIO;
	/* a random suffix as ocserv does, so a stale socket never matches */
	m->secmod_socket = talloc_asprintf(m, "%s.%02x%02x%02x%02x.0", m->cfg->socket_file,
					   rnd[0], rnd[1], rnd[2], rnd[3]);
	if (m->secmod_socket == NULL || strlen(m->secmod_socket) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, m->secmod_socket);
	unlink(sa.sun_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	old = umask(0077);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1024) < 0) {
		int err = errno;

		umask(old);
		close(fd);
		return -err;
	}
	umask(old);
	pw = getpwnam(m->cfg->run_as_user);
	gr = m->cfg->run_as_group ? getgrnam(m->cfg->run_as_group) : NULL;
	if (pw != NULL && chown(sa.sun_path, pw->pw_uid, gr ? gr->gr_gid : pw->pw_gid) < 0)
		log_warn("cannot hand %s to %s: %s", sa.sun_path, m->cfg->run_as_user,
			 strerror(errno));
	return fd;
}

int main_start_secmod(struct main_ctx *m)
{
	int sv[2], lfd = secmod_listen(m);
	pid_t pid;

	if (lfd < 0) {
		log_err("cannot create the sec-mod socket: %s", strerror(-lfd));
		return lfd;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(sv[0]);
		for (unsigned i = 0; i < m->n_listen; i++)
			close(m->listen_fd[i]);
		close(m->config_fd);
		for (unsigned i = 0; i < m->n_udp; i++)
			close(m->udp_fd[i]);
		log_init("sec-mod", !m->foreground);
		proctitle_set("ocserv-sm");
		fcntl(sv[1], F_SETFL, O_NONBLOCK);
		secmod_run(m->cfg, sv[1], lfd, m->hmac_key);
	}
	close(lfd);
	close(sv[1]);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	m->secmod_fd = sv[0];
	m->secmod_pid = pid;
	return 0;
}
