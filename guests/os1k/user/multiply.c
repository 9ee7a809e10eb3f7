/* 1: the multiplication table, 2x1=2 to 9x9=81. */
#include "ulib.h"

int main(void)
{
	for (int a = 2; a <= 9; a++)
		for (int b = 1; b <= 9; b++)
			printf("%dx%d=%d\n", a, b, a * b);
	return 0;
}
