/* Fuzz target: the two option parsers, kvm-vmm's cli_parse() (getopt,
 * QEMU's single-dash spellings rewritten in argv, sizes, addresses, CPU
 * models) and kvm-vmm-qemu's qemu_cli_parse(), on the same command line:
 * the input split into argv words on NUL bytes. Each parser gets its own
 * copy, since both may rewrite argv. Beyond not crashing, an accepted
 * command line must satisfy what cli.h and qemu_cli.h promise: one to 64
 * images that are argv's own words, 1-64 vCPUs, --mem a multiple of 4K
 * from 64K to 64G, no --paging with --long-mode, no --load/--entry
 * without one, no --initrd or --smp with several guests; a refusal is a
 * usage or bad-input status. Help and version text goes to stdout, which
 * LLVMFuzzerInitialize points at /dev/null once. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/cli.h"
#include "../../src/qemu_cli.h"
#include "../../src/status.h"
#include "support.h"

#define MAX_WORDS 256

struct command_line {
	char *text; /* the input, NUL-terminated words */
	size_t size;
	char *argv[MAX_WORDS + 1];
	int argc;
};

/* argv[0] is the program; then the words, at most MAX_WORDS - 1. */
static int split(struct command_line *c, const uint8_t *data, size_t size)
{
	c->size = size;
	c->text = malloc(size + 1);
	if (!c->text)
		return -1;
	memcpy(c->text, data, size);
	c->text[size] = '\0';
	c->argv[0] = "kvm-vmm";
	c->argc = 1;
	for (size_t i = 0; i < size && c->argc < MAX_WORDS; i++) {
		c->argv[c->argc++] = c->text + i;
		i += strlen(c->text + i);
	}
	c->argv[c->argc] = NULL;
	return 0;
}

/* An image name is (the value part of) a word given, not a string of
 * the parser's own: "--kernel=K" and "-kK" name K inside their word. */
static bool in_words(const struct command_line *c, const char *s)
{
	return s >= c->text && s <= c->text + c->size;
}

static bool mem_ok(const struct options *o)
{
	return !o->mem_given || (o->mem_size >= MIN_MEM_SIZE && o->mem_size <= MAX_MEM_SIZE &&
				 o->mem_size % 4096 == 0);
}

static void check_vmm(const struct command_line *c, int status, const struct options *o)
{
	if (status) {
		FUZZ_CHECK(status == STATUS_USAGE || status == STATUS_BAD_INPUT);
		return;
	}
	if (o->help || o->version)
		return;
	FUZZ_CHECK(o->nimages >= 1 && o->nimages <= MAX_GUESTS);
	for (int i = 0; i < o->nimages; i++)
		FUZZ_CHECK(in_words(c, o->images[i]));
	FUZZ_CHECK(o->smp >= 1 && o->smp <= MAX_VCPUS && mem_ok(o));
	FUZZ_CHECK(!(o->paging && o->long_mode));
	FUZZ_CHECK(o->paging || o->long_mode || !(o->load_given || o->entry_given));
	FUZZ_CHECK(o->nimages == 1 || (!o->initrd && o->smp == 1));
	FUZZ_CHECK(!o->kernel || o->nimages == 1);
}

static void check_qemu(const struct command_line *c, int status, const struct options *o)
{
	if (status) {
		FUZZ_CHECK(status == STATUS_USAGE || status == QEMU_CLI_EXIT_OK);
		return;
	}
	FUZZ_CHECK(o->nimages == 1 && in_words(c, o->images[0]));
	FUZZ_CHECK(o->qemu_statuses && o->mem_given && mem_ok(o));
	FUZZ_CHECK(o->smp >= 1 && o->smp <= MAX_VCPUS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	(void)argc;
	(void)argv;
	if (null_fd >= 0) {
		dup2(null_fd, STDOUT_FILENO);
		close(null_fd);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct command_line vmm = { .text = NULL }, qemu = { .text = NULL };
	struct options o;

	if (split(&vmm, data, size) == 0 && split(&qemu, data, size) == 0) {
		check_vmm(&vmm, cli_parse(vmm.argc, vmm.argv, &o), &o);
		qemu.argv[0] = QEMU_CLI_NAME;
		check_qemu(&qemu, qemu_cli_parse(qemu.argc, qemu.argv, &o), &o);
	}
	free(vmm.text);
	free(qemu.text);
	return 0;
}
