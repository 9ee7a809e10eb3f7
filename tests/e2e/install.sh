#!/bin/sh
# make install and make uninstall, checked: installs with PREFIX=/usr into a
# scratch DESTDIR (with a space in its name), checks that every file is
# where README.md's Install section says, with its mode and content, that
# the installed kvm-vmm runs and its --help and --version name the installed
# paths, that the man page renders and documents every option and exit
# status of --help, and that make uninstall leaves DESTDIR empty, and
# leaves alone files it did not install. Needs no /dev/kvm, except to run
# the installed guests: on /dev/kvm when there is one, else in the nested
# lane with INSTALL_NESTED=1, else skipped with one line.
#
# usage: install.sh
# Builds in build/install-test (B=), so the tree's own build/ is left as it
# is. Prints "install: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
MAKE=${MAKE:-make}
B=build/install-test
T=$(mktemp -d "${TMPDIR:-/tmp}/minikvm-install.XXXXXX")
trap 'rm -rf "$T"' EXIT
D="$T/dest dir"
PASS=0 FAIL=0

ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
bad() {
	FAIL=$((FAIL + 1)); echo "FAIL $1: $2"
	[ -s "$T/err" ] && head -n 10 "$T/err" | sed 's/^/  | /'
	: >"$T/err"
	return 0
}
finish() {
	echo "install: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
	exit
}
mk() { $MAKE -s B=$B "$@" >"$T/make.out" 2>"$T/err"; }

# --- install -------------------------------------------------------------
mkdir -p "$D"
if mk PREFIX=/usr DESTDIR="$D" install; then ok "make install PREFIX=/usr DESTDIR=..."
else bad "make install" "status $?"; finish; fi

# What README.md's Install section promises, from the source tree: the
# guests from their sources (the QEMU-style kernels as the build named
# them), the docs, the man page, the binary and the two links.
{
	echo "usr/bin/kvm-vmm 755"
	echo "usr/bin/kvm-vmm-qemu -> kvm-vmm"
	for s in guests/real/*.S; do b=${s##*/}; echo "usr/share/mini-kvm/guests/${b%.S}.bin 644 $B/guests/${b%.S}.bin"; done
	for s in guests/flat/*.S; do b=${s##*/}; echo "usr/share/mini-kvm/guests/flat/${b%.S}.bin 644 $B/guests/flat/${b%.S}.bin"; done
	for k in "$B"/guests/qemu/*.elf; do echo "usr/share/mini-kvm/guests/qemu/${k##*/} 644 $k"; done
	for a in i386 x86_64; do echo "usr/share/mini-kvm/os1k/kernel-$a.elf 644 $B/os1k/kernel-$a.elf"; done
	for f in README.md docs/*.md LICENSE; do echo "usr/share/doc/mini-kvm/${f##*/} 644 $f"; done
	echo "usr/share/man/man1/kvm-vmm.1 644"
	echo "usr/share/man/man1/kvm-vmm-qemu.1 -> kvm-vmm.1"
} | sort >"$T/want"
(cd "$D" && find . ! -type d | sed 's|^\./||' | sort) >"$T/have"
cut -d ' ' -f 1 "$T/want" | sort >"$T/want.names"
if cmp -s "$T/want.names" "$T/have"; then ok "the installed files: exactly the $(wc -l <"$T/have") expected"
else bad "installed files" "missing (<) or unexpected (>): $(diff "$T/want.names" "$T/have" | grep '^[<>]' | tr '\n' ' ')"; fi
[ "$(grep -c 'usr/share/mini-kvm/guests/qemu/' "$T/want")" -ge 7 ] && ok "guests/qemu: the $(grep -c 'guests/qemu/' "$T/want") QEMU-style kernels" ||
	bad "guests/qemu" "only $(grep -c 'guests/qemu/' "$T/want") kernels built"
problems=
while read -r f a b; do
	p=$D/$f
	if [ "$a" = "->" ]; then
		[ -L "$p" ] && [ "$(readlink "$p")" = "$b" ] || problems="$problems $f(not a link to $b)"
		continue
	fi
	[ -f "$p" ] && [ ! -L "$p" ] || { problems="$problems $f(missing)"; continue; }
	mode=$(stat -c %a "$p")
	[ "$mode" = "$a" ] || problems="$problems $f(mode $mode)"
	[ -z "$b" ] || cmp -s "$b" "$p" || problems="$problems $f(differs from $b)"
