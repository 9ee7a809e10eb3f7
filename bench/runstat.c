/* runstat: runs a command N times and reports its whole-process wall time
 * and peak RSS (from the kernel's accounting of the finished child, wait4),
 * as median, min and max. stdin is /dev/null, stdout/stderr are discarded.
 *
 * usage: runstat N COMMAND [ARGS...]
 * prints: wall_us median min max  rss_kb median min max  status S */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[1]) : 0;
	int status = 0;

	if (n < 1 || n > 100000) {
		fprintf(stderr, "usage: runstat N COMMAND [ARGS...]\n");
		return 2;
	}
	long *wall = calloc((size_t)n, sizeof(long));
	long *rss = calloc((size_t)n, sizeof(long));

	if (!wall || !rss)
		return 2;
	for (int i = 0; i < n; i++) {
		struct rusage ru;
		long start = now_us();
		pid_t pid = fork();

		if (pid == 0) {
			int null = open("/dev/null", O_RDWR);

			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
			perror("runstat");
			return 2;
		}
		wall[i] = now_us() - start;
		rss[i] = ru.ru_maxrss;
	}
	qsort(wall, (size_t)n, sizeof(long), cmp_long);
	qsort(rss, (size_t)n, sizeof(long), cmp_long);
	printf("wall_us %ld %ld %ld rss_kb %ld %ld %ld status %d\n", wall[n / 2],
	       wall[0], wall[n - 1], rss[n / 2], rss[0], rss[n - 1],
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	free(wall);
	free(rss);
	return 0;
}
