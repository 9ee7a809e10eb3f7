/* The ACPI tables of acpi.h, built byte by byte (little-endian, packed, as
 * the spec lays them out) so that no struct padding can creep in. An OS
 * with ACPI looks here first: Linux and hobby kernels written for QEMU take
 * the CPUs and the IOAPIC from the MADT and the PM timer from the FADT, and
 * ignore the MP table when these exist.
 *
 * The choices, each for a reason:
 * - ACPI 2.0 shapes: RSDP revision 2 with an XSDT (Linux prefers it), FADT
 *   revision 3 (244 bytes: the ACPI 1.0 fields plus the 64-bit X_ ones),
 *   MADT revision 1, DSDT revision 2 (64-bit AML integers), FACS version 1.
 * - No SMI command port (SMI_CMD 0): the platform is always in ACPI mode,
 *   so the OS never tries the ACPI_ENABLE handshake.
 * - PM1a event block 0x600 (4 bytes) and control block 0x604 (2), where
 *   QEMU's PIIX4/ICH9 put them beside the PM timer at 0x608. The spec
 *   requires both outside hardware-reduced ACPI, so they cannot be 0; no
 *   device claims them, so reads see all ones (SCI_EN set: "already in ACPI
 *   mode") and writes are dropped. The status bits they show only matter
 *   inside an SCI handler, and nothing ever raises the SCI.
 * - The PM timer at ACPI_PM_TIMER_PORT, 4 bytes, 24 bits (TMR_VAL_EXT
 *   clear), as src/dev/acpi_pm_timer.c implements it.
 * - No GPE blocks, no PM2, no reset register, no C2/C3 (latencies above the
 *   spec's limits), power and sleep buttons absent (control-method flags
 *   with no methods), no RTC wake status in PM1.
 * - IAPC_BOOT_ARCH: legacy devices and an 8042 (Linux skips probing the
 *   i8042 without that bit), no VGA. CENTURY: CMOS byte 0x32, which
 *   src/dev/rtc.c serves.
 * - OEM ID "MINKVM", OEM table ID "MINIKVM ", OEM revision 1; creator ID
 *   "MKVM" (this VMM, not an ASL compiler: the DSDT has no AML), creator
 *   revision 1. */
#include "acpi.h"

#include <string.h>

#include "../err.h"
#include "minikvm/abi.h"
#include "mptable.h"

#define OEM_ID "MINKVM"
#define OEM_TABLE_ID "MINIKVM "
#define OEM_REVISION 1
#define CREATOR_ID "MKVM"
#define CREATOR_REVISION 1

/* Sizes. */
#define RSDP_V1_SIZE 20 /* what the first checksum covers */
#define RSDP_SIZE 36
#define HDR_SIZE 36
#define NR_TABLES 2 /* FADT and MADT, in the RSDT and the XSDT */
#define RSDT_SIZE (HDR_SIZE + 4 * NR_TABLES)
#define XSDT_SIZE (HDR_SIZE + 8 * NR_TABLES)
#define FADT_SIZE 244
#define FACS_SIZE 64
#define DSDT_SIZE HDR_SIZE
#define MADT_FIXED_SIZE (HDR_SIZE + 8)
#define MADT_LAPIC_SIZE 8
#define MADT_IOAPIC_SIZE 12
#define MADT_ISO_SIZE 10
#define MADT_NMI_SIZE 6

/* Offsets of the tables from ACPI_TABLES_ADDR, each 16-byte aligned and
 * the FACS 64-byte aligned, as the spec requires of it. */
#define ALIGN_UP(x, a) (((x) + (a) - 1) / (a) * (a))
#define RSDT_OFF 0
#define XSDT_OFF ALIGN_UP(RSDT_OFF + RSDT_SIZE, 16)
#define FADT_OFF ALIGN_UP(XSDT_OFF + XSDT_SIZE, 16)
#define FACS_OFF ALIGN_UP(FADT_OFF + FADT_SIZE, 64)
#define DSDT_OFF ALIGN_UP(FACS_OFF + FACS_SIZE, 16)
#define MADT_OFF ALIGN_UP(DSDT_OFF + DSDT_SIZE, 16)
#define TABLES_OFF (ACPI_TABLES_ADDR - ACPI_RSDP_ADDR) /* in buf */

_Static_assert(ACPI_RSDP_ADDR % 16 == 0, "the OS scans 16-byte boundaries");
_Static_assert(ACPI_TABLES_ADDR % 64 == 0, "the FACS must be 64-byte aligned");
_Static_assert(ACPI_TABLES_ADDR >= ACPI_RSDP_ADDR + RSDP_SIZE, "RSDP overlap");

