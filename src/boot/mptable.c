/* Written byte by byte through a cursor, not as packed structs, into any
 * buffer, so the unit tests can read a table back. Where KVM fixes a fact
 * the entries repeat it (APIC ID = vCPU index, ISA IRQ n on IOAPIC pin
 * n); the CPU signature and features need only be plausible. */
#include "mptable.h"

#include <string.h>

#include "../err.h"

#define MPF_SIZE 16	 /* floating pointer structure */
#define MPC_HDR_SIZE 44 /* configuration table header */
#define MP_SPEC_REV 4	 /* version 1.4 */

/* Entry types and their sizes. */
#define MP_PROCESSOR 0
#define MP_BUS 1
#define MP_IOAPIC 2
#define MP_IOINTR 3
#define MP_LINTR 4
#define MP_PROCESSOR_SIZE 20
#define MP_ENTRY_SIZE 8

#define CPU_ENABLED 0x01
#define CPU_BOOT 0x02
#define LAPIC_VERSION 0x14 /* what KVM's LAPIC reports */
#define IOAPIC_VERSION 0x11
#define INT_VECTORED 0
#define INT_NMI 1
#define INT_EXTINT 3
#define ISA_CASCADE_IRQ 2 /* the slave PIC's line, not a device's */
#define ALL_LAPICS 0xff
/* A family-6 CPU with an FPU and a local APIC: the OS reads the real
 * values from CPUID; these only have to be plausible. */
#define CPU_SIGNATURE 0x600
#define CPU_FEATURES 0x201

/* A cursor over the table being written, little-endian as x86 is. */
struct mp_writer {
	uint8_t *p;
};

static void put8(struct mp_writer *w, uint8_t v)
{
	*w->p++ = v;
}

static void put16(struct mp_writer *w, uint16_t v)
{
	memcpy(w->p, &v, 2);
	w->p += 2;
}

static void put32(struct mp_writer *w, uint32_t v)
{
	memcpy(w->p, &v, 4);
	w->p += 4;
}

static void put_bytes(struct mp_writer *w, const char *s, size_t n)
{
	memcpy(w->p, s, n);
	w->p += n;
}

/* The value that makes the n bytes at p sum to zero. */
static uint8_t checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	return (uint8_t)-sum;
}

static int nr_entries(int ncpus)
{
	/* CPUs, the ISA bus, the IOAPIC, ISA IRQs but the cascade, LINT0/1. */
	return ncpus + 2 + (MPTABLE_ISA_IRQS - 1) + 2;
}

size_t mptable_size(int ncpus)
{
	return MPF_SIZE + MPC_HDR_SIZE + (size_t)ncpus * MP_PROCESSOR_SIZE +
	       (size_t)(nr_entries(ncpus) - ncpus) * MP_ENTRY_SIZE;
}

static void put_interrupt(struct mp_writer *w, uint8_t entry, uint8_t type,
			  uint8_t bus_irq, uint8_t dest, uint8_t pin)
{
	put8(w, entry);
	put8(w, type);
	put16(w, 0); /* polarity and trigger as the bus has them: ISA edge */
	put8(w, 0);  /* source bus: ISA */
	put8(w, bus_irq);
	put8(w, dest);
	put8(w, pin);
}

static void put_entries(struct mp_writer *w, int ncpus)
{
	/* The IOAPIC's ID follows the CPUs' APIC IDs so none collide. */
	uint8_t ioapic_id = (uint8_t)ncpus;

	for (int i = 0; i < ncpus; i++) {
		put8(w, MP_PROCESSOR);
		put8(w, (uint8_t)i); /* APIC ID = vCPU index, as KVM sets it */
		put8(w, LAPIC_VERSION);
		put8(w, CPU_ENABLED | (i == 0 ? CPU_BOOT : 0));
		put32(w, CPU_SIGNATURE);
		put32(w, CPU_FEATURES);
		put32(w, 0);
		put32(w, 0);
	}
	put8(w, MP_BUS);
	put8(w, 0);
	put_bytes(w, "ISA   ", 6);
	put8(w, MP_IOAPIC);
	put8(w, ioapic_id);
	put8(w, IOAPIC_VERSION);
	put8(w, 0x01); /* enabled */
	put32(w, MPTABLE_IOAPIC_ADDR);
	/* KVM routes ISA IRQ n to IOAPIC pin n (its default GSI routing), the
	 * PIT's IRQ 0 included, so the table says exactly that. */
	for (int irq = 0; irq < MPTABLE_ISA_IRQS; irq++)
		if (irq != ISA_CASCADE_IRQ)
			put_interrupt(w, MP_IOINTR, INT_VECTORED, (uint8_t)irq,
				      ioapic_id, (uint8_t)irq);
	/* Virtual wire mode: the PIC reaches each LAPIC's LINT0, NMI LINT1. */
	put_interrupt(w, MP_LINTR, INT_EXTINT, 0, ALL_LAPICS, 0);
	put_interrupt(w, MP_LINTR, INT_NMI, 0, ALL_LAPICS, 1);
}

size_t mptable_build(uint8_t *buf, size_t size, uint32_t addr, int ncpus)
{
	size_t total = mptable_size(ncpus);
	struct mp_writer w = { buf };
	uint8_t *table = buf + MPF_SIZE;

	if (ncpus < 1 || ncpus > MPTABLE_MAX_CPUS || size < total)
		return 0;
	memset(buf, 0, total);

	/* Floating pointer: signature, table address, length in 16-byte
	 * units, revision, checksum, then feature bytes: 0 = a table is
	 * present; IMCR bit clear = virtual wire mode. */
	put_bytes(&w, "_MP_", 4);
	put32(&w, addr + MPF_SIZE);
	put8(&w, 1);
	put8(&w, MP_SPEC_REV);
	w.p = table;

	put_bytes(&w, "PCMP", 4);
	put16(&w, (uint16_t)(total - MPF_SIZE));
	put8(&w, MP_SPEC_REV);
	put8(&w, 0); /* checksum, below */
	put_bytes(&w, "MINIKVM ", 8);
	put_bytes(&w, "KVM-VMM     ", 12);
	put32(&w, 0); /* no OEM table */
	put16(&w, 0);
	put16(&w, (uint16_t)nr_entries(ncpus));
	put32(&w, MPTABLE_LAPIC_ADDR);
	put16(&w, 0); /* no extended table */
	put8(&w, 0);
	put8(&w, 0);
	put_entries(&w, ncpus);

	table[7] = checksum(table, total - MPF_SIZE);
	buf[10] = checksum(buf, MPF_SIZE);
	return total;
}

int mptable_write(struct vm *vm, int ncpus)
{
	size_t size = mptable_size(ncpus);
	uint8_t *dst = vm_guest_ptr(vm, MPTABLE_ADDR, size);

	if (!dst || mptable_build(dst, size, MPTABLE_ADDR, ncpus) == 0)
		return throw_err(-1, "cannot write the MP table for %d CPUs", ncpus);
	return 0;
}
