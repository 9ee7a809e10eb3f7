/* Parsing of GDB remote packets into struct gdb_command (command.h): a
 * cursor over the payload that never reads past its length, and one short
 * parser per packet letter. Whatever is not understood is "unsupported"
 * (an empty reply, which gdb takes as "not implemented here"), and
 * whatever is understood but wrong is "malformed" (an error reply). */
#include "command.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct cursor {
	const char *p;
	size_t n;
};

static bool at_end(const struct cursor *c)
{
	return c->n == 0;
}

static bool take_char(struct cursor *c, char ch)
{
	if (c->n == 0 || *c->p != ch)
		return false;
	c->p++;
	c->n--;
	return true;
}

static bool take_prefix(struct cursor *c, const char *prefix)
{
	size_t len = strlen(prefix);

	if (c->n < len || memcmp(c->p, prefix, len) != 0)
		return false;
	c->p += len;
	c->n -= len;
	return true;
}

/* A hex number up to the next character that is not a hex digit. */
static bool take_hex(struct cursor *c, uint64_t *value)
{
	size_t len = 0;

	while (len < c->n && gdb_hex_digit(c->p[len]) >= 0)
		len++;
	if (gdb_parse_hex_u64(c->p, len, value) < 0)
		return false;
	c->p += len;
	c->n -= len;
	return true;
}

/* "-1", or a hex thread id; "pPID.TID" (multiprocess form) gives TID. */
static bool take_thread(struct cursor *c, int64_t *thread)
{
	uint64_t v;

	if (take_prefix(c, "-1")) {
		*thread = GDB_THREAD_ALL;
		return true;
	}
	if (take_char(c, 'p')) {
		if (!take_hex(c, &v))
			return false;
		if (!take_char(c, '.')) {
			*thread = GDB_THREAD_ALL;
			return true;
		}
		if (take_prefix(c, "-1")) {
			*thread = GDB_THREAD_ALL;
			return true;
		}
	}
	if (!take_hex(c, &v) || v > INT32_MAX)
		return false;
	*thread = (int64_t)v;
	return true;
}

/* "addr,length" as m, M, X and qXfer's offset,length give them. */
static bool take_range(struct cursor *c, uint64_t *addr, uint64_t *length)
{
	return take_hex(c, addr) && take_char(c, ',') && take_hex(c, length);
}

static void set_data_hex(struct gdb_command *cmd, struct cursor *c, size_t max)
{
	long n = gdb_hex_decode(c->p, c->n, cmd->data, max);

	if (n < 0) {
		cmd->cmd = GDB_CMD_MALFORMED; /* odd length, not hex, or too long */
		return;
	}
	cmd->data_len = (size_t)n;
	cmd->data[n] = '\0';
}

static void parse_mem(struct gdb_command *cmd, struct cursor *c, char letter)
{
	if (!take_range(c, &cmd->addr, &cmd->length)) {
		cmd->cmd = GDB_CMD_MALFORMED;
		return;
	}
	if (letter == 'm') {
		cmd->cmd = at_end(c) ? GDB_CMD_READ_MEM : GDB_CMD_MALFORMED;
		return;
	}
	cmd->cmd = GDB_CMD_WRITE_MEM;
	if (!take_char(c, ':') || cmd->length > GDB_DATA_MAX) {
		cmd->cmd = GDB_CMD_MALFORMED;
		return;
	}
	if (letter == 'M') {
		set_data_hex(cmd, c, GDB_DATA_MAX);
	} else {
		memcpy(cmd->data, c->p, c->n); /* c->n < GDB_PACKET_MAX */
		cmd->data_len = c->n;
	}
	if (cmd->cmd == GDB_CMD_WRITE_MEM && cmd->data_len != cmd->length)
		cmd->cmd = GDB_CMD_MALFORMED;
}

/* Z type,addr,kind[;cond...]: conditions are gdb's business, ignored. */
static void parse_breakpoint(struct gdb_command *cmd, struct cursor *c, bool insert)
{
	uint64_t type, kind;

	if (!take_hex(c, &type) || type > 4 || !take_char(c, ',') ||
	    !take_hex(c, &cmd->addr) || !take_char(c, ',') || !take_hex(c, &kind) ||
	    kind > 16 || (!at_end(c) && !take_char(c, ';'))) {
		cmd->cmd = GDB_CMD_MALFORMED;
		return;
	}
	cmd->cmd = insert ? GDB_CMD_INSERT_BP : GDB_CMD_REMOVE_BP;
	cmd->type = (unsigned)type;
	cmd->kind = (unsigned)kind;
}

