/* The gdb stub's pure parts without /dev/kvm: framing (checksums, escapes,
 * run-length repeats, over-long and cut packets, Ctrl-C and acks), the
 * hex codecs, every command the parser knows and the malformed forms of
 * them, the register layouts gdb expects (sizes, order, target.xml), the
 * x87 tag word, the debug registers' DR7, and --gdb's argument. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/cli.h"
#include "../../src/gdb/breakpoints.h"
#include "../../src/gdb/command.h"
#include "../../src/gdb/packet.h"
#include "../../src/gdb/regs.h"
#include "../../src/gdb/spec.h"
#include "../../src/qemu_cli.h"
#include "harness.h"

/* Feeds text; returns the last event that was not GDB_FRAME_NONE. */
static enum gdb_frame_event feed(struct gdb_framer *f, const char *text, size_t len)
{
	enum gdb_frame_event last = GDB_FRAME_NONE;

	for (size_t i = 0; i < len; i++) {
		enum gdb_frame_event e = gdb_framer_feed(f, (uint8_t)text[i]);

		if (e != GDB_FRAME_NONE)
			last = e;
	}
	return last;
}

static enum gdb_frame_event feed_str(struct gdb_framer *f, const char *text)
{
	return feed(f, text, strlen(text));
}

TEST(gdb_framer_takes_a_packet_and_checks_its_sum)
{
	static struct gdb_framer f;

	gdb_framer_init(&f);
	CHECK_EQ(feed_str(&f, "$qSupported#37"), GDB_FRAME_PACKET);
	CHECK(strcmp(f.buf, "qSupported") == 0);
	CHECK_EQ(f.len, 10);
	CHECK_EQ(feed_str(&f, "$g#67"), GDB_FRAME_PACKET);
	CHECK(strcmp(f.buf, "g") == 0);
	CHECK_EQ(feed_str(&f, "$g#68"), GDB_FRAME_BAD_CHECKSUM);
	CHECK_EQ(feed_str(&f, "$g#6x"), GDB_FRAME_BAD_CHECKSUM);
	CHECK_EQ(feed_str(&f, "$g#x8"), GDB_FRAME_BAD_CHECKSUM);
	CHECK_EQ(feed_str(&f, "$#00"), GDB_FRAME_PACKET); /* empty */
	CHECK_EQ(f.len, 0);
	CHECK_EQ(feed_str(&f, "$g#6"), GDB_FRAME_NONE); /* cut: waits */
	CHECK_EQ(feed_str(&f, "7"), GDB_FRAME_PACKET);
}

TEST(gdb_framer_acks_interrupts_and_noise)
{
	static struct gdb_framer f;

	gdb_framer_init(&f);
	CHECK_EQ(gdb_framer_feed(&f, '+'), GDB_FRAME_ACK);
	CHECK_EQ(gdb_framer_feed(&f, '-'), GDB_FRAME_NACK);
	CHECK_EQ(gdb_framer_feed(&f, 0x03), GDB_FRAME_INTERRUPT);
	CHECK_EQ(feed_str(&f, "garbage}}*#"), GDB_FRAME_NONE);
	/* A '$' inside a packet starts it again. */
	CHECK_EQ(feed_str(&f, "$m0,4$g#67"), GDB_FRAME_PACKET);
	CHECK(strcmp(f.buf, "g") == 0);
	/* 0x03 inside a packet is data, not Ctrl-C. */
	CHECK_EQ(feed(&f, "$\003#03", 5), GDB_FRAME_PACKET);
	CHECK_EQ(f.len, 1);
}

TEST(gdb_framer_undoes_escapes_and_repeats)
{
	static struct gdb_framer f;
	char pkt[64];
	/* "X0,1:" then '}' escaped: "}]"; the checksum covers the raw bytes. */
	const char *body = "X0,1:}]";
	unsigned sum = 0;

	for (const char *p = body; *p; p++)
		sum += (unsigned char)*p;
	snprintf(pkt, sizeof(pkt), "$%s#%02x", body, sum & 0xff);
	gdb_framer_init(&f);
	CHECK_EQ(feed_str(&f, pkt), GDB_FRAME_PACKET);
	CHECK_EQ(f.len, 6);
	CHECK_EQ((unsigned char)f.buf[5], '}');
	/* "0* " is '0' then 3 more ('"' - 29 = 3... ' ' is 32: 3 repeats). */
	body = "a0* ";
	sum = 0;
	for (const char *p = body; *p; p++)
		sum += (unsigned char)*p;
	snprintf(pkt, sizeof(pkt), "$%s#%02x", body, sum & 0xff);
	CHECK_EQ(feed_str(&f, pkt), GDB_FRAME_PACKET);
	CHECK(strcmp(f.buf, "a0000") == 0);
}

