/* worker/auth-xml.h: aggregate-auth XML bodies, parsed and formatted. Runs in: worker (unprivileged). */
#ifndef WORKER_AUTH_XML_H
#define WORKER_AUTH_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#define AUTH_XML_MAX_INPUT (64 * 1024)

/* Every field is a talloc child of the struct, NULL when the client did not send it. */
struct auth_reply {
	char *type;                     /* "init", "auth-reply", ...; "auth-reply" for a form post */
	char *username;
	char *password;
	char *group_select;             /* <group-select> or form field group_list */
	char *version;                  /* <version who="vpn"> text */
	char *device_id;
};

/*
 * Parse a POST body: a <config-auth> document, or, when the body does not
 * start with '<' (after whitespace), application/x-www-form-urlencoded
 * username=..&password=..&group_list=.. with %XX and '+' decoding.
 * -EBADMSG for malformed XML or encoding, a different root element, any
 * DOCTYPE (no DTDs or entities are ever processed) or a decoded NUL;
 * -EMSGSIZE above AUTH_XML_MAX_INPUT; -ENOMEM. *ret is set only on success.
 */
int auth_xml_parse(TALLOC_CTX *mem_ctx, const uint8_t *body, size_t len, struct auth_reply **ret);

/*
 * Formatters: talloc strings (NULL on OOM) with every inserted value
 * XML-escaped; NULL optional arguments leave their element out.
 * password_label NULL means "Password:".
 */
char *auth_xml_request(TALLOC_CTX *mem_ctx, const char *message, const char *error,
		       const char *pre_login_banner, bool ask_username, bool ask_password,
		       const char *password_label);
char *auth_xml_complete(TALLOC_CTX *mem_ctx, const char *banner, const char *session_token,
			const char *server_cert_sha1_hex);
/* the same, with Cisco's profile manifest (<vpn-profile-manifest>) when a profile is served */
char *auth_xml_complete_profile(TALLOC_CTX *mem_ctx, const char *banner,
				const char *session_token, const char *server_cert_sha1_hex,
				const char *profile_uri, const char *profile_sha1_hex);
/* the combined username + password form again, with `message` (default "Login failed.") as error */
char *auth_xml_failed(TALLOC_CTX *mem_ctx, const char *message);

#endif /* WORKER_AUTH_XML_H */
