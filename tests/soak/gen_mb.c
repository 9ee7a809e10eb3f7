/* The soak generator's multiboot kernels (tests/soak/README.md): a minimal
 * ELF32 file whose one segment loads the whole file, a multiboot v1 header
 * (sometimes with the a.out-kludge address fields, kept consistent), then
 * random 32-bit code biased towards port I/O, hypercalls, descriptor tables,
 * control registers, MSRs, the PIT and PIC, and stores all over the address
 * space. The "broken" kind then mutates header and ELF fields, so that the
 * loader's refusals are soaked as well as its acceptances. */
#include <string.h>

#include "gen.h"

/* --- 32-bit protected-mode code, for the multiboot kernels ------------- */
static uint32_t load_base, code_off;

static uint32_t address(void)
{
	switch (rnd(12)) {
	case 0: case 1: case 2: return load_base + (uint32_t)len + rnd(64); /* just ahead: self-modifying */
	case 3: return rnd(0x1000);
	case 4: return 0x9000 + rnd(0x2000); /* the multiboot information */
	case 5: return 0xe0000 + rnd(0x20000); /* ACPI and MP tables, BIOS area */
	case 6: return 0xb8000 + rnd(0x8000);
	case 7: return (64u << 20) - rnd(16); /* the end of RAM */
	case 8: { uint32_t base = PICK(0xfee00000, 0xfec00000, 0xfed00000, 0xff000000, 0xfffffc00);
		return base + rnd(0x400); }
	case 9: return (64u << 20) + rnd(0x10000000);
	default: return (uint32_t)next();
	}
}

static void pm_set(int reg, uint32_t v) { b(0xb8 + reg); w32(v); }
static void pm_out(uint32_t p, uint32_t v) { pm_set(AX, v); pm_set(DX, p); b(0xee); }

static void pm_io(void)
{
	pm_set(AX, value());
	pm_set(DX, port());
	b(PICK(0xee, 0xef, 0xec, 0xed));
	if (chance(20)) { b(0x66); b(PICK(0xef, 0xed)); }
}

static void pm_hypercall(void)
{
	pm_set(BX, chance(50) ? address() : value());
	pm_set(CX, chance(60) ? rnd(80) : value());
	pm_set(AX, chance(85) ? rnd(5) : value());
	pm_set(DX, HC_PORT);
	b(PICK(0xee, 0xef, 0xec));
}

static void pm_string(void)
{
	pm_set(CX, chance(75) ? rnd(600) : value());
	pm_set(SI, address());
	pm_set(DI, address());
	if (chance(50)) { pm_set(DX, port()); if (chance(80)) b(0xf3); b(PICK(0x6e, 0x6f, 0x6c, 0x6d)); }
	else { b(0xf3); b(PICK(0xaa, 0xab, 0xa4, 0xa5)); } /* rep stos, movs */
}

static void pm_tables(void)
{
	uint32_t at = address();

	if (chance(60)) { /* a pseudo-descriptor there first */
		uint32_t limit = rnd(0x10000), base = address();

		b(0xc7); b(0x05); w32(at); w32(limit | base << 16);
		b(0xc7); b(0x05); w32(at + 4); w32(chance(50) ? base >> 16 : (uint32_t)next());
	}
	b(0x0f); b(0x01); b(PICK(0x15, 0x1d)); w32(at); /* lgdt/lidt [abs32] */
	if (chance(40)) { b(0xea); w32(load_base + (uint32_t)len + 6); w16(selector()); }
	if (chance(30)) { pm_set(AX, selector()); b(0x8e); b(PICK(0xd8, 0xd0, 0xe8)); } /* ds, ss, gs */
}

