#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Benchmarks of the compiled detection core on the full SigmaHQ corpus and
# the recorded datasets (ARCHITECTURE.md section 9). Prints figures, never
# fails on a slow machine: these machines are shared and noisy, so ratios
# are measured side by side in one run and the medians of several rounds
# are reported.
#
#   1. agent build: sigmac-c compile + C compile + link of a --target replay
#      agent, compiler and runtime already built (the CI rebuild), wall time;
#   2. detection on pre-parsed events: agent vs the reference interpreter
#      (same events, same rules), and vs one xxh3 pass over the same bytes;
#   3. replay end to end (read, route, detect, write alerts), JSONL and EVTX:
#      MB/s and events/s, peak RSS.
#
# Usage: bench-core.sh SOURCE_ROOT SIGMA_INTERP [ROUNDS]
# Skips (77) when ../shared is absent.
set -eu
src=$1
interp=$2
rounds=${3:-5}
shared=$src/../shared
C=$shared/corpus/sigmahq
if [ ! -d "$C/rules" ] || [ ! -d "$shared/datasets" ]; then
	echo "bench-core: ../shared (SigmaHQ corpus, datasets) is absent: skipped"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ph=$src/tests/corpus/placeholders.yml
rules="$C/rules $C/rules-threat-hunting $C/rules-emerging-threats $C/rules-placeholder $C/rules-compliance"
dir=${BUILD_AGENT_DIR:-$src/build-agent/corpus-replay}

# 1. build: once to have compiler and runtime, then the timed rebuild of
# everything generated from the rules.
BUILD_AGENT_DIR=$dir "$src/tools/build-agent" -o "$tmp/agent" --target replay \
	--placeholders "$ph" $rules >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
rm -rf "$dir/generated"
start=$(date +%s.%N)
ninja -C "$dir" generated/sigmac-agent >"$tmp/rebuild.log" 2>&1 || { cat "$tmp/rebuild.log"; exit 1; }
end=$(date +%s.%N)
cp "$dir/generated/sigmac-agent" "$tmp/agent"
calc() { awk "BEGIN { printf \"%.${2:-1}f\", $1 }"; }
echo "bench-core: agent build (sigmac-c + C compile + link, $(nproc) cores): $(calc "$end - $start") s"
echo "bench-core: $("$tmp/agent" version | sed -n 2p)"
sed -n 's/.*"summary": \(.*\),$/bench-core: manifest summary \1/p' "$dir/generated/manifest.json"

# 2. detection, pre-parsed events
find "$shared/datasets" -name '*.jsonl' | LC_ALL=C sort >"$tmp/jsonl.list"
xargs -d '\n' "$tmp/agent" replay --bench-detect "$rounds" <"$tmp/jsonl.list" | tee "$tmp/det.txt"
rule_args=
for r in $rules; do rule_args="$rule_args --rules $r"; done
xargs -d '\n' "$interp" --target replay --placeholders "$ph" $rule_args --bench 3 \
	<"$tmp/jsonl.list" 2>/dev/null | tee "$tmp/interp.txt"
agent_s=$(sed -n 's/.*detection: median \([0-9.]*\) s.*/\1/p' "$tmp/det.txt")
interp_s=$(sed -n 's/.*median \([0-9.]*\) s per round.*/\1/p' "$tmp/interp.txt")
echo "bench-core: compiled agent / reference interpreter: $(calc "$interp_s / $agent_s")x faster"

# 3. replay end to end, alerts written
for kind in jsonl evtx; do
	find "$shared/datasets" -name "*.$kind" -print0 | LC_ALL=C sort -z >"$tmp/$kind.list0"
	bytes=$(du -cb --files0-from="$tmp/$kind.list0" | tail -1 | cut -f1)
	for i in 1 2 3; do
		xargs -0 "$tmp/agent" replay --stats --alerts "$tmp/alerts" <"$tmp/$kind.list0" \
			2>"$tmp/stats.$i"
		sed -n 's/^time: *\([0-9.]*\) s.*/\1/p' "$tmp/stats.$i" >>"$tmp/$kind.times"
	done
	t=$(sort -n "$tmp/$kind.times" | sed -n 2p)
	ev=$(sed -n 's/^events read: *\([0-9]*\).*/\1/p' "$tmp/stats.1")
	rss=$(sed -n 's/^peak RSS: *//p' "$tmp/stats.1")
	echo "bench-core: replay $kind: $ev events, $(calc "$bytes / 1e6") MB in $t s (median of 3):" \
		"$(calc "$bytes / $t / 1e6") MB/s, $(calc "$ev / $t" 0) events/s per core;" \
		"peak RSS $rss"
done
