#include "guest.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "dev/debug_exit.h"
#include "err.h"
#include "start_gate.h"
#include "status.h"
#include "trace_events.h"

/* The run area of the vCPU this thread drives; the kick handler sets
 * immediate_exit there, which closes the race between checking for a stop
 * request and entering KVM_RUN. */
static __thread struct kvm_run *thread_run;

static void kick_handler(int sig)
{
	(void)sig;
	/* Atomic: vcpu_cancel sets it too, from another thread. Relaxed: the
	 * one reader is KVM, in this thread's next KVM_RUN. */
	if (thread_run)
		__atomic_store_n(&thread_run->immediate_exit, 1, __ATOMIC_RELAXED);
}

int guest_install_kick_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: KVM_RUN must return EINTR. */
	return sigaction(SIGUSR1, &sa, NULL);
}

/* Asks every vCPU but self to stop and kicks those in KVM_RUN (a vCPU
 * halted in the in-kernel LAPIC, or an AP waiting for its SIPI, leaves
 * KVM_RUN only on a signal). Called with cpu_lock held. */
static void cancel_vcpus(struct guest *g, const struct vcpu *self, int status)
{
	if (g->vcpus_closed)
		return;
	if (self != &g->vcpu) {
		vcpu_cancel(&g->vcpu, status);
		if (g->bsp_running || g->bsp_flushing)
			pthread_kill(g->bsp_thread, SIGUSR1);
	}
	for (int i = 0; g->aps && i < g->plan.nr_vcpus - 1; i++) {
		struct guest_ap *ap = &g->aps[i];

		if (&ap->vcpu == self)
			continue;
		vcpu_cancel(&ap->vcpu, status);
		if (ap->running)
			pthread_kill(ap->thread, SIGUSR1);
	}
}

void guest_cancel(struct guest *g, int status)
{
	pthread_mutex_lock(&g->cpu_lock);
	cancel_vcpus(g, NULL, status);
	pthread_mutex_unlock(&g->cpu_lock);
}

void guest_kick(struct guest *g)
{
	pthread_mutex_lock(&g->cpu_lock);
	if (!g->vcpus_closed) {
		if (g->bsp_running || g->bsp_flushing)
			pthread_kill(g->bsp_thread, SIGUSR1);
		for (int i = 0; g->aps && i < g->plan.nr_vcpus - 1; i++)
			if (g->aps[i].running)
				pthread_kill(g->aps[i].thread, SIGUSR1);
	}
	pthread_mutex_unlock(&g->cpu_lock);
}

/* The first vCPU to end ends the machine: a reset, a fault or a stop
 * request on one CPU stops its siblings with the same status. */
static void vcpu_ended(struct guest *g, const struct vcpu *v, int status)
{
	pthread_mutex_lock(&g->cpu_lock);
	if (!g->stopping) {
		g->stopping = true;
		cancel_vcpus(g, v, status);
	}
	pthread_mutex_unlock(&g->cpu_lock);
}

static void uart_irq(void *opaque, int level)
{
	struct guest *g = opaque;

	vm_irq_line(&g->vm, UART_COM1_IRQ, level);
}

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
static void *input_thread(void *arg)
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

static void *ap_thread(void *arg)
{
	struct guest_ap *ap = arg;
	int status;

	thread_run = ap->vcpu.run;
	status = vcpu_run(&ap->vcpu);
	thread_run = NULL;
	vcpu_ended(ap->guest, &ap->vcpu, status);
	pthread_mutex_lock(&ap->guest->cpu_lock);
	ap->running = false;
	pthread_mutex_unlock(&ap->guest->cpu_lock);
	return NULL;
}

/* Every vCPU gets the run's tracing settings and, where the protocol asks
 * for it, CPUID naming its APIC ID. */
static int create_vcpu(struct guest *g, struct vcpu *v, int id)
{
	v->guest_name = g->name;
	v->verbose = g->opts->verbose;
	v->dump_regs = g->opts->dump_regs;
	v->start_ns = g->start_ns;
	v->trace = trace_guest_cpu(g->trace, id);
	v->gdb = g->gdb;
	v->debug_io = g->opts->debug_io;
	v->qemu_statuses = g->opts->qemu_statuses;
	if (vcpu_create(v, &g->vm, g->kvm_fd, id) < 0)
		return -1;
	if ((g->plan.proto->devices & BOOT_DEV_CPUID) &&
	    vcpu_set_cpuid(v, g->kvm_fd, (uint32_t)id, &g->opts->cpu) < 0)
		return -1;
	return 0;
}

/* vCPU 0 and the APs. KVM holds the APs in wait-for-SIPI until the guest
 * starts them through its LAPIC. */
