/* What qemu_cli.c's parts share and nothing else: qemu_cli.c has QEMU's
 * option table and applies each option; qemu_cli_lists.c reads the values
 * that are QEMU option lists ("a,b=c,d": -smp, -m, -device, -machine,
 * -accel). Every refusal goes through the two reports below, in one line. */
#ifndef MINIKVM_QEMU_CLI_IMPL_H
#define MINIKVM_QEMU_CLI_IMPL_H

#include "qemu_cli.h"

#define UNSUPPORTED "not supported by kvm-vmm"

/* One option kvm-vmm cannot honour: named the way it was given (value may
 * be NULL), with the document that lists what it can; STATUS_USAGE. */
int qemu_cli_refuse(const char *opt, const char *value, const char *why);
/* A value that is wrong for QEMU too; STATUS_USAGE. */
int qemu_cli_invalid(const char *opt, const char *value, const char *why);

/* Each reads val, the value of the option opt (named as typed, in the
 * reports): 0, STATUS_USAGE after one line, or QEMU_CLI_EXIT_OK after
 * printing the list that "help" asks for. */
int qemu_cli_smp(const char *opt, const char *val, int *smp);
int qemu_cli_mem(const char *opt, const char *val, struct options *opts);
int qemu_cli_device(const char *opt, const char *val, struct options *opts);
int qemu_cli_machine(const char *opt, const char *val);
int qemu_cli_accel(const char *opt, const char *val);

#endif
