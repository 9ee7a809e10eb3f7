/* The guest's console output on the host: written as it comes (one
 * guest), in whole lines (several guests, or --tag), with optional
 * timestamps; and the process's one output error. This file has the parts
 * of output that touch file descriptors and threads; the pure ones
 * (timestamps, line assembler) are console_text.c, input is console_in.c. */
#include "console.h"

#include "stats.h"
#include "trace_events.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* --- output --- */

/* For the escapes' messages on stderr: written as they are, errors
 * ignored (they never hold up a guest). */
void console_write_all(int fd, const void *buf, size_t len)
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
	console_write_all(STDERR_FILENO, msg, strlen(msg));
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

uint64_t console_out_partial_since(struct console_out *out, size_t *len)
{
	uint64_t since = 0;

	*len = 0;
	if (!out->lines || pthread_mutex_trylock(&out->line_lock) != 0)
		return 0; /* the guest is writing (maybe blocked): not now */
	if (out->line.len > 0)
		since = out->line.started_ns ? out->line.started_ns : 1;
	*len = out->line.len;
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
