#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The syslog sink (TAP): in a private mount namespace (unshare -m) a tmpfs
# over /dev holds a test syslog socket (/dev/log, what journald listens on
# as well); the agent with alerts.syslog: true sends one datagram per alert
# with the configured facility at priority warning, and the message is
# the alert's JSON line. Skips (TAP "1..0 # SKIP", exit 0) when namespaces or mounts are refused.
#
# Usage: syslog.sh AGENT SOURCE_ROOT BUILD_DIR
set -u
agent=$1
. "$(dirname "$0")/lib.sh"
py=$(command -v python3)

if [ "${OPS_IN_NS:-}" != 1 ]; then
	if ! why=$(unshare -m true 2>&1); then
		echo "1..0 # SKIP no mount namespace: $why"
		exit 0
	fi
	OPS_IN_NS=1 OPS_PY="$py" exec unshare -m sh "$0" "$@"
fi
py=${OPS_PY:-$py}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! mount -t tmpfs -o size=1m tmpfs /dev 2>"$tmp/err"; then
	echo "1..0 # SKIP cannot mount a tmpfs on /dev in the namespace: $(cat "$tmp/err")"
	exit 0
fi
mknod -m 666 /dev/null c 1 3
"$py" - "$tmp/got" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind('/dev/log')
s.settimeout(3)
with open(sys.argv[1], 'wb') as out:
    try:
        while True:
            out.write(s.recv(1 << 20) + b'\n')
            out.flush()
    except socket.timeout:
        pass
PY
lpid=$!
wait_for "[ -S /dev/log ]" 5
printf 'alerts:\n  syslog: true\n  syslog_ident: ops-test\n  syslog_facility: local3\n' >"$tmp/c.yml"
{ ev /usr/bin/ops-burst "ops-burst-marker s1"; ev /usr/bin/ops-burst "ops-burst-marker s2"; } >"$tmp/e.jsonl"
"$agent" replay --config "$tmp/c.yml" "$tmp/e.jsonl" >"$tmp/stdout"
check "replay with the syslog sink exits 0" test $? -eq 0
check "stdout stays on by default in replay (2 lines)" test "$(lines "$tmp/stdout")" -eq 2
wait $lpid
check "two syslog messages, one per alert" test "$(lines "$tmp/got")" -eq 2
check "facility local3, priority warning (<156>), ident ops-test" \
	test "$(grep -c '^<156>.* ops-test\[[0-9]*\]: {' "$tmp/got")" -eq 2
check "the message is the alert's JSON" \
	test "$("$py" -c "
import json, sys
ok = all(json.loads(l.split(']: ', 1)[1])['event']['kind'] == 'alert' for l in open('$tmp/got') if l.strip())
print(ok)")" = True
finish
