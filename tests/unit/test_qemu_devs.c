/* The QEMU devices test kernels look for: pc-testdev, the Bochs shutdown
 * port and the ACPI PM timer, driven as the vCPU loop drives them. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "../../src/dev/acpi_pm_timer.h"
#include "../../src/dev/pc_testdev.h"
#include "../../src/dev/shutdown_port.h"
#include "../../src/vcpu.h"
#include "harness.h"

static uint32_t pio_in(struct pc_testdev *t, uint16_t port, uint32_t len)
{
	uint32_t v = 0;

	pc_testdev_pio(t, port, &v, len, false);
	return v;
}

static void pio_out(struct pc_testdev *t, uint16_t port, uint32_t v,
		    uint32_t len)
{
	pc_testdev_pio(t, port, &v, len, true);
}

TEST(pc_testdev_scratch_register_widths)
{
	struct pc_testdev t;

	CHECK(pc_testdev_init(&t, NULL) == 0);
	CHECK_EQ(pio_in(&t, PC_TESTDEV_SCRATCH_PORT, 4), 0);
	pio_out(&t, PC_TESTDEV_SCRATCH_PORT, 0x12345678, 4);
	CHECK_EQ(pio_in(&t, PC_TESTDEV_SCRATCH_PORT, 4), 0x12345678);
	CHECK_EQ(pio_in(&t, PC_TESTDEV_SCRATCH_PORT, 2), 0x5678);
	CHECK_EQ(pio_in(&t, PC_TESTDEV_SCRATCH_PORT, 1), 0x78);
	/* Narrow accesses reach their own byte lanes only, as in QEMU. */
	CHECK_EQ(pio_in(&t, PC_TESTDEV_SCRATCH_PORT + 1, 1), 0x56);
	CHECK_EQ(pio_in(&t, PC_TESTDEV_SCRATCH_PORT + 2, 2), 0x1234);
	pio_out(&t, PC_TESTDEV_SCRATCH_PORT, 0xff, 1);
	CHECK_EQ(pio_in(&t, PC_TESTDEV_SCRATCH_PORT, 4), 0x123456ff);
	pio_out(&t, PC_TESTDEV_SCRATCH_PORT, 0xabcd, 2);
	CHECK_EQ(pio_in(&t, PC_TESTDEV_SCRATCH_PORT, 4), 0x1234abcd);
	pio_out(&t, PC_TESTDEV_SCRATCH_PORT + 3, 0x9a, 1);
	CHECK_EQ(pio_in(&t, PC_TESTDEV_SCRATCH_PORT, 4), 0x9a34abcd);
	/* A dword at 0xe2 keeps only the two bytes inside the register. */
	pio_out(&t, PC_TESTDEV_SCRATCH_PORT + 2, 0x55667788, 4);
	CHECK_EQ(pio_in(&t, PC_TESTDEV_SCRATCH_PORT, 4), 0x7788abcd);
	CHECK_EQ(pio_in(&t, PC_TESTDEV_SCRATCH_PORT + 2, 4), 0x7788);
	pc_testdev_free(&t);
}

struct irq_log {
	int calls, irq, level;
};

static void record_irq(void *opaque, int irq, int level)
{
	struct irq_log *log = opaque;

	log->calls++;
	log->irq = irq;
	log->level = level;
}

TEST(pc_testdev_drives_irq_lines)
{
	struct pc_testdev t;
	struct irq_log log = { 0, -1, -1 };

	CHECK(pc_testdev_init(&t, NULL) == 0);
	CHECK(t.set_irq == NULL);
	pio_out(&t, PC_TESTDEV_IRQ_PORT + 4, 1, 1); /* no callback: recorded */
	CHECK_EQ(pio_in(&t, PC_TESTDEV_IRQ_PORT + 4, 1), 1);
	t.set_irq = record_irq;
	t.irq_opaque = &log;
	pio_out(&t, PC_TESTDEV_IRQ_PORT + 10, 0x80, 1);
	CHECK_EQ(log.calls, 1);
	CHECK_EQ(log.irq, 10);
	CHECK_EQ(log.level, 1);
	CHECK_EQ(pio_in(&t, PC_TESTDEV_IRQ_PORT + 10, 1), 1);
	CHECK_EQ(pio_in(&t, PC_TESTDEV_IRQ_PORT + 11, 1), 0);
	pio_out(&t, PC_TESTDEV_IRQ_PORT + 10, 0, 1);
	CHECK_EQ(log.calls, 2);
	CHECK_EQ(log.level, 0);
	CHECK_EQ(pio_in(&t, PC_TESTDEV_IRQ_PORT + 10, 1), 0);
	pio_out(&t, PC_TESTDEV_IRQ_PORT + PC_TESTDEV_IRQ_PORTS - 1, 2, 1);
	CHECK_EQ(log.irq, PC_TESTDEV_IRQ_PORTS - 1);
	CHECK_EQ(log.level, 1);
	pio_out(&t, PC_TESTDEV_IRQ_PORT + PC_TESTDEV_IRQ_PORTS, 1, 1);
	CHECK_EQ(log.calls, 3); /* past the last line: not a line */
	pc_testdev_free(&t);
}

