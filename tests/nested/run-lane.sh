#!/bin/bash
# The nested lane: runs COMMAND on a real SVM /dev/kvm. The host's /dev/kvm is
# kvm-pvm, which refuses or emulates much of what hardware KVM does (see
# /work/shared/HOST-KVM.md), so we boot Debian's kernel under QEMU's emulator
# (TCG, which implements AMD SVM), load kvm_amd inside it, and run COMMAND in
# a copy of PAYLOAD_DIR there.
#
# usage: run-lane.sh PAYLOAD_DIR COMMAND [ARGS...]
# COMMAND's output (stdout and stderr) streams to stdout; lane messages and
# the kernel's own complaints go to stderr. Exit status: COMMAND's, or 124 if
# the run timed out, or 125 if the lane itself failed (one line says why).
# Environment: NESTED_TIMEOUT, NESTED_BOOT_TIMEOUT, NESTED_TSC_KHZ,
# NESTED_KERNEL, NESTED_MEM, NESTED_CPUS, NESTED_APPEND, NESTED_VERBOSE, NESTED_KEEP,
# NESTED_CACHE_DIR (see README.md).
set -u

here=$(cd "$(dirname "$0")" && pwd)
cache=${NESTED_CACHE_DIR:-$(cd "$here/../.." && pwd)/build/nested}
timeout_s=${NESTED_TIMEOUT:-600}
boot_timeout=${NESTED_BOOT_TIMEOUT:-120}
BB=/bin/busybox

say() { printf 'lane: %s\n' "$*" >&2; }
die() { printf 'lane: FAILED: %s\n' "$*" >&2; exit 125; }

case $timeout_s$boot_timeout in *[!0-9]*) die "NESTED_TIMEOUT and NESTED_BOOT_TIMEOUT must be whole seconds" ;; esac
cpus=${NESTED_CPUS:-1}
case $cpus in '' | *[!0-9]* | 0*) die "NESTED_CPUS must be a whole number of CPUs from 1, not '$cpus'" ;; esac
[ "$boot_timeout" -gt "$timeout_s" ] && boot_timeout=$timeout_s

