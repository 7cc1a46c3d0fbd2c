#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Semantics test (TAP): every event written in a rule's `sigmac-tests`
# block must be matched (match) or not matched (nomatch) by that rule, in
# the agent compiled from tests/semantics/rules and in the reference
# interpreter alike. One TAP point per (engine, event), then one that the
# two engines agree on every (event, rule) pair, other rules included.
#
# Usage: run-semantics.sh AGENT SIGMA_INTERP SEM_CASES PLACEHOLDERS RULE-FILE...
set -eu
agent=$1
interp=$2
cases=$3
ph=$4
shift 4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$cases" "$tmp/events.jsonl" "$tmp/expect.tsv" "$@"
rules=
for f in "$@"; do rules="$rules --rules $f"; done

# "SEQ RULE-ID" of every match, sorted
"$agent" replay --stats --alerts "$tmp/alerts.ndjson" "$tmp/events.jsonl" 2>"$tmp/agent.log" ||
	{ echo "Bail out! agent replay failed"; cat "$tmp/agent.log"; exit 1; }
python3 -c '
import json, sys
for line in sys.stdin:
    a = json.loads(line)
    print("%s %s" % (a["event"]["sequence"], a["rule"]["id"].removeprefix("sigma::")))
' <"$tmp/alerts.ndjson" | LC_ALL=C sort -u >"$tmp/agent.pairs"
"$interp" --target replay --placeholders "$ph" $rules "$tmp/events.jsonl" 2>"$tmp/interp.log" |
	awk -F'\t' '{ sub(/^sigma::/, "", $3); print $2 " " $3 }' | LC_ALL=C sort -u >"$tmp/interp.pairs"

n=$(wc -l <"$tmp/expect.tsv")
echo "1..$((2 * n + 1))"
awk -F'\t' -v agent="$tmp/agent.pairs" -v interp="$tmp/interp.pairs" '
BEGIN {
	while ((getline l < agent) > 0) got["agent", l] = 1
	while ((getline l < interp) > 0) got["interpreter", l] = 1
	split("agent interpreter", engines, " ")
}
{
	for (e = 1; e <= 2; e++) {
		k = $1 " " $2
		hit = (engines[e], k) in got
		ok = ($3 == "match") == hit
		printf "%s %d - %s: rule %s %s event %d (%s)\n", ok ? "ok" : "not ok", ++t,
			engines[e], $2, $3 == "match" ? "matches" : "does not match", $1, $4
	}
}' "$tmp/expect.tsv"
t=$((2 * n + 1))
if cmp -s "$tmp/agent.pairs" "$tmp/interp.pairs"; then
	echo "ok $t - agent and interpreter agree on all $(wc -l <"$tmp/agent.pairs") (event, rule) matches"
else
	echo "not ok $t - agent and interpreter differ"
	diff "$tmp/agent.pairs" "$tmp/interp.pairs" | sed 's/^/# /' | head -40
fi
