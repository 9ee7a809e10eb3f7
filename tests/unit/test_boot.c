/* The boot table and the reference's protocols: which row takes an image,
 * what the flat protocols write into RAM and the vCPU state they promise,
 * the one status rule for guest exits, and the --verbose line format. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/boot/boot.h"
#include "../../src/boot/flat.h"
#include "../../src/boot/multiboot.h"
#include "../../src/boot/realmode.h"
#include "../../src/cli.h"
#include "../../src/dev/debug_exit.h"
#include "../../src/status.h"
#include "../../src/trace.h"
#include "../../src/x86.h"
#include "harness.h"

static int parse(struct options *o, const char **args)
{
	char *argv[32];
	int argc = 0;

	for (; args[argc]; argc++)
		argv[argc] = (char *)args[argc];
	argv[argc] = NULL;
	return cli_parse(argc, argv, o);
}

/* A file holding size bytes of fill, for boot_prepare(). */
static char *temp_image(size_t size, uint8_t fill)
{
	static char path[64];
	uint8_t *buf = malloc(size);
	int fd;

	snprintf(path, sizeof(path), "/tmp/minikvm-unit-XXXXXX");
	fd = mkstemp(path);
	memset(buf, fill, size);
	if (fd < 0 || write(fd, buf, size) != (ssize_t)size)
		path[0] = '\0';
	close(fd);
	free(buf);
	return path;
}

static const char *row_for(const char **args, size_t size, int *status)
{
	struct options o;
	struct image img;
	struct boot_plan plan;
	const char *name = NULL;
	char *path = temp_image(size, 0x90);
	const char *argv[16];
	int n = 0;

	for (; args[n]; n++)
		argv[n] = args[n];
	argv[n++] = path;
	argv[n] = NULL;
	*status = parse(&o, argv);
	if (*status == 0) {
		*status = boot_prepare(path, &o, &img, &plan);
		if (plan.proto)
			name = plan.proto->selected_by;
		image_free(&img);
		boot_plan_free(&plan);
	}
	unlink(path);
	return name;
}

TEST(boot_table_picks_rows_by_option_then_header)
{
	int st;

	CHECK(strcmp(row_for((const char *[]){ "kvm-vmm", NULL }, 100, &st), "any other file") == 0);
	CHECK_EQ(st, 0);
	CHECK(strcmp(row_for((const char *[]){ "kvm-vmm", "--paging", NULL }, 100, &st), "--paging") == 0);
	CHECK_EQ(st, 0);
	CHECK(strcmp(row_for((const char *[]){ "kvm-vmm", "--long-mode", NULL }, 100, &st), "--long-mode") == 0);
	CHECK_EQ(st, 0);
	/* The real-mode image may use all RAM above 0x10000, and no more. */
	row_for((const char *[]){ "kvm-vmm", "--mem", "128K", NULL }, 0x10000, &st);
	CHECK_EQ(st, 0);
	row_for((const char *[]){ "kvm-vmm", "--mem", "128K", NULL }, 0x10001, &st);
	CHECK_EQ(st, STATUS_BAD_INPUT);
	/* Flat images must stay clear of the page tables at 1 MiB. */
	row_for((const char *[]){ "kvm-vmm", "--long-mode", NULL }, 0x100000, &st);
	CHECK_EQ(st, STATUS_BAD_INPUT);
	row_for((const char *[]){ "kvm-vmm", "--long-mode", "--mem", "3M", NULL }, 100, &st);
	CHECK_EQ(st, STATUS_USAGE);
	row_for((const char *[]){ "kvm-vmm", "--paging", "--load", "0x200", NULL }, 100, &st);
	CHECK_EQ(st, STATUS_BAD_INPUT); /* over the GDT and IDT */
	row_for((const char *[]){ "kvm-vmm", "--paging", "--entry", "0x90000000", NULL }, 100, &st);
	CHECK_EQ(st, STATUS_BAD_INPUT); /* not mapped */
	row_for((const char *[]){ "kvm-vmm", "--paging", "--load", "0x200000", "--entry",
				  "0x80200000", NULL }, 100, &st);
	CHECK_EQ(st, 0);
}

TEST(cli_reference_spellings_and_combinations)
{
	struct options o;

	CHECK_EQ(parse(&o, (const char *[]){ "kvm-vmm", "--linux", "bz", "--cmdline", "quiet", NULL }), 0);
	CHECK(strcmp(o.images[0], "bz") == 0 && strcmp(o.cmdline, "quiet") == 0);
	CHECK_EQ(parse(&o, (const char *[]){ "kvm-vmm", "-v", "--dump-mem", "m", "a", NULL }), 0);
	CHECK(o.verbose && !o.dump_regs && strcmp(o.dump_mem, "m") == 0);
	CHECK_EQ(parse(&o, (const char *[]){ "kvm-vmm", "--dump-regs", "a", NULL }), 0);
	CHECK(o.verbose && o.dump_regs);
	CHECK_EQ(parse(&o, (const char *[]){ "kvm-vmm", "--paging", "--long-mode", "a", NULL }), STATUS_USAGE);
	CHECK_EQ(parse(&o, (const char *[]){ "kvm-vmm", "--load", "0x1000", "a", NULL }), STATUS_USAGE);
	/* --kernel takes a flat kernel with --paging or --long-mode. */
	CHECK_EQ(parse(&o, (const char *[]){ "kvm-vmm", "--paging", "-k", "bz", NULL }), 0);
	CHECK(o.paging && o.nimages == 1 && strcmp(o.images[0], "bz") == 0);
	CHECK_EQ(parse(&o, (const char *[]){ "kvm-vmm", "--long-mode", "--entry", "x1", "a", NULL }), STATUS_USAGE);
	CHECK_EQ(parse(&o, (const char *[]){ "kvm-vmm", "--long-mode", "--entry", "0x2000", "a", NULL }), 0);
	CHECK_EQ(o.entry_addr, 0x2000);
}

