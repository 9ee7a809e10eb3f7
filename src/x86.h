/* The x86 architectural bits the loaders set, named once (Intel SDM vol. 3,
 * 2.5 "Control registers", 3.4.5 "Segment descriptors"), and one helper that
 * fills a KVM segment register, so no loader spells out 0x80000011. */
#ifndef MINIKVM_X86_H
#define MINIKVM_X86_H

#include <linux/kvm.h>
#include <stdint.h>

#define X86_CR0_PE (1u << 0)  /* protection enable */
#define X86_CR0_ET (1u << 4)  /* extension type: always 1 since the 486 */
#define X86_CR0_PG (1u << 31) /* paging */

#define X86_CR4_PSE (1u << 4)
#define X86_CR4_PAE (1u << 5)

#define X86_EFER_LME (1u << 8)	/* long mode enable */
#define X86_EFER_LMA (1u << 10) /* long mode active */

#define X86_RFLAGS_FIXED (1u << 1) /* reserved, always 1; interrupts off */

/* Page-table entry flags, the same at every level and in both modes. */
#define X86_PTE_PRESENT (1u << 0)
#define X86_PTE_WRITE (1u << 1)
#define X86_PTE_HUGE (1u << 7) /* PS: a 2 MiB (or 4 MiB) page */

/* Segment types (S = 1): bit 0 accessed, bit 1 readable/writable,
 * bit 3 code. */
#define X86_SEG_DATA_RW 0x3	 /* read/write, accessed */
#define X86_SEG_CODE_RX 0xb	 /* execute/read, accessed */

#define X86_REAL_SEG_LIMIT 0xffff

/* DR7: local enable of breakpoint 0 (R/W0 = 00, LEN0 = 00: an instruction
 * breakpoint); DR6: breakpoint 0 hit. */
#define X86_DR7_L0 (1u << 0)
#define X86_DR6_B0 (1u << 0)

enum x86_seg_mode {
	X86_SEG_REAL,	/* 16-bit, base = selector * 16, 64 KiB limit */
	X86_SEG_FLAT32, /* base 0, 4 GiB, D/B = 1, G = 1 */
	X86_SEG_CODE64, /* long mode code: L = 1, D/B = 0 */
};

/* A present, ring-0 code or data segment register for KVM_SET_SREGS. */
static inline struct kvm_segment x86_segment(uint16_t selector, uint8_t type,
					     enum x86_seg_mode mode)
{
	struct kvm_segment s = {
		.selector = selector, .type = type, .present = 1, .s = 1,
	};

	switch (mode) {
	case X86_SEG_REAL:
		s.base = (uint64_t)selector << 4;
		s.limit = X86_REAL_SEG_LIMIT;
		break;
	case X86_SEG_FLAT32:
		s.limit = 0xffffffff;
		s.db = 1;
		s.g = 1;
		break;
	case X86_SEG_CODE64:
		s.limit = 0xffffffff;
		s.l = 1;
		s.g = 1;
		break;
	}
	return s;
}

/* The 8-byte GDT descriptor of the same segment (base 0 unless real). */
static inline uint64_t x86_gdt_entry(uint8_t type, enum x86_seg_mode mode)
{
	/* limit 0xfffff in 4 KiB units, P = 1, S = 1, DPL 0 */
	uint64_t d = 0x000f00000000ffffull | (uint64_t)(0x90 | type) << 40;

	if (mode == X86_SEG_CODE64)
		d |= 1ull << 53 | 1ull << 55; /* L, G */
	else
		d |= 1ull << 54 | 1ull << 55; /* D/B, G */
	return d;
}

#endif
