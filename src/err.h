/* Error reporting shared by every part of the VMM. */
#ifndef MINIKVM_ERR_H
#define MINIKVM_ERR_H

#include <stdarg.h>

/* Prints "kvm-vmm: <message>" on stderr; a trailing ':' in fmt appends
 * strerror(errno), so callers keep the reason without formatting it. */
void err_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void err_vprint(const char *fmt, va_list ap);

/* For error paths that return a status: `return throw_err(-1, "...")`. */
#define throw_err(ret, ...) (err_print(__VA_ARGS__), (ret))

#endif
