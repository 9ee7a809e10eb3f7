/* The run area is KVM's memory, but nothing in it is trusted: an exit's
 * sizes and offsets are checked before a device touches the data. Queued
 * writes are replayed before each exit is handled, and --trace costs the
 * untraced loop one branch. */
#include "vcpu.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "err.h"
#include "gdb/stub.h"
#include "trace.h"
#include "trace_events.h"
#include "x86.h"

int vcpu_create(struct vcpu *v, struct vm *vm, int kvm_fd, int id)
{
	int mmap_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	v->vm = vm;
	v->id = id;
	v->run = MAP_FAILED;
	v->getchar_result = UINT64_MAX;
	if (mmap_size < (int)sizeof(struct kvm_run))
		return throw_err(-1, "KVM_GET_VCPU_MMAP_SIZE:");
	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0)
		return throw_err(-1, "KVM_CREATE_VCPU:");
	v->run_size = (size_t)mmap_size;
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->fd, 0);
	if (v->run == MAP_FAILED) {
		err_print("mmap of the vCPU run area:");
		close(v->fd);
		v->fd = -1;
		return -1;
	}
	if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS) & KVM_SYNC_X86_REGS) {
		v->run->kvm_valid_regs = KVM_SYNC_X86_REGS;
		v->sync_regs = true;
	}
	return 0;
}

int vcpu_enable_coalesced(struct vcpu *v)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t offset = KVM_COALESCED_MMIO_PAGE_OFFSET * page;

	if (offset + page > v->run_size)
		return throw_err(-1, "the vCPU run area has no coalesced I/O ring");
	v->coalesced = (struct kvm_coalesced_mmio_ring *)((uint8_t *)v->run + offset);
	v->coalesced_max = (uint32_t)((page - sizeof(*v->coalesced)) /
				      sizeof(v->coalesced->coalesced_mmio[0]));
	return 0;
}

/* Replays the writes KVM queued since the last exit, oldest first, so the
 * devices see them in the order the guest made them. */
static void drain_coalesced(struct vcpu *v)
{
	struct kvm_coalesced_mmio_ring *ring = v->coalesced;

	if (!ring)
		return;
	while (__atomic_load_n(&ring->first, __ATOMIC_ACQUIRE) !=
	       __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE)) {
		uint32_t first = ring->first;
		struct kvm_coalesced_mmio *w = &ring->coalesced_mmio[first % v->coalesced_max];
		uint32_t len = w->len <= sizeof(w->data) ? w->len : sizeof(w->data);

		bus_access(w->pio ? &v->vm->pio : &v->vm->mmio, v, w->phys_addr,
			   w->data, len, true);
		stats_count_coalesced(v->stats);
		__atomic_store_n(&ring->first, (first + 1) % v->coalesced_max, __ATOMIC_RELEASE);
	}
}

void vcpu_destroy(struct vcpu *v)
{
	if (v->run != MAP_FAILED && v->run)
		munmap(v->run, v->run_size);
	v->run = NULL;
	if (v->fd >= 0)
		close(v->fd);
	v->fd = -1;
}

/* KVM_GET_SUPPORTED_CPUID says E2BIG until the array is large enough;
 * hosts with many leaves and subleaves need more than a first guess. */
#define CPUID_FIRST_ENTRIES 128
#define CPUID_MAX_ENTRIES 4096

static struct kvm_cpuid2 *supported_cpuid(int kvm_fd)
{
	for (uint32_t n = CPUID_FIRST_ENTRIES; n <= CPUID_MAX_ENTRIES; n *= 2) {
		struct kvm_cpuid2 *cpuid =
			calloc(1, sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));

		if (!cpuid)
			return NULL;
		cpuid->nent = n;
		if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
			return cpuid;
		free(cpuid);
		if (errno != E2BIG)
			break;
	}
	return NULL;
}

