#!/usr/bin/env python3
# Writes the fuzz targets' seed inputs into tests/fuzz/corpus/<target>/:
# a few small hand-made inputs per target, each in the layout its
# fuzz_<target>.c decodes (its opening comment), that reach past the
# first checks: valid kernels, register sequences that use each feature.
# The seeds are committed; run this only to regenerate them
# (python3 tests/fuzz/make_seeds.py).
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
MB_MAGIC = 0x1BADB002


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def u16(v):
    return struct.pack("<H", v)


# --- multiboot -----------------------------------------------------------

def mb_header(flags, aout=None):
    h = struct.pack("<III", MB_MAGIC, flags, (-(MB_MAGIC + flags)) & 0xFFFFFFFF)
    return h + (struct.pack("<5I", *aout) if aout else b"")


def elf32(entry, segments, body_at=84):
    """An i386 ELF executable: segments are (paddr, file bytes, memsz)."""
    phoff = 52
    offset = phoff + 32 * len(segments)
    phdrs, body = b"", b""
    for paddr, data, memsz in segments:
        phdrs += struct.pack("<8I", 1, offset + len(body), paddr, paddr,
                             len(data), memsz, 7, 0x1000)
        body += data
    ident = b"\x7fELF\x01\x01\x01" + bytes(9)
    eh = ident + struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, entry, phoff, 0, 0,
                             52, 32, len(segments), 40, 0, 0)
    return eh + phdrs + body


def mb_case(mem, smp, cmdline=None, modules=(), image=b"", extra_flags=0):
    flags = (1 if cmdline is not None else 0) | (len(modules) << 1) | extra_flags
    out = bytes([mem, smp - 1, flags])
    if cmdline is not None:
        out += u16(len(cmdline)) + cmdline
    for data, args in modules:
        out += u16(len(data)) + data + bytes([len(args)]) + args
    return out + image


def multiboot_seeds():
    code = b"\xf4" * 8
    plain = elf32(0x10000C, [(0x100000, mb_header(3) + code, 0x2000)])
    write("multiboot", "plain", mb_case(5, 1, image=plain))
    seg1 = mb_header(0x10003, (0x100000, 0x100000, 0x100040, 0x101000, 0x100020)) + code
    seg1 += bytes(0x40 - len(seg1))
    kludge = elf32(0x100020, [(0x100000, seg1, 0x40), (0x100040, b"\x90" * 16, 0xFC0)])
    write("multiboot", "aout-kludge-modules",
          mb_case(4, 2, b"console=ttyS0 x=1,2", [(b"module one", b"arg,a"), (b"m2" * 40, b"")],
                  kludge))
    low = elf32(0x2000, [(0x2000, mb_header(2) + code, 0x8000)])
    write("multiboot", "low-kernel-high-ram",
          mb_case(6, 4, b"", [(b"\x00" * 300, b"x y z")], low, 0x10))
    end_of_file = mb_header(0x10000, (0x100000, 0x100000, 0, 0, 0x100000))
    eof = elf32(0x100000, [(0x100000, end_of_file + code, len(end_of_file) + 8)])
    write("multiboot", "aout-kludge-to-end-of-file", mb_case(3, 1, b"a", (), eof, 0x20))


# --- bzimage ---------------------------------------------------------------

