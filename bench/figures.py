"""What make bench's measuring and reporting files share: a figure as its
median, min and max, how one is written, and the QEMU configurations and
test kernel status the host and nested-lane comparisons both use, and
the nested-lane measurements' payload directory."""

import os
import shutil
import statistics
import subprocess


def mmm(values):
    return [statistics.median(values), min(values), max(values)]


def fmt(triple, digits=2):
    med, lo, hi = triple
    return f"{med:.{digits}f} ({lo:.{digits}f}-{hi:.{digits}f})"


# QEMU as its users run it: its default PC machine (SeaBIOS first), its
# microvm machine (qboot, no PCI), and microvm with every optional device
# it lets go of. On kvm-pvm, SeaBIOS's real-mode code is emulated by the
# host, so the pc figure measures the host more than QEMU: the best row is
# the fair one.
QEMU_MACHINES = [("pc", "pc"), ("microvm", "microvm"),
                 ("microvm, no option ROMs, PIT, PIC, RTC or serial",
                  "microvm,x-option-roms=off,pit=off,pic=off,rtc=off,isa-serial=off")]

# mbtest's isa-debug-exit write, (16 << 1) | 1: its status under QEMU and
# kvm-vmm alike.
MBTEST_STATUS = 33


def lane_payload_dir(root, work):
    """work emptied for a nested-lane payload (tests/nested/), with
    bench/runstat built static in it: the lane has no C library."""
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    subprocess.run(["cc", "-static", "-O2", "-o", os.path.join(work, "runstat"),
                    os.path.join(root, "bench", "runstat.c")], check=True)
