/* Fuzz target: the vmlinux ELF loader's two rows (PVH and 64-bit entry),
 * from --kernel and --initrd files (memfds) through the boot table, with
 * --boot-entry. Beyond not crashing: an image boot_prepare() accepts must
 * load, and guest RAM must hold what vmlinux.h, pvh.h and the boot
 * protocols promise, worked out here from the file's own program headers:
 * every PT_LOAD segment's file bytes at p_paddr, at or above 1 MiB, with a
 * zero BSS, none overlapping; the entry (the PVH note's, or e_entry) inside
 * a segment's file bytes; the command line cut to 2047 bytes; the initrd
 * page-aligned above the kernel; for PVH an hvm_start_info (magic, version
 * 1, command line, RSDP, memory map adding up to RAM, the initrd as module
 * 0), for elf64 a zero page (boot flag, HdrS, loader fields, e820); the
 * identity page tables and an MP table with one processor per vCPU.
 *
 * Input: mem choice, smp, flags (bit 0 --append, bit 1 --initrd, bits 2-3
 * --boot-entry: none, pvh, elf64, none), the command line, the initrd
 * (u16 size, bytes), then the kernel image. */
#include <elf.h>
#include <string.h>

#include "../../src/boot/boot.h"
#include "../../src/boot/le.h"
#include "../../src/boot/mptable.h"
#include "../../src/boot/pvh.h"
#include "../../src/boot/vmlinux.h"
#include "linux_checks.h"
#include "support.h"

/* Program header i of an accepted image: the table lies in the file. */
static Elf64_Phdr phdr(const struct linux_case *c, const Elf64_Ehdr *eh, int i)
{
	Elf64_Phdr ph;
	uint64_t off = eh->e_phoff + (uint64_t)i * sizeof(ph);

	FUZZ_CHECK(eh->e_phentsize == sizeof(ph) && off + sizeof(ph) <= c->image_len);
	memcpy(&ph, c->image + off, sizeof(ph));
	return ph;
}

/* Every loadable segment in RAM as the file says, the entry among their
 * file bytes, kernel_start/kernel_end their extent. */
static void check_segments(const struct vm *vm, const struct vmlinux *k,
			   const struct linux_case *c)
{
	Elf64_Ehdr eh;
	uint64_t start = UINT64_MAX, end = 0;
	bool entry_in = false;

	FUZZ_CHECK(c->image_len >= sizeof(eh));
	memcpy(&eh, c->image, sizeof(eh));
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph = phdr(c, &eh, i);

		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		FUZZ_CHECK(ph.p_paddr >= BZ_KERNEL_ADDR && ph.p_filesz <= ph.p_memsz);
		FUZZ_CHECK(ph.p_offset <= c->image_len && ph.p_filesz <= c->image_len - ph.p_offset);
		const uint8_t *at = fuzz_ram(vm, ph.p_paddr, ph.p_memsz);

		FUZZ_CHECK(memcmp(at, c->image + ph.p_offset, ph.p_filesz) == 0);
		for (uint64_t b = ph.p_filesz; b < ph.p_memsz && b < ph.p_filesz + 64; b++)
			FUZZ_CHECK(at[b] == 0); /* the BSS: nothing else lands there */
		FUZZ_CHECK(at[ph.p_memsz - 1] == (ph.p_filesz == ph.p_memsz ?
							  c->image[ph.p_offset + ph.p_filesz - 1] : 0));
		entry_in |= k->entry >= ph.p_paddr && k->entry - ph.p_paddr < ph.p_filesz;
		start = ph.p_paddr < start ? ph.p_paddr : start;
		end = ph.p_paddr + ph.p_memsz > end ? ph.p_paddr + ph.p_memsz : end;
	}
	FUZZ_CHECK(entry_in && k->kernel_start == start && k->kernel_end == end);
	FUZZ_CHECK(k->pvh || k->entry == eh.e_entry);
	FUZZ_CHECK(end <= vm->mem_size);
}

