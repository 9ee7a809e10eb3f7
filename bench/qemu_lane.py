"""The fair QEMU comparison where this machine has no KVM of its own, or
only kvm-pvm: kvm-vmm and QEMU boot the same multiboot test kernel (mbtest)
on the same real SVM KVM, in the nested lane (tests/nested/), run by run
alternated, each timed as a whole process by bench/runstat (built static
for the lane). QEMU runs as its users run it with KVM: its default PC
machine (SeaBIOS), its microvm machine (qboot), and microvm with every
optional device off. Absolute times are the emulator's (the lane's KVM runs
under QEMU's TCG); the ratio between the rows is what this measures."""

import os
import re
import shutil
import subprocess

from figures import MBTEST_STATUS, QEMU_MACHINES, lane_payload_dir, mmm

FIRMWARE = ("bios-256k.bin", "bios-microvm.bin", "kvmvapic.bin", "linuxboot_dma.bin", "multiboot_dma.bin",
            "pvh.bin")


def payload(root, build, qemu, work):
    """The lane's directory: static kvm-vmm and runstat, mbtest, QEMU with
    its libraries and firmware, and the script that alternates them."""
    lane_payload_dir(root, work)
    os.makedirs(os.path.join(work, "qemu", "fw"))
    shutil.copy(os.path.join(build, "static", "kvm-vmm"), work)
    shutil.copy(os.path.join(build, "guests", "test", "mbtest.elf"), work)
    subprocess.run(["sh", "-c", f'. "{root}/tests/nested/with-libs.sh" && with_libs "{qemu}" "{work}/qemu"'],
                   check=True)
    for f in FIRMWARE:
        # Debian's SeaBIOS images live in seabios's own directory.
        for d in ("/usr/share/qemu", "/usr/share/seabios"):
            src = os.path.join(d, f)
            if os.path.exists(src):
                shutil.copy(src, os.path.join(work, "qemu", "fw", f))  # follows symlinks
                break
    return work


def commands():
    """(label, environment, command) of each configuration, as the lane runs
    them: kvm-vmm as it runs by default (the kernel's RAM in 4 KiB host
    pages), kvm-vmm with --huge-pages=on (what 2 MiB pages cost a guest that
    touches a few pages of its RAM, src/vm.c), then QEMU's."""
    out = [("kvm-vmm", "", "./kvm-vmm mbtest.elf"),
           ("kvm-vmm --huge-pages=on", "", "./kvm-vmm --huge-pages=on mbtest.elf")]
    for label, machine in QEMU_MACHINES:
        out.append((f"qemu-system-x86_64 -M {label} -accel kvm", "",
                    f"./qemu/qemu-system-x86_64 -L qemu/fw -M {machine} -accel kvm -cpu host -kernel mbtest.elf "
                    "-display none -nodefaults -no-user-config -no-reboot "
                    "-device isa-debug-exit,iobase=0xf4,iosize=0x04 -m 64"))
    return out


# The first rows are kvm-vmm's; the peer's best is compared with the first.
VMM_ROWS = 2


def measure(root, build, rounds=11):
    qemu = shutil.which("qemu-system-x86_64")
    if not qemu:
        return {"error": "qemu-system-x86_64 is not installed"}
    work = payload(root, build, qemu, os.path.join(build, "bench-lane"))
    cmds = commands()
    script = ["i=0", f"while [ $i -lt {rounds + 1} ]; do"]  # round 0 warms up
    for k, (_, env, cmd) in enumerate(cmds):
        script.append(f'\techo "RUN $i {k} $({env}./runstat 1 {cmd})"')
    script += ["\ti=$((i + 1))", "done"]
    with open(os.path.join(work, "run.sh"), "w") as f:
        f.write("\n".join(script) + "\n")
    out = subprocess.run([os.path.join(root, "tests", "nested", "run-lane.sh"), work, "sh", "./run.sh"],
                         capture_output=True, text=True, timeout=1800,
                         env=dict(os.environ, NESTED_TIMEOUT=str(300 + 20 * rounds * len(cmds))))
    samples = {k: {"wall_ms": [], "rss_mb": [], "status": set()} for k in range(len(cmds))}
    for m in re.finditer(r"^RUN (\d+) (\d+) wall_us (\d+) \d+ \d+ rss_kb (\d+) \d+ \d+ status (\d+)", out.stdout, re.M):
        rnd, k = int(m.group(1)), int(m.group(2))
        if rnd == 0:
            continue
        samples[k]["wall_ms"].append(int(m.group(3)) / 1000)
        samples[k]["rss_mb"].append(int(m.group(4)) / 1024)
        samples[k]["status"].add(int(m.group(5)))
    rows = []
    for k, (label, _, _) in enumerate(cmds):
        s = samples[k]
        row = {"name": label, "n": len(s["wall_ms"])}
        if not s["wall_ms"]:
            row["error"] = "no run timed"
        elif s["status"] != {MBTEST_STATUS}:
            row["error"] = f"ended with status {sorted(s['status'])}, not {MBTEST_STATUS}"
        else:
            row.update(wall_ms=mmm(s["wall_ms"]), rss_mb=mmm(s["rss_mb"]))
        rows.append(row)
    if not any("wall_ms" in r for r in rows):
        tail = " | ".join((out.stdout + out.stderr).strip().splitlines()[-3:])
        return {"error": f"the lane timed nothing (status {out.returncode}): {tail}"}
    res = {"rounds": rounds, "rows": rows}
    qemu_rows = [r for r in rows[VMM_ROWS:] if "wall_ms" in r]
    if qemu_rows and "wall_ms" in rows[0]:
        best = min(qemu_rows, key=lambda r: r["wall_ms"][0])
        res["best"] = rows.index(best)
        res["wall_ratio"] = best["wall_ms"][0] / rows[0]["wall_ms"][0]
        res["rss_ratio"] = best["rss_mb"][0] / rows[0]["rss_mb"][0]
    return res


def render(q, fmt):
    if q is None:
        return ["Not measured (BENCH_LINUX=0)."]
    if "error" in q:
        return [q["error"] + "."]
    L = [f"Both on the same SVM KVM in the nested lane, {q['rounds']} rounds alternated, whole process "
         "timed by bench/runstat inside the lane; absolute times are those of QEMU's emulator underneath. "
         "The bold row is QEMU's best.", "",
         "| | n | Wall time (ms) | Peak RSS (MB) |", "|---|---|---|---|"]
    for i, r in enumerate(q["rows"]):
        name = f"**{r['name']}**" if i == q.get("best") else r["name"]
        if "error" in r:
            L.append(f"| {name} | {r['n']} | {r['error']} | |")
        else:
            L.append(f"| {name} | {r['n']} | {fmt(r['wall_ms'])} | {fmt(r['rss_mb'])} |")
    if "wall_ratio" in q:
        L += ["", f"QEMU's best takes {q['wall_ratio']:.1f}x kvm-vmm's time and {q['rss_ratio']:.1f}x its memory."]
    return L
