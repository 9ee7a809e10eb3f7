/* The bus, the console, option parsing and image loading. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/boot/image.h"
#include "../../src/bus.h"
#include "../../src/cli.h"
#include "../../src/console.h"
#include "../../src/vcpu.h"
#include "harness.h"

static uint64_t last_offset;
static void record_io(void *opaque, struct vcpu *vcpu, uint64_t offset,
		      void *data, uint32_t len, bool is_write)
{
	(void)opaque;
	(void)vcpu;
	last_offset = offset;
	if (!is_write)
		memset(data, 0x42, len);
}

TEST(bus_claims_and_unclaimed_reads)
{
	struct bus bus;
	uint32_t value = 0;

	bus_init(&bus);
	CHECK(bus_register(&bus, 0x3f8, 8, record_io, NULL, "a") == 0);
	CHECK(bus_register(&bus, 0x3ff, 1, record_io, NULL, "overlap") < 0);
	CHECK(bus_register(&bus, 0x3f0, 9, record_io, NULL, "overlap") < 0);
	CHECK(bus_register(&bus, 0x3f0, 8, record_io, NULL, "below") == 0);
	CHECK(bus_register(&bus, 0x10, 0, record_io, NULL, "empty") < 0);
	CHECK(bus_register(&bus, UINT64_MAX, 2, record_io, NULL, "wraps") < 0);
	CHECK(bus_access(&bus, NULL, 0x3fd, &value, 1, false));
	CHECK_EQ(last_offset, 5);
	CHECK_EQ(value, 0x42);
	value = 0;
	CHECK(!bus_access(&bus, NULL, 0x2f8, &value, 4, false));
	CHECK_EQ(value, 0xffffffffu);
}

TEST(console_tags_whole_lines)
{
	struct test_pipe p = test_pipe_open();
	struct console_out out;
	char buf[128];

	console_out_init(&out, p.wr, "g1", NULL);
	console_out_write(&out, "ab", 2);
	CHECK(test_pipe_drain(&p, buf, sizeof(buf)) == 0);
	console_out_write(&out, "c\nd", 3);
	test_pipe_drain(&p, buf, sizeof(buf));
	CHECK(strcmp(buf, "[g1] abc\n") == 0);
	console_out_flush(&out);
	test_pipe_drain(&p, buf, sizeof(buf));
	CHECK(strcmp(buf, "[g1] d\n") == 0);
	CHECK_EQ(out.bytes, 5);
	test_pipe_close(&p);
}

TEST(console_terminal_escapes)
{
	struct test_pipe p = test_pipe_open();
	struct console_in in;
	uint8_t b;

	signal(SIGUSR2, SIG_IGN); /* the quit request wakes the main thread */
	console_in_init(&in, p.rd, NULL);
	in.escapes = true;
	CHECK(write(p.wr, "a\x01\x01" "b\x01zc\x01xd", 10) == 10);
	CHECK(console_in_getc(&in, &b, 0) == 1 && b == 'a');
	CHECK(console_in_getc(&in, &b, 0) == 1 && b == 0x01); /* Ctrl-A Ctrl-A */
	CHECK(console_in_getc(&in, &b, 0) == 1 && b == 'b');
	CHECK(console_in_getc(&in, &b, 0) == 1 && b == 'c'); /* Ctrl-A z: dropped */
	CHECK(console_in_getc(&in, &b, 0) == -1);	       /* Ctrl-A x: quit */
	CHECK(in.quit_requested);
	test_pipe_close(&p);
}

static int parse(struct options *o, const char *const *args)
{
	char *argv[MAX_GUESTS + 8]; /* room for the "too many guests" case */
	int argc = 0;

	for (; args[argc]; argc++)
		argv[argc] = (char *)args[argc];
	argv[argc] = NULL;
	return cli_parse(argc, argv, o);
}

