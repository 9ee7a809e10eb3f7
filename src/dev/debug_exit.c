#include "debug_exit.h"

#include <stdio.h>
#include <string.h>

#include "../vcpu.h"

int debug_exit_status(uint32_t value)
{
	/* A process status keeps 8 bits, as QEMU's does. */
	return (int)(((value << 1) | 1) & 0xff);
}

static void debug_exit_io(void *opaque, struct vcpu *vcpu, uint64_t offset,
			  void *data, uint32_t len, bool is_write)
{
	uint32_t value = 0;
	char outcome[32];

	(void)opaque;
	(void)offset;
	if (!is_write) {
		memset(data, 0xff, len);
		return;
	}
	memcpy(&value, data, len < sizeof(value) ? len : sizeof(value));
	snprintf(outcome, sizeof(outcome), "debug-exit %u", value);
	vcpu_stop(vcpu, debug_exit_status(value), outcome, NULL);
}

int debug_exit_register(struct bus *pio)
{
	return bus_register(pio, DEBUG_EXIT_PORT, DEBUG_EXIT_NR_PORTS,
			    debug_exit_io, NULL, "isa-debug-exit");
}
