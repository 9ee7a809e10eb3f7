#!/bin/sh
# The ThreadSanitizer build's end-to-end suites (tests/tsan/suites.sh) on the
# nested lane's real SVM KVM (tests/nested/): for a machine whose own
# /dev/kvm is missing, so that TSan still watches the vCPU, input and main
# threads of every guest the suites run. The build is dynamic (TSan cannot
# link statically) and travels with its shared libraries, and script(1)
# with it for the console suite, and addr2line for suites.sh to symbolize
# the reports (tests/nested/with-libs.sh).
#
# The build itself runs without with_libs' wrapper: TSan names the main
# program's frames after /proc/self/exe, which through the wrapper is the
# loader, so no report could say where in kvm-vmm it was. The lane (a
# throwaway root) gets the loader at the path the build asks for instead.
# usage: nested-tsan.sh TSAN_VMM GUEST_DIR GOLDEN_DIR OS1K_DIR [SUITE...]
set -eu
[ $# -ge 4 ] || { echo "usage: nested-tsan.sh TSAN_VMM GUEST_DIR GOLDEN_DIR OS1K_DIR [SUITE...]" >&2; exit 2; }
export NESTED_TIMEOUT=${NESTED_TIMEOUT:-500}
top=$(cd "$(dirname "$0")/../.." && pwd)
payload=$top/build/nested/payload-tsan
rm -rf "$payload"
. "$top/tests/nested/with-libs.sh"
with_libs "$1" "$payload/tsan"
mv "$payload/tsan/kvm-vmm.elf" "$payload/tsan/kvm-vmm"
interp=$(readelf -l "$1" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
[ -n "$interp" ] && [ -f "$payload/tsan/lib/$(basename "$interp")" ] ||
	{ echo "nested-tsan: no program interpreter in 'readelf -l $1'" >&2; exit 1; }
with_libs "$(command -v script)" "$payload/tsan"
with_libs "$(command -v addr2line)" "$payload/tsan"
cp -r "$2" "$payload/guests"
cp -r "$3" "$payload/golden"
cp -r "$4" "$payload/os1k"
shift 4
# suites.sh finds the suites in ../e2e, as in the source tree.
mkdir -p "$payload/e2e"
cp "$top/tests/tsan/suites.sh" "$payload/tsan/"
for s in run os1k flat lib qemu-compat lines output tty; do
	cp "$top/tests/e2e/$s.sh" "$payload/e2e/"
done
# The loader's path and the suite names (if any) travel as arguments: the
# lane's command starts with none of this environment.
exec "$top/tests/nested/run-lane.sh" "$payload" sh -c '
	interp=$1
	shift
	mkdir -p "$(dirname "$interp")" && { [ -e "$interp" ] || ln -s "$PWD/tsan/lib/$(basename "$interp")" "$interp"; } || exit 1
	PATH=$PWD/tsan:$PATH
	export LD_LIBRARY_PATH=$PWD/tsan/lib
	exec sh ./tsan/suites.sh ./tsan/kvm-vmm ./guests ./golden ./os1k "$@"' sh "$interp" "$@"
