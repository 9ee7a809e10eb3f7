/* The register files gdb expects, from KVM's vCPU state and back: the
 * x86-64 layout (i386:x86-64) for long-mode guests and Linux, the i386
 * layout for protected-mode and real-mode guests (i8086 names the latter,
 * so gdb disassembles 16-bit code), each with its target.xml. One table
 * per layout gives the g packet's order, the XML and p/P's numbering, so
 * they cannot disagree. Pure: unit-tested without /dev/kvm. */
#ifndef MINIKVM_GDB_REGS_H
#define MINIKVM_GDB_REGS_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"

enum gdb_layout {
	GDB_LAYOUT_I8086,  /* the i386 registers; the architecture i8086 */
	GDB_LAYOUT_I386,
	GDB_LAYOUT_X86_64,
};

/* One vCPU's registers as KVM gives them. fpu_valid false: KVM_GET_FPU
 * failed, and the x87/SSE registers are sent as unavailable ("xx"). */
struct gdb_cpu_state {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	bool fpu_valid;
};

/* What a write changed, so only those are given back to KVM. */
#define GDB_CHANGED_REGS 1u
#define GDB_CHANGED_SREGS 2u
#define GDB_CHANGED_FPU 4u

/* A write gdb may not make: a control register, a segment selector in
 * protected mode (its descriptor is the guest's), an unavailable FPU. */
#define GDB_REG_READ_ONLY (-2)

const char *gdb_layout_arch(enum gdb_layout l); /* "i386:x86-64", ... */

/* Register regnum of layout l as target.xml describes it; false if l has
 * no such register. */
struct gdb_reg_info {
	const char *name;
	unsigned bits;
	const char *type;    /* a gdb type name, or one target.xml defines */
	const char *feature; /* "org.gnu.gdb.i386.core", ... */
};
bool gdb_reg_info(enum gdb_layout l, int regnum, struct gdb_reg_info *info);
int gdb_regs_count(enum gdb_layout l);
/* Bytes of one g packet. */
size_t gdb_regs_size(enum gdb_layout l);

/* g: every register, in hex. */
void gdb_regs_reply(struct gdb_reply *r, enum gdb_layout l, const struct gdb_cpu_state *s);
/* p n: one register; -1 if there is no register n. */
int gdb_reg_reply(struct gdb_reply *r, enum gdb_layout l, int regnum,
		  const struct gdb_cpu_state *s);
/* G: len bytes, the g layout; 0, -1 (wrong size) or GDB_REG_READ_ONLY.
 * Registers left as they were are never a read-only write. */
int gdb_regs_write(enum gdb_layout l, struct gdb_cpu_state *s, const uint8_t *data,
		   size_t len, unsigned *changed);
/* P n=value: 0, -1 (no such register, wrong size) or GDB_REG_READ_ONLY. */
int gdb_reg_write(enum gdb_layout l, int regnum, struct gdb_cpu_state *s,
		  const uint8_t *data, size_t len, unsigned *changed);

/* target.xml for l into buf; returns its length (or the length it would
 * need: size too small leaves a truncated text). */
size_t gdb_target_xml(enum gdb_layout l, char *buf, size_t size);

/* The x87 tag word: gdb shows the full one (2 bits a register), KVM keeps
 * FXSAVE's abridged one (1 bit: not empty). */
uint16_t gdb_fpu_full_tag(const struct kvm_fpu *fpu);
uint8_t gdb_fpu_abridged_tag(uint16_t full);

#endif
