/* An address-decoding bus: devices claim ranges of port or MMIO space and the
 * vCPU loop dispatches each exit to the claiming device. One bus per VM, so
 * devices of different guests never meet. */
#ifndef MINIKVM_BUS_H
#define MINIKVM_BUS_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* offset is relative to the start of the claimed range; data holds len bytes
 * (little-endian) to write, or receives len bytes on a read. */
typedef void (*bus_io_fn)(void *opaque, struct vcpu *vcpu, uint64_t offset,
			  void *data, uint32_t len, bool is_write);

#define BUS_MAX_RANGES 16

struct bus_range {
	uint64_t base;
	uint64_t len;
	bus_io_fn io;
	void *opaque;
	const char *name;
};

struct bus {
	struct bus_range ranges[BUS_MAX_RANGES];
	int count;
};

void bus_init(struct bus *bus);
/* Fails (-1) when the range is empty, wraps, overlaps a claimed one, or the
 * bus is full. */
int bus_register(struct bus *bus, uint64_t base, uint64_t len, bus_io_fn io,
		 void *opaque, const char *name);
const struct bus_range *bus_find(const struct bus *bus, uint64_t addr);
/* Returns false when nothing claims addr: reads then see all ones. */
bool bus_access(const struct bus *bus, struct vcpu *vcpu, uint64_t addr,
		void *data, uint32_t len, bool is_write);

#endif
