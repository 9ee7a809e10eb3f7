/* The programs' small C library: system call wrappers, buffered output,
 * line input and number parsing. */
#ifndef OS1K_ULIB_H
#define OS1K_ULIB_H

#include <stdbool.h>
#include <stddef.h>
#include "fmt.h"
#include "os1k/programs.h"
#include "os1k/syscall.h"
#include "string.h"
#include "usyscall.h"

/* <limits.h> would bring in the C library's; these come from the compiler. */
#define INT_MAX __INT_MAX__
#define INT_MIN (-INT_MAX - 1)

/* System calls (include/os1k/syscall.h). */
static inline long sys_write(const void *buf, size_t len)
{
	return syscall3(SYS_WRITE, (long)buf, (long)len, 0);
}
static inline long sys_read(void *buf, size_t len)
{
	return syscall3(SYS_READ, (long)buf, (long)len, 0);
}
static inline long yield(void) { return syscall3(SYS_YIELD, 0, 0, 0); }
static inline long getpid(void) { return syscall3(SYS_GETPID, 0, 0, 0); }
static inline long uptime_ms(void) { return syscall3(SYS_UPTIME, 0, 0, 0); }
static inline long spawn(int prog) { return syscall3(SYS_SPAWN, prog, 0, 0); }
static inline long wait(long pid) { return syscall3(SYS_WAIT, pid, 0, 0); }
__attribute__((noreturn)) void exit(int status);	/* flushes output first */

/* Output is collected and written in one system call when the buffer
 * fills, before every read and at exit: fewer trips into the kernel. */
void print(const char *s);
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void flush(void);

/* Reads one line into buf without its '\n' and returns its length, or: */
#define READ_EOF	(-1)	/* end of input */
#define READ_TOO_LONG	(-2)	/* longer than size - 2 characters: dropped */
#define LINE_SIZE	64
long readline(char *buf, size_t size);

/* Parsing: skips blanks; parses [+-]digits into a 32-bit int, false on no
 * digits or overflow (*p then points at the problem). */
const char *skip_blanks(const char *p);
bool parse_int(const char **p, int *out);
char *trim(char *s);		/* drops leading and trailing blanks */

#endif
