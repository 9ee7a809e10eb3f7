/* Unit-level checks, built with ThreadSanitizer, that the fixes of the data
 * races it found in kvm-vmm (issue 11) hold: each case runs both sides of
 * one race at once, on plain host threads, so it needs no /dev/kvm and runs
 * wherever make test-tsan does. A plain access on either side is a TSan
 * report, which ends the run with status 66 (halt_on_error; the make rule
 * turns that into a failed summary). The e2e suites under TSan cover the
 * races that need a running guest (the quit flag read before guest 0 has
 * initialised it, the kick handler's immediate_exit).
 *   stats:  Ctrl-A S snapshots a vCPU's counters while it counts
 *   quit:   Ctrl-A X read by one thread, watched for by another
 *   cancel: a read of input waiting on stdin ends when another thread
 *           cancels the vCPU */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../src/console.h"
#include "../../src/stats.h"
#include "../../src/vcpu.h"

static int failures;

#define CHECK(expr)                                                          \
	do {                                                                 \
		if (!(expr)) {                                               \
			printf("    %s:%d: check failed: %s\n", __FILE__,   \
			       __LINE__, #expr);                             \
			failures++;                                          \
		}                                                            \
	} while (0)

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* --- stats: the counting thread against the snapshots --- */
#define COUNTS 100000
static struct run_stats counted;

static void *count_exits(void *arg)
{
	(void)arg;
	for (int i = 0; i < COUNTS; i++) {
		stats_count_exit(&counted, KVM_EXIT_IO);
		stats_count_port(&counted, (uint16_t)(0x3f8 + i % 8), i & 1);
		if (i % 16 == 0)
			stats_count_coalesced(&counted);
	}
	stats_set_ns(&counted.run_ns, 12345);
	return NULL;
}

static void test_stats(void)
{
	struct run_stats snap;
	uint64_t last = 0, ports = 0;
	pthread_t t;

	CHECK(pthread_create(&t, NULL, count_exits, NULL) == 0);
	do {
		stats_snapshot(&snap, &counted);
		CHECK(snap.exits >= last && snap.exits <= COUNTS);
		CHECK(snap.nports <= 8);
		last = snap.exits;
	} while (snap.run_ns == 0);
	pthread_join(t, NULL);
	stats_snapshot(&snap, &counted);
	for (int i = 0; i < snap.nports; i++)
		ports += snap.ports[i].in + snap.ports[i].out;
	CHECK(snap.exits == COUNTS && snap.by_reason[KVM_EXIT_IO] == COUNTS);
	CHECK(snap.nports == 8 && ports == COUNTS);
	CHECK(snap.coalesced_writes == (COUNTS + 15) / 16);
}

/* --- quit: the input thread reads Ctrl-A X, another watches --- */
static void *pump_input(void *arg)
{
	struct console_in *in = arg;

	while (!console_in_quit_requested(in) && !console_in_eof(in))
		console_in_pump(in, 10);
	return NULL;
}

static void test_quit(void)
{
	struct console_in in;
	int fds[2];
	pthread_t t;
	uint8_t b = 0;
	int waited = 0;

	CHECK(pipe(fds) == 0);
	console_in_init(&in, fds[0], NULL);
	in.escapes = true;
	CHECK(pthread_create(&t, NULL, pump_input, &in) == 0);
	sleep_ms(20);
	CHECK(write(fds[1], "ab\001x", 4) == 4);
	while (!console_in_quit_requested(&in) && waited++ < 500)
		sleep_ms(10);
	pthread_join(t, NULL);
	CHECK(console_in_quit_requested(&in));
	CHECK(console_in_getc(&in, &b, 0) == 1 && b == 'a');
	CHECK(console_in_getc(&in, &b, 0) == 1 && b == 'b');
	CHECK(console_in_getc(&in, &b, 0) == -1); /* the quit ends input */
	close(fds[0]);
	close(fds[1]);
}

/* --- cancel: a vCPU's read of input, cancelled from another thread --- */
struct reader {
	struct console_in *in;
	int got;
};

static void *read_input(void *arg)
{
	struct reader *r = arg;
	uint8_t b;

	r->got = console_in_getc(r->in, &b, -1);
	return NULL;
}

static void test_cancel(void)
{
	static struct vcpu v; /* no run area: vcpu_cancel sets the flags only */
	struct console_in in;
	struct reader r = { .in = &in, .got = 0 };
	int fds[2];
	pthread_t t;

	CHECK(pipe(fds) == 0);
	console_in_init(&in, fds[0], &v.cancel);
	CHECK(pthread_create(&t, NULL, read_input, &r) == 0);
	sleep_ms(50);
	vcpu_cancel(&v, 0);
	pthread_join(t, NULL);
	CHECK(r.got == -1);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "stats: Ctrl-A S snapshots while the vCPU counts", test_stats },
		{ "quit: Ctrl-A X read on one thread, watched on another", test_quit },
		{ "cancel: a read of input ends when another thread cancels", test_cancel },
	};
	int passed = 0, failed = 0;
	sigset_t usr2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Ctrl-A X and S wake kvm-vmm's main thread with SIGUSR2. */
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &usr2, NULL);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		int before = failures;

		tests[i].fn();
		printf("%s %s\n", failures == before ? "ok  " : "FAIL", tests[i].name);
		if (failures == before)
			passed++;
		else
			failed++;
	}
	printf("tsan-unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
