/* The system calls.  Every pointer from user space is checked against the
 * caller's mapped regions (overflow included) before the kernel touches
 * it, so a bad buffer is an error result, never a kernel fault. */
#include "arch.h"
#include "os1k/syscall.h"
#include "proc.h"

void syscall(struct trapframe *tf)
{
	uintptr_t a0 = TF_ARG0(tf), a1 = TF_ARG1(tf);
	long r;

	switch (TF_SYSNR(tf)) {
	case SYS_EXIT:
		proc_exit((int)(a0 & 0xff));
	case SYS_WRITE:
		if (!user_range_ok(a0, a1, false)) {
			r = E_FAULT;
			break;
		}
		console_write_user((const char *)a0, a1);
		r = (long)a1;
		break;
	case SYS_READ:
		if (!user_range_ok(a0, a1, true)) {
			r = E_FAULT;
			break;
		}
		r = tty_read((char *)a0, a1);
		break;
	case SYS_YIELD:
		proc_yield();
		r = 0;
		break;
	case SYS_GETPID:
		r = current->pid;
		break;
	case SYS_UPTIME:
		r = (long)(ticks * (1000 / HZ));
		break;
	case SYS_SPAWN:
		r = proc_spawn(a0);
		break;
	case SYS_WAIT:
		r = proc_wait((int)a0);
		break;
	default:
		r = E_NOSYS;
		break;
	}
	TF_SETRET(tf, r);
}
