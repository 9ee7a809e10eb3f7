/* Fuzz target: the exit switch, vcpu_handle_exit(), on a run area the
 * input fills as KVM would (struct kvm_run and the data area after it,
 * malloc'd at its exact size so ASan sees any access past it), with every
 * device a guest can have on its buses: UART, i8042, RTC, hypercall port,
 * isa-debug-exit, fw_cfg, ACPI PM timer, Bochs shutdown port, pc-testdev
 * (ports and MMIO). The run area is KVM's and never trusted: whatever it
 * says, nothing may be touched outside it or guest RAM, a port access of
 * an impossible size, count or offset and an MMIO access longer than its
 * data field stop the vCPU as a guest fault, a read nothing claims sees
 * all ones, HLT halts with 0, and every stop leaves a status and outcome.
 *
 * Input: config (u8 flags: debug_io, no_bios, shutdown_resets,
 * sync_regs, qemu_statuses; u16 extra run-area bytes), then exits: u8
 * reason choice, u8 fix-up flags, 32 bytes over the exit's union, 16 data
 * bytes, and with sync_regs, RBX and RCX. */
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/dev/acpi_pm_timer.h"
#include "../../src/dev/debug_exit.h"
#include "../../src/dev/fw_cfg.h"
#include "../../src/dev/hypercall.h"
#include "../../src/dev/i8042.h"
#include "../../src/dev/pc_testdev.h"
#include "../../src/dev/rtc.h"
#include "../../src/dev/shutdown_port.h"
#include "../../src/dev/uart.h"
#include "../../src/vcpu.h"
#include "support.h"

#define RAM_SIZE (1u << 20)
#define MAX_EXITS 64
#define UNCLAIMED_PORT 0x80

struct devices {
	struct console_out out;
	struct console_in in;
	struct uart uart;
	struct i8042 kbd;
	struct rtc rtc;
	struct hypercall_dev hc;
	struct fw_cfg fw;
	struct acpi_pm_timer pm;
	struct shutdown_port sd;
	struct pc_testdev td;
};

static struct vm vm;   /* RAM mapped once; the exits only read it */
static int null_fd = -1; /* the console's output goes nowhere */

static const uint16_t ports[] = {
	UART_COM1_BASE, UART_COM1_BASE + 1, UART_COM1_BASE + 2, UART_COM1_BASE + 5,
	I8042_DATA_PORT, I8042_CMD_PORT, RTC_INDEX_PORT, RTC_DATA_PORT, HC_PORT,
	DEBUG_EXIT_PORT, FW_CFG_PORT_SEL, FW_CFG_PORT_DATA, FW_CFG_PORT_SEL + 4,
	ACPI_PM_TIMER_PORT, BOCHS_SHUTDOWN_PORT, PC_TESTDEV_SCRATCH_PORT,
	PC_TESTDEV_FLUSH_PORT, PC_TESTDEV_IRQ_PORT + 4, UNCLAIMED_PORT,
};

static const uint32_t reasons[] = {
	KVM_EXIT_IO, KVM_EXIT_IO, KVM_EXIT_IO, KVM_EXIT_MMIO, KVM_EXIT_HLT,
	KVM_EXIT_SHUTDOWN, KVM_EXIT_INTERNAL_ERROR, KVM_EXIT_DEBUG, KVM_EXIT_FAIL_ENTRY,
};

static time_t fixed_time(void)
{
	return 1700000000;
}

static uint64_t fixed_ns(void)
{
	return 123456789;
}

static int devices_open(struct devices *d)
{
	static const struct e820_entry map[] = { { 0, RAM_SIZE, E820_RAM } };

	memset(d, 0, sizeof(*d));
	bus_init(&vm.pio);
	bus_init(&vm.mmio);
	console_out_init(&d->out, null_fd, NULL, NULL);
	console_in_init(&d->in, -1, NULL); /* no input: GETCHAR sees its end */
	uart_init(&d->uart, &d->out, &d->in);
	i8042_init(&d->kbd);
	rtc_init(&d->rtc);
	d->rtc.now = fixed_time;
	hypercall_init(&d->hc, &vm, &d->out, &d->in);
	fw_cfg_init(&d->fw);
	acpi_pm_timer_init(&d->pm);
	d->pm.now_ns = fixed_ns;
	d->pm.start_ns = 0;
	shutdown_port_init(&d->sd);
	if (pc_testdev_init(&d->td, &vm) < 0)
		return -1;
	d->td.set_irq = NULL; /* no irqchip behind a fake VM */
	if (fw_cfg_setup_pc(&d->fw, RAM_SIZE, 1, map, 1) < 0)
		return -1;
	return -(uart_register(&d->uart, &vm.pio, UART_COM1_BASE) < 0 ||
		 i8042_register(&d->kbd, &vm.pio) < 0 || rtc_register(&d->rtc, &vm.pio) < 0 ||
		 hypercall_register(&d->hc, &vm.pio) < 0 || debug_exit_register(&vm.pio) < 0 ||
		 fw_cfg_register(&d->fw, &vm.pio) < 0 ||
		 acpi_pm_timer_register(&d->pm, &vm.pio) < 0 ||
		 shutdown_port_register(&d->sd, &vm.pio) < 0 ||
		 pc_testdev_register(&d->td, &vm.pio, &vm.mmio) < 0);
}

