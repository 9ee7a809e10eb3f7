/* Guest memory as gdb sees it: addresses are the guest's virtual (linear)
 * ones, translated page by page through the vCPU's own page tables with
 * KVM_TRANSLATE, and every byte is then reached through vm_guest_ptr, so
 * no request can touch host memory outside the guest's RAM. Software
 * breakpoints live here too: the int3 written in, the byte it replaced
 * shown to gdb in its place. */
#include <string.h>
#include <sys/ioctl.h>

#include "stub_impl.h"
#include "../guest.h"
#include "../x86.h"

#define PAGE_SIZE 4096u
#define INT3 0xcc

/* The guest-physical address of linear; false when it is not mapped. */
static bool translate(struct vcpu *v, uint64_t linear, uint64_t *gpa)
{
	struct kvm_translation tr = { .linear_address = linear };
	struct kvm_sregs sregs;

	if (ioctl(v->fd, KVM_TRANSLATE, &tr) == 0) {
		*gpa = tr.physical_address;
		return tr.valid;
	}
	/* A KVM without KVM_TRANSLATE: right only while paging is off. */
	if (vcpu_get_sregs(v, &sregs) < 0 || (sregs.cr0 & X86_CR0_PG))
		return false;
	*gpa = linear;
	return true;
}

/* The bytes at [addr, addr + len) that one page holds, from addr. */
static size_t chunk_in_page(uint64_t addr, size_t len)
{
	size_t room = PAGE_SIZE - (size_t)(addr % PAGE_SIZE);

	return len < room ? len : room;
}

/* gdb sees the bytes its int3s replaced, not the int3s. */
static void hide_breakpoints(struct gdb_stub *s, uint64_t gpa, uint8_t *buf, size_t n)
{
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++) {
		const struct gdb_sw_breakpoint *b = &s->bps.sw[i];

		if (b->used && b->in_memory && b->gpa >= gpa && b->gpa - gpa < n)
			buf[b->gpa - gpa] = b->saved;
	}
}

size_t gdb_read_memory(struct gdb_stub *s, int cpu, uint64_t addr, uint8_t *buf, size_t len)
{
	struct vcpu *v = gdb_cpu_vcpu(s, cpu);
	size_t done = 0;

	while (v && done < len) {
		size_t n = chunk_in_page(addr + done, len - done);
		uint64_t gpa;
		const uint8_t *p;

		if (!translate(v, addr + done, &gpa) || !(p = vm_guest_ptr(v->vm, gpa, n)))
			break;
		memcpy(buf + done, p, n);
		hide_breakpoints(s, gpa, buf + done, n);
		done += n;
	}
	return done;
}

/* A write over an int3 of gdb's changes the byte it will put back. */
static void write_page(struct gdb_stub *s, uint8_t *p, uint64_t gpa, const uint8_t *data,
		       size_t n)
{
	memcpy(p, data, n);
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++) {
		struct gdb_sw_breakpoint *b = &s->bps.sw[i];

		if (b->used && b->in_memory && b->gpa >= gpa && b->gpa - gpa < n) {
			b->saved = p[b->gpa - gpa];
			p[b->gpa - gpa] = INT3;
		}
	}
}

size_t gdb_write_memory(struct gdb_stub *s, int cpu, uint64_t addr, const uint8_t *data,
			size_t len)
{
	struct vcpu *v = gdb_cpu_vcpu(s, cpu);
	size_t done = 0;

	while (v && done < len) {
		size_t n = chunk_in_page(addr + done, len - done);
		uint64_t gpa;
		uint8_t *p;

		if (!translate(v, addr + done, &gpa) || !(p = vm_guest_ptr(v->vm, gpa, n)))
			break;
		write_page(s, p, gpa, data + done, n);
		done += n;
	}
	return done;
}

/* Where the host intercepts no int3 (kvm-pvm), a debug register does. */
static const char *insert_as_hardware(struct gdb_stub *s, uint64_t addr)
{
	int slot = gdb_hw_insert(&s->bps, GDB_HW_SW_EXEC, addr, 1, true);

	return slot >= 0 ? NULL : GDB_E_NO_SLOT;
}

const char *gdb_insert_sw(struct gdb_stub *s, int cpu, uint64_t addr)
{
	struct vcpu *v = gdb_cpu_vcpu(s, cpu);
	struct gdb_sw_breakpoint *b;
	uint64_t gpa;
	uint8_t *p;

	if (s->host_bp == GDB_BP_HW_ONLY)
		return insert_as_hardware(s, addr);
	if (gdb_sw_find(&s->bps, addr))
		return NULL;
	if (s->host_bp == GDB_BP_STEPPING) { /* checked at each step: no int3 */
		b = gdb_sw_free_entry(&s->bps);
		if (!b)
			return GDB_E_NO_SLOT;
		*b = (struct gdb_sw_breakpoint){ .used = true, .addr = addr };
		return NULL;
	}
	if (!v || !translate(v, addr, &gpa) || !(p = vm_guest_ptr(v->vm, gpa, 1)))
		return GDB_E_MEMORY;
	b = gdb_sw_free_entry(&s->bps);
	if (!b)
		return GDB_E_NO_SLOT;
	*b = (struct gdb_sw_breakpoint){ .used = true, .addr = addr, .gpa = gpa, .saved = *p,
					  .in_memory = true };
	*p = INT3;
	return NULL;
}

static void remove_entry(struct gdb_stub *s, struct gdb_sw_breakpoint *b)
{
	uint8_t *p = b->in_memory ? vm_guest_ptr(&s->guest->vm, b->gpa, 1) : NULL;

	if (p && *p == INT3) /* the guest may have written over it */
		*p = b->saved;
	b->used = false;
}

const char *gdb_remove_sw(struct gdb_stub *s, uint64_t addr)
{
	struct gdb_sw_breakpoint *b;

	if (s->host_bp == GDB_BP_HW_ONLY)
		return gdb_hw_remove(&s->bps, GDB_HW_SW_EXEC, addr, 1) ? NULL : GDB_E_STATE;
	b = gdb_sw_find(&s->bps, addr);
	if (!b)
		return GDB_E_STATE;
	remove_entry(s, b);
	return NULL;
}

void gdb_remove_all_sw(struct gdb_stub *s)
{
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++)
		if (s->bps.sw[i].used)
			remove_entry(s, &s->bps.sw[i]);
}
