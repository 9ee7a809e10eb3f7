"""Writes bench/results.md and bench/chart.svg from the results of bench.py."""

import os
import shutil
import subprocess


from figures import fmt


def verdict(ok):
    return "met" if ok else "**MISSED**"


def targets(res):
    rows = host_targets(res) if res.get("floor") else lane_targets(res.get("floor_lane"))
    import linux_boot
    linux = linux_boot.target(res.get("linux"))
    if linux:
        rows.append(linux)
    return rows


def host_targets(res):
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
    progs = (res.get("os1k") or {}).get("programs")
    if progs:
        worst = max(progs, key=lambda r: r["wall_ms"][0])
        rows.append(("1K OS: every program under 100 ms wall",
                     f"slowest {worst['name']}: {worst['wall_ms'][0]:.1f} ms", worst["wall_ms"][0] < 100))
    else:
        rows.append(("1K OS: every program under 100 ms wall", "1K OS not built", False))
    return rows


def lane_targets(lane):
    """The floor's and the exit's targets as the nested lane measured them,
    where the machine's own KVM did not."""
    if not lane or "error" in lane:
        return []
    f, e = lane["floor"], lane["exit_cost"]
    return [
        ("minimal guest wall time <= 1.05x the bare floor, sandbox on (nested lane)",
         f"{f['wall_ratio']:.2f}x (without: {f['wall_ratio_no_sandbox']:.2f}x)", f["wall_ratio"] <= 1.05),
        ("minimal guest peak RSS <= 1.05x the bare floor's (nested lane)",
         f"{f['rss_ratio']:.2f}x ({f['vmm']['rss_mb'][0]:.2f} vs {f['bare']['rss_mb'][0]:.2f} MB)",
         f["rss_ratio"] <= 1.05),
        ("per-exit overhead <= 1.05x the bare loop, sandbox on (nested lane)",
         f"{e['ratio']:.2f}x (without: {e['ratio_no_sandbox']:.2f}x)", e["ratio"] <= 1.05),
        ("per-exit cost with --trace <= 2x the untraced exit (nested lane)",
         f"{e['ratio_trace']:.2f}x ({e['trace_ns'][0]:.0f} vs {e['vmm_ns'][0]:.0f} ns)", e["ratio_trace"] <= 2.0),
    ]


def chart_panels(res):
    """(title, ylabel, log scale, rows of (label, median, min, max, digits))
    for each panel the results have: milliseconds and exits apart."""
    panels = []
    if res.get("real_mode"):
        rm = res["real_mode"]
        panels.append(("Real-mode guests: wall time", "ms (median, min-max)", False,
                       [(r["name"], *r["wall_ms"], 1) for r in rm]))
        panels.append(("Real-mode guests: VM exits", "exits (log scale)", True,
                       [(r["name"], r["exits"], r["exits"], r["exits"], 0) for r in rm]))
    if res.get("output_paths"):
        op = res["output_paths"]
        panels.append(("Multiplication table, four output paths: wall time", "ms (median, min-max)", False,
                       [(r["path"], *r["wall_ms"], 1) for r in op]))
        panels.append(("Multiplication table, four output paths: VM exits", "exits (log scale)", True,
                       [(r["path"], r["exits"], r["exits"], r["exits"], 0) for r in op]))
    lx = res.get("linux")
    if lx and lx.get("rows"):
        import linux_boot
        rows = sorted((r for r in lx["rows"] if r.get("init_s")), key=linux_boot.order)
        short = {"bzimage": "bzImage", "pvh": "PVH", "elf64": "ELF64", "qemu-bzimage": "QEMU bzImage",
                 "qemu-pvh": "QEMU PVH"}
        label = lambda r: f"{short[r['entry']]} {r['smp']}cpu{'' if r['aligned'] else ' unal.'}"
        panels.append(("Linux to init, nested lane", "s (median, min-max)", False,
                       [(label(r), *r["init_s"], 1) for r in rows]))
        panels.append(("Linux boot: kvm-vmm VM exits to user space", "exits (median, min-max)", False,
                       [(label(r), *r["exits"], 0) for r in rows if "exits" in r]))
    return panels


