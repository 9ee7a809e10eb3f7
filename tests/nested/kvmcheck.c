/*
 * kvmcheck: is /dev/kvm a KVM with hardware semantics?
 *
 * Runs three tiny guests, each in a VM of its own with 1 MiB of memory:
 *   real-mode       16-bit code writes 'K' to port 0x3f8, then HLT. Works on
 *                   any KVM, the host's kvm-pvm included.
 *   paging32-guest  32-bit protected-mode code turns on 32-bit paging itself
 *                   (CR0.PG with EFER.LME clear) and reads a byte through a
 *                   mapping that exists only with paging on.
 *   paging32-vmm    the same read, with paging turned on by the VMM through
 *                   KVM_SET_SREGS before the first instruction.
 * kvm-pvm cannot run 32-bit paging (the guest's `mov cr0` faults, the VMM's
 * CR0.PG is dropped), so the two paging guests tell it apart from hardware
 * KVM, where both print 'P'. Built static so it runs inside the nested lane.
 *
 * Exit status: 0 if every guest did what hardware KVM does, else 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define MEM_SIZE	(1u << 20)
#define CODE_ADDR	0x1000u
#define PD_ADDR		0x2000u		/* page directory */
#define PT_LOW_ADDR	0x3000u		/* identity map of the first 1 MiB */
#define PT_HIGH_ADDR	0x4000u		/* maps virtual 4 MiB to DATA_ADDR */
#define DATA_ADDR	0x5000u
#define VIRT_DATA	0x400000u	/* beyond guest memory: only paging reaches it */
#define PORT		0x3f8
#define PTE_P_RW	0x3u
#define CR0_PE		0x1u
#define CR0_ET		0x10u
#define CR0_PG		0x80000000u

/* mov $0x3f8,%dx; mov $'K',%al; out %al,%dx; hlt */
static const uint8_t real_code[] = { 0xba, 0xf8, 0x03, 0xb0, 'K', 0xee, 0xf4 };

/* 32-bit code, entered with flat segments and paging off. */
static const uint8_t paging_code[] = {
	0xb8, 0x00, 0x20, 0x00, 0x00,	/* mov $PD_ADDR,%eax */
	0x0f, 0x22, 0xd8,		/* mov %eax,%cr3 */
	0x0f, 0x20, 0xc0,		/* mov %cr0,%eax */
	0x0d, 0x00, 0x00, 0x00, 0x80,	/* or $CR0_PG,%eax */
	0x0f, 0x22, 0xc0,		/* mov %eax,%cr0 */
	/* PAGED_ENTRY: where the VMM starts the guest with paging already on */
	0xa0, 0x00, 0x00, 0x40, 0x00,	/* mov VIRT_DATA,%al */
	0x66, 0xba, 0xf8, 0x03,		/* mov $0x3f8,%dx */
	0xee,				/* out %al,%dx */
	0xf4,				/* hlt */
};
#define PAGED_ENTRY 19

struct vm {
	int fd, vcpu;
	uint8_t *mem;
	struct kvm_run *run;
	size_t run_size;
};

static int kvm = -1;

static void on_alarm(int sig) { (void)sig; /* only interrupts KVM_RUN */ }

static int vm_create(struct vm *vm)
{
	struct kvm_userspace_memory_region region;
	int size;

	memset(vm, 0, sizeof(*vm));
	vm->fd = vm->vcpu = -1;
	vm->fd = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		perror("kvmcheck: KVM_CREATE_VM");
		return -1;
	}
	vm->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->mem == MAP_FAILED) {
		perror("kvmcheck: mmap guest memory");
		vm->mem = NULL;
		return -1;
	}
	region = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = 0, .memory_size = MEM_SIZE,
		.userspace_addr = (uintptr_t)vm->mem,
	};
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		perror("kvmcheck: KVM_SET_USER_MEMORY_REGION");
		return -1;
	}
	vm->vcpu = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->vcpu < 0 || size <= 0) {
		perror("kvmcheck: KVM_CREATE_VCPU");
		return -1;
	}
	vm->run_size = (size_t)size;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu, 0);
	if (vm->run == MAP_FAILED) {
		perror("kvmcheck: mmap kvm_run");
		vm->run = NULL;
		return -1;
	}
	return 0;
}

static void vm_destroy(struct vm *vm)
{
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->mem)
		munmap(vm->mem, MEM_SIZE);
	if (vm->vcpu >= 0)
		close(vm->vcpu);
	if (vm->fd >= 0)
		close(vm->fd);
}

/*
 * Runs the vCPU until HLT or anything unexpected; prints each exit. Returns
 * 0 if the guest wrote exactly `expect` to PORT and then halted.
 */
