#!/usr/bin/env python3
"""Checks make bench's own arithmetic and report without running a guest:
table 10's parser on a boot section as tests/linux/run.sh keeps it, its
medians and ratios, the target's verdict, and that a run without /dev/kvm
says which tables it did not measure instead of failing or leaving them
out silently. A figure the bench prints wrong would mislead every reader
of bench/results.md, so its code is tested like the VMM's."""

import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
import linux_boot  # noqa: E402
import report  # noqa: E402

PASS = FAIL = 0


def check(name, cond, detail=""):
    global PASS, FAIL
    if cond:
        PASS += 1
        print(f"ok   {name}")
    else:
        FAIL += 1
        print(f"FAIL {name}: {detail}")


def boot_text(init_s, status=0, exits=30000, io=29000, hlt=900, img="vmlinux", entry="pvh", smp=1):
    return "\n".join([
        f"--- {entry} smp {smp} transcript",
        "0.500 [    0.000000] Linux version 6.1.0",
        f"{init_s:.3f} LINUX-INIT: release 6.1.0-57-amd64",
        f"{init_s + 0.1:.3f} LINUX-INIT: 1 cpus online (0)",
        f"--- {entry} smp {smp} stderr",
        "--- kvm-vmm statistics ---",
        f"{img}: reboot, {exits} exits to user space",
        f"  IO               {io:10d}",
        f"  HLT              {hlt:10d}",
        f"  port 0x03fd COM1 LSR                   {io:10d} in          0 out",
        "  time: set-up 1.000 ms, guest run 9000.000 ms, teardown 1.000 ms",
        f"{img}: RAM 262144 KiB, host mapping 2 MiB-aligned, huge pages advised",
        "wall time: 9000.000 ms",
        f"--- {entry} smp {smp} status {status}", ""])


with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "boot-1.txt")
    with open(path, "w") as f:
        f.write(boot_text(4.25))
    b = linux_boot.parse_boot(path)
    check("parse: time to init is the first LINUX-INIT stamp", b["init_s"] == 4.25, b)
    check("parse: status, total exits", b["status"] == 0 and b["exits"] == 30000, b)
    check("parse: exits by reason, port lines not taken for reasons", b["by_reason"] == {"IO": 29000, "HLT": 900}, b)
    check("parse: a missing boot is None", linux_boot.parse_boot(os.path.join(tmp, "nope")) is None)

# Plan: every configuration once a round, rounds alternated.
p = linux_boot.plan(2)
check("plan: 12 kvm-vmm and 4 QEMU configurations a round, 2 rounds",
      len(p) == 32 and p[:16] == p[16:] and len(set(p)) == 16 and sum(e.startswith("qemu-") for e, _, _ in p[:16]) == 4, p)
check("plan: without the peer, kvm-vmm's 12 only", len(linux_boot.plan(1, peer=False)) == 12)
check("plan: boot words as run.sh reads them",
      linux_boot.boot_word("pvh", 2, False) == "pvh:2:unaligned" and linux_boot.boot_word("bzimage", 1, True) == "bzimage:1")

# Summary: medians, failures left out and counted, ratios against bzImage unaligned.
def parsed(entry, smp, aligned, init_s, status=0):
    return ((entry, smp, aligned), {"init_s": init_s, "status": status, "exits": 100, "by_reason": {"IO": 90, "HLT": 10}})

boots = [parsed("bzimage", 1, False, t) for t in (10.0, 12.0, 11.0)] + \
        [parsed("pvh", 1, True, t) for t in (4.0, 5.0, 4.5)] + [parsed("pvh", 1, True, 3.0, status=124)] + \
        [(("elf64", 1, True), None)]
