/* Fuzz target: the console's pure decoders (console_text.c), fed host
 * bytes in chunks as the input thread reads them. Two models from
 * console.h and README.md's escape table:
 *  - the Ctrl-A escapes: other bytes pass unchanged; Ctrl-A then X
 *    quits (dropping the rest of that read), H or ? help, S statistics,
 *    T timestamps, Ctrl-A a literal Ctrl-A, any other key is named and
 *    dropped; an escape split across two reads still counts;
 *  - the line assembler: a line takes bytes up to and including its first
 *    newline or until its 1024 bytes are full, and is then complete; the
 *    formatted line is the stamp, "[tag] ", the text and a newline only if
 *    the text lacks one, within CONSOLE_LINE_MAX;
 * and the timestamp prefix "[HH:MM:SS.mmm] " for any time.
 *
 * Input: u8 mode (even: escapes, odd: lines), then chunks (u8 size,
 * bytes); in line mode a tag and a stamp string and a u64 time first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/console.h"
#include "support.h"

#define MAX_ACTIONS 4096
#define LINE_TEXT sizeof(((struct console_line *)0)->text)

struct action_log {
	enum console_action acts[MAX_ACTIONS];
	uint8_t keys[MAX_ACTIONS];
	size_t n;
};

static void record(void *opaque, enum console_action a, const struct console_escapes *e)
{
	struct action_log *log = opaque;

	if (log->n < MAX_ACTIONS) {
		log->keys[log->n] = e->key;
		log->acts[log->n++] = a;
	}
}

static bool one_of(uint8_t b, const char *keys)
{
	return memchr(keys, b, strlen(keys)) != NULL;
}

static enum console_action key_action(uint8_t b)
{
	if (one_of(b, "xX"))
		return CONSOLE_ACT_QUIT;
	if (one_of(b, "hH?"))
		return CONSOLE_ACT_HELP;
	if (one_of(b, "sS"))
		return CONSOLE_ACT_STATS;
	if (one_of(b, "tT"))
		return CONSOLE_ACT_TIMESTAMPS;
	return CONSOLE_ACT_UNKNOWN;
}

/* The model's filter of one read: kept bytes into out, actions logged. */
static size_t model_filter(bool *pending, const uint8_t *in, size_t n, uint8_t *out,
			   struct action_log *log)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		bool was_pending = *pending;

		*pending = !was_pending && in[i] == CONSOLE_ESCAPE_CHAR;
		if (!was_pending && !*pending)
			out[kept++] = in[i];
		else if (was_pending && in[i] == CONSOLE_ESCAPE_CHAR)
			out[kept++] = in[i]; /* Ctrl-A Ctrl-A */
		else if (was_pending) {
			enum console_action a = key_action(in[i]);

			record(log, a, &(struct console_escapes){ .key = in[i] });
			if (a == CONSOLE_ACT_QUIT)
				break;
		}
	}
	return kept;
}

static void fuzz_escapes(struct fuzz_in *in)
{
	static struct action_log got, want;
	struct console_escapes e = { 0 };
	bool pending = false;

	got.n = want.n = 0;
	while (in->n > 0) {
		uint8_t buf[256], expect[256];
		size_t len;
		const uint8_t *p = fuzz_bytes(in, fuzz_u8(in), &len);

		memcpy(buf, p, len);
		size_t kept = console_escape_filter(&e, buf, len, record, &got);
		size_t model = model_filter(&pending, p, len, expect, &want);

		FUZZ_CHECK(kept == model && memcmp(buf, expect, kept) == 0);
		FUZZ_CHECK(e.pending == pending);
	}
	FUZZ_CHECK(got.n == want.n);
	for (size_t i = 0; i < got.n; i++) {
		FUZZ_CHECK(got.acts[i] == want.acts[i]);
		FUZZ_CHECK(got.acts[i] != CONSOLE_ACT_UNKNOWN || got.keys[i] == want.keys[i]);
	}
}

/* "[HH:MM:SS.mmm] " of ns, hours not wrapped. */
static void check_timestamp(uint64_t ns)
{
	char got[32], want[64];
	uint64_t ms = ns / 1000000, s = ms / 1000;
	size_t n = console_format_timestamp(got, sizeof(got), ns);

	snprintf(want, sizeof(want), "[%02u:%02u:%02u.%03u] ", (unsigned)(s / 3600),
		 (unsigned)(s / 60 % 60), (unsigned)(s % 60), (unsigned)(ms % 1000));
	FUZZ_CHECK(n == strlen(got) && n < sizeof(got));
	FUZZ_CHECK(strncmp(got, want, n) == 0);
}

static void check_format(const struct console_line *l, const char *stamp, const char *tag)
{
	static char out[CONSOLE_LINE_MAX + 1];
	size_t stamp_len = strlen(stamp) < 64 ? strlen(stamp) : 64;
	size_t tag_len = strlen(tag) < 180 ? strlen(tag) : 180, at = stamp_len;
	bool ends = l->len && l->text[l->len - 1] == '\n';
	size_t n = console_format_line(out, stamp, tag[0] ? tag : NULL, l->text, l->len, true);

	FUZZ_CHECK(n <= CONSOLE_LINE_MAX && memcmp(out, stamp, stamp_len) == 0);
	if (tag[0]) {
		FUZZ_CHECK(out[at] == '[' && memcmp(out + at + 1, tag, tag_len) == 0);
		at += tag_len + 1;
		FUZZ_CHECK(out[at] == ']' && out[at + 1] == ' ');
		at += 2;
	}
	FUZZ_CHECK(memcmp(out + at, l->text, l->len) == 0);
	FUZZ_CHECK(n == at + l->len + !ends && (ends || out[n - 1] == '\n'));
}

/* One read's bytes at time now, as the console hands them on: a line at
 * a time. *start: when the line being assembled began. */
static void add_chunk(struct console_line *l, const uint8_t *p, size_t len, uint64_t now,
		      uint64_t *start, const char *stamp, const char *tag)
{
	while (len > 0) {
		size_t before = l->len, want = 0;
		bool complete;
		size_t took = console_line_add(l, (const char *)p, len, now, &complete);

		while (want < len && before + want < LINE_TEXT && (want == 0 || p[want - 1] != '\n'))
			want++;
		if (before == 0)
			*start = now;
		FUZZ_CHECK(took == want && l->len == before + took);
		FUZZ_CHECK(memcmp(l->text + before, p, took) == 0 && l->started_ns == *start);
		FUZZ_CHECK(complete == (l->len == LINE_TEXT || p[took - 1] == '\n'));
		if (complete) {
			check_format(l, stamp, tag);
			l->len = 0;
		}
		p += took;
		len -= took;
	}
}

static void fuzz_lines(struct fuzz_in *in)
{
	static struct console_line line;
	char *tag = fuzz_string(in, 255, false), *stamp = fuzz_string(in, 100, false);
	uint64_t now = fuzz_u64(in), start = 0;

	memset(&line, 0, sizeof(line));
	if (tag && stamp) {
		check_timestamp(now);
		for (uint64_t read = 0; in->n > 0; read++) {
			size_t len;
			const uint8_t *p = fuzz_bytes(in, fuzz_u8(in) * 8u, &len);

			add_chunk(&line, p, len, now + read, &start, stamp, tag);
		}
	}
	free(tag);
	free(stamp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };

	if (fuzz_u8(&in) & 1)
		fuzz_lines(&in);
	else
		fuzz_escapes(&in);
	return 0;
}
