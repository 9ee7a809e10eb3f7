/* The faulting instructions of the fault demo.  user.ld puts this section
 * first, at 0x40001000, and each stub is 16-byte aligned and encodes the
 * same on i386 and x86-64, so the kernel's fault reports (which name the
 * instruction's address) read the same on both architectures. */
	.section .text.faults, "ax"

	.balign	16
	.globl	fault_divide
fault_divide:				/* 0x40001000 */
	mov	$1, %eax
	xor	%edx, %edx
	xor	%ecx, %ecx
	div	%ecx			/* 0x40001009: #DE */
	ret

	.balign	16
	.globl	fault_page
fault_page:				/* 0x40001010 */
	mov	$0x00100000, %ecx	/* the kernel's first page */
#ifdef __x86_64__
	mov	(%rcx), %eax		/* 0x40001015: #PF, supervisor page */
#else
	mov	(%ecx), %eax
#endif
	ret

	.balign	16
	.globl	fault_protection
fault_protection:			/* 0x40001020 */
	cli				/* #GP: IOPL is 0 */
	ret

	.balign	16
	.globl	fault_opcode
fault_opcode:				/* 0x40001030 */
	ud2				/* #UD, and not CD 80 */
	ret

	.section .note.GNU-stack, "", @progbits