done <"$T/want"
[ -z "$problems" ] && ok "modes 755/644, links, contents equal to the build's" || bad "installed files" "$problems"

# --- the installed binary ---------------------------------------------------
VMM=$D/usr/bin/kvm-vmm
"$VMM" --version >"$T/version" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && head -n 1 "$T/version" | grep -q '^kvm-vmm (Mini-KVM) ' &&
	grep -q '^Licence: MIT' "$T/version" && grep -q ' /usr/share/doc/mini-kvm/LICENSE' "$T/version"; then
	ok "installed kvm-vmm --version: the version, the licence, the installed LICENSE"
else bad "--version" "status $rc: $(cat "$T/version")"; fi
"$VMM" --help >"$T/help" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && grep -q ' /usr/share/doc/mini-kvm/guest-abi.md ' "$T/help" &&
	grep -q ' /usr/share/mini-kvm/guests/ ' "$T/help" && grep -q ' /usr/share/mini-kvm/os1k/ ' "$T/help"; then
	ok "installed kvm-vmm --help names the installed guest ABI, guests and 1K OS"
else bad "--help" "status $rc: $(grep -i -A8 '^Files' "$T/help")"; fi
# Every absolute path --help and --version name was installed.
missing=
for p in $(cat "$T/help" "$T/version" | grep -o ' /usr/[^ ]*' | sed 's/[),.;:]*$//'); do
	[ -e "$D$p" ] || missing="$missing $p"
done
[ -z "$missing" ] && ok "every path --help and --version name is installed" || bad "paths in --help" "not installed:$missing"
grep -q "$T" "$T/help" "$T/version" && bad "--help" "names the DESTDIR" || ok "--help and --version do not name the DESTDIR"
"$D/usr/bin/kvm-vmm-qemu" -version >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 0 ] && grep -q '^QEMU emulator version .*(kvm-vmm ' "$T/out" && ok "installed kvm-vmm-qemu -version: QEMU's command line" ||
	bad "kvm-vmm-qemu" "status $rc: $(cat "$T/out")"

# --- the man page -------------------------------------------------------------
MAN=$D/usr/share/man/man1/kvm-vmm.1
# render FILE: the page as plain ASCII text (no bold or underline), by man
# when man-db is there, else by groff or nroff.
plain() { if command -v col >/dev/null 2>&1; then col -b; else sed 's/.\x08//g'; fi; }
render() {
	if command -v man >/dev/null 2>&1; then LC_ALL=C MANWIDTH=80 man -l "$1" | plain
	elif command -v groff >/dev/null 2>&1; then groff -man -Tascii -P-cbou "$1"
	elif command -v nroff >/dev/null 2>&1; then LC_ALL=C nroff -man "$1" | plain
	else return 127; fi
}
renderer() { command -v man || command -v groff || command -v nroff; } >/dev/null 2>&1
if ! renderer && [ "$(id -u)" = 0 ]; then
	echo "install: no man, groff or nroff: installing groff-base" >&2
	{ DEBIAN_FRONTEND=noninteractive apt-get update -q &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends --no-upgrade groff-base; } </dev/null >&2
fi
if ! renderer; then
	bad "man page" "neither man, groff nor nroff is installed (apt-get install man-db, or groff-base)"
