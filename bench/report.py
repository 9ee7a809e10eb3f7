"""Writes bench/results.md and bench/chart.svg from the results of bench.py."""

import os
import shutil
import subprocess


def fmt(triple, digits=2):
    med, lo, hi = triple
    return f"{med:.{digits}f} ({lo:.{digits}f}-{hi:.{digits}f})"


def verdict(ok):
    return "met" if ok else "**MISSED**"


def targets(res):
    floor, exit_cost = res["floor"], res["exit_cost"]
    paths = {r["guest"]: r for r in res["output_paths"]}
    rows = [
        ("minimal guest wall time <= 1.05x the bare floor, sandbox on",
         f"{floor['wall_ratio']:.2f}x (without: {floor['wall_ratio_no_sandbox']:.2f}x)",
         floor["wall_ratio"] <= 1.05),
        ("minimal guest peak RSS <= 1.05x the bare floor's", f"{floor['rss_ratio']:.2f}x "
         f"({floor['vmm']['rss_mb'][0]:.2f} MB)", floor["rss_ratio"] <= 1.05),
        ("per-exit overhead <= 1.05x the bare loop, sandbox on",
         f"{exit_cost['ratio']:.2f}x (without: {exit_cost['ratio_no_sandbox']:.2f}x)",
         exit_cost["ratio"] <= 1.05),
    ]
    if "ratio_trace" in exit_cost:  # results from before --trace lack it
        rows.append(("per-exit cost with --trace <= 2x the untraced exit",
                     f"{exit_cost['ratio_trace']:.2f}x ({exit_cost['trace_ns'][0]:.0f} vs "
                     f"{exit_cost['vmm_ns'][0]:.0f} ns)", exit_cost["ratio_trace"] <= 2.0))
    rows += [
        ("multiplication with PUTS: >= 10x fewer exits than PUTCHAR",
         f"{paths['multiplication']['exits']} vs {paths['multiplication-puts']['exits']}",
         paths["multiplication"]["exits"] >= 10 * paths["multiplication-puts"]["exits"]),
        ("parallel efficiency, 2 CPU-bound guests on 2 cores >= 95%",
         f"{100 * res['parallel']['compute']['efficiency']:.0f}%",
         res["parallel"]["compute"]["efficiency"] >= 0.95),
    ]
    progs = res["os1k"]["programs"]
    if progs:
        worst = max(progs, key=lambda r: r["wall_ms"][0])
        rows.append(("1K OS: every program under 100 ms wall",
                     f"slowest {worst['name']}: {worst['wall_ms'][0]:.1f} ms", worst["wall_ms"][0] < 100))
    else:
        rows.append(("1K OS: every program under 100 ms wall", "1K OS not built", False))
    return rows


def chart(res, outdir):
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        return False
    data = os.path.join(outdir, "chart.dat")
    with open(data, "w") as f:
        f.write("# guest wall_ms exits\n")
        for r in res["real_mode"]:
            f.write(f"{r['name']} {r['wall_ms'][0]:.3f} {r['exits']}\n")
        f.write("\n\n# path wall_ms exits\n")
        for r in res["output_paths"]:
            f.write(f"\"{r['path']}\" {r['wall_ms'][0]:.3f} {r['exits']}\n")
    script = f"""
set terminal svg size 900,420 dynamic font 'sans,11'
set output '{os.path.join(outdir, "chart.svg")}'
set multiplot layout 1,2 title 'kvm-vmm on {res["machine"]["kvm"].split(" (")[0]}'
set style data histograms
set style fill solid 0.7 border -1
set boxwidth 0.8
set xtics rotate by -30 nomirror
set grid ytics
set ylabel 'wall time, ms (median)'
set y2label 'VM exits'
set y2tics
set yrange [0:*]
set y2range [0:*]
set ytics nomirror
set key top left
set title 'Real-mode guests'
plot '{data}' index 0 using 2:xtic(1) title 'wall ms' axes x1y1, '' index 0 using 3 title 'exits' axes x1y2
set title 'Same text, four output paths'
plot '{data}' index 1 using 2:xtic(1) title 'wall ms' axes x1y1, '' index 1 using 3 title 'exits' axes x1y2
unset multiplot
"""
    subprocess.run([gnuplot], input=script, text=True, check=True)
    os.remove(data)
    return True


