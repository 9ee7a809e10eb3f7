/* docs/guest-abi.md and README.md against the code they describe: the exit
 * statuses of src/status.c, the ports, hypercalls and addresses of
 * include/minikvm/abi.h, the boot protocols of src/boot/boot.c, the
 * --verbose line of src/trace.c and the options of --help. A guest author
 * builds from the doc, not the header, so a number changed in one place
 * only must fail here rather than mislead.
 *
 * Conventions the doc keeps and this test relies on: addresses and ports
 * in hex as 0x followed by the digits, unpadded (matched case-insensitively;
 * selectors as 0x08), sizes as "N MiB", statuses, limits and hypercall
 * numbers in decimal. A number counts only on the line that says what it
 * is (the row "| GDTR | base 0x500 ..."), so 0x1000 as the load address
 * and 0x1000 as the real-mode segment are told apart.
 *
 * Paths are relative to the repository root, where build/unit-tests runs. */
#include <ctype.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../../src/boot/boot.h"
#include "../../src/boot/flat.h"
#include "../../src/cli.h"
#include "../../src/dev/debug_exit.h"
#include "../../src/dev/hypercall.h"
#include "../../src/status.h"
#include "../../src/trace.h"
#include "harness.h"
#include "minikvm/abi.h"

#define GUEST_ABI_MD "docs/guest-abi.md"
#define README_MD "README.md"

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t size = 0, used = 0, n;

	if (!f)
		return NULL;
	do {
		if (used + 4096 + 1 > size) {
			char *bigger = realloc(text, size = used + 65536);

			if (!bigger) {
				free(text);
				fclose(f);
				return NULL;
			}
			text = bigger;
		}
		n = fread(text + used, 1, size - used - 1, f);
		used += n;
	} while (n > 0);
	fclose(f);
	text[used] = '\0';
	return text;
}

/* Both files, or a failure that says why: every other check needs them. */
static char *open_doc(const char *path)
{
	char *text = read_text(path);

	if (!text) {
		char msg[256];

		snprintf(msg, sizeof(msg),
			 "cannot read %s: build/unit-tests must run from the repository root",
			 path);
		harness_fail(__FILE__, __LINE__, msg);
	}
	return text;
}

static void fail_msg(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_msg(int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	harness_fail(__FILE__, line, msg);
}

/* Formatted numbers, several alive at once (one call takes a few). */
static const char *fmt(const char *format, unsigned long long v)
{
	static char ring[16][40];
	static int next;
	char *s = ring[next++ % 16];

	snprintf(s, sizeof(ring[0]), format, v);
	return s;
}

static const char *hex(unsigned long long v)
{
	return fmt("0x%llX", v);
}

static const char *dec(unsigned long long v)
{
	return fmt("%llu", v);
}

static const char *mib(unsigned long long bytes)
{
	return fmt("%llu MiB", bytes >> 20);
}

/* "0xA-0xB": an address range, matched as one token. */
static const char *range(unsigned long long first, unsigned long long last)
{
	static char ring[8][48];
	static int next;
	char *s = ring[next++ % 8];

	snprintf(s, sizeof(ring[0]), "0x%llX-0x%llX", first, last);
	return s;
}

/* A byte count as the doc writes it in prose: 983,040. */
static const char *grouped(unsigned long long v)
{
	static char s[40];
	char digits[32];
	int n = snprintf(digits, sizeof(digits), "%llu", v), o = 0;

	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			s[o++] = ',';
		s[o++] = digits[i];
	}
	s[o] = '\0';
	return s;
}

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* num occurs in [s, s+len) as a whole token: "0x500" is not in "0x5000",
 * "1" is not in "0x1" or "119". */
static bool has_token(const char *s, size_t len, const char *num)
{
	size_t n = strlen(num);

	for (size_t i = 0; i + n <= len; i++) {
		if (strncasecmp(s + i, num, n))
			continue;
		if (i > 0 && word_char(s[i - 1]))
			continue;
		if (i + n < len && word_char(s[i + n]))
			continue;
		return true;
	}
	return false;
}

static bool has_text(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i + n <= len; i++)
		if (!strncasecmp(s + i, word, n))
			return true;
	return false;
}

/* Some line of text holds word (a plain substring) and every number of the
 * NULL-terminated list (as tokens). */
