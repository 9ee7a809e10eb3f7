/* The shell: pid 1.  It shows the menu, reads a choice and runs the chosen
 * program as a process of its own, waiting for it to end.  The end of
 * input counts as choosing 0; when the shell exits, the kernel powers off. */
#include "ulib.h"

/* Short on purpose: it is shown before every choice, and on a software
 * KVM each byte through the UART costs two VM exits. */
static const char menu[] =
	"\n"
	"os1k menu: 1 multiplication table  2 counter  3 echo  4 Fibonacci  5 primes\n"
	"           6 calculator  7 factorials  8 GCD  9 about  f fault demo  0 exit\n";

/* The program behind a one-character choice, or -1. */
static int program_for(char c)
{
	if (c >= '1' && c <= '9')
		return PROG_MULTIPLY + (c - '1');
	if (c == 'f' || c == 'F')
		return PROG_FAULTS;
	return -1;
}

static void run(int prog)
{
	long pid = spawn(prog), status;

	if (pid < 0) {
		printf("shell: cannot start program %d (error %ld)\n", prog, pid);
		return;
	}
	status = wait(pid);
	/* A program killed by the kernel was reported there already. */
	if (status != 0 && status < STATUS_KILLED)
		printf("shell: the program ended with status %ld\n", status);
}

int main(void)
{
	char line[LINE_SIZE];

	for (;;) {
		print(menu);
		print("Select: ");
		long n = readline(line, sizeof line);

		if (n == READ_EOF) {
			print("\nend of input\n");
			break;
		}
		if (n == READ_TOO_LONG) {
			printf("Line too long (at most %d characters); try again.\n", LINE_SIZE - 2);
			continue;
		}
		char *choice = trim(line);

		if (!*choice)
			continue;
		if (!strcmp(choice, "0"))
			break;
		int prog = choice[1] ? -1 : program_for(choice[0]);

		if (prog < 0)
			printf("Unknown choice '%s': pick 0-9 or f.\n", choice);
		else
			run(prog);
	}
	print("Goodbye.\n");
	return 0;
}
