/* The sandbox's allowlist compiled to seccomp BPF with libseccomp; for the
 * generator of src/sandbox_filter.c and its unit test only. */
#ifndef MINIKVM_SANDBOX_COMPILE_H
#define MINIKVM_SANDBOX_COMPILE_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

#include "../src/sandbox.h"

/* 0, or a negative errno: the program (release build's rules, plus the
 * sanitizer runtimes' if sanitizer) in prog[0..*len). */
int sandbox_compile(bool sanitizer, struct sock_filter *prog, size_t max, size_t *len);
/* "libseccomp X.Y.Z": the compiler the generated file names. */
const char *sandbox_compiler_version(void);

#endif
