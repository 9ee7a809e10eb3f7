/* A small printf-style formatter shared by the kernel and the programs. */
#ifndef OS1K_FMT_H
#define OS1K_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Formats into buf (always NUL-terminated when size > 0) and returns the
 * length written, cut at size - 1.  Conversions: %d %i %u %x %X %s %c %p %%,
 * with the flags '-' and '0', a width, and the length modifier 'l'. */
size_t vformat(char *buf, size_t size, const char *fmt, va_list ap);
size_t format(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
