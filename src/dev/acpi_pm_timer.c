/* The counter is never stored or ticked: each read works it out from the
 * nanoseconds since the start, split at whole seconds so that the 64-bit
 * products cannot overflow in any real run. */
#include "acpi_pm_timer.h"

#include <string.h>
#include <time.h>

#define NS_PER_S 1000000000u

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

void acpi_pm_timer_init(struct acpi_pm_timer *t)
{
	t->now_ns = monotonic_ns;
	t->start_ns = t->now_ns();
}

/* floor(ns * HZ / 1e9), split at whole seconds so that no product
 * overflows: the remainder's is below 1e9 * HZ < 2^52. */
static uint64_t ticks(uint64_t ns)
{
	uint64_t s = ns / NS_PER_S, rem = ns % NS_PER_S;

	return s * ACPI_PM_TIMER_HZ + rem * ACPI_PM_TIMER_HZ / NS_PER_S;
}

uint32_t acpi_pm_timer_read(const struct acpi_pm_timer *t)
{
	uint64_t now = t->now_ns();
	uint64_t ns = now > t->start_ns ? now - t->start_ns : 0;

	return (uint32_t)(ticks(ns) & ACPI_PM_TIMER_MASK);
}

static void pm_timer_io(void *opaque, struct vcpu *vcpu, uint64_t offset,
			void *data, uint32_t len, bool is_write)
{
	uint8_t reg[ACPI_PM_TIMER_LEN];
	uint32_t value;

	(void)vcpu;
	if (is_write)
		return; /* read-only */
	value = acpi_pm_timer_read(opaque);
	memcpy(reg, &value, sizeof(reg)); /* x86: little-endian */
	memset(data, 0, len);
	if (offset < sizeof(reg))
		memcpy(data, reg + offset,
		       len < sizeof(reg) - offset ? len : sizeof(reg) - offset);
}

int acpi_pm_timer_register(struct acpi_pm_timer *t, struct bus *pio)
{
	return bus_register(pio, ACPI_PM_TIMER_PORT, ACPI_PM_TIMER_LEN,
			    pm_timer_io, t, "acpi-pm-timer");
}
