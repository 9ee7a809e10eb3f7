/* The Linux x86 boot protocol (Documentation/arch/x86/boot.rst) for a
 * bzImage, entered through its 64-bit entry point. The VMM does what a boot
 * loader and the kernel's real-mode setup code would do on a PC: it loads
 * the protected-mode kernel at 1 MiB and the initrd high in RAM, fills the
 * zero page (struct boot_params: setup header, command line, e820 map),
 * builds identity-mapped page tables and a GDT, and starts the kernel in
 * long mode at load address + 0x200 with RSI pointing at the zero page.
 *
 * The memory layout and what the vmlinux loader shares are in linux_boot.h. */
#ifndef MINIKVM_BOOT_BZIMAGE_H
#define MINIKVM_BOOT_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../e820.h"
#include "../vcpu.h"
#include "../vm.h"
#include "image.h"
#include "linux_boot.h"

/* 2.12 added the 64-bit entry point and xloadflags (Linux 3.8). */
#define BZ_MIN_VERSION 0x020c

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
/* Copies the kernel and initrd in and writes the zero page, the command
 * line (cut to the kernel's cmdline_size, with a warning), the page tables
 * and the GDT. bz comes from bzimage_parse() for this image and RAM. */
int bzimage_load(struct vm *vm, const struct image *img,
		 const struct image *initrd, const char *cmdline,
		 const struct bzimage *bz);
/* Long mode, flat segments, RIP at the 64-bit entry, RSI = zero page. */
int bzimage_setup_vcpu(struct vcpu *v);

#endif
