/* Guest output on a stdout that pushes back: a non-blocking pipe that is
 * full (EAGAIN: every byte still arrives), a blocking pipe nobody reads (a
 * stop ends the write: the kick's EINTR, the cancel flag), a reader that
 * went away (EPIPE) and a write error (/dev/full, reported once). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../src/console.h"
#include "harness.h"

#define BIG 128000

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void nap_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void text(char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)(i % 64 == 63 ? '\n' : ' ' + (i * 7 + i / 64) % 90);
}

/* A slow reader: blocking reads of at most 1000 bytes, a pause between. */
struct reader {
	int fd;
	char *got;
	size_t len;
};

static void *slow_reader(void *arg)
{
	struct reader *r = arg;
	int flags = fcntl(r->fd, F_GETFL);

	fcntl(r->fd, F_SETFL, flags & ~O_NONBLOCK);
	while (r->len < BIG) {
		ssize_t n = read(r->fd, r->got + r->len, 1000);

		if (n <= 0)
			break;
		r->len += (size_t)n;
		if (r->len % 8000 < 1000)
			nap_ms(2);
	}
	return NULL;
}

/* A non-blocking stdout (O_NONBLOCK set by the parent): EAGAIN waits for
 * POLLOUT, nothing is dropped, no error. */
static void nonblocking_all_arrive(bool lines, size_t chunk)
{
	struct test_pipe p = test_pipe_open();
	struct console_out out;
	struct reader r = { .fd = p.rd };
	pthread_t t;
	char *want = malloc(BIG);

	r.got = calloc(1, BIG);
	text(want, BIG);
	console_output_reset();
	fcntl(p.wr, F_SETFL, fcntl(p.wr, F_GETFL) | O_NONBLOCK);
	console_out_init(&out, p.wr, NULL, NULL);
	if (lines)
		console_out_set_lines(&out);
	pthread_create(&t, NULL, slow_reader, &r);
	for (size_t i = 0; i < BIG; i += chunk)
		console_out_write(&out, want + i, BIG - i < chunk ? BIG - i : chunk);
	console_out_flush(&out);
	pthread_join(t, NULL);
	CHECK_EQ(r.len, BIG);
	CHECK(memcmp(r.got, want, BIG) == 0);
	CHECK_EQ(console_output_error(), 0);
	CHECK_EQ(console_out_unwritten(&out), 0);
	free(want);
	free(r.got);
	test_pipe_close(&p);
}

TEST(output_nonblocking_pipe_one_write)
{
	nonblocking_all_arrive(false, BIG);
}

TEST(output_nonblocking_pipe_byte_runs)
{
	nonblocking_all_arrive(false, 100);
}

TEST(output_nonblocking_pipe_lines)
{
	nonblocking_all_arrive(true, 1000);
}

/* Fills a pipe until a non-blocking write would block. */
static void fill(int fd)
{
	char junk[4096];
	int flags = fcntl(fd, F_GETFL);

	memset(junk, 'j', sizeof(junk));
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	while (write(fd, junk, sizeof(junk)) > 0)
		;
	while (write(fd, junk, 1) > 0)
		;
	fcntl(fd, F_SETFL, flags);
}

static void on_kick(int sig)
{
	(void)sig;
}

