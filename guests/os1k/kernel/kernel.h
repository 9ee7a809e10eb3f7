/* Declarations shared by the kernel's arch-neutral files. */
#ifndef OS1K_KERNEL_H
#define OS1K_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "os1k/layout.h"
#include "string.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uintptr_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uintptr_t)(a) - 1))
#define NORETURN __attribute__((noreturn))

/* console.c: the kernel's output, and ending the VM */
void console_init(void);
void console_use_hypercall(void);
void console_write(const char *s, size_t n);	/* kernel buffer */
void console_write_user(const char *uva, size_t n);	/* checked user buffer */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
NORETURN void machine_exit(int status);

/* Exit statuses of the VM (what kvm-vmm exits with). */
#define EXIT_OK		0
#define EXIT_PANIC	3
#define EXIT_UNSUPPORTED 4	/* this CPU or KVM cannot run this image */

extern bool on_kvm_vmm;		/* the VERSION hypercall answered */

/* main.c */
NORETURN void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* irq.c: the 8259 PIC pair and the 8254 PIT */
#define IRQ_BASE	0x20	/* IRQ 0-15 arrive on vectors 0x20-0x2f */
#define IRQ_TIMER	0
#define HZ		100
extern volatile unsigned long ticks;
void irq_init(void);
void irq_dispatch(unsigned irq);

/* tty.c: the UART's receive side and the line discipline */
void tty_init(void);
void tty_irq(void);
long tty_read(char *ubuf, size_t len);

/* mm.c: physical pages (identity-mapped, so physical == kernel virtual) */
void mm_init(uintptr_t start, uintptr_t end);
uintptr_t page_alloc(void);		/* contents undefined; 0 if none */
uintptr_t page_alloc_zeroed(void);	/* all zero; 0 if none */
void page_free(uintptr_t pa);
void page_free_zeroed(uintptr_t pa);	/* caller guarantees all zero */

/* syscall.c */
struct trapframe;
void syscall(struct trapframe *tf);

#endif
