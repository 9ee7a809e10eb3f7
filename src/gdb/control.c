/* Stopping and resuming one guest's vCPUs for gdb, and what a vCPU does on
 * a debug exit. A stop asks every vCPU to park (halt_pending) and kicks
 * the ones in KVM_RUN the way a cancel does (guest_kick: SIGUSR1, whose
 * handler sets immediate_exit); each then waits in its pause point, at
 * the top of its run loop, until gdb lets it go. The server thread reads
 * and writes a vCPU's registers and debug state only while it is parked,
 * so no ioctl of the stub races with that vCPU's KVM_RUN. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "stub_impl.h"
#include "../guest.h"
#include "../x86.h"

#define PARK_POLL_NS 100000000L /* a parked vCPU looks for a cancel this often */
#define KICK_AGAIN_NS 50000000L

#define BP_VECTOR 3

static void wait_ns(pthread_cond_t *c, pthread_mutex_t *m, long ns)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_nsec += ns;
	t.tv_sec += t.tv_nsec / 1000000000L;
	t.tv_nsec %= 1000000000L;
	pthread_cond_timedwait(c, m, &t);
}

static bool cancelled(const struct vcpu *v)
{
	return __atomic_load_n(&v->cancel, __ATOMIC_SEQ_CST);
}

/* A hypercall's results may still sit in the run area for KVM to load at
 * the next entry (KVM_SYNC_X86_REGS): given to KVM now, so what gdb reads
 * and writes while the vCPU is parked is the truth. */
static void flush_exit_regs(struct vcpu *v)
{
	if (v->sync_regs && (v->run->kvm_dirty_regs & KVM_SYNC_X86_REGS) &&
	    vcpu_set_regs(v, &v->run->s.regs.regs) == 0)
		v->run->kvm_dirty_regs &= ~(uint64_t)KVM_SYNC_X86_REGS;
}

static void park(struct gdb_stub *s, struct vcpu *v)
{
	struct gdb_cpu *cpu = &s->cpus[v->id];

	flush_exit_regs(v);
	pthread_mutex_lock(&s->lock);
	cpu->v = v;
	cpu->parked = true;
	pthread_cond_broadcast(&s->parked_cond);
	while (!cpu->run_allowed && !cancelled(v))
		wait_ns(&s->resume_cond, &s->lock, PARK_POLL_NS);
	cpu->parked = false;
	pthread_mutex_unlock(&s->lock);
}

