/* 5: the 25 primes up to 100, by the sieve of Eratosthenes. */
#include "ulib.h"

#define LIMIT 100

int main(void)
{
	bool composite[LIMIT + 1] = { false };
	int count = 0;

	for (int i = 2; i * i <= LIMIT; i++)
		if (!composite[i])
			for (int j = i * i; j <= LIMIT; j += i)
				composite[j] = true;
	for (int i = 2; i <= LIMIT; i++)
		count += !composite[i];
	printf("The %d primes up to %d:\n", count, LIMIT);
	for (int i = 2, n = 0; i <= LIMIT; i++) {
		if (composite[i])
			continue;
		n++;
		printf("%d%s", i, n % 10 == 0 || n == count ? "\n" : " ");
	}
	return 0;
}