static bool line_with(const char *text, const char *word, ...)
{
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		bool all = has_text(line, len, word);
		va_list ap;
		const char *num;

		va_start(ap, word);
		while (all && (num = va_arg(ap, const char *)))
			all = has_token(line, len, num);
		va_end(ap);
		if (all)
			return true;
		line += len + (end ? 1 : 0);
	}
	return false;
}

#define DOC_LINE(doc, what, word, ...)                                          \
	do {                                                                   \
		if (!line_with(doc, word, __VA_ARGS__, (const char *)NULL))    \
			fail_msg(__LINE__, GUEST_ABI_MD ": %s: no line with \"%s\" " \
				 "and the numbers %s", what, word, #__VA_ARGS__); \
	} while (0)

/* The text from the line "heading" to the next "## " heading. */
static const char *section(const char *doc, const char *heading, size_t *len)
{
	const char *start = doc, *next;
	size_t n = strlen(heading);

	while (start && strncmp(start, heading, n))
		start = (start = strchr(start, '\n')) ? start + 1 : NULL;
	if (!start) {
		*len = 0;
		return "";
	}
	next = strstr(start + n, "\n## ");
	*len = next ? (size_t)(next - start) : strlen(start);
	return start;
}

/* One markdown table row, cells trimmed; "\|" stays inside a cell. */
#define MAX_CELLS 6
struct row {
	char cell[MAX_CELLS][400];
	int n;
};

static bool parse_row(const char *line, size_t len, struct row *r)
{
	size_t i = 1;

	r->n = 0;
	if (len < 2 || line[0] != '|')
		return false;
	while (i < len && r->n < MAX_CELLS) {
		char *c = r->cell[r->n];
		size_t used = 0;

		while (i < len && line[i] == ' ')
			i++;
		while (i < len && line[i] != '|') {
			if (line[i] == '\\' && i + 1 < len && line[i + 1] == '|')
				i++;
			if (used + 1 < sizeof(r->cell[0]))
				c[used++] = line[i];
			i++;
		}
		while (used && c[used - 1] == ' ')
			used--;
		c[used] = '\0';
		if (i >= len)
			break; /* text after the last '|' is no cell */
		r->n++;
		i++;
	}
	return r->n > 0;
}

/* Calls fn for every table row of the section. */
static void each_row(const char *sec, size_t len, void (*fn)(const struct row *, void *),
		     void *arg)
{
	const char *end = sec + len;

	for (const char *line = sec; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		struct row r;

		if (parse_row(line, n, &r))
			fn(&r, arg);
		line += n + 1;
	}
}

static bool is_number_cell(const char *c)
{
	if (!isdigit((unsigned char)*c))
		return false;
	while (isdigit((unsigned char)*c) || *c == '-')
		c++;
	return *c == '\0';
}

/* --- exit statuses ----------------------------------------------------- */

static void status_codes(const struct status_row *s, char *buf, size_t size)
{
	if (s->first == s->last)
		snprintf(buf, size, "%d", s->first);
	else
		snprintf(buf, size, "%d-%d", s->first, s->last);
}

struct status_scan {
	int found[64];
};

static void check_status_row(const struct row *r, void *arg)
{
	struct status_scan *scan = arg;

	if (r->n < 2 || !is_number_cell(r->cell[0]))
		return;
	for (int i = 0; i < status_table_rows; i++) {
		char codes[24];

		status_codes(&status_table[i], codes, sizeof(codes));
		if (strcmp(codes, r->cell[0]))
			continue;
		scan->found[i]++;
		if (strcmp(r->cell[1], status_table[i].meaning))
			fail_msg(__LINE__, GUEST_ABI_MD ": status %s reads \"%s\"; src/status.c says \"%s\"",
				 codes, r->cell[1], status_table[i].meaning);
		return;
	}
	fail_msg(__LINE__, GUEST_ABI_MD ": status row \"%s\" is not in src/status.c's table",
		 r->cell[0]);
}

TEST(abi_docs_status_table_matches_status_c)
{
	char *doc = open_doc(GUEST_ABI_MD);
	struct status_scan scan = { { 0 } };
	size_t len;
	const char *sec;

	if (!doc)
		return;
	sec = section(doc, "## Exit statuses", &len);
	CHECK(len > 0);
	CHECK(status_table_rows <= (int)(sizeof(scan.found) / sizeof(scan.found[0])));
	each_row(sec, len, check_status_row, &scan);
	for (int i = 0; i < status_table_rows; i++) {
		char codes[24];

		status_codes(&status_table[i], codes, sizeof(codes));
		if (scan.found[i] != 1)
			fail_msg(__LINE__, GUEST_ABI_MD ": status %s has %d rows in the table, not 1",
				 codes, scan.found[i]);
	}
	free(doc);
}

TEST(abi_docs_readme_names_every_status)
{
	char *readme = open_doc(README_MD);
	const char *para;
	size_t len;

	if (!readme)
		return;
	para = strstr(readme, "\nExit status");
	CHECK(para != NULL);
	if (!para) {
		free(readme);
		return;
	}
	const char *end = strstr(para + 1, "\n\n");

	len = end ? (size_t)(end - para) : strlen(para);
	for (int i = 0; i < status_table_rows; i++) {
		char codes[24];

		status_codes(&status_table[i], codes, sizeof(codes));
		if (!has_token(para, len, codes))
			fail_msg(__LINE__, README_MD ": the exit-status paragraph does not name %s (%s)",
				 codes, status_table[i].meaning);
	}
	free(readme);
}

/* The clamp examples the doc gives for isa-debug-exit are what the code
 * does with them. */
TEST(abi_docs_debug_exit_examples)
{
	char *doc = open_doc(GUEST_ABI_MD);
	static const uint32_t examples[] = { 0, 1, 59 };

	if (!doc)
		return;
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		int status = status_from_guest(debug_exit_request(examples[i]));
		char row[64];

		CHECK(status <= STATUS_GUEST_MAX);
		snprintf(row, sizeof(row), "| %u | %d |", examples[i], status);
		if (!strstr(doc, row))
			fail_msg(__LINE__, GUEST_ABI_MD ": no isa-debug-exit row \"%s\"", row);
	}
	/* The first v whose request is above the guests' range. */
	CHECK_EQ(status_from_guest(debug_exit_request((STATUS_GUEST_MAX + 1) / 2)),
		 STATUS_GUEST_MAX);
	DOC_LINE(doc, "the clamp", "and above |", dec((STATUS_GUEST_MAX + 1) / 2),
		 dec(STATUS_GUEST_MAX));
	free(doc);
}

/* --- ports, hypercalls, addresses ---------------------------------------- */

TEST(abi_docs_ports)
{
	char *doc = open_doc(GUEST_ABI_MD);
	/* A 16550A has 8 registers. */
	char uart[32], dbg[32];

	if (!doc)
		return;
	snprintf(uart, sizeof(uart), "%s-%s", hex(UART_COM1_BASE), hex(UART_COM1_BASE + 7));
	snprintf(dbg, sizeof(dbg), "%s-%s", hex(DEBUG_EXIT_PORT),
		 hex(DEBUG_EXIT_PORT + DEBUG_EXIT_NR_PORTS - 1));
	DOC_LINE(doc, "UART_COM1_BASE", "16550A UART (COM1)", uart);
	DOC_LINE(doc, "UART_COM1_BASE", "## UART", hex(UART_COM1_BASE));
	DOC_LINE(doc, "UART_COM1_IRQ", "interrupts (IRQ", dec(UART_COM1_IRQ));
	DOC_LINE(doc, "HC_PORT", "| hypercall port |", hex(HC_PORT));
	DOC_LINE(doc, "HC_PORT", "## Hypercalls (port", hex(HC_PORT));
	DOC_LINE(doc, "DEBUG_EXIT_PORT", "| isa-debug-exit", dbg);
	DOC_LINE(doc, "DEBUG_EXIT_PORT", "## isa-debug-exit (port", hex(DEBUG_EXIT_PORT));
	free(doc);
}

struct hc_scan {
	int rows;
};

static void check_hypercall_row(const struct row *r, void *arg)
{
	struct hc_scan *scan = arg;
	const char *name;

	if (r->n < 2 || !is_number_cell(r->cell[0]))
		return;
	scan->rows++;
	name = hypercall_name(strtoull(r->cell[0], NULL, 10));
	if (!name || strcmp(name, r->cell[1]))
		fail_msg(__LINE__, GUEST_ABI_MD ": hypercall row | %s | %s |, but the VMM calls %s %s",
			 r->cell[0], r->cell[1], r->cell[0], name ? name : "nothing");
}

