/* System call instruction for x86-64 programs: number in RAX, arguments in
 * RDI, RSI, RDX; the kernel preserves every register but RAX. */
#ifndef OS1K_USYSCALL_H
#define OS1K_USYSCALL_H

static inline long syscall3(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c) : "memory");
	return r;
}

#endif
