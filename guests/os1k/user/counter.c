/* 2: counts from 0 to 9, giving up the CPU after each number (the shell
 * is waiting, so the scheduler comes straight back). */
#include "ulib.h"

int main(void)
{
	for (int i = 0; i <= 9; i++) {
		printf("%d\n", i);
		yield();
	}
	return 0;
}
