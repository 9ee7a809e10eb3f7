/* kvm-vmm's option table, and how an option was typed: QEMU's single-dash
 * words rewritten for getopt and told apart afterwards, getopt's prefix
 * rule replayed to name what an unknown or ambiguous word could be, and
 * the usage errors that name an option the way the user typed it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_impl.h"
#include "err.h"
#include "status.h"

const struct option cli_long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "tag", no_argument, NULL, OPT_TAG },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "stats-json", required_argument, NULL, OPT_STATS_JSON },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "debug-io", no_argument, NULL, OPT_DEBUG_IO },
	{ "mem", required_argument, NULL, 'm' },
	{ "append", required_argument, NULL, 'p' },
	{ "paging", no_argument, NULL, OPT_PAGING },
	{ "long-mode", no_argument, NULL, OPT_LONG_MODE },
	{ "load", required_argument, NULL, OPT_LOAD },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ "verbose", no_argument, NULL, 'v' },
	{ "dump-regs", no_argument, NULL, OPT_DUMP_REGS },
	{ "dump-mem", required_argument, NULL, OPT_DUMP_MEM },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "linux", required_argument, NULL, 'k' },
	{ "cmdline", required_argument, NULL, 'p' },
	{ "params", required_argument, NULL, 'p' }, /* kvmtool's */
	{ "coalesced-io", no_argument, NULL, OPT_COALESCED_IO },
	{ "gdb", required_argument, NULL, OPT_GDB },
	{ "gdb-wait", no_argument, NULL, OPT_GDB_WAIT },
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "smp", required_argument, NULL, 'c' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "nographic", no_argument, NULL, OPT_NOGRAPHIC },
	{ "no-sandbox", no_argument, NULL, OPT_NO_SANDBOX },
	{ "trace", required_argument, NULL, OPT_TRACE },
	{ "boot-entry", required_argument, NULL, OPT_BOOT_ENTRY },
	{ "huge-pages", required_argument, NULL, OPT_HUGE_PAGES },
	{ NULL, 0, NULL, 0 },
};

/* QEMU's single-dash spellings of long options. getopt_long_only would
 * read every "-word" as a long option and break the short options
 * ("-kernel" must not be "-k ernel", nor "-vm 2M" "--vm"), so these
 * whole words are rewritten to their "--" form before getopt sees them.
 * The replacements are arrays of their own, never merged with another
 * string, so an error can tell "-kernel" typed from "--kernel" typed. */
static struct qemu_spelling {
	const char *typed;
	char as[16];
} qemu_spellings[] = {
	{ "-kernel", "--kernel" },
	{ "-initrd", "--initrd" },
	{ "-append", "--append" },
	{ "-smp", "--smp" },
	{ "-cpu", "--cpu" },
	{ "-device", "--device" },
	{ "-serial", "--serial" },
	{ "-nographic", "--nographic" },
};
#define N_SPELLINGS (sizeof(qemu_spellings) / sizeof(qemu_spellings[0]))

int cli_usage_error(const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	err_print("%s", msg);
	err_print("Try 'kvm-vmm --help' for more information.");
	return STATUS_USAGE;
}

int cli_usage_error2(const char *fmt, const char *arg, const char *why)
{
	err_print(fmt, arg, why);
	err_print("Try 'kvm-vmm --help' for more information.");
	return STATUS_USAGE;
}

int cli_invalid_value(const char *name, const char *value, const char *why)
{
	err_print("invalid %s '%s': %s", name, value, why);
	err_print("Try 'kvm-vmm --help' for more information.");
	return STATUS_USAGE;
}

/* --- how an option was typed ------------------------------------------- */

static bool is_option_word(const char *arg)
{
	return arg && arg[0] == '-' && arg[1] != '\0';
}

static struct qemu_spelling *spelling_typed(const char *arg)
{
	for (size_t i = 0; i < N_SPELLINGS; i++)
		if (strcmp(arg, qemu_spellings[i].typed) == 0)
			return &qemu_spellings[i];
	return NULL;
}

const char *cli_as_typed(const char *arg)
{
	for (size_t i = 0; i < N_SPELLINGS; i++)
		if (arg == qemu_spellings[i].as)
			return qemu_spellings[i].typed;
	return arg;
}

