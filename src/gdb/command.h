/* A GDB remote packet's payload, parsed into one struct before the stub
 * acts on it: every number, length and hex string is checked here, so the
 * code that touches vCPUs and guest memory sees only bounded, well-formed
 * requests. Pure, unit-tested (tests/unit/test_gdb_packet.c) and fuzzed
 * (tests/fuzz/fuzz_gdb_packet.c). The formats are those of the GDB manual,
 * appendix "Remote Serial Protocol". */
#ifndef MINIKVM_GDB_COMMAND_H
#define MINIKVM_GDB_COMMAND_H

#include <stddef.h>
#include <stdint.h>

#include "packet.h"

/* The most bytes one m reply carries (gdb asks again for the rest). */
#define GDB_MEM_MAX 2048
/* Decoded data of M, X, G, P and qRcmd. */
#define GDB_DATA_MAX GDB_PACKET_MAX
#define GDB_MAX_VCONT 16
#define GDB_ANNEX_MAX 32

enum gdb_cmd {
	GDB_CMD_UNSUPPORTED,  /* answered with an empty reply */
	GDB_CMD_MALFORMED,    /* answered with GDB_E_MALFORMED */
	GDB_CMD_HALT_REASON,  /* ? */
	GDB_CMD_READ_REGS,    /* g */
	GDB_CMD_WRITE_REGS,   /* G data */
	GDB_CMD_READ_REG,     /* p n */
	GDB_CMD_WRITE_REG,    /* P n=data */
	GDB_CMD_READ_MEM,     /* m addr,length */
	GDB_CMD_WRITE_MEM,    /* M addr,length:hex and X addr,length:binary */
	GDB_CMD_INSERT_BP,    /* Z type,addr,kind */
	GDB_CMD_REMOVE_BP,    /* z type,addr,kind */
	GDB_CMD_RESUME,	      /* c, C, s, S, vCont;... : actions[] */
	GDB_CMD_VCONT_QUERY,  /* vCont? */
	GDB_CMD_SET_THREAD,   /* H op thread */
	GDB_CMD_THREAD_ALIVE, /* T thread */
	GDB_CMD_KILL,	      /* k, vKill */
	GDB_CMD_DETACH,	      /* D */
	GDB_CMD_SUPPORTED,    /* qSupported */
	GDB_CMD_NO_ACK_MODE,  /* QStartNoAckMode */
	GDB_CMD_XFER_FEATURES, /* qXfer:features:read:annex:offset,length */
	GDB_CMD_CURRENT_THREAD, /* qC */
	GDB_CMD_THREAD_INFO_FIRST, /* qfThreadInfo */
	GDB_CMD_THREAD_INFO_NEXT,  /* qsThreadInfo */
	GDB_CMD_THREAD_EXTRA,	   /* qThreadExtraInfo,thread */
	GDB_CMD_ATTACHED,	   /* qAttached */
	GDB_CMD_SYMBOL,		   /* qSymbol:: */
	GDB_CMD_MONITOR,	   /* qRcmd,hex: the text in data */
};

/* Thread ids as gdb writes them: -1 all, 0 any, else vCPU index + 1. */
#define GDB_THREAD_ALL (-1)
#define GDB_THREAD_ANY 0

struct gdb_action {
	char what;	/* 'c' continue, 's' step */
	int64_t thread; /* GDB_THREAD_ALL: every thread without its own action */
};

struct gdb_command {
	enum gdb_cmd cmd;
	uint64_t addr;	 /* m, M, X, Z, z; a resume address (has_addr) */
	uint64_t length; /* m, M, X, qXfer's length */
	uint64_t offset; /* qXfer */
	unsigned type;	 /* Z/z: 0 software, 1 hardware, 2 write, 3 read, 4 access */
	unsigned kind;	 /* Z/z: the length gdb gives */
	unsigned regnum; /* p, P */
	char thread_op;	 /* H: 'g' or 'c' */
	int64_t thread;	 /* H, T, qThreadExtraInfo */
	int has_addr;	 /* c addr, s addr */
	int nactions;
	struct gdb_action actions[GDB_MAX_VCONT];
	char annex[GDB_ANNEX_MAX]; /* qXfer's annex, NUL-terminated */
	size_t data_len;
	uint8_t data[GDB_DATA_MAX + 1]; /* qRcmd: NUL-terminated too */
};

/* Parses payload[0, len) (no framing; may hold NUL bytes). Never fails:
 * anything it does not take is GDB_CMD_UNSUPPORTED or GDB_CMD_MALFORMED. */
void gdb_parse_command(const char *payload, size_t len, struct gdb_command *c);

#endif
