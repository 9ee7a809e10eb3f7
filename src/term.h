/* The host terminal: raw mode for interactive guests, restored on every
 * way out of kvm-vmm that runs exit handlers (normal end, signals, errors). */
#ifndef MINIKVM_TERM_H
#define MINIKVM_TERM_H

#include <stdbool.h>

/* Puts fd (a terminal) into raw input mode: no line editing, no echo (the
 * guest echoes), no signals from keys (Ctrl-C goes to the guest; Ctrl-A X
 * quits). Output processing stays on, so "\n" still starts a line. */
bool term_enter_raw(int fd);
void term_restore(void);

#endif
