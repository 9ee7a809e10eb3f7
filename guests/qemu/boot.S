/* boot.S: the multiboot (v1) entry of the QEMU-compatibility kernels.
 * The header asks for page-aligned modules and memory information; the
 * kernel is an ELF32 file (no a.out kludge), so the loader takes the
 * addresses from the program headers. At entry (multiboot): EAX = magic,
 * EBX = information block, flat 32-bit protected mode, interrupts off,
 * GDT and IDT unknown. We load our own GDT (code 0x08, data 0x10, the
 * selectors the SMP trampoline and the IDT use too), a stack, then kmain. */
	.equ MB_MAGIC, 0x1badb002
	.equ MB_FLAGS, 0x00000003
	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl _start
_start:
	cli
	cld
	lgdt	gdt_desc
	ljmp	$0x08, $1f
1:	mov	$0x10, %cx
	mov	%cx, %ds
	mov	%cx, %es
	mov	%cx, %fs
	mov	%cx, %gs
	mov	%cx, %ss
	mov	$boot_stack_top, %esp
	mov	%eax, mb_magic
	mov	%ebx, mb
	call	kmain
	push	$0x11			/* kmain returned: EXIT_FAIL */
	call	debug_exit

/* Interrupt stubs: each pushes an error code (0 where the CPU pushes
 * none) and its vector, then isr_common calls isr_dispatch(vector, err,
 * eip) and returns with iret. */
	.macro stub n
	.align 8
stub_\n:
	.if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	.else
	push	$0
	.endif
	push	$\n
	jmp	isr_common
	.endm
	.altmacro
	.set i, 0
	.rept 256
	stub %i
	.set i, i + 1
	.endr

isr_common:
	pusha				/* 32 bytes: vector at 32, error 36, EIP 40 */
	push	40(%esp)		/* EIP */
	push	40(%esp)		/* error code, now at 40 */
	push	40(%esp)		/* vector, now at 40 */
	call	isr_dispatch
	add	$12, %esp
	popa
	add	$8, %esp		/* vector, error code */
	iret

	.macro stubaddr n
	.long stub_\n
	.endm
	.section .rodata
	.align 4
	.globl isr_stubs
isr_stubs:
	.set i, 0
	.rept 256
	stubaddr %i
	.set i, i + 1
	.endr

	.align 8
	.globl gdt
gdt:	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: flat 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: flat data */
gdt_end:
	.globl gdt_desc
	.align 4
	.word 0
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	.data
	.globl mb_magic, mb
mb_magic: .long 0
mb:	.long 0

	.bss
	.align 16
	.skip 16384
boot_stack_top:
