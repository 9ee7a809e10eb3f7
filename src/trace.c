/* Each line is built whole and written with one write(), so concurrent
 * guests' lines never interleave. The run area's data offset is checked
 * before its value is read; a bad one shows as value 0. */
#include "trace.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dev/hypercall.h"
#include "stats.h"

static uint64_t le_value(const uint8_t *data, uint32_t len)
{
	uint64_t v = 0;

	memcpy(&v, data, len < sizeof(v) ? len : sizeof(v));
	return v;
}

static int format_io(const struct kvm_run *run, size_t run_size, char *buf, size_t size)
{
	bool out = run->io.direction == KVM_EXIT_IO_OUT;
	uint64_t value = 0;
	int n;

	if (run->io.data_offset + run->io.size <= run_size)
		value = le_value((const uint8_t *)run + run->io.data_offset, run->io.size);
	n = snprintf(buf, size, "IO %s port 0x%x size %u value 0x%0*" PRIx64,
		     out ? "out" : "in", run->io.port, run->io.size,
		     run->io.size * 2, value);
	if (run->io.count > 1)
		n += snprintf(buf + n, size - (size_t)n, " count %u", run->io.count);
	if (out && run->io.port == HC_PORT) {
		const char *name = hypercall_name(value);

		if (name)
			n += snprintf(buf + n, size - (size_t)n, " hypercall %s", name);
		else
			n += snprintf(buf + n, size - (size_t)n, " hypercall unknown");
	}
	return n;
}

void trace_format_exit(const struct kvm_run *run, size_t run_size, char *buf, size_t size)
{
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		format_io(run, run_size, buf, size);
		break;
	case KVM_EXIT_MMIO:
		snprintf(buf, size, "MMIO %s addr 0x%llx size %u value 0x%0*" PRIx64,
			 run->mmio.is_write ? "write" : "read",
			 (unsigned long long)run->mmio.phys_addr, run->mmio.len,
			 run->mmio.len * 2,
			 le_value(run->mmio.data, run->mmio.len <= 8 ? run->mmio.len : 8));
		break;
	default:
		snprintf(buf, size, "%s", stats_reason_name(run->exit_reason));
		break;
	}
}

static void emit(struct vcpu *v, const char *what)
{
	char line[4096];
	uint64_t t = now_ns() - v->start_ns;
	struct kvm_regs regs;
	int n;

	n = snprintf(line, sizeof(line), "[+%" PRIu64 ".%06" PRIu64 "] %s cpu%d %s",
		     t / 1000000000u, t / 1000u % 1000000u, v->guest_name, v->id, what);
	if (vcpu_get_exit_regs(v, &regs) == 0 && n < (int)sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, " rip 0x%llx",
			      (unsigned long long)regs.rip);
	if (n < (int)sizeof(line) - 1)
		line[n++] = '\n';
	if (v->dump_regs && n < (int)sizeof(line))
		vcpu_format_regs(v, line + n, sizeof(line) - (size_t)n);
	else if (n < (int)sizeof(line))
		line[n] = '\0';
	/* One write, so the lines of concurrent guests never interleave. */
	if (write(STDERR_FILENO, line, strlen(line)) < 0)
		return;
}

void trace_exit(struct vcpu *v)
{
	char what[256];

	trace_format_exit(v->run, v->run_size, what, sizeof(what));
	emit(v, what);
}

void trace_interrupted(struct vcpu *v)
{
	emit(v, "INTR (KVM_RUN interrupted by a signal)");
}
