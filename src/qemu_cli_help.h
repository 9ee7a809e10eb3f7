/* kvm-vmm-qemu's informational output (qemu_cli_help.c). */
#ifndef MINIKVM_QEMU_CLI_HELP_H
#define MINIKVM_QEMU_CLI_HELP_H

#define COMPAT_DOC "docs/qemu-compat.md"
/* QEMU's isa-debug-exit defaults, used when -device leaves them out. */
#define QEMU_DEBUG_EXIT_IOBASE 0x501
#define QEMU_DEBUG_EXIT_IOSIZE 0x2

void qemu_print_version(void);
void qemu_print_help(void);
void qemu_print_devices(void);
/* "-device DRIVER,help": the properties of one of the devices. */
void qemu_print_device_properties(const char *driver);
void qemu_print_machines(void);
void qemu_print_cpus(void);
void qemu_print_accels(void);

#endif
