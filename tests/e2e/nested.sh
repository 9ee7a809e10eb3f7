#!/bin/sh
# Runs the end-to-end suite a second time inside the nested lane: Debian's
# kernel under QEMU/TCG with kvm_amd, a real SVM KVM (tests/nested/).
# usage: nested.sh STATIC_VMM GUEST_DIR GOLDEN_DIR OS1K_DIR
set -eu
# A healthy run takes under a minute; a stalled emulator should not cost ten.
export NESTED_TIMEOUT=${NESTED_TIMEOUT:-300}
top=$(cd "$(dirname "$0")/../.." && pwd)
payload=$top/build/nested/payload
rm -rf "$payload"
mkdir -p "$payload"
cp "$1" "$payload/kvm-vmm"
cp -r "$2" "$payload/guests"
cp -r "$3" "$payload/golden"
cp -r "$4" "$payload/os1k"
cp "$top/tests/e2e/run.sh" "$top/tests/e2e/os1k.sh" "$top/tests/e2e/flat.sh" "$top/tests/e2e/lib.sh" "$top/tests/e2e/qemu-compat.sh" "$top/tests/e2e/lines.sh" "$top/tests/e2e/output.sh" "$top/tests/e2e/trace.sh" "$payload/"
# Hardware semantics: both 1K OS images run here, i386 included.
exec "$top/tests/nested/run-lane.sh" "$payload" sh -c \
	'sh ./run.sh ./kvm-vmm ./guests ./golden; r=$?; sh ./flat.sh ./kvm-vmm ./guests ./golden || r=1; sh ./qemu-compat.sh vmm ./kvm-vmm ./guests/qemu ./golden/qemu || r=1; sh ./lines.sh ./kvm-vmm ./guests ./golden || r=1; sh ./output.sh ./kvm-vmm ./guests ./golden || r=1; sh ./trace.sh ./kvm-vmm ./guests ./golden ./os1k || r=1; sh ./os1k.sh vmm ./kvm-vmm ./os1k ./golden/os1k && exit $r'

