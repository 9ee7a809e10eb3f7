/* The protocol table, and the one path an image takes through it. Only
 * the file's head is read until a row recognises it, and a vmlinux row
 * never reads the rest here. The options are checked against the row
 * before its own checks, so a misplaced option is a usage error. */
#include "boot.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../err.h"
#include "../status.h"
#include "acpi.h"
#include "flat.h"
#include "mptable.h"
#include "realmode.h"

/* --- recognising an image ---------------------------------------------- */

static bool by_paging_option(const struct image *img, const struct options *o)
{
	(void)img;
	return o->paging;
}

static bool by_long_mode_option(const struct image *img, const struct options *o)
{
	(void)img;
	return o->long_mode;
}

/* By its header alone: --kernel names the image, the header its kind. */
static bool is_linux(const struct image *img, const struct options *o)
{
	(void)o;
	return bzimage_detect(img->data, img->size);
}

static bool is_multiboot(const struct image *img, const struct options *o)
{
	(void)o;
	return multiboot_detect(img->data, img->size);
}

static bool is_vmlinux(const struct image *img, const struct options *o)
{
	(void)o;
	return vmlinux_detect(img->data, img->size);
}

/* The PVH row: a vmlinux with the PVH note, unless --boot-entry=elf64, or
 * any vmlinux with --boot-entry=pvh (whose check then says there is none). */
static bool is_vmlinux_pvh(const struct image *img, const struct options *o)
{
	if (!vmlinux_detect(img->data, img->size) || o->boot_entry == BOOT_ENTRY_ELF64)
		return false;
	return o->boot_entry == BOOT_ENTRY_PVH || vmlinux_has_pvh_note(img);
}

static bool always(const struct image *img, const struct options *o)
{
	(void)img;
	(void)o;
	return true;
}

/* --- the rows' own checks that need more than one file ---------------- */

/* The command line as QEMU passes it: the kernel's path, a space, then
 * --append's text (kernels parse the path as argv[0]); --initrd names the
 * modules; --smp the vCPUs, which start as a PC's do. */
static int check_multiboot(const struct image *img, const struct options *o,
			   struct boot_plan *p)
{
	/* The kernel and its modules go below 4 GiB, into the RAM there. */
	uint64_t low = p->mem_size - vm_high_size_for(p->mem_size);

	/* The information area, modules and the BIOS area's tables need the
	 * first 2 MiB; said now, not when the guest loads (status 122). */
	if (p->mem_size < MB_MIN_MEM)
		return throw_err(STATUS_BAD_INPUT,
				 "%s: a multiboot kernel needs at least %u MiB of guest memory; --mem gives %llu KiB",
				 img->path, MB_MIN_MEM >> 20,
				 (unsigned long long)(p->mem_size >> 10));
	if (multiboot_parse(img, low, &p->mb) < 0)
		return STATUS_BAD_INPUT;
	p->nr_vcpus = o->smp;
	if (asprintf(&p->cmdline, "%s %s", img->path, o->cmdline ? o->cmdline : "") < 0) {
		p->cmdline = NULL;
		return throw_err(STATUS_HOST_ERROR, "out of memory");
	}
	if (strlen(p->cmdline) > MB_CMDLINE_MAX)
		return throw_err(STATUS_BAD_INPUT,
				 "--append: the kernel command line (the kernel's path, a space, then --append's %zu bytes) is %zu bytes; a multiboot kernel takes at most %u",
				 o->cmdline ? strlen(o->cmdline) : 0, strlen(p->cmdline),
				 MB_CMDLINE_MAX);
	if (multiboot_plan_modules(&p->mb, o->initrd, low) < 0)
		return STATUS_BAD_INPUT;
	return 0;
}

static int load_multiboot(struct vm *vm, const struct image *img, const struct boot_plan *p)
{
	if (multiboot_load(vm, img) < 0 || multiboot_load_modules(vm, &p->mb) < 0 ||
	    multiboot_write_info(vm, &p->mb, p->cmdline) < 0 ||
	    mptable_write(vm, p->nr_vcpus) < 0)
		return -1;
	return acpi_write(vm, p->nr_vcpus);
}

