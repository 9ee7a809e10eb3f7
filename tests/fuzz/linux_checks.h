/* What the Linux loaders' fuzz targets (fuzz_bzimage.c, fuzz_vmlinux.c)
 * share: one input decoded into the options and files of a boot, run
 * through boot_prepare() and the row's load(), and the checks alike in
 * guest RAM after a load, worked out from the boot protocol rather than
 * from the loaders' code: the identity page tables, the command line cut
 * where it must be, the MP table, the e820 map. */
#ifndef MINIKVM_FUZZ_LINUX_CHECKS_H
#define MINIKVM_FUZZ_LINUX_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../src/boot/boot.h"
#include "../../src/cli.h"
#include "../../src/vm.h"

/* One input: mem choice, smp, flags (bit 0 --append, bit 1 --initrd; the
 * target reads the others), the command line (u16 size, at most
 * cmdline_max bytes), the initrd (u16 size, bytes), then the kernel. */
struct linux_case {
	struct options o;
	uint8_t flags;
	char kernel_path[32], initrd_path[32];
	int kernel_fd, initrd_fd;
	const uint8_t *image, *initrd;
	size_t image_len, initrd_len;
	char *cmdline;
};

int linux_case_decode(struct linux_case *c, const uint8_t *data, size_t size,
		      size_t cmdline_max);
void linux_case_release(struct linux_case *c);
/* boot_prepare(); for a plan it accepts, the row's load() into fresh RAM,
 * which must succeed, then check() when detect() knows the image. */
typedef void linux_case_check(const struct vm *vm, const struct boot_plan *plan,
			      const struct linux_case *c);
void linux_case_run(struct linux_case *c, bool (*detect)(const uint8_t *data, size_t size),
		    linux_case_check *check);

/* len bytes of guest RAM at gpa, which must be there. */
const uint8_t *fuzz_ram(const struct vm *vm, uint64_t gpa, uint64_t len);
/* PML4 -> PDPT -> four directories of 2 MiB pages: 0-4 GiB identity. */
void fuzz_check_linux_page_tables(const struct vm *vm);
/* The command line at BZ_CMDLINE_ADDR: cmdline, cut to max bytes (and to
 * the area's size), NUL-ended. */
void fuzz_check_linux_cmdline(const struct vm *vm, const char *cmdline, size_t max);
/* Floating pointer and table checksummed, one processor entry per vCPU. */
void fuzz_check_mptable(const struct vm *vm, int ncpus);
/* n e820 entries at map (20 bytes each, or stride bytes apart): their RAM
 * adds up to all of RAM but the EBDA's, the BIOS area's and the hole's. */
void fuzz_check_linux_e820(const struct vm *vm, const uint8_t *map, int n, size_t stride);

#endif
