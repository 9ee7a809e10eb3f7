/* kvm-vmm-qemu's command line (src/qemu_cli.c): QEMU's options as test
 * harnesses give them, mapped onto struct options; what it refuses, with
 * status 120 and one line naming the option; and what -device help and
 * -version print. */
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "../../src/cli.h"
#include "../../src/qemu_cli.h"
#include "harness.h"
#include "minikvm/abi.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* qemu_cli_parse with stdout (fd 1) or stderr (fd 2) captured into out. */
static int parse_captured(int fd, char *out, size_t size, int argc, char **argv,
			  struct options *o)
{
	struct test_pipe p = test_pipe_open();
	int saved, status;

	fflush(stdout);
	saved = dup(fd);
	dup2(p.wr, fd);
	status = qemu_cli_parse(argc, argv, o);
	fflush(stdout);
	fflush(stderr);
	dup2(saved, fd);
	close(saved);
	test_pipe_drain(&p, out, size);
	test_pipe_close(&p);
	return status;
}

/* The status, and the one stderr line in err. */
static int parse_err(char *err, size_t size, int argc, char **argv, struct options *o)
{
	return parse_captured(2, err, size, argc, argv, o);
}

static int count_lines(const char *text)
{
	int n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

TEST(qemu_cli_wanted_names)
{
	CHECK(qemu_cli_wanted("kvm-vmm-qemu"));
	CHECK(qemu_cli_wanted("/usr/local/bin/kvm-vmm-qemu"));
	CHECK(qemu_cli_wanted("build/kvm-vmm-qemu"));
	CHECK(qemu_cli_wanted("qemu-system-x86_64"));
	CHECK(qemu_cli_wanted("/usr/bin/qemu-system-i386"));
	CHECK(!qemu_cli_wanted("kvm-vmm"));
	CHECK(!qemu_cli_wanted("build/kvm-vmm"));
	CHECK(!qemu_cli_wanted("/opt/kvm-vmm-qemu/kvm-vmm"));
	CHECK(!qemu_cli_wanted("kvm-vmm-qemu2"));
	CHECK(!qemu_cli_wanted("qemu-img"));
	CHECK(!qemu_cli_wanted(""));
	CHECK(!qemu_cli_wanted(NULL));
}

TEST(qemu_cli_harness_line)
{
	char *argv[] = {
		"qemu-system-x86_64", "-nodefaults", "-machine", "pc,accel=kvm",
		"-cpu", "host,+x2apic,-pcid", "-smp", "4", "-m", "256",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=0x4",
		"-device", "pc-testdev", "-serial", "stdio", "-display", "none",
		"-vnc", "none", "-no-reboot", "-name", "kvm-unit-test",
		"-global", "kvm-pit.lost_tick_policy=discard",
		"-kernel", "build/test.elf",
		"-initrd", "mod1 a b,mod2", "-append", "x=1 y",
	};
	struct options o;

	CHECK_EQ(qemu_cli_parse(ARGC(argv), argv, &o), 0);
	CHECK_EQ(o.nimages, 1);
	CHECK(o.images && strcmp(o.images[0], "build/test.elf") == 0);
	CHECK(o.kernel == NULL);
	CHECK(o.initrd && strcmp(o.initrd, "mod1 a b,mod2") == 0);
	CHECK(o.cmdline && strcmp(o.cmdline, "x=1 y") == 0);
	CHECK_EQ(o.smp, 4);
	CHECK(o.mem_given);
	CHECK_EQ(o.mem_size, 256ull << 20);
	CHECK(o.pc_testdev);
	CHECK_EQ(o.cpu.nchanges, 2);
	CHECK(o.cpu.changes[0].on && !o.cpu.changes[1].on);
	CHECK(o.qemu_statuses);
	CHECK(!o.help && !o.version && !o.paging && !o.long_mode && !o.tag);
	CHECK_EQ(o.timeout_ms, 0);
}

TEST(qemu_cli_minimal_and_spellings)
{
	char *minimal[] = { "kvm-vmm-qemu", "-kernel", "k.elf" };
	char *dashes[] = { "kvm-vmm-qemu", "--kernel", "k.elf", "--smp", "cpus=2",
			   "--m", "1G", "--nographic", "--enable-kvm", "--accel", "kvm",
			   "-M", "pc", "-machine", "accel=kvm:tcg", "-cpu", "max",
			   "-monitor", "none", "-serial", "mon:stdio", "-vga", "none",
			   "-device", "isa-debug-exit,iobase=244,iosize=4,id=dbg" };
	struct options o;

	CHECK_EQ(qemu_cli_parse(ARGC(minimal), minimal, &o), 0);
	CHECK_EQ(o.nimages, 1);
	CHECK(strcmp(o.images[0], "k.elf") == 0);
	CHECK_EQ(o.smp, 1);
	CHECK(o.mem_given && o.mem_size == QEMU_CLI_DEFAULT_MEM); /* QEMU's 128 MiB */
	CHECK(!o.pc_testdev);
	CHECK(o.qemu_statuses);
	CHECK(o.cmdline == NULL && o.initrd == NULL && o.kernel == NULL);

	CHECK_EQ(qemu_cli_parse(ARGC(dashes), dashes, &o), 0);
	CHECK(strcmp(o.images[0], "k.elf") == 0);
	CHECK_EQ(o.smp, 2);
	CHECK_EQ(o.mem_size, 1ull << 30);
	CHECK(o.mem_given);
}

static int parse_one(const char *opt, const char *value, struct options *o)
{
	char *argv[] = { "kvm-vmm-qemu", "-kernel", "k.elf", (char *)opt, (char *)value };

	return qemu_cli_parse(value ? 5 : 4, argv, o);
}

TEST(qemu_cli_mem_forms)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} good[] = {
		{ "128", 128ull << 20 }, { "1", 1ull << 20 }, { "64M", 64ull << 20 },
		{ "2G", 2ull << 30 }, { "2g", 2ull << 30 }, { "65536K", 64ull << 20 },
		{ "size=512", 512ull << 20 }, { "size=1G", 1ull << 30 },
		{ "134217728B", 128ull << 20 }, { "64K", 64ull << 10 },
		{ "64G", 64ull << 30 },
	};
	static const char *const bad[] = {
		"", "abc", "-1", "0", "65G", "100000", "1T", "1.5G", "1000B",
		"12x", "size=", "512,slots=2,maxmem=1G", "512,maxmem=1G", "foo=1",
		"size=1G,bar", "999999999999999999999",
	};
	struct options o;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK_EQ(parse_one("-m", good[i].text, &o), 0);
		CHECK(o.mem_given);
		CHECK_EQ(o.mem_size, good[i].bytes);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(parse_one("-m", bad[i], &o), STATUS_USAGE);
}

