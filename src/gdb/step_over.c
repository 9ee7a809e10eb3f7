/* Stepping a vCPU over a breakpoint of gdb's that it is stopped at, before
 * it continues. gdb does this itself when it knows the breakpoint is at
 * its $pc; in real mode it cannot: its $pc is IP, while breakpoints are at
 * linear addresses (CS * 16 + IP), so it resumes a vCPU that sits on its
 * own int3 (or debug-register breakpoint) and would stop there again at
 * once. Here that vCPU alone runs one instruction with that breakpoint
 * out, the breakpoint goes back, and the resume gdb asked for goes on. */
#include <string.h>

#include "../guest.h"
#include "stub_impl.h"

#define INT3 0xcc

/* The vCPU's linear PC; *rip_is_linear: gdb's $pc (RIP) is that too. */
static bool linear_pc(struct gdb_stub *s, int cpu, uint64_t *pc, bool *rip_is_linear)
{
	struct gdb_cpu_state st;

	if (gdb_read_state(s, cpu, &st) < 0)
		return false;
	*pc = st.sregs.cs.base + st.regs.rip;
	*rip_is_linear = st.sregs.cs.base == 0;
	return true;
}

/* The execution breakpoint at linear pc: a software one (int3 in RAM) or
 * a debug-register slot; false if none. */
static bool breakpoint_at(struct gdb_stub *s, uint64_t pc, struct gdb_sw_breakpoint **sw,
			  int *slot)
{
	*sw = gdb_sw_find(&s->bps, pc);
	*slot = -1;
	for (int i = 0; i < GDB_HW_SLOTS && !*sw; i++) {
		enum gdb_hw_kind k = s->bps.hw[i].kind;

		if ((k == GDB_HW_EXEC || k == GDB_HW_SW_EXEC) && s->bps.hw[i].addr == pc)
			*slot = i;
	}
	return *sw || *slot >= 0;
}

static void put_back(struct gdb_stub *s)
{
	struct gdb_step_over *o = &s->over;
	uint8_t *p;

	if (o->sw && o->sw->in_memory && (p = vm_guest_ptr(&s->guest->vm, o->sw->gpa, 1)))
		*p = INT3;
	if (o->slot >= 0)
		s->bps.hw[o->slot] = o->hw;
	o->active = false;
}

bool gdb_step_over_begin(struct gdb_stub *s, const struct gdb_action *actions, int n)
{
	struct gdb_step_over *o = &s->over;
	uint64_t pc;
	bool linear;

	if (s->host_bp == GDB_BP_STEPPING)
		return false; /* every step is checked after it: nothing to step over */
	for (int cpu = 0; cpu < s->ncpus; cpu++) {
		struct gdb_action one = { 's', cpu + 1 };
		char what = 0;
		uint8_t *p;

		for (int i = 0; i < n && !what; i++)
			if (actions[i].thread == cpu + 1)
				what = actions[i].what;
		for (int i = 0; i < n && !what; i++)
			if (actions[i].thread == GDB_THREAD_ALL)
				what = actions[i].what;
		if (!what || !gdb_cpu_vcpu(s, cpu) || !linear_pc(s, cpu, &pc, &linear) ||
		    !breakpoint_at(s, pc, &o->sw, &o->slot))
			continue;
		o->active = true;
		o->cpu = cpu;
		o->then = what;
		o->nactions = n < GDB_MAX_VCONT ? n : GDB_MAX_VCONT;
		memcpy(o->actions, actions, (size_t)o->nactions * sizeof(actions[0]));
		if (o->sw && o->sw->in_memory && (p = vm_guest_ptr(&s->guest->vm, o->sw->gpa, 1)))
			*p = o->sw->saved;
		if (o->slot >= 0) {
			o->hw = s->bps.hw[o->slot];
			s->bps.hw[o->slot].kind = GDB_HW_FREE;
		}
		gdb_resume(s, &one, 1);
		return true;
	}
	return false;
}

bool gdb_step_over_end(struct gdb_stub *s)
{
	struct gdb_step_over *o = &s->over;
	struct gdb_sw_breakpoint *sw;
	uint64_t pc;
	bool linear;
	int slot;

	if (!o->active)
		return false;
	put_back(s);
	if (o->then == 's' || s->stop.cpu != o->cpu || s->stop.reason != GDB_STOP_SIGNAL)
		return false; /* gdb's step, or another stop: reported */
	if (linear_pc(s, o->cpu, &pc, &linear) && breakpoint_at(s, pc, &sw, &slot)) {
		/* Stepped onto another breakpoint: that one is hit (a plain
		 * SIGTRAP where gdb's $pc is not linear, as control.c says). */
		if (linear)
			s->stop.reason = sw || s->bps.hw[slot].kind == GDB_HW_SW_EXEC
						 ? GDB_STOP_SW_BREAK : GDB_STOP_HW_BREAK;
		return false;
	}
	struct gdb_action actions[GDB_MAX_VCONT];
	int n = o->nactions;

	memcpy(actions, o->actions, sizeof(actions));
	if (!gdb_step_over_begin(s, actions, n))
		gdb_resume(s, actions, n);
	return true;
}

void gdb_step_over_abort(struct gdb_stub *s)
{
	if (s->over.active)
		put_back(s);
}
