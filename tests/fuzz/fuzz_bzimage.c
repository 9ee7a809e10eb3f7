/* Fuzz target: the Linux bzImage loader and the MP table it writes, from
 * --kernel and --initrd files (memfds) through the boot table. Beyond not
 * crashing: an image boot_prepare() accepts must load, and guest RAM must
 * hold what the boot protocol (boot.rst) and bzimage.h say, worked out
 * here from the header on its own: the protected-mode kernel at 1 MiB,
 * the zero page's copied header and the loader's fields, the command line
 * cut to cmdline_size, the initrd page-aligned above the unpacked kernel
 * and below initrd_addr_max, the BIOS data area, the identity page tables,
 * and an MP table with valid checksums and one processor per vCPU.
 *
 * Input: mem choice, smp, flags (bit 0 --append, bit 1 --initrd), the
 * command line, the initrd (u16 size, bytes), then the kernel image. */
#include <stdlib.h>
#include <string.h>

#include "../../src/boot/boot.h"
#include "../../src/boot/bzimage.h"
#include "../../src/boot/le.h"
#include "../../src/boot/mptable.h"
#include "linux_checks.h"
#include "support.h"

/* The end of what the kernel uses while it unpacks (boot.rst: it moves
 * itself to the load address aligned up, or to pref_address). */
static uint64_t unpack_end(const uint8_t *img, uint64_t kernel_size)
{
	uint32_t align = rd32(img, 0x230);
	uint64_t base = BZ_KERNEL_ADDR, pref = rd64(img, 0x258);

	if (img[0x234] && align && !(align & (align - 1)))
		base = (base + align - 1) / align * align;
	if (pref > base)
		base = pref;
	base += rd32(img, 0x260);
	return base > BZ_KERNEL_ADDR + kernel_size ? base : BZ_KERNEL_ADDR + kernel_size;
}

/* The field at off is one the loader fills in, not the kernel's. */
static bool loader_field(size_t off)
{
	return off == 0x210 || (off >= 0x218 && off < 0x220) || (off >= 0x228 && off < 0x22c);
}

/* The setup header is the image's from 0x1f1 to 0x202 + the byte at
 * 0x201 (at most to 0x290, where the zero page's next field starts), the
 * rest of that span zero. */
static void check_header_copy(const uint8_t *zp, const uint8_t *img)
{
	size_t end = 0x202 + (size_t)img[0x201];

	for (size_t off = 0x1f1; off < 0x290; off++)
		if (!loader_field(off))
			FUZZ_CHECK(zp[off] == (off < end ? img[off] : 0));
}

static void check_zero_page(const struct vm *vm, const struct bzimage *bz,
			    const uint8_t *img)
{
	const uint8_t *zp = fuzz_ram(vm, BZ_ZERO_PAGE_ADDR, 0x1000);

	check_header_copy(zp, img);
	FUZZ_CHECK(zp[0x210] == 0xff && rd32(zp, 0x228) == BZ_CMDLINE_ADDR);
	FUZZ_CHECK(rd32(zp, 0x218) == bz->initrd_addr && rd32(zp, 0x21c) == bz->initrd_size);
	fuzz_check_linux_e820(vm, zp + 0x2d0, zp[0x1e8], 20);
	FUZZ_CHECK(rd16(fuzz_ram(vm, 0x40e, 2), 0) == BZ_EBDA_ADDR >> 4);
	FUZZ_CHECK(rd16(fuzz_ram(vm, 0x413, 2), 0) == BZ_EBDA_ADDR >> 10);
}

static void check_initrd(const struct vm *vm, const struct bzimage *bz,
			 const struct linux_case *c)
{
	uint64_t top = vm->mem_size;

	if (!c->o.initrd) {
		FUZZ_CHECK(bz->initrd_addr == 0 && bz->initrd_size == 0);
		return;
	}
	if ((uint64_t)bz->initrd_addr_max + 1 < top)
		top = (uint64_t)bz->initrd_addr_max + 1;
	FUZZ_CHECK(bz->initrd_size == c->initrd_len && bz->initrd_addr % 0x1000 == 0);
	FUZZ_CHECK(bz->initrd_addr >= bz->kernel_end);
	FUZZ_CHECK(bz->initrd_addr + bz->initrd_size <= top);
	FUZZ_CHECK(memcmp(fuzz_ram(vm, bz->initrd_addr, c->initrd_len), c->initrd,
			  c->initrd_len) == 0);
}

static void check_load(const struct vm *vm, const struct boot_plan *plan,
		       const struct linux_case *c)
{
	unsigned sects = c->image[0x1f1] ? c->image[0x1f1] : 4;
	size_t setup = (sects + 1) * 512u;

	FUZZ_CHECK(plan->bz.setup_size == setup && plan->bz.kernel_size == c->image_len - setup);
	FUZZ_CHECK(plan->bz.kernel_end == unpack_end(c->image, c->image_len - setup));
	FUZZ_CHECK(plan->bz.kernel_end <= vm->mem_size);
	FUZZ_CHECK(memcmp(fuzz_ram(vm, BZ_KERNEL_ADDR, c->image_len - setup), c->image + setup,
			  c->image_len - setup) == 0);
	check_zero_page(vm, &plan->bz, c->image);
	fuzz_check_linux_cmdline(vm, plan->cmdline, plan->bz.cmdline_size);
	check_initrd(vm, &plan->bz, c);
	fuzz_check_linux_page_tables(vm);
	fuzz_check_mptable(vm, plan->nr_vcpus);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct linux_case c;

	if (linux_case_decode(&c, data, size, 0x11000) == 0)
		linux_case_run(&c, bzimage_detect, check_load);
	linux_case_release(&c);
	return 0;
}
