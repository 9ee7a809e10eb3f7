/* Loading a vmlinux (src/boot/vmlinux.c, pvh.c): the segments at their
 * physical addresses with the BSS left untouched, the 64-bit entry's zero
 * page, the PVH entry's hvm_start_info, memory map and module list, the
 * command line cut to 2047 bytes; the same from files held open and read
 * at load (no copy in between); and the boot table's two vmlinux rows
 * with --boot-entry. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../src/boot/boot.h"
#include "../../src/boot/pvh.h"
#include "../../src/boot/vmlinux.h"
#include "../../src/cli.h"
#include "../../src/status.h"
#include "harness.h"
#include "vmlinux_image.h"

static uint16_t get16(const uint8_t *p, size_t off) { uint16_t v; memcpy(&v, p + off, 2); return v; }
static uint32_t get32(const uint8_t *p, size_t off) { uint32_t v; memcpy(&v, p + off, 4); return v; }
static uint64_t get64(const uint8_t *p, size_t off) { uint64_t v; memcpy(&v, p + off, 8); return v; }

/* RAM as vm_create maps it: fresh, zero, backed only where touched. */
static void ram_open(struct vm *vm, uint64_t size)
{
	memset(vm, 0, sizeof(*vm));
	vm->mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	vm->mem_size = size;
	CHECK(vm->mem != MAP_FAILED);
}

static int load(struct vm *vm, struct vml_image *v, bool pvh, const struct image *initrd,
		const char *cmdline, struct vmlinux *k)
{
	struct image img = { .path = "vmlinux", .data = v->data, .size = v->size };

	if (vmlinux_parse(&img, vm->mem_size, initrd ? initrd->size : 0, pvh, k) < 0)
		return -1;
	return vmlinux_load(vm, &img, initrd, cmdline, k);
}

static void check_segments_and_tables(const struct vm *vm, const struct vml_image *v)
{
	const uint8_t *ram = vm->mem;

	CHECK(memcmp(ram + VML_TEXT, v->data + VML_TEXT_OFF, VML_TEXT_SIZE) == 0);
	CHECK(memcmp(ram + VML_DATA, v->data + VML_DATA_OFF, VML_DATA_FILESZ) == 0);
	CHECK_EQ(ram[VML_DATA + VML_DATA_FILESZ], 0); /* the BSS */
	CHECK(strcmp((const char *)ram + BZ_CMDLINE_ADDR, "console=ttyS0 quiet") == 0);
	CHECK_EQ(get64(ram, BZ_PML4_ADDR), BZ_PML4_ADDR + 0x1000 + 3);
	CHECK_EQ(get64(ram, BZ_PML4_ADDR + 0x2000 + 8 * 8), (8ull << 21) | 0x83);
	CHECK_EQ(get64(ram, BZ_GDT_ADDR + 0x08), 0x00cf9b000000ffffull); /* 32-bit code */
	CHECK_EQ(get64(ram, BZ_GDT_ADDR + 0x10), 0x00af9b000000ffffull);
	CHECK_EQ(get64(ram, BZ_GDT_ADDR + 0x18), 0x00cf93000000ffffull);
	CHECK_EQ(get16(ram, 0x40e), BZ_EBDA_ADDR >> 4);
}

