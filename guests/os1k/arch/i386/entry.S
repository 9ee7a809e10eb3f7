/* i386 trap entry and exit, and the context switch.
 *
 * One 16-byte stub per vector 0-47 (exceptions and IRQs), at
 * trap_stubs + 16 * vector, plus one for int $0x80.  Each makes the frame
 * uniform (a zero where the CPU pushes no error code), pushes its vector
 * and joins trap_common, which saves the segment and general registers,
 * loads the kernel's data segments (a program may have loaded any
 * selector) and calls trap(frame). */
	.text
	.balign	16
	.globl	trap_stubs
trap_stubs:
	.set	vec, 0
	.rept	48
	.balign	16
	.if	vec == 0x20
	jmp	timer_entry
	.else
	.if	!(vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30)
	pushl	$0
	.endif
	pushl	$vec
	jmp	trap_common
	.endif
	.set	vec, vec + 1
	.endr

/* The timer (IRQ 0, vector 0x20).  A tick that interrupts the kernel -- in
 * practice the idle loop's hlt -- only needs counting and an EOI: done here
 * in a few instructions instead of the full trap path, because on a
 * software KVM every ring-0 instruction is emulated and the idle machine
 * takes 100 of these a second.  A tick that interrupts a program goes the
 * full way, to be preempted. */
timer_entry:
	testb	$3, 4(%esp)		/* the interrupted CS: ring 3? */
	jnz	1f
	push	%eax
	mov	$0x20, %al		/* OCW2: non-specific EOI */
	out	%al, $0x20
	incl	ticks
	pop	%eax
	iret
1:	pushl	$0
	pushl	$0x20
	jmp	trap_common

	.balign	16
	.globl	syscall_stub
syscall_stub:
	pushl	$0
	pushl	$0x80
	jmp	trap_common

trap_common:
	push	%ds
	push	%es
	push	%fs
	push	%gs
	pusha
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	push	%esp
	call	trap
	add	$4, %esp
	.globl	trap_return
trap_return:
	popa
	pop	%gs
	pop	%fs
	pop	%es
	pop	%ds
	add	$8, %esp		/* vector and error code */
	iret

/* switch_context(&old_sp, new_sp): saves the callee-saved registers on
 * this stack, moves to the other, restores its registers and returns
 * there.  A new process's stack is prepared to "return" to trap_return. */
	.globl	switch_context
switch_context:
	mov	4(%esp), %eax
	mov	8(%esp), %edx
	push	%ebp
	push	%ebx
	push	%esi
	push	%edi
	mov	%esp, (%eax)
	mov	%edx, %esp
	pop	%edi
	pop	%esi
	pop	%ebx
	pop	%ebp
	ret

	.section .note.GNU-stack, "", @progbits
