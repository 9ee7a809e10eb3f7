#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/bzimage.h"
#include "err.h"
#include "status.h"

enum {
	OPT_TAG = 0x100,
	OPT_STATS,
	OPT_STATS_JSON,
	OPT_TIMEOUT,
	OPT_DEBUG_IO,
	OPT_PAGING,
	OPT_COALESCED_IO,
	OPT_LONG_MODE,
	OPT_LOAD,
	OPT_ENTRY,
	OPT_DUMP_REGS,
	OPT_DUMP_MEM,
	OPT_DEVICE,
	OPT_CPU,
	OPT_GDB,
	OPT_GDB_WAIT,
	OPT_SERIAL,
	OPT_NOGRAPHIC,
	OPT_NO_SANDBOX,
	OPT_TRACE,
	OPT_BOOT_ENTRY,
};

#define SHORT_OPTIONS ":hVvm:p:k:i:c:"

static const struct option long_options[] = {
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

int cli_parse_size(const char *text, uint64_t *bytes)
{
	char *end;
	unsigned long long value;
	unsigned shift = 0;

	if (!text || !*text || *text == '-' || *text == '+')
		return -1;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno || end == text)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end == 'i' && shift)
		end++;
	if ((*end == 'B' || *end == 'b') && shift)
		end++;
	if (*end || value > (UINT64_MAX >> shift))
		return -1;
	*bytes = (uint64_t)value << shift;
	return 0;
}

int cli_parse_mem(const char *text, uint64_t *bytes)
{
	size_t len = text ? strlen(text) : 0;
	char digits[32];
	uint64_t value;

	if (len == 0)
		return -1;
	if (isdigit((unsigned char)text[len - 1])) {
		if (cli_parse_size(text, &value) || value > (UINT64_MAX >> 20))
			return -1;
		*bytes = value << 20;
		return 0;
	}
	if ((text[len - 1] == 'B' || text[len - 1] == 'b') && len >= 2 &&
	    isdigit((unsigned char)text[len - 2])) {
		if (len > sizeof(digits))
			return -1;
		memcpy(digits, text, len - 1);
		digits[len - 1] = '\0';
		return cli_parse_size(digits, bytes);
	}
	return cli_parse_size(text, bytes);
}

int cli_parse_seconds(const char *text, uint64_t *ms)
{
	char *end;
	double seconds;

	if (!text || !*text || *text == '-' || *text == '+')
		return -1;
	errno = 0;
	seconds = strtod(text, &end);
	/* A week is far beyond any sensible run and keeps the product exact. */
	if (errno || end == text || *end || !(seconds > 0) || seconds > 604800)
		return -1;
	*ms = (uint64_t)(seconds * 1000.0 + 0.5);
	if (*ms == 0)
		*ms = 1;
	return 0;
}

#define STR_(x) #x
#define STR(x) STR_(x)

/* A whole number from 1 to max; 0 on success. */
static int parse_count(const char *text, int max, int *count)
{
	char *end;
	long value;

	if (!text || *text < '0' || *text > '9')
		return -1;
	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || *end || value < 1 || value > max)
		return -1;
	*count = (int)value;
	return 0;
}

/* An address: decimal, or hex with 0x; 0 on success. */
static int parse_address(const char *text, uint64_t *addr)
{
	char *end;

	if (!text || *text < '0' || *text > '9')
		return -1;
	errno = 0;
	*addr = strtoull(text, &end, 0);
	return errno || *end ? -1 : 0;
}

static int usage_error(const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	err_print("%s", msg);
	err_print("Try 'kvm-vmm --help' for more information.");
	return STATUS_USAGE;
}

