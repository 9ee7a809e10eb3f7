/* The PVH direct-boot ABI (Xen's docs/misc/pvh.pandoc and public
 * arch-x86/hvm/start_info.h) as a vmlinux's XEN_ELFNOTE_PHYS32_ENTRY
 * expects it: a struct hvm_start_info of version 1 whose address is in
 * EBX, with the command line, the memory map (the same e820 map a zero
 * page carries), the initrd as module 0 and the ACPI RSDP; the CPU in flat
 * 32-bit protected mode with paging off. Linux's PVH code turns this into
 * a zero page of its own and goes on at startup_64.
 *
 * Layout: hvm_start_info where the zero page would be (0x10000), its
 * memory map at 0x10100, its module list at 0x10200; the command line at
 * 0x20000 (linux_boot.h). */
#ifndef MINIKVM_BOOT_PVH_H
#define MINIKVM_BOOT_PVH_H

#include <stdint.h>

#include "../vcpu.h"
#include "../vm.h"
#include "linux_boot.h"

#define HVM_START_MAGIC 0x336ec578u
#define HVM_START_VERSION 1
/* struct hvm_start_info: byte offsets, 56 bytes in version 1 */
#define HVM_SI_MAGIC 0
#define HVM_SI_VERSION 4
#define HVM_SI_FLAGS 8
#define HVM_SI_NR_MODULES 12
#define HVM_SI_MODLIST_PADDR 16
#define HVM_SI_CMDLINE_PADDR 24
#define HVM_SI_RSDP_PADDR 32
#define HVM_SI_MEMMAP_PADDR 40
#define HVM_SI_MEMMAP_ENTRIES 48
#define HVM_START_INFO_SIZE 56
/* struct hvm_memmap_table_entry: addr, size (u64), type, reserved (u32);
 * the types are e820's. */
#define HVM_MEMMAP_ENTRY_SIZE 24
/* struct hvm_modlist_entry: paddr, size, cmdline_paddr, reserved (u64) */
#define HVM_MODLIST_ENTRY_SIZE 32

#define PVH_START_INFO_ADDR BZ_ZERO_PAGE_ADDR
#define PVH_MEMMAP_ADDR (PVH_START_INFO_ADDR + 0x100)
#define PVH_MODLIST_ADDR (PVH_START_INFO_ADDR + 0x200)
#define PVH_TSS_LIMIT 0x67 /* the ABI's TR: a 32-bit TSS, base 0 */

/* hvm_start_info, memory map of the guest's RAM and, when initrd_size is
 * not 0, the module list: the initrd at initrd_addr. The command line is
 * linux_write_cmdline's; the RSDP acpi_write's (ACPI_RSDP_ADDR). */
int pvh_write_start_info(struct vm *vm, uint64_t initrd_addr, uint64_t initrd_size);
/* CS a flat 32-bit code segment (LINUX_CODE32_SEL), DS/ES/FS/GS/SS flat
 * data (LINUX_BOOT_DS), TR a 32-bit TSS, CR0 = PE | ET, CR4 = 0, EFER = 0,
 * EFLAGS interrupts off, EBX = the start info, EIP = entry. */
int pvh_setup_vcpu(struct vcpu *v, uint64_t entry);

#endif
