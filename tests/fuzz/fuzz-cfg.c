/* tests/fuzz/fuzz-cfg.c: libFuzzer harness for the ocserv.conf parser. Runs in: fuzzing. */
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "cfg.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct cfg *cfg = NULL;
	char *err = NULL, buf[128];
	const struct cfg *v;
	size_t i;

	log_set_level(LOG_LVL_ERR);     /* unknown-option warnings would flood the output */
	if (ctx == NULL)
		return 0;
	if (cfg_parse_buf(ctx, "fuzz.conf", (const char *)data, size, &cfg, &err) == 0) {
		(void)cfg_check(cfg, &err);
		/* walk what the lead's code walks, so ASan sees every stored pointer */
		for (v = cfg; v != NULL; v = v->next_vhost) {
			for (i = 0; i < v->n_routes; i++)
				(void)cfg_net_format(&v->routes[i], buf, sizeof(buf));
			for (i = 0; i < v->n_no_routes; i++)
				(void)cfg_net_format(&v->no_routes[i], buf, sizeof(buf));
			for (i = 0; i < v->n_dns; i++)
				(void)talloc_get_size(v->dns[i].str);
			if (v->have_ipv4_network)
				(void)cfg_net_format(&v->ipv4_network, buf, sizeof(buf));
		}
	}
	talloc_free(ctx);
	return 0;
}
