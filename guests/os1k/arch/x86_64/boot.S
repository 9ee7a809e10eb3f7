/* x86-64 boot: the multiboot header, and the 32-bit entry that switches to
 * long mode.  The boot loader (QEMU, kvm-vmm, GRUB) only loads ELF32 files,
 * so this 64-bit kernel is linked as ELF64 and converted with
 * `objcopy -O elf32-i386`; the entry runs as 32-bit code, as multiboot
 * requires: EAX = 0x2BADB002, EBX = the multiboot information, flat
 * segments, paging and interrupts off.
 *
 * The page tables set up here stay the kernel's own: 2 MiB pages mapping all
 * RAM (at most 1 GiB) at the same virtual addresses, supervisor-only.  They
 * live in .bss, which the boot loader clears like any ELF loader does. */
#include "boot-common.h"

	.section .multiboot, "a"
	.balign 4
	.long	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.section .text.boot, "ax"
	.code32
	.globl	_start
_start:
	cli
	cld
	mov	$boot_stack_top, %esp
	mov	%eax, %edi		/* kmain's arguments, in 64-bit registers */
	mov	%ebx, %esi

	/* Long mode is CPUID 0x80000001 EDX bit 29.  Without it, writing
	 * EFER.LME raises #GP before any IDT exists: say why instead. */
	mov	$0x80000000, %eax
	cpuid
	cmp	$0x80000001, %eax
	jb	no_long_mode
	mov	$0x80000001, %eax
	cpuid
	bt	$29, %edx
	jnc	no_long_mode

	/* 2 MiB pages covering 1 MiB + mem_upper KiB, rounded up, at most 512
	 * (1 GiB).  Without a memory size map 4 MiB; kmain then stops with a
	 * message. */
	mov	$2, %ecx
	cmp	$MB_BOOT_MAGIC, %edi
	jne	1f
	testl	$1, (%esi)
	jz	1f
	mov	8(%esi), %ecx
	add	$(1024 + 2047), %ecx
	shr	$11, %ecx
	cmp	$512, %ecx
	jbe	1f
	mov	$512, %ecx
1:	mov	$boot_pd, %ebx
	mov	$(PTE_P | PTE_W | PTE_PS), %eax
2:	mov	%eax, (%ebx)
	add	$0x200000, %eax
	add	$8, %ebx
	dec	%ecx
	jnz	2b
	movl	$(boot_pd + PTE_P + PTE_W), boot_pdpt
	movl	$(boot_pdpt + PTE_P + PTE_W + PTE_U), boot_pml4

	mov	$boot_pml4, %eax
	mov	%eax, %cr3
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	%cr0, %eax
	or	$(CR0_PG | CR0_WP), %eax
	mov	%eax, %cr0		/* long mode is active (compatibility) */
	lgdt	gdt_ptr
	ljmp	$0x08, $long_mode

	.code64
long_mode:
	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	mov	$boot_stack_top, %rsp
	mov	%edi, %edi		/* the upper halves are undefined */
	mov	%esi, %esi
	call	kmain
3:	hlt
	jmp	3b

	.code32
no_long_mode:
	mov	$msg_no_long_mode, %esi
	call	early_puts
	mov	$EXIT_UNSUPPORTED_STATUS, %ebx
	jmp	early_exit

/* Prints the C string at ESI on the UART, polling LSR.THRE. */
early_puts:
	mov	$(UART_COM1_BASE + 5), %dx	/* LSR */
1:	in	%dx, %al
	test	$0x20, %al
	jz	1b
	lodsb
	test	%al, %al
	jz	2f
	mov	$UART_COM1_BASE, %dx	/* THR */
	out	%al, %dx
	jmp	early_puts
2:	ret

/* Ends the VM with status EBX: the EXIT hypercall under kvm-vmm (found by
 * VERSION, which changes EAX only there), else isa-debug-exit. */
early_exit:
	mov	$HC_VERSION, %eax
	mov	$HC_PORT, %dx
	out	%eax, %dx
	cmp	$HC_VERSION, %eax
	je	1f
.if HC_EXIT != 0
	.error "HC_EXIT is not 0: load it with mov"
.endif
	xor	%eax, %eax		/* HC_EXIT */
	out	%eax, %dx
1:	mov	%ebx, %eax
	shr	$1, %eax
	out	%al, $DEBUG_EXIT_PORT
2:	cli
	hlt
	jmp	2b

	.section .rodata
msg_no_long_mode:
	.ascii	"os1k: this CPU reports no long mode (CPUID 0x80000001 EDX.LM); "
	.asciz	"run kernel-i386.elf, or give the VM a CPUID with long mode\n"

	/* The GDT, the same in both modes: 64-bit code segments (L=1). */
	.data
	.balign	16
	.globl	gdt
gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08 kernel code, 64-bit */
	.quad	0x00cf92000000ffff	/* 0x10 kernel data */
	.quad	0x00affa000000ffff	/* 0x18 user code, 64-bit, DPL 3 */
	.quad	0x00cff2000000ffff	/* 0x20 user data, DPL 3 */
	.quad	0, 0			/* 0x28 the TSS (16 bytes): arch.c */
gdt_end:
	.balign	8
	.globl	gdt_ptr
gdt_ptr:
	.word	gdt_end - gdt - 1
	.quad	gdt

	.bss
	.balign	4096
	.globl	boot_pml4, boot_pdpt, boot_pd
boot_pml4:	.skip	4096
boot_pdpt:	.skip	4096
boot_pd:	.skip	4096
boot_stack:	.skip	8192
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
