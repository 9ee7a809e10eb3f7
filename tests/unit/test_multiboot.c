/* The multiboot loader's checks of ELF headers and segments. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/boot/multiboot.h"
#include "harness.h"

#define RAM_SIZE (4u << 20)

/* A minimal valid kernel: ELF header, one PT_LOAD at 1 MiB, and a
 * multiboot header at the start of the segment's bytes. */
struct test_kernel {
	Elf32_Ehdr eh;
	Elf32_Phdr ph;
	uint32_t mb[3];
	uint8_t code[20];
};

static struct test_kernel make_kernel(void)
{
	struct test_kernel k;

	memset(&k, 0, sizeof(k));
	memcpy(k.eh.e_ident, ELFMAG, SELFMAG);
	k.eh.e_ident[EI_CLASS] = ELFCLASS32;
	k.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	k.eh.e_type = ET_EXEC;
	k.eh.e_machine = EM_386;
	k.eh.e_phoff = offsetof(struct test_kernel, ph);
	k.eh.e_phnum = 1;
	k.eh.e_phentsize = sizeof(Elf32_Phdr);
	k.eh.e_entry = 0x100000 + 12;
	k.ph.p_type = PT_LOAD;
	k.ph.p_offset = offsetof(struct test_kernel, mb);
	k.ph.p_paddr = 0x100000;
	k.ph.p_filesz = sizeof(k.mb) + sizeof(k.code);
	k.ph.p_memsz = k.ph.p_filesz + 4096; /* BSS */
	k.mb[0] = MB_HEADER_MAGIC;
	k.mb[1] = 3;
	k.mb[2] = -(MB_HEADER_MAGIC + 3);
	k.code[0] = 0xf4;
	return k;
}

/* The kernel load() last parsed. */
static struct multiboot_kernel parsed;

static int load(struct test_kernel *tk, size_t size, struct vm *vm)
{
	struct image img = { .path = "k.elf", .data = (uint8_t *)tk, .size = size };

	memset(&parsed, 0, sizeof(parsed));
	if (multiboot_parse(&img, vm->mem_size, &parsed) < 0)
		return -1;
	return multiboot_load(vm, &img);
}

static struct vm fake_vm(uint8_t *ram)
{
	struct vm vm;

	memset(&vm, 0, sizeof(vm));
	vm.mem = ram;
	vm.mem_size = RAM_SIZE;
	return vm;
}

TEST(multiboot_detects_header_and_checksum)
{
	struct test_kernel k = make_kernel();

	CHECK(multiboot_detect((uint8_t *)&k, sizeof(k)));
	k.mb[2]++;
	CHECK(!multiboot_detect((uint8_t *)&k, sizeof(k)));
	CHECK(!multiboot_detect((uint8_t *)&k, 8)); /* shorter than a header */
}

/* Guest RAM is fresh (zero) when the loader runs; the BSS stays zero
 * without being written (test_loader_defects.c: its pages stay unbacked). */
TEST(multiboot_loads_segments_and_leaves_bss_zero)
{
	uint8_t *ram = calloc(1, RAM_SIZE);
	struct vm vm = fake_vm(ram);
	struct test_kernel k = make_kernel();

	CHECK(load(&k, sizeof(k), &vm) == 0);
	CHECK(memcmp(ram + 0x100000, k.mb, sizeof(k.mb)) == 0);
	CHECK_EQ(ram[0x100000 + 12], 0xf4);
	CHECK_EQ(ram[0x100000 + k.ph.p_filesz], 0);
	CHECK_EQ(ram[0x100000 + k.ph.p_memsz - 1], 0);
	CHECK_EQ(parsed.info_addr, MB_INFO_ADDR);
	CHECK(multiboot_write_info(&vm, &parsed, "console=hypercall") == 0);
	CHECK(strcmp((char *)ram + MB_INFO_ADDR + MB_CMDLINE_OFF, "console=hypercall") == 0);
	uint32_t mem_upper;

	memcpy(&mem_upper, ram + MB_INFO_ADDR + 8, 4);
	CHECK_EQ(mem_upper, (RAM_SIZE - 0x100000) / 1024);
	free(ram);
}

