/* System call numbers and error results of os1k, shared by the kernel and
 * the user programs.
 *
 * A program calls the kernel with `int $0x80`: the number in EAX/RAX, the
 * arguments in EBX, ECX, EDX (i386) or RDI, RSI, RDX (x86-64); the result
 * comes back in EAX/RAX and every other register is preserved. */
#ifndef OS1K_SYSCALL_H
#define OS1K_SYSCALL_H

#define SYS_EXIT	0	/* exit(status): never returns */
#define SYS_WRITE	1	/* write(buf, len) -> len */
#define SYS_READ	2	/* read(buf, len) -> one line, 0 at end of input */
#define SYS_YIELD	3	/* yield() -> 0 */
#define SYS_GETPID	4	/* getpid() -> pid */
#define SYS_UPTIME	5	/* uptime() -> milliseconds since boot */
#define SYS_SPAWN	6	/* spawn(program number) -> pid of the child */
#define SYS_WAIT	7	/* wait(pid) -> exit status of that child */
#define NSYSCALLS	8

/* Negative results: what went wrong. */
#define E_FAULT		(-1)	/* a buffer outside the caller's memory */
#define E_NOSYS		(-2)	/* no such system call */
#define E_NOENT		(-3)	/* no such program, or no such child */
#define E_NOMEM		(-4)	/* out of memory or process slots */

/* A program killed by an exception ends with this status (like a shell's
 * 128 + signal): 128 + the exception's vector. */
#define STATUS_KILLED	128

#endif
