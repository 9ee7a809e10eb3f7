/* setup-steps: times each KVM step of bringing up and tearing down a VM,
 * as a VMM performs them, with and without the in-kernel irqchip and PIT.
 * The guest is "out %al,$0x80; hlt", so the first KVM_RUN returns with an
 * I/O exit in both cases (with an irqchip, HLT never reaches user space).
 *
 * usage: setup-steps N      prints one JSON object: step -> median ns,
 *                            for "plain" and "irqchip" */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

enum { OPEN, CREATE_VM, MEMORY, IRQCHIP, CREATE_VCPU, REGISTERS, FIRST_RUN, TEARDOWN, NSTEPS };
static const char *const step_names[NSTEPS] = {
	"open", "create_vm", "memory_slot", "irqchip_pit", "create_vcpu",
	"registers", "first_run", "teardown",
};

static long long now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void check(int ok, const char *what)
{
	if (!ok) {
		perror(what);
		exit(1);
	}
}

static void one_run(int irqchip, long long *t)
{
	static const unsigned char code[] = { 0xe6, 0x80, 0xf4 };
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = 0x1000, .rflags = 2 };
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	long long t0 = now();
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	check(kvm >= 0, "/dev/kvm");
	t[OPEN] = now() - t0;
	t0 = now();
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);

	check(vm >= 0, "KVM_CREATE_VM");
	t[CREATE_VM] = now() - t0;
	t0 = now();
	size_t mem_size = 1 << 20;
	unsigned char *mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	check(mem != MAP_FAILED, "mmap");
	memcpy(mem + 0x1000, code, sizeof(code));
	struct kvm_userspace_memory_region region = {
		.memory_size = mem_size, .userspace_addr = (unsigned long)mem,
	};
	check(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) == 0, "memory");
	t[MEMORY] = now() - t0;
	t0 = now();
	if (irqchip) {
		check(ioctl(vm, KVM_CREATE_IRQCHIP, 0) == 0, "KVM_CREATE_IRQCHIP");
		check(ioctl(vm, KVM_CREATE_PIT2, &pit) == 0, "KVM_CREATE_PIT2");
	}
	t[IRQCHIP] = now() - t0;
	t0 = now();
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);

	check(vcpu >= 0 && run_size > 0, "KVM_CREATE_VCPU");
	struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE,
				   MAP_SHARED, vcpu, 0);

	check(run != MAP_FAILED, "mmap run");
	t[CREATE_VCPU] = now() - t0;
	t0 = now();
	check(ioctl(vcpu, KVM_GET_SREGS, &sregs) == 0, "KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	check(ioctl(vcpu, KVM_SET_SREGS, &sregs) == 0, "KVM_SET_SREGS");
	check(ioctl(vcpu, KVM_SET_REGS, &regs) == 0, "KVM_SET_REGS");
	t[REGISTERS] = now() - t0;
	t0 = now();
	check(ioctl(vcpu, KVM_RUN, 0) == 0 && run->exit_reason == KVM_EXIT_IO, "KVM_RUN");
	t[FIRST_RUN] = now() - t0;
	t0 = now();
	munmap(run, (size_t)run_size);
	close(vcpu);
	munmap(mem, mem_size);
	close(vm);
	close(kvm);
	t[TEARDOWN] = now() - t0;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int n = argc == 2 ? atoi(argv[1]) : 0;

	if (n < 1 || n > 10000) {
		fprintf(stderr, "usage: setup-steps N\n");
		return 2;
	}
	long long *samples = calloc((size_t)n * NSTEPS, sizeof(long long));

	check(samples != NULL, "calloc");
	printf("{");
	for (int irqchip = 0; irqchip < 2; irqchip++) {
		long long t[NSTEPS];

		one_run(irqchip, t); /* warm-up */
		for (int i = 0; i < n; i++) {
			one_run(irqchip, t);
			for (int s = 0; s < NSTEPS; s++)
				samples[s * n + i] = t[s];
		}
		printf("%s\"%s\": {", irqchip ? ", " : "", irqchip ? "irqchip" : "plain");
		for (int s = 0; s < NSTEPS; s++) {
			qsort(samples + s * n, (size_t)n, sizeof(long long), cmp_ll);
			printf("%s\"%s\": [%lld, %lld, %lld]", s ? ", " : "", step_names[s],
			       samples[s * n + n / 2], samples[s * n], samples[s * n + n - 1]);
		}
		printf("}");
	}
	printf("}\n");
	free(samples);
	return 0;
}
