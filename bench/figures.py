"""What make bench's measuring and reporting files share: a figure as its
median, min and max, how one is written, and the QEMU configurations and
test kernel status the host and nested-lane comparisons both use."""

import statistics


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
