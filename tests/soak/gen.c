/* The random-guest soak's generator (tests/soak/README.md): images that
 * kvm-vmm was never written for, so that its loaders, its exit handlers and
 * its devices meet what no test guest does. Deterministic: an image's bytes
 * follow from its own 64-bit seed alone, which its file name carries, so any
 * failure reproduces from the name (`gen --one NAME DIR`).
 *
 *   gen SEED COUNT DIR [FIRST]   images FIRST .. FIRST+COUNT-1 of run SEED,
 *                                named INDEX-KIND-SEED16.img
 *   gen --one NAME DIR           the image NAME again, from its seed
 *
 * Four kinds, drawn from the image's seed:
 *   rmraw   real-mode flat binary of random bytes
 *   rmcode  real-mode flat binary of random 16-bit instructions, biased
 *   mbcode  multiboot v1 kernel (ELF32) running random 32-bit instructions
 *   mbhdr   the same with broken or random header and ELF fields */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

uint64_t rng;

uint64_t next(void) /* splitmix64 */
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}
uint32_t rnd(uint32_t n) { return n ? (uint32_t)(next() % n) : 0; }
int chance(int percent) { return (int)rnd(100) < percent; }
uint32_t pick(const uint32_t *v, size_t n) { return v[rnd((uint32_t)n)]; }

/* --- the image being written ------------------------------------------- */
uint8_t img[MAX_IMAGE + 4096];
size_t len;

void b(uint32_t v) { if (len < sizeof(img)) img[len++] = (uint8_t)v; }
void w16(uint32_t v) { b(v); b(v >> 8); }
void w32(uint32_t v) { w16(v); w16(v >> 16); }
void put32(size_t at, uint32_t v) { for (int i = 0; i < 4; i++) img[at + i] = (uint8_t)(v >> 8 * i); }
void bytes(uint32_t n) { while (n--) b((uint32_t)next()); }

/* Log-uniform from 1 to max: small images as often as large ones. */
uint32_t size_upto(uint32_t max)
{
	uint32_t bits = rnd(17), s = (1u << bits) + rnd(1u << bits);

	return s > max ? max : s;
}

/* --- operands, biased towards what the VMM handles specially ----------- */
uint32_t port(void)
{
	switch (rnd(10)) {
	case 0: case 1: case 2: case 3: return UART_COM1_BASE + rnd(8);
	case 4: case 5: return HC_PORT;
	case 6: return DEBUG_EXIT_PORT + rnd(DEBUG_EXIT_NR_PORTS);
	case 7: case 8:
		if (chance(20))
			return chance(50) ? PC_TESTDEV_IRQ_PORT + rnd(PC_TESTDEV_IRQ_PORTS)
					  : UART_COM1_BASE - 0x100 + rnd(8); /* COM2 */
		return PICK(FW_CFG_PORT_SEL, FW_CFG_PORT_DATA, BOCHS_SHUTDOWN_PORT,
			    ACPI_PM_TIMER_PORT, PC_TESTDEV_SCRATCH_PORT, PC_TESTDEV_FLUSH_PORT,
			    0x20, 0x21, 0xa0, 0xa1, 0x40, 0x42, 0x43, 0x60, 0x64, 0x61, 0x70,
			    0x71, 0x92, 0xcf8, 0xcfc, 0x80, HC_PORT + 1);
	default: return rnd(0x10000);
	}
}

uint32_t value(void)
{
	switch (rnd(10)) {
	case 0: case 1: case 2: return rnd(256);
	case 3: return rnd(6); /* hypercall numbers, and one past them */
	case 4: case 5:
		return PICK(0, 1, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0xffff, 0x10000,
			    0xfffff, 0x100000, 0x3fffff, 0x400000, 0x3ffffff, 0x4000000,
			    0x7fffffff, 0x80000000, 0xfffffff0, 0xfffffffe, 0xffffffff);
	case 6: case 7: return REAL_LOAD_ADDR + rnd(0x10000);
	default: return (uint32_t)next();
	}
}

uint32_t selector(void)
{
	return chance(80) ? PICK(0x08, 0x10, 0x18, 0x0b, 0x13, REAL_SEGMENT) : rnd(0x10000);
}