int vcpu_set_cpuid(struct vcpu *v, int kvm_fd, uint32_t apic_id,
		   const struct cpuid_policy *policy)
{
	struct kvm_cpuid2 *cpuid = supported_cpuid(kvm_fd);
	int ret;

	if (!cpuid)
		return throw_err(-1, "KVM_GET_SUPPORTED_CPUID:");
	cpuid_apply(policy, cpuid, apic_id);
	ret = ioctl(v->fd, KVM_SET_CPUID2, cpuid);
	free(cpuid);
	if (ret < 0)
		return throw_err(-1, "KVM_SET_CPUID2:");
	return 0;
}

int vcpu_get_regs(struct vcpu *v, struct kvm_regs *regs)
{
	return ioctl(v->fd, KVM_GET_REGS, regs);
}

int vcpu_set_regs(struct vcpu *v, const struct kvm_regs *regs)
{
	return ioctl(v->fd, KVM_SET_REGS, regs);
}

int vcpu_get_exit_regs(struct vcpu *v, struct kvm_regs *regs)
{
	if (!v->sync_regs)
		return vcpu_get_regs(v, regs);
	*regs = v->run->s.regs.regs;
	return 0;
}

int vcpu_set_exit_regs(struct vcpu *v, const struct kvm_regs *regs)
{
	if (!v->sync_regs)
		return vcpu_set_regs(v, regs);
	v->run->s.regs.regs = *regs;
	v->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS; /* KVM loads them at entry */
	return 0;
}

int vcpu_get_sregs(struct vcpu *v, struct kvm_sregs *sregs)
{
	return ioctl(v->fd, KVM_GET_SREGS, sregs);
}

int vcpu_set_sregs(struct vcpu *v, const struct kvm_sregs *sregs)
{
	return ioctl(v->fd, KVM_SET_SREGS, sregs);
}

void vcpu_cancel(struct vcpu *v, int status)
{
	__atomic_store_n(&v->cancel_status, status, __ATOMIC_SEQ_CST);
	__atomic_store_n(&v->cancel, true, __ATOMIC_SEQ_CST);
	if (v->run && v->run != MAP_FAILED)
		__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
}

static void handle_debug(struct vcpu *v)
{
	const struct kvm_debug_exit_arch *d = &v->run->debug.arch;

	if (v->no_bios && (d->dr6 & X86_DR6_B0) && d->pc == 0)
		vcpu_report_no_bios(v);
	else
		vcpu_fault(v, STATUS_GUEST_FAULT, "debug exit",
			   "unexpected debug exit (exception %u, pc 0x%llx)",
			   d->exception, (unsigned long long)d->pc);
}

static void log_unclaimed(struct vcpu *v, const char *space, uint64_t addr,
			  const void *data, uint32_t len, bool is_write)
{
	uint64_t value = 0;

	memcpy(&value, data, len < sizeof(value) ? len : sizeof(value));
	err_print("%s: unclaimed %s %s 0x%llx, %u byte%s, value 0x%llx", v->name,
		  space, is_write ? "write" : "read", (unsigned long long)addr,
		  len, len == 1 ? "" : "s", (unsigned long long)value);
}

static void handle_io(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	/* Read once: the bytes the devices write may lie over these fields. */
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;
	uint8_t size = run->io.size;
	uint16_t port = run->io.port;
	uint32_t count = run->io.count;
	uint64_t offset = run->io.data_offset;
	uint64_t bytes = (uint64_t)size * count;

	/* The run area is KVM's, but never trusted: an access is 1, 2 or 4
	 * bytes, at least once, and lies inside the area. */
	if ((size != 1 && size != 2 && size != 4) || count == 0) {
		vcpu_fault(v, STATUS_GUEST_FAULT, "bad exit",
			   "KVM reported port I/O of %u bytes, %u times", size, count);
		return;
	}
	/* KVM puts the data after struct kvm_run; there, a device's IN
	 * cannot overwrite the fields this exit and the next are read from. */
	if (offset < sizeof(*run) || offset > v->run_size || bytes > v->run_size - offset) {
		vcpu_fault(v, STATUS_GUEST_FAULT, "bad exit",
			   "KVM reported port I/O data outside the run area");
		return;
	}
	for (uint32_t i = 0; i < count && !v->stopped; i++) {
		uint8_t *data = (uint8_t *)run + offset + i * size;

		stats_count_port(v->stats, port, is_write);
		if (!bus_access(&v->vm->pio, v, port, data, size, is_write) && v->debug_io)
			log_unclaimed(v, "port", port, data, size, is_write);
	}
}

