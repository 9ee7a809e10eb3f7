/* What the fuzz targets share: reading fields off the fuzzer's bytes
 * without running past them, files that live only in memory (memfd) so a
 * loader can open "its" image without anything written to disk, guest RAM
 * the size a VM would map, pipes that stand in for the console, and the
 * check that stops a run on a broken promise. Each target keeps its own
 * decoding; only these mechanics are common. */
#ifndef MINIKVM_FUZZ_SUPPORT_H
#define MINIKVM_FUZZ_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../src/vm.h"

/* A disagreement with the model or a promise: the fuzzer records the
 * input as a crash; the stack trace names the line. */
#define FUZZ_CHECK(cond)                     \
	do {                                 \
		if (!(cond))                 \
			__builtin_trap();    \
	} while (0)

/* The fuzzer's bytes, consumed from the front. Reads past the end give
 * zeros, so every input decodes to something. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

uint8_t fuzz_u8(struct fuzz_in *in);
uint16_t fuzz_u16(struct fuzz_in *in);
uint32_t fuzz_u32(struct fuzz_in *in);
uint64_t fuzz_u64(struct fuzz_in *in);
/* Up to want bytes; *got says how many there were. */
const uint8_t *fuzz_bytes(struct fuzz_in *in, size_t want, size_t *got);
/* A string of up to max bytes (length from one byte, or two with wide),
 * cut at its first NUL; malloc'd, never NULL unless out of memory. */
char *fuzz_string(struct fuzz_in *in, size_t max, bool wide);

/* An in-memory file holding data, and a path that opens it
 * ("/proc/self/fd/N"); returns the fd to close, or -1. The fd is
 * FUZZ_FD_BASE + slot whatever else is open, so the path, which a loader
 * may copy into the guest's command line, is the same on every run. */
#define FUZZ_FD_BASE 200
int fuzz_memfd(int slot, const void *data, size_t len, char *path, size_t path_size);

/* A VM without KVM: fresh, all-zero RAM of mem_size bytes (mmap'd, so
 * only the pages a loader touches cost anything), both buses empty.
 * 0, or -1 when the mapping fails. */
int fuzz_vm_open(struct vm *vm, uint64_t mem_size);
void fuzz_vm_close(struct vm *vm);

/* A pipe with both ends non-blocking: fds[0] read, fds[1] write. */
int fuzz_pipe(int fds[2]);
/* Reads what waits in fd, up to size bytes; how many. */
size_t fuzz_drain(int fd, uint8_t *buf, size_t size);
void fuzz_close(int *fd);

/* The sum of n bytes, mod 256: what ACPI and MP checksums make 0. */
uint8_t fuzz_sum8(const uint8_t *p, size_t n);

#endif
