/* What kvm-vmm --help and --version print: the options, the statuses
 * (from status.c's table) and where `make install` put the guests and the
 * docs; the Makefile compiles its DATADIR and DOCDIR into this file. */
#include <stdio.h>
#include <string.h>

#include "boot/bzimage.h"
#include "cli.h"
#include "status.h"

void cli_print_help(void)
{
	printf("Usage: kvm-vmm [OPTION]... GUEST [GUEST]...\n"
	       "  or:  kvm-vmm -k KERNEL [-i INITRD] [-p CMDLINE] [-m SIZE] [-c N]\n"
	       "Run guests on /dev/kvm, each in a VM of its own on its own vCPU thread,\n"
	       "all at once. A GUEST is a 16-bit real-mode flat binary (origin 0, loaded\n"
	       "at 0x10000, CS=DS=SS=0x1000), a multiboot (v1) ELF32 kernel such as\n"
	       "build/os1k/kernel-x86_64.elf, a 64-bit Linux bzImage (console ttyS0),\n"
	       "or, with --paging or --long-mode, a flat 32-bit or 64-bit binary.\n"
	       "\n"
	       "Boot:\n"
	       "  -k, --kernel=FILE      boot this kernel (instead of GUESTs): a Linux\n"
	       "                         bzImage or vmlinux (ELF), or a multiboot kernel,\n"
	       "                         as its header says, or with --paging or\n"
	       "                         --long-mode a flat one\n"
	       "      --linux=FILE       the same\n"
	       "      --boot-entry=pvh|elf64  a vmlinux's entry: PVH (the default when\n"
	       "                         its note is there) or the 64-bit ELF entry\n"
	       "  -i, --initrd=FILE      initramfs for the Linux kernel; for a multiboot\n"
	       "                         kernel, its modules: \"FILE args,FILE\"\n"
	       "  -c, --smp=N            vCPUs of a Linux or multiboot guest, 1-%d\n"
	       "                         (default 1); --cpus=N the same\n"
	       "  -m, --mem=SIZE         guest RAM per VM: a number of MiB (512), or with\n"
	       "                         a suffix K, M, G, or B for bytes (64K, 65536B);\n"
	       "                         default 1M for real-mode binaries, 4M for\n"
	       "                         --paging and --long-mode, 64M for multiboot\n"
	       "                         kernels, 256M for Linux\n"
	       "      --huge-pages=on|off  back guest RAM of 2M or more with 2 MiB host\n"
	       "                         pages: fewer page faults, but each page a guest\n"
	       "                         touches costs the host 2M (default: on for\n"
	       "                         Linux, off for the others)\n"
	       "  -p, --append=CMDLINE   command line of a Linux or multiboot kernel; for\n"
	       "                         Linux, added to \"" BZ_BASE_CMDLINE "\"\n"
	       "      --cmdline=CMDLINE, --params=CMDLINE  the same\n"
	       "      --paging           flat 32-bit kernel under paging the VMM sets up:\n"
	       "                         0-4M mapped at 0 and at 0x80000000\n"
	       "      --long-mode        flat 64-bit binary, all RAM identity-mapped\n"
	       "      --load=OFFSET      where a --paging/--long-mode file goes (0x1000)\n"
	       "      --entry=ADDR       where it starts (--paging: 0x80001000;\n"
	       "                         --long-mode: the load offset)\n"
	       "      --device=pc-testdev  multiboot kernels: QEMU's test device\n"
	       "      --cpu=MODEL[,+FEATURE|,-FEATURE]...  the CPUID the guest sees:\n"
	       "                         host (default), max or qemu64, as QEMU's -cpu\n"
	       "QEMU's spellings work too: -kernel, -initrd, -append, -smp, -m, -cpu,\n"
	       "-device; -nographic and -serial stdio are accepted (the console is always\n"
	       "COM1 on standard input and output).\n"
	       "\n"
	       "Run and report:\n"
	       "      --tag              prefix each output line with the guest's name\n"
	       "      --timeout=SECONDS  stop guests still running after SECONDS\n"
	       "      --stats            print the VM exits to user space (by reason and\n"
	       "                         port) and timing to stderr at the end\n"
	       "      --stats-json=FILE  write the same statistics as JSON to FILE;\n"
	       "                         '-': to standard output, after the guests' output\n"
	       "      --trace=FILE       write every VM exit to FILE as a timeline (Chrome\n"
	       "                         Trace Event JSON: Perfetto, chrome://tracing)\n"
	       "  -v, --verbose          one line per VM exit on stderr\n"
	       "      --dump-regs        with each of those lines, the registers\n"
	       "                         (implies --verbose)\n"
	       "      --dump-mem=FILE    write the guest's RAM to FILE when it ends\n"
	       "                         (FILE.N for guest N when several run)\n"
	       "      --debug-io         log accesses to unclaimed ports to stderr\n"
	       "      --coalesced-io     real-mode and --long-mode guests: KVM queues UART\n"
	       "                         output bytes, replayed at the next exit, in order\n"
	       "      --no-sandbox       run without the seccomp sandbox that otherwise\n"
	       "                         holds kvm-vmm to its run loop's system calls\n"
	       "      --gdb=[HOST:]PORT[,guest=N][,arch=LAYOUT]  a gdb server for the first\n"
	       "                         guest (or guest N) on HOST:PORT, HOST 127.0.0.1 if\n"
	       "                         not given (gdb: target remote :PORT); LAYOUT:\n"
	       "                         i8086, i386 or x86-64 (default: from the guest)\n"
	       "      --gdb-wait         stop before the guest's first instruction until\n"
	       "                         gdb continues it (without --gdb: on 127.0.0.1:1234)\n"
	       "  -h, --help             display this help and exit\n"
	       "  -V, --version          output version information and exit\n"
	       "\n"
	       "The first guest reads standard input through its UART and GETCHAR;\n"
	       "at most %d guests run at once. At a terminal a kernel's console is raw:\n"
	       "Ctrl-A X quits. A reboot of Linux ends the run with status 0.\n"
	       "\n",
	       MAX_VCPUS, MAX_GUESTS);
	/* Where `make install` puts them (the Makefile passes its DATADIR and
	 * DOCDIR), and where they are in the source tree. */
#ifndef DATADIR
#define DATADIR "/usr/local/share/mini-kvm"
#endif
#ifndef DOCDIR
#define DOCDIR "/usr/local/share/doc/mini-kvm"
#endif
	static const struct { const char *dir, *file, *what; } files[] = {
		{ DOCDIR, "/guest-abi.md", "the guest ABI" },
		{ DOCDIR, "/os1k.md", "the 1K OS" },
		{ DOCDIR, "/linux.md", "booting Linux" },
		{ DOCDIR, "/qemu-compat.md", "QEMU's options (as kvm-vmm-qemu)" },
		{ DOCDIR, "/gdb.md", "debugging a guest with gdb (--gdb)" },
		{ DATADIR, "/guests/", "real-mode guests; flat/, qemu/" },
		{ DATADIR, "/os1k/", "the 1K OS kernels" },
		{ "", "man kvm-vmm", "this help, at length" },
	};
	int width = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int w = (int)(strlen(files[i].dir) + strlen(files[i].file));

		width = w > width ? w : width;
	}
	printf("Files, installed (in a source tree: docs/, build/guests/, build/os1k/):\n");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		printf("  %s%-*s  %s\n", files[i].dir, width - (int)strlen(files[i].dir),
		       files[i].file, files[i].what);
	printf("\n"
	       "Exit status (with several guests, the highest):\n");
	status_print_table(stdout);
}

void cli_print_version(void)
{
	printf("kvm-vmm (Mini-KVM) %s\n"
	       "Copyright (c) 2026 the Mini-KVM authors\n"
	       "Licence: MIT (LICENSE; installed: %s/LICENSE)\n",
	       VMM_VERSION, DOCDIR);
}

