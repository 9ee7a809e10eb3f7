"""Tables 5 and 6 where this machine has no KVM of its own: the floor (the
1-byte HLT guest, whole process, kvm-vmm against bench/bare.c) and the cost
of a port-I/O exit (20,000 OUTs: kvm-vmm with its sandbox, without it, with
--trace, against the bare loop), on the real SVM KVM of the nested lane
(tests/nested/), run by run alternated, in an order rotated each round.
Every exit there goes through QEMU's emulator, so absolute times are the
lane's; the ratios are what this measures. It is a real KVM, not a hardware
one: the report says so, and the host tables stay "not measured"."""

import os
import re
import shutil
import statistics
import subprocess

from figures import lane_payload_dir, mmm

FLOOR_CMDS = [("bare", "./bare hlt"), ("vmm", "./kvm-vmm minimal.bin"),
              ("no_sandbox", "./kvm-vmm --no-sandbox minimal.bin")]
# kvm-vmm's configurations of the exit loop; bare's line is added to each round.
EXIT_CMDS = [("vmm", ""), ("no_sandbox", "--no-sandbox"), ("trace", "--trace trace.json")]
OUTS = 20000


def payload(root, build, work):
    """Static kvm-vmm, bare and runstat (the lane has no C library), and
    the two guests."""
    lane_payload_dir(root, work)
    shutil.copy(os.path.join(build, "static", "kvm-vmm"), work)
    shutil.copy(os.path.join(build, "bare"), work)
    for g in ("minimal.bin", os.path.join("test", "outloop.bin")):
        shutil.copy(os.path.join(build, "guests", g), work)
    return work


def rotated(lines, i):
    """The shell lines of one round in each order rotated by the round's
    number, so that no configuration always runs right after the same one
    (and pays for what that one left behind in the lane's kernel)."""
    n = len(lines)
    arms = [f"\t{k})\n" + "".join(f"\t\t{lines[(k + j) % n]}\n" for j in range(n)) + "\t\t;;"
            for k in range(n)]
    return [f"\tcase $(({i} % {n})) in"] + arms + ["\tesac"]


def script(floor_rounds, exit_rounds):
    """The lane's shell script: round 0 of each loop warms up. Each kvm-vmm
    run of the exit loop leaves its --stats-json total on one line."""
    floor = [f'echo "FLOOR $i {k} $(./runstat 1 {cmd})"' for k, (_, cmd) in enumerate(FLOOR_CMDS)]
    exits = [f"./kvm-vmm {opt + ' ' if opt else ''}--stats-json stats.json outloop.bin >/dev/null"
             f' && echo "EXIT $i {k} $(grep \'"total"\' stats.json)"' for k, (_, opt) in enumerate(EXIT_CMDS)]
    exits.append(f'echo "BARE $i $(./bare out {OUTS})"')
    s = ["i=0", f"while [ $i -lt {floor_rounds + 1} ]; do"] + rotated(floor, "$i")
    s += ["\ti=$((i + 1))", "done", "i=0", f"while [ $i -lt {exit_rounds + 1} ]; do"] + rotated(exits, "$i")
    s += ["\ti=$((i + 1))", "done"]
    return "\n".join(s) + "\n"


RUNSTAT = re.compile(r"^FLOOR (\d+) (\d+) wall_us (\d+) \d+ \d+ rss_kb (\d+) \d+ \d+ status (\d+)", re.M)
TOTAL = re.compile(r'^EXIT (\d+) (\d+) .*"total": \{"exits": (\d+),.*"run_ns": (\d+)', re.M)
BARE = re.compile(r"^BARE (\d+) (\d+) exits, (\d+) ns per exit", re.M)


def parse(text):
    """Samples of each configuration from the lane's output; round 0 and
    runs that did not end with status 0 are left out and counted."""
    floor = {name: {"wall_ms": [], "rss_mb": [], "failed": 0} for name, _ in FLOOR_CMDS}
    for m in RUNSTAT.finditer(text):
        rnd, k, wall_us, rss_kb, status = map(int, m.groups())
        acc = floor[FLOOR_CMDS[k][0]]
        if status != 0:
            acc["failed"] += 1
        elif rnd:
            acc["wall_ms"].append(wall_us / 1000)
            acc["rss_mb"].append(rss_kb / 1024)
    exits = {name: [] for name, _ in EXIT_CMDS}
    exits["bare"] = []
    for m in TOTAL.finditer(text):
        rnd, k, n, run_ns = map(int, m.groups())
        if rnd and n:
            exits[EXIT_CMDS[k][0]].append(run_ns / n)
    for m in BARE.finditer(text):
        rnd, n, ns = map(int, m.groups())
        if rnd and n == OUTS:  # bare counts the OUTs, not the HLT
            exits["bare"].append(float(ns))
    return floor, exits


def summarise(floor, exits):
    """The figures and ratios tables 5 and 6 print, or an error naming
    what the lane did not give."""
    missing = [n for n, a in floor.items() if not a["wall_ms"]] + [n for n, a in exits.items() if not a]
    if missing:
        return {"error": f"the lane gave no sample of {', '.join(missing)}"}
    f = {n: {"wall_ms": mmm(a["wall_ms"]), "rss_mb": mmm(a["rss_mb"]), "n": len(a["wall_ms"]),
             "failed": a["failed"]} for n, a in floor.items()}
    med = {n: statistics.median(a) for n, a in exits.items()}
    return {
        "floor": dict(f, wall_ratio=f["vmm"]["wall_ms"][0] / f["bare"]["wall_ms"][0],
                      rss_ratio=f["vmm"]["rss_mb"][0] / f["bare"]["rss_mb"][0],
                      wall_ratio_no_sandbox=f["no_sandbox"]["wall_ms"][0] / f["bare"]["wall_ms"][0]),
        "exit_cost": {"vmm_ns": mmm(exits["vmm"]), "no_sandbox_ns": mmm(exits["no_sandbox"]),
                      "trace_ns": mmm(exits["trace"]), "bare_ns": mmm(exits["bare"]),
                      "n": len(exits["vmm"]),
                      "ratio": med["vmm"] / med["bare"], "ratio_no_sandbox": med["no_sandbox"] / med["bare"],
                      "ratio_trace": med["trace"] / med["vmm"]},
    }


def measure(root, build, floor_rounds=41, exit_rounds=7):
    work = payload(root, build, os.path.join(build, "bench-floor-lane"))
    with open(os.path.join(work, "run.sh"), "w") as f:
        f.write(script(floor_rounds, exit_rounds))
    out = subprocess.run([os.path.join(root, "tests", "nested", "run-lane.sh"), work, "sh", "./run.sh"],
                         capture_output=True, text=True, timeout=1800,
                         env=dict(os.environ, NESTED_TIMEOUT="900"))
    res = summarise(*parse(out.stdout))
    if "error" in res:
        tail = " | ".join((out.stdout + out.stderr).strip().splitlines()[-3:])
        res["error"] += f" (lane status {out.returncode}: {tail})"
    else:
        res.update(floor_rounds=floor_rounds, exit_rounds=exit_rounds)
    return res
