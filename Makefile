# Mini-KVM. `make` builds the VMM and the guests; `make test` runs every
# test lane; `make run` shows the guests running.

CC ?= cc
AS := as
LD := ld
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/mini-kvm
DOCDIR ?= $(PREFIX)/share/doc/mini-kvm
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=

WARNINGS := -Wall -Wextra -Werror
CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 $(WARNINGS) -MMD -MP
override CPPFLAGS += -D_GNU_SOURCE -Iinclude
LDLIBS += -lpthread
# Linked statically by default: the process then maps only the libc code it
# uses, which halves peak RSS and saves the dynamic loader's work at every
# start (bench/results.md, table 6). STATIC=0 links against the shared libc.
STATIC ?= 1
ifeq ($(STATIC),1)
VMM_LDFLAGS := -static
endif

B := build
VMM_SRCS := $(wildcard src/*.c src/dev/*.c src/boot/*.c src/gdb/*.c)
LIB_SRCS := $(filter-out src/main.c,$(VMM_SRCS))
UNIT_SRCS := $(wildcard tests/unit/*.c)

REAL_GUESTS := $(patsubst guests/real/%.S,$(B)/guests/%.bin,$(wildcard guests/real/*.S))
TEST_GUESTS := $(patsubst guests/test/%.S,$(B)/guests/test/%.bin,$(wildcard guests/test/*.S)) \
	$(patsubst guests/multiboot/%.S,$(B)/guests/test/%.elf,$(wildcard guests/multiboot/*.S))
GUESTS := $(REAL_GUESTS) $(TEST_GUESTS)


.PHONY: clean-clang bench
.PHONY: initramfs run-linux test-install vmlinux
.PHONY: all guests test test-unit test-host test-asan test-nested test-nested-asan test-qemu test-linux run install uninstall clean static asan
all: $(B)/kvm-vmm guests
guests: $(GUESTS)

# --- the VMM, in three builds: normal, ASan+UBSan, static (nested lane) ---
$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<
$(B)/kvm-vmm: $(patsubst %.c,$(B)/obj/%.o,$(VMM_SRCS))
	$(CC) $(VMM_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
$(B)/asan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) -c -o $@ $<
$(B)/asan/kvm-vmm: $(patsubst %.c,$(B)/asan/obj/%.o,$(VMM_SRCS))
	$(CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
asan: $(B)/asan/kvm-vmm

$(B)/static/kvm-vmm: $(patsubst %.c,$(B)/obj/%.o,$(VMM_SRCS))
	@mkdir -p $(dir $@)
	$(CC) -static $(LDFLAGS) -o $@ $^ $(LDLIBS)
static: $(B)/static/kvm-vmm

# --- guests: GNU as through the C preprocessor (cc -c on a .S), .code16,
# linked flat at origin 0: kvm-vmm loads the image at REAL_LOAD_ADDR (0x10000)
# and enters it at REAL_SEGMENT:0 with CS = DS = ES = SS = REAL_SEGMENT, the
# reference's ABI (include/minikvm/abi.h). -MMD records the files a guest
# includes (lib.inc, abi.h, multiplication.S for multiplication-uart).
REAL_ASFLAGS := -m32 -c -MMD -MP -I include -I guests/real
REAL_DEPS := $(wildcard guests/real/*.inc) include/minikvm/abi.h
$(B)/guests/%.bin: guests/real/%.S $(REAL_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(REAL_ASFLAGS) -MT $@ -o $(B)/guests/$*.o $<
	$(LD) -m elf_i386 -Ttext 0 -e 0 --oformat binary -o $@ $(B)/guests/$*.o
$(B)/guests/test/%.bin: guests/test/%.S $(REAL_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(REAL_ASFLAGS) -MT $@ -o $(B)/guests/test/$*.o $<
	$(LD) -m elf_i386 -Ttext 0 -e 0 --oformat binary -o $@ $(B)/guests/test/$*.o
include guests/os1k/os1k.mk
include guests/flat/flat.mk
include guests/qemu/qemu.mk

# --- measuring: whole-process wall time and peak RSS of a command ---
$(B)/runstat: bench/runstat.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $<

# Multiboot test kernels: ELF32, linked at 1 MiB like any multiboot kernel.
# Assembled through the C preprocessor, for minikvm/abi.h's numbers.
$(B)/guests/test/%.elf: guests/multiboot/%.S include/minikvm/abi.h
	@mkdir -p $(dir $@)
	$(CC) -m32 -c -I include -o $(B)/guests/test/$*.o $<
	$(LD) -m elf_i386 -Ttext 0x100000 -e _start -o $@ $(B)/guests/test/$*.o

# A long-mode kernel is assembled as ELF64 and repackaged as ELF32, the only
# class multiboot v1 loaders (kvm-vmm, QEMU -kernel) accept. -n (no page
# alignment) keeps the ELF headers out of the loaded segments, which the
# 32-bit copy could not express.
$(B)/guests/test/compute.elf: guests/multiboot/compute.S include/minikvm/abi.h
	@mkdir -p $(dir $@)
	$(CC) -m64 -c -I include -o $(B)/guests/test/compute.o $<
	$(LD) -m elf_x86_64 -n --no-warn-rwx-segments -Ttext 0x100000 -e _start -o $(B)/guests/test/compute64.elf $(B)/guests/test/compute.o
	objcopy -O elf32-i386 $(B)/guests/test/compute64.elf $@

# --- make bench: bench/results.md, results.json, chart.svg ---
BENCH_TOOLS := $(B)/runstat $(B)/bare $(B)/native $(B)/setup-steps
# The floor is linked the way kvm-vmm is, so the comparison is like for like.
$(B)/bare: bench/bare.c
	$(CC) $(CPPFLAGS) $(CFLAGS) $(VMM_LDFLAGS) -o $@ $<
$(B)/setup-steps: bench/setup-steps.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $<
# Not -O2: the loop is in inline assembly; the flags must not matter.
$(B)/native: bench/native.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $<
bench: all static $(BENCH_TOOLS)
	sh bench/install-deps.sh
	python3 bench/bench.py

# --- tests ---
# The unit tests also compile the sandbox's rules with libseccomp (Debian's
# libseccomp-dev), to check that src/sandbox_filter.c is what they give.
SANDBOX_COMPILE := $(B)/obj/tools/sandbox_compile.o
$(B)/unit-tests: $(patsubst %.c,$(B)/obj/%.o,$(UNIT_SRCS) $(LIB_SRCS)) $(SANDBOX_COMPILE)
	$(CC) $(LDFLAGS) -o $@ $^ -lseccomp $(LDLIBS)

# After a change to src/sandbox_rules.c: the programs kvm-vmm loads.
$(B)/gen-sandbox-filter: tools/gen-sandbox-filter.c $(SANDBOX_COMPILE) $(B)/obj/src/sandbox_rules.o
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $^ -lseccomp
sandbox-filter: $(B)/gen-sandbox-filter
	$(B)/gen-sandbox-filter >src/sandbox_filter.c.new && mv src/sandbox_filter.c.new src/sandbox_filter.c
	python3 tools/gen-security-tables.py
.PHONY: sandbox-filter

# The C unit tests, then make bench's own parser and report, then
# tools/trim-vmlinux.sh on built ELF files (no guest runs).
test-unit: $(B)/unit-tests
	$(B)/unit-tests; status=$$?; python3 tests/bench/test_bench_report.py || exit 1; python3 tests/tools/test_trim_vmlinux.py || exit 1; exit $$status
# Each lane runs both suites and fails if either fails.
test-host: all
	sh tests/e2e/run.sh $(B)/kvm-vmm $(B)/guests tests/golden; r=$$?; \
	sh tests/e2e/os1k.sh vmm $(B)/kvm-vmm $(B)/os1k tests/golden/os1k || r=1; \
	sh tests/e2e/flat.sh $(B)/kvm-vmm $(B)/guests tests/golden || r=1; \
	sh tests/e2e/qemu-compat.sh vmm $(B)/kvm-vmm $(B)/guests/qemu tests/golden/qemu || r=1; \
	sh tests/e2e/lines.sh $(B)/kvm-vmm $(B)/guests tests/golden || r=1; \
	sh tests/e2e/output.sh $(B)/kvm-vmm $(B)/guests tests/golden || r=1; \
	sh tests/e2e/trace.sh $(B)/kvm-vmm $(B)/guests tests/golden $(B)/os1k || r=1; \
	sh tests/e2e/gdb.sh $(B)/kvm-vmm $(B)/guests $(B)/os1k tests/golden || r=1; \
	sh tests/e2e/tty.sh $(B)/kvm-vmm $(B)/os1k/kernel-x86_64.elf && exit $$r
test-asan: $(B)/asan/kvm-vmm guests $(OS1K_IMAGES)
	sh tests/e2e/run.sh $(B)/asan/kvm-vmm $(B)/guests tests/golden; r=$$?; \
	sh tests/e2e/flat.sh $(B)/asan/kvm-vmm $(B)/guests tests/golden || r=1; \
	sh tests/e2e/qemu-compat.sh vmm $(B)/asan/kvm-vmm $(B)/guests/qemu tests/golden/qemu || r=1; \
	sh tests/e2e/lines.sh $(B)/asan/kvm-vmm $(B)/guests tests/golden || r=1; \
	sh tests/e2e/output.sh $(B)/asan/kvm-vmm $(B)/guests tests/golden || r=1; \
	sh tests/e2e/trace.sh $(B)/asan/kvm-vmm $(B)/guests tests/golden $(B)/os1k || r=1; \
	sh tests/e2e/os1k.sh vmm $(B)/asan/kvm-vmm $(B)/os1k tests/golden/os1k && exit $$r
test-nested: static guests $(OS1K_IMAGES)
	sh tests/e2e/nested.sh $(B)/static/kvm-vmm $(B)/guests tests/golden $(B)/os1k
# The ASan build's suites and the console's on the nested lane's KVM: what
# stands in for the asan and host lanes on a machine without /dev/kvm.
test-nested-asan: $(B)/asan/kvm-vmm guests $(OS1K_IMAGES)
	sh tests/e2e/nested-asan.sh $(B)/asan/kvm-vmm $(B)/guests tests/golden $(B)/os1k
# The gdb stub (--gdb) driven by Debian's gdb on the nested lane's KVM,
# which intercepts int3 and steps in every mode (tests/e2e/gdb.sh).
test-gdb: static guests $(OS1K_IMAGES)
	sh tests/e2e/nested-gdb.sh $(B)/static/kvm-vmm $(B)/guests tests/golden $(B)/os1k
.PHONY: test-gdb
# Debian's kernel booted to a busybox init in the nested lane.
test-linux: static $(B)/initramfs.cpio.gz
	sh tests/linux/run.sh $(B)/static/kvm-vmm $(B)/initramfs.cpio.gz
# Outside check that the 1K OS images are proper multiboot kernels.
test-qemu: $(OS1K_IMAGES) $(QEMU_IMAGES)
	sh tests/e2e/os1k.sh qemu qemu-system-x86_64 $(B)/os1k tests/golden/os1k; r=$$?; \
	sh tests/e2e/qemu-compat.sh qemu qemu-system-x86_64 $(B)/guests/qemu tests/golden/qemu && exit $$r
test:
	sh tests/run-all.sh

run: all
	sh tests/demo.sh $(B)/kvm-vmm $(B)/guests

# --- make install / uninstall (PREFIX, DESTDIR; the layout is in README.md) ---
#   BINDIR   kvm-vmm, and kvm-vmm-qemu, a link to it (QEMU's options)
#   DATADIR  guests/*.bin (real mode), guests/flat/, guests/qemu/, os1k/
#   DOCDIR   README.md, docs/*.md, LICENSE
#   MANDIR   man1/kvm-vmm.1, and kvm-vmm-qemu.1, a link to it
# --help and --version name DATADIR and DOCDIR: they are compiled into
# cli_help.o, which is rebuilt when they change (the stamp file changes only then).
INSTALL_DOCS := README.md $(wildcard docs/*.md) LICENSE
INSTALL_GUESTS := $(REAL_GUESTS) $(FLAT_IMAGES) $(QEMU_IMAGES)
$(B)/obj/src/cli_help.o $(B)/asan/obj/src/cli_help.o: override CPPFLAGS += -DDATADIR='"$(DATADIR)"' -DDOCDIR='"$(DOCDIR)"'
$(B)/obj/src/cli_help.o $(B)/asan/obj/src/cli_help.o: $(B)/install-paths
$(B)/install-paths: FORCE
	@mkdir -p $(B); p='$(DATADIR) $(DOCDIR)'; [ "$$(cat $@ 2>/dev/null)" = "$$p" ] || echo "$$p" >$@
.PHONY: FORCE
FORCE:

install: $(B)/kvm-vmm $(INSTALL_GUESTS) $(OS1K_IMAGES)
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(DATADIR)/guests/flat" "$(DESTDIR)$(DATADIR)/guests/qemu" \
		"$(DESTDIR)$(DATADIR)/os1k" "$(DESTDIR)$(DOCDIR)" "$(DESTDIR)$(MANDIR)/man1"
	install -m 755 $(B)/kvm-vmm "$(DESTDIR)$(BINDIR)/kvm-vmm"
	ln -sf kvm-vmm "$(DESTDIR)$(BINDIR)/kvm-vmm-qemu"
	install -m 644 $(REAL_GUESTS) "$(DESTDIR)$(DATADIR)/guests/"
	install -m 644 $(FLAT_IMAGES) "$(DESTDIR)$(DATADIR)/guests/flat/"
	install -m 644 $(QEMU_IMAGES) "$(DESTDIR)$(DATADIR)/guests/qemu/"
	install -m 644 $(OS1K_IMAGES) "$(DESTDIR)$(DATADIR)/os1k/"
	install -m 644 $(INSTALL_DOCS) "$(DESTDIR)$(DOCDIR)/"
	sed -e 's|/usr/local/share/mini-kvm|$(DATADIR)|g' -e 's|/usr/local/share/doc/mini-kvm|$(DOCDIR)|g' \
		docs/kvm-vmm.1 >"$(DESTDIR)$(MANDIR)/man1/kvm-vmm.1"
	chmod 644 "$(DESTDIR)$(MANDIR)/man1/kvm-vmm.1"
	ln -sf kvm-vmm.1 "$(DESTDIR)$(MANDIR)/man1/kvm-vmm-qemu.1"
# Removes exactly what install wrote, then the directories left empty: its
# own (DATADIR, DOCDIR) always; with a DESTDIR, also BINDIR, MANDIR/man1 and
# their parents up to DESTDIR, so that a staged install and uninstall leave
# DESTDIR as it was. Without one, /usr/local/bin and the like stay.
uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/kvm-vmm" "$(DESTDIR)$(BINDIR)/kvm-vmm-qemu" \
		$(patsubst $(B)/guests/%,"$(DESTDIR)$(DATADIR)/guests/%",$(INSTALL_GUESTS)) \
		$(patsubst $(B)/os1k/%,"$(DESTDIR)$(DATADIR)/os1k/%",$(OS1K_IMAGES)) \
		$(patsubst %,"$(DESTDIR)$(DOCDIR)/%",$(notdir $(INSTALL_DOCS))) \
		"$(DESTDIR)$(MANDIR)/man1/kvm-vmm.1" "$(DESTDIR)$(MANDIR)/man1/kvm-vmm-qemu.1"
	@for d in guests/flat guests/qemu guests os1k ""; do rmdir "$(DESTDIR)$(DATADIR)/$$d" 2>/dev/null; done; \
	rmdir "$(DESTDIR)$(DOCDIR)" 2>/dev/null; \
	if [ -n "$(DESTDIR)" ]; then \
		for d in "$(DATADIR)" "$(DOCDIR)" "$(MANDIR)/man1" "$(BINDIR)"; do \
			while [ "$$d" != / ] && [ "$$d" != . ]; do \
				[ ! -d "$(DESTDIR)$$d" ] || rmdir "$(DESTDIR)$$d" 2>/dev/null || break; \
				d=$$(dirname "$$d"); \
			done; \
		done; \
	fi; true

# --- Linux: an initramfs with a busybox shell on the console, and the
# newest /boot/vmlinuz-* booted with it (docs/linux.md) ---
$(B)/initramfs.cpio.gz: tools/mkinitramfs.sh $(wildcard /bin/busybox)
	sh tools/mkinitramfs.sh $@
initramfs: $(B)/initramfs.cpio.gz
LINUX_KERNEL ?= $(shell ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
LINUX_FLAGS ?= --append quiet
run-linux: $(B)/kvm-vmm $(B)/initramfs.cpio.gz
	@[ -r "$(LINUX_KERNEL)" ] || { echo "run-linux: no readable kernel (LINUX_KERNEL='$(LINUX_KERNEL)'): apt-get install linux-image-amd64, or make run-linux LINUX_KERNEL=BZIMAGE" >&2; exit 1; }
	$(B)/kvm-vmm --kernel "$(LINUX_KERNEL)" --initrd $(B)/initramfs.cpio.gz $(LINUX_FLAGS)
# The uncompressed kernel inside LINUX_KERNEL's bzImage, which kvm-vmm
# --kernel boots without the decompressor (docs/linux.md).
$(B)/vmlinux: tools/extract-vmlinux.sh $(wildcard $(LINUX_KERNEL))
	@[ -r "$(LINUX_KERNEL)" ] || { echo "vmlinux: no readable kernel (LINUX_KERNEL='$(LINUX_KERNEL)'): apt-get install linux-image-amd64, or make vmlinux LINUX_KERNEL=BZIMAGE" >&2; exit 1; }
	@mkdir -p $(dir $@)
	sh tools/extract-vmlinux.sh "$(LINUX_KERNEL)" $@
vmlinux: $(B)/vmlinux

# Install into a scratch DESTDIR, check it, uninstall (tests/e2e/install.sh).
test-install:
	sh tests/e2e/install.sh

# Fuzz targets (make fuzz, test-fuzz), the random-guest soak (make soak,
# test-soak) and the ThreadSanitizer lane (test-tsan), each in its own file.
-include tests/fuzz/fuzz.mk tests/soak/soak.mk tests/tsan/tsan.mk

clean:
	rm -rf $(B)
clean-clang:
	rm -rf build/clang

-include $(shell find $(B) -name '*.d' 2>/dev/null)
