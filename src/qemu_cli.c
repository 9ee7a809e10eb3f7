/* kvm-vmm-qemu's command line (qemu_cli.h): QEMU's option table, each
 * option applied to struct options as it comes, then what the whole line
 * needs (a -kernel, QEMU's default RAM). The values that are option
 * lists are read in qemu_cli_lists.c. */
#include <stdio.h>
#include <string.h>

#include "minikvm/abi.h"
#include "qemu_cli_help.h"
#include "qemu_cli_impl.h"

/* One option kvm-vmm cannot honour: named the way it was given, with the
 * document that lists what it can. */
int qemu_cli_refuse(const char *opt, const char *value, const char *why)
{
	if (value)
		fprintf(stderr, QEMU_CLI_NAME ": %s %s: %s (" COMPAT_DOC ")\n", opt, value, why);
	else
		fprintf(stderr, QEMU_CLI_NAME ": %s: %s (" COMPAT_DOC ")\n", opt, why);
	return STATUS_USAGE;
}

/* A value that is wrong for QEMU too. */
int qemu_cli_invalid(const char *opt, const char *value, const char *why)
{
	fprintf(stderr, QEMU_CLI_NAME ": %s %s: %s\n", opt, value, why);
	return STATUS_USAGE;
}

bool qemu_cli_wanted(const char *argv0)
{
	const char *base;

	if (!argv0)
		return false;
	base = strrchr(argv0, '/');
	base = base ? base + 1 : argv0;
	return strcmp(base, QEMU_CLI_NAME) == 0 ||
	       strncmp(base, "qemu-system-", strlen("qemu-system-")) == 0;
}

/* --- the options ------------------------------------------------------ */

struct qemu_state {
	struct options *opts;
	char *kernel;
	bool serial_given;
};

/* -cpu MODEL[,+feat|-feat|feat=on|off...]: the CPUID the vCPUs get
 * (src/cpuid.h). */
static int parse_cpu(const char *opt, const char *val, struct qemu_state *s)
{
	const char *why;

	if (strcmp(val, "help") == 0 || strcmp(val, "?") == 0) {
		qemu_print_cpus();
		return QEMU_CLI_EXIT_OK;
	}
	if (cpuid_policy_parse(val, &s->opts->cpu, &why) < 0)
		return qemu_cli_refuse(opt, val, why);
	return 0;
}

/* -global kvm-pit.lost_tick_policy=discard|delay: how QEMU asks the
 * in-kernel PIT to treat ticks the guest missed while its vCPU was not
 * running (KVM_REINJECT_CONTROL). It matters only to a guest that keeps
 * time by counting PIT ticks under host load; the test kernels that pass it
 * do not, and kvm-vmm leaves KVM's own policy in place, so it is accepted
 * and ignored. Any other -global names a property kvm-vmm does not have. */
static int parse_global(const char *opt, const char *val)
{
	if (strcmp(val, "kvm-pit.lost_tick_policy=discard") == 0 ||
	    strcmp(val, "kvm-pit.lost_tick_policy=delay") == 0)
		return 0;
	return qemu_cli_refuse(opt, val, UNSUPPORTED);
}

enum qemu_opt_id {
	Q_KERNEL,
	Q_INITRD,
	Q_APPEND,
	Q_SMP,
	Q_MEM,
	Q_DEVICE,
	Q_SERIAL,
	Q_DISPLAY,
	Q_VGA,
	Q_VNC,
	Q_MONITOR,
	Q_NOGRAPHIC,
	Q_NODEFAULTS,
	Q_NO_REBOOT,
	Q_NAME,
	Q_MACHINE,
	Q_ACCEL,
	Q_ENABLE_KVM,
	Q_CPU,
	Q_GLOBAL,
	Q_SANDBOX,
	Q_GDB,
	Q_GDB_DEFAULT,
	Q_FREEZE,
	Q_VERSION,
	Q_HELP,
};

