/* The Linux loader: setup-header checks, memory plan, zero page, e820. */
#include <stdlib.h>
#include <string.h>

#include "../../src/boot/bzimage.h"
#include "../../src/cli.h"
#include "harness.h"

#define FILE_SIZE (64u << 10)
#define RAM_SIZE (32u << 20)
#define INIT_SIZE (1u << 20)

static void put16(uint8_t *p, size_t off, uint16_t v) { memcpy(p + off, &v, 2); }
static void put32(uint8_t *p, size_t off, uint32_t v) { memcpy(p + off, &v, 4); }
static void put64(uint8_t *p, size_t off, uint64_t v) { memcpy(p + off, &v, 8); }
static uint16_t get16(const uint8_t *p, size_t off) { uint16_t v; memcpy(&v, p + off, 2); return v; }
static uint32_t get32(const uint8_t *p, size_t off) { uint32_t v; memcpy(&v, p + off, 4); return v; }
static uint64_t get64(const uint8_t *p, size_t off) { uint64_t v; memcpy(&v, p + off, 8); return v; }

/* A bzImage as the kernel build lays it out: 4 setup sectors after the
 * boot sector, a 2.15 header, then the "protected-mode kernel". */
static uint8_t *make_kernel(void)
{
	uint8_t *d = calloc(1, FILE_SIZE);

	d[0x1f1] = 4;
	put16(d, 0x1fe, 0xaa55);
	d[0x200] = 0xeb;
	d[0x201] = 0x66; /* the header ends at 0x268 */
	memcpy(d + 0x202, "HdrS", 4);
	put16(d, 0x206, 0x020f);
	d[0x211] = 0x01; /* LOADED_HIGH */
	put32(d, 0x214, 0x100000);
	put32(d, 0x22c, 0x7fffffff);
	put32(d, 0x230, 0x200000);
	d[0x234] = 1;
	put16(d, 0x236, 0x7f); /* XLF_KERNEL_64 and friends */
	put32(d, 0x238, 2047);
	put64(d, 0x258, 0x1000000);
	put32(d, 0x260, INIT_SIZE);
	for (size_t i = 5 * 512; i < FILE_SIZE; i++)
		d[i] = (uint8_t)(i * 7);
	return d;
}

static int parse(uint8_t *d, size_t size, uint64_t mem, uint64_t initrd, struct bzimage *bz)
{
	struct image img = { .path = "bzImage", .data = d, .size = size };

	return bzimage_parse(&img, mem, initrd, bz);
}

TEST(bzimage_detects_boot_header)
{
	uint8_t *d = make_kernel();

	CHECK(bzimage_detect(d, FILE_SIZE));
	CHECK(!bzimage_detect(d, 0x205)); /* magic cut off */
	d[0x203] = 'X';
	CHECK(!bzimage_detect(d, FILE_SIZE));
	free(d);
}

TEST(bzimage_parses_header_and_plans_memory)
{
	uint8_t *d = make_kernel();
	struct bzimage bz;

	CHECK(parse(d, FILE_SIZE, RAM_SIZE, 0, &bz) == 0);
	CHECK_EQ(bz.version, 0x020f);
	CHECK_EQ(bz.setup_size, 5 * 512);
	CHECK_EQ(bz.kernel_size, FILE_SIZE - 5 * 512);
	CHECK_EQ(bz.cmdline_size, 2047);
	/* Unpacks at pref_address (16 MiB), init_size bytes. */
	CHECK_EQ(bz.kernel_end, 0x1000000 + INIT_SIZE);
	CHECK_EQ(bz.initrd_addr, 0);
	/* setup_sects 0 means 4. */
	d[0x1f1] = 0;
	CHECK(parse(d, FILE_SIZE, RAM_SIZE, 0, &bz) == 0);
	CHECK_EQ(bz.setup_size, 5 * 512);
	d[0x1f1] = 8;
	CHECK(parse(d, FILE_SIZE, RAM_SIZE, 0, &bz) == 0);
	CHECK_EQ(bz.setup_size, 9 * 512);
	free(d);
}

