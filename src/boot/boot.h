/* The boot protocols kvm-vmm knows, one row each in boot_protocols[]: how
 * an image is recognised, how much RAM it gets, which devices its machine
 * has, how it is checked and loaded, and the vCPU state it starts in. An
 * image is read and checked once, before any guest runs; the resulting
 * plan stays with the guest, which loads and starts it. */
#ifndef MINIKVM_BOOT_BOOT_H
#define MINIKVM_BOOT_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../cli.h"
#include "../vcpu.h"
#include "../vm.h"
#include "bzimage.h"
#include "image.h"
#include "multiboot.h"
#include "vmlinux.h"

/* What a protocol's machine has besides the UART at 0x3f8. */
enum boot_devices {
	/* In-kernel PIC, IOAPIC, LAPIC and PIT; the UART on IRQ 4; HLT waits
	 * for an interrupt instead of ending the guest. */
	BOOT_DEV_IRQCHIP = 1u << 0,
	/* kvm-vmm's own ports: the hypercall port and isa-debug-exit. */
	BOOT_DEV_VMM_PORTS = 1u << 1,
	/* What Linux needs of a PC: i8042 (its reset line), CMOS RTC, UART
	 * RTS flow control, a triple fault that resets. */
	BOOT_DEV_PC = 1u << 2,
	/* CPUID as the host's KVM supports it, needed to enter long mode. */
	BOOT_DEV_CPUID = 1u << 3,
	/* --coalesced-io may queue UART output (one vCPU, no interrupts). */
	BOOT_DEV_COALESCE = 1u << 4,
	/* What kernels written for QEMU find on its pc machine: fw_cfg, the
	 * ACPI PM timer, the Bochs shutdown port; pc-testdev with --device. */
	BOOT_DEV_QEMU = 1u << 5,
};

/* The kernel options a protocol takes; any other is a usage error. */
enum boot_options {
	BOOT_OPT_APPEND = 1u << 0, /* --append: a command line */
	BOOT_OPT_INITRD = 1u << 1, /* --initrd: an initramfs or modules */
	BOOT_OPT_SMP = 1u << 2,	   /* --smp: more than one vCPU */
	BOOT_OPT_ENTRY = 1u << 3,  /* --boot-entry: a vmlinux's entry */
};

struct boot_protocol;

#define BOOT_MAX_E820 8

/* The checked result of reading one image for its protocol. */
struct boot_plan {
	const struct boot_protocol *proto;
	uint64_t mem_size;
	int nr_vcpus;
	uint64_t load_addr; /* flat images: where the file's bytes go */
	uint64_t entry;	    /* flat images: the first instruction */
	char *cmdline;	    /* kernels: the whole command line; owned */
	struct image initrd; /* Linux only; empty without --initrd */
	union {
		struct multiboot_kernel mb;
		struct bzimage bz;
		struct vmlinux vml;
	};
};

struct boot_protocol {
	const char *name;	  /* for messages and --verbose */
	const char *selected_by; /* what makes an image take this row */
	const char *what;	  /* "a real-mode flat binary", for messages */
	/* True when this row boots img; rows are tried in table order. */
	bool (*recognise)(const struct image *img, const struct options *o);
	uint64_t default_mem;
	/* Whether its RAM is backed by huge pages unless --huge-pages says
	 * otherwise: for guests that touch most of their RAM, where 2 MiB
	 * pages save a nested page fault per 4 KiB (src/vm.c). */
	bool huge_pages;
	unsigned devices; /* enum boot_devices */
	unsigned options; /* enum boot_options */
	/* What to say before such a guest runs on kvm-pvm, which emulates
	 * ring-0 code (../shared/HOST-KVM.md); NULL: nothing. */
	const char *slow_on_kvm_pvm;
	/* check() and load() read the file through image_read_at (a vmlinux:
	 * tens of MiB read once, straight into guest RAM), so it stays open
	 * with only its first BOOT_IMAGE_HEAD bytes held; other rows get the
	 * whole file in img->data. */
	bool reads_at_load;
	/* Checks img against RAM and options; fills the plan. 0, or a status
	 * (STATUS_BAD_INPUT, ...) after one line naming the file. */
	int (*check)(const struct image *img, const struct options *o,
		     struct boot_plan *plan);
	/* Copies the image and what the protocol promises into guest RAM. */
	int (*load)(struct vm *vm, const struct image *img,
		    const struct boot_plan *plan);
	/* Registers of the boot vCPU at entry. */
	int (*setup_vcpu)(struct vcpu *v, const struct boot_plan *plan);
	/* The guest's memory map for fw_cfg's etc/e820 (BOOT_DEV_QEMU);
	 * returns the number of entries, at most BOOT_MAX_E820. */
	int (*memory_map)(const struct boot_plan *plan, struct e820_entry *map);
	/* Releases what check() kept beyond the plan's own fields; NULL:
	 * nothing. */
	void (*free)(struct boot_plan *plan);
};

/* What every row's recognise() may look at: the headers that identify
 * an image lie in its first 8 KiB (multiboot's search ends there). */
#define BOOT_IMAGE_HEAD (64u << 10)

extern const struct boot_protocol boot_protocols[];
extern const int boot_protocol_count;

/* Reads the image at path and plans its boot. 0, or a status after one
 * line naming the file or option and the problem: STATUS_USAGE for an
 * option the image's protocol does not take (--append, --initrd, --smp,
 * --boot-entry, --coalesced-io, --device pc-testdev), STATUS_BAD_INPUT for --kernel
 * given a file that is no kernel. */
int boot_prepare(const char *path, const struct options *o,
		 struct image *img, struct boot_plan *plan);
void boot_plan_free(struct boot_plan *plan);

/* After every image's boot_prepare(), before any guest starts: the
 * guests' RAM added up must fit what the host can back, its MemTotal plus
 * SwapTotal (each guest's RAM pins host kernel memory for its page
 * tracking, and its pages need backing once the guest touches them). The
 * plans are n, stride bytes apart (&guests[0].plan, sizeof(guests[0])).
 * 0, or STATUS_BAD_INPUT after one line; 0 when /proc/meminfo cannot be
 * read. */
/* How many times the host's memory and swap the guests' RAM may add up to
 * (boot_check_total). */
#define BOOT_RAM_OVERCOMMIT 8
int boot_check_total(const struct boot_plan *first, size_t stride, int n);
/* The same against another meminfo file (tests). */
int boot_check_total_in(const struct boot_plan *first, size_t stride, int n,
			const char *meminfo);
/* MemTotal + SwapTotal (0 if absent) of a /proc/meminfo file, in bytes;
 * 0 when it cannot be read or has no MemTotal. */
uint64_t boot_host_memory(const char *meminfo);

/* How the plan's RAM is mapped: --huge-pages, else the row's choice. */
enum vm_ram_mapping boot_ram_mapping(const struct boot_plan *plan, const struct options *o);

/* The row's RAM unless --mem was given. */
uint64_t boot_mem_size(const struct boot_protocol *p, const struct options *o);

#endif
