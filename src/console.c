/* The guest's console on the host: output written as it comes (one guest),
 * in whole lines (several guests, or --tag), with optional timestamps; input
 * from stdin with QEMU's Ctrl-A escapes when stdin is a terminal. This file
 * has the parts that touch file descriptors and threads; the pure ones
 * (escape state machine, timestamps, line assembler) are console_text.c. */
#include "console.h"

#include "stats.h"
#include "trace_events.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* --- output --- */

/* For the escapes' messages on stderr: written as they are, errors
 * ignored (they never hold up a guest). */
static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

/* The process's one output error (stdout is every guest's); 0: none. */
static int output_errno;

int console_output_error(void)
{
	return __atomic_load_n(&output_errno, __ATOMIC_SEQ_CST);
}

bool console_output_closed(void)
{
	return console_output_error() == EPIPE;
}

void console_output_reset(void)
{
	__atomic_store_n(&output_errno, 0, __ATOMIC_SEQ_CST);
}

/* The first error is reported, once; EPIPE wakes main, which stops every
 * guest (a reader that went away never comes back, as `| head` shows). */
static void output_failed(int err)
{
	int none = 0;
	char msg[160];

	if (!__atomic_compare_exchange_n(&output_errno, &none, err, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return;
	if (err == EPIPE)
		snprintf(msg, sizeof(msg), "kvm-vmm: standard output closed (EPIPE): stopping\n");
	else
		snprintf(msg, sizeof(msg), "kvm-vmm: cannot write guest output to standard output: %s\n",
			 strerror(err));
	write_all(STDERR_FILENO, msg, strlen(msg));
	if (err == EPIPE)
		kill(getpid(), SIGUSR2);
}

static bool out_cancelled(const struct console_out *out)
{
	return out->cancel && __atomic_load_n(out->cancel, __ATOMIC_SEQ_CST);
}

/* Writes len bytes of out's; returns how many were not written: 0, or
 * the rest after a write error or a stop while the write was blocked.
 * try (main's tick): never waits; stops at the first EAGAIN or EINTR. */
static size_t out_write(struct console_out *out, const char *p, size_t len, bool try)
{
	while (len > 0) {
		ssize_t n;

		if (console_output_error() || out->abandoned)
			return len;
		n = write(out->fd, p, len);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
			output_failed(errno);
			return len;
		}
		if (try)
			return len;
		/* Blocked: interrupted (the vCPU kick), or full and non-blocking.
		 * Only a stop ends the wait: the bytes are never dropped. */
		if (out_cancelled(out)) {
			out->abandoned = true;
			return len;
		}
		if (n == 0 || errno != EINTR) {
			struct pollfd pfd = { .fd = out->fd, .events = POLLOUT };

			poll(&pfd, 1, 100);
		}
	}
	return 0;
}

/* Counts guest bytes a stop dropped (an error's are not: it is reported). */
static void count_unwritten(struct console_out *out, size_t n)
{
	if (n && out->abandoned && !console_output_error())
		__atomic_add_fetch(&out->unwritten, n, __ATOMIC_SEQ_CST);
}

void console_out_init(struct console_out *out, int fd, const char *tag,
		      pthread_mutex_t *lock)
{
	memset(out, 0, sizeof(*out));
	out->fd = fd;
	out->tag = tag;
	out->lock = lock;
	pthread_mutex_init(&out->line_lock, NULL);
}

void console_out_set_lines(struct console_out *out)
{
	out->lines = true;
}

void console_out_set_cancel(struct console_out *out, const volatile bool *cancel)
{
	out->cancel = cancel;
}

uint64_t console_out_unwritten(struct console_out *out)
{
	return __atomic_load_n(&out->unwritten, __ATOMIC_SEQ_CST);
}

/* Writes the assembled line as one write(), under the lock shared with the
 * other guests; a tagged line always ends in '\n'. Called with line_lock.
 * try (main's tick): only if neither the lock nor the write has to wait;
 * false then, and the line stays for the next tick. */
static bool emit_line_how(struct console_out *out, bool try)
{
	char buf[CONSOLE_LINE_MAX];
	char stamp[32] = "";
	size_t n, left;

	if (!out->mid_line)
		console_current_stamp(stamp);
	n = console_format_line(buf, stamp, out->tag, out->line.text,
				out->line.len, out->tag != NULL);
	if (out->lock) {
		if (!try)
			pthread_mutex_lock(out->lock);
		else if (pthread_mutex_trylock(out->lock) != 0)
			return false; /* a guest holds it, maybe blocked writing */
	}
	if (try) {
		struct pollfd pfd = { .fd = out->fd, .events = POLLOUT };

		if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & (POLLOUT | POLLERR | POLLHUP))) {
			if (out->lock)
				pthread_mutex_unlock(out->lock);
			return false;
		}
	}
	left = out_write(out, buf, n, try);
	if (try && left == n && !console_output_error()) {
		if (out->lock)
			pthread_mutex_unlock(out->lock);
		return false; /* nothing went: try again at the next tick */
	}
	if (try && left)
		left = out_write(out, buf + (n - left), left, false);
	if (out->lock)
		pthread_mutex_unlock(out->lock);
	count_unwritten(out, left < out->line.len ? left : out->line.len);
	out->mid_line = buf[n - 1] != '\n';
	out->line.len = 0;
	return true;
}

