#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# The content of the IOC/YARA end-to-end alerts (run-ioc-e2e.sh): prints
# "ok NAME" or "not ok NAME" per check.
import json
import sys

alerts = {}
for line in open(sys.argv[1]):
    a = json.loads(line)
    alerts[a["rule"]["id"].split("::")[0] + ":" + str(a["event"]["sequence"])] = a
tmp = sys.argv[2]


def check(name, cond):
    print(("ok" if cond else "not ok") + " " + name)


def get(d, path, default=None):
    for k in path.split("."):
        if not isinstance(d, dict) or k not in d:
            return default
        d = d[k]
    return d


SHA = "4120c37c3795b18905d76cf4e1d2340a700d57f47c0a05d6935e6ca9682651e7"
h = alerts.get("ioc:1", {})
check("hash alert: feed and comment",
      get(h, "ioc.feed") == "hashes.txt" and get(h, "ioc.comment") == "IOC e2e test binary")
check("hash alert: process.hash.sha256 computed", get(h, "process.hash.sha256") == SHA)
desc = get(h, "rule.description", "")
check("hash alert: description names comment, observed and source",
      desc.startswith("IOC e2e test binary | observed: ") and desc.endswith("| source: hashes.txt"))
check("hash alert: ECS basics",
      get(h, "event.kind") == "alert" and get(h, "event.severity") == 73
      and get(h, "rule.name", "").startswith("ioc:sha256:") and get(h, "rule.ruleset"))
i = alerts.get("ioc:2", {})
check("ip alert: observed address and field",
      get(i, "ioc.observed") == "198.51.100.7" and get(i, "ioc.field") == "DestinationIp"
      and get(i, "destination.ip") == "198.51.100.7")
d = alerts.get("ioc:3", {})
check("domain alert: subdomain entry",
      get(d, "ioc.value") == ".evil-test.example"
      and get(d, "dns.question.name") == "a.b.evil-test.example")
y = alerts.get("yara:6", {})
check("yara alert: meta severity critical -> 99", get(y, "event.severity") == 99)
check("yara alert: description and reference",
      get(y, "rule.description") == "sigmac-c YARA test marker"
      and get(y, "rule.reference") == "https://example.invalid/sigmac-yara-test")
check("yara alert: ATT&CK from meta",
      "T1059" in get(y, "threat.technique.id", [])
      and "T1059.004" in get(y, "threat.technique.subtechnique.id", [])
      and "Execution" in get(y, "threat.tactic.name", []))
check("yara alert: yara object",
      get(y, "yara.rule") == "sigmac_test_marker" and get(y, "yara.path") == tmp + "/yara-bin"
      and "testing" in get(y, "yara.tags", []))
e = alerts.get("yara:7", {})
check("eicar alert: score 50 -> medium (47), file.path",
      get(e, "event.severity") == 47 and get(e, "file.path") == tmp + "/eicar.com")
