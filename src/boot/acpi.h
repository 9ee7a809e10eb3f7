/* ACPI tables: the root pointer (RSDP) an OS finds by scanning the BIOS
 * area, the RSDT and XSDT it points to, the FADT (with its FACS and an empty
 * DSDT) and the MADT. Hobby operating systems and Linux with ACPI learn the
 * CPUs, the local APIC and the IOAPIC from the MADT, and take the PM timer
 * port from the FADT; multiboot kernels written for QEMU expect these tables
 * and find no MP table code path at all. The MP table (mptable.h) stays for
 * kernels that only read that.
 *
 * Layout (guest-physical), for N CPUs, everything below MPTABLE_ADDR:
 *   0xe0000  RSDP (36 bytes, ACPI 2.0, revision 2)
 *   0xe1000  RSDT (44)     0xe1030  XSDT (52)     0xe1070  FADT (244, rev 3)
 *   0xe1180  FACS (64, 64-byte aligned)           0xe11c0  DSDT (36, no AML)
 *   0xe11f0  MADT (72 + 8 * N): ends at 0xe1240 for 1 CPU, 0xe1438 for 64
 * The gap between the RSDP and 0xe1000 is zeros. */
#ifndef MINIKVM_BOOT_ACPI_H
#define MINIKVM_BOOT_ACPI_H

#include <stddef.h>
#include <stdint.h>

#include "../vm.h"

#define ACPI_RSDP_ADDR 0xe0000u /* in the BIOS area the OS scans (0xE0000-0xFFFFF); the MP table is at 0xf0000 */
#define ACPI_TABLES_ADDR 0xe1000u /* RSDT, XSDT, FADT, FACS, DSDT, MADT follow */
#define ACPI_MAX_CPUS 64
#define ACPI_SCI_IRQ 9 /* FADT SCI_INT: where a PC's SCI is; nothing raises it */
/* The GSI the MADT's interrupt source override gives ISA IRQ 0 (the PIT).
 * QEMU says 2 because it replaces KVM's GSI routing with one that sends
 * GSI 0 to IOAPIC pin 2; kvm-vmm keeps KVM's default routing, GSI n to pin
 * n for n < 16, so the PIT reaches pin 0, as the MP table also says.
 * Change this to 2 together with a KVM_SET_GSI_ROUTING that does what
 * QEMU's does, never alone. */
#define ACPI_IRQ0_GSI 0u

/* Bytes the tables take for ncpus CPUs, RSDP included (0 when ncpus is
 * out of 1..ACPI_MAX_CPUS). */
size_t acpi_size(int ncpus);
/* Builds everything into buf, which will sit at guest-physical
 * ACPI_RSDP_ADDR (RSDP first, the tables from ACPI_TABLES_ADDR); returns
 * bytes used, or 0 when ncpus is out of 1..64 or buf too small. */
size_t acpi_build(uint8_t *buf, size_t size, int ncpus);
/* acpi_build into guest memory; 0, or -1 after one err_print line. */
int acpi_write(struct vm *vm, int ncpus);

#endif
