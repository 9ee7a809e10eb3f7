"""Table 10 of make bench: Linux from the start of kvm-vmm to init's first
line, in the nested lane, for each way kvm-vmm can enter Debian's kernel
(the bzImage, and the vmlinux cut out of it through its PVH entry and its
64-bit ELF entry), at 1 and 2 vCPUs, with guest RAM 2 MiB-aligned (the
default) and off that alignment (MINIKVM_RAM_UNALIGNED=1, the layout kvm-vmm
had before), so that the table shows what each change buys; and the same
kernel and initramfs booted by QEMU (-M microvm -accel kvm, the bzImage and
the vmlinux's PVH entry) on the same KVM in the same rounds, the peer.

The boots are alternated round by round (every configuration once, then
again), so a slow moment of the emulator falls on all of them alike. Each
boot runs in a lane of its own, a fresh QEMU: in a lane that has already run
a guest, the next boot took up to twice as long (docs/linux.md), an
emulator effect that hardware does not have and that would add the same
seconds to every row. The lane's QEMU has 2 CPUs, one per vCPU of the
largest guest, as a host would give them. The lane is tests/linux/run.sh,
which checks each boot as the test lane does; this file reads the
transcript and --stats it keeps per boot."""

import os
import re
import statistics
import subprocess

from figures import mmm

ENTRIES = ("bzimage", "pvh", "elf64")
PEER_ENTRIES = ("qemu-bzimage", "qemu-pvh")
ENTRY_NAMES = {"bzimage": "bzImage", "pvh": "vmlinux, PVH entry", "elf64": "vmlinux, 64-bit ELF entry",
               "qemu-bzimage": "QEMU microvm: bzImage", "qemu-pvh": "QEMU microvm: vmlinux, PVH entry"}
SMPS = (1, 2)
# A fresh lane per boot, with a CPU for each vCPU (tests/linux/run.sh and
# tests/nested/run-lane.sh read these).
LANE = {"LINUX_LANE_PER_BOOT": "1", "NESTED_CPUS": str(max(SMPS))}


def plan(rounds, peer=True):
    """The boots in the order they run: (entry, vCPUs, aligned RAM); the
    peer's RAM is as QEMU maps it (listed as aligned: not varied)."""
    one_round = [(e, n, aligned) for e in ENTRIES for n in SMPS for aligned in (True, False)]
    if peer:
        one_round += [(e, n, True) for e in PEER_ENTRIES for n in SMPS]
    return [b for _ in range(rounds) for b in one_round]


def boot_word(entry, smp, aligned):
    return f"{entry}:{smp}" + ("" if aligned else ":unaligned")


def parse_boot(path):
    """Time to init, status and --stats exits of one boot's section of the
    lane's output (build/linux/boot-I.txt), or None where it is missing."""
    if not os.path.exists(path):
        return None
    with open(path, errors="replace") as f:
        lines = f.read().splitlines()
    boot = {"init_s": None, "status": None, "exits": None, "by_reason": {}}
    in_stats = False
    for line in lines:
        m = re.match(r"^([0-9.]+) LINUX-INIT: ", line)
        if m and boot["init_s"] is None:
            boot["init_s"] = float(m.group(1))
        m = re.match(r"^--- [a-z0-9-]+ smp [0-9]+ status ([0-9]+)$", line)
        if m:
            boot["status"] = int(m.group(1))
        m = re.match(r"^(?:bzImage|vmlinux): .*, ([0-9]+) exits to user space$", line)
        if m:
            boot["exits"] = int(m.group(1))
            in_stats = True
            continue
        m = re.match(r"^  ([A-Z_0-9]+) +([0-9]+)$", line)
        if in_stats and m:
            boot["by_reason"][m.group(1)] = int(m.group(2))
        elif in_stats and not line.startswith("  "):
            in_stats = False
    return boot