void gdb_vcpu_pause_point(struct vcpu *v)
{
	struct gdb_stub *s = v->gdb;

	for (;;) {
		if (__atomic_load_n(&s->halt_pending, __ATOMIC_SEQ_CST)) {
			park(s, v);
			if (cancelled(v))
				return; /* the run loop sees it next */
		} else if (!__atomic_load_n(&v->run->immediate_exit, __ATOMIC_SEQ_CST) ||
			   cancelled(v)) {
			return;
		}
		/* A kick for a stop gdb has ended since: KVM_RUN must not keep
		 * returning at once. A stop asked for meanwhile set
		 * halt_pending first, and the loop parks for it. */
		__atomic_store_n(&v->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
	}
}

void gdb_vcpu_gone(struct vcpu *v)
{
	struct gdb_stub *s = v->gdb;

	pthread_mutex_lock(&s->lock);
	s->cpus[v->id].gone = true;
	s->cpus[v->id].parked = false;
	s->ended = true;
	pthread_cond_broadcast(&s->parked_cond);
	pthread_mutex_unlock(&s->lock);
	gdb_wake(s);
}

/* The vCPU stops for gdb: every other one is asked to, and the server
 * reports the first such stop once all are parked. */
static void record_stop(struct gdb_stub *s, const struct gdb_stop *stop)
{
	pthread_mutex_lock(&s->lock);
	if (s->attached && !s->stop.pending) {
		s->stop = *stop;
		s->stop.pending = true;
		for (int i = 0; i < s->ncpus; i++)
			s->cpus[i].run_allowed = false;
		__atomic_store_n(&s->halt_pending, 1, __ATOMIC_SEQ_CST);
	}
	pthread_mutex_unlock(&s->lock);
	gdb_wake(s);
}

static int apply_debug_flags(struct gdb_stub *s, int cpu, uint32_t extra);

/* The guest's own int3, with gdb's int3 interception on: given back to
 * it (an injected exception is not intercepted again). */
static void reinject_breakpoint(struct vcpu *v)
{
	apply_debug_flags(v->gdb, v->id, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_INJECT_BP);
}

/* SVM reports an intercepted int3 with RIP already past it (VMX: at it).
 * gdb, told "swbreak", wants the PC at the breakpoint, and so does the
 * resume that puts the original byte back: RIP goes back one. */
static bool back_to_int3(struct gdb_stub *s, struct vcpu *v)
{
	struct kvm_regs regs;

	if (!gdb_sw_find(&s->bps, v->run->debug.arch.pc - 1) || vcpu_get_exit_regs(v, &regs) < 0)
		return false;
	regs.rip--;
	return vcpu_set_exit_regs(v, &regs) == 0;
}

/* gdb's PC is RIP, its breakpoints linear: they agree while CS's base is
 * 0. Where they do not (real mode), a stop at a breakpoint is reported as
 * a plain SIGTRAP; told "swbreak" gdb would look for its breakpoint at
 * RIP, not find it, take the stop for a stale one and resume. */
static bool pc_is_linear(struct vcpu *v)
{
	struct kvm_sregs sregs;

	return vcpu_get_sregs(v, &sregs) < 0 || sregs.cs.base == 0;
}

/* A debug-register hit: which of gdb's it was. */
static void classify_hw(const struct gdb_stub *s, int slot, struct gdb_stop *stop)
{
	stop->addr = s->bps.hw[slot].addr;
	switch (s->bps.hw[slot].kind) {
	case GDB_HW_SW_EXEC:
		stop->reason = GDB_STOP_SW_BREAK;
		break;
	case GDB_HW_WRITE:
		stop->reason = GDB_STOP_WATCH;
		break;
	case GDB_HW_ACCESS:
		stop->reason = GDB_STOP_AWATCH;
		break;
	default:
		stop->reason = GDB_STOP_HW_BREAK;
		break;
	}
}

void gdb_vcpu_debug_exit(struct vcpu *v)
{
	struct gdb_stub *s = v->gdb;
	const struct kvm_debug_exit_arch *d = &v->run->debug.arch;
	struct gdb_stop stop = { .cpu = v->id, .signal = 5, .reason = GDB_STOP_SIGNAL };
	int slot = gdb_hw_hit(&s->bps, d->dr6);

	if (d->exception == BP_VECTOR) {
		if (!gdb_sw_find(&s->bps, d->pc) && !back_to_int3(s, v)) {
			reinject_breakpoint(v);
			return;
		}
		stop.reason = GDB_STOP_SW_BREAK;
	} else if (s->host_bp == GDB_BP_STEPPING && !s->cpus[v->id].step) {
		if (v->no_bios && d->pc == 0) {
			vcpu_report_no_bios(v);
			return;
		}
		/* No breakpoint here: the next instruction. KVM sets TF for
		 * one step from the RIP of KVM_SET_GUEST_DEBUG: set again. */
		if (!gdb_emulated_hit(s, v, &stop)) {
			gdb_apply_debug(s, v->id);
			return;
		}
	} else if (v->no_bios && d->pc == 0 &&
		   (slot >= 0 ? s->bps.hw[slot].kind == GDB_HW_NO_BIOS : !(d->dr6 & X86_DR6_BS))) {
		vcpu_report_no_bios(v); /* the trap vcpu_trap_null_vector set: as without gdb */
		return;
	} else if (slot >= 0) {
		classify_hw(s, slot, &stop);
	}
	if (!pc_is_linear(v) && (stop.reason == GDB_STOP_SW_BREAK || stop.reason == GDB_STOP_HW_BREAK))
		stop.reason = GDB_STOP_SIGNAL;
	record_stop(s, &stop);
}

/* --- the server's side --------------------------------------------------- */

static bool all_parked(struct gdb_stub *s)
{
	for (int i = 0; i < s->ncpus; i++)
		if (!s->cpus[i].parked && !s->cpus[i].gone)
			return false;
	return true;
}

bool gdb_halt_all(struct gdb_stub *s)
{
	struct guest *g = s->guest;
	bool ended;

	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < s->ncpus; i++)
		s->cpus[i].run_allowed = false;
	__atomic_store_n(&s->halt_pending, 1, __ATOMIC_SEQ_CST);
	while (!all_parked(s) && !s->ended && !__atomic_load_n(&g->stopping, __ATOMIC_SEQ_CST)) {
		pthread_mutex_unlock(&s->lock);
		guest_kick(g);
		pthread_mutex_lock(&s->lock);
		if (!all_parked(s))
			wait_ns(&s->parked_cond, &s->lock, KICK_AGAIN_NS);
	}
	ended = s->ended || __atomic_load_n(&g->stopping, __ATOMIC_SEQ_CST);
	s->running = false;
	pthread_mutex_unlock(&s->lock);
	return !ended;
}

/* The action a vCPU gets: its own, else the default one, else none. */
static char action_for(const struct gdb_action *actions, int n, int cpu)
{
	for (int i = 0; i < n; i++)
		if (actions[i].thread == cpu + 1)
			return actions[i].what;
	for (int i = 0; i < n; i++)
		if (actions[i].thread == GDB_THREAD_ALL || actions[i].thread == GDB_THREAD_ANY)
			return actions[i].what;
	return 0;
}

/* With the lock held: a parked vCPU cannot leave (and end) meanwhile, so
 * its descriptor is still the one KVM_SET_GUEST_DEBUG means. */
