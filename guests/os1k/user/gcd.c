/* 8: greatest common divisors by Euclid's algorithm: five examples, then
 * pairs typed by the user until an empty line, "q" or the end of input. */
#include "ulib.h"

static unsigned gcd(unsigned a, unsigned b)
{
	while (b) {
		unsigned r = a % b;

		a = b;
		b = r;
	}
	return a;
}

static const unsigned examples[5][2] = {
	{ 48, 18 }, { 1071, 462 }, { 270, 192 }, { 17, 5 }, { 100, 75 },
};

int main(void)
{
	char line[LINE_SIZE];

	print("GCD by Euclid's algorithm:\n");
	for (int i = 0; i < 5; i++)
		printf("gcd(%u, %u) = %u\n", examples[i][0], examples[i][1],
		       gcd(examples[i][0], examples[i][1]));
	print("Type two numbers (an empty line or q ends).\n");
	for (;;) {
		print("gcd> ");
		long n = readline(line, sizeof line);

		if (n == READ_EOF)
			break;
		if (n == READ_TOO_LONG) {
			printf("Line too long (at most %d characters).\n", LINE_SIZE - 2);
			continue;
		}
		char *s = trim(line);

		if (!*s || !strcmp(s, "q") || !strcmp(s, "quit"))
			break;
		const char *p = s;
		int a, b;

		if (!parse_int(&p, &a) || !parse_int(&p, &b) || *skip_blanks(p) || a < 0 || b < 0) {
			print("Please type two non-negative numbers, like: 84 36\n");
			continue;
		}
		printf("gcd(%d, %d) = %u\n", a, b, gcd((unsigned)a, (unsigned)b));
	}
	return 0;
}
