/* native: the compute guest's loop (guests/multiboot/compute.S) on the
 * host, same instructions, to price what running it in a VM costs. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	uint64_t n = 200000000;

	__asm__ volatile("1:\n\t"
			 "mov %0, %%rdx\n\tshl $13, %%rdx\n\txor %%rdx, %0\n\t"
			 "mov %0, %%rdx\n\tshr $7, %%rdx\n\txor %%rdx, %0\n\t"
			 "mov %0, %%rdx\n\tshl $17, %%rdx\n\txor %%rdx, %0\n\t"
			 "dec %1\n\tjnz 1b"
			 : "+r"(x), "+r"(n)
			 :
			 : "rdx", "cc");
	printf("compute: %016llx\n", (unsigned long long)x);
	return 0;
}
