/* The CPU models and feature switches of --cpu / -cpu, applied to a table
 * like the one KVM_GET_SUPPORTED_CPUID returns. */
#include <stdlib.h>
#include <string.h>

#include "../../src/cpuid.h"
#include "harness.h"

/* A host table: leaf 1 with x2apic, pcid, avx and a stale APIC ID, leaf 7
 * with smep, 0x80000001 with lm and svm, a topology leaf. */
static struct kvm_cpuid2 *host_table(void)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 4 * sizeof(c->entries[0]));

	c->nent = 4;
	c->entries[0] = (struct kvm_cpuid_entry2){ .function = 1, .ebx = 0x07000800,
		.ecx = 1u << 21 | 1u << 17 | 1u << 28 | 1u, .edx = 0xffffffff };
	c->entries[1] = (struct kvm_cpuid_entry2){ .function = 7, .index = 0,
		.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .ebx = 1u << 7 };
	c->entries[2] = (struct kvm_cpuid_entry2){ .function = 0x80000001,
		.ecx = 1u << 2, .edx = 1u << 29 | 1u << 20 };
	c->entries[3] = (struct kvm_cpuid_entry2){ .function = 0xb, .edx = 9 };
	return c;
}

TEST(cpuid_host_model_with_feature_switches)
{
	struct cpuid_policy p;
	struct kvm_cpuid2 *c = host_table();
	const char *why = NULL;

	CHECK_EQ(cpuid_policy_parse("host,-x2apic,+vmx,pcid=off,tsc_deadline=on", &p, &why), 0);
	cpuid_apply(&p, c, 3);
	CHECK_EQ(cpuid_has(c, "x2apic"), 0);
	CHECK_EQ(cpuid_has(c, "pcid"), 0);
	CHECK_EQ(cpuid_has(c, "vmx"), 1);
	CHECK_EQ(cpuid_has(c, "tsc-deadline"), 1);
	CHECK_EQ(cpuid_has(c, "avx"), 1);
	CHECK_EQ(cpuid_has(c, "hypervisor"), 1);
	CHECK_EQ(c->entries[0].ebx >> 24, 3); /* this vCPU's APIC ID */
	CHECK_EQ(c->entries[3].edx, 3);
	CHECK_EQ(cpuid_has(c, "no-such-feature"), -1);
	free(c);
}

TEST(cpuid_qemu64_is_the_baseline)
{
	struct cpuid_policy p;
	struct kvm_cpuid2 *c = host_table();
	const char *why = NULL;

	CHECK_EQ(cpuid_policy_parse("qemu64", &p, &why), 0);
	cpuid_apply(&p, c, 0);
	CHECK_EQ(cpuid_has(c, "avx"), 0);
	CHECK_EQ(cpuid_has(c, "pcid"), 0);
	CHECK_EQ(cpuid_has(c, "smep"), 0);
	CHECK_EQ(cpuid_has(c, "x2apic"), 1);
	CHECK_EQ(cpuid_has(c, "sse3"), 1);
	CHECK_EQ(cpuid_has(c, "lm"), 1);
	CHECK_EQ(cpuid_has(c, "svm"), 1);
	CHECK_EQ(cpuid_has(c, "apic"), 1);
	free(c);
}

TEST(cpuid_policy_refuses_what_it_does_not_know)
{
	struct cpuid_policy p;
	const char *why = NULL;

	CHECK_EQ(cpuid_policy_parse("pentium", &p, &why), -1);
	CHECK(why && strstr(why, "model"));
	CHECK_EQ(cpuid_policy_parse("host,+frobnicate", &p, &why), -1);
	CHECK_EQ(cpuid_policy_parse("host,x2apic=maybe", &p, &why), -1);
	CHECK_EQ(cpuid_policy_parse("max,+x2apic", &p, &why), 0);
	CHECK_EQ(p.model, CPU_MODEL_HOST);
	CHECK_EQ(cpuid_policy_parse("host", &p, &why), 0);
	CHECK_EQ(p.nchanges, 0);
}
