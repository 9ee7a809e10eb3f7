/* The host side of a guest's console: where its output goes and where its
 * input comes from. Devices (UART, hypercalls) write and read through these,
 * never through stdio, so output is never held in a buffer a fault could lose.
 * At a terminal it is also QEMU's -serial mon:stdio line: Ctrl-A escapes on
 * input, optional timestamps on output. The escape state machine, the line
 * assembler and the prefixes are pure functions, so unit tests drive them. */
#ifndef MINIKVM_CONSOLE_H
#define MINIKVM_CONSOLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- the escape state machine (Ctrl-A, then a key), as in QEMU --- */
#define CONSOLE_ESCAPE_CHAR 0x01 /* Ctrl-A */

enum console_action {
	CONSOLE_ACT_NONE,
	CONSOLE_ACT_QUIT,	/* Ctrl-A X */
	CONSOLE_ACT_HELP,	/* Ctrl-A H (or ?) */
	CONSOLE_ACT_STATS,	/* Ctrl-A S */
	CONSOLE_ACT_TIMESTAMPS, /* Ctrl-A T */
	CONSOLE_ACT_UNKNOWN,	/* Ctrl-A and any other key: dropped, hinted */
};

struct console_escapes {
	bool pending; /* the last byte was a Ctrl-A */
	uint8_t key;  /* the key of the last CONSOLE_ACT_UNKNOWN */
};

/* Feeds one byte; returns the action it completes. *keep tells whether the
 * byte goes on to the guest (Ctrl-A Ctrl-A keeps its second Ctrl-A). */
enum console_action console_escape_feed(struct console_escapes *e, uint8_t b,
					bool *keep);
typedef void console_act_fn(void *opaque, enum console_action a,
			    const struct console_escapes *e);
/* Filters buf in place, calling act for each action; stops at a quit (the
 * bytes after it are dropped). Returns how many bytes the guest gets. */
size_t console_escape_filter(struct console_escapes *e, uint8_t *buf,
			     size_t len, console_act_fn *act, void *opaque);
/* The text Ctrl-A H prints. */
extern const char console_help_text[];

/* --- output timestamps (Ctrl-A T), one switch for the whole process --- */
/* QEMU's mux format: "[HH:MM:SS.mmm] ", the time since they were switched
 * on. Writes it NUL-terminated into dst (at least 32 bytes); its length. */
size_t console_format_timestamp(char *dst, size_t size, uint64_t elapsed_ns);
/* The prefix for a line starting now: "" when timestamps are off. */
void console_current_stamp(char stamp[32]);
/* Switches timestamps on (counting from now_ns) or off; true when on. */
bool console_timestamps_toggle(uint64_t now_ns);
/* 0: off; else when they were switched on. */
uint64_t console_timestamps_since(void);

/* --- the line assembler: whole lines for concurrent guests --- */
struct console_line {
	char text[1024];
	size_t len;
	uint64_t started_ns; /* when text's first byte arrived */
};

/* Appends bytes from p up to and including the first '\n', or until text
 * is full; returns how many it took. *complete: a line to write out. */
size_t console_line_add(struct console_line *l, const char *p, size_t n,
			uint64_t now_ns, bool *complete);
/* True when part of a line has waited delay_ns for its end. */
bool console_line_stale(const struct console_line *l, uint64_t now_ns,
			uint64_t delay_ns);
/* Builds timestamp prefix (may be ""), "[tag] " (tag may be NULL), text,
 * and a '\n' when newline is set and text lacks one, into dst; its length.
 * dst holds at least CONSOLE_LINE_MAX bytes. */
#define CONSOLE_LINE_MAX (sizeof(((struct console_line *)0)->text) + 256)
size_t console_format_line(char *dst, const char *stamp, const char *tag,
			   const char *text, size_t len, bool newline);

/* How long an unended line of a line-buffered guest waits (main's tick). */
#define CONSOLE_LINE_DELAY_NS 100000000u

struct console_out {
	int fd;
	/* With a tag, output is cut into lines and each line is written whole,
	 * prefixed "[tag] ", so concurrent guests stay readable. */
	const char *tag;
	/* Without a tag, when several guests share fd: each line is still
	 * written whole (one write), and an unended one after
	 * CONSOLE_LINE_DELAY_NS (console_out_flush_stale). */
	bool lines;
	pthread_mutex_t *lock; /* shared by every guest writing to fd */
	/* The line against the flush from another thread (main's tick). */
	pthread_mutex_t line_lock;
	struct console_line line;
	bool mid_line; /* the last byte written out was not a '\n' */
	uint64_t bytes; /* bytes the guest produced, for statistics */
	/* The guest is being stopped (its vCPU 0's cancel flag): a write
	 * that blocks gives up once this is set, instead of waiting for a
	 * reader that may never come. NULL: never. */
	const volatile bool *cancel;
	bool abandoned;	     /* a write gave up on a stop: drop the rest */
	uint64_t unwritten;  /* guest bytes dropped because of the stop */
};

void console_out_init(struct console_out *out, int fd, const char *tag,
		      pthread_mutex_t *lock);
