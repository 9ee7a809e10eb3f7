/* Counting takes no lock on the exit path: each run_stats has one writer,
 * and readers on other threads see whole values through relaxed atomics.
 * The tables are fixed-size; ports past the 32nd are counted together.
 * The JSON is written by hand, each guest's name and outcome escaped. */
#include "stats.h"

#include <linux/kvm.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dev/i8042.h"
#include "dev/rtc.h"
#include "err.h"
#include "minikvm/abi.h"

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const char *const reason_names[STATS_MAX_REASON] = {
	[KVM_EXIT_UNKNOWN] = "UNKNOWN",
	[KVM_EXIT_EXCEPTION] = "EXCEPTION",
	[KVM_EXIT_IO] = "IO",
	[KVM_EXIT_HYPERCALL] = "HYPERCALL",
	[KVM_EXIT_DEBUG] = "DEBUG",
	[KVM_EXIT_HLT] = "HLT",
	[KVM_EXIT_MMIO] = "MMIO",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
	[KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
	[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
	[KVM_EXIT_INTR] = "INTR",
	[KVM_EXIT_SET_TPR] = "SET_TPR",
	[KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
	[KVM_EXIT_NMI] = "NMI",
	[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	[KVM_EXIT_IOAPIC_EOI] = "IOAPIC_EOI",
	[KVM_EXIT_X86_RDMSR] = "X86_RDMSR",
	[KVM_EXIT_X86_WRMSR] = "X86_WRMSR",
	[KVM_EXIT_X86_BUS_LOCK] = "X86_BUS_LOCK",
	[KVM_EXIT_NOTIFY] = "NOTIFY",
};

const char *stats_reason_name(uint32_t reason)
{
	if (reason < STATS_MAX_REASON && reason_names[reason])
		return reason_names[reason];
	return "OTHER";
}

/* Ctrl-A S reads a guest's counters on main's thread while its vCPU
 * threads count (guest_console.c's snapshot_stats). Each run_stats has one writer,
 * the thread that owns it, so a relaxed load and store count (no locked
 * add on the exit path); every access another thread may make at the same
 * time is atomic, so each value read is whole, if a few exits behind. A
 * new port's entry is filled before nports grows (release), and readers
 * take nports first (acquire). */
static uint64_t get(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static void add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, get(c) + n, __ATOMIC_RELAXED);
}

void stats_count_exit(struct run_stats *s, uint32_t reason)
{
	add(&s->exits, 1);
	add(&s->by_reason[reason < STATS_MAX_REASON ? reason : KVM_EXIT_UNKNOWN], 1);
}

void stats_count_coalesced(struct run_stats *s)
{
	add(&s->coalesced_writes, 1);
}

/* Called by ports' writer only: its own reads of port need no atomics. */
static struct port_count *find_port(struct port_count *ports, int *n, uint16_t port)
{
	int have = *n;

	for (int i = 0; i < have; i++)
		if (ports[i].port == port)
			return &ports[i];
	if (have == STATS_MAX_PORTS)
		return NULL;
	__atomic_store_n(&ports[have].in, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&ports[have].out, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&ports[have].port, port, __ATOMIC_RELAXED);
	__atomic_store_n(n, have + 1, __ATOMIC_RELEASE);
	return &ports[have];
}

void stats_count_port(struct run_stats *s, uint16_t port, bool is_write)
{
	struct port_count *pc = find_port(s->ports, &s->nports, port);

	if (!pc)
		add(&s->other_port_exits, 1);
	else if (is_write)
		add(&pc->out, 1);
	else
		add(&pc->in, 1);
}

void stats_add(struct run_stats *dst, const struct run_stats *src)
{
	int nports = __atomic_load_n(&src->nports, __ATOMIC_ACQUIRE);

	add(&dst->exits, get(&src->exits));
	for (int i = 0; i < STATS_MAX_REASON; i++)
		add(&dst->by_reason[i], get(&src->by_reason[i]));
	for (int i = 0; i < nports && i < STATS_MAX_PORTS; i++) {
		const struct port_count *sp = &src->ports[i];
		struct port_count *pc = find_port(dst->ports, &dst->nports,
						  __atomic_load_n(&sp->port, __ATOMIC_RELAXED));
		if (!pc) {
			add(&dst->other_port_exits, get(&sp->in) + get(&sp->out));
			continue;
		}
		add(&pc->in, get(&sp->in));
		add(&pc->out, get(&sp->out));
	}
	add(&dst->other_port_exits, get(&src->other_port_exits));
	add(&dst->coalesced_writes, get(&src->coalesced_writes));
	add(&dst->setup_ns, get(&src->setup_ns));
	add(&dst->run_ns, get(&src->run_ns));
	add(&dst->teardown_ns, get(&src->teardown_ns));
}

void stats_snapshot(struct run_stats *dst, const struct run_stats *src)
{
	memset(dst, 0, sizeof(*dst));
	stats_add(dst, src);
}

void stats_set_ns(uint64_t *field, uint64_t ns)
{
	__atomic_store_n(field, ns, __ATOMIC_RELAXED);
}

/* The ports of kvm-vmm's machines (the UART on every one; the rest where
 * a protocol's devices have them), and the PC's own that KVM's in-kernel
 * PIC and PIT take when there is an irqchip. */
static const struct {
	uint16_t port;
	const char *name;
} port_names[] = {
	{ UART_COM1_BASE + 0, "COM1 THR/RBR" },
	{ UART_COM1_BASE + 1, "COM1 IER" },
	{ UART_COM1_BASE + 2, "COM1 IIR/FCR" },
	{ UART_COM1_BASE + 3, "COM1 LCR" },
	{ UART_COM1_BASE + 4, "COM1 MCR" },
	{ UART_COM1_BASE + 5, "COM1 LSR" },
	{ UART_COM1_BASE + 6, "COM1 MSR" },
	{ UART_COM1_BASE + 7, "COM1 SCR" },
	{ HC_PORT, "hypercall" },
	{ DEBUG_EXIT_PORT + 0, "isa-debug-exit" },
	{ DEBUG_EXIT_PORT + 1, "isa-debug-exit" },
	{ DEBUG_EXIT_PORT + 2, "isa-debug-exit" },
	{ DEBUG_EXIT_PORT + 3, "isa-debug-exit" },
	{ I8042_DATA_PORT, "i8042 data" },
	{ I8042_CMD_PORT, "i8042 status/command" },
	{ RTC_INDEX_PORT, "RTC index" },
	{ RTC_DATA_PORT, "RTC data" },
	{ 0x40, "PIT counter 0" },
	{ 0x41, "PIT counter 1" },
	{ 0x42, "PIT counter 2" },
	{ 0x43, "PIT mode" },
	{ 0x61, "PC speaker/NMI" },
	{ 0x20, "PIC1 command" },
	{ 0x21, "PIC1 data" },
	{ 0xa0, "PIC2 command" },
	{ 0xa1, "PIC2 data" },
	{ 0x80, "POST code" },
	{ FW_CFG_PORT_SEL, "fw_cfg selector" },
	{ FW_CFG_PORT_DATA, "fw_cfg data" },
	{ ACPI_PM_TIMER_PORT, "ACPI PM timer" },
	{ BOCHS_SHUTDOWN_PORT, "Bochs shutdown" },
	{ PC_TESTDEV_SCRATCH_PORT, "pc-testdev scratch" },
	{ PC_TESTDEV_FLUSH_PORT, "pc-testdev flush" },
};

const char *stats_port_name(uint16_t port)
{
	for (size_t i = 0; i < sizeof(port_names) / sizeof(port_names[0]); i++)
		if (port_names[i].port == port)
			return port_names[i].name;
	if (port >= PC_TESTDEV_IRQ_PORT && port < PC_TESTDEV_IRQ_PORT + PC_TESTDEV_IRQ_PORTS)
		return "pc-testdev IRQ line";
	return NULL;
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static void print_one(FILE *f, const char *name, const char *outcome,
		      const struct run_stats *s)
{
	fprintf(f, "%s: %s, %llu exits to user space\n", name, outcome,
		(unsigned long long)s->exits);
	for (int r = 0; r < STATS_MAX_REASON; r++)
		if (s->by_reason[r])
			fprintf(f, "  %-16s %10llu\n", stats_reason_name((uint32_t)r),
				(unsigned long long)s->by_reason[r]);
	for (int i = 0; i < s->nports; i++) {
		const char *pname = stats_port_name(s->ports[i].port);

		fprintf(f, "  port 0x%04x %-20s %10llu in %10llu out\n",
			s->ports[i].port, pname ? pname : "",
			(unsigned long long)s->ports[i].in,
			(unsigned long long)s->ports[i].out);
	}
	if (s->other_port_exits)
		fprintf(f, "  other ports      %10llu\n",
			(unsigned long long)s->other_port_exits);
	if (s->coalesced_writes)
		fprintf(f, "  coalesced writes %10llu (no exit)\n",
			(unsigned long long)s->coalesced_writes);
	fprintf(f, "  time: set-up %.3f ms, guest run %.3f ms, teardown %.3f ms\n",
		ms(s->setup_ns), ms(s->run_ns), ms(s->teardown_ns));
}

void stats_print_text(FILE *f, const struct stats_entry *entries, int n,
		      uint64_t wall_ns)
{
	struct run_stats total;

	memset(&total, 0, sizeof(total));
	/* The header stays as it was: tests/e2e/tty.sh matches it. The exits
	 * counted are those KVM_RUN returned to us; KVM handles others itself. */
	fprintf(f, "--- kvm-vmm statistics ---\n");
	for (int i = 0; i < n; i++) {
		print_one(f, entries[i].name, entries[i].outcome, entries[i].stats);
		stats_add(&total, entries[i].stats);
	}
	if (n > 1)
		print_one(f, "total", "all guests (times summed over guests)", &total);
	for (int i = 0; i < n; i++)
		if (entries[i].ram_bytes)
			fprintf(f, "%s: RAM %llu KiB, %s\n", entries[i].name,
				(unsigned long long)(entries[i].ram_bytes >> 10),
				vm_ram_mapping_text(entries[i].ram_mapping));
	fprintf(f, "wall time: %.3f ms\n", ms(wall_ns));
	fflush(f);
}

/* The length of the UTF-8 sequence at s (1-4), or 0 where the bytes are
 * not one: a stray continuation byte, a truncated or overlong sequence, a
 * surrogate, or beyond U+10FFFF. */
static int utf8_length(const unsigned char *s)
{
	int n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		int n = utf8_length(s);

		if (n == 0) {
			fputs("\\ufffd", f);
			s++;
		} else if (*s == '"' || *s == '\\') {
			fprintf(f, "\\%c", *s++);
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s++);
		} else {
			fwrite(s, 1, (size_t)n, f);
			s += n;
		}
	}
	fputc('"', f);
}

static void json_one(FILE *f, const struct run_stats *s)
{
	const char *sep = "";

	fprintf(f, "\"exits\": %llu, \"exits_by_reason\": {",
		(unsigned long long)s->exits);
	for (int r = 0; r < STATS_MAX_REASON; r++) {
		if (!s->by_reason[r])
			continue;
		fprintf(f, "%s\"%s\": %llu", sep, stats_reason_name((uint32_t)r),
			(unsigned long long)s->by_reason[r]);
		sep = ", ";
	}
	fprintf(f, "}, \"io_ports\": [");
	for (int i = 0; i < s->nports; i++) {
		const char *name = stats_port_name(s->ports[i].port);

		fprintf(f, "%s{\"port\": \"0x%x\", \"name\": ", i ? ", " : "", s->ports[i].port);
		if (name)
			json_string(f, name);
		else
			fputs("null", f);
		fprintf(f, ", \"in\": %llu, \"out\": %llu}",
			(unsigned long long)s->ports[i].in,
			(unsigned long long)s->ports[i].out);
	}
	fprintf(f, "], \"other_port_exits\": %llu, \"coalesced_writes\": %llu, "
		   "\"setup_ns\": %llu, \"run_ns\": %llu, \"teardown_ns\": %llu",
		(unsigned long long)s->other_port_exits,
		(unsigned long long)s->coalesced_writes,
		(unsigned long long)s->setup_ns, (unsigned long long)s->run_ns,
		(unsigned long long)s->teardown_ns);
}

void stats_json_print(FILE *f, const struct stats_entry *entries, int n,
		      uint64_t wall_ns)
{
	struct run_stats total;

	memset(&total, 0, sizeof(total));
	fprintf(f, "{\n  \"format\": %d,\n  \"guests\": [\n", STATS_JSON_FORMAT);
	for (int i = 0; i < n; i++) {
		fprintf(f, "    {\"name\": ");
		json_string(f, entries[i].name);
		fprintf(f, ", \"outcome\": ");
		json_string(f, entries[i].outcome);
		fprintf(f, ", \"ram_bytes\": %llu, \"ram_huge_pages\": %s",
			(unsigned long long)entries[i].ram_bytes,
			entries[i].ram_mapping == VM_RAM_HUGE_PAGES ? "true" : "false");
		fprintf(f, ", ");
		json_one(f, entries[i].stats);
		fprintf(f, "}%s\n", i + 1 < n ? "," : "");
		stats_add(&total, entries[i].stats);
	}
	/* "total": {"exits": N on one line: tests/e2e/lib.sh reads it so. */
	fprintf(f, "  ],\n  \"total\": {");
	json_one(f, &total);
	fprintf(f, "},\n  \"wall_ns\": %llu\n}\n", (unsigned long long)wall_ns);
}

static bool is_stdout(const char *path)
{
	return strcmp(path, "-") == 0;
}

FILE *stats_json_open(const char *path, bool *created)
{
	FILE *f;

	*created = false;
	if (is_stdout(path))
		return stdout;
	*created = access(path, F_OK) != 0;
	f = fopen(path, "w");
	if (!f)
		err_print("--stats-json '%s': cannot create the file:", path);
	return f;
}

int stats_json_finish(FILE *f, const char *path, const struct stats_entry *entries,
		      int n, uint64_t wall_ns)
{
	int failed;

	stats_json_print(f, entries, n, wall_ns);
	failed = ferror(f);
	if (is_stdout(path))
		failed |= fflush(f) != 0;
	else
		failed |= fclose(f) != 0;
	if (failed)
		return throw_err(-1, "%s: cannot write statistics:",
				 is_stdout(path) ? "standard output" : path);
	return 0;
}

void stats_json_abandon(FILE *f, const char *path, bool created)
{
	if (!f || is_stdout(path))
		return;
	fclose(f);
	if (created)
		unlink(path);
}
