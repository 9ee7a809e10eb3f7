/* QEMU's fw_cfg device, through its ports as a guest sees it: kernels
 * written for QEMU read the CPU count and the memory map there, so each
 * byte of the layout (little-endian items, a big-endian file directory)
 * is checked, as are the edges a guest may hit: reads past the end, an
 * unknown key, reselecting, data writes, byte-wide selects. */
#include <string.h>

#include "../../src/bus.h"
#include "../../src/dev/fw_cfg.h"
#include "harness.h"

static void sel(struct fw_cfg *f, uint16_t key)
{
	uint8_t b[2] = { (uint8_t)key, (uint8_t)(key >> 8) };

	fw_cfg_io(f, FW_CFG_PORT_SEL, b, 2, true);
}

static uint8_t rd8(struct fw_cfg *f)
{
	uint8_t b = 0xaa;

	fw_cfg_io(f, FW_CFG_PORT_DATA, &b, 1, false);
	return b;
}

/* n bytes, one inb each, into a little-endian number. */
static uint64_t rd_le(struct fw_cfg *f, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)rd8(f) << (8 * i);
	return v;
}

static uint64_t rd_be(struct fw_cfg *f, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | rd8(f);
	return v;
}

static const struct e820_entry test_map[] = {
	{ 0, 0x9fc00, E820_RAM },
	{ 0x9fc00, 0x400, E820_RESERVED },
	{ 0xf0000, 0x10000, E820_RESERVED },
	{ 0x100000, (64u << 20) - 0x100000, E820_RAM },
};
#define TEST_NMAP ((int)(sizeof(test_map) / sizeof(test_map[0])))

static void setup(struct fw_cfg *f)
{
	fw_cfg_init(f);
	CHECK_EQ(fw_cfg_setup_pc(f, 64u << 20, 3, test_map, TEST_NMAP), 0);
}

TEST(fw_cfg_signature_and_id)
{
	struct fw_cfg f;

	setup(&f);
	sel(&f, FW_CFG_SIGNATURE);
	CHECK_EQ(rd8(&f), 'Q');
	CHECK_EQ(rd8(&f), 'E');
	CHECK_EQ(rd8(&f), 'M');
	CHECK_EQ(rd8(&f), 'U');
	CHECK_EQ(rd8(&f), 0); /* past the end */
	sel(&f, FW_CFG_ID);
	CHECK_EQ(rd_le(&f, 4), FW_CFG_ID_TRADITIONAL); /* no DMA bit */
	fw_cfg_free(&f);
}

TEST(fw_cfg_ram_size_and_cpus)
{
	struct fw_cfg f;

	setup(&f);
	sel(&f, FW_CFG_RAM_SIZE);
	CHECK_EQ(rd_le(&f, 8), 64u << 20);
	sel(&f, FW_CFG_NB_CPUS);
	CHECK_EQ(rd_le(&f, 2), 3);
	CHECK_EQ(rd8(&f), 0);
	sel(&f, FW_CFG_MAX_CPUS);
	CHECK_EQ(rd_le(&f, 2), 3);
	/* Called again, each item is replaced, not added twice. */
	CHECK_EQ(fw_cfg_setup_pc(&f, 5ull << 30, 64, test_map, 1), 0);
	sel(&f, FW_CFG_RAM_SIZE);
	CHECK_EQ(rd_le(&f, 8), 5ull << 30);
	sel(&f, FW_CFG_NB_CPUS);
	CHECK_EQ(rd_le(&f, 2), 64);
	sel(&f, FW_CFG_FILE_DIR);
	CHECK_EQ(rd_be(&f, 4), 1);
	fw_cfg_free(&f);
}

/* The directory's entry for name: its size and key, by reading the
 * directory the way firmware does; -1 when it is not listed. */
static int find_file(struct fw_cfg *f, const char *name, uint32_t *size)
{
	uint32_t count;

	sel(f, FW_CFG_FILE_DIR);
	count = (uint32_t)rd_be(f, 4);
	for (uint32_t i = 0; i < count; i++) {
		char entry_name[FW_CFG_MAX_FILE_PATH];
		uint32_t sz = (uint32_t)rd_be(f, 4);
		int key = (int)rd_be(f, 2);

		CHECK_EQ(rd_be(f, 2), 0); /* reserved */
		for (int j = 0; j < FW_CFG_MAX_FILE_PATH; j++)
			entry_name[j] = (char)rd8(f);
		CHECK_EQ(entry_name[FW_CFG_MAX_FILE_PATH - 1], 0);
		if (strcmp(entry_name, name) == 0) {
			*size = sz;
			return key;
		}
	}
	return -1;
}

