#!/bin/sh
# Makes docs/gdb.md's transcript: a gdb session on the 1K OS (its kernel
# by symbol, then a user program), each command shown after a "(gdb)"
# prompt as it would be typed. Run in the nested lane:
#   GDB_TRANSCRIPT=tools/gdb-transcript.sh sh tests/e2e/nested-gdb.sh \
#       build/static/kvm-vmm build/guests tests/golden build/os1k
# (the same arguments as tests/e2e/gdb.sh: VMM GUEST_DIR OS1K_DIR GOLDEN_DIR GDB)
set -u
VMM=$1 OS1K=$3 GDB=$5
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up 2>/dev/null
out=/tmp/transcript
mkdir -p $out
printf '2\n0\n' >$out/in
"$VMM" --timeout 300 --gdb :1234,arch=x86-64 --gdb-wait "$OS1K/kernel-x86_64.elf" <$out/in >$out/console 2>$out/err &
vmm=$!
until grep -q 'gdb: the guest waits' $out/err 2>/dev/null; do sleep 0.1; done
set --
for c in 'target remote 127.0.0.1:1234' 'info threads' 'break kmain' 'continue' 'bt' \
	'info registers rip rsp eflags cs' 'monitor regs' 'stepi' 'x/3i $pc' 'delete' \
	'hbreak *0x40001000' 'continue' 'p $cs & 3' 'x/4i $pc' 'delete' 'monitor stats' 'continue'; do
	set -- "$@" -ex "echo (gdb) $c\\n" -ex "$c"
done
echo '$ printf '"'"'2\n0\n'"'"' | kvm-vmm --gdb :1234,arch=x86-64 --gdb-wait build/os1k/kernel-x86_64.elf > console.txt &'
cat $out/err
echo '$ gdb -q build/os1k/x86_64/kernel.elf'
timeout 600 "$GDB" -q -nx -batch -iex 'set pagination off' -iex 'set confirm off' \
	"$OS1K/kernel-x86_64.sym" "$@" 2>&1 | sed '/OS ABI\|Attempting to continue/d'
wait $vmm
echo "\$ wait; echo \$?"
echo $?
echo "\$ cat console.txt"
cat $out/console
echo "(kvm-vmm's standard error, the whole run:)"
cat $out/err
