/* The ACPI tables: an OS with ACPI (Linux, hobby kernels written for QEMU)
 * trusts them over the MP table, so every pointer, length and checksum is
 * recomputed here from the bytes, following the pointers as an OS does,
 * and the interrupt routing is held to the MP table's. */
#include <stdlib.h>
#include <string.h>

#include "../../src/boot/acpi.h"
#include "../../src/boot/mptable.h"
#include "../../src/dev/rtc.h"
#include "harness.h"
#include "minikvm/abi.h"

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }

/* The tables of ncpus CPUs, built into a buffer of exactly acpi_size(). */
struct built {
	uint8_t *buf;
	size_t size;
};

static struct built build(int ncpus)
{
	struct built b = { NULL, acpi_size(ncpus) };

	b.buf = malloc(b.size);
	memset(b.buf, 0xa5, b.size);
	CHECK_EQ(acpi_build(b.buf, b.size, ncpus), b.size);
	return b;
}

/* The bytes at guest-physical addr, len of them inside the buffer, or NULL. */
static const uint8_t *at(const struct built *b, uint64_t addr, size_t len)
{
	if (addr < ACPI_RSDP_ADDR || addr - ACPI_RSDP_ADDR > b->size ||
	    len > b->size - (addr - ACPI_RSDP_ADDR))
		return NULL;
	return b->buf + (addr - ACPI_RSDP_ADDR);
}

/* A table with a standard header: signature, a length that fits, a zero
 * byte sum, our OEM fields. Returns it, or NULL after a failed CHECK. */
static const uint8_t *table(const struct built *b, uint64_t addr,
			    const char *sig, uint8_t revision)
{
	const uint8_t *t = at(b, addr, 36);
	uint32_t len;

	CHECK(t != NULL);
	if (!t)
		return NULL;
	len = get32(t + 4);
	CHECK(at(b, addr, len) != NULL);
	if (!at(b, addr, len))
		return NULL;
	CHECK(memcmp(t, sig, 4) == 0);
	CHECK(len >= 36);
	CHECK_EQ(t[8], revision);
	CHECK_EQ(sum(t, len), 0);
	CHECK(memcmp(t + 10, "MINKVM", 6) == 0);
	CHECK(memcmp(t + 16, "MINIKVM ", 8) == 0);
	CHECK_EQ(get32(t + 24), 1);
	CHECK(memcmp(t + 28, "MKVM", 4) == 0);
	CHECK_EQ(get32(t + 32), 1);
	CHECK_EQ(addr % 16, 0);
	return t;
}

/* The FADT and MADT addresses the RSDT and XSDT list, which must agree. */
static void roots(const struct built *b, uint32_t *fadt, uint32_t *madt)
{
	const uint8_t *rsdp = b->buf;
	const uint8_t *rsdt = table(b, get32(rsdp + 16), "RSDT", 1);
	const uint8_t *xsdt = table(b, get64(rsdp + 24), "XSDT", 1);

	*fadt = *madt = 0;
	CHECK(rsdt && xsdt);
	if (!rsdt || !xsdt)
		return;
	CHECK_EQ(get32(rsdt + 4), 36 + 2 * 4);
	CHECK_EQ(get32(xsdt + 4), 36 + 2 * 8);
	for (int i = 0; i < 2; i++) {
		uint32_t addr = get32(rsdt + 36 + 4 * i);
		const uint8_t *t = at(b, addr, 4);

		CHECK_EQ(get64(xsdt + 36 + 8 * i), addr);
		CHECK(t != NULL);
		if (t && memcmp(t, "FACP", 4) == 0)
			*fadt = addr;
		else if (t && memcmp(t, "APIC", 4) == 0)
			*madt = addr;
	}
	CHECK(*fadt != 0);
	CHECK(*madt != 0);
}

