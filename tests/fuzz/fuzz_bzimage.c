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
#include "support.h"

static const uint64_t mem_sizes[] = {
	1u << 20, 2u << 20, 16u << 20, 64u << 20, BZ_DEFAULT_MEM, BZ_MAX_MEM,
	BZ_MAX_MEM + 0x1000,
};

struct bz_case {
	struct options o;
	char kernel_path[32], initrd_path[32];
	int kernel_fd, initrd_fd;
	const uint8_t *image, *initrd;
	size_t image_len, initrd_len;
	char *cmdline;
};

static int decode(struct bz_case *c, const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t flags;

	memset(c, 0, sizeof(*c));
	c->kernel_fd = c->initrd_fd = -1;
	c->o.mem_given = true;
	c->o.mem_size = mem_sizes[fuzz_u8(&in) % (sizeof(mem_sizes) / sizeof(mem_sizes[0]))];
	c->o.smp = 1 + fuzz_u8(&in) % MPTABLE_MAX_CPUS;
	flags = fuzz_u8(&in);
	if ((flags & 1) && !(c->cmdline = fuzz_string(&in, 0x11000, true)))
		return -1;
	c->o.cmdline = c->cmdline;
	if (flags & 2) {
		c->initrd = fuzz_bytes(&in, fuzz_u16(&in), &c->initrd_len);
		c->initrd_fd = fuzz_memfd(1, c->initrd, c->initrd_len, c->initrd_path,
					  sizeof(c->initrd_path));
		if (c->initrd_fd < 0)
			return -1;
		c->o.initrd = c->initrd_path;
	}
	c->image = fuzz_bytes(&in, in.n, &c->image_len);
	c->kernel_fd = fuzz_memfd(0, c->image, c->image_len, c->kernel_path,
				  sizeof(c->kernel_path));
	c->o.kernel = c->kernel_path;
	return c->kernel_fd < 0 ? -1 : 0;
}

static void release(struct bz_case *c)
{
	fuzz_close(&c->kernel_fd);
	fuzz_close(&c->initrd_fd);
	free(c->cmdline);
}

static const uint8_t *ram(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	const uint8_t *p = vm_guest_ptr(vm, gpa, len);

	FUZZ_CHECK(p);
	return p;
}

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
	const uint8_t *zp = ram(vm, BZ_ZERO_PAGE_ADDR, 0x1000);
	uint64_t ram_total = 0;

	check_header_copy(zp, img);
	FUZZ_CHECK(zp[0x210] == 0xff && rd32(zp, 0x228) == BZ_CMDLINE_ADDR);
	FUZZ_CHECK(rd32(zp, 0x218) == bz->initrd_addr && rd32(zp, 0x21c) == bz->initrd_size);
	FUZZ_CHECK(zp[0x1e8] == BZ_E820_ENTRIES);
	for (int i = 0; i < BZ_E820_ENTRIES; i++)
		if (rd32(zp, 0x2d0 + 20 * (size_t)i + 16) == E820_RAM)
			ram_total += rd64(zp, 0x2d0 + 20 * (size_t)i + 8);
	FUZZ_CHECK(ram_total == vm->mem_size - BZ_KERNEL_ADDR + BZ_EBDA_ADDR);
	FUZZ_CHECK(rd16(ram(vm, 0x40e, 2), 0) == BZ_EBDA_ADDR >> 4);
	FUZZ_CHECK(rd16(ram(vm, 0x413, 2), 0) == BZ_EBDA_ADDR >> 10);
}

static void check_cmdline(const struct vm *vm, const char *cmdline, uint32_t cmdline_size)
{
	size_t len = strlen(cmdline), max = cmdline_size;

	if (max > BZ_CMDLINE_AREA - 1)
		max = BZ_CMDLINE_AREA - 1;
	if (len > max)
		len = max;
	const uint8_t *dst = ram(vm, BZ_CMDLINE_ADDR, len + 1);

	FUZZ_CHECK(memcmp(dst, cmdline, len) == 0 && dst[len] == 0);
}

static void check_initrd(const struct vm *vm, const struct bzimage *bz,
			 const struct bz_case *c)
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
	FUZZ_CHECK(memcmp(ram(vm, bz->initrd_addr, c->initrd_len), c->initrd,
			  c->initrd_len) == 0);
}

/* PML4 -> PDPT -> four directories of 2 MiB pages: 0-4 GiB identity. */
static void check_page_tables(const struct vm *vm)
{
	const uint8_t *pt = ram(vm, BZ_PML4_ADDR, 6 * 0x1000);

	FUZZ_CHECK(rd64(pt, 0) == ((BZ_PML4_ADDR + 0x1000) | 3));
	for (uint64_t i = 0; i < 2048; i++)
		FUZZ_CHECK(rd64(pt, 0x2000 + i * 8) == ((i << 21) | 0x83));
}

static void check_mptable(const struct vm *vm, int ncpus)
{
	const uint8_t *mpf = ram(vm, MPTABLE_ADDR, 16);
	uint32_t addr = rd32(mpf, 4);
	uint16_t len = rd16(ram(vm, addr, 44), 4);
	const uint8_t *mpc = ram(vm, addr, len);
	size_t off = 44;
	int cpus = 0;

	FUZZ_CHECK(memcmp(mpf, "_MP_", 4) == 0 && fuzz_sum8(mpf, 16) == 0);
	FUZZ_CHECK(len >= 44 && memcmp(mpc, "PCMP", 4) == 0 && fuzz_sum8(mpc, len) == 0);
	for (unsigned n = rd16(mpc, 34); n > 0; n--) {
		FUZZ_CHECK(off < len);
		cpus += mpc[off] == 0;
		off += mpc[off] == 0 ? 20 : 8; /* a processor entry, or another */
	}
	FUZZ_CHECK(off == len && cpus == ncpus);
}

static void check_load(const struct vm *vm, const struct boot_plan *plan,
		       const struct bz_case *c)
{
	unsigned sects = c->image[0x1f1] ? c->image[0x1f1] : 4;
	size_t setup = (sects + 1) * 512u;

	FUZZ_CHECK(plan->bz.setup_size == setup && plan->bz.kernel_size == c->image_len - setup);
	FUZZ_CHECK(plan->bz.kernel_end == unpack_end(c->image, c->image_len - setup));
	FUZZ_CHECK(plan->bz.kernel_end <= vm->mem_size);
	FUZZ_CHECK(memcmp(ram(vm, BZ_KERNEL_ADDR, c->image_len - setup), c->image + setup,
			  c->image_len - setup) == 0);
	check_zero_page(vm, &plan->bz, c->image);
	check_cmdline(vm, plan->cmdline, plan->bz.cmdline_size);
	check_initrd(vm, &plan->bz, c);
	check_page_tables(vm);
	check_mptable(vm, plan->nr_vcpus);
}

static void load_and_check(struct image *img, struct boot_plan *plan,
			   const struct bz_case *c)
{
	struct vm vm;

	if (fuzz_vm_open(&vm, plan->mem_size) < 0)
		return;
	/* Accepted by check(): nothing about the image may fail now. */
	FUZZ_CHECK(plan->proto->load(&vm, img, plan) == 0);
	if (bzimage_detect(img->data, img->size))
		check_load(&vm, plan, c);
	fuzz_vm_close(&vm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bz_case c;
	struct image img = { 0 };
	struct boot_plan plan;

	if (decode(&c, data, size) == 0) {
		if (boot_prepare(c.kernel_path, &c.o, &img, &plan) == 0)
			load_and_check(&img, &plan, &c);
		boot_plan_free(&plan);
	}
	image_free(&img);
	release(&c);
	return 0;
}
