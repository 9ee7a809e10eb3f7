/* x86-64: long mode, 4-level paging.  The registers a trap saves, in the
 * order entry.S pushes them, and the system call register convention. */
#ifndef OS1K_CPU_H
#define OS1K_CPU_H

#include <stdint.h>

#define ARCH_NAME	"x86-64"
#define KCODE		0x08
#define KDATA		0x10
#define UCODE		(0x18 | 3)
#define UDATA		(0x20 | 3)
#define TSS_SEL		0x28

typedef uint64_t pte_t;

struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax;
	uint64_t vector, error;			/* pushed by the stub */
	uint64_t ip, cs, flags, sp, ss;		/* pushed by the CPU */
};

/* int $0x80: number in RAX, arguments in RDI, RSI, RDX, result in RAX. */
#define TF_SYSNR(tf)		((tf)->rax)
#define TF_ARG0(tf)		((tf)->rdi)
#define TF_ARG1(tf)		((tf)->rsi)
#define TF_ARG2(tf)		((tf)->rdx)
#define TF_SETRET(tf, v)	((tf)->rax = (uint64_t)(v))

static inline uintptr_t read_cr2(void)
{
	uintptr_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uintptr_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

#endif
