/* The debug-register and int3 bookkeeping of breakpoints.h. DR7's fields
 * are the SDM's (vol. 3, 18.2.4): L0-L3 at bits 0, 2, 4, 6; LE at bit 8;
 * R/W0 at bits 16-17 and LEN0 at 18-19, then 4 bits a slot. */
#include "breakpoints.h"

#include <stddef.h>

#define DR7_LE (1u << 8)

static unsigned rw_bits(enum gdb_hw_kind kind)
{
	switch (kind) {
	case GDB_HW_WRITE:
		return 1; /* data writes */
	case GDB_HW_ACCESS:
		return 3; /* data reads and writes */
	default:
		return 0; /* instruction execution */
	}
}

static unsigned len_bits(unsigned len)
{
	switch (len) {
	case 2:
		return 1;
	case 4:
		return 3;
	case 8:
		return 2;
	default:
		return 0;
	}
}

static bool watchable(enum gdb_hw_kind kind, uint64_t addr, unsigned len, bool long_mode)
{
	if (kind != GDB_HW_WRITE && kind != GDB_HW_ACCESS)
		return true; /* an instruction: gdb's kind is the int3's length */
	if (len != 1 && len != 2 && len != 4 && !(len == 8 && long_mode))
		return false;
	return addr % len == 0;
}

int gdb_hw_insert(struct gdb_breakpoints *b, enum gdb_hw_kind kind, uint64_t addr,
		  unsigned len, bool long_mode)
{
	if (kind == GDB_HW_FREE || !watchable(kind, addr, len, long_mode))
		return -2;
	if (kind == GDB_HW_EXEC || kind == GDB_HW_SW_EXEC || kind == GDB_HW_NO_BIOS)
		len = 1; /* an instruction breakpoint's LEN is always 00 */
	for (int i = 0; i < GDB_HW_SLOTS; i++) {
		if (b->hw[i].kind != GDB_HW_FREE)
			continue;
		b->hw[i] = (struct gdb_hw_slot){ kind, addr, len };
		return i;
	}
	return -1;
}

bool gdb_hw_remove(struct gdb_breakpoints *b, enum gdb_hw_kind kind, uint64_t addr,
		   unsigned len)
{
	if (kind == GDB_HW_EXEC || kind == GDB_HW_SW_EXEC || kind == GDB_HW_NO_BIOS)
		len = 1;
	for (int i = 0; i < GDB_HW_SLOTS; i++) {
		struct gdb_hw_slot *s = &b->hw[i];

		if (s->kind == kind && s->addr == addr && s->len == len) {
			*s = (struct gdb_hw_slot){ GDB_HW_FREE, 0, 0 };
			return true;
		}
	}
	return false;
}

int gdb_hw_free_slots(const struct gdb_breakpoints *b)
{
	int n = 0;

	for (int i = 0; i < GDB_HW_SLOTS; i++)
		n += b->hw[i].kind == GDB_HW_FREE;
	return n;
}

uint64_t gdb_hw_dr7(const struct gdb_breakpoints *b)
{
	uint64_t dr7 = 0;

	for (int i = 0; i < GDB_HW_SLOTS; i++) {
		const struct gdb_hw_slot *s = &b->hw[i];

		if (s->kind == GDB_HW_FREE)
			continue;
		dr7 |= 1ull << (2 * i);
		dr7 |= (uint64_t)(rw_bits(s->kind) | len_bits(s->len) << 2) << (16 + 4 * i);
	}
	return dr7 ? dr7 | DR7_LE : 0;
}

int gdb_hw_hit(const struct gdb_breakpoints *b, uint64_t dr6)
{
	for (int i = 0; i < GDB_HW_SLOTS; i++)
		if ((dr6 & (1u << i)) && b->hw[i].kind != GDB_HW_FREE)
			return i;
	return -1;
}

struct gdb_sw_breakpoint *gdb_sw_find(struct gdb_breakpoints *b, uint64_t addr)
{
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++)
		if (b->sw[i].used && b->sw[i].addr == addr)
			return &b->sw[i];
	return NULL;
}

struct gdb_sw_breakpoint *gdb_sw_free_entry(struct gdb_breakpoints *b)
{
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++)
		if (!b->sw[i].used)
			return &b->sw[i];
	return NULL;
}

int gdb_sw_count(const struct gdb_breakpoints *b)
{
	int n = 0;

	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++)
		n += b->sw[i].used;
	return n;
}
