/* QEMU's firmware configuration device (fw_cfg), its legacy I/O interface
 * only: a selector port (FW_CFG_PORT_SEL) and a data port
 * (FW_CFG_PORT_DATA) through which the guest reads numbered items and named
 * files (docs/specs/fw_cfg.rst in QEMU). Kernels written for QEMU read the
 * CPU count, the RAM size and the memory map here; without the device
 * their reads see all ones, and a well-known test suite counts 0xffff
 * CPUs. No DMA interface (the ID item says so), no writable items. All
 * state lives in struct fw_cfg: one per VM.
 *
 * The guest's view:
 *  - a selector write selects an item and resets the read offset to 0. A
 *    16-bit write is the key (little-endian); a 1-byte write (outb) is the
 *    key's low byte, high byte 0; of a wider write only the low 16 bits
 *    count. Bit 14 (the old "write channel") is ignored: 0x4001 reads as
 *    0x0001. (QEMU decodes its two ports by access size, not address: a
 *    byte write to either is a data write, ignored, and only a 16-bit write
 *    selects. Guests written for QEMU use outw, which both take alike.)
 *  - a data read of N bytes returns the item's next N bytes in order
 *    (like memcpy: the spec's "string-preserving" wide read); bytes past
 *    the end of the item, and every byte of an unknown key, read as 0.
 *  - data writes are ignored and do not move the offset; a read of the
 *    selector port returns all ones (QEMU returns a data byte there). */
#ifndef MINIKVM_DEV_FW_CFG_H
#define MINIKVM_DEV_FW_CFG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "minikvm/abi.h"

#include "../bus.h"
#include "../e820.h"

/* Keys of the items the VMM sets (QEMU's numbers). */
#define FW_CFG_SIGNATURE 0x0000 /* "QEMU" */
#define FW_CFG_ID 0x0001	/* u32 LE feature bits */
#define FW_CFG_RAM_SIZE 0x0003	/* u64 LE */
#define FW_CFG_NB_CPUS 0x0005	/* u16 LE */
#define FW_CFG_MAX_CPUS 0x000f	/* u16 LE */
#define FW_CFG_FILE_DIR 0x0019	/* generated from the files, big-endian */
#define FW_CFG_FILE_FIRST 0x0020 /* the first file's key */
#define FW_CFG_WRITE_CHANNEL 0x4000 /* selector bit 14: ignored */
#define FW_CFG_ARCH_LOCAL 0x8000    /* selector bit 15: arch-specific keys */

#define FW_CFG_ID_TRADITIONAL 0x1 /* bit 0: this interface; bit 1 (DMA) clear */
#define FW_CFG_SIG_SIZE 4
#define FW_CFG_MAX_FILE_PATH 56	/* a file name with its NUL */
#define FW_CFG_DIR_ENTRY_SIZE 64 /* u32 size, u16 select, u16 reserved, name */

#define FW_CFG_MAX_ITEMS 32
#define FW_CFG_MAX_FILES 32	/* keys 0x0020-0x003f */



struct fw_cfg_item {
	uint16_t key;
	bool used;
	uint8_t *data; /* a malloc'd copy; NULL when len is 0 */
	uint32_t len;
};

struct fw_cfg_file {
	char name[FW_CFG_MAX_FILE_PATH];
	uint8_t *data;
	uint32_t len;
};

struct fw_cfg {
	pthread_mutex_t lock; /* vCPUs of an SMP guest share it */
	uint16_t key;	      /* the selected key, bit 14 cleared */
	uint32_t offset;      /* the next byte to read; stops at the end */
	struct fw_cfg_item items[FW_CFG_MAX_ITEMS];
	struct fw_cfg_file files[FW_CFG_MAX_FILES]; /* file i has key 0x20 + i */
	int nfiles;
};

void fw_cfg_init(struct fw_cfg *f);
/* Adds or replaces a fixed item (the data is copied). Keys 0x0000-0x001f
 * (but not FW_CFG_FILE_DIR, which is generated) and the arch-specific
 * 0x8000-0xbfff. 0, or -1 when out of memory, the key is out of range or
 * all FW_CFG_MAX_ITEMS are taken. */
int fw_cfg_add(struct fw_cfg *f, uint16_t key, const void *data, uint32_t len);
/* Adds a named file (copied), listed in FILE_DIR with the next key from
 * FW_CFG_FILE_FIRST up, in the order added; a name already there has its
 * data replaced and keeps its key. 0, or -1 when the name is empty or too
 * long for FW_CFG_MAX_FILE_PATH bytes with its NUL, there are
 * FW_CFG_MAX_FILES already, or out of memory. */
int fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data,
		    uint32_t len);
/* What a PC guest reads: signature, ID, RAM_SIZE = ram_size, NB_CPUS =
 * MAX_CPUS = ncpus, and "etc/e820" from the nmap entries of map. May be
 * called again: each item is replaced. 0 or -1. */
int fw_cfg_setup_pc(struct fw_cfg *f, uint64_t ram_size, uint16_t ncpus,
		    const struct e820_entry *map, int nmap);
/* Frees every copy; the struct may be initialised again. */
void fw_cfg_free(struct fw_cfg *f);
/* Port access for the bus and the tests: port is FW_CFG_PORT_SEL or
 * FW_CFG_PORT_DATA (any other reads all ones); len 1, 2 or 4. */
void fw_cfg_io(struct fw_cfg *f, uint16_t port, void *data, uint32_t len,
	       bool is_write);
/* Claims FW_CFG_PORT_SEL and FW_CFG_PORT_DATA on the port bus. */
int fw_cfg_register(struct fw_cfg *f, struct bus *pio);

#endif