def write_report(res, outdir):
    m = res["machine"]
    L = ["# kvm-vmm benchmark results", "",
         f"Machine: {m['host']}, {m['cpus']} CPUs, Linux {m['kernel']}. KVM back-end: {m['kvm']}. "
         f"Date: {m['date']}. Produced by `make bench` in {res['bench_seconds']:.0f} s.", "",
         "Each figure is the median of several runs after a warm-up, with (min-max). Wall time and peak "
         "RSS are of the whole process, from the kernel's accounting of the finished child (wait4). "
         "Raw numbers: results.json.", "",
         "## Targets", "", "| Target | Measured | |", "|---|---|---|"]
    for name, value, ok in targets(res):
        L.append(f"| {name} | {value} | {verdict(ok)} |")

    L += ["", f"## 1. Real-mode guests ({res['runs']} runs each)", "",
          "| Guest | Size (bytes) | VM exits | Wall time (ms) | Peak RSS (MB) |", "|---|---|---|---|---|"]
    for r in res["real_mode"]:
        L.append(f"| {r['name']} | {r['size']} | {r['exits']} | {fmt(r['wall_ms'])} | {fmt(r['rss_mb'])} |")

    L += ["", "## 2. 1K OS (x86-64 image, scripted input, 7 runs each)", ""]
    if res["os1k"]["programs"]:
        L += ["| Script | VM exits | Wall time (ms) | Peak RSS (MB) |", "|---|---|---|---|"]
        for r in res["os1k"]["programs"]:
            L.append(f"| {r['name']} | {r['exits']} | {fmt(r['wall_ms'])} | {fmt(r['rss_mb'])} |")
        L += ["", f"Idle at the prompt: {100 * res['os1k']['idle_cpu']:.2f}% of one host CPU."]
    else:
        L.append("Not measured: build/os1k/kernel-x86_64.elf is not built yet.")

    par = res["parallel"]
    L += ["", "## 3. Parallel guests (counter, each in its own VM, 11 runs)", "",
          "| Guests | VM exits (total) | Wall time (ms) | Peak RSS (MB) |", "|---|---|---|---|"]
    for r in par["counter"]:
        L.append(f"| {r['guests']} | {r['exits']} | {fmt(r['wall_ms'])} | {fmt(r['rss_mb'])} |")
    c = par["compute"]
    L += ["", "CPU-bound: the compute guest (long mode, ring 3, 200 M xorshift steps), 5 runs: "
          f"one alone {fmt(c['one']['wall_ms'], 0)} ms, two at once {fmt(c['two']['wall_ms'], 0)} ms: "
          f"parallel efficiency {100 * c['efficiency']:.0f}% on {m['cpus']} cores."]

    s = res["setup"]
    L += ["", "## 4. VM set-up and teardown, step by step (bench/setup-steps.c, 31 runs, µs)", "",
          "| Step | Without irqchip | With irqchip + PIT |", "|---|---|---|"]
    for step in s["plain"]:
        L.append(f"| {step} | {fmt([v / 1000 for v in s['plain'][step]], 1)} | "
                 f"{fmt([v / 1000 for v in s['irqchip'][step]], 1)} |")

    e = res["exit_cost"]
    L += ["", "## 5. Cost of a port-I/O exit (20,000 OUTs to an unclaimed port, 7 runs, ns)", "",
          "| | ns per exit |", "|---|---|",
          f"| bare KVM loop (bench/bare.c) | {fmt(e['bare_ns'], 0)} |",
          f"| kvm-vmm (seccomp sandbox on, the default) | {fmt(e['vmm_ns'], 0)} |",
          f"| kvm-vmm --no-sandbox | {fmt(e['no_sandbox_ns'], 0)} |"]
    if "trace_ns" in e:
        L.append(f"| kvm-vmm --trace (every exit recorded; the file written after the run) | "
                 f"{fmt(e['trace_ns'], 0)} |")
    L += ["", f"Ratio: {e['ratio']:.2f}x with the sandbox, {e['ratio_no_sandbox']:.2f}x without."]
    if "ratio_trace" in e:
        L[-1] += f" With --trace, {e['ratio_trace']:.2f}x the untraced exit."

    f = res["floor"]
    L += ["", "## 6. The floor: a 1-byte HLT guest, process start to end (41 runs each, alternating)", "",
          "| | Wall time (ms) | Peak RSS (MB) |", "|---|---|---|",
          f"| bare (bench/bare.c, linked like kvm-vmm) | {fmt(f['bare']['wall_ms'])} | {fmt(f['bare']['rss_mb'])} |",
          f"| kvm-vmm minimal.bin (sandbox on, the default) | {fmt(f['vmm']['wall_ms'])} | {fmt(f['vmm']['rss_mb'])} |",
          f"| kvm-vmm --no-sandbox minimal.bin | {fmt(f['no_sandbox']['wall_ms'])} | {fmt(f['no_sandbox']['rss_mb'])} |", "",
          f"Ratios: wall {f['wall_ratio']:.2f}x, RSS {f['rss_ratio']:.2f}x (without the sandbox: wall "
          f"{f['wall_ratio_no_sandbox']:.2f}x)."]

    L += ["", "## 7. Output paths: the multiplication table (501 bytes) four ways", "",
          "| Path | VM exits | Guest run (ms) | Wall time (ms) |", "|---|---|---|---|"]
    for r in res["output_paths"]:
        L.append(f"| {r['path']} | {r['exits']} | {r['run_ms']:.2f} | {fmt(r['wall_ms'])} |")
    L += ["", "Coalesced: `--coalesced-io` registers the UART's THR with KVM_CAP_COALESCED_PIO, so KVM queues "
          "the bytes in a ring and kvm-vmm writes them out, in order, at the next exit (the few exits left "
          "are the ring filling up, and HLT). It shortens the guest's run, but on kvm-pvm a VM with a "
          "coalesced zone takes about 8 ms instead of 1 to tear down (`--stats` shows it), which the "
          "whole-process wall time includes: it pays off only for longer output."]

    L += ["", "## 8. Throughput (sequential runs)", "", "| Guest | Runs | Runs per second |", "|---|---|---|"]
    for r in res["throughput"]:
        L.append(f"| {r['name']} | {r['runs']} | {r['per_second']:.0f} |")

    cp = res["compute"]
    L += ["", "## 9. Compute: ring-3 long-mode guest against the same loop on the host (5 runs)", "",
          "| | Wall time (ms) |", "|---|---|",
          f"| kvm-vmm compute.elf | {fmt(cp['vm']['wall_ms'], 0)} |",
          f"| native (bench/native.c) | {fmt(cp['native']['wall_ms'], 0)} |", "",
          f"Ratio {cp['ratio']:.3f}x; same result: {'yes' if cp['same_result'] else 'NO'}."]

    q = res["qemu"]
    L += ["", "## Comparison: QEMU with KVM, same multiboot test kernel", ""]
    if q is None:
        L.append("qemu-system-x86_64 is not installed.")
    elif "error" in q:
        L.append(q["error"] + ".")
    else:
        L += ["| | Wall time (ms) | Peak RSS (MB) |", "|---|---|---|",
              f"| qemu-system-x86_64 -accel kvm | {fmt(q['qemu']['wall_ms'])} | {fmt(q['qemu']['rss_mb'])} |",
              f"| kvm-vmm | {fmt(q['vmm']['wall_ms'])} | {fmt(q['vmm']['rss_mb'])} |", "",
              f"QEMU takes {q['wall_ratio']:.1f}x the time and {q['rss_ratio']:.1f}x the memory."]

    lx = res.get("linux")
    L += ["", "## 10. Linux: kvm-vmm start to init's first line, nested lane (3 boots each, seconds)", ""]
    if lx is None:
        L.append("Not measured (BENCH_LINUX=0).")
    elif "error" in lx:
        L.append(lx["error"] + ".")
    else:
        L += ["Debian's unmodified kernel with a busybox initramfs, booted by the static kvm-vmm on the "
              "SVM KVM of a Debian kernel running under QEMU's emulator (tests/nested/): this measures the "
              "emulated machine as much as kvm-vmm. On this host's kvm-pvm Linux does not reach init in "
              "useful time (kernel code is emulated).", "",
              "| vCPUs | Time to init (s) |", "|---|---|"]
        for smp, t in lx.items():
            L.append(f"| {smp} | {fmt(t, 1)} |")

    if chart(res, outdir):
        L += ["", "![Real-mode guests and output paths](chart.svg)"]
    with open(os.path.join(outdir, "results.md"), "w") as out:
        out.write("\n".join(L) + "\n")
