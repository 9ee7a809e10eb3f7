/* QEMU's isa-debug-exit device at port 0xf4: a write of value v ends the
 * run with status (v << 1) | 1, so a test kernel can end its VM the same
 * way under QEMU and under kvm-vmm. */
#ifndef MINIKVM_DEV_DEBUG_EXIT_H
#define MINIKVM_DEV_DEBUG_EXIT_H

#include "../bus.h"

#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_NR_PORTS 4

int debug_exit_register(struct bus *pio);
int debug_exit_status(uint32_t value);

#endif
