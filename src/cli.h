/* Command-line options of kvm-vmm. Parsing has no side effects beyond
 * printing errors, so it is unit-tested without /dev/kvm. */
#ifndef MINIKVM_CLI_H
#define MINIKVM_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "cpuid.h"
#include "gdb/spec.h"

#define VMM_VERSION "0.1.0"
#define MAX_GUESTS 64
#define MIN_MEM_SIZE (64u << 10)
#define MAX_MEM_SIZE (64ull << 30)
#define MAX_VCPUS 64 /* --smp; the MP table's limit too */

/* --boot-entry: which entry of a vmlinux ELF kernel to start. AUTO: the
 * PVH entry when its note is there, else the 64-bit one. */
enum boot_entry {
	BOOT_ENTRY_AUTO,
	BOOT_ENTRY_PVH,	  /* --boot-entry=pvh */
	BOOT_ENTRY_ELF64, /* --boot-entry=elf64 */
};

/* --huge-pages: whether guest RAM of 2 MiB or more is backed by 2 MiB
 * host pages. AUTO: as the boot protocol's row says (src/boot/boot.c). */
enum huge_pages {
	HUGE_PAGES_AUTO,
	HUGE_PAGES_ON,	/* --huge-pages=on */
	HUGE_PAGES_OFF, /* --huge-pages=off */
};

struct options {
	bool help;
	bool version;
	bool tag;
	bool stats;
	bool debug_io;
	bool coalesced_io; /* real-mode guests: UART THR writes without exits */
	bool verbose;	   /* a line per VM exit on stderr */
	bool dump_regs;	   /* and the registers with it */
	const char *dump_mem; /* RAM written here when a guest ends */
	bool paging;	   /* the reference's --paging flat protocol */
	bool long_mode;	   /* the reference's --long-mode flat protocol */
	bool load_given, entry_given;
	uint64_t load_addr;  /* --load: where a flat image goes */
	uint64_t entry_addr; /* --entry: where it starts */
	const char *stats_json; /* --stats-json: a file, or "-" for stdout */
	const char *trace;	/* --trace: the VM-exit timeline's file */
	const char *cmdline; /* --append: the kernel command line */
	char *kernel;	     /* --kernel: the one image, a bzImage or a
			      * multiboot kernel (or flat, with --paging or
			      * --long-mode): its header decides */
	const char *initrd;  /* --initrd: Linux's initramfs, or a multiboot
			      * kernel's modules, "FILE args,FILE args" */
	bool pc_testdev;     /* --device pc-testdev: QEMU's test device */
	enum boot_entry boot_entry; /* --boot-entry: a vmlinux's entry */
	enum huge_pages huge_pages; /* --huge-pages */
	bool no_sandbox;     /* --no-sandbox: no seccomp filter (sandbox.c) */
	struct gdb_spec gdb; /* --gdb, --gdb-wait (gdb/stub.h); .enabled */
	struct cpuid_policy cpu; /* --cpu: the CPU the guest is shown */
	/* Started as kvm-vmm-qemu: QEMU's exit statuses (isa-debug-exit's
	 * (v << 1) | 1 unclamped, 0 on a shutdown request, 1 on an error). */
	bool qemu_statuses;
	int smp;	     /* --smp: vCPUs of a Linux guest, default 1 */
	bool mem_given;
	uint64_t mem_size;   /* --mem; otherwise the boot protocol's default */
	uint64_t timeout_ms; /* 0: no timeout */
	char **images;
	int nimages;
};

/* 0 on success, otherwise an exit status after printing one error line
 * (and, for a usage error, the "Try 'kvm-vmm --help'" line). QEMU's
 * single-dash words (-kernel, -initrd, -append, -smp, -cpu, -device,
 * -serial, -nographic) are rewritten in argv to their "--" options first;
 * getopt then permutes argv as usual. */
int cli_parse(int argc, char **argv, struct options *opts);
/* "64K", "1M", "2G" or bytes; 0 on success. */
int cli_parse_size(const char *text, uint64_t *bytes);
/* --mem's size, as QEMU's -m and kvmtool's: a bare number is MiB ("512");
 * K, M, G as cli_parse_size; a B suffix bytes ("65536B"); 0 on success. */
int cli_parse_mem(const char *text, uint64_t *bytes);
/* Seconds, decimals allowed ("2", "0.5"); 0 on success. */
int cli_parse_seconds(const char *text, uint64_t *ms);
void cli_print_help(void);
void cli_print_version(void);

#endif