TEST(bzimage_refuses_malformed_headers)
{
	uint8_t *d = make_kernel();
	struct bzimage bz;

	CHECK(parse(d, 0x200, RAM_SIZE, 0, &bz) < 0);	 /* truncated before the header */
	CHECK(parse(d, 0x240, RAM_SIZE, 0, &bz) < 0);	 /* truncated inside it */
	CHECK(parse(d, 5 * 512, RAM_SIZE, 0, &bz) < 0); /* no kernel after setup */
	d[0x1fe] = 0;
	CHECK(parse(d, FILE_SIZE, RAM_SIZE, 0, &bz) < 0); /* boot flag */
	free(d);
	d = make_kernel();
	memcpy(d + 0x202, "HdrZ", 4);
	CHECK(parse(d, FILE_SIZE, RAM_SIZE, 0, &bz) < 0); /* magic */
	free(d);
	d = make_kernel();
	put16(d, 0x206, 0x020b); /* 2.11: no 64-bit entry point yet */
	CHECK(parse(d, FILE_SIZE, RAM_SIZE, 0, &bz) < 0);
	put16(d, 0x206, 0x0200);
	CHECK(parse(d, FILE_SIZE, RAM_SIZE, 0, &bz) < 0);
	free(d);
	d = make_kernel();
	d[0x1f1] = 255; /* 128 KiB of setup in a 64 KiB file */
	CHECK(parse(d, FILE_SIZE, RAM_SIZE, 0, &bz) < 0);
	free(d);
	d = make_kernel();
	d[0x211] = 0; /* a zImage */
	CHECK(parse(d, FILE_SIZE, RAM_SIZE, 0, &bz) < 0);
	free(d);
	d = make_kernel();
	put16(d, 0x236, 0x02); /* a 32-bit-only kernel */
	CHECK(parse(d, FILE_SIZE, RAM_SIZE, 0, &bz) < 0);
	free(d);
}

TEST(bzimage_memory_limits)
{
	uint8_t *d = make_kernel();
	struct bzimage bz;

	/* 16 MiB + init_size is the least RAM; 3 GiB the most. */
	CHECK(parse(d, FILE_SIZE, 0x1000000 + INIT_SIZE, 0, &bz) == 0);
	CHECK(parse(d, FILE_SIZE, 0x1000000 + INIT_SIZE - 4096, 0, &bz) < 0);
	CHECK(parse(d, FILE_SIZE, 3ull << 30, 0, &bz) == 0);
	CHECK(parse(d, FILE_SIZE, (3ull << 30) + 4096, 0, &bz) < 0);
	/* A huge init_size cannot wrap the plan around. */
	put32(d, 0x260, 0xffffffff);
	CHECK(parse(d, FILE_SIZE, 3ull << 30, 0, &bz) < 0);
	free(d);
}

TEST(bzimage_places_initrd_high_and_clear_of_kernel)
{
	uint8_t *d = make_kernel();
	struct bzimage bz;

	CHECK(parse(d, FILE_SIZE, RAM_SIZE, 1u << 20, &bz) == 0);
	CHECK_EQ(bz.initrd_addr, RAM_SIZE - (1u << 20));
	CHECK_EQ(bz.initrd_size, 1u << 20);
	/* Odd sizes: page-aligned start, still inside RAM. */
	CHECK(parse(d, FILE_SIZE, RAM_SIZE, 0x1234, &bz) == 0);
	CHECK_EQ(bz.initrd_addr % 4096, 0);
	CHECK(bz.initrd_addr + 0x1234 <= RAM_SIZE);
	CHECK(bz.initrd_addr >= bz.kernel_end);
	/* Below initrd_addr_max. */
	put32(d, 0x22c, 0x17fffff);
	CHECK(parse(d, FILE_SIZE, RAM_SIZE, 1u << 20, &bz) == 0);
	CHECK_EQ(bz.initrd_addr, 0x1800000 - (1u << 20));
	/* Too big to fit between the kernel and initrd_addr_max or RAM. */
	CHECK(parse(d, FILE_SIZE, RAM_SIZE, 8u << 20, &bz) < 0);
	put32(d, 0x22c, 0x7fffffff);
	CHECK(parse(d, FILE_SIZE, RAM_SIZE, RAM_SIZE - 0x1000000, &bz) < 0);
	CHECK(parse(d, FILE_SIZE, RAM_SIZE, 1ull << 40, &bz) < 0);
	free(d);
}

