/* Framing of the GDB remote protocol ("$payload#checksum", acks, Ctrl-C)
 * and the hex codecs every command uses. Pure: no socket, no KVM, so the
 * unit tests and tests/fuzz/fuzz_gdb_packet.c reach every branch. A packet
 * never writes past its buffer: bytes beyond GDB_PACKET_MAX are counted,
 * not stored, and the packet is answered with an error. */
#include "packet.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void gdb_framer_init(struct gdb_framer *f)
{
	f->state = GDB_IDLE;
	f->len = 0;
	f->sum = 0;
	f->overflow = false;
	f->buf[0] = '\0';
}

static void store(struct gdb_framer *f, uint8_t byte)
{
	if (f->len < GDB_PACKET_MAX)
		f->buf[f->len++] = (char)byte;
	else
		f->overflow = true;
}

/* "X*n": the byte before '*' again n - 29 times (n is printable, so
 * 0-97 repeats); the first byte of a packet has nothing to repeat. */
static void repeat_last(struct gdb_framer *f, uint8_t count)
{
	if (f->len == 0 || count < 29)
		return;
	for (int i = 0; i < count - 29; i++)
		store(f, (uint8_t)f->buf[f->len - 1]);
}

static enum gdb_frame_event idle_byte(struct gdb_framer *f, uint8_t byte)
{
	switch (byte) {
	case '$':
		gdb_framer_init(f);
		f->state = GDB_DATA;
		return GDB_FRAME_NONE;
	case 0x03:
		return GDB_FRAME_INTERRUPT;
	case '+':
		return GDB_FRAME_ACK;
	case '-':
		return GDB_FRAME_NACK;
	default:
		return GDB_FRAME_NONE; /* noise between packets */
	}
}

static enum gdb_frame_event finish(struct gdb_framer *f)
{
	f->state = GDB_IDLE;
	f->buf[f->len] = '\0';
	if (f->sum != f->wanted)
		return GDB_FRAME_BAD_CHECKSUM;
	return f->overflow ? GDB_FRAME_TOO_LONG : GDB_FRAME_PACKET;
}

enum gdb_frame_event gdb_framer_feed(struct gdb_framer *f, uint8_t byte)
{
	int digit;

	switch (f->state) {
	case GDB_IDLE:
		return idle_byte(f, byte);
	case GDB_DATA:
		if (byte == '#') {
			f->state = GDB_SUM_HIGH;
		} else if (byte == '$') { /* a new packet: the old one was cut */
			gdb_framer_init(f);
			f->state = GDB_DATA;
		} else {
			f->sum = (uint8_t)(f->sum + byte);
			if (byte == '}')
				f->state = GDB_ESCAPE;
			else if (byte == '*')
				f->state = GDB_REPEAT;
			else
				store(f, byte);
		}
		return GDB_FRAME_NONE;
	case GDB_ESCAPE:
		f->sum = (uint8_t)(f->sum + byte);
		store(f, byte ^ 0x20);
		f->state = GDB_DATA;
		return GDB_FRAME_NONE;
	case GDB_REPEAT:
		f->sum = (uint8_t)(f->sum + byte);
		repeat_last(f, byte);
		f->state = GDB_DATA;
		return GDB_FRAME_NONE;
	case GDB_SUM_HIGH:
		digit = gdb_hex_digit((char)byte);
		f->wanted = (uint8_t)((digit < 0 ? 0 : digit) << 4);
		f->state = digit < 0 ? GDB_IDLE : GDB_SUM_LOW;
		return digit < 0 ? GDB_FRAME_BAD_CHECKSUM : GDB_FRAME_NONE;
	case GDB_SUM_LOW:
		digit = gdb_hex_digit((char)byte);
		if (digit < 0) {
			f->state = GDB_IDLE;
			return GDB_FRAME_BAD_CHECKSUM;
		}
		f->wanted |= (uint8_t)digit;
		return finish(f);
	}
	return GDB_FRAME_NONE;
}

void gdb_reply_clear(struct gdb_reply *r)
{
	r->len = 0;
	r->overflow = false;
	r->buf[0] = '\0';
}

static void append(struct gdb_reply *r, const void *data, size_t len)
{
	if (r->overflow || len > GDB_REPLY_MAX - r->len) {
		r->overflow = true;
		return;
	}
	memcpy(r->buf + r->len, data, len);
	r->len += len;
	r->buf[r->len] = '\0';
}

void gdb_reply_str(struct gdb_reply *r, const char *s)
{
	append(r, s, strlen(s));
}

void gdb_reply_printf(struct gdb_reply *r, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(text)) {
		r->overflow = true;
		return;
	}
	append(r, text, (size_t)n);
}

void gdb_reply_hex(struct gdb_reply *r, const void *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = data;

	if (r->overflow || len > (GDB_REPLY_MAX - r->len) / 2) {
		r->overflow = true;
		return;
	}
	for (size_t i = 0; i < len; i++) {
		r->buf[r->len++] = digits[p[i] >> 4];
		r->buf[r->len++] = digits[p[i] & 15];
	}
	r->buf[r->len] = '\0';
}

void gdb_reply_binary(struct gdb_reply *r, const void *data, size_t len)
{
	append(r, data, len);
}

size_t gdb_frame(const char *payload, size_t len, bool ack, char *out)
{
	size_t n = 0;
	uint8_t sum = 0;

	if (len > GDB_REPLY_MAX)
		len = GDB_REPLY_MAX;
	if (ack)
		out[n++] = '+';
	out[n++] = '$';
	for (size_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)payload[i];

		if (c == '#' || c == '$' || c == '}' || c == '*') {
			out[n++] = '}';
			sum = (uint8_t)(sum + '}');
			c ^= 0x20;
		}
		out[n++] = (char)c;
		sum = (uint8_t)(sum + c);
	}
	n += (size_t)snprintf(out + n, 4, "#%02x", sum);
	return n;
}

int gdb_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int gdb_parse_hex_u64(const char *s, size_t n, uint64_t *value)
{
	uint64_t v = 0;

	if (n == 0 || n > 16)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int d = gdb_hex_digit(s[i]);

		if (d < 0)
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	*value = v;
	return 0;
}

long gdb_hex_decode(const char *s, size_t n, uint8_t *out, size_t max)
{
	if (n % 2 || n / 2 > max)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = gdb_hex_digit(s[i]), lo = gdb_hex_digit(s[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(n / 2);
}
