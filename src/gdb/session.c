/* One gdb session: what each parsed command does, with the guest stopped
 * (every vCPU parked) between a stop reply and the next resume. Threads
 * are vCPUs (gdb's thread N is vCPU N - 1); a stop stops them all. The
 * replies' formats are the GDB manual's. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "../err.h"
#include "../guest.h"
#include "../x86.h"
#include "stub_impl.h"

static void say_host_limits_once(struct gdb_stub *s)
{
	if (s->said_limits || s->host_bp == GDB_BP_NATIVE)
		return;
	s->said_limits = true;
	if (s->host_bp == GDB_BP_STEPPING) {
		err_print("gdb: this host's KVM runs under QEMU's emulator, which gives it neither int3 nor debug-register breakpoints: while a breakpoint or watchpoint is set the guest is single-stepped and each instruction checked (slow; none inside interrupt handlers; a watchpoint stops on a change of value; docs/gdb.md)");
		return;
	}
	err_print("gdb: this host's KVM (kvm-pvm) intercepts no int3, and single-steps and stops at hardware breakpoints only in real mode and ring 0: a software breakpoint becomes a hardware one while one of the four debug registers is free; a step elsewhere is refused (docs/gdb.md)");
}

void gdb_session_start(struct gdb_stub *s)
{
	gdb_framer_init(&s->framer);
	s->no_ack = false;
	s->frame_len = 0;
	s->continue_cpu = -1;
	say_host_limits_once(s);
	pthread_mutex_lock(&s->lock);
	s->attached = true;
	pthread_mutex_unlock(&s->lock);
	if (!gdb_halt_all(s))
		return; /* the guest is ending: main's finish closes */
	s->stop = (struct gdb_stop){ .cpu = 0, .signal = SIGTRAP };
	s->general_cpu = 0;
	pthread_mutex_lock(&s->lock);
	s->layout = s->ended ? GDB_LAYOUT_I386 : gdb_choose_layout(s);
	pthread_mutex_unlock(&s->lock);
	s->xml_len = gdb_target_xml(s->layout, s->xml, sizeof(s->xml));
	memset(&s->bps, 0, sizeof(s->bps));
	/* The no-BIOS trap of a real-mode guest stays, in a slot of its own. */
	if (s->cpus[0].v && s->cpus[0].v->no_bios)
		gdb_hw_insert(&s->bps, GDB_HW_NO_BIOS, 0, 1, false);
}

void gdb_stop_reply(struct gdb_stub *s, struct gdb_reply *r)
{
	const struct gdb_stop *stop = &s->stop;

	gdb_reply_printf(r, "T%02xthread:%x;", stop->signal, stop->cpu + 1);
	switch (stop->reason) {
	case GDB_STOP_SW_BREAK:
		gdb_reply_str(r, "swbreak:;");
		break;
	case GDB_STOP_HW_BREAK:
		gdb_reply_str(r, "hwbreak:;");
		break;
	case GDB_STOP_WATCH:
		gdb_reply_printf(r, "watch:%llx;", (unsigned long long)stop->addr);
		break;
	case GDB_STOP_AWATCH:
		gdb_reply_printf(r, "awatch:%llx;", (unsigned long long)stop->addr);
		break;
	case GDB_STOP_SIGNAL:
		break;
	}
}

static void send_reply(struct gdb_stub *s)
{
	if (s->reply.overflow)
		gdb_send(s, GDB_E_TOO_LONG, 3);
	else
		gdb_send(s, s->reply.buf, s->reply.len);
}

static void send_stop(struct gdb_stub *s)
{
	s->general_cpu = s->stop.cpu;
	gdb_reply_clear(&s->reply);
	gdb_stop_reply(s, &s->reply);
	send_reply(s);
}

/* gdb stops; the guest has ended or is ending meanwhile: say nothing yet,
 * main's finish sends the exit status. */
void gdb_session_event(struct gdb_stub *s)
{
	bool pending;

	if (!s->running)
		return;
	pthread_mutex_lock(&s->lock);
	pending = s->stop.pending;
	pthread_mutex_unlock(&s->lock);
	if (!pending || !gdb_halt_all(s))
		return;
	pthread_mutex_lock(&s->lock);
	bool went_on = !s->ended && gdb_step_over_end(s);

	pthread_mutex_unlock(&s->lock);
	if (!went_on)
		send_stop(s);
}

void gdb_session_interrupt(struct gdb_stub *s)
{
	bool pending;

	if (!s->running || !gdb_halt_all(s))
		return;
	pthread_mutex_lock(&s->lock);
	pending = s->stop.pending; /* a breakpoint hit at the same time wins */
	if (!s->ended)
		gdb_step_over_abort(s);
	pthread_mutex_unlock(&s->lock);
	if (!pending)
		s->stop = (struct gdb_stop){ .cpu = s->general_cpu, .signal = SIGINT };
	send_stop(s);
}