/* As guest_install_kick_handler: no SA_RESTART, so write() sees EINTR. */
static void install_kick(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_kick;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

struct writer {
	struct console_out *out;
	const char *buf;
	size_t len;
	volatile bool done;
};

static void *write_thread(void *arg)
{
	struct writer *w = arg;

	console_out_write(w->out, w->buf, w->len);
	console_out_flush(w->out);
	w->done = true;
	return NULL;
}

/* A blocking pipe nobody reads; the stop sets cancel and kicks the
 * writer (every 50 ms until it returns, as main re-kicks while stopping);
 * kick_first: a kick before cancel is set must not end the write. */
static void blocked_write_stops(bool lines, bool nonblocking, bool kick)
{
	struct test_pipe p = test_pipe_open();
	struct console_out out;
	volatile bool cancel = false;
	char msg[3000];
	struct writer w = { .out = &out, .buf = msg, .len = sizeof(msg) };
	pthread_t t;
	uint64_t t0;

	install_kick();
	console_output_reset();
	memset(msg, 'x', sizeof(msg));
	msg[sizeof(msg) - 1] = '\n';
	fill(p.wr);
	if (nonblocking)
		fcntl(p.wr, F_SETFL, fcntl(p.wr, F_GETFL) | O_NONBLOCK);
	console_out_init(&out, p.wr, NULL, NULL);
	console_out_set_cancel(&out, &cancel);
	if (lines)
		console_out_set_lines(&out);
	pthread_create(&t, NULL, write_thread, &w);
	nap_ms(100);
	if (kick)
		pthread_kill(t, SIGUSR1); /* not a stop: the write goes on */
	nap_ms(100);
	CHECK(!w.done);
	t0 = ms_now();
	cancel = true;
	while (!w.done && ms_now() - t0 < 3000) {
		if (kick)
			pthread_kill(t, SIGUSR1);
		nap_ms(50);
	}
	CHECK(w.done);
	CHECK(ms_now() - t0 < 1000);
	if (w.done)
		pthread_join(t, NULL);
	CHECK_EQ(console_output_error(), 0);
	/* A line of 3000 bytes goes out as 1024 + 1024 + 952 (the assembler's
	 * line holds 1024): all of it unwritten, as one write's rest. */
	CHECK(console_out_unwritten(&out) > 0);
	CHECK(console_out_unwritten(&out) <= sizeof(msg));
	/* Once given up, more output is dropped at once, and counted. */
	uint64_t before = console_out_unwritten(&out);

	t0 = ms_now();
	console_out_write(&out, "more\n", 5);
	console_out_flush(&out);
	CHECK(ms_now() - t0 < 50);
	CHECK_EQ(console_out_unwritten(&out), before + 5);
	test_pipe_close(&p);
}

TEST(output_blocked_pipe_kick_and_cancel)
{
	blocked_write_stops(false, false, true);
}

TEST(output_blocked_pipe_lines_kick_and_cancel)
{
	blocked_write_stops(true, false, true);
}

TEST(output_full_nonblocking_pipe_cancel_without_kick)
{
	blocked_write_stops(false, true, false);
}

/* Main's tick never blocks: a line whose write would wait stays for the
 * next tick, and goes once the pipe drains. */
TEST(output_tick_flush_never_blocks)
{
	struct test_pipe p = test_pipe_open();
	struct console_out out;
	char buf[256];
	uint64_t t0, since;
	size_t len;

	console_output_reset();
	fill(p.wr);
	console_out_init(&out, p.wr, NULL, NULL);
	console_out_set_lines(&out);
	console_out_write(&out, "half", 4);
	since = console_out_partial_since(&out, &len);
	CHECK(since != 0);
	CHECK_EQ(len, 4); /* main's tick sees the line grow by its length */
	t0 = ms_now();
	console_out_flush_partial(&out, since);
	CHECK(ms_now() - t0 < 50);
	CHECK_EQ(console_out_partial_since(&out, &len), since); /* still there */
	while (test_pipe_drain(&p, buf, sizeof(buf)) > 0)
		;
	console_out_flush_partial(&out, since);
	CHECK_EQ(console_out_partial_since(&out, &len), 0);
	CHECK_EQ(len, 0);
	CHECK_EQ(test_pipe_drain(&p, buf, sizeof(buf)), 4);
	CHECK(strcmp(buf, "half") == 0);
	test_pipe_close(&p);
}

/* Captures what fn writes on stderr. */
static size_t on_stderr(void (*fn)(void *), void *arg, char *buf, size_t size)
{
	struct test_pipe e = test_pipe_open();
	int saved = dup(STDERR_FILENO);
	size_t n;

	dup2(e.wr, STDERR_FILENO);
	fn(arg);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = test_pipe_drain(&e, buf, size);
	test_pipe_close(&e);
	return n;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void write_twice(void *arg)
{
	struct console_out *out = arg;

	console_out_write(out, "abc\n", 4);
	console_out_write(out, "def\n", 4);
	console_out_flush(out);
}

TEST(output_epipe_reported_once_and_stops)
{
	struct test_pipe p = test_pipe_open();
	struct console_out out;
	char err[512];

	signal(SIGPIPE, SIG_IGN); /* as main */
	signal(SIGUSR2, SIG_IGN); /* the EPIPE wakes the main thread */
	console_output_reset();
	close(p.rd);
	p.rd = -1;
	console_out_init(&out, p.wr, NULL, NULL);
	on_stderr(write_twice, &out, err, sizeof(err));
	CHECK_EQ(console_output_error(), EPIPE);
	CHECK(console_output_closed());
	CHECK(strcmp(err, "kvm-vmm: standard output closed (EPIPE): stopping\n") == 0);
	CHECK_EQ(console_out_unwritten(&out), 0); /* not a stop's */
	console_output_reset();
	test_pipe_close(&p);
}

TEST(output_write_error_reported_once)
{
	struct console_out out;
	char err[512];
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	console_output_reset();
	console_out_init(&out, fd, "g", NULL);
	on_stderr(write_twice, &out, err, sizeof(err));
	CHECK_EQ(console_output_error(), ENOSPC);
	CHECK(!console_output_closed());
	CHECK_EQ(count_lines(err), 1);
	CHECK(strstr(err, "kvm-vmm: cannot write guest output to standard output: ") == err);
	CHECK(strstr(err, strerror(ENOSPC)) != NULL);
	console_output_reset();
	close(fd);
}
