/* Every interrupt and exception ends up in trap(), called by the entry
 * stubs (arch/.../entry.S) with the saved registers.
 *
 * System calls arrive two ways.  On hardware KVM and in QEMU, `int $0x80`
 * from ring 3 goes through IDT vector 0x80 (a DPL-3 gate).  On kvm-pvm, a
 * software KVM, the same instruction raises #UD instead, with the
 * instruction pointer still on the `int`; so the #UD handler looks at the
 * two bytes there and, if they are CD 80, steps over them and does the
 * system call.  Either way syscall() sees the same frame. */
#include "arch.h"
#include "proc.h"

#define VEC_DE		0
#define VEC_UD		6
#define VEC_GP		13
#define VEC_PF		14
#define VEC_SYSCALL	0x80

static const char *const exception_names[32] = {
	"divide error", "debug exception", "NMI", "breakpoint",
	"overflow", "bound range exceeded", "invalid opcode", "device not available",
	"double fault", "coprocessor segment overrun", "invalid TSS", "segment not present",
	"stack fault", "general protection fault", "page fault", "exception 15",
	"x87 floating-point error", "alignment check", "machine check", "SIMD floating-point error",
	"virtualization exception", "control protection exception",
};

static const char *exception_name(unsigned long v)
{
	if (v < ARRAY_SIZE(exception_names) && exception_names[v])
		return exception_names[v];
	return "unexpected exception";
}

static bool from_user(const struct trapframe *tf)
{
	return (tf->cs & 3) == 3;
}

/* Is the faulting user instruction `int $0x80` (CD 80)? */
static bool is_int80(const struct trapframe *tf)
{
	const uint8_t *ip = (const uint8_t *)tf->ip;

	return user_range_ok(tf->ip, 2, false) && ip[0] == 0xcd && ip[1] == 0x80;
}

/* An exception in a user program ends that program, not the system. */
static NORETURN void kill_current(const struct trapframe *tf)
{
	kprintf("[fault] program '%s' (pid %d): %s at 0x%08lx",
		current->name, current->pid, exception_name(tf->vector),
		(unsigned long)tf->ip);
	if (tf->vector == VEC_PF)
		kprintf(" (address 0x%08lx)\n", (unsigned long)read_cr2());
	else if (tf->vector == VEC_GP && tf->error)
		kprintf(" (selector 0x%lx)\n", (unsigned long)tf->error);
	else
		kprintf("\n");
	proc_exit(STATUS_KILLED + (int)tf->vector);
}

static NORETURN void kernel_fault(struct trapframe *tf)
{
	arch_kernel_trap(tf);
	kprintf("os1k: panic: %s (vector %lu, error 0x%lx) in the kernel at 0x%lx",
		exception_name(tf->vector), (unsigned long)tf->vector,
		(unsigned long)tf->error, (unsigned long)tf->ip);
	if (tf->vector == VEC_PF)
		kprintf(", address 0x%lx", (unsigned long)read_cr2());
	kprintf("\n");
	arch_dump_regs(tf);
	machine_exit(EXIT_PANIC);
}

void trap(struct trapframe *tf)
{
	unsigned long v = tf->vector;

	if (v >= IRQ_BASE && v < IRQ_BASE + 16) {
		irq_dispatch((unsigned)(v - IRQ_BASE));
		/* Preempt only programs, never the kernel itself: it runs with
		 * interrupts off and needs no locks. */
		if (from_user(tf) && need_resched)
			proc_yield();
		return;
	}
	if (!from_user(tf))
		kernel_fault(tf);
	if (v == VEC_SYSCALL) {
		syscall(tf);
		return;
	}
	if (v == VEC_UD && is_int80(tf)) {
		tf->ip += 2;
		syscall(tf);
		return;
	}
	kill_current(tf);
}
