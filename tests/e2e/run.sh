#!/bin/bash
# tests/e2e/run.sh: runs the end-to-end tests and sums them up. Runs in: bash (root).
#
# Usage: tests/e2e/run.sh [-j JOBS] [test-NAME ...]
#   Without names it runs every tests/e2e/test-*.sh.  Tests run JOBS at a time (default
#   $E2E_JOBS or 4); each is bounded by $E2E_TEST_TIMEOUT seconds (default 120).
#   Prints "PASS|FAIL|SKIP name (seconds)" per test, the output of failed tests, and last
#   "N passed, N failed, N skipped".  Exit status 1 if any test failed.
#   Environment for the tests (OC_SERVER, WG_BUILDDIR, OCCTL, ...): see common.sh.

here=$(cd "$(dirname "$0")" && pwd)
jobs=${E2E_JOBS:-4}
limit=${E2E_TEST_TIMEOUT:-120}

while [ $# -gt 0 ]; do
	case "$1" in
	-j) jobs=$2; shift 2 ;;
	-j*) jobs=${1#-j}; shift ;;
	-h|--help) sed -n '4,10p' "$0" | cut -c3-; exit 0 ;;
	*) break ;;
	esac
done
[ "$jobs" -ge 1 ] 2>/dev/null || { echo "bad job count: $jobs" >&2; exit 2; }

tests=()
if [ $# -gt 0 ]; then
	for t in "$@"; do
		t=$(basename "$t" .sh)
		[ -f "$here/$t.sh" ] || { echo "no such test: $t" >&2; exit 2; }
		tests+=("$t")
	done
else
	for t in "$here"/test-*.sh; do tests+=("$(basename "$t" .sh)"); done
fi

logs=$(mktemp -d /tmp/wg-e2e-logs.XXXXXX) || exit 2
passed=0 failed=0 skipped=0
failed_names=()
declare -A pid_test=() started=()

finish_one() {	# finish_one PID STATUS
	local t=${pid_test[$1]} rc=$2 secs
	unset "pid_test[$1]"
	secs=$(( $(date +%s%N) / 1000000 - started[$t] ))
	secs=$(printf '%d.%01d' $((secs / 1000)) $((secs % 1000 / 100)))
	case "$rc" in
	0) passed=$((passed + 1)); echo "PASS $t (${secs}s)" ;;
	77) skipped=$((skipped + 1)); echo "SKIP $t ($(grep -m1 '^SKIP:' "$logs/$t.log" | cut -c7-))" ;;
	*) failed=$((failed + 1)); failed_names+=("$t")
	   [ "$rc" -eq 124 ] && echo "test timed out after ${limit}s" >> "$logs/$t.log"
	   echo "FAIL $t (${secs}s, status $rc)" ;;
	esac
}

reap_one() {	# wait for any running test and account for it
	local pid rc
	wait -n -p pid
	rc=$?
	[ -n "${pid:-}" ] && [ -n "${pid_test[$pid]:-}" ] && finish_one "$pid" "$rc"
}

for t in "${tests[@]}"; do
	while [ "${#pid_test[@]}" -ge "$jobs" ]; do reap_one; done
	started[$t]=$(( $(date +%s%N) / 1000000 ))
	timeout -k 30 "$limit" "$here/$t.sh" > "$logs/$t.log" 2>&1 < /dev/null &
	pid_test[$!]=$t
done
while [ "${#pid_test[@]}" -gt 0 ]; do reap_one; done

for t in "${failed_names[@]}"; do
	echo "===== $t"
	cat "$logs/$t.log"
done
if [ "$failed" -eq 0 ] && [ -z "${E2E_KEEP:-}" ]; then
	rm -rf "$logs"
else
	echo "logs in $logs"
fi
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
