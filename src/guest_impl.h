/* What guest.c's parts share and nothing else: guest.c runs and ends a
 * guest (its vCPU threads, their stop requests, the teardown), guest_setup.c
 * builds its machine before the run, guest_console.c is its console on the
 * host's side (the input thread, main's tick). */
#ifndef MINIKVM_GUEST_IMPL_H
#define MINIKVM_GUEST_IMPL_H

#include "guest.h"

/* 0, or the status of the failure: the host out of memory or threads, or
 * KVM refusing what the guest needs. */
int guest_setup(struct guest *g);
/* --dump-mem's file, opened at set-up; guest.c has the rest of --dump-mem. */
int guest_open_dump_file(struct guest *g);
/* The input thread's body (guest_setup starts it). */
void *guest_input_thread(void *arg);
/* Several guests without --tag share stdout: each writes whole lines,
 * and main's tick writes out a line left unended once vCPU 0 waits. */
bool guest_shares_console_lines(const struct guest *g);

#endif
