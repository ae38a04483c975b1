/* nvm/nvm-query.h: the JSON API's request line: path and query parameters. Runs in: ocserv-nvm. */
#ifndef NVM_NVM_QUERY_H
#define NVM_NVM_QUERY_H

#include <stdint.h>

struct nvm_query {
	const char *user;               /* NULL = all */
	int64_t since, until;
	unsigned limit;
};

/*
 * "/flows?user=a&since=1&until=2&limit=3" -> path "/flows" and q; the string
 * is cut up in place and q points into it. %XX and '+' are decoded; an unknown
 * parameter, a bad number or a broken escape gives -EINVAL.
 */
int nvm_query_parse(char *url, char **ret_path, struct nvm_query *q);

#endif /* NVM_NVM_QUERY_H */
