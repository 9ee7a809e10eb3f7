/* The exit statuses of kvm-vmm, in one table that --help prints and the
 * docs test compares with README.md and docs/guest-abi.md; and the one rule
 * by which a guest's own status request becomes the process's status. */
#ifndef MINIKVM_STATUS_H
#define MINIKVM_STATUS_H

#include <stdint.h>
#include <stdio.h>

#include "minikvm/abi.h"

struct status_row {
	int first, last;     /* the statuses this row covers, inclusive */
	const char *meaning; /* one line, as --help prints it */
};

extern const struct status_row status_table[];
extern const int status_table_rows;

/* A guest asked to end with `requested` (EXIT's BL, or isa-debug-exit's
 * (v << 1) | 1): 0 stays 0, 1-119 pass through, anything higher is
 * reported as STATUS_GUEST_MAX, because 120 and up are kvm-vmm's own. */
int status_from_guest(uint64_t requested);
/* The class of a set-up failure after a system call failed with err: the
 * host ran out of something (STATUS_HOST_ERROR), or KVM refused
 * (STATUS_NO_KVM). */
int status_from_errno(int err);
/* The table as --help shows it: "  121      bad input ...", one row a line. */
void status_print_table(FILE *f);

#endif
