/* acpi: the ACPI tables a kernel written for QEMU finds. The RSDP is
 * searched in 0xE0000-0xFFFFF on 16-byte boundaries ("RSD PTR ", checksum
 * of the first 20 bytes, and of all of it from revision 2); then the XSDT
 * where the RSDP has one (revision >= 2 and an address), else the RSDT;
 * every table's checksum; the FADT ("FACP"): its PM timer block and DSDT;
 * the MADT ("APIC"): the enabled local APICs and their IDs, the IOAPICs
 * (QEMU: one, ID 0, at 0xfec00000) and that the IOAPIC's ID register
 * agrees with the MADT.
 * QEMU and other VMMs have different table sets and places, so only facts
 * both should agree on are printed; "list" in the command line adds every
 * signature and address (not in golden output). Exit EXIT_PASS, or
 * EXIT_FAIL after FAIL lines. */
#include "lib.h"

struct sdt {
	char sig[4];
	u32 length;
	u8 revision, checksum;
	char oem[6], oem_table[8];
	u32 oem_rev, creator, creator_rev;
} __attribute__((packed));

static int fails;
static int list;

static u8 sum(const void *p, u32 n)
{
	const u8 *b = p;
	u8 s = 0;
	while (n--)
		s += *b++;
	return s;
}

static int table_ok(const struct sdt *t)
{
	return t->length >= sizeof(*t) && t->length < 0x100000 && sum(t, t->length) == 0;
}

static void fail(const char *what)
{
	printf("FAIL: %s\n", what);
	fails++;
}

static void madt(const struct sdt *t)
{
	const u8 *p = (const u8 *)t + 44, *end = (const u8 *)t + t->length;
	u32 lapic_addr = *(const u32 *)((const u8 *)t + 36);
	u32 nlapic = 0, nio = 0;
	printf("madt: local APIC address 0x%x\n", lapic_addr);
	printf("madt: enabled local APIC ids:");
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		if (p[0] == 0 && (*(const u32 *)(p + 4) & 1)) {
			printf(" %u", p[3]);
			nlapic++;
		}
		p += p[1];
	}
	printf("\nmadt: %u enabled local APICs\n", nlapic);
	for (p = (const u8 *)t + 44; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1])
		if (p[0] == 1) {
			u32 addr = *(const u32 *)(p + 4);
			/* The ID itself differs (QEMU: 0; kvm-vmm: the one after
			 * the CPUs'); that it agrees with the chip is the fact. */
			printf("madt: IOAPIC at 0x%x gsi base %u\n", addr,
			       *(const u32 *)(p + 8));
			if (addr == IOAPIC_BASE) {	/* its ID register, bits 24-27 */
				u32 reg = (ioapic_read(0) >> 24) & 0xf;
				printf("madt: IOAPIC id %s its ID register\n",
				       reg == p[2] ? "matches" : "DOES NOT MATCH");
				if (reg != p[2]) {
					printf("FAIL: IOAPIC ID register says %u\n", reg);
					fails++;
				}
			}
			nio++;
		}
	printf("madt: %u IOAPIC%s\n", nio, nio == 1 ? "" : "s");
	if (p != end)
		fail("MADT entries do not end at the table's end");
}

static void fadt(const struct sdt *t)
{
	const u8 *b = (const u8 *)t;
	u32 dsdt = t->length >= 44 ? *(const u32 *)(b + 40) : 0;
	u32 pm_tmr = t->length >= 80 ? *(const u32 *)(b + 76) : 0;
	u8 pm_len = t->length >= 92 ? b[91] : 0;
	printf("fadt: PM timer block 0x%x, length %u\n", pm_tmr, pm_len);
	if (!dsdt)
		fail("FADT has no DSDT");
	else if (!table_ok((const struct sdt *)dsdt) || memcmp((const char *)dsdt, "DSDT", 4))
		fail("DSDT signature or checksum");
	else
		printf("fadt: DSDT present, checksum ok\n");
	if (pm_tmr) {	/* the timer counts: it changes within ~2^30 TSC ticks */
		u32 a = inl((u16)pm_tmr) & 0xffffff, c = a;
		u64 end = rdtsc() + (1ull << 30);
		while (c == a && rdtsc() < end)
			c = inl((u16)pm_tmr) & 0xffffff;
		printf("fadt: PM timer %s\n", a != c ? "counts" : "DOES NOT COUNT");
		if (a == c)
			fails++;
	}
}

void kmain(void)
{
	list = has_arg("list");
	const u8 *rsdp = 0;
	for (u32 a = 0xe0000; a < 0x100000; a += 16)
		if (!memcmp((const void *)a, "RSD PTR ", 8) && sum((const void *)a, 20) == 0) {
			rsdp = (const u8 *)a;
			break;
		}
	if (!rsdp) {
		printf("FAIL: no RSDP in 0xE0000-0xFFFFF\n");
		debug_exit(EXIT_FAIL);
	}
	u8 rev = rsdp[15];
	if (rev >= 2 && sum(rsdp, *(const u32 *)(rsdp + 20)) != 0)
		fail("RSDP extended checksum");
	printf("rsdp: found, checksum ok\n");
	if (list)
		printf("rsdp at 0x%x revision %u\n", (u32)rsdp, rev);
	u32 xsdt = rev >= 2 ? *(const u32 *)(rsdp + 24) : 0;	/* below 4 GiB */
	if (rev >= 2 && *(const u32 *)(rsdp + 28))
		xsdt = 0;
	const struct sdt *root = (const struct sdt *)(xsdt ? xsdt : *(const u32 *)(rsdp + 16));
	u32 esize = xsdt ? 8 : 4;
	if (!table_ok(root) || memcmp(root->sig, xsdt ? "XSDT" : "RSDT", 4)) {
		printf("FAIL: %s signature or checksum\n", xsdt ? "XSDT" : "RSDT");
		debug_exit(EXIT_FAIL);
	}
	printf("root table: signature and checksum ok\n");
	u32 n = (root->length - sizeof(*root)) / esize;
	const u8 *ents = (const u8 *)(root + 1);
	const struct sdt *facp = 0, *apic = 0;
	int all_ok = 1;
	for (u32 i = 0; i < n; i++) {
		const struct sdt *t = (const struct sdt *)*(const u32 *)(ents + i * esize);
		if (list)
			printf("table %u: %c%c%c%c at 0x%x length %u\n", i, t->sig[0], t->sig[1],
			       t->sig[2], t->sig[3], (u32)t, t->length);
		if (!table_ok(t)) {
			printf("FAIL: table %u checksum\n", i);
			all_ok = 0;
			fails++;
			continue;
		}
		if (!memcmp(t->sig, "FACP", 4) && !facp)
			facp = t;
		if (!memcmp(t->sig, "APIC", 4) && !apic)
			apic = t;
	}
	if (all_ok)
		printf("tables: every checksum ok\n");
	if (facp) {
		printf("FACP: found\n");
		fadt(facp);
	} else
		fail("no FACP");
	if (apic) {
		printf("APIC (MADT): found\n");
		madt(apic);
	} else
		fail("no MADT");
	debug_exit(fails ? EXIT_FAIL : EXIT_PASS);
}
