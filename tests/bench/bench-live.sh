#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Live collection overhead and throughput (meson benchmark 'live'; run as
# root). Prints figures, never fails on speed (machines here are shared
# and noisy: ARCHITECTURE.md section 9 compares ratios from one run):
#
#   1. a fork+exec loop and an openat(O_RDONLY) loop with the agent off,
#      with only empty BPF programs on the same hooks (hook-floor: the cost
#      of the kernel's tracepoint machinery, which no collector code can go
#      below), with the agent on, and with the agent on and its 32-bit
#      syscall programs too (--ia32-syscalls), interleaved, medians of REPS runs
#      each, and their ratios (wall time, and the workload's CPU time, which
#      a busy machine disturbs less);
#   2. sustained events/s: file create+unlink storms of growing width, each
#      with the kernel's emitted and dropped counts;
#   3. agent CPU% and RSS under a sustained fork+exec storm;
#   4. exec-to-alert latency p50/p99 (spawn to the alert line on disk).
#
# Environment: LIVE_AGENT (an agent of tests/live/rules), LIVE_TRIGGER
# (tests/live/live-trigger), HOOK_FLOOR, HOOK_FLOOR_BPF and
# HOOK_FLOOR_COLLECTORS (hook-floor, its program, the collectors' objects;
# without them the floor is left out); REPS (default 5), FORKS (default 1000), OPENS
# (default 200000), LAT_N (default 200), SECTIONS (default 1234: which of
# the above to run). Exit 77 when not root.
set -eu
if [ "$(id -u)" -ne 0 ] || [ ! -r /sys/kernel/btf/vmlinux ]; then
	echo "bench-live: skipped: needs root and a kernel with BTF" >&2
	exit 77
fi
: "${LIVE_AGENT:?LIVE_AGENT must name a live agent}"
: "${LIVE_TRIGGER:?LIVE_TRIGGER must name live-trigger}"
exec python3 - "$@" <<'EOF'
import os, random, signal, statistics, subprocess, sys, tempfile, threading, time

AGENT, TRIG = os.environ["LIVE_AGENT"], os.environ["LIVE_TRIGGER"]
REPS = int(os.environ.get("REPS", "5"))
FORKS = int(os.environ.get("FORKS", "1000"))
OPENS = int(os.environ.get("OPENS", "200000"))
LAT_N = int(os.environ.get("LAT_N", "200"))
SECTIONS = os.environ.get("SECTIONS", "1234")
FLOOR = os.environ.get("HOOK_FLOOR", "")
FLOOR_BPF = os.environ.get("HOOK_FLOOR_BPF", "")
FLOOR_OBJS = os.environ.get("HOOK_FLOOR_COLLECTORS", "").split()
tmp = tempfile.mkdtemp(prefix="sgl-bench-")
running = []  # agents started, stopped by their pid whatever happens


class Agent:
    def __init__(self, *extra):
        self.alerts = os.path.join(tmp, "alerts-%d.json" % time.monotonic_ns())
        cfg = self.alerts + ".yml"
        with open(cfg, "w") as f:
            f.write("dedup:\n  window_s: 0\n")  # every match is an alert
        self.p = subprocess.Popen([AGENT, "run", "--config", cfg, "--alerts", self.alerts,
                                   "--status-file", self.alerts + ".status.json"] + list(extra),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        running.append(self)
        self.err = []
        ready = threading.Event()

        def rd():
            for line in self.p.stderr:
                self.err.append(line.rstrip())
                if "running:" in line:
                    ready.set()
            ready.set()
        threading.Thread(target=rd, daemon=True).start()
        ready.wait(60)
        if self.p.poll() is not None:
            sys.exit("bench-live: the agent did not start:\n" + "\n".join(self.err))

    def cpu(self):
        """CPU seconds of the agent (all threads), from the scheduler's ns counter."""
        with open("/proc/%d/schedstat" % self.p.pid) as f:
            return int(f.read().split()[0]) / 1e9

    def rss(self):
        """MiB: VmRSS, RssAnon (the agent's own memory), VmHWM."""
        with open("/proc/%d/status" % self.p.pid) as f:
            d = dict(l.split(":", 1) for l in f)
        return tuple(int(d[k].split()[0]) / 1024 for k in ("VmRSS", "RssAnon", "VmHWM"))

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGINT)
            try:
                self.p.wait(60)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        time.sleep(0.1)
        return "\n".join(self.err)


