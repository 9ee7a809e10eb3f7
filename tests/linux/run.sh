#!/bin/sh
# The linux lane: kvm-vmm boots Debian's own kernel (the unmodified bzImage
# of linux-image-amd64) with an initramfs built here from busybox-static,
# inside the nested lane (tests/nested/), where /dev/kvm is a real SVM KVM.
# The initramfs' /init prints the kernel release and the number of online
# CPUs, reads one line from the console (fed through kvm-vmm's stdin),
# prints it back and reboots; each boot is checked by its transcript and
# its status, once per vCPU count in LINUX_SMP.
#
# usage: run.sh [STATIC_VMM]        (default build/static/kvm-vmm)
# Environment: LINUX_SMP (default "1 2"; repeat counts for more boots, e.g.
# "1 2 1 2"), LINUX_TIMEOUT (seconds per boot, default 120), LINUX_APPEND
# (kernel arguments, default "quiet panic=-1"), NESTED_TIMEOUT (default 420)
# and the rest of tests/nested/README.md.
# Prints "linux: --smp N: init after S s" per boot: the wall time from the
# start of kvm-vmm to init's first line, and "linux: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
vmm=${1:-$top/build/static/kvm-vmm}
smp_list=${LINUX_SMP:-1 2}
boot_timeout=${LINUX_TIMEOUT:-120}
append=${LINUX_APPEND:-quiet panic=-1}
export NESTED_TIMEOUT=${NESTED_TIMEOUT:-420}
work=$top/build/linux
BB=/bin/busybox
PASS=0
FAIL=0

ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL $1: $2"; }
finish() {
	echo "linux: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
	exit
}

# --- what the test needs: Debian's kernel and busybox-static ---
kernel() { printf '%s\n' /boot/vmlinuz-*-amd64 | sort -rV | while read -r f; do [ -r "$f" ] && { echo "$f"; break; }; done; }
static_busybox() { [ -x "$BB" ] && ! ldd "$BB" >/dev/null 2>&1; }
if [ -z "$(kernel)" ] || ! static_busybox || ! command -v cpio >/dev/null; then
	pkgs="linux-image-amd64 busybox-static cpio"
	if [ "$(id -u)" = 0 ]; then
		echo "linux: installing $pkgs" >&2
		{ DEBIAN_FRONTEND=noninteractive apt-get update -q &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends --no-upgrade $pkgs; } </dev/null >&2
	fi
