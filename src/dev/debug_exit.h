/* QEMU's isa-debug-exit device at port 0xf4: a write of value v asks for
 * status (v << 1) | 1, as QEMU's process status, so a test kernel ends its
 * VM the same way under QEMU and under kvm-vmm; requests above 119 are
 * clamped like the EXIT hypercall's (status.h). */
#ifndef MINIKVM_DEV_DEBUG_EXIT_H
#define MINIKVM_DEV_DEBUG_EXIT_H

#include <stdint.h>

#include "../bus.h"
#include "minikvm/abi.h"

int debug_exit_register(struct bus *pio);
/* The status QEMU's device would ask for: (value << 1) | 1, unclamped. */
uint64_t debug_exit_request(uint32_t value);

#endif
