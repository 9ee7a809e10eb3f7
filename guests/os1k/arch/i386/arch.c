/* i386 architecture layer: TSS, IDT, paging, address spaces, first frames.
 *
 * The kernel maps all RAM (at most 1 GiB) 1:1 with 4 MiB pages (PSE), so
 * its page directory needs no page tables.  A process's address space is
 * two pages: a page directory starting with a copy of the kernel's entries
 * (supervisor-only) and the one page table of the user window, in entry
 * 256 (0x40000000). */
#include "arch.h"
#include "boot-common.h"

#define IDT_INTR_GATE	0x8e	/* present, DPL 0, 32-bit interrupt gate */
#define IDT_USER_GATE	0xee	/* the same with DPL 3: int $0x80 */
#define TSS_AVAIL	0x89ULL
#define EFLAGS_IF	0x200
#define EFLAGS_RSVD	0x002
#define CPUID_PSE	(1u << 3)
#define USER_PDE	(USER_BASE >> 22)

struct tss32 {
	uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap_base;
};

struct idt_gate {
	uint16_t offset_lo, selector;
	uint8_t zero, type;
	uint16_t offset_hi;
};

struct table_ptr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

extern uint64_t gdt[];
extern const char trap_stubs[], syscall_stub[], trap_return[], paging_enable_insn[];
void paging_enable(uintptr_t page_directory);

static struct tss32 tss;
static struct idt_gate idt[0x81];
static pte_t kernel_pd[1024] __attribute__((aligned(PAGE_SIZE)));
static unsigned kernel_pdes;	/* entries of kernel_pd that map RAM */

static void set_gate(unsigned v, const void *handler, uint8_t type)
{
	uintptr_t a = (uintptr_t)handler;

	idt[v] = (struct idt_gate){
		.offset_lo = (uint16_t)a, .selector = KCODE, .type = type,
		.offset_hi = (uint16_t)(a >> 16),
	};
}

void arch_cpu_init(void)
{
	uint64_t base = (uintptr_t)&tss;
	struct table_ptr idtr = { sizeof idt - 1, (uintptr_t)idt };

	tss.ss0 = KDATA;
	/* No I/O bitmap (its offset is past the limit): ring 3 gets no ports. */
	tss.iomap_base = sizeof tss;
	gdt[TSS_SEL / 8] = (sizeof tss - 1) | (base & 0xffffff) << 16 | TSS_AVAIL << 40 |
			   ((base >> 24) & 0xff) << 56;
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
	uint32_t a = 1, b, c, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
	if (!(d & CPUID_PSE)) {
		kprintf("os1k: this CPU has no 4 MiB pages (CPUID PSE); cannot run kernel-i386.elf\n");
		machine_exit(EXIT_UNSUPPORTED);
	}
	kernel_pdes = (unsigned)(ALIGN_UP(mem_top, 0x400000) >> 22);
	for (unsigned i = 0; i < kernel_pdes; i++)
		kernel_pd[i] = (pte_t)i << 22 | PTE_P | PTE_W | PTE_PS;
	paging_enable((uintptr_t)kernel_pd);
}

/* Only the write to CR0 in paging_enable can get here on purpose: kvm-pvm,
 * a software KVM, runs no 32-bit paging and raises #GP instead. */
void arch_kernel_trap(struct trapframe *tf)
{
	if (tf->vector == 13 && tf->ip == (uintptr_t)paging_enable_insn) {
		kprintf("os1k: this host's KVM cannot run 32-bit paging guests "
			"(CR0.PG without long mode was refused); run kernel-x86_64.elf here, "
			"or use a hardware-virtualization KVM host\n");
		machine_exit(EXIT_UNSUPPORTED);
	}
}

int arch_aspace_new(struct aspace *as)
{
	uintptr_t pd = page_alloc_zeroed(), pt = page_alloc_zeroed();

	if (!pd || !pt) {
		if (pd)
			page_free_zeroed(pd);
		if (pt)
			page_free_zeroed(pt);
		return E_NOMEM;
	}
	memcpy((void *)pd, kernel_pd, kernel_pdes * sizeof(pte_t));
	((pte_t *)pd)[USER_PDE] = pt | PTE_P | PTE_W | PTE_U;
	as->root = pd;
	as->upt = (pte_t *)pt;
	return 0;
}

/* Clears the entries set above, so both pages go back as clean pages. */
void arch_aspace_free(struct aspace *as)
{
	pte_t *pd = (pte_t *)as->root;

	memset(pd, 0, kernel_pdes * sizeof(pte_t));
	pd[USER_PDE] = 0;
	page_free_zeroed((uintptr_t)as->upt);
	page_free_zeroed(as->root);
}

void arch_activate(const struct aspace *as, uintptr_t kstack_top)
{
	tss.esp0 = kstack_top;
	write_cr3(as->root);
}

void arch_use_kernel_aspace(void)
{
	write_cr3((uintptr_t)kernel_pd);
}

uintptr_t arch_prepare_kstack(uintptr_t kstack_top, const struct user_start *us)
{
	struct trapframe *tf = (struct trapframe *)kstack_top - 1;
	uint32_t *sw = (uint32_t *)tf - 5;

	*tf = (struct trapframe){
		.ip = USER_BASE, .cs = UCODE, .flags = EFLAGS_IF | EFLAGS_RSVD,
		.sp = us->sp, .ss = UDATA,
		.ds = UDATA, .es = UDATA, .fs = UDATA, .gs = UDATA,
		.edi = us->zero1, .ecx = us->zero1_len,
		.esi = us->zero2, .edx = us->zero2_len, .ebx = us->entry,
	};
	/* switch_context pops edi, esi, ebx, ebp, then returns. */
	for (int i = 0; i < 4; i++)
		sw[i] = 0;
	sw[4] = (uintptr_t)trap_return;
	return (uintptr_t)sw;
}

void arch_dump_regs(const struct trapframe *tf)
{
	kprintf("eax=%08x ebx=%08x ecx=%08x edx=%08x\n"
		"esi=%08x edi=%08x ebp=%08x esp=%08x\n",
		tf->eax, tf->ebx, tf->ecx, tf->edx, tf->esi, tf->edi, tf->ebp,
		(tf->cs & 3) ? tf->sp : tf->esp_pusha + 36);
	kprintf("eip=%08x eflags=%08x cs=%04x ds=%04x\n",
		tf->ip, tf->flags, tf->cs, tf->ds & 0xffff);
}