static const struct qemu_opt {
	const char *name;
	bool has_arg;
	enum qemu_opt_id id;
} qemu_opts[] = {
	{ "kernel", true, Q_KERNEL },
	{ "initrd", true, Q_INITRD },
	{ "append", true, Q_APPEND },
	{ "smp", true, Q_SMP },
	{ "m", true, Q_MEM },
	{ "device", true, Q_DEVICE },
	{ "serial", true, Q_SERIAL },
	{ "display", true, Q_DISPLAY },
	{ "vga", true, Q_VGA },
	{ "vnc", true, Q_VNC },
	{ "monitor", true, Q_MONITOR },
	{ "nographic", false, Q_NOGRAPHIC },
	{ "nodefaults", false, Q_NODEFAULTS },
	{ "no-reboot", false, Q_NO_REBOOT },
	{ "name", true, Q_NAME },
	{ "machine", true, Q_MACHINE },
	{ "M", true, Q_MACHINE },
	{ "accel", true, Q_ACCEL },
	{ "enable-kvm", false, Q_ENABLE_KVM },
	{ "cpu", true, Q_CPU },
	{ "global", true, Q_GLOBAL },
	{ "sandbox", true, Q_SANDBOX },
	{ "gdb", true, Q_GDB },
	{ "s", false, Q_GDB_DEFAULT },
	{ "S", false, Q_FREEZE },
	{ "version", false, Q_VERSION },
	{ "h", false, Q_HELP },
	{ "help", false, Q_HELP },
};

static const struct qemu_opt *find_option(const char *arg)
{
	const char *name = arg + 1;

	if (*name == '-') /* QEMU reads --foo as -foo */
		name++;
	for (size_t i = 0; i < sizeof(qemu_opts) / sizeof(qemu_opts[0]); i++)
		if (strcmp(name, qemu_opts[i].name) == 0)
			return &qemu_opts[i];
	return NULL;
}

/* What an option group's reader returns for an option not in it (not
 * QEMU_CLI_EXIT_OK, which is -1). */
#define NOT_IN_GROUP (-2)

/* The serial port, the display and the monitor, and the options that ask
 * for what kvm-vmm does anyway. */
static int console_option(const struct qemu_opt *q, const char *opt, const char *val,
			  struct qemu_state *s)
{
	switch (q->id) {
	case Q_SERIAL:
		/* COM1 is always on stdio; mon:stdio muxes QEMU's monitor in,
		 * which kvm-vmm has not (Ctrl-A X still quits at a terminal). */
		if (strcmp(val, "stdio") != 0 && strcmp(val, "mon:stdio") != 0)
			return qemu_cli_refuse(opt, val, "kvm-vmm's serial port is on stdio only");
		if (s->serial_given)
			return qemu_cli_refuse(opt, val, "kvm-vmm has one serial port");
		s->serial_given = true;
		return 0;
	case Q_DISPLAY:
	case Q_VGA:
	case Q_VNC:
		/* No display device to turn off. */
		if (strcmp(val, "none") != 0)
			return qemu_cli_refuse(opt, val, "kvm-vmm has no display");
		return 0;
	case Q_MONITOR:
		if (strcmp(val, "none") != 0)
			return qemu_cli_refuse(opt, val, "kvm-vmm has no monitor");
		return 0;
	case Q_NOGRAPHIC:   /* no display; the serial port is on stdio anyway */
	case Q_NODEFAULTS:  /* kvm-vmm adds no default devices to remove */
	case Q_NO_REBOOT:   /* a reset request ends the run in kvm-vmm */
	case Q_ENABLE_KVM:  /* KVM is the only accelerator */
	case Q_NAME:        /* QEMU's window title; kvm-vmm has none */
		return 0;
	default:
		return NOT_IN_GROUP;
	}
}

/* -gdb, -s and -S: kvm-vmm's --gdb and --gdb-wait, in either order. */
static int gdb_option(const struct qemu_opt *q, const char *opt, const char *val,
		      struct options *opts)
{
	bool wait = opts->gdb.wait;
	const char *why;

	switch (q->id) {
	case Q_GDB: /* tcp::PORT, tcp:HOST:PORT */
		if (strncmp(val, "tcp:", 4) != 0)
			return qemu_cli_refuse(opt, val, "kvm-vmm's gdb server is on TCP only: tcp::PORT or tcp:HOST:PORT");
		if (gdb_spec_parse(val, &opts->gdb, &why) < 0)
			return qemu_cli_invalid(opt, val, why);
		opts->gdb.wait = wait;
		return 0;
	case Q_GDB_DEFAULT: /* -gdb tcp::1234 */
		if (!opts->gdb.enabled) {
			gdb_spec_default(&opts->gdb);
			opts->gdb.wait = wait;
		}
		opts->gdb.enabled = true;
		return 0;
	case Q_FREEZE: /* -S: until gdb continues (kvm-vmm has no monitor) */
		opts->gdb.wait = true;
		return 0;
	default:
		return NOT_IN_GROUP;
	}
}

