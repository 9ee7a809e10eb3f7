/* The exit switch without /dev/kvm: a run area the test fills, as KVM
 * would, and the checks that it is never trusted blindly (an impossible
 * size, count or offset is a fault, not a write outside the area or an
 * endless loop). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/vcpu.h"
#include "harness.h"

#define AREA 4096

static struct {
	int calls;
	uint64_t addr;
	uint8_t last[8];
	uint32_t len;
	bool is_write;
} seen;

static void recorder(void *opaque, struct vcpu *vcpu, uint64_t offset, void *data,
		     uint32_t len, bool is_write)
{
	(void)opaque;
	(void)vcpu;
	seen.calls++;
	seen.addr = offset;
	seen.len = len;
	seen.is_write = is_write;
	if (is_write)
		memcpy(seen.last, data, len < 8 ? len : 8);
	else
		memset(data, 0xab, len);
}

struct rig {
	struct vm vm;
	struct vcpu v;
	struct run_stats stats;
	union {
		struct kvm_run run;
		uint8_t bytes[AREA];
	} area;
};

static struct rig *rig_new(void)
{
	struct rig *r = calloc(1, sizeof(*r));

	bus_init(&r->vm.pio);
	bus_init(&r->vm.mmio);
	bus_register(&r->vm.pio, 0x3f8, 8, recorder, NULL, "test");
	bus_register(&r->vm.mmio, 0xd0000000, 0x1000, recorder, NULL, "test");
	r->v.vm = &r->vm;
	r->v.fd = -1;
	r->v.name = "rig";
	r->v.stats = &r->stats;
	r->v.run = &r->area.run;
	r->v.run_size = AREA;
	memset(&seen, 0, sizeof(seen));
	return r;
}

static void io(struct rig *r, uint8_t dir, uint16_t port, uint8_t size, uint32_t count,
	       uint64_t offset)
{
	r->area.run.exit_reason = KVM_EXIT_IO;
	r->area.run.io.direction = dir;
	r->area.run.io.port = port;
	r->area.run.io.size = size;
	r->area.run.io.count = count;
	r->area.run.io.data_offset = offset;
}

/* Fault reports go to stderr; the tests look at the status instead. */
static int quiet(void)
{
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);

	dup2(null, STDERR_FILENO);
	close(null);
	return saved;
}

static void loud(int saved)
{
	dup2(saved, STDERR_FILENO);
	close(saved);
}

TEST(exit_switch_port_io_reaches_the_bus)
{
	struct rig *r = rig_new();

	/* Data after struct kvm_run, where KVM puts it (2352 bytes here). */
	memcpy(r->area.bytes + 3000, "abc", 3);
	io(r, KVM_EXIT_IO_OUT, 0x3f8, 1, 3, 3000); /* rep outsb */
	vcpu_handle_exit(&r->v);
	CHECK_EQ(seen.calls, 3);
	CHECK_EQ(seen.last[0], 'c');
	CHECK(!r->v.stopped);
	CHECK_EQ(r->stats.ports[0].out, 3);
	io(r, KVM_EXIT_IO_IN, 0x3fd, 2, 1, 3500);
	vcpu_handle_exit(&r->v);
	CHECK_EQ(seen.addr, 5);
	CHECK_EQ(r->area.bytes[3500], 0xab);
	CHECK_EQ(r->area.bytes[3501], 0xab);
	CHECK_EQ(r->area.bytes[3502], 0);
	free(r);
}

TEST(exit_switch_refuses_impossible_port_io)
{
	static const struct { uint8_t size; uint32_t count; uint64_t offset; } bad[] = {
		{ 0, 0xffffffffu, 3000 }, /* would loop 4 billion times */
		{ 3, 1, 3000 },		  { 8, 1, 3000 },
		{ 1, 0, 3000 },		  { 1, 1, AREA },
		/* Inside struct kvm_run: an IN there would rewrite io.size
		 * under the loop (found by tests/fuzz's exit_switch target). */
		{ 1, 1, 1024 },		  { 4, 4, 8 },
		{ 4, 0x40000000u, 8 },	  /* size x count past the area */
		{ 1, 1, UINT64_MAX },
	};
	int saved = quiet();

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rig *r = rig_new();

		io(r, KVM_EXIT_IO_OUT, 0x3f8, bad[i].size, bad[i].count, bad[i].offset);
		vcpu_handle_exit(&r->v);
		CHECK(r->v.stopped);
		CHECK_EQ(r->v.status, STATUS_GUEST_FAULT);
		CHECK_EQ(seen.calls, 0);
		free(r);
	}
	loud(saved);
}

TEST(exit_switch_mmio_and_the_other_reasons)
{
	struct rig *r = rig_new();
	int saved;

	r->area.run.exit_reason = KVM_EXIT_MMIO;
	r->area.run.mmio.phys_addr = 0xd0000010;
	r->area.run.mmio.len = 4;
	r->area.run.mmio.is_write = 1;
	memcpy(r->area.run.mmio.data, "wxyz", 4);
	vcpu_handle_exit(&r->v);
	CHECK_EQ(seen.calls, 1);
	CHECK_EQ(seen.addr, 0x10);
	CHECK(memcmp(seen.last, "wxyz", 4) == 0);
	saved = quiet();
	r->area.run.mmio.len = 9; /* more than the data field holds */
	vcpu_handle_exit(&r->v);
	CHECK(r->v.stopped && r->v.status == STATUS_GUEST_FAULT);
	CHECK_EQ(seen.calls, 1);
	free(r);

	r = rig_new();
	r->area.run.exit_reason = KVM_EXIT_HLT;
	vcpu_handle_exit(&r->v);
	CHECK(r->v.stopped && r->v.status == 0 && strcmp(r->v.outcome, "halted") == 0);
	free(r);
	r = rig_new();
	r->area.run.exit_reason = KVM_EXIT_SHUTDOWN;
	vcpu_handle_exit(&r->v);
	CHECK(r->v.stopped && r->v.status == STATUS_GUEST_FAULT);
	free(r);
	r = rig_new();
	r->v.shutdown_resets = true;
	r->area.run.exit_reason = KVM_EXIT_SHUTDOWN;
	vcpu_handle_exit(&r->v);
	CHECK(r->v.stopped && r->v.status == 0 && strcmp(r->v.outcome, "reset") == 0);
	free(r);
	r = rig_new();
	r->area.run.exit_reason = 999;
	vcpu_handle_exit(&r->v);
	CHECK(r->v.stopped && r->v.status == STATUS_GUEST_FAULT);
	free(r);
	r = rig_new();
	r->area.run.exit_reason = KVM_EXIT_DEBUG; /* no breakpoint of ours */
	vcpu_handle_exit(&r->v);
	CHECK(r->v.stopped && r->v.status == STATUS_GUEST_FAULT);
	free(r);
	loud(saved);
}