static int setup_multiboot(struct vcpu *v, const struct boot_plan *p)
{
	return multiboot_setup_vcpu(v, &p->mb);
}

static int map_multiboot(const struct boot_plan *p, struct e820_entry *map)
{
	return multiboot_memory_map(p->mem_size, map);
}

static void free_multiboot(struct boot_plan *p)
{
	multiboot_free(&p->mb);
}

static int check_linux(const struct image *img, const struct options *o,
		       struct boot_plan *p)
{
	int status = linux_plan_inputs(o, p);

	if (status)
		return status;
	return bzimage_parse(img, p->mem_size, image_file_size(&p->initrd), &p->bz) < 0 ? STATUS_BAD_INPUT : 0;
}

static int load_linux(struct vm *vm, const struct image *img, const struct boot_plan *p)
{
	if (bzimage_load(vm, img, &p->initrd, p->cmdline, &p->bz) < 0)
		return -1;
	return mptable_write(vm, p->nr_vcpus);
}

static int setup_linux(struct vcpu *v, const struct boot_plan *p)
{
	(void)p;
	return bzimage_setup_vcpu(v);
}

/* Tried in order: an option that names a protocol wins, then a header the
 * image carries, then real mode, which takes any file. */
const struct boot_protocol boot_protocols[] = {
	{
		.name = "flat 32-bit protected mode with paging",
		.selected_by = "--paging",
		.what = "a flat 32-bit binary (--paging)",
		.recognise = by_paging_option,
		.default_mem = FLAT_DEFAULT_MEM,
		.devices = BOOT_DEV_IRQCHIP | BOOT_DEV_VMM_PORTS | BOOT_DEV_CPUID,
		.check = paging32_check,
		.load = paging32_load,
		.setup_vcpu = paging32_setup_vcpu,
	},
	{
		.name = "flat 64-bit long mode",
		.selected_by = "--long-mode",
		.what = "a flat 64-bit binary (--long-mode)",
		.recognise = by_long_mode_option,
		.default_mem = FLAT_DEFAULT_MEM,
		.devices = BOOT_DEV_VMM_PORTS | BOOT_DEV_CPUID | BOOT_DEV_COALESCE,
		.check = longmode_check,
		.load = longmode_load,
		.setup_vcpu = longmode_setup_vcpu,
	},
	{
		.name = "Linux bzImage",
		.selected_by = "the \"HdrS\" setup header",
		.what = "a Linux bzImage",
		.recognise = is_linux,
		.default_mem = BZ_DEFAULT_MEM,
		.huge_pages = true,
		.devices = BOOT_DEV_IRQCHIP | BOOT_DEV_PC | BOOT_DEV_CPUID,
		.options = BOOT_OPT_APPEND | BOOT_OPT_INITRD | BOOT_OPT_SMP,
		.slow_on_kvm_pvm = "Linux will be very slow here (measured: still unpacking itself after 5 minutes)",
		.check = check_linux,
		.load = load_linux,
		.setup_vcpu = setup_linux,
	},
	{
		.name = "multiboot kernel",
		.selected_by = "a multiboot header in the first 8 KiB",
		.what = "a multiboot kernel",
		.recognise = is_multiboot,
		.default_mem = MB_DEFAULT_MEM,
		.devices = BOOT_DEV_IRQCHIP | BOOT_DEV_VMM_PORTS | BOOT_DEV_CPUID |
			   BOOT_DEV_QEMU,
		.options = BOOT_OPT_APPEND | BOOT_OPT_INITRD | BOOT_OPT_SMP,
		.check = check_multiboot,
		.load = load_multiboot,
		.setup_vcpu = setup_multiboot,
		.memory_map = map_multiboot,
		.free = free_multiboot,
	},
	/* After multiboot: an ELF file with a multiboot header is booted as
	 * the header says (a vmlinux has none); before real mode. */
	{
		.name = "Linux vmlinux, PVH entry",
		.selected_by = "an ELF64 file with a XEN_ELFNOTE_PHYS32_ENTRY note",
		.what = "a Linux vmlinux (ELF)",
		.recognise = is_vmlinux_pvh,
		.default_mem = BZ_DEFAULT_MEM,
		.huge_pages = true,
		.devices = BOOT_DEV_IRQCHIP | BOOT_DEV_PC | BOOT_DEV_CPUID,
		.options = BOOT_OPT_APPEND | BOOT_OPT_INITRD | BOOT_OPT_SMP | BOOT_OPT_ENTRY,
		.reads_at_load = true,
		.check = vmlinux_check_pvh,
		.load = vmlinux_plan_load,
		.setup_vcpu = vmlinux_plan_setup_vcpu,
	},
	{
		.name = "Linux vmlinux, 64-bit entry",
		.selected_by = "any other ELF64 file, or --boot-entry=elf64",
		.what = "a Linux vmlinux (ELF)",
		.recognise = is_vmlinux,
		.default_mem = BZ_DEFAULT_MEM,
		.huge_pages = true,
		.devices = BOOT_DEV_IRQCHIP | BOOT_DEV_PC | BOOT_DEV_CPUID,
		.options = BOOT_OPT_APPEND | BOOT_OPT_INITRD | BOOT_OPT_SMP | BOOT_OPT_ENTRY,
		.reads_at_load = true,
		.check = vmlinux_check_elf64,
		.load = vmlinux_plan_load,
		.setup_vcpu = vmlinux_plan_setup_vcpu,
	},
	{
		.name = "real-mode flat binary",
		.selected_by = "any other file",
		.what = "a real-mode flat binary",
		.recognise = always,
		.default_mem = REAL_DEFAULT_MEM,
		.devices = BOOT_DEV_VMM_PORTS | BOOT_DEV_COALESCE,
		.check = realmode_check,
		.load = realmode_load,
		.setup_vcpu = realmode_setup_vcpu,
	},
};
const int boot_protocol_count = (int)(sizeof(boot_protocols) / sizeof(boot_protocols[0]));

