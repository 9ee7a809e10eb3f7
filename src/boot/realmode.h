/* The reference's real-mode flat-binary protocol (docs/guest-abi.md): the
 * image is copied to 0x10000 and entered in 16-bit real mode with every
 * segment register 0x1000, IP = 0 and SP = 0, so a binary assembled with
 * origin 0 reaches its code, data and stack through its segments. */
#ifndef MINIKVM_BOOT_REALMODE_H
#define MINIKVM_BOOT_REALMODE_H

#include <stdint.h>

#include "../cli.h"
#include "../vcpu.h"
#include "../vm.h"
#include "image.h"
#include "minikvm/abi.h"

struct boot_plan;

/* Largest image that fits in mem_size bytes of guest RAM. */
uint64_t realmode_max_image(uint64_t mem_size);
int realmode_check(const struct image *img, const struct options *o,
		   struct boot_plan *plan);
int realmode_load(struct vm *vm, const struct image *img,
		  const struct boot_plan *plan);
/* Also arms the no-BIOS report (vcpu_trap_null_vector). */
int realmode_setup_vcpu(struct vcpu *v, const struct boot_plan *plan);

#endif