TEST(gdb_framer_bounds_an_over_long_packet)
{
	static struct gdb_framer f;
	size_t n = GDB_PACKET_MAX + 100;
	char *pkt = malloc(n + 8);
	unsigned sum = 0;

	pkt[0] = '$';
	for (size_t i = 1; i <= n; i++) {
		pkt[i] = 'a';
		sum += 'a';
	}
	snprintf(pkt + n + 1, 7, "#%02x", sum & 0xff);
	gdb_framer_init(&f);
	CHECK_EQ(feed(&f, pkt, n + 4), GDB_FRAME_TOO_LONG);
	CHECK_EQ(f.len, GDB_PACKET_MAX);
	/* Repeats past the end are counted, not stored. */
	memset(pkt, 0, n + 8);
	strcpy(pkt, "$a");
	for (int i = 0; i < 60; i++)
		strcat(pkt, "*~");
	strcat(pkt, "#00");
	CHECK(feed_str(&f, pkt) != GDB_FRAME_PACKET);
	CHECK(f.len <= GDB_PACKET_MAX);
	free(pkt);
}

TEST(gdb_frame_escapes_and_sums)
{
	char out[64];
	size_t n = gdb_frame("OK", 2, false, out);

	CHECK_EQ(n, 6);
	CHECK(memcmp(out, "$OK#9a", 6) == 0);
	n = gdb_frame("OK", 2, true, out);
	CHECK(memcmp(out, "+$OK#9a", 7) == 0);
	n = gdb_frame("a#b", 3, false, out);
	CHECK(memcmp(out, "$a}\003b#", 6) == 0);
	/* What gdb undoes is what was meant: feed it back. */
	static struct gdb_framer f;

	gdb_framer_init(&f);
	CHECK_EQ(feed(&f, out, n), GDB_FRAME_PACKET);
	CHECK(strcmp(f.buf, "a#b") == 0);
}

TEST(gdb_hex_codecs)
{
	uint64_t v;
	uint8_t bytes[4];

	CHECK(gdb_parse_hex_u64("ffffffffffffffff", 16, &v) == 0 && v == UINT64_MAX);
	CHECK(gdb_parse_hex_u64("10000000000000000", 17, &v) < 0);
	CHECK(gdb_parse_hex_u64("", 0, &v) < 0);
	CHECK(gdb_parse_hex_u64("12g", 3, &v) < 0);
	CHECK(gdb_parse_hex_u64("aB", 2, &v) == 0 && v == 0xab);
	CHECK_EQ(gdb_hex_decode("0aFF", 4, bytes, sizeof(bytes)), 2);
	CHECK(bytes[0] == 0x0a && bytes[1] == 0xff);
	CHECK(gdb_hex_decode("0aF", 3, bytes, sizeof(bytes)) < 0);
	CHECK(gdb_hex_decode("0011223344", 10, bytes, sizeof(bytes)) < 0);
	CHECK(gdb_hex_decode("zz", 2, bytes, sizeof(bytes)) < 0);
}

TEST(gdb_reply_never_overflows)
{
	static struct gdb_reply r;
	static uint8_t big[GDB_REPLY_MAX];

	gdb_reply_clear(&r);
	gdb_reply_hex(&r, big, GDB_REPLY_MAX / 2);
	CHECK(!r.overflow && r.len == GDB_REPLY_MAX);
	gdb_reply_str(&r, "x");
	CHECK(r.overflow && r.len == GDB_REPLY_MAX);
	gdb_reply_clear(&r);
	gdb_reply_printf(&r, "T%02xthread:%x;", 5, 1);
	CHECK(strcmp(r.buf, "T05thread:1;") == 0);
}

static void parse(struct gdb_command *c, const char *text)
{
	gdb_parse_command(text, strlen(text), c);
}

