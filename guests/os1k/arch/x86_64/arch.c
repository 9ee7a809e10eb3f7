/* x86-64 architecture layer: TSS, IDT, address spaces, first frames.
 *
 * An address space is four pages: its PML4 and PDPT, whose entry 0 points
 * at the kernel's shared page directory (boot.S) as supervisor-only, and
 * whose entry 1 leads to a page directory and the one page table of the
 * 2 MiB user window at 0x40000000. */
#include "arch.h"
#include "boot-common.h"

#define IDT_INTR_GATE	0x8e	/* present, DPL 0, 64-bit interrupt gate */
#define IDT_USER_GATE	0xee	/* the same with DPL 3: int $0x80 */
#define TSS_AVAIL	0x89ULL
#define RFLAGS_IF	0x200
#define RFLAGS_RSVD	0x002

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __attribute__((packed));

struct idt_gate {
	uint16_t offset_lo, selector;
	uint8_t ist, type;
	uint16_t offset_mid;
	uint32_t offset_hi, reserved;
};

struct table_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern uint64_t gdt[];
extern pte_t boot_pml4[], boot_pdpt[], boot_pd[];
extern const char trap_stubs[], syscall_stub[], trap_return[];

static struct tss64 tss;
static struct idt_gate idt[0x81];

static void set_gate(unsigned v, const void *handler, uint8_t type)
{
	uintptr_t a = (uintptr_t)handler;

	idt[v] = (struct idt_gate){
		.offset_lo = (uint16_t)a, .selector = KCODE, .type = type,
		.offset_mid = (uint16_t)(a >> 16), .offset_hi = (uint32_t)(a >> 32),
	};
}

void arch_cpu_init(void)
{
	uint64_t base = (uintptr_t)&tss;
	struct table_ptr idtr = { sizeof idt - 1, (uintptr_t)idt };

	/* No I/O bitmap (its offset is past the limit): ring 3 gets no ports. */
	tss.iomap_base = sizeof tss;
	gdt[TSS_SEL / 8] = (sizeof tss - 1) | (base & 0xffffff) << 16 | TSS_AVAIL << 40 |
			   ((base >> 24) & 0xff) << 56;
	gdt[TSS_SEL / 8 + 1] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(TSS_SEL));

	/* The stubs are 16 bytes apart inside one 64 KiB block (kernel.ld
	 * checks), so from one gate to the next only the low offset grows by
	 * 16: one add per gate instead of assembling each, which matters
	 * where every ring-0 instruction is emulated. */
	set_gate(0, trap_stubs, IDT_INTR_GATE);
	for (unsigned v = 1; v < 48; v++) {
		idt[v] = idt[v - 1];
		idt[v].offset_lo += 16;
	}
	set_gate(0x80, syscall_stub, IDT_USER_GATE);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void arch_paging_init(uintptr_t mem_top)
{
	(void)mem_top;		/* boot.S mapped all RAM before long mode */
}

int arch_aspace_new(struct aspace *as)
{
	uintptr_t t[4];

	for (unsigned i = 0; i < 4; i++) {
		t[i] = page_alloc_zeroed();
		if (!t[i]) {
			while (i--)
				page_free_zeroed(t[i]);
			return E_NOMEM;
		}
	}
	pte_t *pml4 = (pte_t *)t[0], *pdpt = (pte_t *)t[1], *pd = (pte_t *)t[2];

	pml4[0] = t[1] | PTE_P | PTE_W | PTE_U;
	pdpt[0] = (uintptr_t)boot_pd | PTE_P | PTE_W;		/* the kernel, shared */
	pdpt[USER_BASE >> 30] = t[2] | PTE_P | PTE_W | PTE_U;
	pd[0] = t[3] | PTE_P | PTE_W | PTE_U;
	as->root = t[0];
	as->upt = (pte_t *)t[3];
	return 0;
}

/* Clears the few entries set above, so the tables go back as clean pages. */
void arch_aspace_free(struct aspace *as)
{
	pte_t *pml4 = (pte_t *)as->root;
	pte_t *pdpt = (pte_t *)(pml4[0] & ~0xfffUL);
	pte_t *pd = (pte_t *)(pdpt[USER_BASE >> 30] & ~0xfffUL);

	pml4[0] = 0;
	pdpt[0] = 0;
	pdpt[USER_BASE >> 30] = 0;
	pd[0] = 0;
	page_free_zeroed((uintptr_t)as->upt);
	page_free_zeroed((uintptr_t)pd);
	page_free_zeroed((uintptr_t)pdpt);
	page_free_zeroed((uintptr_t)pml4);
}

void arch_activate(const struct aspace *as, uintptr_t kstack_top)
{
	tss.rsp0 = kstack_top;
	write_cr3(as->root);
}

void arch_use_kernel_aspace(void)
{
	write_cr3((uintptr_t)boot_pml4);
}

uintptr_t arch_prepare_kstack(uintptr_t kstack_top, const struct user_start *us)
{
	struct trapframe *tf = (struct trapframe *)kstack_top - 1;
	uint64_t *sw = (uint64_t *)tf - 7;

	*tf = (struct trapframe){
		.ip = USER_BASE, .cs = UCODE, .flags = RFLAGS_IF | RFLAGS_RSVD,
		.sp = us->sp, .ss = UDATA,
		.rdi = us->zero1, .rcx = us->zero1_len,
		.rsi = us->zero2, .rdx = us->zero2_len, .rbx = us->entry,
	};
	/* switch_context pops r15, r14, r13, r12, rbx, rbp, then returns. */
	for (int i = 0; i < 6; i++)
		sw[i] = 0;
	sw[6] = (uintptr_t)trap_return;
	return (uintptr_t)sw;
}

void arch_kernel_trap(struct trapframe *tf)
{
	(void)tf;
}

void arch_dump_regs(const struct trapframe *tf)
{
	kprintf("rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n"
		"rsi=%016lx rdi=%016lx rbp=%016lx rsp=%016lx\n",
		tf->rax, tf->rbx, tf->rcx, tf->rdx, tf->rsi, tf->rdi, tf->rbp, tf->sp);
	kprintf("r8 =%016lx r9 =%016lx r10=%016lx r11=%016lx\n"
		"r12=%016lx r13=%016lx r14=%016lx r15=%016lx\n",
		tf->r8, tf->r9, tf->r10, tf->r11, tf->r12, tf->r13, tf->r14, tf->r15);
	kprintf("rip=%016lx rflags=%08lx cs=%04lx ss=%04lx\n",
		tf->ip, tf->flags, tf->cs, tf->ss);
}
