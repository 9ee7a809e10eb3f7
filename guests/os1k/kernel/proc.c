/* Processes and the scheduler.
 *
 * Each process has a kernel stack of one page; a process that sleeps in
 * the kernel (waiting for input or for a child) keeps its state there and
 * switch_context() moves the CPU to another process's stack.  The kernel
 * is never preempted: it runs with interrupts off, so it needs no locks.
 * The timer preempts programs only (trap.c), round-robin over the table.
 * With nothing to run, the CPU waits in `sti; hlt` on the stack of
 * whichever process went to sleep last, costing the host nothing. */
#include "proc.h"

static struct proc procs[NPROC];
struct proc *current;
bool need_resched;
static int next_pid = 1;
static bool woken;		/* wakeup() made a process runnable */

static void free_user_memory(struct proc *p)
{
	for (unsigned i = 0; i < p->nregions; i++) {
		const struct region *r = &p->regions[i];

		for (uintptr_t va = r->start; va < r->end; va += PAGE_SIZE) {
			uintptr_t pa = aspace_phys(&p->as, va);

			if (!pa)
				continue;	/* a spawn that failed halfway */
			if (r->owned)
				page_free(ALIGN_DOWN(pa, PAGE_SIZE));
			aspace_unmap(&p->as, va);
		}
	}
	p->nregions = 0;
	arch_aspace_free(&p->as);
}

int proc_add_region(struct proc *p, uintptr_t start, uintptr_t end, bool writable, bool owned)
{
	if (p->nregions == MAX_REGIONS || start >= end)
		return E_NOMEM;
	for (unsigned i = 0; i < p->nregions; i++)
		if (start < p->regions[i].end && p->regions[i].start < end)
			return E_NOENT;		/* overlapping segments */
	p->regions[p->nregions++] = (struct region){ start, end, writable, owned };
	return 0;
}

/* Maps fresh pages over [start, end), for the program's own use. */
static int map_fresh(struct proc *p, uintptr_t start, uintptr_t end)
{
	int r = proc_add_region(p, start, end, true, true);

	for (uintptr_t va = start; r == 0 && va < end; va += PAGE_SIZE) {
		uintptr_t pa = page_alloc();

		if (!pa)
			return E_NOMEM;
		aspace_map(&p->as, va, pa, true);
	}
	return r;
}

bool user_range_ok(uintptr_t va, size_t len, bool write)
{
	uintptr_t end = va + len;

	if (end < va)
		return false;		/* wraps around */
	for (unsigned i = 0; i < current->nregions; i++) {
		const struct region *r = &current->regions[i];

		if (va >= r->start && end <= r->end)
			return r->writable || !write;
	}
	return false;
}

int proc_spawn(unsigned long prog)
{
	struct proc *p = NULL;
	struct user_start us;
	int r;

	if (prog >= nprograms)
		return E_NOENT;
	for (unsigned i = 0; i < NPROC && !p; i++)
		if (procs[i].state == P_UNUSED)
			p = &procs[i];
	if (!p)
		return E_NOMEM;
	memset(p, 0, sizeof *p);
	p->kstack = page_alloc();
	if (!p->kstack)
		return E_NOMEM;
	r = arch_aspace_new(&p->as);
	if (r) {
		page_free(p->kstack);
		return r;
	}
	/* The start page, shared and read-only, then the program, then its
	 * stack: [USER_STACK_BOTTOM, USER_TOP). */
	r = proc_add_region(p, USER_BASE, USER_BASE + PAGE_SIZE, false, false);
	if (r == 0) {
		aspace_map(&p->as, USER_BASE, (uintptr_t)ustart, false);
		r = load_program(p, &programs[prog], &us);
	}
	if (r == 0)
		r = map_fresh(p, USER_STACK_BOTTOM, USER_TOP);
	if (r) {
		free_user_memory(p);
		page_free(p->kstack);
		return r;
	}
	us.sp = USER_TOP;
	us.zero2 = USER_STACK_BOTTOM;
	us.zero2_len = USER_TOP - USER_STACK_BOTTOM;
	p->ksp = arch_prepare_kstack(p->kstack + PAGE_SIZE, &us);
	p->name = programs[prog].name;
	p->parent = current;
	p->pid = next_pid++;
	p->state = P_RUNNABLE;
	return p->pid;
}

