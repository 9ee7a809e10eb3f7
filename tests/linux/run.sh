#!/bin/sh
# The linux lane: kvm-vmm boots Debian's own kernel (the unmodified bzImage
# of linux-image-amd64, and the vmlinux cut out of it by
# tools/extract-vmlinux.sh, through its PVH entry and its 64-bit ELF entry)
# with an initramfs built here from busybox-static, inside the nested lane
# (tests/nested/), where /dev/kvm is a real SVM KVM. The initramfs' /init
# prints the kernel release and the number of online CPUs, reads one line
# from the console (fed through kvm-vmm's stdin), prints it back and
# reboots; each boot is checked by its transcript and its status, once per
# entry in LINUX_ENTRIES and vCPU count in LINUX_SMP (or as LINUX_BOOTS
# lists them).
#
# usage: run.sh [STATIC_VMM [INITRAMFS]]
# STATIC_VMM defaults to build/static/kvm-vmm; INITRAMFS to `make
# initramfs`'s build/initramfs.cpio.gz (made when not given): checked on
# this host, and booted in the lane with the README's command.
# Environment: LINUX_ENTRIES (default "bzimage pvh elf64"), LINUX_SMP
# (default "1 2"; repeat counts for more boots, e.g. "1 2 1 2"),
# LINUX_BOOTS (instead of those two: the boots in order, ENTRY:N words, or
# ENTRY:N:unaligned for guest RAM mapped off 2 MiB alignment with
# MINIKVM_RAM_UNALIGNED=1, as `make bench` alternates them; the entries
# qemu-bzimage and qemu-pvh boot the same kernel with this machine's QEMU
# (-M microvm -accel kvm, carried into the lane with its libraries), the
# peer `make bench` compares with),
# LINUX_TIMEOUT (seconds per boot, default 120), LINUX_APPEND (kernel
# arguments, default "quiet panic=-1"), LINUX_LANE_PER_BOOT=1 (each boot in
# a lane of its own, a fresh QEMU: in one lane a boot's time depends on what
# the boots before it did there, see docs/linux.md; `make bench` sets it),
# NESTED_TIMEOUT (default 300 s + 40 s a boot in the lane) and the rest of
# tests/nested/README.md.
# Prints "linux: --smp N: init after S s" per bzImage boot and "linux:
# vmlinux ENTRY --smp N: init after S s" per vmlinux boot (", unaligned
# RAM" after N for such a boot): the wall time from the start of kvm-vmm
# to init's first line; then "linux: N passed, N failed". Each boot's
# transcript and --stats stay in build/linux/boot-I.txt.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
vmm=${1:-$top/build/static/kvm-vmm}
initramfs=${2:-}
smp_list=${LINUX_SMP:-1 2}
entries=${LINUX_ENTRIES:-bzimage pvh elf64}
boot_timeout=${LINUX_TIMEOUT:-120}
append=${LINUX_APPEND:-quiet panic=-1}
# ENTRY:N[:unaligned], one word a boot
boots=${LINUX_BOOTS:-}
if [ -z "$boots" ]; then
	for e in $entries; do for n in $smp_list; do boots="$boots $e:$n"; done; done
fi
entries=$(printf '%s\n' $boots | sed 's/:.*//' | sort -u | tr '\n' ' ')
per_boot=${LINUX_LANE_PER_BOOT:-}
case $per_boot in '' | 0) per_boot= ;; 1) ;; *) echo "LINUX_LANE_PER_BOOT must be 0 or 1, not '$per_boot'" >&2; exit 2 ;; esac
nboots=$(($(echo $boots | wc -w) + 1)) # and the README's command
[ -n "$per_boot" ] && nboots=2            # a boot, and the README's in the last lane
export NESTED_TIMEOUT=${NESTED_TIMEOUT:-$((300 + 40 * nboots))}
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
rm -rf "$work"
mkdir -p "$work/payload"
# The uncompressed kernel of the same bzImage (`make vmlinux`'s script).
vmlinux=$work/payload/vmlinux
case " $entries " in
*" pvh "* | *" elf64 "* | *" qemu-pvh "*)
	sh "$top/tools/extract-vmlinux.sh" "$bzimage" "$vmlinux" 2>"$work/extract.err" ||
		{ bad "vmlinux" "tools/extract-vmlinux.sh $bzimage: $(cat "$work/extract.err")"; rm -f "$vmlinux"; }
	# Its segments' trailing zero pages are already left out: a second
	# trim finds none.
	if [ -f "$vmlinux" ]; then
		left=$(sh "$top/tools/trim-vmlinux.sh" "$vmlinux" 2>&1)
		[ -z "$left" ] && ok "the extracted vmlinux has no zero pages at the end of its segments' file bytes" ||
			bad "vmlinux trim" "tools/extract-vmlinux.sh left them: $left"
	fi
	;;