def counters(err):
    sent = drop = 0
    for l in err.splitlines():
        if "kernel records sent:" in l:
            sent = int(l.split(":")[1].split()[0])
        if "kernel records dropped:" in l:
            drop = int(l.split(":")[1].split()[0])
    return sent, drop


cpu_times = []  # user+system seconds of each timed() run, in order


def timed(*args):
    t = time.monotonic()
    p = subprocess.Popen([TRIG] + [str(a) for a in args])
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t
    if status != 0:
        sys.exit("bench-live: %s %s failed" % (TRIG, " ".join(str(a) for a in args)))
    cpu_times.append(ru.ru_utime + ru.ru_stime)
    return wall


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def main():
    print("bench-live: kernel %s, %d CPUs, agent %s" % (os.uname().release, os.cpu_count(),
          subprocess.run([AGENT, "version"], capture_output=True, text=True).stdout.splitlines()[1]))

    if "1" in SECTIONS:
        overhead()
    if "2" in SECTIONS:
        storms()
    if "3" in SECTIONS:
        exec_storm()
    # 4. exec-to-alert latency (64 KiB wake-up batches, so at a low event rate the
    # poll period decides); execs at random phases of the poll period
    if "4" in SECTIONS:
        for poll in ("50", "10"):
            latency(poll)


