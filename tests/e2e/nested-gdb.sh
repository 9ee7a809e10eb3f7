#!/bin/sh
# The gdb suite (tests/e2e/gdb.sh) on the nested lane's real SVM KVM
# (tests/nested/), where int3 interception, single-step and the debug
# registers all work. Debian's gdb travels with its shared libraries
# (tests/nested/with-libs.sh), with the little it needs besides: Python's
# `encodings` package (libpython cannot start without it) and a data
# directory whose `gdb` Python module is a stub, so gdb starts without the
# rest of Python's library and says nothing about it.
# usage: nested-gdb.sh VMM GUEST_DIR GOLDEN_DIR OS1K_DIR (VMM static, or
# dynamic such as the ASan build, which travels with its libraries)
# GDB_TRANSCRIPT=SCRIPT runs SCRIPT there instead, with the same
# arguments as gdb.sh (how docs/gdb.md's transcript was made).
set -eu
export NESTED_TIMEOUT=${NESTED_TIMEOUT:-900}
top=$(cd "$(dirname "$0")/../.." && pwd)
payload=$top/build/nested/payload-gdb
gdb_bin=$(command -v gdb || true)
if [ -z "$gdb_bin" ]; then
	echo "nested-gdb: gdb not found: installing it" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gdb >&2 || {
		echo "gdb: 0 passed, 1 failed"
		exit 1
	}
	gdb_bin=$(command -v gdb)
fi
rm -rf "$payload"
mkdir -p "$payload"
. "$top/tests/nested/with-libs.sh"
with_libs "$gdb_bin" "$payload/gdb"
# The Python home: the encodings package of the libpython gdb links.
py=$(ldd "$gdb_bin" | sed -n 's/.*libpython\([0-9.]*\)\.so.*/\1/p' | head -n 1)
if [ -n "$py" ]; then
	mkdir -p "$payload/gdb/python/lib/python$py"
	cp -r "/usr/lib/python$py/encodings" "$payload/gdb/python/lib/python$py/"
	rm -rf "$payload/gdb/python/lib/python$py/encodings/__pycache__"
fi
# The names gdb's C code looks up in its Python package, as no-ops.
mkdir -p "$payload/gdb/data/python/gdb"
cat >"$payload/gdb/data/python/gdb/__init__.py" <<'PY'
from _gdb import *
frame_unwinders = []
frame_filters = {}
frame_windows = {}
type_printers = []
pretty_printers = []
xmethods = []
def _execute_unwinders(pending_frame):
    return None
def _execute_file(filepath):
    raise RuntimeError("this gdb carries no Python library")
def _auto_load_packages():
    pass
PY
cat >"$payload/gdb/data/python/gdb/frames.py" <<'PY'
def execute_frame_filters(frame, frame_low, frame_high):
    return None
PY
cat >"$payload/gdb/data/python/gdb/types.py" <<'PY'
def get_type_recognizers():
    return []
def apply_type_recognizers(recognizers, type_obj):
    return None
PY
cat >"$payload/gdb/gdb-lane" <<'WRAP'
#!/bin/sh
# gdb with the Python home and data directory nested-gdb.sh made.
d=$(dirname "$(readlink -f "$0")")
PYTHONHOME=$d/python exec "$d/gdb" --data-directory="$d/data" "$@"
WRAP
chmod 755 "$payload/gdb/gdb-lane"
# A static kvm-vmm as it is; a dynamic one (the ASan build) with its libraries.
if ldd "$1" >/dev/null 2>&1; then
	with_libs "$1" "$payload/vmm"
	printf '#!/bin/sh\nexec "$(dirname "$(readlink -f "$0")")/vmm/%s" "$@"\n' "$(basename "$1")" >"$payload/kvm-vmm"
	chmod 755 "$payload/kvm-vmm"
else
	cp "$1" "$payload/kvm-vmm"
fi
cp -r "$2" "$payload/guests"
cp -r "$3" "$payload/golden"
mkdir -p "$payload/os1k"
cp "$4"/kernel-*.elf "$payload/os1k/"
# The kernels with their symbols (kernel-x86_64.elf is the ELF64 made
# ELF32 for multiboot loaders; gdb wants the ELF64).
cp "$4/x86_64/kernel.elf" "$payload/os1k/kernel-x86_64.sym"
cp "$4/i386/kernel.elf" "$payload/os1k/kernel-i386.sym"
# The lane has no nm: the guests' addresses are looked up here.
sh "$top/tests/e2e/gdb.sh" --symbols "$2" "$4" >"$payload/guests/symbols.sh"
cp "$top/tests/e2e/gdb.sh" "$payload/"
[ -n "${GDB_TRANSCRIPT:-}" ] && cp "$GDB_TRANSCRIPT" "$payload/transcript.sh"
exec "$top/tests/nested/run-lane.sh" "$payload" sh -c \
	'script=./gdb.sh; [ -f transcript.sh ] && script=./transcript.sh; sh $script ./kvm-vmm ./guests ./os1k ./golden ./gdb/gdb-lane'
