/* fw_cfg as fw_cfg.h documents it, for fuzz_fw_cfg (fw_cfg_model.h). */
#include "fw_cfg_model.h"

#include <string.h>

void fw_cfg_model_init(struct fw_cfg_model *m)
{
	memset(m, 0, sizeof(*m));
}

/* The keys a fixed item may have: 0x0000-0x001f but the directory, and
 * the arch-specific 0x8000-0xbfff; never one with bit 14. */
static bool item_key(uint16_t key)
{
	if (key & FW_CFG_WRITE_CHANNEL)
		return false;
	return (key & FW_CFG_ARCH_LOCAL) || (key < FW_CFG_FILE_FIRST && key != FW_CFG_FILE_DIR);
}

int fw_cfg_model_add(struct fw_cfg_model *m, uint16_t key, const uint8_t *data, uint32_t len)
{
	int slot = -1;

	if (!item_key(key) || len > FW_CFG_MODEL_DATA_MAX)
		return -1;
	for (int i = 0; i < FW_CFG_MAX_ITEMS && slot < 0; i++)
		if (m->items[i].used && m->items[i].key == key)
			slot = i; /* replaced in place */
	for (int i = 0; i < FW_CFG_MAX_ITEMS && slot < 0; i++)
		if (!m->items[i].used)
			slot = i;
	if (slot < 0)
		return -1; /* all taken */
	m->items[slot].used = true;
	m->items[slot].key = key;
	m->items[slot].len = len;
	memcpy(m->items[slot].data, data, len);
	return 0;
}

int fw_cfg_model_add_file(struct fw_cfg_model *m, const char *name, const uint8_t *data,
			  uint32_t len)
{
	size_t n = strnlen(name, FW_CFG_MAX_FILE_PATH);
	int i = 0;

	if (n == 0 || n == FW_CFG_MAX_FILE_PATH || len > FW_CFG_MODEL_DATA_MAX)
		return -1;
	while (i < m->nfiles && strcmp(m->files[i].name, name) != 0)
		i++;
	if (i == FW_CFG_MAX_FILES)
		return -1;
	if (i == m->nfiles)
		m->nfiles++; /* a new name takes the next key */
	memset(m->files[i].name, 0, sizeof(m->files[i].name));
	memcpy(m->files[i].name, name, n);
	m->files[i].len = len;
	memcpy(m->files[i].data, data, len);
	return 0;
}

static void le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void fw_cfg_model_setup_pc(struct fw_cfg_model *m, uint64_t ram, uint16_t cpus,
			   const struct e820_entry *map, int nmap)
{
	uint8_t id[4], size[8], ncpus[2], e820[8 * 20];

	le(id, FW_CFG_ID_TRADITIONAL, 4);
	le(size, ram, 8);
	le(ncpus, cpus, 2);
	fw_cfg_model_add(m, FW_CFG_SIGNATURE, (const uint8_t *)"QEMU", 4);
	fw_cfg_model_add(m, FW_CFG_ID, id, 4);
	fw_cfg_model_add(m, FW_CFG_RAM_SIZE, size, 8);
	fw_cfg_model_add(m, FW_CFG_NB_CPUS, ncpus, 2);
	fw_cfg_model_add(m, FW_CFG_MAX_CPUS, ncpus, 2);
	for (int i = 0; i < nmap && i < 8; i++) {
		le(e820 + 20 * i, map[i].addr, 8);
		le(e820 + 20 * i + 8, map[i].size, 8);
		le(e820 + 20 * i + 16, map[i].type, 4);
	}
	fw_cfg_model_add_file(m, "etc/e820", e820, (uint32_t)nmap * 20);
}

/* Byte off of the directory: a big-endian count, then per file its
 * big-endian size and key, two reserved bytes and its 56-byte name. */
static uint8_t directory_byte(const struct fw_cfg_model *m, uint32_t off)
{
	uint32_t entry, at;

	if (off < 4)
		return (uint8_t)((uint32_t)m->nfiles >> (8 * (3 - off)));
	entry = (off - 4) / FW_CFG_DIR_ENTRY_SIZE;
	at = (off - 4) % FW_CFG_DIR_ENTRY_SIZE;
	if (at < 4)
		return (uint8_t)(m->files[entry].len >> (8 * (3 - at)));
	if (at < 6)
		return (uint8_t)((FW_CFG_FILE_FIRST + entry) >> (8 * (5 - at)));
	if (at < 8)
		return 0;
	return (uint8_t)m->files[entry].name[at - 8];
}

/* The selected item's length and bytes (NULL: the directory). */
static const uint8_t *selected(const struct fw_cfg_model *m, uint32_t *len)
{
	*len = 0;
	if (m->key == FW_CFG_FILE_DIR) {
		*len = 4 + (uint32_t)m->nfiles * FW_CFG_DIR_ENTRY_SIZE;
		return NULL;
	}
	if (m->key >= FW_CFG_FILE_FIRST && m->key - FW_CFG_FILE_FIRST < m->nfiles) {
		*len = m->files[m->key - FW_CFG_FILE_FIRST].len;
		return m->files[m->key - FW_CFG_FILE_FIRST].data;
	}
	for (int i = 0; i < FW_CFG_MAX_ITEMS; i++)
		if (m->items[i].used && m->items[i].key == m->key) {
			*len = m->items[i].len;
			return m->items[i].data;
		}
	return NULL; /* unknown: length 0 */
}

uint8_t fw_cfg_model_read(struct fw_cfg_model *m, uint16_t port)
{
	uint32_t len;
	const uint8_t *data;
	uint8_t b;

	if (port != FW_CFG_PORT_DATA)
		return 0xff;
	data = selected(m, &len);
	if (m->offset >= len)
		return 0;
	b = data ? data[m->offset] : directory_byte(m, m->offset);
	m->offset++;
	return b;
}

void fw_cfg_model_write(struct fw_cfg_model *m, uint16_t port, const uint8_t *data,
			uint32_t len)
{
	if (port != FW_CFG_PORT_SEL || len == 0)
		return; /* data writes and other ports: ignored */
	m->key = (uint16_t)((data[0] | (len >= 2 ? data[1] << 8 : 0)) & ~FW_CFG_WRITE_CHANNEL);
	m->offset = 0;
}
