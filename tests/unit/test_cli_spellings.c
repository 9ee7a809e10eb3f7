/* kvm-vmm's own command line: QEMU's and kvmtool's spellings (-kernel,
 * -initrd, -append, -smp, -m as MiB, -nographic, -serial stdio; -k, -i,
 * -p, -c, --params, --cpus), every error naming the option as typed, word
 * for word, and the options an image's protocol does not take, refused by
 * boot_prepare with status 120 in one line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/boot/boot.h"
#include "../../src/cli.h"
#include "../../src/status.h"
#include "harness.h"

#define TRY "kvm-vmm: Try 'kvm-vmm --help' for more information.\n"

static struct test_pipe cap;
static int cap_saved = -1;

static void capture_begin(void)
{
	cap = test_pipe_open();
	cap_saved = dup(2);
	dup2(cap.wr, 2);
}

static void capture_end(char *out, size_t size)
{
	dup2(cap_saved, 2);
	close(cap_saved);
	test_pipe_drain(&cap, out, size);
	test_pipe_close(&cap);
}

static int parse(struct options *o, const char *const *args)
{
	static char *argv[32];
	int argc = 0;

	for (; args[argc]; argc++)
		argv[argc] = (char *)args[argc];
	argv[argc] = NULL;
	return cli_parse(argc, argv, o);
}

/* cli_parse's status, and all it wrote on stderr in err. */
static int parse_err(struct options *o, char *err, size_t size, const char *const *args)
{
	int status;

	capture_begin();
	status = parse(o, args);
	capture_end(err, size);
	return status;
}

#define ARGS(...) ((const char *const[]){ "kvm-vmm", __VA_ARGS__, NULL })

/* The status and the exact stderr text of one parse. */
static void expect_refusal(int line, const char *const *args, int status, const char *text)
{
	struct options o;
	char err[1024];
	int st = parse_err(&o, err, sizeof(err), args);

	if (st != status || strcmp(err, text) != 0) {
		char m[1400];

		snprintf(m, sizeof(m), "status %d (expected %d), stderr:\n      %s      expected:\n      %s",
			 st, status, err, text);
		harness_fail(__FILE__, line, m);
	}
}
#define REFUSED(args, text) expect_refusal(__LINE__, args, STATUS_USAGE, text)

TEST(cli_qemu_spellings)
{
	struct options o;

	CHECK_EQ(parse(&o, ARGS("-kernel", "k.elf", "-initrd", "m1 a,m2", "-append", "x y",
				"-smp", "2", "-m", "512", "-nographic", "-serial", "stdio")), 0);
	CHECK(o.kernel && strcmp(o.kernel, "k.elf") == 0);
	CHECK_EQ(o.nimages, 1);
	CHECK(strcmp(o.images[0], "k.elf") == 0);
	CHECK(strcmp(o.initrd, "m1 a,m2") == 0);
	CHECK(strcmp(o.cmdline, "x y") == 0);
	CHECK_EQ(o.smp, 2);
	CHECK(o.mem_given);
	CHECK_EQ(o.mem_size, 512ull << 20);
	/* "-kernel os.elf" is never "-k ernel", nor "-initrd f" "-i nitrd". */
	CHECK_EQ(parse(&o, ARGS("-kernel", "os.elf")), 0);
	CHECK(strcmp(o.kernel, "os.elf") == 0);
	CHECK_EQ(parse(&o, ARGS("-initrd", "f", "a.elf")), 0);
	CHECK(strcmp(o.initrd, "f") == 0 && strcmp(o.images[0], "a.elf") == 0);
	/* -cpu and -device are QEMU's too; -m512 and "-vm 2M" stay short. */
	CHECK_EQ(parse(&o, ARGS("-cpu", "qemu64", "-device", "pc-testdev", "a.elf")), 0);
	CHECK(o.pc_testdev);
	CHECK_EQ(parse(&o, ARGS("-m512", "a")), 0);
	CHECK_EQ(o.mem_size, 512ull << 20);
	CHECK_EQ(parse(&o, ARGS("-vm", "2M", "a")), 0);
	CHECK(o.verbose && o.mem_size == 2u << 20);
	/* An option's value is left alone, and all after "--". */
	CHECK_EQ(parse(&o, ARGS("-p", "-kernel", "a.elf")), 0);
	CHECK(strcmp(o.cmdline, "-kernel") == 0 && strcmp(o.images[0], "a.elf") == 0);
	CHECK_EQ(parse(&o, ARGS("--append", "-smp", "a.elf")), 0);
	CHECK(strcmp(o.cmdline, "-smp") == 0 && o.smp == 1);
	CHECK_EQ(parse(&o, ARGS("-vp", "-initrd", "a.elf")), 0);
	CHECK(strcmp(o.cmdline, "-initrd") == 0 && !o.initrd);
	CHECK_EQ(parse(&o, ARGS("-m", "64", "--", "-kernel")), 0);
	CHECK(!o.kernel && o.nimages == 1 && strcmp(o.images[0], "-kernel") == 0);
	/* Images and options in any order, as before. */
	CHECK_EQ(parse(&o, ARGS("a.bin", "-nographic", "b.bin", "--serial=stdio")), 0);
	CHECK_EQ(o.nimages, 2);
	/* "--kernel" typed is "--kernel" still. */
	CHECK_EQ(parse(&o, ARGS("--kernel", "bz", "--nographic")), 0);
	CHECK(strcmp(o.kernel, "bz") == 0);
}