static void pm_control(void)
{
	static const uint8_t modrm[] = { 0xc0, 0xd8, 0xe0 }; /* cr0, cr3, cr4 */
	int which = (int)rnd(3);
	uint32_t v = chance(40) ? value()
		   : which == 0 ? PICK(0x80000011, 0x80000001, 0x60000011, 0x11, 0x10, 0x80010011)
		   : which == 1 ? address() & ~0xfffu
				: PICK(0x20, 0x10, 0x30, 0x80, 0x200, 0x600, 0x40000, 0x800, 0x10000);

	if (chance(25)) { /* towards long mode: PAE, EFER.LME, then paging */
		pm_set(AX, 0x20); b(0x0f); b(0x22); b(0xe0);
		pm_set(CX, 0xc0000080); pm_set(AX, 0x100); pm_set(DX, 0); b(0x0f); b(0x30);
	}
	pm_set(AX, which == 2 ? CR4_SAFE(v) : v);
	b(0x0f); b(0x22); b(modrm[which]);
}

static void pm_timer_irq(void) /* PIT channel 0 running, PIC unmasked, sti */
{
	pm_out(0x43, 0x34); pm_out(0x40, rnd(256)); pm_out(0x40, rnd(4));
	pm_out(0x21, chance(50) ? 0 : rnd(256));
	if (chance(50)) pm_out(UART_COM1_BASE + 1, rnd(16)); /* UART IER */
	b(0xfb); if (chance(50)) b(0xf4);
}

static void pm_fragment(void)
{
	switch (rnd(22)) {
	case 0: case 1: bytes(1 + rnd(16)); break;
	case 2: { int r = (int)rnd(8); pm_set(r, chance(50) ? address() : value()); break; }
	case 3: case 4: case 5: pm_io(); break;
	case 6: case 7: pm_hypercall(); break;
	case 8: pm_string(); break;
	case 9: b(PICK(0xfa, 0xfb, 0xfa, 0xfb, 0xf4)); break; /* a hlt with IF clear lasts until --timeout */
	case 10: if (chance(70)) { b(0xcd); b(rnd(256)); } else b(PICK(0xcc, 0xce, 0xf1)); break;
	case 11: pm_tables(); break;
	case 12: pm_control(); break;
	case 13: case 14: /* random memory stores and loads */
		if (chance(70)) { b(PICK(0xc7, 0xc6)); b(0x05); w32(address()); if (img[len - 6] == 0xc7) w32(value()); else b(rnd(256)); }
		else { b(PICK(0xa1, 0xa3)); w32(address()); }
		break;
	case 15: b(0xeb); b(chance(85) ? rnd(64) : rnd(256)); break;
	case 16: b(0xea); w32(chance(60) ? load_base + code_off + rnd((uint32_t)(len - code_off) + 64) : address()); w16(selector()); break;
	case 17: pm_set(CX, msr());
		pm_set(AX, value()); pm_set(DX, chance(70) ? 0 : value()); b(0x0f); b(PICK(0x30, 0x32)); break;
	case 18: pm_set(AX, value()); pm_set(CX, rnd(4)); b(0x0f); b(PICK(0xa2, 0x31, 0x0b, 0x09)); break;
	case 19: pm_timer_irq(); break;
	case 20: if (chance(50)) { pm_set(SP, address()); } b(0x68); w32(value()); b(0x68); w32(value()); b(PICK(0xc3, 0xcb, 0xcf, 0x9d)); break;
	default: { const char *s = "Shutdown"; pm_set(DX, BOCHS_SHUTDOWN_PORT); /* byte by byte, maybe cut short */
		for (uint32_t i = 0, n = 1 + rnd(8); i < n; i++) { pm_set(AX, (uint8_t)s[i]); b(0xee); } }
	}
}

/* A multiboot kernel: ELF header, NPH program headers (the first loads the
 * whole file at load_base), the multiboot header, then the code. */
