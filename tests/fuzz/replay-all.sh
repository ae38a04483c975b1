#!/bin/sh
# tests/fuzz/replay-all.sh: replay every seed corpus through its harness, built without libFuzzer.
# Runs in: make check (top build directory; automake sets $srcdir). A corpus with no replay
# program is an error, so no parser's corpus is silently skipped.
srcdir=${srcdir:-.}
rc=0
for dir in "$srcdir"/tests/fuzz/corpus/*/; do
	name=$(basename "$dir")
	prog=./tests/fuzz/replay-$name
	if [ ! -x "$prog" ]; then
		echo "no replay program for corpus $name" >&2
		rc=1
		continue
	fi
	"$prog" "$dir" || { echo "replay of $name failed" >&2; rc=1; }
done
exit $rc
