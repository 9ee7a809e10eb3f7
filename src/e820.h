/* The PC's memory map entry, as the BIOS's e820 call, Linux's zero page and
 * QEMU's fw_cfg file etc/e820 all lay it out: one type for every loader and
 * device that hands a guest its memory map. */
#ifndef MINIKVM_E820_H
#define MINIKVM_E820_H

#include <stdint.h>

#define E820_RAM 1
#define E820_RESERVED 2

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

#endif