TEST(qemu_cli_smp_forms)
{
	static const struct {
		const char *text;
		int cpus;
	} good[] = {
		{ "1", 1 }, { "4", 4 }, { "64", 64 }, { "cpus=8", 8 },
		{ "2,sockets=2", 2 }, { "4,sockets=1,cores=2,threads=2", 4 },
		{ "sockets=2,cores=2", 4 }, { "cpus=3,maxcpus=3", 3 },
		{ "maxcpus=6", 6 }, { "sockets=2,dies=1,clusters=1,cores=4,threads=2", 16 },
		{ "0x10", 16 },
	};
	static const char *const bad[] = {
		"", "0", "65", "-1", "abc", "2,foo=1", "2,4", "cpus=", "4,maxcpus=8",
		"4,maxcpus=2", "sockets=8,cores=16", "1000000000000",
	};
	struct options o;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK_EQ(parse_one("-smp", good[i].text, &o), 0);
		CHECK_EQ(o.smp, good[i].cpus);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(parse_one("-smp", bad[i], &o), STATUS_USAGE);
}

TEST(qemu_cli_accepted_values)
{
	static const char *const good[][2] = {
		{ "-device", "isa-debug-exit,iobase=0xf4,iosize=4" },
		{ "-device", "isa-debug-exit,iosize=0x2,iobase=0xf4" },
		{ "-device", "driver=pc-testdev" },
		{ "-device", "pc-testdev,id=t" },
		{ "-machine", "type=pc,accel=kvm" },
		{ "-M", "pc" },
		{ "-accel", "kvm" },
		{ "-cpu", "host" },
		{ "-cpu", "max,+la57,-x2apic,vmx=on" },
		{ "-global", "kvm-pit.lost_tick_policy=delay" },
		{ "-serial", "stdio" },
		{ "-display", "none" },
		{ "-monitor", "none" },
		{ "-nodefaults", NULL },
		{ "-no-reboot", NULL },
		{ "-enable-kvm", NULL },
		{ "-nographic", NULL },
		{ "-name", "guest=os1k,debug-threads=on" },
	};
	struct options o;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int status = parse_one(good[i][0], good[i][1], &o);

		if (status)
			printf("    %s %s: %d\n", good[i][0], good[i][1] ? good[i][1] : "", status);
		CHECK_EQ(status, 0);
	}
}

