/* A program's entry: the start page jumps here with the stack empty. */
	.section .text.start, "ax"
	.globl	_start
_start:
	xor	%ebp, %ebp
	and	$-16, %esp
	call	main
	push	%eax
	call	exit

	.section .note.GNU-stack, "", @progbits
