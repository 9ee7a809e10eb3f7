/* lib.c: UART output, a small printf, isa-debug-exit, fw_cfg, the APICs and
 * the IDT for the QEMU-compatibility kernels. */
#include "lib.h"
#include <stdarg.h>

#define LSR (UART_COM1_BASE + 5)

/* bytes go out as they are: "\n" alone ends a line, as in the golden files */
void putc(char c)
{
	while (!(inb(LSR) & 0x20))	/* LSR.THRE */
		;
	outb(UART_COM1_BASE, (u8)c);
}

void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void put_u32(u32 v, u32 base, int width, char pad)
{
	char buf[12];
	int n = 0;
	do {
		u32 d = v % base;
		buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	while (n < width--)
		putc(pad);
	while (n)
		putc(buf[--n]);
}

/* %s %c %d %u %x, with an optional 0 flag and width: %08x */
void printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			putc(*fmt);
			continue;
		}
		char pad = ' ';
		int width = 0;
		fmt++;
		if (*fmt == '0')
			pad = '0', fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		switch (*fmt) {
		case 's': puts(va_arg(ap, const char *)); break;
		case 'c': putc((char)va_arg(ap, int)); break;
		case 'u': put_u32(va_arg(ap, u32), 10, width, pad); break;
		case 'x': put_u32(va_arg(ap, u32), 16, width, pad); break;
		case 'd': {
			int v = va_arg(ap, int);
			if (v < 0) {
				putc('-');
				v = -v;
			}
			put_u32((u32)v, 10, width, pad);
			break;
		}
		case '%': putc('%'); break;
		default: putc('?'); break;
		}
	}
	va_end(ap);
}

void debug_exit(u32 v)
{
	outl(DEBUG_EXIT_PORT, v);
	for (;;)
		__asm__ volatile("cli; hlt");
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (u8)*a - (u8)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, 0xffffffffu);
}

void *memcpy(void *d, const void *s, size_t n)
{
	u8 *dp = d;
	const u8 *sp = s;
	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memset(void *d, int c, size_t n)
{
	u8 *dp = d;
	while (n--)
		*dp++ = (u8)c;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

const char *cmdline_args(void)
{
	if (!(mb->flags & MBI_CMDLINE) || !mb->cmdline)
		return "";
	const char *s = (const char *)mb->cmdline;
	while (*s && *s != ' ')
		s++;
	while (*s == ' ')
		s++;
	return s;
}

int has_arg(const char *word)
{
	const char *s = cmdline_args();
	size_t n = strlen(word);
	while (*s) {
		while (*s == ' ')
			s++;
		const char *e = s;
		while (*e && *e != ' ')
			e++;
		if ((size_t)(e - s) == n && !strncmp(s, word, n))
			return 1;
		s = e;
	}
	return 0;
}

/* --- fw_cfg ---------------------------------------------------------- */
void fw_cfg_select(u16 key) { outw(FW_CFG_PORT_SEL, key); }

void fw_cfg_read(void *buf, u32 len)
{
	u8 *p = buf;
	while (len--)
		*p++ = inb(FW_CFG_PORT_DATA);
}

u32 fw_cfg_u32(u16 key)
{
	u32 v;
	fw_cfg_select(key);
	fw_cfg_read(&v, 4);
	return v;
}

u16 fw_cfg_u16(u16 key)
{
	u16 v;
	fw_cfg_select(key);
	fw_cfg_read(&v, 2);
	return v;
}

u64 fw_cfg_u64(u16 key)
{
	u64 v;
	fw_cfg_select(key);
	fw_cfg_read(&v, 8);
	return v;
}

int fw_cfg_check_signature(void)
{
	char sig[5];
	fw_cfg_select(FW_CFG_SIGNATURE);
	fw_cfg_read(sig, 4);
	sig[4] = 0;
	if (memcmp(sig, "QEMU", 4)) {
		printf("fw_cfg: bad signature %02x %02x %02x %02x\n",
		       (u8)sig[0], (u8)sig[1], (u8)sig[2], (u8)sig[3]);
		return 0;
	}
	return 1;
}

/* --- APICs, PIC, TSC ------------------------------------------------- */
void lapic_enable(void)
{
	lapic_write(LAPIC_SVR, 0x1ff);
	lapic_write(LAPIC_TPR, 0);
}

u32 ioapic_read(u32 reg)
{
	mmio_write32(IOAPIC_BASE, reg);
	return mmio_read32(IOAPIC_BASE + 0x10);
}

void ioapic_write(u32 reg, u32 v)
{
	mmio_write32(IOAPIC_BASE, reg);
	mmio_write32(IOAPIC_BASE + 0x10, v);
}

void pic_disable(void)
{
	outb(0x20, 0x11);	/* ICW1: edge, cascade, ICW4 */
	outb(0xa0, 0x11);
	outb(0x21, 0x20);	/* ICW2: vectors 0x20-0x27 */
	outb(0xa1, 0x28);	/* 0x28-0x2f */
	outb(0x21, 0x04);	/* ICW3: slave on IRQ 2 */
	outb(0xa1, 0x02);
	outb(0x21, 0x01);	/* ICW4: 8086 mode */
	outb(0xa1, 0x01);
	outb(0x21, 0xff);	/* OCW1: all masked */
	outb(0xa1, 0xff);
}

u32 cpu_apic_id(void)
{
	u32 a = 1, b, c = 0, d;
	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return b >> 24;
}

void delay_tsc(u32 mticks)
{
	u64 end = rdtsc() + ((u64)mticks << 20);
	while (rdtsc() < end)
		cpu_relax();
}

/* --- IDT --------------------------------------------------------------- */
struct idt_gate {
	u16 off_lo, sel;
	u8 zero, type;
	u16 off_hi;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(8)));
static irq_handler handlers[256];
extern u32 isr_stubs[256];	/* boot.S: the stub of each vector */

static const char *const exc_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "?9",
	"#TS", "#NP", "#SS", "#GP", "#PF", "?15", "#MF", "#AC", "#MC", "#XM",
	"#VE", "#CP",
};

/* called by the common stub: vector, error code (0 where none), EIP */
void isr_dispatch(u32 vector, u32 err, u32 eip)
{
	if (handlers[vector]) {
		handlers[vector](vector);
		return;
	}
	if (vector < 32)
		printf("FAIL: exception %u %s error 0x%x at eip 0x%x\n", vector,
		       exc_names[vector] ? exc_names[vector] : "?", err, eip);
	else
		printf("FAIL: unexpected interrupt vector 0x%x at eip 0x%x\n", vector, eip);
	debug_exit(EXIT_FAULT);
}

void idt_set_handler(u32 vector, irq_handler h) { handlers[vector] = h; }

static void spurious(u32 vector) { (void)vector; }	/* no EOI for the spurious vector */

void idt_init(void)
{
	handlers[0xff] = spurious;
	for (int i = 0; i < 256; i++) {
		u32 a = isr_stubs[i];
		idt[i].off_lo = (u16)a;
		idt[i].sel = 0x08;
		idt[i].zero = 0;
		idt[i].type = 0x8e;	/* present, ring 0, 32-bit interrupt gate */
		idt[i].off_hi = (u16)(a >> 16);
	}
	struct {
		u16 limit;
		u32 base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (u32)idt };
	__asm__ volatile("lidt %0" :: "m"(idtr));
}
