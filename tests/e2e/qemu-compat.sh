#!/bin/sh
# Multiboot kernels written for QEMU (guests/qemu) against their golden
# output: under kvm-vmm with its own options, under kvm-vmm called by its
# QEMU name (kvm-vmm-qemu, QEMU's options), and under QEMU itself (TCG), so
# that the same kernels, the same files and the same output hold in all
# three. POSIX sh: runs on the host, in the nested lane (busybox) and with
# QEMU.
#
# usage: qemu-compat.sh vmm  VMM  KDIR GOLDEN
#        qemu-compat.sh qemu QEMU KDIR GOLDEN
# KDIR holds the kernels (build/guests/qemu), GOLDEN tests/golden/qemu:
# for each case NAME, NAME.out is the expected serial output and
# NAME.status the exit status; NAME.qemu.out and NAME.qemu.status, where
# present, replace them under real QEMU (where QEMU itself differs:
# the Bochs shutdown port, a kernel linked at 0x8000).
#
# The kernels and the module files are copied into a scratch directory and
# every runner is started there with the same relative names, so the
# multiboot command line ("KERNEL ARGS" under QEMU: the path as given, a
# space, then -append) reads the same everywhere.
#
# Environment: QEMU_COMPAT_SMP, the CPU counts of the smp cases (default
# "1 2 4 8"); QEMU_COMPAT_TIMEOUT, seconds per run (default 120).
set -u
if [ $# -ne 4 ] || { [ "$1" != vmm ] && [ "$1" != qemu ]; }; then
	echo "usage: qemu-compat.sh vmm VMM KDIR GOLDEN | qemu-compat.sh qemu QEMU KDIR GOLDEN" >&2
	exit 2
fi
MODE=$1 RUNNER=$2 KDIR=$3 GOLD=$4
SMPS=${QEMU_COMPAT_SMP:-1 2 4 8}
TMO=${QEMU_COMPAT_TIMEOUT:-120}
PASS=0 FAIL=0
abspath() { case $1 in /*) echo "$1" ;; */*) echo "$(pwd)/$1" ;; *) echo "$1" ;; esac; }
RUNNER=$(abspath "$RUNNER") KDIR=$(abspath "$KDIR") GOLD=$(abspath "$GOLD")
case $KDIR in /*) ;; *) KDIR=$(pwd)/$KDIR ;; esac
case $GOLD in /*) ;; *) GOLD=$(pwd)/$GOLD ;; esac

finish() { echo "qemu-compat-$MODE: $PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; exit $?; }

if [ "$MODE" = vmm ] && [ ! -e /dev/kvm ]; then
	echo "qemu-compat: FAIL: /dev/kvm is missing: vmm mode needs KVM (run it in the nested lane: tests/nested/run-lane.sh)" >&2
	FAIL=1
	finish
fi
if [ "$MODE" = qemu ] && ! command -v "$RUNNER" >/dev/null 2>&1; then
	echo "qemu-compat: FAIL: $RUNNER not found" >&2
	FAIL=1
	finish
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/minikvm-qemu-compat.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
for k in modules smp fwcfg testdev acpi shutdown low8000; do
	if [ -f "$KDIR/$k.elf" ]; then cp "$KDIR/$k.elf" "$T/"
	else echo "qemu-compat: $KDIR/$k.elf missing" >&2; fi
done
# The modules, of known contents: a.txt one line (26 bytes), c.txt more
# than a page (5400 bytes), b.bin 21 bytes with unprintable ones.
printf 'hello module A, more text\n' >"$T/a.txt"
i=0
while [ $i -lt 300 ]; do printf 'module C line %03d\n' $i; i=$((i + 1)); done >"$T/c.txt"
printf 'BIN\001\002\003\377binary module\n' >"$T/b.bin"
[ "$MODE" = vmm ] && ln -s "$RUNNER" "$T/kvm-vmm-qemu"
mkdir "$T/res"

# run RUNNER_NAME KERNEL SMP MEM_MIB TESTDEV(0/1) APPEND INITRD
# -> $T/res/out, $T/res/err, $RC. In $T, the kernel named by its file name.
run() {
	r=$1 k=$2 smp=$3 mem=$4 dev=$5 app=$6 mods=$7
	set --
	case $r in
	vmm)
		[ "$smp" -ne 1 ] && set -- "$@" --smp "$smp"
		set -- "$@" --mem "${mem}M"
		[ -n "$mods" ] && set -- "$@" --initrd "$mods"
		[ -n "$app" ] && set -- "$@" --append "$app"
		[ "$dev" -eq 1 ] && set -- "$@" --device pc-testdev
		set -- "$RUNNER" "$@" --timeout "$TMO" "$k"
		;;
	*)
		set -- -kernel "$k"
		[ -n "$mods" ] && set -- "$@" -initrd "$mods"
		[ -n "$app" ] && set -- "$@" -append "$app"
		set -- "$@" -smp "$smp" -m "$mem" -device isa-debug-exit,iobase=0xf4,iosize=0x4
		[ "$dev" -eq 1 ] && set -- "$@" -device pc-testdev
		set -- "$@" -serial stdio -display none -nodefaults -no-reboot
		if [ "$r" = vmm-qemu ]; then set -- ./kvm-vmm-qemu "$@"
		else set -- "$RUNNER" -accel tcg "$@"; fi
		;;
	esac
	(cd "$T" && timeout "$TMO" "$@" </dev/null >"$T/res/out" 2>"$T/res/err")
	RC=$?
}

# check NAME RUNNER_NAME KERNEL SMP MEM TESTDEV APPEND INITRD
check() {
	name=$1
	shift
	golden=$GOLD/$name.out status=$GOLD/$name.status
	if [ "$1" = qemu ]; then
		[ -f "$GOLD/$name.qemu.out" ] && golden=$GOLD/$name.qemu.out
		[ -f "$GOLD/$name.qemu.status" ] && status=$GOLD/$name.qemu.status
	fi
	label="$1 $name"
	if [ ! -f "$golden" ] || [ ! -f "$status" ]; then
		FAIL=$((FAIL + 1)); echo "FAIL $label: no golden $(basename "$golden") or $(basename "$status")"
		return
	fi
	run "$@"
	want=$(cat "$status")
	if [ "$RC" -ne "$want" ]; then
		FAIL=$((FAIL + 1)); echo "FAIL $label: status $RC, expected $want"
		diff "$golden" "$T/res/out" | head -n 10 | sed 's/^/  | /'
		[ -s "$T/res/err" ] && head -n 10 "$T/res/err" | sed 's/^/  ! /'
	elif ! cmp -s "$T/res/out" "$golden"; then
		FAIL=$((FAIL + 1)); echo "FAIL $label: output differs from $(basename "$golden")"
		diff "$golden" "$T/res/out" | head -n 10 | sed 's/^/  | /'
	else
		PASS=$((PASS + 1)); echo "ok   $label"
	fi
}

if [ "$MODE" = vmm ]; then RUNNERS="vmm vmm-qemu"; else RUNNERS=qemu; fi
for r in $RUNNERS; do
	check modules-none "$r" modules.elf 1 64 0 "" ""
	check modules-args "$r" modules.elf 1 64 0 "alpha beta=1  gamma" ""
	check modules-one "$r" modules.elf 1 64 0 "one module" "a.txt"
	check modules-three "$r" modules.elf 1 64 0 "three" "a.txt arg1 arg2,c.txt,b.bin tail=1"
	for n in $SMPS; do
		check "smp-$n" "$r" smp.elf "$n" 64 0 "" ""
	done
	check fwcfg-64m-1cpu "$r" fwcfg.elf 1 64 0 "" ""
	check fwcfg-256m-4cpu "$r" fwcfg.elf 4 256 0 "" ""
	check testdev "$r" testdev.elf 1 64 1 "" ""
	check acpi-1cpu "$r" acpi.elf 1 64 0 "" ""
	check acpi-4cpu "$r" acpi.elf 4 64 0 "" ""
	check shutdown "$r" shutdown.elf 1 64 0 "" ""
	check low8000 "$r" low8000.elf 1 64 0 "hi there" ""
done
finish