/* Leaves the guest as gdb found it: no int3, no debug registers but the
 * no-BIOS trap, every vCPU running. */
void gdb_session_detach(struct gdb_stub *s)
{
	static const struct gdb_action run_all = { 'c', GDB_THREAD_ALL };

	if (s->running && !gdb_halt_all(s))
		return; /* the guest is ending */
	pthread_mutex_lock(&s->lock);
	if (!s->attached || s->ended) { /* detached or killed already, or ending */
		s->attached = false;
		pthread_mutex_unlock(&s->lock);
		return;
	}
	gdb_step_over_abort(s);
	gdb_remove_all_sw(s);
	for (int i = 0; i < GDB_HW_SLOTS; i++)
		if (s->bps.hw[i].kind != GDB_HW_NO_BIOS)
			s->bps.hw[i].kind = GDB_HW_FREE;
	s->attached = false;
	gdb_resume(s, &run_all, 1);
	s->running = false;
	pthread_mutex_unlock(&s->lock);
}

static void reply_regs(struct gdb_stub *s, const struct gdb_command *c, bool one)
{
	struct gdb_cpu_state st;

	if (gdb_read_state(s, s->general_cpu, &st) < 0)
		gdb_reply_str(&s->reply, GDB_E_STATE);
	else if (!one)
		gdb_regs_reply(&s->reply, s->layout, &st);
	else if (gdb_reg_reply(&s->reply, s->layout, (int)c->regnum, &st) < 0)
		gdb_reply_str(&s->reply, GDB_E_MALFORMED);
}

static void write_regs(struct gdb_stub *s, const struct gdb_command *c, bool one)
{
	struct gdb_cpu_state st;
	unsigned changed = 0;
	int ret;

	if (gdb_read_state(s, s->general_cpu, &st) < 0) {
		gdb_reply_str(&s->reply, GDB_E_STATE);
		return;
	}
	ret = one ? gdb_reg_write(s->layout, (int)c->regnum, &st, c->data, c->data_len, &changed)
		  : gdb_regs_write(s->layout, &st, c->data, c->data_len, &changed);
	if (ret == 0 && gdb_write_state(s, s->general_cpu, &st, changed) < 0)
		ret = GDB_REG_READ_ONLY;
	gdb_reply_str(&s->reply, ret == 0 ? "OK" : ret == -1 ? GDB_E_MALFORMED : GDB_E_STATE);
}

static void read_mem(struct gdb_stub *s, const struct gdb_command *c)
{
	uint8_t buf[GDB_MEM_MAX];
	size_t want = c->length < GDB_MEM_MAX ? (size_t)c->length : GDB_MEM_MAX;
	size_t got = gdb_read_memory(s, s->general_cpu, c->addr, buf, want);

	if (got == 0 && want > 0)
		gdb_reply_str(&s->reply, GDB_E_MEMORY);
	else
		gdb_reply_hex(&s->reply, buf, got);
}

static void write_mem(struct gdb_stub *s, const struct gdb_command *c)
{
	size_t done = gdb_write_memory(s, s->general_cpu, c->addr, c->data, c->data_len);

	gdb_reply_str(&s->reply, done == c->data_len ? "OK" : GDB_E_MEMORY);
}

static bool long_mode(struct gdb_stub *s)
{
	return s->layout == GDB_LAYOUT_X86_64;
}

static void breakpoint(struct gdb_stub *s, const struct gdb_command *c, bool insert)
{
	static const enum gdb_hw_kind kinds[] = {
		GDB_HW_FREE, GDB_HW_EXEC, GDB_HW_WRITE, GDB_HW_FREE, GDB_HW_ACCESS,
	};
	const char *err = NULL;
	int slot;

	if (c->type == 0) {
		err = insert ? gdb_insert_sw(s, s->general_cpu, c->addr) : gdb_remove_sw(s, c->addr);
	} else if (kinds[c->type] == GDB_HW_FREE) {
		return; /* a read watchpoint: x86 has none; empty, so gdb says so */
	} else if (insert) {
		slot = gdb_hw_insert(&s->bps, kinds[c->type], c->addr, c->kind, long_mode(s));
		err = slot == -1 ? GDB_E_NO_SLOT : slot == -2 ? GDB_E_MALFORMED : NULL;
	} else if (!gdb_hw_remove(&s->bps, kinds[c->type], c->addr, c->kind)) {
		err = GDB_E_STATE;
	}
	gdb_reply_str(&s->reply, err ? err : "OK");
}

/* kvm-pvm steps only in real mode and ring 0: a step elsewhere would run
 * on freely, so it is refused (and said once at connection). */