static int run_guest(struct vm *vm, const char *name, char expect)
{
	struct kvm_run *run = vm->run;
	int got = -1;

	for (int exits = 0; exits < 16; exits++) {
		alarm(10);
		int r = ioctl(vm->vcpu, KVM_RUN, 0);
		alarm(0);
		if (r < 0 && errno == EINTR) {
			printf("%s: no exit within 10 s\n", name);
			return 1;
		}
		if (r < 0) {
			printf("%s: KVM_RUN: %s\n", name, strerror(errno));
			return 1;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == PORT &&
			    run->io.size == 1 && run->io.count == 1) {
				got = ((uint8_t *)run)[run->io.data_offset];
				printf("%s: out 0x%x '%c'\n", name, PORT, got >= 32 && got < 127 ? got : '?');
				continue;
			}
			printf("%s: unexpected I/O: port 0x%x size %u count %u %s\n", name, run->io.port,
			       run->io.size, run->io.count, run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in");
			return 1;
		case KVM_EXIT_HLT:
			printf("%s: HLT\n", name);
			return got == expect ? 0 : 1;
		case KVM_EXIT_SHUTDOWN:
			printf("%s: SHUTDOWN (triple fault)\n", name);
			return 1;
		case KVM_EXIT_MMIO:
			printf("%s: MMIO %s at 0x%llx (address not translated?)\n", name,
			       run->mmio.is_write ? "write" : "read", (unsigned long long)run->mmio.phys_addr);
			return 1;
		case KVM_EXIT_FAIL_ENTRY:
			printf("%s: FAIL_ENTRY, hardware reason 0x%llx\n", name,
			       (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
			return 1;
		case KVM_EXIT_INTERNAL_ERROR:
			printf("%s: INTERNAL_ERROR, suberror %u\n", name, run->internal.suberror);
			return 1;
		default:
			printf("%s: unexpected exit reason %u\n", name, run->exit_reason);
			return 1;
		}
	}
	printf("%s: too many exits\n", name);
	return 1;
}

static int set_regs(struct vm *vm, uint64_t rip)
{
	struct kvm_regs regs = { .rip = rip, .rflags = 0x2 };

	if (ioctl(vm->vcpu, KVM_SET_REGS, &regs) < 0) {
		perror("kvmcheck: KVM_SET_REGS");
		return -1;
	}
	return 0;
}

static int check_real_mode(void)
{
	const char *name = "real-mode";
	struct kvm_sregs sregs;
	struct vm vm;
	int rc = 1;

	if (vm_create(&vm) < 0 || ioctl(vm.vcpu, KVM_GET_SREGS, &sregs) < 0)
		goto out;
	memcpy(vm.mem + CODE_ADDR, real_code, sizeof(real_code));
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vm.vcpu, KVM_SET_SREGS, &sregs) < 0) {
		perror("kvmcheck: KVM_SET_SREGS");
		goto out;
	}
	if (set_regs(&vm, CODE_ADDR) == 0)
		rc = run_guest(&vm, name, 'K');
out:
	vm_destroy(&vm);
	return rc;
}

static void flat_segment(struct kvm_segment *seg, uint16_t selector, uint8_t type)
{
	*seg = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = selector, .type = type,
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};
}

/* 32-bit paging guest; vmm_paging: the VMM sets CR0.PG instead of the guest. */
static int check_paging32(int vmm_paging)
{
	const char *name = vmm_paging ? "paging32-vmm" : "paging32-guest";
	uint32_t *pd, *pt_low, *pt_high;
	struct kvm_sregs sregs;
	struct vm vm;
	int rc = 1;

	if (vm_create(&vm) < 0 || ioctl(vm.vcpu, KVM_GET_SREGS, &sregs) < 0)
		goto out;
	memcpy(vm.mem + CODE_ADDR, paging_code, sizeof(paging_code));
	pd = (uint32_t *)(vm.mem + PD_ADDR);
	pt_low = (uint32_t *)(vm.mem + PT_LOW_ADDR);
	pt_high = (uint32_t *)(vm.mem + PT_HIGH_ADDR);
	for (uint32_t i = 0; i < MEM_SIZE / 4096; i++)
		pt_low[i] = i * 4096 | PTE_P_RW;
	pd[0] = PT_LOW_ADDR | PTE_P_RW;
	pd[VIRT_DATA >> 22] = PT_HIGH_ADDR | PTE_P_RW;
	pt_high[(VIRT_DATA >> 12) & 0x3ff] = DATA_ADDR | PTE_P_RW;
	vm.mem[DATA_ADDR] = 'P';

	/* Flat 32-bit segments straight into the hidden descriptor state: the
	 * guest never reloads a segment, so it needs no GDT in memory. */
	flat_segment(&sregs.cs, 0x08, 0xb);
	flat_segment(&sregs.ds, 0x10, 0x3);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.tr = (struct kvm_segment){ .limit = 0x67, .type = 0xb, .present = 1 };
	sregs.cr0 = CR0_PE | CR0_ET | (vmm_paging ? CR0_PG : 0);
	sregs.cr3 = vmm_paging ? PD_ADDR : 0;
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (ioctl(vm.vcpu, KVM_SET_SREGS, &sregs) < 0) {
		printf("%s: KVM_SET_SREGS: %s\n", name, strerror(errno));
		goto out;
	}
	if (vmm_paging && ioctl(vm.vcpu, KVM_GET_SREGS, &sregs) == 0 && !(sregs.cr0 & CR0_PG))
		printf("%s: KVM dropped CR0.PG set by KVM_SET_SREGS\n", name);
	if (set_regs(&vm, CODE_ADDR + (vmm_paging ? PAGED_ENTRY : 0)) == 0)
		rc = run_guest(&vm, name, 'P');
out:
	vm_destroy(&vm);
	return rc;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	int version, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGALRM, &sa, NULL);
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		perror("kvmcheck: /dev/kvm");
		return 1;
	}
	version = ioctl(kvm, KVM_GET_API_VERSION, 0);
	printf("kvmcheck: KVM API version %d\n", version);
	if (version != KVM_API_VERSION) {
		printf("kvmcheck: FAIL: expected API version %d\n", KVM_API_VERSION);
		return 1;
	}
	failed += check_real_mode();
	failed += check_paging32(0);
	failed += check_paging32(1);
	if (failed)
		printf("kvmcheck: FAIL: %d of 3 guests did not behave as on hardware KVM\n", failed);
	else
		printf("kvmcheck: PASS: hardware KVM semantics\n");
	return failed ? 1 : 0;
}
