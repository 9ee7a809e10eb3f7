/* How a vCPU's run ends: a stop or a fault, reported in one write with the
 * registers where it helps; a guest's own status request; and the no-BIOS
 * diagnosis of a real-mode guest that called one. The run loop (vcpu.c)
 * and the devices end runs only through these. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "status.h"
#include "vcpu.h"
#include "x86.h"

void vcpu_format_regs(struct vcpu *v, char *buf, size_t size)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	int n;

	if (vcpu_get_regs(v, &r) < 0 || vcpu_get_sregs(v, &s) < 0) {
		snprintf(buf, size, "  (registers unavailable: %s)\n", strerror(errno));
		return;
	}
	n = snprintf(buf, size,
		     "  rip %016llx  rsp %016llx  rflags %016llx\n"
		     "  rax %016llx  rbx %016llx  rcx %016llx  rdx %016llx\n"
		     "  rsi %016llx  rdi %016llx  rbp %016llx\n"
		     "  r8  %016llx  r9  %016llx  r10 %016llx  r11 %016llx\n"
		     "  r12 %016llx  r13 %016llx  r14 %016llx  r15 %016llx\n",
		     r.rip, r.rsp, r.rflags, r.rax, r.rbx, r.rcx, r.rdx, r.rsi,
		     r.rdi, r.rbp, r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14,
		     r.r15);
	if (n < 0 || (size_t)n >= size)
		return;
	snprintf(buf + n, size - (size_t)n,
		 "  cs %04x (base %08llx)  ds %04x  es %04x  ss %04x  fs %04x  gs %04x\n"
		 "  cr0 %08llx  cr2 %016llx  cr3 %016llx  cr4 %08llx  efer %llx\n",
		 s.cs.selector, s.cs.base, s.ds.selector, s.es.selector,
		 s.ss.selector, s.fs.selector, s.gs.selector, s.cr0, s.cr2,
		 s.cr3, s.cr4, s.efer);
}

/* A real-mode guest stopped in the 64 KiB below its image, with CS = 0,
 * got there through the zeroed vector table: say so under the registers. */
static void explain_below_image(struct vcpu *v, char *msg, size_t size)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	size_t n = strlen(msg);

	if (vcpu_get_regs(v, &r) < 0 || vcpu_get_sregs(v, &s) < 0)
		return;
	if ((s.cr0 & X86_CR0_PE) || s.cs.selector != 0 || s.cs.base + r.rip >= REAL_LOAD_ADDR)
		return;
	snprintf(msg + n, size - n,
		 "  it runs at 0000:%04llx, below its image: an `int` jumped through the zeroed interrupt vector table; no BIOS is provided (docs/guest-abi.md)\n",
		 (unsigned long long)r.rip);
}

static void end_run(struct vcpu *v, int status, const char *outcome,
		    bool with_regs, const char *fmt, va_list ap)
{
	v->stopped = true;
	v->status = status;
	snprintf(v->outcome, sizeof(v->outcome), "%s", outcome);
	if (!fmt)
		return;

	char msg[2048];
	int n = snprintf(msg, sizeof(msg), "kvm-vmm: %s: ", v->name);

	n += vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	if (n < (int)sizeof(msg) - 1)
		msg[n++] = '\n';
	msg[n < (int)sizeof(msg) ? n : (int)sizeof(msg) - 1] = 0;
	if (with_regs && n < (int)sizeof(msg))
		vcpu_format_regs(v, msg + n, sizeof(msg) - (size_t)n);
	if (with_regs && v->no_bios)
		explain_below_image(v, msg, sizeof(msg));
	/* One write, so a report is never split by another guest's. */
	if (write(STDERR_FILENO, msg, strlen(msg)) < 0)
		return;
}

void vcpu_stop(struct vcpu *v, int status, const char *outcome, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	end_run(v, status, outcome, false, fmt, ap);
	va_end(ap);
}

void vcpu_fault(struct vcpu *v, int status, const char *outcome, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	end_run(v, status, outcome, true, fmt, ap);
	va_end(ap);
}

void vcpu_guest_exit(struct vcpu *v, const char *how, uint64_t value,
		     uint64_t requested)
{
	int status = v->qemu_statuses ? (int)(requested & 0xff) : status_from_guest(requested);
	char outcome[40];

	snprintf(outcome, sizeof(outcome), "%s %llu", how, (unsigned long long)value);
	v->guest_status = true;
	if ((uint64_t)status != requested && !v->qemu_statuses)
		vcpu_stop(v, status, outcome,
			  "guest asked for exit status %llu (%s %llu); 120 and up are kvm-vmm's own, so it is reported as %d",
			  (unsigned long long)requested, how, (unsigned long long)value,
			  status);
	else
		vcpu_stop(v, status, outcome, NULL);
}

void vcpu_trap_null_vector(struct vcpu *v)
{
	struct kvm_guest_debug dbg = {
		.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP,
	};

	v->no_bios = true;
	dbg.arch.debugreg[0] = 0;
	dbg.arch.debugreg[7] = X86_DR7_L0;
	/* Best effort: without the breakpoint the report still explains. */
	if (ioctl(v->fd, KVM_SET_GUEST_DEBUG, &dbg) < 0)
		return;
}

/* The guest reached 0000:0000. An `int n` pushed FLAGS, CS and IP; the
 * two bytes before that IP say which vector it called. */
void vcpu_report_no_bios(struct vcpu *v)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	char what[64] = "an interrupt";

	if (vcpu_get_regs(v, &r) == 0 && vcpu_get_sregs(v, &s) == 0) {
		const uint8_t *frame = vm_guest_ptr(v->vm, s.ss.base + (r.rsp & 0xffff), 4);
		uint16_t ip, cs;

		if (frame) {
			memcpy(&ip, frame, 2);
			memcpy(&cs, frame + 2, 2);
			const uint8_t *insn = vm_guest_ptr(v->vm, ((uint64_t)cs << 4) + ip - 2, 2);

			if (insn && insn[0] == 0xcd)
				snprintf(what, sizeof(what), "int 0x%02x at %04x:%04x",
					 insn[1], cs, (uint16_t)(ip - 2));
		}
	}
	vcpu_fault(v, STATUS_GUEST_FAULT, "no BIOS",
		   "%s jumped through the zeroed interrupt vector table to 0000:0000: no BIOS is provided (docs/guest-abi.md)",
		   what);
}