TEST(fw_cfg_file_dir_lists_e820)
{
	struct fw_cfg f;
	uint32_t size = 0;
	int key;

	setup(&f);
	CHECK_EQ(fw_cfg_add_file(&f, "opt/test", "abc", 3), 0);
	/* The raw layout: count 2, then e820 at 0x20 and opt/test at 0x21. */
	sel(&f, FW_CFG_FILE_DIR);
	CHECK_EQ(rd8(&f), 0);
	CHECK_EQ(rd8(&f), 0);
	CHECK_EQ(rd8(&f), 0);
	CHECK_EQ(rd8(&f), 2);
	CHECK_EQ(rd_be(&f, 4), TEST_NMAP * 20);
	CHECK_EQ(rd8(&f), 0x00); /* select, big-endian */
	CHECK_EQ(rd8(&f), 0x20);
	for (int i = 0; i < FW_CFG_DIR_ENTRY_SIZE - 6; i++)
		rd8(&f);
	CHECK_EQ(rd_be(&f, 4), 3);
	CHECK_EQ(rd_be(&f, 2), 0x21);
	for (int i = 0; i < FW_CFG_DIR_ENTRY_SIZE - 6; i++)
		rd8(&f);
	CHECK_EQ(rd8(&f), 0); /* past the directory's end */
	/* By name, as firmware finds it, then read through its key. */
	key = find_file(&f, "etc/e820", &size);
	CHECK_EQ(key, FW_CFG_FILE_FIRST);
	CHECK_EQ(size, sizeof(test_map));
	CHECK_EQ(size, TEST_NMAP * 20); /* packed */
	sel(&f, (uint16_t)key);
	for (int i = 0; i < TEST_NMAP; i++) {
		CHECK_EQ(rd_le(&f, 8), test_map[i].addr);
		CHECK_EQ(rd_le(&f, 8), test_map[i].size);
		CHECK_EQ(rd_le(&f, 4), test_map[i].type);
	}
	CHECK_EQ(rd8(&f), 0);
	CHECK_EQ(find_file(&f, "opt/test", &size), 0x21);
	CHECK_EQ(find_file(&f, "etc/none", &size), -1);
	fw_cfg_free(&f);
}

TEST(fw_cfg_edges_a_guest_can_hit)
{
	struct fw_cfg f;
	uint8_t b[4];

	setup(&f);
	/* Unknown keys read as an empty item; so does a file key not given. */
	sel(&f, 0x0042);
	CHECK_EQ(rd_le(&f, 8), 0);
	sel(&f, FW_CFG_FILE_FIRST + 5);
	CHECK_EQ(rd8(&f), 0);
	sel(&f, 0xffff);
	CHECK_EQ(rd8(&f), 0);
	/* Reselecting restarts at offset 0, even the same key. */
	sel(&f, FW_CFG_SIGNATURE);
	CHECK_EQ(rd8(&f), 'Q');
	CHECK_EQ(rd8(&f), 'E');
	sel(&f, FW_CFG_SIGNATURE);
	CHECK_EQ(rd8(&f), 'Q');
	/* Data writes are ignored and leave the offset where it was. */
	b[0] = 'X';
	fw_cfg_io(&f, FW_CFG_PORT_DATA, b, 1, true);
	CHECK_EQ(rd8(&f), 'E');
	sel(&f, FW_CFG_SIGNATURE);
	CHECK_EQ(rd_le(&f, 4), 0x554d4551);
	/* Far past the end: still 0, the offset does not wrap. */
	for (int i = 0; i < 1000; i++)
		rd8(&f);
	CHECK_EQ(rd8(&f), 0);
	/* The selector port reads all ones. */
	memset(b, 0, sizeof(b));
	fw_cfg_io(&f, FW_CFG_PORT_SEL, b, 2, false);
	CHECK_EQ(b[0], 0xff);
	CHECK_EQ(b[1], 0xff);
	fw_cfg_free(&f);
}

TEST(fw_cfg_access_widths)
{
	struct fw_cfg f;
	uint8_t b[4];

	setup(&f);
	/* outb to the selector: the byte is the key's low half. */
	b[0] = FW_CFG_NB_CPUS;
	fw_cfg_io(&f, FW_CFG_PORT_SEL, b, 1, true);
	CHECK_EQ(rd_le(&f, 2), 3);
	/* Bit 14 is not part of the key. */
	sel(&f, FW_CFG_WRITE_CHANNEL | FW_CFG_SIGNATURE);
	CHECK_EQ(rd8(&f), 'Q');
	/* A wide data read is the next bytes in order, zero-padded. */
	sel(&f, FW_CFG_SIGNATURE);
	fw_cfg_io(&f, FW_CFG_PORT_DATA, b, 2, false);
	CHECK(memcmp(b, "QE", 2) == 0);
	memset(b, 0xaa, sizeof(b));
	fw_cfg_io(&f, FW_CFG_PORT_DATA, b, 4, false);
	CHECK(memcmp(b, "MU\0\0", 4) == 0);
	/* A 32-bit write to the selector: the low 16 bits. */
	b[0] = FW_CFG_RAM_SIZE;
	b[1] = 0;
	b[2] = b[3] = 0x12;
	fw_cfg_io(&f, FW_CFG_PORT_SEL, b, 4, true);
	CHECK_EQ(rd_le(&f, 8), 64u << 20);
	fw_cfg_free(&f);
}

