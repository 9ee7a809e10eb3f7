/* A guest's set-up, before its run: the machine its boot protocol's row
 * asks for (memory, irqchip, vCPUs, devices), its console and the input
 * thread. It all happens before the start gate (start_gate.c): what it
 * opens, the sandbox would forbid later, and a failure here is known
 * before any guest runs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dev/debug_exit.h"
#include "err.h"
#include "guest_impl.h"
#include "status.h"
#include "trace_events.h"

static void uart_irq(void *opaque, int level)
{
	struct guest *g = opaque;

	vm_irq_line(&g->vm, UART_COM1_IRQ, level);
}

/* Every vCPU gets the run's tracing settings and, where the protocol asks
 * for it, CPUID naming its APIC ID. */
static int create_vcpu(struct guest *g, struct vcpu *v, int id)
{
	v->guest_name = g->name;
	v->verbose = g->opts->verbose;
	v->dump_regs = g->opts->dump_regs;
	v->start_ns = g->start_ns;
	v->trace = trace_guest_cpu(g->trace, id);
	v->gdb = g->gdb;
	v->debug_io = g->opts->debug_io;
	v->qemu_statuses = g->opts->qemu_statuses;
	if (vcpu_create(v, &g->vm, g->kvm_fd, id) < 0)
		return -1;
	if ((g->plan.proto->devices & BOOT_DEV_CPUID) &&
	    vcpu_set_cpuid(v, g->kvm_fd, (uint32_t)id, &g->opts->cpu) < 0)
		return -1;
	return 0;
}

/* vCPU 0 and the APs. KVM holds the APs in wait-for-SIPI until the guest
 * starts them through its LAPIC. */
static int create_vcpus(struct guest *g)
{
	int nr_aps = g->plan.nr_vcpus - 1;
	struct guest_ap *aps = NULL;

	if (nr_aps > 0) {
		aps = calloc((size_t)nr_aps, sizeof(*aps));
		if (!aps)
			return throw_err(-1, "%s: out of memory for %d vCPUs", g->name,
					 g->plan.nr_vcpus);
		for (int i = 0; i < nr_aps; i++) {
			struct guest_ap *ap = &aps[i];

			ap->guest = g;
			ap->vcpu.fd = -1;
			snprintf(ap->name, sizeof(ap->name), "%s cpu%d", g->name, i + 1);
			ap->vcpu.name = ap->name;
			ap->vcpu.stats = &ap->stats;
			ap->vcpu.shutdown_resets = g->vcpu.shutdown_resets;
		}
		pthread_mutex_lock(&g->cpu_lock);
		g->aps = aps;
		pthread_mutex_unlock(&g->cpu_lock);
	}
	if (create_vcpu(g, &g->vcpu, 0) < 0)
		return -1;
	for (int i = 0; i < nr_aps; i++)
		if (create_vcpu(g, &aps[i].vcpu, i + 1) < 0)
			return -1;
	return 0;
}

/* The pc machine's devices a kernel written for QEMU looks for. */
static int register_qemu_devices(struct guest *g)
{
	struct e820_entry map[BOOT_MAX_E820];
	int nmap = g->plan.proto->memory_map(&g->plan, map);

	if (fw_cfg_setup_pc(&g->fw_cfg, g->plan.mem_size, (uint16_t)g->plan.nr_vcpus,
			    map, nmap) < 0 ||
	    fw_cfg_register(&g->fw_cfg, &g->vm.pio) < 0)
		return -1;
	acpi_pm_timer_init(&g->pm_timer);
	shutdown_port_init(&g->shutdown_port);
	if (acpi_pm_timer_register(&g->pm_timer, &g->vm.pio) < 0 ||
	    shutdown_port_register(&g->shutdown_port, &g->vm.pio) < 0)
		return -1;
	if (!g->opts->pc_testdev)
		return 0;
	if (pc_testdev_init(&g->testdev, &g->vm) < 0)
		return throw_err(-1, "%s: out of memory for pc-testdev", g->name);
	return pc_testdev_register(&g->testdev, &g->vm.pio, &g->vm.mmio);
}

