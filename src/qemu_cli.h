/* kvm-vmm started as kvm-vmm-qemu (or qemu-system-*): QEMU's command line,
 * the subset a test harness uses to boot a multiboot kernel or a bzImage
 * (`-kernel K -initrd M -append A -smp N -m SIZE -serial stdio
 * -device isa-debug-exit,iobase=0xf4,iosize=4 ...`), mapped onto kvm-vmm's
 * struct options. An option kvm-vmm cannot honour is refused in one line
 * rather than ignored; docs/qemu-compat.md lists the subset. Like
 * cli_parse, parsing has no side effects beyond printing. */
#ifndef MINIKVM_QEMU_CLI_H
#define MINIKVM_QEMU_CLI_H

#include <stdbool.h>

#include "cli.h"

/* The name kvm-vmm answers to as QEMU, and the QEMU release whose command
 * line it follows (printed by -version, for harnesses that parse it). */
#define QEMU_CLI_NAME "kvm-vmm-qemu"
#define QEMU_CLI_QEMU_VERSION "7.2.0"

/* qemu_cli_parse's "exit 0 now": it has printed what QEMU prints for
 * -version, -h, -device help and the like. Never an exit status. */
#define QEMU_CLI_EXIT_OK (-1)
#define QEMU_CLI_DEFAULT_MEM (128u << 20) /* QEMU's, without -m */

/* True when argv0's basename is "kvm-vmm-qemu" or starts with
 * "qemu-system-". */
bool qemu_cli_wanted(const char *argv0);

/* Parses QEMU's options (argv[0] is the program) into *opts, which it
 * first clears (smp = 1, qemu_statuses = true). Returns 0; STATUS_USAGE
 * after one line on stderr; or QEMU_CLI_EXIT_OK after printing help or
 * version text on stdout. opts->images points at a static array holding
 * the -kernel file (argv's string): one parse at a time. */
int qemu_cli_parse(int argc, char **argv, struct options *opts);

#endif
