/* Register layouts for gdb (regs.h). The register order and the feature
 * names are the GDB manual's ("i386 Features", "Standard Target
 * Features"); the values come from KVM's kvm_regs, kvm_sregs and kvm_fpu.
 * target.xml is written from the same tables as the g packet. */
#include "regs.h"

#include <stdio.h>
#include <string.h>

#include "../x86.h"

enum field {
	F_RAX, F_RBX, F_RCX, F_RDX, F_RSI, F_RDI, F_RBP, F_RSP,
	F_R8, F_R9, F_R10, F_R11, F_R12, F_R13, F_R14, F_R15,
	F_RIP, F_RFLAGS, F_CS, F_SS, F_DS, F_ES, F_FS, F_GS,
	F_ST0, /* ... F_ST0 + 7 */
	F_FCTRL = F_ST0 + 8, F_FSTAT, F_FTAG, F_FISEG, F_FIOFF, F_FOSEG, F_FOOFF, F_FOP,
	F_XMM0, /* ... F_XMM0 + 15 */
	F_MXCSR = F_XMM0 + 16, F_FS_BASE, F_GS_BASE,
	F_CR0, F_CR2, F_CR3, F_CR4, F_CR8, F_EFER,
};

enum feature { CORE, SSE, SEGMENTS, SYS, NFEATURES };

static const char *const feature_names[NFEATURES] = {
	"org.gnu.gdb.i386.core", "org.gnu.gdb.i386.sse", "org.gnu.gdb.i386.segments",
	"org.minikvm.x86.sys",
};

struct reg {
	const char *name;
	uint8_t bits;
	uint8_t field;
	uint8_t feature;
	const char *type;
};

#define GPR64(n, f) { n, 64, f, CORE, "int64" }
#define SEG(n, f) { n, 32, f, CORE, "int32" }
#define ST(i) { "st" #i, 80, F_ST0 + i, CORE, "i387_ext" }
#define FPC(n, f) { n, 32, f, CORE, "int" }
#define XMM(i) { "xmm" #i, 128, F_XMM0 + i, SSE, "vec128" }

#define X87_REGS                                                            \
	ST(0), ST(1), ST(2), ST(3), ST(4), ST(5), ST(6), ST(7),             \
	FPC("fctrl", F_FCTRL), FPC("fstat", F_FSTAT), FPC("ftag", F_FTAG),  \
	FPC("fiseg", F_FISEG), FPC("fioff", F_FIOFF), FPC("foseg", F_FOSEG), \
	FPC("fooff", F_FOOFF), FPC("fop", F_FOP)

static const struct reg x86_64_regs[] = {
	GPR64("rax", F_RAX), GPR64("rbx", F_RBX), GPR64("rcx", F_RCX), GPR64("rdx", F_RDX),
	GPR64("rsi", F_RSI), GPR64("rdi", F_RDI), { "rbp", 64, F_RBP, CORE, "data_ptr" },
	{ "rsp", 64, F_RSP, CORE, "data_ptr" },
	GPR64("r8", F_R8), GPR64("r9", F_R9), GPR64("r10", F_R10), GPR64("r11", F_R11),
	GPR64("r12", F_R12), GPR64("r13", F_R13), GPR64("r14", F_R14), GPR64("r15", F_R15),
	{ "rip", 64, F_RIP, CORE, "code_ptr" }, { "eflags", 32, F_RFLAGS, CORE, "i386_eflags" },
	SEG("cs", F_CS), SEG("ss", F_SS), SEG("ds", F_DS), SEG("es", F_ES),
	SEG("fs", F_FS), SEG("gs", F_GS),
	X87_REGS,
	XMM(0), XMM(1), XMM(2), XMM(3), XMM(4), XMM(5), XMM(6), XMM(7),
	XMM(8), XMM(9), XMM(10), XMM(11), XMM(12), XMM(13), XMM(14), XMM(15),
	{ "mxcsr", 32, F_MXCSR, SSE, "i386_mxcsr" },
	{ "fs_base", 64, F_FS_BASE, SEGMENTS, "int" }, { "gs_base", 64, F_GS_BASE, SEGMENTS, "int" },
	{ "cr0", 64, F_CR0, SYS, "int" }, { "cr2", 64, F_CR2, SYS, "int" },
	{ "cr3", 64, F_CR3, SYS, "int" }, { "cr4", 64, F_CR4, SYS, "int" },
	{ "cr8", 64, F_CR8, SYS, "int" }, { "efer", 64, F_EFER, SYS, "int" },
};