void gen_multiboot(int broken)
{
	uint32_t nph = broken && chance(40) ? 1 + rnd(4) : 1, flags = PICK(3, 3, 1, 0, 7, 2);
	int kludge = chance(30);
	uint32_t mb = 52 + 32 * nph, size = size_upto(chance(80) ? 0x1000 : 0x8000), bss = chance(50) ? 0 : rnd(0x10000);

	load_base = chance(65) ? 0x100000 : chance(60) ? (0x100000 + rnd(0x2f00000)) & ~0xfffu : (0x1000 + rnd(0x7e000)) & ~0xfffu;
	code_off = mb + (kludge ? 32 : 12);
	len = code_off;
	pm_set(SP, load_base);
	while (len < code_off + size) pm_fragment();
	switch (rnd(10)) { /* the end: EXIT, isa-debug-exit, hlt or nothing */
	case 0: case 1: case 2: case 3: case 4: case 5:
		pm_set(BX, rnd(200)); pm_set(AX, HC_EXIT); pm_set(DX, HC_PORT); b(0xee); break;
	case 6: case 7: b(0xb0); b(rnd(256)); b(0xe6); b(DEBUG_EXIT_PORT); break;
	case 8: b(0xf4); break;
	}
	size = (uint32_t)len;
	memset(img, 0, code_off);
	memcpy(img, "\177ELF\1\1\1", 7);
	img[16] = 2; img[18] = 3; img[20] = 1;	/* ET_EXEC, EM_386, EV_CURRENT */
	put32(24, load_base + code_off);	/* e_entry */
	put32(28, 52);				/* e_phoff */
	img[40] = 52; img[42] = 32; img[44] = (uint8_t)nph; /* e_ehsize, e_phentsize, e_phnum */
	for (uint32_t i = 0; i < nph; i++) {
		size_t ph = 52 + 32 * i;
		uint32_t memsz = i == 0 ? size + bss : value();

		put32(ph, i == 0 || chance(70) ? 1 : rnd(8));	/* PT_LOAD */
		put32(ph + 4, i == 0 ? 0 : rnd(size + 64));	/* p_offset */
		put32(ph + 8, i == 0 ? load_base : address());	/* p_vaddr */
		put32(ph + 12, i == 0 ? load_base : chance(50) ? address() : load_base + rnd(0x10000));
		put32(ph + 16, i == 0 ? size : chance(60) ? rnd(size) : value()); /* p_filesz */
		put32(ph + 20, memsz);
		put32(ph + 24, 7); put32(ph + 28, 0x1000);
	}
	if (kludge) {
		flags |= 1u << 16;
		put32(mb + 12, load_base + mb);		/* header_addr */
		put32(mb + 16, load_base);		/* load_addr */
		put32(mb + 20, load_base + size);	/* load_end_addr */
		put32(mb + 24, load_base + size + bss);	/* bss_end_addr */
		put32(mb + 28, load_base + code_off);	/* entry_addr */
	}
	put32(mb, 0x1badb002);
	put32(mb + 4, flags);
	put32(mb + 8, -(0x1badb002u + flags));
	if (!broken)
		return;
	for (uint32_t m = 0, n = 1 + rnd(3), at; m < n; m++) {
		switch (rnd(12)) {
		case 0: flags = chance(50) ? (uint32_t)next() : flags ^ 1u << rnd(32); put32(mb + 4, flags);
			put32(mb + 8, -(0x1badb002u + flags)); break;
		case 1: at = mb + 8 + rnd(4); img[at] ^= (uint8_t)(1 + rnd(255)); break; /* checksum: no header then */
		case 2: at = mb + 12 + 4 * rnd(5); if (kludge) put32(at, chance(50) ? address() : value()); break;
		case 3: at = PICK(4, 5, 6, 16, 18, 19); img[at] = (uint8_t)rnd(256); break; /* class, data, type, machine */
		case 4: img[44] = (uint8_t)rnd(256); img[45] = (uint8_t)(chance(80) ? 0 : rnd(256)); break; /* e_phnum */
		case 5: put32(28, chance(50) ? rnd(size + 64) : value()); break; /* e_phoff */
		case 6: img[42] = (uint8_t)rnd(64); break; /* e_phentsize */
		case 7: put32(24, chance(50) ? address() : value()); break; /* e_entry */
		case 8: len = rnd(size + 1); break; /* truncated anywhere */
		case 9: put32(52 + 16, value()); break; /* p_filesz of the first */
		case 10: put32(52 + 12, chance(50) ? address() : value()); break; /* p_paddr */
		default: put32(52 + 20, chance(50) ? rnd(size) : value()); /* p_memsz */
		}
	}
}
