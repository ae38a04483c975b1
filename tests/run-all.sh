#!/bin/bash
# tests/run-all.sh: the whole test suite from a clean checkout, as CI runs it (root, Debian 12).
#
#   tests/run-all.sh            deps, build, unit + fuzz replay, e2e against wolfguard and against
#                               Debian's ocserv, then an ASan/UBSan build running unit + e2e
#   SKIP_SANITIZERS=1           leave out the sanitizer build (quicker local runs)
#   SKIP_DEBIAN=1               leave out the e2e run against Debian's ocserv
# Prints a closing line "N passed, N failed" summed over every stage; exits 1 if any failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
jobs=$(nproc 2>/dev/null || echo 2)
total_pass=0 total_fail=0 total_skip=0
stage_fail=()

say() { printf '\n=== %s\n' "$*"; }

# count "N passed, N failed[, N skipped]" from a stage's output
tally() {	# tally STAGE LOGFILE STATUS
	local line p f s
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$2" | tail -n 1)
	if [ -z "$line" ]; then
		[ "$3" -eq 0 ] || { total_fail=$((total_fail + 1)); stage_fail+=("$1"); }
		return
	fi
	p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	s=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f)); total_skip=$((total_skip + ${s:-0}))
	if [ "$f" -gt 0 ] || [ "$3" -ne 0 ]; then stage_fail+=("$1"); fi
}

# automake's parallel harness: turn its summary into our line
automake_check() {	# automake_check BUILDDIR LOG
	make -C "$1" -j"$jobs" check > "$2" 2>&1
	local rc=$? p f s
	p=$(grep -E '^# PASS: ' "$2" | tail -n1 | awk '{print $3}')
	f=$(grep -E '^# (FAIL|ERROR|XPASS): ' "$2" | awk '{s += $3} END {print s + 0}')
	s=$(grep -E '^# SKIP: ' "$2" | tail -n1 | awk '{print $3}')
	grep -E '^(PASS|FAIL|SKIP|ERROR|XFAIL|XPASS): ' "$2"
	if [ "$rc" -ne 0 ]; then
		find "$1/tests" -name '*.log' -newer "$1/Makefile" -exec grep -l -E 'FAIL|ERROR' {} + \
			2>/dev/null | head -n 5 | xargs -r tail -n 30
	fi
	echo "${p:-0} passed, ${f:-0} failed, ${s:-0} skipped" >> "$2"
	return $rc
}

build() {	# build DIR [configure args...]
	local dir=$1; shift
	mkdir -p "$dir" && (cd "$dir" && "$top/configure" -q "$@" && make -j"$jobs") > "$dir.build.log" 2>&1 ||
		{ tail -n 40 "$dir.build.log"; return 1; }
}

say "dependencies"
contrib/install-deps.sh || exit 2

say "build"
[ -x configure ] || autoreconf -fi > /dev/null 2>&1 || { echo "autoreconf failed"; exit 2; }
out=$top/build/test-logs
mkdir -p "$out"
build "$top/build/default" --enable-werror || exit 2

say "unit tests and fuzz corpus replay"
automake_check "$top/build/default" "$out/check.log"; tally "unit" "$out/check.log" $?
tail -n 1 "$out/check.log"

say "end-to-end, wolfguard"
OC_SERVER=wolfguard WG_BUILDDIR="$top/build/default" tests/e2e/run.sh -j "${E2E_JOBS:-3}" \
	2>&1 | tee "$out/e2e-wolfguard.log"
tally "e2e-wolfguard" "$out/e2e-wolfguard.log" "${PIPESTATUS[0]}"

if [ "${SKIP_DEBIAN:-0}" != 1 ]; then
	say "end-to-end, Debian's ocserv (compatibility of the tests)"
	OC_SERVER=debian OCPASSWD=debian tests/e2e/run.sh -j "${E2E_JOBS:-3}" \
		2>&1 | tee "$out/e2e-debian.log"
	tally "e2e-debian" "$out/e2e-debian.log" "${PIPESTATUS[0]}"
fi

if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
	say "ASan/UBSan build: unit tests and end-to-end"
	if build "$top/build/asan" --enable-sanitizers; then
		export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
		automake_check "$top/build/asan" "$out/check-asan.log"; tally "unit-asan" "$out/check-asan.log" $?
		tail -n 1 "$out/check-asan.log"
		OC_SERVER=wolfguard WG_BUILDDIR="$top/build/asan" tests/e2e/run.sh -j "${E2E_JOBS:-3}" \
			2>&1 | tee "$out/e2e-asan.log"
		tally "e2e-asan" "$out/e2e-asan.log" "${PIPESTATUS[0]}"
	else
		total_fail=$((total_fail + 1)); stage_fail+=("asan-build")
	fi
fi

say "summary"
[ ${#stage_fail[@]} -gt 0 ] && echo "stages with failures: ${stage_fail[*]}"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
