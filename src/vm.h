/* A VM: its KVM file descriptor, its guest RAM and its two buses. Every
 * access the VMM makes to guest memory goes through vm_guest_ptr(), which
 * refuses any range not wholly inside this VM's RAM. */
#ifndef MINIKVM_VM_H
#define MINIKVM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"

/* A PC keeps its devices (IOAPIC, local APIC, BIOS ROM) below 4 GiB: RAM
 * beyond VM_LOW_RAM_MAX continues at 4 GiB instead. On a real SVM KVM,
 * RAM over the local APIC's addresses swallows the start-up IPIs. */
#define VM_LOW_RAM_MAX (3ull << 30)
#define VM_HIGH_RAM_BASE (4ull << 30)

/* Guest RAM of at least this size may be mapped at a host address
 * aligned to it and backed by huge pages (vm.c says why). */
#define VM_RAM_HOST_ALIGN (2ull << 20)

/* The part of mem_size bytes of RAM that lies at 4 GiB and up. */
static inline uint64_t vm_high_size_for(uint64_t mem_size)
{
	return mem_size > VM_LOW_RAM_MAX ? mem_size - VM_LOW_RAM_MAX : 0;
}

/* One past the highest guest-physical RAM address. */
static inline uint64_t vm_ram_end_for(uint64_t mem_size)
{
	uint64_t high = vm_high_size_for(mem_size);

	return high ? VM_HIGH_RAM_BASE + high : mem_size;
}

/* How a guest's RAM is mapped in the host: asked for (vm_create, from
 * the boot row and --huge-pages) and got (vm_map_guest_ram). */
enum vm_ram_mapping {
	VM_RAM_SMALL_PAGES, /* 4 KiB pages: asked, under 2 MiB, or THP refused */
	VM_RAM_HUGE_PAGES,  /* 2 MiB-aligned, huge pages advised */
	VM_RAM_MISALIGNED,  /* 4 KiB off 2 MiB on request, for measurement */
};

struct vm {
	int vm_fd;
	uint8_t *mem;	    /* all of RAM: the part below 4 GiB, then the rest */
	uint64_t mem_size;
	uint64_t high_size; /* of it at VM_HIGH_RAM_BASE; 0: all from 0 */
	enum vm_ram_mapping ram_mapping;
	struct bus pio;
	struct bus mmio;
	bool has_irqchip;
};

/* Checks the host KVM once per process: API version and the capabilities
 * the VMM relies on. Returns 0, or -1 after saying what is missing. */
int kvm_check_host(int kvm_fd);

/* want: the mapping of its RAM; MINIKVM_RAM_UNALIGNED=1 in the
 * environment makes it VM_RAM_MISALIGNED whatever was asked. */
int vm_create(struct vm *vm, int kvm_fd, uint64_t mem_size, enum vm_ram_mapping want);
/* size bytes of zeroed RAM for a guest, or MAP_FAILED. Asked for huge
 * pages, RAM of at least VM_RAM_HOST_ALIGN is aligned to it; misaligned,
 * 4 KiB past such a boundary; small, wherever mmap puts it, huge pages
 * declined. *how says which mapping it got. */
uint8_t *vm_map_guest_ram(uint64_t size, enum vm_ram_mapping want, enum vm_ram_mapping *how);
/* --stats' words for a mapping: "host mapping 2 MiB-aligned, ...". */
const char *vm_ram_mapping_text(enum vm_ram_mapping how);
void vm_destroy(struct vm *vm);
/* The in-kernel PIC, IOAPIC and LAPICs, and the PIT. Called after the
 * memory slots (later slot changes are slow with an irqchip present) and
 * before any vCPU exists. */
int vm_create_irqchip(struct vm *vm, int kvm_fd);
/* Sets the in-kernel IOAPIC's ID register to id, so that it agrees with
 * the MP and ACPI tables, which give it the number after the CPUs' APIC
 * IDs (KVM's reset value is 0, the boot CPU's). */
int vm_set_ioapic_id(struct vm *vm, uint8_t id);
/* Lets KVM queue guest writes to [port, port + len) instead of exiting on
 * each; the vCPU loop replays them (vcpu_enable_coalesced). */
int vm_coalesce_pio(struct vm *vm, int kvm_fd, uint16_t port, uint32_t len);
/* Drives an ISA interrupt line (PIC and IOAPIC pin) to level. */
int vm_irq_line(struct vm *vm, uint32_t irq, int level);

/* Host pointer to guest-physical [gpa, gpa + len), or NULL when any byte of
 * it lies outside guest RAM (wrap-around included, and a range across the
 * hole below 4 GiB). len 0 is valid. */
void *vm_guest_ptr(const struct vm *vm, uint64_t gpa, uint64_t len);

#endif