TEST(multiboot_refuses_malformed_elf)
{
	uint8_t *ram = calloc(1, RAM_SIZE);
	struct vm vm = fake_vm(ram);
	struct test_kernel k;

	k = make_kernel();
	CHECK(load(&k, 20, &vm) < 0); /* truncated ELF header */
	k = make_kernel();
	k.eh.e_ident[1] = 'X';
	CHECK(load(&k, sizeof(k), &vm) < 0);
	k = make_kernel();
	k.eh.e_ident[EI_CLASS] = ELFCLASS64;
	CHECK(load(&k, sizeof(k), &vm) < 0);
	k = make_kernel();
	k.eh.e_phoff = 0xfffffff0;
	CHECK(load(&k, sizeof(k), &vm) < 0);
	k = make_kernel();
	k.eh.e_phnum = 0xffff;
	CHECK(load(&k, sizeof(k), &vm) < 0);
	k = make_kernel();
	k.ph.p_filesz = 0x10000; /* beyond the end of the file */
	k.ph.p_memsz = 0x10000;
	CHECK(load(&k, sizeof(k), &vm) < 0);
	k = make_kernel();
	k.ph.p_offset = 0xfffffff0; /* offset + size wraps */
	CHECK(load(&k, sizeof(k), &vm) < 0);
	k = make_kernel();
	k.ph.p_paddr = RAM_SIZE - 16; /* runs past the end of RAM */
	CHECK(load(&k, sizeof(k), &vm) < 0);
	k = make_kernel();
	k.ph.p_paddr = 0xfffffff0; /* wraps around 4 GiB */
	CHECK(load(&k, sizeof(k), &vm) < 0);
	k = make_kernel();
	k.ph.p_paddr = 0x800; /* the first page */
	k.eh.e_entry = 0x800 + 12;
	CHECK(load(&k, sizeof(k), &vm) < 0);
	k = make_kernel();
	k.ph.p_paddr = 0xf0000; /* over the MP table */
	k.eh.e_entry = 0xf0000 + 12;
	CHECK(load(&k, sizeof(k), &vm) < 0);
	k = make_kernel();
	k.ph.p_paddr = 0xe0f00; /* BSS over the ACPI tables at 0xe1000 */
	k.eh.e_entry = 0xe0f00 + 12;
	CHECK(load(&k, sizeof(k), &vm) < 0);
	k = make_kernel();
	k.ph.p_filesz = k.ph.p_memsz + 1;
	CHECK(load(&k, sizeof(k), &vm) < 0);
	k = make_kernel();
	k.eh.e_entry = 0x200000;
	CHECK(load(&k, sizeof(k), &vm) < 0);
	k = make_kernel();
	k.ph.p_type = PT_NOTE;
	CHECK(load(&k, sizeof(k), &vm) < 0);
	free(ram);
}

TEST(multiboot_cmdline_limit)
{
	uint8_t *ram = calloc(1, RAM_SIZE);
	struct vm vm = fake_vm(ram);
	char *long_line = malloc(MB_CMDLINE_MAX + 2);

	memset(long_line, 'a', MB_CMDLINE_MAX + 1);
	long_line[MB_CMDLINE_MAX + 1] = '\0';
	struct multiboot_kernel k = { .info_addr = MB_INFO_ADDR };

	CHECK(multiboot_write_info(&vm, &k, long_line) < 0);
	long_line[MB_CMDLINE_MAX] = '\0';
	CHECK(multiboot_write_info(&vm, &k, long_line) == 0);
	free(long_line);
	free(ram);
}

/* A file of n bytes of fill for a module. */
static void write_file(const char *path, size_t n, char fill)
{
	FILE *f = fopen(path, "w");

	for (size_t i = 0; f && i < n; i++)
		fputc(fill, f);
	if (f)
		fclose(f);
}

static uint32_t rd32(const uint8_t *ram, uint32_t addr)
{
	uint32_t v;

	memcpy(&v, ram + addr, 4);
	return v;
}