uint32_t msr(void)
{
	if (chance(25))
		return value();
	return PICK(0xc0000080, 0x1b, 0x10, 0x174, 0x175, 0x176, 0x277, 0x2ff, 0xc0000100,
		    0xc0000101, 0xc0000102, 0x4b564d00, 0x4b564d01, 0x40000000, 0x3a, 0x48, 0x8b);
}

/* --- 16-bit real-mode code --------------------------------------------- */
static void rm_set(int reg, uint32_t v) { /* 66 B8+r: 32-bit register */
	if (chance(50) && v < 0x10000) { b(0xb8 + reg); w16(v); }
	else { b(0x66); b(0xb8 + reg); w32(v); }
}

static void rm_io(void)
{
	rm_set(AX, value());
	b(0xba); w16(port()); /* mov dx, port */
	b(PICK(0xee, 0xef, 0xec, 0xed)); /* out/in al|ax, dx */
	if (chance(20)) { b(0x66); b(PICK(0xef, 0xed)); } /* the eax forms */
	if (chance(15)) { b(PICK(0xe6, 0xe7, 0xe4, 0xe5)); b(PICK(DEBUG_EXIT_PORT, 0x80, 0x40, 0x21)); }
}

static void rm_hypercall(void)
{
	rm_set(BX, value());
	rm_set(CX, chance(60) ? rnd(64) : value());
	rm_set(AX, chance(85) ? rnd(5) : value());
	b(0xba); w16(HC_PORT);
	b(PICK(0xee, 0xef, 0xec)); /* OUT the number; sometimes an IN instead */
}

static void rm_string_io(void)
{
	rm_set(CX, chance(70) ? rnd(300) : value());
	rm_set(SI, rnd(0x10000));
	rm_set(DI, rnd(0x10000));
	b(0xba); w16(port());
	if (chance(80)) b(0xf3); /* rep */
	b(PICK(0x6e, 0x6f, 0x6c, 0x6d)); /* outsb, outsw, insb, insw */
}

static void rm_mode_switch(void)
{
	b(0x0f); b(0x01); b(PICK(0x16, 0x1e)); w16(rnd(0x10000)); /* lgdt/lidt [disp16] */
	rm_set(AX, chance(60) ? (uint32_t)PICK(1, 0x11, 0x80000001, 0x80000011, 0x60000011) : value());
	b(0x0f); b(0x22); b(0xc0); /* mov cr0, eax */
	if (chance(60)) { b(0xea); w16((uint32_t)(len + 4 + rnd(32))); w16(PICK(0x08, 0x10, 0x18, REAL_SEGMENT)); }
	else { b(0x66); b(0xea); w32(value()); w16(selector()); }
}

static void rm_msr(void)
{
	rm_set(CX, msr());
	rm_set(AX, value());
	rm_set(DX, chance(70) ? 0 : value());
	b(0x0f); b(PICK(0x30, 0x32)); /* wrmsr, rdmsr */
}

static void rm_fragment(void)
{
	switch (rnd(20)) {
	case 0: case 1: bytes(1 + rnd(16)); break;
	case 2: { int r = (int)rnd(8); rm_set(r, value()); break; }
	case 3: case 4: case 5: rm_io(); break;
	case 6: case 7: rm_hypercall(); break;
	case 8: rm_string_io(); break;
	case 9: b(PICK(0xf4, 0xfa, 0xfb, 0xfa)); break; /* hlt, cli, sti */
	case 10: if (chance(70)) { b(0xcd); b(rnd(256)); } else b(PICK(0xcc, 0xce, 0xf1)); break;
	case 11: b(PICK(0xea, 0x9a)); w16(rnd(0x10000)); w16(chance(50) ? REAL_SEGMENT : rnd(0x10000)); break;
	case 12: b(0xeb); b(chance(85) ? rnd(64) : rnd(256)); break; /* jmp short */
	case 13: rm_mode_switch(); break;
	case 14: rm_set(AX, CR4_SAFE(value())); b(0x0f); b(0x22); b(PICK(0xd8, 0xe0, 0xd0)); break; /* cr3, cr4, cr2 */
	case 15: rm_msr(); break;
	case 16: /* self-modifying: a byte or word just ahead, or anywhere */
	{	uint32_t op = PICK(0xc6, 0xc7);

		b(op); b(0x06);
		w16(chance(70) ? (uint32_t)(len + 2 + rnd(48)) : rnd(0x10000));
		b(rnd(256)); if (op == 0xc7) b(rnd(256));
		break;
	}
	case 17: /* a store through another segment: ES = random, rep stosb */
		rm_set(AX, rnd(0x10000)); b(0x8e); b(PICK(0xc0, 0xd8, 0xd0)); /* mov es|ds|ss, ax */
		rm_set(CX, rnd(512)); rm_set(DI, rnd(0x10000)); b(0xf3); b(0xaa);
		break;
	case 18: b(0x66); b(0xb8); w32(value()); b(0x0f); b(PICK(0xa2, 0x31, 0x0b, 0x09)); break; /* cpuid, rdtsc, ud2, wbinvd */
	default: /* stack: push, then ret / retf / iret / popf (TF, IF) */
		b(0x68); w16(value()); b(0x68); w16(value()); b(PICK(0xc3, 0xcb, 0xcf, 0x9d));
	}
}

