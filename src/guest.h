/* A guest: one image in one VM, its devices and its console, run on a
 * thread of its own; a Linux guest with --smp N has N vCPUs, vCPU 0 on that
 * thread and each other one (an AP) on a thread of its own. Nothing here is
 * shared between guests except the host's stdout/stderr and /dev/kvm. */
#ifndef MINIKVM_GUEST_H
#define MINIKVM_GUEST_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "boot/boot.h"
#include "boot/image.h"
#include "cli.h"
#include "console.h"
#include "dev/hypercall.h"
#include "dev/acpi_pm_timer.h"
#include "dev/fw_cfg.h"
#include "dev/i8042.h"
#include "dev/pc_testdev.h"
#include "dev/rtc.h"
#include "dev/shutdown_port.h"
#include "dev/uart.h"
#include "stats.h"
#include "vcpu.h"
#include "vm.h"

struct guest;
struct gdb_stub;

/* An application processor: a vCPU other than vCPU 0, on its own thread. */
struct guest_ap {
	struct guest *guest;
	struct vcpu vcpu;
	struct run_stats stats; /* added to the guest's when the AP ends */
	char name[80];
	pthread_t thread;
	bool started; /* the thread exists: join it */
	bool running; /* started, not yet ending: kick it; under cpu_lock */
};

struct guest {
	int index;
	char name[64];
	struct image image;
	struct boot_plan plan;	/* how the image boots: checked before any guest runs */
	const struct options *opts;
	int kvm_fd;
	int input_fd;		/* -1: no input */
	pthread_mutex_t *stdout_lock; /* shared by the guests' tagged output */
	bool raw_terminal;	      /* input is a terminal in raw mode */
	uint64_t start_ns;	/* when the VMM started, for --verbose */
	uint64_t kvm_opened_ns; /* when /dev/kvm was opened, for set-up time */

	struct vm vm;
	struct vcpu vcpu; /* vCPU 0, the boot processor */
	struct guest_ap *aps; /* plan.nr_vcpus - 1 of them */
	struct uart uart;
	struct i8042 i8042;
	struct rtc rtc;
	struct fw_cfg fw_cfg;	/* BOOT_DEV_QEMU: */
	struct acpi_pm_timer pm_timer;
	struct shutdown_port shutdown_port;
	struct pc_testdev testdev; /* with --device pc-testdev */
	struct hypercall_dev hypercall;
	struct console_out out;
	struct console_in in;
	struct run_stats stats;

	pthread_t thread;
	pthread_t input_thread; /* interrupt-driven guests, or at a terminal */
	bool input_started;
	bool started;
	/* Guards the vCPUs' stop requests and kicks against their threads
	 * ending and their teardown; main initialises it before the thread. */
	pthread_mutex_t cpu_lock;
	pthread_t bsp_thread;
	pid_t bsp_tid;	   /* for /proc: is vCPU 0 asleep (main's tick) */
	int bsp_stat_fd;   /* its /proc stat, opened before the sandbox; -1:
			    * not line-buffered (guest_shares_console_lines) */
	int dump_fd;	   /* --dump-mem's file, opened at set-up; -1 */
	struct trace_file *trace_file; /* --trace's, main's; NULL: off */
	struct gdb_stub *gdb;	/* --gdb's stub when it serves this guest; NULL */
	struct trace_guest *trace;     /* this guest's records in it */
	struct start_gate *gate; /* passed once set up; main closes the sandbox */
	uint64_t tick_line_since, tick_line_cpu_ns; /* main's tick only */
	size_t tick_line_len;			    /* main's tick only */
	bool bsp_running;  /* vCPU 0 may be in KVM_RUN: kick bsp_thread */
	bool bsp_flushing; /* its run over, its last output being written: kick */
	bool stopping;	   /* a vCPU ended; the others were told to stop */
	bool vcpus_closed; /* torn down: nothing to cancel any more */
	volatile bool vcpu_done; /* the run loop ended; the input thread stops */
	bool out_ready;		 /* out and in are set up: main may use them */
	volatile bool finished;  /* the thread has cleaned up */
	int status;
};

/* Thread body; when it returns, guest->finished is set and the process is
 * sent SIGUSR2 so the waiting main thread wakes. */
void *guest_thread(void *arg);
/* Ask a running guest, every vCPU of it, to stop with status; safe from
 * another thread. */
void guest_cancel(struct guest *g, int status);
/* Kicks again every vCPU thread of g that may be blocked (in KVM_RUN, or
 * writing output to a pipe nobody reads), without changing the status a
 * stop gave it: main repeats this while stopping, so a kick that came just
 * before a thread entered write() cannot leave it blocked. */
void guest_kick(struct guest *g);
/* The console's periodic work, from main's wait loop: writes out each
 * line-buffered guest's unended line once it has waited, and prints the
 * statistics Ctrl-A S asked for. */
void guest_console_tick(struct guest *guests, int n);
/* How often that must run, in ns; 0: only when main wakes anyway. */
long guest_console_tick_ns(const struct guest *guests, int n);
/* True once Ctrl-A X was typed at g's console; from main's wait loop. */
bool guest_quit_requested(struct guest *g);
/* The guest's exit counts so far, its APs' included (monitor stats). */
void guest_stats_so_far(struct guest *g, struct run_stats *s);
/* Makes the vCPU kick signal (SIGUSR1) interrupt KVM_RUN. */
int guest_install_kick_handler(void);

#endif