boots += [(("qemu-pvh", 1, True), {"init_s": t, "status": 0, "exits": None, "by_reason": {}}) for t in (6.0, 9.0)]
rows = linux_boot.summarise(boots)
linux_boot.ratios(rows)
by = {(r["entry"], r["smp"], r["aligned"]): r for r in rows}
check("summary: median, min, max", by[("bzimage", 1, False)]["init_s"] == [11.0, 10.0, 12.0], by[("bzimage", 1, False)])
check("summary: a failed boot is counted, not timed", by[("pvh", 1, True)]["n"] == 3 and by[("pvh", 1, True)]["failed"] == 1)
check("summary: a boot with no output is a failure", by[("elf64", 1, True)]["n"] == 0 and by[("elf64", 1, True)]["failed"] == 1)
check("ratio: against the bzImage with unaligned RAM", abs(by[("pvh", 1, True)]["vs_bzimage_unaligned"] - 4.5 / 11.0) < 1e-9)
lx = {"rounds": 3, "rows": rows, "lane_status": 1, "checks": [10, 2]}
t = linux_boot.target(lx)
check("target: met at 0.41x", t is not None and t[2] and "0.41x at 1 vCPU" in t[1], t)
md = "\n".join(linux_boot.render(lx, report.fmt))
check("table 10: a row with its failures", "| vmlinux, PVH entry | 1 | 2 MiB-aligned | 3 (1 failed) | 4.50 (4.00-5.00) | 0.41x |" in md, md)
check("table 10: exits by reason", "IO 90, HLT 10" in md, md)
check("table 10: the lane's checks", "10 passed, 2 failed" in md, md)
check("table 10: results from before say all boots shared one lane", "alternated, all in one lane." in md, md)
md2 = "\n".join(linux_boot.render(dict(lx, lane_cpus=2), report.fmt))
check("table 10: each boot in a fresh lane with its CPUs", "alternated; each boot in a lane of its own (a fresh QEMU with 2 CPUs)" in md2, md2)
check("measure: a fresh lane a boot, a lane CPU a vCPU",
      linux_boot.LANE == {"LINUX_LANE_PER_BOOT": "1", "NESTED_CPUS": str(max(linux_boot.SMPS))}, linux_boot.LANE)
check("table 10: QEMU's row, no exits of its own", "| QEMU microvm: vmlinux, PVH entry | 1 | QEMU's | 2 | 7.50 (6.00-9.00) | 0.68x | - | - |" in md, md)
check("table 10: kvm-vmm against QEMU, same entry", "vmlinux, PVH entry at 1 vCPU: kvm-vmm 4.50 s, QEMU 7.50 s (0.60x QEMU's time)" in md, md)
lane_out = ("ok   vmlinux pvh --smp 2 (boot 1): status 0 after reboot -f\n"
            "FAIL vmlinux pvh --smp 2 (boot 2): not 2 CPUs online: \n"
            "FAIL nested lane for boot 3 (pvh:2): status 125: why\n"
            "FAIL vmlinux pvh --smp 2 (boot 12): no 'reboot: Restarting system'\n")
check("failed boots: those the lane's checks failed", linux_boot.failed_boots(lane_out) == {2, 12},
      linux_boot.failed_boots(lane_out))
marked = linux_boot.mark_failed([parsed("pvh", 2, True, t) for t in (4.0, 5.0)] + [(("pvh", 2, True), None)], {2, 3})
rows2 = {(r["entry"], r["smp"], r["aligned"]): r for r in linux_boot.summarise(marked)}
check("summary: a boot that reached init but failed a lane check is a failure, not a sample",
      rows2[("pvh", 2, True)]["n"] == 1 and rows2[("pvh", 2, True)]["failed"] == 2
      and rows2[("pvh", 2, True)]["init_s"] == [4.0, 4.0, 4.0], rows2)
slow = linux_boot.summarise([parsed("bzimage", 1, False, 10.0), parsed("pvh", 1, True, 6.0)])
linux_boot.ratios(slow)
check("target: missed at 0.60x", linux_boot.target({"rows": slow})[2] is False)

# The lane's mbtest rows: kvm-vmm as it runs, then with huge pages, then QEMU's.
import qemu_lane  # noqa: E402
cmds = qemu_lane.commands()
check("QEMU in the lane: kvm-vmm's rows first, by default then with --huge-pages=on",
      [c[1:] for c in cmds[:qemu_lane.VMM_ROWS]] == [("", "./kvm-vmm mbtest.elf"),
                                                     ("", "./kvm-vmm --huge-pages=on mbtest.elf")], cmds)
check("QEMU in the lane: the rest are QEMU's", len(cmds) > qemu_lane.VMM_ROWS and
      all(c[2].startswith("./qemu/qemu-system-x86_64 ") for c in cmds[qemu_lane.VMM_ROWS:]), cmds)

