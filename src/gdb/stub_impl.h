/* The stub's state, shared by its parts and nothing else: stub.c (the
 * socket and the server thread), control.c (stopping and resuming vCPUs,
 * debug exits, registers), session.c and queries.c (the commands),
 * memory.c (guest memory through the vCPU's page tables, int3s),
 * step_over.c (a vCPU resumed on a breakpoint), emulate.c (breakpoints by
 * single-stepping, where the host has no other way) and monitor.c
 * (monitor commands). The server thread owns everything but cpus[], stop,
 * ended and attached, which the vCPU threads share under lock; the vCPU
 * threads read the breakpoints only while the server leaves them be (it
 * changes them with every vCPU parked). */
#ifndef MINIKVM_GDB_STUB_IMPL_H
#define MINIKVM_GDB_STUB_IMPL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../cli.h"
#include "breakpoints.h"
#include "command.h"
#include "packet.h"
#include "regs.h"
#include "spec.h"
#include "stub.h"

/* How breakpoints reach the guest on this host. */
enum gdb_host_breakpoints {
	GDB_BP_NATIVE,	 /* int3 intercepted, debug registers work */
	GDB_BP_HW_ONLY,	 /* kvm-pvm: no int3 interception; Z0 takes a debug register */
	GDB_BP_STEPPING, /* nested on QEMU's emulator: neither fires; the guest
			  * is single-stepped and each instruction checked */
};

struct gdb_cpu {
	struct vcpu *v;	  /* set when the vCPU first reaches its pause point */
	bool parked;	  /* waiting in its pause point, not in KVM_RUN */
	bool gone;	  /* its run loop ended */
	bool run_allowed; /* gdb let it run */
	bool step;	  /* one instruction, then stop */
	/* GDB_BP_STEPPING: the watched values as of the last instruction. */
	uint64_t watch_value[GDB_HW_SLOTS];
	bool watch_valid[GDB_HW_SLOTS];
};

enum gdb_stop_reason {
	GDB_STOP_SIGNAL, /* a plain stop: attach, Ctrl-C, a step */
	GDB_STOP_SW_BREAK,
	GDB_STOP_HW_BREAK,
	GDB_STOP_WATCH,
	GDB_STOP_AWATCH,
};

struct gdb_stop {
	bool pending; /* a vCPU recorded it; the server has not reported it */
	int cpu;
	int signal;   /* 5 SIGTRAP, 2 SIGINT */
	enum gdb_stop_reason reason;
	uint64_t addr; /* watchpoints: the watched address */
};

/* A vCPU stepped over the breakpoint it sits on (step_over.c). */
struct gdb_step_over {
	bool active;
	int cpu;
	char then;		       /* its own action once over: 'c' or 's' */
	struct gdb_sw_breakpoint *sw; /* the int3 taken out, or NULL */
	int slot;		       /* the debug-register slot freed, or -1 */
	struct gdb_hw_slot hw;	       /* what that slot held */
	int nactions;		       /* the resume gdb asked for */
	struct gdb_action actions[GDB_MAX_VCONT];
};

struct gdb_stub {
	struct gdb_spec spec;
	struct guest *guest;
	int listen_fd, client_fd;
	int wake_rd, wake_wr; /* a byte: a stop, a vCPU gone, the finish */
	pthread_t thread;
	bool thread_started;

	pthread_mutex_t lock;
	pthread_cond_t parked_cond, resume_cond;
	int halt_pending; /* __atomic: vCPUs must go to their pause points */
	int ncpus;
	struct gdb_cpu cpus[MAX_VCPUS];
	struct gdb_stop stop;
	bool attached; /* a client is connected: debug exits are reported */
	bool ended;    /* a vCPU's run loop ended */
	bool finish;   /* main: the run is over */
	int final_status;

	/* What the host's KVM can do (probed at open). */
	enum gdb_host_breakpoints host_bp;
	bool host_limited;	  /* kvm-pvm: steps, hw breakpoints in real mode, ring 0 */
	bool host_blockirq;	  /* KVM_GUESTDBG_BLOCKIRQ: steps skip interrupts */
	bool said_limits;

