#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Exec storm under live collection (TAP, suite 'privileged' too): the
# agent runs (`sigmac-agent run --config`, the operating layer: sinks,
# dedup, status file) for OPS_STORM_SECONDS (default 60) while
# two shells fork and exec /bin/true as fast as they can. Checks: the
# agent neither crashes nor stops (exit 0 after SIGTERM), its RSS stays
# within RSS_BOUND_MIB (default 96 MiB: the 32 MiB agent target, the
# 16 MiB ring buffer once the kernel has filled it, and the process table
# and alert buffers with room to spare) at every sample (each second), and
# grows by at most RSS_GROWTH_MIB (default 32 MiB) over the storm (the
# absolute bound is skipped in sanitizer builds, whose shadow memory
# inflates RSS), and
# it reports its drop counters at exit (kernel and user side; a storm may
# or may not overflow the ring buffer, so the count itself is printed,
# not required to be non-zero).
#
# Skips (TAP "1..0 # SKIP", exit 0) with the reason when the agent was built without live
# collection, or the kernel refuses it (not root, no BTF).
#
# Usage: exec-storm.sh AGENT SOURCE_ROOT BUILD_DIR
set -u
agent=$1
. "$(dirname "$0")/lib.sh"
secs=${OPS_STORM_SECONDS:-60}
bound=${RSS_BOUND_MIB:-96}
grow=${RSS_GROWTH_MIB:-32}
tmp=$(mktemp -d)
trap 'cleanup_pids; rm -rf "$tmp"' EXIT

if "$agent" run --help 2>&1 | grep -q 'built without live collection'; then
	echo "1..0 # SKIP this agent was built without live collection (needs clang, bpftool, libbpf)"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP live collection needs root"
	exit 0
fi

# The real `run`: YAML config (dedup, exclusions), ops sinks and the status file.
printf 'dedup:\n  window_s: 10\nstatus:\n  interval_s: 1\n' >"$tmp/storm.yml"
"$agent" run --config "$tmp/storm.yml" --alerts "$tmp/alerts.ndjson" \
	--status-file "$tmp/status.json" --duration $((secs + 30)) 2>"$tmp/err" &
apid=$!
track $apid
# Started when it has attached (or failed): give it up to 30 s. The
# baseline RSS below is taken only then, with its BPF programs loaded.
i=0
while [ $i -lt 300 ] && kill -0 $apid 2>/dev/null && ! grep -q 'running:' "$tmp/err"; do
	sleep 0.1
	i=$((i + 1))
done
sleep 1
if ! kill -0 $apid 2>/dev/null; then
	wait $apid
	rc=$?
	if [ $rc -eq 1 ]; then
		echo "1..0 # SKIP the kernel refused live collection: $(tail -1 "$tmp/err")"
		exit 0
	fi
	echo "Bail out! the agent stopped at start (exit $rc): $(tail -3 "$tmp/err")"
	exit 1
fi

storm() {
	end=$(( $(date +%s) + secs ))
	while [ "$(date +%s)" -lt $end ]; do
		for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do /bin/true; done
	done
}
storm &
s1=$!
track $s1
storm &
s2=$!
track $s2

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
max=0
start=$(rss_kib $apid)
alive=1
t=0
while [ $t -lt "$secs" ]; do
	sleep 1
	t=$((t + 1))
	if ! kill -0 $apid 2>/dev/null; then
		alive=0
		break
	fi
	r=$(rss_kib $apid)
	[ "$r" -gt "$max" ] && max=$r
done
wait $s1 $s2 2>/dev/null
check "the agent survived the ${secs} s storm" test $alive -eq 1
check "RSS grew by at most ${grow} MiB during the storm (start $((start / 1024)) MiB, peak $((max / 1024)) MiB)" \
	test $(((max - start) / 1024)) -le "$grow"
if grep -q __asan_init "$agent"; then
	skip "RSS within ${bound} MiB" "sanitizer build (shadow memory inflates RSS)"
else
	check "RSS stayed within ${bound} MiB (peak $((max / 1024)) MiB)" test $((max / 1024)) -le "$bound"
fi
check "status: a running agent, with events per class and drop counters" \
	test "$(jstatus "$tmp/status.json" "S['agent']['state'] == 'running' and S['events']['by_class']['process_creation'] > 0 and 'kernel' in S['drops'] and 'user' in S['drops']")" = True
"$agent" status --status-file "$tmp/status.json" >"$tmp/st.txt" 2>&1
check "sigmac-agent status: exit 0 while the agent runs" test $? -eq 0
kill -TERM $apid 2>/dev/null
wait $apid
rc=$?
check "exit 0 after SIGTERM" test $rc -eq 0
check "drop counters reported at exit" grep -qi 'dropped' "$tmp/err"
grep -i 'drop' "$tmp/err" | sed 's/^/# /'
check "the alert file holds whole lines only" all_parse "$tmp/alerts.ndjson"
check "status after SIGTERM: stopped" \
	test "$(jstatus "$tmp/status.json" "S['agent']['state']")" = stopped
diag "status: events $(jstatus "$tmp/status.json" "S['events']['total']"), drops $(jstatus "$tmp/status.json" "S['drops']")"
finish
