#!/usr/bin/env python3
"""make bench: measures kvm-vmm against the floor of this machine's KVM and
writes bench/results.md, bench/results.json and bench/chart.svg.

Every figure is a median over several runs after a warm-up, shown with its
min and max. Whole-process wall time and peak RSS come from build/runstat
(fork, exec, wait4), not from the VMM's own report."""

import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from figures import MBTEST_STATUS, QEMU_MACHINES, mmm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
VMM = os.path.join(BUILD, "kvm-vmm")
GUESTS = os.path.join(BUILD, "guests")
TOOL = {name: os.path.join(BUILD, name) for name in ("runstat", "bare", "native", "setup-steps")}
RUNS = int(os.environ.get("BENCH_RUNS", "21"))
REAL_GUESTS = ["minimal", "hello", "counter", "multiplication", "fibonacci", "matrix", "hctest"]


def guest(name):
    for sub in ("", "test"):
        for ext in (".bin", ".elf"):
            path = os.path.join(GUESTS, sub, name + ext)
            if os.path.exists(path):
                return path
    raise SystemExit(f"bench: guest {name} is not built")


def runstat(cmd, runs=RUNS, stdin=None):
    """Median/min/max wall (ms) and peak RSS (MB) of a whole process."""
    base = [TOOL["runstat"]] + (["-i", stdin] if stdin else [])
    if runs > 1:
        subprocess.run(base + ["1"] + cmd, check=True, capture_output=True)  # warm-up
    out = subprocess.run(base + [str(runs)] + cmd, check=True, capture_output=True, text=True).stdout.split()
    wall = [int(v) / 1000 for v in out[1:4]]
    rss = [int(v) / 1024 for v in out[5:8]]
    return {"wall_ms": wall, "rss_mb": rss, "status": int(out[9])}


