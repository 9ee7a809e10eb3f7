/* The Linux x86 boot protocol (Documentation/arch/x86/boot.rst) for a
 * bzImage, entered through its 64-bit entry point. The VMM does what a boot
 * loader and the kernel's real-mode setup code would do on a PC: it loads
 * the protected-mode kernel at 1 MiB and the initrd high in RAM, fills the
 * zero page (struct boot_params: setup header, command line, e820 map),
 * builds identity-mapped page tables and a GDT, and starts the kernel in
 * long mode at load address + 0x200 with RSI pointing at the zero page.
 *
 * Guest-physical memory map:
 *   0x01000  GDT                    0x10000  zero page (boot_params)
 *   0x02000  page tables (6 pages)  0x20000  command line
 *   0x0f000  boot stack (grows down to 0x08000)
 *   0x9fc00  EBDA (reserved)        0xf0000  MP table (reserved)
 *   0x100000 the kernel             top of RAM: the initrd */
#ifndef MINIKVM_BOOT_BZIMAGE_H
#define MINIKVM_BOOT_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../e820.h"
#include "../vcpu.h"
#include "../vm.h"
#include "image.h"

#define BZ_GDT_ADDR 0x1000u
#define BZ_PML4_ADDR 0x2000u
#define BZ_STACK_TOP 0xf000u
#define BZ_ZERO_PAGE_ADDR 0x10000u
#define BZ_CMDLINE_ADDR 0x20000u
#define BZ_CMDLINE_AREA 0x10000u /* bytes reserved for it, NUL included */
#define BZ_EBDA_ADDR 0x9fc00u
#define BZ_BIOS_ADDR 0xf0000u
#define BZ_KERNEL_ADDR 0x100000u

/* 2.12 added the 64-bit entry point and xloadflags (Linux 3.8). */
#define BZ_MIN_VERSION 0x020c
/* RAM stays below the 32-bit device hole (IOAPIC at 0xfec00000, LAPIC at
 * 0xfee00000): the VMM maps guest RAM as one block from address 0. */
#define BZ_MAX_MEM (3ull << 30)
#define BZ_DEFAULT_MEM (256u << 20)

/* What the machine of a Linux guest needs said on the command line: the
 * console on the 16550A; reboot through the i8042's reset line; no PS/2
 * mouse or keyboard behind the i8042; no PCI bus and no ACPI tables (each
 * probe of port 0xcf8 is a VM exit, and early boot makes thousands).
 * --append adds to it. */
#define BZ_BASE_CMDLINE \
	"console=ttyS0 reboot=k i8042.noaux i8042.dumbkbd pci=off acpi=off"

#define BZ_E820_ENTRIES 4

/* The parts of a kernel's setup header the loader acts on, checked. */
struct bzimage {
	uint16_t version;	  /* boot protocol, 0x020f for 2.15 */
	uint32_t setup_size;	  /* boot sector + setup code, in the file */
	uint32_t kernel_size;	  /* the protected-mode kernel: the rest */
	uint32_t cmdline_size;	  /* longest command line, NUL excluded */
	uint32_t initrd_addr_max; /* highest address the initrd may touch */
	uint64_t kernel_end;	  /* end of what the kernel uses to unpack itself */
	uint64_t initrd_addr;	  /* where the initrd goes; 0: no initrd */
	uint64_t initrd_size;
};

/* True when data starts like a Linux boot image: the boot-sector flag
 * 0xAA55 and the "HdrS" setup-header magic. */
bool bzimage_detect(const uint8_t *data, size_t size);
/* Checks img's header (magic, protocol version, 64-bit entry, sizes) and
 * plans memory: the kernel must fit mem_size bytes of RAM while it unpacks
 * (init_size), the initrd (initrd_size bytes, 0 for none) must fit above it
 * and below initrd_addr_max. Returns 0, or -1 after one line naming the
 * file and the problem. */
int bzimage_parse(const struct image *img, uint64_t mem_size,
		  uint64_t initrd_size, struct bzimage *bz);
/* The e820 map of mem_size bytes of RAM; returns the number of entries
 * (BZ_E820_ENTRIES). */
int bzimage_e820(uint64_t mem_size, struct e820_entry *map);
/* Copies the kernel and initrd in and writes the zero page, the command
 * line (cut to the kernel's cmdline_size, with a warning), the page tables
 * and the GDT. bz comes from bzimage_parse() for this image and RAM. */
int bzimage_load(struct vm *vm, const struct image *img,
		 const struct image *initrd, const char *cmdline,
		 const struct bzimage *bz);
/* Long mode, flat segments, RIP at the 64-bit entry, RSI = zero page. */
int bzimage_setup_vcpu(struct vcpu *v);

#endif