esac

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
if [ -f "$vmlinux" ]; then
	refused "vmlinux with too little memory for its segments" 121 "vmlinux: ELF segment [0-9]* (0x[0-9a-f]* bytes at 0x[0-9a-f]*) lies outside the 64 MiB of guest memory" --kernel "$vmlinux" --mem 64M
	head -c 1048576 "$vmlinux" >"$T/short.elf"
	refused "truncated vmlinux" 121 "short.elf: ELF segment 0 lies beyond the end of the file" --kernel "$T/short.elf"
	refused "--boot-entry for a bzImage" 120 "--boot-entry: applies to a Linux vmlinux (ELF64); $bzimage is a Linux bzImage" --kernel "$bzimage" --boot-entry=pvh
	refused "--boot-entry that is not pvh or elf64" 120 "invalid --boot-entry 'pvh32'" --kernel "$vmlinux" --boot-entry=pvh32
fi
refused "--initrd for a guest that is not Linux" 120 "--initrd: applies to Linux and multiboot kernels; $T/zeros is a real-mode flat binary" --initrd "$T/zeros" "$T/zeros"
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

# --- the initramfs: busybox and this test's /init (tools/mkinitramfs.sh,
# which also builds `make initramfs`'s) ---
cat >"$work/init" <<'EOF'
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
sh "$top/tools/mkinitramfs.sh" --init "$work/init" "$work/payload/initrd.gz" 2>"$work/mkinitramfs.err" ||
	{ bad "initramfs" "tools/mkinitramfs.sh failed: $(cat "$work/mkinitramfs.err")"; finish; }

# --- `make initramfs`'s image (the README's): what it holds, on this host ---
# Its first archive is /dev and /dev/console (364 bytes uncompressed), the
# second the files: cpio -t reads one archive, so each is listed apart.
if [ -z "$initramfs" ]; then
	initramfs=$top/build/initramfs.cpio.gz
	${MAKE:-make} -s -C "$top" initramfs >/dev/null 2>"$work/make.err" ||
		bad "make initramfs" "$(cat "$work/make.err")"
fi
if [ -s "$initramfs" ]; then
	list=$( { gzip -dc "$initramfs" | cpio -t --quiet; gzip -dc "$initramfs" | tail -c +365 | cpio -t --quiet; } 2>&1 | tr '\n' ' ')
	lacks=
	for f in dev dev/console bin/busybox init proc sys; do
		case " $list" in *" $f "*) ;; *) lacks="$lacks $f" ;; esac
	done
	[ -z "$lacks" ] && ok "make initramfs: /dev/console, busybox, /init, /proc, /sys" ||
		bad "make initramfs" "$initramfs lacks$lacks: it holds $list"
	gzip -dc "$initramfs" | tail -c +365 | cpio -i --quiet --to-stdout init >"$work/readme-init" 2>&1
	grep -q 'mount -t devtmpfs' "$work/readme-init" && grep -q 'echo "Mini-KVM initramfs: busybox shell' "$work/readme-init" &&
		ok "make initramfs: /init mounts /dev and prints the banner" || bad "make initramfs" "its /init: $(head -c 300 "$work/readme-init")"
	cp "$initramfs" "$work/payload/initramfs.cpio.gz"
	# make run-linux boots the newest kernel with it, as the README says.
	run_linux=$(${MAKE:-make} -s -n -C "$top" run-linux 2>&1 | grep -- '--kernel')
	case $run_linux in
	*"kvm-vmm --kernel \"$bzimage\" --initrd build/initramfs.cpio.gz --append quiet"*) ok "make run-linux: kvm-vmm --kernel $bzimage --initrd build/initramfs.cpio.gz" ;;
	*) bad "make run-linux" "runs: $run_linux" ;;
	esac
else
	bad "make initramfs" "no $initramfs"
fi
# The README's scripted Linux command, the first line of a code block in
# its Linux section that pipes into kvm-vmm, with its continuation lines;
# run in the lane with its paths there, and a --timeout.
awk '/^## Linux$/ { s = 1; next } /^## / { s = 0 } s && /^```/ { b = !b; next } s && b' "$top/README.md" |
	awk '/^echo .*\| *build\/kvm-vmm/ { c = 1 } c { print; if (!/\\$/) exit }' >"$work/readme.cmd"
