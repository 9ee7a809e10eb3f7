/* The kernel's output: the 16550A UART at COM1, or kvm-vmm's PUTS
 * hypercall (one VM exit per write instead of two per byte) when the
 * command line says console=hypercall.  Also: ending the VM. */
#include <stdarg.h>
#include "arch.h"
#include "fmt.h"
#include "io.h"
#include "proc.h"

/* The 16550A's registers, at UART_COM1_BASE (minikvm/abi.h, via io.h) */
#define UART_THR	(UART_COM1_BASE + 0)
#define UART_IER	(UART_COM1_BASE + 1)
#define UART_DLL	(UART_COM1_BASE + 0)	/* with LCR.DLAB */
#define UART_DLM	(UART_COM1_BASE + 1)
#define UART_LCR	(UART_COM1_BASE + 3)
#define UART_MCR	(UART_COM1_BASE + 4)
#define UART_LSR	(UART_COM1_BASE + 5)
#define LSR_THRE	0x20
#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT2	0x08	/* on a PC, OUT2 connects the UART to IRQ 4 */

/* isa-debug-exit (QEMU, kvm-vmm) at DEBUG_EXIT_PORT (minikvm/abi.h):
 * writing v ends the VM with (v << 1) | 1. */

bool on_kvm_vmm;
static bool use_hypercall;

void console_init(void)
{
	on_kvm_vmm = hc_version() != HC_VERSION;

	/* 115200 8N1, modem lines up.  The FIFOs stay off on purpose: turning
	 * them on flushes the receiver, and a byte of input may already be
	 * waiting in RBR from before we booted. */
	outb(UART_IER, 0);
	outb(UART_LCR, LCR_DLAB);
	outb(UART_DLL, 1);
	outb(UART_DLM, 0);
	outb(UART_LCR, LCR_8N1);
	outb(UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
}

void console_use_hypercall(void)
{
	if (on_kvm_vmm)
		use_hypercall = true;
	else
		kprintf("os1k: console=hypercall needs kvm-vmm; using the UART\n");
}

static void uart_write(const char *s, size_t n)
{
	while (n--) {
		while (!(inb(UART_LSR) & LSR_THRE))
			;	/* a VMM's transmitter is always ready */
		outb(UART_THR, (uint8_t)*s++);
	}
}

void console_write(const char *s, size_t n)
{
	if (use_hypercall)
		hc_puts((uint32_t)(uintptr_t)s, (uint32_t)n);	/* identity-mapped */
	else
		uart_write(s, n);
}

/* A user buffer, already checked against the caller's regions.  PUTS needs
 * physical addresses, so it goes page by page through the page table. */
void console_write_user(const char *uva, size_t n)
{
	if (!use_hypercall) {
		uart_write(uva, n);
		return;
	}
	while (n) {
		uintptr_t va = (uintptr_t)uva;
		size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));

		if (chunk > n)
			chunk = n;
		hc_puts((uint32_t)aspace_phys(&current->as, va), (uint32_t)chunk);
		uva += chunk;
		n -= chunk;
	}
}

void kprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = vformat(buf, sizeof buf, fmt, ap);
	va_end(ap);
	console_write(buf, n);
}

void machine_exit(int status)
{
	if (on_kvm_vmm)
		hc_exit((uint32_t)status);
	/* QEMU's exit status is then status | 1: debug-exit only makes odd ones. */
	outb(DEBUG_EXIT_PORT, (uint8_t)(status >> 1));
	for (;;)
		__asm__ volatile("cli; hlt");
}
