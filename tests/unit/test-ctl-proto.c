/* tests/unit/test-ctl-proto.c: occtl socket framing and request decoding. Runs in: test. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/ctl-frame.h"
#include "ipc/ctl-msg.h"

static void test_pack_parse_roundtrip(void **state)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	CtlName n = CTL_NAME__INIT;
	struct ctl_frame f;
	struct ctl_req req;
	uint8_t *buf;
	size_t len, used = 0;
	uint32_t plen;

	(void)state;
	n.username = (char *)"alice";
	assert_int_equal(ctl_frame_pack(tmp, CTL_USER_INFO, &n.base, CTL_MAX_REQ, &buf, &len), 0);
	memcpy(&plen, buf + 1, sizeof(plen));           /* host order, as ocserv */
	assert_int_equal(buf[0], CTL_USER_INFO);
	assert_int_equal(plen + CTL_HDR_LEN, len);
	assert_int_equal(ctl_frame_parse(buf, len, CTL_MAX_REQ, &f, &used), 0);
	assert_int_equal(used, len);
	assert_int_equal(f.type, CTL_USER_INFO);
	assert_int_equal(ctl_req_decode(tmp, &f, &req), 0);
	assert_non_null(req.name);
	assert_string_equal(req.name->username, "alice");
	talloc_free(tmp);
}

/* the exact bytes ocserv's occtl sends for `disconnect id 1234` (sint32: zigzag) */
static void test_wire_disconnect_id(void **state)
{
	const uint8_t in[] = { CTL_DISCONNECT_ID, 3, 0, 0, 0, 0x08, 0xa4, 0x13 };
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ctl_frame f;
	struct ctl_req req;
	size_t used;

	(void)state;
	assert_int_equal(ctl_frame_parse(in, sizeof(in), CTL_MAX_REQ, &f, &used), 0);
	assert_int_equal(ctl_req_decode(tmp, &f, &req), 0);
	assert_non_null(req.id);
	assert_int_equal(req.id->id, 1234);
	talloc_free(tmp);
}

static void test_empty_request(void **state)
{
	const uint8_t in[] = { CTL_STATUS, 0, 0, 0, 0 };
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ctl_frame f;
	struct ctl_req req;
	size_t used;

	(void)state;
	assert_int_equal(ctl_frame_parse(in, sizeof(in), CTL_MAX_REQ, &f, &used), 0);
	assert_int_equal(used, 5);
	assert_int_equal(f.len, 0);
	assert_int_equal(ctl_req_decode(tmp, &f, &req), 0);
	assert_null(req.name);
	talloc_free(tmp);
}

/* every truncation of a valid frame asks for more and writes nothing */
static void test_truncated(void **state)
{
	const uint8_t in[] = { CTL_USER_INFO, 3, 0, 0, 0, 0x0a, 0x01, 'x' };
	struct ctl_frame f = { .type = 0xee };
	size_t used = 77;

	(void)state;
	for (size_t n = 0; n < sizeof(in); n++) {
		assert_int_equal(ctl_frame_parse(in, n, CTL_MAX_REQ, &f, &used), -EAGAIN);
		assert_int_equal(f.type, 0xee);
		assert_int_equal(used, 77);
	}
	assert_int_equal(ctl_frame_parse(in, sizeof(in), CTL_MAX_REQ, &f, &used), 0);
}

static void test_oversize(void **state)
{
	uint8_t in[CTL_HDR_LEN] = { CTL_USER_INFO };
	uint32_t exact = CTL_MAX_REQ, over = CTL_MAX_REQ + 1;
	struct ctl_frame f;
	size_t used;

	(void)state;
	memcpy(in + 1, &over, sizeof(over));
	/* refused from the header alone: no need to buffer the payload first */
	assert_int_equal(ctl_frame_parse(in, sizeof(in), CTL_MAX_REQ, &f, &used), -EMSGSIZE);
	memcpy(in + 1, &exact, sizeof(exact));
	assert_int_equal(ctl_frame_parse(in, sizeof(in), CTL_MAX_REQ, &f, &used), -EAGAIN);
}

static void test_two_frames(void **state)
{
	const uint8_t in[] = { CTL_STATUS, 0, 0, 0, 0, CTL_LIST, 0, 0, 0, 0, CTL_RELOAD };
	struct ctl_frame f;
	size_t used;

	(void)state;
	assert_int_equal(ctl_frame_parse(in, sizeof(in), CTL_MAX_REQ, &f, &used), 0);
	assert_int_equal(f.type, CTL_STATUS);
	assert_int_equal(ctl_frame_parse(in + used, sizeof(in) - used, CTL_MAX_REQ, &f, &used), 0);
	assert_int_equal(f.type, CTL_LIST);
	assert_int_equal(ctl_frame_parse(in + 10, 1, CTL_MAX_REQ, &f, &used), -EAGAIN);
}

static void test_bad_requests(void **state)
{
	/* unknown type; a name request whose string overruns; a missing required field */
	const uint8_t unknown[] = { 99, 0, 0, 0, 0 };
	const uint8_t overrun[] = { CTL_USER_INFO, 3, 0, 0, 0, 0x0a, 0x09, 'x' };
	const uint8_t missing[] = { CTL_DISCONNECT_ID, 0, 0, 0, 0 };
	const uint8_t *cases[] = { unknown, overrun, missing };
	const size_t lens[] = { sizeof(unknown), sizeof(overrun), sizeof(missing) };
	const int want[] = { -EPROTO, -EBADMSG, -EBADMSG };
	TALLOC_CTX *tmp = talloc_new(NULL);

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct ctl_req req = { .type = 0xee };
		struct ctl_frame f;
		size_t used;

		assert_int_equal(ctl_frame_parse(cases[i], lens[i], CTL_MAX_REQ, &f, &used), 0);
		assert_int_equal(ctl_req_decode(tmp, &f, &req), want[i]);
		assert_int_equal(req.type, 0xee);       /* untouched on failure */
	}
	talloc_free(tmp);
}

static void test_pack_limit(void **state)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	CtlName n = CTL_NAME__INIT;
	char *big = talloc_zero_size(tmp, CTL_MAX_REQ + 1);
	uint8_t *buf = NULL;
	size_t len = 0;

	(void)state;
	memset(big, 'a', CTL_MAX_REQ);
	n.username = big;
	assert_int_equal(ctl_frame_pack(tmp, CTL_USER_INFO, &n.base, CTL_MAX_REQ, &buf, &len),
			 -EMSGSIZE);
	assert_null(buf);
	talloc_free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pack_parse_roundtrip),
		cmocka_unit_test(test_wire_disconnect_id),
		cmocka_unit_test(test_empty_request),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_two_frames),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_pack_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
