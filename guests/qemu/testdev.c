/* testdev: QEMU's pc-testdev (-device pc-testdev), one line per check:
 *  - scratch: the 32-bit register at port 0xe0 (initially 0), written and
 *    read as a dword, then bytes and words at 0xe0-0xe3 as its
 *    little-endian parts;
 *  - flush: a page filled with a pattern, its address written to 0xe4
 *    (QEMU re-protects the page in the host), the pattern still there;
 *  - mmio: 64 KiB of RAM-like memory at 0xff000000 (initially zero),
 *    patterns written and read at 1, 2 and 4 bytes, the first and the last
 *    bytes included, and a dword read back as its bytes;
 *  - irq: ISA IRQ 10 routed through the IOAPIC (pin 10, edge, active
 *    high, fixed, to the BSP) to vector 0x4a, the 8259s masked, the local
 *    APIC enabled, an IDT; raising the line (port 0x2000 + 10 = 1) must
 *    run the handler once (bounded wait), lowering it (0) nothing, raising
 *    it again a second time.
 * Exit EXIT_PASS (status 33), or EXIT_FAIL after FAIL lines. */
#include "lib.h"

#define IRQ 10
#define VECTOR 0x4a
#define SCRATCH PC_TESTDEV_SCRATCH_PORT
#define MMIO PC_TESTDEV_MMIO_ADDR

static int fails;
static void check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "ok  " : "FAIL", what);
	if (!ok)
		fails++;
}

static volatile u32 irq_count;
static void on_irq(u32 vector)
{
	(void)vector;
	irq_count++;
	lapic_write(LAPIC_EOI, 0);
}

/* with interrupts on: the handler has run n times (bounded wait) */
static int wait_irqs(u32 n)
{
	u64 end = rdtsc() + (1ull << 32);	/* ~1 s or more */
	while (irq_count < n && rdtsc() < end)
		cpu_relax();
	delay_tsc(4);				/* and no more than n */
	return irq_count == n;
}

static u8 page[4096] __attribute__((aligned(4096)));

void kmain(void)
{
	/* scratch register */
	check(inl(SCRATCH) == 0, "scratch: initial value 0");
	outl(SCRATCH, 0x12345678);
	check(inl(SCRATCH) == 0x12345678, "scratch: dword write, dword read");
	check(inb(SCRATCH) == 0x78 && inb(SCRATCH + 1) == 0x56 && inb(SCRATCH + 2) == 0x34 &&
	      inb(SCRATCH + 3) == 0x12, "scratch: byte reads at 0xe0-0xe3 are its bytes");
	check(inw(SCRATCH) == 0x5678 && inw(SCRATCH + 2) == 0x1234, "scratch: word reads at 0xe0, 0xe2");
	outb(SCRATCH + 1, 0xab);
	check(inl(SCRATCH) == 0x1234ab78, "scratch: byte write at 0xe1 replaces that byte");
	outw(SCRATCH + 2, 0xcdef);
	check(inl(SCRATCH) == 0xcdefab78, "scratch: word write at 0xe2 replaces the high half");

	/* page flush */
	for (u32 i = 0; i < sizeof(page); i++)
		page[i] = (u8)(i * 7 + 3);
	outl(PC_TESTDEV_FLUSH_PORT, (u32)page);
	int same = 1;
	for (u32 i = 0; i < sizeof(page); i++)
		if (page[i] != (u8)(i * 7 + 3))
			same = 0;
	check(same, "flush: page content survives a flush of its address");

	/* MMIO */
	volatile u8 *m8 = (volatile u8 *)MMIO;
	volatile u16 *m16 = (volatile u16 *)MMIO;
	volatile u32 *m32 = (volatile u32 *)MMIO;
	u32 last = PC_TESTDEV_MMIO_SIZE;
	check(m32[0] == 0 && m32[last / 4 - 1] == 0 && m8[last / 2] == 0, "mmio: initially zero");
	m32[0] = 0xdeadbeef;
	m32[last / 4 - 1] = 0xcafef00d;
	check(m32[0] == 0xdeadbeef && m32[last / 4 - 1] == 0xcafef00d, "mmio: dwords at 0 and 0xfffc");
	check(m8[0] == 0xef && m8[1] == 0xbe && m8[2] == 0xad && m8[3] == 0xde && m8[last - 1] == 0xca,
	      "mmio: a dword read back as its bytes (little-endian), the last byte 0xffff");
	m16[1] = 0x1234;
	m16[last / 2 - 1] = 0x5678;
	check(m32[0] == 0x1234beef && m16[last / 2 - 1] == 0x5678 && m8[last - 2] == 0x78,
	      "mmio: words at 2 and 0xfffe");
	int ok = 1;
	for (u32 i = 0; i < 256; i++)
		m8[0x1000 + i] = (u8)(0xff - i);
	for (u32 i = 0; i < 256; i++)
		if (m8[0x1000 + i] != (u8)(0xff - i))
			ok = 0;
	m8[last - 1] = 0x5a;
	check(ok && m8[last - 1] == 0x5a && m32[last / 4 - 1] == 0x5a78f00d,
	      "mmio: 256 bytes at 0x1000, the byte at 0xffff");
	for (u32 i = 0; i < 1024; i++)
		m32[0x2000 / 4 + i] = i * 0x01010101u + 0x10203040u;
	ok = 1;
	for (u32 i = 0; i < 1024; i++)
		if (m32[0x2000 / 4 + i] != i * 0x01010101u + 0x10203040u)
			ok = 0;
	check(ok, "mmio: 4 KiB of dwords at 0x2000");

	/* IRQ line through the IOAPIC */
	pic_disable();
	idt_init();
	idt_set_handler(VECTOR, on_irq);
	lapic_enable();
	lapic_write(LAPIC_LVT_LINT0, 1u << 16);	/* masked: nothing from the 8259 */
	u32 bsp = cpu_apic_id();
	ioapic_write(0x10 + 2 * IRQ + 1, bsp << 24);
	ioapic_write(0x10 + 2 * IRQ, VECTOR);	/* fixed, physical, edge, active high, unmasked */
	check(ioapic_read(0x10 + 2 * IRQ) == VECTOR, "irq: IOAPIC redirection entry reads back");
	sti();
	delay_tsc(16);
	check(irq_count == 0, "irq: none before the line is raised");
	outb(PC_TESTDEV_IRQ_PORT + IRQ, 1);
	check(wait_irqs(1), "irq: raising ISA IRQ 10 runs the handler once");
	outb(PC_TESTDEV_IRQ_PORT + IRQ, 0);
	delay_tsc(16);
	check(irq_count == 1, "irq: lowering it runs nothing");
	outb(PC_TESTDEV_IRQ_PORT + IRQ, 1);
	check(wait_irqs(2), "irq: raising it again runs the handler again");
	outb(PC_TESTDEV_IRQ_PORT + IRQ, 0);
	cli();
	ioapic_write(0x10 + 2 * IRQ, 1u << 16);	/* masked again */

	printf("testdev: %s\n", fails ? "FAILED" : "all checks passed");
	debug_exit(fails ? EXIT_FAIL : EXIT_PASS);
}
