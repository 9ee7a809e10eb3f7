/* The fuzz_fw_cfg target's reference: what fw_cfg.h says a guest sees,
 * kept apart from src/dev/fw_cfg.c so the two can disagree. Items and
 * files are plain copies; the directory is built byte by byte from the
 * file list, as the spec lays it out. */
#ifndef MINIKVM_FUZZ_FW_CFG_MODEL_H
#define MINIKVM_FUZZ_FW_CFG_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "../../src/dev/fw_cfg.h"

#define FW_CFG_MODEL_DATA_MAX 255 /* the most the target adds at once */

struct fw_cfg_model {
	struct {
		bool used;
		uint16_t key;
		uint32_t len;
		uint8_t data[FW_CFG_MODEL_DATA_MAX];
	} items[FW_CFG_MAX_ITEMS];
	struct {
		char name[FW_CFG_MAX_FILE_PATH];
		uint32_t len;
		uint8_t data[FW_CFG_MODEL_DATA_MAX];
	} files[FW_CFG_MAX_FILES];
	int nfiles;
	uint16_t key;	 /* selected */
	uint32_t offset; /* next byte of it */
};

void fw_cfg_model_init(struct fw_cfg_model *m);
/* 0 or -1, as fw_cfg_add() and fw_cfg_add_file() must answer. */
int fw_cfg_model_add(struct fw_cfg_model *m, uint16_t key, const uint8_t *data, uint32_t len);
int fw_cfg_model_add_file(struct fw_cfg_model *m, const char *name, const uint8_t *data,
			  uint32_t len);
void fw_cfg_model_setup_pc(struct fw_cfg_model *m, uint64_t ram, uint16_t cpus,
			   const struct e820_entry *map, int nmap);
/* One byte of a read at port; a write of len bytes at port. */
uint8_t fw_cfg_model_read(struct fw_cfg_model *m, uint16_t port);
void fw_cfg_model_write(struct fw_cfg_model *m, uint16_t port, const uint8_t *data,
			uint32_t len);

#endif
