#include "bzimage.h"

#include <string.h>

#include "../err.h"
#include "../x86.h"
#include "le.h"

/* Offsets in the file's first sectors, which are also the offsets of the
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
#define XLF_KERNEL_64 0x01
#define LOADER_UNDEFINED 0xff
#define SECTOR 512

/* BIOS data area: the EBDA segment and the base memory size in KiB, which
 * the kernel's early code reads to find the top of low memory. */
#define BDA_EBDA_SEGMENT 0x40e
#define BDA_BASE_MEM_KB 0x413

/* Identity map of the first 4 GiB with 2 MiB pages: one PML4, one PDPT
 * and four page directories. */
#define PT_PAGES 6

/* __BOOT_CS and __BOOT_DS of the 64-bit protocol. */
#define BOOT_CS 0x10
#define BOOT_DS 0x18

static uint64_t align_up(uint64_t v, uint64_t align)
{
	return align ? (v + align - 1) / align * align : v;
}

bool bzimage_detect(const uint8_t *data, size_t size)
{
	return size >= HDR_MAGIC + 4 && rd16(data, HDR_BOOT_FLAG) == BOOT_FLAG &&
	       rd32(data, HDR_MAGIC) == HEADER_MAGIC;
}

/* Where the kernel ends while it unpacks: its startup code moves itself to
 * the load address rounded up to kernel_alignment, or to pref_address if
 * that is higher, and uses init_size bytes from there. False when that
 * end lies beyond 64-bit addresses (a pref_address near 2^64). */
static bool unpack_end(const uint8_t *d, uint32_t kernel_size, uint64_t *out)
{
	uint32_t align = rd32(d, HDR_KERNEL_ALIGNMENT), init_size = rd32(d, HDR_INIT_SIZE);
	uint64_t base = BZ_KERNEL_ADDR, end;

	if (d[HDR_RELOCATABLE] && align && !(align & (align - 1)))
		base = align_up(base, align);
	if (rd64(d, HDR_PREF_ADDRESS) > base)
		base = rd64(d, HDR_PREF_ADDRESS);
	if (base > UINT64_MAX - init_size)
		return false;
	end = base + init_size;
	if (end < BZ_KERNEL_ADDR + (uint64_t)kernel_size)
		end = BZ_KERNEL_ADDR + (uint64_t)kernel_size;
	*out = end;
	return true;
}

static int check_header(const struct image *img, struct bzimage *bz)
{
	const uint8_t *d = img->data;
	unsigned sects;

	if (!bzimage_detect(d, img->size))
		return throw_err(-1, "%s: not a Linux bzImage (no boot flag 0xAA55 and \"HdrS\" setup header)",
				 img->path);
	if (img->size < HDR_END_2_12)
		return throw_err(-1, "%s: truncated: %zu bytes end inside the setup header",
				 img->path, img->size);
	bz->version = rd16(d, HDR_VERSION);
	if (bz->version < BZ_MIN_VERSION)
		return throw_err(-1, "%s: Linux boot protocol %u.%02u is too old; need %u.%02u or later (Linux 3.8 on)",
				 img->path, bz->version >> 8, bz->version & 0xff,
				 BZ_MIN_VERSION >> 8, BZ_MIN_VERSION & 0xff);
	/* A zero count means 4, from the days when it was not recorded. */
	sects = d[HDR_SETUP_SECTS] ? d[HDR_SETUP_SECTS] : 4;
	bz->setup_size = (sects + 1) * SECTOR;
	if (bz->setup_size >= img->size)
		return throw_err(-1, "%s: truncated: %u setup sectors (%u bytes) but the file has %zu bytes",
				 img->path, sects, bz->setup_size, img->size);
	bz->kernel_size = (uint32_t)(img->size - bz->setup_size);
	if (!(d[HDR_LOADFLAGS] & LOADED_HIGH))
		return throw_err(-1, "%s: a zImage (loaded below 1 MiB); only bzImages are supported",
				 img->path);
	if (!(rd16(d, HDR_XLOADFLAGS) & XLF_KERNEL_64))
		return throw_err(-1, "%s: kernel has no 64-bit entry point (xloadflags); a 32-bit kernel?",
				 img->path);
	bz->cmdline_size = rd32(d, HDR_CMDLINE_SIZE);
	bz->initrd_addr_max = rd32(d, HDR_INITRD_ADDR_MAX);
	if (!unpack_end(d, bz->kernel_size, &bz->kernel_end))
		return throw_err(-1, "%s: the kernel's pref_address 0x%llx plus init_size 0x%x lies beyond the 64-bit address space",
				 img->path, (unsigned long long)rd64(d, HDR_PREF_ADDRESS),
				 rd32(d, HDR_INIT_SIZE));
	return 0;
}

