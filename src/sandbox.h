/* The seccomp sandbox: once every guest is set up, kvm-vmm can make only
 * the system calls its run loop, devices and console need. */
#ifndef MINIKVM_SANDBOX_H
#define MINIKVM_SANDBOX_H

#include <linux/filter.h>
#include <stdbool.h>

/* How a rule narrows its system call beyond the name. */
enum sandbox_limit {
	SANDBOX_ANY,		/* any arguments */
	SANDBOX_IOCTL_LISTED,	/* only the requests in sandbox_ioctls[] */
	SANDBOX_THREADS_ONLY,	/* clone: CLONE_THREAD set (no new process) */
	SANDBOX_OWN_PROCESS,	/* kill, tgkill: this process only */
	SANDBOX_NOT_EXEC,	/* mmap, mprotect: never PROT_EXEC */
	SANDBOX_FAILS_ENOSYS,	/* refused with ENOSYS: the caller falls back */
};

struct sandbox_rule {
	const char *name;	/* as libseccomp and the kernel headers name it */
	enum sandbox_limit limit;
	const char *why;	/* docs/security.md says the same */
};

struct sandbox_ioctl {
	unsigned long request;
	const char *name;
	const char *why;
};

/* The allowlist, in the order the filter checks it (the hot calls first).
 * Sanitizer builds add sandbox_sanitizer_rules (their runtimes' reports
 * and leak check need more); release builds have none of those. */
extern const struct sandbox_rule sandbox_rules[];
extern const int sandbox_rules_count;
extern const struct sandbox_rule sandbox_sanitizer_rules[];
extern const int sandbox_sanitizer_rules_count;
extern const struct sandbox_ioctl sandbox_ioctls[];
extern const int sandbox_ioctls_count;

/* The compiled programs (sandbox_filter.c, generated): the release
 * build's, and the sanitizer builds' with their runtimes' rules too. In
 * each, SANDBOX_PID_PLACEHOLDER (above any pid the kernel hands out) stands
 * for this process's pid, patched in at load time. */
#define SANDBOX_PID_PLACEHOLDER 0x7ffff00du
#define SANDBOX_MAX_INSNS 512

extern const struct sock_filter sandbox_filter_release[];
extern const unsigned short sandbox_filter_release_len;
extern const struct sock_filter sandbox_filter_sanitizer[];
extern const unsigned short sandbox_filter_sanitizer_len;
extern const char sandbox_filter_compiler[];

/* Installs the filter on every thread of the process (TSYNC), with a
 * SIGSYS handler that names the forbidden call, restores the terminal and
 * ends the process with STATUS_SANDBOX. 0, or -1 with the reason printed. */
int sandbox_enter(void);

/* Whether this build carries a sanitizer runtime (and its extra rules). */
bool sandbox_sanitizer_build(void);

/* The x86-64 system call number's name, or "unknown" (syscall_names.c). */
const char *sandbox_syscall_name(long nr);

/* A test hook: a device handler that runs this makes the forbidden calls
 * named by the environment variable MINIKVM_TEST_FORBIDDEN_CALL ("open":
 * openat of /etc/hostname, "socket": a UDP socket), read once at set-up;
 * see hypercall.c. Without the variable it does nothing. */
void sandbox_test_forbidden_call(int which);
int sandbox_test_hook_from_env(void);

#endif
