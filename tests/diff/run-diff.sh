#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Differential test: the compiled agent (whole SigmaHQ corpus, target
# replay, built by tools/build-agent) and the reference interpreter must
# report the same (input, event, rule) matches
#   1. over every JSONL file of ../shared/datasets,
#   2. over every EVTX file of ../shared/datasets,
#   3. over events generated from the rules' atoms and mutated,
# and the EVTX files must give the same alerts as their JSONL twin.
# Skips (77) when ../shared is absent. Figures are printed for the record.
#
# Usage: run-diff.sh SOURCE_ROOT SIGMA_INTERP GEN_EVENTS
set -eu
src=$1
interp=$2
gen=$3
shared=$src/../shared
C=$shared/corpus/sigmahq
if [ ! -d "$C/rules" ] || [ ! -d "$shared/datasets" ]; then
	echo "differential: ../shared (SigmaHQ corpus, datasets) is absent: skipped"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ph=$src/tests/corpus/placeholders.yml
rules="$C/rules $C/rules-threat-hunting $C/rules-emerging-threats $C/rules-placeholder $C/rules-compliance"
rule_args=
for r in $rules; do rule_args="$rule_args --rules $r"; done

start=$(date +%s)
BUILD_AGENT_DIR=${BUILD_AGENT_DIR:-$src/build-agent/corpus-replay} \
	"$src/tools/build-agent" -o "$tmp/agent" --target replay --placeholders "$ph" $rules \
	>"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
echo "differential: corpus agent built in $(( $(date +%s) - start )) s ($("$tmp/agent" version | sed -n 2p))"

# (file, event sequence, rule id) from alerts
triples() {
	python3 -c '
import json, sys
for line in sys.stdin:
    a = json.loads(line)
    print("%s\t%s\t%s" % (a["log"]["file"]["path"], a["event"]["sequence"], a["rule"]["id"]))
' | LC_ALL=C sort
}

fail=0
compare() { # name, agent triples, interpreter triples
	na=$(wc -l <"$2")
	ni=$(wc -l <"$3")
	if cmp -s "$2" "$3"; then
		echo "differential: $1: agent and interpreter agree on all $na matches"
	else
		echo "differential: $1: DIFFERENCES (agent $na matches, interpreter $ni)"
		diff "$2" "$3" | head -40
		fail=1
	fi
}

find "$shared/datasets" -name '*.jsonl' | LC_ALL=C sort >"$tmp/jsonl.list"
find "$shared/datasets" -name '*.evtx' | LC_ALL=C sort >"$tmp/evtx.list"

for kind in jsonl evtx; do
	xargs -d '\n' "$tmp/agent" replay --stats --alerts "$tmp/$kind.alerts" <"$tmp/$kind.list" \
		2>"$tmp/$kind.stats" || { cat "$tmp/$kind.stats"; exit 1; }
	triples <"$tmp/$kind.alerts" >"$tmp/$kind.agent"
	xargs -d '\n' "$interp" --target replay --placeholders "$ph" $rule_args <"$tmp/$kind.list" \
		2>"$tmp/$kind.interp.log" | LC_ALL=C sort >"$tmp/$kind.interp"
	echo "differential: $kind: $(sed -n 1p "$tmp/$kind.stats"); $(tail -1 "$tmp/$kind.interp.log")"
	compare "$kind datasets" "$tmp/$kind.agent" "$tmp/$kind.interp"
done

"$gen" --placeholders "$ph" $rule_args >"$tmp/gen.jsonl" 2>/dev/null
"$tmp/agent" replay --alerts "$tmp/gen.alerts" "$tmp/gen.jsonl" 2>/dev/null
triples <"$tmp/gen.alerts" >"$tmp/gen.agent"
"$interp" --target replay --placeholders "$ph" $rule_args "$tmp/gen.jsonl" \
	2>"$tmp/gen.interp.log" | LC_ALL=C sort >"$tmp/gen.interp"
echo "differential: generated: $(wc -l <"$tmp/gen.jsonl") events; $(tail -1 "$tmp/gen.interp.log")"
compare "generated events" "$tmp/gen.agent" "$tmp/gen.interp"

# EVTX files against their JSONL twin (events.jsonl names its source file).
python3 - "$tmp/evtx.alerts" "$tmp/jsonl.alerts" <<'PY' || fail=1
import json, os, sys
def key(a, twin):
    f = a["sigma"]["fields"]
    src = f.get("_source") if twin else a["log"]["file"]["path"]
    return (os.path.basename(src or ""), str(f.get("EventRecordID")), a["rule"]["id"])
ev = sorted(key(json.loads(l), False) for l in open(sys.argv[1]))
tw = sorted(key(json.loads(l), True) for l in open(sys.argv[2])
            if "_source" in json.loads(l)["sigma"]["fields"])
if ev == tw:
    print("differential: EVTX and JSONL twin give the same %d alerts" % len(ev))
else:
    print("differential: EVTX and JSONL twin DIFFER: %d vs %d alerts" % (len(ev), len(tw)))
    sys.exit(1)
PY
exit $fail