TEST(acpi_rsdp)
{
	struct built b = build(2);
	const uint8_t *r = b.buf;

	CHECK(memcmp(r, "RSD PTR ", 8) == 0);
	CHECK_EQ(sum(r, 20), 0);
	CHECK_EQ(sum(r, 36), 0);
	CHECK(memcmp(r + 9, "MINKVM", 6) == 0);
	CHECK_EQ(r[15], 2);
	CHECK_EQ(get32(r + 20), 36);
	CHECK_EQ(get32(r + 16), ACPI_TABLES_ADDR); /* the RSDT comes first */
	CHECK(get64(r + 24) > ACPI_TABLES_ADDR);
	CHECK_EQ(r[33] | r[34] | r[35], 0);
	CHECK_EQ(ACPI_RSDP_ADDR % 16, 0);
	CHECK(ACPI_RSDP_ADDR >= 0xe0000 && ACPI_RSDP_ADDR < 0x100000);
	/* Nothing between the RSDP and the tables but zeros. */
	for (size_t i = 36; i < ACPI_TABLES_ADDR - ACPI_RSDP_ADDR; i++)
		if (b.buf[i]) {
			CHECK(b.buf[i] == 0);
			break;
		}
	free(b.buf);
}

static void check_headers(int ncpus)
{
	struct built b = build(ncpus);
	uint32_t fadt_addr, madt_addr;
	const uint8_t *fadt, *madt, *facs, *dsdt;

	roots(&b, &fadt_addr, &madt_addr);
	fadt = table(&b, fadt_addr, "FACP", 3);
	madt = table(&b, madt_addr, "APIC", 1);
	CHECK(fadt && madt);
	if (!fadt || !madt)
		goto out;
	CHECK_EQ(get32(fadt + 4), 244);
	CHECK_EQ(get32(madt + 4), 44 + 8 * ncpus + 12 + 10 + 6);
	/* The MADT is the last table: it ends the buffer. */
	CHECK_EQ(madt_addr + get32(madt + 4), ACPI_RSDP_ADDR + b.size);

	dsdt = table(&b, get32(fadt + 40), "DSDT", 2);
	CHECK(dsdt != NULL);
	if (dsdt)
		CHECK_EQ(get32(dsdt + 4), 36); /* no AML */

	facs = at(&b, get32(fadt + 36), 64);
	CHECK(facs != NULL);
	if (facs) {
		CHECK(memcmp(facs, "FACS", 4) == 0);
		CHECK_EQ(get32(facs + 4), 64);
		CHECK_EQ(get32(fadt + 36) % 64, 0);
		CHECK_EQ(facs[32], 1); /* version */
		CHECK_EQ(get32(facs + 12), 0); /* no waking vector */
	}
out:
	free(b.buf);
}

TEST(acpi_headers_lengths_checksums)
{
	check_headers(1);
	check_headers(8);
	check_headers(ACPI_MAX_CPUS);
}

TEST(acpi_layout_matches_the_header_comment)
{
	struct built b = build(1);
	uint32_t fadt, madt;

	roots(&b, &fadt, &madt);
	CHECK_EQ(get32(b.buf + 16), 0xe1000); /* RSDT */
	CHECK_EQ(get64(b.buf + 24), 0xe1030); /* XSDT */
	CHECK_EQ(fadt, 0xe1070);
	CHECK_EQ(madt, 0xe11f0);
	if (fadt) {
		const uint8_t *f = at(&b, fadt, 244);

		CHECK_EQ(get32(f + 36), 0xe1180); /* FACS */
		CHECK_EQ(get32(f + 40), 0xe11c0); /* DSDT */
	}
	CHECK_EQ(ACPI_RSDP_ADDR + acpi_size(1), 0xe1240);
	CHECK_EQ(ACPI_RSDP_ADDR + acpi_size(64), 0xe1438);
	free(b.buf);
}

