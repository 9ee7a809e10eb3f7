/* i386 boot: the multiboot header and the entry.  Multiboot leaves us in
 * 32-bit protected mode with flat segments from the loader's GDT, paging
 * and interrupts off; we load our own GDT and call kmain(magic, info).
 * Paging comes later (arch.c), once the IDT can report a refusal. */
#include "boot-common.h"

	.section .multiboot, "a"
	.balign 4
	.long	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.section .text.boot, "ax"
	.globl	_start
_start:
	cli
	cld
	mov	$boot_stack_top, %esp
	lgdt	gdt_ptr
	ljmp	$0x08, $1f
1:	mov	$0x10, %cx
	mov	%cx, %ds
	mov	%cx, %es
	mov	%cx, %ss
	xor	%ecx, %ecx
	mov	%cx, %fs
	mov	%cx, %gs
	push	%ebx			/* multiboot information */
	push	%eax			/* multiboot magic */
	call	kmain
2:	hlt
	jmp	2b

/* paging_enable(page_directory): CR4.PSE for the kernel's 4 MiB pages,
 * CR3, then CR0.PG and WP.  kvm-pvm refuses 32-bit paging: the write to
 * CR0 at paging_enable_insn raises #GP there, which arch.c explains. */
	.text
	.globl	paging_enable, paging_enable_insn
paging_enable:
	mov	4(%esp), %eax
	mov	%eax, %cr3
	mov	%cr4, %eax
	or	$CR4_PSE, %eax
	mov	%eax, %cr4
	mov	%cr0, %eax
	or	$(CR0_PG | CR0_WP), %eax
paging_enable_insn:
	mov	%eax, %cr0
	ret

	.data
	.balign	16
	.globl	gdt
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08 kernel code */
	.quad	0x00cf92000000ffff	/* 0x10 kernel data */
	.quad	0x00cffa000000ffff	/* 0x18 user code, DPL 3 */
	.quad	0x00cff2000000ffff	/* 0x20 user data, DPL 3 */
	.quad	0			/* 0x28 the TSS: arch.c */
gdt_end:
	.balign	4
	.word	0
gdt_ptr:
	.word	gdt_end - gdt - 1
	.long	gdt

	.bss
	.balign	4096
boot_stack:	.skip	8192
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
