/* What the three ways of booting Linux share (a bzImage, and a vmlinux
 * ELF through its 64-bit or its PVH entry): the low-memory layout, the zero
 * page's fields a loader fills in (Documentation/arch/x86/zero-page.rst),
 * the e820 map, the command line, where the initrd goes, and the 64-bit
 * entry state of boot.rst (identity page tables, a GDT with __BOOT_CS and
 * __BOOT_DS, RSI = the zero page). Written once here so that bzimage.c and
 * vmlinux.c cannot drift apart.
 *
 * Guest-physical memory map:
 *   0x01000  GDT                    0x10000  zero page (or hvm_start_info)
 *   0x02000  page tables (6 pages)  0x20000  command line
 *   0x0f000  boot stack (grows down to 0x08000)
 *   0x9fc00  EBDA (reserved)        0xe0000  ACPI (PVH)  0xf0000  MP table
 *   0x100000 the kernel             top of RAM: the initrd */
#ifndef MINIKVM_BOOT_LINUX_BOOT_H
#define MINIKVM_BOOT_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../cli.h"
#include "../e820.h"
#include "../vcpu.h"
#include "../vm.h"
#include "image.h"

struct boot_plan;

#define BZ_GDT_ADDR 0x1000u
#define BZ_PML4_ADDR 0x2000u
#define BZ_STACK_TOP 0xf000u
#define BZ_ZERO_PAGE_ADDR 0x10000u
#define BZ_CMDLINE_ADDR 0x20000u
#define BZ_CMDLINE_AREA 0x10000u /* bytes reserved for it, NUL included */
#define BZ_EBDA_ADDR 0x9fc00u
#define BZ_BIOS_ADDR 0xf0000u
#define BZ_KERNEL_ADDR 0x100000u

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

/* Selectors of the GDT at BZ_GDT_ADDR: a flat 32-bit code segment (the
 * PVH entry's CS), and __BOOT_CS and __BOOT_DS of the 64-bit protocol. */
#define LINUX_CODE32_SEL 0x08
#define LINUX_BOOT_CS 0x10
#define LINUX_BOOT_DS 0x18

/* Offsets in a bzImage's first sectors, which are also the offsets of the
 * same fields in the zero page (boot.rst, "The real-mode kernel header";
 * zero-page.rst). */
#define HDR_SETUP_SECTS 0x1f1
#define HDR_BOOT_FLAG 0x1fe
#define HDR_JUMP 0x200
#define HDR_MAGIC 0x202
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS 0x211
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21c
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE 0x234
#define HDR_XLOADFLAGS 0x236
#define HDR_CMDLINE_SIZE 0x238
#define HDR_PREF_ADDRESS 0x258
#define HDR_INIT_SIZE 0x260
#define HDR_END_2_12 0x264 /* the fields above all lie before this */
/* The zero page's setup header ends where its next field starts. */
#define ZP_HDR_LIMIT 0x290
#define ZP_E820_ENTRIES 0x1e8
#define ZP_E820_TABLE 0x2d0
#define ZP_SIZE 0x1000

#define BOOT_FLAG 0xaa55
#define HEADER_MAGIC 0x53726448u /* "HdrS" */
#define LOADED_HIGH 0x01
#define LOADER_UNDEFINED 0xff

/* The e820 map of mem_size bytes of RAM: low RAM, the EBDA and the BIOS
 * area reserved, RAM from 1 MiB. Returns the number of entries
 * (BZ_E820_ENTRIES). */
int linux_e820(uint64_t mem_size, struct e820_entry *map);
/* The loader's fields of a zero page whose setup header is already there:
 * type_of_loader, cmd_line_ptr (BZ_CMDLINE_ADDR), the initrd, the e820
 * map of mem_size bytes of RAM. */
void linux_zero_page_fill(uint8_t *zp, uint64_t mem_size, uint64_t initrd_addr,
			  uint64_t initrd_size);
/* The command line at BZ_CMDLINE_ADDR, NUL-ended, cut (with a warning)
 * to max bytes, or to BZ_CMDLINE_AREA - 1 if that is less. 0, or -1. */
int linux_write_cmdline(struct vm *vm, const char *cmdline, size_t max);
/* The BIOS data area's EBDA segment and base memory size, the identity
 * map of the first 4 GiB (2 MiB pages) at BZ_PML4_ADDR and the GDT. */
int linux_write_boot_tables(struct vm *vm);
/* Where an initrd of size bytes goes: as high as top allows, page-aligned,
 * at or above kernel_end. capped: top is the kernel's limit, not RAM's
 * (the message says which to change). 0, or -1 after one line naming
 * path. */
int linux_place_initrd(const char *path, uint64_t size, uint64_t kernel_end,
		       uint64_t top, bool capped, uint64_t *addr);
/* Reads the initrd (size bytes, as planned) from its file straight into
 * guest RAM at addr; size 0: none. 0, or -1 after one line naming kernel,
 * the guest's path. */
int linux_load_initrd(struct vm *vm, const char *kernel, const struct image *initrd,
		      uint64_t addr, uint64_t size);
/* What every Linux row checks first: the vCPUs, the initrd opened and
 * checked (so a bad one stops the run before it starts; it is read at
 * load, linux_load_initrd), the command line built
 * (BZ_BASE_CMDLINE, then --append's). 0, or a status after one line. */
int linux_plan_inputs(const struct options *o, struct boot_plan *p);
/* Long mode under those tables, __BOOT_CS/__BOOT_DS, interrupts off,
 * RIP = rip, RSI = the zero page, RSP = BZ_STACK_TOP. */
int linux_setup_long_mode(struct vcpu *v, uint64_t rip);

#endif
