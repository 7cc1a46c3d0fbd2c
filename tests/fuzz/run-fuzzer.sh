#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Run one libFuzzer target for FUZZ_SECONDS (default 60) on a copy of its
# seed corpus, with leak detection. Fails on any crash, timeout or leak.
#
# Extra seed files (e.g. recorded data under ../shared, never committed) are
# copied in too when they exist; MAX_LEN sets libFuzzer's -max_len (65536).
#
# Usage: run-fuzzer.sh FUZZER SEED_DIR [EXTRA_SEED...]
set -eu
fuzzer=$1
seeds=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$seeds"/. "$work/"
n=0
for f in "$@"; do
	if [ -f "$f" ]; then
		n=$((n + 1))
		cp "$f" "$work/extra-seed-$n"
	fi
done
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	"$fuzzer" -max_total_time="${FUZZ_SECONDS:-60}" -timeout=10 -rss_limit_mb=2048 \
	-max_len="${MAX_LEN:-65536}" -print_final_stats=1 -artifact_prefix="$work/" "$work" 2>&1 |
	tail -25
# libFuzzer exits non-zero on a finding, but the pipe hides its status:
# look for its artefacts instead.
found=
for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
	[ -f "$f" ] && found="$found $f"
done
if [ -n "$found" ]; then
	echo "fuzzer found a problem:$found"
	for f in $found; do
		od -c "$f" | head -20
	done
	exit 1
fi
