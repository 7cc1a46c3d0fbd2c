#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The agent's replay end to end (TAP), with whatever rule set it was built
# from (the shipped pack in the normal and sanitizer builds):
#   - every JSONL and EVTX file of ../shared/datasets replays without a
#     crash, every event read, nothing malformed;
#   - bad input costs only itself: a JSONL file with garbage lines and a
#     truncated object (and invalid UTF-8, which is kept as it is), and an
#     EVTX file cut in half,
#     replay in one run with good files; the bad records are counted and
#     skipped, the good events all read, and the exit status says some
#     input was bad;
#   - missing files are reported and the others still replay;
#   - an event padded with 600 fields no rule names before the ones a rule
#     tests still fires that rule, and one with a 600 KiB command line gets
#     its alert written.
# The dataset part skips with a message when ../shared is absent.
#
# Usage: run-replay.sh AGENT SOURCE_ROOT
set -u
agent=$1
src=$2
shared=$src/../shared/datasets
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
stat_of() { sed -n "s/^$1: *\([0-9]*\).*/\1/p" "$2"; }

# bad input among good input
cat >"$tmp/good.jsonl" <<'JSON'
{"logsource.product":"linux","logsource.category":"process_creation","Image":"/usr/bin/id","CommandLine":"id"}
{"logsource.product":"linux","logsource.category":"process_creation","Image":"/bin/sh","CommandLine":"sh -c true"}
JSON
{
	echo '{"logsource.product":"linux","Image":"/bin/true"}'
	echo 'this is not json'
	printf '{"Image":"\377\376"}\n'
	echo '{"a":1}{"b":2}'
	echo '{"Image": [1, 2, {"x": null}], "n": -1.5e3}'
	echo '{"unterminated": "value'
} >"$tmp/bad.jsonl"
"$agent" replay --stats --alerts "$tmp/a1" "$tmp/good.jsonl" "$tmp/bad.jsonl" \
	"$tmp/missing.jsonl" 2>"$tmp/s1"
rc=$?
check "bad input: exit status 1 (some input unreadable), not a crash" test "$rc" -eq 1
check "bad input: the good events are all read (2 + 5)" test "$(stat_of 'events read' "$tmp/s1")" = 7
check "bad input: the malformed records are counted (2)" test "$(stat_of malformed "$tmp/s1")" = 2
check "bad input: the missing file is named" grep -q 'missing.jsonl' "$tmp/s1"

# fields no rule names, put first, cannot push out the fields a rule tests:
# 600 of them, then the Image and CommandLine of the shipped netcat rule
{
	printf '{"logsource.product":"linux","logsource.category":"process_creation"'
	i=0
	while [ $i -lt 600 ]; do printf ',"pad%d":%d' $i $i; i=$((i + 1)); done
	printf ',"Image":"/usr/bin/nc","CommandLine":"nc -e /bin/sh 127.0.0.1 9"}\n'
} >"$tmp/padded.jsonl"
"$agent" replay --stats --no-file-checks --alerts "$tmp/a2" "$tmp/padded.jsonl" 2>"$tmp/s2"
check "padded event: replays (exit 0)" test $? -eq 0
if grep -q 'proc_creation_lnx_netcat_exec\|bcacaccf-e7ec-4f83-933f-e321bf164426' "$tmp/a2" 2>/dev/null ||
	! "$agent" rules | grep -q bcacaccf; then
	ok "padded event: the rule on its last fields fires (or the rule set has no netcat rule)"
else
	not_ok "padded event: the rule on its last fields fires"
fi
check "padded event: the fields dropped are counted in the stats" \
	test "$(stat_of 'fields dropped' "$tmp/s2")" = 92
check "padded event: the fields dropped are reported in the alert" \
	sh -c "! \"$agent\" rules | grep -q bcacaccf || grep -q '\"dropped_fields\":92' \"$tmp/a2\""

# a command line of 600 KiB: the alert is written, its values cut (sigma.value_cap)
{
	printf '{"logsource.product":"linux","logsource.category":"process_creation",'
	printf '"Image":"/usr/bin/nc","CommandLine":"nc -e /bin/sh 127.0.0.1 9 '
	head -c 614400 /dev/zero | tr '\0' 'x'
	printf '"}\n'
} >"$tmp/long.jsonl"
"$agent" replay --stats --no-file-checks --alerts "$tmp/a3" "$tmp/long.jsonl" 2>"$tmp/s3"
check "long value: replays (exit 0)" test $? -eq 0
check "long value: every alert counted is written" \
	test "$(stat_of alerts "$tmp/s3")" = "$(wc -l <"$tmp/a3")"
if "$agent" rules | grep -q bcacaccf; then
	check "long value: the rule's alert is written, with sigma.value_cap" \
		grep -q '"value_cap":65536.*bcacaccf\|bcacaccf.*"value_cap":65536' "$tmp/a3"
fi

if [ ! -d "$shared" ]; then
	ok "datasets # SKIP ../shared/datasets is absent"
	echo "1..$n"
	exit $fail
fi

find "$shared" -name '*.jsonl' -print0 | LC_ALL=C sort -z >"$tmp/jsonl.list"
find "$shared" -name '*.evtx' -print0 | LC_ALL=C sort -z >"$tmp/evtx.list"
xargs -0 "$agent" replay --stats --alerts "$tmp/a2" <"$tmp/jsonl.list" 2>"$tmp/s2"
check "JSONL datasets replay (exit 0)" test $? -eq 0
check "JSONL datasets: 67435 events read, none malformed" \
	test "$(stat_of 'events read' "$tmp/s2")/$(stat_of malformed "$tmp/s2")" = 67435/0
xargs -0 "$agent" replay --stats --alerts "$tmp/a3" <"$tmp/evtx.list" 2>"$tmp/s3"
check "EVTX datasets replay (exit 0)" test $? -eq 0
check "EVTX datasets: 8255 records read, none malformed" \
	test "$(stat_of 'events read' "$tmp/s3")/$(stat_of malformed "$tmp/s3")" = 8255/0

# an EVTX file cut in half, between two good files
first=$(tr '\0' '\n' <"$tmp/evtx.list" | sed -n 1p)
head -c 40000 "$first" >"$tmp/cut.evtx"
"$agent" replay --stats --alerts "$tmp/a4" "$first" "$tmp/cut.evtx" "$first" 2>"$tmp/s4"
check "truncated EVTX: replay goes on, not a crash" test $? -le 1
check "truncated EVTX: a warning names the file and the cut chunk" \
	grep -q "^sigmac-agent: $tmp/cut.evtx: truncated EVTX file: 40000 bytes, ends 35904 bytes into chunk 0" \
	"$tmp/s4"
check "truncated EVTX: both good copies read in full" \
	test "$(stat_of 'events read' "$tmp/s4")" -ge "$((2 * $("$agent" replay --stats \
		--alerts /dev/null "$first" 2>&1 | sed -n 's/^events read: *\([0-9]*\).*/\1/p')))"
echo "1..$n"
exit $fail
