/* Multiboot (v1) boot protocol for ELF32 kernels, as GRUB and QEMU's -kernel
 * implement it: PT_LOAD segments at their physical addresses, a multiboot
 * information block with the memory size and command line, and entry in
 * flat 32-bit protected mode with paging off. */
#ifndef MINIKVM_BOOT_MULTIBOOT_H
#define MINIKVM_BOOT_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../vcpu.h"
#include "../vm.h"
#include "image.h"

#define MB_HEADER_MAGIC 0x1badb002u
#define MB_BOOT_MAGIC 0x2badb002u
#define MB_SEARCH_LEN 8192
#define MB_DEFAULT_MEM (64u << 20)
/* The selectors the spec leaves to the loader; the kernel loads its own. */
#define MB_CODE_SEL 0x08
#define MB_DATA_SEL 0x10
/* Where the VMM puts the information block, its memory map, the loader
 * name and the command line: below 640 KiB, clear of the IVT and BDA. */
#define MB_INFO_ADDR 0x9000u
#define MB_MMAP_ADDR 0x9100u
#define MB_NAME_ADDR 0x9200u
#define MB_CMDLINE_ADDR 0x9300u
#define MB_INFO_END 0xa000u
#define MB_CMDLINE_MAX (MB_INFO_END - MB_CMDLINE_ADDR - 1)

/* True when the image carries a valid multiboot header (magic and checksum)
 * in its first 8 KiB. */
bool multiboot_detect(const uint8_t *data, size_t size);

struct multiboot_kernel {
	uint32_t entry;
	uint32_t load_start, load_end; /* physical extent of the segments */
};

/* Checks the ELF32 headers against the file and the segments against
 * mem_size bytes of RAM. Returns 0, or -1 after printing one line naming the
 * file and the problem. */
int multiboot_parse(const struct image *img, uint64_t mem_size,
		    struct multiboot_kernel *k);
/* Copies the segments of a kernel multiboot_parse() accepted for this RAM
 * in and zeroes their BSS. */
int multiboot_load(struct vm *vm, const struct image *img);
int multiboot_write_info(struct vm *vm, const char *cmdline);
int multiboot_setup_vcpu(struct vcpu *v, const struct multiboot_kernel *k);

#endif
