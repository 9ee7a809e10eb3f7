#include "guest.h"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "boot/multiboot.h"
#include "boot/realmode.h"
#include "dev/debug_exit.h"
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

static void uart_irq(void *opaque, int level)
{
	struct guest *g = opaque;

	vm_irq_line(&g->vm, UART_COM1_IRQ, level);
}

/* A kernel waits for input in HLT and is woken by the UART's interrupt,
 * so host input must raise it as it arrives, not when the guest polls. */
static void *input_thread(void *arg)
{
	struct guest *g = arg;

	while (!__atomic_load_n(&g->vcpu.cancel, __ATOMIC_SEQ_CST) &&
	       !__atomic_load_n(&g->vcpu_done, __ATOMIC_SEQ_CST)) {
		uart_input_changed(&g->uart);
		if (g->in.quit_requested)
			break;
		if (console_in_eof(&g->in))
			break; /* the carrier drops when the guest reads the rest */
		if (console_in_pending(&g->in)) {
			usleep(5000); /* the guest has not taken the last bytes yet */
			continue;
		}
		struct pollfd pfd = { .fd = g->in.fd, .events = POLLIN };

		poll(&pfd, 1, 100);
	}
	return NULL;
}

static int boot_realmode(struct guest *g)
{
	if (realmode_load(&g->vm, &g->image) < 0 ||
	    vcpu_create(&g->vcpu, &g->vm, g->kvm_fd, 0) < 0)
		return -1;
	return realmode_setup_vcpu(&g->vcpu);
}

static int boot_multiboot(struct guest *g)
{
	struct multiboot_kernel k;
	const char *cmdline = g->opts->cmdline ? g->opts->cmdline : "";

	if (multiboot_load(&g->vm, &g->image, &k) < 0 ||
	    multiboot_write_info(&g->vm, cmdline) < 0 ||
	    vm_create_irqchip(&g->vm, g->kvm_fd) < 0 ||
	    vcpu_create(&g->vcpu, &g->vm, g->kvm_fd, 0) < 0 ||
	    vcpu_set_cpuid(&g->vcpu, g->kvm_fd, 0) < 0)
		return -1;
	g->uart.set_irq = uart_irq;
	g->uart.irq_opaque = g;
	return multiboot_setup_vcpu(&g->vcpu, &k);
}

static int guest_setup(struct guest *g)
{
	const struct options *o = g->opts;

	console_out_init(&g->out, STDOUT_FILENO, o->tag ? g->name : NULL,
			 g->stdout_lock);
	console_in_init(&g->in, g->input_fd, &g->vcpu.cancel);
	uart_init(&g->uart, &g->out, g->input_fd >= 0 ? &g->in : NULL);
	if (vm_create(&g->vm, g->kvm_fd, g->mem_size) < 0)
		return -1;
	if ((g->kind == BOOT_MULTIBOOT ? boot_multiboot(g) : boot_realmode(g)) < 0)
		return -1;
	g->in.escapes = g->input_fd >= 0 && g->raw_terminal;
	hypercall_init(&g->hypercall, &g->vm, &g->out, &g->in);
	if (uart_register(&g->uart, &g->vm.pio, UART_COM1_BASE) < 0 ||
	    hypercall_register(&g->hypercall, &g->vm.pio) < 0 ||
	    debug_exit_register(&g->vm.pio) < 0)
		return throw_err(-1, "%s: cannot register devices", g->name);
	if (g->vm.has_irqchip && g->input_fd >= 0) {
		if (pthread_create(&g->input_thread, NULL, input_thread, g) != 0)
			return throw_err(-1, "%s: cannot start the input thread", g->name);
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
	__atomic_store_n(&g->vcpu_done, true, __ATOMIC_SEQ_CST);
	if (g->input_started)
		pthread_join(g->input_thread, NULL);
	console_out_flush(&g->out);

	t = now_ns();
	vcpu_destroy(&g->vcpu);
	vm_destroy(&g->vm);
	g->stats.teardown_ns = now_ns() - t;

	__atomic_store_n(&g->finished, true, __ATOMIC_SEQ_CST);
	kill(getpid(), SIGUSR2);
	return NULL;
}