def chart(res, outdir):
    gnuplot = shutil.which("gnuplot")
    panels = chart_panels(res)
    if not gnuplot or not panels:
        return False
    data = os.path.join(outdir, "chart.dat")
    with open(data, "w") as f:
        for i, (_, _, _, rows) in enumerate(panels):
            f.write(f"# panel {i}: label median min max digits\n")
            for label, med, lo, hi, digits in rows:
                f.write(f"\"{label}\" {med} {lo} {hi} {digits}\n")
            f.write("\n\n")
    nrows = (len(panels) + 1) // 2
    script = [f"set terminal svg size 1000,{360 * nrows} dynamic font 'sans,11'",
              f"set output '{os.path.join(outdir, 'chart.svg')}'",
              f"set multiplot layout {nrows},2 title 'kvm-vmm, make bench of {res['machine']['date'][:10]}'",
              "set style fill solid 0.6 border -1", "set boxwidth 0.7", "set xtics rotate by -30 nomirror",
              "set grid ytics", "set key off", "set bmargin 6", "set rmargin 6", "set offsets 0.5, 0.5, 0, 0"]
    for i, (title, ylabel, log, _) in enumerate(panels):
        script += [f'set title "{title}"', f'set ylabel "{ylabel}"',
                   "set logscale y" if log else "unset logscale y",
                   "set yrange [0.5:*]" if log else "set yrange [0:*]",
                   # bars, the min-max whisker, and the median written over each bar
                   f"plot '{data}' index {i} using 0:2:xtic(1) with boxes lc rgb '#4477aa', "
                   f"'' index {i} using 0:2:3:4 with yerrorbars lc rgb 'black' pt 0 ps 0, "
                   f"'' index {i} using 0:4:(sprintf(sprintf('%%.%df', $5), $2)) with labels offset 0,0.8 font 'sans,9'"]
    script.append("unset multiplot")
    subprocess.run([gnuplot], input="\n".join(script) + "\n", text=True, check=True)
    os.remove(data)
    return True


NOT_HOST = "Not measured: {why} (this table runs kvm-vmm on the machine's own KVM)."


def header(res):
    m = res["machine"]
    L = ["# kvm-vmm benchmark results", "",
         f"Machine: {m['host']}, {m['cpus']} CPUs, Linux {m['kernel']}. KVM back-end: {m['kvm']}. "
         f"Date: {m['date']}. Produced by `make bench` in {res['bench_seconds']:.0f} s.", "",
         "Each figure is the median of several runs after a warm-up, with (min-max). Wall time and peak "
         "RSS are of the whole process, from the kernel's accounting of the finished child (wait4). "
         "Raw numbers: results.json."]
    if res.get("host_kvm_missing"):
        L += ["", f"**This run had {res['host_kvm_missing']}**: tables 1-9 and kvm-vmm's row of the QEMU "
              "comparison need the machine's own KVM and were not measured; QEMU's emulator rows, the "
              "nested lane's comparison of kvm-vmm and QEMU on one KVM, and its Linux table (10) were."]
        if res.get("floor_lane") and "error" not in res["floor_lane"]:
            L[-1] += (" Tables 5 and 6 (the exit's cost and the floor) were run on the nested lane's KVM "
                      "instead, and their targets below say so.")
    L += ["", "## Targets", "", "| Target | Measured | |", "|---|---|---|"]
    for name, value, ok in targets(res):
        L.append(f"| {name} | {value} | {verdict(ok)} |")
    return L


def section(res, key, title, body, in_lane=False):
    """A table of the host's KVM: its lines, or why it was not measured,
    and then, for a table the nested lane also runs (in_lane: tables 5
    and 6, bench/floor_lane.py), the lane's instead."""
    L = ["", f"## {title}", ""]
    if res.get(key) is not None:
        return L + body(res[key])
    L.append(NOT_HOST.format(why=res.get("host_kvm_missing") or "not run"))
    lane = res.get("floor_lane")
    if not in_lane or lane is None:
        return L
    if "error" in lane:
        return L + ["", f"The nested lane's run of it failed: {lane['error']}."]
    rounds = lane["floor_rounds"] if key == "floor" else lane["exit_rounds"]
    return L + ["", f"Measured instead on the nested lane's SVM KVM ({rounds} rounds, alternated; "
                "bench/floor_lane.py): a real KVM, not a hardware one. Every exit goes through QEMU's "
                "emulator underneath, so absolute times are the lane's; the ratios are what counts.", ""] + \
        body(lane[key])