	/* The session, the server thread's alone. */
	bool running;	 /* gdb waits for a stop reply */
	bool no_ack;	 /* QStartNoAckMode */
	int general_cpu; /* Hg */
	int continue_cpu; /* Hc; -1: all */
	enum gdb_layout layout;
	struct gdb_breakpoints bps;
	struct gdb_step_over over;
	struct gdb_framer framer;
	struct gdb_command cmd;
	struct gdb_reply reply;
	char frame[GDB_FRAME_MAX];
	size_t frame_len; /* the last reply sent, for a '-' */
	size_t frame_start; /* 1 when it began with the packet's '+' */
	bool ack_pending;   /* a packet came: its '+' goes with the reply */
	char xml[8192];
	size_t xml_len;
};

/* stub.c */
void gdb_wake(struct gdb_stub *s);
bool gdb_send(struct gdb_stub *s, const char *payload, size_t len);

/* control.c: the server's side. Every function but gdb_halt_all wants
 * the vCPUs parked and s->lock held: a parked vCPU cannot then leave (a
 * cancel) and end, so its descriptor and the guest's RAM stay valid. */
/* Stops every vCPU; false when the guest is ending instead. Unlocked. */
bool gdb_halt_all(struct gdb_stub *s);
/* Lets the vCPUs the actions name run (one stepping if asked). */
void gdb_resume(struct gdb_stub *s, const struct gdb_action *actions, int n);
/* KVM_SET_GUEST_DEBUG for one vCPU from the breakpoints and its step. */
int gdb_apply_debug(struct gdb_stub *s, int cpu);
int gdb_read_state(struct gdb_stub *s, int cpu, struct gdb_cpu_state *st);
int gdb_write_state(struct gdb_stub *s, int cpu, const struct gdb_cpu_state *st,
		    unsigned changed);
struct vcpu *gdb_cpu_vcpu(struct gdb_stub *s, int cpu); /* NULL: gone */
/* The layout for this guest and its mode now (spec's arch= first). */
enum gdb_layout gdb_choose_layout(struct gdb_stub *s);

/* memory.c: guest-virtual addresses through cpu's page tables. */
size_t gdb_read_memory(struct gdb_stub *s, int cpu, uint64_t addr, uint8_t *buf, size_t len);
size_t gdb_write_memory(struct gdb_stub *s, int cpu, uint64_t addr, const uint8_t *data,
			size_t len);
/* Z0/z0: the int3 byte in, and out again; a reply string (NULL: "OK"). */
const char *gdb_insert_sw(struct gdb_stub *s, int cpu, uint64_t addr);
const char *gdb_remove_sw(struct gdb_stub *s, uint64_t addr);
void gdb_remove_all_sw(struct gdb_stub *s);

/* step_over.c: a vCPU gdb resumes while it sits on a breakpoint of gdb's
 * (real mode: gdb's $pc is IP, the breakpoint linear) first steps over it
 * alone. begin: true if it started that; end (at the step's stop): true if
 * the resume went on, false if the stop is to be reported. */
bool gdb_step_over_begin(struct gdb_stub *s, const struct gdb_action *actions, int n);
bool gdb_step_over_end(struct gdb_stub *s);
void gdb_step_over_abort(struct gdb_stub *s);

/* emulate.c: breakpoints and watchpoints by single-stepping
 * (GDB_BP_STEPPING). needed: some are set; arm: the watched values now
 * (server, parked); hit: after one step, whether the vCPU stops (stop
 * filled) or steps on (vCPU thread). */
bool gdb_emulation_needed(const struct gdb_stub *s);
void gdb_emulation_arm(struct gdb_stub *s, int cpu);
bool gdb_emulated_hit(struct gdb_stub *s, struct vcpu *v, struct gdb_stop *stop);

/* session.c */
void gdb_session_start(struct gdb_stub *s);
void gdb_session_packet(struct gdb_stub *s, const char *payload, size_t len);
void gdb_session_interrupt(struct gdb_stub *s);
void gdb_session_event(struct gdb_stub *s);
void gdb_session_detach(struct gdb_stub *s);
/* The stop reply for the last stop ("T05thread:1;swbreak:;"). */
void gdb_stop_reply(struct gdb_stub *s, struct gdb_reply *r);

/* queries.c: the commands that need no vCPU, answered into s->reply;
 * gdb's thread id as a vCPU index (any, all: Hg's), or -1. */
void gdb_query(struct gdb_stub *s, const struct gdb_command *c);
int gdb_cpu_of_thread(const struct gdb_stub *s, int64_t thread);

/* monitor.c: qRcmd; the output as O packets, then the reply. */
void gdb_monitor(struct gdb_stub *s, const char *line);

#endif
