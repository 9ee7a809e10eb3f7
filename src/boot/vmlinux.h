/* A Linux vmlinux: the kernel's own uncompressed ELF64 file, booted without
 * the bzImage's decompressor, which costs seconds under an emulator. Its
 * PT_LOAD segments go to their physical addresses (p_paddr; 16 MiB up for
 * Debian's), then the kernel is entered one of two ways:
 *   PVH    at the 32-bit physical address of its XEN_ELFNOTE_PHYS32_ENTRY
 *          note (type 18, name "Xen"), in flat protected mode with paging
 *          off, EBX = an hvm_start_info (version 1) holding the command
 *          line, the memory map, the initrd as module 0 and the RSDP: the
 *          direct-boot ABI of Xen's PVH, which QEMU and Cloud Hypervisor
 *          use for the same file;
 *   elf64  at e_entry (startup_64) in long mode, RSI = a zero page built as
 *          for a bzImage, with a setup header of the VMM's own: what
 *          Firecracker does.
 * The PVH entry is taken when the note is there, unless --boot-entry says
 * otherwise. Layout: linux_boot.h and pvh.h. */
#ifndef MINIKVM_BOOT_VMLINUX_H
#define MINIKVM_BOOT_VMLINUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../cli.h"
#include "../vcpu.h"
#include "../vm.h"
#include "image.h"
#include "linux_boot.h"

struct boot_plan;

#define VML_PVH_NOTE_TYPE 18 /* XEN_ELFNOTE_PHYS32_ENTRY */
#define VML_MAX_SEGMENTS 64  /* PT_LOAD segments; Debian's kernel has 4 */
/* x86's COMMAND_LINE_SIZE is 2048, NUL included: the kernel copies no
 * more, whichever entry it comes through. */
#define VML_CMDLINE_MAX 2047
/* The boot protocol version the elf64 zero page claims (2.12: the first
 * with a 64-bit entry). */
#define VML_BOOT_VERSION 0x020c

/* A checked PT_LOAD segment: what the load reads, from where to where. */
struct vmlinux_segment {
	int phdr;	 /* its program header's index, for messages */
	uint64_t offset; /* in the file */
	uint64_t filesz; /* bytes read; the rest of memsz stays zero */
	uint64_t paddr;
	uint64_t memsz;
};

/* The checked plan of one vmlinux for one RAM size. */
struct vmlinux {
	bool pvh;	       /* entered at the PVH note, not at e_entry */
	bool has_pvh_note;     /* the file has one (whichever entry is used) */
	uint64_t entry;	       /* guest-physical: the note's, or e_entry */
	uint64_t kernel_start; /* the lowest segment's p_paddr */
	uint64_t kernel_end;   /* the highest p_paddr + p_memsz */
	int nr_segments;       /* PT_LOAD segments with bytes in memory */
	struct vmlinux_segment segments[VML_MAX_SEGMENTS];
	uint64_t initrd_addr;  /* where the initrd goes; 0: no initrd */
	uint64_t initrd_size;
};

/* True when data starts like an ELF64 file (magic and class): a kernel
 * the vmlinux rows check, whatever else its header says. */
bool vmlinux_detect(const uint8_t *data, size_t size);
/* True when img, an ELF64 file, has an XEN_ELFNOTE_PHYS32_ENTRY note in a
 * PT_NOTE segment; false too when the headers are too broken to tell
 * (vmlinux_parse then says what is wrong). */
bool vmlinux_has_pvh_note(const struct image *img);
/* Checks img's ELF header, program headers, PT_LOAD segments (inside the
 * file, inside mem_size bytes of RAM, at or above 1 MiB clear of the boot
 * data, not overlapping), notes and entry (pvh: the note's, else e_entry:
 * inside a segment's file bytes), and places an initrd of initrd_size
 * bytes (0: none) page-aligned at the top of RAM above the kernel.
 * 0, or -1 after one line naming the file and the problem. */
int vmlinux_parse(const struct image *img, uint64_t mem_size, uint64_t initrd_size,
		  bool pvh, struct vmlinux *k);
/* Reads each segment vmlinux_parse checked (k->segments) from img (held
 * open by boot_prepare, image.h) straight into guest RAM, once; a BSS is left as fresh RAM is, zero. Then the
 * initrd, the command line (cut to VML_CMDLINE_MAX, with a warning), the
 * page tables and GDT, and the zero page (elf64) or the hvm_start_info,
 * memory map and module list (pvh). vm's RAM must be fresh. */
int vmlinux_load(struct vm *vm, const struct image *img, const struct image *initrd,
		 const char *cmdline, const struct vmlinux *k);
/* The entry's registers: PVH's 32-bit protected mode (CS 0x08, DS/ES/SS
 * 0x18, TR a 32-bit TSS, CR0 = PE | ET, CR4 = 0, EBX = start info) or the
 * 64-bit protocol's long mode (RIP = e_entry, RSI = zero page). */
int vmlinux_setup_vcpu(struct vcpu *v, const struct vmlinux *k);

/* The two rows of boot_protocols[]: check (PVH or 64-bit entry) fills
 * plan->vml; load adds the MP table, and the ACPI tables for PVH, whose
 * start info points at the RSDP (the base command line's acpi=off still
 * has the kernel use the MP table). */
int vmlinux_check_pvh(const struct image *img, const struct options *o,
		      struct boot_plan *plan);
int vmlinux_check_elf64(const struct image *img, const struct options *o,
			struct boot_plan *plan);
int vmlinux_plan_load(struct vm *vm, const struct image *img, const struct boot_plan *plan);
int vmlinux_plan_setup_vcpu(struct vcpu *v, const struct boot_plan *plan);

#endif
