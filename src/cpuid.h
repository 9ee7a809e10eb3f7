/* The CPU a guest is shown: the host's CPUID as KVM supports it (QEMU's
 * "-cpu host" and "max" on KVM), or QEMU's "qemu64" baseline, with named
 * features switched on or off as QEMU's "+x2apic,-pcid" or "pcid=off"
 * suffixes do. Parsed once from --cpu or -cpu; applied to every vCPU's
 * table before KVM_SET_CPUID2, so tests written for QEMU can ask for a CPU
 * without, say, x2APIC. */
#ifndef MINIKVM_CPUID_H
#define MINIKVM_CPUID_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>

#define CPUID_MAX_CHANGES 16

enum cpu_model {
	CPU_MODEL_HOST, /* also "max": all KVM supports */
	CPU_MODEL_QEMU64,
};

struct cpuid_policy {
	enum cpu_model model;
	int nchanges;
	struct {
		int feature; /* index into the feature table */
		bool on;
	} changes[CPUID_MAX_CHANGES];
};

/* "host", "max" or "qemu64", then ",+feat", ",-feat", ",feat=on|off" or
 * ",feat"; 0, or -1 with a reason in why (an unknown model or feature). */
int cpuid_policy_parse(const char *spec, struct cpuid_policy *p, const char **why);
/* Shapes KVM's supported table for one vCPU: model, changes, the
 * hypervisor bit, and apic_id in leaf 1 and the topology leaves. */
void cpuid_apply(const struct cpuid_policy *p, struct kvm_cpuid2 *cpuid, uint32_t apic_id);
/* Whether a feature the table knows is set in cpuid; -1 for an unknown
 * name. For tests and messages. */
int cpuid_has(const struct kvm_cpuid2 *cpuid, const char *feature);

#endif