[ $# -ge 2 ] || { echo "usage: $0 PAYLOAD_DIR COMMAND [ARGS...]" >&2; exit 2; }
payload=$1
shift
[ -d "$payload" ] || die "payload directory '$payload' does not exist"

# --- tools ------------------------------------------------------------------

# Newest Debian kernel whose modules include kvm-amd. Only Debian's images
# (vmlinuz-*-amd64) qualify: the host's own kernel is custom and not packaged.
kernel_version() {
	local f v
	for f in $(printf '%s\n' /boot/vmlinuz-*-amd64 | sort -rV); do
		v=${f#/boot/vmlinuz-}
		[ -n "${NESTED_KERNEL:-}" ] && [ "$v" != "$NESTED_KERNEL" ] && continue
		if [ -r "$f" ] && ls /lib/modules/"$v"/kernel/arch/x86/kvm/kvm-amd.ko* >/dev/null 2>&1; then
			echo "$v"
			return 0
		fi
	done
	return 1
}

# Prints the first thing missing, if any. busybox must be the static build:
# the initramfs has no C library.
missing_tool() {
	local c
	for c in qemu-system-x86_64 cpio xz; do
		command -v "$c" >/dev/null || { echo "$c"; return; }
	done
	[ -x "$BB" ] && ! ldd "$BB" >/dev/null 2>&1 || { echo "a static $BB"; return; }
	kernel_version >/dev/null || echo "a readable Debian kernel (/boot/vmlinuz-*-amd64 with kvm-amd)"
}

missing=$(missing_tool)
if [ -n "$missing" ]; then
	pkgs="qemu-system-x86 linux-image-amd64 busybox-static cpio xz-utils"
	[ "$(id -u)" = 0 ] || die "missing $missing, and not root to install: $pkgs"
	say "missing $missing: installing $pkgs"
	# --no-upgrade: install only what is missing, leave the rest of the machine be
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086 # $pkgs is a list
	{ apt-get update -q && apt-get install -y -q --no-install-recommends --no-upgrade $pkgs; } </dev/null >&2 ||
		die "apt-get install $pkgs failed"
	missing=$(missing_tool)
	[ -z "$missing" ] || die "still missing $missing after installing $pkgs"
fi
kver=$(kernel_version)

# Kernel image and plain kvm modules, cached per kernel build.
kdir=$("$here/prepare-kernel.sh" "$cache" "$kver") || exit 125

# --- initramfs --------------------------------------------------------------

# A newc cpio archive holding only /dev/console. The kernel opens it for
# init's stdio before /init runs; writing the node ourselves (newc headers are
# plain hex text) avoids needing root for mknod. The kernel unpacks
# concatenated archives, so this simply goes in front of the main one.
console_archive() {
	local name mode maj min
	while read -r name mode maj min; do
		printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
			0 "$mode" 0 0 1 0 0 0 0 "$maj" "$min" $((${#name} + 1)) 0
		printf '%s\0' "$name"
		# header (110 bytes) + name are padded to a multiple of 4
		head -c $(((4 - (110 + ${#name} + 1) % 4) % 4)) /dev/zero
	done <<-END
		dev 0x41ed 0 0
		dev/console 0x2180 5 1
		TRAILER!!! 0 0 0
	END
}

build_initramfs() { # OUT COMMAND [ARGS...]
	local out=$1 root=$run/root a
	shift
	mkdir -p "$root"/bin "$root"/sbin "$root"/usr/bin "$root"/usr/sbin "$root"/proc "$root"/sys "$root"/tmp "$root"/lane "$root"/payload "$root"/lib/modules
	cp "$BB" "$root/bin/busybox" && cp "$kdir"/modules/* "$root/lib/modules/" &&
		cp -RL "$payload/." "$root/payload/" || die "cannot stage the initramfs in $root"
	cp "$here/lane-init.sh" "$root/init" && chmod 755 "$root/init"
	echo "$nonce" >"$root/lane/nonce"
	# Each argument single-quoted ('\'' for a quote), so any byte survives.
	{
		printf 'exec'
		for a in "$@"; do printf " '%s'" "${a//\'/\'\\\'\'}"; done
		printf '\n'
	} >"$root/lane/cmd"
	{ console_archive && (cd "$root" && find . -mindepth 1 | cpio -o -H newc -R 0:0 --quiet); } >"$out" ||
		die "cannot build the initramfs"
}

# --- boot -------------------------------------------------------------------

# The host's TSC rate, which is also the rate TCG gives the guest's TSC:
# preferably the host kernel's own calibration, else cpuinfo (constant TSC).
host_tsc_khz() {
	local mhz
	if [ -n "${NESTED_TSC_KHZ:-}" ]; then
		case $NESTED_TSC_KHZ in *[!0-9]*) die "NESTED_TSC_KHZ must be a whole number of kHz" ;; esac
		echo "$NESTED_TSC_KHZ"
		return
	fi
	mhz=$(dmesg 2>/dev/null | sed -n -E 's/.*tsc: (Detected|Refined TSC clocksource calibration:) ([0-9.]+) MHz.*/\2/p' | tail -n 1)
	if [ -z "$mhz" ] && grep -q '^flags.* constant_tsc' /proc/cpuinfo; then
		mhz=$(sed -n 's/^cpu MHz[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)
	fi
	[ -n "$mhz" ] && awk -v m="$mhz" 'BEGIN { if (m > 0) printf "%d\n", m * 1000 + 0.5 }'
}

cleanup() {
	[ -n "${qpid:-}" ] && kill "$qpid" 2>/dev/null
	[ -n "${run:-}" ] && [ -z "${NESTED_KEEP:-}" ] && rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$cache" && run=$(mktemp -d "$cache/run.XXXXXX") || die "cannot write to $cache"
nonce=$(od -An -N 6 -tx1 /dev/urandom | tr -d ' \n')
build_initramfs "$run/initrd" "$@"
tsc_khz=$(host_tsc_khz)
[ -n "$tsc_khz" ] || say "host TSC rate unknown (set NESTED_TSC_KHZ); the lane may fail TSC calibration"
# acpi=off saves boot time, but a machine of more than one CPU needs ACPI to
# find the others (SeaBIOS's MP table lists only the boot CPU here).
acpi=acpi=off
[ "$cpus" -gt 1 ] && acpi=
append="console=ttyS0 ${acpi:+$acpi }cryptomgr.notests panic=-1 ${tsc_khz:+tsc_early_khz=$tsc_khz} ${NESTED_APPEND:-}"
# Before /dev/kvm is ready, the console is shown only on failure; after it,
# whatever the kernel says (warnings, oopses) streams to stderr.
filter="s/\r\$//; /@@LANE-$nonce-READY=/,/@@LANE-$nonce-STATUS=/ { /@@LANE-$nonce-/!p }"
if [ -n "${NESTED_VERBOSE:-}" ]; then
	filter="s/\r\$//; /@@LANE-$nonce-/!p"
else
	append="$append quiet"
fi
log=$run/console.log
marker() { sed -n "s/.*@@LANE-$nonce-$1=\(.*\)@@.*/\1/p" "$log" | tail -n 1; }

# One boot. ttyS0 (kernel console, markers) goes to $log; ttyS1, COMMAND's
# output, straight to our stdout. Sets qrc, status, ready and error.
boot() { # KERNEL_IMAGE
	local t0 now
	hung=
	: >"$log"
	t0=$(date +%s%N)
	timeout -k 5 "$timeout_s" qemu-system-x86_64 -accel tcg -cpu max -smp "$cpus" -m "${NESTED_MEM:-2G}" \
		-nographic -nodefaults -no-reboot -monitor none \
		-chardev file,id=con,path="$log" -serial chardev:con \
		-chardev stdio,id=out -serial chardev:out \
		-kernel "$1" -initrd "$run/initrd" -append "$append" </dev/null &
	qpid=$!
	tail -n +1 -s 0.2 -f --pid="$qpid" "$log" | sed -u -n "$filter" >&2 &
	# Watch the boot: a kernel that never gets to /dev/kvm is stopped early,
	# not left to burn the whole timeout.
	while ! grep -q "@@LANE-$nonce-\(READY\|ERROR\)=" "$log"; do
		kill -0 "$qpid" 2>/dev/null || break
		now=$(date +%s%N)
		if [ $(((now - t0) / 1000000000)) -ge "$boot_timeout" ]; then
			kill "$qpid"
			hung=1
			break
		fi
		sleep 0.05
	done
	ready=$(marker READY)
	now=$(date +%s%N)
	[ -n "$ready" ] && say "/dev/kvm ready $(((now - t0) / 1000000)) ms after QEMU started (kernel uptime $ready s)"
	wait "$qpid"
	qrc=$?
	qpid=
	wait
	status=$(marker STATUS)
	error=$(marker ERROR)
}

image=$kdir/bzImage
[ -f "$kdir/vmlinux" ] && image=$kdir/vmlinux
for attempt in 1 2; do
	boot "$image"
	[ -n "$status" ] && exit "$status"
	if [ -n "$ready" ]; then # COMMAND ran: never run it twice
		[ "$qrc" = 124 ] && { say "FAILED: timed out after ${timeout_s} s (NESTED_TIMEOUT) while running: $*"; exit 124; }
		grep -q 'Kernel panic' "$log" && die "the lane's kernel panicked while running: $*"
		die "the lane died (QEMU status $qrc) without reporting the command's status"
	fi
	if [ -n "$error" ]; then
		why="$error"
	elif grep -q 'Kernel panic' "$log"; then
		why="the lane's kernel panicked while booting: $(sed -n 's/\r$//; s/.*\(Kernel panic - .*\)/\1/p' "$log" | head -n 1)"
	elif [ -n "$hung" ] || [ "$qrc" = 124 ]; then
		why="boot hung: /dev/kvm not ready after ${boot_timeout} s (NESTED_BOOT_TIMEOUT)"
	else
		why="QEMU exited (status $qrc) before /dev/kvm was ready"
		image=$kdir/bzImage # in case QEMU could not boot the extracted kernel
	fi
	# The console was held back until now (SeaBIOS' escape codes stripped)
	[ -n "${NESTED_VERBOSE:-}" ] || {
		echo '--- lane console ---'
		sed "s/\r\$//; s/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g; /@@LANE-$nonce-/d" "$log"
		echo '---'
	} >&2
	[ "$attempt" = 1 ] && say "$why; retrying the boot once"
done
die "$why"
