/* The hypercall port (0x500): a guest writes a call number with OUT and
 * passes arguments in RBX/RCX; an IN reads back the last GETCHAR's byte,
 * as the reference's guests expect. ABI in docs/guest-abi.md; the numbers
 * in include/minikvm/abi.h. */
#ifndef MINIKVM_DEV_HYPERCALL_H
#define MINIKVM_DEV_HYPERCALL_H

#include <stdint.h>

#include "../bus.h"
#include "../console.h"
#include "../vm.h"
#include "minikvm/abi.h"

#define HC_GETCHAR_EOF UINT64_MAX

struct hypercall_dev {
	const struct vm *vm; /* PUTS reads only this VM's RAM */
	struct console_out *out;
	struct console_in *in;
	/* MINIKVM_TEST_FORBIDDEN_CALL, read at set-up: each call makes a
	 * system call the sandbox forbids, for its test (sandbox.h). */
	int test_forbidden_call;
};

/* What a call asks the vCPU loop to do, decided without touching the vCPU,
 * so the decoder can be tested without /dev/kvm. */
struct hc_result {
	enum { HC_CONTINUE, HC_SET_RAX, HC_GUEST_EXIT, HC_BAD_CALL } action;
	uint64_t value; /* RAX for HC_SET_RAX, status for HC_GUEST_EXIT */
	char error[128];
};

void hypercall_init(struct hypercall_dev *hc, const struct vm *vm,
		    struct console_out *out, struct console_in *in);
int hypercall_register(struct hypercall_dev *hc, struct bus *pio);
struct hc_result hypercall_dispatch(struct hypercall_dev *hc, uint64_t nr,
				    uint64_t rbx, uint64_t rcx);
/* "PUTCHAR" for HC_PUTCHAR, ...; NULL for an unknown number. */
const char *hypercall_name(uint64_t nr);

#endif
