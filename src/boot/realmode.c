/* Any file is a real-mode binary (the last row of boot.c takes what no
 * other does), so its size is the one thing checked. The vCPU keeps KVM's
 * reset state, already real mode, but for its segments and registers. */
#include "realmode.h"

#include <string.h>

#include "../err.h"
#include "../x86.h"
#include "boot.h"

uint64_t realmode_max_image(uint64_t mem_size)
{
	return mem_size > REAL_LOAD_ADDR ? mem_size - REAL_LOAD_ADDR : 0;
}

int realmode_check(const struct image *img, const struct options *o,
		   struct boot_plan *plan)
{
	(void)o;
	if (img->size > realmode_max_image(plan->mem_size))
		return throw_err(STATUS_BAD_INPUT,
				 "%s: image is %zu bytes, more than the %llu bytes of guest memory above the load address 0x%x",
				 img->path, img->size,
				 (unsigned long long)realmode_max_image(plan->mem_size),
				 REAL_LOAD_ADDR);
	plan->load_addr = REAL_LOAD_ADDR;
	plan->entry = REAL_ENTRY_IP;
	return 0;
}

int realmode_load(struct vm *vm, const struct image *img, const struct boot_plan *plan)
{
	void *dst = vm_guest_ptr(vm, plan->load_addr, img->size);

	if (!dst)
		return throw_err(-1, "%s: image does not fit in guest memory", img->path);
	memcpy(dst, img->data, img->size);
	return 0;
}

int realmode_setup_vcpu(struct vcpu *v, const struct boot_plan *plan)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (vcpu_get_sregs(v, &sregs) < 0)
		return throw_err(-1, "KVM_GET_SREGS:");
	/* The reset state is real mode already; only the segments move. */
	sregs.cs = x86_segment(REAL_SEGMENT, X86_SEG_CODE_RX, X86_SEG_REAL);
	sregs.ds = x86_segment(REAL_SEGMENT, X86_SEG_DATA_RW, X86_SEG_REAL);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	if (vcpu_set_sregs(v, &sregs) < 0)
		return throw_err(-1, "KVM_SET_SREGS:");

	memset(&regs, 0, sizeof(regs));
	regs.rip = plan->entry;
	regs.rsp = REAL_ENTRY_SP;
	regs.rflags = X86_RFLAGS_FIXED;
	if (vcpu_set_regs(v, &regs) < 0)
		return throw_err(-1, "KVM_SET_REGS:");
	vcpu_trap_null_vector(v);
	return 0;
}
