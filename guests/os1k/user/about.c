/* 9: what this is. */
#include "ulib.h"

#ifdef __x86_64__
#define ARCH "x86-64: long mode, 4-level paging"
#else
#define ARCH "i386: 32-bit protected mode, 32-bit paging"
#endif

int main(void)
{
	print("os1k, the 1K OS for Mini-KVM\n"
	      "  architecture: " ARCH "\n"
	      "  each program is a ring-3 process with its own address space,\n"
	      "  preempted by the 100 Hz PIT; system calls through int 0x80;\n"
	      "  console input from the 16550A UART by interrupt, with a line discipline.\n");
	printf("  This is program 'about', pid %ld.\n", getpid());
	return 0;
}
