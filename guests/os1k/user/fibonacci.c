/* 4: the first 15 Fibonacci numbers, F(0) to F(14). */
#include "ulib.h"

int main(void)
{
	int a = 0, b = 1;

	print("The first 15 Fibonacci numbers:\n");
	for (int i = 0; i < 15; i++) {
		printf(i ? " %d" : "%d", a);
		int next = a + b;

		a = b;
		b = next;
	}
	print("\n");
	return 0;
}