static int create_vcpus(struct guest *g)
{
	int nr_aps = g->plan.nr_vcpus - 1;
	struct guest_ap *aps = NULL;

	if (nr_aps > 0) {
		aps = calloc((size_t)nr_aps, sizeof(*aps));
		if (!aps)
			return throw_err(-1, "%s: out of memory for %d vCPUs", g->name,
					 g->plan.nr_vcpus);
		for (int i = 0; i < nr_aps; i++) {
			struct guest_ap *ap = &aps[i];

			ap->guest = g;
			ap->vcpu.fd = -1;
			snprintf(ap->name, sizeof(ap->name), "%s cpu%d", g->name, i + 1);
			ap->vcpu.name = ap->name;
			ap->vcpu.stats = &ap->stats;
			ap->vcpu.shutdown_resets = g->vcpu.shutdown_resets;
		}
		pthread_mutex_lock(&g->cpu_lock);
		g->aps = aps;
		pthread_mutex_unlock(&g->cpu_lock);
	}
	if (create_vcpu(g, &g->vcpu, 0) < 0)
		return -1;
	for (int i = 0; i < nr_aps; i++)
		if (create_vcpu(g, &aps[i].vcpu, i + 1) < 0)
			return -1;
	return 0;
}

/* The pc machine's devices a kernel written for QEMU looks for. */
static int register_qemu_devices(struct guest *g)
{
	struct e820_entry map[BOOT_MAX_E820];
	int nmap = g->plan.proto->memory_map(&g->plan, map);

	if (fw_cfg_setup_pc(&g->fw_cfg, g->plan.mem_size, (uint16_t)g->plan.nr_vcpus,
			    map, nmap) < 0 ||
	    fw_cfg_register(&g->fw_cfg, &g->vm.pio) < 0)
		return -1;
	acpi_pm_timer_init(&g->pm_timer);
	shutdown_port_init(&g->shutdown_port);
	if (acpi_pm_timer_register(&g->pm_timer, &g->vm.pio) < 0 ||
	    shutdown_port_register(&g->shutdown_port, &g->vm.pio) < 0)
		return -1;
	if (!g->opts->pc_testdev)
		return 0;
	if (pc_testdev_init(&g->testdev, &g->vm) < 0)
		return throw_err(-1, "%s: out of memory for pc-testdev", g->name);
	return pc_testdev_register(&g->testdev, &g->vm.pio, &g->vm.mmio);
}

static int register_devices(struct guest *g)
{
	unsigned devices = g->plan.proto->devices;

	if (uart_register(&g->uart, &g->vm.pio, UART_COM1_BASE) < 0)
		return -1;
	if ((devices & BOOT_DEV_PC) &&
	    (i8042_register(&g->i8042, &g->vm.pio) < 0 ||
	     rtc_register(&g->rtc, &g->vm.pio) < 0))
		return -1;
	if ((devices & BOOT_DEV_VMM_PORTS) &&
	    (hypercall_register(&g->hypercall, &g->vm.pio) < 0 ||
	     debug_exit_register(&g->vm.pio) < 0))
		return -1;
	if ((devices & BOOT_DEV_QEMU) && register_qemu_devices(g) < 0)
		return -1;
	return 0;
}

/* The machine the boot protocol's row asks for, before any vCPU exists:
 * the in-kernel irqchip must come after the memory slot and before them. */
static int create_machine(struct guest *g)
{
	unsigned devices = g->plan.proto->devices;

	if (g->plan.proto->load(&g->vm, &g->image, &g->plan) < 0)
		return -1;
	if (devices & BOOT_DEV_IRQCHIP) {
		/* The MP and ACPI tables number the IOAPIC after the CPUs. */
		if (vm_create_irqchip(&g->vm, g->kvm_fd) < 0 ||
		    vm_set_ioapic_id(&g->vm, (uint8_t)g->plan.nr_vcpus) < 0)
			return -1;
		g->uart.set_irq = uart_irq;
		g->uart.irq_opaque = g;
	}
	if (devices & BOOT_DEV_PC) {
		g->vcpu.shutdown_resets = true; /* Linux resets a PC this way too */
		g->uart.input_needs_rts = true;
		i8042_init(&g->i8042);
		rtc_init(&g->rtc);
	}
	if (create_vcpus(g) < 0)
		return -1;
	/* Only THR (offset 0): any other UART access still exits, and the
	 * queue is replayed before it, so the guest cannot tell. */
	if (g->opts->coalesced_io && (devices & BOOT_DEV_COALESCE) &&
	    (vm_coalesce_pio(&g->vm, g->kvm_fd, UART_COM1_BASE, 1) < 0 ||
	     vcpu_enable_coalesced(&g->vcpu) < 0))
		return -1;
	return g->plan.proto->setup_vcpu(&g->vcpu, &g->plan);
}