int bzimage_parse(const struct image *img, uint64_t mem_size,
		  uint64_t initrd_size, struct bzimage *bz)
{
	memset(bz, 0, sizeof(*bz));
	if (check_header(img, bz) < 0)
		return -1;
	if (mem_size > BZ_MAX_MEM)
		return throw_err(-1, "%s: Linux guests get at most %llu MiB of RAM (below the 32-bit device hole)",
				 img->path, BZ_MAX_MEM >> 20);
	if (bz->kernel_end > mem_size)
		return throw_err(-1, "%s: the kernel needs %llu MiB of RAM to unpack itself (init_size); --mem gives %llu MiB",
				 img->path,
				 (unsigned long long)((bz->kernel_end >> 20) +
						      !!(bz->kernel_end & ((1 << 20) - 1))),
				 (unsigned long long)(mem_size >> 20));
	if (initrd_size == 0)
		return 0;

	/* As high as allowed, clear of the kernel: the kernel frees the
	 * initrd after unpacking it, and low RAM is what it allocates first. */
	uint64_t top = mem_size;
	bool capped = false; /* by the kernel's header, not by RAM */

	if (bz->initrd_addr_max == 0)
		return throw_err(-1, "%s: the kernel's setup header allows no initrd address (initrd_addr_max is 0): this kernel refuses an initrd",
				 img->path);
	if ((uint64_t)bz->initrd_addr_max + 1 < top) {
		top = (uint64_t)bz->initrd_addr_max + 1;
		capped = true;
	}
	if (initrd_size > top || ((top - initrd_size) & ~0xfffull) < bz->kernel_end)
		return throw_err(-1, "%s: the initrd (%llu bytes) does not fit between the kernel's end at 0x%llx and 0x%llx; %s",
				 img->path, (unsigned long long)initrd_size,
				 (unsigned long long)bz->kernel_end,
				 (unsigned long long)top,
				 capped ? "the kernel's initrd_addr_max allows no higher"
					: "give more --mem");
	bz->initrd_addr = (top - initrd_size) & ~0xfffull;
	bz->initrd_size = initrd_size;
	return 0;
}

int bzimage_e820(uint64_t mem_size, struct e820_entry *map)
{
	/* Low RAM up to the EBDA; the EBDA and the BIOS area (where the MP
	 * table lives) reserved, as a PC BIOS reports them; the rest is RAM. */
	map[0] = (struct e820_entry){ 0, BZ_EBDA_ADDR, E820_RAM };
	map[1] = (struct e820_entry){ BZ_EBDA_ADDR, 0xa0000 - BZ_EBDA_ADDR, E820_RESERVED };
	map[2] = (struct e820_entry){ BZ_BIOS_ADDR, BZ_KERNEL_ADDR - BZ_BIOS_ADDR, E820_RESERVED };
	map[3] = (struct e820_entry){ BZ_KERNEL_ADDR, mem_size - BZ_KERNEL_ADDR, E820_RAM };
	return BZ_E820_ENTRIES;
}

