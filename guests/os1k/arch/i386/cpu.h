/* i386: 32-bit protected mode, 32-bit paging (4 MiB pages for the kernel,
 * 4 KiB pages for programs).  The registers a trap saves, in the order
 * entry.S pushes them, and the system call register convention. */
#ifndef OS1K_CPU_H
#define OS1K_CPU_H

#include <stdint.h>

#define ARCH_NAME	"i386"
#define KCODE		0x08
#define KDATA		0x10
#define UCODE		(0x18 | 3)
#define UDATA		(0x20 | 3)
#define TSS_SEL		0x28

typedef uint32_t pte_t;

struct trapframe {
	uint32_t edi, esi, ebp, esp_pusha, ebx, edx, ecx, eax;	/* pusha */
	uint32_t gs, fs, es, ds;
	uint32_t vector, error;			/* pushed by the stub */
	uint32_t ip, cs, flags;			/* pushed by the CPU */
	uint32_t sp, ss;			/* only from ring 3 */
};

/* int $0x80: number in EAX, arguments in EBX, ECX, EDX, result in EAX. */
#define TF_SYSNR(tf)		((tf)->eax)
#define TF_ARG0(tf)		((tf)->ebx)
#define TF_ARG1(tf)		((tf)->ecx)
#define TF_ARG2(tf)		((tf)->edx)
#define TF_SETRET(tf, v)	((tf)->eax = (uint32_t)(v))

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