TEST(qemu_cli_refused)
{
	static const char *const bad[][2] = {
		{ "-device", "pci-testdev" },
		{ "-device", "virtio-blk-pci,drive=d" },
		{ "-device", "isa-debug-exit" }, /* QEMU's default iobase 0x501 */
		{ "-device", "isa-debug-exit,iobase=0x501,iosize=2" },
		{ "-device", "isa-debug-exit,iobase=0xf4,iosize=8" },
		{ "-device", "isa-debug-exit,iobase=0xf4,bus=isa.1" },
		{ "-device", "pc-testdev,foo=1" },
		{ "-device", "" },
		{ "-serial", "vc" },
		{ "-serial", "null" },
		{ "-display", "gtk" },
		{ "-vnc", ":0" },
		{ "-monitor", "stdio" },
		{ "-machine", "q35" },
		{ "-machine", "pc,accel=tcg" },
		{ "-machine", "pc,kernel_irqchip=split" },
		{ "-machine", "accel=kvmx" },
		{ "-accel", "tcg" },
		{ "-accel", "kvm,thread=multi" },
		{ "-cpu", "pentium" },
		{ "-cpu", "" },
		{ "-global", "kvm-pit.lost_tick_policy=slew" },
		{ "-global", "isa-fdc.driveA=" },
		{ "-hda", "disk.img" },
		{ "-drive", "file=x.img" },
		{ "-netdev", "user,id=n" },
		{ "-bios", "bios.bin" },
		{ "-S", NULL }, /* without -s or -gdb: nothing could continue it */
		{ "-gdb", "unix:/tmp/g" },
		{ "-gdb", "tcp::99999" },
		{ "-", NULL },
		{ "--", NULL },
		{ "disk.img", NULL },
	};
	struct options o;
	char err[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[] = { "kvm-vmm-qemu", "-kernel", "k.elf", (char *)bad[i][0],
				 (char *)bad[i][1] };
		int status = parse_err(err, sizeof(err), bad[i][1] ? 5 : 4, argv, &o);

		if (status != STATUS_USAGE || count_lines(err) != 1 ||
		    strncmp(err, "kvm-vmm-qemu: ", 14) != 0 || !strstr(err, bad[i][0]))
			printf("    %s %s: %d: %s", bad[i][0], bad[i][1] ? bad[i][1] : "",
			       status, err);
		CHECK_EQ(status, STATUS_USAGE);
		CHECK_EQ(count_lines(err), 1);
		CHECK(strncmp(err, "kvm-vmm-qemu: ", 14) == 0);
		CHECK(strstr(err, bad[i][0]) != NULL);
	}
}

TEST(qemu_cli_error_lines)
{
	char *unknown[] = { "kvm-vmm-qemu", "-kernel", "k.elf", "-foo" };
	char *pci[] = { "kvm-vmm-qemu", "-device", "pci-testdev", "-kernel", "k.elf" };
	char *missing[] = { "kvm-vmm-qemu", "-kernel" };
	char *missing_m[] = { "kvm-vmm-qemu", "-kernel", "k.elf", "-m" };
	char *no_kernel[] = { "kvm-vmm-qemu", "-append", "x", "-initrd", "m", "-smp", "2" };
	char *nothing[] = { "kvm-vmm-qemu" };
	char *two_serials[] = { "kvm-vmm-qemu", "-kernel", "k", "-serial", "stdio",
				"-serial", "stdio" };
	struct options o;
	char err[512];

	CHECK_EQ(parse_err(err, sizeof(err), ARGC(unknown), unknown, &o), STATUS_USAGE);
	CHECK(strcmp(err, "kvm-vmm-qemu: -foo: not supported by kvm-vmm (docs/qemu-compat.md)\n") == 0);
	CHECK_EQ(parse_err(err, sizeof(err), ARGC(pci), pci, &o), STATUS_USAGE);
	CHECK(strcmp(err, "kvm-vmm-qemu: -device pci-testdev: kvm-vmm has no PCI bus (docs/qemu-compat.md)\n") == 0);
	CHECK_EQ(parse_err(err, sizeof(err), ARGC(missing), missing, &o), STATUS_USAGE);
	CHECK(strcmp(err, "kvm-vmm-qemu: -kernel: requires an argument\n") == 0);
	CHECK_EQ(parse_err(err, sizeof(err), ARGC(missing_m), missing_m, &o), STATUS_USAGE);
	CHECK(strcmp(err, "kvm-vmm-qemu: -m: requires an argument\n") == 0);
	CHECK_EQ(parse_err(err, sizeof(err), ARGC(no_kernel), no_kernel, &o), STATUS_USAGE);
	CHECK(strcmp(err, "kvm-vmm-qemu: no -kernel given\n") == 0);
	CHECK_EQ(parse_err(err, sizeof(err), ARGC(nothing), nothing, &o), STATUS_USAGE);
	CHECK(strcmp(err, "kvm-vmm-qemu: no -kernel given\n") == 0);
	CHECK_EQ(parse_err(err, sizeof(err), ARGC(two_serials), two_serials, &o), STATUS_USAGE);
	CHECK_EQ(count_lines(err), 1);
}

