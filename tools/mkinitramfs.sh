#!/bin/sh
# Builds a Linux initramfs around busybox-static: a gzip'd cpio "newc"
# archive holding /bin/busybox, /init, empty /proc, /sys, /dev, /tmp, /root
# and a /dev/console node (the kernel opens it for init's stdio before /init
# runs). Used by `make initramfs` (build/initramfs.cpio.gz) and by the linux
# lane (tests/linux/run.sh), which gives its own /init.
#
# usage: mkinitramfs.sh [--init FILE] OUT
# Without --init, /init mounts /proc, /sys and /dev (devtmpfs), prints
#   Mini-KVM initramfs: busybox shell; type reboot -f to leave
# and runs a busybox shell on the console (ttyS0, its controlling terminal,
# so Ctrl-C and job control work); when the shell ends, it reboots, which
# ends a kvm-vmm run with status 0. (poweroff only halts the CPUs: the
# machine has no ACPI to power off with.)
#
# Needs a static /bin/busybox (package busybox-static), cpio and gzip; as
# root, installs what is missing with apt-get. No root needed otherwise: the
# device node is written into the archive, not made with mknod.
set -u
BB=/bin/busybox
init=
if [ "${1:-}" = --init ] && [ $# -ge 2 ]; then
	init=$2
	shift 2
fi
[ $# -eq 1 ] && [ -n "$1" ] || { echo "usage: $0 [--init FILE] OUT" >&2; exit 2; }
out=$1
die() { echo "mkinitramfs: $*" >&2; exit 1; }
[ -z "$init" ] || [ -r "$init" ] || die "cannot read the init script '$init'"

static_busybox() { [ -x "$BB" ] && ! ldd "$BB" >/dev/null 2>&1; }
if ! static_busybox || ! command -v cpio >/dev/null || ! command -v gzip >/dev/null; then
	pkgs="busybox-static cpio gzip"
	[ "$(id -u)" = 0 ] || die "needs a static $BB, cpio and gzip: apt-get install $pkgs (as root)"
	echo "mkinitramfs: installing $pkgs" >&2
	# shellcheck disable=SC2086 # $pkgs is a list
	{ DEBIAN_FRONTEND=noninteractive apt-get update -q &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends --no-upgrade $pkgs; } </dev/null >&2 ||
		die "apt-get install $pkgs failed"
	static_busybox || die "$BB is still not a static busybox"
fi

# newc_node NAME MODE MAJOR MINOR: one cpio "newc" header for a file without
# data (directory or device node): 13 eight-digit hex fields, the name, and
# padding of header and name to a multiple of 4.
newc_node() {
	printf '070701'
	printf '%08X' 0 "$2" 0 0 1 0 0 0 0 "$3" "$4" $((${#1} + 1)) 0
	printf '%s\0' "$1"
	pad=$(((4 - (110 + ${#1} + 1) % 4) % 4))
	[ "$pad" -gt 0 ] && head -c "$pad" /dev/zero
	return 0
}

mkdir -p "$(dirname "$out")" || die "cannot create $(dirname "$out")"
root=$(mktemp -d "$out.root.XXXXXX") || die "cannot write next to $out"
trap 'rm -rf "$root" "$out.tmp"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/tmp" "$root/root" || die "cannot stage the archive in $root"
cp "$BB" "$root/bin/busybox" || die "cannot copy $BB"
if [ -n "$init" ]; then
	cp "$init" "$root/init" || die "cannot copy $init"
else
	cat >"$root/init" <<'EOF'
#!/bin/busybox sh
# /init of the Mini-KVM initramfs (tools/mkinitramfs.sh)
/bin/busybox mkdir -p /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
cd /root
echo "Mini-KVM initramfs: busybox shell; type reboot -f to leave"
# setsid + cttyhack: the console's real tty (ttyS0) becomes the shell's
# controlling terminal, so Ctrl-C reaches the foreground program.
setsid cttyhack sh
echo "Mini-KVM initramfs: the shell exited; rebooting"
reboot -f
EOF
fi
chmod 755 "$root/init"
{
	newc_node dev 0x41ed 0 0         # directory, 0755
	newc_node dev/console 0x2180 5 1 # character device 5:1, 0600
	# The kernel unpacks concatenated archives: the first one's trailer
	# ends it, the rest follow.
	newc_node 'TRAILER!!!' 0 0 0
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet)
} | gzip -9n >"$out.tmp" || die "cannot build $out"
mv -f "$out.tmp" "$out" || die "cannot write $out"
echo "mkinitramfs: $out ($(wc -c <"$out") bytes)" >&2