/* The next process to run after prev, round-robin; prev itself last. */
static struct proc *pick_next(struct proc *prev)
{
	unsigned start = prev ? (unsigned)(prev - procs) + 1 : 0;

	for (unsigned i = 0; i < NPROC; i++) {
		struct proc *p = &procs[(start + i) % NPROC];

		if (p->state == P_RUNNABLE)
			return p;
	}
	return NULL;
}

/* Gives the CPU to the next runnable process; the caller has already set
 * its own state (RUNNABLE to yield, SLEEPING or ZOMBIE to wait). */
static void schedule(void)
{
	struct proc *prev = current, *next;

	while (!(next = pick_next(prev))) {
		/* Idle until an interrupt handler wakes someone: the timer
		 * ticks that come in between cost a few instructions. */
		woken = false;
		while (!woken)
			__asm__ volatile("sti; hlt; cli" ::: "memory");
	}
	need_resched = false;
	next->state = P_RUNNING;
	if (next == prev)
		return;
	current = next;
	arch_activate(&next->as, next->kstack + PAGE_SIZE);
	switch_context(&prev->ksp, next->ksp);
}

void proc_yield(void)
{
	current->state = P_RUNNABLE;
	schedule();
}

void sleep_on(const void *chan)
{
	current->chan = chan;
	current->state = P_SLEEPING;
	schedule();
	current->chan = NULL;
}

void wakeup(const void *chan)
{
	for (unsigned i = 0; i < NPROC; i++)
		if (procs[i].state == P_SLEEPING && procs[i].chan == chan) {
			procs[i].state = P_RUNNABLE;
			woken = true;
		}
}

void proc_exit(int status)
{
	struct proc *p = current, *init = &procs[0];

	if (p == init) {
		kprintf("os1k: the shell exited with status %d; power off\n", status);
		machine_exit(status);
	}
	/* Leave the address space before taking it apart. */
	arch_use_kernel_aspace();
	free_user_memory(p);
	for (unsigned i = 0; i < NPROC; i++) {
		if (procs[i].state != P_UNUSED && procs[i].parent == p) {
			procs[i].parent = init;		/* init reaps orphans */
			if (procs[i].state == P_ZOMBIE)
				wakeup(init);
		}
	}
	p->status = status;
	p->state = P_ZOMBIE;
	wakeup(p->parent);
	/* The kernel stack stays in use until the switch; the parent frees
	 * it in proc_wait(). */
	schedule();
	panic("a zombie ran again");
}

int proc_wait(int pid)
{
	struct proc *child = NULL;

	for (unsigned i = 0; i < NPROC && !child; i++)
		if (procs[i].state != P_UNUSED && procs[i].pid == pid && procs[i].parent == current)
			child = &procs[i];
	if (!child)
		return E_NOENT;
	while (child->state != P_ZOMBIE)
		sleep_on(current);
	int status = child->status;

	page_free(child->kstack);
	child->state = P_UNUSED;
	return status;
}

/* Starts the shell as pid 1 in slot 0 and leaves the boot stack for good. */
void proc_start_init(void)
{
	uintptr_t boot_sp;
	int pid = proc_spawn(0);

	if (pid != 1)
		panic("cannot start the shell (error %d)", pid);
	current = &procs[0];
	current->state = P_RUNNING;
	arch_activate(&current->as, current->kstack + PAGE_SIZE);
	switch_context(&boot_sp, current->ksp);
	panic("back on the boot stack");
}