TEST(bzimage_e820_map)
{
	struct e820_entry map[BZ_E820_ENTRIES];
	uint64_t mem = 256u << 20;
	int n = linux_e820(mem, map);

	CHECK_EQ(n, 4);
	CHECK_EQ(map[0].addr, 0);
	CHECK_EQ(map[0].type, E820_RAM);
	CHECK_EQ(map[0].size, BZ_EBDA_ADDR);
	CHECK_EQ(map[1].type, E820_RESERVED);
	CHECK_EQ(map[1].addr + map[1].size, 0xa0000);
	CHECK_EQ(map[2].type, E820_RESERVED);
	CHECK_EQ(map[2].addr, 0xf0000); /* the MP table is in here */
	CHECK_EQ(map[3].addr, 0x100000);
	CHECK_EQ(map[3].addr + map[3].size, mem);
	CHECK_EQ(map[3].type, E820_RAM);
	for (int i = 1; i < n; i++)
		CHECK(map[i].addr >= map[i - 1].addr + map[i - 1].size);
	CHECK_EQ(sizeof(struct e820_entry), 20);
}

TEST(bzimage_load_writes_zero_page_and_tables)
{
	uint8_t *d = make_kernel();
	uint8_t *ram = calloc(1, RAM_SIZE);
	uint8_t initrd_bytes[5000];
	struct image img = { .path = "bzImage", .data = d, .size = FILE_SIZE };
	struct image initrd = { .path = "initrd", .data = initrd_bytes,
				.size = sizeof(initrd_bytes) };
	struct vm vm;
	struct bzimage bz;
	const uint8_t *zp = ram + BZ_ZERO_PAGE_ADDR;

	memset(&vm, 0, sizeof(vm));
	vm.mem = ram;
	vm.mem_size = RAM_SIZE;
	memset(initrd_bytes, 0x5a, sizeof(initrd_bytes));
	CHECK(bzimage_parse(&img, RAM_SIZE, initrd.size, &bz) == 0);
	CHECK(bzimage_load(&vm, &img, &initrd, "console=ttyS0 quiet", &bz) == 0);

	CHECK(memcmp(zp + 0x202, "HdrS", 4) == 0); /* header copied */
	CHECK_EQ(zp[0x1f1], 4);
	CHECK_EQ(zp[0x210], 0xff); /* type_of_loader */
	CHECK_EQ(get32(zp, 0x228), BZ_CMDLINE_ADDR);
	CHECK(strcmp((char *)ram + BZ_CMDLINE_ADDR, "console=ttyS0 quiet") == 0);
	CHECK_EQ(get32(zp, 0x218), bz.initrd_addr);
	CHECK_EQ(get32(zp, 0x21c), sizeof(initrd_bytes));
	CHECK(memcmp(ram + bz.initrd_addr, initrd_bytes, sizeof(initrd_bytes)) == 0);
	CHECK_EQ(zp[0x1e8], 4); /* e820 entries */
	CHECK_EQ(get64(zp, 0x2d0 + 3 * 20), 0x100000);
	CHECK_EQ(get64(zp, 0x2d0 + 3 * 20 + 8), RAM_SIZE - 0x100000);
	CHECK_EQ(zp[0x1ef], 0); /* sentinel: the header is trusted */
	CHECK(memcmp(ram + BZ_KERNEL_ADDR, d + 5 * 512, FILE_SIZE - 5 * 512) == 0);
	/* Identity map: PML4 -> PDPT -> four directories of 2 MiB pages. */
	CHECK_EQ(get64(ram, BZ_PML4_ADDR), BZ_PML4_ADDR + 0x1000 + 3);
	CHECK_EQ(get64(ram, BZ_PML4_ADDR + 0x1000 + 3 * 8), BZ_PML4_ADDR + 0x5000 + 3);
	CHECK_EQ(get64(ram, BZ_PML4_ADDR + 0x2000 + 8), 0x200083);
	CHECK_EQ(get64(ram, BZ_PML4_ADDR + 0x5000 + 511 * 8), 0xffe00083);
	CHECK_EQ(get64(ram, BZ_GDT_ADDR + 0x10), 0x00af9b000000ffffull);
	CHECK_EQ(get64(ram, BZ_GDT_ADDR + 0x18), 0x00cf93000000ffffull);
	CHECK_EQ(get16(ram, 0x40e), BZ_EBDA_ADDR >> 4);
	CHECK_EQ(get16(ram, 0x413), 639);
	free(ram);
	free(d);
}

