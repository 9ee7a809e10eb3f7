/* Why a sandbox: a guest drives kvm-vmm's device models with every byte it
 * writes, so a bug there is the one way a guest could reach the host. Once
 * every guest is set up, the filter below leaves kvm-vmm only the system
 * calls its run loop, devices and console make: no open, no exec, no
 * socket, no new process, no executable memory, only the ioctls of a
 * running vCPU. A call outside it ends kvm-vmm at once with one line that
 * names the call (status 159, 128 + SIGSYS), the terminal restored. The
 * list is in sandbox_rules.c, and docs/security.md says why each entry is
 * there; the program is compiled from it ahead of time (sandbox_filter.c),
 * so that loading it costs one system call and no start-up time. */
#include "sandbox.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "err.h"
#include "status.h"
#include "term.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZER_BUILD 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZER_BUILD 1
#endif
#ifdef SANITIZER_BUILD
#include <sanitizer/common_interface_defs.h>
#endif

bool sandbox_sanitizer_build(void)
{
#ifdef SANITIZER_BUILD
	return true;
#else
	return false;
#endif
}

/* Appends s to the line being built in buf (size bytes), cut if long. */
static size_t append(char *buf, size_t used, size_t size, const char *s)
{
	while (*s && used + 1 < size)
		buf[used++] = *s++;
	buf[used] = '\0';
	return used;
}

/* Async-signal-safe: one write(2) of the line, the termios ioctl, _exit. */
static void forbidden_call(int sig, siginfo_t *info, void *context)
{
	char line[256], num[24];
	int i = (int)sizeof(num) - 1;
	long nr = info->si_syscall;
	size_t used = 0;
	ssize_t unused;

	(void)sig;
	(void)context;
	num[i] = '\0';
	do {
		num[--i] = (char)('0' + nr % 10);
		nr /= 10;
	} while (nr > 0 && i > 0);
	term_restore();
	used = append(line, used, sizeof(line), "kvm-vmm: sandbox: forbidden system call ");
	used = append(line, used, sizeof(line), sandbox_syscall_name(info->si_syscall));
	used = append(line, used, sizeof(line), " (");
	used = append(line, used, sizeof(line), num + i);
	used = append(line, used, sizeof(line),
		      "): a bug in kvm-vmm, stopped (--no-sandbox runs without the sandbox; docs/security.md)\n");
	unused = write(STDERR_FILENO, line, used);
	(void)unused;
	_exit(STATUS_SANDBOX);
}

/* The program for this build, this process's pid patched in: a copy,
 * since the pid is known only now. */
static int patched_program(struct sock_filter *prog, unsigned short *len)
{
	const struct sock_filter *src = sandbox_sanitizer_build() ? sandbox_filter_sanitizer
								  : sandbox_filter_release;
	unsigned short n = sandbox_sanitizer_build() ? sandbox_filter_sanitizer_len
						     : sandbox_filter_release_len;
	uint32_t pid = (uint32_t)getpid();
	int patched = 0;

	if (n > SANDBOX_MAX_INSNS)
		return -1;
	for (unsigned short i = 0; i < n; i++) {
		prog[i] = src[i];
		if (BPF_CLASS(prog[i].code) == BPF_JMP && BPF_SRC(prog[i].code) == BPF_K &&
		    prog[i].k == SANDBOX_PID_PLACEHOLDER) {
			prog[i].k = pid;
			patched++;
		}
	}
	*len = n;
	return patched > 0 ? 0 : -1;
}

int sandbox_enter(void)
{
	static struct sock_filter prog[SANDBOX_MAX_INSNS];
	struct sock_fprog fprog = { .filter = prog };
	struct sigaction sa;
	long ret;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = forbidden_call;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		return throw_err(-1, "sandbox: cannot catch SIGSYS:");
	if (patched_program(prog, &fprog.len) < 0)
		return throw_err(-1, "sandbox: the built-in seccomp program is malformed (src/sandbox_filter.c)");
	/* Without it an unprivileged process may not install a filter. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return throw_err(-1, "sandbox: cannot set no_new_privs (--no-sandbox runs without the sandbox):");
#ifdef SANITIZER_BUILD
	/* The runtime is told the sandbox closes: TSan stops its background
	 * thread, whose clock (gettimeofday) the filter forbids, and whose
	 * SIGSYS it cannot take on that thread of its own (a CHECK failure,
	 * then SIGSEGV, in every TSan run); ASan caches its memory map. */
	__sanitizer_sandbox_on_notify(NULL);
#endif
	/* TSYNC: every thread at once, or none (then ret is a thread's id). */
	ret = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &fprog);
	if (ret > 0)
		return throw_err(-1, "sandbox: thread %ld could not take the seccomp filter (--no-sandbox runs without the sandbox)", ret);
	if (ret < 0)
		return throw_err(-1, "sandbox: the kernel refused the seccomp filter (--no-sandbox runs without the sandbox):");
	return 0;
}

int sandbox_test_hook_from_env(void)
{
	const char *which = getenv("MINIKVM_TEST_FORBIDDEN_CALL");

	if (!which)
		return 0;
	if (strcmp(which, "open") == 0)
		return 1;
	if (strcmp(which, "socket") == 0)
		return 2;
	return 0;
}

void sandbox_test_forbidden_call(int which)
{
	int fd = -1;

	if (which == 1)
		fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	else if (which == 2)
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		close(fd);
}