TEST(guest_status_requests_are_clamped_alike)
{
	static const struct { uint32_t v; int st; } debug_exit[] = {
		{ 0, 1 }, { 1, 3 }, { 59, 119 }, { 60, 119 }, { 63, 119 }, { 64, 119 },
		{ 127, 119 }, { 0xffffffffu, 119 },
	};

	for (size_t i = 0; i < sizeof(debug_exit) / sizeof(debug_exit[0]); i++)
		CHECK_EQ(status_from_guest(debug_exit_request(debug_exit[i].v)), debug_exit[i].st);
	for (int bl = 0; bl < 256; bl++)
		CHECK_EQ(status_from_guest((uint64_t)bl), bl <= 119 ? bl : 119);
}

TEST(status_table_covers_every_status_once)
{
	int seen[256] = { 0 };

	for (int i = 0; i < status_table_rows; i++)
		for (int s = status_table[i].first; s <= status_table[i].last; s++)
			seen[s]++;
	for (int s = 0; s <= STATUS_HOST_ERROR; s++)
		CHECK_EQ(seen[s], 1);
	CHECK_EQ(seen[130], 1);
	CHECK_EQ(seen[143], 1);
	CHECK_EQ(status_from_errno(ENOMEM), STATUS_HOST_ERROR);
	CHECK_EQ(status_from_errno(EINVAL), STATUS_NO_KVM);
}

static struct vm fake_vm(uint64_t size)
{
	struct vm vm;

	memset(&vm, 0, sizeof(vm));
	vm.mem = calloc(1, size);
	vm.mem_size = size;
	return vm;
}

static uint64_t rd(const struct vm *vm, uint64_t gpa, unsigned len)
{
	uint64_t v = 0;

	memcpy(&v, vm->mem + gpa, len);
	return v;
}

TEST(paging32_tables_map_low_and_high)
{
	struct vm vm = fake_vm(FLAT_DEFAULT_MEM);
	uint8_t code[] = { 0xf4 };
	struct image img = { .path = "k.bin", .data = code, .size = sizeof(code) };
	struct boot_plan plan = { .load_addr = FLAT_LOAD_DEFAULT };

	CHECK(paging32_load(&vm, &img, &plan) == 0);
	CHECK_EQ(rd(&vm, P32_PAGE_DIR, 4), P32_LOW_TABLE | 3);
	CHECK_EQ(rd(&vm, P32_PAGE_DIR + 512 * 4, 4), P32_HIGH_TABLE | 3);
	CHECK_EQ(rd(&vm, P32_PAGE_DIR + 4, 4), 0);
	CHECK_EQ(rd(&vm, P32_LOW_TABLE + 1 * 4, 4), 0x1000 | 3);
	CHECK_EQ(rd(&vm, P32_HIGH_TABLE + 1023 * 4, 4), 0x3ff000 | 3);
	/* GDT: null, flat code (0x08), flat data (0x10); the IDT all zero. */
	CHECK_EQ(rd(&vm, FLAT_GDT_ADDR + 8, 8), 0x00cf9b000000ffffull);
	CHECK_EQ(rd(&vm, FLAT_GDT_ADDR + 16, 8), 0x00cf93000000ffffull);
	CHECK_EQ(rd(&vm, FLAT_IDT_ADDR + 13 * 8, 8), 0);
	CHECK_EQ(vm.mem[FLAT_LOAD_DEFAULT], 0xf4);
	free(vm.mem);
}

TEST(longmode_tables_map_all_ram_with_2m_pages)
{
	struct vm vm = fake_vm(6u << 20);
	uint8_t code[] = { 0xf4 };
	struct image img = { .path = "k.bin", .data = code, .size = sizeof(code) };
	struct boot_plan plan = { .load_addr = FLAT_LOAD_DEFAULT };

	CHECK(longmode_load(&vm, &img, &plan) == 0);
	CHECK_EQ(rd(&vm, LM_PML4, 8), LM_PDPT | 3);
	CHECK_EQ(rd(&vm, LM_PDPT, 8), LM_PD_FIRST | 3);
	CHECK_EQ(rd(&vm, LM_PDPT + 8, 8), 0);
	CHECK_EQ(rd(&vm, LM_PD_FIRST, 8), 0x83);
	CHECK_EQ(rd(&vm, LM_PD_FIRST + 2 * 8, 8), 0x400000 | 0x83);
	CHECK_EQ(rd(&vm, LM_PD_FIRST + 3 * 8, 8), 0); /* beyond RAM: unmapped */
	CHECK_EQ(rd(&vm, FLAT_GDT_ADDR + 8, 8), 0x00af9b000000ffffull);
	CHECK_EQ(longmode_tables_size(1ull << 30), 3 * 4096);
	CHECK_EQ(longmode_tables_size((1ull << 30) + LM_PAGE_SIZE), 4 * 4096);
	free(vm.mem);
}

