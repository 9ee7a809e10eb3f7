/* The MP table: pointer and table checksums, entries in spec order. */
#include <stdlib.h>
#include <string.h>

#include "../../src/boot/mptable.h"
#include "harness.h"

#define ADDR 0xf0000u

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }

static void check_tables(int ncpus)
{
	size_t size = mptable_size(ncpus);
	uint8_t *buf = malloc(size);
	const uint8_t *t = buf + 16, *e;
	int intr = 0, lintr = 0;

	CHECK_EQ(mptable_build(buf, size, ADDR, ncpus), size);
	/* Floating pointer: signature, table address, 1 paragraph, rev 1.4. */
	CHECK(memcmp(buf, "_MP_", 4) == 0);
	CHECK_EQ(get32(buf + 4), ADDR + 16);
	CHECK_EQ(buf[8], 1);
	CHECK_EQ(buf[9], 4);
	CHECK_EQ(sum(buf, 16), 0);
	CHECK_EQ(buf[11], 0); /* a table is present */
	CHECK_EQ(buf[12], 0); /* virtual wire mode */
	/* Table header. */
	CHECK(memcmp(t, "PCMP", 4) == 0);
	CHECK_EQ(get16(t + 4), size - 16);
	CHECK_EQ(t[6], 4);
	CHECK_EQ(sum(t, size - 16), 0);
	CHECK_EQ(get16(t + 34), ncpus + 19);
	CHECK_EQ(get32(t + 36), MPTABLE_LAPIC_ADDR);
	/* Processors first, APIC IDs 0.., only the first is the BSP. */
	e = t + 44;
	for (int i = 0; i < ncpus; i++, e += 20) {
		CHECK_EQ(e[0], 0);
		CHECK_EQ(e[1], i);
		CHECK_EQ(e[3], i == 0 ? 3 : 1);
	}
	CHECK_EQ(e[0], 1); /* the ISA bus */
	CHECK(memcmp(e + 2, "ISA   ", 6) == 0);
	e += 8;
	CHECK_EQ(e[0], 2); /* the IOAPIC, with an ID after the CPUs' */
	CHECK_EQ(e[1], ncpus);
	CHECK_EQ(e[3], 1);
	CHECK_EQ(get32(e + 4), MPTABLE_IOAPIC_ADDR);
	e += 8;
	for (; e < buf + size; e += 8) {
		if (e[0] == 3) {
			CHECK_EQ(e[1], 0); /* vectored */
			CHECK(e[5] != 2);  /* no entry for the cascade */
			CHECK_EQ(e[5], e[7]); /* ISA IRQ n on pin n */
			CHECK_EQ(e[6], ncpus);
			intr++;
		} else {
			CHECK_EQ(e[0], 4);
			CHECK_EQ(e[6], 0xff);
			CHECK_EQ(e[7], lintr); /* LINT0 ExtINT, LINT1 NMI */
			CHECK_EQ(e[1], lintr ? 1 : 3);
			lintr++;
		}
	}
	CHECK_EQ(intr, 15);
	CHECK_EQ(lintr, 2);
	free(buf);
}

TEST(mptable_one_two_and_max_cpus)
{
	check_tables(1);
	check_tables(2);
	check_tables(MPTABLE_MAX_CPUS);
}

TEST(mptable_refuses_bad_arguments)
{
	uint8_t buf[4096];

	CHECK_EQ(mptable_build(buf, sizeof(buf), ADDR, 0), 0);
	CHECK_EQ(mptable_build(buf, sizeof(buf), ADDR, MPTABLE_MAX_CPUS + 1), 0);
	CHECK_EQ(mptable_build(buf, mptable_size(2) - 1, ADDR, 2), 0);
}

TEST(mptable_write_stays_in_guest_memory)
{
	uint8_t *ram = calloc(1, 1u << 20);
	struct vm vm;

	memset(&vm, 0, sizeof(vm));
	vm.mem = ram;
	vm.mem_size = 1u << 20;
	CHECK(mptable_write(&vm, 4) == 0);
	CHECK(memcmp(ram + MPTABLE_ADDR, "_MP_", 4) == 0);
	vm.mem_size = MPTABLE_ADDR + 64; /* too little RAM for the table */
	CHECK(mptable_write(&vm, 4) < 0);
	free(ram);
}
