#!/bin/sh
# The ASan+UBSan build's end-to-end suites on the nested lane's real SVM KVM
# (tests/nested/): for a machine whose own /dev/kvm is missing, so that the
# sanitizers still watch every guest the suites run. The build travels with
# its shared libraries (tests/nested/with-libs.sh).
# The console suite (tty.sh) runs there too, with util-linux's script(1).
# usage: nested-asan.sh ASAN_VMM GUEST_DIR GOLDEN_DIR OS1K_DIR
set -eu
export NESTED_TIMEOUT=${NESTED_TIMEOUT:-500}
top=$(cd "$(dirname "$0")/../.." && pwd)
payload=$top/build/nested/payload-asan
rm -rf "$payload"
. "$top/tests/nested/with-libs.sh"
with_libs "$1" "$payload/asan"
# script(1) gives the console suite its pseudo-terminal; busybox has none.
with_libs "$(command -v script)" "$payload/asan"
cp -r "$2" "$payload/guests"
cp -r "$3" "$payload/golden"
cp -r "$4" "$payload/os1k"
cp "$top/tests/e2e/run.sh" "$top/tests/e2e/os1k.sh" "$top/tests/e2e/flat.sh" "$top/tests/e2e/lib.sh" "$top/tests/e2e/qemu-compat.sh" "$top/tests/e2e/lines.sh" "$top/tests/e2e/output.sh" "$top/tests/e2e/trace.sh" "$top/tests/e2e/tty.sh" "$payload/"
exec "$top/tests/nested/run-lane.sh" "$payload" sh -c \
	'PATH=$PWD/asan:$PATH; sh ./run.sh ./asan/kvm-vmm ./guests ./golden; r=$?; sh ./flat.sh ./asan/kvm-vmm ./guests ./golden || r=1; sh ./qemu-compat.sh vmm ./asan/kvm-vmm ./guests/qemu ./golden/qemu || r=1; sh ./lines.sh ./asan/kvm-vmm ./guests ./golden || r=1; sh ./output.sh ./asan/kvm-vmm ./guests ./golden || r=1; sh ./trace.sh ./asan/kvm-vmm ./guests ./golden ./os1k || r=1; sh ./os1k.sh vmm ./asan/kvm-vmm ./os1k ./golden/os1k || r=1; sh ./tty.sh ./asan/kvm-vmm ./os1k/kernel-x86_64.elf && exit $r'