/* An I/O-space Generic Address Structure of width bits at port. */
static void check_gas(const uint8_t *g, uint32_t port, unsigned bits)
{
	CHECK_EQ(g[0], 1); /* system I/O */
	CHECK_EQ(g[1], bits);
	CHECK_EQ(g[2], 0);
	CHECK_EQ(get64(g + 4), port);
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

TEST(acpi_fadt_fields)
{
	struct built b = build(4);
	uint32_t fadt_addr, madt_addr;
	const uint8_t *f;

	roots(&b, &fadt_addr, &madt_addr);
	f = at(&b, fadt_addr, 244);
	CHECK(f != NULL);
	if (!f)
		goto out;
	/* FACS and DSDT: 32-bit pointers; X_DSDT the same, X_FIRMWARE_CTRL 0
	 * because FIRMWARE_CTRL is set. */
	CHECK(at(&b, get32(f + 36), 64) != NULL);
	CHECK_EQ(get64(f + 132), 0);
	CHECK_EQ(get64(f + 140), get32(f + 40));
	CHECK_EQ(get16(f + 46), 9);	 /* SCI_INT */
	CHECK_EQ(get32(f + 48), 0);	 /* no SMI_CMD: always in ACPI mode */
	CHECK_EQ(f[52] | f[53], 0);	 /* ACPI_ENABLE/DISABLE */
	/* PM1a event 0x600/4, control 0x604/2, timer 0x608/4, no others. */
	CHECK_EQ(get32(f + 56), 0x600);
	CHECK_EQ(get32(f + 60), 0);
	CHECK_EQ(get32(f + 64), 0x604);
	CHECK_EQ(get32(f + 68), 0);
	CHECK_EQ(get32(f + 72), 0);
	CHECK_EQ(get32(f + 76), ACPI_PM_TIMER_PORT);
	CHECK_EQ(get32(f + 76), 0x608);
	CHECK_EQ(get32(f + 80) | get32(f + 84), 0); /* no GPE blocks */
	CHECK_EQ(f[88], 4);
	CHECK_EQ(f[89], 2);
	CHECK_EQ(f[90], 0);
	CHECK_EQ(f[91], 4); /* PM_TMR_LEN */
	CHECK_EQ(f[92] | f[93], 0);
	CHECK(get16(f + 96) > 100);  /* no C2 */
	CHECK(get16(f + 98) > 1000); /* no C3 */
	CHECK_EQ(f[108], RTC_CENTURY);
	CHECK_EQ(get16(f + 109), 0x7); /* legacy devices, 8042, no VGA */
	/* Flags: WBINVD, C1, no fixed buttons, no RTC wake; TMR_VAL_EXT
	 * (bit 8) clear: a 24-bit timer; no reset register (bit 10). */
	CHECK_EQ(get32(f + 112), 0x75);
	CHECK_EQ(get32(f + 112) & (1u << 8), 0);
	CHECK(all_zero(f + 116, 16)); /* RESET_REG, value, reserved */
	/* The X_ blocks say what the 32-bit ones say, widths = lengths * 8. */
	check_gas(f + 148, 0x600, 32);
	CHECK(all_zero(f + 160, 12));
	check_gas(f + 172, 0x604, 16);
	CHECK(all_zero(f + 184, 24));
	check_gas(f + 208, ACPI_PM_TIMER_PORT, 32);
	CHECK(all_zero(f + 220, 24));
out:
	free(b.buf);
}

/* The MADT's entries for ncpus CPUs, in order: the LAPICs, the IOAPIC,
 * the override for IRQ 0, the LINT1 NMI; nothing after. */
static void check_madt(int ncpus)
{
	struct built b = build(ncpus);
	uint32_t fadt_addr, madt_addr;
	const uint8_t *m, *e, *end;
	int lapics = 0, ioapics = 0, overrides = 0, nmis = 0, entries = 0;

	roots(&b, &fadt_addr, &madt_addr);
	m = at(&b, madt_addr, 44);
	CHECK(m != NULL);
	if (!m)
		goto out;
	CHECK_EQ(get32(m + 36), MPTABLE_LAPIC_ADDR);
	CHECK_EQ(get32(m + 36), 0xfee00000u);
	CHECK_EQ(get32(m + 40), 1); /* PCAT_COMPAT */
	end = m + get32(m + 4);
	for (e = m + 44; e < end; e += e[1], entries++) {
		CHECK(e[1] >= 2);
		if (e[1] < 2)
			break;
		switch (e[0]) {
		case 0:
			CHECK_EQ(e[1], 8);
			CHECK_EQ(ioapics + overrides + nmis, 0);
			CHECK_EQ(e[2], lapics); /* ACPI processor UID */
			CHECK_EQ(e[3], lapics); /* APIC ID */
			CHECK_EQ(get32(e + 4), 1); /* enabled */
			lapics++;
			break;
		case 1:
			CHECK_EQ(e[1], 12);
			CHECK_EQ(e[2], ncpus); /* after the CPUs' IDs */
			CHECK_EQ(e[3], 0);
			CHECK_EQ(get32(e + 4), MPTABLE_IOAPIC_ADDR);
			CHECK_EQ(get32(e + 4), 0xfec00000u);
			CHECK_EQ(get32(e + 8), 0); /* GSI base */
			ioapics++;
			break;
		case 2:
			CHECK_EQ(e[1], 10);
			CHECK_EQ(e[2], 0); /* ISA */
			CHECK_EQ(e[3], 0); /* IRQ 0 */
			CHECK_EQ(get32(e + 4), ACPI_IRQ0_GSI);
			CHECK_EQ(get16(e + 8), 0); /* conforming */
			overrides++;
			break;
		case 4:
			CHECK_EQ(e[1], 6);
			CHECK_EQ(e[2], 0xff); /* all processors */
			CHECK_EQ(get16(e + 3), 0);
			CHECK_EQ(e[5], 1); /* LINT1 */
			nmis++;
			break;
		default:
			CHECK(!"unexpected MADT entry type");
		}
	}
	CHECK(e == end); /* the entries fill the table exactly */
	CHECK_EQ(lapics, ncpus);
	CHECK_EQ(ioapics, 1);
	CHECK_EQ(overrides, 1);
	CHECK_EQ(nmis, 1);
	CHECK_EQ(entries, ncpus + 3);
out:
	free(b.buf);
}

TEST(acpi_madt_one_and_eight_cpus)
{
	check_madt(1);
	check_madt(8);
	check_madt(ACPI_MAX_CPUS);
}

/* The GSI the MADT gives IRQ 0 is the IOAPIC pin the MP table gives it:
 * an OS reading either table programs the pin the PIT really drives. */
TEST(acpi_irq0_agrees_with_the_mptable)
{
	size_t size = mptable_size(2);
	uint8_t *mp = malloc(size);
	int pin = -1;

	CHECK_EQ(mptable_build(mp, size, MPTABLE_ADDR, 2), size);
	for (const uint8_t *e = mp + 16 + 44 + 2 * 20; e < mp + size; e += 8)
		if (e[0] == 3 && e[5] == 0) /* I/O interrupt, ISA IRQ 0 */
			pin = e[7];
	CHECK_EQ(pin, ACPI_IRQ0_GSI);
	free(mp);
}

TEST(acpi_fits_below_the_mptable)
{
	CHECK(acpi_size(ACPI_MAX_CPUS) <= MPTABLE_ADDR - ACPI_RSDP_ADDR);
	CHECK(acpi_size(ACPI_MAX_CPUS) <= 0xf0000 - 0xe0000);
	CHECK_EQ(ACPI_MAX_CPUS, MPTABLE_MAX_CPUS);
	CHECK_EQ(acpi_size(2) - acpi_size(1), 8); /* one LAPIC entry per CPU */
	CHECK(ACPI_TABLES_ADDR > ACPI_RSDP_ADDR);
}

TEST(acpi_refuses_bad_arguments)
{
	size_t size = acpi_size(ACPI_MAX_CPUS);
	uint8_t *buf = malloc(size);

	CHECK_EQ(acpi_size(0), 0);
	CHECK_EQ(acpi_size(ACPI_MAX_CPUS + 1), 0);
	CHECK_EQ(acpi_build(buf, size, 0), 0);
	CHECK_EQ(acpi_build(buf, size, -1), 0);
	CHECK_EQ(acpi_build(buf, size, ACPI_MAX_CPUS + 1), 0);
	CHECK_EQ(acpi_build(buf, acpi_size(2) - 1, 2), 0);
	CHECK_EQ(acpi_build(buf, acpi_size(2), 2), acpi_size(2));
	free(buf);
}

TEST(acpi_write_stays_in_guest_memory)
{
	uint8_t *ram = malloc(1u << 20);
	size_t size = acpi_size(ACPI_MAX_CPUS);
	struct vm vm;

	memset(ram, 0xcc, 1u << 20);
	memset(&vm, 0, sizeof(vm));
	vm.mem = ram;
	vm.mem_size = 1u << 20;
	CHECK(acpi_write(&vm, ACPI_MAX_CPUS) == 0);
	CHECK(memcmp(ram + ACPI_RSDP_ADDR, "RSD PTR ", 8) == 0);
	CHECK_EQ(ram[ACPI_RSDP_ADDR - 1], 0xcc); /* nothing before */
	CHECK_EQ(ram[ACPI_RSDP_ADDR + size], 0xcc); /* nor after */
	CHECK_EQ(ram[MPTABLE_ADDR], 0xcc);
	CHECK(acpi_write(&vm, 0) < 0);
	vm.mem_size = ACPI_RSDP_ADDR + size - 1; /* one byte short */
	CHECK(acpi_write(&vm, ACPI_MAX_CPUS) < 0);
	free(ram);
}
