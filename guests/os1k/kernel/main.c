/* os1k's entry from the architecture's boot code (arch/.../boot.S), with
 * interrupts off: in flat 32-bit protected mode without paging on i386, in
 * long mode with all RAM mapped on x86-64. */
#include <stdarg.h>
#include "arch.h"
#include "fmt.h"
#include "os1k/programs.h"
#include "proc.h"

#define MULTIBOOT_MAGIC		0x2BADB002
#define MBI_MEM			(1u << 0)
#define MBI_CMDLINE		(1u << 2)

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;	/* KiB below 640K, KiB from 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;		/* physical address of a C string */
};

extern char _kernel_end[];		/* kernel.ld */

static char cmdline[256];

/* The command line is "path-of-kernel option option ..."; unknown words
 * (the path among them) are ignored. */
static void parse_cmdline(void)
{
	for (char *w = cmdline; *w;) {
		char *e = w;

		while (*e && *e != ' ')
			e++;
		if (e - w == 17 && !memcmp(w, "console=hypercall", 17))
			console_use_hypercall();
		for (w = e; *w == ' '; w++)
			;
	}
}

void panic(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vformat(buf, sizeof buf, fmt, ap);
	va_end(ap);
	kprintf("os1k: panic: %s\n", buf);
	machine_exit(EXIT_PANIC);
}

NORETURN void kmain(uint32_t magic, uint32_t mbi_phys);

void kmain(uint32_t magic, uint32_t mbi_phys)
{
	const struct multiboot_info *mbi = (const void *)(uintptr_t)mbi_phys;

	console_init();
	if (magic != MULTIBOOT_MAGIC)
		panic("not started by a multiboot boot loader (EAX 0x%x)", magic);
	if (!(mbi->flags & MBI_MEM))
		panic("the boot loader gave no memory size");
	if (mbi->flags & MBI_CMDLINE) {
		/* Copied now: the boot loader's memory is free RAM to us. */
		const char *s = (const char *)(uintptr_t)mbi->cmdline;
		size_t n = 0;

		while (n < sizeof cmdline - 1 && s[n])
			n++;
		memcpy(cmdline, s, n);
		parse_cmdline();
	}
	unsigned long mem_kib = 1024UL + mbi->mem_upper;
	uintptr_t mem_top = mem_kib < KERNEL_MEM_MAX / 1024 ? mem_kib * 1024 : KERNEL_MEM_MAX;

	if (nprograms != NPROGRAMS)
		panic("%lu programs embedded, %d expected", nprograms, NPROGRAMS);
	arch_cpu_init();
	arch_paging_init(mem_top);
	if (mem_top < (uintptr_t)_kernel_end + 64 * PAGE_SIZE)
		panic("too little memory (%lu KiB)", mem_kib);
	mm_init((uintptr_t)_kernel_end, mem_top);
	irq_init();
	tty_init();
	/* Rounded: loaders differ in what they keep for themselves at the top
	 * (QEMU reports 128 KiB less than kvm-vmm for the same size). */
	kprintf("os1k: %lu MiB RAM, %lu programs, timer %u Hz\n",
		(unsigned long)((mem_top + (1 << 19)) >> 20), nprograms, HZ);
	proc_start_init();
}
