#include "cli.h"

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
};

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
	{ "coalesced-io", no_argument, NULL, OPT_COALESCED_IO },
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "smp", required_argument, NULL, 'c' },
	{ "cpus", required_argument, NULL, 'c' },
	{ NULL, 0, NULL, 0 },
};

void cli_print_help(void)
{
	printf("Usage: kvm-vmm [OPTION]... GUEST [GUEST]...\n"
	       "  or:  kvm-vmm -k BZIMAGE [-i INITRD] [-p CMDLINE] [-m SIZE] [-c N]\n"
	       "Run guests on /dev/kvm, each in a VM of its own on its own vCPU thread,\n"
	       "all at once. A GUEST is a 16-bit real-mode flat binary (origin 0, loaded\n"
	       "at 0x10000, CS=DS=SS=0x1000), a multiboot (v1) ELF32 kernel such as\n"
	       "build/os1k/kernel-x86_64.elf, a 64-bit Linux bzImage (console ttyS0),\n"
	       "or, with --paging or --long-mode, a flat 32-bit or 64-bit binary.\n"
	       "\n"
	       "Boot:\n"
	       "  -k, --kernel=BZIMAGE   boot this Linux kernel (instead of GUESTs);\n"
	       "      --linux=BZIMAGE    the same\n"
	       "  -i, --initrd=FILE      initramfs for the Linux kernel; for a multiboot\n"
	       "                         kernel, its modules: \"FILE args,FILE\"\n"
	       "  -c, --smp=N            vCPUs of a Linux or multiboot guest, 1-%d\n"
	       "                         (default 1)\n"
	       "  -m, --mem=SIZE         guest RAM per VM (default 1M for real-mode\n"
	       "                         binaries, 4M for --paging and --long-mode,\n"
	       "                         64M for multiboot kernels, 256M for Linux;\n"
	       "                         suffixes K, M, G)\n"
	       "  -p, --append=CMDLINE   kernel command line; for Linux, added to\n"
	       "                         \"" BZ_BASE_CMDLINE "\"\n"
	       "      --cmdline=CMDLINE  the same\n"
	       "      --paging           flat 32-bit kernel under paging the VMM sets up:\n"
	       "                         0-4M mapped at 0 and at 0x80000000\n"
	       "      --long-mode        flat 64-bit binary, all RAM identity-mapped\n"
	       "      --load=OFFSET      where a --paging/--long-mode file goes (0x1000)\n"
	       "      --entry=ADDR       where it starts (--paging: 0x80001000;\n"
	       "                         --long-mode: the load offset)\n"
	       "      --device=pc-testdev  multiboot kernels: QEMU's test device\n"
	       "      --cpu=MODEL[,+FEATURE|,-FEATURE]...  the CPUID the guest sees:\n"
	       "                         host (default), max or qemu64, as QEMU's -cpu\n"
	       "\n"
	       "Run and report:\n"
	       "      --tag              prefix each output line with the guest's name\n"
	       "      --timeout=SECONDS  stop guests still running after SECONDS\n"
	       "      --stats            print VM exits and timing to stderr at the end\n"
	       "      --stats-json=FILE  write the same statistics as JSON to FILE\n"
	       "  -v, --verbose          one line per VM exit on stderr\n"
	       "      --dump-regs        with each of those lines, the registers\n"
	       "                         (implies --verbose)\n"
	       "      --dump-mem=FILE    write the guest's RAM to FILE when it ends\n"
	       "                         (FILE.N for guest N when several run)\n"
	       "      --debug-io         log accesses to unclaimed ports to stderr\n"
	       "      --coalesced-io     real-mode and --long-mode guests: KVM queues UART\n"
	       "                         output bytes, replayed at the next exit, in order\n"
	       "  -h, --help             display this help and exit\n"
	       "  -V, --version          output version information and exit\n"
	       "\n"
	       "The first guest reads standard input through its UART and GETCHAR;\n"
	       "at most %d guests run at once. At a terminal a kernel's console is raw:\n"
	       "Ctrl-A X quits. Guest ABI: docs/guest-abi.md, docs/os1k.md; Linux:\n"
	       "docs/linux.md (a reboot of Linux ends the run with status 0).\n"
	       "\n"
	       "Exit status (with several guests, the highest):\n",
	       MAX_VCPUS, MAX_GUESTS);
	status_print_table(stdout);
}