TEST(gdb_parses_memory_and_register_commands)
{
	static struct gdb_command c;

	parse(&c, "m10000,40");
	CHECK(c.cmd == GDB_CMD_READ_MEM && c.addr == 0x10000 && c.length == 0x40);
	parse(&c, "M20,2:abcd");
	CHECK(c.cmd == GDB_CMD_WRITE_MEM && c.data_len == 2 && c.data[0] == 0xab);
	parse(&c, "M20,3:abcd");
	CHECK_EQ(c.cmd, GDB_CMD_MALFORMED); /* length and data disagree */
	gdb_parse_command("X30,2:\0}", 8, &c);
	CHECK(c.cmd == GDB_CMD_WRITE_MEM && c.data_len == 2 && c.data[0] == 0 && c.data[1] == '}');
	parse(&c, "p10");
	CHECK(c.cmd == GDB_CMD_READ_REG && c.regnum == 0x10);
	parse(&c, "P8=78563412");
	CHECK(c.cmd == GDB_CMD_WRITE_REG && c.regnum == 8 && c.data_len == 4);
	parse(&c, "P8=");
	CHECK_EQ(c.cmd, GDB_CMD_MALFORMED);
	parse(&c, "g");
	CHECK_EQ(c.cmd, GDB_CMD_READ_REGS);
	parse(&c, "G0011");
	CHECK(c.cmd == GDB_CMD_WRITE_REGS && c.data_len == 2);
	parse(&c, "Gzz");
	CHECK_EQ(c.cmd, GDB_CMD_MALFORMED);
	parse(&c, "m12345678901234567,1");
	CHECK_EQ(c.cmd, GDB_CMD_MALFORMED);
	parse(&c, "m10");
	CHECK_EQ(c.cmd, GDB_CMD_MALFORMED);
	parse(&c, "m10,4x");
	CHECK_EQ(c.cmd, GDB_CMD_MALFORMED);
}

TEST(gdb_parses_breakpoints_and_resumes)
{
	static struct gdb_command c;

	parse(&c, "Z0,10013,1");
	CHECK(c.cmd == GDB_CMD_INSERT_BP && c.type == 0 && c.addr == 0x10013 && c.kind == 1);
	parse(&c, "z2,200000,8");
	CHECK(c.cmd == GDB_CMD_REMOVE_BP && c.type == 2 && c.kind == 8);
	parse(&c, "Z1,1000,1;X1,0");
	CHECK_EQ(c.cmd, GDB_CMD_INSERT_BP);
	parse(&c, "Z5,0,1");
	CHECK_EQ(c.cmd, GDB_CMD_MALFORMED);
	parse(&c, "Z0,0");
	CHECK_EQ(c.cmd, GDB_CMD_MALFORMED);
	parse(&c, "c");
	CHECK(c.cmd == GDB_CMD_RESUME && c.nactions == 1 && c.actions[0].what == 'c' && !c.has_addr);
	parse(&c, "s1000");
	CHECK(c.cmd == GDB_CMD_RESUME && c.actions[0].what == 's' && c.has_addr && c.addr == 0x1000);
	parse(&c, "C05;2000");
	CHECK(c.cmd == GDB_CMD_RESUME && c.actions[0].what == 'c' && c.addr == 0x2000);
	parse(&c, "vCont;s:1;c");
	CHECK(c.cmd == GDB_CMD_RESUME && c.nactions == 2);
	CHECK(c.actions[0].what == 's' && c.actions[0].thread == 1);
	CHECK(c.actions[1].what == 'c' && c.actions[1].thread == GDB_THREAD_ALL);
	parse(&c, "vCont;C02:p1.2");
	CHECK(c.cmd == GDB_CMD_RESUME && c.actions[0].thread == 2);
	parse(&c, "vCont;t");
	CHECK_EQ(c.cmd, GDB_CMD_UNSUPPORTED);
	parse(&c, "vCont;");
	CHECK_EQ(c.cmd, GDB_CMD_MALFORMED);
	parse(&c, "vCont?");
	CHECK_EQ(c.cmd, GDB_CMD_VCONT_QUERY);
	char many[256] = "vCont";
	for (int i = 0; i < GDB_MAX_VCONT + 1; i++)
		strcat(many, ";c");
	parse(&c, many);
	CHECK_EQ(c.cmd, GDB_CMD_MALFORMED);
}

