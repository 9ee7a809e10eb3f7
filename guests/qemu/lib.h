/* lib.h: what the QEMU-compatibility kernels share (guests/qemu/lib.c,
 * boot.S). Freestanding 32-bit C: no libc, no libgcc (only 32-bit
 * arithmetic), general registers only. Ports and addresses come from
 * minikvm/abi.h. */
#ifndef QEMU_LIB_H
#define QEMU_LIB_H
#include "minikvm/abi.h"

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned int size_t;

/* Multiboot v1 information block (only the fields used) */
struct mb_info {
	u32 flags;
	u32 mem_lower, mem_upper;
	u32 boot_device;
	u32 cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
};
struct mb_module {
	u32 mod_start, mod_end;	/* end: one past the last byte */
	u32 string;
	u32 reserved;
};
#define MB_BOOT_MAGIC 0x2badb002
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS (1u << 3)

/* set by boot.S before kmain */
extern u32 mb_magic;
extern struct mb_info *mb;
extern char __kernel_start[], __kernel_end[];

static inline void outb(u16 p, u8 v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(p)); }
static inline void outw(u16 p, u16 v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(p)); }
static inline void outl(u16 p, u32 v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(p)); }
static inline u8 inb(u16 p) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline u16 inw(u16 p) { u16 v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline u32 inl(u16 p) { u32 v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline u64 rdtsc(void) { u32 lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((u64)hi << 32) | lo; }
static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }
static inline void barrier(void) { __asm__ volatile("" ::: "memory"); }

static inline u32 mmio_read32(u32 a) { return *(volatile u32 *)a; }
static inline void mmio_write32(u32 a, u32 v) { *(volatile u32 *)a = v; }

/* lib.c */
void putc(char c);
void puts(const char *s);
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void debug_exit(u32 v) __attribute__((noreturn));
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
const char *cmdline_args(void);	/* the multiboot command line after its first word */
int has_arg(const char *word);	/* a word of cmdline_args() */

/* fw_cfg (QEMU's firmware configuration, ports 0x510/0x511) */
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_NB_CPUS 0x05
#define FW_CFG_MAX_CPUS 0x0f
#define FW_CFG_FILE_DIR 0x19
void fw_cfg_select(u16 key);
void fw_cfg_read(void *buf, u32 len);	/* from the selected item */
u32 fw_cfg_u32(u16 key);		/* little-endian items */
u16 fw_cfg_u16(u16 key);
u64 fw_cfg_u64(u16 key);
int fw_cfg_check_signature(void);	/* prints a line when it is not "QEMU" */
static inline u32 be32(u32 x) { return __builtin_bswap32(x); }
static inline u16 be16(u16 x) { return (u16)((x >> 8) | (x << 8)); }

/* local APIC and IOAPIC, xAPIC MMIO at the architectural addresses */
#define LAPIC_BASE 0xfee00000u
#define LAPIC_ID 0x20
#define LAPIC_TPR 0x80
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define IOAPIC_BASE 0xfec00000u
static inline u32 lapic_read(u32 r) { return mmio_read32(LAPIC_BASE + r); }
static inline void lapic_write(u32 r, u32 v) { mmio_write32(LAPIC_BASE + r, v); }
void lapic_enable(void);	/* SVR: enabled, spurious vector 0xff */
u32 ioapic_read(u32 reg);
void ioapic_write(u32 reg, u32 v);
void pic_disable(void);		/* 8259 pair remapped to 0x20/0x28 and all masked */
u32 cpu_apic_id(void);		/* CPUID.1:EBX[31:24] */
void delay_tsc(u32 mticks);	/* busy-waits mticks * 2^20 TSC ticks */

/* interrupts (boot.S's stubs for all 256 vectors) */
typedef void (*irq_handler)(u32 vector);
void idt_init(void);		/* every vector: an unexpected one ends the run */
void idt_set_handler(u32 vector, irq_handler h);
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }

/* exit values (QEMU exit status (v << 1) | 1) */
#define EXIT_PASS 0x10		/* status 33 */
#define EXIT_FAIL 0x11		/* status 35 */
#define EXIT_FAULT 0x30		/* status 97: an exception or a stray vector */

void kmain(void);
#endif
