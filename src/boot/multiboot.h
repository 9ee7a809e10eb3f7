/* Multiboot (v1) boot protocol for ELF32 kernels, as GRUB and QEMU's -kernel
 * implement it: PT_LOAD segments at their physical addresses, a multiboot
 * information block with the memory size and command line, and entry in
 * flat 32-bit protected mode with paging off. */
#ifndef MINIKVM_BOOT_MULTIBOOT_H
#define MINIKVM_BOOT_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../e820.h"
#include "../vcpu.h"
#include "../vm.h"
#include "image.h"

#define MB_HEADER_MAGIC 0x1badb002u
#define MB_BOOT_MAGIC 0x2badb002u
#define MB_SEARCH_LEN 8192
#define MB_DEFAULT_MEM (64u << 20)
/* The least RAM a multiboot kernel gets: the first 2 MiB. */
#define MB_MIN_MEM (2u << 20)
/* The selectors the spec leaves to the loader; the kernel loads its own. */
#define MB_CODE_SEL 0x08
#define MB_DATA_SEL 0x10
/* The information area: the block, its memory map, the loader name, the
 * module list, the command line and the module strings, at 0x9000 as in
 * QEMU (the first pages stay free for an SMP kernel's AP trampoline), or
 * after the modules when the kernel is linked over it. */
#define MB_INFO_ADDR 0x9000u
#define MB_INFO_SIZE 0x2000u
#define MB_MMAP_OFF 0x100u
#define MB_NAME_OFF 0x200u
#define MB_MODS_OFF 0x240u
#define MB_CMDLINE_OFF 0x500u
#define MB_STRINGS_OFF 0x1200u
#define MB_CMDLINE_MAX (MB_STRINGS_OFF - MB_CMDLINE_OFF - 1)
#define MB_STRINGS_MAX (MB_INFO_SIZE - MB_STRINGS_OFF)
#define MB_MAX_MODULES 32
/* Kernel segments stay out of the first page and off the MP and ACPI
 * tables; the BIOS area they lie in is reserved in the memory map, and
 * modules and the information area are not placed there. */
#define MB_LOW_LIMIT 0x1000u
#define MB_BIOS_AREA 0xe0000u
#define MB_BIOS_AREA_END 0x100000u

/* True when the image carries a valid multiboot header (magic and checksum)
 * in its first 8 KiB. */
bool multiboot_detect(const uint8_t *data, size_t size);
/* The offset of that header in data, or -1. */
long multiboot_find_header(const uint8_t *data, size_t size);

/* A module: a file given with --initrd, and its string (the file name and
 * its arguments, as QEMU's -initrd "FILE args,FILE" passes them). */
struct multiboot_module {
	struct image file; /* owned */
	char *string;	   /* owned */
	uint32_t start, end; /* guest-physical, page-aligned start */
};

struct multiboot_kernel {
	uint32_t entry;
	uint32_t load_start, load_end; /* physical extent of the segments */
	uint32_t info_addr;	       /* the information area */
	uint32_t header_flags;	       /* the multiboot header's flags */
	int nr_modules;
	struct multiboot_module modules[MB_MAX_MODULES];
};

/* Checks the ELF32 headers against the file, the segments against
 * mem_size bytes of RAM, and the multiboot header's flags: a required bit
 * (0-15) other than 0-2 is refused, bit 16 (load addresses in the header)
 * only where they agree with the program headers. Returns 0, or -1 after
 * printing one line naming the file and the problem. */
int multiboot_parse(const struct image *img, uint64_t mem_size,
		    struct multiboot_kernel *k);
/* Copies the segments of a kernel multiboot_parse() accepted for this RAM
 * in. vm's RAM must be fresh (all zero, as vm_create maps it) with nothing
 * written yet: a BSS is not written, only the bytes of it that an earlier
 * segment's file bytes lie on are cleared. */
int multiboot_load(struct vm *vm, const struct image *img);
/* Reads the modules of spec ("FILE args,FILE2"; ",," is a comma in a
 * name) and places them, page-aligned, after the kernel; then places the
 * information area. 0, or -1 after one line naming the module or the
 * problem. */
int multiboot_plan_modules(struct multiboot_kernel *k, const char *spec,
			   uint64_t mem_size);
void multiboot_free(struct multiboot_kernel *k);
/* The memory map a multiboot kernel gets, in the information block and in
 * fw_cfg's etc/e820: low RAM, the EBDA, the BIOS area, RAM from 1 MiB, and
 * RAM from 4 GiB when there is more than fits below the PC hole. */
#define MB_MMAP_MAX 5
int multiboot_memory_map(uint64_t mem_size, struct e820_entry *map);
/* Copies the modules in; after multiboot_load(), which they may follow. */
int multiboot_load_modules(struct vm *vm, const struct multiboot_kernel *k);
/* The information block, memory map, module list and command line, at
 * k->info_addr. */
int multiboot_write_info(struct vm *vm, const struct multiboot_kernel *k,
			 const char *cmdline);
int multiboot_setup_vcpu(struct vcpu *v, const struct multiboot_kernel *k);

#endif
