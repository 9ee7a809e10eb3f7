/* The pieces of a Linux boot that do not depend on the kernel's file
 * format: bzimage.c and vmlinux.c both build on these (linux_boot.h). */
#include "linux_boot.h"

#include <stdio.h>
#include <string.h>

#include "../err.h"
#include "../status.h"
#include "../x86.h"
#include "boot.h"
#include "le.h"

/* BIOS data area: the EBDA segment and the base memory size in KiB, which
 * the kernel's early code reads to find the top of low memory. */
#define BDA_EBDA_SEGMENT 0x40e
#define BDA_BASE_MEM_KB 0x413

/* Identity map of the first 4 GiB with 2 MiB pages: one PML4, one PDPT
 * and four page directories. */
#define PT_PAGES 6

int linux_e820(uint64_t mem_size, struct e820_entry *map)
{
	/* Low RAM up to the EBDA; the EBDA and the BIOS area (where the MP
	 * table lives) reserved, as a PC BIOS reports them; the rest is RAM. */
	map[0] = (struct e820_entry){ 0, BZ_EBDA_ADDR, E820_RAM };
	map[1] = (struct e820_entry){ BZ_EBDA_ADDR, 0xa0000 - BZ_EBDA_ADDR, E820_RESERVED };
	map[2] = (struct e820_entry){ BZ_BIOS_ADDR, BZ_KERNEL_ADDR - BZ_BIOS_ADDR, E820_RESERVED };
	map[3] = (struct e820_entry){ BZ_KERNEL_ADDR, mem_size - BZ_KERNEL_ADDR, E820_RAM };
	return BZ_E820_ENTRIES;
}

void linux_zero_page_fill(uint8_t *zp, uint64_t mem_size, uint64_t initrd_addr,
			  uint64_t initrd_size)
{
	struct e820_entry map[BZ_E820_ENTRIES];
	int n = linux_e820(mem_size, map);

	zp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	wr32(zp, HDR_CMD_LINE_PTR, BZ_CMDLINE_ADDR);
	/* Below 4 GiB: RAM ends at BZ_MAX_MEM. */
	wr32(zp, HDR_RAMDISK_IMAGE, (uint32_t)initrd_addr);
	wr32(zp, HDR_RAMDISK_SIZE, (uint32_t)initrd_size);
	zp[ZP_E820_ENTRIES] = (uint8_t)n;
	memcpy(zp + ZP_E820_TABLE, map, sizeof(map[0]) * (size_t)n);
}

int linux_load_initrd(struct vm *vm, const char *kernel, const struct image *initrd,
		      uint64_t addr, uint64_t size)
{
	uint8_t *dst;

	if (!size)
		return 0;
	dst = vm_guest_ptr(vm, addr, size);
	if (!dst || !initrd || image_file_size(initrd) != size)
		return throw_err(-1, "%s: initrd does not fit in guest memory", kernel);
	return image_read_at(initrd, 0, dst, size);
}

int linux_write_cmdline(struct vm *vm, const char *cmdline, size_t max)
{
	size_t len = strlen(cmdline);
	char *dst;

	if (max > BZ_CMDLINE_AREA - 1)
		max = BZ_CMDLINE_AREA - 1;
	if (len > max) {
		err_print("kernel command line is %zu bytes; cut to the %zu the kernel takes (cmdline_size)",
			  len, max);
		len = max;
	}
	dst = vm_guest_ptr(vm, BZ_CMDLINE_ADDR, len + 1);
	if (!dst)
		return throw_err(-1, "no guest memory for the command line");
	memcpy(dst, cmdline, len);
	dst[len] = '\0';
	return 0;
}

static int write_page_tables(struct vm *vm)
{
	uint8_t *pt = vm_guest_ptr(vm, BZ_PML4_ADDR, PT_PAGES * 4096);

	if (!pt)
		return throw_err(-1, "no guest memory for the page tables");
	memset(pt, 0, PT_PAGES * 4096);
	/* PML4[0] -> PDPT; PDPT[i] -> directory i; each maps 1 GiB. */
	wr64(pt, 0, (BZ_PML4_ADDR + 0x1000) | X86_PTE_PRESENT | X86_PTE_WRITE);
	for (uint64_t i = 0; i < 4; i++) {
		uint64_t pd = BZ_PML4_ADDR + 0x2000 + i * 0x1000;

		wr64(pt, 0x1000 + i * 8, pd | X86_PTE_PRESENT | X86_PTE_WRITE);
		for (uint64_t j = 0; j < 512; j++)
			wr64(pt, pd - BZ_PML4_ADDR + j * 8,
			     ((i * 512 + j) << 21) | X86_PTE_PRESENT | X86_PTE_WRITE | X86_PTE_HUGE);
	}
	return 0;
}

