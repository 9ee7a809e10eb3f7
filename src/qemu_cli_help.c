/* What kvm-vmm-qemu prints where QEMU prints something and exits: the
 * version line, the help, and the lists harnesses probe for (-device help,
 * -machine help, -cpu help, -accel help), in QEMU's formats so their
 * parsers find what they look for. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "qemu_cli.h"
#include "qemu_cli_help.h"

void qemu_print_version(void)
{
	printf("QEMU emulator version " QEMU_CLI_QEMU_VERSION " (kvm-vmm " VMM_VERSION ")\n");
}

void qemu_print_help(void)
{
	qemu_print_version();
	printf("usage: " QEMU_CLI_NAME " [options]\n"
	       "\n"
	       "kvm-vmm (Mini-KVM) answering to QEMU's command line: the subset test\n"
	       "harnesses use to boot a kernel. An option it cannot honour is refused\n"
	       "with status 120; " COMPAT_DOC " lists the subset.\n"
	       "\n"
	       "Standard options:\n"
	       "-h or -help     display this help and exit\n"
	       "-version        display version information and exit\n"
	       "-machine [type=]pc[,accel=kvm]\n"
	       "                the PC machine on KVM (-M is the same)\n"
	       "-accel kvm      KVM, the only accelerator (-enable-kvm is the same)\n"
	       "-cpu host|max[,+feature|-feature|feature=on|off...]\n"
	       "                accepted; the vCPUs get the host's CPUID as KVM supports it\n"
	       "-smp [cpus=]n[,maxcpus=n][,sockets=n][,dies=n][,clusters=n][,cores=n][,threads=n]\n"
	       "                number of vCPUs, 1 to %d\n"
	       "-m [size=]megs  guest RAM: a bare number is MiB; suffixes B, K, M, G\n"
	       "-device isa-debug-exit,iobase=0xf4[,iosize=0x4]\n"
	       "                a write of v ends the run with status (v << 1) | 1\n"
	       "-device pc-testdev\n"
	       "                QEMU's x86 test device (ports 0xe0, 0xe4, 0x2000)\n"
	       "-device help    list the devices\n"
	       "-global kvm-pit.lost_tick_policy=discard|delay\n"
	       "                accepted and ignored\n"
	       "-sandbox on|off kvm-vmm's seccomp sandbox, on by default\n"
	       "\n"
	       "Debug/Expert options:\n"
	       "-gdb tcp::port  a gdb server on 127.0.0.1:port (tcp:host:port: on host)\n"
	       "-s              shorthand for -gdb tcp::1234\n"
	       "-S              freeze the guest at its first instruction until gdb\n"
	       "                continues it (needs -s or -gdb)\n"
	       "\n"
	       "Boot options:\n"
	       "-kernel bzImage multiboot kernel (ELF) or Linux bzImage\n"
	       "-append cmdline the kernel's command line\n"
	       "-initrd file    Linux's initramfs, or a multiboot kernel's modules:\n"
	       "                \"FILE ARGS,FILE ARGS\"\n"
	       "\n"
	       "Display, serial and monitor:\n"
	       "-serial stdio   COM1 on standard input and output (also mon:stdio)\n"
	       "-nographic, -display none, -vga none, -vnc none, -monitor none\n"
	       "                accepted: kvm-vmm has no display and no monitor\n"
	       "-nodefaults     accepted: kvm-vmm adds no default devices\n"
	       "-no-reboot      accepted: a reset request always ends the run\n"
	       "-name NAME      accepted: kvm-vmm names the guest after its image\n"
	       "\n"
	       "Exit status: isa-debug-exit's (v << 1) | 1; 0 when the guest asks to\n"
	       "shut down; 1 on an error; 120 for an option kvm-vmm cannot honour.\n",
	       MAX_VCPUS);
}

/* -device help, in QEMU's format: the devices -device accepts. */
void qemu_print_devices(void)
{
	printf("Misc devices:\n"
	       "name \"isa-debug-exit\", bus ISA\n"
	       "name \"pc-testdev\", bus ISA\n");
}

/* -device DRIVER,help: the properties, as QEMU 7.2 prints them. */
void qemu_print_device_properties(const char *driver)
{
	if (strcmp(driver, "isa-debug-exit") == 0)
		printf("isa-debug-exit options:\n"
		       "  iobase=<uint32>        -  (default: %d)\n"
		       "  iosize=<uint32>        -  (default: %d)\n",
		       QEMU_DEBUG_EXIT_IOBASE, QEMU_DEBUG_EXIT_IOSIZE);
	else
		printf("There are no options for %s.\n", driver);
}

void qemu_print_machines(void)
{
	printf("Supported machines are:\n"
	       "pc                   Standard PC, as kvm-vmm builds it (default)\n");
}

void qemu_print_cpus(void)
{
	printf("Available CPUs:\n"
	       "x86 host                  processor with all supported host features\n"
	       "x86 max                   Enables all features supported by the accelerator in the current host\n"
	       "x86 qemu64                QEMU Virtual CPU version 2.5+\n");
}

void qemu_print_accels(void)
{
	printf("Accelerators supported in QEMU binary:\n"
	       "kvm\n");
}

