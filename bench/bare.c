/* bare: the floor a VMM is measured against. It does the least KVM needs
 * to run a guest and nothing else: no checks beyond ioctl results, no
 * threads, no devices.
 *
 *   bare hlt        one VM, one vCPU, a one-byte HLT guest; exits 0
 *   bare out N      a real-mode guest that OUTs to port 0x80 N times, each
 *                   exit handled by an empty switch; prints ns per exit
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

int main(int argc, char **argv)
{
	/* out: mov $N,%ecx; 1: out %al,$0x80; loop 1b (16-bit: uses CX, so
	 * N is split into an outer count in SI); hlt */
	static const unsigned char out_loop[] = {
		0xe6, 0x80,		/* 0x1000: out %al,$0x80 */
		0x66, 0x49,		/* dec %ecx */
		0x75, 0xfa,		/* jnz 0x1000 */
		0xf4,			/* hlt */
	};
	static const unsigned char hlt[] = { 0xf4 };
	long n = 0;
	int kvm, vm, vcpu, mmap_size;
	struct kvm_run *run;
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = 0x1000, .rflags = 2 };
	unsigned char *mem;

	if (argc >= 3 && strcmp(argv[1], "out") == 0)
		n = atol(argv[2]);
	else if (argc != 2 || strcmp(argv[1], "hlt") != 0) {
		fprintf(stderr, "usage: bare hlt | bare out N\n");
		return 2;
	}
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("/dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	mem = mmap(NULL, 0x2000, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	if (n)
		memcpy(mem + 0x1000, out_loop, sizeof(out_loop));
	else
		memcpy(mem + 0x1000, hlt, sizeof(hlt));
	struct kvm_userspace_memory_region region = {
		.memory_size = 0x2000, .userspace_addr = (unsigned long)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	mmap_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || mmap_size <= 0)
		die("KVM_CREATE_VCPU");
	run = mmap(NULL, (size_t)mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap vcpu");
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");
	regs.rcx = (unsigned long)n;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");

	struct timespec t0, t1;
	long exits = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			die("KVM_RUN");
		if (run->exit_reason == KVM_EXIT_IO) {
			exits++;
			continue;
		}
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		fprintf(stderr, "bare: unexpected exit %u\n", run->exit_reason);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (n) {
		long ns = (t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec);

		printf("%ld exits, %.0f ns per exit\n", exits, exits ? (double)ns / (double)exits : 0.0);
	}
	return 0;
}