static void handle_mmio(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint32_t len = run->mmio.len;

	if (len > sizeof(run->mmio.data)) {
		vcpu_fault(v, STATUS_GUEST_FAULT, "bad exit",
			   "KVM reported an MMIO access of %u bytes", len);
		return;
	}
	if (!bus_access(&v->vm->mmio, v, run->mmio.phys_addr, run->mmio.data,
			len, run->mmio.is_write) && v->debug_io)
		log_unclaimed(v, "MMIO", run->mmio.phys_addr, run->mmio.data, len,
			      run->mmio.is_write);
}

static const char *internal_error_name(uint32_t suberror)
{
	switch (suberror) {
	case KVM_INTERNAL_ERROR_EMULATION:
		return "emulation failure";
	case KVM_INTERNAL_ERROR_SIMUL_EX:
		return "exception while delivering an exception";
	case KVM_INTERNAL_ERROR_DELIVERY_EV:
		return "event delivery failed";
	case KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON:
		return "unexpected exit reason";
	default:
		return "unknown internal error";
	}
}

/* For emulation failures KVM may hand over the instruction's bytes: the one
 * detail a guest author needs to see which instruction it could not run. */
static void format_internal_data(const struct kvm_run *run, char *buf, size_t size)
{
	int n = 0;
	uint32_t ndata = run->internal.ndata > 16 ? 16 : run->internal.ndata;

	buf[0] = '\0';
	if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION && ndata >= 3 &&
	    (run->emulation_failure.flags &
	     KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
		unsigned len = run->emulation_failure.insn_size;

		if (len > sizeof(run->emulation_failure.insn_bytes))
			len = sizeof(run->emulation_failure.insn_bytes);
		n = snprintf(buf, size, ", instruction bytes");
		for (unsigned i = 0; i < len && n < (int)size - 4; i++)
			n += snprintf(buf + n, size - (size_t)n, " %02x",
				      run->emulation_failure.insn_bytes[i]);
		return;
	}
	if (ndata)
		n = snprintf(buf, size, ", data");
	for (uint32_t i = 0; i < ndata && n < (int)size - 20; i++)
		n += snprintf(buf + n, size - (size_t)n, " %llx",
			      (unsigned long long)run->internal.data[i]);
}

static void handle_internal_error(struct vcpu *v)
{
	char data[200];

	format_internal_data(v->run, data, sizeof(data));
	vcpu_fault(v, STATUS_GUEST_FAULT,
		   v->run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ?
			   "emulation failure" : "internal error",
		   "KVM internal error: %s (KVM_EXIT_INTERNAL_ERROR, suberror %u)%s",
		   internal_error_name(v->run->internal.suberror),
		   v->run->internal.suberror, data);
}

static void handle_cancel(struct vcpu *v)
{
	int status = __atomic_load_n(&v->cancel_status, __ATOMIC_SEQ_CST);

	if (status == STATUS_TIMEOUT)
		vcpu_fault(v, status, "timeout",
			   "timeout: still running when --timeout expired; stopped at");
	else if (status > STATUS_SIGNAL_BASE)
		vcpu_stop(v, status, "interrupted", NULL);
	else
		vcpu_stop(v, status, "stopped", NULL);
}