enum vm_ram_mapping boot_ram_mapping(const struct boot_plan *plan, const struct options *o)
{
	bool huge = o->huge_pages == HUGE_PAGES_AUTO ? plan->proto->huge_pages
						     : o->huge_pages == HUGE_PAGES_ON;

	return huge ? VM_RAM_HUGE_PAGES : VM_RAM_SMALL_PAGES;
}

uint64_t boot_mem_size(const struct boot_protocol *p, const struct options *o)
{
	return o->mem_given ? o->mem_size : p->default_mem;
}

/* Reading stops at the largest RAM any row could give the file. */
static uint64_t read_limit(const struct options *o)
{
	uint64_t most = 0;

	if (o->mem_given)
		return o->mem_size;
	for (int i = 0; i < boot_protocol_count; i++)
		if (boot_protocols[i].default_mem > most)
			most = boot_protocols[i].default_mem;
	return most;
}

static int not_for(const char *option, const char *applies_to, const struct image *img,
		   const struct boot_protocol *p)
{
	return throw_err(STATUS_USAGE, "%s: applies to %s; %s is %s", option, applies_to,
			 img->path, p->what);
}

/* Each option given must be one the image's protocol takes: decided here,
 * once the image is recognised, before its own checks. kvm-vmm-qemu
 * passes --append and pc-testdev on as QEMU does, whatever the kernel. */
static int options_apply(const struct image *img, const struct options *o,
			 const struct boot_protocol *p)
{
	static const char kernels[] = "Linux and multiboot kernels";

	/* The real-mode row takes any file, but --kernel names a kernel. */
	if (o->kernel && p->recognise == always)
		return throw_err(STATUS_BAD_INPUT,
				 "%s: not a Linux bzImage or a multiboot kernel, which --kernel boots (nor a Linux vmlinux, an ELF64 file; a flat kernel needs --paging or --long-mode)",
				 img->path);
	if (o->cmdline && !(p->options & BOOT_OPT_APPEND) && !o->qemu_statuses)
		return not_for("--append", kernels, img, p);
	if (o->initrd && !(p->options & BOOT_OPT_INITRD))
		return not_for("--initrd", kernels, img, p);
	if (o->smp > 1 && !(p->options & BOOT_OPT_SMP))
		return not_for("--smp", kernels, img, p);
	if (o->boot_entry != BOOT_ENTRY_AUTO && !(p->options & BOOT_OPT_ENTRY))
		return not_for("--boot-entry", "a Linux vmlinux (ELF64)", img, p);
	if (o->coalesced_io && !(p->devices & BOOT_DEV_COALESCE))
		return not_for("--coalesced-io", "real-mode and --long-mode binaries", img, p);
	if (o->pc_testdev && !(p->devices & BOOT_DEV_QEMU) && !o->qemu_statuses)
		return not_for("--device pc-testdev", "multiboot kernels", img, p);
	return 0;
}

