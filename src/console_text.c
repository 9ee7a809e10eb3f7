/* The console's pure parts, unit-tested without a terminal: the Ctrl-A
 * escape state machine, the timestamp prefix of Ctrl-A T, and the line
 * assembler that keeps several guests' output in whole lines. */
#include <stdio.h>
#include <string.h>

#include "console.h"
#include "stats.h"

/* --- the escape state machine --- */

const char console_help_text[] =
	"kvm-vmm console escapes (QEMU's -serial mon:stdio keys):\n"
	"  Ctrl-A X       quit: stop every guest (status 0)\n"
	"  Ctrl-A H       this help (also Ctrl-A ?)\n"
	"  Ctrl-A S       statistics so far, as --stats prints them; the guests go on\n"
	"  Ctrl-A T       timestamps on output lines on/off ([HH:MM:SS.mmm] since on)\n"
	"  Ctrl-A Ctrl-A  send one Ctrl-A to the guest\n";

static enum console_action escape_key(struct console_escapes *e, uint8_t b)
{
	switch (b) {
	case 'x': case 'X':
		return CONSOLE_ACT_QUIT;
	case 'h': case 'H': case '?':
		return CONSOLE_ACT_HELP;
	case 's': case 'S':
		return CONSOLE_ACT_STATS;
	case 't': case 'T':
		return CONSOLE_ACT_TIMESTAMPS;
	default:
		e->key = b;
		return CONSOLE_ACT_UNKNOWN;
	}
}

enum console_action console_escape_feed(struct console_escapes *e, uint8_t b,
					bool *keep)
{
	*keep = false;
	if (!e->pending) {
		if (b == CONSOLE_ESCAPE_CHAR)
			e->pending = true;
		else
			*keep = true;
		return CONSOLE_ACT_NONE;
	}
	e->pending = false;
	if (b == CONSOLE_ESCAPE_CHAR) {
		*keep = true; /* Ctrl-A Ctrl-A: one literal Ctrl-A */
		return CONSOLE_ACT_NONE;
	}
	return escape_key(e, b);
}

size_t console_escape_filter(struct console_escapes *e, uint8_t *buf,
			     size_t len, console_act_fn *act, void *opaque)
{
	size_t kept = 0;

	for (size_t i = 0; i < len; i++) {
		bool keep;
		enum console_action a = console_escape_feed(e, buf[i], &keep);

		if (keep)
			buf[kept++] = buf[i];
		if (a != CONSOLE_ACT_NONE && act)
			act(opaque, a, e);
		if (a == CONSOLE_ACT_QUIT)
			break;
	}
	return kept;
}

/* --- timestamps --- */

/* 0: off. Written by whichever thread sees Ctrl-A T, read by every
 * guest's output: an atomic word, no lock. */
static uint64_t timestamps_since;

size_t console_format_timestamp(char *dst, size_t size, uint64_t elapsed_ns)
{
	uint64_t ms = elapsed_ns / 1000000u, secs = ms / 1000;
	int n = snprintf(dst, size, "[%02u:%02u:%02u.%03u] ", (unsigned)(secs / 3600),
			 (unsigned)(secs / 60 % 60), (unsigned)(secs % 60),
			 (unsigned)(ms % 1000));

	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

bool console_timestamps_toggle(uint64_t now_ns)
{
	uint64_t on = now_ns ? now_ns : 1;
	uint64_t was = __atomic_load_n(&timestamps_since, __ATOMIC_SEQ_CST);

	__atomic_store_n(&timestamps_since, was ? 0 : on, __ATOMIC_SEQ_CST);
	return !was;
}

uint64_t console_timestamps_since(void)
{
	return __atomic_load_n(&timestamps_since, __ATOMIC_RELAXED);
}

/* The prefix for a line starting now: "" when timestamps are off. */
void console_current_stamp(char stamp[32])
{
	uint64_t since = console_timestamps_since();

	stamp[0] = '\0';
	if (since) {
		uint64_t now = now_ns();

		console_format_timestamp(stamp, 32, now > since ? now - since : 0);
	}
}

/* --- the line assembler --- */

size_t console_line_add(struct console_line *l, const char *p, size_t n,
			uint64_t now_ns, bool *complete)
{
	size_t room = sizeof(l->text) - l->len, take = 0;

	*complete = false;
	if (l->len == 0 && n > 0)
		l->started_ns = now_ns;
	while (take < n && take < room) {
		char c = p[take++];

		l->text[l->len++] = c;
		if (c == '\n')
			break;
	}
	*complete = l->len == sizeof(l->text) || (take > 0 && p[take - 1] == '\n');
	return take;
}

bool console_line_stale(const struct console_line *l, uint64_t now_ns,
			uint64_t delay_ns)
{
	return l->len > 0 && now_ns - l->started_ns >= delay_ns;
}

size_t console_format_line(char *dst, const char *stamp, const char *tag,
			   const char *text, size_t len, bool newline)
{
	size_t n = strlen(stamp);

	if (n > 64)
		n = 64;
	memcpy(dst, stamp, n);
	if (tag) {
		size_t tag_len = strlen(tag);

		if (tag_len > 180)
			tag_len = 180;
		dst[n++] = '[';
		memcpy(dst + n, tag, tag_len);
		n += tag_len;
		dst[n++] = ']';
		dst[n++] = ' ';
	}
	if (len > sizeof(((struct console_line *)0)->text))
		len = sizeof(((struct console_line *)0)->text);
	memcpy(dst + n, text, len);
	n += len;
	if (newline && (len == 0 || text[len - 1] != '\n'))
		dst[n++] = '\n';
	return n;
}