else
	render "$MAN" >"$T/man.txt" 2>"$T/err"
	rc=$?
	tool=$(for c in man groff nroff; do command -v $c >/dev/null 2>&1 && { echo $c; break; }; done)
	[ $rc -eq 0 ] && [ ! -s "$T/err" ] && [ "$(wc -l <"$T/man.txt")" -gt 100 ] &&
		ok "the installed man page renders ($tool: $(wc -l <"$T/man.txt") lines, no warnings)" ||
		bad "man page" "$tool: status $rc, $(wc -l <"$T/man.txt") lines"
	if command -v groff >/dev/null 2>&1; then
		LC_ALL=C groff -man -Tutf8 -ww -z "$MAN" 2>"$T/err" && [ ! -s "$T/err" ] &&
			ok "groff -ww: no warnings" || bad "man page" "groff -ww warns"
	fi
	render "$D/usr/share/man/man1/kvm-vmm-qemu.1" >"$T/man2.txt" 2>/dev/null
	cmp -s "$T/man.txt" "$T/man2.txt" && grep -q '^ *kvm-vmm, kvm-vmm-qemu - ' "$T/man.txt" &&
		ok "man kvm-vmm-qemu: the same page, which names both" || bad "kvm-vmm-qemu.1" "not the same page"
	sections=
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" FILES EXAMPLES "SEE ALSO"; do
		grep -q "^$s\$" "$T/man.txt" || sections="$sections '$s'"
	done
	[ -z "$sections" ] && ok "sections NAME ... SEE ALSO" || bad "man page" "no section$sections"
	grep -q 'qemu-system-x86_64(1)' "$T/man.txt" && ok "SEE ALSO qemu-system-x86_64(1)" || bad "man page" "no qemu-system-x86_64(1)"
	grep -q '/usr/local' "$T/man.txt" && bad "man page" "the installed page names /usr/local" ||
		{ grep -q '/usr/share/mini-kvm/guests/' "$T/man.txt" && ok "the installed page names the installed paths" ||
			bad "man page" "no /usr/share/mini-kvm/guests/"; }

	# Every option of --help, long (--word) and short (-k, at the start of
	# an option line), in the page as a whole word.
	missing=
	for o in $(grep -o -- '--[a-z][a-z-]*[a-z]' "$T/help" | sort -u) \
		$(sed -n 's/^  \(-[a-zA-Z]\), --.*/\1/p' "$T/help"); do
		grep -Eq -- "(^|[^a-zA-Z-])$o([^a-zA-Z-]|\$)" "$T/man.txt" || missing="$missing $o"
	done
	n=$(grep -o -- '--[a-z][a-z-]*[a-z]' "$T/help" | sort -u | wc -l)
	[ -z "$missing" ] && ok "the man page documents all $n long options of --help, and the short ones" ||
		bad "man page" "--help lists, the page does not:$missing"
	# And the other way: every --option in the page's OPTIONS is one
	# kvm-vmm takes (it is not "unknown").
	unknown=
	for o in $(sed -n '/^OPTIONS$/,/^EXIT STATUS$/p' "$T/man.txt" | grep -o -- '--[a-z][a-z-]*[a-z]' | sort -u); do
		"$VMM" "$o" </dev/null >/dev/null 2>"$T/opt.err"
		grep -q "unknown option" "$T/opt.err" && unknown="$unknown $o"
	done
	[ -z "$unknown" ] && ok "every option in the page's OPTIONS is one kvm-vmm takes" ||
		bad "man page" "kvm-vmm does not know:$unknown"
	# Every exit status of --help's table, in EXIT STATUS.
	missing=
	sed -n '/^EXIT STATUS$/,/^FILES$/p' "$T/man.txt" >"$T/man-status.txt"
	for st in $(sed -n '/^Exit status/,$s/^  \([0-9][0-9-]*\) .*/\1/p' "$T/help"); do
		grep -q "^ *${st}[[:space:]]" "$T/man-status.txt" || missing="$missing $st"
	done
	[ -z "$missing" ] && ok "EXIT STATUS has every status of --help's table" || bad "man page" "EXIT STATUS lacks:$missing"
fi

# --- the installed guests, on a KVM -------------------------------------------
G=usr/share/mini-kvm
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	(cd "$D" && ./usr/bin/kvm-vmm $G/guests/hello.bin) >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc -eq 0 ] && cmp -s "$T/out" tests/golden/hello.out && ok "installed: kvm-vmm guests/hello.bin" || bad "hello.bin" "status $rc"
	(cd "$D" && ./usr/bin/kvm-vmm --long-mode $G/guests/flat/long64.bin) >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc -eq 0 ] && cmp -s "$T/out" tests/golden/flat/long64.out && ok "installed: kvm-vmm --long-mode guests/flat/long64.bin" || bad "long64.bin" "status $rc"
	(cd "$D" && ./usr/bin/kvm-vmm $G/os1k/kernel-x86_64.elf </dev/null) >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc -eq 0 ] && cmp -s "$T/out" tests/golden/os1k/eof-at-start.out && ok "installed: kvm-vmm os1k/kernel-x86_64.elf" || bad "1K OS" "status $rc"
