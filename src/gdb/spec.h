/* --gdb's argument: where the stub listens and for which guest, parsed
 * without side effects so cli.c can refuse a bad one as a usage error and
 * the unit tests can try every form. */
#ifndef MINIKVM_GDB_SPEC_H
#define MINIKVM_GDB_SPEC_H

#include <stdbool.h>
#include <stdint.h>

#define GDB_DEFAULT_HOST "127.0.0.1"
#define GDB_DEFAULT_PORT 1234

/* The register layout gdb gets: auto (from the boot protocol and the
 * vCPU's mode when gdb connects), or the one named with arch=. */
enum gdb_arch_choice {
	GDB_ARCH_AUTO,
	GDB_ARCH_I8086,
	GDB_ARCH_I386,
	GDB_ARCH_X86_64,
};

struct gdb_spec {
	bool enabled;	/* --gdb or --gdb-wait given */
	bool wait;	/* --gdb-wait: stopped before the first instruction */
	char host[16];	/* dotted IPv4, default 127.0.0.1 */
	uint16_t port;	/* 0: any free port (kvm-vmm says which) */
	int guest;	/* which guest, counted from 0 (guest=N counts from 1) */
	enum gdb_arch_choice arch;
};

/* Fills spec from "[HOST:]PORT[,guest=N][,arch=i8086|i386|x86-64]" (also
 * QEMU's "tcp::PORT" and "tcp:HOST:PORT"); HOST is an IPv4 address,
 * "localhost", or empty for 127.0.0.1. 0, or -1 with *why set. */
int gdb_spec_parse(const char *text, struct gdb_spec *spec, const char **why);
/* The defaults: 127.0.0.1:1234, the first guest, layout auto. */
void gdb_spec_default(struct gdb_spec *spec);

#endif
