/* The GDB remote stub of kvm-vmm (--gdb, --gdb-wait; docs/gdb.md): one TCP
 * server thread for one guest, whose vCPUs appear to gdb as threads. main
 * opens it before the sandbox closes (the listening socket is made then:
 * at run time only accept4, read and write are allowed), the guest's vCPU
 * threads call the three hooks below, and main finishes it after the
 * guest ends so that gdb hears the exit status. Without --gdb none of this
 * runs: the run loop tests one pointer (vcpu->gdb). */
#ifndef MINIKVM_GDB_STUB_H
#define MINIKVM_GDB_STUB_H

#include <stdbool.h>

#include "spec.h"

struct gdb_stub;
struct guest;
struct vcpu;

/* Listens on spec's address and probes what the host's KVM can do for a
 * debugger (kvm_fd). NULL after one line on stderr saying why. */
struct gdb_stub *gdb_stub_open(const struct gdb_spec *spec, int kvm_fd);
/* Serves guest g from a thread of its own; with --gdb-wait its vCPUs stay
 * stopped before their first instruction until gdb resumes them. Call
 * before g's thread starts. 0, or -1 after saying why. */
int gdb_stub_start(struct gdb_stub *s, struct guest *g);
/* The guest has ended with status: gdb (if connected and waiting) gets
 * the exit, the connection and socket close, the thread ends, s is freed. */
void gdb_stub_finish(struct gdb_stub *s, int status);

/* --- from the vCPU threads (vcpu.c), only when vcpu->gdb is set --- */
/* At the top of the run loop: returns at once unless gdb has the guest
 * stopped, then waits until gdb resumes this vCPU or the run is
 * cancelled. */
void gdb_vcpu_pause_point(struct vcpu *v);
/* KVM_EXIT_DEBUG: a breakpoint, watchpoint or step of gdb's, reported to
 * it (the vCPU stops at its next pause point); the guest's own int3,
 * given back to it; or the no-BIOS trap (vcpu_report_no_bios). */
void gdb_vcpu_debug_exit(struct vcpu *v);
/* The run loop ended: the guest is going; gdb will hear its status. */
void gdb_vcpu_gone(struct vcpu *v);

#endif
