#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# IOC and YARA end to end (TAP): an agent built with tests/ioc/feeds and
# tests/yara/rules replays JSONL events that name files this script writes
# (a "binary" whose SHA256 is in hashes.txt, a file with a YARA marker, the
# EICAR test file, a file under a listed drop directory), connections to
# addresses in listed networks (v4 and v6), DNS queries for a listed
# domain's subdomain and for look-alikes that must not match. Each event
# must give exactly its expected alerts (event.sequence, rule.id), with the
# feed, comment, hashes and YARA metadata in them.
#
# The EICAR file is assembled here at run time (never committed).
#
# Usage: run-ioc-e2e.sh AGENT
set -u
agent=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }

printf '#!/bin/sh\necho sigmac ioc test binary\n' > "$tmp/ioc-bin"
printf '#!/bin/sh\n# SIGMAC_YARA_TEST_MARKER_7f3a\nexit 0\n' > "$tmp/yara-bin"
chmod +x "$tmp/ioc-bin" "$tmp/yara-bin"
mkdir "$tmp/sigmac-ioc-drop"
printf 'echo dropped\n' > "$tmp/sigmac-ioc-drop/dropped.sh"
# EICAR, in two halves so that no file of the repository holds it.
e1='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STAN'
e2='DARD-ANTIVIRUS-TEST-FILE!$H+H*'
printf '%s%s' "$e1" "$e2" > "$tmp/eicar.com"

pc='"logsource.product":"linux","logsource.category":"process_creation"'
fe='"logsource.product":"linux","logsource.category":"file_event"'
nc='"logsource.product":"linux","logsource.category":"network_connection"'
dq='"logsource.product":"linux","logsource.category":"dns_query"'
{
	echo "{$pc,\"Image\":\"$tmp/ioc-bin\",\"CommandLine\":\"ioc-bin\",\"ProcessId\":\"100\"}"
	echo "{$nc,\"Image\":\"/usr/bin/curl\",\"DestinationIp\":\"198.51.100.7\",\"DestinationPort\":\"443\"}"
	echo "{$dq,\"Image\":\"/usr/bin/dig\",\"QueryName\":\"a.b.evil-test.example\"}"
	echo "{$dq,\"Image\":\"/usr/bin/dig\",\"QueryName\":\"notevil-test.example\"}"
	echo "{$fe,\"Image\":\"/bin/sh\",\"TargetFilename\":\"$tmp/sigmac-ioc-drop/dropped.sh\"}"
	echo "{$pc,\"Image\":\"$tmp/yara-bin\",\"CommandLine\":\"yara-bin\",\"ProcessId\":\"101\"}"
	echo "{$fe,\"Image\":\"/bin/sh\",\"TargetFilename\":\"$tmp/eicar.com\"}"
	echo "{$nc,\"Image\":\"/usr/bin/curl\",\"DestinationIp\":\"2001:db8:dead::1\",\"DestinationPort\":\"443\"}"
	echo "{$pc,\"Image\":\"$tmp/missing-bin\",\"CommandLine\":\"missing\",\"ProcessId\":\"102\"}"
	echo "{$dq,\"Image\":\"/usr/bin/dig\",\"QueryName\":\"exact.evil-other.example.\"}"
	echo "{$dq,\"Image\":\"/usr/bin/dig\",\"QueryName\":\"sub.exact.evil-other.example\"}"
	echo "{$nc,\"Image\":\"/usr/bin/curl\",\"DestinationIp\":\"198.51.101.1\",\"DestinationPort\":\"443\"}"
} > "$tmp/events.jsonl"

{
	echo "1 ioc::sha256::4120c37c3795b18905d76cf4e1d2340a700d57f47c0a05d6935e6ca9682651e7"
	echo "2 ioc::ip::198.51.100.0/24"
	echo "3 ioc::domain::.evil-test.example"
	echo "5 ioc::path::*/sigmac-ioc-drop/*"
	echo "6 yara::sigmac_test_marker"
	echo "7 yara::eicar_test_file"
	echo "8 ioc::ip::2001:db8:dead::/48"
	echo "10 ioc::domain::exact.evil-other.example"
} > "$tmp/expected"

"$agent" replay --stats --alerts "$tmp/alerts.ndjson" "$tmp/events.jsonl" 2> "$tmp/stderr"
rc=$?
if [ $rc -eq 0 ]; then ok "replay exits 0"; else not_ok "replay exits 0 (got $rc)"; sed 's/^/# /' "$tmp/stderr"; fi

python3 -c '
import json, sys
for line in open(sys.argv[1]):
    a = json.loads(line)
    print(a["event"]["sequence"], a["rule"]["id"])
' "$tmp/alerts.ndjson" > "$tmp/got"
if diff "$tmp/expected" "$tmp/got" > "$tmp/diff"; then
	ok "each event gives exactly its expected alerts"
else
	not_ok "each event gives exactly its expected alerts"
	sed 's/^/# /' "$tmp/diff"
fi

# The content of the alerts (one TAP line per check).
python3 "$(dirname "$0")/check-alerts.py" "$tmp/alerts.ndjson" "$tmp" > "$tmp/checks"
while read -r st rest; do
	case $st in
	ok) ok "$rest" ;;
	*) not_ok "${rest#ok }" ;;
	esac
done < "$tmp/checks"

if grep -q "files checked" "$tmp/stderr"; then
	ok "replay --stats reports the intel counters"
else
	not_ok "replay --stats reports the intel counters"
fi

# --no-file-checks: only the field checks remain.
"$agent" replay --no-file-checks --alerts "$tmp/alerts2.ndjson" "$tmp/events.jsonl" 2>/dev/null
if [ "$(grep -c '"yara::' "$tmp/alerts2.ndjson")" = 0 ] &&
	[ "$(grep -c 'ioc::sha256' "$tmp/alerts2.ndjson")" = 0 ] &&
	[ "$(grep -c 'ioc::ip::' "$tmp/alerts2.ndjson")" = 2 ]; then
	ok "--no-file-checks keeps the field checks only"
else
	not_ok "--no-file-checks keeps the field checks only"
fi

# --hash-files fills Hashes for the Sigma side (and the value is right).
"$agent" replay --hash-files --alerts "$tmp/alerts3.ndjson" "$tmp/events.jsonl" 2>/dev/null
if grep -q '"Hashes":"SHA1=[0-9a-f]\{40\},MD5=[0-9a-f]\{32\},SHA256=4120c37c' "$tmp/alerts3.ndjson"; then
	ok "--hash-files adds a Sysmon Hashes field to process events"
else
	not_ok "--hash-files adds a Sysmon Hashes field to process events"
fi

echo "1..$n"
exit $fail
