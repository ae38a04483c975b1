/* nvm/nvzflow.c: nvzFlow/IANA element table, named columns, record classes. Runs in: ocserv-nvm. */
#include <stddef.h>

#include "nvzflow.h"

#define IANA(id_, kind_, col_, name_) { 0, id_, NVZ_KIND_##kind_, NVZ_COL_##col_, name_ }
#define CISCO(id_, kind_, col_, name_) \
	{ NVZ_PEN_CISCO, id_, NVZ_KIND_##kind_, NVZ_COL_##col_, name_ }

/*
 * Looked up only when a template arrives; per record the decoder uses the column and kind
 * cached in the template, so a linear scan is fine here.
 */
static const struct nvz_elem nvz_table[] = {
	IANA(1, UINT, OCTETS, "octets"),
	IANA(2, UINT, PACKETS, "packets"),
	IANA(4, UINT, PROTOCOL, "protocol"),
	IANA(7, UINT, SRC_PORT, "src_port"),
	IANA(8, IPV4, SRC_V4, "src_v4"),
	IANA(11, UINT, DST_PORT, "dst_port"),
	IANA(12, IPV4, DST_V4, "dst_v4"),
	IANA(27, IPV6, SRC_V6, "src_v6"),
	IANA(28, IPV6, DST_V6, "dst_v6"),
	IANA(150, TIME_S, START_S, "start_s"),
	IANA(151, TIME_S, END_S, "end_s"),
	IANA(152, TIME_MS, START_MS, "start_ms"),
	IANA(153, TIME_MS, END_MS, "end_ms"),
	IANA(291, BASICLIST, NONE, "basic_list"),
	IANA(292, SUBTMPL, NONE, "sub_template_list"),
	IANA(293, SUBTMPL, NONE, "sub_template_multi_list"),
	IANA(350, STRING, HOST_NAME, "host_name"),
	CISCO(12332, OCTETS, UDID, "udid"),
	CISCO(12333, STRING, USER, "user"),
	CISCO(12334, STRING, OS_NAME, "os_name"),
	CISCO(12335, STRING, OS_VERSION, "os_version"),
	CISCO(12336, STRING, SYS_MANUF, "sys_manufacturer"),
	CISCO(12337, STRING, SYS_TYPE, "sys_type"),
	CISCO(12338, STRING, PROC_ACCOUNT, "proc_account"),
	CISCO(12339, STRING, PARENT_ACCOUNT, "parent_account"),
	CISCO(12340, STRING, PROC_NAME, "proc_name"),
	CISCO(12341, OCTETS, PROC_HASH, "proc_hash"),
	CISCO(12342, STRING, PARENT_NAME, "parent_name"),
	CISCO(12343, OCTETS, PARENT_HASH, "parent_hash"),
	CISCO(12344, STRING, DNS_SUFFIX, "dns_suffix"),
	CISCO(12345, STRING, DEST_HOST, "dest_host"),
	CISCO(12346, UINT, BYTES_IN, "bytes_in"),
	CISCO(12347, UINT, BYTES_OUT, "bytes_out"),
	CISCO(12348, STRING, MODULE_NAME, "module_name"),
	CISCO(12350, OCTETS, MODULE_HASH, "module_hash"),
	CISCO(12351, STRING, OS_EDITION, "os_edition"),
	CISCO(12352, BASICLIST, MODULE_NAMES, "module_names"),
	CISCO(12353, BASICLIST, MODULE_HASHES, "module_hashes"),
	CISCO(12355, UINT, IF_UID, "if_uid"),
	CISCO(12356, UINT, IF_INDEX, "if_index"),
	CISCO(12357, UINT, IF_TYPE, "if_type"),
	CISCO(12358, STRING, IF_NAME, "if_name"),
	/* 12359/12360: meaning unverified, so their bytes are kept as they are */
	CISCO(12359, OCTETS, IF_DETAILS, "if_details"),
	CISCO(12360, OCTETS, IF_MAC, "if_mac"),
	CISCO(12361, UINT, USER_ACCT_TYPE, "user_acct_type"),
	CISCO(12362, UINT, PROC_ACCT_TYPE, "proc_acct_type"),
	CISCO(12363, UINT, PARENT_ACCT_TYPE, "parent_acct_type"),
};

const struct nvz_elem *nvz_lookup(uint32_t pen, uint16_t id)
{
	size_t i;

	for (i = 0; i < sizeof(nvz_table) / sizeof(nvz_table[0]); i++)
		if (nvz_table[i].pen == pen && nvz_table[i].id == id)
			return &nvz_table[i];
	return NULL;
}

const char *nvz_col_name(enum nvz_col col)
{
	size_t i;

	for (i = 0; i < sizeof(nvz_table) / sizeof(nvz_table[0]); i++)
		if (col != NVZ_COL_NONE && nvz_table[i].col == col)
			return nvz_table[i].name;
	return NULL;
}

enum nvz_kind nvz_kind_fit(enum nvz_kind kind, uint32_t len)
{
	switch (kind) {
	case NVZ_KIND_UINT:
		return len >= 1 && len <= 8 ? kind : NVZ_KIND_OCTETS;
	case NVZ_KIND_IPV4:
	case NVZ_KIND_TIME_S:
		return len == 4 ? kind : NVZ_KIND_OCTETS;
	case NVZ_KIND_IPV6:
		return len == 16 ? kind : NVZ_KIND_OCTETS;
	case NVZ_KIND_TIME_MS:
		return len == 8 ? kind : NVZ_KIND_OCTETS;
	case NVZ_KIND_OCTETS:
	case NVZ_KIND_STRING:
	case NVZ_KIND_BASICLIST:
	case NVZ_KIND_SUBTMPL:
		break;
	}
	return kind;
}

enum nvz_rec_type nvz_classify(const bool present[NVZ_COL_COUNT])
{
	if (present[NVZ_COL_SRC_V4] && present[NVZ_COL_DST_V4])
		return NVZ_REC_FLOW4;
	if (present[NVZ_COL_SRC_V6] && present[NVZ_COL_DST_V6])
		return NVZ_REC_FLOW6;
	if (present[NVZ_COL_UDID] &&
	    (present[NVZ_COL_HOST_NAME] || present[NVZ_COL_OS_NAME]))
		return NVZ_REC_ENDPOINT;
	if (present[NVZ_COL_UDID] && present[NVZ_COL_IF_UID])
		return NVZ_REC_INTERFACE;
	return NVZ_REC_OTHER;
}

const char *nvz_rec_type_name(enum nvz_rec_type t)
{
	switch (t) {
	case NVZ_REC_ENDPOINT:
		return "endpoint";
	case NVZ_REC_INTERFACE:
		return "interface";
	case NVZ_REC_FLOW4:
		return "flow4";
	case NVZ_REC_FLOW6:
		return "flow6";
	case NVZ_REC_OTHER:
		break;
	}
	return "other";
}
