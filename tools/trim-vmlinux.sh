#!/bin/sh
# Shortens the file part of each loadable segment of an ELF64 kernel (a
# vmlinux) to end at its last page that holds a non-zero byte, in place.
# Debian's vmlinux keeps the zero-filled .bss, .brk and .init.scratch in the
# file bytes of its last segment (23 of its 25.5 MiB): a loader copies those
# zeros into guest RAM, which under an emulator costs a noticeable part of
# the boot. Past p_filesz, up to p_memsz, an ELF loader gives zeros anyway
# (kvm-vmm leaves that RAM untouched; QEMU clears it), so the guest sees
# the same bytes; only p_filesz changes and the file keeps its size.
#
# usage: trim-vmlinux.sh FILE
# Prints "trim-vmlinux: segment I: FILESZ -> NEW bytes" for each segment it
# shortens. Status 0, or 1 with one line on stderr (FILE is then unchanged
# unless the failure came while writing it). Debian's od, cmp and dd only.
set -u

die() { printf 'trim-vmlinux: %s\n' "$*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: trim-vmlinux.sh FILE"
f=$1
[ -r "$f" ] && [ -w "$f" ] || die "$f: cannot read and write it"
size=$(wc -c <"$f")
page=4096

# Little-endian unsigned integer of $2 bytes at offset $1 of the file.
le() { od -An -tu"$2" -j "$(($1))" -N "$2" --endian=little "$f" | tr -d ' \n'; }
# Writes $2 as 8 little-endian bytes at offset $1 of the file.
put64() {
	v=$2 bytes=
	for _ in 1 2 3 4 5 6 7 8; do
		bytes=$bytes\\$(printf '%03o' $((v & 255)))
		v=$((v >> 8))
	done
	printf "$bytes" | dd of="$f" bs=1 seek="$1" count=8 conv=notrunc 2>/dev/null ||
		die "$f: cannot write at offset $1"
}
# True when the $2 bytes at offset $1 are all zero (none: true).
zeros() { [ "$2" -eq 0 ] || cmp -s -n "$2" -i "$1:0" "$f" /dev/zero; }

[ "$size" -ge 64 ] && [ "$(od -An -tx1 -N 6 "$f" | tr -d ' \n')" = 7f454c460201 ] ||
	die "$f: not a little-endian ELF64 file"
phoff=$(le 32 8) phentsize=$(le 54 2) phnum=$(le 56 2)
[ "$phentsize" = 56 ] || die "$f: program headers of $phentsize bytes, not 56"
[ ${#phoff} -le 18 ] && [ $((phoff + phnum * 56)) -le "$size" ] || die "$f: its program headers lie outside the file"

i=0
while [ "$i" -lt "$phnum" ]; do
	ph=$((phoff + i * 56))
	if [ "$(le "$ph" 4)" = 1 ]; then # PT_LOAD
		off=$(le $((ph + 8)) 8) filesz=$(le $((ph + 32)) 8) memsz=$(le $((ph + 40)) 8)
		# (Under 10^18 first, so that the sum cannot overflow the shell's
		# 64-bit arithmetic.)
		[ ${#off} -le 18 ] && [ ${#filesz} -le 18 ] && [ ${#memsz} -le 18 ] &&
			[ "$filesz" -le "$memsz" ] && [ $((off + filesz)) -le "$size" ] ||
			die "$f: segment $i: its file bytes lie outside the file or exceed its memory size"
		# The fewest whole pages from the segment's start after which only
		# zeros follow: "only zeros after page k" holds for every k past
		# the answer, so a binary search finds it.
		lo=0 hi=$(((filesz + page - 1) / page))
		while [ "$lo" -lt "$hi" ]; do
			mid=$(((lo + hi) / 2))
			if zeros $((off + mid * page)) $((filesz - mid * page)); then hi=$mid; else lo=$((mid + 1)); fi
		done
		# (hi * page reaches filesz only where nothing is trimmed.)
		new=$((hi * page))
		if [ "$new" -lt "$filesz" ]; then
			put64 $((ph + 32)) "$new"
			echo "trim-vmlinux: segment $i: $filesz -> $new bytes"
		fi
	fi
	i=$((i + 1))
done