def summarise(boots):
    """Per configuration: n, failures, time to init and exits (median,
    min, max), and each exit reason's median count."""
    configs = {}
    for (entry, smp, aligned), boot in boots:
        c = configs.setdefault((entry, smp, aligned), {"entry": entry, "smp": smp, "aligned": aligned,
                                                       "samples": [], "failed": 0})
        # QEMU prints no --stats: only kvm-vmm's boots must have exits.
        counted = boot and (boot["exits"] is not None or entry in PEER_ENTRIES) and not boot.get("checks_failed")
        if counted and boot["status"] == 0 and boot["init_s"] is not None:
            c["samples"].append(boot)
        else:
            c["failed"] += 1
    rows = []
    for c in configs.values():
        s = c.pop("samples")
        c["n"] = len(s)
        if s:
            c["init_s"] = mmm([b["init_s"] for b in s])
            if all(b["exits"] is not None for b in s):
                c["exits"] = mmm([b["exits"] for b in s])
            reasons = sorted({r for b in s for r in b["by_reason"]})
            c["by_reason"] = {r: statistics.median([b["by_reason"].get(r, 0) for b in s]) for r in reasons}
        rows.append(c)
    return rows


def ratios(rows):
    """Per vCPU count: each configuration's median against the bzImage
    with unaligned RAM, the kernel and layout kvm-vmm booted before."""
    base = {r["smp"]: r["init_s"][0] for r in rows
            if r["entry"] == "bzimage" and not r["aligned"] and r.get("init_s")}
    for r in rows:
        if r.get("init_s") and base.get(r["smp"]):
            r["vs_bzimage_unaligned"] = r["init_s"][0] / base[r["smp"]]


def failed_boots(lane_stdout):
    """The boots (numbered from 1) that failed one of the lane's own checks
    (tests/linux/run.sh prints "FAIL ... (boot I): why"): a guest that
    reached init and then died, say, is no sample even with status 0."""
    return {int(i) for i in re.findall(r"^FAIL .*\(boot ([0-9]+)\)", lane_stdout, re.M)}


def mark_failed(parsed, failed):
    """parsed: [(configuration, boot or None)] in boot order; the boots in
    failed get checks_failed."""
    for i, (_, boot) in enumerate(parsed, 1):
        if boot and i in failed:
            boot["checks_failed"] = True
    return parsed


def measure(root, vmm, rounds, peer=True):
    boots = plan(rounds, peer)
    env = dict(os.environ, LINUX_BOOTS=" ".join(boot_word(*b) for b in boots), **LANE)
    out = subprocess.run(["sh", os.path.join(root, "tests", "linux", "run.sh"), vmm],
                         capture_output=True, text=True, env=env, timeout=600 + 120 * len(boots))
    summary = re.findall(r"^linux: ([0-9]+) passed, ([0-9]+) failed$", out.stdout, re.M)
    work = os.path.join(root, "build", "linux")
    with open(os.path.join(root, "build", "bench-linux.log"), "w") as f:
        f.write(out.stdout + out.stderr)
    parsed = [(b, parse_boot(os.path.join(work, f"boot-{i}.txt"))) for i, b in enumerate(boots, 1)]
    mark_failed(parsed, failed_boots(out.stdout))
    if not any(p for _, p in parsed):
        tail = " | ".join((out.stdout + out.stderr).strip().splitlines()[-3:])
        return {"error": f"the linux lane produced no boots (status {out.returncode}): {tail}"}
    rows = summarise(parsed)
    ratios(rows)
    return {"rounds": rounds, "rows": rows, "lane_status": out.returncode, "lane_cpus": int(LANE["NESTED_CPUS"]),
            "checks": [int(v) for v in summary[-1]] if summary else None,
            "failed_checks": re.findall(r"^FAIL (.*)$", out.stdout, re.M)[:10]}