/* kvm-vmm's own sandbox is on unless -sandbox off; QEMU's sub-options
 * only narrow what kvm-vmm never allows anyway. */
static int parse_sandbox(const char *opt, const char *val, struct options *opts)
{
	if (strncmp(val, "off", 3) == 0 && (val[3] == '\0' || val[3] == ','))
		opts->no_sandbox = true;
	else if (strncmp(val, "on", 2) != 0 || (val[2] != '\0' && val[2] != ','))
		return qemu_cli_invalid(opt, val, "need on or off");
	return 0;
}

/* The guest, the machine it gets, and -version and -help. */
static int machine_option(const struct qemu_opt *q, const char *opt, const char *val,
			  struct qemu_state *s)
{
	struct options *opts = s->opts;

	switch (q->id) {
	case Q_KERNEL: s->kernel = (char *)val; return 0;
	case Q_INITRD: opts->initrd = val; return 0;
	case Q_APPEND: opts->cmdline = val; return 0;
	case Q_SMP: return qemu_cli_smp(opt, val, &opts->smp);
	case Q_MEM: return qemu_cli_mem(opt, val, opts);
	case Q_DEVICE: return qemu_cli_device(opt, val, opts);
	case Q_MACHINE: return qemu_cli_machine(opt, val);
	case Q_ACCEL: return qemu_cli_accel(opt, val);
	case Q_CPU: return parse_cpu(opt, val, s);
	case Q_GLOBAL: return parse_global(opt, val);
	case Q_SANDBOX: return parse_sandbox(opt, val, opts);
	case Q_VERSION:
		qemu_print_version();
		return QEMU_CLI_EXIT_OK;
	case Q_HELP:
		qemu_print_help();
		return QEMU_CLI_EXIT_OK;
	default:
		return NOT_IN_GROUP;
	}
}

static int apply_option(const struct qemu_opt *q, const char *opt, const char *val,
			struct qemu_state *s)
{
	int status = machine_option(q, opt, val, s);

	if (status == NOT_IN_GROUP)
		status = console_option(q, opt, val, s);
	if (status == NOT_IN_GROUP)
		status = gdb_option(q, opt, val, s->opts);
	return status == NOT_IN_GROUP ? qemu_cli_refuse(opt, NULL, UNSUPPORTED) : status;
}

int qemu_cli_parse(int argc, char **argv, struct options *opts)
{
	static char *kernel_image[1];
	struct qemu_state s = { .opts = opts };
	int status;

	memset(opts, 0, sizeof(*opts));
	opts->smp = 1;
	opts->qemu_statuses = true;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const struct qemu_opt *q;

		if (arg[0] != '-')
			return qemu_cli_refuse(arg, NULL, "disk images are " UNSUPPORTED);
		q = find_option(arg);
		if (!q)
			return qemu_cli_refuse(arg, NULL, UNSUPPORTED);
		if (q->has_arg && i + 1 >= argc) {
			fprintf(stderr, QEMU_CLI_NAME ": %s: requires an argument\n", arg);
			return STATUS_USAGE;
		}
		status = apply_option(q, arg, q->has_arg ? argv[++i] : NULL, &s);
		if (status)
			return status;
	}
	if (!s.kernel) {
		fprintf(stderr, QEMU_CLI_NAME ": no -kernel given\n");
		return STATUS_USAGE;
	}
	if (opts->gdb.wait && !opts->gdb.enabled)
		return qemu_cli_refuse("-S", NULL, "kvm-vmm has no monitor to continue the guest: give -s or -gdb too");
	/* kvm-vmm tells a bzImage from a multiboot kernel by its header, so
	 * the file is a guest image and opts->kernel stays NULL. */
	kernel_image[0] = s.kernel;
	opts->images = kernel_image;
	opts->nimages = 1;
	/* QEMU's pc machine has 128 MiB unless -m says otherwise. */
	if (!opts->mem_given) {
		opts->mem_given = true;
		opts->mem_size = QEMU_CLI_DEFAULT_MEM;
	}
	return 0;
}
