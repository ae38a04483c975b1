/* nvm/nvzflow.h: nvzFlow/IANA element table, named columns, record classes. Runs in: ocserv-nvm. */
#ifndef NVM_NVZFLOW_H
#define NVM_NVZFLOW_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Element IDs come from the bytes of a real NVM capture (design/NVM-LZS-SCALE.md §1.3), not
 * from the public tables: nvzFlow elements are PEN 9 (ciscoSystems) IDs 12332..12363.
 */
#define NVZ_PEN_CISCO 9u
#define NVZ_VARLEN 65535u

/* How a value's bytes are read. Anything that does not fit its kind is kept as OCTETS. */
enum nvz_kind {
	NVZ_KIND_OCTETS = 0,	/* raw bytes (unknown elements, hashes, UDID) */
	NVZ_KIND_UINT,		/* big-endian unsigned, 1..8 bytes (reduced-size encoding) */
	NVZ_KIND_STRING,	/* UTF-8, not NUL-terminated */
	NVZ_KIND_IPV4,
	NVZ_KIND_IPV6,
	NVZ_KIND_TIME_S,	/* seconds since the epoch, 4 bytes */
	NVZ_KIND_TIME_MS,	/* milliseconds since the epoch, 8 bytes */
	NVZ_KIND_BASICLIST,	/* RFC 6313 basicList, validated by the decoder */
	NVZ_KIND_SUBTMPL,	/* RFC 6313 subTemplate(Multi)List, kept as raw bytes */
};

/* The "named view": one slot per known element. NVZ_COL_NONE = keep raw. */
enum nvz_col {
	NVZ_COL_NONE = -1,
	NVZ_COL_OCTETS = 0,	/* IANA 1 octetDeltaCount */
	NVZ_COL_PACKETS,	/* IANA 2 packetDeltaCount */
	NVZ_COL_PROTOCOL,	/* IANA 4 */
	NVZ_COL_SRC_PORT,	/* IANA 7 */
	NVZ_COL_SRC_V4,		/* IANA 8 */
	NVZ_COL_DST_PORT,	/* IANA 11 */
	NVZ_COL_DST_V4,		/* IANA 12 */
	NVZ_COL_SRC_V6,		/* IANA 27 */
	NVZ_COL_DST_V6,		/* IANA 28 */
	NVZ_COL_START_S,	/* IANA 150 flowStartSeconds */
	NVZ_COL_END_S,		/* IANA 151 */
	NVZ_COL_START_MS,	/* IANA 152 flowStartMilliseconds */
	NVZ_COL_END_MS,		/* IANA 153 */
	NVZ_COL_HOST_NAME,	/* IANA 350 virtualStationName */
	NVZ_COL_UDID,		/* 12332 */
	NVZ_COL_USER,		/* 12333 logged-in user "Authority\Principal" */
	NVZ_COL_OS_NAME,	/* 12334 */
	NVZ_COL_OS_VERSION,	/* 12335 */
	NVZ_COL_SYS_MANUF,	/* 12336 */
	NVZ_COL_SYS_TYPE,	/* 12337 */
	NVZ_COL_PROC_ACCOUNT,	/* 12338 */
	NVZ_COL_PARENT_ACCOUNT,	/* 12339 */
	NVZ_COL_PROC_NAME,	/* 12340 */
	NVZ_COL_PROC_HASH,	/* 12341 SHA-256 */
	NVZ_COL_PARENT_NAME,	/* 12342 */
	NVZ_COL_PARENT_HASH,	/* 12343 */
	NVZ_COL_DNS_SUFFIX,	/* 12344 */
	NVZ_COL_DEST_HOST,	/* 12345 */
	NVZ_COL_BYTES_IN,	/* 12346 L4 payload bytes in */
	NVZ_COL_BYTES_OUT,	/* 12347 */
	NVZ_COL_MODULE_NAME,	/* 12348 basicList element */
	NVZ_COL_MODULE_HASH,	/* 12350 basicList element */
	NVZ_COL_OS_EDITION,	/* 12351 */
	NVZ_COL_MODULE_NAMES,	/* 12352 basicList of 12348 */
	NVZ_COL_MODULE_HASHES,	/* 12353 basicList of 12350 */
	NVZ_COL_IF_UID,		/* 12355 joins flows to interface records */
	NVZ_COL_IF_INDEX,	/* 12356 (name unverified) */
	NVZ_COL_IF_TYPE,	/* 12357 (unverified) */
	NVZ_COL_IF_NAME,	/* 12358 (unverified) */
	NVZ_COL_IF_DETAILS,	/* 12359 (unverified) */
	NVZ_COL_IF_MAC,		/* 12360 (unverified) */
	NVZ_COL_USER_ACCT_TYPE,	/* 12361 */
	NVZ_COL_PROC_ACCT_TYPE,	/* 12362 */
	NVZ_COL_PARENT_ACCT_TYPE, /* 12363 */
	NVZ_COL_COUNT
};

/* What a template carries, decided from its fields, never from its ID (exporter-chosen). */
enum nvz_rec_type {
	NVZ_REC_OTHER = 0,
	NVZ_REC_ENDPOINT,
	NVZ_REC_INTERFACE,
	NVZ_REC_FLOW4,
	NVZ_REC_FLOW6,
};

struct nvz_elem {
	uint32_t pen;
	uint16_t id;
	enum nvz_kind kind;
	enum nvz_col col;
	const char *name;	/* column / JSON key */
};

/* NULL if (pen, id) is not in the table */
const struct nvz_elem *nvz_lookup(uint32_t pen, uint16_t id);
const char *nvz_col_name(enum nvz_col col);
/* the kind a value of this length is really read as (OCTETS when it does not fit) */
enum nvz_kind nvz_kind_fit(enum nvz_kind kind, uint32_t len);
/* present[] = which columns a template carries */
enum nvz_rec_type nvz_classify(const bool present[NVZ_COL_COUNT]);
const char *nvz_rec_type_name(enum nvz_rec_type t);

#endif /* NVM_NVZFLOW_H */
