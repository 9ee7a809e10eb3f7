#include "stats.h"

#include <linux/kvm.h>
#include <string.h>
#include <time.h>

#include "err.h"

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

void stats_count_exit(struct run_stats *s, uint32_t reason)
{
	s->exits++;
	s->by_reason[reason < STATS_MAX_REASON ? reason : KVM_EXIT_UNKNOWN]++;
}

static struct port_count *find_port(struct port_count *ports, int *n, uint16_t port)
{
	for (int i = 0; i < *n; i++)
		if (ports[i].port == port)
			return &ports[i];
	if (*n == STATS_MAX_PORTS)
		return NULL;
	ports[*n] = (struct port_count){ .port = port };
	return &ports[(*n)++];
}

void stats_count_port(struct run_stats *s, uint16_t port, bool is_write)
{
	struct port_count *pc = find_port(s->ports, &s->nports, port);

	if (!pc)
		s->other_port_exits++;
	else if (is_write)
		pc->out++;
	else
		pc->in++;
}

void stats_add(struct run_stats *dst, const struct run_stats *src)
{
	dst->exits += src->exits;
	for (int i = 0; i < STATS_MAX_REASON; i++)
		dst->by_reason[i] += src->by_reason[i];
	for (int i = 0; i < src->nports; i++) {
		struct port_count *pc = find_port(dst->ports, &dst->nports,
						  src->ports[i].port);
		if (!pc) {
			dst->other_port_exits += src->ports[i].in + src->ports[i].out;
			continue;
		}
		pc->in += src->ports[i].in;
		pc->out += src->ports[i].out;
	}
	dst->other_port_exits += src->other_port_exits;
	dst->coalesced_writes += src->coalesced_writes;
	dst->setup_ns += src->setup_ns;
	dst->run_ns += src->run_ns;
	dst->teardown_ns += src->teardown_ns;
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static void print_one(FILE *f, const char *name, const char *outcome,
		      const struct run_stats *s)
{
	fprintf(f, "%s: %s, %llu exits\n", name, outcome,
		(unsigned long long)s->exits);
	for (int r = 0; r < STATS_MAX_REASON; r++)
		if (s->by_reason[r])
			fprintf(f, "  %-16s %10llu\n", stats_reason_name((uint32_t)r),
				(unsigned long long)s->by_reason[r]);
	for (int i = 0; i < s->nports; i++)
		fprintf(f, "  port 0x%04x      %10llu in %10llu out\n",
			s->ports[i].port, (unsigned long long)s->ports[i].in,
			(unsigned long long)s->ports[i].out);
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
	fprintf(f, "--- kvm-vmm statistics ---\n");
	for (int i = 0; i < n; i++) {
		print_one(f, entries[i].name, entries[i].outcome, entries[i].stats);
		stats_add(&total, entries[i].stats);
	}
	if (n > 1)
		print_one(f, "total", "all guests (times summed over guests)", &total);
	fprintf(f, "wall time: %.3f ms\n", ms(wall_ns));
	fflush(f);
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
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
	for (int i = 0; i < s->nports; i++)
		fprintf(f, "%s{\"port\": %u, \"in\": %llu, \"out\": %llu}",
			i ? ", " : "", s->ports[i].port,
			(unsigned long long)s->ports[i].in,
			(unsigned long long)s->ports[i].out);
	fprintf(f, "], \"other_port_exits\": %llu, \"coalesced_writes\": %llu, "
		   "\"setup_ns\": %llu, \"run_ns\": %llu, \"teardown_ns\": %llu",
		(unsigned long long)s->other_port_exits,
		(unsigned long long)s->coalesced_writes,
		(unsigned long long)s->setup_ns, (unsigned long long)s->run_ns,
		(unsigned long long)s->teardown_ns);
}

int stats_write_json(const char *path, const struct stats_entry *entries,
		     int n, uint64_t wall_ns)
{
	FILE *f = fopen(path, "w");
	struct run_stats total;

	if (!f)
		return throw_err(-1, "%s: cannot write statistics:", path);
	memset(&total, 0, sizeof(total));
	fprintf(f, "{\n  \"guests\": [\n");
	for (int i = 0; i < n; i++) {
		fprintf(f, "    {\"name\": ");
		json_string(f, entries[i].name);
		fprintf(f, ", \"outcome\": ");
		json_string(f, entries[i].outcome);
		fprintf(f, ", ");
		json_one(f, entries[i].stats);
		fprintf(f, "}%s\n", i + 1 < n ? "," : "");
		stats_add(&total, entries[i].stats);
	}
	fprintf(f, "  ],\n  \"total\": {");
	json_one(f, &total);
	fprintf(f, "},\n  \"wall_ns\": %llu\n}\n", (unsigned long long)wall_ns);
	if (fclose(f) != 0)
		return throw_err(-1, "%s: cannot write statistics:", path);
	return 0;
}
