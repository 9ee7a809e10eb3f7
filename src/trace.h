/* --verbose: one line on stderr per VM exit, the teaching view of what the
 * hypervisor does. It reads the exit from the run area and changes nothing
 * the guest sees; --dump-regs adds the registers after each line. */
#ifndef MINIKVM_TRACE_H
#define MINIKVM_TRACE_H

#include <stddef.h>

#include "vcpu.h"

/* The line for the exit in v->run, e.g.
 *   [+0.000130] hello.bin cpu0 IO out port 0x3f8 size 1 value 0x48 rip 0x9
 * Port I/O and MMIO are logged after the device handled them, so a read
 * shows the value the guest got. */
void trace_exit(struct vcpu *v);
/* KVM_RUN returned early for a signal (a kick, the input thread). */
void trace_interrupted(struct vcpu *v);
/* The text of one exit line without the time, for tests. */
void trace_format_exit(const struct kvm_run *run, size_t run_size,
		       char *buf, size_t size);

#endif