def real_mode(rows):
    L = ["| Guest | Size (bytes) | VM exits | Wall time (ms) | Peak RSS (MB) |", "|---|---|---|---|---|"]
    return L + [f"| {r['name']} | {r['size']} | {r['exits']} | {fmt(r['wall_ms'])} | {fmt(r['rss_mb'])} |"
                for r in rows]


def os1k(o):
    if not o["programs"]:
        return ["Not measured: build/os1k/kernel-x86_64.elf is not built yet."]
    L = ["| Script | VM exits | Wall time (ms) | Peak RSS (MB) |", "|---|---|---|---|"]
    L += [f"| {r['name']} | {r['exits']} | {fmt(r['wall_ms'])} | {fmt(r['rss_mb'])} |" for r in o["programs"]]
    return L + ["", f"Idle at the prompt: {100 * o['idle_cpu']:.2f}% of one host CPU."]


def parallel(par, cpus):
    L = ["| Guests | VM exits (total) | Wall time (ms) | Peak RSS (MB) |", "|---|---|---|---|"]
    L += [f"| {r['guests']} | {r['exits']} | {fmt(r['wall_ms'])} | {fmt(r['rss_mb'])} |" for r in par["counter"]]
    c = par["compute"]
    return L + ["", "CPU-bound: the compute guest (long mode, ring 3, 200 M xorshift steps), 5 runs: "
                f"one alone {fmt(c['one']['wall_ms'], 0)} ms, two at once {fmt(c['two']['wall_ms'], 0)} ms: "
                f"parallel efficiency {100 * c['efficiency']:.0f}% on {cpus} cores."]


def setup(s):
    L = ["| Step | Without irqchip | With irqchip + PIT |", "|---|---|---|"]
    return L + [f"| {step} | {fmt([v / 1000 for v in s['plain'][step]], 1)} | "
                f"{fmt([v / 1000 for v in s['irqchip'][step]], 1)} |" for step in s["plain"]]


def exit_cost(e):
    L = ["| | ns per exit |", "|---|---|",
         f"| bare KVM loop (bench/bare.c) | {fmt(e['bare_ns'], 0)} |",
         f"| kvm-vmm (seccomp sandbox on, the default) | {fmt(e['vmm_ns'], 0)} |",
         f"| kvm-vmm --no-sandbox | {fmt(e['no_sandbox_ns'], 0)} |",
         f"| kvm-vmm --trace (every exit recorded; the file written after the run) | {fmt(e['trace_ns'], 0)} |"]
    return L + ["", f"Ratio: {e['ratio']:.2f}x with the sandbox, {e['ratio_no_sandbox']:.2f}x without. "
                f"With --trace, {e['ratio_trace']:.2f}x the untraced exit."]


def floor(f):
    return ["| | Wall time (ms) | Peak RSS (MB) |", "|---|---|---|",
            f"| bare (bench/bare.c, linked like kvm-vmm) | {fmt(f['bare']['wall_ms'])} | {fmt(f['bare']['rss_mb'])} |",
            f"| kvm-vmm minimal.bin (sandbox on, the default) | {fmt(f['vmm']['wall_ms'])} | {fmt(f['vmm']['rss_mb'])} |",
            f"| kvm-vmm --no-sandbox minimal.bin | {fmt(f['no_sandbox']['wall_ms'])} | {fmt(f['no_sandbox']['rss_mb'])} |", "",
            f"Ratios: wall {f['wall_ratio']:.2f}x, RSS {f['rss_ratio']:.2f}x (without the sandbox: wall "
            f"{f['wall_ratio_no_sandbox']:.2f}x)."]


def output_paths(rows):
    L = ["| Path | VM exits | Guest run (ms) | Wall time (ms) |", "|---|---|---|---|"]
    L += [f"| {r['path']} | {r['exits']} | {r['run_ms']:.2f} | {fmt(r['wall_ms'])} |" for r in rows]
    return L + ["", "Coalesced: `--coalesced-io` registers the UART's THR with KVM_CAP_COALESCED_PIO, so KVM "
                "queues the bytes in a ring and kvm-vmm writes them out, in order, at the next exit (the few "
                "exits left are the ring filling up, and HLT). It shortens the guest's run, but on kvm-pvm a VM "
                "with a coalesced zone takes about 8 ms instead of 1 to tear down (`--stats` shows it), which "
                "the whole-process wall time includes: it pays off only for longer output."]


