#include "qemu_cli.h"
#include "qemu_cli_help.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minikvm/abi.h"

#define UNSUPPORTED "not supported by kvm-vmm"

#define STR_(x) #x
#define STR(x) STR_(x)


/* One option kvm-vmm cannot honour: named the way it was given, with the
 * document that lists what it can. */
static int refuse(const char *opt, const char *value, const char *why)
{
	if (value)
		fprintf(stderr, QEMU_CLI_NAME ": %s %s: %s (" COMPAT_DOC ")\n", opt, value, why);
	else
		fprintf(stderr, QEMU_CLI_NAME ": %s: %s (" COMPAT_DOC ")\n", opt, why);
	return STATUS_USAGE;
}

/* A value that is wrong for QEMU too. */
static int invalid(const char *opt, const char *value, const char *why)
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

/* --- QEMU's "a,b=c,d" option lists ------------------------------------ */

/* Copies the next item of a list into buf, ",," read as a comma (QEMU's
 * escape), and moves *p past it. 1: an item; 0: the end; -1: too long. */
static int next_item(const char **p, char *buf, size_t size)
{
	const char *s = *p;
	size_t n = 0;

	if (!s)
		return 0;
	for (;;) {
		if (*s == ',' && s[1] == ',') {
			s++;
		} else if (*s == ',' || *s == '\0') {
			*p = *s ? s + 1 : NULL;
			break;
		}
		if (n + 1 >= size)
			return -1;
		buf[n++] = *s++;
	}
	buf[n] = '\0';
	return 1;
}

/* Splits "key=value" in place; NULL for a bare item. */
static char *item_value(char *item)
{
	char *eq = strchr(item, '=');

	if (!eq)
		return NULL;
	*eq = '\0';
	return eq + 1;
}

/* A whole number, decimal or 0x hex (or 0 octal), as QEMU's properties
 * take it; 0 on success. */
static int parse_number(const char *text, uint64_t *value)
{
	char *end;

	if (!text || *text < '0' || *text > '9')
		return -1;
	errno = 0;
	*value = strtoull(text, &end, 0);
	return errno || *end ? -1 : 0;
}

/* --- the options ------------------------------------------------------ */

struct qemu_state {
	struct options *opts;
	char *kernel;
	bool serial_given;
};

/* -smp [cpus=]n[,maxcpus=n][,sockets=n]...: QEMU's rule for n when cpus is
 * left out is maxcpus, else the product of the topology. The topology
 * itself is not shown to the guest: each vCPU is one processor in the
 * tables kvm-vmm builds. */
static int parse_smp(const char *opt, const char *val, int *smp)
{
	static const char *const topology[] = {
		"drawers", "books", "sockets", "dies", "clusters", "cores", "threads",
	};
	const char *p = val;
	char item[128];
	uint64_t cpus = 0, maxcpus = 0, product = 1, n;
	bool first = true;
	int r;

	while ((r = next_item(&p, item, sizeof(item))) > 0) {
		char *value = item_value(item);
		const char *key = item;
		bool known = false;

		if (!value) {
			if (!first)
				return invalid(opt, val, "need [cpus=]n[,maxcpus=n][,sockets=n]...");
			key = "cpus";
			value = item;
		}
		first = false;
		if (parse_number(value, &n) || n > 1u << 20)
			return invalid(opt, val, "need [cpus=]n[,maxcpus=n][,sockets=n]...");
		if (strcmp(key, "cpus") == 0) {
			if (n == 0)
				return invalid(opt, val, "kvm-vmm runs 1 to " STR(MAX_VCPUS) " vCPUs");
			cpus = n;
			known = true;
		} else if (strcmp(key, "maxcpus") == 0) {
			maxcpus = n;
			known = true;
		}
		for (size_t i = 0; !known && i < sizeof(topology) / sizeof(topology[0]); i++) {
			if (strcmp(key, topology[i]) == 0) {
				known = true;
				if (n) /* 0: "work it out", as QEMU reads it */
					product *= n;
				if (product > 1u << 20)
					product = 1u << 20;
			}
		}
		if (!known)
			return refuse(opt, val, UNSUPPORTED);
	}
	if (r < 0 || first)
		return invalid(opt, val, "need [cpus=]n[,maxcpus=n][,sockets=n]...");
	if (!cpus)
		cpus = maxcpus ? maxcpus : product;
	if (maxcpus && maxcpus < cpus)
		return invalid(opt, val, "maxcpus must be equal to or greater than smp");
	if (maxcpus && maxcpus != cpus)
		return refuse(opt, val, "CPU hotplug (maxcpus above cpus) is " UNSUPPORTED);
	if (cpus < 1 || cpus > MAX_VCPUS)
		return invalid(opt, val, "kvm-vmm runs 1 to " STR(MAX_VCPUS) " vCPUs");
	*smp = (int)cpus;
	return 0;
}

