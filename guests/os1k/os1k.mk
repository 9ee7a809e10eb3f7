# os1k, the 1K OS (guests/os1k): two multiboot kernels with the same code,
#   $(B)/os1k/kernel-i386.elf     32-bit protected mode, 32-bit paging
#   $(B)/os1k/kernel-x86_64.elf   long mode, 4-level paging: linked as ELF64,
#                                 converted to ELF32, which multiboot loaders take
# Included from the top Makefile, which defines B (the build directory).
# Needs gcc (with -m32: no multilib, nothing from libc or libgcc is linked)
# and binutils.

OS1K_DIR := guests/os1k
OS1K_OUT := $(B)/os1k
OS1K_IMAGES := $(OS1K_OUT)/kernel-i386.elf $(OS1K_OUT)/kernel-x86_64.elf
# The order of include/os1k/programs.h and kernel/programs.S.
OS1K_PROGRAMS := shell multiply counter echo fibonacci primes calc factorial gcd about faults

OS1K_CC ?= gcc
OS1K_LD ?= ld
OS1K_OBJCOPY ?= objcopy

# Ring 0 is emulated on a software KVM, whose emulator knows no SSE/AVX,
# popcnt, xsave or CET's endbr: general registers only, baseline ISA.  The
# same for programs, whose registers the kernel saves: general ones only.
# -Iinclude: the repository's include/, for minikvm/abi.h (the ports and
# hypercall numbers of kvm-vmm); os1k.mk runs from the repository root.
OS1K_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -ffreestanding -nostdlib \
	-fno-pic -fno-pie -fno-stack-protector -fcf-protection=none \
	-mgeneral-regs-only -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-MMD -MP -I$(OS1K_DIR)/include -I$(OS1K_DIR)/lib -Iinclude
OS1K_FLAGS_i386 := -m32 -march=i686
OS1K_FLAGS_x86_64 := -m64 -march=x86-64 -mcmodel=small
# Interrupts in ring 0 push onto the interrupted stack: no red zone there.
OS1K_KFLAGS_i386 :=
OS1K_KFLAGS_x86_64 := -mno-red-zone
OS1K_LDEMU_i386 := elf_i386
OS1K_LDEMU_x86_64 := elf_x86_64
OS1K_LDFLAGS := -nostdlib -z max-page-size=4096 -z noexecstack --build-id=none

.PHONY: os1k
os1k: $(OS1K_IMAGES)
all: $(OS1K_IMAGES)

# $(1) = i386 or x86_64
define OS1K_ARCH
OS1K_KOBJS_$(1) := $$(patsubst $(OS1K_DIR)/%,$(OS1K_OUT)/$(1)/k/%.o,$$(basename \
	$(wildcard $(OS1K_DIR)/kernel/*.c $(OS1K_DIR)/kernel/*.S) \
	$(wildcard $(OS1K_DIR)/arch/$(1)/boot.S $(OS1K_DIR)/arch/$(1)/entry.S \
		$(OS1K_DIR)/arch/$(1)/ustart.S $(OS1K_DIR)/arch/$(1)/arch.c) \
	$(OS1K_DIR)/lib/fmt.c $(OS1K_DIR)/lib/string.c))
OS1K_ULIB_$(1) := $(OS1K_OUT)/$(1)/u/arch/$(1)/crt0.o $(OS1K_OUT)/$(1)/u/user/ulib.o \
	$(OS1K_OUT)/$(1)/u/lib/fmt.o $(OS1K_OUT)/$(1)/u/lib/string.o
OS1K_PROGS_$(1) := $(patsubst %,$(OS1K_OUT)/$(1)/progs/%.elf,$(OS1K_PROGRAMS))
# kept, though only pattern rules name them (make would delete them)
.SECONDARY: $(patsubst %,$(OS1K_OUT)/$(1)/u/user/%.o,$(OS1K_PROGRAMS) faultstubs) $$(OS1K_ULIB_$(1))

# kernel objects
$(OS1K_OUT)/$(1)/k/%.o: $(OS1K_DIR)/%.c
	@mkdir -p $$(dir $$@)
	$(OS1K_CC) $(OS1K_CFLAGS) $(OS1K_FLAGS_$(1)) $(OS1K_KFLAGS_$(1)) \
		-I$(OS1K_DIR)/kernel -I$(OS1K_DIR)/arch/$(1) -c -o $$@ $$<
$(OS1K_OUT)/$(1)/k/%.o: $(OS1K_DIR)/%.S
	@mkdir -p $$(dir $$@)
	$(OS1K_CC) $(OS1K_CFLAGS) $(OS1K_FLAGS_$(1)) -I$(OS1K_DIR)/kernel \
		-Wa,-I$(OS1K_OUT)/$(1)/progs -c -o $$@ $$<
$(OS1K_OUT)/$(1)/k/kernel/programs.o: $$(OS1K_PROGS_$(1))

# program objects and images
$(OS1K_OUT)/$(1)/u/%.o: $(OS1K_DIR)/%.c
	@mkdir -p $$(dir $$@)
	$(OS1K_CC) $(OS1K_CFLAGS) $(OS1K_FLAGS_$(1)) -I$(OS1K_DIR)/arch/$(1) -c -o $$@ $$<
$(OS1K_OUT)/$(1)/u/%.o: $(OS1K_DIR)/%.S
	@mkdir -p $$(dir $$@)
	$(OS1K_CC) $(OS1K_CFLAGS) $(OS1K_FLAGS_$(1)) -c -o $$@ $$<
$(OS1K_OUT)/$(1)/progs/faults.elf: $(OS1K_OUT)/$(1)/u/user/faultstubs.o
$(OS1K_OUT)/$(1)/progs/%.elf: $(OS1K_OUT)/$(1)/u/user/%.o $$(OS1K_ULIB_$(1)) $(OS1K_DIR)/user/user.ld
	@mkdir -p $$(dir $$@)
	$(OS1K_LD) -m $(OS1K_LDEMU_$(1)) $(OS1K_LDFLAGS) -s -T $(OS1K_DIR)/user/user.ld \
		-o $$@ $$(filter %.o,$$^)

# the kernel
$(OS1K_OUT)/$(1)/kernel.elf: $$(OS1K_KOBJS_$(1)) $(OS1K_DIR)/arch/$(1)/kernel.ld \
		$(OS1K_DIR)/kernel/kernel-sections.ld
	$(OS1K_LD) -m $(OS1K_LDEMU_$(1)) $(OS1K_LDFLAGS) -L $(OS1K_DIR)/kernel \
		-T $(OS1K_DIR)/arch/$(1)/kernel.ld -o $$@ $$(OS1K_KOBJS_$(1))
endef

$(foreach a,i386 x86_64,$(eval $(call OS1K_ARCH,$(a))))

$(OS1K_OUT)/kernel-i386.elf: $(OS1K_OUT)/i386/kernel.elf
	cp $< $@
$(OS1K_OUT)/kernel-x86_64.elf: $(OS1K_OUT)/x86_64/kernel.elf
	$(OS1K_OBJCOPY) -O elf32-i386 $< $@
