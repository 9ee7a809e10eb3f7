/* The CPU is cut down from KVM's supported table, never built up: qemu64
 * masks the host's bits in the leaves it defines, so it cannot show one
 * the host lacks; other leaves stay as KVM gives them. Named changes come
 * last and are not checked against the host. */
#include "cpuid.h"

#include <stdlib.h>
#include <string.h>

enum reg { EAX, EBX, ECX, EDX };

/* Features by QEMU's names (target/i386/cpu.c spells them so): where
 * each lives in CPUID. */
static const struct feature {
	const char *name;
	uint32_t leaf, subleaf;
	enum reg reg;
	uint32_t bit;
} features[] = {
	{ "apic", 1, 0, EDX, 9 },	     { "pge", 1, 0, EDX, 13 },
	{ "sse3", 1, 0, ECX, 0 },	     { "vmx", 1, 0, ECX, 5 },
	{ "pcid", 1, 0, ECX, 17 },	     { "sse4.1", 1, 0, ECX, 19 },
	{ "sse4.2", 1, 0, ECX, 20 },	     { "x2apic", 1, 0, ECX, 21 },
	{ "popcnt", 1, 0, ECX, 23 },	     { "tsc-deadline", 1, 0, ECX, 24 },
	{ "aes", 1, 0, ECX, 25 },	     { "xsave", 1, 0, ECX, 26 },
	{ "avx", 1, 0, ECX, 28 },	     { "rdrand", 1, 0, ECX, 30 },
	{ "hypervisor", 1, 0, ECX, 31 },     { "fsgsbase", 7, 0, EBX, 0 },
	{ "avx2", 7, 0, EBX, 5 },	     { "smep", 7, 0, EBX, 7 },
	{ "erms", 7, 0, EBX, 9 },	     { "invpcid", 7, 0, EBX, 10 },
	{ "smap", 7, 0, EBX, 20 },	     { "umip", 7, 0, ECX, 2 },
	{ "la57", 7, 0, ECX, 16 },	     { "nx", 0x80000001, 0, EDX, 20 },
	{ "pdpe1gb", 0x80000001, 0, EDX, 26 }, { "rdtscp", 0x80000001, 0, EDX, 27 },
	{ "lm", 0x80000001, 0, EDX, 29 },    { "lahf-lm", 0x80000001, 0, ECX, 0 },
	{ "svm", 0x80000001, 0, ECX, 2 },    { "npt", 0x8000000a, 0, EDX, 0 },
};
#define NFEATURES ((int)(sizeof(features) / sizeof(features[0])))

/* qemu64's bits (QEMU's builtin model), in the leaves it defines; the rest
 * of those registers is cleared. */
static const struct {
	uint32_t leaf;
	enum reg reg;
	uint32_t bits;
} qemu64[] = {
	/* fpu de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36
	 * clflush mmx fxsr sse sse2 */
	{ 1, EDX, 0x078bfbfd },
	/* sse3 cx16 x2apic (KVM's default on) hypervisor */
	{ 1, ECX, 0x00000001 | 1u << 13 | 1u << 21 | 1u << 31 },
	{ 0x80000001, EDX, 1u << 11 | 1u << 20 | 1u << 29 }, /* syscall nx lm */
	{ 0x80000001, ECX, 1u << 0 | 1u << 2 },		     /* lahf-lm svm */
};

static int find_feature(const char *name, size_t len)
{
	for (int i = 0; i < NFEATURES; i++)
		if (strlen(features[i].name) == len && strncmp(features[i].name, name, len) == 0)
			return i;
	/* QEMU also spells them with underscores. */
	for (int i = 0; i < NFEATURES; i++) {
		size_t n = strlen(features[i].name);
		size_t j = 0;

		for (; n == len && j < n; j++)
			if (name[j] != features[i].name[j] &&
			    !(name[j] == '_' && features[i].name[j] == '-') &&
			    !(name[j] == '_' && features[i].name[j] == '.'))
				break;
		if (n == len && j == n)
			return i;
	}
	return -1;
}

