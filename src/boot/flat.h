/* The reference's two flat-binary protocols above real mode. The VMM does
 * what a boot loader would: a GDT and an empty IDT at 0x500, page tables at
 * 1 MiB, the control registers set, and the file's bytes at --load.
 *   --paging     32-bit protected mode with 32-bit paging: 0-4 MiB mapped
 *                twice, at 0 and at 0x80000000; entry at --entry
 *                (default 0x80001000, the load offset seen high).
 *   --long-mode  64-bit mode, all of RAM identity-mapped with 2 MiB pages;
 *                entry at --entry (default the load offset), RSP at the
 *                top of RAM.
 * Addresses are in include/minikvm/abi.h; docs/guest-abi.md describes both. */
#ifndef MINIKVM_BOOT_FLAT_H
#define MINIKVM_BOOT_FLAT_H

#include "../cli.h"
#include "../vcpu.h"
#include "../vm.h"
#include "image.h"

struct boot_plan;

int paging32_check(const struct image *img, const struct options *o,
		   struct boot_plan *plan);
int paging32_load(struct vm *vm, const struct image *img, const struct boot_plan *plan);
/* Fails, saying so, when this host's KVM drops CR0.PG (kvm-pvm does). */
int paging32_setup_vcpu(struct vcpu *v, const struct boot_plan *plan);

int longmode_check(const struct image *img, const struct options *o,
		   struct boot_plan *plan);
int longmode_load(struct vm *vm, const struct image *img, const struct boot_plan *plan);
int longmode_setup_vcpu(struct vcpu *v, const struct boot_plan *plan);

/* Bytes of page tables --long-mode builds for mem_size bytes of RAM. */
uint64_t longmode_tables_size(uint64_t mem_size);

#endif
