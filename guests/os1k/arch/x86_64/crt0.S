/* A program's entry: the start page jumps here with the stack empty. */
	.section .text.start, "ax"
	.globl	_start
_start:
	xor	%ebp, %ebp
	and	$-16, %rsp
	call	main
	mov	%eax, %edi
	call	exit

	.section .note.GNU-stack, "", @progbits