TEST(vmlinux_elf64_load_writes_segments_and_zero_page)
{
	struct vml_image v = vml_make(true);
	uint8_t bytes[5000];
	struct image initrd = { .path = "initrd", .data = bytes, .size = sizeof(bytes) };
	struct vmlinux k;
	struct vm vm;
	const uint8_t *zp;

	memset(bytes, 0x5a, sizeof(bytes));
	ram_open(&vm, VML_RAM);
	CHECK(load(&vm, &v, false, &initrd, "console=ttyS0 quiet", &k) == 0);
	check_segments_and_tables(&vm, &v);
	zp = vm.mem + BZ_ZERO_PAGE_ADDR;
	CHECK_EQ(get16(zp, 0x1fe), 0xaa55);
	CHECK(memcmp(zp + 0x202, "HdrS", 4) == 0);
	CHECK_EQ(get16(zp, 0x206), 0x020c);
	CHECK_EQ(zp[0x211], 0x01); /* LOADED_HIGH */
	CHECK_EQ(zp[0x210], 0xff); /* type_of_loader */
	CHECK_EQ(get32(zp, 0x228), BZ_CMDLINE_ADDR);
	CHECK_EQ(get32(zp, 0x238), 2047);
	CHECK_EQ(get32(zp, 0x218), k.initrd_addr);
	CHECK_EQ(get32(zp, 0x21c), sizeof(bytes));
	CHECK(memcmp(vm.mem + k.initrd_addr, bytes, sizeof(bytes)) == 0);
	CHECK_EQ(zp[0x1e8], 4);
	CHECK_EQ(get64(zp, 0x2d0 + 3 * 20 + 8), VML_RAM - 0x100000);
	CHECK_EQ(zp[0x1ef], 0); /* sentinel */
	CHECK_EQ(get32(vm.mem, PVH_START_INFO_ADDR + 0x1000), 0);
	munmap(vm.mem, VML_RAM);
	vml_free(&v);
}

TEST(vmlinux_pvh_load_writes_start_info)
{
	struct vml_image v = vml_make(true);
	uint8_t bytes[300];
	struct image initrd = { .path = "initrd", .data = bytes, .size = sizeof(bytes) };
	struct vmlinux k;
	struct vm vm;
	const uint8_t *si, *mm, *mod;

	memset(bytes, 0x77, sizeof(bytes));
	ram_open(&vm, VML_RAM);
	CHECK(load(&vm, &v, true, &initrd, "console=ttyS0 quiet", &k) == 0);
	check_segments_and_tables(&vm, &v);
	si = vm.mem + PVH_START_INFO_ADDR;
	CHECK_EQ(get32(si, 0), 0x336ec578);
	CHECK_EQ(get32(si, 4), 1);
	CHECK_EQ(get32(si, 8), 0); /* flags */
	CHECK_EQ(get32(si, 12), 1); /* nr_modules */
	CHECK_EQ(get64(si, 16), PVH_MODLIST_ADDR);
	CHECK_EQ(get64(si, 24), BZ_CMDLINE_ADDR);
	CHECK_EQ(get64(si, 32), 0xe0000); /* the RSDP acpi_write puts there */
	CHECK_EQ(get64(si, 40), PVH_MEMMAP_ADDR);
	CHECK_EQ(get32(si, 48), 4);
	CHECK_EQ(get32(si, 52), 0);
	mm = vm.mem + PVH_MEMMAP_ADDR;
	CHECK_EQ(get64(mm, 0), 0);
	CHECK_EQ(get64(mm, 8), BZ_EBDA_ADDR);
	CHECK_EQ(get32(mm, 16), E820_RAM);
	CHECK_EQ(get64(mm, 2 * 24), 0xf0000);
	CHECK_EQ(get32(mm, 2 * 24 + 16), E820_RESERVED);
	CHECK_EQ(get64(mm, 3 * 24), 0x100000);
	CHECK_EQ(get64(mm, 3 * 24 + 8), VML_RAM - 0x100000);
	mod = vm.mem + PVH_MODLIST_ADDR;
	CHECK_EQ(get64(mod, 0), k.initrd_addr);
	CHECK_EQ(get64(mod, 8), sizeof(bytes));
	CHECK_EQ(get64(mod, 16), 0);
	CHECK(memcmp(vm.mem + k.initrd_addr, bytes, sizeof(bytes)) == 0);
	/* No zero page: the start info is in its place. */
	CHECK_EQ(get16(vm.mem, BZ_ZERO_PAGE_ADDR + 0x1fe), 0);
	munmap(vm.mem, VML_RAM);
	/* Without an initrd: no module list ("not present"). */
	ram_open(&vm, VML_RAM);
	CHECK(load(&vm, &v, true, NULL, "console=ttyS0 quiet", &k) == 0);
	CHECK_EQ(get32(vm.mem, PVH_START_INFO_ADDR + 12), 0);
	CHECK_EQ(get64(vm.mem, PVH_START_INFO_ADDR + 16), 0);
	munmap(vm.mem, VML_RAM);
	vml_free(&v);
}