/* Revisions. */
#define RSDP_REVISION 2 /* ACPI 2.0+: XSDT address and extended checksum */
#define RSDT_REVISION 1
#define XSDT_REVISION 1
#define FADT_REVISION 3
#define MADT_REVISION 1
#define DSDT_REVISION 2
#define FACS_VERSION 1

/* FADT fields. */
#define PM1A_EVT_PORT 0x600
#define PM1_EVT_LEN 4
#define PM1A_CNT_PORT 0x604
#define PM1_CNT_LEN 2
#define PM_TMR_LEN 4
#define C2_LATENCY_NONE 0x0fff /* > 100 us: no C2 */
#define C3_LATENCY_NONE 0x0fff /* > 1000 us: no C3 */
#define RTC_CENTURY_INDEX 0x32
#define BOOT_LEGACY_DEVICES (1u << 0)
#define BOOT_8042 (1u << 1)
#define BOOT_NO_VGA (1u << 2)
#define F_WBINVD (1u << 0)
#define F_PROC_C1 (1u << 2)
#define F_PWR_BUTTON (1u << 4) /* set: no fixed-feature power button */
#define F_SLP_BUTTON (1u << 5)
#define F_FIX_RTC (1u << 6)	/* set: no RTC wake status in PM1 */
#define FADT_FLAGS (F_WBINVD | F_PROC_C1 | F_PWR_BUTTON | F_SLP_BUTTON | F_FIX_RTC)
#define GAS_SYSTEM_IO 1

/* MADT. */
#define MADT_PCAT_COMPAT 1u /* dual 8259s present as well */
#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_ISO 2
#define MADT_LAPIC_NMI 4
#define MADT_ENABLED 1u
#define ISO_CONFORMING 0 /* polarity and trigger as the ISA bus has them */
#define ALL_PROCESSORS 0xff
#define NMI_LINT 1 /* LINT1, as in the MP table */

/* A cursor over the bytes being written. */
struct acpi_writer {
	uint8_t *p;
};

static void put8(struct acpi_writer *w, uint8_t v)
{
	*w->p++ = v;
}

static void put16(struct acpi_writer *w, uint16_t v)
{
	put8(w, (uint8_t)v);
	put8(w, (uint8_t)(v >> 8));
}

static void put32(struct acpi_writer *w, uint32_t v)
{
	put16(w, (uint16_t)v);
	put16(w, (uint16_t)(v >> 16));
}

static void put64(struct acpi_writer *w, uint64_t v)
{
	put32(w, (uint32_t)v);
	put32(w, (uint32_t)(v >> 32));
}

static void put_bytes(struct acpi_writer *w, const char *s, size_t n)
{
	memcpy(w->p, s, n);
	w->p += n;
}

static void skip(struct acpi_writer *w, size_t n)
{
	w->p += n; /* buf was zeroed */
}

/* The value that makes the n bytes at p sum to zero. */
static uint8_t checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	return (uint8_t)-sum;
}

static size_t madt_size(int ncpus)
{
	return MADT_FIXED_SIZE + (size_t)ncpus * MADT_LAPIC_SIZE +
	       MADT_IOAPIC_SIZE + MADT_ISO_SIZE + MADT_NMI_SIZE;
}

size_t acpi_size(int ncpus)
{
	if (ncpus < 1 || ncpus > ACPI_MAX_CPUS)
		return 0;
	return TABLES_OFF + MADT_OFF + madt_size(ncpus);
}

/* The common header; the checksum (byte 9) is filled in by finish(). */
static struct acpi_writer put_header(uint8_t *table, const char *sig,
				     size_t len, uint8_t revision)
{
	struct acpi_writer w = { table };

	put_bytes(&w, sig, 4);
	put32(&w, (uint32_t)len);
	put8(&w, revision);
	put8(&w, 0);
	put_bytes(&w, OEM_ID, 6);
	put_bytes(&w, OEM_TABLE_ID, 8);
	put32(&w, OEM_REVISION);
	put_bytes(&w, CREATOR_ID, 4);
	put32(&w, CREATOR_REVISION);
	return w;
}

static void finish(uint8_t *table, size_t len)
{
	table[9] = checksum(table, len);
}

static uint32_t addr_of(size_t off)
{
	return ACPI_TABLES_ADDR + (uint32_t)off;
}

