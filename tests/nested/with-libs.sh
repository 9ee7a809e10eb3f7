# Sourced by the nested lanes that carry a dynamically linked build
# (nested-asan.sh, the TSan and soak lanes): the lane's initramfs has no C
# library, so the binary travels with its shared libraries and the dynamic
# loader it was linked against, and a wrapper starts it through them.
#
# with_libs BINARY DIR: copies BINARY's shared libraries into DIR/lib and
# writes DIR/NAME, which starts BINARY (copied as DIR/NAME.elf) through the
# loader it was linked against, under the name it was called by (a link
# named kvm-vmm-qemu must stay that). An ASan or TSan build's wrapper
# carries the marker __asan_init or __tsan_init, which tells run.sh it
# cannot run under ulimit -v.
with_libs() {
	name=$(basename "$1")
	loader=
	mkdir -p "$2/lib"
	cp "$1" "$2/$name.elf"
	for lib in $(ldd "$1" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'); do
		cp -L "$lib" "$2/lib/"
		case $lib in */ld-linux*) loader=$(basename "$lib") ;; esac
	done
	[ -n "$loader" ] || { echo "with_libs: no dynamic loader in 'ldd $1'" >&2; exit 1; }
	marker=
	nm "$1" 2>/dev/null | grep -q ' __asan_init$' && marker=': an ASan build (__asan_init)'
	nm "$1" 2>/dev/null | grep -q ' __tsan_init$' && marker=': a TSan build (__tsan_init)'
	cat >"$2/$name" <<WRAP
#!/bin/sh
# $name through its own loader$marker
d=\$(dirname "\$(readlink -f "\$0")")
exec "\$d/lib/$loader" --argv0 "\$0" --library-path "\$d/lib" "\$d/$name.elf" "\$@"
WRAP
	chmod 755 "$2/$name"
}
