#!/bin/busybox sh
# /init of the nested lane: PID 1 of Debian's kernel booted under QEMU/TCG by
# run-lane.sh. Brings up a real SVM /dev/kvm, runs the command run-lane.sh
# wrote to /lane/cmd with its output on ttyS1, and reports to the host
# through marker lines on the kernel console (ttyS0).
#
# Markers go through /dev/kmsg, not echo: printk writes the console
# synchronously, so a marker is on the wire before the `reboot -f` that
# follows it, whereas bytes echoed to a tty may still sit in the UART driver's
# buffer when the machine goes away. The nonce keeps a command that happens to
# print marker-like text from being taken for the lane.

# Applet links are made here, by one process, rather than by ~270 ln
# processes on the host for every run.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/ TERM=dumb

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
# Pseudo-terminals, for the console suite's script(1).
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts 2>/dev/null
# The kernel opened our stdio on the initramfs' /dev/console node, which the
# devtmpfs mount just covered; reopen it so later output keeps working.
exec </dev/console >/dev/console 2>&1

nonce=$(cat /lane/nonce)
# Level 3 (error) shows on the console even with `quiet`.
mark() { echo "<3>@@LANE-$nonce-$1@@" >/dev/kmsg; }
# reboot, not poweroff: with acpi=off (a lane of one CPU) the kernel has no
# way to power the machine off, while a reset ends QEMU at once under
# -no-reboot.
fail() { mark "ERROR=$1"; reboot -f; sleep 60; }

# Under TCG the kernel's TSC calibration sometimes fails and leaves the TSC
# rate at 0, and then every inner guest hangs before its first instruction.
# The kernel logs the rate it settled on only when calibration succeeded.
mhz=$(dmesg | sed -n -E 's/.*tsc: (Detected|Refined TSC clocksource calibration:) ([0-9.]+) MHz.*/\2/p' | tail -n 1)
case $mhz in
'' | 0 | 0.0*) fail "the lane's kernel failed TSC calibration (rate: ${mhz:-none logged})" ;;
esac

while read -r mod; do
	insmod "/lib/modules/$mod" || fail "insmod $mod failed, so no /dev/kvm"
done </lib/modules/order
# /dev/kvm is created by devtmpfs when kvm_amd registers it; the node number
# (misc 232) is fixed, so make it by hand should devtmpfs not have.
[ -c /dev/kvm ] || mknod /dev/kvm c 10 232
true 2>/dev/null </dev/kvm || fail "/dev/kvm did not appear or cannot be opened"

mark "READY=$(cut -d ' ' -f 1 /proc/uptime)"

# The command gets ttyS1 to itself, with output post-processing off so the
# host receives exactly the bytes written (no CR before each LF). When the
# subshell exits, the last close of ttyS1 waits for the UART to drain, so all
# output is out before the status marker is written.
(
	stty -F /dev/ttyS1 -opost -echo 2>/dev/null
	cd /payload || exit 127
	exec sh /lane/cmd
) </dev/null >/dev/ttyS1 2>&1
mark "STATUS=$?"
reboot -f
sleep 60
