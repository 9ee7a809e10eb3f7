/* A guest: one image in one VM with one vCPU, its devices and its console,
 * run on a thread of its own. Nothing here is shared between guests except
 * the host's stdout/stderr and the /dev/kvm handle. */
#ifndef MINIKVM_GUEST_H
#define MINIKVM_GUEST_H

#include <pthread.h>
#include <stdbool.h>

#include "boot/image.h"
#include "cli.h"
#include "console.h"
#include "dev/hypercall.h"
#include "dev/uart.h"
#include "stats.h"
#include "vcpu.h"
#include "vm.h"

struct guest {
	int index;
	char name[64];
	struct image image;
	const struct options *opts;
	int kvm_fd;
	int input_fd;		/* -1: no input */
	pthread_mutex_t *stdout_lock; /* shared by the guests' tagged output */
	uint64_t kvm_opened_ns; /* when /dev/kvm was opened, for set-up time */

	struct vm vm;
	struct vcpu vcpu;
	struct uart uart;
	struct hypercall_dev hypercall;
	struct console_out out;
	struct console_in in;
	struct run_stats stats;

	pthread_t thread;
	bool started;
	volatile bool finished;
	int status;
};

/* Thread body; when it returns, guest->finished is set and the process is
 * sent SIGUSR2 so the waiting main thread wakes. */
void *guest_thread(void *arg);
/* Ask a running guest to stop with status; safe from another thread. */
void guest_cancel(struct guest *g, int status);
/* Makes the vCPU kick signal (SIGUSR1) interrupt KVM_RUN. */
int guest_install_kick_handler(void);

#endif
