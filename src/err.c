/* Each message is built in one buffer and written with one write(), not
 * stdio, so lines from concurrent guests never mix; a longer message is
 * cut at 1 KiB. errno is left as it was, for the caller to classify the
 * failure. */
#include "err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void err_vprint(const char *fmt, va_list ap)
{
	int saved_errno = errno;
	char line[1024];
	int n = snprintf(line, sizeof(line), "kvm-vmm: ");

	n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (n >= (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	if (n > 0 && line[n - 1] == ':')
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %s",
			      strerror(saved_errno));
	if (n >= (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* One write() per message, so lines from concurrent guests never interleave. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		n = 0;
	/* Callers classify a failure by errno after reporting it. */
	errno = saved_errno;
}

void err_print(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vprint(fmt, ap);
	va_end(ap);
}