def vmm_stats(args, stdin=None):
    """The VMM's own --stats-json report of one run."""
    with tempfile.NamedTemporaryFile(suffix=".json") as f, open(stdin or os.devnull) as inp:
        subprocess.run([VMM, "--stats-json", f.name] + args, stdin=inp,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return json.load(f)


def kvm_backend():
    if os.path.isdir("/sys/module/kvm_pvm"):
        return "kvm-pvm (software KVM: real mode and ring 0 emulated)"
    with open("/proc/cpuinfo") as f:
        flags = f.read()
    if " vmx" in flags:
        return "hardware (Intel VT-x)"
    if " svm" in flags:
        return "hardware (AMD SVM)"
    return "unknown"


def table_real_mode():
    rows = []
    for name in REAL_GUESTS:
        path = guest(name)
        r = runstat([VMM, path])
        r.update(name=name, size=os.path.getsize(path), exits=vmm_stats([path])["total"]["exits"])
        rows.append(r)
    return rows


def os1k_programs():
    kernel = os.path.join(BUILD, "os1k", "kernel-x86_64.elf")
    golden = os.path.join(ROOT, "tests", "golden", "os1k")
    if not os.path.exists(kernel) or not os.path.isdir(golden):
        return None, []
    inputs = sorted(f for f in os.listdir(golden) if f.startswith("prog") and f.endswith(".in")
                    and "i386" not in f)
    rows = []
    for name in inputs:
        stdin = os.path.join(golden, name)
        r = runstat([VMM, kernel], runs=7, stdin=stdin)
        r.update(name=name[:-3], exits=vmm_stats([kernel], stdin=stdin)["total"]["exits"])
        rows.append(r)
    return kernel, rows


def os1k_idle(kernel):
    """Host CPU used per second of wall time while the OS waits at its prompt."""
    proc = subprocess.Popen([VMM, kernel], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # boot and reach the prompt

    def cpu_seconds():
        with open(f"/proc/{proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    c0, t0 = cpu_seconds(), time.monotonic()
    time.sleep(3.0)
    c1, t1 = cpu_seconds(), time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait()
    return (c1 - c0) / (t1 - t0)


def table_parallel():
    rows = []
    counter = guest("counter")
    for n in (1, 2, 4, 16):
        r = runstat([VMM] + [counter] * n, runs=11)
        r.update(guests=n, exits=vmm_stats([counter] * n)["total"]["exits"])
        rows.append(r)
    compute = guest("compute")
    one = runstat([VMM, compute], runs=5)
    two = runstat([VMM, compute, compute], runs=5)
    efficiency = one["wall_ms"][0] / two["wall_ms"][0]
    return {"counter": rows, "compute": {"one": one, "two": two, "efficiency": efficiency}}


def table_setup():
    out = subprocess.run([TOOL["setup-steps"], "31"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def table_exit_cost():
    """kvm-vmm with its sandbox (the default: every KVM_RUN passes the
    seccomp filter), without it, with --trace recording every exit, and
    the bare loop, run by run. The trace file is written after the run,
    so run_ns is the exit path alone."""
    loop = guest("outloop")
    vmm_ns, open_ns, trace_ns, bare_ns = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        trace = os.path.join(tmp, "trace.json")
        for _ in range(7):
            s = vmm_stats([loop])["total"]
            vmm_ns.append(s["run_ns"] / s["exits"])
            s = vmm_stats(["--no-sandbox", loop])["total"]
            open_ns.append(s["run_ns"] / s["exits"])
            s = vmm_stats(["--trace", trace, loop])["total"]
            trace_ns.append(s["run_ns"] / s["exits"])
            out = subprocess.run([TOOL["bare"], "out", "20000"], check=True, capture_output=True, text=True)
            bare_ns.append(float(out.stdout.split()[2]))
    return {"vmm_ns": mmm(vmm_ns), "no_sandbox_ns": mmm(open_ns), "trace_ns": mmm(trace_ns),
            "bare_ns": mmm(bare_ns),
            "ratio": statistics.median(vmm_ns) / statistics.median(bare_ns),
            "ratio_no_sandbox": statistics.median(open_ns) / statistics.median(bare_ns),
            "ratio_trace": statistics.median(trace_ns) / statistics.median(vmm_ns)}


def interleaved(cmds, rounds):
    """runstat of several commands, alternating run by run so that a noisy
    moment of a shared machine falls on all of them alike."""
    samples = [{"wall_ms": [], "rss_mb": []} for _ in cmds]
    for cmd in cmds:
        runstat(cmd, runs=1)  # warm-up
    for _ in range(rounds):
        for cmd, acc in zip(cmds, samples):
            r = runstat(cmd, runs=1)
            acc["wall_ms"].append(r["wall_ms"][0])
            acc["rss_mb"].append(r["rss_mb"][0])
    return [{"wall_ms": mmm(a["wall_ms"]), "rss_mb": mmm(a["rss_mb"])} for a in samples]


def table_floor():
    bare, vmm, no_sandbox = interleaved([[TOOL["bare"], "hlt"], [VMM, guest("minimal")],
                                         [VMM, "--no-sandbox", guest("minimal")]], rounds=41)
    return {"bare": bare, "vmm": vmm, "no_sandbox": no_sandbox,
            "wall_ratio": vmm["wall_ms"][0] / bare["wall_ms"][0],
            "rss_ratio": vmm["rss_mb"][0] / bare["rss_mb"][0],
            "wall_ratio_no_sandbox": no_sandbox["wall_ms"][0] / bare["wall_ms"][0]}


def table_output_paths():
    rows = []
    for label, name, flags in (("UART THR writes", "multiplication-uart", []),
                               ("UART THR writes, coalesced", "multiplication-uart", ["--coalesced-io"]),
                               ("PUTCHAR hypercalls", "multiplication", []),
                               ("one PUTS hypercall", "multiplication-puts", [])):
        path = guest(name)
        s = vmm_stats(flags + [path])["total"]
        r = runstat([VMM] + flags + [path])
        r.update(path=label, guest=name + "".join(flags), exits=s["exits"], run_ms=s["run_ns"] / 1e6)
        rows.append(r)
    return rows


def table_throughput():
    rows = []
    for name, count in (("minimal", 200), ("multiplication", 50)):
        path = guest(name)
        t0 = time.monotonic()
        for _ in range(count):
            subprocess.run([VMM, path], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
        rows.append({"name": name, "runs": count, "per_second": count / (time.monotonic() - t0)})
    return rows


def table_compute():
    vm = runstat([VMM, guest("compute")], runs=5)
    native = runstat([TOOL["native"]], runs=5)
    same = (subprocess.run([VMM, guest("compute")], capture_output=True, text=True).stdout ==
            subprocess.run([TOOL["native"]], capture_output=True, text=True).stdout)
    return {"vm": vm, "native": native, "ratio": vm["wall_ms"][0] / native["wall_ms"][0], "same_result": same}


def qemu_comparison(host_kvm):
    """QEMU's machines (figures.QEMU_MACHINES) on the same multiboot
    kernel, with KVM where this machine has /dev/kvm, and with QEMU's own
    emulator (TCG), which needs none."""
    qemu = shutil.which("qemu-system-x86_64")
    if not qemu:
        return None
    rows = []
    for accel in (["kvm"] if host_kvm else []) + ["tcg"]:
        for label, machine in QEMU_MACHINES:
            cmd = [qemu, "-M", machine, "-accel", accel, "-kernel", guest("mbtest"), "-display", "none",
                   "-nodefaults", "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-m", "64"]
            row = {"machine": label, "accel": accel, "command": " ".join(["qemu-system-x86_64"] + cmd[1:])}
            probe = subprocess.run(cmd, capture_output=True, timeout=120)
            if probe.returncode != MBTEST_STATUS:
                row["error"] = f"ended with status {probe.returncode}, not {MBTEST_STATUS}"
            else:
                row.update(runstat(cmd, runs=5 if machine == "pc" else 11))
            rows.append(row)
    res = {"rows": rows}
    timed = [r for r in rows if "wall_ms" in r]
    if timed:
        res["best"] = rows.index(min(timed, key=lambda r: r["wall_ms"][0]))
    if not host_kvm:
        res["vmm_missing"] = "no /dev/kvm on this machine: kvm-vmm and QEMU with KVM were not timed"
        return res
    v = runstat([VMM, guest("mbtest")], runs=21)
    res["vmm"] = v
    if timed:
        best = rows[res["best"]]
        res["wall_ratio"] = best["wall_ms"][0] / v["wall_ms"][0]
        res["rss_ratio"] = best["rss_mb"][0] / v["rss_mb"][0]
    return res


def linux_boot():
    """Table 10 (bench/linux_boot.py): the nested lane, no /dev/kvm needed."""
    if os.environ.get("BENCH_LINUX", "1") == "0":
        return None
    import linux_boot as lb
    return lb.measure(ROOT, os.path.join(BUILD, "static", "kvm-vmm"), int(os.environ.get("BENCH_LINUX_RUNS", "5")))


def qemu_in_lane():
    """kvm-vmm and QEMU on one real KVM (bench/qemu_lane.py)."""
    if os.environ.get("BENCH_LINUX", "1") == "0":
        return None
    import qemu_lane
    return qemu_lane.measure(ROOT, BUILD)


def floor_in_lane():
    """Tables 5 and 6 on the nested lane's KVM (bench/floor_lane.py), for a
    machine whose own KVM cannot run them."""
    if os.environ.get("BENCH_LINUX", "1") == "0":
        return None
    import floor_lane
    return floor_lane.measure(ROOT, BUILD)


def host_kvm_missing():
    """Why this machine's own KVM cannot be measured, or None."""
    if not os.path.exists("/dev/kvm"):
        return "no /dev/kvm on this machine"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "/dev/kvm is not readable and writable by this user"
    return None


def main():
    started = time.monotonic()
    res = {
        "machine": {"host": platform.node(), "kernel": platform.release(), "cpus": os.cpu_count(),
                    "kvm": kvm_backend(), "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")},
        "runs": RUNS,
    }
    missing = host_kvm_missing()
    res["host_kvm_missing"] = missing
    host_steps = [("real_mode", table_real_mode), ("parallel", table_parallel), ("setup", table_setup),
                  ("exit_cost", table_exit_cost), ("floor", table_floor), ("output_paths", table_output_paths),
                  ("throughput", table_throughput), ("compute", table_compute)]
    steps = ([] if missing else host_steps) + [("qemu", lambda: qemu_comparison(not missing)),
                                               ("qemu_lane", qemu_in_lane), ("linux", linux_boot)]
    res["floor_lane"] = None
    if missing:
        steps.append(("floor_lane", floor_in_lane))
        print(f"bench: {missing}: only QEMU's emulator rows and the nested lane's tables (kvm-vmm against "
              "QEMU, the exit's cost and the floor, Linux) run", flush=True)
    for key, _ in host_steps:
        res[key] = None
    for key, fn in steps:
        print(f"bench: {key} ...", flush=True)
        res[key] = fn()
    res["os1k"] = None
    if not missing:
        kernel, rows = os1k_programs()
        res["os1k"] = {"programs": rows, "idle_cpu": os1k_idle(kernel) if kernel else None}
    res["bench_seconds"] = time.monotonic() - started
    with open(os.path.join(ROOT, "bench", "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    from report import write_report  # bench/report.py: markdown and chart
    write_report(res, os.path.join(ROOT, "bench"))
    print(f"bench: wrote bench/results.md in {res['bench_seconds']:.0f} s")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