static int start_aps(struct guest *g)
{
	int ret = 0;

	pthread_mutex_lock(&g->cpu_lock);
	for (int i = 0; i < g->plan.nr_vcpus - 1 && ret == 0; i++) {
		struct guest_ap *ap = &g->aps[i];

		if (pthread_create(&ap->thread, NULL, ap_thread, ap) != 0)
			ret = throw_err(-1, "%s: cannot start a vCPU thread", ap->name);
		else
			ap->started = ap->running = true;
	}
	pthread_mutex_unlock(&g->cpu_lock);
	return ret;
}

/* A thread's /proc stat, kept open: the sandbox forbids opening it later,
 * and a read from offset 0 gives its state anew each time. */
static int open_thread_stat(pid_t tid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* --dump-mem's file name: one per guest when there are several. */
static void dump_path(const struct guest *g, char *path, size_t size)
{
	if (g->opts->nimages > 1)
		snprintf(path, size, "%s.%d", g->opts->dump_mem, g->index);
	else
		snprintf(path, size, "%s", g->opts->dump_mem);
}

/* Opened at set-up, before the sandbox forbids open: a path that cannot be
 * written fails the run before the guest starts. */
static int open_dump_file(struct guest *g)
{
	char path[4096];

	dump_path(g, path, sizeof(path));
	g->dump_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (g->dump_fd < 0)
		return throw_err(-1, "%s: cannot write the guest's memory (--dump-mem):", path);
	return 0;
}

/* --dump-mem: the guest's RAM as it was when the guest ended. */
static int dump_memory(struct guest *g)
{
	char path[4096];
	size_t done = 0;
	int fd = g->dump_fd;

	g->dump_fd = -1;
	dump_path(g, path, sizeof(path));
	while (done < g->vm.mem_size) {
		ssize_t n = write(fd, g->vm.mem + done, g->vm.mem_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return throw_err(-1, "%s: cannot write the guest's memory (--dump-mem):", path);
		}
		done += (size_t)n;
	}
	if (close(fd) < 0)
		return throw_err(-1, "%s: cannot write the guest's memory (--dump-mem):", path);
	return 0;
}

/* 0, or the status of the failure: the host out of memory or threads, or
 * KVM refusing what the guest needs. */
static int guest_setup(struct guest *g)
{
	console_out_init(&g->out, STDOUT_FILENO, g->opts->tag ? g->name : NULL,
			 g->stdout_lock);
	/* Every stop cancels vCPU 0, whichever vCPU is writing. */
	console_out_set_cancel(&g->out, &g->vcpu.cancel);
	if (!g->opts->tag && g->opts->nimages > 1)
		console_out_set_lines(&g->out);
	console_in_init(&g->in, g->input_fd, &g->vcpu.cancel);
	/* Published once both are initialised: main's tick flushes out, and
	 * main watches in for Ctrl-A X (guest_quit_requested). */
	__atomic_store_n(&g->out_ready, true, __ATOMIC_SEQ_CST);
	fw_cfg_init(&g->fw_cfg);
	uart_init(&g->uart, &g->out, g->input_fd >= 0 ? &g->in : NULL);
	if (g->opts->dump_mem && open_dump_file(g) < 0)
		return STATUS_HOST_ERROR;
	if (g->trace_file &&
	    !(g->trace = trace_guest_new(g->trace_file, g->index, g->name, g->plan.nr_vcpus)))
		return STATUS_HOST_ERROR;
	if (vm_create(&g->vm, g->kvm_fd, g->plan.mem_size) < 0 || create_machine(g) < 0)
		return status_from_errno(errno);
	g->in.escapes = g->input_fd >= 0 && g->raw_terminal;
	g->in.msg_fd = STDERR_FILENO;
	hypercall_init(&g->hypercall, &g->vm, &g->out, &g->in);
	if (register_devices(g) < 0)
		return throw_err(STATUS_NO_KVM, "%s: cannot register devices", g->name);
	if (g->input_fd >= 0 && (g->vm.has_irqchip || g->in.escapes)) {
		if (pthread_create(&g->input_thread, NULL, input_thread, g) != 0)
			return throw_err(STATUS_HOST_ERROR, "%s: cannot start the input thread",
					 g->name);
		g->input_started = true;
	}
	return 0;
}

void *guest_thread(void *arg)
{
	struct guest *g = arg;
	sigset_t kick;
	uint64_t t;

	sigemptyset(&kick);
	sigaddset(&kick, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);

	g->vm.vm_fd = -1;
	g->vcpu.fd = -1;
	g->dump_fd = -1;
	g->vcpu.name = g->name;
	g->vcpu.stats = &g->stats;
	pthread_mutex_lock(&g->cpu_lock);
	g->bsp_thread = pthread_self();
	g->bsp_tid = (pid_t)syscall(SYS_gettid);
	g->bsp_stat_fd = open_thread_stat(g->bsp_tid);
	g->bsp_running = true;
	pthread_mutex_unlock(&g->cpu_lock);
	g->status = guest_setup(g);
	/* The sandbox closes once every guest is here; only then may any of
	 * them run. */
	if (!start_gate_arrive(g->gate) && !g->status)
		g->status = STATUS_HOST_ERROR;
	if (!g->status && start_aps(g) < 0)
		g->status = STATUS_HOST_ERROR;
	if (g->status) {
		snprintf(g->vcpu.outcome, sizeof(g->vcpu.outcome), "set-up failed");
	} else {
		thread_run = g->vcpu.run;
		t = now_ns();
		stats_set_ns(&g->stats.setup_ns, t - g->kvm_opened_ns);
		g->status = vcpu_run(&g->vcpu);
		stats_set_ns(&g->stats.run_ns, now_ns() - t);
		thread_run = NULL;
	}
	vcpu_ended(g, &g->vcpu, g->status);
	pthread_mutex_lock(&g->cpu_lock);
	g->bsp_running = false;
	g->bsp_flushing = true; /* its last line may block: still kick it */
	pthread_mutex_unlock(&g->cpu_lock);
	/* The guest's status is the worst of its vCPUs'. */
	for (int i = 0; g->aps && i < g->plan.nr_vcpus - 1; i++) {
		struct guest_ap *ap = &g->aps[i];

		if (!ap->started)
			continue;
		pthread_join(ap->thread, NULL);
		if (ap->vcpu.status > g->status)
			g->status = ap->vcpu.status;
		stats_add(&g->stats, &ap->stats);
	}
	__atomic_store_n(&g->vcpu_done, true, __ATOMIC_SEQ_CST);
	if (g->input_started)
		pthread_join(g->input_thread, NULL);
	console_out_flush(&g->out);
	pthread_mutex_lock(&g->cpu_lock);
	g->bsp_flushing = false;
	pthread_mutex_unlock(&g->cpu_lock);
	uint64_t lost = console_out_unwritten(&g->out);

	if (lost) {
		/* The write was blocked (nobody reading) when the stop came. */
		err_print("%s: %llu bytes of guest output not written: the run was stopped",
			  g->name, (unsigned long long)lost);
		if (g->vcpu.cancel_status > g->status)
			g->status = g->vcpu.cancel_status;
	}
	if (console_output_error() && g->status < STATUS_HOST_ERROR)
		g->status = STATUS_HOST_ERROR;
	if (g->dump_fd >= 0 && g->vm.mem && dump_memory(g) < 0 &&
	    g->status < STATUS_HOST_ERROR)
		g->status = STATUS_HOST_ERROR;
	if (g->dump_fd >= 0)
		close(g->dump_fd);

	t = now_ns();
	pthread_mutex_lock(&g->cpu_lock);
	g->vcpus_closed = true;
	if (g->bsp_stat_fd >= 0)
		close(g->bsp_stat_fd);
	g->bsp_stat_fd = -1;
	pthread_mutex_unlock(&g->cpu_lock);
	for (int i = 0; g->aps && i < g->plan.nr_vcpus - 1; i++)
		vcpu_destroy(&g->aps[i].vcpu);
	free(g->aps);
	g->aps = NULL;
	vcpu_destroy(&g->vcpu);
	vm_destroy(&g->vm);
	fw_cfg_free(&g->fw_cfg);
	pc_testdev_free(&g->testdev);
	stats_set_ns(&g->stats.teardown_ns, now_ns() - t);
	if (g->trace) /* the whole guest's timeline, written once */
		trace_guest_finish(g->trace, g->kvm_opened_ns, t, t + g->stats.teardown_ns);
	g->trace = NULL;

	__atomic_store_n(&g->finished, true, __ATOMIC_SEQ_CST);
	kill(getpid(), SIGUSR2);
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
 * loop: CPU time spent since main first saw the line). A guest merely
 * waiting for a CPU on a loaded host is neither, so its line stays whole. */
static void flush_waiting_line(struct guest *g, uint64_t now)
{
	uint64_t since = console_out_partial_since(&g->out), cpu = 0;
	bool asleep = true;

	if (!since)
		return;
	pthread_mutex_lock(&g->cpu_lock);
	if (g->bsp_running) {
		cpu = thread_cpu_ns(g->bsp_thread);
		asleep = thread_asleep(g->bsp_stat_fd);
	}
	pthread_mutex_unlock(&g->cpu_lock);
	if (since != g->tick_line_since) {
		g->tick_line_since = since; /* first seen: CPU time from here */
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

long guest_console_tick_ns(const struct guest *guests, int n)
{
	if (n > 1 && !guests[0].opts->tag)
		return (long)(CONSOLE_LINE_DELAY_NS / 2);
	return 0;
}