static void emit_line(struct console_out *out)
{
	emit_line_how(out, false);
}

/* One guest, no tag: each byte goes out as it comes; with timestamps on,
 * each line that starts gets its prefix (in the same write). */
static void write_through(struct console_out *out, const char *p, size_t len)
{
	char buf[CONSOLE_LINE_MAX];

	if (!console_timestamps_since()) {
		count_unwritten(out, out_write(out, p, len, false));
		out->mid_line = p[len - 1] != '\n';
		return;
	}
	while (len > 0) {
		const char *nl = memchr(p, '\n', len);
		size_t take = nl ? (size_t)(nl - p) + 1 : len, n = 0;

		if (take > sizeof(out->line.text))
			take = sizeof(out->line.text);
		if (!out->mid_line) {
			console_current_stamp(buf);
			n = strlen(buf);
		}
		memcpy(buf + n, p, take);
		size_t left = out_write(out, buf, n + take, false);

		count_unwritten(out, left < take ? left : take);
		out->mid_line = p[take - 1] != '\n';
		p += take;
		len -= take;
	}
}

void console_out_write(struct console_out *out, const void *buf, size_t len)
{
	const char *p = buf;
	uint64_t now;

	out->bytes += len;
	if (len)
		trace_output(buf, len); /* --trace: an instant event of them */
	if (len == 0 || out->fd < 0)
		return; /* no output: nowhere to write, and no error */
	if (out->abandoned || console_output_error()) {
		count_unwritten(out, len); /* stopped, or nowhere to write */
		return;
	}
	if (!out->tag && !out->lines) {
		write_through(out, p, len);
		return;
	}
	now = out->lines ? now_ns() : 0;
	pthread_mutex_lock(&out->line_lock);
	while (len > 0) {
		bool complete;
		size_t n = console_line_add(&out->line, p, len, now, &complete);

		p += n;
		len -= n;
		if (complete)
			emit_line(out);
	}
	pthread_mutex_unlock(&out->line_lock);
}

void console_out_flush(struct console_out *out)
{
	pthread_mutex_lock(&out->line_lock);
	if (out->line.len > 0 && (out->abandoned || console_output_error())) {
		count_unwritten(out, out->line.len);
		out->line.len = 0;
	} else if (out->line.len > 0) {
		emit_line(out);
	}
	pthread_mutex_unlock(&out->line_lock);
}

void console_out_flush_stale(struct console_out *out, uint64_t now_ns)
{
	if (!out->lines || pthread_mutex_trylock(&out->line_lock) != 0)
		return; /* the guest is writing: its own write ends the line */
	if (console_line_stale(&out->line, now_ns, CONSOLE_LINE_DELAY_NS))
		emit_line_how(out, true);
	pthread_mutex_unlock(&out->line_lock);
}

