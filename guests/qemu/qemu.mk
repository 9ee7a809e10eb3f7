# qemu, multiboot kernels written for QEMU (guests/qemu), which kvm-vmm must
# run unchanged; tests/e2e/qemu-compat.sh runs them under kvm-vmm, under its
# QEMU spelling (kvm-vmm-qemu) and under QEMU itself:
#   $(B)/guests/qemu/modules.elf   command line and modules
#   $(B)/guests/qemu/smp.elf       fw_cfg NB_CPUS, APs through INIT-SIPI-SIPI
#   $(B)/guests/qemu/fwcfg.elf     fw_cfg items, file directory, etc/e820
#   $(B)/guests/qemu/testdev.elf   pc-testdev: scratch port, page flush,
#                                  MMIO, an IRQ line through the IOAPIC
#   $(B)/guests/qemu/acpi.elf      RSDP, RSDT/XSDT, FADT, MADT
#   $(B)/guests/qemu/shutdown.elf  the Bochs shutdown port 0x8900
#   $(B)/guests/qemu/low8000.elf   linked at 0x8000, prints its command line
# Included from the top Makefile, which defines B, CC and LD. Multiboot v1
# ELF32 kernels, freestanding: nothing from libc or libgcc.

QEMU_DIR := guests/qemu
QEMU_OUT := $(B)/guests/qemu
QEMU_KERNELS := modules smp fwcfg testdev acpi shutdown
QEMU_IMAGES := $(patsubst %,$(QEMU_OUT)/%.elf,$(QEMU_KERNELS)) $(QEMU_OUT)/low8000.elf
QEMU_CFLAGS := -m32 -march=i686 -std=gnu11 -O2 -Wall -Wextra -Werror \
	-ffreestanding -nostdlib -fno-pic -fno-pie -fno-stack-protector \
	-fcf-protection=none -mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-fno-builtin -MMD -MP -I include -I $(QEMU_DIR)
QEMU_LDFLAGS := -m elf_i386 -nostdlib -z max-page-size=4096 -z noexecstack \
	--build-id=none --no-warn-rwx-segments
QEMU_LIB := $(QEMU_OUT)/boot.o $(QEMU_OUT)/lib.o

.SECONDARY: $(QEMU_LIB) $(patsubst %,$(QEMU_OUT)/%.o,$(QEMU_KERNELS) low8000 trampoline)
.PHONY: qemu-kernels
qemu-kernels: $(QEMU_IMAGES)
all: $(QEMU_IMAGES)
# test-asan and test-nested build `guests`, not `all`
guests: $(QEMU_IMAGES)

$(QEMU_OUT)/%.o: $(QEMU_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(QEMU_CFLAGS) -c -o $@ $<
$(QEMU_OUT)/%.o: $(QEMU_DIR)/%.S
	@mkdir -p $(dir $@)
	$(CC) $(QEMU_CFLAGS) -c -o $@ $<

$(QEMU_OUT)/smp.elf: $(QEMU_OUT)/trampoline.o
$(QEMU_OUT)/%.elf: $(QEMU_OUT)/%.o $(QEMU_LIB) $(QEMU_DIR)/kernel.ld
	$(LD) $(QEMU_LDFLAGS) -T $(QEMU_DIR)/kernel.ld -o $@ $(QEMU_LIB) $(filter-out $(QEMU_LIB),$(filter %.o,$^))

# low8000: one small assembly file linked at 0x8000, below 1 MiB
$(QEMU_OUT)/low8000.elf: $(QEMU_OUT)/low8000.o $(QEMU_DIR)/low8000.ld
	$(LD) $(QEMU_LDFLAGS) -T $(QEMU_DIR)/low8000.ld -o $@ $<
