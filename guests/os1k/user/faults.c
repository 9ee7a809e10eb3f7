/* f: faults on purpose, to show that the kernel survives a program's
 * exception: it reports it, ends the program and the shell goes on. */
#include "ulib.h"

/* faultstubs.S: each stub does one faulting instruction. */
void fault_divide(void);
void fault_page(void);
void fault_protection(void);
void fault_opcode(void);

static const struct {
	char key;
	const char *what;
	void (*run)(void);
} faults[] = {
	{ 'd', "divide by zero", fault_divide },
	{ 'p', "page fault: read kernel memory at 0x00100000", fault_page },
	{ 'g', "general protection: cli in ring 3", fault_protection },
	{ 'u', "invalid opcode: ud2", fault_opcode },
};

int main(void)
{
	char line[LINE_SIZE];

	print("Fault demo: which fault?\n");
	for (unsigned i = 0; i < sizeof faults / sizeof faults[0]; i++)
		printf("  %c %s\n", faults[i].key, faults[i].what);
	print("  q none: back to the menu\n");
	for (;;) {
		print("fault> ");
		long n = readline(line, sizeof line);

		if (n == READ_EOF)
			return 0;
		char *s = trim(line);

		if (!strcmp(s, "q") || !strcmp(s, "quit"))
			return 0;
		for (unsigned i = 0; i < sizeof faults / sizeof faults[0]; i++) {
			if (s[0] == faults[i].key && !s[1]) {
				printf("Causing: %s...\n", faults[i].what);
				flush();	/* the kernel ends us before exit would */
				faults[i].run();
				print("The fault did not happen!\n");
				return 1;
			}
		}
		print("Pick d, p, g, u or q.\n");
	}
}
