#!/bin/sh
# The ASan+UBSan build's end-to-end suites on the nested lane's real SVM KVM
# (tests/nested/): for a machine whose own /dev/kvm is missing, so that the
# sanitizers still watch every guest the suites run. The lane's initramfs
# has no C library, so the build travels with the shared libraries and the
# dynamic loader it was linked against, and a wrapper starts it through them.
# The console suite (tty.sh) runs there too, with util-linux's script(1).
# usage: nested-asan.sh ASAN_VMM GUEST_DIR GOLDEN_DIR OS1K_DIR
set -eu
export NESTED_TIMEOUT=${NESTED_TIMEOUT:-500}
top=$(cd "$(dirname "$0")/../.." && pwd)
payload=$top/build/nested/payload-asan
rm -rf "$payload"
# with_libs BINARY DIR: copies BINARY's shared libraries into DIR/lib and
# writes DIR/NAME, which starts BINARY (copied as DIR/NAME.elf) through the
# loader it was linked against, under the name it was called by (a link
# named kvm-vmm-qemu must stay that). Sets loader.
with_libs() {
	name=$(basename "$1")
	mkdir -p "$2/lib"
	cp "$1" "$2/$name.elf"
	for lib in $(ldd "$1" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'); do
		cp -L "$lib" "$2/lib/"
		case $lib in */ld-linux*) loader=$(basename "$lib") ;; esac
	done
	[ -n "$loader" ] || { echo "nested-asan: no dynamic loader in 'ldd $1'" >&2; exit 1; }
	# The marker __asan_init tells run.sh this is an ASan build (it
	# cannot run under ulimit -v).
	cat >"$2/$name" <<WRAP
#!/bin/sh
# $name through its own loader$(case $name in kvm-vmm) echo ': an ASan build (__asan_init)' ;; esac)
d=\$(dirname "\$(readlink -f "\$0")")
exec "\$d/lib/$loader" --argv0 "\$0" --library-path "\$d/lib" "\$d/$name.elf" "\$@"
WRAP
	chmod 755 "$2/$name"
}
loader=
with_libs "$1" "$payload/asan"
# script(1) gives the console suite its pseudo-terminal; busybox has none.
with_libs "$(command -v script)" "$payload/asan"
cp -r "$2" "$payload/guests"
cp -r "$3" "$payload/golden"
cp -r "$4" "$payload/os1k"
cp "$top/tests/e2e/run.sh" "$top/tests/e2e/os1k.sh" "$top/tests/e2e/flat.sh" "$top/tests/e2e/lib.sh" "$top/tests/e2e/qemu-compat.sh" "$top/tests/e2e/lines.sh" "$top/tests/e2e/output.sh" "$top/tests/e2e/tty.sh" "$payload/"
exec "$top/tests/nested/run-lane.sh" "$payload" sh -c \
	'PATH=$PWD/asan:$PATH; sh ./run.sh ./asan/kvm-vmm ./guests ./golden; r=$?; sh ./flat.sh ./asan/kvm-vmm ./guests ./golden || r=1; sh ./qemu-compat.sh vmm ./asan/kvm-vmm ./guests/qemu ./golden/qemu || r=1; sh ./lines.sh ./asan/kvm-vmm ./guests ./golden || r=1; sh ./output.sh ./asan/kvm-vmm ./guests ./golden || r=1; sh ./os1k.sh vmm ./asan/kvm-vmm ./os1k ./golden/os1k || r=1; sh ./tty.sh ./asan/kvm-vmm ./os1k/kernel-x86_64.elf && exit $r'
