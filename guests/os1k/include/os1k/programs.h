/* The programs built into the kernel image, by number: spawn(n) starts
 * program n.  kernel/programs.S embeds them in exactly this order. */
#ifndef OS1K_PROGRAMS_H
#define OS1K_PROGRAMS_H

enum {
	PROG_SHELL,		/* the menu; started by the kernel as pid 1 */
	PROG_MULTIPLY,
	PROG_COUNTER,
	PROG_ECHO,
	PROG_FIBONACCI,
	PROG_PRIMES,
	PROG_CALC,
	PROG_FACTORIAL,
	PROG_GCD,
	PROG_ABOUT,
	PROG_FAULTS,
	NPROGRAMS
};

#endif
