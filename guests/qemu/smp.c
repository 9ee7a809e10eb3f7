/* smp: the CPU count from fw_cfg (item NB_CPUS, after checking the
 * signature), then every AP started through the BSP's local APIC:
 * INIT, STARTUP, STARTUP to each APIC ID 1..N-1, with the real-mode
 * trampoline (trampoline.S) at 0x7000. Each AP reads its APIC ID from
 * CPUID leaf 1 and, under a spinlock, marks itself up and counts itself;
 * the BSP waits (bounded: ~2^34 TSC ticks, several seconds, then a FAIL
 * line), then prints "cpu N up" for each APIC ID that came up, in order,
 * so the output does not depend on the APs' timing, and the count. Exit
 * value: the number of CPUs up (status 2N+1); a failure exits with value 0
 * (status 1) after its FAIL line. The trampoline page 0x7000 is below the
 * 0x9000-0x9FFF a loader's multiboot information may use, and not page 0. */
#include "lib.h"

#define TRAMP_ADDR 0x7000
#define MAX_CPUS 64		/* AP_MAX_ID + 1, the stacks in ap_stacks */

extern char tramp_start[], tramp_end[];
u8 ap_stacks[MAX_CPUS * 4096] __attribute__((aligned(4096)));
static volatile u32 lock;
static volatile u32 up_count;
static volatile u8 up[MAX_CPUS];
static volatile u32 bad_ids;

static void spin_lock(volatile u32 *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		while (*l)
			cpu_relax();
}

static void spin_unlock(volatile u32 *l) { __atomic_store_n(l, 0, __ATOMIC_RELEASE); }

void ap_main(u32 id);
void ap_main(u32 id)
{
	u32 real = cpu_apic_id();
	spin_lock(&lock);
	if (real >= MAX_CPUS || up[real])
		bad_ids++;
	else
		up[real] = 1;
	up_count++;
	spin_unlock(&lock);
	(void)id;
	for (;;)
		__asm__ volatile("cli; hlt");
}

static int icr_wait(void)
{
	for (u32 i = 0; i < 1000000; i++)
		if (!(lapic_read(LAPIC_ICR_LO) & (1u << 12)))	/* delivery status: idle */
			return 1;
	return 0;
}

static int send_ipi(u32 apic_id, u32 lo)
{
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, lo);
	return icr_wait();
}

void kmain(void)
{
	if (!fw_cfg_check_signature())
		debug_exit(0);
	u32 n = fw_cfg_u16(FW_CFG_NB_CPUS);
	u32 bsp = cpu_apic_id();
	printf("smp: fw_cfg NB_CPUS %u, bsp apic id %u\n", n, bsp);
	if (n < 1 || n > MAX_CPUS) {
		printf("FAIL: NB_CPUS %u out of range\n", n);
		debug_exit(0);
	}
	up[bsp] = 1;
	memcpy((void *)TRAMP_ADDR, tramp_start, (size_t)(tramp_end - tramp_start));
	lapic_enable();
	for (u32 id = 0; id < n; id++) {
		if (id == bsp)
			continue;
		int ok = send_ipi(id, 0x00004500);	/* INIT, level assert */
		delay_tsc(10);				/* ~10M ticks: a few ms */
		ok &= send_ipi(id, 0x00004600 | (TRAMP_ADDR >> 12));	/* STARTUP */
		delay_tsc(1);
		ok &= send_ipi(id, 0x00004600 | (TRAMP_ADDR >> 12));
		if (!ok)
			printf("FAIL: IPI to apic id %u not delivered\n", id);
	}
	u64 end = rdtsc() + (1ull << 34);
	while (up_count < n - 1 && rdtsc() < end)
		cpu_relax();
	barrier();
	u32 count = 1 + up_count;
	for (u32 id = 0; id < MAX_CPUS; id++)
		if (up[id] && id != bsp)
			printf("cpu %u up\n", id);
	if (up_count < n - 1) {
		printf("FAIL: %u of %u APs came up\n", up_count, n - 1);
		debug_exit(0);
	}
	if (bad_ids) {
		printf("FAIL: %u APs with a duplicate or out-of-range APIC ID\n", bad_ids);
		debug_exit(0);
	}
	printf("smp: %u cpus up\n", count);
	debug_exit(count);
}
