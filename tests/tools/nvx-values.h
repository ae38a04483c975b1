/* tests/tools/nvx-values.h: the values of generated nvzFlow records. Runs in: test tools. */
#ifndef TESTS_TOOLS_NVX_VALUES_H
#define TESTS_TOOLS_NVX_VALUES_H

/*
 * One formula per field of record i, shared by the libfixbuf exporter (which encodes them)
 * and the tests (which compare our decoder's output with them). Every 10th record carries
 * strings of 300 and 400 bytes (the 3-octet length form); module lists have 0..3 entries.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define NVX_MAX_MODS 3
#define NVX_TID_ENDPOINT 262
#define NVX_TID_FLOW4 267
#define NVX_TID_FLOW6 268
#define NVX_ODID 127

struct nvx_flow {
	bool v6;
	uint8_t proto;
	uint8_t src[16], dst[16];	/* 4 or 16 bytes used */
	uint16_t sport, dport;
	uint32_t start, end, if_uid;
	uint8_t udid[20], proc_hash[32], parent_hash[32];
	uint16_t user_type, proc_type, parent_type;
	uint64_t bytes_in, bytes_out;
	char user[320], proc_account[64], proc_name[64], parent_account[64], parent_name[64];
	char dns_suffix[64], dest_host[420];
	unsigned nmods;
	char mod_name[NVX_MAX_MODS][32];
	uint8_t mod_hash[NVX_MAX_MODS][32];
};

static inline void nvx_fill_bytes(uint8_t *p, unsigned n, unsigned seed)
{
	for (unsigned k = 0; k < n; k++)
		p[k] = (uint8_t)(seed * 31u + k * 7u + 1u);
}

/* the string s padded with a repeating pattern to exactly len bytes */
static inline void nvx_pad(char *s, size_t cap, size_t len)
{
	size_t n = strlen(s);

	while (n < len && n + 1 < cap) {
		s[n] = (char)('a' + n % 26);
		n++;
	}
	s[n] = '\0';
}

static inline void nvx_flow_values(unsigned i, struct nvx_flow *f)
{
	static const char *const procs[] = { "chrome.exe", "svchost.exe", "outlook.exe",
					     "teams.exe", "firefox.exe" };

	memset(f, 0, sizeof(*f));
	f->v6 = i % 2 == 1;
	f->proto = i % 3 ? 6 : 17;
	if (f->v6) {
		uint8_t s6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
		uint8_t d6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0 };

		s6[14] = (uint8_t)(i >> 8);
		s6[15] = (uint8_t)i;
		d6[15] = (uint8_t)(i % 200 + 1);
		memcpy(f->src, s6, 16);
		memcpy(f->dst, d6, 16);
	} else {
		const uint8_t s4[4] = { 10, 1, (uint8_t)(i >> 8), (uint8_t)i };
		const uint8_t d4[4] = { 198, 51, 100, (uint8_t)(i % 200 + 1) };

		memcpy(f->src, s4, 4);
		memcpy(f->dst, d4, 4);
	}
	f->sport = (uint16_t)(40000 + i % 20000);
	f->dport = i % 4 ? 443 : 53;
	f->start = 1700000000u + i;
	f->end = f->start + 5;
	f->if_uid = 6 + i % 3;
	nvx_fill_bytes(f->udid, 20, i % 50);
	nvx_fill_bytes(f->proc_hash, 32, 1000 + i % 5);
	nvx_fill_bytes(f->parent_hash, 32, 2000);
	f->user_type = 2;
	f->proc_type = 1;
	f->parent_type = 2;
	f->bytes_in = 100 + (uint64_t)i * 3;
	f->bytes_out = (uint64_t)1 << 33 | i;	/* needs all 8 bytes */
	snprintf(f->user, sizeof(f->user), "CORP\\user%u", i % 50);
	snprintf(f->proc_account, sizeof(f->proc_account), "NT AUTHORITY\\NETWORK SERVICE");
	snprintf(f->proc_name, sizeof(f->proc_name), "%s", procs[i % 5]);
	snprintf(f->parent_account, sizeof(f->parent_account), "NT AUTHORITY\\SYSTEM");
	snprintf(f->parent_name, sizeof(f->parent_name), "services.exe");
	snprintf(f->dns_suffix, sizeof(f->dns_suffix), "corp.example");
	snprintf(f->dest_host, sizeof(f->dest_host), "host%u.example.com", i % 500);
	if (i % 10 == 0) {
		nvx_pad(f->user, sizeof(f->user), 300);
		nvx_pad(f->dest_host, sizeof(f->dest_host), 400);
	}
	f->nmods = i % (NVX_MAX_MODS + 1);
	for (unsigned k = 0; k < f->nmods; k++) {
		snprintf(f->mod_name[k], sizeof(f->mod_name[k]), "mod%u_%u.dll", i % 5, k);
		nvx_fill_bytes(f->mod_hash[k], 32, 3000 + (i % 5) * 10 + k);
	}
}

#endif /* TESTS_TOOLS_NVX_VALUES_H */
