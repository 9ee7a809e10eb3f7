#!/bin/sh
# Extracts the uncompressed kernel (vmlinux, an ELF64 file) from an x86
# bzImage such as Debian's /boot/vmlinuz-*-amd64, with Debian's own tools
# only (od, head, tail, and xz, zstd, gzip or bzip2 for the stream). A
# vmlinux boots without the bzImage's decompressor, seconds sooner under an
# emulator: kvm-vmm --kernel takes it (docs/linux.md), and so does QEMU.
#
# usage: extract-vmlinux.sh BZIMAGE OUT
# The setup header (boot protocol 2.08 or later) says where the compressed
# kernel lies: payload_offset (0x248) bytes past the real-mode setup
# sectors (their count at 0x1f1, 0 meaning 4), payload_length (0x24c)
# bytes long. Its first bytes say how it is compressed. Each segment's
# trailing zero pages are then left out of its file size
# (tools/trim-vmlinux.sh), which spares a loader reading 23 MiB of
# Debian's kernel; the memory image is the same. OUT is written whole or
# not at all. Status 0, or 1 with one line on stderr.
set -u

die() { printf 'extract-vmlinux: %s\n' "$*" >&2; rm -f "${tmp:-}"; exit 1; }
[ $# -eq 2 ] || die "usage: extract-vmlinux.sh BZIMAGE OUT"
img=$1
out=$2
[ -r "$img" ] || die "$img: cannot read it"

# Little-endian unsigned integer of $2 bytes at offset $1 of the image.
le() { od -An -tu"$2" -j "$(($1))" -N "$2" --endian=little "$img" | tr -d ' \n'; }
hex() { od -An -tx1 -j "$1" -N "$2" "$img" | tr -d ' \n'; }

[ "$(hex 514 4)" = 48647253 ] || die "$img: not a bzImage (no \"HdrS\" setup header)"
version=$(le 0x206 2)
[ "$version" -ge $((0x208)) ] ||
	die "$img: boot protocol $((version >> 8)).$((version & 255)) has no payload_offset (2.08 or later needed)"
sects=$(le 0x1f1 1)
[ "$sects" = 0 ] && sects=4
off=$(((sects + 1) * 512 + $(le 0x248 4)))
len=$(le 0x24c 4)
size=$(wc -c <"$img")
[ "$len" -gt 0 ] && [ $((off + len)) -le "$size" ] ||
	die "$img: the payload ($len bytes at $off) lies outside the file's $size bytes"

magic=$(hex "$off" 6)
case $magic in
fd377a585a00) dec="xz -dc --single-stream" ;;
28b52ffd*) dec="zstd -dcq" ;;
1f8b*) dec="gzip -dc" ;;
425a68*) dec="bzip2 -dc" ;;
5d0000*) dec="xz -dc --format=lzma" ;;
*) die "$img: the payload starts with $magic: not xz, zstd, gzip, bzip2 or lzma" ;;
esac
command -v "${dec%% *}" >/dev/null || die "no ${dec%% *} to decompress $img (apt-get install it)"

tmp=$out.tmp.$$
# The build appends the uncompressed size after the stream, which some
# decompressors call trailing garbage: the result is judged, not the status.
tail -c +$((off + 1)) "$img" | head -c "$len" | $dec >"$tmp" 2>/dev/null
# An ELF64 little-endian x86-64 (machine 62) executable (type 2).
[ "$(od -An -tx1 -N 6 "$tmp" | tr -d ' \n')" = 7f454c460201 ] &&
	[ "$(od -An -tu2 -j 16 -N 4 --endian=little "$tmp" | tr -s ' ' | sed 's/^ //')" = "2 62" ] ||
	die "$img: its payload did not decompress to an x86-64 ELF executable"
# The zeros at the end of each segment need not be read by a loader.
err=$(sh "$(dirname "$0")/trim-vmlinux.sh" "$tmp" 2>&1 >/dev/null) || die "${err#trim-vmlinux: }"
mv -f "$tmp" "$out" || die "cannot write $out"
