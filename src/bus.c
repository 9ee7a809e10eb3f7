/* A fixed array searched in order: overlaps are refused when a range is
 * claimed, so at most one range matches an address. No lock: every range
 * is claimed before a vCPU runs, and then only read. */
#include "bus.h"

#include <string.h>

void bus_init(struct bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int bus_register(struct bus *bus, uint64_t base, uint64_t len, bus_io_fn io,
		 void *opaque, const char *name)
{
	if (len == 0 || base + len < base || bus->count == BUS_MAX_RANGES)
		return -1;
	for (int i = 0; i < bus->count; i++)
		if (ranges_overlap(base, len, bus->ranges[i].base,
				   bus->ranges[i].len))
			return -1;
	bus->ranges[bus->count++] = (struct bus_range){
		.base = base, .len = len, .io = io, .opaque = opaque, .name = name,
	};
	return 0;
}

const struct bus_range *bus_find(const struct bus *bus, uint64_t addr)
{
	for (int i = 0; i < bus->count; i++) {
		const struct bus_range *r = &bus->ranges[i];

		if (addr >= r->base && addr - r->base < r->len)
			return r;
	}
	return NULL;
}

bool bus_access(const struct bus *bus, struct vcpu *vcpu, uint64_t addr,
		void *data, uint32_t len, bool is_write)
{
	const struct bus_range *r = bus_find(bus, addr);

	if (!r) {
		if (!is_write)
			memset(data, 0xff, len);
		return false;
	}
	r->io(r->opaque, vcpu, addr - r->base, data, len, is_write);
	return true;
}
