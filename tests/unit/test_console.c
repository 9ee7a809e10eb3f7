/* The console's pure parts: the Ctrl-A escape state machine (what reaches
 * the guest, which actions fire), the line assembler and the prefixes; and
 * the output modes on a pipe (byte by byte, whole lines, the delay flush),
 * since a half line from one guest in another's is what they prevent. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "../../src/console.h"
#include "harness.h"

struct acts {
	enum console_action seen[16];
	uint8_t keys[16];
	int n;
};

static void record(void *opaque, enum console_action a, const struct console_escapes *e)
{
	struct acts *r = opaque;

	if (r->n < 16) {
		r->keys[r->n] = a == CONSOLE_ACT_UNKNOWN ? e->key : 0;
		r->seen[r->n++] = a;
	}
}

/* Filters s (len bytes) in one go; the guest's bytes land in out. */
static size_t filter(struct console_escapes *e, const char *s, size_t len,
		     char *out, struct acts *r)
{
	size_t n;

	memcpy(out, s, len);
	n = console_escape_filter(e, (uint8_t *)out, len, record, r);
	out[n] = '\0';
	return n;
}

TEST(console_escape_plain_bytes_pass)
{
	struct console_escapes e = { 0 };
	struct acts r = { .n = 0 };
	char out[64];

	CHECK_EQ(filter(&e, "hello\r\n\x03", 8, out, &r), 8);
	CHECK(memcmp(out, "hello\r\n\x03", 8) == 0);
	CHECK_EQ(r.n, 0);
}

TEST(console_escape_every_key)
{
	struct console_escapes e = { 0 };
	struct acts r = { .n = 0 };
	char out[64];

	/* h H ? s S t T, then Ctrl-A Ctrl-A, then an unknown key, then quit. */
	static const char keys[] = "a\x01h\x01H\x01?\x01s\x01S\x01t\x01T"
				   "b\x01\x01" "c\x01qd\x01xe";

	filter(&e, keys, sizeof(keys) - 1, out, &r);
	CHECK(strcmp(out, "ab\x01" "cd") == 0);
	CHECK_EQ(r.n, 9);
	CHECK_EQ(r.seen[0], CONSOLE_ACT_HELP);
	CHECK_EQ(r.seen[1], CONSOLE_ACT_HELP);
	CHECK_EQ(r.seen[2], CONSOLE_ACT_HELP);
	CHECK_EQ(r.seen[3], CONSOLE_ACT_STATS);
	CHECK_EQ(r.seen[4], CONSOLE_ACT_STATS);
	CHECK_EQ(r.seen[5], CONSOLE_ACT_TIMESTAMPS);
	CHECK_EQ(r.seen[6], CONSOLE_ACT_TIMESTAMPS);
	CHECK_EQ(r.seen[7], CONSOLE_ACT_UNKNOWN);
	CHECK_EQ(r.keys[7], 'q');
	CHECK_EQ(r.seen[8], CONSOLE_ACT_QUIT); /* and 'e' after it is dropped */
}

TEST(console_escape_split_across_reads)
{
	struct console_escapes e = { 0 };
	struct acts r = { .n = 0 };
	char out[64];

	CHECK_EQ(filter(&e, "ab\x01", 3, out, &r), 2);
	CHECK(e.pending);
	CHECK_EQ(filter(&e, "\x01" "c", 2, out, &r), 2); /* Ctrl-A | Ctrl-A */
	CHECK(strcmp(out, "\x01" "c") == 0);
	CHECK_EQ(filter(&e, "\x01", 1, out, &r), 0);
	CHECK_EQ(filter(&e, "X", 1, out, &r), 0);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.seen[0], CONSOLE_ACT_QUIT);
	/* An unknown control key after Ctrl-A is dropped too, not sent. */
	CHECK_EQ(filter(&e, "\x01\x03z", 3, out, &r), 1);
	CHECK(strcmp(out, "z") == 0);
	CHECK_EQ(r.seen[1], CONSOLE_ACT_UNKNOWN);
	CHECK_EQ(r.keys[1], 0x03);
}

TEST(console_escape_feed_one_byte)
{
	struct console_escapes e = { 0 };
	bool keep;

	CHECK_EQ(console_escape_feed(&e, 0x01, &keep), CONSOLE_ACT_NONE);
	CHECK(!keep);
	CHECK_EQ(console_escape_feed(&e, 's', &keep), CONSOLE_ACT_STATS);
	CHECK(!keep && !e.pending);
	CHECK_EQ(console_escape_feed(&e, 's', &keep), CONSOLE_ACT_NONE);
	CHECK(keep);
}