sed -e 's|build/kvm-vmm|./kvm-vmm --timeout '"$boot_timeout"'|' \
	-e 's|"$(ls /boot/vmlinuz-\* \| sort -V \| tail -n 1)"|bzImage|' \
	-e 's|build/initramfs\.cpio\.gz|initramfs.cpio.gz|' "$work/readme.cmd" >"$work/payload/readme.sh"
if [ ! -s "$work/readme.cmd" ]; then bad "README" "no scripted command (echo '...' | build/kvm-vmm ...) in its Linux section"
elif grep -q 'build/\|/boot/' "$work/payload/readme.sh"; then bad "README" "cannot map its command to the lane: $(cat "$work/readme.cmd")"
else echo "linux: the README's command, in the lane: $(tr -d '\\\n' <"$work/payload/readme.sh")" >&2; fi
[ -f "$work/payload/initramfs.cpio.gz" ] || rm -f "$work/payload/readme.sh"
cp "$bzimage" "$work/payload/bzImage"
cp "$vmm" "$work/payload/kvm-vmm"

# The command inside the lane (busybox sh): one boot per ENTRY:N word
# (bzimage, or the vmlinux through pvh or elf64; N vCPUs), each line of the
# transcript stamped with seconds since kvm-vmm started (ts); the word
# "readme" runs the README's command.
cat >"$work/payload/boot.sh" <<EOF
readme=
for b in \$*; do
	[ "\$b" = readme ] && { readme=1; continue; }
	e=\${b%%:*} n=\${b#*:} u=0
	case \$n in *:unaligned) n=\${n%:*} u=1 ;; esac
	case \$e in
	bzimage | qemu-bzimage) k=bzImage x= ;;
	pvh | qemu-pvh) k=vmlinux x= ;;
	elf64) k=vmlinux x=--boot-entry=elf64 ;;
	esac
	case \$e in
	qemu-*)
		# kvm-vmm's base command line, but for the reset and ACPI:
		# microvm has no i8042, so the kernel reboots by triple fault
		# (-no-reboot: QEMU then exits 0), and its UART's interrupt
		# reaches the kernel through its ACPI tables (no MP table). QEMU's UART takes input before the
		# kernel's driver resets its FIFO, which loses it: the line is
		# sent each second until QEMU has gone.
		{ { while echo hello; do sleep 1; done 2>/dev/null; } | timeout $boot_timeout ./qemu/qemu-system-x86_64 -L qemu/fw -M microvm \\
			-accel kvm -cpu host -m 256 -smp \$n -nodefaults -no-user-config -display none \\
			-serial stdio -no-reboot -kernel \$k -initrd initrd.gz \\
			-append "console=ttyS0 reboot=t i8042.noaux i8042.dumbkbd pci=off $append" \\
			2>err; echo \$? >rc; } | ts -s '%.s' >out ;;
	*)
		{ echo hello | MINIKVM_RAM_UNALIGNED=\$u ./kvm-vmm --kernel \$k \$x --initrd initrd.gz --smp \$n --stats \\
			--timeout $boot_timeout --append "$append" 2>err; echo \$? >rc; } |
			ts -s '%.s' >out ;;
	esac
	echo "--- \$e smp \$n transcript"
	cat out
	echo "--- \$e smp \$n stderr"
	cat err
	echo "--- \$e smp \$n status \$(cat rc)"
done
# The README's scripted command (readme.sh), as written there but for the
# lane's paths.
if [ -n "\$readme" ] && [ -f readme.sh ]; then
	{ sh ./readme.sh 2>err; echo \$? >rc; } >out
	echo "--- readme transcript"
	cat out
	echo "--- readme stderr"
	cat err
	echo "--- readme status \$(cat rc)"
fi
EOF

# lane_payload DIR WORD...: links in DIR to what the boots named need of
# the payload (each lane copies its payload into the lane's initramfs, which
# the lane's kernel unpacks under the emulator: 92 MB with QEMU's files).
lane_payload() {
	d=$1
	shift
	rm -rf "$d"
	mkdir -p "$d"
	for f in boot.sh kvm-vmm initrd.gz; do ln -s "$work/payload/$f" "$d/$f"; done
	for b in "$@"; do
		case $b in
		bzimage:* | qemu-bzimage:*) need=bzImage ;;
		readme) need="readme.sh initramfs.cpio.gz bzImage" ;;
		*) need=vmlinux ;;
		esac
		case $b in qemu-*) need="$need qemu" ;; esac
		for f in $need; do
			[ -e "$work/payload/$f" ] && [ ! -e "$d/$f" ] && ln -s "$work/payload/$f" "$d/$f"
		done
	done
	return 0
}

