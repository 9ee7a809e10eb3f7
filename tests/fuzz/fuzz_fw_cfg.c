/* Fuzz target: the fw_cfg device (src/dev/fw_cfg.c), its items and files
 * added from the input as a VMM would add them, then selector and data
 * accesses of 1, 2 and 4 bytes, direct and through the port bus. A model
 * of what fw_cfg.h promises checks every byte a guest reads: little-endian
 * items as added (a later add replaces), the generated big-endian file
 * directory, zeros past an item's end and for an unknown key, bit 14 of a
 * selector ignored, data writes ignored, the selector port and any other
 * port reading all ones. The device has no DMA interface: the DMA ports
 * (0x514-0x51b) are unclaimed and must read all ones, so no guest memory
 * is ever touched. Adds are checked to succeed or fail as documented.
 *
 * Input: RAM size (u64), CPUs (u16), e820 entry count (u8 % 9) and
 * entries, then operations: a kind (byte >> 5) and for accesses a shape
 * byte (bits 0-1 size 1/2/4, bit 2 write, bits 4-7 a port 0x510 + n):
 *   0 add an item: u16 key, u8 size, bytes
 *   1 add a file: u8 name size, name bytes, u8 size, bytes
 *   2 select   3 data read   4 data write   (the device's own ports)
 *   5 fw_cfg_io() at port 0x510 + n   6, 7 the same through the bus */
#include <string.h>

#include "../../src/dev/fw_cfg.h"
#include "fw_cfg_model.h"
#include "support.h"

static struct fw_cfg dev;
static struct fw_cfg_model model;
static struct bus pio;

static void setup(struct fuzz_in *in)
{
	struct e820_entry map[8];
	uint64_t ram = fuzz_u64(in);
	uint16_t cpus = fuzz_u16(in);
	int nmap = fuzz_u8(in) % 9;

	for (int i = 0; i < nmap; i++) {
		map[i].addr = fuzz_u64(in);
		map[i].size = fuzz_u64(in);
		map[i].type = fuzz_u32(in);
	}
	fw_cfg_init(&dev);
	fw_cfg_model_init(&model);
	FUZZ_CHECK(fw_cfg_setup_pc(&dev, ram, cpus, map, nmap) == 0);
	fw_cfg_model_setup_pc(&model, ram, cpus, map, nmap);
	bus_init(&pio);
	FUZZ_CHECK(fw_cfg_register(&dev, &pio) == 0);
}

static void add_item(struct fuzz_in *in)
{
	uint16_t key = fuzz_u16(in);
	size_t len;
	const uint8_t *data = fuzz_bytes(in, fuzz_u8(in), &len);

	FUZZ_CHECK(fw_cfg_add(&dev, key, data, (uint32_t)len) ==
		   fw_cfg_model_add(&model, key, data, (uint32_t)len));
}

static void add_file(struct fuzz_in *in)
{
	char name[64] = { 0 };
	size_t name_len, len;
	const uint8_t *p = fuzz_bytes(in, fuzz_u8(in) % sizeof(name), &name_len);
	const uint8_t *data;

	memcpy(name, p, name_len); /* may hold a NUL early, or none: cut at 63 */
	data = fuzz_bytes(in, fuzz_u8(in), &len);
	FUZZ_CHECK(fw_cfg_add_file(&dev, name, data, (uint32_t)len) ==
		   fw_cfg_model_add_file(&model, name, data, (uint32_t)len));
}

/* An access of 1, 2 or 4 bytes (shape bits 0-1) at port, checked
 * against the model; the data bytes of a write follow in the input. */
static void access(struct fuzz_in *in, uint16_t port, uint8_t shape, bool is_write,
		   bool via_bus)
{
	uint32_t len = 1u << (shape & 3);
	uint8_t data[8];

	len = len > 4 ? 4 : len;
	for (uint32_t i = 0; i < len; i++)
		data[i] = is_write ? fuzz_u8(in) : 0xaa;
	if (via_bus)
		bus_access(&pio, NULL, port, data, len, is_write);
	else
		fw_cfg_io(&dev, port, data, len, is_write);
	if (is_write) {
		fw_cfg_model_write(&model, port, data, len);
		return;
	}
	for (uint32_t i = 0; i < len; i++)
		FUZZ_CHECK(data[i] == fw_cfg_model_read(&model, port));
}

static void step(struct fuzz_in *in)
{
	uint8_t op = fuzz_u8(in) >> 5, shape;
	uint16_t any_port;

	if (op == 0) {
		add_item(in);
		return;
	}
	if (op == 1) {
		add_file(in);
		return;
	}
	shape = fuzz_u8(in);
	any_port = (uint16_t)(FW_CFG_PORT_SEL + (shape >> 4));
	if (op == 2)
		access(in, FW_CFG_PORT_SEL, shape, true, false);
	else if (op == 3)
		access(in, FW_CFG_PORT_DATA, shape, false, false);
	else if (op == 4)
		access(in, FW_CFG_PORT_DATA, shape, true, false);
	else
		access(in, any_port, shape, shape & 4, op > 5);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };

	setup(&in);
	while (in.n > 0)
		step(&in);
	fw_cfg_free(&dev);
	return 0;
}
