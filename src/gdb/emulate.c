/* Breakpoints and watchpoints where the host's KVM can single-step a guest
 * but neither intercepts int3 nor stops at debug-register breakpoints: KVM
 * nested under QEMU's emulator (TCG), whose SVM delivers a guest's int3 to
 * the guest's own vector table and never loads the debug registers KVM
 * sets for it. While gdb has any breakpoint or watchpoint, each running
 * vCPU is single-stepped, and after every instruction its vCPU thread
 * compares the linear PC with the breakpoints and the watched memory with
 * its value before. Slow (a VM exit per instruction), exact for code
 * outside interrupt handlers (which the CPU enters with TF clear); a
 * watchpoint stops on a change of value. */
#include <string.h>
#include <sys/ioctl.h>

#include "../guest.h"
#include "stub_impl.h"

static bool watching(enum gdb_hw_kind k)
{
	return k == GDB_HW_WRITE || k == GDB_HW_ACCESS;
}

bool gdb_emulation_needed(const struct gdb_stub *s)
{
	if (gdb_sw_count(&s->bps) > 0)
		return true;
	for (int i = 0; i < GDB_HW_SLOTS; i++)
		if (s->bps.hw[i].kind != GDB_HW_FREE && s->bps.hw[i].kind != GDB_HW_NO_BIOS)
			return true;
	return false;
}

/* The watched bytes at linear addr through v's page tables; false when
 * they are not mapped (the watch then waits for them to be). */
static bool watched_value(struct vcpu *v, uint64_t addr, unsigned len, uint64_t *value)
{
	struct kvm_translation tr = { .linear_address = addr };
	const uint8_t *p;

	if (ioctl(v->fd, KVM_TRANSLATE, &tr) < 0 || !tr.valid)
		return false;
	p = vm_guest_ptr(v->vm, tr.physical_address, len);
	if (!p)
		return false;
	*value = 0;
	memcpy(value, p, len); /* aligned to len: within one page */
	return true;
}

void gdb_emulation_arm(struct gdb_stub *s, int cpu)
{
	struct gdb_cpu *c = &s->cpus[cpu];

	for (int i = 0; i < GDB_HW_SLOTS; i++) {
		const struct gdb_hw_slot *w = &s->bps.hw[i];

		c->watch_valid[i] = watching(w->kind) &&
				    watched_value(c->v, w->addr, w->len, &c->watch_value[i]);
	}
}

static bool watch_changed(struct gdb_stub *s, struct vcpu *v, struct gdb_stop *stop)
{
	struct gdb_cpu *c = &s->cpus[v->id];

	for (int i = 0; i < GDB_HW_SLOTS; i++) {
		const struct gdb_hw_slot *w = &s->bps.hw[i];
		uint64_t now;

		if (!watching(w->kind) || !watched_value(v, w->addr, w->len, &now))
			continue;
		bool changed = c->watch_valid[i] && now != c->watch_value[i];

		c->watch_value[i] = now;
		c->watch_valid[i] = true;
		if (changed) {
			stop->reason = w->kind == GDB_HW_WRITE ? GDB_STOP_WATCH : GDB_STOP_AWATCH;
			stop->addr = w->addr;
			return true;
		}
	}
	return false;
}

bool gdb_emulated_hit(struct gdb_stub *s, struct vcpu *v, struct gdb_stop *stop)
{
	uint64_t pc = v->run->debug.arch.pc; /* linear: CS base + RIP */

	if (gdb_sw_find(&s->bps, pc)) {
		stop->reason = GDB_STOP_SW_BREAK;
		return true;
	}
	for (int i = 0; i < GDB_HW_SLOTS; i++) {
		const struct gdb_hw_slot *b = &s->bps.hw[i];

		if (b->addr != pc || (b->kind != GDB_HW_EXEC && b->kind != GDB_HW_SW_EXEC))
			continue;
		stop->reason = b->kind == GDB_HW_EXEC ? GDB_STOP_HW_BREAK : GDB_STOP_SW_BREAK;
		return true;
	}
	return watch_changed(s, v, stop);
}