def throughput(rows):
    L = ["| Guest | Runs | Runs per second |", "|---|---|---|"]
    return L + [f"| {r['name']} | {r['runs']} | {r['per_second']:.0f} |" for r in rows]


def compute(cp):
    return ["| | Wall time (ms) |", "|---|---|",
            f"| kvm-vmm compute.elf | {fmt(cp['vm']['wall_ms'], 0)} |",
            f"| native (bench/native.c) | {fmt(cp['native']['wall_ms'], 0)} |", "",
            f"Ratio {cp['ratio']:.3f}x; same result: {'yes' if cp['same_result'] else 'NO'}."]


def qemu(q):
    if q is None:
        return ["qemu-system-x86_64 is not installed."]
    L = ["QEMU as its users run it: its default PC machine (SeaBIOS runs first: on kvm-pvm the host "
         "emulates that real-mode code, so this row measures the host more than QEMU), its microvm "
         "machine, and microvm with every optional device off; with KVM and with QEMU's own emulator "
         "(TCG). The bold row is QEMU's best, the one to compare with.", "",
         "| | Wall time (ms) | Peak RSS (MB) |", "|---|---|---|"]
    for i, r in enumerate(q["rows"]):
        name = f"qemu-system-x86_64 -M {r['machine']} -accel {r['accel']}"
        if i == q.get("best"):
            name = f"**{name}**"
        if "error" in r:
            L.append(f"| {name} | {r['error']} | |")
        else:
            L.append(f"| {name} | {fmt(r['wall_ms'])} | {fmt(r['rss_mb'])} |")
    if "vmm" in q:
        L.append(f"| kvm-vmm | {fmt(q['vmm']['wall_ms'])} | {fmt(q['vmm']['rss_mb'])} |")
        if "wall_ratio" in q:
            L += ["", f"QEMU's best takes {q['wall_ratio']:.1f}x kvm-vmm's time and {q['rss_ratio']:.1f}x its memory."]
    else:
        L += ["", f"kvm-vmm not timed: {q['vmm_missing']}."]
    return L


def linux(lx):
    import linux_boot
    if lx is None:
        return ["Not measured (BENCH_LINUX=0)."]
    if "error" in lx:
        return [lx["error"] + "."]
    return linux_boot.render(lx, fmt)


def write_report(res, outdir):
    cpus = res["machine"]["cpus"]
    L = header(res)
    L += section(res, "real_mode", f"1. Real-mode guests ({res['runs']} runs each)", real_mode)
    L += section(res, "os1k", "2. 1K OS (x86-64 image, scripted input, 7 runs each)", os1k)
    L += section(res, "parallel", "3. Parallel guests (counter, each in its own VM, 11 runs)",
                 lambda p: parallel(p, cpus))
    L += section(res, "setup", "4. VM set-up and teardown, step by step (bench/setup-steps.c, 31 runs, µs)", setup)
    L += section(res, "exit_cost", "5. Cost of a port-I/O exit (20,000 OUTs to an unclaimed port, 7 runs, ns)",
                 exit_cost, in_lane=True)
    L += section(res, "floor", "6. The floor: a 1-byte HLT guest, process start to end (41 runs each, alternating)",
                 floor, in_lane=True)
    L += section(res, "output_paths", "7. Output paths: the multiplication table (501 bytes) four ways", output_paths)
    L += section(res, "throughput", "8. Throughput (sequential runs)", throughput)
    L += section(res, "compute", "9. Compute: ring-3 long-mode guest against the same loop on the host (5 runs)",
                 compute)
    L += ["", "## Comparison: QEMU, same multiboot test kernel (guests/multiboot mbtest)", ""] + qemu(res.get("qemu"))
    import qemu_lane
    L += ["", "### The same kernel, kvm-vmm and QEMU on one KVM (nested lane)", ""] + \
        qemu_lane.render(res.get("qemu_lane"), fmt)
    L += ["", "## 10. Linux: kvm-vmm start to init's first line, nested lane", ""] + linux(res.get("linux"))
    if chart(res, outdir):
        L += ["", "![Wall times and exits, one panel each](chart.svg)"]
    with open(os.path.join(outdir, "results.md"), "w") as out:
        out.write("\n".join(L) + "\n")
