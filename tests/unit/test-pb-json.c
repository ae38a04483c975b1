/* tests/unit/test-pb-json.c: protobuf-c messages as JSON (the NVM API and occtl -j). Runs in: make check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/ctl.pb-c.h"
#include "nvm/pb-json.h"

static void test_flow_list(void **state)
{
	CtlNvmFlowList l = CTL_NVM_FLOW_LIST__INIT;
	CtlNvmFlow f = CTL_NVM_FLOW__INIT, *fp = &f;
	char *s;

	(void)state;
	f.id = 3;
	f.ts = -1;
	f.family = 4;
	f.user = (char *)"MYNVM\\dummy11";
	f.process = (char *)"a\"b\n";
	f.modules = (char *)"[\"x.dll\"]";
	f.bytes_in = 100;
	l.flows = &fp;
	l.n_flows = 1;
	s = pb_json(NULL, &l.base, -1);
	assert_non_null(s);
	assert_non_null(strstr(s, "{\"flows\":[{\"id\":3,\"ts\":-1,"));
	assert_non_null(strstr(s, "\"user\":\"MYNVM\\\\dummy11\""));
	assert_non_null(strstr(s, "\"process\":\"a\\\"b\\u000a\""));
	assert_non_null(strstr(s, "\"modules\":\"[\\\"x.dll\\\"]\""));
	assert_null(strstr(s, "vpn_user"));             /* absent optional: left out */
	assert_non_null(strstr(s, "\"bytes_in\":100"));
	talloc_free(s);
}

static void test_empty_and_status(void **state)
{
	CtlNvmFlowList l = CTL_NVM_FLOW_LIST__INIT;
	CtlNvmStatus st = CTL_NVM_STATUS__INIT;
	char *s;

	(void)state;
	s = pb_json(NULL, &l.base, 2);
	assert_string_equal(s, "{\n  \"flows\": []\n}");
	talloc_free(s);
	st.dtls = 1;
	st.records_per_sec = 2.5;
	st.database = (char *)"/x.db";
	s = pb_json(NULL, &st.base, -1);
	assert_non_null(strstr(s, "\"records_per_sec\":2.5"));
	assert_non_null(strstr(s, "\"dtls\":true"));
	assert_non_null(strstr(s, "\"exporters\":[]"));
	assert_non_null(strstr(s, "\"database\":\"/x.db\""));
	talloc_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flow_list),
		cmocka_unit_test(test_empty_and_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
