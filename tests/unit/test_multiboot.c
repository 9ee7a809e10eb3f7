/* The multiboot loader's checks of ELF headers and segments. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

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

static int load(struct test_kernel *tk, size_t size, struct vm *vm)
{
	struct image img = { .path = "k.elf", .data = (uint8_t *)tk, .size = size };
	struct multiboot_kernel k;

	if (multiboot_parse(&img, vm->mem_size, &k) < 0)
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

TEST(multiboot_loads_segments_and_zeroes_bss)
{
	uint8_t *ram = calloc(1, RAM_SIZE);
	struct vm vm = fake_vm(ram);
	struct test_kernel k = make_kernel();

	memset(ram + 0x100000, 0xaa, 0x2000);
	CHECK(load(&k, sizeof(k), &vm) == 0);
	CHECK(memcmp(ram + 0x100000, k.mb, sizeof(k.mb)) == 0);
	CHECK_EQ(ram[0x100000 + 12], 0xf4);
	CHECK_EQ(ram[0x100000 + k.ph.p_filesz], 0);
	CHECK_EQ(ram[0x100000 + k.ph.p_memsz - 1], 0);
	CHECK(multiboot_write_info(&vm, "console=hypercall") == 0);
	CHECK(strcmp((char *)ram + MB_CMDLINE_ADDR, "console=hypercall") == 0);
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
	k.ph.p_paddr = 0x8000; /* over the multiboot information */
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
	CHECK(multiboot_write_info(&vm, long_line) < 0);
	long_line[MB_CMDLINE_MAX] = '\0';
	CHECK(multiboot_write_info(&vm, long_line) == 0);
	free(long_line);
	free(ram);
}
