/* secmod/auth-plain.h: ocserv's plain passwd file (user:groups:crypt-hash). Runs in: sec-mod. */
#ifndef SECMOD_AUTH_PLAIN_H
#define SECMOD_AUTH_PLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <talloc.h>

#define AUTH_PLAIN_MAX_LINE 4096    /* longer lines are skipped */
#define AUTH_PLAIN_MAX_GROUPS 512   /* ocserv's MAX_GROUPS since 1.3.0 */

/*
 * Check `password` for `user` against the file, which is re-read on every call
 * (admins edit it live). Returns 0 with ret_groups (a talloc array on mem_ctx,
 * possibly empty) and ret_n_groups; -EACCES for a wrong password, a locked user
 * ('!' before the hash) or an unknown user; -EIO when the file cannot be read;
 * -ENOMEM. Unknown users cost one crypt() like known ones, so timing does not
 * reveal who exists. A user whose hash field is empty has no password: only the
 * empty password matches (see auth_plain_lookup). Outputs are untouched on error.
 */
int auth_plain_check(TALLOC_CTX *mem_ctx, const char *passwd_file, const char *user,
		     const char *password, char ***ret_groups, size_t *ret_n_groups);

/*
 * Whether `user` is listed, and whether its hash field is empty (ocserv then
 * skips the password prompt when no OTP file is configured). Returns 0, -ENOENT
 * when the user is not listed, -EIO when the file cannot be read.
 */
int auth_plain_lookup(const char *passwd_file, const char *user, bool *ret_no_password);

/*
 * Every distinct group named in the file (for select-group lists), as a talloc
 * array on mem_ctx. Returns 0, -EIO or -ENOMEM.
 */
int auth_plain_group_list(TALLOC_CTX *mem_ctx, const char *passwd_file, char ***ret_groups,
			  size_t *ret_n_groups);

#endif /* SECMOD_AUTH_PLAIN_H */
