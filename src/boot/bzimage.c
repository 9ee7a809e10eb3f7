/* The bzImage loader (bzimage.h): the setup header read and checked, the
 * protected-mode kernel, initrd and zero page put where boot.rst says. */
#include "bzimage.h"

#include <string.h>

#include "../err.h"
#include "le.h"

#define XLF_KERNEL_64 0x01
#define SECTOR 512

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

	uint64_t top = mem_size;
	bool capped = false; /* by the kernel's header, not by RAM */

	if (bz->initrd_addr_max == 0)
		return throw_err(-1, "%s: the kernel's setup header allows no initrd address (initrd_addr_max is 0): this kernel refuses an initrd",
				 img->path);
	if ((uint64_t)bz->initrd_addr_max + 1 < top) {
		top = (uint64_t)bz->initrd_addr_max + 1;
		capped = true;
	}
	if (linux_place_initrd(img->path, initrd_size, bz->kernel_end, top, capped,
			       &bz->initrd_addr) < 0)
		return -1;
	bz->initrd_size = initrd_size;
	return 0;
}

static void write_zero_page(uint8_t *zp, const struct image *img,
			    const struct bzimage *bz, uint64_t mem_size)
{
	/* The header runs to 0x202 + the jump's offset byte (boot.rst). */
	size_t hdr_end = HDR_JUMP + 2 + img->data[HDR_JUMP + 1];

	if (hdr_end > ZP_HDR_LIMIT)
		hdr_end = ZP_HDR_LIMIT;
	memset(zp, 0, ZP_SIZE);
	memcpy(zp + HDR_SETUP_SECTS, img->data + HDR_SETUP_SECTS, hdr_end - HDR_SETUP_SECTS);
	linux_zero_page_fill(zp, mem_size, bz->initrd_addr, bz->initrd_size);
}

int bzimage_load(struct vm *vm, const struct image *img,
		 const struct image *initrd, const char *cmdline,
		 const struct bzimage *bz)
{
	uint8_t *zp = vm_guest_ptr(vm, BZ_ZERO_PAGE_ADDR, ZP_SIZE);
	uint8_t *kernel = vm_guest_ptr(vm, BZ_KERNEL_ADDR, bz->kernel_size);

	if (!zp || !kernel)
		return throw_err(-1, "%s: does not fit in guest memory", img->path);
	memcpy(kernel, img->data + bz->setup_size, bz->kernel_size);
	if (linux_load_initrd(vm, img->path, initrd, bz->initrd_addr, bz->initrd_size) < 0)
		return -1;
	write_zero_page(zp, img, bz, vm->mem_size);
	if (linux_write_cmdline(vm, cmdline, bz->cmdline_size) < 0 ||
	    linux_write_boot_tables(vm) < 0)
		return -1;
	return 0;
}

int bzimage_setup_vcpu(struct vcpu *v)
{
	return linux_setup_long_mode(v, BZ_KERNEL_ADDR + 0x200); /* startup_64 */
}