static bool step_refused(struct gdb_stub *s, const struct gdb_command *c)
{
	struct gdb_cpu_state st;

	if (!s->host_limited)
		return false;
	for (int i = 0; i < s->ncpus; i++) {
		for (int a = 0; a < c->nactions; a++) {
			if (c->actions[a].what != 's' || gdb_cpu_of_thread(s, c->actions[a].thread) != i)
				continue;
			if (gdb_read_state(s, i, &st) == 0 && (st.sregs.cr0 & X86_CR0_PE) &&
			    (st.sregs.cs.selector & 3))
				return true;
		}
	}
	return false;
}

/* s and c [addr]: the thread of Hc (else Hg) alone steps; a resume
 * address goes to its RIP. False: refused, the error in the reply. */
static bool prepare_resume(struct gdb_stub *s, struct gdb_command *c, char letter)
{
	struct gdb_cpu_state st;
	int target = s->continue_cpu >= 0 ? s->continue_cpu : s->general_cpu;

	if (letter == 's' || letter == 'S')
		c->actions[0].thread = target + 1;
	if (step_refused(s, c)) {
		gdb_reply_str(&s->reply, GDB_E_HOST);
		return false;
	}
	if (c->has_addr && gdb_read_state(s, target, &st) == 0) {
		st.regs.rip = c->addr;
		gdb_write_state(s, target, &st, GDB_CHANGED_REGS);
	}
	return true;
}

static void kill_guest(struct gdb_stub *s)
{
	err_print("%s: killed from gdb (status %d, as by SIGKILL)", s->guest->name,
		  STATUS_SIGNAL_BASE + SIGKILL);
	guest_cancel(s->guest, STATUS_SIGNAL_BASE + SIGKILL);
	pthread_mutex_lock(&s->lock);
	s->attached = false;
	pthread_mutex_unlock(&s->lock);
}

/* Commands that need the vCPUs parked; with the lock held, so that none
 * of them can end (and its VM go) meanwhile. False: a resume refused. */
static bool stopped_command(struct gdb_stub *s, struct gdb_command *c, const char *payload)
{
	switch (c->cmd) {
	case GDB_CMD_READ_REGS: reply_regs(s, c, false); break;
	case GDB_CMD_READ_REG: reply_regs(s, c, true); break;
	case GDB_CMD_WRITE_REGS: write_regs(s, c, false); break;
	case GDB_CMD_WRITE_REG: write_regs(s, c, true); break;
	case GDB_CMD_READ_MEM: read_mem(s, c); break;
	case GDB_CMD_WRITE_MEM: write_mem(s, c); break;
	case GDB_CMD_INSERT_BP: breakpoint(s, c, true); break;
	case GDB_CMD_REMOVE_BP: breakpoint(s, c, false); break;
	case GDB_CMD_RESUME: return prepare_resume(s, c, payload[0]);
	case GDB_CMD_MONITOR: gdb_monitor(s, (const char *)c->data); break;
	default: break;
	}
	return c->cmd != GDB_CMD_RESUME;
}

static bool needs_vcpus(enum gdb_cmd cmd)
{
	return cmd == GDB_CMD_READ_REGS || cmd == GDB_CMD_READ_REG || cmd == GDB_CMD_WRITE_REGS ||
	       cmd == GDB_CMD_WRITE_REG || cmd == GDB_CMD_READ_MEM || cmd == GDB_CMD_WRITE_MEM ||
	       cmd == GDB_CMD_INSERT_BP || cmd == GDB_CMD_REMOVE_BP || cmd == GDB_CMD_RESUME ||
	       cmd == GDB_CMD_MONITOR;
}

void gdb_session_packet(struct gdb_stub *s, const char *payload, size_t len)
{
	struct gdb_command *c = &s->cmd;
	bool resume = false;

	if (s->running)
		return; /* all-stop: gdb sends nothing but Ctrl-C while it waits */
	gdb_parse_command(payload, len, c);
	gdb_reply_clear(&s->reply);
	if (c->cmd == GDB_CMD_KILL) {
		kill_guest(s);
		return; /* no reply: gdb does not wait for one */
	}
	if (c->cmd == GDB_CMD_DETACH) {
		gdb_send(s, "OK", 2);
		gdb_session_detach(s);
		return;
	}
	if (needs_vcpus(c->cmd)) {
		pthread_mutex_lock(&s->lock);
		if (s->ended)
			gdb_reply_str(&s->reply, GDB_E_STATE);
		else
			resume = stopped_command(s, c, payload) && c->cmd == GDB_CMD_RESUME;
		if (resume && !gdb_step_over_begin(s, c->actions, c->nactions))
			gdb_resume(s, c->actions, c->nactions);
		pthread_mutex_unlock(&s->lock);
	} else {
		gdb_query(s, c);
	}
	if (resume)
		return; /* the stop reply answers it */
	send_reply(s);
	if (c->cmd == GDB_CMD_NO_ACK_MODE)
		s->no_ack = true;
}