static uint64_t mmio_read(struct pc_testdev *t, uint64_t off, uint32_t len)
{
	uint64_t v = 0;

	pc_testdev_mmio(t, off, &v, len, false);
	return v;
}

static void mmio_write(struct pc_testdev *t, uint64_t off, uint64_t v,
		       uint32_t len)
{
	pc_testdev_mmio(t, off, &v, len, true);
}

TEST(pc_testdev_mmio_is_ram_like)
{
	struct pc_testdev t;
	const uint64_t last = PC_TESTDEV_MMIO_SIZE;

	CHECK(pc_testdev_init(&t, NULL) == 0);
	CHECK_EQ(mmio_read(&t, 0, 8), 0);
	CHECK_EQ(mmio_read(&t, last - 8, 8), 0);
	mmio_write(&t, 0, 0x1122334455667788ull, 8);
	CHECK_EQ(mmio_read(&t, 0, 8), 0x1122334455667788ull);
	CHECK_EQ(mmio_read(&t, 0, 4), 0x55667788);
	CHECK_EQ(mmio_read(&t, 2, 2), 0x5566);
	CHECK_EQ(mmio_read(&t, 7, 1), 0x11);
	mmio_write(&t, 3, 0xaa, 1);
	CHECK_EQ(mmio_read(&t, 0, 8), 0x11223344aa667788ull);
	mmio_write(&t, 0x1235, 0xbeef, 2); /* unaligned */
	CHECK_EQ(mmio_read(&t, 0x1234, 4), 0x00beef00);
	mmio_write(&t, last - 4, 0xdeadbeef, 4);
	CHECK_EQ(mmio_read(&t, last - 4, 4), 0xdeadbeef);
	CHECK_EQ(mmio_read(&t, last - 1, 1), 0xde);
	mmio_write(&t, last - 8, 0x0102030405060708ull, 8);
	CHECK_EQ(mmio_read(&t, last - 8, 8), 0x0102030405060708ull);
	CHECK_EQ(mmio_read(&t, last - 2, 2), 0x0102);
	pc_testdev_free(&t);
}

TEST(pc_testdev_out_of_range_is_harmless)
{
	struct pc_testdev t;
	const uint64_t last = PC_TESTDEV_MMIO_SIZE;

	CHECK(pc_testdev_init(&t, NULL) == 0);
	mmio_write(&t, last - 2, 0xffff, 2);
	mmio_write(&t, last - 2, 0x44332211, 4); /* overhangs: 2 bytes kept */
	CHECK_EQ(mmio_read(&t, last - 2, 2), 0x2211);
	CHECK_EQ(mmio_read(&t, last - 2, 4), 0x2211); /* the rest reads 0 */
	mmio_write(&t, last, 0x55, 1);
	mmio_write(&t, UINT64_MAX, 0x55, 8);
	CHECK_EQ(mmio_read(&t, last, 4), 0xffffffff);
	CHECK_EQ(mmio_read(&t, UINT64_MAX, 8), UINT64_MAX);
	pio_out(&t, 0x80, 1, 1); /* not the device's */
	CHECK_EQ(pio_in(&t, 0x80, 2), 0xffff);
	CHECK_EQ(pio_in(&t, PC_TESTDEV_FLUSH_PORT, 4), 0xffffffff);
	pio_out(&t, PC_TESTDEV_FLUSH_PORT, 0, 4); /* no VM: ignored */
	pc_testdev_free(&t);
	pc_testdev_free(&t); /* twice is harmless */
}

/* The permissions /proc/self/maps gives the mapping holding p ("rw-p"). */
static void perms_of(const void *p, char out[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi, a = (unsigned long)p;
	char line[512];

	strcpy(out, "????");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, out) == 3 &&
		    a >= lo && a < hi)
			break;
		else
			strcpy(out, "????");
	if (f)
		fclose(f);
}

#define FLUSH_PAGES 16