# A run without /dev/kvm: host tables say why, the rest is reported.
res = {"machine": {"host": "h", "kernel": "k", "cpus": 2, "kvm": "unknown", "date": "2026-12-02T00:00:00+00:00"},
       "runs": 21, "bench_seconds": 1.0, "host_kvm_missing": "no /dev/kvm on this machine",
       "real_mode": None, "parallel": None, "setup": None, "exit_cost": None, "floor": None,
       "output_paths": None, "throughput": None, "compute": None, "os1k": None,
       "qemu": {"rows": [{"machine": "pc", "accel": "tcg", "wall_ms": [140.0, 130.0, 150.0], "rss_mb": [50.0, 49.0, 51.0]},
                         {"machine": "microvm", "accel": "tcg", "wall_ms": [90.0, 85.0, 99.0], "rss_mb": [42.0, 42.0, 43.0]}],
                "best": 1, "vmm_missing": "no /dev/kvm on this machine: kvm-vmm and QEMU with KVM were not timed"},
       "linux": lx,
       "qemu_lane": {"rounds": 11, "best": 2, "wall_ratio": 4.0, "rss_ratio": 30.0, "rows": [
           {"name": "kvm-vmm", "n": 11, "wall_ms": [50.0, 40.0, 60.0], "rss_mb": [1.0, 1.0, 1.1]},
           {"name": "qemu-system-x86_64 -M pc -accel kvm", "n": 11, "error": "ended with status [1], not 33"},
           {"name": "qemu-system-x86_64 -M microvm -accel kvm", "n": 11, "wall_ms": [200.0, 190.0, 230.0],
            "rss_mb": [30.0, 30.0, 31.0]}]}}
with tempfile.TemporaryDirectory() as out:
    report.write_report(res, out)
    md = open(os.path.join(out, "results.md")).read()
    check("no /dev/kvm: said once at the top", md.count("**This run had no /dev/kvm on this machine**") == 1, md[:600])
    check("no /dev/kvm: each host table says it was not measured", md.count("Not measured: no /dev/kvm on this machine") == 9, md)
    check("QEMU: the best row in bold", "| **qemu-system-x86_64 -M microvm -accel tcg** | 90.00 (85.00-99.00) |" in md, md)
    check("QEMU: kvm-vmm's row missing, and why", "kvm-vmm not timed: no /dev/kvm" in md, md)
    check("QEMU in the lane: kvm-vmm's row", "| kvm-vmm | 11 | 50.00 (40.00-60.00) | 1.00 (1.00-1.10) |" in md, md)
    check("QEMU in the lane: a failed configuration says why", "| qemu-system-x86_64 -M pc -accel kvm | 11 | ended with status [1], not 33 | |" in md, md)
    check("QEMU in the lane: the best in bold, the ratio", "| **qemu-system-x86_64 -M microvm -accel kvm** | 11 |" in md
          and "QEMU's best takes 4.0x kvm-vmm's time and 30.0x its memory." in md, md)
    check("targets: the Linux row only", "| Linux to init, vmlinux PVH entry" in md and "minimal guest wall" not in md, md)
    if report.shutil.which("gnuplot"):
        svg = os.path.join(out, "chart.svg")
        check("chart: Linux panels drawn", os.path.exists(svg) and "Linux to init, nested lane" in open(svg).read())
    else:
        print("skip chart: Linux panels drawn (no gnuplot here; make bench installs it)")
    json.dumps(res)  # what bench.py writes must stay JSON

# Tables 5 and 6 on the nested lane: the script, its parser, the ratios.
import floor_lane  # noqa: E402
sh = floor_lane.script(2, 1)
check("floor lane: bare, kvm-vmm and --no-sandbox minimal.bin under runstat, 3 rounds with the warm-up",
      all(f'$(./runstat 1 {c})' in sh for _, c in floor_lane.FLOOR_CMDS) and "-lt 3 ]" in sh, sh)
check("floor lane: each kvm-vmm exit run leaves its --stats-json total, and bare its own line",
      sh.count("--stats-json stats.json outloop.bin") == 3 * 4 and "--trace trace.json --stats-json" in sh
      and "./bare out 20000" in sh, sh)