/* Several guests, no tag: whole lines (see lines above). */
void console_out_set_lines(struct console_out *out);
/* Stops a blocked write once *cancel is set (the guest's vCPU 0 cancel
 * flag; the caller also kicks the writing thread, see below). */
void console_out_set_cancel(struct console_out *out, const volatile bool *cancel);
/* Writes the guest's bytes, all of them: a short write is continued, a
 * non-blocking fd that is full (EAGAIN) is polled until it takes more. A
 * write blocked on a full pipe returns on a signal (EINTR: the vCPU kick,
 * SIGUSR1, installed without SA_RESTART) or, on EAGAIN, every 100 ms; it
 * gives up only when *cancel is set, counting the bytes in unwritten.
 * A write error is the process's (see console_output_error). */
void console_out_write(struct console_out *out, const void *buf, size_t len);
/* Ends a pending line; called when the guest stops. */
void console_out_flush(struct console_out *out);
/* Writes out an unended line that has waited CONSOLE_LINE_DELAY_NS;
 * safe from any thread while the guest runs. These and the two below are
 * main's tick: they never block (a line whose write would wait, or whose
 * locks a blocked writer holds, waits for the next tick). */
void console_out_flush_stale(struct console_out *out, uint64_t now_ns);
/* Line-buffered only: when the unended line began (its started_ns), 0 if
 * there is none, with its length so far in *len; and writing it out if it
 * is still that line. */
uint64_t console_out_partial_since(struct console_out *out, size_t *len);
void console_out_flush_partial(struct console_out *out, uint64_t since);
/* Guest bytes given up because the run was stopped while the write was
 * blocked (the guest reports them in one line). */
uint64_t console_out_unwritten(struct console_out *out);

/* --- write errors: one stdout, shared by every guest --- */
/* The first write error's errno (EPIPE included), 0: none. The first one
 * is reported on stderr, once for the process:
 *   EPIPE:  "kvm-vmm: standard output closed (EPIPE): stopping"; the
 *           process is sent SIGUSR2 so main stops every guest (126);
 *   others: "kvm-vmm: cannot write guest output to standard output: "
 *           strerror; the guests go on, their output dropped (126).
 * After either, guest output is dropped without trying. */
int console_output_error(void);
/* True once a write met EPIPE: nobody will read the output any more. */
bool console_output_closed(void);
/* For tests: forgets the error. */
void console_output_reset(void);
/* Writes all of buf to fd, errors ignored: kvm-vmm's own messages on
 * stderr (an output error's report, the escapes' replies), which must
 * never hold up a guest. */
void console_write_all(int fd, const void *buf, size_t len);

struct console_in {
	int fd; /* -1: this guest has no input */
	/* Taken by every console_in_* call: the vCPU thread (UART, GETCHAR)
	 * and the input thread both read. */
	pthread_mutex_t lock;
	/* Signalled when the guest takes the last buffered byte. */
	pthread_cond_t taken;
	uint8_t buf[4096];
	size_t pos, len;
	bool eof;
	/* At a terminal: the Ctrl-A escapes apply (Ctrl-A X sets
	 * quit_requested and ends input); their messages go to msg_fd. */
	bool escapes;
	struct console_escapes esc;
	int msg_fd; /* -1 (the default): no messages */
	/* Set by whichever thread read the Ctrl-A X, watched by others
	 * without the lock: accessed atomically (console_in_quit_requested). */
	volatile bool quit_requested;
	/* Checked while blocked waiting for input, so a stop request ends the
	 * wait within one poll interval; another thread sets it, so it is read
	 * atomically. */
	const volatile bool *cancel;
};

void console_in_init(struct console_in *in, int fd, const volatile bool *cancel);
/* 1 and *byte set: a byte. 0: none yet (after waiting up to timeout_ms; -1
 * waits until a byte, EOF or cancel). -1: end of input, or cancelled. */
int console_in_getc(struct console_in *in, uint8_t *byte, int timeout_ms);
/* True when a byte can be taken without waiting. */
bool console_in_ready(struct console_in *in);
/* True when the buffer holds bytes the guest has not taken yet. */
bool console_in_pending(struct console_in *in);
/* Waits up to timeout_ms while the buffer holds bytes the guest has not
 * taken, so that a thread watching for more input sleeps instead of
 * polling (every wake-up of a host thread can preempt a vCPU). */
void console_in_wait_taken(struct console_in *in, int timeout_ms);
bool console_in_eof(struct console_in *in);
/* True once Ctrl-A X was typed; safe from any thread while in is in use. */
bool console_in_quit_requested(struct console_in *in);
/* True once no byte will ever come: EOF reached and everything consumed. */
bool console_in_closed(struct console_in *in);
/* With escapes: waits up to timeout_ms for input and reads it behind what
 * the guest has not taken yet, so an escape is seen while the guest is not
 * reading. True when bytes for the guest arrived. */
bool console_in_pump(struct console_in *in, int timeout_ms);
/* True once since the last call when Ctrl-A S asked for statistics (the
 * main thread prints them; the request also sends it SIGUSR2). */
bool console_take_stats_request(void);

#endif