TEST(x86_segments_as_kvm_wants_them)
{
	struct kvm_segment real = x86_segment(REAL_SEGMENT, X86_SEG_DATA_RW, X86_SEG_REAL);
	struct kvm_segment code64 = x86_segment(FLAT_CODE_SEL, X86_SEG_CODE_RX, X86_SEG_CODE64);

	CHECK_EQ(real.base, REAL_LOAD_ADDR);
	CHECK_EQ(real.limit, 0xffff);
	CHECK(real.present && real.s && !real.db && !real.g);
	CHECK(code64.l && !code64.db && code64.g && code64.type == 0xb);
}

TEST(verbose_lines_name_port_size_value_and_hypercall)
{
	static union {
		struct kvm_run run;
		uint8_t page[4096];
	} area;
	char line[256];

	area.run.exit_reason = KVM_EXIT_IO;
	area.run.io.direction = KVM_EXIT_IO_OUT;
	area.run.io.port = UART_COM1_BASE;
	area.run.io.size = 1;
	area.run.io.count = 1;
	area.run.io.data_offset = 1024;
	area.page[1024] = 'H';
	trace_format_exit(&area.run, sizeof(area), line, sizeof(line));
	CHECK(strcmp(line, "IO out port 0x3f8 size 1 value 0x48") == 0);
	area.run.io.port = HC_PORT;
	area.run.io.size = 2;
	area.page[1024] = HC_PUTS;
	area.page[1025] = 0;
	trace_format_exit(&area.run, sizeof(area), line, sizeof(line));
	CHECK(strcmp(line, "IO out port 0x500 size 2 value 0x0003 hypercall PUTS") == 0);
	area.run.io.direction = KVM_EXIT_IO_IN;
	trace_format_exit(&area.run, sizeof(area), line, sizeof(line));
	CHECK(strcmp(line, "IO in port 0x500 size 2 value 0x0003") == 0);
	area.run.exit_reason = KVM_EXIT_HLT;
	trace_format_exit(&area.run, sizeof(area), line, sizeof(line));
	CHECK(strcmp(line, "HLT") == 0);
	/* A data offset outside the run area is never read. */
	area.run.exit_reason = KVM_EXIT_IO;
	area.run.io.data_offset = 1u << 30;
	trace_format_exit(&area.run, sizeof(area), line, sizeof(line));
	CHECK(strcmp(line, "IO in port 0x500 size 2 value 0x0000") == 0);
}

TEST(ram_above_3g_continues_at_4g)
{
	uint64_t mem = 5ull << 30;
	struct vm vm;
	struct e820_entry map[MB_MMAP_MAX];

	memset(&vm, 0, sizeof(vm));
	vm.mem = (uint8_t *)0x100000000000ull; /* never dereferenced */
	vm.mem_size = mem;
	vm.high_size = vm_high_size_for(mem);
	CHECK_EQ(vm.high_size, 2ull << 30);
	CHECK_EQ(vm_ram_end_for(mem), 6ull << 30);
	CHECK(vm_guest_ptr(&vm, 0, VM_LOW_RAM_MAX) == vm.mem);
	CHECK(vm_guest_ptr(&vm, VM_LOW_RAM_MAX - 1, 2) == NULL); /* into the hole */
	CHECK(vm_guest_ptr(&vm, VM_LOW_RAM_MAX, 0) != NULL);
	CHECK(vm_guest_ptr(&vm, 0xfee00000, 4) == NULL);	    /* the local APIC */
	CHECK(vm_guest_ptr(&vm, VM_HIGH_RAM_BASE, 8) == vm.mem + VM_LOW_RAM_MAX);
	CHECK(vm_guest_ptr(&vm, (6ull << 30) - 8, 8) == vm.mem + mem - 8);
	CHECK(vm_guest_ptr(&vm, (6ull << 30) - 8, 9) == NULL);
	CHECK(vm_guest_ptr(&vm, UINT64_MAX - 4, 8) == NULL);	    /* wraps */
	CHECK_EQ(multiboot_memory_map(mem, map), 5);
	CHECK_EQ(map[3].addr + map[3].size, VM_LOW_RAM_MAX);
	CHECK_EQ(map[4].addr, VM_HIGH_RAM_BASE);
	CHECK_EQ(map[4].size, 2ull << 30);
	CHECK_EQ(multiboot_memory_map(64u << 20, map), 4);
	CHECK_EQ(longmode_tables_size(mem), (2 + 6) * 4096);
}