/* QEMU's size: a bare number is MiB, a B suffix bytes, K/M/G as usual. */
static int parse_mem_size(const char *text, uint64_t *bytes)
{
	size_t len = strlen(text);
	char digits[64];
	uint64_t value;

	if (len == 0 || len >= sizeof(digits))
		return -1;
	if (text[len - 1] >= '0' && text[len - 1] <= '9') {
		if (cli_parse_size(text, &value) || value > (UINT64_MAX >> 20))
			return -1;
		*bytes = value << 20;
		return 0;
	}
	if ((text[len - 1] == 'B' || text[len - 1] == 'b') && len >= 2 &&
	    text[len - 2] >= '0' && text[len - 2] <= '9') {
		memcpy(digits, text, len - 1);
		digits[len - 1] = '\0';
		return cli_parse_size(digits, bytes);
	}
	return cli_parse_size(text, bytes);
}

/* -m [size=]megs; slots= and maxmem= ask for memory hotplug. */
static int parse_mem(const char *opt, const char *val, struct options *opts)
{
	const char *p = val;
	char item[128];
	const char *size = NULL;
	bool first = true;
	int r;

	while ((r = next_item(&p, item, sizeof(item))) > 0) {
		char *value = item_value(item);

		if (!value && first) {
			value = item;
		} else if (!value || strcmp(item, "size") != 0) {
			if (value && (strcmp(item, "slots") == 0 || strcmp(item, "maxmem") == 0))
				return refuse(opt, val, "memory hotplug (slots, maxmem) is " UNSUPPORTED);
			return refuse(opt, val, UNSUPPORTED);
		}
		first = false;
		if (parse_mem_size(value, &opts->mem_size))
			return invalid(opt, val, "need a size: a number of MiB, or with a suffix B, K, M, G");
		size = value;
	}
	if (r < 0 || !size)
		return invalid(opt, val, "need a size: a number of MiB, or with a suffix B, K, M, G");
	if (opts->mem_size < MIN_MEM_SIZE || opts->mem_size > MAX_MEM_SIZE ||
	    opts->mem_size % 4096)
		return invalid(opt, val, "kvm-vmm needs a multiple of 4K from 64K to 64G");
	opts->mem_given = true;
	return 0;
}

/* isa-debug-exit is always at DEBUG_EXIT_PORT in kvm-vmm: the -device
 * line is accepted when it asks for it there. An iosize below 4 claims
 * fewer ports under QEMU; a write to the base port ends the run alike. */
static int parse_debug_exit(const char *opt, const char *val, const char *props)
{
	const char *p = props;
	char item[128];
	uint64_t iobase = QEMU_DEBUG_EXIT_IOBASE, iosize = QEMU_DEBUG_EXIT_IOSIZE;
	int r;

	while ((r = next_item(&p, item, sizeof(item))) > 0) {
		char *value = item_value(item);

		if (value && strcmp(item, "iobase") == 0) {
			if (parse_number(value, &iobase))
				return invalid(opt, val, "iobase needs a number");
		} else if (value && strcmp(item, "iosize") == 0) {
			if (parse_number(value, &iosize))
				return invalid(opt, val, "iosize needs a number");
		} else if (!(value && strcmp(item, "id") == 0)) {
			return refuse(opt, val, "isa-debug-exit takes iobase=0xf4 and iosize in kvm-vmm");
		}
	}
	if (r < 0)
		return invalid(opt, val, "property too long");
	if (iobase != DEBUG_EXIT_PORT)
		return refuse(opt, val, "kvm-vmm has isa-debug-exit at iobase=0xf4 only");
	if (iosize < 1 || iosize > DEBUG_EXIT_NR_PORTS)
		return refuse(opt, val, "kvm-vmm's isa-debug-exit has iosize 4");
	return 0;
}

