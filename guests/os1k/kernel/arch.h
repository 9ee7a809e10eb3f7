/* What the arch-neutral kernel asks of the architecture layer
 * (arch/i386/, arch/x86_64/).  cpu.h, found through the arch directory on
 * the include path, gives struct trapframe and the register accessors. */
#ifndef OS1K_ARCH_H
#define OS1K_ARCH_H

#include "kernel.h"
#include "cpu.h"
#include "os1k/syscall.h"

/* A process's address space: its root table (CR3) and the one page table
 * that maps the 2 MiB user window (physical addresses == kernel virtual). */
struct aspace {
	uintptr_t root;
	pte_t *upt;
};

/* Where a new process starts: the start page clears [zero1, +zero1_len)
 * and [zero2, +zero2_len) in ring 3 and jumps to entry with sp as stack. */
struct user_start {
	uintptr_t entry, sp;
	uintptr_t zero1, zero1_len, zero2, zero2_len;
};

void arch_cpu_init(void);			/* GDT, TSS, IDT */
void arch_paging_init(uintptr_t mem_top);	/* kernel map; i386 turns paging on */
int arch_aspace_new(struct aspace *as);	/* 0, or E_NOMEM */
void arch_aspace_free(struct aspace *as);	/* every user page already unmapped */
/* User pages: both architectures keep them in one table of 4 KiB entries
 * (as->upt) covering the user window from USER_BASE, so these are common
 * code (kernel/mm.c); only the entry width (pte_t) differs. */
void aspace_map(struct aspace *as, uintptr_t va, uintptr_t pa, bool writable);
void aspace_unmap(struct aspace *as, uintptr_t va);
uintptr_t aspace_phys(const struct aspace *as, uintptr_t va);	/* 0 if unmapped */
void arch_activate(const struct aspace *as, uintptr_t kstack_top);
void arch_use_kernel_aspace(void);
/* Builds a new process's first kernel stack; returns its saved stack pointer. */
uintptr_t arch_prepare_kstack(uintptr_t kstack_top, const struct user_start *us);
/* A fault in ring 0 that the architecture explains itself (i386: paging
 * refused); returns only if it does not recognise it. */
void arch_kernel_trap(struct trapframe *tf);
void arch_dump_regs(const struct trapframe *tf);

/* entry.S */
void switch_context(uintptr_t *save_sp, uintptr_t new_sp);
extern const char ustart[];			/* the start page's code */

#endif