uint64_t console_out_partial_since(struct console_out *out)
{
	uint64_t since = 0;

	if (!out->lines || pthread_mutex_trylock(&out->line_lock) != 0)
		return 0; /* the guest is writing (maybe blocked): not now */
	if (out->line.len > 0)
		since = out->line.started_ns ? out->line.started_ns : 1;
	pthread_mutex_unlock(&out->line_lock);
	return since;
}

void console_out_flush_partial(struct console_out *out, uint64_t since)
{
	if (pthread_mutex_trylock(&out->line_lock) != 0)
		return;
	if (out->line.len > 0 && (out->line.started_ns ? out->line.started_ns : 1) == since)
		emit_line_how(out, true);
	pthread_mutex_unlock(&out->line_lock);
}

/* --- input --- */

static bool stats_requested;

bool console_take_stats_request(void)
{
	return __atomic_exchange_n(&stats_requested, false, __ATOMIC_SEQ_CST);
}

void console_in_init(struct console_in *in, int fd, const volatile bool *cancel)
{
	pthread_condattr_t attr;

	memset(in, 0, sizeof(*in));
	pthread_mutex_init(&in->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&in->taken, &attr);
	pthread_condattr_destroy(&attr);
	in->fd = fd;
	in->eof = fd < 0;
	in->cancel = cancel;
	in->msg_fd = -1;
}

bool console_in_closed(struct console_in *in)
{
	bool closed;

	pthread_mutex_lock(&in->lock);
	closed = in->eof && in->pos == in->len;
	pthread_mutex_unlock(&in->lock);
	return closed;
}

bool console_in_pending(struct console_in *in)
{
	bool pending;

	pthread_mutex_lock(&in->lock);
	pending = in->pos < in->len;
	pthread_mutex_unlock(&in->lock);
	return pending;
}

/* The vCPU's cancel flag, which another thread sets (vcpu_cancel). */
static bool in_cancelled(const struct console_in *in)
{
	return in->cancel && __atomic_load_n(in->cancel, __ATOMIC_SEQ_CST);
}

void console_in_wait_taken(struct console_in *in, int timeout_ms)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&in->lock);
	while (in->pos < in->len && !in_cancelled(in))
		if (pthread_cond_timedwait(&in->taken, &in->lock, &until) != 0)
			break;
	pthread_mutex_unlock(&in->lock);
}

/* The thread reading input (the vCPU's or the input thread) sets it,
 * with in->lock held; the input thread and main poll it without. */
bool console_in_quit_requested(struct console_in *in)
{
	return __atomic_load_n(&in->quit_requested, __ATOMIC_SEQ_CST);
}

bool console_in_eof(struct console_in *in)
{
	bool eof;

	pthread_mutex_lock(&in->lock);
	eof = in->eof;
	pthread_mutex_unlock(&in->lock);
	return eof;
}

/* An escape's message: one write, so it never splits (the terminal keeps
 * output processing in raw mode, so "\n" still returns the carriage). */
static void console_msg(const struct console_in *in, const char *text)
{
	if (in->msg_fd >= 0)
		write_all(in->msg_fd, text, strlen(text));
}

static void unknown_escape(const struct console_in *in, uint8_t key)
{
	char msg[96], name[16];

	if (key >= 0x20 && key < 0x7f)
		snprintf(name, sizeof(name), "%c", key);
	else if (key < 0x20)
		snprintf(name, sizeof(name), "Ctrl-%c", key + '@');
	else
		snprintf(name, sizeof(name), "0x%02x", key);
	snprintf(msg, sizeof(msg),
		 "kvm-vmm: Ctrl-A %s is no escape, dropped (Ctrl-A H for help)\n", name);
	console_msg(in, msg);
}

/* What an escape does; runs in the thread that read it, with in->lock
 * held. Quit and statistics wake the main thread, which acts on them. */