static int parse_device(const char *opt, const char *val, struct options *opts)
{
	const char *p = val;
	char driver[128], item[128];
	const char *props;
	char *value;
	int r;

	if (next_item(&p, driver, sizeof(driver)) <= 0 || !driver[0])
		return invalid(opt, val, "need a device name");
	value = item_value(driver);
	if (value && strcmp(driver, "driver") == 0)
		memmove(driver, value, strlen(value) + 1);
	else if (value)
		return invalid(opt, val, "need a device name first");
	if (strcmp(driver, "help") == 0 || strcmp(driver, "?") == 0) {
		qemu_print_devices();
		return QEMU_CLI_EXIT_OK;
	}
	props = p;
	if (strcmp(driver, "isa-debug-exit") == 0 || strcmp(driver, "pc-testdev") == 0) {
		/* DRIVER,help lists the properties, wherever "help" stands. */
		while ((r = next_item(&p, item, sizeof(item))) > 0) {
			if (strcmp(item, "help") == 0 || strcmp(item, "?") == 0) {
				qemu_print_device_properties(driver);
				return QEMU_CLI_EXIT_OK;
			}
		}
	}
	if (strcmp(driver, "isa-debug-exit") == 0)
		return parse_debug_exit(opt, val, props);
	if (strcmp(driver, "pc-testdev") == 0) {
		p = props;
		while ((r = next_item(&p, item, sizeof(item))) > 0) {
			value = item_value(item);
			if (!(value && strcmp(item, "id") == 0))
				return refuse(opt, val, "pc-testdev has no properties");
		}
		opts->pc_testdev = true;
		return 0;
	}
	if (strcmp(driver, "pci-testdev") == 0)
		return refuse(opt, val, "kvm-vmm has no PCI bus");
	return refuse(opt, val, UNSUPPORTED);
}

/* -machine / -M [type=]pc[,accel=kvm[:tcg]]: the PC, on KVM. */
static int parse_machine(const char *opt, const char *val)
{
	const char *p = val;
	char item[128];
	bool first = true;
	int r;

	while ((r = next_item(&p, item, sizeof(item))) > 0) {
		char *value = item_value(item);

		if (!value && first) {
			value = item;
			if (strcmp(value, "help") == 0 || strcmp(value, "?") == 0) {
				qemu_print_machines();
				return QEMU_CLI_EXIT_OK;
			}
			if (strcmp(value, "pc") != 0)
				return refuse(opt, val, "kvm-vmm is the machine \"pc\" only");
		} else if (value && strcmp(item, "type") == 0) {
			if (strcmp(value, "pc") != 0)
				return refuse(opt, val, "kvm-vmm is the machine \"pc\" only");
		} else if (value && strcmp(item, "accel") == 0) {
			/* A list tried in order: KVM first is KVM. */
			if (strncmp(value, "kvm", 3) != 0 || (value[3] && value[3] != ':'))
				return refuse(opt, val, "kvm-vmm runs on KVM only");
		} else {
			return refuse(opt, val, UNSUPPORTED);
		}
		first = false;
	}
	if (r < 0)
		return invalid(opt, val, "property too long");
	return 0;
}

static int parse_accel(const char *opt, const char *val)
{
	const char *p = val;
	char item[128];

	if (next_item(&p, item, sizeof(item)) <= 0 || !item[0])
		return invalid(opt, val, "need an accelerator");
	if (strcmp(item, "help") == 0 || strcmp(item, "?") == 0) {
		qemu_print_accels();
		return QEMU_CLI_EXIT_OK;
	}
	if (strcmp(item, "kvm") != 0 && strcmp(item, "accel=kvm") != 0)
		return refuse(opt, val, "kvm-vmm runs on KVM only");
	if (p)
		return refuse(opt, val, "KVM's properties are " UNSUPPORTED);
	return 0;
}

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
		return refuse(opt, val, why);
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
	return refuse(opt, val, UNSUPPORTED);
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

