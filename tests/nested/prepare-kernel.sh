#!/bin/bash
# Prepares, once per kernel build, what the nested lane boots: an uncompressed
# kernel extracted from Debian's bzImage (QEMU boots it seconds faster, since
# under TCG the kernel's self-decompression is slow), the bzImage as fallback,
# and plain, unsigned copies of kvm-amd.ko and its dependencies in load order.
#
# usage: prepare-kernel.sh CACHE_DIR KERNEL_VERSION
# Prints the directory holding kernel (vmlinux and/or bzImage) and modules/
# (*.ko plus `order`). The directory name includes the image's size and
# mtime, so an updated kernel package is picked up even at the same version.
set -u

cache=$1
kver=$2
say() { printf 'lane: %s\n' "$*" >&2; }
die() { printf 'lane: FAILED: %s\n' "$*" >&2; exit 125; }

# A bzImage spends seconds under TCG decompressing itself; QEMU can boot the
# plain ELF kernel instead (through its PVH entry note). tools/extract-vmlinux.sh
# (also `make vmlinux`) cuts it out of the bzImage with Debian's tools.
extract_vmlinux() { # BZIMAGE OUT
	sh "$(dirname "$0")/../../tools/extract-vmlinux.sh" "$1" "$2" 2>/dev/null
}

# Module signatures are appended after the ELF: the kernel-format trailer is
# a 12-byte struct whose last field is the signature length (big-endian),
# then a 28-byte magic string. Unsigned copies skip verification at insmod.
unsign_module() { # IN OUT
	local size siglen
	size=$(stat -c %s "$1")
	if [ "$(tail -c 28 "$1")" = "~Module signature appended~" ]; then
		siglen=$(tail -c 32 "$1" | od -An -tu4 -N 4 --endian=big | tr -d ' \n')
		head -c $((size - 28 - 12 - siglen)) "$1" >"$2"
	else
		cp "$1" "$2"
	fi
}

img=/boot/vmlinuz-$kver
mdir=/lib/modules/$kver
dir=$cache/kernel-$kver-$(stat -c %s-%Y "$img") || die "cannot read $img"
if [ -f "$dir/done" ]; then
	echo "$dir"
	exit 0
fi

say "preparing kernel $kver (once per kernel build)"
mkdir -p "$cache" && tmp=$(mktemp -d "$cache/.kernel.XXXXXX") || die "cannot write to $cache"
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
if ! grep -q '^CONFIG_PVH=y' "/boot/config-$kver" 2>/dev/null ||
	! extract_vmlinux "$img" "$tmp/vmlinux"; then
	rm -f "$tmp/vmlinux"
	say "could not extract an uncompressed kernel; the lane boots the bzImage (slower)"
fi
cp "$img" "$tmp/bzImage" && mkdir "$tmp/modules" || die "cannot write to $tmp"

# modules.dep lists every dependency, the one to load last first (here: ccp,
# for SEV; kvm; irqbypass), so they are loaded in reverse, kvm-amd at the end.
line=$(grep -m 1 '^[^:]*/kvm-amd\.ko[^:]*:' "$mdir/modules.dep") ||
	die "kvm-amd is not in $mdir/modules.dep"
# shellcheck disable=SC2086 # the dependency list is split into words
for m in $(printf '%s\n' ${line#*:} | tac) "${line%%:*}"; do
	case $m in /*) ;; *) m=$mdir/$m ;; esac
	name=$(basename "$m")
	name=${name%.ko*}.ko
	# busybox insmod takes only a plain ELF module
	case $m in
	*.xz) xz -dc "$m" ;;
	*.zst) zstd -dcq "$m" ;;
	*.gz) gzip -dc "$m" ;;
	*) cat "$m" ;;
	esac >"$tmp/raw" || die "cannot read module $m"
	unsign_module "$tmp/raw" "$tmp/modules/$name"
	[ "$(od -An -c -N 4 "$tmp/modules/$name" | tr -d ' \n')" = 177ELF ] || die "$m did not give an ELF module"
	echo "$name" >>"$tmp/modules/order"
done
rm -f "$tmp/raw"
touch "$tmp/done"
# Rename into place: a concurrent run may have won the race, which is fine.
mv -T "$tmp" "$dir" 2>/dev/null
for m in "$cache"/kernel-*; do
	[ "$m" = "$dir" ] || rm -rf "$m" # builds of kernels since replaced
done
[ -f "$dir/done" ] || die "could not create $dir"
echo "$dir"
