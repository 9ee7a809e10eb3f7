/* Processes: one per running program, each with its own address space and
 * kernel stack, scheduled round-robin. */
#ifndef OS1K_PROC_H
#define OS1K_PROC_H

#include "arch.h"
#include "os1k/syscall.h"

#define NPROC		16
#define MAX_REGIONS	4

enum pstate { P_UNUSED, P_RUNNABLE, P_RUNNING, P_SLEEPING, P_ZOMBIE };

/* A mapped range of user space; system call buffers must lie inside one. */
struct region {
	uintptr_t start, end;
	bool writable;
	bool owned;		/* pages belong to the process (freed at exit) */
};

struct proc {
	int pid;
	enum pstate state;
	const char *name;
	struct proc *parent;
	struct aspace as;
	uintptr_t kstack;	/* one page */
	uintptr_t ksp;		/* saved by switch_context */
	const void *chan;	/* what a sleeping process waits for */
	int status;		/* exit status, for the parent's wait */
	unsigned nregions;
	struct region regions[MAX_REGIONS];
};

/* One embedded program image (kernel/programs.S). */
struct program {
	const char *name;
	const uint8_t *start, *end;
};
extern const struct program programs[];
extern const unsigned long nprograms;

extern struct proc *current;
extern bool need_resched;

NORETURN void proc_start_init(void);
int proc_spawn(unsigned long prog);
NORETURN void proc_exit(int status);
int proc_wait(int pid);
void proc_yield(void);
void sleep_on(const void *chan);
void wakeup(const void *chan);
bool user_range_ok(uintptr_t va, size_t len, bool write);
int proc_add_region(struct proc *p, uintptr_t start, uintptr_t end, bool writable, bool owned);

/* loader.c */
int load_program(struct proc *p, const struct program *prog, struct user_start *us);

#endif
