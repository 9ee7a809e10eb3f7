/* Multiboot modules (spec section 3.3, mods_*): the files of --initrd, or of
 * QEMU's -initrd "FILE args,FILE", loaded page-aligned after the kernel as
 * QEMU loads them, each with its string; and where the information area
 * goes, which must miss the kernel and the modules. Everything is read and
 * placed before any guest runs, so a module that does not fit is one line
 * and status 121, not a guest that finds garbage. */
#include <stdlib.h>
#include <string.h>

#include "../err.h"
#include "multiboot.h"

#define PAGE 0x1000u

static uint64_t page_up(uint64_t v)
{
	return (v + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

/* The next item of spec into a new string (",," stands for a comma);
 * advances *spec past it and its separator. */
static char *next_item(const char **spec)
{
	const char *p = *spec;
	size_t len = 0;
	char *item = malloc(strlen(p) + 1);

	if (!item)
		return NULL;
	while (*p && !(p[0] == ',' && p[1] != ',')) {
		if (p[0] == ',')
			p++; /* ",," */
		item[len++] = *p++;
	}
	item[len] = '\0';
	*spec = *p ? p + 1 : p;
	return item;
}

/* The file name: the item up to its first space. */
static char *file_name(const char *item)
{
	size_t n = strcspn(item, " ");
	char *name = malloc(n + 1);

	if (name) {
		memcpy(name, item, n);
		name[n] = '\0';
	}
	return name;
}

static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
	return a < b_end && b < a_end;
}

static int add_module(struct multiboot_kernel *k, char *item, uint64_t *next,
		      uint64_t mem_size)
{
	struct multiboot_module *m = &k->modules[k->nr_modules];
	char *name = file_name(item);

	m->string = item;
	k->nr_modules++; /* owned from here on: multiboot_free() releases it */
	if (!name)
		return throw_err(-1, "out of memory");
	/* The path stays alive in the module string's copy for messages. */
	if (image_read(&m->file, name, mem_size, "of guest memory") < 0) {
		free(name);
		return -1;
	}
	m->file.path = m->string;
	free(name);
	if (overlaps(*next, *next + m->file.size, MB_BIOS_AREA, MB_BIOS_AREA_END))
		*next = MB_BIOS_AREA_END;
	if (*next + m->file.size > mem_size)
		return throw_err(-1, "%s: module of %zu bytes does not fit at 0x%llx in the %llu MiB of guest memory; give more --mem",
				 m->string, m->file.size, (unsigned long long)*next,
				 (unsigned long long)(mem_size >> 20));
	m->start = (uint32_t)*next;
	m->end = (uint32_t)(*next + m->file.size);
	*next = page_up(m->end);
	return 0;
}

/* 0x9000 unless the kernel or its modules (they end at next) lie over it;
 * then the first free pages after them. */
static int place_info(struct multiboot_kernel *k, uint64_t next, uint64_t mem_size)
{
	if (!overlaps(MB_INFO_ADDR, MB_INFO_ADDR + MB_INFO_SIZE, k->load_start, next)) {
		k->info_addr = MB_INFO_ADDR;
		return 0;
	}
	if (overlaps(next, next + MB_INFO_SIZE, MB_BIOS_AREA, MB_BIOS_AREA_END))
		next = MB_BIOS_AREA_END;
	if (next + MB_INFO_SIZE > mem_size || next + MB_INFO_SIZE > UINT32_MAX)
		return throw_err(-1, "no room for the multiboot information after the kernel and its modules; give more --mem");
	k->info_addr = (uint32_t)next;
	return 0;
}

int multiboot_plan_modules(struct multiboot_kernel *k, const char *spec,
			   uint64_t mem_size)
{
	uint64_t next = page_up(k->load_end);
	size_t strings = 0;

	k->nr_modules = 0;
	while (spec && *spec) {
		char *item;

		if (k->nr_modules == MB_MAX_MODULES)
			return throw_err(-1, "--initrd: more than %d multiboot modules", MB_MAX_MODULES);
		item = next_item(&spec);
		if (!item)
			return throw_err(-1, "out of memory");
		if (!*item) {
			free(item);
			return throw_err(-1, "--initrd: an empty module name");
		}
		strings += strlen(item) + 1;
		if (add_module(k, item, &next, mem_size) < 0)
			return -1;
	}
	if (strings > MB_STRINGS_MAX)
		return throw_err(-1, "--initrd: the module names and arguments take %zu bytes; at most %u fit",
				 strings, MB_STRINGS_MAX);
	return place_info(k, next, mem_size);
}

int multiboot_load_modules(struct vm *vm, const struct multiboot_kernel *k)
{
	for (int i = 0; i < k->nr_modules; i++) {
		const struct multiboot_module *m = &k->modules[i];
		void *dst = vm_guest_ptr(vm, m->start, m->file.size);

		if (!dst)
			return throw_err(-1, "%s: module lies outside guest memory", m->string);
		memcpy(dst, m->file.data, m->file.size);
	}
	return 0;
}

void multiboot_free(struct multiboot_kernel *k)
{
	for (int i = 0; i < k->nr_modules; i++) {
		image_free(&k->modules[i].file);
		free(k->modules[i].string);
	}
	k->nr_modules = 0;
}