arms = sh.split("\t\t;;")
firsts = [a.split("\n\t\t")[1].split("$(")[1][:40] for a in arms[:3]]
check("floor lane: each round's order rotated, so each configuration runs first in turn",
      len(set(firsts)) == 3 and "case $(($i % 3)) in" in sh and "case $(($i % 4)) in" in sh, firsts)


def lane_text(walls=((40, 50, 48), (41, 52, 47)), exit_ns=(46000, 43000, 48000), bare_ns=41000, fail=False):
    out = []
    for rnd in range(len(walls) + 1):
        w = walls[max(rnd - 1, 0)]
        for k, wall in enumerate(w):
            rss = 700 if k == 0 else 1000
            status = 1 if fail and k == 1 else 0
            out.append(f"FLOOR {rnd} {k} wall_us {wall * 1000} {wall * 1000} {wall * 1000} "
                       f"rss_kb {rss} {rss} {rss} status {status}")
        for k, ns in enumerate(exit_ns):
            out.append(f'EXIT {rnd} {k}   "total": {{"exits": 20001, "exits_by_reason": {{"IO": 20000}}, '
                       f'"setup_ns": 5, "run_ns": {ns * 20001}, "teardown_ns": 6}},')
        out.append(f"BARE {rnd} 20000 exits, {bare_ns} ns per exit")
    return "\n".join(out) + "\n"


floor, exits = floor_lane.parse(lane_text())
check("floor lane: round 0 left out", len(floor["vmm"]["wall_ms"]) == 2 and len(exits["bare"]) == 2, (floor, exits))
lane = floor_lane.summarise(floor, exits)
check("floor lane: the floor's ratios from the medians",
      abs(lane["floor"]["wall_ratio"] - 51 / 40.5) < 1e-9 and abs(lane["floor"]["rss_ratio"] - 1000 / 700) < 1e-9,
      lane["floor"])
check("floor lane: ns per exit is run_ns over the exits; ratios against bare and the untraced run",
      abs(lane["exit_cost"]["vmm_ns"][0] - 46000) < 1e-6 and abs(lane["exit_cost"]["ratio"] - 46000 / 41000) < 1e-9
      and abs(lane["exit_cost"]["ratio_trace"] - 48000 / 46000) < 1e-9, lane["exit_cost"])
floor, exits = floor_lane.parse(lane_text(fail=True))
check("floor lane: a run with a status other than 0 is counted, not timed",
      floor["vmm"]["failed"] == 3 and "error" in floor_lane.summarise(floor, exits), floor["vmm"])
check("floor lane: nothing from the lane is an error naming what is missing",
      floor_lane.summarise(*floor_lane.parse("lane: FAILED"))["error"].startswith("the lane gave no sample of bare"))
lane.update(floor_rounds=2, exit_rounds=1)
res2 = dict(res, floor_lane=lane)
with tempfile.TemporaryDirectory() as out:
    report.write_report(res2, out)
    md = open(os.path.join(out, "results.md")).read()
    check("floor lane: tables 5 and 6 still say the host did not measure them, then give the lane's",
          md.count("Not measured: no /dev/kvm on this machine") == 9 and md.count("Measured instead on the nested lane") == 2
          and "| kvm-vmm --no-sandbox minimal.bin |" in md and "| bare KVM loop (bench/bare.c) | 41000 " in md, md)
    check("floor lane: its targets, marked as the lane's",
          "| minimal guest peak RSS <= 1.05x the bare floor's (nested lane) | 1.43x (0.98 vs 0.68 MB) | **MISSED** |" in md
          and "| per-exit cost with --trace <= 2x the untraced exit (nested lane) | 1.04x" in md, md)
res2["floor_lane"] = {"error": "the lane gave no sample of bare (lane status 125: x)"}
with tempfile.TemporaryDirectory() as out:
    report.write_report(res2, out)
    md = open(os.path.join(out, "results.md")).read()
    check("floor lane: a failed lane run is said in both tables, and no target is claimed",
          md.count("The nested lane's run of it failed: the lane gave no sample of bare") == 2
          and "minimal guest" not in md and "per-exit" not in md, md)

print(f"bench-report: {PASS} passed, {FAIL} failed")
sys.exit(1 if FAIL else 0)