TEST(gdb_parses_queries_and_threads)
{
	static struct gdb_command c;

	parse(&c, "qSupported:multiprocess+;swbreak+");
	CHECK_EQ(c.cmd, GDB_CMD_SUPPORTED);
	parse(&c, "qXfer:features:read:target.xml:0,ffb");
	CHECK(c.cmd == GDB_CMD_XFER_FEATURES && strcmp(c.annex, "target.xml") == 0 &&
	      c.offset == 0 && c.length == 0xffb);
	parse(&c, "qXfer:features:read:target.xml");
	CHECK_EQ(c.cmd, GDB_CMD_MALFORMED);
	parse(&c, "qXfer:threads:read::0,ffb");
	CHECK_EQ(c.cmd, GDB_CMD_UNSUPPORTED);
	parse(&c, "qC");
	CHECK_EQ(c.cmd, GDB_CMD_CURRENT_THREAD);
	parse(&c, "qfThreadInfo");
	CHECK_EQ(c.cmd, GDB_CMD_THREAD_INFO_FIRST);
	parse(&c, "qsThreadInfo");
	CHECK_EQ(c.cmd, GDB_CMD_THREAD_INFO_NEXT);
	parse(&c, "qThreadExtraInfo,2");
	CHECK(c.cmd == GDB_CMD_THREAD_EXTRA && c.thread == 2);
	parse(&c, "Hg-1");
	CHECK(c.cmd == GDB_CMD_SET_THREAD && c.thread_op == 'g' && c.thread == GDB_THREAD_ALL);
	parse(&c, "Hc2");
	CHECK(c.cmd == GDB_CMD_SET_THREAD && c.thread_op == 'c' && c.thread == 2);
	parse(&c, "Hx1");
	CHECK_EQ(c.cmd, GDB_CMD_MALFORMED);
	parse(&c, "T3");
	CHECK(c.cmd == GDB_CMD_THREAD_ALIVE && c.thread == 3);
	parse(&c, "qRcmd,7374617473");
	CHECK(c.cmd == GDB_CMD_MONITOR && strcmp((char *)c.data, "stats") == 0);
	parse(&c, "qRcmd,737");
	CHECK_EQ(c.cmd, GDB_CMD_MALFORMED);
	parse(&c, "QStartNoAckMode");
	CHECK_EQ(c.cmd, GDB_CMD_NO_ACK_MODE);
	parse(&c, "?");
	CHECK_EQ(c.cmd, GDB_CMD_HALT_REASON);
	parse(&c, "k");
	CHECK_EQ(c.cmd, GDB_CMD_KILL);
	parse(&c, "D;1");
	CHECK_EQ(c.cmd, GDB_CMD_DETACH);
	parse(&c, "qTStatus");
	CHECK_EQ(c.cmd, GDB_CMD_UNSUPPORTED);
	gdb_parse_command("", 0, &c);
	CHECK_EQ(c.cmd, GDB_CMD_UNSUPPORTED);
}

static struct gdb_cpu_state sample_state(void)
{
	struct gdb_cpu_state s;

	memset(&s, 0, sizeof(s));
	s.regs.rax = 0x1122334455667788;
	s.regs.rcx = 0xc;
	s.regs.rip = 0x13;
	s.regs.rflags = 0x46;
	s.sregs.cs.selector = 0x1000;
	s.sregs.cs.base = 0x10000;
	s.sregs.cr0 = 0x10;
	s.fpu.fcw = 0x37f;
	s.fpu.mxcsr = 0x1f80;
	s.fpu_valid = true;
	return s;
}

TEST(gdb_register_layouts_have_gdbs_sizes)
{
	/* 24 core registers, 8 x87 of 10 bytes, 8 x87 control, 16 XMM,
	 * MXCSR, fs_base, gs_base, 6 control registers. */
	CHECK_EQ(gdb_regs_size(GDB_LAYOUT_X86_64), 16 * 8 + 8 + 4 + 6 * 4 + 80 + 32 + 256 + 4 + 16 + 48);
	CHECK_EQ(gdb_regs_count(GDB_LAYOUT_X86_64), 65);
	CHECK_EQ(gdb_regs_size(GDB_LAYOUT_I386), 16 * 4 + 80 + 32 + 128 + 4 + 5 * 4);
	CHECK_EQ(gdb_regs_size(GDB_LAYOUT_I8086), gdb_regs_size(GDB_LAYOUT_I386));
	CHECK(strcmp(gdb_layout_arch(GDB_LAYOUT_I8086), "i8086") == 0);
}