fi
bzimage=$(kernel)
[ -n "$bzimage" ] || { bad "Debian kernel" "no readable /boot/vmlinuz-*-amd64 (apt-get install linux-image-amd64)"; finish; }
static_busybox || { bad "busybox" "no static $BB (apt-get install busybox-static)"; finish; }
[ -x "$vmm" ] || { bad "kvm-vmm" "$vmm is missing: make static"; finish; }
kver=${bzimage#/boot/vmlinuz-}

# --- on this host: bad kernels are refused with one line, before any VM ---
T=$top/build/linux-host
mkdir -p "$T"
# refused NAME STATUS PATTERN ARGS...: status, one stderr line (usage
# errors add "Try --help"), no output.
refused() {
	name=$1 st=$2 pat=$3
	shift 3
	"$vmm" "$@" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
	grep -v "Try 'kvm-vmm --help'" "$T/err" >"$T/why"
	if [ "$rc" -ne "$st" ]; then bad "$name" "status $rc, expected $st: $(head -n 2 "$T/err")"
	elif [ "$(wc -l <"$T/why")" -ne 1 ] || ! grep -q -- "$pat" "$T/why"; then bad "$name" "stderr is not one line with '$pat': $(cat "$T/err")"
	elif [ -s "$T/out" ]; then bad "$name" "wrote to stdout"
	else ok "$name"; fi
}
head -c 4096 /dev/zero >"$T/zeros"
refused "--kernel with a file that is not a bzImage" 121 "zeros: not a Linux bzImage" --kernel "$T/zeros"
head -c 2000 "$bzimage" >"$T/short"
refused "truncated bzImage" 121 "short: truncated" --kernel "$T/short"
# The same kernel claiming boot protocol 2.02 (offset 0x206, little-endian).
cp "$bzimage" "$T/old"
printf '\002\002' | dd of="$T/old" bs=1 seek=518 conv=notrunc 2>/dev/null
refused "boot protocol too old" 121 "old: Linux boot protocol 2.02 is too old" --kernel "$T/old"
refused "too little memory for the kernel" 121 "needs [0-9]* MiB of RAM" --kernel "$bzimage" --mem 32M
refused "more memory than below the device hole" 121 "at most 3072 MiB" --kernel "$bzimage" --mem 4G
refused "missing initrd" 121 "nope: cannot open image" --kernel "$bzimage" --initrd "$T/nope"
refused "--smp out of range" 120 "invalid --smp '65'" --kernel "$bzimage" --smp 65
refused "--initrd for a guest that is not Linux" 121 "zeros: not a Linux bzImage" --initrd "$T/zeros" "$T/zeros"
# kvm-pvm as this machine's own /dev/kvm (its module can be present
# without binding, inside another kvm-pvm guest).
if [ -d /sys/module/kvm_pvm ] && [ -c /dev/kvm ]; then
	# Here kernel code is emulated: the VMM says so, then runs anyway;
	# the timeout stops both vCPUs, the second still waiting for its SIPI.
	"$vmm" --kernel "$bzimage" --smp 2 --timeout 1 </dev/null >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" -eq 124 ] && [ "$(grep -c 'kvm-pvm.*Linux will be very slow' "$T/err")" -eq 1 ] &&
		ok "kvm-pvm: one line says Linux will be very slow" || bad "kvm-pvm warning" "status $rc: $(head -n 3 "$T/err")"
	[ "$(grep -c ': timeout: still running' "$T/err")" -eq 2 ] && grep -q 'cpu1: timeout' "$T/err" &&
		ok "--timeout stops and reports both vCPUs" || bad "SMP timeout" "$(grep timeout "$T/err")"
fi
rm -rf "$T"

# --- the initramfs: busybox, /init, and a /dev/console node ---
# newc_node NAME MODE MAJOR MINOR: one cpio "newc" header for a file without
# data (directory or device). Writing the header here, rather than mknod,
# keeps the build free of root: the header is 13 eight-digit hex fields.
newc_node() {
	printf '070701'
	printf '%08X' 0 "$2" 0 0 1 0 0 0 0 "$3" "$4" $((${#1} + 1)) 0
	printf '%s\0' "$1"
	pad=$(((4 - (110 + ${#1} + 1) % 4) % 4))
	[ "$pad" -gt 0 ] && head -c "$pad" /dev/zero
	return 0
}
rm -rf "$work"
mkdir -p "$work/root/bin" "$work/root/proc" "$work/root/sys" "$work/payload"
cp "$BB" "$work/root/bin/busybox"
cat >"$work/root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox mkdir -p /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "LINUX-INIT: release $(uname -r)"
echo "LINUX-INIT: $(nproc) cpus online ($(cat /sys/devices/system/cpu/online))"
echo "LINUX-INIT: waiting for a line"
read -r line
echo "LINUX-INIT: read '$line'"
reboot -f
EOF
chmod 755 "$work/root/init"
{
	newc_node dev 0x41ed 0 0 # directory, 0755
	newc_node dev/console 0x2180 5 1 # character device, 0600
	newc_node 'TRAILER!!!' 0 0 0
	(cd "$work/root" && find . -mindepth 1 | cpio -o -H newc -R 0:0 --quiet)
} | gzip -9 >"$work/payload/initrd.gz" || { bad "initramfs" "cannot build it"; finish; }
cp "$bzimage" "$work/payload/bzImage"
cp "$vmm" "$work/payload/kvm-vmm"

# The command inside the lane (busybox sh): one boot per vCPU count, each
# line of the transcript stamped with seconds since kvm-vmm started (ts).
cat >"$work/payload/boot.sh" <<EOF
for n in \$*; do
	{ echo hello | ./kvm-vmm --kernel bzImage --initrd initrd.gz --smp \$n \\
		--timeout $boot_timeout --append "$append" 2>err; echo \$? >rc; } |
		ts -s '%.s' >out
	echo "--- smp \$n transcript"
	cat out
	echo "--- smp \$n stderr"
	cat err
	echo "--- smp \$n status \$(cat rc)"
done
EOF

echo "linux: booting $bzimage (Linux $kver) in the nested lane, --smp $smp_list" >&2
"$top/tests/nested/run-lane.sh" "$work/payload" sh ./boot.sh $smp_list >"$work/lane.out"
lane_rc=$?
sed 's/\r$//' "$work/lane.out" >"$work/lane.txt"
cat "$work/lane.txt"
[ "$lane_rc" -eq 0 ] || bad "nested lane" "status $lane_rc"

# --- checks, per boot, on the lane's output ---
i=0
for n in $smp_list; do
	i=$((i + 1))
	# The i-th section for this boot: from its "transcript" line to its status.
	awk -v want="$i" '/^--- smp [0-9]+ transcript$/ { k++ } k == want { print } /^--- smp [0-9]+ status/ && k == want { exit }' \
		"$work/lane.txt" >"$work/boot-$i.txt"
	t="--smp $n (boot $i)"
	st=$(sed -n 's/^--- smp [0-9]* status \([0-9]*\)$/\1/p' "$work/boot-$i.txt")
	has() { grep -q -- "$1" "$work/boot-$i.txt"; }
	if [ ! -s "$work/boot-$i.txt" ]; then bad "$t" "no output from this boot"; continue; fi
	[ "$st" = 0 ] && ok "$t: status 0 after reboot -f" || bad "$t" "status ${st:-none}, expected 0"
	has "LINUX-INIT: release $kver\$" && ok "$t: init reports release $kver" || bad "$t" "no release line for $kver"
	has "LINUX-INIT: $n cpus online" && ok "$t: $n CPUs online" || bad "$t" "not $n CPUs online: $(grep 'cpus online' "$work/boot-$i.txt")"
	has "LINUX-INIT: read 'hello'\$" && ok "$t: the stdin line reached init" || bad "$t" "init did not read 'hello'"
	has "reboot: Restarting system" && ok "$t: the kernel rebooted" || bad "$t" "no 'reboot: Restarting system'"
	init_at=$(sed -n 's/^\([0-9.]*\) LINUX-INIT: .*/\1/p' "$work/boot-$i.txt" | head -n 1)
	[ -n "$init_at" ] && echo "linux: --smp $n: init after $init_at s"
done
finish
