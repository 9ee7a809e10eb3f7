/* What the soak generator's two halves share (gen.c: the random numbers,
 * the image buffer, operands and real-mode code, names, main; gen_mb.c: the
 * multiboot kernels and their 32-bit code). One image is written at a time,
 * into img[0..len), from one random stream: its bytes follow from the seed. */
#ifndef SOAK_GEN_H
#define SOAK_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "minikvm/abi.h"

#define MAX_IMAGE (REAL_DEFAULT_MEM - REAL_LOAD_ADDR + 1) /* one past the largest */

extern uint64_t rng;
extern uint8_t img[MAX_IMAGE + 4096];
extern size_t len;

uint64_t next(void);
uint32_t rnd(uint32_t n);
int chance(int percent);
uint32_t pick(const uint32_t *v, size_t n);
/* One of the arguments, which must be constants: the order in which the
 * elements of an initialiser are evaluated is unspecified, so random ones
 * would make the stream depend on the compiler. */
#define PICK(...) pick((const uint32_t[]){ __VA_ARGS__ }, \
		       sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))

void b(uint32_t v);
void w16(uint32_t v);
void w32(uint32_t v);
void put32(size_t at, uint32_t v);
void bytes(uint32_t n);
uint32_t size_upto(uint32_t max);

uint32_t port(void);
uint32_t value(void);
uint32_t selector(void);
uint32_t msr(void);
enum { AX, CX, DX, BX, SP, BP, SI, DI };

/* CR4.LA57 (bit 12) is never set: in the nested lane, a write of it while
 * EFER.LME is set (protected mode, paging off) freezes the whole lane,
 * QEMU's emulator and the kernel in it, not just the guest (README.md). */
#define CR4_SAFE(v) ((v) & ~0x1000u)

void gen_multiboot(int broken);

#endif