void vcpu_handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		handle_io(v);
		break;
	case KVM_EXIT_MMIO:
		handle_mmio(v);
		break;
	case KVM_EXIT_HLT:
		vcpu_stop(v, STATUS_OK, "halted", NULL);
		break;
	case KVM_EXIT_SHUTDOWN:
		/* Linux resets a PC this way when other reboot methods fail,
		 * and with reboot=t on purpose. */
		if (v->shutdown_resets)
			vcpu_stop(v, STATUS_OK, "reset",
				  "guest reset itself by a triple fault; the run ends");
		else
			vcpu_fault(v, STATUS_GUEST_FAULT, "triple fault",
				   "guest shut down (triple fault, KVM_EXIT_SHUTDOWN)");
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		handle_internal_error(v);
		break;
	case KVM_EXIT_DEBUG:
		if (v->gdb)
			gdb_vcpu_debug_exit(v); /* gdb's breakpoints, steps, watchpoints */
		else
			handle_debug(v);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		vcpu_fault(v, STATUS_GUEST_FAULT, "entry failure",
			   "VM entry failed (KVM_EXIT_FAIL_ENTRY, hardware reason 0x%llx)",
			   (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	default:
		vcpu_fault(v, STATUS_GUEST_FAULT, "unhandled exit",
			   "unhandled VM exit %s (%u)",
			   stats_reason_name(run->exit_reason), run->exit_reason);
		break;
	}
}

/* One return of KVM_RUN (ret, and err its errno): the writes KVM queued,
 * the exit's count and --verbose line, and the exit handled. False: the
 * run loop ends. Inlined, so the loop without --trace is what it was. */
static inline __attribute__((always_inline)) bool after_run(struct vcpu *v, int ret, int err)
{
	drain_coalesced(v);
	if (ret < 0) {
		if (err == EINTR || err == EAGAIN) {
			stats_count_exit(v->stats, KVM_EXIT_INTR);
			if (v->verbose)
				trace_interrupted(v);
			return true;
		}
		vcpu_fault(v, STATUS_GUEST_FAULT, "KVM_RUN failed",
			   "KVM_RUN: %s", strerror(err));
		return false;
	}
	stats_count_exit(v->stats, v->run->exit_reason);
	/* An access is shown once handled, with the value read. */
	bool access = v->run->exit_reason == KVM_EXIT_IO ||
		      v->run->exit_reason == KVM_EXIT_MMIO;

	if (v->verbose && !access)
		trace_exit(v);
	vcpu_handle_exit(v);
	if (v->verbose && access)
		trace_exit(v);
	return true;
}

/* --trace: after_run, timed from KVM_RUN's return to the exit handled. */
static bool traced_after_run(struct vcpu *v, int ret, int err)
{
	bool is_exit = ret >= 0 || err == EINTR || err == EAGAIN;
	struct trace_record *r = is_exit ? trace_exit_begin(v->trace, now_ns()) : NULL;
	bool go_on = after_run(v, ret, err);

	trace_exit_end(v->trace, r, v->run, v->run_size, ret < 0, now_ns());
	return go_on;
}

int vcpu_run(struct vcpu *v)
{
	trace_run_begin(v->trace);
	while (!v->stopped) {
		/* --gdb: waits here while gdb holds the guest stopped. */
		if (__builtin_expect(v->gdb != NULL, 0))
			gdb_vcpu_pause_point(v);
		if (__atomic_load_n(&v->cancel, __ATOMIC_SEQ_CST)) {
			handle_cancel(v);
			break;
		}
		int ret = ioctl(v->fd, KVM_RUN, 0);
		int err = ret < 0 ? errno : 0;

		/* Tracing off: this one branch is all it costs. */
		if (__builtin_expect(v->trace != NULL, 0) ? !traced_after_run(v, ret, err)
							  : !after_run(v, ret, err))
			break;
	}
	drain_coalesced(v);
	trace_run_end(v->trace);
	if (v->gdb)
		gdb_vcpu_gone(v);
	return v->status;
}
