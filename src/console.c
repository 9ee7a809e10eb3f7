#include "console.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* a closed stdout must not stop the guest */
		p += n;
		len -= (size_t)n;
	}
}

void console_out_init(struct console_out *out, int fd, const char *tag,
		      pthread_mutex_t *lock)
{
	memset(out, 0, sizeof(*out));
	out->fd = fd;
	out->tag = tag;
	out->lock = lock;
}

static void emit_tagged_line(struct console_out *out)
{
	char buf[sizeof(out->line) + 256];
	size_t tag_len = strlen(out->tag);
	size_t n = 0;

	if (tag_len > 200)
		tag_len = 200;
	buf[n++] = '[';
	memcpy(buf + n, out->tag, tag_len);
	n += tag_len;
	buf[n++] = ']';
	buf[n++] = ' ';
	memcpy(buf + n, out->line, out->line_len);
	n += out->line_len;
	if (n == 0 || buf[n - 1] != '\n')
		buf[n++] = '\n';
	if (out->lock)
		pthread_mutex_lock(out->lock);
	write_all(out->fd, buf, n);
	if (out->lock)
		pthread_mutex_unlock(out->lock);
	out->line_len = 0;
}

void console_out_write(struct console_out *out, const void *buf, size_t len)
{
	const char *p = buf;

	out->bytes += len;
	if (!out->tag) {
		write_all(out->fd, buf, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		out->line[out->line_len++] = p[i];
		if (p[i] == '\n' || out->line_len == sizeof(out->line))
			emit_tagged_line(out);
	}
}

void console_out_flush(struct console_out *out)
{
	if (out->tag && out->line_len > 0)
		emit_tagged_line(out);
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
	while (in->pos < in->len && !(in->cancel && *in->cancel))
		if (pthread_cond_timedwait(&in->taken, &in->lock, &until) != 0)
			break;
	pthread_mutex_unlock(&in->lock);
}

bool console_in_eof(struct console_in *in)
{
	bool eof;

	pthread_mutex_lock(&in->lock);
	eof = in->eof;
	pthread_mutex_unlock(&in->lock);
	return eof;
}

/* Applies the terminal escapes to freshly read bytes, in place. */
static size_t filter_escapes(struct console_in *in, uint8_t *buf, size_t len)
{
	size_t kept = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t b = buf[i];

		if (in->escape_pending) {
			in->escape_pending = false;
			if (b == 'x' || b == 'X') {
				in->quit_requested = true;
				in->eof = true;
				kill(getpid(), SIGUSR2); /* wakes the main thread */
				break;
			}
			if (b == 0x01)
				buf[kept++] = b;
			continue;
		}
		if (b == 0x01)
			in->escape_pending = true;
		else
			buf[kept++] = b;
	}
	return kept;
}

/* Waits at most timeout_ms for input; -1 waits in slices so cancel is seen. */
static void refill(struct console_in *in, int timeout_ms)
{
	for (;;) {
		struct pollfd pfd = { .fd = in->fd, .events = POLLIN };
		int slice = (timeout_ms < 0 || timeout_ms > 100) ? 100 : timeout_ms;
		int ready = poll(&pfd, 1, slice);

		if (ready > 0) {
			ssize_t n = read(in->fd, in->buf, sizeof(in->buf));

			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				in->eof = true;
				return;
			}
			in->pos = 0;
			in->len = in->escapes ? filter_escapes(in, in->buf, (size_t)n)
					      : (size_t)n;
			if (in->len == 0 && !in->eof)
				continue; /* only escape bytes arrived */
			return;
		}
		if (ready < 0 && errno != EINTR) {
			in->eof = true;
			return;
		}
		if (in->cancel && *in->cancel)
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
	} else if (in->eof || (in->cancel && *in->cancel)) {
		ret = -1;
	}
	pthread_mutex_unlock(&in->lock);
	return ret;
}