/* The options whose names start with the len bytes at name, by getopt's
 * rule: an exact match wins; prefixes that all mean the same option are
 * that option. Returns the number of distinct meanings (0: unknown; 2 or
 * more: ambiguous); *found is the first match. */
static int long_matches(const char *name, size_t len, const struct option **found)
{
	const struct option *first = NULL;
	int meanings = 0;

	for (const struct option *o = cli_long_options; o->name; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		if (strlen(o->name) == len) {
			*found = o;
			return 1;
		}
		if (!first) {
			first = o;
			meanings = 1;
		} else if (o->has_arg != first->has_arg || o->val != first->val) {
			meanings = 2;
		}
	}
	*found = first;
	return meanings;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "--stats, --stats-json": the options a prefix could be, sorted. */
static void list_candidates(const char *name, size_t len, char *buf, size_t size)
{
	const char *names[sizeof(cli_long_options) / sizeof(cli_long_options[0])];
	size_t n = 0, used = 0;

	for (const struct option *o = cli_long_options; o->name; o++)
		if (strncmp(o->name, name, len) == 0)
			names[n++] = o->name;
	qsort(names, n, sizeof(names[0]), by_name);
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s--%s", i ? ", " : "", names[i]);
}

void cli_rewrite_qemu_spellings(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		struct qemu_spelling *q;

		if (strcmp(a, "--") == 0)
			return;
		if (!is_option_word(a))
			continue;
		if (a[1] == '-') {
			const struct option *o;
			size_t len = strcspn(a + 2, "=");

			if (!a[2 + len] && long_matches(a + 2, len, &o) == 1 &&
			    o->has_arg == required_argument)
				i++;
			continue;
		}
		q = spelling_typed(a);
		if (q) {
			argv[i] = q->as;
			if (strcmp(q->typed, "-nographic") != 0)
				i++;
			continue;
		}
		for (const char *p = a + 1; *p; p++) {
			const char *s = *p == ':' ? NULL : strchr(&CLI_SHORT_OPTIONS[1], *p);

			if (!s)
				break;
			if (s[1] == ':') {
				if (!p[1])
					i++;
				break;
			}
		}
	}
}

/* The argv word getopt just read its option from. It finished the word
 * (optind moved past it), or it is part-way through a group like "-vx"
 * (optind still at it, or moved only over non-options it skipped). */
const char *cli_current_word(char **argv, int argc, int optind_before)
{
	if (optind_before < 1)
		optind_before = 1;
	if (optind > optind_before && optind - 1 < argc && is_option_word(argv[optind - 1]))
		return argv[optind - 1];
	return optind < argc ? argv[optind] : argv[optind - 1];
}

int cli_bad_option(const char *word, int c)
{
	char name[128], list[512];

	if (word[0] == '-' && word[1] == '-') {
		const struct option *o;
		size_t len = strcspn(word + 2, "=");
		int meanings = long_matches(word + 2, len, &o);

		snprintf(name, sizeof(name), "%.*s", (int)len + 2, cli_as_typed(word));
		if (meanings >= 2) {
			list_candidates(word + 2, len, list, sizeof(list));
			err_print("option '%s' is ambiguous: %s", name, list);
			err_print("Try 'kvm-vmm --help' for more information.");
			return STATUS_USAGE;
		}
		if (meanings == 1 && o->has_arg == no_argument && word[2 + len] == '=')
			return cli_usage_error("option '%s' takes no value", name);
		return cli_usage_error("unknown option '%s'", name);
	}
	/* A short option: the word's first letter is the option, so a word
	 * that starts with an unknown one is named whole ("-bogus"); within a
	 * group, the letter and its group ("-x" in "-vx"). */
	if (word[0] == '-' && word[1] == c)
		return cli_usage_error("unknown option '%s'", word);
	snprintf(name, sizeof(name), "-%c", c);
	return cli_usage_error2("unknown option '%s' in '%s'", name, word);
}

const char *cli_option_name(char **argv, int c, int longindex, char *buf, size_t size)
{
	if (longindex >= 0) {
		const char *word = argv[optind - 1];

		if (optarg && word == optarg && optind >= 2)
			word = argv[optind - 2];
		if (cli_as_typed(word) != word)
			return cli_as_typed(word);
		snprintf(buf, size, "%.*s", (int)strcspn(word, "="), word);
		return buf;
	}
	snprintf(buf, size, "-%c", c);
	return buf;
}