void gdb_resume(struct gdb_stub *s, const struct gdb_action *actions, int n)
{
	bool emulate = s->host_bp == GDB_BP_STEPPING && gdb_emulation_needed(s);

	for (int i = 0; i < s->ncpus; i++) {
		s->cpus[i].step = action_for(actions, n, i) == 's';
		if (!s->cpus[i].v || s->cpus[i].gone)
			continue;
		gdb_apply_debug(s, i);
		if (emulate)
			gdb_emulation_arm(s, i);
	}
	s->stop.pending = false;
	for (int i = 0; i < s->ncpus; i++)
		s->cpus[i].run_allowed = action_for(actions, n, i) != 0;
	__atomic_store_n(&s->halt_pending, 0, __ATOMIC_SEQ_CST);
	s->running = true;
	pthread_cond_broadcast(&s->resume_cond);
}

static int apply_debug_flags(struct gdb_stub *s, int cpu, uint32_t extra)
{
	struct vcpu *v = s->cpus[cpu].v;
	struct kvm_guest_debug dbg;
	uint64_t dr7 = gdb_hw_dr7(&s->bps);
	bool emulate = s->host_bp == GDB_BP_STEPPING && gdb_emulation_needed(s);

	memset(&dbg, 0, sizeof(dbg));
	dbg.control = extra;
	if (dr7 && !emulate) {
		dbg.control |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP;
		for (int i = 0; i < GDB_HW_SLOTS; i++)
			dbg.arch.debugreg[i] = s->bps.hw[i].addr;
		dbg.arch.debugreg[7] = dr7;
	}
	if (s->host_bp == GDB_BP_NATIVE && gdb_sw_count(&s->bps) > 0)
		dbg.control |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP;
	/* gdb's stepi skips interrupts (BLOCKIRQ); emulation must not: the
	 * guest would never take one while a breakpoint is set. */
	if (s->cpus[cpu].step)
		dbg.control |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP |
			       (s->host_blockirq ? KVM_GUESTDBG_BLOCKIRQ : 0);
	else if (emulate)
		dbg.control |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP;
	return v ? ioctl(v->fd, KVM_SET_GUEST_DEBUG, &dbg) : -1;
}

int gdb_apply_debug(struct gdb_stub *s, int cpu)
{
	return apply_debug_flags(s, cpu, 0);
}

struct vcpu *gdb_cpu_vcpu(struct gdb_stub *s, int cpu)
{
	if (cpu < 0 || cpu >= s->ncpus || s->cpus[cpu].gone)
		return NULL;
	return s->cpus[cpu].v;
}

int gdb_read_state(struct gdb_stub *s, int cpu, struct gdb_cpu_state *st)
{
	struct vcpu *v = gdb_cpu_vcpu(s, cpu);

	if (!v || vcpu_get_regs(v, &st->regs) < 0 || vcpu_get_sregs(v, &st->sregs) < 0)
		return -1;
	st->fpu_valid = ioctl(v->fd, KVM_GET_FPU, &st->fpu) == 0;
	if (!st->fpu_valid)
		memset(&st->fpu, 0, sizeof(st->fpu));
	return 0;
}

int gdb_write_state(struct gdb_stub *s, int cpu, const struct gdb_cpu_state *st,
		    unsigned changed)
{
	struct vcpu *v = gdb_cpu_vcpu(s, cpu);

	if (!v)
		return -1;
	if ((changed & GDB_CHANGED_REGS) && vcpu_set_regs(v, &st->regs) < 0)
		return -1;
	if ((changed & GDB_CHANGED_SREGS) && vcpu_set_sregs(v, &st->sregs) < 0)
		return -1;
	if ((changed & GDB_CHANGED_FPU) && ioctl(v->fd, KVM_SET_FPU, &st->fpu) < 0)
		return -1;
	return 0;
}

enum gdb_layout gdb_choose_layout(struct gdb_stub *s)
{
	struct gdb_cpu_state st;
	const char *proto = s->guest->plan.proto->name;

	switch (s->spec.arch) {
	case GDB_ARCH_I8086: return GDB_LAYOUT_I8086;
	case GDB_ARCH_I386: return GDB_LAYOUT_I386;
	case GDB_ARCH_X86_64: return GDB_LAYOUT_X86_64;
	case GDB_ARCH_AUTO: break;
	}
	if (strstr(proto, "64-bit") || strstr(proto, "Linux"))
		return GDB_LAYOUT_X86_64;
	if (gdb_read_state(s, 0, &st) == 0 && (st.sregs.efer & X86_EFER_LMA))
		return GDB_LAYOUT_X86_64;
	if (gdb_read_state(s, 0, &st) == 0 && !(st.sregs.cr0 & X86_CR0_PE))
		return GDB_LAYOUT_I8086;
	return GDB_LAYOUT_I386;
}
