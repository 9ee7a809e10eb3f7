/* printf-style formatting without libc.  Numbers are unsigned long: 32 bits
 * on i386, so no 64-bit division (which would need libgcc) is ever done
 * there. */
#include "fmt.h"
#include "string.h"
#include <stdbool.h>

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_run(struct out *o, const char *s, size_t n)
{
	size_t room = o->len + 1 < o->size ? o->size - 1 - o->len : 0;

	memcpy(o->buf + o->len, s, n < room ? n : room);
	o->len += n;
}

/* Writes s (n bytes) padded to width, on the left unless left is set. */
static void pad(struct out *o, const char *s, size_t n, int width, bool left, char fill)
{
	int gap = width > (int)n ? width - (int)n : 0;

	if (!left)
		while (gap-- > 0)
			put(o, fill);
	put_run(o, s, n);
	if (left)
		while (gap-- > 0)
			put(o, ' ');
}

/* Digits of v in base 10 or 16, into the end of tmp; returns the start. */
static char *digits(char *end, unsigned long v, unsigned base, bool upper)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	do {
		*--p = set[v % base];
		v /= base;
	} while (v);
	return p;
}

size_t vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	char tmp[24];

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			/* A run of plain text in one copy: in the kernel every
			 * instruction is emulated, and this is most of them. */
			const char *run = fmt;

			while (fmt[1] && fmt[1] != '%')
				fmt++;
			put_run(&o, run, (size_t)(fmt - run) + 1);
			continue;
		}
		bool left = false, is_long = false;
		char fill = ' ';
		int width = 0;

		for (fmt++; *fmt == '-' || *fmt == '0'; fmt++) {
			if (*fmt == '-')
				left = true;
			else
				fill = '0';
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		if (*fmt == 'l') {
			is_long = true;
			fmt++;
		}

		char *end = tmp + sizeof tmp, *p;
		unsigned long u;

		switch (*fmt) {
		case 'd':
		case 'i': {
			long v = is_long ? va_arg(ap, long) : va_arg(ap, int);
			u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
			p = digits(end, u, 10, false);
			if (v < 0) {
				if (fill == '0' && !left) {
					/* the sign goes before the zeros */
					put(&o, '-');
					width = width > 0 ? width - 1 : 0;
				} else {
					*--p = '-';
				}
			}
			pad(&o, p, (size_t)(end - p), width, left, fill);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
			u = is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
			p = digits(end, u, *fmt == 'u' ? 10 : 16, *fmt == 'X');
			pad(&o, p, (size_t)(end - p), width, left, fill);
			break;
		case 'p':
			u = (unsigned long)va_arg(ap, void *);
			p = digits(end, u, 16, false);
			put(&o, '0');
			put(&o, 'x');
			pad(&o, p, (size_t)(end - p), width, left, '0');
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t n = 0;

			if (!s)
				s = "(null)";
			while (s[n])
				n++;
			pad(&o, s, n, width, left, ' ');
			break;
		}
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			pad(&o, tmp, 1, width, left, ' ');
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;	/* a lone '%' at the end: stop there */
			break;
		default:	/* unknown conversion: print it as it is */
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len < size ? o.len : (size ? size - 1 : 0);
}

size_t format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
