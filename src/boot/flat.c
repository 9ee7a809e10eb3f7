/* Both flat protocols share one check and one GDT/IDT writer, so both
 * refuse the same files: a kernel with a header of its own, or bytes at
 * --load over the tables or past RAM. --long-mode maps only the 2 MiB
 * pages that are RAM, so the hole below 4 GiB stays unmapped. */
#include "flat.h"

#include <errno.h>
#include <string.h>

#include "../err.h"
#include "../x86.h"
#include "boot.h"
#include "bzimage.h"
#include "le.h"
#include "minikvm/abi.h"
#include "multiboot.h"

#define PAGE 0x1000u
#define GIB (1ull << 30)

/* What both protocols check: a flat binary, not a kernel with a header of
 * its own; the file at --load clear of the GDT, IDT and page tables; an
 * entry the guest can reach. */
static int check_flat(const struct image *img, const struct options *o,
		      struct boot_plan *plan, const char *option, uint64_t tables_end)
{
	uint64_t load = o->load_given ? o->load_addr : FLAT_LOAD_DEFAULT;
	uint64_t idt_end = FLAT_IDT_ADDR + FLAT_IDT_LIMIT + 1;

	if (multiboot_detect(img->data, img->size) || bzimage_detect(img->data, img->size))
		return throw_err(STATUS_BAD_INPUT,
				 "%s: a %s kernel, but %s boots flat binaries; leave %s out to boot it as a kernel",
				 img->path,
				 bzimage_detect(img->data, img->size) ? "Linux" : "multiboot",
				 option, option);
	if (plan->mem_size < tables_end)
		return throw_err(STATUS_BAD_INPUT,
				 "%s: %s needs at least %llu KiB of RAM for its page tables; --mem gives %llu KiB",
				 img->path, option, (unsigned long long)(tables_end >> 10),
				 (unsigned long long)(plan->mem_size >> 10));
	if (load < idt_end || load > plan->mem_size || img->size > plan->mem_size - load ||
	    (load < tables_end && load + img->size > FLAT_TABLES_ADDR))
		return throw_err(STATUS_BAD_INPUT,
				 "%s: %zu bytes at --load 0x%llx overlap the GDT/IDT (0x%x-0x%llx), the page tables (0x%x-0x%llx) or the end of RAM (0x%llx)",
				 img->path, img->size, (unsigned long long)load,
				 FLAT_GDT_ADDR, (unsigned long long)idt_end, FLAT_TABLES_ADDR,
				 (unsigned long long)tables_end,
				 (unsigned long long)plan->mem_size);
	plan->load_addr = load;
	return 0;
}

/* GDT at 0x500 (null, code, data) and 256 zeroed IDT gates after it. */
static int write_descriptor_tables(struct vm *vm, enum x86_seg_mode code_mode)
{
	uint64_t gdt[FLAT_GDT_ENTRIES] = {
		0,
		x86_gdt_entry(X86_SEG_CODE_RX, code_mode),
		x86_gdt_entry(X86_SEG_DATA_RW, X86_SEG_FLAT32),
	};
	uint8_t *g = vm_guest_ptr(vm, FLAT_GDT_ADDR, sizeof(gdt));
	uint8_t *idt = vm_guest_ptr(vm, FLAT_IDT_ADDR, FLAT_IDT_LIMIT + 1);

	if (!g || !idt)
		return throw_err(-1, "no guest memory for the GDT and IDT");
	memcpy(g, gdt, sizeof(gdt));
	memset(idt, 0, FLAT_IDT_LIMIT + 1);
	return 0;
}

static int copy_image(struct vm *vm, const struct image *img, const struct boot_plan *plan)
{
	uint8_t *dst = vm_guest_ptr(vm, plan->load_addr, img->size);

	if (!dst)
		return throw_err(-1, "%s: image does not fit in guest memory", img->path);
	memcpy(dst, img->data, img->size);
	return 0;
}

