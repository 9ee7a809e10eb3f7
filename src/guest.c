#include "guest.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "boot/realmode.h"
#include "err.h"

/* The run area of the vCPU this thread drives; the kick handler sets
 * immediate_exit there, which closes the race between checking for a stop
 * request and entering KVM_RUN. */
static __thread struct kvm_run *thread_run;

static void kick_handler(int sig)
{
	(void)sig;
	if (thread_run)
		thread_run->immediate_exit = 1;
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

void guest_cancel(struct guest *g, int status)
{
	vcpu_cancel(&g->vcpu, status);
	if (g->started && !g->finished)
		pthread_kill(g->thread, SIGUSR1);
}

static int guest_setup(struct guest *g)
{
	const struct options *o = g->opts;

	if (vm_create(&g->vm, g->kvm_fd, o->mem_size) < 0)
		return -1;
	if (realmode_load(&g->vm, &g->image) < 0)
		return -1;
	if (vcpu_create(&g->vcpu, &g->vm, g->kvm_fd, 0) < 0)
		return -1;
	if (realmode_setup_vcpu(&g->vcpu) < 0)
		return -1;

	console_out_init(&g->out, STDOUT_FILENO, o->tag ? g->name : NULL,
			 g->stdout_lock);
	console_in_init(&g->in, g->input_fd, &g->vcpu.cancel);
	uart_init(&g->uart, &g->out, g->input_fd >= 0 ? &g->in : NULL);
	hypercall_init(&g->hypercall, &g->vm, &g->out, &g->in);
	if (uart_register(&g->uart, &g->vm.pio, UART_COM1_BASE) < 0 ||
	    hypercall_register(&g->hypercall, &g->vm.pio) < 0)
		return throw_err(-1, "%s: cannot register devices", g->name);
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
	g->vcpu.name = g->name;
	g->vcpu.stats = &g->stats;
	g->vcpu.debug_io = g->opts->debug_io;
	if (guest_setup(g) < 0) {
		g->status = STATUS_NO_KVM;
		snprintf(g->vcpu.outcome, sizeof(g->vcpu.outcome), "set-up failed");
	} else {
		thread_run = g->vcpu.run;
		t = now_ns();
		g->stats.setup_ns = t - g->kvm_opened_ns;
		g->status = vcpu_run(&g->vcpu);
		g->stats.run_ns = now_ns() - t;
		thread_run = NULL;
	}
	console_out_flush(&g->out);

	t = now_ns();
	vcpu_destroy(&g->vcpu);
	vm_destroy(&g->vm);
	g->stats.teardown_ns = now_ns() - t;

	__atomic_store_n(&g->finished, true, __ATOMIC_SEQ_CST);
	kill(getpid(), SIGUSR2);
	return NULL;
}
