/* Why a file of its own: "every way out restores the terminal" covers the
 * signals too. The ones that would end the process are not left to their
 * default action (which runs no exit handler and leaves the terminal raw):
 * the main thread waits for them and stops the guests, so their output is
 * written and the terminal restored, and the status says which signal it
 * was. Faults cannot be waited for; their handler restores the terminal and
 * lets the default action go on. */
#include "signals.h"

#include <string.h>

#include "term.h"

void signals_wait_set(sigset_t *set)
{
	static const int ending[] = {
		SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGALRM, SIGVTALRM, SIGPROF,
		SIGXCPU, SIGPWR, SIGIO, SIGSTKFLT, SIGUSR1, SIGUSR2,
	};

	sigemptyset(set);
	for (size_t i = 0; i < sizeof(ending) / sizeof(ending[0]); i++)
		sigaddset(set, ending[i]);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		sigaddset(set, sig);
}

bool signals_stop_run(int sig)
{
	return sig > 0 && sig != SIGUSR1 && sig != SIGUSR2;
}

static void fatal_handler(int sig)
{
	term_restore();
	/* SA_RESETHAND put the default action back and SA_NODEFER leaves the
	 * signal unblocked: a fault re-raises itself when the instruction is
	 * retried, abort() re-raises after this returns, and raise() covers
	 * a signal sent from outside. */
	raise(sig);
}

int signals_restore_terminal_on_fatal(void)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fatal_handler;
	sa.sa_flags = (int)(SA_RESETHAND | SA_NODEFER);
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		if (sigaction(fatal[i], &sa, NULL) < 0)
			return -1;
	return 0;
}
