#include "realmode.h"

#include <string.h>

#include "../err.h"

uint64_t realmode_max_image(uint64_t mem_size)
{
	return mem_size > REALMODE_LOAD_ADDR ? mem_size - REALMODE_LOAD_ADDR : 0;
}

int realmode_load(struct vm *vm, const struct image *img)
{
	void *dst = vm_guest_ptr(vm, REALMODE_LOAD_ADDR, img->size);

	if (!dst)
		return throw_err(-1, "%s: image does not fit in guest memory", img->path);
	memcpy(dst, img->data, img->size);
	return 0;
}

static void flat_segment(struct kvm_segment *seg)
{
	seg->base = 0;
	seg->selector = 0;
	seg->limit = 0xffff;
}

int realmode_setup_vcpu(struct vcpu *v)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (vcpu_get_sregs(v, &sregs) < 0)
		return throw_err(-1, "KVM_GET_SREGS:");
	/* Reset state is CS=F000 base FFFF0000; everything else already is
	 * real mode, so only the segment bases and selectors change. */
	flat_segment(&sregs.cs);
	flat_segment(&sregs.ds);
	flat_segment(&sregs.es);
	flat_segment(&sregs.fs);
	flat_segment(&sregs.gs);
	flat_segment(&sregs.ss);
	if (vcpu_set_sregs(v, &sregs) < 0)
		return throw_err(-1, "KVM_SET_SREGS:");

	memset(&regs, 0, sizeof(regs));
	regs.rip = REALMODE_LOAD_ADDR;
	regs.rsp = REALMODE_STACK_TOP;
	regs.rflags = 0x2; /* bit 1 is reserved and always set */
	if (vcpu_set_regs(v, &regs) < 0)
		return throw_err(-1, "KVM_SET_REGS:");
	return 0;
}