int boot_prepare(const char *path, const struct options *o, struct image *img,
		 struct boot_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	if (image_open(img, path, read_limit(o), "of guest memory", BOOT_IMAGE_HEAD) < 0)
		return STATUS_BAD_INPUT;
	for (int i = 0; i < boot_protocol_count; i++) {
		const struct boot_protocol *p = &boot_protocols[i];

		if (!p->recognise(img, o))
			continue;
		int status = options_apply(img, o, p);

		if (status)
			return status;
		if (!p->reads_at_load && image_read_rest(img) < 0)
			return STATUS_BAD_INPUT;
		plan->proto = p;
		plan->mem_size = boot_mem_size(p, o);
		plan->nr_vcpus = 1;
		return p->check(img, o, plan);
	}
	return throw_err(STATUS_BAD_INPUT, "%s: no boot protocol takes this file", path);
}

void boot_plan_free(struct boot_plan *plan)
{
	if (plan->proto && plan->proto->free)
		plan->proto->free(plan);
	free(plan->cmdline);
	plan->cmdline = NULL;
	image_free(&plan->initrd);
}

/* "NAME:   123 kB" read by hand (sscanf would bring the C library's
 * whole scanf into the binary for two lines); 0 on success. */
static int meminfo_bytes(const char *line, const char *name, uint64_t *bytes)
{
	size_t len = strlen(name);
	unsigned long long kb;
	char *end;

	if (strncmp(line, name, len) != 0)
		return -1;
	line += len;
	while (*line == ' ')
		line++;
	if (*line < '0' || *line > '9')
		return -1;
	errno = 0;
	kb = strtoull(line, &end, 10);
	if (errno || strncmp(end, " kB", 3) != 0 || kb > UINT64_MAX >> 10)
		return -1;
	*bytes = (uint64_t)kb << 10;
	return 0;
}

uint64_t boot_host_memory(const char *meminfo)
{
	FILE *f = fopen(meminfo, "re");
	char line[256];
	uint64_t total = 0, swap = 0;
	bool have_total = false;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (meminfo_bytes(line, "MemTotal:", &total) == 0)
			have_total = true;
		else
			meminfo_bytes(line, "SwapTotal:", &swap);
	}
	fclose(f);
	return have_total ? total + swap : 0;
}

int boot_check_total_in(const struct boot_plan *first, size_t stride, int n,
			const char *meminfo)
{
	uint64_t host = boot_host_memory(meminfo), sum = 0;

	if (!host)
		return 0; /* unknown: nothing to compare with */
	for (int i = 0; i < n; i++) {
		const struct boot_plan *p =
			(const struct boot_plan *)((const char *)first + (size_t)i * stride);

		sum += p->mem_size; /* at most 64 x 64 GiB: no overflow */
	}
	/* Guest RAM is taken only as it is touched, but KVM keeps
	 * bookkeeping for every page of a memory slot from the start (about
	 * 160 MB for 64 GiB): the sum may exceed the host's memory, not
	 * without bound. */
	if (sum <= BOOT_RAM_OVERCOMMIT * host)
		return 0;
	return throw_err(STATUS_BAD_INPUT,
			 "the %d guests' RAM adds up to %" PRIu64 " MiB, more than %d times this host's %" PRIu64 " MiB of memory and swap (MemTotal + SwapTotal in %s); give less --mem or fewer images",
			 n, sum >> 20, BOOT_RAM_OVERCOMMIT, host >> 20, meminfo);
}

int boot_check_total(const struct boot_plan *first, size_t stride, int n)
{
	return boot_check_total_in(first, stride, n, "/proc/meminfo");
}
