/* Fuzz target: the ACPI and MP table writers (acpi.c, mptable.c) for any
 * CPU count and any buffer size, the buffer malloc'd at exactly that size
 * so ASan sees a byte written past it. A build must refuse (return 0)
 * when the count is outside 1..64 or the buffer is smaller than the
 * tables; otherwise it returns their size, and what an OS reads back must
 * hold up: RSDP checksums, every table its RSDT and XSDT list inside the
 * buffer with a valid checksum, the FADT's DSDT and FACS, one MADT local
 * APIC per CPU; the MP floating pointer and configuration table
 * checksummed, one processor entry per CPU, CPU 0 the boot processor.
 *
 * Input: u8 CPU count, u16 buffer size, u32 MP table address, then
 * filler bytes the buffer starts with. */
#include <stdlib.h>
#include <string.h>

#include "../../src/boot/acpi.h"
#include "../../src/boot/le.h"
#include "../../src/boot/mptable.h"
#include "support.h"

/* The table at guest address addr, inside buf (which sits at base). */
static const uint8_t *table_at(const uint8_t *buf, size_t size, uint64_t base, uint64_t addr)
{
	FUZZ_CHECK(addr >= base && addr - base + 36 <= size);
	const uint8_t *t = buf + (addr - base);

	FUZZ_CHECK(rd32(t, 4) >= 36 && addr - base + rd32(t, 4) <= size);
	FUZZ_CHECK(fuzz_sum8(t, rd32(t, 4)) == 0);
	return t;
}

static void check_madt(const uint8_t *madt, int ncpus)
{
	uint32_t len = rd32(madt, 4), off = 44;
	int lapics = 0;

	while (off + 2 <= len) {
		FUZZ_CHECK(madt[off + 1] >= 2 && off + madt[off + 1] <= len);
		lapics += madt[off] == 0;
		off += madt[off + 1];
	}
	FUZZ_CHECK(off == len && lapics == ncpus);
}

static void check_acpi(const uint8_t *buf, size_t size, int ncpus)
{
	const uint8_t *rsdt, *xsdt, *fadt = NULL;

	FUZZ_CHECK(memcmp(buf, "RSD PTR ", 8) == 0 && fuzz_sum8(buf, 20) == 0);
	FUZZ_CHECK(rd32(buf, 20) == 36 && fuzz_sum8(buf, 36) == 0);
	rsdt = table_at(buf, size, ACPI_RSDP_ADDR, rd32(buf, 16));
	xsdt = table_at(buf, size, ACPI_RSDP_ADDR, rd64(buf, 24));
	FUZZ_CHECK(memcmp(rsdt, "RSDT", 4) == 0 && memcmp(xsdt, "XSDT", 4) == 0);
	FUZZ_CHECK((rd32(rsdt, 4) - 36) / 4 == (rd32(xsdt, 4) - 36) / 8);
	for (uint32_t off = 36; off < rd32(rsdt, 4); off += 4) {
		const uint8_t *t = table_at(buf, size, ACPI_RSDP_ADDR, rd32(rsdt, off));

		FUZZ_CHECK(rd64(xsdt, 36 + (off - 36) * 2) == rd32(rsdt, off));
		if (memcmp(t, "APIC", 4) == 0)
			check_madt(t, ncpus);
		if (memcmp(t, "FACP", 4) == 0)
			fadt = t;
	}
	FUZZ_CHECK(fadt);
	FUZZ_CHECK(memcmp(table_at(buf, size, ACPI_RSDP_ADDR, rd32(fadt, 40)), "DSDT", 4) == 0);
	uint32_t facs = rd32(fadt, 36);

	FUZZ_CHECK(facs % 64 == 0 && facs >= ACPI_RSDP_ADDR && facs - ACPI_RSDP_ADDR + 64 <= size);
	FUZZ_CHECK(memcmp(buf + (facs - ACPI_RSDP_ADDR), "FACS", 4) == 0);
}

static void check_mp(const uint8_t *buf, size_t size, uint32_t addr, int ncpus)
{
	uint32_t table = rd32(buf, 4);
	const uint8_t *mpc = buf + (table - addr);
	size_t off = 44;
	int cpus = 0;

	FUZZ_CHECK(memcmp(buf, "_MP_", 4) == 0 && fuzz_sum8(buf, 16) == 0);
	FUZZ_CHECK(table >= addr && table - addr + 44 <= size);
	FUZZ_CHECK(table - addr + rd16(mpc, 4) <= size && fuzz_sum8(mpc, rd16(mpc, 4)) == 0);
	for (unsigned n = rd16(mpc, 34); n > 0; n--) {
		FUZZ_CHECK(off < rd16(mpc, 4));
		if (mpc[off] == 0) {
			FUZZ_CHECK(mpc[off + 1] == cpus && ((mpc[off + 3] & 2) != 0) == (cpus == 0));
			cpus++;
		}
		off += mpc[off] == 0 ? 20 : 8;
	}
	FUZZ_CHECK(off == rd16(mpc, 4) && cpus == ncpus);
}

/* A buffer of exactly size bytes, filled with the input's leftovers. */
static uint8_t *filled(size_t size, struct fuzz_in *in)
{
	uint8_t *buf = malloc(size ? size : 1);
	size_t got;
	const uint8_t *p = fuzz_bytes(in, size, &got);

	if (buf) {
		memset(buf, 0xa5, size);
		memcpy(buf, p, got);
	}
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	int ncpus = (int8_t)fuzz_u8(&in);
	size_t len = fuzz_u16(&in);
	uint32_t addr = fuzz_u32(&in);
	bool valid = ncpus >= 1 && ncpus <= 64;
	uint8_t *buf = filled(len, &in);
	size_t n;

	if (!buf)
		return 0;
	n = acpi_build(buf, len, ncpus);
	FUZZ_CHECK(n == (valid && len >= acpi_size(ncpus) ? acpi_size(ncpus) : 0));
	if (n)
		check_acpi(buf, len, ncpus);
	n = mptable_build(buf, len, addr, ncpus);
	FUZZ_CHECK(n == (valid && len >= mptable_size(ncpus) ? mptable_size(ncpus) : 0));
	if (n && (uint64_t)addr + n <= UINT32_MAX)
		check_mp(buf, len, addr, ncpus);
	free(buf);
	return 0;
}
