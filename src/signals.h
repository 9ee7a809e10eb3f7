/* Which signals end a run, and what every way out of kvm-vmm by a signal
 * does to the terminal. */
#ifndef MINIKVM_SIGNALS_H
#define MINIKVM_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

/* The signals the main thread takes synchronously (sigtimedwait): every
 * catchable one whose default is to end the process (SIGHUP, SIGINT,
 * SIGQUIT, SIGTERM, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGPWR, SIGIO,
 * SIGSTKFLT, the real-time signals), and kvm-vmm's own SIGUSR1 (vCPU kick)
 * and SIGUSR2 (a guest finished). */
void signals_wait_set(sigset_t *set);

/* Whether sig, taken from signals_wait_set, stops the run with status
 * 128 + sig. SIGUSR1 and SIGUSR2 are kvm-vmm's own: from outside they
 * only wake it, and the run goes on. */
bool signals_stop_run(int sig);

/* Faults that end the process at once (SIGSEGV, SIGBUS, SIGILL, SIGFPE,
 * SIGABRT, SIGTRAP): the terminal is restored, then the signal's default
 * action (a core dump) runs as if nothing had caught it. */
int signals_restore_terminal_on_fatal(void);

#endif
