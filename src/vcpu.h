/* One vCPU and its run loop: KVM_RUN, then one switch over the exit reason.
 * Devices end a run through vcpu_stop()/vcpu_fault(), never by exiting. */
#ifndef MINIKVM_VCPU_H
#define MINIKVM_VCPU_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>

#include "stats.h"
#include "vm.h"

/* Exit statuses of kvm-vmm, documented in docs/guest-abi.md. */
enum vmm_status {
	STATUS_OK = 0,
	STATUS_GUEST_MAX = 119, /* highest status a guest's EXIT passes through */
	STATUS_USAGE = 120,
	STATUS_BAD_INPUT = 121,
	STATUS_NO_KVM = 122,
	STATUS_GUEST_FAULT = 123,
	STATUS_TIMEOUT = 124,
	STATUS_BAD_HYPERCALL = 125,
	STATUS_SIGNAL_BASE = 128,
};

struct vcpu {
	struct vm *vm;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	const char *name; /* the guest's name, for messages */
	bool debug_io;
	bool shutdown_resets; /* a triple fault reboots (Linux): status 0 */
	bool sync_regs;	      /* KVM copies the GPRs into the run area */
	/* Writes KVM queued instead of exiting (KVM_CAP_COALESCED_PIO),
	 * replayed in order before each exit is handled; NULL: none. */
	struct kvm_coalesced_mmio_ring *coalesced;
	uint32_t coalesced_max;
	struct run_stats *stats;

	bool stopped;
	int status;
	char outcome[48];

	/* Set by another thread (timeout, signal), with run->immediate_exit and
	 * a kick signal, to make KVM_RUN return. */
	volatile bool cancel;
	volatile int cancel_status;
};

int vcpu_create(struct vcpu *v, struct vm *vm, int kvm_fd, int id);
/* Finds the coalesced-write ring in the run area. For a single-vCPU VM only:
 * the ring is the VM's, and one thread must replay it. */
int vcpu_enable_coalesced(struct vcpu *v);
void vcpu_destroy(struct vcpu *v);
/* Runs until the guest stops; returns its status. */
int vcpu_run(struct vcpu *v);
/* Safe from any thread: makes a running vcpu_run() return soon. */
void vcpu_cancel(struct vcpu *v, int status);

/* End the run: stop prints msg (if any) on stderr; fault adds the registers. */
void vcpu_stop(struct vcpu *v, int status, const char *outcome,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void vcpu_fault(struct vcpu *v, int status, const char *outcome,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The host's supported CPUID, with the hypervisor bit and this vCPU's APIC
 * ID; without it a guest cannot enable long mode. */
int vcpu_set_cpuid(struct vcpu *v, int kvm_fd, uint32_t apic_id);
int vcpu_get_regs(struct vcpu *v, struct kvm_regs *regs);
/* The general registers as of the last exit, for an exit handler: read from
 * and written back through the run area when KVM syncs them there
 * (KVM_CAP_SYNC_REGS), which saves two ioctls per hypercall. */
int vcpu_get_exit_regs(struct vcpu *v, struct kvm_regs *regs);
int vcpu_set_exit_regs(struct vcpu *v, const struct kvm_regs *regs);
int vcpu_set_regs(struct vcpu *v, const struct kvm_regs *regs);
int vcpu_get_sregs(struct vcpu *v, struct kvm_sregs *sregs);
int vcpu_set_sregs(struct vcpu *v, const struct kvm_sregs *sregs);

/* Formats the register state into buf (multi-line); for fault reports. */
void vcpu_format_regs(struct vcpu *v, char *buf, size_t size);

#endif
