#!/bin/sh
# Checks the nested lane itself, in one boot: that /dev/kvm in there has
# hardware semantics (kvmcheck runs 32-bit paging guests, which the host's
# kvm-pvm cannot), that arguments reach COMMAND intact, that COMMAND runs in
# the payload, that its output arrives clean on stdout and that its exit
# status comes back as run-lane.sh's; and that NESTED_CPUS gives the lane's
# QEMU that many CPUs (a second boot) and refuses a bad count before any.
#
# usage: selftest.sh        (exit status 0 if the lane works)
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$here/../.." && pwd)/build/nested/selftest
rm -rf "$out"
mkdir -p "$out/payload"

${CC:-gcc} -static -O2 -Wall -Wextra -Werror -o "$out/payload/kvmcheck" "$here/kvmcheck.c" ||
	{ echo "selftest: cannot build kvmcheck.c (needs gcc and static libc)" >&2; exit 1; }

# For contrast, the host: on kvm-pvm the paging guests fail. Not checked, as
# on a hardware-KVM host they pass.
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	echo "selftest: kvmcheck on the host's /dev/kvm, for contrast:"
	"$out/payload/kvmcheck" | sed 's/^/  host | /'
fi

# Arguments with a space, a quote and a $ must arrive as they were given.
# shellcheck disable=SC2016
"$here/run-lane.sh" "$out/payload" sh -c \
	'./kvmcheck; echo "kvmcheck-status=$?"; printf "arg:%s\n" "$@"; exit 7' \
	lane-selftest 'two  words' "it's" '$HOME' >"$out/got"
status=$?

cat >"$out/want" <<'EOF'
kvmcheck: KVM API version 12
real-mode: out 0x3f8 'K'
real-mode: HLT
paging32-guest: out 0x3f8 'P'
paging32-guest: HLT
paging32-vmm: out 0x3f8 'P'
paging32-vmm: HLT
kvmcheck: PASS: hardware KVM semantics
kvmcheck-status=0
arg:two  words
arg:it's
arg:$HOME
EOF

echo "selftest: kvmcheck in the nested lane:"
sed 's/^/  lane | /' "$out/got"
fail=0
if ! cmp -s "$out/want" "$out/got"; then
	echo "selftest: FAIL: the lane's output differs from what was expected:" >&2
	diff -u "$out/want" "$out/got" >&2
	fail=1
fi
if [ "$status" != 7 ]; then
	echo "selftest: FAIL: run-lane.sh exited $status, expected the command's 7" >&2
	fail=1
fi

NESTED_CPUS=2 "$here/run-lane.sh" "$out/payload" nproc >"$out/cpus" 2>"$out/cpus.err"
status=$?
if [ "$status" != 0 ] || [ "$(cat "$out/cpus")" != 2 ]; then
	echo "selftest: FAIL: NESTED_CPUS=2: status $status, nproc said '$(cat "$out/cpus")': $(tail -n 2 "$out/cpus.err")" >&2
	fail=1
else
	echo "selftest: NESTED_CPUS=2: nproc in the lane says 2"
fi
NESTED_CPUS=0 "$here/run-lane.sh" "$out/payload" nproc >"$out/cpus" 2>"$out/cpus.err"
status=$?
if [ "$status" != 125 ] || [ -s "$out/cpus" ] || [ "$(wc -l <"$out/cpus.err")" != 1 ] ||
	! grep -q "NESTED_CPUS must be a whole number of CPUs from 1, not '0'" "$out/cpus.err"; then
	echo "selftest: FAIL: NESTED_CPUS=0: status $status (expected 125 and one line): $(cat "$out/cpus.err")" >&2
	fail=1
else
	echo "selftest: NESTED_CPUS=0 is refused with one line, status 125"
fi
[ "$fail" = 0 ] && echo "selftest: PASS"
exit "$fail"
