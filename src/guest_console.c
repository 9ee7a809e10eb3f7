/* A guest's console on the host's side, beyond its devices: the input
 * thread that reads ahead of the guest (for the UART's interrupt, and for
 * the Ctrl-A escapes at a terminal), and main's periodic tick, which writes
 * out unended lines and prints the statistics Ctrl-A S asks for. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "guest_impl.h"

/* Without escapes: sleeps until more input may be read. */
static void wait_for_input(struct guest *g)
{
	struct pollfd pfd = { .fd = g->in.fd, .events = POLLIN };

	if (console_in_pending(&g->in)) {
		/* The guest has not taken the last bytes yet; its reads refill
		 * the buffer themselves until it runs dry. */
		console_in_wait_taken(&g->in, 100);
		return;
	}
	poll(&pfd, 1, 100);
}

/* A kernel waits for input in HLT and is woken by the UART's interrupt,
 * so host input must raise it as it arrives, not when the guest polls. At
 * a terminal every guest has this thread: it reads ahead of the guest so
 * that the Ctrl-A escapes work while the guest is not reading (a real-mode
 * guest that never polls the UART, one that spins). */
void *guest_input_thread(void *arg)
{
	struct guest *g = arg;

	while (!__atomic_load_n(&g->vcpu.cancel, __ATOMIC_SEQ_CST) &&
	       !__atomic_load_n(&g->vcpu_done, __ATOMIC_SEQ_CST)) {
		if (g->vm.has_irqchip)
			uart_input_changed(&g->uart);
		if (console_in_quit_requested(&g->in))
			break;
		if (console_in_eof(&g->in))
			break; /* the carrier drops when the guest reads the rest */
		if (g->in.escapes)
			console_in_pump(&g->in, 100);
		else
			wait_for_input(g);
	}
	return NULL;
}

/* --- the console's periodic work, on main's wait loop --- */

/* A guest's counters so far, for Ctrl-A S. The vCPU threads update them
 * while this reads them, without a lock: a progress report may be a few
 * exits behind, and that is all (each counter is read whole, atomically:
 * stats_snapshot, stats_add; the port table only grows). The APs' counters are
 * added while vCPU 0 runs (cpu_lock keeps the APs' array alive); between
 * vCPU 0's end and the join of its APs they may be missing. */
static void snapshot_stats(struct guest *g, struct run_stats *s, uint64_t now)
{
	stats_snapshot(s, &g->stats);
	pthread_mutex_lock(&g->cpu_lock);
	if (g->bsp_running && !g->vcpus_closed)
		for (int i = 0; g->aps && i < g->plan.nr_vcpus - 1; i++)
			stats_add(s, &g->aps[i].stats);
	pthread_mutex_unlock(&g->cpu_lock);
	/* Still running: the run time so far (the run began set-up after). */
	if (!s->run_ns && s->setup_ns)
		s->run_ns = now - (g->kvm_opened_ns + s->setup_ns);
}

/* Ctrl-A S: the --stats text for every guest, the guests still running. */
static void print_progress(struct guest *guests, int n)
{
	struct run_stats *snaps = calloc((size_t)n, sizeof(*snaps));
	struct stats_entry *entries = calloc((size_t)n, sizeof(*entries));
	uint64_t now = now_ns();

	if (snaps && entries) {
		for (int i = 0; i < n; i++) {
			bool done = __atomic_load_n(&guests[i].finished, __ATOMIC_SEQ_CST);

			snapshot_stats(&guests[i], &snaps[i], now);
			entries[i] = (struct stats_entry){
				.name = guests[i].name,
				.outcome = done ? guests[i].vcpu.outcome : "running",
				.stats = &snaps[i],
			};
		}
		err_print("statistics so far (Ctrl-A S); the guests go on");
		stats_print_text(stderr, entries, n, now - guests[0].start_ns);
	}
	free(snaps);
	free(entries);
}

/* Whether a thread is asleep (blocked: in HLT, waiting for input) rather
 * than running or waiting for a CPU; from /proc, and asleep without it. */
static bool thread_asleep(int stat_fd)
{
	char buf[512];
	ssize_t n;
	const char *p;

	if (stat_fd < 0)
		return true;
	n = pread(stat_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the name may hold spaces and parentheses */
	return !p || p[1] != ' ' || p[2] != 'R';
}

static uint64_t thread_cpu_ns(pthread_t t)
{
	clockid_t clock;
	struct timespec ts;

	if (pthread_getcpuclockid(t, &clock) != 0 || clock_gettime(clock, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Several guests without --tag: an unended line is written out once it
 * has waited CONSOLE_LINE_DELAY_NS and the guest is truly waiting: vCPU 0
 * asleep (HLT, input), or running on without ending it (a spin, a poll
 * loop: CPU time spent since main last saw the line grow). A guest merely
 * waiting for a CPU on a loaded host is neither, so its line stays whole. */
static void flush_waiting_line(struct guest *g, uint64_t now)
{
	size_t len;
	uint64_t since = console_out_partial_since(&g->out, &len), cpu = 0;
	bool asleep = true;

	if (!since)
		return;
	pthread_mutex_lock(&g->cpu_lock);
	if (g->bsp_running) {
		cpu = thread_cpu_ns(g->bsp_thread);
		asleep = thread_asleep(g->bsp_stat_fd);
	}
	pthread_mutex_unlock(&g->cpu_lock);
	/* First seen, or grown since: CPU time counts from here, so a guest
	 * still writing its line, however slowly (a loaded host, a sanitizer
	 * build), is not taken for one that runs on without ending it. */
	if (since != g->tick_line_since || len != g->tick_line_len) {
		g->tick_line_since = since;
		g->tick_line_len = len;
		g->tick_line_cpu_ns = cpu;
	}
	if (now - since >= CONSOLE_LINE_DELAY_NS &&
	    (asleep || cpu - g->tick_line_cpu_ns >= CONSOLE_LINE_DELAY_NS))
		console_out_flush_partial(&g->out, since);
}

/* Why here: a vCPU blocked in KVM_RUN cannot flush its own unended line,
 * and main already wakes to watch the guests; a tick there is the one
 * timer every guest shares, with no thread of its own. */
void guest_console_tick(struct guest *guests, int n)
{
	uint64_t now = now_ns();

	for (int i = 0; i < n; i++)
		if (__atomic_load_n(&guests[i].out_ready, __ATOMIC_SEQ_CST))
			flush_waiting_line(&guests[i], now);
	if (console_take_stats_request())
		print_progress(guests, n);
}

void guest_stats_so_far(struct guest *g, struct run_stats *s)
{
	snapshot_stats(g, s, now_ns());
}

bool guest_quit_requested(struct guest *g)
{
	/* Not before the guest's thread has initialised g->in. */
	return __atomic_load_n(&g->out_ready, __ATOMIC_SEQ_CST) &&
	       console_in_quit_requested(&g->in);
}

bool guest_shares_console_lines(const struct guest *g)
{
	return !g->opts->tag && g->opts->nimages > 1;
}

long guest_console_tick_ns(const struct guest *guests, int n)
{
	if (n > 1 && !guests[0].opts->tag)
		return (long)(CONSOLE_LINE_DELAY_NS / 2);
	return 0;
}
