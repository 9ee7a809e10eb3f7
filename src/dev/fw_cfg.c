/* QEMU's fw_cfg device, legacy I/O interface: kernels written for QEMU
 * (test suites above all) find the CPU count, the RAM size and the e820
 * memory map here instead of probing for them; with no device there they
 * read all ones and count 0xffff CPUs. fw_cfg.h has the guest's view. The
 * file directory is not stored: each of its bytes is computed from the
 * file table when it is read, so it cannot go stale. */
#include "fw_cfg.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t signature[FW_CFG_SIG_SIZE] = { 'Q', 'E', 'M', 'U' };

void fw_cfg_init(struct fw_cfg *f)
{
	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
}

void fw_cfg_free(struct fw_cfg *f)
{
	for (int i = 0; i < FW_CFG_MAX_ITEMS; i++)
		free(f->items[i].data);
	for (int i = 0; i < f->nfiles; i++)
		free(f->files[i].data);
	pthread_mutex_destroy(&f->lock);
	memset(f, 0, sizeof(*f));
}

/* A malloc'd copy of len bytes; NULL (with *ok still true) for none. */
static uint8_t *copy_of(const void *data, uint32_t len, bool *ok)
{
	uint8_t *p;

	*ok = len == 0 || data;
	if (len == 0 || !data)
		return NULL;
	p = malloc(len);
	if (!p) {
		*ok = false;
		return NULL;
	}
	memcpy(p, data, len);
	return p;
}

/* Fixed items: the generic keys below the files (the directory excepted)
 * and the arch-specific ones; bit 14 is never part of a key. */
static bool fixed_key(uint16_t key)
{
	if (key & FW_CFG_WRITE_CHANNEL)
		return false;
	if (key & FW_CFG_ARCH_LOCAL)
		return true;
	return key < FW_CFG_FILE_FIRST && key != FW_CFG_FILE_DIR;
}

static struct fw_cfg_item *item_slot(struct fw_cfg *f, uint16_t key)
{
	struct fw_cfg_item *free_slot = NULL;

	for (int i = 0; i < FW_CFG_MAX_ITEMS; i++) {
		struct fw_cfg_item *it = &f->items[i];

		if (it->used && it->key == key)
			return it;
		if (!it->used && !free_slot)
			free_slot = it;
	}
	return free_slot;
}

int fw_cfg_add(struct fw_cfg *f, uint16_t key, const void *data, uint32_t len)
{
	struct fw_cfg_item *it;
	uint8_t *copy;
	bool ok;

	if (!fixed_key(key))
		return -1;
	copy = copy_of(data, len, &ok);
	if (!ok)
		return -1;
	pthread_mutex_lock(&f->lock);
	it = item_slot(f, key);
	if (it) {
		free(it->data);
		*it = (struct fw_cfg_item){ .key = key, .used = true,
					    .data = copy, .len = len };
	}
	pthread_mutex_unlock(&f->lock);
	if (!it)
		free(copy);
	return it ? 0 : -1;
}

static struct fw_cfg_file *file_slot(struct fw_cfg *f, const char *name)
{
	for (int i = 0; i < f->nfiles; i++)
		if (strcmp(f->files[i].name, name) == 0)
			return &f->files[i];
	if (f->nfiles == FW_CFG_MAX_FILES)
		return NULL;
	return &f->files[f->nfiles++];
}

int fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data,
		    uint32_t len)
{
	struct fw_cfg_file *file;
	size_t n = name ? strnlen(name, FW_CFG_MAX_FILE_PATH) : 0;
	uint8_t *copy;
	bool ok;

	if (n == 0 || n == FW_CFG_MAX_FILE_PATH)
		return -1; /* empty, or no room for the NUL */
	copy = copy_of(data, len, &ok);
	if (!ok)
		return -1;
	pthread_mutex_lock(&f->lock);
	file = file_slot(f, name);
	if (file) {
		free(file->data);
		memset(file->name, 0, sizeof(file->name));
		memcpy(file->name, name, n);
		file->data = copy;
		file->len = len;
	}
	pthread_mutex_unlock(&f->lock);
	if (!file)
		free(copy);
	return file ? 0 : -1;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

/* "etc/e820": the entries, 20 bytes each, little-endian whatever the host. */
static int add_e820(struct fw_cfg *f, const struct e820_entry *map, int nmap)
{
	uint32_t len = (uint32_t)nmap * sizeof(struct e820_entry);
	uint8_t *buf = malloc(len ? len : 1);
	int rc;

	if (!buf)
		return -1;
	for (int i = 0; i < nmap; i++) {
		uint8_t *e = buf + i * sizeof(struct e820_entry);

		put_le(e, map[i].addr, 8);
		put_le(e + 8, map[i].size, 8);
		put_le(e + 16, map[i].type, 4);
	}
	rc = fw_cfg_add_file(f, "etc/e820", buf, len);
	free(buf);
	return rc;
}

int fw_cfg_setup_pc(struct fw_cfg *f, uint64_t ram_size, uint16_t ncpus,
		    const struct e820_entry *map, int nmap)
{
	uint8_t id[4], ram[8], cpus[2];

	if (nmap < 0 || nmap > 1024 || (nmap > 0 && !map))
		return -1;
	put_le(id, FW_CFG_ID_TRADITIONAL, 4);
	put_le(ram, ram_size, 8);
	put_le(cpus, ncpus, 2);
	if (fw_cfg_add(f, FW_CFG_SIGNATURE, signature, sizeof(signature)) ||
	    fw_cfg_add(f, FW_CFG_ID, id, sizeof(id)) ||
	    fw_cfg_add(f, FW_CFG_RAM_SIZE, ram, sizeof(ram)) ||
	    fw_cfg_add(f, FW_CFG_NB_CPUS, cpus, sizeof(cpus)) ||
	    fw_cfg_add(f, FW_CFG_MAX_CPUS, cpus, sizeof(cpus)))
		return -1;
	return add_e820(f, map, nmap);
}

/* Byte off of the file directory: a big-endian count, then 64 bytes a
 * file. */
static uint8_t dir_byte(const struct fw_cfg *f, uint32_t off)
{
	uint8_t entry[FW_CFG_DIR_ENTRY_SIZE] = { 0 };
	const struct fw_cfg_file *file;

	if (off < 4) {
		put_be(entry, (uint32_t)f->nfiles, 4);
		return entry[off];
	}
	off -= 4;
	file = &f->files[off / FW_CFG_DIR_ENTRY_SIZE];
	put_be(entry, file->len, 4);
	put_be(entry + 4, FW_CFG_FILE_FIRST + off / FW_CFG_DIR_ENTRY_SIZE, 2);
	memcpy(entry + 8, file->name, sizeof(file->name));
	return entry[off % FW_CFG_DIR_ENTRY_SIZE];
}

static uint32_t dir_len(const struct fw_cfg *f)
{
	return 4 + (uint32_t)f->nfiles * FW_CFG_DIR_ENTRY_SIZE;
}

/* The selected item's bytes, or NULL with *len 0 for an unknown key; the
 * directory is the caller's (dir_byte). */
static const uint8_t *item_data(const struct fw_cfg *f, uint16_t key,
				uint32_t *len)
{
	int file = key - FW_CFG_FILE_FIRST;

	*len = 0;
	if (key >= FW_CFG_FILE_FIRST && file < f->nfiles) {
		*len = f->files[file].len;
		return f->files[file].data;
	}
	for (int i = 0; i < FW_CFG_MAX_ITEMS; i++)
		if (f->items[i].used && f->items[i].key == key) {
			*len = f->items[i].len;
			return f->items[i].data;
		}
	return NULL;
}

/* The next byte of the selected item, 0 past its end; the offset stops
 * at the end, so it never wraps. */
static uint8_t next_byte(struct fw_cfg *f)
{
	const uint8_t *data = NULL;
	uint32_t len;
	uint8_t b;

	if (f->key == FW_CFG_FILE_DIR)
		len = dir_len(f);
	else
		data = item_data(f, f->key, &len);
	if (f->offset >= len)
		return 0;
	b = data ? data[f->offset] : dir_byte(f, f->offset);
	f->offset++;
	return b;
}

static void select_key(struct fw_cfg *f, const uint8_t *bytes, uint32_t len)
{
	uint16_t key = bytes[0];

	if (len >= 2)
		key |= (uint16_t)(bytes[1] << 8);
	f->key = key & (uint16_t)~FW_CFG_WRITE_CHANNEL;
	f->offset = 0;
}

void fw_cfg_io(struct fw_cfg *f, uint16_t port, void *data, uint32_t len,
	       bool is_write)
{
	uint8_t *bytes = data;

	if (len == 0)
		return;
	pthread_mutex_lock(&f->lock);
	if (is_write && port == FW_CFG_PORT_SEL)
		select_key(f, bytes, len);
	else if (!is_write && port == FW_CFG_PORT_DATA)
		for (uint32_t i = 0; i < len; i++)
			bytes[i] = next_byte(f);
	else if (!is_write)
		memset(bytes, 0xff, len); /* the selector is write-only */
	/* Data writes: ignored, as in QEMU since v2.4. */
	pthread_mutex_unlock(&f->lock);
}

static void fw_cfg_bus_io(void *opaque, struct vcpu *vcpu, uint64_t offset,
			  void *data, uint32_t len, bool is_write)
{
	(void)vcpu;
	fw_cfg_io(opaque, (uint16_t)(FW_CFG_PORT_SEL + offset), data, len,
		  is_write);
}

int fw_cfg_register(struct fw_cfg *f, struct bus *pio)
{
	return bus_register(pio, FW_CFG_PORT_SEL,
			    FW_CFG_PORT_DATA - FW_CFG_PORT_SEL + 1,
			    fw_cfg_bus_io, f, "fw_cfg");
}