static void write_zero_page(uint8_t *zp, const struct image *img,
			    const struct bzimage *bz, uint64_t mem_size)
{
	struct e820_entry map[BZ_E820_ENTRIES];
	/* The header runs to 0x202 + the jump's offset byte (boot.rst). */
	size_t hdr_end = HDR_JUMP + 2 + img->data[HDR_JUMP + 1];
	int n = bzimage_e820(mem_size, map);

	if (hdr_end > ZP_HDR_LIMIT)
		hdr_end = ZP_HDR_LIMIT;
	memset(zp, 0, ZP_SIZE);
	memcpy(zp + HDR_SETUP_SECTS, img->data + HDR_SETUP_SECTS, hdr_end - HDR_SETUP_SECTS);
	zp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	wr32(zp, HDR_CMD_LINE_PTR, BZ_CMDLINE_ADDR);
	wr32(zp, HDR_RAMDISK_IMAGE, (uint32_t)bz->initrd_addr);
	wr32(zp, HDR_RAMDISK_SIZE, (uint32_t)bz->initrd_size);
	zp[ZP_E820_ENTRIES] = (uint8_t)n;
	memcpy(zp + ZP_E820_TABLE, map, sizeof(map[0]) * (size_t)n);
}

static int write_cmdline(struct vm *vm, const char *cmdline, const struct bzimage *bz)
{
	size_t len = strlen(cmdline), max = bz->cmdline_size;
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
	/* null, unused, __BOOT_CS: 64-bit code, __BOOT_DS: flat data. */
	const uint64_t gdt[] = {
		0, 0, x86_gdt_entry(X86_SEG_CODE_RX, X86_SEG_CODE64),
		x86_gdt_entry(X86_SEG_DATA_RW, X86_SEG_FLAT32),
	};
	void *dst = vm_guest_ptr(vm, BZ_GDT_ADDR, sizeof(gdt));

	if (!dst)
		return throw_err(-1, "no guest memory for the GDT");
	memcpy(dst, gdt, sizeof(gdt));
	return 0;
}

int bzimage_load(struct vm *vm, const struct image *img,
		 const struct image *initrd, const char *cmdline,
		 const struct bzimage *bz)
{
	uint8_t *zp = vm_guest_ptr(vm, BZ_ZERO_PAGE_ADDR, ZP_SIZE);
	uint8_t *kernel = vm_guest_ptr(vm, BZ_KERNEL_ADDR, bz->kernel_size);
	uint8_t *bda = vm_guest_ptr(vm, BDA_EBDA_SEGMENT, 8);

	if (!zp || !kernel || !bda)
		return throw_err(-1, "%s: does not fit in guest memory", img->path);
	memcpy(kernel, img->data + bz->setup_size, bz->kernel_size);
	if (bz->initrd_size) {
		uint8_t *dst = vm_guest_ptr(vm, bz->initrd_addr, bz->initrd_size);

		if (!dst || !initrd || initrd->size != bz->initrd_size)
			return throw_err(-1, "%s: initrd does not fit in guest memory", img->path);
		memcpy(dst, initrd->data, initrd->size);
	}
	write_zero_page(zp, img, bz, vm->mem_size);
	wr16(bda, 0, BZ_EBDA_ADDR >> 4);
	wr16(bda, BDA_BASE_MEM_KB - BDA_EBDA_SEGMENT, BZ_EBDA_ADDR >> 10);
	if (write_cmdline(vm, cmdline, bz) < 0 || write_page_tables(vm) < 0 ||
	    write_gdt(vm) < 0)
		return -1;
	return 0;
}

int bzimage_setup_vcpu(struct vcpu *v)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (vcpu_get_sregs(v, &sregs) < 0)
		return throw_err(-1, "KVM_GET_SREGS:");
	sregs.cs = x86_segment(BOOT_CS, X86_SEG_CODE_RX, X86_SEG_CODE64);
	sregs.ds = x86_segment(BOOT_DS, X86_SEG_DATA_RW, X86_SEG_FLAT32);
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
	regs.rip = BZ_KERNEL_ADDR + 0x200; /* startup_64 */
	regs.rsi = BZ_ZERO_PAGE_ADDR;
	regs.rsp = BZ_STACK_TOP;
	regs.rflags = X86_RFLAGS_FIXED; /* interrupts off */
	if (vcpu_set_regs(v, &regs) < 0)
		return throw_err(-1, "KVM_SET_REGS:");
	return 0;
}