TEST(fw_cfg_add_limits)
{
	struct fw_cfg f;
	char name[FW_CFG_MAX_FILE_PATH + 1];

	fw_cfg_init(&f);
	memset(name, 'a', sizeof(name));
	name[FW_CFG_MAX_FILE_PATH] = '\0'; /* 56 characters: no room for NUL */
	CHECK_EQ(fw_cfg_add_file(&f, name, "x", 1), -1);
	name[FW_CFG_MAX_FILE_PATH - 1] = '\0'; /* 55 fit */
	CHECK_EQ(fw_cfg_add_file(&f, name, "x", 1), 0);
	CHECK_EQ(fw_cfg_add_file(&f, "", "x", 1), -1);
	CHECK_EQ(fw_cfg_add_file(&f, NULL, "x", 1), -1);
	/* The same name again replaces the data and keeps the key. */
	CHECK_EQ(fw_cfg_add_file(&f, name, "yz", 2), 0);
	CHECK_EQ(f.nfiles, 1);
	sel(&f, FW_CFG_FILE_FIRST);
	CHECK_EQ(rd8(&f), 'y');
	CHECK_EQ(rd8(&f), 'z');
	for (int i = 1; i < FW_CFG_MAX_FILES; i++) {
		char n[24];

		snprintf(n, sizeof(n), "opt/f%d", i);
		CHECK_EQ(fw_cfg_add_file(&f, n, NULL, 0), 0);
	}
	CHECK_EQ(fw_cfg_add_file(&f, "opt/one-too-many", "x", 1), -1);
	/* Keys: the directory and the file range are not fixed items. */
	CHECK_EQ(fw_cfg_add(&f, FW_CFG_FILE_DIR, "x", 1), -1);
	CHECK_EQ(fw_cfg_add(&f, FW_CFG_FILE_FIRST, "x", 1), -1);
	CHECK_EQ(fw_cfg_add(&f, FW_CFG_WRITE_CHANNEL | 1, "x", 1), -1);
	CHECK_EQ(fw_cfg_add(&f, 0x8003, "x", 1), 0); /* arch-specific */
	CHECK_EQ(fw_cfg_add(&f, 0x0002, NULL, 1), -1); /* no data */
	sel(&f, 0x8003);
	CHECK_EQ(rd8(&f), 'x');
	/* Replacing keeps one slot: all 32 are still there to fill. */
	for (int i = 0; i < 10; i++)
		CHECK_EQ(fw_cfg_add(&f, 0x0004, "n", 1), 0);
	for (int i = 0; i < FW_CFG_MAX_ITEMS - 2; i++)
		CHECK_EQ(fw_cfg_add(&f, (uint16_t)(0x8100 + i), "v", 1), 0);
	CHECK_EQ(fw_cfg_add(&f, 0x8200, "v", 1), -1); /* full */
	CHECK_EQ(fw_cfg_add(&f, 0x0004, "m", 1), 0); /* replacing still works */
	fw_cfg_free(&f);
}

TEST(fw_cfg_on_the_bus)
{
	struct fw_cfg f;
	struct bus pio;
	uint8_t b[2] = { FW_CFG_SIGNATURE, 0 };

	setup(&f);
	bus_init(&pio);
	CHECK_EQ(fw_cfg_register(&f, &pio), 0);
	CHECK(bus_access(&pio, NULL, FW_CFG_PORT_SEL, b, 2, true));
	CHECK(bus_access(&pio, NULL, FW_CFG_PORT_DATA, b, 1, false));
	CHECK_EQ(b[0], 'Q');
	CHECK(bus_access(&pio, NULL, FW_CFG_PORT_DATA, b, 1, false));
	CHECK_EQ(b[0], 'E');
	CHECK(!bus_find(&pio, FW_CFG_PORT_DATA + 1));
	CHECK(!bus_find(&pio, FW_CFG_PORT_SEL - 1));
	fw_cfg_free(&f);
}
