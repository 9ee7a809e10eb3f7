/* The seccomp sandbox (src/sandbox.c), installed for real in a child
 * process: what the run loop needs still works (threads, memory, output,
 * signals to itself, the terminal's ioctls), and each thing it must not do
 * ends the child with status 159 and one line naming the call. Needs no
 * /dev/kvm: seccomp is the kernel's, not KVM's. */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../../src/sandbox.h"
#include "../../src/status.h"
#include "../../tools/sandbox_compile.h"
#include "harness.h"

static void *thread_body(void *arg)
{
	return arg;
}

/* What a run does after set-up; exits 0 when all of it worked. */
static void allowed_work(void)
{
	pthread_t t;
	void *ret = NULL;
	char *big = malloc(64u << 20); /* malloc's own mmap */
	struct timespec ts, none = { 0, 0 };
	struct termios tio;
	sigset_t usr2;

	if (!big || pthread_create(&t, NULL, thread_body, big) != 0 ||
	    pthread_join(t, &ret) != 0 || ret != big)
		_exit(1);
	memset(big, 1, 1u << 20);
	free(big);
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		_exit(2);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &usr2, NULL);
	if (kill(getpid(), SIGUSR2) != 0 || sigtimedwait(&usr2, NULL, &none) != SIGUSR2)
		_exit(3);
	(void)tcgetattr(STDIN_FILENO, &tio); /* TCGETS: allowed, whatever fd 0 is */
	if (write(STDERR_FILENO, "still here\n", 11) != 11)
		_exit(4);
	_exit(0);
}

static void opens_a_file(void)
{
	sandbox_test_forbidden_call(1);
	_exit(0);
}

static void opens_a_socket(void)
{
	sandbox_test_forbidden_call(2);
	_exit(0);
}

static void maps_executable_memory(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	_exit(p == MAP_FAILED ? 5 : 0);
}

static void forks(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	_exit(6);
}

static void signals_another_process(void)
{
	(void)kill(1, 0);
	_exit(0);
}

static void unlisted_ioctl(void)
{
	int n;

	(void)ioctl(STDIN_FILENO, FIONREAD, &n);
	_exit(0);
}

/* Runs fn in a child under the sandbox: its status, and its stderr. */
static int sandboxed(void (*fn)(void), char *err, size_t size)
{
	int pipefd[2], status = -1;
	pid_t pid;
	ssize_t n;

	if (pipe(pipefd) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		if (sandbox_enter() < 0)
			_exit(100);
		fn();
		_exit(101);
	}
	close(pipefd[1]);
	n = read(pipefd[0], err, size - 1);
	err[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(sandbox_allows_what_the_run_loop_does)
{
	char err[512];

	CHECK_EQ(sandboxed(allowed_work, err, sizeof(err)), 0);
	CHECK(strcmp(err, "still here\n") == 0);
}

static void expect_forbidden(int line, void (*fn)(void), const char *call)
{
	char err[512], want[128];
	int status = sandboxed(fn, err, sizeof(err));

	snprintf(want, sizeof(want), "kvm-vmm: sandbox: forbidden system call %s (", call);
	if (status != STATUS_SANDBOX || strncmp(err, want, strlen(want)) != 0 ||
	    !strstr(err, "--no-sandbox") || strchr(err, '\n') != err + strlen(err) - 1) {
		char m[800];

		snprintf(m, sizeof(m), "%s: status %d, stderr \"%s\"", call, status, err);
		harness_fail(__FILE__, line, m);
	}
}

TEST(sandbox_stops_each_forbidden_call_naming_it)
{
	expect_forbidden(__LINE__, opens_a_file, "openat");
	expect_forbidden(__LINE__, opens_a_socket, "socket");
	expect_forbidden(__LINE__, maps_executable_memory, "mmap");
	expect_forbidden(__LINE__, forks, "clone");
	expect_forbidden(__LINE__, unlisted_ioctl, "ioctl");
	expect_forbidden(__LINE__, signals_another_process, "kill");
}

/* src/sandbox_filter.c is what the rules compile to: a rule changed without
 * `make sandbox-filter` fails here. Another libseccomp may lay the same
 * rules out otherwise, so the comparison needs the version that wrote it. */
static void check_program(const char *name, bool sanitizer, const struct sock_filter *have,
			  size_t have_len)
{
	struct sock_filter want[SANDBOX_MAX_INSNS];
	size_t len = 0;

	CHECK(sandbox_compile(sanitizer, want, SANDBOX_MAX_INSNS, &len) == 0);
	if (len != have_len || memcmp(want, have, len * sizeof(*want)) != 0) {
		char m[256];

		snprintf(m, sizeof(m), "%s: src/sandbox_filter.c is not what src/sandbox_rules.c compiles to; run make sandbox-filter",
			 name);
		harness_fail(__FILE__, __LINE__, m);
	}
}

TEST(sandbox_filter_is_current)
{
	if (strcmp(sandbox_compiler_version(), sandbox_filter_compiler) != 0) {
		printf("     (skipped: %s here, src/sandbox_filter.c by %s)\n",
		       sandbox_compiler_version(), sandbox_filter_compiler);
		return;
	}
	check_program("release", false, sandbox_filter_release, sandbox_filter_release_len);
	check_program("sanitizer", true, sandbox_filter_sanitizer, sandbox_filter_sanitizer_len);
}

TEST(sandbox_names_system_calls)
{
	CHECK(strcmp(sandbox_syscall_name(0), "read") == 0);
	CHECK(strcmp(sandbox_syscall_name(257), "openat") == 0);
	CHECK(strcmp(sandbox_syscall_name(-1), "unknown") == 0);
	CHECK(strcmp(sandbox_syscall_name(100000), "unknown") == 0);
}
