/* tests/fuzz/fuzz-ipfix.c: arbitrary bytes into the IPFIX decoder. Runs in: fuzzing, make check. */
/*
 * First byte, bit 0: 0 = fresh template cache (the input must bring its own templates),
 * 1 = the real NVM templates (262/266/267/268, domain 127) preloaded so data sets decode.
 * The rest is fed as one datagram. Every decoded value is walked as a consumer would.
 */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "nvm/ipfix.h"
#include "../unit/nvz-capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* reads land here so the compiler keeps them (and ASan checks them) */
static volatile uint8_t sink;

static int walk_record(void *arg, const struct nvm_record *rec)
{
	struct nvm_blist l;
	const uint8_t *p;
	uint16_t i, len;
	uint64_t x;

	(void)arg;
	for (i = 0; i < rec->nvals; i++) {
		if (rec->v[i].len > 0)
			sink ^= rec->v[i].p[rec->v[i].len - 1];
		(void)nvm_value_uint(&rec->v[i], &x);
		if (rec->v[i].kind != NVZ_KIND_BASICLIST)
			continue;
		if (nvm_blist_open(&rec->v[i], &l) < 0)
			__builtin_trap();	/* the decoder promised a valid list */
		while (nvm_blist_next(&l, &p, &len) == 1)
			if (len > 0)
				sink ^= p[len - 1];
		if (!pkt_at_end(&l.items))
			__builtin_trap();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_in from = { .sin_family = AF_INET, .sin_port = htons(2055) };
	struct nvm_decoder_ops ops = { .on_record = walk_record };
	struct nvm_decoder_cfg cfg = {
		.lim = { .max_exporters = 4, .max_tmpl_per_exporter = 64, .max_fields = 64 }
	};
	struct nvm_decoder *dec;

	if (size < 1)
		return 0;
	dec = nvm_decoder_new(NULL, &cfg, &ops);
	if (dec == NULL)
		return 0;
	if (data[0] & 1)
		nvm_decoder_feed(dec, (struct sockaddr *)&from, sizeof(from), nvz_tmpl_msg,
				 sizeof(nvz_tmpl_msg));
	nvm_decoder_feed(dec, (struct sockaddr *)&from, sizeof(from), data + 1, size - 1);
	talloc_free(dec);
	return 0;
}
