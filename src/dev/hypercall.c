/* The device holds nothing that changes, so it takes no lock: GETCHAR's
 * byte is kept in the vCPU, and each vCPU's IN reads back its own. An
 * unknown call or a PUTS outside guest RAM ends the run with the bad
 * hypercall status rather than being skipped. */
#include "hypercall.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../sandbox.h"
#include "../vcpu.h"

void hypercall_init(struct hypercall_dev *hc, const struct vm *vm,
		    struct console_out *out, struct console_in *in)
{
	hc->vm = vm;
	hc->out = out;
	hc->in = in;
	hc->test_forbidden_call = sandbox_test_hook_from_env();
}

static struct hc_result __attribute__((format(printf, 1, 2)))
bad_call(const char *fmt, ...)
{
	struct hc_result r = { .action = HC_BAD_CALL };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r.error, sizeof(r.error), fmt, ap);
	va_end(ap);
	return r;
}

const char *hypercall_name(uint64_t nr)
{
	static const char *const names[] = {
		[HC_EXIT] = "EXIT", [HC_PUTCHAR] = "PUTCHAR", [HC_GETCHAR] = "GETCHAR",
		[HC_PUTS] = "PUTS", [HC_VERSION] = "VERSION",
	};

	return nr < sizeof(names) / sizeof(names[0]) ? names[nr] : NULL;
}

struct hc_result hypercall_dispatch(struct hypercall_dev *hc, uint64_t nr,
				    uint64_t rbx, uint64_t rcx)
{
	struct hc_result r = { .action = HC_CONTINUE };
	uint8_t byte;

	switch (nr) {
	case HC_EXIT:
		r.action = HC_GUEST_EXIT;
		r.value = rbx & 0xff;
		break;
	case HC_PUTCHAR:
		byte = (uint8_t)rbx;
		console_out_write(hc->out, &byte, 1);
		break;
	case HC_GETCHAR:
		r.action = HC_SET_RAX;
		r.value = HC_GETCHAR_EOF;
		if (hc->in && console_in_getc(hc->in, &byte, -1) == 1)
			r.value = byte;
		break;
	case HC_PUTS: {
		/* The address and length are the guest's 32-bit EBX and ECX. */
		uint64_t gpa = (uint32_t)rbx, len = (uint32_t)rcx;
		const void *src = vm_guest_ptr(hc->vm, gpa, len);

		if (!src)
			return bad_call("PUTS of %llu bytes at 0x%llx lies outside guest memory",
					(unsigned long long)len,
					(unsigned long long)gpa);
		console_out_write(hc->out, src, len);
		break;
	}
	case HC_VERSION:
		r.action = HC_SET_RAX;
		r.value = HC_ABI_VERSION;
		break;
	default:
		return bad_call("unknown hypercall number %llu",
				(unsigned long long)nr);
	}
	return r;
}

static void hypercall_io(void *opaque, struct vcpu *vcpu, uint64_t offset,
			 void *data, uint32_t len, bool is_write)
{
	struct hypercall_dev *hc = opaque;
	struct kvm_regs regs;
	uint64_t nr = 0;

	(void)offset;
	if (hc->test_forbidden_call)
		sandbox_test_forbidden_call(hc->test_forbidden_call);
	/* The reference's guests fetch GETCHAR's byte this way. */
	if (!is_write) {
		memcpy(data, &vcpu->getchar_result, len < 8 ? len : 8);
		return;
	}
	memcpy(&nr, data, len < sizeof(nr) ? len : sizeof(nr));
	if (vcpu_get_exit_regs(vcpu, &regs) < 0) {
		vcpu_fault(vcpu, STATUS_GUEST_FAULT, "KVM_GET_REGS failed",
			   "hypercall: KVM_GET_REGS failed");
		return;
	}

	struct hc_result r = hypercall_dispatch(hc, nr, regs.rbx, regs.rcx);

	switch (r.action) {
	case HC_CONTINUE:
		break;
	case HC_SET_RAX:
		if (nr == HC_GETCHAR)
			vcpu->getchar_result = r.value;
		regs.rax = r.value;
		if (vcpu_set_exit_regs(vcpu, &regs) < 0)
			vcpu_fault(vcpu, STATUS_GUEST_FAULT, "KVM_SET_REGS failed",
				   "hypercall: KVM_SET_REGS failed");
		break;
	case HC_GUEST_EXIT:
		vcpu_guest_exit(vcpu, "exit", r.value, r.value);
		break;
	case HC_BAD_CALL:
		vcpu_fault(vcpu, STATUS_BAD_HYPERCALL, "bad hypercall",
			   "bad hypercall: %s", r.error);
		break;
	}
}

int hypercall_register(struct hypercall_dev *hc, struct bus *pio)
{
	return bus_register(pio, HC_PORT, 1, hypercall_io, hc, "hypercall");
}
