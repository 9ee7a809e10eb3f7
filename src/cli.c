/* kvm-vmm's command line read into struct options (cli.h): each option's
 * value checked as it is read, then the combinations and the images.
 * The option table and the words of the errors are cli_options.c; the
 * values' syntax is cli_values.c. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli_impl.h"
#include "err.h"
#include "status.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/* What an option group's setter returns for an option not in it. */
#define NOT_IN_GROUP (-1)

#define NEED_ADDRESS "need an address (decimal, or hex with 0x)"

/* Options without a value; false when c is not one of them. */
static bool set_flag(int c, struct options *o)
{
	switch (c) {
	case 'h': o->help = true; break;
	case 'V': o->version = true; break;
	case OPT_TAG: o->tag = true; break;
	case OPT_STATS: o->stats = true; break;
	case OPT_PAGING: o->paging = true; break;
	case OPT_LONG_MODE: o->long_mode = true; break;
	case 'v': o->verbose = true; break;
	case OPT_DUMP_REGS: o->dump_regs = o->verbose = true; break;
	case OPT_COALESCED_IO: o->coalesced_io = true; break;
	case OPT_NO_SANDBOX: o->no_sandbox = true; break;
	case OPT_DEBUG_IO: o->debug_io = true; break;
	case OPT_NOGRAPHIC: break; /* no display to turn off */
	case OPT_GDB_WAIT: /* without --gdb: on the default 127.0.0.1:1234 */
		if (!o->gdb.enabled)
			gdb_spec_default(&o->gdb);
		o->gdb.enabled = o->gdb.wait = true;
		break;
	default: return false;
	}
	return true;
}

static int set_mem(const char *name, const char *val, struct options *o)
{
	if (cli_parse_mem(val, &o->mem_size) || o->mem_size < MIN_MEM_SIZE ||
	    o->mem_size > MAX_MEM_SIZE || o->mem_size % 4096)
		return cli_invalid_value(name, val, "need a multiple of 4K from 64K to 64G: a number of MiB, or with a suffix K, M, G, or B for bytes");
	o->mem_given = true;
	return 0;
}

/* 0 when val is the word first, 1 when it is second, else -1. */
static int which_word(const char *val, const char *first, const char *second)
{
	if (strcmp(val, first) == 0)
		return 0;
	return strcmp(val, second) == 0 ? 1 : -1;
}

/* What the guest is and the machine it gets. */
static int set_machine_option(int c, const char *name, char *val, struct options *o)
{
	const char *why;
	int word;

	switch (c) {
	case 'k': o->kernel = val; return 0;
	case 'i': o->initrd = val; return 0;
	case 'p': o->cmdline = val; return 0;
	case 'm': return set_mem(name, val, o);
	case 'c':
		if (cli_parse_count(val, MAX_VCPUS, &o->smp))
			return cli_invalid_value(name, val, "need a number of vCPUs from 1 to " STR(MAX_VCPUS));
		return 0;
	case OPT_LOAD:
		if (cli_parse_address(val, &o->load_addr))
			return cli_invalid_value(name, val, NEED_ADDRESS);
		o->load_given = true;
		return 0;
	case OPT_ENTRY:
		if (cli_parse_address(val, &o->entry_addr))
			return cli_invalid_value(name, val, NEED_ADDRESS);
		o->entry_given = true;
		return 0;
	case OPT_BOOT_ENTRY:
		if ((word = which_word(val, "pvh", "elf64")) < 0)
			return cli_invalid_value(name, val, "a vmlinux's entry is pvh or elf64");
		o->boot_entry = word ? BOOT_ENTRY_ELF64 : BOOT_ENTRY_PVH;
		return 0;
	case OPT_HUGE_PAGES:
		if ((word = which_word(val, "on", "off")) < 0)
			return cli_invalid_value(name, val, "huge pages are on or off");
		o->huge_pages = word ? HUGE_PAGES_OFF : HUGE_PAGES_ON;
		return 0;
	case OPT_CPU:
		if (cpuid_policy_parse(val, &o->cpu, &why) < 0)
			return cli_invalid_value(name, val, why);
		return 0;
	case OPT_DEVICE:
		if (strcmp(val, "pc-testdev") != 0)
			return cli_usage_error2("unknown %s '%s': kvm-vmm has pc-testdev", name, val);
		o->pc_testdev = true;
		return 0;
	}
	return NOT_IN_GROUP;
}

