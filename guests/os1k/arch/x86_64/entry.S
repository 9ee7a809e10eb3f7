/* x86-64 trap entry and exit, and the context switch.
 *
 * One 16-byte stub per vector 0-47 (exceptions and IRQs), at
 * trap_stubs + 16 * vector, plus one for int $0x80.  Each makes the frame
 * uniform (a zero where the CPU pushes no error code), pushes its vector
 * and joins trap_common, which saves the general registers and calls
 * trap(frame).  From ring 3 the CPU has already switched to TSS.RSP0. */


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
	pushq	$0
	.endif
	pushq	$vec
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
	testb	$3, 8(%rsp)		/* the interrupted CS: ring 3? */
	jnz	1f
	push	%rax
	mov	$0x20, %al		/* OCW2: non-specific EOI */
	out	%al, $0x20
	incq	ticks
	pop	%rax
	iretq
1:	pushq	$0
	pushq	$0x20
	jmp	trap_common

	.balign	16
	.globl	syscall_stub
syscall_stub:
	pushq	$0
	pushq	$0x80
	jmp	trap_common

trap_common:
	push	%rax
	push	%rcx
	push	%rdx
	push	%rbx
	push	%rbp
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %rdi
	call	trap
	.globl	trap_return
trap_return:
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rbp
	pop	%rbx
	pop	%rdx
	pop	%rcx
	pop	%rax
	add	$16, %rsp		/* vector and error code */
	iretq

/* switch_context(&old_sp, new_sp): saves the callee-saved registers on
 * this stack, moves to the other, restores its registers and returns
 * there.  A new process's stack is prepared to "return" to trap_return. */
	.globl	switch_context
switch_context:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, (%rdi)
	mov	%rsi, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret

	.section .note.GNU-stack, "", @progbits