TEST(cli_kvmtool_spellings)
{
	struct options o;

	CHECK_EQ(parse(&o, ARGS("-k", "bz", "-i", "ird", "-p", "quiet", "-c", "2", "-m", "512")), 0);
	CHECK(strcmp(o.kernel, "bz") == 0 && strcmp(o.initrd, "ird") == 0);
	CHECK(strcmp(o.cmdline, "quiet") == 0 && o.smp == 2 && o.mem_size == 512ull << 20);
	CHECK_EQ(parse(&o, ARGS("--kernel", "bz", "--params", "a=b", "--cpus", "3", "--mem", "256")), 0);
	CHECK(strcmp(o.cmdline, "a=b") == 0 && o.smp == 3 && o.mem_size == 256ull << 20);
}

TEST(cli_huge_pages)
{
	struct options o;

	CHECK_EQ(parse(&o, ARGS("a")), 0);
	CHECK_EQ(o.huge_pages, HUGE_PAGES_AUTO);
	CHECK_EQ(parse(&o, ARGS("--huge-pages=on", "a")), 0);
	CHECK_EQ(o.huge_pages, HUGE_PAGES_ON);
	CHECK_EQ(parse(&o, ARGS("--huge-pages", "off", "a")), 0);
	CHECK_EQ(o.huge_pages, HUGE_PAGES_OFF);
	REFUSED(ARGS("--huge-pages=yes", "a"),
		"kvm-vmm: invalid --huge-pages 'yes': huge pages are on or off\n" TRY);
	REFUSED(ARGS("a", "--huge-pages"),
		"kvm-vmm: option '--huge-pages' needs a value\n" TRY);
}