static void in_act(void *opaque, enum console_action a, const struct console_escapes *e)
{
	struct console_in *in = opaque;

	switch (a) {
	case CONSOLE_ACT_QUIT:
		__atomic_store_n(&in->quit_requested, true, __ATOMIC_SEQ_CST);
		in->eof = true;
		kill(getpid(), SIGUSR2);
		break;
	case CONSOLE_ACT_STATS:
		__atomic_store_n(&stats_requested, true, __ATOMIC_SEQ_CST);
		kill(getpid(), SIGUSR2);
		break;
	case CONSOLE_ACT_HELP:
		console_msg(in, console_help_text);
		break;
	case CONSOLE_ACT_TIMESTAMPS:
		console_msg(in, console_timestamps_toggle(now_ns())
					? "kvm-vmm: console timestamps on\n"
					: "kvm-vmm: console timestamps off\n");
		break;
	case CONSOLE_ACT_UNKNOWN:
		unknown_escape(in, e->key);
		break;
	case CONSOLE_ACT_NONE:
		break;
	}
}

/* Moves the bytes not yet taken to the front; the room behind them. */
static size_t make_room(struct console_in *in)
{
	if (in->pos == in->len) {
		in->pos = in->len = 0;
	} else if (in->pos > 0) {
		memmove(in->buf, in->buf + in->pos, in->len - in->pos);
		in->len -= in->pos;
		in->pos = 0;
	}
	return sizeof(in->buf) - in->len;
}

/* One read into the room behind the bytes not yet taken, through the
 * escapes at a terminal. False when nothing for the guest came. */
static bool read_more(struct console_in *in)
{
	size_t room = make_room(in);
	ssize_t n;

	if (room == 0)
		return false;
	n = read(in->fd, in->buf + in->len, room);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return false;
	if (n <= 0) {
		in->eof = true;
		return false;
	}
	if (in->escapes)
		n = (ssize_t)console_escape_filter(&in->esc, in->buf + in->len,
						   (size_t)n, in_act, in);
	in->len += (size_t)n;
	return n > 0;
}

/* Waits at most timeout_ms for input; -1 waits in slices so cancel is seen. */
static void refill(struct console_in *in, int timeout_ms)
{
	for (;;) {
		struct pollfd pfd = { .fd = in->fd, .events = POLLIN };
		int slice = (timeout_ms < 0 || timeout_ms > 100) ? 100 : timeout_ms;
		int ready = poll(&pfd, 1, slice);

		if (ready > 0) {
			if (read_more(in) || in->eof || in->len - in->pos == sizeof(in->buf))
				return;
			continue; /* only escape bytes arrived, or EINTR */
		}
		if (ready < 0 && errno != EINTR) {
			in->eof = true;
			return;
		}
		if (in_cancelled(in))
			return;
		if (timeout_ms >= 0) {
			timeout_ms -= slice;
			if (timeout_ms <= 0)
				return;
		}
	}
}

bool console_in_ready(struct console_in *in)
{
	bool ready;

	pthread_mutex_lock(&in->lock);
	if (in->pos == in->len && !in->eof)
		refill(in, 0);
	ready = in->pos < in->len;
	pthread_mutex_unlock(&in->lock);
	return ready;
}

int console_in_getc(struct console_in *in, uint8_t *byte, int timeout_ms)
{
	int ret = 0;

	pthread_mutex_lock(&in->lock);
	if (in->pos == in->len && !in->eof)
		refill(in, timeout_ms);
	if (in->pos < in->len) {
		*byte = in->buf[in->pos++];
		ret = 1;
		if (in->pos == in->len)
			pthread_cond_broadcast(&in->taken);
	} else if (in->eof || in_cancelled(in)) {
		ret = -1;
	}
	pthread_mutex_unlock(&in->lock);
	return ret;
}

bool console_in_pump(struct console_in *in, int timeout_ms)
{
	struct pollfd pfd = { .fd = in->fd, .events = POLLIN };
	bool full, got;

	pthread_mutex_lock(&in->lock);
	full = in->len - in->pos == sizeof(in->buf);
	pthread_mutex_unlock(&in->lock);
	if (full) {
		/* 4 KiB typed ahead of the guest: escapes wait too, as in QEMU. */
		console_in_wait_taken(in, timeout_ms);
		return false;
	}
	/* Polled without the lock: the vCPU must not wait for this sleep. */
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return false;
	pthread_mutex_lock(&in->lock);
	size_t before = in->len - in->pos;

	if (!in->eof)
		refill(in, 0); /* the vCPU may have read it meanwhile */
	got = in->len - in->pos > before;
	pthread_mutex_unlock(&in->lock);
	return got;
}