TEST(bzimage_cmdline_clamped_to_cmdline_size)
{
	uint8_t *d = make_kernel();
	uint8_t *ram = calloc(1, RAM_SIZE);
	struct image img = { .path = "bzImage", .data = d, .size = FILE_SIZE };
	struct vm vm;
	struct bzimage bz;

	memset(&vm, 0, sizeof(vm));
	vm.mem = ram;
	vm.mem_size = RAM_SIZE;
	put32(d, 0x238, 10);
	memset(ram + BZ_CMDLINE_ADDR, 0x77, 64);
	CHECK(bzimage_parse(&img, RAM_SIZE, 0, &bz) == 0);
	CHECK(bzimage_load(&vm, &img, NULL, "console=ttyS0 quiet", &bz) == 0);
	CHECK(strcmp((char *)ram + BZ_CMDLINE_ADDR, "console=tt") == 0);
	free(ram);
	free(d);
}

static int cli(struct options *o, const char *const *args)
{
	char *argv[16];
	int argc = 0;

	for (; args[argc]; argc++)
		argv[argc] = (char *)args[argc];
	argv[argc] = NULL;
	return cli_parse(argc, argv, o);
}

TEST(cli_linux_options)
{
	struct options o;

	CHECK(cli(&o, (const char *[]){ "kvm-vmm", "--kernel", "bz", "--initrd", "ird",
					"--smp", "4", "--append", "quiet", NULL }) == 0);
	CHECK_EQ(o.nimages, 1);
	CHECK(strcmp(o.images[0], "bz") == 0);
	CHECK(strcmp(o.initrd, "ird") == 0);
	CHECK_EQ(o.smp, 4);
	CHECK(strcmp(o.cmdline, "quiet") == 0);
	CHECK(cli(&o, (const char *[]){ "kvm-vmm", "-k", "bz", "-i", "ird", "-c", "2",
					"-m", "512M", "-p", "x", NULL }) == 0);
	CHECK_EQ(o.smp, 2);
	CHECK_EQ(o.mem_size, 512u << 20);
	CHECK(cli(&o, (const char *[]){ "kvm-vmm", "a.bin", NULL }) == 0);
	CHECK_EQ(o.smp, 1);
	CHECK(cli(&o, (const char *[]){ "kvm-vmm", "--cpus", "64", "-k", "bz", NULL }) == 0);
	CHECK_EQ(o.smp, MAX_VCPUS);
	CHECK_EQ(cli(&o, (const char *[]){ "kvm-vmm", "-c", "0", "-k", "bz", NULL }), STATUS_USAGE);
	CHECK_EQ(cli(&o, (const char *[]){ "kvm-vmm", "-c", "65", "-k", "bz", NULL }), STATUS_USAGE);
	CHECK_EQ(cli(&o, (const char *[]){ "kvm-vmm", "-c", "2x", "-k", "bz", NULL }), STATUS_USAGE);
	CHECK_EQ(cli(&o, (const char *[]){ "kvm-vmm", "-c", "-1", "-k", "bz", NULL }), STATUS_USAGE);
	/* --kernel replaces the guest list; --initrd/--smp take one kernel. */
	CHECK_EQ(cli(&o, (const char *[]){ "kvm-vmm", "-k", "bz", "a.bin", NULL }), STATUS_USAGE);
	CHECK_EQ(cli(&o, (const char *[]){ "kvm-vmm", "-i", "ird", "a", "b", NULL }), STATUS_USAGE);
	CHECK_EQ(cli(&o, (const char *[]){ "kvm-vmm", "-c", "2", "a", "b", NULL }), STATUS_USAGE);
}
