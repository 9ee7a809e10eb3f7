/* 7: factorials from 0! to 12! (13! no longer fits in 32 bits). */
#include "ulib.h"

int main(void)
{
	unsigned f = 1;

	for (unsigned n = 0; n <= 12; n++) {
		if (n)
			f *= n;
		printf("%u! = %u\n", n, f);
	}
	return 0;
}
