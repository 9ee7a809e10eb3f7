#!/bin/sh
# The 1K OS against its golden transcripts. Each tests/golden/os1k/NAME.in is
# typed into the console; the serial output must equal NAME.out (or
# NAME-ARCH.out where the architectures differ) and the status NAME.status
# (0 when absent). POSIX sh: runs on the host, in the nested lane (busybox)
# and with QEMU as the outside check that the images are proper multiboot
# kernels.
#
# usage: os1k.sh vmm  VMM KERNEL_DIR GOLDEN_DIR [ARCH...]
#        os1k.sh qemu QEMU KERNEL_DIR GOLDEN_DIR [ARCH...]
# ARCH defaults to what this host's KVM can run: both on hardware KVM,
# x86_64 on kvm-pvm (where the i386 image must refuse in one line).
set -u
MODE=$1 RUNNER=$2 KDIR=$3 GOLD=$4
shift 4
T=$(mktemp -d "${TMPDIR:-/tmp}/minikvm-os1k.XXXXXX")
trap 'rm -rf "$T"' EXIT
PASS=0 FAIL=0
PVM=0
[ -d /sys/module/kvm_pvm ] && PVM=1
if [ $# -gt 0 ]; then ARCHES=$*
elif [ "$MODE" = qemu ] || [ $PVM -eq 0 ]; then ARCHES="x86_64 i386"
else ARCHES=x86_64; fi

ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
bad() {
	FAIL=$((FAIL + 1)); echo "FAIL $1: $2"
	[ -s "$T/err" ] && head -n 10 "$T/err" | sed 's/^/  | /'
	return 0
}

# boot ARCH INPUT: runs the kernel with INPUT as its console input.
boot() {
	kernel=$KDIR/kernel-$1.elf
	if [ "$MODE" = qemu ]; then
		timeout 120 "$RUNNER" -accel tcg -kernel "$kernel" -m 64 -display none -monitor none \
			-serial stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
			<"$2" >"$T/out" 2>"$T/err"
	else
		timeout 120 "$RUNNER" --mem 64M --timeout 60 "$kernel" <"$2" >"$T/out" 2>"$T/err"
	fi
	RC=$?
}

if [ "$MODE" = qemu ] && ! command -v "$RUNNER" >/dev/null 2>&1; then
	echo "os1k: $RUNNER not found: installing qemu-system-x86" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-system-x86 >&2 ||
		{ echo "os1k-qemu: 0 passed, 1 failed"; exit 1; }
fi

for arch in $ARCHES; do
	[ -f "$KDIR/kernel-$arch.elf" ] || { bad "$arch image" "$KDIR/kernel-$arch.elf missing"; continue; }
	if [ "$MODE" = vmm ] && [ "$arch" = i386 ] && [ $PVM -eq 1 ]; then
		# This host's KVM refuses 32-bit paging: one clear line, no dump.
		boot i386 /dev/null
		if [ "$RC" -eq 4 ] && grep -q "cannot run 32-bit paging guests" "$T/out" &&
			! grep -q "rip " "$T/err"; then ok "i386 on kvm-pvm: refused in one line"
		else bad "i386 on kvm-pvm" "status $RC"; fi
		continue
	fi
	for input in "$GOLD"/*.in; do
		name=$(basename "$input" .in)
		case $name in *-i386 | *-x86_64) [ "${name##*-}" = "$arch" ] || continue ;; esac
		# QEMU never shows the guest an end of input, so EOF cases stay out.
		case $name in *eof*) [ "$MODE" = qemu ] && continue ;; esac
		golden=$GOLD/$name-$arch.out
		[ -f "$golden" ] || golden=$GOLD/$name.out
		want=0
		[ -f "$GOLD/$name.status" ] && want=$(cat "$GOLD/$name.status")
		# QEMU has no EXIT hypercall: the kernel uses isa-debug-exit,
		# whose status for a clean exit is (0 << 1) | 1.
		[ "$MODE" = qemu ] && [ "$want" -eq 0 ] && want=1
		boot "$arch" "$input"
		if [ "$RC" -ne "$want" ]; then bad "$arch $name" "status $RC, expected $want"
		elif ! cmp -s "$T/out" "$golden"; then bad "$arch $name" "output differs from $(basename "$golden")"; diff "$golden" "$T/out" | head -n 10
		else ok "$arch $name"; fi
	done
	# -m with a bare number is MiB, as in QEMU: the kernel sees 512 MiB.
	if [ "$MODE" = vmm ]; then
		printf '0\n' >"$T/exit.in"
		timeout 120 "$RUNNER" -m 512 --timeout 60 "$KDIR/kernel-$arch.elf" <"$T/exit.in" >"$T/out" 2>"$T/err"
		RC=$?
		if [ "$RC" -eq 0 ] && head -n 1 "$T/out" | grep -q '^os1k: 512 MiB RAM,'; then ok "$arch -m 512: the kernel has 512 MiB"
		else bad "$arch -m 512" "status $RC, first line '$(head -n 1 "$T/out")'"; fi
	fi
done
echo "os1k-$MODE: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
