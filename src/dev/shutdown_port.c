/* An OUT wider than a byte counts only when its upper bytes are zero, as
 * QEMU compares the whole value; otherwise the match starts over. The
 * vCPU is stopped after the lock is dropped, as the i8042 does. */
#include "shutdown_port.h"

#include <string.h>

#include "../vcpu.h"

#define MAGIC_LEN (sizeof(SHUTDOWN_PORT_MAGIC) - 1)

void shutdown_port_init(struct shutdown_port *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
}

bool shutdown_port_feed(struct shutdown_port *s, uint8_t byte)
{
	if (byte != (uint8_t)SHUTDOWN_PORT_MAGIC[s->matched]) {
		s->matched = byte == (uint8_t)SHUTDOWN_PORT_MAGIC[0];
		return false;
	}
	if (++s->matched < MAGIC_LEN)
		return false;
	s->matched = 0;
	return true;
}

static void shutdown_io(void *opaque, struct vcpu *vcpu, uint64_t offset,
			void *data, uint32_t len, bool is_write)
{
	struct shutdown_port *s = opaque;
	uint64_t value = 0;
	bool done;

	(void)offset;
	if (!is_write) {
		memset(data, 0xff, len);
		return;
	}
	/* As QEMU compares the whole value: a wider OUT matches only when
	 * its upper bytes are zero. */
	memcpy(&value, data, len < sizeof(value) ? len : sizeof(value));
	pthread_mutex_lock(&s->lock);
	if (value > 0xff) {
		s->matched = 0;
		done = false;
	} else {
		done = shutdown_port_feed(s, (uint8_t)value);
	}
	pthread_mutex_unlock(&s->lock);
	/* Like the i8042's reset: this vCPU's run ends, and with it the
	 * machine (guest.c stops the other vCPUs). */
	if (done)
		vcpu_stop(vcpu, STATUS_OK, "shutdown", NULL);
}

int shutdown_port_register(struct shutdown_port *s, struct bus *pio)
{
	return bus_register(pio, BOCHS_SHUTDOWN_PORT, 1, shutdown_io, s,
			    "bochs-shutdown");
}
