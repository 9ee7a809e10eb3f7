/* 3: repeats each line typed, until "quit" or the end of input. */
#include "ulib.h"

int main(void)
{
	char line[LINE_SIZE];

	print("Echo: type lines, \"quit\" to stop.\n");
	for (;;) {
		print("echo> ");
		long n = readline(line, sizeof line);

		if (n == READ_EOF)
			break;
		if (n == READ_TOO_LONG) {
			printf("Line too long (at most %d characters).\n", LINE_SIZE - 2);
			continue;
		}
		if (!strcmp(line, "quit"))
			break;
		printf("%s\n", line);
	}
	return 0;
}