TEST(cli_mem_sizes)
{
	uint64_t v;
	struct options o;

	CHECK(cli_parse_mem("512", &v) == 0 && v == 512ull << 20);
	CHECK(cli_parse_mem("64K", &v) == 0 && v == 64u << 10);
	CHECK(cli_parse_mem("65536B", &v) == 0 && v == 65536);
	CHECK(cli_parse_mem("2M", &v) == 0 && v == 2u << 20);
	CHECK(cli_parse_mem("2MiB", &v) == 0 && v == 2u << 20);
	CHECK(cli_parse_mem("64KB", &v) == 0 && v == 64u << 10);
	CHECK(cli_parse_mem("5G", &v) == 0 && v == 5ull << 30);
	CHECK(cli_parse_mem("", &v) < 0);
	CHECK(cli_parse_mem("B", &v) < 0);
	CHECK(cli_parse_mem("1.5", &v) < 0);
	CHECK(cli_parse_mem("12BB", &v) < 0);
	CHECK(cli_parse_mem("-1", &v) < 0);
	CHECK(cli_parse_mem("17592186044416", &v) < 0); /* 2^44 MiB: overflows */
	CHECK_EQ(parse(&o, ARGS("--mem", "65536B", "a")), 0);
	CHECK_EQ(o.mem_size, 65536);
	CHECK_EQ(parse(&o, ARGS("--mem=1", "a")), 0);
	CHECK_EQ(o.mem_size, 1u << 20);
	REFUSED(ARGS("--mem", "4097B", "a"),
		"kvm-vmm: invalid --mem '4097B': need a multiple of 4K from 64K to 64G: a number of MiB, or with a suffix K, M, G, or B for bytes\n" TRY);
	REFUSED(ARGS("-m", "65537", "a"),
		"kvm-vmm: invalid -m '65537': need a multiple of 4K from 64K to 64G: a number of MiB, or with a suffix K, M, G, or B for bytes\n" TRY);
	REFUSED(ARGS("--mem=0", "a"),
		"kvm-vmm: invalid --mem '0': need a multiple of 4K from 64K to 64G: a number of MiB, or with a suffix K, M, G, or B for bytes\n" TRY);
}

TEST(cli_errors_name_the_option_as_typed)
{
	/* The old report named argv[optind - 1], the program itself here. */
	REFUSED(ARGS("-q", "a"), "kvm-vmm: unknown option '-q'\n" TRY);
	REFUSED(ARGS("-bogus", "a"), "kvm-vmm: unknown option '-bogus'\n" TRY);
	REFUSED(ARGS("a", "-xyz"), "kvm-vmm: unknown option '-xyz'\n" TRY);
	REFUSED(ARGS("-vx", "a"), "kvm-vmm: unknown option '-x' in '-vx'\n" TRY);
	REFUSED(ARGS("a", "-vVx"), "kvm-vmm: unknown option '-x' in '-vVx'\n" TRY);
	REFUSED(ARGS("a", "b", "-vx"), "kvm-vmm: unknown option '-x' in '-vx'\n" TRY);
	REFUSED(ARGS("--bogus", "a"), "kvm-vmm: unknown option '--bogus'\n" TRY);
	REFUSED(ARGS("--bogus=1", "a"), "kvm-vmm: unknown option '--bogus'\n" TRY);
	REFUSED(ARGS("a", "--st"), "kvm-vmm: option '--st' is ambiguous: --stats, --stats-json\n" TRY);
	REFUSED(ARGS("--st=x", "a"), "kvm-vmm: option '--st' is ambiguous: --stats, --stats-json\n" TRY);
	REFUSED(ARGS("--cp", "host", "a"), "kvm-vmm: option '--cp' is ambiguous: --cpu, --cpus\n" TRY);
	REFUSED(ARGS("--help=1"), "kvm-vmm: option '--help' takes no value\n" TRY);
	REFUSED(ARGS("--nographic=yes", "a"), "kvm-vmm: option '--nographic' takes no value\n" TRY);
	REFUSED(ARGS("-kernel"), "kvm-vmm: option '-kernel' needs a value\n" TRY);
	REFUSED(ARGS("--kernel"), "kvm-vmm: option '--kernel' needs a value\n" TRY);
	REFUSED(ARGS("a", "--timeout"), "kvm-vmm: option '--timeout' needs a value\n" TRY);
	REFUSED(ARGS("a", "-m"), "kvm-vmm: option '-m' needs a value\n" TRY);
	REFUSED(ARGS("a", "-vm"), "kvm-vmm: option '-m' needs a value\n" TRY);
	REFUSED(ARGS("a", "-smp"), "kvm-vmm: option '-smp' needs a value\n" TRY);
	/* Values: the option as typed, then the value. */
	REFUSED(ARGS("-smp", "x", "a"),
		"kvm-vmm: invalid -smp 'x': need a number of vCPUs from 1 to 64\n" TRY);
	REFUSED(ARGS("-c", "0", "a"),
		"kvm-vmm: invalid -c '0': need a number of vCPUs from 1 to 64\n" TRY);
	REFUSED(ARGS("--cpus=65", "a"),
		"kvm-vmm: invalid --cpus '65': need a number of vCPUs from 1 to 64\n" TRY);
	REFUSED(ARGS("--timeout", "abc", "a"),
		"kvm-vmm: invalid --timeout 'abc': need a positive number of seconds\n" TRY);
	REFUSED(ARGS("--load=x", "--paging", "a"),
		"kvm-vmm: invalid --load 'x': need an address (decimal, or hex with 0x)\n" TRY);
	REFUSED(ARGS("-device", "vga", "a"),
		"kvm-vmm: unknown -device 'vga': kvm-vmm has pc-testdev\n" TRY);
	REFUSED(ARGS("-serial", "pty", "a"),
		"kvm-vmm: -serial 'pty': kvm-vmm's one serial port, COM1, is on standard input and output: give -serial stdio or leave it out\n" TRY);
	REFUSED(ARGS("--serial=mon:stdio", "a"),
		"kvm-vmm: --serial 'mon:stdio': kvm-vmm's one serial port, COM1, is on standard input and output: give --serial stdio or leave it out\n" TRY);
	REFUSED(ARGS("--stats-json=", "a"),
		"kvm-vmm: --stats-json: needs a file name, or '-' for standard output\n" TRY);
	REFUSED(ARGS("-k", "bz", "a.bin"),
		"kvm-vmm: guest image 'a.bin' given with --kernel: boot one or the other\n" TRY);
	REFUSED(ARGS("-smp", "2", "a", "b"),
		"kvm-vmm: --initrd and --smp apply to one Linux or multiboot kernel, not to several guests\n" TRY);
}