def bzimage(sects=1, version=0x020F, cmdline_size=2047, initrd_max=0x7FFFFFFF,
            pref=0x200000, init_size=0x100000, kernel=b"\x90" * 64):
    """A bzImage: boot sector and setup header, then the kernel's bytes."""
    setup = bytearray(((sects or 4) + 1) * 512)
    setup[0x1F1] = sects
    struct.pack_into("<H", setup, 0x1FE, 0xAA55)
    setup[0x200:0x202] = b"\xeb\x66"  # the header runs to 0x268
    setup[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", setup, 0x206, version)
    setup[0x211] = 1  # LOADED_HIGH
    struct.pack_into("<I", setup, 0x22C, initrd_max)
    struct.pack_into("<I", setup, 0x230, 0x200000)  # kernel_alignment
    setup[0x234] = 1  # relocatable
    struct.pack_into("<H", setup, 0x236, 1)  # XLF_KERNEL_64
    struct.pack_into("<I", setup, 0x238, cmdline_size)
    struct.pack_into("<Q", setup, 0x258, pref)
    struct.pack_into("<I", setup, 0x260, init_size)
    return bytes(setup) + kernel


def bz_case(mem, smp, cmdline=None, initrd=None, image=b"", more_flags=0):
    """fuzz_bzimage.c's input, and fuzz_vmlinux.c's (more_flags: --boot-entry)."""
    flags = (1 if cmdline is not None else 0) | (2 if initrd is not None else 0) | more_flags
    out = bytes([mem, smp - 1, flags])
    if cmdline is not None:
        out += u16(len(cmdline)) + cmdline
    if initrd is not None:
        out += u16(len(initrd)) + initrd
    return out + image


def bzimage_seeds():
    write("bzimage", "plain", bz_case(2, 1, b"quiet", None, bzimage()))
    write("bzimage", "initrd-smp-cut-cmdline",
          bz_case(3, 4, b"root=/dev/ram0 " * 6, b"\x07" * 300, bzimage(cmdline_size=40)))
    write("bzimage", "four-setup-sectors-initrd-max",
          bz_case(5, 2, None, b"070701" * 20,
                  bzimage(sects=0, version=0x020C, initrd_max=0x37FFFFFF, pref=0x1000000)))


# --- vmlinux: an ELF64 kernel, PVH note or not (fuzz_vmlinux.c) ----------

def elf64(entry, segments, notes=b""):
    """An x86-64 ET_EXEC file: segments are (paddr, file bytes, memsz);
    notes, when given, fill a PT_NOTE segment."""
    phnum = len(segments) + (1 if notes else 0)
    offset = 64 + 56 * phnum
    phdrs, body = b"", b""
    for paddr, data, memsz in segments:
        phdrs += struct.pack("<IIQQQQQQ", 1, 7, offset + len(body), 0xFFFFFFFF80000000 + paddr,
                             paddr, len(data), memsz, 0x1000)
        body += data
    if notes:
        phdrs += struct.pack("<IIQQQQQQ", 4, 4, offset + len(body), 0, 0, len(notes), 0, 4)
        body += notes
    ident = b"\x7fELF\x02\x01\x01" + bytes(9)
    eh = ident + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, entry, 64, 0, 0, 64, 56, phnum, 64, 0, 0)
    return eh + phdrs + body


def note(name, kind, desc):
    n = name + b"\0"
    pad = lambda b: b + bytes(-len(b) % 4)
    return struct.pack("<III", len(n), len(desc), kind) + pad(n) + pad(desc)


def pvh_note(entry, size=8):
    return note(b"Xen", 18, struct.pack("<Q", entry)[:size])


def vml_case(mem, smp, entry_opt=0, cmdline=None, initrd=None, image=b""):
    return bz_case(mem, smp, cmdline, initrd, image, entry_opt << 2)


def vmlinux_seeds():
    text = b"\xf4" * 64
    kernel = [(0x1000000, text, 0x1000), (0x1200000, b"\x11" * 32, 0x100000)]
    notes = note(b"GNU", 3, b"abcde") + pvh_note(0x1000010)
    write("vmlinux", "pvh-initrd",
          vml_case(4, 2, 0, b"quiet", b"\x07" * 300, elf64(0x1000000, kernel, notes)))
    write("vmlinux", "elf64-option-cut-cmdline",
          vml_case(4, 1, 2, b"x" * 2100, None, elf64(0x1000000, kernel, notes)))
    write("vmlinux", "no-note-smp",
          vml_case(3, 8, 0, None, b"070701" * 20, elf64(0x1000000, kernel)))
    write("vmlinux", "pvh-4-byte-note-low",
          vml_case(2, 1, 1, b"console=ttyS0", None,
                   elf64(0x100000, [(0x100000, text, 0x2000)], pvh_note(0x100020, 4))))


# --- uart: a config byte, then operations (fuzz_uart.c) -------------------

def uw(reg, value):
    return bytes([reg, value])


def ur(*regs):
    return bytes(0x40 | r for r in regs)