TEST(pc_testdev_flush_page_keeps_ram)
{
	const size_t page = PC_TESTDEV_PAGE_SIZE;
	/* One page more than the VM's RAM, inaccessible: a guard that must
	 * stay so when the guest names an address past its RAM. */
	uint8_t *ram = mmap(NULL, (FLUSH_PAGES + 1) * page,
			    PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct vm vm;
	struct pc_testdev t;
	char perms[5];

	CHECK(ram != MAP_FAILED);
	if (ram == MAP_FAILED)
		return;
	CHECK(mprotect(ram + FLUSH_PAGES * page, page, PROT_NONE) == 0);
	memset(&vm, 0, sizeof(vm));
	vm.mem = ram;
	vm.mem_size = FLUSH_PAGES * page;
	CHECK(pc_testdev_init(&t, &vm) == 0);
	t.set_irq = NULL; /* no KVM behind this VM */
	memset(ram + 3 * page, 0x5a, page);
	pio_out(&t, PC_TESTDEV_FLUSH_PORT, (uint32_t)(3 * page + 0x123), 4);
	CHECK_EQ(ram[3 * page], 0x5a);
	CHECK_EQ(ram[4 * page - 1], 0x5a);
	ram[3 * page + 7] = 0xa5; /* still writable */
	CHECK_EQ(ram[3 * page + 7], 0xa5);
	perms_of(ram + 3 * page, perms);
	CHECK(strcmp(perms, "rw-p") == 0);
	pio_out(&t, PC_TESTDEV_FLUSH_PORT, (uint32_t)(FLUSH_PAGES * page), 4);
	pio_out(&t, PC_TESTDEV_FLUSH_PORT, 0xfffff000, 4);
	perms_of(ram + FLUSH_PAGES * page, perms);
	CHECK(strcmp(perms, "---p") == 0); /* past RAM: ignored */
	pio_out(&t, PC_TESTDEV_FLUSH_PORT, (uint32_t)((FLUSH_PAGES - 1) * page), 4);
	ram[vm.mem_size - 1] = 1; /* the last page too */
	CHECK_EQ(ram[vm.mem_size - 1], 1);
	pc_testdev_free(&t);
	munmap(ram, (FLUSH_PAGES + 1) * page);
}

TEST(pc_testdev_registers_its_ranges)
{
	struct pc_testdev t;
	struct bus pio, mmio;
	uint32_t v = 0xcafef00d;
	uint64_t q = 0x0123456789abcdefull;

	bus_init(&pio);
	bus_init(&mmio);
	CHECK(pc_testdev_init(&t, NULL) == 0);
	CHECK(pc_testdev_register(&t, &pio, &mmio) == 0);
	CHECK(bus_access(&pio, NULL, PC_TESTDEV_SCRATCH_PORT, &v, 4, true));
	v = 0;
	CHECK(bus_access(&pio, NULL, PC_TESTDEV_SCRATCH_PORT + 2, &v, 2, false));
	CHECK_EQ(v, 0xcafe);
	CHECK(bus_find(&pio, PC_TESTDEV_FLUSH_PORT + 3) != NULL);
	CHECK(bus_find(&pio, PC_TESTDEV_IRQ_PORT + PC_TESTDEV_IRQ_PORTS - 1));
	CHECK(!bus_find(&pio, PC_TESTDEV_IRQ_PORT + PC_TESTDEV_IRQ_PORTS));
	CHECK(bus_access(&mmio, NULL, PC_TESTDEV_MMIO_ADDR + 0xfff8, &q, 8, true));
	CHECK_EQ(mmio_read(&t, 0xfff8, 8), 0x0123456789abcdefull);
	CHECK(!bus_find(&mmio, PC_TESTDEV_MMIO_ADDR + PC_TESTDEV_MMIO_SIZE));
	pc_testdev_free(&t);
}

static bool feed_string(struct shutdown_port *s, const char *str)
{
	bool done = false;

	for (; *str; str++)
		done = shutdown_port_feed(s, (uint8_t)*str);
	return done;
}

TEST(shutdown_port_matches_the_sequence)
{
	struct shutdown_port s;

	shutdown_port_init(&s);
	CHECK(!feed_string(&s, "Shutdow"));
	CHECK(shutdown_port_feed(&s, 'n'));
	CHECK(feed_string(&s, "Shutdown")); /* and again */
	CHECK(!feed_string(&s, "ShutXdown")); /* interrupted */
	CHECK(!shutdown_port_feed(&s, 'n'));
	CHECK(feed_string(&s, "ShutSShutdown")); /* 'S' restarts it */
	CHECK(feed_string(&s, "ShutdoShutdown"));
	CHECK(!feed_string(&s, "shutdown")); /* case matters */
	CHECK(!feed_string(&s, "Shutdown\n"));
}

TEST(shutdown_port_ends_the_run)
{
	struct shutdown_port s;
	struct vcpu vcpu;
	struct bus pio;
	uint16_t wide = 0x0153; /* 'S' with a high byte: not 'S' */
	uint8_t b = 0;

	memset(&vcpu, 0, sizeof(vcpu));
	bus_init(&pio);
	shutdown_port_init(&s);
	CHECK(shutdown_port_register(&s, &pio) == 0);
	CHECK(bus_access(&pio, &vcpu, BOCHS_SHUTDOWN_PORT, &b, 1, false));
	CHECK_EQ(b, 0xff);
	for (const char *p = "Shutdow"; *p; p++)
		bus_access(&pio, &vcpu, BOCHS_SHUTDOWN_PORT, (void *)p, 1, true);
	bus_access(&pio, &vcpu, BOCHS_SHUTDOWN_PORT, &wide, 2, true);
	CHECK(!vcpu.stopped);
	for (const char *p = "Shutdown"; *p; p++) {
		CHECK(!vcpu.stopped);
		bus_access(&pio, &vcpu, BOCHS_SHUTDOWN_PORT, (void *)p, 1, true);
	}
	CHECK(vcpu.stopped);
	CHECK_EQ(vcpu.status, STATUS_OK);
	CHECK(strcmp(vcpu.outcome, "shutdown") == 0);
}

static uint64_t fake_ns;

static uint64_t fake_clock(void)
{
	return fake_ns;
}

TEST(acpi_pm_timer_counts_at_3579545_hz)
{
	struct acpi_pm_timer t;

	fake_ns = 5000000000ull;
	t.now_ns = fake_clock;
	t.start_ns = fake_ns;
	CHECK_EQ(acpi_pm_timer_read(&t), 0);
	fake_ns += 1000000000ull; /* 1 s: 3579545 < 2^24 */
	CHECK_EQ(acpi_pm_timer_read(&t), 3579545);
	fake_ns = t.start_ns + 1000; /* 1 us: 3.58 ticks, rounded down */
	CHECK_EQ(acpi_pm_timer_read(&t), 3);
	fake_ns = t.start_ns + 5000000000ull; /* 17897725 wraps past 2^24 */
	CHECK_EQ(acpi_pm_timer_read(&t), 17897725 - (1u << 24));
	/* Just before and at the first wrap: 2^24 ticks = 4.686968875 s. */
	fake_ns = t.start_ns + 4686968874ull;
	CHECK_EQ(acpi_pm_timer_read(&t), 0xffffff);
	fake_ns = t.start_ns + 4686968875ull;
	CHECK_EQ(acpi_pm_timer_read(&t), 0);
	/* A year on: no overflow, and bits 31-24 stay clear. */
	fake_ns = t.start_ns + 31536000ull * 1000000000ull + 1000000000ull;
	CHECK_EQ(acpi_pm_timer_read(&t),
		 (31536001ull * 3579545ull) & 0xffffff);
	fake_ns = t.start_ns - 1; /* a clock that went back reads 0 */
	CHECK_EQ(acpi_pm_timer_read(&t), 0);
}

TEST(acpi_pm_timer_port_reads_low_bytes)
{
	struct acpi_pm_timer t;
	struct bus pio;
	uint32_t v = 0xdeadbeef;

	bus_init(&pio);
	acpi_pm_timer_init(&t);
	CHECK(acpi_pm_timer_read(&t) < (1u << 24)); /* the real clock */
	t.now_ns = fake_clock;
	t.start_ns = 0;
	fake_ns = 4000000000ull; /* 14318180 = 0xda7a64 */
	CHECK(acpi_pm_timer_register(&t, &pio) == 0);
	CHECK(bus_access(&pio, NULL, ACPI_PM_TIMER_PORT, &v, 4, false));
	CHECK_EQ(v, 0xda7a64);
	v = 0xffffffff;
	bus_access(&pio, NULL, ACPI_PM_TIMER_PORT, &v, 2, false);
	CHECK_EQ(v, 0xffff7a64);
	v = 0xffffffff;
	bus_access(&pio, NULL, ACPI_PM_TIMER_PORT, &v, 1, false);
	CHECK_EQ(v, 0xffffff64);
	v = 0;
	bus_access(&pio, NULL, ACPI_PM_TIMER_PORT + 2, &v, 1, false);
	CHECK_EQ(v, 0xda);
	v = 0x12345678;
	bus_access(&pio, NULL, ACPI_PM_TIMER_PORT, &v, 4, true); /* ignored */
	v = 0;
	bus_access(&pio, NULL, ACPI_PM_TIMER_PORT, &v, 4, false);
	CHECK_EQ(v, 0xda7a64);
}
