/* All of a guest's RAM is one host mapping, given to KVM as one memory
 * slot, or two either side of the hole below 4 GiB when RAM reaches it:
 * guest RAM is then one offset into the mapping, and the hole has no host
 * memory. The capabilities checked here are only those the VMM cannot
 * run without. */
#include "vm.h"

#include <errno.h>
#include <stdlib.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "err.h"

/* Where KVM may put the three pages it needs for real mode on Intel hosts
 * without unrestricted guest; above any RAM a real-mode guest can have. */
#define KVM_TSS_ADDR 0xfffbd000u

static const struct {
	int cap;
	const char *name;
	const char *why;
} required_caps[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY", "guest RAM" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT",
	  "stopping a running vCPU (timeouts, Ctrl-C)" },
};

int kvm_check_host(int kvm_fd)
{
	int version = ioctl(kvm_fd, KVM_GET_API_VERSION, 0);

	if (version != KVM_API_VERSION)
		return throw_err(-1, "/dev/kvm: KVM API version %d, need %d",
				 version, KVM_API_VERSION);
	for (size_t i = 0; i < sizeof(required_caps) / sizeof(required_caps[0]); i++)
		if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, required_caps[i].cap) <= 0)
			return throw_err(-1,
					 "/dev/kvm: this host's KVM lacks %s, needed for %s",
					 required_caps[i].name, required_caps[i].why);
	return 0;
}

/* Guest-physical [gpa, gpa + size) backed by RAM from offset on. */
static int add_ram_slot(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t offset,
			uint64_t size)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)(vm->mem + offset),
	};

	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return throw_err(-1, "KVM_SET_USER_MEMORY_REGION:");
	return 0;
}

/* KVM maps guest memory with 2 MiB pages only where the host mapping is
 * a huge page and host and guest-physical addresses agree modulo 2 MiB;
 * otherwise a guest that touches its RAM takes one nested page fault per
 * 4 KiB page (about 30,000 in a Linux boot). But a huge page is 2 MiB of
 * host memory the moment the guest touches one byte of it: a multiboot
 * kernel that uses a few pages of its 64 MiB peaks at 4.0 MB instead of
 * 1.1 MB (docs/linux.md). So huge pages are asked for where the guest
 * touches most of its RAM (the Linux rows of src/boot/boot.c) or where
 * the user says so (--huge-pages=on): RAM of 2 MiB or more is then mapped
 * 2 MiB-aligned (an oversized reservation, trimmed) and advised as huge
 * pages. Small pages are declined huge pages outright, so a host whose
 * THP is "always" gives them what --stats says. Misaligned puts the RAM
 * 4 KiB past a 2 MiB boundary and advises nothing: the layout before
 * alignment, kept so that `make bench` can measure what alignment buys
 * (MINIKVM_RAM_UNALIGNED). MAP_NORESERVE: untouched guest pages still
 * cost the host nothing. */
uint8_t *vm_map_guest_ram(uint64_t size, enum vm_ram_mapping want, enum vm_ram_mapping *how)
{
	const uint64_t align = VM_RAM_HOST_ALIGN;
	const uint64_t skew = want == VM_RAM_MISALIGNED ? 4096 : 0;
	bool placed = want != VM_RAM_SMALL_PAGES && size >= align;
	uint64_t slack = placed ? align + skew : 0;
	uint8_t *p = mmap(NULL, size + slack, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint8_t *start;
	uint64_t head;

	*how = VM_RAM_SMALL_PAGES;
	if (p == MAP_FAILED)
		return p;
	if (!placed) {
		/* Under 2 MiB no huge page fits, so there is nothing to decline
		 * and the syscalls stay those of before. Best effort: a kernel
		 * without THP has none to decline either. */
		if (size >= align)
			(void)madvise(p, size, MADV_NOHUGEPAGE);
		return p;
	}
	start = (uint8_t *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1)) + skew;
	head = (uint64_t)(start - p);
	if (head)
		munmap(p, head);
	if (slack - head)
		munmap(start + size, slack - head);
	if (want == VM_RAM_MISALIGNED)
		*how = VM_RAM_MISALIGNED;
	else if (madvise(start, size, MADV_HUGEPAGE) == 0)
		*how = VM_RAM_HUGE_PAGES;
	return start;
}

const char *vm_ram_mapping_text(enum vm_ram_mapping how)
{
	switch (how) {
	case VM_RAM_HUGE_PAGES:
		return "host mapping 2 MiB-aligned, huge pages advised";
	case VM_RAM_MISALIGNED:
		return "host mapping 4 KiB off a 2 MiB boundary (MINIKVM_RAM_UNALIGNED), no huge pages";
	case VM_RAM_SMALL_PAGES:
		break;
	}
	return "host mapping in 4 KiB pages";
}

