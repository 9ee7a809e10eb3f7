/* The values of QEMU's options that are option lists, "a,b=c,d" with ",,"
 * for a comma: -smp's topology, -m's size, -device's driver and
 * properties, -machine, -accel. Each is read the way QEMU reads it, and
 * what kvm-vmm has no counterpart for is refused rather than ignored. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "minikvm/abi.h"
#include "qemu_cli_help.h"
#include "qemu_cli_impl.h"

#define STR_(x) #x
#define STR(x) STR_(x)

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

/* -smp [cpus=]n[,maxcpus=n][,sockets=n]...: QEMU's rule for n when cpus is
 * left out is maxcpus, else the product of the topology. The topology
 * itself is not shown to the guest: each vCPU is one processor in the
 * tables kvm-vmm builds. */
int qemu_cli_smp(const char *opt, const char *val, int *smp)
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
				return qemu_cli_invalid(opt, val, "need [cpus=]n[,maxcpus=n][,sockets=n]...");
			key = "cpus";
			value = item;
		}
		first = false;
		if (parse_number(value, &n) || n > 1u << 20)
			return qemu_cli_invalid(opt, val, "need [cpus=]n[,maxcpus=n][,sockets=n]...");
		if (strcmp(key, "cpus") == 0) {
			if (n == 0)
				return qemu_cli_invalid(opt, val, "kvm-vmm runs 1 to " STR(MAX_VCPUS) " vCPUs");
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
			return qemu_cli_refuse(opt, val, UNSUPPORTED);
	}
	if (r < 0 || first)
		return qemu_cli_invalid(opt, val, "need [cpus=]n[,maxcpus=n][,sockets=n]...");
	if (!cpus)
		cpus = maxcpus ? maxcpus : product;
	if (maxcpus && maxcpus < cpus)
		return qemu_cli_invalid(opt, val, "maxcpus must be equal to or greater than smp");
	if (maxcpus && maxcpus != cpus)
		return qemu_cli_refuse(opt, val, "CPU hotplug (maxcpus above cpus) is " UNSUPPORTED);
	if (cpus < 1 || cpus > MAX_VCPUS)
		return qemu_cli_invalid(opt, val, "kvm-vmm runs 1 to " STR(MAX_VCPUS) " vCPUs");
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
int qemu_cli_mem(const char *opt, const char *val, struct options *opts)
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
				return qemu_cli_refuse(opt, val, "memory hotplug (slots, maxmem) is " UNSUPPORTED);
			return qemu_cli_refuse(opt, val, UNSUPPORTED);
		}
		first = false;
		if (parse_mem_size(value, &opts->mem_size))
			return qemu_cli_invalid(opt, val, "need a size: a number of MiB, or with a suffix B, K, M, G");
		size = value;
	}
	if (r < 0 || !size)
		return qemu_cli_invalid(opt, val, "need a size: a number of MiB, or with a suffix B, K, M, G");
	if (opts->mem_size < MIN_MEM_SIZE || opts->mem_size > MAX_MEM_SIZE ||
	    opts->mem_size % 4096)
		return qemu_cli_invalid(opt, val, "kvm-vmm needs a multiple of 4K from 64K to 64G");
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
				return qemu_cli_invalid(opt, val, "iobase needs a number");
		} else if (value && strcmp(item, "iosize") == 0) {
			if (parse_number(value, &iosize))
				return qemu_cli_invalid(opt, val, "iosize needs a number");
		} else if (!(value && strcmp(item, "id") == 0)) {
			return qemu_cli_refuse(opt, val, "isa-debug-exit takes iobase=0xf4 and iosize in kvm-vmm");
		}
	}
	if (r < 0)
		return qemu_cli_invalid(opt, val, "property too long");
	if (iobase != DEBUG_EXIT_PORT)
		return qemu_cli_refuse(opt, val, "kvm-vmm has isa-debug-exit at iobase=0xf4 only");
	if (iosize < 1 || iosize > DEBUG_EXIT_NR_PORTS)
		return qemu_cli_refuse(opt, val, "kvm-vmm's isa-debug-exit has iosize 4");
	return 0;
}

int qemu_cli_device(const char *opt, const char *val, struct options *opts)
{
	const char *p = val;
	char driver[128], item[128];
	const char *props;
	char *value;
	int r;

	if (next_item(&p, driver, sizeof(driver)) <= 0 || !driver[0])
		return qemu_cli_invalid(opt, val, "need a device name");
	value = item_value(driver);
	if (value && strcmp(driver, "driver") == 0)
		memmove(driver, value, strlen(value) + 1);
	else if (value)
		return qemu_cli_invalid(opt, val, "need a device name first");
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
				return qemu_cli_refuse(opt, val, "pc-testdev has no properties");
		}
		opts->pc_testdev = true;
		return 0;
	}
	if (strcmp(driver, "pci-testdev") == 0)
		return qemu_cli_refuse(opt, val, "kvm-vmm has no PCI bus");
	return qemu_cli_refuse(opt, val, UNSUPPORTED);
}

/* -machine / -M [type=]pc[,accel=kvm[:tcg]]: the PC, on KVM. */
int qemu_cli_machine(const char *opt, const char *val)
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
				return qemu_cli_refuse(opt, val, "kvm-vmm is the machine \"pc\" only");
		} else if (value && strcmp(item, "type") == 0) {
			if (strcmp(value, "pc") != 0)
				return qemu_cli_refuse(opt, val, "kvm-vmm is the machine \"pc\" only");
		} else if (value && strcmp(item, "accel") == 0) {
			/* A list tried in order: KVM first is KVM. */
			if (strncmp(value, "kvm", 3) != 0 || (value[3] && value[3] != ':'))
				return qemu_cli_refuse(opt, val, "kvm-vmm runs on KVM only");
		} else {
			return qemu_cli_refuse(opt, val, UNSUPPORTED);
		}
		first = false;
	}
	if (r < 0)
		return qemu_cli_invalid(opt, val, "property too long");
	return 0;
}

int qemu_cli_accel(const char *opt, const char *val)
{
	const char *p = val;
	char item[128];

	if (next_item(&p, item, sizeof(item)) <= 0 || !item[0])
		return qemu_cli_invalid(opt, val, "need an accelerator");
	if (strcmp(item, "help") == 0 || strcmp(item, "?") == 0) {
		qemu_print_accels();
		return QEMU_CLI_EXIT_OK;
	}
	if (strcmp(item, "kvm") != 0 && strcmp(item, "accel=kvm") != 0)
		return qemu_cli_refuse(opt, val, "kvm-vmm runs on KVM only");
	if (p)
		return qemu_cli_refuse(opt, val, "KVM's properties are " UNSUPPORTED);
	return 0;
}