TEST(cli_options)
{
	struct options o;

	CHECK(parse(&o, (const char *[]){ "kvm-vmm", "--tag", "--stats", "--timeout", "1.5",
					  "-m", "2M", "a.bin", "b.bin", NULL }) == 0);
	CHECK(o.tag && o.stats);
	CHECK_EQ(o.timeout_ms, 1500);
	CHECK_EQ(o.mem_size, 2u << 20);
	CHECK_EQ(o.nimages, 2);
	CHECK(strcmp(o.images[1], "b.bin") == 0);
	CHECK(parse(&o, (const char *[]){ "kvm-vmm", "--help", NULL }) == 0 && o.help);
	CHECK(parse(&o, (const char *[]){ "kvm-vmm", "--bogus", "a", NULL }) == STATUS_USAGE);
	CHECK(parse(&o, (const char *[]){ "kvm-vmm", NULL }) == STATUS_USAGE);
	CHECK(parse(&o, (const char *[]){ "kvm-vmm", "a", "--timeout", NULL }) == STATUS_USAGE);
	CHECK(parse(&o, (const char *[]){ "kvm-vmm", "--timeout=0", "a", NULL }) == STATUS_USAGE);
	CHECK(parse(&o, (const char *[]){ "kvm-vmm", "--timeout=-1", "a", NULL }) == STATUS_USAGE);
	/* A bare number is MiB; 1000 bytes are not a multiple of 4K. */
	CHECK(parse(&o, (const char *[]){ "kvm-vmm", "--mem=1000", "a", NULL }) == 0);
	CHECK_EQ(o.mem_size, 1000ull << 20);
	CHECK(parse(&o, (const char *[]){ "kvm-vmm", "--mem=1000B", "a", NULL }) == STATUS_USAGE);
	CHECK(parse(&o, (const char *[]){ "kvm-vmm", "--mem=1X", "a", NULL }) == STATUS_USAGE);

	const char *many[MAX_GUESTS + 3] = { "kvm-vmm" };

	for (int i = 1; i <= MAX_GUESTS + 1; i++)
		many[i] = "g.bin";
	CHECK(parse(&o, many) == STATUS_BAD_INPUT);
}

TEST(cli_sizes_and_seconds)
{
	uint64_t v;

	CHECK(cli_parse_size("64K", &v) == 0 && v == 65536);
	CHECK(cli_parse_size("1MiB", &v) == 0 && v == 1048576);
	CHECK(cli_parse_size("3g", &v) == 0 && v == 3ull << 30);
	CHECK(cli_parse_size("", &v) < 0);
	CHECK(cli_parse_size("-1", &v) < 0);
	CHECK(cli_parse_size("99999999999999999999", &v) < 0);
	CHECK(cli_parse_size("17179869184G", &v) < 0);
	CHECK(cli_parse_seconds("0.25", &v) == 0 && v == 250);
	CHECK(cli_parse_seconds("abc", &v) < 0);
	CHECK(cli_parse_seconds("nan", &v) < 0);
	CHECK(cli_parse_seconds("1e9", &v) < 0);
}

/* --timeout's seconds: decimals rounded to the nearest millisecond, at
 * least 1 ms, at most a week; no sign, exponent, hex, spaces or words. */
TEST(cli_seconds_to_milliseconds)
{
	static const struct { const char *text; uint64_t ms; } good[] = {
		{ "1", 1000 }, { "2.5", 2500 }, { ".5", 500 }, { "5.", 5000 },
		{ "0.001", 1 }, { "0.0004", 1 }, { "1.0004", 1000 }, { "1.0005", 1001 },
		{ "1.23456789", 1235 }, { "007", 7000 }, { "604800", 604800000 },
	};
	static const char *const bad[] = {
		"", ".", "0", "0.000", "-1", "+1", " 1", "1 ", "1e3", "0x10", "inf", "1.2.3",
		"604800.001", "604801", "99999999999999999999",
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		bool right;

		v = 0;
		right = cli_parse_seconds(good[i].text, &v) == 0 && v == good[i].ms;
		if (!right)
			printf("    '%s': %llu ms\n", good[i].text, (unsigned long long)v);
		CHECK(right);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bool refused = cli_parse_seconds(bad[i], &v) < 0;

		if (!refused)
			printf("    '%s' taken as %llu ms\n", bad[i], (unsigned long long)v);
		CHECK(refused);
	}
	CHECK(cli_parse_seconds(NULL, &v) < 0);
}

TEST(image_read_rejects_bad_files)
{
	char dir[] = "/tmp/minikvm-unit-XXXXXX";
	char path[64];
	struct image img;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/missing.bin", dir);
	CHECK(image_read(&img, path, 100, "limit") < 0);
	CHECK(image_read(&img, dir, 100, "limit") < 0);
	snprintf(path, sizeof(path), "%s/empty.bin", dir);
	close(open(path, O_CREAT | O_WRONLY, 0644));
	CHECK(image_read(&img, path, 100, "limit") < 0);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ok.bin", dir);
	int fd = open(path, O_CREAT | O_WRONLY, 0644);

	CHECK(write(fd, "\xf4\x90", 2) == 2);
	close(fd);
	CHECK(image_read(&img, path, 1, "limit") < 0);
	CHECK(image_read(&img, path, 2, "limit") == 0);
	CHECK_EQ(img.size, 2);
	CHECK_EQ(img.data[0], 0xf4);
	image_free(&img);
	unlink(path);
	rmdir(dir);
}