void cli_print_version(void)
{
	printf("kvm-vmm (Mini-KVM) %s\n", VMM_VERSION);
}

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
	char msg[256];

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

/* Options that make sense only together, or not at all. */
static int check_combination(const struct options *o)
{
	if (o->paging && o->long_mode)
		return usage_error("%s", "--paging and --long-mode name two boot protocols: give one");
	if ((o->paging || o->long_mode) && o->kernel)
		return usage_error("--%s boots a flat binary, not a Linux --kernel",
				   o->paging ? "paging" : "long-mode");
	if ((o->load_given || o->entry_given) && !o->paging && !o->long_mode)
		return usage_error("%s", "--load and --entry apply to --paging and --long-mode binaries");
	return 0;
}

int cli_parse(int argc, char **argv, struct options *opts)
{
	int c, status;

	memset(opts, 0, sizeof(*opts));
	optind = 0; /* glibc: full re-initialisation, so parsing can repeat */
	opterr = 0; /* errors are reported below in our own words */
	opts->smp = 1;
	while ((c = getopt_long(argc, argv, ":hVvm:p:k:i:c:", long_options, NULL)) != -1) {
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
			opts->stats_json = optarg;
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
				return usage_error("invalid --load '%s': need an address (decimal, or hex with 0x)",
						   optarg);
			opts->load_given = true;
			break;
		case OPT_ENTRY:
			if (parse_address(optarg, &opts->entry_addr))
				return usage_error("invalid --entry '%s': need an address (decimal, or hex with 0x)",
						   optarg);
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

			if (cpuid_policy_parse(optarg, &opts->cpu, &why) < 0)
				return usage_error2("invalid --cpu '%s': %s", optarg, why);
			break;
		}
		case OPT_DEVICE:
			if (strcmp(optarg, "pc-testdev") != 0)
				return usage_error("unknown --device '%s': kvm-vmm has pc-testdev",
						   optarg);
			opts->pc_testdev = true;
			break;
		case 'k':
			opts->kernel = optarg;
			break;
		case 'i':
			opts->initrd = optarg;
			break;
		case 'c':
			if (parse_count(optarg, MAX_VCPUS, &opts->smp))
				return usage_error("invalid --smp '%s': need a number of vCPUs from 1 to " STR(MAX_VCPUS),
						   optarg);
			break;
		case OPT_COALESCED_IO:
			opts->coalesced_io = true;
			break;
		case OPT_DEBUG_IO:
			opts->debug_io = true;
			break;
		case OPT_TIMEOUT:
			if (cli_parse_seconds(optarg, &opts->timeout_ms))
				return usage_error("invalid --timeout '%s': need a positive number of seconds",
						   optarg);
			break;
		case 'm':
			if (cli_parse_size(optarg, &opts->mem_size) ||
			    opts->mem_size < MIN_MEM_SIZE || opts->mem_size > MAX_MEM_SIZE ||
			    opts->mem_size % 4096)
				return usage_error("invalid --mem '%s': need a multiple of 4K from 64K to 64G",
						   optarg);
			opts->mem_given = true;
			break;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
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
		return usage_error("%s", "--initrd and --smp apply to one Linux kernel, not to several guests");
	if (opts->nimages > MAX_GUESTS) {
		err_print("%d guests given; at most %d can run at once",
			  opts->nimages, MAX_GUESTS);
		return STATUS_BAD_INPUT;
	}
	return 0;
}
