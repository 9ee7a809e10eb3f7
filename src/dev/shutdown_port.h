/* The Bochs power-off port at 0x8900 (older QEMU had it too): writing the
 * bytes of "Shutdown" there, one OUT each, turns the machine off. The
 * Bochs BIOS's APM code and small hobby and test kernels use it to power
 * off without ACPI; here the run ends with status 0.
 * A wrong byte starts the match again ('S' counts as its first byte).
 * Reads see all ones. All state lives in struct shutdown_port: one per VM. */
#ifndef MINIKVM_DEV_SHUTDOWN_PORT_H
#define MINIKVM_DEV_SHUTDOWN_PORT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../bus.h"
#include "minikvm/abi.h"

#define SHUTDOWN_PORT_MAGIC "Shutdown"

struct shutdown_port {
	pthread_mutex_t lock; /* vCPUs of an SMP guest share it */
	unsigned matched;     /* bytes of SHUTDOWN_PORT_MAGIC seen so far */
};

void shutdown_port_init(struct shutdown_port *s);
int shutdown_port_register(struct shutdown_port *s, struct bus *pio);
/* One byte written to the port; true when it completed the sequence (the
 * match then starts over). No locking and no side effect but the count:
 * the bus callback holds the lock. */
bool shutdown_port_feed(struct shutdown_port *s, uint8_t byte);

#endif
