/* All tests run in one process, no fork, in the order they registered; a
 * crash ends the run. stderr goes to /dev/null, since error paths under
 * test print their reports; a test that checks them captures stderr in an
 * unlinked temporary file, which no pipe buffer can block. */
#include "harness.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct unit_test *tests;
static int failures_in_test;

void harness_register(struct unit_test *t)
{
	/* Constructors run in file order; keep that order for the output. */
	struct unit_test **tail = &tests;

	while (*tail)
		tail = &(*tail)->next;
	*tail = t;
}

void harness_fail(const char *file, int line, const char *expr)
{
	failures_in_test++;
	printf("    %s:%d: check failed: %s\n", file, line, expr);
}

struct test_pipe test_pipe_open(void)
{
	int fds[2] = { -1, -1 };

	if (pipe2(fds, O_CLOEXEC) < 0)
		perror("pipe2");
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	return (struct test_pipe){ .rd = fds[0], .wr = fds[1] };
}

void test_pipe_close(struct test_pipe *p)
{
	if (p->rd >= 0)
		close(p->rd);
	if (p->wr >= 0)
		close(p->wr);
	p->rd = p->wr = -1;
}

size_t test_pipe_drain(struct test_pipe *p, char *buf, size_t size)
{
	ssize_t n = read(p->rd, buf, size - 1);

	if (n < 0)
		n = 0;
	buf[n] = '\0';
	return (size_t)n;
}

static int stderr_saved = -1;

void test_stderr_begin(void)
{
	char path[] = "/tmp/minikvm-err-XXXXXX";
	int fd = mkstemp(path);

	unlink(path);
	fflush(stderr);
	stderr_saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

const char *test_stderr_end(char *buf, size_t size)
{
	ssize_t n = pread(STDERR_FILENO, buf, size - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	dup2(stderr_saved, STDERR_FILENO);
	close(stderr_saved);
	stderr_saved = -1;
	return buf;
}

int main(void)
{
	int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Error paths under test print their one-line reports; the checks
	 * assert on return values, so keep the report readable. */
	int devnull = open("/dev/null", O_WRONLY);

	if (devnull >= 0)
		dup2(devnull, STDERR_FILENO);
	for (struct unit_test *t = tests; t; t = t->next) {
		failures_in_test = 0;
		t->fn();
		printf("%s %s\n", failures_in_test ? "FAIL" : "ok  ", t->name);
		if (failures_in_test)
			failed++;
		else
			passed++;
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