/* MINIKVM_RAM_UNALIGNED=1 asks for the misaligned layout; unset, empty or
 * 0 is the default. */
static bool ram_misaligned_requested(void)
{
	const char *v = getenv("MINIKVM_RAM_UNALIGNED");

	return v && *v && strcmp(v, "0") != 0;
}

int vm_create(struct vm *vm, int kvm_fd, uint64_t mem_size, enum vm_ram_mapping want)
{
	memset(vm, 0, sizeof(*vm));
	vm->mem = MAP_FAILED;
	vm->vm_fd = -1;
	bus_init(&vm->pio);
	bus_init(&vm->mmio);

	vm->vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return throw_err(-1, "KVM_CREATE_VM:");
	if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_TSS_ADDR) > 0 &&
	    ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR) < 0) {
		err_print("KVM_SET_TSS_ADDR:");
		goto fail;
	}

	if (ram_misaligned_requested())
		want = VM_RAM_MISALIGNED;
	vm->mem = vm_map_guest_ram(mem_size, want, &vm->ram_mapping);
	if (vm->mem == MAP_FAILED) {
		err_print("cannot map %llu bytes of guest memory:",
			  (unsigned long long)mem_size);
		goto fail;
	}
	vm->mem_size = mem_size;
	vm->high_size = vm_high_size_for(mem_size);
	if (add_ram_slot(vm, 0, 0, 0, mem_size - vm->high_size) < 0 ||
	    (vm->high_size && add_ram_slot(vm, 1, VM_HIGH_RAM_BASE, mem_size - vm->high_size,
					   vm->high_size) < 0))
		goto fail;
	return 0;
fail:
	vm_destroy(vm);
	return -1;
}

void vm_destroy(struct vm *vm)
{
	if (vm->mem != MAP_FAILED && vm->mem)
		munmap(vm->mem, vm->mem_size);
	vm->mem = NULL;
	vm->mem_size = 0;
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	vm->vm_fd = -1;
}

int vm_create_irqchip(struct vm *vm, int kvm_fd)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

	if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP) <= 0 ||
	    ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_PIT2) <= 0)
		return throw_err(-1, "/dev/kvm: this host's KVM has no in-kernel interrupt controller or PIT (KVM_CAP_IRQCHIP, KVM_CAP_PIT2)");
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return throw_err(-1, "KVM_CREATE_IRQCHIP:");
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		return throw_err(-1, "KVM_CREATE_PIT2:");
	vm->has_irqchip = true;
	return 0;
}

int vm_set_ioapic_id(struct vm *vm, uint8_t id)
{
	struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };

	if (ioctl(vm->vm_fd, KVM_GET_IRQCHIP, &chip) < 0)
		return throw_err(-1, "KVM_GET_IRQCHIP:");
	chip.chip.ioapic.id = id;
	if (ioctl(vm->vm_fd, KVM_SET_IRQCHIP, &chip) < 0)
		return throw_err(-1, "KVM_SET_IRQCHIP:");
	return 0;
}

int vm_coalesce_pio(struct vm *vm, int kvm_fd, uint16_t port, uint32_t len)
{
	struct kvm_coalesced_mmio_zone zone = { .addr = port, .size = len, .pio = 1 };

	if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_PIO) <= 0)
		return throw_err(-1, "/dev/kvm: this host's KVM cannot coalesce port I/O (KVM_CAP_COALESCED_PIO)");
	if (ioctl(vm->vm_fd, KVM_REGISTER_COALESCED_MMIO, &zone) < 0)
		return throw_err(-1, "KVM_REGISTER_COALESCED_MMIO:");
	return 0;
}

int vm_irq_line(struct vm *vm, uint32_t irq, int level)
{
	struct kvm_irq_level line = { .irq = irq, .level = (uint32_t)level };

	return ioctl(vm->vm_fd, KVM_IRQ_LINE, &line);
}

void *vm_guest_ptr(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	uint64_t low = vm->mem_size - vm->high_size;

	if (gpa <= low)
		return len <= low - gpa ? vm->mem + gpa : NULL;
	if (!vm->high_size || gpa < VM_HIGH_RAM_BASE || gpa - VM_HIGH_RAM_BASE > vm->high_size ||
	    len > vm->high_size - (gpa - VM_HIGH_RAM_BASE))
		return NULL;
	return vm->mem + low + (gpa - VM_HIGH_RAM_BASE);
}
