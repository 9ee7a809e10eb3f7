/* The register logic only records a reset; the bus handler stops the vCPU
 * once the lock is dropped. Commands it does not know are ignored, replies
 * past the 4-byte queue are dropped, and the mouse port's test says its
 * clock line is stuck low, as with nothing plugged in. */
#include "i8042.h"

#include <string.h>

#include "../vcpu.h"

/* Controller commands (port 0x64) this model answers. */
#define CMD_READ_CTR 0x20
#define CMD_WRITE_CTR 0x60
#define CMD_AUX_DISABLE 0xa7
#define CMD_AUX_ENABLE 0xa8
#define CMD_AUX_TEST 0xa9
#define CMD_SELF_TEST 0xaa
#define CMD_KBD_TEST 0xab
#define CMD_KBD_DISABLE 0xad
#define CMD_KBD_ENABLE 0xae
#define CMD_READ_OUTPORT 0xd0
#define CMD_WRITE_OUTPORT 0xd1
#define CMD_WRITE_KBD_OUT 0xd2
#define CMD_WRITE_AUX_OUT 0xd3
#define CMD_WRITE_AUX 0xd4
#define CMD_PULSE_FIRST 0xf0 /* 0xf0-0xff pulse output bits low for 6 us */

#define CTR_SYS 0x04
#define CTR_KBD_DISABLED 0x10
#define CTR_AUX_DISABLED 0x20
#define CTR_XLATE 0x40
#define OUTPORT_RESET 0x01 /* active low */
#define OUTPORT_A20 0x02

#define SELF_TEST_OK 0x55
#define PORT_TEST_OK 0x00
#define PORT_CLOCK_LOW 0x01 /* "clock line stuck low": nothing attached */

void i8042_init(struct i8042 *k)
{
	memset(k, 0, sizeof(*k));
	pthread_mutex_init(&k->lock, NULL);
	/* As a BIOS leaves it: translated set 2, mouse port off, POST done. */
	k->ctr = CTR_XLATE | CTR_AUX_DISABLED | CTR_SYS;
	k->outport = OUTPORT_RESET | OUTPORT_A20;
}

static void reply(struct i8042 *k, uint8_t byte)
{
	if (k->out_len < I8042_OUT_MAX)
		k->out[k->out_len++] = byte;
}

static void command(struct i8042 *k, uint8_t cmd)
{
	switch (cmd) {
	case CMD_READ_CTR:
		reply(k, k->ctr);
		break;
	case CMD_AUX_DISABLE:
		k->ctr |= CTR_AUX_DISABLED;
		break;
	case CMD_AUX_ENABLE:
		k->ctr &= (uint8_t)~CTR_AUX_DISABLED;
		break;
	case CMD_AUX_TEST:
		reply(k, PORT_CLOCK_LOW);
		break;
	case CMD_SELF_TEST:
		k->ctr |= CTR_SYS;
		reply(k, SELF_TEST_OK);
		break;
	case CMD_KBD_TEST:
		reply(k, PORT_TEST_OK);
		break;
	case CMD_KBD_DISABLE:
		k->ctr |= CTR_KBD_DISABLED;
		break;
	case CMD_KBD_ENABLE:
		k->ctr &= (uint8_t)~CTR_KBD_DISABLED;
		break;
	case CMD_READ_OUTPORT:
		reply(k, k->outport);
		break;
	case CMD_WRITE_CTR:
	case CMD_WRITE_OUTPORT:
	case CMD_WRITE_KBD_OUT:
	case CMD_WRITE_AUX_OUT:
	case CMD_WRITE_AUX:
		k->pending = cmd; /* the data byte follows on port 0x60 */
		break;
	default:
		/* Pulsing bit 0 low (0xfe, or any even pulse command) resets. */
		if (cmd >= CMD_PULSE_FIRST && !(cmd & OUTPORT_RESET))
			k->reset = true;
		break;
	}
}

static void data(struct i8042 *k, uint8_t value)
{
	uint8_t cmd = k->pending;

	k->pending = 0;
	switch (cmd) {
	case CMD_WRITE_CTR:
		k->ctr = value;
		break;
	case CMD_WRITE_OUTPORT:
		k->outport = value;
		if (!(value & OUTPORT_RESET))
			k->reset = true;
		break;
	default:
		/* Bytes for the keyboard or mouse: nothing is attached to
		 * answer, and the controller's own loopback of mouse bytes
		 * (0xd2/0xd3) is not modelled. */
		break;
	}
}

uint8_t i8042_read(struct i8042 *k, uint16_t port)
{
	uint8_t value;

	if (port == I8042_CMD_PORT) {
		value = (uint8_t)((k->ctr & CTR_SYS) | I8042_STR_UNLOCK);
		if (k->out_len)
			value |= I8042_STR_OBF;
		if (k->last_was_cmd)
			value |= I8042_STR_CMD;
		return value;
	}
	if (!k->out_len)
		return 0;
	value = k->out[0];
	memmove(k->out, k->out + 1, --k->out_len);
	return value;
}

void i8042_write(struct i8042 *k, uint16_t port, uint8_t value)
{
	k->last_was_cmd = port == I8042_CMD_PORT;
	if (port == I8042_CMD_PORT)
		command(k, value);
	else
		data(k, value);
}

static void port_io(struct i8042 *k, struct vcpu *vcpu, uint16_t port,
		    uint8_t *bytes, uint32_t len, bool is_write)
{
	bool reset;

	pthread_mutex_lock(&k->lock);
	if (is_write) {
		i8042_write(k, port, bytes[0]);
	} else {
		memset(bytes, 0xff, len);
		bytes[0] = i8042_read(k, port);
	}
	reset = k->reset;
	pthread_mutex_unlock(&k->lock);
	/* A reboot: the run ends cleanly, as it does when a PC restarts
	 * under QEMU -no-reboot. The guest stops its other vCPUs. */
	if (reset)
		vcpu_stop(vcpu, STATUS_OK, "reset", NULL);
}

static void data_io(void *opaque, struct vcpu *vcpu, uint64_t offset,
		    void *buf, uint32_t len, bool is_write)
{
	(void)offset;
	port_io(opaque, vcpu, I8042_DATA_PORT, buf, len, is_write);
}

static void cmd_io(void *opaque, struct vcpu *vcpu, uint64_t offset,
		   void *buf, uint32_t len, bool is_write)
{
	(void)offset;
	port_io(opaque, vcpu, I8042_CMD_PORT, buf, len, is_write);
}

int i8042_register(struct i8042 *k, struct bus *pio)
{
	/* Two single-byte ports; 0x61 between them is the PIT's, in KVM. */
	if (bus_register(pio, I8042_DATA_PORT, 1, data_io, k, "i8042") < 0 ||
	    bus_register(pio, I8042_CMD_PORT, 1, cmd_io, k, "i8042") < 0)
		return -1;
	return 0;
}