static void parse_register(struct gdb_command *cmd, struct cursor *c, bool write)
{
	uint64_t n;

	if (!take_hex(c, &n) || n > 1024) {
		cmd->cmd = GDB_CMD_MALFORMED;
		return;
	}
	cmd->regnum = (unsigned)n;
	if (!write) {
		cmd->cmd = at_end(c) ? GDB_CMD_READ_REG : GDB_CMD_MALFORMED;
		return;
	}
	cmd->cmd = GDB_CMD_WRITE_REG;
	if (!take_char(c, '=') || at_end(c)) {
		cmd->cmd = GDB_CMD_MALFORMED;
		return;
	}
	set_data_hex(cmd, c, 64);
}

static void add_action(struct gdb_command *cmd, char what, int64_t thread)
{
	cmd->actions[cmd->nactions].what = what;
	cmd->actions[cmd->nactions].thread = thread;
	cmd->nactions++;
}

/* c [addr], s [addr], C sig[;addr], S sig[;addr]: one action, every
 * thread for c (the thread of Hc for s: the stub decides). A signal is
 * parsed and dropped: a vCPU has none to deliver. */
static void parse_legacy_resume(struct gdb_command *cmd, struct cursor *c, char letter)
{
	uint64_t sig;
	bool with_signal = letter == 'C' || letter == 'S';

	cmd->cmd = GDB_CMD_MALFORMED;
	if (with_signal && (!take_hex(c, &sig) || sig > 255))
		return;
	if (with_signal && !at_end(c) && !take_char(c, ';'))
		return;
	if (!at_end(c)) {
		if (!take_hex(c, &cmd->addr) || !at_end(c))
			return;
		cmd->has_addr = 1;
	}
	cmd->cmd = GDB_CMD_RESUME;
	add_action(cmd, (letter == 'c' || letter == 'C') ? 'c' : 's', GDB_THREAD_ALL);
}

/* vCont;action[:thread];...: c, C sig, s, S sig; others unsupported. */
static void parse_vcont(struct gdb_command *cmd, struct cursor *c)
{
	cmd->cmd = GDB_CMD_MALFORMED;
	while (take_char(c, ';')) {
		char what;
		uint64_t sig;
		int64_t thread = GDB_THREAD_ALL;

		if (at_end(c) || cmd->nactions == GDB_MAX_VCONT)
			return;
		what = *c->p;
		c->p++;
		c->n--;
		if (what == 'C' || what == 'S') {
			if (!take_hex(c, &sig) || sig > 255)
				return;
			what = what == 'C' ? 'c' : 's';
		} else if (what != 'c' && what != 's') {
			cmd->cmd = GDB_CMD_UNSUPPORTED;
			return;
		}
		if (take_char(c, ':') && !take_thread(c, &thread))
			return;
		add_action(cmd, what, thread);
	}
	if (at_end(c) && cmd->nactions > 0)
		cmd->cmd = GDB_CMD_RESUME;
}

static void parse_v(struct gdb_command *cmd, struct cursor *c)
{
	if (take_prefix(c, "vCont?"))
		cmd->cmd = at_end(c) ? GDB_CMD_VCONT_QUERY : GDB_CMD_MALFORMED;
	else if (take_prefix(c, "vCont"))
		parse_vcont(cmd, c);
	else if (take_prefix(c, "vKill"))
		cmd->cmd = GDB_CMD_KILL;
}

/* qXfer:features:read:ANNEX:offset,length */
static void parse_xfer(struct gdb_command *cmd, struct cursor *c)
{
	size_t len = 0;

	if (!take_prefix(c, "features:read:"))
		return; /* other objects: unsupported */
	cmd->cmd = GDB_CMD_MALFORMED;
	while (len < c->n && c->p[len] != ':')
		len++;
	if (len == 0 || len >= GDB_ANNEX_MAX || len == c->n)
		return;
	memcpy(cmd->annex, c->p, len);
	cmd->annex[len] = '\0';
	c->p += len + 1;
	c->n -= len + 1;
	if (take_range(c, &cmd->offset, &cmd->length) && at_end(c))
		cmd->cmd = GDB_CMD_XFER_FEATURES;
}

