/* The Intel MultiProcessor Specification (1.4) tables that tell an OS how
 * many CPUs there are and how ISA interrupts reach the IOAPIC: a floating
 * pointer structure, found by scanning the BIOS area, and the configuration
 * table it points to. With no ACPI tables, this is how Linux learns of the
 * vCPUs of --smp and of the in-kernel IOAPIC. */
#ifndef MINIKVM_BOOT_MPTABLE_H
#define MINIKVM_BOOT_MPTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "../vm.h"

#define MPTABLE_ADDR 0xf0000u /* in the BIOS area, which Linux scans */
#define MPTABLE_MAX_CPUS 64
#define MPTABLE_LAPIC_ADDR 0xfee00000u
#define MPTABLE_IOAPIC_ADDR 0xfec00000u
#define MPTABLE_ISA_IRQS 16

/* Bytes the tables of ncpus CPUs take: pointer, header and entries. */
size_t mptable_size(int ncpus);
/* Builds the tables for ncpus CPUs (APIC IDs 0..ncpus-1, CPU 0 the boot
 * processor) into buf, which will sit at guest-physical addr; returns the
 * bytes written, or 0 when ncpus is out of range or buf is too small. */
size_t mptable_build(uint8_t *buf, size_t size, uint32_t addr, int ncpus);
/* mptable_build into guest memory at MPTABLE_ADDR; 0, or -1 after a line. */
int mptable_write(struct vm *vm, int ncpus);

#endif