static void gen_real_mode(int code)
{
	uint32_t size = chance(3) ? (uint32_t)PICK(0, MAX_IMAGE - 1, MAX_IMAGE) : size_upto(0x10000);

	if (!code) { bytes(size); return; }
	while (len < size) rm_fragment();
	len = size;
	/* Most code images fill their segment up with hlt: a jump or a fall
	 * past the code then ends the guest, where the zeroed RAM after a
	 * short image (00 00, add %al,(%bx,%si)) would keep it busy until
	 * --timeout, costing a second and testing nothing new. */
	if (size && size < 0x10000 && chance(75))
		while (len < 0x10000) b(0xf4);
}

/* --- names and main ----------------------------------------------------- */
static const char *const kinds[] = { "rmraw", "rmcode", "mbcode", "mbhdr" };

/* Generates the image of this seed; returns its kind's name. */
static const char *generate(uint64_t seed)
{
	int kind;

	rng = seed;
	len = 0;
	kind = (int)PICK(0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3);
	if (kind < 2)
		gen_real_mode(kind);
	else
		gen_multiboot(kind == 3);
	return kinds[kind];
}

static int write_image(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "wb")) || fwrite(img, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Image i of run SEED: its own seed, mixed so that neighbours differ. */
static uint64_t image_seed(uint64_t run_seed, uint64_t i)
{
	rng = run_seed ^ (i * 0xd1342543de82ef95ull);
	return next();
}

/* --one [INDEX-]KIND-SEED16.img DIR: the seed is the last field, the kind
 * the one before it, which the seed must give. */
static int one(const char *path, const char *dir)
{
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	const char *dash = strrchr(name, '-'), *kind_at;
	char *end = NULL;
	uint64_t seed = dash ? strtoull(dash + 1, &end, 16) : 0;
	const char *kind;

	if (!dash || end != dash + 17 || strcmp(end, ".img") != 0) {
		fprintf(stderr, "gen: '%s' is not an image name ([INDEX-]KIND-SEED16.img)\n", name);
		return 2;
	}
	for (kind_at = dash; kind_at > name && kind_at[-1] != '-'; kind_at--)
		;
	kind = generate(seed);
	if (strlen(kind) != (size_t)(dash - kind_at) || strncmp(kind, kind_at, strlen(kind)) != 0) {
		fprintf(stderr, "gen: seed %.16s gives a %s image, not %.*s\n", dash + 1, kind,
			(int)(dash - kind_at), kind_at);
		return 1;
	}
	return write_image(dir, name) ? 1 : 0;
}

int main(int argc, char **argv)
{
	char name[64];

	if (argc == 4 && strcmp(argv[1], "--one") == 0)
		return one(argv[2], argv[3]);
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: gen SEED COUNT DIR [FIRST]\n       gen --one NAME DIR\n");
		return 2;
	}
	uint64_t seed = strtoull(argv[1], NULL, 0), count = strtoull(argv[2], NULL, 0);
	uint64_t first = argc == 5 ? strtoull(argv[4], NULL, 0) : 0;

	/* The index first, so that a directory listing (the order run.sh
	 * takes them in) mixes the kinds as the generator drew them. */
	for (uint64_t i = first; i < first + count; i++) {
		uint64_t s = image_seed(seed, i);
		const char *kind = generate(s);

		snprintf(name, sizeof(name), "%06llu-%s-%016llx.img", (unsigned long long)i, kind,
			 (unsigned long long)s);
		if (write_image(argv[3], name))
			return 1;
	}
	return 0;
}