static int usage_error2(const char *fmt, const char *arg, const char *why)
{
	err_print(fmt, arg, why);
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

/* The "-kernel" the user typed, where argv holds our "--kernel". */
static const char *as_typed(const char *arg)
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

	for (const struct option *o = long_options; o->name; o++) {
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
	const char *names[sizeof(long_options) / sizeof(long_options[0])];
	size_t n = 0, used = 0;

	for (const struct option *o = long_options; o->name; o++)
		if (strncmp(o->name, name, len) == 0)
			names[n++] = o->name;
	qsort(names, n, sizeof(names[0]), by_name);
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s--%s", i ? ", " : "", names[i]);
}

/* QEMU's words become "--" options; option arguments are left alone
 * ("-p -kernel" is the command line "-kernel"), as is all after "--". */
static void rewrite_qemu_spellings(int argc, char **argv)
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
			const char *s = *p == ':' ? NULL : strchr(&SHORT_OPTIONS[1], *p);

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
static const char *current_word(char **argv, int argc, int optind_before)
{
	if (optind_before < 1)
		optind_before = 1;
	if (optind > optind_before && optind - 1 < argc && is_option_word(argv[optind - 1]))
		return argv[optind - 1];
	return optind < argc ? argv[optind] : argv[optind - 1];
}

/* The report for getopt's '?' on word: unknown, ambiguous, or a value
 * given to an option that takes none. */
static int bad_option(const char *word, int c)
{
	char name[128], list[512];

	if (word[0] == '-' && word[1] == '-') {
		const struct option *o;
		size_t len = strcspn(word + 2, "=");
		int meanings = long_matches(word + 2, len, &o);

		snprintf(name, sizeof(name), "%.*s", (int)len + 2, as_typed(word));
		if (meanings >= 2) {
			list_candidates(word + 2, len, list, sizeof(list));
			err_print("option '%s' is ambiguous: %s", name, list);
			err_print("Try 'kvm-vmm --help' for more information.");
			return STATUS_USAGE;
		}
		if (meanings == 1 && o->has_arg == no_argument && word[2 + len] == '=')
			return usage_error("option '%s' takes no value", name);
		return usage_error("unknown option '%s'", name);
	}
	/* A short option: the word's first letter is the option, so a word
	 * that starts with an unknown one is named whole ("-bogus"); within a
	 * group, the letter and its group ("-x" in "-vx"). */
	if (word[0] == '-' && word[1] == c)
		return usage_error("unknown option '%s'", word);
	snprintf(name, sizeof(name), "-%c", c);
	return usage_error2("unknown option '%s' in '%s'", name, word);
}

/* The option as typed, for the messages about its value: "--mem" of
 * "--mem=1X", "-smp", "-c". */
static const char *option_name(char **argv, int c, int longindex, char *buf, size_t size)
{
	if (longindex >= 0) {
		const char *word = argv[optind - 1];

		if (optarg && word == optarg && optind >= 2)
			word = argv[optind - 2];
		if (as_typed(word) != word)
			return as_typed(word);
		snprintf(buf, size, "%.*s", (int)strcspn(word, "="), word);
		return buf;
	}
	snprintf(buf, size, "-%c", c);
	return buf;
}

/* Options that make sense only together, or not at all. */
static int check_combination(const struct options *o)
{
	if (o->paging && o->long_mode)
		return usage_error("%s", "--paging and --long-mode name two boot protocols: give one");
	if ((o->load_given || o->entry_given) && !o->paging && !o->long_mode)
		return usage_error("%s", "--load and --entry apply to --paging and --long-mode binaries");
	return 0;
}

int cli_parse(int argc, char **argv, struct options *opts)
{
	int c, status;

	memset(opts, 0, sizeof(*opts));
	rewrite_qemu_spellings(argc, argv);
	optind = 0; /* glibc: full re-initialisation, so parsing can repeat */
	opterr = 0; /* errors are reported below in our own words */
	opts->smp = 1;
	for (;;) {
		int before = optind, longindex = -1;
		char nbuf[128];
		const char *name;

		c = getopt_long(argc, argv, SHORT_OPTIONS, long_options, &longindex);
		if (c == -1)
			break;
		if (c == '?')
			return bad_option(current_word(argv, argc, before), optopt);
		if (c == ':') {
			const char *word = argv[optind - 1];

			if (word[0] == '-' && word[1] == '-')
				return usage_error("option '%s' needs a value", as_typed(word));
			snprintf(nbuf, sizeof(nbuf), "-%c", optopt);
			return usage_error("option '%s' needs a value", nbuf);
		}
		name = option_name(argv, c, longindex, nbuf, sizeof(nbuf));
		switch (c) {
		case 'h':
			opts->help = true;
			break;
		case 'V':
			opts->version = true;
			break;
		case OPT_TAG:
			opts->tag = true;
			break;
		case OPT_STATS:
			opts->stats = true;
			break;
		case OPT_STATS_JSON:
			if (!*optarg)
				return usage_error("%s: needs a file name, or '-' for standard output",
						   name);
			opts->stats_json = optarg;
			break;
		case OPT_TRACE:
			if (!*optarg)
				return usage_error("%s: needs a file name", name);
			/* Standard output carries the guests' bytes. */
			if (strcmp(optarg, "-") == 0)
				return usage_error("%s -: standard output is the guests' console: give a file",
						   name);
			opts->trace = optarg;
			break;
		case 'p':
			opts->cmdline = optarg;
			break;
		case OPT_PAGING:
			opts->paging = true;
			break;
		case OPT_LONG_MODE:
			opts->long_mode = true;
			break;
		case OPT_LOAD:
			if (parse_address(optarg, &opts->load_addr))
				return usage_error2("invalid %s '%s': need an address (decimal, or hex with 0x)",
						    name, optarg);
			opts->load_given = true;
			break;
		case OPT_ENTRY:
			if (parse_address(optarg, &opts->entry_addr))
				return usage_error2("invalid %s '%s': need an address (decimal, or hex with 0x)",
						    name, optarg);
			opts->entry_given = true;
			break;
		case OPT_DUMP_REGS:
			opts->dump_regs = true;
			opts->verbose = true;
			break;
		case 'v':
			opts->verbose = true;
			break;
		case OPT_DUMP_MEM:
			opts->dump_mem = optarg;
			break;
		case OPT_CPU: {
			const char *why;

			if (cpuid_policy_parse(optarg, &opts->cpu, &why) < 0) {
				err_print("invalid %s '%s': %s", name, optarg, why);
				err_print("Try 'kvm-vmm --help' for more information.");
				return STATUS_USAGE;
			}
			break;
		}
		case OPT_DEVICE:
			if (strcmp(optarg, "pc-testdev") != 0)
				return usage_error2("unknown %s '%s': kvm-vmm has pc-testdev",
						    name, optarg);
			opts->pc_testdev = true;
			break;
		case OPT_SERIAL:
			/* COM1 is always on stdio, as QEMU's -serial stdio. */
			if (strcmp(optarg, "stdio") != 0) {
				err_print("%s '%s': kvm-vmm's one serial port, COM1, is on standard input and output: give %s stdio or leave it out",
					  name, optarg, name);
				err_print("Try 'kvm-vmm --help' for more information.");
				return STATUS_USAGE;
			}
			break;
		case OPT_NOGRAPHIC: /* no display to turn off */
			break;
		case 'k':
			opts->kernel = optarg;
			break;
		case 'i':
			opts->initrd = optarg;
			break;
		case 'c':
			if (parse_count(optarg, MAX_VCPUS, &opts->smp))
				return usage_error2("invalid %s '%s': need a number of vCPUs from 1 to " STR(MAX_VCPUS),
						    name, optarg);
			break;
		case OPT_COALESCED_IO:
			opts->coalesced_io = true;
			break;
		case OPT_NO_SANDBOX:
			opts->no_sandbox = true;
			break;
		case OPT_BOOT_ENTRY:
			if (strcmp(optarg, "pvh") == 0)
				opts->boot_entry = BOOT_ENTRY_PVH;
			else if (strcmp(optarg, "elf64") == 0)
				opts->boot_entry = BOOT_ENTRY_ELF64;
			else
				return usage_error2("invalid %s '%s': a vmlinux's entry is pvh or elf64",
						    name, optarg);
			break;
		case OPT_GDB: {
			const char *why;
			bool wait = opts->gdb.wait;

			if (gdb_spec_parse(optarg, &opts->gdb, &why) < 0) {
				err_print("invalid %s '%s': %s", name, optarg, why);
				err_print("Try 'kvm-vmm --help' for more information.");
				return STATUS_USAGE;
			}
			opts->gdb.wait = wait;
			break;
		}
		case OPT_GDB_WAIT: /* without --gdb: on the default 127.0.0.1:1234 */
			if (!opts->gdb.enabled)
				gdb_spec_default(&opts->gdb);
			opts->gdb.enabled = opts->gdb.wait = true;
			break;
		case OPT_DEBUG_IO:
			opts->debug_io = true;
			break;
		case OPT_TIMEOUT:
			if (cli_parse_seconds(optarg, &opts->timeout_ms))
				return usage_error2("invalid %s '%s': need a positive number of seconds",
						    name, optarg);
			break;
		case 'm':
			if (cli_parse_mem(optarg, &opts->mem_size) ||
			    opts->mem_size < MIN_MEM_SIZE || opts->mem_size > MAX_MEM_SIZE ||
			    opts->mem_size % 4096)
				return usage_error2("invalid %s '%s': need a multiple of 4K from 64K to 64G: a number of MiB, or with a suffix K, M, G, or B for bytes",
						    name, optarg);
			opts->mem_given = true;
			break;
		default:
			return usage_error("unknown option '%s'", current_word(argv, argc, before));
		}
	}
	if (opts->help || opts->version)
		return 0;
	status = check_combination(opts);
	if (status)
		return status;
	opts->images = argv + optind;
	opts->nimages = argc - optind;
	if (opts->kernel) {
		if (opts->nimages)
			return usage_error("guest image '%s' given with --kernel: boot one or the other",
					   opts->images[0]);
		opts->images = &opts->kernel;
		opts->nimages = 1;
	}
	if (opts->nimages == 0)
		return usage_error("%s", "no guest image given");
	if (opts->nimages > 1 && (opts->initrd || opts->smp > 1))
		return usage_error("%s", "--initrd and --smp apply to one Linux or multiboot kernel, not to several guests");
	if (opts->gdb.enabled && opts->gdb.guest >= opts->nimages) {
		err_print("--gdb guest=%d: only %d guest%s given", opts->gdb.guest + 1,
			  opts->nimages, opts->nimages == 1 ? "" : "s");
		err_print("Try 'kvm-vmm --help' for more information.");
		return STATUS_USAGE;
	}
	if (opts->nimages > MAX_GUESTS) {
		err_print("%d guests given; at most %d can run at once",
			  opts->nimages, MAX_GUESTS);
		return STATUS_BAD_INPUT;
	}
	return 0;
}