elif [ -n "${INSTALL_NESTED:-}" ]; then
	# A copy of the installed tree (the binary is static) as the lane's payload.
	cp -R "$D" "$T/payload" &&
		cp tests/golden/hello.out tests/golden/flat/long64.out tests/golden/os1k/eof-at-start.out "$T/payload/"
	# shellcheck disable=SC2016
	NESTED_TIMEOUT=${NESTED_TIMEOUT:-240} tests/nested/run-lane.sh "$T/payload" sh -c '
		G=usr/share/mini-kvm
		./usr/bin/kvm-vmm $G/guests/hello.bin >out; echo "hello $? $(cmp -s out hello.out && echo same)"
		./usr/bin/kvm-vmm --long-mode $G/guests/flat/long64.bin >out; echo "long64 $? $(cmp -s out long64.out && echo same)"
		for a in x86_64 i386; do
			./usr/bin/kvm-vmm $G/os1k/kernel-$a.elf </dev/null >out; echo "os1k-$a $? $(cmp -s out eof-at-start.out && echo same)"
		done' >"$T/lane.out" # its stderr (lane: lines) as it is, for tests/run-all.sh
	rc=$?
	[ $rc -eq 0 ] || bad "nested lane" "status $rc"
	for g in hello long64 os1k-x86_64 os1k-i386; do
		grep -q "^$g 0 same\$" "$T/lane.out" && ok "installed, in the nested lane: $g" ||
			bad "$g in the nested lane" "$(grep "^$g " "$T/lane.out")"
	done
else
	echo "skip: no /dev/kvm here: the installed guests are not run (INSTALL_NESTED=1 runs them in the nested lane)"
fi

# --- uninstall ---------------------------------------------------------------------
if mk PREFIX=/usr DESTDIR="$D" uninstall; then
	left=$(find "$D" -mindepth 1 | head -n 5)
	[ -z "$left" ] && ok "make uninstall leaves DESTDIR empty" || bad "make uninstall" "left: $left"
else bad "make uninstall" "status $?"; fi
mk PREFIX=/usr DESTDIR="$D" uninstall && ok "make uninstall again: nothing to do, status 0" || bad "second uninstall" "failed"

# Files uninstall did not install stay, and so do their directories.
D2=$T/dest2
mkdir -p "$D2/usr/bin" "$D2/usr/share/mini-kvm/guests" "$D2/usr/share/doc/other"
echo mine >"$D2/usr/bin/other-tool"
echo mine >"$D2/usr/share/mini-kvm/guests/mine.bin"
echo mine >"$D2/usr/share/doc/other/README"
if mk PREFIX=/usr DESTDIR="$D2" install && mk PREFIX=/usr DESTDIR="$D2" uninstall; then
	left=$(cd "$D2" && find . ! -type d | sort | tr '\n' ' ')
	[ "$left" = "./usr/bin/other-tool ./usr/share/doc/other/README ./usr/share/mini-kvm/guests/mine.bin " ] &&
		ok "make uninstall removes only what it installed" || bad "make uninstall" "left: $left"
else bad "install and uninstall beside other files" "failed"; fi

# The default PREFIX, /usr/local, and a BINDIR of its own.
D3=$T/dest3
if mk DESTDIR="$D3" BINDIR=/opt/mkvm/bin install; then
	[ -x "$D3/opt/mkvm/bin/kvm-vmm" ] && [ -f "$D3/usr/local/share/mini-kvm/guests/hello.bin" ] &&
		[ -f "$D3/usr/local/share/man/man1/kvm-vmm.1" ] && [ -f "$D3/usr/local/share/doc/mini-kvm/LICENSE" ] &&
		"$D3/opt/mkvm/bin/kvm-vmm" --help | grep -q ' /usr/local/share/doc/mini-kvm/guest-abi.md ' &&
		ok "default PREFIX /usr/local, BINDIR=/opt/mkvm/bin" || bad "default PREFIX" "$(cd "$D3" && find . -maxdepth 4 | head)"
	mk DESTDIR="$D3" BINDIR=/opt/mkvm/bin uninstall
	[ -z "$(find "$D3" -mindepth 1)" ] && ok "and its uninstall leaves DESTDIR empty" || bad "uninstall" "left: $(find "$D3" -mindepth 1 | head -n 5)"
else bad "make install (default PREFIX)" "failed"; fi
finish
