/* The real-mode flat-binary boot protocol of docs/guest-abi.md: the image
 * is copied to 0x1000 and entered in 16-bit real mode at CS:IP = 0:0x1000. */
#ifndef MINIKVM_BOOT_REALMODE_H
#define MINIKVM_BOOT_REALMODE_H

#include <stdint.h>

#include "../vcpu.h"
#include "../vm.h"
#include "image.h"

#define REALMODE_LOAD_ADDR 0x1000u
#define REALMODE_STACK_TOP 0x1000u

/* Largest image that fits in mem_size bytes of guest RAM. */
uint64_t realmode_max_image(uint64_t mem_size);
int realmode_load(struct vm *vm, const struct image *img);
int realmode_setup_vcpu(struct vcpu *v);

#endif
