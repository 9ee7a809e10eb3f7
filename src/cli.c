/* kvm-vmm's command line read into struct options (cli.h): each option's
 * value checked as it is read, then the combinations and the images.
 * The option table and the words of the errors are cli_options.c; the
 * values' syntax is cli_values.c. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "boot/bzimage.h"
#include "cli_impl.h"
#include "err.h"
#include "status.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/* Options that make sense only together, or not at all. */
static int check_combination(const struct options *o)
{
	if (o->paging && o->long_mode)
		return cli_usage_error("%s", "--paging and --long-mode name two boot protocols: give one");
	if ((o->load_given || o->entry_given) && !o->paging && !o->long_mode)
		return cli_usage_error("%s", "--load and --entry apply to --paging and --long-mode binaries");
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
		if (c == '?')
			return cli_bad_option(cli_current_word(argv, argc, before), optopt);
		if (c == ':') {
			const char *word = argv[optind - 1];

			if (word[0] == '-' && word[1] == '-')
				return cli_usage_error("option '%s' needs a value", cli_as_typed(word));
			snprintf(nbuf, sizeof(nbuf), "-%c", optopt);
			return cli_usage_error("option '%s' needs a value", nbuf);
		}
		name = cli_option_name(argv, c, longindex, nbuf, sizeof(nbuf));
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
				return cli_usage_error("%s: needs a file name, or '-' for standard output",
						   name);
			opts->stats_json = optarg;
			break;
		case OPT_TRACE:
			if (!*optarg)
				return cli_usage_error("%s: needs a file name", name);
			/* Standard output carries the guests' bytes. */
			if (strcmp(optarg, "-") == 0)
				return cli_usage_error("%s -: standard output is the guests' console: give a file",
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
			if (cli_parse_address(optarg, &opts->load_addr))
				return cli_usage_error2("invalid %s '%s': need an address (decimal, or hex with 0x)",
						    name, optarg);
			opts->load_given = true;
			break;
		case OPT_ENTRY:
			if (cli_parse_address(optarg, &opts->entry_addr))
				return cli_usage_error2("invalid %s '%s': need an address (decimal, or hex with 0x)",
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
				return cli_usage_error2("unknown %s '%s': kvm-vmm has pc-testdev",
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
			if (cli_parse_count(optarg, MAX_VCPUS, &opts->smp))
				return cli_usage_error2("invalid %s '%s': need a number of vCPUs from 1 to " STR(MAX_VCPUS),
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
				return cli_usage_error2("invalid %s '%s': a vmlinux's entry is pvh or elf64",
						    name, optarg);
			break;
		case OPT_HUGE_PAGES:
			if (strcmp(optarg, "on") == 0)
				opts->huge_pages = HUGE_PAGES_ON;
			else if (strcmp(optarg, "off") == 0)
				opts->huge_pages = HUGE_PAGES_OFF;
			else
				return cli_usage_error2("invalid %s '%s': huge pages are on or off",
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
				return cli_usage_error2("invalid %s '%s': need a positive number of seconds",
						    name, optarg);
			break;
		case 'm':
			if (cli_parse_mem(optarg, &opts->mem_size) ||
			    opts->mem_size < MIN_MEM_SIZE || opts->mem_size > MAX_MEM_SIZE ||
			    opts->mem_size % 4096)
				return cli_usage_error2("invalid %s '%s': need a multiple of 4K from 64K to 64G: a number of MiB, or with a suffix K, M, G, or B for bytes",
						    name, optarg);
			opts->mem_given = true;
			break;
		default:
			return cli_usage_error("unknown option '%s'", cli_current_word(argv, argc, before));
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
			return cli_usage_error("guest image '%s' given with --kernel: boot one or the other",
					   opts->images[0]);
		opts->images = &opts->kernel;
		opts->nimages = 1;
	}
	if (opts->nimages == 0)
		return cli_usage_error("%s", "no guest image given");
	if (opts->nimages > 1 && (opts->initrd || opts->smp > 1))
		return cli_usage_error("%s", "--initrd and --smp apply to one Linux or multiboot kernel, not to several guests");
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
