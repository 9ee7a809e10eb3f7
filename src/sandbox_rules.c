/* The sandbox's allowlist, as data: the filter (sandbox_filter.c) is
 * generated from it by tools/gen-sandbox-filter.c, docs/security.md lists
 * it, and the unit tests check that all three agree. Each entry says why
 * kvm-vmm needs the call once its guests are set up. */
#include <linux/kvm.h>
#include <sys/ioctl.h>

#include "sandbox.h"

const struct sandbox_rule sandbox_rules[] = {
	{ "ioctl", SANDBOX_IOCTL_LISTED, "KVM_RUN and the vCPU and interrupt requests below; the terminal's settings" },
	{ "write", SANDBOX_ANY, "guest output, messages, the --stats-json and --dump-mem files" },
	{ "read", SANDBOX_ANY, "guest input" },
	{ "futex", SANDBOX_ANY, "locks and condition variables between the threads" },
	{ "poll", SANDBOX_ANY, "waiting for input, and for a full standard output to drain" },
	{ "rt_sigtimedwait", SANDBOX_ANY, "the main thread waits for stop signals and the timeout" },
	{ "rt_sigprocmask", SANDBOX_ANY, "threads block and unblock the kick signal" },
	{ "rt_sigreturn", SANDBOX_ANY, "the return from the kick signal's handler" },
	{ "tgkill", SANDBOX_OWN_PROCESS, "a kick (SIGUSR1) to a vCPU thread" },
	{ "kill", SANDBOX_OWN_PROCESS, "a thread tells the main thread it finished (SIGUSR2)" },
	{ "getpid", SANDBOX_ANY, "the signals above name this process" },
	{ "gettid", SANDBOX_ANY, "a thread's id, for its kicks" },
	{ "clock_gettime", SANDBOX_ANY, "a thread's CPU time (line flushing); the clock where the vDSO has none" },
	{ "clock_nanosleep", SANDBOX_ANY, "short waits" },
	{ "nanosleep", SANDBOX_ANY, "short waits" },
	{ "sched_yield", SANDBOX_ANY, "the C library's locks" },
	{ "pread64", SANDBOX_ANY, "a vCPU thread's state from /proc, through a file opened before" },
	{ "lseek", SANDBOX_ANY, "the C library's stdio" },
	{ "fstat", SANDBOX_ANY, "stdio's first write to a stream (its buffer size)" },
	{ "newfstatat", SANDBOX_ANY, "stdio's first write to a stream (its buffer size)" },
	{ "close", SANDBOX_ANY, "a guest's files and KVM descriptors at its end" },
	{ "mmap", SANDBOX_NOT_EXEC, "memory: malloc, new threads' stacks" },
	{ "munmap", SANDBOX_ANY, "memory and guest RAM freed at the end" },
	{ "mprotect", SANDBOX_NOT_EXEC, "new threads' stack guards, malloc's arenas" },
	{ "madvise", SANDBOX_ANY, "freed memory and finished threads' stacks" },
	{ "brk", SANDBOX_ANY, "malloc" },
	{ "mremap", SANDBOX_ANY, "realloc of large blocks" },
	{ "clone", SANDBOX_THREADS_ONLY, "a multiprocessor guest's AP threads start with the guest" },
	{ "clone3", SANDBOX_FAILS_ENOSYS, "its flags are out of a filter's reach: the C library falls back to clone" },
	{ "set_robust_list", SANDBOX_ANY, "a new thread's start" },
	{ "rseq", SANDBOX_ANY, "a new thread's start" },
	{ "sigaltstack", SANDBOX_ANY, "a thread's end" },
	{ "rt_sigaction", SANDBOX_ANY, "abort() resets its signal's action" },
	{ "restart_syscall", SANDBOX_ANY, "the kernel restarts an interrupted wait" },
	{ "exit", SANDBOX_ANY, "a thread's end" },
	{ "exit_group", SANDBOX_ANY, "the process's end" },
	{ "accept4", SANDBOX_ANY, "--gdb: the debugger's connection, on the socket made at set-up (socket itself stays forbidden)" },
};
const int sandbox_rules_count = (int)(sizeof(sandbox_rules) / sizeof(sandbox_rules[0]));

