/* kvm-vmm: runs each guest image in a VM of its own, all at once, and
 * reports how they ended. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "boot/boot.h"
#include "cli.h"
#include "err.h"
#include "gdb/stub.h"
#include "guest.h"
#include "kvm_dev.h"
#include "qemu_cli.h"
#include "sandbox.h"
#include "signals.h"
#include "start_gate.h"
#include "stats.h"
#include "status.h"
#include "term.h"
#include "trace_events.h"
#include "vm.h"

static void name_guests(struct guest *guests, int n)
{
	for (int i = 0; i < n; i++) {
		char path[4096];
		const char *base;
		bool unique = true;

		snprintf(path, sizeof(path), "%s", guests[i].image.path);
		base = basename(path);
		for (int j = 0; j < n; j++)
			if (j != i && strcmp(guests[i].image.path, guests[j].image.path) == 0)
				unique = false;
		if (unique)
			snprintf(guests[i].name, sizeof(guests[i].name), "%.50s", base);
		else
			snprintf(guests[i].name, sizeof(guests[i].name), "%.50s#%d", base, i);
	}
}

/* kvm_dev_open says why /dev/kvm did not open, and what to do. */
static int open_kvm(void)
{
	int fd = kvm_dev_open(KVM_DEV_PATH);

	if (fd < 0)
		return -1;
	if (kvm_check_host(fd) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* kvm-pvm runs guest kernel code in KVM's instruction emulator; its
 * module is present but unbound where it runs inside another kvm-pvm
 * guest, so this comes after /dev/kvm opened. */
static void warn_slow_guests(const struct guest *guests, int n)
{
	if (access("/sys/module/kvm_pvm", F_OK) != 0)
		return;
	for (int i = 0; i < n; i++) {
		const char *slow = guests[i].plan.proto->slow_on_kvm_pvm;

		if (slow) {
			err_print("this host's KVM is kvm-pvm, which emulates guest kernel code: %s; use hardware KVM",
				  slow);
			return;
		}
	}
}

static uint64_t ns_until(uint64_t deadline_ns)
{
	uint64_t now = now_ns();

	return deadline_ns > now ? deadline_ns - now : 0;
}

static void stop_all(struct guest *guests, int n, int status)
{
	for (int i = 0; i < n; i++)
		guest_cancel(&guests[i], status);
}

/* Sleeps until every guest has finished, a stop signal, or the timeout;
 * returns the signal that stopped the run, or 0. */
static int wait_for_guests(struct guest *guests, int n, uint64_t timeout_ms,
			   const sigset_t *wake)
{
	uint64_t deadline = timeout_ms ? now_ns() + timeout_ms * 1000000u : 0;
	int stop_signal = 0;
	bool stopping = false; /* Ctrl-A X or the timeout stopped every guest */

	for (;;) {
		int running = 0;

		for (int i = 0; i < n; i++)
			if (!__atomic_load_n(&guests[i].finished, __ATOMIC_SEQ_CST))
				running++;
		if (running == 0)
			return stop_signal;

		struct timespec ts = { 1, 0 };

		if (stopping || stop_signal) {
			ts = (struct timespec){ 0, 100000000 }; /* re-kicks, below */
		} else if (deadline) {
			uint64_t left = ns_until(deadline);

			ts.tv_sec = (time_t)(left / 1000000000u);
			ts.tv_nsec = (long)(left % 1000000000u);
		}
		long tick = guest_console_tick_ns(guests, n);

		/* Often enough to write out a guest's unended line in time. */
		if (tick && (ts.tv_sec > 0 || ts.tv_nsec > tick))
			ts = (struct timespec){ 0, tick };
		int sig = sigtimedwait(wake, NULL, &ts);

		guest_console_tick(guests, n);
		if (signals_stop_run(sig)) {
			stop_signal = sig;
			stop_all(guests, n, STATUS_SIGNAL_BASE + sig);
		} else if (stopping || stop_signal) {
			/* Already stopping: wait for the threads, kicking those a
			 * blocked write of output still holds. */
			for (int i = 0; i < n; i++)
				guest_kick(&guests[i]);
		} else if (console_output_closed()) {
			stopping = true; /* EPIPE: console.c said so on stderr */
			stop_all(guests, n, STATUS_HOST_ERROR);
		} else if (guest_quit_requested(&guests[0])) {
			err_print("quit (Ctrl-A X)");
			stopping = true;
			stop_all(guests, n, STATUS_OK);
		} else if (deadline && ns_until(deadline) == 0) {
			stopping = true;
			stop_all(guests, n, STATUS_TIMEOUT);
		}
	}
}

/* 0, or -1 when the JSON file could not be written. json: --stats-json's
 * file, opened before the run (stats_json_open), closed here. */
static int report(const struct options *opts, FILE *json, struct guest *guests, int n,
		  uint64_t wall_ns)
{
	struct stats_entry entries[MAX_GUESTS];

	if (!opts->stats && !opts->stats_json)
		return 0;
	for (int i = 0; i < n; i++)
		entries[i] = (struct stats_entry){
			.name = guests[i].name,
			.outcome = guests[i].vcpu.outcome,
			.stats = &guests[i].stats,
			.ram_bytes = guests[i].plan.mem_size,
			/* vm_destroy leaves this as vm_create found it */
			.ram_mapping = guests[i].vm.ram_mapping,
		};
	if (opts->stats)
		stats_print_text(stderr, entries, n, wall_ns);
	if (json)
		return stats_json_finish(json, opts->stats_json, entries, n, wall_ns);
	return 0;
}

/* One run of kvm-vmm: what its phases share, and what clean_up() undoes. */
struct run {
	const struct options *opts;
	uint64_t t_start, t_kvm;
	struct guest *guests;
	FILE *json;	   /* --stats-json's file, until report() closes it */
	bool json_created; /* by this run: removed if the run fails */
	struct trace_file trace;
	sigset_t wake;	   /* the signals the main thread waits for */
	pthread_mutex_t stdout_lock;
	int kvm_fd;
	struct gdb_stub *stub;
	struct start_gate gate;
};

/* Everything checked and read before any guest starts, so bad input
 * never leaves half a run behind: the output files (a path that cannot
 * be written is a usage error, not a run's report lost), every image,
 * and their RAM added up against what the host can back. */
static int prepare(struct run *r)
{
	const struct options *opts = r->opts;
	int status;

	if (opts->stats_json) {
		r->json = stats_json_open(opts->stats_json, &r->json_created);
		if (!r->json)
			return STATUS_USAGE;
	}
	/* --trace: one file, each guest's events added at its end. */
	if (opts->trace && trace_file_open(&r->trace, opts->trace, r->t_start) < 0)
		return STATUS_USAGE;
	for (int i = 0; i < opts->nimages; i++) {
		status = boot_prepare(opts->images[i], opts, &r->guests[i].image,
				      &r->guests[i].plan);
		if (status)
			return status;
	}
	status = boot_check_total(&r->guests[0].plan, sizeof(r->guests[0]), opts->nimages);
	if (status)
		return status;
	name_guests(r->guests, opts->nimages);
	return 0;
}

/* Only the main thread takes the signals that end a run (and the
 * guests' "done" SIGUSR2), synchronously; vCPU threads unblock only
 * SIGUSR1. A closed pipe and a file over its size limit are write
 * errors (EPIPE, EFBIG), reported as such, not a silent death. */
static int take_signals(struct run *r)
{
	signals_wait_set(&r->wake);
	pthread_sigmask(SIG_BLOCK, &r->wake, NULL);
	sigdelset(&r->wake, SIGUSR1);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	if (guest_install_kick_handler() < 0 || signals_restore_terminal_on_fatal() < 0)
		return throw_err(STATUS_HOST_ERROR, "sigaction:");
	return 0;
}

/* /dev/kvm, then --gdb's listening socket (before the sandbox would
 * forbid it; the stub serves its guest from the first instruction). */
static int open_host(struct run *r)
{
	const struct options *opts = r->opts;

	r->t_kvm = now_ns();
	r->kvm_fd = open_kvm();
	if (r->kvm_fd < 0)
		return STATUS_NO_KVM;
	warn_slow_guests(r->guests, opts->nimages);
	if (opts->gdb.enabled && (!(r->stub = gdb_stub_open(&opts->gdb, r->kvm_fd)) ||
				  gdb_stub_start(r->stub, &r->guests[opts->gdb.guest]) < 0)) {
		gdb_stub_finish(r->stub, STATUS_HOST_ERROR);
		r->stub = NULL;
		return STATUS_HOST_ERROR;
	}
	return 0;
}

/* A thread per guest; once all have set up, the sandbox closes and the
 * gate opens. At a terminal guest 0 owns it, as in QEMU -nographic: a
 * raw serial line with the Ctrl-A escapes; anything else is left as is. */
static void start_guests(struct run *r, bool raw_terminal)
{
	const struct options *opts = r->opts;
	int nstarted = 0;

	for (int i = 0; i < opts->nimages; i++) {
		struct guest *g = &r->guests[i];

		g->index = i;
		g->opts = opts;
		g->kvm_fd = r->kvm_fd;
		g->start_ns = r->t_start;
		g->kvm_opened_ns = r->t_kvm;
		g->input_fd = i == 0 ? STDIN_FILENO : -1;
		g->stdout_lock = &r->stdout_lock;
		g->raw_terminal = raw_terminal && i == 0;
		g->gate = &r->gate;
		g->trace_file = opts->trace ? &r->trace : NULL;
		pthread_mutex_init(&g->cpu_lock, NULL);
		if (pthread_create(&g->thread, NULL, guest_thread, g) != 0) {
			err_print("%s: cannot start a vCPU thread", g->name);
			g->finished = true;
			g->status = STATUS_HOST_ERROR;
			continue;
		}
		g->started = true;
		nstarted++;
	}
	start_gate_wait_for(&r->gate, nstarted);
	start_gate_open(&r->gate, opts->no_sandbox || sandbox_enter() == 0);
}

/* A failure of kvm-vmm's own after the guests ended outranks a lower
 * status, and is not the guest's. */
static void host_error(int *status, bool *guest_chose)
{
	if (*status < STATUS_HOST_ERROR) {
		*status = STATUS_HOST_ERROR;
		*guest_chose = false;
	}
}

/* The highest status of the guests, then what went wrong in writing
 * their output, trace and statistics, then the signal that ended it. */
static int collect(struct run *r, int stop_signal, bool *guest_chose)
{
	const struct options *opts = r->opts;
	int status = 0;

	for (int i = 0; i < opts->nimages; i++) {
		struct guest *g = &r->guests[i];

		if (g->started)
			pthread_join(g->thread, NULL);
		if (g->status > status) {
			status = g->status;
			*guest_chose = g->vcpu.guest_status;
		}
	}
	if (r->stub) /* gdb hears how its guest ended */
		gdb_stub_finish(r->stub, r->guests[opts->gdb.guest].status);
	r->stub = NULL;
	if (console_output_error()) /* reported where it happened */
		host_error(&status, guest_chose);
	if (opts->trace && trace_file_finish(&r->trace) < 0)
		host_error(&status, guest_chose);
	if (report(opts, r->json, r->guests, opts->nimages, now_ns() - r->t_start) < 0)
		host_error(&status, guest_chose);
	r->json = NULL; /* closed by report() */
	if (stop_signal) {
		status = STATUS_SIGNAL_BASE + stop_signal;
		*guest_chose = false;
	}
	return status;
}

/* Whatever the run got that it still holds, on every way out. */
static void clean_up(struct run *r)
{
	stats_json_abandon(r->json, r->opts->stats_json, r->json_created);
	trace_file_abandon(&r->trace);
	term_restore();
	start_gate_destroy(&r->gate);
	if (r->kvm_fd >= 0)
		close(r->kvm_fd);
	for (int i = 0; i < r->opts->nimages; i++) {
		image_free(&r->guests[i].image);
		boot_plan_free(&r->guests[i].plan);
	}
	free(r->guests);
}

/* Runs the guests opts names; *guest_chose tells whether the status is
 * one a guest asked for (EXIT, isa-debug-exit) rather than kvm-vmm's. */
static int run(const struct options *opts, uint64_t t_start, bool *guest_chose)
{
	struct run r = {
		.opts = opts,
		.t_start = t_start,
		.trace = { .fd = -1 },
		.stdout_lock = PTHREAD_MUTEX_INITIALIZER,
		.kvm_fd = -1,
	};
	bool raw_terminal = false;
	int status;

	r.guests = calloc((size_t)opts->nimages, sizeof(*r.guests));
	if (!r.guests)
		return throw_err(STATUS_HOST_ERROR, "out of memory");
	start_gate_init(&r.gate);
	status = prepare(&r);
	if (!status)
		status = take_signals(&r);
	if (!status) {
		raw_terminal = term_enter_raw(STDIN_FILENO);
		status = open_host(&r);
	}
	if (!status) {
		start_guests(&r, raw_terminal);
		status = collect(&r, wait_for_guests(r.guests, opts->nimages, opts->timeout_ms, &r.wake),
				 guest_chose);
	}
	clean_up(&r);
	return status;
}

int main(int argc, char **argv)
{
	uint64_t t_start = now_ns();
	bool qemu = qemu_cli_wanted(argv[0]);
	bool guest_chose = false;
	struct options opts;
	int status = qemu ? qemu_cli_parse(argc, argv, &opts) : cli_parse(argc, argv, &opts);

	if (status == QEMU_CLI_EXIT_OK)
		return 0;
	if (status == 0 && opts.help)
		cli_print_help();
	else if (status == 0 && opts.version)
		cli_print_version();
	else if (status == 0)
		status = run(&opts, t_start, &guest_chose);
	/* kvm-vmm-qemu ends as QEMU does: with the guest's own status, or
	 * 0, or 1 for any failure of its own. */
	if (qemu && status && !guest_chose)
		return 1;
	return status;
}