/* How the run is watched, reported and ended. */
static int set_run_option(int c, const char *name, const char *val, struct options *o)
{
	const char *why;
	bool wait;

	switch (c) {
	case OPT_STATS_JSON:
		if (!*val)
			return cli_usage_error("%s: needs a file name, or '-' for standard output", name);
		o->stats_json = val;
		return 0;
	case OPT_TRACE:
		if (!*val)
			return cli_usage_error("%s: needs a file name", name);
		/* Standard output carries the guests' bytes. */
		if (strcmp(val, "-") == 0)
			return cli_usage_error("%s -: standard output is the guests' console: give a file", name);
		o->trace = val;
		return 0;
	case OPT_DUMP_MEM: o->dump_mem = val; return 0;
	case OPT_TIMEOUT:
		if (cli_parse_seconds(val, &o->timeout_ms))
			return cli_invalid_value(name, val, "need a positive number of seconds");
		return 0;
	case OPT_GDB:
		wait = o->gdb.wait; /* --gdb-wait may come first */
		if (gdb_spec_parse(val, &o->gdb, &why) < 0)
			return cli_invalid_value(name, val, why);
		o->gdb.wait = wait;
		return 0;
	case OPT_SERIAL:
		/* COM1 is always on stdio, as QEMU's -serial stdio. */
		if (strcmp(val, "stdio") != 0) {
			err_print("%s '%s': kvm-vmm's one serial port, COM1, is on standard input and output: give %s stdio or leave it out",
				  name, val, name);
			err_print("Try 'kvm-vmm --help' for more information.");
			return STATUS_USAGE;
		}
		return 0;
	}
	return NOT_IN_GROUP;
}

/* getopt's own complaints: an unknown option or a missing value. */
static int getopt_error(int c, char **argv, int argc, int optind_before)
{
	const char *word;
	char nbuf[8];

	if (c == '?')
		return cli_bad_option(cli_current_word(argv, argc, optind_before), optopt);
	word = argv[optind - 1]; /* the option whose value is missing */
	if (word[0] == '-' && word[1] == '-')
		return cli_usage_error("option '%s' needs a value", cli_as_typed(word));
	snprintf(nbuf, sizeof(nbuf), "-%c", optopt);
	return cli_usage_error("option '%s' needs a value", nbuf);
}

/* Options that make sense only together, or not at all. */
static int check_combination(const struct options *o)
{
	if (o->paging && o->long_mode)
		return cli_usage_error("%s", "--paging and --long-mode name two boot protocols: give one");
	if ((o->load_given || o->entry_given) && !o->paging && !o->long_mode)
		return cli_usage_error("%s", "--load and --entry apply to --paging and --long-mode binaries");
	return 0;
}

/* The guest images: the words after the options, or --kernel's one. */
static int check_images(struct options *o, char **rest, int nrest)
{
	o->images = rest;
	o->nimages = nrest;
	if (o->kernel) {
		if (o->nimages)
			return cli_usage_error("guest image '%s' given with --kernel: boot one or the other",
					       o->images[0]);
		o->images = &o->kernel;
		o->nimages = 1;
	}
	if (o->nimages == 0)
		return cli_usage_error("%s", "no guest image given");
	if (o->nimages > 1 && (o->initrd || o->smp > 1))
		return cli_usage_error("%s", "--initrd and --smp apply to one Linux or multiboot kernel, not to several guests");
	if (o->gdb.enabled && o->gdb.guest >= o->nimages) {
		err_print("--gdb guest=%d: only %d guest%s given", o->gdb.guest + 1,
			  o->nimages, o->nimages == 1 ? "" : "s");
		err_print("Try 'kvm-vmm --help' for more information.");
		return STATUS_USAGE;
	}
	if (o->nimages > MAX_GUESTS) {
		err_print("%d guests given; at most %d can run at once", o->nimages, MAX_GUESTS);
		return STATUS_BAD_INPUT;
	}
	return 0;
}

int cli_parse(int argc, char **argv, struct options *opts)
{
	int c, status;

	memset(opts, 0, sizeof(*opts));
	cli_rewrite_qemu_spellings(argc, argv);
	optind = 0; /* glibc: full re-initialisation, so parsing can repeat */
	opterr = 0; /* errors are reported below in our own words */
	opts->smp = 1;
	for (;;) {
		int before = optind, longindex = -1;
		char nbuf[128];
		const char *name;

		c = getopt_long(argc, argv, CLI_SHORT_OPTIONS, cli_long_options, &longindex);
		if (c == -1)
			break;
		if (c == '?' || c == ':')
			return getopt_error(c, argv, argc, before);
		if (set_flag(c, opts))
			continue;
		name = cli_option_name(argv, c, longindex, nbuf, sizeof(nbuf));
		status = set_machine_option(c, name, optarg, opts);
		if (status == NOT_IN_GROUP)
			status = set_run_option(c, name, optarg, opts);
		if (status == NOT_IN_GROUP)
			return cli_usage_error("unknown option '%s'", cli_current_word(argv, argc, before));
		if (status)
			return status;
	}
	if (opts->help || opts->version)
		return 0;
	status = check_combination(opts);
	return status ? status : check_images(opts, argv + optind, argc - optind);
}
