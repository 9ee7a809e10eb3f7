/* Fuzz target: the multiboot v1 loader, the way kvm-vmm runs it. A kernel
 * file and its --initrd modules come from a stranger; boot_prepare() must
 * refuse a bad one with a message, and once it has accepted one, loading
 * must succeed and leave guest RAM as the multiboot spec and multiboot.h
 * promise: the last segment's bytes and its zeroed BSS, each module's
 * bytes where the module list says, the information block's command line,
 * module strings and memory map, and checksummed MP and ACPI tables. The
 * files are memfds, so nothing is written to disk.
 *
 * Input: mem choice, smp, flags (bit 0 --append, bits 1-2 modules, bit 4
 * pc-testdev, bit 5 kvm-vmm-qemu), the command line, each module (u16
 * size, bytes, argument string), then the kernel image. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/boot/acpi.h"
#include "../../src/boot/boot.h"
#include "../../src/boot/bzimage.h"
#include "../../src/boot/mptable.h"
#include "support.h"

#define MAX_MODS 3
#define BSS_CHECKED 0x10000 /* bytes of the last BSS looked at */

static const uint64_t mem_sizes[] = {
	MB_MIN_MEM - 0x1000, MB_MIN_MEM, 3u << 20, 4u << 20, 16u << 20,
	64u << 20, VM_LOW_RAM_MAX + (8u << 20),
};

struct module_in {
	const uint8_t *data;
	size_t len;
	int fd;
	char *args;
};

struct mb_case {
	struct options o;
	char kernel_path[32];
	int kernel_fd;
	const uint8_t *image;
	size_t image_len;
	char *cmdline;
	char *spec;
	int nmods;
	struct module_in mods[MAX_MODS];
};

/* "PATH ARGS" with each comma doubled, as --initrd spells one. */
static size_t put_item(char *dst, const struct module_in *m)
{
	size_t n = (size_t)sprintf(dst, "/proc/self/fd/%d", m->fd);

	if (m->args[0])
		dst[n++] = ' ';
	for (const char *a = m->args; *a; a++) {
		if (*a == ',')
			dst[n++] = ',';
		dst[n++] = *a;
	}
	dst[n] = '\0';
	return n;
}

static int build_spec(struct mb_case *c)
{
	size_t size = 1;
	char *p;

	for (int i = 0; i < c->nmods; i++)
		size += 32 + 2 * strlen(c->mods[i].args) + 1;
	c->spec = p = malloc(size);
	if (!p)
		return -1;
	for (int i = 0; i < c->nmods; i++) {
		if (i)
			*p++ = ',';
		p += put_item(p, &c->mods[i]);
	}
	*p = '\0';
	return 0;
}

static int decode_modules(struct mb_case *c, struct fuzz_in *in)
{
	char path[32];

	for (int i = 0; i < c->nmods; i++) {
		struct module_in *m = &c->mods[i];

		m->data = fuzz_bytes(in, fuzz_u16(in), &m->len);
		m->args = fuzz_string(in, 64, false);
		m->fd = fuzz_memfd(1 + i, m->data, m->len, path, sizeof(path));
		if (!m->args || m->fd < 0)
			return -1;
	}
	return c->nmods ? build_spec(c) : 0;
}

static int decode(struct mb_case *c, const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t flags;

	memset(c, 0, sizeof(*c));
	c->kernel_fd = -1;
	for (int i = 0; i < MAX_MODS; i++)
		c->mods[i].fd = -1;
	c->o.mem_given = true;
	c->o.mem_size = mem_sizes[fuzz_u8(&in) % (sizeof(mem_sizes) / sizeof(mem_sizes[0]))];
	c->o.smp = 1 + fuzz_u8(&in) % MPTABLE_MAX_CPUS;
	flags = fuzz_u8(&in);
	c->o.pc_testdev = flags & 0x10;
	c->o.qemu_statuses = flags & 0x20;
	if ((flags & 1) && !(c->cmdline = fuzz_string(&in, MB_CMDLINE_MAX + 16, true)))
		return -1;
	c->o.cmdline = c->cmdline;
	c->nmods = (flags >> 1) & 3;
	if (decode_modules(c, &in) < 0)
		return -1;
	c->o.initrd = c->spec;
	c->image = fuzz_bytes(&in, in.n, &c->image_len);
	c->kernel_fd = fuzz_memfd(0, c->image, c->image_len, c->kernel_path,
				  sizeof(c->kernel_path));
	c->o.kernel = c->kernel_path;
	return c->kernel_fd < 0 ? -1 : 0;
}

static void release(struct mb_case *c)
{
	for (int i = 0; i < MAX_MODS; i++) {
		fuzz_close(&c->mods[i].fd);
		free(c->mods[i].args);
	}
	fuzz_close(&c->kernel_fd);
	free(c->spec);
	free(c->cmdline);
}

static uint32_t ram32(const struct vm *vm, uint64_t gpa)
{
	const uint8_t *p = vm_guest_ptr(vm, gpa, 4);
	uint32_t v;

	FUZZ_CHECK(p);
	memcpy(&v, p, 4);
	return v;
}

