/* A failure is a host error only when the host ran out of something
 * (ENOMEM, EAGAIN, EMFILE, ENFILE); any other errno in set-up is taken as
 * KVM refusing. */
#include "status.h"

#include <errno.h>

const struct status_row status_table[] = {
	{ STATUS_OK, STATUS_OK, "every guest halted or exited with status 0" },
	{ STATUS_GUEST_MIN, STATUS_GUEST_MAX,
	  "a guest's EXIT or isa-debug-exit status (higher requests: 119)" },
	{ STATUS_USAGE, STATUS_USAGE, "usage error: unknown option, bad option value" },
	{ STATUS_BAD_INPUT, STATUS_BAD_INPUT,
	  "bad input: an image, initrd or option the guest cannot boot with" },
	{ STATUS_NO_KVM, STATUS_NO_KVM,
	  "KVM unavailable, or this host's KVM cannot run the guest" },
	{ STATUS_GUEST_FAULT, STATUS_GUEST_FAULT,
	  "guest fault: triple fault, emulation failure, no BIOS, ..." },
	{ STATUS_TIMEOUT, STATUS_TIMEOUT, "a guest was still running at --timeout" },
	{ STATUS_BAD_HYPERCALL, STATUS_BAD_HYPERCALL, "bad hypercall" },
	{ STATUS_HOST_ERROR, STATUS_HOST_ERROR,
	  "host error: out of memory or threads, an output file not written" },
	{ STATUS_SIGNAL_BASE + 1, STATUS_SIGNAL_BASE + 1, "stopped by SIGHUP (the terminal went away)" },
	{ STATUS_SIGNAL_BASE + 2, STATUS_SIGNAL_BASE + 2, "stopped by SIGINT" },
	{ STATUS_SIGNAL_BASE + 3, STATUS_SIGNAL_BASE + 3, "stopped by SIGQUIT" },
	{ STATUS_SIGNAL_BASE + 14, STATUS_SIGNAL_BASE + 14, "stopped by SIGALRM" },
	{ STATUS_SIGNAL_BASE + 15, STATUS_SIGNAL_BASE + 15, "stopped by SIGTERM" },
	{ STATUS_SIGNAL_BASE + 16, STATUS_SIGNAL_BASE + 30,
	  "stopped by another signal that ends a process: 128 + its number" },
	{ STATUS_SANDBOX, STATUS_SANDBOX,
	  "kvm-vmm made a system call its sandbox forbids (a bug; SIGSYS)" },
	{ STATUS_SIGNAL_BASE + 34, STATUS_SIGNAL_BASE + 64,
	  "stopped by a real-time signal: 128 + its number" },
};
const int status_table_rows = (int)(sizeof(status_table) / sizeof(status_table[0]));

int status_from_guest(uint64_t requested)
{
	return requested > STATUS_GUEST_MAX ? STATUS_GUEST_MAX : (int)requested;
}

int status_from_errno(int err)
{
	switch (err) {
	case ENOMEM:
	case EAGAIN:
	case EMFILE:
	case ENFILE:
		return STATUS_HOST_ERROR;
	default:
		return STATUS_NO_KVM;
	}
}

void status_print_table(FILE *f)
{
	for (int i = 0; i < status_table_rows; i++) {
		const struct status_row *r = &status_table[i];
		char codes[16];

		if (r->first == r->last)
			snprintf(codes, sizeof(codes), "%d", r->first);
		else
			snprintf(codes, sizeof(codes), "%d-%d", r->first, r->last);
		fprintf(f, "  %-8s %s\n", codes, r->meaning);
	}
}