static void devices_close(struct devices *d)
{
	fw_cfg_free(&d->fw);
	pc_testdev_free(&d->td);
}

/* Makes most exits plausible, so they reach the devices; the rest stay
 * as the input has them, to try the switch's own checks. */
static void tame(struct kvm_run *run, uint8_t how)
{
	if (run->exit_reason == KVM_EXIT_IO && (how & 1)) {
		run->io.size = (uint8_t)(1u << (run->io.size % 3));
		run->io.count = 1 + run->io.count % 4;
		run->io.data_offset = sizeof(*run) + run->io.data_offset % 64;
		run->io.port = ports[run->io.port % (sizeof(ports) / sizeof(ports[0]))];
		run->io.direction = run->io.direction & 1;
	}
	if (run->exit_reason == KVM_EXIT_MMIO && (how & 2)) {
		run->mmio.phys_addr = PC_TESTDEV_MMIO_ADDR + run->mmio.phys_addr % 0x10010;
		run->mmio.len = 1 + run->mmio.len % 8;
	}
}

/* What the switch must have done with a port exit, as the run area said
 * before it ran (io: a copy; the data read may lie over the original).
 * Data must lie after struct kvm_run, where KVM puts it. */
static void check_io(const struct vcpu *v, const struct kvm_run *run, const struct kvm_run *was)
{
	uint64_t bytes = (uint64_t)was->io.size * was->io.count;
	bool sane = (was->io.size == 1 || was->io.size == 2 || was->io.size == 4) &&
		    was->io.count && was->io.data_offset >= sizeof(struct kvm_run) &&
		    was->io.data_offset <= v->run_size &&
		    bytes <= v->run_size - was->io.data_offset;

	if (!sane) {
		FUZZ_CHECK(v->stopped && v->status == STATUS_GUEST_FAULT);
		return;
	}
	if (was->io.port == UNCLAIMED_PORT && was->io.direction == KVM_EXIT_IO_IN) {
		const uint8_t *data = (const uint8_t *)run + was->io.data_offset;

		for (uint64_t i = 0; i < bytes; i++)
			FUZZ_CHECK(data[i] == 0xff);
	}
}

static void check_exit(const struct vcpu *v, const struct kvm_run *run, const struct kvm_run *was)
{
	if (was->exit_reason == KVM_EXIT_IO)
		check_io(v, run, was);
	else if (was->exit_reason == KVM_EXIT_MMIO && was->mmio.len > sizeof(was->mmio.data))
		FUZZ_CHECK(v->stopped && v->status == STATUS_GUEST_FAULT);
	else if (was->exit_reason == KVM_EXIT_HLT)
		FUZZ_CHECK(v->stopped && v->status == 0 && strcmp(v->outcome, "halted") == 0);
	if (v->stopped)
		FUZZ_CHECK(v->status >= 0 && v->status <= 255 && v->outcome[0]);
}

static void one_exit(struct vcpu *v, struct fuzz_in *in)
{
	struct kvm_run *run = v->run, was;
	uint8_t pick = fuzz_u8(in), how = fuzz_u8(in);
	size_t got;
	const uint8_t *bytes = fuzz_bytes(in, 32, &got);

	run->exit_reason = pick < sizeof(reasons) / sizeof(reasons[0]) ? reasons[pick]
									: pick * 0x01010101u;
	memcpy(&run->hw, bytes, got);
	tame(run, how);
	bytes = fuzz_bytes(in, 16, &got);
	memcpy((uint8_t *)run + sizeof(*run), bytes, got);
	if (v->sync_regs) {
		run->s.regs.regs.rbx = fuzz_u64(in);
		run->s.regs.regs.rcx = fuzz_u64(in);
	}
	v->stopped = false;
	v->status = 0;
	v->outcome[0] = '\0';
	was = *run;
	vcpu_handle_exit(v);
	check_exit(v, run, &was);
}

static void run_exits(struct fuzz_in *in)
{
	uint8_t flags = fuzz_u8(in);
	size_t area_size = sizeof(struct kvm_run) + 16 + fuzz_u16(in) % 4096;
	struct run_stats stats;
	struct vcpu v = {
		.vm = &vm, .fd = -1, .name = "fuzz", .guest_name = "fuzz", .stats = &stats,
		.debug_io = flags & 1, .no_bios = flags & 2, .shutdown_resets = flags & 4,
		.sync_regs = flags & 8, .qemu_statuses = flags & 16,
		.getchar_result = UINT64_MAX, .run_size = area_size,
	};

	memset(&stats, 0, sizeof(stats));
	v.run = calloc(1, area_size);
	if (!v.run)
		return;
	for (int i = 0; i < MAX_EXITS && in->n > 0; i++)
		one_exit(&v, in);
	free(v.run);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	return fuzz_vm_open(&vm, RAM_SIZE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct devices d;

	if (devices_open(&d) == 0)
		run_exits(&in);
	devices_close(&d);
	return 0;
}
