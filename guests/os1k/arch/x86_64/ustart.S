/* The start page: the first code every new process runs, in ring 3, mapped
 * read-only at USER_BASE in every address space.  It clears the program's
 * bss and its stack (fresh pages may hold an earlier process's data), then
 * jumps to the program's entry.  Clearing here rather than in the kernel
 * matters on a software KVM: ring 3 runs natively, ring 0 is emulated.
 * The program's own code cannot run before the clearing is done.
 *
 * In: RDI, RCX = first range (address, bytes); RSI, RDX = second range;
 * RBX = entry point; RSP = top of the stack.  Position-independent. */
	.section .ustart, "ax"
	.globl	ustart
ustart:
	xor	%eax, %eax
	cld
	rep stosb
	mov	%rsi, %rdi
	mov	%rdx, %rcx
	rep stosb
	xor	%esi, %esi
	xor	%edx, %edx
	jmp	*%rbx

	.section .note.GNU-stack, "", @progbits
