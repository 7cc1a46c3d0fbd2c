# SPDX-License-Identifier: Apache-2.0
# Shared helpers of the ops tests (sourced): TAP output, events, waiting,
# checks of NDJSON files with python3. Every process a test starts is
# remembered and ended by pid at exit (never by name).

n=0
fail=0
pids=""
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
diag() { echo "# $*"; }
track() { pids="$pids $1"; }
cleanup_pids() {
	for p in $pids; do
		kill -KILL "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
}
finish() { echo "1..$n"; exit $fail; }

# One process_creation event: ev IMAGE COMMANDLINE [PID] [START_TICKS]
ev() {
	printf '{"logsource.product":"linux","logsource.category":"process_creation",'
	printf '"Image":"%s","CommandLine":"%s"' "$1" "$2"
	[ -n "${3:-}" ] && printf ',"ProcessId":"%s"' "$3"
	[ -n "${4:-}" ] && printf ',"ProcessStartTicks":"%s"' "$4"
	printf '}\n'
}

# N burst events with distinct command lines: burst N [PREFIX]
burst() {
	awk -v n="$1" -v p="${2:-b}" 'BEGIN { for (i = 1; i <= n; i++)
		printf "{\"logsource.product\":\"linux\",\"logsource.category\":\"process_creation\",\"Image\":\"/usr/bin/ops-burst\",\"CommandLine\":\"ops-burst-marker %s-%d\",\"ProcessId\":\"%d\"}\n", p, i, 100000 + i }'
}

# Start `$agent replay ARGS... FIFO` on a new FIFO, stderr to ERR, in the
# background (remembered; its pid in apid): agent_on_fifo FIFO ERR ARGS...
agent_on_fifo() {
	_fifo=$1
	_err=$2
	shift 2
	mkfifo "$_fifo"
	"$agent" replay "$@" "$_fifo" 2>"$_err" &
	apid=$!
	track $apid
}

# Wait up to $2 seconds (default 10) for the command in $1 to succeed.
wait_for() {
	_i=0
	_max=$(( ${2:-10} * 10 ))
	while [ $_i -lt $_max ]; do
		if eval "$1"; then
			return 0
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

lines() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }

# Every line of the files is a whole JSON object (ends with a newline).
all_parse() {
	python3 - "$@" <<'PY'
import json, sys
for p in sys.argv[1:]:
    data = open(p, 'rb').read()
    if data and not data.endswith(b'\n'):
        print('# %s: last line is partial' % p); sys.exit(1)
    for i, l in enumerate(data.split(b'\n')[:-1]):
        try:
            o = json.loads(l)
        except Exception as e:
            print('# %s:%d: %s' % (p, i + 1, e)); sys.exit(1)
        if not isinstance(o, dict):
            print('# %s:%d: not an object' % (p, i + 1)); sys.exit(1)
PY
}

# jq-like: jget FILE EXPR -- evaluates a Python expression over the parsed
# lines (variable L: list of objects) or the status object (variable S).
jlines() {
	python3 - "$1" "$2" <<'PY'
import json, sys
L = [json.loads(l) for l in open(sys.argv[1], 'rb') if l.strip()]
print(eval(sys.argv[2]))
PY
}
jstatus() {
	python3 - "$1" "$2" <<'PY'
import json, sys
try:
    S = json.load(open(sys.argv[1]))
except Exception:
    print('none'); sys.exit(0)
print(eval(sys.argv[2]))
PY
}

# The agent's "NAME: value" line from --stats output.
stat_of() { sed -n "s/^$1: *\([0-9]*\).*/\1/p" "$2"; }
