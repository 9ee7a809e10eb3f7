/* Only the request is computed here; vcpu_guest_exit() turns it into the
 * status and ends the run, the path the EXIT hypercall takes too, so both
 * follow one rule. Reads see all ones: the port has nothing to return. */
#include "debug_exit.h"

#include <string.h>

#include "../vcpu.h"

uint64_t debug_exit_request(uint32_t value)
{
	return ((uint64_t)value << 1) | 1;
}

static void debug_exit_io(void *opaque, struct vcpu *vcpu, uint64_t offset,
			  void *data, uint32_t len, bool is_write)
{
	uint32_t value = 0;

	(void)opaque;
	(void)offset;
	if (!is_write) {
		memset(data, 0xff, len);
		return;
	}
	memcpy(&value, data, len < sizeof(value) ? len : sizeof(value));
	vcpu_guest_exit(vcpu, "debug-exit", value, debug_exit_request(value));
}

int debug_exit_register(struct bus *pio)
{
	return bus_register(pio, DEBUG_EXIT_PORT, DEBUG_EXIT_NR_PORTS,
			    debug_exit_io, NULL, "isa-debug-exit");
}
