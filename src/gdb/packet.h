/* The GDB remote serial protocol's framing, with no I/O and no KVM: bytes
 * from the client go in one at a time and come out as whole packets (the
 * checksum checked, escapes and run-length repeats undone, the length
 * bounded), and replies are framed into a caller's buffer. The stub
 * (stub.c) owns the socket; this file only decides what the bytes mean, so
 * the unit tests and the fuzzer drive it with anything at all. */
#ifndef MINIKVM_GDB_PACKET_H
#define MINIKVM_GDB_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest payload taken from gdb, after escapes are undone; what
 * qSupported advertises as PacketSize (in hex there: 0x1000). */
#define GDB_PACKET_MAX 4096
/* The longest reply payload the stub builds (a 64-bit g reply is 1200
 * hex digits, an m reply at most 2 * GDB_MEM_MAX). */
#define GDB_REPLY_MAX 8192
/* A framed reply: '+', '$', payload escaped (at worst doubled), '#', two
 * checksum digits. */
#define GDB_FRAME_MAX (2 * GDB_REPLY_MAX + 8)

/* Error replies, shown by gdb as "Remote failure reply: Exx" or as the
 * command's own failure (docs/gdb.md lists them). */
#define GDB_E_MALFORMED "E01"  /* the packet does not parse */
#define GDB_E_TOO_LONG "E02"   /* longer than GDB_PACKET_MAX, or asks too much */
#define GDB_E_MEMORY "E03"     /* an address not mapped to guest RAM */
#define GDB_E_NO_SLOT "E04"    /* all four debug registers are taken */
#define GDB_E_HOST "E05"       /* this host's KVM cannot do it */
#define GDB_E_STATE "E06"      /* not now: no such thread, guest ended, read-only */

enum gdb_frame_event {
	GDB_FRAME_NONE,	       /* byte taken; nothing complete yet */
	GDB_FRAME_PACKET,      /* a packet with a good checksum: framer.buf */
	GDB_FRAME_BAD_CHECKSUM, /* answer '-': gdb sends it again */
	GDB_FRAME_TOO_LONG,    /* good checksum, payload over the limit: an error */
	GDB_FRAME_INTERRUPT,   /* 0x03 outside a packet: Ctrl-C */
	GDB_FRAME_ACK,	       /* '+' */
	GDB_FRAME_NACK,	       /* '-': send the last reply again */
};

struct gdb_framer {
	enum { GDB_IDLE, GDB_DATA, GDB_ESCAPE, GDB_REPEAT, GDB_SUM_HIGH, GDB_SUM_LOW } state;
	uint8_t sum;	 /* of the raw bytes between '$' and '#' */
	uint8_t wanted;	 /* the checksum the packet gives */
	bool overflow;	 /* more than GDB_PACKET_MAX bytes came */
	size_t len;
	char buf[GDB_PACKET_MAX + 1]; /* the payload, NUL-terminated */
};

void gdb_framer_init(struct gdb_framer *f);
enum gdb_frame_event gdb_framer_feed(struct gdb_framer *f, uint8_t byte);

/* A reply being built: appends never run past GDB_REPLY_MAX; one that
 * would sets overflow, and the stub sends GDB_E_TOO_LONG instead. */
struct gdb_reply {
	size_t len;
	bool overflow;
	char buf[GDB_REPLY_MAX + 1];
};

void gdb_reply_clear(struct gdb_reply *r);
void gdb_reply_str(struct gdb_reply *r, const char *s);
void gdb_reply_printf(struct gdb_reply *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Two hex digits per byte. */
void gdb_reply_hex(struct gdb_reply *r, const void *data, size_t len);
/* Bytes as they are (qXfer's binary data): gdb_frame escapes them. */
void gdb_reply_binary(struct gdb_reply *r, const void *data, size_t len);

/* "$payload#cs" (after a '+' when ack is set) into out, which holds
 * GDB_FRAME_MAX bytes; returns the length. Payload bytes that framing
 * would misread ('#', '$', '}', '*') are escaped. */
size_t gdb_frame(const char *payload, size_t len, bool ack, char *out);

/* --- hex --- */
int gdb_hex_digit(char c); /* 0-15, or -1 */
/* The number in the first n characters of s (1 to 16 hex digits, nothing
 * else); 0, or -1. */
int gdb_parse_hex_u64(const char *s, size_t n, uint64_t *value);
/* n hex characters (n even) into n / 2 bytes at out (room for max);
 * returns the byte count, or -1. */
long gdb_hex_decode(const char *s, size_t n, uint8_t *out, size_t max);

#endif
