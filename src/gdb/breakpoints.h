/* gdb's breakpoints and watchpoints as the stub keeps them: the four x86
 * debug registers (hbreak, watch, awatch, and software breakpoints where
 * the host cannot intercept int3), and the int3 bytes written into guest
 * RAM for software breakpoints, with the bytes they replaced. Pure: the
 * DR7 value and the DR6 decoding are computed here and unit-tested; the
 * stub does the memory writes and KVM_SET_GUEST_DEBUG. */
#ifndef MINIKVM_GDB_BREAKPOINTS_H
#define MINIKVM_GDB_BREAKPOINTS_H

#include <stdbool.h>
#include <stdint.h>

#define GDB_HW_SLOTS 4
#define GDB_SW_BREAKPOINTS 64

enum gdb_hw_kind {
	GDB_HW_FREE,
	GDB_HW_EXEC,	 /* Z1: hbreak */
	GDB_HW_SW_EXEC,	 /* Z0 on a host that intercepts no int3 */
	GDB_HW_WRITE,	 /* Z2: watch */
	GDB_HW_ACCESS,	 /* Z4: awatch (x86 has no read-only watch) */
	GDB_HW_NO_BIOS,	 /* kvm-vmm's own: the no-BIOS trap at 0 (vcpu.h) */
};

struct gdb_hw_slot {
	enum gdb_hw_kind kind;
	uint64_t addr; /* linear */
	unsigned len;  /* 1, 2, 4 or 8 bytes; 1 for execution */
};

struct gdb_sw_breakpoint {
	bool used;
	uint64_t addr;	 /* linear, as gdb gave it */
	uint64_t gpa;	 /* where the int3 byte went */
	uint8_t saved;	 /* the byte it replaced */
	bool in_memory;	 /* an int3 was written (not on a host that steps) */
};

struct gdb_breakpoints {
	struct gdb_hw_slot hw[GDB_HW_SLOTS];
	struct gdb_sw_breakpoint sw[GDB_SW_BREAKPOINTS];
};

/* Takes a free slot for kind at addr, len bytes. The slot, or -1 when
 * all four are taken, or -2 for a length or alignment x86 cannot watch
 * (1, 2, 4 or 8 bytes, aligned to their size; 8 only with long_mode). */
int gdb_hw_insert(struct gdb_breakpoints *b, enum gdb_hw_kind kind, uint64_t addr,
		  unsigned len, bool long_mode);
/* Frees the slot holding exactly that; false if none does. */
bool gdb_hw_remove(struct gdb_breakpoints *b, enum gdb_hw_kind kind, uint64_t addr,
		   unsigned len);
int gdb_hw_free_slots(const struct gdb_breakpoints *b);
/* DR7 for the slots in use (local enables, R/W and LEN fields, LE). */
uint64_t gdb_hw_dr7(const struct gdb_breakpoints *b);
/* The slot DR6 says triggered (B0-B3), lowest first; -1 if none. */
int gdb_hw_hit(const struct gdb_breakpoints *b, uint64_t dr6);

/* The software breakpoint at linear addr, or NULL. */
struct gdb_sw_breakpoint *gdb_sw_find(struct gdb_breakpoints *b, uint64_t addr);
/* A free entry, or NULL when GDB_SW_BREAKPOINTS are in use. */
struct gdb_sw_breakpoint *gdb_sw_free_entry(struct gdb_breakpoints *b);
int gdb_sw_count(const struct gdb_breakpoints *b);

#define X86_DR6_BS (1u << 14) /* single step */

#endif
