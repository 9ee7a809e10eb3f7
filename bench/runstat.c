/* runstat: runs a command N times and reports its whole-process wall time
 * and peak RSS (from the kernel's accounting of the finished child, wait4),
 * as median, min and max. stdin is /dev/null, stdout/stderr are discarded.
 *
 * usage: runstat [-i INPUT] N COMMAND [ARGS...]   (INPUT: the child's stdin)
 * prints: wall_us median min max  rss_kb median min max  status S */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	const char *input = "/dev/null";
	int status = 0;

	if (argc > 2 && strcmp(argv[1], "-i") == 0) {
		input = argv[2];
		argc -= 2;
		argv += 2;
	}
	int n = argc > 2 ? atoi(argv[1]) : 0;

	if (n < 1 || n > 100000) {
		fprintf(stderr, "usage: runstat [-i INPUT] N COMMAND [ARGS...]\n");
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
			int in = open(input, O_RDONLY);

			if (in < 0)
				_exit(126);
			dup2(in, 0);
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
