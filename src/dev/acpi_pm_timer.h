/* The ACPI power-management timer at port 0x608 (where QEMU's PIIX4 and
 * ICH9 put it: PM base 0x600 + 8): a 24-bit counter at 3.579545 MHz that
 * no guest can stop or set. Linux calibrates its TSC and LAPIC timer
 * against it and offers it as the acpi_pm clocksource once the FADT names
 * the port; firmware and test kernels use it as a fixed-rate clock for
 * delays. It runs from the host's CLOCK_MONOTONIC, so it never goes back
 * and keeps counting while the guest is descheduled. Reads of 1, 2 or 4
 * bytes see the low bytes of the 32-bit register (bits 31-24 zero);
 * writes are ignored. No state but the start time: nothing to lock. */
#ifndef MINIKVM_DEV_ACPI_PM_TIMER_H
#define MINIKVM_DEV_ACPI_PM_TIMER_H

#include <stdint.h>

#include "../bus.h"
#include "minikvm/abi.h"

#define ACPI_PM_TIMER_HZ 3579545u
#define ACPI_PM_TIMER_MASK 0xffffffu /* 24 bits */
#define ACPI_PM_TIMER_LEN 4

struct acpi_pm_timer {
	uint64_t (*now_ns)(void); /* CLOCK_MONOTONIC; replaceable by tests */
	uint64_t start_ns;	  /* the counter's zero */
};

/* Starts the counter at 0 now. */
void acpi_pm_timer_init(struct acpi_pm_timer *t);
/* The counter as of now_ns(). */
uint32_t acpi_pm_timer_read(const struct acpi_pm_timer *t);
int acpi_pm_timer_register(struct acpi_pm_timer *t, struct bus *pio);

#endif