TEST(gdb_g_packet_order)
{
	static struct gdb_reply r;
	struct gdb_cpu_state s = sample_state();

	gdb_reply_clear(&r);
	gdb_regs_reply(&r, GDB_LAYOUT_I386, &s);
	CHECK_EQ(r.len, 2 * gdb_regs_size(GDB_LAYOUT_I386));
	/* eax (low half), ecx, edx, ebx, ..., eip at 8, eflags, cs at 10 */
	CHECK(strncmp(r.buf, "88776655", 8) == 0);
	CHECK(strncmp(r.buf + 8, "0c000000", 8) == 0);
	CHECK(strncmp(r.buf + 8 * 8, "13000000", 8) == 0);
	CHECK(strncmp(r.buf + 8 * 10, "00100000", 8) == 0);
	gdb_reply_clear(&r);
	gdb_regs_reply(&r, GDB_LAYOUT_X86_64, &s);
	CHECK(strncmp(r.buf, "8877665544332211", 16) == 0);
	CHECK(strncmp(r.buf + 16 * 2, "0c00000000000000", 16) == 0); /* rcx third */
	gdb_reply_clear(&r);
	CHECK_EQ(gdb_reg_reply(&r, GDB_LAYOUT_X86_64, 16, &s), 0); /* rip */
	CHECK(strcmp(r.buf, "1300000000000000") == 0);
	CHECK(gdb_reg_reply(&r, GDB_LAYOUT_X86_64, 65, &s) < 0);
	s.fpu_valid = false;
	gdb_reply_clear(&r);
	CHECK_EQ(gdb_reg_reply(&r, GDB_LAYOUT_X86_64, 24, &s), 0); /* st0 */
	CHECK(strcmp(r.buf, "xxxxxxxxxxxxxxxxxxxx") == 0);
}

TEST(gdb_register_writes)
{
	struct gdb_cpu_state s = sample_state();
	uint8_t v[8] = { 0x34, 0x12, 0, 0, 0, 0, 0, 0 };
	unsigned changed;
	static struct gdb_reply r;
	static uint8_t all[1024];

	CHECK_EQ(gdb_reg_write(GDB_LAYOUT_X86_64, 0, &s, v, 8, &changed), 0);
	CHECK(s.regs.rax == 0x1234 && changed == GDB_CHANGED_REGS);
	CHECK(gdb_reg_write(GDB_LAYOUT_X86_64, 0, &s, v, 4, &changed) < 0);
	/* Real mode: a segment write moves its base. */
	CHECK_EQ(gdb_reg_write(GDB_LAYOUT_I8086, 13, &s, v, 4, &changed), 0); /* es */
	CHECK(s.sregs.es.selector == 0x1234 && s.sregs.es.base == 0x12340);
	s.sregs.cr0 = 1; /* protected mode: refused */
	v[0] = 0x56;
	CHECK_EQ(gdb_reg_write(GDB_LAYOUT_I386, 13, &s, v, 4, &changed), GDB_REG_READ_ONLY);
	/* Control registers are read-only, unless left as they are. */
	CHECK_EQ(gdb_reg_write(GDB_LAYOUT_X86_64, 59, &s, v, 8, &changed), GDB_REG_READ_ONLY);
	v[0] = 0x34;
	/* G with the g packet's own bytes changes nothing. */
	gdb_reply_clear(&r);
	gdb_regs_reply(&r, GDB_LAYOUT_X86_64, &s);
	CHECK_EQ(gdb_hex_decode(r.buf, r.len, all, sizeof(all)), (long)gdb_regs_size(GDB_LAYOUT_X86_64));
	CHECK_EQ(gdb_regs_write(GDB_LAYOUT_X86_64, &s, all, gdb_regs_size(GDB_LAYOUT_X86_64), &changed), 0);
	CHECK_EQ(changed, 0);
	all[0] = 0x99;
	CHECK_EQ(gdb_regs_write(GDB_LAYOUT_X86_64, &s, all, gdb_regs_size(GDB_LAYOUT_X86_64), &changed), 0);
	CHECK(s.regs.rax == 0x1299 && changed == GDB_CHANGED_REGS);
	CHECK(gdb_regs_write(GDB_LAYOUT_X86_64, &s, all, 10, &changed) < 0);
}

