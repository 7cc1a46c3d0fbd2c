#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The Debian package (TAP): tools/build-deb builds sigmac-agent from the
# shipped rules in a build directory of its own; the package must hold the
# agent (and not the compiler), the systemd unit with the install paths
# filled in, the configuration as a conffile, maintainer scripts that are
# valid shell, and Depends naming the libraries the agent links. The
# packaged agent, extracted, must run: its rule set is the shipped pack,
# it replays an event to the expected alert, and it reads the packaged
# configuration. Installing into the running system is left to the fleet's
# tooling (it would change this machine). Skips (TAP "1..0 # SKIP", exit 0) without dpkg-deb.
#
# Usage: deb.sh AGENT SOURCE_ROOT BUILD_DIR
set -u
src=$2
bdir=$3
. "$(dirname "$0")/lib.sh"

if ! command -v dpkg-deb >/dev/null 2>&1; then
	echo "1..0 # SKIP dpkg-deb is not installed (not a Debian system)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

BUILD_DEB_DIR=$bdir/deb-build "$src/tools/build-deb" -o "$tmp/out" >"$tmp/build.log" 2>&1
rc=$?
check "tools/build-deb succeeds" test $rc -eq 0
[ $rc -eq 0 ] || { sed 's/^/# /' "$tmp/build.log"; finish; }
deb=$(ls "$tmp"/out/sigmac-agent_*.deb 2>/dev/null | head -1)
check "one .deb named sigmac-agent_VERSION_ARCH.deb" test -f "$deb"

dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' >"$tmp/files"
for f in /usr/bin/sigmac-agent /usr/lib/systemd/system/sigmac-agent.service \
	/etc/sigmac-agent/sigmac-agent.yml /usr/share/doc/sigmac-agent/copyright; do
	check "package holds $f" grep -qx "$f" "$tmp/files"
done
check "package does not hold the compiler" sh -c "! grep -q sigmac-c '$tmp/files'"

dpkg-deb -f "$deb" Package Version Architecture Depends >"$tmp/control"
check "control: package sigmac-agent, architecture of this machine" \
	sh -c "grep -qx 'Package: sigmac-agent' '$tmp/control' &&
	       grep -qx 'Architecture: $(dpkg --print-architecture)' '$tmp/control'"
for lib in libbpf1 libyara libyaml-0-2 libxxhash0 libc6; do
	check "Depends names $lib" grep -q "^Depends:.*$lib" "$tmp/control"
done
sed 's/^/# /' "$tmp/control"

mkdir "$tmp/ctl" "$tmp/root"
dpkg-deb -e "$deb" "$tmp/ctl"
check "the configuration is a conffile" grep -qx /etc/sigmac-agent/sigmac-agent.yml \
	"$tmp/ctl/conffiles"
for s in postinst prerm postrm; do
	check "$s is executable, valid shell" sh -c "test -x '$tmp/ctl/$s' && sh -n '$tmp/ctl/$s'"
done

dpkg-deb -x "$deb" "$tmp/root"
agent=$tmp/root/usr/bin/sigmac-agent
unit=$tmp/root/usr/lib/systemd/system/sigmac-agent.service
check "the unit runs /usr/bin/sigmac-agent with /etc/sigmac-agent/sigmac-agent.yml" \
	grep -q '^ExecStart=/usr/bin/sigmac-agent run --config /etc/sigmac-agent/sigmac-agent.yml' \
	"$unit"
check "no placeholder left in the unit" sh -c "! grep -q '@[A-Z]*@' '$unit'"
"$agent" version >"$tmp/version" 2>&1
check "the packaged agent runs (version)" grep -q "^ruleset" "$tmp/version"
nrules=$(find "$src/rules" -name '*.yml' | wc -l)
check "its rule set is the shipped pack ($nrules rules)" grep -q "($nrules rules" "$tmp/version"
sed 's/^/# /' "$tmp/version"

# A process_creation event that the shipped base64-to-shell rule matches,
# replayed with the packaged configuration (alerts to stdout instead of
# /var/log, which is not ours to write here).
printf '%s\n' '{"logsource.product":"linux","logsource.category":"process_creation","Image":"/usr/bin/bash","CommandLine":"sh -c echo ZWNobyBoaQ== | base64 -d | sh","ProcessId":"4242"}' \
	>"$tmp/ev.jsonl"
"$agent" replay --config "$tmp/root/etc/sigmac-agent/sigmac-agent.yml" --alerts - \
	"$tmp/ev.jsonl" >"$tmp/alerts" 2>"$tmp/replay.err"
check "the packaged agent and configuration replay an event to its alert" \
	grep -q '"name":"Base64-Decoded Payload Piped Into A Shell"' "$tmp/alerts"
[ -s "$tmp/replay.err" ] && sed 's/^/# /' "$tmp/replay.err"
finish