/* The NUL-terminated string at gpa is want. */
static void check_string(const struct vm *vm, uint64_t gpa, const char *want)
{
	const char *s = vm_guest_ptr(vm, gpa, strlen(want) + 1);

	FUZZ_CHECK(s && strcmp(s, want) == 0);
}

/* The memory map adds up to all RAM but the EBDA's top 1 KiB below 640K
 * and the 384 KiB up to 1 MiB; entries come in address order. */
static void check_mmap(const struct vm *vm, uint32_t addr, uint32_t length)
{
	uint64_t ram = 0, last_end = 0;

	FUZZ_CHECK(length % 24 == 0 && length / 24 <= MB_MMAP_MAX);
	for (uint32_t off = 0; off < length; off += 24) {
		const uint8_t *e = vm_guest_ptr(vm, addr + off, 24);
		uint64_t base, len;
		uint32_t type;

		FUZZ_CHECK(e && ram32(vm, addr + off) == 20);
		memcpy(&base, e + 4, 8);
		memcpy(&len, e + 12, 8);
		memcpy(&type, e + 20, 4);
		FUZZ_CHECK(base >= last_end && len > 0);
		last_end = base + len;
		if (type == E820_RAM)
			ram += len;
	}
	FUZZ_CHECK(ram == vm->mem_size - MB_BIOS_AREA_END + 0x9fc00);
}

static void check_info(const struct vm *vm, const struct boot_plan *plan,
		       const struct mb_case *c)
{
	const struct multiboot_kernel *k = &plan->mb;
	uint32_t info = k->info_addr, flags = ram32(vm, info);
	uint32_t mods = ram32(vm, info + 24);

	FUZZ_CHECK((flags & 0x245) == 0x245); /* mem, cmdline, mmap, name */
	FUZZ_CHECK(ram32(vm, info + 8) ==
		   (vm->mem_size - vm->high_size - MB_BIOS_AREA_END) / 1024);
	check_string(vm, ram32(vm, info + 16), plan->cmdline);
	FUZZ_CHECK(ram32(vm, info + 20) == (uint32_t)c->nmods && k->nr_modules == c->nmods);
	check_mmap(vm, ram32(vm, info + 48), ram32(vm, info + 44));
	for (int i = 0; i < c->nmods; i++) {
		uint32_t start = ram32(vm, mods + 16u * i), end = ram32(vm, mods + 16u * i + 4);
		const uint8_t *bytes = vm_guest_ptr(vm, start, c->mods[i].len);

		FUZZ_CHECK(start % 0x1000 == 0 && end - start == c->mods[i].len);
		FUZZ_CHECK(start >= k->load_end && bytes);
		FUZZ_CHECK(memcmp(bytes, c->mods[i].data, c->mods[i].len) == 0);
		char want[128]; /* the path and the arguments, commas single again */

		snprintf(want, sizeof(want), "/proc/self/fd/%d%s%s", c->mods[i].fd,
			 c->mods[i].args[0] ? " " : "", c->mods[i].args);
		check_string(vm, ram32(vm, mods + 16u * i + 8), want);
	}
}

/* Read from the image on its own, not through the loader's parse: the last
 * loadable segment is in RAM byte for byte, its BSS zero. */
static void check_last_segment(const struct vm *vm, const uint8_t *img)
{
	Elf32_Ehdr eh;
	Elf32_Phdr ph, last = { 0 };

	memcpy(&eh, img, sizeof(eh));
	for (int i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, img + eh.e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_LOAD && ph.p_memsz)
			last = ph;
	}
	uint64_t bss = last.p_memsz - last.p_filesz;
	const uint8_t *dst = vm_guest_ptr(vm, last.p_paddr, last.p_memsz);

	FUZZ_CHECK(dst && memcmp(dst, img + last.p_offset, last.p_filesz) == 0);
	for (uint64_t i = 0; i < bss && i < BSS_CHECKED; i++)
		FUZZ_CHECK(dst[last.p_filesz + i] == 0);
}

static void check_tables(const struct vm *vm, int ncpus)
{
	const uint8_t *mpf = vm_guest_ptr(vm, MPTABLE_ADDR, mptable_size(ncpus));
	const uint8_t *rsdp = vm_guest_ptr(vm, ACPI_RSDP_ADDR, 36);

	FUZZ_CHECK(mpf && memcmp(mpf, "_MP_", 4) == 0 && fuzz_sum8(mpf, 16) == 0);
	FUZZ_CHECK(rsdp && memcmp(rsdp, "RSD PTR ", 8) == 0 && fuzz_sum8(rsdp, 20) == 0);
	FUZZ_CHECK(fuzz_sum8(rsdp, 36) == 0);
}

static void load_and_check(struct image *img, struct boot_plan *plan,
			   const struct mb_case *c)
{
	struct vm vm;
	bool multiboot = multiboot_detect(img->data, img->size) &&
			 !bzimage_detect(img->data, img->size);

	if (fuzz_vm_open(&vm, plan->mem_size) < 0)
		return;
	/* Accepted by check(): nothing about the image may fail now. */
	FUZZ_CHECK(plan->proto->load(&vm, img, plan) == 0);
	if (multiboot) {
		check_info(&vm, plan, c);
		check_last_segment(&vm, img->data);
		check_tables(&vm, plan->nr_vcpus);
	}
	fuzz_vm_close(&vm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb_case c;
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