const struct sandbox_ioctl sandbox_ioctls[] = {
	{ KVM_RUN, "KVM_RUN", "runs the vCPU" },
	{ KVM_IRQ_LINE, "KVM_IRQ_LINE", "the UART's interrupt" },
	{ KVM_GET_REGS, "KVM_GET_REGS", "hypercall arguments, fault and --verbose reports, --gdb's registers" },
	{ KVM_SET_REGS, "KVM_SET_REGS", "hypercall results, --gdb's register writes" },
	{ KVM_GET_SREGS, "KVM_GET_SREGS", "fault reports, guest-virtual addresses" },
	{ KVM_SET_SREGS, "KVM_SET_SREGS", "a reset of the vCPU, --gdb's segment writes" },
	{ KVM_SET_GUEST_DEBUG, "KVM_SET_GUEST_DEBUG", "the no-BIOS breakpoint of a real-mode guest; --gdb's breakpoints, watchpoints and steps" },
	{ KVM_TRANSLATE, "KVM_TRANSLATE", "--gdb: a guest-virtual address through the vCPU's page tables" },
	{ KVM_GET_FPU, "KVM_GET_FPU", "--gdb: the x87 and SSE registers" },
	{ KVM_SET_FPU, "KVM_SET_FPU", "--gdb: x87 and SSE register writes" },
	{ TCGETS, "TCGETS", "the terminal's settings" },
	{ TCSETS, "TCSETS", "the terminal restored" },
	{ TCSETSW, "TCSETSW", "the terminal restored" },
	{ TCSETSF, "TCSETSF", "the terminal restored" },
};
const int sandbox_ioctls_count = (int)(sizeof(sandbox_ioctls) / sizeof(sandbox_ioctls[0]));

/* The sanitizer runtimes print their reports and check for leaks at the
 * end from inside the process: they read /proc and stop the threads with
 * ptrace. Only their builds allow this. */
const struct sandbox_rule sandbox_sanitizer_rules[] = {
	{ "openat", SANDBOX_ANY, "/proc/self/maps and the like, for reports and the leak check" },
	{ "open", SANDBOX_ANY, "the same, through older entry points" },
	{ "readlink", SANDBOX_ANY, "the binary's path, for reports" },
	{ "getdents64", SANDBOX_ANY, "/proc/self/task: the threads to stop for the leak check" },
	{ "getdents", SANDBOX_ANY, "the same, through the older entry point" },
	{ "fork", SANDBOX_ANY, "a report starts the symbolizer (llvm-symbolizer)" },
	{ "execve", SANDBOX_ANY, "a report starts the symbolizer, which inherits the filter" },
	{ "arch_prctl", SANDBOX_ANY, "the symbolizer's start" },
	{ "set_tid_address", SANDBOX_ANY, "the symbolizer's start" },
	{ "getrandom", SANDBOX_ANY, "the symbolizer's start" },
	{ "ptrace", SANDBOX_ANY, "the leak check stops and reads the threads" },
	{ "prctl", SANDBOX_ANY, "the leak check's tracer task" },
	{ "wait4", SANDBOX_ANY, "the leak check waits for its tracer task" },
	{ "clone", SANDBOX_ANY, "the leak check's tracer task (not a thread)" },
	{ "getppid", SANDBOX_ANY, "the tracer checks its parent" },
	{ "sched_getaffinity", SANDBOX_ANY, "the runtimes' CPU count" },
	{ "pipe2", SANDBOX_ANY, "the symbolizer's pipes" },
	{ "getrlimit", SANDBOX_ANY, "the runtimes' stack sizes" },
	{ "prlimit64", SANDBOX_ANY, "the runtimes' stack sizes" },
	{ "stat", SANDBOX_ANY, "the runtimes look for files" },
	{ "access", SANDBOX_ANY, "the runtimes look for a symbolizer" },
	{ "uname", SANDBOX_ANY, "the runtimes' kernel checks" },
	{ "setrlimit", SANDBOX_ANY, "the runtimes' core-dump limit" },
	{ "dup2", SANDBOX_ANY, "the symbolizer's pipes" },
	{ "sched_setaffinity", SANDBOX_ANY, "the runtimes' background thread" },
	{ "gettimeofday", SANDBOX_ANY, "TSan's clock, a system call of its own (not the vDSO), as it reports" },
	{ "mmap", SANDBOX_ANY, "the runtimes' own executable mappings" },
	{ "mprotect", SANDBOX_ANY, "the runtimes' own executable mappings" },
};
const int sandbox_sanitizer_rules_count =
	(int)(sizeof(sandbox_sanitizer_rules) / sizeof(sandbox_sanitizer_rules[0]));
