/* trampoline.S: where an AP starts (smp.c). The BSP copies the bytes
 * tramp_start..tramp_end to TRAMP_ADDR (0x7000: below 1 MiB, page-aligned,
 * not page 0 and not 0x9000-0x9FFF where a loader's multiboot information
 * may be), and a STARTUP IPI with vector TRAMP_ADDR >> 12 starts the AP in
 * real mode at 0700:0000. It loads the kernel's GDT through a copy of its
 * descriptor inside the trampoline, enters protected mode and jumps to
 * ap_entry in the kernel (linked at 1 MiB), which takes a stack by its
 * APIC ID and calls ap_main. */
	.equ TRAMP_ADDR, 0x7000
	.globl tramp_start, tramp_end, ap_entry
	.section .rodata
	.code16
tramp_start:
	cli
	cld
	xor	%ax, %ax
	mov	%ax, %ds
	lgdtl	TRAMP_ADDR + (tramp_gdt_desc - tramp_start)
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$0x08, $ap_entry
	.align 4
	.word 0
tramp_gdt_desc:
	.word 23
	.long gdt
tramp_end:

	.text
	.code32
ap_entry:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %fs
	mov	%ax, %gs
	mov	%ax, %ss
	mov	$1, %eax
	cpuid
	shr	$24, %ebx		/* APIC ID */
	and	$63, %ebx	/* a stack inside ap_stacks whatever it is */
	mov	%ebx, %eax
	inc	%eax
	shl	$12, %eax
	add	$ap_stacks, %eax
	mov	%eax, %esp
	push	%ebx
	call	ap_main
1:	cli
	hlt
	jmp	1b
