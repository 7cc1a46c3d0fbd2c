#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Live collection end to end (suite 'live'); TAP on standard output.

    run-live.py live-collect | live-replay | live-sigmahq | live-overload | live-response |
                live-intel

Each test starts the live agent (LIVE_AGENT, built from tests/live/rules/,
or LIVE_SIGMAHQ_AGENT) restricted to this process's tree (--pid-tree: other
work runs on the machine), drives real actions (LIVE_TRIGGER and plain
commands), and checks that the expected alert, with the expected fields,
appears within 1 s. Every process this script starts is ended by its pid.
Skipped (TAP "1..0 # SKIP") only when the kernel or the machine refuses: not root,
no BTF, an agent that cannot start for a reason it names.
"""
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

AGENT = os.environ.get("LIVE_AGENT", "")
TRIGGER = os.environ.get("LIVE_TRIGGER", "")
SIGMAHQ_AGENT = os.environ.get("LIVE_SIGMAHQ_AGENT", "")
INTEL_AGENT = os.environ.get("LIVE_INTEL_AGENT", "")
HASH_BIN = os.environ.get("LIVE_HASH_BIN", "")
YARA_BIN = os.environ.get("LIVE_YARA_BIN", "")
DEADLINE = 1.0  # seconds from the action to its alert
SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIGMAHQ = os.path.join(os.path.dirname(SRC), "shared", "corpus", "sigmahq", "rules", "linux")


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, diag=None):
        self.n += 1
        print(("ok %d - %s" if cond else "not ok %d - %s") % (self.n, name), flush=True)
        if not cond:
            self.failed += 1
            for line in str(diag or "").splitlines():
                print("# " + line, flush=True)
        return cond

    def skip(self, name, why):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, name, why), flush=True)

    def note(self, msg):
        for line in str(msg).splitlines():
            print("# " + line, flush=True)

    def done(self):
        print("1..%d" % self.n, flush=True)
        return 1 if self.failed else 0


def skip_all(why):
    # TAP's skip-all plan, exit 0: meson's TAP parser counts exit 77 as an error.
    print("1..0 # SKIP " + why, flush=True)
    sys.exit(0)


class Agent:
    """The live agent as a child process; stderr is collected by a thread."""

    def __init__(self, path, alerts, extra=(), capture=None):
        self.alerts = alerts
        self.status = alerts + ".status.json"
        extra = list(extra)
        if "--config" not in extra:
            # every match is an alert here: dedup (on by default for run) off
            cfg = alerts + ".yml"
            with open(cfg, "w") as f:
                f.write("dedup:\n  window_s: 0\n")
            extra += ["--config", cfg]
        args = [path, "run", "--alerts", alerts, "--pid-tree", str(os.getpid()),
                "--poll-ms", "20", "--status-file", self.status] + extra
        if capture:
            args += ["--capture", capture]
        self.proc = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     text=True, errors="replace")
        self.err = []
        self.ready = threading.Event()
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()
        self.seen = 0  # alert lines parsed so far
        self.parsed = []

    def _read(self):
        for line in self.proc.stderr:
            self.err.append(line.rstrip("\n"))
            if "sigmac-agent: running:" in line:
                self.ready.set()
        self.ready.set()

    def wait_ready(self, timeout=30):
        self.ready.wait(timeout)
        return self.proc.poll() is None and any("running:" in l for l in self.err)

    def stderr(self):
        return "\n".join(self.err)

    def rss_kib(self):
        try:
            with open("/proc/%d/status" % self.proc.pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def read_alerts(self):
        try:
            with open(self.alerts) as f:
                # Whole lines only: a read may overlap the agent's write of the
                # next line (one write() per line, but a reader can see part of it).
                lines = f.read().split("\n")[:-1]
        except OSError:
            return self.parsed
        for line in lines[self.seen:]:
            self.parsed.append(json.loads(line))
        self.seen = len(lines)
        return self.parsed

    def wait_alert(self, pred, timeout=DEADLINE, since=0.0):
        """The first alert pred accepts, and seconds from since (or None, waited)."""
        t0 = since or time.monotonic()
        while True:
            for a in self.read_alerts():
                if pred(a):
                    return a, time.monotonic() - t0
            if time.monotonic() - t0 > timeout:
                return None, time.monotonic() - t0
            time.sleep(0.005)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.t.join(5)
        return self.proc.returncode


def start_agent(tap, path, alerts, extra=(), capture=None):
    a = Agent(path, alerts, extra, capture)
    if a.wait_ready():
        return a
    a.stop()
    err = a.stderr()
    m = re.search(r"cannot start: (.*)", err)
    refused = ("needs root" in err or "has no BTF" in err or "too old" in err or
               "tracefs is not mounted" in err)
    if m and refused:
        skip_all("the kernel refuses live collection: " + m.group(1))
    tap.ok(False, "agent starts", err)
    sys.exit(tap.done())


def g(a, path, default=None):
    """a['x']['y'] for path 'x.y'."""
    for k in path.split("."):
        if not isinstance(a, dict) or k not in a:
            return default
        a = a[k]
    return a


def rule_is(uuid):
    return lambda a: g(a, "rule.id") == "sigma::" + uuid


def rid(n):
    return "5a1e0001-0000-4000-8000-%012x" % n


def trigger(*args, cwd=None):
    """Run live-trigger; returns its 'ok k=v' line as a dict (or raises)."""
    r = subprocess.run([TRIGGER] + [str(x) for x in args], capture_output=True, text=True,
                       cwd=cwd, timeout=30)
    if r.returncode == 77:
        return {"_skip": r.stderr.strip()}
    if r.returncode != 0:
        raise RuntimeError("live-trigger %s: exit %d: %s" % (args[0], r.returncode, r.stderr))
    kv = {}
    for tok in r.stdout.strip().split(" ", 1)[-1].split(" "):
        if "=" in tok:
            k, v = tok.split("=", 1)
            kv[k] = v
    kv["_stderr"] = r.stderr.strip()
    return kv


def check(tap, name, alert, lat, expect):
    """One TAP line: the alert came within the deadline with the expected fields."""
    if alert is None:
        return tap.ok(False, name, "no alert within %.1f s" % DEADLINE)
    bad = []
    for path, want in expect.items():
        got = g(alert, path)
        if callable(want):
            if not want(got):
                bad.append("%s = %r" % (path, got))
        elif got != want:
            bad.append("%s = %r, expected %r" % (path, got, want))
    if lat > DEADLINE:
        bad.append("alert after %.3f s (deadline %.1f s)" % (lat, DEADLINE))
    return tap.ok(not bad, "%s (%.0f ms)" % (name, lat * 1000),
                  "\n".join(bad) + "\n" + json.dumps(alert, indent=1)[:3000])


# ---- the actions and what they must produce ----

def act_exec(tap, ag, tmp):
    mark = "sgl-marker-exec-%d" % random.randrange(1 << 30)
    t0 = time.monotonic()
    sh = subprocess.Popen(["/bin/sh", "-c", "/bin/true %s; exit 0" % mark], cwd=tmp)
    sh.wait()
    # the shell's own command line holds the marker too: two alerts, check true's
    a, lat = ag.wait_alert(lambda x: rule_is(rid(1))(x) and
                           g(x, "process.command_line", "") == "/bin/true " + mark, since=t0)
    check(tap, "process_creation: marker argv", a, lat, {
        "process.executable": os.path.realpath("/bin/true"),
        "process.command_line": "/bin/true " + mark,
        "process.working_directory": tmp,
        "process.parent.pid": sh.pid,
        "process.parent.executable": os.path.realpath("/bin/sh"),
        "process.parent.command_line": "/bin/sh -c /bin/true %s; exit 0" % mark,
        "user.name": "root",
        "event.dataset": "sigmac.process_creation",
        "sigma.fields.ParentUser": "root",
    })
    act_exec_long(tap, ag, tmp)
    mark = "sgl-marker-exit-%d" % random.randrange(1 << 30)
    t0 = time.monotonic()
    sh = subprocess.Popen(["/bin/sh", "-c", "exit 7", mark], cwd=tmp)
    sh.wait()
    a, lat = ag.wait_alert(lambda x: rule_is(rid(2))(x) and mark in g(x, "process.command_line", ""),
                           since=t0)
    check(tap, "process_termination: exit code 7", a, lat, {
        "process.pid": sh.pid,
        "process.executable": os.path.realpath("/bin/sh"),
        "process.parent.pid": os.getpid(),
        "sigma.fields.ExitCode": 7,
    })


def cut_argv(argv, room):
    """The command line of argv when its area is sent in room bytes (bpf/proc.bpf.c put_argv)."""
    area = b"".join(a.encode() + b"\0" for a in argv)
    if len(area) > room:
        head = room // 2
        area = area[:head] + b"\0" + area[len(area) - (room - head - 1):]
    return area.rstrip(b"\0").replace(b"\0", b" ").decode()


def act_double_fork(tap, ag, tmp):
    """The parent of a process orphaned before it ran is the one that forked it."""
    mark = "sgl-marker-exec-orphan-%d" % random.randrange(1 << 30)
    t0 = time.monotonic()
    kv = trigger("double-fork", mark)
    a, lat = ag.wait_alert(lambda x: rule_is(rid(1))(x) and
                           g(x, "process.command_line") == "true " + mark, since=t0)
    check(tap, "process_creation after a double fork: the parent is the forking process", a, lat,
          {"process.parent.pid": int(kv["child"]),
           "process.parent.executable": os.path.realpath(TRIGGER),
           "process.command_line": "true " + mark})


def act_exec_long(tap, ag, tmp):
    """Padding cannot push a payload out of the command line."""
    # 12 KiB of padding before the marker: the argv area is cut, its tail kept
    true = os.path.realpath("/bin/true")
    mark = "sgl-marker-exec-long-%d" % random.randrange(1 << 30)
    argv = [true] + ["p" * 1000] * 12 + [mark]
    t0 = time.monotonic()
    subprocess.run(argv, cwd=tmp)
    a, lat = ag.wait_alert(lambda x: rule_is(rid(1))(x) and
                           mark in g(x, "process.command_line", ""), since=t0)
    want = cut_argv(argv, 8191 - len(true))
    check(tap, "process_creation: argv of 12 KiB, marker at its end: head and tail sent", a, lat, {
        "process.executable": true,
        "process.command_line": want,
        "process.working_directory": tmp,
    })
    # long paths before argv in the record: a 3 KiB executable path run by
    # its 3 KiB name from a 3.5 KiB working directory still has its argv
    top = os.path.join(tmp, "deep")
    exe_dir, cwd = top, top
    while len(exe_dir) < 3000:
        exe_dir = os.path.join(exe_dir, "e" * 200)
    while len(cwd) < 3500:
        cwd = os.path.join(cwd, "c" * 200)
    os.makedirs(exe_dir, exist_ok=True)
    os.makedirs(cwd, exist_ok=True)
    exe = os.path.join(exe_dir, "true")
    shutil.copy(true, exe)
    mark = "sgl-marker-exec-deep-%d" % random.randrange(1 << 30)
    argv = [exe, "q" * 3000, mark]
    t0 = time.monotonic()
    subprocess.run(argv, cwd=cwd)
    a, lat = ag.wait_alert(lambda x: rule_is(rid(1))(x) and
                           mark in g(x, "process.command_line", ""), since=t0)
    check(tap, "process_creation: 3 KiB executable path and 3.5 KiB directory: argv still sent",
          a, lat, {
              "process.executable": exe,
              "process.command_line": cut_argv(argv, 8191 - len(exe)),
              "process.working_directory": cwd,
          })


def act_net(tap, ag, tmp):
    t0 = time.monotonic()
    kv = trigger("tcp4", 47801)
    pid, sport = int(kv["pid"]), int(kv["sport"])
    a, lat = ag.wait_alert(lambda x: rule_is(rid(3))(x) and g(x, "process.pid") == pid, since=t0)
    check(tap, "network_connection: TCP connect to 127.0.0.1", a, lat, {
        "destination.ip": "127.0.0.1", "destination.port": 47801,
        "source.ip": "127.0.0.1", "source.port": sport,
        "network.transport": "tcp", "network.direction": "egress",
        "process.executable": os.path.realpath(TRIGGER),
        "sigma.fields.Initiated": "true",
    })
    a, lat = ag.wait_alert(lambda x: rule_is(rid(4))(x) and g(x, "process.pid") == pid, since=t0)
    check(tap, "network_connection: TCP accept (inbound)", a, lat, {
        "source.port": sport, "destination.port": 47801,
        "sigma.fields.Initiated": "false",
    })
    # the sockaddr in a page not touched yet: the kernel faults it in, BPF cannot
    t0 = time.monotonic()
    kv = trigger("tcp4-cold", 47801)
    pid, sport = int(kv["pid"]), int(kv["sport"])
    a, lat = ag.wait_alert(lambda x: rule_is(rid(3))(x) and g(x, "process.pid") == pid, since=t0)
    check(tap, "network_connection: TCP connect with its sockaddr in an untouched page", a, lat, {
        "destination.ip": "127.0.0.1", "destination.port": 47801, "source.port": sport,
    })
    # TCP Fast Open: sendto(MSG_FASTOPEN) connects with no connect() call
    t0 = time.monotonic()
    kv = trigger("tcp4-fastopen", 47801)
    if "_skip" in kv:
        tap.ok(True, "network_connection: TCP Fast Open # SKIP " + kv["_skip"])
    else:
        pid, sport = int(kv["pid"]), int(kv["sport"])
        a, lat = ag.wait_alert(lambda x: rule_is(rid(3))(x) and g(x, "process.pid") == pid,
                               since=t0)
        check(tap, "network_connection: TCP Fast Open sendto() with no connect()", a, lat, {
            "destination.ip": "127.0.0.1", "destination.port": 47801, "source.port": sport,
        })
    t0 = time.monotonic()
    kv = trigger("tcp6", 47803)
    pid, sport = int(kv["pid"]), int(kv["sport"])
    a, lat = ag.wait_alert(lambda x: rule_is(rid(5))(x) and g(x, "process.pid") == pid, since=t0)
    check(tap, "network_connection: TCP connect to [::1]", a, lat, {
        "destination.ip": "::1", "source.port": sport,
        "sigma.fields.DestinationIsIpv6": "true",
    })
    t0 = time.monotonic()
    kv = trigger("udp4", 47802)
    pid = int(kv["pid"])
    a, lat = ag.wait_alert(lambda x: rule_is(rid(6))(x) and g(x, "process.pid") == pid, since=t0)
    check(tap, "network_connection: UDP send to 127.0.0.1", a, lat, {
        "network.transport": "udp", "destination.port": 47802,
        "source.port": lambda p: isinstance(p, int) and p > 0,
    })
    n = sum(1 for x in ag.read_alerts() if rule_is(rid(6))(x) and g(x, "process.pid") == pid)
    tap.ok(n == 2, "network_connection: sendto() and connect()+send() both seen", "%d alerts" % n)


def act_dns(tap, ag, tmp):
    for mode in ("sendto", "sendmsg", "sendmmsg", "connected", "glibc", "tcp", "glibc-tcp",
                 "uring-send", "uring-sendmsg", "sendto-fastopen-udp", "sendmsg-namelen0",
                 "tcp-decoy-addr", "sendmsg-split"):
        name = "%s-%d.sgl-live.test" % (mode, random.randrange(1 << 30))
        t0 = time.monotonic()
        kv = trigger("dns", mode, name)
        if "_skip" in kv:
            tap.skip("dns_query via %s" % mode, kv["_skip"])
            continue
        if kv["_stderr"]:
            tap.note(kv["_stderr"])
        sender = int(kv["sender"])
        a, lat = ag.wait_alert(lambda x: rule_is(rid(7))(x) and g(x, "dns.question.name") == name,
                               since=t0)
        want = {"process.pid": sender, "destination.port": 53,
                "process.parent.pid": int(kv["pid"]),
                "network.transport": "tcp" if "tcp" in mode else "udp"}
        if mode in ("sendmmsg", "glibc", "glibc-tcp"):
            # both questions of one sendmmsg(), or of one writev() over TCP
            want["sigma.fields.QueryType"] = "A;AAAA"
        else:
            want["sigma.fields.QueryType"] = "A"
        check(tap, "dns_query via %s (%s)" % (mode, kv["listener"]), a, lat, want)


def flipper_reports(ag, field, pat, pid, want):
    """{i: letters reported, in order} for the alerts of pid whose field matches pat
    (groups: the letter, then i), waited for until want of them are in (10 s at most)."""
    seq = {}
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        seq = {}
        for x in ag.read_alerts():
            m = pat.search(g(x, field, "") or "")
            if m and g(x, "process.pid") == pid:
                seq.setdefault(int(m.group(2)), []).append(m.group(1))
        if len(seq) >= want:
            break
        time.sleep(0.2)
    return seq


def flipper_note(tap, what, seq, truth):
    """The coverage figures: truth maps i to the letter the kernel used."""
    both = first = raced = 0
    for i, letter in truth.items():
        names = seq.get(i, [])
        both += letter in names
        first += names[:1] == [letter]
        raced += len(names) > 1
    n = max(len(truth), 1)
    tap.note("%s: %d calls, %d read otherwise at sys_exit (sent twice); the name the kernel "
             "used was sent for %.1f%% of them (the sys_enter reading alone: %.1f%%)"
             % (what, len(truth), raced, 100.0 * both / n, 100.0 * first / n))


def act_dns_race(tap, ag, tmp):
    """DNS messages read at sys_enter and again at sys_exit."""
    n, name = 300, "%d.sgl-live.test" % random.randrange(1 << 30)
    kv = trigger("dns-race", n, name)
    if "_skip" in kv:
        return tap.skip("dns_query racing a name flipper", kv["_skip"])
    sender = int(kv["sender"])
    sent = kv["seen"].split(",") if kv["seen"] else []
    pat = re.compile(r"^([AB])(\d{5})\.%s$" % re.escape(name))
    seq = flipper_reports(ag, "dns.question.name", pat, sender, len(sent))
    tap.ok(len(sent) == n and len(seq) == n,
           "every query sent while a thread flips its name is reported (%d of %d, %d received)"
           % (len(seq), n, len(sent)))
    # the listener saw what went on the wire
    flipper_note(tap, "DNS name flipper", seq, {int(q[1:]): q[0] for q in sent})


def act_files(tap, ag, tmp):
    tag = "%d" % random.randrange(1 << 30)
    d = os.path.join(tmp, "files")
    os.mkdir(d)
    t0 = time.monotonic()
    kv = trigger("files", d, tag)
    pid = int(kv["pid"])
    for n, what, path, extra in (
            (8, "file_event (create, relative path)", "sgl-created-%s.txt", {}),
            (9, "file_change (write, close; dirfd-relative ..)", "sgl-changed-%s.txt", {}),
            (10, "file_rename (relative, with ..)", "sgl-renamed-%s.txt",
             {"sigma.fields.SourceFilename": os.path.join(d, "sgl-created-%s.txt" % tag)}),
            (11, "file_delete (unlinkat, dirfd-relative)", "sgl-deleted-%s.txt", {})):
        full = os.path.join(d, path % tag)
        a, lat = ag.wait_alert(lambda x: rule_is(rid(n))(x) and g(x, "file.path") == full,
                               since=t0)
        want = {"process.pid": pid, "file.path": full, "sigma.fields.TargetFilename": full}
        want.update(extra)
        check(tap, what, a, lat, want)
    # renameat2(RENAME_EXCHANGE): each file moved to the other's name, one event each
    xa, xb = (os.path.join(d, "sgl-renamed-x%s-%s" % (k, tag)) for k in "ab")
    for src, dst in ((xa, xb), (xb, xa)):
        a, lat = ag.wait_alert(lambda x: rule_is(rid(10))(x) and g(x, "file.path") == dst,
                               since=t0)
        check(tap, "file_rename: an exchange, %s to %s" % (src[-20:], dst[-20:]), a, lat,
              {"process.pid": pid, "sigma.fields.SourceFilename": src,
               "sigma.fields.TargetFilename": dst})


def act_links(tap, ag, tmp):
    """New names without open(O_CREAT) are file_events; a FIFO is not."""
    tag = "%d" % random.randrange(1 << 30)
    d = os.path.join(tmp, "links")
    os.mkdir(d)
    t0 = time.monotonic()
    kv = trigger("links", d, tag)
    pid = int(kv["pid"])
    last = None
    for what, name, source in (
            ("hard link (link)", "hard", os.path.join(d, "sgl-src-%s.txt" % tag)),
            ("O_TMPFILE linked in (linkat AT_EMPTY_PATH)", "tmpfile",
             lambda v: v is not None and v.startswith(d + "/#") and v.endswith(" (deleted)")),
            ("symlink (symlinkat, dirfd-relative)", "sym", "/etc/hostname"),
            ("regular file made by mknod", "mknod", None)):
        full = os.path.join(d, "sgl-created-%s-%s" % (name, tag))
        a, lat = ag.wait_alert(lambda x: rule_is(rid(8))(x) and g(x, "file.path") == full,
                               since=t0)
        check(tap, "file_event: " + what, a, lat,
              {"process.pid": pid, "sigma.fields.TargetFilename": full,
               "sigma.fields.SourceFilename": source})
        last = a or last
    fifo = os.path.join(d, "sgl-created-fifo-%s" % tag)
    tap.ok(last is not None and
           not [x for x in ag.read_alerts() if g(x, "file.path") == fifo],
           "no file_event for a FIFO made by mknodat")


def act_symlinked(tap, ag, tmp):
    """Names given through symlinked directories, with ".." after a symlink, and in a chroot,
    are reported as the files they named (the kernel's path, as an open reports it)."""
    tag = "%d" % random.randrange(1 << 30)
    d = os.path.join(tmp, "symlinked")
    os.mkdir(d)
    t0 = time.monotonic()
    kv = trigger("symlinked", d, tag)
    pid, child = int(kv["pid"]), int(kv["child"])
    real, jail = os.path.join(os.path.realpath(d), "real"), os.path.join(os.path.realpath(d), "jail")
    cases = [
        (11, "file_delete through a symlinked directory", pid, "sgl-deleted-via-%s" % tag, real,
         {}),
        (10, "file_rename to symlink/.. (the .. of the symlink's target)", pid,
         "sgl-renamed-dotdot-%s" % tag, real,
         {"sigma.fields.SourceFilename": os.path.join(real, "sgl-src-%s" % tag)}),
        (8, "file_event: hard link through an absolute symlink", pid,
         "sgl-created-abs-%s" % tag, real,
         {"sigma.fields.SourceFilename": os.path.join(real, "sgl-renamed-dotdot-%s" % tag)})]
    jailed = [
        (11, "file_delete in a chroot, /../.. stopping at its root", child,
         "sgl-deleted-jail-%s" % tag, jail, {}),
        (11, "file_delete in a chroot through an absolute symlink (/lnk -> /d)", child,
         "sgl-deleted-jailsym-%s" % tag, os.path.join(jail, "d"), {}),
        (11, "file_delete in a chroot, relative ../.. from /d stopping at its root", child,
         "sgl-deleted-jailrel-%s" % tag, jail, {}),
        (11, "file_delete in a chroot, relative through an absolute symlink", child,
         "sgl-deleted-jailrelsym-%s" % tag, os.path.join(jail, "d"), {})]
    if kv["jail"] == "1":
        cases += jailed
    else:
        for c in jailed:
            tap.skip(c[1], "chroot() refused: not root")
    for n, what, who, name, where, extra in cases:
        a, lat = ag.wait_alert(lambda x: rule_is(rid(n))(x) and
                               (g(x, "file.path") or "").endswith("/" + name), since=t0)
        want = {"process.pid": who, "sigma.fields.TargetFilename": os.path.join(where, name)}
        want.update(extra)
        check(tap, what, a, lat, want)


def check_files(tap, ag, t0, pid, real, cases):
    """For each (rule n, what, name, extra fields) of cases: an alert of rule n since t0 for the
    file real/name, made by live-trigger's process pid, with extra's fields too."""
    for n, what, name, extra in cases:
        a, lat = ag.wait_alert(lambda x: rule_is(rid(n))(x) and
                               (g(x, "file.path") or "").endswith("/" + name), since=t0)
        want = {"process.pid": pid, "process.executable": os.path.realpath(TRIGGER),
                "sigma.fields.TargetFilename": os.path.join(real, name)}
        want.update(extra)
        check(tap, what, a, lat, want)


def act_uring(tap, ag, tmp):
    """File operations and a connect done as io_uring requests, which pass no syscall
    tracepoint (an io_uring rootkit's way around syscall-based agents), are seen when
    submitted: from a plain ring, with IOSQE_CQE_SKIP_SUCCESS (no completion is posted) and
    from an SQPOLL ring (the kernel's thread submits; the process is still the one named)."""
    tag = "%d" % random.randrange(1 << 30)
    d = os.path.join(tmp, "uring")
    os.mkdir(d)
    t0 = time.monotonic()
    kv = trigger("uring", d, tag)
    if "_skip" in kv:
        tap.skip("io_uring file requests (13 subtests)", kv["_skip"])
        return
    pid, real = int(kv["pid"]), os.path.realpath(d)
    cases = [
        (8, "file_event: io_uring openat(O_CREAT)", "sgl-created-uring-%s" % tag, {}),
        (9, "file_change: io_uring open for writing, then a close request",
         "sgl-changed-uring-%s" % tag, {}),
        (10, "file_rename: io_uring renameat", "sgl-renamed-uring-%s" % tag,
         {"sigma.fields.SourceFilename": os.path.join(real, "sgl-src-uring-%s" % tag)}),
        (8, "file_event: io_uring linkat", "sgl-created-ulink-%s" % tag,
         {"sigma.fields.SourceFilename": os.path.join(real, "sgl-renamed-uring-%s" % tag)}),
        (8, "file_event: io_uring symlinkat", "sgl-created-usym-%s" % tag,
         {"sigma.fields.SourceFilename": "sgl-symlink-target"}),
        (11, "file_delete: io_uring unlinkat", "sgl-deleted-uring-%s" % tag, {}),
        (11, "file_delete: io_uring unlinkat with IOSQE_CQE_SKIP_SUCCESS",
         "sgl-deleted-uskip-%s" % tag, {}),
        (11, "file_delete: io_uring unlinkat whose completion overflows the queue",
         "sgl-deleted-uovf-%s" % tag, {}),
        (11, "file_delete: io_uring unlinkat linked behind a read, its dirfd changed meanwhile",
         "chainB/sgl-deleted-uchain-%s" % tag, {}),
        (9, "file_change: io_uring open, write and close linked (the close's fd a decoy then)",
         "sgl-changed-ulinked-%s" % tag, {})]
    if kv["sqpoll"] == "1":
        cases.append((11, "file_delete: io_uring unlinkat from an SQPOLL ring",
                      "sgl-deleted-usqpoll-%s" % tag, {}))
    else:
        tap.skip("file_delete: io_uring unlinkat from an SQPOLL ring",
                 "the kernel refused an SQPOLL ring")
    check_files(tap, ag, t0, pid, real, cases)
    # by now the requests that failed or created nothing would have been reported too
    for n, what, name in ((11, "no file_delete for an io_uring unlinkat that failed",
                           "sgl-deleted-ufail-%s" % tag),
                          (8, "no file_event for an io_uring open(O_CREAT) of an existing file",
                           "sgl-created-uexist-%s" % tag)):
        bad = [x for x in ag.read_alerts() if rule_is(rid(n))(x) and
               (g(x, "file.path") or "").endswith("/" + name)]
        tap.ok(not bad, what, json.dumps(bad[:1]))
    t0 = time.monotonic()
    kv = trigger("uring-connect", 47801)
    if "_skip" in kv:
        tap.skip("network_connection: io_uring connect", kv["_skip"])
        return
    pid = int(kv["pid"])
    for what, sport in (("network_connection: io_uring connect to 127.0.0.1", kv["sport"]),
                        ("network_connection: io_uring connect on a registered (fixed) file",
                         kv["sport_fixed"]),
                        ("network_connection: io_uring connect on the fd of a socket request "
                         "linked before it", kv["sport_linked"])):
        a, lat = ag.wait_alert(lambda x: rule_is(rid(3))(x) and g(x, "process.pid") == pid and
                               g(x, "source.port") == int(sport), since=t0)
        check(tap, what, a, lat, {
            "destination.ip": "127.0.0.1", "destination.port": 47801,
            "source.ip": "127.0.0.1", "source.port": int(sport),
            "network.transport": "tcp", "process.executable": os.path.realpath(TRIGGER),
            "sigma.fields.Initiated": "true",
        })
    t0 = time.monotonic()
    kv = trigger("uring-personality", d, tag)
    if "_skip" in kv:
        tap.skip("file_delete: io_uring unlink through a registered personality", kv["_skip"])
    else:
        name = "sgl-deleted-upers-%s" % tag
        a, lat = ag.wait_alert(lambda x: rule_is(rid(11))(x) and
                               (g(x, "file.path") or "").endswith("/" + name), since=t0)
        check(tap, "file_delete: io_uring unlink through a root personality after dropping root",
              a, lat, {"process.pid": int(kv["child"]), "user.name": "root",
                       "sigma.fields.TargetFilename": os.path.join(real, "rootonly", name)})
    t0 = time.monotonic()
    kv = trigger("uring-accept", 47801)
    pid, sport = int(kv["pid"]), int(kv["sport"])
    a, lat = ag.wait_alert(lambda x: rule_is(rid(4))(x) and g(x, "process.pid") == pid and
                           g(x, "source.port") == sport, since=t0)
    check(tap, "network_connection: io_uring accept (inbound)", a, lat, {
        "source.ip": "127.0.0.1", "source.port": sport, "destination.port": 47801,
        "sigma.fields.Initiated": "false",
    })


IA32_NOTE = "this kernel runs 32-bit syscalls"


def status_collection(ag):
    """The status file's "collection" object (written at start, and every interval)."""
    for _ in range(50):
        try:
            with open(ag.status) as f:
                return json.load(f).get("collection") or {}
        except (OSError, ValueError):
            time.sleep(0.1)
    return {}


def act_ia32(tap, ag, tmp):
    """File operations, connects, accepts and DNS sends made as 32-bit syscalls (int 0x80 from
    a 64-bit program), which pass no syscalls:* tracepoint (a known way around agents built on
    them), are seen with the agent's --ia32-syscalls: the same events, fields and checks as
    their 64-bit twins."""
    tag = "%d" % random.randrange(1 << 30)
    d = os.path.join(tmp, "ia32")
    os.mkdir(d)
    t0 = time.monotonic()
    kv = trigger("ia32", d, tag)
    if "_skip" in kv:
        tap.skip("32-bit syscalls (31 subtests)", kv["_skip"])
        return
    tap.ok(IA32_NOTE not in ag.stderr(), "no note about 32-bit syscalls when they are collected",
           ag.stderr())
    coll = status_collection(ag)
    tap.ok(coll.get("ia32_syscalls") == "collected" and
           0 < coll.get("programs_attached", 0) <= coll.get("programs", 0),
           "the status file says 32-bit syscalls are collected", json.dumps(coll))
    pid, real = int(kv["pid"]), os.path.realpath(d)
    check_files(tap, ag, t0, pid, real, (
            (8, "file_event: 32-bit creat", "sgl-created-ia32-%s" % tag, {}),
            (8, "file_event: 32-bit openat(O_CREAT)", "sgl-created-ia32at-%s" % tag, {}),
            (9, "file_change: 32-bit open for writing (the process's first), write, close",
             "sgl-changed-ia32-%s" % tag, {}),
            (9, "file_change: 32-bit open for writing, write, close_range",
             "sgl-changed-i32cr-%s" % tag, {}),
            (10, "file_rename: 32-bit rename", "sgl-renamed-ia32-%s" % tag,
             {"sigma.fields.SourceFilename": os.path.join(real, "sgl-created-ia32at-%s" % tag)}),
            (10, "file_rename: 32-bit renameat(AT_FDCWD) of names relative to the cwd",
             "sgl-renamed-i32rel-%s" % tag,
             {"sigma.fields.SourceFilename": os.path.join(real, "sgl-src-i32rel-%s" % tag)}),
            (8, "file_event: 32-bit link", "sgl-created-i32link-%s" % tag,
             {"sigma.fields.SourceFilename": os.path.join(real, "sgl-renamed-ia32-%s" % tag)}),
            (8, "file_event: 32-bit symlink (its name %s)" % (
                "at 3 GiB" if kv["high"] == "1" else
                "under 2 GiB: 2-4 GiB is taken, by ASan's shadow"),
             "sgl-created-i32sym-%s" % tag,
             {"sigma.fields.SourceFilename": "sgl-symlink-target"}),
            (11, "file_delete: 32-bit unlink", "sgl-deleted-ia32-%s" % tag, {}),
            (11, "file_delete: 32-bit unlinkat on a dirfd", "sgl-deleted-ia32at-%s" % tag, {}),
            (11, "file_delete: 32-bit rmdir", "sgl-deleted-i32dir-%s" % tag, {})))
    bad = [x for x in ag.read_alerts() if rule_is(rid(11))(x) and
           (g(x, "file.path") or "").endswith("/sgl-deleted-ia32fail-%s" % tag)]
    tap.ok(not bad, "no file_delete for a 32-bit unlink that failed", json.dumps(bad[:1]))
    t0 = time.monotonic()
    kv = trigger("ia32-traced", d, tag)
    name = "sgl-deleted-i32trace-%s" % tag
    a, lat = ag.wait_alert(lambda x: rule_is(rid(11))(x) and
                           (g(x, "file.path") or "").endswith("/" + name), since=t0)
    check(tap, "file_delete: 32-bit unlink whose tracer set the high bits of orig_rax", a, lat,
          {"process.pid": int(kv["child"]), "sigma.fields.TargetFilename": os.path.join(real, name)})
    t0 = time.monotonic()
    kv = trigger("ia32-connect", 47801)
    pid = int(kv["pid"])
    for n, what, sport in (
            (3, "network_connection: 32-bit connect", kv["sport"]),
            (3, "network_connection: socketcall(SYS_CONNECT)", kv["sport_sc"]),
            (3, "network_connection: socketcall(SYS_CONNECT), its arguments not in memory at "
             "sys_enter", kv["sport_scfault"]),
            (4, "network_connection: socketcall(SYS_ACCEPT) (inbound)", kv["sport_acc_sc"]),
            (4, "network_connection: 32-bit accept4 (inbound)", kv["sport_acc4"])):
        a, lat = ag.wait_alert(lambda x: rule_is(rid(n))(x) and g(x, "process.pid") == pid and
                               g(x, "source.port") == int(sport), since=t0)
        check(tap, what, a, lat, {
            "destination.ip": "127.0.0.1", "destination.port": 47801,
            "source.ip": "127.0.0.1", "source.port": int(sport),
            "network.transport": "tcp", "process.executable": os.path.realpath(TRIGGER),
            "sigma.fields.Initiated": "true" if n == 3 else "false",
        })
    for mode, what in (("ia32-sendto", "the 32-bit sendto"),
                       ("ia32-socketcall", "socketcall(SYS_SENDTO)"),
                       ("ia32-send", "socketcall(SYS_SEND) on a connected socket"),
                       ("ia32-sendmsg", "the 32-bit sendmsg"),
                       ("ia32-sendmsg-split", "the 32-bit sendmsg, the query in two iovecs"),
                       ("ia32-sendmmsg", "socketcall(SYS_SENDMMSG) of two queries"),
                       ("ia32-writev-tcp", "the 32-bit writev over TCP (length, message)")):
        name = "%s-%d.sgl-live.test" % (mode, random.randrange(1 << 30))
        t0 = time.monotonic()
        kv = trigger("dns", mode, name)
        a, lat = ag.wait_alert(lambda x: rule_is(rid(7))(x) and g(x, "dns.question.name") == name,
                               since=t0)
        check(tap, "dns_query via " + what, a, lat,
              {"process.pid": int(kv["sender"]), "destination.port": 53,
               "network.transport": "tcp" if "tcp" in mode else "udp",
               "sigma.fields.QueryType": "A;AAAA" if mode == "ia32-sendmmsg" else "A"})
    t0 = time.monotonic()
    kv = trigger("ia32-sys")
    pid, target = int(kv["pid"]), int(kv["target"])
    a, lat = ag.wait_alert(lambda x: rule_is(rid(0x16))(x) and g(x, "process.pid") == pid,
                           since=t0)
    check(tap, "ptrace: 32-bit PTRACE_ATTACH", a, lat, {
        "sigma.fields.TargetProcessId": target, "sigma.fields.PtraceRequest": "PTRACE_ATTACH"})
    for what, child, call in (("setid: 32-bit setuid32(65534)", kv["uid32"], "setuid"),
                              ("setid: 16-bit setresuid(65534, 65534, 65534)", kv["uid16"],
                               "setresuid")):
        a, lat = ag.wait_alert(lambda x: rule_is(rid(0x17))(x) and
                               g(x, "process.pid") == int(child), since=t0)
        check(tap, what, a, lat, {"sigma.fields.TargetUid": 65534, "sigma.fields.Syscall": call})
    a, lat = ag.wait_alert(lambda x: rule_is(rid(14))(x) and g(x, "process.pid") == pid, since=t0)
    check(tap, "memfd_create: 32-bit", a, lat, {"sigma.fields.MemfdName": "sgl-payload"})
    a, lat = ag.wait_alert(lambda x: rule_is(rid(16))(x) and g(x, "process.pid") == pid, since=t0)
    check(tap, "bpf_load: 32-bit BPF_PROG_LOAD", a, lat, {"sigma.fields.InstructionCount": 2})


def act_child_write(tap, ag, tmp):
    """A written file a child never closes is a file_change of the program that wrote it, once:
    closed by the child's exit, or by its exec (close-on-exec, after two failed execs).
    exec-reuse catches a stale exec dedup entry only when the second file takes the first
    one's freed struct file: so on kernels from 6.7 (files are SLAB_TYPESAFE_BY_RCU, reused
    at once), as here; before, it passes either way."""
    for action, what in (("exit-write", "the process's exit"),
                         ("exec-write", "exec (close-on-exec), after two failed execs"),
                         ("exec-reuse", "exec, after a failed exec sent and a close freed "
                          "another file")):
        d = os.path.join(tmp, action)
        os.mkdir(d)
        t0 = time.monotonic()
        kv = trigger(action, d, "%d" % random.randrange(1 << 30))
        same = lambda x: rule_is(rid(9))(x) and g(x, "file.path") == kv["path"]
        a, lat = ag.wait_alert(same, since=t0)
        check(tap, "file_change: written, then closed by " + what, a, lat,
              {"process.pid": int(kv["child"]), "sigma.fields.TargetFilename": kv["path"],
               "process.executable": os.path.realpath(TRIGGER)})
        time.sleep(1.0)
        n = len([x for x in ag.read_alerts() if same(x)])
        tap.ok(a is not None and n == 1,
               "one file_change for the file closed by %s (%d)" % (action[:4], n))


def act_closes(tap, ag, tmp):
    """A written file closed by dup2() onto its fd or by close_range() is a file_change."""
    d = os.path.join(tmp, "closes")
    os.mkdir(d)
    t0 = time.monotonic()
    kv = trigger("closes", d, "%d" % random.randrange(1 << 30))
    for what, key in (("dup2() onto its fd", "dup"), ("close_range()", "range")):
        a, lat = ag.wait_alert(lambda x: rule_is(rid(9))(x) and g(x, "file.path") == kv[key],
                               since=t0)
        check(tap, "file_change: written, then closed by " + what, a, lat,
              {"process.pid": int(kv["pid"]), "sigma.fields.TargetFilename": kv[key]})


def act_path_races(tap, ag, tmp):
    """Names read at sys_enter and again at sys_exit."""
    tag = "%d" % random.randrange(1 << 30)
    d = os.path.join(tmp, "races")
    os.mkdir(d)
    t0 = time.monotonic()
    kv = trigger("cold-unlink", d, tag)
    a, lat = ag.wait_alert(lambda x: rule_is(rid(11))(x) and g(x, "file.path") == kv["path"],
                           since=t0)
    check(tap, "file_delete of a name in a page not faulted in at sys_enter", a, lat,
          {"process.pid": int(kv["pid"])})
    n = 2000
    kv = trigger("race", d, tag, n)
    pid, done = int(kv["pid"]), int(kv["goneA"]) + int(kv["goneB"])
    pat = re.compile(r"/sgl-deleted-race([AB])-%s-(\d+)$" % tag)
    seq = flipper_reports(ag, "file.path", pat, pid, done)
    tap.ok(len(seq) == done and done == n,
           "every unlink racing a name flipper is reported (%d of %d)" % (len(seq), done))
    # which name the kernel took: the file left over tells
    truth = {}
    for i in range(n):
        left = [k for k in "AB" if os.path.exists(
            os.path.join(d, "sgl-deleted-race%s-%s-%06d" % (k, tag, i)))]
        if len(left) == 1:
            truth[i] = "B" if left == ["A"] else "A"
    flipper_note(tap, "unlink name flipper", seq, truth)


def act_misc(tap, ag, tmp):
    t0 = time.monotonic()
    kv = trigger("ptrace")
    pid, target = int(kv["pid"]), int(kv["target"])
    a, lat = ag.wait_alert(lambda x: rule_is(rid(12))(x) and g(x, "process.pid") == pid, since=t0)
    check(tap, "ptrace: PTRACE_ATTACH", a, lat, {
        "sigma.fields.TargetProcessId": target,
        "sigma.fields.TargetImage": os.path.realpath("/bin/sleep"),
        "sigma.fields.PtraceRequest": "PTRACE_ATTACH",
    })
    a, lat = ag.wait_alert(lambda x: rule_is(rid(0x15))(x) and g(x, "process.pid") == pid,
                           since=t0)
    check(tap, "ptrace also routed as process_access", a, lat, {
        "sigma.fields.TargetProcessId": target,
        "sigma.fields.PtraceRequest": "PTRACE_ATTACH",
    })
    t0 = time.monotonic()
    kv = trigger("memfd-exec")
    pid, child = int(kv["pid"]), int(kv["child"])
    a, lat = ag.wait_alert(lambda x: rule_is(rid(13))(x) and g(x, "process.pid") == child,
                           since=t0)
    check(tap, "process_creation: fileless exec from a memfd", a, lat, {
        "process.executable": "/memfd:sgl-payload (deleted)",
        "process.command_line": "sgl-fileless --sgl-memfd",
        "process.parent.pid": pid,
    })
    a, lat = ag.wait_alert(lambda x: rule_is(rid(14))(x) and g(x, "process.pid") == pid, since=t0)
    check(tap, "memfd_create: name", a, lat, {"sigma.fields.MemfdName": "sgl-payload"})
    t0 = time.monotonic()
    kv = trigger("setuid")
    child = int(kv["child"])
    a, lat = ag.wait_alert(lambda x: rule_is(rid(15))(x) and g(x, "process.pid") == child,
                           since=t0)
    check(tap, "setid: setuid(65534)", a, lat, {"sigma.fields.TargetUid": 65534})
    t0 = time.monotonic()
    kv = trigger("bpf")
    pid = int(kv["pid"])
    a, lat = ag.wait_alert(lambda x: rule_is(rid(16))(x) and g(x, "process.pid") == pid, since=t0)
    check(tap, "bpf_load: BPF_PROG_LOAD", a, lat, {"sigma.fields.InstructionCount": 2})
    if "sys_enter_finit_module): tracepoint absent" in ag.stderr():
        tap.skip("module_load", "this kernel has no module support (the finit_module and "
                 "init_module tracepoints are absent): the collector is disabled, as it says")
    else:
        tap.note("module_load: the hooks attached; loading a module is not tested")


def own_pid_filtered(tap, ag, capture):
    pid = ag.proc.pid
    bad = 0
    with open(capture) as f:
        for line in f:
            if json.loads(line).get("ProcessId") == pid:
                bad += 1
    tap.ok(bad == 0, "the agent's own activity is filtered in the kernel",
           "%d events of the agent's own pid %d" % (bad, pid))


# ---- the tests ----

def test_collect(tap, tmp):
    cap = os.path.join(tmp, "capture.jsonl")
    ag = start_agent(tap, AGENT, os.path.join(tmp, "alerts.json"), ["--ia32-syscalls"],
                     capture=cap)
    try:
        act_exec(tap, ag, tmp)
        act_double_fork(tap, ag, tmp)
        act_net(tap, ag, tmp)
        act_dns(tap, ag, tmp)
        act_dns_race(tap, ag, tmp)
        act_files(tap, ag, tmp)
        act_links(tap, ag, tmp)
        act_symlinked(tap, ag, tmp)
        act_uring(tap, ag, tmp)
        act_ia32(tap, ag, tmp)
        act_child_write(tap, ag, tmp)
        act_closes(tap, ag, tmp)
        act_path_races(tap, ag, tmp)
        act_misc(tap, ag, tmp)
    finally:
        rc = ag.stop()
    tap.ok(rc == 0, "agent stops cleanly on SIGTERM", ag.stderr())
    own_pid_filtered(tap, ag, cap)
    m = re.search(r"kernel records dropped: (\d+)", ag.stderr())
    tap.ok(m is not None, "drop counters reported at exit", ag.stderr())
    tap.note("\n".join(l for l in ag.err if not l.startswith("sigmac-agent: ag_")))


def alert_key(a):
    f = g(a, "sigma.fields", {})
    return (g(a, "rule.id"), g(a, "process.pid"), g(a, "process.executable"),
            g(a, "process.command_line"), g(a, "file.path"), g(a, "destination.port"),
            g(a, "dns.question.name"), json.dumps({k: v for k, v in f.items()
                                                   if not k.startswith("logsource.")},
                                                  sort_keys=True))


def test_replay(tap, tmp):
    cap = os.path.join(tmp, "capture.jsonl")
    alerts = os.path.join(tmp, "alerts.json")
    ag = start_agent(tap, AGENT, alerts, capture=cap)
    try:
        subprocess.run(["/bin/sh", "-c", "/bin/true sgl-marker-exec-replay; exit 0"], cwd=tmp)
        subprocess.run(["/bin/sh", "-c", "exit 7", "sgl-marker-exit-replay"], cwd=tmp)
        trigger("tcp4", 47801)
        trigger("udp4", 47802)
        trigger("dns", "sendmmsg", "replay.sgl-live.test")
        os.mkdir(os.path.join(tmp, "files"))
        trigger("files", os.path.join(tmp, "files"), "replay")
        trigger("memfd-exec")
        trigger("ptrace")
        trigger("setuid")
        trigger("bpf")
        time.sleep(0.3)
    finally:
        rc = ag.stop()
    tap.ok(rc == 0, "agent stops cleanly", ag.stderr())
    runs = trigger("ia32-runs")["runs"] == "1"
    tap.ok((IA32_NOTE in ag.stderr()) == runs, "without --ia32-syscalls, a note at start says "
           "32-bit syscalls are not seen exactly when this kernel runs them (it %s)"
           % ("does" if runs else "does not"), ag.stderr())
    coll = status_collection(ag)
    tap.ok(coll.get("ia32_syscalls") == ("not collected" if runs else "not run by this kernel"),
           "and the status file says so", json.dumps(coll))
    live = sorted(alert_key(a) for a in ag.read_alerts())
    rep_out = os.path.join(tmp, "replay.json")
    r = subprocess.run([AGENT, "replay", "--alerts", rep_out, cap], capture_output=True,
                       text=True, timeout=60)
    tap.ok(r.returncode == 0, "replay reads the capture back", r.stderr)
    with open(rep_out) as f:
        replayed = sorted(alert_key(json.loads(l)) for l in f)
    rules = sorted(set(k[0] for k in live))
    tap.ok("sigma::" + rid(0x15) in rules, "a process_access alert (second class of ptrace) is "
           "among them", "\n".join(rules))
    tap.ok(len(rules) >= 15, "live run produced alerts of the test rules", "\n".join(rules))
    tap.ok(live == replayed, "capture then replay gives the same %d alerts as live" % len(live),
           "only live:\n%s\nonly replay:\n%s" % (
               "\n".join(map(str, sorted(set(live) - set(replayed)))),
               "\n".join(map(str, sorted(set(replayed) - set(live))))))


def sigmahq_id(rel):
    with open(os.path.join(SIGMAHQ, rel)) as f:
        m = re.search(r"^id:\s*(\S+)", f.read(), re.M)
    return "sigma::" + m.group(1)


def test_sigmahq(tap, tmp):
    if not SIGMAHQ_AGENT or not os.path.isdir(SIGMAHQ):
        skip_all("../shared/corpus/sigmahq is absent: no SigmaHQ linux rules to drive")
    ag = start_agent(tap, SIGMAHQ_AGENT, os.path.join(tmp, "alerts.json"))
    mine = lambda pids: (lambda a: g(a, "process.pid") in pids or
                         g(a, "process.parent.pid") in pids)
    try:
        # 1. base64 -d piped to a shell
        t0 = time.monotonic()
        sh = subprocess.Popen(["sh", "-c", "echo dHJ1ZSBzZ2wtYjY0Cg== | base64 -d | sh"], cwd=tmp)
        sh.wait()
        for rel in ("process_creation/proc_creation_lnx_base64_decode.yml",
                    "process_creation/proc_creation_lnx_base64_execution.yml",
                    "process_creation/proc_creation_lnx_susp_pipe_shell.yml"):
            rule = sigmahq_id(rel)
            a, lat = ag.wait_alert(lambda x: g(x, "rule.id") == rule and mine({sh.pid})(x),
                                   since=t0)
            check(tap, "SigmaHQ %s" % os.path.basename(rel), a, lat, {})
        # 2. a program run from /dev/shm and from /tmp
        for d, rel in (("/dev/shm", "process_creation/proc_creation_lnx_susp_exec_from_dev_shm.yml"),
                       (tmp, "process_creation/proc_creation_lnx_susp_execution_tmp_folder.yml")):
            exe = os.path.join(d, "sgl-true-%d" % os.getpid())
            shutil.copy("/bin/true", exe)
            os.chmod(exe, 0o700)
            t0 = time.monotonic()
            p = subprocess.Popen([exe])
            p.wait()
            os.unlink(exe)
            rule = sigmahq_id(rel)
            a, lat = ag.wait_alert(lambda x: g(x, "rule.id") == rule and mine({p.pid})(x),
                                   since=t0)
            check(tap, "SigmaHQ %s" % os.path.basename(rel), a, lat,
                  {"process.executable": exe})
        # 3. a file whose name embeds a shell command
        t0 = time.monotonic()
        p = subprocess.Popen(["touch", "{echo,sgl}"], cwd=tmp)
        p.wait()
        rel = "file_event/file_event_lnx_susp_filename_with_embedded_base64_command.yml"
        rule = sigmahq_id(rel)
        a, lat = ag.wait_alert(lambda x: g(x, "rule.id") == rule and mine({p.pid})(x), since=t0)
        check(tap, "SigmaHQ %s" % os.path.basename(rel), a, lat,
              {"file.path": os.path.join(tmp, "{echo,sgl}")})
        # 4. bash connecting through /dev/tcp (to our own listener on 127.0.0.2)
        import socket
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.2", 47804))
        srv.listen(1)
        t0 = time.monotonic()
        p = subprocess.Popen(["bash", "-c", "exec 3<>/dev/tcp/127.0.0.2/47804; echo hi >&3"])
        p.wait()
        srv.close()
        rel = "network_connection/net_connection_lnx_back_connect_shell_dev.yml"
        rule = sigmahq_id(rel)
        a, lat = ag.wait_alert(lambda x: g(x, "rule.id") == rule and mine({p.pid})(x), since=t0)
        check(tap, "SigmaHQ %s" % os.path.basename(rel), a, lat,
              {"destination.ip": "127.0.0.2", "destination.port": 47804})
    finally:
        rc = ag.stop()
    tap.ok(rc == 0, "agent stops cleanly", ag.stderr())
    r = subprocess.run([SIGMAHQ_AGENT, "version"], capture_output=True, text=True)
    tap.note(r.stdout.strip().splitlines()[1] if r.stdout else "")


def test_overload(tap, tmp):
    alerts = os.path.join(tmp, "alerts.json")
    # a 1 MiB ring the agent reads every 3 s with no wake-ups in between: a
    # 3 s storm of file events overflows it even on a loaded machine (8,000
    # records are 1.4 MiB; an idle one makes 150,000)
    ag = start_agent(tap, AGENT, alerts,
                     extra=["--ring-mb", "1", "--wakeup-kb", "1048576", "--poll-ms", "3000"])
    storms = []
    try:
        t0 = time.monotonic()
        subprocess.run(["/bin/true", "sgl-checkpoint-before"])
        a, lat = ag.wait_alert(lambda x: "sgl-checkpoint-before" in g(x, "process.command_line", ""),
                               timeout=5, since=t0)
        tap.ok(a is not None, "alert before the storm (%.0f ms)" % (lat * 1000))
        rss0 = ag.rss_kib()
        d = os.path.join(tmp, "storm")
        os.mkdir(d)
        storms = [subprocess.Popen([TRIGGER, "storm", d, "3"], stdout=subprocess.PIPE,
                                   text=True) for _ in range(2)]
        rss = [rss0]
        while any(s.poll() is None for s in storms):
            rss.append(ag.rss_kib())
            time.sleep(0.1)
        files = sum(int(s.stdout.read().split("files=")[1]) for s in storms)
        alive = ag.proc.poll() is None
        tap.ok(alive, "agent keeps running through a storm of %d file creates+deletes" % files,
               ag.stderr())
        # the ring is still full when the storm stops: what happens before the
        # agent's next read (at most 3 s later) is dropped, as it should be
        time.sleep(3.5)
        t0 = time.monotonic()
        subprocess.run(["/bin/true", "sgl-checkpoint-after"])
        a, lat = ag.wait_alert(lambda x: "sgl-checkpoint-after" in g(x, "process.command_line", ""),
                               timeout=5, since=t0)
        tap.ok(a is not None, "alerts still produced after the storm (%.0f ms)" % (lat * 1000))
        grow = (max(rss) - rss0) / 1024.0
        tap.ok(grow < 64, "memory bounded: RSS %.1f MiB before, %.1f MiB peak during the storm"
               % (rss0 / 1024.0, max(rss) / 1024.0), "grew by %.1f MiB" % grow)
    finally:
        for s in storms:
            if s.poll() is None:
                s.kill()
                s.wait()
        rc = ag.stop()
    err = ag.stderr()
    tap.ok(rc == 0, "agent stops cleanly", err)
    m = re.search(r"kernel records dropped: (\d+)", err)
    drops = int(m.group(1)) if m else 0
    tap.ok(drops > 0, "kernel drops counted and reported (%d)" % drops, err)
    before = [x for x in ag.read_alerts()
              if "sgl-checkpoint-before" in g(x, "process.command_line", "")]
    tap.ok(len(before) == 1, "the alert produced before the storm is on disk, once")
    tap.note("\n".join(l for l in ag.err if not l.startswith("sigmac-agent: ag_")))


def status_of(agent_path, ag):
    r = subprocess.run([agent_path, "status", "--status-file", ag.status, "--format", "json"],
                       capture_output=True, text=True, timeout=30)
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {}


def response_event(ag, pid, t0, timeout=2.0):
    return ag.wait_alert(lambda x: g(x, "event.kind") == "event" and
                         g(x, "event.action") == "process-kill" and g(x, "process.pid") == pid,
                         timeout=timeout, since=t0)[0]


def linked(ag, ev, pid):
    """The alert of rule 20 on pid whose event.id the response event names."""
    al = [x for x in ag.read_alerts() if rule_is(rid(20))(x) and g(x, "process.pid") == pid
          and g(x, "event.kind") == "alert"]
    return (len(al) == 1 and ev is not None and
            g(ev, "sigmac.response.alert_id") == g(al[0], "event.id") and
            len(g(al[0], "event.id", "")) == 36)


def test_response(tap, tmp):
    """Active response on live exec events: kill, dry-run, allowlist."""
    bindir, allowdir = os.path.join(tmp, "bin"), os.path.join(tmp, "allow")
    os.mkdir(bindir)
    os.mkdir(allowdir)
    victim = os.path.join(bindir, "sgl-live-victim")
    allowed = os.path.join(allowdir, "sgl-live-victim")
    shutil.copy("/bin/sleep", victim)
    shutil.copy("/bin/sleep", allowed)
    cfg = os.path.join(tmp, "response.yml")
    with open(cfg, "w") as f:
        f.write("response:\n  allow_paths: [%s/]\ndedup:\n  window_s: 0\n" % allowdir)
    ag = start_agent(tap, AGENT, os.path.join(tmp, "kill.json"),
                     extra=["--config", cfg, "--response", "kill"])
    procs = []
    try:
        t0 = time.monotonic()
        v = subprocess.Popen([victim, "30"])
        procs.append(v)
        try:
            rc = v.wait(3)
        except subprocess.TimeoutExpired:
            rc = None
        lat = time.monotonic() - t0
        tap.ok(rc == -signal.SIGKILL, "kill: the process a critical rule matches dies of SIGKILL "
               "(%.0f ms after its start)" % (lat * 1000), "returncode %r\n%s" % (rc, ag.stderr()))
        ev = response_event(ag, v.pid, t0)
        tap.ok(ev is not None and g(ev, "sigmac.response.result") == "killed" and
               g(ev, "event.outcome") == "success" and
               g(ev, "process.executable") == victim,
               "kill: the response event says killed, names the process",
               json.dumps(ev, indent=1))
        tap.ok(ev is not None and isinstance(g(ev, "sigmac.response.start_ticks"), int) and
               g(ev, "sigmac.response.start_ticks") > 0,
               "kill: the target was identified by its start time from the kernel",
               json.dumps(ev))
        tap.ok(linked(ag, ev, v.pid), "kill: the response event is linked to its alert",
               json.dumps(ag.read_alerts()[-3:], indent=1))
        t0 = time.monotonic()
        w = subprocess.Popen([allowed, "30"])
        procs.append(w)
        ev = response_event(ag, w.pid, t0)
        time.sleep(0.3)
        tap.ok(w.poll() is None, "allowlist: an image under allow_paths is never killed")
        tap.ok(ev is not None and g(ev, "sigmac.response.result") == "skipped" and
               g(ev, "event.reason") == "allowlisted image",
               "allowlist: skipped, reason allowlisted image", json.dumps(ev, indent=1))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        rc = ag.stop()
    tap.ok(rc == 0, "kill mode: agent stops cleanly", ag.stderr())
    st = status_of(AGENT, ag)
    tap.ok(g(st, "response.killed") == 1 and g(st, "response.skipped") == 1,
           "status: response.killed 1, response.skipped 1", json.dumps(st.get("response")))
    ag = start_agent(tap, AGENT, os.path.join(tmp, "dry.json"),
                     extra=["--config", cfg, "--response", "dry-run"])
    procs = []
    try:
        t0 = time.monotonic()
        v = subprocess.Popen([victim, "30"])
        procs.append(v)
        ev = response_event(ag, v.pid, t0)
        time.sleep(0.3)
        tap.ok(v.poll() is None, "dry-run: the matched process is not killed")
        tap.ok(ev is not None and g(ev, "sigmac.response.result") == "would-kill" and
               g(ev, "sigmac.response.dry_run") is True,
               "dry-run: the dry-run event is written (would-kill)", json.dumps(ev, indent=1))
        tap.ok(linked(ag, ev, v.pid), "dry-run: the event is linked to its alert")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        rc = ag.stop()
    tap.ok(rc == 0, "dry-run: agent stops cleanly", ag.stderr())


def intel_alerts(ag, pid=None, path=None):
    """IOC and YARA alerts (rule ids) of a process or about a file."""
    out = []
    for x in ag.read_alerts():
        rid_ = g(x, "rule.id", "")
        if not (rid_.startswith("ioc::") or rid_.startswith("yara::")):
            continue
        if pid is not None and g(x, "process.pid") != pid:
            continue
        if path is not None and g(x, "file.path") != path:
            continue
        out.append(rid_)
    return sorted(out)


def wait_intel(ag, want, timeout=3.0, settle=0.2, **kw):
    """The IOC/YARA alerts once len(want) came (or timeout), and settle s later."""
    t0 = time.monotonic()
    lat = timeout
    while time.monotonic() - t0 < timeout:
        got = intel_alerts(ag, **kw)
        if len(got) >= len(want):
            lat = time.monotonic() - t0
            break
        time.sleep(0.02)
    time.sleep(settle)  # anything extra would come now
    return intel_alerts(ag, **kw), lat


def test_intel(tap, tmp):
    """IOC and YARA checks of live events (an agent built with feeds and YARA rules)."""
    if not INTEL_AGENT or not HASH_BIN or not YARA_BIN:
        skip_all("LIVE_INTEL_AGENT, LIVE_HASH_BIN and LIVE_YARA_BIN are not set")
    import hashlib
    import socket
    with open(HASH_BIN, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    ag = start_agent(tap, INTEL_AGENT, os.path.join(tmp, "alerts.json"),
                     extra=["--scan-written"])
    procs = []
    try:
        # 1. a binary a YARA rule matches: its image scanned through /proc/PID/exe
        exe = os.path.join(tmp, "sgl-yara-bin")
        shutil.copy(YARA_BIN, exe)
        p = subprocess.Popen([exe, "300"])
        p.wait()
        got, lat = wait_intel(ag, ["y"], pid=p.pid)
        tap.ok(got == ["yara::sigmac_test_marker"],
               "exec of a binary the YARA rule matches: exactly yara::sigmac_test_marker "
               "(%.0f ms)" % (lat * 1000), repr(got))
        a = [x for x in ag.read_alerts() if g(x, "rule.id") == "yara::sigmac_test_marker" and
             g(x, "process.pid") == p.pid]
        tap.ok(a and g(a[0], "yara.path") == exe and g(a[0], "process.executable") == exe,
               "YARA alert names the image and the process", json.dumps(a[:1], indent=1))
        # 1b. the same, but the binary swaps a clean file over its own path at once:
        # the image is read through /proc/PID/exe, so the marker is still found
        exe = os.path.join(tmp, "sgl-yara-swapped")
        clean = os.path.join(tmp, "sgl-clean")
        shutil.copy(YARA_BIN, exe)
        shutil.copy("/bin/true", clean)
        p = subprocess.Popen([exe, "500", clean])
        p.wait()
        got, lat = wait_intel(ag, ["y"], pid=p.pid)
        tap.ok(p.returncode == 0 and not os.path.exists(clean) and
               got == ["yara::sigmac_test_marker"],
               "a binary swapped for a clean file right after its exec: the file executed is "
               "scanned (yara::sigmac_test_marker)", "exit %r, %r" % (p.returncode, got))
        # 2. a binary whose SHA256 is in a feed
        exe = os.path.join(tmp, "sgl-hash-bin")
        shutil.copy(HASH_BIN, exe)
        p = subprocess.Popen([exe, "300"])
        p.wait()
        got, lat = wait_intel(ag, ["h"], pid=p.pid)
        tap.ok(got == ["ioc::sha256::" + sha],
               "exec of a binary whose SHA256 is in a feed: exactly ioc::sha256 (%.0f ms)"
               % (lat * 1000), repr(got))
        # 3. EICAR written to disk (written-file scanning on), assembled here: a new
        # file (scanned AG_LIVE_INTEL_CREATE_DELAY_MS after its creation: the
        # collector sees no close-after-write of a file its open created), then an
        # existing file written over (scanned at its close; its pending create scan
        # is dropped, so still one alert)
        half = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STAN", "DARD-ANTIVIRUS-TEST-FILE!$H+H*")
        write = "import sys; open(sys.argv[1], 'w').write(sys.argv[2] + sys.argv[3])"
        for what, pre in (("a new file", False), ("an existing file written over", True)):
            eicar = os.path.join(tmp, "sgl-eicar-%s.com" % ("old" if pre else "new"))
            if pre:
                open(eicar, "w").close()
            p = subprocess.Popen([sys.executable, "-c", write, eicar, half[0], half[1]])
            p.wait()
            got, lat = wait_intel(ag, ["e"], path=eicar, settle=1.5 if pre else 0.2)
            tap.ok(got == ["yara::eicar_test_file"],
                   "EICAR written to disk (%s): exactly yara::eicar_test_file (%.0f ms)"
                   % (what, lat * 1000), repr(got))
        # 4. a connect to a listed loopback address (our own listener)
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.77", 47811))
        srv.listen(1)
        p = subprocess.Popen([sys.executable, "-c",
                              "import socket; socket.create_connection(('127.0.0.77', 47811))"])
        p.wait()
        srv.close()
        got, lat = wait_intel(ag, ["i"], pid=p.pid)
        tap.ok(got == ["ioc::ip::127.0.0.77"],
               "connect to a listed loopback address: exactly ioc::ip::127.0.0.77 (%.0f ms)"
               % (lat * 1000), repr(got))
        # 5. a DNS query for a listed domain's subdomain (to our listener on 127.0.0.1:53)
        name = "q%d.sub.evil-test.example" % random.randrange(1 << 30)
        kv = trigger("dns", "sendto", name)
        if "_skip" in kv:
            tap.skip("DNS query for a listed domain's subdomain", kv["_skip"])
        else:
            sender = int(kv["sender"])
            got, lat = wait_intel(ag, ["d"], pid=sender)
            tap.ok(got == ["ioc::domain::.evil-test.example"],
                   "DNS query for a subdomain of a listed domain: exactly "
                   "ioc::domain::.evil-test.example (%.0f ms)" % (lat * 1000), repr(got))
        # 6. a file created under a listed path
        d = os.path.join(tmp, "sigmac-ioc-drop")
        os.mkdir(d)
        dropped = os.path.join(d, "sgl-dropped.sh")
        p = subprocess.Popen(["touch", dropped])
        p.wait()
        got, lat = wait_intel(ag, ["p"], pid=p.pid)
        tap.ok(got == ["ioc::path::*/sigmac-ioc-drop/*"],
               "file created under a listed path: exactly ioc::path::*/sigmac-ioc-drop/* "
               "(%.0f ms)" % (lat * 1000), repr(got))
        # 7. nothing listed: a plain exec gives no IOC/YARA alert
        p = subprocess.Popen(["/bin/true"])
        p.wait()
        got, _ = wait_intel(ag, [], timeout=0.3, pid=p.pid)
        tap.ok(got == [], "an unlisted binary gives no IOC/YARA alert", repr(got))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        rc = ag.stop()
    tap.ok(rc == 0, "agent stops cleanly", ag.stderr())
    st = status_of(INTEL_AGENT, ag)
    tap.ok((g(st, "yara.scans") or 0) >= 3, "status counts YARA scans",
           json.dumps(st.get("yara")))
    tap.note("\n".join(l for l in ag.err if "IOC/YARA" in l))


def main():
    tests = {"live-collect": test_collect, "live-replay": test_replay,
             "live-sigmahq": test_sigmahq, "live-overload": test_overload,
             "live-response": test_response, "live-intel": test_intel}
    if len(sys.argv) != 2 or sys.argv[1] not in tests:
        print("usage: run-live.py %s" % "|".join(tests), file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        skip_all("not root: live collection needs root (or CAP_BPF + CAP_PERFMON)")
    if not os.path.exists("/sys/kernel/btf/vmlinux"):
        skip_all("the kernel has no BTF (/sys/kernel/btf/vmlinux): CO-RE collectors cannot load")
    if not AGENT or not TRIGGER:
        print("run-live.py: LIVE_AGENT and LIVE_TRIGGER must be set", file=sys.stderr)
        return 2
    tap = Tap()
    tmp = tempfile.mkdtemp(prefix="sgl-live-")
    try:
        tests[sys.argv[1]](tap, os.path.realpath(tmp))
    except Exception as e:  # a broken action is a failure, not a crash
        tap.ok(False, "test ran to the end", repr(e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