TEST(multiboot_modules_follow_the_kernel_page_aligned)
{
	uint8_t *ram = calloc(1, RAM_SIZE);
	struct vm vm = fake_vm(ram);
	struct test_kernel k = make_kernel();

	write_file("/tmp/minikvm-mod-a", 5000, 'a');
	write_file("/tmp/minikvm-mod-b,c", 10, 'b');
	CHECK(load(&k, sizeof(k), &vm) == 0);
	CHECK(multiboot_plan_modules(&parsed, "/tmp/minikvm-mod-a x y,/tmp/minikvm-mod-b,,c",
				     RAM_SIZE) == 0);
	CHECK_EQ(parsed.nr_modules, 2);
	CHECK_EQ(parsed.modules[0].start, 0x102000); /* kernel + BSS end at 0x101030 */
	CHECK_EQ(parsed.modules[0].end, 0x102000 + 5000);
	CHECK_EQ(parsed.modules[1].start, 0x104000);
	CHECK(strcmp(parsed.modules[1].string, "/tmp/minikvm-mod-b,c") == 0);
	CHECK(multiboot_load_modules(&vm, &parsed) == 0);
	CHECK(multiboot_write_info(&vm, &parsed, "k.elf arg") == 0);
	CHECK_EQ(ram[0x102000 + 4999], 'a');
	CHECK_EQ(ram[0x104000], 'b');
	CHECK(rd32(ram, MB_INFO_ADDR) & (1u << 3));
	CHECK_EQ(rd32(ram, MB_INFO_ADDR + 20), 2); /* mods_count */
	uint32_t mods = rd32(ram, MB_INFO_ADDR + 24);

	CHECK_EQ(rd32(ram, mods), 0x102000);
	CHECK_EQ(rd32(ram, mods + 16 + 4), 0x104000 + 10);
	CHECK(strcmp((char *)ram + rd32(ram, mods + 8), "/tmp/minikvm-mod-a x y") == 0);
	multiboot_free(&parsed);
	/* Missing, too big, too many. */
	CHECK(load(&k, sizeof(k), &vm) == 0);
	CHECK(multiboot_plan_modules(&parsed, "/tmp/minikvm-no-such-module", RAM_SIZE) < 0);
	multiboot_free(&parsed);
	CHECK(load(&k, sizeof(k), &vm) == 0);
	CHECK(multiboot_plan_modules(&parsed, "/tmp/minikvm-mod-a", 0x102000 + 4999) < 0);
	multiboot_free(&parsed);
	/* 32 modules load; a 33rd is one too many. */
	char many[40 * 33] = "";

	for (int i = 0; i < 32; i++)
		strcat(many, i ? ",/tmp/minikvm-mod-b,,c" : "/tmp/minikvm-mod-b,,c");
	CHECK(load(&k, sizeof(k), &vm) == 0);
	CHECK(multiboot_plan_modules(&parsed, many, RAM_SIZE) == 0);
	CHECK_EQ(parsed.nr_modules, 32);
	multiboot_free(&parsed);
	strcat(many, ",/tmp/minikvm-mod-b,,c");
	CHECK(load(&k, sizeof(k), &vm) == 0);
	CHECK(multiboot_plan_modules(&parsed, many, RAM_SIZE) < 0);
	multiboot_free(&parsed);
	unlink("/tmp/minikvm-mod-a");
	unlink("/tmp/minikvm-mod-b,c");
	free(ram);
}

TEST(multiboot_information_moves_off_a_kernel_linked_over_it)
{
	uint8_t *ram = calloc(1, RAM_SIZE);
	struct vm vm = fake_vm(ram);
	struct test_kernel k = make_kernel();

	k.ph.p_paddr = 0x8000;
	k.eh.e_entry = 0x8000 + 12; /* BSS to 0x9030: over 0x9000 */
	CHECK(load(&k, sizeof(k), &vm) == 0);
	CHECK(multiboot_plan_modules(&parsed, NULL, RAM_SIZE) == 0);
	CHECK_EQ(parsed.info_addr, 0xa000);
	CHECK(multiboot_write_info(&vm, &parsed, "k a") == 0);
	CHECK(strcmp((char *)ram + 0xa000 + MB_CMDLINE_OFF, "k a") == 0);
	CHECK_EQ(ram[0x8000], (uint8_t)MB_HEADER_MAGIC); /* the kernel intact */
	free(ram);
}