def host(data):
    return bytes([0xA0 | (len(data) - 1)]) + data


def uart_bus(reg, size_log2, write, data=b""):
    return bytes([0xC0 | (0x20 if write else 0) | (size_log2 << 3) | reg]) + data


def uart_seeds():
    polled = uw(3, 0x83) + uw(0, 0x0C) + uw(1, 0) + ur(0, 1) + uw(3, 0x03)
    polled += uw(0, ord("h")) + uw(0, ord("i")) + ur(5) + uw(7, 0xA5) + ur(7, 6, 2)
    write("uart", "polled-output", b"\x00" + polled)
    loop = uw(4, 0x1B) + uw(1, 0x0F) + uw(2, 0x07)
    loop += b"".join(uw(0, 0x30 + i) for i in range(17))
    loop += ur(2, 5, 5) + ur(*([0] * 17)) + ur(2, 2, 6) + uw(4, 0x04) + ur(6, 6)
    write("uart", "loopback-overrun-irq", b"\x00" + loop)
    flow = host(b"abc") + ur(5, 0) + uw(4, 0x0A) + uw(1, 0x09) + ur(2, 0, 0)
    flow += bytes([0x90]) + ur(6) + ur(0) + bytes([0x80]) + ur(6, 2)
    write("uart", "host-input-rts-eof", b"\x03" + flow)
    wide = uart_bus(0, 2, True, b"A\x02\x01\x03") + uart_bus(5, 2, False)
    wide += uart_bus(6, 1, True, b"\x11\x22") + uart_bus(7, 1, False) + ur(2)
    write("uart", "bus-wide-accesses", b"\x01" + host(b"z") + wide)


# --- hypercall: RAM, host input, then calls (fuzz_hypercall.c) -------------

def hcall(nr, rbx=0, rcx=0):
    head = bytes([nr]) if nr <= 7 else b"\xff" + struct.pack("<Q", nr)
    return head + struct.pack("<QQ", rbx, rcx)


def hypercall_seeds():
    ram = b"Hello from the guest\n".ljust(64, b".")
    calls = hcall(4) + hcall(1, 0x4278) + hcall(3, 0, 21) + hcall(2) + hcall(2) + hcall(2)
    calls += hcall(3, 0xFFFFFFFF00000010, 4) + hcall(3, 60, 8) + hcall(0, 0x1234)
    calls += hcall(99) + hcall(5)
    write("hypercall", "every-call", u16(len(ram)) + ram + u16(2) + b"ab" + calls)
    write("hypercall", "puts-edges", u16(16) + b"0123456789abcdef" + u16(0)
          + hcall(3, 16, 0) + hcall(3, 15, 1) + hcall(3, 0xFFFFFFF0, 0x20) + hcall(2))


# --- exit_switch: config, then exits (fuzz_exit_switch.c) ------------------

PORT = {"thr": 0, "hc": 8, "debug-exit": 9, "fw-sel": 10, "fw-data": 11,
        "kbd-cmd": 5, "rtc-index": 6, "rtc-data": 7, "shutdown": 14, "none": 18}


def io_exit(port, out, size_log2=0, count=1, data=b"", regs=None, tame=True):
    union = struct.pack("<BBHIQ", 1 if out else 0, size_log2, PORT[port], count - 1, 0)
    exit_ = bytes([0, 1 if tame else 0]) + union.ljust(32, b"\0") + data.ljust(16, b"\0")
    return exit_ + (struct.pack("<QQ", *regs) if regs else b"")


def other_exit(pick, union=b"", how=0, regs=None):
    exit_ = bytes([pick, how]) + union.ljust(32, b"\0") + bytes(16)
    return exit_ + (struct.pack("<QQ", *regs) if regs else b"")