TEST(gdb_x87_tag_word)
{
	struct kvm_fpu fpu;

	memset(&fpu, 0, sizeof(fpu));
	CHECK_EQ(gdb_fpu_full_tag(&fpu), 0xffff); /* all empty */
	fpu.ftwx = 0x80;		       /* physical 7 in use */
	fpu.fsw = 7 << 11;		       /* TOP 7: it is ST(0) */
	fpu.fpr[0][7] = 0x80;		       /* 1.0: integer bit */
	fpu.fpr[0][8] = 0xff;
	fpu.fpr[0][9] = 0x3f;
	CHECK_EQ(gdb_fpu_full_tag(&fpu), 0x3fff); /* valid */
	memset(fpu.fpr[0], 0, 10);
	CHECK_EQ(gdb_fpu_full_tag(&fpu), 0x7fff); /* zero */
	CHECK_EQ(gdb_fpu_abridged_tag(0x7fff), 0x80);
	CHECK_EQ(gdb_fpu_abridged_tag(0x0000), 0xff);
}

TEST(gdb_target_xml_lists_every_register)
{
	static char xml[16384];

	for (int l = GDB_LAYOUT_I8086; l <= GDB_LAYOUT_X86_64; l++) {
		size_t n = gdb_target_xml(l, xml, sizeof(xml));
		struct gdb_reg_info info;
		char needle[64];

		CHECK(n > 0 && n < sizeof(xml));
		CHECK(strstr(xml, gdb_layout_arch(l)) != NULL);
		for (int i = 0; gdb_reg_info(l, i, &info); i++) {
			snprintf(needle, sizeof(needle), "<reg name=\"%s\" bitsize=\"%u\"", info.name,
				 info.bits);
			CHECK(strstr(xml, needle) != NULL);
		}
		CHECK(strstr(xml, "<flags id=\"i386_eflags\"") != NULL);
		CHECK(strstr(xml, "<union id=\"vec128\">") != NULL);
		CHECK(strcmp(xml + n - 10, "</target>\n") == 0);
		/* A buffer too small is cut, and says how much was needed. */
		CHECK_EQ(gdb_target_xml(l, xml, 10), n);
	}
}

TEST(gdb_debug_registers)
{
	struct gdb_breakpoints b;

	memset(&b, 0, sizeof(b));
	CHECK_EQ(gdb_hw_insert(&b, GDB_HW_EXEC, 0x1000, 1, false), 0);
	CHECK_EQ(gdb_hw_insert(&b, GDB_HW_WRITE, 0x2000, 4, false), 1);
	CHECK_EQ(gdb_hw_insert(&b, GDB_HW_ACCESS, 0x3000, 8, true), 2);
	CHECK_EQ(gdb_hw_insert(&b, GDB_HW_WRITE, 0x2001, 4, false), -2); /* unaligned */
	CHECK_EQ(gdb_hw_insert(&b, GDB_HW_WRITE, 0x2000, 8, false), -2); /* 8 needs long mode */
	CHECK_EQ(gdb_hw_insert(&b, GDB_HW_WRITE, 0x2000, 3, true), -2);
	/* L0 L1 L2, LE; slot 1: R/W 01 LEN 11; slot 2: R/W 11 LEN 10. */
	CHECK_EQ(gdb_hw_dr7(&b), 0x1 | 0x4 | 0x10 | 0x100 | (0xdull << 20) | (0xbull << 24));
	CHECK_EQ(gdb_hw_hit(&b, 0x2), 1);
	CHECK_EQ(gdb_hw_hit(&b, 0x8), -1); /* slot 3 free */
	CHECK_EQ(gdb_hw_insert(&b, GDB_HW_SW_EXEC, 0x4000, 1, false), 3);
	CHECK_EQ(gdb_hw_insert(&b, GDB_HW_EXEC, 0x5000, 1, false), -1); /* full */
	CHECK_EQ(gdb_hw_free_slots(&b), 0);
	CHECK(gdb_hw_remove(&b, GDB_HW_WRITE, 0x2000, 4));
	CHECK(!gdb_hw_remove(&b, GDB_HW_WRITE, 0x2000, 4));
	CHECK_EQ(gdb_hw_free_slots(&b), 1);
	memset(&b, 0, sizeof(b));
	CHECK_EQ(gdb_hw_dr7(&b), 0);
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++) {
		struct gdb_sw_breakpoint *e = gdb_sw_free_entry(&b);

		CHECK(e != NULL);
		if (e)
			*e = (struct gdb_sw_breakpoint){ .used = true, .addr = (uint64_t)i };
	}
	CHECK(gdb_sw_free_entry(&b) == NULL);
	CHECK(gdb_sw_find(&b, 7) != NULL && gdb_sw_find(&b, 99) == NULL);
	CHECK_EQ(gdb_sw_count(&b), GDB_SW_BREAKPOINTS);
}

