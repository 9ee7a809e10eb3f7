/* The programs' C library (see ulib.h). */
#include <stdarg.h>
#include "ulib.h"

static char out_buf[512];
static size_t out_len;

void flush(void)
{
	if (out_len)
		sys_write(out_buf, out_len);
	out_len = 0;
}

static void put(const char *s, size_t n)
{
	if (out_len + n > sizeof out_buf)
		flush();
	if (n > sizeof out_buf) {
		sys_write(s, n);
		return;
	}
	memcpy(out_buf + out_len, s, n);
	out_len += n;
}

void print(const char *s)
{
	put(s, strlen(s));
}

void printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = vformat(buf, sizeof buf, fmt, ap);
	va_end(ap);
	put(buf, n);
}

void exit(int status)
{
	flush();
	syscall3(SYS_EXIT, status, 0, 0);
	for (;;)
		;	/* not reached: exit does not return */
}

long readline(char *buf, size_t size)
{
	long n;

	flush();		/* the prompt must be out before we wait */
	n = sys_read(buf, size - 1);
	if (n <= 0)
		return READ_EOF;
	if (buf[n - 1] == '\n')
		n--;
	else if ((size_t)n == size - 1)
		return READ_TOO_LONG;	/* the kernel dropped the rest */
	/* else: the last line of the input, without a newline */
	buf[n] = '\0';
	return n;
}

const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

bool parse_int(const char **p, int *out)
{
	const char *s = skip_blanks(*p);
	bool neg = false;
	long long v = 0;	/* wide enough to see 32-bit overflow */

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (*s < '0' || *s > '9') {
		*p = s;
		return false;
	}
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > (long long)INT_MAX + 1) {
			*p = s;
			return false;
		}
	}
	if (!neg && v > INT_MAX) {
		*p = s;
		return false;
	}
	*out = neg ? (int)-v : (int)v;
	*p = s;
	return true;
}

char *trim(char *s)
{
	char *e;

	s = (char *)skip_blanks(s);
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*e = '\0';
	return s;
}
