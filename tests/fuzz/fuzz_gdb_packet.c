/* Fuzz target: the gdb stub's protocol layer (src/gdb/packet.c,
 * command.c, regs.c, spec.c) on bytes a stranger on the socket could send:
 * random and cut packets, bad checksums, escapes and run-length repeats,
 * over-long lengths and numbers. Promises checked, beyond ASan/UBSan:
 * a packet never exceeds GDB_PACKET_MAX and is NUL-terminated; a parsed
 * command's data, actions and annex stay within their arrays, and a write
 * carries exactly the length it names; a reply framed by gdb_frame reads
 * back through the framer as the same payload; a register write (G or P)
 * of any bytes either fails or leaves a state whose g packet has the
 * layout's size; --gdb's parser takes or refuses any text.
 *
 * Input: a byte of flags (bit 0: also try the payloads as register data,
 * bit 1: also parse the input as a --gdb argument), then the bytes fed
 * to the framer as if read from the socket. */
#include <stdint.h>
#include <string.h>

#include "../../src/gdb/command.h"
#include "../../src/gdb/packet.h"
#include "../../src/gdb/regs.h"
#include "../../src/gdb/spec.h"
#include "support.h"

static struct gdb_framer framer;
static struct gdb_command cmd;
static struct gdb_reply reply;
static struct gdb_framer echo;
static char frame[GDB_FRAME_MAX];

static void check_command(const struct gdb_command *c)
{
	FUZZ_CHECK(c->data_len <= GDB_DATA_MAX);
	FUZZ_CHECK(c->nactions >= 0 && c->nactions <= GDB_MAX_VCONT);
	FUZZ_CHECK(memchr(c->annex, '\0', sizeof(c->annex)) != NULL);
	if (c->cmd == GDB_CMD_WRITE_MEM)
		FUZZ_CHECK(c->data_len == c->length);
	if (c->cmd == GDB_CMD_RESUME)
		FUZZ_CHECK(c->nactions > 0);
	if (c->cmd == GDB_CMD_INSERT_BP || c->cmd == GDB_CMD_REMOVE_BP)
		FUZZ_CHECK(c->type <= 4);
}

/* What gdb_frame sends, the framer reads back unchanged. */
static void check_round_trip(const char *payload, size_t len)
{
	size_t n = gdb_frame(payload, len, false, frame);
	enum gdb_frame_event last = GDB_FRAME_NONE;

	gdb_framer_init(&echo);
	for (size_t i = 0; i < n; i++) {
		enum gdb_frame_event e = gdb_framer_feed(&echo, (uint8_t)frame[i]);

		if (e != GDB_FRAME_NONE)
			last = e;
	}
	FUZZ_CHECK(last == GDB_FRAME_PACKET);
	FUZZ_CHECK(echo.len == len && memcmp(echo.buf, payload, len) == 0);
}

static void check_registers(const struct gdb_command *c)
{
	for (int l = GDB_LAYOUT_I8086; l <= GDB_LAYOUT_X86_64; l++) {
		struct gdb_cpu_state st;
		unsigned changed;

		memset(&st, 0, sizeof(st));
		st.fpu_valid = c->data_len & 1;
		gdb_regs_write(l, &st, c->data, c->data_len, &changed);
		gdb_reg_write(l, (int)c->regnum, &st, c->data, c->data_len, &changed);
		gdb_reply_clear(&reply);
		gdb_regs_reply(&reply, l, &st);
		FUZZ_CHECK(!reply.overflow && reply.len == 2 * gdb_regs_size(l));
	}
}

static void check_spec(const uint8_t *data, size_t size)
{
	char text[256];
	struct gdb_spec spec;
	const char *why = NULL;
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;

	memcpy(text, data, n);
	text[n] = '\0';
	if (gdb_spec_parse(text, &spec, &why) == 0) {
		FUZZ_CHECK(spec.enabled && spec.guest >= 0 && spec.guest < 64);
		FUZZ_CHECK(memchr(spec.host, '\0', sizeof(spec.host)) != NULL);
	} else {
		FUZZ_CHECK(why != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t flags = size ? data[0] : 0;

	if (size)
		data++, size--;
	if (flags & 2)
		check_spec(data, size);
	gdb_framer_init(&framer);
	for (size_t i = 0; i < size; i++) {
		enum gdb_frame_event e = gdb_framer_feed(&framer, data[i]);

		FUZZ_CHECK(framer.len <= GDB_PACKET_MAX);
		if (e != GDB_FRAME_PACKET && e != GDB_FRAME_TOO_LONG)
			continue;
		FUZZ_CHECK(framer.buf[framer.len] == '\0');
		FUZZ_CHECK(e == GDB_FRAME_PACKET || framer.overflow);
		gdb_parse_command(framer.buf, framer.len, &cmd);
		check_command(&cmd);
		check_round_trip(framer.buf, framer.len);
		if (flags & 1)
			check_registers(&cmd);
	}
	return 0;
}