# Without a vmlinux, only the bzImage boots.
[ -f "$vmlinux" ] || boots=$(printf '%s\n' $boots | grep 'bzimage:' | tr '\n' ' ')
# The peer: QEMU with its microvm machine, its firmware and libraries.
case " $entries " in
*" qemu-"*)
	if qemu=$(command -v qemu-system-x86_64); then
		. "$top/tests/nested/with-libs.sh"
		with_libs "$qemu" "$work/payload/qemu"
		mkdir -p "$work/payload/qemu/fw"
		for f in bios-microvm.bin pvh.bin linuxboot_dma.bin kvmvapic.bin; do
			[ -f "/usr/share/qemu/$f" ] && cp "/usr/share/qemu/$f" "$work/payload/qemu/fw/"
		done
	else
		bad "QEMU" "no qemu-system-x86_64 for the qemu-* boots (apt-get install qemu-system-x86)"
		boots=$(printf '%s\n' $boots | grep -v '^qemu-' | tr '\n' ' ')
	fi
	;;
esac
[ -n "$(echo $boots)" ] || { bad "boots" "none left to boot of '${LINUX_BOOTS:-$entries}'"; finish; }
echo "linux: booting $bzimage (Linux $kver) in the nested lane:$boots (entry:vCPUs)" >&2
if [ -z "$per_boot" ]; then
	"$top/tests/nested/run-lane.sh" "$work/payload" sh ./boot.sh $boots readme >"$work/lane.out"
	lane_rc=$?
	[ "$lane_rc" -eq 0 ] || bad "nested lane" "status $lane_rc"
else
	: >"$work/lane.out"
	set -- $boots
	i=0
	while [ $# -gt 0 ]; do
		w=$1
		shift
		i=$((i + 1))
		words=$w
		[ $# -eq 0 ] && words="$w readme"
		lane_payload "$work/lane-payload" $words
		# shellcheck disable=SC2086 # $words: the boot word, and "readme" in the last lane
		"$top/tests/nested/run-lane.sh" "$work/lane-payload" sh ./boot.sh $words >"$work/lane-$i.out" 2>"$work/lane-$i.err"
		lane_rc=$?
		cat "$work/lane-$i.err" >&2
		[ "$lane_rc" -eq 0 ] || bad "nested lane for boot $i ($w)" "status $lane_rc: $(tail -n 2 "$work/lane-$i.err" | tr '\n' ' ')"
		# Every boot keeps its section, so that the checks below find
		# boot i in the i-th: a lane that ran none gets one with the
		# lane's status.
		e=${w%%:*} n=${w#*:}
		awk -v e="$e" -v n="${n%%:*}" -v rc="$lane_rc" '
			/^--- [a-z0-9-]+ smp [0-9]+ transcript$/ { t = 1 }
			/^--- [a-z0-9-]+ smp [0-9]+ status/ { s = 1 }
			{ print }
			END {
				if (!t) print "--- " e " smp " n " transcript"
				if (!s) print "--- " e " smp " n " status " rc
			}' "$work/lane-$i.out" >>"$work/lane.out"
	done
	rm -rf "$work/lane-payload"
fi
sed 's/\r$//' "$work/lane.out" >"$work/lane.txt"
cat "$work/lane.txt"

# --- checks, per boot, on the lane's output ---
i=0
for b in $boots; do
	i=$((i + 1))
	e=${b%%:*} n=${b#*:} aligned=yes
	case $n in *:unaligned) n=${n%:*} aligned= ;; esac
	# bzImage lines keep their words; a vmlinux boot names its entry.
	case $e in
	bzimage) img=bzImage what= ;;
	qemu-*) img= what="$e " ;;
	*) img=vmlinux what="vmlinux $e " ;;
	esac
	how=
	[ -n "$aligned" ] || how=", unaligned RAM"
	# The i-th section for this boot: from its "transcript" line to its status.
	awk -v want="$i" '/^--- [a-z0-9-]+ smp [0-9]+ transcript$/ { k++ } k == want { print } /^--- [a-z0-9-]+ smp [0-9]+ status/ && k == want { exit }' \
		"$work/lane.txt" >"$work/boot-$i.txt"
	t="$what--smp $n$how (boot $i)"
	st=$(sed -n 's/^--- [a-z0-9-]* smp [0-9]* status \([0-9]*\)$/\1/p' "$work/boot-$i.txt")
	has() { grep -q -- "$1" "$work/boot-$i.txt"; }
	if [ ! -s "$work/boot-$i.txt" ]; then bad "$t" "no output from this boot"; continue; fi
	[ "$st" = 0 ] && ok "$t: status 0 after reboot -f" || bad "$t" "status ${st:-none}, expected 0: $(tail -n 3 "$work/boot-$i.txt" | tr '\n' ' ')"
	has "LINUX-INIT: release $kver\$" && ok "$t: init reports release $kver" || bad "$t" "no release line for $kver"
	has "LINUX-INIT: $n cpus online" && ok "$t: $n CPUs online" || bad "$t" "not $n CPUs online: $(grep 'cpus online' "$work/boot-$i.txt")"
	# QEMU's UART takes the lines sent before the kernel's driver is
	# ready and loses bytes of them: of its boots, init must read a line.
	line="read 'hello'\$"
	[ -z "$img" ] && line="read '"
	has "LINUX-INIT: $line" && ok "$t: the stdin line reached init" || bad "$t" "init did not read 'hello'"
	has "reboot: Restarting system" && ok "$t: the kernel rebooted" || bad "$t" "no 'reboot: Restarting system'"
	# 2 MiB-aligned RAM lets KVM back the guest with 2 MiB pages (vm.c):
	# a refactor must not lose it silently. (QEMU prints no --stats.)
	if [ -z "$img" ]; then
		:
	elif [ -n "$aligned" ]; then
		has "^$img: RAM 262144 KiB, host mapping 2 MiB-aligned, huge pages advised\$" &&
			ok "$t: guest RAM 2 MiB-aligned, huge pages advised (--stats)" || bad "$t" "--stats does not report 2 MiB-aligned RAM"
	else
		has "^$img: RAM 262144 KiB, host mapping 4 KiB off a 2 MiB boundary (MINIKVM_RAM_UNALIGNED), no huge pages\$" &&
			ok "$t: guest RAM off 2 MiB alignment as asked (--stats)" || bad "$t" "--stats does not report the unaligned RAM asked for"
	fi
	exits=$(sed -n "s/^$img: .*, \\([0-9]*\\) exits to user space\$/\\1/p" "$work/boot-$i.txt")
	[ -n "$exits" ] && echo "linux: $what--smp $n$how: $exits exits to user space"
	init_at=$(sed -n 's/^\([0-9.]*\) LINUX-INIT: .*/\1/p' "$work/boot-$i.txt" | head -n 1)
	[ -n "$init_at" ] && echo "linux: $what--smp $n$how: init after $init_at s"