/* A 32 MiB BSS costs the host nothing: no page of it is written. */
TEST(vmlinux_bss_pages_stay_untouched)
{
	struct vml_image v = vml_make(true);
	long page = sysconf(_SC_PAGESIZE);
	size_t npages = (32u << 20) / (size_t)page - 1;
	unsigned char *vec = malloc(npages);
	size_t resident = 0;
	struct vmlinux k;
	struct vm vm;

	vml_ph(&v, 1)->p_memsz = 32u << 20;
	ram_open(&vm, VML_RAM);
	CHECK(load(&vm, &v, false, NULL, "x", &k) == 0);
	CHECK(mincore(vm.mem + VML_DATA + (size_t)page, npages * (size_t)page, vec) == 0);
	for (size_t i = 0; i < npages; i++)
		resident += vec[i] & 1;
	CHECK_EQ(resident, 0);
	free(vec);
	munmap(vm.mem, VML_RAM);
	vml_free(&v);
}

TEST(vmlinux_cmdline_cut_to_2047_bytes)
{
	struct vml_image v = vml_make(false);
	char *line = malloc(3000);
	struct vmlinux k;
	struct vm vm;

	memset(line, 'a', 2999);
	line[2999] = '\0';
	char err[512];

	ram_open(&vm, VML_RAM);
	test_stderr_begin();
	CHECK(load(&vm, &v, false, NULL, line, &k) == 0);
	CHECK(strstr(test_stderr_end(err, sizeof(err)),
		     "kernel command line is 2999 bytes; cut to the 2047 the kernel takes") != NULL);
	CHECK_EQ(strlen((const char *)vm.mem + BZ_CMDLINE_ADDR), 2047);
	munmap(vm.mem, VML_RAM);
	free(line);
	vml_free(&v);
}

/* --- the boot table's rows ------------------------------------------------ */

static const char *write_image(const struct vml_image *v)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/minikvm-unit-vmlinux-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, v->data, v->size) != (ssize_t)v->size)
		path[0] = '\0';
	if (fd >= 0)
		close(fd);
	return path;
}

/* boot_prepare() of the image (with --kernel, or as a guest image) with
 * an option or none: the status, and the row in *row. */
static int prepare_as(const struct vml_image *v, bool kernel, const char *option,
		      const char **row)
{
	const char *path = write_image(v);
	char *argv[] = { "kvm-vmm", (char *)path, (char *)option, NULL, NULL };
	struct options o;
	struct image img;
	struct boot_plan plan;
	char err[1024];
	int status;

	*row = NULL;
	if (kernel) {
		argv[3] = argv[2];
		argv[2] = argv[1];
		argv[1] = "--kernel";
	}
	test_stderr_begin();
	status = cli_parse(2 + kernel + !!option, argv, &o);
	if (!status) {
		status = boot_prepare(path, &o, &img, &plan);
		*row = plan.proto ? plan.proto->name : NULL;
		image_free(&img);
		boot_plan_free(&plan);
	}
	test_stderr_end(err, sizeof(err));
	unlink(path);
	return status;
}

static int prepare(const struct vml_image *v, const char *option, const char **row)
{
	return prepare_as(v, true, option, row);
}

TEST(vmlinux_rows_and_boot_entry)
{
	struct vml_image with = vml_make(true), without = vml_make(false);
	const char *row;

	CHECK_EQ(prepare(&with, NULL, &row), 0);
	CHECK(row && strcmp(row, "Linux vmlinux, PVH entry") == 0);
	CHECK_EQ(prepare(&with, "--boot-entry=pvh", &row), 0);
	CHECK(row && strcmp(row, "Linux vmlinux, PVH entry") == 0);
	CHECK_EQ(prepare(&with, "--boot-entry=elf64", &row), 0);
	CHECK(row && strcmp(row, "Linux vmlinux, 64-bit entry") == 0);
	CHECK_EQ(prepare(&without, NULL, &row), 0);
	CHECK(row && strcmp(row, "Linux vmlinux, 64-bit entry") == 0);
	CHECK_EQ(prepare(&without, "--boot-entry=pvh", &row), STATUS_BAD_INPUT);
	CHECK_EQ(prepare(&with, "--boot-entry=elf32", &row), STATUS_USAGE);
	CHECK_EQ(prepare(&with, "--boot-entry=", &row), STATUS_USAGE);
	/* Given as a guest image, the header decides too. */
	CHECK_EQ(prepare_as(&with, false, NULL, &row), 0);
	CHECK(row && strcmp(row, "Linux vmlinux, PVH entry") == 0);
	/* --boot-entry names a vmlinux's entry: for another image, a usage
	 * error. */
	with.data[EI_CLASS] = ELFCLASS32;
	CHECK_EQ(prepare_as(&with, false, "--boot-entry=pvh", &row), STATUS_USAGE);
	CHECK(row == NULL);
	vml_free(&with);
	vml_free(&without);
}