TEST(abi_docs_hypercalls)
{
	static const struct {
		uint64_t nr;
		const char *name;
	} calls[] = {
		{ HC_EXIT, "EXIT" }, { HC_PUTCHAR, "PUTCHAR" }, { HC_GETCHAR, "GETCHAR" },
		{ HC_PUTS, "PUTS" }, { HC_VERSION, "VERSION" },
	};
	char *doc = open_doc(GUEST_ABI_MD);
	struct hc_scan scan = { 0 };
	const char *sec;
	size_t len;
	uint64_t known = 0;

	if (!doc)
		return;
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		char row[64];
		const char *name = hypercall_name(calls[i].nr);

		CHECK(name && !strcmp(name, calls[i].name));
		snprintf(row, sizeof(row), "| %llu | %s |", (unsigned long long)calls[i].nr,
			 calls[i].name);
		if (!strstr(doc, row))
			fail_msg(__LINE__, GUEST_ABI_MD ": no hypercall row \"%s\"", row);
	}
	/* A call the VMM knows and this list does not must be documented too. */
	while (hypercall_name(known))
		known++;
	CHECK_EQ(known, sizeof(calls) / sizeof(calls[0]));

	sec = section(doc, "## Hypercalls", &len);
	CHECK(len > 0);
	each_row(sec, len, check_hypercall_row, &scan);
	CHECK_EQ(scan.rows, known);

	DOC_LINE(doc, "HC_ABI_VERSION", "Hypercall ABI version: **", dec(HC_ABI_VERSION));
	DOC_LINE(doc, "HC_ABI_VERSION", "| VERSION |", dec(HC_ABI_VERSION));
	DOC_LINE(doc, "EXIT's range", "| EXIT |", dec(STATUS_GUEST_MAX),
		 dec(STATUS_GUEST_MAX + 1));
	free(doc);
}

TEST(abi_docs_real_mode)
{
	char *doc = open_doc(GUEST_ABI_MD);
	/* SP = 0: the first push decrements it to 0xFFFE. */
	uint64_t first_push = (REAL_ENTRY_SP - 2) & 0xffff;

	if (!doc)
		return;
	CHECK_EQ(REAL_LOAD_ADDR, REAL_SEGMENT * 16);
	DOC_LINE(doc, "REAL_LOAD_ADDR", "| Load address |", hex(REAL_LOAD_ADDR));
	DOC_LINE(doc, "REAL_LOAD_ADDR", "| Largest image |", hex(REAL_LOAD_ADDR),
		 grouped(REAL_DEFAULT_MEM - REAL_LOAD_ADDR), mib(REAL_DEFAULT_MEM));
	DOC_LINE(doc, "REAL_SEGMENT", "| CS, DS, ES, FS, GS, SS |", hex(REAL_SEGMENT),
		 hex(REAL_LOAD_ADDR));
	DOC_LINE(doc, "REAL_ENTRY_IP", "| IP |", dec(REAL_ENTRY_IP));
	DOC_LINE(doc, "REAL_ENTRY_SP", "| SP |", dec(REAL_ENTRY_SP), hex(first_push),
		 hex(REAL_LOAD_ADDR + first_push));
	DOC_LINE(doc, "REAL_DEFAULT_MEM", "| Guest RAM |", mib(REAL_DEFAULT_MEM));
	DOC_LINE(doc, "memory map", "| zeroed RAM", range(0, REAL_LOAD_ADDR - 1));
	DOC_LINE(doc, "memory map", "the guest's segment", range(REAL_LOAD_ADDR, REAL_LOAD_ADDR + 0xffff),
		 hex(REAL_LOAD_ADDR), hex(REAL_LOAD_ADDR + first_push));
	DOC_LINE(doc, "the link command", "ld -m elf_i386 -Ttext", dec(REAL_ENTRY_IP));
	DOC_LINE(doc, "PUTS in real mode", "mov  $", fmt("0x%llX + msg", REAL_LOAD_ADDR));
	free(doc);
}