def render(lx, fmt):
    """Markdown lines of table 10."""
    L = ["Debian's unmodified kernel and the vmlinux cut out of it (`make vmlinux`), with a busybox "
         "initramfs, 256 MiB, `quiet`, booted by the static kvm-vmm on the SVM KVM of a Debian kernel "
         "running under QEMU's emulator (tests/nested/). Absolute times depend on QEMU's emulator and "
         "this machine (they are far longer than on hardware): compare rows within this table. "
         f"{lx['rounds']} rounds, each configuration once a round, alternated{lane_words(lx)}. \"Unaligned\" maps guest "
         "RAM 4 KiB off a 2 MiB boundary (MINIKVM_RAM_UNALIGNED=1), as kvm-vmm did before: KVM then "
         "backs the guest with 4 KiB pages only. QEMU's rows: the same files booted by this machine's "
         "qemu-system-x86_64 -M microvm -accel kvm -cpu host (its own firmware, qboot), with kvm-vmm's "
         "kernel command line (reset by triple fault, since microvm has no i8042), timed the same way.", "",
         "| Entry | vCPUs | Guest RAM | n | Time to init (s) | vs bzImage, unaligned | Exits to user space | Exits by reason (medians) |",
         "|---|---|---|---|---|---|---|---|"]
    for r in sorted(lx["rows"], key=order):
        ram = ("QEMU's" if r["entry"] in PEER_ENTRIES else "2 MiB-aligned") if r["aligned"] else "unaligned"
        n = f"{r['n']}" + (f" ({r['failed']} failed)" if r["failed"] else "")
        if not r["n"]:
            L.append(f"| {ENTRY_NAMES[r['entry']]} | {r['smp']} | {ram} | {n} | - | - | - | - |")
            continue
        reasons = ", ".join(f"{k} {v:,.0f}" for k, v in sorted(r.get("by_reason", {}).items(), key=lambda kv: -kv[1]))
        vs = f"{r['vs_bzimage_unaligned']:.2f}x" if "vs_bzimage_unaligned" in r else "-"
        exits = fmt(r["exits"], 0) if "exits" in r else "-"
        L.append(f"| {ENTRY_NAMES[r['entry']]} | {r['smp']} | {ram} | {n} | {fmt(r['init_s'], 2)} | {vs} | "
                 f"{exits} | {reasons or '-'} |")
    L += peer_lines(lx)
    if lx.get("checks"):
        ok, bad = lx["checks"]
        L += ["", f"The lane's own checks of these boots (transcript, status, CPUs online, --stats): "
              f"{ok} passed, {bad} failed (the whole log: build/bench-linux.log)."]
        L += [f"- failed: {line}" for line in lx.get("failed_checks", [])]
    return L


def lane_words(lx):
    """How the boots shared lanes: a fresh one each (with its CPU count),
    or, in results from before, all in one."""
    cpus = lx.get("lane_cpus")
    if not cpus:
        return ", all in one lane"
    return (f"; each boot in a lane of its own (a fresh QEMU with {cpus} CPU{'s' if cpus > 1 else ''}), since in a "
            "lane that has already run a guest the next boot takes up to twice as long")


def order(r):
    """Table order: by vCPUs, kvm-vmm's entries, then QEMU's."""
    entries = ENTRIES + PEER_ENTRIES
    return (r["smp"], entries.index(r["entry"]), not r["aligned"])


def peer_lines(lx):
    """kvm-vmm against QEMU, the same file through the same entry."""
    med = {(r["entry"], r["smp"], r["aligned"]): r["init_s"][0] for r in lx["rows"] if r.get("init_s")}
    out = []
    for ours, theirs in (("bzimage", "qemu-bzimage"), ("pvh", "qemu-pvh")):
        for n in SMPS:
            a, b = med.get((ours, n, True)), med.get((theirs, n, True))
            if a and b:
                out.append(f"{ENTRY_NAMES[ours]} at {n} vCPU{'s' if n > 1 else ''}: kvm-vmm {a:.2f} s, "
                           f"QEMU {b:.2f} s ({a / b:.2f}x QEMU's time)")
    return ["", "kvm-vmm against QEMU, medians, same file and entry: " + "; ".join(out) + "."] if out else []


def target(lx):
    """The issue's bar: the vmlinux PVH entry with aligned RAM at most 0.5x
    the time of the bzImage with unaligned RAM, at each vCPU count."""
    if not lx or "rows" not in lx:
        return None
    got = {r["smp"]: r.get("vs_bzimage_unaligned") for r in lx["rows"] if r["entry"] == "pvh" and r["aligned"]}
    if not got or None in got.values():
        return None
    text = ", ".join(f"{v:.2f}x at {k} vCPU{'s' if k > 1 else ''}" for k, v in sorted(got.items()))
    return ("Linux to init, vmlinux PVH entry + aligned RAM <= 0.5x bzImage + unaligned RAM (nested lane)",
            text, all(v <= 0.5 for v in got.values()))