static int register_devices(struct guest *g)
{
	unsigned devices = g->plan.proto->devices;

	if (uart_register(&g->uart, &g->vm.pio, UART_COM1_BASE) < 0)
		return -1;
	if ((devices & BOOT_DEV_PC) &&
	    (i8042_register(&g->i8042, &g->vm.pio) < 0 ||
	     rtc_register(&g->rtc, &g->vm.pio) < 0))
		return -1;
	if ((devices & BOOT_DEV_VMM_PORTS) &&
	    (hypercall_register(&g->hypercall, &g->vm.pio) < 0 ||
	     debug_exit_register(&g->vm.pio) < 0))
		return -1;
	if ((devices & BOOT_DEV_QEMU) && register_qemu_devices(g) < 0)
		return -1;
	return 0;
}

/* The machine the boot protocol's row asks for, before any vCPU exists:
 * the in-kernel irqchip must come after the memory slot and before them. */
static int create_machine(struct guest *g)
{
	unsigned devices = g->plan.proto->devices;

	if (g->plan.proto->load(&g->vm, &g->image, &g->plan) < 0)
		return -1;
	if (devices & BOOT_DEV_IRQCHIP) {
		/* The MP and ACPI tables number the IOAPIC after the CPUs. */
		if (vm_create_irqchip(&g->vm, g->kvm_fd) < 0 ||
		    vm_set_ioapic_id(&g->vm, (uint8_t)g->plan.nr_vcpus) < 0)
			return -1;
		g->uart.set_irq = uart_irq;
		g->uart.irq_opaque = g;
	}
	if (devices & BOOT_DEV_PC) {
		g->vcpu.shutdown_resets = true; /* Linux resets a PC this way too */
		g->uart.input_needs_rts = true;
		i8042_init(&g->i8042);
		rtc_init(&g->rtc);
	}
	if (create_vcpus(g) < 0)
		return -1;
	/* Only THR (offset 0): any other UART access still exits, and the
	 * queue is replayed before it, so the guest cannot tell. */
	if (g->opts->coalesced_io && (devices & BOOT_DEV_COALESCE) &&
	    (vm_coalesce_pio(&g->vm, g->kvm_fd, UART_COM1_BASE, 1) < 0 ||
	     vcpu_enable_coalesced(&g->vcpu) < 0))
		return -1;
	return g->plan.proto->setup_vcpu(&g->vcpu, &g->plan);
}

int guest_setup(struct guest *g)
{
	console_out_init(&g->out, STDOUT_FILENO, g->opts->tag ? g->name : NULL,
			 g->stdout_lock);
	/* Every stop cancels vCPU 0, whichever vCPU is writing. */
	console_out_set_cancel(&g->out, &g->vcpu.cancel);
	if (guest_shares_console_lines(g))
		console_out_set_lines(&g->out);
	console_in_init(&g->in, g->input_fd, &g->vcpu.cancel);
	/* Published once both are initialised: main's tick flushes out, and
	 * main watches in for Ctrl-A X (guest_quit_requested). */
	__atomic_store_n(&g->out_ready, true, __ATOMIC_SEQ_CST);
	fw_cfg_init(&g->fw_cfg);
	uart_init(&g->uart, &g->out, g->input_fd >= 0 ? &g->in : NULL);
	if (g->opts->dump_mem && guest_open_dump_file(g) < 0)
		return STATUS_HOST_ERROR;
	if (g->trace_file &&
	    !(g->trace = trace_guest_new(g->trace_file, g->index, g->name, g->plan.nr_vcpus)))
		return STATUS_HOST_ERROR;
	if (vm_create(&g->vm, g->kvm_fd, g->plan.mem_size, boot_ram_mapping(&g->plan, g->opts)) < 0 ||
	    create_machine(g) < 0)
		return status_from_errno(errno);
	g->in.escapes = g->input_fd >= 0 && g->raw_terminal;
	g->in.msg_fd = STDERR_FILENO;
	hypercall_init(&g->hypercall, &g->vm, &g->out, &g->in);
	if (register_devices(g) < 0)
		return throw_err(STATUS_NO_KVM, "%s: cannot register devices", g->name);
	if (g->input_fd >= 0 && (g->vm.has_irqchip || g->in.escapes)) {
		if (pthread_create(&g->input_thread, NULL, guest_input_thread, g) != 0)
			return throw_err(STATUS_HOST_ERROR, "%s: cannot start the input thread",
					 g->name);
		g->input_started = true;
	}
	return 0;
}