static bool word_is(struct cursor *c, const char *word)
{
	return c->n == strlen(word) && memcmp(c->p, word, c->n) == 0;
}

static void parse_query(struct gdb_command *cmd, struct cursor *c)
{
	if (take_prefix(c, "qSupported"))
		cmd->cmd = GDB_CMD_SUPPORTED; /* gdb's features: none needed */
	else if (take_prefix(c, "qXfer:"))
		parse_xfer(cmd, c);
	else if (word_is(c, "qC"))
		cmd->cmd = GDB_CMD_CURRENT_THREAD;
	else if (word_is(c, "qfThreadInfo"))
		cmd->cmd = GDB_CMD_THREAD_INFO_FIRST;
	else if (word_is(c, "qsThreadInfo"))
		cmd->cmd = GDB_CMD_THREAD_INFO_NEXT;
	else if (take_prefix(c, "qAttached"))
		cmd->cmd = GDB_CMD_ATTACHED;
	else if (word_is(c, "qSymbol::"))
		cmd->cmd = GDB_CMD_SYMBOL;
	else if (take_prefix(c, "qThreadExtraInfo,"))
		cmd->cmd = take_thread(c, &cmd->thread) && at_end(c) ? GDB_CMD_THREAD_EXTRA
								     : GDB_CMD_MALFORMED;
	else if (take_prefix(c, "qRcmd,")) {
		cmd->cmd = GDB_CMD_MONITOR;
		set_data_hex(cmd, c, GDB_DATA_MAX);
	}
}

static void parse_set_thread(struct gdb_command *cmd, struct cursor *c)
{
	cmd->cmd = GDB_CMD_MALFORMED;
	if (at_end(c) || (*c->p != 'g' && *c->p != 'c'))
		return;
	cmd->thread_op = *c->p;
	c->p++;
	c->n--;
	if (take_thread(c, &cmd->thread) && at_end(c))
		cmd->cmd = GDB_CMD_SET_THREAD;
}

static void parse_simple(struct gdb_command *cmd, struct cursor *c, char letter)
{
	switch (letter) {
	case '?':
		cmd->cmd = at_end(c) ? GDB_CMD_HALT_REASON : GDB_CMD_MALFORMED;
		break;
	case 'g':
		cmd->cmd = at_end(c) ? GDB_CMD_READ_REGS : GDB_CMD_MALFORMED;
		break;
	case 'G':
		cmd->cmd = GDB_CMD_WRITE_REGS;
		set_data_hex(cmd, c, GDB_DATA_MAX);
		break;
	case 'k':
		cmd->cmd = GDB_CMD_KILL;
		break;
	case 'D': /* "D" or "D;pid" */
		cmd->cmd = GDB_CMD_DETACH;
		break;
	case 'T':
		cmd->cmd = take_thread(c, &cmd->thread) && at_end(c) ? GDB_CMD_THREAD_ALIVE
								     : GDB_CMD_MALFORMED;
		break;
	case 'H':
		parse_set_thread(cmd, c);
		break;
	}
}

void gdb_parse_command(const char *payload, size_t len, struct gdb_command *cmd)
{
	struct cursor c = { payload, len };
	char letter;

	memset(cmd, 0, offsetof(struct gdb_command, data));
	cmd->data_len = 0;
	cmd->data[0] = '\0';
	cmd->cmd = GDB_CMD_UNSUPPORTED;
	if (len == 0)
		return;
	letter = payload[0];
	if (letter == 'q' || letter == 'Q' || letter == 'v') {
		if (word_is(&c, "QStartNoAckMode"))
			cmd->cmd = GDB_CMD_NO_ACK_MODE;
		else if (letter == 'q')
			parse_query(cmd, &c);
		else if (letter == 'v')
			parse_v(cmd, &c);
		return;
	}
	c.p++;
	c.n--;
	switch (letter) {
	case 'm':
	case 'M':
	case 'X':
		parse_mem(cmd, &c, letter);
		break;
	case 'Z':
	case 'z':
		parse_breakpoint(cmd, &c, letter == 'Z');
		break;
	case 'p':
	case 'P':
		parse_register(cmd, &c, letter == 'P');
		break;
	case 'c':
	case 'C':
	case 's':
	case 'S':
		parse_legacy_resume(cmd, &c, letter);
		break;
	default:
		parse_simple(cmd, &c, letter);
		break;
	}
}
