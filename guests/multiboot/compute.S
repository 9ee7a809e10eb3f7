# compute.S: a CPU-bound guest for the benchmark. It switches to long mode
# itself, drops to ring 3 (where a software KVM such as kvm-pvm runs code
# natively) and iterates xorshift64 200 million times, then prints the
# final value with one PUTS and ends with EXIT 0. Ring 3 reaches the
# hypercall port through the TSS I/O bitmap, so the run has two exits.
# bench/native.c runs the same loop on the host for comparison. The port
# and hypercall numbers come from minikvm/abi.h: the file is assembled
# through the C preprocessor (cc -c).
#include "minikvm/abi.h"
	.equ MB_MAGIC, 0x1badb002
	.equ MB_FLAGS, 0x00000003
	.equ ITERATIONS, 200000000
	.equ SEED, 0x9e3779b97f4a7c15

	.section .text
	.code32
	.globl _start
	.align 4
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

_start:
	mov	$kernel_stack_top, %esp
	# Identity-map the first 8 MiB with 2 MiB pages, user-accessible: this
	# guest has no kernel/user split to protect, only ring 3 to reach.
	mov	$pdpt + 0x7, %eax
	mov	%eax, pml4
	mov	$pd + 0x7, %eax
	mov	%eax, pdpt
	movl	$0x000087, pd
	movl	$0x200087, pd + 8
	movl	$0x400087, pd + 16
	movl	$0x600087, pd + 24
	mov	$pml4, %eax
	mov	%eax, %cr3
	mov	%cr4, %eax
	or	$0x20, %eax		# PAE
	mov	%eax, %cr4
	mov	$0xc0000080, %ecx	# EFER
	rdmsr
	or	$0x100, %eax		# LME
	wrmsr
	mov	%cr0, %eax
	or	$0x80000001, %eax	# PG | PE
	mov	%eax, %cr0
	lgdt	gdt_desc
	ljmp	$0x08, $long_mode

	.code64
long_mode:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	# TSS descriptor base (16 bytes at GDT offset 0x28), filled in here
	# because the assembler cannot split a relocated address.
	lea	tss(%rip), %rax
	mov	%ax, gdt + 0x28 + 2
	shr	$16, %rax
	mov	%al, gdt + 0x28 + 4
	mov	%ah, gdt + 0x28 + 7
	shr	$16, %rax
	mov	%eax, gdt + 0x28 + 8
	mov	$0x28, %ax
	ltr	%ax
	# iretq into ring 3: SS, RSP, RFLAGS (interrupts stay off), CS, RIP.
	pushq	$0x1b
	pushq	$user_stack_top
	pushq	$0x2
	pushq	$0x23
	pushq	$user_entry
	iretq

user_entry:
	mov	$ITERATIONS, %rcx
	mov	$SEED, %rax
1:	mov	%rax, %rdx
	shl	$13, %rdx
	xor	%rdx, %rax
	mov	%rax, %rdx
	shr	$7, %rdx
	xor	%rdx, %rax
	mov	%rax, %rdx
	shl	$17, %rdx
	xor	%rdx, %rax
	dec	%rcx
	jnz	1b
	# "compute: " then 16 hex digits and a newline.
	lea	hex_out + 9(%rip), %rdi
	mov	$16, %ecx
2:	rol	$4, %rax
	mov	%eax, %edx
	and	$0xf, %edx
	movb	hex_digits(%rdx), %dl
	mov	%dl, (%rdi)
	inc	%rdi
	dec	%ecx
	jnz	2b
	lea	hex_out(%rip), %rbx
	mov	$26, %ecx
	mov	$HC_PUTS, %eax
	mov	$HC_PORT, %dx
	out	%eax, %dx
	xor	%ebx, %ebx		# status 0
.if HC_EXIT != 0
	.error "HC_EXIT is not 0: load it with mov"
.endif
	xor	%eax, %eax		# HC_EXIT
	out	%eax, %dx
	jmp	.

hex_digits: .ascii "0123456789abcdef"
hex_out:    .ascii "compute: 0000000000000000\n"

	.section .data
	.align 16
gdt:
	.quad	0
	.quad	0x00209a0000000000	# 0x08 ring 0 code, 64-bit
	.quad	0x0000920000000000	# 0x10 ring 0 data
	.quad	0x0000f20000000000	# 0x18 ring 3 data
	.quad	0x0020fa0000000000	# 0x20 ring 3 code, 64-bit
	.word	tss_end - tss - 1	# 0x28 64-bit TSS, base filled at run time
	.word	0
	.byte	0, 0x89, 0, 0
	.quad	0
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

	.align 16
tss:
	.skip	102			# reserved, RSP0-2, IST1-7: unused here
	.word	iomap - tss		# I/O permission bitmap offset
iomap:
	# One bit per port, 1 = #GP in ring 3. Open: HC_PORT to HC_PORT + 3
	# (hypercalls), the low half of the byte for HC_PORT to HC_PORT + 7.
.if (HC_PORT & 7) != 0
	.error "HC_PORT is not a multiple of 8: the I/O bitmap needs rework"
.endif
	.fill	HC_PORT / 8, 1, 0xff
	.byte	0xf0			# a 32-bit OUT checks all four ports
	.fill	(0x10000 - (HC_PORT + 8)) / 8, 1, 0xff
	.byte	0xff			# the bitmap must end with an all-ones byte
tss_end:

	.section .bss
	.align 4096
pml4:	.skip	4096
pdpt:	.skip	4096
pd:	.skip	4096
	.skip	4096
user_stack_top:
	.skip	4096
kernel_stack_top:
