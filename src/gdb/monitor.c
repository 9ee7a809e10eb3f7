/* gdb's "monitor" commands (qRcmd), for what gdb itself cannot show: the
 * VMM's exit statistics so far, the segment and control registers with
 * their hidden parts, and guest-physical memory. The text goes back as
 * O packets (gdb prints them), then "OK". */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stub_impl.h"
#include "../guest.h"

#define PHYS_MAX 4096 /* monitor phys: the most bytes one command dumps */
#define OUTPUT_CHUNK 1024

struct out {
	struct gdb_stub *s;
	char text[OUTPUT_CHUNK + 1];
	size_t len;
};

static void flush(struct out *o)
{
	struct gdb_reply *r = &o->s->reply;

	if (o->len == 0)
		return;
	gdb_reply_clear(r);
	gdb_reply_str(r, "O");
	gdb_reply_hex(r, o->text, o->len);
	gdb_send(o->s, r->buf, r->len);
	o->len = 0;
}

static void say(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct out *o, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (o->len + (size_t)n > OUTPUT_CHUNK)
		flush(o);
	memcpy(o->text + o->len, line, (size_t)n);
	o->len += (size_t)n;
}

static void help(struct out *o)
{
	say(o, "kvm-vmm monitor commands:\n"
	       "  monitor stats            VM exits so far, by reason and port (as --stats)\n"
	       "  monitor regs             this thread's segment, table and control registers\n"
	       "  monitor phys ADDR LEN    LEN bytes of guest-physical memory at ADDR (at most %d)\n"
	       "  monitor help             this list\n", PHYS_MAX);
}

static void stats(struct out *o)
{
	struct gdb_stub *s = o->s;
	struct run_stats snap;
	char buf[8192];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct stats_entry entry = { .name = s->guest->name, .outcome = "stopped in gdb",
				     .stats = &snap };

	if (!f) {
		say(o, "no memory for the statistics\n");
		return;
	}
	guest_stats_so_far(s->guest, &snap);
	stats_print_text(f, &entry, 1, now_ns() - s->guest->start_ns);
	long n = ftell(f);

	fclose(f);
	for (long i = 0; i < n && (size_t)i < sizeof(buf); i += 256) {
		long part = n - i < 256 ? n - i : 256;

		say(o, "%.*s", (int)part, buf + i);
	}
}

static void segment(struct out *o, const char *name, const struct kvm_segment *seg)
{
	say(o, "%-4s %04x base %016llx limit %08x type %x s %u dpl %u p %u db %u l %u g %u%s\n",
	    name, seg->selector, (unsigned long long)seg->base, seg->limit, seg->type, seg->s,
	    seg->dpl, seg->present, seg->db, seg->l, seg->g, seg->unusable ? " unusable" : "");
}

static void regs(struct out *o)
{
	struct gdb_cpu_state st;
	const struct kvm_sregs *r = &st.sregs;

	if (gdb_read_state(o->s, o->s->general_cpu, &st) < 0) {
		say(o, "the registers of vCPU %d are not available\n", o->s->general_cpu);
		return;
	}
	say(o, "vCPU %d\n", o->s->general_cpu);
	segment(o, "cs", &r->cs);
	segment(o, "ds", &r->ds);
	segment(o, "es", &r->es);
	segment(o, "fs", &r->fs);
	segment(o, "gs", &r->gs);
	segment(o, "ss", &r->ss);
	segment(o, "tr", &r->tr);
	segment(o, "ldt", &r->ldt);
	say(o, "gdt  base %016llx limit %04x\nidt  base %016llx limit %04x\n",
	    (unsigned long long)r->gdt.base, r->gdt.limit, (unsigned long long)r->idt.base,
	    r->idt.limit);
	say(o, "cr0  %016llx\ncr2  %016llx\ncr3  %016llx\ncr4  %016llx\ncr8  %016llx\n"
	       "efer %016llx\napic_base %016llx\n",
	    (unsigned long long)r->cr0, (unsigned long long)r->cr2, (unsigned long long)r->cr3,
	    (unsigned long long)r->cr4, (unsigned long long)r->cr8, (unsigned long long)r->efer,
	    (unsigned long long)r->apic_base);
}

/* A number as gdb's user types it: decimal, or hex with 0x. */
static bool number(const char *text, uint64_t *value)
{
	char *end;

	if (!text || *text < '0' || *text > '9')
		return false;
	errno = 0;
	*value = strtoull(text, &end, 0);
	return !errno && *end == '\0';
}

static void phys(struct out *o, char *args)
{
	char *save = NULL, *a = strtok_r(args, " \t", &save), *l = strtok_r(NULL, " \t", &save);
	uint64_t addr, len;
	const uint8_t *p;

	if (!number(a, &addr) || !number(l, &len) || strtok_r(NULL, " \t", &save)) {
		say(o, "usage: monitor phys ADDR LEN (numbers: decimal, or hex with 0x)\n");
		return;
	}
	if (len > PHYS_MAX) {
		say(o, "at most %d bytes at a time\n", PHYS_MAX);
		return;
	}
	p = vm_guest_ptr(&o->s->guest->vm, addr, len);
	if (!p) {
		say(o, "0x%llx-0x%llx is not all guest RAM\n", (unsigned long long)addr,
		    (unsigned long long)(addr + len));
		return;
	}
	for (uint64_t i = 0; i < len; i += 16) {
		char hex[16 * 3 + 1] = "";

		for (uint64_t j = i; j < len && j < i + 16; j++)
			snprintf(hex + 3 * (j - i), 4, " %02x", p[j]);
		say(o, "%016llx:%s\n", (unsigned long long)(addr + i), hex);
	}
}

void gdb_monitor(struct gdb_stub *s, const char *line)
{
	struct out o = { .s = s };
	char text[GDB_DATA_MAX + 1];
	char *save = NULL, *word;

	snprintf(text, sizeof(text), "%s", line);
	word = strtok_r(text, " \t", &save);
	if (!word || strcmp(word, "help") == 0)
		help(&o);
	else if (strcmp(word, "stats") == 0)
		stats(&o);
	else if (strcmp(word, "regs") == 0)
		regs(&o);
	else if (strcmp(word, "phys") == 0)
		phys(&o, save);
	else {
		say(&o, "unknown monitor command '%.64s'\n", word);
		help(&o);
	}
	flush(&o);
	gdb_reply_clear(&s->reply);
	gdb_reply_str(&s->reply, "OK");
}