static const struct reg i386_regs[] = {
	{ "eax", 32, F_RAX, CORE, "int32" }, { "ecx", 32, F_RCX, CORE, "int32" },
	{ "edx", 32, F_RDX, CORE, "int32" }, { "ebx", 32, F_RBX, CORE, "int32" },
	{ "esp", 32, F_RSP, CORE, "data_ptr" }, { "ebp", 32, F_RBP, CORE, "data_ptr" },
	{ "esi", 32, F_RSI, CORE, "int32" }, { "edi", 32, F_RDI, CORE, "int32" },
	{ "eip", 32, F_RIP, CORE, "code_ptr" }, { "eflags", 32, F_RFLAGS, CORE, "i386_eflags" },
	SEG("cs", F_CS), SEG("ss", F_SS), SEG("ds", F_DS), SEG("es", F_ES),
	SEG("fs", F_FS), SEG("gs", F_GS),
	X87_REGS,
	XMM(0), XMM(1), XMM(2), XMM(3), XMM(4), XMM(5), XMM(6), XMM(7),
	{ "mxcsr", 32, F_MXCSR, SSE, "i386_mxcsr" },
	/* No segments feature (fs_base, gs_base): gdb 13 with its GNU/Linux
	 * i386 ABI fails an internal assertion on it. monitor regs shows them. */
	{ "cr0", 32, F_CR0, SYS, "int" }, { "cr2", 32, F_CR2, SYS, "int" },
	{ "cr3", 32, F_CR3, SYS, "int" }, { "cr4", 32, F_CR4, SYS, "int" },
	{ "efer", 32, F_EFER, SYS, "int" },
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct reg *table(enum gdb_layout l, int *n)
{
	if (l == GDB_LAYOUT_X86_64) {
		*n = COUNT(x86_64_regs);
		return x86_64_regs;
	}
	*n = COUNT(i386_regs);
	return i386_regs;
}

bool gdb_reg_info(enum gdb_layout l, int regnum, struct gdb_reg_info *info)
{
	int n;
	const struct reg *t = table(l, &n);

	if (regnum < 0 || regnum >= n)
		return false;
	info->name = t[regnum].name;
	info->bits = t[regnum].bits;
	info->type = t[regnum].type;
	info->feature = feature_names[t[regnum].feature];
	return true;
}

const char *gdb_layout_arch(enum gdb_layout l)
{
	return l == GDB_LAYOUT_X86_64 ? "i386:x86-64" : l == GDB_LAYOUT_I386 ? "i386" : "i8086";
}

int gdb_regs_count(enum gdb_layout l)
{
	int n;

	table(l, &n);
	return n;
}

size_t gdb_regs_size(enum gdb_layout l)
{
	int n;
	const struct reg *t = table(l, &n);
	size_t size = 0;

	for (int i = 0; i < n; i++)
		size += t[i].bits / 8;
	return size;
}

uint16_t gdb_fpu_full_tag(const struct kvm_fpu *fpu)
{
	unsigned top = (fpu->fsw >> 11) & 7;
	uint16_t full = 0;

	for (unsigned phys = 0; phys < 8; phys++) {
		const uint8_t *v = fpu->fpr[(phys - top) & 7];
		unsigned exponent = ((unsigned)v[9] << 8 | v[8]) & 0x7fff, tag;
		uint64_t mantissa;

		memcpy(&mantissa, v, 8);
		if (!(fpu->ftwx & (1u << phys)))
			tag = 3; /* empty */
		else if (exponent == 0x7fff)
			tag = 2; /* special: infinity, NaN */
		else if (exponent == 0)
			tag = mantissa ? 2 : 1; /* denormal, or zero */
		else
			tag = (mantissa >> 63) ? 0 : 2; /* valid, or unnormal */
		full |= (uint16_t)(tag << (2 * phys));
	}
	return full;
}

uint8_t gdb_fpu_abridged_tag(uint16_t full)
{
	uint8_t abridged = 0;

	for (unsigned phys = 0; phys < 8; phys++)
		if (((full >> (2 * phys)) & 3) != 3)
			abridged |= (uint8_t)(1u << phys);
	return abridged;
}

static __u64 *gpr(struct kvm_regs *r, enum field f)
{
	__u64 *const regs[] = {
		&r->rax, &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi, &r->rbp, &r->rsp,
		&r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
		&r->rip, &r->rflags,
	};

	return regs[f];
}

static struct kvm_segment *segment(struct kvm_sregs *s, enum field f)
{
	struct kvm_segment *const segs[] = { &s->cs, &s->ss, &s->ds, &s->es, &s->fs, &s->gs };

	return segs[f - F_CS];
}

static __u64 *control(struct kvm_sregs *s, enum field f)
{
	__u64 *const regs[] = { &s->cr0, &s->cr2, &s->cr3, &s->cr4, &s->cr8, &s->efer };

	return regs[f - F_CR0];
}

/* The FPU fields as numbers: what gdb shows in fctrl ... fop. */
static uint64_t fpu_control(const struct kvm_fpu *fpu, enum field f)
{
	switch (f) {
	case F_FCTRL: return fpu->fcw;
	case F_FSTAT: return fpu->fsw;
	case F_FTAG: return gdb_fpu_full_tag(fpu);
	case F_FIOFF: return (uint32_t)fpu->last_ip;
	case F_FOOFF: return (uint32_t)fpu->last_dp;
	case F_FOP: return fpu->last_opcode;
	default: return 0; /* fiseg, foseg: 0 in FXSAVE's 64-bit format */
	}
}

/* The value of register f, little-endian, into out (16 bytes). */
static void read_field(const struct gdb_cpu_state *cs, enum field f, uint8_t *out)
{
	struct gdb_cpu_state *s = (struct gdb_cpu_state *)cs; /* only read */
	uint64_t v = 0;

	memset(out, 0, 16);
	if (f >= F_ST0 && f < F_ST0 + 8) {
		memcpy(out, s->fpu.fpr[f - F_ST0], 10);
		return;
	}
	if (f >= F_XMM0 && f < F_XMM0 + 16) {
		memcpy(out, s->fpu.xmm[f - F_XMM0], 16);
		return;
	}
	if (f <= F_RFLAGS)
		v = *gpr(&s->regs, f);
	else if (f <= F_GS)
		v = segment(&s->sregs, f)->selector;
	else if (f >= F_FCTRL && f <= F_FOP)
		v = fpu_control(&s->fpu, f);
	else if (f == F_MXCSR)
		v = s->fpu.mxcsr;
	else if (f == F_FS_BASE || f == F_GS_BASE)
		v = f == F_FS_BASE ? s->sregs.fs.base : s->sregs.gs.base;
	else
		v = *control(&s->sregs, f);
	memcpy(out, &v, sizeof(v));
}

static bool is_fpu(enum field f)
{
	return f >= F_ST0 && f <= F_MXCSR;
}

static void reply_reg(struct gdb_reply *r, const struct reg *reg, const struct gdb_cpu_state *s)
{
	uint8_t value[16];

	if (is_fpu(reg->field) && !s->fpu_valid) {
		for (int i = 0; i < reg->bits / 4; i++)
			gdb_reply_str(r, "x");
		return;
	}
	read_field(s, reg->field, value);
	gdb_reply_hex(r, value, reg->bits / 8);
}

void gdb_regs_reply(struct gdb_reply *r, enum gdb_layout l, const struct gdb_cpu_state *s)
{
	int n;
	const struct reg *t = table(l, &n);

	for (int i = 0; i < n; i++)
		reply_reg(r, &t[i], s);
}

int gdb_reg_reply(struct gdb_reply *r, enum gdb_layout l, int regnum,
		  const struct gdb_cpu_state *s)
{
	int n;
	const struct reg *t = table(l, &n);

	if (regnum < 0 || regnum >= n)
		return -1;
	reply_reg(r, &t[regnum], s);
	return 0;
}

static int write_fpu_field(struct kvm_fpu *fpu, enum field f, const uint8_t *in, uint64_t v)
{
	if (f >= F_ST0 && f < F_ST0 + 8)
		memcpy(fpu->fpr[f - F_ST0], in, 10);
	else if (f >= F_XMM0 && f < F_XMM0 + 16)
		memcpy(fpu->xmm[f - F_XMM0], in, 16);
	else if (f == F_MXCSR)
		fpu->mxcsr = (uint32_t)v;
	else if (f == F_FCTRL)
		fpu->fcw = (uint16_t)v;
	else if (f == F_FSTAT)
		fpu->fsw = (uint16_t)v;
	else if (f == F_FTAG)
		fpu->ftwx = gdb_fpu_abridged_tag((uint16_t)v);
	else if (f == F_FIOFF)
		fpu->last_ip = (uint32_t)v;
	else if (f == F_FOOFF)
		fpu->last_dp = (uint32_t)v;
	else if (f == F_FOP)
		fpu->last_opcode = (uint16_t)v;
	else if (v != 0)
		return GDB_REG_READ_ONLY; /* fiseg, foseg */
	return 0;
}

/* A selector: in real mode its base follows (selector * 16); in protected
 * mode the descriptor behind it is the guest's to load. */
static int write_segment(struct kvm_sregs *s, enum field f, uint64_t v, unsigned *changed)
{
	struct kvm_segment *seg = segment(s, f);

	if ((s->cr0 & X86_CR0_PE) || v > 0xffff)
		return GDB_REG_READ_ONLY;
	seg->selector = (uint16_t)v;
	seg->base = v << 4;
	*changed |= GDB_CHANGED_SREGS;
	return 0;
}

static int write_field(struct gdb_cpu_state *s, const struct reg *reg, const uint8_t *in,
		       unsigned *changed)
{
	uint8_t old[16];
	uint64_t v = 0;
	enum field f = reg->field;

	read_field(s, f, old);
	if (memcmp(old, in, reg->bits / 8) == 0)
		return 0; /* unchanged: never refused */
	memcpy(&v, in, reg->bits / 8 < 8 ? reg->bits / 8 : 8);
	if (is_fpu(f)) {
		if (!s->fpu_valid)
			return GDB_REG_READ_ONLY;
		*changed |= GDB_CHANGED_FPU;
		return write_fpu_field(&s->fpu, f, in, v);
	}
	if (f <= F_RFLAGS) {
		*gpr(&s->regs, f) = v; /* a 32-bit layout zero-extends */
		*changed |= GDB_CHANGED_REGS;
		return 0;
	}
	if (f <= F_GS)
		return write_segment(&s->sregs, f, v, changed);
	if (f == F_FS_BASE || f == F_GS_BASE) {
		(f == F_FS_BASE ? &s->sregs.fs : &s->sregs.gs)->base = v;
		*changed |= GDB_CHANGED_SREGS;
		return 0;
	}
	return GDB_REG_READ_ONLY; /* control registers */
}

int gdb_regs_write(enum gdb_layout l, struct gdb_cpu_state *s, const uint8_t *data,
		   size_t len, unsigned *changed)
{
	int n, ret = 0;
	const struct reg *t = table(l, &n);
	struct gdb_cpu_state copy = *s;

	if (len != gdb_regs_size(l))
		return -1;
	*changed = 0;
	for (int i = 0; i < n && ret == 0; i++) {
		ret = write_field(&copy, &t[i], data, changed);
		data += t[i].bits / 8;
	}
	if (ret == 0)
		*s = copy; /* all or nothing */
	return ret;
}

int gdb_reg_write(enum gdb_layout l, int regnum, struct gdb_cpu_state *s,
		  const uint8_t *data, size_t len, unsigned *changed)
{
	int n;
	const struct reg *t = table(l, &n);

	*changed = 0;
	if (regnum < 0 || regnum >= n || len != (size_t)t[regnum].bits / 8)
		return -1;
	return write_field(s, &t[regnum], data, changed);
}
