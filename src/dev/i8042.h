/* The PC keyboard controller (i8042) with nothing plugged into it: enough
 * for Linux to find the controller quickly, and its reset line, which is
 * how Linux reboots a PC (`reboot=k`): command 0xFE on port 0x64 ends the
 * run with status 0. No keyboard or mouse sits behind it, so it never
 * interrupts. All state lives in struct i8042: one per VM. */
#ifndef MINIKVM_DEV_I8042_H
#define MINIKVM_DEV_I8042_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../bus.h"

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT 0x64 /* status on reads, commands on writes */
#define I8042_OUT_MAX 4

/* Status register bits. */
#define I8042_STR_OBF 0x01    /* a byte waits in the output buffer */
#define I8042_STR_SYS 0x04    /* system flag: self-test passed */
#define I8042_STR_CMD 0x08    /* the last write was a command */
#define I8042_STR_UNLOCK 0x10 /* keyboard not inhibited */

struct i8042 {
	/* vCPUs of an SMP guest reach the ports concurrently. */
	pthread_mutex_t lock;
	uint8_t ctr;	   /* controller configuration ("command byte") */
	uint8_t outport;   /* output port; bit 0 low holds the CPU in reset */
	uint8_t pending;   /* command waiting for its data byte, or 0 */
	bool last_was_cmd;
	uint8_t out[I8042_OUT_MAX]; /* replies not yet read from port 0x60 */
	unsigned out_len;
	bool reset; /* the guest pulsed the reset line */
};

void i8042_init(struct i8042 *k);
int i8042_register(struct i8042 *k, struct bus *pio);
/* The register interface, for the bus and the unit tests: port is
 * I8042_DATA_PORT or I8042_CMD_PORT. A write that resets the machine sets
 * k->reset; the bus handler then stops the vCPU. */
uint8_t i8042_read(struct i8042 *k, uint16_t port);
void i8042_write(struct i8042 *k, uint16_t port, uint8_t value);

#endif