/* --- the options an image's protocol does not take (boot_prepare) ------ */

static char *write_temp(const uint8_t *data, size_t size)
{
	static char paths[4][64];
	static int next;
	char *path = paths[next++ % 4];
	int fd;

	snprintf(path, 64, "/tmp/minikvm-unit-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		path[0] = '\0';
	if (fd >= 0)
		close(fd);
	return path;
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

/* The status and stderr of parsing args, then preparing its first image. */
static int prepare(const char *const *args, char *err, size_t size)
{
	struct options o;
	struct image img;
	struct boot_plan plan;
	int status;

	capture_begin();
	status = parse(&o, args);
	memset(&img, 0, sizeof(img));
	memset(&plan, 0, sizeof(plan));
	if (status == 0) {
		status = boot_prepare(o.images[0], &o, &img, &plan);
		image_free(&img);
		boot_plan_free(&plan);
	}
	capture_end(err, size);
	return status;
}

static void expect_prepare(int line, const char *const *args, int status, const char *text)
{
	char err[1024];
	int st = prepare(args, err, sizeof(err));

	if (st != status || strcmp(err, text) != 0) {
		char m[1400];

		snprintf(m, sizeof(m), "status %d (expected %d), stderr:\n      %s      expected:\n      %s",
			 st, status, err, text);
		harness_fail(__FILE__, line, m);
	}
}

TEST(boot_refuses_options_the_protocol_does_not_take)
{
	static uint8_t real[64], mb[64], bz[1024];
	char *r, *m, *b, want[1024];

	memset(real, 0x90, sizeof(real));
	put32(mb, 0x1badb002);
	put32(mb + 4, 0);
	put32(mb + 8, (uint32_t)-0x1badb002);
	bz[0x1fe] = 0x55;
	bz[0x1ff] = 0xaa;
	memcpy(bz + 0x202, "HdrS", 4);
	r = write_temp(real, sizeof(real));
	m = write_temp(mb, sizeof(mb));
	b = write_temp(bz, sizeof(bz));

#define PREP(st, fmt, ...)                                                        \
	do {                                                                      \
		snprintf(want, sizeof(want), fmt, __VA_ARGS__);                   \
	} while (0)

	PREP(0, "kvm-vmm: --smp: applies to Linux and multiboot kernels; %s is a real-mode flat binary\n", r);
	expect_prepare(__LINE__, ARGS("-smp", "2", r), STATUS_USAGE, want);
	expect_prepare(__LINE__, ARGS("--smp", "2", r), STATUS_USAGE, want);
	PREP(0, "kvm-vmm: --initrd: applies to Linux and multiboot kernels; %s is a real-mode flat binary\n", r);
	expect_prepare(__LINE__, ARGS("-initrd", m, r), STATUS_USAGE, want);
	PREP(0, "kvm-vmm: --append: applies to Linux and multiboot kernels; %s is a real-mode flat binary\n", r);
	expect_prepare(__LINE__, ARGS("-append", "quiet", r), STATUS_USAGE, want);
	expect_prepare(__LINE__, ARGS("-p", "quiet", r), STATUS_USAGE, want);
	PREP(0, "kvm-vmm: --append: applies to Linux and multiboot kernels; %s is a flat 64-bit binary (--long-mode)\n", r);
	expect_prepare(__LINE__, ARGS("--long-mode", "--cmdline", "x", r), STATUS_USAGE, want);
	PREP(0, "kvm-vmm: --smp: applies to Linux and multiboot kernels; %s is a flat 32-bit binary (--paging)\n", r);
	expect_prepare(__LINE__, ARGS("--paging", "-c", "2", r), STATUS_USAGE, want);
	PREP(0, "kvm-vmm: --coalesced-io: applies to real-mode and --long-mode binaries; %s is a multiboot kernel\n", m);
	expect_prepare(__LINE__, ARGS("--coalesced-io", m), STATUS_USAGE, want);
	PREP(0, "kvm-vmm: --coalesced-io: applies to real-mode and --long-mode binaries; %s is a flat 32-bit binary (--paging)\n", r);
	expect_prepare(__LINE__, ARGS("--coalesced-io", "--paging", r), STATUS_USAGE, want);
	PREP(0, "kvm-vmm: --coalesced-io: applies to real-mode and --long-mode binaries; %s is a Linux bzImage\n", b);
	expect_prepare(__LINE__, ARGS("--coalesced-io", "-k", b), STATUS_USAGE, want);
	PREP(0, "kvm-vmm: --device pc-testdev: applies to multiboot kernels; %s is a real-mode flat binary\n", r);
	expect_prepare(__LINE__, ARGS("--device", "pc-testdev", r), STATUS_USAGE, want);
	PREP(0, "kvm-vmm: --device pc-testdev: applies to multiboot kernels; %s is a Linux bzImage\n", b);
	expect_prepare(__LINE__, ARGS("-device", "pc-testdev", b), STATUS_USAGE, want);
	/* --kernel: the header decides; a file that is no kernel is bad input. */
	PREP(0, "kvm-vmm: %s: not a Linux bzImage or a multiboot kernel, which --kernel boots (nor a Linux vmlinux, an ELF64 file; a flat kernel needs --paging or --long-mode)\n", r);
	expect_prepare(__LINE__, ARGS("-kernel", r), STATUS_BAD_INPUT, want);
	/* What applies passes this check (the kernels' own checks follow). */
	expect_prepare(__LINE__, ARGS("--coalesced-io", "-smp", "1", r), 0, "");
	expect_prepare(__LINE__, ARGS("--coalesced-io", "--long-mode", "-k", r), 0, "");
	{
		char err[1024];

		/* mbtest-like header without ELF: refused by the multiboot row's
		 * own check, after --smp, --append and --device were taken. */
		CHECK_EQ(prepare(ARGS("-smp", "2", "-append", "x", "-device", "pc-testdev", "-kernel", m),
				 err, sizeof(err)), STATUS_BAD_INPUT);
		CHECK(strstr(err, "not an ELF file") != NULL);
		CHECK_EQ(prepare(ARGS("-kernel", b), err, sizeof(err)), STATUS_BAD_INPUT);
		CHECK(strstr(err, "applies") == NULL);
	}
#undef PREP
	unlink(r);
	unlink(m);
	unlink(b);
}
