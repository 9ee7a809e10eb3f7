/* One vCPU and its run loop: KVM_RUN, then one switch over the exit reason.
 * Devices end a run through vcpu_stop()/vcpu_fault(), never by exiting. */
#ifndef MINIKVM_VCPU_H
#define MINIKVM_VCPU_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>

#include "cpuid.h"
#include "minikvm/abi.h"
#include "stats.h"
#include "vm.h"

struct trace_vcpu;
struct gdb_stub;

struct vcpu {
	struct vm *vm;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	const char *name; /* the guest's name, for messages ("g cpu1" for APs) */
	const char *guest_name; /* the guest's name alone, for --verbose */
	int id;		  /* vCPU number within the guest */
	bool debug_io;
	bool verbose;	/* a line per exit on stderr (trace.c) */
	bool dump_regs; /* and the registers with each */
	uint64_t start_ns; /* when the VMM started, for --verbose times */
	struct trace_vcpu *trace; /* --trace's records (trace_events.h); NULL: off */
	struct gdb_stub *gdb; /* --gdb's stub (gdb/stub.h); NULL: no debugger */
	/* A real-mode guest with no BIOS behind its zeroed vector table: an
	 * `int` sends it to 0000:0000, and fault reports say so. */
	bool no_bios;
	/* The hypercall port's per-vCPU result: the last GETCHAR's value,
	 * read back by an IN from the port (all ones before any). */
	uint64_t getchar_result;
	bool shutdown_resets; /* a triple fault reboots (Linux): status 0 */
	bool sync_regs;	      /* KVM copies the GPRs into the run area */
	/* Writes KVM queued instead of exiting (KVM_CAP_COALESCED_PIO),
	 * replayed in order before each exit is handled; NULL: none. */
	struct kvm_coalesced_mmio_ring *coalesced;
	uint32_t coalesced_max;
	struct run_stats *stats;

	bool stopped;
	int status;
	bool qemu_statuses; /* a guest's request passes unclamped, as QEMU's */
	bool guest_status;  /* status is what the guest asked for */
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
/* The one exit switch: handles the exit described in v->run. vcpu_run()
 * calls it after each KVM_RUN; tests and fuzzers call it with a run area
 * they filled (v->fd -1: register reads then fail, and say so). */
void vcpu_handle_exit(struct vcpu *v);
/* Safe from any thread: makes a running vcpu_run() return soon. */
void vcpu_cancel(struct vcpu *v, int status);

/* End the run: stop prints msg (if any) on stderr; fault adds the registers. */
void vcpu_stop(struct vcpu *v, int status, const char *outcome,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void vcpu_fault(struct vcpu *v, int status, const char *outcome,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The guest asked to end: `how` ("exit", "debug-exit") with the value it
 * passed, requesting a status; clamped by status_from_guest(), with a
 * warning when it had to be. The one way a guest chooses its status. */
void vcpu_guest_exit(struct vcpu *v, const char *how, uint64_t value,
		     uint64_t requested);
/* Marks v as a real-mode guest without a BIOS, and where the host's KVM
 * can, stops it at once with a hardware breakpoint at linear address 0,
 * where a BIOS call lands (on other hosts it spins there until --timeout,
 * whose report says the same). */
void vcpu_trap_null_vector(struct vcpu *v);
/* Stops a real-mode guest that reached 0000:0000 through its zeroed vector
 * table, naming the `int` that sent it there. */
void vcpu_report_no_bios(struct vcpu *v);

/* The host's supported CPUID, with the hypervisor bit and this vCPU's APIC
 * ID; without it a guest cannot enable long mode. */
int vcpu_set_cpuid(struct vcpu *v, int kvm_fd, uint32_t apic_id,
		   const struct cpuid_policy *policy);
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