TEST(abi_docs_flat_protocols)
{
	char *doc = open_doc(GUEST_ABI_MD);
	uint64_t idt_last = FLAT_IDT_ADDR + FLAT_IDT_LIMIT;

	if (!doc)
		return;
	/* Shared by --paging and --long-mode. */
	DOC_LINE(doc, "FLAT_GDT_ADDR", "| GDTR |", hex(FLAT_GDT_ADDR),
		 dec(FLAT_GDT_ENTRIES * 8 - 1), fmt("0x%02llX", FLAT_CODE_SEL),
		 fmt("0x%02llX", FLAT_DATA_SEL));
	DOC_LINE(doc, "FLAT_GDT_ADDR", "| GDT |", range(FLAT_GDT_ADDR, FLAT_IDT_ADDR - 1));
	CHECK_EQ(FLAT_IDT_ADDR, FLAT_GDT_ADDR + FLAT_GDT_ENTRIES * 8);
	DOC_LINE(doc, "FLAT_IDT_ADDR", "| IDTR |", hex(FLAT_IDT_ADDR), dec(FLAT_IDT_LIMIT),
		 dec((FLAT_IDT_LIMIT + 1) / 8));
	DOC_LINE(doc, "FLAT_IDT_ADDR", "| IDT:", range(FLAT_IDT_ADDR, idt_last));
	DOC_LINE(doc, "FLAT_IDT_ADDR end", "at or above", hex(idt_last + 1));
	DOC_LINE(doc, "FLAT_IDT_ADDR end", "a file below", hex(idt_last + 1));
	DOC_LINE(doc, "FLAT_CODE_SEL", "| CS |", fmt("0x%02llX", FLAT_CODE_SEL));
	DOC_LINE(doc, "FLAT_DATA_SEL", "| DS, ES, FS, GS, SS |", fmt("0x%02llX", FLAT_DATA_SEL));
	DOC_LINE(doc, "FLAT_LOAD_DEFAULT", "| Load address | `--load`, default",
		 hex(FLAT_LOAD_DEFAULT));
	DOC_LINE(doc, "FLAT_LOAD_DEFAULT", "the file (default `--load`)", hex(FLAT_LOAD_DEFAULT));
	DOC_LINE(doc, "FLAT_DEFAULT_MEM", "| Guest RAM |", mib(FLAT_DEFAULT_MEM), hex(P32_TABLES_END));

	/* --paging */
	CHECK_EQ(P32_ENTRY_DEFAULT, P32_HIGH_BASE + FLAT_LOAD_DEFAULT);
	DOC_LINE(doc, "P32_PAGE_DIR", "| CR3 |", hex(P32_PAGE_DIR));
	DOC_LINE(doc, "P32_PAGE_DIR", "| page directory:", hex(P32_PAGE_DIR), hex(P32_LOW_TABLE),
		 hex(P32_HIGH_TABLE), dec(P32_HIGH_BASE >> 22));
	DOC_LINE(doc, "P32_LOW_TABLE", "| page table:", hex(P32_LOW_TABLE),
		 range(0, P32_MAPPED_SIZE - 1));
	DOC_LINE(doc, "P32_HIGH_TABLE", "| page table:", hex(P32_HIGH_TABLE),
		 range(P32_HIGH_BASE, P32_HIGH_BASE + P32_MAPPED_SIZE - 1),
		 range(0, P32_MAPPED_SIZE - 1));
	DOC_LINE(doc, "P32_TABLES_END", "at least", hex(P32_TABLES_END));
	DOC_LINE(doc, "the --paging tables", "the page tables", range(P32_PAGE_DIR, P32_TABLES_END - 1));
	DOC_LINE(doc, "P32_TABLES_END", "| free RAM", fmt("0x%llX-end of RAM", P32_TABLES_END));
	DOC_LINE(doc, "P32_ENTRY_DEFAULT", "| EIP |", hex(P32_ENTRY_DEFAULT));
	DOC_LINE(doc, "P32_ENTRY_DEFAULT", "-Ttext", hex(P32_ENTRY_DEFAULT));

	/* --long-mode */
	DOC_LINE(doc, "LM_PML4", "| PML4:", hex(LM_PML4), hex(LM_PDPT));
	DOC_LINE(doc, "LM_PML4", "the PML4", hex(LM_PML4));
	DOC_LINE(doc, "LM_PDPT", "| PDPT:", hex(LM_PDPT));
	DOC_LINE(doc, "LM_PD_FIRST", "| page directories,", hex(LM_PD_FIRST), mib(LM_PAGE_SIZE));
	DOC_LINE(doc, "LM_PAGE_SIZE", "a multiple of", mib(LM_PAGE_SIZE));
	DOC_LINE(doc, "the tables' end", "the tables end at",
		 hex(LM_PML4 + longmode_tables_size(FLAT_DEFAULT_MEM)));
	DOC_LINE(doc, "RSP", "| RSP |", hex(FLAT_DEFAULT_MEM));
	DOC_LINE(doc, "FLAT_LOAD_DEFAULT", "ld -m elf_x86_64 -Ttext", hex(FLAT_LOAD_DEFAULT));
	free(doc);
}