static int apply_option(const struct qemu_opt *q, const char *opt, const char *val,
			struct qemu_state *s)
{
	struct options *opts = s->opts;

	switch (q->id) {
	case Q_KERNEL:
		s->kernel = (char *)val;
		return 0;
	case Q_INITRD:
		opts->initrd = val;
		return 0;
	case Q_APPEND:
		opts->cmdline = val;
		return 0;
	case Q_SMP:
		return parse_smp(opt, val, &opts->smp);
	case Q_MEM:
		return parse_mem(opt, val, opts);
	case Q_DEVICE:
		return parse_device(opt, val, opts);
	case Q_SERIAL:
		/* COM1 is always on stdio; mon:stdio muxes QEMU's monitor in,
		 * which kvm-vmm has not (Ctrl-A X still quits at a terminal). */
		if (strcmp(val, "stdio") != 0 && strcmp(val, "mon:stdio") != 0)
			return refuse(opt, val, "kvm-vmm's serial port is on stdio only");
		if (s->serial_given)
			return refuse(opt, val, "kvm-vmm has one serial port");
		s->serial_given = true;
		return 0;
	case Q_DISPLAY:
	case Q_VGA:
	case Q_VNC:
		/* No display device to turn off. */
		if (strcmp(val, "none") != 0)
			return refuse(opt, val, "kvm-vmm has no display");
		return 0;
	case Q_MONITOR:
		if (strcmp(val, "none") != 0)
			return refuse(opt, val, "kvm-vmm has no monitor");
		return 0;
	case Q_NOGRAPHIC:   /* no display; the serial port is on stdio anyway */
	case Q_NODEFAULTS:  /* kvm-vmm adds no default devices to remove */
	case Q_NO_REBOOT:   /* a reset request ends the run in kvm-vmm */
	case Q_ENABLE_KVM:  /* KVM is the only accelerator */
		return 0;
	case Q_MACHINE:
		return parse_machine(opt, val);
	case Q_ACCEL:
		return parse_accel(opt, val);
	case Q_CPU:
		return parse_cpu(opt, val, s);
	case Q_GLOBAL:
		return parse_global(opt, val);
	case Q_SANDBOX:
		/* kvm-vmm's own sandbox is on unless -sandbox off; QEMU's
		 * sub-options only narrow what kvm-vmm never allows anyway. */
		if (strncmp(val, "off", 3) == 0 && (val[3] == '\0' || val[3] == ','))
			opts->no_sandbox = true;
		else if (strncmp(val, "on", 2) != 0 || (val[2] != '\0' && val[2] != ','))
			return invalid(opt, val, "need on or off");
		return 0;
	case Q_GDB: { /* tcp::PORT, tcp:HOST:PORT: kvm-vmm's --gdb */
		const char *why;
		bool wait = opts->gdb.wait;

		if (strncmp(val, "tcp:", 4) != 0)
			return refuse(opt, val, "kvm-vmm's gdb server is on TCP only: tcp::PORT or tcp:HOST:PORT");
		if (gdb_spec_parse(val, &opts->gdb, &why) < 0)
			return invalid(opt, val, why);
		opts->gdb.wait = wait;
		return 0;
	}
	case Q_GDB_DEFAULT: /* -gdb tcp::1234 */
		if (!opts->gdb.enabled) {
			bool wait = opts->gdb.wait;

			gdb_spec_default(&opts->gdb);
			opts->gdb.wait = wait;
		}
		opts->gdb.enabled = true;
		return 0;
	case Q_FREEZE: /* -S: until gdb continues (kvm-vmm has no monitor) */
		opts->gdb.wait = true;
		return 0;
	case Q_VERSION:
		qemu_print_version();
		return QEMU_CLI_EXIT_OK;
	case Q_HELP:
		qemu_print_help();
		return QEMU_CLI_EXIT_OK;
	}
	return refuse(opt, NULL, UNSUPPORTED);
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
			return refuse(arg, NULL, "disk images are " UNSUPPORTED);
		q = find_option(arg);
		if (!q)
			return refuse(arg, NULL, UNSUPPORTED);
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
		return refuse("-S", NULL, "kvm-vmm has no monitor to continue the guest: give -s or -gdb too");
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
