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

enum boot_kind {
	BOOT_REALMODE,	/* 16-bit flat binary, docs/guest-abi.md */
	BOOT_MULTIBOOT, /* multiboot v1 ELF32 kernel, with irqchip and PIT */
};

struct guest {
	int index;
	enum boot_kind kind;
	uint64_t mem_size;
	char name[64];
	struct image image;
	const struct options *opts;
	int kvm_fd;
	int input_fd;		/* -1: no input */
	pthread_mutex_t *stdout_lock; /* shared by the guests' tagged output */
	bool raw_terminal;	      /* input is a terminal in raw mode */
	uint64_t kvm_opened_ns; /* when /dev/kvm was opened, for set-up time */

	struct vm vm;
	struct vcpu vcpu;
	struct uart uart;
	struct hypercall_dev hypercall;
	struct console_out out;
	struct console_in in;
	struct run_stats stats;

	pthread_t thread;
	pthread_t input_thread; /* interrupt-driven guests with input only */
	bool input_started;
	bool started;
	volatile bool vcpu_done; /* the run loop ended; the input thread stops */
	volatile bool finished;  /* the thread has cleaned up */
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