/* The protocol table in the doc names the rows of boot_protocols[], in
 * their order (the first that takes an image boots it), with their RAM. */
TEST(abi_docs_boot_protocols)
{
	char *doc = open_doc(GUEST_ABI_MD);
	const char *sec, *prev = NULL;
	size_t len;

	if (!doc)
		return;
	sec = section(doc, "## Boot protocols", &len);
	CHECK(len > 0);
	for (int i = 0; i < boot_protocol_count && len; i++) {
		const struct boot_protocol *p = &boot_protocols[i];
		char cell[128];
		const char *at;

		snprintf(cell, sizeof(cell), "\n| %s |", p->name);
		at = strstr(sec, cell);
		if (!at || at >= sec + len) {
			fail_msg(__LINE__, GUEST_ABI_MD ": no boot protocol row \"| %s |\"", p->name);
			continue;
		}
		if (prev && at < prev)
			fail_msg(__LINE__, GUEST_ABI_MD ": \"%s\" comes before the row above it in boot.c",
				 p->name);
		prev = at;
		const char *end = strchr(at + 1, '\n');

		if (!has_token(at, end ? (size_t)(end - at) : strlen(at), mib(p->default_mem)))
			fail_msg(__LINE__, GUEST_ABI_MD ": row \"%s\" does not say %s", p->name,
				 mib(p->default_mem));
	}
	free(doc);
}

/* --- --verbose ------------------------------------------------------------ */

static void io_line(char *buf, size_t size, bool out, uint16_t port, uint8_t width,
		    uint32_t value)
{
	static union {
		struct kvm_run run;
		uint8_t bytes[sizeof(struct kvm_run) + 64];
	} area;
	struct kvm_run *run = &area.run;

	memset(&area, 0, sizeof(area));
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = out ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN;
	run->io.size = width;
	run->io.port = port;
	run->io.count = 1;
	run->io.data_offset = sizeof(struct kvm_run);
	memcpy(area.bytes + run->io.data_offset, &value, width);
	trace_format_exit(run, sizeof(area), buf, size);
}

TEST(abi_docs_verbose_lines_are_what_trace_prints)
{
	char *doc = open_doc(GUEST_ABI_MD);
	char line[256];

	if (!doc)
		return;
	/* The example guest's first exits: LSR read (THRE | TEMT), 'H' to THR. */
	io_line(line, sizeof(line), false, UART_COM1_BASE + 5, 1, 0x60);
	if (!strstr(doc, line))
		fail_msg(__LINE__, GUEST_ABI_MD ": no --verbose example \"%s\"", line);
	io_line(line, sizeof(line), true, UART_COM1_BASE, 1, 'H');
	if (!strstr(doc, line))
		fail_msg(__LINE__, GUEST_ABI_MD ": no --verbose example \"%s\"", line);
	io_line(line, sizeof(line), true, HC_PORT, 2, HC_PUTS);
	if (!strstr(doc, line))
		fail_msg(__LINE__, GUEST_ABI_MD ": no --verbose example \"%s\"", line);
	free(doc);
}

/* --- README's options ----------------------------------------------------- */

TEST(abi_docs_readme_lists_every_option_of_help)
{
	char *readme = open_doc(README_MD);
	struct test_pipe p = test_pipe_open();
	static char help[16384];
	int saved;
	size_t n;

	if (!readme)
		return;
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	CHECK(saved >= 0 && p.wr >= 0);
	if (saved < 0 || p.wr < 0 || dup2(p.wr, STDOUT_FILENO) < 0) {
		free(readme);
		test_pipe_close(&p);
		return;
	}
	cli_print_help();
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	n = test_pipe_drain(&p, help, sizeof(help));
	test_pipe_close(&p);
	CHECK(n > 0 && n < sizeof(help) - 1);

	for (const char *s = help; (s = strstr(s, "--"));) {
		char opt[64];
		size_t len = 2;

		while (len < sizeof(opt) - 1 && (islower((unsigned char)s[len]) || s[len] == '-'))
			len++;
		memcpy(opt, s, len);
		opt[len] = '\0';
		s += len;
		if (len <= 2)
			continue;
		bool found = false;

		/* As a whole option: "--stats" does not count inside "--stats-json". */
		for (const char *r = readme; !found && (r = strstr(r, opt)); r += len)
			found = !islower((unsigned char)r[len]) && r[len] != '-';
		if (!found)
			fail_msg(__LINE__, README_MD ": --help lists %s; the options table does not", opt);
	}
	free(readme);
}
