#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The systemd unit (TAP): tools/sigmac-agent.service.in, with its
# placeholders filled as meson install fills them (the agent under test as
# the binary), passes `systemd-analyze verify`, and keeps the hardening
# and capabilities eBPF needs. Where systemd is the running init, the
# unit is not started here (it would load eBPF system-wide); CI containers
# have no systemd, so verify is the check. Skips (TAP "1..0 # SKIP", exit 0) without
# systemd-analyze (tools/setup-deps installs the systemd package).
#
# Usage: unit-verify.sh AGENT SOURCE_ROOT BUILD_DIR
set -u
agent=$1
src=$2
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "1..0 # SKIP systemd-analyze is not installed (tools/setup-deps installs systemd)"
	exit 0
fi
mkdir -p "$tmp/bin" "$tmp/etc/sigmac-agent"
ln -s "$(readlink -f "$agent")" "$tmp/bin/sigmac-agent"
cp "$src/tools/sigmac-agent.yml" "$tmp/etc/sigmac-agent/"
sed -e "s|@BINDIR@|$tmp/bin|g" -e "s|@SYSCONFDIR@|$tmp/etc|g" \
	-e "s|@DOCDIR@|/usr/share/doc/sigmac-agent|g" \
	"$src/tools/sigmac-agent.service.in" >"$tmp/sigmac-agent.service"
check "no placeholder left" test -z "$(grep '@[A-Z]*@' "$tmp/sigmac-agent.service")"
SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$tmp/sigmac-agent.service" \
	>"$tmp/verify.out" 2>&1
rc=$?
# Units named only as dependencies may be missing in a container: not the unit's fault.
grep -v -e 'Unit .* not found' -e 'Failed to .* bus' -e '^$' "$tmp/verify.out" >"$tmp/verify.err"
check "systemd-analyze verify accepts the unit" test $rc -eq 0 -a ! -s "$tmp/verify.err"
[ -s "$tmp/verify.out" ] && sed 's/^/# /' "$tmp/verify.out"
for cap in CAP_BPF CAP_PERFMON CAP_SYS_RESOURCE CAP_SYS_PTRACE CAP_DAC_READ_SEARCH CAP_KILL; do
	check "capability $cap is kept" grep -q "^CapabilityBoundingSet=.*$cap" "$tmp/sigmac-agent.service"
done
for key in 'ProtectSystem=strict' 'ReadWritePaths=/var/log/sigmac-agent /run/sigmac-agent' \
	'NoNewPrivileges=yes' 'ExecReload=/bin/kill -HUP $MAINPID' 'KillSignal=SIGTERM'; do
	check "unit has $key" grep -qF "$key" "$tmp/sigmac-agent.service"
done
check "ExecStart runs 'run --config' with the installed configuration" \
	grep -qF "ExecStart=$tmp/bin/sigmac-agent run --config $tmp/etc/sigmac-agent/sigmac-agent.yml" \
	"$tmp/sigmac-agent.service"
"$tmp/bin/sigmac-agent" replay --config "$tmp/etc/sigmac-agent/sigmac-agent.yml" --alerts - \
	/dev/null >/dev/null 2>&1
check "the configuration the unit names is valid" test $? -eq 0
finish
