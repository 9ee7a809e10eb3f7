/* A guest's run and its end: vCPU 0 on the guest's thread and each AP on
 * one of its own, the kick that gets a vCPU out of KVM_RUN, the stop that
 * the first vCPU to end passes to its siblings, and the teardown, in which
 * the guest's status becomes the worst of its vCPUs' and --dump-mem writes
 * its RAM. Set-up is guest_setup.c; the console's input thread and main's
 * tick are guest_console.c. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "err.h"
#include "guest_impl.h"
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
int guest_open_dump_file(struct guest *g)
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

/* The boot vCPU's thread takes the kick (SIGUSR1) and tells main's
 * tick where to look for it. */
static void thread_begin(struct guest *g)
{
	sigset_t kick;

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
	/* Only main's tick reads it, and only for a line-buffered guest. */
	g->bsp_stat_fd = guest_shares_console_lines(g) ? open_thread_stat(g->bsp_tid) : -1;
	g->bsp_running = true;
	pthread_mutex_unlock(&g->cpu_lock);
}

/* Set-up, the gate, then the boot vCPU runs until the guest ends. */
static void set_up_and_run(struct guest *g)
{
	uint64_t t;

	g->status = guest_setup(g);
	/* The sandbox closes once every guest is here; only then may any of
	 * them run. */
	if (!start_gate_arrive(g->gate) && !g->status)
		g->status = STATUS_HOST_ERROR;
	if (!g->status && start_aps(g) < 0)
		g->status = STATUS_HOST_ERROR;
	if (g->status) {
		snprintf(g->vcpu.outcome, sizeof(g->vcpu.outcome), "set-up failed");
		return;
	}
	thread_run = g->vcpu.run;
	t = now_ns();
	stats_set_ns(&g->stats.setup_ns, t - g->kvm_opened_ns);
	g->status = vcpu_run(&g->vcpu);
	stats_set_ns(&g->stats.run_ns, now_ns() - t);
	thread_run = NULL;
}

static void raise_status(struct guest *g, int status)
{
	if (status > g->status)
		g->status = status;
}

/* The other vCPUs and the input thread end; the guest's status becomes
 * the worst of its vCPUs', its output is written out, RAM dumped. */
static void wind_down(struct guest *g)
{
	uint64_t lost;

	vcpu_ended(g, &g->vcpu, g->status);
	pthread_mutex_lock(&g->cpu_lock);
	g->bsp_running = false;
	g->bsp_flushing = true; /* its last line may block: still kick it */
	pthread_mutex_unlock(&g->cpu_lock);
	for (int i = 0; g->aps && i < g->plan.nr_vcpus - 1; i++) {
		struct guest_ap *ap = &g->aps[i];

		if (!ap->started)
			continue;
		pthread_join(ap->thread, NULL);
		raise_status(g, ap->vcpu.status);
		stats_add(&g->stats, &ap->stats);
	}
	__atomic_store_n(&g->vcpu_done, true, __ATOMIC_SEQ_CST);
	if (g->input_started)
		pthread_join(g->input_thread, NULL);
	console_out_flush(&g->out);
	pthread_mutex_lock(&g->cpu_lock);
	g->bsp_flushing = false;
	pthread_mutex_unlock(&g->cpu_lock);
	lost = console_out_unwritten(&g->out);
	if (lost) {
		/* The write was blocked (nobody reading) when the stop came. */
		err_print("%s: %llu bytes of guest output not written: the run was stopped",
			  g->name, (unsigned long long)lost);
		raise_status(g, g->vcpu.cancel_status);
	}
	if (console_output_error())
		raise_status(g, STATUS_HOST_ERROR);
	if (g->dump_fd >= 0 && g->vm.mem && dump_memory(g) < 0)
		raise_status(g, STATUS_HOST_ERROR);
	if (g->dump_fd >= 0)
		close(g->dump_fd);
}

/* The VM and its devices go; the guest's timeline is written once. */
static void tear_down(struct guest *g)
{
	uint64_t t = now_ns();

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
	if (g->trace)
		trace_guest_finish(g->trace, g->kvm_opened_ns, t, t + g->stats.teardown_ns);
	g->trace = NULL;
}

void *guest_thread(void *arg)
{
	struct guest *g = arg;

	thread_begin(g);
	set_up_and_run(g);
	wind_down(g);
	tear_down(g);
	__atomic_store_n(&g->finished, true, __ATOMIC_SEQ_CST);
	kill(getpid(), SIGUSR2); /* wakes main's wait */
	return NULL;
}
