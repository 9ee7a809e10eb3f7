/* Port I/O and the kvm-vmm hypercall port.  Each of these is a VM exit
 * (about 8 microseconds on a software KVM), so callers keep them few. */
#ifndef OS1K_IO_H
#define OS1K_IO_H

#include <stdint.h>
#include "minikvm/abi.h"

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* The hypercall port of kvm-vmm (docs/guest-abi.md; the numbers are in
 * minikvm/abi.h): the call number is written with `out` to HC_PORT, the
 * arguments are in EBX and ECX. */

/* VERSION: kvm-vmm puts its ABI version (HC_ABI_VERSION) in EAX; anywhere
 * else nobody claims the port and EAX keeps the call number HC_VERSION. */
static inline uint32_t hc_version(void)
{
	uint32_t v = HC_VERSION;

	__asm__ volatile("outl %0, %w1" : "+a"(v) : "Nd"(HC_PORT));
	return v;
}

/* PUTS takes a guest-PHYSICAL address: callers translate first. */
static inline void hc_puts(uint32_t phys, uint32_t len)
{
	__asm__ volatile("outl %0, %w1"
			 : : "a"(HC_PUTS), "Nd"(HC_PORT), "b"(phys), "c"(len) : "memory");
}

static inline void hc_exit(uint32_t status)
{
	__asm__ volatile("outl %0, %w1" : : "a"(HC_EXIT), "Nd"(HC_PORT), "b"(status));
}

#endif
