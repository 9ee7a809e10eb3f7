/* System call instruction for i386 programs: number in EAX, arguments in
 * EBX, ECX, EDX; the kernel preserves every register but EAX. */
#ifndef OS1K_USYSCALL_H
#define OS1K_USYSCALL_H

static inline long syscall3(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return r;
}

#endif
