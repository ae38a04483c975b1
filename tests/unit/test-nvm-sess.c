/* tests/unit/test-nvm-sess.c: VPN session table used to link NVM records to users. Runs in: make check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "nvm/nvm-sess.h"

static const uint8_t v4a[4] = { 10, 0, 0, 2 }, v4b[4] = { 10, 0, 0, 3 };
static const uint8_t v6a[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
static const uint8_t pub[4] = { 192, 0, 2, 2 };
static const uint8_t mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 2 };

static void test_up_find_down(void **state)
{
	struct nvm_sess_table *t = nvm_sess_new(NULL);
	const struct nvm_sess_info *s;

	(void)state;
	assert_int_equal(nvm_sess_update(t, true, 7, "alice", "SID1", v4a, v6a, "192.0.2.2"), 0);
	assert_int_equal(nvm_sess_count(t), 1);
	s = nvm_sess_find(t, v4a, 4);
	assert_non_null(s);
	assert_string_equal(s->user, "alice");
	assert_string_equal(s->session, "SID1");
	assert_non_null(nvm_sess_find(t, v6a, 16));
	assert_non_null(nvm_sess_find(t, pub, 4));
	assert_non_null(nvm_sess_find(t, mapped, 16));   /* v4-mapped source */
	assert_null(nvm_sess_find(t, v4b, 4));
	assert_null(nvm_sess_find(t, v4a, 3));
	assert_int_equal(nvm_sess_update(t, false, 7, NULL, NULL, NULL, NULL, NULL), 0);
	assert_int_equal(nvm_sess_count(t), 0);
	assert_null(nvm_sess_find(t, v4a, 4));
	assert_null(nvm_sess_find(t, pub, 4));
	talloc_free(t);
}

static void test_replace_and_nat(void **state)
{
	struct nvm_sess_table *t = nvm_sess_new(NULL);
	const struct nvm_sess_info *s;

	(void)state;
	assert_int_equal(nvm_sess_update(t, true, 1, "alice", "A", v4a, NULL, "192.0.2.2"), 0);
	assert_int_equal(nvm_sess_update(t, true, 2, "bob", "B", v4b, NULL, "192.0.2.2"), 0);
	/* behind one NAT address the newest session wins; tunnel addresses stay exact */
	assert_string_equal(nvm_sess_find(t, pub, 4)->user, "bob");
	assert_string_equal(nvm_sess_find(t, v4a, 4)->user, "alice");
	/* the same id again replaces (a re-announce after an ocserv-nvm restart) */
	assert_int_equal(nvm_sess_update(t, true, 1, "alice", "A2", v4a, NULL, NULL), 0);
	assert_int_equal(nvm_sess_count(t), 2);
	s = nvm_sess_find(t, v4a, 4);
	assert_string_equal(s->session, "A2");
	assert_int_equal(nvm_sess_update(t, false, 2, NULL, NULL, NULL, NULL, NULL), 0);
	assert_null(nvm_sess_find(t, pub, 4));
	/* unknown id going down: nothing happens */
	assert_int_equal(nvm_sess_update(t, false, 99, NULL, NULL, NULL, NULL, NULL), 0);
	assert_int_equal(nvm_sess_count(t), 1);
	talloc_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_up_find_down),
		cmocka_unit_test(test_replace_and_nat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