static void put_rsdp(uint8_t *p)
{
	struct acpi_writer w = { p };

	put_bytes(&w, "RSD PTR ", 8);
	put8(&w, 0); /* checksum, below */
	put_bytes(&w, OEM_ID, 6);
	put8(&w, RSDP_REVISION);
	put32(&w, addr_of(RSDT_OFF));
	put32(&w, RSDP_SIZE);
	put64(&w, addr_of(XSDT_OFF));
	put8(&w, 0); /* extended checksum, below; then 3 reserved bytes */
	p[8] = checksum(p, RSDP_V1_SIZE);
	p[32] = checksum(p, RSDP_SIZE);
}

static void put_rsdt_xsdt(uint8_t *t)
{
	const size_t entries[NR_TABLES] = { FADT_OFF, MADT_OFF };
	struct acpi_writer w;

	w = put_header(t + RSDT_OFF, "RSDT", RSDT_SIZE, RSDT_REVISION);
	for (int i = 0; i < NR_TABLES; i++)
		put32(&w, addr_of(entries[i]));
	finish(t + RSDT_OFF, RSDT_SIZE);

	w = put_header(t + XSDT_OFF, "XSDT", XSDT_SIZE, XSDT_REVISION);
	for (int i = 0; i < NR_TABLES; i++)
		put64(&w, addr_of(entries[i]));
	finish(t + XSDT_OFF, XSDT_SIZE);
}

/* A Generic Address Structure for an I/O port block of len bytes; the
 * width must be len * 8, or Linux warns of a 32/64X length mismatch. */
static void put_gas_io(struct acpi_writer *w, uint16_t port, uint8_t len)
{
	put8(w, GAS_SYSTEM_IO);
	put8(w, (uint8_t)(len * 8));
	put8(w, 0); /* bit offset */
	put8(w, 0); /* access size: as the width says (ACPI 2.0: reserved) */
	put64(w, port);
}

static void skip_gas(struct acpi_writer *w)
{
	skip(w, 12);
}

static void put_fadt(uint8_t *t)
{
	uint8_t *fadt = t + FADT_OFF;
	struct acpi_writer w = put_header(fadt, "FACP", FADT_SIZE, FADT_REVISION);

	put32(&w, addr_of(FACS_OFF)); /* FIRMWARE_CTRL */
	put32(&w, addr_of(DSDT_OFF)); /* DSDT */
	put8(&w, 0);		      /* reserved (ACPI 1.0 INT_MODEL) */
	put8(&w, 0);		      /* preferred PM profile: unspecified */
	put16(&w, ACPI_SCI_IRQ);
	put32(&w, 0);		      /* SMI_CMD: none, always in ACPI mode */
	put8(&w, 0);		      /* ACPI_ENABLE */
	put8(&w, 0);		      /* ACPI_DISABLE */
	put8(&w, 0);		      /* S4BIOS_REQ */
	put8(&w, 0);		      /* PSTATE_CNT */
	put32(&w, PM1A_EVT_PORT);
	put32(&w, 0);		      /* PM1b_EVT_BLK */
	put32(&w, PM1A_CNT_PORT);
	put32(&w, 0);		      /* PM1b_CNT_BLK */
	put32(&w, 0);		      /* PM2_CNT_BLK */
	put32(&w, ACPI_PM_TIMER_PORT);
	put32(&w, 0);		      /* GPE0_BLK */
	put32(&w, 0);		      /* GPE1_BLK */
	put8(&w, PM1_EVT_LEN);
	put8(&w, PM1_CNT_LEN);
	put8(&w, 0);		      /* PM2_CNT_LEN */
	put8(&w, PM_TMR_LEN);
	put8(&w, 0);		      /* GPE0_BLK_LEN */
	put8(&w, 0);		      /* GPE1_BLK_LEN */
	put8(&w, 0);		      /* GPE1_BASE */
	put8(&w, 0);		      /* CST_CNT */
	put16(&w, C2_LATENCY_NONE);
	put16(&w, C3_LATENCY_NONE);
	put16(&w, 0);		      /* FLUSH_SIZE: WBINVD works */
	put16(&w, 0);		      /* FLUSH_STRIDE */
	put8(&w, 0);		      /* DUTY_OFFSET */
	put8(&w, 0);		      /* DUTY_WIDTH */
	put8(&w, 0);		      /* DAY_ALRM: none */
	put8(&w, 0);		      /* MON_ALRM: none */
	put8(&w, RTC_CENTURY_INDEX);
	put16(&w, BOOT_LEGACY_DEVICES | BOOT_8042 | BOOT_NO_VGA);
	put8(&w, 0);		      /* reserved */
	put32(&w, FADT_FLAGS);
	skip_gas(&w);		      /* RESET_REG: none */
	put8(&w, 0);		      /* RESET_VALUE */
	skip(&w, 3);		      /* reserved in ACPI 2.0 */
	put64(&w, 0);		      /* X_FIRMWARE_CTRL: 0, FIRMWARE_CTRL is set */
	put64(&w, addr_of(DSDT_OFF)); /* X_DSDT, the same DSDT */
	put_gas_io(&w, PM1A_EVT_PORT, PM1_EVT_LEN);
	skip_gas(&w);		      /* X_PM1b_EVT_BLK */
	put_gas_io(&w, PM1A_CNT_PORT, PM1_CNT_LEN);
	skip_gas(&w);		      /* X_PM1b_CNT_BLK */
	skip_gas(&w);		      /* X_PM2_CNT_BLK */
	put_gas_io(&w, ACPI_PM_TIMER_PORT, PM_TMR_LEN);
	skip_gas(&w);		      /* X_GPE0_BLK */
	skip_gas(&w);		      /* X_GPE1_BLK */
	finish(fadt, FADT_SIZE);
}