TEST(qemu_cli_device_help)
{
	char *help[] = { "kvm-vmm-qemu", "-device", "help" };
	char *query[] = { "kvm-vmm-qemu", "-nodefaults", "-device", "?" };
	char *props[] = { "kvm-vmm-qemu", "-device", "isa-debug-exit,help" };
	char *none[] = { "kvm-vmm-qemu", "-device", "pc-testdev,?" };
	const char *list = "Misc devices:\n"
			   "name \"isa-debug-exit\", bus ISA\n"
			   "name \"pc-testdev\", bus ISA\n";
	struct options o;
	char out[4096];

	CHECK_EQ(parse_captured(1, out, sizeof(out), ARGC(help), help, &o), QEMU_CLI_EXIT_OK);
	CHECK(strcmp(out, list) == 0);
	CHECK_EQ(parse_captured(1, out, sizeof(out), ARGC(query), query, &o), QEMU_CLI_EXIT_OK);
	CHECK(strcmp(out, list) == 0);
	CHECK(strstr(out, "\"pci-testdev\"") == NULL);
	CHECK_EQ(parse_captured(1, out, sizeof(out), ARGC(props), props, &o), QEMU_CLI_EXIT_OK);
	CHECK(strncmp(out, "isa-debug-exit options:\n", 24) == 0);
	CHECK(strstr(out, "iobase=<uint32>") && strstr(out, "iosize=<uint32>"));
	CHECK_EQ(parse_captured(1, out, sizeof(out), ARGC(none), none, &o), QEMU_CLI_EXIT_OK);
	CHECK(strcmp(out, "There are no options for pc-testdev.\n") == 0);
}

TEST(qemu_cli_version_and_help)
{
	char *version[] = { "kvm-vmm-qemu", "-version" };
	char *dversion[] = { "qemu-system-x86_64", "--version" };
	char *h[] = { "kvm-vmm-qemu", "-h" };
	char *dhelp[] = { "kvm-vmm-qemu", "-kernel", "k", "--help" };
	char *helps[][3] = {
		{ "kvm-vmm-qemu", "-machine", "help" },
		{ "kvm-vmm-qemu", "-cpu", "help" },
		{ "kvm-vmm-qemu", "-accel", "help" },
	};
	const char *line = "QEMU emulator version " QEMU_CLI_QEMU_VERSION
			   " (kvm-vmm " VMM_VERSION ")\n";
	struct options o;
	char out[8192];

	CHECK_EQ(parse_captured(1, out, sizeof(out), ARGC(version), version, &o), QEMU_CLI_EXIT_OK);
	CHECK(strcmp(out, line) == 0);
	CHECK_EQ(parse_captured(1, out, sizeof(out), ARGC(dversion), dversion, &o), QEMU_CLI_EXIT_OK);
	CHECK(strcmp(out, line) == 0);
	CHECK_EQ(parse_captured(1, out, sizeof(out), ARGC(h), h, &o), QEMU_CLI_EXIT_OK);
	CHECK(strncmp(out, line, strlen(line)) == 0);
	CHECK(strstr(out, "-kernel") && strstr(out, "isa-debug-exit") && strstr(out, "-smp"));
	CHECK_EQ(parse_captured(1, out, sizeof(out), ARGC(dhelp), dhelp, &o), QEMU_CLI_EXIT_OK);
	CHECK(strncmp(out, line, strlen(line)) == 0);
	for (size_t i = 0; i < sizeof(helps) / sizeof(helps[0]); i++) {
		CHECK_EQ(parse_captured(1, out, sizeof(out), 3, helps[i], &o), QEMU_CLI_EXIT_OK);
		CHECK(count_lines(out) >= 2);
	}
	/* An error before -version is reported first, as QEMU does. */
	char *first[] = { "kvm-vmm-qemu", "-bogus", "-version" };

	CHECK_EQ(parse_captured(1, out, sizeof(out), ARGC(first), first, &o), STATUS_USAGE);
	CHECK(out[0] == '\0');
}