done
# The README's `make initramfs` + kvm-vmm command: the banner, a shell that
# runs what is piped in, and reboot -f ending the run with status 0.
if [ -f "$work/payload/readme.sh" ]; then
	sed -n '/^--- readme transcript$/,/^--- readme status/p' "$work/lane.txt" >"$work/readme.txt"
	t="the README's $(sed -n "s/^echo \('[^']*'\).*/\1/p" "$work/readme.cmd") | build/kvm-vmm ... --initrd build/initramfs.cpio.gz"
	st=$(sed -n 's/^--- readme status \([0-9]*\)$/\1/p' "$work/readme.txt")
	if [ ! -s "$work/readme.txt" ]; then bad "$t" "no output from this boot"
	else
		[ "$st" = 0 ] && ok "$t: status 0" || bad "$t" "status ${st:-none}, expected 0"
		grep -q '^Mini-KVM initramfs: busybox shell; type reboot -f to leave$' "$work/readme.txt" &&
			ok "$t: the banner" || bad "$t" "no banner"
		# the line the shell printed, after its prompt (the tty echoed the
		# typed-ahead line when the console was opened)
		grep -Eq "(^|# )$kver\$" "$work/readme.txt" && ok "$t: the shell ran uname -r ($kver)" || bad "$t" "no line '$kver'"
		# nproc on --smp N prints N
		n=$(sed -n 's/.*--smp \([0-9]*\).*/\1/p' "$work/readme.cmd")
		if grep -q nproc "$work/readme.cmd" && [ -n "$n" ]; then
			grep -q "^$n\$" "$work/readme.txt" && ok "$t: nproc says $n" || bad "$t" "nproc did not print $n"
		fi
		if grep -q 'job control turned off' "$work/readme.txt"; then bad "$t" "the shell has no controlling tty"
		else ok "$t: the shell has the console as its controlling tty"; fi
	fi
fi
finish