/* One ",+feat" / ",-feat" / ",feat=on|off" / ",feat" item. */
static int parse_change(const char *item, size_t len, struct cpuid_policy *p, const char **why)
{
	bool on = true;
	const char *eq = memchr(item, '=', len);
	size_t name_len = eq ? (size_t)(eq - item) : len;
	int f;

	if (len && (item[0] == '+' || item[0] == '-')) {
		on = item[0] == '+';
		item++;
		len--;
		name_len = len;
	} else if (eq) {
		const char *val = eq + 1;
		size_t val_len = len - name_len - 1;

		if (val_len == 3 && strncmp(val, "off", 3) == 0)
			on = false;
		else if (!(val_len == 2 && strncmp(val, "on", 2) == 0))
			return *why = "a feature takes =on or =off", -1;
	}
	f = find_feature(item, name_len);
	if (f < 0)
		return *why = "unknown CPU feature (docs/qemu-compat.md lists them)", -1;
	if (p->nchanges == CPUID_MAX_CHANGES)
		return *why = "too many CPU feature changes", -1;
	p->changes[p->nchanges].feature = f;
	p->changes[p->nchanges++].on = on;
	return 0;
}

int cpuid_policy_parse(const char *spec, struct cpuid_policy *p, const char **why)
{
	size_t model_len = strcspn(spec, ",");

	memset(p, 0, sizeof(*p));
	if ((model_len == 4 && strncmp(spec, "host", 4) == 0) ||
	    (model_len == 3 && strncmp(spec, "max", 3) == 0))
		p->model = CPU_MODEL_HOST;
	else if (model_len == 6 && strncmp(spec, "qemu64", 6) == 0)
		p->model = CPU_MODEL_QEMU64;
	else
		return *why = "unknown CPU model: host, max or qemu64", -1;
	for (const char *item = spec + model_len; *item == ',';) {
		size_t len = strcspn(item + 1, ",");

		if (parse_change(item + 1, len, p, why) < 0)
			return -1;
		item += len + 1;
	}
	return 0;
}

static uint32_t *reg_of(struct kvm_cpuid_entry2 *e, enum reg r)
{
	switch (r) {
	case EAX:
		return &e->eax;
	case EBX:
		return &e->ebx;
	case ECX:
		return &e->ecx;
	default:
		return &e->edx;
	}
}

static struct kvm_cpuid_entry2 *entry(const struct kvm_cpuid2 *c, uint32_t leaf, uint32_t subleaf)
{
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = (struct kvm_cpuid_entry2 *)&c->entries[i];

		if (e->function == leaf &&
		    (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == subleaf))
			return e;
	}
	return NULL;
}

static void apply_qemu64(struct kvm_cpuid2 *c)
{
	struct kvm_cpuid_entry2 *e = entry(c, 7, 0);

	for (size_t i = 0; i < sizeof(qemu64) / sizeof(qemu64[0]); i++) {
		struct kvm_cpuid_entry2 *q = entry(c, qemu64[i].leaf, 0);

		if (q)
			*reg_of(q, qemu64[i].reg) &= qemu64[i].bits;
	}
	if (e)
		e->ebx = e->ecx = e->edx = 0;
}

void cpuid_apply(const struct cpuid_policy *p, struct kvm_cpuid2 *c, uint32_t apic_id)
{
	struct kvm_cpuid_entry2 *e;

	if (p && p->model == CPU_MODEL_QEMU64)
		apply_qemu64(c);
	e = entry(c, 1, 0);
	if (e) {
		e->ecx |= 1u << 31; /* running under a hypervisor */
		e->ebx = (e->ebx & 0x00ffffffu) | (apic_id << 24);
	}
	/* The topology leaves report the x2APIC ID in EDX. */
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == 0xb || c->entries[i].function == 0x1f)
			c->entries[i].edx = apic_id;
	for (int i = 0; p && i < p->nchanges; i++) {
		const struct feature *f = &features[p->changes[i].feature];

		e = entry(c, f->leaf, f->subleaf);
		if (!e)
			continue;
		if (p->changes[i].on)
			*reg_of(e, f->reg) |= 1u << f->bit;
		else
			*reg_of(e, f->reg) &= ~(1u << f->bit);
	}
}

int cpuid_has(const struct kvm_cpuid2 *c, const char *name)
{
	int i = find_feature(name, strlen(name));
	struct kvm_cpuid_entry2 *e;

	if (i < 0)
		return -1;
	e = entry(c, features[i].leaf, features[i].subleaf);
	return e && (*reg_of(e, features[i].reg) >> features[i].bit & 1);
}
