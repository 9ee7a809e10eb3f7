#!/bin/sh
# Proves that the soak can fail (tests/soak/README.md): run.sh is given a
# fake VMM that crashes, hangs, prints sanitizer reports and exits with
# undocumented statuses for some images, and must count exactly those as
# failures, print their stderr between the markers and save them; and a
# soak in which every image is refused must fail its coverage check. Needs
# no /dev/kvm: it runs on the build machine in a few seconds.
# usage: selftest.sh [SHELL]   (the shell run.sh runs under; default: busybox
# sh where there is one, as in the nested lane, else sh)
set -u
here=$(cd "$(dirname "$0")" && pwd)
shell=${1:-sh}
[ $# -eq 0 ] && [ -x /bin/busybox ] && shell="/bin/busybox sh"
t=$(mktemp -d "${TMPDIR:-/tmp}/soak-selftest.XXXXXX") || exit 1
trap 'rm -rf "$t"' EXIT
pass=0 fail=0
check() { # NAME CONDITION...
	name=$1
	shift
	if "$@"; then pass=$((pass + 1)); echo "ok   $name"; else
		fail=$((fail + 1)); echo "FAIL $name"; sed 's/^/  | /' "$t/log"; fi
}

# The fake VMM: called as `vmm --timeout T IMAGE`, it does what the image's
# name says.
cat >"$t/vmm" <<'EOF'
#!/bin/sh
[ "$1" = --timeout ] || exit 120
case $(basename "$3") in
ok*) echo guest output; exit 0 ;;
guest7) exit 7 ;;
timeout) echo "kvm-vmm: timeout" >&2; exit 124 ;;
fault) exit 123 ;;
refused*) echo "kvm-vmm: refused" >&2; exit 121 ;;
segv) kill -SEGV $$ ;;
abort) kill -ABRT $$ ;;
asan) echo "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x1" >&2; exit 1 ;;
ubsan) echo "src/vcpu.c:12:3: runtime error: shift exponent 40 is too large" >&2; exit 123 ;;
leak) echo "==1==ERROR: LeakSanitizer: detected memory leaks" >&2; exit 0 ;;
hang) exec sleep 30 ;;
status127) exit 127 ;;
sigterm) exit 143 ;;
esac
exit 99
EOF
chmod 755 "$t/vmm"
mkdir "$t/img" "$t/refused"
good="ok-1 ok-2 ok-3 ok-4 guest7 timeout fault refused-1"
bad="segv abort asan ubsan leak hang status127 sigterm"
for f in $good $bad; do : >"$t/img/$f"; done
for i in 1 2 3; do : >"$t/refused/refused-$i"; done

SOAK_TIMEOUT=1 SOAK_KILL=2 SOAK_LABEL="fake soak" SOAK_SAVE=$t/save \
	$shell "$here/run.sh" "$t/vmm" "$t/img" >"$t/log" 2>&1
rc=$?
check "a failing soak exits non-zero" [ "$rc" -ne 0 ]
check "the summary counts 8 passed, 8 failed" grep -q '^fake soak: 8 passed, 8 failed$' "$t/log"
for f in $bad; do
	check "$f is a failure, saved with its stderr and status" \
		sh -c "grep -q '^FAIL $f: ' '$t/log' && grep -q '^@@soak-stderr-begin $f [0-9]*$' '$t/log' &&
			grep -q '^@@soak-stderr-end $f$' '$t/log' && [ -f '$t/save/$f' ] &&
			[ -f '$t/save/$f.err' ] && [ -s '$t/save/$f.status' ]"
done
check "a crash is reported as its signal" grep -q '^FAIL segv: killed by signal 11 (status 139)' "$t/log"
check "a hang is reported as one" grep -q '^FAIL hang: hang: killed after 2 s' "$t/log"
check "the stderr of a sanitizer report is printed" grep -q '^==1==ERROR: AddressSanitizer' "$t/log"
check "no passing image is called a failure" sh -c "! grep -E '^FAIL (ok|guest7|timeout|fault|refused)' '$t/log'"
check "the tally counts each status" grep -q 'statuses (status:count): 0:5 1:1 7:1 121:1 123:2 124:1 127:1 134:1 137:1 139:1 143:1; ran guest code: 9 of 16' "$t/log"

SOAK_TIMEOUT=1 SOAK_KILL=2 SOAK_LABEL="fake soak" $shell "$here/run.sh" "$t/vmm" "$t/refused" >"$t/log" 2>&1
rc=$?
check "a soak in which nothing ran fails its coverage check" \
	sh -c "[ $rc -ne 0 ] && grep -q '^FAIL coverage: only 0 of 3 images ran guest code' '$t/log' &&
		grep -q '^fake soak: 3 passed, 1 failed$' '$t/log'"
echo "soak-selftest: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
