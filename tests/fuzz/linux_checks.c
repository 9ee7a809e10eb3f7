/* The Linux targets' shared checks (linux_checks.h). */
#include "linux_checks.h"

#include <stdlib.h>
#include <string.h>

#include "../../src/boot/le.h"
#include "../../src/boot/linux_boot.h"
#include "../../src/boot/mptable.h"
#include "support.h"

const uint8_t *fuzz_ram(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	const uint8_t *p = vm_guest_ptr(vm, gpa, len);

	FUZZ_CHECK(p);
	return p;
}

void fuzz_check_linux_page_tables(const struct vm *vm)
{
	const uint8_t *pt = fuzz_ram(vm, BZ_PML4_ADDR, 6 * 0x1000);

	FUZZ_CHECK(rd64(pt, 0) == ((BZ_PML4_ADDR + 0x1000) | 3));
	for (uint64_t i = 0; i < 2048; i++)
		FUZZ_CHECK(rd64(pt, 0x2000 + i * 8) == ((i << 21) | 0x83));
}

void fuzz_check_linux_cmdline(const struct vm *vm, const char *cmdline, size_t max)
{
	size_t len = strlen(cmdline);

	if (max > BZ_CMDLINE_AREA - 1)
		max = BZ_CMDLINE_AREA - 1;
	if (len > max)
		len = max;
	const uint8_t *dst = fuzz_ram(vm, BZ_CMDLINE_ADDR, len + 1);

	FUZZ_CHECK(memcmp(dst, cmdline, len) == 0 && dst[len] == 0);
}

void fuzz_check_mptable(const struct vm *vm, int ncpus)
{
	const uint8_t *mpf = fuzz_ram(vm, MPTABLE_ADDR, 16);
	uint32_t addr = rd32(mpf, 4);
	uint16_t len = rd16(fuzz_ram(vm, addr, 44), 4);
	const uint8_t *mpc = fuzz_ram(vm, addr, len);
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

void fuzz_check_linux_e820(const struct vm *vm, const uint8_t *map, int n, size_t stride)
{
	uint64_t ram_total = 0;

	FUZZ_CHECK(n == BZ_E820_ENTRIES);
	for (int i = 0; i < n; i++)
		if (rd32(map, stride * (size_t)i + 16) == E820_RAM)
			ram_total += rd64(map, stride * (size_t)i + 8);
	FUZZ_CHECK(ram_total == vm->mem_size - BZ_KERNEL_ADDR + BZ_EBDA_ADDR);
}

static const uint64_t mem_sizes[] = {
	1u << 20, 2u << 20, 16u << 20, 64u << 20, BZ_DEFAULT_MEM, BZ_MAX_MEM,
	BZ_MAX_MEM + 0x1000,
};

int linux_case_decode(struct linux_case *c, const uint8_t *data, size_t size,
		      size_t cmdline_max)
{
	struct fuzz_in in = { data, size };

	memset(c, 0, sizeof(*c));
	c->kernel_fd = c->initrd_fd = -1;
	c->o.mem_given = true;
	c->o.mem_size = mem_sizes[fuzz_u8(&in) % (sizeof(mem_sizes) / sizeof(mem_sizes[0]))];
	c->o.smp = 1 + fuzz_u8(&in) % MPTABLE_MAX_CPUS;
	c->flags = fuzz_u8(&in);
	if ((c->flags & 1) && !(c->cmdline = fuzz_string(&in, cmdline_max, true)))
		return -1;
	c->o.cmdline = c->cmdline;
	if (c->flags & 2) {
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

void linux_case_release(struct linux_case *c)
{
	fuzz_close(&c->kernel_fd);
	fuzz_close(&c->initrd_fd);
	free(c->cmdline);
	c->cmdline = NULL;
}

void linux_case_run(struct linux_case *c, bool (*detect)(const uint8_t *data, size_t size),
		    linux_case_check *check)
{
	struct image img = { 0 };
	struct boot_plan plan;
	struct vm vm;

	if (boot_prepare(c->kernel_path, &c->o, &img, &plan) == 0 &&
	    fuzz_vm_open(&vm, plan.mem_size) == 0) {
		/* Accepted by check(): nothing about the image may fail now. */
		FUZZ_CHECK(plan.proto->load(&vm, &img, &plan) == 0);
		if (detect(img.data, img.size))
			check(&vm, &plan, c);
		fuzz_vm_close(&vm);
	}
	boot_plan_free(&plan);
	image_free(&img);
}