/* What boot_prepare() does with a vmlinux and an initrd: both held open,
 * the vmlinux with only its first bytes in memory (here 64: every header,
 * note and segment comes from the file), and read into RAM at load. */
TEST(vmlinux_and_initrd_read_from_open_files_at_load)
{
	struct vml_image v = vml_make(true);
	uint8_t bytes[7000];
	char ipath[] = "/tmp/minikvm-unit-initrd-XXXXXX";
	const char *kpath = write_image(&v);
	int fd = mkstemp(ipath);
	struct image img, initrd;
	struct vmlinux k;
	struct vm vm;

	memset(bytes, 0x3c, sizeof(bytes));
	CHECK(fd >= 0 && write(fd, bytes, sizeof(bytes)) == (ssize_t)sizeof(bytes));
	close(fd);
	CHECK_EQ(image_open(&img, kpath, 1u << 30, "of guest memory", 64), 0);
	CHECK_EQ(image_open(&initrd, ipath, 1u << 30, "of guest memory", 0), 0);
	CHECK(vmlinux_has_pvh_note(&img));
	ram_open(&vm, VML_RAM);
	CHECK(vmlinux_parse(&img, vm.mem_size, image_file_size(&initrd), true, &k) == 0);
	CHECK(vmlinux_load(&vm, &img, &initrd, "console=ttyS0 quiet", &k) == 0);
	check_segments_and_tables(&vm, &v);
	CHECK_EQ(k.entry, VML_PVH_ENTRY);
	CHECK(memcmp(vm.mem + k.initrd_addr, bytes, sizeof(bytes)) == 0);
	CHECK_EQ(img.size, 64); /* never read whole */
	munmap(vm.mem, VML_RAM);
	image_free(&img);
	image_free(&initrd);
	unlink(kpath);
	unlink(ipath);
	vml_free(&v);
}

/* boot_prepare() holds a vmlinux open with BOOT_IMAGE_HEAD bytes, and
 * reads any other image whole. */
TEST(boot_prepare_holds_only_a_vmlinux_open)
{
	struct vml_image v = vml_make(true);
	const char *path = write_image(&v);
	char *argv[] = { "kvm-vmm", "--kernel", (char *)path, NULL };
	struct options o;
	struct image img;
	struct boot_plan plan;
	char err[512];

	CHECK_EQ(cli_parse(3, argv, &o), 0);
	CHECK_EQ(boot_prepare(path, &o, &img, &plan), 0);
	CHECK(img.open && image_file_size(&img) == v.size &&
	      img.size == (v.size < BOOT_IMAGE_HEAD ? v.size : BOOT_IMAGE_HEAD));
	image_free(&img);
	boot_plan_free(&plan);
	/* The same bytes as a 32-bit ELF: no vmlinux row takes it, so it is
	 * read whole (as a real-mode binary, which any file is). */
	v.data[EI_CLASS] = ELFCLASS32;
	unlink(path);
	path = write_image(&v);
	argv[1] = (char *)path;
	test_stderr_begin();
	CHECK_EQ(cli_parse(2, argv, &o), 0);
	int status = boot_prepare(path, &o, &img, &plan);

	test_stderr_end(err, sizeof(err));
	CHECK(!img.open && img.size == v.size);
	(void)status;
	image_free(&img);
	boot_plan_free(&plan);
	unlink(path);
	vml_free(&v);
}
