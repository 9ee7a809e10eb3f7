/* A VM: its KVM file descriptor, its guest RAM and its two buses. Every
 * access the VMM makes to guest memory goes through vm_guest_ptr(), which
 * refuses any range not wholly inside this VM's RAM. */
#ifndef MINIKVM_VM_H
#define MINIKVM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"

struct vm {
	int vm_fd;
	uint8_t *mem;
	uint64_t mem_size;
	struct bus pio;
	struct bus mmio;
	bool has_irqchip;
};

/* Checks the host KVM once per process: API version and the capabilities
 * the VMM relies on. Returns 0, or -1 after saying what is missing. */
int kvm_check_host(int kvm_fd);

int vm_create(struct vm *vm, int kvm_fd, uint64_t mem_size);
void vm_destroy(struct vm *vm);
/* The in-kernel PIC, IOAPIC and LAPICs, and the PIT. Called after the
 * memory slots (later slot changes are slow with an irqchip present) and
 * before any vCPU exists. */
int vm_create_irqchip(struct vm *vm, int kvm_fd);
/* Lets KVM queue guest writes to [port, port + len) instead of exiting on
 * each; the vCPU loop replays them (vcpu_enable_coalesced). */
int vm_coalesce_pio(struct vm *vm, int kvm_fd, uint16_t port, uint32_t len);
/* Drives an ISA interrupt line (PIC and IOAPIC pin) to level. */
int vm_irq_line(struct vm *vm, uint32_t irq, int level);

/* Host pointer to guest-physical [gpa, gpa + len), or NULL when any byte of
 * it lies outside guest RAM (wrap-around included). len 0 is valid. */
void *vm_guest_ptr(const struct vm *vm, uint64_t gpa, uint64_t len);

#endif