static void set_descriptor_registers(struct kvm_sregs *s, enum x86_seg_mode code_mode)
{
	s->cs = x86_segment(FLAT_CODE_SEL, X86_SEG_CODE_RX, code_mode);
	s->ds = x86_segment(FLAT_DATA_SEL, X86_SEG_DATA_RW, X86_SEG_FLAT32);
	s->es = s->fs = s->gs = s->ss = s->ds;
	s->gdt.base = FLAT_GDT_ADDR;
	s->gdt.limit = FLAT_GDT_ENTRIES * 8 - 1;
	s->idt.base = FLAT_IDT_ADDR;
	s->idt.limit = FLAT_IDT_LIMIT;
}

static int set_entry_regs(struct vcpu *v, uint64_t rip, uint64_t rsp)
{
	struct kvm_regs regs;

	memset(&regs, 0, sizeof(regs));
	regs.rip = rip;
	regs.rsp = rsp;
	regs.rflags = X86_RFLAGS_FIXED;
	if (vcpu_set_regs(v, &regs) < 0)
		return throw_err(-1, "KVM_SET_REGS:");
	return 0;
}

/* --- --paging ---------------------------------------------------------- */

static bool p32_mapped(uint64_t va)
{
	return va < P32_MAPPED_SIZE ||
	       (va >= P32_HIGH_BASE && va < P32_HIGH_BASE + P32_MAPPED_SIZE);
}

int paging32_check(const struct image *img, const struct options *o,
		   struct boot_plan *plan)
{
	if (check_flat(img, o, plan, "--paging", P32_TABLES_END))
		return STATUS_BAD_INPUT;
	plan->entry = o->entry_given ? o->entry_addr : P32_ENTRY_DEFAULT;
	if (!p32_mapped(plan->entry))
		return throw_err(STATUS_BAD_INPUT,
				 "%s: --entry 0x%llx is not mapped by the --paging page tables (0-0x%x and 0x%x-0x%x)",
				 img->path, (unsigned long long)plan->entry,
				 P32_MAPPED_SIZE - 1, P32_HIGH_BASE,
				 P32_HIGH_BASE + P32_MAPPED_SIZE - 1);
	return 0;
}

int paging32_load(struct vm *vm, const struct image *img, const struct boot_plan *plan)
{
	uint8_t *pt = vm_guest_ptr(vm, P32_PAGE_DIR, P32_TABLES_END - P32_PAGE_DIR);
	const uint32_t flags = X86_PTE_PRESENT | X86_PTE_WRITE;

	if (!pt)
		return throw_err(-1, "no guest memory for the page tables");
	memset(pt, 0, P32_TABLES_END - P32_PAGE_DIR);
	wr32(pt, 0, P32_LOW_TABLE | flags);
	wr32(pt, (P32_HIGH_BASE >> 22) * 4, P32_HIGH_TABLE | flags);
	/* Both tables map the same 1024 pages: physical 0-4 MiB. */
	for (uint32_t i = 0; i < P32_MAPPED_SIZE / PAGE; i++) {
		wr32(pt, P32_LOW_TABLE - P32_PAGE_DIR + i * 4, i * PAGE | flags);
		wr32(pt, P32_HIGH_TABLE - P32_PAGE_DIR + i * 4, i * PAGE | flags);
	}
	if (write_descriptor_tables(vm, X86_SEG_FLAT32) < 0)
		return -1;
	return copy_image(vm, img, plan);
}

int paging32_setup_vcpu(struct vcpu *v, const struct boot_plan *plan)
{
	struct kvm_sregs sregs;

	if (vcpu_get_sregs(v, &sregs) < 0)
		return throw_err(-1, "KVM_GET_SREGS:");
	set_descriptor_registers(&sregs, X86_SEG_FLAT32);
	sregs.cr3 = P32_PAGE_DIR;
	sregs.cr4 = 0;
	sregs.cr0 = X86_CR0_PG | X86_CR0_ET | X86_CR0_PE;
	sregs.efer = 0;
	if (vcpu_set_sregs(v, &sregs) < 0 || vcpu_get_sregs(v, &sregs) < 0)
		return throw_err(-1, "KVM_SET_SREGS:");
	/* A KVM that cannot run 32-bit paging drops PG here and would shut
	 * the guest down at its first instruction: say so before it runs. */
	if (!(sregs.cr0 & X86_CR0_PG)) {
		errno = ENOTSUP;
		return throw_err(-1, "this host's KVM refuses 32-bit paging (CR0.PG did not stick); --paging guests need hardware KVM");
	}
	return set_entry_regs(v, plan->entry, 0);
}

