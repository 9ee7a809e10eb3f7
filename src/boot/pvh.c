/* The PVH entry's boot data and registers (pvh.h), for vmlinux.c. */
#include "pvh.h"

#include <string.h>

#include "../err.h"
#include "../x86.h"
#include "acpi.h"
#include "le.h"

int pvh_write_start_info(struct vm *vm, uint64_t initrd_addr, uint64_t initrd_size)
{
	struct e820_entry map[BZ_E820_ENTRIES];
	int n = linux_e820(vm->mem_size, map);
	uint8_t *si = vm_guest_ptr(vm, PVH_START_INFO_ADDR, HVM_START_INFO_SIZE);
	uint8_t *mm = vm_guest_ptr(vm, PVH_MEMMAP_ADDR, HVM_MEMMAP_ENTRY_SIZE * (size_t)n);
	uint8_t *mod = vm_guest_ptr(vm, PVH_MODLIST_ADDR, HVM_MODLIST_ENTRY_SIZE);

	if (!si || !mm || !mod)
		return throw_err(-1, "no guest memory for the PVH start info");
	memset(si, 0, HVM_START_INFO_SIZE);
	wr32(si, HVM_SI_MAGIC, HVM_START_MAGIC);
	wr32(si, HVM_SI_VERSION, HVM_START_VERSION);
	wr64(si, HVM_SI_CMDLINE_PADDR, BZ_CMDLINE_ADDR);
	wr64(si, HVM_SI_RSDP_PADDR, ACPI_RSDP_ADDR);
	wr64(si, HVM_SI_MEMMAP_PADDR, PVH_MEMMAP_ADDR);
	wr32(si, HVM_SI_MEMMAP_ENTRIES, (uint32_t)n);
	for (int i = 0; i < n; i++) {
		uint8_t *e = mm + HVM_MEMMAP_ENTRY_SIZE * (size_t)i;

		wr64(e, 0, map[i].addr);
		wr64(e, 8, map[i].size);
		wr32(e, 16, map[i].type);
		wr32(e, 20, 0);
	}
	memset(mod, 0, HVM_MODLIST_ENTRY_SIZE);
	if (!initrd_size)
		return 0; /* nr_modules 0, modlist_paddr 0: "not present" */
	wr32(si, HVM_SI_NR_MODULES, 1);
	wr64(si, HVM_SI_MODLIST_PADDR, PVH_MODLIST_ADDR);
	wr64(mod, 0, initrd_addr);
	wr64(mod, 8, initrd_size);
	return 0;
}

int pvh_setup_vcpu(struct vcpu *v, uint64_t entry)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (vcpu_get_sregs(v, &sregs) < 0)
		return throw_err(-1, "KVM_GET_SREGS:");
	sregs.cs = x86_segment(LINUX_CODE32_SEL, X86_SEG_CODE_RX, X86_SEG_FLAT32);
	sregs.ds = x86_segment(LINUX_BOOT_DS, X86_SEG_DATA_RW, X86_SEG_FLAT32);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	/* A busy 32-bit TSS (type 11, a system segment: S = 0). */
	sregs.tr = (struct kvm_segment){ .base = 0, .limit = PVH_TSS_LIMIT, .type = 11,
					 .present = 1 };
	sregs.gdt.base = BZ_GDT_ADDR;
	sregs.gdt.limit = 4 * 8 - 1;
	/* PE; every other writable bit clear (CD and NW too); ET reads 1. */
	sregs.cr0 = X86_CR0_PE | X86_CR0_ET;
	sregs.cr3 = 0;
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (vcpu_set_sregs(v, &sregs) < 0)
		return throw_err(-1, "KVM_SET_SREGS:");

	memset(&regs, 0, sizeof(regs));
	regs.rip = entry;
	regs.rbx = PVH_START_INFO_ADDR;
	regs.rflags = X86_RFLAGS_FIXED; /* IF, TF and VM clear */
	if (vcpu_set_regs(v, &regs) < 0)
		return throw_err(-1, "KVM_SET_REGS:");
	return 0;
}