def exit_switch_seeds():
    regs = (0, 16)
    exits = io_exit("thr", True, data=b"A", regs=regs) + io_exit("none", False, 1, 2, regs=regs)
    exits += io_exit("hc", True, data=b"\x03", regs=regs)
    exits += io_exit("fw-sel", True, 1, 1, b"\x00\x00", regs) + io_exit("fw-data", False, 0, 4, regs=regs)
    exits += io_exit("rtc-index", True, data=b"\x0b", regs=regs) + io_exit("rtc-data", False, regs=regs)
    mmio = struct.pack("<Q", 0x10) + b"wxyz0000" + struct.pack("<IB", 3, 1)
    exits += other_exit(3, mmio, 2, regs) + other_exit(4, regs=regs)
    write("exit_switch", "devices-then-halt", b"\x08\x00\x00" + exits)
    bad = io_exit("thr", True, 3, 0xFFFFFFFF, tame=False) + io_exit("debug-exit", True, 2, 1, b"\x09")
    internal = struct.pack("<IIQB", 1, 3, 1, 3) + b"\x0f\x0b\x90"
    bad += other_exit(6, internal) + other_exit(7) + other_exit(8) + other_exit(5)
    bad += other_exit(3, struct.pack("<Q", 0xFF000000) + bytes(8) + struct.pack("<I", 9))
    bad += io_exit("shutdown", True, 0, 8, b"Shutdown") + io_exit("kbd-cmd", True, data=b"\xfe")
    write("exit_switch", "faults-and-stops", b"\x17\x10\x00" + bad)


# --- cli: argv words split on NUL (fuzz_cli.c) ------------------------------

def cli_seeds():
    lines = {
        "guests": ["--tag", "--stats", "-m", "512", "--stats-json=-", "a.bin", "b.bin"],
        "qemu-multiboot": ["-kernel", "k.elf", "-initrd", "m1 a,m2", "-append", "console=ttyS0",
                           "-smp", "2", "-m", "64M", "-serial", "stdio", "-nographic",
                           "-device", "isa-debug-exit,iobase=0xf4,iosize=4"],
        "flat-options": ["--paging", "--load=0x2000", "--entry", "0x80002000",
                         "--cpu=qemu64,+x2apic,-sse4.2", "--timeout=0.5", "--mem=64K", "-vx", "f.bin"],
        "qemu-machine": ["-smp", "cpus=2,sockets=1", "-machine", "pc,accel=kvm", "-cpu", "max",
                         "-kernel", "x", "-m", "size=128M", "-global", "isa-debugcon.iobase=0x402",
                         "--long", "-device", "help"],
    }
    for name, words in lines.items():
        write("cli", name, b"\0".join(w.encode() for w in words))


# --- fw_cfg: setup, then operations (fuzz_fw_cfg.c) -------------------------

def fw_select(key, size_log2=1):
    return bytes([2 << 5, size_log2]) + struct.pack("<I", key)[: 1 << size_log2]


def fw_read(size_log2=0, times=1):
    return bytes([3 << 5, size_log2]) * times


def fw_cfg_seeds():
    setup = struct.pack("<QHB", 64 << 20, 3, 2)
    setup += struct.pack("<QQI", 0, 0x9FC00, 1) + struct.pack("<QQI", 0x100000, 63 << 20, 1)
    ops = fw_select(0) + fw_read(2) + fw_read(0, 2) + fw_select(0x19) + fw_read(2, 20)
    ops += fw_select(0x4020) + fw_read(1, 22)
    ops += bytes([0]) + struct.pack("<HB", 0x8001, 5) + b"arch!" + fw_select(0x8001, 2) + fw_read(2, 2)
    ops += bytes([1 << 5, 9]) + b"opt/hello" + bytes([3]) + b"abc" + fw_select(0x21) + fw_read(2)
    ops += bytes([4 << 5, 0, 0x55]) + bytes([5 << 5, 0x40]) + bytes([6 << 5, 0x01]) + fw_read(0)
    ops += bytes([7 << 5, 0x15, 0x19, 0]) + bytes([7 << 5, 0x12]) + fw_read(0, 4)
    write("fw_cfg", "items-files-directory", setup + ops)
    write("fw_cfg", "no-map-byte-select", struct.pack("<QHB", 5 << 30, 64, 0)
          + fw_select(0x19, 0) + fw_read(2, 3) + bytes([0]) + struct.pack("<HB", 0x19, 1) + b"x")


# --- flat: protocol, mem, flags, --load, --entry, file (fuzz_flat.c) -------