TEST(console_help_lists_every_escape)
{
	const char *keys[] = { "Ctrl-A X", "Ctrl-A H", "Ctrl-A S", "Ctrl-A T",
			       "Ctrl-A Ctrl-A" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		CHECK(strstr(console_help_text, keys[i]) != NULL);
}

TEST(console_timestamp_format)
{
	char buf[32];

	CHECK_EQ(console_format_timestamp(buf, sizeof(buf), 0), 15);
	CHECK(strcmp(buf, "[00:00:00.000] ") == 0);
	console_format_timestamp(buf, sizeof(buf), 3723456000000ull); /* 1h 2m 3.456s */
	CHECK(strcmp(buf, "[01:02:03.456] ") == 0);
	console_format_timestamp(buf, sizeof(buf), 999999ull); /* under 1 ms */
	CHECK(strcmp(buf, "[00:00:00.000] ") == 0);
}

TEST(console_timestamps_toggle_on_off)
{
	CHECK(console_timestamps_since() == 0);
	CHECK(console_timestamps_toggle(5));
	CHECK_EQ(console_timestamps_since(), 5);
	CHECK(!console_timestamps_toggle(9));
	CHECK_EQ(console_timestamps_since(), 0);
}

TEST(console_line_assembler)
{
	struct console_line l = { .len = 0 };
	bool complete;

	CHECK_EQ(console_line_add(&l, "He", 2, 100, &complete), 2);
	CHECK(!complete && l.started_ns == 100);
	CHECK(!console_line_stale(&l, 150, 100));
	CHECK(console_line_stale(&l, 200, 100));
	/* Takes up to the newline and leaves the rest for the next line. */
	CHECK_EQ(console_line_add(&l, "llo\nWo", 6, 300, &complete), 4);
	CHECK(complete && l.len == 6 && memcmp(l.text, "Hello\n", 6) == 0);
	CHECK_EQ(l.started_ns, 100); /* the line's first byte, not its last */
	l.len = 0;
	CHECK(!console_line_stale(&l, 1000, 100)); /* empty: nothing waits */
}

TEST(console_line_assembler_full_line)
{
	static char big[2000];
	struct console_line l = { .len = 0 };
	bool complete;

	memset(big, 'x', sizeof(big));
	CHECK_EQ(console_line_add(&l, big, sizeof(big), 0, &complete), sizeof(l.text));
	CHECK(complete);
}

TEST(console_format_line_prefixes)
{
	char buf[CONSOLE_LINE_MAX];
	size_t n;

	n = console_format_line(buf, "", NULL, "abc\n", 4, false);
	CHECK(n == 4 && memcmp(buf, "abc\n", 4) == 0);
	n = console_format_line(buf, "", "g", "abc", 3, true);
	CHECK(n == 8 && memcmp(buf, "[g] abc\n", 8) == 0);
	n = console_format_line(buf, "[00:00:01.000] ", "g", "x\n", 2, true);
	CHECK(n == 21 && memcmp(buf, "[00:00:01.000] [g] x\n", 21) == 0);
	n = console_format_line(buf, "", NULL, "part", 4, false);
	CHECK(n == 4 && memcmp(buf, "part", 4) == 0);
}

TEST(console_out_lines_one_write_per_line)
{
	struct test_pipe p = test_pipe_open();
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct console_out a, b;
	char buf[128];

	console_out_init(&a, p.wr, NULL, &lock);
	console_out_init(&b, p.wr, NULL, &lock);
	console_out_set_lines(&a);
	console_out_set_lines(&b);
	/* Interleaved bytes of two guests come out as whole lines. */
	console_out_write(&a, "He", 2);
	console_out_write(&b, "He", 2);
	console_out_write(&a, "llo\n", 4);
	console_out_write(&b, "llo\nx", 5);
	test_pipe_drain(&p, buf, sizeof(buf));
	CHECK(strcmp(buf, "Hello\nHello\n") == 0);
	/* Not stale yet: nothing; at the guest's stop: as it is, no '\n'. */
	console_out_flush_stale(&b, b.line.started_ns + 1);
	CHECK(test_pipe_drain(&p, buf, sizeof(buf)) == 0);
	console_out_flush(&b);
	test_pipe_drain(&p, buf, sizeof(buf));
	CHECK(strcmp(buf, "x") == 0);
	CHECK_EQ(a.bytes, 6);
	test_pipe_close(&p);
}

TEST(console_out_lines_delay_flush)
{
	struct test_pipe p = test_pipe_open();
	struct console_out o;
	char buf[128];

	console_out_init(&o, p.wr, NULL, NULL);
	console_out_set_lines(&o);
	console_out_write(&o, "Select: ", 8);
	console_out_flush_stale(&o, o.line.started_ns + CONSOLE_LINE_DELAY_NS);
	test_pipe_drain(&p, buf, sizeof(buf));
	CHECK(strcmp(buf, "Select: ") == 0);
	console_out_write(&o, "2\n", 2);
	test_pipe_drain(&p, buf, sizeof(buf));
	CHECK(strcmp(buf, "2\n") == 0);
	test_pipe_close(&p);
}

TEST(console_out_single_guest_byte_by_byte)
{
	struct test_pipe p = test_pipe_open();
	struct console_out o;
	char buf[128];

	console_out_init(&o, p.wr, NULL, NULL);
	console_out_write(&o, "H", 1);
	test_pipe_drain(&p, buf, sizeof(buf));
	CHECK(strcmp(buf, "H") == 0); /* at once: no line buffering */
	test_pipe_close(&p);
}

/* Timestamps start each line, in every mode; the partial line the toggle
 * found gets none. */
TEST(console_out_timestamps)
{
	struct test_pipe p = test_pipe_open();
	struct console_out o, t;
	char buf[256];

	console_out_init(&o, p.wr, NULL, NULL);
	console_out_init(&t, p.wr, "g", NULL);
	console_out_write(&o, "ab", 2);
	console_timestamps_toggle(1);
	console_out_write(&o, "c\nd\ne", 5);
	test_pipe_drain(&p, buf, sizeof(buf));
	CHECK(strncmp(buf, "abc\n[", 5) == 0);
	CHECK(strlen(buf) == 4 + 15 + 2 + 15 + 1 && buf[18] == ' ' && buf[19] == 'd');
	console_out_write(&t, "x\n", 2);
	test_pipe_drain(&p, buf, sizeof(buf));
	CHECK(buf[0] == '[' && strcmp(buf + 15, "[g] x\n") == 0);
	console_timestamps_toggle(2);
	console_out_write(&o, "\nf\n", 3);
	test_pipe_drain(&p, buf, sizeof(buf));
	CHECK(strcmp(buf, "\nf\n") == 0);
	test_pipe_close(&p);
}

/* Typed while the guest is not reading, an escape is still seen: the pump
 * reads behind the bytes the guest has not taken. */
TEST(console_in_pump_reads_ahead)
{
	struct test_pipe p = test_pipe_open();
	struct console_in in;
	uint8_t b;

	signal(SIGUSR2, SIG_IGN); /* the quit request wakes the main thread */
	console_in_init(&in, p.rd, NULL);
	in.escapes = true;
	CHECK(write(p.wr, "ab", 2) == 2);
	CHECK(console_in_pump(&in, 100));
	CHECK(write(p.wr, "c\x01", 2) == 2);
	CHECK(console_in_pump(&in, 100));
	CHECK(write(p.wr, "x", 1) == 1);
	CHECK(!console_in_pump(&in, 100));
	CHECK(in.quit_requested);
	CHECK(console_in_getc(&in, &b, 0) == 1 && b == 'a');
	CHECK(console_in_getc(&in, &b, 0) == 1 && b == 'b');
	CHECK(console_in_getc(&in, &b, 0) == 1 && b == 'c');
	CHECK(console_in_getc(&in, &b, 0) == -1);
	test_pipe_close(&p);
}

TEST(console_in_stats_request)
{
	struct test_pipe p = test_pipe_open();
	struct console_in in;
	uint8_t b;

	signal(SIGUSR2, SIG_IGN);
	console_in_init(&in, p.rd, NULL);
	in.escapes = true;
	console_take_stats_request();
	CHECK(write(p.wr, "\x01s" "k", 3) == 3);
	CHECK(console_in_getc(&in, &b, 0) == 1 && b == 'k');
	CHECK(console_take_stats_request());
	CHECK(!console_take_stats_request());
	CHECK(!in.quit_requested);
	test_pipe_close(&p);
}