static int write_gdt(struct vm *vm)
{
	/* null; flat 32-bit code (PVH); __BOOT_CS: 64-bit code; __BOOT_DS. */
	const uint64_t gdt[] = {
		0, x86_gdt_entry(X86_SEG_CODE_RX, X86_SEG_FLAT32),
		x86_gdt_entry(X86_SEG_CODE_RX, X86_SEG_CODE64),
		x86_gdt_entry(X86_SEG_DATA_RW, X86_SEG_FLAT32),
	};
	void *dst = vm_guest_ptr(vm, BZ_GDT_ADDR, sizeof(gdt));

	if (!dst)
		return throw_err(-1, "no guest memory for the GDT");
	memcpy(dst, gdt, sizeof(gdt));
	return 0;
}

int linux_write_boot_tables(struct vm *vm)
{
	uint8_t *bda = vm_guest_ptr(vm, BDA_EBDA_SEGMENT, 8);

	if (!bda)
		return throw_err(-1, "no guest memory for the BIOS data area");
	wr16(bda, 0, BZ_EBDA_ADDR >> 4);
	wr16(bda, BDA_BASE_MEM_KB - BDA_EBDA_SEGMENT, BZ_EBDA_ADDR >> 10);
	if (write_page_tables(vm) < 0 || write_gdt(vm) < 0)
		return -1;
	return 0;
}

int linux_place_initrd(const char *path, uint64_t size, uint64_t kernel_end,
		       uint64_t top, bool capped, uint64_t *addr)
{
	/* As high as allowed, clear of the kernel: the kernel frees the
	 * initrd after unpacking it, and low RAM is what it allocates first. */
	if (size > top || ((top - size) & ~0xfffull) < kernel_end)
		return throw_err(-1, "%s: the initrd (%llu bytes) does not fit between the kernel's end at 0x%llx and 0x%llx; %s",
				 path, (unsigned long long)size,
				 (unsigned long long)kernel_end, (unsigned long long)top,
				 capped ? "the kernel's initrd_addr_max allows no higher"
					: "give more --mem");
	*addr = (top - size) & ~0xfffull;
	return 0;
}

int linux_plan_inputs(const struct options *o, struct boot_plan *p)
{
	p->nr_vcpus = o->smp;
	/* Held open, not read: load reads it straight into guest RAM. */
	if (o->initrd &&
	    image_open(&p->initrd, o->initrd, p->mem_size, "of guest memory", 0) < 0)
		return STATUS_BAD_INPUT;
	if (asprintf(&p->cmdline, "%s%s%s", BZ_BASE_CMDLINE, o->cmdline ? " " : "",
		     o->cmdline ? o->cmdline : "") < 0) {
		p->cmdline = NULL;
		return throw_err(STATUS_HOST_ERROR, "out of memory");
	}
	return 0;
}

int linux_setup_long_mode(struct vcpu *v, uint64_t rip)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (vcpu_get_sregs(v, &sregs) < 0)
		return throw_err(-1, "KVM_GET_SREGS:");
	sregs.cs = x86_segment(LINUX_BOOT_CS, X86_SEG_CODE_RX, X86_SEG_CODE64);
	sregs.ds = x86_segment(LINUX_BOOT_DS, X86_SEG_DATA_RW, X86_SEG_FLAT32);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.gdt.base = BZ_GDT_ADDR;
	sregs.gdt.limit = 4 * 8 - 1;
	sregs.cr3 = BZ_PML4_ADDR;
	sregs.cr4 |= X86_CR4_PAE;
	sregs.cr0 |= X86_CR0_PG | X86_CR0_ET | X86_CR0_PE;
	sregs.efer |= X86_EFER_LME | X86_EFER_LMA;
	if (vcpu_set_sregs(v, &sregs) < 0)
		return throw_err(-1, "KVM_SET_SREGS:");

	memset(&regs, 0, sizeof(regs));
	regs.rip = rip;
	regs.rsi = BZ_ZERO_PAGE_ADDR;
	regs.rsp = BZ_STACK_TOP;
	regs.rflags = X86_RFLAGS_FIXED; /* interrupts off */
	if (vcpu_set_regs(v, &regs) < 0)
		return throw_err(-1, "KVM_SET_REGS:");
	return 0;
}