/* --- --long-mode ------------------------------------------------------- */

static uint64_t gib_count(uint64_t mem_size)
{
	return (mem_size + GIB - 1) / GIB;
}

uint64_t longmode_tables_size(uint64_t mem_size)
{
	return (LM_PD_FIRST - LM_PML4) + gib_count(vm_ram_end_for(mem_size)) * PAGE;
}

int longmode_check(const struct image *img, const struct options *o,
		   struct boot_plan *plan)
{
	if (plan->mem_size % LM_PAGE_SIZE)
		return throw_err(STATUS_USAGE,
				 "--mem %llu KiB: --long-mode maps RAM with 2 MiB pages, so it must be a multiple of 2M",
				 (unsigned long long)(plan->mem_size >> 10));
	if (check_flat(img, o, plan, "--long-mode",
		       LM_PML4 + longmode_tables_size(plan->mem_size)))
		return STATUS_BAD_INPUT;
	plan->entry = o->entry_given ? o->entry_addr : plan->load_addr;
	if (plan->entry >= plan->mem_size)
		return throw_err(STATUS_BAD_INPUT, "%s: --entry 0x%llx lies outside the %llu MiB of RAM",
				 img->path, (unsigned long long)plan->entry,
				 (unsigned long long)(plan->mem_size >> 20));
	return 0;
}

int longmode_load(struct vm *vm, const struct image *img, const struct boot_plan *plan)
{
	uint64_t size = longmode_tables_size(vm->mem_size);
	uint8_t *pt = vm_guest_ptr(vm, LM_PML4, size);
	const uint64_t flags = X86_PTE_PRESENT | X86_PTE_WRITE;

	if (!pt)
		return throw_err(-1, "no guest memory for the page tables");
	memset(pt, 0, size);
	wr64(pt, 0, LM_PDPT | flags);
	/* Every 2 MiB page that is RAM, below the PC hole and above it. */
	for (uint64_t gib = 0; gib < gib_count(vm_ram_end_for(vm->mem_size)); gib++) {
		uint64_t pd = LM_PD_FIRST + gib * PAGE;

		wr64(pt, LM_PDPT - LM_PML4 + gib * 8, pd | flags);
		for (uint64_t j = 0; j < 512; j++) {
			uint64_t phys = gib * GIB + j * LM_PAGE_SIZE;

			if (vm_guest_ptr(vm, phys, LM_PAGE_SIZE))
				wr64(pt, pd - LM_PML4 + j * 8, phys | flags | X86_PTE_HUGE);
		}
	}
	if (write_descriptor_tables(vm, X86_SEG_CODE64) < 0)
		return -1;
	return copy_image(vm, img, plan);
}

int longmode_setup_vcpu(struct vcpu *v, const struct boot_plan *plan)
{
	struct kvm_sregs sregs;

	if (vcpu_get_sregs(v, &sregs) < 0)
		return throw_err(-1, "KVM_GET_SREGS:");
	set_descriptor_registers(&sregs, X86_SEG_CODE64);
	sregs.cr3 = LM_PML4;
	sregs.cr4 = X86_CR4_PAE;
	sregs.cr0 = X86_CR0_PG | X86_CR0_ET | X86_CR0_PE;
	sregs.efer = X86_EFER_LME | X86_EFER_LMA;
	if (vcpu_set_sregs(v, &sregs) < 0)
		return throw_err(-1, "KVM_SET_SREGS:");
	return set_entry_regs(v, plan->entry, vm_ram_end_for(plan->mem_size));
}
