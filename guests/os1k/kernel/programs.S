/* The programs, embedded in the kernel image in the order of
 * include/os1k/programs.h.  Each image starts on a page boundary and is
 * padded to one: the loader maps its read-only pages straight into the
 * process, so those pages must hold nothing else.  The .elf files are found
 * through the assembler's -I path (the arch's user build directory). */
	.set nprog, 0
	.macro PROGRAM name
	.section .userprogs, "a"
	.balign 4096
prog_\name\()_start:
	.incbin "\name\().elf"
prog_\name\()_end:
	.balign 4096
	.section .rodata.prognames, "a"
prog_\name\()_name:
	.asciz "\name"
	.section .rodata.programs, "a"
	.dc.a prog_\name\()_name, prog_\name\()_start, prog_\name\()_end
	.set nprog, nprog + 1
	.endm

	.section .rodata.programs, "a"
	.balign 8
	.globl programs
programs:
	PROGRAM shell
	PROGRAM multiply
	PROGRAM counter
	PROGRAM echo
	PROGRAM fibonacci
	PROGRAM primes
	PROGRAM calc
	PROGRAM factorial
	PROGRAM gcd
	PROGRAM about
	PROGRAM faults

	.section .rodata
	.balign 8
	.globl nprograms
nprograms:
	.dc.a nprog
	.section .note.GNU-stack, "", @progbits