/* The FACS has no checksum; the OS owns everything after the header. */
static void put_facs(uint8_t *t)
{
	struct acpi_writer w = { t + FACS_OFF };

	put_bytes(&w, "FACS", 4);
	put32(&w, FACS_SIZE);
	put32(&w, 0); /* hardware signature */
	put32(&w, 0); /* firmware waking vector: no S3 */
	put32(&w, 0); /* global lock */
	put32(&w, 0); /* flags: no S4BIOS, no 64-bit wake */
	put64(&w, 0); /* X_FIRMWARE_WAKING_VECTOR */
	put8(&w, FACS_VERSION);
}

/* A definition block with no AML: no devices, no sleep states. */
static void put_dsdt(uint8_t *t)
{
	put_header(t + DSDT_OFF, "DSDT", DSDT_SIZE, DSDT_REVISION);
	finish(t + DSDT_OFF, DSDT_SIZE);
}

static void put_madt(uint8_t *t, int ncpus)
{
	uint8_t *madt = t + MADT_OFF;
	size_t len = madt_size(ncpus);
	struct acpi_writer w = put_header(madt, "APIC", len, MADT_REVISION);

	put32(&w, MPTABLE_LAPIC_ADDR);
	put32(&w, MADT_PCAT_COMPAT);
	/* APIC ID = vCPU index, as KVM sets it; the UID is the same. */
	for (int i = 0; i < ncpus; i++) {
		put8(&w, MADT_LAPIC);
		put8(&w, MADT_LAPIC_SIZE);
		put8(&w, (uint8_t)i);
		put8(&w, (uint8_t)i);
		put32(&w, MADT_ENABLED);
	}
	/* The IOAPIC's ID follows the CPUs' APIC IDs, as in the MP table. */
	put8(&w, MADT_IOAPIC);
	put8(&w, MADT_IOAPIC_SIZE);
	put8(&w, (uint8_t)ncpus);
	put8(&w, 0);
	put32(&w, MPTABLE_IOAPIC_ADDR);
	put32(&w, 0); /* GSI base */
	/* ISA IRQ 0, the PIT, on ACPI_IRQ0_GSI (see acpi.h); the other ISA
	 * IRQs need no entry: IRQ n is GSI n, edge, active high. */
	put8(&w, MADT_ISO);
	put8(&w, MADT_ISO_SIZE);
	put8(&w, 0); /* bus: ISA */
	put8(&w, 0); /* source: IRQ 0 */
	put32(&w, ACPI_IRQ0_GSI);
	put16(&w, ISO_CONFORMING);
	/* NMI on every LAPIC's LINT1, as the MP table also says. */
	put8(&w, MADT_LAPIC_NMI);
	put8(&w, MADT_NMI_SIZE);
	put8(&w, ALL_PROCESSORS);
	put16(&w, 0); /* flags: conforming */
	put8(&w, NMI_LINT);
	finish(madt, len);
}

size_t acpi_build(uint8_t *buf, size_t size, int ncpus)
{
	size_t total = acpi_size(ncpus);
	uint8_t *tables = buf + TABLES_OFF;

	if (total == 0 || size < total)
		return 0;
	memset(buf, 0, total);
	put_rsdp(buf);
	put_rsdt_xsdt(tables);
	put_fadt(tables);
	put_facs(tables);
	put_dsdt(tables);
	put_madt(tables, ncpus);
	return total;
}

int acpi_write(struct vm *vm, int ncpus)
{
	size_t size = acpi_size(ncpus);
	uint8_t *dst = size ? vm_guest_ptr(vm, ACPI_RSDP_ADDR, size) : NULL;

	if (!dst || acpi_build(dst, size, ncpus) == 0)
		return throw_err(-1, "cannot write the ACPI tables for %d CPUs", ncpus);
	return 0;
}