def flat_case(proto, mem, flags, load=0, entry=0, image=b"\xf4"):
    return bytes([proto, mem, flags]) + struct.pack("<QQ", load, entry) + image


def flat_seeds():
    code = b"\xb0\x41\xe6\xf4" * 4
    write("flat", "real-mode", flat_case(0, 1, 0, image=code))
    write("flat", "paging-load-entry", flat_case(1, 3, 3, 0x3000, 0x80003004, code))
    write("flat", "long-mode-high-ram", flat_case(2, 6, 3, 0x200000, 0x200000, code))
    write("flat", "long-mode-default", flat_case(2, 5, 8, 0x5000, 0x10, code))


# --- console_text: mode, then reads (fuzz_console_text.c) ------------------

def chunks(*reads, scale=1):
    return b"".join(bytes([len(r) // scale]) + r for r in reads)


def console_text_seeds():
    write("console_text", "escapes", b"\x00" + chunks(
        b"ab\x01\x01c\x01h", b"\x01?\x01s\x01T\x01", b"q\x01\x7f\x01", b"\x05", b"\x01xdropped"))
    lines = b"first line\n" + b"x" * 21 + b"\n" + b"no end yet"
    write("console_text", "lines", b"\x01" + bytes([4]) + b"hello" [:4] + bytes([15])
          + b"[00:00:01.000] " + struct.pack("<Q", 3723004000000)
          + chunks(lines[:40], lines[40:] + b"......", scale=8) + bytes([129]) + b"y" * 1032)


# --- tables: CPUs, buffer size, MP address, filler (fuzz_tables.c) ---------

def tables_seeds():
    write("tables", "one-cpu", struct.pack("<BHI", 1, 0x1300, 0xE0000))
    write("tables", "64-cpus", struct.pack("<BHI", 64, 0x1500, 0xF0000) + b"\xff" * 64)
    write("tables", "too-small", struct.pack("<BHI", 2, 0x100, 0xF0000))


# --- gdb_packet: flags, then the bytes of a session (fuzz_gdb_packet.c) ----

def gdb_pkt(payload):
    b = payload.encode("latin1")
    return b"$" + b + b"#" + b"%02x" % (sum(b) % 256)


def gdb_packet_seeds():
    p = gdb_pkt
    write("gdb_packet", "session", b"\x00+" + p("qSupported:multiprocess+;swbreak+;hwbreak+")
          + b"+" + p("vMustReplyEmpty") + p("QStartNoAckMode") + p("Hg0")
          + p("qXfer:features:read:target.xml:0,ffb") + p("qfThreadInfo") + p("qsThreadInfo")
          + p("qAttached") + p("?") + p("g") + p("m10000,40") + p("qC"))
    write("gdb_packet", "breakpoints", b"\x00" + p("Z0,10013,1") + p("Z1,40001000,1")
          + p("Z2,200000,8") + p("Z4,1000,4") + p("vCont;s:1;c") + b"\x03"
          + p("z0,10013,1") + p("vCont?") + p("c") + p("s1000"))
    write("gdb_packet", "registers", b"\x01" + p("G" + "00" * 328) + p("P8=78563412")
          + p("P10=1122334455667788") + p("p18"))
    write("gdb_packet", "memory", b"\x00" + p("M30000,4:78563412") + p("X30000,2:}]}\x03")
          + p("m0,ffffffffffffffff") + p("qRcmd,6d6f6e69746f722073746174730a") + p("D") + p("k"))
    write("gdb_packet", "escapes", b"\x00" + p('a0*"') + b"junk}}*#zz$#00$g#00"
          + p("qThreadExtraInfo,1") + p("T1"))
    write("gdb_packet", "spec", b"\x02127.0.0.1:1234,guest=1,arch=x86-64")


if __name__ == "__main__":
    multiboot_seeds()
    bzimage_seeds()
    vmlinux_seeds()
    uart_seeds()
    hypercall_seeds()
    exit_switch_seeds()
    cli_seeds()
    fw_cfg_seeds()
    flat_seeds()
    console_text_seeds()
    tables_seeds()
    gdb_packet_seeds()