TEST(gdb_spec_forms)
{
	struct gdb_spec s;
	const char *why;

	CHECK(gdb_spec_parse("1234", &s, &why) == 0 && s.port == 1234 &&
	      strcmp(s.host, "127.0.0.1") == 0 && s.guest == 0 && s.arch == GDB_ARCH_AUTO);
	CHECK(gdb_spec_parse(":4321", &s, &why) == 0 && s.port == 4321);
	CHECK(gdb_spec_parse("tcp::1", &s, &why) == 0 && s.port == 1);
	CHECK(gdb_spec_parse("tcp:0.0.0.0:99", &s, &why) == 0 && strcmp(s.host, "0.0.0.0") == 0);
	CHECK(gdb_spec_parse("localhost:0", &s, &why) == 0 && strcmp(s.host, "127.0.0.1") == 0);
	CHECK(gdb_spec_parse("1234,guest=2,arch=x86-64", &s, &why) == 0 && s.guest == 1 &&
	      s.arch == GDB_ARCH_X86_64);
	CHECK(gdb_spec_parse("1234,arch=i8086", &s, &why) == 0 && s.arch == GDB_ARCH_I8086);
	CHECK(gdb_spec_parse("65536", &s, &why) < 0);
	CHECK(gdb_spec_parse("", &s, &why) < 0);
	CHECK(gdb_spec_parse("host:12", &s, &why) < 0);
	CHECK(gdb_spec_parse("1.2.3:12", &s, &why) < 0);
	CHECK(gdb_spec_parse("12,guest=0", &s, &why) < 0);
	CHECK(gdb_spec_parse("12,arch=arm", &s, &why) < 0);
	CHECK(gdb_spec_parse("12,what=1", &s, &why) < 0);
	CHECK(gdb_spec_parse("12x", &s, &why) < 0);
}

TEST(gdb_options_of_both_command_lines)
{
	struct options o;
	char *wait[] = { "kvm-vmm", "--gdb-wait", "g.bin" };
	char *both[] = { "kvm-vmm", "--gdb=tcp:0.0.0.0:4000,arch=i386", "--gdb-wait", "a", "b" };
	char *guest2[] = { "kvm-vmm", "--gdb", "1,guest=2", "a", "b" };
	char *qemu[] = { "kvm-vmm-qemu", "-kernel", "k.elf", "-s", "-S" };
	char *qemu_port[] = { "kvm-vmm-qemu", "-S", "-gdb", "tcp::4444", "-kernel", "k.elf" };

	CHECK_EQ(cli_parse(3, wait, &o), 0);
	CHECK(o.gdb.enabled && o.gdb.wait && o.gdb.port == GDB_DEFAULT_PORT);
	CHECK_EQ(cli_parse(5, both, &o), 0);
	CHECK(o.gdb.wait && o.gdb.port == 4000 && strcmp(o.gdb.host, "0.0.0.0") == 0 &&
	      o.gdb.arch == GDB_ARCH_I386 && o.gdb.guest == 0);
	CHECK_EQ(cli_parse(5, guest2, &o), 0);
	CHECK(o.gdb.guest == 1 && !o.gdb.wait);
	CHECK_EQ(qemu_cli_parse(5, qemu, &o), 0);
	CHECK(o.gdb.enabled && o.gdb.wait && o.gdb.port == 1234);
	CHECK_EQ(qemu_cli_parse(6, qemu_port, &o), 0);
	CHECK(o.gdb.enabled && o.gdb.wait && o.gdb.port == 4444);
}