static void check_initrd(const struct vm *vm, const struct vmlinux *k,
			 const struct linux_case *c)
{
	if (!c->o.initrd) {
		FUZZ_CHECK(k->initrd_addr == 0 && k->initrd_size == 0);
		return;
	}
	FUZZ_CHECK(k->initrd_size == c->initrd_len && k->initrd_addr % 0x1000 == 0);
	FUZZ_CHECK(k->initrd_addr >= k->kernel_end);
	FUZZ_CHECK(k->initrd_addr + k->initrd_size <= vm->mem_size);
	FUZZ_CHECK(memcmp(fuzz_ram(vm, k->initrd_addr, c->initrd_len), c->initrd,
			  c->initrd_len) == 0);
}

static void check_start_info(const struct vm *vm, const struct vmlinux *k)
{
	const uint8_t *si = fuzz_ram(vm, PVH_START_INFO_ADDR, HVM_START_INFO_SIZE);
	uint32_t n = rd32(si, HVM_SI_MEMMAP_ENTRIES);

	FUZZ_CHECK(rd32(si, HVM_SI_MAGIC) == 0x336ec578 && rd32(si, HVM_SI_VERSION) == 1);
	FUZZ_CHECK(rd64(si, HVM_SI_CMDLINE_PADDR) == BZ_CMDLINE_ADDR);
	FUZZ_CHECK(memcmp(fuzz_ram(vm, rd64(si, HVM_SI_RSDP_PADDR), 8), "RSD PTR ", 8) == 0);
	fuzz_check_linux_e820(vm, fuzz_ram(vm, rd64(si, HVM_SI_MEMMAP_PADDR), n * 24ull),
			      (int)n, 24);
	FUZZ_CHECK(rd32(si, HVM_SI_NR_MODULES) == (k->initrd_size ? 1 : 0));
	if (!k->initrd_size)
		return;
	const uint8_t *mod = fuzz_ram(vm, rd64(si, HVM_SI_MODLIST_PADDR), 32);

	FUZZ_CHECK(rd64(mod, 0) == k->initrd_addr && rd64(mod, 8) == k->initrd_size);
}

static void check_zero_page(const struct vm *vm, const struct vmlinux *k)
{
	const uint8_t *zp = fuzz_ram(vm, BZ_ZERO_PAGE_ADDR, 0x1000);

	FUZZ_CHECK(rd16(zp, 0x1fe) == 0xaa55 && memcmp(zp + 0x202, "HdrS", 4) == 0);
	FUZZ_CHECK(zp[0x210] == 0xff && rd32(zp, 0x228) == BZ_CMDLINE_ADDR);
	FUZZ_CHECK(rd32(zp, 0x218) == k->initrd_addr && rd32(zp, 0x21c) == k->initrd_size);
	fuzz_check_linux_e820(vm, zp + 0x2d0, zp[0x1e8], 20);
}

static void check_load(const struct vm *vm, const struct boot_plan *plan,
		       const struct linux_case *c)
{
	const struct vmlinux *k = &plan->vml;

	FUZZ_CHECK(k->pvh == (plan->proto->check == vmlinux_check_pvh));
	FUZZ_CHECK(!k->pvh || k->entry <= UINT32_MAX);
	FUZZ_CHECK(c->o.boot_entry != BOOT_ENTRY_PVH || k->pvh);
	FUZZ_CHECK(c->o.boot_entry != BOOT_ENTRY_ELF64 || !k->pvh);
	check_segments(vm, k, c);
	check_initrd(vm, k, c);
	fuzz_check_linux_cmdline(vm, plan->cmdline, VML_CMDLINE_MAX);
	if (k->pvh)
		check_start_info(vm, k);
	else
		check_zero_page(vm, k);
	fuzz_check_linux_page_tables(vm);
	fuzz_check_mptable(vm, plan->nr_vcpus);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum boot_entry entries[] = {
		BOOT_ENTRY_AUTO, BOOT_ENTRY_PVH, BOOT_ENTRY_ELF64, BOOT_ENTRY_AUTO,
	};
	struct linux_case c;

	if (linux_case_decode(&c, data, size, 0x1000) == 0) {
		c.o.boot_entry = entries[(c.flags >> 2) & 3];
		linux_case_run(&c, vmlinux_detect, check_load);
	}
	linux_case_release(&c);
	return 0;
}
