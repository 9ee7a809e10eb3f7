/* The guest's console input on the host: stdin read into a buffer the
 * guest takes from (the UART, GETCHAR), by the vCPU's thread or the input
 * thread reading ahead, with QEMU's Ctrl-A escapes applied at a terminal
 * and their messages written on stderr. The escape state machine itself
 * is console_text.c; output is console.c. */
#include "console.h"

#include "stats.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
		console_write_all(in->msg_fd, text, strlen(text));
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
