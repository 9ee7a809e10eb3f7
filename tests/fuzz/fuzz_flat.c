/* Fuzz target: the flat-binary loaders behind the boot table's other
 * rows: real mode (any file), --paging and --long-mode, with --mem,
 * --load, --entry and --kernel from the input. What boot_prepare()
 * accepts must load, and RAM must then hold what docs/guest-abi.md and
 * flat.h promise, checked from the ABI's addresses alone: the file's
 * bytes at the load address, the GDT and a zeroed IDT, and the page
 * tables (--paging: 0-4 MiB mapped at 0 and at 0x80000000 with 4 KiB
 * pages; --long-mode: every 2 MiB page of RAM identity-mapped, nothing
 * else); the entry point mapped, or inside RAM.
 *
 * Input: protocol (u8 % 3: real mode, --paging, --long-mode), mem
 * choice, flags (bit 0 --load, bit 1 --entry, bit 2 --kernel, bit 3 load
 * and entry kept near the defaults), u64 load, u64 entry, then the file. */
#include <string.h>

#include "../../src/boot/boot.h"
#include "../../src/boot/le.h"
#include "minikvm/abi.h"
#include "support.h"

#define GIB (1ull << 30)

static const uint64_t mem_sizes[] = {
	64u << 10, REAL_DEFAULT_MEM, 2u << 20, FLAT_DEFAULT_MEM, FLAT_DEFAULT_MEM + 0x1000,
	64u << 20, VM_LOW_RAM_MAX + (2u << 20),
};

struct flat_case {
	struct options o;
	char path[32];
	int fd;
	const uint8_t *image;
	size_t image_len;
};

static int decode(struct flat_case *c, const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t proto = fuzz_u8(&in) % 3, mem = fuzz_u8(&in), flags = fuzz_u8(&in);

	memset(c, 0, sizeof(*c));
	c->o.smp = 1;
	c->o.paging = proto == 1;
	c->o.long_mode = proto == 2;
	c->o.mem_given = true;
	c->o.mem_size = mem_sizes[mem % (sizeof(mem_sizes) / sizeof(mem_sizes[0]))];
	c->o.load_given = flags & 1;
	c->o.entry_given = flags & 2;
	c->o.load_addr = fuzz_u64(&in);
	c->o.entry_addr = fuzz_u64(&in);
	if (flags & 8) {
		c->o.load_addr = FLAT_LOAD_DEFAULT + (c->o.load_addr & 0xff000);
		c->o.entry_addr = c->o.load_addr + (c->o.entry_addr & 0xfff);
	}
	c->image = fuzz_bytes(&in, in.n, &c->image_len);
	c->fd = fuzz_memfd(0, c->image, c->image_len, c->path, sizeof(c->path));
	if (flags & 4)
		c->o.kernel = c->path;
	return c->fd;
}

static const uint8_t *ram(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	const uint8_t *p = vm_guest_ptr(vm, gpa, len);

	FUZZ_CHECK(p);
	return p;
}

static void check_descriptor_tables(const struct vm *vm)
{
	const uint8_t *gdt = ram(vm, FLAT_GDT_ADDR, 8 * FLAT_GDT_ENTRIES);
	const uint8_t *idt = ram(vm, FLAT_IDT_ADDR, FLAT_IDT_LIMIT + 1);

	FUZZ_CHECK(rd64(gdt, 0) == 0 && rd64(gdt, 8) != 0 && rd64(gdt, 16) != 0);
	for (int i = 0; i <= FLAT_IDT_LIMIT; i++)
		FUZZ_CHECK(idt[i] == 0);
}

static void check_paging32(const struct vm *vm, uint64_t entry)
{
	const uint8_t *dir = ram(vm, P32_PAGE_DIR, P32_TABLES_END - P32_PAGE_DIR);

	FUZZ_CHECK(rd32(dir, 0) == (P32_LOW_TABLE | 3));
	FUZZ_CHECK(rd32(dir, (P32_HIGH_BASE >> 22) * 4) == (P32_HIGH_TABLE | 3));
	for (uint32_t i = 0; i < 1024; i++) {
		FUZZ_CHECK(rd32(dir, P32_LOW_TABLE - P32_PAGE_DIR + i * 4) == (i << 12 | 3));
		FUZZ_CHECK(rd32(dir, P32_HIGH_TABLE - P32_PAGE_DIR + i * 4) == (i << 12 | 3));
	}
	FUZZ_CHECK(entry < P32_MAPPED_SIZE ||
		   (entry >= P32_HIGH_BASE && entry < P32_HIGH_BASE + P32_MAPPED_SIZE));
}

/* Whether the 2 MiB page at phys is RAM: below the hole, or moved to 4 GiB. */
static bool is_ram(const struct vm *vm, uint64_t phys)
{
	uint64_t low = vm->mem_size - vm->high_size;

	return phys + LM_PAGE_SIZE <= low ||
	       (phys >= VM_HIGH_RAM_BASE && phys + LM_PAGE_SIZE <= VM_HIGH_RAM_BASE + vm->high_size);
}

static void check_longmode(const struct vm *vm, uint64_t entry)
{
	uint64_t gibs = (vm_ram_end_for(vm->mem_size) + GIB - 1) / GIB;
	const uint8_t *pt = ram(vm, LM_PML4, LM_PD_FIRST - LM_PML4 + gibs * 0x1000);

	FUZZ_CHECK(rd64(pt, 0) == (LM_PDPT | 3));
	for (uint64_t g = 0; g < gibs; g++) {
		uint64_t pd = LM_PD_FIRST - LM_PML4 + g * 0x1000;

		FUZZ_CHECK(rd64(pt, LM_PDPT - LM_PML4 + g * 8) == ((LM_PD_FIRST + g * 0x1000) | 3));
		for (uint64_t j = 0; j < 512; j++) {
			uint64_t phys = g * GIB + j * LM_PAGE_SIZE;

			FUZZ_CHECK(rd64(pt, pd + j * 8) == (is_ram(vm, phys) ? (phys | 0x83) : 0));
		}
	}
	FUZZ_CHECK(entry < vm->mem_size);
}

static void check_load(const struct vm *vm, const struct boot_plan *plan,
		       const struct flat_case *c)
{
	/* Without --paging or --long-mode a kernel's header picks its row. */
	if (!c->o.paging && !c->o.long_mode &&
	    (multiboot_detect(c->image, c->image_len) || bzimage_detect(c->image, c->image_len)))
		return;
	FUZZ_CHECK(memcmp(ram(vm, plan->load_addr, c->image_len), c->image, c->image_len) == 0);
	if (!c->o.paging && !c->o.long_mode) {
		FUZZ_CHECK(plan->load_addr == REAL_LOAD_ADDR && plan->entry == REAL_ENTRY_IP);
		return;
	}
	check_descriptor_tables(vm);
	if (c->o.paging)
		check_paging32(vm, plan->entry);
	else
		check_longmode(vm, plan->entry);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flat_case c;
	struct image img = { 0 };
	struct boot_plan plan;
	struct vm vm;

	if (decode(&c, data, size) >= 0) {
		if (boot_prepare(c.path, &c.o, &img, &plan) == 0 &&
		    fuzz_vm_open(&vm, plan.mem_size) == 0) {
			/* Accepted by check(): nothing about the file may fail now. */
			FUZZ_CHECK(plan.proto->load(&vm, &img, &plan) == 0);
			check_load(&vm, &plan, &c);
			fuzz_vm_close(&vm);
		}
		boot_plan_free(&plan);
	}
	image_free(&img);
	fuzz_close(&c.fd);
	return 0;
}