class Floor:
    """Empty programs on every hook the collectors use (hook-floor), or None without it."""

    def __init__(self):
        self.p = None
        if not FLOOR:
            return
        self.p = subprocess.Popen([FLOOR, FLOOR_BPF] + FLOOR_OBJS, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        self.ready = self.p.stderr.readline().strip()
        if not self.ready.startswith("ready"):
            self.p.wait()
            sys.exit("bench-live: hook-floor did not start: %s" % self.ready)

    def stop(self):
        if self.p and self.p.poll() is None:
            self.p.send_signal(signal.SIGINT)
            self.p.wait(30)


def overhead():
    # 1. overhead, interleaved: nothing, empty programs on the same hooks, the agent
    sides = ("off", "floor", "on", "ia32") if FLOOR else ("off", "on", "ia32")
    res = {k: {s: [] for s in sides} for k in ("fork", "open", "uring")}
    cpu = {k: {s: [] for s in sides} for k in ("fork", "open", "uring")}
    on_err = []
    floor_hooks = ""

    def run(side):
        for k, args in (("fork", ("forkexec", FORKS)), ("open", ("openloop", OPENS, "/etc/hostname")),
                        ("uring", ("uring-nop", OPENS))):
            res[k][side].append(timed(*args))
            cpu[k][side].append(cpu_times[-1])
    for r in range(REPS):
        run("off")
        if FLOOR:
            fl = Floor()
            floor_hooks = fl.ready
            run("floor")
            fl.stop()
        ag = Agent()
        run("on")
        on_err.append(ag.stop())
        ag = Agent("--ia32-syscalls")
        run("ia32")
        on_err.append(ag.stop())
    print("\n1. overhead, medians of %d interleaved runs (agent watching the whole machine)" % REPS)
    if FLOOR:
        print("   floor: an empty BPF program on each hook the agent uses (hook-floor: %s);" % floor_hooks)
        print("   on/floor is what the collectors' own code and the agent add over that")
    print("   ia32: the agent with --ia32-syscalls (three programs more on each syscall's entry and exit)")
    print("   %-38s %9s %9s %9s %7s %9s %9s %8s   %s" % (
        "workload", "off", "floor", "on", "on/off", "on/floor", "ia32", "ia32/on",
        "target (on/off)"))
    for k, label, target in (("fork", "%d x fork+exec+wait /bin/true" % FORKS, "<= 1.03x"),
                             ("open", "%d x openat(O_RDONLY)+close" % OPENS, "<= 1.15x"),
                             ("uring", "%d x io_uring NOP, one enter each" % OPENS, "(none)")):
        for what, d in (("wall", res[k]), ("CPU time (user+sys)", cpu[k])):
            m = {s: statistics.median(d[s]) for s in sides}
            fl = m.get("floor", float("nan"))
            print("   %-38s %8.3fs %8.3fs %8.3fs %6.2fx %8.2fx %8.3fs %7.2fx   %s" % (
                label if what == "wall" else "  " + what, m["off"], fl, m["on"],
                m["on"] / m["off"], m["on"] / fl, m["ia32"], m["ia32"] / m["on"],
                target if what == "wall" else ""))
            print("   %-38s %s" % ("  (all runs, %s)" % " | ".join(sides),
                                   " | ".join(" ".join("%.3f" % x for x in d[s]) for s in sides)))
    print("   kernel drops during the runs: %d" % sum(counters(e)[1] for e in on_err))


def storms():
    # 2. sustained events/s: storms of file create+unlink (2 events per file)
    print("\n2. sustained events/s (file create+unlink storms, 3 s each, 16 MiB ring)")
    print("   %-10s %12s %12s %10s" % ("writers", "events", "events/s", "dropped"))
    for width in (1, 2, 4):
        ag = Agent("--collect", "file")
        d = tempfile.mkdtemp(dir=tmp)
        t = time.monotonic()
        ps = [subprocess.Popen([TRIG, "storm", d, "3"], stdout=subprocess.DEVNULL)
              for _ in range(width)]
        for p in ps:
            p.wait()
        secs = time.monotonic() - t
        sent, drop = counters(ag.stop())
        print("   %-10d %12d %12.0f %10d" % (width, sent, sent / secs, drop))


def exec_storm():
    # 3. agent CPU and memory under an exec storm
    ag = Agent()
    c0, t0 = ag.cpu(), time.monotonic()
    rss = []
    anon = []
    ps = [subprocess.Popen([TRIG, "forkexec", "100000"]) for _ in range(2)]
    end = time.monotonic() + 5
    while time.monotonic() < end:
        v = ag.rss()
        rss.append(v[0])
        anon.append(v[1])
        time.sleep(0.1)
    for p in ps:
        p.kill()
        p.wait()
    c1, t1 = ag.cpu(), time.monotonic()
    hwm = ag.rss()[2]
    sent, drop = counters(ag.stop())
    print("\n3. agent under a fork+exec storm (5 s, two looping processes, whole machine)")
    print("   CPU %.1f%% of one core for %.0f records/s (%.1f us per record), dropped %d" % (
          100 * (c1 - c0) / (t1 - t0), sent / (t1 - t0), (c1 - c0) / max(sent, 1) * 1e6, drop))
    print("   RSS %.1f MiB (max %.1f), of which anonymous %.1f MiB (max %.1f); the rest: the "
          "binary, libraries and the mapped ring buffer; VmHWM %.1f MiB" % (statistics.median(rss), max(rss),
                                                  statistics.median(anon), max(anon), hwm))


def latency(poll):
    ag = Agent("--poll-ms", poll)
    lat = []
    f = None
    for i in range(LAT_N):
        mark = "sgl-marker-exec-lat-%d" % i
        time.sleep(random.uniform(0, 0.06))
        t = time.monotonic()
        subprocess.Popen(["/bin/true", mark]).wait()
        while True:
            if f is None and os.path.exists(ag.alerts):
                f = open(ag.alerts)
            line = f.readline() if f else ""
            if line and mark in line:
                lat.append(time.monotonic() - t)
                break
            if not line:
                if time.monotonic() - t > 5:
                    lat.append(float("inf"))
                    break
                time.sleep(0.0005)
    ag.stop()
    ms = [x * 1000 for x in lat]
    print("\n4. exec-to-alert latency, %d execs at random times (spawn to the alert line on "
          "disk; --poll-ms %s, --wakeup-kb 64)" % (LAT_N, poll))
    print("   p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms" % (pct(ms, 50), pct(ms, 90),
          pct(ms, 99), max(ms)))


try:
    main()
finally:
    for a in running:
        if a.p.poll() is None:
            a.p.kill()
            a.p.wait()
    subprocess.run(["rm", "-rf", tmp])
EOF
