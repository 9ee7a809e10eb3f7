#!/usr/bin/env python3
"""Checks tools/trim-vmlinux.sh on small ELF64 files built here: each
PT_LOAD segment's p_filesz ends at its last page holding a non-zero byte,
nothing else in the file changes, other segments and bad files are left
alone (bad files with status 1 and one line), and a second run changes
nothing. `make test-unit` runs it; it needs no KVM."""
import os
import struct
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRIM = os.path.join(TOP, "tools", "trim-vmlinux.sh")
PAGE = 4096
PT_LOAD, PT_NOTE = 1, 4
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL " + name + (": " + detail if detail else ""))


def elf(segments):
    """An ELF64 executable; segments are (type, offset, bytes, memsz)."""
    phoff = 64
    head = bytearray(64)
    head[0:6] = b"\x7fELF\x02\x01"
    head[6] = 1
    struct.pack_into("<HHIQQQIHHHHHH", head, 16, 2, 62, 1, 0x1000000, phoff, 0, 0, 64, 56, len(segments), 64, 0, 0)
    end = max([phoff + 56 * len(segments)] + [off + len(data) for _, off, data, _ in segments])
    image = bytearray(end)
    image[0:64] = head
    for i, (ptype, off, data, memsz) in enumerate(segments):
        struct.pack_into("<IIQQQQQQ", image, phoff + 56 * i, ptype, 7, off, 0, 0x1000000 + off, len(data), memsz, PAGE)
        image[off:off + len(data)] = data
    return bytes(image)


def filesz(image, i):
    return struct.unpack_from("<Q", image, 64 + 56 * i + 32)[0]


def run(image):
    with tempfile.NamedTemporaryFile(delete=False) as tmp:
        tmp.write(image)
    try:
        r = subprocess.run(["sh", TRIM, tmp.name], capture_output=True, text=True)
        with open(tmp.name, "rb") as f:
            return r.returncode, r.stdout, r.stderr, f.read()
    finally:
        os.unlink(tmp.name)


def same_but_filesz(before, after, index):
    """The files differ only in segment index's p_filesz field."""
    at = 64 + 56 * index + 32
    return len(before) == len(after) and before[:at] == after[:at] and before[at + 8:] == after[at + 8:]


# Data, then zero pages and a partial zero page: trimmed to the data's page.
data = b"\x90" * 100 + b"\0" * (PAGE - 100) + b"\0" * (3 * PAGE + 200)
image = elf([(PT_LOAD, PAGE, data, len(data) + 5 * PAGE)])
rc, out, err, after = run(image)
check("trailing zero pages leave the file size", rc == 0 and filesz(after, 0) == PAGE, f"status {rc}, p_filesz {filesz(after, 0)}, {err}")
check("only p_filesz changed", same_but_filesz(image, after, 0))
check("the change is reported", out == f"trim-vmlinux: segment 0: {len(data)} -> {PAGE} bytes\n", out)
rc, out, err, again = run(after)
check("a second run changes nothing", rc == 0 and again == after and out == "", out + err)

# A non-zero byte in the last partial page keeps the whole segment.
data = b"\x01" + b"\0" * (2 * PAGE) + b"\x02"
image = elf([(PT_LOAD, PAGE, data, len(data))])
rc, out, err, after = run(image)
check("a last non-zero byte keeps every byte", rc == 0 and after == image and out == "", out + err)

# One non-zero byte mid-page: that page stays, the pages after it go.
data = b"\0" * (2 * PAGE + 7) + b"\x05" + b"\0" * (3 * PAGE)
image = elf([(PT_LOAD, PAGE, data, len(data))])
rc, out, err, after = run(image)
check("the page with the last non-zero byte stays", rc == 0 and filesz(after, 0) == 3 * PAGE, str(filesz(after, 0)))

# All zeros: no file bytes at all; a second PT_LOAD is trimmed on its own;
# a PT_NOTE is never touched.
zeros = b"\0" * (2 * PAGE)
image = elf([(PT_NOTE, PAGE, zeros, len(zeros)), (PT_LOAD, 3 * PAGE, zeros, len(zeros)),
             (PT_LOAD, 5 * PAGE, b"\x07" * PAGE + zeros, 3 * PAGE)])
rc, out, err, after = run(image)
check("a PT_NOTE keeps its size", filesz(after, 0) == 2 * PAGE)
check("an all-zero segment keeps no file bytes", rc == 0 and filesz(after, 1) == 0, str(filesz(after, 1)))
check("each segment is trimmed on its own", filesz(after, 2) == PAGE, str(filesz(after, 2)))

def huge_offset():
    image = bytearray(elf([(PT_LOAD, PAGE, b"\x01" * PAGE, PAGE)]))
    struct.pack_into("<Q", image, 64 + 8, 2**64 - PAGE // 2)
    return bytes(image)


# Bad files: status 1, one line naming the file, the file unchanged.
for name, bad, why in [
    ("not an ELF", b"\0" * 4096, "not a little-endian ELF64 file"),
    ("a segment past the end of the file",
     elf([(PT_LOAD, PAGE, b"\x01" * 10, 10)])[:PAGE + 5], "segment 0: its file bytes lie outside the file"),
    ("a segment offset near 2^64", huge_offset(), "segment 0: its file bytes lie outside the file"),
    ("program headers past the end of the file", elf([(PT_LOAD, PAGE, b"\x01", 1)])[:100], "program headers lie outside"),
]:
    rc, out, err, after = run(bad)
    lines = err.splitlines()
    check(f"{name}: refused with one line", rc == 1 and len(lines) == 1 and why in err and out == "", f"status {rc}: {err!r}")
    check(f"{name}: the file is unchanged", after == bad)

print(f"trim-vmlinux: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
